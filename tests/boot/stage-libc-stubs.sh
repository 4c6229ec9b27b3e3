#!/bin/sh
# The stage's stand-ins are exactly what its link needs, no more (a stub
# nobody needs) and no fewer:
#  - boot/stage/libc.c: link the stage's other objects without it (same
#    script, same --gc-sections, same archives) and require the undefined
#    references to be the functions libc.c defines;
#  - boot/stage/zstd_legacy.c: it defines exactly the legacy-decoder
#    symbols that libzstd.a's zstd_decompress.o references, and the stage's
#    link map shows no legacy object.
set -u
: "${CC:?}" "${OBJDIR:?}" "${BOOTLIB:?}" "${STAGE_LD:?}" "${STAGE_MAP:?}"
ZSTD_A=$($CC -print-file-name=libzstd.a)
BEARSSL_A=$($CC -print-file-name=libbearssl.a)
T=$(mktemp -d /tmp/hvstubs-XXXXXX)
trap 'rm -rf "$T"' EXIT
set --
for o in "$OBJDIR"/*.o; do
    case "$o" in */libc.c.o) ;; *) set -- "$@" "$o" ;; esac
done
# $CC may be a command with arguments (ccache cc): split on purpose.
# shellcheck disable=SC2086
$CC -o "$T/x.elf" "$@" -nostdlib -static -Wl,-T,"$STAGE_LD" -Wl,--gc-sections \
    -Wl,--wrap=ZSTD_decompressDCtx -Wl,--start-group "$BOOTLIB" "$ZSTD_A" \
    "$BEARSSL_A" -Wl,--end-group >"$T/link.log" 2>&1
grep -o "undefined reference to \`[^']*'" "$T/link.log" |
    sed "s/.*\`//; s/'$//" | sort -u >"$T/needed"
nm --defined-only "$OBJDIR/libc.c.o" | awk '$2 == "T" { print $3 }' | sort -u >"$T/defined"
if [ ! -s "$T/needed" ]; then
    cat "$T/link.log"
    echo "FAIL: the link without libc.c reported nothing undefined"
    exit 1
fi
if ! diff -u "$T/needed" "$T/defined"; then
    echo "FAIL: libc.c defines (+) something other than the link needs (-)"
    exit 1
fi
echo "libc.c provides exactly: $(tr '\n' ' ' <"$T/needed")"

(cd "$T" && ar x "$ZSTD_A" zstd_decompress.o) || { echo "FAIL: no zstd_decompress.o in $ZSTD_A"; exit 1; }
nm -u "$T/zstd_decompress.o" | awk '{ print $2 }' | grep -E '^(ZSTD|ZBUFF)v0[0-9]_' | sort -u >"$T/legacy-needed"
nm --defined-only "$OBJDIR/zstd_legacy.c.o" | awk '$2 == "T" { print $3 }' | sort -u >"$T/legacy-defined"
if ! diff -u "$T/legacy-needed" "$T/legacy-defined"; then
    echo "FAIL: zstd_legacy.c defines (+) other than zstd_decompress.o references (-)"
    exit 1
fi
if grep -q 'zstd_v0[0-9]\.o' "$STAGE_MAP"; then
    echo "FAIL: a zstd legacy decoder object is linked into the stage:"
    grep 'zstd_v0[0-9]\.o' "$STAGE_MAP" | head -3
    exit 1
fi
echo "zstd_legacy.c stands in for exactly $(wc -l <"$T/legacy-needed") legacy symbols; none linked"
