/*
 * A test tool for the boot tests: reads and changes the boot state of a
 * flash file with the shared boot-state code (boot/include/hvbootstate.h),
 * as a later `hvimage update` will. The flash file is treated as NOR:
 * program stores old AND new, erase stores 0xFF.
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
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvbootstate.h"

static int fd = -1;

static int f_read(void *user, uint64_t off, void *dst, size_t len)
{
    (void)user;
    return pread(fd, dst, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

static int f_program(void *user, uint64_t off, const void *src, size_t len)
{
    uint8_t buf[4096];
    if (len > sizeof buf || f_read(user, off, buf, len) != 0)
        return -1;
    const uint8_t *s = src;
    for (size_t i = 0; i < len; i++)
        buf[i] &= s[i];
    return pwrite(fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

static uint64_t erase_block;

static int f_erase(void *user, uint64_t off)
{
    (void)user;
    uint8_t buf[4096];
    memset(buf, 0xFF, sizeof buf);
    for (uint64_t i = 0; i < erase_block; i += sizeof buf)
        if (pwrite(fd, buf, sizeof buf, (off_t)(off + i)) != (ssize_t)sizeof buf)
            return -1;
    return 0;
}

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
    fd = open(argv[1], O_RDWR);
    if (fd < 0) {
        fprintf(stderr, "bstool: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    uint64_t off = strtoull(argv[2], NULL, 0), size = strtoull(argv[3], NULL, 0);
    erase_block = strtoull(argv[4], NULL, 0);
    if (erase_block % 4096) {
        fprintf(stderr, "bstool: erase block must be a multiple of 4096\n");
        return 2;
    }
    hv_flash_ops f = {NULL, f_read, f_program, f_erase, erase_block, 256};
    hv_bs_layout l;
    hv_bs_layout_for(off, size, erase_block, &l);
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
    close(fd);
    return rc ? 1 : 0;
}
