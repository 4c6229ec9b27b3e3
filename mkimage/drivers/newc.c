/* see newc.h */
#include "newc.h"

#include <string.h>

/* Eight upper-case hex digits, as GNU cpio and the kernel's gen_init_cpio
 * write them (the kernel's parser takes either case). */
static void hex8(unsigned char *p, uint32_t v)
{
    static const char digits[] = "0123456789ABCDEF";
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char)digits[v & 15u];
        v >>= 4;
    }
}

size_t hv_newc_header(unsigned char *out, size_t cap, const char *name,
                      uint32_t ino, uint32_t mode, uint32_t nlink,
                      uint64_t size, uint64_t mtime, hv_diag *diag)
{
    size_t name_len = strlen(name);
    size_t len = hv_newc_header_len(name_len);
    if (size > UINT32_MAX || mtime > UINT32_MAX)
        return hv_diag_set(diag, "cpio archive: '%s' does not fit a newc "
                           "header (size or mtime above 2^32 - 1)", name),
               0;
    if (len > cap || name_len + 1u > UINT32_MAX)
        return hv_diag_set(diag, "cpio archive: name '%s' too long", name),
               0;
    const uint32_t fields[13] = {
        ino, mode, 0 /* uid */, 0 /* gid */, nlink, (uint32_t)mtime,
        (uint32_t)size, 0, 0 /* dev */, 0, 0 /* rdev */,
        (uint32_t)(name_len + 1u), 0 /* check */
    };
    memset(out, 0, len);
    memcpy(out, "070701", 6);
    for (size_t i = 0; i < 13; i++)
        hex8(out + 6 + 8 * i, fields[i]);
    memcpy(out + HV_NEWC_HEADER_SIZE, name, name_len); /* NUL: memset */
    return len;
}
