/*
 * Decompression of one zstd section into exactly its declared size, with a
 * caller-provided static context: no allocation, and the frame can never
 * write past |dst_len| because the output buffer is flat and bounded.
 */
#include <zstd.h>
#include <zstd_errors.h>

#include "hvboot.h"
#include "sysdeps.h"

#define ZSTD_FRAME_MAGIC 0xFD2FB528u

/* see hvboot.h */
hv_result hv_zstd_unpack(void *workspace, size_t workspace_size,
                         const uint8_t *src, size_t src_len, uint8_t *dst,
                         size_t dst_len)
{
    if (!workspace || !src)
        return HV_ERR_ARGUMENT;
    if (ZSTD_estimateDCtxSize() > workspace_size)
        return HV_ERR_DECOMPRESS;
    ZSTD_DCtx *dctx = ZSTD_initStaticDCtx(workspace, workspace_size);
    if (!dctx)
        return HV_ERR_DECOMPRESS;

    /* Only a regular frame: a skippable frame or a second frame appended to
     * the first would be bytes that influence nothing yet are signed over,
     * and the format promises one frame per section. */
    if (src_len < 4 || hv_le32(src) != ZSTD_FRAME_MAGIC)
        return HV_ERR_DECOMPRESS;
    size_t frame = ZSTD_findFrameCompressedSize(src, src_len);
    if (ZSTD_isError(frame) || frame != src_len)
        return HV_ERR_DECOMPRESS;
    unsigned long long declared = ZSTD_getFrameContentSize(src, src_len);
    if (declared == ZSTD_CONTENTSIZE_ERROR)
        return HV_ERR_DECOMPRESS;
    if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != dst_len)
        return HV_ERR_UNPACKED_SIZE;

    size_t got = ZSTD_decompressDCtx(dctx, dst, dst_len, src, src_len);
    if (ZSTD_isError(got))
        return ZSTD_getErrorCode(got) == ZSTD_error_dstSize_tooSmall
                   ? HV_ERR_UNPACKED_SIZE
                   : HV_ERR_DECOMPRESS;
    /* A frame that stops short leaves stale bytes in the caller's RAM. */
    if (got != dst_len)
        return HV_ERR_UNPACKED_SIZE;
    return HV_OK;
}
