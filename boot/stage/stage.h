/*
 * Internal interfaces of the x86-64 boot stage (boot/stage/). Nothing here
 * is used outside this folder; docs/BOOT.md describes the behaviour.
 *
 * Files: entry.S (headers, long mode, exception stubs, hand-off), main.c
 * (the boot flow), trust.c (the trust area), bootstate.c (boot-state
 * record), flashops.c (hv_ops over memory-mapped flash, RAM windows,
 * timing), linux.c (the Linux boot protocol), console.c (serial and
 * printing), libc.c (mem* and the stubs
 * the static libraries reference), zstd_legacy.c (stand-ins that keep
 * zstd's legacy decoders out of the link).
 */
#ifndef STAGE_H
#define STAGE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "hvboot.h"
#include "hvbootstate.h"
#include "hvimage/flash.h"
#include "hvpolicy.h"
#include "hvtrust.h"
#include "platform.h"

/* libc.c: the only C library the stage (and the libraries it links) has. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* ---- CPU ---------------------------------------------------------------- */

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

/* entry.S */
extern uint64_t stage_tsc_entry;
extern uint8_t stage_stack[STAGE_STACK_SIZE];
extern uint8_t stage_stack_top[];
extern const uint8_t stage_trust[HV_TRUST_AREA_SIZE];
extern const uint64_t stage_isr_table[32];
void stage_paint_free_stack(void);
__attribute__((noreturn)) void stage_handoff(uint64_t entry, const void *bi);
__attribute__((noreturn)) void stage_linux_jump(uint64_t entry,
                                                uint64_t zero_page,
                                                uint64_t pml4,
                                                const void *gdtr);

/* Bytes of the stack touched since it was (last) painted, from the top. */
size_t stage_stack_used(void);

/* ---- Console (COM1, 115200 8N1) ----------------------------------------- */

void console_init(void);
/*
 * printf subset: %s %c %d %u %x %% with optional '0' and width, 'l'/'ll'/'z'
 * length. Every line the stage prints starts with "hvstage: ".
 */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
/* Print "hvstage: halted: WHY", end QEMU through isa-debug-exit with
 * |code| if the device is there, else halt for good. */
__attribute__((noreturn)) void stage_halt(uint8_t code, const char *why);

/* ---- Trust area --------------------------------------------------------- */

/* The trust area as the boot library parses it (hvtrust.h). */
typedef hv_trust_region stage_region;
typedef hv_trust_info stage_trust_info;

/* Parse and check the trust area. Returns 0, or -1 after printing why. */
int trust_load(const uint8_t area[HV_TRUST_AREA_SIZE], stage_trust_info *t);

/* ---- Flash and boot state ----------------------------------------------- */

/* Copy |len| bytes at flash offset |off| into |dst| (RAM). 0 or -1. */
int flash_read(const stage_trust_info *t, uint64_t off, void *dst, size_t len);

/* Make the boot_state region (only) writable in the page tables. 0, or -1
 * if the region is not 4 KiB aligned or lies beyond the mapped window. */
int bootstate_map_writable(const stage_trust_info *t);
/* The flash operations and layout the shared boot-state code runs on. */
void bootstate_flash(const stage_trust_info *t, hv_flash_ops *f,
                     hv_bs_layout *l);
/* Print the boot state, the slots' states and the floor. */
void bootstate_print(const hv_bs_view *v, uint64_t base, uint64_t floor,
                     const hv_bs_layout *l);

/* ---- One verification attempt ------------------------------------------- */

typedef struct stage_timing {
    uint64_t total;      /* the whole hv_verify() call                 */
    uint64_t signature;  /* TBS hashing and signature verification     */
    uint64_t hashing;    /* section digests                            */
    uint64_t unpack;     /* zstd decompression                         */
    uint64_t flash_copy; /* ops.read: flash to RAM                     */
    uint64_t hashed_bytes, unpacked_bytes, copied_bytes;
} stage_timing;

typedef struct stage_attempt {
    const stage_trust_info *trust;
    uint32_t slot;
    hv_bs_floors floors;   /* the confirmed counters it applies: the   */
                           /* security floor and, with roots, the rest */
    /* Section placement in the RAM windows (hvpolicy.h): the payload
     * bump pointer, and why section_memory refused, if it did. */
    hv_ram_plan ram;
    stage_timing timing;
    size_t stack_used;     /* deepest stack during hv_verify, bytes     */
    size_t verify_stack;   /* of which below the hv_verify call site    */
} stage_attempt;

/* The SHA-256 code the stage's digests run on this CPU, as
 * hv_crypto_native's hash_init picks it from CPUID: "x86-sha" or
 * "portable" (crypto_internal.h, hv_native_hash_impl). */
const char *stage_sha256_code(void);

/*
 * Verify slot |slot| with the trusted keys (or roots) and device identity
 * of |t| under |floors|: the security floor as the rollback counter (max of
 * the trust area's value and the monotonic counter), and for a device that
 * trusts roots its confirmed root, keyring and key-epoch counters. On
 * HV_OK every section of |v| points at verified RAM in the windows.
 */
hv_result stage_verify_slot(stage_attempt *a, const stage_trust_info *t,
                            uint32_t slot, const hv_bs_floors *floors,
                            hv_workspace *ws, hv_verdict *v);

/* ---- Linux core (linux.c) ---------------------------------------------- */

/*
 * Start the verified Linux core of |v| (slot |a->slot|) by the x86 64-bit
 * boot protocol, with the memory map from the multiboot info |mbi|.
 * Returns -1, after printing why, only if the hand-off cannot be made.
 */
int linux_hand_off(const stage_attempt *a, const hv_verdict *v,
                   const hv_bs_boot_result *res, const uint8_t *mbi);

#endif
