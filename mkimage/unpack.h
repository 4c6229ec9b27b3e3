/* Unpacking a verified drivers archive into a folder (hvimage extract). */
#ifndef HV_UNPACK_H
#define HV_UNPACK_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* Extract the ustar archive in |data| under |dir| (which exists). Refuses
 * absolute paths, "..", and links that leave |dir|, even though a verified
 * archive cannot contain them: defence in depth costs nothing here. */
int hv_unpack_tar(const uint8_t *data, size_t len, const char *dir,
                  hv_diag *diag);

#endif
