/*
 * The smallest on-device agent: built outside the build tree against the
 * installed hvupdate.pc, it opens a flash target (a flash file or a Linux
 * MTD device) with the installed libhvupdate.a and prints what the
 * device's own stage says about it.
 *
 *   update-example FLASH    exit 0 (prints "device BOARD OEM floor N active
 *                           X"), 2 not a provisioned flash, 3 I/O
 */
#include <stdio.h>

#include <hvimage/hvupdate.h>

int main(int argc, char **argv)
{
    static hv_flash_target t;
    hv_device dev;
    hv_diag diag = {0};
    hv_bs_view v;
    uint64_t floor;
    if (argc != 2) {
        fprintf(stderr, "usage: update-example FLASH\n");
        return 2;
    }
    if (hv_flash_target_open(&t, argv[1], true, &diag) != 0) {
        fprintf(stderr, "%s\n", diag.msg);
        return diag.cls == HV_FAIL_INPUT ? 2 : 3;
    }
    hv_flash_ops ops = hv_flash_target_ops(&t);
    if (hv_device_open(&dev, &ops, t.size, argv[1], &diag) != 0 ||
        hv_flash_target_bind(&t, &dev, &diag) != 0 ||
        hv_device_floor(&dev, &floor, &diag) != 0) {
        fprintf(stderr, "%s\n", diag.msg);
        hv_flash_target_close(&t);
        return diag.cls == HV_FAIL_INPUT ? 2 : 3;
    }
    if (hv_bs_read(&dev.flash, &dev.layout, &v) != 0) {
        hv_flash_target_close(&t);
        return 3;
    }
    printf("device %s %s floor %llu active %c\n", dev.board_id, dev.oem_id,
           (unsigned long long)floor, v.st.active ? 'B' : 'A');
    hv_flash_target_close(&t);
    return 0;
}
