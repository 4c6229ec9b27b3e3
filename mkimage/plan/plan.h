/*
 * The build plan: what the manifest and the OEM profile say, validated and
 * with paths resolved. Plain structs, no libyaml types: only manifest.c and
 * profile.c (and yaml_doc.c under them) know YAML.
 *
 * Ownership: hv_manifest_load()/hv_profile_load() fill a caller-provided
 * struct whose strings and arrays are heap-allocated; release them with
 * hv_manifest_free()/hv_profile_free(), which accept a zeroed struct and may
 * be called after a failed load.
 */
#ifndef HV_PLAN_H
#define HV_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "hvimage/format.h"

/* Where in a YAML file a value came from, for messages after loading. */
typedef struct hv_origin {
    const char *file; /* points at the owning manifest/profile's |file| */
    unsigned line;    /* 1-based */
    unsigned column;  /* 1-based */
} hv_origin;

typedef enum hv_core_format {
    HV_CORE_AUTO = 0, /* ELF if it starts with the ELF magic, else raw */
    HV_CORE_ELF,
    HV_CORE_RAW,
} hv_core_format;

/* The manifest's core.kind: the image's core_kind (format.h). */
typedef enum hv_core_kind_plan {
    HV_PLAN_CORE_MONITOR = 0, /* HV_CORE_KIND_MONITOR */
    HV_PLAN_CORE_LINUX = 1,   /* HV_CORE_KIND_LINUX   */
} hv_core_kind_plan;

typedef struct hv_driver_pkg {
    char vendor[HV_SECTION_NAME_SIZE + 1];  /* text charset, see format.h */
    char version[HV_VERSION_SIZE + 1];
    char *path;       /* resolved against the manifest's folder */
    hv_origin origin; /* of the package's entry in the manifest */
    /* The package's signature envelope named by 'signature:' (resolved,
     * checked to exist), or NULL: then PATH.sig is used if it exists
     * (mkimage/drivers/acceptance.h), else the package is unsigned. */
    char *signature;
    hv_origin signature_origin;
} hv_driver_pkg;

typedef struct hv_kv {
    char *key;   /* [a-z0-9_.-]+, unique */
    char *value; /* UTF-8, no control characters */
} hv_kv;

typedef struct hv_extra_section {
    char name[HV_SECTION_NAME_SIZE + 1];
    char *path;
    bool compress;
    hv_origin origin;
} hv_extra_section;

/* The manifest's `release:` block: what `hvimage package --cab` writes into
 * the cabinet's metainfo besides the image's own signed facts
 * (docs/MANIFEST.md "release"). Every text is checked when the manifest is
 * loaded: lengths within HV_RELEASE_*_MAX, UTF-8 without control characters
 * (the notes may hold newlines), so the metainfo writer only escapes. */
#define HV_RELEASE_ID_MAX 128u
#define HV_RELEASE_NAME_MAX 64u
#define HV_RELEASE_SUMMARY_MAX 120u
#define HV_RELEASE_DEVELOPER_MAX 64u
#define HV_RELEASE_LICENSE_MAX 64u
#define HV_RELEASE_NOTES_MAX 2048u
#define HV_RELEASE_GUIDS_MAX 32u
#define HV_GUID_TEXT_SIZE 36u /* 8-4-4-4-12 lower-case hex */

typedef struct hv_release {
    bool present;         /* the manifest has a release block */
    hv_origin origin;     /* of the block */
    char *id;             /* reverse-DNS component id */
    char *name;           /* NULL: the image's name */
    char *summary;
    char *developer_name;
    char *project_license; /* SPDX expression */
    char *notes;           /* paragraphs separated by blank lines */
    char *urgency;         /* NULL, or low, medium, high, critical */
    char (*guids)[HV_GUID_TEXT_SIZE + 1]; /* none: derived per board */
    size_t guid_count;
} hv_release;

typedef struct hv_manifest {
    char *file; /* the manifest's path as given */
    char name[HV_IMAGE_NAME_SIZE + 1];
    char version[HV_VERSION_SIZE + 1];
    uint64_t security_version;
    uint64_t min_security_version; /* default security_version */
    bool has_build_epoch;
    uint64_t build_epoch;

    char *core_path;
    hv_origin core_origin;
    hv_core_kind_plan core_kind;
    /* kind linux: the command line (1..HV_LINUX_CMDLINE_MAX bytes of
     * printable ASCII, no NUL) and where it is; the base initramfs (a
     * folder or a file) or NULL. */
    char *cmdline;
    size_t cmdline_len;
    hv_origin cmdline_origin;
    char *initramfs_path;
    hv_origin initramfs_origin;
    hv_core_format core_format;
    bool has_load_address;
    uint64_t load_address;
    bool has_entry_point;
    uint64_t entry_point;

    hv_driver_pkg *drivers; /* sorted by vendor; vendors unique */
    size_t driver_count;

    hv_kv *boot_config; /* sorted by key */
    size_t boot_config_count;

    hv_extra_section *extras; /* sorted by name; names unique */
    size_t extra_count;

    hv_release release; /* read by `hvimage package` only */
} hv_manifest;

/*
 * How far a driver package is vouched for, lowest first, so levels compare
 * as numbers (docs/SUPPLY-CHAIN.md): unsigned; signed by a partner key;
 * signed by a key the profile lists for the package's vendor; that and
 * countersigned by an OEM key.
 */
typedef enum hv_acceptance {
    HV_ACCEPT_COMMUNITY = 0,
    HV_ACCEPT_PARTNER,
    HV_ACCEPT_ACCEPTED,
    HV_ACCEPT_CERTIFIED,
} hv_acceptance;

/* A public key file the profile lists (PEM, or a PKCS#11 URI), resolved
 * against the profile's folder; loaded and checked at admission. */
typedef struct hv_profile_key {
    char *path;
    hv_origin origin; /* of the path in the profile */
} hv_profile_key;

/* The keys a vendor signs its packages with (drivers.vendor_keys). */
typedef struct hv_vendor_keys {
    char vendor[HV_SECTION_NAME_SIZE + 1];
    hv_profile_key *keys; /* at least one */
    size_t key_count;
    hv_origin origin; /* of the vendor's name */
} hv_vendor_keys;

typedef struct hv_flash_region {
    uint64_t offset;
    uint64_t size;
} hv_flash_region;

typedef struct hv_profile {
    char *file;
    char oem_id[HV_OEM_ID_SIZE + 1];
    char (*boards)[HV_BOARD_ID_SIZE + 1]; /* sorted, unique, 1..HV_MAX_BOARDS */
    size_t board_count;

    uint64_t flash_size;
    uint64_t erase_block;       /* power of two */
    hv_flash_region boot_stage; /* each erase-block aligned, inside the */
    hv_flash_region boot_state; /* flash, not overlapping               */
    hv_flash_region slot_a;
    hv_flash_region slot_b;

    uint32_t section_align;     /* power of two, HV_MIN..MAX_SECTION_ALIGN */
    int compression_level;      /* 1..19 */
    uint32_t digest_alg;        /* HV_DIGEST_* */
    uint32_t signature_slots;   /* 1..HV_MAX_SIGNATURE_SLOTS */

    uint32_t *accept_algs;      /* HV_SIG_*; at least one */
    size_t accept_alg_count;
    uint8_t (*accept_key_ids)[HV_KEY_ID_SIZE]; /* empty: any key of an */
    size_t accept_key_id_count;                /* accepted algorithm   */

    char (*allow_vendors)[HV_SECTION_NAME_SIZE + 1]; /* empty: none allowed */
    size_t allow_vendor_count;

    /* Vendor signatures (docs/PROFILE.md, drivers). Each vendor of
     * |vendor_keys| is one of |allow_vendors|; sorted by vendor. */
    hv_acceptance min_acceptance; /* default HV_ACCEPT_COMMUNITY */
    hv_origin min_acceptance_origin; /* line 0 when not given */
    hv_vendor_keys *vendor_keys;
    size_t vendor_key_count;
    hv_profile_key *partner_keys;
    size_t partner_key_count;
    hv_profile_key *oem_keys; /* countersignatures: certified */
    size_t oem_key_count;

    /* The monotonic security counter (docs/TPM.md; profile_counter.c):
     * HV_COUNTER_LAB (default) or HV_COUNTER_TPM with its NV index. */
    uint32_t counter_kind;
    uint32_t counter_nv;

    /* Issue 11 (profile_roots.c, docs/PROFILE.md). |trust_block|: the
     * bundle (root documents then a keyring) that `build` embeds, resolved
     * against the profile's folder; NULL when not given. |roots|: the root
     * keys that `assemble` provisions (trust area version 2); root_key_count
     * 0 when not given. */
    char *trust_block;
    hv_origin trust_block_origin;
    hv_profile_key *root_keys;
    size_t root_key_count;      /* 1..HV_ROOT_MAX_KEYS when given */
    uint64_t root_version;      /* >= 1 */
    uint32_t root_threshold;    /* 1..root_key_count */
    uint32_t image_threshold;   /* roots.image_threshold; 0: not given */
    hv_origin roots_origin;     /* of the roots: map */
} hv_profile;

/*
 * Load and validate. On error return -1 with |diag| naming file, line,
 * column and what was expected; |out| is then safe to free.
 */
int hv_manifest_load(const char *path, hv_manifest *out, hv_diag *diag);
void hv_manifest_free(hv_manifest *m);
int hv_profile_load(const char *path, hv_profile *out, hv_diag *diag);
/* The profile's optional `counter:` key (profile_counter.c). */
struct hv_ydoc;
struct hv_ynode;
int hv_profile_load_counter(const struct hv_ydoc *doc,
                            const struct hv_ynode *root, hv_profile *p,
                            hv_diag *diag);
/* The profile's optional `trust_block:` and `roots:` keys
 * (profile_roots.c). */
int hv_profile_load_roots(const struct hv_ydoc *doc,
                          const struct hv_ynode *root, hv_profile *p,
                          hv_diag *diag);
void hv_profile_free(hv_profile *p);
/* A key file named at |v| (|name| in messages), resolved against the
 * profile's folder and required to be a regular file now (a PKCS#11 URI
 * is kept as it is); |out->path| is the caller's to free. */
int hv_profile_key_path(const struct hv_ydoc *doc, const struct hv_ynode *v,
                        const hv_profile *p, const char *name,
                        hv_profile_key *out, hv_diag *diag);

/* |rel| against the folder holding the file |base| (a manifest or a
 * profile), so a file means the same from any working directory; absolute
 * paths are kept. A heap copy, or NULL if out of memory. */
char *hv_plan_resolve_path(const char *base, const char *rel);

/* Acceptance levels as written in profiles and printed ("certified", ...);
 * the name of an unknown value is NULL; from_name returns -1 if unknown. */
const char *hv_acceptance_name(hv_acceptance level);
int hv_acceptance_from_name(const char *name, hv_acceptance *out);

/* Algorithm names as written in profiles and on the command line. */
const char *hv_sig_alg_name(uint32_t sig_alg);   /* NULL if unknown */
uint32_t hv_sig_alg_from_name(const char *name); /* 0 if unknown */
const char *hv_digest_alg_name(uint32_t digest_alg);
uint32_t hv_digest_alg_from_name(const char *name);

#endif
