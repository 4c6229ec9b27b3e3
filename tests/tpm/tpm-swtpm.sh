#!/bin/sh
# hvimage tpm and hvimage update beside a software TPM (swtpm over TCP,
# docs/TPM.md): provision, read, a second provision with other attributes
# refused, a lower floor refused, update status showing the TPM floor, the
# stage's command code (tpm-cross) against the same TPM, and the attributes
# as tpm2-tools sees them.
. "$(dirname "$0")/../boot/lib.sh"
. "$(dirname "$0")/tpm-lib.sh"
: "${TPM_CROSS:?}"
NV=0x01800100

# fails_with CODE REGEX CMD...: CMD exits CODE and says REGEX on stderr.
fails_with() {
    code=$1 re=$2
    shift 2
    checks=$((checks + 1))
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" -ne "$code" ] || ! grep -Eq -- "$re" "$T/err"; then
        echo "FAIL: '$*' exited $got (wanted $code): $(cat "$T/err")"
        fails=$((fails + 1))
    fi
}

swtpm_tcp "$T/tpm"
fails_with 1 "no NV index 0x01800100 \(provision it" hv tpm read --tcti "$TCTI"
fails_with 2 "no TPM: give --tcti" env -u HV_TPM_TCTI "$HVIMAGE" tpm read
fails_with 2 "owner range" hv tpm read --tcti "$TCTI" --nv-index 0x01000000
# The four counters (floor, key epoch, keyring version, root version) at
# H + 0..3, each with the floor's attributes.
expect_eq "provision" "$(hv tpm provision --tcti "$TCTI" --floor 2 --keyring-version 5)" \
    "NV index 0x01800100 defined; floor 2
NV index 0x01800101 defined; key epoch 0
NV index 0x01800102 defined; keyring version 5
NV index 0x01800103 defined; root version 0"
expect_eq "read" "$(HV_TPM_TCTI=$TCTI hv tpm read)" "NV index 0x01800100: floor 2
NV index 0x01800101: key epoch 0
NV index 0x01800102: keyring version 5
NV index 0x01800103: root version 0"
# Again: kept, raised, never lowered, each on its own.
expect_eq "provision again" "$(hv tpm provision --tcti "$TCTI" --floor 3 --key-epoch 2 --root-version 1)" \
    "NV index 0x01800100 already provisioned; floor 3
NV index 0x01800101 already provisioned; key epoch 2
NV index 0x01800102 already provisioned; keyring version 5
NV index 0x01800103 already provisioned; root version 1"
fails_with 1 "the floor never goes down" hv tpm provision --tcti "$TCTI" --floor 1
fails_with 1 "the keyring version never goes down: the value asked is below index 0x01800102's \(5\)" \
    hv tpm provision --tcti "$TCTI" --keyring-version 4
fails_with 1 "the key epoch never goes down" hv tpm provision --tcti "$TCTI" --key-epoch 1
fails_with 1 "the root version never goes down" hv tpm provision --tcti "$TCTI" --root-version 0
expect_eq "read --json" "$(hv tpm read --tcti "$TCTI" --json)" \
    '{"nv_index": 25166080, "floor": 3, "key_epoch": 2, "keyring_version": 5, "root_version": 1}'
fails_with 2 "the 4 indices from it must be in the owner range" \
    hv tpm provision --tcti "$TCTI" --nv-index 0x01BFFFFE
fails_with 2 "--keyring-version with --floor-only" \
    hv tpm provision --tcti "$TCTI" --floor-only --keyring-version 1
fails_with 2 "--key-epoch is for provision only" hv tpm read --tcti "$TCTI" --key-epoch 1
# A version 1 device's TPM: the floor alone; read says the rest are absent.
expect_eq "provision --floor-only" "$(hv tpm provision --tcti "$TCTI" --nv-index 0x01800300 --floor-only --floor 7)" \
    "NV index 0x01800300 defined; floor 7"
expect_eq "read floor only" "$(hv tpm read --tcti "$TCTI" --nv-index 0x01800300 --json)" \
    '{"nv_index": 25166592, "floor": 7, "key_epoch": null, "keyring_version": null, "root_version": null}'
expect_eq "read floor only (text)" "$(hv tpm read --tcti "$TCTI" --nv-index 0x01800300 | sed -n 2p)" \
    "NV index 0x01800301: key epoch absent"
# tpm2-tools sees the attributes the stage requires.
if command -v tpm2_nvreadpublic >/dev/null 2>&1; then
    tpm2_nvreadpublic -T "$TCTI" "$NV" >"$T/pub.txt" 2>&1
    expect_log "$T/pub.txt" "friendly: authwrite\|writeall\|write_stclear\|authread\|no_da\|written$"
    expect_log "$T/pub.txt" "value: 0x22045004$"
    # An index with other attributes: provision refuses to touch it.
    tpm2_nvdefine -T "$TCTI" 0x01800200 -s 8 \
        -a "ownerwrite|authwrite|authread|writeall|write_stclear|no_da" >/dev/null ||
        die "tpm2_nvdefine"
    fails_with 1 "NV index 0x01800200 exists with attributes 0x02045006 and 8 bytes: .*not redefining it" \
        hv tpm provision --tcti "$TCTI" --nv-index 0x01800200
    fails_with 1 "NV index 0x01800200 \(attributes 0x02045006, 8 bytes\)" \
        hv tpm read --tcti "$TCTI" --nv-index 0x01800200
    # The same index as a roots device's key epoch (floor at 0x018001FF):
    # provision and read refuse it after the floor.
    fails_with 1 "NV index 0x01800200 exists with attributes 0x02045006" \
        hv tpm provision --tcti "$TCTI" --nv-index 0x018001FF
    fails_with 1 "NV index 0x01800200 \(attributes 0x02045006, 8 bytes\)" \
        hv tpm read --tcti "$TCTI" --nv-index 0x018001FF
    tpm2_nvdefine -T "$TCTI" 0x01800201 -s 4 \
        -a "authwrite|authread|writeall|write_stclear|no_da" >/dev/null || die "nvdefine"
    fails_with 1 "not 8 bytes" hv tpm provision --tcti "$TCTI" --nv-index 0x01800201
else
    echo "FAIL: tpm2-tools not found (apt-get install tpm2-tools)"
    fails=$((fails + 1))
fi

# update status of a device whose floor is in the TPM.
key dev
image "$T/ex.hvi" dev
sed -e "s#keys/#$T/keys/#g" "$PROFILE" >"$T/tpm-profile.yaml"
printf 'counter:\n  kind: tpm\n  nv_index: %s\n' "$NV" >>"$T/tpm-profile.yaml"
PROFILE=$T/tpm-profile.yaml
flash "$T/f.bin" --key "$T/dev.pub.pem" --slot-a "$T/ex.hvi" --rollback 1
hv update --flash "$T/f.bin" --tpm "$TCTI" status >"$T/status.txt" ||
    die "update status"
expect_log "$T/status.txt" "^floor 3 \(trust area 1, TPM NV index 0x01800100 3\)$"
HV_TPM_TCTI=$TCTI hv update --flash "$T/f.bin" status --json >"$T/status.json" ||
    die "update status --json"
expect_eq "json floor" "$(json "$T/status.json" '(j["floor"], j["counter_kind"], j["tpm_nv_index"])')" \
    "(3, 'tpm', 25166080)"
# Without the TPM: refused, never the trust area's floor alone.
for sub in status activate rollback "install $T/ex.hvi"; do
    # shellcheck disable=SC2086
    fails_with 2 "keeps its security floor in TPM NV index 0x01800100: give the TPM with --tpm" \
        env -u HV_TPM_TCTI "$HVIMAGE" update --flash "$T/f.bin" $sub
done
# A lab device given --tpm: a usage error.
PROFILE=$SRC/oem-profiles/acme-servers.yaml
flash "$T/lab.bin" --key "$T/dev.pub.pem" --slot-a "$T/ex.hvi"
fails_with 2 "keeps its floor in flash \(counter kind lab\)" \
    hv update --flash "$T/lab.bin" --tpm "$TCTI" status

# The stage's own command code against the same TPM, then ESAPI reads
# what it wrote (4); the write lock holds until this swtpm is restarted.
checks=$((checks + 1))
if ! "$TPM_CROSS" "$TCTI" "$NV" 3 2 5 1 >"$T/cross.txt" 2>&1; then
    echo "FAIL: tpm-cross"; cat "$T/cross.txt"; fails=$((fails + 1))
fi
cat "$T/cross.txt" | tail -2
expect_eq "read after tpm-cross" "$(hv tpm read --tcti "$TCTI" --json)" \
    '{"nv_index": 25166080, "floor": 4, "key_epoch": 3, "keyring_version": 6, "root_version": 2}'
fails_with 3 "TPM_RC_NV_LOCKED|NV_LOCKED|locked" hv tpm provision --tcti "$TCTI" --floor 9
for opt in --key-epoch --keyring-version --root-version; do
    fails_with 3 "TPM_RC_NV_LOCKED|NV_LOCKED|locked" hv tpm provision --tcti "$TCTI" $opt 9
done
swtpm_stop
expect_eq "floor after a TPM reset" "$(tpm_floor "$T/tpm")" 4
finish
