#!/bin/sh
# ATTACKS.md's appendix gives every attack-verify case the result it must
# get ("| `name` | result |"). This runs attack-verify and compares that
# column with the result each case actually produced (the third field of its
# PASS or FAIL line, see atk_run() in atk_common.c). It fails on a row whose
# column differs from the run, on a case the appendix lacks, and on a row no
# case ran. Whether each case met its own expectations is attack-verify's
# test; here only the results count, so its exit status is ignored.
#
#   index.sh ATTACK_VERIFY GOLDEN_DIR ATTACKS.md
set -u
av=$1 golden=$2 index=$3
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
"$av" "$golden" >"$out" 2>&1
awk '
function trim(s) { gsub(/^[ \t`]+|[ \t`]+$/, "", s); return s }
FNR == NR {
    if ($0 ~ /^## Appendix/) appendix = 1
    if (appendix && $0 ~ /^\| `[^`]+` \| [^|]+ \|$/) {
        split($0, f, "|")
        name = trim(f[2]); want[name] = trim(f[3]); rows++
    }
    next
}
# "PASS golden FILE ..." and "PASS ceiling-zstd-workspace: ..." are the
# direct decoder checks of atk_golden_direct(), not table cases.
($1 == "PASS" || $1 == "FAIL") && $2 != "golden" && $2 !~ /:$/ {
    got = $3; sub(/:$/, "", got); ran[$2] = got; cases++
}
END {
    bad = 0
    for (n in ran) {
        if (!(n in want)) {
            printf "FAIL: case %s (result %s) has no row in the appendix\n", n, ran[n]; bad++
        } else if (want[n] != ran[n]) {
            printf "FAIL: %s: ATTACKS.md says %s, the run gave %s\n", n, want[n], ran[n]; bad++
        }
    }
    for (n in want)
        if (!(n in ran)) { printf "FAIL: row %s: no such case ran\n", n; bad++ }
    printf "%d appendix rows, %d cases run, %d disagreements\n", rows, cases, bad
    exit (bad > 0 || rows == 0 || cases == 0)
}' "$index" "$out"
