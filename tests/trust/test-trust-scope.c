/*
 * Image signers against their keyring entries: a key outside its OEM or
 * board scope, a revoked epoch (the keyring's min_epoch and the device's
 * key-epoch counter), keys the keyring does not list, and the image
 * threshold counted over keyring keys. The device's board is F.board
 * (test-board-2), the image's OEM test-oem, its boards test-board-1 and
 * test-board-2.
 */
#include <string.h>

#include "check.h"
#include "hvimage/codec.h"
#include "tcases.h"

/* Root 1 as the device's, then a keyring of |ents| (|min_epoch|). */
static void block_ring(tbuf *b, const tent *ents, uint32_t n,
                       uint64_t min_epoch)
{
    static tdoc d;
    const tkey *s[2] = {&R1[0], &R1[1]};
    root_doc(&d, 1, R1, 2, s, 2);
    tbuf_doc(b, &d);
    tdoc_keyring(&d, 1, 1, min_epoch, ents, n, 2);
    tdoc_sign(&d, s, 2);
    tbuf_doc(b, &d);
}

/* An image binding that block, signed by |signers|, verified under the
 * device's policy with image threshold |min_sigs|, key-epoch floor
 * |floor|. */
static hv_result run(const tent *ents, uint32_t n, uint64_t min_epoch,
                     const tkey *const *signers, uint32_t ns,
                     uint32_t min_sigs, uint64_t floor, hv_verdict *v)
{
    tbuf b = {0};
    block_ring(&b, ents, n, min_epoch);
    timg m;
    timg_make(&m, b.p, b.len, 1, signers, ns, 2, NULL);
    hv_policy pol = dev_policy();
    pol.min_signatures = min_sigs;
    pol.min_key_epoch = floor;
    hv_result r = tverify(&m, &pol, v);
    timg_free(&m);
    tbuf_free(&b);
    return r;
}

static void scope(void)
{
    hv_verdict v;
    const tkey *i1[1] = {&I1};
    const tkey *i12[2] = {&I1, &I2};

    CASE("scope: OEM listed, any board");
    tent e = ent(&I1, 1);
    EXPECT(run(&e, 1, 0, i1, 1, 1, 0, &v), HV_OK);
    CHECK_MSG(v.trust.present && v.trust.verified &&
                  v.trust.keyring_keys == 1 && v.signers == 1,
              "%s: trust result", case_name);

    CASE("scope: another OEM");
    tent o = {.k = &I1, .epoch = 1, .oems = {"other-oem"}};
    EXPECT(run(&o, 1, 0, i1, 1, 1, 0, &v), HV_ERR_KEY_SCOPE);

    CASE("scope: four OEMs, the image's among them");
    tent o4 = {.k = &I1, .epoch = 1,
               .oems = {"a-oem", "test-oem", "z-oem", "test-oem2"}};
    EXPECT(run(&o4, 1, 0, i1, 1, 1, 0, &v), HV_OK);

    CASE("scope: an OEM id that only starts with the image's");
    tent op = {.k = &I1, .epoch = 1, .oems = {"test-oem2", "test-oe"}};
    EXPECT(run(&op, 1, 0, i1, 1, 1, 0, &v), HV_ERR_KEY_SCOPE);

    CASE("scope: the device's board listed");
    tent bd = {.k = &I1, .epoch = 1, .oems = {"test-oem"},
               .boards = {"test-board-2"}};
    EXPECT(run(&bd, 1, 0, i1, 1, 1, 0, &v), HV_OK);

    /* The image lists test-board-1 too; the key may sign for that board
     * only, and this device is test-board-2. */
    CASE("scope: another board of the image, not the device's");
    tent bo = {.k = &I1, .epoch = 1, .oems = {"test-oem"},
               .boards = {"test-board-1"}};
    EXPECT(run(&bo, 1, 0, i1, 1, 1, 0, &v), HV_ERR_KEY_SCOPE);

    CASE("scope: eight boards, the device's last");
    tent b8 = {.k = &I1, .epoch = 1, .oems = {"test-oem"},
               .boards = {"b1", "b2", "b3", "b4", "b5", "b6", "b7",
                          "test-board-2"}};
    EXPECT(run(&b8, 1, 0, i1, 1, 1, 0, &v), HV_OK);

    CASE("scope: co-signed, the second signer out of scope");
    tent two[2] = {ent(&I1, 1), o};
    two[1].k = &I2;
    EXPECT(run(two, 2, 0, i12, 2, 1, 0, &v), HV_ERR_KEY_SCOPE);

    CASE("scope: co-signed, the second signer on another board");
    tent twob[2] = {ent(&I1, 1), bo};
    twob[1].k = &I2;
    EXPECT(run(twob, 2, 0, i12, 2, 1, 0, &v), HV_ERR_KEY_SCOPE);

    /* An out-of-scope key the image does not use changes nothing. */
    CASE("scope: an unused keyring key out of scope");
    EXPECT(run(two, 2, 0, i1, 1, 1, 0, &v), HV_OK);
}

/* Ids that fill their 32-byte field (no NUL): the image's OEM id and its
 * second board become these, and the device is that board. */
#define OEM32 "oem-0123456789abcdef0123456789ab"
#define BOARD32 "test-board-2-0123456789abcdef012"
_Static_assert(sizeof OEM32 == 33 && sizeof BOARD32 == 33, "32 chars");

static void full_width_ids(uint8_t *tbs, size_t len)
{
    (void)len;
    uint8_t *meta = tbs + HV_HEADER_SIZE;
    memcpy(meta + HV_META_OFF_OEM_ID, OEM32, 32);
    uint32_t sections = hv_le32(meta + HV_META_OFF_SECTION_COUNT);
    uint8_t *boards = meta + HV_META_FIXED_SIZE +
                      (size_t)sections * HV_SECTION_ENTRY_SIZE;
    memcpy(boards + HV_BOARD_ID_SIZE, BOARD32, 32);
}

static hv_result run_wide(const tent *e)
{
    tbuf b = {0};
    block_ring(&b, e, 1, 0);
    timg m;
    const tkey *i1[1] = {&I1};
    timg_make(&m, b.p, b.len, 1, i1, 1, 2, full_width_ids);
    hv_policy pol = dev_policy();
    hv_verdict v;
    hv_result r = tverify_on(&m, &pol, BOARD32, &v);
    timg_free(&m);
    tbuf_free(&b);
    return r;
}

static void full_width(void)
{
    CASE("scope: 32-character OEM and board, both listed");
    tent e = {.k = &I1, .epoch = 1, .oems = {OEM32}, .boards = {BOARD32}};
    EXPECT(run_wide(&e), HV_OK);

    CASE("scope: 32-character OEM, the key's 31-character prefix of it");
    tent p = {.k = &I1, .epoch = 1, .oems = {"oem-0123456789abcdef0123456789a"}};
    EXPECT(run_wide(&p), HV_ERR_KEY_SCOPE);

    CASE("scope: 32-character board, the key's 31-character prefix of it");
    tent q = {.k = &I1, .epoch = 1, .oems = {OEM32},
              .boards = {"test-board-2-0123456789abcdef01"}};
    EXPECT(run_wide(&q), HV_ERR_KEY_SCOPE);

    CASE("scope: 32-character OEM, the key lists the image's old OEM");
    tent o = {.k = &I1, .epoch = 1, .oems = {"test-oem"}};
    EXPECT(run_wide(&o), HV_ERR_KEY_SCOPE);
}

static void revocation(void)
{
    hv_verdict v;
    const tkey *i1[1] = {&I1};
    const tkey *i12[2] = {&I1, &I2};
    tent e[2] = {ent(&I1, 1), ent(&I2, 2)};

    CASE("epoch: signer at the keyring's min_epoch");
    EXPECT(run(e, 2, 1, i1, 1, 1, 0, &v), HV_OK);
    CHECK_MSG(v.trust.min_epoch == 1 && v.trust.keyring_min_epoch == 1 &&
                  v.trust.signer_epochs[0] == 1 &&
                  v.trust.usable_keys == 2,
              "%s: epochs %llu %llu %llu usable %u", case_name,
              (unsigned long long)v.trust.min_epoch,
              (unsigned long long)v.trust.keyring_min_epoch,
              (unsigned long long)v.trust.signer_epochs[0],
              v.trust.usable_keys);

    CASE("epoch: signer below the keyring's min_epoch");
    EXPECT(run(e, 2, 2, i1, 1, 1, 0, &v), HV_ERR_REVOKED_KEY);

    CASE("epoch: the successor key signs alone");
    const tkey *i2[1] = {&I2};
    EXPECT(run(e, 2, 2, i2, 1, 1, 0, &v), HV_OK);
    CHECK_MSG(v.trust.usable_keys == 1, "%s: usable %u", case_name,
              v.trust.usable_keys);

    /* Co-signed by the revoked key and its successor: every filled slot
     * must be a usable key, or a revoked key could ride along. */
    CASE("epoch: co-signed by a revoked key and its successor");
    EXPECT(run(e, 2, 2, i12, 2, 1, 0, &v), HV_ERR_REVOKED_KEY);

    CASE("epoch: signer below the device's key-epoch counter");
    EXPECT(run(e, 2, 0, i1, 1, 1, 2, &v), HV_ERR_REVOKED_KEY);

    CASE("epoch: signer at the device's key-epoch counter");
    EXPECT(run(e, 2, 0, i2, 1, 1, 2, &v), HV_OK);
    CHECK_MSG(v.trust.min_epoch == 2 && v.trust.keyring_min_epoch == 0,
              "%s: min_epoch %llu", case_name,
              (unsigned long long)v.trust.min_epoch);

    CASE("epoch: counter above every key of the keyring");
    EXPECT(run(e, 2, 0, i2, 1, 1, 3, &v), HV_ERR_REVOKED_KEY);

    CASE("epoch: counter at UINT64_MAX");
    EXPECT(run(e, 2, 0, i2, 1, 1, UINT64_MAX, &v), HV_ERR_REVOKED_KEY);

    CASE("epoch: key at UINT64_MAX, counter at UINT64_MAX");
    tent top = ent(&I1, UINT64_MAX);
    EXPECT(run(&top, 1, UINT64_MAX, i1, 1, 1, UINT64_MAX, &v), HV_OK);
}

static void signers_and_threshold(void)
{
    hv_verdict v;
    tent e[2] = {ent(&I1, 1), ent(&I2, 1)};

    CASE("image: signed by a key the keyring does not list");
    tkey other;
    tkey_gen(&other, HV_SIG_ECDSA_P256_SHA256);
    const tkey *o[1] = {&other};
    EXPECT(run(e, 2, 0, o, 1, 1, 0, &v), HV_ERR_UNTRUSTED_KEY);

    CASE("image: signed by a root key");
    const tkey *r[1] = {&R1[0]};
    EXPECT(run(e, 2, 0, r, 1, 1, 0, &v), HV_ERR_UNTRUSTED_KEY);

    CASE("image: keyring key plus an unlisted key");
    const tkey *io[2] = {&I1, &other};
    EXPECT(run(e, 2, 0, io, 2, 1, 0, &v), HV_ERR_UNTRUSTED_KEY);

    /* The device's direct keys (policy.keys) mean nothing under roots. */
    CASE("image: signed by a key the policy lists but the keyring does not");
    {
        tbuf b = {0};
        block_ring(&b, e, 2, 0);
        timg m;
        timg_make(&m, b.p, b.len, 1, o, 1, 2, NULL);
        hv_policy pol = dev_policy();
        hv_trusted_key tk = {.sig_alg = other.alg, .pub = other.pub,
                             .pub_len = other.pub_len};
        memcpy(tk.key_id, other.id, HV_KEY_ID_SIZE);
        pol.keys = &tk;
        pol.key_count = 1;
        EXPECT(tverify(&m, &pol, &v), HV_ERR_UNTRUSTED_KEY);
        timg_free(&m);
        tbuf_free(&b);
    }

    CASE("image threshold 2: two keyring keys");
    const tkey *i12[2] = {&I1, &I2};
    EXPECT(run(e, 2, 0, i12, 2, 2, 0, &v), HV_OK);
    CHECK_MSG(v.signers == 2, "%s: signers %u", case_name, v.signers);

    CASE("image threshold 2: one keyring key");
    const tkey *i1[1] = {&I1};
    EXPECT(run(e, 2, 0, i1, 1, 2, 0, &v), HV_ERR_TOO_FEW_SIGNATURES);

    CASE("image threshold 3: two keyring keys");
    EXPECT(run(e, 2, 0, i12, 2, 3, 0, &v), HV_ERR_TOO_FEW_SIGNATURES);

    CASE("image: a keyring key's signature does not verify");
    {
        tbuf b = {0};
        block_ring(&b, e, 2, 0);
        timg m;
        timg_make(&m, b.p, b.len, 1, i12, 2, 2, NULL);
        m.p[m.sig_off + HV_SIG_SLOT_SIZE + HV_SIG_OFF_SIG + 40] ^= 0x10;
        hv_policy pol = dev_policy();
        EXPECT(tverify(&m, &pol, &v), HV_ERR_SIGNATURE);
        CHECK_MSG(v.fail_offset >= m.sig_off + HV_SIG_SLOT_SIZE &&
                      v.fail_offset < m.sig_off + 2 * HV_SIG_SLOT_SIZE,
                  "%s: fail_offset %llu", case_name,
                  (unsigned long long)v.fail_offset);
        timg_free(&m);
        tbuf_free(&b);
    }

    /* Algorithms from the keyring record: a P-384 and an RSA key sign a
     * SHA-256 image; the record, not the image, says how to check them. */
    CASE("image: P-384 and RSA-3072 keyring keys");
    {
        tkey p384, rsa;
        tkey_gen(&p384, HV_SIG_ECDSA_P384_SHA384);
        tkey_gen(&rsa, HV_SIG_RSA3072_PKCS1_SHA256);
        tent e2[2] = {ent(&p384, 1), ent(&rsa, 1)};
        const tkey *s[2] = {&p384, &rsa};
        EXPECT(run(e2, 2, 0, s, 2, 2, 0, &v), HV_OK);
        tkey_free(&p384);
        tkey_free(&rsa);
    }
    tkey_free(&other);
}

int main(void)
{
    tcases_setup();
    scope();
    full_width();
    revocation();
    signers_and_threshold();
    tcases_done();
    return CHECK_DONE();
}
