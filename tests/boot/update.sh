#!/bin/sh
# hvimage update over a flash file (docs/UPDATE.md "hvimage update"): the
# device's trust comes from the flash's own stage; every bad input is
# refused with its exit code and message and leaves the flash file byte for
# byte as it was; a good update installs into the inactive slot, boots on
# trial under QEMU, the monitor confirms it, the next boot raises the floor,
# and the older slot can then no longer be rolled back to.
. "$(dirname "$0")/lib.sh"
: "${BSTOOL:?}"
key dev
key other
image "$T/a.hvi" dev                       # 1.4.2, security version 3
# B: security version 5, allowing a rollback down to 4 (as trial.sh).
sed -e 's/^  version: .*/  version: 1.4.3/' \
    -e 's/^  security_version: .*/  security_version: 5\n  min_security_version: 4/' \
    -e "s#path: example/#path: $SRC/manifests/example/#" "$MANIFEST" >"$T/b.yaml"
image "$T/b.hvi" dev "$T/b.yaml"
flash "$T/f.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/a.hvi"
cp "$T/f.bin" "$T/factory.bin"

up() { hv update --flash "$@"; }

bs() { "$BSTOOL" "$1" "$region_boot_state_offset" "$region_boot_state_size" \
    "$erase_block" status; }

# expect_out FILE REGEX: FILE (a command's output) must match REGEX.
expect_out() {
    checks=$((checks + 1))
    if ! grep -Eq -- "$2" "$1"; then
        echo "FAIL: output does not match /$2/:"
        cat "$1"
        fails=$((fails + 1))
    fi
}

# expect_rc WANT GOT WHAT
expect_rc() {
    checks=$((checks + 1))
    if [ "$2" -ne "$1" ]; then
        echo "FAIL: $3: exit $2, wanted $1"
        cat "$T/out" "$T/err"
        fails=$((fails + 1))
    fi
}

# refused_unchanged FLASH WANT_EXIT REGEX ARGS...: `update --flash FLASH
# ARGS` exits WANT_EXIT with a message matching REGEX, and FLASH is
# unchanged, byte for byte (its boot state above all).
refused_unchanged() {
    fl=$1 want=$2 msg=$3
    shift 3
    cp "$fl" "$T/before.bin"
    up "$fl" "$@" >"$T/out" 2>"$T/err"
    expect_rc "$want" $? "update $*"
    expect_out "$T/err" "$msg"
    checks=$((checks + 1))
    if ! cmp -s "$fl" "$T/before.bin"; then
        echo "FAIL: update $* changed the flash file"
        cmp "$fl" "$T/before.bin" | head -3
        fails=$((fails + 1))
    fi
}

# ---- status of a factory flash -------------------------------------------
up "$T/f.bin" status >"$T/out" 2>"$T/err"
expect_rc 0 $? "status"
expect_out "$T/out" "^flash .*: board $BOARD, OEM acme-servers, [0-9]+ bytes, erase block $erase_block$"
expect_out "$T/out" "^floor 3 \(trust area 3, counter 0\)$"
expect_out "$T/out" "^active slot A \(boot state v2, sequence 1\)$"
expect_out "$T/out" "^slot A: unknown, example-hv 1\.4\.2, security version 3 \(min 3\), verifies on this device$"
expect_out "$T/out" "^slot B: unknown, erased$"
expect_out "$T/out" "^pending: nothing$"
up "$T/f.bin" status --json >"$T/status.json" || die "status --json"
checks=$((checks + 1))
got=$(json "$T/status.json" '(j["board"], j["floor"], j["active"], j["slots"]["A"]["verified"], j["slots"]["B"]["present"], j["pending"])')
if [ "$got" != "('$BOARD', 3, 'A', True, False, None)" ]; then
    echo "FAIL: status --json: $got"
    fails=$((fails + 1))
fi

# ---- bad input: refused, the flash untouched ------------------------------
# Another board, another OEM, below the floor, untrusted key, unsigned.
sed 's/^boards: .*/boards: [acme-r760-mb1]/' "$PROFILE" >"$T/board.yaml"
image "$T/board.hvi" dev "$MANIFEST" "$T/board.yaml"
refused_unchanged "$T/f.bin" 1 "this device would not boot it: .*\[?wrong_board.*board $BOARD" install "$T/board.hvi"
sed 's/^oem_id: .*/oem_id: other-oem/' "$PROFILE" >"$T/oem.yaml"
image "$T/oem.hvi" dev "$MANIFEST" "$T/oem.yaml"
refused_unchanged "$T/f.bin" 1 "wrong_oem.*the image is for OEM other-oem, this device's OEM is acme-servers" install "$T/oem.hvi"
sed -e 's/^  security_version: .*/  security_version: 2/' \
    -e "s#path: example/#path: $SRC/manifests/example/#" "$MANIFEST" >"$T/old.yaml"
image "$T/old.hvi" dev "$T/old.yaml"
refused_unchanged "$T/f.bin" 1 "rollback.*security version 2 is below the device's floor 3" install "$T/old.hvi"
image "$T/other.hvi" other "$T/b.yaml"
refused_unchanged "$T/f.bin" 1 "this device would not boot it: signed by a key that is not trusted \(untrusted_key\)" install "$T/other.hvi"
hv build --quiet --unsigned -m "$T/b.yaml" -p "$PROFILE" -o "$T/unsigned.hvi" ||
    die "unsigned build"
refused_unchanged "$T/f.bin" 1 "this device would not boot it: image is not signed \(unsigned\)" install "$T/unsigned.hvi"
# Truncated, over-long, larger than the slot, from a file and from stdin.
size=$(stat -c %s "$T/b.hvi")
head -c $((size - 1)) "$T/b.hvi" >"$T/short.hvi"
refused_unchanged "$T/f.bin" 1 "the header says $size bytes, the stream has $((size - 1)) \(truncated\)" install "$T/short.hvi"
head -c 40 "$T/b.hvi" >"$T/tiny.hvi"
refused_unchanged "$T/f.bin" 1 "40 bytes is too short for an hvimage" install "$T/tiny.hvi"
{ cat "$T/b.hvi"; printf 'x'; } >"$T/long.hvi"
refused_unchanged "$T/f.bin" 1 "stdin: the header says $size bytes, the stream has $((size + 1)) \(over-long\)" install - <"$T/long.hvi"
{ cat "$T/b.hvi"; head -c "$region_slot_b_size" /dev/zero; } >"$T/huge.hvi"
refused_unchanged "$T/f.bin" 1 "the header says $size bytes, the stream has $((size + region_slot_b_size)) \(over-long\)" install "$T/huge.hvi"
# A header declaring more than the slot holds: refused from its 64 bytes.
cp "$T/b.hvi" "$T/big.hvi"
python3 -c 'import struct,sys; f=open(sys.argv[1],"r+b"); f.seek(24); f.write(struct.pack("<Q", int(sys.argv[2])))' \
    "$T/big.hvi" $((region_slot_b_size + 1))
refused_unchanged "$T/f.bin" 1 "the image \($((region_slot_b_size + 1)) bytes\) is larger than the slot \($region_slot_b_size bytes\)" install - <"$T/big.hvi"
# Through a pipe the length is unknown until the stream ends. Cut short
# before the signed head is complete: nothing changes. Cut short after it
# (the slot was being written): refused, slot B recorded empty, never
# bootable, and slot A (active) untouched and still verifying.
head -c 1000 "$T/b.hvi" | refused_unchanged "$T/f.bin" 1 "stdin: the stream ended at byte [0-9]+ of the $size the header declares \(truncated\)$" install -
cp "$T/f.bin" "$T/cut.bin"
head -c $((size - 1)) "$T/b.hvi" | up "$T/cut.bin" install - >"$T/out" 2>"$T/err"
expect_rc 1 $? "install of a stream cut short"
expect_out "$T/err" "stdin: the stream ended at byte [0-9]+ of the $size the header declares \(truncated\); the slot stays empty"
checks=$((checks + 1))
[ "$(bs "$T/cut.bin")" = "active A A=unknown B=empty counter 0 sequence 2" ] ||
    { echo "FAIL: after a cut stream: $(bs "$T/cut.bin")"; fails=$((fails + 1)); }
checks=$((checks + 1))
cmp -s -n "$region_slot_a_size" -i "$region_slot_a_offset:$region_slot_a_offset" \
    "$T/cut.bin" "$T/factory.bin" || { echo "FAIL: a cut stream touched slot A"; fails=$((fails + 1)); }
up "$T/cut.bin" status >"$T/out" 2>"$T/err" || die "status after a cut stream"
expect_out "$T/out" "^slot A: unknown, example-hv 1\.4\.2, .*verifies on this device$"
refused_unchanged "$T/cut.bin" 1 "slot B does not verify on this device: .*" activate
# Over-long through a pipe: every image byte was written and verified, but
# the byte after it refuses the install; nothing is activated.
{ cat "$T/b.hvi"; printf 'x'; } | up "$T/cut.bin" install --activate - >"$T/out" 2>"$T/err"
expect_rc 1 $? "install of an over-long stream"
expect_out "$T/err" "stdin: bytes follow the image's $size \(over-long\)"
checks=$((checks + 1))
[ "$(bs "$T/cut.bin")" = "active A A=unknown B=empty counter 0 sequence 2" ] ||
    { echo "FAIL: after an over-long stream: $(bs "$T/cut.bin")"; fails=$((fails + 1)); }
# A tampered chunk in a signed image, through a pipe: refused at that chunk.
cp "$T/b.hvi" "$T/tampered.hvi"
hv inspect --json "$T/b.hvi" >"$T/b.json" || die "inspect"
core_data=$(json "$T/b.json" 'j["metadata"]["sections"][0]["data_offset"]')
flip "$T/tampered.hvi" $((core_data + 100))
cat "$T/tampered.hvi" | up "$T/cut.bin" install - >"$T/out" 2>"$T/err"
expect_rc 1 $? "install of a tampered stream"
expect_out "$T/err" "this device would not boot it: section digest mismatch \(digest_mismatch\); the slot stays empty"
# A version 1 image still installs (held whole in memory, then written).
hv build --quiet --format-version 1 -m "$T/b.yaml" -p "$PROFILE" \
    --key "$T/dev.pem" -o "$T/b1.hvi" || die "v1 build"
up "$T/cut.bin" install "$T/b1.hvi" >"$T/out" 2>"$T/err"
expect_rc 0 $? "install of a version 1 image"
expect_out "$T/out" "^installed example-hv 1\.4\.3 \(security version 5\) into slot B; not active$"
checks=$((checks + 1))
size1=$(stat -c %s "$T/b1.hvi")
cmp -s -n "$size1" -i "$region_slot_b_offset:0" "$T/cut.bin" "$T/b1.hvi" ||
    { echo "FAIL: slot B does not hold the version 1 image"; fails=$((fails + 1)); }
# Signed and for this device, but its core does not fit the stage's core
# RAM window: refused from the signed head, before the flash changes (a
# pipe, so the length check cannot be what refuses it).
head -c $((16 * 1024 * 1024)) /dev/zero >"$T/fat.bin"
cat >"$T/fat.yaml" <<EOF
image: {name: fat, version: 1.0.0, security_version: 5, build_epoch: 1}
core: {path: fat.bin, format: raw, load_address: 0x100000, entry_point: 0x100000}
EOF
hv build --quiet -m "$T/fat.yaml" -p "$PROFILE" --key "$T/dev.pem" \
    -o "$T/fat.hvi" || die "fat build"
cat "$T/fat.hvi" | refused_unchanged "$T/f.bin" 1 "stdin: this device would not boot it: no memory for a section \(no_memory\): section 0 does not fit the boot stage's RAM windows \[core_size\]" install -
# The flash itself as the image; a wrong-size flash; no provisioned stage.
refused_unchanged "$T/f.bin" 2 "IMAGE and --flash are the same file" install "$T/f.bin"
refused_unchanged "$T/f.bin" 2 "IMAGE and --flash are the same file" install - <"$T/f.bin"
cp "$T/f.bin" "$T/small.bin"
truncate -s -"$erase_block" "$T/small.bin"
refused_unchanged "$T/small.bin" 2 "the flash is [0-9]+ bytes, the device's trust area says its flash is [0-9]+ bytes" install "$T/b.hvi"
cp "$T/f.bin" "$T/blank.bin"
dd if=/dev/zero of="$T/blank.bin" bs=4096 seek=$((region_boot_stage_offset / 4096)) \
    count=$((region_boot_stage_size / 4096)) conv=notrunc status=none
refused_unchanged "$T/blank.bin" 2 "not a provisioned hvimage flash: no stage header found" status
trust=$(( $(od -An -tu4 -j $((HV_STAGE_HDR_OFFSET + HV_STAGE_OFF_TRUST_OFFSET)) -N4 "$STAGE") ))
cp "$T/f.bin" "$T/crc.bin"
flip "$T/crc.bin" $((region_boot_stage_offset + trust + HV_TRUST_OFF_BOARD_ID))
refused_unchanged "$T/crc.bin" 2 "not a provisioned hvimage flash: trust area: CRC mismatch \(damaged stage\)" install "$T/b.hvi"
# Nothing to activate, roll back to or confirm yet.
refused_unchanged "$T/f.bin" 1 "slot B does not verify on this device: .*" activate
refused_unchanged "$T/f.bin" 1 "cannot roll back to slot B: .*" rollback
refused_unchanged "$T/f.bin" 2 "--tries must be 1 to 255" activate --tries 0
refused_unchanged "$T/f.bin" 2 "--json is for status only" install --json "$T/b.hvi"
checks=$((checks + 1))
cmp -s "$T/f.bin" "$T/factory.bin" || { echo "FAIL: refusals changed the flash"; fails=$((fails + 1)); }

# ---- install B from stdin and activate it on trial -----------------------
up "$T/f.bin" install --activate --tries 2 - <"$T/b.hvi" >"$T/out" 2>"$T/err"
expect_rc 0 $? "install --activate"
expect_out "$T/out" "^installed example-hv 1\.4\.3 \(security version 5\) into slot B; active on trial$"
# Slot A (the active one) was not touched, slot B holds the image.
checks=$((checks + 1))
if ! cmp -s -n "$region_slot_a_size" -i "$region_slot_a_offset:$region_slot_a_offset" \
        "$T/f.bin" "$T/factory.bin" ||
   ! cmp -s -n "$size" -i "$region_slot_b_offset:0" "$T/f.bin" "$T/b.hvi"; then
    echo "FAIL: slot A changed or slot B does not hold the image"
    fails=$((fails + 1))
fi
up "$T/f.bin" status >"$T/out" 2>"$T/err" || die "status after install"
expect_out "$T/out" "^active slot B "
expect_out "$T/out" "^slot B: trial \(2 tries left\), example-hv 1\.4\.3, security version 5 \(min 4\), verifies on this device$"
expect_out "$T/out" "^pending: slot B on trial, not confirmed$"
# The shared boot-state code reads what update wrote.
checks=$((checks + 1))
[ "$(bs "$T/f.bin")" = "active B A=unknown B=trial/2 counter 0 sequence 3" ] ||
    { echo "FAIL: bstool reads $(bs "$T/f.bin")"; fails=$((fails + 1)); }
cp "$T/f.bin" "$T/trial.bin"

# A second install now would go to slot A, the inactive one; slot B (the
# active one) is never written.
refused_unchanged "$T/f.bin" 1 "rollback.*security version 2 is below" install "$T/old.hvi"

# ---- boot on trial: the monitor confirms; the next boot raises the floor -
boot "$T/f.bin" "$T/trial.log"
expect_status 33
expect_log "$T/trial.log" "^hvmonitor: health check passed; confirmed slot B$"
up "$T/f.bin" status >"$T/out" 2>"$T/err" || die "status after boot"
expect_out "$T/out" "^active slot B "
expect_out "$T/out" "^slot B: good, example-hv 1\.4\.3, .*verifies on this device$"
expect_out "$T/out" "^pending: the floor rises to 4 at the next boot of slot B$"
# Before that boot (the window) a rollback to A is allowed: A verifies at 3.
cp "$T/f.bin" "$T/window.bin"
up "$T/window.bin" rollback >"$T/out" 2>"$T/err"
expect_rc 0 $? "rollback in the window"
expect_out "$T/out" "^slot A active \(rolled back\)$"
boot "$T/f.bin" "$T/floor.log"
expect_status 33
expect_log "$T/floor.log" "floor raised"
up "$T/f.bin" status >"$T/out" 2>"$T/err" || die "status after floor"
expect_out "$T/out" "^floor 4 \(trust area 3, counter 4\)$"
expect_out "$T/out" "^slot A: unknown, .*does not verify: .*security version 3 is below the device's floor 4$"
expect_out "$T/out" "^pending: nothing$"
refused_unchanged "$T/f.bin" 1 "cannot roll back to slot A: .*security version 3 is below the device's floor 4" rollback

# ---- confirm and mark-bad from the host -----------------------------------
up "$T/trial.bin" confirm >"$T/out" 2>"$T/err"
expect_rc 0 $? "confirm"
expect_out "$T/out" "^slot B confirmed \(good\)$"
checks=$((checks + 1))
[ "$(bs "$T/trial.bin")" = "active B A=unknown B=good counter 0 sequence 4" ] ||
    { echo "FAIL: after confirm: $(bs "$T/trial.bin")"; fails=$((fails + 1)); }
up "$T/trial.bin" mark-bad b >"$T/out" 2>"$T/err"
expect_rc 0 $? "mark-bad"
checks=$((checks + 1))
[ "$(bs "$T/trial.bin")" = "active A A=unknown B=bad counter 0 sequence 5" ] ||
    { echo "FAIL: after mark-bad: $(bs "$T/trial.bin")"; fails=$((fails + 1)); }
refused_unchanged "$T/trial.bin" 1 "slot B is bad: install an image first" activate
refused_unchanged "$T/trial.bin" 1 "slot B is bad: only a trial or unknown slot can be confirmed" confirm b
# Installing over a bad slot: the rest of the slot beyond the new image
# reads erased again (a stray byte far past it is gone), and the image is
# the one installed.
patch "$T/trial.bin" $((region_slot_b_offset + region_slot_b_size - 1)) 00
up "$T/trial.bin" install "$T/a.hvi" >"$T/out" 2>"$T/err"
expect_rc 0 $? "install over a bad slot"
expect_out "$T/out" "^installed example-hv 1\.4\.2 \(security version 3\) into slot B; not active$"
checks=$((checks + 1))
last=$(od -An -tx1 -j $((region_slot_b_offset + region_slot_b_size - 1)) -N1 "$T/trial.bin" | tr -d ' ')
if [ "$last" != ff ] ||
   ! cmp -s -n "$(stat -c %s "$T/a.hvi")" -i "$region_slot_b_offset:0" "$T/trial.bin" "$T/a.hvi"; then
    echo "FAIL: slot B after install: last byte $last, or not the image"
    fails=$((fails + 1))
fi
checks=$((checks + 1))
[ "$(bs "$T/trial.bin")" = "active A A=unknown B=empty counter 0 sequence 6" ] ||
    { echo "FAIL: after install over bad: $(bs "$T/trial.bin")"; fails=$((fails + 1)); }
# An install without --activate is activated later; status says it
# verifies although the record says empty.
up "$T/trial.bin" status >"$T/out" 2>"$T/err" || die "status after install"
expect_out "$T/out" "^slot B: empty, example-hv 1\.4\.2, .*verifies on this device$"
up "$T/trial.bin" activate >"$T/out" 2>"$T/err"
expect_rc 0 $? "activate after install"
checks=$((checks + 1))
[ "$(bs "$T/trial.bin")" = "active B A=unknown B=trial/3 counter 0 sequence 7" ] ||
    { echo "FAIL: after activate: $(bs "$T/trial.bin")"; fails=$((fails + 1)); }
# A raw dump whose boot state was wiped (all 0xFF): the default state,
# said so, and an install writes the first v2 record.
cp "$T/factory.bin" "$T/wiped.bin"
dd if=/dev/zero bs=4096 count=$((region_boot_state_size / 4096)) 2>/dev/null |
    tr '\0' '\377' | dd of="$T/wiped.bin" bs=4096 \
    seek=$((region_boot_state_offset / 4096)) conv=notrunc status=none
up "$T/wiped.bin" status >"$T/out" 2>"$T/err" || die "status of a wiped state"
expect_out "$T/out" "^active slot A \(boot state erased, sequence 0\)$"
up "$T/wiped.bin" install --activate "$T/b.hvi" >"$T/out" 2>"$T/err"
expect_rc 0 $? "install on a wiped state"
checks=$((checks + 1))
[ "$(bs "$T/wiped.bin")" = "active B A=unknown B=trial/3 counter 0 sequence 2" ] ||
    { echo "FAIL: wiped state after install: $(bs "$T/wiped.bin")"; fails=$((fails + 1)); }
# activate without install: the factory flash with B written by assemble.
flash "$T/ab.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/a.hvi" \
    --slot-b "$T/b.hvi"
up "$T/ab.bin" activate --tries 1 >"$T/out" 2>"$T/err"
expect_rc 0 $? "activate"
checks=$((checks + 1))
[ "$(bs "$T/ab.bin")" = "active B A=unknown B=trial/1 counter 0 sequence 2" ] ||
    { echo "FAIL: after activate: $(bs "$T/ab.bin")"; fails=$((fails + 1)); }
finish
