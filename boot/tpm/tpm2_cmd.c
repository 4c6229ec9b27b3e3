/*
 * TPM 2.0 command marshalling and response parsing (tpm2.h). Every number
 * on the wire is big-endian. The layouts, from the TPM 2.0 Library
 * Specification Part 3, are in the comment above each builder; tests/tpm/
 * checks each byte for byte against hand-computed vectors.
 */
#include "tpm2.h"

#include "sysdeps.h"

/* ---- Big-endian helpers --------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/* Header: tag, commandSize, commandCode. */
static void header(uint8_t *buf, uint16_t tag, uint32_t size, uint32_t cc)
{
    put16(buf, tag);
    put32(buf + 2, size);
    put32(buf + 6, cc);
}

/*
 * The authorization area of one password session with an empty password:
 * authorizationSize (u32) = 9, then TPMS_AUTH_COMMAND: sessionHandle
 * TPM_RS_PW, nonceCaller (empty TPM2B), sessionAttributes 0, hmac (empty
 * TPM2B: the password).
 */
#define PW_AUTH_SIZE 13u
static void pw_auth(uint8_t *p)
{
    put32(p, 9);
    put32(p + 4, HV_TPM_RS_PW);
    put16(p + 8, 0);
    p[10] = 0;
    put16(p + 11, 0);
}

/* see tpm2.h: tag NO_SESSIONS, size 12, TPM_CC_Startup, startupType (u16). */
size_t hv_tpm2_build_startup(uint8_t *buf, size_t cap, uint16_t type)
{
    if (cap < 12)
        return 0;
    header(buf, HV_TPM_ST_NO_SESSIONS, 12, HV_TPM_CC_STARTUP);
    put16(buf + 10, type);
    return 12;
}

/* see tpm2.h: tag NO_SESSIONS, size 14, TPM_CC_NV_ReadPublic, nvIndex. */
size_t hv_tpm2_build_nv_read_public(uint8_t *buf, size_t cap, uint32_t index)
{
    if (cap < 14)
        return 0;
    header(buf, HV_TPM_ST_NO_SESSIONS, 14, HV_TPM_CC_NV_READ_PUBLIC);
    put32(buf + 10, index);
    return 14;
}

/* see tpm2.h: tag SESSIONS, size 35, TPM_CC_NV_Read, authHandle (the index
 * itself: HV_TPMA_NV_AUTHREAD), nvIndex, password auth, size (u16), offset. */
size_t hv_tpm2_build_nv_read(uint8_t *buf, size_t cap, uint32_t index,
                          uint16_t size, uint16_t offset)
{
    const size_t n = 10 + 8 + PW_AUTH_SIZE + 4;
    if (cap < n)
        return 0;
    header(buf, HV_TPM_ST_SESSIONS, (uint32_t)n, HV_TPM_CC_NV_READ);
    put32(buf + 10, index);
    put32(buf + 14, index);
    pw_auth(buf + 18);
    put16(buf + 18 + PW_AUTH_SIZE, size);
    put16(buf + 20 + PW_AUTH_SIZE, offset);
    return n;
}

/* see tpm2.h: tag SESSIONS, TPM_CC_NV_Write, authHandle (the index:
 * HV_TPMA_NV_AUTHWRITE), nvIndex, password auth, data (TPM2B_MAX_NV_BUFFER:
 * u16 size, bytes), offset (u16). */
size_t hv_tpm2_build_nv_write(uint8_t *buf, size_t cap, uint32_t index,
                           const uint8_t *data, uint16_t len, uint16_t offset)
{
    const size_t fixed = 10 + 8 + PW_AUTH_SIZE + 2 + 2;
    if (len > HV_TPM_BUF_MAX - fixed || cap < fixed + len)
        return 0;
    size_t n = fixed + len;
    header(buf, HV_TPM_ST_SESSIONS, (uint32_t)n, HV_TPM_CC_NV_WRITE);
    put32(buf + 10, index);
    put32(buf + 14, index);
    pw_auth(buf + 18);
    uint8_t *p = buf + 18 + PW_AUTH_SIZE;
    put16(p, len);
    memcpy(p + 2, data, len);
    put16(p + 2 + len, offset);
    return n;
}

/* see tpm2.h: tag SESSIONS, size 31, TPM_CC_NV_WriteLock, authHandle (the
 * index), nvIndex, password auth. */
size_t hv_tpm2_build_nv_write_lock(uint8_t *buf, size_t cap, uint32_t index)
{
    const size_t n = 10 + 8 + PW_AUTH_SIZE;
    if (cap < n)
        return 0;
    header(buf, HV_TPM_ST_SESSIONS, (uint32_t)n, HV_TPM_CC_NV_WRITE_LOCK);
    put32(buf + 10, index);
    put32(buf + 14, index);
    pw_auth(buf + 18);
    return n;
}

/* ---- Responses ------------------------------------------------------------ */

/* see tpm2.h */
uint32_t hv_tpm2_parse_header(const uint8_t *rsp, size_t len)
{
    if (len < 10 || get32(rsp + 2) != len)
        return HV_TPM_E_MALFORMED;
    uint16_t tag = get16(rsp);
    uint32_t rc = get32(rsp + 6);
    if (tag != HV_TPM_ST_NO_SESSIONS && tag != HV_TPM_ST_SESSIONS)
        return HV_TPM_E_MALFORMED;
    if (rc & 0x80000000u)
        return HV_TPM_E_MALFORMED; /* would collide with the local codes */
    if (rc != HV_TPM_RC_SUCCESS && (len != 10 || tag != HV_TPM_ST_NO_SESSIONS))
        return HV_TPM_E_MALFORMED;
    return rc;
}

/*
 * After the header of a successful response with sessions: parameterSize
 * (u32), the parameters, then one TPMS_AUTH_RESPONSE for the password
 * session: nonceTPM (empty TPM2B), sessionAttributes (u8), hmac (empty
 * TPM2B): 5 bytes. Sets *params to the parameters' offset, *plen to their
 * length.
 */
static uint32_t session_body(const uint8_t *rsp, size_t len, size_t *params,
                             size_t *plen)
{
    if (get16(rsp) != HV_TPM_ST_SESSIONS || len < 14)
        return HV_TPM_E_MALFORMED;
    uint32_t ps = get32(rsp + 10);
    if (ps > len - 14 || len - 14 - ps != 5)
        return HV_TPM_E_MALFORMED;
    const uint8_t *ack = rsp + 14 + ps;
    if (get16(ack) != 0 || get16(ack + 3) != 0)
        return HV_TPM_E_MALFORMED;
    *params = 14;
    *plen = ps;
    return HV_TPM_RC_SUCCESS;
}

/* see tpm2.h */
uint32_t hv_tpm2_parse_empty(const uint8_t *rsp, size_t len, int sessions)
{
    uint32_t rc = hv_tpm2_parse_header(rsp, len);
    if (rc != HV_TPM_RC_SUCCESS)
        return rc;
    if (!sessions)
        return get16(rsp) == HV_TPM_ST_NO_SESSIONS && len == 10
                   ? HV_TPM_RC_SUCCESS
                   : HV_TPM_E_MALFORMED;
    size_t at, plen;
    rc = session_body(rsp, len, &at, &plen);
    if (rc != HV_TPM_RC_SUCCESS)
        return rc;
    return plen == 0 ? HV_TPM_RC_SUCCESS : HV_TPM_E_MALFORMED;
}

/*
 * NV_ReadPublic (no sessions): TPM2B_NV_PUBLIC = size (u16), then
 * TPMS_NV_PUBLIC: nvIndex (u32), nameAlg (u16), attributes (u32),
 * authPolicy (TPM2B), dataSize (u16); then TPM2B_NAME. Every inner size
 * must add up to the bytes there are.
 */
uint32_t hv_tpm2_parse_nv_read_public(const uint8_t *rsp, size_t len,
                                   hv_tpm2_nv_public *pub)
{
    uint32_t rc = hv_tpm2_parse_header(rsp, len);
    if (rc != HV_TPM_RC_SUCCESS)
        return rc;
    if (get16(rsp) != HV_TPM_ST_NO_SESSIONS || len < 12)
        return HV_TPM_E_MALFORMED;
    size_t at = 10, rest = len - 10;
    uint16_t pub_size = get16(rsp + at);
    at += 2, rest -= 2;
    /* nvIndex + nameAlg + attributes + policy size + dataSize = 14 */
    if (pub_size < 14 || pub_size > rest)
        return HV_TPM_E_MALFORMED;
    const uint8_t *p = rsp + at;
    pub->index = get32(p);
    pub->name_alg = get16(p + 4);
    pub->attributes = get32(p + 6);
    pub->policy_size = get16(p + 10);
    if (pub->policy_size != pub_size - 14)
        return HV_TPM_E_MALFORMED;
    pub->data_size = get16(p + 12 + pub->policy_size);
    at += pub_size, rest -= pub_size;
    if (rest < 2 || get16(rsp + at) != rest - 2)
        return HV_TPM_E_MALFORMED;
    return HV_TPM_RC_SUCCESS;
}

/* NV_Read: parameters = TPM2B_MAX_NV_BUFFER (u16 size, bytes). */
uint32_t hv_tpm2_parse_nv_read(const uint8_t *rsp, size_t len, uint8_t *out,
                            uint16_t want)
{
    uint32_t rc = hv_tpm2_parse_header(rsp, len);
    if (rc != HV_TPM_RC_SUCCESS)
        return rc;
    size_t at, plen;
    rc = session_body(rsp, len, &at, &plen);
    if (rc != HV_TPM_RC_SUCCESS)
        return rc;
    if (plen < 2 || get16(rsp + at) != plen - 2 || plen - 2 != want)
        return HV_TPM_E_MALFORMED;
    memcpy(out, rsp + at + 2, want);
    return HV_TPM_RC_SUCCESS;
}

/* ---- Over a transport ----------------------------------------------------- */

static uint32_t exchange(hv_tpm2_transport *t, const uint8_t *cmd, size_t n,
                         uint8_t *rsp, size_t *rlen)
{
    if (n == 0)
        return HV_TPM_E_ARGUMENT;
    t->commands++;
    if (t->transmit(t->user, cmd, n, rsp, HV_TPM_BUF_MAX, rlen) != 0)
        return HV_TPM_E_TRANSPORT;
    if (*rlen > HV_TPM_BUF_MAX)
        return HV_TPM_E_TRANSPORT;
    return HV_TPM_RC_SUCCESS;
}

/* see tpm2.h */
uint32_t hv_tpm2_startup(hv_tpm2_transport *t, uint16_t type)
{
    uint8_t cmd[16], rsp[HV_TPM_BUF_MAX];
    size_t rlen;
    uint32_t rc = exchange(t, cmd, hv_tpm2_build_startup(cmd, sizeof cmd, type),
                           rsp, &rlen);
    return rc ? rc : hv_tpm2_parse_empty(rsp, rlen, 0);
}

/* see tpm2.h */
uint32_t hv_tpm2_nv_read_public(hv_tpm2_transport *t, uint32_t index,
                             hv_tpm2_nv_public *pub)
{
    uint8_t cmd[16], rsp[HV_TPM_BUF_MAX];
    size_t rlen;
    uint32_t rc = exchange(t, cmd,
                           hv_tpm2_build_nv_read_public(cmd, sizeof cmd, index),
                           rsp, &rlen);
    return rc ? rc : hv_tpm2_parse_nv_read_public(rsp, rlen, pub);
}

/* see tpm2.h */
uint32_t hv_tpm2_nv_read(hv_tpm2_transport *t, uint32_t index, uint8_t *out,
                      uint16_t size, uint16_t offset)
{
    uint8_t cmd[48], rsp[HV_TPM_BUF_MAX];
    size_t rlen;
    if (size > HV_TPM_BUF_MAX - 32)
        return HV_TPM_E_ARGUMENT;
    uint32_t rc = exchange(t, cmd,
                           hv_tpm2_build_nv_read(cmd, sizeof cmd, index, size,
                                              offset),
                           rsp, &rlen);
    return rc ? rc : hv_tpm2_parse_nv_read(rsp, rlen, out, size);
}

/* see tpm2.h */
uint32_t hv_tpm2_nv_write(hv_tpm2_transport *t, uint32_t index, const uint8_t *data,
                       uint16_t len, uint16_t offset)
{
    uint8_t cmd[HV_TPM_BUF_MAX], rsp[HV_TPM_BUF_MAX];
    size_t rlen;
    uint32_t rc = exchange(t, cmd,
                           hv_tpm2_build_nv_write(cmd, sizeof cmd, index, data,
                                               len, offset),
                           rsp, &rlen);
    return rc ? rc : hv_tpm2_parse_empty(rsp, rlen, 1);
}

/* see tpm2.h */
uint32_t hv_tpm2_nv_write_lock(hv_tpm2_transport *t, uint32_t index)
{
    uint8_t cmd[48], rsp[HV_TPM_BUF_MAX];
    size_t rlen;
    uint32_t rc = exchange(t, cmd,
                           hv_tpm2_build_nv_write_lock(cmd, sizeof cmd, index),
                           rsp, &rlen);
    return rc ? rc : hv_tpm2_parse_empty(rsp, rlen, 1);
}

/* ---- The floor index ------------------------------------------------------ */

/* see tpm2.h */
const char *hv_tpm2_floor_public_check(const hv_tpm2_nv_public *pub, uint32_t index)
{
    if (pub->index != index)
        return "the TPM returned another index's public area";
    if (pub->data_size != HV_TPM_FLOOR_SIZE)
        return "the index is not 8 bytes";
    if ((pub->attributes & ~(uint32_t)HV_TPM_FLOOR_STATE_ATTRS) !=
        HV_TPM_FLOOR_ATTRS)
        return "the index's attributes are not exactly AUTHWRITE, AUTHREAD, "
               "WRITEALL, WRITE_STCLEAR and NO_DA (something else could "
               "write, delete or lose it)";
    if (pub->policy_size != 0)
        return "the index has an authPolicy (a policy could change its "
               "password)";
    if (!(pub->attributes & HV_TPMA_NV_WRITTEN))
        return "the index was never written (not provisioned)";
    return 0;
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* see tpm2.h */
uint32_t hv_tpm2_floor_read(hv_tpm2_transport *t, uint32_t index, uint64_t *value)
{
    uint8_t b[HV_TPM_FLOOR_SIZE];
    uint32_t rc = hv_tpm2_nv_read(t, index, b, sizeof b, 0);
    if (rc == HV_TPM_RC_SUCCESS)
        *value = be64(b);
    return rc;
}

/* see tpm2.h */
uint32_t hv_tpm2_floor_raise(hv_tpm2_transport *t, uint32_t index, uint64_t value)
{
    uint64_t cur;
    uint32_t rc = hv_tpm2_floor_read(t, index, &cur);
    if (rc != HV_TPM_RC_SUCCESS || value <= cur)
        return rc;
    uint8_t b[HV_TPM_FLOOR_SIZE];
    put32(b, (uint32_t)(value >> 32));
    put32(b + 4, (uint32_t)value);
    rc = hv_tpm2_nv_write(t, index, b, sizeof b, 0);
    if (rc != HV_TPM_RC_SUCCESS)
        return rc;
    /* Read back: a TPM that acknowledged but did not keep it fails here. */
    rc = hv_tpm2_floor_read(t, index, &cur);
    if (rc == HV_TPM_RC_SUCCESS && cur != value)
        return HV_TPM_E_MALFORMED;
    return rc;
}

/* see tpm2.h */
const char *hv_tpm2_rc_name(uint32_t rc)
{
    switch (rc) {
    case HV_TPM_RC_SUCCESS: return "TPM_RC_SUCCESS";
    case HV_TPM_RC_INITIALIZE: return "TPM_RC_INITIALIZE";
    case HV_TPM_RC_NV_LOCKED: return "TPM_RC_NV_LOCKED";
    case HV_TPM_RC_NV_UNINITIALIZED: return "TPM_RC_NV_UNINITIALIZED";
    case 0x18Bu: return "TPM_RC_HANDLE (no such index)";
    case 0x149u: return "TPM_RC_NV_AUTHORIZATION";
    case 0x9A2u: return "TPM_RC_BAD_AUTH";
    case 0x98Eu: return "TPM_RC_AUTH_FAIL";
    case HV_TPM_E_TRANSPORT: return "no answer from the TPM";
    case HV_TPM_E_MALFORMED: return "malformed response";
    case HV_TPM_E_ARGUMENT: return "argument out of range";
    default: return 0;
    }
}
