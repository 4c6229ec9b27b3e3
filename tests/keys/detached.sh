#!/bin/sh
# The detached flow for roots and keyrings: tbs writes the signed bytes,
# the openssl CLI signs them on an "offline station", attach checks and
# inserts the signature. The result verifies like one made by `sign`.
. "$SRC/tests/cli/lib.sh"
for spec in ecdsa-p384-sha384:sha384 ecdsa-p256-sha256:sha256 rsa3072-pkcs1-sha256:sha256; do
    a=${spec%%:*} dg=${spec#*:}
    D=$T/$a
    mkdir -p "$D"
    for k in r1 r2 img; do expect 0 "" hv keygen --alg "$a" -o "$D/$k.pem"; done
    expect 0 "" hv root create --version 1 --threshold 2 --key "$D/r1.pub.pem" --key "$D/r2.pub.pem" -o "$D/root.hvroot"
    expect 0 "bytes to be signed" hv root tbs "$D/root.hvroot" -o "$D/root.tbs"
    hv root tbs "$D/root.hvroot" -o - > "$D/root.stdout.tbs"
    check "$a: tbs to standard output is the same bytes" cmp -s "$D/root.tbs" "$D/root.stdout.tbs"
    for k in r1 r2; do
        openssl dgst -"$dg" -sign "$D/$k.pem" -out "$D/root.$k.sig" "$D/root.tbs"
        expect 0 "signed by" hv root attach "$D/root.hvroot" --signature "$D/root.$k.sig" --pubkey "$D/$k.pub.pem"
    done
    expect 2 "already signed by key" hv root attach "$D/root.hvroot" --signature "$D/root.r1.sig" --pubkey "$D/r1.pub.pem"
    # A signature by a key outside the root is refused even if it verifies.
    openssl dgst -"$dg" -sign "$D/img.pem" -out "$D/root.img.sig" "$D/root.tbs"
    expect 2 "is not a key of root 1" hv root attach "$D/root.hvroot" --signature "$D/root.img.sig" --pubkey "$D/img.pub.pem"
    # The signed bytes do not change with the signatures: tbs is stable.
    expect 0 "" hv root tbs "$D/root.hvroot" -o "$D/root2.tbs"
    check "$a: tbs is the same after signing" cmp -s "$D/root.tbs" "$D/root2.tbs"
    printf '%s\n' 'version: 1' 'root_version: 1' 'min_epoch: 0' 'slots: 2' 'keys:' \
        '  - {key: img.pub.pem, epoch: 0, oems: [acme-servers]}' > "$D/ring.yaml"
    expect 0 "" hv keyring create "$D/ring.yaml" -o "$D/ring.hvkeyring"
    expect 0 "" hv keyring tbs "$D/ring.hvkeyring" -o "$D/ring.tbs"
    openssl dgst -"$dg" -sign "$D/r2.pem" -out "$D/ring.r2.sig" "$D/ring.tbs"
    # A keyring signature made over the root's bytes does not verify.
    expect 2 "does not verify" hv keyring attach "$D/ring.hvkeyring" --signature "$D/root.r1.sig" \
        --pubkey "$D/r1.pub.pem" --root "$D/root.hvroot"
    expect 0 "signed by" hv keyring attach "$D/ring.hvkeyring" --signature "$D/ring.r2.sig" \
        --pubkey "$D/r2.pub.pem" --root "$D/root.hvroot" -o "$D/ring-1.hvkeyring"
    # Mixed: the second signature from `sign`.
    expect 0 "2 of 2 slots used" hv keyring sign "$D/ring-1.hvkeyring" --key "$D/r1.pem" --root "$D/root.hvroot"
    cat "$D/root.hvroot" "$D/ring-1.hvkeyring" > "$D/b.hvtrust"
    expect 0 "trust block verified" hv keyring verify "$D/b.hvtrust" --root "$D/root.hvroot"
done
finish
