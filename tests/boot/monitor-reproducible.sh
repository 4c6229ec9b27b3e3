#!/bin/sh
# manifests/example/monitor.elf (the example's core) must be exactly what
# monitor/ builds. Rebuilds it with Meson in a fresh build folder with gcc
# (the committed bytes come from Debian 12's gcc 12 and binutils 2.40; the
# monitor's flags pin everything else) and, for a gcc build, also compares
# the monitor of the build under test.
set -u
: "${SRC:?}"
T=$(mktemp -d /tmp/hvmonitor-XXXXXX)
trap 'rm -rf "$T"' EXIT
committed=$SRC/manifests/example/monitor.elf
refresh="refresh it with: CC=gcc meson setup build-mon -Dwith_cli=false && ninja -C build-mon monitor/monitor.elf && cp build-mon/monitor/monitor.elf manifests/example/monitor.elf (then rebuild images made from manifests/example.yaml)"
if ! CC=gcc meson setup "$T/b" "$SRC" -Dwith_cli=false >"$T/log" 2>&1 ||
    ! ninja -C "$T/b" monitor/monitor.elf >>"$T/log" 2>&1; then
    cat "$T/log"
    echo "FAIL: could not build the monitor with gcc"
    exit 1
fi
status=0
if ! cmp "$T/b/monitor/monitor.elf" "$committed"; then
    echo "FAIL: $committed differs from a fresh build of monitor/; $refresh"
    status=1
fi
if [ "${CC_ID:-}" = gcc ] && [ -n "${BUILT:-}" ] && ! cmp "$BUILT" "$committed"; then
    echo "FAIL: this build's $BUILT differs from $committed; $refresh"
    status=1
fi
[ $status -eq 0 ] && echo "monitor.elf reproduced byte for byte"
exit $status
