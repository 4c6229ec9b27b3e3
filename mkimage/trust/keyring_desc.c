/* A keyring's YAML description (docs/KEYS.md) into a document spec. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "trust_doc.h"
#include "yaml_doc.h"

/* A u32 count field read as u64 and range-checked by hv_doc_encode. */
static int get_u32(const hv_ydoc *doc, const hv_ynode *v, const char *name,
                   uint32_t *out, hv_diag *diag)
{
    uint64_t x;
    if (hv_yget_u64(doc, v, name, &x, diag) != 0)
        return -1;
    if (x > UINT32_MAX)
        return hv_yerror(doc, v, diag, "'%s' is too large", name);
    *out = (uint32_t)x;
    return 0;
}

/* A list of scope texts (oems, boards) into |items|. */
static int text_list(const hv_ydoc *doc, const hv_ynode *seq,
                     const char *name, uint32_t max,
                     char (*items)[HV_OEM_ID_SIZE + 1], uint32_t *count,
                     hv_diag *diag)
{
    if (hv_yseq_check(doc, seq, name, diag) != 0)
        return -1;
    if (seq->count > max)
        return hv_yerror(doc, seq, diag, "'%s' lists %zu values; a key's "
                         "scope holds at most %u", name, seq->count, max);
    for (size_t i = 0; i < seq->count; i++) {
        char item[64];
        snprintf(item, sizeof item, "%s[%zu]", name, i);
        if (hv_yget_text(doc, seq->items[i], item, items[i],
                         HV_OEM_ID_SIZE + 1, diag) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(items[i], items[j]) == 0)
                return hv_yerror(doc, seq->items[i], diag,
                                 "'%s' is given twice in '%s'", items[i],
                                 name);
    }
    *count = (uint32_t)seq->count;
    return 0;
}

static int load_key(const hv_ydoc *doc, const hv_ynode *map, size_t i,
                    hv_doc_key_in *k, hv_diag *diag)
{
    static const char *const allowed[] = {"key", "epoch", "oems", "boards",
                                          NULL};
    char what[32];
    snprintf(what, sizeof what, "keys[%zu]", i);
    const hv_ynode *v;
    char *rel = NULL;
    if (hv_ymap_check(doc, map, what, allowed, diag) != 0 ||
        hv_ymap_need(doc, map, what, "key", &v, diag) != 0 ||
        hv_yget_path(doc, v, "key", &rel, diag) != 0)
        return -1;
    char *path = strncmp(rel, "pkcs11:", 7) == 0
                     ? rel
                     : hv_plan_resolve_path(doc->file, rel);
    if (path != rel)
        free(rel);
    if (!path)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    snprintf(k->source, sizeof k->source, "%s:%u:%u (%s)", doc->file,
             v->line, v->column, path);
    hv_diag kd;
    int rc = hv_pubkey_load(path, &k->key, &kd);
    free(path);
    if (rc != 0)
        return hv_yerror(doc, v, diag, "%s", kd.msg);
    if (hv_ymap_need(doc, map, what, "epoch", &v, diag) != 0 ||
        hv_yget_u64(doc, v, "epoch", &k->epoch, diag) != 0 ||
        hv_ymap_need(doc, map, what, "oems", &v, diag) != 0 ||
        text_list(doc, v, "oems", HV_SCOPE_MAX_OEMS, k->oems, &k->oem_count,
                  diag) != 0)
        return -1;
    if (k->oem_count == 0)
        return hv_yerror(doc, v, diag, "'oems' is empty; a key signs for at "
                         "least one OEM");
    v = hv_ymap_get(map, "boards");
    if (v && text_list(doc, v, "boards", HV_SCOPE_MAX_BOARDS, k->boards,
                       &k->board_count, diag) != 0)
        return -1;
    return 0;
}

static int load(const hv_ydoc *doc, hv_doc_spec *spec, hv_diag *diag)
{
    static const char *const allowed[] = {"version", "root_version",
                                          "min_epoch", "slots", "keys",
                                          NULL};
    const hv_ynode *root = doc->root, *v;
    if (hv_ymap_check(doc, root, NULL, allowed, diag) != 0 ||
        hv_ymap_need(doc, root, NULL, "version", &v, diag) != 0 ||
        hv_yget_u64(doc, v, "version", &spec->version, diag) != 0 ||
        hv_ymap_need(doc, root, NULL, "root_version", &v, diag) != 0 ||
        hv_yget_u64(doc, v, "root_version", &spec->root_version, diag) != 0 ||
        hv_ymap_need(doc, root, NULL, "min_epoch", &v, diag) != 0 ||
        hv_yget_u64(doc, v, "min_epoch", &spec->min_epoch, diag) != 0 ||
        hv_ymap_need(doc, root, NULL, "slots", &v, diag) != 0 ||
        get_u32(doc, v, "slots", &spec->slots, diag) != 0)
        return -1;
    if (spec->version < 1 || spec->root_version < 1)
        return hv_yerror(doc, spec->version < 1
                                  ? hv_ymap_get(root, "version")
                                  : hv_ymap_get(root, "root_version"),
                         diag, "versions start at 1");
    if (spec->slots < 1 || spec->slots > HV_MAX_SIGNATURE_SLOTS)
        return hv_yerror(doc, v, diag, "'slots' must be 1 to %u",
                         HV_MAX_SIGNATURE_SLOTS);
    const hv_ynode *keys;
    if (hv_ymap_need(doc, root, NULL, "keys", &keys, diag) != 0 ||
        hv_yseq_check(doc, keys, "keys", diag) != 0)
        return -1;
    if (keys->count < 1 || keys->count > HV_KEYRING_MAX_KEYS)
        return hv_yerror(doc, keys, diag, "'keys' lists %zu keys; a keyring "
                         "holds 1 to %u", keys->count, HV_KEYRING_MAX_KEYS);
    spec->key_count = keys->count;
    for (size_t i = 0; i < keys->count; i++)
        if (load_key(doc, keys->items[i], i, &spec->keys[i], diag) != 0)
            return -1;
    return 0;
}

/* see trust_doc.h */
int hv_keyring_desc_load(const char *path, hv_doc_spec *spec, hv_diag *diag)
{
    memset(spec, 0, sizeof *spec);
    spec->kind = HV_DOC_KEYRING;
    hv_ydoc doc;
    if (hv_ydoc_load(&doc, path, diag) != 0)
        return -1;
    int rc = load(&doc, spec, diag);
    hv_ydoc_free(&doc);
    return rc;
}
