#!/bin/sh
# An ELF core: the builder lays its PT_LOAD segments out flat from the lowest
# physical address and takes the entry point from the ELF header. Extra named
# sections, compressed and stored, round-trip through extract.
. "$(dirname "$0")/lib.sh"
cat > "$T/core.c" <<'C'
static volatile unsigned long counter;
unsigned long table[64] = {1, 2, 3};      /* .data */
static unsigned long scratch[1024];        /* .bss */
void _start(void) { for (;;) { counter += table[counter & 63]; scratch[counter & 1023]++; } }
C
cc -nostdlib -static -no-pie -O1 -Wl,--build-id=none -Wl,-Ttext-segment=0x400000 \
    -o "$T/core.elf" "$T/core.c" || { echo "FAIL: cannot compile the test core"; exit 1; }
entry=$(readelf -h "$T/core.elf" | awk '/Entry point/ { print $4 }')
head -c 5000 /dev/urandom > "$T/ucode.bin"
printf 'calibration=42\n' > "$T/cal.txt"
cat > "$T/m.yaml" <<EOF
image: {name: elf-test, version: 2.0.0, security_version: 1, build_epoch: 1}
core: {path: core.elf}
sections:
  - {name: microcode, path: ucode.bin, compress: false}
  - {name: calibration, path: cal.txt}
EOF
cp "$SRC/oem-profiles/acme-servers.yaml" "$T/p.yaml"
expect 0 "" hv keygen -o "$T/k.pem"
expect 0 "4 sections" hv build -m "$T/m.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/e.hvi"
expect 0 "load 0x400000 entry $entry" hv inspect "$T/e.hvi"
expect 0 '"name":"calibration","type":"extra","compression":"zstd"' hv inspect --json "$T/e.hvi"
expect 0 '"name":"microcode","type":"extra","compression":"none","offset":[0-9]+,"stored_size":5000,"unpacked_size":5000' \
    hv inspect --json "$T/e.hvi"
expect 0 "" hv extract --key "$T/k.pub.pem" --board acme-r750-mb2 --oem acme-servers --rollback 1 -o "$T/x" "$T/e.hvi"
check "stored extra section extracted unchanged" cmp -s "$T/x/microcode" "$T/ucode.bin"
check "compressed extra section extracted unchanged" cmp -s "$T/x/calibration" "$T/cal.txt"
# The flat core holds the ELF's .data bytes at their address offset.
data=$(readelf -SW "$T/core.elf" | sed -n 's/.*\] \.data *PROGBITS *\([0-9a-f]*\) \([0-9a-f]*\).*/\1 \2/p')
data_addr=${data% *}
data_off=${data#* }
if [ -n "$data_addr" ]; then
    rel=$(( 0x$data_addr - 0x400000 ))
    check ".data lands at its address in the flat core" sh -c \
        "cmp -s -n 24 -i $rel:$((0x$data_off)) '$T/x/core.bin' '$T/core.elf'"
else
    check "test core has a .data section" false
fi
# load_address given for an ELF core is an error.
sed 's/core: {path: core.elf}/core: {path: core.elf, format: elf, load_address: 0x1000}/' "$T/m.yaml" > "$T/m2.yaml"
expect 2 "m2.yaml:[0-9]+:[0-9]+: error" hv build -m "$T/m2.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/e2.hvi"
# An ELF whose program headers point past the file is refused with the offset.
head -c 64 "$T/core.elf" > "$T/trunc.elf"
sed 's/core.elf/trunc.elf/' "$T/m.yaml" > "$T/m3.yaml"
expect 2 "trunc.elf: byte offset 32: program header table" hv build -m "$T/m3.yaml" -p "$T/p.yaml" --key "$T/k.pem" -o "$T/e3.hvi"
check "no output for a bad ELF" test ! -e "$T/e3.hvi"
finish
