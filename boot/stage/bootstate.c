/*
 * The boot state in the stage: the flash operations the shared boot-state
 * code (boot/include/hvbootstate.h) runs on, and the page-table change
 * that lets it write exactly the boot_state region.
 *
 * The flash window is mapped read-only with 2 MiB pages (entry.S). Here
 * the boot_state region (the v2 record log in its first two erase blocks,
 * the lab counter after them) becomes writable: 2 MiB pages wholly inside
 * it directly, the first and last ones it covers only partly split into
 * 4 KiB pages, writable only over the region: the slots and the boot
 * stage stay read-only, so a stage bug still cannot touch an image or
 * the stage itself. docs/BOOT.md "Where the flash is".
 *
 * QEMU's flash is a memory-backed file, not a NOR chip: program() stores
 * old AND new (what NOR programming does, bits only cleared) and erase()
 * stores 0xFF, so the shared code sees NOR semantics. On hardware these
 * two would issue the part's program and erase commands.
 */
#include "stage.h"

extern uint64_t page_pds[4096];

/* Page tables for the (at most two) 2 MiB pages that the boot_state region
 * covers only partly: its first and its last. */
static uint64_t split_pt[2][512] __attribute__((aligned(4096)));

#define PTE_PRESENT 0x1u
#define PTE_WRITABLE 0x2u
#define PDE_LARGE 0x80u
#define PAGE_2M (UINT64_C(1) << 21)

/* see stage.h */
int bootstate_map_writable(const stage_trust_info *t)
{
    uint64_t lo = FLASH_BASE + t->boot_state.offset;
    uint64_t hi = lo + t->boot_state.size;
    if (lo % 4096 || hi % 4096 || hi <= lo)
        return -1;
    uint64_t first = lo / PAGE_2M, last = (hi - 1) / PAGE_2M;
    if (last >= 4096)
        return -1;
    unsigned splits = 0;
    for (uint64_t pd = first; pd <= last; pd++) {
        uint64_t base = pd * PAGE_2M;
        if (base >= lo && base + PAGE_2M <= hi) {
            /* Wholly inside the region: one writable 2 MiB page. */
            page_pds[pd] = base | PDE_LARGE | PTE_PRESENT | PTE_WRITABLE;
            continue;
        }
        /* Only the first and the last page can be partial. */
        if (splits == 2)
            return -1;
        uint64_t *pt = split_pt[splits++];
        for (uint64_t i = 0; i < 512; i++) {
            uint64_t a = base + i * 4096;
            pt[i] = a | PTE_PRESENT | (a >= lo && a < hi ? PTE_WRITABLE : 0);
        }
        /* The PDE allows writes; each PTE decides. */
        page_pds[pd] = (uint64_t)(uintptr_t)pt | PTE_PRESENT | PTE_WRITABLE;
    }
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3) : : "memory");
    return 0;
}

static int in_state_region(const stage_trust_info *t, uint64_t off,
                           uint64_t len)
{
    const stage_region *r = &t->boot_state;
    return off >= r->offset && len <= r->size &&
           off - r->offset <= r->size - len;
}

static int bs_read(void *user, uint64_t off, void *dst, size_t len)
{
    return flash_read(user, off, dst, len);
}

static int bs_program(void *user, uint64_t off, const void *src, size_t len)
{
    if (!in_state_region(user, off, len))
        return -1;
    volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(FLASH_BASE + off);
    const uint8_t *s = src;
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(p[i] & s[i]);
    return 0;
}

static int bs_erase(void *user, uint64_t off)
{
    const stage_trust_info *t = user;
    if (off % t->erase_block || !in_state_region(t, off, t->erase_block))
        return -1;
    volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(FLASH_BASE + off);
    for (uint64_t i = 0; i < t->erase_block; i++)
        p[i] = HV_FLASH_ERASED;
    return 0;
}

/* see stage.h */
void bootstate_flash(const stage_trust_info *t, hv_flash_ops *f,
                     hv_bs_layout *l)
{
    /* The program unit of the emulated part: any size works for a
     * memory-backed file; 256 bytes is a common SPI NOR page. */
    *f = (hv_flash_ops){(void *)t, bs_read, bs_program, bs_erase,
                        t->erase_block, 256};
    hv_bs_layout_for_trust(t->boot_state.offset, t->boot_state.size,
                           t->erase_block, t->version, l);
}

static char slot_char(uint32_t s)
{
    return s == HV_SLOT_A ? 'A' : 'B';
}

/* see stage.h */
void bootstate_print(const hv_bs_view *v, uint64_t base, uint64_t floor,
                     const hv_bs_layout *l)
{
    switch (v->source) {
    case HV_BS_SRC_V2:
        kprintf("hvstage: boot state: record v2 sequence %u (block %u, "
                "record %u): active slot %c\n", v->sequence, v->block,
                v->index, slot_char(v->st.active));
        break;
    case HV_BS_SRC_V1:
        kprintf("hvstage: boot state: record v1 copy %u (sequence %u): "
                "active slot %c; the next change writes v2\n", v->block,
                v->sequence, slot_char(v->st.active));
        break;
    default:
        kprintf("hvstage: boot state: %s: trying slot A, then slot B\n",
                v->source == HV_BS_SRC_ERASED ? "erased" : "corrupt");
        break;
    }
    for (uint32_t s = 0; s < 2; s++) {
        if (v->st.slot_state[s] == HV_SLOT_STATE_TRIAL)
            kprintf("hvstage: slot %c: trial, %u tries left\n", slot_char(s),
                    v->st.tries[s]);
        else
            kprintf("hvstage: slot %c: %s\n", slot_char(s),
                    hv_slot_state_name(v->st.slot_state[s]));
    }
    if (l->counter_size && l->counter_parts > 1)
        kprintf("hvstage: security floor %lu (trust area %lu, lab counters "
                "in %u parts of %lu bytes at +0x%lx)\n", floor, base,
                l->counter_parts, l->counter_size / l->counter_parts,
                l->counter_offset);
    else if (l->counter_size)
        kprintf("hvstage: security floor %lu (trust area %lu, lab counter "
                "in %lu bytes at +0x%lx)\n", floor, base, l->counter_size,
                l->counter_offset);
    else
        kprintf("hvstage: security floor %lu (trust area; no counter "
                "region)\n", floor);
}
