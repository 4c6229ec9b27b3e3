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
        return 32;
    case HV_DIGEST_SHA384:
        return 48;
    default:
        return 0;
    }
}

size_t hv_sig_size(uint32_t sig_alg)
{
    switch (sig_alg) {
    case HV_SIG_ECDSA_P256_SHA256:
        return 64; /* r || s, 32 bytes each (P1363) */
    case HV_SIG_ECDSA_P384_SHA384:
        return 96; /* r || s, 48 bytes each */
    case HV_SIG_RSA3072_PKCS1_SHA256:
        return 384; /* the modulus length */
    case HV_SIG_RSA4096_PKCS1_SHA256:
        return 512;
    default:
        return 0;
    }
}

size_t hv_pubkey_size(uint32_t sig_alg)
{
    switch (sig_alg) {
    case HV_SIG_ECDSA_P256_SHA256:
        return 65; /* 0x04 || X || Y */
    case HV_SIG_ECDSA_P384_SHA384:
        return 97;
    case HV_SIG_RSA3072_PKCS1_SHA256:
        return 384 + 4; /* n, then e as 4 bytes big-endian */
    case HV_SIG_RSA4096_PKCS1_SHA256:
        return 512 + 4;
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
