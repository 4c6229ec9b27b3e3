#include "cli_trust_print.h"

#include <string.h>

#include "cli.h"
#include "cli_print.h"
#include "plan.h"

static const char *alg_name(uint32_t alg)
{
    const char *n = hv_sig_alg_name(alg);
    return n ? n : "unknown";
}

static const uint8_t *slot_id(const hv_doc *d, uint32_t i)
{
    return d->bytes + d->tbs_len + (size_t)i * HV_SIG_SLOT_SIZE +
           HV_SIG_OFF_KEY_ID;
}

/* The key of |d| whose id is |id|, or NULL. */
static const hv_doc_key *by_id(const hv_doc *d, const uint8_t *id)
{
    for (uint32_t i = 0; i < d->key_count; i++)
        if (memcmp(d->keys[i].key.key_id, id, HV_KEY_ID_SIZE) == 0)
            return &d->keys[i];
    return NULL;
}

static void fingerprint(const hv_doc_key *k, uint8_t fp[HV_ROOT_FP_SIZE])
{
    if (hv_key_fingerprint(&hv_crypto_bearssl, k->key.pub, k->key.pub_len,
                           fp) != 0)
        memset(fp, 0, HV_ROOT_FP_SIZE);
}

static void key_text(FILE *f, const hv_doc_key *k)
{
    uint8_t fp[HV_ROOT_FP_SIZE];
    fingerprint(k, fp);
    fprintf(f, "    key ");
    cli_hex(f, k->key.key_id, HV_KEY_ID_SIZE);
    fprintf(f, "  %s\n      fingerprint ", alg_name(k->key.sig_alg));
    cli_hex(f, fp, HV_ROOT_FP_SIZE);
    fputc('\n', f);
}

/* The slots of |d|: which key ids sign it, and whether |signers| (the
 * root whose threshold counts: the document itself, or for a keyring the
 * newest root) lists them. */
static void signed_by_text(FILE *f, const hv_doc *d, const hv_doc *signers,
                           const hv_doc *also, const char *own)
{
    fprintf(f, "    signature slots: %u of %u filled\n", d->filled,
            d->sig_slots);
    for (uint32_t i = 0; i < d->filled; i++) {
        const uint8_t *id = slot_id(d, i);
        fprintf(f, "      by ");
        cli_hex(f, id, HV_KEY_ID_SIZE);
        bool in = by_id(signers, id) != NULL;
        bool prev = also && by_id(also, id) != NULL;
        fprintf(f, "  %s\n", in && prev ? "(a key of this and the previous root)"
                             : in      ? own
                             : prev    ? "(a key of the previous root)"
                                       : "(not a key of the root that signs it)");
    }
}

/* see cli_trust_print.h */
void cli_trust_print_text(FILE *f, const hv_bundle *b, uint64_t offset,
                          const uint8_t *img_block, uint32_t img_filled)
{
    const hv_doc *ring = &b->keyring;
    const hv_doc *newest = &b->roots[b->root_count - 1];
    fprintf(f, "trust block (NOT verified): %zu bytes at offset %llu, %u "
            "root document(s) and a keyring\n", b->len,
            (unsigned long long)offset, b->root_count);
    for (uint32_t r = 0; r < b->root_count; r++) {
        const hv_doc *d = &b->roots[r];
        fprintf(f, "  root version %llu at +%zu: threshold %u of %u key(s)\n",
                (unsigned long long)d->version, b->root_offset[r],
                d->threshold, d->key_count);
        for (uint32_t i = 0; i < d->key_count; i++)
            key_text(f, &d->keys[i]);
        signed_by_text(f, d, d, r ? &b->roots[r - 1] : NULL,
                       "(a key of this root)");
    }
    fprintf(f, "  keyring version %llu at +%zu: for root version %llu, "
            "min_epoch %llu, %u key(s)\n", (unsigned long long)ring->version,
            b->keyring_offset, (unsigned long long)ring->root_version,
            (unsigned long long)ring->min_epoch, ring->key_count);
    for (uint32_t i = 0; i < ring->key_count; i++) {
        const hv_doc_key *k = &ring->keys[i];
        key_text(f, k);
        fprintf(f, "      epoch %llu%s, oems", (unsigned long long)k->epoch,
                k->epoch < ring->min_epoch ? " (below min_epoch: revoked)"
                                           : "");
        for (uint32_t j = 0; j < k->oem_count; j++)
            fprintf(f, " %s", k->oems[j]);
        fprintf(f, ", boards");
        for (uint32_t j = 0; j < k->board_count; j++)
            fprintf(f, " %s", k->boards[j]);
        fprintf(f, "%s\n", k->board_count ? "" : " (any)");
    }
    signed_by_text(f, ring, newest, NULL, "(a key of the newest root)");
    fprintf(f, "  image signature slots against the keyring:\n");
    for (uint32_t i = 0; i < img_filled; i++) {
        const uint8_t *id = img_block + (size_t)i * HV_SIG_SLOT_SIZE +
                            HV_SIG_OFF_KEY_ID;
        const hv_doc_key *k = by_id(ring, id);
        fprintf(f, "    key ");
        cli_hex(f, id, HV_KEY_ID_SIZE);
        if (k)
            fprintf(f, "  keyring key, epoch %llu\n",
                    (unsigned long long)k->epoch);
        else
            fprintf(f, "  NOT in the keyring\n");
    }
}

static json_object *key_json(const hv_doc_key *k, bool ring)
{
    uint8_t fp[HV_ROOT_FP_SIZE];
    json_object *o = json_object_new_object();
    fingerprint(k, fp);
    cli_json_add_hex(o, "key_id", k->key.key_id, HV_KEY_ID_SIZE);
    json_object_object_add(o, "algorithm",
                           json_object_new_string(alg_name(k->key.sig_alg)));
    cli_json_add_hex(o, "fingerprint", fp, HV_ROOT_FP_SIZE);
    if (ring) {
        json_object *oems = json_object_new_array();
        json_object *boards = json_object_new_array();
        json_object_object_add(o, "epoch", json_object_new_uint64(k->epoch));
        for (uint32_t j = 0; j < k->oem_count; j++)
            json_object_array_add(oems, json_object_new_string(k->oems[j]));
        for (uint32_t j = 0; j < k->board_count; j++)
            json_object_array_add(boards,
                                  json_object_new_string(k->boards[j]));
        json_object_object_add(o, "oems", oems);
        json_object_object_add(o, "boards", boards);
    }
    return o;
}

static json_object *doc_json(const hv_doc *d, size_t at, bool ring)
{
    json_object *o = json_object_new_object();
    json_object *keys = json_object_new_array();
    json_object *by = json_object_new_array();
    json_object_object_add(o, "version", json_object_new_uint64(d->version));
    json_object_object_add(o, "offset", json_object_new_uint64(at));
    if (ring) {
        json_object_object_add(o, "root_version",
                               json_object_new_uint64(d->root_version));
        json_object_object_add(o, "min_epoch",
                               json_object_new_uint64(d->min_epoch));
    } else {
        json_object_object_add(o, "threshold",
                               json_object_new_int64(d->threshold));
    }
    for (uint32_t i = 0; i < d->key_count; i++)
        json_object_array_add(keys, key_json(&d->keys[i], ring));
    json_object_object_add(o, "keys", keys);
    json_object_object_add(o, "signature_slots",
                           json_object_new_int64(d->sig_slots));
    for (uint32_t i = 0; i < d->filled; i++)
        json_object_array_add(by, cli_json_hex(slot_id(d, i),
                                               HV_KEY_ID_SIZE));
    json_object_object_add(o, "signed_by", by);
    return o;
}

/* see cli_trust_print.h */
json_object *cli_trust_json(const hv_bundle *b, uint64_t offset,
                            const uint8_t *img_block, uint32_t img_filled)
{
    json_object *o = json_object_new_object();
    json_object *roots = json_object_new_array();
    json_object *signers = json_object_new_array();
    json_object_object_add(o, "verified", NULL);
    json_object_object_add(o, "offset", json_object_new_uint64(offset));
    json_object_object_add(o, "size", json_object_new_uint64(b->len));
    for (uint32_t r = 0; r < b->root_count; r++)
        json_object_array_add(roots, doc_json(&b->roots[r], b->root_offset[r],
                                              false));
    json_object_object_add(o, "roots", roots);
    json_object_object_add(o, "keyring",
                           doc_json(&b->keyring, b->keyring_offset, true));
    for (uint32_t i = 0; i < img_filled; i++) {
        const uint8_t *id = img_block + (size_t)i * HV_SIG_SLOT_SIZE +
                            HV_SIG_OFF_KEY_ID;
        const hv_doc_key *k = by_id(&b->keyring, id);
        json_object *s = json_object_new_object();
        cli_json_add_hex(s, "key_id", id, HV_KEY_ID_SIZE);
        json_object_object_add(s, "in_keyring",
                               json_object_new_boolean(k != NULL));
        json_object_object_add(s, "epoch",
                               k ? json_object_new_uint64(k->epoch) : NULL);
        json_object_array_add(signers, s);
    }
    json_object_object_add(o, "image_signers", signers);
    return o;
}
