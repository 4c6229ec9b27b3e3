#!/bin/sh
# The build's progress line: drawn on stderr once a build takes over a
# second when stderr is a terminal (here a pty from script(1)), or with
# --progress; never when stderr is not a terminal, nor with --quiet. Each
# build compresses a 16 MiB core at level 19 (many seconds) and is stopped
# once the line should have appeared.
. "$(dirname "$0")/lib.sh"
for f in /usr/bin/*; do [ -f "$f" ] && cat "$f"; done 2>/dev/null | head -c 16777216 > "$T/core.bin"
cat > "$T/m.yaml" <<EOF2
image: {name: progress, version: 1.0.0, security_version: 1, build_epoch: 1}
core: {path: core.bin, format: raw, load_address: 0x100000, entry_point: 0x100000}
EOF2
cp "$SRC/oem-profiles/orbital-edge.yaml" "$T/p.yaml"
expect 0 "" hv keygen --alg rsa3072-pkcs1-sha256 -o "$T/k.pem"
build="$HVIMAGE build -m $T/m.yaml -p $T/p.yaml --key $T/k.pem --threads 1"

# run NAME CMD: run CMD in the background for 4 s, then stop it.
run() {
    name=$1
    shift
    sh -c "$*" > "$T/$name.out" 2> "$T/$name.err" &
    pid=$!
    sleep 4
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    pkill -TERM -f "$T/$name.hvi" 2>/dev/null
    return 0
}
progress_line='(build|hvimage): [0-9.]+ of 16.0 MiB in, [0-9.]+ MiB out \(ratio [0-9.]+\), [0-9]+ MiB/s'

run tty "script -qfec '$build -o $T/tty.hvi' /dev/null"
check "on a terminal the line is drawn" grep -Eq "$progress_line" "$T/tty.out"
run forced "$build --progress -o $T/forced.hvi"
check "--progress draws it off a terminal" grep -Eq "$progress_line" "$T/forced.err"
check "--progress draws on stderr only" test ! -s "$T/forced.out"
run piped "$build -o $T/piped.hvi"
check "off a terminal nothing is drawn" test ! -s "$T/piped.err"
run quiet "script -qfec '$build --quiet -o $T/quiet.hvi' /dev/null"
check "--quiet draws nothing, even on a terminal" sh -c "! grep -q 'MiB in' '$T/quiet.out'"
expect 2 "--quiet and --progress exclude each other" \
    hv build -m "$T/m.yaml" -p "$T/p.yaml" --key "$T/k.pem" --quiet --progress -o "$T/x.hvi"
finish
