/*
 * Writes the seed corpus of fuzz/fuzz-trustblock.c into a folder: trust
 * blocks made by the crafting library with the public test keys of
 * fuzz/trust-keys/ (root 1 = a, b, c, threshold 2: the fuzz target's
 * device), each named after its verdict (ok-*, bad-*: fuzz/replay.c).
 * Run by hand (fuzz/make-seeds.sh), reviewed, committed; not a test.
 *
 *   trust-seeds KEYS_DIR OUT_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvimage/codec.h"
#include "tcraft.h"

static tkey A, B, C, D, I1, I2;
static const char *out_dir;

static void put(const char *name, const tbuf *b)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(b->p, 1, b->len, fp) != b->len || fclose(fp) != 0)
        tdie(path);
}

static void root(tbuf *b, uint64_t v, const tkey *k0, const tkey *k1,
                 const tkey *k2, const tkey *const *signers, uint32_t n)
{
    static tdoc d;
    const tkey *k[3] = {k0, k1, k2};
    tdoc_root(&d, v, 2, k, 3, n < 3 ? 3 : n);
    tdoc_sign(&d, signers, n);
    tbuf_doc(b, &d);
}

static void ring(tbuf *b, uint64_t rv, const tkey *s0, const tkey *s1)
{
    static tdoc d;
    tent e[2] = {{.k = &I1, .epoch = 3, .oems = {"oem-a", "test-oem"},
                  .boards = {"board-1", "board-2"}},
                 {.k = &I2, .epoch = 4, .oems = {"test-oem"}}};
    tdoc_keyring(&d, 7, rv, 3, e, 2, 2);
    const tkey *s[2] = {s0, s1};
    tdoc_sign(&d, s, 2);
    tbuf_doc(b, &d);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: trust-seeds KEYS_DIR OUT_DIR\n");
        return 2;
    }
    char path[512];
    tkey *keys[4] = {&A, &B, &C, &D};
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%c.pem", argv[1], 'a' + i);
        tkey_load(keys[i], path);
    }
    tkey_gen(&I1, HV_SIG_ECDSA_P256_SHA256);
    tkey_gen(&I2, HV_SIG_ECDSA_P384_SHA384);
    out_dir = argv[2];
    const tkey *ab[2] = {&A, &B}, *abcd[4] = {&A, &B, &C, &D};
    const tkey *ab_only[2] = {&A, &B}, *cd[2] = {&C, &D};
    tbuf b = {0};

    root(&b, 1, &A, &B, &C, ab, 2);
    ring(&b, 1, &A, &B);
    put("ok-root1-keyring", &b);
    /* The same, one byte short, and one byte long. */
    b.len--;
    put("bad-truncated", &b);
    b.len++;
    tbuf_add(&b, "", 1);
    put("bad-trailing-byte", &b);
    tbuf_free(&b);

    /* Rotation 1 -> 2: root 2 = b, c, d. */
    root(&b, 1, &A, &B, &C, ab, 2);
    root(&b, 2, &B, &C, &D, abcd, 4);
    ring(&b, 2, &C, &D);
    put("ok-rotation-1-2", &b);
    tbuf_free(&b);

    /* Rotation 1 -> 2 -> 3: root 3 = a, c, d. */
    root(&b, 1, &A, &B, &C, ab, 2);
    root(&b, 2, &B, &C, &D, abcd, 4);
    const tkey *cd_a[3] = {&C, &D, &A};
    root(&b, 3, &A, &C, &D, cd_a, 3);
    ring(&b, 3, &A, &D);
    put("ok-rotation-1-2-3", &b);
    tbuf_free(&b);

    root(&b, 1, &A, &B, &C, ab, 2);
    root(&b, 2, &B, &C, &D, ab_only, 2);
    ring(&b, 2, &C, &D);
    put("bad-rotation-old-root-only", &b);
    tbuf_free(&b);

    root(&b, 1, &A, &B, &C, ab, 2);
    const tkey *d_only[1] = {&D};
    root(&b, 2, &B, &C, &D, d_only, 1);
    ring(&b, 2, &C, &D);
    put("bad-rotation-new-key-only", &b);
    tbuf_free(&b);

    root(&b, 1, &A, &B, &C, ab, 2);
    root(&b, 3, &B, &C, &D, abcd, 4);
    ring(&b, 3, &C, &D);
    put("bad-skipped-version", &b);
    tbuf_free(&b);

    root(&b, 1, &A, &B, &C, ab, 2);
    root(&b, 2, &B, &C, &D, abcd, 4);
    ring(&b, 1, &C, &D);
    put("bad-keyring-names-old-root", &b);
    tbuf_free(&b);

    root(&b, 1, &A, &B, &C, ab, 2);
    ring(&b, 1, &A, &D);
    put("bad-keyring-one-root-signature", &b);
    tbuf_free(&b);

    root(&b, 2, &B, &C, &D, cd, 2);
    ring(&b, 2, &C, &D);
    put("bad-chain-not-from-device-root", &b);
    tbuf_free(&b);

    /* One key's signature in two slots of root 1. */
    {
        static tdoc d;
        const tkey *k[3] = {&A, &B, &C};
        tdoc_root(&d, 1, 2, k, 3, 3);
        tdoc_sig_as(&d, &A, NULL);
        tdoc_sig_as(&d, &A, NULL);
        tbuf_doc(&b, &d);
        ring(&b, 1, &A, &B);
        put("bad-same-signature-twice", &b);
        tbuf_free(&b);
    }

    /* A root signature flipped. */
    root(&b, 1, &A, &B, &C, ab, 2);
    b.p[b.len - 3 * HV_SIG_SLOT_SIZE + HV_SIG_OFF_SIG + 7] ^= 1;
    ring(&b, 1, &A, &B);
    put("bad-root-signature-flipped", &b);
    tbuf_free(&b);

    for (int i = 0; i < 4; i++)
        tkey_free(keys[i]);
    tkey_free(&I1);
    tkey_free(&I2);
    return 0;
}
