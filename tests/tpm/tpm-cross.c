/*
 * The stage's TPM command code (boot/tpm/tpm2_cmd.c) against a real TPM
 * 2.0 implementation (swtpm), through tpm2-tss's TCTI: what tests/tpm/
 * tpm-swtpm.sh cross-checks with hvimage tpm (which uses the ESAPI).
 *   tpm-cross TCTI NV V0 [V1 V2 V3]   the indices NV + i (defined by
 *     hvimage tpm provision; the counters' order there) have the floor
 *     attributes and read Vi; raising each to Vi + 1 works; after
 *     TPM2_NV_WriteLock on each, a write to each gets TPM_RC_NV_LOCKED and
 *     each stays Vi + 1. Exit 0 if all of that holds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <tss2/tss2_tctildr.h>

#include "check.h"
#include "tpm2.h"

static int tcti_tx(void *user, const uint8_t *cmd, size_t n, uint8_t *rsp,
                   size_t cap, size_t *rlen)
{
    TSS2_TCTI_CONTEXT *c = user;
    if (Tss2_Tcti_Transmit(c, n, cmd) != TSS2_RC_SUCCESS)
        return -1;
    size_t size = cap;
    if (Tss2_Tcti_Receive(c, &size, rsp, TSS2_TCTI_TIMEOUT_BLOCK) !=
        TSS2_RC_SUCCESS)
        return -1;
    *rlen = size;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 3 + (int)HV_TPM_NV_COUNT) {
        fprintf(stderr, "usage: tpm-cross TCTI NV V0 [V1 V2 V3]\n");
        return 2;
    }
    uint32_t nv = (uint32_t)strtoul(argv[2], NULL, 0);
    uint32_t count = (uint32_t)argc - 3;
    uint64_t want[HV_TPM_NV_COUNT];
    for (uint32_t i = 0; i < count; i++)
        want[i] = strtoull(argv[3 + i], NULL, 0);
    TSS2_TCTI_CONTEXT *c = NULL;
    if (Tss2_TctiLdr_Initialize(argv[1], &c) != TSS2_RC_SUCCESS) {
        fprintf(stderr, "tpm-cross: cannot open %s\n", argv[1]);
        return 1;
    }
    hv_tpm2_transport t = {c, tcti_tx, 0};
    /* Started already (startup-clear): TPM_RC_INITIALIZE. */
    CHECK(hv_tpm2_startup(&t, HV_TPM_SU_CLEAR) == HV_TPM_RC_INITIALIZE);
    hv_tpm2_nv_public pub;
    uint32_t rc;
    for (uint32_t i = 0; i < count; i++) {
        rc = hv_tpm2_nv_read_public(&t, nv + i, &pub);
        CHECK_MSG(rc == 0, "NV_ReadPublic of 0x%08x: 0x%x", nv + i, rc);
        CHECK_MSG(rc == 0 && pub.attributes == 0x22045004u &&
                      pub.data_size == 8 && pub.name_alg == 0x000b,
                  "index 0x%08x: attributes 0x%08x size %u alg 0x%x", nv + i,
                  pub.attributes, pub.data_size, pub.name_alg);
        CHECK(rc == 0 && hv_tpm2_floor_public_check(&pub, nv + i) == NULL);
    }
    /* A missing index: TPM_RC_HANDLE for handle 1. */
    CHECK(hv_tpm2_nv_read_public(&t, nv + count, &pub) == 0x18Bu);
    uint64_t v = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t at = nv + i;
        rc = hv_tpm2_floor_read(&t, at, &v);
        CHECK_MSG(rc == 0 && v == want[i], "index 0x%08x: rc 0x%x value %"
                  PRIu64 ", wanted %" PRIu64, at, rc, v, want[i]);
        rc = hv_tpm2_floor_raise(&t, at, want[i] + 1);
        CHECK_MSG(rc == 0, "raise 0x%08x: 0x%x", at, rc);
        CHECK(hv_tpm2_floor_read(&t, at, &v) == 0 && v == want[i] + 1);
        CHECK(hv_tpm2_floor_raise(&t, at, want[i]) == 0); /* never lowers */
        CHECK(hv_tpm2_floor_read(&t, at, &v) == 0 && v == want[i] + 1);
    }
    /* The stage's hand-off: every index write-locked; then each write,
     * lower or higher, gets TPM_RC_NV_LOCKED and nothing changes. */
    for (uint32_t i = 0; i < count; i++) {
        rc = hv_tpm2_nv_write_lock(&t, nv + i);
        CHECK_MSG(rc == 0, "write lock 0x%08x: 0x%x", nv + i, rc);
    }
    static const uint8_t zero[8];
    for (uint32_t i = 0; i < count; i++) {
        uint32_t at = nv + i;
        CHECK(hv_tpm2_nv_read_public(&t, at, &pub) == 0 &&
              (pub.attributes & HV_TPMA_NV_WRITELOCKED));
        rc = hv_tpm2_nv_write(&t, at, zero, 8, 0);
        CHECK_MSG(rc == HV_TPM_RC_NV_LOCKED, "write 0x%08x after lock: 0x%x",
                  at, rc);
        CHECK(hv_tpm2_floor_raise(&t, at, want[i] + 5) == HV_TPM_RC_NV_LOCKED);
        CHECK(hv_tpm2_floor_read(&t, at, &v) == 0 && v == want[i] + 1);
    }
    printf("tpm-cross: %u indices, %u commands\n", count, t.commands);
    Tss2_TctiLdr_Finalize(&c);
    return CHECK_DONE();
}
