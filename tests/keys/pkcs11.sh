#!/bin/sh
# Root keys held in a PKCS#11 token (SoftHSM stands in for the offline
# HSM): root and keyring documents are signed through pkcs11: URIs, one key
# from the token and one from a file meeting a threshold of 2; a token key
# outside the root is refused; the token's public key names a root key at
# create time, as a file would.
. "$SRC/tests/cli/lib.sh"
MODULE=/usr/lib/softhsm/libsofthsm2.so
check "SoftHSM module is installed (scripts/deps.sh: softhsm2)" test -f "$MODULE"
command -v softhsm2-util >/dev/null || { echo "FAIL: softhsm2-util missing"; exit 1; }
mkdir -p "$T/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$T" > "$T/softhsm2.conf"
export SOFTHSM2_CONF="$T/softhsm2.conf"
unset HVIMAGE_PKCS11_PIN HVIMAGE_PKCS11_MODULE
expect 0 "" softhsm2-util --init-token --free --label hv-roots --pin 1234 --so-pin 5678
for k in r1 r2 r3 other img; do
    expect 0 "" hv keygen --alg ecdsa-p384-sha384 -o "$T/$k.pem"
done
expect 0 "imported" softhsm2-util --import "$T/r1.pem" --token hv-roots --label root1 --id 01 --pin 1234
expect 0 "imported" softhsm2-util --import "$T/other.pem" --token hv-roots --label other --id 02 --pin 1234
printf '1234\n' > "$T/pin"
q="module-path=$MODULE&pin-source=file:$T/pin"
pubq="module-path=$MODULE"
# The root lists the token key by its URI (public half, no PIN needed).
expect 0 "" hv root create --version 1 --threshold 2 --key "pkcs11:token=hv-roots;object=root1?$pubq" \
    --key "$T/r2.pub.pem" --key "$T/r3.pub.pem" -o "$T/root.hvroot"
expect 0 "" hv root create --version 1 --threshold 2 --key "$T/r1.pub.pem" \
    --key "$T/r2.pub.pem" --key "$T/r3.pub.pem" -o "$T/root-files.hvroot"
check "a token key and its file give the same root" cmp -s "$T/root.hvroot" "$T/root-files.hvroot"
# The same key as a file and in the token is one key: refused twice.
expect 2 "are the same public key" hv root create --version 1 --threshold 1 \
    --key "pkcs11:token=hv-roots;object=root1?$pubq" --key "$T/r1.pub.pem" -o "$T/dup.hvroot"
check "no output for a key given twice" test ! -e "$T/dup.hvroot"
r1_id=$(openssl pkey -pubin -in "$T/r1.pub.pem" -outform DER | sha256sum | cut -c1-64)
expect 0 "signed by $r1_id" hv root sign "$T/root.hvroot" --key "pkcs11:token=hv-roots;object=root1?$q"
expect 0 "2 of 3 slots used" hv root sign "$T/root.hvroot" --key "$T/r3.pem"
printf '%s\n' 'version: 1' 'root_version: 1' 'min_epoch: 0' 'slots: 2' 'keys:' \
    '  - {key: img.pub.pem, epoch: 0, oems: [acme-servers]}' > "$T/ring.yaml"
expect 0 "" hv keyring create "$T/ring.yaml" -o "$T/ring.hvkeyring"
cp "$T/ring.hvkeyring" "$T/ring.before"
expect 2 "is not a key of root 1; it may not sign the keyring" hv keyring sign "$T/ring.hvkeyring" \
    --root "$T/root.hvroot" --key "pkcs11:token=hv-roots;object=other?$q"
expect 2 "no private key with that label on the token" hv keyring sign "$T/ring.hvkeyring" \
    --root "$T/root.hvroot" --key "pkcs11:token=hv-roots;object=nothere?$q"
check "refused token signers leave the keyring unchanged" cmp -s "$T/ring.hvkeyring" "$T/ring.before"
expect 0 "2 of 2 slots used" hv keyring sign "$T/ring.hvkeyring" --root "$T/root.hvroot" \
    --key "pkcs11:token=hv-roots;id=%01?$q" --key "$T/r2.pem"
expect 0 "" hv keyring bundle --root "$T/root.hvroot" --keyring "$T/ring.hvkeyring" -o "$T/b.hvtrust"
expect 0 "trust block verified" hv keyring verify "$T/b.hvtrust" --root "$T/root.hvroot"
expect 0 "trust block verified" hv keyring verify "$T/b.hvtrust" --root "$T/root-files.hvroot"
finish
