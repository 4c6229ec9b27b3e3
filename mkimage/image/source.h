/*
 * Section sources: where the unpacked bytes of a section come from, read
 * front to back exactly once. A raw file, the loadable segments of an ELF core
 * laid out flat, or a buffer in memory (boot configuration).
 */
#ifndef HV_SOURCE_H
#define HV_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"

typedef struct hv_segment {
    uint64_t addr;     /* physical load address */
    uint64_t file_off; /* where its bytes start in the file */
    uint64_t filesz;   /* bytes from the file; the rest up to the next */
} hv_segment;          /* segment or the end is zero                   */

typedef struct hv_source {
    const char *label; /* names the input in messages; not owned */
    FILE *fp;          /* owned; NULL for memory sources */
    const uint8_t *mem;
    uint64_t size; /* exact bytes this source delivers */
    uint64_t pos;
    /* ELF only: segments sorted by address, and the flat image's base. */
    hv_segment *segs;
    size_t seg_count;
    uint64_t base;
    uint64_t entry;
} hv_source;

/* A regular file, delivered as it is. */
int hv_source_open_file(hv_source *s, const char *path, hv_diag *diag);
/* An ELF64 little-endian executable: its PT_LOAD segments laid out flat from
 * the lowest physical address; gaps and .bss are zero. s->base is the load
 * address and s->entry the entry point. */
int hv_source_open_elf(hv_source *s, const char *path, hv_diag *diag);
/* True if the file starts with the ELF magic. -1 if unreadable. */
int hv_file_is_elf(const char *path, hv_diag *diag);
/* A buffer the caller keeps alive until hv_source_close(). */
void hv_source_open_mem(hv_source *s, const char *label, const uint8_t *buf,
                        size_t len);
/* A temporary file the source takes ownership of, read from offset 0. */
int hv_source_open_stream(hv_source *s, const char *label, FILE *fp,
                          hv_diag *diag);

/* Read up to |cap| bytes; |*got| == 0 only at the end. A file that changed
 * size since it was opened is an error. */
int hv_source_read(hv_source *s, uint8_t *buf, size_t cap, size_t *got,
                   hv_diag *diag);
void hv_source_close(hv_source *s);

#endif
