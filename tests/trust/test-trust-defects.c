/*
 * Defects found in the trust-block format by the issue 11 item 5 tests,
 * kept as ordinary tests once fixed (they were registered should_fail
 * while the defect stood).
 *
 * D1 (fixed). format.h said the largest trust block "fits the verifier's
 *     fixed buffer", but the document rules allow HV_MAX_ROOT_CHAIN roots
 *     of HV_ROOT_MAX_KEYS keys and HV_MAX_SIGNATURE_SLOTS slots each, and
 *     a keyring of HV_KEYRING_MAX_KEYS entries and as many slots: 65952
 *     bytes, over the old HV_MAX_TRUST_BLOCK_SIZE (65536), so no image
 *     could carry a block hv_trust_block_verify accepts. The limit is now
 *     computed from those rules.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tcraft.h"

#define ROOT_DOC_SIZE(keys, slots)                                             \
    (HV_DOC_HEADER_SIZE + HV_ROOT_FIXED_SIZE + (keys) * HV_KEYREC_SIZE +       \
     (slots) * HV_SIG_SLOT_SIZE)
#define RING_DOC_SIZE(keys, slots)                                             \
    (HV_DOC_HEADER_SIZE + HV_KEYRING_FIXED_SIZE +                              \
     (keys) * HV_KEYRING_ENTRY_SIZE + (slots) * HV_SIG_SLOT_SIZE)

static int harness_broke;

static void harness(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "HARNESS: %s\n", what);
        harness_broke = 1;
    }
}

/* D1: the largest block the rules allow, made and verified. */
static void largest_block(void)
{
    enum { N = HV_ROOT_MAX_KEYS };
    static tkey roots[N], imgs[HV_KEYRING_MAX_KEYS];
    const tkey *rk[N];
    for (int i = 0; i < N; i++) {
        tkey_gen(&roots[i], HV_SIG_ECDSA_P256_SHA256);
        rk[i] = &roots[i];
    }
    static tent ents[HV_KEYRING_MAX_KEYS];
    for (int i = 0; i < (int)HV_KEYRING_MAX_KEYS; i++) {
        tkey_gen(&imgs[i], HV_SIG_ECDSA_P256_SHA256);
        tent e = {.k = &imgs[i], .epoch = 1, .oems = {"test-oem"}};
        ents[i] = e;
    }
    tbuf b = {0};
    static tdoc d;
    /* The same eight keys in every root: each root signed by all eight,
     * which is the threshold of the one before and of itself. */
    for (uint64_t v = 1; v <= HV_MAX_ROOT_CHAIN; v++) {
        tdoc_root(&d, v, N, rk, N, HV_MAX_SIGNATURE_SLOTS);
        tdoc_sign(&d, rk, N);
        tbuf_doc(&b, &d);
    }
    tdoc_keyring(&d, 1, HV_MAX_ROOT_CHAIN, 0, ents, HV_KEYRING_MAX_KEYS,
                 HV_MAX_SIGNATURE_SLOTS);
    tdoc_sign(&d, rk, N);
    tbuf_doc(&b, &d);

    size_t want = HV_MAX_ROOT_CHAIN *
                      ROOT_DOC_SIZE(HV_ROOT_MAX_KEYS, HV_MAX_SIGNATURE_SLOTS) +
                  RING_DOC_SIZE(HV_KEYRING_MAX_KEYS, HV_MAX_SIGNATURE_SLOTS);
    harness(b.len == want, "largest block's size");
    troots r;
    troots_set(&r, rk, N, N, 1);
    hv_policy pol = tpolicy(&r, 0, 1);
    hv_trust_result res;
    harness(tblock(b.p, b.len, &pol, &res) == HV_OK &&
                res.root_count == HV_MAX_ROOT_CHAIN,
            "hv_trust_block_verify takes the largest block");
    fprintf(stderr, "D1: largest block %zu bytes, HV_MAX_TRUST_BLOCK_SIZE %u\n",
            b.len, HV_MAX_TRUST_BLOCK_SIZE);

    CHECK_MSG(b.len <= HV_MAX_TRUST_BLOCK_SIZE,
              "D1: the largest block (%zu bytes) exceeds "
              "HV_MAX_TRUST_BLOCK_SIZE (%u)",
              b.len, HV_MAX_TRUST_BLOCK_SIZE);
    /* And so an image cannot carry it. The image's signer is the first
     * keyring key, in scope for the fixture's OEM. */
    if (b.len <= UINT32_MAX) {
        timg m;
        const tkey *s[1] = {&imgs[0]};
        timg_make(&m, b.p, b.len, 1, s, 1, 1, NULL);
        hv_verdict v;
        hv_result got = tverify(&m, &pol, &v);
        CHECK_MSG(got == HV_OK, "D1: an image carrying it: %s",
                  hv_result_name(got));
        timg_free(&m);
    }
    tbuf_free(&b);
    for (int i = 0; i < N; i++)
        tkey_free(&roots[i]);
    for (int i = 0; i < (int)HV_KEYRING_MAX_KEYS; i++)
        tkey_free(&imgs[i]);
}

int main(void)
{
    tcraft_setup();
    largest_block();
    tcraft_teardown();
    if (harness_broke)
        return 0; /* an unexpected pass: look at the HARNESS lines */
    return CHECK_DONE();
}
