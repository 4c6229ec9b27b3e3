/*
 * What device.c gives transitions.c: the buffers a streamed verification
 * uses, and a verdict turned into an hv_slot_check. Not installed.
 */
#ifndef HV_UPDATE_INTERNAL_H
#define HV_UPDATE_INTERNAL_H

#include <pthread.h>

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

/*
 * How far a slot being written is written: a verification that trails the
 * writer (hv_device_check_slot_gated) reads a byte only once the writer
 * has written it, and stops when the writer closes the gate short of it.
 */
typedef struct hv_write_gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint64_t written; /* slot bytes written so far, from offset 0 */
    bool closed;      /* the writer stopped: done or failed */
} hv_write_gate;

void hv_write_gate_init(hv_write_gate *g);
void hv_write_gate_advance(hv_write_gate *g, uint64_t written);
void hv_write_gate_close(hv_write_gate *g);
void hv_write_gate_destroy(hv_write_gate *g);

/* hv_device_check_slot (streamed, decompressed) of a slot still being
 * written, each read waiting on |gate|, under |floors| (read by the
 * caller: this thread touches no counter, so a TPM's context is never
 * used from two threads); for the install's read-back, run beside the
 * writer on a second thread. */
int hv_device_check_slot_gated(const hv_device *d, uint32_t slot,
                               const hv_bs_floors *floors,
                               hv_write_gate *gate, hv_slot_check *out,
                               hv_diag *diag);

/* The policy the stage applies on this device (identity, keys or roots,
 * the root, keyring and epoch floors of |fl|; the security floor goes
 * through hv_ops): one place for every verification the updater makes.
 * |roots| is filled for a roots device and must outlive |pol|. */
void hv_device_policy(const hv_device *d, const hv_bs_floors *fl,
                      uint64_t region_size, bool exact, hv_roots *roots,
                      hv_policy *pol);

#endif
