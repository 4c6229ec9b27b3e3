/*
 * Device GUIDs as fwupd derives them from instance ids: a name-based UUID
 * (RFC 4122 version 5, SHA-1) in the DNS namespace
 * 6ba7b810-9dad-11d1-80b4-00c04fd430c8 over the instance id's bytes. An
 * hvimage device's instance id is HVIMAGE\OEM_<oem>&BOARD_<board>.
 */
#ifndef HV_CAB_GUID_H
#define HV_CAB_GUID_H

#include <stddef.h>

#include "plan.h"

/* The instance id of |oem| and |board| into |out| (|size| bytes). */
void hv_instance_id(const char *oem, const char *board, char *out,
                    size_t size);
/* The GUID of |instance_id|, lower-case 8-4-4-4-12. */
void hv_guid_from_instance_id(const char *instance_id,
                              char out[HV_GUID_TEXT_SIZE + 1]);

#endif
