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
