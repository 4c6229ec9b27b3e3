#!/bin/sh
# Offline signing: build unsigned, export the bytes to be signed, sign them
# with the openssl CLI, attach, verify. Bad signatures are refused and leave
# the image untouched.
. "$(dirname "$0")/lib.sh"
M=$SRC/manifests/example.yaml
for alg in ecdsa-p384-sha384:sha384:acme-servers:acme-r750-mb2 \
           rsa3072-pkcs1-sha256:sha256:orbital-edge:orbital-gw2; do
    IFS=: read -r a dg prof board <<EOT
$alg
EOT
    expect 0 "" hv keygen --alg "$a" -o "$T/$a.pem"
    expect 0 "" hv build --unsigned -m "$M" -p "$SRC/oem-profiles/$prof.yaml" -o "$T/$a.hvi"
    expect 1 "unsigned" hv verify --key "$T/$a.pub.pem" --board "$board" --oem "$prof" --rollback 3 "$T/$a.hvi"
    expect 0 "bytes to be signed" hv tbs "$T/$a.hvi" -o "$T/$a.tbs"
    openssl dgst -"$dg" -sign "$T/$a.pem" -out "$T/$a.sig" "$T/$a.tbs"
    cp "$T/$a.hvi" "$T/$a.before"
    # A signature over other bytes is refused before the image is touched.
    printf 'x' >> "$T/$a.tbs"
    openssl dgst -"$dg" -sign "$T/$a.pem" -out "$T/$a.badsig" "$T/$a.tbs"
    expect 2 "does not verify" hv attach --pub "$T/$a.pub.pem" --signature "$T/$a.badsig" "$T/$a.hvi"
    check "$a: image unchanged after a refused attach" cmp -s "$T/$a.hvi" "$T/$a.before"
    expect 0 "signed by" hv attach --pub "$T/$a.pub.pem" --signature "$T/$a.sig" "$T/$a.hvi"
    expect 0 "verified" hv verify --key "$T/$a.pub.pem" --board "$board" --oem "$prof" --rollback 3 "$T/$a.hvi"
    expect 2 "already signed" hv attach --pub "$T/$a.pub.pem" --signature "$T/$a.sig" "$T/$a.hvi"
done
# sign --profile: the profile must accept the key and carry the image's OEM.
expect 2 "image is for OEM 'acme-servers', the profile for 'zenith-cloud'" \
    hv sign --key "$T/ecdsa-p384-sha384.pem" --profile "$SRC/oem-profiles/zenith-cloud.yaml" "$T/ecdsa-p384-sha384.hvi"
expect 2 "uses rsa3072-pkcs1-sha256, which profile .*acme-servers.yaml does not accept" \
    hv sign --key "$T/rsa3072-pkcs1-sha256.pem" --profile "$SRC/oem-profiles/acme-servers.yaml" "$T/ecdsa-p384-sha384.hvi"
# hvimage sign adds a second signer; both verify, min-signatures 2 holds.
expect 0 "" hv keygen --alg ecdsa-p384-sha384 -o "$T/second.pem"
expect 0 "2 of 2 slots used" hv sign --key "$T/second.pem" --profile "$SRC/oem-profiles/acme-servers.yaml" "$T/ecdsa-p384-sha384.hvi"
expect 0 "2 signature" hv verify --key "$T/ecdsa-p384-sha384.pub.pem" --key "$T/second.pub.pem" \
    --min-signatures 2 --board acme-r750-mb2 --oem acme-servers --rollback 3 "$T/ecdsa-p384-sha384.hvi"
# Knowing only one of the two signers is not enough: every signature must be trusted.
expect 1 "untrusted_key" hv verify --key "$T/ecdsa-p384-sha384.pub.pem" --board acme-r750-mb2 --oem acme-servers --rollback 3 "$T/ecdsa-p384-sha384.hvi"
expect 2 "all 2 signature slots are used" hv sign --key "$T/rsa3072-pkcs1-sha256.pem" "$T/ecdsa-p384-sha384.hvi"

edit() { python3 "$SRC/tests/cli/image-edit.py" "$@"; }
A=$T/ecdsa-p384-sha384 B=$T/second
ACME=$SRC/oem-profiles/acme-servers.yaml
expect 0 "" hv build --unsigned -m "$M" -p "$ACME" -o "$T/u.hvi"

# sign, tbs and attach check content with the boot library, decompression
# included: a broken zstd frame whose digest matches is refused (exit 1).
cp "$T/u.hvi" "$T/z.hvi"
edit zstd-corrupt "$T/z.hvi" 0
expect 1 "in section 'core': compressed section is malformed \(bad_compressed_data\)" hv tbs "$T/z.hvi" -o "$T/z.tbs"
check "no tbs written for a refused image" test ! -e "$T/z.tbs"
expect 1 "bad_compressed_data" hv sign --key "$A.pem" "$T/z.hvi" -o "$T/z-signed.hvi"
check "no image written for a refused sign" test ! -e "$T/z-signed.hvi"
expect 0 "" hv tbs "$T/u.hvi" -o "$T/u.tbs"
openssl dgst -sha384 -sign "$A.pem" -out "$T/u.sig" "$T/u.tbs"
expect 1 "bad_compressed_data" hv attach --pub "$A.pub.pem" --signature "$T/u.sig" "$T/z.hvi"

# Slots already filled are checked against the keys given: a junk slot
# is refused (exit 1, slot named) when its key is given, named as not
# checked when it is not.
expect 0 "signed by" hv sign --key "$A.pem" "$T/u.hvi" -o "$T/j.hvi"
edit junk-slot "$T/j.hvi" 0
expect 1 "signature slot 0 does not verify with key" hv sign --key "$B.pem" --pub "$A.pub.pem" "$T/j.hvi" -o "$T/j2.hvi"
check "no image written over a junk slot" test ! -e "$T/j2.hvi"
expect 1 "signature slot 0 does not verify" hv sign --key "$A.pem" "$T/j.hvi" -o "$T/j2.hvi"
expect 1 "signature slot 0 does not verify" hv attach --pub "$B.pub.pem" --pub "$A.pub.pem" --signature "$T/u.sig" "$T/j.hvi" -o "$T/j2.hvi"
expect 0 "slot 0 of the input \(key [0-9a-f]{64}\) not checked: no --pub" hv sign --key "$B.pem" "$T/j.hvi" -o "$T/j2.hvi"
cp "$T/j.hvi" "$T/l.hvi"
edit bad-sig-len "$T/l.hvi" 0 7
expect 1 "signature slot 0 .* holds 7 bytes, which is no algorithm's signature size" hv sign --key "$B.pem" "$T/l.hvi" -o "$T/l2.hvi"
# A good slot given its key is checked and passes.
expect 0 "signed by" hv sign --key "$A.pem" "$T/u.hvi" -o "$T/g.hvi"
expect 0 "2 of 2 slots used" hv sign --key "$B.pem" --pub "$A.pub.pem" "$T/g.hvi" -o "$T/ab.hvi"
expect 0 "2 signature" hv verify --key "$A.pub.pem" --key "$B.pub.pem" --board acme-r750-mb2 --oem acme-servers --rollback 3 "$T/ab.hvi"

# attach --profile makes sign's key-policy and OEM checks.
expect 2 "image is for OEM 'acme-servers', the profile for 'zenith-cloud'" \
    hv attach --pub "$A.pub.pem" --signature "$T/u.sig" --profile "$SRC/oem-profiles/zenith-cloud.yaml" "$T/u.hvi" -o "$T/p.hvi"
expect 0 "" hv tbs "$T/rsa3072-pkcs1-sha256.hvi" -o "$T/r.tbs"
openssl dgst -sha384 -sign "$A.pem" -out "$T/r.sig" "$T/r.tbs"
expect 2 "uses ecdsa-p384-sha384, which profile .*orbital-edge.yaml does not accept" \
    hv attach --pub "$A.pub.pem" --signature "$T/r.sig" --profile "$SRC/oem-profiles/orbital-edge.yaml" "$T/rsa3072-pkcs1-sha256.hvi" -o "$T/p.hvi"
expect 0 "signed by" hv attach --pub "$A.pub.pem" --signature "$T/u.sig" --profile "$ACME" "$T/u.hvi" -o "$T/p.hvi"

# The wrong digest for the key gets a hint naming the one it needs.
openssl dgst -sha256 -sign "$A.pem" -out "$T/u256.sig" "$T/u.tbs"
expect 2 "signature is over a SHA256 digest, but key [0-9a-f]{64} \(ECDSA P-384\) signs SHA384: sign the tbs bytes with 'openssl dgst -sha384'" \
    hv attach --pub "$A.pub.pem" --signature "$T/u256.sig" "$T/u.hvi" -o "$T/p.hvi"

# Signing in place keeps the file's mode.
cp "$T/u.hvi" "$T/m.hvi"
chmod 0640 "$T/m.hvi"
expect 0 "signed by" hv sign --key "$A.pem" "$T/m.hvi"
check "sign in place keeps mode 0640" test "$(stat -c %a "$T/m.hvi")" = 640
cp "$T/u.hvi" "$T/m2.hvi"
chmod 0600 "$T/m2.hvi"
expect 0 "signed by" hv attach --pub "$A.pub.pem" --signature "$T/u.sig" "$T/m2.hvi"
check "attach in place keeps mode 0600" test "$(stat -c %a "$T/m2.hvi")" = 600
finish
