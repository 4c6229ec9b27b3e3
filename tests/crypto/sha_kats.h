/*
 * The SHA-256 / SHA-384 known answers (FIPS 180-4 examples, plus a 5000-byte
 * pattern hashed with Python's hashlib) shared by test-sha.c (portable
 * backend) and test-sha-native.c (native backend, both paths), so both
 * backends are held to one table and one way of feeding it.
 */
#ifndef HV_TEST_SHA_KATS_H
#define HV_TEST_SHA_KATS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hvboot.h"

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

static const uint8_t sha_two_block_256[] =
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const uint8_t sha_two_block_384[] =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
    "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
/* (i * 131 + 7) mod 256; filled by sha_kats_init() */
static uint8_t sha_pattern[5000];
static const kat kats[] = {
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
    {"448-bit", sha_two_block_256, sizeof(sha_two_block_256) - 1,
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
     "3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05ab"
     "fe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b"},
    {"896-bit", sha_two_block_384, sizeof(sha_two_block_384) - 1,
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
     "09330c33f71147e83d192fc782cd1b4753111b173b3b05d2"
     "2fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039"},
    /* (i * 131 + 7) mod 256, 5000 bytes; digests from Python hashlib */
    {"pattern", sha_pattern, sizeof(sha_pattern),
     "56191a9390b4c8efb1b64c536aeddd1c9f5f020da6e31252085ca7a15b2f45a3",
     "15ab0d276c01e6d41346b319ddce82e5912f6fd7bb91d604"
     "e04c1cf2f4374de5feead87e0091c4d0de6ed54331318061"},
};

static void sha_kats_init(void)
{
    for (size_t i = 0; i < sizeof(sha_pattern); i++)
        sha_pattern[i] = (uint8_t)(i * 131 + 7);
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

#endif
