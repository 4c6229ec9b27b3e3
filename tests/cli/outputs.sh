#!/bin/sh
# Output paths are checked before any work, the same way in every command
# that writes one: an output that is one of the command's inputs (by device
# and inode, so links do not get around it), a private key, a folder, or in
# a missing or read-only folder is refused with exit 2 and nothing changes.
# A full disk exits 3 naming the file and leaves nothing behind.
. "$(dirname "$0")/lib.sh"
cp -r "$SRC/manifests/example.yaml" "$SRC/manifests/example" "$T/"
P="$SRC/oem-profiles/acme-servers.yaml"
expect 0 "" hv keygen -o "$T/k.pem"
sum() { sha256sum "$1" | cut -d' ' -f1; }
key_sum=$(sum "$T/k.pem")
core_sum=$(sum "$T/example/monitor.elf")
build() { hv build -q -m "$T/example.yaml" -p "$P" --key "$T/k.pem" "$@"; }

# Outputs that are inputs.
expect 2 "k.pem: is the input .*k.pem" build -o "$T/k.pem"
ln "$T/k.pem" "$T/hardlink.pem"
expect 2 "is the input" build -o "$T/hardlink.pem"
ln -s k.pem "$T/symlink.pem"
expect 2 "is the input" build -o "$T/symlink.pem"
expect 2 "is the input" build -o "$T/example/../example.yaml"
expect 2 "the input .*monitor.elf named by" build -o "$T/example/monitor.elf"
# A package's signature file, beside it or named by `signature:`, and a
# file inside a folder package (it would join the package being read).
sig_sum=$(sum "$T/example/drivers/acme-nic-2.1.0.tar.gz.sig")
expect 2 "is \(or is inside\) the input .*acme-nic-2.1.0.tar.gz.sig named by" \
    build -o "$T/example/drivers/acme-nic-2.1.0.tar.gz.sig"
check "the signature is unchanged" \
    test "$(sum "$T/example/drivers/acme-nic-2.1.0.tar.gz.sig")" = "$sig_sum"
expect 2 "is \(or is inside\) the input .*cobalt-gpu named by" \
    build -o "$T/example/drivers/cobalt-gpu/new.hvi"
ln -s example/drivers/cobalt-gpu "$T/gpu-link"
expect 2 "is \(or is inside\) the input .*cobalt-gpu named by" \
    build -o "$T/gpu-link/x.hvi"
check "nothing written into the package folder" \
    test ! -e "$T/example/drivers/cobalt-gpu/new.hvi"
expect 2 "provenance .*is \(or is inside\) the input .*cobalt-gpu.sig" \
    build -o "$T/p.hvi" --provenance "$T/example/drivers/cobalt-gpu.sig"
check "the key is unchanged" test "$(sum "$T/k.pem")" = "$key_sum"
check "the core is unchanged" test "$(sum "$T/example/monitor.elf")" = "$core_sum"
# sign, tbs and attach: the defects the review found, and the stream output.
cp "$T/k.pem" "$T/other-key.pem"
expect 0 "" build -o "$T/img.hvi"
expect 2 "k.pem: is the input" hv sign --key "$T/k.pem" "$T/img.hvi" -o "$T/k.pem"
check "sign left the key alone" test "$(sum "$T/k.pem")" = "$key_sum"
expect 0 "" hv build -q -m "$T/example.yaml" -p "$P" --unsigned -o "$T/u.hvi"
expect 0 "" hv tbs "$T/u.hvi" -o "$T/u.tbs"
"$HVIMAGE" tbs "$T/u.hvi" -o - > "$T/u-stdout.tbs"
check "tbs -o - writes the same bytes to standard output" cmp -s "$T/u.tbs" "$T/u-stdout.tbs"
expect 2 "is the input" hv tbs "$T/u.hvi" -o "$T/u.hvi"
openssl dgst -sha384 -sign "$T/k.pem" -out "$T/u.sig" "$T/u.tbs"
sig_sum=$(sum "$T/u.sig")
expect 2 "u.sig: is the input" hv attach --pub "$T/k.pub.pem" --signature "$T/u.sig" "$T/u.hvi" -o "$T/u.sig"
check "attach left the signature alone" test "$(sum "$T/u.sig")" = "$sig_sum"
expect 2 "holds a private key" hv attach --pub "$T/k.pub.pem" --signature "$T/u.sig" "$T/u.hvi" -o "$T/other-key.pem"
expect 2 "--signature given twice" hv attach --pub "$T/k.pub.pem" --signature "$T/u.sig" --signature "$T/u.sig" "$T/u.hvi"
expect 2 "--key is required" hv sign "$T/u.hvi"
# A private key is never overwritten, whatever the command.
expect 0 "" hv keygen -o "$T/other.pem"
expect 2 "holds a private key" build -o "$T/other.pem"
expect 2 "holds a private key" hv keygen -o "$T/other.pem"
expect 2 "holds a private key" hv keygen -o "$T/third.pem" --pub "$T/k.pem"
check "keygen left no third key" test ! -e "$T/third.pem"
# Folders.
expect 2 "is a folder" build -o "$T/example"
expect 2 "folder .*missing: No such file" build -o "$T/missing/image.hvi"
expect 2 "folder .*missing: No such file" hv keygen -o "$T/missing/k.pem"
# Repeated and missing options are named.
expect 2 "--output given twice" build -o "$T/a.hvi" -o "$T/b.hvi"
expect 2 "--profile is required" hv build -m "$T/example.yaml" -o "$T/a.hvi" --key "$T/k.pem"
expect 2 "--manifest is required" hv build -p "$P" -o "$T/a.hvi" --key "$T/k.pem"

# A read-only file system and a full disk need a mount of our own (root).
if [ "$(id -u)" -ne 0 ]; then
    echo "FAIL: this test needs root to mount small file systems"
    exit 1
fi
mkdir "$T/ro" "$T/tiny"
mount -t tmpfs -o ro,size=1m tmpfs "$T/ro" || { echo "FAIL: mount"; exit 1; }
mount -t tmpfs -o size=64k tmpfs "$T/tiny" || { umount "$T/ro"; echo "FAIL: mount"; exit 1; }
trap 'umount "$T/ro" "$T/tiny" 2>/dev/null; rm -rf "$T"' EXIT
expect 2 "ro is not writable: Read-only file system" build -o "$T/ro/image.hvi"
expect 2 "not writable" hv keygen -o "$T/ro/k.pem"
# 256 KiB of random bytes do not compress: the disk fills mid-build.
head -c 262144 /dev/urandom > "$T/random.bin"
cat > "$T/big.yaml" <<EOF2
image: {name: big, version: 1.0.0, security_version: 1, build_epoch: 1}
core: {path: random.bin, format: raw, load_address: 0x100000, entry_point: 0x100000}
EOF2
big() { hv build -q -m "$T/big.yaml" -p "$P" --key "$T/k.pem" "$@"; }
expect 3 "tiny/image.hvi: write failed: No space left on device" big -o "$T/tiny/image.hvi"
check "nothing left on the full disk" test -z "$(ls -A "$T/tiny")"
expect 3 "tiny/image.hvi: write failed: No space left on device" \
    env HV_TEST_NO_TMPFILE=1 "$HVIMAGE" build -q -m "$T/big.yaml" -p "$P" \
    --key "$T/k.pem" -o "$T/tiny/image.hvi"
check "nothing left on the full disk (named temporary)" test -z "$(ls -A "$T/tiny")"
finish
