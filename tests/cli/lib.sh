# Helpers for the CLI tests. Each test script sources this, runs commands
# through `expect`, and ends with `finish`, which fails the test if any
# expectation failed or none was checked.
set -u
: "${HVIMAGE:?}" "${SRC:?}" "${HV_CONST:?}"
# HV_* offsets and sizes from include/hvimage/ (tests/format-constants.c).
. "$HV_CONST"
fails=0
checks=0
T=$(mktemp -d /tmp/hvcli-XXXXXX)
# Profiles derived from the bundled ones into $T name their vendor keys
# relative to their own folder (keys/*.pub.pem, docs/PROFILE.md).
cp -R "$SRC/oem-profiles/keys" "$T/keys"
trap 'rm -rf "$T"' EXIT

# expect CODE PATTERN CMD...: run CMD, require exit CODE and (unless PATTERN
# is empty) stdout+stderr matching the extended regex PATTERN.
expect() {
    want=$1 pattern=$2
    shift 2
    out=$("$@" 2>&1)
    got=$?
    checks=$((checks + 1))
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: exit $got, wanted $want: $*"
        echo "$out" | sed 's/^/    /'
        fails=$((fails + 1))
        return 0
    fi
    if [ -n "$pattern" ] && ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
        echo "FAIL: output does not match /$pattern/: $*"
        echo "$out" | sed 's/^/    /'
        fails=$((fails + 1))
    fi
    return 0
}

# check DESCRIPTION CMD...: a plain assertion.
check() {
    desc=$1
    shift
    checks=$((checks + 1))
    if ! "$@"; then
        echo "FAIL: $desc"
        fails=$((fails + 1))
    fi
}

finish() {
    echo "$checks checks, $fails failed"
    [ "$fails" -eq 0 ] && [ "$checks" -gt 0 ]
    exit $?
}

hv() { "$HVIMAGE" "$@"; }
