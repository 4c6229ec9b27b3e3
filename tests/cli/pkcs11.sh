#!/bin/sh
# Signing with keys held in a PKCS#11 token: SoftHSM stands in for the HSM.
# The same keys as files and in the token must give the same key ids, and
# RSA (deterministic) the very same image; build and sign both take a
# pkcs11: URI; every way of naming the key, the token or the PIN wrongly
# fails with exit 2 and a message that says which. verify, extract and
# attach trust a token's public key by URI.
. "$(dirname "$0")/lib.sh"
MODULE=/usr/lib/softhsm/libsofthsm2.so
check "SoftHSM module is installed (scripts/deps.sh: softhsm2)" test -f "$MODULE"
command -v softhsm2-util >/dev/null || { echo "FAIL: softhsm2-util missing"; exit 1; }
mkdir -p "$T/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$T" > "$T/softhsm2.conf"
export SOFTHSM2_CONF="$T/softhsm2.conf"
unset HVIMAGE_PKCS11_PIN HVIMAGE_PKCS11_MODULE
expect 0 "" softhsm2-util --init-token --free --label hv-release --pin 1234 --so-pin 5678
expect 0 "" hv keygen --alg ecdsa-p384-sha384 -o "$T/ec.pem"
expect 0 "" hv keygen --alg rsa3072-pkcs1-sha256 -o "$T/rsa.pem"
expect 0 "" hv keygen --alg ecdsa-p256-sha256 -o "$T/p256.pem"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/rsa2048.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out "$T/p521.pem" 2>/dev/null
for k in "ec p384 01" "rsa rsa3k 02" "p256 p256 03" "rsa2048 rsa2k 04" "p256 dup 05" "ec dup 06" "p521 p521 07"; do
    set -- $k
    expect 0 "imported" softhsm2-util --import "$T/$1.pem" --token hv-release --label "$2" --id "$3" --pin 1234
done
printf '1234\n' > "$T/pin"
q="module-path=$MODULE&pin-source=file:$T/pin"
cp "$SRC/oem-profiles/acme-servers.yaml" "$T/acme.yaml"
cp "$SRC/oem-profiles/orbital-edge.yaml" "$T/orbital.yaml"
M="$SRC/manifests/example.yaml"

# ECDSA P-384 from the token: verifies with the file's public half.
expect 0 "1 signature" hv build -m "$M" -p "$T/acme.yaml" --key "pkcs11:token=hv-release;object=p384?$q" -o "$T/ec.hvi"
ec_id=$(openssl pkey -pubin -in "$T/ec.pub.pem" -outform DER | sha256sum | cut -c1-64)
expect 0 "signer $ec_id" hv verify --key "$T/ec.pub.pem" --board acme-r750-mb2 --oem acme-servers --rollback 3 "$T/ec.hvi"
# RSA-3072 from the token, named by id: byte-identical to the key file's image.
expect 0 "" hv build -q -m "$M" -p "$T/orbital.yaml" --key "pkcs11:token=hv-release;id=%02;type=private?$q" -o "$T/rsa-token.hvi"
expect 0 "" hv build -q -m "$M" -p "$T/orbital.yaml" --key "$T/rsa.pem" -o "$T/rsa-file.hvi"
check "token and key file give the same RSA image" cmp "$T/rsa-token.hvi" "$T/rsa-file.hvi"
# The detached and two-key flows: `sign` adds a token signature to an image.
expect 0 "" hv build -q -m "$M" -p "$T/acme.yaml" --unsigned -o "$T/u.hvi"
expect 0 "" hv sign --key "pkcs11:token=hv-release;object=p384?$q" --profile "$T/acme.yaml" "$T/u.hvi" -o "$T/s.hvi"
expect 0 "verified" hv verify --key "$T/ec.pub.pem" --board acme-r750-mb2 --oem acme-servers --rollback 3 "$T/s.hvi"
# Module and PIN from the environment.
expect 0 "" env HVIMAGE_PKCS11_MODULE="$MODULE" HVIMAGE_PKCS11_PIN=1234 \
    "$HVIMAGE" build -q -m "$M" -p "$T/acme.yaml" --key "pkcs11:object=p384" -o "$T/env.hvi"
expect 0 "verified" hv verify --key "$T/ec.pub.pem" --board acme-r750-mb2 --oem acme-servers --rollback 3 "$T/env.hvi"

# Trusting a token's key: verify, extract and attach take the URI as the
# public key; no PIN is needed to read a public key object.
pubq="module-path=$MODULE"
expect 0 "signer $ec_id" hv verify --key "pkcs11:token=hv-release;object=p384?$pubq" --board acme-r750-mb2 --oem acme-servers --rollback 3 "$T/ec.hvi"
expect 0 "verified" hv verify --key "pkcs11:token=hv-release;id=%02?$pubq" --board orbital-gw3 --oem orbital-edge --rollback 3 "$T/rsa-file.hvi"
expect 1 "untrusted" hv verify --key "pkcs11:token=hv-release;object=p256?$pubq" --board acme-r750-mb2 --oem acme-servers --rollback 3 "$T/ec.hvi"
expect 2 "no key with that label" hv verify --key "pkcs11:token=hv-release;object=p512?$pubq" --board acme-r750-mb2 --oem acme-servers --rollback 3 "$T/ec.hvi"
expect 0 "" hv extract --key "pkcs11:token=hv-release;object=p384?$pubq" --board acme-r750-mb2 --oem acme-servers --rollback 3 -o "$T/x" "$T/ec.hvi"
check "extract with a token key unpacks the core" test -s "$T/x/core.bin"
expect 0 "" hv tbs "$T/u.hvi" -o "$T/u.tbs"
openssl dgst -sha384 -sign "$T/ec.pem" -out "$T/u.sig" "$T/u.tbs"
expect 0 "" hv attach --pub "pkcs11:token=hv-release;object=p384?$pubq" --signature "$T/u.sig" "$T/u.hvi" -o "$T/att.hvi"
expect 0 "verified" hv verify --key "$T/ec.pub.pem" --board acme-r750-mb2 --oem acme-servers --rollback 3 "$T/att.hvi"

# Refusals: exit 2, a message naming the problem, no image.
bad() { # PATTERN URI [PROFILE]
    rm -f "$T/bad.hvi"
    expect 2 "$1" hv build -q -m "$M" -p "${3:-$T/acme.yaml}" --key "$2" -o "$T/bad.hvi"
    check "no image for $2" test ! -e "$T/bad.hvi"
}
printf '4321\n' > "$T/wrong-pin"
bad "C_Login failed: CKR_PIN_INCORRECT" "pkcs11:token=hv-release;object=p384?module-path=$MODULE&pin-source=$T/wrong-pin"
bad "the token needs a PIN" "pkcs11:token=hv-release;object=p384?module-path=$MODULE"
bad "pin-source '$T/nope'" "pkcs11:token=hv-release;object=p384?module-path=$MODULE&pin-source=$T/nope"
bad "pin-value is refused" "pkcs11:token=hv-release;object=p384?module-path=$MODULE&pin-value=1234"
bad "no initialised token matches" "pkcs11:token=hv-staging;object=p384?$q"
bad "no private key with that label" "pkcs11:token=hv-release;object=p512?$q"
bad "no private key with that label and id" "pkcs11:token=hv-release;object=p384;id=%02?$q"
bad "more than one private key matches" "pkcs11:token=hv-release;object=dup?$q"
bad "unsupported key: RSA with 2048-bit modulus" "pkcs11:token=hv-release;object=rsa2k?$q"
bad "unsupported key: EC on curve secp521r1" "pkcs11:token=hv-release;object=p521?$q"
bad "uses ecdsa-p256-sha256, which profile .* does not accept" "pkcs11:token=hv-release;object=p256?$q" "$T/orbital.yaml"
bad "cannot load PKCS#11 module '$T/none.so'" "pkcs11:object=p384?module-path=$T/none.so&pin-source=$T/pin"
bad "is not a PKCS#11 module" "pkcs11:object=p384?module-path=$(ls /usr/lib/*/libz.so.1 | head -1)&pin-source=$T/pin"
bad "no PKCS#11 module" "pkcs11:object=p384?pin-source=$T/pin"
bad "attribute 'slot-id' is not supported" "pkcs11:slot-id=1;object=p384?$q"
bad "type must be 'private'" "pkcs11:object=p384;type=public?$q"
# PIN ceiling (docs/LIMITS.md): 255 bytes from a file or the environment.
long=$(printf '%0256d' 0)
printf '%s\n' "$long" > "$T/long-pin"
bad "holds more than 255 bytes" "pkcs11:object=p384?module-path=$MODULE&pin-source=$T/long-pin"
rm -f "$T/bad.hvi"
expect 2 "HVIMAGE_PKCS11_PIN is longer than 255 bytes" env HVIMAGE_PKCS11_PIN="$long" \
    "$HVIMAGE" build -q -m "$M" -p "$T/acme.yaml" --key "pkcs11:object=p384?module-path=$MODULE" -o "$T/bad.hvi"
printf '12\n34\n' > "$T/two-lines"
bad "must hold one line" "pkcs11:object=p384?module-path=$MODULE&pin-source=$T/two-lines"
finish
