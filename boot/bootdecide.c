/*
 * The boot decision (hv_bs_boot, hvbootstate.h): which slot the stage
 * jumps into, what it records before the jump, and when the security floor
 * rises. The stage calls it with its flash and hv_verify; the power-cut
 * simulator (tests/sim/) calls exactly this code with a NOR model.
 *
 * The counter rules (docs/UPDATE.md "The floor" and "The counters"): the
 * four counters (security floor, root version, keyring version, key
 * epoch) rise only here, only for a slot the newest record says is GOOD
 * (confirmed by the core it booted), and only to that slot's verified
 * values. A trial boot never raises any of them: a keyring that revokes
 * the running image's key takes effect only once its own image has proved
 * itself, so the device always keeps a bootable image.
 *
 * Mutant switches for the simulator's proof (tests/sim/meson.build), never
 * defined in a product build: HV_BS_MUTANT_FLOOR_ON_TRIAL raises the floor
 * on a trial boot too; HV_BS_MUTANT_KEYRING_ON_TRIAL raises the root,
 * keyring and epoch counters on a trial boot.
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

/* see hvbootstate.h */
uint64_t hv_bs_image_counter_value(const hv_bs_image *img, uint32_t i)
{
    switch (i) {
    case HV_BS_CTR_FLOOR: return img->min_security_version;
    case HV_BS_CTR_ROOT: return img->has_trust ? img->root_version : 0;
    case HV_BS_CTR_KEYRING: return img->has_trust ? img->keyring_version : 0;
    case HV_BS_CTR_EPOCH: return img->has_trust ? img->key_epoch : 0;
    default: return 0;
    }
}

/* Raise counter |i| to |img|'s value if that is above its floor. */
static void raise_one(const hv_bs_counters *set, uint32_t i,
                      const hv_bs_image *img, hv_bs_boot_result *res)
{
    uint64_t want = hv_bs_image_counter_value(img, i);
    uint64_t *after = hv_bs_floor_ref(&res->after, i);
    if (want <= *after)
        return;
    const hv_counter *c = set ? set->c[i] : NULL;
    if (!c || !c->raise_to || c->raise_to(c->user, want) != 0) {
        /* The image already passed the old floors; booting it is safe.
         * The raise is retried at every boot of a GOOD slot. */
        res->raise_failed |= 1u << i;
    }
    uint64_t now;
    if (c && c->read && c->read(c->user, &now) == 0 && now > *after)
        *after = now;
}

/* The counters a confirmed boot raises, in the order floor, root, keyring,
 * epoch: a cut between two raises leaves some raised, the rest raised at
 * the next boot of a GOOD slot; each alone is safe (each only refuses
 * what the booted, verified image already supersedes). */
#define ALL_COUNTERS ((1u << HV_BS_COUNTERS) - 1)
static void raise_counters(const hv_bs_counters *set, const hv_bs_image *img,
                           uint32_t which, hv_bs_boot_result *res)
{
    for (uint32_t i = 0; i < HV_BS_COUNTERS; i++)
        if (which & (1u << i))
            raise_one(set, i, img, res);
}

/* see hvbootstate.h */
const char *hv_bs_image_below(const hv_bs_image *img, const hv_bs_floors *fl)
{
    if (img->min_security_version > img->security_version ||
        img->security_version < fl->security)
        return "below the security floor";
    if (!img->has_trust) {
        /* No trust block: only acceptable where no root or keyring was
         * ever counted (a trust area version 1 device). */
        if (fl->root_version || fl->keyring_version)
            return "no trust block, and this device counts roots";
        return NULL;
    }
    if (img->root_version < fl->root_version)
        return "root version below the device's";
    if (img->keyring_version < fl->keyring_version)
        return "keyring version below the device's";
    return NULL;
}

/* see hvbootstate.h */
int hv_bs_boot(const hv_flash_ops *f, const hv_bs_layout *l,
               const hv_bs_counters *c, const hv_bs_floors *base,
               const hv_bs_verifier *ver, hv_bs_boot_result *res)
{
    memset(res, 0, sizeof *res);
    res->slot = -1;
    if (hv_bs_read(f, l, &res->view) != 0 ||
        hv_bs_floors_read(c, base, &res->before) != 0)
        return -1;
    res->after = res->before;
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
        memset(&img, 0, sizeof img);
        if (ver->verify(ver->user, s, &res->after, &img, &why) != 0) {
            res->why[s] = why;
            if (state == HV_SLOT_STATE_TRIAL) {
                hv_bs_state next = v->st;
                mark_bad(&next, s);
                if (hv_bs_commit(f, l, v, &next) == 0)
                    res->writes++;
            }
            continue;
        }
        /* The verifier applies the floors; this keeps the rules here
         * even for a verifier that forgets them. */
        const char *below = hv_bs_image_below(&img, &res->after);
        if (below) {
            res->why[s] = below;
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
            raise_counters(c, &img, 1u << HV_BS_CTR_FLOOR, res);
#endif
#ifdef HV_BS_MUTANT_KEYRING_ON_TRIAL
            raise_counters(c, &img, ALL_COUNTERS & ~(1u << HV_BS_CTR_FLOOR), res);
#endif
        } else if (state == HV_SLOT_STATE_GOOD) {
            raise_counters(c, &img, ALL_COUNTERS, res);
        }
        res->slot = (int)s;
        res->fallback = i > 0;
        res->image = img;
        return 0;
    }
    return 0;
}
