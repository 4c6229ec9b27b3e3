#!/bin/sh
# hvimage assemble: the layout it writes (checked independently by
# flash-layout.py), and each class of bad input refused with its exit code,
# a message naming the problem, and no output file.
. "$(dirname "$0")/lib.sh"
key dev
key other
hv keygen --alg ecdsa-p256-sha256 -o "$T/p256.pem" >/dev/null || die keygen
image "$T/ex.hvi" dev
image "$T/other.hvi" other

# expect CODE REGEX CMD...: exit code and message.
expect() {
    want=$1 pattern=$2
    shift 2
    out=$("$@" 2>&1)
    got=$?
    checks=$((checks + 1))
    if [ "$got" -ne "$want" ] || ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
        echo "FAIL: exit $got (wanted $want), output vs /$pattern/: $*"
        echo "$out" | sed 's/^/    /'
        fails=$((fails + 1))
    fi
}
asm() {
    hv assemble -p "$PROFILE" --stage "$STAGE" --key "$T/dev.pub.pem" "$@"
}
no_output() {
    checks=$((checks + 1))
    left=""
    for f in "$T"/out.bin "$T"/out.bin.tmp-*; do
        [ -e "$f" ] && left="$left $f"
    done
    if [ -n "$left" ]; then
        echo "FAIL: output or temporary file left behind"
        fails=$((fails + 1))
    fi
}

expect 0 "^assembled $T/a.bin: 65536 KiB flash for board $BOARD \(oem acme-servers\)" \
    asm --board "$BOARD" --rollback 3 --slot-a "$T/ex.hvi" -o "$T/a.bin"
expect 0 "slot A: +example-hv 1\.4\.2, security version 3, [0-9]+ bytes, verified for this device" \
    asm --board "$BOARD" --rollback 3 --slot-a "$T/ex.hvi" -o "$T/a.bin"
hv assemble -p "$PROFILE" --stage "$STAGE" --key "$T/dev.pub.pem" --key "$T/other.pub.pem" \
    --min-signatures 1 --board acme-r760-mb1 --rollback 2 --slot-a "$T/ex.hvi" \
    --slot-b "$T/other.hvi" --active b --json -o "$T/ab.bin" >"$T/ab.json" || die "assemble ab"
expect 0 "flash layout ok" $PY "$(dirname "$0")/flash-layout.py" "$T/ab.bin" "$T/ab.json" "$STAGE" "$T/ex.hvi" "$T/other.hvi"
asm --board "$BOARD" --slot-a "$T/ex.hvi" --json -o "$T/a.bin" >"$T/a.json" || die "assemble a"
expect 0 "flash layout ok" $PY "$(dirname "$0")/flash-layout.py" "$T/a.bin" "$T/a.json" "$STAGE" "$T/ex.hvi"
# Same inputs, same bytes.
cp "$T/a.bin" "$T/a1.bin"
asm --board "$BOARD" --slot-a "$T/ex.hvi" --quiet -o "$T/a.bin" || die "assemble again"
expect 0 "" cmp "$T/a.bin" "$T/a1.bin"

# Refusals.
expect 2 "board 'nope' is not one of profile .*acme-servers.yaml's boards" \
    asm --board nope --slot-a "$T/ex.hvi" -o "$T/out.bin"
no_output
expect 2 "--board 'bad board' must be" \
    asm --board "bad board" --slot-a "$T/ex.hvi" -o "$T/out.bin"
expect 2 "uses ecdsa-p256-sha256, which profile .* does not accept" \
    hv assemble -p "$PROFILE" --stage "$STAGE" --key "$T/p256.pub.pem" --board "$BOARD" \
    --slot-a "$T/ex.hvi" -o "$T/out.bin"
no_output
expect 2 "is given twice" \
    asm --key "$T/dev.pub.pem" --board "$BOARD" --slot-a "$T/ex.hvi" -o "$T/out.bin"
expect 2 "--min-signatures 2 is more than the 1 trusted keys" \
    asm --min-signatures 2 --board "$BOARD" --slot-a "$T/ex.hvi" -o "$T/out.bin"
expect 2 "not an hvimage boot stage" \
    hv assemble -p "$PROFILE" --stage "$T/ex.hvi" --key "$T/dev.pub.pem" --board "$BOARD" \
    --slot-a "$T/ex.hvi" -o "$T/out.bin"
no_output
head -c "$(stat -c %s "$STAGE")" "$T/a.bin" >"$T/provisioned.bin"
expect 2 "trust area is already provisioned" \
    hv assemble -p "$PROFILE" --stage "$T/provisioned.bin" --key "$T/dev.pub.pem" \
    --board "$BOARD" --slot-a "$T/ex.hvi" -o "$T/out.bin"
head -c 1000 "$STAGE" >"$T/short-stage.bin"
expect 2 "stage header says [0-9]+ bytes, the file has 1000" \
    hv assemble -p "$PROFILE" --stage "$T/short-stage.bin" --key "$T/dev.pub.pem" \
    --board "$BOARD" --slot-a "$T/ex.hvi" -o "$T/out.bin"
expect 2 "not a usable hvimage header" \
    asm --board "$BOARD" --slot-a "$STAGE" -o "$T/out.bin"
cp "$T/ex.hvi" "$T/long.hvi"
printf 'x' >>"$T/long.hvi"
expect 2 "header says [0-9]+ bytes, the file has" \
    asm --board "$BOARD" --slot-a "$T/long.hvi" -o "$T/out.bin"
truncate -s 33M "$T/big.hvi"
expect 2 "is 34603008 bytes, more than the profile's 'slot_a' region" \
    asm --board "$BOARD" --slot-a "$T/big.hvi" -o "$T/out.bin"
expect 2 "cannot open slot image" \
    asm --board "$BOARD" --slot-a "$T/missing.hvi" -o "$T/out.bin"
expect 2 "--active b needs --slot-b" \
    asm --board "$BOARD" --slot-a "$T/ex.hvi" --active b -o "$T/out.bin"
expect 2 "--active must be a or b" \
    asm --board "$BOARD" --slot-a "$T/ex.hvi" --active c -o "$T/out.bin"
expect 2 "--slot-a is required" asm --board "$BOARD" -o "$T/out.bin"
expect 2 "--board given twice" asm --board "$BOARD" --board x --slot-a "$T/ex.hvi" -o "$T/out.bin"
expect 2 "is the input" asm --board "$BOARD" --slot-a "$T/ex.hvi" -o "$T/ex.hvi"
expect 2 "is the input" asm --board "$BOARD" --slot-a "$T/ex.hvi" -o "$T/dev.pub.pem"
expect 1 "slot B image rejected: signed by a key that is not trusted \(untrusted_key\).*--allow-rejected" \
    asm --board "$BOARD" --slot-a "$T/ex.hvi" --slot-b "$T/other.hvi" -o "$T/out.bin"
no_output
expect 1 "slot A image rejected: security version is below the rollback counter" \
    asm --board "$BOARD" --rollback 9 --slot-a "$T/ex.hvi" -o "$T/out.bin"
no_output
expect 0 "warning: slot A holds an image this device rejects: security version" \
    asm --board "$BOARD" --rollback 9 --allow-rejected --slot-a "$T/ex.hvi" -o "$T/out.bin"
rm -f "$T/out.bin"
finish
