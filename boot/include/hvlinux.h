/*
 * Starting Linux by the x86 64-bit boot protocol (docs/BOOT.md "Linux
 * core"): the checks on a bzImage's setup header, where its bytes go, the
 * e820 memory map and the zero page. Pure functions over caller buffers,
 * no allocation: the builder refuses at build time what the stage could
 * not start (the same checks), the stage builds the hand-off with them, and
 * tests/linux/ runs them on the host.
 *
 * Offsets and field meanings are those of the kernel's x86 boot protocol
 * document (the "real-mode kernel header") and its zero-page table; this
 * code reads and writes those bytes itself.
 */
#ifndef HVLINUX_H
#define HVLINUX_H

#include <stddef.h>
#include <stdint.h>

/* Boot protocol 2.12 brought xloadflags and with it the 64-bit entry. */
#define HV_LINUX_MIN_PROTOCOL 0x020Cu
/* The 64-bit entry is this far into the protected-mode kernel. */
#define HV_LINUX_ENTRY64_OFFSET 0x200u
#define HV_LINUX_ZERO_PAGE_SIZE 4096u
/* Entries the zero page's e820_table holds. */
#define HV_LINUX_E820_MAX 128u
/* Bytes of the command line the stage keeps for what it appends
 * (" hvimage.slot=A hvimage.trial=1 ...", docs/BOOT.md): the signed
 * command line may use the kernel's cmdline_size minus this. */
#define HV_LINUX_CMDLINE_STAGE_RESERVE 128u
/* The largest command line any image may carry (the kernel's own limit,
 * COMMAND_LINE_SIZE on x86, less the NUL). */
#define HV_LINUX_CMDLINE_MAX 2047u

/* What the setup header says, after hv_linux_parse accepted it. */
typedef struct hv_linux_kernel {
    uint32_t setup_size;       /* (setup_sects, 0 meaning 4, + 1) * 512     */
    uint64_t kernel_size;      /* the protected-mode part: file - setup     */
    uint16_t protocol;         /* 0x020F = 2.15                             */
    uint16_t xloadflags;
    uint32_t kernel_alignment; /* power of two                              */
    uint32_t init_size;        /* bytes the kernel needs from its start     */
    uint32_t cmdline_size;     /* longest command line, NUL excluded        */
    uint32_t initrd_addr_max;  /* highest address the initrd may reach      */
    uint64_t pref_address;
    uint32_t header_end;       /* setup header bytes: [0x1F1, header_end)   */
    char release[65];          /* first word of kernel_version, "" if none  */
} hv_linux_kernel;

typedef enum hv_linux_refusal {
    HV_LINUX_OK = 0,
    HV_LINUX_TOO_SHORT,       /* shorter than its setup, or than 1 KiB     */
    HV_LINUX_NO_BOOT_FLAG,    /* no 0xAA55 at 0x1FE                        */
    HV_LINUX_NO_HEADER,       /* no "HdrS" at 0x202                        */
    HV_LINUX_OLD_PROTOCOL,    /* before 2.12                               */
    HV_LINUX_NOT_64BIT,       /* xloadflags lacks XLF_KERNEL_64            */
    HV_LINUX_NOT_RELOCATABLE, /* relocatable_kernel is 0                   */
    HV_LINUX_NOT_LOADED_HIGH, /* loadflags lacks LOADED_HIGH (a zImage)    */
    HV_LINUX_BAD_SIZES,       /* syssize, setup or header beyond the file  */
    HV_LINUX_BAD_ALIGNMENT,   /* kernel_alignment 0, not a power of two,   */
                              /* or above 16 MiB                           */
    HV_LINUX_BAD_INIT_SIZE,   /* init_size smaller than the kernel         */
} hv_linux_refusal;

/* One sentence for |r|, and a stable short name ("old_protocol"). */
const char *hv_linux_refusal_str(hv_linux_refusal r);
const char *hv_linux_refusal_name(hv_linux_refusal r);

/*
 * Check the bzImage |bz| of |len| bytes (the whole file) and describe it in
 * |k|. Every field is read from within |len|; nothing is trusted that the
 * checks did not bound.
 */
hv_linux_refusal hv_linux_parse(const uint8_t *bz, uint64_t len,
                                hv_linux_kernel *k);

/*
 * Where the core section (the whole bzImage) is loaded so that its
 * protected-mode part starts on a kernel_alignment boundary inside the
 * core window [window_base, window_limit), as low as possible: |*load| is
 * the section's load address, |*entry| the 64-bit entry. Returns 0, or -1
 * if the file does not fit the window from any such address.
 */
int hv_linux_placement(const hv_linux_kernel *k, uint64_t window_base,
                       uint64_t window_limit, uint64_t *load, uint64_t *entry);

/*
 * Check a command line as the image carries it (no NUL): 1..|max| bytes,
 * each printable ASCII (0x20..0x7E). Returns 0, or -1 with |*bad| the
 * offset of the first byte refused (or |len| when the length is).
 */
int hv_linux_cmdline_check(const uint8_t *s, uint64_t len, uint64_t max,
                           uint64_t *bad);

/* ---- Memory map ----------------------------------------------------------- */

#define HV_E820_RAM 1u
#define HV_E820_RESERVED 2u
#define HV_E820_ACPI 3u
#define HV_E820_NVS 4u
#define HV_E820_UNUSABLE 5u

typedef struct hv_e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} hv_e820_entry;

typedef struct hv_e820_map {
    hv_e820_entry e[HV_LINUX_E820_MAX];
    uint32_t count;
} hv_e820_map;

/*
 * Convert the multiboot (v1) memory map |mmap| of |len| bytes (entries of
 * size, base_addr, length, type) into |map|: sorted by address, empty
 * entries dropped, types above 5 made reserved, overlaps resolved in favour
 * of the more restrictive type (anything over RAM). Returns 0, or -1 if an
 * entry's size field runs past |len|, the map would need more than
 * HV_LINUX_E820_MAX entries, or no RAM is left.
 */
int hv_linux_e820_from_multiboot(const uint8_t *mmap, uint32_t len,
                                 hv_e820_map *map);

/*
 * Mark [addr, addr + size) as |type| (not RAM), splitting or trimming the
 * RAM entries it overlaps, inserting it in order. 0, or -1 if the range
 * wraps or the map is full.
 */
int hv_linux_e820_reserve(hv_e820_map *map, uint64_t addr, uint64_t size,
                          uint32_t type);

/*
 * The highest |align|-aligned address A with [A, A + size) inside one RAM
 * entry, A >= |lowest| and A + size - 1 <= |highest|. 0, or -1 if none.
 */
int hv_linux_place_initrd(const hv_e820_map *map, uint64_t size,
                          uint64_t align, uint64_t lowest, uint64_t highest,
                          uint64_t *addr);

/* ---- Zero page ------------------------------------------------------------ */

typedef struct hv_linux_boot {
    uint64_t cmdline_address; /* NUL-terminated, below 4 GiB               */
    uint64_t initrd_address;  /* 0 and size 0: no initrd                   */
    uint64_t initrd_size;
    const hv_e820_map *map;
} hv_linux_boot;

/*
 * Fill the zero page |zp| for the kernel |bz| that hv_linux_parse described
 * in |k|: zeroed, the setup header copied from the file, then the loader's
 * fields (type_of_loader 0xFF, cmd_line_ptr, ramdisk_image/size with their
 * ext_ fields, loadflags with CAN_USE_HEAP cleared and KEEP_SEGMENTS
 * clear) and the e820 table. Returns 0, or -1 if an address does not fit
 * the fields (the command line above 4 GiB, the initrd beyond
 * initrd_addr_max).
 */
int hv_linux_zero_page(uint8_t zp[HV_LINUX_ZERO_PAGE_SIZE], const uint8_t *bz,
                       const hv_linux_kernel *k, const hv_linux_boot *b);

#endif
