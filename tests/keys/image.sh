#!/bin/sh
# docs/KEYS.md's procedures end to end on the host, every document made by
# `hvimage root` and `hvimage keyring` (not by a test tool): build images
# carrying the bundles and verify them as devices provisioned with root 1
# would. Image-key rotation by co-signing, revocation by epoch, root
# rotation v1 -> v2 and the counters each refusal depends on.
. "$SRC/tests/cli/lib.sh"
M=$SRC/manifests/example.yaml
ACME=$SRC/oem-profiles/acme-servers.yaml
for k in ra rb rc rd re; do expect 0 "" hv keygen --alg ecdsa-p256-sha256 -o "$T/$k.pem"; done
for k in old new; do expect 0 "" hv keygen --alg ecdsa-p384-sha384 -o "$T/$k.pem"; done
V="--board acme-r750-mb2 --oem acme-servers --rollback 3"

# Roots and keyring version 1: the old and the new image key (rotation).
expect 0 "" hv root create --version 1 --threshold 2 --key "$T/ra.pub.pem" \
    --key "$T/rb.pub.pem" --key "$T/rc.pub.pem" -o "$T/root-1.hvroot"
expect 0 "" hv root sign "$T/root-1.hvroot" --key "$T/ra.pem" --key "$T/rc.pem"
ring() { # VERSION ROOT_VERSION MIN_EPOCH
    printf '%s\n' "version: $1" "root_version: $2" "min_epoch: $3" 'slots: 2' 'keys:' \
        '  - {key: old.pub.pem, epoch: 1, oems: [acme-servers]}' \
        '  - {key: new.pub.pem, epoch: 2, oems: [acme-servers], boards: [acme-r750-mb2, acme-r760-mb1]}' \
        > "$T/ring-$1.yaml"
    expect 0 "" hv keyring create "$T/ring-$1.yaml" -o "$T/ring-$1.hvkeyring"
}
ring 1 1 1
expect 0 "" hv keyring sign "$T/ring-1.hvkeyring" --root "$T/root-1.hvroot" --key "$T/rb.pem" --key "$T/rc.pem"
expect 0 "" hv keyring bundle --root "$T/root-1.hvroot" --keyring "$T/ring-1.hvkeyring" -o "$T/t1.hvtrust"
expect 0 "" hv build -q -m "$M" -p "$ACME" --key "$T/old.pem" --key "$T/new.pem" \
    --trust-block "$T/t1.hvtrust" -o "$T/both.hvi"
expect 0 "verified" hv verify --root "$T/root-1.hvroot" $V "$T/both.hvi"
expect 0 "" hv build -q -m "$M" -p "$ACME" --key "$T/old.pem" --trust-block "$T/t1.hvtrust" -o "$T/old1.hvi"
expect 0 "verified" hv verify --root "$T/root-1.hvroot" $V "$T/old1.hvi"

# Revocation: keyring 2 raises min_epoch to 2. The old key alone no longer
# builds under it; an image signed by it under keyring 1 boots no device
# whose key-epoch counter was raised to 2 by a confirmed keyring 2.
ring 2 1 2
expect 0 "" hv keyring sign "$T/ring-2.hvkeyring" --root "$T/root-1.hvroot" --key "$T/ra.pem" --key "$T/rb.pem"
expect 0 "" hv keyring bundle --root "$T/root-1.hvroot" --keyring "$T/ring-2.hvkeyring" -o "$T/t2.hvtrust"
expect 0 "min epoch 2 in force .*1 of 2 keys usable" hv keyring verify "$T/t2.hvtrust" --root "$T/root-1.hvroot"
expect 2 "revoked_key" hv build -q -m "$M" -p "$ACME" --key "$T/old.pem" --trust-block "$T/t2.hvtrust" -o "$T/old2.hvi"
check "no image for a revoked signer" test ! -e "$T/old2.hvi"
expect 1 "revoked_key" hv verify --root "$T/root-1.hvroot" --min-key-epoch 2 $V "$T/old1.hvi"
expect 1 "trust_rollback" hv verify --root "$T/root-1.hvroot" --min-keyring-version 2 $V "$T/old1.hvi"
expect 0 "" hv build -q -m "$M" -p "$ACME" --key "$T/new.pem" --trust-block "$T/t2.hvtrust" -o "$T/new2.hvi"
expect 0 "verified" hv verify --root "$T/root-1.hvroot" --min-key-epoch 2 --min-keyring-version 2 $V "$T/new2.hvi"

# Root rotation: root 2 (rc rd re), signed by 2 of root 1 and 2 of its own.
expect 0 "" hv root create --version 2 --threshold 2 --slots 4 --key "$T/rc.pub.pem" \
    --key "$T/rd.pub.pem" --key "$T/re.pub.pem" -o "$T/root-2.hvroot"
expect 0 "" hv root sign "$T/root-2.hvroot" --previous "$T/root-1.hvroot" \
    --key "$T/ra.pem" --key "$T/rb.pem" --key "$T/rd.pem" --key "$T/re.pem"
ring 3 2 2
expect 0 "" hv keyring sign "$T/ring-3.hvkeyring" --root "$T/root-2.hvroot" --key "$T/rd.pem" --key "$T/re.pem"
expect 0 "roots 1..2, keyring 3" hv keyring bundle --root "$T/root-1.hvroot" --root "$T/root-2.hvroot" \
    --keyring "$T/ring-3.hvkeyring" -o "$T/t3.hvtrust"
expect 0 "" hv build -q -m "$M" -p "$ACME" --key "$T/new.pem" --trust-block "$T/t3.hvtrust" -o "$T/new3.hvi"
expect 0 "verified" hv verify --root "$T/root-1.hvroot" --min-key-epoch 2 --min-keyring-version 2 $V "$T/new3.hvi"
# After confirming it, the device's root counter is 2: root-1 chains are over.
expect 1 "trust_rollback" hv verify --root "$T/root-1.hvroot" --min-root-version 2 $V "$T/new2.hvi"
expect 0 "verified" hv verify --root "$T/root-1.hvroot" --min-root-version 2 $V "$T/new3.hvi"
# A root 2 signed only by root 1's keys does not carry the chain.
expect 0 "" hv root create --version 2 --threshold 2 --slots 4 --key "$T/rc.pub.pem" \
    --key "$T/rd.pub.pem" --key "$T/re.pub.pem" -o "$T/root-2-old.hvroot"
expect 0 "" hv root sign "$T/root-2-old.hvroot" --previous "$T/root-1.hvroot" --key "$T/ra.pem" --key "$T/rb.pem"
cat "$T/root-1.hvroot" "$T/root-2-old.hvroot" "$T/ring-3.hvkeyring" > "$T/t3old.hvtrust"
expect 1 "refused: root_signatures" hv keyring verify "$T/t3old.hvtrust" --root "$T/root-1.hvroot"
finish
