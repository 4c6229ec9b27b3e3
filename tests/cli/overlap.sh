#!/bin/sh
# At the slow zstd levels the builder compresses the sections after the core
# (boot configuration, drivers, extras) on a helper thread beside the core.
# The image must be byte-identical to a one-thread build, verify, and bad
# inputs of a spooled section must still fail the build cleanly.
. "$(dirname "$0")/lib.sh"
# A 6 MiB core: level 9 then uses a 4 MiB window, the slow class.
for f in /usr/bin/*; do [ -f "$f" ] && cat "$f"; done 2>/dev/null | head -c 6291456 > "$T/core.bin"
check "test core is 6 MiB" test "$(stat -c %s "$T/core.bin")" -eq 6291456
cp -r "$SRC/manifests/example/drivers" "$T/drivers"
head -c 300000 /dev/urandom > "$T/blob.bin"
printf 'calibration=42\n' > "$T/cal.txt"
cat > "$T/m.yaml" <<EOF
image: {name: overlap, version: 1.0.0, security_version: 1, build_epoch: 1}
core: {path: core.bin, format: raw, load_address: 0x100000, entry_point: 0x100000}
drivers:
  - {vendor: acme-nic, version: 2.1.0, path: drivers/acme-nic-2.1.0.tar.gz}
  - {vendor: cobalt-gpu, version: 1.0.0, path: drivers/cobalt-gpu}
boot_config: {console: ttyS0}
sections:
  - {name: blob, path: blob.bin, compress: false}
  - {name: calibration, path: cal.txt}
EOF
sed 's/compression_level: 19/compression_level: 9/' "$SRC/oem-profiles/orbital-edge.yaml" > "$T/p.yaml"
expect 0 "" hv keygen --alg rsa3072-pkcs1-sha256 -o "$T/k.pem"
expect 0 "6 sections.*later sections compressed beside the core" \
    hv build -m "$T/m.yaml" -p "$T/p.yaml" --key "$T/k.pem" --threads 2 -o "$T/t2.hvi"
out=$("$HVIMAGE" build -m "$T/m.yaml" -p "$T/p.yaml" --key "$T/k.pem" --threads 1 -o "$T/t1.hvi" 2>&1)
check "one thread builds serially" sh -c "echo '$out' | grep -q '6 sections' && ! echo '$out' | grep -q beside"
check "spooled and serial images are byte-identical (RSA)" cmp "$T/t1.hvi" "$T/t2.hvi"
expect 0 "" hv build -q -m "$T/m.yaml" -p "$T/p.yaml" --key "$T/k.pem" --threads 4 -o "$T/t4.hvi"
check "four threads: byte-identical too" cmp "$T/t1.hvi" "$T/t4.hvi"
expect 0 "verified" hv verify --key "$T/k.pub.pem" --board orbital-gw3 --oem orbital-edge --rollback 1 "$T/t2.hvi"
expect 0 "" hv extract --key "$T/k.pub.pem" --board orbital-gw3 --oem orbital-edge --rollback 1 -o "$T/x" "$T/t2.hvi"
check "core round-trips" cmp -s "$T/x/core.bin" "$T/core.bin"
check "stored extra round-trips" cmp -s "$T/x/blob" "$T/blob.bin"
check "compressed extra round-trips" cmp -s "$T/x/calibration" "$T/cal.txt"
# Stored sections are never spooled (nothing to overlap): with only a
# stored extra after the core the build is serial, and still identical.
# Format version 1, which has no (compressed) SBOM section.
cat > "$T/m-stored.yaml" <<EOF
image: {name: overlap, version: 1.0.0, security_version: 1, build_epoch: 1}
core: {path: core.bin, format: raw, load_address: 0x100000, entry_point: 0x100000}
sections:
  - {name: blob, path: blob.bin, compress: false}
EOF
out=$("$HVIMAGE" build --format-version 1 -m "$T/m-stored.yaml" -p "$T/p.yaml" --key "$T/k.pem" --threads 2 -o "$T/s2.hvi" 2>&1)
check "only stored sections after the core: serial" sh -c "echo '$out' | grep -q '2 sections' && ! echo '$out' | grep -q beside"
expect 0 "" hv build -q --format-version 1 -m "$T/m-stored.yaml" -p "$T/p.yaml" --key "$T/k.pem" --threads 1 -o "$T/s1.hvi"
check "stored-only images are byte-identical" cmp "$T/s1.hvi" "$T/s2.hvi"
# The fast levels stay serial, whatever the thread count.
sed 's/compression_level: 9/compression_level: 3/' "$T/p.yaml" > "$T/p3.yaml"
out=$("$HVIMAGE" build -m "$T/m.yaml" -p "$T/p3.yaml" --key "$T/k.pem" --threads 2 -o "$T/l3.hvi" 2>&1)
check "level 3 builds serially" sh -c "echo '$out' | grep -q '6 sections' && ! echo '$out' | grep -q beside"
# A corrupt driver package or a missing extra fails before the core is
# compressed, names the file, and leaves no image behind.
printf 'not a gzip stream at all' > "$T/drivers/acme-nic-2.1.0.tar.gz"
expect 2 "acme-nic-2.1.0.tar.gz" \
    hv build -m "$T/m.yaml" -p "$T/p.yaml" --key "$T/k.pem" --threads 2 -o "$T/bad.hvi"
check "no image after a bad driver package" test ! -e "$T/bad.hvi"
cp -r "$SRC/manifests/example/drivers/acme-nic-2.1.0.tar.gz" "$T/drivers/"
rm "$T/cal.txt"
expect 2 "cal.txt" \
    hv build -m "$T/m.yaml" -p "$T/p.yaml" --key "$T/k.pem" --threads 2 -o "$T/bad.hvi"
check "no image after a missing extra" test ! -e "$T/bad.hvi"
check "no temporary image left beside the output" sh -c "! ls '$T' | grep -q '^\.\?bad\.hvi.'"
finish
