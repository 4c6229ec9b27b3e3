#!/bin/sh
# Keys rotate and are revoked in the field, end to end (issue 11, item 9;
# docs/KEYS.md): a device provisioned with root v1 (3 root keys, 2 needed)
# and its four counters in a TPM (swtpm attached to QEMU as a TIS TPM)
# boots images whose trust block the stage verifies itself.
#   a  an image co-signed by the old and the new image key (keyring 1,
#      both keys listed) boots; the stage names the keyring and both
#      signers
#   b  `hvimage update install` brings keyring 2 (min_epoch 2: the old
#      key revoked) in an image signed by the new key; it boots on trial,
#      the monitor confirms it, and only the next (confirmed) boot raises
#      the TPM's keyring version and key epoch; the running image's key is
#      never revoked before that
#   c  after that, an image signed only by the old key is refused by the
#      stage: with keyring 1 (keyring version below the TPM's), and with
#      keyring 2 (its key's epoch revoked); the updater refuses both too
#   d  a root rotation v1 -> v2 is accepted only with both thresholds: a
#      root 2 signed only by root 1's keys, or only by its own, is
#      refused; signed by both, the
#      image boots on trial, is confirmed, and the TPM's root version
#      becomes 2, after which a chain ending at root 1 is refused
#   d' a device provisioned with root 2 (lab counters) boots the same
#      image: one trust block serves the fleet across a rotation
#   e  a TPM floor above an image's security version stops it
#   g  the monitor's TPM2_NV_Write to each of the four indices, after the
#      stage's write lock, gets TPM_RC_NV_LOCKED and changes nothing
#   f  the instruction count of a boot with a keyring (QEMU -icount
#      shift=0: the stage's TSC counts instructions), next to the same
#      image on a device that trusts its key directly
. "$SRC/tests/boot/lib.sh"
. "$SRC/tests/tpm/tpm-lib.sh"
: "${BSTOOL:?}"
NV=0x01800100
QEMU_TIMEOUT=30
A=ecdsa-p384-sha384

for k in root-a root-b root-c root-d root-e img-old img-new; do
    hv keygen --alg "$A" -o "$T/$k.pem" >/dev/null || die "keygen $k"
done
# Root 1: a b c, 2 needed. Root 2: c d e, 2 needed.
hv root create --version 1 --threshold 2 --key "$T/root-a.pub.pem" \
    --key "$T/root-b.pub.pem" --key "$T/root-c.pub.pem" \
    -o "$T/root-1.hvroot" >/dev/null || die "root 1"
hv root sign "$T/root-1.hvroot" --key "$T/root-a.pem" --key "$T/root-b.pem" \
    >/dev/null || die "sign root 1"
# ring NAME VERSION ROOT MIN_EPOCH: a keyring listing both image keys
# (old epoch 1, new epoch 2) for acme-servers, signed by root ROOT.
ring() {
    cat >"$T/$1.yaml" <<EOT
version: $2
root_version: $3
min_epoch: $4
slots: 2
keys:
  - {key: img-old.pub.pem, epoch: 1, oems: [acme-servers]}
  - {key: img-new.pub.pem, epoch: 2, oems: [acme-servers]}
EOT
    hv keyring create "$T/$1.yaml" -o "$T/$1.hvkeyring" >/dev/null ||
        die "keyring $1"
    if [ "$3" = 1 ]; then
        hv keyring sign "$T/$1.hvkeyring" --root "$T/root-1.hvroot" \
            --key "$T/root-a.pem" --key "$T/root-c.pem" >/dev/null
    else
        hv keyring sign "$T/$1.hvkeyring" --root "$T/root-2.hvroot" \
            --key "$T/root-d.pem" --key "$T/root-e.pem" >/dev/null
    fi || die "sign keyring $1"
}
ring ring-1 1 1 1
ring ring-2 2 1 2
hv keyring bundle --root "$T/root-1.hvroot" --keyring "$T/ring-1.hvkeyring" \
    -o "$T/trust-1.hvtrust" >/dev/null || die "bundle 1"
hv keyring bundle --root "$T/root-1.hvroot" --keyring "$T/ring-2.hvkeyring" \
    -o "$T/trust-2.hvtrust" >/dev/null || die "bundle 2"

# The device: acme-servers' flash and image policy, roots instead of keys,
# the four counters in the TPM.
sed -e "s#keys/#$T/keys/#g" "$PROFILE" >"$T/roots.yaml"
cat >>"$T/roots.yaml" <<EOT
roots:
  version: 1
  threshold: 2
  keys: [$T/root-a.pub.pem, $T/root-b.pub.pem, $T/root-c.pub.pem]
  image_threshold: 1
counter:
  kind: tpm
  nv_index: $NV
EOT
PROFILE=$T/roots.yaml

# manifest OUT VERSION SECURITY_VERSION: the example at another version.
manifest() {
    sed -e "s/^  version: .*/  version: $2/" \
        -e "s/^  security_version: .*/  security_version: $3/" \
        -e "s#path: example/#path: $SRC/manifests/example/#" "$MANIFEST" >"$1"
}
# img OUT VERSION SV TRUST KEY...: build and sign with the keys given.
img() {
    out=$1 ver=$2 sv=$3 trust=$4
    shift 4
    manifest "$T/m-$ver.yaml" "$ver" "$sv"
    set -- $(for k in "$@"; do printf ' --key %s' "$T/$k.pem"; done)
    hv build --quiet -m "$T/m-$ver.yaml" -p "$PROFILE" --trust-block "$trust" \
        "$@" -o "$out" || die "build $out"
}
img "$T/a1.hvi" 1.5.1 3 "$T/trust-1.hvtrust" img-old img-new
img "$T/b2.hvi" 1.5.2 3 "$T/trust-2.hvtrust" img-new
img "$T/old1.hvi" 1.5.3 3 "$T/trust-1.hvtrust" img-old
# build refuses to sign with a key its keyring revokes; `hvimage sign`
# signs whatever it is given (a signing station holds no keyring), so the
# attacker's image: unsigned with keyring 2, then signed by the old key.
manifest "$T/m-old2.yaml" 1.5.4 3
hv build --quiet -m "$T/m-old2.yaml" -p "$PROFILE" --trust-block \
    "$T/trust-2.hvtrust" --unsigned -o "$T/old2.hvi" || die "build old2"
hv sign --key "$T/img-old.pem" "$T/old2.hvi" >/dev/null || die "sign old2"

# tpm_get DIR KEY: one counter of the TPM state DIR (hvimage tpm read).
tpm_get() {
    swtpm_tcp "$1"
    hv tpm read --tcti "$TCTI" --nv-index "$NV" --json >"$T/ctr.json" ||
        { swtpm_stop; echo "unreadable"; return; }
    swtpm_stop
    json "$T/ctr.json" "j['$2']"
}
# qboot NAME: boot $T/dev.bin with the TPM state $T/tpm.
qboot() {
    swtpm_qemu "$T/tpm"
    boot "$T/dev.bin" "$T/$1.log"
    swtpm_stop
}
# update ARGS...: hvimage update on the device with its TPM beside it.
update() {
    swtpm_tcp "$T/tpm"
    hv update --flash "$T/dev.bin" --tpm "$TCTI" "$@" >"$T/update.out" 2>&1
    rc=$?
    swtpm_stop
    return $rc
}
bs() { "$BSTOOL" "$T/dev.bin" "$region_boot_state_offset" \
    "$region_boot_state_size" "$erase_block" "$@"; }
# plant SLOT IMAGE: what an attacker with flash access can do: write IMAGE
# into SLOT behind the updater's back and make it the active trial slot.
plant() {
    off=$(eval echo "\$region_slot_$1_offset")
    size=$(eval echo "\$region_slot_$1_size")
    $PY - "$T/dev.bin" "$off" "$size" "$2" <<'PYEOF' || die "plant"
import sys
path, off, size, img = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
data = open(img, "rb").read()
f = open(path, "r+b"); f.seek(off); f.write(data + b"\xff" * (size - len(data)))
PYEOF
    bs activate "$1" 1 || die "activate $1"
}

# ---- a: co-signed by the old and the new key, keyring 1 ----
flash "$T/dev.bin" --slot-a "$T/a1.hvi"
swtpm_tcp "$T/tpm"
hv tpm provision --tcti "$TCTI" --nv-index "$NV" >/dev/null || die "provision"
swtpm_stop
qboot a
expect_status 33
expect_log "$T/a.log" "^hvstage: device: board acme-r750-mb2, oem acme-servers, rollback counter 0, root version 1: 2 of 3 root key\(s\) sign keyrings, 1 signature\(s\) from keyring keys required$"
expect_log "$T/a.log" "^hvstage: slot A: keyring version 1 \(root version 1, 1 root document\(s\)\), min epoch 1; signer\(s\): [0-9a-f]{16}\.\.\. epoch [12] [0-9a-f]{16}\.\.\. epoch [12]$"
expect_log "$T/a.log" "^hvmonitor: booted example-hv version 1\.5\.1 from slot A( \\(fallback\\))?$"

# ---- b: keyring 2 revokes the old key; raised only after confirm ----
update install --activate --tries 2 "$T/b2.hvi" ||
    { echo "FAIL: update install of keyring 2: $(cat "$T/update.out")"; fails=$((fails + 1)); }
checks=$((checks + 1))
qboot b1
expect_status 33
expect_log "$T/b1.log" "^hvstage: slot B: trial boot"
expect_log "$T/b1.log" "^hvstage: slot B: keyring version 2 \(root version 1, 1 root document\(s\)\), min epoch 2; signer\(s\): [0-9a-f]{16}\.\.\. epoch 2$"
expect_log "$T/b1.log" "^hvmonitor: health check passed; confirmed slot B$"
expect_eq "key epoch after the trial boot" "$(tpm_get "$T/tpm" key_epoch)" 0
expect_eq "keyring version after the trial boot" "$(tpm_get "$T/tpm" keyring_version)" 0
qboot b2
expect_status 33
expect_log "$T/b2.log" "^hvmonitor: booted example-hv version 1\.5\.2 from slot B( \\(fallback\\))?$"
expect_eq "key epoch after the confirmed boot" "$(tpm_get "$T/tpm" key_epoch)" 2
expect_eq "keyring version after the confirmed boot" "$(tpm_get "$T/tpm" keyring_version)" 2
# The TPM's root version stays 0: the device's root version is the larger
# of it and the trust area's (1), and no chain went beyond that yet.
expect_eq "root version after the confirmed boot" "$(tpm_get "$T/tpm" root_version)" 0
expect_log "$T/b2.log" "^hvstage: counters \(TPM\): security floor 0, root version 1, keyring version 0, key epoch 0$"
expect_log "$T/b2.log" "^hvstage: keyring version raised from 0 to 2 \(slot B is confirmed\)$"
expect_log "$T/b2.log" "^hvstage: key epoch raised from 0 to 2 \(slot B is confirmed\)$"
refuse_log "$T/b1.log" "raised"

# ---- c: the old key alone never boots again ----
plant a "$T/old1.hvi"
qboot c1
expect_status 33
expect_log "$T/c1.log" "^hvstage: slot A REFUSED: .*\[trust_rollback\]"
expect_log "$T/c1.log" "^hvstage: slot A: root version 1, keyring version 1; the device has confirmed root 1, keyring 2$"
expect_log "$T/c1.log" "^hvmonitor: booted example-hv version 1\.5\.2 from slot B( \\(fallback\\))?$"
plant a "$T/old2.hvi"
qboot c2
expect_status 33
expect_log "$T/c2.log" "^hvstage: slot A REFUSED: .*\[revoked_key\]"
expect_log "$T/c2.log" "^hvmonitor: booted example-hv version 1\.5\.2 from slot B( \\(fallback\\))?$"
for i in old1 old2; do
    checks=$((checks + 1))
    if update install "$T/$i.hvi"; then
        echo "FAIL: update install accepted $i"
        fails=$((fails + 1))
    fi
done
grep -q "revoked_key" "$T/update.out" ||
    { echo "FAIL: update's refusal of old2: $(cat "$T/update.out")"; fails=$((fails + 1)); }

# ---- d: root rotation v1 -> v2 needs both thresholds ----
hv root create --version 2 --threshold 2 --slots 4 --key "$T/root-c.pub.pem" \
    --key "$T/root-d.pub.pem" --key "$T/root-e.pub.pem" \
    -o "$T/root-2.hvroot" >/dev/null || die "root 2"
cp "$T/root-2.hvroot" "$T/root-2-old-only.hvroot"
hv root sign "$T/root-2-old-only.hvroot" --previous "$T/root-1.hvroot" \
    --key "$T/root-a.pem" --key "$T/root-b.pem" >/dev/null || die "sign root 2 (old)"
cp "$T/root-2.hvroot" "$T/root-2-new-only.hvroot"
hv root sign "$T/root-2-new-only.hvroot" --key "$T/root-d.pem" \
    --key "$T/root-e.pem" >/dev/null || die "sign root 2 (new)"
hv root sign "$T/root-2.hvroot" --previous "$T/root-1.hvroot" \
    --key "$T/root-a.pem" --key "$T/root-b.pem" --key "$T/root-d.pem" \
    --key "$T/root-e.pem" >/dev/null || die "sign root 2"
ring ring-3 3 2 2
cat "$T/root-1.hvroot" "$T/root-2.hvroot" "$T/ring-3.hvkeyring" >"$T/trust-3.hvtrust"
cat "$T/root-1.hvroot" "$T/root-2-old-only.hvroot" "$T/ring-3.hvkeyring" >"$T/trust-3-bad.hvtrust"
cat "$T/root-1.hvroot" "$T/root-2-new-only.hvroot" "$T/ring-3.hvkeyring" >"$T/trust-3-new.hvtrust"
img "$T/c3.hvi" 1.6.0 3 "$T/trust-3.hvtrust" img-new
# The builder checks only the structure and the signers' place in the
# keyring; the stage sees the missing threshold.
img "$T/c3bad.hvi" 1.6.1 3 "$T/trust-3-bad.hvtrust" img-new
img "$T/c3new.hvi" 1.6.2 3 "$T/trust-3-new.hvtrust" img-new
for bad in c3bad c3new; do
    plant a "$T/$bad.hvi"
    qboot "d1-$bad"
    expect_status 33
    expect_log "$T/d1-$bad.log" "^hvstage: slot A REFUSED: .*\[root_signatures\]"
    expect_log "$T/d1-$bad.log" "^hvstage: slot A: trust block document 1 \(0 is the device's own root\) refused$"
    expect_log "$T/d1-$bad.log" "^hvmonitor: booted example-hv version 1\.5\.2 from slot B( \(fallback\))?$"
done
plant a "$T/c3.hvi"
qboot d2
expect_status 33
expect_log "$T/d2.log" "^hvstage: slot A: keyring version 3 \(root version 2, 2 root document\(s\)\), min epoch 2; signer\(s\): [0-9a-f]{16}\.\.\. epoch 2$"
expect_log "$T/d2.log" "^hvmonitor: health check passed; confirmed slot A$"
expect_eq "root version after the trial boot" "$(tpm_get "$T/tpm" root_version)" 0
qboot d3
expect_status 33
expect_log "$T/d3.log" "^hvmonitor: booted example-hv version 1\.6\.0 from slot A( \\(fallback\\))?$"
expect_eq "root version after the confirmed boot" "$(tpm_get "$T/tpm" root_version)" 2
expect_log "$T/d3.log" "^hvstage: root version raised from 1 to 2 \(slot A is confirmed\)$"
refuse_log "$T/d2.log" "raised"
expect_eq "keyring version after the confirmed boot" "$(tpm_get "$T/tpm" keyring_version)" 3
# A chain ending at root 1 (keyring 2, the new key) is now a rollback.
plant b "$T/b2.hvi"
qboot d4
expect_status 33
expect_log "$T/d4.log" "^hvstage: slot B REFUSED: .*\[trust_rollback\]"
expect_log "$T/d4.log" "^hvmonitor: booted example-hv version 1\.6\.0 from slot A( \\(fallback\\))?$"

# ---- d': a device made after the rotation (provisioned with root 2)
# boots the same image: root 1 is carried for older devices only.
sed -e "s#keys/#$T/keys/#g" "$SRC/oem-profiles/acme-servers.yaml" >"$T/roots2.yaml"
cat >>"$T/roots2.yaml" <<EOT
roots:
  version: 2
  threshold: 2
  keys: [$T/root-c.pub.pem, $T/root-d.pub.pem, $T/root-e.pub.pem]
EOT
PROFILE=$T/roots2.yaml
flash "$T/dev2.bin" --slot-a "$T/c3.hvi"
PROFILE=$T/roots.yaml
QEMU_EXTRA=""
boot "$T/dev2.bin" "$T/d5.log"
expect_status 33
expect_log "$T/d5.log" "root version 2: 2 of 3 root key\(s\) sign keyrings"
expect_log "$T/d5.log" "^hvstage: slot A: keyring version 3 \(root version 2, 2 root document\(s\)\), min epoch 2; "
expect_log "$T/d5.log" "^hvmonitor: booted example-hv version 1\.6\.0 from slot A( \(fallback\))?$"

# ---- e: a TPM floor above the image's security version ----
flash "$T/dev.bin" --slot-a "$T/a1.hvi"
rm -rf "$T/tpm"
swtpm_tcp "$T/tpm"
hv tpm provision --tcti "$TCTI" --nv-index "$NV" --floor 4 >/dev/null || die "provision 4"
swtpm_stop
qboot e
expect_status 65
expect_log "$T/e.log" "^hvstage: slot A: security version 3 < rollback counter 4$"
refuse_log "$T/e.log" "hvmonitor"

# ---- g: nothing started after the stage can change a counter ----
# The monitor's monitor.tpm_write tries TPM2_NV_Write of 0 and of 1000 to
# one index (its messages call any index "the floor index"); the stage
# write-locked all four before the jump. (The TPM of e: floor 4, so these
# images have security version 5; they are never confirmed.)
for i in 0 1 2 3; do
    idx=$(printf '0x%08x' $((NV + i)))
    manifest "$T/m-w$i.yaml" "1.7.$i" 5
    printf '  monitor.tpm_write: %s\n' "$idx" >>"$T/m-w$i.yaml"
    hv build --quiet -m "$T/m-w$i.yaml" -p "$PROFILE" --trust-block \
        "$T/trust-1.hvtrust" --key "$T/img-new.pem" -o "$T/w$i.hvi" ||
        die "build w$i"
    flash "$T/dev.bin" --slot-a "$T/w$i.hvi"
    qboot "g$i"
    expect_status 33
    expect_log "$T/g$i.log" "^hvstage: TPM: counter indices 0x01800100-0x01800103 write-locked until the next TPM reset"
    expect_log "$T/g$i.log" "^hvmonitor: TPM2_NV_Write of 0 to the floor index: response code 0x148 TPM_RC_NV_LOCKED$"
    expect_log "$T/g$i.log" "^hvmonitor: TPM2_NV_Write of 1000 to the floor index: response code 0x148 TPM_RC_NV_LOCKED$"
done
expect_eq "floor after the monitors' writes" "$(tpm_get "$T/tpm" floor)" 4
expect_eq "key epoch after the monitors' writes" "$(tpm_get "$T/tpm" key_epoch)" 0
expect_eq "keyring version after the monitors' writes" "$(tpm_get "$T/tpm" keyring_version)" 0
expect_eq "root version after the monitors' writes" "$(tpm_get "$T/tpm" root_version)" 0

# ---- f: instructions, stage entry to hand-off ----
rm -rf "$T/tpm"
swtpm_tcp "$T/tpm"
hv tpm provision --tcti "$TCTI" --nv-index "$NV" >/dev/null || die "provision f"
swtpm_stop
swtpm_qemu "$T/tpm"
QEMU_EXTRA="$QEMU_EXTRA -icount shift=0"
boot "$T/dev.bin" "$T/f.log"
swtpm_stop
expect_status 33
roots_insns=$(sed -n 's/^hvstage: stage entry to hand-off: \([0-9]*\) TSC cycles.*/\1/p' "$T/f.log")
roots_verify=$(sed -n 's/^hvstage: timing (TSC cycles): hv_verify \([0-9]*\) .*/\1/p' "$T/f.log")
# The same image on a device that trusts the two image keys directly.
cp "$SRC/oem-profiles/acme-servers.yaml" "$T/keys.yaml"
sed -i -e "s#keys/#$T/keys/#g" "$T/keys.yaml"
PROFILE=$T/keys.yaml
flash "$T/keys.bin" --key "$T/img-old.pub.pem" --key "$T/img-new.pub.pem" --slot-a "$T/a1.hvi"
QEMU_EXTRA="-icount shift=0"
boot "$T/keys.bin" "$T/f2.log"
expect_status 33
keys_insns=$(sed -n 's/^hvstage: stage entry to hand-off: \([0-9]*\) TSC cycles.*/\1/p' "$T/f2.log")
keys_verify=$(sed -n 's/^hvstage: timing (TSC cycles): hv_verify \([0-9]*\) .*/\1/p' "$T/f2.log")
echo "instructions (QEMU -icount shift=0), stage entry to hand-off: roots + keyring + TPM $roots_insns (hv_verify $roots_verify), keys in the trust area + lab counter $keys_insns (hv_verify $keys_verify)"
checks=$((checks + 1))
[ -n "$roots_insns" ] && [ -n "$keys_insns" ] ||
    { echo "FAIL: no instruction figures"; fails=$((fails + 1)); }
finish
