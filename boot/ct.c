/*
 * Constant-time comparison, for digests and for the rebuilt RSA encoded
 * message: how long it runs must not tell how many leading bytes matched.
 */
#include "sysdeps.h"

#include "crypto_internal.h"

int hv_ct_equal(const void *a, const void *b, size_t len)
{
    const uint8_t *pa = a;
    const uint8_t *pb = b;
    /*
     * volatile: every byte's XOR is stored, so the compiler can neither stop
     * early once the accumulator is non-zero (or saturated at 0xFF) nor turn
     * the loop into a memcmp call, which may exit at the first difference.
     */
    volatile uint8_t acc = 0;
    uint32_t diff;
    size_t i;

    /* A branch on the pointers only, never on the bytes they point at. */
    if (a == NULL || b == NULL)
        return len == 0;
    for (i = 0; i < len; i++)
        acc |= (uint8_t)(pa[i] ^ pb[i]);
    /* Branch-free: diff - 1 wraps to 0xFFFFFFFF only when diff == 0. */
    diff = acc;
    return (int)(((diff - 1u) >> 31) & 1u);
}
