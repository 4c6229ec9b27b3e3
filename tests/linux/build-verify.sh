#!/bin/sh
# The signed rules of the core kinds (boot/parse.c, docs/FORMAT.md "Core
# kinds"): images whose metadata breaks one, validly signed, are refused by
# verify as bad_metadata. And the checks on a Linux core's verified bytes
# (the stage's, made by verify and extract too): a kernel the stage cannot
# start, a load address that is not the stage's placement, a command line
# with a control byte or longer than the kernel takes.
. "$SRC/tests/cli/lib.sh"
: "${CRAFT_SECTION:?}"
MK="$SRC/tests/linux/make-bzimage.py"
cp "$SRC/oem-profiles/acme-servers.yaml" "$T/p.yaml"
python3 "$MK" "$T/vmlinuz"
head -c 4096 /dev/urandom > "$T/mon.bin"
cat > "$T/l.yaml" <<'EOF2'
image: {name: linux-test, version: 1.0.0, security_version: 1, build_epoch: 1}
core: {kind: linux, path: vmlinuz, cmdline: "console=ttyS0 panic=-1"}
EOF2
cat > "$T/m.yaml" <<'EOF2'
image: {name: mon-test, version: 1.0.0, security_version: 1, build_epoch: 1}
core: {path: mon.bin, load_address: 0x100000, entry_point: 0x100000}
EOF2
expect 0 "" hv keygen --alg ecdsa-p384-sha384 -o "$T/k.pem"
V="--key $T/k.pub.pem --board acme-r750-mb2 --oem acme-servers --rollback 1"
expect 0 "" hv build --unsigned -m "$T/l.yaml" -p "$T/p.yaml" -o "$T/l.hvi"
expect 0 "" hv build --unsigned -m "$T/m.yaml" -p "$T/p.yaml" -o "$T/m.hvi"
expect 0 "" hv build --unsigned --format-version 1 -m "$T/m.yaml" -p "$T/p.yaml" -o "$T/v1.hvi"

# poke IN OUT OFFSET-IN-METADATA u32|u64 VALUE: an edited copy, signed as
# it is (sign-raw.py: `hvimage sign` refuses metadata that does not parse).
poke() {
    python3 - "$1" "$2" "$3" "$4" "$5" <<'PY'
import os, struct, sys
K = dict(l.strip().split("=", 1) for l in open(os.environ["HV_CONST"]))
src, dst, off, kind, val = sys.argv[1:]
img = bytearray(open(src, "rb").read())
struct.pack_into("<I" if kind == "u32" else "<Q", img,
                 int(K["HV_HEADER_SIZE"]) + int(off, 0), int(val, 0))
open(dst, "wb").write(img)
PY
    python3 "$SRC/tests/linux/sign-raw.py" "$2" "$T/k.pem" ||
        { echo "FAIL: cannot sign $2"; fails=$((fails + 1)); }
}
KIND=$HV_META_OFF_CORE_KIND
BAD="signed metadata is malformed \(bad_metadata\)"
# Controls: the kinds the builder wrote, written again and signed, verify.
poke "$T/l.hvi" "$T/l1.hvi" $KIND u32 1
expect 0 "verified" hv verify $V "$T/l1.hvi"
poke "$T/m.hvi" "$T/m0.hvi" $KIND u32 0
expect 0 "verified" hv verify $V "$T/m0.hvi"
poke "$T/v1.hvi" "$T/v10.hvi" $KIND u32 0
expect 0 "verified" hv verify $V "$T/v10.hvi"
# An unknown kind.
poke "$T/l.hvi" "$T/k2.hvi" $KIND u32 2
expect 1 "$BAD" hv verify $V "$T/k2.hvi"
poke "$T/m.hvi" "$T/kff.hvi" $KIND u32 0xFFFFFFFF
expect 1 "$BAD" hv verify $V "$T/kff.hvi"
# A Linux kind without a cmdline section (a monitor's sections).
poke "$T/m.hvi" "$T/m1.hvi" $KIND u32 1
expect 1 "$BAD" hv verify $V "$T/m1.hvi"
# A monitor with a cmdline section (a Linux image's sections).
poke "$T/l.hvi" "$T/l0.hvi" $KIND u32 0
expect 1 "$BAD" hv verify $V "$T/l0.hvi"
# Version 1 has no kinds: the field is reserved there.
poke "$T/v1.hvi" "$T/v11.hvi" $KIND u32 1
expect 1 "$BAD" hv verify $V "$T/v11.hvi"
# ... even with the sections a Linux kind needs (a cmdline added).
printf 'console=ttyS0' > "$T/c.txt"
expect 0 "" "$CRAFT_SECTION" "$T/v1.hvi" cmdline "$T/c.txt" "$T/v1c.hvi"
poke "$T/v1c.hvi" "$T/v1c1.hvi" $KIND u32 1
expect 1 "$BAD" hv verify $V "$T/v1c1.hvi"
# A command line of 2048 bytes is longer than any kernel takes: refused by
# its size before the layout is looked at (the image's sections: core,
# sbom, cmdline).
cl=$((HV_META_FIXED_SIZE + 2 * HV_SECTION_ENTRY_SIZE))
poke "$T/l.hvi" "$T/c2048.hvi" $((cl + HV_SEC_OFF_UNPACKED_SIZE)) u64 2048
poke "$T/c2048.hvi" "$T/c2048.hvi" $((cl + HV_SEC_OFF_STORED_SIZE)) u64 2048
expect 1 "$BAD" hv verify $V "$T/c2048.hvi"
poke "$T/l.hvi" "$T/c0.hvi" $((cl + HV_SEC_OFF_UNPACKED_SIZE)) u64 0
poke "$T/c0.hvi" "$T/c0.hvi" $((cl + HV_SEC_OFF_STORED_SIZE)) u64 0
expect 1 "$BAD" hv verify $V "$T/c0.hvi"
# The reserved bytes after core_kind stay reserved.
poke "$T/l.hvi" "$T/r.hvi" $HV_META_OFF_RESERVED u32 1
expect 1 "$BAD" hv verify $V "$T/r.hvi"

# inspect shows the command line the (unverified) SBOM lists, and refuses
# an SBOM whose command line the builder would never have written.
expect 0 "cmdline \(from the sbom section, NOT verified\): console=ttyS0 panic=-1" hv inspect "$T/l1.hvi"
expect 0 '"cmdline":"console=ttyS0 panic=-1"' hv inspect --json "$T/l1.hvi"
expect 0 "" hv sbom $V -o "$T/sbom.json" "$T/l1.hvi"
python3 -c "
import sys
s = open('$T/sbom.json').read()
open('$T/sbom-tab.json', 'w').write(s.replace('console=ttyS0 panic', 'console=\\\\u0009 panic', 1))"
expect 0 "" "$CRAFT_SECTION" "$T/l1.hvi" sbom "$T/sbom-tab.json" "$T/stab.hvi"
expect 1 "components\[[0-9]+\] \(cmdline\): byte 8 of hvimage:cmdline is not printable ASCII" hv inspect "$T/stab.hvi"
# The core's load address and entry where the stage would not put this
# kernel (2 MiB higher, still inside the core window): signed, refused.
core=$((HV_META_FIXED_SIZE))
load=$(hv inspect --json "$T/l.hvi" | python3 -c 'import json,sys; s=json.load(sys.stdin)["metadata"]["sections"][0]; print(s["load_address"], s["entry_point"])')
poke "$T/l.hvi" "$T/la.hvi" $((core + HV_SEC_OFF_LOAD_ADDRESS)) u64 $((${load% *} + 0x200000))
poke "$T/la.hvi" "$T/la.hvi" $((core + HV_SEC_OFF_ENTRY_POINT)) u64 $((${load#* } + 0x200000))
expect 1 "rejected in section 'core': load address 0x3ff600 and entry 0x400200 are not where the boot stage puts this kernel \(0x1ff600, 0x200200\)" \
    hv verify $V "$T/la.hvi"

# Verified bytes the stage refuses, in validly signed images.
printf 'console=\tttyS0' > "$T/tab.txt"
expect 0 "" "$CRAFT_SECTION" "$T/l.hvi" cmdline "$T/tab.txt" "$T/tab.hvi"
expect 0 "" hv sign --key "$T/k.pem" "$T/tab.hvi"
expect 1 "rejected in section 'cmdline': byte 8 is 0x09, not printable ASCII" hv verify $V "$T/tab.hvi"
expect 1 "rejected in section 'cmdline': byte 8 is 0x09" hv extract $V -o "$T/x-tab" "$T/tab.hvi"
check "extract wrote nothing for a refused command line" test ! -e "$T/x-tab"
python3 -c 'print("a" * 1920, end="")' > "$T/long.txt"
expect 0 "" "$CRAFT_SECTION" "$T/l.hvi" cmdline "$T/long.txt" "$T/long.hvi"
expect 0 "" hv sign --key "$T/k.pem" "$T/long.hvi"
expect 1 "rejected in section 'cmdline': 1920 bytes, the kernel takes 1919" hv verify $V "$T/long.hvi"
python3 -c 'print("a" * 1919, end="")' > "$T/max.txt"
expect 0 "" "$CRAFT_SECTION" "$T/l.hvi" cmdline "$T/max.txt" "$T/max.hvi"
expect 0 "" hv sign --key "$T/k.pem" "$T/max.hvi"
expect 0 "verified" hv verify $V "$T/max.hvi"
# A kernel whose boot flag is gone: same size, same place, signed.
python3 "$MK" "$T/noflag.bz" --no-boot-flag
expect 0 "" "$CRAFT_SECTION" "$T/l.hvi" core "$T/noflag.bz" "$T/nf.hvi"
expect 0 "" hv sign --key "$T/k.pem" "$T/nf.hvi"
expect 1 "rejected in section 'core': not a bzImage the boot stage can start: .*\[no_boot_flag\]" hv verify $V "$T/nf.hvi"
expect 1 "rejected in section 'core': not a bzImage" hv extract $V -o "$T/x-nf" "$T/nf.hvi"
# The same crafted with the kernel unchanged verifies: the refusals above
# are the bytes', not the crafting's.
expect 0 "" "$CRAFT_SECTION" "$T/l.hvi" core "$T/vmlinuz" "$T/same.hvi"
expect 0 "" hv sign --key "$T/k.pem" "$T/same.hvi"
expect 0 "verified" hv verify $V "$T/same.hvi"
expect 0 "" hv extract $V -o "$T/x-same" "$T/same.hvi"
finish
