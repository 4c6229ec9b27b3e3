/*
 * `hvimage build`: manifest + profile + keys -> one signed image, written
 * atomically. The data flow is in docs/ARCHITECTURE.md: plan, section
 * sources, streaming writer, metadata, signatures, rename.
 */
#ifndef HV_BUILDER_H
#define HV_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acceptance.h"
#include "diag.h"
#include "host_limits.h"
#include "hvboot.h"
#include "section_writer.h"
#include "signing.h"

typedef struct hv_build_opts {
    const char *manifest_path;
    const char *profile_path;
    const char *output_path;
    hv_signer *const *signers; /* not owned */
    size_t signer_count;
    bool allow_unsigned; /* for the detached signing flow */
    int threads;         /* zstd workers, >= 1; never changes the output */
    /* HV_FORMAT_VERSION_1 or _2; 0 is HV_FORMAT_VERSION (2). Version 1 is
     * for devices whose stages predate version 2 (docs/FORMAT.md). */
    uint32_t format_version;
    /* A trust block (bundle file, docs/KEYS.md) to embed; overrides the
     * profile's trust_block. NULL: the profile's, if any. */
    const char *trust_block_path;
    /* Optional: told the bytes to read in all once the sources are open,
     * then the bytes read and written as sections stream. */
    void (*progress_total)(void *ctx, uint64_t bytes_in);
    hv_progress_hook progress;
} hv_build_opts;

typedef struct hv_build_report {
    hv_image_info info;       /* what was written */
    uint32_t driver_entries;  /* entries in the drivers archive */
    uint32_t driver_packages;
    uint32_t signatures;
    bool overlapped; /* later sections compressed beside the core */
    /* Each driver package's acceptance level, digest and signers, in the
     * manifest's (vendor) order: trust_count == driver_packages. */
    hv_package_trust trust[HV_MAX_DRIVER_PACKAGES];
    size_t trust_count;
    /* Format version 2: the SHA-256 of the core and extra files as the
     * SBOM records them (hashed once, beside zstd), so the provenance need
     * not read them again. False for version 1 (no SBOM). */
    bool input_digests;
    uint8_t core_sha256[32];
    uint8_t extra_sha256[HV_MAX_EXTRA_SECTIONS][32];
    /* A Linux core's base initramfs: the SHA-256 of the section's bytes
     * (a folder's normalised archive, or the file), as the SBOM has it. */
    bool has_initramfs;
    uint8_t initramfs_sha256[32];
    /* The embedded trust block (info.header.trust_size > 0): its root
     * chain and keyring versions. */
    uint32_t trust_roots;
    uint64_t trust_first_root, trust_newest_root, trust_keyring_version;
} hv_build_report;

/* Returns 0, or -1 with |diag| naming the file and place and classing the
 * failure (bad input, I/O, internal). On failure nothing is written. */
int hv_build(const hv_build_opts *opts, hv_build_report *report,
             hv_diag *diag);

/* Whether |profile| accepts |key|: its algorithm is listed, and so is its
 * key id if the profile lists any. Returns 0, or -1 with |diag| naming the
 * key and the profile key that refused it. */
struct hv_profile;
int hv_profile_accepts_key(const struct hv_profile *profile,
                           const hv_pubkey *key, hv_diag *diag);

/* The build epoch: SOURCE_DATE_EPOCH if set (strict decimal), else the
 * manifest's build_epoch, else 0. -1 with |diag| if the variable is bad. */
int hv_build_epoch(bool has_manifest_epoch, uint64_t manifest_epoch,
                   uint64_t *epoch, hv_diag *diag);

#endif
