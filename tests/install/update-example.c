/*
 * The smallest on-device agent: built outside the build tree against the
 * installed hvupdate.pc, it opens a flash file with the installed
 * libhvupdate.a and prints what the device's own stage says about it.
 *
 *   update-example FLASH    exit 0 (prints "device BOARD OEM floor N active
 *                           X"), 2 not a provisioned flash, 3 I/O
 */
#include <stdio.h>

#include <hvimage/hvupdate.h>

int main(int argc, char **argv)
{
    hv_flash_file ff;
    hv_device dev;
    hv_diag diag = {0};
    hv_bs_view v;
    uint64_t floor;
    if (argc != 2) {
        fprintf(stderr, "usage: update-example FLASH\n");
        return 2;
    }
    if (hv_flash_file_open(&ff, argv[1], true, &diag) != 0) {
        fprintf(stderr, "%s\n", diag.msg);
        return 2;
    }
    hv_flash_ops ops = hv_flash_file_ops(&ff);
    if (hv_device_open(&dev, &ops, ff.size, argv[1], &diag) != 0 ||
        hv_device_floor(&dev, &floor, &diag) != 0) {
        fprintf(stderr, "%s\n", diag.msg);
        hv_flash_file_close(&ff);
        return diag.cls == HV_FAIL_INPUT ? 2 : 3;
    }
    if (hv_bs_read(&dev.flash, &dev.layout, &v) != 0) {
        hv_flash_file_close(&ff);
        return 3;
    }
    printf("device %s %s floor %llu active %c\n", dev.board_id, dev.oem_id,
           (unsigned long long)floor, v.st.active ? 'B' : 'A');
    hv_flash_file_close(&ff);
    return 0;
}
