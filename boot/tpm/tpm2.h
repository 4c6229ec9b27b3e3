/*
 * The few TPM 2.0 commands the security floor needs (docs/TPM.md), built
 * and parsed byte by byte from the TPM 2.0 Library Specification, Part 3
 * (commands) and Part 2 (structures): TPM2_Startup, TPM2_NV_ReadPublic,
 * TPM2_NV_Read, TPM2_NV_Write and TPM2_NV_WriteLock, the last three with
 * one password session (TPM_RS_PW) and an empty password.
 *
 * Freestanding: no allocation, no state; every length is checked against
 * the buffer it lives in. The transport (boot/tpm/tis.h in the stage and
 * the monitor, a test double on the host) moves one command and one
 * response; the functions here never trust the response's size field
 * beyond the bytes the transport returned.
 *
 * Results: a TPM response code (HV_TPM_RC_SUCCESS = 0, or what the TPM said,
 * e.g. HV_TPM_RC_NV_LOCKED), or one of the local codes HV_TPM_E_* (the top bit
 * set, which no TPM response code has).
 */
#ifndef HV_TPM2_H
#define HV_TPM2_H

#include <stddef.h>
#include <stdint.h>

/* Tags, command codes, handles (Part 2). */
#define HV_TPM_ST_NO_SESSIONS 0x8001u
#define HV_TPM_ST_SESSIONS 0x8002u
#define HV_TPM_CC_STARTUP 0x00000144u
#define HV_TPM_CC_NV_READ_PUBLIC 0x00000169u
#define HV_TPM_CC_NV_READ 0x0000014Eu
#define HV_TPM_CC_NV_WRITE 0x00000137u
#define HV_TPM_CC_NV_WRITE_LOCK 0x00000138u
#define HV_TPM_SU_CLEAR 0x0000u
#define HV_TPM_RS_PW 0x40000009u
#define HV_TPM_HT_NV_INDEX 0x01u /* top byte of an NV index handle */

/* Response codes the callers name. */
#define HV_TPM_RC_SUCCESS 0x000u
#define HV_TPM_RC_INITIALIZE 0x100u      /* TPM2_Startup after a Startup   */
#define HV_TPM_RC_NV_LOCKED 0x148u       /* write to a write-locked index  */
#define HV_TPM_RC_NV_UNINITIALIZED 0x14Au
/* Local codes: the top bit is never set in a TPM response code. */
#define HV_TPM_E_TRANSPORT 0x80000001u   /* the transport failed           */
#define HV_TPM_E_MALFORMED 0x80000002u   /* the response breaks the format */
#define HV_TPM_E_ARGUMENT 0x80000003u    /* caller's lengths out of range  */

/* TPMA_NV bits (Part 2, 13.4). */
#define HV_TPMA_NV_PPWRITE (1u << 0)
#define HV_TPMA_NV_OWNERWRITE (1u << 1)
#define HV_TPMA_NV_AUTHWRITE (1u << 2)
#define HV_TPMA_NV_POLICYWRITE (1u << 3)
#define HV_TPMA_NV_TPM_NT_MASK (0xFu << 4)  /* 0: ordinary index */
#define HV_TPMA_NV_POLICY_DELETE (1u << 10)
#define HV_TPMA_NV_WRITELOCKED (1u << 11)
#define HV_TPMA_NV_WRITEALL (1u << 12)
#define HV_TPMA_NV_WRITEDEFINE (1u << 13)
#define HV_TPMA_NV_WRITE_STCLEAR (1u << 14)
#define HV_TPMA_NV_GLOBALLOCK (1u << 15)
#define HV_TPMA_NV_PPREAD (1u << 16)
#define HV_TPMA_NV_OWNERREAD (1u << 17)
#define HV_TPMA_NV_AUTHREAD (1u << 18)
#define HV_TPMA_NV_POLICYREAD (1u << 19)
#define HV_TPMA_NV_NO_DA (1u << 25)
#define HV_TPMA_NV_ORDERLY (1u << 26)
#define HV_TPMA_NV_CLEAR_STCLEAR (1u << 27)
#define HV_TPMA_NV_READLOCKED (1u << 28)
#define HV_TPMA_NV_WRITTEN (1u << 29)
#define HV_TPMA_NV_PLATFORMCREATE (1u << 30)
#define HV_TPMA_NV_READ_STCLEAR (1u << 31)

/* Largest command or response any function here sends or accepts. */
#define HV_TPM_BUF_MAX 256u

/* One command out, one response back. 0 and *rsp_len set, or -1. */
typedef struct hv_tpm2_transport {
    void *user;
    int (*transmit)(void *user, const uint8_t *cmd, size_t cmd_len,
                    uint8_t *rsp, size_t rsp_cap, size_t *rsp_len);
    uint32_t commands; /* commands sent through hv_tpm2_* (figures) */
} hv_tpm2_transport;

/* The public area of an NV index, as TPM2_NV_ReadPublic returns it. */
typedef struct hv_tpm2_nv_public {
    uint32_t index;
    uint16_t name_alg;
    uint32_t attributes;
    uint16_t policy_size; /* authPolicy length (its bytes are not kept) */
    uint16_t data_size;
} hv_tpm2_nv_public;

/* ---- Building commands: bytes written, or 0 if |cap| is too small or an
 * argument out of range. ------------------------------------------------ */
size_t hv_tpm2_build_startup(uint8_t *buf, size_t cap, uint16_t type);
size_t hv_tpm2_build_nv_read_public(uint8_t *buf, size_t cap, uint32_t index);
size_t hv_tpm2_build_nv_read(uint8_t *buf, size_t cap, uint32_t index,
                          uint16_t size, uint16_t offset);
size_t hv_tpm2_build_nv_write(uint8_t *buf, size_t cap, uint32_t index,
                           const uint8_t *data, uint16_t len, uint16_t offset);
size_t hv_tpm2_build_nv_write_lock(uint8_t *buf, size_t cap, uint32_t index);

/* ---- Parsing responses ------------------------------------------------ */

/*
 * The 10-byte header: at least 10 bytes, the size field equal to |len|
 * exactly, tag ST_NO_SESSIONS or ST_SESSIONS, and an error response (code
 * != 0) exactly 10 bytes with tag ST_NO_SESSIONS. Returns the response code
 * or HV_TPM_E_MALFORMED.
 */
uint32_t hv_tpm2_parse_header(const uint8_t *rsp, size_t len);
/* A response with no parameters (Startup with no sessions; NV_Write and
 * NV_WriteLock with one: parameterSize 0 and a 5-byte password ack). */
uint32_t hv_tpm2_parse_empty(const uint8_t *rsp, size_t len, int sessions);
uint32_t hv_tpm2_parse_nv_read_public(const uint8_t *rsp, size_t len,
                                   hv_tpm2_nv_public *pub);
/* NV_Read's data: exactly |want| bytes into |out|. */
uint32_t hv_tpm2_parse_nv_read(const uint8_t *rsp, size_t len, uint8_t *out,
                            uint16_t want);

/* ---- Whole commands over a transport ---------------------------------- */
uint32_t hv_tpm2_startup(hv_tpm2_transport *t, uint16_t type);
uint32_t hv_tpm2_nv_read_public(hv_tpm2_transport *t, uint32_t index,
                             hv_tpm2_nv_public *pub);
uint32_t hv_tpm2_nv_read(hv_tpm2_transport *t, uint32_t index, uint8_t *out,
                      uint16_t size, uint16_t offset);
uint32_t hv_tpm2_nv_write(hv_tpm2_transport *t, uint32_t index, const uint8_t *data,
                       uint16_t len, uint16_t offset);
uint32_t hv_tpm2_nv_write_lock(hv_tpm2_transport *t, uint32_t index);

/* ---- The security floor's index (docs/TPM.md) -------------------------- */

/* Owner-range handles (TCG handle registry: 0x01800000-0x01BFFFFF): the
 * defaults, counter_nv + 0..3 (flash.h). A trust area version 1 device
 * uses the floor's only; a roots device (version 2) all four, each with
 * the floor's size and attributes. */
#define HV_TPM_NV_FLOOR 0x01800100u
#define HV_TPM_NV_KEY_EPOCH 0x01800101u
#define HV_TPM_NV_KEYRING 0x01800102u
#define HV_TPM_NV_ROOT 0x01800103u
/* counter_nv + HV_TPM_NV_OFFSETS[i] holds counter i of hvbootstate.h's
 * set (HV_BS_CTR_*: floor, root version, keyring version, key epoch). */
#define HV_TPM_NV_OFFSETS {0u, 3u, 2u, 1u}
#define HV_TPM_NV_COUNT 4u
#define HV_TPM_FLOOR_SIZE 8u                /* u64 big-endian */
/* The attributes a floor index has, exactly, apart from WRITTEN and
 * WRITELOCKED (which the TPM sets): the index's own empty password reads
 * and writes it, nothing else can write it, a write replaces all 8 bytes,
 * and TPM2_NV_WriteLock holds until the next TPM Reset or Restart. */
#define HV_TPM_FLOOR_ATTRS                                                    \
    (HV_TPMA_NV_AUTHWRITE | HV_TPMA_NV_AUTHREAD | HV_TPMA_NV_WRITEALL |                \
     HV_TPMA_NV_WRITE_STCLEAR | HV_TPMA_NV_NO_DA)
#define HV_TPM_FLOOR_STATE_ATTRS (HV_TPMA_NV_WRITTEN | HV_TPMA_NV_WRITELOCKED)

/*
 * Check a floor index's public area: handle, size 8, the attributes above
 * exactly (plus WRITTEN, required, and WRITELOCKED), an empty authPolicy.
 * Returns NULL if right, else a static text saying what is wrong.
 */
const char *hv_tpm2_floor_public_check(const hv_tpm2_nv_public *pub, uint32_t index);

/* Read the floor (NV_Read of 8 bytes, big-endian). */
uint32_t hv_tpm2_floor_read(hv_tpm2_transport *t, uint32_t index, uint64_t *value);
/* Raise to |value| if higher (read, then NV_Write); never lowers. */
uint32_t hv_tpm2_floor_raise(hv_tpm2_transport *t, uint32_t index, uint64_t value);

/* A short name for a response code ("TPM_RC_NV_LOCKED", ...) or NULL. */
const char *hv_tpm2_rc_name(uint32_t rc);

#endif
