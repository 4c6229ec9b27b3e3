/*
 * The Linux MTD target's code paths that need no kernel
 * (update/flash_mtd.c), over a scripted system-call layer: what MEMGETINFO
 * answers is decoded and refused as documented (NAND, read-only, no
 * single-bit programming, write units, erase sizes, erase regions, sizes
 * MEMGETINFO cannot hold), paths are classified (MTD node, mtdNro, sysfs
 * directory, mtdblock, anything else), and the NOR operations issue the
 * right reads, writes and MEMERASE calls. tests/boot/update-mtd.sh runs the
 * same code against a real kernel's mtdram and nandsim; a device without
 * MTD_WRITEABLE exists only here.
 */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <mtd/mtd-user.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>

#include "check.h"
#include "flash_mtd_sys.h"
#include "hvupdate.h"

/* ---- The scripted kernel ---------------------------------------------- */

#define FAKE_FD 7
#define SYSFS_FD 8

static struct fake {
    /* the node */
    const char *node;   /* path that stats as the device */
    mode_t mode;        /* S_IFCHR, S_IFBLK, S_IFREG */
    dev_t rdev;
    int open_errno_rw;  /* a write open fails with this */
    /* MEMGETINFO */
    struct mtd_info_user info;
    int getinfo_errno;
    uint64_t seek_size; /* lseek(SEEK_END) */
    struct region_info_user regions[4];
    int region_count;
    /* sysfs */
    const char *sysfs_dev_path, *sysfs_dev_text;
    /* the medium */
    uint8_t *mem;
    size_t mem_size;
    int erase_errno;      /* MEMERASE fails with this, if set */
    int pwrite_errno;     /* pwrite fails with this, if set */
    int eintr_reads;      /* this many preads fail with EINTR first */
    size_t short_read;    /* preads return at most this, if set */
    /* what happened */
    int opens, open_flags, closes, erases, pwrites;
    struct erase_info_user last_erase;
} fk;

static void fake_reset(void)
{
    free(fk.mem);
    memset(&fk, 0, sizeof fk);
    fk.node = "/dev/mtd0";
    fk.mode = S_IFCHR | 0600;
    fk.rdev = makedev(90, 0);
    fk.info.type = MTD_NORFLASH;
    fk.info.flags = MTD_CAP_NORFLASH;
    fk.info.size = 1 << 20;
    fk.info.erasesize = 64 << 10;
    fk.info.writesize = 1;
    fk.seek_size = 1 << 20;
    fk.mem_size = 1 << 20;
    fk.mem = malloc(fk.mem_size);
    memset(fk.mem, 0xFF, fk.mem_size);
}

static int f_open(const char *path, int flags)
{
    if (fk.sysfs_dev_path && !strcmp(path, fk.sysfs_dev_path))
        return SYSFS_FD;
    if (strcmp(path, fk.node) != 0) {
        errno = ENOENT;
        return -1;
    }
    if ((flags & O_ACCMODE) != O_RDONLY && fk.open_errno_rw) {
        errno = fk.open_errno_rw;
        return -1;
    }
    fk.opens++;
    fk.open_flags = flags;
    return FAKE_FD;
}
static int f_close(int fd)
{
    if (fd == FAKE_FD)
        fk.closes++;
    return 0;
}
static int f_stat(const char *path, struct stat *st)
{
    memset(st, 0, sizeof *st);
    if (strcmp(path, fk.node) != 0) {
        errno = ENOENT;
        return -1;
    }
    st->st_mode = fk.mode;
    st->st_rdev = fk.rdev;
    return 0;
}
static int f_fstat(int fd, struct stat *st)
{
    (void)fd;
    return f_stat(fk.node, st);
}
static int f_ioctl(int fd, unsigned long req, void *arg)
{
    if (fd != FAKE_FD) {
        errno = EBADF;
        return -1;
    }
    if (req == MEMGETINFO) {
        if (fk.getinfo_errno) {
            errno = fk.getinfo_errno;
            return -1;
        }
        memcpy(arg, &fk.info, sizeof fk.info);
        return 0;
    }
    if (req == MEMGETREGIONCOUNT) {
        *(int *)arg = fk.region_count;
        return 0;
    }
    if (req == MEMGETREGIONINFO) {
        struct region_info_user *r = arg;
        if (r->regionindex >= (uint32_t)fk.region_count) {
            errno = EINVAL;
            return -1;
        }
        *r = fk.regions[r->regionindex];
        return 0;
    }
    if (req == MEMERASE) {
        const struct erase_info_user *e = arg;
        fk.erases++;
        fk.last_erase = *e;
        if (fk.erase_errno) {
            errno = fk.erase_errno;
            return -1;
        }
        if (e->start % fk.info.erasesize || e->length % fk.info.erasesize ||
            e->start + (uint64_t)e->length > fk.seek_size) {
            errno = EINVAL;
            return -1;
        }
        /* Only the first mem_size bytes of the device are kept. */
        if (e->start + (uint64_t)e->length <= fk.mem_size)
            memset(fk.mem + e->start, 0xFF, e->length);
        return 0;
    }
    errno = ENOTTY;
    return -1;
}
static ssize_t f_pread(int fd, void *buf, size_t len, off_t off)
{
    if (fd == SYSFS_FD) {
        size_t n = strlen(fk.sysfs_dev_text);
        if ((size_t)off >= n)
            return 0;
        n -= (size_t)off;
        n = n < len ? n : len;
        memcpy(buf, fk.sysfs_dev_text + off, n);
        return (ssize_t)n;
    }
    if (fk.eintr_reads) {
        fk.eintr_reads--;
        errno = EINTR;
        return -1;
    }
    if ((uint64_t)off >= fk.mem_size)
        return 0;
    if (len > fk.mem_size - (size_t)off)
        len = fk.mem_size - (size_t)off;
    if (fk.short_read && len > fk.short_read)
        len = fk.short_read;
    memcpy(buf, fk.mem + off, len);
    return (ssize_t)len;
}
/* A RAM-backed MTD (mtdram): a write overwrites, it does not AND. */
static ssize_t f_pwrite(int fd, const void *buf, size_t len, off_t off)
{
    (void)fd;
    fk.pwrites++;
    if (fk.pwrite_errno) {
        errno = fk.pwrite_errno;
        return -1;
    }
    if ((uint64_t)off + len > fk.mem_size) {
        errno = ENOSPC;
        return -1;
    }
    memcpy(fk.mem + off, buf, len);
    return (ssize_t)len;
}
static off_t f_lseek(int fd, off_t off, int whence)
{
    (void)fd;
    (void)off;
    return whence == SEEK_END ? (off_t)fk.seek_size : 0;
}

static const struct hv_mtd_sys fake_sys = {
    f_open, f_close, f_stat, f_fstat, f_ioctl, f_pread, f_pwrite, f_lseek,
};

/* ---- Helpers ------------------------------------------------------------ */

static hv_flash_mtd m;
static hv_diag d;

static int open_mtd(bool read_only)
{
    memset(&d, 0, sizeof d);
    return hv_flash_mtd_open_sys(&m, fk.node, read_only, &fake_sys, &d);
}

/* The open was refused with class INPUT and a message holding |want|,
 * and left nothing open. */
#define REFUSED(want)                                                         \
    do {                                                                      \
        CHECK_MSG(d.cls == HV_FAIL_INPUT, "class %d: %s", d.cls, d.msg);      \
        CHECK_MSG(strstr(d.msg, want) != NULL, "message: %s", d.msg);         \
        CHECK_MSG(fk.opens == fk.closes, "%d opens, %d closes", fk.opens,     \
                  fk.closes);                                                 \
        CHECK(m.fd == -1);                                                    \
    } while (0)

/* ---- MEMGETINFO decoding ------------------------------------------------ */

static void test_nor_accepted(void)
{
    fake_reset();
    CHECK(open_mtd(false) == 0);
    CHECK(m.fd == FAKE_FD);
    CHECK((fk.open_flags & O_ACCMODE) == O_RDWR);
    CHECK(m.size == 1 << 20 && m.erasesize == 64 << 10 && m.writesize == 1);
    CHECK(m.type == MTD_NORFLASH && m.uniform);
    hv_flash_mtd_close(&m);
    CHECK(m.fd == -1 && fk.closes == 1);

    /* RAM (mtdram, phram): writable and single-bit programmable. */
    fake_reset();
    fk.info.type = MTD_RAM;
    fk.info.flags = MTD_CAP_RAM;
    CHECK(open_mtd(false) == 0);
    hv_flash_mtd_close(&m);
    /* Read-only opens ask for nothing more. */
    fake_reset();
    CHECK(open_mtd(true) == 0);
    CHECK((fk.open_flags & O_ACCMODE) == O_RDONLY);
    hv_flash_mtd_close(&m);
}

static void test_read_only(void)
{
    /* A read-only partition: the kernel masks MTD_WRITEABLE and refuses
     * a write open with EACCES; the message says why, not "permission
     * denied". */
    fake_reset();
    fk.info.flags = MTD_BIT_WRITEABLE;
    fk.open_errno_rw = EACCES;
    CHECK(open_mtd(false) == -1);
    REFUSED("the MTD device is read-only (NOR flash, MTD_WRITEABLE not set");
    /* The same device read-only: status works. */
    fake_reset();
    fk.info.flags = MTD_BIT_WRITEABLE;
    CHECK(open_mtd(true) == 0);
    hv_flash_mtd_close(&m);
    /* A driver that lets the open through: refused after MEMGETINFO. */
    fake_reset();
    fk.info.flags = MTD_BIT_WRITEABLE;
    CHECK(open_mtd(false) == -1);
    REFUSED("the MTD device is read-only");
    /* ROM. */
    fake_reset();
    fk.info.type = MTD_ROM;
    fk.info.flags = 0;
    CHECK(open_mtd(false) == -1);
    REFUSED("read-only (ROM, MTD_WRITEABLE not set");
    /* A writable device whose node the user may not open for writing:
     * the system's answer, as bad input. */
    fake_reset();
    fk.open_errno_rw = EACCES;
    CHECK(open_mtd(false) == -1);
    REFUSED("cannot open the MTD device: Permission denied");
    /* The read-only node mtdNro (odd minor) is refused before opening. */
    fake_reset();
    fk.node = "/dev/mtd2ro";
    fk.rdev = makedev(90, 5);
    CHECK(open_mtd(false) == -1);
    REFUSED("the read-only node of an MTD device cannot be written; use "
            "/dev/mtd2");
    CHECK(fk.opens == 0);
    CHECK(open_mtd(true) == 0);
    hv_flash_mtd_close(&m);
}

static void test_not_nor(void)
{
    /* NAND: refused even for reading. */
    static const uint8_t nand[] = {MTD_NANDFLASH, MTD_MLCNANDFLASH};
    for (size_t i = 0; i < sizeof nand; i++) {
        fake_reset();
        fk.info.type = nand[i];
        fk.info.flags = MTD_CAP_NANDFLASH;
        fk.info.writesize = 2048;
        CHECK(open_mtd(true) == -1);
        REFUSED("NAND flash cannot hold an hvimage flash");
    }
    fake_reset();
    fk.info.type = MTD_UBIVOLUME;
    CHECK(open_mtd(true) == -1);
    REFUSED("MTD type 7 (UBI volume) is not raw flash");
    fake_reset();
    fk.info.type = MTD_ABSENT;
    CHECK(open_mtd(true) == -1);
    REFUSED("(absent) is not raw flash");
    fake_reset();
    fk.info.type = 42;
    CHECK(open_mtd(true) == -1);
    REFUSED("MTD type 42 (unknown)");
    /* DataFlash: writable, but not bit by bit. */
    fake_reset();
    fk.info.type = MTD_DATAFLASH;
    fk.info.flags = MTD_WRITEABLE;
    CHECK(open_mtd(false) == -1);
    REFUSED("DataFlash without single-bit programming (MTD_BIT_WRITEABLE "
            "not set)");
    CHECK(open_mtd(true) == 0);
    hv_flash_mtd_close(&m);
    /* NOR programmed in ECC units. */
    fake_reset();
    fk.info.writesize = 16;
    CHECK(open_mtd(false) == -1);
    REFUSED("programs in units of 16 bytes");
}

static void test_geometry(void)
{
    static const uint32_t bad_erase[] = {0, 3 << 12, 2 << 20};
    for (size_t i = 0; i < 3; i++) {
        fake_reset();
        fk.info.erasesize = bad_erase[i];
        CHECK(open_mtd(true) == -1);
        REFUSED("does not divide the device");
    }
    /* The size is lseek's; MEMGETINFO's must agree in its 32 bits. */
    fake_reset();
    fk.seek_size = 2 << 20;
    CHECK(open_mtd(true) == -1);
    CHECK(d.cls == HV_FAIL_IO && strstr(d.msg, "size 2097152 disagrees with "
                                        "MEMGETINFO's 1048576"));
    CHECK(fk.opens == fk.closes);
    /* A 4 GiB flash (the largest a trust area gives): MEMGETINFO wraps to
     * 0, lseek has it. */
    fake_reset();
    fk.seek_size = UINT64_C(1) << 32;
    fk.info.size = 0;
    CHECK(open_mtd(true) == 0);
    CHECK(m.size == UINT64_C(1) << 32);
    hv_flash_mtd_close(&m);
    fake_reset();
    fk.seek_size = 0;
    fk.info.size = 0;
    CHECK(open_mtd(true) == -1);
    CHECK(strstr(d.msg, "size 0 disagrees") != NULL);
    /* MEMGETINFO refused: not an MTD driver after all. */
    fake_reset();
    fk.getinfo_errno = ENOTTY;
    CHECK(open_mtd(true) == -1);
    CHECK(d.cls == HV_FAIL_IO && strstr(d.msg, "MEMGETINFO failed"));
    CHECK(fk.opens == fk.closes);
    /* A node that is not an MTD character device. */
    fake_reset();
    fk.rdev = makedev(4, 0);
    CHECK(open_mtd(true) == -1);
    REFUSED("not an MTD character device");
}

static void test_bind(void)
{
    fake_reset();
    CHECK(open_mtd(false) == 0);
    memset(&d, 0, sizeof d);
    CHECK(hv_flash_mtd_bind(&m, 4096, &d) == -1);
    CHECK(d.cls == HV_FAIL_INPUT);
    CHECK_MSG(strstr(d.msg, "/dev/mtd0: the MTD device's erase block is "
                     "65536 bytes, the stage on it was provisioned for "
                     "4096") != NULL, "%s", d.msg);
    CHECK(m.erase_block == 0);
    CHECK(hv_flash_mtd_bind(&m, 128 << 10, &d) == -1);
    CHECK(hv_flash_mtd_bind(&m, 64 << 10, &d) == 0);
    CHECK(m.erase_block == 64 << 10);
    hv_flash_mtd_close(&m);

    /* Boot-block NOR: 8 KiB blocks at the top, 64 KiB elsewhere
     * (MEMGETINFO gives the largest). Readable, never written. */
    fake_reset();
    fk.region_count = 2;
    fk.regions[0] = (struct region_info_user){0, 64 << 10, 15, 0};
    fk.regions[1] = (struct region_info_user){15 * 64 << 10, 8 << 10, 8, 1};
    CHECK(open_mtd(false) == 0);
    CHECK(!m.uniform && m.region_erasesize == 8 << 10);
    memset(&d, 0, sizeof d);
    CHECK(hv_flash_mtd_bind(&m, 64 << 10, &d) == -1);
    CHECK_MSG(strstr(d.msg, "8192-byte erase blocks from byte offset "
                     "983040, not 65536") != NULL, "%s", d.msg);
    hv_flash_mtd_close(&m);
    CHECK(open_mtd(true) == 0);
    CHECK(hv_flash_mtd_bind(&m, 64 << 10, &d) == 0);
    hv_flash_mtd_close(&m);
    /* Regions that all have the one erase size are uniform. */
    fake_reset();
    fk.region_count = 2;
    fk.regions[0] = (struct region_info_user){0, 64 << 10, 8, 0};
    fk.regions[1] = (struct region_info_user){8 * 64 << 10, 64 << 10, 8, 1};
    CHECK(open_mtd(false) == 0 && m.uniform);
    hv_flash_mtd_close(&m);
}

/* ---- Paths ---------------------------------------------------------------- */

static int probe(const char *path, char *node)
{
    memset(&d, 0, sizeof d);
    return hv_flash_mtd_probe_sys(path, &fake_sys, node, 64, &d);
}

static void test_probe(void)
{
    char node[64];
    fake_reset();
    CHECK(probe("/dev/mtd0", node) == 1 && !strcmp(node, "/dev/mtd0"));
    fk.node = "/dev/mtd0ro";
    fk.rdev = makedev(90, 1);
    CHECK(probe("/dev/mtd0ro", node) == 1 && !strcmp(node, "/dev/mtd0ro"));
    /* Another character device, a regular file, a missing path: files. */
    fk.rdev = makedev(1, 3);
    CHECK(probe("/dev/mtd0ro", node) == 0);
    fk.node = "flash.bin";
    fk.mode = S_IFREG | 0644;
    CHECK(probe("flash.bin", node) == 0);
    CHECK(probe("missing.bin", node) == 0);
    /* mtdblock: refused, pointing at the character device. */
    fk.node = "/dev/mtdblock3";
    fk.mode = S_IFBLK | 0600;
    fk.rdev = makedev(31, 3);
    CHECK(probe("/dev/mtdblock3", node) == -1);
    CHECK(d.cls == HV_FAIL_INPUT &&
          strstr(d.msg, "use the MTD character device /dev/mtd3"));
    /* Another block device: a file (whose open refuses it). */
    fk.rdev = makedev(8, 0);
    CHECK(probe("/dev/mtdblock3", node) == 0);

    /* sysfs: the dev file names the node, which must be that device. */
    fake_reset();
    fk.node = "/dev/mtd2";
    fk.rdev = makedev(90, 4);
    fk.sysfs_dev_path = "/sys/class/mtd/mtd2/dev";
    fk.sysfs_dev_text = "90:4\n";
    CHECK(probe("/sys/class/mtd/mtd2", node) == 1 &&
          !strcmp(node, "/dev/mtd2"));
    CHECK(probe("/sys/class/mtd/mtd2/", node) == 1 &&
          !strcmp(node, "/dev/mtd2"));
    fk.rdev = makedev(90, 6);
    CHECK(probe("/sys/class/mtd/mtd2", node) == -1);
    CHECK_MSG(strstr(d.msg, "MTD device 90:4 has no device node /dev/mtd2"),
              "%s", d.msg);
    fk.sysfs_dev_text = "8:0\n";
    CHECK(probe("/sys/class/mtd/mtd2", node) == -1);
    CHECK(strstr(d.msg, "not an MTD device's sysfs directory") != NULL);
    CHECK(probe("/sys/class/block/sda", node) == -1);
    CHECK(probe("/sys/", node) == -1);
    /* A name longer than the node buffer. */
#define LONG_NAME "mtd_with_a_name_that_does_not_fit_into_a_64_byte_node_buffer"
    fk.sysfs_dev_path = "/sys/class/mtd/" LONG_NAME "/dev";
    fk.sysfs_dev_text = "90:4";
    CHECK(probe("/sys/class/mtd/" LONG_NAME, node) == -1);
    CHECK_MSG(strstr(d.msg, "path too long") != NULL, "%s", d.msg);
}

/* ---- The NOR operations ---------------------------------------------- */

static void test_ops(void)
{
    fake_reset();
    CHECK(open_mtd(false) == 0);
    CHECK(hv_flash_mtd_bind(&m, 64 << 10, &d) == 0);
    hv_flash_ops f = hv_flash_mtd_ops(&m);
    CHECK(f.erase_block == 64 << 10 && f.page_size == 4096);
    uint8_t buf[8];

    /* Program stores old AND new on a device that overwrites. */
    fk.mem[100] = 0x0F;
    fk.mem[101] = 0xFF;
    CHECK(f.program(f.user, 100, (const uint8_t[]){0xF5, 0x3C}, 2) == 0);
    CHECK(fk.mem[100] == 0x05 && fk.mem[101] == 0x3C);
    /* Reads: short reads and EINTR are retried; out of range refused. */
    fk.short_read = 3;
    fk.eintr_reads = 2;
    CHECK(f.read(f.user, 98, buf, 8) == 0);
    CHECK(buf[2] == 0x05 && buf[3] == 0x3C && buf[0] == 0xFF);
    fk.short_read = 0;
    CHECK(f.read(f.user, (1 << 20) - 4, buf, 8) == -1);
    CHECK(f.read(f.user, 1 << 20, buf, 1) == -1);
    CHECK(f.read(f.user, (1 << 20) - 8, buf, 8) == 0);
    /* A program across 4 KiB chunks and a failing one. */
    uint8_t big[6000];
    memset(big, 0xA5, sizeof big);
    CHECK(f.program(f.user, 4000, big, sizeof big) == 0);
    CHECK(fk.mem[4000] == 0xA5 && fk.mem[9999] == 0xA5 && fk.mem[10000] == 0xFF);
    fk.pwrite_errno = EIO;
    CHECK(f.program(f.user, 0, big, 1) == -1);
    fk.pwrite_errno = 0;
    CHECK(f.program(f.user, (1 << 20) - 1, big, 2) == -1);

    /* Erase: one MEMERASE of one block, aligned, in range. */
    CHECK(f.erase(f.user, 0) == 0);
    CHECK(fk.erases == 1 && fk.last_erase.start == 0 &&
          fk.last_erase.length == 64 << 10);
    CHECK(fk.mem[100] == 0xFF && fk.mem[4000] == 0xFF);
    CHECK(f.erase(f.user, 15 * 64 << 10) == 0);
    CHECK(fk.last_erase.start == 15 * 64 << 10);
    int before = fk.erases;
    CHECK(f.erase(f.user, 4096) == -1);        /* not aligned */
    CHECK(f.erase(f.user, 16 * 64 << 10) == -1); /* past the end */
    CHECK(fk.erases == before);
    /* A failing erase fails; on NOR there is no fallback. */
    fk.erase_errno = EIO;
    CHECK(f.erase(f.user, 0) == -1);
    fk.erase_errno = EOPNOTSUPP;
    memset(fk.mem, 0, 64 << 10);
    CHECK(f.erase(f.user, 0) == -1);
    CHECK(fk.mem[0] == 0);
    hv_flash_mtd_close(&m);

    /* MTD_NO_ERASE (RAM) without an erase operation: 0xFF written. */
    fake_reset();
    fk.info.type = MTD_RAM;
    fk.info.flags = MTD_CAP_RAM;
    CHECK(open_mtd(false) == 0 && hv_flash_mtd_bind(&m, 64 << 10, &d) == 0);
    f = hv_flash_mtd_ops(&m);
    memset(fk.mem, 0, fk.mem_size);
    fk.erase_errno = EOPNOTSUPP;
    CHECK(f.erase(f.user, 64 << 10) == 0);
    CHECK(fk.mem[(64 << 10) - 1] == 0 && fk.mem[64 << 10] == 0xFF &&
          fk.mem[(128 << 10) - 1] == 0xFF && fk.mem[128 << 10] == 0);
    fk.erase_errno = 524; /* the kernel's ENOTSUPP */
    CHECK(f.erase(f.user, 0) == 0 && fk.mem[0] == 0xFF);
    fk.erase_errno = EIO;
    CHECK(f.erase(f.user, 0) == -1);
    hv_flash_mtd_close(&m);

    /* A 4 GiB flash: MEMERASE's 32-bit fields reach its last block. */
    fake_reset();
    fk.seek_size = UINT64_C(1) << 32;
    fk.info.size = 0;
    CHECK(open_mtd(false) == 0 && hv_flash_mtd_bind(&m, 64 << 10, &d) == 0);
    f = hv_flash_mtd_ops(&m);
    CHECK(f.erase(f.user, (UINT64_C(1) << 32) - (64 << 10)) == 0);
    CHECK(fk.erases == 1 && fk.last_erase.start == 0xFFFF0000u &&
          fk.last_erase.length == 0x10000u);
    CHECK(f.erase(f.user, UINT64_C(1) << 32) == -1);
    CHECK(fk.erases == 1);
    hv_flash_mtd_close(&m);

    /* Opened read-only: nothing is written or erased. */
    fake_reset();
    CHECK(open_mtd(true) == 0 && hv_flash_mtd_bind(&m, 64 << 10, &d) == 0);
    f = hv_flash_mtd_ops(&m);
    CHECK(f.program(f.user, 0, big, 1) == -1);
    CHECK(f.erase(f.user, 0) == -1);
    CHECK(fk.pwrites == 0 && fk.erases == 0);
    hv_flash_mtd_close(&m);
}

int main(void)
{
    test_nor_accepted();
    test_read_only();
    test_not_nor();
    test_geometry();
    test_bind();
    test_probe();
    test_ops();
    fake_reset();
    free(fk.mem);
    return CHECK_DONE();
}
