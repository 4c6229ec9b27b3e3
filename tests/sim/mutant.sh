#!/bin/sh
# Run a mutant simulator build (tests/sim/meson.build). The test is
# registered with should_fail: it must FAIL, and it fails (exit 1) only when
# the simulator reports the invariant this mutant breaks; any other outcome
# (the simulator passing, crashing, or failing for another reason only)
# exits 0, which meson reports as an unexpected pass, so CI goes red.
# usage: mutant.sh SIM_BINARY 'expected failure text'
set -u
sim=$1
expect=$2
out=$("$sim" --no-pairs 2>&1)
status=$?
printf '%s\n' "$out" | grep -v '^FAIL\|^  (' | tail -12
if [ "$status" -eq 1 ] && printf '%s\n' "$out" | grep -q "failed: $expect"; then
    echo "mutant caught: $expect"
    exit 1
fi
echo "mutant NOT caught as expected (status $status)"
exit 0
