/* see plan.h */
#include <string.h>

#include "plan.h"

/* The only place the names of profiles and the command line are spelled. */
static const struct {
    uint32_t id;
    const char *name;
} sig_algs[] = {
    {HV_SIG_ECDSA_P256_SHA256, "ecdsa-p256-sha256"},
    {HV_SIG_ECDSA_P384_SHA384, "ecdsa-p384-sha384"},
    {HV_SIG_RSA3072_PKCS1_SHA256, "rsa3072-pkcs1-sha256"},
    {HV_SIG_RSA4096_PKCS1_SHA256, "rsa4096-pkcs1-sha256"},
};

static const struct {
    uint32_t id;
    const char *name;
} digest_algs[] = {
    {HV_DIGEST_SHA256, "sha256"},
    {HV_DIGEST_SHA384, "sha384"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *hv_sig_alg_name(uint32_t sig_alg)
{
    for (size_t i = 0; i < COUNT(sig_algs); i++)
        if (sig_algs[i].id == sig_alg)
            return sig_algs[i].name;
    return NULL;
}

uint32_t hv_sig_alg_from_name(const char *name)
{
    if (!name)
        return 0;
    for (size_t i = 0; i < COUNT(sig_algs); i++)
        if (strcmp(sig_algs[i].name, name) == 0)
            return sig_algs[i].id;
    return 0;
}

const char *hv_digest_alg_name(uint32_t digest_alg)
{
    for (size_t i = 0; i < COUNT(digest_algs); i++)
        if (digest_algs[i].id == digest_alg)
            return digest_algs[i].name;
    return NULL;
}

uint32_t hv_digest_alg_from_name(const char *name)
{
    if (!name)
        return 0;
    for (size_t i = 0; i < COUNT(digest_algs); i++)
        if (strcmp(digest_algs[i].name, name) == 0)
            return digest_algs[i].id;
    return 0;
}

static const char *const acceptance_names[] = {
    [HV_ACCEPT_COMMUNITY] = "community",
    [HV_ACCEPT_PARTNER] = "partner",
    [HV_ACCEPT_ACCEPTED] = "accepted",
    [HV_ACCEPT_CERTIFIED] = "certified",
};

const char *hv_acceptance_name(hv_acceptance level)
{
    if ((unsigned)level >= COUNT(acceptance_names))
        return NULL;
    return acceptance_names[level];
}

int hv_acceptance_from_name(const char *name, hv_acceptance *out)
{
    for (size_t i = 0; name && i < COUNT(acceptance_names); i++) {
        if (strcmp(acceptance_names[i], name) == 0) {
            *out = (hv_acceptance)i;
            return 0;
        }
    }
    return -1;
}
