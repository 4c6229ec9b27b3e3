/*
 * DSSE envelopes (Dead Simple Signing Envelope, protocol v1:
 * https://github.com/secure-systems-lab/dsse): a payload, its type, and
 * signatures over the PAE (pre-authentication encoding) of the two. Build
 * provenance and vendor package signatures are carried in them.
 *
 * Signatures in an envelope are what `openssl dgst -verify` checks over the
 * PAE bytes: ECDSA as strict DER (SHA-256 for P-256, SHA-384 for P-384), RSA
 * PKCS#1 v1.5 of the modulus length (SHA-256). Each signature names its key
 * by key id (lower-case hex of signing.h's key id: SHA-256 of the DER SPKI).
 *
 * The JSON form is written canonically: keys in the order payload,
 * payloadType, signatures and keyid, sig (the spec's order, which is also
 * sorted), no whitespace, standard base64 with padding. Reading is strict:
 * a size limit, no duplicate or unknown keys, nothing after the object but
 * whitespace, base64 in the standard alphabet with padding only (DSSE allows
 * URL-safe too; hvimage never writes it and refuses it so one envelope has
 * one spelling), every signature with a 64-hex-digit keyid.
 */
#ifndef HV_DSSE_H
#define HV_DSSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "signing.h"

#define HV_DSSE_MAX_SIGS 8
/* payloadType: printable ASCII without '"' and '\\' (media types and URIs
 * never need them), at most this long. */
#define HV_DSSE_TYPE_MAX 255
/* The largest stored signature: RSA-4096 (DER of P-384 is at most 104). */
#define HV_DSSE_SIG_MAX 512
/* Read limits callers pass to hv_dsse_read_file. */
#define HV_DSSE_LIMIT_PROVENANCE (1024u * 1024u)
#define HV_DSSE_LIMIT_SMALL (64u * 1024u)

typedef struct hv_dsse_sig {
    uint8_t key_id[HV_KEY_ID_SIZE];
    uint8_t sig[HV_DSSE_SIG_MAX]; /* envelope encoding (DER for ECDSA) */
    size_t sig_len;
} hv_dsse_sig;

typedef struct hv_dsse_envelope {
    char payload_type[HV_DSSE_TYPE_MAX + 1];
    uint8_t *payload; /* owned; may be NULL when payload_len is 0 */
    size_t payload_len;
    hv_dsse_sig sigs[HV_DSSE_MAX_SIGS];
    size_t nsigs;
} hv_dsse_envelope;

/*
 * PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, the
 * lengths in decimal without leading zeros. Returns a malloc'd buffer in
 * |*out| (free()) and its length, or -1 (out of memory: HV_FAIL_INTERNAL).
 */
int hv_dsse_pae(const char *type, const uint8_t *body, size_t body_len,
                uint8_t **out, size_t *out_len, hv_diag *diag);

/* Start an envelope with a copy of |payload| and no signatures. Refuses a
 * payload type that is empty, too long or outside the charset above. */
int hv_dsse_init(hv_dsse_envelope *env, const char *payload_type,
                 const uint8_t *payload, size_t payload_len, hv_diag *diag);
/* Free the payload and zero the struct; safe on a zeroed struct. */
void hv_dsse_free(hv_dsse_envelope *env);

/* Sign the PAE with |signer| and append the signature. Refuses a key that
 * already signed this envelope and a ninth signature. */
int hv_dsse_sign(hv_dsse_envelope *env, hv_signer *signer, hv_diag *diag);

/*
 * The detached flow: append a signature made elsewhere over the PAE bytes
 * (hv_dsse_pae of this envelope) by |pub|. ECDSA accepts strict DER or raw
 * r||s; RSA the modulus length. It is checked with OpenSSL before it is
 * added; |source| names it in messages. Same refusals as hv_dsse_sign.
 */
int hv_dsse_add_external(hv_dsse_envelope *env, const hv_pubkey *pub,
                         const uint8_t *sig, size_t len, const char *source,
                         hv_diag *diag);

/*
 * Which of |keys| produced a valid signature over this envelope's PAE.
 * A signature counts only for the key its keyid names, and only if it
 * verifies with that key: a keyid naming one key over a signature by
 * another counts for neither. |valid| (n entries, may be NULL) gets true
 * for each key that signed; a key given twice is marked at its first place
 * only. |*n_valid| is the number of distinct keys that signed, so the same
 * signature twice, or two signatures by one key, count once. Returns 0, or
 * -1 on an internal failure (out of memory).
 */
int hv_dsse_verify(const hv_dsse_envelope *env, const hv_pubkey *keys,
                   size_t n, bool *valid, size_t *n_valid, hv_diag *diag);

/*
 * Parse an envelope from |len| bytes of JSON. |source| names the input in
 * messages ("FILE: byte offset N: ..." for bad JSON). Refuses more than
 * |max_size| bytes. On failure |env| is left zeroed.
 */
int hv_dsse_parse(const char *source, const char *json, size_t len,
                  size_t max_size, hv_dsse_envelope *env, hv_diag *diag);
/* Read and parse |path| (at most |max_size| bytes). */
int hv_dsse_read_file(const char *path, size_t max_size,
                      hv_dsse_envelope *env, hv_diag *diag);

/* The canonical JSON text: malloc'd, NUL-terminated, |*out_len| without
 * the NUL. */
int hv_dsse_serialize(const hv_dsse_envelope *env, char **out,
                      size_t *out_len, hv_diag *diag);
/* Write the canonical JSON to |path| atomically (mode 0644). */
int hv_dsse_write_file(const char *path, const hv_dsse_envelope *env,
                       hv_diag *diag);

#endif
