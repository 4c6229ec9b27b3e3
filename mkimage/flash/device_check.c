/*
 * hv_stage_ram_check() and hv_device_explain(): the boot stage's RAM
 * windows replayed on a verified image with the boot library's own
 * placement code, and refusals spelled out with both sides' values. The
 * wording follows the stage's serial log (boot/stage/main.c) so that a
 * refusal reads the same on the host and on the device.
 */
#include <stdio.h>
#include <string.h>

#include "device_check.h"

/* see device_check.h */
int hv_stage_ram_check(hv_verdict *v, char *why, size_t why_size)
{
    hv_ram_plan p;
    const hv_ram_windows *w = &hv_stage_ram_windows;
    if (hv_ram_check_image(&p, w, &v->info) == 0)
        return 0;
    const hv_section *s = &v->info.sections[p.section];
    const char *name = hv_ram_refusal_name(p.refusal);
    switch (p.refusal) {
    case HV_RAM_CORE_ADDRESS:
        snprintf(why, why_size, "core load address 0x%llx is outside the "
                 "core RAM window [0x%llx, 0x%llx) [%s]",
                 (unsigned long long)p.lo, (unsigned long long)w->core_base,
                 (unsigned long long)w->core_limit, name);
        break;
    case HV_RAM_CORE_SIZE:
        snprintf(why, why_size, "core [0x%llx, 0x%llx) of %llu bytes does "
                 "not fit the core RAM window [0x%llx, 0x%llx), which has "
                 "%llu bytes from its load address [%s]",
                 (unsigned long long)p.lo, (unsigned long long)p.hi,
                 (unsigned long long)p.need, (unsigned long long)w->core_base,
                 (unsigned long long)w->core_limit,
                 (unsigned long long)p.have, name);
        break;
    case HV_RAM_PAYLOAD_SIZE:
        snprintf(why, why_size, "section '%s' needs %llu bytes, the payload "
                 "RAM window [0x%llx, 0x%llx) has %llu left [%s]", s->name,
                 (unsigned long long)p.need,
                 (unsigned long long)w->payload_base,
                 (unsigned long long)w->payload_limit,
                 (unsigned long long)p.have, name);
        break;
    default:
        snprintf(why, why_size, "the core's entry point 0x%llx is not inside "
                 "the core [%s]", (unsigned long long)p.lo, name);
        break;
    }
    /* What the stage's verdict would be: no_memory at that section. */
    v->result = HV_ERR_MEMORY;
    v->failed_section = p.section;
    v->fail_offset = s->offset;
    for (uint32_t i = 0; i < v->info.section_count; i++)
        v->info.sections[i].data = NULL;
    return -1;
}

/* see device_check.h */
void hv_device_explain(const hv_verdict *v, const hv_device_view *d, char *out,
                       size_t out_size)
{
    const hv_image_info *in = &v->info;
    size_t n = 0;
    out[0] = '\0';
    switch (v->result) {
    case HV_ERR_TOO_FEW_SIGNATURES:
        snprintf(out, out_size, "%u valid signature(s) from trusted keys, "
                 "this device requires %u", v->signers,
                 d->min_signatures ? d->min_signatures : 1);
        break;
    case HV_ERR_OEM:
        if (v->info_valid)
            snprintf(out, out_size, "the image is for OEM %s, this device's "
                     "OEM is %s", in->oem_id, d->oem_id);
        break;
    case HV_ERR_BOARD:
        if (!v->info_valid)
            break;
        n = (size_t)snprintf(out, out_size, "the image lists board(s)");
        for (uint32_t i = 0; i < in->board_count && n < out_size; i++)
            n += (size_t)snprintf(out + n, out_size - n, "%s %s",
                                  i ? "," : "", in->boards[i]);
        if (n < out_size)
            snprintf(out + n, out_size - n, "; this device is board %s",
                     d->board_id);
        break;
    case HV_ERR_ROLLBACK:
        if (v->info_valid)
            snprintf(out, out_size, "security version %llu < rollback counter "
                     "%llu", (unsigned long long)in->security_version,
                     (unsigned long long)v->rollback_counter);
        break;
    default:
        break;
    }
}
