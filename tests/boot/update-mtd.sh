#!/bin/sh
# hvimage update over a real Linux MTD device (docs/UPDATE.md "Targets").
# This container has no MTD device and cannot load modules, so the test
# boots Debian's kernel under QEMU (fetched by scripts/fetch-kernel.sh,
# never installed) with an initramfs built here: busybox, the real hvimage
# with the shared libraries ldd names, the images, and the modules. Its
# /init loads mtdram with the stage's geometry (64 MiB, 64 KiB erase
# blocks), writes the factory flash made here by `hvimage assemble` onto
# /dev/mtd0, runs `update status`, `install --activate`, `confirm` and
# `status --json` on it, and copies the MTD out to a virtio disk. The host
# then checks that it is byte for byte the flash file the same steps give
# with the flash-file target, reads it back with `update status` and boots
# it through the stage. The same boot checks the refusals, each with exit 2,
# its message and the MTD unchanged: the read-only node /dev/mtd0ro, an MTD
# of another size, one with 4 KiB erase blocks, NAND (nandsim), and the
# mtdblock device. An MTD
# without MTD_WRITEABLE cannot be made here (mtdram is always writable, and
# this kernel has no command-line partitions): tests/update/mtd-unit.c
# covers that refusal with a scripted MEMGETINFO.
. "$(dirname "$0")/lib.sh"
: "${HV_KERNEL_DIR:?}"
BUSYBOX=${BUSYBOX:-/bin/busybox}
# About 20 s on a 2-core machine; the bound leaves room for one busy with
# other tests.
LINUX_TIMEOUT=${LINUX_TIMEOUT:-150}

ver=$(cat "$HV_KERNEL_DIR/current" 2>/dev/null) ||
    die "no kernel in $HV_KERNEL_DIR: run sh scripts/fetch-kernel.sh"
K=$HV_KERNEL_DIR/$ver
# The uncompressed kernel boots through its PVH entry, seconds sooner
# under TCG than vmlinuz, which decompresses itself.
KERNEL=$K/boot/vmlinux-$ver
[ -f "$KERNEL" ] || KERNEL=$K/boot/vmlinuz-$ver
MODS=$K/lib/modules/$ver/kernel
[ -f "$KERNEL" ] || die "$KERNEL missing: run sh scripts/fetch-kernel.sh"
[ -x "$BUSYBOX" ] && "$BUSYBOX" --list | grep -qx insmod ||
    die "$BUSYBOX is not a busybox with insmod (apt-get install busybox-static)"
ldd "$BUSYBOX" >/dev/null 2>&1 &&
    die "$BUSYBOX is dynamically linked (apt-get install busybox-static)"

# ---- the factory flash and the update, with the flash-file target -------
key dev
image "$T/a.hvi" dev                       # 1.4.2, security version 3
sed -e 's/^  version: .*/  version: 1.4.3/' \
    -e 's/^  security_version: .*/  security_version: 5\n  min_security_version: 4/' \
    -e "s#path: example/#path: $SRC/manifests/example/#" "$MANIFEST" >"$T/b.yaml"
image "$T/b.hvi" dev "$T/b.yaml"
flash "$T/f.bin" --key "$T/dev.pub.pem" --rollback 3 --slot-a "$T/a.hvi"
[ "$erase_block" -eq 65536 ] && [ "$(stat -c %s "$T/f.bin")" -eq 67108864 ] ||
    die "the profile's flash is not 64 MiB in 64 KiB blocks: update the mtdram sizes"
cp "$T/f.bin" "$T/ref.bin"
hv update --flash "$T/ref.bin" status >"$T/ref-status0.out" || die "status (file)"
hv update --flash "$T/ref.bin" install --activate "$T/b.hvi" \
    >"$T/ref-install.out" || die "install (file)"
hv update --flash "$T/ref.bin" confirm >"$T/ref-confirm.out" || die "confirm (file)"
hv update --flash "$T/ref.bin" status --json >"$T/ref-status.json" ||
    die "status --json (file)"

# ---- the initramfs -------------------------------------------------------
R=$T/root
mkdir -p "$R/bin" "$R/dev" "$R/proc" "$R/sys" "$R/mods" "$R/data" "$R/r"
cp "$BUSYBOX" "$R/bin/busybox"
cp "$HVIMAGE" "$R/bin/hvimage"
# hvimage's shared libraries and the dynamic loader, at their own paths.
ldd "$HVIMAGE" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p' |
    sort -u >"$T/libs"
[ -s "$T/libs" ] || die "ldd $HVIMAGE named no library"
while read -r lib; do
    mkdir -p "$R$(dirname "$lib")"
    cp -L "$lib" "$R$lib" || die "copy $lib"
done <"$T/libs"
cp "$T/b.hvi" "$R/data/b.hvi"
# A sanitizer build's hvimage runs in the guest as on the host: with the
# same options (the 'sanitize' test setup makes every report fatal).
for v in ASAN_OPTIONS UBSAN_OPTIONS; do
    eval "val=\${$v:-}"
    [ -n "$val" ] && printf "export %s='%s'\n" "$v" "$val"
done >"$R/data/env"

# Modules and what they depend on (each .ko's modinfo "depends="), in load
# order, one list per group the guest loads at once (/mods/GROUP.order).
# The package has no modules.dep: it is made at install time.
: >"$T/loaded"
mod_path() {
    p=$(find "$MODS" -name "$1.ko" | head -n 1)
    [ -n "$p" ] || die "module $1 is not in $MODS (scripts/fetch-kernel.sh extracts it)"
    echo "$p"
}
add_mod() { # GROUP MODULE (recursive: no variable outlives a call)
    grep -qx "$2" "$T/loaded" && return 0
    for dep in $(strings -a "$(mod_path "$2")" | sed -n 's/^depends=//p' | tr ',' ' '); do
        add_mod "$1" "$dep"
    done
    cp "$(mod_path "$2")" "$R/mods/$2.ko" || die "copy module $2"
    echo "$2" >>"$T/loaded"
    echo "$2" >>"$R/mods/$1.order"
}
add_mod virtio virtio_pci
add_mod virtio virtio_blk
add_mod mtd mtd
add_mod mtdram mtdram
add_mod nand nandsim
add_mod mtdblock mtdblock
[ "$(cat "$R/mods/mtdram.order")" = mtdram ] || die "mtdram needs more than mtd"

cat >"$R/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
. /data/env
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
# mod NAME [PARAMS...]: insmod one module.
mod() {
    n=$1
    shift
    insmod "/mods/$n.ko" "$@" || echo "hvtest: insmod $n failed"
}
# group NAME: a module and its dependencies, in the order the host found.
group() { for m in $(cat "/mods/$1.order"); do mod "$m"; done; }
echo "hvtest: /init starts at $(cut -d' ' -f1 /proc/uptime) s"
group virtio
group mtd
i=0
while ! [ -b /dev/vdc ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
# run NAME CMD...: stdout, stderr and exit status into /r/NAME.{out,err,rc}.
run() {
    n=$1
    shift
    "$@" >"/r/$n.out" 2>"/r/$n.err"
    echo $? >"/r/$n.rc"
    echo "hvtest: $n: exit $(cat "/r/$n.rc") (at $(cut -d' ' -f1 /proc/uptime) s)"
}
# sum NAME: the MTD's digest after NAME's refused commands (the host knows
# what it held before: it wrote it).
sum() { md5sum /dev/mtd0 | cut -d' ' -f1 >"/r/$1.sum"; }
geometry() {
    for f in type size erasesize writesize flags; do
        echo "$f $(cat /sys/class/mtd/mtd0/$f)"
    done >"/r/$1.geometry"
}
# mtdram KIB ERASE_KIB [COPY_KIB]: a fresh mtdram (it starts erased)
# holding the factory flash, or its first COPY_KIB.
mtdram() {
    rmmod mtdram 2>/dev/null
    mod mtdram total_size="$1" erase_size="$2"
    dd if=/dev/vda of=/dev/mtd0 bs=65536 count=$((${3:-$1} / 64)) 2>/dev/null ||
        echo "hvtest: writing the factory flash failed"
}
up() { hvimage update "$@"; }

# The stage's geometry: the update, step by step.
mtdram 65536 64
geometry nor
run status0 up --flash /dev/mtd0 status
run status0-sys up --flash /sys/class/mtd/mtd0 status --json
run ro-status up --flash /dev/mtd0ro status
run ro-install up --flash /dev/mtd0ro install --activate /data/b.hvi
sum ro
run install up --flash /dev/mtd0 install --activate /data/b.hvi
run confirm up --flash /dev/mtd0 confirm
run status up --flash /dev/mtd0 status --json
dd if=/dev/mtd0 of=/dev/vdb bs=65536 2>/dev/null
echo $? >/r/dump.rc
# The block device over the MTD is not a target.
group mtdblock
i=0
while ! [ -b /dev/mtdblock0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
run mtdblock-status up --flash /dev/mtdblock0 status
rmmod mtdblock

# The refusals need only the stage (the first MiB) and the boot state on
# the MTD, as a device whose slots were never written.
# Another size: half the flash.
mtdram 32768 64 2048
run size-status up --flash /dev/mtd0 status
run size-install up --flash /dev/mtd0 install --activate /data/b.hvi
sum size

# The stage's size, 4 KiB erase blocks.
mtdram 65536 4 2048
geometry erase
run erase-status up --flash /dev/mtd0 status
run erase-install up --flash /dev/mtd0 install --activate /data/b.hvi
sum erase
rmmod mtdram

# NAND.
group nand
geometry nand
run nand-status up --flash /dev/mtd0 status
run nand-install up --flash /dev/mtd0 install --activate /data/b.hvi

tar -cf /dev/vdc r || echo "hvtest: tar failed"
sync
echo "hvtest: done"
poweroff -f
INIT
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc --quiet) >"$T/initrd.cpio" ||
    die "cpio"

# ---- the boot ------------------------------------------------------------
cp "$T/f.bin" "$T/in.img"
truncate -s 64M "$T/out.img"
truncate -s 16M "$T/res.img"
start=$(date +%s)
timeout "$LINUX_TIMEOUT" "$QEMU" -machine pc -accel tcg -cpu max -m 512M \
    -nodefaults -nic none -display none -no-reboot \
    -kernel "$KERNEL" -initrd "$T/initrd.cpio" \
    -append "console=ttyS0 loglevel=1 panic=-1 mitigations=off" \
    -drive file="$T/in.img",format=raw,if=virtio,readonly=on \
    -drive file="$T/out.img",format=raw,if=virtio \
    -drive file="$T/res.img",format=raw,if=virtio \
    -serial file:"$T/console.log" </dev/null >"$T/qemu.log" 2>&1
status=$?
echo "Linux under QEMU: $(($(date +%s) - start)) s, exit $status"
G=$T/guest
mkdir -p "$G"
if [ "$status" -ne 0 ] || ! grep -q "^hvtest: done" "$T/console.log" ||
    ! tar -xf "$T/res.img" -C "$G"; then
    echo "FAIL: the guest did not finish (QEMU exit $status)"
    cat "$T/console.log" "$T/qemu.log"
    exit 1
fi
G=$G/r

# guest_rc NAME WANT; guest_out NAME out|err REGEX
guest_rc() {
    checks=$((checks + 1))
    got=$(cat "$G/$1.rc" 2>/dev/null)
    if [ "$got" != "$2" ]; then
        echo "FAIL: $1 in the guest: exit ${got:-none}, wanted $2"
        cat "$G/$1.out" "$G/$1.err" 2>/dev/null
        fails=$((fails + 1))
    fi
}
guest_out() {
    checks=$((checks + 1))
    if ! grep -Eq -- "$3" "$G/$1.$2"; then
        echo "FAIL: $1's std$2 in the guest does not match /$3/:"
        cat "$G/$1.$2"
        fails=$((fails + 1))
    fi
}
# unchanged NAME KIB COPY_KIB: after NAME's refused commands the KIB MTD
# still holds the factory flash's first COPY_KIB and is erased beyond.
unchanged() {
    checks=$((checks + 1))
    want=$({ head -c $(($3 * 1024)) "$T/f.bin"
             head -c $((($2 - $3) * 1024)) /dev/zero | tr '\0' '\377'; } |
           md5sum | cut -d' ' -f1)
    if [ "$(cat "$G/$1.sum" 2>/dev/null)" != "$want" ]; then
        echo "FAIL: the refused $1 commands changed the MTD"
        fails=$((fails + 1))
    fi
}
check() {
    checks=$((checks + 1))
    if ! eval "$1"; then
        echo "FAIL: $2"
        fails=$((fails + 1))
    fi
}

# The kernel's geometry, as the test meant it.
check 'grep -qx "type ram" "$G/nor.geometry" && grep -qx "erasesize 65536" "$G/nor.geometry" && grep -qx "size 67108864" "$G/nor.geometry"' \
    "mtdram geometry: $(cat "$G/nor.geometry" | tr '\n' ' ')"
check 'grep -qx "erasesize 4096" "$G/erase.geometry"' "4 KiB mtdram: $(tr '\n' ' ' <"$G/erase.geometry")"
check 'grep -qx "type nand" "$G/nand.geometry"' "nandsim: $(tr '\n' ' ' <"$G/nand.geometry")"

# status on the MTD says what it says on the file, but for the name.
guest_rc status0 0
sed 1d "$G/status0.out" >"$T/g0"
sed 1d "$T/ref-status0.out" >"$T/h0"
check 'cmp -s "$T/g0" "$T/h0"' "status on /dev/mtd0 differs from the flash file's: $(diff "$T/g0" "$T/h0")"
guest_out status0 out "^flash /dev/mtd0: board $BOARD, OEM acme-servers, 67108864 bytes, erase block 65536$"
guest_rc status0-sys 0
check '[ "$(json "$G/status0-sys.out" "(j[\"active\"], j[\"slots\"][\"A\"][\"verified\"], j[\"erase_block\"])")" = "('"'A'"', True, 65536)" ]' \
    "status --json through /sys/class/mtd/mtd0: $(cat "$G/status0-sys.out")"
guest_rc ro-status 0
guest_rc ro-install 2
guest_out ro-install err "^hvimage update: /dev/mtd0ro: the read-only node of an MTD device cannot be written; use /dev/mtd0$"
unchanged ro 65536 65536

# The update on the MTD.
guest_rc install 0
guest_out install out "^installed example-hv 1\.4\.3 \(security version 5\) into slot B; active on trial$"
guest_rc confirm 0
guest_out confirm out "^slot B confirmed \(good\)$"
guest_rc status 0
check '[ "$(json "$G/status.out" "{k: v for k, v in j.items() if k != \"flash\"}")" = "$(json "$T/ref-status.json" "{k: v for k, v in j.items() if k != \"flash\"}")" ]' \
    "status --json on /dev/mtd0 differs from the flash file's"
check '[ "$(json "$G/status.out" "(j[\"active\"], j[\"slots\"][\"B\"][\"state\"], j[\"pending\"])")" = "('"'B'"', '"'good'"', {'"'floor_raise_to'"': 4})" ]' \
    "status --json after confirm: $(cat "$G/status.out")"
check '[ "$(cat "$G/dump.rc")" = 0 ]' "copying /dev/mtd0 out failed"
check 'cmp -s "$T/out.img" "$T/ref.bin"' \
    "the MTD after the update differs from the flash file after the same steps: $(cmp "$T/out.img" "$T/ref.bin" | head -1)"

# What came out of the MTD reads and boots as the device's flash: B, now
# good, boots, and the stage raises the floor to B's minimum, 4.
hv update --flash "$T/out.img" status >"$T/out-status" 2>&1
rc=$?
check '[ "$rc" -eq 0 ] && grep -q "^slot B: good, example-hv 1.4.3" "$T/out-status"' \
    "status of the MTD's copy: $(cat "$T/out-status")"
boot "$T/out.img" "$T/boot.log"
expect_status 33
expect_log "$T/boot.log" "^hvstage: security floor raised from 3 to 4 \(slot B is confirmed\)$"
expect_log "$T/boot.log" "^hvmonitor: booted example-hv version 1\.4\.3 from slot B$"
hv update --flash "$T/out.img" status --json >"$T/after-boot.json" ||
    die "status after the boot"
check '[ "$(json "$T/after-boot.json" "j[\"floor\"]")" = 4 ]' \
    "the floor after booting the MTD's copy: $(json "$T/after-boot.json" "j[\"floor\"]")"

# Refusals: exit 2, the message, the MTD unchanged.
guest_rc size-status 2
guest_rc size-install 2
guest_out size-install err "^hvimage update: /dev/mtd0: the flash is 33554432 bytes, the device's trust area says its flash is 67108864 bytes$"
unchanged size 32768 2048
guest_rc erase-status 2
guest_rc erase-install 2
guest_out erase-install err "^hvimage update: /dev/mtd0: the MTD device's erase block is 4096 bytes, the stage on it was provisioned for 65536 "
unchanged erase 65536 2048
guest_rc nand-status 2
guest_rc nand-install 2
guest_out nand-install err "^hvimage update: /dev/mtd0: NAND flash cannot hold an hvimage flash"
guest_rc mtdblock-status 2
guest_out mtdblock-status err "^hvimage update: /dev/mtdblock0: an mtdblock device hides the flash's erase blocks; use the MTD character device /dev/mtd0$"
# Neither a file nor an MTD device, on the host.
hv update --flash /dev/null status >"$T/out" 2>"$T/err"
rc=$?
check '[ "$rc" -eq 2 ] && grep -q "^hvimage update: /dev/null: the flash target is neither a regular file nor an MTD device (/dev/mtdN)$" "$T/err"' \
    "update --flash /dev/null: $(cat "$T/err")"
finish
