#!/bin/sh
# Root and keyring documents end to end for each algorithm: create, sign
# with 2 of 3 root keys, describe and sign a keyring, bundle, inspect, and
# verify with the boot verifier's hv_trust_block_verify. One root signature
# short of the threshold is refused. Key ids and fingerprints shown by
# inspect are checked against the openssl CLI.
. "$SRC/tests/cli/lib.sh"

for alg in ecdsa-p256-sha256 ecdsa-p384-sha384 rsa3072-pkcs1-sha256; do
    D=$T/$alg
    mkdir -p "$D"
    for k in r1 r2 r3 img; do
        expect 0 "" hv keygen --alg "$alg" -o "$D/$k.pem"
    done
    expect 0 "root version 1, 2 of 3 keys, 3 signature slots, unsigned" \
        hv root create --version 1 --threshold 2 --key "$D/r1.pub.pem" \
        --key "$D/r2.pub.pem" --key "$D/r3.pub.pem" -o "$D/root-1.hvroot"
    expect 0 "signed by .*1 of 3 slots used" \
        hv root sign "$D/root-1.hvroot" --key "$D/r2.pem"
    cp "$D/root-1.hvroot" "$D/root-1-one.hvroot"
    expect 0 "2 of 3 slots used" hv root sign "$D/root-1.hvroot" --key "$D/r3.pem"
    cat > "$D/ring.yaml" <<EOT
version: 5
root_version: 1
min_epoch: 2
slots: 3
keys:
  - key: img.pub.pem
    epoch: 2
    oems: [zenith-cloud, acme-servers]
    boards: [acme-r750-mb2]
EOT
    expect 0 "keyring version 5 for root 1, min epoch 2, 1 keys, 3 signature slots" \
        hv keyring create "$D/ring.yaml" -o "$D/ring-5.hvkeyring"
    expect 0 "signed by .*2 of 3 slots used" hv keyring sign "$D/ring-5.hvkeyring" \
        --key "$D/r1.pem" --key "$D/r3.pem" --root "$D/root-1.hvroot"
    expect 0 "roots 1..1, keyring 5" hv keyring bundle --root "$D/root-1.hvroot" \
        --keyring "$D/ring-5.hvkeyring" -o "$D/b.hvtrust"
    cat "$D/root-1.hvroot" "$D/ring-5.hvkeyring" > "$D/cat.hvtrust"
    check "$alg: bundle is the documents back to back" cmp -s "$D/b.hvtrust" "$D/cat.hvtrust"
    expect 0 "trust block verified: 1 root up to version 1, keyring version 5, min epoch 2 in force .* 1 of 1 keys usable" \
        hv keyring verify "$D/b.hvtrust" --root "$D/root-1.hvroot"
    expect 0 '"result":"ok"' hv keyring verify --json "$D/b.hvtrust" --root "$D/root-1.hvroot"
    # The key epoch counter above the image key's epoch: nothing usable.
    expect 0 "0 of 1 keys usable" \
        hv keyring verify "$D/b.hvtrust" --root "$D/root-1.hvroot" --min-key-epoch 3
    # The keyring counter above this keyring: refused as a rollback.
    expect 1 "refused: trust_rollback" \
        hv keyring verify "$D/b.hvtrust" --root "$D/root-1.hvroot" --min-keyring-version 6

    # Threshold: one root signature on the root document is not enough.
    expect 0 "" hv keyring bundle --root "$D/root-1-one.hvroot" \
        --keyring "$D/ring-5.hvkeyring" -o "$D/one.hvtrust"
    expect 1 "refused: " hv keyring verify "$D/one.hvtrust" --root "$D/root-1-one.hvroot"
    # ... nor on the keyring.
    expect 0 "" hv keyring create "$D/ring.yaml" -o "$D/ring-one.hvkeyring"
    expect 0 "" hv keyring sign "$D/ring-one.hvkeyring" --key "$D/r1.pem" --root "$D/root-1.hvroot"
    cat "$D/root-1.hvroot" "$D/ring-one.hvkeyring" > "$D/ring-one.hvtrust"
    expect 1 "refused: root_signature" hv keyring verify "$D/ring-one.hvtrust" --root "$D/root-1.hvroot"

    # inspect: every field, the ids and fingerprints as openssl computes
    # them, who signed, and that nothing was verified.
    img_id=$(openssl pkey -pubin -in "$D/img.pub.pem" -outform DER | sha256sum | cut -c1-64)
    r3_id=$(openssl pkey -pubin -in "$D/r3.pub.pem" -outform DER | sha256sum | cut -c1-64)
    out=$(hv keyring inspect "$D/b.hvtrust")
    checks=$((checks + 1))
    for want in "2 documents. NOT VERIFIED" "root version 1 at byte 0" \
                "threshold: 2 of 3 keys" "keyring version 5 at byte" \
                "root version: 1, min epoch: 2, 1 keys" "key 0: id $img_id \\($alg\\)" \
                "epoch 2, oems: acme-servers zenith-cloud, boards: acme-r750-mb2" \
                "signatures: 2 of 3 slots filled" "key $r3_id \\(key [0-2] of root 1\\)"; do
        printf '%s\n' "$out" | grep -Eq -- "$want" || { echo "FAIL: inspect lacks /$want/"; printf '%s\n' "$out" | sed 's/^/    /'; fails=$((fails + 1)); }
    done
    # The fingerprint is SHA-256 of the key record's pub bytes: for EC the
    # uncompressed point, which is the tail of the DER SPKI.
    case $alg in ecdsa*)
        len=65; [ "$alg" = ecdsa-p384-sha384 ] && len=97
        fp=$(openssl pkey -pubin -in "$D/img.pub.pem" -outform DER | tail -c "$len" | sha256sum | cut -c1-64)
        check "$alg: inspect shows the fingerprint of the uncompressed point" \
            sh -c "printf '%s\n' \"\$1\" | grep -q 'fingerprint $fp'" - "$out"
    esac
    expect 0 '"verified":false' hv root inspect --json "$D/root-1.hvroot"
    expect 0 "\"key_id\":\"$img_id\"" hv keyring inspect --json "$D/ring-5.hvkeyring"
done

# Threshold signing with 3 root keys where 2 are needed: any 2 will do.
D=$T/ecdsa-p384-sha384
for pair in "r1 r2" "r1 r3" "r2 r3"; do
    set -- $pair
    expect 0 "" hv root create --version 1 --threshold 2 --key "$D/r1.pub.pem" \
        --key "$D/r2.pub.pem" --key "$D/r3.pub.pem" -o "$D/p.hvroot"
    expect 0 "" hv root sign "$D/p.hvroot" --key "$D/$1.pem" --key "$D/$2.pem"
    expect 0 "" hv keyring create "$D/ring.yaml" -o "$D/p.hvkeyring"
    expect 0 "" hv keyring sign "$D/p.hvkeyring" --key "$D/$2.pem" --key "$D/$1.pem" --root "$D/p.hvroot"
    cat "$D/p.hvroot" "$D/p.hvkeyring" > "$D/p.hvtrust"
    expect 0 "trust block verified" hv keyring verify "$D/p.hvtrust" --root "$D/p.hvroot"
done
# Root keys of mixed algorithms sign one another's documents.
M=$T/mixed
mkdir -p "$M"
expect 0 "" hv root create --version 1 --threshold 3 --key "$T/ecdsa-p256-sha256/r1.pub.pem" \
    --key "$T/ecdsa-p384-sha384/r1.pub.pem" --key "$T/rsa3072-pkcs1-sha256/r1.pub.pem" -o "$M/root.hvroot"
expect 0 "3 of 3 slots used" hv root sign "$M/root.hvroot" --key "$T/ecdsa-p256-sha256/r1.pem" \
    --key "$T/ecdsa-p384-sha384/r1.pem" --key "$T/rsa3072-pkcs1-sha256/r1.pem"
sed 's/^root_version: 1/root_version: 1/' "$D/ring.yaml" > "$M/ring.yaml"
cp "$D/img.pub.pem" "$M/img.pub.pem"
expect 0 "" hv keyring create "$M/ring.yaml" -o "$M/ring.hvkeyring"
expect 0 "" hv keyring sign "$M/ring.hvkeyring" --root "$M/root.hvroot" --key "$T/ecdsa-p256-sha256/r1.pem" \
    --key "$T/ecdsa-p384-sha384/r1.pem" --key "$T/rsa3072-pkcs1-sha256/r1.pem"
expect 0 "" hv keyring bundle --root "$M/root.hvroot" --keyring "$M/ring.hvkeyring" -o "$M/b.hvtrust"
expect 0 "trust block verified" hv keyring verify "$M/b.hvtrust" --root "$M/root.hvroot"
finish
