/*
 * A trust block as the host handles it (docs/KEYS.md): root documents
 * R0, R0+1, ... then one keyring, back to back. On the host the same bytes
 * are a "bundle" file (*.hvtrust). Parsed with the verifier's own
 * hv_doc_parse, so the builder, inspect and the device agree on what a
 * well-formed block is. Parsing checks structure only: no signature is
 * verified here (hv_trust_block_verify does that, in verify and assemble).
 */
#ifndef HV_TRUST_BUNDLE_H
#define HV_TRUST_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "hvboot.h"
#include "signing.h"

typedef struct hv_bundle {
    uint8_t *owned;       /* the file's bytes when loaded from a file  */
    const uint8_t *bytes; /* the block                                 */
    size_t len;
    uint32_t root_count;  /* 1..HV_MAX_ROOT_CHAIN                      */
    hv_doc roots[HV_MAX_ROOT_CHAIN]; /* point into |bytes|              */
    size_t root_offset[HV_MAX_ROOT_CHAIN];
    hv_doc keyring;
    size_t keyring_offset;
} hv_bundle;

/*
 * Parse the |len| bytes at |p| (named |name| in messages) into |out|,
 * which points into them: 1..HV_MAX_ROOT_CHAIN root documents of
 * consecutive versions, then exactly one keyring naming the newest root's
 * version, then nothing; the size within the format's trust block limits.
 * Returns 0, or -1 with |diag| (bad input) naming |name| and the byte
 * offset of the document that is wrong.
 */
int hv_bundle_parse(const char *name, const uint8_t *p, size_t len,
                    hv_bundle *out, hv_diag *diag);

/* Read the bundle file |path| and parse it as above. */
int hv_bundle_load(const char *path, hv_bundle *out, hv_diag *diag);
void hv_bundle_free(hv_bundle *b); /* a zeroed or parsed bundle */

/* The keyring entry whose public key is |k|'s (same algorithm and the
 * same canonical public key bytes), or NULL. */
const hv_doc_key *hv_bundle_find_key(const hv_doc *keyring,
                                     const hv_pubkey *k);

/*
 * The checks a device makes on an image signer (hv_verify's rule 5),
 * made at build time so that no image is signed that no device of the
 * profile would boot: |k| is a key of the keyring, of an epoch at least
 * the keyring's min_epoch, whose scope holds |oem| and, if it lists
 * boards, every one of |boards|. Returns 0, or -1 with |diag| (bad input)
 * naming |name|, the key and what is missing.
 */
int hv_bundle_check_signer(const char *name, const hv_bundle *b,
                           const hv_pubkey *k, const char *oem,
                           const char (*boards)[HV_BOARD_ID_SIZE + 1],
                           size_t board_count, hv_diag *diag);

/* The digest (HV_DIGEST_*) of the block into |out| (48 bytes, unused
 * ones zero): the metadata's trust_digest. 0, or -1 with |diag|. */
int hv_bundle_digest(const hv_bundle *b, uint32_t digest_alg,
                     uint8_t out[HV_DIGEST_MAX_SIZE], hv_diag *diag);

/*
 * A device's roots (hvboot.h hv_roots) as the host builds them: the
 * fingerprints of root keys, sorted strictly ascending, with the threshold
 * and the root version. |roots.fingerprints| points into |fp|, so the
 * struct must not be copied once made.
 */
typedef struct hv_root_anchor {
    uint8_t fp[HV_ROOT_MAX_KEYS][HV_ROOT_FP_SIZE];
    hv_roots roots;
} hv_root_anchor;

/* From |n| public keys (1..HV_ROOT_MAX_KEYS, one public key at most once,
 * whatever file it came from: |names| for the message). */
int hv_root_anchor_from_keys(const hv_pubkey *keys, size_t n,
                             const char *const *names, uint32_t threshold,
                             uint64_t version, hv_root_anchor *out,
                             hv_diag *diag);

/* From a root document file (*.hvroot), as a device provisioned with that
 * root holds it: its keys' fingerprints, threshold and version. Only its
 * structure is checked here; its own threshold of signatures is checked by
 * hv_trust_block_verify against the image's chain. */
int hv_root_anchor_load(const char *path, hv_root_anchor *out,
                        hv_diag *diag);

#endif
