#!/bin/sh
# Sign the example driver packages as their (fictional) vendors would, with
# the test-only keys in ../keys/, and countersign acme-nic as the OEM
# acme-servers, so that the example shows every level a signed package can
# have under oem-profiles/acme-servers.yaml (docs/SUPPLY-CHAIN.md):
#
#   acme-nic-2.1.0.tar.gz      vendor signature + OEM countersignature: certified
#   zenith-storage-0.9.3.zip   vendor signature: accepted
#   cobalt-gpu/ (a folder)     vendor signature: accepted
#
# ECDSA signatures are randomised, so each run writes different .sig files
# (each as valid as the last). Run after make-packages.sh or any change to
# cobalt-gpu/, and commit the .sig files with the packages.
#
#   HVIMAGE=path/to/hvimage sh sign-packages.sh
set -eu

here=$(cd "$(dirname "$0")" && pwd)
keys=$here/../keys
pubs=$here/../../../oem-profiles/keys
hv=${HVIMAGE:-hvimage}

"$hv" driver sign --key "$keys/acme-nic.pem" --vendor acme-nic \
    --version 2.1.0 --license GPL-2.0-only "$here/acme-nic-2.1.0.tar.gz"
"$hv" driver countersign --key "$keys/acme-servers-oem.pem" \
    --vendor-pub "$pubs/acme-nic.pub.pem" \
    --package "$here/acme-nic-2.1.0.tar.gz" "$here/acme-nic-2.1.0.tar.gz.sig"
"$hv" driver sign --key "$keys/zenith-storage.pem" --vendor zenith-storage \
    --version 0.9.3 --license MIT "$here/zenith-storage-0.9.3.zip"
"$hv" driver sign --key "$keys/cobalt-gpu.pem" --vendor cobalt-gpu \
    --version 1.0.0 --license LicenseRef-Cobalt-Firmware "$here/cobalt-gpu"
