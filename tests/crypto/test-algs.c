/* The algorithm tables: exact sizes per algorithm, 0 for anything else. */
#include "check.h"
#include "hvboot.h"

int main(void)
{
    static const uint32_t unknown[] = {0u, 5u, 6u, 0x100u, 0xFFFFFFFFu};
    size_t i;

    CHECK(hv_digest_size(HV_DIGEST_SHA256) == 32);
    CHECK(hv_digest_size(HV_DIGEST_SHA384) == 48);
    CHECK(hv_digest_size(HV_DIGEST_SHA384) == HV_DIGEST_MAX_SIZE);
    CHECK(hv_digest_size(0) == 0);
    CHECK(hv_digest_size(3) == 0);
    CHECK(hv_digest_size(0xFFFFFFFFu) == 0);

    CHECK(hv_sig_size(HV_SIG_ECDSA_P256_SHA256) == 64);
    CHECK(hv_sig_size(HV_SIG_ECDSA_P384_SHA384) == 96);
    CHECK(hv_sig_size(HV_SIG_RSA3072_PKCS1_SHA256) == 384);
    CHECK(hv_sig_size(HV_SIG_RSA4096_PKCS1_SHA256) == 512);
    CHECK(hv_sig_size(HV_SIG_RSA4096_PKCS1_SHA256) == HV_SIG_MAX_SIZE);

    CHECK(hv_pubkey_size(HV_SIG_ECDSA_P256_SHA256) == 65);
    CHECK(hv_pubkey_size(HV_SIG_ECDSA_P384_SHA384) == 97);
    CHECK(hv_pubkey_size(HV_SIG_RSA3072_PKCS1_SHA256) == 388);
    CHECK(hv_pubkey_size(HV_SIG_RSA4096_PKCS1_SHA256) == 516);

    CHECK(hv_sig_digest(HV_SIG_ECDSA_P256_SHA256) == HV_DIGEST_SHA256);
    CHECK(hv_sig_digest(HV_SIG_ECDSA_P384_SHA384) == HV_DIGEST_SHA384);
    CHECK(hv_sig_digest(HV_SIG_RSA3072_PKCS1_SHA256) == HV_DIGEST_SHA256);
    CHECK(hv_sig_digest(HV_SIG_RSA4096_PKCS1_SHA256) == HV_DIGEST_SHA256);

    for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        CHECK_MSG(hv_sig_size(unknown[i]) == 0, "alg %u", unknown[i]);
        CHECK_MSG(hv_pubkey_size(unknown[i]) == 0, "alg %u", unknown[i]);
        CHECK_MSG(hv_sig_digest(unknown[i]) == 0, "alg %u", unknown[i]);
    }
    return CHECK_DONE();
}
