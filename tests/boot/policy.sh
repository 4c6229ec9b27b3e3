#!/bin/sh
# One device policy (docs/BOOT.md): for every reason the boot stage refuses
# a validly built image (core load address outside the core RAM window,
# core too large for it, a section too large for the payload window, wrong
# board, wrong OEM, security version below the counter, too few
# signatures), `hvimage assemble` refuses it too: exit 1, the reason named
# with the expected and actual values, no output left behind. The same
# flash assembled with --allow-rejected (the test bypass) then boots in
# QEMU, and the stage refuses it with the same words: the detail line of
# the stage's log is the one assemble printed. `hvimage verify` applies the
# same RAM windows by default.
. "$(dirname "$0")/lib.sh"
key dev
key other
image "$T/ex.hvi" dev

# A raw core of SIZE bytes at LOAD: manifest NAME.yaml.
raw_manifest() { # NAME LOAD SIZE
    head -c "$3" /dev/zero | tr '\0' '\220' >"$T/$1.core"
    printf 'image:\n  name: %s\n  version: "1"\n  security_version: 3\ncore:\n  path: %s\n  format: raw\n  load_address: %s\n  entry_point: %s\n' \
        "$1" "$T/$1.core" "$2" "$2" >"$T/$1.yaml"
}

# refusal NAME IMAGE RESULT DETAIL ASSEMBLE-ARGS...: assemble refuses IMAGE in
# slot A with exit 1 naming RESULT and DETAIL (a fixed string), leaves no
# output; with --allow-rejected it writes the flash, whose boot the stage
# refuses with [RESULT] and the line "slot A: DETAIL".
refusal() {
    name=$1 img=$2 result=$3 detail=$4
    shift 4
    out=$(hv assemble -p "$PROFILE" --stage "$STAGE" --board "$BOARD" \
        --slot-a "$img" -o "$T/$name.bin" "$@" 2>&1)
    got=$?
    checks=$((checks + 1))
    if [ "$got" -ne 1 ]; then
        echo "FAIL: $name: assemble exit $got, wanted 1"
        echo "$out" | sed 's/^/    /'
        fails=$((fails + 1))
    fi
    checks=$((checks + 1))
    if ! printf '%s\n' "$out" | grep -q -- "slot A image rejected: .*($result)" ||
        ! printf '%s\n' "$out" | grep -qF -- ": $detail; the boot stage of board $BOARD would refuse it"; then
        echo "FAIL: $name: assemble's message does not name ($result) and '$detail'"
        echo "$out" | sed 's/^/    /'
        fails=$((fails + 1))
    fi
    checks=$((checks + 1))
    if ls "$T/$name.bin"* >/dev/null 2>&1; then
        echo "FAIL: $name: output left behind after a refusal"
        fails=$((fails + 1))
    fi

    hv assemble -p "$PROFILE" --stage "$STAGE" --board "$BOARD" --json \
        --slot-a "$img" -o "$T/$name.bin" --allow-rejected "$@" \
        >"$T/$name.bin.json" 2>"$T/$name.err" || die "assemble $name --allow-rejected"
    expect_log "$T/$name.err" "warning: slot A holds an image this device rejects: .*\($result\)"
    checks=$((checks + 1))
    if [ "$(json "$T/$name.bin.json" 'j["slots"]["a"]["result"]')" != "$result" ]; then
        echo "FAIL: $name: JSON result is not $result"
        fails=$((fails + 1))
    fi
    eval "$($PY - "$T/$name.bin.json" <<'PYEOF'
import json, sys
j = json.load(open(sys.argv[1]))
for n, r in j["regions"].items():
    print(f"region_{n}_offset={r['offset']} region_{n}_size={r['size']}")
PYEOF
)"
    boot "$T/$name.bin" "$T/$name.log"
    expect_log "$T/$name.log" "^hvstage: slot A REFUSED: .*\[$result\]"
    checks=$((checks + 1))
    if ! grep -qxF -- "hvstage: slot A: $detail" "$T/$name.log"; then
        echo "FAIL: $name: the stage's log has no line 'hvstage: slot A: $detail'"
        show_log "$T/$name.log"
        fails=$((fails + 1))
    fi
    refused "$T/$name.log"
    rm -f "$T/$name.bin"
}

# verify_refuses NAME IMAGE DETAIL: hvimage verify (default: the bundled
# stage's windows) rejects with exit 1 and the same words.
verify_refuses() {
    out=$(hv verify --key "$T/dev.pub.pem" --board "$BOARD" --oem acme-servers --rollback 3 "$2" 2>&1)
    got=$?
    checks=$((checks + 1))
    if [ "$got" -ne 1 ] || ! printf '%s\n' "$out" | grep -qF -- "$3"; then
        echo "FAIL: $1: verify exit $got (wanted 1), or no '$3' in:"
        echo "$out" | sed 's/^/    /'
        fails=$((fails + 1))
    fi
}

# The example is accepted by all three.
hv verify --key "$T/dev.pub.pem" --board "$BOARD" --oem acme-servers --rollback 3 "$T/ex.hvi" >/dev/null ||
    { echo "FAIL: verify refuses the example"; fails=$((fails + 1)); }
checks=$((checks + 1))

# Builds of large, compressible inputs: a fast profile.
sed 's/compression_level: [0-9]*/compression_level: 1/' "$PROFILE" >"$T/fast.yaml"

# 1. Core load address outside the core window (above it).
raw_manifest core-address 0x40000000 4096
image "$T/core-address.hvi" dev "$T/core-address.yaml"
d="core load address 0x40000000 is outside the core RAM window [0x100000, 0x1000000) [core_address]"
verify_refuses core-address "$T/core-address.hvi" "$d"
refusal core-address "$T/core-address.hvi" no_memory "$d" --key "$T/dev.pub.pem" --rollback 3

# 2. Core too large for the window from its load address.
raw_manifest core-size 0x100000 16777216
image "$T/core-size.hvi" dev "$T/core-size.yaml" "$T/fast.yaml"
d="core [0x100000, 0x1100000) of 16777216 bytes does not fit the core RAM window [0x100000, 0x1000000), which has 15728640 bytes from its load address [core_size]"
verify_refuses core-size "$T/core-size.hvi" "$d"
refusal core-size "$T/core-size.hvi" no_memory "$d" --key "$T/dev.pub.pem" --rollback 3

# 3. A section larger than the payload window (200 MiB of zeros; a fast
#    profile so the build takes a moment).
truncate -s 200M "$T/huge.bin"
printf 'image:\n  name: huge\n  version: "1"\n  security_version: 3\ncore:\n  path: %s\nsections:\n  - name: huge\n    path: %s\n' \
    "$SRC/manifests/example/monitor.elf" "$T/huge.bin" >"$T/huge.yaml"
image "$T/huge.hvi" dev "$T/huge.yaml" "$T/fast.yaml"
rm -f "$T/huge.bin"
# Left after the boot info page, the core's stored copy and the huge
# section's stored copy, each page aligned: what the stage will say.
left=$(hv inspect --json "$T/huge.hvi" | $PY -c '
import json, sys
secs = json.load(sys.stdin)["metadata"]["sections"]
at = 0x2000000 + 4096
up = lambda x: (x + 4095) & ~4095
for s in secs:
    if s["type"] == "core":
        if s["compression"] == "zstd":
            at = up(at) + s["stored_size"]
        continue
    at = up(at) + s["stored_size"]
    if s["name"] == "huge":
        print(0xE000000 - up(at))
        break
    if s["compression"] == "zstd":
        at = up(at) + s["unpacked_size"]
')
d="section 'huge' needs 209715200 bytes, the payload RAM window [0x2000000, 0xe000000) has $left left [payload_size]"
verify_refuses payload-size "$T/huge.hvi" "$d"
refusal payload-size "$T/huge.hvi" no_memory "$d" --key "$T/dev.pub.pem" --rollback 3

# --no-ram-check waives the windows by name: the same three images verify
# (signatures, digests and decompression all checked), the verdict says
# what was not checked, in text and in JSON.
for n in core-address core-size huge; do
    out=$(hv verify --no-ram-check --key "$T/dev.pub.pem" --board "$BOARD" \
        --oem acme-servers --rollback 3 "$T/$n.hvi" 2>&1)
    got=$?
    checks=$((checks + 1))
    if [ "$got" -ne 0 ] || ! printf '%s\n' "$out" | grep -q "not checked: ram)$"; then
        echo "FAIL: verify --no-ram-check $n: exit $got, or not named:"
        echo "$out" | sed 's/^/    /'
        fails=$((fails + 1))
    fi
done
checks=$((checks + 1))
got=$(hv verify --no-ram-check --json --key "$T/dev.pub.pem" --board "$BOARD" \
    --any-oem --rollback 3 "$T/core-size.hvi" |
    $PY -c 'import json,sys; print(json.load(sys.stdin)["not_checked"])')
[ "$got" = "['oem', 'ram']" ] ||
    { echo "FAIL: --no-ram-check --json not_checked: $got"; fails=$((fails + 1)); }
# The waiver is for the windows only: a tampered image is still refused.
cp "$T/core-size.hvi" "$T/core-size-flip.hvi"
flip "$T/core-size-flip.hvi" $(( $(stat -c %s "$T/core-size-flip.hvi") - 1 ))
checks=$((checks + 1))
if hv verify --no-ram-check --key "$T/dev.pub.pem" --board "$BOARD" \
        --oem acme-servers --rollback 3 "$T/core-size-flip.hvi" >/dev/null 2>&1; then
    echo "FAIL: --no-ram-check accepted a tampered image"
    fails=$((fails + 1))
fi

# 4. Wrong board: an image that lists only the profile's other board.
sed 's/^boards: .*/boards: [acme-r760-mb1]/' "$PROFILE" >"$T/r760.yaml"
image "$T/r760.hvi" dev "$MANIFEST" "$T/r760.yaml"
refusal wrong-board "$T/r760.hvi" wrong_board \
    "the image lists board(s) acme-r760-mb1; this device is board $BOARD" \
    --key "$T/dev.pub.pem" --rollback 3

# 5. Wrong OEM: an image built under another OEM's profile, same key.
sed 's/^oem_id: .*/oem_id: zenith-labs/' "$PROFILE" >"$T/zenith.yaml"
image "$T/zenith.hvi" dev "$MANIFEST" "$T/zenith.yaml"
refusal wrong-oem "$T/zenith.hvi" wrong_oem \
    "the image is for OEM zenith-labs, this device's OEM is acme-servers" \
    --key "$T/dev.pub.pem" --rollback 3

# 6. Security version 3 below the device's counter 4.
refusal rollback "$T/ex.hvi" rollback "security version 3 < rollback counter 4" \
    --key "$T/dev.pub.pem" --rollback 4

# 7. Too few signatures: the device trusts two keys and needs both.
refusal signatures "$T/ex.hvi" too_few_signatures \
    "1 valid signature(s) from trusted keys, this device requires 2" \
    --key "$T/dev.pub.pem" --key "$T/other.pub.pem" --min-signatures 2 --rollback 3

finish
