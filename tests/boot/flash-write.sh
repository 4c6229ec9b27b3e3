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

# A flash first, for the layout.
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
finish
