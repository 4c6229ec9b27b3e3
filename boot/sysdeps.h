/*
 * The only libc the verifier uses. Hosted builds take them from <string.h>;
 * freestanding builds (-ffreestanding) declare them and the platform links
 * its own. tests/test-freestanding-symbols enforces that nothing else leaks
 * in. Included by the files in boot/ only, never by the public header.
 */
#ifndef HVBOOT_SYSDEPS_H
#define HVBOOT_SYSDEPS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 1
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif

/* Little-endian field access: the format is decoded byte by byte, never by
 * overlaying structs, so it does not depend on host endianness or alignment. */
static inline uint32_t hv_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline uint64_t hv_le64(const uint8_t *p)
{
    return (uint64_t)hv_le32(p) | (uint64_t)hv_le32(p + 4) << 32;
}

#endif
