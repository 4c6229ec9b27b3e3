/*
 * hv_ct_equal: correct answers for every position and bit of a difference.
 * (Constant time is a property of the code, reviewed there; a timing test
 * would be flaky.)
 */
#include <string.h>

#include "check.h"
#include "crypto_internal.h"

int main(void)
{
    uint8_t a[600], b[600];
    size_t i, len;
    int bit;

    for (i = 0; i < sizeof(a); i++)
        a[i] = (uint8_t)(i * 7 + 3);
    memcpy(b, a, sizeof(a));

    CHECK(hv_ct_equal(a, b, sizeof(a)) == 1);
    CHECK(hv_ct_equal(a, a, sizeof(a)) == 1);
    CHECK(hv_ct_equal(a, b, 0) == 1);
    CHECK(hv_ct_equal(NULL, NULL, 0) == 1);
    CHECK(hv_ct_equal(NULL, b, 1) == 0);
    CHECK(hv_ct_equal(a, NULL, 1) == 0);

    /* A single flipped bit anywhere, at several lengths, is found. */
    for (len = 1; len <= sizeof(a); len += (len < 70 ? 1 : 53)) {
        for (i = 0; i < len; i++) {
            for (bit = 0; bit < 8; bit++) {
                b[i] ^= (uint8_t)(1u << bit);
                if (hv_ct_equal(a, b, len) != 0 ||
                    hv_ct_equal(b, a, len) != 0)
                    CHECK_MSG(0, "len %zu byte %zu bit %d", len, i, bit);
                b[i] ^= (uint8_t)(1u << bit);
            }
        }
        CHECK_MSG(hv_ct_equal(a, b, len) == 1, "len %zu", len);
    }

    /* Differences past |len| are not looked at. */
    b[100] ^= 0xFF;
    CHECK(hv_ct_equal(a, b, 100) == 1);
    CHECK(hv_ct_equal(a, b, 101) == 0);
    b[100] ^= 0xFF;

    /* Every byte differing, and differences that cancel in a sum. */
    memset(a, 0x00, sizeof(a));
    memset(b, 0xFF, sizeof(b));
    CHECK(hv_ct_equal(a, b, sizeof(a)) == 0);
    memset(b, 0x00, sizeof(b));
    b[0] = 1;
    b[1] = 0xFF; /* 1 + 0xFF == 0x100: a byte sum would wrap to 0 */
    CHECK(hv_ct_equal(a, b, 2) == 0);

    return CHECK_DONE();
}
