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

/* |chunk| bytes at a time, cycling through chunk_sizes when 0, all at once
 * when SIZE_MAX. */
static void hash_chunked(const hv_crypto *be, uint32_t alg,
                         const uint8_t *msg, size_t len, size_t chunk,
                         uint8_t *out)
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

static void check_kat(const hv_crypto *be, const char *path, const kat *t,
                      uint32_t alg, const char *hex)
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
    hash_chunked(be, alg, msg, t->len, SIZE_MAX, got);
    CHECK_MSG(memcmp(got, expect, dlen) == 0, "%s: %s alg %u one call", path,
              t->name, alg);
    for (i = 0; i < NCHUNKS; i++) {
        hash_chunked(be, alg, msg, t->len, chunk_sizes[i], got);
        CHECK_MSG(memcmp(got, expect, dlen) == 0, "%s: %s alg %u chunks of %zu",
                  path, t->name, alg, chunk_sizes[i]);
    }
    hash_chunked(be, alg, msg, t->len, 0, got);
    CHECK_MSG(memcmp(got, expect, dlen) == 0, "%s: %s alg %u mixed chunks",
              path, t->name, alg);
    free(buf);
}

/* The context rules, per path. */
static void check_context_rules(const hv_crypto *be, const char *path,
                                const uint8_t *pattern, size_t plen,
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
        be->hash_update(&ctx, pattern, 1000);
        memcpy(&copy, &ctx, sizeof(ctx));
        memset(&ctx, 0xA5, sizeof(ctx));
        be->hash_update(&copy, pattern + 1000, plen - 1000);
        be->hash_final(&copy, d1);
        hash_chunked(be, algs[a], pattern, plen, SIZE_MAX, d2);
        CHECK_MSG(memcmp(d1, d2, dlen) == 0, "%s: copied context alg %u",
                  path, algs[a]);

        /* Final does not end the context: it can go on afterwards. */
        CHECK(be->hash_init(&ctx, algs[a]) == 0);
        be->hash_update(&ctx, pattern, 77);
        be->hash_final(&ctx, d1);
        be->hash_update(&ctx, pattern + 77, plen - 77);
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
    for (i = 0; i < sizeof(pattern); i++)
        pattern[i] = (uint8_t)(i * 131 + 7);

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
        check_context_rules(be, paths[p].label, pattern, sizeof(pattern),
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
