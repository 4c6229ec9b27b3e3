/*
 * The Linux MTD target: a device's flash as the kernel's MTD character
 * device (/dev/mtdN) presents it. Read with pread, programmed with pwrite,
 * erased with the MEMERASE ioctl; the geometry is the kernel's (MEMGETINFO,
 * MEMGETREGIONCOUNT/-INFO), never a guess. The boot-state log needs NOR
 * semantics: bytes programmed one at a time, bits in a programmed byte
 * cleared again later (records appended into a programmed block, the lab
 * counter's thermometer code), and erase blocks of the size the device's
 * stage was provisioned with. A device that cannot give that (NAND, a
 * DataFlash without single-bit programming, a read-only partition, other
 * erase blocks) is refused before anything is written, with a message that
 * says which.
 */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <mtd/mtd-user.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "flash_mtd_sys.h"
#include "fd_io.h"
#include "hvupdate.h"

/* The MTD character and block device majors (Linux, linux/major.h). */
#define MTD_CHAR_MAJOR 90
#define MTD_BLOCK_MAJOR 31

static int sys_open(const char *path, int flags)
{
    return open(path, flags);
}
static int sys_ioctl(int fd, unsigned long request, void *arg)
{
    return ioctl(fd, request, arg);
}

const struct hv_mtd_sys hv_mtd_sys_linux = {
    sys_open, close, stat, fstat, sys_ioctl, pread, pwrite, lseek,
};

static const char *type_name(uint32_t type)
{
    switch (type) {
    case MTD_ABSENT: return "absent";
    case MTD_RAM: return "RAM";
    case MTD_ROM: return "ROM";
    case MTD_NORFLASH: return "NOR flash";
    case MTD_NANDFLASH: return "NAND flash";
    case MTD_DATAFLASH: return "DataFlash";
    case MTD_UBIVOLUME: return "UBI volume";
    case MTD_MLCNANDFLASH: return "MLC NAND flash";
    default: return "unknown";
    }
}

/* Read a small sysfs file whole, NUL-terminated; -1 if it cannot be. */
static int read_small(const struct hv_mtd_sys *sys, const char *path,
                      char *buf, size_t size)
{
    int fd = sys->open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = sys->pread(fd, buf, size - 1, 0);
    sys->close(fd);
    if (n < 0)
        return -1;
    buf[n] = 0;
    return 0;
}

/* see flash_mtd_sys.h */
int hv_flash_mtd_probe_sys(const char *path, const struct hv_mtd_sys *sys,
                           char *node, size_t node_size, hv_diag *diag)
{
    struct stat st;
    if (strncmp(path, "/sys/", 5) == 0) {
        /* A sysfs MTD directory (/sys/class/mtd/mtdN): its `dev` file
         * gives MAJOR:MINOR, its name the node devtmpfs makes, /dev/NAME,
         * which must be that very device. */
        char file[4200], text[64], name[256];
        size_t len = strlen(path);
        while (len > 1 && path[len - 1] == '/')
            len--;
        const char *base = path + len;
        while (base > path && base[-1] != '/')
            base--;
        size_t blen = (size_t)(path + len - base);
        unsigned maj, min;
        if (blen == 0 || blen >= sizeof name)
            return hv_diag_set(diag, "%s: not an MTD device's sysfs "
                               "directory", path);
        memcpy(name, base, blen);
        name[blen] = 0;
        snprintf(file, sizeof file, "%.*s/dev", (int)len, path);
        if (read_small(sys, file, text, sizeof text) != 0 ||
            sscanf(text, "%u:%u", &maj, &min) != 2 || maj != MTD_CHAR_MAJOR)
            return hv_diag_set(diag, "%s: not an MTD device's sysfs "
                               "directory (no %s giving major %d)", path,
                               file, MTD_CHAR_MAJOR);
        if ((size_t)snprintf(node, node_size, "/dev/%s", name) >= node_size)
            return hv_diag_set(diag, "%s: path too long", path);
        if (sys->stat(node, &st) != 0 || !S_ISCHR(st.st_mode) ||
            major(st.st_rdev) != maj || minor(st.st_rdev) != min)
            return hv_diag_set(diag, "%s: MTD device %u:%u has no device "
                               "node %s (is devtmpfs mounted on /dev?)",
                               path, maj, min, node);
        return 1;
    }
    if (sys->stat(path, &st) != 0)
        return 0; /* the flash file's open reports it */
    if (S_ISBLK(st.st_mode) && major(st.st_rdev) == MTD_BLOCK_MAJOR)
        return hv_diag_set(diag, "%s: an mtdblock device hides the flash's "
                           "erase blocks; use the MTD character device "
                           "/dev/mtd%u", path, minor(st.st_rdev));
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != MTD_CHAR_MAJOR)
        return 0;
    if ((size_t)snprintf(node, node_size, "%s", path) >= node_size)
        return hv_diag_set(diag, "%s: path too long", path);
    return 1;
}

/* see hvupdate.h */
int hv_flash_mtd_probe(const char *path, char *node, size_t node_size,
                       hv_diag *diag)
{
    return hv_flash_mtd_probe_sys(path, &hv_mtd_sys_linux, node, node_size,
                                  diag);
}

/* Close what open_sys opened, after |diag| was filled. */
static int fail_open(hv_flash_mtd *m)
{
    m->sys->close(m->fd);
    m->fd = -1;
    return -1;
}

/* MEMGETINFO and the erase regions into |m|, refusing a device that no
 * command can use, not even status. */
static int read_geometry(hv_flash_mtd *m, hv_diag *diag)
{
    struct mtd_info_user info;
    int regions = 0;
    memset(&info, 0, sizeof info);
    if (m->sys->ioctl(m->fd, MEMGETINFO, &info) != 0)
        return hv_fail_errno(diag, errno, m->path, "MEMGETINFO failed");
    m->type = info.type;
    m->flags = info.flags;
    m->erasesize = info.erasesize;
    m->writesize = info.writesize;
    if (info.type == MTD_NANDFLASH || info.type == MTD_MLCNANDFLASH)
        return hv_diag_set(diag, "%s: %s cannot hold an hvimage flash: its "
                           "pages are programmed once between erases and it "
                           "is not read as memory; the boot state needs NOR "
                           "flash", m->path, type_name(info.type));
    if (info.type != MTD_NORFLASH && info.type != MTD_RAM &&
        info.type != MTD_ROM && info.type != MTD_DATAFLASH)
        return hv_diag_set(diag, "%s: MTD type %u (%s) is not raw flash",
                           m->path, info.type, type_name(info.type));
    /* The 64-bit size: MEMGETINFO's field has 32 bits, and the largest
     * flash a trust area may give is 4 GiB. */
    off_t end = m->sys->lseek(m->fd, 0, SEEK_END);
    if (end < 0)
        return hv_fail_errno(diag, errno, m->path, "cannot find its size");
    m->size = (uint64_t)end;
    if (m->size == 0 || (uint32_t)m->size != info.size)
        return hv_fail(diag, HV_FAIL_IO, "%s: size %llu disagrees with "
                       "MEMGETINFO's %u", m->path,
                       (unsigned long long)m->size, info.size);
    if (info.erasesize == 0 || (info.erasesize & (info.erasesize - 1)) ||
        m->size % info.erasesize)
        return hv_diag_set(diag, "%s: erase size %u does not divide the "
                           "device (%llu bytes) in power-of-two blocks",
                           m->path, info.erasesize,
                           (unsigned long long)m->size);
    /* NOR parts with boot blocks have regions of other erase sizes;
     * MEMGETINFO then gives the largest. */
    m->uniform = true;
    if (m->sys->ioctl(m->fd, MEMGETREGIONCOUNT, &regions) != 0)
        return hv_fail_errno(diag, errno, m->path,
                             "MEMGETREGIONCOUNT failed");
    for (int i = 0; i < regions; i++) {
        struct region_info_user r;
        memset(&r, 0, sizeof r);
        r.regionindex = (uint32_t)i;
        if (m->sys->ioctl(m->fd, MEMGETREGIONINFO, &r) != 0)
            return hv_fail_errno(diag, errno, m->path,
                                 "MEMGETREGIONINFO failed");
        if (r.erasesize != info.erasesize && r.numblocks != 0) {
            m->uniform = false;
            m->region_erasesize = r.erasesize;
            m->region_offset = r.offset;
        }
    }
    return 0;
}

/* What writing needs beyond reading; NULL if the device has it. */
static const char *not_writable_as_nor(const hv_flash_mtd *m, char *why,
                                       size_t size)
{
    if (!(m->flags & MTD_WRITEABLE))
        snprintf(why, size, "the MTD device is read-only (%s, MTD_WRITEABLE "
                 "not set: a read-only partition, a ROM or write-protected "
                 "flash)", type_name(m->type));
    else if (!(m->flags & MTD_BIT_WRITEABLE))
        snprintf(why, size, "%s without single-bit programming "
                 "(MTD_BIT_WRITEABLE not set): the boot state clears bits "
                 "in bytes already programmed, as NOR does",
                 type_name(m->type));
    else if (m->writesize != 1)
        snprintf(why, size, "the device programs in units of %u bytes; the "
                 "boot state programs single bytes (NOR: write size 1)",
                 m->writesize);
    else
        return NULL;
    return why;
}

/* see flash_mtd_sys.h */
int hv_flash_mtd_open_sys(hv_flash_mtd *m, const char *path, bool read_only,
                          const struct hv_mtd_sys *sys, hv_diag *diag)
{
    struct stat st;
    char why[256];
    memset(m, 0, sizeof *m);
    m->fd = -1;
    m->sys = sys;
    m->read_only = read_only;
    if ((size_t)snprintf(m->path, sizeof m->path, "%s", path) >=
        sizeof m->path)
        return hv_diag_set(diag, "%s: path too long", path);
    if (sys->stat(path, &st) != 0)
        return hv_fail_errno(diag, errno, path, "cannot open the MTD device");
    /* The kernel's read-only node of mtdN is mtdNro, the odd minor. */
    if (!read_only && S_ISCHR(st.st_mode) && (minor(st.st_rdev) & 1))
        return hv_diag_set(diag, "%s: the read-only node of an MTD device "
                           "cannot be written; use /dev/mtd%u",
                           path, minor(st.st_rdev) >> 1);
    m->fd = sys->open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (m->fd < 0 && !read_only && (errno == EACCES || errno == EROFS)) {
        /* The kernel refuses a write open of a device without
         * MTD_WRITEABLE: say that rather than "permission denied". */
        int err = errno;
        m->fd = sys->open(path, O_RDONLY | O_CLOEXEC);
        if (m->fd >= 0 && read_geometry(m, diag) == 0 &&
            not_writable_as_nor(m, why, sizeof why)) {
            hv_diag_set(diag, "%s: %s", path, why);
            return fail_open(m);
        }
        if (m->fd >= 0)
            sys->close(m->fd);
        m->fd = -1;
        errno = err;
    }
    if (m->fd < 0)
        return hv_fail_errno(diag, errno, path, "cannot open the MTD device");
    if (sys->fstat(m->fd, &st) != 0 || !S_ISCHR(st.st_mode) ||
        major(st.st_rdev) != MTD_CHAR_MAJOR) {
        hv_diag_set(diag, "%s: not an MTD character device", path);
        return fail_open(m);
    }
    if (read_geometry(m, diag) != 0)
        return fail_open(m);
    if (!read_only && not_writable_as_nor(m, why, sizeof why)) {
        hv_diag_set(diag, "%s: %s", path, why);
        return fail_open(m);
    }
    return 0;
}

/* see hvupdate.h */
int hv_flash_mtd_open(hv_flash_mtd *m, const char *path, bool read_only,
                      hv_diag *diag)
{
    return hv_flash_mtd_open_sys(m, path, read_only, &hv_mtd_sys_linux, diag);
}

/* see hvupdate.h */
int hv_flash_mtd_bind(hv_flash_mtd *m, uint64_t erase_block, hv_diag *diag)
{
    if (m->erasesize != erase_block)
        return hv_diag_set(diag, "%s: the MTD device's erase block is %u "
                           "bytes, the stage on it was provisioned for %llu "
                           "(its trust area); the boot state and the slots "
                           "are laid out in those blocks", m->path,
                           m->erasesize, (unsigned long long)erase_block);
    if (!m->uniform && !m->read_only)
        return hv_diag_set(diag, "%s: the MTD device has %u-byte erase "
                           "blocks from byte offset %u, not %u like the "
                           "rest: one erase block size is needed",
                           m->path, m->region_erasesize, m->region_offset,
                           m->erasesize);
    m->erase_block = erase_block;
    return 0;
}

static int mtd_read(void *user, uint64_t off, void *dst, size_t len)
{
    hv_flash_mtd *m = user;
    if (off > m->size || len > m->size - off)
        return -1;
    return hv_fd_read(m->sys->pread, m->fd, off, dst, len);
}

static int mtd_write(hv_flash_mtd *m, uint64_t off, const uint8_t *src,
                     size_t len)
{
    return hv_fd_write(m->sys->pwrite, m->fd, off, src, len);
}

/* Programs old AND new: what NOR stores anyway, and what a RAM-backed MTD
 * (mtdram, phram, block2mtd: they overwrite) must be made to store for the
 * boot state to behave on it as on NOR. */
static int mtd_program(void *user, uint64_t off, const void *src, size_t len)
{
    hv_flash_mtd *m = user;
    if (m->read_only || off > m->size || len > m->size - off)
        return -1;
    return hv_fd_program(m->sys->pread, m->sys->pwrite, m->fd, off, src, len);
}

/* The kernel's "not supported" (ENOTSUPP, 524) reaches user space from
 * some drivers' erase. */
#define KERNEL_ENOTSUPP 524

static int mtd_erase(void *user, uint64_t off)
{
    hv_flash_mtd *m = user;
    struct erase_info_user e;
    /* MEMERASE's start and length have 32 bits each: enough for every
     * block of a 4 GiB flash (the last starts at 4 GiB - erase_block). */
    if (m->read_only || m->erase_block == 0 || off % m->erase_block ||
        off > m->size || m->erase_block > m->size - off ||
        off > UINT32_MAX || m->erase_block > UINT32_MAX)
        return -1;
    e.start = (uint32_t)off;
    e.length = (uint32_t)m->erase_block;
    if (m->sys->ioctl(m->fd, MEMERASE, &e) == 0)
        return 0;
    /* A device that needs no erase (MTD_NO_ERASE: RAM, NVRAM) and has no
     * erase operation is erased by writing 0xFF, which it can store. */
    if ((m->flags & MTD_NO_ERASE) &&
        (errno == EOPNOTSUPP || errno == KERNEL_ENOTSUPP)) {
        uint8_t ff[4096];
        memset(ff, HV_FLASH_ERASED, sizeof ff);
        for (uint64_t i = 0; i < m->erase_block; i += sizeof ff) {
            uint64_t n = m->erase_block - i;
            if (mtd_write(m, off + i, ff,
                          n < sizeof ff ? (size_t)n : sizeof ff) != 0)
                return -1;
        }
        return 0;
    }
    return -1;
}

/* see hvupdate.h */
hv_flash_ops hv_flash_mtd_ops(hv_flash_mtd *m)
{
    /* page_size only splits programs; the kernel's MTD layer programs a
     * write of any length and alignment on a write-size-1 device. Each
     * program is a read and a write here, so 4 KiB pieces, as for a flash
     * file, not the 256-byte page of SPI NOR. */
    hv_flash_ops f = {m, mtd_read, mtd_program, mtd_erase, m->erase_block,
                      4096};
    return f;
}

/* see hvupdate.h */
void hv_flash_mtd_close(hv_flash_mtd *m)
{
    /* Closing a writable MTD node runs the driver's sync (mtdchar). */
    if (m->fd >= 0)
        m->sys->close(m->fd);
    m->fd = -1;
}
