#!/bin/sh
# Install what is missing, build with -Werror, run every test, and end with
# the plain line "N passed, N failed". A skipped test counts as failed: no
# test here is allowed to skip.
set -u
cd "$(dirname "$0")/.."
. scripts/deps.sh
hv_install_deps || exit 1

dir=build-tests
if [ ! -f $dir/build.ninja ]; then
    meson setup $dir --buildtype=debugoptimized -Dwerror=true >/dev/null || exit 1
fi
ninja -C $dir || { echo "0 passed, 1 failed"; exit 1; }
meson test -C $dir --print-errorlogs --num-processes 2 "$@"
python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r == "OK":
        passed += 1
    else:
        failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
PY
