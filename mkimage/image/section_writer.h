/*
 * The streaming section writer: reads a source once, compresses it with zstd
 * (or stores it), hashes the stored bytes and appends them to the image, all
 * in one pass with fixed-size buffers, so memory stays flat however large
 * the section.
 */
#ifndef HV_SECTION_WRITER_H
#define HV_SECTION_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "hvimage/format.h"
#include "source.h"

/* Told the bytes read and written as a section streams, for a progress
 * line. May be called from the spool's thread too. */
typedef struct hv_progress_hook {
    void (*add)(void *ctx, uint64_t bytes_in, uint64_t bytes_out);
    void *ctx;
} hv_progress_hook;

typedef struct hv_section_params {
    bool compress;
    int level;       /* zstd level, 1..19 */
    int threads;     /* zstd workers; >= 1 (output does not depend on it) */
    uint32_t digest_alg;
    /* Format version 2: log2 of the chunk size, and the chunk table's entry
     * count (hv_chunk_entries of the section). 0: version 1, one digest of
     * the stored bytes. */
    uint32_t chunk_log2;
    uint64_t table_entries;
    /* Start the kernel's writeback of |out| every few MiB, so the image's
     * final fsync finds little left; off for a spool that is read back and
     * deleted (writing it to disk would be wasted I/O). A hint only. */
    bool writeback;
    const char *out_name; /* the output as messages name it */
    hv_progress_hook progress; /* optional */
} hv_section_params;

typedef struct hv_section_result {
    uint64_t stored_size;
    uint64_t unpacked_size;
    /* Version 1: of the stored bytes; version 2: of the chunk table. The
     * unused tail is zero. */
    uint8_t digest[HV_DIGEST_MAX_SIZE];
    /* Version 2: the chunk table (table_len bytes, malloc'd: the caller
     * writes it before the stored bytes and frees it). NULL for version 1. */
    uint8_t *table;
    size_t table_len;
} hv_section_result;

/*
 * True when zstd at |level| on |size| bytes works with windows over 2 MiB:
 * the slow levels (9 and up on inputs of a few MiB), whose jobs are large
 * enough to leave workers idle on a core of a few jobs. The builder then
 * compresses the later sections beside the core (section_spool.h). At the
 * fast levels it does not: they keep every worker busy, and one section at a
 * time keeps the build's memory flat.
 */
bool hv_section_level_is_slow(int level, uint64_t size);

/* Append the section to |out| at its current position. Returns 0, or -1
 * with |diag| classed: I/O naming |p->out_name| or the source, internal for
 * zstd or digest failures. */
int hv_write_section(FILE *out, hv_source *src, const hv_section_params *p,
                     hv_section_result *res, hv_diag *diag);

#endif
