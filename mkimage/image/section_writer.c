#define _GNU_SOURCE /* sync_file_range */
#include "section_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_getCParams, custom allocator */
#include <zstd.h>

/* 1 MiB: large enough that per-call overhead vanishes, small enough that the
 * buffers are a rounding error next to zstd's own windows. */
#define CHUNK (1u << 20)

/*
 * zstd job size with workers. The library default at level 3 is 8 MiB
 * (4 windows of 2 MiB), and its buffers then take ~60 MiB whatever the
 * input size; 4 MiB jobs (still 2 windows) halve that for ~1% more output
 * and no measurable time. The job size, like every parameter here, does not
 * depend on --threads, so neither do the bytes. Levels with windows over
 * 2 MiB (level 9 and up on large inputs) keep the library's choice:
 * smaller jobs would cost them ratio, and they are not the fast path.
 */
#define JOB_SIZE (4u << 20)

static bool small_window(int level, uint64_t size)
{
    return ZSTD_getCParams(level, size, 0).windowLog <= 21;
}

/*
 * Start writeback of the image every WRITEBACK bytes, so the final fsync
 * (hv_atomic_commit) finds little left to write: the disk works while zstd
 * does. Only a hint to the kernel; it changes no byte.
 */
#define WRITEBACK (4u << 20)

/*
 * zstd's large buffers (the input ring, one output buffer per job, the
 * workers' tables: ~45 MiB at level 3) come from here: their own mapping,
 * 2 MiB aligned, on transparent huge pages, and, at the levels that get
 * JOB_SIZE, faulted in at once (MADV_POPULATE_WRITE: page tables only;
 * |opaque| points to that choice). So the build takes its memory
 * before the first byte is read, its peak does not depend on the input's
 * size or on how well it compresses (a job's output buffer would otherwise
 * be touched only as far as its largest output so far), a few dozen 2 MiB
 * faults replace ~10 000 4 KiB ones, and zstd's tables sit on huge pages.
 * Each block is unmapped when zstd frees it, so one section's context
 * leaves nothing resident for the next (malloc would keep it). Smaller
 * allocations are plain malloc. Nothing here touches what zstd writes.
 *
 * Every block carries a header just before the pointer zstd gets: the
 * mapping's start and length, or 0 for a malloc block.
 */
#define BIG_ALLOC ((size_t)1 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

typedef struct zblock {
    void *map;      /* mmap'd block: the mapping; malloc block: NULL */
    size_t map_len; /* mmap'd block: its length */
} zblock;
#define ZHDR ((sizeof(zblock) + 15) & ~(size_t)15) /* keeps 16-byte alignment */

static void *zstd_alloc(void *opaque, size_t size)
{
    const bool prefault = *(const bool *)opaque;
    if (size > SIZE_MAX - 2 * HUGE_PAGE)
        return NULL;
    if (size < BIG_ALLOC) {
        uint8_t *m = malloc(ZHDR + size);
        if (!m)
            return NULL;
        ((zblock *)(void *)m)->map = NULL;
        return m + ZHDR;
    }
    /* Whole 4 KiB pages: a tail short of 2 MiB stays on small pages
     * rather than taking a whole huge page. */
    size_t len = (size + 4095) & ~(size_t)4095;
    size_t map_len = len + HUGE_PAGE; /* room to align, header included */
    uint8_t *map = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return NULL;
    uint8_t *p = (uint8_t *)(((uintptr_t)map + ZHDR + HUGE_PAGE - 1) &
                             ~(uintptr_t)(HUGE_PAGE - 1));
    zblock *h = (zblock *)(void *)(p - ZHDR);
    h->map = map;
    h->map_len = map_len;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, len, MADV_HUGEPAGE); /* hints: fine if refused */
#endif
#ifdef MADV_POPULATE_WRITE
    if (prefault)
        (void)madvise(p, len, MADV_POPULATE_WRITE);
#endif
    return p;
}

static void zstd_free(void *opaque, void *p)
{
    (void)opaque;
    if (!p)
        return;
    zblock *h = (zblock *)(void *)((uint8_t *)p - ZHDR);
    if (h->map)
        munmap(h->map, h->map_len);
    else
        free(h);
}

typedef struct sink {
    FILE *out;
    const char *out_name;
    EVP_MD_CTX *md;
    uint64_t written;
    uint64_t unflushed;
    bool writeback;
    /* Version 2: |md| hashes the current chunk; each full chunk's digest
     * goes into the table. */
    uint64_t chunk;    /* bytes per chunk; 0: version 1 */
    uint64_t in_chunk; /* bytes of the current chunk hashed so far */
    uint8_t *table;
    size_t dsize;
    uint64_t entries, filled;
} sink;

/* Close the current chunk: its digest is the next table entry. */
static int end_chunk(sink *k, hv_diag *diag)
{
    unsigned dlen = 0;
    if (k->filled == k->entries)
        return hv_fail(diag, HV_FAIL_INTERNAL, "internal error: the section "
                       "outgrew its chunk table (%llu entries)",
                       (unsigned long long)k->entries);
    if (EVP_DigestFinal_ex(k->md, k->table + k->filled * k->dsize, &dlen) != 1 ||
        EVP_DigestInit_ex(k->md, NULL, NULL) != 1)
        return hv_fail(diag, HV_FAIL_INTERNAL, "digest failed");
    k->filled++;
    k->in_chunk = 0;
    return 0;
}

/* Hash |n| stored bytes: whole (version 1) or chunk by chunk. */
static int hash_stored(sink *k, const uint8_t *p, size_t n, hv_diag *diag)
{
    if (k->chunk == 0)
        return EVP_DigestUpdate(k->md, p, n) == 1
                   ? 0
                   : hv_fail(diag, HV_FAIL_INTERNAL, "digest update failed");
    while (n > 0) {
        uint64_t room = k->chunk - k->in_chunk;
        size_t take = n < room ? n : (size_t)room;
        if (EVP_DigestUpdate(k->md, p, take) != 1)
            return hv_fail(diag, HV_FAIL_INTERNAL, "digest update failed");
        k->in_chunk += take;
        p += take;
        n -= take;
        if (k->in_chunk == k->chunk && end_chunk(k, diag) != 0)
            return -1;
    }
    return 0;
}

static void start_writeback(FILE *out)
{
#ifdef SYNC_FILE_RANGE_WRITE
    /* Errors do not matter: the commit's fsync reports real ones. */
    if (fflush(out) == 0)
        (void)sync_file_range(fileno(out), 0, 0, SYNC_FILE_RANGE_WRITE);
#else
    (void)out;
#endif
}

static int emit(sink *k, const void *p, size_t n, hv_diag *diag)
{
    if (n == 0)
        return 0;
    if (hash_stored(k, p, n, diag) != 0)
        return -1;
    if (fwrite(p, 1, n, k->out) != n)
        return hv_fail_errno(diag, errno ? errno : EIO, k->out_name,
                             "write failed");
    k->written += n;
    k->unflushed += n;
    if (k->writeback && k->unflushed >= WRITEBACK) {
        start_writeback(k->out);
        k->unflushed = 0;
    }
    return 0;
}

bool hv_section_level_is_slow(int level, uint64_t size)
{
    return !small_window(level, size);
}

static int zstd_setup(ZSTD_CCtx *z, const hv_section_params *p, uint64_t size,
                      hv_diag *diag)
{
    /* nbWorkers >= 1 makes the output independent of the worker count, so
     * --threads never changes the image bytes. The frame records the content
     * size and no checksum: the image digest already covers it. */
    int workers = p->threads < 1 ? 1 : p->threads;
    if (ZSTD_isError(ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel,
                                            p->level)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, 0)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z, ZSTD_c_contentSizeFlag, 1)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(z, ZSTD_c_nbWorkers, workers)) ||
        ZSTD_isError(ZSTD_CCtx_setPledgedSrcSize(z, size)))
        return hv_fail(diag, HV_FAIL_INTERNAL,
                       "zstd: cannot set level %d with %d workers", p->level,
                       workers);
    /* Version 2 caps the window (HV_ZSTD_WINDOW_LOG_MAX) so that a reader
     * streams in bounded memory; levels 1..19 stay within it already, so
     * this changes no byte they write. */
    if (p->chunk_log2 &&
        ZSTD_getCParams(p->level, size, 0).windowLog > HV_ZSTD_WINDOW_LOG_MAX &&
        ZSTD_isError(ZSTD_CCtx_setParameter(z, ZSTD_c_windowLog,
                                            (int)HV_ZSTD_WINDOW_LOG_MAX)))
        return hv_fail(diag, HV_FAIL_INTERNAL,
                       "zstd: cannot cap the window at 2^%u bytes",
                       HV_ZSTD_WINDOW_LOG_MAX);
    if (small_window(p->level, size) &&
        ZSTD_isError(ZSTD_CCtx_setParameter(z, ZSTD_c_jobSize, JOB_SIZE)))
        return hv_fail(diag, HV_FAIL_INTERNAL,
                       "zstd: cannot set a job size of %u bytes", JOB_SIZE);
    return 0;
}

/* Tell the progress hook how far zstd got: the bytes its workers have
 * compressed (not merely buffered, which runs far ahead at the slow
 * levels) and the bytes written. Called after every streaming call, which
 * with workers returns as each job's blocks complete, so a long final flush
 * still moves the line. */
static void report_progress(const hv_section_params *p, ZSTD_CCtx *z,
                            const sink *k, uint64_t *shown_in,
                            uint64_t *shown_out)
{
    if (!p->progress.add)
        return;
    uint64_t consumed = ZSTD_getFrameProgression(z).consumed;
    if (consumed < *shown_in)
        consumed = *shown_in;
    p->progress.add(p->progress.ctx, consumed - *shown_in,
                    k->written - *shown_out);
    *shown_in = consumed;
    *shown_out = k->written;
}

int hv_write_section(FILE *out, hv_source *src, const hv_section_params *p,
                     hv_section_result *res, hv_diag *diag)
{
    int rc = -1;
    sink k = {.out = out, .out_name = p->out_name ? p->out_name : "output",
              .md = EVP_MD_CTX_new(), .writeback = p->writeback};
    uint8_t *in = malloc(CHUNK);
    size_t out_cap = ZSTD_CStreamOutSize();
    uint8_t *zbuf = p->compress ? malloc(out_cap) : NULL;
    bool prefault = p->compress && small_window(p->level, src->size);
    const ZSTD_customMem zmem = {zstd_alloc, zstd_free, &prefault};
    ZSTD_CCtx *z = p->compress ? ZSTD_createCCtx_advanced(zmem) : NULL;
    const EVP_MD *md = p->digest_alg == HV_DIGEST_SHA384 ? EVP_sha384()
                                                         : EVP_sha256();
    unsigned dlen = 0;
    uint64_t shown_in = 0, shown_out = 0; /* told to the progress hook */

    memset(res, 0, sizeof *res);
    if (p->chunk_log2) {
        k.chunk = (uint64_t)1 << p->chunk_log2;
        k.dsize = (size_t)EVP_MD_get_size(md);
        k.entries = p->table_entries;
        res->table_len = (size_t)(k.entries * k.dsize);
        k.table = calloc(1, res->table_len ? res->table_len : 1);
        res->table = k.table;
    }
    if (!k.md || !in || (p->compress && (!zbuf || !z)) ||
        (p->chunk_log2 && !k.table)) {
        hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
        goto out;
    }
    if (EVP_DigestInit_ex(k.md, md, NULL) != 1) {
        hv_fail(diag, HV_FAIL_INTERNAL, "digest init failed");
        goto out;
    }
    if (p->compress && zstd_setup(z, p, src->size, diag) != 0)
        goto out;

    for (;;) {
        size_t got;
        if (hv_source_read(src, in, CHUNK, &got, diag) != 0)
            goto out;
        res->unpacked_size += got;
        if (!p->compress) {
            if (got == 0)
                break;
            if (emit(&k, in, got, diag) != 0)
                goto out;
            if (p->progress.add)
                p->progress.add(p->progress.ctx, got, got);
            continue;
        }
        ZSTD_EndDirective mode = got == 0 ? ZSTD_e_end : ZSTD_e_continue;
        ZSTD_inBuffer ib = {in, got, 0};
        size_t remaining;
        do {
            ZSTD_outBuffer ob = {zbuf, out_cap, 0};
            remaining = ZSTD_compressStream2(z, &ob, &ib, mode);
            if (ZSTD_isError(remaining)) {
                hv_fail(diag, HV_FAIL_INTERNAL, "%s: zstd: %s", src->label,
                        ZSTD_getErrorName(remaining));
                goto out;
            }
            if (emit(&k, zbuf, ob.pos, diag) != 0)
                goto out;
            report_progress(p, z, &k, &shown_in, &shown_out);
        } while (mode == ZSTD_e_end ? remaining != 0 : ib.pos < ib.size);
        if (got == 0)
            break;
    }
    if (res->unpacked_size != src->size) {
        /* The file changed size while it was read. */
        hv_fail(diag, HV_FAIL_IO, "%s: delivered %llu bytes, expected %llu",
                src->label, (unsigned long long)res->unpacked_size,
                (unsigned long long)src->size);
        goto out;
    }
    if (k.chunk) {
        /* The last, short chunk; then the section digest is the table's. */
        if (k.in_chunk > 0 && end_chunk(&k, diag) != 0)
            goto out;
        if (EVP_DigestInit_ex(k.md, md, NULL) != 1 ||
            EVP_DigestUpdate(k.md, k.table, res->table_len) != 1) {
            hv_fail(diag, HV_FAIL_INTERNAL, "digest failed");
            goto out;
        }
    }
    if (EVP_DigestFinal_ex(k.md, res->digest, &dlen) != 1) {
        hv_fail(diag, HV_FAIL_INTERNAL, "digest final failed");
        goto out;
    }
    res->stored_size = k.written;
    rc = 0;
out:
    if (rc != 0) {
        free(res->table);
        res->table = NULL;
    }
    ZSTD_freeCCtx(z);
    free(zbuf);
    free(in);
    EVP_MD_CTX_free(k.md);
    return rc;
}
