#!/bin/sh
# 3. Slot A corrupted (a flipped byte in its drivers section), slot B good
# with a newer version: the stage says why A was skipped, boots B, and the
# monitor reports slot B as a fallback.
. "$(dirname "$0")/lib.sh"
key dev
image "$T/a.hvi" dev
sed -e 's/^  version: .*/  version: 1.4.3/' \
    -e "s#path: example/#path: $SRC/manifests/example/#" "$MANIFEST" >"$T/b.yaml"
image "$T/b.hvi" dev "$T/b.yaml"
flash "$T/flash.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/a.hvi" \
    --slot-b "$T/b.hvi"
sections "$T/a.hvi"
drv=$(chunk_at drivers 100)
flip "$T/flash.bin" $((region_slot_a_offset + sec_drivers_data + 100))

boot "$T/flash.bin" "$T/fallback.log"
expect_status 33
expect_log "$T/fallback.log" "^hvstage: slot A REFUSED: section digest mismatch \[digest_mismatch\] at image offset $drv in section 'drivers'$"
expect_log "$T/fallback.log" "^hvstage: slot A skipped, trying slot B$"
expect_log "$T/fallback.log" "^hvstage: slot B: verified example-hv 1\.4\.3 "
expect_log "$T/fallback.log" "^hvmonitor: booted example-hv version 1\.4\.3 from slot B \(fallback\)$"
refuse_log "$T/fallback.log" "from slot A|1\.4\.2|no bootable slot|CPU exception"
finish
