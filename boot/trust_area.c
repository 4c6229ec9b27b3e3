/*
 * The trust area's checks (hvtrust.h). The area is part of the stage image,
 * hence as trusted as the stage's code; the checks catch an unprovisioned
 * or damaged stage and a flash map the stage cannot use, and keep every
 * later read in bounds.
 */
#include "hvtrust.h"
#include "keyrec.h"
#include "sysdeps.h"

static int region_ok(const hv_trust_info *t, const hv_trust_region *r)
{
    return r->size > 0 && r->offset <= t->flash_size &&
           r->size <= t->flash_size - r->offset &&
           r->offset % t->erase_block == 0 && r->size % t->erase_block == 0;
}

static int overlap(const hv_trust_region *a, const hv_trust_region *b)
{
    return a->offset < b->offset + b->size && b->offset < a->offset + a->size;
}

/* see hvtrust.h */
const char *hv_trust_parse(const uint8_t area[HV_TRUST_AREA_SIZE],
                           hv_trust_info *t)
{
    static const uint8_t zero4[4];

    memset(t, 0, sizeof *t);
    if (hv_all_zero(area, HV_TRUST_AREA_SIZE))
        return "not provisioned (all zero): write this stage to flash with "
               "hvimage assemble";
    if (memcmp(area + HV_TRUST_OFF_MAGIC, HV_TRUST_MAGIC, 8) != 0)
        return "bad magic";
    t->version = hv_le32(area + HV_TRUST_OFF_VERSION);
    if (t->version != HV_TRUST_VERSION && t->version != HV_TRUST_VERSION_ROOTS)
        return "unsupported version";
    int roots = t->version == HV_TRUST_VERSION_ROOTS;
    uint32_t size = hv_le32(area + HV_TRUST_OFF_SIZE);
    uint32_t count = hv_le32(area + HV_TRUST_OFF_KEY_COUNT);
    if (count < 1 || count > (roots ? HV_TRUST_MAX_ROOTS : HV_TRUST_MAX_KEYS) ||
        size != HV_TRUST_FIXED_SIZE +
                    count * (roots ? HV_ROOT_FP_SIZE : HV_KEYREC_SIZE))
        return "key count or size out of range";
    /* The CRC covers the whole used area with its own field as zero. */
    uint32_t crc = hv_crc32(0, area, HV_TRUST_OFF_CRC32);
    crc = hv_crc32(crc, zero4, 4);
    crc = hv_crc32(crc, area + HV_TRUST_FIXED_SIZE, size - HV_TRUST_FIXED_SIZE);
    if (crc != hv_le32(area + HV_TRUST_OFF_CRC32))
        return "CRC mismatch (damaged stage)";
    if (!hv_all_zero(area + HV_TRUST_OFF_RESERVED,
                  HV_TRUST_OFF_CRC32 - HV_TRUST_OFF_RESERVED) ||
        !hv_all_zero(area + size, HV_TRUST_AREA_SIZE - size))
        return "reserved bytes not zero";

    t->counter_kind = hv_le32(area + HV_TRUST_OFF_COUNTER_KIND);
    t->counter_nv = hv_le32(area + HV_TRUST_OFF_COUNTER_NV);
    if (t->counter_kind == HV_COUNTER_LAB ? t->counter_nv != 0
        : t->counter_kind != HV_COUNTER_TPM ||
              t->counter_nv < HV_COUNTER_TPM_NV_MIN ||
              t->counter_nv > HV_COUNTER_TPM_NV_MAX)
        return "unknown counter kind, or an NV index outside the owner range";

    /* Version 1: a threshold over its own keys. Version 2: the image
     * threshold, over the keys of whatever keyring an image carries, and
     * the root threshold over the root keys listed here. */
    t->min_signatures = hv_le32(area + HV_TRUST_OFF_MIN_SIGNATURES);
    if (t->min_signatures < 1 ||
        t->min_signatures > (roots ? HV_MAX_SIGNATURE_SLOTS : count))
        return "min_signatures out of range";
    t->root_version = hv_le64(area + HV_TRUST_OFF_ROOT_VERSION);
    t->root_threshold = hv_le32(area + HV_TRUST_OFF_ROOT_THRESHOLD);
    if (roots ? t->root_version == 0 || t->root_threshold < 1 ||
                    t->root_threshold > count
              : t->root_version != 0 || t->root_threshold != 0)
        return "root version or root threshold out of range";
    t->rollback_counter = hv_le64(area + HV_TRUST_OFF_ROLLBACK);
    if (!hv_text_field_decode(area + HV_TRUST_OFF_BOARD_ID, HV_BOARD_ID_SIZE,
                              t->board_id) ||
        !hv_text_field_decode(area + HV_TRUST_OFF_OEM_ID, HV_OEM_ID_SIZE,
                              t->oem_id))
        return "board or OEM id is not a valid text field";

    t->flash_size = hv_le64(area + HV_TRUST_OFF_FLASH_SIZE);
    t->erase_block = hv_le64(area + HV_TRUST_OFF_ERASE_BLOCK);
    if (t->flash_size == 0 || t->flash_size > HV_FLASH_MAX_SIZE ||
        t->erase_block < HV_BOOT_STATE_RECORD_SIZE ||
        (t->erase_block & (t->erase_block - 1)) != 0)
        return "flash size or erase block out of range";
    hv_trust_region *r[4] = {&t->boot_stage, &t->boot_state, &t->slot[0],
                             &t->slot[1]};
    static const uint32_t at[4] = {HV_TRUST_OFF_BOOT_STAGE,
                                   HV_TRUST_OFF_BOOT_STATE,
                                   HV_TRUST_OFF_SLOT_A, HV_TRUST_OFF_SLOT_B};
    for (unsigned i = 0; i < 4; i++) {
        r[i]->offset = hv_le64(area + at[i] + HV_REGION_OFF_OFFSET);
        r[i]->size = hv_le64(area + at[i] + HV_REGION_OFF_SIZE);
        if (!region_ok(t, r[i]))
            return "a flash region is outside the flash or unaligned";
        for (unsigned j = 0; j < i; j++)
            if (overlap(r[i], r[j]))
                return "flash regions overlap";
    }
    if (t->boot_state.size < 2 * t->erase_block)
        return "boot_state region is smaller than two erase blocks";

    if (roots) {
        for (uint32_t i = 0; i < count; i++) {
            const uint8_t *fp = area + HV_TRUST_FIXED_SIZE + i * HV_ROOT_FP_SIZE;
            if (i > 0 && memcmp(fp - HV_ROOT_FP_SIZE, fp, HV_ROOT_FP_SIZE) >= 0)
                return "root fingerprints not strictly ascending";
            memcpy(t->root_fps[i], fp, HV_ROOT_FP_SIZE);
        }
        t->root_count = count;
        return NULL;
    }
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *k = area + HV_TRUST_FIXED_SIZE + i * HV_KEYREC_SIZE;
        if (!hv_keyrec_decode(k, &t->keys[i]))
            return "malformed key record";
        if (i > 0 && memcmp(k - HV_KEYREC_SIZE, k, HV_KEY_ID_SIZE) >= 0)
            return "key ids not strictly ascending";
    }
    t->key_count = count;
    return NULL;
}
