#!/bin/sh
# The main job on the bundled example: install what is missing, build
# hvimage, make a development key if there is none, build the example image,
# verify it with the boot verifier library, and show what is inside.
set -eu
cd "$(dirname "$0")/.."
. scripts/deps.sh
hv_install_deps

[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
hv=build/mkimage/cli/hvimage

mkdir -p out
key=out/dev-key.pem
[ -f "$key" ] || $hv keygen --alg ecdsa-p384-sha384 -o "$key"
# The profile admits the three vendor-signed driver packages (acme-nic
# countersigned by the OEM: certified; the others accepted); the build
# also writes its signed provenance (docs/SUPPLY-CHAIN.md).
$hv build -m manifests/example.yaml -p oem-profiles/acme-servers.yaml \
    --key "$key" -o out/example.hvi --provenance out/example.provenance.json
$hv verify --key out/dev-key.pub.pem --board acme-r750-mb2 --rollback 3 \
    --profile oem-profiles/acme-servers.yaml out/example.hvi
$hv inspect out/example.hvi
# What went into it: the signed SBOM (CycloneDX), checked and written out,
# and the provenance, checked against the image.
$hv sbom --key out/dev-key.pub.pem --board acme-r750-mb2 --rollback 3 \
    --profile oem-profiles/acme-servers.yaml -o out/example.sbom.json \
    out/example.hvi
echo "out/example.sbom.json: $(wc -c < out/example.sbom.json) bytes of CycloneDX 1.5"
$hv provenance verify --pub out/dev-key.pub.pem --image out/example.hvi \
    out/example.provenance.json
# The image as an LVFS cabinet for fwupd.
$hv package --cab out/example.cab -m manifests/example.yaml \
    --pub out/dev-key.pub.pem --profile oem-profiles/acme-servers.yaml \
    out/example.hvi
# Assemble a factory flash (boot stage, trusted key, slot A) and boot it in
# QEMU: the boot stage verifies the image and starts the monitor.
sh scripts/boot-example.sh build
# What the device's own flash now says: the trust the stage was given, each
# slot verified under it, the boot state the stage keeps (docs/UPDATE.md).
$hv update --flash out/example-flash.bin status
# The same example on a device that trusts roots instead of keys: the
# image carries a keyring its roots signed (docs/KEYS.md).
sh scripts/boot-roots-example.sh build
# The same with a real hypervisor: Debian's Linux/KVM as the core, fetched
# with apt-get download (a download, not an install), the vendors' KVM
# modules as signed driver packages; the stage starts Linux, whose /init
# runs a KVM guest and confirms a field update (docs/LINUX.md).
sh scripts/boot-linux-example.sh build
