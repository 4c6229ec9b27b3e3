/*
 * The portable crypto backend, on BearSSL: SHA-256/384, ECDSA P-256/P-384
 * (raw r || s) and RSA PKCS#1 v1.5 with SHA-256.
 *
 * BearSSL is more lenient than this format at its API edges (it accepts
 * short raw ECDSA signatures, any hash length, RSA keys of any size). The
 * format says every length is exact, so each verify function checks all
 * lengths, the key encoding and the signature's ranges itself, first, and
 * only then hands the arithmetic to BearSSL. For RSA, BearSSL does only the
 * public-key operation; the padding is checked here by rebuilding the one
 * acceptable encoded message and comparing it whole, never by parsing it.
 *
 * No allocation; the largest stack buffers are the two RSA blocks (1 KiB).
 */
#include "sysdeps.h"

#include "hvboot.h"
#include "crypto_internal.h"

#include <bearssl_ec.h>
#include <bearssl_hash.h>
#include <bearssl_rsa.h>

/* ---- Hashing ---------------------------------------------------------- */

/*
 * What lives in hv_hash_ctx. |alg| is 0 until hash_init succeeded, so
 * update and final on an unusable context do nothing instead of running on
 * garbage.
 */
typedef struct bearssl_hash_state {
    uint32_t alg; /* HV_DIGEST_*, or 0 */
    union {
        br_sha256_context sha256;
        br_sha384_context sha384;
    } u;
} bearssl_hash_state;

_Static_assert(sizeof(bearssl_hash_state) <= sizeof(hv_hash_ctx),
               "BearSSL hash state does not fit hv_hash_ctx");
_Static_assert(_Alignof(bearssl_hash_state) <= _Alignof(hv_hash_ctx),
               "hv_hash_ctx is less aligned than the BearSSL hash state");

/*
 * The state is copied in and out with memcpy rather than reached through a
 * cast pointer: hv_hash_ctx is declared by the caller as an array of
 * uint64_t, and accessing it as another struct type would break C's
 * aliasing rules. A copy of ~220 bytes per call is noise next to hashing,
 * and BearSSL's contexts hold no pointer into themselves (only a pointer to
 * a static vtable), so copying them is allowed.
 */
static void hash_load(bearssl_hash_state *st, const hv_hash_ctx *ctx)
{
    memcpy(st, ctx, sizeof(*st));
}

static void hash_store(hv_hash_ctx *ctx, const bearssl_hash_state *st)
{
    memcpy(ctx, st, sizeof(*st));
}

static int bearssl_hash_init(hv_hash_ctx *ctx, uint32_t digest_alg)
{
    bearssl_hash_state st;

    if (ctx == NULL)
        return -1;
    memset(&st, 0, sizeof(st));
    switch (digest_alg) {
    case HV_DIGEST_SHA256:
        br_sha256_init(&st.u.sha256);
        break;
    case HV_DIGEST_SHA384:
        br_sha384_init(&st.u.sha384);
        break;
    default:
        /* Leave alg = 0 so that later update/final calls are no-ops. */
        hash_store(ctx, &st);
        return -1;
    }
    st.alg = digest_alg;
    hash_store(ctx, &st);
    return 0;
}

static void bearssl_hash_update(hv_hash_ctx *ctx, const void *data,
                                size_t len)
{
    bearssl_hash_state st;

    if (ctx == NULL || len == 0 || data == NULL)
        return;
    hash_load(&st, ctx);
    switch (st.alg) {
    case HV_DIGEST_SHA256:
        br_sha256_update(&st.u.sha256, data, len);
        break;
    case HV_DIGEST_SHA384:
        br_sha384_update(&st.u.sha384, data, len);
        break;
    default:
        return;
    }
    hash_store(ctx, &st);
}

static void bearssl_hash_final(hv_hash_ctx *ctx, uint8_t *out)
{
    bearssl_hash_state st;

    if (ctx == NULL || out == NULL)
        return;
    hash_load(&st, ctx);
    switch (st.alg) {
    case HV_DIGEST_SHA256:
        br_sha256_out(&st.u.sha256, out);
        break;
    case HV_DIGEST_SHA384:
        br_sha384_out(&st.u.sha384, out);
        break;
    default:
        break;
    }
}

/* ---- ECDSA ------------------------------------------------------------ */

/* Group orders n (FIPS 186-4, D.1.2.3 and D.1.2.4), big-endian. */
static const uint8_t p256_order[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
    0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
static const uint8_t p384_order[48] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xC7, 0x63, 0x4D, 0x81, 0xF4, 0x37, 0x2D, 0xDF, 0x58, 0x1A, 0x0D, 0xB2,
    0x48, 0xB0, 0xA7, 0x7A, 0xEC, 0xEC, 0x19, 0x6A, 0xCC, 0xC5, 0x29, 0x73};

/*
 * 1 if the big-endian |v| (|len| bytes) is in [1, order - 1]. BearSSL checks
 * this too; checking it here as well makes the "r, s in [1, n-1]" promise
 * of hv_crypto hold by this file's code, whatever the BearSSL version. The
 * signature is public, so this need not be constant time.
 */
static int scalar_in_range(const uint8_t *v, const uint8_t *order,
                           size_t len)
{
    uint8_t any = 0;
    size_t i;

    for (i = 0; i < len; i++)
        any |= v[i];
    if (any == 0)
        return 0;
    for (i = 0; i < len; i++) {
        if (v[i] != order[i])
            return v[i] < order[i];
    }
    return 0; /* v == n */
}

static int verify_ecdsa(uint32_t sig_alg, const uint8_t *pub, size_t pub_len,
                        const uint8_t *digest, size_t digest_len,
                        const uint8_t *sig, size_t sig_len)
{
    const br_ec_impl *impl = br_ec_get_default();
    const uint8_t *order;
    br_ec_public_key pk;
    size_t scalar_len;
    int curve;

    if (sig_alg == HV_SIG_ECDSA_P256_SHA256) {
        curve = BR_EC_secp256r1;
        order = p256_order;
    } else {
        curve = BR_EC_secp384r1;
        order = p384_order;
    }
    /*
     * Exact lengths before BearSSL: br_ecdsa_*_vrfy_raw() takes any even
     * signature length up to twice the order's length (a short r || s is
     * read as two shorter integers) and truncates or pads any hash length,
     * so without these checks one signature would have several accepted
     * encodings, and a P-256 key could be fed a SHA-384 digest.
     */
    if (pub_len != hv_pubkey_size(sig_alg) || pub[0] != 0x04u)
        return 0; /* only the uncompressed point is a valid key record */
    if (sig_len != hv_sig_size(sig_alg))
        return 0;
    if (digest_len != hv_digest_size(hv_sig_digest(sig_alg)))
        return 0;
    scalar_len = sig_len / 2;
    if (!scalar_in_range(sig, order, scalar_len) ||
        !scalar_in_range(sig + scalar_len, order, scalar_len))
        return 0;
    if (impl == NULL || ((impl->supported_curves >> curve) & 1u) == 0)
        return 0; /* a trimmed BearSSL build without this curve */

    /* BearSSL only reads the point (it decodes and checks it is on the
     * curve); its struct field is just not const-qualified. */
    pk.curve = curve;
    pk.q = (unsigned char *)(uintptr_t)pub;
    pk.qlen = pub_len;
    return br_ecdsa_i31_vrfy_raw(impl, digest, digest_len, &pk, sig,
                                 sig_len) == 1;
}

/* ---- RSA PKCS#1 v1.5 -------------------------------------------------- */

/*
 * DER of DigestInfo { AlgorithmIdentifier { id-sha256, NULL }, OCTET STRING
 * of 32 bytes } up to the hash (RFC 8017, section 9.2, note 1). The NULL
 * parameters are required: only one encoding is accepted.
 */
static const uint8_t sha256_digest_info[19] = {
    0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

#define RSA_SHA256_DIGEST_SIZE 32u
/* 00 01, at least 8 bytes FF (RFC 8017), 00, DigestInfo, hash. */
#define RSA_MIN_EM_SIZE (3u + 8u + sizeof(sha256_digest_info) + 32u)

static int verify_rsa(uint32_t sig_alg, const uint8_t *pub, size_t pub_len,
                      const uint8_t *digest, size_t digest_len,
                      const uint8_t *sig, size_t sig_len)
{
    uint8_t x[HV_SIG_MAX_SIZE];  /* s, then s^e mod n */
    uint8_t em[HV_SIG_MAX_SIZE]; /* the one acceptable encoded message */
    const size_t nlen = hv_sig_size(sig_alg);
    const uint8_t *n = pub;
    const uint8_t *e = pub + nlen;
    br_rsa_public_key pk;
    size_t ps_len;
    uint32_t ev;

    /*
     * Lengths first. BearSSL accepts any modulus up to its maximum and strips
     * leading zero bytes of n, so the key size must be pinned here: a
     * 384-byte record with a zero top byte would otherwise be a 3064-bit key.
     */
    if (nlen == 0 || nlen > sizeof(x) || nlen < RSA_MIN_EM_SIZE)
        return 0;
    if (pub_len != hv_pubkey_size(sig_alg) || pub_len != nlen + 4)
        return 0;
    if (sig_len != nlen)
        return 0;
    if (digest_len != hv_digest_size(hv_sig_digest(sig_alg)) ||
        digest_len != RSA_SHA256_DIGEST_SIZE)
        return 0;
    /* Full-size, odd modulus; odd exponent >= 3 (1 would make s = EM). */
    if ((n[0] & 0x80u) == 0 || (n[nlen - 1] & 1u) == 0)
        return 0;
    ev = (uint32_t)e[0] << 24 | (uint32_t)e[1] << 16 | (uint32_t)e[2] << 8 |
         (uint32_t)e[3];
    if ((ev & 1u) == 0 || ev < 3)
        return 0;

    /* s^e mod n. br_rsa_i31_public() fails if s >= n. It only reads n and
     * e; the struct fields are just not const-qualified. */
    memcpy(x, sig, nlen);
    pk.n = (unsigned char *)(uintptr_t)n;
    pk.nlen = nlen;
    pk.e = (unsigned char *)(uintptr_t)e;
    pk.elen = 4;
    if (br_rsa_i31_public(x, nlen, &pk) != 1)
        return 0;

    /* EM = 00 01 FF..FF 00 || DigestInfo || H, exactly nlen bytes. */
    ps_len = nlen - 3 - sizeof(sha256_digest_info) - digest_len;
    em[0] = 0x00;
    em[1] = 0x01;
    memset(em + 2, 0xFF, ps_len);
    em[2 + ps_len] = 0x00;
    memcpy(em + 3 + ps_len, sha256_digest_info, sizeof(sha256_digest_info));
    memcpy(em + 3 + ps_len + sizeof(sha256_digest_info), digest, digest_len);

    return hv_ct_equal(x, em, nlen);
}

/* ---- Backend ---------------------------------------------------------- */

/* Shared with hv_crypto_native (crypto_internal.h). */
int hv_bearssl_verify(uint32_t sig_alg, const uint8_t *pub, size_t pub_len,
                      const uint8_t *digest, size_t digest_len,
                      const uint8_t *sig, size_t sig_len)
{
    if (pub == NULL || digest == NULL || sig == NULL)
        return 0;
    switch (sig_alg) {
    case HV_SIG_ECDSA_P256_SHA256:
    case HV_SIG_ECDSA_P384_SHA384:
        return verify_ecdsa(sig_alg, pub, pub_len, digest, digest_len, sig,
                            sig_len);
    case HV_SIG_RSA3072_PKCS1_SHA256:
    case HV_SIG_RSA4096_PKCS1_SHA256:
        return verify_rsa(sig_alg, pub, pub_len, digest, digest_len, sig,
                          sig_len);
    default:
        return 0;
    }
}

const hv_crypto hv_crypto_bearssl = {
    .name = "bearssl",
    .hash_init = bearssl_hash_init,
    .hash_update = bearssl_hash_update,
    .hash_final = bearssl_hash_final,
    .verify = hv_bearssl_verify,
};
