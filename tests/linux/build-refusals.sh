#!/bin/sh
# A Linux core the boot stage could not start is refused at build time
# (issue 13, item 6): each synthetic bzImage breaks one thing the stage
# checks (boot/linux_header.c), and each manifest one rule of core.kind
# linux. Every refusal: exit 2, the reason named, no output file.
. "$SRC/tests/cli/lib.sh"
MK="$SRC/tests/linux/make-bzimage.py"
cp "$SRC/oem-profiles/acme-servers.yaml" "$T/p.yaml"
cp -R "$SRC/manifests/example/drivers/cobalt-gpu" "$T/cobalt-gpu"
cp "$SRC/manifests/example/drivers/cobalt-gpu.sig" "$T/cobalt-gpu.sig"
expect 0 "" hv keygen -o "$T/k.pem"

# manifest NAME KERNEL [EXTRA-CORE-LINES] [TOP-LEVEL-LINES]
manifest() {
    cat > "$T/$1.yaml" <<EOF2
image: {name: linux-test, version: 1.0.0, security_version: 1, build_epoch: 1}
core:
  kind: linux
  path: $2
${3:-}
${4:-}
EOF2
}
# refused NAME PATTERN: build NAME.yaml, want exit 2, PATTERN, no output.
refused() {
    expect 2 "$2" hv build -m "$T/$1.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/$1.hvi"
    check "$1: no output file" test ! -e "$T/$1.hvi"
}
CMD='  cmdline: "console=ttyS0 panic=-1"'

python3 "$MK" "$T/good.bz"
manifest good good.bz "$CMD"
expect 0 "built .*good.hvi" hv build -m "$T/good.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/good.hvi"
expect 0 "core kind: +linux" hv inspect "$T/good.hvi"

# setup_sects 0 means 4: accepted, and placed as a 5-sector setup.
python3 "$MK" "$T/s0.bz" --setup-sects 0
manifest s0 s0.bz "$CMD"
expect 0 "built" hv build -m "$T/s0.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/s0.hvi"
# 2 MiB boundary less 5 * 512 bytes of setup; the 64-bit entry 0x200 in.
expect 0 "load 0x1ff600 entry 0x200200" hv inspect "$T/s0.hvi"

# One broken header field each: the stage's own refusal, named.
for c in "noflag --no-boot-flag no_boot_flag" "nohdrs --no-hdrs no_header" \
         "p211 --protocol=0x020B old_protocol" "no64 --no-64bit not_64bit" \
         "noreloc --not-relocatable not_relocatable" \
         "sys --syssize-beyond bad_sizes"; do
    set -- $c
    python3 "$MK" "$T/$1.bz" "$2"
    manifest "$1" "$1.bz" "$CMD"
    refused "$1" "$1.bz: not a bzImage the boot stage can start: .*\[$3\]"
done

# 14 MiB + 16 after the setup: the 2 MiB boundary leaves 14 MiB of the core
# window [1 MiB, 16 MiB).
python3 "$MK" "$T/big.bz" --kernel-size $((14 * 1024 * 1024 + 16))
manifest big big.bz "$CMD"
refused big "big.bz: the kernel \(.*\) does not fit the boot stage's core window \[0x100000, 0x1000000\)"
# 16 bytes less fits.
python3 "$MK" "$T/edge.bz" --kernel-size $((14 * 1024 * 1024))
manifest edge edge.bz "$CMD"
expect 0 "built" hv build -m "$T/edge.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/edge.hvi"
rm -f "$T/big.bz" "$T/edge.bz" "$T/edge.hvi"

# The command line: the manifest's limit (2047 - 128), a control byte (its
# line and column and byte offset named), the kernel's own cmdline_size.
long=$(python3 -c 'print("a" * 1920)')
manifest longc good.bz "  cmdline: \"$long\""
refused longc "longc.yaml:5:12: error: 'cmdline' is 1920 bytes; it must be 1 to 1919"
manifest ok1919 good.bz "  cmdline: \"${long%a}\""
expect 0 "built" hv build -m "$T/ok1919.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/ok1919.hvi"
manifest ctrl good.bz '  cmdline: "console=ttyS0\tpanic=-1"'
refused ctrl "ctrl.yaml:5:12: error: 'cmdline' byte 13 is 0x09"
manifest empty good.bz '  cmdline: ""'
refused empty "empty.yaml:5:12: error: 'cmdline' is 0 bytes"
python3 "$MK" "$T/small.bz" --cmdline-size 255
manifest small small.bz '  cmdline: "console=ttyS0 panic=-1 quiet loglevel=3 nokaslr mitigations=off init=/init rdinit=/init root=/dev/ram0 rw earlyprintk=serial,ttyS0,115200 ignore_loglevel"'
refused small "small.yaml:5:12: error: 'cmdline' is 1[0-9][0-9] bytes; kernel .*small.bz takes 127 \(its cmdline_size 255 less the stage's 128\)"

# Manifest rules of the kind.
manifest nocmd good.bz ""
refused nocmd "nocmd.yaml:[0-9]+:[0-9]+: error: missing required key 'cmdline'"
manifest bootcfg good.bz "$CMD" "boot_config: {console: ttyS0}"
refused bootcfg "bootcfg.yaml:6:1: error: 'boot_config' must not be given when core 'kind' is linux"
manifest la good.bz "$CMD
  load_address: 0x100000"
refused la "la.yaml:6:3: error: 'load_address' must not be given when 'kind' is linux"
manifest fmt good.bz "$CMD
  format: raw"
refused fmt "fmt.yaml:6:3: error: 'format' must not be given when 'kind' is linux"
sed 's/kind: linux/kind: xen/' "$T/good.yaml" > "$T/xen.yaml"
refused xen "xen.yaml:3:9: error: 'kind' must be one of monitor, linux"
cat > "$T/mon.yaml" <<EOF2
image: {name: mon-test, version: 1.0.0, security_version: 1, build_epoch: 1}
core:
  path: good.bz
  load_address: 0x100000
  entry_point: 0x100000
  cmdline: "console=ttyS0"
EOF2
refused mon "mon.yaml:6:3: error: 'cmdline' is for a Linux core"
sed 's/  cmdline: "console=ttyS0"/  initramfs: cobalt-gpu/' "$T/mon.yaml" > "$T/mon2.yaml"
refused mon2 "mon2.yaml:6:3: error: 'initramfs' is for a Linux core"
# An extra section may not take the Linux sections' names.
manifest xname good.bz "$CMD" "sections: [{name: initramfs, path: good.bz}]"
refused xname "xname.yaml:6:19: error: section name 'initramfs' is reserved"
# format version 1 stages start monitors only.
expect 2 "a Linux core needs format version 2" hv build --format-version 1 -m "$T/good.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/v1.hvi"
check "v1: no output file" test ! -e "$T/v1.hvi"

# Drivers need a release to go under lib/modules/RELEASE.
python3 "$MK" "$T/norel.bz" --no-release
DRV="drivers: [{vendor: cobalt-gpu, version: 1.0.0, path: cobalt-gpu}]"
manifest norel norel.bz "$CMD" "$DRV"
refused norel "norel.bz: the kernel names no release"
# A release that would lead the modules elsewhere ("lib/modules/.."): the
# release text allows dots, the archive's prefix must still be clean.
python3 "$MK" "$T/dots.bz" --release ..
manifest dots dots.bz "$CMD" "$DRV"
refused dots "cpio prefix 'lib/modules/\.\./updates/hvimage' is not a clean relative path"
# newc has 8 hex digits for the mtime: a build epoch past 2^32 - 1 cannot
# be written into the drivers or initramfs archive.
manifest late good.bz "$CMD" "$DRV"
expect 2 "build epoch 4294967296 does not fit a newc cpio header" \
    env SOURCE_DATE_EPOCH=4294967296 "$HVIMAGE" build -m "$T/late.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/late.hvi"
check "late: no output file" test ! -e "$T/late.hvi"
manifest norel0 norel.bz "$CMD"
expect 0 "built" hv build -m "$T/norel0.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/norel0.hvi"
# The initramfs: missing, an empty file, a folder with a FIFO.
manifest irmiss good.bz "$CMD
  initramfs: nothere"
refused irmiss "irmiss.yaml:6:14: error: 'initramfs' refers to '.*nothere', which does not exist"
: > "$T/empty.cpio"
manifest irempty good.bz "$CMD
  initramfs: empty.cpio"
refused irempty "irempty.yaml:6:14: error: initramfs .*empty.cpio is 0 bytes"
mkdir -p "$T/irfifo/dev" && mkfifo "$T/irfifo/dev/pipe"
manifest irfifo good.bz "$CMD
  initramfs: irfifo"
refused irfifo "irfifo: entry 'dev/pipe': FIFOs are not allowed"
finish
