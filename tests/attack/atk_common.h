/*
 * Attack suite, the part shared by the 64-bit suite (attack-verify, which
 * crafts and signs the images) and the 32-bit UBSan runner (attack-m32-run,
 * which reads them from files): the case description, a hostile memory
 * platform and the checks made on every verdict.
 *
 * Needs only libc and the verifier's public header, so that it builds with
 * `gcc -m32` against the boot/ sources without the host side (OpenSSL, libyaml, ...).
 *
 * The platform is a double-fetch attacker for every case: the first read of
 * a byte returns the image's byte, any later read of the same byte returns
 * different bytes (the byte XOR 0xFF, or the byte of a second image), and the
 * read is recorded. Every case then also checks that no byte was read twice
 * and that no read left the region, whatever the verdict.
 */
#ifndef HV_ATK_COMMON_H
#define HV_ATK_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hvboot.h"

/* want_section / want_offset: match anything. */
#define ATK_ANY32 (UINT32_MAX - 1u)
#define ATK_ANY64 (UINT64_MAX - 1u)

/* Platform and policy behaviours a case may ask for (atk_spec.mode). */
#define ATK_M_READ_FAIL 0x001u     /* ops->read returns -1                 */
#define ATK_M_ROLLBACK_FAIL 0x002u /* ops->rollback_counter returns -1     */
#define ATK_M_BOARD_FAIL 0x004u    /* ops->board_id returns -1             */
#define ATK_M_MEM_NULL 0x008u      /* section_memory succeeds, gives NULL  */
#define ATK_M_VERIFY_M1 0x010u     /* crypto verify() returns -1           */
#define ATK_M_VERIFY_2 0x020u      /* crypto verify() returns 2            */
#define ATK_M_HASH_FAIL 0x040u     /* crypto hash_init() fails             */
#define ATK_M_TAIL_UNREAD 0x080u   /* bytes after image_size never read    */
#define ATK_M_SECOND 0x100u        /* later reads come from a second image */
#define ATK_M_ZERO_TAIL 0x200u     /* region past the buffer reads as 0    */
#define ATK_M_KEYS_EMPTY 0x400u    /* policy keys non-NULL, key_count 0    */
/* A frame the linked libzstd rejects (zeroSeq_2B with 1.5.4, or bytes
 * changed in a re-signed frame): whether it says so before or after the
 * output overflows the declared size depends on the output buffer (one
 * call into the whole section for hv_verify, a stream for
 * hv_verify_stream), so the stream may refuse with the other of
 * bad_compressed_data and unpacked_size_mismatch, at the same byte. Both
 * refuse. */
#define ATK_M_ZSTD_EITHER 0x800u

#define ATK_MAX_KEYS 8
#define ATK_NAME_MAX 96

/* One crafted case: what to run and what must come out. */
typedef struct atk_spec {
    char name[ATK_NAME_MAX];
    hv_result expect; /* HV_RESULT_COUNT: any (mutations: only the other
                       * checks, hv_verify_stream agreeing among them) */
    uint32_t want_section; /* UINT32_MAX: none failed; ATK_ANY32: any  */
    uint64_t want_offset;  /* UINT64_MAX: none; ATK_ANY64: any         */
    uint64_t region;       /* policy.region_size                       */
    int exact;             /* policy.exact_size                        */
    uint32_t min_sigs;
    int has_oem;
    char oem[48];
    char board[48];
    uint64_t rollback;
    uint32_t keys; /* bit i: trusted key i of the key table; 0: keys NULL */
    uint32_t mode; /* ATK_M_*                                            */
    uint32_t want_signers; /* checked when expect is HV_OK; 0: not checked */
} atk_spec;

/* The trusted key table the cases pick from. */
typedef struct atk_keys {
    hv_trusted_key rec[ATK_MAX_KEYS];
    uint8_t pub[ATK_MAX_KEYS][600];
    size_t count;
} atk_keys;

/* Run one case on the hostile platform and check everything. Prints
 * "PASS name result [(section N)] [@offset]" or "FAIL name result: why" on
 * stdout, result being what hv_verify() returned (index.sh compares it with
 * ATTACKS.md). Returns 1 if the case passed. |second| is used with
 * ATK_M_SECOND, else may be NULL. */
int atk_run(const atk_spec *s, const uint8_t *img, size_t len,
            const uint8_t *second, const atk_keys *keys);

/* hv_result from its hv_result_name(); HV_RESULT_COUNT if unknown. */
hv_result atk_result_from_name(const char *name);

/* ---- files shared with the 32-bit runner ------------------------------ */

/*
 * cases.txt: one line per case, fields separated by spaces:
 *   name expect section offset region exact min_sigs oem board rollback
 *   keys mode signers
 * with "-" for "none" (oem NULL), "*" for ATK_ANY32/64, numbers in decimal
 * (keys and mode in hex). The image is NAME.hvi beside it, and with
 * ATK_M_SECOND the later-read bytes are NAME.second.hvi.
 * keys.txt: "index sig_alg key_id_hex pub_hex" per trusted key.
 */
int atk_spec_write(FILE *fp, const atk_spec *s);
int atk_spec_parse(const char *line, atk_spec *s); /* 0 or -1 */
int atk_keys_write(FILE *fp, const atk_keys *k);
int atk_keys_read(FILE *fp, atk_keys *k); /* 0 or -1 */

/* Read a whole file into malloc'd memory; NULL on error. */
uint8_t *atk_read_file(const char *path, size_t *len);

/* ---- zstd golden frames (tests/vectors/zstd-golden) ------------------ */

typedef struct atk_golden {
    const char *file;      /* relative to the zstd-golden folder         */
    size_t produced;       /* bytes libzstd 1.5.4 decodes from it         */
    int valid;             /* upstream: a decoder must accept it          */
    hv_result at_154;      /* hv_zstd_unpack at |produced| with 1.5.4     */
} atk_golden;

extern const atk_golden atk_goldens[];
extern const size_t atk_golden_count;

/*
 * hv_zstd_unpack on every golden frame at its produced size and at one byte
 * less and more, plus the workspace ceiling (ZSTD_estimateDCtxSize() bytes
 * work, one byte less is refused). Prints one line per check, returns the
 * number of failed checks (a missing file is a failure, never a skip).
 */
int atk_golden_direct(const char *golden_dir);

#endif
