#!/bin/sh
# 7. Header or metadata bytes altered so that an offset or size points
# outside the image, the slot or the RAM windows: every variant is refused
# with the check named, without a CPU exception or a hang (QEMU ends with
# the stage's "no bootable slot" status, never by the timeout).
#  - unsigned header fields (image_size, metadata_size, signature_slots)
#    are range-checked before anything else is read;
#  - signed metadata fields (a section's offset or size) break the
#    signature;
#  - validly signed images whose core or sections do not fit the stage's
#    RAM windows are refused by section_memory.
# Usage: bounds.sh header | ram (two tests, so each stays short).
. "$(dirname "$0")/lib.sh"
part=${1:?header or ram}
key dev

# variant NAME OFFSET-IN-IMAGE HEXBYTES RESULT-REGEX: patch the base flash.
variant() {
    cp "$T/base.bin" "$T/$1.bin"
    cp "$T/base.bin.json" "$T/$1.bin.json"
    patch "$T/$1.bin" $((region_slot_a_offset + $2)) "$3"
    boot "$T/$1.bin" "$T/$1.log"
    expect_log "$T/$1.log" "^hvstage: slot A REFUSED: .*\[($4)\]"
    refused "$T/$1.log"
}

if [ "$part" = header ]; then
image "$T/ex.hvi" dev
flash "$T/base.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/ex.hvi"
# Header (offsets from include/hvimage/format.h, through $HV_CONST).
variant image-size-past-slot $HV_HDR_OFF_IMAGE_SIZE "$(le "$(hex $((region_slot_a_size + 4096)))" 8)" "region"
variant image-size-huge $HV_HDR_OFF_IMAGE_SIZE "$(le 10000000000 8)" "bad_header|region"
variant image-size-tiny $HV_HDR_OFF_IMAGE_SIZE "$(le 41 8)" "bad_header|region"
variant metadata-size $HV_HDR_OFF_METADATA_SIZE "$(le FFFFFFF0 4)" "bad_header"
variant signature-slots $HV_HDR_OFF_SIGNATURE_SLOTS "$(le 40000000 4)" "bad_header"
# Signed metadata: section 0 (core) offset, section 2 (drivers) stored size.
entry() { echo $((HV_HEADER_SIZE + HV_META_FIXED_SIZE + $1 * HV_SECTION_ENTRY_SIZE + $2)); }
variant core-offset "$(entry 0 $HV_SEC_OFF_OFFSET)" "$(le FFFFFFFFFFFFF000 8)" "bad_signature"
variant drivers-size "$(entry 2 $HV_SEC_OFF_STORED_SIZE)" "$(le 7FFFFFFFFFFFFFFF 8)" "bad_signature"
variant core-load "$(entry 0 $HV_SEC_OFF_LOAD_ADDRESS)" "$(le 7FFFFFFFFFFFF000 8)" "bad_signature"
finish
fi

# Validly signed, but outside the RAM windows.
signed() {
    flash "$T/$1.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/$1.hvi" \
        --allow-rejected
    boot "$T/$1.bin" "$T/$1.log"
    expect_log "$T/$1.log" "^hvstage: slot A REFUSED: no memory for a section \[no_memory\] at image offset [0-9]+ in section '$2'$"
    expect_log "$T/$1.log" "$3"
    refused "$T/$1.log"
}
raw_manifest() { # NAME LOAD SIZE
    head -c "$3" /dev/zero | tr '\0' '\220' >"$T/$1.core"
    printf 'image:\n  name: %s\n  version: "1"\n  security_version: 3\ncore:\n  path: %s\n  format: raw\n  load_address: %s\n  entry_point: %s\n' \
        "$1" "$T/$1.core" "$2" "$2" >"$T/$1.yaml"
}
[ "$part" = ram ] || die "usage: bounds.sh header|ram"
raw_manifest core-high 0x40000000 4096
image "$T/core-high.hvi" dev "$T/core-high.yaml"
signed core-high core "^hvstage: slot A: core load address 0x40000000 is outside the core RAM window \[0x100000, 0x1000000\) \[core_address\]$"
raw_manifest core-straddle 0xF00000 2097152
image "$T/core-straddle.hvi" dev "$T/core-straddle.yaml"
signed core-straddle core "^hvstage: slot A: core \[0xf00000, 0x1100000\) of 2097152 bytes does not fit the core RAM window \[0x100000, 0x1000000\), which has 1048576 bytes from its load address \[core_size\]$"
raw_manifest core-low 0x1000 4096
image "$T/core-low.hvi" dev "$T/core-low.yaml"
signed core-low core "^hvstage: slot A: core load address 0x1000 is outside the core RAM window \[0x100000, 0x1000000\) \[core_address\]$"

# An extra section that unpacks to more than the payload window (230 MiB of
# zeros; a fast profile so the build takes a moment, not minutes).
sed 's/compression_level: [0-9]*/compression_level: 1/' "$PROFILE" >"$T/fast.yaml"
truncate -s 230M "$T/huge.bin"
printf 'image:\n  name: huge\n  version: "1"\n  security_version: 3\ncore:\n  path: %s\nsections:\n  - name: huge\n    path: %s\n' \
    "$SRC/manifests/example/monitor.elf" "$T/huge.bin" >"$T/huge.yaml"
image "$T/huge.hvi" dev "$T/huge.yaml" "$T/fast.yaml"
rm -f "$T/huge.bin"
signed huge huge "^hvstage: slot A: section 'huge' needs 241172480 bytes, the payload RAM window \[0x2000000, 0xe000000\) has [0-9]+ left \[payload_size\]$"
finish
