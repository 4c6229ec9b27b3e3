#!/bin/sh
# Two builds from copies of the inputs that differ in file order on disk,
# mtimes, umask and working folder give identical bytes: the whole image with
# RSA (deterministic signatures), the signed bytes (tbs) with ECDSA.
. "$(dirname "$0")/lib.sh"
copy_inputs() { # DEST ORDER(forward|reverse) MTIME
    mkdir -p "$1"
    # Recreate files one by one in the given order so directory order differs.
    (cd "$SRC/manifests" && find example.yaml example -type d) | while read -r d; do mkdir -p "$1/$d"; done
    files=$(cd "$SRC/manifests" && find example.yaml example -type f | sort)
    [ "$2" = reverse ] && files=$(echo "$files" | sort -r)
    for f in $files; do cp "$SRC/manifests/$f" "$1/$f"; done
    find "$1" -exec touch -h -d "$3" {} +
}
copy_inputs "$T/a" forward "2001-02-03 04:05:06"
copy_inputs "$T/b" reverse "2024-12-31 23:59:59"
cp "$SRC/oem-profiles/orbital-edge.yaml" "$T/prof.yaml"
expect 0 "" hv keygen --alg rsa3072-pkcs1-sha256 -o "$T/rsa.pem"
expect 0 "" hv keygen --alg ecdsa-p384-sha384 -o "$T/ec.pem"
(cd "$T/a" && umask 022 && "$HVIMAGE" build -q -m example.yaml -p ../prof.yaml --key ../rsa.pem -o ../rsa-a.hvi --threads 1)
(cd / && umask 077 && "$HVIMAGE" build -q -m "$T/b/example.yaml" -p "$T/prof.yaml" --key "$T/rsa.pem" -o "$T/rsa-b.hvi" --threads 2)
check "RSA images are byte-identical" cmp "$T/rsa-a.hvi" "$T/rsa-b.hvi"
check "umask does not change the image mode" sh -c "[ \$(stat -c %a '$T/rsa-a.hvi') = \$(stat -c %a '$T/rsa-b.hvi') ]"
cp "$SRC/oem-profiles/acme-servers.yaml" "$T/acme.yaml"
expect 0 "" hv build -q -m "$T/a/example.yaml" -p "$T/acme.yaml" --key "$T/ec.pem" -o "$T/ec-a.hvi"
expect 0 "" hv build -q -m "$T/b/example.yaml" -p "$T/acme.yaml" --key "$T/ec.pem" -o "$T/ec-b.hvi"
expect 0 "" hv tbs "$T/ec-a.hvi" -o "$T/a.tbs"
expect 0 "" hv tbs "$T/ec-b.hvi" -o "$T/b.tbs"
check "ECDSA signed bytes are identical" cmp "$T/a.tbs" "$T/b.tbs"
# The signature block differs (ECDSA nonce); everything after it does not.
off=$(( $(stat -c %s "$T/a.tbs") ))
slots=2
check "sections are identical" sh -c "cmp -s -i $((off + slots * HV_SIG_SLOT_SIZE)) '$T/ec-a.hvi' '$T/ec-b.hvi'"
# SOURCE_DATE_EPOCH overrides the manifest's build_epoch.
SOURCE_DATE_EPOCH=1234567890 "$HVIMAGE" build -q -m "$T/a/example.yaml" -p "$T/prof.yaml" --key "$T/rsa.pem" -o "$T/sde.hvi"
expect 0 '"build_epoch":1234567890' hv inspect --json "$T/sde.hvi"
check "a different epoch changes the image" sh -c "! cmp -s '$T/rsa-a.hvi' '$T/sde.hvi'"
finish
