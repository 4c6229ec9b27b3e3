/*
 * Boot state, security floor and field-update transitions (docs/UPDATE.md).
 *
 * One implementation for the boot stage (freestanding) and the host (the
 * power-cut simulator, and later `hvimage update` or an on-device agent):
 * every function works over an hv_flash_ops, so the same code runs on
 * memory-mapped NOR in the stage, on a flash file or MTD device on a host,
 * and on the simulator's NOR model. Nothing here allocates or keeps state
 * between calls.
 *
 *   hv_bs_read      newest valid record (v2 log; a v1 record for migration)
 *   hv_bs_commit    append one record (the only writer of records)
 *   hv_bs_boot      the stage's decision: slot order, trial tries, mark-bad,
 *                   floor raise; calls back to verify a slot
 *   hv_bs_install_begin / activate / confirm / mark_bad / rollback
 *                   the transitions an updater makes
 *   hv_counter      a monotonic counter (read, raise-to); hv_lab_counter is
 *                   the lab backend (a thermometer code in flash)
 *
 * Functions return 0 on success and -1 on failure unless said otherwise.
 */
#ifndef HVBOOTSTATE_H
#define HVBOOTSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "hvimage/flash.h"

/*
 * NOR flash as seen by this code; offsets are device offsets. program()
 * clears bits only (the result is old AND new) and never crosses a page
 * boundary: callers split at page_size. erase() sets one erase block
 * (erase_block bytes at an aligned offset) to 0xFF.
 */
typedef struct hv_flash_ops {
    void *user;
    int (*read)(void *user, uint64_t off, void *dst, size_t len);
    int (*program)(void *user, uint64_t off, const void *src, size_t len);
    int (*erase)(void *user, uint64_t off);
    uint64_t erase_block; /* power of two, >= HV_BOOT_STATE_RECORD_SIZE */
    uint32_t page_size;   /* program unit, power of two                 */
} hv_flash_ops;

/* Program |len| bytes at |off|, split at page boundaries. */
int hv_flash_program(const hv_flash_ops *f, uint64_t off, const void *src,
                     size_t len);

/* Where the boot state and the lab counter live. */
typedef struct hv_bs_layout {
    uint64_t state_offset;   /* boot_state region; its first two erase  */
    uint64_t state_size;     /* blocks hold the record log              */
    uint64_t counter_offset; /* lab counter region; size 0 = no counter */
    uint64_t counter_size;
    /* How many lab counters share the counter region, each a thermometer
     * code in its own equal part (hv_bs_lab_counters): 1 (0 counts as 1)
     * on a trust area version 1 device, the security floor only;
     * HV_BS_COUNTERS on a version 2 (roots) device. */
    uint32_t counter_parts;
} hv_bs_layout;

typedef struct hv_bs_state {
    uint32_t active;       /* HV_SLOT_A or HV_SLOT_B: tried first */
    uint8_t slot_state[2]; /* HV_SLOT_STATE_*                     */
    uint8_t tries[2];      /* TRIAL: trial boots left             */
} hv_bs_state;

/* Where hv_bs_read found the state. */
#define HV_BS_SRC_V2 0       /* a valid v2 record                          */
#define HV_BS_SRC_V1 1       /* no v2 record; a valid v1 record (migration) */
#define HV_BS_SRC_ERASED 2   /* both blocks read all 0xFF                  */
#define HV_BS_SRC_CORRUPT 3  /* anything else                              */

typedef struct hv_bs_view {
    hv_bs_state st;
    int source;          /* HV_BS_SRC_*                               */
    uint32_t sequence;   /* of the record found (v1 or v2)            */
    uint32_t block;      /* erase block (0 or 1) of that record       */
    uint32_t index;      /* its index in the block (v2)               */
    uint32_t used[2];    /* per block: 1 + index of its last non-erased
                            record slot (0: the block reads erased)  */
    uint32_t records;    /* records per erase block                   */
} hv_bs_view;

/* RFC 1982 style: 1 if |a| is newer than |b| (a - b in [1, 2^31)). Equal
 * sequences and those exactly 2^31 apart are not ordered (returns 0). */
int hv_bs_serial_newer(uint32_t a, uint32_t b);

/* Encode a v2 record (commit word included). */
void hv_bs_encode(const hv_bs_state *st, uint32_t sequence,
                  uint8_t rec[HV_BOOT_STATE_RECORD_SIZE]);
/* Decode: 0 valid (fills *st, *sequence), 1 erased (all 0xFF), -1 neither. */
int hv_bs_decode(const uint8_t rec[HV_BOOT_STATE_RECORD_SIZE],
                 hv_bs_state *st, uint32_t *sequence);
/* Decode a v1 record (flash.h "Boot-state record"): 0, 1 or -1 as above.
 * Its state is the active slot with both slots UNKNOWN. */
int hv_bs_decode_v1(const uint8_t rec[HV_BOOT_STATE_RECORD_SIZE],
                    hv_bs_state *st, uint32_t *sequence);

/*
 * The layout of a boot_state region (docs/UPDATE.md "Where"): the record
 * log in its first two erase blocks, the lab counter in the rest (none if
 * the region is exactly two blocks). Stage, assemble and tools share it.
 */
void hv_bs_layout_for(uint64_t region_offset, uint64_t region_size,
                      uint64_t erase_block, hv_bs_layout *l);
/* The same for a device whose trust area has version |trust_version|
 * (flash.h HV_TRUST_VERSION*): a roots device (version 2) splits the
 * counter region in HV_BS_COUNTERS parts; any other keeps it whole for the
 * floor. The one place that decides; stage, updater and tools call it. */
void hv_bs_layout_for_trust(uint64_t region_offset, uint64_t region_size,
                            uint64_t erase_block, uint32_t trust_version,
                            hv_bs_layout *l);

/* Check the layout against the flash geometry. */
int hv_bs_layout_ok(const hv_flash_ops *f, const hv_bs_layout *l);

/*
 * Read every record slot once (each decided on one RAM copy) and find the
 * newest valid v2 record, or else a v1 record, or else the default state
 * (active A, both UNKNOWN). Fails only on a read error or a bad layout.
 */
int hv_bs_read(const hv_flash_ops *f, const hv_bs_layout *l, hv_bs_view *v);

/*
 * Make |next| the newest record: sequence + 1, appended after the last
 * used record slot of the newest record's block, or at the start of the
 * other block after erasing it (also when there is no v2 record yet). Each
 * program is read back before the next step; a position that does not read
 * back right is abandoned for the next one. Updates |v| to the new record.
 */
int hv_bs_commit(const hv_flash_ops *f, const hv_bs_layout *l, hv_bs_view *v,
                 const hv_bs_state *next);

/* ---- Monotonic counter ------------------------------------------------- */

/*
 * A counter that only ever rises. The stage's security floor is
 * max(the trust area's rollback counter, this counter). A TPM NV counter
 * or RPMB fits the same two calls.
 */
typedef struct hv_counter {
    void *user;
    int (*read)(void *user, uint64_t *value);
    /* Raise to |value| if it is higher; never lowers. */
    int (*raise_to)(void *user, uint64_t value);
} hv_counter;

/*
 * Lab backend: a flash region read as a thermometer code, bit i (bit i % 8
 * of byte i / 8) cleared for every i < value. Only ever programmed, never
 * erased, so it behaves as one-time-programmable memory as long as nothing
 * erases the region: lab-grade (docs/UPDATE.md "The lab counter").
 * Capacity: size * 8.
 */
typedef struct hv_lab_counter {
    const hv_flash_ops *flash;
    uint64_t offset, size;
} hv_lab_counter;

int hv_lab_counter_read(void *lab, uint64_t *value);
int hv_lab_counter_raise(void *lab, uint64_t value);
/* An hv_counter over |lab|. */
hv_counter hv_lab_counter_ops(hv_lab_counter *lab);

/* The security floor: max(base, counter), base from the trust area. */
int hv_bs_floor(const hv_counter *c, uint64_t base, uint64_t *floor);

/* ---- The counter set --------------------------------------------------- */

/*
 * Four monotonic counters (docs/UPDATE.md "The counters"), indexed by
 * HV_BS_CTR_*, in the lab backend's part order: the security floor, the
 * root version, the keyring version and the key epoch (the keyring's
 * min_epoch). A TPM keeps them in other NV indices (docs/TPM.md); the
 * set is the same.
 */
#define HV_BS_CTR_FLOOR 0u
#define HV_BS_CTR_ROOT 1u
#define HV_BS_CTR_KEYRING 2u
#define HV_BS_CTR_EPOCH 3u
#define HV_BS_COUNTERS 4u

typedef struct hv_bs_counters {
    const hv_counter *c[HV_BS_COUNTERS]; /* NULL: that counter is absent */
} hv_bs_counters;

/*
 * The device's confirmed counters as the verifier applies them (docs/KEYS.md
 * "Counters"): the security floor, and for a device that trusts roots the
 * newest confirmed root version, keyring version and key epoch.
 */
typedef struct hv_bs_floors {
    uint64_t security;
    uint64_t root_version;
    uint64_t keyring_version;
    uint64_t key_epoch;
} hv_bs_floors;

/* Field |i| (HV_BS_CTR_*) of |f|: security, root_version,
 * keyring_version, key_epoch; for loops over the set. */
uint64_t *hv_bs_floor_ref(hv_bs_floors *f, uint32_t i);
uint64_t hv_bs_floor_get(const hv_bs_floors *f, uint32_t i);

/* Each floor: max(base's, counter i's) (an absent counter reads 0). */
int hv_bs_floors_read(const hv_bs_counters *c, const hv_bs_floors *base,
                      hv_bs_floors *out);

/* The lab counters of layout |l| on |f|: part i of the counter region
 * (l->counter_parts parts, equal, whole bytes) in lab[i] and ops[i], set
 * in *set; counters beyond the parts (and all of them when the region is
 * empty) are NULL in *set. */
void hv_bs_lab_counters(const hv_flash_ops *f, const hv_bs_layout *l,
                        hv_lab_counter lab[HV_BS_COUNTERS],
                        hv_counter ops[HV_BS_COUNTERS], hv_bs_counters *set);

/* A short name for counter |i| ("security floor", "root version", ...). */
const char *hv_bs_counter_name(uint32_t i);

/* ---- The stage's decision ---------------------------------------------- */

typedef struct hv_bs_image {
    uint64_t security_version;
    uint64_t min_security_version; /* signed; <= security_version */
    /* From the image's trust block, as the verifier authenticated it
     * (has_trust 0: the image carries none, the three are 0). */
    int has_trust;
    uint64_t root_version;    /* the newest root of its chain */
    uint64_t keyring_version;
    uint64_t key_epoch;       /* the keyring's min_epoch */
} hv_bs_image;

/* The value counter |i| rises to when |img| boots confirmed: its
 * min_security_version, root version, keyring version or key epoch
 * (0 for the last three without a trust block). */
uint64_t hv_bs_image_counter_value(const hv_bs_image *img, uint32_t i);

/* Why |img| may not boot at |floors| (NULL: it may): a security version
 * below the floor (or a min_security_version above it), a root or
 * keyring version below the device's, or no trust block on a device that
 * counts roots. hv_bs_boot and hv_bs_rollback check it after the
 * verifier, which applies the same floors (and the key epoch, which is a
 * signer's, not the image's). */
const char *hv_bs_image_below(const hv_bs_image *img,
                              const hv_bs_floors *floors);

typedef struct hv_bs_verifier {
    void *user;
    /*
     * Verify slot |slot| in full with the four floors (the security floor
     * as the rollback floor; the root version, keyring version and key
     * epoch as hv_policy's min_root_version, min_keyring_version and
     * min_key_epoch). 0 and *img filled on success; else nonzero and *why
     * a static text saying why. In the stage a success leaves that slot's
     * sections in RAM, so hv_bs_boot verifies nothing after the slot it
     * picks.
     */
    int (*verify)(void *user, uint32_t slot, const hv_bs_floors *floors,
                  hv_bs_image *img, const char **why);
} hv_bs_verifier;

typedef struct hv_bs_boot_result {
    int slot;             /* slot to jump into, or -1: nothing bootable   */
    int trial;            /* booting a trial; the core must confirm       */
    int fallback;         /* not the state's first choice                 */
    hv_bs_floors before;  /* the four floors at entry                     */
    hv_bs_floors after;   /* after any raise                              */
    hv_bs_image image;    /* of the chosen slot                           */
    const char *why[2];   /* per slot: why it was not booted (or NULL)    */
    uint32_t writes;      /* records committed by this boot               */
    uint32_t raise_failed;/* bit i: counter i could not be raised (or is
                             absent) where it should have risen         */
    hv_bs_view view;      /* the state after this boot's writes           */
} hv_bs_boot_result;

/*
 * The boot decision the stage makes, and the simulator replays:
 *   - the active slot first, then the other;
 *   - EMPTY or BAD: skipped;
 *   - TRIAL with no tries left: marked BAD (active reverts), skipped;
 *   - verification (with the floor) fails: skipped; a TRIAL slot is
 *     marked BAD, a GOOD one is left as it is;
 *   - TRIAL: tries - 1 committed, then booted on trial (a commit that
 *     fails makes the slot skipped: no trial boot goes unrecorded);
 *   - GOOD (confirmed): each counter is raised to the image's value
 *     (hv_bs_image_counter_value), then booted;
 *   - UNKNOWN (no record): booted, the counters unchanged.
 * A raise that fails is logged (raise_failed) and retried at the next
 * boot of a GOOD slot. |base| holds the trust area's values (rollback
 * counter, R0, 0, 0). Returns 0 with res->slot set (possibly -1), or -1
 * if the state or a counter could not be read.
 */
int hv_bs_boot(const hv_flash_ops *f, const hv_bs_layout *l,
               const hv_bs_counters *c, const hv_bs_floors *base,
               const hv_bs_verifier *ver, hv_bs_boot_result *res);

/* ---- Transitions an updater makes ------------------------------------- */

/* Before writing slot |slot|: refuses the active slot unless it is EMPTY
 * or BAD; records it EMPTY so a torn install is never booted or activated. */
int hv_bs_install_begin(const hv_flash_ops *f, const hv_bs_layout *l,
                        uint32_t slot);
/* Erase the blocks of [off, off + len) rounded out to erase blocks, then
 * program |data| (len bytes) at |off|. */
int hv_flash_write(const hv_flash_ops *f, uint64_t off, const void *data,
                   size_t len);
/*
 * A slot written piece by piece, as a streamed install authenticates them:
 * the first piece records the slot EMPTY (hv_bs_install_begin) before its
 * first erase; each erase block is erased as the pieces reach it, then
 * programmed. Pieces come in increasing, contiguous order from offset 0.
 * The caller fills |f|, |l|, |slot| and |base| (the slot's flash offset)
 * and zeroes the rest.
 */
typedef struct hv_slot_writer {
    const hv_flash_ops *f;
    const hv_bs_layout *l;
    uint32_t slot;
    uint64_t base;
    uint64_t next;   /* the offset the next piece must start at */
    uint64_t erased; /* slot bytes erased so far */
    int begun;
} hv_slot_writer;
int hv_slot_writer_write(hv_slot_writer *w, uint64_t off, const void *data,
                         size_t len);
/* Make |slot| (verified by the caller) active on trial with |tries| boots
 * (1 to 255). */
int hv_bs_activate(const hv_flash_ops *f, const hv_bs_layout *l,
                   uint32_t slot, uint32_t tries);
/* The running core confirms the slot it booted from: TRIAL or UNKNOWN
 * becomes GOOD and active; GOOD writes nothing; EMPTY or BAD is refused. */
int hv_bs_confirm(const hv_flash_ops *f, const hv_bs_layout *l,
                  uint32_t slot);
/* Mark |slot| BAD; if it was active, the other slot becomes active. */
int hv_bs_mark_bad(const hv_flash_ops *f, const hv_bs_layout *l,
                   uint32_t slot);
/* Make the other slot active: it must be GOOD or UNKNOWN and verify at the
 * current floors (through |ver|). A TRIAL slot left behind is marked BAD. */
int hv_bs_rollback(const hv_flash_ops *f, const hv_bs_layout *l,
                   const hv_bs_counters *c, const hv_bs_floors *base,
                   const hv_bs_verifier *ver);

const char *hv_slot_state_name(uint32_t state);

#endif /* HVBOOTSTATE_H */
