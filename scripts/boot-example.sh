#!/bin/sh
# Boot the bundled example in QEMU: assemble a factory flash image for an
# acme-servers board (boot stage, trusted key, slot A = the example image),
# boot it through the x86-64 boot stage, and show the serial output, which
# ends with the monitor's banner. docs/BOOT.md explains every line.
#
#   sh scripts/boot-example.sh [BUILD_DIR]      (default: build)
#
# Signs with out/dev-key.pem (made by scripts/run-example.sh, or here if it
# is missing) and builds its own out/example-boot.hvi from the manifest.
# HV_FLASH=FILE boots FILE as it is instead (docs/UPDATE.md, "Try it").
# ICOUNT=1 runs QEMU with -icount shift=0, so that the TSC figures the stage
# prints count instructions and are the same on every run.
# Exit status: 0 if the monitor ran, 1 if it did not.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
hv=$build/mkimage/cli/hvimage
stage=$build/boot/stage/hvstage.bin
if [ ! -x "$hv" ] || [ ! -f "$stage" ]; then
    echo "boot-example: build first (ninja -C $build): need $hv and $stage" >&2
    exit 1
fi
if ! command -v qemu-system-x86_64 >/dev/null; then
    echo "boot-example: qemu-system-x86_64 not found (apt-get install qemu-system-x86)" >&2
    exit 1
fi

profile=oem-profiles/acme-servers.yaml
board=acme-r750-mb2
mkdir -p out
if [ -n "${HV_FLASH:-}" ]; then
    # Boot a flash as it is (after `hvimage update`, say): no build, no
    # assemble; the boot-state records the stage writes land in the file.
    flash=$HV_FLASH
    [ -f "$flash" ] || { echo "boot-example: no flash file $flash" >&2; exit 1; }
else
    key=out/dev-key.pem
    [ -f "$key" ] || "$hv" keygen --alg ecdsa-p384-sha384 -o "$key"
    image=out/example-boot.hvi
    "$hv" build -m manifests/example.yaml -p "$profile" --key "$key" -o "$image"

    flash=out/example-flash.bin
    "$hv" assemble -p "$profile" --stage "$stage" --key out/dev-key.pub.pem \
        --board "$board" --rollback 3 --slot-a "$image" -o "$flash"
fi

# The boot ROM's part: copy the boot_stage region (flash offset 0 in this
# profile) to RAM and enter it; QEMU's multiboot loader does that from the
# -kernel file. The whole flash is mapped at 4 GiB, share=on: boot-state
# records written at boot persist in the file (only the boot_state region
# is writable in the stage's page tables; docs/BOOT.md).
log=out/example-boot.log
icount=""
[ "${ICOUNT:-0}" = 1 ] && icount="-icount shift=0"
echo "booting $flash in QEMU (serial log: $log)"
set +e
# shellcheck disable=SC2086
timeout 60 qemu-system-x86_64 -machine pc -accel tcg $icount -cpu qemu64 \
    -m 256M,slots=1,maxmem=1G -nodefaults -nic none -display none -no-reboot \
    -object memory-backend-file,id=flash,mem-path="$flash",size="$(stat -c %s "$flash")",share=on \
    -device pc-dimm,memdev=flash,addr=0x100000000 \
    -kernel "$flash" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -serial file:"$log" </dev/null
status=$?
set -e
tr -d '\r' <"$log"
case $status in
33) echo "boot-example: the monitor ran (QEMU exit status 33)" ;;
65) echo "boot-example: the stage found no bootable slot (status 65)"; exit 1 ;;
124) echo "boot-example: QEMU timed out"; exit 1 ;;
*) echo "boot-example: QEMU exit status $status"; exit 1 ;;
esac
