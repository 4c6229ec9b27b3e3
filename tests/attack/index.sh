#!/bin/sh
# ATTACKS.md's expected results against a run: runs attack-verify and the
# other attack programs and hands their output to index.py, which compares
# the appendix's expected column and the attack-class table's with what
# each case produced. Whether each case met its own expectations is each
# program's own test; here only what they report counts, so their exit
# statuses are ignored.
#
#   index.sh ATTACK_VERIFY GOLDEN_DIR ATTACKS.md [OTHER_PROGRAM...]
set -u
av=$1 golden=$2 index=$3
shift 3
out=$(mktemp) || exit 1
others=$(mktemp) || exit 1
trap 'rm -f "$out" "$others"' EXIT
"$av" "$golden" >"$out" 2>&1
for p in "$@"; do "$p" >>"$others" 2>&1; done
python3 "$(dirname "$0")/index.py" "$index" "$out" "$others"
