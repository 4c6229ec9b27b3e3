#!/bin/sh
# Run the libFuzzer targets (docs/FUZZING.md).
#
#   sh fuzz/run.sh [--merge] [SECONDS] [TARGET...]
#
# Builds the libFuzzer configuration (clang, -Dfuzzing=true, ASan + UBSan)
# in its own folder, then runs each TARGET (default: all) for SECONDS
# (default 60), one after the other. New inputs go to a work folder, never
# into fuzz/corpus/, unless --merge is given: then the inputs that add
# coverage are merged into fuzz/corpus/TARGET/ at the end (review them
# before committing, and name each ok-* or bad-* after the verdict it must
# get: the replay test fails on a corpus file without one).
#
# Prints per target: executions, coverage (cov = edges, ft = features, from
# libFuzzer's last status line) and the outcome, then "fuzz: N passed, M
# failed" (one per target). Exits 1 if any target crashed, leaked, timed out
# or ran out of memory; the input that did it is kept as TARGET/crash-* (or
# leak-, timeout-, oom-) under the work folder.
#
# Environment: HV_FUZZ_BUILD (build folder, default build-fuzz),
# HV_FUZZ_WORK (work folder, default $HV_FUZZ_BUILD/fuzz-work),
# HV_FUZZ_NICE (niceness, default 10), HV_FUZZ_ARGS (extra libFuzzer flags).
# Needs no human: Debian packages are installed if missing.
set -u
cd "$(dirname "$0")/.."

all_targets="verify metadata section manifest profile drivers p11uri sbom statement dsse trustblock"
merge=0
if [ "${1:-}" = "--merge" ]; then
    merge=1
    shift
fi
seconds=${1:-60}
case $seconds in
'' | *[!0-9]*)
    echo "usage: sh fuzz/run.sh [--merge] [SECONDS] [TARGET...]" >&2
    exit 2
    ;;
esac
[ $# -gt 0 ] && shift
targets=${*:-$all_targets}
for t in $targets; do
    case " $all_targets " in
    *" $t "*) ;;
    *)
        echo "unknown target '$t' (one of: $all_targets)" >&2
        exit 2
        ;;
    esac
done

. scripts/deps.sh
# clang-14 and its runtimes (libFuzzer, ASan, UBSan are in libclang-rt-14-dev);
# llvm-14 for llvm-symbolizer, so that stacks have file and line.
hv_install_deps clang-14 libclang-rt-14-dev llvm-14 || exit 1

build=${HV_FUZZ_BUILD:-build-fuzz}
work=${HV_FUZZ_WORK:-$build/fuzz-work}
nice=${HV_FUZZ_NICE:-10}
if [ ! -f "$build/build.ninja" ]; then
    mkdir -p "$build"
    CC=clang-14 meson setup "$build" --buildtype=debugoptimized \
        -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
        -Dc_args=-fsanitize=fuzzer-no-link -Dwerror=true \
        >"$build/setup.log" 2>&1 || {
        cat "$build/setup.log"
        echo "fuzz: meson setup failed"
        exit 1
    }
fi
ninja_targets=""
for t in $targets; do ninja_targets="$ninja_targets fuzz/fuzz-$t"; done
# shellcheck disable=SC2086
nice -n "$nice" ninja -C "$build" $ninja_targets || {
    echo "fuzz: build failed"
    exit 1
}

# -malloc_limit_mb above -rss_limit_mb: libarchive grows its read-ahead
# buffer to a size a header claims (up to 4 GiB) before it finds the input
# truncated; that memory is never touched (fuzz/corpus/drivers/bad-crash-cpio-*),
# so only resident memory counts, and allocations past 8 GiB.
# Symbolized stacks; UBSan stops at the first report instead of carrying on.
symbolizer=$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer ||
    ls /usr/lib/llvm-14/bin/llvm-symbolizer 2>/dev/null || true)
export ASAN_SYMBOLIZER_PATH="$symbolizer"
export ASAN_OPTIONS="detect_leaks=1:symbolize=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
ubsan="halt_on_error=1:print_stacktrace=1:symbolize=1"
export UBSAN_OPTIONS="$ubsan${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

mkdir -p "$work" && work=$(cd "$work" && pwd) || exit 1
failed=0
passed=0
ntargets=0
summary=""
for t in $targets; do
    dir=$work/$t
    rm -rf "$dir/new" "$dir/tmp"
    mkdir -p "$dir/new" "$dir/tmp"
    rm -f "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* \
        "$dir"/slow-unit-*
    log=$dir/fuzz.log
    echo "fuzz: $t for ${seconds}s (log: $log)"
    # New units go to the first folder; the committed corpus is only read.
    # The targets' temporary files go to $dir/tmp, removed afterwards.
    # shellcheck disable=SC2086
    TMPDIR=$dir/tmp nice -n "$nice" "$build/fuzz/fuzz-$t" \
        -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 \
        -malloc_limit_mb=8192 \
        -print_final_stats=1 -artifact_prefix="$dir/" \
        ${HV_FUZZ_ARGS:-} "$dir/new" "fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    status=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
    cov=$(echo "$status" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$status" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$status" | sed -n 's/.* corp: \([^ ]*\).*/\1/p')
    artifacts=$(ls "$dir" | grep -E '^(crash|leak|timeout|oom)-' || true)
    ntargets=$((ntargets + 1))
    if [ $rc -eq 0 ] && [ -z "$artifacts" ]; then
        outcome=ok
        passed=$((passed + 1))
    else
        outcome="FAILED (exit $rc)"
        failed=1
        grep -E 'ERROR: |SUMMARY: |runtime error|fuzz invariant' "$log" |
            head -n 5
        for a in $artifacts; do echo "  reproducer: $dir/$a"; done
    fi
    line=$(printf '%-9s %4ss  execs %-10s cov %-6s ft %-7s corp %-10s %s' \
        "$t" "$seconds" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
        "$outcome")
    echo "fuzz: $line"
    summary="$summary$line
"
    if [ $merge -eq 1 ] && [ "$outcome" = ok ]; then
        TMPDIR=$dir/tmp nice -n "$nice" "$build/fuzz/fuzz-$t" -merge=1 \
            "fuzz/corpus/$t" "$dir/new" >"$dir/merge.log" 2>&1 ||
            echo "fuzz: merge into fuzz/corpus/$t failed (see $dir/merge.log)"
    fi
    rm -rf "$dir/tmp"
done

echo "fuzz: summary"
printf '%s' "$summary"
# The plain closing line CI counts: one per target.
echo "fuzz: $passed passed, $((ntargets - passed)) failed"
exit $failed
