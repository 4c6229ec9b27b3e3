/*
 * The transitions an updater (or the running core) makes to the boot
 * state: install, activate, confirm, mark bad, roll back (hvbootstate.h,
 * docs/UPDATE.md "States and transitions"). Each reads the newest state,
 * checks that the transition is allowed from it, and commits one record
 * (none if nothing changes), so each is atomic under power cuts: after a
 * cut the newest record is the old state or the new one.
 */
#include "hvbootstate.h"
#include "sysdeps.h"

static int same(const hv_bs_state *a, const hv_bs_state *b)
{
    return a->active == b->active &&
           a->slot_state[0] == b->slot_state[0] &&
           a->slot_state[1] == b->slot_state[1] &&
           a->tries[0] == b->tries[0] && a->tries[1] == b->tries[1];
}

/* Commit |next| unless it is the state already in force. */
static int update(const hv_flash_ops *f, const hv_bs_layout *l, hv_bs_view *v,
                  const hv_bs_state *next)
{
    if (v->source == HV_BS_SRC_V2 && same(&v->st, next))
        return 0;
    return hv_bs_commit(f, l, v, next);
}

/* see hvbootstate.h */
int hv_bs_install_begin(const hv_flash_ops *f, const hv_bs_layout *l,
                        uint32_t slot)
{
    hv_bs_view v;
    if (slot > HV_SLOT_B || hv_bs_read(f, l, &v) != 0)
        return -1;
    uint32_t st = v.st.slot_state[slot];
    if (slot == v.st.active && st != HV_SLOT_STATE_EMPTY &&
        st != HV_SLOT_STATE_BAD)
        return -1; /* never overwrite the slot the device boots first */
    hv_bs_state next = v.st;
    next.slot_state[slot] = HV_SLOT_STATE_EMPTY;
    next.tries[slot] = 0;
    if (next.active == slot)
        next.active = 1 - slot;
    return update(f, l, &v, &next);
}

/* see hvbootstate.h */
int hv_bs_activate(const hv_flash_ops *f, const hv_bs_layout *l,
                   uint32_t slot, uint32_t tries)
{
    hv_bs_view v;
    if (slot > HV_SLOT_B || tries < 1 || tries > 255 ||
        hv_bs_read(f, l, &v) != 0)
        return -1;
    hv_bs_state next = v.st;
    next.active = slot;
    next.slot_state[slot] = HV_SLOT_STATE_TRIAL;
    next.tries[slot] = (uint8_t)tries;
    return update(f, l, &v, &next);
}

/* see hvbootstate.h */
int hv_bs_confirm(const hv_flash_ops *f, const hv_bs_layout *l,
                  uint32_t slot)
{
    hv_bs_view v;
    if (slot > HV_SLOT_B || hv_bs_read(f, l, &v) != 0)
        return -1;
    uint32_t st = v.st.slot_state[slot];
    if (st == HV_SLOT_STATE_GOOD)
        return 0;
    /* TRIAL: normally the active slot; also a trial the stage booted as
     * the fallback (the active slot failed), which then becomes active.
     * UNKNOWN: a factory slot running well is confirmed too. */
    if (st != HV_SLOT_STATE_TRIAL && st != HV_SLOT_STATE_UNKNOWN)
        return -1;
    hv_bs_state next = v.st;
    next.active = slot;
    next.slot_state[slot] = HV_SLOT_STATE_GOOD;
    next.tries[slot] = 0;
    return update(f, l, &v, &next);
}

/* see hvbootstate.h */
int hv_bs_mark_bad(const hv_flash_ops *f, const hv_bs_layout *l,
                   uint32_t slot)
{
    hv_bs_view v;
    if (slot > HV_SLOT_B || hv_bs_read(f, l, &v) != 0)
        return -1;
    hv_bs_state next = v.st;
    next.slot_state[slot] = HV_SLOT_STATE_BAD;
    next.tries[slot] = 0;
    if (next.active == slot)
        next.active = 1 - slot;
    return update(f, l, &v, &next);
}

/* see hvbootstate.h */
int hv_bs_rollback(const hv_flash_ops *f, const hv_bs_layout *l,
                   const hv_bs_counters *c, const hv_bs_floors *base,
                   const hv_bs_verifier *ver)
{
    hv_bs_view v;
    hv_bs_floors floors;
    if (hv_bs_read(f, l, &v) != 0 || hv_bs_floors_read(c, base, &floors) != 0)
        return -1;
    uint32_t from = v.st.active, to = 1 - from;
    uint32_t st = v.st.slot_state[to];
    if (st != HV_SLOT_STATE_GOOD && st != HV_SLOT_STATE_UNKNOWN)
        return -1;
    hv_bs_image img;
    const char *why;
    memset(&img, 0, sizeof img);
    if (ver->verify(ver->user, to, &floors, &img, &why) != 0 ||
        hv_bs_image_below(&img, &floors))
        return -1;
    hv_bs_state next = v.st;
    next.active = to;
    if (next.slot_state[from] == HV_SLOT_STATE_TRIAL) {
        next.slot_state[from] = HV_SLOT_STATE_BAD;
        next.tries[from] = 0;
    }
    return update(f, l, &v, &next);
}
