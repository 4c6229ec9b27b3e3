/*
 * Diagnostics for the host tool: one message and its failure class, attached
 * to the operation that failed where it failed, carried up unchanged and
 * printed once by the CLI (cli_report), which alone turns the class into an
 * exit code (cli_exit_for_class). Messages name the place in the input:
 * "FILE:LINE:COL: what was found, what was expected" for YAML,
 * "ARCHIVE: entry 'NAME': problem" for driver packages,
 * "IMAGE: byte offset N: problem" for images,
 * "PATH: what failed: strerror" for the file system.
 *
 * Library functions return 0 on success and -1 on failure, never an exit
 * code; the class says what kind of failure it was.
 */
#ifndef HV_DIAG_H
#define HV_DIAG_H

#include <stddef.h>

#define HV_DIAG_MAX 2048

typedef enum hv_fail_class {
    HV_FAIL_NONE = 0,     /* no failure recorded                           */
    HV_FAIL_REJECTED = 1, /* an image or package was refused (exit 1)      */
    HV_FAIL_INPUT = 2,    /* bad usage or bad input (exit 2)               */
    HV_FAIL_IO = 3,       /* the file system failed: full disk, EIO (exit 3) */
    HV_FAIL_INTERNAL = 4, /* out of memory, a library failed (exit 3)      */
} hv_fail_class;

typedef struct hv_diag {
    char msg[HV_DIAG_MAX];
    hv_fail_class cls;
} hv_diag;

/* Record a failure of class |cls| with a printf-style message. Returns -1 so
 * callers can `return hv_fail(d, HV_FAIL_IO, ...);`. |d| may be NULL: the
 * message is dropped. */
int hv_fail(hv_diag *d, hv_fail_class cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A file-system failure on |path|: "PATH: WHAT: strerror(err)". The class is
 * HV_FAIL_IO, except that a path that does not exist, is not permitted, is a
 * folder or is too long (ENOENT, ENOTDIR, EACCES, EPERM, EISDIR, ELOOP,
 * ENAMETOOLONG, EEXIST) is bad input: the user named it. Returns -1. */
int hv_fail_errno(hv_diag *d, int err, const char *path, const char *what);

/* Bad input (HV_FAIL_INPUT): the common case, kept short. Returns -1. */
int hv_diag_set(hv_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Replace control bytes and bytes >= 0x7f in |in| by "\xNN" so a message
 * never prints raw terminal controls; |out| always ends in NUL. Returns
 * |out|. */
const char *hv_printable(const char *in, char *out, size_t out_size);

#endif
