/*
 * Keys and signatures (OpenSSL 3). The only code in hvimage that touches
 * private keys. Every signature produced or accepted here is in the image
 * format's encoding (hvimage/format.h): raw r || s for ECDSA, PKCS#1 v1.5 of
 * exactly the modulus length for RSA.
 *
 * Key ids are SHA-256 over the DER SubjectPublicKeyInfo of the public key.
 * The algorithm of a key follows from the key itself:
 *   EC P-256 -> HV_SIG_ECDSA_P256_SHA256, EC P-384 -> HV_SIG_ECDSA_P384_SHA384,
 *   RSA 3072 -> HV_SIG_RSA3072_PKCS1_SHA256, RSA 4096 -> HV_SIG_RSA4096_PKCS1_SHA256;
 * any other key is refused with a message naming the file.
 */
#ifndef HV_SIGNING_H
#define HV_SIGNING_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "hvimage/format.h"

/* The largest public key record (format.h). */
#define HV_PUBKEY_MAX_SIZE HV_PUB_MAX_SIZE

/* A public key as the verifier's trusted key record wants it (hvboot.h). */
typedef struct hv_pubkey {
    uint8_t key_id[HV_KEY_ID_SIZE];
    uint32_t sig_alg;
    uint8_t pub[HV_PUBKEY_MAX_SIZE];
    size_t pub_len;
} hv_pubkey;

/* A private key. Opaque; owned by the caller; free with hv_signer_free(). */
typedef struct hv_signer hv_signer;

/* Load a PEM private key (PKCS#8 or traditional, unencrypted), or a key in
 * a PKCS#11 token named by a "pkcs11:" URI (docs/CLI.md). */
int hv_signer_load(const char *path, hv_signer **out, hv_diag *diag);
void hv_signer_free(hv_signer *s); /* NULL is fine */
/* The signer's public half. The pointer lives as long as |s|. */
const hv_pubkey *hv_signer_pubkey(const hv_signer *s);
/* Sign |tbs|; writes hv_sig_size(alg) bytes in format encoding to |sig|. */
int hv_signer_sign(hv_signer *s, const uint8_t *tbs, size_t tbs_len,
                   uint8_t sig[HV_SIG_MAX_SIZE], size_t *sig_len,
                   hv_diag *diag);

/* Load a PEM public key (SubjectPublicKeyInfo), or the public half of a PEM
 * private key, or of a key in a PKCS#11 token named by a "pkcs11:" URI
 * (docs/CLI.md), into a trusted key record. */
int hv_pubkey_load(const char *path, hv_pubkey *out, hv_diag *diag);

/* Generate a key for |sig_alg| and write the private key (PKCS#8 PEM, mode
 * 0600) to |priv_path| and the public key (PEM) to |pub_path|, each
 * atomically; neither is written if anything fails. Refuses to overwrite an
 * existing |priv_path|. Fills |pub| with the new key's record. */
int hv_keygen(uint32_t sig_alg, const char *priv_path, const char *pub_path,
              hv_pubkey *pub, hv_diag *diag);

/*
 * Turn a signature made by an external tool into format encoding, for the
 * detached flow: ECDSA accepts strict DER (as `openssl dgst -sign` writes)
 * or raw r || s of the exact length; RSA accepts exactly the modulus length.
 * Then checks it over |tbs| with |pub| (OpenSSL), so a wrong key or wrong
 * bytes are caught before the image is touched. |source| names the input in
 * messages.
 */
int hv_signature_import(const hv_pubkey *pub, const uint8_t *tbs,
                        size_t tbs_len, const uint8_t *in, size_t in_len,
                        const char *source, uint8_t sig[HV_SIG_MAX_SIZE],
                        size_t *sig_len, hv_diag *diag);

/* How hv_ecdsa_der_to_raw decided. */
typedef enum hv_der_result {
    HV_DER_OK = 0,
    HV_DER_NOT_DER = 1,    /* does not parse as an ECDSA-Sig-Value at all  */
    HV_DER_NOT_STRICT = 2, /* parses, but is not the one DER encoding      */
    HV_DER_RANGE = 3,      /* r or s zero, negative or longer than a scalar */
} hv_der_result;

/*
 * Strict DER ECDSA-Sig-Value to raw r || s, each left-padded to
 * |scalar_len| bytes (2 * scalar_len bytes to |raw|, written only on
 * HV_DER_OK). Only the one minimal DER encoding of an (r, s) is accepted:
 * no BER forms, no trailing bytes. The only DER decoder in hvimage:
 * hv_signature_import (attach) uses it, and the Wycheproof DER vectors and
 * tests/crypto/test-ecdsa-der.c run through it.
 */
hv_der_result hv_ecdsa_der_to_raw(const uint8_t *der, size_t der_len,
                                  size_t scalar_len, uint8_t *raw);

/* Lower-case hex of a key id into |out| (65 bytes with the NUL). */
void hv_key_id_hex(const uint8_t id[HV_KEY_ID_SIZE], char out[65]);

#endif
