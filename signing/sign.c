#include "signing.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "ossl.h"
#include "pkcs11.h"

/* DER ECDSA-Sig-Value from OpenSSL to the format's raw r || s. */
static int der_to_raw(const unsigned char *der, size_t der_len,
                      size_t scalar_len, uint8_t *raw)
{
    const unsigned char *p = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    int rc = -1;
    if (es) {
        const BIGNUM *r, *s;
        ECDSA_SIG_get0(es, &r, &s);
        rc = hv_ecdsa_bn_to_raw(r, s, scalar_len, raw);
    }
    ECDSA_SIG_free(es);
    return rc;
}

/*
 * A token key: hash here, sign the digest in the token. CKM_ECDSA returns
 * raw r || s and CKM_RSA_PKCS the modulus length, both the format's
 * encoding already; anything of another length is the token's error.
 */
static int sign_p11(hv_signer *s, const uint8_t *tbs, size_t tbs_len,
                    uint8_t sig[HV_SIG_MAX_SIZE], hv_diag *diag)
{
    const hv_alg_info *alg = s->alg;
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned dlen = 0;
    size_t n = 0;
    char why[256];
    EVP_MD *md = EVP_MD_fetch(NULL, alg->md, NULL);
    int ok = md && EVP_Digest(tbs, tbs_len, digest, &dlen, md, NULL) == 1;
    EVP_MD_free(md);
    if (!ok)
        return hv_diag_set(diag, "%s: hashing failed: %s", s->path,
                           hv_ossl_error(why, sizeof why));
    if (hv_p11_sign(s->p11, alg->sig_alg, digest, dlen, sig, HV_SIG_MAX_SIZE,
                    &n, diag) != 0)
        return -1;
    if (n != alg->sig_len)
        return hv_diag_set(diag, "%s: the token returned a %zu-byte %s "
                           "signature (expected %zu)", s->path, n, alg->name,
                           alg->sig_len);
    return 0;
}

/* see signing.h */
int hv_signer_sign(hv_signer *s, const uint8_t *tbs, size_t tbs_len,
                   uint8_t sig[HV_SIG_MAX_SIZE], size_t *sig_len,
                   hv_diag *diag)
{
    const hv_alg_info *alg = s->alg;
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    EVP_PKEY *pub = NULL;
    unsigned char *out = NULL;
    size_t out_len = 0;
    char why[256];
    int rc = -1;

    *sig_len = 0;
    if (s->p11) {
        if (sign_p11(s, tbs, tbs_len, sig, diag) != 0)
            goto out;
    } else if (!mctx ||
               EVP_DigestSignInit_ex(mctx, &pctx, alg->md, NULL, NULL,
                                     s->pkey, NULL) != 1 ||
               (!alg->is_ec &&
                EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0) ||
               EVP_DigestSign(mctx, NULL, &out_len, tbs, tbs_len) != 1 ||
               !(out = OPENSSL_malloc(out_len)) ||
               EVP_DigestSign(mctx, out, &out_len, tbs, tbs_len) != 1) {
        hv_diag_set(diag, "%s: signing failed: %s", s->path,
                    hv_ossl_error(why, sizeof why));
        goto out;
    } else if (alg->is_ec) {
        if (der_to_raw(out, out_len, alg->scalar_len, sig) != 0) {
            hv_diag_set(diag, "%s: OpenSSL returned a malformed %s signature",
                        s->path, alg->name);
            goto out;
        }
    } else {
        /* PKCS#1 v1.5 output is always exactly the modulus length. */
        if (out_len != alg->sig_len) {
            hv_diag_set(diag,
                        "%s: OpenSSL returned a %zu-byte %s signature "
                        "(expected %zu)",
                        s->path, out_len, alg->name, alg->sig_len);
            goto out;
        }
        memcpy(sig, out, out_len);
    }

    /* Fault check: a glitched computation (bit flip, bad CRT half) can leak
     * the private key through the signature it outputs, so check the fresh
     * signature with the public record we publish before letting it out.
     * Verifying against the record, not the private key object, also proves
     * the record matches the key. */
    pub = hv_pubkey_to_evp(&s->pub);
    if (!pub || !hv_verify_formatted(pub, alg, tbs, tbs_len, sig,
                                     alg->sig_len)) {
        OPENSSL_cleanse(sig, alg->sig_len);
        hv_diag_set(diag,
                    "%s: the new %s signature does not verify with the key's "
                    "public half (hardware fault or inconsistent key); "
                    "nothing was signed",
                    s->path, alg->name);
        goto out;
    }
    *sig_len = alg->sig_len;
    rc = 0;
out:
    EVP_PKEY_free(pub);
    OPENSSL_free(out);
    EVP_MD_CTX_free(mctx);
    ERR_clear_error();
    return rc;
}
