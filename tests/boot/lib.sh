# Helpers for the boot tests. Each test script sources this, builds images
# and flash files with the real hvimage CLI, boots them in QEMU (TCG, hard
# timeout) and asserts on the serial log with `expect_log` / `refuse_log`,
# then ends with `finish`, which fails the test if any assertion failed or
# none was made. HVBOOT_KEEP=1 keeps the temporary folder (flashes, logs).
set -u
: "${HVIMAGE:?}" "${SRC:?}" "${STAGE:?}" "${HV_CONST:?}"
# HV_* offsets and sizes from include/hvimage/ (tests/format-constants.c).
. "$HV_CONST"
QEMU=${QEMU:-}
if [ -z "$QEMU" ] || ! [ -x "$QEMU" ]; then
    echo "FAIL: qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
    exit 1
fi
fails=0
checks=0
T=$(mktemp -d /tmp/hvboot-XXXXXX)
# Profiles derived from the bundled ones into $T name their vendor keys
# relative to their own folder (keys/*.pub.pem, docs/PROFILE.md).
cp -R "$SRC/oem-profiles/keys" "$T/keys"
[ -n "${HVBOOT_KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
PROFILE=$SRC/oem-profiles/acme-servers.yaml
MANIFEST=$SRC/manifests/example.yaml
BOARD=acme-r750-mb2
QEMU_TIMEOUT=${QEMU_TIMEOUT:-30}

hv() { "$HVIMAGE" "$@"; }

die() {
    echo "FAIL (setup): $*"
    exit 1
}

# key NAME: a P-384 key pair $T/NAME.pem, $T/NAME.pub.pem.
key() {
    hv keygen --alg ecdsa-p384-sha384 -o "$T/$1.pem" >/dev/null ||
        die "keygen $1"
}

# image OUT KEY [MANIFEST [PROFILE]]: hvimage build.
image() {
    hv build --quiet -m "${3:-$MANIFEST}" -p "${4:-$PROFILE}" \
        --key "$T/$2.pem" -o "$1" || die "build $1"
}

# Python only where it pays: its start-up is slow behind version shims, so
# prefer the system interpreter, and call it once per JSON document.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# flash OUT ARGS...: hvimage assemble for $BOARD with $PROFILE. The layout
# goes to OUT.json, and into the shell as region_<name>_offset/_size and
# erase_block.
flash() {
    out=$1
    shift
    hv assemble -p "$PROFILE" --stage "$STAGE" --board "$BOARD" --json \
        -o "$out" "$@" >"$out.json" || die "assemble $out"
    eval "$($PY - "$out.json" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1]))
for name, r in j["regions"].items():
    print(f"region_{name}_offset={r['offset']} region_{name}_size={r['size']}")
print(f"erase_block={j['erase_block']}")
PYEOF
)" || die "layout of $out"
}

# json FILE EXPR: evaluate a Python expression over the JSON in FILE (as j).
json() {
    $PY -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# sections IMAGE: set sec_<name>_offset and sec_<name>_stored from
# hvimage inspect --json.
# sec_NAME_data: where the stored bytes start, the offset itself in format
# version 1, after the section's chunk table in version 2 (its size follows
# from the signed sizes: include/hvimage/format.h hv_chunk_entries), and
# chunk_log2 (0 in version 1).
sections() {
    hv inspect --json "$1" >"$T/inspect.json" || die "inspect $1"
    eval "$($PY - "$T/inspect.json" "$1" <<'PYEOF'
import json, struct, sys
doc = json.load(open(sys.argv[1]))["metadata"]
head = open(sys.argv[2], "rb").read(64 + 164)
version = struct.unpack_from("<I", head, 8)[0]
log2 = struct.unpack_from("<I", head, 64 + 160)[0] if version == 2 else 0
dsize = {"sha256": 32, "sha384": 48}[doc["digest"]]
print(f"chunk_log2={log2}")
for s in doc["sections"]:
    data = s.get("data_offset")
    if data is None:
        table = 0
        if log2:
            u = s["unpacked_size"]
            bound = u if s["compression"] == "none" else u + (u >> 7) + 4096
            table = ((bound + (1 << log2) - 1) >> log2) * dsize
        data = s["offset"] + table
    print(f"sec_{s['name']}_offset={s['offset']} sec_{s['name']}_stored={s['stored_size']} sec_{s['name']}_data={data}")
PYEOF
)" || die "sections of $1"
}

# patch FILE OFFSET HEXBYTES: overwrite bytes in place.
patch() {
    esc=$(printf '%s' "$3" | sed 's/../& /g' | {
        read -r bytes
        for b in $bytes; do printf '\\%03o' "0x$b"; done
    })
    # shellcheck disable=SC2059
    printf "$esc" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none ||
        die "patch $1"
}

# chunk_at NAME POS: the image offset a verifier names for a bad stored
# byte POS bytes into section NAME (after `sections`): the section's offset
# in version 1, the start of POS's chunk in version 2.
chunk_at() {
    eval "data=\$sec_$1_data"
    if [ "$chunk_log2" -eq 0 ]; then
        eval "echo \$sec_$1_offset"
    else
        echo $((data + ($2 >> chunk_log2 << chunk_log2)))
    fi
}

# flip FILE OFFSET: invert one byte.
flip() {
    b=$(od -An -tx1 -j "$2" -N1 "$1" | tr -d ' ')
    patch "$1" "$2" "$(printf '%02x' $((0x$b ^ 0xFF)))"
}

# le HEX BYTES: the number HEX (hex digits, no 0x) as BYTES little-endian
# bytes in hex. Strings, not shell arithmetic, so 64-bit values survive.
le() {
    h=$(printf "%$(($2 * 2))s" "$1" | tr ' ' 0)
    out=""
    while [ -n "$h" ]; do
        rest=${h%??}
        out="$out${h#"$rest"}"
        h=$rest
    done
    echo "$out"
}

# hex N: decimal N in hex digits.
hex() { printf '%x' "$1"; }

# boot FLASH LOG: boot the flash in QEMU. The boot ROM's job (copy the
# boot_stage region to RAM and enter it) is played by QEMU's multiboot
# loader on that region; the whole flash is mapped at 4 GiB, share=on so
# the boot-state records the stage and the monitor write persist in FLASH
# (the stage maps only the boot_state region writable; docs/BOOT.md).
# Sets $status to QEMU's exit status (33 monitor ok, 65 no bootable slot,
# 67 stage fatal, 124 timeout). QEMU_CPU picks the CPU model (default
# qemu64: no SSSE3, SSE4.1 or SHA extensions). $QEMU_EXTRA: more QEMU
# options, split on spaces (kill.sh: the gdb stub). QEMU_MEM: the -m value
# (Linux cores need more than the monitor's 256 MiB, docs/BOOT.md).
boot() {
    fl=$1 log=$2
    dd if="$fl" of="$T/stage-region.bin" bs=4096 \
        skip=$((region_boot_stage_offset / 4096)) \
        count=$((region_boot_stage_size / 4096)) 2>/dev/null ||
        die "extract boot stage"
    timeout "$QEMU_TIMEOUT" "$QEMU" -machine pc -accel tcg -cpu "${QEMU_CPU:-qemu64}" \
        -m "${QEMU_MEM:-256M,slots=1,maxmem=1G}" -nodefaults -nic none -display none \
        -no-reboot \
        -object memory-backend-file,id=flash,mem-path="$fl",size="$(stat -c %s "$fl")",share=on \
        -device pc-dimm,memdev=flash,addr=0x100000000 \
        -kernel "$T/stage-region.bin" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -serial file:"$log" ${QEMU_EXTRA:-} </dev/null >"$log.qemu" 2>&1
    status=$?
    tr -d '\r' <"$log" >"$log.txt" && mv "$log.txt" "$log"
    checks=$((checks + 1))
    if [ "$status" -eq 124 ]; then
        echo "FAIL: QEMU timed out after $QEMU_TIMEOUT s on $fl"
        fails=$((fails + 1))
    fi
}

show_log() {
    echo "---- serial log $1 ----"
    cat "$1"
    [ -s "$1.qemu" ] && { echo "---- qemu ----"; cat "$1.qemu"; }
    echo "----"
}

# expect_log LOG REGEX: the log must contain a line matching REGEX.
expect_log() {
    checks=$((checks + 1))
    if ! grep -Eq -- "$2" "$1"; then
        echo "FAIL: log does not match /$2/"
        show_log "$1"
        fails=$((fails + 1))
    fi
}

# refuse_log LOG REGEX: no line of the log may match REGEX.
refuse_log() {
    checks=$((checks + 1))
    if grep -Eq -- "$2" "$1"; then
        echo "FAIL: log matches /$2/, which it must not"
        show_log "$1"
        fails=$((fails + 1))
    fi
}

# expect_status N: QEMU's exit status of the last boot.
expect_status() {
    checks=$((checks + 1))
    if [ "$status" -ne "$1" ]; then
        echo "FAIL: QEMU exit status $status, wanted $1"
        fails=$((fails + 1))
    fi
}

# refused LOG: nothing booted, the stage said so and halted cleanly; no
# monitor output, no CPU exception.
refused() {
    expect_status 65
    expect_log "$1" "^hvstage: no bootable slot"
    expect_log "$1" "^hvstage: halted: nothing verified"
    refuse_log "$1" "hvmonitor"
    refuse_log "$1" "jumping to"
    refuse_log "$1" "CPU exception"
}

finish() {
    echo "$checks checks, $fails failed"
    [ "$fails" -eq 0 ] && [ "$checks" -gt 0 ]
    exit $?
}
