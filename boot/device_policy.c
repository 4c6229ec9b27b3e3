/*
 * The RAM windows of the device policy (hvpolicy.h): where the stage puts
 * each section, and the same decision replayed by the host tools on a
 * verified image. Every size here is signed metadata that is still treated
 * as hostile: no sum is formed that could wrap.
 */
#include "hvpolicy.h"

/* see hvpolicy.h */
const hv_ram_windows hv_stage_ram_windows = {
    HV_STAGE_CORE_WINDOW_BASE,    HV_STAGE_CORE_WINDOW_LIMIT,
    HV_STAGE_PAYLOAD_WINDOW_BASE, HV_STAGE_PAYLOAD_WINDOW_LIMIT,
    HV_STAGE_PAYLOAD_FIRST,       HV_STAGE_PAYLOAD_ALIGN,
};

/* see hvpolicy.h */
void hv_ram_plan_init(hv_ram_plan *p, const hv_ram_windows *w)
{
    *p = (hv_ram_plan){0};
    p->w = w;
    p->payload_next = w->payload_first;
}

static int refuse(hv_ram_plan *p, hv_ram_refusal why)
{
    p->refusal = why;
    p->section = p->placed;
    return -1;
}

/* Bump allocation in the payload window, payload_align aligned. The bump
 * pointer never passes payload_limit, so aligning it cannot wrap. */
static int payload_alloc(hv_ram_plan *p, uint64_t size, uint64_t *at_out)
{
    const hv_ram_windows *w = p->w;
    uint64_t at = (p->payload_next + w->payload_align - 1) &
                  ~(w->payload_align - 1);
    if (at > w->payload_limit || size > w->payload_limit - at) {
        p->need = size;
        p->have = at < w->payload_limit ? w->payload_limit - at : 0;
        return refuse(p, HV_RAM_PAYLOAD_SIZE);
    }
    p->payload_next = at + size;
    *at_out = at;
    return 0;
}

/* see hvpolicy.h */
int hv_ram_place(hv_ram_plan *p, const hv_section *s, uint64_t *stored,
                 uint64_t *unpacked)
{
    const hv_ram_windows *w = p->w;
    *stored = 0;
    *unpacked = 0;
    if (s->type == HV_SECTION_CORE) {
        /* The core must not land on the stage, its stack, its page tables
         * or the payload window, whatever its signature says. */
        p->lo = s->load_address;
        p->hi = s->unpacked_size > UINT64_MAX - s->load_address
                    ? UINT64_MAX
                    : s->load_address + s->unpacked_size;
        p->need = s->unpacked_size;
        p->have = 0;
        if (s->load_address < w->core_base ||
            s->load_address >= w->core_limit)
            return refuse(p, HV_RAM_CORE_ADDRESS);
        p->have = w->core_limit - s->load_address;
        if (s->unpacked_size > p->have)
            return refuse(p, HV_RAM_CORE_SIZE);
        if (s->compression == HV_COMPRESSION_NONE) {
            *stored = s->load_address;
        } else {
            *unpacked = s->load_address;
            if (payload_alloc(p, s->stored_size, stored) != 0)
                return -1;
        }
    } else {
        if (payload_alloc(p, s->stored_size, stored) != 0)
            return -1;
        if (s->compression != HV_COMPRESSION_NONE &&
            payload_alloc(p, s->unpacked_size, unpacked) != 0)
            return -1;
    }
    p->placed++;
    return 0;
}

/* see hvpolicy.h */
int hv_ram_check_image(hv_ram_plan *p, const hv_ram_windows *w,
                       const hv_image_info *info)
{
    uint64_t stored, unpacked;
    hv_ram_plan_init(p, w);
    for (uint32_t i = 0; i < info->section_count; i++)
        if (hv_ram_place(p, &info->sections[i], &stored, &unpacked) != 0)
            return -1;
    /* hv_parse_metadata already requires both; the stage jumps only if
     * they hold, so the hosts check them from the same place. */
    const hv_section *core = &info->sections[0];
    if (info->section_count < 1 || core->type != HV_SECTION_CORE) {
        p->lo = 0;
        p->placed = 0;
        return refuse(p, HV_RAM_CORE_ENTRY);
    }
    if (core->entry_point < core->load_address ||
        core->entry_point - core->load_address >= core->unpacked_size) {
        p->lo = core->entry_point;
        p->placed = 0;
        return refuse(p, HV_RAM_CORE_ENTRY);
    }
    return 0;
}

/* see hvpolicy.h */
const char *hv_ram_refusal_name(hv_ram_refusal r)
{
    switch (r) {
    case HV_RAM_OK: return "ok";
    case HV_RAM_CORE_ADDRESS: return "core_address";
    case HV_RAM_CORE_SIZE: return "core_size";
    case HV_RAM_PAYLOAD_SIZE: return "payload_size";
    case HV_RAM_CORE_ENTRY: return "core_entry";
    }
    return "unknown";
}
