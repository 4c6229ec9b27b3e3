/*
 * The security floor in a TPM 2.0 NV index, from the host (docs/TPM.md):
 * tpm2-tss's ESAPI over a TCTI loaded by name ("swtpm:host=...,port=N",
 * "device:/dev/tpmrm0", ...). `hvimage tpm` provisions and reads the
 * index; `hvimage update --tpm` uses it as the device's counter. Kept out
 * of libhvupdate so that the installed library needs no tpm2-tss.
 */
#ifndef HV_COUNTER_TPM_H
#define HV_COUNTER_TPM_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "hvbootstate.h"
#include "tpm2.h"

typedef struct hv_tpm hv_tpm;

/* Connect through the TCTI |tcti| (tctildr syntax). NULL on failure with
 * |diag| set (I/O). */
hv_tpm *hv_tpm_open(const char *tcti, hv_diag *diag);
void hv_tpm_close(hv_tpm *t);

/* The index's public area; *exists false (and 0 returned) if there is no
 * such index. */
int hv_tpm_nv_public(hv_tpm *t, uint32_t nv, bool *exists, hv_tpm2_nv_public *pub,
                     hv_diag *diag);
/* Read the floor (8 bytes, big-endian) after checking the public area with
 * the stage's rule (hv_tpm2_floor_public_check). */
int hv_tpm_floor_read(hv_tpm *t, uint32_t nv, uint64_t *value, hv_diag *diag);
/* Raise to |value| if higher; never lowers. */
int hv_tpm_floor_raise(hv_tpm *t, uint32_t nv, uint64_t value, hv_diag *diag);
/*
 * Define the floor index under the owner hierarchy (empty owner password)
 * with the stage's attributes and write |floor|. An index already there
 * with those attributes is kept (its floor raised to |floor| if lower, never
 * lowered) and *created is false; one with other attributes or size is
 * refused (HV_FAIL_REJECTED), never redefined.
 */
int hv_tpm_provision(hv_tpm *t, uint32_t nv, uint64_t floor, bool *created,
                     hv_diag *diag);

/* An hv_counter over index |nv| (read and raise as above); the
 * counter's errors go to |diag|. */
typedef struct hv_tpm_counter {
    hv_tpm *tpm;
    uint32_t nv;
    hv_diag *diag;
} hv_tpm_counter;
hv_counter hv_tpm_counter_ops(hv_tpm_counter *c);

/* The NV index of counter |i| (hvbootstate.h HV_BS_CTR_*) of a device
 * whose trust area names |base| (tpm2.h HV_TPM_NV_OFFSETS): the floor at
 * base, key epoch +1, keyring version +2, root version +3. */
uint32_t hv_tpm_counter_nv(uint32_t base, uint32_t i);

/* The TCTI to use: |option| if given, else $HV_TPM_TCTI, else NULL. */
const char *hv_tpm_tcti(const char *option);

#endif
