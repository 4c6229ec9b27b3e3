/*
 * hvboot: the image verifier that runs at boot, and inside `hvimage verify`.
 *
 * This is the only header a caller includes. The library is freestanding: no
 * malloc, no OS calls, nothing from libc beyond memcpy, memset, memmove and
 * memcmp (tests/test-freestanding-symbols enforces the list). All memory is
 * the caller's: a workspace struct, a verdict struct, and the RAM that
 * |section_memory| hands out. Nothing is ever freed because nothing is ever
 * allocated; every struct here can be static, on the stack or on the heap.
 *
 * Stack: hv_verify() needs at most HV_VERIFY_STACK_MAX bytes of stack on
 * x86-64 with the BearSSL backend (measured with -fstack-usage, checked by
 * tests/test-stack-usage); the large buffers are in hv_workspace.
 *
 * Order of checks (docs/FORMAT.md "Verification"), each a stop on failure:
 *  1. read the fixed header, check magic, version and that every size in it
 *     is within the format's limits and the region;
 *  2. read header || metadata and the signature block into the workspace,
 *     once; verify every filled signature slot against the trusted keys;
 *  3. only now parse the (signed) metadata: canonical form, OEM id, board id,
 *     security version >= rollback counter, section layout;
 *  4. per section: read the stored bytes once into platform RAM, hash them
 *     there, compare digests in constant time, decompress to exactly the
 *     declared size; read the padding and require zeros.
 * Flash bytes are read exactly once, in increasing offset order, and all
 * checks and uses are on the RAM copy.
 */
#ifndef HVBOOT_H
#define HVBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "hvimage/format.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Results --------------------------------------------------------- */

/*
 * Every value is written out and stable once published: tools and logs
 * print them by number, by name (hv_result_name) and by description
 * (hv_result_str), and firmware may store them, so a value is never
 * renumbered or reused; a new result takes the next number, before
 * HV_RESULT_COUNT. docs/FORMAT.md ("Verification results") lists them.
 */
typedef enum hv_result {
    HV_OK = 0,
    HV_ERR_ARGUMENT = 1,       /* NULL pointer or unusable configuration   */
    HV_ERR_IO = 2,             /* ops->read or a stream's sink failed      */
    HV_ERR_REGION = 3,         /* image larger than its region, or bytes   */
                               /* follow it where the policy forbids that  */
    HV_ERR_MAGIC = 4,          /* not an hvimage                           */
    HV_ERR_VERSION = 5,        /* format version not supported             */
    HV_ERR_HEADER = 6,         /* header field out of range, reserved != 0 */
    HV_ERR_NO_TRUSTED_KEYS = 7, /* policy has no keys: always refused      */
    HV_ERR_SIG_BLOCK = 8,      /* malformed signature slot or slot order   */
    HV_ERR_NO_SIGNATURE = 9,   /* every slot is empty                      */
    HV_ERR_UNTRUSTED_KEY = 10, /* a slot names a key that is not trusted   */
    HV_ERR_SIGNATURE = 11,     /* a signature does not verify              */
    HV_ERR_TOO_FEW_SIGNATURES = 12, /* fewer valid signers than needed     */
    HV_ERR_METADATA = 13,      /* signed metadata not in canonical form    */
    HV_ERR_OEM = 14,           /* image is for another OEM                 */
    HV_ERR_BOARD = 15,         /* this board is not in the image's list    */
    HV_ERR_ROLLBACK = 16,      /* security version below rollback counter  */
    HV_ERR_LAYOUT = 17,        /* section offsets or sizes inconsistent    */
    HV_ERR_PADDING = 18,       /* non-zero byte between sections           */
    HV_ERR_MEMORY = 19,        /* platform has no RAM for a section        */
    HV_ERR_DIGEST = 20,        /* section digest mismatch                  */
    HV_ERR_DECOMPRESS = 21,    /* malformed compressed stream              */
    HV_ERR_UNPACKED_SIZE = 22, /* decompressed size differs from declared  */
    HV_ERR_CRYPTO = 23,        /* backend failed or lacks the algorithm    */
    HV_ERR_PLATFORM = 24,      /* rollback counter or board id unavailable */
    HV_ERR_NOT_STREAMABLE = 25, /* hv_verify_stream on a version 1 image:  */
                               /* no chunk digests; use hv_verify          */
    HV_ERR_TRUST_BLOCK = 26,   /* trust block malformed, or its root chain */
                               /* does not start at this device's roots    */
    HV_ERR_ROOT_SIGNATURE = 27, /* a root or keyring document lacks a      */
                               /* threshold of valid root signatures       */
    HV_ERR_TRUST_ROLLBACK = 28, /* root or keyring version below the       */
                               /* device's confirmed one                   */
    HV_ERR_REVOKED_KEY = 29,   /* an image signer's key epoch is revoked   */
    HV_ERR_KEY_SCOPE = 30,     /* an image signer may not sign for this    */
                               /* OEM or board                             */
    HV_ERR_NO_TRUST_BLOCK = 31, /* the device trusts roots; the image has  */
                               /* no trust block                           */
    HV_RESULT_COUNT = 32       /* not a result: the number of them         */
} hv_result;

/* Short stable identifier, e.g. "digest_mismatch". Never NULL. */
const char *hv_result_name(hv_result r);
/* One-line English description. Never NULL. */
const char *hv_result_str(hv_result r);

/* ---- Crypto backend -------------------------------------------------- */

/*
 * Opaque hash state big enough for any backend's SHA-384 context; aligned
 * for 64-bit words. A context holds no pointer into itself, so it may be
 * copied.
 */
typedef struct hv_hash_ctx {
    uint64_t opaque[64];
} hv_hash_ctx;

/*
 * A crypto backend. The platform picks one (portable BearSSL, CPU SHA
 * extensions, a hardware engine) and passes it to hv_verify().
 *
 * |hash_init| returns 0 on success, non-zero if |digest_alg| (HV_DIGEST_*)
 * is not supported. |hash_final| writes hv_digest_size(digest_alg) bytes.
 *
 * |verify| checks |sig| over the message whose hash is |digest| with public
 * key |pub| under |sig_alg| (HV_SIG_*). It returns 1 only for a valid
 * signature whose length is exactly hv_sig_size(sig_alg); anything else,
 * including a malformed key, returns 0. It must not accept short raw ECDSA
 * signatures or r, s outside [1, n-1].
 *
 * Public key encodings (same as trusted key records):
 *   ECDSA: uncompressed point 0x04 || X || Y (65 bytes P-256, 97 P-384).
 *   RSA:   modulus n big-endian (384 or 512 bytes, top bit set) followed by
 *          the public exponent e as 4 bytes big-endian (odd, >= 3).
 */
typedef struct hv_crypto {
    const char *name;
    int (*hash_init)(hv_hash_ctx *ctx, uint32_t digest_alg);
    void (*hash_update)(hv_hash_ctx *ctx, const void *data, size_t len);
    void (*hash_final)(hv_hash_ctx *ctx, uint8_t *out);
    int (*verify)(uint32_t sig_alg, const uint8_t *pub, size_t pub_len,
                  const uint8_t *digest, size_t digest_len,
                  const uint8_t *sig, size_t sig_len);
} hv_crypto;

/* Portable backend on BearSSL (no allocation, constant-time code). */
extern const hv_crypto hv_crypto_bearssl;
/*
 * Same, but SHA-256 runs on the x86 SHA extensions when CPUID reports them
 * (checked at hash_init, no OS needed; portable code otherwise). SHA-384
 * and signature checks are hv_crypto_bearssl's own code.
 */
extern const hv_crypto hv_crypto_native;

/* Bytes of a digest for HV_DIGEST_*, 0 if unknown. */
size_t hv_digest_size(uint32_t digest_alg);
/* Exact signature length for HV_SIG_*, 0 if unknown. */
size_t hv_sig_size(uint32_t sig_alg);
/* Exact public key length for HV_SIG_*, 0 if unknown. */
size_t hv_pubkey_size(uint32_t sig_alg);
/* The digest (HV_DIGEST_*) that a signature algorithm signs, 0 if unknown. */
uint32_t hv_sig_digest(uint32_t sig_alg);

/* ---- Trusted keys and policy ----------------------------------------- */

/*
 * A trusted key record: the only place a signature algorithm comes from.
 * The record does not own |pub|; it must outlive hv_verify().
 */
typedef struct hv_trusted_key {
    uint8_t key_id[HV_KEY_ID_SIZE]; /* SHA-256 of DER SubjectPublicKeyInfo */
    uint32_t sig_alg;               /* HV_SIG_*                            */
    const uint8_t *pub;
    size_t pub_len;
} hv_trusted_key;

/*
 * A device's root of trust when it trusts roots (trust area version 2,
 * docs/KEYS.md): the fingerprints (SHA-256 of the canonical public key,
 * hvimage/flash.h) of root version |version|'s keys, strictly ascending,
 * and how many of them must sign. Images must then carry a trust block
 * whose root chain starts at exactly this root.
 */
typedef struct hv_roots {
    const uint8_t (*fingerprints)[HV_ROOT_FP_SIZE]; /* not owned */
    size_t count;       /* 1..HV_ROOT_MAX_KEYS */
    uint32_t threshold; /* 1..count            */
    uint64_t version;   /* >= 1                */
} hv_roots;

typedef struct hv_policy {
    const hv_trusted_key *keys; /* not owned; key_count records            */
    size_t key_count;           /* 0 is refused (HV_ERR_NO_TRUSTED_KEYS)   */
                                /* unless |roots| is set                   */
    uint32_t min_signatures;    /* distinct valid signers needed; 0 acts 1 */
    const char *oem_id;         /* NULL: any OEM; else must match exactly  */
    uint64_t region_size;       /* bytes readable through ops->read        */
    int exact_size;             /* non-zero: image_size == region_size     */
    /*
     * Non-NULL: the device trusts roots; |keys| is ignored and every
     * signature must come from a key of the image's verified keyring.
     * The three floors are the device's confirmed counters: a chain whose
     * newest root is older than |min_root_version|, a keyring older than
     * |min_keyring_version|, and keys of an epoch below |min_key_epoch|
     * (or below the keyring's own min_epoch) are refused.
     */
    const hv_roots *roots;
    uint64_t min_root_version;
    uint64_t min_keyring_version;
    uint64_t min_key_epoch;
} hv_policy;

/* ---- Parsed image ---------------------------------------------------- */

typedef struct hv_section {
    uint32_t type;        /* HV_SECTION_*                                  */
    uint32_t compression; /* HV_COMPRESSION_*                              */
    char name[HV_SECTION_NAME_SIZE + 1];
    uint64_t offset;
    uint64_t stored_size;
    uint64_t unpacked_size;
    uint64_t load_address;
    uint64_t entry_point;
    uint8_t digest[HV_DIGEST_MAX_SIZE];
    /* Version 2: the chunk table's entries and bytes, and where the stored
     * bytes start (offset + table_size). Version 1: 0, 0 and offset. */
    uint64_t chunk_entries;
    uint64_t table_size;
    uint64_t data_offset;
    /*
     * After a successful hv_verify(): the verified unpacked bytes, in the
     * memory |section_memory| gave. Owned by the platform. NULL otherwise.
     */
    const uint8_t *data;
} hv_section;

typedef struct hv_header {
    uint32_t format_version;
    uint32_t metadata_size;
    uint32_t signature_slots;
    uint32_t trust_size; /* bytes of the trust block; 0: none */
    uint64_t image_size;
} hv_header;

typedef struct hv_image_info {
    hv_header header;
    char name[HV_IMAGE_NAME_SIZE + 1];
    char version[HV_VERSION_SIZE + 1];
    char oem_id[HV_OEM_ID_SIZE + 1];
    uint64_t security_version;
    uint64_t min_security_version; /* <= security_version */
    uint64_t build_epoch;
    uint32_t digest_alg;
    uint32_t section_align;
    uint32_t chunk_log2; /* version 2; 0 for version 1 */
    uint32_t core_kind;  /* HV_CORE_KIND_*; version 1: always monitor */
    uint8_t trust_digest[HV_DIGEST_MAX_SIZE]; /* of the trust block, or 0 */
    uint32_t section_count;
    uint32_t board_count;
    hv_section sections[HV_MAX_SECTIONS];
    char boards[HV_MAX_BOARDS][HV_BOARD_ID_SIZE + 1];
} hv_image_info;

/* ---- Trust block documents (docs/KEYS.md) ----------------------------- */

#define HV_DOC_ROOT 1u
#define HV_DOC_KEYRING 2u

/* A key of a root or keyring document. */
typedef struct hv_doc_key {
    hv_trusted_key key; /* pub points into the document's bytes        */
    uint64_t epoch;     /* keyring: the key's epoch; root: 0           */
    uint32_t oem_count; /* keyring scope: 1..HV_SCOPE_MAX_OEMS          */
    uint32_t board_count; /* 0..HV_SCOPE_MAX_BOARDS; 0 = any board     */
    char oems[HV_SCOPE_MAX_OEMS][HV_OEM_ID_SIZE + 1];
    char boards[HV_SCOPE_MAX_BOARDS][HV_BOARD_ID_SIZE + 1];
} hv_doc_key;

/* A parsed root or keyring document; points into the caller's bytes. */
typedef struct hv_doc {
    uint32_t kind;         /* HV_DOC_ROOT or HV_DOC_KEYRING                */
    const uint8_t *bytes;  /* the document                                 */
    size_t size;           /* header, body and signature slots             */
    size_t tbs_len;        /* signed bytes: header || body; slots follow   */
    uint32_t sig_slots;
    uint32_t filled;       /* filled slots (hv_check_sig_block's rules)    */
    uint64_t version;      /* the root's or the keyring's version          */
    uint32_t threshold;    /* root: signatures needed from its keys        */
    uint64_t root_version; /* keyring: the root that signs it              */
    uint64_t min_epoch;    /* keyring: keys of a lower epoch are revoked   */
    uint32_t key_count;
    hv_doc_key keys[HV_ROOT_MAX_KEYS];
} hv_doc;
_Static_assert(HV_ROOT_MAX_KEYS == HV_KEYRING_MAX_KEYS, "hv_doc.keys");

/*
 * Parse the document at the start of |p| (|len| bytes available; the
 * document may be shorter, out->size says how long it is): header, body
 * and the structure of its signature slots. Canonical form: exact sizes,
 * zero reserved and unused bytes, text fields by format.h's rules, key
 * ids strictly ascending, no public key twice, scope lists sorted.
 * VERY IMPORTANT: no signature is checked; hv_trust_block_verify does.
 * Returns HV_OK or HV_ERR_TRUST_BLOCK.
 */
hv_result hv_doc_parse(const uint8_t *p, size_t len, hv_doc *out);

/* SHA-256 of |pub| (a canonical public key, |len| bytes) into |fp|:
 * a key's fingerprint. 0 on success. */
int hv_key_fingerprint(const hv_crypto *c, const uint8_t *pub, size_t len,
                       uint8_t fp[HV_ROOT_FP_SIZE]);

/*
 * The structure of a whole trust block, no signature checked: root
 * documents with consecutive versions (at most HV_MAX_ROOT_CHAIN), then one
 * keyring naming the last root's version, nothing after. For a device that
 * trusts keys directly, for hv_check_content and for host tools; a device
 * that trusts roots runs hv_trust_block_verify. |scratch| is overwritten.
 */
hv_result hv_trust_block_check(const uint8_t *blk, size_t len,
                               hv_doc *scratch);

/* What hv_verify or hv_trust_block_verify learned from a trust block. */
typedef struct hv_trust_result {
    int present;           /* the image has a trust block                  */
    int verified;          /* its roots and keyring verified               */
    uint32_t root_count;   /* root documents in the chain                  */
    uint64_t root_version; /* the newest root of the chain                 */
    uint64_t keyring_version;
    uint64_t keyring_min_epoch; /* the keyring's own min_epoch            */
    uint64_t min_epoch;    /* in force: max(keyring's, policy's)           */
    uint32_t keyring_keys; /* keys the keyring lists                       */
    uint32_t usable_keys;  /* of those, at or above min_epoch              */
    /* Per verdict signer (signer_ids order): the signer's epoch. */
    uint64_t signer_epochs[HV_MAX_SIGNATURE_SLOTS];
    uint32_t failed_doc;   /* document that failed, or UINT32_MAX          */
    uint64_t fail_offset;  /* offset in the block where it failed          */
} hv_trust_result;

/*
 * Verify a trust block (|len| bytes at |blk|) against policy->roots and
 * the policy's three floors: the root chain (consecutive versions; roots
 * older than the device's are carried for older devices and only their
 * place in the chain counts; the device's root is matched by fingerprints
 * and threshold and signed by a threshold of its own keys; each next root
 * is signed by a threshold of the previous root's keys and of its own),
 * then the keyring (signed by a threshold of the newest root's keys,
 * naming that root's version). Thresholds count each
 * public key once per role. |docs| is scratch for two root documents and
 * |keyring| receives the keyring; both point into |blk|.
 */
hv_result hv_trust_block_verify(const hv_crypto *c, const hv_policy *policy,
                                const uint8_t *blk, size_t len,
                                hv_doc docs[2], hv_doc *keyring,
                                hv_trust_result *res);

/*
 * Parse and range-check the fixed header. Pure function on 64 bytes; does
 * not check the region (hv_verify does).
 */
hv_result hv_parse_header(const uint8_t hdr[HV_HEADER_SIZE], hv_header *out);

/*
 * Parse header || metadata (|tbs|, |tbs_len| bytes) into |out|, checking
 * canonical form and the section layout. VERY IMPORTANT: this does not check
 * any signature. hv_verify() calls it only after the signature check; hosts
 * may call it directly to *display* an image (hvimage inspect) but must not
 * act on the result.
 */
hv_result hv_parse_metadata(const uint8_t *tbs, size_t tbs_len,
                            hv_image_info *out);

/*
 * Check the structure of a signature block: filled slots first, key ids
 * strictly ascending, reserved bytes and bytes after sig_len zero, empty
 * slots all zero. Counts the filled slots into |*filled|. Does not verify
 * signatures.
 */
hv_result hv_check_sig_block(const uint8_t *block, uint32_t slots,
                             uint32_t *filled);

/* ---- Platform operations --------------------------------------------- */

typedef struct hv_ops {
    void *user; /* passed back to every call; not touched by the library */

    /*
     * Copy |len| bytes at |offset| of the image region into |dst|. Return 0
     * on success. The library never asks for bytes outside
     * [0, policy.region_size) and never asks for the same byte twice.
     */
    int (*read)(void *user, uint64_t offset, void *dst, size_t len);

    /* The device's rollback counter. Return 0 on success. */
    int (*rollback_counter)(void *user, uint64_t *counter);

    /* The board id, NUL-padded to HV_BOARD_ID_SIZE. Return 0 on success. */
    int (*board_id)(void *user, char id[HV_BOARD_ID_SIZE]);

    /*
     * RAM for a section whose signed metadata has been verified. Set
     * |*stored| to stored_size bytes where the stored bytes are read and
     * hashed, and (for HV_COMPRESSION_ZSTD) |*unpacked| to unpacked_size
     * bytes for the output; the two must not overlap. For
     * HV_COMPRESSION_NONE |*unpacked| is ignored and the stored copy is the
     * result. Return 0 on success, non-zero to refuse (HV_ERR_MEMORY).
     */
    int (*section_memory)(void *user, const hv_section *section,
                          uint8_t **stored, uint8_t **unpacked);
} hv_ops;

/* ---- Verification ---------------------------------------------------- */

/*
 * Stack bound for hv_verify() with the BearSSL backend on x86-64, including
 * the backend's own frames (RSA-4096 is the deepest). Measured by
 * tests/verify/test-stack on a painted stack; the platform adds its ops'
 * frames on top.
 */
#define HV_VERIFY_STACK_MAX (12u * 1024u)

/*
 * Decompression workspace for a static zstd context. 160 KiB covers
 * ZSTD_estimateDCtxSize() of libzstd 1.5.x on 64-bit targets with room to
 * spare; hv_verify refuses (HV_ERR_DECOMPRESS) if the linked zstd needs more.
 */
#define HV_ZSTD_WORKSPACE_SIZE (160u * 1024u)

/* Caller-owned scratch memory for one hv_verify() call. */
typedef struct hv_workspace {
    uint8_t tbs[HV_TBS_MAX_SIZE];
    uint8_t sig_block[HV_MAX_SIG_BLOCK_SIZE];
    uint8_t pad[4096]; /* padding is read through this, in chunks */
    uint8_t chunk_table[HV_MAX_CHUNK_TABLE_SIZE]; /* one section's, v2 */
    uint8_t trust_block[HV_MAX_TRUST_BLOCK_SIZE]; /* the image's, read once */
    hv_doc docs[2];     /* root documents of the chain, two at a time */
    hv_doc keyring;     /* the verified keyring: its keys sign images  */
    hv_trusted_key ring_keys[HV_KEYRING_MAX_KEYS];
    uint64_t zstd[HV_ZSTD_WORKSPACE_SIZE / 8];
} hv_workspace;

typedef struct hv_verdict {
    hv_result result;
    /* Index of the section that failed, or UINT32_MAX. */
    uint32_t failed_section;
    /* Image offset where the failing check looked, or UINT64_MAX. */
    uint64_t fail_offset;
    uint64_t rollback_counter;
    uint32_t signers; /* distinct trusted keys whose signature verified */
    uint8_t signer_ids[HV_MAX_SIGNATURE_SLOTS][HV_KEY_ID_SIZE];
    /* Filled from signed metadata only once the signatures verified. */
    int info_valid;
    hv_image_info info;
    hv_trust_result trust; /* the image's trust block, if any */
} hv_verdict;

/*
 * Verify the image behind |ops| under |policy| with |crypto|. On HV_OK every
 * section's |data| points at its verified unpacked bytes and the caller may
 * hand over to the core. On failure, |verdict| says what failed; the RAM
 * given by section_memory may hold unverified bytes and must not be used.
 */
hv_result hv_verify(const hv_ops *ops, const hv_crypto *crypto,
                    const hv_policy *policy, hv_workspace *ws,
                    hv_verdict *verdict);

/* ---- Streaming verification (format version 2) ------------------------ */

/* Workspace for hv_verify_stream's zstd stream: the 8 MiB window the format
 * allows (HV_ZSTD_WINDOW_LOG_MAX) and zstd's block buffers, with room to
 * spare; refused (HV_ERR_DECOMPRESS) if the linked zstd needs more. */
#define HV_ZSTD_STREAM_WORKSPACE_SIZE (9u * 1024u * 1024u)

/*
 * Where hv_verify_stream puts what it has authenticated. All memory is the
 * caller's and fixed: one chunk, the zstd stream workspace and an output
 * buffer, whatever the image's size.
 */
typedef struct hv_stream {
    void *user; /* passed back to the callbacks */
    /* At least the image's chunk size (1 << chunk_log2, at most 16 MiB),
     * else HV_ERR_MEMORY; 16 MiB takes any image. */
    uint8_t *chunk;
    size_t chunk_size;
    /* HV_ZSTD_STREAM_WORKSPACE_SIZE bytes, 8-byte aligned. */
    void *zstd;
    size_t zstd_size;
    /* Unpacked bytes are produced into this (any size >= 4 KiB). */
    uint8_t *out;
    size_t out_size;
    /* 0: authenticate without decompressing (the result then says nothing
     * about the zstd frames: a first pass whose bytes a full verification
     * will check again). Non-zero: decompress and check as hv_verify does. */
    int unpack;
    /*
     * Optional. Every image byte, in order, each exactly once and only once
     * it is authenticated: header, metadata and signature block after the
     * signatures and the signed checks passed, a chunk table after its
     * digest matched, each chunk after its entry matched, padding after it
     * read zero. Return 0, or non-zero to stop (HV_ERR_IO).
     */
    int (*image_bytes)(void *user, uint64_t offset, const uint8_t *p,
                       size_t len);
    /*
     * Optional. The unpacked bytes of section |s|, in order, only from
     * authenticated chunks (with |unpack|). Return 0, or non-zero to stop
     * (HV_ERR_IO). A later failure can still refuse the image: a caller
     * acts on these bytes only once hv_verify_stream returned HV_OK.
     */
    int (*section_bytes)(void *user, const hv_section *s, const uint8_t *p,
                         size_t len);
} hv_stream;

/*
 * hv_verify for a version 2 image without holding its sections: the same
 * checks in the same order, each stored byte read once (ops->read, in
 * increasing offset order), authenticated by its chunk's digest and only
 * then passed on or decompressed. ops->section_memory is not used (may be
 * NULL); every hv_section's |data| stays NULL. A version 1 image is refused
 * with HV_ERR_NOT_STREAMABLE after reading only its fixed header.
 */
hv_result hv_verify_stream(const hv_ops *ops, const hv_crypto *crypto,
                           const hv_policy *policy, hv_workspace *ws,
                           const hv_stream *stream, hv_verdict *verdict);

/*
 * Check everything hv_verify checks in an image except what needs trust:
 * the header (image_size must equal |image_size|), the signature block's
 * structure (not its signatures: slots may be empty or from any key), the
 * metadata, the layout, the zero padding, and each section's digest and
 * decompression, with the same code and the same reads as hv_verify. For
 * signing tools, which must not sign an image the verifier would refuse
 * for its content. Uses ops->read and ops->section_memory only (no OEM,
 * board or rollback check). On return |verdict->info| holds metadata that
 * NO signature vouches for: info_valid stays 0, and a boot path must never
 * act on it; boot code calls hv_verify.
 */
hv_result hv_check_content(const hv_ops *ops, const hv_crypto *crypto,
                           uint64_t image_size, hv_workspace *ws,
                           hv_verdict *verdict);

/*
 * Decompress one zstd frame from |src| into exactly |dst_len| bytes using
 * the caller's workspace. Refuses trailing bytes, a second frame, a frame
 * that would exceed |dst_len| and one that stops short of it.
 */
hv_result hv_zstd_unpack(void *workspace, size_t workspace_size,
                         const uint8_t *src, size_t src_len, uint8_t *dst,
                         size_t dst_len);

#ifdef __cplusplus
}
#endif

#endif /* HVBOOT_H */
