#!/bin/sh
# Root rotation v1 -> v2 (docs/KEYS.md): root 2 counts only with a
# threshold of root 1's keys AND a threshold of its own. Only the old keys,
# only the new keys: refused; both: accepted. Signing tools refuse keys
# that are in neither root, and a --previous that is not the root below.
. "$SRC/tests/cli/lib.sh"
A=ecdsa-p384-sha384
for k in a b c d e f img; do
    expect 0 "" hv keygen --alg "$A" -o "$T/$k.pem"
done
# Root 1: a b c, 2 needed. Root 2: c d e, 2 needed (c is in both).
expect 0 "" hv root create --version 1 --threshold 2 --key "$T/a.pub.pem" \
    --key "$T/b.pub.pem" --key "$T/c.pub.pem" -o "$T/root-1.hvroot"
expect 0 "" hv root sign "$T/root-1.hvroot" --key "$T/a.pem" --key "$T/b.pem"
expect 0 "root version 2, 2 of 3 keys, 5 signature slots" \
    hv root create --version 2 --threshold 2 --key "$T/c.pub.pem" \
    --key "$T/d.pub.pem" --key "$T/e.pub.pem" --slots 5 -o "$T/root-2.hvroot"
cp "$T/root-2.hvroot" "$T/root-2-unsigned.hvroot"
cat > "$T/ring.yaml" <<EOT
version: 7
root_version: 2
min_epoch: 1
slots: 2
keys:
  - {key: img.pub.pem, epoch: 1, oems: [acme-servers]}
EOT
expect 0 "" hv keyring create "$T/ring.yaml" -o "$T/ring.hvkeyring"
expect 0 "" hv keyring sign "$T/ring.hvkeyring" --root "$T/root-2.hvroot" --key "$T/d.pem" --key "$T/e.pem"

bundle() { # NAME: root-1, NAME's root 2, the keyring
    cat "$T/root-1.hvroot" "$T/$1.hvroot" "$T/ring.hvkeyring" > "$T/$1.hvtrust"
}
# Only the old root's keys.
cp "$T/root-2-unsigned.hvroot" "$T/old.hvroot"
expect 0 "" hv root sign "$T/old.hvroot" --previous "$T/root-1.hvroot" --key "$T/a.pem" --key "$T/b.pem"
bundle old
expect 1 "refused: root_signature" hv keyring verify "$T/old.hvtrust" --root "$T/root-1.hvroot"
# Only the new root's keys.
cp "$T/root-2-unsigned.hvroot" "$T/new.hvroot"
expect 0 "" hv root sign "$T/new.hvroot" --key "$T/d.pem" --key "$T/e.pem"
bundle new
expect 1 "refused: root_signature" hv keyring verify "$T/new.hvtrust" --root "$T/root-1.hvroot"
# One old key and one new: half of each threshold.
cp "$T/root-2-unsigned.hvroot" "$T/half.hvroot"
expect 0 "" hv root sign "$T/half.hvroot" --previous "$T/root-1.hvroot" --key "$T/a.pem" --key "$T/d.pem"
bundle half
expect 1 "refused: root_signature" hv keyring verify "$T/half.hvtrust" --root "$T/root-1.hvroot"
# Both thresholds: accepted; the device then runs on root 2.
cp "$T/root-2-unsigned.hvroot" "$T/both.hvroot"
expect 0 "4 of 5 slots used" hv root sign "$T/both.hvroot" --previous "$T/root-1.hvroot" \
    --key "$T/a.pem" --key "$T/b.pem" --key "$T/d.pem" --key "$T/e.pem"
bundle both
expect 0 "2 roots up to version 2, keyring version 7" hv keyring verify "$T/both.hvtrust" --root "$T/root-1.hvroot"
# c is in both roots: its one signature may count toward both thresholds.
cp "$T/root-2-unsigned.hvroot" "$T/shared.hvroot"
expect 0 "3 of 5 slots used" hv root sign "$T/shared.hvroot" --previous "$T/root-1.hvroot" \
    --key "$T/a.pem" --key "$T/c.pem" --key "$T/d.pem"
bundle shared
expect 0 "trust block verified" hv keyring verify "$T/shared.hvtrust" --root "$T/root-1.hvroot"
# The bundle command builds the same bytes, checking the order.
expect 0 "roots 1..2, keyring 7" hv keyring bundle --root "$T/root-1.hvroot" \
    --root "$T/both.hvroot" --keyring "$T/ring.hvkeyring" -o "$T/b.hvtrust"
check "bundle = cat root-1 root-2 keyring" cmp -s "$T/b.hvtrust" "$T/both.hvtrust"
# A device whose root counter already says 2 still takes the chain; one
# that says 3 refuses it as a rollback.
expect 0 "trust block verified" hv keyring verify "$T/both.hvtrust" --root "$T/root-1.hvroot" --min-root-version 2
expect 1 "refused: trust_rollback" hv keyring verify "$T/both.hvtrust" --root "$T/root-1.hvroot" --min-root-version 3
# A device provisioned with root 2 takes root 2 signed by its own keys and
# the keyring, and also the chain that starts at root 1: one bundle serves
# the whole fleet (root 1 is carried for older devices; root 2's own
# threshold vouches for it here). Root 2 co-signed by root 1 without root 1
# before it names keys the block does not hold: refused.
cat "$T/new.hvroot" "$T/ring.hvkeyring" > "$T/r2only.hvtrust"
expect 0 "1 root up to version 2" hv keyring verify "$T/r2only.hvtrust" --root "$T/new.hvroot"
expect 0 "2 roots up to version 2" hv keyring verify "$T/both.hvtrust" --root "$T/new.hvroot"
cat "$T/both.hvroot" "$T/ring.hvkeyring" > "$T/r2cosigned.hvtrust"
expect 1 "refused: root_signature" hv keyring verify "$T/r2cosigned.hvtrust" --root "$T/new.hvroot"

# Signing refusals, each leaving the file as it was.
cp "$T/root-2-unsigned.hvroot" "$T/r.hvroot"
expect 2 "f.pem: key [0-9a-f]{64} is not a key of root 2 or of the --previous root; it may not sign it" \
    hv root sign "$T/r.hvroot" --previous "$T/root-1.hvroot" --key "$T/d.pem" --key "$T/f.pem"
check "a refused root sign leaves the file unchanged" cmp -s "$T/r.hvroot" "$T/root-2-unsigned.hvroot"
expect 2 "a.pem: key [0-9a-f]{64} is not a key of root 2; it may not sign it" \
    hv root sign "$T/r.hvroot" --key "$T/a.pem"
expect 2 "--previous must be root version 1 \\(the one below this root\\), not root version 2" \
    hv root sign "$T/r.hvroot" --previous "$T/both.hvroot" --key "$T/a.pem"
expect 2 "--root is for keyrings" hv root sign "$T/r.hvroot" --root "$T/root-1.hvroot" --key "$T/d.pem"
expect 2 "already signed by key" hv root sign "$T/both.hvroot" --key "$T/d.pem"
expect 2 "is a keyring document, expected a root" hv root sign "$T/ring.hvkeyring" --key "$T/d.pem"
check "refusals left the root unchanged" cmp -s "$T/r.hvroot" "$T/root-2-unsigned.hvroot"
# A keyring is signed by the root it names, with that root's keys only.
expect 0 "" hv keyring create "$T/ring.yaml" -o "$T/k.hvkeyring"
cp "$T/k.hvkeyring" "$T/k.before"
expect 2 "the keyring names root version 2; --root is root version 1" \
    hv keyring sign "$T/k.hvkeyring" --root "$T/root-1.hvroot" --key "$T/a.pem"
expect 2 "--root ROOT.hvroot is required" hv keyring sign "$T/k.hvkeyring" --key "$T/d.pem"
expect 2 "a.pem: key [0-9a-f]{64} is not a key of root 2; it may not sign the keyring" \
    hv keyring sign "$T/k.hvkeyring" --root "$T/both.hvroot" --key "$T/a.pem"
expect 2 "--previous is for roots" hv keyring sign "$T/k.hvkeyring" --previous "$T/root-1.hvroot" --key "$T/d.pem"
check "refusals left the keyring unchanged" cmp -s "$T/k.hvkeyring" "$T/k.before"
# A full document: slots fixed at create time.
expect 0 "" hv keyring sign "$T/k.hvkeyring" --root "$T/both.hvroot" --key "$T/c.pem" --key "$T/d.pem"
cp "$T/k.hvkeyring" "$T/k.before"
expect 2 "all 2 signature slots are used" hv keyring sign "$T/k.hvkeyring" --root "$T/both.hvroot" --key "$T/e.pem"
check "a full keyring is left unchanged" cmp -s "$T/k.hvkeyring" "$T/k.before"
finish
