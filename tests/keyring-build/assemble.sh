#!/bin/sh
# hvimage assemble with a profile's roots (issue 11, item 2): a trust area
# version 2 (root key fingerprints ascending, root threshold and version,
# the image threshold), slot images verified under those roots before
# anything is written; refusals name the profile's line and column.
. "$(dirname "$0")/lib.sh"
: "${STAGE:?}"
expect 0 "" build_b5 "$T/i.hvi"
ROOTS_YAML="roots: {version: 1, threshold: 2, keys: [r1.pub.pem, r2.pub.pem, r3.pub.pem], image_threshold: 2}"
acme_profile "$T/p.yaml" "$ROOTS_YAML"
A="--stage $STAGE --board acme-r750-mb2"

expect 0 "trust area version 2 at 0x[0-9a-f]+: rollback counter 0, root version 1, 2 of 3 root key\(s\), 2 image signature\(s\) required" \
    hv assemble -p "$T/p.yaml" $A --slot-a "$T/i.hvi" -o "$T/f.bin"
expect 0 "slot A: +example-hv 1.4.2, security version 3, [0-9]+ bytes, verified for this device" \
    hv assemble -p "$T/p.yaml" $A --slot-a "$T/i.hvi" --slot-b "$T/i.hvi" -o "$T/f2.bin"
hv assemble --json -p "$T/p.yaml" $A --slot-a "$T/i.hvi" -o "$T/f3.bin" > "$T/f.json"
# The fingerprints: SHA-256 of each root key's raw point, ascending.
fps=$(for k in r1 r2 r3; do
          openssl pkey -pubin -in "$T/$k.pub.pem" -outform DER | tail -c 65 |
              openssl dgst -sha256 -r | cut -d' ' -f1
      done | sort | tr '\n' ' ')
check "assemble --json: roots and the image threshold" python3 - "$T/f.json" "$fps" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
r = j["roots"]
assert (r["version"], r["threshold"], j["min_signatures"]) == (1, 2, 2), j
assert r["fingerprints"] == sys.argv[2].split(), (r, sys.argv[2])
assert j["slots"]["a"]["verified"] is True
PY
# The bytes in the flash's trust area.
ta=$(python3 -c "import json; print(json.load(open('$T/f.json'))['stage']['trust_area_offset'])")
field() { $FIELD "$T/f.bin" "$ta + $1" "$2"; }
check "trust area version 2" test "$(field HV_TRUST_OFF_VERSION 4)" = 2
check "trust area size: fixed part + 3 fingerprints" test "$(field HV_TRUST_OFF_SIZE 4)" = $((256 + 3 * 32))
check "three root keys" test "$(field HV_TRUST_OFF_KEY_COUNT 4)" = 3
check "min_signatures is the image threshold" test "$(field HV_TRUST_OFF_MIN_SIGNATURES 4)" = 2
check "root version 1" test "$(field HV_TRUST_OFF_ROOT_VERSION 8)" = 1
check "root threshold 2" test "$(field HV_TRUST_OFF_ROOT_THRESHOLD 4)" = 2
check "fingerprints ascending after the fixed part" test \
    "$(field HV_TRUST_FIXED_SIZE hex:96)" = "$(echo $fps | tr -d ' ')"
# The slot in the flash verifies under the root the trust area names.
size=$(stat -c %s "$T/i.hvi")
dd if="$T/f.bin" of="$T/slot-a.hvi" bs=1M skip=2 count=1 2>/dev/null
truncate -s "$size" "$T/slot-a.hvi"
expect 0 "verified" hv verify --root "$T/root1.hvroot" --board acme-r750-mb2 --oem acme-servers --rollback 0 "$T/slot-a.hvi"
# --min-signatures is the image threshold when the profile does not say.
acme_profile "$T/p1.yaml" "roots: {version: 1, threshold: 2, keys: [r1.pub.pem, r2.pub.pem, r3.pub.pem]}"
expect 0 "1 image signature\(s\) required" hv assemble -p "$T/p1.yaml" $A --slot-a "$T/i.hvi" -o "$T/g1.bin"
expect 0 "2 image signature\(s\) required" hv assemble -p "$T/p1.yaml" $A --min-signatures 2 --slot-a "$T/i.hvi" -o "$T/g2.bin"

# ---- Refusals: nothing written ----
refuse() { # CODE PATTERN PROFILE ARGS...
    code=$1 pattern=$2 prof=$3
    shift 3
    rm -f "$T/out.bin"
    expect "$code" "$pattern" hv assemble -p "$prof" $A -o "$T/out.bin" "$@"
    check "nothing written for: $pattern" test ! -e "$T/out.bin"
}
refuse 2 "p.yaml:[0-9]+:[0-9]+: error: the profile provisions roots .* so --key is not used" \
    "$T/p.yaml" --slot-a "$T/i.hvi" --key "$T/new.pub.pem"
refuse 2 "p.yaml:[0-9]+:[0-9]+: error: roots.image_threshold is 2, --min-signatures 1" \
    "$T/p.yaml" --slot-a "$T/i.hvi" --min-signatures 1
# Images the device would refuse: exit 1 with the verifier's name.
expect 0 "" hv build -q -m "$M" -p "$ACME" --key "$T/new.pem" -o "$T/plain.hvi"
refuse 1 "slot A image rejected: .*\(no_trust_block\)" "$T/p.yaml" --slot-a "$T/plain.hvi"
expect 0 "" hv build -q -m "$M" -p "$ACME" --key "$T/new.pem" --trust-block "$T/b5.hvtrust" -o "$T/one.hvi"
refuse 1 "slot A image rejected: .*\(too_few_signatures\)" "$T/p.yaml" --slot-a "$T/one.hvi"
acme_profile "$T/pother.yaml" "roots: {version: 1, threshold: 1, keys: [s1.pub.pem, s2.pub.pem]}"
refuse 1 "slot A image rejected: .*\(bad_trust_block\)" "$T/pother.yaml" --slot-a "$T/i.hvi"
acme_profile "$T/pv2.yaml" "roots: {version: 2, threshold: 2, keys: [r1.pub.pem, r2.pub.pem, r3.pub.pem]}"
refuse 1 "slot A image rejected: .*\(bad_trust_block\)" "$T/pv2.yaml" --slot-a "$T/i.hvi"
# Malformed roots, at their place in the profile.
cp "$T/r1.pub.pem" "$T/r1-copy.pub.pem"
acme_profile "$T/pdup.yaml" "roots: {version: 1, threshold: 2, keys: [r1.pub.pem, r1-copy.pub.pem]}"
refuse 2 "root keys .*pdup.yaml:[0-9]+:[0-9]+ \(.*r1.pub.pem\) and .*pdup.yaml:[0-9]+:[0-9]+ \(.*r1-copy.pub.pem\) are the same public key" \
    "$T/pdup.yaml" --slot-a "$T/i.hvi"
acme_profile "$T/pthr.yaml" "roots: {version: 1, threshold: 3, keys: [r1.pub.pem, r2.pub.pem]}"
refuse 2 "pthr.yaml:[0-9]+:[0-9]+: error: 'threshold' must be 1 to 2" "$T/pthr.yaml" --slot-a "$T/i.hvi"
acme_profile "$T/pzero.yaml" "roots: {version: 0, threshold: 1, keys: [r1.pub.pem]}"
refuse 2 "pzero.yaml:[0-9]+:[0-9]+: error: 'version' must be at least 1" "$T/pzero.yaml" --slot-a "$T/i.hvi"
acme_profile "$T/pimg.yaml" "roots: {version: 1, threshold: 1, keys: [r1.pub.pem], image_threshold: 3}"
refuse 2 "pimg.yaml:[0-9]+:[0-9]+: error: 'image_threshold' 3 is more than the profile's 2 signature slots" \
    "$T/pimg.yaml" --slot-a "$T/i.hvi"
acme_profile "$T/pkey.yaml" "roots: {version: 1, threshold: 1, keys: [r1.pub.pem], extra: 1}"
refuse 2 "pkey.yaml:[0-9]+:[0-9]+: error: unknown key 'extra' in 'roots'" "$T/pkey.yaml" --slot-a "$T/i.hvi"
acme_profile "$T/pmiss.yaml" "roots: {version: 1, threshold: 1, keys: [gone.pub.pem]}"
refuse 2 "pmiss.yaml:[0-9]+:[0-9]+: error: 'keys\[0\]' refers to '.*gone.pub.pem', which cannot be read" \
    "$T/pmiss.yaml" --slot-a "$T/i.hvi"
printf 'not a key\n' > "$T/junk.pub.pem"
acme_profile "$T/pjunk.yaml" "roots: {version: 1, threshold: 1, keys: [junk.pub.pem]}"
refuse 2 "pjunk.yaml:[0-9]+:[0-9]+: error: root key: " "$T/pjunk.yaml" --slot-a "$T/i.hvi"
acme_profile "$T/pmany.yaml" "roots: {version: 1, threshold: 1, keys: [a, b, c, d, e, f, g, h, i]}"
refuse 2 "pmany.yaml:[0-9]+:[0-9]+: error: 'keys' must list 1 to 8 root public key files, found 9" \
    "$T/pmany.yaml" --slot-a "$T/i.hvi"
# The bundled example (oem-profiles/acme-roots.yaml, test keys): an image
# co-signed by both image keys is assembled under its roots and verifies
# from its root version 1.
EX=$SRC/oem-profiles/acme-roots.yaml
EK=$SRC/manifests/acme-roots-keys
expect 0 "keyring version 1" hv build -m "$M" -p "$EX" --key "$EK/acme-image-2026.pem" \
    --key "$EK/acme-image-2027.pem" -o "$T/ex.hvi"
expect 0 "root version 1, 2 of 3 root key\(s\), 1 image signature\(s\) required" \
    hv assemble -p "$EX" $A --slot-a "$T/ex.hvi" -o "$T/ex.bin"
expect 0 "verified" hv verify --root "$SRC/oem-profiles/acme-roots-1.hvroot" --profile "$EX" \
    --board acme-r760-mb1 --rollback 0 "$T/ex.hvi"
expect 2 "is not in the keyring" hv build -m "$M" -p "$EX" --key "$T/new.pem" -o "$T/ex2.hvi"
# Without roots, --key is still required.
refuse 2 "0 trusted keys given" "$ACME" --slot-a "$T/plain.hvi"
finish
