#include "trust_bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* see trust_bundle.h */
int hv_bundle_parse(const char *name, const uint8_t *p, size_t len,
                    hv_bundle *out, hv_diag *diag)
{
    size_t off = 0;
    memset(out, 0, sizeof *out);
    out->bytes = p;
    out->len = len;
    if (len < HV_MIN_TRUST_BLOCK_SIZE || len > HV_MAX_TRUST_BLOCK_SIZE)
        return hv_diag_set(diag, "%s: %zu bytes; a trust block has %u to %u",
                           name, len, HV_MIN_TRUST_BLOCK_SIZE,
                           HV_MAX_TRUST_BLOCK_SIZE);
    for (;;) {
        hv_doc doc;
        if (off == len)
            return hv_diag_set(diag, "%s: byte offset %zu: the block ends "
                               "without a keyring document", name, off);
        if (hv_doc_parse(p + off, len - off, &doc) != HV_OK)
            return hv_diag_set(diag, "%s: byte offset %zu: not a well-formed "
                               "root or keyring document (%s)", name, off,
                               hv_result_name(HV_ERR_TRUST_BLOCK));
        if (doc.kind == HV_DOC_KEYRING) {
            if (out->root_count == 0)
                return hv_diag_set(diag, "%s: byte offset %zu: a keyring "
                                   "before any root document; the block "
                                   "starts with the device's root", name,
                                   off);
            uint64_t newest = out->roots[out->root_count - 1].version;
            if (doc.root_version != newest)
                return hv_diag_set(diag, "%s: byte offset %zu: the keyring "
                                   "names root version %llu, the newest "
                                   "root of the block is %llu", name, off,
                                   (unsigned long long)doc.root_version,
                                   (unsigned long long)newest);
            out->keyring = doc;
            out->keyring_offset = off;
            off += doc.size;
            break;
        }
        if (out->root_count == HV_MAX_ROOT_CHAIN)
            return hv_diag_set(diag, "%s: byte offset %zu: more than %u root "
                               "documents", name, off, HV_MAX_ROOT_CHAIN);
        if (out->root_count > 0 &&
            doc.version != out->roots[out->root_count - 1].version + 1)
            return hv_diag_set(diag, "%s: byte offset %zu: root version %llu "
                               "follows root version %llu; versions go up "
                               "one at a time", name, off,
                               (unsigned long long)doc.version,
                               (unsigned long long)out->roots[out->root_count -
                                                              1].version);
        out->root_offset[out->root_count] = off;
        out->roots[out->root_count++] = doc;
        off += doc.size;
    }
    if (off != len)
        return hv_diag_set(diag, "%s: byte offset %zu: %zu bytes after the "
                           "keyring; nothing may follow it", name, off,
                           len - off);
    return 0;
}

/* see trust_bundle.h */
int hv_bundle_load(const char *path, hv_bundle *out, hv_diag *diag)
{
    struct stat st;
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return hv_fail_errno(diag, errno, path, "cannot open the trust block");
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return hv_diag_set(diag, "%s: the trust block is not a regular file",
                           path);
    }
    if (st.st_size < HV_MIN_TRUST_BLOCK_SIZE ||
        st.st_size > HV_MAX_TRUST_BLOCK_SIZE) {
        fclose(f);
        return hv_diag_set(diag, "%s: %lld bytes; a trust block has %u to %u",
                           path, (long long)st.st_size,
                           HV_MIN_TRUST_BLOCK_SIZE, HV_MAX_TRUST_BLOCK_SIZE);
    }
    size_t len = (size_t)st.st_size;
    uint8_t *buf = malloc(len);
    if (!buf) {
        fclose(f);
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    size_t got = fread(buf, 1, len, f);
    int err = ferror(f) ? errno : 0;
    fclose(f);
    if (got != len) {
        free(buf);
        return err ? hv_fail_errno(diag, err, path, "read failed")
                   : hv_fail(diag, HV_FAIL_IO, "%s: the file shrank while "
                             "being read", path);
    }
    int rc = hv_bundle_parse(path, buf, len, out, diag);
    out->owned = buf;
    return rc;
}

void hv_bundle_free(hv_bundle *b)
{
    free(b->owned);
    memset(b, 0, sizeof *b);
}

/* see trust_bundle.h */
const hv_doc_key *hv_bundle_find_key(const hv_doc *keyring,
                                     const hv_pubkey *k)
{
    for (uint32_t i = 0; i < keyring->key_count; i++) {
        const hv_doc_key *e = &keyring->keys[i];
        if (e->key.sig_alg == k->sig_alg && e->key.pub_len == k->pub_len &&
            memcmp(e->key.pub, k->pub, k->pub_len) == 0)
            return e;
    }
    return NULL;
}

static int listed(const char (*list)[HV_BOARD_ID_SIZE + 1], uint32_t n,
                  const char *s)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

/* see trust_bundle.h */
int hv_bundle_check_signer(const char *name, const hv_bundle *b,
                           const hv_pubkey *k, const char *oem,
                           const char (*boards)[HV_BOARD_ID_SIZE + 1],
                           size_t board_count, hv_diag *diag)
{
    char hex[65];
    const hv_doc *ring = &b->keyring;
    hv_key_id_hex(k->key_id, hex);
    const hv_doc_key *e = hv_bundle_find_key(ring, k);
    if (!e)
        return hv_diag_set(diag, "%s: signing key %s is not in the keyring "
                           "(version %llu); no device would accept its "
                           "signature [%s]", name, hex,
                           (unsigned long long)ring->version,
                           hv_result_name(HV_ERR_UNTRUSTED_KEY));
    if (e->epoch < ring->min_epoch)
        return hv_diag_set(diag, "%s: signing key %s has epoch %llu, below "
                           "the keyring's min_epoch %llu: it is revoked [%s]",
                           name, hex, (unsigned long long)e->epoch,
                           (unsigned long long)ring->min_epoch,
                           hv_result_name(HV_ERR_REVOKED_KEY));
    if (!listed(e->oems, e->oem_count, oem)) {
        char scope[HV_SCOPE_MAX_OEMS * (HV_OEM_ID_SIZE + 1) + 1] = "";
        for (uint32_t i = 0; i < e->oem_count; i++) {
            strcat(scope, i ? " " : "");
            strcat(scope, e->oems[i]);
        }
        return hv_diag_set(diag, "%s: signing key %s may not sign for OEM "
                           "'%s' (its OEMs: %s) [%s]", name, hex, oem, scope,
                           hv_result_name(HV_ERR_KEY_SCOPE));
    }
    for (size_t i = 0; e->board_count > 0 && i < board_count; i++)
        if (!listed(e->boards, e->board_count, boards[i]))
            return hv_diag_set(diag, "%s: signing key %s may not sign for "
                               "board '%s', one of the image's boards [%s]",
                               name, hex, boards[i],
                               hv_result_name(HV_ERR_KEY_SCOPE));
    return 0;
}

/* see trust_bundle.h */
int hv_bundle_digest(const hv_bundle *b, uint32_t digest_alg,
                     uint8_t out[HV_DIGEST_MAX_SIZE], hv_diag *diag)
{
    hv_hash_ctx ctx;
    memset(out, 0, HV_DIGEST_MAX_SIZE);
    if (hv_crypto_bearssl.hash_init(&ctx, digest_alg) != 0)
        return hv_fail(diag, HV_FAIL_INTERNAL, "internal error: digest %u "
                       "unavailable", digest_alg);
    hv_crypto_bearssl.hash_update(&ctx, b->bytes, b->len);
    hv_crypto_bearssl.hash_final(&ctx, out);
    return 0;
}

static int cmp_fp(const void *a, const void *b)
{
    return memcmp(a, b, HV_ROOT_FP_SIZE);
}

/* Sort the fingerprints and refuse one key twice. */
static int anchor_finish(hv_root_anchor *out, size_t n, uint32_t threshold,
                         uint64_t version, const char *const *names,
                         hv_diag *diag)
{
    /* Sorting loses which name went with which: find the pair first. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (memcmp(out->fp[i], out->fp[j], HV_ROOT_FP_SIZE) == 0)
                return hv_diag_set(diag, "root keys %s and %s are the same "
                                   "public key; a root key counts once",
                                   names[i], names[j]);
    qsort(out->fp, n, HV_ROOT_FP_SIZE, cmp_fp);
    out->roots.fingerprints = (const uint8_t(*)[HV_ROOT_FP_SIZE])out->fp;
    out->roots.count = n;
    out->roots.threshold = threshold;
    out->roots.version = version;
    return 0;
}

/* see trust_bundle.h */
int hv_root_anchor_from_keys(const hv_pubkey *keys, size_t n,
                             const char *const *names, uint32_t threshold,
                             uint64_t version, hv_root_anchor *out,
                             hv_diag *diag)
{
    memset(out, 0, sizeof *out);
    if (n < 1 || n > HV_ROOT_MAX_KEYS)
        return hv_diag_set(diag, "%zu root keys; a device holds 1 to %u", n,
                           HV_ROOT_MAX_KEYS);
    if (threshold < 1 || threshold > n || version < 1)
        return hv_diag_set(diag, "root threshold %u of %zu keys, version "
                           "%llu: the threshold must be 1 to the key count "
                           "and the version at least 1", threshold, n,
                           (unsigned long long)version);
    for (size_t i = 0; i < n; i++)
        if (hv_key_fingerprint(&hv_crypto_bearssl, keys[i].pub,
                               keys[i].pub_len, out->fp[i]) != 0)
            return hv_fail(diag, HV_FAIL_INTERNAL, "internal error: SHA-256 "
                           "unavailable");
    return anchor_finish(out, n, threshold, version, names, diag);
}

/* see trust_bundle.h */
int hv_root_anchor_load(const char *path, hv_root_anchor *out,
                        hv_diag *diag)
{
    hv_bundle raw;
    hv_doc doc;
    const char *names[HV_ROOT_MAX_KEYS];
    memset(out, 0, sizeof *out);
    /* Read like a bundle (size limits, regular file), parse one document. */
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (!f)
        return hv_fail_errno(diag, errno, path, "cannot open the root");
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size < HV_DOC_HEADER_SIZE ||
        st.st_size > HV_MAX_TRUST_BLOCK_SIZE) {
        fclose(f);
        return hv_diag_set(diag, "%s: not a root document (a regular file "
                           "of %u to %u bytes)", path, HV_DOC_HEADER_SIZE,
                           HV_MAX_TRUST_BLOCK_SIZE);
    }
    memset(&raw, 0, sizeof raw);
    raw.len = (size_t)st.st_size;
    raw.owned = malloc(raw.len);
    if (!raw.owned) {
        fclose(f);
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    size_t got = fread(raw.owned, 1, raw.len, f);
    fclose(f);
    int rc = 0;
    if (got != raw.len)
        rc = hv_fail(diag, HV_FAIL_IO, "%s: read failed", path);
    else if (hv_doc_parse(raw.owned, raw.len, &doc) != HV_OK ||
             doc.size != raw.len)
        rc = hv_diag_set(diag, "%s: byte offset 0: not one well-formed root "
                         "document (%s)", path,
                         hv_result_name(HV_ERR_TRUST_BLOCK));
    else if (doc.kind != HV_DOC_ROOT)
        rc = hv_diag_set(diag, "%s: byte offset 0: a keyring, not a root "
                         "document", path);
    if (rc == 0) {
        for (uint32_t i = 0; i < doc.key_count; i++) {
            names[i] = path;
            if (hv_key_fingerprint(&hv_crypto_bearssl, doc.keys[i].key.pub,
                                   doc.keys[i].key.pub_len, out->fp[i]) != 0)
                rc = hv_fail(diag, HV_FAIL_INTERNAL, "internal error: "
                             "SHA-256 unavailable");
        }
    }
    if (rc == 0)
        rc = anchor_finish(out, doc.key_count, doc.threshold, doc.version,
                           names, diag);
    free(raw.owned);
    return rc;
}
