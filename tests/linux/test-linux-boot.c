/*
 * The Linux boot-protocol code (boot/include/hvlinux.h) on the host: the
 * setup-header checks on synthetic bzImages (each refusal, setup_sects 0,
 * the release string), the placement in the core window, the command-line
 * check, the multiboot-to-e820 conversion with overlaps and malformed
 * maps, reserving the flash, the initrd's placement under the kernel's
 * limit and the zero page's fields. The stage runs the same code on the
 * real kernel (tests/boot/linux-kvm.sh).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hvlinux.h"

#define MiB (1024u * 1024u)

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* A bzImage like Debian's 6.1 (protocol 2.15, 39 setup sectors, 2 MiB
 * alignment) but |kernel| bytes of protected-mode part. */
#define SETUP_SECTS 39u
#define SETUP_SIZE ((SETUP_SECTS + 1) * 512u)
static uint8_t *make_bz(size_t kernel, size_t *len)
{
    *len = SETUP_SIZE + kernel;
    uint8_t *b = calloc(1, *len);
    b[0x1F1] = SETUP_SECTS;
    put32(b + 0x1F4, (uint32_t)((kernel - 100) / 16)); /* syssize */
    put16(b + 0x1FE, 0xAA55);
    b[0x200] = 0xEB;
    b[0x201] = 0x6A; /* header ends at 0x26C */
    memcpy(b + 0x202, "HdrS", 4);
    put16(b + 0x206, 0x020F);
    put16(b + 0x20E, 0x3000 - 0x200); /* kernel_version at 0x3000 */
    memcpy(b + 0x3000, "6.1.0-57-amd64 (debian-kernel@lists) #1", 40);
    b[0x211] = 0x01 | 0x80; /* LOADED_HIGH, CAN_USE_HEAP */
    put32(b + 0x22C, 0x7FFFFFFF);
    put32(b + 0x230, 2 * MiB);
    b[0x234] = 1;
    b[0x235] = 21;
    put16(b + 0x236, 0x7F);
    put32(b + 0x238, 2047);
    put64(b + 0x258, 16 * MiB);
    put32(b + 0x260, (uint32_t)(kernel * 8));
    return b;
}

static hv_linux_refusal parse_with(size_t at, uint32_t value, unsigned width)
{
    size_t len;
    uint8_t *b = make_bz(64 * 1024, &len);
    if (width == 1)
        b[at] = (uint8_t)value;
    else if (width == 2)
        put16(b + at, (uint16_t)value);
    else
        put32(b + at, value);
    hv_linux_kernel k;
    hv_linux_refusal r = hv_linux_parse(b, len, &k);
    free(b);
    return r;
}

static void test_parse(void)
{
    size_t len;
    uint8_t *b = make_bz(64 * 1024, &len);
    hv_linux_kernel k;
    CHECK(hv_linux_parse(b, len, &k) == HV_LINUX_OK);
    CHECK(k.setup_size == SETUP_SIZE);
    CHECK(k.kernel_size == 64 * 1024);
    CHECK(k.protocol == 0x020F);
    CHECK(k.kernel_alignment == 2 * MiB);
    CHECK(k.init_size == 8 * 64 * 1024);
    CHECK(k.cmdline_size == 2047);
    CHECK(k.initrd_addr_max == 0x7FFFFFFF);
    CHECK(k.pref_address == 16 * MiB);
    CHECK(k.header_end == 0x26C);
    CHECK_MSG(strcmp(k.release, "6.1.0-57-amd64") == 0, "release '%s'",
              k.release);

    /* Every refusal, one field at a time. */
    CHECK(hv_linux_parse(b, 1023, &k) == HV_LINUX_TOO_SHORT);
    CHECK(hv_linux_parse(b, SETUP_SIZE, &k) == HV_LINUX_TOO_SHORT);
    CHECK(parse_with(0x1FE, 0x55AA, 2) == HV_LINUX_NO_BOOT_FLAG);
    CHECK(parse_with(0x202, 'h', 1) == HV_LINUX_NO_HEADER);
    CHECK(parse_with(0x206, 0x020B, 2) == HV_LINUX_OLD_PROTOCOL);
    CHECK(parse_with(0x206, 0x020C, 2) == HV_LINUX_OK); /* 2.12 is enough */
    CHECK(parse_with(0x236, 0x7E, 2) == HV_LINUX_NOT_64BIT);
    CHECK(parse_with(0x234, 0, 1) == HV_LINUX_NOT_RELOCATABLE);
    CHECK(parse_with(0x211, 0x80, 1) == HV_LINUX_NOT_LOADED_HIGH);
    CHECK(parse_with(0x1F4, 0, 4) == HV_LINUX_BAD_SIZES);
    CHECK(parse_with(0x1F4, 64 * 1024 / 16, 4) == HV_LINUX_OK);
    CHECK(parse_with(0x1F4, 64 * 1024 / 16 + 1, 4) == HV_LINUX_BAD_SIZES);
    CHECK(parse_with(0x200, 0xE9, 1) == HV_LINUX_BAD_SIZES);
    CHECK(parse_with(0x201, 0x61, 1) == HV_LINUX_BAD_SIZES); /* < init_size */
    CHECK(parse_with(0x201, 0x8F, 1) == HV_LINUX_BAD_SIZES); /* past 0x290 */
    CHECK(parse_with(0x230, 0, 4) == HV_LINUX_BAD_ALIGNMENT);
    CHECK(parse_with(0x230, 3 * MiB, 4) == HV_LINUX_BAD_ALIGNMENT);
    CHECK(parse_with(0x230, 32 * MiB, 4) == HV_LINUX_BAD_ALIGNMENT);
    CHECK(parse_with(0x260, 64 * 1024 - 1, 4) == HV_LINUX_BAD_INIT_SIZE);
    /* Every refusal has a name and a sentence. */
    for (int r = HV_LINUX_OK; r <= HV_LINUX_BAD_INIT_SIZE; r++) {
        CHECK(strcmp(hv_linux_refusal_name((hv_linux_refusal)r), "unknown"));
        CHECK(strcmp(hv_linux_refusal_str((hv_linux_refusal)r),
                     "unknown refusal"));
    }

    /* setup_sects 0 means 4 (the protocol's rule for old kernels). */
    b[0x1F1] = 0;
    b[0x20E] = b[0x20F] = 0; /* its version string would be past the setup */
    CHECK(hv_linux_parse(b, len, &k) == HV_LINUX_OK);
    CHECK(k.setup_size == 5 * 512);
    CHECK(k.kernel_size == len - 5 * 512);
    CHECK(k.release[0] == '\0');
    b[0x1F1] = SETUP_SECTS;
    put16(b + 0x20E, 0x3000 - 0x200);

    /* The release: a word of the name charset, ended inside the setup. */
    memcpy(b + 0x3000, "6.1/evil x", 10);
    CHECK(hv_linux_parse(b, len, &k) == HV_LINUX_OK && k.release[0] == 0);
    memset(b + 0x3000, 'a', SETUP_SIZE - 0x3000); /* never ends */
    CHECK(hv_linux_parse(b, len, &k) == HV_LINUX_OK && k.release[0] == 0);
    memcpy(b + 0x3000, "6.1.0 x", 8);
    CHECK(hv_linux_parse(b, len, &k) == HV_LINUX_OK &&
          strcmp(k.release, "6.1.0") == 0);
    put16(b + 0x20E, 0xFFFF); /* points past the setup: no release */
    CHECK(hv_linux_parse(b, len, &k) == HV_LINUX_OK && k.release[0] == 0);
    free(b);
}

static void test_placement(void)
{
    size_t len;
    uint8_t *b = make_bz(8 * MiB, &len);
    hv_linux_kernel k;
    CHECK(hv_linux_parse(b, len, &k) == HV_LINUX_OK);
    uint64_t load = 0, entry = 0;
    /* The stage's core window: 1 MiB to 16 MiB. */
    CHECK(hv_linux_placement(&k, 1 * MiB, 16 * MiB, &load, &entry) == 0);
    CHECK(load == 2 * MiB - SETUP_SIZE);
    CHECK(entry == 2 * MiB + 0x200);
    /* A window starting on a boundary still leaves room for the setup. */
    CHECK(hv_linux_placement(&k, 2 * MiB, 16 * MiB, &load, &entry) == 0);
    CHECK(load == 4 * MiB - SETUP_SIZE);
    /* Exactly fitting, one byte short. */
    CHECK(hv_linux_placement(&k, 1 * MiB, 10 * MiB, &load, &entry) == 0);
    CHECK(hv_linux_placement(&k, 1 * MiB, 10 * MiB - 1, &load, &entry) == -1);
    CHECK(hv_linux_placement(&k, 1 * MiB, 1 * MiB, &load, &entry) == -1);
    CHECK(hv_linux_placement(&k, UINT64_MAX - 4096, UINT64_MAX, &load,
                             &entry) == -1);
    free(b);
}

static void test_cmdline(void)
{
    uint64_t bad = 99;
    const uint8_t ok[] = "console=ttyS0,115200 panic=-1 ~";
    CHECK(hv_linux_cmdline_check(ok, sizeof ok - 1, 100, &bad) == 0);
    CHECK(hv_linux_cmdline_check(ok, 0, 100, &bad) == -1 && bad == 0);
    CHECK(hv_linux_cmdline_check(ok, sizeof ok - 1, 5, &bad) == -1 &&
          bad == sizeof ok - 1);
    const uint8_t tab[] = "console=ttyS0\tquiet";
    CHECK(hv_linux_cmdline_check(tab, sizeof tab - 1, 100, &bad) == -1 &&
          bad == 13);
    const uint8_t nul[] = {'a', 0, 'b'};
    CHECK(hv_linux_cmdline_check(nul, 3, 100, &bad) == -1 && bad == 1);
    const uint8_t high[] = {'a', 'b', 0x80};
    CHECK(hv_linux_cmdline_check(high, 3, 100, &bad) == -1 && bad == 2);
    const uint8_t del[] = {0x7F};
    CHECK(hv_linux_cmdline_check(del, 1, 100, &bad) == -1 && bad == 0);
}

/* Multiboot mmap entries: size 20, base, length, type. */
static size_t mb(uint8_t *p, uint64_t base, uint64_t length, uint32_t type)
{
    put32(p, 20);
    put64(p + 4, base);
    put64(p + 12, length);
    put32(p + 20, type);
    return 24;
}

static int is(const hv_e820_map *m, uint32_t i, uint64_t addr, uint64_t size,
              uint32_t type)
{
    return i < m->count && m->e[i].addr == addr && m->e[i].size == size &&
           m->e[i].type == type;
}

static void test_e820(void)
{
    uint8_t buf[24 * 200];
    size_t n = 0;
    hv_e820_map m;

    /* What SeaBIOS gives QEMU's multiboot loader with -m 1G, unsorted. */
    n += mb(buf + n, 0x100000, 0x3FEE0000, 1);
    n += mb(buf + n, 0, 0x9FC00, 1);
    n += mb(buf + n, 0x9FC00, 0x400, 2);
    n += mb(buf + n, 0xF0000, 0x10000, 2);
    n += mb(buf + n, 0x3FFE0000, 0x20000, 2);
    n += mb(buf + n, 0xFFFC0000, 0x40000, 2);
    n += mb(buf + n, 0x50000000, 0, 1); /* empty: dropped */
    CHECK(hv_linux_e820_from_multiboot(buf, (uint32_t)n, &m) == 0);
    CHECK(m.count == 6);
    CHECK(is(&m, 0, 0, 0xA0000 - 0x400, HV_E820_RAM));
    CHECK(is(&m, 1, 0x9FC00, 0x400, HV_E820_RESERVED));
    CHECK(is(&m, 2, 0xF0000, 0x3FEF0000, HV_E820_RAM) == 0);
    CHECK(is(&m, 2, 0xF0000, 0x10000, HV_E820_RESERVED));
    CHECK(is(&m, 3, 0x100000, 0x3FEE0000, HV_E820_RAM));
    CHECK(is(&m, 4, 0x3FFE0000, 0x20000, HV_E820_RESERVED));
    CHECK(is(&m, 5, 0xFFFC0000, 0x40000, HV_E820_RESERVED));

    /* The flash window at 4 GiB, beyond RAM: it joins the reserved BIOS
     * range ending there; 1 MiB further up it is an entry of its own. */
    hv_e820_map f = m;
    CHECK(hv_linux_e820_reserve(&f, 0x100000000, 64 * MiB, HV_E820_RESERVED)
          == 0);
    CHECK(f.count == 6 &&
          is(&f, 5, 0xFFFC0000, 0x40000 + 64 * MiB, HV_E820_RESERVED));
    f = m;
    CHECK(hv_linux_e820_reserve(&f, 0x100100000, 64 * MiB, HV_E820_RESERVED)
          == 0);
    CHECK(f.count == 7 && is(&f, 6, 0x100100000, 64 * MiB, HV_E820_RESERVED));
    /* A range inside RAM splits it in three. */
    f = m;
    CHECK(hv_linux_e820_reserve(&f, 0x1000000, 0x100000, HV_E820_RESERVED)
          == 0);
    CHECK(f.count == 8);
    CHECK(is(&f, 3, 0x100000, 0xF00000, HV_E820_RAM));
    CHECK(is(&f, 4, 0x1000000, 0x100000, HV_E820_RESERVED));
    CHECK(is(&f, 5, 0x1100000, 0x3FFE0000 - 0x1100000, HV_E820_RAM));
    /* Reserving over a reserved neighbour merges with it. */
    f = m;
    CHECK(hv_linux_e820_reserve(&f, 0x3FF00000, 0xE0000, HV_E820_RESERVED)
          == 0);
    CHECK(f.count == 6 && is(&f, 4, 0x3FF00000, 0x100000, HV_E820_RESERVED));
    CHECK(hv_linux_e820_reserve(&f, UINT64_MAX - 10, 20, 2) == -1);
    CHECK(hv_linux_e820_reserve(&f, 0, 20, HV_E820_RAM) == -1);

    /* Overlaps: the more restrictive type wins; type 7 counts as
     * reserved; ACPI over RAM stays ACPI. */
    n = 0;
    n += mb(buf + n, 0, 0x100000, 1);
    n += mb(buf + n, 0x80000, 0x100000, 3);
    n += mb(buf + n, 0xC0000, 0x1000, 7);
    CHECK(hv_linux_e820_from_multiboot(buf, (uint32_t)n, &m) == 0);
    CHECK(m.count == 4);
    CHECK(is(&m, 0, 0, 0x80000, HV_E820_RAM));
    CHECK(is(&m, 1, 0x80000, 0x40000, HV_E820_ACPI));
    CHECK(is(&m, 2, 0xC0000, 0x1000, HV_E820_RESERVED));
    CHECK(is(&m, 3, 0xC1000, 0xBF000, HV_E820_ACPI));

    /* Malformed maps. */
    CHECK(hv_linux_e820_from_multiboot(buf, 3, &m) == -1); /* short size */
    CHECK(hv_linux_e820_from_multiboot(buf, 23, &m) == -1); /* cut entry */
    uint8_t small[24];
    mb(small, 0, 0x1000, 1);
    put32(small, 16); /* an entry too small for its fields */
    CHECK(hv_linux_e820_from_multiboot(small, 24, &m) == -1);
    mb(small, UINT64_MAX - 10, 20, 1); /* wraps */
    CHECK(hv_linux_e820_from_multiboot(small, 24, &m) == -1);
    mb(small, 0, 0x1000, 2); /* no RAM at all */
    CHECK(hv_linux_e820_from_multiboot(small, 24, &m) == -1);
    /* Larger size fields are allowed: the next entry starts after it. */
    uint8_t wide[28 * 2];
    mb(wide, 0, 0x1000, 1);
    put32(wide, 24);
    mb(wide + 28, 0x2000, 0x1000, 1);
    put32(wide + 28, 24);
    CHECK(hv_linux_e820_from_multiboot(wide, sizeof wide, &m) == 0 &&
          m.count == 2 && is(&m, 1, 0x2000, 0x1000, HV_E820_RAM));
    /* 129 disjoint entries do not fit; 128 do. */
    n = 0;
    for (uint64_t i = 0; i < 129; i++)
        n += mb(buf + n, i * 0x2000, 0x1000, 1);
    CHECK(hv_linux_e820_from_multiboot(buf, (uint32_t)n, &m) == -1);
    CHECK(hv_linux_e820_from_multiboot(buf, (uint32_t)(n - 24), &m) == 0 &&
          m.count == 128);
    /* A full map takes no reservation. */
    CHECK(hv_linux_e820_reserve(&m, 0x100000000, 4096, 2) == -1);
}

static void test_initrd(void)
{
    uint8_t buf[24 * 4];
    size_t n = 0;
    n += mb(buf + n, 0, 0x9FC00, 1);
    n += mb(buf + n, 0x100000, 0x3FEE0000, 1); /* to 0x3FFE0000 */
    hv_e820_map m;
    CHECK(hv_linux_e820_from_multiboot(buf, (uint32_t)n, &m) == 0);
    uint64_t a = 0;
    /* As high as it goes: ends at or below 0x3FFE0000, page aligned. */
    CHECK(hv_linux_place_initrd(&m, 0x123456, 4096, 224 * MiB, 0x7FFFFFFF,
                                &a) == 0);
    CHECK(a == ((0x3FFE0000 - 0x123456) & ~(uint64_t)4095));
    /* Under the kernel's initrd_addr_max. */
    CHECK(hv_linux_place_initrd(&m, 0x1000, 4096, 0, 0x20000FFF, &a) == 0);
    CHECK(a == 0x20000000);
    CHECK(hv_linux_place_initrd(&m, 0x1000, 4096, 0, 0x20000FFE, &a) == 0);
    CHECK(a == 0x1FFFF000);
    /* Not below |lowest|, not in a RAM entry too small. */
    CHECK(hv_linux_place_initrd(&m, 0x3FEE0000, 4096, 0x100000, UINT64_MAX,
                                &a) == 0 && a == 0x100000);
    CHECK(hv_linux_place_initrd(&m, 0x3FEE0000, 4096, 0x101000, UINT64_MAX,
                                &a) == -1);
    CHECK(hv_linux_place_initrd(&m, 0x40000000, 4096, 0, UINT64_MAX, &a)
          == -1);
    /* Falls to the low entry when the high one is excluded. */
    CHECK(hv_linux_place_initrd(&m, 0x1000, 4096, 0, 0xFFFFF, &a) == 0 &&
          a == 0x9E000);
    CHECK(hv_linux_place_initrd(&m, 0, 4096, 0, UINT64_MAX, &a) == -1);
    CHECK(hv_linux_place_initrd(&m, 10, 3, 0, UINT64_MAX, &a) == -1);
}

static void test_zero_page(void)
{
    size_t len;
    uint8_t *b = make_bz(64 * 1024, &len);
    hv_linux_kernel k;
    CHECK(hv_linux_parse(b, len, &k) == HV_LINUX_OK);
    uint8_t buf[24 * 3];
    size_t n = 0;
    n += mb(buf + n, 0, 0x9FC00, 1);
    n += mb(buf + n, 0x100000, 0x3FEE0000, 1);
    hv_e820_map m;
    CHECK(hv_linux_e820_from_multiboot(buf, (uint32_t)n, &m) == 0);
    CHECK(hv_linux_e820_reserve(&m, 0x100000000, 64 * MiB, 2) == 0);

    static uint8_t zp[HV_LINUX_ZERO_PAGE_SIZE];
    memset(zp, 0xAB, sizeof zp);
    hv_linux_boot boot = {0x11000, 0x3F000000, 0x234567, &m};
    CHECK(hv_linux_zero_page(zp, b, &k, &boot) == 0);
    CHECK(zp[0] == 0 && zp[0x1F0] == 0 && zp[0xFFF] == 0);
    CHECK(memcmp(zp + 0x1F1, b + 0x1F1, 0x210 - 0x1F1) == 0);
    CHECK(memcmp(zp + 0x212, b + 0x212, 0x218 - 0x212) == 0);
    CHECK(memcmp(zp + 0x22C, b + 0x22C, 0x26C - 0x22C) == 0);
    CHECK(zp[0x26C] == 0); /* nothing past the header */
    CHECK(zp[0x210] == 0xFF);
    CHECK(zp[0x211] == 0x01); /* CAN_USE_HEAP cleared */
    CHECK(get32(zp + 0x228) == 0x11000 && get32(zp + 0xC8) == 0);
    CHECK(get32(zp + 0x218) == 0x3F000000 && get32(zp + 0xC0) == 0);
    CHECK(get32(zp + 0x21C) == 0x234567 && get32(zp + 0xC4) == 0);
    CHECK(zp[0x1E8] == 3);
    CHECK(get64(zp + 0x2D0) == 0 && get64(zp + 0x2D8) == 0x9FC00 &&
          get32(zp + 0x2E0) == 1);
    CHECK(get64(zp + 0x2D0 + 40) == 0x100000000 &&
          get64(zp + 0x2D0 + 48) == 64 * MiB && get32(zp + 0x2D0 + 56) == 2);
    CHECK(zp[0x2D0 + 60] == 0);

    /* Refused: the initrd's last byte beyond initrd_addr_max, the command
     * line above 4 GiB. Exactly at the limit is fine. */
    boot.initrd_address = 0x7FFFFFFF - 0x234567 + 1;
    CHECK(hv_linux_zero_page(zp, b, &k, &boot) == 0);
    boot.initrd_address++;
    CHECK(hv_linux_zero_page(zp, b, &k, &boot) == -1);
    boot.initrd_address = 0x3F000000;
    boot.cmdline_address = 0x100000000;
    CHECK(hv_linux_zero_page(zp, b, &k, &boot) == -1);
    boot.cmdline_address = 0x11000;
    /* No initrd: both fields zero. */
    boot.initrd_address = boot.initrd_size = 0;
    CHECK(hv_linux_zero_page(zp, b, &k, &boot) == 0 &&
          get32(zp + 0x218) == 0 && get32(zp + 0x21C) == 0);
    free(b);
}

int main(void)
{
    test_parse();
    test_placement();
    test_cmdline();
    test_e820();
    test_initrd();
    test_zero_page();
    return CHECK_DONE();
}
