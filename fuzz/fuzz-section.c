/*
 * Fuzz target: the section decoder hv_zstd_unpack() into a bounded buffer,
 * compared with an independent decode by libzstd's regular API.
 *
 * Input: 4 bytes of parameters, then the section's stored bytes.
 *   byte 0, bit 0 set: the output size is the frame's declared content size
 *                      (when it has one and it fits), so seeds decode as
 *                      they would in a real image;
 *   bytes 1..3:        otherwise, the output size, little-endian, reduced to
 *                      at most FUZZ_MAX_OUT.
 * The output buffer is exactly that size on the heap, as is the input, so
 * a write or read past either is a heap overflow for ASan.
 *
 * Oracles (a violation aborts):
 *  - hv_zstd_unpack() accepts only what libzstd decodes to exactly the same
 *    |dst_len| bytes;
 *  - conversely, a single regular frame that libzstd decodes to exactly
 *    |dst_len| bytes, with no declared size or that size, is accepted;
 *  - the result is one of the documented codes for this function.
 *
 * Verdict (fuzz_verdict): hv_zstd_unpack()'s; inputs under 4 bytes give none.
 */
#include <zstd.h>

#include "fuzz.h"
#include "hvboot.h"

#define FUZZ_MAX_OUT (2u << 20) /* rle-first-block.zst unpacks to 1 MiB */
#define ZSTD_MAGIC 0xFD2FB528u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    const uint8_t *body = data + 4;
    size_t src_len = size - 4;

    size_t dst_len = ((size_t)data[1] | (size_t)data[2] << 8 |
                      (size_t)data[3] << 16) % (FUZZ_MAX_OUT + 1);
    if (data[0] & 1) {
        unsigned long long cs = ZSTD_getFrameContentSize(body, src_len);
        if (cs <= FUZZ_MAX_OUT)
            dst_len = (size_t)cs;
    }

    uint8_t *src = fuzz_dup(body, src_len);
    uint8_t *dst = fuzz_xmalloc(dst_len);
    void *ws = fuzz_xmalloc(HV_ZSTD_WORKSPACE_SIZE);
    hv_result r = hv_zstd_unpack(ws, HV_ZSTD_WORKSPACE_SIZE, src, src_len,
                                 dst, dst_len);
    if (r != HV_OK && r != HV_ERR_DECOMPRESS && r != HV_ERR_UNPACKED_SIZE)
        fuzz_fail("hv_zstd_unpack returned %s", hv_result_name(r));
    fuzz_verdict(r == HV_OK ? FUZZ_ACCEPTED : FUZZ_REFUSED);

    /* Reference: one byte of extra room, so "more than dst_len" shows. */
    size_t cap = dst_len + 1;
    uint8_t *ref = fuzz_xmalloc(cap);
    size_t got = ZSTD_decompress(ref, cap, src, src_len);
    int ref_ok = !ZSTD_isError(got);

    if (r == HV_OK) {
        if (!ref_ok || got != dst_len)
            fuzz_fail("accepted %zu bytes that libzstd decodes as %s", src_len,
                      ref_ok ? "another size" : ZSTD_getErrorName(got));
        if (dst_len && memcmp(dst, ref, dst_len) != 0)
            fuzz_fail("decoded bytes differ from libzstd's");
    } else if (ref_ok && got == dst_len && src_len >= 4 &&
               hv_le32(src) == ZSTD_MAGIC &&
               ZSTD_findFrameCompressedSize(src, src_len) == src_len) {
        unsigned long long cs = ZSTD_getFrameContentSize(src, src_len);
        if (cs == ZSTD_CONTENTSIZE_UNKNOWN || cs == dst_len)
            fuzz_fail("refused (%s) one frame that libzstd decodes to "
                      "exactly %zu bytes",
                      hv_result_name(r), dst_len);
    }
    free(ref);
    free(ws);
    free(dst);
    free(src);
    return 0;
}
