/*
 * What the stage hands Linux (hvlinux.h): the e820 memory map, made from
 * the boot loader's multiboot map with the flash reserved, the initrd's
 * place in it, and the zero page. No allocation: the map is normalised in
 * place with a bounded scratch array on the stack.
 */
#include "hvimage/codec.h"
#include "hvlinux.h"

/* Zero page fields (the kernel's struct boot_params). */
#define ZP_EXT_RAMDISK_IMAGE 0x0C0u
#define ZP_EXT_RAMDISK_SIZE 0x0C4u
#define ZP_EXT_CMD_LINE_PTR 0x0C8u
#define ZP_E820_ENTRIES 0x1E8u
#define ZP_SETUP_HEADER 0x1F1u
#define ZP_TYPE_OF_LOADER 0x210u
#define ZP_LOADFLAGS 0x211u
#define ZP_RAMDISK_IMAGE 0x218u
#define ZP_RAMDISK_SIZE 0x21Cu
#define ZP_CMD_LINE_PTR 0x228u
#define ZP_E820_TABLE 0x2D0u
#define E820_ENTRY_SIZE 20u

#define LOADER_UNDEFINED 0xFFu /* no assigned loader id */
#define KEEP_SEGMENTS 0x40u
#define CAN_USE_HEAP 0x80u

#define MB_ENTRY_MIN 20u /* base_addr, length, type after the size field */

/* Which type wins where entries overlap: anything over RAM, reserved over
 * everything, then the higher number. */
static unsigned rank(uint32_t type)
{
    switch (type) {
    case HV_E820_RAM: return 0;
    case HV_E820_ACPI: return 1;
    case HV_E820_NVS: return 2;
    case HV_E820_UNUSABLE: return 3;
    default: return 4;
    }
}

static uint32_t canonical_type(uint32_t type)
{
    return type >= HV_E820_RAM && type <= HV_E820_UNUSABLE ? type
                                                           : HV_E820_RESERVED;
}

/*
 * Rebuild |map| from its own entries (possibly overlapping, unsorted;
 * end = addr + size, checked not to wrap by the callers): cut the address
 * space at every entry boundary, give each piece the winning type of the
 * entries covering it, and merge neighbours of one type. The pieces are at
 * most 2 * count - 1, so a full map can need 255 before merging; the
 * scratch holds the boundaries only.
 */
static int normalise(hv_e820_map *map)
{
    uint64_t cut[2 * HV_LINUX_E820_MAX];
    uint32_t ncut = 0;
    for (uint32_t i = 0; i < map->count; i++) {
        uint64_t b[2] = {map->e[i].addr, map->e[i].addr + map->e[i].size};
        for (unsigned j = 0; j < 2; j++) {
            /* insertion into the sorted, unique list */
            uint32_t at = 0;
            while (at < ncut && cut[at] < b[j])
                at++;
            if (at < ncut && cut[at] == b[j])
                continue;
            for (uint32_t m = ncut; m > at; m--)
                cut[m] = cut[m - 1];
            cut[at] = b[j];
            ncut++;
        }
    }

    hv_e820_entry out[HV_LINUX_E820_MAX];
    uint32_t n = 0;
    for (uint32_t c = 0; c + 1 < ncut; c++) {
        uint64_t lo = cut[c], hi = cut[c + 1];
        int covered = 0;
        uint32_t type = HV_E820_RAM;
        for (uint32_t i = 0; i < map->count; i++) {
            const hv_e820_entry *e = &map->e[i];
            if (e->addr <= lo && hi <= e->addr + e->size) {
                if (!covered || rank(e->type) > rank(type))
                    type = e->type;
                covered = 1;
            }
        }
        if (!covered)
            continue;
        if (n > 0 && out[n - 1].type == type &&
            out[n - 1].addr + out[n - 1].size == lo) {
            out[n - 1].size += hi - lo;
            continue;
        }
        if (n == HV_LINUX_E820_MAX)
            return -1;
        out[n++] = (hv_e820_entry){lo, hi - lo, type};
    }
    for (uint32_t i = 0; i < n; i++)
        map->e[i] = out[i];
    map->count = n;
    return 0;
}

static int has_ram(const hv_e820_map *map)
{
    for (uint32_t i = 0; i < map->count; i++)
        if (map->e[i].type == HV_E820_RAM)
            return 1;
    return 0;
}

int hv_linux_e820_from_multiboot(const uint8_t *mmap, uint32_t len,
                                 hv_e820_map *map)
{
    map->count = 0;
    uint32_t off = 0;
    while (off < len) {
        if (len - off < 4)
            return -1;
        uint32_t size = hv_le32(mmap + off);
        if (size < MB_ENTRY_MIN || size > len - off - 4)
            return -1;
        const uint8_t *p = mmap + off + 4;
        uint64_t addr = hv_le64(p), length = hv_le64(p + 8);
        uint32_t type = canonical_type(hv_le32(p + 16));
        off += 4 + size;
        if (length == 0)
            continue;
        if (addr > UINT64_MAX - length)
            return -1;
        if (map->count == HV_LINUX_E820_MAX)
            return -1;
        map->e[map->count++] = (hv_e820_entry){addr, length, type};
    }
    if (normalise(map) != 0 || !has_ram(map))
        return -1;
    return 0;
}

int hv_linux_e820_reserve(hv_e820_map *map, uint64_t addr, uint64_t size,
                          uint32_t type)
{
    if (size == 0)
        return 0;
    if (addr > UINT64_MAX - size || type == HV_E820_RAM ||
        map->count >= HV_LINUX_E820_MAX)
        return -1;
    hv_e820_map copy = *map;
    copy.e[copy.count++] = (hv_e820_entry){addr, size, canonical_type(type)};
    if (normalise(&copy) != 0)
        return -1;
    *map = copy;
    return 0;
}

int hv_linux_place_initrd(const hv_e820_map *map, uint64_t size,
                          uint64_t align, uint64_t lowest, uint64_t highest,
                          uint64_t *addr)
{
    if (size == 0 || align == 0 || (align & (align - 1)) != 0)
        return -1;
    int found = 0;
    uint64_t best = 0;
    for (uint32_t i = 0; i < map->count; i++) {
        const hv_e820_entry *e = &map->e[i];
        if (e->type != HV_E820_RAM)
            continue;
        uint64_t lo = e->addr > lowest ? e->addr : lowest;
        /* The last usable byte: the entry's, or |highest|. */
        uint64_t last = e->addr + (e->size - 1);
        if (last > highest)
            last = highest;
        if (lo > last || last - lo < size - 1)
            continue;
        uint64_t a = (last - (size - 1)) & ~(align - 1);
        if (a < lo)
            continue;
        if (!found || a > best)
            best = a, found = 1;
    }
    if (!found)
        return -1;
    *addr = best;
    return 0;
}

int hv_linux_zero_page(uint8_t zp[HV_LINUX_ZERO_PAGE_SIZE], const uint8_t *bz,
                       const hv_linux_kernel *k, const hv_linux_boot *b)
{
    if (b->cmdline_address > UINT32_MAX)
        return -1;
    if (b->initrd_size != 0 &&
        (b->initrd_address > UINT64_MAX - b->initrd_size ||
         b->initrd_address + b->initrd_size - 1 > k->initrd_addr_max))
        return -1;
    if (b->map->count > HV_LINUX_E820_MAX || k->header_end <= ZP_SETUP_HEADER ||
        k->header_end > ZP_E820_TABLE)
        return -1;

    for (uint32_t i = 0; i < HV_LINUX_ZERO_PAGE_SIZE; i++)
        zp[i] = 0;
    for (uint32_t i = ZP_SETUP_HEADER; i < k->header_end; i++)
        zp[i] = bz[i];

    zp[ZP_TYPE_OF_LOADER] = LOADER_UNDEFINED;
    /* No real-mode heap (the 64-bit entry runs no setup code) and the
     * kernel loads its own segments. */
    zp[ZP_LOADFLAGS] &= (uint8_t)~(KEEP_SEGMENTS | CAN_USE_HEAP);
    hv_put_le32(zp + ZP_CMD_LINE_PTR, (uint32_t)b->cmdline_address);
    hv_put_le32(zp + ZP_EXT_CMD_LINE_PTR, 0);
    hv_put_le32(zp + ZP_RAMDISK_IMAGE, (uint32_t)b->initrd_address);
    hv_put_le32(zp + ZP_EXT_RAMDISK_IMAGE,
                (uint32_t)(b->initrd_address >> 32));
    hv_put_le32(zp + ZP_RAMDISK_SIZE, (uint32_t)b->initrd_size);
    hv_put_le32(zp + ZP_EXT_RAMDISK_SIZE, (uint32_t)(b->initrd_size >> 32));

    zp[ZP_E820_ENTRIES] = (uint8_t)b->map->count;
    for (uint32_t i = 0; i < b->map->count; i++) {
        uint8_t *e = zp + ZP_E820_TABLE + i * E820_ENTRY_SIZE;
        hv_put_le64(e, b->map->e[i].addr);
        hv_put_le64(e + 8, b->map->e[i].size);
        hv_put_le32(e + 16, b->map->e[i].type);
    }
    return 0;
}
