/*
 * Algorithm tables. These sizes are exact, not maxima: the verifier and the
 * backend refuse any signature, key or digest whose length differs, so a
 * value here is a format rule (docs/FORMAT.md), not a buffer bound.
 */
#include "sysdeps.h"

#include "hvboot.h"

size_t hv_digest_size(uint32_t digest_alg)
{
    switch (digest_alg) {
    case HV_DIGEST_SHA256:
        return HV_DIGEST_SIZE_SHA256;
    case HV_DIGEST_SHA384:
        return HV_DIGEST_SIZE_SHA384;
    default:
        return 0;
    }
}

size_t hv_sig_size(uint32_t sig_alg)
{
    switch (sig_alg) {
    case HV_SIG_ECDSA_P256_SHA256:
        return HV_SIG_SIZE_P256; /* r || s (P1363) */
    case HV_SIG_ECDSA_P384_SHA384:
        return HV_SIG_SIZE_P384;
    case HV_SIG_RSA3072_PKCS1_SHA256:
        return HV_SIG_SIZE_RSA3072; /* the modulus length */
    case HV_SIG_RSA4096_PKCS1_SHA256:
        return HV_SIG_SIZE_RSA4096;
    default:
        return 0;
    }
}

size_t hv_pubkey_size(uint32_t sig_alg)
{
    switch (sig_alg) {
    case HV_SIG_ECDSA_P256_SHA256:
        return HV_PUB_SIZE_P256; /* 0x04 || X || Y */
    case HV_SIG_ECDSA_P384_SHA384:
        return HV_PUB_SIZE_P384;
    case HV_SIG_RSA3072_PKCS1_SHA256:
        return HV_PUB_SIZE_RSA3072; /* n, then e big-endian */
    case HV_SIG_RSA4096_PKCS1_SHA256:
        return HV_PUB_SIZE_RSA4096;
    default:
        return 0;
    }
}

uint32_t hv_sig_digest(uint32_t sig_alg)
{
    switch (sig_alg) {
    case HV_SIG_ECDSA_P256_SHA256:
    case HV_SIG_RSA3072_PKCS1_SHA256:
    case HV_SIG_RSA4096_PKCS1_SHA256:
        return HV_DIGEST_SHA256;
    case HV_SIG_ECDSA_P384_SHA384:
        return HV_DIGEST_SHA384;
    default:
        return 0;
    }
}
