/*
 * The stage's TPM counter (docs/TPM.md): the security floor in a TPM 2.0 NV
 * index, reached through the TIS registers (boot/tpm/). Used by main.c when
 * the trust area's counter kind is HV_COUNTER_TPM.
 */
#ifndef STAGE_TPM_H
#define STAGE_TPM_H

#include <stdint.h>

#include "hvbootstate.h"

/*
 * Open the TPM and check the floor index |nv|: a TPM answers, TPM2_Startup
 * (TPM_RC_INITIALIZE accepted: the firmware before the stage started it),
 * TPM2_NV_ReadPublic with the exact size and attributes (tpm2.h). Prints
 * what it found. 0, or -1 after printing why (the caller halts).
 */
int stage_tpm_open(uint32_t nv);
/* The counter over the index; read = NV_Read, raise_to = read, NV_Write
 * if higher, read back. Each failure is printed. */
hv_counter stage_tpm_counter(void);
/* TPM2_NV_WriteLock on the index, before any hand-off: nothing later in
 * this boot cycle can write the floor. A no-op returning 0 when no TPM
 * counter was opened; -1 after printing why if the lock failed. */
int stage_tpm_lock(void);
/* Commands sent and register polls spent, for the log. */
void stage_tpm_stats(uint32_t *commands, uint32_t *polls);

#endif
