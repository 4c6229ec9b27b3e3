#!/bin/sh
# verify's verdicts and exit codes: wrong board, rollback, untrusted key,
# another OEM, a corrupted section; usage errors exit 2.
. "$(dirname "$0")/lib.sh"
M=$SRC/manifests/example.yaml
expect 0 "" hv keygen -o "$T/k.pem"
expect 0 "" hv keygen -o "$T/other.pem"
expect 0 "" hv build -q -m "$M" -p "$SRC/oem-profiles/acme-servers.yaml" --key "$T/k.pem" -o "$T/i.hvi"
K="--key $T/k.pub.pem"
P="--oem acme-servers"
expect 0 "verified" hv verify $K $P --board acme-r750-mb2 --rollback 3 "$T/i.hvi"
expect 1 "does not list this board \(wrong_board\)" hv verify $K $P --board zenith-z1 --rollback 3 "$T/i.hvi"
expect 1 "below the rollback counter \(rollback\)" hv verify $K $P --board acme-r750-mb2 --rollback 4 "$T/i.hvi"
expect 1 "untrusted_key" hv verify --key "$T/other.pub.pem" $P --board acme-r750-mb2 --rollback 3 "$T/i.hvi"
expect 1 "another OEM \(wrong_oem\)" hv verify $K --board acme-r750-mb2 --oem zenith-cloud --rollback 3 "$T/i.hvi"
expect 1 '"verified":false,"result":"rollback"' hv verify --json $K $P --board acme-r750-mb2 --rollback 9 "$T/i.hvi"
# Corrupt the last byte (inside the last section): digest mismatch, named.
cp "$T/i.hvi" "$T/c.hvi"
size=$(stat -c %s "$T/c.hvi")
# Every bit flipped: a constant written over it may equal the byte.
last=$(od -An -tu1 -j $((size - 1)) -N1 "$T/c.hvi" | tr -d ' ')
printf "\\$(printf %o $((last ^ 255)))" | dd of="$T/c.hvi" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
expect 1 "in section 'sbom': section digest mismatch" hv verify $K $P --board acme-r750-mb2 --rollback 3 "$T/c.hvi"
expect 1 "in section 'sbom': section digest mismatch" hv tbs "$T/c.hvi" -o "$T/c.tbs"
check "no tbs written for a corrupted image" test ! -e "$T/c.tbs"
printf 'x' >> "$T/c.hvi"
expect 1 "header says [0-9]+ bytes, the file has" hv inspect "$T/c.hvi"
expect 1 "bad_magic" hv verify $K $P --board b --rollback 3 "$SRC/README.md"
expect 2 "--board is required" hv verify $K $P --rollback 3 "$T/i.hvi"
expect 2 "no trusted key" hv verify $P --rollback 3 --board acme-r750-mb2 "$T/i.hvi"
expect 2 "cannot open" hv verify $K $P --rollback 3 --board x "$T/missing.hvi"
expect 2 "unknown command" hv frobnicate
for c in build sign tbs attach verify inspect extract keygen assemble; do
    expect 0 "usage: hvimage $c" hv $c --help
    expect 0 "usage: hvimage $c" hv help $c
done
expect 0 "^hvimage [0-9]+\.[0-9]+\.[0-9]+ \(image format 2; reads formats 1 and 2\)$" hv --version
expect 0 "^hvimage [0-9]+\.[0-9]+\.[0-9]+ \(image format 2; reads formats 1 and 2\)$" hv -V
expect 0 "usage: hvimage COMMAND" hv help
expect 2 "unknown command 'nope'" hv help nope
expect 2 "one command at a time" hv help build sign
finish
