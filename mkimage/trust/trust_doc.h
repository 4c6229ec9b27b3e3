/*
 * Root and keyring documents on the host (docs/KEYS.md): the write side of
 * the verifier's hv_doc_parse and the checks an OEM wants before a
 * document leaves the signing room. Every document this folder writes or
 * reads is parsed by the verifier's own hv_doc_parse (boot/), never by a
 * second parser here, so the host and the device agree by construction.
 *
 * One job per file: doc_encode.c (documents from keys), doc_file.c (reading
 * and atomically writing document and bundle files), doc_sign.c (who may
 * sign, and putting a signature into a slot), keyring_desc.c (a keyring's
 * YAML description), bundle.c (the order of a trust block, and a device's
 * roots from an anchor root).
 */
#ifndef HV_TRUST_DOC_H
#define HV_TRUST_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "hvboot.h"
#include "signing.h"

/* ---- Encoding (doc_encode.c) ------------------------------------------ */

/* One key of a document being made, with where it came from. */
typedef struct hv_doc_key_in {
    hv_pubkey key;       /* from hv_pubkey_load: canonical pub bytes  */
    char source[512];    /* file, URI or "DESC:LINE:COL (FILE)"       */
    uint64_t epoch;      /* keyring only                              */
    uint32_t oem_count;  /* keyring only: 1..HV_SCOPE_MAX_OEMS        */
    uint32_t board_count; /* keyring only: 0..HV_SCOPE_MAX_BOARDS      */
    char oems[HV_SCOPE_MAX_OEMS][HV_OEM_ID_SIZE + 1];
    char boards[HV_SCOPE_MAX_BOARDS][HV_BOARD_ID_SIZE + 1];
} hv_doc_key_in;

/* What a root or keyring document says, before it is encoded. */
typedef struct hv_doc_spec {
    uint32_t kind;          /* HV_DOC_ROOT or HV_DOC_KEYRING          */
    uint64_t version;       /* >= 1                                   */
    uint32_t threshold;     /* root: 1..key_count                     */
    uint64_t root_version;  /* keyring: >= 1                          */
    uint64_t min_epoch;     /* keyring                                */
    uint32_t slots;         /* 1..HV_MAX_SIGNATURE_SLOTS              */
    size_t key_count;       /* 1..HV_ROOT_MAX_KEYS                    */
    hv_doc_key_in keys[HV_ROOT_MAX_KEYS];
} hv_doc_spec;

/*
 * Encode |spec| into a new document with empty signature slots (|*out|,
 * malloc'd, |*out_len| bytes). Keys are sorted by key id and scope lists
 * sorted; refused (bad input): counts or versions out of range, a root
 * threshold above its key count or its slot count, a text that breaks the
 * format's charset, a scope value twice, and one public key twice (same
 * canonical pub from two files, or from two encodings of one key), with a
 * message naming both sources. The result is parsed back with hv_doc_parse
 * before it is returned.
 */
int hv_doc_encode(const hv_doc_spec *spec, uint8_t **out, size_t *out_len,
                  hv_diag *diag);

/* ---- Files (doc_file.c) ------------------------------------------------ */

/* A document file in memory and its parse; |doc| points into |bytes|. */
typedef struct hv_doc_file {
    uint8_t *bytes; /* malloc'd; the whole file */
    size_t len;
    hv_doc doc;
} hv_doc_file;

/* Read all of |path| (at most HV_MAX_TRUST_BLOCK_SIZE bytes). */
int hv_trust_read_file(const char *path, uint8_t **out, size_t *out_len,
                       hv_diag *diag);

/* Read |path| and parse it as exactly one document of |kind| (HV_DOC_ROOT,
 * HV_DOC_KEYRING, or 0 for either): no bytes after it. */
int hv_doc_file_load(const char *path, uint32_t kind, hv_doc_file *out,
                     hv_diag *diag);
void hv_doc_file_free(hv_doc_file *f); /* zeroed or loaded */

/* Write |len| bytes to |path| atomically (mode 0644): the file appears
 * whole or not at all. */
int hv_trust_write_file(const char *path, const uint8_t *p, size_t len,
                        hv_diag *diag);

/* "root" or "keyring". */
const char *hv_doc_kind_name(uint32_t kind);

/* ---- Signing (doc_sign.c) ---------------------------------------------- */

/*
 * Whether |key| may sign |doc|: a root's own keys, and with |previous| (the
 * root one version below; NULL: none) its keys too; a keyring's signers are
 * the keys of |root| (required, the version the keyring names). A key is
 * matched by key id and public key bytes both; an id that names another
 * public key is refused. |source| names the key in messages. 0 if allowed,
 * else -1 (bad input) saying why.
 */
int hv_doc_signer_allowed(const hv_doc *doc, const hv_doc *previous,
                          const hv_doc *root, const hv_pubkey *key,
                          const char *source, hv_diag *diag);

/*
 * Put |sig| by |key| into the slots of the document |f|, in place (ids
 * ascending, filled first). Refuses a key that already signed and a full
 * document. |f->doc| is parsed again afterwards.
 */
int hv_doc_add_signature(hv_doc_file *f, const char *path,
                         const hv_pubkey *key, const uint8_t *sig,
                         size_t sig_len, hv_diag *diag);

/* ---- Keyring descriptions (keyring_desc.c) ----------------------------- */

/* Read a keyring's YAML description (docs/KEYS.md) into |spec|; key paths
 * are relative to the YAML file's folder. Errors say FILE:LINE:COL. */
int hv_keyring_desc_load(const char *path, hv_doc_spec *spec, hv_diag *diag);

/* ---- Bundles (bundle.c) ------------------------------------------------ */

/* The documents of a trust block, in order. */
typedef struct hv_bundle_info {
    uint32_t root_count;
    uint64_t first_root;   /* version of the first root  */
    uint64_t last_root;    /* version of the newest root */
    uint64_t keyring_version;
} hv_bundle_info;

/*
 * Check that |len| bytes at |p| are a trust block in form: 1 to
 * HV_MAX_ROOT_CHAIN root documents of consecutive versions, then exactly
 * one keyring naming the newest root's version, nothing after, at most
 * HV_MAX_TRUST_BLOCK_SIZE bytes. Structure only: no signature is checked
 * (hv_trust_block_verify does that). |what| names the input in messages.
 */
int hv_bundle_check(const uint8_t *p, size_t len, const char *what,
                    hv_bundle_info *info, hv_diag *diag);

/*
 * A device's roots as the trust area would hold them for the root |root|:
 * its keys' fingerprints (SHA-256 of the canonical pub) sorted ascending
 * into |fps|, its threshold and version. |out->fingerprints| points at
 * |fps|.
 */
int hv_roots_from_doc(const hv_doc *root, uint8_t fps[][HV_ROOT_FP_SIZE],
                      hv_roots *out, hv_diag *diag);

#endif
