/*
 * A test tool for the boot tests: reads and changes the boot state of a
 * flash file with the shared boot-state code (boot/include/hvbootstate.h),
 * on the flash-file target of `hvimage update` (update/hvupdate.h): NOR,
 * program stores old AND new, erase stores 0xFF. Unlike `hvimage update`
 * it takes the layout from its arguments, so tests can point it anywhere.
 *
 *   bstool FLASH STATE_OFFSET STATE_SIZE ERASE_BLOCK COMMAND [ARGS]
 *     status                  print "active X A=STATE[/TRIES] B=... counter N"
 *     activate a|b TRIES      hv_bs_activate
 *     confirm a|b             hv_bs_confirm
 *     mark-bad a|b            hv_bs_mark_bad
 *     install-begin a|b       hv_bs_install_begin
 *     forge-active a|b        commit a record that only changes the active
 *                             slot (what anyone with flash access can do)
 *     fill                    commit copies of the current state until both
 *                             log blocks are full, so that the next commit
 *                             has to erase the older block first
 *     check [OFFSET...]       the on-flash invariants a power cut must not
 *                             break (exit 1 and say which if one is): the
 *                             record at each OFFSET (one being written)
 *                             reads committed only if it is complete, CRC
 *                             and all; the lab counter's cleared bits are
 *                             contiguous from its first bit (a raise clears
 *                             them in order). Elsewhere a record that reads
 *                             committed but does not decode is counted, not
 *                             refused: an interrupted erase leaves one (its
 *                             head erased, its commit word not yet).
 * Exit 0 on success, 1 if the transition was refused, 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvbootstate.h"
#include "hvupdate.h"

static int slot_arg(const char *s)
{
    if (!strcmp(s, "a"))
        return HV_SLOT_A;
    if (!strcmp(s, "b"))
        return HV_SLOT_B;
    fprintf(stderr, "bstool: slot must be a or b, not '%s'\n", s);
    exit(2);
}

static uint32_t commit_word(const uint8_t *rec)
{
    const uint8_t *p = rec + HV_BST2_OFF_COMMIT;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* bstool check: see the usage above. Prints what it found. */
static int check(const hv_flash_ops *f, const hv_bs_layout *l, int n,
                 char **offsets)
{
    uint32_t records = (uint32_t)(f->erase_block / HV_BOOT_STATE_RECORD_SIZE);
    unsigned committed = 0, spoilt = 0, torn = 0, broken = 0;
    for (uint32_t b = 0; b < 2; b++) {
        for (uint32_t i = 0; i < records; i++) {
            uint64_t at = l->state_offset + b * f->erase_block +
                          (uint64_t)i * HV_BOOT_STATE_RECORD_SIZE;
            uint8_t rec[HV_BOOT_STATE_RECORD_SIZE];
            if (f->read(f->user, at, rec, sizeof rec) != 0)
                return 1;
            hv_bs_state st;
            uint32_t seq;
            int r = hv_bs_decode(rec, &st, &seq);
            if (r == 1)
                continue;
            if (r == 0) {
                committed++;
                continue;
            }
            /* A v1 record (a factory flash's first) has its CRC where v2
             * has the commit word. */
            if (commit_word(rec) != HV_BST2_COMMITTED ||
                hv_bs_decode_v1(rec, &st, &seq) == 0) {
                spoilt++;
                continue;
            }
            int watched = 0;
            for (int k = 0; k < n; k++)
                if (strtoull(offsets[k], NULL, 0) == at)
                    watched = 1;
            if (watched) {
                printf("the record at 0x%llx reads committed but is "
                       "incomplete\n", (unsigned long long)at);
                broken++;
            } else
                torn++;
        }
    }
    /* The counter: bytes 0x00, then at most one byte whose cleared bits
     * are its low ones, then 0xFF to the end. */
    int gap = 0, ended = 0;
    for (uint64_t at = 0; at < l->counter_size; at++) {
        uint8_t c;
        if (f->read(f->user, l->counter_offset + at, &c, 1) != 0)
            return 1;
        /* ~c: the cleared bits, which must be a run from bit 0. */
        uint8_t cleared = (uint8_t)~c;
        if (ended ? c != 0xFF
                  : (uint8_t)(cleared & (uint8_t)(cleared + 1)) != 0) {
            printf("counter byte %llu is 0x%02x: cleared bits out of "
                   "order\n", (unsigned long long)at, c);
            gap = 1;
            break;
        }
        if (c != 0)
            ended = 1;
    }
    printf("records: %u committed, %u never committed, %u torn by an erase, "
           "%u broken; counter %s\n", committed, spoilt, torn, broken,
           gap ? "out of order" : "in order");
    return broken || gap ? 1 : 0;
}

/* Rollback's verifier is not needed by any command here. */
int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: bstool FLASH STATE_OFFSET STATE_SIZE "
                        "ERASE_BLOCK COMMAND [ARGS]\n");
        return 2;
    }
    hv_flash_file ff;
    hv_diag diag = {0};
    if (hv_flash_file_open(&ff, argv[1], false, &diag) != 0) {
        fprintf(stderr, "bstool: %s\n", diag.msg);
        return 2;
    }
    uint64_t off = strtoull(argv[2], NULL, 0), size = strtoull(argv[3], NULL, 0);
    ff.erase_block = strtoull(argv[4], NULL, 0);
    if (ff.erase_block < HV_BOOT_STATE_RECORD_SIZE ||
        (ff.erase_block & (ff.erase_block - 1))) {
        fprintf(stderr, "bstool: erase block must be a power of two\n");
        return 2;
    }
    hv_flash_ops f = hv_flash_file_ops(&ff);
    hv_bs_layout l;
    hv_bs_layout_for(off, size, ff.erase_block, &l);
    const char *cmd = argv[5];
    int rc;
    if (!strcmp(cmd, "status")) {
        hv_bs_view v;
        hv_lab_counter lab = {&f, l.counter_offset, l.counter_size};
        uint64_t counter = 0;
        if (hv_bs_read(&f, &l, &v) != 0 ||
            (l.counter_size && hv_lab_counter_read(&lab, &counter) != 0)) {
            fprintf(stderr, "bstool: cannot read the boot state\n");
            return 1;
        }
        printf("active %c", v.st.active ? 'B' : 'A');
        for (unsigned s = 0; s < 2; s++) {
            printf(" %c=%s", s ? 'B' : 'A', hv_slot_state_name(v.st.slot_state[s]));
            if (v.st.slot_state[s] == HV_SLOT_STATE_TRIAL)
                printf("/%u", v.st.tries[s]);
        }
        printf(" counter %llu sequence %u\n", (unsigned long long)counter,
               v.sequence);
        return 0;
    }
    if (!strcmp(cmd, "check")) {
        rc = check(&f, &l, argc - 6, argv + 6);
        hv_flash_file_close(&ff);
        return rc;
    }
    if (!strcmp(cmd, "fill")) {
        hv_bs_view v;
        if (hv_bs_read(&f, &l, &v) != 0) {
            fprintf(stderr, "bstool: cannot read the boot state\n");
            return 1;
        }
        uint32_t records = (uint32_t)(ff.erase_block / HV_BOOT_STATE_RECORD_SIZE);
        /* At most one pass over both blocks; hv_bs_commit keeps used[] of
         * the block it writes, the other block's is as read. */
        for (uint32_t n = 0; n <= 2 * records; n++) {
            if (v.source == HV_BS_SRC_V2 && v.used[0] == records &&
                v.used[1] == records) {
                hv_flash_file_close(&ff);
                return 0;
            }
            hv_bs_state next = v.st;
            if (hv_bs_commit(&f, &l, &v, &next) != 0)
                break;
        }
        fprintf(stderr, "bstool: fill did not fill both log blocks\n");
        return 1;
    }
    if (argc < 7) {
        fprintf(stderr, "bstool: %s needs a slot\n", cmd);
        return 2;
    }
    uint32_t slot = (uint32_t)slot_arg(argv[6]);
    if (!strcmp(cmd, "activate") && argc == 8)
        rc = hv_bs_activate(&f, &l, slot, (uint32_t)strtoul(argv[7], NULL, 0));
    else if (!strcmp(cmd, "confirm"))
        rc = hv_bs_confirm(&f, &l, slot);
    else if (!strcmp(cmd, "mark-bad"))
        rc = hv_bs_mark_bad(&f, &l, slot);
    else if (!strcmp(cmd, "install-begin"))
        rc = hv_bs_install_begin(&f, &l, slot);
    else if (!strcmp(cmd, "forge-active")) {
        hv_bs_view v;
        rc = hv_bs_read(&f, &l, &v);
        hv_bs_state next = v.st;
        next.active = slot;
        for (unsigned s = 0; s < 2 && rc == 0; s++)
            if (next.slot_state[s] != HV_SLOT_STATE_TRIAL)
                next.tries[s] = 0;
        if (rc == 0)
            rc = hv_bs_commit(&f, &l, &v, &next);
    } else {
        fprintf(stderr, "bstool: unknown command %s\n", cmd);
        return 2;
    }
    if (rc != 0)
        fprintf(stderr, "bstool: %s %s refused\n", cmd, argv[6]);
    hv_flash_file_close(&ff);
    return rc ? 1 : 0;
}
