/*
 * The power-cut simulator (docs/UPDATE.md "Power-cut simulator"): the real
 * boot-state, counter, boot-decision and transition code (boot/, built
 * into this program) over a NOR model (nor.c). For each step of an update
 * (install, activate, each trial boot, the last trial boot that marks the
 * slot bad, confirm, the floor raise, mark-bad, rollback) it cuts power at
 * every point the model offers:
 *   boundary       before each erase and program, and after the last;
 *   program-prefix inside each program, after every byte prefix;
 *   erase-partial  inside each erase, after every page, the rest intact;
 *   erase-weak     inside each erase, after every page, the rest reading
 *                  randomly between its old value and 1s on each read;
 * then boots (the recovery boot), boots again, and checks:
 *   - a slot boots, and its image verifies at the floor (nothing below the
 *     floor boots);
 *   - the floor never decreases, and never rises above what a confirmed
 *     (GOOD) slot's min_security_version allows;
 *   - a slot that was GOOD stays GOOD (unless the step replaces it);
 *   - the result equals a clean boot from the state before the step or
 *     from the state after it (the pending change is all or nothing), and
 *     the second boot equals the clean successor (booting again changes
 *     nothing more than a clean boot would);
 *   - structure: no record whose commit word reads committed was left
 *     incompletely programmed.
 * Pairs: a second cut at every point of the recovery boot (all pairs on a
 * small geometry; seeded random pairs on the bundled profiles' geometry).
 *
 *   sim [--seed N] [--pairs N] [--exhaustive] [--no-pairs]
 *
 * Exits 0 if every invariant held, 1 otherwise; prints the scenario count
 * per class.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hvbootstate.h"
#include "nor.h"

/* ---- Geometry and images -------------------------------------------------- */

typedef struct geom {
    const char *name;
    uint64_t eb;
    uint32_t page;
} geom;

/* Regions in erase blocks: state 0-1, counters 2, slot A 3-4, slot B 5-6.
 * A roots device (trust area version 2): the counter block split in four
 * (security floor, root version, keyring version, key epoch). */
#define BLOCKS 7
static hv_bs_layout layout_for(const geom *g)
{
    hv_bs_layout l = {0, 2 * g->eb, 2 * g->eb, g->eb, HV_BS_COUNTERS};
    return l;
}
static uint64_t slot_offset(const geom *g, uint32_t s)
{
    return (3 + 2 * (uint64_t)s) * g->eb;
}

/* The bases: the trust area's rollback counter and its root version R0. */
#define BASE_FLOOR 3u
#define BASE_ROOT 1u
static const hv_bs_floors BASE = {BASE_FLOOR, BASE_ROOT, 0, 0};

/* A stand-in image: header, payload, CRC over both. Enough to tell a torn
 * install from a complete one, and to carry the two versions and what its
 * trust block says: the newest root's version, the keyring's version and
 * min_epoch, and the epoch of the keyring key that signed the image. */
#define IMG_MAGIC 0x474D4953u /* "SIMG" */
#define IMG_HDR 40u
#define IMG_PAYLOAD 200u
typedef struct image_desc {
    uint32_t id, sv, msv;
    uint32_t root, ring, min_epoch, signer_epoch;
} image_desc;

static void le32put(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static uint32_t le32get(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static size_t make_image(const image_desc *d, uint8_t *buf)
{
    le32put(buf, IMG_MAGIC);
    le32put(buf + 4, d->id);
    le32put(buf + 8, d->sv);
    le32put(buf + 12, d->msv);
    le32put(buf + 16, IMG_PAYLOAD);
    le32put(buf + 24, d->root);
    le32put(buf + 28, d->ring);
    le32put(buf + 32, d->min_epoch);
    le32put(buf + 36, d->signer_epoch);
    for (unsigned i = 0; i < IMG_PAYLOAD; i++)
        buf[IMG_HDR + i] = (uint8_t)(d->id * 31u + i * 7u);
    le32put(buf + 20, 0);
    uint32_t crc = hv_crc32(0, buf, IMG_HDR + IMG_PAYLOAD);
    le32put(buf + 20, crc);
    return IMG_HDR + IMG_PAYLOAD;
}

typedef struct sim_ctx {
    nor *n;
    const geom *g;
} sim_ctx;

/* Read the image in |slot|: 0 and *d if it is complete and intact. */
static int read_image(nor *n, const geom *g, uint32_t slot, image_desc *d)
{
    uint8_t buf[IMG_HDR + IMG_PAYLOAD];
    if (n->ops_if.read(n, slot_offset(g, slot), buf, sizeof buf) != 0 ||
        le32get(buf) != IMG_MAGIC || le32get(buf + 16) != IMG_PAYLOAD)
        return -1;
    uint32_t crc = le32get(buf + 20);
    le32put(buf + 20, 0);
    if (hv_crc32(0, buf, sizeof buf) != crc)
        return -1;
    d->id = le32get(buf + 4);
    d->sv = le32get(buf + 8);
    d->msv = le32get(buf + 12);
    d->root = le32get(buf + 24);
    d->ring = le32get(buf + 28);
    d->min_epoch = le32get(buf + 32);
    d->signer_epoch = le32get(buf + 36);
    return 0;
}

/* The verifier's checks, in the abstract (hv_trust_block_verify and
 * hv_verify's floor): NULL if |d| verifies at |fl|, else why not. */
static const char *refusal(const image_desc *d, const hv_bs_floors *fl)
{
    if (d->sv < fl->security)
        return "below the floor";
    if (d->root < fl->root_version)
        return "root below the device's";
    if (d->ring < fl->keyring_version)
        return "keyring below the device's";
    uint64_t epoch = d->min_epoch > fl->key_epoch
                         ? d->min_epoch : fl->key_epoch;
    if (d->signer_epoch < epoch)
        return "signer revoked";
    return NULL;
}

static int sim_verify(void *user, uint32_t slot, const hv_bs_floors *fl,
                      hv_bs_image *img, const char **why)
{
    sim_ctx *c = user;
    image_desc d;
    if (read_image(c->n, c->g, slot, &d) != 0) {
        *why = "no intact image";
        return -1;
    }
    if ((*why = refusal(&d, fl)) != NULL)
        return -1;
    img->security_version = d.sv;
    img->min_security_version = d.msv;
    img->has_trust = 1;
    img->root_version = d.root;
    img->keyring_version = d.ring;
    img->key_epoch = d.min_epoch;
    return 0;
}

/* ---- Steps ------------------------------------------------------------------ */

typedef struct outcome {
    int rc;
    int source;
    hv_bs_state st;
    hv_bs_floors before; /* the counters at the boot's start */
    hv_bs_floors floors; /* after it */
    int slot, trial;
    image_desc booted;
} outcome;

static int same_floors(const hv_bs_floors *a, const hv_bs_floors *b)
{
    for (uint32_t i = 0; i < HV_BS_COUNTERS; i++)
        if (hv_bs_floor_get(a, i) != hv_bs_floor_get(b, i))
            return 0;
    return 1;
}

static int same_outcome(const outcome *a, const outcome *b)
{
    return a->rc == b->rc && a->source == b->source &&
           a->st.active == b->st.active &&
           a->st.slot_state[0] == b->st.slot_state[0] &&
           a->st.slot_state[1] == b->st.slot_state[1] &&
           a->st.tries[0] == b->st.tries[0] &&
           a->st.tries[1] == b->st.tries[1] &&
           same_floors(&a->floors, &b->floors) &&
           a->slot == b->slot && a->trial == b->trial &&
           (a->slot < 0 || a->booted.id == b->booted.id);
}

static void describe(const outcome *o, char *buf, size_t cap)
{
    snprintf(buf, cap,
             "rc %d src %d active %c A=%s/%u B=%s/%u floor %" PRIu64
             " root %" PRIu64 " ring %" PRIu64 " epoch %" PRIu64
             " booted %c%s (image %u)", o->rc, o->source,
             o->st.active ? 'B' : 'A', hv_slot_state_name(o->st.slot_state[0]),
             o->st.tries[0], hv_slot_state_name(o->st.slot_state[1]),
             o->st.tries[1], o->floors.security, o->floors.root_version,
             o->floors.keyring_version, o->floors.key_epoch,
             o->slot < 0 ? '-' : o->slot ? 'B' : 'A', o->trial ? " trial" : "",
             o->slot < 0 ? 0 : o->booted.id);
}

/* The device's four lab counters over |n|. */
typedef struct counter_set {
    hv_lab_counter lab[HV_BS_COUNTERS];
    hv_counter ops[HV_BS_COUNTERS];
    hv_bs_counters set;
} counter_set;

static void counters_for(nor *n, const geom *g, counter_set *cs)
{
    hv_bs_layout l = layout_for(g);
    hv_bs_lab_counters(&n->ops_if, &l, cs->lab, cs->ops, &cs->set);
}

/* One boot by the real decision code; power may be cut inside it. */
static outcome boot(nor *n, const geom *g)
{
    outcome o;
    memset(&o, 0, sizeof o);
    hv_bs_layout l = layout_for(g);
    counter_set cs;
    counters_for(n, g, &cs);
    sim_ctx ctx = {n, g};
    hv_bs_verifier ver = {&ctx, sim_verify};
    hv_bs_boot_result r;
    o.rc = hv_bs_boot(&n->ops_if, &l, &cs.set, &BASE, &ver, &r);
    o.source = r.view.source;
    o.st = r.view.st;
    o.slot = r.slot;
    o.trial = r.trial;
    o.before = r.before;
    if (hv_bs_floors_read(&cs.set, &BASE, &o.floors) != 0)
        for (uint32_t i = 0; i < HV_BS_COUNTERS; i++)
            *hv_bs_floor_ref(&o.floors, i) = UINT64_MAX;
    if (o.slot >= 0 && read_image(n, g, (uint32_t)o.slot, &o.booted) != 0)
        o.booted.id = UINT32_MAX;
    return o;
}

enum step {
    STEP_INSTALL, STEP_INSTALL_HELD, STEP_ACTIVATE, STEP_BOOT, STEP_CONFIRM, STEP_MARK_BAD,
    STEP_ROLLBACK,
};

/* Factory images under root 1 and keyring 1, signed by an epoch 1 key. */
static const image_desc IMG_A = {1, 3, 3, 1, 1, 1, 1};     /* factory image */
static const image_desc IMG_B_OLD = {2, 3, 3, 1, 1, 1, 1}; /* older, in B  */
/* The updates, each a sequence of its own (all_steps). The security
 * update: its floor raise clears 40 counter bits, five bytes, so cuts fall
 * inside the raise; it also brings keyring 2 (min_epoch 2, signed by an
 * epoch 2 key), which revokes the factory images' key. */
static const image_desc IMG_B_NEW = {3, 41, 40, 1, 2, 2, 2};
/* A keyring rotation alone: the same security version, keyring 17 whose
 * min_epoch 9 revokes the epoch 1 key (so only the counters tell the
 * factory image from the update: the raises clear 16 and 9 bits). */
static const image_desc IMG_B_RING = {4, 3, 3, 1, 17, 9, 9};
/* A root rotation: root 2 (the chain 1 -> 2 in its trust block), a
 * keyring under it, the old key revoked. */
static const image_desc IMG_B_ROOT = {5, 3, 3, 2, 18, 9, 10};
static const image_desc *update_img = &IMG_B_NEW; /* this sequence's */
#define TRIES 3u
/* A streamed install's piece: the verifier hands over the head, then
 * chunks; small pieces put cuts between them. */
#define STREAM_PIECE 40u

/* Run |step| on |n|: the result is what the step returned (ignored when
 * power was cut). */
static int run_step(nor *n, const geom *g, enum step s)
{
    hv_bs_layout l = layout_for(g);
    const hv_flash_ops *f = &n->ops_if;
    switch (s) {
    case STEP_INSTALL: {
        /* A version 2 install: pieces as hv_verify_stream authenticates
         * them, through the updater's own slot writer. */
        uint8_t img[IMG_HDR + IMG_PAYLOAD];
        size_t len = make_image(update_img, img);
        hv_slot_writer w = {.f = f, .l = &l, .slot = HV_SLOT_B,
                            .base = slot_offset(g, HV_SLOT_B)};
        for (size_t off = 0; off < len; off += STREAM_PIECE) {
            size_t n = len - off < STREAM_PIECE ? len - off : STREAM_PIECE;
            if (hv_slot_writer_write(&w, off, img + off, n) != 0)
                return -1;
        }
        return 0;
    }
    case STEP_INSTALL_HELD: {
        /* A version 1 install: verified whole, then written at once. */
        uint8_t img[IMG_HDR + IMG_PAYLOAD];
        size_t len = make_image(update_img, img);
        if (hv_bs_install_begin(f, &l, HV_SLOT_B) != 0)
            return -1;
        return hv_flash_write(f, slot_offset(g, HV_SLOT_B), img, len);
    }
    case STEP_ACTIVATE: return hv_bs_activate(f, &l, HV_SLOT_B, TRIES);
    case STEP_BOOT: return boot(n, g).rc;
    case STEP_CONFIRM: return hv_bs_confirm(f, &l, HV_SLOT_B);
    case STEP_MARK_BAD: return hv_bs_mark_bad(f, &l, HV_SLOT_B);
    case STEP_ROLLBACK: {
        counter_set cs;
        counters_for(n, g, &cs);
        sim_ctx ctx = {n, g};
        hv_bs_verifier ver = {&ctx, sim_verify};
        return hv_bs_rollback(f, &l, &cs.set, &BASE, &ver);
    }
    }
    return -1;
}

/* ---- Invariants --------------------------------------------------------------- */

static unsigned long failures;
static const char *cur_class = "";
/* Failures per broken invariant, for the summary. */
#define MAX_KINDS 16
static const char *fail_kind[MAX_KINDS];
static unsigned long fail_kind_count[MAX_KINDS];

static void fail(const char *scenario, const char *what, const outcome *o)
{
    char d[256] = "";
    if (o)
        describe(o, d, sizeof d);
    if (failures < 20)
        fprintf(stderr, "FAIL [%s] %s: %s%s%s\n", cur_class, scenario, what,
                o ? ": " : "", d);
    failures++;
    for (int k = 0; k < MAX_KINDS; k++) {
        if (!fail_kind[k] || fail_kind[k] == what) {
            fail_kind[k] = what;
            fail_kind_count[k]++;
            break;
        }
    }
}

/* A record whose commit word reads committed must have been completely
 * programmed (blocks whose erase was cut are left to the CRC). */
static int structure_ok(const nor *n, const geom *g)
{
    hv_bs_layout l = layout_for(g);
    for (uint32_t b = 0; b < 2; b++) {
        uint64_t base = l.state_offset + b * g->eb;
        if (n->torn[base / g->eb])
            continue;
        for (uint64_t r = 0; r < g->eb; r += HV_BOOT_STATE_RECORD_SIZE) {
            const uint8_t *rec = n->data + base + r;
            if (le32get(rec + HV_BST2_OFF_COMMIT) != HV_BST2_COMMITTED)
                continue;
            for (unsigned i = 0; i < HV_BOOT_STATE_RECORD_SIZE; i++)
                if (!n->written[base + r + i])
                    return 0;
        }
    }
    return 1;
}

/* The state before the step, for the invariants. */
typedef struct before {
    hv_bs_view view;
    hv_bs_floors floors;
    image_desc img[2];
    int img_ok[2];
} before;

static void capture(nor *n, const geom *g, before *b)
{
    hv_bs_layout l = layout_for(g);
    counter_set cs;
    counters_for(n, g, &cs);
    if (hv_bs_read(&n->ops_if, &l, &b->view) != 0 ||
        hv_bs_floors_read(&cs.set, &BASE, &b->floors) != 0)
        abort();
    for (uint32_t s = 0; s < 2; s++)
        b->img_ok[s] = read_image(n, g, s, &b->img[s]) == 0;
}

/* What counter |i| rises to when |d| boots confirmed. */
static uint64_t image_value(const image_desc *d, uint32_t i)
{
    switch (i) {
    case HV_BS_CTR_FLOOR: return d->msv;
    case HV_BS_CTR_ROOT: return d->root;
    case HV_BS_CTR_KEYRING: return d->ring;
    default: return d->min_epoch;
    }
}

/* The failure text per counter when it rose before a confirm: the floor's
 * keeps its words (the floor-on-trial mutant looks for them). */
static const char *const rose_early[HV_BS_COUNTERS] = {
    "the floor rose before a confirm",
    "the root counter rose before a confirm",
    "the keyring counter rose before a confirm",
    "the key-epoch counter rose before a confirm",
};

/* Whether some GOOD slot of |st| holds an intact image that verifies at
 * |fl|: the device keeps a confirmed image it can boot. */
static int confirmed_bootable(nor *n, const geom *g, const hv_bs_state *st,
                              const hv_bs_floors *fl)
{
    for (uint32_t s = 0; s < 2; s++) {
        image_desc d;
        if (st->slot_state[s] == HV_SLOT_STATE_GOOD &&
            read_image(n, g, s, &d) == 0 && !refusal(&d, fl))
            return 1;
    }
    return 0;
}

static unsigned long boots_checked;

static void check_invariants(const char *sc, enum step step, nor *n,
                             const geom *g, const before *b,
                             const outcome *x1, const outcome *x2)
{
    const outcome *xs[2] = {x1, x2};
    hv_bs_floors prev = b->floors;
    /* What each counter may be raised to: a slot confirmed before the step
     * or by it (GOOD in the newest state), with an intact image. */
    hv_bs_floors allowed = b->floors;
    for (uint32_t s = 0; s < 2; s++) {
        image_desc d;
        int was_good = b->view.st.slot_state[s] == HV_SLOT_STATE_GOOD &&
                       b->img_ok[s];
        int is_good = x1->st.slot_state[s] == HV_SLOT_STATE_GOOD &&
                      read_image(n, g, s, &d) == 0;
        for (uint32_t i = 0; i < HV_BS_COUNTERS; i++) {
            uint64_t *a = hv_bs_floor_ref(&allowed, i);
            if (was_good && image_value(&b->img[s], i) > *a)
                *a = image_value(&b->img[s], i);
            if (is_good && image_value(&d, i) > *a)
                *a = image_value(&d, i);
        }
    }
    int had_confirmed = confirmed_bootable(n, g, &b->view.st, &b->floors);
    for (int k = 0; k < 2; k++) {
        const outcome *x = xs[k];
        boots_checked++;
        if (x->rc != 0 || x->slot < 0) {
            fail(sc, "no slot boots", x);
            continue;
        }
        image_desc d;
        if (read_image(n, g, (uint32_t)x->slot, &d) != 0 ||
            d.id != x->booted.id)
            fail(sc, "the booted slot does not hold an intact image", x);
        else if (d.sv < x->floors.security)
            fail(sc, "an image below the floor boots", x);
        else if (d.root < x->floors.root_version ||
                 d.ring < x->floors.keyring_version)
            fail(sc, "an image below the root or keyring counter boots", x);
        else if (d.signer_epoch < x->before.key_epoch)
            fail(sc, "an image whose only signer is revoked boots", x);
        for (uint32_t i = 0; i < HV_BS_COUNTERS; i++) {
            /* (c) counters never decrease, never rise on a trial. */
            if (hv_bs_floor_get(&x->floors, i) < hv_bs_floor_get(&prev, i))
                fail(sc, i ? "a root, keyring or epoch counter decreased"
                           : "the floor decreased", x);
            if (hv_bs_floor_get(&x->floors, i) > hv_bs_floor_get(&allowed, i))
                fail(sc, rose_early[i], x);
        }
        /* (b) the confirmed image's key is never revoked before its
         * successor is confirmed: some confirmed image still verifies. */
        if (had_confirmed &&
            !confirmed_bootable(n, g, &x->st, &x->floors))
            fail(sc, "no confirmed image verifies at the counters (revoked "
                     "before its successor was confirmed)", x);
        prev = x->floors;
    }
    /* (a) once a confirmed image that revokes a key has booted (x1, a
     * clean boot of a GOOD slot), no later boot authenticates an image
     * whose only signer has an epoch below that image's min_epoch: x2 did
     * not boot one, and neither slot's such image would verify at the
     * counters x2 leaves (whatever the boot state says next). */
    if (x1->rc == 0 && x1->slot >= 0 && !x1->trial &&
        x1->st.slot_state[x1->slot] == HV_SLOT_STATE_GOOD) {
        uint32_t revoked_below = x1->booted.min_epoch;
        int bad = x2->slot >= 0 && x2->booted.signer_epoch < revoked_below;
        /* A hostile image: the factory key (revoked) signs it, with the
         * confirmed image's root and keyring versions but a keyring whose
         * own min_epoch does not revoke (a root's mistake, or a keyring
         * document of the same version): only the key-epoch counter
         * refuses it. */
        image_desc hostile = x1->booted;
        hostile.min_epoch = hostile.signer_epoch = IMG_A.signer_epoch;
        if (IMG_A.signer_epoch < revoked_below &&
            !refusal(&hostile, &x2->floors))
            bad = 1;
        for (uint32_t s = 0; s < 2; s++) {
            image_desc d;
            if (read_image(n, g, s, &d) == 0 &&
                d.signer_epoch < revoked_below && !refusal(&d, &x2->floors))
                bad = 1;
        }
        if (bad)
            fail(sc, "after the revoking keyring's image was confirmed, an "
                     "image signed only by a revoked key still verifies", x2);
    }
    for (uint32_t s = 0; s < 2; s++) {
        if (b->view.st.slot_state[s] != HV_SLOT_STATE_GOOD ||
            ((step == STEP_INSTALL || step == STEP_INSTALL_HELD ||
              step == STEP_MARK_BAD) &&
             s == HV_SLOT_B))
            continue;
        image_desc d;
        if (x1->st.slot_state[s] != HV_SLOT_STATE_GOOD ||
            read_image(n, g, s, &d) != 0 || d.id != b->img[s].id)
            fail(sc, "a confirmed slot was lost", x1);
    }
}

/* ---- Cut enumeration ---------------------------------------------------------- */

enum cut_class { CL_BOUNDARY, CL_PREFIX, CL_ERASE_PARTIAL, CL_ERASE_WEAK,
                 CL_COUNT };
static const char *class_name[CL_COUNT] = {
    "boundary (before/after each erase and program)",
    "program-prefix (inside a program, every byte prefix)",
    "erase-partial (inside an erase, every page)",
    "erase-weak (inside an erase, unstable bits)",
};

typedef struct cutlist {
    nor_cut *c;
    enum cut_class *cls;
    size_t len, cap;
} cutlist;

static void add_cut(cutlist *l, nor_cut c, enum cut_class cls)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->c = realloc(l->c, l->cap * sizeof *l->c);
        l->cls = realloc(l->cls, l->cap * sizeof *l->cls);
        if (!l->c || !l->cls)
            abort();
    }
    l->c[l->len] = c;
    l->cls[l->len++] = cls;
}

/* Every cut point of the operations traced in |n|. */
static void enumerate(const nor *n, cutlist *l)
{
    l->len = 0;
    for (size_t i = 0; i < n->trace_len; i++) {
        uint64_t at = i + 1;
        add_cut(l, (nor_cut){NOR_CUT_BEFORE, at, 0}, CL_BOUNDARY);
        const nor_op *op = &n->trace[i];
        if (op->kind == NOR_OP_PROGRAM) {
            for (uint64_t p = 1; p < op->len; p++)
                add_cut(l, (nor_cut){NOR_CUT_PROGRAM, at, p}, CL_PREFIX);
        } else {
            for (uint64_t p = 0; p < op->len; p++) {
                if (p > 0)
                    add_cut(l, (nor_cut){NOR_CUT_ERASE_PARTIAL, at, p},
                            CL_ERASE_PARTIAL);
                add_cut(l, (nor_cut){NOR_CUT_ERASE_WEAK, at, p},
                        CL_ERASE_WEAK);
            }
        }
    }
    /* After the last operation: the step completed. */
    add_cut(l, (nor_cut){NOR_CUT_NONE, 0, 0}, CL_BOUNDARY);
}

/* ---- Scenarios ---------------------------------------------------------------- */

static unsigned long count_single[CL_COUNT], count_pairs;

#define CHAIN 4
typedef struct refs {
    outcome pre[CHAIN], post[CHAIN];
} refs;

static void chain(nor *start, const geom *g, outcome *out)
{
    nor w = {0};
    if (nor_copy(&w, start) != 0)
        abort();
    nor_arm(&w, (nor_cut){NOR_CUT_NONE, 0, 0});
    for (int k = 0; k < CHAIN; k++)
        out[k] = boot(&w, g);
    nor_free(&w);
}

/* |x1| then |x2| must be two consecutive clean boots of one chain, starting
 * at most |depth| boots in. */
static int matches(const refs *r, int depth, const outcome *x1,
                   const outcome *x2)
{
    for (int k = 0; k < depth && k + 1 < CHAIN; k++)
        if ((same_outcome(x1, &r->pre[k]) && same_outcome(x2, &r->pre[k + 1])) ||
            (same_outcome(x1, &r->post[k]) &&
             same_outcome(x2, &r->post[k + 1])))
            return 1;
    return 0;
}

static void finish(const char *sc, enum step step, nor *w, const geom *g,
                   const before *b, const refs *r, int depth)
{
    if (!structure_ok(w, g))
        fail(sc, "a record reads committed but was not completely programmed",
             NULL);
    nor_arm(w, (nor_cut){NOR_CUT_NONE, 0, 0});
    outcome x1 = boot(w, g);
    outcome x2 = boot(w, g);
    check_invariants(sc, step, w, g, b, &x1, &x2);
    if (!matches(r, depth, &x1, &x2)) {
        char d[256];
        describe(&r->pre[0], d, sizeof d);
        fprintf(stderr, "  (clean boot before the step: %s)\n", d);
        describe(&r->post[0], d, sizeof d);
        fprintf(stderr, "  (clean boot after the step: %s)\n", d);
        fail(sc, "the result is neither the old state nor the new one", &x1);
    }
}

typedef struct pair_mode {
    int all;            /* every pair                                */
    unsigned long n;    /* else this many random pairs per step       */
    uint64_t *rng;
} pair_mode;

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Cut power everywhere in |step| from state |s|. */
static void scenario(const char *name, nor *s, const geom *g, enum step step,
                     int singles, pair_mode pm)
{
    char sc[256];
    cur_class = name;
    before b;
    capture(s, g, &b);
    refs r;
    chain(s, g, r.pre);
    nor post = {0};
    if (nor_copy(&post, s) != 0)
        abort();
    nor_arm(&post, (nor_cut){NOR_CUT_NONE, 0, 0});
    nor_trace_start(&post);
    if (run_step(&post, g, step) != 0) {
        fail(name, "the step fails without a power cut", NULL);
        nor_free(&post);
        return;
    }
    cutlist cuts = {0}, cuts2 = {0};
    enumerate(&post, &cuts);
    nor_trace_stop(&post);
    chain(&post, g, r.post);
    nor_free(&post);

    nor w = {0}, w2 = {0}, dry = {0};
    for (size_t i = 0; i < cuts.len; i++) {
        if (nor_copy(&w, s) != 0)
            abort();
        nor_arm(&w, cuts.c[i]);
        run_step(&w, g, step);
        if (singles) {
            if (nor_copy(&w2, &w) != 0)
                abort();
            snprintf(sc, sizeof sc, "%s, cut %zu (kind %d at op %" PRIu64
                     " param %" PRIu64 ")", name, i, cuts.c[i].kind,
                     cuts.c[i].at, cuts.c[i].param);
            finish(sc, step, &w2, g, &b, &r, 1);
            count_single[cuts.cls[i]]++;
        }
        /* A second cut during the recovery boot. */
        if (!pm.all && pm.n == 0)
            continue;
        if (nor_copy(&dry, &w) != 0)
            abort();
        nor_arm(&dry, (nor_cut){NOR_CUT_NONE, 0, 0});
        nor_trace_start(&dry);
        boot(&dry, g);
        enumerate(&dry, &cuts2);
        nor_trace_stop(&dry);
        for (size_t j = 0; j < cuts2.len; j++) {
            if (!pm.all)
                break;
            if (nor_copy(&w2, &w) != 0)
                abort();
            nor_arm(&w2, cuts2.c[j]);
            boot(&w2, g);
            snprintf(sc, sizeof sc, "%s, cut %zu then recovery cut %zu", name,
                     i, j);
            finish(sc, step, &w2, g, &b, &r, 2);
            count_pairs++;
        }
    }
    /* Random pairs: a random first cut, a random recovery cut. */
    for (unsigned long k = 0; !pm.all && k < pm.n; k++) {
        size_t i = (size_t)(rnd(pm.rng) % cuts.len);
        if (nor_copy(&w, s) != 0)
            abort();
        nor_arm(&w, cuts.c[i]);
        run_step(&w, g, step);
        if (nor_copy(&dry, &w) != 0)
            abort();
        nor_arm(&dry, (nor_cut){NOR_CUT_NONE, 0, 0});
        nor_trace_start(&dry);
        boot(&dry, g);
        enumerate(&dry, &cuts2);
        nor_trace_stop(&dry);
        size_t j = (size_t)(rnd(pm.rng) % cuts2.len);
        if (nor_copy(&w2, &w) != 0)
            abort();
        nor_arm(&w2, cuts2.c[j]);
        boot(&w2, g);
        snprintf(sc, sizeof sc, "%s, random cut %zu then recovery cut %zu",
                 name, i, j);
        finish(sc, step, &w2, g, &b, &r, 2);
        count_pairs++;
    }
    free(cuts.c);
    free(cuts.cls);
    free(cuts2.c);
    free(cuts2.cls);
    nor_free(&w);
    nor_free(&w2);
    nor_free(&dry);
}

/* ---- Setting up the states before each step -------------------------------- */

static void must(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "setup failed: %s\n", what);
        exit(2);
    }
}

/* The factory state: A and an older B, both GOOD, A active, the first
 * record at |seq0|, then |fill| more records of the same state (to put the
 * log at every position of its block). */
static void factory(nor *n, const geom *g, uint32_t seq0, unsigned fill)
{
    must(nor_init(n, (size_t)(BLOCKS * g->eb), g->eb, g->page, 0x9E3779B9u) == 0,
         "nor");
    hv_bs_layout l = layout_for(g);
    uint8_t img[IMG_HDR + IMG_PAYLOAD];
    size_t len = make_image(&IMG_A, img);
    must(hv_flash_write(&n->ops_if, slot_offset(g, 0), img, len) == 0, "A");
    len = make_image(&IMG_B_OLD, img);
    must(hv_flash_write(&n->ops_if, slot_offset(g, 1), img, len) == 0, "B");
    hv_bs_view v;
    memset(&v, 0, sizeof v);
    v.source = HV_BS_SRC_ERASED;
    v.sequence = seq0 - 1;
    hv_bs_state st = {HV_SLOT_A, {HV_SLOT_STATE_GOOD, HV_SLOT_STATE_GOOD},
                      {0, 0}};
    must(hv_bs_commit(&n->ops_if, &l, &v, &st) == 0, "first record");
    for (unsigned i = 0; i < fill; i++) {
        must(hv_bs_read(&n->ops_if, &l, &v) == 0, "read");
        must(hv_bs_commit(&n->ops_if, &l, &v, &st) == 0, "fill");
    }
}

/* A flash assembled before v2: one v1 record (active A) at the start of
 * block 0, the same images. */
static void factory_v1(nor *n, const geom *g)
{
    factory(n, g, 1, 0);
    must(n->ops_if.erase(n, 0) == 0, "erase");
    uint8_t rec[HV_BOOT_STATE_RECORD_SIZE];
    memset(rec, 0, sizeof rec);
    memcpy(rec, HV_BOOT_STATE_MAGIC, 8);
    le32put(rec + HV_BST_OFF_VERSION, HV_BOOT_STATE_VERSION);
    le32put(rec + HV_BST_OFF_SEQUENCE, 41);
    le32put(rec + HV_BST_OFF_ACTIVE_SLOT, HV_SLOT_A);
    le32put(rec + HV_BST_OFF_CRC32, hv_crc32(0, rec, HV_BST_OFF_CRC32));
    must(hv_flash_program(&n->ops_if, 0, rec, sizeof rec) == 0, "v1 record");
}

static void advance(nor *n, const geom *g, enum step s, const char *what)
{
    nor_arm(n, (nor_cut){NOR_CUT_NONE, 0, 0});
    must(run_step(n, g, s) == 0, what);
}

/* Every step of an update, from the state the previous steps left. */
static void all_steps(const geom *g, uint32_t seq0, unsigned fill, int singles,
                      pair_mode pm)
{
    char name[160];
    nor n = {0};
#define RUN(label, step)                                                      \
    do {                                                                      \
        snprintf(name, sizeof name, "%s seq0 %#x fill %u: %s", g->name,     \
                 seq0, fill, label);                                          \
        scenario(name, &n, g, step, singles, pm);                             \
    } while (0)

    factory(&n, g, seq0, fill);
    RUN("install (held, version 1)", STEP_INSTALL_HELD);
    RUN("install (streamed, version 2)", STEP_INSTALL);
    advance(&n, g, STEP_INSTALL, "install");
    RUN("activate", STEP_ACTIVATE);
    advance(&n, g, STEP_ACTIVATE, "activate");
    RUN("mark-bad", STEP_MARK_BAD);
    for (unsigned t = TRIES; t > 0; t--) {
        snprintf(name, sizeof name, "%s seq0 %#x fill %u: trial boot, %u "
                 "tries left", g->name, seq0, fill, t);
        scenario(name, &n, g, STEP_BOOT, singles, pm);
        if (t == TRIES) {
            /* Confirm after the first trial boot (its own branch). */
            nor c = {0};
            must(nor_copy(&c, &n) == 0, "copy");
            advance(&c, g, STEP_BOOT, "trial boot");
            snprintf(name, sizeof name, "%s seq0 %#x fill %u: confirm",
                     g->name, seq0, fill);
            scenario(name, &c, g, STEP_CONFIRM, singles, pm);
            advance(&c, g, STEP_CONFIRM, "confirm");
            snprintf(name, sizeof name, "%s seq0 %#x fill %u: rollback in the "
                     "window after confirm", g->name, seq0, fill);
            scenario(name, &c, g, STEP_ROLLBACK, singles, pm);
            snprintf(name, sizeof name, "%s seq0 %#x fill %u: floor raise",
                     g->name, seq0, fill);
            scenario(name, &c, g, STEP_BOOT, singles, pm);
            nor_free(&c);
        }
        advance(&n, g, STEP_BOOT, "trial boot");
    }
    RUN("last trial boot: no tries left, mark bad, boot A", STEP_BOOT);
    nor_free(&n);
#undef RUN
}

int main(int argc, char **argv)
{
    uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)clock() << 32);
    unsigned long random_pairs = 40;
    int exhaustive = 0, no_pairs = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--pairs") && i + 1 < argc)
            random_pairs = strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--exhaustive"))
            exhaustive = 1;
        else if (!strcmp(argv[i], "--no-pairs"))
            no_pairs = 1;
        else {
            fprintf(stderr, "usage: sim [--seed N] [--pairs N] "
                            "[--exhaustive] [--no-pairs]\n");
            return 2;
        }
    }
    if (!seed)
        seed = 1;
    printf("seed %" PRIu64 " (rerun: sim --seed %" PRIu64 ")\n", seed, seed);
    uint64_t rng = seed;

    /* Small geometry: 4 records per erase block, 16-byte pages, the log at
     * each position and the sequence at each wrap boundary. */
    static const geom small = {"small 256 B blocks", 256, 16};
    static const uint32_t seqs[] = {1u, 0x7FFFFFFEu, 0xFFFFFFFEu, 0xFFFFFFFFu};
    unsigned records = (unsigned)(small.eb / HV_BOOT_STATE_RECORD_SIZE);
    /* Every single cut everywhere; every pair for the log at each position
     * (sequence 1) and at each wrap boundary (log at its start); with
     * --exhaustive every pair for every combination. */
    for (unsigned s = 0; s < sizeof seqs / sizeof seqs[0]; s++)
        for (unsigned fill = 0; fill < records; fill++)
            all_steps(&small, seqs[s], fill, 1,
                      (pair_mode){!no_pairs && (exhaustive || s == 0 ||
                                                fill == 0), 0, &rng});

    /* The keyring sequences (docs/UPDATE.md "The counters"): a keyring
     * rotation that revokes the factory key, and a root rotation, each
     * through every step, on the small geometry and on the 4 KiB one:
     * every single cut, random pairs (all pairs with --exhaustive), which
     * keeps the CI run near its time before these sequences. */
    static const struct {
        const char *name;
        const image_desc *img;
    } rotations[] = {{"keyring rotation", &IMG_B_RING},
                     {"root rotation", &IMG_B_ROOT}};
    for (unsigned i = 0; i < 2; i++) {
        update_img = rotations[i].img;
        geom named = small;
        char gname[96];
        snprintf(gname, sizeof gname, "%s, %s", small.name, rotations[i].name);
        named.name = gname;
        all_steps(&named, 1u, 0, 1,
                  (pair_mode){exhaustive && !no_pairs,
                              exhaustive || no_pairs ? 0 : random_pairs, &rng});
        static const geom zenith = {"4 KiB blocks (zenith)", 4096, 256};
        named = zenith;
        snprintf(gname, sizeof gname, "%s, %s", zenith.name,
                 rotations[i].name);
        named.name = gname;
        all_steps(&named, 1u, 0, 1,
                  (pair_mode){exhaustive && !no_pairs,
                              exhaustive || no_pairs ? 0 : random_pairs, &rng});
    }
    update_img = &IMG_B_NEW;

    /* Migration: the first change to a v1 flash writes v2. */
    {
        nor n = {0};
        char name[96];
        factory_v1(&n, &small);
        snprintf(name, sizeof name, "%s: v1 record, install", small.name);
        scenario(name, &n, &small, STEP_INSTALL, 1,
                 (pair_mode){!no_pairs, 0, &rng});
        snprintf(name, sizeof name, "%s: v1 record, mark-bad", small.name);
        scenario(name, &n, &small, STEP_MARK_BAD, 1,
                 (pair_mode){!no_pairs, 0, &rng});
        nor_free(&n);
    }

    /* The bundled profiles' geometries (oem-profiles/: 64 KiB and 4 KiB
     * erase blocks; 256-byte pages, common SPI NOR): every single cut,
     * random pairs (all pairs with --exhaustive). */
    static const geom bundled[] = {{"64 KiB blocks (acme, orbital)", 65536, 256},
                                   {"4 KiB blocks (zenith)", 4096, 256}};
    for (unsigned i = 0; i < 2; i++)
        all_steps(&bundled[i], 1u, 0, 1,
                  (pair_mode){exhaustive && !no_pairs,
                              exhaustive || no_pairs ? 0 : random_pairs, &rng});

    unsigned long total = 0;
    for (int c = 0; c < CL_COUNT; c++) {
        printf("%10lu  %s\n", count_single[c], class_name[c]);
        total += count_single[c];
    }
    printf("%10lu  pairs (a second cut during the recovery boot)\n",
           count_pairs);
    printf("%10lu  scenarios, %lu invariant failures\n", total + count_pairs,
           failures);
    printf("%10lu  boots checked against the invariants\n", boots_checked);
    for (int k = 0; k < MAX_KINDS && fail_kind[k]; k++)
        printf("%10lu  failed: %s\n", fail_kind_count[k], fail_kind[k]);
    return failures ? 1 : 0;
}
