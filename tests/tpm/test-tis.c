/*
 * The TIS/FIFO driver (boot/tpm/tis.c) against a simulated register file:
 * a TPM model that follows the FIFO protocol (locality request, commandReady,
 * Expect while the command is incomplete, burstCount, tpmGo, dataAvail) and
 * can misbehave: burstCount 1, never ready, absent, a response longer than
 * the caller's buffer, more bytes than its size field says, never done.
 * The clock advances one unit per reading, so timeouts are exact.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "tis.h"
#include "tpm2.h"

typedef struct sim {
    /* behaviour */
    uint16_t burst;     /* burstCount offered */
    int never_ready;    /* commandReady never comes */
    int absent;         /* reads all ones */
    int never_done;     /* dataAvail never comes */
    int extra;          /* response bytes beyond its size field */
    uint8_t resp[300];
    size_t resp_len;
    /* state */
    int active, ready, go, executing;
    uint8_t cmd[300], sent[300];
    size_t cmd_len, sent_len, rd;
    uint64_t clock;
    int requests, gos, releases;
} sim;

static size_t expected(const sim *s)
{
    if (s->cmd_len < 6)
        return 10; /* at least a header */
    return (size_t)s->cmd[2] << 24 | (size_t)s->cmd[3] << 16 |
           (size_t)s->cmd[4] << 8 | s->cmd[5];
}

static uint8_t sim_read8(void *user, uint32_t reg)
{
    sim *s = user;
    if (s->absent)
        return 0xFF;
    switch (reg) {
    case TIS_ACCESS:
        return (uint8_t)(TIS_ACCESS_VALID | (s->active ? TIS_ACCESS_ACTIVE : 0));
    case TIS_DID_VID: return 0x14;
    case TIS_DID_VID + 1: return 0x10;
    case TIS_STS: {
        uint8_t v = TIS_STS_VALID;
        if (s->ready)
            v |= TIS_STS_READY;
        if (s->ready && s->cmd_len < expected(s))
            v |= TIS_STS_EXPECT;
        if (s->go && !s->never_done && s->rd < s->resp_len)
            v |= TIS_STS_DATA;
        return v;
    }
    case TIS_STS + 1: {
        int data = s->go && !s->never_done && s->rd < s->resp_len;
        int room = s->ready && !s->go;
        return (uint8_t)(data || room ? s->burst : 0);
    }
    case TIS_STS + 2: return (uint8_t)(s->burst >> 8);
    case TIS_DATA_FIFO:
        if (s->go && s->rd < s->resp_len)
            return s->resp[s->rd++];
        return 0xFF;
    }
    return 0;
}

static void sim_write8(void *user, uint32_t reg, uint8_t v)
{
    sim *s = user;
    if (reg == TIS_ACCESS && v == TIS_ACCESS_REQUEST)
        s->active = 1, s->requests++;
    else if (reg == TIS_ACCESS && v == TIS_ACCESS_ACTIVE)
        s->active = 0, s->releases++;
    else if (reg == TIS_STS && v == TIS_STS_READY) {
        /* Idle / abort: the FIFO is emptied. */
        s->ready = !s->never_ready;
        s->go = 0;
        s->cmd_len = 0;
        s->rd = 0;
    } else if (reg == TIS_STS && v == TIS_STS_GO && s->ready) {
        s->go = 1;
        s->gos++;
        memcpy(s->sent, s->cmd, s->cmd_len);
        s->sent_len = s->cmd_len;
    } else if (reg == TIS_DATA_FIFO && s->ready && !s->go &&
               s->cmd_len < sizeof s->cmd) {
        s->cmd[s->cmd_len++] = v;
    }
}

static uint64_t sim_now(void *user)
{
    return ((sim *)user)->clock++;
}

static hv_tis_dev dev_for(sim *s)
{
    hv_tis_dev d = {s, sim_read8, sim_write8, sim_now, 1000, 5000, TIS_OK, 0};
    return d;
}

/* A well-formed NV_Write response (19 bytes). */
static const uint8_t ok_write[] = {0x80, 0x02, 0x00, 0x00, 0x00, 0x13, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                   0x00, 0x00, 0x01, 0x00, 0x00};

static void setup(sim *s, uint16_t burst)
{
    memset(s, 0, sizeof *s);
    s->burst = burst;
    memcpy(s->resp, ok_write, sizeof ok_write);
    s->resp_len = sizeof ok_write;
}

static void normal(uint16_t burst)
{
    sim s;
    setup(&s, burst);
    hv_tis_dev d = dev_for(&s);
    uint8_t cmd[HV_TPM_BUF_MAX], rsp[64];
    static const uint8_t v[8] = {0, 0, 0, 0, 0, 0, 0, 9};
    size_t n = hv_tpm2_build_nv_write(cmd, sizeof cmd, 0x01800100u, v, 8, 0);
    size_t rlen = 0;
    CHECK_MSG(hv_tis_transmit(&d, cmd, n, rsp, sizeof rsp, &rlen) == 0,
              "burst %u: %s", burst, hv_tis_error_str(d.last));
    CHECK(s.sent_len == n && memcmp(s.sent, cmd, n) == 0);
    CHECK(rlen == sizeof ok_write && memcmp(rsp, ok_write, rlen) == 0);
    CHECK(s.gos == 1 && s.requests == 1 && s.releases == 1);
    CHECK(!s.active && !s.go); /* idle and released */
    /* Through the tpm2 layer as well. */
    hv_tpm2_transport t = {&d, hv_tis_transport, 0};
    CHECK(hv_tpm2_nv_write(&t, 0x01800100u, v, 8, 0) == HV_TPM_RC_SUCCESS);
}

static void failure(const char *what, sim *s, size_t cap, hv_tis_error want)
{
    hv_tis_dev d = dev_for(s);
    uint8_t cmd[16], rsp[300];
    size_t n = hv_tpm2_build_startup(cmd, sizeof cmd, 0), rlen = 12345;
    CHECK_MSG(hv_tis_transmit(&d, cmd, n, rsp, cap, &rlen) == -1 &&
                  d.last == want,
              "%s: got '%s', want '%s'", what, hv_tis_error_str(d.last),
              hv_tis_error_str(want));
    CHECK_MSG(rlen == 12345, "%s: a length was returned", what);
    CHECK_MSG(s->clock < 20000, "%s: the wait was not bounded", what);
    if (!s->absent)
        CHECK_MSG(!s->active && s->releases == 1, "%s: locality kept", what);
}

int main(void)
{
    normal(64);
    normal(1);
    normal(7);

    sim s;
    setup(&s, 8);
    s.never_ready = 1;
    failure("never ready", &s, 64, TIS_E_READY);
    CHECK(s.cmd_len == 0 && s.gos == 0);

    setup(&s, 8);
    s.absent = 1;
    failure("absent", &s, 64, TIS_E_ABSENT);

    setup(&s, 8);
    s.never_done = 1;
    failure("never done", &s, 64, TIS_E_RESPONSE);

    setup(&s, 0);
    failure("burstCount 0", &s, 64, TIS_E_BURST);

    /* The response's size field is larger than the caller's buffer: refused
     * after the header, nothing written past the buffer. */
    setup(&s, 8);
    s.resp[5] = 0xff;
    s.resp_len = 255;
    failure("size over the buffer", &s, 64, TIS_E_SIZE);
    setup(&s, 8);
    s.resp[5] = 0x05;
    failure("size under 10", &s, 64, TIS_E_SIZE);

    /* More bytes than the size field says. */
    setup(&s, 8);
    s.resp_len = sizeof ok_write + 4;
    failure("extra bytes", &s, 64, TIS_E_EXTRA);

    /* A command under 10 bytes never reaches the TPM. */
    setup(&s, 8);
    hv_tis_dev d = dev_for(&s);
    uint8_t rsp[16];
    size_t rlen;
    CHECK(hv_tis_transmit(&d, ok_write, 9, rsp, sizeof rsp, &rlen) == -1 &&
          d.last == TIS_E_ARGUMENT && s.requests == 0);
    return CHECK_DONE();
}
