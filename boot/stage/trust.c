/*
 * The trust area (include/hvimage/flash.h): device identity, rollback
 * counter, where the monotonic counter lives, flash map and trusted keys, provisioned into the stage binary by
 * hvimage assemble. It is part of the stage image, hence as trusted as the
 * stage's code; the checks here catch an unprovisioned or damaged stage and
 * a flash map the stage cannot use, and keep every later read in bounds.
 */
#include "hvimage/codec.h"
#include "stage.h"

static int bad(const char *what)
{
    kprintf("hvstage: trust area: %s\n", what);
    return -1;
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

static int region_ok(const stage_trust_info *t, const stage_region *r)
{
    return r->size > 0 && r->offset <= t->flash_size &&
           r->size <= t->flash_size - r->offset &&
           r->offset % t->erase_block == 0 && r->size % t->erase_block == 0;
}

static int overlap(const stage_region *a, const stage_region *b)
{
    return a->offset < b->offset + b->size && b->offset < a->offset + a->size;
}

/* see stage.h */
int trust_load(const uint8_t area[HV_TRUST_AREA_SIZE], stage_trust_info *t)
{
    static const uint8_t zero4[4];

    if (all_zero(area, HV_TRUST_AREA_SIZE))
        return bad("not provisioned (all zero): write this stage to flash "
                   "with hvimage assemble");
    for (unsigned i = 0; i < 8; i++)
        if (area[HV_TRUST_OFF_MAGIC + i] != (uint8_t)HV_TRUST_MAGIC[i])
            return bad("bad magic");
    if (hv_le32(area + HV_TRUST_OFF_VERSION) != HV_TRUST_VERSION)
        return bad("unsupported version");
    uint32_t size = hv_le32(area + HV_TRUST_OFF_SIZE);
    uint32_t count = hv_le32(area + HV_TRUST_OFF_KEY_COUNT);
    if (count < 1 || count > HV_TRUST_MAX_KEYS ||
        size != HV_TRUST_FIXED_SIZE + count * HV_KEYREC_SIZE)
        return bad("key count or size out of range");
    uint32_t crc = hv_crc32(0, area, HV_TRUST_OFF_CRC32);
    crc = hv_crc32(crc, zero4, 4);
    crc = hv_crc32(crc, area + HV_TRUST_FIXED_SIZE, size - HV_TRUST_FIXED_SIZE);
    if (crc != hv_le32(area + HV_TRUST_OFF_CRC32))
        return bad("CRC mismatch (damaged stage)");
    if (!all_zero(area + HV_TRUST_OFF_RESERVED,
                  HV_TRUST_OFF_CRC32 - HV_TRUST_OFF_RESERVED) ||
        !all_zero(area + size, HV_TRUST_AREA_SIZE - size))
        return bad("reserved bytes not zero");

    t->counter_kind = hv_le32(area + HV_TRUST_OFF_COUNTER_KIND);
    t->counter_nv = hv_le32(area + HV_TRUST_OFF_COUNTER_NV);
    if (t->counter_kind == HV_COUNTER_LAB ? t->counter_nv != 0
        : t->counter_kind != HV_COUNTER_TPM ||
              t->counter_nv < HV_COUNTER_TPM_NV_MIN ||
              t->counter_nv > HV_COUNTER_TPM_NV_MAX)
        return bad("unknown counter kind, or an NV index outside the owner "
                   "range");

    t->min_signatures = hv_le32(area + HV_TRUST_OFF_MIN_SIGNATURES);
    if (t->min_signatures < 1 || t->min_signatures > count)
        return bad("min_signatures out of range");
    t->rollback_counter = hv_le64(area + HV_TRUST_OFF_ROLLBACK);
    if (!hv_text_field_decode(area + HV_TRUST_OFF_BOARD_ID, HV_BOARD_ID_SIZE,
                              t->board_id) ||
        !hv_text_field_decode(area + HV_TRUST_OFF_OEM_ID, HV_OEM_ID_SIZE,
                              t->oem_id))
        return bad("board or OEM id is not a valid text field");

    t->flash_size = hv_le64(area + HV_TRUST_OFF_FLASH_SIZE);
    t->erase_block = hv_le64(area + HV_TRUST_OFF_ERASE_BLOCK);
    if (t->flash_size == 0 || t->flash_size > HV_FLASH_MAX_SIZE ||
        t->erase_block < HV_BOOT_STATE_RECORD_SIZE ||
        (t->erase_block & (t->erase_block - 1)) != 0)
        return bad("flash size or erase block out of range");
    stage_region *r[4] = {&t->boot_stage, &t->boot_state, &t->slot[0],
                          &t->slot[1]};
    static const uint32_t at[4] = {HV_TRUST_OFF_BOOT_STAGE,
                                   HV_TRUST_OFF_BOOT_STATE,
                                   HV_TRUST_OFF_SLOT_A, HV_TRUST_OFF_SLOT_B};
    for (unsigned i = 0; i < 4; i++) {
        r[i]->offset = hv_le64(area + at[i] + HV_REGION_OFF_OFFSET);
        r[i]->size = hv_le64(area + at[i] + HV_REGION_OFF_SIZE);
        if (!region_ok(t, r[i]))
            return bad("a flash region is outside the flash or unaligned");
        for (unsigned j = 0; j < i; j++)
            if (overlap(r[i], r[j]))
                return bad("flash regions overlap");
    }
    if (t->boot_state.size < 2 * t->erase_block)
        return bad("boot_state region is smaller than two erase blocks");

    t->key_count = count;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *k = area + HV_TRUST_FIXED_SIZE + i * HV_KEYREC_SIZE;
        hv_trusted_key *key = &t->keys[i];
        uint32_t alg = hv_le32(k + HV_KEYREC_OFF_SIG_ALG);
        uint32_t len = hv_le32(k + HV_KEYREC_OFF_PUB_LEN);
        if (hv_pubkey_size(alg) == 0 || len != hv_pubkey_size(alg) ||
            !all_zero(k + HV_KEYREC_OFF_PUB + len, HV_KEYREC_PUB_MAX - len) ||
            !all_zero(k + HV_KEYREC_OFF_RESERVED, 4))
            return bad("malformed key record");
        if (i > 0 && memcmp(k - HV_KEYREC_SIZE, k, HV_KEY_ID_SIZE) >= 0)
            return bad("key ids not strictly ascending");
        memcpy(key->key_id, k + HV_KEYREC_OFF_KEY_ID, HV_KEY_ID_SIZE);
        key->sig_alg = alg;
        key->pub = k + HV_KEYREC_OFF_PUB;
        key->pub_len = len;
    }
    return 0;
}
