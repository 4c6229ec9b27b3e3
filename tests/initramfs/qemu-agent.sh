#!/bin/sh
# hvinit under QEMU, without the boot stage (the lead's Linux boot tests
# start it through the stage): Debian's kernel (scripts/fetch-kernel.sh,
# never installed) boots with -kernel and an initrd laid out as the stage
# hands it over, a base cpio (hvinit as /init, mtd and phram) followed by a
# drivers cpio (two vendor packages under lib/modules/R/updates/hvimage/,
# kvm-amd in one needing ccp in the same and kvm from the other). The flash,
# made by `hvimage assemble` with slot A and slot B installed on trial, is
# the pc-dimm at 4 GiB, reserved with memmap= as the stage's e820 map
# reserves it.
#   healthy: the modules load in dependency order, the guest runs, slot B
#     is confirmed (QEMU exits 33); on the host B is good and nothing but
#     the boot_state region changed.
#   broken:  ccp is missing from the drivers: kvm_amd is refused naming
#     it, the guest cannot run, nothing is confirmed (exit 35) and the
#     flash is byte for byte unchanged.
#   as RAM: a 128 MiB window (a whole Linux memory block) without
#     acpi_no_memhotplug: Linux hot-adds the pc-dimm as System RAM despite
#     the memmap= reservation; the agent refuses to touch it (exit 35).
# About 7 s per boot under TCG, 3 boots.
. "$SRC/tests/boot/lib.sh"
: "${HV_KERNEL_DIR:?}" "${HVINIT:?}"
LINUX_TIMEOUT=${LINUX_TIMEOUT:-120}

ver=$(cat "$HV_KERNEL_DIR/current" 2>/dev/null) ||
    die "no kernel in $HV_KERNEL_DIR: run sh scripts/fetch-kernel.sh"
K=$HV_KERNEL_DIR/$ver
KERNEL=$K/boot/vmlinuz-$ver
MODS=$K/lib/modules/$ver/kernel
for m in drivers/mtd/mtd.ko drivers/mtd/devices/phram.ko virt/lib/irqbypass.ko \
    arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-amd.ko drivers/crypto/ccp/ccp.ko; do
    [ -f "$MODS/$m" ] || die "$MODS/$m missing: run sh scripts/fetch-kernel.sh"
done

# ---- the flash: A good, B installed and on trial -------------------------
key dev
image "$T/a.hvi" dev
sed -e 's/^  version: .*/  version: 1.4.3/' \
    -e "s#path: example/#path: $SRC/manifests/example/#" "$MANIFEST" >"$T/b.yaml"
image "$T/b.hvi" dev "$T/b.yaml"
flash "$T/f.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/a.hvi"
hv update --flash "$T/f.bin" install --activate "$T/b.hvi" >/dev/null ||
    die "install --activate"
[ "$(stat -c %s "$T/f.bin")" -eq 67108864 ] && [ "$erase_block" -eq 65536 ] &&
    [ "$region_boot_state_offset" -eq 1048576 ] ||
    die "the profile's flash is not hvinit's default window (64 MiB, 64 KiB blocks)"

# ---- the initrd -------------------------------------------------------------
# cpio_of DIR OUT: a newc archive of DIR, owned by root, in a fixed order.
cpio_of() {
    (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$2" ||
        die "cpio of $1"
}
B=$T/base
L=$B/lib/modules/$ver/kernel/drivers/mtd
mkdir -p "$L/devices"
cp "$HVINIT" "$B/init"
cp "$MODS/drivers/mtd/mtd.ko" "$L/"
cp "$MODS/drivers/mtd/devices/phram.ko" "$L/devices/"
cpio_of "$B" "$T/base.cpio"
D=$T/drivers
V=$D/lib/modules/$ver/updates/hvimage
mkdir -p "$V/linux-kvm" "$V/amd-kvm"
cp "$MODS/virt/lib/irqbypass.ko" "$MODS/arch/x86/kvm/kvm.ko" "$V/linux-kvm/"
cp "$MODS/drivers/crypto/ccp/ccp.ko" "$MODS/arch/x86/kvm/kvm-amd.ko" "$V/amd-kvm/"
printf 'amd-kvm %s\nlinux-kvm %s\n' "$ver" "$ver" >"$V/drivers.idx"
cpio_of "$D" "$T/drivers.cpio"
cat "$T/base.cpio" "$T/drivers.cpio" >"$T/good.cpio"
rm "$V/amd-kvm/ccp.ko"
cpio_of "$D" "$T/drivers-noccp.cpio"
cat "$T/base.cpio" "$T/drivers-noccp.cpio" >"$T/broken.cpio"

# linux FLASH INITRD LOG [SIZE_MIB [WORDS]]: boot; $status is QEMU's exit
# status. WORDS replace acpi_no_memhotplug.
linux() {
    mib=${4:-64}
    start=$(date +%s)
    timeout "$LINUX_TIMEOUT" "$QEMU" -machine pc -accel tcg -cpu max \
        -m 1G,slots=1,maxmem=2G -nodefaults -nic none -display none -no-reboot \
        -kernel "$KERNEL" -initrd "$2" \
        -append "console=ttyS0,115200 panic=-1 memmap=${mib}M\$0x100000000 ${5-acpi_no_memhotplug} hvimage.slot=B hvimage.trial=1 hvimage.fallback=0" \
        -object memory-backend-file,id=flash,mem-path="$1",size=${mib}M,share=on \
        -device pc-dimm,memdev=flash,addr=0x100000000 \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -serial file:"$3" </dev/null >"$3.qemu" 2>&1
    status=$?
    tr -d '\r' <"$3" >"$3.txt" && mv "$3.txt" "$3"
    echo "Linux under QEMU ($2): $(($(date +%s) - start)) s, exit $status"
}

# ---- healthy: confirmed ---------------------------------------------------
cp "$T/f.bin" "$T/good.bin"
linux "$T/good.bin" "$T/good.cpio" "$T/good.log"
expect_status 33
G=$T/good.log
P="lib/modules/$ver/updates/hvimage"
expect_log "$G" "^hvinit: package amd-kvm $ver$"
expect_log "$G" "^hvinit: package linux-kvm $ver$"
expect_log "$G" "^hvinit: 6 modules in /lib/modules/$ver, 4 from vendor packages$"
# Dependencies first: irqbypass before kvm, kvm and ccp before kvm_amd.
grep '^hvinit: loaded' "$G" | sed 's/ (.*//' >"$T/order"
check '[ "$(grep -n "" "$T/order" | tr "\n" " ")" = "1:hvinit: loaded ccp 2:hvinit: loaded irqbypass 3:hvinit: loaded kvm 4:hvinit: loaded kvm_amd 5:hvinit: loaded mtd 6:hvinit: loaded phram " ]' \
    "load order: $(tr '\n' ' ' <"$T/order")"
expect_log "$G" "^hvinit: loaded kvm \($P/linux-kvm/kvm\.ko, from package linux-kvm\)$"
expect_log "$G" "^hvinit: loaded kvm_amd \($P/amd-kvm/kvm-amd\.ko, from package amd-kvm\)$"
expect_log "$G" "^hvinit: loaded phram \(lib/modules/$ver/kernel/drivers/mtd/devices/phram\.ko, from the base initramfs\)$"
expect_log "$G" "^hvinit: guest says: hello from a KVM guest$"
expect_log "$G" "^hvinit: guest halted after [0-9]+ exits$"
expect_log "$G" "^hvinit: flash window 0x100000000, 67108864 bytes, erase block 65536: /dev/mtd0$"
expect_log "$G" "^hvinit: boot state: active slot B, sequence [0-9]+; slot A unknown, slot B trial \(3 tries left\)$"
expect_log "$G" "^hvinit: confirmed slot B$"
expect_log "$G" "^hvinit: done: modules 6, guest ok, agent: confirmed slot B$"
hv update --flash "$T/good.bin" status >"$T/status" 2>&1
check 'grep -q "^slot B: good, example-hv 1.4.3" "$T/status" && grep -q "^active slot B" "$T/status"' \
    "host status after the boot: $(cat "$T/status")"
# Nothing outside the boot_state region changed; inside it, something did.
changed_outside=$(cmp -l "$T/f.bin" "$T/good.bin" | awk -v lo="$region_boot_state_offset" \
    -v hi="$((region_boot_state_offset + region_boot_state_size))" \
    '{ o = $1 - 1; if (o < lo || o >= hi) n++ } END { print n + 0 }')
check '[ "$changed_outside" -eq 0 ]' "$changed_outside bytes outside boot_state changed"
check '! cmp -s "$T/f.bin" "$T/good.bin"' "the confirm wrote nothing"

# ---- broken: a dependency missing, nothing confirmed ----------------------
cp "$T/f.bin" "$T/broken.bin"
linux "$T/broken.bin" "$T/broken.cpio" "$T/broken.log"
expect_status 35
X=$T/broken.log
expect_log "$X" "^hvinit: refused kvm_amd \(package amd-kvm\): kvm_amd \($P/amd-kvm/kvm-amd\.ko\) depends on ccp, which no module here is$"
refuse_log "$X" "^hvinit: loaded kvm_amd"
expect_log "$X" "^hvinit: loaded kvm \("
expect_log "$X" "^hvinit: guest failed: "
expect_log "$X" "^hvinit: agent: health check failed, not confirmed$"
expect_log "$X" "^hvinit: done: modules 4, guest failed, agent: health check failed, not confirmed$"
refuse_log "$X" "^hvinit: confirmed"
check 'cmp -s "$T/f.bin" "$T/broken.bin"' "the flash changed on a boot that confirms nothing"

# ---- as RAM: Linux hot-added the flash window, the agent stays away ------
truncate -s 128M "$T/big.bin"
linux "$T/big.bin" "$T/good.cpio" "$T/big.log" 128 "hvinit.flash=0x100000000,128M,64K"
expect_status 35
expect_log "$T/big.log" "^hvinit: agent: the flash window 0x100000000-0x107ffffff is System RAM to Linux \(0x100000000-0x107ffffff, hot-added memory\?\): not touching it \(boot with acpi_no_memhotplug\)$"
refuse_log "$T/big.log" "^hvinit: loaded phram"
expect_log "$T/big.log" "^hvinit: guest says: hello from a KVM guest$"
finish
