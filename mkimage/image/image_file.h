/*
 * An existing image file, opened for the commands that read or re-sign it
 * (sign, tbs, attach, inspect). Only the fixed header is interpreted before
 * its sizes are range-checked (hv_parse_header); the rest is read into fixed
 * buffers sized by the format's limits.
 */
#ifndef HV_IMAGE_FILE_H
#define HV_IMAGE_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "hvboot.h"

typedef struct hv_image_file {
    const char *path; /* not owned */
    FILE *fp;         /* owned */
    uint64_t file_size;
    hv_header header;
    uint8_t tbs[HV_TBS_MAX_SIZE];
    size_t tbs_len;
    uint8_t block[HV_MAX_SIG_BLOCK_SIZE];
    size_t block_len;
    uint32_t filled; /* signatures present */
} hv_image_file;

/* Open and check header, sizes and the signature block's structure. Returns
 * an exit code: 0, HV_EXIT_USAGE if unreadable, HV_EXIT_REJECTED if it is
 * not a well-formed image (|diag| gives the byte offset). */
int hv_image_open(hv_image_file *img, const char *path, hv_diag *diag);
void hv_image_close(hv_image_file *img);

/* Write a copy of the image with |block| as its signature block to
 * |out_path| atomically (|out_path| may be the image's own path). */
int hv_image_write_with_block(hv_image_file *img, const uint8_t *block,
                              const char *out_path, hv_diag *diag);

/* Parse the (unsigned) metadata and check every section digest and the
 * zero padding by streaming the file once. For sign/tbs/attach: a signing
 * station must not sign an image whose sections do not match. Fills |info|.
 * Returns 0 or HV_EXIT_REJECTED with the byte offset in |diag|. */
int hv_image_check_content(hv_image_file *img, hv_image_info *info,
                           hv_diag *diag);

#endif
