/*
 * The checks every command makes on an output path before it does any work,
 * so a wrong -o fails in milliseconds with exit 2 instead of after a build,
 * and never destroys what the command reads: the folder exists and is
 * writable, the path is not a folder, it is not one of the command's inputs
 * (same device and inode, so hard links, symbolic links and "dir/../x"
 * spellings are all caught), and it is not a private key.
 */
#ifndef HV_OUTPUT_CHECK_H
#define HV_OUTPUT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Check |out| against |inputs| (|n| paths; NULL entries, "-" and PKCS#11
 * URIs are skipped: they are not files). |what| names the option in
 * messages ("--output"). Returns 0, or -1 with |diag| set (bad input). */
int hv_output_check(const char *out, const char *what,
                    const char *const *inputs, size_t n, hv_diag *diag);

/* True when |a| and |b| name the same existing file. */
bool hv_same_file(const char *a, const char *b);

#endif
