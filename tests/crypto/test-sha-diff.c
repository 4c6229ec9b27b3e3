/*
 * Differential test of the SHA-256/384 code: random messages of random
 * length (0..10 000 bytes) at random alignment, hashed by
 *   - hv_crypto_native as the CPU picks it (SHA extensions when present),
 *   - hv_crypto_native with the portable path forced,
 *   - hv_crypto_bearssl,
 *   - OpenSSL (EVP, its own assembly),
 * the three hvboot ones fed in random chunks. All four must agree.
 *
 * usage: test-sha-diff [SEED [CASES]]. The seed is printed, so a failure
 * can be replayed exactly.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto_internal.h"
#include "hvboot.h"

#define MAX_LEN 10000u
#define DEFAULT_SEED 0x68766273686131ull /* "hvbsha1" */
#define DEFAULT_CASES 3000u

static uint64_t rng_state;

/* splitmix64 */
static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t rng_below(size_t n)
{
    return n ? (size_t)(rng() % n) : 0;
}

static int portable_init(hv_hash_ctx *ctx, uint32_t alg)
{
    return hv_native_hash_init(ctx, alg, HV_NATIVE_PORTABLE);
}

/* Chunk sizes biased towards the block boundaries. */
static size_t random_chunk(size_t left)
{
    static const size_t edges[] = {1, 55, 56, 63, 64, 65, 111, 112,
                                   127, 128, 129, 4096};
    size_t n;
    switch (rng() % 4) {
    case 0: n = edges[rng_below(sizeof(edges) / sizeof(edges[0]))]; break;
    case 1: n = rng_below(300); break;
    case 2: n = left; break;
    default: n = rng_below(left + 1); break;
    }
    return n > left ? left : n;
}

static void hv_hash(const hv_crypto *be, uint32_t alg, const uint8_t *msg,
                    size_t len, uint8_t *out)
{
    hv_hash_ctx ctx;
    size_t pos = 0;
    CHECK(be->hash_init(&ctx, alg) == 0);
    while (pos < len) {
        size_t n = random_chunk(len - pos);
        be->hash_update(&ctx, msg + pos, n); /* n may be 0: a no-op */
        pos += n;
    }
    be->hash_final(&ctx, out);
}

static void openssl_hash(uint32_t alg, const uint8_t *msg, size_t len,
                         uint8_t *out)
{
    unsigned dlen = 0;
    const EVP_MD *md = alg == HV_DIGEST_SHA256 ? EVP_sha256() : EVP_sha384();
    CHECK(EVP_Digest(msg, len, out, &dlen, md, NULL) == 1);
    CHECK(dlen == hv_digest_size(alg));
}

int main(int argc, char **argv)
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : DEFAULT_SEED;
    unsigned long cases = argc > 2 ? strtoul(argv[2], NULL, 0)
                                   : DEFAULT_CASES;
    hv_crypto forced = hv_crypto_native;
    const hv_crypto *const impls[] = {&hv_crypto_native, &forced,
                                      &hv_crypto_bearssl};
    static const char *const names[] = {"native-auto", "native-portable",
                                        "bearssl"};
    static const uint32_t algs[] = {HV_DIGEST_SHA256, HV_DIGEST_SHA384};
    uint8_t *buf = malloc(MAX_LEN + 16);
    unsigned long c, failures = 0, compared = 0;
    hv_hash_ctx probe;

    forced.hash_init = portable_init;
    CHECK(buf != NULL);
    if (!buf)
        return CHECK_DONE();
    CHECK(hv_crypto_native.hash_init(&probe, HV_DIGEST_SHA256) == 0);
    fprintf(stderr, "seed 0x%llx, %lu cases; native SHA-256 runs %s\n",
            (unsigned long long)seed, cases, hv_native_hash_impl(&probe));
    rng_state = seed;

    for (c = 0; c < cases; c++) {
        /* Every length up to 300 once, then random ones up to MAX_LEN. */
        size_t len = c <= 300 ? c : rng_below(MAX_LEN + 1);
        size_t align = rng_below(16);
        uint8_t *msg = buf + align;
        size_t i, a, k;
        for (i = 0; i < len; i++)
            msg[i] = (uint8_t)rng();
        for (a = 0; a < 2; a++) {
            uint8_t want[HV_DIGEST_MAX_SIZE], got[HV_DIGEST_MAX_SIZE];
            size_t dlen = hv_digest_size(algs[a]);
            openssl_hash(algs[a], msg, len, want);
            for (k = 0; k < sizeof(impls) / sizeof(impls[0]); k++) {
                hv_hash(impls[k], algs[a], msg, len, got);
                compared++;
                if (memcmp(got, want, dlen) != 0 && failures++ < 20)
                    fprintf(stderr, "case %lu: %s SHA-%u of %zu bytes at "
                                    "offset %zu differs from OpenSSL\n",
                            c, names[k],
                            algs[a] == HV_DIGEST_SHA256 ? 256u : 384u, len,
                            align);
            }
        }
    }
    /* One large message straddling many bulk calls, at an odd offset. */
    {
        size_t len = 3u << 20;
        uint8_t *big = malloc(len + 1);
        uint8_t want[HV_DIGEST_MAX_SIZE], got[HV_DIGEST_MAX_SIZE];
        size_t i, k;
        CHECK(big != NULL);
        if (big) {
            for (i = 0; i < len + 1; i++)
                big[i] = (uint8_t)rng();
            openssl_hash(HV_DIGEST_SHA256, big + 1, len, want);
            for (k = 0; k < sizeof(impls) / sizeof(impls[0]); k++) {
                hv_hash(impls[k], HV_DIGEST_SHA256, big + 1, len, got);
                CHECK_MSG(memcmp(got, want, 32) == 0, "%s: 3 MiB message",
                          names[k]);
            }
            free(big);
        }
    }
    fprintf(stderr, "%lu digests compared with OpenSSL, %lu mismatches\n",
            compared, failures);
    CHECK(failures == 0);
    free(buf);
    return CHECK_DONE();
}
