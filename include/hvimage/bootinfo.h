/*
 * The boot-info structure: what the x86-64 boot stage (boot/stage/) hands
 * to the core it verified (monitor/ stands in for the hypervisor).
 *
 * Unlike the on-flash formats this is a C struct: it never leaves RAM, both
 * sides are built for x86-64 from this header, and every offset is pinned
 * by a _Static_assert below. docs/BOOT.md "Hand-off" documents it.
 *
 * Hand-off contract (stage -> core):
 *   - 64-bit long mode, CPL 0, interrupts disabled, identity-mapped paging
 *     covering the first 4 GiB of RAM and the flash window, SSE enabled;
 *   - RDI = physical address of this structure (16-byte aligned);
 *   - RSP = a valid 16-byte aligned stack in stage memory, usable until the
 *     core sets up its own;
 *   - everything the structure points at (bootcfg text, drivers archive)
 *     lies below |boot_data_end| in the stage's payload window and stays
 *     valid until the core reuses that RAM; the structure itself is there
 *     too. Stage memory (code, stack, page tables) may be reclaimed once
 *     the core has its own stack and page tables.
 *
 * Every byte the structure describes comes from an image that hv_verify()
 * accepted: text fields are copies of signed metadata (format.h charset,
 * NUL-terminated here), addresses point at verified unpacked sections.
 * The core checks magic, version, size and crc32 before using anything.
 */
#ifndef HVIMAGE_BOOTINFO_H
#define HVIMAGE_BOOTINFO_H

#include <stddef.h>
#include <stdint.h>

#include "hvimage/flash.h"

/* "HVBOOTI1" read as a little-endian u64. */
#define HV_BOOTINFO_MAGIC UINT64_C(0x3149544F4F425648)
#define HV_BOOTINFO_VERSION 2u

/* flags */
#define HV_BOOTINFO_FALLBACK 1u /* the boot state's first choice failed */
/*
 * A trial boot (docs/UPDATE.md): the slot is activated but not confirmed.
 * The core confirms it, once healthy, by committing a boot-state record
 * (format |boot_state_version|, hvbootstate.h hv_bs_confirm) in the
 * boot_state region at flash_base + boot_state_offset, which the stage
 * left mapped writable; the stage raises the floor at the next boot. A core
 * that never confirms is booted |tries_left| more times, then the stage
 * marks the slot bad and boots the other one.
 */
#define HV_BOOTINFO_TRIAL 2u

typedef struct hv_bootinfo {
    uint64_t magic;            /*   0 HV_BOOTINFO_MAGIC                    */
    uint32_t version;          /*   8 HV_BOOTINFO_VERSION                  */
    uint32_t size;             /*  12 sizeof(hv_bootinfo)                  */
    uint32_t slot;             /*  16 HV_SLOT_A or HV_SLOT_B                */
    uint32_t flags;            /*  20 HV_BOOTINFO_*                        */
    uint64_t security_version; /*  24 of the booted image                  */
    uint64_t rollback_counter; /*  32 the device's counter                 */
    uint64_t build_epoch;      /*  40 of the booted image                  */
    char image_name[72];       /*  48 NUL-terminated                       */
    char image_version[40];    /* 120 NUL-terminated                       */
    char oem_id[40];           /* 160 NUL-terminated                       */
    char board_id[40];         /* 200 NUL-terminated                       */
    uint64_t core_address;     /* 240 where the unpacked core lies         */
    uint64_t core_size;        /* 248 its unpacked size                    */
    uint64_t entry_point;      /* 256 where the stage jumped               */
    uint64_t bootcfg_address;  /* 264 key=value lines; 0 if no section     */
    uint64_t bootcfg_size;     /* 272                                      */
    uint64_t drivers_address;  /* 280 ustar archive; 0 if no section       */
    uint64_t drivers_size;     /* 288                                      */
    uint64_t boot_data_end;    /* 296 first byte after the stage's data    */
    uint64_t tsc_stage_entry;  /* 304 TSC at the stage's first instruction */
    uint64_t tsc_handoff;      /* 312 TSC just before the jump             */
    uint32_t boot_state_version; /* 320 HV_BOOT_STATE_V2 (flash.h)       */
    uint32_t tries_left;       /* 324 trial boots left after this one      */
    uint64_t flash_base;       /* 328 physical address of flash offset 0   */
    uint64_t boot_state_offset;/* 336 the boot_state region: the record    */
    uint64_t boot_state_size;  /* 344 log, then the lab counter            */
    uint64_t erase_block;      /* 352 of the flash                         */
    uint32_t reserved;         /* 360 zero                                 */
    uint32_t crc32;            /* 364 hv_crc32 of bytes [0, 364)           */
} hv_bootinfo;

_Static_assert(offsetof(hv_bootinfo, security_version) == 24, "bootinfo");
_Static_assert(offsetof(hv_bootinfo, image_name) == 48, "bootinfo");
_Static_assert(offsetof(hv_bootinfo, image_version) == 120, "bootinfo");
_Static_assert(offsetof(hv_bootinfo, oem_id) == 160, "bootinfo");
_Static_assert(offsetof(hv_bootinfo, board_id) == 200, "bootinfo");
_Static_assert(offsetof(hv_bootinfo, core_address) == 240, "bootinfo");
_Static_assert(offsetof(hv_bootinfo, boot_data_end) == 296, "bootinfo");
_Static_assert(offsetof(hv_bootinfo, boot_state_version) == 320, "bootinfo");
_Static_assert(offsetof(hv_bootinfo, flash_base) == 328, "bootinfo");
_Static_assert(offsetof(hv_bootinfo, erase_block) == 352, "bootinfo");
_Static_assert(offsetof(hv_bootinfo, crc32) == 364, "bootinfo");
_Static_assert(sizeof(hv_bootinfo) == 368, "bootinfo");

#endif /* HVIMAGE_BOOTINFO_H */
