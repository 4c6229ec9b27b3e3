/*
 * hvimage on-disk format: the single source of truth.
 *
 * Both the host tool (mkimage/, signing/) and the boot verifier (boot/)
 * include this header; docs/FORMAT.md describes the same layout in prose and
 * tests/test-format-doc checks that every constant named there matches the
 * value here.
 *
 * The format is defined as byte offsets, never as C structs laid over raw
 * bytes: every field is little-endian and fixed width, and code decodes it
 * with hv_le32()/hv_le64() (boot/) or the matching writers (mkimage/).
 *
 * Image layout (all offsets from the start of the image):
 *
 *   0                      fixed header, HV_HEADER_SIZE bytes
 *   HV_HEADER_SIZE         metadata, header.metadata_size bytes
 *   ...                    signature block, header.signature_slots slots of
 *                          HV_SIG_SLOT_SIZE bytes each
 *   align(section_align)   section 0 stored bytes, then zero padding up to
 *                          the next multiple of section_align, section 1 ...
 *   image_size             end of the last section: nothing follows
 *
 * Signed bytes ("to be signed", TBS): header || metadata, exactly
 * HV_HEADER_SIZE + metadata_size bytes. Each section is bound to them by its
 * digest in the metadata, padding by being required to be zero, and the
 * signature block by requiring every slot to be either a valid signature of a
 * trusted key or all zero.
 *
 * Besides the constants, the rules every reader and writer shares are here
 * as small inline functions: the text charset (hv_text_char,
 * hv_text_string), the names the
 * section types must carry (hv_section_type_name), the per-algorithm sizes
 * (HV_SIG_SIZE_*, HV_PUB_SIZE_*) and where the signature block ends
 * (hv_sig_block_end). The byte codecs are in hvimage/codec.h.
 *
 * This header needs only <stdint.h>; it is usable freestanding.
 */
#ifndef HVIMAGE_FORMAT_H
#define HVIMAGE_FORMAT_H

#include <stdint.h>

/* ---- Fixed header (64 bytes, offset 0) -------------------------------- */

/*
 * Magic: "HVIMG" then CR LF SUB, like PNG's, so that a text-mode transfer or a
 * truncation to 7 bits is caught at the first 8 bytes.
 */
#define HV_MAGIC_0 0x48u /* 'H' */
#define HV_MAGIC_1 0x56u /* 'V' */
#define HV_MAGIC_2 0x49u /* 'I' */
#define HV_MAGIC_3 0x4Du /* 'M' */
#define HV_MAGIC_4 0x47u /* 'G' */
#define HV_MAGIC_5 0x0Du /* CR  */
#define HV_MAGIC_6 0x0Au /* LF  */
#define HV_MAGIC_7 0x1Au /* SUB */
#define HV_MAGIC_SIZE 8u

/*
 * Version 1: each section's digest covers its stored bytes whole, so a
 * reader must hold a whole section before it may trust (and decompress) any
 * of it. Version 2 (what the builder writes): each section starts with a
 * chunk table, the digests of its stored bytes in fixed-size chunks, and the
 * section digest covers that table; a reader authenticates the table, then
 * each chunk as it arrives, with memory for one chunk (docs/FORMAT.md
 * "Chunk tables"). Readers accept both.
 */
#define HV_FORMAT_VERSION_1 1u
#define HV_FORMAT_VERSION_2 2u
#define HV_FORMAT_VERSION HV_FORMAT_VERSION_2 /* what the builder writes */

#define HV_HEADER_SIZE 64u
#define HV_HDR_OFF_MAGIC 0u            /* u8[8]  HV_MAGIC_0..7                */
#define HV_HDR_OFF_FORMAT_VERSION 8u   /* u32    1 or 2 (HV_FORMAT_VERSION_*) */
#define HV_HDR_OFF_METADATA_SIZE 12u   /* u32    bytes of metadata            */
#define HV_HDR_OFF_SIGNATURE_SLOTS 16u /* u32    1..HV_MAX_SIGNATURE_SLOTS    */
#define HV_HDR_OFF_FLAGS 20u           /* u32    must be 0 (none defined)     */
#define HV_HDR_OFF_IMAGE_SIZE 24u      /* u64    total bytes of the image     */
#define HV_HDR_OFF_TRUST_SIZE 32u      /* u32    bytes of the trust block     */
                                       /*        after the signature block:   */
                                       /*        0 (none) or                  */
                                       /*        HV_MIN..MAX_TRUST_BLOCK_SIZE */
#define HV_HDR_OFF_RESERVED 36u        /* u8[28] must be zero                 */

/* ---- Metadata (signed, offset HV_HEADER_SIZE) -------------------------- */

/*
 * Fixed part, then section_count section entries, then board_count board
 * ids. metadata_size must equal exactly
 *   HV_META_FIXED_SIZE + section_count * HV_SECTION_ENTRY_SIZE
 *                      + board_count * HV_BOARD_ID_SIZE.
 *
 * Text fields (names, versions, ids) are NUL-padded: at least one byte, every
 * byte before the first NUL one of "A-Z a-z 0-9 . _ + -", every byte after it
 * zero, so that each text has exactly one encoding and prints safely in text,
 * JSON and file names. A text may fill its field with no NUL.
 */
#define HV_META_FIXED_SIZE 256u
#define HV_META_OFF_IMAGE_NAME 0u         /* text[64]                         */
#define HV_META_OFF_IMAGE_VERSION 64u     /* text[32]                         */
#define HV_META_OFF_OEM_ID 96u            /* text[32]                         */
#define HV_META_OFF_SECURITY_VERSION 128u /* u64 rollback protection          */
#define HV_META_OFF_BUILD_EPOCH 136u      /* u64 seconds since 1970 UTC       */
#define HV_META_OFF_DIGEST_ALG 144u       /* u32 HV_DIGEST_*                  */
#define HV_META_OFF_SECTION_COUNT 148u    /* u32 1..HV_MAX_SECTIONS           */
#define HV_META_OFF_BOARD_COUNT 152u      /* u32 1..HV_MAX_BOARDS             */
#define HV_META_OFF_SECTION_ALIGN 156u    /* u32 power of two, see limits     */
#define HV_META_OFF_CHUNK_LOG2 160u       /* u32 version 2: log2 of the chunk */
                                          /* size, HV_MIN..MAX_CHUNK_LOG2;    */
                                          /* version 1: zero (reserved)       */
#define HV_META_OFF_CORE_KIND 164u        /* u32 version 2: HV_CORE_KIND_*;   */
                                          /* version 1: zero (reserved)       */
#define HV_META_OFF_TRUST_DIGEST 168u     /* u8[48] digest (digest_alg) of the */
                                          /* trust block; unused bytes, and   */
                                          /* all of it without one, zero      */
#define HV_META_OFF_RESERVED 216u         /* u8[32] must be zero              */
#define HV_META_OFF_MIN_SECURITY_VERSION 248u /* u64 <= security_version: the
                                          * oldest version this image allows
                                          * a rollback to (docs/UPDATE.md)  */

/* What the core section is and how a stage starts it (docs/BOOT.md). */
#define HV_CORE_KIND_MONITOR 0u /* flat or ELF core at its load address,   */
                                /* entered with the boot info              */
#define HV_CORE_KIND_LINUX 1u   /* a whole bzImage, started by the x86     */
                                /* 64-bit boot protocol                    */

#define HV_IMAGE_NAME_SIZE 64u
#define HV_VERSION_SIZE 32u
#define HV_OEM_ID_SIZE 32u
#define HV_BOARD_ID_SIZE 32u
#define HV_SECTION_NAME_SIZE 32u

/* Section entry: HV_SECTION_ENTRY_SIZE bytes each. */
#define HV_SECTION_ENTRY_SIZE 128u
#define HV_SEC_OFF_TYPE 0u            /* u32 HV_SECTION_*                      */
#define HV_SEC_OFF_COMPRESSION 4u     /* u32 HV_COMPRESSION_*                  */
#define HV_SEC_OFF_NAME 8u            /* text[32]                              */
#define HV_SEC_OFF_OFFSET 40u         /* u64 from image start, aligned         */
#define HV_SEC_OFF_STORED_SIZE 48u    /* u64 bytes in the image                */
#define HV_SEC_OFF_UNPACKED_SIZE 56u  /* u64 bytes after decompression         */
#define HV_SEC_OFF_LOAD_ADDRESS 64u   /* u64 core only, else 0                 */
#define HV_SEC_OFF_ENTRY_POINT 72u    /* u64 core only, else 0                 */
#define HV_SEC_OFF_DIGEST 80u         /* u8[48] version 1: digest of the stored */
                                      /* bytes; version 2: of the chunk table; */
                                      /* SHA-256 uses 32, the rest are zero    */

/* Section types. The table is sorted by (type, name), strictly ascending. */
#define HV_SECTION_CORE 1u    /* the monitor; exactly one; name "core"        */
#define HV_SECTION_BOOTCFG 2u /* key=value lines; at most one; "bootcfg"      */
#define HV_SECTION_DRIVERS 3u /* normalised ustar archive; at most one;       */
                              /* name "drivers"                               */
#define HV_SECTION_EXTRA 4u   /* any number, unique names                     */
#define HV_SECTION_SBOM 5u    /* CycloneDX 1.5 JSON: what went into the image */
                              /* (docs/SUPPLY-CHAIN.md); at most one; "sbom"  */
#define HV_SECTION_CMDLINE 6u /* Linux core: the kernel command line, no NUL; */
                              /* exactly one with a Linux core; "cmdline"     */
#define HV_SECTION_INITRAMFS 7u /* Linux core: the base initramfs, opaque to  */
                              /* the verifier; at most one; "initramfs"       */

/* The names the other types must carry, and extras may not. */
#define HV_SECTION_NAME_CORE "core"
#define HV_SECTION_NAME_BOOTCFG "bootcfg"
#define HV_SECTION_NAME_DRIVERS "drivers"
#define HV_SECTION_NAME_SBOM "sbom"
#define HV_SECTION_NAME_CMDLINE "cmdline"
#define HV_SECTION_NAME_INITRAMFS "initramfs"

#define HV_COMPRESSION_NONE 0u
/* Exactly one zstd frame; a content size in its header, if present (the
 * builder always writes one), equals unpacked_size. docs/FORMAT.md. */
#define HV_COMPRESSION_ZSTD 1u

#define HV_DIGEST_SHA256 1u
#define HV_DIGEST_SHA384 2u
#define HV_DIGEST_MAX_SIZE 48u

/*
 * Version 2 chunk tables. A section's area at its offset holds its chunk
 * table, then its stored bytes. The table has hv_chunk_entries() entries of
 * the digest size: entry i is the digest of stored bytes [i * C, (i + 1) * C)
 * (the last chunk may be short), C = 1 << chunk_log2; entries past the last
 * chunk are zero. The entry count follows from signed sizes known before a
 * section is compressed (the unpacked size, and for zstd a bound on the
 * stored size), so a builder can reserve the table before it streams the
 * section; stored_size must stay within that bound.
 */
#define HV_MIN_CHUNK_LOG2 16u
#define HV_MAX_CHUNK_LOG2 24u
/* A table is read whole into the verifier's workspace before its entries
 * are used, so it has a fixed bound. */
#define HV_MAX_CHUNK_TABLE_SIZE (64u * 1024u)
/* Version 2 zstd frames use a window of at most 8 MiB, so a streaming
 * reader's memory is bounded by the format, not by the frame. */
#define HV_ZSTD_WINDOW_LOG_MAX 23u

/* The most stored bytes a section of |unpacked| bytes may have: itself when
 * stored, and for zstd a bound above zstd's own worst case (raw blocks:
 * 3 bytes per 128 KiB block, plus the frame header). */
static inline uint64_t hv_stored_bound(uint32_t compression, uint64_t unpacked)
{
    return compression == HV_COMPRESSION_NONE
               ? unpacked
               : unpacked + (unpacked >> 7) + 4096u;
}

/* Chunk table entries of a version 2 section. |unpacked| <= 2^32, so
 * nothing here wraps. */
static inline uint64_t hv_chunk_entries(uint32_t compression,
                                        uint64_t unpacked, uint32_t chunk_log2)
{
    uint64_t bound = hv_stored_bound(compression, unpacked);
    return (bound + ((uint64_t)1 << chunk_log2) - 1) >> chunk_log2;
}

/* ---- Signature block (not signed; every slot checked) ------------------ */

/*
 * Filled slots come first with strictly ascending key ids (so one key can sign
 * at most once), then empty slots, which are all zero. In a filled slot
 * sig_len is the exact signature length for the trusted key's algorithm and
 * the bytes after it are zero.
 */
#define HV_SIG_SLOT_SIZE 552u
#define HV_SIG_OFF_KEY_ID 0u   /* u8[32] SHA-256 of the canonical DER SPKI   */
#define HV_SIG_OFF_SIG_LEN 32u /* u32                                        */
#define HV_SIG_OFF_RESERVED 36u /* u32 must be zero                          */
#define HV_SIG_OFF_SIG 40u     /* u8[512]                                    */
#define HV_KEY_ID_SIZE 32u
#define HV_SIG_MAX_SIZE 512u

/*
 * Signature algorithms. They live in trusted key records only: an image never
 * says which algorithm verifies it.
 *  ECDSA signatures are raw r || s, each big-endian and exactly the curve's
 *  byte length (IEEE P1363), never DER.
 *  RSA signatures are PKCS#1 v1.5 and exactly the modulus length.
 */
#define HV_SIG_ECDSA_P256_SHA256 1u
#define HV_SIG_ECDSA_P384_SHA384 2u
#define HV_SIG_RSA3072_PKCS1_SHA256 3u
#define HV_SIG_RSA4096_PKCS1_SHA256 4u

/*
 * Exact sizes per algorithm, not maxima: a signature or key record of any
 * other length is refused. ECDSA: r || s, and the point 0x04 || X || Y, from
 * the curve's scalar length; RSA: the modulus, and the modulus || e (4 bytes).
 */
#define HV_SCALAR_SIZE_P256 32u
#define HV_SCALAR_SIZE_P384 48u
#define HV_MODULUS_SIZE_RSA3072 384u
#define HV_MODULUS_SIZE_RSA4096 512u
#define HV_RSA_EXPONENT_SIZE 4u
#define HV_SIG_SIZE_P256 (2u * HV_SCALAR_SIZE_P256)
#define HV_SIG_SIZE_P384 (2u * HV_SCALAR_SIZE_P384)
#define HV_SIG_SIZE_RSA3072 HV_MODULUS_SIZE_RSA3072
#define HV_SIG_SIZE_RSA4096 HV_MODULUS_SIZE_RSA4096
#define HV_PUB_SIZE_P256 (1u + 2u * HV_SCALAR_SIZE_P256)
#define HV_PUB_SIZE_P384 (1u + 2u * HV_SCALAR_SIZE_P384)
#define HV_PUB_SIZE_RSA3072 (HV_MODULUS_SIZE_RSA3072 + HV_RSA_EXPONENT_SIZE)
#define HV_PUB_SIZE_RSA4096 (HV_MODULUS_SIZE_RSA4096 + HV_RSA_EXPONENT_SIZE)
/* The largest public key record: RSA-4096. */
#define HV_PUB_MAX_SIZE HV_PUB_SIZE_RSA4096
#define HV_DIGEST_SIZE_SHA256 32u
#define HV_DIGEST_SIZE_SHA384 48u

/* ---- Trust block (signed by roots; optional) -------------------------- */

/*
 * Between the signature block and the first section an image may carry a
 * trust block (docs/KEYS.md): the chain of root documents from the
 * device's provisioned root version up, then one keyring document, each
 * self-delimiting, back to back, nothing after the keyring. The keyring
 * lists the image-signing keys; the roots vouch for the keyring. A device
 * provisioned with roots (trust area version 2) accepts an image's
 * signatures only from keys of the keyring its trust block carries.
 *
 * The block is authenticated twice over: each document by a threshold of
 * root signatures, and the whole block by the image's own signatures,
 * through its digest in the signed metadata (HV_META_OFF_TRUST_DIGEST) and
 * its size in the signed header. Its first HV_DOC_HEADER_SIZE bytes per
 * document are the only ones read before that document's signatures.
 *
 * Document = header (HV_DOC_HEADER_SIZE), body (body_size bytes), then
 * sig_slots signature slots of HV_SIG_SLOT_SIZE in the image's slot format
 * (filled first, key ids strictly ascending, empty slots all zero). The
 * signed bytes of a document are its header || body.
 */
#define HV_DOC_HEADER_SIZE 32u
#define HV_DOC_OFF_MAGIC 0u        /* u8[8] HV_ROOT_MAGIC or HV_KEYRING_MAGIC */
#define HV_DOC_OFF_VERSION 8u      /* u32 HV_DOC_VERSION                      */
#define HV_DOC_OFF_BODY_SIZE 12u   /* u32 exact for the body's key count      */
#define HV_DOC_OFF_SIG_SLOTS 16u   /* u32 1..HV_MAX_SIGNATURE_SLOTS           */
#define HV_DOC_OFF_RESERVED 20u    /* u8[12] zero                             */
#define HV_DOC_VERSION 1u
#define HV_ROOT_MAGIC "HVROOT\r\x1a"   /* 8 bytes, no NUL                   */
#define HV_KEYRING_MAGIC "HVKEYR\r\x1a" /* 8 bytes, no NUL                  */

/* Key record: one public key with its algorithm, in the trust area
 * (hvimage/flash.h, version 1), root documents and keyring entries. */
#define HV_KEYREC_SIZE 560u
#define HV_KEYREC_OFF_KEY_ID 0u            /* u8[32] SHA-256 of DER SPKI    */
#define HV_KEYREC_OFF_SIG_ALG 32u          /* u32 HV_SIG_*                  */
#define HV_KEYREC_OFF_PUB_LEN 36u          /* u32 hv_pubkey_size(sig_alg)   */
#define HV_KEYREC_OFF_PUB 40u              /* u8[516] pub_len bytes, zeros  */
#define HV_KEYREC_PUB_MAX HV_PUB_MAX_SIZE  /* RSA-4096 n || e               */
#define HV_KEYREC_OFF_RESERVED 556u        /* u32 zero                      */

/* Root document body: the root keys and how many of them must sign. A key
 * record is the trust area's (hvimage/flash.h HV_KEYREC_*), ids strictly
 * ascending, and no public key twice. */
#define HV_ROOT_FIXED_SIZE 32u
#define HV_ROOT_OFF_VERSION 0u     /* u64 >= 1                                */
#define HV_ROOT_OFF_THRESHOLD 8u   /* u32 1..key_count                        */
#define HV_ROOT_OFF_KEY_COUNT 12u  /* u32 1..HV_ROOT_MAX_KEYS                 */
#define HV_ROOT_OFF_RESERVED 16u   /* u8[16] zero; then key records           */
#define HV_ROOT_MAX_KEYS 8u

/* Keyring document body: the image-signing keys, each with its epoch and
 * scope, signed by a threshold of the root whose version it names. */
#define HV_KEYRING_FIXED_SIZE 64u
#define HV_KEYRING_OFF_VERSION 0u      /* u64 >= 1                            */
#define HV_KEYRING_OFF_ROOT_VERSION 8u /* u64 the root that signs it          */
#define HV_KEYRING_OFF_MIN_EPOCH 16u   /* u64 keys below it are revoked       */
#define HV_KEYRING_OFF_KEY_COUNT 24u   /* u32 1..HV_KEYRING_MAX_KEYS          */
#define HV_KEYRING_OFF_RESERVED 28u    /* u8[36] zero; then entries           */
#define HV_KEYRING_MAX_KEYS 8u

/* Keyring entry: a key record, then its epoch and scope. The scope lists
 * 1..HV_SCOPE_MAX_OEMS OEM ids and 0..HV_SCOPE_MAX_BOARDS board ids (none:
 * every board of those OEMs), text fields sorted strictly ascending,
 * unused ones zero. */
#define HV_KEYRING_ENTRY_SIZE 960u
#define HV_KENT_OFF_KEY 0u             /* key record, HV_KEYREC_SIZE bytes    */
#define HV_KENT_OFF_EPOCH 560u         /* u64                                 */
#define HV_KENT_OFF_OEM_COUNT 568u     /* u32 1..HV_SCOPE_MAX_OEMS            */
#define HV_KENT_OFF_BOARD_COUNT 572u   /* u32 0..HV_SCOPE_MAX_BOARDS          */
#define HV_KENT_OFF_OEMS 576u          /* text[32] x HV_SCOPE_MAX_OEMS        */
#define HV_KENT_OFF_BOARDS 704u        /* text[32] x HV_SCOPE_MAX_BOARDS      */
#define HV_SCOPE_MAX_OEMS 4u
/* A key's fingerprint: SHA-256 of its canonical public key bytes (the
 * pub_len bytes of its key record). Thresholds count fingerprints, never
 * key ids, so one key counts once whatever ids or files it came under. */
#define HV_ROOT_FP_SIZE 32u
#define HV_SCOPE_MAX_BOARDS 8u

/* Root documents in one block: at most this many (a chain longer than
 * that needs re-provisioning, or a newer trust area). */
#define HV_MAX_ROOT_CHAIN 6u
/* The largest documents the rules allow: every key and slot used. */
#define HV_MAX_ROOT_DOC_SIZE                                                  \
    (HV_DOC_HEADER_SIZE + HV_ROOT_FIXED_SIZE +                                \
     HV_ROOT_MAX_KEYS * HV_KEYREC_SIZE + HV_MAX_SIGNATURE_SLOTS * HV_SIG_SLOT_SIZE)
#define HV_MAX_KEYRING_DOC_SIZE                                               \
    (HV_DOC_HEADER_SIZE + HV_KEYRING_FIXED_SIZE +                             \
     HV_KEYRING_MAX_KEYS * HV_KEYRING_ENTRY_SIZE +                            \
     HV_MAX_SIGNATURE_SLOTS * HV_SIG_SLOT_SIZE)
/* The smallest block header is a bound, not a valid block; the largest is
 * the longest chain of the largest roots and the largest keyring, so every
 * block the document rules allow fits the verifier's fixed buffer. */
#define HV_MIN_TRUST_BLOCK_SIZE 64u
#define HV_MAX_TRUST_BLOCK_SIZE                                               \
    (HV_MAX_ROOT_CHAIN * HV_MAX_ROOT_DOC_SIZE + HV_MAX_KEYRING_DOC_SIZE)

/* ---- Limits ------------------------------------------------------------ */

/*
 * Each limit bounds a buffer in the verifier or a loop over hostile counts.
 * HV_MAX_METADATA_SIZE follows from the counts and fits the verifier's fixed
 * metadata buffer (HV_TBS_MAX_SIZE below).
 */
#define HV_MAX_SECTIONS 16u
#define HV_MAX_BOARDS 32u
#define HV_MAX_SIGNATURE_SLOTS 8u
#define HV_MIN_SECTION_ALIGN 16u
#define HV_MAX_SECTION_ALIGN (1u << 20)
#define HV_MAX_METADATA_SIZE                                                  \
    (HV_META_FIXED_SIZE + HV_MAX_SECTIONS * HV_SECTION_ENTRY_SIZE +           \
     HV_MAX_BOARDS * HV_BOARD_ID_SIZE)
#define HV_TBS_MAX_SIZE (HV_HEADER_SIZE + HV_MAX_METADATA_SIZE)
#define HV_MAX_SIG_BLOCK_SIZE (HV_MAX_SIGNATURE_SLOTS * HV_SIG_SLOT_SIZE)
/* 4 GiB: larger than any flash part this is for, small enough that a size
 * read from a hostile header can never wrap a 64-bit sum of a few of them. */
#define HV_MAX_IMAGE_SIZE (UINT64_C(1) << 32)
/* Unpacked sizes are bounded separately: a 4 GiB monitor is already absurd. */
#define HV_MAX_UNPACKED_SIZE (UINT64_C(1) << 32)

_Static_assert(HV_HDR_OFF_RESERVED + 28u == HV_HEADER_SIZE, "header layout");
_Static_assert(HV_META_OFF_RESERVED + 40u == HV_META_FIXED_SIZE, "meta layout");
_Static_assert(HV_META_OFF_CORE_KIND + 4u == HV_META_OFF_TRUST_DIGEST,
               "core_kind precedes the trust digest");
_Static_assert(HV_META_OFF_TRUST_DIGEST + HV_DIGEST_MAX_SIZE ==
                   HV_META_OFF_RESERVED, "trust digest precedes reserved");
_Static_assert(HV_SEC_OFF_DIGEST + HV_DIGEST_MAX_SIZE == HV_SECTION_ENTRY_SIZE,
               "section entry layout");
_Static_assert(HV_SIG_OFF_SIG + HV_SIG_MAX_SIZE == HV_SIG_SLOT_SIZE,
               "signature slot layout");
_Static_assert(HV_MAX_METADATA_SIZE == 3328u, "documented in FORMAT.md");
_Static_assert(HV_SIG_SIZE_RSA4096 == HV_SIG_MAX_SIZE,
               "the largest signature fills a slot");
_Static_assert(HV_DIGEST_SIZE_SHA384 == HV_DIGEST_MAX_SIZE, "digest field");
_Static_assert(HV_DOC_OFF_RESERVED + 12u == HV_DOC_HEADER_SIZE, "doc header");
_Static_assert(HV_KEYREC_OFF_RESERVED + 4u == HV_KEYREC_SIZE, "key record");
_Static_assert(HV_KEYREC_OFF_PUB + HV_KEYREC_PUB_MAX == HV_KEYREC_OFF_RESERVED,
               "key record");
_Static_assert(HV_MAX_TRUST_BLOCK_SIZE == 65952u, "documented in FORMAT.md");
_Static_assert(HV_ROOT_OFF_RESERVED + 16u == HV_ROOT_FIXED_SIZE, "root body");
_Static_assert(HV_KEYRING_OFF_RESERVED + 36u == HV_KEYRING_FIXED_SIZE,
               "keyring body");
_Static_assert(HV_KENT_OFF_BOARDS + HV_SCOPE_MAX_BOARDS * HV_BOARD_ID_SIZE ==
                   HV_KEYRING_ENTRY_SIZE, "keyring entry");

/* ---- Rules shared by every reader and writer --------------------------- */

/* A byte of a text field before its first NUL: "A-Z a-z 0-9 . _ + -". */
static inline int hv_text_char(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' ||
           c == '-';
}

/* A C string holding 1 to |max| hv_text_char bytes (a manifest or profile
 * value, an option): the same rule as a text field, for strings on their
 * way into one. Reads at most |max| + 1 bytes, so a buffer of max + 1 bytes
 * without a NUL is refused, never overrun. */
static inline int hv_text_string(const char *s, uint32_t max)
{
    uint32_t n = 0;
    for (; n <= max && s[n] != '\0'; n++)
        if (!hv_text_char((uint8_t)s[n]))
            return 0;
    return n >= 1 && n <= max;
}

/*
 * A text field of |n| bytes (the rule above): one or more hv_text_char
 * bytes, then only zeros. On success writes the text to |out| (n + 1 bytes,
 * NUL-padded to the end, so it compares like the field) and returns 1;
 * returns 0, writing nothing, for a field that breaks the rule.
 */
static inline int hv_text_field_decode(const uint8_t *p, uint32_t n,
                                       char *out)
{
    uint32_t len = 0;
    uint8_t after = 0;
    while (len < n && p[len] != 0) {
        if (!hv_text_char(p[len]))
            return 0;
        len++;
    }
    for (uint32_t i = len; i < n; i++)
        after |= p[i];
    if (len == 0 || after != 0)
        return 0;
    for (uint32_t i = 0; i <= n; i++)
        out[i] = i < len ? (char)p[i] : '\0';
    return 1;
}

/* The name a section of |type| must carry; 0 for HV_SECTION_EXTRA (any name
 * but these) and unknown types. */
static inline const char *hv_section_type_name(uint32_t type)
{
    switch (type) {
    case HV_SECTION_CORE: return HV_SECTION_NAME_CORE;
    case HV_SECTION_BOOTCFG: return HV_SECTION_NAME_BOOTCFG;
    case HV_SECTION_DRIVERS: return HV_SECTION_NAME_DRIVERS;
    case HV_SECTION_SBOM: return HV_SECTION_NAME_SBOM;
    case HV_SECTION_CMDLINE: return HV_SECTION_NAME_CMDLINE;
    case HV_SECTION_INITRAMFS: return HV_SECTION_NAME_INITRAMFS;
    default: return 0;
    }
}

/* First byte after the signature block: header, metadata, then the slots.
 * Cannot wrap for any 32-bit counts. The trust block, if any, follows it;
 * the first section starts after that. */
static inline uint64_t hv_sig_block_end(uint32_t metadata_size,
                                        uint32_t signature_slots)
{
    return (uint64_t)HV_HEADER_SIZE + metadata_size +
           (uint64_t)signature_slots * HV_SIG_SLOT_SIZE;
}

#endif /* HVIMAGE_FORMAT_H */
