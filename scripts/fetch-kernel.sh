#!/bin/sh
# Fetch Debian's amd64 kernel for the MTD update test under QEMU
# (tests/boot/update-mtd.sh): the package linux-image-amd64 currently
# depends on, downloaded with `apt-get download` (never installed) and
# unpacked into DIR (default .cache/kernel in the source tree; the test
# reads it there): DIR/VERSION/boot/vmlinuz-VERSION and the module folders
# the test loads from (MTD, virtio, the block drivers, lib/), and
# DIR/current naming VERSION. Nothing is fetched when that version is
# already there; older versions are removed. Prints DIR/VERSION.
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
if [ -f "$dest/$ver/boot/vmlinuz-$ver" ] && [ -f "$dest/current" ] &&
    [ "$(cat "$dest/current")" = "$ver" ]; then
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
    tar -x -C "$tmp/x" "./boot/vmlinuz-$ver" "$mods/drivers/mtd" \
        "$mods/drivers/virtio" "$mods/drivers/block" "$mods/lib"
rm -rf "${dest:?}/$ver"
mv "$tmp/x" "$dest/$ver"
echo "$ver" >"$dest/current.tmp"
mv "$dest/current.tmp" "$dest/current"
for old in "$dest"/*/; do
    old=${old%/}
    [ "${old##*/}" = "$ver" ] || case ${old##*/} in fetch.*) ;; *) rm -rf "$old" ;; esac
done
echo "$dest/$ver"
