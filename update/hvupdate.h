/*
 * hvupdate: the field updater over a flash target (docs/UPDATE.md
 * "hvimage update"). A library `hvimage update` and an on-device agent
 * link: it reads the device's trust (keys, board, OEM, floor, flash map)
 * from the target's own provisioned boot stage, verifies slots with the
 * boot library exactly as the stage does (hv_verify with the floor, then
 * the stage's RAM windows), and changes the boot state only through
 * hvbootstate.h's transitions.
 *
 * Targets sit behind hv_flash_ops: a flash file (a factory flash or a raw
 * dump: the file IS the device, written in place) or a Linux MTD device
 * (/dev/mtdN, geometry from the kernel). hv_flash_target picks one from a
 * path; an agent opens it, opens the device over its ops, binds the two
 * (the MTD's erase blocks must be the stage's), then updates and syncs.
 * Verification streams a version 2 image in flat memory (about 13 MiB
 * whatever its size).
 *
 * Functions return 0, or -1 with |diag| filled (common/diag.h classes:
 * INPUT for a target that is not a provisioned device or bad usage,
 * REJECTED for an image or transition refused, IO, INTERNAL).
 */
#ifndef HVUPDATE_H
#define HVUPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "hvboot.h"
#include "hvbootstate.h"

/* ---- Flash-file target ------------------------------------------------ */

typedef struct hv_flash_file {
    int fd;
    uint64_t size;
    uint64_t erase_block; /* the caller copies hv_device.erase_block here */
    char path[4096];
} hv_flash_file;

/* Open |path| read-write (read-only with |read_only|). */
int hv_flash_file_open(hv_flash_file *ff, const char *path, bool read_only,
                       hv_diag *diag);
/* The NOR view of the file: program stores old AND new, erase 0xFF. */
hv_flash_ops hv_flash_file_ops(hv_flash_file *ff);
/* fsync the file (after every change, before reporting success). */
int hv_flash_file_sync(hv_flash_file *ff, hv_diag *diag);
void hv_flash_file_close(hv_flash_file *ff);

/* ---- Linux MTD target -------------------------------------------------- */

struct hv_mtd_sys; /* the system calls used (update/flash_mtd_sys.h) */

typedef struct hv_flash_mtd {
    int fd;
    uint64_t size;        /* lseek(SEEK_END): MEMGETINFO's size is 32-bit */
    uint32_t type, flags; /* MEMGETINFO: MTD_NORFLASH..., MTD_WRITEABLE... */
    uint32_t erasesize, writesize;
    bool uniform;         /* no erase region of another erase size: */
    uint32_t region_erasesize, region_offset; /* else the odd one      */
    bool read_only;
    uint64_t erase_block; /* hv_flash_mtd_bind sets it */
    const struct hv_mtd_sys *sys;
    char path[4096];
} hv_flash_mtd;

/* 1 if |path| names an MTD character device (major 90: /dev/mtdN, or the
 * read-only /dev/mtdNro) or its sysfs directory (/sys/class/mtd/mtdN),
 * with the device node's path in |node|; 0 if it is anything else (a
 * flash file); -1 with |diag| for an mtdblock device or a sysfs directory
 * without its node. */
int hv_flash_mtd_probe(const char *path, char *node, size_t node_size,
                       hv_diag *diag);
/* Open the MTD node |path| and read its geometry. Refused (class INPUT):
 * NAND, a type that is not raw flash, and, unless |read_only|, a device
 * that cannot be written as NOR: read-only (MTD_WRITEABLE clear, or the
 * mtdNro node), no single-bit programming (MTD_BIT_WRITEABLE clear), or a
 * write size other than 1. */
int hv_flash_mtd_open(hv_flash_mtd *m, const char *path, bool read_only,
                      hv_diag *diag);
/* Check the device against the stage's |erase_block| (hv_device's) and
 * use it: refused unless the MTD's erase size is exactly that and, for
 * writing, the same over the whole device. */
int hv_flash_mtd_bind(hv_flash_mtd *m, uint64_t erase_block, hv_diag *diag);
/* NOR over the device: read with pread, program stores old AND new with
 * pwrite, erase is MEMERASE of one erase block. */
hv_flash_ops hv_flash_mtd_ops(hv_flash_mtd *m);
void hv_flash_mtd_close(hv_flash_mtd *m);

/* ---- The device, as its own boot stage sees it ------------------------ */

typedef struct hv_update_region {
    uint64_t offset, size;
} hv_update_region;

typedef struct hv_device {
    hv_flash_ops flash;
    uint8_t trust_area[HV_TRUST_AREA_SIZE]; /* keys[].pub points here */
    uint64_t stage_offset;                  /* where the stage was found */
    char board_id[HV_BOARD_ID_SIZE + 1];
    char oem_id[HV_OEM_ID_SIZE + 1];
    uint64_t base_floor; /* the trust area's rollback counter */
    uint32_t min_signatures;
    uint64_t flash_size, erase_block;
    hv_update_region boot_stage, boot_state, slot[2];
    hv_trusted_key keys[HV_TRUST_MAX_KEYS];
    size_t key_count;
    hv_bs_layout layout;
    hv_lab_counter lab;
    hv_counter counter;      /* the floor's; valid if has_counter */
    bool has_counter;
    /* Where the counters live (flash.h HV_COUNTER_*). For a TPM device
     * every counter fails every call until hv_device_use_counter(s) gives
     * the TPM's (update/counter_tpm.h). */
    uint32_t counter_kind, counter_nv;
    bool counter_attached;
    /* The counter set (hvbootstate.h HV_BS_CTR_*): a roots device (trust
     * area version 2) has all four, a version 1 device the floor only
     * (the set's other entries NULL). */
    uint32_t trust_version;
    /* Version 2: the device's own root (R0): its key fingerprints and
     * threshold, which images' trust blocks must chain from. */
    uint64_t root_version;
    uint32_t root_threshold;
    uint8_t root_fps[HV_TRUST_MAX_ROOTS][HV_ROOT_FP_SIZE];
    size_t root_count;
    uint32_t counter_count;  /* 1 or HV_BS_COUNTERS */
    hv_bs_floors base;       /* the trust area's: rollback counter, R0 */
    hv_lab_counter labs[HV_BS_COUNTERS];
    hv_counter ops[HV_BS_COUNTERS];
    hv_bs_counters counters;
} hv_device;

/*
 * Find the provisioned boot stage on |flash| (a stage header at a 4 KiB
 * boundary whose trust area is valid and names that offset as its
 * boot_stage region), load its trust area with the stage's checks, and
 * check |flash_size| against it. |flash| must outlive |dev|.
 */
int hv_device_open(hv_device *dev, const hv_flash_ops *flash,
                   uint64_t flash_size, const char *name, hv_diag *diag);

/* Use |c| as the device's floor counter (the TPM floor index of a device
 * whose trust area says HV_COUNTER_TPM). */
void hv_device_use_counter(hv_device *dev, const hv_counter *c);
/* Use |c| (HV_BS_CTR_* order; the first dev->counter_count used) as the
 * device's counters: the TPM indices of a TPM device. */
void hv_device_use_counters(hv_device *dev,
                            const hv_counter c[HV_BS_COUNTERS]);

/* The security floor: max(trust area counter, the device's counter). A
 * TPM device without its counter given is refused (bad input). */
int hv_device_floor(const hv_device *dev, uint64_t *floor, hv_diag *diag);
/* All four floors (hv_bs_floors_read over the device's counters and the
 * trust area's bases); a version 1 device's last three are 0 (root: 0).
 * Refused like hv_device_floor for a TPM device without its TPM. */
int hv_device_floors(const hv_device *dev, hv_bs_floors *floors,
                     hv_diag *diag);

/* ---- Verifying a slot or an image -------------------------------------- */

typedef struct hv_slot_check {
    bool present;        /* the slot does not read erased at its start  */
    bool verified;       /* hv_verify OK under the device, RAM windows fit */
    hv_result result;
    bool info_valid;     /* name/version below come from signed metadata */
    char name[HV_IMAGE_NAME_SIZE + 1];
    char version[HV_VERSION_SIZE + 1];
    uint64_t security_version, min_security_version, image_size;
    char reason[512];    /* why not verified                           */
    /* The image's trust block as verified against the device's roots
     * (has_trust false: none, or a version 1 device, which does not
     * authenticate it). */
    bool has_trust;
    uint64_t root_version, keyring_version, key_epoch;
} hv_slot_check;

/* Verify slot |slot| on the device with |floor| as the rollback counter
 * and the device's root, keyring and key-epoch counters (read at the
 * check) as hv_policy's min_root_version, min_keyring_version and
 * min_key_epoch, as the stage does. */
int hv_device_check_slot(const hv_device *dev, uint32_t slot, uint64_t floor,
                         hv_slot_check *out, hv_diag *diag);
/* Verify an image held in memory (exactly |len| bytes) the same way. */
int hv_device_check_image(const hv_device *dev, const uint8_t *img,
                          uint64_t len, uint64_t floor, hv_slot_check *out,
                          hv_diag *diag);

/* ---- Transitions -------------------------------------------------------- */

/* Reads one chunk of the image stream: bytes read, 0 at the end, -1 on
 * error (errno set). */
typedef long (*hv_update_reader)(void *user, void *buf, size_t len);

typedef struct hv_install_report {
    uint32_t slot;
    hv_slot_check check;
    bool activated;
} hv_install_report;

/*
 * Install the image read from |rd| into the inactive slot, reading each
 * byte once. |source_size| is the stream's length if known (a file), else
 * HV_UPDATE_SIZE_UNKNOWN (a pipe): a known length must match the header's
 * before anything changes. Refused before the flash changes: a header that
 * is no image or is larger than the slot, and (checked on the signed head)
 * a bad signature, another OEM or board, a version below the floor.
 * A version 2 image then streams in flat memory: the slot is recorded
 * empty (hv_bs_install_begin), and each chunk is authenticated by the boot
 * library, then written; a second thread reads the slot back as it is
 * written and verifies it in full with the boot library (every section
 * decompressed), so the two passes overlap. A refusal or a cut from there
 * on leaves the slot empty. A version 1 image is held in memory and
 * verified whole before the slot is recorded empty and written, then read
 * back and verified. Activated with |tries| if |activate|; the active slot
 * is never touched.
 */
#define HV_UPDATE_SIZE_UNKNOWN UINT64_MAX
int hv_update_install(hv_device *dev, hv_update_reader rd, void *rd_user,
                      const char *source, uint64_t source_size, bool activate,
                      uint32_t tries, hv_install_report *rep, hv_diag *diag);
/* Activate the inactive slot on trial with |tries| (1-255) boots, after
 * verifying it at the current floor; refused if it is BAD. An install
 * without activation leaves the slot EMPTY in the record: this is how it
 * is activated later. Sets *slot. */
int hv_update_activate(hv_device *dev, uint32_t tries, uint32_t *slot,
                       hv_diag *diag);
/* Confirm |*slot| (HV_UPDATE_ACTIVE: the active slot): TRIAL or UNKNOWN
 * becomes GOOD and active. Sets *slot to the slot confirmed. */
#define HV_UPDATE_ACTIVE UINT32_MAX
int hv_update_confirm(hv_device *dev, uint32_t *slot, hv_diag *diag);
/* Mark |*slot| (HV_UPDATE_ACTIVE: the active slot) bad; if it was active,
 * the other becomes active. */
int hv_update_mark_bad(hv_device *dev, uint32_t *slot, hv_diag *diag);
/* Make the other slot active if it is good/unknown and verifies at the
 * floor (hv_bs_rollback). Sets *slot to the new active slot. */
int hv_update_rollback(hv_device *dev, uint32_t *slot, hv_diag *diag);

/* ---- A target picked by its path -------------------------------------- */

typedef enum hv_flash_kind { HV_FLASH_FILE, HV_FLASH_MTD } hv_flash_kind;

typedef struct hv_flash_target {
    hv_flash_kind kind;
    uint64_t size;
    hv_flash_file file; /* kind HV_FLASH_FILE */
    hv_flash_mtd mtd;   /* kind HV_FLASH_MTD  */
} hv_flash_target;

/* An MTD device (hv_flash_mtd_probe) or else a flash file. */
int hv_flash_target_open(hv_flash_target *t, const char *path, bool read_only,
                         hv_diag *diag);
hv_flash_ops hv_flash_target_ops(hv_flash_target *t);
/* After hv_device_open over the target's ops: use the device's erase
 * block (hv_flash_mtd_bind for an MTD). */
int hv_flash_target_bind(hv_flash_target *t, const hv_device *dev,
                         hv_diag *diag);
/* Every change on the medium before success is reported. */
int hv_flash_target_sync(hv_flash_target *t, hv_diag *diag);
void hv_flash_target_close(hv_flash_target *t);

#endif /* HVUPDATE_H */
