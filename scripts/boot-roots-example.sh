#!/bin/sh
# The bundled example on a device provisioned with roots (docs/KEYS.md):
# oem-profiles/acme-roots.yaml's trust area holds the fingerprints of three
# root keys (2 needed), and every image carries the trust block
# oem-profiles/acme-roots.hvtrust: root version 1, then keyring version 1
# listing the image keys acme-image-2026 (epoch 1) and acme-image-2027
# (epoch 2). Builds the example co-signed by both image keys (the test keys
# of manifests/acme-roots-keys/, published: never trust them), verifies it
# as such a device does, shows the trust block, assembles a flash and boots
# it: the stage verifies the keyring against its roots, then the image
# against the keyring, and prints both.
#
#   sh scripts/boot-roots-example.sh [BUILD_DIR]      (default: build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
hv=$build/mkimage/cli/hvimage
stage=$build/boot/stage/hvstage.bin
profile=oem-profiles/acme-roots.yaml
keys=manifests/acme-roots-keys
mkdir -p out
image=out/example-roots.hvi
"$hv" build -m manifests/example.yaml -p "$profile" \
    --key "$keys/acme-image-2026.pem" --key "$keys/acme-image-2027.pem" \
    -o "$image"
"$hv" verify --root oem-profiles/acme-roots-1.hvroot --board acme-r750-mb2 \
    --profile "$profile" --rollback 3 "$image"
"$hv" keyring verify oem-profiles/acme-roots.hvtrust \
    --root oem-profiles/acme-roots-1.hvroot
flash=out/example-roots-flash.bin
"$hv" assemble -p "$profile" --stage "$stage" --board acme-r750-mb2 \
    --rollback 3 --slot-a "$image" -o "$flash"
HV_FLASH=$flash sh scripts/boot-example.sh "$build"
grep -q "^hvstage: slot A: keyring version 1 " out/example-boot.log
