#!/bin/sh
# hvimage build --trust-block and the profile's trust_block (issue 11,
# item 1): the bundle lands right after the signature block, its size in
# the signed header and its digest in the signed metadata, the sections
# after it; its structure and every signer's keyring membership, epoch
# and scope are checked before anything is written.
. "$(dirname "$0")/lib.sh"

expect 0 "trust block: [0-9]+ bytes, root version 1\.\.1, keyring version 5" \
    hv build -m "$M" -p "$ACME" --key "$T/old.pem" --key "$T/new.pem" \
    --trust-block "$T/b5.hvtrust" -o "$T/i.hvi"
size=$(stat -c %s "$T/b5.hvtrust")
check "header trust_size is the bundle's size" \
    test "$($FIELD "$T/i.hvi" HV_HDR_OFF_TRUST_SIZE 4)" = "$size"
meta=$($FIELD "$T/i.hvi" HV_HDR_OFF_METADATA_SIZE 4)
slots=$($FIELD "$T/i.hvi" HV_HDR_OFF_SIGNATURE_SLOTS 4)
at=$((64 + meta + slots * 552))
check "the block follows the signature block byte for byte" \
    sh -c "tail -c +$((at + 1)) '$T/i.hvi' | head -c $size | cmp -s - '$T/b5.hvtrust'"
digest=$(openssl dgst -sha384 -r "$T/b5.hvtrust" | cut -d' ' -f1)
check "metadata trust_digest is SHA-384 (the profile's digest) of the block" \
    test "$($FIELD "$T/i.hvi" "HV_HEADER_SIZE + HV_META_OFF_TRUST_DIGEST" hex:48)" = "$digest"
first=$($FIELD "$T/i.hvi" "HV_HEADER_SIZE + HV_META_FIXED_SIZE + HV_SEC_OFF_OFFSET" 8)
check "the first section starts after the block, aligned" \
    test "$first" -ge $((at + size)) -a $((first % 4096)) -eq 0
# A device that trusts image keys directly (trust area version 1) accepts
# it (the block's binding and structure are checked, FORMAT.md).
expect 0 "verified" hv verify --key "$T/old.pub.pem" --key "$T/new.pub.pem" --board acme-r750-mb2 \
    --oem acme-servers --rollback 0 "$T/i.hvi"
# Without a block: trust_size and trust_digest stay zero.
expect 0 "" hv build -q -m "$M" -p "$ACME" --key "$T/old.pem" -o "$T/plain.hvi"
check "no block: trust_size 0" test "$($FIELD "$T/plain.hvi" HV_HDR_OFF_TRUST_SIZE 4)" = 0
check "no block: trust_digest zero" test "$($FIELD "$T/plain.hvi" "HV_HEADER_SIZE + HV_META_OFF_TRUST_DIGEST" hex:48)" = \
    "$(printf '%096d' 0)"

# The profile's trust_block (relative to the profile's folder), and
# --trust-block overriding it.
mkb keyring "$T/ring6.hvkeyring" 6 1 1 2 "$OLD;$NEW" "$T/r1.pem" "$T/r3.pem"
cat "$T/root1.hvroot" "$T/ring6.hvkeyring" > "$T/b6.hvtrust"
acme_profile "$T/p5.yaml" "trust_block: b5.hvtrust"
expect 0 "keyring version 5" hv build -m "$M" -p "$T/p5.yaml" --key "$T/new.pem" -o "$T/p5.hvi"
expect 0 "keyring version 6" hv build -m "$M" -p "$T/p5.yaml" --key "$T/new.pem" \
    --trust-block "$T/b6.hvtrust" -o "$T/p6.hvi"
expect 2 "--trust-block given twice" hv build -m "$M" -p "$T/p5.yaml" --key "$T/new.pem" \
    --trust-block "$T/b6.hvtrust" --trust-block "$T/b5.hvtrust" -o "$T/twice.hvi"
acme_profile "$T/pmissing.yaml" "trust_block: nowhere.hvtrust"
expect 2 "pmissing.yaml:[0-9]+:[0-9]+: error: 'trust_block' refers to '.*nowhere.hvtrust', which cannot be read" \
    hv build -m "$M" -p "$T/pmissing.yaml" --key "$T/new.pem" -o "$T/missing.hvi"

# Reproducible with a block: the signed bytes of two builds (ECDSA
# signatures differ), and two unsigned builds whole.
expect 0 "" build_b5 "$T/r-a.hvi"
expect 0 "" hv tbs "$T/i.hvi" -o "$T/a.tbs"
expect 0 "" hv tbs "$T/r-a.hvi" -o "$T/b.tbs"
check "signed bytes identical with a trust block" cmp "$T/a.tbs" "$T/b.tbs"
expect 0 "" hv build -q -m "$M" -p "$T/p5.yaml" --unsigned -o "$T/u1.hvi" --threads 1
expect 0 "" hv build -q -m "$M" -p "$T/p5.yaml" --unsigned -o "$T/u2.hvi" --threads 2
check "unsigned builds with a trust block are byte-identical" cmp "$T/u1.hvi" "$T/u2.hvi"
# The detached flow and sign keep working with the block (content check
# includes its binding): sign the unsigned image, then it verifies.
expect 0 "" hv sign --key "$T/new.pem" "$T/u1.hvi" -o "$T/u1s.hvi"
expect 0 "verified" hv verify --key "$T/new.pub.pem" --board acme-r750-mb2 \
    --oem acme-servers --rollback 0 "$T/u1s.hvi"

# ---- Refusals: exit 2, the file and what is wrong, nothing written ----
refuse() { # PATTERN BUILD-ARGS...
    pattern=$1
    shift
    rm -f "$T/out.hvi"
    expect 2 "$pattern" hv build -m "$M" -p "$ACME" -o "$T/out.hvi" "$@"
    check "nothing written for: $pattern" test ! -e "$T/out.hvi"
}
# Signers the profile's devices would refuse.
refuse "b5.hvtrust: signing key [0-9a-f]{64} is not in the keyring \(version 5\).*\[untrusted_key\]" \
    --key "$T/stranger.pem" --trust-block "$T/b5.hvtrust"
refuse "b5.hvtrust: signing key [0-9a-f]{64} may not sign for OEM 'acme-servers' \(its OEMs: zenith-cloud\) \[key_scope\]" \
    --key "$T/new.pem" --key "$T/other.pem" --trust-block "$T/b5.hvtrust"
mkb keyring "$T/ring-board.hvkeyring" 7 1 1 2 "$T/new.pub.pem:2:acme-servers:acme-r750-mb2" "$T/r1.pem" "$T/r2.pem"
cat "$T/root1.hvroot" "$T/ring-board.hvkeyring" > "$T/board.hvtrust"
refuse "board.hvtrust: signing key [0-9a-f]{64} may not sign for board 'acme-r760-mb1'.*\[key_scope\]" \
    --key "$T/new.pem" --trust-block "$T/board.hvtrust"
mkb keyring "$T/ring-rev.hvkeyring" 8 1 2 2 "$OLD;$NEW" "$T/r1.pem" "$T/r2.pem"
cat "$T/root1.hvroot" "$T/ring-rev.hvkeyring" > "$T/rev.hvtrust"
refuse "rev.hvtrust: signing key [0-9a-f]{64} has epoch 1, below the keyring's min_epoch 2.*\[revoked_key\]" \
    --key "$T/new.pem" --key "$T/old.pem" --trust-block "$T/rev.hvtrust"
# Malformed bundles, by byte offset.
head -c $(($(stat -c %s "$T/b5.hvtrust") - 1)) "$T/b5.hvtrust" > "$T/short.hvtrust"
rsize=$(stat -c %s "$T/root1.hvroot")
refuse "short.hvtrust: byte offset $rsize: not a well-formed root or keyring document" \
    --key "$T/new.pem" --trust-block "$T/short.hvtrust"
refuse "ring5.hvkeyring: byte offset 0: a keyring before any root document" \
    --key "$T/new.pem" --trust-block "$T/ring5.hvkeyring"
refuse "root1.hvroot: byte offset $rsize: the block ends without a keyring document" \
    --key "$T/new.pem" --trust-block "$T/root1.hvroot"
cat "$T/b5.hvtrust" "$T/ring6.hvkeyring" > "$T/two.hvtrust"
refuse "two.hvtrust: byte offset $size: [0-9]+ bytes after the keyring; nothing may follow it" \
    --key "$T/new.pem" --trust-block "$T/two.hvtrust"
mkb root "$T/root3.hvroot" 3 2 2 "$ROOTS" "$T/r1.pem" "$T/r2.pem"
cat "$T/root1.hvroot" "$T/root3.hvroot" "$T/ring5.hvkeyring" > "$T/gap.hvtrust"
refuse "gap.hvtrust: byte offset $rsize: root version 3 follows root version 1" \
    --key "$T/new.pem" --trust-block "$T/gap.hvtrust"
mkb keyring "$T/ring-r2.hvkeyring" 5 2 1 2 "$OLD;$NEW" "$T/r2.pem" "$T/r3.pem"
cat "$T/root1.hvroot" "$T/ring-r2.hvkeyring" > "$T/r2.hvtrust"
refuse "r2.hvtrust: byte offset $rsize: the keyring names root version 2, the newest root of the block is 1" \
    --key "$T/new.pem" --trust-block "$T/r2.hvtrust"
# A flipped byte in a document's reserved field.
cp "$T/b5.hvtrust" "$T/flip.hvtrust"
printf '\001' | dd of="$T/flip.hvtrust" bs=1 seek=20 conv=notrunc 2>/dev/null
refuse "flip.hvtrust: byte offset 0: not a well-formed root or keyring document" \
    --key "$T/new.pem" --trust-block "$T/flip.hvtrust"
refuse "b5.hvtrust: a trust block needs format version 2" \
    --key "$T/new.pem" --trust-block "$T/b5.hvtrust" --format-version 1
refuse "nowhere.hvtrust: cannot open the trust block" \
    --key "$T/new.pem" --trust-block "$T/nowhere.hvtrust"
printf 'tiny' > "$T/tiny.hvtrust"
refuse "tiny.hvtrust: 4 bytes; a trust block has 64 to 65952" \
    --key "$T/new.pem" --trust-block "$T/tiny.hvtrust"
# The output may not be the bundle it reads.
cp "$T/b5.hvtrust" "$T/self.hvtrust"
expect 2 "" hv build -m "$M" -p "$ACME" --key "$T/new.pem" --trust-block "$T/self.hvtrust" -o "$T/self.hvtrust"
check "the bundle named as output is untouched" cmp "$T/self.hvtrust" "$T/b5.hvtrust"
# Nor the profile's trust_block (no command-line input the CLI can see).
cp "$T/b5.hvtrust" "$T/pself.hvtrust"
acme_profile "$T/pself.yaml" "trust_block: pself.hvtrust"
expect 2 "--output .*pself.hvtrust: is the trust block .*pself.hvtrust; refusing to overwrite an input" \
    hv build -m "$M" -p "$T/pself.yaml" --key "$T/new.pem" -o "$T/pself.hvtrust"
check "the profile's bundle named as output is untouched" cmp "$T/pself.hvtrust" "$T/b5.hvtrust"
finish
