/*
 * Whole reads, whole writes and NOR programs over a file descriptor, for
 * the flash-file and MTD targets (flash_file.c, flash_mtd.c). The system
 * calls come in as pointers so the MTD target's unit test can inject its
 * own. Not installed.
 */
#ifndef HV_FD_IO_H
#define HV_FD_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef ssize_t (*hv_pread_fn)(int fd, void *buf, size_t len, off_t off);
typedef ssize_t (*hv_pwrite_fn)(int fd, const void *buf, size_t len,
                                off_t off);

/* All |len| bytes at |off|, retrying short transfers and EINTR; 0 or -1. */
int hv_fd_read(hv_pread_fn pr, int fd, uint64_t off, void *dst, size_t len);
int hv_fd_write(hv_pwrite_fn pw, int fd, uint64_t off, const void *src,
                size_t len);

/* NOR programming in 4 KiB pieces: each stores old AND new, so a target
 * that overwrites behaves as NOR. */
int hv_fd_program(hv_pread_fn pr, hv_pwrite_fn pw, int fd, uint64_t off,
                  const void *src, size_t len);

#endif
