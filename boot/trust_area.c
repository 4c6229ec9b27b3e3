/*
 * The trust area's checks (hvtrust.h). The area is part of the stage image,
 * hence as trusted as the stage's code; the checks catch an unprovisioned
 * or damaged stage and a flash map the stage cannot use, and keep every
 * later read in bounds.
 */
#include "hvtrust.h"
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
    if (hv_le32(area + HV_TRUST_OFF_VERSION) != HV_TRUST_VERSION)
        return "unsupported version";
    uint32_t size = hv_le32(area + HV_TRUST_OFF_SIZE);
    uint32_t count = hv_le32(area + HV_TRUST_OFF_KEY_COUNT);
    if (count < 1 || count > HV_TRUST_MAX_KEYS ||
        size != HV_TRUST_FIXED_SIZE + count * HV_KEYREC_SIZE)
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

    t->min_signatures = hv_le32(area + HV_TRUST_OFF_MIN_SIGNATURES);
    if (t->min_signatures < 1 || t->min_signatures > count)
        return "min_signatures out of range";
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

    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *k = area + HV_TRUST_FIXED_SIZE + i * HV_KEYREC_SIZE;
        hv_trusted_key *key = &t->keys[i];
        uint32_t alg = hv_le32(k + HV_KEYREC_OFF_SIG_ALG);
        uint32_t len = hv_le32(k + HV_KEYREC_OFF_PUB_LEN);
        if (hv_pubkey_size(alg) == 0 || len != hv_pubkey_size(alg) ||
            !hv_all_zero(k + HV_KEYREC_OFF_PUB + len, HV_KEYREC_PUB_MAX - len) ||
            !hv_all_zero(k + HV_KEYREC_OFF_RESERVED, 4))
            return "malformed key record";
        if (i > 0 && memcmp(k - HV_KEYREC_SIZE, k, HV_KEY_ID_SIZE) >= 0)
            return "key ids not strictly ascending";
        memcpy(key->key_id, k + HV_KEYREC_OFF_KEY_ID, HV_KEY_ID_SIZE);
        key->sig_alg = alg;
        key->pub = k + HV_KEYREC_OFF_PUB;
        key->pub_len = len;
    }
    t->key_count = count;
    return NULL;
}
