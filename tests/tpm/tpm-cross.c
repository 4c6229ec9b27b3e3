/*
 * The stage's TPM command code (boot/tpm/tpm2_cmd.c) against a real TPM
 * 2.0 implementation (swtpm), through tpm2-tss's TCTI: what tests/tpm/
 * tpm-swtpm.sh cross-checks with hvimage tpm (which uses the ESAPI).
 *   tpm-cross TCTI NV FLOOR   the index (defined by hvimage tpm provision)
 *     has the floor attributes, reads FLOOR; raising it to FLOOR + 1 works;
 *     after TPM2_NV_WriteLock a write gets TPM_RC_NV_LOCKED and the floor
 *     stays FLOOR + 1. Exit 0 if all of that holds.
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
    if (argc != 4) {
        fprintf(stderr, "usage: tpm-cross TCTI NV FLOOR\n");
        return 2;
    }
    uint32_t nv = (uint32_t)strtoul(argv[2], NULL, 0);
    uint64_t want = strtoull(argv[3], NULL, 0);
    TSS2_TCTI_CONTEXT *c = NULL;
    if (Tss2_TctiLdr_Initialize(argv[1], &c) != TSS2_RC_SUCCESS) {
        fprintf(stderr, "tpm-cross: cannot open %s\n", argv[1]);
        return 1;
    }
    hv_tpm2_transport t = {c, tcti_tx, 0};
    /* Started already (startup-clear): TPM_RC_INITIALIZE. */
    CHECK(hv_tpm2_startup(&t, HV_TPM_SU_CLEAR) == HV_TPM_RC_INITIALIZE);
    hv_tpm2_nv_public pub;
    uint32_t rc = hv_tpm2_nv_read_public(&t, nv, &pub);
    CHECK_MSG(rc == 0, "NV_ReadPublic: 0x%x", rc);
    CHECK_MSG(rc == 0 && pub.attributes == 0x22045004u && pub.data_size == 8 &&
                  pub.name_alg == 0x000b,
              "attributes 0x%08x size %u alg 0x%x", pub.attributes,
              pub.data_size, pub.name_alg);
    CHECK(rc == 0 && hv_tpm2_floor_public_check(&pub, nv) == NULL);
    /* A missing index: TPM_RC_HANDLE for handle 1. */
    CHECK(hv_tpm2_nv_read_public(&t, nv + 1, &pub) == 0x18Bu);
    uint64_t v = 0;
    rc = hv_tpm2_floor_read(&t, nv, &v);
    CHECK_MSG(rc == 0 && v == want, "floor: rc 0x%x value %" PRIu64, rc, v);
    rc = hv_tpm2_floor_raise(&t, nv, want + 1);
    CHECK_MSG(rc == 0, "raise: 0x%x", rc);
    CHECK(hv_tpm2_floor_read(&t, nv, &v) == 0 && v == want + 1);
    CHECK(hv_tpm2_floor_raise(&t, nv, want) == 0); /* never lowers */
    CHECK(hv_tpm2_floor_read(&t, nv, &v) == 0 && v == want + 1);
    rc = hv_tpm2_nv_write_lock(&t, nv);
    CHECK_MSG(rc == 0, "write lock: 0x%x", rc);
    CHECK(hv_tpm2_nv_read_public(&t, nv, &pub) == 0 &&
          (pub.attributes & HV_TPMA_NV_WRITELOCKED));
    static const uint8_t zero[8];
    rc = hv_tpm2_nv_write(&t, nv, zero, 8, 0);
    CHECK_MSG(rc == HV_TPM_RC_NV_LOCKED, "write after lock: 0x%x", rc);
    CHECK(hv_tpm2_floor_raise(&t, nv, want + 5) == HV_TPM_RC_NV_LOCKED);
    CHECK(hv_tpm2_floor_read(&t, nv, &v) == 0 && v == want + 1);
    printf("tpm-cross: %u commands\n", t.commands);
    Tss2_TctiLdr_Finalize(&c);
    return CHECK_DONE();
}
