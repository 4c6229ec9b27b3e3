/* The order of a trust block, and the roots a device provisioned with an
 * anchor root holds. */
#include <stdlib.h>
#include <string.h>

#include "trust_doc.h"

/* see trust_doc.h */
int hv_bundle_check(const uint8_t *p, size_t len, const char *what,
                    hv_bundle_info *info, hv_diag *diag)
{
    memset(info, 0, sizeof *info);
    if (len > HV_MAX_TRUST_BLOCK_SIZE)
        return hv_diag_set(diag, "%s: %zu bytes, more than a trust block's "
                           "%u", what, len, HV_MAX_TRUST_BLOCK_SIZE);
    hv_doc doc;
    size_t off = 0;
    while (off < len) {
        if (hv_doc_parse(p + off, len - off, &doc) != HV_OK)
            return hv_diag_set(diag, "%s: byte offset %zu: not a well-formed "
                               "root or keyring document", what, off);
        if (doc.kind == HV_DOC_KEYRING) {
            if (info->root_count == 0)
                return hv_diag_set(diag, "%s: the keyring comes before any "
                                   "root; a trust block starts with the "
                                   "device's root", what);
            if (doc.root_version != info->last_root)
                return hv_diag_set(diag, "%s: the keyring names root version "
                                   "%llu, the newest root is version %llu",
                                   what, (unsigned long long)doc.root_version,
                                   (unsigned long long)info->last_root);
            info->keyring_version = doc.version;
            if (off + doc.size != len)
                return hv_diag_set(diag, "%s: %zu bytes after the keyring; a "
                                   "trust block ends with it", what,
                                   len - off - doc.size);
            /* The verifier's own structure check has the last word; the
             * checks above are here for their messages. */
            if (hv_trust_block_check(p, len, &doc) != HV_OK)
                return hv_fail(diag, HV_FAIL_INTERNAL,
                               "%s: hvimage takes the trust block, the "
                               "verifier's hv_trust_block_check does not "
                               "(a bug in hvimage)", what);
            return 0;
        }
        if (info->root_count == HV_MAX_ROOT_CHAIN)
            return hv_diag_set(diag, "%s: more than %u root documents", what,
                               HV_MAX_ROOT_CHAIN);
        if (info->root_count > 0 && doc.version != info->last_root + 1)
            return hv_diag_set(diag, "%s: root version %llu follows root "
                               "version %llu; roots go up one version at a "
                               "time", what, (unsigned long long)doc.version,
                               (unsigned long long)info->last_root);
        if (info->root_count++ == 0)
            info->first_root = doc.version;
        info->last_root = doc.version;
        off += doc.size;
    }
    return hv_diag_set(diag, "%s: no keyring after the %u root document%s",
                       what, info->root_count,
                       info->root_count == 1 ? "" : "s");
}

static int cmp_fp(const void *a, const void *b)
{
    return memcmp(a, b, HV_ROOT_FP_SIZE);
}

/* see trust_doc.h */
int hv_roots_from_doc(const hv_doc *root, uint8_t fps[][HV_ROOT_FP_SIZE],
                      hv_roots *out, hv_diag *diag)
{
    memset(out, 0, sizeof *out);
    if (root->kind != HV_DOC_ROOT)
        return hv_diag_set(diag, "the anchor must be a root document");
    for (uint32_t i = 0; i < root->key_count; i++) {
        const hv_trusted_key *k = &root->keys[i].key;
        if (hv_key_fingerprint(&hv_crypto_bearssl, k->pub, k->pub_len,
                               fps[i]) != 0)
            return hv_fail(diag, HV_FAIL_INTERNAL,
                           "cannot compute a key fingerprint");
    }
    /* The trust area keeps them ascending (hvimage/flash.h). */
    qsort(fps, root->key_count, HV_ROOT_FP_SIZE, cmp_fp);
    out->fingerprints = (const uint8_t(*)[HV_ROOT_FP_SIZE])fps;
    out->count = root->key_count;
    out->threshold = root->threshold;
    out->version = root->version;
    return 0;
}
