/* Unpacking a verified drivers archive into a folder (hvimage extract). */
#ifndef HV_UNPACK_H
#define HV_UNPACK_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/*
 * Extract the ustar archive in |data| into the folder open as |root|, which
 * the caller created empty (a fresh temporary folder: on failure the caller
 * removes it whole). |label| names that folder in messages.
 *
 * A verified image's signer vouches for its bytes, not for what they do to a
 * disk, so this holds for signed archives too (tests/attack/extract.sh):
 *  - every entry is created relative to |root| with openat()/mkdirat()/
 *    symlinkat(), and no symlink is ever followed while creating entries:
 *    an entry whose parent path holds a symlink (or a file) is refused, and
 *    an entry whose name already exists is refused (O_EXCL);
 *  - each symlink target is resolved as the kernel would, through the links
 *    the archive already created, from the link's own folder; a link that
 *    would leave the folder (absolute, ".." above it, or through another
 *    link) is refused; once every entry is in place, every link is resolved
 *    again against the final tree, so a link created later cannot redirect
 *    an earlier one;
 *  - absolute paths, ".." components, hardlinks, sparse files and anything
 *    but files, folders and symlinks are refused; setuid, setgid and sticky
 *    bits are cleared, and the umask applies as it does for tar.
 * Refused content fails with HV_FAIL_REJECTED, file-system failures with
 * HV_FAIL_IO, a malformed archive with HV_FAIL_REJECTED (it was signed).
 * Returns 0 or -1.
 */
int hv_unpack_tar(const uint8_t *data, size_t len, int root,
                  const char *label, hv_diag *diag);



#endif
