#!/bin/sh
# Install what is missing, build with -Werror, run every test, then build
# again with ASan + UBSan (build-asan/) and run every test there too, run
# clang's static analyzer (build-scan/), fuzz each target for a minute, and
# end with the plain line "N passed, N failed" over all of it. A skipped test
# counts as failed: no test here is allowed to skip.
#
# HV_SANITIZERS=0 leaves out the ASan + UBSan run, HV_SCAN=0 the static
# analysis (quicker local runs; CI always has both). Arguments go to both
# `meson test` runs (e.g. a suite).
set -u
cd "$(dirname "$0")/.."
. scripts/deps.sh

# Install the packages of "$@" that are missing. Unlike hv_install_deps, a
# failed `apt-get update` does not stop the install: once the i386
# architecture is added (below), one stale i386 index on the mirror makes
# every update exit non-zero although the lists it needs are there.
hv_install_tolerant() {
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "installing:$missing"
    $sudo apt-get update -qq || echo "warning: apt-get update failed; installing from the lists there are"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
        --no-install-recommends $missing
}
hv_install_deps || hv_install_tolerant $HV_DEBS || exit 1

# The attack suite's 32-bit verifier build (tests/attack/m32.sh) needs i386
# libraries, and qemu-user where the kernel cannot run i386 programs. An
# install that fails here is not fatal: that test then fails, loudly, and
# says what is missing.
m32_debs="gcc-multilib libzstd-dev:i386 libbearssl-dev:i386 qemu-user"
if ! dpkg --print-foreign-architectures | grep -qx i386; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo dpkg --add-architecture i386
fi
hv_install_tolerant $m32_debs ||
    echo "warning: could not install $m32_debs (attack-m32-ubsan will fail)"

# The MTD update test boots Debian's kernel under QEMU
# (tests/boot/update-mtd.sh); fetch it now, a download only when Debian's
# current version changed. Not fatal here: that test then fails and says
# what is missing.
sh scripts/fetch-kernel.sh >/dev/null ||
    echo "warning: could not fetch the kernel (boot-update-mtd will fail)"

dir=build-tests
if [ ! -f $dir/build.ninja ]; then
    meson setup $dir --buildtype=debugoptimized -Dwerror=true >/dev/null || exit 1
fi
ninja -C $dir || { echo "0 passed, 1 failed"; exit 1; }
meson test -C $dir --print-errorlogs --num-processes 2 "$@"
logs="$dir/meson-logs/testlog.json"

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer;
# the 'sanitize' test setup makes every report fatal (tests/meson.build).
asan=build-asan
if [ "${HV_SANITIZERS:-1}" != 0 ]; then
    if [ ! -f $asan/build.ninja ]; then
        meson setup $asan --buildtype=debugoptimized -Dwerror=true \
            -Db_sanitize=address,undefined -Db_lundef=false >/dev/null ||
            { echo "0 passed, 1 failed"; exit 1; }
    fi
    ninja -C $asan || { echo "0 passed, 1 failed"; exit 1; }
    meson test -C $asan --setup sanitize --print-errorlogs --num-processes 2 "$@"
    logs="$logs $asan/meson-logs/testlog-sanitize.json"
fi

# clang's static analyzer (scan-build) over the whole build, counted as one
# test: passed when it reports no bug. Meson's scan-build target configures
# and analyses a fresh copy under build-scan/meson-private/; its exit status
# says nothing about bugs (Meson does not pass --status-bugs), so the
# summary lines decide (one for the configure step, one for the build).
# About 2 minutes of CPU; HV_SCAN_TIMEOUT (seconds, default 600) bounds it.
# HTML reports: build-scan/meson-logs/scanbuild/; output: build-scan.log.
scan_passed=0
scan_failed=0
if [ "${HV_SCAN:-1}" != 0 ]; then
    scan_limit=${HV_SCAN_TIMEOUT:-600}
    start=$(date +%s)
    { [ -f build-scan/build.ninja ] || meson setup build-scan -Dwerror=true &&
        timeout "$scan_limit" ninja -C build-scan scan-build; } \
        >build-scan.log 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    bugs=$(grep -E '^scan-build: [0-9]+ bugs? found\.$' build-scan.log)
    if [ $rc -eq 0 ] && [ -z "$bugs" ] &&
        grep -q '^scan-build: No bugs found\.$' build-scan.log; then
        echo "scan-build: no bugs found (${secs} s)"
        scan_passed=1
    else
        # One line per finding: FILE:LINE:COL: warning: WHAT [checker]
        sed 's/\x1b\[[0-9;]*m//g' build-scan.log |
            grep -E ': warning: .* \[[A-Za-z0-9_.]+\]$' |
            sed 's|^\(\.\./\)*||' | sort -u
        grep -E "^scan-build: Run 'scan-view" build-scan.log
        if [ $rc -ne 0 ]; then
            tail -n 20 build-scan.log
            [ $rc -eq 124 ] && echo "scan-build: stopped after $scan_limit s"
        fi
        echo "scan-build: FAILED (exit $rc, ${bugs:-no bug count}," \
            "${secs} s; full output in build-scan.log)"
        scan_failed=1
    fi
fi

# Each fuzz target for a bounded minute (HV_FUZZ_SECONDS), counted as one
# test per target. HV_FUZZ_SECONDS=0 leaves fuzzing out of a local run.
fuzz_passed=0
fuzz_failed=0
if [ "${HV_FUZZ_SECONDS:-60}" != 0 ]; then
    sh fuzz/run.sh "${HV_FUZZ_SECONDS:-60}" > build-fuzz.log 2>&1
    cat build-fuzz.log
    line=$(grep -E '^fuzz: [0-9]+ passed, [0-9]+ failed$' build-fuzz.log | tail -n 1)
    if [ -n "$line" ]; then
        fuzz_passed=$(echo "$line" | sed 's/^fuzz: \([0-9]*\) passed.*/\1/')
        fuzz_failed=$(echo "$line" | sed 's/.* \([0-9]*\) failed$/\1/')
    else
        fuzz_failed=1
    fi
fi

python3 - $logs <<PY
import json, sys
passed, failed = $fuzz_passed + $scan_passed, $fuzz_failed + $scan_failed
for path in sys.argv[1:]:
    try:
        lines = open(path).readlines()
    except OSError:
        print(f"missing test log {path}")
        failed += 1
        continue
    for line in lines:
        r = json.loads(line)["result"]
        # EXPECTEDFAIL: a should_fail test (a mutant the suite must catch)
        # that failed, as it must. SKIP and UNEXPECTEDPASS count as failed.
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
PY
