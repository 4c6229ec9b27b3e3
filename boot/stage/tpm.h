/*
 * The stage's TPM counters (docs/TPM.md): the security floor, and on a
 * roots device the key epoch, keyring version and root version, each in a
 * TPM 2.0 NV index, reached through the TIS registers (boot/tpm/). Used by
 * main.c when the trust area's counter kind is HV_COUNTER_TPM.
 */
#ifndef STAGE_TPM_H
#define STAGE_TPM_H

#include <stdint.h>

#include "hvbootstate.h"

/*
 * Open the TPM and check the counter indices |nv| + 0 .. |nv| + count - 1
 * (count 1: the floor only, a trust area version 1 device; count
 * HV_BS_COUNTERS: the floor, key epoch, keyring version and root version,
 * flash.h and docs/TPM.md): a TPM answers, TPM2_Startup (TPM_RC_INITIALIZE
 * accepted: the firmware before the stage started it), TPM2_NV_ReadPublic
 * of each with the exact size and attributes (tpm2.h). Prints what it
 * found. 0, or -1 after printing why (the caller halts).
 */
int stage_tpm_open(uint32_t nv, uint32_t count);
/* The counters over the opened indices, in the counter set's order
 * (HV_BS_CTR_*); those not opened are NULL in *set. read = NV_Read,
 * raise_to = read, NV_Write if higher, read back. Each failure is
 * printed. |ops| must outlive *set. */
void stage_tpm_counters(hv_counter ops[HV_BS_COUNTERS], hv_bs_counters *set);
/* The NV index of counter |i| (HV_BS_CTR_*), opened or not. */
uint32_t stage_tpm_index(uint32_t i);
/* TPM2_NV_WriteLock on every opened index, before any hand-off: nothing
 * later in this boot cycle can write a counter. A no-op returning 0 when
 * no TPM counter was opened; -1 after printing why if a lock failed (the
 * caller halts: it tries every index, but one left writable is enough to
 * refuse the hand-off). */
int stage_tpm_lock(void);
/* Commands sent and register polls spent, for the log. */
void stage_tpm_stats(uint32_t *commands, uint32_t *polls);

#endif
