/*
 * The QEMU x86-64 platform as the boot stage sees it: the physical memory
 * map (docs/BOOT.md "Memory map"). Plain #defines so that entry.S and the
 * linker script can use them too.
 *
 *   0x00000000 - 0x000FFFFF  BIOS, multiboot info (not touched)
 *   0x00100000 - 0x00FFFFFF  core window: the unpacked core must lie here
 *   0x01000000 - 0x017FFFFF  the stage: image, bss, stack, page tables
 *   0x02000000 - 0x0DFFFFFF  payload window: boot info (first page), stored
 *                            copies of sections, unpacked bootcfg, drivers
 *   0x100000000 + flash size the flash, memory-mapped read-only
 */
#ifndef STAGE_PLATFORM_H
#define STAGE_PLATFORM_H

#define STAGE_LOAD_ADDRESS 0x01000000
#define STAGE_MEMORY_LIMIT 0x01800000

/* The core and payload windows are device policy, shared with hvimage
 * assemble and verify: boot/include/hvpolicy.h (HV_STAGE_*). */
#include "hvpolicy.h"

/* RAM the stage needs (QEMU -m 256M gives 256 MiB). */
#define STAGE_RAM_REQUIRED HV_STAGE_PAYLOAD_WINDOW_LIMIT

/* Where the NOR flash is mapped: QEMU pc-dimm at 4 GiB (docs/BOOT.md). */
#define FLASH_BASE 0x100000000

#define STAGE_STACK_SIZE 65536
#define STAGE_STACK_PAINT 0x5A5A5A5A5A5A5A5A

/* isa-debug-exit codes (QEMU exits with code * 2 + 1). */
#define DEBUG_EXIT_PORT 0xF4
#define EXIT_NO_BOOTABLE_SLOT 0x20 /* QEMU status 65 */
#define EXIT_FATAL 0x21            /* QEMU status 67 */

#endif
