/*
 * attack-verify, one attack family (the suite: attack-verify.c, the crafter:
 * atk_craft.h).
 *
 * Signatures: algorithm confusion, malformed raw and DER signatures, trusted
 * key records that disagree with the image, and duplicate signatures.
 */
#include <stdlib.h>
#include <string.h>

#include "atk_craft.h"

/* ---- algorithm confusion ------------------------------------------------ */

/* Replace slot 0's signature (A's key id kept) by |sig|. */
static void put_sig(ctx *c, const uint8_t *sig, size_t n)
{
    uint8_t *s = slot(c, 0);
    memset(s + HV_SIG_OFF_SIG, 0, HV_SIG_MAX_SIZE);
    memcpy(s + HV_SIG_OFF_SIG, sig, n);
    put32(s + HV_SIG_OFF_SIG_LEN, (uint32_t)n);
}

static void base_sig(ctx *c, uint8_t *sig64)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    memcpy(sig64, slot(c, 0) + HV_SIG_OFF_SIG, 64);
}

static void alg_p384_sig(ctx *c)
{
    uint8_t sig[HV_SIG_MAX_SIZE], dummy[64];
    size_t n;
    hv_diag d;
    base_sig(c, dummy);
    if (hv_signer_sign(SC, c->tbs, c->tbs_len, sig, &n, &d) != 0)
        die(d.msg);
    put_sig(c, sig, n);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
/* 384 bytes, an RSA-3072 signature's length. */
static void alg_rsa_len(ctx *c)
{
    uint8_t sig[384], dummy[64];
    base_sig(c, dummy);
    for (int i = 0; i < 384; i++)
        sig[i] = (uint8_t)(i ^ 0x5c);
    put_sig(c, sig, sizeof sig);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
static void alg_short_63(ctx *c)
{
    uint8_t sig[64];
    base_sig(c, sig);
    put_sig(c, sig + 1, 63);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
static void alg_long_65_trailing(ctx *c)
{
    uint8_t sig[65];
    base_sig(c, sig);
    sig[64] = 0;
    put_sig(c, sig, 65);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
static void alg_long_65_leading(ctx *c)
{
    uint8_t sig[65];
    base_sig(c, sig + 1);
    sig[0] = 0;
    put_sig(c, sig, 65);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
/* r and s as a (minimal, valid) DER SEQUENCE: never accepted in an image. */
static size_t der_int(uint8_t *o, const uint8_t *v, size_t n)
{
    while (n > 1 && v[0] == 0) {
        v++;
        n--;
    }
    size_t pad = v[0] & 0x80 ? 1 : 0;
    o[0] = 0x02;
    o[1] = (uint8_t)(n + pad);
    o[2] = 0;
    memcpy(o + 2 + pad, v, n);
    return 2 + pad + n;
}
static void alg_der(ctx *c)
{
    uint8_t sig[64], der[80];
    base_sig(c, sig);
    size_t n = 2;
    n += der_int(der + n, sig, 32);
    n += der_int(der + n, sig + 32, 32);
    der[0] = 0x30;
    der[1] = (uint8_t)(n - 2);
    put_sig(c, der, n);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
/* DER squeezed into exactly 64 bytes (padded with zeros): right length,
 * wrong encoding. */
static void alg_der_in_64(ctx *c)
{
    uint8_t sig[64], der[80];
    base_sig(c, sig);
    size_t n = 2;
    n += der_int(der + n, sig, 32);
    n += der_int(der + n, sig + 32, 32);
    der[0] = 0x30;
    der[1] = (uint8_t)(n - 2);
    memset(sig, 0, 64);
    memcpy(sig, der, n < 64 ? n : 64);
    put_sig(c, sig, 64);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
static void alg_swapped_rs(ctx *c)
{
    uint8_t sig[64], sw[64];
    base_sig(c, sig);
    memcpy(sw, sig + 32, 32);
    memcpy(sw + 32, sig, 32);
    put_sig(c, sw, 64);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
static void alg_zero_rs(ctx *c)
{
    uint8_t sig[64];
    base_sig(c, sig);
    memset(sig, 0, 64);
    put_sig(c, sig, 64);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
static const uint8_t p256_n[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
    0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
/* r + n: the same value mod n, out of [1, n-1]. Only fits when r is
 * small, so use r = n itself (== 0 mod n). */
static void alg_r_eq_n(ctx *c)
{
    uint8_t sig[64];
    base_sig(c, sig);
    memcpy(sig, p256_n, 32);
    put_sig(c, sig, 64);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
static void alg_all_ff(ctx *c)
{
    uint8_t sig[64];
    base_sig(c, sig);
    memset(sig, 0xff, 64);
    put_sig(c, sig, 64);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
/* s replaced by n - s: the other valid ECDSA signature of the same
 * message. Not an attack (ECDSA signatures were never unique, and the key
 * still counts once); recorded so that a change is noticed. */
static void ok_high_s(ctx *c)
{
    uint8_t sig[64];
    base_sig(c, sig);
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = p256_n[i] - sig[32 + i] - borrow;
        borrow = d < 0;
        sig[32 + i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
    put_sig(c, sig, 64);
    c_emit(c);
    c->spec.want_signers = 1;
}
static void rec_as_p384(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.keys = KB(K_A_AS_384);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
static void rec_bad_alg(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.keys = KB(K_A_BADALG);
    want(c, NOSEC, slot_off(c, 0));
}
static void rec_short_pub(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.keys = KB(K_A_SHORT);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
/* The P-384 image, its key trusted only as P-256 would be (A's record). */
static void p384_image_p256_trust(ctx *c)
{
    ok_p384(c);
    c->spec.keys = KB(K_A);
    want(c, NOSEC, slot_off(c, 0));
}

/* ---- duplicate signatures ----------------------------------------------- */

static void dup_same_sig_twice(ctx *c)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    memcpy(slot(c, 1), slot(c, 0), HV_SIG_SLOT_SIZE);
    c_emit(c);
    c->spec.min_sigs = 2;
    want(c, NOSEC, block_off(c));
}
static void dup_same_key_two_sigs(ctx *c)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    uint8_t sig[HV_SIG_MAX_SIZE];
    size_t n;
    hv_diag d;
    if (hv_signer_sign(SA, c->tbs, c->tbs_len, sig, &n, &d) != 0)
        die(d.msg);
    memcpy(slot(c, 1), slot(c, 0), HV_SIG_SLOT_SIZE);
    memcpy(slot(c, 1) + HV_SIG_OFF_SIG, sig, n);
    c_emit(c);
    c->spec.min_sigs = 2;
    want(c, NOSEC, block_off(c));
}
/* One key, trusted under two ids (as a platform that loaded the same key
 * from two encodings without canonicalising would have it), signing under
 * both: one signer, however the ids differ. */
static void dup_two_ids(ctx *c, uint32_t min)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    sign_into(c, SA, KEYS.rec[K_A_ALIAS].key_id);
    c_emit(c);
    c->spec.keys = KB(K_A) | KB(K_A_ALIAS);
    c->spec.min_sigs = min;
    c->spec.want_signers = 1;
    if (min > 1)
        want(c, NOSEC, block_off(c));
}
static void dup_two_ids_min2(ctx *c) { dup_two_ids(c, 2); }
static void dup_two_ids_min1(ctx *c) { dup_two_ids(c, 1); }

/* ---- the cases ---------------------------------------------------------- */

const atk_row atk_rows_signature[] = {
    {"control", "control-ecdsa-high-s-accepted", ok_high_s, HV_OK, NOSEC, NOOFF},
    {"algorithm", "sig-p384-in-p256-slot", alg_p384_sig, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-rsa3072-length-in-p256-slot", alg_rsa_len, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-raw-63-bytes", alg_short_63, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-raw-65-trailing-zero", alg_long_65_trailing, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-raw-65-leading-zero", alg_long_65_leading, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-der-encoded", alg_der, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-der-padded-to-64", alg_der_in_64, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-r-s-swapped", alg_swapped_rs, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-r-s-zero", alg_zero_rs, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-r-equals-n", alg_r_eq_n, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-all-ff", alg_all_ff, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "trusted-record-says-p384", rec_as_p384, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "trusted-record-unknown-alg", rec_bad_alg, HV_ERR_CRYPTO, NOSEC, ANYOFF},
    {"algorithm", "trusted-record-key-short", rec_short_pub, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "p384-image-only-p256-trusted", p384_image_p256_trust, HV_ERR_UNTRUSTED_KEY, NOSEC, ANYOFF},
    {"dup-signatures", "same-signature-twice", dup_same_sig_twice, HV_ERR_SIG_BLOCK, NOSEC, ANYOFF},
    {"dup-signatures", "same-key-two-signatures", dup_same_key_two_sigs, HV_ERR_SIG_BLOCK, NOSEC, ANYOFF},
    {"dup-signatures", "same-key-two-ids-min-2", dup_two_ids_min2, HV_ERR_TOO_FEW_SIGNATURES, NOSEC, ANYOFF},
    {"dup-signatures", "same-key-two-ids-counts-once", dup_two_ids_min1, HV_OK, NOSEC, NOOFF},
};
const size_t atk_rows_signature_count =
    sizeof atk_rows_signature / sizeof atk_rows_signature[0];
