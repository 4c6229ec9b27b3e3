/*
 * zstd for the verifier beyond hv_zstd_unpack: the frame-header rule the
 * format adds for version 2 (hv_zstd_check_frame), and a frame decoded in
 * pieces as its authenticated chunks arrive (hv_zstd_stream). Internal to
 * boot/: verify.c is the only user.
 */
#ifndef HV_ZSTD_STREAM_H
#define HV_ZSTD_STREAM_H

#include "hvboot.h"

/*
 * The first bytes of a section's frame (|len| >= the frame header, or the
 * whole section): a regular zstd frame (not skippable, not legacy), whose
 * declared content size, if any, is |unpacked|, and with |window_log_max|
 * non-zero, whose window is at most 1 << window_log_max bytes.
 */
hv_result hv_zstd_check_frame(const uint8_t *src, size_t len,
                              uint64_t unpacked, uint32_t window_log_max);

/* One frame decoded in pieces into a caller's buffer. */
typedef struct hv_zstd_stream {
    void *dstream;      /* ZSTD_DStream in the caller's workspace */
    uint64_t unpacked;  /* exactly this many bytes must come out  */
    uint64_t produced;
    int frame_done;     /* zstd said the frame ended               */
} hv_zstd_stream;

/* Start a frame that must yield exactly |unpacked| bytes. */
hv_result hv_zstd_stream_begin(hv_zstd_stream *z, void *workspace,
                               size_t workspace_size, uint64_t unpacked);

/* Called with each piece of output; returns 0, or non-zero to stop. */
typedef int (*hv_zstd_emit)(void *ctx, const uint8_t *p, size_t len);

/*
 * Decode the next |len| input bytes, passing output through |out| to
 * |emit|. With |last|, the input ends here: the frame must end exactly at
 * its last byte and have produced exactly |unpacked| bytes. Returns HV_OK,
 * HV_ERR_DECOMPRESS, HV_ERR_UNPACKED_SIZE or HV_ERR_IO (|emit| refused).
 */
hv_result hv_zstd_stream_feed(hv_zstd_stream *z, const uint8_t *src,
                              size_t len, int last, uint8_t *out,
                              size_t out_size, hv_zstd_emit emit, void *ctx);

#endif
