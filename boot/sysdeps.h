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

/* Little-endian field access, shared with the host tool. */
#include "hvimage/codec.h"

/* Whether |n| bytes are all zero (reserved fields, unused digest bytes).
 * Reads every byte: no early exit on what a byte holds. */
static inline int hv_all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

#endif
