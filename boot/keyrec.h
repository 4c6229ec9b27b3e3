/*
 * One decoder for the key record (hvimage/flash.h HV_KEYREC_*), which the
 * trust area (version 1), root documents and keyring entries all use, so
 * each accepts exactly the same records. Internal to boot/.
 */
#ifndef HVBOOT_KEYREC_H
#define HVBOOT_KEYREC_H

#include "hvboot.h"

/*
 * Decode the HV_KEYREC_SIZE bytes at |k| into |out| (pub points into |k|):
 * a known algorithm, pub_len exactly its key size, unused pub bytes and the
 * reserved word zero. Returns 1, or 0 for a malformed record. The key id is
 * taken as it is: the record's author computed it, and thresholds never
 * count by it.
 */
int hv_keyrec_decode(const uint8_t *k, hv_trusted_key *out);

/* The same public key (bytes and length), whatever ids or algorithms the
 * two records claim: thresholds count one key once. */
int hv_same_pub(const hv_trusted_key *a, const hv_trusted_key *b);

#endif
