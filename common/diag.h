/*
 * Diagnostics for the host tool: one message, attached to the operation that
 * failed, printed once by the CLI. Messages name the place in the input:
 * "FILE:LINE:COL: what was found, what was expected" for YAML,
 * "ARCHIVE: entry 'NAME': problem" for driver packages,
 * "IMAGE: byte offset N: problem" for images.
 */
#ifndef HV_DIAG_H
#define HV_DIAG_H

#include <stddef.h>

#define HV_DIAG_MAX 2048

typedef struct hv_diag {
    char msg[HV_DIAG_MAX];
} hv_diag;

/* Set the message (printf format). Returns -1 so callers can
 * `return hv_diag_set(d, ...);` from functions that return 0 / -1.
 * |d| may be NULL: the message is dropped. */
int hv_diag_set(hv_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
