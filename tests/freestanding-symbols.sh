#!/bin/sh
# The verifier library, built -ffreestanding, may reference nothing outside
# an allow-list: mem* from libc, the zstd decoder entry points it uses (whole
# frames for hv_verify, frame headers and a static stream for format version
# 2's hv_verify_stream), and
# BearSSL (from the crypto backend objects only). It must define nothing
# outside the hv_ prefix. Fails listing every offending symbol.
set -eu
lib=$1
nm=${NM:-nm}
[ -f "$lib" ] || { echo "no library at $lib"; exit 1; }
status=0
allowed_core='^(memcpy|memset|memmove|memcmp|ZSTD_estimateDCtxSize|ZSTD_initStaticDCtx|ZSTD_findFrameCompressedSize|ZSTD_getFrameContentSize|ZSTD_decompressDCtx|ZSTD_isError|ZSTD_getErrorCode|ZSTD_getFrameHeader|ZSTD_estimateDStreamSize|ZSTD_initStaticDStream|ZSTD_DCtx_setParameter|ZSTD_decompressStream|hv_[a-z0-9_]+)$'
allowed_crypto='^(memcpy|memset|memmove|memcmp|br_[a-z0-9_]+|hv_[a-z0-9_]+)$'
# The SHA-extension code needs nothing at all beyond mem*.
allowed_x86='^(memcpy|memset|memmove|memcmp)$'
members=$(ar t "$lib")
[ -n "$members" ] || { echo "empty library"; exit 1; }
count=0
for obj in $members; do
    case "$obj" in
        *sha256_x86*) allowed=$allowed_x86 ;;
        *crypto_bearssl*|*crypto_native*|*algs*|*ct.c*) allowed=$allowed_crypto ;;
        *) allowed=$allowed_core ;;
    esac
    undefined=$("$nm" -u "$lib" 2>/dev/null | awk -v o="$obj:" '
        $0 == o { inside = 1; next } /:$/ { inside = 0 } inside && $1 == "U" { print $2 }')
    for sym in $undefined; do
        count=$((count + 1))
        if ! echo "$sym" | grep -Eq "$allowed"; then
            echo "$obj references $sym, which a freestanding verifier must not"
            status=1
        fi
    done
done
defined=$("$nm" -g --defined-only "$lib" | awk 'NF == 3 { print $3 }')
for sym in $defined; do
    case "$sym" in hv_*) ;; *) echo "exports $sym outside the hv_ prefix"; status=1 ;; esac
done
[ "$count" -gt 10 ] || { echo "only $count undefined references found: nm output not understood"; exit 1; }
echo "$(echo "$members" | wc -w) objects, $count undefined references checked"
exit $status
