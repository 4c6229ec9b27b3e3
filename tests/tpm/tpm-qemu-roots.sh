#!/bin/sh
# The counter set of a device that trusts roots (trust area version 2,
# docs/UPDATE.md "The counters", docs/TPM.md) under QEMU, before any image
# carries a trust block: the trust area of an assembled flash is rewritten
# to version 2 (one root fingerprint, root version 3, CRC recomputed), so
# the stage reads, prints and checks all four counters and then refuses the
# example image for having no trust block. hvimage update reads the same.
#   a  lab counters: the counter area split in four; the stage prints the
#      four (root version 3 from the trust area); update status and
#      --json show them; the example image is refused (no trust block)
#   b  TPM counters at counter_nv + 0..3 (floor 0, key epoch 2, keyring
#      version 5, root version 7): the stage checks all four indices and
#      prints them; update --tpm status shows the TPM's values
#   c  the TPM holds the floor's index only (provisioned for a version 1
#      device): the stage halts on the key epoch's index, verifying nothing
#   d  the key epoch's index with other attributes: the stage halts
# The write lock of all four before the hand-off needs a bootable image
# with a trust block (the end-to-end keyring test, issue 11 item 9).
. "$(dirname "$0")/../boot/lib.sh"
. "$(dirname "$0")/tpm-lib.sh"
NV=0x01800100
QEMU_TIMEOUT=20

# to_roots FLASH: rewrite the trust area as version 2 with one root key
# fingerprint (any 32 bytes: no image will chain to it), root version 3,
# root threshold 1, image threshold 1; the CRC recomputed.
to_roots() {
    $PY - "$1" "$region_boot_stage_offset" "$HV_STAGE_HDR_OFFSET" \
        "$HV_STAGE_OFF_TRUST_OFFSET" <<'PYEOF' || die "to_roots $1"
import hashlib, struct, sys, zlib
path, stage, hdr, toff_at = sys.argv[1], *map(int, sys.argv[2:])
f = bytearray(open(path, "rb").read())
t = stage + struct.unpack_from("<I", f, stage + hdr + toff_at)[0]
fixed, fp = 256, hashlib.sha256(b"hvimage test root key").digest()
size = fixed + len(fp)
struct.pack_into("<III", f, t + 8, 2, size, 1)   # version, size, key_count
struct.pack_into("<I", f, t + 20, 1)             # min_signatures
struct.pack_into("<QI", f, t + 184, 3, 1)        # root version, threshold
f[t + fixed:t + 8192] = fp + bytes(8192 - size)
crc = zlib.crc32(bytes(f[t:t + 252]) + b"\0" * 4 + bytes(f[t + fixed:t + size]))
struct.pack_into("<I", f, t + 252, crc)
open(path, "wb").write(f)
PYEOF
}

key dev
image "$T/a.hvi" dev

# a: lab counters.
flash "$T/lab.bin" --key "$T/dev.pub.pem" --slot-a "$T/a.hvi"
to_roots "$T/lab.bin"
QEMU_EXTRA=""
boot "$T/lab.bin" "$T/a.log"
refused "$T/a.log"
part=$(((region_boot_state_size - 2 * erase_block) / 4))
expect_log "$T/a.log" "^hvstage: device: board .*, root version 3: 1 of 1 root key\(s\) sign keyrings"
expect_log "$T/a.log" "lab counters in 4 parts of $part bytes at "
expect_log "$T/a.log" "^hvstage: counters \(lab\): security floor 0, root version 3, keyring version 0, key epoch 0$"
expect_log "$T/a.log" "^hvstage: slot A REFUSED: .*\[no_trust_block\]"
hv update --flash "$T/lab.bin" status >"$T/a.status" || die "update status"
expect_log "$T/a.status" "^counters: root version 3 \(trust area 3\), keyring version 0, key epoch 0$"
expect_log "$T/a.status" "^slot A: .*does not verify: .*no_trust_block"
# install (a version 2 image: streamed, its read-back on a second thread)
# verifies under the roots policy too: refused for want of a trust block,
# the flash unchanged.
cp "$T/lab.bin" "$T/lab-before.bin"
checks=$((checks + 1))
if hv update --flash "$T/lab.bin" install "$T/a.hvi" >"$T/inst.out" 2>&1 ||
    ! grep -q "no_trust_block" "$T/inst.out"; then
    echo "FAIL: install on a roots device: $(cat "$T/inst.out")"
    fails=$((fails + 1))
fi
checks=$((checks + 1))
cmp -s "$T/lab.bin" "$T/lab-before.bin" ||
    { echo "FAIL: a refused install changed the flash"; fails=$((fails + 1)); }
hv update --flash "$T/lab.bin" status --json >"$T/a.json" || die "status --json"
expect_eq "status counters" "$(json "$T/a.json" 'j["counters"]')" \
    "{'security_floor': 0, 'root_version': 3, 'keyring_version': 0, 'key_epoch': 0}"
# The same flash as version 1: the floor alone (null for the others).
flash "$T/v1.bin" --key "$T/dev.pub.pem" --slot-a "$T/a.hvi"
hv update --flash "$T/v1.bin" status --json >"$T/v1.json" || die "status v1"
expect_eq "status counters (version 1)" "$(json "$T/v1.json" 'j["counters"]')" \
    "{'security_floor': 0, 'root_version': None, 'keyring_version': None, 'key_epoch': None}"

# b: TPM counters.
sed -e "s#keys/#$T/keys/#g" "$PROFILE" >"$T/tpm-profile.yaml"
printf 'counter:\n  kind: tpm\n  nv_index: %s\n' "$NV" >>"$T/tpm-profile.yaml"
PROFILE=$T/tpm-profile.yaml
flash "$T/tpm.bin" --key "$T/dev.pub.pem" --slot-a "$T/a.hvi"
to_roots "$T/tpm.bin"
swtpm_tcp "$T/tpm-b"
hv tpm provision --tcti "$TCTI" --key-epoch 2 --keyring-version 5 \
    --root-version 7 >/dev/null || die "provision b"
hv update --flash "$T/tpm.bin" --tpm "$TCTI" status >"$T/b.status" ||
    die "update --tpm status"
swtpm_stop
expect_log "$T/b.status" "^counters: root version 7 \(trust area 3\), keyring version 5, key epoch 2$"
swtpm_qemu "$T/tpm-b"
boot "$T/tpm.bin" "$T/b.log"
swtpm_stop
refused "$T/b.log"
for idx in "security floor index 0x01800100" "key epoch index 0x01800101" \
    "keyring version index 0x01800102" "root version index 0x01800103"; do
    expect_log "$T/b.log" "^hvstage: TPM: $idx \(attributes 0x22045004\)$"
done
expect_log "$T/b.log" "^hvstage: counters \(TPM\): security floor 0, root version 7, keyring version 5, key epoch 2$"

# c: a TPM provisioned for a version 1 device (the floor's index alone).
swtpm_tcp "$T/tpm-c"
hv tpm provision --tcti "$TCTI" --floor-only >/dev/null || die "provision c"
swtpm_stop
swtpm_qemu "$T/tpm-c"
boot "$T/tpm.bin" "$T/c.log"
swtpm_stop
expect_status 67
expect_log "$T/c.log" "^hvstage: TPM: TPM2_NV_ReadPublic of index 0x01800101: response code 0x18b"
expect_log "$T/c.log" "^hvstage: halted: this device keeps its counters in a TPM and the TPM cannot be used"
refuse_log "$T/c.log" "verifying"
refuse_log "$T/c.log" "hvmonitor"

# d: the key epoch's index with other attributes (OWNERWRITE).
if command -v tpm2_nvdefine >/dev/null 2>&1; then
    swtpm_tcp "$T/tpm-d"
    hv tpm provision --tcti "$TCTI" --floor-only >/dev/null || die "provision d"
    tpm2_nvdefine -T "$TCTI" 0x01800101 -s 8 \
        -a "ownerwrite|authwrite|authread|writeall|write_stclear|no_da" >/dev/null ||
        die "tpm2_nvdefine"
    swtpm_stop
    swtpm_qemu "$T/tpm-d"
    boot "$T/tpm.bin" "$T/d.log"
    swtpm_stop
    expect_status 67
    expect_log "$T/d.log" "^hvstage: TPM: key epoch index 0x01800101 \(attributes 0x02045006, 8 bytes\): the index's attributes are not exactly"
    refuse_log "$T/d.log" "verifying"
else
    echo "FAIL: tpm2_nvdefine not found (apt-get install tpm2-tools)"
    fails=$((fails + 1))
fi
finish
