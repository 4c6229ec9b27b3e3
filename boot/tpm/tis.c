/*
 * TIS/FIFO driver, locality 0 (tis.h). The order of register accesses
 * follows the TCG PC Client Platform TPM Profile's FIFO command flow; every
 * wait is a poll loop bounded by the caller's clock, so a TPM that never
 * answers costs a timeout, never a hang.
 */
#include "tis.h"

static uint8_t rd(hv_tis_dev *d, uint32_t reg)
{
    return d->read8(d->user, reg);
}

static void wr(hv_tis_dev *d, uint32_t reg, uint8_t v)
{
    d->write8(d->user, reg, v);
}

/* Poll |reg| until (value & mask) == want, for at most |limit| clock units.
 * The register is read once more after the deadline, so a slow clock never
 * turns a ready TPM into a timeout. */
static int wait_for(hv_tis_dev *d, uint32_t reg, uint8_t mask, uint8_t want,
                    uint64_t limit)
{
    uint64_t start = d->now(d->user);
    for (;;) {
        int late = d->now(d->user) - start > limit;
        d->polls++;
        if ((rd(d, reg) & mask) == want)
            return 0;
        if (late)
            return -1;
    }
}

static uint16_t burst(hv_tis_dev *d)
{
    return (uint16_t)(rd(d, TIS_STS + 1) | rd(d, TIS_STS + 2) << 8);
}

/* Wait for a nonzero burstCount. */
static uint16_t wait_burst(hv_tis_dev *d)
{
    uint64_t start = d->now(d->user);
    for (;;) {
        int late = d->now(d->user) - start > d->timeout_short;
        d->polls++;
        uint16_t b = burst(d);
        if (b)
            return b;
        if (late)
            return 0;
    }
}

/* see tis.h */
int hv_tis_present(hv_tis_dev *d)
{
    /* No device: the bus reads all ones (or zeros); neither has only
     * tpmRegValidSts-style bits in a consistent way, so look at both the
     * access register and the vendor id. */
    uint8_t a = rd(d, TIS_ACCESS);
    uint16_t vid = (uint16_t)(rd(d, TIS_DID_VID) | rd(d, TIS_DID_VID + 1) << 8);
    return a != 0xFF && (a & TIS_ACCESS_VALID) && vid != 0xFFFF && vid != 0;
}

static int fail(hv_tis_dev *d, hv_tis_error e)
{
    d->last = e;
    return -1;
}

/* Write |n| bytes to the FIFO in bursts. */
static int write_fifo(hv_tis_dev *d, const uint8_t *p, size_t n)
{
    while (n) {
        uint16_t b = wait_burst(d);
        if (!b)
            return fail(d, TIS_E_BURST);
        for (; b && n; b--, n--)
            wr(d, TIS_DATA_FIFO, *p++);
    }
    return 0;
}

/* Read |n| bytes from the FIFO in bursts. */
static int read_fifo(hv_tis_dev *d, uint8_t *p, size_t n)
{
    while (n) {
        uint16_t b = wait_burst(d);
        if (!b)
            return fail(d, TIS_E_BURST);
        for (; b && n; b--, n--)
            *p++ = rd(d, TIS_DATA_FIFO);
    }
    return 0;
}

static int command(hv_tis_dev *d, const uint8_t *cmd, size_t len, uint8_t *rsp,
                   size_t cap, size_t *rsp_len)
{
    /* commandReady: the TPM empties its FIFO and waits for a command. */
    wr(d, TIS_STS, TIS_STS_READY);
    if (wait_for(d, TIS_STS, TIS_STS_READY, TIS_STS_READY, d->timeout_short))
        return fail(d, TIS_E_READY);
    /* All but the last byte; the TPM must still expect more. */
    if (write_fifo(d, cmd, len - 1) != 0)
        return -1;
    if (wait_for(d, TIS_STS, TIS_STS_VALID | TIS_STS_EXPECT,
                 TIS_STS_VALID | TIS_STS_EXPECT, d->timeout_short))
        return fail(d, TIS_E_EXPECT);
    if (write_fifo(d, cmd + len - 1, 1) != 0)
        return -1;
    /* Now it must have all it expects (the size in the command header). */
    if (wait_for(d, TIS_STS, TIS_STS_VALID | TIS_STS_EXPECT, TIS_STS_VALID,
                 d->timeout_short))
        return fail(d, TIS_E_EXPECT);
    wr(d, TIS_STS, TIS_STS_GO);
    if (wait_for(d, TIS_STS, TIS_STS_VALID | TIS_STS_DATA,
                 TIS_STS_VALID | TIS_STS_DATA, d->timeout_long))
        return fail(d, TIS_E_RESPONSE);
    /* The header first: its size field says how much follows. */
    if (cap < 10)
        return fail(d, TIS_E_SIZE);
    if (read_fifo(d, rsp, 10) != 0)
        return -1;
    uint32_t size = (uint32_t)rsp[2] << 24 | (uint32_t)rsp[3] << 16 |
                    (uint32_t)rsp[4] << 8 | rsp[5];
    if (size < 10 || size > cap)
        return fail(d, TIS_E_SIZE);
    if (read_fifo(d, rsp + 10, size - 10) != 0)
        return -1;
    /* Nothing may be left: a longer response than its size field says. */
    if (wait_for(d, TIS_STS, TIS_STS_VALID, TIS_STS_VALID, d->timeout_short) ||
        (rd(d, TIS_STS) & TIS_STS_DATA))
        return fail(d, TIS_E_EXTRA);
    *rsp_len = size;
    return 0;
}

/* see tis.h */
int hv_tis_transmit(hv_tis_dev *d, const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
                 size_t cap, size_t *rsp_len)
{
    d->last = TIS_OK;
    if (cmd_len < 10)
        return fail(d, TIS_E_ARGUMENT);
    if (!hv_tis_present(d))
        return fail(d, TIS_E_ABSENT);
    wr(d, TIS_ACCESS, TIS_ACCESS_REQUEST);
    if (wait_for(d, TIS_ACCESS, TIS_ACCESS_VALID | TIS_ACCESS_ACTIVE,
                 TIS_ACCESS_VALID | TIS_ACCESS_ACTIVE, d->timeout_short))
        return fail(d, TIS_E_LOCALITY);
    int rc = command(d, cmd, cmd_len, rsp, cap, rsp_len);
    /* Idle (also aborts a half-sent command), then release locality 0. */
    wr(d, TIS_STS, TIS_STS_READY);
    wr(d, TIS_ACCESS, TIS_ACCESS_ACTIVE);
    return rc;
}

/* see tis.h */
int hv_tis_transport(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
                  size_t rsp_cap, size_t *rsp_len)
{
    return hv_tis_transmit(user, cmd, cmd_len, rsp, rsp_cap, rsp_len);
}

/* see tis.h */
const char *hv_tis_error_str(hv_tis_error e)
{
    switch (e) {
    case TIS_OK: return "no error";
    case TIS_E_ABSENT: return "no TPM at the TIS address";
    case TIS_E_LOCALITY: return "locality 0 not granted in time";
    case TIS_E_READY: return "the TPM did not become ready in time";
    case TIS_E_BURST: return "burstCount stayed 0";
    case TIS_E_EXPECT: return "the TPM's Expect bit was wrong";
    case TIS_E_RESPONSE: return "no response in time";
    case TIS_E_SIZE: return "response size out of range";
    case TIS_E_EXTRA: return "bytes left after the response";
    case TIS_E_ARGUMENT: return "command too short";
    }
    return "unknown";
}
