/* Trust-block crafting (tcraft.h). */
#include "tcraft.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "hvimage/codec.h"

fixture F;

_Noreturn void tdie(const char *what)
{
    fprintf(stderr, "tcraft: %s\n", what);
    exit(2);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        tdie("out of memory");
    return p;
}

void sha(uint32_t digest_alg, const void *p, size_t n, uint8_t *out)
{
    if (digest_alg == HV_DIGEST_SHA384)
        SHA384(p, n, out);
    else
        SHA256(p, n, out);
}

/* ---- keys ---------------------------------------------------------------- */

static uint32_t alg_of(EVP_PKEY *pk)
{
    if (EVP_PKEY_is_a(pk, "EC")) {
        char group[64];
        size_t len;
        if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
                                            group, sizeof group, &len))
            tdie("EC key without a named group");
        if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
            return HV_SIG_ECDSA_P256_SHA256;
        if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
            return HV_SIG_ECDSA_P384_SHA384;
        tdie("unsupported curve");
    }
    if (EVP_PKEY_is_a(pk, "RSA"))
        return EVP_PKEY_get_bits(pk) == 3072 ? HV_SIG_RSA3072_PKCS1_SHA256
                                             : HV_SIG_RSA4096_PKCS1_SHA256;
    tdie("unsupported key type");
    return 0;
}

/* id, pub and fingerprint from the key's public half. */
static void tkey_fill(tkey *k)
{
    k->alg = alg_of(k->pk);
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k->pk, &der);
    if (n <= 0)
        tdie("i2d_PUBKEY");
    SHA256(der, (size_t)n, k->id);
    OPENSSL_free(der);
    if (k->alg == HV_SIG_ECDSA_P256_SHA256 ||
        k->alg == HV_SIG_ECDSA_P384_SHA384) {
        if (!EVP_PKEY_set_utf8_string_param(
                k->pk, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                "uncompressed") ||
            !EVP_PKEY_get_octet_string_param(
                k->pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, k->pub,
                sizeof k->pub, &k->pub_len))
            tdie("EC public point");
    } else {
        BIGNUM *nn = NULL, *e = NULL;
        size_t mod = hv_sig_size(k->alg);
        if (!EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_RSA_N, &nn) ||
            !EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_RSA_E, &e) ||
            BN_bn2binpad(nn, k->pub, (int)mod) != (int)mod ||
            BN_bn2binpad(e, k->pub + mod, 4) != 4)
            tdie("RSA public key");
        BN_free(nn);
        BN_free(e);
        k->pub_len = mod + 4;
    }
    if (k->pub_len != hv_pubkey_size(k->alg))
        tdie("public key size");
    SHA256(k->pub, k->pub_len, k->fp);
}

void tkey_gen(tkey *k, uint32_t alg)
{
    memset(k, 0, sizeof *k);
    switch (alg) {
    case HV_SIG_ECDSA_P256_SHA256:
        k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
        break;
    case HV_SIG_ECDSA_P384_SHA384:
        k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
        break;
    case HV_SIG_RSA3072_PKCS1_SHA256:
        k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
        break;
    default:
        k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
    }
    if (!k->pk)
        tdie("keygen");
    tkey_fill(k);
}

void tkey_load(tkey *k, const char *path)
{
    memset(k, 0, sizeof *k);
    FILE *fp = fopen(path, "r");
    if (!fp)
        tdie(path);
    k->pk = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
    fclose(fp);
    if (!k->pk)
        tdie(path);
    tkey_fill(k);
}

void tkey_free(tkey *k)
{
    EVP_PKEY_free(k->pk);
    memset(k, 0, sizeof *k);
}

size_t tkey_sign(const tkey *k, const uint8_t *msg, size_t len,
                 uint8_t sig[HV_SIG_MAX_SIZE])
{
    const EVP_MD *md =
        hv_sig_digest(k->alg) == HV_DIGEST_SHA384 ? EVP_sha384() : EVP_sha256();
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char der[HV_SIG_MAX_SIZE + 16];
    size_t dlen = sizeof der;
    if (!ctx || EVP_DigestSignInit(ctx, NULL, md, NULL, k->pk) != 1 ||
        EVP_DigestSign(ctx, der, &dlen, msg, len) != 1)
        tdie("sign");
    EVP_MD_CTX_free(ctx);
    size_t want = hv_sig_size(k->alg);
    if (k->alg == HV_SIG_RSA3072_PKCS1_SHA256 ||
        k->alg == HV_SIG_RSA4096_PKCS1_SHA256) {
        if (dlen != want)
            tdie("RSA signature size");
        memcpy(sig, der, dlen);
        return dlen;
    }
    const unsigned char *q = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &q, (long)dlen);
    if (!es)
        tdie("ECDSA DER");
    const BIGNUM *r, *s;
    ECDSA_SIG_get0(es, &r, &s);
    int half = (int)want / 2;
    if (BN_bn2binpad(r, sig, half) != half ||
        BN_bn2binpad(s, sig + half, half) != half)
        tdie("ECDSA scalar");
    ECDSA_SIG_free(es);
    return want;
}

uint8_t *tkey_explicit_spki(const tkey *k, size_t *len)
{
    EVP_PKEY *dup = EVP_PKEY_dup(k->pk);
    if (!dup || !EVP_PKEY_set_utf8_string_param(dup,
                                                OSSL_PKEY_PARAM_EC_ENCODING,
                                                OSSL_PKEY_EC_ENCODING_EXPLICIT))
        tdie("explicit curve encoding");
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(dup, &der);
    if (n <= 0)
        tdie("explicit SPKI");
    uint8_t *out = xmalloc((size_t)n);
    memcpy(out, der, (size_t)n);
    OPENSSL_free(der);
    EVP_PKEY_free(dup);
    *len = (size_t)n;
    return out;
}

size_t tkey_compressed(const tkey *k, uint8_t out[HV_PUB_MAX_SIZE])
{
    /* SEC 1 2.3.3 by hand (OpenSSL 3.0 ignores a conversion format set on
     * a provider key when it encodes the public key): 0x02 or 0x03 by the
     * parity of Y, then X. */
    if (k->alg != HV_SIG_ECDSA_P256_SHA256 &&
        k->alg != HV_SIG_ECDSA_P384_SHA384)
        tdie("compressed point of a non-EC key");
    size_t coord = (k->pub_len - 1) / 2;
    out[0] = (uint8_t)(0x02 | (k->pub[k->pub_len - 1] & 1));
    memcpy(out + 1, k->pub + 1, coord);
    return 1 + coord;
}

void tkey_from_spki(tkey *k, const uint8_t *der, size_t len)
{
    memset(k, 0, sizeof *k);
    const unsigned char *q = der;
    k->pk = d2i_PUBKEY(NULL, &q, (long)len);
    if (!k->pk || q != der + len)
        tdie("d2i_PUBKEY");
    /* The group of an explicit-curve key may come back unnamed; the
     * algorithm then follows from the field size. */
    char group[64];
    size_t glen;
    if (EVP_PKEY_get_utf8_string_param(k->pk, OSSL_PKEY_PARAM_GROUP_NAME,
                                       group, sizeof group, &glen)) {
        tkey_fill(k);
    } else {
        k->alg = EVP_PKEY_get_bits(k->pk) == 256 ? HV_SIG_ECDSA_P256_SHA256
                                                  : HV_SIG_ECDSA_P384_SHA384;
        if (!EVP_PKEY_set_utf8_string_param(
                k->pk, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                "uncompressed") ||
            !EVP_PKEY_get_octet_string_param(
                k->pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, k->pub,
                sizeof k->pub, &k->pub_len))
            tdie("explicit EC point");
        SHA256(k->pub, k->pub_len, k->fp);
    }
    SHA256(der, len, k->id);
}

void keyrec(uint8_t rec[HV_KEYREC_SIZE], const tkey *k, const uint8_t *id,
            uint32_t alg)
{
    memset(rec, 0, HV_KEYREC_SIZE);
    memcpy(rec + HV_KEYREC_OFF_KEY_ID, id ? id : k->id, HV_KEY_ID_SIZE);
    hv_put_le32(rec + HV_KEYREC_OFF_SIG_ALG, alg ? alg : k->alg);
    hv_put_le32(rec + HV_KEYREC_OFF_PUB_LEN, (uint32_t)k->pub_len);
    memcpy(rec + HV_KEYREC_OFF_PUB, k->pub, k->pub_len);
}

/* ---- documents ----------------------------------------------------------- */

static void doc_header(tdoc *d, const char *magic, size_t body,
                       uint32_t slots)
{
    memset(d, 0, sizeof *d);
    memcpy(d->b + HV_DOC_OFF_MAGIC, magic, 8);
    hv_put_le32(d->b + HV_DOC_OFF_VERSION, HV_DOC_VERSION);
    hv_put_le32(d->b + HV_DOC_OFF_BODY_SIZE, (uint32_t)body);
    hv_put_le32(d->b + HV_DOC_OFF_SIG_SLOTS, slots);
    d->tbs_len = HV_DOC_HEADER_SIZE + body;
    d->slots = slots;
}

static int id_cmp(const void *a, const void *b)
{
    const tkey *const *x = a, *const *y = b;
    return memcmp((*x)->id, (*y)->id, HV_KEY_ID_SIZE);
}

void tdoc_root(tdoc *d, uint64_t version, uint32_t threshold,
               const tkey *const *keys, uint32_t n, uint32_t slots)
{
    const tkey *sorted[16];
    if (n > 16)
        tdie("too many keys");
    memcpy(sorted, keys, n * sizeof *keys);
    qsort(sorted, n, sizeof *sorted, id_cmp);
    doc_header(d, HV_ROOT_MAGIC, HV_ROOT_FIXED_SIZE + n * HV_KEYREC_SIZE,
               slots);
    uint8_t *b = tdoc_body(d);
    hv_put_le64(b + HV_ROOT_OFF_VERSION, version);
    hv_put_le32(b + HV_ROOT_OFF_THRESHOLD, threshold);
    hv_put_le32(b + HV_ROOT_OFF_KEY_COUNT, n);
    for (uint32_t i = 0; i < n; i++)
        keyrec(tdoc_key(d, i), sorted[i], NULL, 0);
}

static int text_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int ent_cmp(const void *a, const void *b)
{
    const tent *x = a, *y = b;
    return memcmp(x->id ? x->id : x->k->id, y->id ? y->id : y->k->id,
                  HV_KEY_ID_SIZE);
}

static uint32_t put_texts(uint8_t *dst, const char *const *list, size_t max)
{
    const char *sorted[16];
    uint32_t n = 0;
    while (n < max && list[n])
        sorted[n] = list[n], n++;
    qsort(sorted, n, sizeof *sorted, text_cmp);
    for (uint32_t i = 0; i < n; i++)
        memcpy(dst + (size_t)i * 32, sorted[i], strlen(sorted[i]));
    return n;
}

void tdoc_keyring(tdoc *d, uint64_t version, uint64_t root_version,
                  uint64_t min_epoch, const tent *ents, uint32_t n,
                  uint32_t slots)
{
    tent sorted[16];
    if (n > 16)
        tdie("too many entries");
    memcpy(sorted, ents, n * sizeof *ents);
    qsort(sorted, n, sizeof *sorted, ent_cmp);
    doc_header(d, HV_KEYRING_MAGIC,
               HV_KEYRING_FIXED_SIZE + n * HV_KEYRING_ENTRY_SIZE, slots);
    uint8_t *b = tdoc_body(d);
    hv_put_le64(b + HV_KEYRING_OFF_VERSION, version);
    hv_put_le64(b + HV_KEYRING_OFF_ROOT_VERSION, root_version);
    hv_put_le64(b + HV_KEYRING_OFF_MIN_EPOCH, min_epoch);
    hv_put_le32(b + HV_KEYRING_OFF_KEY_COUNT, n);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = tdoc_key(d, i);
        keyrec(e + HV_KENT_OFF_KEY, sorted[i].k, sorted[i].id, 0);
        hv_put_le64(e + HV_KENT_OFF_EPOCH, sorted[i].epoch);
        hv_put_le32(e + HV_KENT_OFF_OEM_COUNT,
                    put_texts(e + HV_KENT_OFF_OEMS, sorted[i].oems,
                              HV_SCOPE_MAX_OEMS));
        hv_put_le32(e + HV_KENT_OFF_BOARD_COUNT,
                    put_texts(e + HV_KENT_OFF_BOARDS, sorted[i].boards,
                              HV_SCOPE_MAX_BOARDS));
    }
}

size_t tdoc_size(const tdoc *d)
{
    return d->tbs_len + (size_t)d->slots * HV_SIG_SLOT_SIZE;
}

uint8_t *tdoc_body(tdoc *d)
{
    return d->b + HV_DOC_HEADER_SIZE;
}

uint8_t *tdoc_key(tdoc *d, uint32_t i)
{
    int root = memcmp(d->b, HV_ROOT_MAGIC, 8) == 0;
    return tdoc_body(d) +
           (root ? HV_ROOT_FIXED_SIZE + (size_t)i * HV_KEYREC_SIZE
                 : HV_KEYRING_FIXED_SIZE + (size_t)i * HV_KEYRING_ENTRY_SIZE);
}

uint8_t *tdoc_slot(tdoc *d, uint32_t i)
{
    return d->b + d->tbs_len + (size_t)i * HV_SIG_SLOT_SIZE;
}

void tdoc_set_slots(tdoc *d, uint32_t slots)
{
    if (d->tbs_len + (size_t)slots * HV_SIG_SLOT_SIZE > sizeof d->b)
        tdie("slots");
    hv_put_le32(d->b + HV_DOC_OFF_SIG_SLOTS, slots);
    if (slots > d->slots)
        memset(tdoc_slot(d, d->slots), 0,
               (size_t)(slots - d->slots) * HV_SIG_SLOT_SIZE);
    d->slots = slots;
}

void tdoc_sig_as(tdoc *d, const tkey *k, const uint8_t *id)
{
    if (d->filled >= d->slots)
        tdie("no free slot");
    uint8_t *s = tdoc_slot(d, d->filled++);
    memset(s, 0, HV_SIG_SLOT_SIZE);
    memcpy(s + HV_SIG_OFF_KEY_ID, id ? id : k->id, HV_KEY_ID_SIZE);
    size_t n = tkey_sign(k, d->b, d->tbs_len, s + HV_SIG_OFF_SIG);
    hv_put_le32(s + HV_SIG_OFF_SIG_LEN, (uint32_t)n);
}

void tdoc_sign(tdoc *d, const tkey *const *keys, uint32_t n)
{
    const tkey *sorted[16];
    if (n > 16)
        tdie("too many signers");
    memcpy(sorted, keys, n * sizeof *keys);
    qsort(sorted, n, sizeof *sorted, id_cmp);
    for (uint32_t i = 0; i < n; i++)
        tdoc_sig_as(d, sorted[i], NULL);
}

/* ---- blocks -------------------------------------------------------------- */

void tbuf_add(tbuf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 4096;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            tdie("out of memory");
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

void tbuf_doc(tbuf *b, const tdoc *d)
{
    tbuf_add(b, d->b, tdoc_size(d));
}

void tbuf_free(tbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* ---- images -------------------------------------------------------------- */

void tcraft_setup(void)
{
    if (fixture_build(&F, HV_SIG_ECDSA_P256_SHA256, 16, 4096) != 0)
        tdie("fixture");
}

void tcraft_teardown(void)
{
    fixture_free(&F);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static void sign_block(timg *m, const tkey *const *signers, uint32_t n,
                       uint32_t slots)
{
    const tkey *sorted[16];
    if (n > slots || n > 16)
        tdie("more signers than slots");
    memcpy(sorted, signers, n * sizeof *signers);
    qsort(sorted, n, sizeof *sorted, id_cmp);
    uint8_t *blk = m->p + m->sig_off;
    memset(blk, 0, (size_t)slots * HV_SIG_SLOT_SIZE);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *s = blk + (size_t)i * HV_SIG_SLOT_SIZE;
        memcpy(s + HV_SIG_OFF_KEY_ID, sorted[i]->id, HV_KEY_ID_SIZE);
        size_t len = tkey_sign(sorted[i], m->p, m->tbs_len, s + HV_SIG_OFF_SIG);
        hv_put_le32(s + HV_SIG_OFF_SIG_LEN, (uint32_t)len);
    }
}

void timg_make(timg *out, const uint8_t *block, size_t block_len,
               int binding, const tkey *const *signers, uint32_t n,
               uint32_t slots, void (*edit_tbs)(uint8_t *tbs, size_t len))
{
    hv_header h;
    static hv_image_info info;
    if (hv_parse_header(F.image, &h) != HV_OK ||
        hv_parse_metadata(F.image, HV_HEADER_SIZE + h.metadata_size, &info) !=
            HV_OK)
        tdie("base image");
    size_t tbs_len = HV_HEADER_SIZE + h.metadata_size;
    uint64_t sig_off = tbs_len;
    uint64_t blk_off = hv_sig_block_end(h.metadata_size, slots);
    uint64_t pos = blk_off + block_len;
    uint64_t offs[HV_MAX_SECTIONS];
    for (uint32_t i = 0; i < info.section_count; i++) {
        const hv_section *s = &info.sections[i];
        pos = align_up(pos, info.section_align);
        offs[i] = pos;
        pos += s->table_size + s->stored_size;
    }
    memset(out, 0, sizeof *out);
    out->len = (size_t)pos;
    out->p = calloc(1, out->len);
    if (!out->p)
        tdie("out of memory");
    out->sig_off = sig_off;
    out->block_off = blk_off;
    out->tbs_len = tbs_len;
    memcpy(out->p, F.image, tbs_len);
    uint8_t *hdr = out->p;
    hv_put_le32(hdr + HV_HDR_OFF_SIGNATURE_SLOTS, slots);
    hv_put_le64(hdr + HV_HDR_OFF_IMAGE_SIZE, pos);
    uint8_t *meta = out->p + HV_HEADER_SIZE;
    memset(meta + HV_META_OFF_TRUST_DIGEST, 0, HV_DIGEST_MAX_SIZE);
    if (block && binding) {
        hv_put_le32(hdr + HV_HDR_OFF_TRUST_SIZE, (uint32_t)block_len);
        sha(info.digest_alg, block, block_len, meta + HV_META_OFF_TRUST_DIGEST);
    }
    for (uint32_t i = 0; i < info.section_count; i++) {
        const hv_section *s = &info.sections[i];
        uint8_t *e = meta + HV_META_FIXED_SIZE +
                     (size_t)i * HV_SECTION_ENTRY_SIZE;
        hv_put_le64(e + HV_SEC_OFF_OFFSET, offs[i]);
        memcpy(out->p + offs[i], F.image + s->offset,
               (size_t)(s->table_size + s->stored_size));
    }
    if (block)
        memcpy(out->p + blk_off, block, block_len);
    if (edit_tbs)
        edit_tbs(out->p, tbs_len);
    sign_block(out, signers, n, slots);
}

void timg_resign(timg *m, const tkey *const *signers, uint32_t n)
{
    sign_block(m, signers, n, hv_le32(m->p + HV_HDR_OFF_SIGNATURE_SLOTS));
}

uint8_t *timg_slot(timg *m, uint32_t i)
{
    return m->p + m->sig_off + (size_t)i * HV_SIG_SLOT_SIZE;
}

void timg_free(timg *m)
{
    free(m->p);
    memset(m, 0, sizeof *m);
}

/* ---- verifying ----------------------------------------------------------- */

static int fp_cmp(const void *a, const void *b)
{
    return memcmp(a, b, HV_ROOT_FP_SIZE);
}

void troots_set(troots *r, const tkey *const *keys, uint32_t n,
                uint32_t threshold, uint64_t version)
{
    memset(r, 0, sizeof *r);
    if (n > HV_ROOT_MAX_KEYS)
        tdie("too many roots");
    for (uint32_t i = 0; i < n; i++)
        memcpy(r->fps[i], keys[i]->fp, HV_ROOT_FP_SIZE);
    qsort(r->fps, n, HV_ROOT_FP_SIZE, fp_cmp);
    r->roots.fingerprints = (const uint8_t(*)[HV_ROOT_FP_SIZE])r->fps;
    r->roots.count = n;
    r->roots.threshold = threshold;
    r->roots.version = version;
}

hv_policy tpolicy(const troots *r, size_t len, uint32_t min_sigs)
{
    hv_policy p = {.keys = NULL,
                   .key_count = 0,
                   .min_signatures = min_sigs,
                   .oem_id = NULL,
                   .region_size = len,
                   .exact_size = 1,
                   .roots = r ? &r->roots : NULL};
    return p;
}

hv_result tverify(const timg *m, const hv_policy *pol, hv_verdict *v)
{
    return tverify_on(m, pol, F.board, v);
}

hv_result tverify_on(const timg *m, const hv_policy *pol, const char *board,
                     hv_verdict *v)
{
    static hv_workspace ws;
    mem_platform p;
    mem_platform_init(&p, m->p, m->len, board, 0);
    hv_ops ops = mem_platform_ops(&p);
    hv_policy pp = *pol;
    pp.region_size = m->len;
    hv_result r = hv_verify(&ops, &hv_crypto_bearssl, &pp, &ws, v);
    /* The platform contract holds on every path: no byte read twice. */
    for (size_t i = 0; i < m->len; i++)
        if (p.reads[i] > 1)
            tdie("a byte was read twice");
    mem_platform_free(&p);
    return r;
}

hv_result tblock(const uint8_t *blk, size_t len, const hv_policy *pol,
                 hv_trust_result *res)
{
    static hv_doc docs[2], keyring;
    return hv_trust_block_verify(&hv_crypto_bearssl, pol, blk, len, docs,
                                 &keyring, res);
}
