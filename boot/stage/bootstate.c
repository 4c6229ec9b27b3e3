/*
 * The boot-state record (include/hvimage/flash.h): which slot to try first.
 * The record lives in the field-writable part of the flash, so nothing here
 * is trusted beyond ordering the two attempts: both slots are verified in
 * full whatever it says.
 */
#include "hvimage/codec.h"
#include "stage.h"

typedef enum { COPY_VALID, COPY_ERASED, COPY_CORRUPT, COPY_UNREADABLE } copy_state;

static copy_state read_copy(const stage_trust_info *t, unsigned copy,
                            uint32_t *seq, uint32_t *active)
{
    uint8_t rec[HV_BOOT_STATE_RECORD_SIZE];
    uint64_t off = t->boot_state.offset + copy * t->erase_block;
    if (flash_read(t, off, rec, sizeof rec) != 0)
        return COPY_UNREADABLE;

    uint8_t all = 0xFF, any = 0;
    for (unsigned i = 0; i < sizeof rec; i++) {
        all &= rec[i];
        if (i >= HV_BST_OFF_RESERVED && i < HV_BST_OFF_CRC32)
            any |= rec[i];
    }
    if (all == HV_FLASH_ERASED)
        return COPY_ERASED;
    if (memcmp(rec + HV_BST_OFF_MAGIC, HV_BOOT_STATE_MAGIC, 8) != 0 ||
        hv_le32(rec + HV_BST_OFF_VERSION) != HV_BOOT_STATE_VERSION ||
        any != 0 ||
        hv_crc32(0, rec, HV_BST_OFF_CRC32) != hv_le32(rec + HV_BST_OFF_CRC32))
        return COPY_CORRUPT;
    *seq = hv_le32(rec + HV_BST_OFF_SEQUENCE);
    *active = hv_le32(rec + HV_BST_OFF_ACTIVE_SLOT);
    if (*active != HV_SLOT_A && *active != HV_SLOT_B)
        return COPY_CORRUPT;
    return COPY_VALID;
}

static const char *state_name(copy_state s)
{
    switch (s) {
    case COPY_VALID: return "valid";
    case COPY_ERASED: return "erased";
    case COPY_CORRUPT: return "corrupt";
    default: return "unreadable";
    }
}

/* see stage.h */
void bootstate_order(const stage_trust_info *t, uint32_t order[2])
{
    uint32_t seq[2] = {0, 0}, act[2] = {0, 0};
    copy_state st[2];
    for (unsigned c = 0; c < 2; c++)
        st[c] = read_copy(t, c, &seq[c], &act[c]);

    int pick = -1;
    if (st[0] == COPY_VALID && st[1] == COPY_VALID)
        pick = seq[1] > seq[0] ? 1 : 0;
    else if (st[0] == COPY_VALID)
        pick = 0;
    else if (st[1] == COPY_VALID)
        pick = 1;

    if (pick >= 0) {
        order[0] = act[pick];
        kprintf("hvstage: boot state: copy %d (sequence %u, other copy %s): "
                "active slot %c\n", pick, seq[pick], state_name(st[1 - pick]),
                order[0] == HV_SLOT_A ? 'A' : 'B');
    } else {
        order[0] = HV_SLOT_A;
        int erased = st[0] == COPY_ERASED && st[1] == COPY_ERASED;
        kprintf("hvstage: boot state: %s (copy 0 %s, copy 1 %s): trying "
                "slot A, then slot B\n", erased ? "erased" : "corrupt",
                state_name(st[0]), state_name(st[1]));
    }
    order[1] = order[0] == HV_SLOT_A ? HV_SLOT_B : HV_SLOT_A;
}
