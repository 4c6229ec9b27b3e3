/*
 * A flash target named by a path: a Linux MTD device when the path is one
 * (its character node or its sysfs directory), a flash file otherwise, so
 * `hvimage update --flash` and an agent take either the same way.
 */
#include <string.h>

#include "hvupdate.h"

/* see hvupdate.h */
int hv_flash_target_open(hv_flash_target *t, const char *path, bool read_only,
                         hv_diag *diag)
{
    char node[4096];
    memset(t, 0, sizeof *t);
    t->file.fd = -1;
    t->mtd.fd = -1;
    int is_mtd = hv_flash_mtd_probe(path, node, sizeof node, diag);
    if (is_mtd < 0)
        return -1;
    if (is_mtd) {
        t->kind = HV_FLASH_MTD;
        if (hv_flash_mtd_open(&t->mtd, node, read_only, diag) != 0)
            return -1;
        t->size = t->mtd.size;
        return 0;
    }
    t->kind = HV_FLASH_FILE;
    if (hv_flash_file_open(&t->file, path, read_only, diag) != 0)
        return -1;
    t->size = t->file.size;
    return 0;
}

/* see hvupdate.h */
hv_flash_ops hv_flash_target_ops(hv_flash_target *t)
{
    return t->kind == HV_FLASH_MTD ? hv_flash_mtd_ops(&t->mtd)
                                   : hv_flash_file_ops(&t->file);
}

/* see hvupdate.h */
int hv_flash_target_bind(hv_flash_target *t, const hv_device *dev,
                         hv_diag *diag)
{
    if (t->kind == HV_FLASH_MTD)
        return hv_flash_mtd_bind(&t->mtd, dev->erase_block, diag);
    t->file.erase_block = dev->erase_block;
    return 0;
}

/* see hvupdate.h */
int hv_flash_target_sync(hv_flash_target *t, hv_diag *diag)
{
    /* An MTD write or erase returns once the driver has done it; the
     * character device has no fsync, and its close runs the driver's
     * sync. */
    if (t->kind == HV_FLASH_MTD)
        return 0;
    return hv_flash_file_sync(&t->file, diag);
}

/* see hvupdate.h */
void hv_flash_target_close(hv_flash_target *t)
{
    if (t->kind == HV_FLASH_MTD)
        hv_flash_mtd_close(&t->mtd);
    else
        hv_flash_file_close(&t->file);
}
