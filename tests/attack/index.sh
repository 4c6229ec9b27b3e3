#!/bin/sh
# ATTACKS.md lists every row of attack-verify's table, so the index cannot
# fall behind the suite.
set -u
av=$1 index=$2
fails=0 n=0
for name in $("$av" - --list | awk '{print $2}'); do
    n=$((n + 1))
    if ! grep -qF "\`$name\`" "$index"; then
        echo "FAIL: $name is not in $index"
        fails=$((fails + 1))
    fi
done
echo "$n attack-verify rows, $fails missing from the index"
[ "$n" -gt 0 ] && [ "$fails" -eq 0 ]
