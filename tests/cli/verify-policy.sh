#!/bin/sh
# No fail-open defaults: verify and extract check the OEM and the rollback
# counter as the boot stage does, or are told by name not to (--any-oem,
# --no-rollback-check) and say so in the verdict; --profile takes the OEM,
# the boards and the key policy from an OEM profile. Rejections name the
# expected and the actual values (boards, OEM ids, security version and
# counter), in text and JSON.
. "$(dirname "$0")/lib.sh"
M=$SRC/manifests/example.yaml
ACME=$SRC/oem-profiles/acme-servers.yaml
expect 0 "" hv keygen -o "$T/k.pem"
expect 0 "" hv keygen --alg rsa3072-pkcs1-sha256 -o "$T/r.pem"
expect 0 "" hv build -q -m "$M" -p "$ACME" --key "$T/k.pem" -o "$T/i.hvi"
expect 0 "" hv build -q -m "$M" -p "$SRC/oem-profiles/orbital-edge.yaml" --key "$T/r.pem" -o "$T/o.hvi"
K="--key $T/k.pub.pem --board acme-r750-mb2"

# Another OEM's image was accepted when --oem was left out; the counter
# was 0 when --rollback was.
expect 2 "give exactly one of --oem OEM, --profile PROFILE .* and --any-oem" \
    hv verify --key "$T/r.pub.pem" --board orbital-gw2 --rollback 3 "$T/o.hvi"
expect 2 "give exactly one of --rollback N .* and --no-rollback-check" \
    hv verify $K --oem acme-servers "$T/i.hvi"
expect 2 "give exactly one of --oem" hv extract $K --rollback 3 -o "$T/x1" "$T/i.hvi"
expect 2 "give exactly one of --rollback" hv extract $K --oem acme-servers -o "$T/x1" "$T/i.hvi"
check "extract without the checks writes nothing" test ! -e "$T/x1"
expect 2 "give exactly one of --oem" hv verify $K --oem acme-servers --any-oem --rollback 3 "$T/i.hvi"
expect 2 "give exactly one of --rollback" hv verify $K --oem acme-servers --rollback 3 --no-rollback-check "$T/i.hvi"
expect 2 "give exactly one of --oem" hv verify $K --oem acme-servers --profile "$ACME" --rollback 3 "$T/i.hvi"
expect 2 "--board given twice" hv verify $K --board acme-r760-mb1 --oem acme-servers --rollback 3 "$T/i.hvi"
expect 2 "--rollback given twice" hv verify $K --oem acme-servers --rollback 3 --rollback 2 "$T/i.hvi"

# Every check made: no "not checked".
expect 0 "verified \(example-hv 1\.4\.2, security version 3, board acme-r750-mb2, rollback counter 3, 1 signature\(s\)\)$" \
    hv verify $K --oem acme-servers --rollback 3 "$T/i.hvi"
expect 0 '"not_checked":\[\]' hv verify --json $K --oem acme-servers --rollback 3 "$T/i.hvi"
# Waived by name, and said so.
expect 0 "1 signature\(s\), not checked: oem\)" hv verify $K --any-oem --rollback 3 "$T/i.hvi"
expect 0 "rollback counter not given, 1 signature\(s\), not checked: rollback\)" \
    hv verify $K --oem acme-servers --no-rollback-check "$T/i.hvi"
expect 0 "not checked: oem, rollback\)" hv verify $K --any-oem --no-rollback-check "$T/i.hvi"
expect 0 '"oem":null,"rollback_counter":null,"not_checked":\["oem","rollback"\]' \
    hv verify --json $K --any-oem --no-rollback-check "$T/i.hvi"
expect 0 "extracted \(not checked: oem, rollback\)" \
    hv extract $K --any-oem --no-rollback-check -o "$T/x2" "$T/i.hvi"
# A waiver never turns a refusal into a pass.
expect 1 "wrong_board" hv verify --key "$T/k.pub.pem" --board zenith-z1 --any-oem --no-rollback-check "$T/i.hvi"

# Expected and actual values.
expect 1 "\(wrong_oem\): the image's OEM is 'orbital-edge', the device's 'acme-servers'$" \
    hv verify --key "$T/r.pub.pem" --board orbital-gw2 --oem acme-servers --rollback 3 "$T/o.hvi"
expect 1 '"mismatch":\{"check":"oem","wanted":"acme-servers","image":"orbital-edge"\}' \
    hv verify --json --key "$T/r.pub.pem" --board orbital-gw2 --oem acme-servers --rollback 3 "$T/o.hvi"
expect 1 "\(wrong_board\): board 'zenith-z1' is not among the image's boards: acme-r750-mb2 acme-r760-mb1$" \
    hv verify --key "$T/k.pub.pem" --board zenith-z1 --oem acme-servers --rollback 3 "$T/i.hvi"
expect 1 '"mismatch":\{"check":"board","wanted":"zenith-z1","image":\["acme-r750-mb2","acme-r760-mb1"\]\}' \
    hv verify --json --key "$T/k.pub.pem" --board zenith-z1 --oem acme-servers --rollback 3 "$T/i.hvi"
expect 1 "\(rollback\): the image's security version 3 is below the rollback counter 4$" \
    hv verify $K --oem acme-servers --rollback 4 "$T/i.hvi"
expect 1 '"mismatch":\{"check":"rollback","wanted_at_least":4,"image":3\}' \
    hv verify --json $K --oem acme-servers --rollback 4 "$T/i.hvi"
expect 1 "the image's security version 3 is below the rollback counter 18446744073709551615" \
    hv extract $K --oem acme-servers --rollback 0xffffffffffffffff -o "$T/x3" "$T/i.hvi"

# --profile: the OEM, the boards and the keys it accepts.
expect 0 "verified .*board acme-r760-mb1, rollback counter 3" \
    hv verify --key "$T/k.pub.pem" --board acme-r760-mb1 --profile "$ACME" --rollback 3 "$T/i.hvi"
expect 0 '"oem":"acme-servers","profile":' \
    hv verify --json --key "$T/k.pub.pem" --board acme-r760-mb1 --profile "$ACME" --rollback 3 "$T/i.hvi"
expect 2 "--board 'orbital-gw2' is not one of the boards of profile .*acme-servers.yaml: acme-r750-mb2, acme-r760-mb1" \
    hv verify --key "$T/k.pub.pem" --board orbital-gw2 --profile "$ACME" --rollback 3 "$T/i.hvi"
expect 2 "uses rsa3072-pkcs1-sha256, which profile .*acme-servers.yaml does not accept" \
    hv verify --key "$T/r.pub.pem" --board acme-r750-mb2 --profile "$ACME" --rollback 3 "$T/o.hvi"
sed 's/^oem_id: acme-servers/oem_id: acme-lab/' "$ACME" > "$T/lab.yaml"
expect 1 "the image's OEM is 'acme-servers', the device's 'acme-lab'" \
    hv verify $K --profile "$T/lab.yaml" --rollback 3 "$T/i.hvi"
expect 2 "no-such.yaml" hv verify $K --profile "$T/no-such.yaml" --rollback 3 "$T/i.hvi"
expect 0 "core.bin" hv extract $K --profile "$ACME" --rollback 3 -o "$T/x4" "$T/i.hvi"
expect 2 "no --json for this command" hv extract --json $K --profile "$ACME" --rollback 3 -o "$T/x5" "$T/i.hvi"
finish
