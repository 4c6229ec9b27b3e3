#!/bin/sh
# 5. A validly signed image whose security version (3) is below the
# device's rollback counter (4) is refused.
. "$(dirname "$0")/lib.sh"
key dev
image "$T/ex.hvi" dev
flash "$T/flash.bin" --key "$T/dev.pub.pem" --rollback 4 --slot-a "$T/ex.hvi" \
    --allow-rejected

boot "$T/flash.bin" "$T/rollback.log"
expect_log "$T/rollback.log" "^hvstage: device: board $BOARD, oem acme-servers, rollback counter 4,"
expect_log "$T/rollback.log" "^hvstage: slot A REFUSED: security version is below the rollback counter \[rollback\]"
expect_log "$T/rollback.log" "^hvstage: slot A: security version 3 < rollback counter 4$"
refused "$T/rollback.log"
refuse_log "$T/rollback.log" "verified example-hv"
finish
