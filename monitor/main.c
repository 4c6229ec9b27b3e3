/*
 * hvmonitor: the stand-in for the hypervisor core. It checks the boot-info
 * structure the stage handed over, prints what it says on COM1 and ends
 * QEMU through isa-debug-exit (docs/BOOT.md "The monitor").
 *
 * The boot info is trusted only as far as the stage is: the monitor still
 * checks magic, version, size and CRC, bounds every walk by the sizes given,
 * and prints only printable ASCII, so a stage bug shows as a message rather
 * than as garbage or a fault.
 *
 * On a trial boot (HV_BOOTINFO_TRIAL) the monitor confirms its slot after
 * its health check (the boot info and boot config read back), with the
 * shared boot-state code (boot/include/hvbootstate.h), so that the stage
 * keeps it and raises the floor at the next boot (docs/UPDATE.md). For
 * tests, the boot config line monitor.crash=1 makes it crash instead (an
 * invalid opcode), as a broken update would, and monitor.poke=N (decimal)
 * makes it write a zero byte at flash offset N, to show which parts of the
 * flash the stage's page tables let a core write (only boot_state).
 * monitor.tpm_write=0xHANDLE makes it try to change the TPM floor index
 * HANDLE (TPM2_NV_Write through the TIS registers, the same code the stage
 * uses), to show that the stage's TPM2_NV_WriteLock stops it
 * (docs/TPM.md; tests/tpm/tpm-qemu.sh).
 */
#include <stdint.h>

#include "hvbootstate.h"
#include "hvimage/bootinfo.h"
#include "tis.h"
#include "tpm2.h"

#define COM1 0x3F8
#define DEBUG_EXIT_PORT 0xF4
#define EXIT_BOOTED 0x10    /* QEMU exits with (0x10 << 1) | 1 = 33 */
#define EXIT_BAD_INFO 0x11  /* QEMU exits with 35 */

void monitor_main(const hv_bootinfo *bi);

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static void serial_init(void)
{
    outb(COM1 + 1, 0x00); /* no interrupts */
    outb(COM1 + 3, 0x80); /* DLAB */
    outb(COM1 + 0, 0x01); /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0xC7); /* FIFO on, cleared */
    outb(COM1 + 4, 0x03);
}

static void putc_raw(char c)
{
    for (unsigned spin = 0; spin < 100000u && !(inb(COM1 + 5) & 0x20); spin++)
        ;
    outb(COM1, (uint8_t)c);
}

static void put(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            putc_raw('\r');
        putc_raw(*s);
    }
}

/* Printable ASCII only: the text comes from an image, however verified. */
static void put_text(const char *s, uint64_t max)
{
    for (uint64_t i = 0; i < max && s[i]; i++)
        putc_raw(s[i] >= 0x20 && s[i] < 0x7F ? s[i] : '?');
}

static void put_dec(uint64_t v)
{
    char buf[21];
    int i = 20;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(buf + i);
}

static void put_hex(uint64_t v)
{
    char buf[19];
    int i = 18;
    buf[i] = '\0';
    do {
        buf[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    buf[--i] = 'x';
    buf[--i] = '0';
    put(buf + i);
}

static __attribute__((noreturn)) void quit(uint8_t code)
{
    put("hvmonitor: exiting with status ");
    put_hex(code);
    put("\n");
    outb(DEBUG_EXIT_PORT, code);
    /* Without isa-debug-exit (real hardware) the write goes nowhere. */
    for (;;)
        __asm__ volatile("cli; hlt");
}

static uint32_t crc32_of(const void *p, uint64_t n)
{
    return hv_crc32(0, p, (size_t)n);
}

static int bootinfo_ok(const hv_bootinfo *bi)
{
    if (!bi || ((uintptr_t)bi & 15u) != 0) {
        put("hvmonitor: no boot info (RDI is not an aligned pointer)\n");
        return 0;
    }
    if (bi->magic != HV_BOOTINFO_MAGIC || bi->version != HV_BOOTINFO_VERSION ||
        bi->size != sizeof *bi) {
        put("hvmonitor: boot info has the wrong magic, version or size\n");
        return 0;
    }
    if (crc32_of(bi, offsetof(hv_bootinfo, crc32)) != bi->crc32) {
        put("hvmonitor: boot info CRC mismatch\n");
        return 0;
    }
    return 1;
}

/* The boot configuration: key=value lines, printed space-separated. */
static void print_bootcfg(const hv_bootinfo *bi)
{
    put("hvmonitor: boot config:");
    if (!bi->bootcfg_address) {
        put(" (none)\n");
        return;
    }
    const char *t = (const char *)(uintptr_t)bi->bootcfg_address;
    int start = 1;
    for (uint64_t i = 0; i < bi->bootcfg_size; i++) {
        if (start) {
            putc_raw(' ');
            start = 0;
        }
        if (t[i] == '\n')
            start = 1;
        else
            putc_raw(t[i] >= 0x20 && t[i] < 0x7F ? t[i] : '?');
    }
    put("\n");
}

static uint64_t octal(const char *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n && p[i] >= '0' && p[i] <= '7'; i++)
        v = v * 8 + (uint64_t)(p[i] - '0');
    return v;
}

static int same(const char *a, const char *b)
{
    while (*b && *a == *b)
        a++, b++;
    return *a == *b;
}

/*
 * The drivers archive starts with drivers.idx (docs/FORMAT.md "Drivers
 * section"): one "VENDOR VERSION" line per package. Count and list them.
 */
static void print_drivers(const hv_bootinfo *bi)
{
    put("hvmonitor: drivers: ");
    if (!bi->drivers_address) {
        put("0 (no drivers section)\n");
        return;
    }
    const char *a = (const char *)(uintptr_t)bi->drivers_address;
    char name[101] = "";
    uint64_t size = 0;
    if (bi->drivers_size >= 512) {
        for (int i = 0; i < 100; i++)
            name[i] = a[i];
        name[100] = '\0';
        size = octal(a + 124, 12);
    }
    if (bi->drivers_size < 512 || !same(name, "drivers.idx") ||
        size > bi->drivers_size - 512) {
        put("archive at ");
        put_hex(bi->drivers_address);
        put(" does not start with drivers.idx\n");
        return;
    }
    const char *idx = a + 512;
    uint64_t count = 0;
    for (uint64_t i = 0; i < size; i++)
        count += idx[i] == '\n';
    put_dec(count);
    put(" (");
    for (uint64_t i = 0; i < size; i++) {
        if (idx[i] == '\n') {
            if (i + 1 < size)
                put(", ");
        } else {
            putc_raw(idx[i] >= 0x20 && idx[i] < 0x7F ? idx[i] : '?');
        }
    }
    put("), archive of ");
    put_dec(bi->drivers_size);
    put(" bytes at ");
    put_hex(bi->drivers_address);
    put("\n");
}

/* The value of |key| in the boot config (key=value lines), or NULL; its
 * length in *len. */
static const char *bootcfg_value(const hv_bootinfo *bi, const char *key,
                                 uint64_t *len)
{
    const char *t = (const char *)(uintptr_t)bi->bootcfg_address;
    uint64_t n = bi->bootcfg_address ? bi->bootcfg_size : 0;
    for (uint64_t i = 0; i < n;) {
        uint64_t k = 0;
        while (key[k] && i + k < n && t[i + k] == key[k])
            k++;
        uint64_t end = i;
        while (end < n && t[end] != '\n')
            end++;
        if (!key[k] && i + k < n && t[i + k] == '=') {
            *len = end - (i + k + 1);
            return t + i + k + 1;
        }
        i = end + 1;
    }
    return 0;
}

/* Flash operations over the boot_state region the stage left writable:
 * program stores old AND new and erase stores 0xFF, as on NOR
 * (boot/stage/bootstate.c does the same). */
static const hv_bootinfo *flash_bi;

static int in_region(uint64_t off, uint64_t len)
{
    uint64_t lo = flash_bi->boot_state_offset, size = flash_bi->boot_state_size;
    return off >= lo && len <= size && off - lo <= size - len;
}

static int fl_read(void *user, uint64_t off, void *dst, size_t len)
{
    (void)user;
    if (!in_region(off, len))
        return -1;
    const volatile uint8_t *p =
        (const volatile uint8_t *)(uintptr_t)(flash_bi->flash_base + off);
    uint8_t *d = dst;
    for (size_t i = 0; i < len; i++)
        d[i] = p[i];
    return 0;
}

static int fl_program(void *user, uint64_t off, const void *src, size_t len)
{
    (void)user;
    if (!in_region(off, len))
        return -1;
    volatile uint8_t *p =
        (volatile uint8_t *)(uintptr_t)(flash_bi->flash_base + off);
    const uint8_t *s = src;
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(p[i] & s[i]);
    return 0;
}

static int fl_erase(void *user, uint64_t off)
{
    (void)user;
    if (!in_region(off, flash_bi->erase_block))
        return -1;
    volatile uint8_t *p =
        (volatile uint8_t *)(uintptr_t)(flash_bi->flash_base + off);
    for (uint64_t i = 0; i < flash_bi->erase_block; i++)
        p[i] = 0xFF;
    return 0;
}

/* A trial boot: crash if the boot config says so, else confirm. */
static void trial(const hv_bootinfo *bi)
{
    put("hvmonitor: trial boot, ");
    put_dec(bi->tries_left);
    put(" tries left\n");
    uint64_t len;
    const char *crash = bootcfg_value(bi, "monitor.crash", &len);
    if (crash && len == 1 && crash[0] == '1') {
        put("hvmonitor: monitor.crash=1: crashing instead of confirming\n");
        __asm__ volatile("ud2");
    }
    if (bi->boot_state_version != HV_BOOT_STATE_V2) {
        put("hvmonitor: unknown boot-state format; not confirming\n");
        return;
    }
    flash_bi = bi;
    hv_flash_ops f = {0, fl_read, fl_program, fl_erase, bi->erase_block, 256};
    hv_bs_layout l;
    hv_bs_layout_for(bi->boot_state_offset, bi->boot_state_size,
                     bi->erase_block, &l);
    if (hv_bs_confirm(&f, &l, bi->slot) == 0)
        put("hvmonitor: health check passed; confirmed slot ");
    else
        put("hvmonitor: health check passed; could NOT confirm slot ");
    put(bi->slot == HV_SLOT_A ? "A" : "B");
    put("\n");
}

/* monitor.poke=N: write 0 at flash offset N (tests/boot/flash-write.sh). */
static void poke(const hv_bootinfo *bi)
{
    uint64_t len, off = 0;
    const char *v = bootcfg_value(bi, "monitor.poke", &len);
    if (!v)
        return;
    for (uint64_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] > '9' || off > UINT64_MAX / 10 - 9) {
            put("hvmonitor: monitor.poke is not a decimal offset\n");
            return;
        }
        off = off * 10 + (uint64_t)(v[i] - '0');
    }
    put("hvmonitor: monitor.poke: writing 0 at flash offset ");
    put_hex(off);
    put("\n");
    *(volatile uint8_t *)(uintptr_t)(bi->flash_base + off) = 0;
    put("hvmonitor: the write went through\n");
}

/* ---- monitor.tpm_write: try to change the TPM floor ---------------------- */

static uint8_t hv_tis_rd(void *user, uint32_t reg)
{
    (void)user;
    return *(volatile const uint8_t *)(uintptr_t)(TIS_BASE + reg);
}

static void hv_tis_wr(void *user, uint32_t reg, uint8_t v)
{
    (void)user;
    *(volatile uint8_t *)(uintptr_t)(TIS_BASE + reg) = v;
}

static uint64_t tsc(void *user)
{
    (void)user;
    return rdtsc();
}

/* One NV_Write of the 8-byte value |v| (big-endian); prints the result. */
static void tpm_try_write(hv_tpm2_transport *tr, uint32_t nv, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (56 - 8 * i));
    uint32_t rc = hv_tpm2_nv_write(tr, nv, b, sizeof b, 0);
    const char *name = hv_tpm2_rc_name(rc);
    put("hvmonitor: TPM2_NV_Write of ");
    put_dec(v);
    put(" to the floor index: response code ");
    put_hex(rc);
    put(" ");
    put(name ? name : "(unnamed)");
    put("\n");
}

static void tpm_write_test(const hv_bootinfo *bi)
{
    uint64_t len, nv = 0;
    const char *v = bootcfg_value(bi, "monitor.tpm_write", &len);
    if (!v)
        return;
    for (uint64_t i = 2; i < len && len <= 10 && v[0] == '0' && v[1] == 'x';
         i++) {
        char c = v[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d == 16)
            break;
        nv = nv << 4 | d;
    }
    if (nv >> 24 != HV_TPM_HT_NV_INDEX) {
        put("hvmonitor: monitor.tpm_write is not an NV index (0x01xxxxxx)\n");
        return;
    }
    /* 1 s at 4 GHz: plenty under QEMU; a missing TPM fails at once. */
    hv_tis_dev tis = {0, hv_tis_rd, hv_tis_wr, tsc, 4000000000u, 8000000000u, TIS_OK,
                   0};
    hv_tpm2_transport tr = {&tis, hv_tis_transport, 0};
    /* Lower it (a rollback) and raise it (a denial of service). */
    tpm_try_write(&tr, (uint32_t)nv, 0);
    tpm_try_write(&tr, (uint32_t)nv, 1000);
    uint8_t b[8];
    uint32_t rc = hv_tpm2_nv_read(&tr, (uint32_t)nv, b, sizeof b, 0);
    uint64_t floor = 0;
    for (int i = 0; i < 8; i++)
        floor = floor << 8 | b[i];
    put("hvmonitor: TPM floor index reads ");
    if (rc == HV_TPM_RC_SUCCESS)
        put_dec(floor);
    else {
        put("nothing, response code ");
        put_hex(rc);
    }
    put("\n");
}

/* see entry.S */
void monitor_main(const hv_bootinfo *bi)
{
    uint64_t now = rdtsc();
    serial_init();
    put("\n=== hvmonitor: stand-in hypervisor core ===\n");
    if (!bootinfo_ok(bi))
        quit(EXIT_BAD_INFO);

    put("hvmonitor: booted ");
    put_text(bi->image_name, sizeof bi->image_name);
    put(" version ");
    put_text(bi->image_version, sizeof bi->image_version);
    put(" from slot ");
    put(bi->slot == HV_SLOT_A ? "A" : bi->slot == HV_SLOT_B ? "B" : "?");
    if (bi->flags & HV_BOOTINFO_FALLBACK)
        put(" (fallback)");
    put("\nhvmonitor: security version ");
    put_dec(bi->security_version);
    put(", rollback counter ");
    put_dec(bi->rollback_counter);
    put(", board ");
    put_text(bi->board_id, sizeof bi->board_id);
    put(", oem ");
    put_text(bi->oem_id, sizeof bi->oem_id);
    put("\nhvmonitor: core ");
    put_dec(bi->core_size);
    put(" bytes at ");
    put_hex(bi->core_address);
    put(", entry ");
    put_hex(bi->entry_point);
    put("\n");
    print_bootcfg(bi);
    print_drivers(bi);
    if (bi->flags & HV_BOOTINFO_TRIAL)
        trial(bi);
    poke(bi);
    tpm_write_test(bi);
    put("hvmonitor: entered ");
    put_dec(now - bi->tsc_stage_entry);
    put(" TSC cycles after boot-stage entry (");
    put_dec(now - bi->tsc_handoff);
    put(" after the jump)\n");
    quit(EXIT_BOOTED);
}
