/*
 * The trust area (include/hvimage/flash.h) parsed and checked: what the
 * boot stage trusts and where its flash regions are. One parser for the
 * stage (boot/stage/trust.c) and for the field updater's view of a device
 * (update/device.c), so both refuse the same areas for the same reasons.
 */
#ifndef HVTRUST_H
#define HVTRUST_H

#include <stddef.h>
#include <stdint.h>

#include "hvboot.h"
#include "hvimage/flash.h"

typedef struct hv_trust_region {
    uint64_t offset;
    uint64_t size;
} hv_trust_region;

typedef struct hv_trust_info {
    uint32_t version; /* HV_TRUST_VERSION (keys) or HV_TRUST_VERSION_ROOTS */
    char board_id[HV_BOARD_ID_SIZE + 1]; /* NUL-padded to the end */
    char oem_id[HV_OEM_ID_SIZE + 1];
    uint64_t rollback_counter;
    uint32_t counter_kind;  /* HV_COUNTER_LAB or HV_COUNTER_TPM */
    uint32_t counter_nv;    /* the TPM NV index (HV_COUNTER_TPM), else 0 */
    uint32_t min_signatures;
    uint64_t flash_size;
    uint64_t erase_block;
    hv_trust_region boot_stage, boot_state, slot[2];
    /* Version 1: the image-signing keys (pub points into the area). */
    hv_trusted_key keys[HV_TRUST_MAX_KEYS];
    size_t key_count;
    /* Version 2: root version |root_version|'s key fingerprints, strictly
     * ascending, and how many must sign (docs/KEYS.md). */
    uint64_t root_version;
    uint32_t root_threshold;
    uint8_t root_fps[HV_TRUST_MAX_ROOTS][HV_ROOT_FP_SIZE];
    size_t root_count;
} hv_trust_info;

/* The hv_roots of a version 2 area (pointing into |t|); 0 for version 1,
 * whose keys the policy takes directly. */
static inline int hv_trust_roots(const hv_trust_info *t, hv_roots *out)
{
    if (t->version != HV_TRUST_VERSION_ROOTS)
        return 0;
    out->fingerprints = (const uint8_t (*)[HV_ROOT_FP_SIZE])t->root_fps;
    out->count = t->root_count;
    out->threshold = t->root_threshold;
    out->version = t->root_version;
    return 1;
}

/*
 * Parse |area| into |t|: magic, version, sizes, CRC, reserved bytes, the
 * counter fields, min_signatures, the ids, the flash geometry and regions
 * (inside the flash, erase-block aligned, not overlapping, boot_state at
 * least two erase blocks), and the key records (version 1: well-formed,
 * ids strictly ascending) or the root fields (version 2: root version,
 * root threshold, fingerprints strictly ascending). Returns NULL, or why the area is unusable, as a phrase
 * ("CRC mismatch (damaged stage)") the caller prefixes. |area| must
 * outlive |t|: the keys point into it.
 */
const char *hv_trust_parse(const uint8_t area[HV_TRUST_AREA_SIZE],
                           hv_trust_info *t);

#endif
