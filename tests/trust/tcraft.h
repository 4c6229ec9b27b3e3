/*
 * Trust-block crafting for the verifier's threshold-bypass and hostile-input
 * tests (issue 11, item 5). Byte-exact root and keyring documents per
 * hvimage/format.h ("Trust block"), made from OpenSSL keys, with every
 * field in reach of a test before and after signing; and whole images that
 * carry a block, re-laid out from an image the real builder made
 * (tests/verify/fixture.c), so the sections, chunk tables and metadata are
 * the product's own and only the trust block, its binding and the
 * signature block are crafted here.
 *
 * Nothing here checks what it writes: a test that wants a malformed
 * document edits the bytes (before signing, so the signatures still cover
 * them, or after, so they do not). Every helper that fails exits 2: the
 * harness broke, not the verifier.
 */
#ifndef HV_TEST_TCRAFT_H
#define HV_TEST_TCRAFT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "fixture.h"
#include "hvboot.h"
#include "hvimage/flash.h"

/* ---- keys -------------------------------------------------------------- */

typedef struct tkey {
    EVP_PKEY *pk;
    uint32_t alg;                 /* HV_SIG_*                             */
    uint8_t id[HV_KEY_ID_SIZE];   /* SHA-256 of the DER SPKI, as hvimage  */
    uint8_t pub[HV_PUB_MAX_SIZE]; /* canonical: 0x04||X||Y or n||e(4)     */
    size_t pub_len;
    uint8_t fp[HV_ROOT_FP_SIZE];  /* SHA-256 of pub (OpenSSL's)           */
} tkey;

/* A new key of |alg|. */
void tkey_gen(tkey *k, uint32_t alg);
/* The key of a PEM private key file. */
void tkey_load(tkey *k, const char *path);
void tkey_free(tkey *k);
/* A signature in format encoding (raw r||s, or PKCS#1 v1.5) over |msg|
 * with the digest |alg| implies; returns its length. */
size_t tkey_sign(const tkey *k, const uint8_t *msg, size_t len,
                 uint8_t sig[HV_SIG_MAX_SIZE]);
/* The DER SubjectPublicKeyInfo of |k| with explicit curve parameters
 * (EC only); malloc'd, length in |len|. */
uint8_t *tkey_explicit_spki(const tkey *k, size_t *len);
/* The compressed point 0x02/0x03 || X of an EC key; returns its length. */
size_t tkey_compressed(const tkey *k, uint8_t out[HV_PUB_MAX_SIZE]);
/* A key from a DER SPKI (OpenSSL's import) re-encoded canonically: pub,
 * fingerprint and the id of that DER; no private half. */
void tkey_from_spki(tkey *k, const uint8_t *der, size_t len);

/* A key record (hvimage/flash.h HV_KEYREC_*) naming |k| under |id| (NULL:
 * its own) with |alg| (0: its own) and its pub bytes. */
void keyrec(uint8_t rec[HV_KEYREC_SIZE], const tkey *k, const uint8_t *id,
            uint32_t alg);

/* ---- documents --------------------------------------------------------- */

#define TDOC_MAX                                                               \
    (HV_DOC_HEADER_SIZE + HV_KEYRING_FIXED_SIZE +                              \
     HV_KEYRING_MAX_KEYS * HV_KEYRING_ENTRY_SIZE +                             \
     HV_MAX_SIGNATURE_SLOTS * HV_SIG_SLOT_SIZE)

/* A document being made: header || body (tbs_len bytes), then |slots|
 * slots, |filled| of them written by tdoc_sig*. */
typedef struct tdoc {
    uint8_t b[TDOC_MAX + 64];
    size_t tbs_len;
    uint32_t slots;
    uint32_t filled;
} tdoc;

/* A root document, version |version|, threshold |threshold|, the keys
 * |keys| (sorted by id here), |slots| empty slots. */
void tdoc_root(tdoc *d, uint64_t version, uint32_t threshold,
               const tkey *const *keys, uint32_t n, uint32_t slots);

/* A keyring entry: a key, its epoch and scope (NULL-terminated lists,
 * sorted here); |id| NULL for the key's own id. */
typedef struct tent {
    const tkey *k;
    uint64_t epoch;
    const char *oems[HV_SCOPE_MAX_OEMS + 1];
    const char *boards[HV_SCOPE_MAX_BOARDS + 1];
    const uint8_t *id;
} tent;

void tdoc_keyring(tdoc *d, uint64_t version, uint64_t root_version,
                  uint64_t min_epoch, const tent *ents, uint32_t n,
                  uint32_t slots);

/* Bytes of the document (header, body, slots). */
size_t tdoc_size(const tdoc *d);
/* Offsets in the document: the body, key record / entry |i|, slot |i|. */
uint8_t *tdoc_body(tdoc *d);
uint8_t *tdoc_key(tdoc *d, uint32_t i);
uint8_t *tdoc_slot(tdoc *d, uint32_t i);
/* Change the slot count after the body was edited (header and size). */
void tdoc_set_slots(tdoc *d, uint32_t slots);
/* Sign header || body with |k| under |id| (NULL: its own) into the next
 * slot, as it comes: the caller keeps ids ascending if it wants them so. */
void tdoc_sig_as(tdoc *d, const tkey *k, const uint8_t *id);
/* Sign with each of |keys|, in ascending id order. */
void tdoc_sign(tdoc *d, const tkey *const *keys, uint32_t n);

/* ---- blocks ------------------------------------------------------------ */

typedef struct tbuf {
    uint8_t *p;
    size_t len, cap;
} tbuf;

void tbuf_add(tbuf *b, const void *p, size_t n);
void tbuf_doc(tbuf *b, const tdoc *d);
void tbuf_free(tbuf *b);

/* ---- images ------------------------------------------------------------ */

/* The base image: fixture F (P-256, built by the builder, format 2). */
extern fixture F;
void tcraft_setup(void);
void tcraft_teardown(void);

/* |F|'s image re-laid out with |block| (NULL/0: none) between the
 * signature block and the first section, the header's trust_size and the
 * metadata's trust_digest set to bind it (unless |binding| is 0: then they
 * stay zero), |slots| signature slots, and one signature per |signers|
 * (ascending ids) over the new header || metadata. |edit_tbs|, if set,
 * may change header || metadata before they are signed. malloc'd. */
typedef struct timg {
    uint8_t *p;
    size_t len;
    uint64_t block_off; /* where the trust block starts      */
    uint64_t sig_off;   /* where the signature block starts  */
    size_t tbs_len;
} timg;

void timg_make(timg *out, const uint8_t *block, size_t block_len,
               int binding, const tkey *const *signers, uint32_t n,
               uint32_t slots, void (*edit_tbs)(uint8_t *tbs, size_t len));
/* Sign the image's header || metadata again with |signers| into a fresh
 * signature block (after a test edited the header or metadata). */
void timg_resign(timg *m, const tkey *const *signers, uint32_t n);
void timg_free(timg *m);
/* Signature slot |i| of the image (a function, so that a compiler never
 * guesses the buffer's size from one call site). */
uint8_t *timg_slot(timg *m, uint32_t i);

/* ---- verifying --------------------------------------------------------- */

/* The device's roots: fingerprints of |keys| sorted, |threshold|,
 * |version|. The hv_roots points into |r|. */
typedef struct troots {
    uint8_t fps[HV_ROOT_MAX_KEYS][HV_ROOT_FP_SIZE];
    hv_roots roots;
} troots;
void troots_set(troots *r, const tkey *const *keys, uint32_t n,
                uint32_t threshold, uint64_t version);

/* A policy for roots |r| (NULL: the keys policy of |keys|), image
 * threshold |min_sigs|, floors zero, region = |len|, exact. */
hv_policy tpolicy(const troots *r, size_t len, uint32_t min_sigs);

/* hv_verify of |m| under |pol| on board F.board, rollback 0. */
hv_result tverify(const timg *m, const hv_policy *pol, hv_verdict *v);
/* The same on a device whose board id is |board|. */
hv_result tverify_on(const timg *m, const hv_policy *pol, const char *board,
                     hv_verdict *v);
/* hv_trust_block_verify of |blk| under |pol|. */
hv_result tblock(const uint8_t *blk, size_t len, const hv_policy *pol,
                 hv_trust_result *res);

/* ---- helpers ----------------------------------------------------------- */

_Noreturn void tdie(const char *what);
void sha(uint32_t digest_alg, const void *p, size_t n, uint8_t *out);

#endif
