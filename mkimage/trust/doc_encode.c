/* Root and keyring documents from keys: the write side of hv_doc_parse. */
#include <stdlib.h>
#include <string.h>

#include "hvimage/codec.h"
#include "hvimage/flash.h"
#include "trust_doc.h"

static int cmp_key_id(const void *a, const void *b)
{
    const hv_doc_key_in *x = *(const hv_doc_key_in *const *)a;
    const hv_doc_key_in *y = *(const hv_doc_key_in *const *)b;
    return memcmp(x->key.key_id, y->key.key_id, HV_KEY_ID_SIZE);
}

static int cmp_text(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* One public key twice would let one key count twice toward a threshold
 * on a verifier that trusted ids; the format forbids it, and the OEM
 * should hear which two files are the same key. Ids are SHA-256 of the
 * DER of the canonical record, so equal pubs have equal ids; both are
 * compared so neither assumption is needed here. */
static int check_distinct(const hv_doc_spec *s, hv_diag *diag)
{
    for (size_t i = 0; i < s->key_count; i++)
        for (size_t j = i + 1; j < s->key_count; j++) {
            const hv_pubkey *a = &s->keys[i].key, *b = &s->keys[j].key;
            int same_pub = a->pub_len == b->pub_len &&
                           memcmp(a->pub, b->pub, a->pub_len) == 0;
            if (same_pub || memcmp(a->key_id, b->key_id,
                                   HV_KEY_ID_SIZE) == 0) {
                char hex[65];
                hv_key_id_hex(a->key_id, hex);
                return hv_diag_set(diag,
                                   "%s and %s are the same public key (key "
                                   "id %s); a document lists each key once",
                                   s->keys[i].source, s->keys[j].source,
                                   hex);
            }
        }
    return 0;
}

/* Sort one scope list in place and refuse a value twice or a bad text. */
static int scope_list(char (*items)[HV_OEM_ID_SIZE + 1], uint32_t n,
                      const char *what, const char *source, hv_diag *diag)
{
    for (uint32_t i = 0; i < n; i++)
        if (!hv_text_string(items[i], HV_OEM_ID_SIZE))
            return hv_diag_set(diag,
                               "%s: %s '%.*s' must be 1 to %u characters "
                               "of A-Z a-z 0-9 . _ + -",
                               source, what, (int)sizeof items[i], items[i],
                               HV_OEM_ID_SIZE);
    qsort(items, n, sizeof items[0], cmp_text);
    for (uint32_t i = 1; i < n; i++)
        if (strcmp(items[i - 1], items[i]) == 0)
            return hv_diag_set(diag, "%s: %s '%s' given twice", source,
                               what, items[i]);
    return 0;
}

_Static_assert(HV_OEM_ID_SIZE == HV_BOARD_ID_SIZE,
               "scope_list serves both lists");

static int check_spec(hv_doc_spec *s, hv_diag *diag)
{
    const char *kind = hv_doc_kind_name(s->kind);
    if (s->kind != HV_DOC_ROOT && s->kind != HV_DOC_KEYRING)
        return hv_fail(diag, HV_FAIL_INTERNAL, "unknown document kind %u",
                       (unsigned)s->kind);
    if (s->version < 1)
        return hv_diag_set(diag, "%s version must be at least 1", kind);
    if (s->key_count < 1 || s->key_count > HV_ROOT_MAX_KEYS)
        return hv_diag_set(diag, "a %s lists 1 to %u keys, not %zu", kind,
                           HV_ROOT_MAX_KEYS, s->key_count);
    if (s->slots < 1 || s->slots > HV_MAX_SIGNATURE_SLOTS)
        return hv_diag_set(diag, "a %s has 1 to %u signature slots, not %u",
                           kind, HV_MAX_SIGNATURE_SLOTS, s->slots);
    if (s->kind == HV_DOC_ROOT) {
        if (s->threshold < 1 || s->threshold > s->key_count)
            return hv_diag_set(diag,
                               "root threshold %u is not between 1 and the "
                               "%zu keys it lists",
                               s->threshold, s->key_count);
        /* A root must carry its own threshold of signatures. */
        if (s->threshold > s->slots)
            return hv_diag_set(diag,
                               "root threshold %u needs at least %u "
                               "signature slots, not %u",
                               s->threshold, s->threshold, s->slots);
        return check_distinct(s, diag);
    }
    if (s->root_version < 1)
        return hv_diag_set(diag, "keyring root_version must be at least 1");
    for (size_t i = 0; i < s->key_count; i++) {
        hv_doc_key_in *k = &s->keys[i];
        if (k->oem_count < 1 || k->oem_count > HV_SCOPE_MAX_OEMS)
            return hv_diag_set(diag, "%s: a keyring key is scoped to 1 to %u "
                               "OEMs, not %u", k->source, HV_SCOPE_MAX_OEMS,
                               k->oem_count);
        if (k->board_count > HV_SCOPE_MAX_BOARDS)
            return hv_diag_set(diag, "%s: a keyring key is scoped to at most "
                               "%u boards, not %u", k->source,
                               HV_SCOPE_MAX_BOARDS, k->board_count);
        if (scope_list(k->oems, k->oem_count, "OEM", k->source, diag) != 0 ||
            scope_list(k->boards, k->board_count, "board", k->source,
                       diag) != 0)
            return -1;
    }
    return check_distinct(s, diag);
}

static void put_keyrec(uint8_t *p, const hv_pubkey *k)
{
    memcpy(p + HV_KEYREC_OFF_KEY_ID, k->key_id, HV_KEY_ID_SIZE);
    hv_put_le32(p + HV_KEYREC_OFF_SIG_ALG, k->sig_alg);
    hv_put_le32(p + HV_KEYREC_OFF_PUB_LEN, (uint32_t)k->pub_len);
    memcpy(p + HV_KEYREC_OFF_PUB, k->pub, k->pub_len);
}

static void put_texts(uint8_t *p, char (*items)[HV_OEM_ID_SIZE + 1],
                      uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        memcpy(p + (size_t)i * HV_OEM_ID_SIZE, items[i], strlen(items[i]));
}

/* see trust_doc.h */
int hv_doc_encode(const hv_doc_spec *spec_in, uint8_t **out, size_t *out_len,
                  hv_diag *diag)
{
    *out = NULL;
    *out_len = 0;
    hv_doc_spec *s = malloc(sizeof *s);
    if (!s)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    *s = *spec_in;
    if (check_spec(s, diag) != 0) {
        free(s);
        return -1;
    }
    const hv_doc_key_in *order[HV_ROOT_MAX_KEYS];
    for (size_t i = 0; i < s->key_count; i++)
        order[i] = &s->keys[i];
    qsort(order, s->key_count, sizeof order[0], cmp_key_id);

    int root = s->kind == HV_DOC_ROOT;
    size_t fixed = root ? HV_ROOT_FIXED_SIZE : HV_KEYRING_FIXED_SIZE;
    size_t entry = root ? HV_KEYREC_SIZE : HV_KEYRING_ENTRY_SIZE;
    size_t body = fixed + s->key_count * entry;
    size_t len = HV_DOC_HEADER_SIZE + body + (size_t)s->slots *
                 HV_SIG_SLOT_SIZE;
    uint8_t *p = calloc(1, len);
    if (!p) {
        free(s);
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    memcpy(p + HV_DOC_OFF_MAGIC, root ? HV_ROOT_MAGIC : HV_KEYRING_MAGIC, 8);
    hv_put_le32(p + HV_DOC_OFF_VERSION, HV_DOC_VERSION);
    hv_put_le32(p + HV_DOC_OFF_BODY_SIZE, (uint32_t)body);
    hv_put_le32(p + HV_DOC_OFF_SIG_SLOTS, s->slots);
    uint8_t *b = p + HV_DOC_HEADER_SIZE;
    if (root) {
        hv_put_le64(b + HV_ROOT_OFF_VERSION, s->version);
        hv_put_le32(b + HV_ROOT_OFF_THRESHOLD, s->threshold);
        hv_put_le32(b + HV_ROOT_OFF_KEY_COUNT, (uint32_t)s->key_count);
    } else {
        hv_put_le64(b + HV_KEYRING_OFF_VERSION, s->version);
        hv_put_le64(b + HV_KEYRING_OFF_ROOT_VERSION, s->root_version);
        hv_put_le64(b + HV_KEYRING_OFF_MIN_EPOCH, s->min_epoch);
        hv_put_le32(b + HV_KEYRING_OFF_KEY_COUNT, (uint32_t)s->key_count);
    }
    for (size_t i = 0; i < s->key_count; i++) {
        hv_doc_key_in *k = (hv_doc_key_in *)order[i];
        uint8_t *e = b + fixed + i * entry;
        put_keyrec(e, &k->key);
        if (root)
            continue;
        hv_put_le64(e + HV_KENT_OFF_EPOCH, k->epoch);
        hv_put_le32(e + HV_KENT_OFF_OEM_COUNT, k->oem_count);
        hv_put_le32(e + HV_KENT_OFF_BOARD_COUNT, k->board_count);
        put_texts(e + HV_KENT_OFF_OEMS, k->oems, k->oem_count);
        put_texts(e + HV_KENT_OFF_BOARDS, k->boards, k->board_count);
    }
    free(s);
    /* The verifier's parser is the judge of form: never hand out a
     * document it would refuse. */
    hv_doc doc;
    if (hv_doc_parse(p, len, &doc) != HV_OK || doc.size != len) {
        free(p);
        return hv_fail(diag, HV_FAIL_INTERNAL,
                       "the encoded %s does not parse (a bug in hvimage)",
                       spec_in->kind == HV_DOC_ROOT ? "root" : "keyring");
    }
    *out = p;
    *out_len = len;
    return 0;
}
