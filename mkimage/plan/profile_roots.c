/*
 * The profile's issue 11 keys (docs/PROFILE.md, docs/KEYS.md):
 *   trust_block: FILE.hvtrust   the bundle `hvimage build` embeds in images
 *   roots: {version, threshold, keys, image_threshold}
 *                               the root keys `hvimage assemble` provisions
 *                               (a trust area version 2)
 * Only their shape is checked here; the bundle's documents are checked by
 * the builder (mkimage/image/trust_bundle.c) and the keys by assemble,
 * both at the place in this file that named them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvimage/flash.h"
#include "plan.h"
#include "yaml_doc.h"

static int load_trust_block(const hv_ydoc *doc, const hv_ynode *v,
                            hv_profile *p, hv_diag *diag)
{
    hv_profile_key k = {0};
    if (hv_profile_key_path(doc, v, p, "trust_block", &k, diag) != 0) {
        free(k.path);
        return -1;
    }
    if (strncmp(k.path, "pkcs11:", 7) == 0) {
        free(k.path);
        return hv_yerror(doc, v, diag, "'trust_block' must be a file (a "
                         "bundle of root and keyring documents)");
    }
    p->trust_block = k.path;
    p->trust_block_origin = k.origin;
    return 0;
}

static int load_u32_in(const hv_ydoc *doc, const hv_ynode *v,
                       const char *name, uint64_t lo, uint64_t hi,
                       const char *why, uint32_t *out, hv_diag *diag)
{
    uint64_t n;
    char d[HV_YDESCRIBE_SIZE];
    if (hv_yget_u64(doc, v, name, &n, diag) != 0)
        return -1;
    if (n < lo || n > hi)
        return hv_yerror(doc, v, diag, "'%s' must be %llu to %llu (%s), "
                         "found %s", name, (unsigned long long)lo,
                         (unsigned long long)hi, why,
                         hv_ydescribe(v, d, sizeof d));
    *out = (uint32_t)n;
    return 0;
}

static int load_roots(const hv_ydoc *doc, const hv_ynode *r, hv_profile *p,
                      hv_diag *diag)
{
    static const char *const keys[] = {"version", "threshold", "keys",
                                       "image_threshold", NULL};
    const hv_ynode *ver, *thr, *seq, *img;
    char d[HV_YDESCRIBE_SIZE], item[32];

    if (hv_ymap_check(doc, r, "roots", keys, diag) != 0 ||
        hv_ymap_need(doc, r, "roots", "version", &ver, diag) != 0 ||
        hv_ymap_need(doc, r, "roots", "threshold", &thr, diag) != 0 ||
        hv_ymap_need(doc, r, "roots", "keys", &seq, diag) != 0 ||
        hv_yget_u64(doc, ver, "version", &p->root_version, diag) != 0 ||
        hv_yseq_check(doc, seq, "keys", diag) != 0)
        return -1;
    p->roots_origin = (hv_origin){p->file, r->line, r->column};
    if (p->root_version < 1)
        return hv_yerror(doc, ver, diag, "'version' must be at least 1, "
                         "found %s", hv_ydescribe(ver, d, sizeof d));
    if (seq->count < 1 || seq->count > HV_ROOT_MAX_KEYS)
        return hv_yerror(doc, seq, diag, "'keys' must list 1 to %u root "
                         "public key files, found %zu", HV_ROOT_MAX_KEYS,
                         seq->count);
    p->root_keys = calloc(seq->count, sizeof *p->root_keys);
    if (!p->root_keys)
        return hv_yerror(doc, seq, diag, "out of memory");
    p->root_key_count = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        snprintf(item, sizeof item, "keys[%zu]", i);
        if (hv_profile_key_path(doc, seq->items[i], p, item, &p->root_keys[i],
                                diag) != 0)
            return -1;
    }
    if (load_u32_in(doc, thr, "threshold", 1, seq->count,
                    "at most the root keys listed", &p->root_threshold,
                    diag) != 0)
        return -1;
    img = hv_ymap_get(r, "image_threshold");
    if (img && load_u32_in(doc, img, "image_threshold", 1,
                           HV_MAX_SIGNATURE_SLOTS,
                           "image signatures a device requires",
                           &p->image_threshold, diag) != 0)
        return -1;
    if (p->image_threshold > p->signature_slots)
        return hv_yerror(doc, img, diag, "'image_threshold' %u is more than "
                         "the profile's %u signature slots",
                         p->image_threshold, p->signature_slots);
    return 0;
}

/* see plan.h */
int hv_profile_load_roots(const hv_ydoc *doc, const hv_ynode *root,
                          hv_profile *p, hv_diag *diag)
{
    const hv_ynode *v;
    if ((v = hv_ymap_get(root, "trust_block")) &&
        load_trust_block(doc, v, p, diag) != 0)
        return -1;
    if ((v = hv_ymap_get(root, "roots")) && load_roots(doc, v, p, diag) != 0)
        return -1;
    return 0;
}
