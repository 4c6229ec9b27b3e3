/*
 * Sections compressed beside the core. At the slow zstd levels a core
 * smaller than a few of zstd's jobs leaves workers idle, and every section
 * after it (boot configuration, drivers, extras) would wait its turn. The
 * spool compresses those sections in a helper thread, one after the other,
 * into a temporary file while the core streams into the image; the builder
 * then copies each one into place. Stored (uncompressed) sections are not
 * spooled: there is no CPU work to overlap, and a large blob would be
 * written twice. Each section goes through the same
 * hv_write_section with the same parameters, so its bytes are exactly those
 * of a serial build (zstd's output does not depend on the worker count).
 */
#ifndef HV_SECTION_SPOOL_H
#define HV_SECTION_SPOOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "diag.h"
#include "hvimage/format.h"
#include "section_writer.h"
#include "source.h"

/*
 * Opens the source of the |i|th spooled section. Runs on the helper
 * thread. Returns 0, or -1 with |diag| set (diag.h).
 */
typedef int (*hv_spool_open_fn)(void *ctx, size_t i, hv_source *src,
                                hv_diag *diag);

typedef struct hv_spool {
    /* Set by hv_spool_start; read by the helper only. */
    hv_spool_open_fn open;
    void *ctx;
    size_t count;
    bool wanted[HV_MAX_SECTIONS];
    hv_section_params params;
    /* Version 2: each section's chunk table entries (params has the
     * chunk size). */
    uint64_t table_entries[HV_MAX_SECTIONS];
    FILE *fp;
    /* Written by the helper; read only after hv_spool_finish. */
    int rc; /* 0 or -1 */
    hv_diag diag;
    uint64_t offset[HV_MAX_SECTIONS]; /* in the spool file */
    hv_section_result result[HV_MAX_SECTIONS];
    /* Bookkeeping. */
    pthread_t thread;
    bool running;
} hv_spool;

/*
 * Start writing, on a helper thread with |params|, those of |count| sections
 * whose |wanted| entry is true; the others are left to the caller, in image
 * order. Returns 0, or -1 with |diag| set (nothing started).
 */
int hv_spool_start(hv_spool *s, size_t count, const bool *wanted,
                   const hv_section_params *params,
                   const uint64_t *table_entries, hv_spool_open_fn open,
                   void *ctx, hv_diag *diag);

/*
 * Wait for the helper. Returns 0 or -1; on failure |diag| holds its
 * message. Safe to call when nothing was started (returns 0).
 */
int hv_spool_finish(hv_spool *s, hv_diag *diag);

/*
 * Append section |i|'s stored bytes (a wanted one) to |out| at its current
 * position. Only after a successful hv_spool_finish. Returns 0, or -1 with
 * |diag| set. The bytes are not hashed again: the digest was taken as they
 * were written, as for every section written straight to the image.
 */
int hv_spool_copy(hv_spool *s, size_t i, FILE *out, hv_diag *diag);

/* Joins the helper if it still runs, frees the chunk tables and removes
 * the spool. */
void hv_spool_free(hv_spool *s);

#endif
