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
    char board_id[HV_BOARD_ID_SIZE + 1]; /* NUL-padded to the end */
    char oem_id[HV_OEM_ID_SIZE + 1];
    uint64_t rollback_counter;
    uint32_t counter_kind;  /* HV_COUNTER_LAB or HV_COUNTER_TPM */
    uint32_t counter_nv;    /* the TPM NV index (HV_COUNTER_TPM), else 0 */
    uint32_t min_signatures;
    uint64_t flash_size;
    uint64_t erase_block;
    hv_trust_region boot_stage, boot_state, slot[2];
    hv_trusted_key keys[HV_TRUST_MAX_KEYS]; /* pub points into the area */
    size_t key_count;
} hv_trust_info;

/*
 * Parse |area| into |t|: magic, version, sizes, CRC, reserved bytes, the
 * counter fields, min_signatures, the ids, the flash geometry and regions
 * (inside the flash, erase-block aligned, not overlapping, boot_state at
 * least two erase blocks) and the key records (well-formed, ids strictly
 * ascending). Returns NULL, or why the area is unusable, as a phrase
 * ("CRC mismatch (damaged stage)") the caller prefixes. |area| must
 * outlive |t|: the keys point into it.
 */
const char *hv_trust_parse(const uint8_t area[HV_TRUST_AREA_SIZE],
                           hv_trust_info *t);

#endif
