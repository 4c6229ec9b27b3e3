#!/bin/sh
# ATTACKS.md's expected results against a run: runs attack-verify and hands
# its output to index.py, which compares the appendix's expected column and
# the attack-class table's with the result each case produced. Whether each
# case met its own expectations is attack-verify's test; here only the
# results count, so its exit status is ignored.
#
#   index.sh ATTACK_VERIFY GOLDEN_DIR ATTACKS.md
set -u
av=$1 golden=$2 index=$3
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
"$av" "$golden" >"$out" 2>&1
python3 "$(dirname "$0")/index.py" "$index" "$out"
