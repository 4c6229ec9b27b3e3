/*
 * Internal to signing/: the algorithm table and the OpenSSL glue that
 * keys.c, sign.c and import.c share. Nothing outside signing/ includes this;
 * the interface is signing.h.
 */
#ifndef HV_SIGNING_OSSL_H
#define HV_SIGNING_OSSL_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "signing.h"

/*
 * What the image format fixes for one HV_SIG_* algorithm, with the OpenSSL
 * names for it. The sizes come from format.h (HV_SIG_SIZE_*, HV_PUB_SIZE_*),
 * as the boot library's do (boot/algs.c).
 */
typedef struct hv_alg_info {
    uint32_t sig_alg;
    const char *name;  /* for messages: "ECDSA P-256" */
    int is_ec;
    int ec_nid;        /* EC: NID of the named curve */
    const char *group; /* EC: OpenSSL group name */
    int rsa_bits;      /* RSA: exact modulus bits */
    size_t scalar_len; /* EC: bytes of r, s and of each coordinate */
    size_t sig_len;    /* format encoding: 2 * scalar_len, or modulus bytes */
    size_t pub_len;    /* key record: 1 + 2 * scalar_len, or modulus + 4 */
    const char *md;    /* digest name for EVP_DigestSign/Verify */
    const char *md_option; /* the same as an openssl dgst option */
} hv_alg_info;

/* The table entry for |sig_alg|, NULL if it is not an HV_SIG_* value. */
const hv_alg_info *hv_alg_info_get(uint32_t sig_alg);

/*
 * The signer behind the opaque hv_signer of signing.h. |pkey| holds the
 * private key of a key file, |p11| the handle of a key in a token; exactly
 * one is set. |pub| is its record, computed once at load time. |path| is
 * kept for messages (for a token: the URI without its query). All owned by
 * the struct.
 */
struct hv_p11_key;
struct hv_signer {
    EVP_PKEY *pkey;          /* a key file; NULL for a token key */
    struct hv_p11_key *p11;  /* a PKCS#11 token key (pkcs11.h); or NULL */
    const hv_alg_info *alg;
    hv_pubkey pub;
    char *path;
};

/*
 * A public-only EVP_PKEY built from a key record (EVP_PKEY_fromdata), or NULL
 * if the record is malformed (unknown algorithm, wrong length, point not on
 * the curve, modulus of the wrong size, bad exponent). Caller frees with
 * EVP_PKEY_free(). Because key ids and verification both go through this,
 * they depend only on the record, never on how a PEM file encoded the key.
 */
EVP_PKEY *hv_pubkey_to_evp(const hv_pubkey *pub);

/*
 * A public-only EVP_PKEY of |type| ("EC", "RSA") from the parameters pushed
 * onto |bld| (which the caller still frees), or NULL.
 */
EVP_PKEY *hv_evp_public_fromdata(const char *type, OSSL_PARAM_BLD *bld);

/*
 * Check |sig| (format encoding, exactly alg->sig_len bytes) over |tbs| with
 * the public key |pkey|. Returns 1 if it verifies, 0 for anything else. Leaves
 * the OpenSSL error queue empty.
 */
int hv_verify_formatted(EVP_PKEY *pkey, const hv_alg_info *alg,
                        const uint8_t *tbs, size_t tbs_len, const uint8_t *sig,
                        size_t sig_len);

/* The same with digest |md| instead of the algorithm's own: to tell a
 * signature made with the wrong digest from one that is simply wrong. */
int hv_verify_formatted_md(EVP_PKEY *pkey, const hv_alg_info *alg,
                           const char *md, const uint8_t *tbs, size_t tbs_len,
                           const uint8_t *sig, size_t sig_len);

/*
 * Write |r| and |s| as raw r || s, each big-endian and left-padded to
 * |scalar_len| bytes, to |raw| (2 * scalar_len bytes). Returns 0, or -1 if
 * either is zero, negative or longer than |scalar_len| bytes.
 */
int hv_ecdsa_bn_to_raw(const BIGNUM *r, const BIGNUM *s, size_t scalar_len,
                       uint8_t *raw);

/*
 * The first queued OpenSSL error as text in |buf| ("no details" if none);
 * clears the queue so a later failure does not report a stale reason.
 */
const char *hv_ossl_error(char *buf, size_t len);

#endif
