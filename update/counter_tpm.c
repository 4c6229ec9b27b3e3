/*
 * Host access to the TPM floor index through tpm2-tss ESAPI (counter_tpm.h).
 * Attributes are checked with the same function the stage uses
 * (boot/tpm/tpm2_cmd.c hv_tpm2_floor_public_check), so the host refuses
 * exactly the indices the stage refuses.
 */
#include "counter_tpm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

struct hv_tpm {
    TSS2_TCTI_CONTEXT *tcti;
    ESYS_CONTEXT *esys;
    char name[128];
};

/* hv_fail's -1, visible in this file (to the reader and to scan-build). */
#define FAIL(...) (hv_fail(__VA_ARGS__), -1)

static int tss_fail(hv_diag *diag, const hv_tpm *t, const char *what,
                    TSS2_RC rc)
{
    hv_fail(diag, HV_FAIL_IO, "TPM %s: %s: %s (0x%x)", t->name, what,
            Tss2_RC_Decode(rc), (unsigned)rc);
    return -1;
}

/* see counter_tpm.h */
const char *hv_tpm_tcti(const char *option)
{
    if (option)
        return option;
    const char *env = getenv("HV_TPM_TCTI");
    return env && *env ? env : NULL;
}

/* see counter_tpm.h */
hv_tpm *hv_tpm_open(const char *tcti, hv_diag *diag)
{
    hv_tpm *t = calloc(1, sizeof *t);
    if (!t) {
        hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
        return NULL;
    }
    snprintf(t->name, sizeof t->name, "%s", tcti);
    TSS2_RC rc = Tss2_TctiLdr_Initialize(tcti, &t->tcti);
    if (rc != TSS2_RC_SUCCESS) {
        tss_fail(diag, t, "cannot load or connect the TCTI", rc);
        free(t);
        return NULL;
    }
    rc = Esys_Initialize(&t->esys, t->tcti, NULL);
    if (rc != TSS2_RC_SUCCESS) {
        tss_fail(diag, t, "Esys_Initialize", rc);
        Tss2_TctiLdr_Finalize(&t->tcti);
        free(t);
        return NULL;
    }
    /* A TPM nobody started (swtpm without startup-clear): start it. One
     * that is started answers TPM_RC_INITIALIZE, which is fine. */
    rc = Esys_Startup(t->esys, HV_TPM_SU_CLEAR);
    if (rc != TSS2_RC_SUCCESS && (rc & 0xFFFu) != HV_TPM_RC_INITIALIZE) {
        tss_fail(diag, t, "TPM2_Startup", rc);
        hv_tpm_close(t);
        return NULL;
    }
    return t;
}

/* see counter_tpm.h */
void hv_tpm_close(hv_tpm *t)
{
    if (!t)
        return;
    if (t->esys)
        Esys_Finalize(&t->esys);
    if (t->tcti)
        Tss2_TctiLdr_Finalize(&t->tcti);
    free(t);
}

/* Does index |nv| exist? (TPM2_GetCapability of the NV handles from it.) */
static int nv_exists(hv_tpm *t, uint32_t nv, bool *exists, hv_diag *diag)
{
    TPMI_YES_NO more;
    TPMS_CAPABILITY_DATA *cap = NULL;
    TSS2_RC rc = Esys_GetCapability(t->esys, ESYS_TR_NONE, ESYS_TR_NONE,
                                    ESYS_TR_NONE, TPM2_CAP_HANDLES, nv, 1,
                                    &more, &cap);
    if (rc != TSS2_RC_SUCCESS)
        return tss_fail(diag, t, "TPM2_GetCapability(handles)", rc);
    *exists = cap->data.handles.count >= 1 &&
              cap->data.handles.handle[0] == nv;
    Esys_Free(cap);
    return 0;
}

/* An ESYS_TR for index |nv| (which must exist). */
static int nv_handle(hv_tpm *t, uint32_t nv, ESYS_TR *tr, hv_diag *diag)
{
    TSS2_RC rc = Esys_TR_FromTPMPublic(t->esys, nv, ESYS_TR_NONE,
                                       ESYS_TR_NONE, ESYS_TR_NONE, tr);
    if (rc != TSS2_RC_SUCCESS)
        return tss_fail(diag, t, "cannot open the NV index", rc);
    return 0;
}

/* see counter_tpm.h */
int hv_tpm_nv_public(hv_tpm *t, uint32_t nv, bool *exists, hv_tpm2_nv_public *pub,
                     hv_diag *diag)
{
    ESYS_TR tr;
    if (nv_exists(t, nv, exists, diag) != 0)
        return -1;
    if (!*exists)
        return 0;
    if (nv_handle(t, nv, &tr, diag) != 0)
        return -1;
    TPM2B_NV_PUBLIC *p = NULL;
    TSS2_RC rc = Esys_NV_ReadPublic(t->esys, tr, ESYS_TR_NONE, ESYS_TR_NONE,
                                    ESYS_TR_NONE, &p, NULL);
    Esys_TR_Close(t->esys, &tr);
    if (rc != TSS2_RC_SUCCESS)
        return tss_fail(diag, t, "TPM2_NV_ReadPublic", rc);
    pub->index = p->nvPublic.nvIndex;
    pub->name_alg = p->nvPublic.nameAlg;
    pub->attributes = p->nvPublic.attributes;
    pub->policy_size = p->nvPublic.authPolicy.size;
    pub->data_size = p->nvPublic.dataSize;
    Esys_Free(p);
    return 0;
}

/* The index, checked as the stage checks it. */
static int open_floor(hv_tpm *t, uint32_t nv, ESYS_TR *tr, hv_diag *diag)
{
    bool exists;
    hv_tpm2_nv_public pub;
    if (hv_tpm_nv_public(t, nv, &exists, &pub, diag) != 0)
        return -1;
    if (!exists)
        return FAIL(diag, HV_FAIL_REJECTED, "TPM %s: no NV index 0x%08x "
                       "(provision it with hvimage tpm provision)", t->name,
                       nv);
    const char *bad = hv_tpm2_floor_public_check(&pub, nv);
    if (bad)
        return FAIL(diag, HV_FAIL_REJECTED, "TPM %s: NV index 0x%08x "
                       "(attributes 0x%08x, %u bytes): %s", t->name, nv,
                       pub.attributes, pub.data_size, bad);
    return nv_handle(t, nv, tr, diag);
}

static uint64_t be64(const uint8_t *b)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | b[i];
    return v;
}

static int read_tr(hv_tpm *t, ESYS_TR tr, uint64_t *value, hv_diag *diag)
{
    TPM2B_MAX_NV_BUFFER *data = NULL;
    TSS2_RC rc = Esys_NV_Read(t->esys, tr, tr, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                              ESYS_TR_NONE, HV_TPM_FLOOR_SIZE, 0, &data);
    if (rc != TSS2_RC_SUCCESS)
        return tss_fail(diag, t, "TPM2_NV_Read of the floor", rc);
    int ok = data->size == HV_TPM_FLOOR_SIZE;
    if (ok)
        *value = be64(data->buffer);
    Esys_Free(data);
    if (!ok)
        return FAIL(diag, HV_FAIL_IO, "TPM %s: NV_Read returned the wrong "
                       "size", t->name);
    return 0;
}

static int write_tr(hv_tpm *t, ESYS_TR tr, uint64_t value, hv_diag *diag)
{
    TPM2B_MAX_NV_BUFFER data = {.size = HV_TPM_FLOOR_SIZE};
    for (int i = 0; i < 8; i++)
        data.buffer[i] = (uint8_t)(value >> (56 - 8 * i));
    TSS2_RC rc = Esys_NV_Write(t->esys, tr, tr, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                               ESYS_TR_NONE, &data, 0);
    if (rc != TSS2_RC_SUCCESS)
        return tss_fail(diag, t, "TPM2_NV_Write of the floor", rc);
    return 0;
}

/* see counter_tpm.h */
int hv_tpm_floor_read(hv_tpm *t, uint32_t nv, uint64_t *value, hv_diag *diag)
{
    ESYS_TR tr;
    if (open_floor(t, nv, &tr, diag) != 0)
        return -1;
    int rc = read_tr(t, tr, value, diag);
    Esys_TR_Close(t->esys, &tr);
    return rc;
}

static int raise_tr(hv_tpm *t, ESYS_TR tr, uint64_t value, hv_diag *diag)
{
    uint64_t cur;
    if (read_tr(t, tr, &cur, diag) != 0)
        return -1;
    if (value <= cur)
        return 0;
    if (write_tr(t, tr, value, diag) != 0 || read_tr(t, tr, &cur, diag) != 0)
        return -1;
    if (cur != value)
        return FAIL(diag, HV_FAIL_IO, "TPM %s: the floor reads %llu after "
                       "writing %llu", t->name, (unsigned long long)cur,
                       (unsigned long long)value);
    return 0;
}

/* see counter_tpm.h */
int hv_tpm_floor_raise(hv_tpm *t, uint32_t nv, uint64_t value, hv_diag *diag)
{
    ESYS_TR tr;
    if (open_floor(t, nv, &tr, diag) != 0)
        return -1;
    int rc = raise_tr(t, tr, value, diag);
    Esys_TR_Close(t->esys, &tr);
    return rc;
}

/* see counter_tpm.h */
int hv_tpm_provision(hv_tpm *t, uint32_t nv, uint64_t floor, bool *created,
                     hv_diag *diag)
{
    bool exists;
    hv_tpm2_nv_public pub = {0};
    *created = false;
    if (hv_tpm_nv_public(t, nv, &exists, &pub, diag) != 0)
        return -1;
    bool written = pub.attributes & HV_TPMA_NV_WRITTEN;
    if (exists) {
        /* Not yet written is fine here: the write below initialises it. */
        hv_tpm2_nv_public as_written = pub;
        as_written.attributes |= HV_TPMA_NV_WRITTEN;
        const char *bad = hv_tpm2_floor_public_check(&as_written, nv);
        if (bad)
            return FAIL(diag, HV_FAIL_REJECTED, "TPM %s: NV index 0x%08x "
                           "exists with attributes 0x%08x and %u bytes: %s; "
                           "not redefining it", t->name, nv, pub.attributes,
                           pub.data_size, bad);
    } else {
        TPM2B_AUTH empty = {.size = 0};
        TPM2B_NV_PUBLIC info = {
            .nvPublic = {.nvIndex = nv,
                         .nameAlg = TPM2_ALG_SHA256,
                         .attributes = HV_TPM_FLOOR_ATTRS,
                         .authPolicy = {.size = 0},
                         .dataSize = HV_TPM_FLOOR_SIZE}};
        ESYS_TR tr;
        TSS2_RC rc = Esys_NV_DefineSpace(t->esys, ESYS_TR_RH_OWNER,
                                         ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                         ESYS_TR_NONE, &empty, &info, &tr);
        if (rc != TSS2_RC_SUCCESS)
            return tss_fail(diag, t, "TPM2_NV_DefineSpace under the owner "
                            "hierarchy", rc);
        /* A new index reads TPM_RC_NV_UNINITIALIZED until written. */
        int r = write_tr(t, tr, floor, diag);
        Esys_TR_Close(t->esys, &tr);
        if (r != 0)
            return -1;
        *created = true;
        return 0;
    }
    ESYS_TR tr;
    if (nv_handle(t, nv, &tr, diag) != 0)
        return -1;
    int r;
    if (!written)
        r = write_tr(t, tr, floor, diag);
    else
        r = raise_tr(t, tr, floor, diag);
    Esys_TR_Close(t->esys, &tr);
    return r;
}

static int ctr_read(void *user, uint64_t *value)
{
    hv_tpm_counter *c = user;
    return hv_tpm_floor_read(c->tpm, c->nv, value, c->diag);
}

static int ctr_raise(void *user, uint64_t value)
{
    hv_tpm_counter *c = user;
    return hv_tpm_floor_raise(c->tpm, c->nv, value, c->diag);
}

/* see counter_tpm.h */
hv_counter hv_tpm_counter_ops(hv_tpm_counter *c)
{
    hv_counter h = {c, ctr_read, ctr_raise};
    return h;
}

/* see counter_tpm.h */
uint32_t hv_tpm_counter_nv(uint32_t base, uint32_t i)
{
    static const uint32_t off[HV_TPM_NV_COUNT] = HV_TPM_NV_OFFSETS;
    return base + off[i % HV_TPM_NV_COUNT];
}
