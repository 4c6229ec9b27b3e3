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

static const size_t chunk_sizes[] = {1, 3, 63, 64, 65, 127};
#define NCHUNKS (sizeof(chunk_sizes) / sizeof(chunk_sizes[0]))

typedef struct kat {
    const char *name;
    const uint8_t *msg; /* NULL: |len| bytes of 'a' */
    size_t len;
    const char *sha256;
    const char *sha384;
} kat;

static int unhex(const char *hex, uint8_t *out, size_t out_len)
{
    size_t i;

    if (strlen(hex) != 2 * out_len)
        return 0;
    for (i = 0; i < out_len; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return 0;
        out[i] = (uint8_t)v;
    }
    return 1;
}

/*
 * Hash |len| bytes of |msg| handing them over in pieces: |chunk| bytes at a
 * time, or cycling through every chunk size when |chunk| == 0, or all at
 * once when |chunk| == SIZE_MAX.
 */
static void hash_chunked(uint32_t alg, const uint8_t *msg, size_t len,
                         size_t chunk, uint8_t *out)
{
    hv_hash_ctx ctx;
    size_t pos = 0, k = 0;

    memset(out, 0, HV_DIGEST_MAX_SIZE);
    CHECK(be->hash_init(&ctx, alg) == 0);
    while (pos < len) {
        size_t n = chunk == 0 ? chunk_sizes[k++ % NCHUNKS] : chunk;
        if (n > len - pos)
            n = len - pos;
        be->hash_update(&ctx, msg + pos, n);
        pos += n;
    }
    be->hash_final(&ctx, out);
}

static void check_kat(const kat *t, uint32_t alg, const char *hex)
{
    uint8_t expect[HV_DIGEST_MAX_SIZE], got[HV_DIGEST_MAX_SIZE];
    size_t dlen = hv_digest_size(alg);
    uint8_t *buf = NULL;
    const uint8_t *msg = t->msg;
    size_t i;

    CHECK(unhex(hex, expect, dlen));
    if (msg == NULL) {
        buf = malloc(t->len);
        CHECK(buf != NULL);
        if (buf == NULL)
            return;
        memset(buf, 'a', t->len);
        msg = buf;
    }

    hash_chunked(alg, msg, t->len, SIZE_MAX, got);
    CHECK_MSG(memcmp(got, expect, dlen) == 0, "%s alg %u one call", t->name,
              alg);
    for (i = 0; i < NCHUNKS; i++) {
        hash_chunked(alg, msg, t->len, chunk_sizes[i], got);
        CHECK_MSG(memcmp(got, expect, dlen) == 0, "%s alg %u chunks of %zu",
                  t->name, alg, chunk_sizes[i]);
    }
    hash_chunked(alg, msg, t->len, 0, got);
    CHECK_MSG(memcmp(got, expect, dlen) == 0, "%s alg %u mixed chunks",
              t->name, alg);
    free(buf);
}

int main(void)
{
    static const uint8_t two_block_256[] =
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static const uint8_t two_block_384[] =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
        "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    static uint8_t pattern[5000];
    const kat kats[] = {
        {"abc", (const uint8_t *)"abc", 3,
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
         "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
         "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"},
        {"empty", (const uint8_t *)"", 0,
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "38b060a751ac96384cd9327eb1b1e36a21fdb71114be0743"
         "4c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"},
        {"million-a", NULL, 1000000,
         "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
         "9d0e1809716474cb086e834e310a4a1ced149e9c00f24852"
         "7972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985"},
        {"448-bit", two_block_256, sizeof(two_block_256) - 1,
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
         "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05ab"
         "fe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b"},
        {"896-bit", two_block_384, sizeof(two_block_384) - 1,
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
         "09330c33f71147e83d192fc782cd1b4753111b173b3b05d2"
         "2fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039"},
        /* (i * 131 + 7) mod 256, 5000 bytes; digests from Python hashlib */
        {"pattern", pattern, sizeof(pattern),
         "56191a9390b4c8efb1b64c536aeddd1c9f5f020da6e31252085ca7a15b2f45a3",
         "15ab0d276c01e6d41346b319ddce82e5912f6fd7bb91d604"
         "e04c1cf2f4374de5feead87e0091c4d0de6ed54331318061"},
    };
    uint8_t d1[HV_DIGEST_MAX_SIZE], d2[HV_DIGEST_MAX_SIZE];
    hv_hash_ctx ctx, copy;
    size_t i;

    for (i = 0; i < sizeof(pattern); i++)
        pattern[i] = (uint8_t)(i * 131 + 7);
    for (i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
        check_kat(&kats[i], HV_DIGEST_SHA256, kats[i].sha256);
        check_kat(&kats[i], HV_DIGEST_SHA384, kats[i].sha384);
    }

    /* A context may be copied mid-stream (hvboot.h): both copies go on. */
    CHECK(be->hash_init(&ctx, HV_DIGEST_SHA384) == 0);
    be->hash_update(&ctx, pattern, 1000);
    memcpy(&copy, &ctx, sizeof(ctx));
    memset(&ctx, 0xA5, sizeof(ctx)); /* the original is gone */
    be->hash_update(&copy, pattern + 1000, sizeof(pattern) - 1000);
    be->hash_final(&copy, d1);
    hash_chunked(HV_DIGEST_SHA384, pattern, sizeof(pattern), SIZE_MAX, d2);
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
