#!/bin/sh
# Fetch Debian's amd64 kernel for the MTD update test under QEMU
# (tests/boot/update-mtd.sh): the package linux-image-amd64 currently
# depends on, downloaded with `apt-get download` (never installed) and
# unpacked into DIR (default .cache/kernel in the source tree; the test
# reads it there): DIR/VERSION/boot/vmlinuz-VERSION and the module folders
# the test loads from (MTD, virtio, the block drivers, lib/), and
# DIR/current naming VERSION. Then DIR/VERSION/boot/vmlinux-VERSION, the
# uncompressed kernel taken out of vmlinuz: QEMU boots it through its PVH
# entry, which spares the guest the decompression (seconds under TCG).
# Nothing is fetched when that version is already there; older versions
# are removed. Prints DIR/VERSION.
#
#     sh scripts/fetch-kernel.sh [DIR]
set -eu
cd "$(dirname "$0")/.."
dest=${1:-.cache/kernel}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

# The versioned package (linux-image-6.1.0-N-amd64) the meta-package
# depends on now.
current_package() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1
}

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
pkg=$(current_package)
if [ -z "$pkg" ]; then
    $sudo apt-get update -qq || echo "warning: apt-get update failed" >&2
    pkg=$(current_package)
fi
[ -n "$pkg" ] || { echo "fetch-kernel: apt-cache knows no linux-image-amd64" >&2; exit 1; }
ver=${pkg#linux-image-}
# vmlinux out of vmlinuz: the xz stream after the boot code. Not fatal:
# the test boots vmlinuz when there is no vmlinux.
uncompress() {
    z=$dest/$ver/boot/vmlinuz-$ver
    x=$dest/$ver/boot/vmlinux-$ver
    [ -f "$x" ] && return 0
    off=$(python3 -c 'import sys; print(open(sys.argv[1], "rb").read().find(b"\xfd7zXZ\x00"))' "$z") &&
        [ "$off" -ge 0 ] &&
        tail -c +$((off + 1)) "$z" | xz -dc --single-stream >"$x.tmp" &&
        mv "$x.tmp" "$x" ||
        { rm -f "$x.tmp"; echo "fetch-kernel: no vmlinux out of $z (the test boots vmlinuz)" >&2; }
}

# The module folders taken out of the package (relative to
# lib/modules/VERSION/kernel). A cached tree that lacks one (made by an
# older version of this script) is fetched again.
mod_dirs="drivers/mtd drivers/virtio drivers/block lib arch/x86/kvm virt/lib drivers/crypto/ccp"
have_all() {
    for d in $mod_dirs; do
        [ -d "$dest/$ver/lib/modules/$ver/kernel/$d" ] || return 1
    done
}

if [ -f "$dest/$ver/boot/vmlinuz-$ver" ] && [ -f "$dest/current" ] && have_all &&
    [ "$(cat "$dest/current")" = "$ver" ]; then
    uncompress
    echo "$dest/$ver"
    exit 0
fi

tmp=$(mktemp -d "$dest/fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# apt-get download writes into the current folder. As root it warns that
# its sandbox user cannot write there; the download still works.
if ! (cd "$tmp" && apt-get download "$pkg" >/dev/null 2>"$tmp/apt.err"); then
    # The lists may name a version the mirror has replaced.
    $sudo apt-get update -qq || echo "warning: apt-get update failed" >&2
    pkg=$(current_package)
    ver=${pkg#linux-image-}
    (cd "$tmp" && apt-get download "$pkg" >/dev/null 2>"$tmp/apt.err") || {
        cat "$tmp/apt.err" >&2
        echo "fetch-kernel: cannot download $pkg" >&2
        exit 1
    }
fi
mkdir "$tmp/x"
mods=./lib/modules/$ver/kernel
dpkg-deb --fsys-tarfile "$tmp"/*.deb |
    # One tar argument per folder: the split is meant (no folder has a blank).
    # shellcheck disable=SC2046
    tar -x -C "$tmp/x" "./boot/vmlinuz-$ver" $(for d in $mod_dirs; do echo "$mods/$d"; done)
rm -rf "${dest:?}/$ver"
mv "$tmp/x" "$dest/$ver"
echo "$ver" >"$dest/current.tmp"
mv "$dest/current.tmp" "$dest/current"
uncompress
for old in "$dest"/*/; do
    old=${old%/}
    [ "${old##*/}" = "$ver" ] || case ${old##*/} in fetch.*) ;; *) rm -rf "$old" ;; esac
done
echo "$dest/$ver"
