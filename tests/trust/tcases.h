/*
 * What every trust test starts from: a device provisioned with root
 * version 1 (keys R1[0..2], threshold 2), successor roots R2 and R3, image
 * keys I1 and I2 (P-256, epoch 1, OEM test-oem, any board), and the good
 * block "root 1 || keyring 1 (I1, I2)" signed by R1[0] and R1[1]. Each
 * test file states its cases against these, one expectation per case
 * (EXPECT: the exact hv_result), and main() ends with tcases_done() and
 * returns CHECK_DONE().
 */
#ifndef HV_TEST_TCASES_H
#define HV_TEST_TCASES_H

#include "tcraft.h"

/* Test files include check.h first: its counters are per file. */

extern tkey R1[3], R2[3], R3[3], I1, I2;
/* The device: fingerprints of R1, threshold 2, version 1. */
extern troots DEV;

/* Generate the keys, build the fixture image. */
void tcases_setup(void);
void tcases_teardown(void);

/* Root version |v| of |keys| (3) with threshold |t|, 3 slots, signed by
 * |signers| (n of them). */
void root_doc(tdoc *d, uint64_t v, const tkey *keys, uint32_t t,
              const tkey *const *signers, uint32_t n);
/* An entry for |k|: |epoch|, OEM test-oem, every board. */
tent ent(const tkey *k, uint64_t epoch);
/* Keyring version |v| naming root |rv|, |min_epoch|, entries I1 and I2 at
 * epoch 1, 2 slots, signed by |signers|. */
void ring_doc(tdoc *d, uint64_t v, uint64_t rv, uint64_t min_epoch,
              const tkey *const *signers, uint32_t n);
/* The good block: root 1 signed by R1[0], R1[1]; keyring 1. */
void good_block(tbuf *b);

/* The roots policy of the device with image threshold 1. */
hv_policy dev_policy(void);

/* An image with |blk| bound, signed by I1, verified under |pol|. */
hv_result img_with(const tbuf *blk, const hv_policy *pol, hv_verdict *v);

/* A case: name it, state what it must give. */
extern const char *case_name;
extern int case_count;
#define CASE(n) (case_name = (n), case_count++)
#define EXPECT(got, want)                                                      \
    do {                                                                       \
        hv_result got_ = (got), want_ = (want);                                \
        CHECK_MSG(got_ == want_, "%s: %s, want %s", case_name,                 \
                  hv_result_name(got_), hv_result_name(want_));                \
    } while (0)
/* At the end of a test file: the case count, keys freed. */
void tcases_done(void);

#endif
