/*
 * The security floor in a TPM 2.0 (docs/TPM.md): an hv_counter over one NV
 * index, through the TIS/FIFO registers at 0xFED40000 (boot/tpm/tis.c) and
 * the command code of boot/tpm/tpm2_cmd.c. Every failure is printed with
 * the TPM's response code; main.c halts on any of them (fail closed: a
 * device provisioned with a TPM floor never boots without reading it).
 */
#include "tpm.h"

#include "stage.h"
#include "tis.h"
#include "tpm2.h"

/* Timeouts in TSC cycles, counted as if the TSC ran at 4 GHz (so at least
 * the TIS profile's times on any slower TSC): 750 ms for the interface
 * (TIMEOUT_A), 2 s for a command's execution (TIMEOUT_B; NV writes are
 * "medium" commands, well under it). */
#define TSC_PER_MS UINT64_C(4000000)

static uint8_t mmio_read8(void *user, uint32_t reg)
{
    (void)user;
    return *(volatile const uint8_t *)(uintptr_t)(TIS_BASE + reg);
}

static void mmio_write8(void *user, uint32_t reg, uint8_t v)
{
    (void)user;
    *(volatile uint8_t *)(uintptr_t)(TIS_BASE + reg) = v;
}

static uint64_t tsc_now(void *user)
{
    (void)user;
    return rdtsc();
}

static hv_tis_dev tis = {0, mmio_read8, mmio_write8, tsc_now, 750 * TSC_PER_MS,
                      2000 * TSC_PER_MS, TIS_OK, 0};
static hv_tpm2_transport tr = {&tis, hv_tis_transport, 0};
static uint32_t nv_index;
static int opened;

/* Print a failed command: the TPM's code, or what the interface did. */
static void report(const char *what, uint32_t rc)
{
    const char *name = hv_tpm2_rc_name(rc);
    if (rc == HV_TPM_E_TRANSPORT)
        kprintf("hvstage: TPM: %s: %s\n", what, hv_tis_error_str(tis.last));
    else
        kprintf("hvstage: TPM: %s: response code 0x%x%s%s\n", what, rc,
                name ? " " : "", name ? name : "");
}

/* see tpm.h */
int stage_tpm_open(uint32_t nv)
{
    if (!hv_tis_present(&tis)) {
        kprintf("hvstage: TPM: no TPM answers at 0x%x (TIS locality 0)\n",
                TIS_BASE);
        return -1;
    }
    /* SeaBIOS sends TPM2_Startup itself before the stage (docs/TPM.md):
     * TPM_RC_INITIALIZE then says the TPM is started, as it must be. */
    uint32_t started = hv_tpm2_startup(&tr, HV_TPM_SU_CLEAR);
    if (started != HV_TPM_RC_SUCCESS && started != HV_TPM_RC_INITIALIZE) {
        report("TPM2_Startup", started);
        return -1;
    }
    hv_tpm2_nv_public pub;
    uint32_t rc = hv_tpm2_nv_read_public(&tr, nv, &pub);
    if (rc != HV_TPM_RC_SUCCESS) {
        report("TPM2_NV_ReadPublic of the floor index", rc);
        return -1;
    }
    const char *bad = hv_tpm2_floor_public_check(&pub, nv);
    if (bad) {
        kprintf("hvstage: TPM: floor index 0x%08x (attributes 0x%08x, %u "
                "bytes): %s\n", nv, pub.attributes, pub.data_size, bad);
        return -1;
    }
    kprintf("hvstage: TPM: TPM 2.0 at 0x%x (%s); floor index 0x%08x "
            "(attributes 0x%08x%s)\n", TIS_BASE,
            started == HV_TPM_RC_SUCCESS ? "started by the stage"
                                  : "already started by the firmware",
            nv, pub.attributes,
            pub.attributes & HV_TPMA_NV_WRITELOCKED ? ", already write-locked"
                                                 : "");
    nv_index = nv;
    opened = 1;
    return 0;
}

static int ctr_read(void *user, uint64_t *value)
{
    (void)user;
    uint32_t rc = hv_tpm2_floor_read(&tr, nv_index, value);
    if (rc != HV_TPM_RC_SUCCESS) {
        report("TPM2_NV_Read of the floor", rc);
        return -1;
    }
    return 0;
}

static int ctr_raise(void *user, uint64_t value)
{
    (void)user;
    uint32_t rc = hv_tpm2_floor_raise(&tr, nv_index, value);
    if (rc != HV_TPM_RC_SUCCESS) {
        report("raising the floor (TPM2_NV_Write)", rc);
        return -1;
    }
    return 0;
}

/* see tpm.h */
hv_counter stage_tpm_counter(void)
{
    hv_counter c = {0, ctr_read, ctr_raise};
    return c;
}

/* see tpm.h */
int stage_tpm_lock(void)
{
    if (!opened)
        return 0;
    uint32_t rc = hv_tpm2_nv_write_lock(&tr, nv_index);
    if (rc != HV_TPM_RC_SUCCESS) {
        report("TPM2_NV_WriteLock of the floor", rc);
        return -1;
    }
    kprintf("hvstage: TPM: floor index 0x%08x write-locked until the next "
            "TPM reset (%u TPM commands, %u register polls this boot)\n",
            nv_index, tr.commands, tis.polls);
    return 0;
}

/* see tpm.h */
void stage_tpm_stats(uint32_t *commands, uint32_t *polls)
{
    *commands = tr.commands;
    *polls = tis.polls;
}
