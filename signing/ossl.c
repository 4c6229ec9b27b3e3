#include "ossl.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

static const hv_alg_info alg_table[] = {
    {HV_SIG_ECDSA_P256_SHA256, "ECDSA P-256", 1, NID_X9_62_prime256v1,
     "prime256v1", 0, HV_SCALAR_SIZE_P256, HV_SIG_SIZE_P256, HV_PUB_SIZE_P256,
     "SHA256", "sha256"},
    {HV_SIG_ECDSA_P384_SHA384, "ECDSA P-384", 1, NID_secp384r1, "secp384r1",
     0, HV_SCALAR_SIZE_P384, HV_SIG_SIZE_P384, HV_PUB_SIZE_P384, "SHA384",
     "sha384"},
    {HV_SIG_RSA3072_PKCS1_SHA256, "RSA-3072", 0, 0, NULL,
     8 * HV_MODULUS_SIZE_RSA3072, 0, HV_SIG_SIZE_RSA3072, HV_PUB_SIZE_RSA3072,
     "SHA256", "sha256"},
    {HV_SIG_RSA4096_PKCS1_SHA256, "RSA-4096", 0, 0, NULL,
     8 * HV_MODULUS_SIZE_RSA4096, 0, HV_SIG_SIZE_RSA4096, HV_PUB_SIZE_RSA4096,
     "SHA256", "sha256"},
};

/* see ossl.h */
const hv_alg_info *hv_alg_info_get(uint32_t sig_alg)
{
    for (size_t i = 0; i < sizeof alg_table / sizeof alg_table[0]; i++)
        if (alg_table[i].sig_alg == sig_alg)
            return &alg_table[i];
    return NULL;
}

/* see ossl.h */
const char *hv_ossl_error(char *buf, size_t len)
{
    unsigned long e = ERR_get_error();
    if (e == 0)
        snprintf(buf, len, "no details");
    else
        ERR_error_string_n(e, buf, len);
    ERR_clear_error();
    return buf;
}

/* see ossl.h */
EVP_PKEY *hv_evp_public_fromdata(const char *type, OSSL_PARAM_BLD *bld)
{
    EVP_PKEY *pkey = NULL;
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

/* Is the encoded point a point of the curve (not infinity)? Records become
 * the verifier's trust anchors, so this is checked here explicitly rather
 * than left to EVP_PKEY_fromdata's undocumented checks. */
static int ec_point_valid(const hv_alg_info *alg, const uint8_t *pt,
                          size_t len)
{
    EC_GROUP *g = EC_GROUP_new_by_curve_name(alg->ec_nid);
    EC_POINT *p = g ? EC_POINT_new(g) : NULL;
    int ok = p && EC_POINT_oct2point(g, p, pt, len, NULL) == 1 &&
             EC_POINT_is_at_infinity(g, p) == 0 &&
             EC_POINT_is_on_curve(g, p, NULL) == 1;
    EC_POINT_free(p);
    EC_GROUP_free(g);
    return ok;
}

/* see ossl.h */
EVP_PKEY *hv_pubkey_to_evp(const hv_pubkey *pub)
{
    const hv_alg_info *alg = hv_alg_info_get(pub->sig_alg);
    if (!alg || pub->pub_len != alg->pub_len)
        return NULL;

    EVP_PKEY *pkey = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    BIGNUM *n = NULL, *e = NULL;
    if (!bld)
        goto out;
    if (alg->is_ec) {
        /* Only the uncompressed form is a valid record. */
        if (pub->pub[0] != 0x04 || !ec_point_valid(alg, pub->pub, pub->pub_len))
            goto out;
        if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                             alg->group, 0) ||
            !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
                                              pub->pub, pub->pub_len))
            goto out;
        pkey = hv_evp_public_fromdata("EC", bld);
    } else {
        size_t mod_len = alg->sig_len;
        const uint8_t *ep = pub->pub + mod_len;
        uint32_t ev = (uint32_t)ep[0] << 24 | (uint32_t)ep[1] << 16 |
                      (uint32_t)ep[2] << 8 | ep[3];
        /* Same rules as hvboot.h: modulus of exactly the size, top bit
         * set; exponent odd and at least 3. */
        if (!(pub->pub[0] & 0x80) || ev < 3 || !(ev & 1))
            goto out;
        n = BN_bin2bn(pub->pub, (int)mod_len, NULL);
        e = BN_new();
        if (!n || !e || !BN_set_word(e, ev) ||
            !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
            !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
            goto out;
        pkey = hv_evp_public_fromdata("RSA", bld);
    }
out:
    BN_free(n);
    BN_free(e);
    OSSL_PARAM_BLD_free(bld);
    ERR_clear_error();
    return pkey;
}

/* see ossl.h */
int hv_ecdsa_bn_to_raw(const BIGNUM *r, const BIGNUM *s, size_t scalar_len,
                       uint8_t *raw)
{
    if (BN_is_zero(r) || BN_is_zero(s) || BN_is_negative(r) ||
        BN_is_negative(s) || (size_t)BN_num_bytes(r) > scalar_len ||
        (size_t)BN_num_bytes(s) > scalar_len)
        return -1;
    if (BN_bn2binpad(r, raw, (int)scalar_len) < 0 ||
        BN_bn2binpad(s, raw + scalar_len, (int)scalar_len) < 0)
        return -1;
    return 0;
}

/* Raw r || s to the DER that OpenSSL's ECDSA verify wants. Returns the DER
 * length with *der allocated (OPENSSL_free), or 0 on failure. */
static size_t ecdsa_raw_to_der(const uint8_t *raw, size_t scalar_len,
                               unsigned char **der)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, (int)scalar_len, NULL);
    BIGNUM *s = BN_bin2bn(raw + scalar_len, (int)scalar_len, NULL);
    int len = 0;
    *der = NULL;
    if (es && r && s && ECDSA_SIG_set0(es, r, s) == 1) {
        r = s = NULL; /* owned by |es| now */
        len = i2d_ECDSA_SIG(es, der);
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    if (len <= 0) {
        OPENSSL_free(*der);
        *der = NULL;
        return 0;
    }
    return (size_t)len;
}

/* see ossl.h */
int hv_verify_formatted(EVP_PKEY *pkey, const hv_alg_info *alg,
                        const uint8_t *tbs, size_t tbs_len, const uint8_t *sig,
                        size_t sig_len)
{
    return hv_verify_formatted_md(pkey, alg, alg->md, tbs, tbs_len, sig,
                                  sig_len);
}

/* see ossl.h */
int hv_verify_formatted_md(EVP_PKEY *pkey, const hv_alg_info *alg,
                           const char *md, const uint8_t *tbs, size_t tbs_len,
                           const uint8_t *sig, size_t sig_len)
{
    int ok = 0;
    unsigned char *der = NULL;
    const unsigned char *vsig = sig;
    size_t vlen = sig_len;
    EVP_MD_CTX *mctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;

    /* The format has exactly one length per algorithm; never let OpenSSL
     * be lenient about it. */
    if (sig_len != alg->sig_len)
        goto out;
    if (alg->is_ec) {
        vlen = ecdsa_raw_to_der(sig, alg->scalar_len, &der);
        if (vlen == 0)
            goto out;
        vsig = der;
    }
    mctx = EVP_MD_CTX_new();
    if (!mctx ||
        EVP_DigestVerifyInit_ex(mctx, &pctx, md, NULL, NULL, pkey,
                                NULL) != 1)
        goto out;
    if (!alg->is_ec && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0)
        goto out;
    ok = EVP_DigestVerify(mctx, vsig, vlen, tbs, tbs_len) == 1;
out:
    EVP_MD_CTX_free(mctx);
    OPENSSL_free(der);
    ERR_clear_error();
    return ok;
}
