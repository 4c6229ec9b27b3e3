/* Unpacking a verified drivers archive into a folder (hvimage extract). */
#ifndef HV_UNPACK_H
#define HV_UNPACK_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* Extract the ustar archive in |data| under |dir| (which exists). Refuses
 * absolute paths, "..", symlinks whose target leaves |dir|, hardlinks, and
 * anything but files, folders and symlinks; clears setuid, setgid and
 * sticky bits. A verified image's signer vouches for its bytes, not for
 * what they do to a disk, so this holds for signed archives too
 * (tests/attack/extract.sh). */
int hv_unpack_tar(const uint8_t *data, size_t len, const char *dir,
                  hv_diag *diag);

#endif
