/*
 * hvpolicy: the device policy a boot stage applies beyond hv_verify(), as
 * one piece of freestanding code and data shared by the boot stage
 * (boot/stage/), `hvimage assemble` and `hvimage verify`, so that an image
 * the host tools accept is one the stage boots (docs/BOOT.md "One device
 * policy").
 *
 * The device's identity checks (trusted keys, signature count, OEM, board,
 * rollback counter) are hv_verify()'s own: the stage feeds it the values of
 * its trust area, assemble the same values it writes there. What hv_verify
 * leaves to the platform is where sections go in RAM (hv_ops
 * section_memory); that is defined here: two RAM windows and the order in
 * which sections are placed in them.
 *
 *   core window     the unpacked core lies at its signed load address,
 *                   [load_address, load_address + unpacked_size) inside
 *                   [core_base, core_limit); an uncompressed core is read
 *                   straight there, a zstd core's stored bytes go to the
 *                   payload window.
 *   payload window  every other copy (stored bytes, then the unpacked
 *                   bytes of a zstd section), in section order, each at the
 *                   next payload_align boundary from payload_first; a size
 *                   that does not fit is refused, never truncated.
 *
 * The numbers are plain macros so that assembly and linker scripts can use
 * them; the C part is skipped under __ASSEMBLER__.
 */
#ifndef HVPOLICY_H
#define HVPOLICY_H

/*
 * The bundled x86-64 QEMU boot stage (docs/BOOT.md "Memory map"). The first
 * page of the payload window holds the boot info the stage hands over.
 */
#define HV_STAGE_CORE_WINDOW_BASE 0x00100000
#define HV_STAGE_CORE_WINDOW_LIMIT 0x01000000
#define HV_STAGE_PAYLOAD_WINDOW_BASE 0x02000000
#define HV_STAGE_PAYLOAD_WINDOW_LIMIT 0x0E000000
#define HV_STAGE_PAYLOAD_FIRST (HV_STAGE_PAYLOAD_WINDOW_BASE + 4096)
#define HV_STAGE_PAYLOAD_ALIGN 4096

#ifndef __ASSEMBLER__

#include <stdint.h>

#include "hvboot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The RAM a device gives an image's sections. Limits are exclusive. */
typedef struct hv_ram_windows {
    uint64_t core_base, core_limit;
    uint64_t payload_base, payload_limit;
    uint64_t payload_first; /* first byte handed to sections            */
    uint64_t payload_align; /* power of two, each copy starts aligned   */
} hv_ram_windows;

/* The windows of the bundled boot stage; `hvimage verify` and `assemble`
 * check these by default. */
extern const hv_ram_windows hv_stage_ram_windows;

/* Why a section did not fit. Values are stable; hv_ram_refusal_name. */
typedef enum hv_ram_refusal {
    HV_RAM_OK = 0,
    HV_RAM_CORE_ADDRESS = 1, /* core load address outside the core window */
    HV_RAM_CORE_SIZE = 2,    /* core starts in the window, ends past it   */
    HV_RAM_PAYLOAD_SIZE = 3, /* a copy does not fit what the payload      */
                             /* window has left                           */
    HV_RAM_CORE_ENTRY = 4,   /* section 0 is not the core, or its entry   */
                             /* point is outside it                       */
} hv_ram_refusal;

/*
 * One image's placement, section by section. After a refusal the fields say
 * what was asked and what the window had, for messages:
 *   CORE_ADDRESS, CORE_SIZE: lo, hi = the core's [load, load + size)
 *                            (hi saturates at UINT64_MAX), need = its
 *                            size, have = bytes from load to core_limit
 *                            (0 for CORE_ADDRESS);
 *   PAYLOAD_SIZE:            need = bytes asked, have = bytes left;
 *   CORE_ENTRY:              lo = entry point (0 if no core first).
 * |section| is the index of the refused section (counting hv_ram_place
 * calls).
 */
typedef struct hv_ram_plan {
    const hv_ram_windows *w;
    uint64_t payload_next; /* bump pointer in the payload window */
    uint32_t placed;       /* sections placed so far             */
    hv_ram_refusal refusal;
    uint32_t section;
    uint64_t lo, hi, need, have;
} hv_ram_plan;

/* Start placing an image's sections in |w|. */
void hv_ram_plan_init(hv_ram_plan *p, const hv_ram_windows *w);

/*
 * Place the next section (call in section order, as hv_verify calls
 * section_memory): |*stored| and, for a zstd section, |*unpacked| receive
 * the RAM addresses the stage uses (|*unpacked| is 0 otherwise). Returns 0,
 * or -1 with p->refusal set.
 */
int hv_ram_place(hv_ram_plan *p, const hv_section *s, uint64_t *stored,
                 uint64_t *unpacked);

/*
 * Replay the placement of every section of |info| (a verified image) and
 * check the hand-off: section 0 is the core and its entry point lies in
 * it. For hosts, which keep sections elsewhere: the result is the stage's.
 * Returns 0, or -1 with p->refusal and p->section set.
 */
int hv_ram_check_image(hv_ram_plan *p, const hv_ram_windows *w,
                       const hv_image_info *info);

/* Short stable identifier, e.g. "core_address". Never NULL. */
const char *hv_ram_refusal_name(hv_ram_refusal r);

#ifdef __cplusplus
}
#endif

#endif /* __ASSEMBLER__ */
#endif /* HVPOLICY_H */
