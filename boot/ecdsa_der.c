/*
 * Strict DER -> raw (IEEE P1363) conversion of an ECDSA signature.
 *
 * Only the single minimal DER encoding of SEQUENCE { INTEGER r, INTEGER s }
 * is accepted, so that one (r, s) has exactly one accepted encoding; BER
 * leniency (long-form lengths, extra leading zeros, missing sign byte) is
 * how signature malleability creeps in. r and s are range-checked against
 * the curve order later, by the verifier; here they only have to be
 * positive and fit |scalar_len| bytes.
 *
 * Every length is checked against what remains of the input before the
 * bytes it covers are read.
 */
#include "sysdeps.h"

#include "hvboot.h"

#define DER_SEQUENCE 0x30u
#define DER_INTEGER 0x02u

/*
 * Largest scalar this decoder handles: P-521's 66 bytes, the largest curve
 * in use. Then every INTEGER (at most 67 bytes with its sign byte) has a
 * short-form length and the SEQUENCE (at most 2 * (2 + 67) = 138 bytes) at
 * most one length byte, which keeps the length rules below simple.
 */
#define DER_MAX_SCALAR 66u

/*
 * Read one minimal, positive, non-zero INTEGER at der[*pos], not past |end|.
 * On success sets |*val| and |*val_len| to the magnitude without the sign
 * byte and advances |*pos|.
 */
static int der_integer(const uint8_t *der, size_t *pos, size_t end,
                       size_t scalar_len, const uint8_t **val,
                       size_t *val_len)
{
    size_t p = *pos;
    size_t len;

    if (end - p < 2 || der[p] != DER_INTEGER)
        return 0;
    len = der[p + 1];
    p += 2;
    /*
     * Short form only: for scalar_len <= DER_MAX_SCALAR every acceptable
     * integer is shorter than 128 bytes, so a long form (or the indefinite
     * 0x80, which DER forbids anyway) is never minimal.
     */
    if (len >= 0x80u || len == 0 || len > end - p)
        return 0;
    if (der[p] & 0x80u)
        return 0; /* negative (this also refuses a leading 0xFF) */
    if (der[p] == 0x00u) {
        /*
         * A leading zero is allowed only as the sign byte in front of a
         * byte with the top bit set; "02 01 00" (zero) and "00 0x" with a
         * clear top bit are refused here.
         */
        if (len == 1 || (der[p + 1] & 0x80u) == 0)
            return 0;
        p++;
        len--;
    }
    /* After the rules above the first byte is non-zero, so the value is. */
    if (len > scalar_len)
        return 0;
    *val = der + p;
    *val_len = len;
    *pos = p + len;
    return 1;
}

int hv_ecdsa_der_to_raw(const uint8_t *der, size_t der_len,
                        size_t scalar_len, uint8_t *raw)
{
    const uint8_t *r, *s;
    size_t r_len, s_len;
    size_t pos, seq_len;

    if (der == NULL || raw == NULL || scalar_len == 0 ||
        scalar_len > DER_MAX_SCALAR)
        return 0;
    if (der_len < 2 || der[0] != DER_SEQUENCE)
        return 0;

    if (der[1] < 0x80u) {
        seq_len = der[1];
        pos = 2;
    } else if (der[1] == 0x81u) {
        /* One length byte, and only for lengths that need it (>= 128). */
        if (der_len < 3 || der[2] < 0x80u)
            return 0;
        seq_len = der[2];
        pos = 3;
    } else {
        /*
         * 0x80 is BER's indefinite length; 0x82 and up cannot be minimal
         * since the sequence is never longer than 255 bytes here.
         */
        return 0;
    }
    /* Exactly the sequence: no trailing bytes, no truncation. */
    if (seq_len != der_len - pos)
        return 0;

    if (!der_integer(der, &pos, der_len, scalar_len, &r, &r_len))
        return 0;
    if (!der_integer(der, &pos, der_len, scalar_len, &s, &s_len))
        return 0;
    if (pos != der_len)
        return 0; /* a third element inside the sequence */

    /* All checks passed: only now touch the output. */
    memset(raw, 0, 2 * scalar_len);
    memcpy(raw + (scalar_len - r_len), r, r_len);
    memcpy(raw + scalar_len + (scalar_len - s_len), s, s_len);
    return 1;
}
