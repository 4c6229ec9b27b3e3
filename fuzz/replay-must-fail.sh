#!/bin/sh
# Passes when a replay over CORPUS fails the way a wrong verdict must: exit
# status 1 and "without the verdict promised" (fuzz/replay.c). A crash, a
# pass or another failure fails this test.
#
#   replay-must-fail.sh REPLAY_PROGRAM CORPUS
set -u
out=$("$1" "$2" 2>&1)
rc=$?
printf '%s\n' "$out" | tail -n 5
if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q 'without the verdict promised'; then
    echo "replay refused, as it must"
    exit 0
fi
echo "FAIL: the replay exited $rc; a dead or blind parser would pass" >&2
exit 1
