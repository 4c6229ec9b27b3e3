/*
 * The C library of the stage: mem* for the verifier, BearSSL and zstd, and
 * halting stubs for what the static libraries reference but never call on
 * the stage's paths (each prints its name and halts). The list is exactly
 * what the link reports undefined without this file (docs/BOOT.md
 * "Building"); tests/boot/stage-libc-stubs.sh keeps it that way.
 *
 * mem* use rep movs/stos, eight bytes at a time then the tail: the
 * compiler cannot turn them into calls to themselves, and QEMU's TCG runs a
 * string instruction per element, so wide elements matter.
 */
#include "stage.h"

/* see stage.h */
void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    size_t words = n >> 3, tail = n & 7;
    __asm__ volatile("rep movsq"
                     : "+D"(d), "+S"(src), "+c"(words) : : "memory");
    __asm__ volatile("rep movsb"
                     : "+D"(d), "+S"(src), "+c"(tail) : : "memory");
    return dst;
}

/* see stage.h */
void *memmove(void *dst, const void *src, size_t n)
{
    if ((uintptr_t)dst - (uintptr_t)src >= n)
        return memcpy(dst, src, n); /* no overlap, or dst below src */
    void *d = (uint8_t *)dst + n - 1;
    const void *s = (const uint8_t *)src + n - 1;
    __asm__ volatile("std; rep movsb; cld"
                     : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return dst;
}

/* see stage.h */
void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    size_t words = n >> 3, tail = n & 7;
    uint64_t v = (uint8_t)c * UINT64_C(0x0101010101010101);
    __asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(v) : "memory");
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(tail) : "a"(v) : "memory");
    return dst;
}

/* see stage.h */
int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *p = a, *q = b;
    for (size_t i = 0; i < n; i++)
        if (p[i] != q[i])
            return p[i] < q[i] ? -1 : 1;
    return 0;
}

/*
 * Fortified copies: Debian builds BearSSL with _FORTIFY_SOURCE, so its
 * memcpy/memset calls with a known destination size arrive here. They do
 * run; the size check is kept, and a failure halts like the stubs below.
 */
__attribute__((noreturn)) static void unexpected(const char *what)
{
    kprintf("hvstage: unexpected call to %s from a library\n", what);
    stage_halt(EXIT_FATAL, "library called a function the stage does not "
                           "provide");
}

void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dst_size);
void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dst_size)
{
    if (n > dst_size)
        unexpected("__memcpy_chk (overflow)");
    return memcpy(dst, src, n);
}

void *__memset_chk(void *dst, int c, size_t n, size_t dst_size);
void *__memset_chk(void *dst, int c, size_t n, size_t dst_size)
{
    if (n > dst_size)
        unexpected("__memset_chk (overflow)");
    return memset(dst, c, n);
}

/*
 * Referenced by objects the link keeps (zstd's allocator hooks and legacy
 * decoders, the stack protector of both libraries) but never called: the
 * verifier gives zstd a static context, checks the frame magic before
 * decoding, and a smashed stack is a bug to stop at, not to continue from.
 */
void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
    unexpected("__stack_chk_fail (stack smashed)");
}

void *malloc(size_t n);
void *malloc(size_t n)
{
    (void)n;
    unexpected("malloc");
}

void *calloc(size_t n, size_t size);
void *calloc(size_t n, size_t size)
{
    (void)n, (void)size;
    unexpected("calloc");
}

void free(void *p);
void free(void *p)
{
    (void)p;
    unexpected("free");
}
