/*
 * Reading an SBOM section back (docs/SUPPLY-CHAIN.md): `hvimage sbom` checks
 * a verified image's document before printing it, `hvimage inspect` lists
 * the driver packages from an unverified one. The document is hostile
 * either way: its size is bounded (HV_MAX_SBOM_SIZE), it must be strict
 * JSON in valid UTF-8 with nothing after it, and every field read is
 * checked for type and length.
 */
#ifndef HV_SBOM_READ_H
#define HV_SBOM_READ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "host_limits.h"
#include "hvboot.h"

/* Nesting the builder's document needs (8), with room; deeper is refused
 * before json-c recurses into it. */
#define HV_SBOM_MAX_DEPTH 16

typedef struct hv_sbom_package {
    char vendor[HV_SECTION_NAME_SIZE + 1];
    char version[HV_VERSION_SIZE + 1];
    uint64_t entries;
    char acceptance[16];       /* "certified" ... "community" */
    char signer[2 * HV_KEY_ID_SIZE + 1]; /* hex, "" if unsigned */
} hv_sbom_package;

/* A Linux core's command line as the SBOM's "cmdline" component records
 * it: printable ASCII, at most this many bytes (hvlinux.h's
 * HV_LINUX_CMDLINE_MAX). */
#define HV_SBOM_CMDLINE_MAX 2047u

typedef struct hv_sbom_summary {
    hv_sbom_package packages[HV_MAX_DRIVER_PACKAGES];
    size_t package_count;
    char cmdline[HV_SBOM_CMDLINE_MAX + 1]; /* "" if the SBOM has none */
} hv_sbom_summary;

/*
 * Check |doc| (|len| bytes, the section's unpacked bytes) as the document
 * the builder writes: a CycloneDX 1.5 BOM whose metadata component names
 * the image |info| describes (name, version, OEM), with well-formed driver
 * components; fill |out|. Returns 0, or -1 with |diag| saying what is wrong
 * (and at which byte, for JSON syntax), classed as bad input: the caller
 * decides whether that refuses an image.
 */
int hv_sbom_check(const uint8_t *doc, size_t len, const hv_image_info *info,
                  hv_sbom_summary *out, hv_diag *diag);

/*
 * For inspect, which verifies nothing: the unpacked bytes of the SBOM
 * section of the open image |fp| (|file_size| bytes) described by the
 * unverified |info|, read and decompressed with every size checked against
 * the file and HV_MAX_SBOM_SIZE. Returns 1 and a malloc'd |*doc| (|*len|
 * bytes), 0 if the image has no SBOM section, or -1 with |diag|.
 */
int hv_sbom_read_unverified(FILE *fp, uint64_t file_size,
                            const hv_image_info *info, uint8_t **doc,
                            size_t *len, hv_diag *diag);

#endif
