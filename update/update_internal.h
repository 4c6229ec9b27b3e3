/*
 * What device.c gives transitions.c: the buffers a streamed verification
 * uses, and a verdict turned into an hv_slot_check. Not installed.
 */
#ifndef HV_UPDATE_INTERNAL_H
#define HV_UPDATE_INTERNAL_H

#include "hvupdate.h"

/*
 * Everything one verification needs, allocated once: the workspace, one
 * chunk (the largest the format allows: only the image's own chunk size of
 * it is ever touched), zstd's stream workspace and an output buffer. Flat
 * whatever the image's size.
 */
typedef struct hv_update_buffers {
    hv_workspace *ws;
    uint8_t *chunk;
    void *zstd;
    uint8_t *out;
} hv_update_buffers;

hv_update_buffers *hv_update_buffers_new(void);
void hv_update_buffers_free(hv_update_buffers *b);
/* An hv_stream over |b| (no sinks), decompressing with |unpack|. */
hv_stream hv_update_buffers_stream(hv_update_buffers *b, int unpack);

/* Fill |out| from a verifier's result |r| and |v|: the signed facts, why
 * it was refused, and whether the stage's RAM windows take it. */
void hv_device_fill_check(const hv_device *d, const hv_verdict *v,
                          hv_result r, hv_slot_check *out);

/* hv_device_check_slot without decompressing a version 2 image: every
 * byte against its authenticated digest, for reading back a slot just
 * written from a stream that was decompressed as it arrived. */
int hv_device_check_slot_quick(const hv_device *d, uint32_t slot,
                               uint64_t floor, hv_slot_check *out,
                               hv_diag *diag);

#endif
