/*
 * hv_ecdsa_der_to_raw (signing/, the decoder hvimage attach uses): a table of
 * hand-made encodings, every truncation of the good ones, and a round trip
 * over many generated (r, s) pairs.
 */
#include <string.h>

#include "check.h"
#include "signing.h"

#define HEX_MAX 300

/* 1 if |der| decodes, 0 if refused. */
static int der_to_raw(const uint8_t *der, size_t der_len, size_t scalar_len,
                      uint8_t *raw)
{
    return hv_ecdsa_der_to_raw(der, der_len, scalar_len, raw) == HV_DER_OK;
}

typedef struct der_case {
    const char *name;
    size_t scalar_len;
    const char *der;   /* hex */
    const char *raw;   /* hex r || s expected, or NULL: must be refused */
} der_case;

/* Hex strings for 32-byte values used below. */
#define R32 "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
#define S32 "2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40"
#define H32 "8182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0"
#define Z31 "00000000000000000000000000000000000000000000000000000000000000"

static const der_case cases[] = {
    /* ---- accepted ---- */
    {"minimal one-byte r and s", 32, "3006020101020102",
     Z31 "01" Z31 "02"},
    {"full-width r and s", 32, "3044" "0220" R32 "0220" S32, R32 S32},
    {"r with needed leading zero", 32, "3045" "022100" H32 "0220" S32,
     H32 S32},
    {"s with needed leading zero", 32, "3045" "0220" R32 "022100" H32,
     R32 H32},
    {"both with needed leading zero", 32, "3046" "022100" H32 "022100" H32,
     H32 H32},
    {"short r padded left", 32, "3007" "02020080" "020101",
     Z31 "80" Z31 "01"},
    {"one-byte 0x7f", 32, "3006" "02017f" "02017f", Z31 "7f" Z31 "7f"},

    /* ---- refused: sequence ---- */
    {"empty input", 32, "", NULL},
    {"wrong outer tag (SET)", 32, "3106020101020102", NULL},
    {"wrong outer tag (constructed bit missing)", 32, "1006020101020102",
     NULL},
    {"0x81 long form for a short length", 32, "308106020101020102", NULL},
    {"0x82 long form", 32, "30820006020101020102", NULL},
    {"0x81 with no length byte", 32, "3081", NULL},
    {"indefinite length", 32, "3080020101020102" "0000", NULL},
    {"indefinite length, no end marker", 32, "3080020101020102", NULL},
    {"length 0x84", 32, "308400000006020101020102", NULL},
    {"length too long", 32, "3007020101020102", NULL},
    {"length too short", 32, "3005020101020102", NULL},
    {"trailing byte", 32, "3006020101020102" "00", NULL},
    {"trailing sequence", 32, "3006020101020102" "3000", NULL},
    {"empty sequence", 32, "3000", NULL},
    {"only r", 32, "3003020101", NULL},
    {"third integer", 32, "3009020101020102020103", NULL},
    {"trailing byte inside the sequence", 32, "300702010102010200", NULL},

    /* ---- refused: integers ---- */
    {"wrong integer tag", 32, "3006030101020102", NULL},
    {"wrong second tag", 32, "3006020101040102", NULL},
    {"integer length 0", 32, "3005020002" "0102", NULL},
    {"zero r", 32, "3006020100020102", NULL},
    {"zero s", 32, "3006020101020100", NULL},
    {"zero r with padding", 32, "300702020000020102", NULL},
    {"negative r", 32, "3006020180020102", NULL},
    {"negative s", 32, "30060201010201ff", NULL},
    {"r = -1 (0xff)", 32, "30060201ff020102", NULL},
    {"leading 0xff", 32, "30070202ff80020102", NULL},
    {"unnecessary leading zero", 32, "300702020001020102", NULL},
    {"unnecessary leading zero on s", 32, "300702010102020002", NULL},
    {"unnecessary leading zero, 0x7f", 32, "30070202007f020102", NULL},
    {"two leading zeros", 32, "3027" "02220000" "80" Z31 "020101", NULL},
    {"unnecessary leading zero, full width", 32,
     "3045" "022100" R32 "0220" S32, NULL},
    {"r too long (33 bytes)", 32, "3045" "022101" R32 "0220" S32, NULL},
    {"s too long (33 bytes)", 32, "3045" "0220" R32 "022101" S32, NULL},
    {"r too long after the zero (34)", 32,
     "3046" "02220080" H32 "0220" S32, NULL},
    {"integer long form 0x81", 32, "3007" "028101" "01" "020102", NULL},
    {"integer length past the sequence", 32, "3006020501020102", NULL},
    {"integer length past the input", 32, "3005020101" "0203", NULL},
    {"s length 0x80", 32, "3006020101028002", NULL},

    /* ---- scalar_len edge cases ---- */
    {"scalar_len 0", 0, "3006020101020102", NULL},
    {"scalar_len 1 fits", 1, "3006020101020102", "0102"},
    {"scalar_len 1, r needs 2", 1, "300702020100020101", NULL},
    {"scalar_len 1, 0x80 with its zero", 1, "300702020080020101", "8001"},
    {"scalar_len 67 is beyond the decoder", 67, "3006020101020102", NULL},
};

/* P-521: 66-byte scalars make sequences >= 128 bytes, where 0x81 is right. */
#define F66                                                                    \
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"       \
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define G66                                                                    \
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"       \
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"

static const der_case cases521[] = {
    {"P-521 sizes, 0x81 long form", 66, "308188" "0242" F66 "0242" F66,
     F66 F66},
    {"P-521 sizes, short form claiming 0x88", 66, "3088" "0242" F66 "0242" F66,
     NULL},
    {"P-521 sizes, 0x82 long form", 66, "30820088" "0242" F66 "0242" F66,
     NULL},
    {"P-521 sizes, 67-byte with zero", 66, "30818a" "024300" G66 "024300" G66,
     G66 G66},
    {"P-521 sizes, 0x81 with a short length", 66,
     "308106020101020102", NULL},
};

static size_t unhex(const char *hex, uint8_t *out)
{
    size_t n = 0;
    unsigned v;

    while (*hex != '\0') {
        if (*hex == ' ') {
            hex++;
            continue;
        }
        if (sscanf(hex, "%2x", &v) != 1 || n >= HEX_MAX)
            return (size_t)-1;
        out[n++] = (uint8_t)v;
        hex += 2;
    }
    return n;
}

static void run_case(const der_case *c)
{
    uint8_t der[HEX_MAX], raw[2 * 70], expect[HEX_MAX];
    size_t der_len = unhex(c->der, der);
    size_t exp_len;
    size_t cut, i;
    int ok;

    CHECK_MSG(der_len != (size_t)-1, "%s: bad test hex", c->name);
    memset(raw, 0xAA, sizeof(raw));
    ok = der_to_raw(der, der_len, c->scalar_len, raw);
    if (c->raw == NULL) {
        CHECK_MSG(ok == 0, "%s: accepted", c->name);
        /* Nothing is written on refusal. */
        for (i = 0; i < sizeof(raw); i++) {
            if (raw[i] != 0xAA) {
                CHECK_MSG(0, "%s: raw written on refusal", c->name);
                break;
            }
        }
        return;
    }

    exp_len = unhex(c->raw, expect);
    CHECK_MSG(exp_len == 2 * c->scalar_len, "%s: bad expected hex", c->name);
    CHECK_MSG(ok == 1, "%s: refused", c->name);
    CHECK_MSG(memcmp(raw, expect, exp_len) == 0, "%s: wrong raw", c->name);
    CHECK_MSG(raw[exp_len] == 0xAA, "%s: wrote past 2 * scalar_len",
              c->name);

    /* Every proper prefix of a good encoding is refused. */
    for (cut = 0; cut < der_len; cut++) {
        if (der_to_raw(der, cut, c->scalar_len, raw) != 0)
            CHECK_MSG(0, "%s: accepted truncated to %zu bytes", c->name,
                      cut);
    }
    /* And so is the good encoding with any byte appended. */
    for (i = 0; i < 256; i += 51) {
        der[der_len] = (uint8_t)i;
        if (der_to_raw(der, der_len + 1, c->scalar_len, raw) != 0)
            CHECK_MSG(0, "%s: accepted with trailing %02zx", c->name, i);
    }
}

/* Minimal DER INTEGER of the big-endian magnitude |v| (|len| bytes). */
static size_t put_int(uint8_t *out, const uint8_t *v, size_t len)
{
    size_t n = 0;

    while (len > 1 && v[0] == 0) {
        v++;
        len--;
    }
    out[n++] = 0x02;
    out[n++] = (uint8_t)(len + (v[0] >> 7));
    if (v[0] & 0x80)
        out[n++] = 0x00;
    memcpy(out + n, v, len);
    return n + len;
}

/*
 * Round trip: random r, s with random numbers of leading zero bytes and
 * random top bits, encoded minimally here, must decode back; with one byte
 * of the header changed they must not.
 */
static void round_trip(size_t scalar_len)
{
    uint32_t x = 0x12345678u;
    int iter;

    /* The buffers below hold scalars of up to 66 bytes; 0 would divide by 0. */
    if (scalar_len == 0 || scalar_len > 66) {
        CHECK_MSG(0, "round trip: scalar length %zu", scalar_len);
        return;
    }

    for (iter = 0; iter < 2000; iter++) {
        uint8_t rs[2 * 66], der[2 * 70 + 3], raw[2 * 66];
        size_t n = 0, body, zr, zs, i;

        for (i = 0; i < 2 * scalar_len; i++) {
            x = x * 1103515245u + 12345u;
            rs[i] = (uint8_t)(x >> 16);
        }
        /* Leading zeros, but never all-zero (0 is not a valid scalar). */
        zr = (x >> 3) % scalar_len;
        zs = (x >> 9) % scalar_len;
        memset(rs, 0, zr);
        memset(rs + scalar_len, 0, zs);
        rs[scalar_len - 1] |= 1;
        rs[2 * scalar_len - 1] |= 1;

        body = put_int(der + 3, rs, scalar_len);
        body += put_int(der + 3 + body, rs + scalar_len, scalar_len);
        if (body < 128) {
            der[1] = 0x30;
            der[2] = (uint8_t)body;
            n = 1;
        } else {
            der[0] = 0x30;
            der[1] = 0x81;
            der[2] = (uint8_t)body;
        }
        if (der_to_raw(der + n, 3 + body - n, scalar_len, raw) != 1 ||
            memcmp(raw, rs, 2 * scalar_len) != 0) {
            CHECK_MSG(0, "round trip %d (scalar %zu)", iter, scalar_len);
            continue;
        }
        /* A changed length or tag byte must never still be accepted. */
        for (i = n; i < n + 4 && i < 3 + body; i++) {
            der[i] ^= 0x01;
            if (der_to_raw(der + n, 3 + body - n, scalar_len, raw))
                CHECK_MSG(0, "round trip %d: header byte %zu changed", iter,
                          i - n);
            der[i] ^= 0x01;
        }
    }
    CHECK(1);
}

int main(void)
{
    uint8_t raw[64];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i]);
    for (i = 0; i < sizeof(cases521) / sizeof(cases521[0]); i++)
        run_case(&cases521[i]);

    CHECK(der_to_raw(NULL, 8, 32, raw) == 0);
    CHECK(der_to_raw((const uint8_t *)"\x30\x06\x02\x01\x01\x02\x01"
                                                "\x02",
                              8, 32, NULL) == 0);
    CHECK(der_to_raw((const uint8_t *)"\x30\x06\x02\x01\x01\x02\x01"
                                                "\x02",
                              8, 32, raw) == 1);

    round_trip(32);
    round_trip(48);
    round_trip(66);
    return CHECK_DONE();
}
