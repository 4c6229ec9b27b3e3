/*
 * Root and keyring documents, and the trust block that chains them
 * (hvimage/format.h "Trust block", docs/KEYS.md): the parser every reader
 * uses (hv_doc_parse) and the verification a device runs before it trusts
 * any image key (hv_trust_block_verify).
 *
 * Thresholds count public keys, never key ids: a slot is looked up by the
 * id it names, verified with that record's key and algorithm, and then
 * counts once for every role (a root's key set) whose set holds the same
 * public key bytes, however many slots or ids carried it. Every filled
 * slot must verify, as in an image: a slot that changes nothing is still
 * refused, so no byte of a document is left for an attacker to park data.
 */
#include "crypto_internal.h"
#include "hvboot.h"
#include "hvimage/flash.h"
#include "keyrec.h"
#include "sysdeps.h"

static hv_result bad(void)
{
    return HV_ERR_TRUST_BLOCK;
}

/* Text fields |count| used of |max| (each |size| bytes) at |p|: used ones
 * valid and strictly ascending, unused ones zero. */
static int text_list(const uint8_t *p, uint32_t count, uint32_t max,
                     uint32_t size, char (*out)[HV_OEM_ID_SIZE + 1])
{
    for (uint32_t i = 0; i < max; i++) {
        const uint8_t *f = p + (size_t)i * size;
        if (i >= count) {
            if (!hv_all_zero(f, size))
                return 0;
            continue;
        }
        if (!hv_text_field_decode(f, size, out[i]))
            return 0;
        /* NUL-padded to the end, so a byte compare is the text order. */
        if (i > 0 && memcmp(f - size, f, size) >= 0)
            return 0;
    }
    return 1;
}

_Static_assert(HV_OEM_ID_SIZE == HV_BOARD_ID_SIZE, "text_list takes both");

/* Key records, ids strictly ascending, no public key twice. */
static int add_key(hv_doc *d, uint32_t i, const uint8_t *rec)
{
    hv_trusted_key *k = &d->keys[i].key;
    if (!hv_keyrec_decode(rec, k))
        return 0;
    for (uint32_t j = 0; j < i; j++)
        if (hv_same_pub(&d->keys[j].key, k))
            return 0;
    return i == 0 ||
           memcmp(d->keys[i - 1].key.key_id, k->key_id, HV_KEY_ID_SIZE) < 0;
}

static hv_result parse_root(const uint8_t *b, uint32_t body_size, hv_doc *d)
{
    if (body_size < HV_ROOT_FIXED_SIZE)
        return bad();
    d->version = hv_le64(b + HV_ROOT_OFF_VERSION);
    d->threshold = hv_le32(b + HV_ROOT_OFF_THRESHOLD);
    d->key_count = hv_le32(b + HV_ROOT_OFF_KEY_COUNT);
    if (d->version == 0 || d->key_count < 1 ||
        d->key_count > HV_ROOT_MAX_KEYS || d->threshold < 1 ||
        d->threshold > d->key_count ||
        !hv_all_zero(b + HV_ROOT_OFF_RESERVED,
                     HV_ROOT_FIXED_SIZE - HV_ROOT_OFF_RESERVED) ||
        body_size != HV_ROOT_FIXED_SIZE + d->key_count * HV_KEYREC_SIZE)
        return bad();
    for (uint32_t i = 0; i < d->key_count; i++)
        if (!add_key(d, i, b + HV_ROOT_FIXED_SIZE + i * HV_KEYREC_SIZE))
            return bad();
    return HV_OK;
}

static hv_result parse_keyring(const uint8_t *b, uint32_t body_size,
                               hv_doc *d)
{
    if (body_size < HV_KEYRING_FIXED_SIZE)
        return bad();
    d->version = hv_le64(b + HV_KEYRING_OFF_VERSION);
    d->root_version = hv_le64(b + HV_KEYRING_OFF_ROOT_VERSION);
    d->min_epoch = hv_le64(b + HV_KEYRING_OFF_MIN_EPOCH);
    d->key_count = hv_le32(b + HV_KEYRING_OFF_KEY_COUNT);
    if (d->version == 0 || d->root_version == 0 || d->key_count < 1 ||
        d->key_count > HV_KEYRING_MAX_KEYS ||
        !hv_all_zero(b + HV_KEYRING_OFF_RESERVED,
                     HV_KEYRING_FIXED_SIZE - HV_KEYRING_OFF_RESERVED) ||
        body_size !=
            HV_KEYRING_FIXED_SIZE + d->key_count * HV_KEYRING_ENTRY_SIZE)
        return bad();
    for (uint32_t i = 0; i < d->key_count; i++) {
        const uint8_t *e =
            b + HV_KEYRING_FIXED_SIZE + i * HV_KEYRING_ENTRY_SIZE;
        hv_doc_key *k = &d->keys[i];
        if (!add_key(d, i, e + HV_KENT_OFF_KEY))
            return bad();
        k->epoch = hv_le64(e + HV_KENT_OFF_EPOCH);
        k->oem_count = hv_le32(e + HV_KENT_OFF_OEM_COUNT);
        k->board_count = hv_le32(e + HV_KENT_OFF_BOARD_COUNT);
        /* A key must be scoped: "any OEM" is not expressible. */
        if (k->oem_count < 1 || k->oem_count > HV_SCOPE_MAX_OEMS ||
            k->board_count > HV_SCOPE_MAX_BOARDS ||
            !text_list(e + HV_KENT_OFF_OEMS, k->oem_count, HV_SCOPE_MAX_OEMS,
                       HV_OEM_ID_SIZE, k->oems) ||
            !text_list(e + HV_KENT_OFF_BOARDS, k->board_count,
                       HV_SCOPE_MAX_BOARDS, HV_BOARD_ID_SIZE, k->boards))
            return bad();
    }
    return HV_OK;
}

/* see hvboot.h */
hv_result hv_doc_parse(const uint8_t *p, size_t len, hv_doc *d)
{
    if (!p || !d)
        return HV_ERR_ARGUMENT;
    memset(d, 0, sizeof *d);
    if (len < HV_DOC_HEADER_SIZE)
        return bad();
    if (memcmp(p + HV_DOC_OFF_MAGIC, HV_ROOT_MAGIC, 8) == 0)
        d->kind = HV_DOC_ROOT;
    else if (memcmp(p + HV_DOC_OFF_MAGIC, HV_KEYRING_MAGIC, 8) == 0)
        d->kind = HV_DOC_KEYRING;
    else
        return bad();
    uint32_t body_size = hv_le32(p + HV_DOC_OFF_BODY_SIZE);
    d->sig_slots = hv_le32(p + HV_DOC_OFF_SIG_SLOTS);
    if (hv_le32(p + HV_DOC_OFF_VERSION) != HV_DOC_VERSION ||
        d->sig_slots < 1 || d->sig_slots > HV_MAX_SIGNATURE_SLOTS ||
        !hv_all_zero(p + HV_DOC_OFF_RESERVED,
                     HV_DOC_HEADER_SIZE - HV_DOC_OFF_RESERVED))
        return bad();
    /* Bounded before any sum: the largest body is a keyring's. */
    if (body_size > HV_KEYRING_FIXED_SIZE +
                        HV_KEYRING_MAX_KEYS * HV_KEYRING_ENTRY_SIZE)
        return bad();
    size_t tbs = HV_DOC_HEADER_SIZE + (size_t)body_size;
    size_t size = tbs + (size_t)d->sig_slots * HV_SIG_SLOT_SIZE;
    if (size > len)
        return bad();
    const uint8_t *body = p + HV_DOC_HEADER_SIZE;
    hv_result r = d->kind == HV_DOC_ROOT ? parse_root(body, body_size, d)
                                         : parse_keyring(body, body_size, d);
    if (r != HV_OK)
        return r;
    if (hv_check_sig_block(p + tbs, d->sig_slots, &d->filled) != HV_OK)
        return bad();
    d->bytes = p;
    d->tbs_len = tbs;
    d->size = size;
    return HV_OK;
}

/* see hvboot.h */
int hv_key_fingerprint(const hv_crypto *c, const uint8_t *pub, size_t len,
                       uint8_t fp[HV_ROOT_FP_SIZE])
{
    hv_hash_ctx ctx;
    if (!c || c->hash_init(&ctx, HV_DIGEST_SHA256) != 0)
        return -1;
    c->hash_update(&ctx, pub, len);
    c->hash_final(&ctx, fp);
    return 0;
}

static const hv_doc_key *find_id(const hv_doc *d, const uint8_t *id)
{
    for (uint32_t i = 0; d && i < d->key_count; i++)
        if (memcmp(d->keys[i].key.key_id, id, HV_KEY_ID_SIZE) == 0)
            return &d->keys[i];
    return 0;
}

static int holds_pub(const hv_doc *d, const hv_trusted_key *k)
{
    for (uint32_t i = 0; d && i < d->key_count; i++)
        if (hv_same_pub(&d->keys[i].key, k))
            return 1;
    return 0;
}

/*
 * Verify every filled slot of |d| with a key of |role[0]| or |role[1]|
 * (either may be NULL) and count, per role, the distinct public keys of
 * that role that signed. A slot naming a key of neither role, or one that
 * does not verify, refuses the document.
 */
static hv_result doc_signatures(const hv_crypto *c, const hv_doc *d,
                                const hv_doc *role0, const hv_doc *role1,
                                uint32_t counts[2])
{
    const hv_doc *role[2] = {role0, role1};
    const hv_trusted_key *counted[2][HV_MAX_SIGNATURE_SLOTS];
    uint8_t digest256[HV_DIGEST_SIZE_SHA256], digest384[HV_DIGEST_SIZE_SHA384];
    int have256 = 0, have384 = 0;

    counts[0] = counts[1] = 0;
    for (uint32_t i = 0; i < d->filled; i++) {
        const uint8_t *slot = d->bytes + d->tbs_len + (size_t)i * HV_SIG_SLOT_SIZE;
        const hv_doc_key *dk = find_id(role[0], slot + HV_SIG_OFF_KEY_ID);
        if (!dk)
            dk = find_id(role[1], slot + HV_SIG_OFF_KEY_ID);
        if (!dk)
            return HV_ERR_ROOT_SIGNATURE;
        const hv_trusted_key *k = &dk->key;
        uint32_t dalg = hv_sig_digest(k->sig_alg);
        size_t sig_len = hv_le32(slot + HV_SIG_OFF_SIG_LEN);
        if (dalg == 0 || sig_len != hv_sig_size(k->sig_alg))
            return HV_ERR_ROOT_SIGNATURE;
        const uint8_t *digest = digest256;
        hv_hash_ctx ctx;
        if (dalg == HV_DIGEST_SHA256 ? !have256 : !have384) {
            if (c->hash_init(&ctx, dalg) != 0)
                return HV_ERR_CRYPTO;
            c->hash_update(&ctx, d->bytes, d->tbs_len);
            c->hash_final(&ctx, dalg == HV_DIGEST_SHA256 ? digest256
                                                         : digest384);
            if (dalg == HV_DIGEST_SHA256)
                have256 = 1;
            else
                have384 = 1;
        }
        if (dalg == HV_DIGEST_SHA384)
            digest = digest384;
        if (c->verify(k->sig_alg, k->pub, k->pub_len, digest,
                      hv_digest_size(dalg), slot + HV_SIG_OFF_SIG,
                      sig_len) != 1)
            return HV_ERR_ROOT_SIGNATURE;
        for (unsigned r = 0; r < 2; r++) {
            if (!holds_pub(role[r], k))
                continue;
            int seen = 0;
            for (uint32_t j = 0; j < counts[r]; j++)
                seen |= hv_same_pub(counted[r][j], k);
            if (!seen)
                counted[r][counts[r]++] = k;
        }
    }
    return HV_OK;
}

/* The first root must be exactly the device's: version, threshold and the
 * key set, by fingerprint. */
static hv_result matches_device(const hv_crypto *c, const hv_roots *roots,
                                const hv_doc *d)
{
    if (d->version != roots->version || d->threshold != roots->threshold ||
        d->key_count != roots->count)
        return HV_ERR_TRUST_BLOCK;
    /* The document's keys are distinct (hv_doc_parse) and the device's
     * fingerprints strictly ascending, so count equality plus every key
     * found makes the two sets equal. */
    for (size_t i = 1; i < roots->count; i++)
        if (memcmp(roots->fingerprints[i - 1], roots->fingerprints[i],
                   HV_ROOT_FP_SIZE) >= 0)
            return HV_ERR_ARGUMENT;
    for (uint32_t i = 0; i < d->key_count; i++) {
        uint8_t fp[HV_ROOT_FP_SIZE];
        const hv_trusted_key *k = &d->keys[i].key;
        if (hv_key_fingerprint(c, k->pub, k->pub_len, fp) != 0)
            return HV_ERR_CRYPTO;
        int found = 0;
        for (size_t j = 0; j < roots->count; j++)
            found |= hv_ct_equal(fp, roots->fingerprints[j], HV_ROOT_FP_SIZE);
        if (!found)
            return HV_ERR_TRUST_BLOCK;
    }
    return HV_OK;
}

/* A key id that two consecutive roots give to different public keys would
 * make "which key signed" depend on the lookup order. */
static int ids_consistent(const hv_doc *a, const hv_doc *b)
{
    for (uint32_t i = 0; i < b->key_count; i++) {
        const hv_doc_key *k = find_id(a, b->keys[i].key.key_id);
        if (k && !hv_same_pub(&k->key, &b->keys[i].key))
            return 0;
    }
    return 1;
}

static hv_result stop(hv_trust_result *res, hv_result r, uint32_t doc,
                      size_t off)
{
    res->verified = 0;
    res->failed_doc = doc;
    res->fail_offset = off;
    return r;
}

/* see hvboot.h */
hv_result hv_trust_block_verify(const hv_crypto *c, const hv_policy *policy,
                                const uint8_t *blk, size_t len,
                                hv_doc docs[2], hv_doc *keyring,
                                hv_trust_result *res)
{
    if (!res)
        return HV_ERR_ARGUMENT;
    memset(res, 0, sizeof *res);
    res->failed_doc = UINT32_MAX;
    res->fail_offset = UINT64_MAX;
    const hv_roots *roots = policy ? policy->roots : 0;
    if (!c || !blk || !docs || !keyring || !roots || !roots->fingerprints ||
        roots->count < 1 || roots->count > HV_ROOT_MAX_KEYS ||
        roots->threshold < 1 || roots->threshold > roots->count ||
        roots->version == 0)
        return HV_ERR_ARGUMENT;
    res->present = 1;

    size_t off = 0;
    uint32_t n = 0; /* root documents so far */
    const hv_doc *top = 0; /* the newest verified root */
    size_t top_off = 0;
    uint32_t counts[2];
    hv_result r;
    for (;;) {
        if (len - off < HV_DOC_HEADER_SIZE)
            return stop(res, HV_ERR_TRUST_BLOCK, n, off);
        if (memcmp(blk + off, HV_KEYRING_MAGIC, 8) == 0)
            break;
        if (n == HV_MAX_ROOT_CHAIN)
            return stop(res, HV_ERR_TRUST_BLOCK, n, off);
        hv_doc *d = &docs[n & 1];
        const hv_doc *prev = n > 0 ? &docs[(n - 1) & 1] : 0;
        r = hv_doc_parse(blk + off, len - off, d);
        if (r == HV_OK && d->kind != HV_DOC_ROOT)
            r = HV_ERR_TRUST_BLOCK;
        /* Consecutive versions throughout, including roots older than
         * this device's, which the block carries for devices provisioned
         * before a rotation. */
        if (r == HV_OK && prev &&
            (prev->version == UINT64_MAX || d->version != prev->version + 1 ||
             !ids_consistent(prev, d)))
            r = HV_ERR_TRUST_BLOCK;
        if (r != HV_OK)
            return stop(res, r, n, off);
        if (!top && d->version < roots->version) {
            /* Older than this device's root: nothing here trusts it, so
             * only its place in the chain counts (the image's signature
             * binds its bytes, as every byte of the block). */
            off += d->size;
            n++;
            continue;
        }
        if (!top) {
            /* The provisioned root: its own threshold vouches for the
             * document's bytes, the fingerprints for its keys. Slots of
             * the root before it (a rotation's co-signatures, there for
             * older devices) must verify but count for nothing here. */
            r = matches_device(c, roots, d);
            if (r == HV_OK)
                r = doc_signatures(c, d, d, prev, counts);
            if (r == HV_OK && counts[0] < d->threshold)
                r = HV_ERR_ROOT_SIGNATURE;
        } else {
            /* Root N+1: a threshold of root N and a threshold of itself. */
            r = doc_signatures(c, d, top, d, counts);
            if (r == HV_OK &&
                (counts[0] < top->threshold || counts[1] < d->threshold))
                r = HV_ERR_ROOT_SIGNATURE;
        }
        if (r != HV_OK)
            return stop(res, r, n, off);
        top = d;
        top_off = off;
        off += d->size;
        n++;
    }
    /* No root at all, or none reaching this device's. */
    if (!top)
        return stop(res, HV_ERR_TRUST_BLOCK, n, off);
    r = hv_doc_parse(blk + off, len - off, keyring);
    if (r == HV_OK && (off + keyring->size != len ||
                       keyring->root_version != top->version))
        r = HV_ERR_TRUST_BLOCK;
    if (r == HV_OK)
        r = doc_signatures(c, keyring, top, 0, counts);
    if (r == HV_OK && counts[0] < top->threshold)
        r = HV_ERR_ROOT_SIGNATURE;
    if (r != HV_OK)
        return stop(res, r, n, off);

    res->root_count = n;
    res->root_version = top->version;
    res->keyring_version = keyring->version;
    res->keyring_min_epoch = keyring->min_epoch;
    res->keyring_keys = keyring->key_count;
    /* Authentic but older than what this device confirmed: a rollback of
     * the roots (keys rotated out) or of the keyring (keys revoked). */
    if (top->version < policy->min_root_version)
        return stop(res, HV_ERR_TRUST_ROLLBACK, n - 1, top_off);
    if (keyring->version < policy->min_keyring_version)
        return stop(res, HV_ERR_TRUST_ROLLBACK, n, off);
    res->min_epoch = keyring->min_epoch > policy->min_key_epoch
                         ? keyring->min_epoch
                         : policy->min_key_epoch;
    for (uint32_t i = 0; i < keyring->key_count; i++)
        res->usable_keys += keyring->keys[i].epoch >= res->min_epoch;
    res->verified = 1;
    return HV_OK;
}

/* see hvboot.h */
hv_result hv_trust_block_check(const uint8_t *blk, size_t len, hv_doc *scratch)
{
    size_t off = 0;
    uint32_t n = 0;
    uint64_t last = 0;
    for (;;) {
        hv_result r = hv_doc_parse(blk + off, len - off, scratch);
        if (r != HV_OK)
            return r;
        if (scratch->kind == HV_DOC_KEYRING) {
            if (n == 0 || off + scratch->size != len ||
                scratch->root_version != last)
                return HV_ERR_TRUST_BLOCK;
            return HV_OK;
        }
        if (n == HV_MAX_ROOT_CHAIN || (n > 0 && scratch->version != last + 1))
            return HV_ERR_TRUST_BLOCK;
        last = scratch->version;
        off += scratch->size;
        n++;
    }
}
