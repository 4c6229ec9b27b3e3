/*
 * The lab backend of the monotonic counter (hvbootstate.h): a thermometer
 * code in a flash region that is programmed, never erased. Value v = the
 * first v bits cleared (bit i is bit i % 8 of byte i / 8). Programming only
 * clears bits, so a power cut inside a raise leaves a value between the old
 * and the new one, and nothing but an erase (which this code never issues;
 * real OTP cannot) lowers it. docs/UPDATE.md "The lab counter" says why this
 * is lab-grade.
 */
#include "hvbootstate.h"
#include "sysdeps.h"

/* Bytes read per flash call: bounded stack, few calls. */
#define CHUNK 64u

/* see hvbootstate.h */
int hv_lab_counter_read(void *lab, uint64_t *value)
{
    const hv_lab_counter *c = lab;
    uint64_t v = 0;
    for (uint64_t at = 0; at < c->size; at += CHUNK) {
        uint8_t buf[CHUNK];
        size_t n = c->size - at < CHUNK ? (size_t)(c->size - at) : CHUNK;
        if (c->flash->read(c->flash->user, c->offset + at, buf, n) != 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            if (buf[i] == 0) {
                v += 8;
                continue;
            }
            /* The first set bit ends the code; anything after it (bits a
             * torn raise or tampering cleared out of order) is ignored, so
             * the value never counts a bit beyond a gap. */
            uint8_t b = buf[i];
            while (!(b & 1u)) {
                v++;
                b >>= 1;
            }
            *value = v;
            return 0;
        }
    }
    *value = v;
    return 0;
}

/* see hvbootstate.h */
int hv_lab_counter_raise(void *lab, uint64_t value)
{
    const hv_lab_counter *c = lab;
    uint64_t cur;
    if (hv_lab_counter_read(lab, &cur) != 0)
        return -1;
    if (value <= cur)
        return 0;
    if (c->size > UINT64_MAX / 8 || value > c->size * 8)
        return -1; /* beyond the region's capacity */
    /* Bytes [cur / 8, value / 8) become 0, then the partial last byte;
     * bits already cleared stay cleared (program is an AND). */
    uint8_t buf[CHUNK];
    uint64_t first = cur / 8, full_end = value / 8;
    for (uint64_t at = first; at < full_end;) {
        size_t n = full_end - at < CHUNK ? (size_t)(full_end - at) : CHUNK;
        memset(buf, 0, n);
        if (hv_flash_program(c->flash, c->offset + at, buf, n) != 0)
            return -1;
        at += n;
    }
    if (value % 8) {
        buf[0] = (uint8_t)(0xFFu << (value % 8));
        if (hv_flash_program(c->flash, c->offset + full_end, buf, 1) != 0)
            return -1;
    }
    uint64_t now;
    if (hv_lab_counter_read(lab, &now) != 0 || now < value)
        return -1;
    return 0;
}

/* see hvbootstate.h */
hv_counter hv_lab_counter_ops(hv_lab_counter *lab)
{
    hv_counter c = {lab, hv_lab_counter_read, hv_lab_counter_raise};
    return c;
}

/* see hvbootstate.h */
int hv_bs_floor(const hv_counter *c, uint64_t base, uint64_t *floor)
{
    uint64_t v = 0;
    if (c && c->read && c->read(c->user, &v) != 0)
        return -1;
    *floor = v > base ? v : base;
    return 0;
}

/* ---- The counter set ----------------------------------------------------- */

/* see hvbootstate.h */
int hv_bs_floors_read(const hv_bs_counters *c, const hv_bs_floors *base,
                      hv_bs_floors *out)
{
    for (uint32_t i = 0; i < HV_BS_COUNTERS; i++)
        if (hv_bs_floor(c ? c->c[i] : NULL, hv_bs_floor_get(base, i),
                        hv_bs_floor_ref(out, i)) != 0)
            return -1;
    return 0;
}

/* see hvbootstate.h */
uint64_t *hv_bs_floor_ref(hv_bs_floors *f, uint32_t i)
{
    switch (i) {
    case HV_BS_CTR_ROOT: return &f->root_version;
    case HV_BS_CTR_KEYRING: return &f->keyring_version;
    case HV_BS_CTR_EPOCH: return &f->key_epoch;
    default: return &f->security;
    }
}

/* see hvbootstate.h */
uint64_t hv_bs_floor_get(const hv_bs_floors *f, uint32_t i)
{
    return *hv_bs_floor_ref((hv_bs_floors *)f, i);
}

/* see hvbootstate.h */
void hv_bs_lab_counters(const hv_flash_ops *f, const hv_bs_layout *l,
                        hv_lab_counter lab[HV_BS_COUNTERS],
                        hv_counter ops[HV_BS_COUNTERS], hv_bs_counters *set)
{
    uint32_t parts = l->counter_parts > 1 ? l->counter_parts : 1;
    if (parts > HV_BS_COUNTERS)
        parts = HV_BS_COUNTERS;
    /* Equal parts in whole bytes; a remainder of under |parts| bytes at
     * the end stays unused, so no part's capacity depends on its place. */
    uint64_t part = l->counter_size / parts;
    for (uint32_t i = 0; i < HV_BS_COUNTERS; i++) {
        lab[i] = (hv_lab_counter){f, l->counter_offset + i * part, part};
        ops[i] = hv_lab_counter_ops(&lab[i]);
        set->c[i] = i < parts && part != 0 ? &ops[i] : NULL;
    }
}

/* see hvbootstate.h */
const char *hv_bs_counter_name(uint32_t i)
{
    switch (i) {
    case HV_BS_CTR_FLOOR: return "security floor";
    case HV_BS_CTR_ROOT: return "root version";
    case HV_BS_CTR_KEYRING: return "keyring version";
    case HV_BS_CTR_EPOCH: return "key epoch";
    default: return "unknown counter";
    }
}
