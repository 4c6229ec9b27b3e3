#!/bin/sh
# The hvimage benchmark: one command, see bench/README.md.
#   sh bench/run.sh            full run (64 MiB, 512 MiB, 2 GiB; ~16 min)
#   sh bench/run.sh --quick    64 MiB only, fewer runs (~4 min)
#   sh bench/run.sh --help     every option
# Installs what it needs from Debian 12 first (idempotent, as the README's
# other commands do): the build dependencies and the peers.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/deps.sh"
case " $* " in
*" --help "* | *" -h "*) ;;
*) hv_install_deps time u-boot-tools device-tree-compiler ;;
esac
exec python3 "$here/run.py" "$@"
