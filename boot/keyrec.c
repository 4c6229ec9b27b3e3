/*
 * The key record's decoder (keyrec.h), shared by the trust area, root
 * documents and keyring entries.
 */
#include "keyrec.h"
#include "hvimage/flash.h"
#include "sysdeps.h"

/* see keyrec.h */
int hv_keyrec_decode(const uint8_t *k, hv_trusted_key *out)
{
    uint32_t alg = hv_le32(k + HV_KEYREC_OFF_SIG_ALG);
    uint32_t len = hv_le32(k + HV_KEYREC_OFF_PUB_LEN);
    if (hv_pubkey_size(alg) == 0 || len != hv_pubkey_size(alg) ||
        !hv_all_zero(k + HV_KEYREC_OFF_PUB + len, HV_KEYREC_PUB_MAX - len) ||
        !hv_all_zero(k + HV_KEYREC_OFF_RESERVED, 4))
        return 0;
    memcpy(out->key_id, k + HV_KEYREC_OFF_KEY_ID, HV_KEY_ID_SIZE);
    out->sig_alg = alg;
    out->pub = k + HV_KEYREC_OFF_PUB;
    out->pub_len = len;
    return 1;
}

/* see keyrec.h */
int hv_same_pub(const hv_trusted_key *a, const hv_trusted_key *b)
{
    return a->pub_len == b->pub_len && memcmp(a->pub, b->pub, a->pub_len) == 0;
}
