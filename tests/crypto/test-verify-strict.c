/*
 * hv_crypto_bearssl.verify on keys and signatures made here with BearSSL
 * (deterministic DRBG seed, so every run sees the same keys): a good
 * signature verifies, and each rule the backend adds on top of BearSSL
 * refuses what it is for: exact key, signature and digest lengths, the
 * uncompressed point prefix, r and s in [1, n-1], a full-size odd modulus,
 * an odd exponent >= 3, and exactly one PKCS#1 v1.5 encoding (DigestInfo
 * with NULL parameters). Several cases print whether BearSSL alone would
 * have accepted them: those are the reasons the checks exist.
 */
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "check.h"
#include "hvboot.h"

static const hv_crypto *const be = &hv_crypto_bearssl;
static br_hmac_drbg_context rng;

static const uint8_t p256_n[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
    0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
static const uint8_t p384_n[48] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xC7, 0x63, 0x4D, 0x81, 0xF4, 0x37, 0x2D, 0xDF, 0x58, 0x1A, 0x0D, 0xB2,
    0x48, 0xB0, 0xA7, 0x7A, 0xEC, 0xEC, 0x19, 0x6A, 0xCC, 0xC5, 0x29, 0x73};

static const uint8_t di_sha256[19] = {0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60,
                                      0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                      0x01, 0x05, 0x00, 0x04, 0x20};
/* The same without the NULL parameters (Wycheproof "MissingNull"). */
static const uint8_t di_sha256_no_null[17] = {
    0x30, 0x2F, 0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48,
    0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x04, 0x20};

#define V(expect, ...)                                                        \
    CHECK_MSG(be->verify(__VA_ARGS__) == (expect), "expected %d",            \
              (expect))

static void digest_of(uint32_t dalg, const char *msg, uint8_t *out)
{
    hv_hash_ctx ctx;

    CHECK(be->hash_init(&ctx, dalg) == 0);
    be->hash_update(&ctx, msg, strlen(msg));
    be->hash_final(&ctx, out);
}

/* out = a - b, big-endian, len bytes (a >= b). */
static void sub_be(uint8_t *out, const uint8_t *a, const uint8_t *b,
                   size_t len)
{
    unsigned borrow = 0;
    size_t i = len;

    while (i-- > 0) {
        unsigned d = (unsigned)a[i] - b[i] - borrow;
        out[i] = (uint8_t)d;
        borrow = (d >> 8) & 1u;
    }
}

/* ---- ECDSA ------------------------------------------------------------ */

static void test_ecdsa(uint32_t alg, int curve, const br_hash_class *hc,
                       const uint8_t *order)
{
    const br_ec_impl *impl = br_ec_get_default();
    unsigned char skbuf[BR_EC_KBUF_PRIV_MAX_SIZE];
    unsigned char pkbuf[BR_EC_KBUF_PUB_MAX_SIZE];
    br_ec_private_key sk;
    br_ec_public_key pk;
    uint8_t pub[100], digest[HV_DIGEST_MAX_SIZE], sig[100], bad[100];
    const uint32_t dalg = hv_sig_digest(alg);
    const size_t dlen = hv_digest_size(dalg);
    const size_t slen = hv_sig_size(alg), plen = hv_pubkey_size(alg);
    const size_t k = slen / 2;
    uint32_t other = alg == HV_SIG_ECDSA_P256_SHA256
                         ? HV_SIG_ECDSA_P384_SHA384
                         : HV_SIG_ECDSA_P256_SHA256;

    CHECK(br_ec_keygen(&rng.vtable, impl, &sk, skbuf, curve) != 0);
    CHECK(br_ec_compute_pub(impl, &pk, pkbuf, &sk) == plen);
    memcpy(pub, pk.q, plen);
    digest_of(dalg, "hvimage strict verify test", digest);
    CHECK(br_ecdsa_i31_sign_raw(impl, hc, digest, &sk, sig) == slen);

    /* The good signature. */
    V(1, alg, pub, plen, digest, dlen, sig, slen);

    /* Message, signature, key changed. */
    memcpy(bad, digest, dlen);
    bad[dlen - 1] ^= 1;
    V(0, alg, pub, plen, bad, dlen, sig, slen);
    memcpy(bad, sig, slen);
    bad[0] ^= 0x10;
    V(0, alg, pub, plen, digest, dlen, bad, slen);
    memcpy(bad, sig, slen);
    bad[slen - 1] ^= 0x01;
    V(0, alg, pub, plen, digest, dlen, bad, slen);
    memcpy(bad, sig + k, k); /* s || r */
    memcpy(bad + k, sig, k);
    V(0, alg, pub, plen, digest, dlen, bad, slen);

    /* Key record: exact length, uncompressed prefix, on the curve. */
    V(0, alg, pub, plen - 1, digest, dlen, sig, slen);
    pub[plen] = 0;
    V(0, alg, pub, plen + 1, digest, dlen, sig, slen);
    pub[0] = 0x02;
    V(0, alg, pub, plen, digest, dlen, sig, slen);
    pub[0] = 0x03;
    V(0, alg, pub, plen, digest, dlen, sig, slen);
    pub[0] = 0x06; /* X9.62 "hybrid" form */
    V(0, alg, pub, plen, digest, dlen, sig, slen);
    pub[0] = 0x00;
    V(0, alg, pub, plen, digest, dlen, sig, slen);
    pub[0] = 0x04;
    pub[plen - 1] ^= 1; /* Y changed: off the curve */
    V(0, alg, pub, plen, digest, dlen, sig, slen);
    pub[plen - 1] ^= 1;
    memset(bad, 0, plen); /* "point at infinity" coordinates */
    bad[0] = 0x04;
    V(0, alg, bad, plen, digest, dlen, sig, slen);
    V(1, alg, pub, plen, digest, dlen, sig, slen); /* all restored */

    /* Signature length exact: BearSSL alone takes short even lengths. */
    V(0, alg, pub, plen, digest, dlen, sig, 0);
    V(0, alg, pub, plen, digest, dlen, sig, slen - 1);
    V(0, alg, pub, plen, digest, dlen, sig, slen - 2);
    memcpy(bad, sig, slen);
    bad[slen] = 0;
    V(0, alg, pub, plen, digest, dlen, bad, slen + 1);
    /* r || s with each left-padded by one zero byte: same integers. */
    bad[0] = 0;
    memcpy(bad + 1, sig, k);
    bad[k + 1] = 0;
    memcpy(bad + k + 2, sig + k, k);
    V(0, alg, pub, plen, digest, dlen, bad, slen + 2);

    /* Digest length exact: BearSSL alone truncates or pads any length. */
    V(0, alg, pub, plen, digest, dlen - 1, sig, slen);
    V(0, alg, pub, plen, digest, 0, sig, slen);
    V(0, alg, pub, plen, digest, dlen == 32 ? 48 : 32, sig, slen);

    /* r, s in [1, n-1]. */
    memcpy(bad, sig, slen);
    memset(bad, 0, k);
    V(0, alg, pub, plen, digest, dlen, bad, slen);
    memcpy(bad, sig, slen);
    memset(bad + k, 0, k);
    V(0, alg, pub, plen, digest, dlen, bad, slen);
    memcpy(bad, sig, slen);
    memcpy(bad, order, k);
    V(0, alg, pub, plen, digest, dlen, bad, slen);
    memcpy(bad, sig, slen);
    memcpy(bad + k, order, k);
    V(0, alg, pub, plen, digest, dlen, bad, slen);
    memset(bad, 0xFF, slen);
    V(0, alg, pub, plen, digest, dlen, bad, slen);

    /*
     * (r, n - s) is the other valid signature of the same message. hvboot
     * does not demand low s: the signature is not part of the signed bytes,
     * so this malleability changes nothing that is trusted.
     */
    memcpy(bad, sig, k);
    sub_be(bad + k, order, sig + k, k);
    V(1, alg, pub, plen, digest, dlen, bad, slen);

    /* Another algorithm's sizes, unknown algorithms, NULL pointers. */
    V(0, other, pub, plen, digest, dlen, sig, slen);
    V(0, 0, pub, plen, digest, dlen, sig, slen);
    V(0, 5, pub, plen, digest, dlen, sig, slen);
    V(0, HV_SIG_RSA3072_PKCS1_SHA256, pub, plen, digest, dlen, sig, slen);
    V(0, alg, NULL, plen, digest, dlen, sig, slen);
    V(0, alg, pub, plen, NULL, dlen, sig, slen);
    V(0, alg, pub, plen, digest, dlen, NULL, slen);
}

/* ---- RSA -------------------------------------------------------------- */

typedef struct rsa_key {
    br_rsa_private_key sk;
    br_rsa_public_key pk;
    unsigned char kpriv[BR_RSA_KBUF_PRIV_SIZE(4096)];
    unsigned char kpub[BR_RSA_KBUF_PUB_SIZE(4096)];
    uint8_t rec[512 + 4]; /* hvboot key record: n || e (4 bytes) */
    size_t nlen;
} rsa_key;

/*
 * Key generation is a prime search whose length depends on the random
 * bytes. Each key gets its own DRBG seed, "hvimage rsa-BITS-E-N"; the N
 * below were picked once so that each search is short (well under a second
 * with br_rsa_i31_keygen on x86-64) instead of the several seconds some
 * seeds take. Any N gives a correct key; only the run time differs.
 */
static int rsa_keygen(rsa_key *key, unsigned bits, uint32_t e, int n)
{
    char seed[64];
    br_hmac_drbg_context krng;

    snprintf(seed, sizeof(seed), "hvimage rsa-%u-%u-%d", bits, (unsigned)e,
             n);
    br_hmac_drbg_init(&krng, &br_sha256_vtable, seed, strlen(seed));
    if (!br_rsa_i31_keygen(&krng.vtable, &key->sk, key->kpriv, &key->pk,
                           key->kpub, bits, e))
        return 0;
    key->nlen = (bits + 7) / 8;
    if (key->pk.nlen != key->nlen || key->pk.elen > 4)
        return 0;
    memcpy(key->rec, key->pk.n, key->nlen);
    memset(key->rec + key->nlen, 0, 4);
    memcpy(key->rec + key->nlen + 4 - key->pk.elen, key->pk.e, key->pk.elen);
    return 1;
}

/* Sign an arbitrary encoded message: s = em^d mod n. */
static void rsa_raw_sign(const rsa_key *key, const uint8_t *em, uint8_t *sig)
{
    memcpy(sig, em, key->nlen);
    CHECK(br_rsa_private_get_default()(sig, &key->sk) == 1);
}

/* 00 01 FF.. 00 || di || hash, nlen bytes. */
static void build_em(uint8_t *em, size_t nlen, const uint8_t *di,
                     size_t di_len, const uint8_t *hash, size_t hash_len)
{
    size_t ps = nlen - 3 - di_len - hash_len;

    em[0] = 0x00;
    em[1] = 0x01;
    memset(em + 2, 0xFF, ps);
    em[2 + ps] = 0x00;
    memcpy(em + 3 + ps, di, di_len);
    memcpy(em + 3 + ps + di_len, hash, hash_len);
}

static int rsa_alone(const uint8_t *rec, size_t nlen, const uint8_t *digest,
                     const uint8_t *sig)
{
    br_rsa_public_key pk;
    unsigned char out[32];

    pk.n = (unsigned char *)(uintptr_t)rec;
    pk.nlen = nlen;
    pk.e = (unsigned char *)(uintptr_t)(rec + nlen);
    pk.elen = 4;
    return br_rsa_i31_pkcs1_vrfy(sig, nlen, BR_HASH_OID_SHA256, 32, &pk,
                                 out) == 1 &&
           memcmp(out, digest, 32) == 0;
}

typedef struct rsa_seeds {
    int main_key, short_key, e3_key;
} rsa_seeds;

static void test_rsa(uint32_t alg, unsigned bits, rsa_seeds seeds)
{
    static rsa_key key, weak;
    static uint8_t rec[600], sig[600], bad[600], em[600];
    uint8_t digest[32], other[32];
    const size_t nlen = bits / 8, plen = hv_pubkey_size(alg);
    uint32_t other_alg = alg == HV_SIG_RSA3072_PKCS1_SHA256
                             ? HV_SIG_RSA4096_PKCS1_SHA256
                             : HV_SIG_RSA3072_PKCS1_SHA256;

    CHECK(plen == nlen + 4);
    if (!rsa_keygen(&key, bits, 65537, seeds.main_key)) {
        CHECK_MSG(0, "RSA-%u keygen", bits);
        return;
    }
    memcpy(rec, key.rec, plen);
    digest_of(HV_DIGEST_SHA256, "hvimage strict verify test", digest);
    digest_of(HV_DIGEST_SHA256, "another message", other);
    CHECK(br_rsa_i31_pkcs1_sign(BR_HASH_OID_SHA256, digest, 32, &key.sk,
                                sig) == 1);

    V(1, alg, rec, plen, digest, 32, sig, nlen);
    V(0, alg, rec, plen, other, 32, sig, nlen);
    memcpy(bad, sig, nlen);
    bad[nlen - 1] ^= 1;
    V(0, alg, rec, plen, digest, 32, bad, nlen);

    /* Lengths. */
    V(0, alg, rec, plen - 1, digest, 32, sig, nlen);
    V(0, alg, rec, plen + 1, digest, 32, sig, nlen);
    V(0, alg, rec, plen, digest, 31, sig, nlen);
    V(0, alg, rec, plen, digest, 48, sig, nlen);
    V(0, alg, rec, plen, digest, 32, sig, nlen - 1);
    bad[0] = 0; /* 00 || s: the same integer, one byte longer */
    memcpy(bad + 1, sig, nlen);
    V(0, alg, rec, plen, digest, 32, bad, nlen + 1);
    V(0, other_alg, rec, plen, digest, 32, sig, nlen);
    V(0, HV_SIG_ECDSA_P256_SHA256, rec, plen, digest, 32, sig, nlen);

    /* s outside [0, n-1], and trivial s. */
    V(0, alg, rec, plen, digest, 32, rec, nlen); /* s = n */
    memset(bad, 0xFF, nlen);
    V(0, alg, rec, plen, digest, 32, bad, nlen);
    memset(bad, 0, nlen);
    V(0, alg, rec, plen, digest, 32, bad, nlen);
    bad[nlen - 1] = 1;
    V(0, alg, rec, plen, digest, 32, bad, nlen);

    /* Exponent: even, 0 and 1 refused. With e = 1 the "signature" is the
     * encoded message itself, which BearSSL alone would accept. */
    build_em(em, nlen, di_sha256, sizeof(di_sha256), digest, 32);
    memcpy(rec, key.rec, plen);
    memset(rec + nlen, 0, 4);
    rec[nlen + 3] = 1;
    V(0, alg, rec, plen, digest, 32, em, nlen);
    printf("RSA-%u, e = 1, s = EM: BearSSL alone %s\n", bits,
           rsa_alone(rec, nlen, digest, em) ? "accepted" : "rejected");
    rec[nlen + 3] = 0;
    V(0, alg, rec, plen, digest, 32, sig, nlen);
    rec[nlen + 1] = 1; /* e = 65536 */
    V(0, alg, rec, plen, digest, 32, sig, nlen);
    memcpy(rec, key.rec, plen);

    /* Modulus even. */
    rec[nlen - 1] ^= 1;
    V(0, alg, rec, plen, digest, 32, sig, nlen);
    memcpy(rec, key.rec, plen);
    V(1, alg, rec, plen, digest, 32, sig, nlen); /* restored */

    /* Encoded messages, signed with the private key: only one verifies. */
    rsa_raw_sign(&key, em, bad);
    V(1, alg, rec, plen, digest, 32, bad, nlen);
    CHECK(memcmp(bad, sig, nlen) == 0); /* deterministic: same as BearSSL */

    build_em(em, nlen, di_sha256_no_null, sizeof(di_sha256_no_null), digest,
             32);
    rsa_raw_sign(&key, em, bad);
    V(0, alg, rec, plen, digest, 32, bad, nlen);
    printf("RSA-%u, DigestInfo without NULL: BearSSL alone %s\n", bits,
           rsa_alone(rec, nlen, digest, bad) ? "accepted" : "rejected");

    build_em(em, nlen, di_sha256, sizeof(di_sha256), digest, 32);
    em[1] = 0x02; /* encryption block type */
    rsa_raw_sign(&key, em, bad);
    V(0, alg, rec, plen, digest, 32, bad, nlen);

    build_em(em, nlen, di_sha256, sizeof(di_sha256), digest, 32);
    em[20] = 0xFE; /* one padding byte not FF */
    rsa_raw_sign(&key, em, bad);
    V(0, alg, rec, plen, digest, 32, bad, nlen);

    /* Shorter padding, a garbage byte after the hash. */
    build_em(em, nlen - 1, di_sha256, sizeof(di_sha256), digest, 32);
    em[nlen - 1] = 0x00;
    rsa_raw_sign(&key, em, bad);
    V(0, alg, rec, plen, digest, 32, bad, nlen);

    /* Padding too short to be valid: 00 01 00 then zeros before the DI. */
    memset(em, 0, nlen);
    em[1] = 0x01;
    memcpy(em + nlen - 32 - sizeof(di_sha256), di_sha256, sizeof(di_sha256));
    memcpy(em + nlen - 32, digest, 32);
    rsa_raw_sign(&key, em, bad);
    V(0, alg, rec, plen, digest, 32, bad, nlen);

    /* A modulus one bit short (top bit clear) is not a key of this size,
     * even though the record has the right length. */
    if (!rsa_keygen(&weak, bits - 1, 65537, seeds.short_key)) {
        CHECK_MSG(0, "RSA-%u keygen", bits - 1);
        return;
    }
    CHECK((weak.rec[0] & 0x80) == 0 && weak.rec[0] != 0);
    CHECK(br_rsa_i31_pkcs1_sign(BR_HASH_OID_SHA256, digest, 32, &weak.sk,
                                sig) == 1);
    V(0, alg, weak.rec, plen, digest, 32, sig, nlen);
    printf("RSA-%u with top bit clear: BearSSL alone %s\n", bits - 1,
           rsa_alone(weak.rec, nlen, digest, sig) ? "accepted" : "rejected");

    /* e = 3 is a valid exponent. */
    if (!rsa_keygen(&weak, bits, 3, seeds.e3_key)) {
        CHECK_MSG(0, "RSA-%u e=3 keygen", bits);
        return;
    }
    CHECK(br_rsa_i31_pkcs1_sign(BR_HASH_OID_SHA256, digest, 32, &weak.sk,
                                sig) == 1);
    V(1, alg, weak.rec, plen, digest, 32, sig, nlen);
}

int main(void)
{
    br_hmac_drbg_init(&rng, &br_sha256_vtable, "hvimage crypto tests", 20);

    test_ecdsa(HV_SIG_ECDSA_P256_SHA256, BR_EC_secp256r1, &br_sha256_vtable,
               p256_n);
    test_ecdsa(HV_SIG_ECDSA_P384_SHA384, BR_EC_secp384r1, &br_sha384_vtable,
               p384_n);
    test_rsa(HV_SIG_RSA3072_PKCS1_SHA256, 3072, (rsa_seeds){10, 2, 4});
    test_rsa(HV_SIG_RSA4096_PKCS1_SHA256, 4096, (rsa_seeds){1, 7, 6});
    return CHECK_DONE();
}
