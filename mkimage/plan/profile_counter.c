/*
 * The profile's `counter:` key (docs/PROFILE.md, docs/TPM.md): where the
 * device keeps its monotonic security counter. Absent or `kind: lab`: the
 * lab counter in the boot_state region; `kind: tpm` with `nv_index`: a TPM
 * 2.0 NV index in the owner range, which `hvimage tpm provision` defines.
 */
#include <string.h>

#include "hvimage/flash.h"
#include "plan.h"
#include "yaml_doc.h"

/* see plan.h */
int hv_profile_load_counter(const hv_ydoc *doc, const hv_ynode *root,
                            hv_profile *p, hv_diag *diag)
{
    static const char *const keys[] = {"kind", "nv_index", NULL};
    const hv_ynode *c = hv_ymap_get(root, "counter"), *kind, *nv;
    char d[HV_YDESCRIBE_SIZE];

    p->counter_kind = HV_COUNTER_LAB;
    p->counter_nv = 0;
    if (!c)
        return 0;
    if (hv_ymap_check(doc, c, "counter", keys, diag) != 0 ||
        hv_ymap_need(doc, c, "counter", "kind", &kind, diag) != 0)
        return -1;
    bool scalar = kind->kind == HV_Y_SCALAR && strlen(kind->text) == kind->len;
    nv = hv_ymap_get(c, "nv_index");
    if (scalar && strcmp(kind->text, "lab") == 0) {
        if (nv)
            return hv_yerror(doc, nv, diag, "'nv_index' is for 'kind: tpm' "
                             "only");
        return 0;
    }
    if (!scalar || strcmp(kind->text, "tpm") != 0)
        return hv_yerror(doc, kind, diag, "'kind' must be one of lab, tpm, "
                         "found %s", hv_ydescribe(kind, d, sizeof d));
    uint64_t n;
    if (hv_ymap_need(doc, c, "counter", "nv_index", &nv, diag) != 0 ||
        hv_yget_u64(doc, nv, "nv_index", &n, diag) != 0)
        return -1;
    if (n < HV_COUNTER_TPM_NV_MIN || n > HV_COUNTER_TPM_NV_MAX)
        return hv_yerror(doc, nv, diag, "'nv_index' must be an NV index in "
                         "the owner range 0x%08x to 0x%08x, found %s",
                         HV_COUNTER_TPM_NV_MIN, HV_COUNTER_TPM_NV_MAX,
                         hv_ydescribe(nv, d, sizeof d));
    p->counter_kind = HV_COUNTER_TPM;
    p->counter_nv = (uint32_t)n;
    return 0;
}
