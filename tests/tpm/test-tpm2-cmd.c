/*
 * TPM 2.0 command marshalling and response parsing (boot/tpm/tpm2_cmd.c):
 * commands byte for byte against vectors written by hand from the TPM 2.0
 * Library Specification Part 3 (the layout is spelled out beside each),
 * responses accepted and refused, the floor index's attribute rule, and
 * the floor's read/raise over a scripted transport.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "tpm2.h"

#define NV 0x01800100u

static void check_bytes(const char *what, const uint8_t *got, size_t n,
                        const uint8_t *want, size_t wn)
{
    CHECK_MSG(n == wn, "%s: %zu bytes, want %zu", what, n, wn);
    if (n == wn)
        CHECK_MSG(memcmp(got, want, n) == 0, "%s: bytes differ", what);
}

/* The password session's authorization area, shared by the vectors:
 * authorizationSize 9; TPM_RS_PW; nonce size 0; attributes 0; hmac 0. */
#define PW 0x00, 0x00, 0x00, 0x09, 0x40, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, \
           0x00, 0x00

static void test_commands(void)
{
    uint8_t b[HV_TPM_BUF_MAX];
    size_t n;
    /* tag NO_SESSIONS, size 12, TPM_CC_Startup, TPM_SU_CLEAR */
    static const uint8_t startup[] = {0x80, 0x01, 0x00, 0x00, 0x00, 0x0c,
                                      0x00, 0x00, 0x01, 0x44, 0x00, 0x00};
    n = hv_tpm2_build_startup(b, sizeof b, HV_TPM_SU_CLEAR);
    check_bytes("Startup", b, n, startup, sizeof startup);
    /* tag NO_SESSIONS, size 14, TPM_CC_NV_ReadPublic, nvIndex */
    static const uint8_t readpub[] = {0x80, 0x01, 0x00, 0x00, 0x00, 0x0e, 0x00,
                                      0x00, 0x01, 0x69, 0x01, 0x80, 0x01, 0x00};
    n = hv_tpm2_build_nv_read_public(b, sizeof b, NV);
    check_bytes("NV_ReadPublic", b, n, readpub, sizeof readpub);
    /* tag SESSIONS, size 35, TPM_CC_NV_Read, authHandle, nvIndex, PW,
     * size 8, offset 0 */
    static const uint8_t read[] = {0x80, 0x02, 0x00, 0x00, 0x00, 0x23, 0x00,
                                   0x00, 0x01, 0x4e, 0x01, 0x80, 0x01, 0x00,
                                   0x01, 0x80, 0x01, 0x00, PW,   0x00, 0x08,
                                   0x00, 0x00};
    n = hv_tpm2_build_nv_read(b, sizeof b, NV, 8, 0);
    check_bytes("NV_Read", b, n, read, sizeof read);
    /* tag SESSIONS, size 43, TPM_CC_NV_Write, authHandle, nvIndex, PW,
     * data (size 8, 00..05), offset 0 */
    static const uint8_t write[] = {
        0x80, 0x02, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x01, 0x37, 0x01,
        0x80, 0x01, 0x00, 0x01, 0x80, 0x01, 0x00, PW,   0x00, 0x08, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00};
    static const uint8_t five[8] = {0, 0, 0, 0, 0, 0, 0, 5};
    n = hv_tpm2_build_nv_write(b, sizeof b, NV, five, 8, 0);
    check_bytes("NV_Write", b, n, write, sizeof write);
    /* tag SESSIONS, size 31, TPM_CC_NV_WriteLock, authHandle, nvIndex, PW */
    static const uint8_t lock[] = {0x80, 0x02, 0x00, 0x00, 0x00, 0x1f,
                                   0x00, 0x00, 0x01, 0x38, 0x01, 0x80,
                                   0x01, 0x00, 0x01, 0x80, 0x01, 0x00, PW};
    n = hv_tpm2_build_nv_write_lock(b, sizeof b, NV);
    check_bytes("NV_WriteLock", b, n, lock, sizeof lock);

    /* Buffers one byte short are refused, never overrun. */
    CHECK(hv_tpm2_build_startup(b, 11, 0) == 0);
    CHECK(hv_tpm2_build_nv_read_public(b, 13, NV) == 0);
    CHECK(hv_tpm2_build_nv_read(b, 34, NV, 8, 0) == 0);
    CHECK(hv_tpm2_build_nv_write(b, 42, NV, five, 8, 0) == 0);
    CHECK(hv_tpm2_build_nv_write_lock(b, 30, NV) == 0);
    CHECK(hv_tpm2_build_nv_write(b, sizeof b, NV, b, 250, 0) == 0);
}

/* ---- Responses ------------------------------------------------------------ */

static const uint8_t ok_write[] = {0x80, 0x02, 0x00, 0x00, 0x00, 0x13, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                   0x00, 0x00, 0x01, 0x00, 0x00};
static const uint8_t locked[] = {0x80, 0x01, 0x00, 0x00, 0x00,
                                 0x0a, 0x00, 0x00, 0x01, 0x48};
/* NV_Read of 8 bytes: parameterSize 10, TPM2B (8: ..., 3), auth ack. */
static const uint8_t ok_read[] = {
    0x80, 0x02, 0x00, 0x00, 0x00, 0x1d, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x0a, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00};
/* NV_ReadPublic: TPM2B_NV_PUBLIC (14: index, sha256, attributes
 * 0x22045004, empty policy, dataSize 8), TPM2B_NAME (34 bytes). */
static uint8_t ok_pub[62] = {0x80, 0x01, 0x00, 0x00, 0x00, 0x3e, 0x00, 0x00,
                             0x00, 0x00, 0x00, 0x0e, 0x01, 0x80, 0x01, 0x00,
                             0x00, 0x0b, 0x22, 0x04, 0x50, 0x04, 0x00, 0x00,
                             0x00, 0x08, 0x00, 0x22, 0x00, 0x0b};

static void test_responses(void)
{
    uint8_t r[64], out[8];
    hv_tpm2_nv_public pub;
    CHECK(hv_tpm2_parse_empty(ok_write, sizeof ok_write, 1) == HV_TPM_RC_SUCCESS);
    CHECK(hv_tpm2_parse_empty(locked, sizeof locked, 1) == HV_TPM_RC_NV_LOCKED);
    CHECK(hv_tpm2_parse_nv_read(ok_read, sizeof ok_read, out, 8) == 0 &&
          out[7] == 3);
    CHECK(hv_tpm2_parse_nv_read_public(ok_pub, sizeof ok_pub, &pub) == 0);
    CHECK(pub.index == NV && pub.attributes == 0x22045004u &&
          pub.data_size == 8 && pub.policy_size == 0 && pub.name_alg == 0x0b);

    /* Short: fewer than the 10 header bytes. */
    CHECK(hv_tpm2_parse_header(ok_write, 9) == HV_TPM_E_MALFORMED);
    /* The size field says more than the bytes there are, or fewer. */
    memcpy(r, ok_write, sizeof ok_write);
    r[5] = 0x20;
    CHECK(hv_tpm2_parse_empty(r, sizeof ok_write, 1) == HV_TPM_E_MALFORMED);
    CHECK(hv_tpm2_parse_empty(ok_write, sizeof ok_write - 1, 1) ==
          HV_TPM_E_MALFORMED);
    /* Wrong tag. */
    r[5] = 0x13;
    r[1] = 0x03;
    CHECK(hv_tpm2_parse_empty(r, sizeof ok_write, 1) == HV_TPM_E_MALFORMED);
    /* An error code must come alone, with tag NO_SESSIONS. */
    memcpy(r, ok_write, sizeof ok_write);
    r[9] = 0x48, r[8] = 0x01;
    CHECK(hv_tpm2_parse_empty(r, sizeof ok_write, 1) == HV_TPM_E_MALFORMED);
    /* A code with the top bit set would pass for a local one. */
    memcpy(r, locked, sizeof locked);
    r[6] = 0x80;
    CHECK(hv_tpm2_parse_empty(r, sizeof locked, 1) == HV_TPM_E_MALFORMED);
    /* Sessions expected, none given; parameters where none belong. */
    static const uint8_t bare[] = {0x80, 0x01, 0, 0, 0, 0x0a, 0, 0, 0, 0};
    CHECK(hv_tpm2_parse_empty(bare, sizeof bare, 1) == HV_TPM_E_MALFORMED);
    CHECK(hv_tpm2_parse_empty(bare, sizeof bare, 0) == HV_TPM_RC_SUCCESS);
    memcpy(r, ok_write, sizeof ok_write);
    r[13] = 1; /* parameterSize 1 */
    CHECK(hv_tpm2_parse_empty(r, sizeof ok_write, 1) == HV_TPM_E_MALFORMED);
    /* The password ack must be empty nonce and hmac. */
    memcpy(r, ok_write, sizeof ok_write);
    r[15] = 1;
    CHECK(hv_tpm2_parse_empty(r, sizeof ok_write, 1) == HV_TPM_E_MALFORMED);

    /* NV_Read: data size other than asked; parameterSize past the end. */
    CHECK(hv_tpm2_parse_nv_read(ok_read, sizeof ok_read, out, 4) ==
          HV_TPM_E_MALFORMED);
    memcpy(r, ok_read, sizeof ok_read);
    r[15] = 0x09;
    CHECK(hv_tpm2_parse_nv_read(r, sizeof ok_read, out, 8) == HV_TPM_E_MALFORMED);
    memcpy(r, ok_read, sizeof ok_read);
    r[13] = 0xff;
    CHECK(hv_tpm2_parse_nv_read(r, sizeof ok_read, out, 8) == HV_TPM_E_MALFORMED);
    CHECK(hv_tpm2_parse_nv_read(locked, sizeof locked, out, 8) ==
          HV_TPM_RC_NV_LOCKED);

    /* NV_ReadPublic: public size past the end; policy size inconsistent;
     * name size not the rest. */
    memcpy(r, ok_pub, sizeof ok_pub);
    r[11] = 0x40;
    CHECK(hv_tpm2_parse_nv_read_public(r, sizeof ok_pub, &pub) ==
          HV_TPM_E_MALFORMED);
    memcpy(r, ok_pub, sizeof ok_pub);
    r[23] = 0x02;
    CHECK(hv_tpm2_parse_nv_read_public(r, sizeof ok_pub, &pub) ==
          HV_TPM_E_MALFORMED);
    memcpy(r, ok_pub, sizeof ok_pub);
    r[27] = 0x21;
    CHECK(hv_tpm2_parse_nv_read_public(r, sizeof ok_pub, &pub) ==
          HV_TPM_E_MALFORMED);
    memcpy(r, ok_pub, sizeof ok_pub);
    r[11] = 0x0d; /* under the 14 fixed bytes */
    CHECK(hv_tpm2_parse_nv_read_public(r, sizeof ok_pub, &pub) ==
          HV_TPM_E_MALFORMED);
}

/* ---- The floor index's attributes ----------------------------------------- */

static void test_floor_check(void)
{
    hv_tpm2_nv_public ok = {NV, 0x0b, HV_TPM_FLOOR_ATTRS | HV_TPMA_NV_WRITTEN, 0, 8};
    hv_tpm2_nv_public p = ok;
    CHECK(hv_tpm2_floor_public_check(&p, NV) == NULL);
    p.attributes |= HV_TPMA_NV_WRITELOCKED;
    CHECK(hv_tpm2_floor_public_check(&p, NV) == NULL);
    static const uint32_t extra[] = {
        HV_TPMA_NV_PPWRITE,     HV_TPMA_NV_OWNERWRITE,   HV_TPMA_NV_POLICYWRITE,
        HV_TPMA_NV_WRITEDEFINE, HV_TPMA_NV_GLOBALLOCK,   HV_TPMA_NV_ORDERLY,
        HV_TPMA_NV_CLEAR_STCLEAR, HV_TPMA_NV_PLATFORMCREATE, HV_TPMA_NV_POLICY_DELETE,
        1u << 4 /* a counter, not an ordinary index */};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        p = ok;
        p.attributes |= extra[i];
        CHECK_MSG(hv_tpm2_floor_public_check(&p, NV) != NULL, "extra 0x%x",
                  extra[i]);
    }
    static const uint32_t needed[] = {HV_TPMA_NV_AUTHWRITE, HV_TPMA_NV_AUTHREAD,
                                      HV_TPMA_NV_WRITE_STCLEAR, HV_TPMA_NV_NO_DA,
                                      HV_TPMA_NV_WRITEALL, HV_TPMA_NV_WRITTEN};
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++) {
        p = ok;
        p.attributes &= ~needed[i];
        CHECK_MSG(hv_tpm2_floor_public_check(&p, NV) != NULL, "without 0x%x",
                  needed[i]);
    }
    p = ok;
    p.data_size = 4;
    CHECK(hv_tpm2_floor_public_check(&p, NV) != NULL);
    p = ok;
    p.policy_size = 32;
    CHECK(hv_tpm2_floor_public_check(&p, NV) != NULL);
    p = ok;
    CHECK(hv_tpm2_floor_public_check(&p, NV + 1) != NULL);
}

/* ---- The floor over a scripted transport ---------------------------------- */

typedef struct script {
    uint64_t value; /* the index's content */
    int locked;
    int fail;       /* transport failure */
    int writes;
    uint8_t last_cmd[HV_TPM_BUF_MAX];
} script;

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static int fake(void *user, const uint8_t *cmd, size_t n, uint8_t *rsp,
                size_t cap, size_t *rlen)
{
    script *s = user;
    (void)cap;
    if (s->fail)
        return -1;
    memcpy(s->last_cmd, cmd, n);
    uint32_t cc = (uint32_t)cmd[6] << 24 | (uint32_t)cmd[7] << 16 |
                  (uint32_t)cmd[8] << 8 | cmd[9];
    if (cc == HV_TPM_CC_NV_READ) {
        memcpy(rsp, ok_read, sizeof ok_read);
        put_be(rsp + 16, s->value, 8);
        *rlen = sizeof ok_read;
    } else if (cc == HV_TPM_CC_NV_WRITE && s->locked) {
        memcpy(rsp, locked, sizeof locked);
        *rlen = sizeof locked;
    } else if (cc == HV_TPM_CC_NV_WRITE) {
        s->writes++;
        uint64_t v = 0;
        for (int i = 0; i < 8; i++)
            v = v << 8 | cmd[33 + i];
        s->value = v;
        memcpy(rsp, ok_write, sizeof ok_write);
        *rlen = sizeof ok_write;
    } else {
        return -1;
    }
    return 0;
}

static void test_floor(void)
{
    script s = {.value = 3};
    hv_tpm2_transport t = {&s, fake, 0};
    uint64_t v = 0;
    CHECK(hv_tpm2_floor_read(&t, NV, &v) == 0 && v == 3);
    /* Lower or equal: nothing written. */
    CHECK(hv_tpm2_floor_raise(&t, NV, 2) == 0 && s.writes == 0 && s.value == 3);
    CHECK(hv_tpm2_floor_raise(&t, NV, 3) == 0 && s.writes == 0);
    /* Higher: one write, big-endian, read back. */
    CHECK(hv_tpm2_floor_raise(&t, NV, 0x0102030405060708ull) == 0 &&
          s.writes == 1 && s.value == 0x0102030405060708ull);
    CHECK(s.last_cmd[9] == 0x4e); /* the read-back came last */
    /* Locked: the TPM's code comes through. */
    s.locked = 1;
    CHECK(hv_tpm2_floor_raise(&t, NV, UINT64_MAX) == HV_TPM_RC_NV_LOCKED);
    s.fail = 1;
    CHECK(hv_tpm2_floor_read(&t, NV, &v) == HV_TPM_E_TRANSPORT);
}

int main(void)
{
    test_commands();
    test_responses();
    test_floor_check();
    test_floor();
    return CHECK_DONE();
}
