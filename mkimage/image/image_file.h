/*
 * An existing image file, opened for the commands that read or re-sign it
 * (sign, tbs, attach, inspect). Only the fixed header is interpreted before
 * its sizes are range-checked (hv_parse_header); the rest is read into fixed
 * buffers sized by the format's limits. The content check is the boot
 * library's own (hv_check_content), so what a signing station accepts is
 * what the boot verifier accepts, decompression included.
 *
 * Functions return 0, or -1 with |diag| set and classed (common/diag.h):
 * HV_FAIL_REJECTED for an image the verifier would refuse, HV_FAIL_INPUT for
 * a path that cannot be opened, HV_FAIL_IO / HV_FAIL_INTERNAL otherwise.
 */
#ifndef HV_IMAGE_FILE_H
#define HV_IMAGE_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "diag.h"
#include "hvboot.h"
#include "signing.h"

typedef struct hv_image_file {
    const char *path; /* not owned */
    FILE *fp;         /* owned */
    uint64_t file_size;
    mode_t mode; /* permission bits, so re-signing in place keeps them */
    hv_header header;
    uint8_t tbs[HV_TBS_MAX_SIZE];
    size_t tbs_len;
    uint8_t block[HV_MAX_SIG_BLOCK_SIZE];
    size_t block_len;
    uint32_t filled; /* signatures present */
} hv_image_file;

/* Open and check header, sizes and the signature block's structure. */
int hv_image_open(hv_image_file *img, const char *path, hv_diag *diag);
void hv_image_close(hv_image_file *img);

/* The image's trust block (header.trust_size bytes after the signature
 * block) into a heap buffer |*out| the caller frees; NULL when it has
 * none. Read only: nothing in it is checked here. */
int hv_image_read_trust(hv_image_file *img, uint8_t **out, hv_diag *diag);

/* Write a copy of the image with |block| as its signature block to
 * |out_path| atomically, with permission bits |mode| (|out_path| may be the
 * image's own path). */
int hv_image_write_with_block(hv_image_file *img, const uint8_t *block,
                              const char *out_path, mode_t mode,
                              hv_diag *diag);

/* Check the whole image but its signatures with the boot library
 * (hv_check_content): metadata, layout, padding, every section's digest and
 * decompression. For sign/tbs/attach: a signing station must not sign an
 * image the verifier refuses. Fills |info| with the (unsigned) metadata. */
int hv_image_check_content(hv_image_file *img, hv_image_info *info,
                           hv_diag *diag);

/* Which of the image's filled slots were checked against given keys. Bit i
 * stands for slot i of the input image. */
typedef struct hv_slot_report {
    uint32_t verified;  /* a given key has this slot's key id; it verifies */
    uint32_t unchecked; /* no key given for this slot's key id */
} hv_slot_report;

/*
 * Check the filled slots already in |img| against |keys| (the signer's own
 * key and any --pub), so that sign and attach never report success for an
 * output that cannot verify. A slot whose key id one of |keys| has must
 * verify with it; a slot whose sig_len is no algorithm's signature size can
 * verify under no key. Either refusal is HV_FAIL_REJECTED naming the slot
 * index. Slots of other keys are only marked unchecked in |rep|.
 */
int hv_image_check_slots(const hv_image_file *img, const hv_pubkey *keys,
                         size_t key_count, hv_slot_report *rep,
                         hv_diag *diag);

#endif
