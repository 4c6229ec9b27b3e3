/*
 * Threshold bypasses (issue 11 item 5; the bug class python-tuf, go-tuf,
 * rust-tuf and php-tuf each shipped): one signature or one key made to
 * count twice, through a repeated slot, a second key id, a second encoding
 * of the key, a second algorithm, or a key shared between two root
 * versions; and root rotation, accepted only with a threshold of the old
 * root and a threshold of the new one.
 */
#include <stdlib.h>
#include <string.h>

#include "hvimage/codec.h"
#include "check.h"
#include "tcases.h"

static tdoc D1, D2, D3;

static hv_result block_of(const tdoc *a, const tdoc *b, const tdoc *c,
                          hv_trust_result *res)
{
    tbuf blk = {0};
    hv_policy pol = dev_policy();
    tbuf_doc(&blk, a);
    if (b)
        tbuf_doc(&blk, b);
    if (c)
        tbuf_doc(&blk, c);
    hv_result r = tblock(blk.p, blk.len, &pol, res);
    tbuf_free(&blk);
    return r;
}

/* Root 1 signed by R1[0] and R1[1]: the device's root, as good_block. */
static void root1(tdoc *d)
{
    const tkey *s[2] = {&R1[0], &R1[1]};
    root_doc(d, 1, R1, 2, s, 2);
}

static void ring(tdoc *d, uint64_t rv, const tkey *a, const tkey *b)
{
    const tkey *s[2] = {a, b};
    ring_doc(d, 1, rv, 0, s, 2);
}

/* ---- the same signature twice ------------------------------------------ */

static void same_signature_twice(void)
{
    hv_trust_result res;

    /* Two slots, one key id: the slot order rule refuses it before any
     * signature counts. */
    CASE("root: one key's signature in two slots");
    const tkey *k[3] = {&R1[0], &R1[1], &R1[2]};
    tdoc_root(&D1, 1, 2, k, 3, 3);
    tdoc_sig_as(&D1, &R1[0], NULL);
    tdoc_sig_as(&D1, &R1[0], NULL);
    ring(&D2, 1, &R1[0], &R1[1]);
    EXPECT(block_of(&D1, &D2, NULL, &res), HV_ERR_TRUST_BLOCK);
    CHECK_MSG(res.failed_doc == 0, "%s: failed_doc %u", case_name,
              res.failed_doc);

    CASE("root: one slot copied into the next");
    root1(&D1);
    memcpy(tdoc_slot(&D1, 1), tdoc_slot(&D1, 0), HV_SIG_SLOT_SIZE);
    EXPECT(block_of(&D1, &D2, NULL, &res), HV_ERR_TRUST_BLOCK);

    CASE("keyring: one key's signature in two slots");
    root1(&D1);
    tent e[2] = {ent(&I1, 1), ent(&I2, 1)};
    tdoc_keyring(&D2, 1, 1, 0, e, 2, 2);
    tdoc_sig_as(&D2, &R1[0], NULL);
    tdoc_sig_as(&D2, &R1[0], NULL);
    EXPECT(block_of(&D1, &D2, NULL, &res), HV_ERR_TRUST_BLOCK);
    CHECK_MSG(res.failed_doc == 1, "%s: failed_doc %u", case_name,
              res.failed_doc);

    CASE("keyring: signed once where the root wants two");
    tdoc_keyring(&D2, 1, 1, 0, e, 2, 2);
    tdoc_sig_as(&D2, &R1[0], NULL);
    EXPECT(block_of(&D1, &D2, NULL, &res), HV_ERR_ROOT_SIGNATURE);
    CHECK_MSG(res.failed_doc == 1, "%s: failed_doc %u", case_name,
              res.failed_doc);

    CASE("root: signed once where its threshold wants two");
    tdoc_root(&D1, 1, 2, k, 3, 3);
    tdoc_sig_as(&D1, &R1[0], NULL);
    ring(&D2, 1, &R1[0], &R1[1]);
    EXPECT(block_of(&D1, &D2, NULL, &res), HV_ERR_ROOT_SIGNATURE);
    CHECK_MSG(res.failed_doc == 0, "%s: failed_doc %u", case_name,
              res.failed_doc);

    /* The image's own block keeps its rule with a trust block. */
    CASE("image: one keyring key's signature in two slots");
    tbuf blk = {0};
    good_block(&blk);
    timg m;
    const tkey *s[1] = {&I1};
    timg_make(&m, blk.p, blk.len, 1, s, 1, 2, NULL);
    memcpy(timg_slot(&m, 1), timg_slot(&m, 0), HV_SIG_SLOT_SIZE);
    hv_policy pol = dev_policy();
    pol.min_signatures = 2;
    hv_verdict v;
    EXPECT(tverify(&m, &pol, &v), HV_ERR_SIG_BLOCK);
    timg_free(&m);
    tbuf_free(&blk);
}

/* ---- one key under two ids ---------------------------------------------- */

static void one_key_two_ids(void)
{
    hv_trust_result res;
    size_t der_len;
    uint8_t *der = tkey_explicit_spki(&R1[0], &der_len);
    tkey alias; /* R1[0]'s public key under the id of its explicit DER */
    tkey_from_spki(&alias, der, der_len);
    free(der);

    CASE("root: one key listed under two ids");
    {
        const tkey *k[3] = {&R1[0], &R1[1], &R1[2]};
        tdoc_root(&D1, 1, 2, k, 3, 4);
        /* A fourth record: R1[0]'s key under the alias id, records kept
         * in ascending id order. */
        uint8_t recs[4][HV_KEYREC_SIZE];
        for (int i = 0; i < 3; i++)
            memcpy(recs[i], tdoc_key(&D1, (uint32_t)i), HV_KEYREC_SIZE);
        keyrec(recs[3], &R1[0], alias.id, 0);
        for (int i = 3; i > 0 && memcmp(recs[i], recs[i - 1], 32) < 0; i--) {
            uint8_t t[HV_KEYREC_SIZE];
            memcpy(t, recs[i], sizeof t);
            memcpy(recs[i], recs[i - 1], sizeof t);
            memcpy(recs[i - 1], t, sizeof t);
        }
        /* Make room for a fourth record: a new header and body. */
        const tkey *k4[3] = {&R1[0], &R1[1], &R1[2]};
        tdoc_root(&D1, 1, 2, k4, 3, 3);
        hv_put_le32(D1.b + HV_DOC_OFF_BODY_SIZE,
                    HV_ROOT_FIXED_SIZE + 4 * HV_KEYREC_SIZE);
        hv_put_le32(tdoc_body(&D1) + HV_ROOT_OFF_KEY_COUNT, 4);
        D1.tbs_len += HV_KEYREC_SIZE;
        for (int i = 0; i < 4; i++)
            memcpy(tdoc_key(&D1, (uint32_t)i), recs[i], HV_KEYREC_SIZE);
        memset(tdoc_slot(&D1, 0), 0, 3 * HV_SIG_SLOT_SIZE);
        /* Signed under both ids by R1[0]: were the records allowed, one
         * key would meet the threshold of 2 on its own. */
        const uint8_t *a = R1[0].id, *b = alias.id;
        if (memcmp(a, b, 32) > 0)
            a = alias.id, b = R1[0].id;
        tdoc_sig_as(&D1, &R1[0], a);
        tdoc_sig_as(&D1, &R1[0], b);
        ring(&D2, 1, &R1[0], &R1[1]);
        EXPECT(block_of(&D1, &D2, NULL, &res), HV_ERR_TRUST_BLOCK);
        CHECK_MSG(res.failed_doc == 0, "%s: failed_doc %u", case_name,
                  res.failed_doc);
        /* The parser alone refuses it (the device's key set would too). */
        hv_doc doc;
        EXPECT(hv_doc_parse(D1.b, tdoc_size(&D1), &doc), HV_ERR_TRUST_BLOCK);
    }

    CASE("keyring: one key listed under two ids");
    {
        root1(&D1);
        tent e[2] = {ent(&I1, 1), ent(&I1, 1)};
        size_t n;
        uint8_t *d = tkey_explicit_spki(&I1, &n);
        tkey ialias;
        tkey_from_spki(&ialias, d, n);
        free(d);
        e[1].id = ialias.id;
        tdoc_keyring(&D2, 1, 1, 0, e, 2, 2);
        const tkey *s[2] = {&R1[0], &R1[1]};
        tdoc_sign(&D2, s, 2);
        EXPECT(block_of(&D1, &D2, NULL, &res), HV_ERR_TRUST_BLOCK);
        CHECK_MSG(res.failed_doc == 1, "%s: failed_doc %u", case_name,
                  res.failed_doc);
        hv_doc doc;
        EXPECT(hv_doc_parse(D2.b, tdoc_size(&D2), &doc), HV_ERR_TRUST_BLOCK);

        /* The image co-signed by I1 under its own id and its alias id,
         * the keyring listing I1 once: the alias names no keyring key. */
        CASE("image: one keyring key signing under its id and an alias id");
        tbuf blk = {0};
        good_block(&blk);
        timg m;
        const tkey *s1[1] = {&I1};
        timg_make(&m, blk.p, blk.len, 1, s1, 1, 2, NULL);
        uint8_t *slot = timg_slot(&m, 0);
        uint8_t *slot2 = timg_slot(&m, 1);
        memcpy(slot2, slot, HV_SIG_SLOT_SIZE);
        memcpy(slot2 + HV_SIG_OFF_KEY_ID, ialias.id, HV_KEY_ID_SIZE);
        if (memcmp(ialias.id, I1.id, HV_KEY_ID_SIZE) < 0) {
            uint8_t t[HV_SIG_SLOT_SIZE];
            memcpy(t, slot, sizeof t);
            memcpy(slot, slot2, sizeof t);
            memcpy(slot2, t, sizeof t);
        }
        hv_policy pol = dev_policy();
        pol.min_signatures = 2;
        hv_verdict v;
        EXPECT(tverify(&m, &pol, &v), HV_ERR_UNTRUSTED_KEY);
        timg_free(&m);
        tbuf_free(&blk);
        tkey_free(&ialias);
    }

    /* go-tuf's bug: root 2 lists an old root key under a new id; a slot
     * under each id must not make that key count twice toward root 1's
     * threshold. Root 2 = {R1[0] as alias, R2[0], R2[1]}, threshold 2;
     * root 2 signed by R1[0] (own id), R1[0] (alias id) and R2[0]. */
    CASE("rotation: an old root key under its id and its new-root alias id");
    {
        root1(&D1);
        const tkey *k2[3] = {&alias, &R2[0], &R2[1]};
        tdoc_root(&D2, 2, 2, k2, 3, 4);
        const uint8_t *ids[3] = {R1[0].id, alias.id, R2[0].id};
        const tkey *who[3] = {&R1[0], &R1[0], &R2[0]};
        for (int i = 0; i < 3; i++)
            for (int j = i + 1; j < 3; j++)
                if (memcmp(ids[j], ids[i], 32) < 0) {
                    const uint8_t *t = ids[i];
                    ids[i] = ids[j], ids[j] = t;
                    const tkey *w = who[i];
                    who[i] = who[j], who[j] = w;
                }
        for (int i = 0; i < 3; i++)
            tdoc_sig_as(&D2, who[i], ids[i]);
        /* Signed by R1[0] through the alias (a key of root 2 whose
         * record carries R1[0]'s public key) and by R2[0]: root 2's
         * threshold of 2 met by two different keys. */
        const tkey *ks[2] = {&R2[0], &R2[1]};
        ring(&D3, 2, ks[0], ks[1]);
        EXPECT(block_of(&D1, &D2, &D3, &res), HV_ERR_ROOT_SIGNATURE);
        CHECK_MSG(res.failed_doc == 1, "%s: failed_doc %u", case_name,
                  res.failed_doc);

        /* The same with a real second root-1 signature: now both
         * thresholds are met and the alias is harmless. */
        CASE("rotation: the alias root 2 with a second root-1 key");
        tdoc_root(&D2, 2, 2, k2, 3, 4);
        const uint8_t *ids4[4] = {R1[0].id, alias.id, R2[0].id, R1[1].id};
        const tkey *who4[4] = {&R1[0], &R1[0], &R2[0], &R1[1]};
        for (int i = 0; i < 4; i++)
            for (int j = i + 1; j < 4; j++)
                if (memcmp(ids4[j], ids4[i], 32) < 0) {
                    const uint8_t *t = ids4[i];
                    ids4[i] = ids4[j], ids4[j] = t;
                    const tkey *w = who4[i];
                    who4[i] = who4[j], who4[j] = w;
                }
        for (int i = 0; i < 4; i++)
            tdoc_sig_as(&D2, who4[i], ids4[i]);
        EXPECT(block_of(&D1, &D2, &D3, &res), HV_OK);
    }

    /* Root 2 reuses root 1's key id R1[0].id for a different key (R2[2]'s)
     * and signs root 2 with it under that id: whichever record the slot is
     * checked against, it must not count for root 1. */
    CASE("rotation: one key id, two public keys in root 1 and root 2");
    {
        root1(&D1);
        const tkey *k2[3] = {&R2[0], &R2[1], &R2[2]};
        tdoc_root(&D2, 2, 1, k2, 3, 3);
        /* Replace R2[2]'s record id with R1[0]'s id, keeping order. */
        uint8_t recs[3][HV_KEYREC_SIZE];
        for (int i = 0; i < 3; i++)
            memcpy(recs[i], tdoc_key(&D2, (uint32_t)i), HV_KEYREC_SIZE);
        for (int i = 0; i < 3; i++)
            if (memcmp(recs[i], R2[2].id, 32) == 0)
                memcpy(recs[i], R1[0].id, 32);
        for (int i = 0; i < 3; i++)
            for (int j = i + 1; j < 3; j++)
                if (memcmp(recs[j], recs[i], 32) < 0) {
                    uint8_t t[HV_KEYREC_SIZE];
                    memcpy(t, recs[i], sizeof t);
                    memcpy(recs[i], recs[j], sizeof t);
                    memcpy(recs[j], t, sizeof t);
                }
        for (int i = 0; i < 3; i++)
            memcpy(tdoc_key(&D2, (uint32_t)i), recs[i], HV_KEYREC_SIZE);
        const uint8_t *ids[2] = {R1[0].id, R1[1].id};
        const tkey *who[2] = {&R2[2], &R1[1]};
        if (memcmp(ids[0], ids[1], 32) > 0) {
            ids[0] = R1[1].id, ids[1] = R1[0].id;
            who[0] = &R1[1], who[1] = &R2[2];
        }
        tdoc_sig_as(&D2, who[0], ids[0]);
        tdoc_sig_as(&D2, who[1], ids[1]);
        ring(&D3, 2, &R2[0], &R2[1]);
        EXPECT(block_of(&D1, &D2, &D3, &res), HV_ERR_TRUST_BLOCK);
        CHECK_MSG(res.failed_doc == 1, "%s: failed_doc %u", case_name,
                  res.failed_doc);
    }

    /* The device matches root keys by fingerprint, never by id: root 1
     * listing R1[0] under its explicit-curve id is still the device's
     * root (and signs under that id). */
    CASE("root: a provisioned key under another encoding's id");
    {
        const tkey *k[3] = {&alias, &R1[1], &R1[2]};
        tdoc_root(&D1, 1, 2, k, 3, 3);
        /* alias has no private half: sign as R1[0] under alias.id. */
        const uint8_t *ids[2] = {alias.id, R1[1].id};
        const tkey *who[2] = {&R1[0], &R1[1]};
        if (memcmp(ids[0], ids[1], 32) > 0) {
            ids[0] = R1[1].id, ids[1] = alias.id;
            who[0] = &R1[1], who[1] = &R1[0];
        }
        tdoc_sig_as(&D1, who[0], ids[0]);
        tdoc_sig_as(&D1, who[1], ids[1]);
        /* The keyring is signed under the ids root 1 lists. */
        tent e[2] = {ent(&I1, 1), ent(&I2, 1)};
        tdoc_keyring(&D2, 1, 1, 0, e, 2, 2);
        tdoc_sig_as(&D2, who[0], ids[0]);
        tdoc_sig_as(&D2, who[1], ids[1]);
        EXPECT(block_of(&D1, &D2, NULL, &res), HV_OK);

        /* Signed under the key's other id, which root 1 does not list:
         * a slot naming a key of no role refuses the document. */
        CASE("keyring: a root key signing under an id its root does not list");
        tdoc_keyring(&D2, 1, 1, 0, e, 2, 2);
        const tkey *s2[2] = {&R1[0], &R1[1]};
        tdoc_sign(&D2, s2, 2);
        EXPECT(block_of(&D1, &D2, NULL, &res), HV_ERR_ROOT_SIGNATURE);
        CHECK_MSG(res.failed_doc == 1, "%s: failed_doc %u", case_name,
                  res.failed_doc);
    }
    tkey_free(&alias);
}

/* ---- one key in two encodings ------------------------------------------- */

static void one_key_two_encodings(void)
{
    hv_trust_result res;
    uint8_t comp[HV_PUB_MAX_SIZE];
    size_t clen = tkey_compressed(&I1, comp);

    /* Compressed: 33 bytes where the record's algorithm says 65. */
    CASE("keyring: a compressed point");
    root1(&D1);
    tent e[2] = {ent(&I1, 1), ent(&I2, 1)};
    tdoc_keyring(&D2, 1, 1, 0, e, 2, 2);
    for (uint32_t i = 0; i < 2; i++) {
        uint8_t *rec = tdoc_key(&D2, i) + HV_KENT_OFF_KEY;
        if (memcmp(rec, I1.id, 32) != 0)
            continue;
        memset(rec + HV_KEYREC_OFF_PUB, 0, HV_KEYREC_PUB_MAX);
        memcpy(rec + HV_KEYREC_OFF_PUB, comp, clen);
        hv_put_le32(rec + HV_KEYREC_OFF_PUB_LEN, (uint32_t)clen);
    }
    const tkey *s[2] = {&R1[0], &R1[1]};
    tdoc_sign(&D2, s, 2);
    EXPECT(block_of(&D1, &D2, NULL, &res), HV_ERR_TRUST_BLOCK);

    CASE("keyring: a compressed point padded to the uncompressed length");
    tdoc_keyring(&D2, 1, 1, 0, e, 2, 2);
    for (uint32_t i = 0; i < 2; i++) {
        uint8_t *rec = tdoc_key(&D2, i) + HV_KENT_OFF_KEY;
        if (memcmp(rec, I1.id, 32) != 0)
            continue;
        memset(rec + HV_KEYREC_OFF_PUB, 0, HV_KEYREC_PUB_MAX);
        memcpy(rec + HV_KEYREC_OFF_PUB, comp, clen);
    }
    tdoc_sign(&D2, s, 2);
    /* The structure parses (65 bytes, the canonical length); the point
     * does not: the image signature by I1 cannot verify against it. */
    tbuf blk = {0};
    tbuf_doc(&blk, &D1);
    tbuf_doc(&blk, &D2);
    hv_policy pol = dev_policy();
    hv_verdict v;
    EXPECT(img_with(&blk, &pol, &v), HV_ERR_SIGNATURE);
    tbuf_free(&blk);

    CASE("root: a compressed point");
    const tkey *k[3] = {&R1[0], &R1[1], &R1[2]};
    tdoc_root(&D1, 1, 2, k, 3, 3);
    uint8_t rc[HV_PUB_MAX_SIZE];
    size_t rclen = tkey_compressed(&R1[2], rc);
    for (uint32_t i = 0; i < 3; i++) {
        uint8_t *rec = tdoc_key(&D1, i);
        if (memcmp(rec, R1[2].id, 32) != 0)
            continue;
        memset(rec + HV_KEYREC_OFF_PUB, 0, HV_KEYREC_PUB_MAX);
        memcpy(rec + HV_KEYREC_OFF_PUB, rc, rclen);
        hv_put_le32(rec + HV_KEYREC_OFF_PUB_LEN, (uint32_t)rclen);
    }
    tdoc_sign(&D1, s, 2);
    ring(&D2, 1, &R1[0], &R1[1]);
    EXPECT(block_of(&D1, &D2, NULL, &res), HV_ERR_TRUST_BLOCK);

    /* Explicit curve parameters: OpenSSL imports the DER, the canonical
     * point is the same bytes, so is the fingerprint (only the id, a hash
     * of the DER as it came, differs). */
    CASE("explicit-curve DER: same canonical point and fingerprint");
    size_t der_len;
    uint8_t *der = tkey_explicit_spki(&I1, &der_len);
    tkey ex;
    tkey_from_spki(&ex, der, der_len);
    free(der);
    uint8_t fp[HV_ROOT_FP_SIZE];
    CHECK(ex.pub_len == I1.pub_len &&
          memcmp(ex.pub, I1.pub, I1.pub_len) == 0);
    CHECK(hv_key_fingerprint(&hv_crypto_bearssl, ex.pub, ex.pub_len, fp) ==
          0);
    CHECK(memcmp(fp, I1.fp, sizeof fp) == 0);
    CHECK(memcmp(ex.id, I1.id, HV_KEY_ID_SIZE) != 0);
    tkey_free(&ex);
}

/* ---- one key under two algorithms --------------------------------------- */

static void ring_alg(tdoc *d, const tkey *who, uint32_t alg)
{
    tent e[2] = {ent(&I1, 1), ent(&I2, 1)};
    tdoc_keyring(d, 1, 1, 0, e, 2, 2);
    for (uint32_t i = 0; i < 2; i++) {
        uint8_t *rec = tdoc_key(d, i) + HV_KENT_OFF_KEY;
        if (memcmp(rec, who->id, 32) == 0)
            hv_put_le32(rec + HV_KEYREC_OFF_SIG_ALG, alg);
    }
    const tkey *s[2] = {&R1[0], &R1[1]};
    tdoc_sign(d, s, 2);
}

static void one_key_two_algorithms(void)
{
    hv_trust_result res;
    static const struct {
        const char *name;
        uint32_t alg;
    } algs[] = {
        {"keyring: a P-256 key claimed as P-384", HV_SIG_ECDSA_P384_SHA384},
        {"keyring: a P-256 key claimed as RSA-3072",
         HV_SIG_RSA3072_PKCS1_SHA256},
        {"keyring: a P-256 key claimed as RSA-4096",
         HV_SIG_RSA4096_PKCS1_SHA256},
        {"keyring: a key of algorithm 0", 0},
        {"keyring: a key of algorithm 5", 5},
        {"keyring: a key of algorithm 0xffffffff", 0xffffffffu},
    };
    root1(&D1);
    for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++) {
        CASE(algs[i].name);
        ring_alg(&D2, &I1, algs[i].alg);
        EXPECT(block_of(&D1, &D2, NULL, &res), HV_ERR_TRUST_BLOCK);
    }

    /* The same key record under two algorithms in one keyring: two
     * records with one public key (the no-pub-twice rule), whatever the
     * algorithm field says. */
    CASE("keyring: one key twice, the second record claiming P-384");
    tent e[2] = {ent(&I1, 1), ent(&I1, 1)};
    uint8_t other_id[32];
    memcpy(other_id, I1.id, 32);
    other_id[31] ^= 1;
    e[1].id = other_id;
    tdoc_keyring(&D2, 1, 1, 0, e, 2, 2);
    for (uint32_t j = 0; j < 2; j++) {
        uint8_t *rec = tdoc_key(&D2, j) + HV_KENT_OFF_KEY;
        if (memcmp(rec, other_id, 32) == 0)
            hv_put_le32(rec + HV_KEYREC_OFF_SIG_ALG,
                        HV_SIG_ECDSA_P384_SHA384);
    }
    const tkey *s[2] = {&R1[0], &R1[1]};
    tdoc_sign(&D2, s, 2);
    EXPECT(block_of(&D1, &D2, NULL, &res), HV_ERR_TRUST_BLOCK);

    CASE("root: a P-256 root key claimed as P-384");
    const tkey *k[3] = {&R1[0], &R1[1], &R1[2]};
    tdoc_root(&D1, 1, 2, k, 3, 3);
    for (uint32_t j = 0; j < 3; j++)
        if (memcmp(tdoc_key(&D1, j), R1[2].id, 32) == 0)
            hv_put_le32(tdoc_key(&D1, j) + HV_KEYREC_OFF_SIG_ALG,
                        HV_SIG_ECDSA_P384_SHA384);
    tdoc_sign(&D1, s, 2);
    ring(&D2, 1, &R1[0], &R1[1]);
    EXPECT(block_of(&D1, &D2, NULL, &res), HV_ERR_TRUST_BLOCK);
}

/* ---- rotation ------------------------------------------------------------ */

static hv_result rotate(const tkey *const *signers, uint32_t n,
                        const tkey *keys2, hv_trust_result *res)
{
    root1(&D1);
    root_doc(&D2, 2, keys2, 2, signers, 0);
    tdoc_set_slots(&D2, 6);
    tdoc_sign(&D2, signers, n);
    ring(&D3, 2, &keys2[0], &keys2[1]);
    return block_of(&D1, &D2, &D3, res);
}

static void rotation(void)
{
    hv_trust_result res;

    CASE("rotation: two of root 1 and two of root 2");
    const tkey *both[4] = {&R1[0], &R1[1], &R2[0], &R2[1]};
    EXPECT(rotate(both, 4, R2, &res), HV_OK);
    CHECK_MSG(res.root_count == 2 && res.root_version == 2 &&
                  res.verified == 1,
              "%s: root_count %u root_version %llu", case_name,
              res.root_count, (unsigned long long)res.root_version);

    CASE("rotation: all six keys sign");
    const tkey *all[6] = {&R1[0], &R1[1], &R1[2], &R2[0], &R2[1], &R2[2]};
    EXPECT(rotate(all, 6, R2, &res), HV_OK);

    CASE("rotation: root 1's threshold only");
    const tkey *old[3] = {&R1[0], &R1[1], &R1[2]};
    EXPECT(rotate(old, 3, R2, &res), HV_ERR_ROOT_SIGNATURE);
    CHECK_MSG(res.failed_doc == 1, "%s: failed_doc %u", case_name,
              res.failed_doc);

    CASE("rotation: root 2's threshold only");
    const tkey *neu[3] = {&R2[0], &R2[1], &R2[2]};
    EXPECT(rotate(neu, 3, R2, &res), HV_ERR_ROOT_SIGNATURE);
    CHECK_MSG(res.failed_doc == 1, "%s: failed_doc %u", case_name,
              res.failed_doc);

    CASE("rotation: one short of each threshold");
    const tkey *short1[2] = {&R1[0], &R2[0]};
    EXPECT(rotate(short1, 2, R2, &res), HV_ERR_ROOT_SIGNATURE);

    CASE("rotation: root 1's threshold, one short of root 2's");
    const tkey *short2[3] = {&R1[0], &R1[1], &R2[2]};
    EXPECT(rotate(short2, 3, R2, &res), HV_ERR_ROOT_SIGNATURE);

    CASE("rotation: root 2's threshold, one short of root 1's");
    const tkey *short3[3] = {&R1[2], &R2[1], &R2[2]};
    EXPECT(rotate(short3, 3, R2, &res), HV_ERR_ROOT_SIGNATURE);

    /* Root 2 keeps R1[2]: its one signature counts toward both. */
    tkey mixed[3];
    memcpy(&mixed[0], &R1[2], sizeof mixed[0]);
    memcpy(&mixed[1], &R2[0], sizeof mixed[1]);
    memcpy(&mixed[2], &R2[1], sizeof mixed[2]);
    CASE("rotation: a key in both roots counts toward both");
    const tkey *shared[3] = {&R1[0], &R1[2], &R2[0]};
    EXPECT(rotate(shared, 3, mixed, &res), HV_OK);

    CASE("rotation: a key in both roots, one short of root 2's threshold");
    const tkey *shared2[3] = {&R1[0], &R1[1], &R1[2]};
    EXPECT(rotate(shared2, 3, mixed, &res), HV_ERR_ROOT_SIGNATURE);

    CASE("rotation: a key in both roots, one short of root 1's threshold");
    const tkey *shared3[2] = {&R1[2], &R2[0]};
    EXPECT(rotate(shared3, 2, mixed, &res), HV_ERR_ROOT_SIGNATURE);

    /* A signature by a root 2 key whose slot names a key of neither. */
    CASE("rotation: a slot by a key of neither root");
    const tkey *stranger[5] = {&R1[0], &R1[1], &R2[0], &R2[1], &R3[0]};
    /* Every filled slot must name a key of a role, as in an image. */
    EXPECT(rotate(stranger, 5, R2, &res), HV_ERR_ROOT_SIGNATURE);

    CASE("rotation: the keyring signed by the old root");
    root1(&D1);
    root_doc(&D2, 2, R2, 2, both, 0);
    tdoc_set_slots(&D2, 4);
    tdoc_sign(&D2, both, 4);
    ring(&D3, 2, &R1[0], &R1[1]);
    EXPECT(block_of(&D1, &D2, &D3, &res), HV_ERR_ROOT_SIGNATURE);
    CHECK_MSG(res.failed_doc == 2, "%s: failed_doc %u", case_name,
              res.failed_doc);

    CASE("rotation: a bad signature among enough good ones");
    root_doc(&D2, 2, R2, 2, both, 0);
    tdoc_set_slots(&D2, 4);
    tdoc_sign(&D2, both, 4);
    /* Flip the last byte of s in the last slot (never the length). */
    tdoc_slot(&D2, 3)[HV_SIG_OFF_SIG + 63] ^= 0x01;
    ring(&D3, 2, &R2[0], &R2[1]);
    EXPECT(block_of(&D1, &D2, &D3, &res), HV_ERR_ROOT_SIGNATURE);
}

int main(void)
{
    tcases_setup();
    same_signature_twice();
    one_key_two_ids();
    one_key_two_encodings();
    one_key_two_algorithms();
    rotation();
    tcases_done();
    return CHECK_DONE();
}
