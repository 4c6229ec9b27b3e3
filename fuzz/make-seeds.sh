#!/bin/sh
# Regenerate the seed corpora of fuzz/corpus/ (docs/FUZZING.md). Run once by
# hand after a format change, review, commit; CI never runs it. Signed images
# differ on every run (ECDSA nonces), everything else is byte-stable.
#
#   sh fuzz/make-seeds.sh BUILD_DIR      (a default build with hvimage)
#
# Needs hvimage, GNU tar, cpio, zip, gzip, bzip2, xz and zstd. Every seed is
# named after the verdict its target must reach, ok-* (accepted) or bad-*
# (refused): fuzz/replay.c checks it. Reproducers (ok-crash-*, bad-crash-*)
# are never touched here.
set -eu
cd "$(dirname "$0")/.."
build=${1:?usage: sh fuzz/make-seeds.sh BUILD_DIR}
hvimage=$build/mkimage/cli/hvimage
[ -x "$hvimage" ] || { echo "no $hvimage" >&2; exit 1; }
corpus=$PWD/fuzz/corpus
key=$PWD/fuzz/fuzz-key.pem
golden=$PWD/tests/vectors/zstd-golden
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1700000000

w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT INT TERM

# ---- driver packages: one small tree, many containers -------------------
mkdir -p "$w/pkg/fw" "$w/pkg/bin"
printf 'driver module\n' >"$w/pkg/drv.ko"
printf '\001\002\003firmware\000\377' >"$w/pkg/fw/fw.bin"
printf '#!/bin/sh\necho probe\n' >"$w/pkg/bin/probe.sh"
chmod 0755 "$w/pkg/bin/probe.sh"
ln -s ../drv.ko "$w/pkg/fw/link"
find "$w/pkg" -exec touch -h -d @1700000000 {} +
tarc() { tar --sort=name --owner=0 --group=0 --numeric-owner \
    --blocking-factor=1 --mtime=@1700000000 -C "$w/pkg" "$@" -cf - .; }
d=$corpus/drivers
tarc --format=ustar >"$d/ok-ustar.tar"
# pax: an extended header per entry, with atime and ctime pinned so that
# the bytes do not change from run to run.
tarc --format=pax \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,atime:=1700000000 \
    --pax-option=ctime:=1700000000 >"$d/ok-pax.tar"
tarc --format=gnu | gzip -9n >"$d/ok-gnu.tar.gz"
tarc --format=ustar | bzip2 -9 >"$d/ok-ustar.tar.bz2"
tarc --format=ustar | xz -9 --check=crc32 >"$d/ok-ustar.tar.xz"
tarc --format=ustar | zstd -q -19 >"$d/ok-ustar.tar.zst"
for f in newc odc; do
    (cd "$w/pkg" && find . | sort | cpio -o -H $f --quiet --reproducible) \
        >"$d/ok-$f.cpio"
done
(cd "$w/pkg" && find . -mindepth 1 | sed 's|^\./||' | sort |
    zip -X -y -9 -q -@ "$w/p.zip") && cp "$w/p.zip" "$d/ok-symlink.zip"
# The same tree with every entry under "../": refused, entry named.
tarc --format=ustar -P --transform='s|^\./|../|' >"$d/bad-dotdot.tar"
cp manifests/example/drivers/acme-nic-2.1.0.tar.gz \
    "$d/ok-example-acme-nic.tar.gz"
chmod 0644 "$d/ok-example-acme-nic.tar.gz"
cp manifests/example/drivers/zenith-storage-0.9.3.zip \
    "$d/ok-example-zenith-storage.zip"
chmod 0644 "$d/ok-example-zenith-storage.zip"

# ---- images (fuzz-verify) and their signed prefixes (fuzz-metadata) -------
head -c 200 /dev/zero | tr '\000' 'C' >"$w/core.bin"
printf 'abcdefghijklmnopqrstuvwxyz0123456789\n' >"$w/extra.txt"
: >"$w/empty.bin"
tarc --format=ustar >"$w/drv.tar"

profile() { # NAME OEM DIGEST SLOTS ALIGN BOARDS
    cat >"$w/$1.yaml" <<EOF
oem_id: $2
boards: [$6]
flash:
  size: 16MiB
  erase_block: 4KiB
  boot_stage: {offset: 0, size: 1MiB}
  boot_state: {offset: 1MiB, size: 8KiB}
  slot_a: {offset: 2MiB, size: 7MiB}
  slot_b: {offset: 9MiB, size: 7MiB}
image:
  section_alignment: $5
  compression_level: 3
  digest: $3
  signature_slots: $4
keys:
  algorithms: [ecdsa-p256-sha256]
drivers:
  allow_vendors: [tiny]
EOF
}
profile p-small fuzz-oem sha256 1 16 fuzz-board-1
profile p-wide fuzz-oem sha384 2 64 "fuzz-board-1, fuzz-board-2, zz-board"
profile p-other other-oem sha256 1 16 "fuzz-board-1, fuzz-board-2"

cat >"$w/m-core.yaml" <<'EOF'
image: {name: fuzz-core, version: '1', security_version: 3}
core: {path: core.bin, format: raw, load_address: 0x1000, entry_point: 0x1010}
EOF
cat >"$w/m-full.yaml" <<'EOF'
image:
  name: fuzz-full
  version: 2.0.1
  security_version: 5
core:
  path: core.bin
  load_address: 0x200000
  entry_point: 0x200000
drivers:
  - {vendor: tiny, version: 0.1, path: drv.tar}
boot_config:
  console: ttyS0,115200
  mode: test
sections:
  - {name: notes, path: extra.txt}
  - {name: raw-blob, path: extra.txt, compress: false}
EOF
cat >"$w/m-extras.yaml" <<'EOF'
image: {name: fuzz-extras, version: '3', security_version: 1}
core: {path: core.bin, format: raw, load_address: 0, entry_point: 0x40}
sections:
  - {name: a-empty, path: empty.bin, compress: false}
  - {name: b-empty-zstd, path: empty.bin}
  - {name: c-stored, path: extra.txt, compress: false}
EOF
img() { # VERDICT NAME MANIFEST PROFILE [FORMAT]: the verdict of fuzz-verify's
    # first run; FORMAT the image format version (1 unless given: the
    # first seeds predate version 2 and keep version 1 covered)
    "$hvimage" build -m "$w/$3.yaml" -p "$w/$4.yaml" -o "$w/$2.hvi" \
        --key "$key" --threads 1 --quiet --format-version "${5:-1}"
    cp "$w/$2.hvi" "$corpus/verify/$1-$2.hvi"
    # header + metadata + signature block: all parse, whatever the OEM
    python3 - "$w/$2.hvi" "$corpus/metadata/ok-$2.tbs" <<'EOF'
import struct, sys
b = open(sys.argv[1], 'rb').read()
meta, slots = struct.unpack_from('<II', b, 12)
open(sys.argv[2], 'wb').write(b[:64 + meta + 552 * slots])
EOF
}
img ok core-sha256 m-core p-small
img ok full-sha384-2slots m-full p-wide
img ok extras-stored-empty m-extras p-small
img bad other-oem m-core p-other
# A Linux core (format 2 only): a synthetic bzImage, its command line and a
# base initramfs file; then the same signed prefix with an unknown core kind.
python3 tests/linux/make-bzimage.py "$w/vmlinuz" --kernel-size 4096
cat >"$w/m-linux.yaml" <<'EOF'
image: {name: fuzz-linux, version: '1', security_version: 2}
core:
  kind: linux
  path: vmlinuz
  cmdline: "console=ttyS0 panic=-1"
  initramfs: extra.txt
EOF
img ok v2-linux m-linux p-small 2
python3 - "$corpus/metadata/ok-v2-linux.tbs" \
    "$corpus/metadata/bad-v2-linux-kind2.tbs" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
struct.pack_into('<I', b, 64 + 164, 2)   # HV_META_OFF_CORE_KIND
open(sys.argv[2], 'wb').write(b)
EOF
# Format version 2 (chunk tables; what the builder writes by default).
img ok v2-core-sha256 m-core p-small 2
img ok v2-full-sha384-2slots m-full p-wide 2
img ok v2-extras-stored-empty m-extras p-small 2
img bad v2-other-oem m-core p-other 2
# Slot 1 signed too, under the alias id fuzz-verify.c also trusts for the
# test key (ff..fe): the same key under two ids, which must count once.
python3 - "$corpus/verify/ok-full-sha384-2slots.hvi" \
    "$corpus/verify/ok-alias-slot1.hvi" "$corpus/metadata/ok-alias-slot1.tbs" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
meta, slots = struct.unpack_from('<II', b, 12)
s0 = 64 + meta
b[s0 + 552:s0 + 1104] = b[s0:s0 + 552]
b[s0 + 552:s0 + 584] = b'\xff' * 31 + b'\xfe'
open(sys.argv[2], 'wb').write(b)
open(sys.argv[3], 'wb').write(b[:64 + meta + 552 * slots])
EOF
# Refused seeds, made from accepted ones.
python3 - "$corpus" <<'EOF'
import sys
c = sys.argv[1]
img = open(c + '/verify/ok-core-sha256.hvi', 'rb').read()
# The core's last stored byte changed behind a valid signature: digest.
open(c + '/verify/bad-core-tampered.hvi', 'wb').write(
    img[:-1] + bytes([img[-1] ^ 1]))
# Version 2: the core's last stored byte (its chunk's digest no longer
# matches), and a byte of its chunk table (the table's digest does not).
img = open(c + '/verify/ok-v2-core-sha256.hvi', 'rb').read()
open(c + '/verify/bad-v2-core-tampered.hvi', 'wb').write(
    img[:-1] + bytes([img[-1] ^ 1]))
meta = int.from_bytes(img[12:16], 'little')
core = int.from_bytes(img[64 + 256 + 40:64 + 256 + 48], 'little')
t = bytearray(img)
t[core + 3] ^= 0x10
open(c + '/verify/bad-v2-chunk-table-tampered.hvi', 'wb').write(bytes(t))
tbs = open(c + '/metadata/ok-core-sha256.tbs', 'rb').read()
# A space in the image name (the format's text is [A-Za-z0-9._+-]).
assert tbs.count(b'fuzz-core') == 1
open(c + '/metadata/bad-name-space.tbs', 'wb').write(
    tbs.replace(b'fuzz-core', b'fuzz core'))
# The signature block one byte short.
open(c + '/metadata/bad-sig-block-cut.tbs', 'wb').write(tbs[:-1])
EOF

# ---- zstd frames (fuzz-section): 4 parameter bytes, then the frame --------
# 01 00 00 00: output size = the frame's content size.
s=$corpus/section
hex() { # write the bytes of a hex string to stdout
    python3 -c 'import sys
sys.stdout.buffer.write(bytes.fromhex(sys.argv[1]))' "$1"
}
frame() { # NAME PARAMS(hex) FILE
    hex "$2" >"$s/$1"
    cat "$3" >>"$s/$1"
}
for f in empty-block rle-first-block; do
    frame "ok-golden-$f" 01000000 "$golden/golden-decompression/$f.zst"
done
# Valid upstream, refused by Debian 12's libzstd 1.5.4 (fails closed; see
# fuzz/corpus/README.md).
frame bad-golden-zeroSeq_2B 01000000 \
    "$golden/golden-decompression/zeroSeq_2B.zst"
for f in off0.bin truncated_huff_state zeroSeq_extraneous; do
    frame "bad-golden-error-$f" 01000000 \
        "$golden/golden-decompression-errors/$f.zst"
done
printf 'hello hello hello hello zstd\n' >"$w/t.txt"
seq 1 400 >"$w/n.txt"
zstd -q -c -3 "$w/t.txt" >"$w/t.zst"
frame ok-text-checksum 01000000 "$w/t.zst"
zstd -q -c -19 --no-check "$w/n.txt" >"$w/n.zst"
frame ok-numbers-nocheck 01000000 "$w/n.zst"
# From a pipe the size is unknown: output size from bytes 1..3 (1492).
seq 1 400 | zstd -q -c >"$w/u.zst"
frame ok-unknown-size 00d40500 "$w/u.zst"
# The wrong declared size, and two frames: both must be refused.
frame bad-size-mismatch 00100000 "$w/t.zst"
cat "$w/t.zst" "$w/t.zst" >"$w/two.zst"
frame bad-two-frames 01000000 "$w/two.zst"
# A skippable frame before a real one.
hex 502a4d1804000000736b6970 >"$w/sk.zst" # magic, length 4, "skip"
cat "$w/t.zst" >>"$w/sk.zst"
frame bad-skippable-first 01000000 "$w/sk.zst"

# ---- manifests (fuzz-manifest): the target writes the input as m.yaml ------
m=$corpus/manifest
cat >"$m/ok-full.yaml" <<'EOF'
# Every key; paths name the manifest itself (m.yaml) and its folder (.).
image:
  name: fuzz-manifest
  version: 1.0.0+rc.1
  security_version: 0x10
  build_epoch: 1700000000
core:
  path: m.yaml
  format: raw
  load_address: 0x100000
  entry_point: 0x100040
drivers:
  - vendor: zeta
    version: "2.0"
    path: .
  - vendor: alpha
    version: 1.0
    path: ./m.yaml
boot_config:
  console: ttyS0,115200
  max_vms: 8
  note: "caf\u00e9 \u00fcber"
  empty:
sections:
  - name: ucode
    path: m.yaml
  - name: blob
    path: m.yaml
    compress: false
EOF
cat >"$m/ok-flow.yaml" <<'EOF'
{image: {name: f, version: !!str 1, security_version: !!int 0},
 core: {path: m.yaml, format: auto},
 drivers: [], boot_config: {}, sections: []}
EOF
cat >"$m/ok-elf.yaml" <<'EOF'
image:
  name: elf-core
  version: '7'
  security_version: 18446744073709551615
core:
  path: m.yaml
  format: elf
EOF
cat >"$m/ok-linux.yaml" <<'EOF'
image: {name: fuzz-linux, version: '1', security_version: 1}
core:
  kind: linux
  path: m.yaml
  cmdline: "console=ttyS0,115200 panic=-1 nokaslr"
  initramfs: .
EOF
cat >"$m/bad-linux-bootcfg.yaml" <<'EOF'
image: {name: fuzz-linux, version: '1', security_version: 1}
core: {kind: linux, path: m.yaml, cmdline: "quiet"}
boot_config: {console: ttyS0}
EOF
cat >"$m/bad-missing-file.yaml" <<'EOF'
image: {name: x, version: '1', security_version: 1}
core: {path: missing.bin, format: raw, load_address: 1, entry_point: 1}
EOF
# Its paths name files beside manifests/example.yaml, absent beside m.yaml.
cp manifests/example.yaml "$m/bad-example-files-absent.yaml"

# ---- profiles (fuzz-profile) --------------------------------------------
p=$corpus/profile
for f in oem-profiles/*.yaml; do cp "$f" "$p/ok-$(basename "$f")"; done
cp "$w/p-wide.yaml" "$p/ok-wide.yaml"
cat >"$p/ok-key-ids.yaml" <<'EOF'
oem_id: pinned
boards: [b-2, b-1, B-0]
flash:
  size: 0x2000000
  erase_block: 0x10000
  boot_stage: {offset: 0, size: 64KiB}
  boot_state: {offset: 64KiB, size: 128KiB}
  slot_a: {offset: 16MiB, size: 8MiB}
  slot_b: {offset: 1MiB, size: 8MiB}
image:
  section_alignment: 1MiB
  compression_level: 1
  digest: sha256
  signature_slots: 8
keys:
  algorithms: [ecdsa-p256-sha256, rsa4096-pkcs1-sha256]
  key_ids: [438b354693de81d1d52ec70dd14cd7cdf3019262ca7ec0536831b9433a4c2bc5]
drivers:
  allow_vendors: []
EOF
# The same with slots of different sizes.
sed 's/^  slot_b: .*/  slot_b: {offset: 1MiB, size: 15MiB}/' "$p/ok-key-ids.yaml" \
    >"$p/bad-slot-sizes-differ.yaml"
# ---- trust blocks (issue 11): signed by the public test keys of ---------
# fuzz/trust-keys/ with the trust tests' crafting library.
t=$corpus/trustblock
rm -f "$t"/ok-[!c]* "$t"/bad-[!c]*
"$build/tests/trust/trust-seeds" fuzz/trust-keys "$t"

echo "seeds written under $corpus"
