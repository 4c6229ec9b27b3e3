/*
 * Driver ingestion: vendor packages (folders, tar, tar.gz, tar.zst, zip,
 * cpio) read with libarchive and normalised into one deterministic ustar
 * archive, the drivers section. Only this file's implementation knows
 * libarchive (for reading packages).
 *
 * Normalised archive (docs/FORMAT.md "Drivers section"):
 *  - first entry "drivers.idx", a regular file with one line per package,
 *    "VENDOR VERSION\n", in vendor order;
 *  - then for each package in vendor order, the folder "VENDOR/" and its
 *    entries as "VENDOR/PATH", all sorted bytewise by full path;
 *  - owner and group 0 with empty names, mtime = the build epoch, mode 0755
 *    for folders and for files with any execute bit, else 0644; no setuid,
 *    setgid or sticky bits; no atime, ctime, xattrs, ACLs or pax headers;
 *  - the archive ends with the two zero blocks and no further padding.
 * Refused, with the package and entry named: absolute paths, ".." or empty
 * components, paths over HV_MAX_DRIVER_PATH, device nodes, FIFOs, sockets,
 * hardlinks, symlinks whose target is absolute or leaves the package,
 * duplicate paths, and totals over the limits in host_limits.h.
 */
#ifndef HV_DRIVERS_H
#define HV_DRIVERS_H

#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "plan.h"

typedef struct hv_drivers_result {
    uint64_t tar_size; /* bytes written to |out| */
    uint32_t entries;  /* archive entries, the index included */
} hv_drivers_result;

/*
 * Read |count| packages and write the normalised archive to |out| (a
 * temporary file the caller owns, positioned at 0). Memory use does not grow
 * with file sizes: contents are streamed through a spool file. Returns 0, or
 * -1 with |diag| set as "PATH: entry 'NAME': problem".
 */
int hv_drivers_normalise(const hv_driver_pkg *pkgs, size_t count,
                         uint64_t mtime, FILE *out, hv_drivers_result *res,
                         hv_diag *diag);

/* One entry of the normalised archive after the index, as the SBOM lists
 * it. */
typedef struct hv_driver_entry {
    char *name;  /* as stored: "VENDOR/PATH", a folder's ends in '/' */
    char *link;  /* a symlink's normalised target, else NULL */
    uint64_t size;
    char type;   /* ustar typeflag: '0' file, '2' symlink, '5' folder */
    uint8_t sha256[32]; /* of a file's bytes, hashed as they are written */
} hv_driver_entry;

typedef struct hv_drivers_listing {
    hv_driver_entry *entries; /* in archive order */
    size_t count;
} hv_drivers_listing;

/* hv_drivers_normalise that also fills |listing| (NULL: not wanted) with
 * every entry after the index; free it with hv_drivers_listing_free(),
 * which accepts a zeroed listing. On failure |listing| stays empty. */
int hv_drivers_normalise_listed(const hv_driver_pkg *pkgs, size_t count,
                                uint64_t mtime, FILE *out,
                                hv_drivers_result *res,
                                hv_drivers_listing *listing, hv_diag *diag);
void hv_drivers_listing_free(hv_drivers_listing *listing);

/*
 * Linux layout (docs/FORMAT.md "Drivers section"): the same packages,
 * checks, entries and order, written as a newc cpio archive (newc.h) for
 * Linux's initramfs unpacker, every path under |prefix| (a clean relative
 * path without a final '/', e.g. "lib/modules/6.1.0-57-amd64/updates/
 * hvimage"): the prefix's folders first, then PREFIX/drivers.idx, then
 * PREFIX/VENDOR/...; inode numbers 1.. in archive order, nlink 2 for
 * folders and 1 otherwise, then the TRAILER!!! entry. The listing names
 * entries by their cpio paths (a folder's with a final '/'). res->tar_size
 * is the archive's size, res->entries its entries without the trailer.
 */
int hv_drivers_normalise_newc(const hv_driver_pkg *pkgs, size_t count,
                              uint64_t mtime, const char *prefix, FILE *out,
                              hv_drivers_result *res,
                              hv_drivers_listing *listing, hv_diag *diag);

/*
 * A base initramfs from |folder|: read with a driver package's checks and
 * limits (no device nodes, FIFOs, sockets, hard links or escaping links)
 * and written as newc cpio like hv_drivers_normalise_newc, with the entries
 * at the archive's root ("init", "lib/...") and no index.
 */
int hv_initramfs_normalise(const char *folder, uint64_t mtime, FILE *out,
                           hv_drivers_result *res,
                           hv_drivers_listing *listing, hv_diag *diag);

#define HV_TAR_BLOCK 512

/*
 * One ustar header as the normalised archive has it: |name| (split into
 * prefix and name past 100 bytes), |type| (a ustar typeflag), |mode|, |size|,
 * |mtime|, |link| (NULL: none), owner and group 0 with empty names, device
 * numbers 0, checksum. It encodes only: what the name, type or link mean is
 * the normaliser's business, so tests use it to craft hostile archives too.
 * Returns 0, or -1 with |diag| set when a field does not fit ustar.
 */
int hv_tar_header(unsigned char block[HV_TAR_BLOCK], const char *name,
                  char type, unsigned mode, uint64_t size, uint64_t mtime,
                  const char *link, hv_diag *diag);
/* Recompute the checksum of a header whose fields were changed. */
void hv_tar_checksum(unsigned char block[HV_TAR_BLOCK]);

#endif
