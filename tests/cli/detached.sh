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
finish
