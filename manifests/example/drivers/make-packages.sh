#!/bin/sh
# Rebuild the example driver archives from src/, byte for byte the same on
# every run: names sorted, one fixed mtime, owner 0/0, modes 0644/0755 by
# execute bit (not by the checkout's umask), no gzip name or time stamp, no
# zip extra fields, UTC for zip's local-time stamps.
#
#   src/acme-nic/        -> acme-nic-2.1.0.tar.gz   (GNU tar, ustar, gzip -9n)
#   src/zenith-storage/  -> zenith-storage-0.9.3.zip (Info-ZIP, deflate)
#
# cobalt-gpu/ is used as a folder and needs no build. Needs GNU tar, gzip,
# zip, find, sort and touch.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
epoch=1704067200 # 2024-01-01T00:00:00Z
export LC_ALL=C TZ=UTC

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT INT TERM

# A copy with normalised modes and times: what the archives record.
prepare() {
    cp -R "$here/src/$1" "$stage/$1"
    find "$stage/$1" -type d -exec chmod 0755 {} +
    find "$stage/$1" -type f -perm /111 -exec chmod 0755 {} +
    find "$stage/$1" -type f ! -perm /111 -exec chmod 0644 {} +
    find "$stage/$1" -exec touch -h -d "@$epoch" {} +
}

prepare acme-nic
tar --sort=name --format=ustar --owner=0 --group=0 --numeric-owner \
    --mtime="@$epoch" -C "$stage/acme-nic" -cf - . |
    gzip -9 -n >"$stage/acme-nic-2.1.0.tar.gz"

prepare zenith-storage
(
    cd "$stage/zenith-storage"
    # -X: no uid/gid or extended time fields; -D: no folder entries
    find . -type f | sed 's|^\./||' | sort | zip -X -D -9 -q -@ \
        "$stage/zenith-storage-0.9.3.zip"
)

mv "$stage/acme-nic-2.1.0.tar.gz" "$stage/zenith-storage-0.9.3.zip" "$here/"
ls -l "$here/acme-nic-2.1.0.tar.gz" "$here/zenith-storage-0.9.3.zip"
