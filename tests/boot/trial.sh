#!/bin/sh
# Trial boot, confirm and the security floor under QEMU (docs/UPDATE.md).
# The stage writes the boot state into the flash file (QEMU maps it
# share=on), and the test reads it back with bstool, built from the same
# boot-state code.
#   trial.sh confirm  B on trial boots, the monitor confirms it, the record
#                     persists; the next boot raises the floor to B's signed
#                     min_security_version, after which A (older) is refused
#                     even when a
#                     forged record makes it the active slot. Before that
#                     boot (the window), a forged record can still boot A.
#   trial.sh crash    B crashes on each trial; after its tries the stage
#                     marks it bad and boots A; with both slots bad nothing
#                     boots and the stage says why for each.
. "$(dirname "$0")/lib.sh"
: "${BSTOOL:?}"
mode=${1:?confirm or crash}
key dev
image "$T/a.hvi" dev
# B: security version 5, allowing a rollback down to 4 (signed
# min_security_version), so confirming it raises the floor to 4, not 5.
sed -e 's/^  version: .*/  version: 1.4.3/' \
    -e 's/^  security_version: .*/  security_version: 5\n  min_security_version: 4/' \
    -e "s#path: example/#path: $SRC/manifests/example/#" "$MANIFEST" >"$T/b.yaml"
if [ "$mode" = crash ]; then
    printf '  monitor.crash: 1\n' >>"$T/b.yaml"
fi
image "$T/b.hvi" dev "$T/b.yaml"
flash "$T/f.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/a.hvi" \
    --slot-b "$T/b.hvi"

bs() { "$BSTOOL" "$1" "$region_boot_state_offset" "$region_boot_state_size" \
    "$erase_block" "$2" ${3:+"$3"} ${4:+"$4"}; }

# expect_state FLASH TEXT: bstool status must print exactly TEXT.
expect_state() {
    checks=$((checks + 1))
    got=$(bs "$1" status)
    if [ "$got" != "$2" ]; then
        echo "FAIL: boot state is '$got', wanted '$2'"
        fails=$((fails + 1))
    fi
}

expect_state "$T/f.bin" "active A A=unknown B=unknown counter 0 sequence 1"

# A manifest may not allow less than nothing: min_security_version above
# security_version is refused when building.
sed -e 's/^  min_security_version: .*/  min_security_version: 6/' "$T/b.yaml" >"$T/bad.yaml"
checks=$((checks + 1))
if hv build --quiet -m "$T/bad.yaml" -p "$PROFILE" --key "$T/dev.pem" \
    -o "$T/bad.hvi" 2>"$T/bad.err"; then
    echo "FAIL: min_security_version above security_version was built"
    fails=$((fails + 1))
elif ! grep -q "'min_security_version' (6) must not be above 'security_version' (5)" "$T/bad.err"; then
    echo "FAIL: unexpected message: $(cat "$T/bad.err")"
    fails=$((fails + 1))
fi
bs "$T/f.bin" install-begin b || die "install-begin"
bs "$T/f.bin" activate b 2 || die "activate"
expect_state "$T/f.bin" "active B A=unknown B=trial/2 counter 0 sequence 3"

if [ "$mode" = confirm ]; then
    boot "$T/f.bin" "$T/trial.log"
    expect_status 33
    expect_log "$T/trial.log" "^hvstage: slot B: trial, 2 tries left$"
    expect_log "$T/trial.log" "^hvstage: slot B: trial boot, 1 tries left after this one; the core confirms it$"
    expect_log "$T/trial.log" "^hvmonitor: booted example-hv version 1\.4\.3 from slot B$"
    expect_log "$T/trial.log" "^hvmonitor: trial boot, 1 tries left$"
    expect_log "$T/trial.log" "^hvmonitor: health check passed; confirmed slot B$"
    refuse_log "$T/trial.log" "floor raised"
    # The stage's decrement and the monitor's confirm persist in the file;
    # the floor has not moved (never on a trial boot).
    expect_state "$T/f.bin" "active B A=unknown B=good counter 0 sequence 5"

    # The window between confirm and the next boot: a forged record can
    # still boot A, whose version is at the old floor.
    cp "$T/f.bin" "$T/window.bin"
    bs "$T/window.bin" forge-active a || die "forge"
    boot "$T/window.bin" "$T/window.log"
    expect_status 33
    expect_log "$T/window.log" "^hvmonitor: booted example-hv version 1\.4\.2 from slot A$"
    expect_state "$T/window.bin" "active A A=unknown B=good counter 0 sequence 6"

    # The next boot of the confirmed slot raises the floor to 4.
    boot "$T/f.bin" "$T/raise.log"
    expect_status 33
    expect_log "$T/raise.log" "^hvstage: security floor 3 \(trust area 3, lab counter"
    expect_log "$T/raise.log" "^hvstage: security floor raised from 3 to 4 \(slot B is confirmed\)$"
    refuse_log "$T/raise.log" "floor raised from 3 to 5"
    refuse_log "$T/raise.log" "trial"
    expect_state "$T/f.bin" "active B A=unknown B=good counter 4 sequence 5"

    # Now A is below the floor: a forged record naming A still boots B.
    bs "$T/f.bin" forge-active a || die "forge"
    boot "$T/f.bin" "$T/forged.log"
    expect_status 33
    expect_log "$T/forged.log" "^hvstage: security floor 4 "
    expect_log "$T/forged.log" "^hvstage: slot A REFUSED: security version is below the rollback counter \[rollback\]"
    expect_log "$T/forged.log" "^hvstage: slot A: security version 3 < rollback counter 4$"
    expect_log "$T/forged.log" "^hvmonitor: booted example-hv version 1\.4\.3 from slot B \(fallback\)$"
    expect_log "$T/forged.log" "^hvmonitor: security version 5, rollback counter 4,"
    # Booting again changes nothing.
    cp "$T/f.bin" "$T/before-again.bin"
    boot "$T/f.bin" "$T/again.log"
    expect_status 33
    checks=$((checks + 1))
    cmp -s "$T/f.bin" "$T/before-again.bin" ||
        { echo "FAIL: a boot with nothing to record changed the flash"; fails=$((fails + 1)); }
else
    for n in 1 2; do
        left=$((2 - n))
        boot "$T/f.bin" "$T/crash$n.log"
        expect_status 67
        expect_log "$T/crash$n.log" "^hvstage: slot B: trial boot, $left tries left after this one"
        expect_log "$T/crash$n.log" "^hvmonitor: monitor.crash=1: crashing instead of confirming$"
        expect_log "$T/crash$n.log" "^hvstage: CPU exception 6 "
        refuse_log "$T/crash$n.log" "confirmed slot"
        expect_state "$T/f.bin" "active B A=unknown B=trial/$left counter 0 sequence $((3 + n))"
    done
    boot "$T/f.bin" "$T/revert.log"
    expect_status 33
    expect_log "$T/revert.log" "^hvstage: slot B: trial, 0 tries left$"
    expect_log "$T/revert.log" "^hvstage: slot B skipped: trial never confirmed, no tries left: marked bad$"
    expect_log "$T/revert.log" "^hvmonitor: booted example-hv version 1\.4\.2 from slot A \(fallback\)$"
    refuse_log "$T/revert.log" "slot B: verifying"
    expect_state "$T/f.bin" "active A A=unknown B=bad counter 0 sequence 6"
    boot "$T/f.bin" "$T/after.log"
    expect_status 33
    expect_log "$T/after.log" "^hvstage: slot B: bad$"
    expect_log "$T/after.log" "^hvmonitor: booted example-hv version 1\.4\.2 from slot A$"
    expect_state "$T/f.bin" "active A A=unknown B=bad counter 0 sequence 6"

    # Both slots bad: nothing boots, and the stage says why for each.
    bs "$T/f.bin" mark-bad a || die "mark-bad"
    boot "$T/f.bin" "$T/none.log"
    refused "$T/none.log"
    expect_log "$T/none.log" "^hvstage: no bootable slot \(slot A: marked bad \(boot state\), slot B: marked bad \(boot state\)\)$"
fi
finish
