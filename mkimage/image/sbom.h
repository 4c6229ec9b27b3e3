/*
 * The SBOM section: a CycloneDX 1.5 JSON document saying what went into an
 * image (docs/SUPPLY-CHAIN.md "The SBOM section"): the image itself, the
 * core, each driver package with its entries, acceptance level and signers,
 * the boot configuration, extra sections and the tool. Everything in it
 * follows from the inputs, so rebuilding the same inputs gives the same
 * bytes: the time is the build epoch, the serial number a digest of the
 * document, file names are base names, never the paths they were found at.
 */
#ifndef HV_SBOM_H
#define HV_SBOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "drivers.h"
#include "file_digest.h"
#include "hvboot.h"
#include "hvlinux.h"
#include "plan.h"

/* What one driver package contributed, beside its manifest entry. */
typedef struct hv_sbom_driver {
    const hv_driver_pkg *pkg;
    /* hv_package_digest(): of the file as given, or of a folder's
     * normalised single-package archive (what its vendor signs) */
    uint8_t package_sha256[HV_SHA256_SIZE];
    const char *acceptance;     /* "certified" ... "community" */
    const char *signer;         /* hex key id, NULL if unsigned */
    const char *countersigner;  /* hex key id, NULL if none */
    const char *license;        /* SPDX expression, NULL if not declared */
} hv_sbom_driver;

typedef struct hv_sbom_input {
    const hv_image_info *info;  /* the metadata being written */
    const hv_section *core;     /* its load address and entry point */
    const char *core_path;
    const char *core_format;    /* "elf" or "raw" */
    uint8_t core_sha256[HV_SHA256_SIZE]; /* of the core file as given */
    const hv_kv *boot_config;
    size_t boot_config_count;
    const hv_sbom_driver *drivers; /* in vendor order */
    size_t driver_count;
    const hv_drivers_listing *listing; /* the drivers archive's entries */
    const hv_extra_section *extras;
    const uint8_t (*extra_sha256)[HV_SHA256_SIZE];
    size_t extra_count;
    /* A Linux core (else NULL): the drivers listing's names start with
     * "PREFIX/" (lib/modules/RELEASE/updates/hvimage); the kernel's setup
     * header; the command line; the base initramfs (NULL: none), a
     * folder's entries (NULL for a file) and the digest of the bytes the
     * section holds (a folder's normalised archive, or the file). */
    const char *listing_prefix;
    const hv_linux_kernel *kernel;
    const char *cmdline;
    const char *initramfs_path;
    const hv_drivers_listing *initramfs_listing;
    uint8_t initramfs_sha256[HV_SHA256_SIZE];
} hv_sbom_input;

/* The document, malloc'd, into |*json| (|*len| bytes, no NUL counted).
 * Returns 0, or -1 with |diag| (internal: out of memory). */
int hv_sbom_generate(const hv_sbom_input *in, char **json, size_t *len,
                     hv_diag *diag);

/* Upper bound of an SBOM section's unpacked size that readers accept: the
 * largest document the builder's limits allow (HV_MAX_DRIVER_ENTRIES
 * entries of at most 255-byte names, with their digests) fits well within
 * it. */
#define HV_MAX_SBOM_SIZE ((uint64_t)16 << 20)

#endif
