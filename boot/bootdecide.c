/*
 * The boot decision (hv_bs_boot, hvbootstate.h): which slot the stage
 * jumps into, what it records before the jump, and when the security floor
 * rises. The stage calls it with its flash and hv_verify; the power-cut
 * simulator (tests/sim/) calls exactly this code with a NOR model.
 *
 * The floor rules (docs/UPDATE.md "The floor"): the floor rises only here,
 * only for a slot the newest record says is GOOD (confirmed by the core it
 * booted), and only to that slot's verified, signed min_security_version.
 * A trial boot never raises it.
 *
 * Mutant switch for the simulator's proof (tests/sim/meson.build):
 * HV_BS_MUTANT_FLOOR_ON_TRIAL raises the floor on a trial boot too. Never
 * defined in a product build.
 */
#include "hvbootstate.h"
#include "sysdeps.h"

/* Mark |slot| BAD; the other slot becomes active if |slot| was. */
static void mark_bad(hv_bs_state *st, uint32_t slot)
{
    st->slot_state[slot] = HV_SLOT_STATE_BAD;
    st->tries[slot] = 0;
    if (st->active == slot)
        st->active = 1 - slot;
}

static void raise_floor(const hv_counter *c, const hv_bs_image *img,
                        hv_bs_boot_result *res)
{
    if (img->min_security_version <= res->floor)
        return;
    if (!c || !c->raise_to ||
        c->raise_to(c->user, img->min_security_version) != 0) {
        /* The image already passed the old floor; booting it is safe.
         * The raise is retried at every boot of a GOOD slot. */
        res->raise_failed = 1;
    }
    uint64_t now;
    if (c && c->read && c->read(c->user, &now) == 0 && now > res->floor)
        res->floor = now;
}

/* see hvbootstate.h */
int hv_bs_boot(const hv_flash_ops *f, const hv_bs_layout *l,
               const hv_counter *c, uint64_t base_floor,
               const hv_bs_verifier *ver, hv_bs_boot_result *res)
{
    memset(res, 0, sizeof *res);
    res->slot = -1;
    if (hv_bs_read(f, l, &res->view) != 0 ||
        hv_bs_floor(c, base_floor, &res->floor_before) != 0)
        return -1;
    res->floor = res->floor_before;
    hv_bs_view *v = &res->view;
    uint32_t order[2] = {v->st.active, 1 - v->st.active};

    for (unsigned i = 0; i < 2; i++) {
        uint32_t s = order[i];
        uint32_t state = v->st.slot_state[s];
        if (state == HV_SLOT_STATE_EMPTY) {
            res->why[s] = "empty (boot state)";
            continue;
        }
        if (state == HV_SLOT_STATE_BAD) {
            res->why[s] = "marked bad (boot state)";
            continue;
        }
        if (state == HV_SLOT_STATE_TRIAL && v->st.tries[s] == 0) {
            hv_bs_state next = v->st;
            mark_bad(&next, s);
            res->why[s] = "trial never confirmed, no tries left: marked bad";
            if (hv_bs_commit(f, l, v, &next) == 0)
                res->writes++;
            else
                res->why[s] = "trial never confirmed, no tries left "
                              "(marking it bad failed)";
            continue;
        }
        hv_bs_image img;
        const char *why = "refused";
        if (ver->verify(ver->user, s, res->floor, &img, &why) != 0) {
            res->why[s] = why;
            if (state == HV_SLOT_STATE_TRIAL) {
                hv_bs_state next = v->st;
                mark_bad(&next, s);
                if (hv_bs_commit(f, l, v, &next) == 0)
                    res->writes++;
            }
            continue;
        }
        if (img.min_security_version > img.security_version ||
            img.security_version < res->floor) {
            /* The verifier applies the floor; this keeps the rule here
             * even for a verifier that forgets it. */
            res->why[s] = "below the security floor";
            continue;
        }
        if (state == HV_SLOT_STATE_TRIAL) {
            hv_bs_state next = v->st;
            next.tries[s]--;
            if (hv_bs_commit(f, l, v, &next) != 0) {
                res->why[s] = "could not record the trial boot";
                continue;
            }
            res->writes++;
            res->trial = 1;
#ifdef HV_BS_MUTANT_FLOOR_ON_TRIAL
            raise_floor(c, &img, res);
#endif
        } else if (state == HV_SLOT_STATE_GOOD) {
            raise_floor(c, &img, res);
        }
        res->slot = (int)s;
        res->fallback = i > 0;
        res->image = img;
        return 0;
    }
    return 0;
}
