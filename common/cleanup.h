/*
 * Paths a command must not leave behind when SIGINT, SIGTERM or SIGHUP stops
 * it: temporary output files (before their rename) and temporary output
 * folders (extract). hv_cleanup_install() sets the handlers once; the
 * handler removes every registered path, then exits 128+signal.
 *
 * The registry is a fixed table written before a path exists on disk and
 * cleared after it is gone or renamed, so the handler only ever reads
 * complete entries (each entry's |state| is the last field written).
 */
#ifndef HV_CLEANUP_H
#define HV_CLEANUP_H

#include <stdbool.h>

/* Install the handlers for SIGINT, SIGTERM and SIGHUP. */
void hv_cleanup_install(void);

/* Register |path| (a file, or a folder removed with its contents when
 * |is_dir|). Returns a handle (1 or more) for hv_cleanup_forget, or -1 when
 * the table is full or the path too long (the caller then fails: it could
 * not promise to clean up). */
int hv_cleanup_register(const char *path, bool is_dir);

/* mkdtemp(|tmpl|) and register the folder, with signals held off between
 * the two so no signal can leave it behind. Returns the handle, or -1 with
 * errno set. */
int hv_cleanup_mkdtemp(char *tmpl);

/* Stop tracking |handle|; 0 and -1 (no entry, as in a zeroed struct) are
 * ignored. Call it once the path was renamed into place or removed. */
void hv_cleanup_forget(int handle);

/* Remove a folder and everything in it, never following symbolic links.
 * Async-signal-safe (no allocation). Returns 0 or -1. */
int hv_remove_tree(const char *path);

#endif
