/*
 * The cabinet's firmware.metainfo.xml: an AppStream component of type
 * "firmware" (https://lvfs.readthedocs.io/en/latest/metainfo.html) from the
 * verified image's signed metadata and the manifest's release block. Every
 * text is escaped for XML; the same input gives the same bytes.
 */
#ifndef HV_CAB_METAINFO_H
#define HV_CAB_METAINFO_H

#include <stddef.h>

#include "diag.h"
#include "hvboot.h"
#include "plan.h"

typedef struct hv_metainfo_in {
    const hv_release *release;
    const hv_image_info *info;
    const char *image_file;  /* the image's name in the cabinet */
    const char *sha1_hex;    /* of the image */
    const char *sha256_hex;
    const char (*guids)[HV_GUID_TEXT_SIZE + 1];
    size_t guid_count;
} hv_metainfo_in;

/* The XML into |*xml| (heap, NUL-terminated, |*len| bytes). Returns 0, or
 * -1 with |diag| set (a build epoch past the year 9999: bad input). */
int hv_metainfo_build(const hv_metainfo_in *in, char **xml, size_t *len,
                      hv_diag *diag);

/* |text| escaped for XML character data and attribute values into |f|. */
void hv_xml_escape(FILE *f, const char *text, size_t len);

#endif
