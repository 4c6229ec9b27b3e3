/*
 * hvimage factory flash layout: everything `hvimage assemble` writes around
 * the images, and what the boot stage reads back. docs/BOOT.md describes the
 * same bytes in prose.
 *
 * Like format.h this defines byte offsets, never structs laid over raw bytes:
 * every field is little-endian and fixed width. It needs only <stdint.h> and
 * <stddef.h> and is usable freestanding; the one function here (CRC-32) is
 * static inline so that the assembler and the stage share one definition.
 *
 * A flash device, as the OEM profile lays it out (regions erase-block
 * aligned, any order):
 *
 *   boot_stage   the stage binary, with its trust area filled in; then 0xFF
 *   boot_state   the v2 boot-state record log in its first two erase
 *                blocks (assemble writes one record at +0), then the lab
 *                security counter (hvbootstate.h); every other byte 0xFF
 *   slot_a       an hvimage (image_size bytes), then 0xFF
 *   slot_b       an hvimage, or all 0xFF (empty)
 *   elsewhere    0xFF (erased NOR)
 *
 * Threat model in one line: the boot_stage region is written once at the
 * factory and write-protected (the SPI part's protection bits on hardware);
 * slots and boot state are rewritten in the field and are never trusted.
 */
#ifndef HVIMAGE_FLASH_H
#define HVIMAGE_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include "format.h"

#define HV_SLOT_A 0u
#define HV_SLOT_B 1u

#define HV_FLASH_ERASED 0xFFu

/*
 * Largest flash the stage maps (its page tables cover 4 GiB at the flash
 * base). Equal to HV_MAX_IMAGE_SIZE, so no slot can hold a larger image.
 */
#define HV_FLASH_MAX_SIZE (UINT64_C(1) << 32)

/* ---- Stage header (inside the stage binary) --------------------------- */

/*
 * The stage binary is a flat file that the platform's boot ROM (QEMU's
 * -kernel loader on x86-64) copies to RAM. Its first HV_STAGE_HDR_OFFSET
 * bytes belong to that loader (the multiboot header on x86-64); the stage
 * header follows and tells the assembler where the trust area is.
 */
#define HV_STAGE_HDR_OFFSET 32u
#define HV_STAGE_HDR_SIZE 32u
#define HV_STAGE_HDR_VERSION 1u
#define HV_STAGE_MAGIC "HVSTAGE\x1a"       /* 8 bytes, no NUL               */
#define HV_STAGE_OFF_MAGIC 0u              /* u8[8]                         */
#define HV_STAGE_OFF_VERSION 8u            /* u32 HV_STAGE_HDR_VERSION      */
#define HV_STAGE_OFF_LOAD_SIZE 12u         /* u32 bytes the loader copies;  */
                                           /*     equals the file size      */
#define HV_STAGE_OFF_TRUST_OFFSET 16u      /* u32 file offset, 16-aligned   */
#define HV_STAGE_OFF_TRUST_SIZE 20u        /* u32 HV_TRUST_AREA_SIZE        */
#define HV_STAGE_OFF_RESERVED 24u          /* u8[8] zero                    */

/* ---- Trust area (inside the stage binary) ----------------------------- */

/*
 * The device's root of trust: identity, rollback counter, flash map and
 * trusted key records. The stage binary ships it all zero ("not
 * provisioned"); `hvimage assemble` fills it in its copy of the stage that
 * goes into the boot_stage region. The stage reads it from its own loaded
 * image, so it is exactly as trusted as the stage code itself.
 *
 * Fixed part (HV_TRUST_FIXED_SIZE bytes), then key_count key records. Bytes
 * after |size| up to HV_TRUST_AREA_SIZE are zero. |crc32| is CRC-32 over
 * bytes [0, size) with the crc32 field taken as zero: it catches an
 * unprovisioned or damaged stage, it is not a security check.
 */
#define HV_TRUST_AREA_SIZE 8192u
#define HV_TRUST_VERSION 1u       /* key_count image-signing key records */
#define HV_TRUST_VERSION_ROOTS 2u /* key_count root key fingerprints: images
                                   * must carry a trust block (format.h)  */
#define HV_TRUST_MAGIC "HVTRUST\x1a"       /* 8 bytes, no NUL               */
#define HV_TRUST_FIXED_SIZE 256u
#define HV_TRUST_OFF_MAGIC 0u              /* u8[8]                         */
#define HV_TRUST_OFF_VERSION 8u            /* u32 HV_TRUST_VERSION          */
#define HV_TRUST_OFF_SIZE 12u              /* u32 fixed + keys * KEYREC     */
#define HV_TRUST_OFF_KEY_COUNT 16u         /* u32 1..HV_TRUST_MAX_KEYS      */
#define HV_TRUST_OFF_MIN_SIGNATURES 20u    /* u32 1..key_count              */
#define HV_TRUST_OFF_ROLLBACK 24u          /* u64 the device's counter      */
#define HV_TRUST_OFF_BOARD_ID 32u          /* text[32] (format.h rules)     */
#define HV_TRUST_OFF_OEM_ID 64u            /* text[32]                      */
#define HV_TRUST_OFF_FLASH_SIZE 96u        /* u64 <= HV_FLASH_MAX_SIZE      */
#define HV_TRUST_OFF_ERASE_BLOCK 104u      /* u64 power of two              */
#define HV_TRUST_OFF_BOOT_STAGE 112u       /* region: u64 offset, u64 size  */
#define HV_TRUST_OFF_BOOT_STATE 128u       /* region                        */
#define HV_TRUST_OFF_SLOT_A 144u           /* region                        */
#define HV_TRUST_OFF_SLOT_B 160u           /* region                        */
#define HV_TRUST_OFF_COUNTER_KIND 176u     /* u32 HV_COUNTER_* (0: lab)     */
#define HV_TRUST_OFF_COUNTER_NV 180u       /* u32 TPM NV index, 0 for lab   */
#define HV_TRUST_OFF_ROOT_VERSION 184u     /* u64 v2: lowest root version,  */
                                           /*     the one key_count lists   */
#define HV_TRUST_OFF_ROOT_THRESHOLD 192u   /* u32 v2: 1..key_count; v1: 0   */
#define HV_TRUST_OFF_RESERVED 196u         /* u8[56] zero                   */
#define HV_TRUST_OFF_CRC32 252u            /* u32                           */
/* Where the monotonic security counter lives (docs/TPM.md). A trust area
 * written before these fields existed has zeros here: the lab counter. */
#define HV_COUNTER_LAB 0u  /* the thermometer code in boot_state (UPDATE.md) */
#define HV_COUNTER_TPM 1u  /* a TPM 2.0 NV index, counter_nv, in the owner
                            * range 0x01800000-0x01BFFFFF                   */
#define HV_COUNTER_TPM_NV_MIN 0x01800000u
#define HV_COUNTER_TPM_NV_MAX 0x01BFFFFFu
#define HV_REGION_OFF_OFFSET 0u
#define HV_REGION_OFF_SIZE 8u

/* Key record: a trusted key record of hvboot.h, in bytes. */
/* (HV_KEYREC_*: format.h, which root and keyring documents share.) */
/* Key records are sorted by key id, strictly ascending (so unique). */
#define HV_TRUST_MAX_KEYS 8u

/* Version 2 (HV_TRUST_VERSION_ROOTS): after the fixed part, key_count root
 * key fingerprints (format.h HV_ROOT_FP_SIZE), strictly ascending; size =
 * fixed + key_count * HV_ROOT_FP_SIZE. min_signatures is the
 * image threshold (1..HV_MAX_SIGNATURE_SLOTS), counted over keyring keys. */
#define HV_TRUST_MAX_ROOTS HV_ROOT_MAX_KEYS

/* ---- Boot-state record (in the boot_state region) --------------------- */

/*
 * Version 1, read only for migration (a flash assembled before v2, below;
 * hvbootstate.h hv_bs_decode_v1), with serial-number sequence order.
 * Which slot to try first. Two copies, each in its own erase block (copy 0
 * at boot_state.offset, copy 1 at boot_state.offset + erase_block), so that
 * an updater can erase and rewrite one while the other still holds a valid
 * state: it writes the copy that is not the newest, with sequence + 1.
 *
 * A copy is valid if its magic, version and reserved bytes are right, its
 * active_slot is HV_SLOT_A or HV_SLOT_B and its CRC-32 (over bytes [0, 60))
 * matches. Rule at boot:
 *   both valid      the higher sequence wins (equal: copy 0);
 *   one valid       that one;
 *   none valid      try slot A, then slot B. The stage says whether the
 *                   region was erased (all 0xFF, a fresh or wiped device)
 *                   or corrupt (anything else).
 * The active slot is tried first, then the other one. The boot state only
 * orders the attempts: every slot is verified in full either way, so a
 * forged state can at worst make the device boot its other valid image.
 */
#define HV_BOOT_STATE_RECORD_SIZE 64u
#define HV_BOOT_STATE_VERSION 1u
#define HV_BOOT_STATE_MAGIC "HVBSTATE"     /* 8 bytes, no NUL               */
#define HV_BST_OFF_MAGIC 0u                /* u8[8]                         */
#define HV_BST_OFF_VERSION 8u              /* u32 HV_BOOT_STATE_VERSION     */
#define HV_BST_OFF_SEQUENCE 12u            /* u32 newer copy is higher      */
#define HV_BST_OFF_ACTIVE_SLOT 16u         /* u32 HV_SLOT_A or HV_SLOT_B    */
#define HV_BST_OFF_RESERVED 20u            /* u8[40] zero                   */
#define HV_BST_OFF_CRC32 60u               /* u32 CRC-32 of bytes [0, 60)   */

/*
 * Boot-state record, version 2 (docs/UPDATE.md "The record"). A log of
 * 64-byte records in the first two erase blocks of the boot_state region:
 * a new record is appended after the last used record of the block that
 * holds the newest one; when that block is full the other block is erased
 * and the record starts it. An erase therefore never touches the newest
 * record. The newest record is the valid one with the highest sequence in
 * serial-number arithmetic (RFC 1982 style, 32 bits).
 *
 * Written in two programs: bytes [0, 60) (fields and CRC), then, after they
 * read back right, the commit word at 60. NOR programming only clears bits,
 * so the commit word reads HV_BST2_COMMITTED (all 32 bits cleared) only
 * once every one of its bits was programmed, which starts only after the
 * body was complete: a power cut inside either program leaves a record
 * that is not committed. A record is valid when committed, its CRC matches,
 * its magic, version, slot fields and reserved bytes are right.
 */
#define HV_BOOT_STATE_V2 2u
#define HV_BOOT_STATE_V2_MAGIC "HVBSTAT2"  /* 8 bytes, no NUL               */
#define HV_BST2_OFF_MAGIC 0u               /* u8[8]                         */
#define HV_BST2_OFF_VERSION 8u             /* u32 HV_BOOT_STATE_V2          */
#define HV_BST2_OFF_SEQUENCE 12u           /* u32 serial number             */
#define HV_BST2_OFF_ACTIVE_SLOT 16u        /* u32 slot tried first          */
#define HV_BST2_OFF_SLOT_STATE 20u         /* u8[2] HV_SLOT_STATE_*, A, B   */
#define HV_BST2_OFF_TRIES 22u              /* u8[2] trial boots left, A, B  */
#define HV_BST2_OFF_RESERVED 24u           /* u8[32] zero                   */
#define HV_BST2_OFF_CRC32 56u              /* u32 CRC-32 of bytes [0, 56)   */
#define HV_BST2_OFF_COMMIT 60u             /* u32 HV_BST2_COMMITTED         */
#define HV_BST2_COMMITTED 0x00000000u
/* Slot states (one byte each). */
#define HV_SLOT_STATE_EMPTY 0u  /* nothing to boot (or being written)     */
#define HV_SLOT_STATE_GOOD 1u   /* confirmed                              */
#define HV_SLOT_STATE_TRIAL 2u  /* activated, not confirmed; tries left   */
#define HV_SLOT_STATE_BAD 3u    /* failed its trial or marked bad         */
#define HV_SLOT_STATE_UNKNOWN 4u /* present, never confirmed under v2 (a
                                  * factory or v1 flash): tried, but never
                                  * raises the floor                        */

_Static_assert(HV_STAGE_OFF_RESERVED + 8u == HV_STAGE_HDR_SIZE, "stage header");
_Static_assert(HV_TRUST_OFF_RESERVED + 56u == HV_TRUST_OFF_CRC32, "trust area");
_Static_assert(HV_TRUST_FIXED_SIZE + HV_TRUST_MAX_ROOTS * HV_ROOT_FP_SIZE <=
                   HV_TRUST_AREA_SIZE, "trust area holds every root");
_Static_assert(HV_TRUST_OFF_CRC32 + 4u == HV_TRUST_FIXED_SIZE, "trust area");
_Static_assert(HV_TRUST_FIXED_SIZE + HV_TRUST_MAX_KEYS * HV_KEYREC_SIZE <=
                   HV_TRUST_AREA_SIZE, "trust area holds every key");
_Static_assert(HV_BST_OFF_RESERVED + 40u == HV_BST_OFF_CRC32, "boot state");
_Static_assert(HV_BST_OFF_CRC32 + 4u == HV_BOOT_STATE_RECORD_SIZE, "boot state");
_Static_assert(HV_BST2_OFF_RESERVED + 32u == HV_BST2_OFF_CRC32, "boot state v2");
_Static_assert(HV_BST2_OFF_COMMIT + 4u == HV_BOOT_STATE_RECORD_SIZE,
               "boot state v2");

/*
 * CRC-32 (IEEE 802.3, reflected, as zlib's crc32()): pass 0 to start and
 * the previous result to continue. Bitwise, so there is no table to keep in
 * the stage; the records it covers are a few KiB at most.
 */
static inline uint32_t hv_crc32(uint32_t crc, const void *data, size_t len)
{
    const uint8_t *p = (const uint8_t *)data;
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (UINT32_C(0xEDB88320) & (0u - (crc & 1u)));
    }
    return ~crc;
}

#endif /* HVIMAGE_FLASH_H */
