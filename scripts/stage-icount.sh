#!/bin/sh
# The boot stage's instruction counts for a 12 MiB core (docs/BOOT.md,
# "Hashing: the CPU's SHA extensions"): builds one SHA-256 image (the
# zenith-cloud profile: ECDSA P-256, zstd level 3) and one SHA-384 image
# (acme-servers: ECDSA P-384, level 19) of the same core, assembles each
# with the stage, boots it under QEMU with -icount shift=0 (so every TSC
# tick the stage prints is one instruction, the same on every run) and
# prints the stage's SHA-256 line and timing lines.
#
#   sh scripts/stage-icount.sh [BUILD_DIR [STAGE.bin...]]
#
# Several stages (say, before and after a change) boot the very same
# images, so their counts compare exactly.
#
# The core is the bundled monitor (so the boot ends cleanly) followed by
# this system's ELF files from /usr/bin, sorted by name, up to 12 MiB: real
# machine code, so it compresses as a hypervisor would. A measurement, not
# a test; QEMU_CPU (default qemu64) picks the CPU model.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- "$build/boot/stage/hvstage.bin"
hv=$build/mkimage/cli/hvimage
for stage in "$hv" "$@"; do
    [ -f "$stage" ] || {
        echo "stage-icount: build first (ninja -C $build): no $stage" >&2
        exit 1
    }
done
command -v qemu-system-x86_64 >/dev/null || {
    echo "stage-icount: qemu-system-x86_64 not found" >&2
    exit 1
}
T=$(mktemp -d /tmp/hvicount-XXXXXX)
trap 'rm -rf "$T"' EXIT

# Core: the monitor's loadable bytes at 0x100000, zero through its bss
# (below +0x8000), then the ELF files.
objcopy -O binary manifests/example/monitor.elf "$T/monitor.bin"
python3 - "$T/monitor.bin" "$T/core.bin" <<'EOF'
import os, sys
size = 12 << 20
core = bytearray(open(sys.argv[1], "rb").read())
assert len(core) <= 0x3000, "monitor text grew into its bss"
core += bytes(0x8000 - len(core))
for name in sorted(os.listdir("/usr/bin")):
    path = os.path.join("/usr/bin", name)
    if len(core) >= size:
        break
    if os.path.islink(path) or not os.path.isfile(path):
        continue
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"\x7fELF":
        core += data
if len(core) < size:
    sys.exit("not enough ELF files in /usr/bin for a 12 MiB core")
open(sys.argv[2], "wb").write(bytes(core[:size]))
EOF
cat >"$T/m.yaml" <<EOF
image:
  name: icount-12m
  version: 1.0.0
  security_version: 3
  build_epoch: 1764201600
core:
  path: core.bin
  format: raw
  load_address: 0x100000
  entry_point: 0x100000
boot_config:
  console: ttyS0,115200
EOF

for run in zenith-cloud:zenith-c1:ecdsa-p256-sha256 \
           acme-servers:acme-r750-mb2:ecdsa-p384-sha384; do
    profile=${run%%:*}
    rest=${run#*:}
    board=${rest%%:*}
    alg=${rest#*:}
    "$hv" keygen --alg "$alg" -o "$T/$profile.pem" >/dev/null
    "$hv" build --quiet -m "$T/m.yaml" -p "oem-profiles/$profile.yaml" \
        --key "$T/$profile.pem" -o "$T/$profile.hvi"
    n=0
    for stage in "$@"; do
        n=$((n + 1))
        fl=$T/$profile-$n.flash
        "$hv" assemble -p "oem-profiles/$profile.yaml" --stage "$stage" \
            --key "$T/$profile.pub.pem" --board "$board" --rollback 3 \
            --slot-a "$T/$profile.hvi" -o "$fl" >/dev/null
        set +e
        timeout 300 qemu-system-x86_64 -machine pc -accel tcg -icount shift=0 \
            -cpu "${QEMU_CPU:-qemu64}" \
            -m 256M,slots=1,maxmem=1G -nodefaults -nic none -display none \
            -no-reboot \
            -object memory-backend-file,id=flash,mem-path="$fl",size="$(stat -c %s "$fl")",share=on \
            -device pc-dimm,memdev=flash,addr=0x100000000 -kernel "$fl" \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
            -serial file:"$fl.log" </dev/null
        status=$?
        set -e
        echo "== $profile ($alg, image $(stat -c %s "$T/$profile.hvi") bytes): $stage ($(stat -c %s "$stage") bytes), QEMU exit status $status"
        tr -d '\r' <"$fl.log" |
            grep -E '^hvstage: (SHA-256 code|timing|stage entry)' || true
    done
done
