/*
 * SHA-256 of a file's bytes, read once in fixed-size pieces (memory flat
 * whatever the size): the digest the SBOM and the provenance record for an
 * input file.
 */
#ifndef HV_FILE_DIGEST_H
#define HV_FILE_DIGEST_H

#include <stdint.h>
#include <stdio.h>

#include "diag.h"

#define HV_SHA256_SIZE 32u

/* Returns 0 and fills |out| (and |size| if not NULL), or -1 with |diag|
 * naming |path| (a missing or unreadable file is bad input, a read error
 * I/O). */
int hv_file_sha256(const char *path, uint8_t out[HV_SHA256_SIZE],
                   uint64_t *size, hv_diag *diag);

/* The same over what |f| holds from its position on; |what| names it in
 * messages. */
int hv_stream_sha256(FILE *f, const char *what, uint8_t out[HV_SHA256_SIZE],
                     uint64_t *size, hv_diag *diag);

#endif
