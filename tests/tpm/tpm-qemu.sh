#!/bin/sh
# The security floor in a TPM under QEMU (docs/TPM.md): swtpm attached as a
# TIS TPM (-tpmdev emulator -device tpm-tis), provisioned beforehand with
# hvimage tpm provision through a TCP swtpm on the same state.
#   a  a device with counter kind tpm boots the example; the stage prints
#      the TPM floor and write-locks the index before the jump
#   b  a TPM floor (4) above the image's security version (3) stops it
#   c  a confirmed update with a higher min_security_version raises the
#      TPM floor at the next boot (read back after QEMU exits)
#   d  the monitor cannot change it: its TPM2_NV_Write (lower and higher)
#      gets TPM_RC_NV_LOCKED, and the floor is unchanged
#   e  no TPM attached: the stage halts before verifying anything
#   f  an index with other attributes (OWNERWRITE): the stage halts
#   g  trust areas with an unknown counter kind, a lab kind naming an index,
#      or an index outside the owner range: the stage and hvimage update
#      refuse them
. "$(dirname "$0")/../boot/lib.sh"
. "$(dirname "$0")/tpm-lib.sh"
: "${BSTOOL:?}"
NV=0x01800100
QEMU_TIMEOUT=20

key dev
image "$T/a.hvi" dev
# B: security version 5, min_security_version 4; its monitor tries to write
# the floor index.
sed -e 's/^  version: .*/  version: 1.4.3/' \
    -e 's/^  security_version: .*/  security_version: 5\n  min_security_version: 4/' \
    -e "s#path: example/#path: $SRC/manifests/example/#" "$MANIFEST" >"$T/b.yaml"
printf '  monitor.tpm_write: %s\n' "$NV" >>"$T/b.yaml"
image "$T/b.hvi" dev "$T/b.yaml"
# The profile with the floor in the TPM.
sed -e "s#keys/#$T/keys/#g" "$PROFILE" >"$T/tpm-profile.yaml"
printf 'counter:\n  kind: tpm\n  nv_index: %s\n' "$NV" >>"$T/tpm-profile.yaml"
PROFILE=$T/tpm-profile.yaml

flash "$T/a.bin" --key "$T/dev.pub.pem" --slot-a "$T/a.hvi"
expect_eq "assemble's counter kind" "$(json "$T/a.bin.json" 'j["counter"]["kind"]')" tpm

# a: floor 0 in the TPM, the example boots.
swtpm_tcp "$T/tpm-a"
hv tpm provision --tcti "$TCTI" --nv-index "$NV" >/dev/null || die "provision"
swtpm_stop
swtpm_qemu "$T/tpm-a"
start=$(date +%s%N)
boot "$T/a.bin" "$T/a.log"
end=$(date +%s%N)
swtpm_stop
echo "boot with TPM: $(((end - start) / 1000000)) ms"
expect_status 33
expect_log "$T/a.log" "^hvstage: TPM: TPM 2\.0 at 0xfed40000 \(already started by the firmware\)$"
expect_log "$T/a.log" "^hvstage: TPM: security floor index 0x01800100 \(attributes 0x22045004\)$"
# A trust area version 1 device opens, reads and locks the floor's index
# only (the key epoch, keyring and root indices are a roots device's).
refuse_log "$T/a.log" "key epoch index"
expect_log "$T/a.log" "^hvstage: counters \(TPM\): security floor 0$"
expect_log "$T/a.log" "^hvstage: TPM floor index 0x01800100: security floor 0 "
expect_log "$T/a.log" "^hvstage: TPM: counter index 0x01800100 write-locked until the next TPM reset"
expect_log "$T/a.log" "^hvmonitor: booted example-hv version 1\.4\.2 from slot A$"
grep -o "write-locked.*" "$T/a.log"

# b: the TPM floor above the image's security version.
swtpm_tcp "$T/tpm-b"
hv tpm provision --tcti "$TCTI" --nv-index "$NV" --floor 4 >/dev/null || die "provision 4"
swtpm_stop
swtpm_qemu "$T/tpm-b"
boot "$T/a.bin" "$T/b.log"
swtpm_stop
expect_log "$T/b.log" "^hvstage: TPM floor index 0x01800100: security floor 4 "
expect_log "$T/b.log" "^hvstage: slot A: security version 3 < rollback counter 4$"
refused "$T/b.log"

# c, d: B on trial confirms; the next boot raises the TPM floor to 4; both
# boots' monitors try to write the index and are refused.
flash "$T/c.bin" --key "$T/dev.pub.pem" --slot-a "$T/a.hvi" --slot-b "$T/b.hvi"
bs() { "$BSTOOL" "$1" "$region_boot_state_offset" "$region_boot_state_size" \
    "$erase_block" "$2" ${3:+"$3"} ${4:+"$4"}; }
bs "$T/c.bin" install-begin b || die "install-begin"
bs "$T/c.bin" activate b 2 || die "activate"
swtpm_tcp "$T/tpm-c"
hv tpm provision --tcti "$TCTI" --nv-index "$NV" >/dev/null || die "provision c"
swtpm_stop
for n in 1 2; do
    swtpm_qemu "$T/tpm-c"
    boot "$T/c.bin" "$T/c$n.log"
    swtpm_stop
    expect_status 33
    expect_log "$T/c$n.log" "^hvmonitor: booted example-hv version 1\.4\.3 from slot B$"
    expect_log "$T/c$n.log" "^hvmonitor: TPM2_NV_Write of 0 to the floor index: response code 0x148 TPM_RC_NV_LOCKED$"
    expect_log "$T/c$n.log" "^hvmonitor: TPM2_NV_Write of 1000 to the floor index: response code 0x148 TPM_RC_NV_LOCKED$"
done
expect_log "$T/c1.log" "^hvmonitor: health check passed; confirmed slot B$"
expect_log "$T/c1.log" "^hvmonitor: TPM floor index reads 0$"
refuse_log "$T/c1.log" "floor raised"
expect_log "$T/c2.log" "^hvstage: security floor raised from 0 to 4 \(slot B is confirmed\)$"
expect_log "$T/c2.log" "^hvmonitor: TPM floor index reads 4$"
expect_eq "TPM floor after the confirmed update" "$(tpm_floor "$T/tpm-c")" 4
# The lab counter in flash was not touched: the floor lives in the TPM.
expect_eq "boot state" "$(bs "$T/c.bin" status)" "active B A=unknown B=good counter 0 sequence 5"

# e: no TPM attached.
QEMU_EXTRA=""
boot "$T/a.bin" "$T/e.log"
expect_status 67
expect_log "$T/e.log" "^hvstage: TPM: no TPM answers at 0xfed40000 \(TIS locality 0\)$"
expect_log "$T/e.log" "^hvstage: halted: this device keeps its counters in a TPM and the TPM cannot be used; the monitor was not started$"
refuse_log "$T/e.log" "verifying"
refuse_log "$T/e.log" "jumping to"
refuse_log "$T/e.log" "hvmonitor"

# f: an index the owner can also write (defined with tpm2-tools).
if command -v tpm2_nvdefine >/dev/null 2>&1; then
    swtpm_tcp "$T/tpm-f"
    tpm2_nvdefine -T "$TCTI" "$NV" -s 8 \
        -a "ownerwrite|authwrite|authread|writeall|write_stclear|no_da" >/dev/null ||
        die "tpm2_nvdefine"
    swtpm_stop
    swtpm_qemu "$T/tpm-f"
    boot "$T/a.bin" "$T/f.log"
    swtpm_stop
    expect_status 67
    expect_log "$T/f.log" "^hvstage: TPM: security floor index 0x01800100 \(attributes 0x02045006, 8 bytes\): the index's attributes are not exactly"
    refuse_log "$T/f.log" "jumping to"
else
    echo "FAIL: tpm2_nvdefine not found (apt-get install tpm2-tools)"
    fails=$((fails + 1))
fi

# g: counter fields the stage must refuse (the CRC recomputed, so only the
# field is wrong).
# set_counter FLASH KIND NV: rewrite the trust area's counter fields.
set_counter() {
    $PY - "$1" "$2" "$3" "$region_boot_stage_offset" \
        "$HV_STAGE_HDR_OFFSET" "$HV_STAGE_OFF_TRUST_OFFSET" \
        "$HV_TRUST_OFF_SIZE" "$HV_TRUST_OFF_CRC32" "$HV_TRUST_OFF_COUNTER_KIND" \
        "$HV_TRUST_OFF_COUNTER_NV" <<'PYEOF' || die "set_counter"
import struct, sys, zlib
path, kind, nv, stage, hdr, toff_at, size_at, crc_at, kind_at, nv_at = sys.argv[1:]
kind, nv = int(kind, 0), int(nv, 0)
stage, hdr, toff_at, size_at, crc_at, kind_at, nv_at = map(int, (stage, hdr, toff_at, size_at, crc_at, kind_at, nv_at))
f = bytearray(open(path, "rb").read())
t = stage + struct.unpack_from("<I", f, stage + hdr + toff_at)[0]
size = struct.unpack_from("<I", f, t + size_at)[0]
struct.pack_into("<II", f, t + kind_at, kind, nv)
crc = zlib.crc32(bytes(f[t:t + crc_at]) + b"\0" * 4 + bytes(f[t + crc_at + 4:t + size]))
struct.pack_into("<I", f, t + crc_at, crc)
open(path, "wb").write(f)
PYEOF
}
flash "$T/g.bin" --key "$T/dev.pub.pem" --slot-a "$T/a.hvi"
n=0
for bad in "2 0x01800100" "0 0x01800100" "1 0x01C1F100" "1 0x017FFFFF"; do
    n=$((n + 1))
    cp "$T/g.bin" "$T/g$n.bin"
    # shellcheck disable=SC2086
    set_counter "$T/g$n.bin" $bad
    QEMU_EXTRA=""
    boot "$T/g$n.bin" "$T/g$n.log"
    expect_status 67
    expect_log "$T/g$n.log" "^hvstage: trust area: unknown counter kind, or an NV index outside the owner range$"
    refuse_log "$T/g$n.log" "jumping to"
    checks=$((checks + 1))
    if hv update --flash "$T/g$n.bin" status >/dev/null 2>"$T/g$n.err" ||
        ! grep -q "trust area: unknown counter kind, or an NV index outside the owner range" "$T/g$n.err"; then
        echo "FAIL: update status accepted counter fields '$bad': $(cat "$T/g$n.err")"
        fails=$((fails + 1))
    fi
done
# The same file with the right fields boots (so the patching is sound).
cp "$T/g.bin" "$T/g0.bin"
set_counter "$T/g0.bin" 0 0
boot "$T/g0.bin" "$T/g0.log"
expect_status 33
expect_log "$T/g0.log" "^hvmonitor: booted example-hv"
finish
