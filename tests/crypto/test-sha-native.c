/*
 * hv_crypto_native: the FIPS 180-4 known answers of test-sha.c, fed whole
 * and in odd-sized chunks that straddle the 64- and 128-byte block
 * boundaries, through both SHA-256 paths: the one the CPU picks (SHA
 * extensions when present) and the portable one forced through
 * hv_native_hash_init(). Also the context rules of hvboot.h, and that
 * signature checks are hv_crypto_bearssl's own function.
 *
 * Prints which SHA-256 code each path ran. On a CPU without the SHA
 * extensions both paths are the portable code; that is said, not hidden.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crypto_internal.h"
#include "hvboot.h"

static int portable_init(hv_hash_ctx *ctx, uint32_t alg)
{
    return hv_native_hash_init(ctx, alg, HV_NATIVE_PORTABLE);
}

/* hv_crypto_native with the portable SHA-256 forced. */
static hv_crypto forced_portable;

#include "sha_kats.h"

/* The context rules, per path. */
static void check_context_rules(const hv_crypto *be, const char *path,
                                const uint8_t *data, size_t plen,
                                const char *abc256)
{
    uint8_t d1[HV_DIGEST_MAX_SIZE], d2[HV_DIGEST_MAX_SIZE];
    hv_hash_ctx ctx, copy;
    uint32_t algs[2] = {HV_DIGEST_SHA256, HV_DIGEST_SHA384};
    size_t i, a;

    for (a = 0; a < 2; a++) {
        size_t dlen = hv_digest_size(algs[a]);
        /* A context may be copied mid-stream: the copy goes on alone. */
        CHECK(be->hash_init(&ctx, algs[a]) == 0);
        be->hash_update(&ctx, data, 1000);
        memcpy(&copy, &ctx, sizeof(ctx));
        memset(&ctx, 0xA5, sizeof(ctx));
        be->hash_update(&copy, data + 1000, plen - 1000);
        be->hash_final(&copy, d1);
        hash_chunked(be, algs[a], data, plen, SIZE_MAX, d2);
        CHECK_MSG(memcmp(d1, d2, dlen) == 0, "%s: copied context alg %u",
                  path, algs[a]);

        /* Final does not end the context: it can go on afterwards. */
        CHECK(be->hash_init(&ctx, algs[a]) == 0);
        be->hash_update(&ctx, data, 77);
        be->hash_final(&ctx, d1);
        be->hash_update(&ctx, data + 77, plen - 77);
        be->hash_final(&ctx, d1);
        CHECK_MSG(memcmp(d1, d2, dlen) == 0, "%s: update after final alg %u",
                  path, algs[a]);
    }

    /* Re-init resets. */
    CHECK(be->hash_init(&ctx, HV_DIGEST_SHA256) == 0);
    be->hash_update(&ctx, "xyz", 3);
    CHECK(be->hash_init(&ctx, HV_DIGEST_SHA256) == 0);
    be->hash_update(&ctx, "abc", 3);
    be->hash_final(&ctx, d1);
    CHECK(unhex(abc256, d2, 32));
    CHECK_MSG(memcmp(d1, d2, 32) == 0, "%s: re-init", path);

    /* Zero-length updates (with or without a pointer) change nothing. */
    CHECK(be->hash_init(&ctx, HV_DIGEST_SHA256) == 0);
    be->hash_update(&ctx, NULL, 0);
    be->hash_update(&ctx, "a", 0);
    be->hash_update(&ctx, "abc", 3);
    be->hash_update(&ctx, NULL, 0);
    be->hash_final(&ctx, d1);
    CHECK_MSG(memcmp(d1, d2, 32) == 0, "%s: empty updates", path);

    /* Exactly hv_digest_size bytes are written. */
    for (a = 0; a < 2; a++) {
        size_t dlen = hv_digest_size(algs[a]);
        memset(d1, 0xEE, sizeof(d1));
        CHECK(be->hash_init(&ctx, algs[a]) == 0);
        be->hash_final(&ctx, d1);
        for (i = dlen; i < sizeof(d1); i++)
            CHECK_MSG(d1[i] == 0xEE, "%s: byte %zu written", path, i);
    }

    /* Unknown digests are refused, and the context then stays inert. */
    CHECK(be->hash_init(&ctx, 0) != 0);
    CHECK(be->hash_init(&ctx, 3) != 0);
    CHECK(be->hash_init(&ctx, 0xFFFFFFFFu) != 0);
    CHECK(be->hash_init(NULL, HV_DIGEST_SHA256) != 0);
    be->hash_update(&ctx, "abc", 3);
    memset(d1, 0xEE, sizeof(d1));
    be->hash_final(&ctx, d1);
    for (i = 0; i < sizeof(d1); i++)
        CHECK_MSG(d1[i] == 0xEE, "%s: byte %zu written after failed init",
                  path, i);
    CHECK(strcmp(hv_native_hash_impl(&ctx), "none") == 0);
}

int main(void)
{
    const struct {
        const hv_crypto *be;
        const char *label;
        const char *want_impl; /* for SHA-256 */
    } paths[] = {
        {&hv_crypto_native, "auto",
         hv_sha256_x86_available() ? "x86-sha" : "portable"},
        {&forced_portable, "forced-portable", "portable"},
    };
    hv_hash_ctx ctx;
    size_t i, p;

    forced_portable = hv_crypto_native;
    forced_portable.hash_init = portable_init;
    sha_kats_init();

    for (p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
        const hv_crypto *be = paths[p].be;
        CHECK(be->hash_init(&ctx, HV_DIGEST_SHA256) == 0);
        fprintf(stderr, "path %s: SHA-256 runs %s, SHA-384 runs ",
                paths[p].label, hv_native_hash_impl(&ctx));
        CHECK_MSG(strcmp(hv_native_hash_impl(&ctx), paths[p].want_impl) == 0,
                  "path %s runs %s", paths[p].label,
                  hv_native_hash_impl(&ctx));
        CHECK(be->hash_init(&ctx, HV_DIGEST_SHA384) == 0);
        fprintf(stderr, "%s\n", hv_native_hash_impl(&ctx));
        CHECK(strcmp(hv_native_hash_impl(&ctx), "portable") == 0);

        for (i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
            check_kat(be, paths[p].label, &kats[i], HV_DIGEST_SHA256,
                      kats[i].sha256);
            check_kat(be, paths[p].label, &kats[i], HV_DIGEST_SHA384,
                      kats[i].sha384);
        }
        check_context_rules(be, paths[p].label, sha_pattern,
                            sizeof(sha_pattern),
                            kats[0].sha256);
    }
    if (!hv_sha256_x86_available())
        fprintf(stderr, "this CPU has no SHA extensions: the x86 path was "
                        "not run here\n");

    /* Signatures: literally the BearSSL backend's function. */
    CHECK(hv_crypto_native.verify == hv_crypto_bearssl.verify);
    CHECK(strcmp(hv_crypto_native.name, "native") == 0);
    return CHECK_DONE();
}
