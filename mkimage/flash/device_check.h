/*
 * The device policy on the host (boot/include/hvpolicy.h): what `hvimage
 * assemble` and `hvimage verify` add to hv_verify() so that an image they
 * accept is one the boot stage boots, and the expected and actual values
 * behind a refusal, in the stage's words.
 */
#ifndef HV_DEVICE_CHECK_H
#define HV_DEVICE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "hvboot.h"
#include "hvpolicy.h"

/*
 * Apply the bundled boot stage's RAM windows (hv_stage_ram_windows) to |v|,
 * the verdict of an image that hv_verify() accepted. If the stage would not
 * place it, turn the verdict into the stage's: result HV_ERR_MEMORY, the
 * failed section and its offset, no section data; and write the reason
 * with the window and the image's values ("... [core_address]") to |why|.
 * Returns 0 if the image fits, -1 if not.
 */
int hv_stage_ram_check(hv_verdict *v, char *why, size_t why_size);

/* The device an image was verified for, to explain a refusal. */
typedef struct hv_device_view {
    const char *board_id;
    const char *oem_id;
    uint64_t rollback_counter;
    uint32_t min_signatures;
} hv_device_view;

/*
 * For a refused verdict whose result is one of the device's identity
 * checks (wrong_oem, wrong_board, rollback, too_few_signatures), write the
 * expected and actual values to |out| ("" for other results).
 */
void hv_device_explain(const hv_verdict *v, const hv_device_view *d, char *out,
                       size_t out_size);

#endif
