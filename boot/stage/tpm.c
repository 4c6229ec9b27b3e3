/*
 * The counters in a TPM 2.0 (docs/TPM.md): an hv_counter over each NV
 * index (the floor; on a roots device also key epoch, keyring and root), through the TIS/FIFO registers at 0xFED40000 (boot/tpm/tis.c) and
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
static uint32_t base_index;
static uint32_t opened; /* indices opened: 0, 1 or HV_BS_COUNTERS */

/* Offset from counter_nv of counter i (HV_BS_CTR_*): flash.h's order,
 * the floor first (as a version 1 device has it), then the key epoch,
 * keyring version and root version. */
static const uint32_t nv_offset[HV_BS_COUNTERS] = HV_TPM_NV_OFFSETS;
_Static_assert(HV_BS_CTR_FLOOR == 0 && HV_BS_CTR_ROOT == 1 &&
                   HV_BS_CTR_KEYRING == 2 && HV_BS_CTR_EPOCH == 3,
               "HV_TPM_NV_OFFSETS is indexed by HV_BS_CTR_*");
_Static_assert(HV_TPM_NV_COUNT == HV_BS_COUNTERS, "one index per counter");

/* see tpm.h */
uint32_t stage_tpm_index(uint32_t i)
{
    return base_index + nv_offset[i % HV_BS_COUNTERS];
}

/* Print a failed command: the TPM's code, or what the interface did. */
static void report(const char *what, uint32_t nv, uint32_t rc)
{
    const char *name = hv_tpm2_rc_name(rc);
    if (rc == HV_TPM_E_TRANSPORT)
        kprintf("hvstage: TPM: %s of index 0x%08x: %s\n", what, nv,
                hv_tis_error_str(tis.last));
    else
        kprintf("hvstage: TPM: %s of index 0x%08x: response code 0x%x%s%s\n",
                what, nv, rc, name ? " " : "", name ? name : "");
}

/* Check one counter index's public area as the floor's (tpm2.h). */
static int check_index(uint32_t i)
{
    uint32_t nv = stage_tpm_index(i);
    hv_tpm2_nv_public pub;
    uint32_t rc = hv_tpm2_nv_read_public(&tr, nv, &pub);
    if (rc != HV_TPM_RC_SUCCESS) {
        report("TPM2_NV_ReadPublic", nv, rc);
        return -1;
    }
    const char *bad = hv_tpm2_floor_public_check(&pub, nv);
    if (bad) {
        kprintf("hvstage: TPM: %s index 0x%08x (attributes 0x%08x, %u "
                "bytes): %s\n", hv_bs_counter_name(i), nv, pub.attributes,
                pub.data_size, bad);
        return -1;
    }
    kprintf("hvstage: TPM: %s index 0x%08x (attributes 0x%08x%s)\n",
            hv_bs_counter_name(i), nv, pub.attributes,
            pub.attributes & HV_TPMA_NV_WRITELOCKED ? ", already write-locked"
                                                    : "");
    return 0;
}

/* see tpm.h */
int stage_tpm_open(uint32_t nv, uint32_t count)
{
    if (count != 1 && count != HV_BS_COUNTERS)
        return -1;
    if (nv < HV_COUNTER_TPM_NV_MIN || nv > HV_COUNTER_TPM_NV_MAX - (count - 1)) {
        kprintf("hvstage: TPM: indices 0x%08x to 0x%08x leave the owner "
                "range\n", nv, nv + (count - 1));
        return -1;
    }
    if (!hv_tis_present(&tis)) {
        kprintf("hvstage: TPM: no TPM answers at 0x%x (TIS locality 0)\n",
                TIS_BASE);
        return -1;
    }
    /* SeaBIOS sends TPM2_Startup itself before the stage (docs/TPM.md):
     * TPM_RC_INITIALIZE then says the TPM is started, as it must be. */
    uint32_t started = hv_tpm2_startup(&tr, HV_TPM_SU_CLEAR);
    if (started != HV_TPM_RC_SUCCESS && started != HV_TPM_RC_INITIALIZE) {
        const char *name = hv_tpm2_rc_name(started);
        kprintf("hvstage: TPM: TPM2_Startup: response code 0x%x%s%s\n",
                started, name ? " " : "", name ? name : "");
        return -1;
    }
    kprintf("hvstage: TPM: TPM 2.0 at 0x%x (%s)\n", TIS_BASE,
            started == HV_TPM_RC_SUCCESS ? "started by the stage"
                                         : "already started by the firmware");
    base_index = nv;
    /* In NV index order: the floor first, then (a roots device) the key
     * epoch, keyring version and root version. */
    static const uint32_t by_index[HV_BS_COUNTERS] = {
        HV_BS_CTR_FLOOR, HV_BS_CTR_EPOCH, HV_BS_CTR_KEYRING, HV_BS_CTR_ROOT};
    for (uint32_t off = 0; off < count; off++)
        if (check_index(by_index[off]) != 0)
            return -1;
    opened = count;
    return 0;
}

static int ctr_read(void *user, uint64_t *value)
{
    uint32_t nv = *(const uint32_t *)user;
    uint32_t rc = hv_tpm2_floor_read(&tr, nv, value);
    if (rc != HV_TPM_RC_SUCCESS) {
        report("TPM2_NV_Read", nv, rc);
        return -1;
    }
    return 0;
}

static int ctr_raise(void *user, uint64_t value)
{
    uint32_t nv = *(const uint32_t *)user;
    uint32_t rc = hv_tpm2_floor_raise(&tr, nv, value);
    if (rc != HV_TPM_RC_SUCCESS) {
        report("raising (TPM2_NV_Write)", nv, rc);
        return -1;
    }
    return 0;
}

static uint32_t index_of[HV_BS_COUNTERS];

/* see tpm.h */
void stage_tpm_counters(hv_counter ops[HV_BS_COUNTERS], hv_bs_counters *set)
{
    for (uint32_t i = 0; i < HV_BS_COUNTERS; i++) {
        index_of[i] = stage_tpm_index(i);
        ops[i] = (hv_counter){&index_of[i], ctr_read, ctr_raise};
        set->c[i] = nv_offset[i] < opened ? &ops[i] : NULL;
    }
}

/* see tpm.h */
int stage_tpm_lock(void)
{
    int failed = 0;
    for (uint32_t off = 0; off < opened; off++) {
        uint32_t nv = base_index + off;
        uint32_t rc = hv_tpm2_nv_write_lock(&tr, nv);
        if (rc != HV_TPM_RC_SUCCESS) {
            report("TPM2_NV_WriteLock", nv, rc);
            failed = 1;
        }
    }
    if (failed)
        return -1;
    if (opened == 1)
        kprintf("hvstage: TPM: counter index 0x%08x write-locked until the "
                "next TPM reset (%u TPM commands, %u register polls this "
                "boot)\n", base_index, tr.commands, tis.polls);
    else if (opened)
        kprintf("hvstage: TPM: counter indices 0x%08x-0x%08x write-locked "
                "until the next TPM reset (%u TPM commands, %u register "
                "polls this boot)\n", base_index, base_index + opened - 1,
                tr.commands, tis.polls);
    return 0;
}

/* see tpm.h */
void stage_tpm_stats(uint32_t *commands, uint32_t *polls)
{
    *commands = tr.commands;
    *polls = tis.polls;
}
