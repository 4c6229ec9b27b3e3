/*
 * newc cpio ("070701") headers, the archive format Linux's initramfs
 * unpacker reads: a Linux core's drivers section and a base initramfs made
 * from a folder are written with these (docs/FORMAT.md "Drivers section").
 * Encoding only: which entries, in which order and with which modes is the
 * normaliser's business (drivers.c).
 */
#ifndef HV_NEWC_H
#define HV_NEWC_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

#define HV_NEWC_HEADER_SIZE 110u
#define HV_NEWC_TRAILER "TRAILER!!!"

/* File type bits of a newc mode field (as in <sys/stat.h> on Linux, which
 * is what the kernel's unpacker compares against). */
#define HV_NEWC_DIR 0040000u
#define HV_NEWC_FILE 0100000u
#define HV_NEWC_LINK 0120000u

/* Bytes hv_newc_header writes for a name of |name_len| bytes: the header,
 * the name and its NUL, zeros up to a multiple of 4. */
static inline size_t hv_newc_header_len(size_t name_len)
{
    return (HV_NEWC_HEADER_SIZE + name_len + 1u + 3u) & ~(size_t)3u;
}

/* Zero bytes after |size| bytes of data, up to a multiple of 4. */
static inline size_t hv_newc_data_pad(uint64_t size)
{
    return (size_t)((4u - (size & 3u)) & 3u);
}

/*
 * Encode one entry's header and name into |out| (hv_newc_header_len
 * bytes): ino, mode (type bits included), nlink, mtime, data size; uid,
 * gid, device numbers and check 0. Returns the bytes written, or 0 with
 * |diag| set when a value does not fit its 8 hex digits.
 */
size_t hv_newc_header(unsigned char *out, size_t cap, const char *name,
                      uint32_t ino, uint32_t mode, uint32_t nlink,
                      uint64_t size, uint64_t mtime, hv_diag *diag);

#endif
