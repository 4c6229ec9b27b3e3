/*
 * SHA-256 compression with the x86 SHA extensions (SHA-NI), and the CPUID
 * check that says whether this CPU has them.
 *
 * Written with GCC/Clang vector types and one-instruction inline asm
 * wrappers rather than <immintrin.h>: GCC's intrinsic headers include
 * <stdlib.h> (for _mm_malloc), which a freestanding build does not have, and
 * asm needs no -msha/-msse4.1 for the file, so the compiler never emits SHA
 * or SSE4.1 instructions of its own anywhere in this object (the CPUID code
 * included). Every asm statement works on registers only; loads and stores
 * are plain C, so the sanitizers see them.
 *
 * Only the functions marked SHA_TARGET touch SSE registers: the target
 * attribute enables SSE for them alone, so the file also builds with
 * -mgeneral-regs-only or -mno-sse, as the boot stage's own code is
 * (boot/meson.build builds it that way too, as a check). The CPUID code
 * stays general-purpose.
 *
 * Register layout (Intel SHA extensions reference): the eight working
 * variables live in two XMM registers, ABEF = {f, e, b, a} and
 * CDGH = {h, g, d, c} (lane 0 first). sha256rnds2 runs two rounds, taking
 * W[t] + K[t] for both from the low 64 bits of XMM0; sha256msg1/msg2 and a
 * palignr compute four schedule words at a time.
 */
#include "sysdeps.h"

#include "crypto_internal.h"

#if defined(__x86_64__) && !defined(HVBOOT_NO_X86_SHA)

/* SSE registers for the vector type and the "x" operands; SSE2 only, the
 * baseline of every x86-64 CPU, so what the compiler emits itself here runs
 * on any of them (the SHA, SSSE3 and SSE4.1 instructions are in the asm). */
#define SHA_TARGET __attribute__((target("sse2")))

typedef uint32_t v4u __attribute__((vector_size(16)));
/* The same type for loads and stores at any alignment. */
typedef uint32_t v4u_any
    __attribute__((vector_size(16), aligned(1), may_alias));

void hv_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]),
                       "=d"(regs[3])
                     : "a"(leaf), "c"(subleaf));
}

int hv_sha256_x86_usable(hv_cpuid_fn *cpuid)
{
    uint32_t r[4];

    cpuid(0, 0, r);
    if (r[0] < 7)
        return 0; /* no structured extended feature leaf */
    cpuid(1, 0, r);
    if (((r[2] >> 9) & 1u) == 0 ||  /* SSSE3: pshufb, palignr */
        ((r[2] >> 19) & 1u) == 0)   /* SSE4.1: pblendw */
        return 0;
    cpuid(7, 0, r);
    return (int)((r[1] >> 29) & 1u); /* SHA */
}

int hv_sha256_x86_available(void)
{
    return hv_sha256_x86_usable(hv_cpuid);
}

/* ---- One-instruction wrappers ----------------------------------------- */

/* Two rounds: returns the new ABEF. |wk| (W + K) must be in XMM0. */
SHA_TARGET static inline v4u rnds2(v4u cdgh, v4u abef, v4u wk)
{
    __asm__("sha256rnds2 %2, %1, %0" : "+x"(cdgh) : "x"(abef), "Yz"(wk));
    return cdgh;
}

SHA_TARGET static inline v4u msg1(v4u w0, v4u w1)
{
    __asm__("sha256msg1 %1, %0" : "+x"(w0) : "x"(w1));
    return w0;
}

SHA_TARGET static inline v4u msg2(v4u x, v4u w3)
{
    __asm__("sha256msg2 %1, %0" : "+x"(x) : "x"(w3));
    return x;
}

/* Byte-swap each 32-bit lane with |mask|. */
SHA_TARGET static inline v4u shuffle_bytes(v4u x, v4u mask)
{
    __asm__("pshufb %1, %0" : "+x"(x) : "x"(mask));
    return x;
}

/* Lanes {lo[1], lo[2], lo[3], hi[0]}: the 32-bit-shifted concatenation. */
SHA_TARGET static inline v4u align4(v4u hi, v4u lo)
{
    __asm__("palignr $4, %1, %0" : "+x"(hi) : "x"(lo));
    return hi;
}

/* Lanes {lo[2], lo[3], hi[0], hi[1]}. */
SHA_TARGET static inline v4u align8(v4u hi, v4u lo)
{
    __asm__("palignr $8, %1, %0" : "+x"(hi) : "x"(lo));
    return hi;
}

/* Lanes {x[2], x[3], x[2], x[3]}: the second pair of W + K to the bottom. */
SHA_TARGET static inline v4u high_pair(v4u x)
{
    v4u r;
    __asm__("pshufd $0x0e, %1, %0" : "=x"(r) : "x"(x));
    return r;
}

/* Lanes reversed: {x[3], x[2], x[1], x[0]}. */
SHA_TARGET static inline v4u reverse(v4u x)
{
    v4u r;
    __asm__("pshufd $0x1b, %1, %0" : "=x"(r) : "x"(x));
    return r;
}

/* Neighbouring lanes swapped: {x[1], x[0], x[3], x[2]}. */
SHA_TARGET static inline v4u swap_pairs(v4u x)
{
    v4u r;
    __asm__("pshufd $0xb1, %1, %0" : "=x"(r) : "x"(x));
    return r;
}

/* Lanes {lo[0], lo[1], hi[2], hi[3]}. */
SHA_TARGET static inline v4u blend_high(v4u lo, v4u hi)
{
    __asm__("pblendw $0xf0, %1, %0" : "+x"(lo) : "x"(hi));
    return lo;
}

/* ---- Compression ------------------------------------------------------ */

/* FIPS 180-4, 4.2.2, four per vector. */
static const v4u round_k[16] = {
    {0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5},
    {0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5},
    {0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3},
    {0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174},
    {0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc},
    {0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da},
    {0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7},
    {0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967},
    {0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13},
    {0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85},
    {0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3},
    {0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070},
    {0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5},
    {0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3},
    {0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208},
    {0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2},
};

/*
 * Rounds 4i..4i+3 with schedule words |w| = W[4i..4i+3]; then, while
 * schedule words are still needed, |w| becomes W[4i+16..4i+19] from the
 * four current vectors (w, x, y, z) = W[4i..4i+15]:
 *   msg1 adds sigma0(W[t-15]) to W[t-16], align4 supplies W[t-7], and msg2
 *   adds sigma1(W[t-2]), including the two words it computes itself.
 */
#define QUAD(i, w, x, y, z)                                                   \
    do {                                                                      \
        v4u wk_ = (w) + round_k[i];                                           \
        cdgh = rnds2(cdgh, abef, wk_);                                        \
        abef = rnds2(abef, cdgh, high_pair(wk_));                             \
        if ((i) < 12)                                                         \
            (w) = msg2(msg1((w), (x)) + align4((z), (y)), (z));               \
    } while (0)

SHA_TARGET
void hv_sha256_x86_blocks(uint32_t h[8], const uint8_t *data, size_t blocks)
{
    const v4u bswap_mask = {0x00010203u, 0x04050607u, 0x08090a0bu,
                            0x0c0d0e0fu};
    v4u abcd = *(const v4u_any *)(const void *)h;
    v4u efgh = *(const v4u_any *)(const void *)(h + 4);

    /* {a,b,c,d}, {e,f,g,h} -> ABEF {f,e,b,a}, CDGH {h,g,d,c}. */
    v4u badc = swap_pairs(abcd);
    v4u hgfe = reverse(efgh);
    v4u abef = align8(badc, hgfe);
    v4u cdgh = blend_high(hgfe, badc);

    while (blocks-- > 0) {
        const v4u abef_in = abef, cdgh_in = cdgh;
        v4u m0 = shuffle_bytes(*(const v4u_any *)(const void *)data,
                               bswap_mask);
        v4u m1 = shuffle_bytes(*(const v4u_any *)(const void *)(data + 16),
                               bswap_mask);
        v4u m2 = shuffle_bytes(*(const v4u_any *)(const void *)(data + 32),
                               bswap_mask);
        v4u m3 = shuffle_bytes(*(const v4u_any *)(const void *)(data + 48),
                               bswap_mask);

        QUAD(0, m0, m1, m2, m3);
        QUAD(1, m1, m2, m3, m0);
        QUAD(2, m2, m3, m0, m1);
        QUAD(3, m3, m0, m1, m2);
        QUAD(4, m0, m1, m2, m3);
        QUAD(5, m1, m2, m3, m0);
        QUAD(6, m2, m3, m0, m1);
        QUAD(7, m3, m0, m1, m2);
        QUAD(8, m0, m1, m2, m3);
        QUAD(9, m1, m2, m3, m0);
        QUAD(10, m2, m3, m0, m1);
        QUAD(11, m3, m0, m1, m2);
        QUAD(12, m0, m1, m2, m3);
        QUAD(13, m1, m2, m3, m0);
        QUAD(14, m2, m3, m0, m1);
        QUAD(15, m3, m0, m1, m2);

        abef += abef_in;
        cdgh += cdgh_in;
        data += 64;
    }

    /* ABEF {f,e,b,a}, CDGH {h,g,d,c} -> {a,b,c,d}, {e,f,g,h}. */
    v4u abfe = reverse(abef);
    v4u ghcd = swap_pairs(cdgh);
    abcd = blend_high(abfe, ghcd);
    efgh = align8(ghcd, abfe);
    *(v4u_any *)(void *)h = abcd;
    *(v4u_any *)(void *)(h + 4) = efgh;
}

#else /* not x86-64, or SHA extensions disabled at build time */

void hv_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
    (void)leaf;
    (void)subleaf;
    regs[0] = regs[1] = regs[2] = regs[3] = 0;
}

int hv_sha256_x86_usable(hv_cpuid_fn *cpuid)
{
    (void)cpuid; /* nothing here could run the extensions */
    return 0;
}

int hv_sha256_x86_available(void)
{
    return 0;
}

void hv_sha256_x86_blocks(uint32_t h[8], const uint8_t *data, size_t blocks)
{
    /* Unreachable: callers check hv_sha256_x86_available() first. */
    (void)h;
    (void)data;
    (void)blocks;
}

#endif
