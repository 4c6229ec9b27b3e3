#!/bin/sh
# 2. One flipped byte in the core section (slot A; slot B empty): the stage
# names the failed check (digest of section 'core' at its offset; format
# version 2: of the chunk holding the byte), finds
# slot B empty, halts; the monitor never runs.
. "$(dirname "$0")/lib.sh"
key dev
image "$T/ex.hvi" dev
flash "$T/flash.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/ex.hvi"
sections "$T/ex.hvi"
at=$((sec_core_stored / 2))
core=$(chunk_at core $at)
flip "$T/flash.bin" $((region_slot_a_offset + sec_core_data + at))

boot "$T/flash.bin" "$T/flip.log"
expect_log "$T/flip.log" "^hvstage: slot A REFUSED: section digest mismatch \[digest_mismatch\] at image offset $core in section 'core'$"
expect_log "$T/flip.log" "^hvstage: slot A skipped, trying slot B$"
expect_log "$T/flip.log" "^hvstage: slot B: empty \(erased flash\)$"
expect_log "$T/flip.log" "^hvstage: no bootable slot \(slot A: digest_mismatch, slot B: empty\)$"
refused "$T/flip.log"
refuse_log "$T/flip.log" "verified example-hv"
finish
