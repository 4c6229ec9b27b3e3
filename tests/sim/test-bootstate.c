/*
 * Unit tests of the boot-state record, its log, the lab counter, the boot
 * decision and the update transitions (boot/include/hvbootstate.h), on the
 * NOR model. The power-cut simulator (sim.c) covers the torn writes of
 * whole steps; this file pins each rule on its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hvbootstate.h"
#include "nor.h"

#define EB 256u
#define PAGE 16u

static const hv_bs_layout L = {0, 2 * EB, 2 * EB, EB, 1};
/* The trust area's bases: rollback counter 3, no roots. */
static const hv_bs_floors B3 = {3, 0, 0, 0};

static void fresh(nor *n)
{
    nor_free(n);
    if (nor_init(n, 8 * EB, EB, PAGE, 7) != 0)
        abort();
}

static hv_bs_state mk(uint32_t active, uint8_t a, uint8_t ta, uint8_t b,
                      uint8_t tb)
{
    hv_bs_state s = {active, {a, b}, {ta, tb}};
    return s;
}

/* ---- Serial numbers: every wrap boundary ------------------------------------ */

static void test_serial(void)
{
    CHECK(hv_bs_serial_newer(0, 0xFFFFFFFFu));
    CHECK(!hv_bs_serial_newer(0xFFFFFFFFu, 0));
    CHECK(hv_bs_serial_newer(0x80000000u, 0x7FFFFFFFu));
    CHECK(!hv_bs_serial_newer(0x7FFFFFFFu, 0x80000000u));
    CHECK(hv_bs_serial_newer(1, 0));
    CHECK(hv_bs_serial_newer(0x7FFFFFFFu, 0));       /* largest step forward */
    CHECK(!hv_bs_serial_newer(0x80000000u, 0));      /* 2^31 apart: unordered */
    CHECK(!hv_bs_serial_newer(0, 0x80000000u));
    CHECK(hv_bs_serial_newer(0x7FFFFFFEu, 0xFFFFFFFFu));
    CHECK(!hv_bs_serial_newer(0xFFFFFFFFu, 0x7FFFFFFEu));
    CHECK(hv_bs_serial_newer(0xFFFFFFFFu, 0x7FFFFFFFu + 1u));
    for (uint32_t x = 0xFFFFFFF0u; x != 0x10u; x++) {
        CHECK(hv_bs_serial_newer(x + 1, x));
        CHECK(!hv_bs_serial_newer(x, x + 1));
        CHECK(!hv_bs_serial_newer(x, x));
    }
}

/* Write a record with sequence |seq| at (block, index). */
static void put_record(nor *n, uint32_t block, uint32_t index, uint32_t seq,
                       uint32_t active)
{
    uint8_t rec[HV_BOOT_STATE_RECORD_SIZE];
    hv_bs_state st = mk(active, HV_SLOT_STATE_GOOD, 0, HV_SLOT_STATE_GOOD, 0);
    hv_bs_encode(&st, seq, rec);
    if (hv_flash_program(&n->ops_if, block * EB + index * 64u, rec,
                         sizeof rec) != 0)
        abort();
}

/* The wrap bug: 0 written as 0xFFFFFFFF + 1 must win, whichever
 * block and position each record is in; the same for v1 records. */
static void test_log_wrap(void)
{
    nor n = {0};
    static const uint32_t pairs[][2] = {
        {0xFFFFFFFFu, 0}, {0x7FFFFFFFu, 0x80000000u}, {0xFFFFFFFEu, 0xFFFFFFFFu},
        {5, 6}};
    for (unsigned p = 0; p < 4; p++) {
        for (unsigned layout = 0; layout < 3; layout++) {
            fresh(&n);
            uint32_t older = pairs[p][0], newer = pairs[p][1];
            if (layout == 0) {          /* older in block 0, newer in 1 */
                put_record(&n, 0, 0, older, HV_SLOT_A);
                put_record(&n, 1, 0, newer, HV_SLOT_B);
            } else if (layout == 1) {   /* newer in block 0, older in 1 */
                put_record(&n, 0, 0, newer, HV_SLOT_B);
                put_record(&n, 1, 0, older, HV_SLOT_A);
            } else {                    /* same block, appended */
                put_record(&n, 0, 0, older, HV_SLOT_A);
                put_record(&n, 0, 1, newer, HV_SLOT_B);
            }
            hv_bs_view v;
            CHECK(hv_bs_read(&n.ops_if, &L, &v) == 0);
            CHECK_MSG(v.source == HV_BS_SRC_V2 && v.sequence == newer &&
                          v.st.active == HV_SLOT_B,
                      "pair %u layout %u: picked sequence %#x", p, layout,
                      v.sequence);
        }
        /* v1 copies (factory flashes before v2), both orders. */
        for (unsigned order = 0; order < 2; order++) {
            fresh(&n);
            for (unsigned c = 0; c < 2; c++) {
                uint8_t rec[64] = {0};
                uint32_t seq = (c == order) ? pairs[p][1] : pairs[p][0];
                memcpy(rec, HV_BOOT_STATE_MAGIC, 8);
                rec[HV_BST_OFF_VERSION] = 1;
                for (unsigned i = 0; i < 4; i++)
                    rec[HV_BST_OFF_SEQUENCE + i] = (uint8_t)(seq >> (8 * i));
                rec[HV_BST_OFF_ACTIVE_SLOT] = c == order ? 1 : 0;
                uint32_t crc = hv_crc32(0, rec, HV_BST_OFF_CRC32);
                for (unsigned i = 0; i < 4; i++)
                    rec[HV_BST_OFF_CRC32 + i] = (uint8_t)(crc >> (8 * i));
                hv_flash_program(&n.ops_if, c * EB, rec, 64);
            }
            hv_bs_view v;
            CHECK(hv_bs_read(&n.ops_if, &L, &v) == 0);
            CHECK_MSG(v.source == HV_BS_SRC_V1 && v.st.active == HV_SLOT_B &&
                          v.st.slot_state[0] == HV_SLOT_STATE_UNKNOWN,
                      "v1 pair %u order %u", p, order);
        }
    }
    /* A commit after 0xFFFFFFFF writes 0 and it is the newest. */
    fresh(&n);
    put_record(&n, 0, 0, 0xFFFFFFFFu, HV_SLOT_A);
    hv_bs_view v;
    CHECK(hv_bs_read(&n.ops_if, &L, &v) == 0);
    hv_bs_state next = mk(HV_SLOT_B, HV_SLOT_STATE_GOOD, 0, HV_SLOT_STATE_GOOD, 0);
    CHECK(hv_bs_commit(&n.ops_if, &L, &v, &next) == 0);
    CHECK(hv_bs_read(&n.ops_if, &L, &v) == 0);
    CHECK(v.sequence == 0 && v.st.active == HV_SLOT_B && v.index == 1);
    nor_free(&n);
}

/* ---- The record encoding ---------------------------------------------------- */

static void test_record(void)
{
    uint8_t rec[64], buf[64];
    hv_bs_state st = mk(HV_SLOT_B, HV_SLOT_STATE_GOOD, 0, HV_SLOT_STATE_TRIAL, 3);
    hv_bs_encode(&st, 42, rec);
    hv_bs_state out;
    uint32_t seq;
    CHECK(hv_bs_decode(rec, &out, &seq) == 0 && seq == 42 &&
          out.active == HV_SLOT_B && out.slot_state[1] == HV_SLOT_STATE_TRIAL &&
          out.tries[1] == 3);
    memset(buf, 0xFF, sizeof buf);
    CHECK(hv_bs_decode(buf, &out, &seq) == 1);

    /* Torn programs in writing order (body, then commit word): no byte
     * prefix reads valid, and neither does any bit-level tear of the
     * commit word (each of its 32 bits left unprogrammed). */
    for (unsigned k = 1; k < 64; k++) {
        memset(buf, 0xFF, sizeof buf);
        memcpy(buf, rec, k);
        CHECK_MSG(hv_bs_decode(buf, &out, &seq) == -1, "prefix %u reads valid",
                  k);
    }
    for (unsigned bit = 0; bit < 32; bit++) {
        memcpy(buf, rec, 64);
        buf[HV_BST2_OFF_COMMIT + bit / 8] |= (uint8_t)(1u << (bit % 8));
        CHECK_MSG(hv_bs_decode(buf, &out, &seq) == -1,
                  "commit word with bit %u unprogrammed reads valid", bit);
    }
    /* A body bit left unprogrammed under a complete commit word (the
     * commit-first order): the CRC catches each one. */
    for (unsigned bit = 0; bit < 8 * HV_BST2_OFF_COMMIT; bit++) {
        memcpy(buf, rec, 64);
        uint8_t m = (uint8_t)(1u << (bit % 8));
        if (buf[bit / 8] & m)
            continue; /* already 1: nothing to leave unprogrammed */
        buf[bit / 8] |= m;
        CHECK_MSG(hv_bs_decode(buf, &out, &seq) == -1, "body bit %u", bit);
    }
    /* Field checks. */
    struct { unsigned off; uint8_t val; const char *what; } bad[] = {
        {0, 'X', "magic"}, {HV_BST2_OFF_VERSION, 1, "version"},
        {HV_BST2_OFF_ACTIVE_SLOT, 2, "active slot"},
        {HV_BST2_OFF_SLOT_STATE, 5, "slot state"},
        {HV_BST2_OFF_TRIES, 1, "tries on a GOOD slot"},
        {HV_BST2_OFF_RESERVED + 3, 1, "reserved"},
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(buf, rec, 64);
        buf[bad[i].off] = bad[i].val;
        uint32_t crc = hv_crc32(0, buf, HV_BST2_OFF_CRC32);
        for (unsigned b = 0; b < 4; b++)
            buf[HV_BST2_OFF_CRC32 + b] = (uint8_t)(crc >> (8 * b));
        CHECK_MSG(hv_bs_decode(buf, &out, &seq) == -1, "bad %s accepted",
                  bad[i].what);
    }
}

/* ---- The log: appends, then erases -------------------------------------------- */

static void test_log_appends(void)
{
    nor n = {0};
    fresh(&n);
    hv_bs_view v;
    CHECK(hv_bs_read(&n.ops_if, &L, &v) == 0 && v.source == HV_BS_SRC_ERASED &&
          v.st.slot_state[0] == HV_SLOT_STATE_UNKNOWN);
    nor_trace_start(&n);
    unsigned erases = 0, records = EB / 64;
    for (unsigned i = 0; i < 3 * records; i++) {
        hv_bs_state st = mk(i & 1, HV_SLOT_STATE_GOOD, 0, HV_SLOT_STATE_GOOD, 0);
        CHECK(hv_bs_commit(&n.ops_if, &L, &v, &st) == 0);
        hv_bs_view r;
        CHECK(hv_bs_read(&n.ops_if, &L, &r) == 0);
        CHECK(r.sequence == v.sequence && r.st.active == (i & 1));
        /* Where it went: block (i / records) % 2, index i % records. */
        CHECK_MSG(r.block == (i / records) % 2 && r.index == i % records,
                  "record %u at block %u index %u", i, r.block, r.index);
    }
    for (size_t i = 0; i < n.trace_len; i++)
        erases += n.trace[i].kind == NOR_OP_ERASE;
    CHECK_MSG(erases == 3, "%u erases for %u records (one per block filled)",
              erases, 3 * records);
    nor_trace_stop(&n);

    /* A torn record (body only) is skipped and the next goes after it. */
    fresh(&n);
    hv_bs_state st = mk(HV_SLOT_A, HV_SLOT_STATE_GOOD, 0, HV_SLOT_STATE_EMPTY, 0);
    CHECK(hv_bs_read(&n.ops_if, &L, &v) == 0);
    CHECK(hv_bs_commit(&n.ops_if, &L, &v, &st) == 0);
    uint8_t rec[64];
    hv_bs_state st2 = mk(HV_SLOT_B, HV_SLOT_STATE_GOOD, 0, HV_SLOT_STATE_TRIAL, 1);
    hv_bs_encode(&st2, v.sequence + 1, rec);
    hv_flash_program(&n.ops_if, 64, rec, 60);
    CHECK(hv_bs_read(&n.ops_if, &L, &v) == 0);
    CHECK(v.index == 0 && v.used[0] == 2 && v.st.active == HV_SLOT_A);
    CHECK(hv_bs_commit(&n.ops_if, &L, &v, &st2) == 0 && v.index == 2);
    nor_free(&n);
}

/* ---- The lab counter ---------------------------------------------------------- */

static void test_counter(void)
{
    nor n = {0};
    fresh(&n);
    hv_lab_counter lab = {&n.ops_if, L.counter_offset, L.counter_size};
    hv_counter c = hv_lab_counter_ops(&lab);
    uint64_t v = 99;
    CHECK(c.read(c.user, &v) == 0 && v == 0);
    static const uint64_t steps[] = {1, 7, 8, 9, 16, 100, 1000, 2048};
    for (unsigned i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        CHECK(c.raise_to(c.user, steps[i]) == 0);
        CHECK_MSG(c.read(c.user, &v) == 0 && v == steps[i], "raise to %llu "
                  "reads %llu", (unsigned long long)steps[i],
                  (unsigned long long)v);
    }
    CHECK(c.raise_to(c.user, 5) == 0 && c.read(c.user, &v) == 0 && v == 2048);
    CHECK(c.raise_to(c.user, 2049) == -1); /* capacity: 256 bytes * 8 */
    uint64_t f;
    CHECK(hv_bs_floor(&c, 3, &f) == 0 && f == 2048);
    CHECK(hv_bs_floor(&c, 5000, &f) == 0 && f == 5000);

    /* A bit cleared out of order (tampering, or a torn raise's later
     * byte) does not count beyond the gap. */
    fresh(&n);
    uint8_t b = 0xFE;
    hv_flash_program(&n.ops_if, L.counter_offset + 3, &b, 1);
    CHECK(c.read(c.user, &v) == 0 && v == 0);
    CHECK(c.raise_to(c.user, 10) == 0 && c.read(c.user, &v) == 0 && v == 10);

    /* A raise cut before every operation and inside every program at
     * every byte: the value is between the old and the new one. */
    fresh(&n);
    CHECK(c.raise_to(c.user, 20) == 0);
    nor ref = {0};
    CHECK(nor_copy(&ref, &n) == 0);
    nor_trace_start(&ref);
    CHECK(c.raise_to(&(hv_lab_counter){&ref.ops_if, L.counter_offset,
                                       L.counter_size}, 300) == 0);
    unsigned cuts = 0;
    for (size_t op = 0; op < ref.trace_len; op++) {
        for (uint64_t param = 0; param < ref.trace[op].len; param++) {
            nor w = {0};
            CHECK(nor_copy(&w, &n) == 0);
            hv_lab_counter wl = {&w.ops_if, L.counter_offset, L.counter_size};
            nor_arm(&w, (nor_cut){param ? NOR_CUT_PROGRAM : NOR_CUT_BEFORE,
                                  op + 1, param});
            CHECK(hv_lab_counter_raise(&wl, 300) == -1);
            nor_arm(&w, (nor_cut){NOR_CUT_NONE, 0, 0});
            CHECK(hv_lab_counter_read(&wl, &v) == 0 && v >= 20 && v < 300);
            /* The next raise completes it. */
            CHECK(hv_lab_counter_raise(&wl, 300) == 0 &&
                  hv_lab_counter_read(&wl, &v) == 0 && v == 300);
            nor_free(&w);
            cuts++;
        }
    }
    CHECK_MSG(cuts > 30, "%u cuts", cuts);
    nor_free(&ref);
    nor_free(&n);
}

/* ---- Transitions and the decision --------------------------------------------- */

typedef struct fake_images {
    int ok[2];
    hv_bs_image img[2];
    unsigned calls[2];
} fake_images;

static int fake_verify(void *user, uint32_t slot, const hv_bs_floors *fl,
                       hv_bs_image *img, const char **why)
{
    uint64_t floor = fl->security;
    fake_images *f = user;
    f->calls[slot]++;
    if (!f->ok[slot]) {
        *why = "bad signature";
        return -1;
    }
    if (f->img[slot].security_version < floor) {
        *why = "below the floor";
        return -1;
    }
    *img = f->img[slot];
    return 0;
}

static void set_state(nor *n, const hv_bs_state *st)
{
    hv_bs_view v;
    if (hv_bs_read(&n->ops_if, &L, &v) != 0 ||
        hv_bs_commit(&n->ops_if, &L, &v, st) != 0)
        abort();
}

static hv_bs_state now(nor *n)
{
    hv_bs_view v;
    if (hv_bs_read(&n->ops_if, &L, &v) != 0)
        abort();
    return v.st;
}

static void test_transitions(void)
{
    nor n = {0};
    fresh(&n);
    const hv_flash_ops *f = &n.ops_if;
    hv_lab_counter lab = {f, L.counter_offset, L.counter_size};
    hv_counter c = hv_lab_counter_ops(&lab);
    hv_bs_counters set = {{&c, NULL, NULL, NULL}};
    fake_images fi = {{1, 1},
                      {{.security_version = 3, .min_security_version = 3},
                       {.security_version = 5, .min_security_version = 4}},
                      {0, 0}};
    hv_bs_verifier ver = {&fi, fake_verify};

    set_state(&n, &(hv_bs_state){HV_SLOT_A, {HV_SLOT_STATE_GOOD,
                                             HV_SLOT_STATE_GOOD}, {0, 0}});
    CHECK(hv_bs_install_begin(f, &L, HV_SLOT_A) == -1); /* the active slot */
    CHECK(hv_bs_install_begin(f, &L, 2) == -1);
    CHECK(hv_bs_install_begin(f, &L, HV_SLOT_B) == 0);
    CHECK(now(&n).slot_state[1] == HV_SLOT_STATE_EMPTY);
    CHECK(hv_bs_activate(f, &L, HV_SLOT_B, 0) == -1);
    CHECK(hv_bs_activate(f, &L, HV_SLOT_B, 256) == -1);
    CHECK(hv_bs_confirm(f, &L, HV_SLOT_B) == -1); /* EMPTY */
    CHECK(hv_bs_activate(f, &L, HV_SLOT_B, 2) == 0);
    hv_bs_state s = now(&n);
    CHECK(s.active == HV_SLOT_B && s.slot_state[1] == HV_SLOT_STATE_TRIAL &&
          s.tries[1] == 2);

    /* Two trial boots, then the third marks B bad and boots A. */
    hv_bs_boot_result r;
    for (unsigned i = 0; i < 2; i++) {
        CHECK(hv_bs_boot(f, &L, &set, &B3, &ver, &r) == 0);
        CHECK(r.slot == HV_SLOT_B && r.trial && r.after.security == 3 && r.writes == 1);
        CHECK(r.view.st.tries[1] == 1 - i);
    }
    unsigned before = fi.calls[1];
    CHECK(hv_bs_boot(f, &L, &set, &B3, &ver, &r) == 0);
    CHECK(r.slot == HV_SLOT_A && !r.trial && r.fallback && r.why[1] &&
          strstr(r.why[1], "no tries left"));
    CHECK(fi.calls[1] == before); /* not even verified */
    s = now(&n);
    CHECK(s.active == HV_SLOT_A && s.slot_state[1] == HV_SLOT_STATE_BAD);
    CHECK(hv_bs_boot(f, &L, &set, &B3, &ver, &r) == 0 && r.writes == 0 &&
          r.slot == HV_SLOT_A);

    /* Again, confirmed this time: the floor rises at the next boot only. */
    CHECK(hv_bs_install_begin(f, &L, HV_SLOT_B) == 0);
    CHECK(hv_bs_activate(f, &L, HV_SLOT_B, 3) == 0);
    CHECK(hv_bs_boot(f, &L, &set, &B3, &ver, &r) == 0 && r.slot == HV_SLOT_B &&
          r.trial && r.after.security == 3);
    CHECK(hv_bs_confirm(f, &L, HV_SLOT_B) == 0);
    CHECK(hv_bs_confirm(f, &L, HV_SLOT_B) == 0); /* idempotent */
    uint64_t fl;
    CHECK(hv_bs_floor(&c, 3, &fl) == 0 && fl == 3); /* not yet */
    CHECK(hv_bs_boot(f, &L, &set, &B3, &ver, &r) == 0 && r.slot == HV_SLOT_B &&
          !r.trial && r.before.security == 3 && r.after.security == 4);
    CHECK(hv_bs_floor(&c, 3, &fl) == 0 && fl == 4);
    /* A (security version 3) is now below the floor: rollback refused,
     * and a forged state pointing at A still boots B. */
    CHECK(hv_bs_rollback(f, &L, &set, &B3, &ver) == -1);
    set_state(&n, &(hv_bs_state){HV_SLOT_A, {HV_SLOT_STATE_GOOD,
                                             HV_SLOT_STATE_GOOD}, {0, 0}});
    CHECK(hv_bs_boot(f, &L, &set, &B3, &ver, &r) == 0 && r.slot == HV_SLOT_B &&
          r.fallback && strstr(r.why[0], "below the floor"));

    /* Nothing bootable: a reason per slot. */
    fi.ok[1] = 0;
    CHECK(hv_bs_boot(f, &L, &set, &B3, &ver, &r) == 0 && r.slot == -1 &&
          strstr(r.why[0], "below the floor") &&
          strstr(r.why[1], "bad signature"));
    fi.ok[1] = 1;

    /* Rollback in the window between confirm and the next boot. */
    fresh(&n);
    set_state(&n, &(hv_bs_state){HV_SLOT_B, {HV_SLOT_STATE_GOOD,
                                             HV_SLOT_STATE_GOOD}, {0, 0}});
    CHECK(hv_bs_rollback(f, &L, &set, &B3, &ver) == 0 && now(&n).active == HV_SLOT_A);
    /* Rollback away from a trial marks it bad; not to an empty slot. */
    set_state(&n, &(hv_bs_state){HV_SLOT_B, {HV_SLOT_STATE_GOOD,
                                             HV_SLOT_STATE_TRIAL}, {0, 2}});
    CHECK(hv_bs_rollback(f, &L, &set, &B3, &ver) == 0);
    s = now(&n);
    CHECK(s.active == HV_SLOT_A && s.slot_state[1] == HV_SLOT_STATE_BAD);
    CHECK(hv_bs_rollback(f, &L, &set, &B3, &ver) == -1); /* to a BAD slot */

    /* A trial slot that fails verification is marked bad at once. */
    set_state(&n, &(hv_bs_state){HV_SLOT_B, {HV_SLOT_STATE_GOOD,
                                             HV_SLOT_STATE_TRIAL}, {0, 3}});
    fi.ok[1] = 0;
    CHECK(hv_bs_boot(f, &L, &set, &B3, &ver, &r) == 0 && r.slot == HV_SLOT_A);
    CHECK(now(&n).slot_state[1] == HV_SLOT_STATE_BAD);
    fi.ok[1] = 1;

    /* UNKNOWN slots (no record) boot but never raise the floor. */
    fresh(&n);
    CHECK(hv_bs_boot(f, &L, &set, &B3, &ver, &r) == 0 && r.slot == HV_SLOT_A &&
          r.after.security == 3 && r.writes == 0 && r.view.source == HV_BS_SRC_ERASED);
    /* An image whose min_security_version exceeds its own version. */
    fi.img[0].min_security_version = 9;
    CHECK(hv_bs_boot(f, &L, &set, &B3, &ver, &r) == 0 && r.slot == HV_SLOT_B);
    fi.img[0].min_security_version = 3;

    /* A trial booted as the fallback (the active slot failed) can be
     * confirmed and becomes active; a BAD slot cannot. */
    set_state(&n, &(hv_bs_state){HV_SLOT_A, {HV_SLOT_STATE_GOOD,
                                             HV_SLOT_STATE_TRIAL}, {0, 2}});
    CHECK(hv_bs_confirm(f, &L, HV_SLOT_B) == 0);
    s = now(&n);
    CHECK(s.active == HV_SLOT_B && s.slot_state[1] == HV_SLOT_STATE_GOOD &&
          s.tries[1] == 0);
    set_state(&n, &(hv_bs_state){HV_SLOT_A, {HV_SLOT_STATE_GOOD,
                                             HV_SLOT_STATE_BAD}, {0, 0}});
    CHECK(hv_bs_confirm(f, &L, HV_SLOT_B) == -1);

    /* Mark-bad of the active slot moves to the other one. */
    set_state(&n, &(hv_bs_state){HV_SLOT_B, {HV_SLOT_STATE_GOOD,
                                             HV_SLOT_STATE_TRIAL}, {0, 1}});
    CHECK(hv_bs_mark_bad(f, &L, HV_SLOT_B) == 0);
    s = now(&n);
    CHECK(s.active == HV_SLOT_A && s.slot_state[1] == HV_SLOT_STATE_BAD);

    /* Layouts: the counter may not overlap the log's two blocks. */
    hv_bs_layout bad = L;
    bad.counter_offset = EB;
    CHECK(hv_bs_layout_ok(f, &bad) == -1);
    bad = L;
    bad.state_size = EB;
    CHECK(hv_bs_layout_ok(f, &bad) == -1);
    CHECK(hv_bs_read(f, &bad, &(hv_bs_view){0}) == -1);
    nor_free(&n);
}

/* ---- The counter set: the lab split and the boot decision ---------------- */

static void test_counter_split(void)
{
    nor n = {0};
    fresh(&n);
    const hv_flash_ops *f = &n.ops_if;
    /* A version 1 device keeps its whole region for the floor; a roots
     * device splits it in four (hv_bs_layout_for_trust decides). */
    hv_bs_layout v1, v2;
    hv_bs_layout_for_trust(0, 3 * EB + 3, EB, HV_TRUST_VERSION, &v1);
    hv_bs_layout_for_trust(0, 3 * EB + 3, EB, HV_TRUST_VERSION_ROOTS, &v2);
    CHECK(v1.counter_parts == 1 && v1.counter_size == EB + 3);
    CHECK(v2.counter_parts == HV_BS_COUNTERS && v2.counter_size == EB + 3);
    hv_lab_counter lab[HV_BS_COUNTERS];
    hv_counter ops[HV_BS_COUNTERS];
    hv_bs_counters set;
    hv_bs_lab_counters(f, &v1, lab, ops, &set);
    CHECK(set.c[0] && !set.c[1] && !set.c[2] && !set.c[3]);
    CHECK(lab[0].offset == 2 * EB && lab[0].size == EB + 3);
    hv_bs_lab_counters(f, &v2, lab, ops, &set);
    for (uint32_t i = 0; i < HV_BS_COUNTERS; i++) {
        /* Equal whole-byte parts, back to back; the 3-byte remainder is
         * left unused. */
        CHECK(set.c[i] == &ops[i]);
        CHECK_MSG(lab[i].offset == 2 * EB + i * (EB / 4) &&
                  lab[i].size == EB / 4, "part %u at %llu size %llu", i,
                  (unsigned long long)lab[i].offset,
                  (unsigned long long)lab[i].size);
    }
    /* Each part is a counter of its own: raising one moves no other. */
    static const uint64_t want[HV_BS_COUNTERS] = {41, 2, 17, 9};
    for (uint32_t i = 0; i < HV_BS_COUNTERS; i++)
        CHECK(ops[i].raise_to(ops[i].user, want[i]) == 0);
    for (uint32_t i = 0; i < HV_BS_COUNTERS; i++) {
        uint64_t v;
        CHECK(ops[i].read(ops[i].user, &v) == 0 && v == want[i]);
    }
    /* Capacity per part: its bytes * 8; beyond it a raise fails. */
    CHECK(ops[HV_BS_CTR_EPOCH].raise_to(ops[HV_BS_CTR_EPOCH].user,
                                        (EB / 4) * 8) == 0);
    CHECK(ops[HV_BS_CTR_EPOCH].raise_to(ops[HV_BS_CTR_EPOCH].user,
                                        (EB / 4) * 8 + 1) == -1);
    uint64_t v;
    CHECK(ops[HV_BS_CTR_KEYRING].read(ops[HV_BS_CTR_KEYRING].user, &v) == 0 &&
          v == 17);
    /* The floors: max(base, counter) each; absent counters read 0. */
    hv_bs_floors base = {50, 1, 0, 0}, fl;
    CHECK(hv_bs_floors_read(&set, &base, &fl) == 0);
    CHECK(fl.security == 50 && fl.root_version == 2 &&
          fl.keyring_version == 17 && fl.key_epoch == (EB / 4) * 8);
    hv_bs_lab_counters(f, &v1, lab, ops, &set);
    CHECK(hv_bs_floors_read(&set, &base, &fl) == 0 && fl.root_version == 1 &&
          fl.keyring_version == 0 && fl.key_epoch == 0);
    /* The floor's part starts where a version 1 device's whole-region
     * floor starts: read whole, the code ends at the floor part's value
     * (its first set bit), never counting the other parts' bits. */
    CHECK(hv_bs_floors_read(&set, &(hv_bs_floors){0, 0, 0, 0}, &fl) == 0 &&
          fl.security == 41);
    nor_free(&n);
}

/* A counter whose raise fails (a TPM refusing the write, a worn part). */
static int refuse_raise(void *user, uint64_t value)
{
    (void)user;
    (void)value;
    return -1;
}

static void test_counter_decision(void)
{
    nor n = {0};
    fresh(&n);
    const hv_flash_ops *f = &n.ops_if;
    hv_bs_layout l2 = L;
    l2.counter_parts = HV_BS_COUNTERS;
    hv_lab_counter lab[HV_BS_COUNTERS];
    hv_counter ops[HV_BS_COUNTERS];
    hv_bs_counters set;
    hv_bs_lab_counters(f, &l2, lab, ops, &set);
    static const hv_bs_floors base = {3, 1, 0, 0};
    /* A: root 1, keyring 1, epoch 1. B: the same floor, keyring 5 with
     * min_epoch 2. */
    fake_images fi = {{1, 1},
                      {{3, 3, 1, 1, 1, 1}, {3, 3, 1, 1, 5, 2}},
                      {0, 0}};
    hv_bs_verifier ver = {&fi, fake_verify};
    set_state(&n, &(hv_bs_state){HV_SLOT_A, {HV_SLOT_STATE_GOOD,
                                             HV_SLOT_STATE_TRIAL}, {0, 2}});
    hv_bs_state st = now(&n);
    st.active = HV_SLOT_B;
    set_state(&n, &st);
    hv_bs_boot_result r;
    /* A trial boot raises nothing. */
    CHECK(hv_bs_boot(f, &l2, &set, &base, &ver, &r) == 0 &&
          r.slot == HV_SLOT_B && r.trial);
    CHECK(r.after.keyring_version == 0 && r.after.key_epoch == 0 &&
          r.after.root_version == 1 && r.raise_failed == 0);
    /* Confirmed: the next boot raises root, keyring and epoch to B's
     * (the floor already is at B's 3). */
    CHECK(hv_bs_confirm(f, &l2, HV_SLOT_B) == 0);
    CHECK(hv_bs_boot(f, &l2, &set, &base, &ver, &r) == 0 &&
          r.slot == HV_SLOT_B && !r.trial);
    CHECK(r.before.keyring_version == 0 && r.after.keyring_version == 5 &&
          r.after.key_epoch == 2 && r.after.root_version == 1 &&
          r.after.security == 3 && r.raise_failed == 0);
    /* A (keyring 1) is now below the keyring counter: rollback refused,
     * and a forged state pointing at A boots B. */
    CHECK(hv_bs_rollback(f, &l2, &set, &base, &ver) == -1);
    set_state(&n, &(hv_bs_state){HV_SLOT_A, {HV_SLOT_STATE_GOOD,
                                             HV_SLOT_STATE_GOOD}, {0, 0}});
    CHECK(hv_bs_boot(f, &l2, &set, &base, &ver, &r) == 0 &&
          r.slot == HV_SLOT_B && r.fallback &&
          strstr(r.why[0], "keyring version below"));
    /* A verifier that forgets the root counter: the decision refuses. */
    fi.img[0].keyring_version = 5;
    fi.img[0].root_version = 0;
    CHECK(hv_bs_boot(f, &l2, &set, &base, &ver, &r) == 0 &&
          r.slot == HV_SLOT_B && strstr(r.why[0], "root version below"));
    /* No trust block on a device that counts roots: refused. */
    fi.img[0].has_trust = 0;
    CHECK(hv_bs_boot(f, &l2, &set, &base, &ver, &r) == 0 &&
          r.slot == HV_SLOT_B && strstr(r.why[0], "no trust block"));
    /* ... but fine on a version 1 device (no root counted). */
    static const hv_bs_floors base1 = {3, 0, 0, 0};
    hv_bs_counters floor_only = {{set.c[0], NULL, NULL, NULL}};
    CHECK(hv_bs_boot(f, &L, &floor_only, &base1, &ver, &r) == 0 &&
          r.slot == HV_SLOT_A);

    /* A raise that fails is logged per counter and retried at the next
     * confirmed boot. */
    fresh(&n);
    hv_bs_lab_counters(f, &l2, lab, ops, &set);
    fi.img[1].keyring_version = 9;
    fi.img[1].key_epoch = 4;
    set_state(&n, &(hv_bs_state){HV_SLOT_B, {HV_SLOT_STATE_GOOD,
                                             HV_SLOT_STATE_GOOD}, {0, 0}});
    hv_counter broken = ops[HV_BS_CTR_KEYRING];
    broken.raise_to = refuse_raise;
    set.c[HV_BS_CTR_KEYRING] = &broken;
    CHECK(hv_bs_boot(f, &l2, &set, &base, &ver, &r) == 0 &&
          r.slot == HV_SLOT_B);
    CHECK(r.raise_failed == 1u << HV_BS_CTR_KEYRING &&
          r.after.keyring_version == 0 && r.after.key_epoch == 4);
    set.c[HV_BS_CTR_KEYRING] = &ops[HV_BS_CTR_KEYRING];
    CHECK(hv_bs_boot(f, &l2, &set, &base, &ver, &r) == 0 &&
          r.raise_failed == 0 && r.after.keyring_version == 9);
    /* An absent counter that should rise is reported too. */
    set.c[HV_BS_CTR_ROOT] = NULL;
    fi.img[1].root_version = 2;
    CHECK(hv_bs_boot(f, &l2, &set, &base, &ver, &r) == 0 &&
          r.raise_failed == 1u << HV_BS_CTR_ROOT);
    nor_free(&n);
}

int main(void)
{
    test_serial();
    test_log_wrap();
    test_record();
    test_log_appends();
    test_counter();
    test_transitions();
    test_counter_split();
    test_counter_decision();
    return CHECK_DONE();
}
