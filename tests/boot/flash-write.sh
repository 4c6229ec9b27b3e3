#!/bin/sh
# Which flash the stage's page tables let software write (docs/BOOT.md
# "Where the flash is"): the monitor, on the stage's page tables, writes a
# zero byte at a flash offset given by the boot config (monitor.poke=N).
# Into a slot or the boot stage it faults (page fault, QEMU status 67) and
# the flash file is unchanged; into the boot_state region it goes through
# and reaches the file (share=on).
. "$(dirname "$0")/lib.sh"
key dev

# poke NAME OFFSET: an image whose monitor writes at OFFSET, in a flash.
poke() {
    sed -e "s#path: example/#path: $SRC/manifests/example/#" "$MANIFEST" \
        >"$T/$1.yaml"
    printf '  monitor.poke: %s\n' "$2" >>"$T/$1.yaml"
    image "$T/$1.hvi" dev "$T/$1.yaml"
    flash "$T/$1.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/$1.hvi"
    cp "$T/$1.bin" "$T/$1.orig"
    boot "$T/$1.bin" "$T/$1.log"
}

# A flash first, for the layout. (The acme profile's boot_state, 192 KiB at
# 1 MiB, shares its 2 MiB page with the boot stage.)
flash "$T/layout.bin" --key "$T/dev.pub.pem" --rollback 3 \
    --slot-a "$(image "$T/plain.hvi" dev && echo "$T/plain.hvi")"

for target in slot_a:$region_slot_a_offset slot_b:$((region_slot_b_offset + 4096)) \
              stage:$((region_boot_stage_offset + 64)); do
    name=${target%%:*} off=${target#*:}
    poke "$name" "$off"
    expect_status 67
    expect_log "$T/$name.log" "^hvmonitor: monitor.poke: writing 0 at flash offset 0x$(hex "$off")$"
    expect_log "$T/$name.log" "^hvstage: CPU exception 14 "
    expect_log "$T/$name.log" "^hvstage: halted: CPU exception in the core after the hand-off$"
    refuse_log "$T/$name.log" "the write went through"
    checks=$((checks + 1))
    cmp -s "$T/$name.bin" "$T/$name.orig" ||
        { echo "FAIL: the write into $name reached the flash file"; fails=$((fails + 1)); }
done

# The last byte of the boot_state region (the far end of the lab counter).
last=$((region_boot_state_offset + region_boot_state_size - 1))
poke state "$last"
expect_status 33
expect_log "$T/state.log" "^hvmonitor: the write went through$"
checks=$((checks + 1))
got=$(od -An -tx1 -j "$last" -N1 "$T/state.bin" | tr -d ' ')
[ "$got" = 00 ] || { echo "FAIL: the boot_state write did not reach the file (byte $got)"; fails=$((fails + 1)); }
checks=$((checks + 1))
[ "$(cmp -l "$T/state.bin" "$T/state.orig" | wc -l)" -eq 1 ] ||
    { echo "FAIL: more than the poked byte changed"; fails=$((fails + 1)); }

# A boot_state region over several 2 MiB pages (1 MiB to 6 MiB: partly the
# first, wholly the next two): its last byte and a byte in a whole page are
# writable, the first byte of slot A right after it is not.
sed -e 's/^  boot_state: .*/  boot_state: {offset: 1MiB, size: 5MiB}/' \
    -e 's/^  slot_a: .*/  slot_a: {offset: 6MiB, size: 29MiB}/' \
    -e 's/^  slot_b: .*/  slot_b: {offset: 35MiB, size: 29MiB}/' \
    "$PROFILE" >"$T/big-state.yaml"
PROFILE=$T/big-state.yaml
poke big-end $((6 * 1048576 - 1))
expect_status 33
expect_log "$T/big-end.log" "^hvstage: security floor 3 \(trust area 3, lab counter in 5111808 bytes at \+0x120000\)$"
expect_log "$T/big-end.log" "^hvmonitor: the write went through$"
poke big-mid $((3 * 1048576))
expect_status 33
expect_log "$T/big-mid.log" "^hvmonitor: the write went through$"
poke big-slot $((6 * 1048576))
expect_status 67
expect_log "$T/big-slot.log" "^hvstage: CPU exception 14 "
checks=$((checks + 1))
cmp -s "$T/big-slot.bin" "$T/big-slot.orig" ||
    { echo "FAIL: the write into slot A reached the flash file"; fails=$((fails + 1)); }
finish
