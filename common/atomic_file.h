/*
 * Output files that appear whole or not at all. Where the file system
 * supports it, the output is created unnamed (O_TMPFILE) in the
 * destination's folder and only linked into place once complete, so not even
 * SIGKILL leaves anything behind; elsewhere it is a "NAME.tmp-XXXXXX" file
 * that SIGINT, SIGTERM and SIGHUP remove (common/cleanup.h). Either way:
 * write, fsync, then link or rename over the destination, fsync the folder.
 */
#ifndef HV_ATOMIC_FILE_H
#define HV_ATOMIC_FILE_H

#include <stdio.h>
#include <sys/types.h>

#include "diag.h"

typedef struct hv_atomic_file {
    char *final_path;
    char *temp_path;     /* the named temporary file; NULL while unnamed */
    FILE *fp;            /* write here; owned by the struct */
    int cleanup_handle;  /* the temporary name's hv_cleanup entry, or 0 */
} hv_atomic_file;

/* Create the temporary output with |mode| (e.g. 0644, 0600 for keys),
 * independent of the umask. Returns 0, or -1 with |diag| set: bad input if
 * the folder is missing or not writable, I/O otherwise. */
int hv_atomic_open(hv_atomic_file *f, const char *path, mode_t mode,
                   hv_diag *diag);
/* Flush, fsync, put into place, fsync the folder. Returns 0, or -1 with
 * |diag| set (class I/O, naming the file) and nothing left behind. Frees
 * |f| either way. */
int hv_atomic_commit(hv_atomic_file *f, hv_diag *diag);
/* Remove the temporary file and free |f|. Safe on a zeroed or committed
 * struct. */
void hv_atomic_abort(hv_atomic_file *f);

#endif
