/*
 * The trust area (include/hvimage/flash.h): device identity, rollback
 * counter, where the monotonic counter lives, flash map and trusted keys,
 * provisioned into the stage binary by hvimage assemble. The checks are the
 * boot library's (hvtrust.h), shared with the field updater; the stage
 * only says why it cannot use the area.
 */
#include "stage.h"

/* see stage.h */
int trust_load(const uint8_t area[HV_TRUST_AREA_SIZE], stage_trust_info *t)
{
    const char *why = hv_trust_parse(area, t);
    if (why) {
        kprintf("hvstage: trust area: %s\n", why);
        return -1;
    }
    return 0;
}
