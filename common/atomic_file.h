/*
 * Output files that appear whole or not at all: write to a temporary file in
 * the destination's folder, fsync, then rename over the destination. A
 * failed or interrupted command leaves no half-written output behind (at
 * worst a stale "NAME.tmp-XXXXXX" after a crash, never NAME itself).
 */
#ifndef HV_ATOMIC_FILE_H
#define HV_ATOMIC_FILE_H

#include <stdio.h>
#include <sys/types.h>

#include "diag.h"

typedef struct hv_atomic_file {
    char *final_path;
    char *temp_path;
    FILE *fp; /* write here; owned by the struct */
} hv_atomic_file;

/* Create the temporary file with |mode| (e.g. 0644, 0600 for keys).
 * Returns 0, or -1 with |diag| set. */
int hv_atomic_open(hv_atomic_file *f, const char *path, mode_t mode,
                   hv_diag *diag);
/* Flush, fsync, rename into place, fsync the folder. Returns 0, or -1 with
 * |diag| set and the temporary file removed. Frees |f| either way. */
int hv_atomic_commit(hv_atomic_file *f, hv_diag *diag);
/* Remove the temporary file and free |f|. Safe on a zeroed or committed
 * struct. */
void hv_atomic_abort(hv_atomic_file *f);

#endif
