/*
 * attack-verify, one attack family (the suite: attack-verify.c, the crafter:
 * atk_craft.h).
 *
 * Format version 2's chunk tables and its rules for zstd frames: a flipped
 * byte in a table or in any chunk, entries past the last chunk, a table
 * that matches over a chunk that does not, chunk_log2 out of range, stored
 * sizes above hv_stored_bound(), tables above HV_MAX_CHUNK_TABLE_SIZE,
 * windows above 8 MiB, and malformed frames spread over several chunks.
 * Every case also runs through hv_verify_stream (atk_common.c), which must
 * decide the same at the same byte. Run in version 2 only.
 */
#ifndef ZSTD_STATIC_LINKING_ONLY
#define ZSTD_STATIC_LINKING_ONLY
#endif
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "atk_craft.h"

/* 64 KiB chunks: sections of a few hundred KiB span several. */
#define LOG2 16u
#define CH ((uint64_t)1 << LOG2)
/* 3 full chunks and a short one. */
#define BLOB_SIZE (3u * (1u << LOG2) + 3392u)

static uint8_t *noise(size_t n, uint32_t seed)
{
    uint8_t *p = xmalloc(n);
    uint32_t x = seed;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = (uint8_t)(x >> 16);
    }
    return p;
}

/* Fixture A with 64 KiB chunks and an extra stored section "blob" of
 * BLOB_SIZE bytes; returns blob's index. Not yet encoded. */
static uint32_t with_blob(ctx *c)
{
    c_std(c);
    if (c->m.info.chunk_log2 == 0)
        die("the chunks family needs format version 2");
    c_chunks(c, LOG2);
    uint8_t *b = noise(BLOB_SIZE, 7);
    uint32_t at = img_add(&c->m, HV_SECTION_EXTRA, HV_COMPRESSION_NONE, "blob",
                          b, BLOB_SIZE, BLOB_SIZE);
    free(b);
    img_layout(&c->m);
    return at;
}

/* A zstd frame of |n| bytes of noise (so it spans chunks as stored),
 * level 1, optionally with window log |wlog| and without content size. */
static uint8_t *z_noise(size_t n, int fcs, int wlog, size_t *zn)
{
    uint8_t *raw = noise(n, 11);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    size_t cap = ZSTD_compressBound(n) + 64;
    uint8_t *out = xmalloc(cap);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 1);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, fcs);
    if (wlog)
        ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, wlog);
    ZSTD_inBuffer in = {raw, n, 0};
    ZSTD_outBuffer o = {out, cap, 0};
    size_t r;
    if (fcs) {
        r = ZSTD_compress2(cc, out, cap, raw, n);
    } else {
        /* Fed before it is told the end, zstd does not know the size and
         * keeps the window asked for (else it shrinks it to the input). */
        r = ZSTD_compressStream2(cc, &o, &in, ZSTD_e_continue);
        if (!ZSTD_isError(r))
            r = ZSTD_compressStream2(cc, &o, &in, ZSTD_e_end);
    }
    ZSTD_freeCCtx(cc);
    free(raw);
    if (ZSTD_isError(r) || (!fcs && r != 0))
        die("zstd compress");
    ZSTD_frameHeader fh;
    if (wlog && (ZSTD_getFrameHeader(&fh, out, fcs ? r : o.pos) != 0 ||
                 fh.windowSize != (UINT64_C(1) << wlog)))
        die("zstd did not keep the window asked for");
    *zn = fcs ? r : o.pos;
    return out;
}

/* An extra zstd section "zn" holding |f| (|n| bytes), declared |declared|,
 * with 64 KiB chunks; signed and emitted. Returns its index. */
static uint32_t zsec(ctx *c, const uint8_t *f, size_t n, uint64_t declared)
{
    c_std(c);
    if (c->m.info.chunk_log2 == 0)
        die("the chunks family needs format version 2");
    c_chunks(c, LOG2);
    uint32_t at = img_add(&c->m, HV_SECTION_EXTRA, HV_COMPRESSION_ZSTD, "zn", f,
                          n, declared);
    img_layout(&c->m);
    c_finish(c);
    return at;
}

/* ---- controls ----------------------------------------------------------- */

static void ok_blob(ctx *c)
{
    with_blob(c);
    c_finish(c);
}
static void ok_zstd_multi(ctx *c)
{
    size_t zn;
    uint8_t *f = z_noise(BLOB_SIZE, 1, 0, &zn);
    zsec(c, f, zn, BLOB_SIZE);
    free(f);
}
/* The largest window version 2 allows: 8 MiB, no content size. */
static void ok_window_8m(ctx *c)
{
    size_t zn;
    uint8_t *f = z_noise(BLOB_SIZE, 0, (int)HV_ZSTD_WINDOW_LOG_MAX, &zn);
    zsec(c, f, zn, BLOB_SIZE);
    free(f);
}

/* ---- flipped bytes: not re-signed ---------------------------------------- */

static void flip_table(ctx *c)
{
    uint32_t at = with_blob(c);
    c_finish(c);
    c->out[sec_off(c, at) + 5] ^= 0x20;
    want(c, at, sec_off(c, at));
}
static void flip_at(ctx *c, uint64_t chunk, uint64_t in_chunk)
{
    uint32_t at = with_blob(c);
    c_finish(c);
    c->out[sec_data(c, at) + chunk * CH + in_chunk] ^= 0x01;
    want(c, at, sec_data(c, at) + chunk * CH);
}
static void flip_first(ctx *c) { flip_at(c, 0, 0); }
static void flip_middle(ctx *c) { flip_at(c, 1, CH / 2); }
static void flip_last_short(ctx *c) { flip_at(c, 3, BLOB_SIZE - 3 * CH - 1); }
static void flip_zstd_middle(ctx *c)
{
    size_t zn;
    uint8_t *f = z_noise(BLOB_SIZE, 1, 0, &zn);
    uint32_t at = zsec(c, f, zn, BLOB_SIZE);
    free(f);
    c->out[sec_data(c, at) + 2 * CH + 17] ^= 0x80;
    want(c, at, sec_data(c, at) + 2 * CH);
}

/* ---- tables re-signed: the table matches, something else does not ------ */

/* Rehash section |i|'s (edited) table into its digest, sign, emit. */
static void retable(ctx *c, uint32_t i)
{
    hv_section *s = &c->m.info.sections[i];
    memset(s->digest, 0, sizeof s->digest);
    hash(c->m.info.digest_alg, c->m.tab[i], c->m.tlen[i], s->digest);
    c_finish(c);
}
/* Entry 1 says other bytes: the table's digest matches, chunk 1 not. */
static void entry_wrong(ctx *c)
{
    uint32_t at = with_blob(c);
    c->m.tab[at][32 + 3] ^= 0x01;
    retable(c, at);
    want(c, at, sec_data(c, at) + CH);
}
/* A compressible zstd section: 200 KiB of one byte stores in a few bytes,
 * so its table (sized by the bound) has entries past the last chunk. */
static uint32_t sparse(ctx *c)
{
    c_std(c);
    c_chunks(c, LOG2);
    uint32_t at = add_zstd_extra(c, "sparse", BLOB_SIZE, 1, BLOB_SIZE);
    img_layout(&c->m);
    if (c->m.tlen[at] < 3 * 32 || c->m.plen[at] > CH)
        die("the sparse section is not sparse");
    return at;
}
static void ok_sparse(ctx *c)
{
    sparse(c);
    c_finish(c);
}
static void entry_past_last(ctx *c)
{
    uint32_t at = sparse(c);
    c->m.tab[at][c->m.tlen[at] - 1] = 1;
    retable(c, at);
    want(c, at, sec_off(c, at) + 32);
}
/* Entry 0 zero, as if the chunk were past the end: it is not. */
static void entry_zeroed(ctx *c)
{
    uint32_t at = sparse(c);
    memset(c->m.tab[at], 0, 32);
    retable(c, at);
    want(c, at, sec_data(c, at));
}

/* ---- metadata: chunk_log2, bounds, table sizes (re-signed) ------------- */

static void log2_is(ctx *c, uint32_t v)
{
    with_blob(c);
    c_encode(c);
    put32(meta(c) + HV_META_OFF_CHUNK_LOG2, v);
    c_resign(c);
}
static void log2_15(ctx *c) { log2_is(c, HV_MIN_CHUNK_LOG2 - 1); }
static void log2_25(ctx *c) { log2_is(c, HV_MAX_CHUNK_LOG2 + 1); }
static void log2_0(ctx *c) { log2_is(c, 0); }
static void log2_ffffffff(ctx *c) { log2_is(c, UINT32_MAX); }
/* Version 1 had these bytes reserved: any value there is refused. */
static void log2_in_v1(ctx *c)
{
    c_std_v1(c);
    c_encode(c);
    put32(meta(c) + HV_META_OFF_CHUNK_LOG2, 20);
    c_resign(c);
}
/* The same version 1 image claiming version 2: no chunk_log2. */
static void v1_claims_v2(ctx *c)
{
    c_std_v1(c);
    c_encode(c);
    put32(c->tbs + HV_HDR_OFF_FORMAT_VERSION, HV_FORMAT_VERSION_2);
    c_resign(c);
}
/* A version 2 image claiming version 1: its chunk_log2 is then a set
 * reserved field. */
static void v2_claims_v1(ctx *c)
{
    c_std(c);
    c_encode(c);
    put32(c->tbs + HV_HDR_OFF_FORMAT_VERSION, HV_FORMAT_VERSION_1);
    c_resign(c);
}
/* 4 KiB of zstd frame declared as 1 byte: above 1 + 0 + 4096? No: 4097 is
 * the bound, one more stored byte is refused, before any table is sized. */
static void stored_above_bound(ctx *c)
{
    size_t n = (size_t)hv_stored_bound(HV_COMPRESSION_ZSTD, 1) + 1;
    uint8_t *f = noise(n, 3);
    zsec(c, f, n, 1);
    free(f);
}
static void stored_ffffffff(ctx *c)
{
    with_blob(c);
    c_encode(c);
    put64(entry(c, 1) + HV_SEC_OFF_STORED_SIZE, UINT32_MAX);
    c_resign(c);
}
/* Declared sizes whose tables have 2048 entries (64 KiB: accepted; the
 * board then has no RAM for the section) and 2049 (refused). */
static uint64_t declared_for_entries(uint64_t entries)
{
    uint64_t u = (entries - 1) << LOG2; /* bound above it: >= entries */
    while (hv_chunk_entries(HV_COMPRESSION_ZSTD, u, LOG2) > entries)
        u -= 1024;
    while (hv_chunk_entries(HV_COMPRESSION_ZSTD, u + 1, LOG2) <= entries)
        u++;
    return u; /* the largest size with |entries| entries */
}
static void table_at(ctx *c, uint64_t unpacked)
{
    c_std(c);
    c_chunks(c, LOG2);
    uint32_t at = add_zstd_extra(c, "big", 64, 0, unpacked);
    img_layout(&c->m);
    c_finish(c);
    want_fail(c, at, sec_off(c, at));
}
static void table_64k(ctx *c)
{
    table_at(c, declared_for_entries(HV_MAX_CHUNK_TABLE_SIZE / 32));
}
static void table_64k_plus(ctx *c)
{
    table_at(c, declared_for_entries(HV_MAX_CHUNK_TABLE_SIZE / 32) + 1);
    want(c, NOSEC, HV_HEADER_SIZE);
}

/* ---- zstd frames, version 2's rules, over several chunks ---------------- */

/* A window of 16 MiB (no content size, so the window descriptor counts):
 * valid zstd, signed, refused by version 2 at the section's first byte. */
static void window_16m(ctx *c)
{
    size_t zn;
    uint8_t *f = z_noise(BLOB_SIZE, 0, (int)HV_ZSTD_WINDOW_LOG_MAX + 1, &zn);
    uint32_t at = zsec(c, f, zn, BLOB_SIZE);
    free(f);
    want(c, at, sec_data(c, at));
}
static void multi(ctx *c, int64_t declared_delta, int edit)
{
    size_t zn;
    uint8_t *f = z_noise(BLOB_SIZE, 0, 0, &zn);
    uint8_t *g = xmalloc(zn + 16);
    size_t gn = zn;
    memcpy(g, f, zn);
    if (edit == 1) /* one byte after the frame */
        g[gn++] = 0;
    else if (edit == 2) /* the frame's last 5 bytes cut */
        gn -= 5;
    else if (edit == 3) { /* a skippable frame first */
        static const uint8_t sk[] = {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0,
                                     1,    2,    3,    4};
        memcpy(g, sk, sizeof sk);
        memcpy(g + sizeof sk, f, zn);
        gn = zn + sizeof sk;
    } else if (edit == 4) /* a second frame after the first */
        memcpy(g + gn, g, 10), gn += 10;
    uint32_t at = zsec(c, g, gn,
                       (uint64_t)((int64_t)BLOB_SIZE + declared_delta));
    free(f);
    free(g);
    if (gn <= 2 * CH)
        die("the frame does not span three chunks");
    want(c, at, ANYOFF);
}
static void multi_minus1(ctx *c) { multi(c, -1, 0); }
static void multi_plus1(ctx *c) { multi(c, 1, 0); }
static void multi_trailing(ctx *c) { multi(c, 0, 1); }
static void multi_truncated(ctx *c) { multi(c, 0, 2); }
static void multi_skippable(ctx *c) { multi(c, 0, 3); }
static void multi_two_frames(ctx *c) { multi(c, 0, 4); }
/* Content size in the frame one off from the signed size. */
static void fcs_off(ctx *c, int64_t d)
{
    size_t zn;
    uint8_t *f = z_noise(BLOB_SIZE, 1, 0, &zn);
    uint32_t at = zsec(c, f, zn, (uint64_t)((int64_t)BLOB_SIZE + d));
    free(f);
    want(c, at, sec_data(c, at));
}
static void fcs_minus1(ctx *c) { fcs_off(c, -1); }
static void fcs_plus1(ctx *c) { fcs_off(c, 1); }

/* ---- the cases ---------------------------------------------------------- */

const atk_row atk_rows_chunks[] = {
    {"chunks", "chunks-control-four-chunks", ok_blob, HV_OK, NOSEC, NOOFF},
    {"chunks", "chunks-control-zstd-four-chunks", ok_zstd_multi, HV_OK, NOSEC, NOOFF},
    {"chunks", "chunks-control-window-8MiB", ok_window_8m, HV_OK, NOSEC, NOOFF},
    {"chunks", "chunks-control-entries-past-last-zero", ok_sparse, HV_OK, NOSEC, NOOFF},
    {"chunks", "chunks-table-byte-flipped", flip_table, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"chunks", "chunks-first-chunk-flipped", flip_first, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"chunks", "chunks-middle-chunk-flipped", flip_middle, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"chunks", "chunks-last-short-chunk-flipped", flip_last_short, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"chunks", "chunks-zstd-middle-chunk-flipped", flip_zstd_middle, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"chunks", "chunks-table-matches-chunk-does-not", entry_wrong, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"chunks", "chunks-entry-past-last-chunk-set", entry_past_last, HV_ERR_LAYOUT, ANYSEC, ANYOFF},
    {"chunks", "chunks-entry-0-zeroed", entry_zeroed, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"chunks", "chunks-log2-15", log2_15, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"chunks", "chunks-log2-25", log2_25, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"chunks", "chunks-log2-0-in-v2", log2_0, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"chunks", "chunks-log2-ffffffff", log2_ffffffff, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"chunks", "chunks-log2-set-in-v1", log2_in_v1, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"chunks", "chunks-v1-image-says-v2", v1_claims_v2, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"chunks", "chunks-v2-image-says-v1", v2_claims_v1, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"chunks", "chunks-stored-size-above-bound", stored_above_bound, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"chunks", "chunks-stored-size-ffffffff", stored_ffffffff, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"chunks", "chunks-table-64KiB", table_64k, HV_ERR_MEMORY, ANYSEC, ANYOFF},
    {"chunks", "chunks-table-64KiB-plus-1-entry", table_64k_plus, HV_ERR_METADATA, ANYSEC, ANYOFF},
    {"chunks", "chunks-zstd-window-16MiB", window_16m, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
    {"chunks", "chunks-zstd-declared-minus-1", multi_minus1, HV_ERR_UNPACKED_SIZE, ANYSEC, ANYOFF},
    {"chunks", "chunks-zstd-declared-plus-1", multi_plus1, HV_ERR_UNPACKED_SIZE, ANYSEC, ANYOFF},
    {"chunks", "chunks-zstd-fcs-declared-minus-1", fcs_minus1, HV_ERR_UNPACKED_SIZE, ANYSEC, ANYOFF},
    {"chunks", "chunks-zstd-fcs-declared-plus-1", fcs_plus1, HV_ERR_UNPACKED_SIZE, ANYSEC, ANYOFF},
    {"chunks", "chunks-zstd-trailing-byte", multi_trailing, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
    {"chunks", "chunks-zstd-truncated", multi_truncated, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
    {"chunks", "chunks-zstd-skippable-frame-first", multi_skippable, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
    {"chunks", "chunks-zstd-second-frame-after", multi_two_frames, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
};
const size_t atk_rows_chunks_count =
    sizeof atk_rows_chunks / sizeof atk_rows_chunks[0];
