#!/bin/sh
# inspect shows an image's trust block and says it verifies nothing;
# verify --root verifies as a device provisioned with that root (trust
# area version 2): chain, keyring, floors, epochs and scope (issue 11,
# items 3 and 6). Refusals print the verifier's result name and offset.
. "$(dirname "$0")/lib.sh"
expect 0 "" build_b5 "$T/i.hvi"
D="--board acme-r750-mb2 --oem acme-servers --rollback 0"

# ---- inspect ----
expect 0 "trust block \(NOT verified\): [0-9]+ bytes at offset [0-9]+, 1 root document\(s\) and a keyring" \
    hv inspect "$T/i.hvi"
expect 0 "root version 1 at \+0: threshold 2 of 3 key\(s\)" hv inspect "$T/i.hvi"
expect 0 "keyring version 5 at \+[0-9]+: for root version 1, min_epoch 1, 3 key\(s\)" hv inspect "$T/i.hvi"
expect 0 "epoch 1, oems acme-servers, boards \(any\)" hv inspect "$T/i.hvi"
expect 0 "epoch 2, oems zenith-cloud, boards \(any\)" hv inspect "$T/i.hvi"
expect 0 "keyring key, epoch 2" hv inspect "$T/i.hvi"
expect 0 "keyring key, epoch 1" hv inspect "$T/i.hvi"
expect 0 "by [0-9a-f]{64}  \(a key of the newest root\)" hv inspect "$T/i.hvi"
# Fingerprints are SHA-256 of the canonical public key (the raw point).
fp=$(openssl pkey -pubin -in "$T/r1.pub.pem" -outform DER | tail -c 65 | openssl dgst -sha256 -r | cut -d' ' -f1)
expect 0 "fingerprint $fp" hv inspect "$T/i.hvi"
hv inspect --json "$T/i.hvi" > "$T/i.json"
check "inspect --json: the trust block's roots, keyring and image signers" python3 - "$T/i.json" "$fp" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
t = j["trust_block"]
assert t["verified"] is None, t
r = t["roots"][0]
assert (r["version"], r["threshold"], len(r["keys"]), len(r["signed_by"])) == (1, 2, 3, 2), r
assert sys.argv[2] in [k["fingerprint"] for k in r["keys"]]
k = t["keyring"]
assert (k["version"], k["root_version"], k["min_epoch"]) == (5, 1, 1), k
scopes = sorted((e["epoch"], e["oems"], e["boards"], e["algorithm"]) for e in k["keys"])
assert scopes == [(1, ["acme-servers"], [], "ecdsa-p384-sha384"),
                  (2, ["acme-servers"], [], "ecdsa-p384-sha384"),
                  (2, ["zenith-cloud"], [], "ecdsa-p384-sha384")], scopes
s = t["image_signers"]
assert sorted(x["epoch"] for x in s) == [1, 2] and all(x["in_keyring"] for x in s), s
PY
expect 0 "" hv build -q -m "$M" -p "$ACME" --key "$T/old.pem" -o "$T/plain.hvi"
expect 0 "trust block: none" hv inspect "$T/plain.hvi"
expect 0 '"trust_block":null' hv inspect --json "$T/plain.hvi"
# A malformed block (not signed over: inspect still refuses to show it as
# documents): exit 1 with its offset in the image.
at=$(( $(hv inspect --json "$T/i.hvi" | python3 -c 'import json,sys; print(json.load(sys.stdin)["trust_block"]["offset"])') ))
cp "$T/i.hvi" "$T/bad.hvi"
printf '\001' | dd of="$T/bad.hvi" bs=1 seek=$((at + 20)) conv=notrunc 2>/dev/null
expect 1 "trust block at byte offset $at: byte offset 0: not a well-formed root or keyring document" \
    hv inspect "$T/bad.hvi"

# ---- verify --root ----
expect 0 "roots: newest root version 1 \(1 root document\(s\) from version 1\), keyring version 5, keys of epoch 1 and up" \
    hv verify --root "$T/root1.hvroot" $D "$T/i.hvi"
expect 0 "signer [0-9a-f]{64} epoch 2" hv verify --root "$T/root1.hvroot" $D "$T/i.hvi"
expect 0 '"trust":\{"root_version":1,"root_documents":1,"keyring_version":5,"min_epoch":1,"signer_epochs":\[' \
    hv verify --json --root "$T/root1.hvroot" $D "$T/i.hvi"
expect 0 "verified" hv verify --root "$T/root1.hvroot" --min-root-version 1 \
    --min-keyring-version 5 --min-key-epoch 1 $D "$T/i.hvi"
expect 0 "verified" hv verify --root "$T/root1.hvroot" --profile "$ACME" \
    --board acme-r760-mb1 --rollback 0 "$T/i.hvi"
# The floors: each refusal with the verifier's name.
expect 1 "\(trust_rollback\)" hv verify --root "$T/root1.hvroot" --min-keyring-version 6 $D "$T/i.hvi"
expect 1 "\(trust_rollback\)" hv verify --root "$T/root1.hvroot" --min-root-version 2 $D "$T/i.hvi"
expect 1 "at byte offset [0-9]+: .*\(revoked_key\)" hv verify --root "$T/root1.hvroot" --min-key-epoch 2 $D "$T/i.hvi"
expect 1 '"result":"revoked_key"' hv verify --json --root "$T/root1.hvroot" --min-key-epoch 2 $D "$T/i.hvi"
# A device provisioned with another root refuses the same image.
mkb root "$T/other-root.hvroot" 1 1 2 "$T/s1.pub.pem,$T/s2.pub.pem" "$T/s1.pem"
expect 1 "\(bad_trust_block\)" hv verify --root "$T/other-root.hvroot" $D "$T/i.hvi"
# A root of the same keys with another threshold is another root too.
mkb root "$T/root1-t1.hvroot" 1 1 3 "$ROOTS" "$T/r1.pem"
expect 1 "rejected at byte offset [0-9]+" hv verify --root "$T/root1-t1.hvroot" $D "$T/i.hvi"
# No block at all.
expect 1 "\(no_trust_block\)" hv verify --root "$T/root1.hvroot" $D "$T/plain.hvi"
# A signer out of its scope on this board: signed after the build, which
# would have refused it.
mkb keyring "$T/ring-board.hvkeyring" 7 1 1 2 "$T/new.pub.pem:2:acme-servers:acme-r760-mb1" "$T/r1.pem" "$T/r2.pem"
cat "$T/root1.hvroot" "$T/ring-board.hvkeyring" > "$T/board.hvtrust"
expect 0 "" hv build -q -m "$M" -p "$ACME" --unsigned --trust-block "$T/board.hvtrust" -o "$T/scope.hvi"
expect 0 "" hv sign --key "$T/new.pem" "$T/scope.hvi"
expect 1 "\(key_scope\)" hv verify --root "$T/root1.hvroot" $D "$T/scope.hvi"
expect 0 "verified" hv verify --root "$T/root1.hvroot" --board acme-r760-mb1 --oem acme-servers --rollback 0 "$T/scope.hvi"
# extract shares verify's options: it writes only what the roots vouch for.
size=$(python3 -c "import json,sys; j=json.load(sys.stdin); print([s for s in j['metadata']['sections'] if s['name']=='core'][0]['unpacked_size'])" < "$T/i.json" 2>/dev/null)
expect 0 "core.bin \\(${size:-?} bytes\\)" hv extract --root "$T/root1.hvroot" $D -o "$T/x" "$T/i.hvi"
expect 1 "\(bad_trust_block\)" hv extract --root "$T/other-root.hvroot" $D -o "$T/y" "$T/i.hvi"
check "a refused extract writes nothing" test ! -e "$T/y"
# Usage.
expect 2 "--root and --key exclude each other" hv verify --root "$T/root1.hvroot" --key "$T/new.pub.pem" $D "$T/i.hvi"
expect 2 "--min-key-epoch needs --root" hv verify --key "$T/new.pub.pem" --min-key-epoch 1 $D "$T/i.hvi"
expect 2 "--min-root-version given twice" hv verify --root "$T/root1.hvroot" --min-root-version 1 --min-root-version 1 $D "$T/i.hvi"
expect 2 "--root given twice" hv verify --root "$T/root1.hvroot" --root "$T/root1.hvroot" $D "$T/i.hvi"
expect 2 "no trusted key: give --key PUB.pem or --root ROOT.hvroot" hv verify $D "$T/i.hvi"
expect 2 "nowhere.hvroot: cannot open the root" hv verify --root "$T/nowhere.hvroot" $D "$T/i.hvi"
expect 2 "ring5.hvkeyring: byte offset 0: a keyring, not a root document" hv verify --root "$T/ring5.hvkeyring" $D "$T/i.hvi"
expect 2 "b5.hvtrust: byte offset 0: not one well-formed root document" hv verify --root "$T/b5.hvtrust" $D "$T/i.hvi"
finish
