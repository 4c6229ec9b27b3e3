#include "signing.h"

#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "ossl.h"

/*
 * Strict DER: OpenSSL's parser accepts BER forms (long-form lengths where
 * short would do, and more), and stops after the first object. Requiring
 * that re-encoding gives back exactly the input rejects all of those, and
 * trailing bytes, in one comparison. see signing.h
 */
hv_der_result hv_ecdsa_der_to_raw(const uint8_t *in, size_t in_len,
                                  size_t scalar_len, uint8_t *raw)
{
    if (!in || !raw || in_len == 0 || in_len > LONG_MAX || in[0] != 0x30)
        return HV_DER_NOT_DER;
    /* P-521's 66 bytes is the largest scalar of any curve in use. */
    if (scalar_len == 0 || scalar_len > 66)
        return HV_DER_RANGE;
    const unsigned char *p = in;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)in_len);
    if (!es) {
        ERR_clear_error();
        return HV_DER_NOT_DER;
    }
    hv_der_result res = HV_DER_NOT_STRICT;
    unsigned char *re = NULL;
    int re_len = i2d_ECDSA_SIG(es, &re);
    if (re_len > 0 && (size_t)re_len == in_len &&
        memcmp(re, in, in_len) == 0) {
        const BIGNUM *r, *s;
        ECDSA_SIG_get0(es, &r, &s);
        res = hv_ecdsa_bn_to_raw(r, s, scalar_len, raw) == 0 ? HV_DER_OK
                                                              : HV_DER_RANGE;
    }
    OPENSSL_free(re);
    ECDSA_SIG_free(es);
    ERR_clear_error();
    return res;
}

/* see signing.h */
int hv_signature_import(const hv_pubkey *pub, const uint8_t *tbs,
                        size_t tbs_len, const uint8_t *in, size_t in_len,
                        const char *source, uint8_t sig[HV_SIG_MAX_SIZE],
                        size_t *sig_len, hv_diag *diag)
{
    const hv_alg_info *alg = hv_alg_info_get(pub->sig_alg);
    char idhex[65];
    uint8_t cand[2][HV_SIG_MAX_SIZE];
    size_t ncand = 0;
    hv_der_result der = HV_DER_NOT_DER;

    *sig_len = 0;
    if (!source)
        source = "signature";
    hv_key_id_hex(pub->key_id, idhex);
    if (!alg)
        return hv_diag_set(diag,
                           "%s: key %s has unknown signature algorithm %u",
                           source, idhex, (unsigned)pub->sig_alg);

    if (alg->is_ec) {
        /* Candidates in order: strict DER, then raw r || s of the exact
         * length. Both can apply to one input (a 64-byte DER value, or raw
         * bytes that happen to start with 0x30), so each is tried against
         * the key rather than guessing from the first byte. */
        der = hv_ecdsa_der_to_raw(in, in_len, alg->scalar_len, cand[ncand]);
        if (der == HV_DER_OK)
            ncand++;
        if (in_len == alg->sig_len)
            memcpy(cand[ncand++], in, in_len);
        if (ncand == 0) {
            if (der == HV_DER_NOT_STRICT)
                return hv_diag_set(
                    diag,
                    "%s: %s signature is not strict DER (non-minimal length "
                    "or integer, BER form, or trailing bytes)",
                    source, alg->name);
            if (der == HV_DER_RANGE)
                return hv_diag_set(diag,
                                   "%s: %s signature has r or s that is zero, "
                                   "negative or longer than %zu bytes",
                                   source, alg->name, alg->scalar_len);
            return hv_diag_set(diag,
                               "%s: not an %s signature: expected strict DER "
                               "or raw r||s of exactly %zu bytes, got %zu "
                               "bytes",
                               source, alg->name, alg->sig_len, in_len);
        }
    } else {
        if (in_len != alg->sig_len)
            return hv_diag_set(diag,
                               "%s: %s signature must be exactly %zu bytes "
                               "(the modulus length), got %zu",
                               source, alg->name, alg->sig_len, in_len);
        memcpy(cand[ncand++], in, in_len);
    }

    EVP_PKEY *pkey = hv_pubkey_to_evp(pub);
    if (!pkey)
        return hv_diag_set(diag, "%s: key %s is not a valid %s key record",
                           source, idhex, alg->name);
    int found = -1;
    for (size_t i = 0; i < ncand && found < 0; i++)
        if (hv_verify_formatted(pkey, alg, tbs, tbs_len, cand[i],
                                alg->sig_len))
            found = (int)i;
    /* A signature over the right bytes with the wrong digest (openssl dgst
     * -sha256 for a P-384 key) is the common mistake: name the digest the
     * key wants, and the one the signature was made with if it is one. */
    static const char *const other_mds[] = {"SHA256", "SHA384", "SHA512"};
    const char *used_md = NULL;
    for (size_t m = 0; found < 0 && !used_md && m < 3; m++) {
        if (strcmp(other_mds[m], alg->md) == 0)
            continue;
        for (size_t i = 0; i < ncand && !used_md; i++)
            if (hv_verify_formatted_md(pkey, alg, other_mds[m], tbs, tbs_len,
                                       cand[i], alg->sig_len))
                used_md = other_mds[m];
    }
    EVP_PKEY_free(pkey);
    if (used_md)
        return hv_diag_set(diag,
                           "%s: signature is over a %s digest, but key %s "
                           "(%s) signs %s: sign the tbs bytes with "
                           "'openssl dgst -%s'",
                           source, used_md, idhex, alg->name, alg->md,
                           alg->md_option);
    if (found < 0)
        return hv_diag_set(diag,
                           "%s: signature does not verify with key %s over "
                           "the to-be-signed bytes (expected a signature by "
                           "this %s key over the %s digest of the bytes "
                           "'hvimage tbs' writes)",
                           source, idhex, alg->name, alg->md);
    memcpy(sig, cand[found], alg->sig_len);
    *sig_len = alg->sig_len;
    return 0;
}
