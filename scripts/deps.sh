#!/bin/sh
# Install what hvimage needs from Debian 12, only if something is missing
# (idempotent; safe to run on every invocation). Sourced by the other scripts.
HV_DEBS="meson ninja-build pkg-config gcc libc6-dev python3 \
libarchive-dev libssl-dev openssl libzstd-dev zstd libyaml-dev libbearssl-dev \
binutils tar zip unzip cpio gzip xz-utils bzip2 qemu-system-x86 \
libp11-kit-dev softhsm2 scdoc man-db libjson-c-dev clang-tools gdb busybox-static \
python3-jsonschema python3-yaml \
libgcab-dev libjcat-dev libglib2.0-dev gcab jcat fwupd libxml2-utils appstream \
libtss2-dev swtpm swtpm-tools tpm2-tools"
hv_install_deps() {
    missing=""
    for p in $HV_DEBS "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "installing:$missing"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    # A stale index of one architecture must not stop the install from the
    # lists that are there.
    $sudo apt-get update -qq || echo "warning: apt-get update failed"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}
