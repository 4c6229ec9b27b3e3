#!/bin/sh
# The hvimage benchmark: one command, see bench/README.md.
#   sh bench/run.sh            full run (64 MiB, 512 MiB, 2 GiB; ~10 min)
#   sh bench/run.sh --quick    64 MiB only, fewer runs (~1 min)
#   sh bench/run.sh --help     every option
set -eu
here=$(cd "$(dirname "$0")" && pwd)
missing=""
for t in meson ninja zstd openssl python3 mkimage dtc; do
    command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
[ -x /usr/bin/time ] || missing="$missing time"
if [ -n "$missing" ]; then
    echo "bench: missing:$missing" >&2
    echo "bench: apt-get install meson ninja-build zstd openssl python3 time u-boot-tools device-tree-compiler" >&2
    case "$missing" in *meson*|*ninja*|*zstd*|*openssl*|*python3*) exit 2 ;; esac
fi
exec python3 "$here/run.py" "$@"
