#!/bin/sh
# 6. A validly signed image for another board id is refused.
. "$(dirname "$0")/lib.sh"
key dev
sed 's/^boards: .*/boards: [acme-r760-mb1]/' "$PROFILE" >"$T/other.yaml"
image "$T/ex.hvi" dev "$MANIFEST" "$T/other.yaml"
flash "$T/flash.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/ex.hvi" \
    --allow-rejected

boot "$T/flash.bin" "$T/board.log"
expect_log "$T/board.log" "^hvstage: slot A REFUSED: image does not list this board \[wrong_board\]"
expect_log "$T/board.log" "^hvstage: slot A: the image lists board\(s\) acme-r760-mb1; this device is board $BOARD$"
refused "$T/board.log"
refuse_log "$T/board.log" "verified example-hv"
finish
