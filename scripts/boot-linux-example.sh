#!/bin/sh
# The Linux/KVM example end to end (docs/LINUX.md, docs/BOOT.md "Linux
# core"): fetch Debian's kernel package with `apt-get download` (never
# installed; scripts/fetch-linux-example.sh fills manifests/linux-kvm/),
# build manifests/linux-kvm.yaml for the acme-kvm OEM, verify it, assemble a
# factory flash for an acme-kvm-q1 board and boot it in QEMU through the
# boot stage, which starts Linux by the x86 64-bit boot protocol. /init
# (hvinit) loads the vendors' KVM modules from the image's drivers section,
# runs a KVM guest and reports the boot state. Then an update to slot B
# boots on trial and hvinit confirms it.
#
#   sh scripts/boot-linux-example.sh [BUILD_DIR]      (default: build)
#
# Signs with out/dev-key.pem (made here if missing). Serial logs in
# out/linux-boot.log and out/linux-update.log. About a minute under TCG.
# Exit status: 0 if both boots ran the guest and the update was confirmed.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
hv=$build/mkimage/cli/hvimage
stage=$build/boot/stage/hvstage.bin
[ -x "$hv" ] && [ -f "$stage" ] ||
    { echo "boot-linux-example: build first (ninja -C $build)" >&2; exit 1; }

sh scripts/fetch-linux-example.sh "$build"
mkdir -p out
key=out/dev-key.pem
[ -f "$key" ] || "$hv" keygen --alg ecdsa-p384-sha384 -o "$key"
profile=oem-profiles/acme-kvm.yaml
board=acme-kvm-q1

"$hv" build -m manifests/linux-kvm.yaml -p "$profile" --key "$key" \
    -o out/linux-kvm.hvi
"$hv" verify --key out/dev-key.pub.pem --board "$board" --rollback 1 \
    --profile "$profile" out/linux-kvm.hvi
# The update: the same inputs, a newer version and security version.
sed -e 's/^  version: 1\.0\.0/  version: 1.0.1/' \
    -e 's/^  security_version: 1$/  security_version: 2/' \
    -e "s#linux-kvm/#$PWD/manifests/linux-kvm/#g" \
    manifests/linux-kvm.yaml >out/linux-kvm-1.0.1.yaml
"$hv" build -m out/linux-kvm-1.0.1.yaml -p "$profile" --key "$key" \
    -o out/linux-kvm-1.0.1.hvi
flash=out/linux-flash.bin
"$hv" assemble -p "$profile" --stage "$stage" --key out/dev-key.pub.pem \
    --board "$board" --rollback 1 --slot-a out/linux-kvm.hvi -o "$flash"

# boot LOG: the flash in QEMU, as scripts/boot-example.sh does, with the
# RAM Linux needs and -cpu max (TCG emulates SVM, which the guest needs,
# only in that model). Prints the stage's and hvinit's lines.
boot() {
    echo "booting $flash in QEMU (serial log: $1)"
    set +e
    timeout 180 qemu-system-x86_64 -machine pc -accel tcg -cpu max \
        -m 1G,slots=1,maxmem=2G -nodefaults -nic none -display none \
        -no-reboot \
        -object memory-backend-file,id=flash,mem-path="$flash",size="$(stat -c %s "$flash")",share=on \
        -device pc-dimm,memdev=flash,addr=0x100000000 \
        -kernel "$flash" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -serial file:"$1" </dev/null
    status=$?
    set -e
    tr -d '\r' <"$1" | grep -E '^(hvstage|hvinit):'
    case $status in
    33) echo "boot-linux-example: hvinit's checks passed (QEMU exit status 33)" ;;
    35) echo "boot-linux-example: hvinit reported a failure (status 35)"; exit 1 ;;
    65) echo "boot-linux-example: the stage found no bootable slot (status 65)"; exit 1 ;;
    124) echo "boot-linux-example: QEMU timed out"; exit 1 ;;
    *) echo "boot-linux-example: QEMU exit status $status"; exit 1 ;;
    esac
}
boot out/linux-boot.log
"$hv" update --flash "$flash" install --activate out/linux-kvm-1.0.1.hvi
boot out/linux-update.log
"$hv" update --flash "$flash" status
