#!/bin/sh
# The bundled example builds for acme-servers and verifies; inspect, JSON
# and extract show what went in; a profile that does not admit a vendor
# refuses the build and leaves nothing behind.
. "$(dirname "$0")/lib.sh"
M=$SRC/manifests/example.yaml
expect 0 "" hv keygen -o "$T/k.pem"
expect 0 "^built $T/ex.hvi: [0-9]+ bytes, 4 sections, 3 driver packages" \
    hv build -m "$M" -p "$SRC/oem-profiles/acme-servers.yaml" --key "$T/k.pem" -o "$T/ex.hvi"
expect 0 "verified \(example-hv 1.4.2, security version 3, board acme-r760-mb1" \
    hv verify --key "$T/k.pub.pem" --board acme-r760-mb1 --oem acme-servers --rollback 3 "$T/ex.hvi"
expect 0 '"verified":true,"result":"ok"' \
    hv verify --json --key "$T/k.pub.pem" --board acme-r750-mb2 --oem acme-servers --rollback 3 "$T/ex.hvi"
expect 0 "NOT verified" hv inspect "$T/ex.hvi"
expect 0 '"name":"drivers","type":"drivers","compression":"zstd"' hv inspect --json "$T/ex.hvi"
expect 0 "core.bin \(36872 bytes\)" \
    hv extract --key "$T/k.pub.pem" --board acme-r750-mb2 --oem acme-servers --rollback 3 -o "$T/x" "$T/ex.hvi"
check "extracted core starts with the monitor's text" \
    cmp -s -n 2048 -i 0:4096 "$T/x/core.bin" "$SRC/manifests/example/monitor.elf"
check "driver index lists three vendors" sh -c "[ \$(wc -l < '$T/x/drivers/drivers.idx') -eq 3 ]"
check "zenith driver extracted" test -d "$T/x/drivers/zenith-storage"
check "boot config extracted" grep -qx "console=ttyS0,115200" "$T/x/bootcfg.txt"

# zenith-cloud admits only zenith-storage and cobalt-gpu.
expect 2 "vendor 'acme-nic' is not admitted by profile .*zenith-cloud.yaml" \
    hv build -m "$M" -p "$SRC/oem-profiles/zenith-cloud.yaml" --key "$T/k.pem" -o "$T/z.hvi"
check "no output after a refused build" test ! -e "$T/z.hvi"
check "no temporary file left" sh -c "! ls '$T' | grep -q tmp-"
finish
