/*
 * Decompression of one zstd section into exactly its declared size, with a
 * caller-provided static context: no allocation, and the frame can never
 * write past |dst_len| because the output buffer is flat and bounded.
 */
#include <zstd.h>
#include <zstd_errors.h>

#include "hvboot.h"
#include "zstd_stream.h"
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

/* see zstd_stream.h */
hv_result hv_zstd_check_frame(const uint8_t *src, size_t len,
                              uint64_t unpacked, uint32_t window_log_max)
{
    ZSTD_frameHeader fh;
    if (!src || len < 4 || hv_le32(src) != ZSTD_FRAME_MAGIC)
        return HV_ERR_DECOMPRESS;
    /* Non-zero: an error, or more bytes needed than the section has. */
    if (ZSTD_getFrameHeader(&fh, src, len) != 0 || fh.frameType != ZSTD_frame)
        return HV_ERR_DECOMPRESS;
    if (fh.frameContentSize == ZSTD_CONTENTSIZE_ERROR)
        return HV_ERR_DECOMPRESS;
    if (fh.frameContentSize != ZSTD_CONTENTSIZE_UNKNOWN &&
        fh.frameContentSize != unpacked)
        return HV_ERR_UNPACKED_SIZE;
    if (window_log_max && fh.windowSize > ((uint64_t)1 << window_log_max))
        return HV_ERR_DECOMPRESS;
    return HV_OK;
}

/* see zstd_stream.h */
hv_result hv_zstd_stream_begin(hv_zstd_stream *z, void *workspace,
                               size_t workspace_size, uint64_t unpacked)
{
    memset(z, 0, sizeof *z);
    if (!workspace)
        return HV_ERR_ARGUMENT;
    if (ZSTD_estimateDStreamSize((size_t)1 << HV_ZSTD_WINDOW_LOG_MAX) >
        workspace_size)
        return HV_ERR_DECOMPRESS;
    ZSTD_DStream *d = ZSTD_initStaticDStream(workspace, workspace_size);
    if (!d ||
        ZSTD_isError(ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax,
                                            (int)HV_ZSTD_WINDOW_LOG_MAX)))
        return HV_ERR_DECOMPRESS;
    z->dstream = d;
    z->unpacked = unpacked;
    return HV_OK;
}

/* Pass one output piece on, refusing more than the declared size. */
static hv_result stream_emit(hv_zstd_stream *z, const uint8_t *p, size_t n,
                             hv_zstd_emit emit, void *ctx)
{
    if (n == 0)
        return HV_OK;
    if (n > z->unpacked - z->produced)
        return HV_ERR_UNPACKED_SIZE;
    z->produced += n;
    if (emit && emit(ctx, p, n) != 0)
        return HV_ERR_IO;
    return HV_OK;
}

/* see zstd_stream.h */
hv_result hv_zstd_stream_feed(hv_zstd_stream *z, const uint8_t *src,
                              size_t len, int last, uint8_t *out,
                              size_t out_size, hv_zstd_emit emit, void *ctx)
{
    ZSTD_inBuffer in = {src, len, 0};
    hv_result r;

    /* A byte after the frame's end would be signed over yet mean nothing:
     * the format allows exactly one frame per section. */
    if (z->frame_done && len > 0)
        return HV_ERR_DECOMPRESS;
    /* Until this input is used up; with |last|, on until the frame ends:
     * what zstd still holds comes out then, and a frame that needs more
     * input than the section has makes no progress. */
    for (;;) {
        int more_in = in.pos < in.size;
        if (!more_in && (!last || z->frame_done))
            break;
        ZSTD_outBuffer ob = {out, out_size, 0};
        size_t ret = ZSTD_decompressStream(z->dstream, &ob, &in);
        if (ZSTD_isError(ret))
            return HV_ERR_DECOMPRESS;
        if ((r = stream_emit(z, out, ob.pos, emit, ctx)) != HV_OK)
            return r;
        if (ret == 0) {
            z->frame_done = 1;
            if (in.pos < in.size)
                return HV_ERR_DECOMPRESS;
        } else if (!more_in && ob.pos == 0) {
            return HV_ERR_DECOMPRESS;
        }
    }
    if (!last)
        return HV_OK;
    return z->produced == z->unpacked ? HV_OK : HV_ERR_UNPACKED_SIZE;
}
