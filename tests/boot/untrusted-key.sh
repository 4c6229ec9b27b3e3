#!/bin/sh
# 4. An image signed by a key the stage does not trust is refused.
. "$(dirname "$0")/lib.sh"
key dev
key other
image "$T/ex.hvi" other
flash "$T/flash.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/ex.hvi" \
    --allow-rejected
checks=$((checks + 1))
grep -q '"a":{[^}]*"result":"untrusted_key"' "$T/flash.bin.json" ||
    { echo "FAIL: assemble did not report untrusted_key"; fails=$((fails + 1)); }

boot "$T/flash.bin" "$T/untrusted.log"
expect_log "$T/untrusted.log" "^hvstage: slot A REFUSED: signed by a key that is not trusted \[untrusted_key\] at image offset [0-9]+$"
refused "$T/untrusted.log"
refuse_log "$T/untrusted.log" "verified example-hv"
finish
