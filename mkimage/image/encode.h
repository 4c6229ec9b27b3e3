/*
 * Encoders for the signed bytes (header || metadata) and the signature
 * block: the write side of boot/parse.c. Every encoded TBS is parsed back
 * with hv_parse_metadata() before it is signed, so the builder can never
 * produce an image its own verifier refuses.
 */
#ifndef HV_ENCODE_H
#define HV_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "hvboot.h"

/* Encode |info| (header fields, texts, sections, boards) into |tbs|, which
 * holds HV_TBS_MAX_SIZE bytes. Returns the TBS length. The caller has
 * checked counts against the format limits. */
size_t hv_encode_tbs(const hv_image_info *info, uint8_t *tbs);

/* Size of the signature block and offset of the first section for a
 * metadata size, slot count and alignment. */
uint64_t hv_data_start(uint32_t metadata_size, uint32_t slots, uint32_t align);

typedef enum hv_slot_status {
    HV_SLOT_OK = 0,
    HV_SLOT_DUPLICATE, /* this key already signed */
    HV_SLOT_FULL,      /* no empty slot left */
} hv_slot_status;

/* Insert a signature into a well-formed block (hv_check_sig_block), keeping
 * key ids ascending and empty slots last. */
hv_slot_status hv_sig_block_insert(uint8_t *block, uint32_t slots,
                                   const uint8_t key_id[HV_KEY_ID_SIZE],
                                   const uint8_t *sig, size_t sig_len);

#endif
