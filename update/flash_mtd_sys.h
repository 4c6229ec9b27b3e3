/*
 * The system calls the MTD target makes, behind a table, so that a host
 * test can play a kernel's MTD driver (MEMGETINFO answers, refused opens,
 * failing erases) without one (tests/update/mtd-unit.c). hv_flash_mtd_open
 * uses hv_mtd_sys_linux; nothing outside update/ and its tests sees this.
 */
#ifndef HV_FLASH_MTD_SYS_H
#define HV_FLASH_MTD_SYS_H

#include <sys/stat.h>
#include <sys/types.h>

#include "hvupdate.h"

struct hv_mtd_sys {
    int (*open)(const char *path, int flags);
    int (*close)(int fd);
    int (*stat)(const char *path, struct stat *st);
    int (*fstat)(int fd, struct stat *st);
    /* ioctl with a pointer argument (MEMGETINFO, MEMERASE, ...) */
    int (*ioctl)(int fd, unsigned long request, void *arg);
    ssize_t (*pread)(int fd, void *buf, size_t len, off_t off);
    ssize_t (*pwrite)(int fd, const void *buf, size_t len, off_t off);
    off_t (*lseek)(int fd, off_t off, int whence);
};

extern const struct hv_mtd_sys hv_mtd_sys_linux;

/* hv_flash_mtd_probe and hv_flash_mtd_open over |sys|. */
int hv_flash_mtd_probe_sys(const char *path, const struct hv_mtd_sys *sys,
                           char *node, size_t node_size, hv_diag *diag);
int hv_flash_mtd_open_sys(hv_flash_mtd *m, const char *path, bool read_only,
                          const struct hv_mtd_sys *sys, hv_diag *diag);

#endif /* HV_FLASH_MTD_SYS_H */
