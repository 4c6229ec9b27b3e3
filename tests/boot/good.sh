#!/bin/sh
# 1. The example image boots: the stage verifies slot A and jumps; the
# monitor's banner shows the manifest's version and boot configuration, the
# three driver packages, and QEMU ends with the monitor's status (33). The
# stage says which SHA-256 code CPUID chose: the portable code here, on
# qemu64 and on TCG's richest model without the SHA bit (Debian's QEMU 7.2
# emulates no SHA extensions at all, so the x86 path cannot run under TCG;
# tests/crypto/test-sha-select.c runs the same selection on the host CPU).
. "$(dirname "$0")/lib.sh"
key dev
image "$T/ex.hvi" dev
flash "$T/flash.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/ex.hvi"
version=$(hv inspect "$T/ex.hvi" | sed -n 's/^image: *example-hv //p' | sed 's/\./\\./g')
[ -n "$version" ] || die "no version from inspect"
hv extract --key "$T/dev.pub.pem" --board "$BOARD" --oem acme-servers --rollback 3 -o "$T/x" "$T/ex.hvi" \
    >/dev/null || die "extract"
bootcfg=$(tr '\n' ' ' <"$T/x/bootcfg.txt" | sed 's/ $//; s/\./\\./g')

boot "$T/flash.bin" "$T/good.log"
expect_status 33
expect_log "$T/good.log" "^hvstage: boot state: record v2 sequence 1 \(block 0, record 0\): active slot A$"
expect_log "$T/good.log" "^hvstage: slot A: unknown$"
expect_log "$T/good.log" "^hvstage: security floor 3 "
expect_log "$T/good.log" "^hvstage: SHA-256 code: portable \(CPUID does not report all of SHA, SSSE3 and SSE4\.1\)$"
expect_log "$T/good.log" "^hvstage: slot A: verified example-hv $version "
expect_log "$T/good.log" "^hvstage: timing \(TSC cycles\): hv_verify [0-9]+ = signature [0-9]+ \+ hashing [0-9]+ \([0-9]+ bytes\) \+ decompression [0-9]+"
expect_log "$T/good.log" "^hvstage: stack high-water: [0-9]+ of 65536 bytes"
expect_log "$T/good.log" "^hvstage: stage entry to hand-off: [0-9]+ TSC cycles; jumping to 0x100000$"
expect_log "$T/good.log" "^=== hvmonitor: stand-in hypervisor core ===$"
expect_log "$T/good.log" "^hvmonitor: booted example-hv version $version from slot A$"
expect_log "$T/good.log" "^hvmonitor: security version 3, rollback counter 3, board $BOARD, oem acme-servers$"
expect_log "$T/good.log" "^hvmonitor: boot config: $bootcfg$"
expect_log "$T/good.log" "^hvmonitor: drivers: 3 \(acme-nic 2\.1\.0, cobalt-gpu 1\.0\.0, zenith-storage 0\.9\.3\)"
expect_log "$T/good.log" "^hvmonitor: exiting with status 0x10$"
refuse_log "$T/good.log" "REFUSED|halted|CPU exception|fallback|hvmonitor: (no )?boot info|x86-sha"

# SSSE3 and SSE4.1 present, SHA absent: still the portable code, and the
# same boot.
QEMU_CPU=max,-sha-ni
boot "$T/flash.bin" "$T/max.log"
unset QEMU_CPU
expect_status 33
expect_log "$T/max.log" "^hvstage: SHA-256 code: portable \(CPUID does not report all of SHA, SSSE3 and SSE4\.1\)$"
expect_log "$T/max.log" "^hvmonitor: booted example-hv version $version from slot A$"
refuse_log "$T/max.log" "REFUSED|halted|CPU exception|x86-sha"
finish
