#!/bin/sh
# Fill manifests/linux-kvm/, the inputs of the Linux/KVM example
# (manifests/linux-kvm.yaml, docs/LINUX.md), from Debian's kernel package
# and the hvinit built in BUILD_DIR:
#   - scripts/fetch-kernel.sh downloads linux-image-6.1.0-N-amd64 with
#     `apt-get download` (never installed) into .cache/kernel;
#   - vmlinuz is its bzImage; initramfs/ holds hvinit as init and the base
#     modules the update agent needs (mtd, phram);
#   - drivers/linux-kvm/ (irqbypass, kvm) and drivers/amd-kvm/ (ccp,
#     kvm-amd) are two vendor packages, kvm-amd depending on kvm in the
#     other package (each module's own depends=), signed as their vendors
#     with the test-only keys in manifests/linux-kvm-keys/ (FOLDER.sig), as
#     oem-profiles/acme-kvm.yaml requires.
# Prints what it made. Nothing there is committed (manifests/linux-kvm/
# .gitignore). OUT_DIR (default manifests/linux-kvm) puts the same files
# elsewhere: the boot test (tests/boot/linux-kvm.sh) makes its own copy.
#
#     sh scripts/fetch-linux-example.sh BUILD_DIR [OUT_DIR]
set -eu
[ $# -eq 1 ] || [ $# -eq 2 ] ||
    { echo "usage: sh scripts/fetch-linux-example.sh BUILD_DIR [OUT_DIR]" >&2; exit 2; }
build=$(cd "$1" && pwd)
outarg=${2:-}
if [ -n "$outarg" ]; then
    mkdir -p "$outarg"
    outarg=$(cd "$outarg" && pwd)
fi
cd "$(dirname "$0")/.."
hvinit=$build/initramfs/hvinit
hvimage=$build/mkimage/cli/hvimage
[ -x "$hvinit" ] || {
    echo "fetch-linux-example: no $hvinit (it is built where static linking works: apt-get install libc6-dev, and a build without sanitizers)" >&2
    exit 1
}
[ -x "$hvimage" ] || { echo "fetch-linux-example: no $hvimage: build first (ninja -C $1)" >&2; exit 1; }

kdir=$(sh scripts/fetch-kernel.sh)
ver=${kdir##*/}
mods=$kdir/lib/modules/$ver/kernel
out=${outarg:-manifests/linux-kvm}
keys=manifests/linux-kvm-keys

# What each package holds, relative to the kernel's module tree.
base_mods="drivers/mtd/mtd.ko drivers/mtd/devices/phram.ko"
linux_kvm="virt/lib/irqbypass.ko arch/x86/kvm/kvm.ko"
amd_kvm="drivers/crypto/ccp/ccp.ko arch/x86/kvm/kvm-amd.ko"
for m in $base_mods $linux_kvm $amd_kvm; do
    [ -f "$mods/$m" ] || { echo "fetch-linux-example: $mods/$m missing" >&2; exit 1; }
done

rm -rf "$out/vmlinuz" "$out/initramfs" "$out/drivers" "$out/KERNEL"
mkdir -p "$out/initramfs" "$out/drivers/linux-kvm" "$out/drivers/amd-kvm"
cp "$kdir/boot/vmlinuz-$ver" "$out/vmlinuz"
# Without its debugging symbols (1.6 MiB of the 2 MiB are): it is what
# the image carries, not what is debugged.
strip -o "$out/initramfs/init" "$hvinit" 2>/dev/null || cp "$hvinit" "$out/initramfs/init"
for m in $base_mods; do
    mkdir -p "$out/initramfs/lib/modules/$ver/kernel/${m%/*}"
    cp "$mods/$m" "$out/initramfs/lib/modules/$ver/kernel/$m"
done
for m in $linux_kvm; do cp "$mods/$m" "$out/drivers/linux-kvm/"; done
for m in $amd_kvm; do cp "$mods/$m" "$out/drivers/amd-kvm/"; done
echo "$ver" >"$out/KERNEL"

# The versions manifests/linux-kvm.yaml names (the packages' version is
# the kernel's upstream version: the modules only load into the kernel
# they were built for, which the image carries with them).
for v in linux-kvm amd-kvm; do
    "$hvimage" driver sign --key "$keys/$v.pem" --vendor "$v" --version 6.1.0 \
        --license GPL-2.0-only "$out/drivers/$v" >/dev/null
done

echo "$out/ from Debian's linux-image-$ver:"
(cd "$out" && find . -type f ! -name README.md ! -name .gitignore | LC_ALL=C sort |
    while read -r f; do printf '  %-58s %9s bytes\n' "${f#./}" "$(stat -c %s "$f")"; done)
