/* Who may sign a document, and putting a signature into its slots. */
#include <string.h>

#include "encode.h"
#include "trust_doc.h"

/* The key of |set| with |key|'s id: 1 if its pub is |key|'s too, -1 if the
 * id names another public key, 0 if no key of |set| has that id. */
static int find_key(const hv_doc *set, const hv_pubkey *key)
{
    for (uint32_t i = 0; i < set->key_count; i++) {
        const hv_trusted_key *t = &set->keys[i].key;
        if (memcmp(t->key_id, key->key_id, HV_KEY_ID_SIZE) != 0)
            continue;
        return t->pub_len == key->pub_len &&
                       memcmp(t->pub, key->pub, key->pub_len) == 0
                   ? 1
                   : -1;
    }
    return 0;
}

/* A key id in both roots with different public keys: the verifier refuses
 * such a chain (docs/KEYS.md, rule 2), so signing it is wasted work. */
static int check_shared_ids(const hv_doc *a, const hv_doc *b,
                            hv_diag *diag)
{
    for (uint32_t i = 0; i < a->key_count; i++)
        for (uint32_t j = 0; j < b->key_count; j++) {
            const hv_trusted_key *x = &a->keys[i].key, *y = &b->keys[j].key;
            if (memcmp(x->key_id, y->key_id, HV_KEY_ID_SIZE) == 0 &&
                (x->pub_len != y->pub_len ||
                 memcmp(x->pub, y->pub, x->pub_len) != 0)) {
                char hex[65];
                hv_key_id_hex(x->key_id, hex);
                return hv_diag_set(diag, "key id %s names different public "
                                   "keys in root %llu and root %llu", hex,
                                   (unsigned long long)a->version,
                                   (unsigned long long)b->version);
            }
        }
    return 0;
}

/* see trust_doc.h */
int hv_doc_signer_allowed(const hv_doc *doc, const hv_doc *previous,
                          const hv_doc *root, const hv_pubkey *key,
                          const char *source, hv_diag *diag)
{
    char hex[65];
    hv_key_id_hex(key->key_id, hex);
    const hv_doc *sets[2];
    size_t n = 0;
    if (doc->kind == HV_DOC_ROOT) {
        sets[n++] = doc;
        if (previous) {
            if (previous->kind != HV_DOC_ROOT ||
                previous->version != doc->version - 1)
                return hv_diag_set(diag,
                                   "--previous must be root version %llu "
                                   "(the one below this root), not %s "
                                   "version %llu",
                                   (unsigned long long)(doc->version - 1),
                                   hv_doc_kind_name(previous->kind),
                                   (unsigned long long)previous->version);
            if (check_shared_ids(previous, doc, diag) != 0)
                return -1;
            sets[n++] = previous;
        }
    } else {
        if (!root)
            return hv_diag_set(diag, "signing a keyring needs --root: the "
                               "root whose keys sign it");
        if (root->kind != HV_DOC_ROOT || root->version != doc->root_version)
            return hv_diag_set(diag,
                               "the keyring names root version %llu; --root "
                               "is %s version %llu",
                               (unsigned long long)doc->root_version,
                               hv_doc_kind_name(root->kind),
                               (unsigned long long)root->version);
        sets[n++] = root;
    }
    for (size_t i = 0; i < n; i++) {
        int r = find_key(sets[i], key);
        if (r > 0)
            return 0;
        if (r < 0)
            return hv_diag_set(diag, "%s: key id %s names another public key "
                               "in root %llu", source, hex,
                               (unsigned long long)sets[i]->version);
    }
    if (doc->kind == HV_DOC_ROOT)
        return hv_diag_set(diag,
                           "%s: key %s is not a key of root %llu%s; it may "
                           "not sign it",
                           source, hex, (unsigned long long)doc->version,
                           previous ? " or of the --previous root" : "");
    return hv_diag_set(diag,
                       "%s: key %s is not a key of root %llu; it may not "
                       "sign the keyring",
                       source, hex, (unsigned long long)root->version);
}

/* see trust_doc.h */
int hv_doc_add_signature(hv_doc_file *f, const char *path,
                         const hv_pubkey *key, const uint8_t *sig,
                         size_t sig_len, hv_diag *diag)
{
    char hex[65];
    hv_key_id_hex(key->key_id, hex);
    uint8_t *slots = f->bytes + f->doc.tbs_len;
    switch (hv_sig_block_insert(slots, f->doc.sig_slots, key->key_id, sig,
                                sig_len)) {
    case HV_SLOT_DUPLICATE:
        return hv_diag_set(diag, "%s: already signed by key %s", path, hex);
    case HV_SLOT_FULL:
        return hv_diag_set(diag, "%s: all %u signature slots are used", path,
                           f->doc.sig_slots);
    case HV_SLOT_OK:
        break;
    }
    if (hv_doc_parse(f->bytes, f->len, &f->doc) != HV_OK)
        return hv_fail(diag, HV_FAIL_INTERNAL, "%s: the signed document does "
                       "not parse (a bug in hvimage)", path);
    return 0;
}
