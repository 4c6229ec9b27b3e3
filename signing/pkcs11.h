/*
 * Internal to signing/: private keys held in a PKCS#11 token (an HSM in
 * production, SoftHSM in tests), named by an RFC 7512 URI such as
 *
 *   pkcs11:token=oem-release;object=fw-p384?module-path=/usr/lib/x.so
 *          &pin-source=file:/run/secrets/hsm-pin
 *
 * The module is loaded with dlopen and driven through its own function list;
 * no OpenSSL engine or provider is involved, so the key never leaves the
 * token and nothing here depends on OpenSSL's deprecated engine API. The
 * digest is computed on the host (OpenSSL); the token signs it with
 * CKM_ECDSA (raw r || s, the format's encoding) or CKM_RSA_PKCS over the
 * DigestInfo (PKCS#1 v1.5, deterministic: the same bytes as a key file).
 * docs/CLI.md "Keys in an HSM" is the user's reference.
 */
#ifndef HV_SIGNING_PKCS11_H
#define HV_SIGNING_PKCS11_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "signing.h"

#define HV_P11_URI_MAX 8192
#define HV_P11_LABEL_MAX 255
#define HV_P11_ID_MAX 64

/* What a URI names. Strings are NUL-terminated, decoded. */
typedef struct hv_p11_uri {
    char token[33];        /* CK_TOKEN_INFO.label (32 bytes, unpadded) */
    char serial[17];       /* CK_TOKEN_INFO.serialNumber */
    char manufacturer[33]; /* CK_TOKEN_INFO.manufacturerID */
    char model[17];        /* CK_TOKEN_INFO.model */
    char object[HV_P11_LABEL_MAX + 1]; /* CKA_LABEL */
    uint8_t id[HV_P11_ID_MAX];         /* CKA_ID */
    size_t id_len;
    bool has_token, has_serial, has_manufacturer, has_model, has_object,
        has_id;
    char module_path[4096]; /* from the URI, else HVIMAGE_PKCS11_MODULE */
    char pin_source[4096];  /* a file path; empty: HVIMAGE_PKCS11_PIN */
} hv_p11_uri;

/* True if |s| is meant as a PKCS#11 URI (starts with "pkcs11:"). */
bool hv_p11_is_uri(const char *s);

/*
 * Parse |s| strictly: every attribute known and given once, every %XX
 * escape valid, no NUL, each value within its field, an object or an id
 * named, "type" (if given) "private". pin-value is refused: it would put the
 * PIN in shell history and process listings. Does not look at the
 * environment. Returns 0, or -1 with |diag| naming the attribute.
 */
int hv_p11_uri_parse(const char *s, hv_p11_uri *out, hv_diag *diag);

typedef struct hv_p11_key hv_p11_key;

/*
 * Load the module, find the one token and the one private key the URI
 * names, log in if the token wants it, and set |*pub| to the public key
 * (caller frees) built from the matching public key object, or for RSA from
 * the private key's public attributes. Whether the format can carry that
 * key is for the caller to decide (keys.c make_record, as for PEM files).
 * |label| names the key in messages. Returns 0, or -1 with |diag| set.
 */
int hv_p11_open(const char *uri, const char *label, hv_p11_key **out,
                EVP_PKEY **pub, hv_diag *diag);

/*
 * The public key the URI names, for trusting it (verify, extract, attach,
 * assemble), as hv_p11_open finds it. Logs in only if a PIN is configured,
 * so a URI without pin-source works for tokens that show public objects
 * without a login. Returns 0, or -1 with |diag| set.
 */
int hv_p11_public(const char *uri, const char *label, EVP_PKEY **pub,
                  hv_diag *diag);

/*
 * Sign |digest| (already hashed with the algorithm's digest) with the
 * token's key under |sig_alg|. ECDSA writes raw r || s of exactly
 * 2 * scalar bytes; RSA the modulus length. Returns 0, or -1 with |diag|
 * set. The caller checks the signature against the public record.
 */
int hv_p11_sign(hv_p11_key *k, uint32_t sig_alg, const uint8_t *digest,
                size_t digest_len, uint8_t *sig, size_t sig_cap,
                size_t *sig_len, hv_diag *diag);

void hv_p11_close(hv_p11_key *k); /* NULL is fine */

#endif
