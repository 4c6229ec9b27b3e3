#!/bin/sh
# The boot-state rules (docs/BOOT.md): the active slot is tried first; of
# two valid copies the higher sequence wins; an erased or corrupt state
# means "slot A, then slot B".
. "$(dirname "$0")/lib.sh"
key dev
image "$T/a.hvi" dev
sed -e 's/^  version: .*/  version: 1.4.3/' \
    -e "s#path: example/#path: $SRC/manifests/example/#" "$MANIFEST" >"$T/b.yaml"
image "$T/b.hvi" dev "$T/b.yaml"
flash "$T/b.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/a.hvi" \
    --slot-b "$T/b.hvi" --active b
state=$region_boot_state_offset
erase=$erase_block

# variant NAME: a copy of the active-B flash to patch.
variant() {
    cp "$T/b.bin" "$T/$1.bin"
    cp "$T/b.bin.json" "$T/$1.bin.json"
}

# record SEQUENCE SLOT: a valid boot-state record in hex (flash.h layout),
# its CRC-32 from Python's zlib, independent of the C implementation.
record() {
    $PY - "$1" "$2" <<'PYEOF'
import struct, sys, zlib
body = b"HVBSTATE" + struct.pack("<III", 1, int(sys.argv[1]), int(sys.argv[2])) + bytes(40)
print((body + struct.pack("<I", zlib.crc32(body))).hex())
PYEOF
}

boot "$T/b.bin" "$T/active-b.log"
expect_status 33
expect_log "$T/active-b.log" "^hvstage: boot state: copy 0 \(sequence 1, other copy erased\): active slot B$"
expect_log "$T/active-b.log" "^hvmonitor: booted example-hv version 1\.4\.3 from slot B$"
refuse_log "$T/active-b.log" "REFUSED|fallback|slot A: verif"

variant erased
patch "$T/erased.bin" "$state" "$(printf '%0128d' 0 | tr 0 f)"
boot "$T/erased.bin" "$T/erased.log"
expect_status 33
expect_log "$T/erased.log" "^hvstage: boot state: erased \(copy 0 erased, copy 1 erased\): trying slot A, then slot B$"
expect_log "$T/erased.log" "^hvmonitor: booted example-hv version 1\.4\.2 from slot A$"

variant corrupt
flip "$T/corrupt.bin" $((state + HV_BST_OFF_SEQUENCE))
boot "$T/corrupt.bin" "$T/corrupt.log"
expect_status 33
expect_log "$T/corrupt.log" "^hvstage: boot state: corrupt \(copy 0 corrupt, copy 1 erased\): trying slot A, then slot B$"
expect_log "$T/corrupt.log" "^hvmonitor: booted example-hv version 1\.4\.2 from slot A$"

variant newer
patch "$T/newer.bin" $((state + erase)) "$(record 2 0)"
boot "$T/newer.bin" "$T/newer.log"
expect_status 33
expect_log "$T/newer.log" "^hvstage: boot state: copy 1 \(sequence 2, other copy valid\): active slot A$"
expect_log "$T/newer.log" "^hvmonitor: booted example-hv version 1\.4\.2 from slot A$"

variant older
patch "$T/older.bin" "$state" "$(record 7 1)"
patch "$T/older.bin" $((state + erase)) "$(record 6 0)"
boot "$T/older.bin" "$T/older.log"
expect_log "$T/older.log" "^hvstage: boot state: copy 0 \(sequence 7, other copy valid\): active slot B$"
expect_log "$T/older.log" "^hvmonitor: booted example-hv version 1\.4\.3 from slot B$"

# A record naming slot 2 is corrupt, not "slot B".
variant badslot
patch "$T/badslot.bin" "$state" "$(record 3 2)"
boot "$T/badslot.bin" "$T/badslot.log"
expect_log "$T/badslot.log" "^hvstage: boot state: corrupt \(copy 0 corrupt, copy 1 erased\)"
expect_log "$T/badslot.log" "from slot A$"
finish
