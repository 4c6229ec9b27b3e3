/*
 * `hvimage assemble`: a whole factory flash image as the OEM profile lays
 * it out. The bytes are defined in include/hvimage/flash.h and described
 * in docs/BOOT.md:
 *
 *   boot_stage  the stage binary with its trust area provisioned (device
 *               board id, OEM id, rollback counter, flash map, trusted key
 *               records; or, for a profile with roots, version 2: the
 *               root keys' fingerprints, root threshold and version and
 *               the image threshold), then 0xFF
 *   boot_state  boot-state record copy 0 (sequence 1, the active slot);
 *               copy 1 and the rest erased (0xFF)
 *   slot_a      an hvimage, then 0xFF
 *   slot_b      an hvimage, or erased
 *   the rest    0xFF
 *
 * Every input is checked before anything is written: the profile, the
 * board (one of the profile's), the keys (accepted by the profile), the
 * stage (a stage binary with an unprovisioned trust area that fits its
 * region), and each slot image (an hvimage that fits its slot and that the
 * boot verifier accepts under exactly the device's keys, signature count,
 * board, OEM and rollback counter, and whose sections the stage's RAM
 * windows hold: the device policy of boot/include/hvpolicy.h; unless
 * allow_rejected).
 */
#ifndef HV_ASSEMBLE_H
#define HV_ASSEMBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "hvboot.h"
#include "hvimage/flash.h"

typedef struct hv_assemble_opts {
    const char *profile_path;
    const char *stage_path;
    const char *const *key_paths; /* trusted public keys; not owned */
    size_t key_count;             /* 1..HV_TRUST_MAX_KEYS; 0 with roots */
    uint32_t min_signatures;      /* 0 acts as 1; at most key_count (with
                                   * roots: the image threshold, unless the
                                   * profile's roots.image_threshold says) */
    const char *board;            /* one of the profile's boards */
    uint64_t rollback;            /* the device's rollback counter */
    const char *slot_path[2];     /* [HV_SLOT_A] required, [HV_SLOT_B] may be NULL */
    uint32_t active_slot;         /* HV_SLOT_A or HV_SLOT_B (which must be given) */
    /*
     * Write slot images even if the device policy rejects them (for testing
     * the boot stage's refusals). They must still be hvimages whose header
     * parses and that fit their slot.
     */
    bool allow_rejected;
    const char *output_path;
} hv_assemble_opts;

typedef struct hv_assemble_slot {
    bool present;
    uint64_t image_size;
    hv_result result;   /* the stage's: hv_verify, then the RAM windows */
    bool info_valid;    /* the fields below come from signed metadata */
    char name[HV_IMAGE_NAME_SIZE + 1];
    char version[HV_VERSION_SIZE + 1];
    uint64_t security_version;
    /* Why it was rejected, if it was: the result, where, and the expected
     * and actual values ("... [core_address]" for the RAM windows). */
    char reason[512];
} hv_assemble_slot;

typedef struct hv_assemble_report {
    char oem_id[HV_OEM_ID_SIZE + 1];
    uint32_t counter_kind; /* HV_COUNTER_*, from the profile */
    uint32_t counter_nv;   /* its TPM NV index (HV_COUNTER_TPM) */
    uint64_t flash_size;
    uint64_t erase_block;
    /* boot_stage, boot_state, slot_a, slot_b: offset and size */
    uint64_t region_offset[4], region_size[4];
    uint64_t stage_size;
    uint64_t trust_offset; /* of the trust area, in the flash */
    size_t key_count;
    uint8_t key_ids[HV_TRUST_MAX_KEYS][HV_KEY_ID_SIZE]; /* sorted */
    uint32_t key_algs[HV_TRUST_MAX_KEYS];
    /* A profile with roots: trust area version 2 (docs/KEYS.md). */
    bool roots;
    uint64_t root_version;
    uint32_t root_threshold;
    size_t root_count;
    uint8_t root_fps[HV_TRUST_MAX_ROOTS][HV_ROOT_FP_SIZE]; /* ascending */
    uint32_t min_signatures; /* the device's: image threshold with roots */
    hv_assemble_slot slot[2];
} hv_assemble_report;

#define HV_REGION_BOOT_STAGE 0
#define HV_REGION_BOOT_STATE 1
#define HV_REGION_SLOT_A 2
#define HV_REGION_SLOT_B 3

/*
 * Returns 0, or -1 with |diag| naming the file and the problem and its
 * class: HV_FAIL_REJECTED if a slot image is rejected by the device policy
 * (and !allow_rejected), HV_FAIL_INPUT for bad input, HV_FAIL_IO or
 * HV_FAIL_INTERNAL. Nothing is written unless the result is 0; the output
 * appears atomically. |report| is filled as far as the checks got.
 */
int hv_assemble(const hv_assemble_opts *opts, hv_assemble_report *report,
                hv_diag *diag);

#endif
