/*
 * LVFS cabinets (`hvimage package --cab`, docs/SUPPLY-CHAIN.md "Cabinets"):
 * a Microsoft cabinet, as fwupd and LVFS read it, holding the image
 * (firmware.hvi), its AppStream metainfo (firmware.metainfo.xml) and a Jcat
 * file (firmware.jcat) with checksums of both and, given a key and its
 * certificate, a PKCS#7 signature of each.
 *
 * Plain C types only: libgcab, libjcat and GLib stay inside mkimage/cab/.
 */
#ifndef HV_CAB_H
#define HV_CAB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "hvboot.h"
#include "plan.h"

/* File names inside the cabinet, fixed so that a cabinet's layout is
 * always the same. */
#define HV_CAB_IMAGE_NAME "firmware.hvi"
#define HV_CAB_METAINFO_NAME "firmware.metainfo.xml"
#define HV_CAB_JCAT_NAME "firmware.jcat"

/* The largest image a cabinet takes: the cabinet format counts in 32 bits
 * and `package` holds the image and the cabinet in memory. */
#define HV_CAB_MAX_IMAGE (UINT64_C(1) << 30)

typedef struct hv_cab_request {
    const hv_release *release;   /* the manifest's release block */
    const hv_image_info *info;   /* the verified image's signed metadata */
    const uint8_t *image;        /* the verified image's bytes */
    size_t image_len;
    const char *sign_key;  /* PEM private key file, or NULL: checksums only */
    const char *sign_cert; /* its PEM certificate (with |sign_key|) */
} hv_cab_request;

/* Write the cabinet to |out|. Same request, same bytes, except a PKCS#7
 * signature whose algorithm is randomised (ECDSA). Returns 0, or -1 with
 * |diag| set: bad input for an unusable key or certificate, internal for a
 * library failure. */
int hv_cab_write(const hv_cab_request *req, FILE *out, size_t *written,
                 hv_diag *diag);

#endif
