#!/bin/sh
# Every refusal of root and keyring create, bundle and attach, with its exit
# code and message, and no output file left behind. One key in two
# encodings (compressed and uncompressed point) is refused naming both
# files; explicit curve parameters are refused outright.
. "$SRC/tests/cli/lib.sh"
A=ecdsa-p256-sha256
for k in a b c img img2; do
    expect 0 "" hv keygen --alg "$A" -o "$T/$k.pem"
done
openssl ec -pubin -in "$T/a.pub.pem" -conv_form compressed -pubout -out "$T/a-compressed.pub.pem" 2>/dev/null
openssl ec -in "$T/a.pem" -param_enc explicit -pubout -out "$T/a-explicit.pub.pem" 2>/dev/null
check "the compressed PEM differs from the uncompressed one" sh -c "! cmp -s '$T/a.pub.pem' '$T/a-compressed.pub.pem'"
check "openssl wrote explicit parameters" sh -c "openssl ec -pubin -in '$T/a-explicit.pub.pem' -text -noout 2>/dev/null | grep -q 'Field Type'"
O=$T/out.hvroot
none() { check "no output file after: $1" test ! -e "$2"; }

# root create
expect 2 "a.pub.pem and .*a-compressed.pub.pem are the same public key \\(key id [0-9a-f]{64}\\); a document lists each key once" \
    hv root create --version 1 --threshold 1 --key "$T/a.pub.pem" --key "$T/a-compressed.pub.pem" -o "$O"
none "one key in two encodings" "$O"
expect 2 "a.pub.pem and .*a.pem are the same public key" \
    hv root create --version 1 --threshold 1 --key "$T/a.pub.pem" --key "$T/a.pem" -o "$O"
none "a key and its private half" "$O"
expect 2 "a-explicit.pub.pem: unsupported key: EC with explicit curve parameters" \
    hv root create --version 1 --threshold 1 --key "$T/a-explicit.pub.pem" -o "$O"
none "explicit curve parameters" "$O"
expect 2 "--threshold '3' is not between 1 and the 2 keys given" \
    hv root create --version 1 --threshold 3 --key "$T/a.pub.pem" --key "$T/b.pub.pem" -o "$O"
expect 2 "--threshold '0' is not between" \
    hv root create --version 1 --threshold 0 --key "$T/a.pub.pem" -o "$O"
expect 2 "--version '0' is not a number of 1 or more" \
    hv root create --version 0 --threshold 1 --key "$T/a.pub.pem" -o "$O"
expect 2 "--slots '1' is not between the threshold 2 and 8" \
    hv root create --version 1 --threshold 2 --key "$T/a.pub.pem" --key "$T/b.pub.pem" --slots 1 -o "$O"
expect 2 "--slots '9' is not between" \
    hv root create --version 1 --threshold 1 --key "$T/a.pub.pem" --slots 9 -o "$O"
expect 2 "more than 8 --key options" hv root create --version 1 --threshold 1 \
    --key "$T/a.pub.pem" --key "$T/a.pub.pem" --key "$T/a.pub.pem" --key "$T/a.pub.pem" \
    --key "$T/a.pub.pem" --key "$T/a.pub.pem" --key "$T/a.pub.pem" --key "$T/a.pub.pem" \
    --key "$T/a.pub.pem" -o "$O"
expect 2 "missing.pem: cannot open key file" \
    hv root create --version 1 --threshold 1 --key "$T/missing.pem" -o "$O"
expect 2 "create needs --version, --threshold, --key and -o" hv root create --version 1 --key "$T/a.pub.pem" -o "$O"
expect 2 "--version given twice" hv root create --version 1 --version 2 --threshold 1 --key "$T/a.pub.pem" -o "$O"
none "bad options" "$O"
expect 2 "" hv root create --version 1 --threshold 1 --key "$T/a.pub.pem" -o "$T/a.pub.pem"
check "the output may not be an input: the key is intact" openssl pkey -pubin -in "$T/a.pub.pem" -noout
expect 2 "cannot create output|No such file" \
    hv root create --version 1 --threshold 1 --key "$T/a.pub.pem" -o "$T/no/such/dir.hvroot"
expect 2 "unknown subcommand 'frobnicate'" hv root frobnicate
expect 2 "needs a subcommand" hv keyring
expect 0 "usage: hvimage root create" hv help root
expect 0 "usage: hvimage keyring create" hv help keyring

# keyring create: YAML errors at FILE:LINE:COL, nothing written.
expect 0 "" hv root create --version 1 --threshold 1 --key "$T/b.pub.pem" -o "$T/root.hvroot"
expect 0 "" hv root sign "$T/root.hvroot" --key "$T/b.pem"
K=$T/out.hvkeyring
ring() { # YAML-BODY: a description with one key line block
    printf '%s\n' "$@" > "$T/ring.yaml"
}
ring 'version: 1' 'root_version: 1' 'min_epoch: 0' 'slots: 1' 'keys:' \
     '  - {key: img.pub.pem, epoch: 1, oems: [acme-servers]}' \
     '  - {key: a.pub.pem, epoch: 1, oems: [acme-servers]}' \
     '  - {key: a-compressed.pub.pem, epoch: 2, oems: [zenith-cloud]}'
expect 2 "ring.yaml:7:11 \\(.*a.pub.pem\\) and .*ring.yaml:8:11 \\(.*a-compressed.pub.pem\\) are the same public key" \
    hv keyring create "$T/ring.yaml" -o "$K"
none "a keyring with one key twice" "$K"
ring 'version: 1' 'root_version: 1' 'min_epoch: 0' 'slots: 1' 'colour: blue' 'keys:' \
     '  - {key: img.pub.pem, epoch: 1, oems: [acme-servers]}'
expect 2 "ring.yaml:5:1: error: unknown key 'colour' at the top level" hv keyring create "$T/ring.yaml" -o "$K"
ring 'version: 1' 'root_version: 1' 'min_epoch: 0' 'slots: 1' 'keys:' \
     '  - {key: img.pub.pem, oems: [acme-servers]}'
expect 2 "ring.yaml:6:5: error: missing required key 'epoch' in 'keys\\[0\\]'" hv keyring create "$T/ring.yaml" -o "$K"
ring 'version: 1' 'root_version: 1' 'min_epoch: 0' 'slots: 1' 'keys:' \
     '  - {key: img.pub.pem, epoch: 1, oems: [acme servers]}'
expect 2 "ring.yaml:6:41: error: 'oems\\[0\\]' must be 1 to 32 characters" hv keyring create "$T/ring.yaml" -o "$K"
ring 'version: 1' 'root_version: 1' 'min_epoch: 0' 'slots: 1' 'keys:' \
     '  - {key: img.pub.pem, epoch: 1, oems: [acme-servers, acme-servers]}'
expect 2 "ring.yaml:6:55: error: 'acme-servers' is given twice in 'oems'" hv keyring create "$T/ring.yaml" -o "$K"
ring 'version: 1' 'root_version: 1' 'min_epoch: 0' 'slots: 1' 'keys:' \
     '  - {key: img.pub.pem, epoch: 1, oems: []}'
expect 2 "ring.yaml:6:40: error: 'oems' is empty" hv keyring create "$T/ring.yaml" -o "$K"
ring 'version: 1' 'root_version: 1' 'min_epoch: 0' 'slots: 1' 'keys:' \
     '  - {key: img.pub.pem, epoch: 1, oems: [a], boards: [b1, b2, b3, b4, b5, b6, b7, b8, b9]}'
expect 2 "ring.yaml:6:53: error: 'boards' lists 9 values; a key's scope holds at most 8" hv keyring create "$T/ring.yaml" -o "$K"
ring 'version: 1' 'root_version: 1' 'min_epoch: 0' 'slots: 0' 'keys:' \
     '  - {key: img.pub.pem, epoch: 1, oems: [a]}'
expect 2 "ring.yaml:4:8: error: 'slots' must be 1 to 8" hv keyring create "$T/ring.yaml" -o "$K"
ring 'version: 0' 'root_version: 1' 'min_epoch: 0' 'slots: 1' 'keys:' \
     '  - {key: img.pub.pem, epoch: 1, oems: [a]}'
expect 2 "ring.yaml:1:10: error: versions start at 1" hv keyring create "$T/ring.yaml" -o "$K"
ring 'version: 1' 'root_version: 1' 'min_epoch: 0' 'slots: 1' 'keys:' \
     '  - {key: nothere.pub.pem, epoch: 1, oems: [a]}'
expect 2 "ring.yaml:6:11: error: .*nothere.pub.pem: cannot open key file" hv keyring create "$T/ring.yaml" -o "$K"
ring 'version: 1' 'root_version: 1' 'min_epoch: 0' 'slots: 1' 'keys:' \
     '  - {key: a-explicit.pub.pem, epoch: 1, oems: [a]}'
expect 2 "ring.yaml:6:11: error: .*explicit curve parameters" hv keyring create "$T/ring.yaml" -o "$K"
ring 'version: 1' 'root_version: 1' 'min_epoch: 0' 'slots: 1' 'keys: []'
expect 2 "ring.yaml:5:7: error: 'keys' lists 0 keys; a keyring holds 1 to 8" hv keyring create "$T/ring.yaml" -o "$K"
none "every refused description" "$K"
# Key paths are relative to the description, wherever hvimage runs.
mkdir -p "$T/desc"
cp "$T/img.pub.pem" "$T/desc/"
printf '%s\n' 'version: 3' 'root_version: 1' 'min_epoch: 0' 'slots: 1' 'keys:' \
    '  - {key: img.pub.pem, epoch: 1, oems: [acme-servers], boards: [z-board, a-board]}' > "$T/desc/ring.yaml"
expect 0 "keyring version 3" sh -c "cd / && '$HVIMAGE' keyring create '$T/desc/ring.yaml' -o '$K'"
expect 0 "boards: a-board z-board" hv keyring inspect "$K"

# bundle: order and versions checked before anything is written.
expect 0 "" hv keyring sign "$K" --root "$T/root.hvroot" --key "$T/b.pem"
expect 0 "" hv root create --version 2 --threshold 1 --key "$T/c.pub.pem" -o "$T/root2.hvroot"
expect 0 "" hv root create --version 3 --threshold 1 --key "$T/c.pub.pem" -o "$T/root3.hvroot"
B=$T/b.hvtrust
expect 2 "root version 3 follows root version 1; roots go up one version at a time" \
    hv keyring bundle --root "$T/root.hvroot" --root "$T/root3.hvroot" --keyring "$K" -o "$B"
expect 2 "the keyring names root version 1, the newest root is version 2" \
    hv keyring bundle --root "$T/root.hvroot" --root "$T/root2.hvroot" --keyring "$K" -o "$B"
expect 2 "is a keyring document, expected a root" hv keyring bundle --root "$K" --keyring "$K" -o "$B"
expect 2 "root.hvroot: is a root document, expected a keyring" hv keyring bundle --root "$T/root.hvroot" --keyring "$T/root.hvroot" -o "$B"
cat "$T/root.hvroot" "$K" > "$T/cat.hvtrust"
expect 2 "cat.hvtrust: .* bytes after the root document \\(a bundle\\?" hv keyring bundle --root "$T/cat.hvtrust" --keyring "$K" -o "$B"
printf 'junk' > "$T/junk"
expect 2 "junk: not a root or keyring document" hv keyring bundle --root "$T/junk" --keyring "$K" -o "$B"
none "every refused bundle" "$B"

# verify: refusals are exit 1 with the verifier's result name; bad input 2.
expect 0 "" hv keyring bundle --root "$T/root.hvroot" --keyring "$K" -o "$B"
expect 0 "trust block verified" hv keyring verify "$B" --root "$T/root.hvroot"
expect 1 "refused: bad_trust_block: trust block malformed or not from this device's roots" hv keyring verify "$B" --root "$T/root2.hvroot"
cat "$B" "$K" > "$T/trailing.hvtrust"
expect 1 "refused: bad_trust_block" hv keyring verify "$T/trailing.hvtrust" --root "$T/root.hvroot"
expect 2 "verify needs --root" hv keyring verify "$B"
expect 2 "--min-key-epoch 'x' is not a number" hv keyring verify "$B" --root "$T/root.hvroot" --min-key-epoch x
expect 2 "is a keyring document, expected a root" hv keyring verify "$B" --root "$K"

# attach: the signature must verify over the document before it is touched.
expect 0 "" hv keyring create "$T/desc/ring.yaml" -o "$T/att.hvkeyring"
cp "$T/att.hvkeyring" "$T/att.before"
expect 0 "bytes to be signed" hv keyring tbs "$T/att.hvkeyring" -o "$T/att.tbs"
printf 'x' >> "$T/att.tbs"
openssl dgst -sha256 -sign "$T/b.pem" -out "$T/att.badsig" "$T/att.tbs"
expect 2 "does not verify" hv keyring attach "$T/att.hvkeyring" --signature "$T/att.badsig" \
    --pubkey "$T/b.pub.pem" --root "$T/root.hvroot"
check "a refused attach leaves the keyring unchanged" cmp -s "$T/att.hvkeyring" "$T/att.before"
expect 2 "attach needs --signature and --pubkey" hv keyring attach "$T/att.hvkeyring" --pubkey "$T/b.pub.pem"
finish
