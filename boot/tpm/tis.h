/*
 * The TPM's TIS/FIFO interface (TCG PC Client Platform TPM Profile, the
 * "FIFO interface"), locality 0 only: what the stage and the monitor use to
 * reach a TPM 2.0 at 0xFED40000 under QEMU (-device tpm-tis) and on PC
 * hardware. Freestanding; register access goes through two callbacks so
 * that host tests run the same driver against a simulated register file.
 *
 * One command: request locality 0, set commandReady, write the command in
 * bursts of burstCount bytes (Expect must stay set until the last byte and
 * clear after it), tpmGo, wait for dataAvail, read the 10-byte header, then
 * exactly the size it gives (refused if larger than the caller's buffer or
 * under 10), check no byte is left, set commandReady again (idle) and give
 * the locality back. Every wait is bounded by the clock the caller gives
 * (docs/TPM.md "Timeouts").
 */
#ifndef HV_TIS_H
#define HV_TIS_H

#include <stddef.h>
#include <stdint.h>

#define TIS_BASE 0xFED40000u

/* Locality-0 register offsets and bits. */
#define TIS_ACCESS 0x00u
#define TIS_STS 0x18u         /* byte 0: status; bytes 1-2: burstCount */
#define TIS_DATA_FIFO 0x24u
#define TIS_DID_VID 0xF00u
#define TIS_ACCESS_VALID 0x80u
#define TIS_ACCESS_ACTIVE 0x20u
#define TIS_ACCESS_REQUEST 0x02u
#define TIS_STS_VALID 0x80u
#define TIS_STS_READY 0x40u   /* commandReady */
#define TIS_STS_GO 0x20u
#define TIS_STS_DATA 0x10u    /* dataAvail */
#define TIS_STS_EXPECT 0x08u

/* What failed, for messages and tests. */
typedef enum hv_tis_error {
    TIS_OK = 0,
    TIS_E_ABSENT,     /* the access register never reads valid        */
    TIS_E_LOCALITY,   /* locality 0 was not granted in time           */
    TIS_E_READY,      /* commandReady did not come                    */
    TIS_E_BURST,      /* burstCount stayed 0                          */
    TIS_E_EXPECT,     /* Expect wrong during or after the command     */
    TIS_E_RESPONSE,   /* dataAvail did not come (command timed out)   */
    TIS_E_SIZE,       /* response size under 10 or over the buffer    */
    TIS_E_EXTRA,      /* bytes left after the response's size         */
    TIS_E_ARGUMENT,   /* command under 10 bytes                       */
} hv_tis_error;

typedef struct hv_tis_dev {
    void *user;
    uint8_t (*read8)(void *user, uint32_t reg);
    void (*write8)(void *user, uint32_t reg, uint8_t v);
    /* A monotonic clock; timeouts below are in its units. */
    uint64_t (*now)(void *user);
    uint64_t timeout_short; /* locality, commandReady, burstCount, Expect */
    uint64_t timeout_long;  /* the command's own execution                */
    hv_tis_error last;         /* why the last hv_tis_transmit failed           */
    uint32_t polls;         /* register reads spent waiting (figures)     */
} hv_tis_dev;

/* 1 if a TPM answers at all: the access register reads valid. */
int hv_tis_present(hv_tis_dev *d);

/* Send |cmd| and read the response into |rsp| (at most |cap| bytes).
 * 0 with *rsp_len set, or -1 with d->last saying why. The locality is
 * given back either way. */
int hv_tis_transmit(hv_tis_dev *d, const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
                 size_t cap, size_t *rsp_len);

/* The hv_tpm2_transport.transmit for a hv_tis_dev (user = the hv_tis_dev). */
int hv_tis_transport(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
                  size_t rsp_cap, size_t *rsp_len);

const char *hv_tis_error_str(hv_tis_error e);

#endif
