/*
 * The root chain and the block's shape: a chain that does not start at
 * the device's root (another version, key set or threshold), a skipped or
 * repeated version, a chain longer than HV_MAX_ROOT_CHAIN, a keyring that
 * names another root, versions below the device's counters, and blocks
 * whose documents are missing, repeated, out of order or followed by
 * bytes.
 */
#include <string.h>

#include "check.h"
#include "tcases.h"

static tdoc D;

/* Root |v| of |keys| (3, threshold 2), signed by the previous root's
 * first two keys and its own first two (the two sets may be one). */
static void chain_root(tbuf *b, uint64_t v, const tkey *keys,
                       const tkey *prev)
{
    const tkey *s[4] = {&prev[0], &prev[1], &keys[0], &keys[1]};
    uint32_t n = prev == keys ? 2 : 4;
    root_doc(&D, v, keys, 2, s, 0);
    tdoc_set_slots(&D, 4);
    tdoc_sign(&D, s, n);
    tbuf_doc(b, &D);
}

static void add_ring(tbuf *b, uint64_t v, uint64_t rv, const tkey *keys)
{
    const tkey *s[2] = {&keys[0], &keys[1]};
    ring_doc(&D, v, rv, 0, s, 2);
    tbuf_doc(b, &D);
}

static hv_result check(const tbuf *b, const hv_policy *pol,
                       hv_trust_result *res)
{
    return tblock(b->p, b->len, pol, res);
}

/* Keys for roots 1..8 of a long chain: key sets alternate R1, R2, R3. */
static const tkey *set_of(uint64_t v)
{
    return v % 3 == 1 ? R1 : v % 3 == 2 ? R2 : R3;
}

static void chain_start(void)
{
    hv_trust_result res;
    hv_policy pol = dev_policy();

    CASE("chain: good block");
    tbuf b = {0};
    good_block(&b);
    EXPECT(check(&b, &pol, &res), HV_OK);
    CHECK_MSG(res.root_count == 1 && res.root_version == 1 &&
                  res.keyring_version == 1 && res.keyring_keys == 2 &&
                  res.verified && res.failed_doc == UINT32_MAX,
              "%s: trust result", case_name);
    tbuf_free(&b);

    CASE("chain: starts at root 2 (the device has 1)");
    chain_root(&b, 2, R2, R2);
    add_ring(&b, 1, 2, R2);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    CHECK_MSG(res.failed_doc == 0, "%s: failed_doc %u", case_name,
              res.failed_doc);
    tbuf_free(&b);

    CASE("chain: root 1 of another key set");
    chain_root(&b, 1, R2, R2);
    add_ring(&b, 1, 1, R2);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    tbuf_free(&b);

    CASE("chain: root 1 with one key swapped");
    {
        tkey k[3];
        memcpy(&k[0], &R1[0], sizeof k[0]);
        memcpy(&k[1], &R1[1], sizeof k[1]);
        memcpy(&k[2], &R2[2], sizeof k[2]);
        chain_root(&b, 1, k, k);
        add_ring(&b, 1, 1, k);
        EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
        tbuf_free(&b);
    }

    CASE("chain: root 1 with a subset of the device's keys");
    {
        const tkey *k[2] = {&R1[0], &R1[1]};
        tdoc_root(&D, 1, 2, k, 2, 2);
        tdoc_sign(&D, k, 2);
        tbuf_doc(&b, &D);
        add_ring(&b, 1, 1, R1);
        EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
        tbuf_free(&b);
    }

    CASE("chain: root 1 with a fourth key");
    {
        const tkey *k[4] = {&R1[0], &R1[1], &R1[2], &R2[0]};
        tdoc_root(&D, 1, 2, k, 4, 2);
        tdoc_sign(&D, k, 2);
        tbuf_doc(&b, &D);
        add_ring(&b, 1, 1, R1);
        EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
        tbuf_free(&b);
    }

    /* A lower threshold would let one stolen root key sign alone. */
    CASE("chain: root 1 with threshold 1 (the device's is 2)");
    {
        const tkey *k[3] = {&R1[0], &R1[1], &R1[2]};
        tdoc_root(&D, 1, 1, k, 3, 1);
        tdoc_sign(&D, k, 1);
        tbuf_doc(&b, &D);
        const tkey *s[1] = {&R1[0]};
        ring_doc(&D, 1, 1, 0, s, 1);
        tbuf_doc(&b, &D);
        EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
        tbuf_free(&b);
    }

    CASE("chain: root 1 with threshold 3 (the device's is 2)");
    {
        const tkey *k[3] = {&R1[0], &R1[1], &R1[2]};
        tdoc_root(&D, 1, 3, k, 3, 3);
        tdoc_sign(&D, k, 3);
        tbuf_doc(&b, &D);
        ring_doc(&D, 1, 1, 0, k, 2);
        tbuf_doc(&b, &D);
        EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
        tbuf_free(&b);
    }

    /* One block for the whole fleet: a device provisioned at root 2
     * skips root 1 (only its place in the chain counts) and takes root 2,
     * co-signed by root 1 for older devices, by its own threshold. */
    CASE("chain: device provisioned at root 2, block starts at 1");
    {
        troots dev2;
        const tkey *k[3] = {&R2[0], &R2[1], &R2[2]};
        troots_set(&dev2, k, 3, 2, 2);
        hv_policy p2 = tpolicy(&dev2, 0, 1);
        chain_root(&b, 1, R1, R1);
        chain_root(&b, 2, R2, R1);
        add_ring(&b, 1, 2, R2);
        EXPECT(check(&b, &p2, &res), HV_OK);
        CHECK(res.root_count == 2 && res.root_version == 2);
        tbuf_free(&b);

        CASE("chain: device at root 2, block 1, 2 with root 2 signed by root 1 only");
        {
            const tkey *k1[2] = {&R1[0], &R1[1]};
            chain_root(&b, 1, R1, R1);
            tdoc_root(&D, 2, 2, k, 3, 4);
            tdoc_sign(&D, k1, 2);
            tbuf_doc(&b, &D);
            add_ring(&b, 1, 2, R2);
            EXPECT(check(&b, &p2, &res), HV_ERR_ROOT_SIGNATURE);
            CHECK(res.failed_doc == 1);
            tbuf_free(&b);
        }

        CASE("chain: device at root 2, block 1, 3 (a gap before its root)");
        chain_root(&b, 1, R1, R1);
        chain_root(&b, 3, R2, R2);
        add_ring(&b, 1, 3, R2);
        EXPECT(check(&b, &p2, &res), HV_ERR_TRUST_BLOCK);
        tbuf_free(&b);

        CASE("chain: device provisioned at root 2, block starts at 2");
        chain_root(&b, 2, R2, R2);
        add_ring(&b, 1, 2, R2);
        EXPECT(check(&b, &p2, &res), HV_OK);
        tbuf_free(&b);

        /* Root 2 carrying root 1's signatures without root 1 before it:
         * those slots name keys the block does not hold, and every
         * filled slot must verify (docs/KEYS.md). */
        CASE("chain: device at root 2, root 2 carrying root 1 signatures");
        chain_root(&b, 2, R2, R1);
        add_ring(&b, 1, 2, R2);
        EXPECT(check(&b, &p2, &res), HV_ERR_ROOT_SIGNATURE);
        tbuf_free(&b);
    }
}

static void chain_steps(void)
{
    hv_trust_result res;
    hv_policy pol = dev_policy();
    tbuf b = {0};

    CASE("chain: 1, 2, 3");
    chain_root(&b, 1, R1, R1);
    chain_root(&b, 2, R2, R1);
    chain_root(&b, 3, R3, R2);
    add_ring(&b, 1, 3, R3);
    EXPECT(check(&b, &pol, &res), HV_OK);
    CHECK_MSG(res.root_count == 3 && res.root_version == 3, "%s: %u %llu",
              case_name, res.root_count,
              (unsigned long long)res.root_version);
    tbuf_free(&b);

    CASE("chain: 1, 3 (version 2 skipped)");
    chain_root(&b, 1, R1, R1);
    chain_root(&b, 3, R3, R1);
    add_ring(&b, 1, 3, R3);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    CHECK_MSG(res.failed_doc == 1, "%s: failed_doc %u", case_name,
              res.failed_doc);
    tbuf_free(&b);

    CASE("chain: 1, 1 (the same version again)");
    chain_root(&b, 1, R1, R1);
    chain_root(&b, 1, R1, R1);
    add_ring(&b, 1, 1, R1);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    tbuf_free(&b);

    CASE("chain: 1, 2, 1 (back down)");
    chain_root(&b, 1, R1, R1);
    chain_root(&b, 2, R2, R1);
    chain_root(&b, 1, R1, R2);
    add_ring(&b, 1, 1, R1);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    tbuf_free(&b);

    /* HV_MAX_ROOT_CHAIN documents are fine, one more is not. */
    CASE("chain: HV_MAX_ROOT_CHAIN roots");
    chain_root(&b, 1, R1, R1);
    for (uint64_t v = 2; v <= HV_MAX_ROOT_CHAIN; v++)
        chain_root(&b, v, set_of(v), set_of(v - 1));
    add_ring(&b, 1, HV_MAX_ROOT_CHAIN, set_of(HV_MAX_ROOT_CHAIN));
    EXPECT(check(&b, &pol, &res), HV_OK);
    CHECK(res.root_count == HV_MAX_ROOT_CHAIN);
    tbuf_free(&b);

    CASE("chain: HV_MAX_ROOT_CHAIN + 1 roots");
    chain_root(&b, 1, R1, R1);
    for (uint64_t v = 2; v <= HV_MAX_ROOT_CHAIN + 1; v++)
        chain_root(&b, v, set_of(v), set_of(v - 1));
    add_ring(&b, 1, HV_MAX_ROOT_CHAIN + 1, set_of(HV_MAX_ROOT_CHAIN + 1));
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    tbuf_free(&b);

    CASE("keyring: names root 1 after a rotation to 2");
    chain_root(&b, 1, R1, R1);
    chain_root(&b, 2, R2, R1);
    add_ring(&b, 1, 1, R2);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    CHECK_MSG(res.failed_doc == 1 || res.failed_doc == 2,
              "%s: failed_doc %u", case_name, res.failed_doc);
    tbuf_free(&b);

    CASE("keyring: names root 2, the chain ends at 1");
    chain_root(&b, 1, R1, R1);
    add_ring(&b, 1, 2, R1);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    tbuf_free(&b);

    CASE("keyring: names root 0");
    chain_root(&b, 1, R1, R1);
    add_ring(&b, 1, 0, R1);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    tbuf_free(&b);
}

static void floors(void)
{
    hv_trust_result res;
    tbuf b = {0};

    hv_policy pol = dev_policy();
    pol.min_root_version = 2;
    CASE("floor: newest root 1, device's root counter 2");
    good_block(&b);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_ROLLBACK);
    tbuf_free(&b);

    CASE("floor: newest root 2, device's root counter 2");
    chain_root(&b, 1, R1, R1);
    chain_root(&b, 2, R2, R1);
    add_ring(&b, 1, 2, R2);
    EXPECT(check(&b, &pol, &res), HV_OK);

    CASE("floor: newest root 2, device's root counter 3");
    pol.min_root_version = 3;
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_ROLLBACK);

    CASE("floor: root counter at UINT64_MAX");
    pol.min_root_version = UINT64_MAX;
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_ROLLBACK);
    tbuf_free(&b);

    pol = dev_policy();
    CASE("floor: keyring 1, device's keyring counter 2");
    pol.min_keyring_version = 2;
    good_block(&b);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_ROLLBACK);
    CHECK_MSG(res.failed_doc == 1, "%s: failed_doc %u", case_name,
              res.failed_doc);
    tbuf_free(&b);

    CASE("floor: keyring 2, device's keyring counter 2");
    chain_root(&b, 1, R1, R1);
    add_ring(&b, 2, 1, R1);
    EXPECT(check(&b, &pol, &res), HV_OK);
    CHECK(res.keyring_version == 2);
    tbuf_free(&b);

    CASE("floor: keyring at UINT64_MAX, counter at UINT64_MAX");
    pol.min_keyring_version = UINT64_MAX;
    chain_root(&b, 1, R1, R1);
    add_ring(&b, UINT64_MAX, 1, R1);
    EXPECT(check(&b, &pol, &res), HV_OK);
    tbuf_free(&b);

    /* Through hv_verify: the same refusal, at the block's offset. */
    CASE("floor: hv_verify, keyring below the counter");
    pol = dev_policy();
    pol.min_keyring_version = 2;
    good_block(&b);
    hv_verdict v;
    EXPECT(img_with(&b, &pol, &v), HV_ERR_TRUST_ROLLBACK);
    tbuf_free(&b);
}

static void shape(void)
{
    hv_trust_result res;
    hv_policy pol = dev_policy();
    tbuf b = {0};
    static tdoc root, ring;
    const tkey *s[2] = {&R1[0], &R1[1]};
    root_doc(&root, 1, R1, 2, s, 2);
    ring_doc(&ring, 1, 1, 0, s, 2);

    static const size_t tails[] = {1, 4, 31, 32, 552};
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        static char name[80];
        snprintf(name, sizeof name, "shape: %zu zero bytes after the keyring",
                 tails[i]);
        CASE(name);
        tbuf_doc(&b, &root);
        tbuf_doc(&b, &ring);
        static const uint8_t zeros[600];
        tbuf_add(&b, zeros, tails[i]);
        EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
        tbuf_free(&b);
    }

    CASE("shape: a second keyring after the first");
    tbuf_doc(&b, &root);
    tbuf_doc(&b, &ring);
    tbuf_doc(&b, &ring);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    tbuf_free(&b);

    CASE("shape: a root after the keyring");
    tbuf_doc(&b, &root);
    tbuf_doc(&b, &ring);
    tbuf_doc(&b, &root);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    tbuf_free(&b);

    CASE("shape: no keyring");
    tbuf_doc(&b, &root);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    tbuf_free(&b);

    CASE("shape: no root");
    tbuf_doc(&b, &ring);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    tbuf_free(&b);

    CASE("shape: keyring before the root");
    tbuf_doc(&b, &ring);
    tbuf_doc(&b, &root);
    EXPECT(check(&b, &pol, &res), HV_ERR_TRUST_BLOCK);
    tbuf_free(&b);

    CASE("shape: empty block");
    EXPECT(tblock((const uint8_t *)"", 0, &pol, &res), HV_ERR_TRUST_BLOCK);

    /* Through hv_verify, a trailing byte the image's digest covers. */
    CASE("shape: hv_verify, bytes after the keyring, bound");
    tbuf_doc(&b, &root);
    tbuf_doc(&b, &ring);
    tbuf_add(&b, "\0\0\0\0", 4);
    hv_verdict v;
    timg m;
    const tkey *i1[1] = {&I1};
    timg_make(&m, b.p, b.len, 1, i1, 1, 2, NULL);
    EXPECT(tverify(&m, &pol, &v), HV_ERR_TRUST_BLOCK);
    CHECK_MSG(v.fail_offset >= m.block_off &&
                  v.fail_offset <= m.block_off + b.len,
              "%s: fail_offset %llu, block at %llu", case_name,
              (unsigned long long)v.fail_offset,
              (unsigned long long)m.block_off);
    timg_free(&m);
    tbuf_free(&b);
}

int main(void)
{
    tcases_setup();
    chain_start();
    chain_steps();
    floors();
    shape();
    tcases_done();
    return CHECK_DONE();
}
