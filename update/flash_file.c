/*
 * The flash-file target: a factory flash or a raw dump of a device's
 * flash, changed in place as NOR would be (program clears bits only, erase
 * sets a block to 0xFF), so the boot-state code behaves on it exactly as on
 * the device, and a power cut in the middle of a write leaves what NOR
 * would leave.
 */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fd_io.h"
#include "hvupdate.h"

/* see hvupdate.h */
int hv_flash_file_open(hv_flash_file *ff, const char *path, bool read_only,
                       hv_diag *diag)
{
    struct stat st;
    memset(ff, 0, sizeof *ff);
    ff->fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (ff->fd < 0)
        return hv_fail_errno(diag, errno, path, "cannot open the flash file");
    if (fstat(ff->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(ff->fd);
        ff->fd = -1;
        return hv_diag_set(diag, "%s: the flash target is neither a regular "
                           "file nor an MTD device (/dev/mtdN)", path);
    }
    ff->size = (uint64_t)st.st_size;
    snprintf(ff->path, sizeof ff->path, "%s", path);
    return 0;
}

static int ff_read(void *user, uint64_t off, void *dst, size_t len)
{
    hv_flash_file *ff = user;
    if (off > ff->size || len > ff->size - off)
        return -1;
    return hv_fd_read(pread, ff->fd, off, dst, len);
}

static int ff_write(hv_flash_file *ff, uint64_t off, const uint8_t *src,
                    size_t len)
{
    return hv_fd_write(pwrite, ff->fd, off, src, len);
}

/* NOR programming: the result is old AND new. */
static int ff_program(void *user, uint64_t off, const void *src, size_t len)
{
    hv_flash_file *ff = user;
    if (off > ff->size || len > ff->size - off)
        return -1;
    return hv_fd_program(pread, pwrite, ff->fd, off, src, len);
}

static int ff_erase(void *user, uint64_t off)
{
    hv_flash_file *ff = user;
    static uint8_t erased[4096];
    if (erased[0] != HV_FLASH_ERASED)
        memset(erased, HV_FLASH_ERASED, sizeof erased);
    if (ff->erase_block == 0 || off % ff->erase_block ||
        off > ff->size || ff->erase_block > ff->size - off)
        return -1;
    for (uint64_t i = 0; i < ff->erase_block; i += sizeof erased) {
        uint64_t n = ff->erase_block - i;
        if (ff_write(ff, off + i, erased,
                     n < sizeof erased ? (size_t)n : sizeof erased) != 0)
            return -1;
    }
    return 0;
}

/* see hvupdate.h */
hv_flash_ops hv_flash_file_ops(hv_flash_file *ff)
{
    /* Page size: a file has no program page, and every program costs a
     * read and a write; 4 KiB pieces (the file system's block) keep an
     * install of a large image at disk speed (256-byte SPI NOR pages made
     * it five times slower). erase_block is filled once the trust area is
     * read. */
    hv_flash_ops f = {ff, ff_read, ff_program, ff_erase, ff->erase_block,
                      4096};
    return f;
}

/* see hvupdate.h */
int hv_flash_file_sync(hv_flash_file *ff, hv_diag *diag)
{
    if (fsync(ff->fd) != 0)
        return hv_fail_errno(diag, errno, ff->path, "fsync failed");
    return 0;
}

/* see hvupdate.h */
void hv_flash_file_close(hv_flash_file *ff)
{
    if (ff->fd >= 0)
        close(ff->fd);
    ff->fd = -1;
}
