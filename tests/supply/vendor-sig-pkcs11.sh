#!/bin/sh
# A vendor signs its package with a key held in a PKCS#11 token (SoftHSM
# stands in for the HSM): the envelope verifies with the key file's public
# half, the package is admitted at accepted, and a wrong PIN signs nothing.
. "$SRC/tests/cli/lib.sh"
MODULE=/usr/lib/softhsm/libsofthsm2.so
check "SoftHSM module is installed (scripts/deps.sh: softhsm2)" test -f "$MODULE"
command -v softhsm2-util >/dev/null || { echo "FAIL: softhsm2-util missing"; exit 1; }
mkdir -p "$T/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$T" > "$T/softhsm2.conf"
export SOFTHSM2_CONF="$T/softhsm2.conf"
unset HVIMAGE_PKCS11_PIN HVIMAGE_PKCS11_MODULE
expect 0 "" softhsm2-util --init-token --free --label vendor --pin 1234 --so-pin 5678
A=$(hv keygen --alg ecdsa-p256-sha256 -o "$T/acme.pem" | cut -d' ' -f1)
R=$(hv keygen --alg rsa3072-pkcs1-sha256 -o "$T/rsa.pem" | cut -d' ' -f1)
expect 0 "imported" softhsm2-util --import "$T/acme.pem" --token vendor --label acme --id 01 --pin 1234
expect 0 "imported" softhsm2-util --import "$T/rsa.pem" --token vendor --label rsa --id 02 --pin 1234
printf '1234\n' > "$T/pin"
printf '9999\n' > "$T/badpin"
PKG=$SRC/manifests/example/drivers/zenith-storage-0.9.3.zip
cp "$PKG" "$T/z.zip"
sed '/^drivers:/,$d' "$SRC/oem-profiles/acme-servers.yaml" > "$T/p.yaml"
cat >> "$T/p.yaml" <<EOP
drivers:
  allow_vendors: [zenith-storage]
  min_acceptance: accepted
  vendor_keys:
    zenith-storage: [acme.pub.pem, rsa.pub.pem]
EOP
uri="pkcs11:token=vendor;object=acme?module-path=$MODULE&pin-source=file:$T/pin"
expect 0 "signed by $A" hv driver sign --key "$uri" --vendor zenith-storage --version 0.9.3 "$T/z.zip"
expect 0 "zenith-storage 0.9.3: accepted" hv driver check --profile "$T/p.yaml" --vendor zenith-storage --version 0.9.3 "$T/z.zip"
python3 "$SRC/tests/supply/dsse-craft.py" pae "$T/z.zip.sig" > "$T/pae"
python3 "$SRC/tests/supply/dsse-craft.py" sig "$T/z.zip.sig" 0 > "$T/sig"
expect 0 "Verified OK" openssl dgst -sha256 -verify "$T/acme.pub.pem" -signature "$T/sig" "$T/pae"
# RSA from the token: PKCS#1 v1.5 is deterministic, so the token and the
# key file give the very same envelope.
uri="pkcs11:token=vendor;id=%02?module-path=$MODULE&pin-source=file:$T/pin"
expect 0 "signed by $R" hv driver sign --key "$uri" --vendor zenith-storage --version 0.9.3 "$T/z.zip" -o "$T/tok.sig"
expect 0 "signed by $R" hv driver sign --key "$T/rsa.pem" --vendor zenith-storage --version 0.9.3 "$T/z.zip" -o "$T/file.sig"
check "RSA: token and key file give the same envelope" cmp "$T/tok.sig" "$T/file.sig"
expect 0 "accepted" hv driver check --profile "$T/p.yaml" --vendor zenith-storage --version 0.9.3 --signature "$T/tok.sig" "$T/z.zip"
# A wrong PIN: exit 2, nothing written.
uri="pkcs11:token=vendor;object=acme?module-path=$MODULE&pin-source=file:$T/badpin"
expect 2 "PIN" hv driver sign --key "$uri" --vendor zenith-storage --version 0.9.3 "$T/z.zip" -o "$T/bad.sig"
check "no envelope with a wrong PIN" test ! -e "$T/bad.sig"
finish
