#!/bin/sh
# The boot-state rules (docs/BOOT.md, docs/UPDATE.md): the newest valid v2
# record (serial-number order, across both erase blocks and appended
# records) names the active slot, which is tried first; a v1 record is
# still read when there is no v2 record (migration); an erased or corrupt
# state means "slot A, then slot B". Records are built here in Python from
# the documented layout, independently of the C code.
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

# record SEQUENCE SLOT [STATE_A STATE_B]: a committed v2 record in hex.
record() {
    $PY - "$@" <<'PYEOF'
import struct, sys, zlib
a = sys.argv[1:]
states = bytes([int(a[2]), int(a[3])]) if len(a) > 2 else bytes([4, 4])
body = b"HVBSTAT2" + struct.pack("<III", 2, int(a[0]), int(a[1])) + states + bytes(2) + bytes(32)
print((body + struct.pack("<I", zlib.crc32(body)) + bytes(4)).hex())
PYEOF
}

# record_v1 SEQUENCE SLOT: a valid version 1 record in hex.
record_v1() {
    $PY - "$1" "$2" <<'PYEOF'
import struct, sys, zlib
body = b"HVBSTATE" + struct.pack("<III", 1, int(sys.argv[1]), int(sys.argv[2])) + bytes(40)
print((body + struct.pack("<I", zlib.crc32(body))).hex())
PYEOF
}

ff64=$(printf '%0128d' 0 | tr 0 f)

boot "$T/b.bin" "$T/active-b.log"
expect_status 33
expect_log "$T/active-b.log" "^hvstage: boot state: record v2 sequence 1 \(block 0, record 0\): active slot B$"
expect_log "$T/active-b.log" "^hvmonitor: booted example-hv version 1\.4\.3 from slot B$"
refuse_log "$T/active-b.log" "REFUSED|fallback|slot A: verif"

variant erased
patch "$T/erased.bin" "$state" "$ff64"
boot "$T/erased.bin" "$T/erased.log"
expect_status 33
expect_log "$T/erased.log" "^hvstage: boot state: erased: trying slot A, then slot B$"
expect_log "$T/erased.log" "^hvmonitor: booted example-hv version 1\.4\.2 from slot A$"

variant corrupt
flip "$T/corrupt.bin" $((state + HV_BST_OFF_SEQUENCE))
boot "$T/corrupt.bin" "$T/corrupt.log"
expect_status 33
expect_log "$T/corrupt.log" "^hvstage: boot state: corrupt: trying slot A, then slot B$"
expect_log "$T/corrupt.log" "^hvmonitor: booted example-hv version 1\.4\.2 from slot A$"

# A record appended after the first one wins.
variant appended
patch "$T/appended.bin" $((state + 64)) "$(record 2 0)"
boot "$T/appended.bin" "$T/appended.log"
expect_log "$T/appended.log" "^hvstage: boot state: record v2 sequence 2 \(block 0, record 1\): active slot A$"
expect_log "$T/appended.log" "^hvmonitor: booted example-hv version 1\.4\.2 from slot A$"

# Serial-number order: 0 follows 0xFFFFFFFF (the v1 stage booted the older
# record's slot here), in whichever block each record is.
variant wrap
patch "$T/wrap.bin" "$state" "$ff64"
patch "$T/wrap.bin" "$state" "$(record 0 1)"
patch "$T/wrap.bin" $((state + erase)) "$(record 4294967295 0)"
boot "$T/wrap.bin" "$T/wrap.log"
expect_log "$T/wrap.log" "^hvstage: boot state: record v2 sequence 0 \(block 0, record 0\): active slot B$"
expect_log "$T/wrap.log" "^hvmonitor: booted example-hv version 1\.4\.3 from slot B$"

# A record without its commit word (a torn write) does not count.
variant torn
rec=$(record 2 0)
patch "$T/torn.bin" $((state + 64)) "${rec%????????}"
boot "$T/torn.bin" "$T/torn.log"
expect_log "$T/torn.log" "^hvstage: boot state: record v2 sequence 1 \(block 0, record 0\): active slot B$"
expect_log "$T/torn.log" "from slot B$"

# A record naming slot 2 is corrupt, not "slot B".
variant badslot
patch "$T/badslot.bin" "$state" "$ff64"
patch "$T/badslot.bin" "$state" "$(record 3 2)"
boot "$T/badslot.bin" "$T/badslot.log"
expect_log "$T/badslot.log" "^hvstage: boot state: corrupt: trying slot A, then slot B$"
expect_log "$T/badslot.log" "from slot A$"

# Version 1 records (a flash assembled before v2) are still read, with the
# same serial-number order.
variant v1
patch "$T/v1.bin" "$state" "$ff64"
patch "$T/v1.bin" "$state" "$(record_v1 7 1)"
patch "$T/v1.bin" $((state + erase)) "$(record_v1 6 0)"
boot "$T/v1.bin" "$T/v1.log"
expect_log "$T/v1.log" "^hvstage: boot state: record v1 copy 0 \(sequence 7\): active slot B; the next change writes v2$"
expect_log "$T/v1.log" "^hvmonitor: booted example-hv version 1\.4\.3 from slot B$"

variant v1wrap
patch "$T/v1wrap.bin" "$state" "$ff64"
patch "$T/v1wrap.bin" "$state" "$(record_v1 4294967295 0)"
patch "$T/v1wrap.bin" $((state + erase)) "$(record_v1 0 1)"
boot "$T/v1wrap.bin" "$T/v1wrap.log"
expect_log "$T/v1wrap.log" "^hvstage: boot state: record v1 copy 1 \(sequence 0\): active slot B"
expect_log "$T/v1wrap.log" "from slot B$"
finish
