/*
 * Starting a verified Linux core (docs/BOOT.md "Linux core"): the x86
 * 64-bit boot protocol from verified RAM only. The bzImage already lies at
 * its signed load address (hv_verify put it there); this file checks its
 * setup header again (hvlinux.h, the checks the builder ran), writes the
 * zero page, the command line, a GDT and identity page tables into a
 * hand-off area in low memory, copies the initramfs and the drivers
 * section into one initrd high in RAM, and jumps to the 64-bit entry.
 *
 * Why low memory for the hand-off: the kernel's decompressor first moves
 * itself to [pref_address, pref_address + init_size) (16 MiB to about
 * 80 MiB for Debian's 6.1), over the stage and the payload window, while it
 * still reads the zero page and runs on the loader's page tables. Nothing
 * it needs may lie there; the verified sections there are copied out first.
 */
#include "hvimage/codec.h"
#include "hvlinux.h"
#include "stage.h"

/* The hand-off area: RAM below 640 KiB that no one else uses once the
 * multiboot map has been read (the kernel reserves the first 1 MiB). */
#define HANDOFF_ZERO_PAGE 0x10000u
#define HANDOFF_CMDLINE 0x11000u /* 4 KiB, more than any cmdline_size */
#define HANDOFF_GDT 0x12000u
#define HANDOFF_PML4 0x13000u
#define HANDOFF_PDPT 0x14000u
#define HANDOFF_PD 0x15000u /* four pages: 0 to 4 GiB in 2 MiB pages */
#define HANDOFF_END 0x19000u

#define PAGE_PRESENT_RW 0x3u
#define PAGE_LARGE 0x80u
#define INITRD_ALIGN 4096u
/* The most multiboot map bytes the stage reads (QEMU gives about 150). */
#define MB_MMAP_MAX 4096u
#define MB_INFO_FLAG_MMAP (1u << 6)

/* The selectors the protocol names: __BOOT_CS 0x10, __BOOT_DS 0x18. */
static const uint64_t handoff_gdt[4] = {
    0, 0,
    0x00AF9A000000FFFFull, /* 0x10: 64-bit code */
    0x00CF92000000FFFFull, /* 0x18: flat data */
};

static hv_e820_map e820; /* 3 KiB: the bss, not the stack */

static char slot_letter(uint32_t slot)
{
    return slot == HV_SLOT_A ? 'A' : 'B';
}

static const hv_section *find(const hv_image_info *in, uint32_t type)
{
    for (uint32_t i = 0; i < in->section_count; i++)
        if (in->sections[i].type == type)
            return &in->sections[i];
    return 0;
}

/* Append |s| to the command line at |*len|, within |cap| bytes (the NUL
 * included). 0, or -1 if it does not fit. */
static int append(char *dst, size_t *len, size_t cap, const char *s)
{
    for (; *s; s++) {
        if (*len + 1 >= cap)
            return -1;
        dst[(*len)++] = *s;
    }
    dst[*len] = '\0';
    return 0;
}

static int refuse(uint32_t slot, const char *why)
{
    kprintf("hvstage: slot %c: linux: %s; not jumping\n", slot_letter(slot),
            why);
    return -1;
}

/* The multiboot map as e820, with the whole flash reserved: Linux must
 * neither use nor online it (QEMU's flash is a pc-dimm, which Linux would
 * otherwise treat as hot-pluggable RAM). */
static int make_e820(const uint8_t *mbi, const stage_trust_info *t,
                     uint32_t slot)
{
    if (!(hv_le32(mbi) & MB_INFO_FLAG_MMAP))
        return refuse(slot, "the loader gave no memory map");
    uint32_t len = hv_le32(mbi + 44);
    const uint8_t *mmap = (const uint8_t *)(uintptr_t)hv_le32(mbi + 48);
    if (len > MB_MMAP_MAX ||
        hv_linux_e820_from_multiboot(mmap, len, &e820) != 0)
        return refuse(slot, "the loader's memory map is malformed or has "
                            "no RAM");
    if (hv_linux_e820_reserve(&e820, FLASH_BASE, t->flash_size,
                              HV_E820_RESERVED) != 0)
        return refuse(slot, "the e820 map has no room for the flash");
    /* The hand-off area must be RAM the map gives Linux. */
    for (uint32_t i = 0; i < e820.count; i++) {
        const hv_e820_entry *e = &e820.e[i];
        if (e->type == HV_E820_RAM && e->addr <= HANDOFF_ZERO_PAGE &&
            e->size >= HANDOFF_END - e->addr)
            return 0;
    }
    return refuse(slot, "the hand-off area [0x10000, 0x19000) is not RAM");
}

static void build_page_tables(void)
{
    uint64_t *pml4 = (uint64_t *)(uintptr_t)HANDOFF_PML4;
    uint64_t *pdpt = (uint64_t *)(uintptr_t)HANDOFF_PDPT;
    uint64_t *pd = (uint64_t *)(uintptr_t)HANDOFF_PD;
    memset(pml4, 0, HANDOFF_END - HANDOFF_PML4);
    pml4[0] = HANDOFF_PDPT | PAGE_PRESENT_RW;
    for (uint64_t i = 0; i < 4; i++)
        pdpt[i] = (HANDOFF_PD + i * 4096) | PAGE_PRESENT_RW;
    /* RAM and MMIO below 4 GiB; the flash above it is not mapped. */
    for (uint64_t i = 0; i < 4 * 512; i++)
        pd[i] = (i << 21) | PAGE_LARGE | PAGE_PRESENT_RW;
}

int linux_hand_off(const stage_attempt *a, const hv_verdict *v,
                   const hv_bs_boot_result *res, const uint8_t *mbi)
{
    const hv_image_info *in = &v->info;
    const hv_section *core = &in->sections[0];
    const hv_section *cmd = find(in, HV_SECTION_CMDLINE);
    const hv_section *initramfs = find(in, HV_SECTION_INITRAMFS);
    const hv_section *drivers = find(in, HV_SECTION_DRIVERS);
    uint32_t slot = a->slot;

    /* The checks the builder ran, again, on the verified bytes. */
    hv_linux_kernel k;
    hv_linux_refusal lr = hv_linux_parse(core->data, core->unpacked_size, &k);
    if (lr != HV_LINUX_OK) {
        kprintf("hvstage: slot %c: linux: %s [%s]\n", slot_letter(slot),
                hv_linux_refusal_str(lr), hv_linux_refusal_name(lr));
        return refuse(slot, "the core is not a bzImage the stage can start");
    }
    uint64_t load, entry;
    if (hv_linux_placement(&k, HV_STAGE_CORE_WINDOW_BASE,
                           HV_STAGE_CORE_WINDOW_LIMIT, &load, &entry) != 0 ||
        load != core->load_address || entry != core->entry_point)
        return refuse(slot, "the core's load address or entry is not where "
                            "the boot protocol puts this kernel");
    uint64_t max = k.cmdline_size < HV_LINUX_CMDLINE_MAX ? k.cmdline_size
                                                         : HV_LINUX_CMDLINE_MAX;
    uint64_t bad;
    if (!cmd || max < HV_LINUX_CMDLINE_STAGE_RESERVE ||
        hv_linux_cmdline_check(cmd->data, cmd->unpacked_size,
                               max - HV_LINUX_CMDLINE_STAGE_RESERVE,
                               &bad) != 0)
        return refuse(slot, "the command line is missing, too long for this "
                            "kernel or not printable text");

    /* Read the loader's map before the hand-off area is written: it may
     * lie anywhere in low memory. */
    if (make_e820(mbi, a->trust, slot) != 0)
        return -1;

    /* The command line: the signed bytes, then what this boot is, for the
     * on-device agent (docs/BOOT.md). */
    char *line = (char *)(uintptr_t)HANDOFF_CMDLINE;
    size_t len = cmd->unpacked_size;
    memcpy(line, cmd->data, len);
    line[len] = '\0';
    char slot_word[2] = {slot_letter(slot), '\0'};
    if (append(line, &len, max + 1, " hvimage.slot=") != 0 ||
        append(line, &len, max + 1, slot_word) != 0 ||
        append(line, &len, max + 1, res->trial ? " hvimage.trial=1"
                                               : " hvimage.trial=0") != 0 ||
        append(line, &len, max + 1, res->fallback ? " hvimage.fallback=1"
                                                  : " hvimage.fallback=0") != 0)
        return refuse(slot, "no room for the boot words on the command line");

    /* One initrd: the initramfs, zeros to a 4-byte boundary (where the
     * kernel looks for the next archive), the drivers archive. It goes as
     * high as the kernel allows, above everything the decompressor
     * overwrites and above the payload window it is copied from. */
    uint64_t first = initramfs ? initramfs->unpacked_size : 0;
    uint64_t pad = (4 - (first & 3)) & 3;
    uint64_t second = drivers ? drivers->unpacked_size : 0;
    uint64_t size = first + pad + second;
    uint64_t initrd = 0;
    if (size != 0) {
        uint64_t lowest = HV_STAGE_PAYLOAD_WINDOW_LIMIT;
        if (k.pref_address > UINT64_MAX - k.init_size)
            return refuse(slot, "pref_address + init_size wraps");
        if (k.pref_address + k.init_size > lowest)
            lowest = k.pref_address + k.init_size;
        uint64_t highest = k.initrd_addr_max < 0xFFFFFFFFu ? k.initrd_addr_max
                                                           : 0xFFFFFFFFu;
        if (hv_linux_place_initrd(&e820, size, INITRD_ALIGN, lowest, highest,
                                  &initrd) != 0) {
            kprintf("hvstage: slot %c: linux: an initrd of %lu bytes does not "
                    "fit in RAM between 0x%lx and 0x%lx\n", slot_letter(slot),
                    size, lowest, highest);
            return refuse(slot, "not enough RAM for the initrd");
        }
        uint8_t *dst = (uint8_t *)(uintptr_t)initrd;
        if (first)
            memcpy(dst, initramfs->data, first);
        memset(dst + first, 0, pad);
        if (second)
            memcpy(dst + first + pad, drivers->data, second);
    }

    uint8_t *zp = (uint8_t *)(uintptr_t)HANDOFF_ZERO_PAGE;
    hv_linux_boot boot = {HANDOFF_CMDLINE, initrd, size, &e820};
    if (hv_linux_zero_page(zp, core->data, &k, &boot) != 0)
        return refuse(slot, "the zero page cannot describe this hand-off");
    memcpy((void *)(uintptr_t)HANDOFF_GDT, handoff_gdt, sizeof handoff_gdt);
    build_page_tables();

    kprintf("hvstage: slot %c: linux %s, boot protocol %u.%02u, bzImage %lu "
            "bytes at 0x%lx (setup %u), init_size %u\n", slot_letter(slot),
            k.release[0] ? k.release : "(no release string)",
            k.protocol >> 8, k.protocol & 0xFF, core->unpacked_size,
            core->load_address, k.setup_size, k.init_size);
    kprintf("hvstage: initrd %lu bytes at 0x%lx (initramfs %lu + drivers "
            "%lu)\n", size, initrd, first, second);
    kprintf("hvstage: e820: %u entries, flash [0x%lx, 0x%lx) reserved\n",
            e820.count, (uint64_t)FLASH_BASE,
            (uint64_t)FLASH_BASE + a->trust->flash_size);
    kprintf("hvstage: command line: %s\n", line);
    kprintf("hvstage: stage entry to hand-off: %lu TSC cycles; jumping to "
            "the 64-bit entry 0x%lx, zero page at 0x%x\n",
            rdtsc() - stage_tsc_entry, entry, HANDOFF_ZERO_PAGE);
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } gdtr = {sizeof handoff_gdt - 1, HANDOFF_GDT};
    stage_linux_jump(entry, HANDOFF_ZERO_PAGE, HANDOFF_PML4, &gdtr);
}
