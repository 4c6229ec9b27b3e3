/*
 * The SHA-256 code selection the boot stage and `hvimage verify` share
 * (hv_native_hash_init_cpu, which hv_crypto_native.hash_init runs with the
 * CPU's own CPUID), run here on the host:
 *
 *   - with stand-in CPUIDs: the SHA extensions are chosen exactly when
 *     CPUID reports SHA, SSSE3 and SSE4.1 (and leaf 7 exists), and the
 *     probe is really asked; SHA-384 is always the portable code;
 *   - with this machine's CPUID: the choice agrees with an independent
 *     reading of CPUID (<cpuid.h>), through the very call the stage makes;
 *   - every path that can run here gives OpenSSL's digests over random
 *     lengths, fed in random chunks.
 *
 * Speed is bench/'s business (hvbench hash), never asserted here.
 *
 * usage: test-sha-select [SEED [CASES]]; the seed is printed.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "check.h"
#include "crypto_internal.h"
#include "hvboot.h"

/* The library can run the extensions only in x86-64 builds. */
#if defined(__x86_64__) && !defined(HVBOOT_NO_X86_SHA)
#define CAN_USE_EXTENSIONS 1
#else
#define CAN_USE_EXTENSIONS 0
#endif

#define BIT_SSSE3 (1u << 9)   /* leaf 1, ECX */
#define BIT_SSE41 (1u << 19)  /* leaf 1, ECX */
#define BIT_SHA (1u << 29)    /* leaf 7, EBX */

#define DEFAULT_SEED 0x6876736c6563ull /* "hvslec" */
#define DEFAULT_CASES 400u

/* ---- Stand-in CPUs ------------------------------------------------------- */

typedef struct fake_cpu {
    const char *name;
    uint32_t max_leaf;   /* leaf 0, EAX */
    uint32_t leaf1_ecx;
    uint32_t leaf7_ebx;
    int has_extensions;  /* what the selection must conclude */
} fake_cpu;

static const fake_cpu *current;
static unsigned probe_calls;
static int asked_beyond_max;

/* hv_cpuid_fn has no user pointer: the CPU it describes is |current|. */
static void fake_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    (void)subleaf;
    probe_calls++;
    r[0] = r[1] = r[2] = r[3] = 0;
    if (leaf > current->max_leaf) {
        /* A real CPU answers with its highest leaf's data here; answer
         * "SHA present" so that a selection that reads past the maximum
         * leaf is caught. */
        asked_beyond_max = 1;
        r[1] = 0xffffffffu;
        return;
    }
    if (leaf == 0)
        r[0] = current->max_leaf;
    else if (leaf == 1)
        r[2] = current->leaf1_ecx;
    else if (leaf == 7)
        r[1] = current->leaf7_ebx;
}

static const fake_cpu fake_cpus[] = {
    {"SHA, SSSE3, SSE4.1 only", 7, BIT_SSSE3 | BIT_SSE41, BIT_SHA, 1},
    {"every bit set", 0xffffffffu, 0xffffffffu, 0xffffffffu, 1},
    {"max leaf 0xd, SHA", 0xd, BIT_SSSE3 | BIT_SSE41, BIT_SHA, 1},
    {"no SHA, every other bit", 7, 0xffffffffu, ~BIT_SHA, 0},
    {"no SSSE3", 7, ~BIT_SSSE3, 0xffffffffu, 0},
    {"no SSE4.1", 7, ~BIT_SSE41, 0xffffffffu, 0},
    {"max leaf 6 (no leaf 7)", 6, 0xffffffffu, 0xffffffffu, 0},
    {"nothing", 0, 0, 0, 0},
};

static const char *impl_name(int extensions)
{
    return extensions ? "x86-sha" : "portable";
}

static void check_fake_cpus(void)
{
    for (size_t i = 0; i < sizeof fake_cpus / sizeof fake_cpus[0]; i++) {
        const fake_cpu *c = &fake_cpus[i];
        const char *want = impl_name(c->has_extensions && CAN_USE_EXTENSIONS);
        hv_hash_ctx ctx;

        current = c;
        probe_calls = 0;
        asked_beyond_max = 0;
        CHECK(hv_native_hash_init_cpu(&ctx, HV_DIGEST_SHA256, fake_cpuid) ==
              0);
        CHECK_MSG(strcmp(hv_native_hash_impl(&ctx), want) == 0,
                  "stand-in CPU '%s': SHA-256 runs %s, want %s", c->name,
                  hv_native_hash_impl(&ctx), want);
        CHECK_MSG(!CAN_USE_EXTENSIONS || probe_calls > 0,
                  "stand-in CPU '%s': CPUID was never asked", c->name);
        CHECK_MSG(!asked_beyond_max,
                  "stand-in CPU '%s': a leaf above the maximum was read",
                  c->name);
        CHECK(hv_sha256_x86_usable(fake_cpuid) ==
              (c->has_extensions && CAN_USE_EXTENSIONS));

        CHECK(hv_native_hash_init_cpu(&ctx, HV_DIGEST_SHA384, fake_cpuid) ==
              0);
        CHECK(strcmp(hv_native_hash_impl(&ctx), "portable") == 0);
        printf("stand-in CPU %-26s -> %s\n", c->name, want);
    }
    /* Bad arguments: no context, no probe, unknown algorithm. */
    hv_hash_ctx ctx;
    current = &fake_cpus[0];
    CHECK(hv_native_hash_init_cpu(NULL, HV_DIGEST_SHA256, fake_cpuid) == -1);
    CHECK(hv_native_hash_init_cpu(&ctx, HV_DIGEST_SHA256, NULL) == -1);
    CHECK(hv_native_hash_init_cpu(&ctx, 0x7777, fake_cpuid) == -1);
    CHECK(strcmp(hv_native_hash_impl(&ctx), "none") == 0);
}

/* ---- This machine's CPU -------------------------------------------------- */

/* CPUID read independently of the library: SHA, SSSE3 and SSE4.1. */
static int host_has_extensions(void)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid_max(0, NULL) < 7 || !__get_cpuid_count(1, 0, &a, &b, &c, &d))
        return 0;
    if (!(c & bit_SSSE3) || !(c & bit_SSE4_1))
        return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return 0;
    return (b & bit_SHA) != 0;
#else
    return 0;
#endif
}

/* ---- Digests against OpenSSL --------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

typedef int init_fn(hv_hash_ctx *ctx, uint32_t alg);

/* What the boot stage calls for every digest (boot/stage/flashops.c). */
static int stage_init(hv_hash_ctx *ctx, uint32_t alg)
{
    return hv_crypto_native.hash_init(ctx, alg);
}

static int init_without_extensions(hv_hash_ctx *ctx, uint32_t alg)
{
    current = &fake_cpus[3]; /* every bit but SHA */
    return hv_native_hash_init_cpu(ctx, alg, fake_cpuid);
}

static int init_with_extensions(hv_hash_ctx *ctx, uint32_t alg)
{
    current = &fake_cpus[0];
    return hv_native_hash_init_cpu(ctx, alg, fake_cpuid);
}

typedef struct path {
    const char *label;
    init_fn *init;
    const char *want_impl; /* for SHA-256 */
} path;

static size_t random_length(void)
{
    switch (rng() % 4) {
    case 0: return (size_t)(rng() % 256);          /* around one block */
    case 1: return (size_t)(rng() % 4096);
    case 2: return (size_t)(rng() % (1u << 20));   /* up to 1 MiB */
    default: /* a block boundary, or one byte either side */
        return 64 * (1 + (size_t)(rng() % 64)) - 1 + (size_t)(rng() % 3);
    }
}

static void hash_chunked(const path *p, uint32_t alg, const uint8_t *msg,
                         size_t len, uint8_t *out)
{
    hv_hash_ctx ctx;
    size_t pos = 0;
    CHECK(p->init(&ctx, alg) == 0);
    if (alg == HV_DIGEST_SHA256)
        CHECK_MSG(strcmp(hv_native_hash_impl(&ctx), p->want_impl) == 0,
                  "%s: SHA-256 runs %s, want %s", p->label,
                  hv_native_hash_impl(&ctx), p->want_impl);
    while (pos < len) {
        size_t n = (size_t)(rng() % 3 == 0 ? rng() % 200
                                           : rng() % (len - pos + 1));
        if (n > len - pos)
            n = len - pos;
        hv_crypto_native.hash_update(&ctx, msg + pos, n);
        pos += n;
    }
    hv_crypto_native.hash_final(&ctx, out);
}

static void check_digests(uint64_t seed, unsigned cases, int host_ext)
{
    const size_t cap = (1u << 20) + 256;
    uint8_t *buf = malloc(cap);
    path paths[3] = {
        {"the stage's hash_init on this CPU", stage_init,
         impl_name(host_ext && CAN_USE_EXTENSIONS)},
        {"stand-in CPU without SHA", init_without_extensions, "portable"},
        {"stand-in CPU with SHA", init_with_extensions, "x86-sha"},
    };
    /* The extensions are run only where this CPU has them. */
    size_t npaths = host_ext && CAN_USE_EXTENSIONS ? 3 : 2;
    unsigned runs[3] = {0, 0, 0};

    CHECK(buf != NULL);
    if (buf == NULL)
        return;
    rng_state = seed;
    for (size_t i = 0; i < cap; i++)
        buf[i] = (uint8_t)rng();
    for (unsigned k = 0; k < cases; k++) {
        size_t len = random_length();
        size_t off = (size_t)(rng() % 64); /* any alignment */
        uint32_t alg = rng() % 4 == 0 ? HV_DIGEST_SHA384 : HV_DIGEST_SHA256;
        uint8_t want[HV_DIGEST_MAX_SIZE], got[HV_DIGEST_MAX_SIZE];
        unsigned wlen = 0;

        if (len > cap - off)
            len = cap - off;
        CHECK(EVP_Digest(buf + off, len, want, &wlen,
                         alg == HV_DIGEST_SHA256 ? EVP_sha256() : EVP_sha384(),
                         NULL) == 1);
        CHECK(wlen == hv_digest_size(alg));
        for (size_t p = 0; p < npaths; p++) {
            memset(got, 0xA5, sizeof got);
            hash_chunked(&paths[p], alg, buf + off, len, got);
            CHECK_MSG(memcmp(got, want, wlen) == 0,
                      "%s: SHA-%s of %zu bytes at +%zu differs from OpenSSL "
                      "(seed %llu, case %u)", paths[p].label,
                      alg == HV_DIGEST_SHA256 ? "256" : "384", len, off,
                      (unsigned long long)seed, k);
            runs[p]++;
        }
    }
    for (size_t p = 0; p < 3; p++)
        printf("%-36s (SHA-256: %s): %u digests equal OpenSSL's\n",
               paths[p].label, paths[p].want_impl, runs[p]);
    if (npaths < 3)
        printf("this CPU has no SHA extensions: the x86 code was not run "
               "here\n");
    free(buf);
}

int main(int argc, char **argv)
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : DEFAULT_SEED;
    unsigned cases = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0)
                              : DEFAULT_CASES;
    int host_ext = host_has_extensions();
    hv_hash_ctx ctx;

    printf("seed %llu, %u cases\n", (unsigned long long)seed, cases);
    check_fake_cpus();

    printf("this CPU (CPUID read by <cpuid.h>): SHA extensions %s\n",
           host_ext ? "yes" : "no");
    CHECK(hv_sha256_x86_usable(hv_cpuid) == (host_ext && CAN_USE_EXTENSIONS));
    CHECK(hv_sha256_x86_available() == (host_ext && CAN_USE_EXTENSIONS));
    CHECK(stage_init(&ctx, HV_DIGEST_SHA256) == 0);
    printf("the stage's selection picks: %s\n", hv_native_hash_impl(&ctx));
    CHECK(strcmp(hv_native_hash_impl(&ctx),
                 impl_name(host_ext && CAN_USE_EXTENSIONS)) == 0);
    CHECK(hv_native_hash_init(&ctx, HV_DIGEST_SHA256, HV_NATIVE_PORTABLE) ==
          0);
    CHECK(strcmp(hv_native_hash_impl(&ctx), "portable") == 0);

    check_digests(seed, cases, host_ext);
    return CHECK_DONE();
}
