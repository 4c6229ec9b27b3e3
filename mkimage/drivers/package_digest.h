/*
 * The digest a vendor signs for a driver package (docs/SUPPLY-CHAIN.md):
 * SHA-256 of the file's bytes for an archive (tar, tar.gz, zip, ...); for a
 * folder, which has no bytes of its own, SHA-256 of the normalised archive
 * hv_drivers_normalise() writes for that one package with mtime 0: the same
 * files, modes and links give the same digest whatever their order on disk,
 * their mtimes or their owners.
 */
#ifndef HV_PACKAGE_DIGEST_H
#define HV_PACKAGE_DIGEST_H

#include <stdint.h>

#include "diag.h"
#include "plan.h"

#define HV_PACKAGE_DIGEST_SIZE 32

/* Streams the file (or the folder's normalised archive, through a temporary
 * file): memory does not grow with the package. Returns 0, or -1 with
 * |diag| set naming the package. */
int hv_package_digest(const hv_driver_pkg *pkg,
                      uint8_t out[HV_PACKAGE_DIGEST_SIZE], hv_diag *diag);

#endif
