/*
 * The boot-state record (v2, and v1 for migration), its log in two erase
 * blocks, and the one function that writes records (hv_bs_commit).
 * docs/UPDATE.md "The record" explains the encoding and why a power cut at
 * any point leaves either the old or the new record as the newest.
 *
 * Mutant switches for the power-cut simulator's proof that it catches
 * real mistakes (tests/sim/meson.build): HV_BS_MUTANT_COMMIT_FIRST writes
 * the commit word before the body. Never defined in a product build.
 */
#include "hvbootstate.h"
#include "sysdeps.h"

/* see hvbootstate.h */
int hv_bs_serial_newer(uint32_t a, uint32_t b)
{
    uint32_t d = a - b;
    return d != 0 && d < UINT32_C(0x80000000);
}

/* see hvbootstate.h */
void hv_bs_encode(const hv_bs_state *st, uint32_t sequence,
                  uint8_t rec[HV_BOOT_STATE_RECORD_SIZE])
{
    memset(rec, 0, HV_BOOT_STATE_RECORD_SIZE);
    memcpy(rec + HV_BST2_OFF_MAGIC, HV_BOOT_STATE_V2_MAGIC, 8);
    hv_put_le32(rec + HV_BST2_OFF_VERSION, HV_BOOT_STATE_V2);
    hv_put_le32(rec + HV_BST2_OFF_SEQUENCE, sequence);
    hv_put_le32(rec + HV_BST2_OFF_ACTIVE_SLOT, st->active);
    for (unsigned s = 0; s < 2; s++) {
        rec[HV_BST2_OFF_SLOT_STATE + s] = st->slot_state[s];
        rec[HV_BST2_OFF_TRIES + s] = st->tries[s];
    }
    hv_put_le32(rec + HV_BST2_OFF_CRC32, hv_crc32(0, rec, HV_BST2_OFF_CRC32));
    hv_put_le32(rec + HV_BST2_OFF_COMMIT, HV_BST2_COMMITTED);
}

static int all_erased(const uint8_t *p, size_t n)
{
    uint8_t acc = 0xFF;
    for (size_t i = 0; i < n; i++)
        acc &= p[i];
    return acc == HV_FLASH_ERASED;
}

/* see hvbootstate.h */
int hv_bs_decode(const uint8_t rec[HV_BOOT_STATE_RECORD_SIZE],
                 hv_bs_state *st, uint32_t *sequence)
{
    if (all_erased(rec, HV_BOOT_STATE_RECORD_SIZE))
        return 1;
    /* The commit word first: it is complete only if the body was. */
    if (hv_le32(rec + HV_BST2_OFF_COMMIT) != HV_BST2_COMMITTED ||
        hv_le32(rec + HV_BST2_OFF_CRC32) !=
            hv_crc32(0, rec, HV_BST2_OFF_CRC32) ||
        memcmp(rec + HV_BST2_OFF_MAGIC, HV_BOOT_STATE_V2_MAGIC, 8) != 0 ||
        hv_le32(rec + HV_BST2_OFF_VERSION) != HV_BOOT_STATE_V2 ||
        !hv_all_zero(rec + HV_BST2_OFF_RESERVED,
                  HV_BST2_OFF_CRC32 - HV_BST2_OFF_RESERVED))
        return -1;
    hv_bs_state s;
    s.active = hv_le32(rec + HV_BST2_OFF_ACTIVE_SLOT);
    if (s.active != HV_SLOT_A && s.active != HV_SLOT_B)
        return -1;
    for (unsigned i = 0; i < 2; i++) {
        s.slot_state[i] = rec[HV_BST2_OFF_SLOT_STATE + i];
        s.tries[i] = rec[HV_BST2_OFF_TRIES + i];
        if (s.slot_state[i] > HV_SLOT_STATE_UNKNOWN)
            return -1;
        /* Tries mean something only on trial; elsewhere they are zero, so
         * that one state has one encoding. */
        if (s.slot_state[i] != HV_SLOT_STATE_TRIAL && s.tries[i] != 0)
            return -1;
    }
    *st = s;
    *sequence = hv_le32(rec + HV_BST2_OFF_SEQUENCE);
    return 0;
}

/* see hvbootstate.h */
int hv_bs_decode_v1(const uint8_t rec[HV_BOOT_STATE_RECORD_SIZE],
                    hv_bs_state *st, uint32_t *sequence)
{
    if (all_erased(rec, HV_BOOT_STATE_RECORD_SIZE))
        return 1;
    uint32_t active = hv_le32(rec + HV_BST_OFF_ACTIVE_SLOT);
    if (memcmp(rec + HV_BST_OFF_MAGIC, HV_BOOT_STATE_MAGIC, 8) != 0 ||
        hv_le32(rec + HV_BST_OFF_VERSION) != HV_BOOT_STATE_VERSION ||
        !hv_all_zero(rec + HV_BST_OFF_RESERVED,
                  HV_BST_OFF_CRC32 - HV_BST_OFF_RESERVED) ||
        (active != HV_SLOT_A && active != HV_SLOT_B) ||
        hv_le32(rec + HV_BST_OFF_CRC32) != hv_crc32(0, rec, HV_BST_OFF_CRC32))
        return -1;
    st->active = active;
    st->slot_state[0] = st->slot_state[1] = HV_SLOT_STATE_UNKNOWN;
    st->tries[0] = st->tries[1] = 0;
    *sequence = hv_le32(rec + HV_BST_OFF_SEQUENCE);
    return 0;
}

/* see hvbootstate.h */
void hv_bs_layout_for(uint64_t region_offset, uint64_t region_size,
                      uint64_t erase_block, hv_bs_layout *l)
{
    l->state_offset = region_offset;
    l->state_size = 2 * erase_block;
    l->counter_offset = region_offset + 2 * erase_block;
    l->counter_size =
        region_size > 2 * erase_block ? region_size - 2 * erase_block : 0;
    l->counter_parts = 1;
}

/* see hvbootstate.h */
void hv_bs_layout_for_trust(uint64_t region_offset, uint64_t region_size,
                            uint64_t erase_block, uint32_t trust_version,
                            hv_bs_layout *l)
{
    hv_bs_layout_for(region_offset, region_size, erase_block, l);
    /* A version 1 device keeps the whole region for its floor, as it was
     * assembled: splitting it would read its floor from a quarter. */
    if (trust_version == HV_TRUST_VERSION_ROOTS)
        l->counter_parts = HV_BS_COUNTERS;
}

/* see hvbootstate.h */
int hv_bs_layout_ok(const hv_flash_ops *f, const hv_bs_layout *l)
{
    uint64_t eb = f->erase_block;
    if (eb < HV_BOOT_STATE_RECORD_SIZE || (eb & (eb - 1)) != 0 ||
        f->page_size == 0 || (f->page_size & (f->page_size - 1)) != 0 ||
        l->state_offset % eb != 0 || l->state_size < 2 * eb)
        return -1;
    /* The counter may share the boot_state region, never its log blocks. */
    if (l->counter_size != 0 &&
        l->counter_offset < l->state_offset + 2 * eb &&
        l->state_offset < l->counter_offset + l->counter_size)
        return -1;
    return 0;
}

static uint64_t record_offset(const hv_flash_ops *f, const hv_bs_layout *l,
                              uint32_t block, uint32_t index)
{
    return l->state_offset + block * f->erase_block +
           (uint64_t)index * HV_BOOT_STATE_RECORD_SIZE;
}

/* see hvbootstate.h */
int hv_bs_read(const hv_flash_ops *f, const hv_bs_layout *l, hv_bs_view *v)
{
    if (hv_bs_layout_ok(f, l) != 0)
        return -1;
    memset(v, 0, sizeof *v);
    v->records = (uint32_t)(f->erase_block / HV_BOOT_STATE_RECORD_SIZE);
    int found = 0, any_data = 0;
    for (uint32_t b = 0; b < 2; b++) {
        for (uint32_t i = 0; i < v->records; i++) {
            uint8_t rec[HV_BOOT_STATE_RECORD_SIZE];
            if (f->read(f->user, record_offset(f, l, b, i), rec, sizeof rec))
                return -1;
            hv_bs_state st;
            uint32_t seq;
            int r = hv_bs_decode(rec, &st, &seq);
            if (r == 1)
                continue;
            v->used[b] = i + 1;
            any_data = 1;
            /* Incomparable or equal sequences keep the first found: a
             * writer never produces them, so this only has to be fixed. */
            if (r == 0 && (!found || hv_bs_serial_newer(seq, v->sequence))) {
                found = 1;
                v->st = st;
                v->sequence = seq;
                v->block = b;
                v->index = i;
            }
        }
    }
    if (found) {
        v->source = HV_BS_SRC_V2;
        return 0;
    }
    /* No v2 record: a v1 copy at the start of either block (a flash
     * assembled before v2); v1 compared sequences with serial arithmetic
     * too, which fixes its wrap from 0xFFFFFFFF to 0. */
    for (uint32_t b = 0; b < 2; b++) {
        uint8_t rec[HV_BOOT_STATE_RECORD_SIZE];
        if (f->read(f->user, record_offset(f, l, b, 0), rec, sizeof rec))
            return -1;
        hv_bs_state st;
        uint32_t seq;
        if (hv_bs_decode_v1(rec, &st, &seq) == 0 &&
            (!found || hv_bs_serial_newer(seq, v->sequence))) {
            found = 1;
            v->st = st;
            v->sequence = seq;
            v->block = b;
        }
    }
    if (found) {
        v->source = HV_BS_SRC_V1;
        return 0;
    }
    v->source = any_data ? HV_BS_SRC_CORRUPT : HV_BS_SRC_ERASED;
    v->st.active = HV_SLOT_A;
    v->st.slot_state[0] = v->st.slot_state[1] = HV_SLOT_STATE_UNKNOWN;
    return 0;
}

/* Program one record at (block, index) and read it back: the body and its
 * CRC, then the commit word. 0, or -1 (this position is spoilt). */
static int write_record(const hv_flash_ops *f, const hv_bs_layout *l,
                        uint32_t block, uint32_t index,
                        const uint8_t rec[HV_BOOT_STATE_RECORD_SIZE])
{
    uint64_t at = record_offset(f, l, block, index);
    uint8_t back[HV_BOOT_STATE_RECORD_SIZE];
#ifdef HV_BS_MUTANT_COMMIT_FIRST
    if (hv_flash_program(f, at + HV_BST2_OFF_COMMIT, rec + HV_BST2_OFF_COMMIT,
                         4) != 0 ||
        hv_flash_program(f, at, rec, HV_BST2_OFF_COMMIT) != 0)
        return -1;
#else
    if (hv_flash_program(f, at, rec, HV_BST2_OFF_COMMIT) != 0 ||
        f->read(f->user, at, back, HV_BST2_OFF_COMMIT) != 0 ||
        memcmp(back, rec, HV_BST2_OFF_COMMIT) != 0)
        return -1;
    if (hv_flash_program(f, at + HV_BST2_OFF_COMMIT, rec + HV_BST2_OFF_COMMIT,
                         4) != 0)
        return -1;
#endif
    if (f->read(f->user, at, back, sizeof back) != 0 ||
        memcmp(back, rec, sizeof back) != 0)
        return -1;
    return 0;
}

/* see hvbootstate.h */
int hv_bs_commit(const hv_flash_ops *f, const hv_bs_layout *l, hv_bs_view *v,
                 const hv_bs_state *next)
{
    if (hv_bs_layout_ok(f, l) != 0 || next->active > HV_SLOT_B)
        return -1;
    for (unsigned s = 0; s < 2; s++)
        if (next->slot_state[s] > HV_SLOT_STATE_UNKNOWN ||
            (next->slot_state[s] != HV_SLOT_STATE_TRIAL && next->tries[s]))
            return -1;
    uint32_t records = (uint32_t)(f->erase_block / HV_BOOT_STATE_RECORD_SIZE);
    uint32_t seq = v->sequence + 1;
    uint8_t rec[HV_BOOT_STATE_RECORD_SIZE];
    hv_bs_encode(next, seq, rec);

    /*
     * Append in the newest record's block, after its last used slot: that
     * block was fully erased before its first record and only appended to
     * since, so a slot reading 0xFF there is really erased. Any other block
     * (a torn erase may have left weak bits that read 0xFF) is erased
     * before its first record.
     */
    uint32_t block, index;
    int fresh;
    if (v->source == HV_BS_SRC_V2 && v->used[v->block] < records) {
        block = v->block;
        index = v->used[v->block];
        fresh = 0;
    } else {
        /* v2: the newest record's block is full. v1: keep its record
         * until the v2 one is written. Nothing: block 0. */
        block = v->source == HV_BS_SRC_V2 || v->source == HV_BS_SRC_V1
                    ? 1 - v->block : 0;
        index = 0;
        fresh = 1;
    }
    for (int round = 0; round < 2; round++) {
        if (fresh && f->erase(f->user, l->state_offset + block * f->erase_block))
            return -1;
        for (; index < records; index++) {
            if (write_record(f, l, block, index, rec) == 0) {
                v->st = *next;
                v->source = HV_BS_SRC_V2;
                v->sequence = seq;
                v->block = block;
                v->index = index;
                if (fresh)
                    v->used[block] = 0;
                v->used[block] = index + 1;
                v->records = records;
                return 0;
            }
        }
        /* Every position of this block failed to read back: the other
         * block, freshly erased, once. */
        if (v->source == HV_BS_SRC_V2 && block != v->block)
            break;
        block = 1 - block;
        index = 0;
        fresh = 1;
    }
    return -1;
}

/* see hvbootstate.h */
int hv_flash_program(const hv_flash_ops *f, uint64_t off, const void *src,
                     size_t len)
{
    const uint8_t *p = src;
    while (len > 0) {
        uint64_t room = f->page_size - off % f->page_size;
        size_t n = len < room ? len : (size_t)room;
        if (f->program(f->user, off, p, n) != 0)
            return -1;
        off += n;
        p += n;
        len -= n;
    }
    return 0;
}

/* see hvbootstate.h */
int hv_flash_write(const hv_flash_ops *f, uint64_t off, const void *data,
                   size_t len)
{
    uint64_t eb = f->erase_block;
    for (uint64_t b = off - off % eb; b < off + len; b += eb)
        if (f->erase(f->user, b) != 0)
            return -1;
    return hv_flash_program(f, off, data, len);
}

/* see hvbootstate.h */
const char *hv_slot_state_name(uint32_t state)
{
    switch (state) {
    case HV_SLOT_STATE_EMPTY: return "empty";
    case HV_SLOT_STATE_GOOD: return "good";
    case HV_SLOT_STATE_TRIAL: return "trial";
    case HV_SLOT_STATE_BAD: return "bad";
    case HV_SLOT_STATE_UNKNOWN: return "unknown";
    default: return "invalid";
    }
}
