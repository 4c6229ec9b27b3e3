/*
 * Fuzz target: a trust block (root documents, then a keyring; format.h
 * "Trust block") through hv_doc_parse and hv_trust_block_verify, as a
 * device provisioned with root version 1 of the three test keys in
 * fuzz/trust-keys/ (a, b, c; threshold 2) meets it.
 *
 * THE TEST KEYS ARE PUBLIC (fuzz/trust-keys/a.pem to d.pem). They sign the seeds
 * (tests/trust/trust-seeds.c writes them); only their fingerprints are
 * here, and no product build links this file.
 *
 * Two runs per input:
 *  1. hv_trust_block_verify with the BearSSL backend: the verdict;
 *  2. the same with a backend whose signature check accepts every
 *     signature of the right length, so a mutation that breaks a
 *     signature still reaches the chain, threshold, keyring and floor
 *     logic behind it.
 * Oracles (a violation aborts):
 *  - run 1 accepting implies run 2 accepting (only signatures differ);
 *  - on HV_OK: the block is exactly root documents then one keyring,
 *    back to back, each parsing alone (hv_doc_parse) to the size the
 *    verifier used; root_count in 1..HV_MAX_ROOT_CHAIN; the chain's
 *    newest version is 1 + root_count - 1; the keyring names it; the
 *    result's counts match the keyring; failed_doc is UINT32_MAX;
 *  - on a refusal: verified is 0 and failed_doc, if set, names a
 *    document that exists (it is below the number of documents that
 *    start in the block);
 *  - hv_doc_parse on the input's first bytes: on HV_OK its sizes add up
 *    (tbs_len + sig_slots * slot = size <= input), filled <= sig_slots,
 *    1..8 keys, each of its algorithm's exact public key size.
 */
#include "fuzz.h"
#include "hvboot.h"

/* SHA-256 of the uncompressed points of fuzz/trust-keys/a.pem, b.pem,
 * c.pem (ascending). */
static const uint8_t root_fps[3][HV_ROOT_FP_SIZE] = {
    {0x49, 0xae, 0xc6, 0xc6, 0x47, 0xd6, 0x11, 0x93, 0x27, 0xc4, 0x42,
     0x15, 0x2a, 0xdf, 0x94, 0xda, 0xcf, 0x24, 0x2c, 0x1f, 0x3c, 0xec,
     0xe7, 0xb9, 0x22, 0xd7, 0x2b, 0xcb, 0xe4, 0x2d, 0x33, 0xfa},
    {0x62, 0x2e, 0x77, 0x1d, 0xba, 0x47, 0xc5, 0xb8, 0x5d, 0x71, 0x77,
     0x68, 0x48, 0x03, 0x7a, 0xf0, 0x30, 0x79, 0x08, 0x3a, 0x12, 0x46,
     0x19, 0x32, 0x96, 0x5e, 0x3e, 0x0b, 0x55, 0x2c, 0xfb, 0x7e},
    {0xa5, 0x8a, 0x0d, 0x63, 0xf4, 0xe3, 0x45, 0x3c, 0x64, 0x06, 0x62,
     0x98, 0xfb, 0x0d, 0x0c, 0x05, 0xb9, 0x29, 0xe4, 0xaf, 0xf6, 0x30,
     0x57, 0x93, 0x33, 0xfa, 0x8d, 0x06, 0x1f, 0x6f, 0x00, 0x60},
};

static int accept_any(uint32_t sig_alg, const uint8_t *pub, size_t pub_len,
                      const uint8_t *digest, size_t digest_len,
                      const uint8_t *sig, size_t sig_len)
{
    (void)pub, (void)digest, (void)digest_len, (void)sig;
    return pub_len == hv_pubkey_size(sig_alg) &&
           sig_len == hv_sig_size(sig_alg);
}

/* Documents that start in |p| when read back to back: how many parse,
 * and whether they exactly fill it. */
static uint32_t walk(const uint8_t *p, size_t len, int *exact,
                     uint32_t *roots, int *shape_ok)
{
    hv_doc d;
    size_t off = 0;
    uint32_t n = 0, keyrings = 0;
    *roots = 0;
    *shape_ok = 1;
    while (off < len && hv_doc_parse(p + off, len - off, &d) == HV_OK) {
        if (d.size == 0 || d.size > len - off)
            fuzz_fail("document %u: size %zu of %zu left", n, d.size,
                      len - off);
        if (d.kind == HV_DOC_ROOT) {
            if (keyrings)
                *shape_ok = 0;
            (*roots)++;
        } else {
            keyrings++;
        }
        off += d.size;
        n++;
    }
    *exact = off == len;
    if (keyrings != 1)
        *shape_ok = 0;
    return n;
}

static void check_doc(const uint8_t *data, size_t size)
{
    hv_doc d;
    if (hv_doc_parse(data, size, &d) != HV_OK)
        return;
    if (d.size > size || d.tbs_len < HV_DOC_HEADER_SIZE ||
        d.tbs_len + (size_t)d.sig_slots * HV_SIG_SLOT_SIZE != d.size ||
        d.filled > d.sig_slots || d.sig_slots < 1 ||
        d.sig_slots > HV_MAX_SIGNATURE_SLOTS)
        fuzz_fail("hv_doc_parse: inconsistent sizes");
    if (d.key_count < 1 || d.key_count > HV_ROOT_MAX_KEYS)
        fuzz_fail("hv_doc_parse: %u keys", d.key_count);
    for (uint32_t i = 0; i < d.key_count; i++) {
        const hv_trusted_key *k = &d.keys[i].key;
        if (k->pub_len != hv_pubkey_size(k->sig_alg) || k->pub_len == 0 ||
            k->pub < data || k->pub + k->pub_len > data + d.tbs_len)
            fuzz_fail("hv_doc_parse: key %u's public key", i);
    }
    if (d.kind == HV_DOC_ROOT &&
        (d.threshold < 1 || d.threshold > d.key_count))
        fuzz_fail("hv_doc_parse: threshold %u of %u", d.threshold,
                  d.key_count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > HV_MAX_TRUST_BLOCK_SIZE)
        return 0;
    /* Exactly |size| bytes of its own, so ASan sees any overread. */
    uint8_t *blk = fuzz_dup(data, size);
    check_doc(blk, size);

    const hv_roots roots = {root_fps, 3, 2, 1};
    const hv_policy pol = {.min_signatures = 1, .roots = &roots};
    hv_doc *docs = fuzz_xmalloc(2 * sizeof *docs);
    hv_doc *keyring = fuzz_xmalloc(sizeof *keyring);
    hv_trust_result res;
    hv_result r1 = hv_trust_block_verify(&hv_crypto_bearssl, &pol, blk, size,
                                         docs, keyring, &res);
    fuzz_verdict(r1 == HV_OK ? FUZZ_ACCEPTED : FUZZ_REFUSED);

    int exact, shape_ok;
    uint32_t nroots;
    uint32_t ndocs = walk(blk, size, &exact, &nroots, &shape_ok);
    if (r1 == HV_OK) {
        if (!exact || !shape_ok)
            fuzz_fail("accepted a block that is not roots then one keyring, "
                      "back to back");
        if (!res.verified || res.root_count != nroots || nroots < 1 ||
            nroots > HV_MAX_ROOT_CHAIN || res.root_version != nroots ||
            res.failed_doc != UINT32_MAX)
            fuzz_fail("accepted: root_count %u (%u parsed), version %llu, "
                      "failed_doc %u",
                      res.root_count, nroots,
                      (unsigned long long)res.root_version, res.failed_doc);
        if (keyring->kind != HV_DOC_KEYRING ||
            keyring->root_version != res.root_version ||
            keyring->version != res.keyring_version ||
            keyring->key_count != res.keyring_keys ||
            res.usable_keys > res.keyring_keys ||
            res.min_epoch != res.keyring_min_epoch)
            fuzz_fail("accepted: keyring result inconsistent");
    } else {
        if (res.verified)
            fuzz_fail("refused (%s) but verified", hv_result_name(r1));
        if (res.failed_doc != UINT32_MAX && res.failed_doc > ndocs)
            fuzz_fail("refused: failed_doc %u, %u documents parse",
                      res.failed_doc, ndocs);
        if (res.fail_offset > size && res.fail_offset != UINT64_MAX)
            fuzz_fail("refused: fail_offset %llu of %zu",
                      (unsigned long long)res.fail_offset, size);
    }

    hv_crypto any = hv_crypto_bearssl;
    any.verify = accept_any;
    hv_result r2 =
        hv_trust_block_verify(&any, &pol, blk, size, docs, keyring, &res);
    if (r1 == HV_OK && r2 != HV_OK)
        fuzz_fail("accepted with real signatures, refused (%s) with any",
                  hv_result_name(r2));
    if (r2 == HV_OK && (!exact || !shape_ok))
        fuzz_fail("accepted (any signature) a block of the wrong shape");

    free(docs);
    free(keyring);
    free(blk);
    return 0;
}
