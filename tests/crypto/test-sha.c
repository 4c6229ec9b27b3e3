/*
 * SHA-256 / SHA-384 known answers (FIPS 180-4 examples) through the
 * backend's hash API, fed whole and in odd-sized chunks that straddle the
 * 64- and 128-byte block boundaries; plus the context rules of hvboot.h
 * (copyable, unknown algorithm refused).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hvboot.h"

static const hv_crypto *const be = &hv_crypto_bearssl;

#include "sha_kats.h"

int main(void)
{
    uint8_t d1[HV_DIGEST_MAX_SIZE], d2[HV_DIGEST_MAX_SIZE];
    hv_hash_ctx ctx, copy;
    size_t i;

    sha_kats_init();
    for (i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
        check_kat(be, "bearssl", &kats[i], HV_DIGEST_SHA256,
                  kats[i].sha256);
        check_kat(be, "bearssl", &kats[i], HV_DIGEST_SHA384,
                  kats[i].sha384);
    }

    /* A context may be copied mid-stream (hvboot.h): both copies go on. */
    CHECK(be->hash_init(&ctx, HV_DIGEST_SHA384) == 0);
    be->hash_update(&ctx, sha_pattern, 1000);
    memcpy(&copy, &ctx, sizeof(ctx));
    memset(&ctx, 0xA5, sizeof(ctx)); /* the original is gone */
    be->hash_update(&copy, sha_pattern + 1000, sizeof(sha_pattern) - 1000);
    be->hash_final(&copy, d1);
    hash_chunked(be, HV_DIGEST_SHA384, sha_pattern, sizeof(sha_pattern),
                 SIZE_MAX, d2);
    CHECK(memcmp(d1, d2, 48) == 0);

    /* Re-init resets; final does not end the context (BearSSL semantics). */
    CHECK(be->hash_init(&ctx, HV_DIGEST_SHA256) == 0);
    be->hash_update(&ctx, "xyz", 3);
    CHECK(be->hash_init(&ctx, HV_DIGEST_SHA256) == 0);
    be->hash_update(&ctx, "abc", 3);
    be->hash_final(&ctx, d1);
    CHECK(unhex(kats[0].sha256, d2, 32));
    CHECK(memcmp(d1, d2, 32) == 0);

    /* Zero-length updates (with or without a pointer) change nothing. */
    CHECK(be->hash_init(&ctx, HV_DIGEST_SHA256) == 0);
    be->hash_update(&ctx, NULL, 0);
    be->hash_update(&ctx, "a", 0);
    be->hash_update(&ctx, "abc", 3);
    be->hash_update(&ctx, NULL, 0);
    be->hash_final(&ctx, d1);
    CHECK(memcmp(d1, d2, 32) == 0);

    /* Exactly hv_digest_size bytes are written. */
    memset(d1, 0xEE, sizeof(d1));
    CHECK(be->hash_init(&ctx, HV_DIGEST_SHA256) == 0);
    be->hash_final(&ctx, d1);
    for (i = 32; i < sizeof(d1); i++)
        CHECK_MSG(d1[i] == 0xEE, "byte %zu written", i);

    /* Unknown digests are refused, and the context then stays inert. */
    CHECK(be->hash_init(&ctx, 0) != 0);
    CHECK(be->hash_init(&ctx, 3) != 0);
    CHECK(be->hash_init(&ctx, 0xFFFFFFFFu) != 0);
    CHECK(be->hash_init(NULL, HV_DIGEST_SHA256) != 0);
    be->hash_update(&ctx, "abc", 3);
    memset(d1, 0xEE, sizeof(d1));
    be->hash_final(&ctx, d1);
    for (i = 0; i < sizeof(d1); i++)
        CHECK_MSG(d1[i] == 0xEE, "byte %zu written after failed init", i);

    CHECK(strcmp(be->name, "bearssl") == 0);
    return CHECK_DONE();
}
