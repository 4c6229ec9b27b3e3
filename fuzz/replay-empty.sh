#!/bin/sh
# A replay of an empty corpus folder must fail with "no input files", and
# cleanly: with nothing listed there is no array to sort, and qsort must not
# be handed the NULL (UBSan aborts on it in the sanitizer build).
#   sh replay-empty.sh REPLAY-BINARY
set -u
dir=$(mktemp -d /tmp/hvreplay-XXXXXX) || exit 1
out=$("$1" "$dir" 2>&1)
rc=$?
rmdir "$dir"
if [ "$rc" -eq 1 ] && [ "$out" = "replay: no input files" ]; then
    echo "PASS: an empty folder: $out"
    exit 0
fi
echo "FAIL: an empty folder: wanted exit 1 and 'replay: no input files'," \
     "got exit $rc:"
echo "$out"
exit 1
