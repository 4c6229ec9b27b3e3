/*
 * The C library the monitor's compiled-in boot-state code (boot/) may call:
 * mem* only, as in the stage (boot/stage/libc.c). String instructions, so
 * the compiler cannot turn a loop here into a call to itself; the monitor
 * copies a few hundred bytes at most.
 */
#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
    return memmove(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
    void *d = dst;
    if ((unsigned long)dst - (unsigned long)src >= n) {
        __asm__ volatile("rep movsb"
                         : "+D"(d), "+S"(src), "+c"(n) : : "memory");
        return dst;
    }
    d = (unsigned char *)dst + n - 1;
    const void *s = (const unsigned char *)src + n - 1;
    __asm__ volatile("std; rep movsb; cld"
                     : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}
