/*
 * Helpers shared by the driver ingestion tests: temporary folders, package
 * builders (a folder on disk, libarchive's writer, a raw ustar writer for
 * malformed archives), running hv_drivers_normalise() into memory, and an
 * independent ustar reader to check what it produced.
 */
#ifndef HV_TEST_DRVTEST_H
#define HV_TEST_DRVTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "drivers.h"

/* One package entry as the tests describe it. */
typedef struct tentry {
    const char *name;    /* relative, no "./" and no trailing '/' */
    char type;           /* 'f' file, 'd' folder, 'l' symlink */
    unsigned mode;       /* permission bits */
    const void *data;    /* file contents (may be NULL for size 0) */
    size_t size;
    const char *link;    /* symlink target */
} tentry;

/* Archive flavours made with libarchive's writer. */
typedef enum tformat {
    TF_USTAR,
    TF_PAX,
    TF_GNUTAR,
    TF_ZIP,
    TF_CPIO_NEWC,
    TF_CPIO_ODC,
} tformat;

typedef enum tfilter {
    TZ_NONE,
    TZ_GZIP,
    TZ_ZSTD,
    TZ_XZ,
    TZ_BZIP2,
} tfilter;

/* How a package is written: order, metadata noise and spelling. */
typedef struct tvariant {
    uint32_t seed;        /* shuffles entry order; 0 keeps it */
    bool list_folders;    /* also write entries for the folders */
    bool dot_prefix;      /* names start with "./" */
    bool root_entry;      /* a "./" entry for the root itself */
} tvariant;

/* Makes a fresh folder under $TMPDIR (or /tmp); aborts the test on error.
 * The returned string is malloc'd. */
char *t_mkdtemp(void);
/* rm -rf |path|, then free it. */
void t_rmtree(char *path);
/* Join and return a malloc'd "a/b". */
char *t_join(const char *a, const char *b);

/* Write |entries| under the folder |dir| (created if missing) with varied
 * mtimes and non-exec mode bits from |seed|. Returns 0 or -1. */
int t_make_folder(const char *dir, const tentry *entries, size_t n,
                  uint32_t seed);
/* Write an archive with libarchive's writer. Returns 0 or -1. */
int t_make_archive(const char *path, tformat fmt, tfilter filter,
                   const tentry *entries, size_t n, const tvariant *v);

/* Raw ustar, for archives libarchive's writer would not produce. */
typedef struct traw {
    FILE *fp;
} traw;
int t_raw_open(traw *r, const char *path);
/* A header only, by the product's hv_tar_header() with owner 1000:1000;
 * |type| a ustar typeflag; hostile names and types are written as given.
 * -1 if a field does not fit ustar. */
int t_raw_header(traw *r, const char *name, char type, unsigned mode,
                 uint64_t size, const char *link);
int t_raw_data(traw *r, const void *p, size_t n, bool pad);
int t_raw_close(traw *r, bool end_blocks);

/* The result of one hv_drivers_normalise() run. */
typedef struct trun {
    int rc;
    unsigned char *tar; /* the whole output, malloc'd */
    size_t tar_len;
    hv_drivers_result res;
    hv_diag diag;
} trun;

/* Normalise |count| packages; keeps the output in memory. */
void t_run(trun *r, const hv_driver_pkg *pkgs, size_t count, uint64_t mtime);
void t_run1(trun *r, const char *vendor, const char *version,
            const char *path, uint64_t mtime);
void t_run_free(trun *r);
/* Fill a package struct (path not copied). */
hv_driver_pkg t_pkg(const char *vendor, const char *version, const char *path);

/* One entry of a ustar archive, decoded independently of drivers.c. */
typedef struct tar_ent {
    char name[257];
    char type;
    unsigned mode;
    uint64_t size;
    uint64_t mtime;
    char link[101];
    const unsigned char *data;
} tar_ent;

/* Parse a strict ustar archive as drivers.h describes it; every header
 * field is checked (owner 0/0, empty names, zero dev fields, checksum,
 * |mtime|, zero padding, two final zero blocks and nothing after).
 * Returns the entry count, or -1 with |why| describing the first problem. */
long t_parse_tar(const unsigned char *tar, size_t len, uint64_t mtime,
                 tar_ent **out, char *why, size_t why_size);

/* Deterministic pseudo-random bytes. */
void t_fill(void *buf, size_t n, uint32_t seed);
uint32_t t_rand(uint32_t *state);

#endif
