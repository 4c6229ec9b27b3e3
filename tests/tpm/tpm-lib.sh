# swtpm helpers for the TPM tests (sourced after tests/boot/lib.sh, which
# gives $T, checks and die). Every swtpm started here is stopped by pid at
# the end (trap), never by name.
SWTPM=${SWTPM:-swtpm}
command -v "$SWTPM" >/dev/null 2>&1 ||
    { echo "FAIL: swtpm not found (apt-get install swtpm swtpm-tools)"; exit 1; }
swtpm_pids=""
swtpm_cleanup() {
    for p in $swtpm_pids; do kill "$p" 2>/dev/null; done
    [ -n "${HVBOOT_KEEP:-}" ] || rm -rf "$T"
}
trap swtpm_cleanup EXIT
# The ESAPI logs its own errors to stderr; the tests assert on hvimage's.
export TSS2_LOG=all+none

# free_port: a TCP port nothing listens on, with the next one free too.
free_port() {
    $PY - <<'PYEOF'
import socket
for _ in range(50):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); p = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 1))
    except OSError:
        a.close(); continue
    a.close(); b.close(); print(p); break
PYEOF
}

# swtpm_tcp DIR: start swtpm on TCP (data port, control port + 1) over the
# state in DIR, started (startup-clear), as `hvimage tpm` reaches a TPM;
# sets $TCTI and $swtpm_pid.
swtpm_tcp() {
    mkdir -p "$1"
    port=$(free_port)
    [ -n "$port" ] || die "no free port"
    "$SWTPM" socket --tpm2 --server type=tcp,port="$port" \
        --ctrl type=tcp,port=$((port + 1)) --tpmstate dir="$1" \
        --flags not-need-init,startup-clear >"$1/swtpm-tcp.log" 2>&1 &
    swtpm_pid=$!
    swtpm_pids="$swtpm_pids $swtpm_pid"
    TCTI="swtpm:host=127.0.0.1,port=$port"
    for _ in $(seq 50); do
        $PY -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" \
            2>/dev/null && return 0
        sleep 0.1
    done
    die "swtpm did not listen on $port"
}

# swtpm_stop: stop the last swtpm started and wait for it (its state is on
# disk after every NV write).
swtpm_stop() {
    kill "$swtpm_pid" 2>/dev/null
    wait "$swtpm_pid" 2>/dev/null
}

# swtpm_qemu DIR: start swtpm for QEMU's tpm-emulator backend on a Unix
# control socket over the state in DIR (QEMU and its firmware start the
# TPM); sets $QEMU_EXTRA for lib.sh's boot. ppi=off: QEMU's TPM physical
# presence interface clears all guest memory at reset when its Memory
# Overwrite Request byte says so, the flash file included (mapped share=on),
# and that byte starts as whatever QEMU's allocator left (garbage under
# meson's MALLOC_PERTURB_); the stage uses no PPI.
swtpm_qemu() {
    mkdir -p "$1"
    rm -f "$1/sock"
    "$SWTPM" socket --tpm2 --ctrl type=unixio,path="$1/sock" \
        --tpmstate dir="$1" --terminate >"$1/swtpm-qemu.log" 2>&1 &
    swtpm_pid=$!
    swtpm_pids="$swtpm_pids $swtpm_pid"
    for _ in $(seq 50); do
        [ -S "$1/sock" ] && break
        sleep 0.1
    done
    [ -S "$1/sock" ] || die "swtpm made no socket in $1"
    QEMU_EXTRA="-chardev socket,id=chrtpm,path=$1/sock -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0,ppi=off"
}

# tpm_floor DIR: the floor in the TPM state DIR, read with hvimage tpm read
# through a fresh swtpm (a TPM reset: any write lock is gone).
tpm_floor() {
    swtpm_tcp "$1"
    hv tpm read --tcti "$TCTI" --json >"$T/floor.json" ||
        { swtpm_stop; echo "unreadable"; return; }
    swtpm_stop
    json "$T/floor.json" 'j["floor"]'
}

# expect_eq WHAT GOT WANT
expect_eq() {
    checks=$((checks + 1))
    if [ "$2" != "$3" ]; then
        echo "FAIL: $1: got '$2', wanted '$3'"
        fails=$((fails + 1))
    fi
}
