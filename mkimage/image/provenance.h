/*
 * Build provenance: an in-toto Statement v1 with a SLSA provenance v1
 * predicate naming the image (its file name and SHA-256) as subject and
 * every input of the build with its SHA-256, in a DSSE envelope signed with
 * the build keys (docs/SUPPLY-CHAIN.md, "Build provenance").
 *
 * The statement is canonical JSON (keys in a fixed order, no whitespace),
 * and holds no clock time, host or path outside what the command line and
 * the manifest say: the same inputs give the same bytes. The inputs are
 * hashed here, each file read once, from the manifest as loaded again (the
 * builder reads them too).
 */
#ifndef HV_PROVENANCE_H
#define HV_PROVENANCE_H

#include <stddef.h>
#include <stdint.h>

#include "acceptance.h"
#include "diag.h"
#include "signing.h"

#define HV_PROVENANCE_PAYLOAD_TYPE "application/vnd.in-toto+json"
#define HV_PROVENANCE_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define HV_PROVENANCE_PREDICATE_TYPE "https://slsa.dev/provenance/v1"
#define HV_PROVENANCE_BUILD_TYPE "urn:hvimage:build:v1"
#define HV_PROVENANCE_BUILDER_ID "urn:hvimage:builder"

typedef struct hv_provenance_opts {
    const char *manifest_path; /* as given on the command line */
    const char *profile_path;  /* as given */
    const char *image_path;    /* the finished image; subject */
    uint32_t format_version;   /* of the image written */
    uint64_t build_epoch;      /* the image's, startedOn and finishedOn */
    /* The build's admission of each driver package, in manifest order
     * (hv_build_report.trust): the package digest vendors sign (a folder's
     * too) and the signature file used, so the statement names what the
     * build checked rather than hashing the packages a second time. */
    const hv_package_trust *trust;
    size_t trust_count;
    /* The core's and extra files' SHA-256 as the build hashed them for the
     * SBOM (hv_build_report), or NULL (a version 1 build): then they are
     * read and hashed here. */
    const uint8_t *core_sha256;
    const uint8_t (*extra_sha256)[32];
    /* A Linux core's base initramfs (manifest core.initramfs): the digest
     * of the section's bytes, a folder's normalised archive or the file
     * (hv_build_report.initramfs_sha256), or NULL: a file is hashed here,
     * and a folder cannot be (the build always passes it). */
    const uint8_t *initramfs_sha256;
} hv_provenance_opts;

/*
 * Before the build: refuse |path| as the provenance output when it is a
 * file the manifest names (core, driver package, extra section) or lies
 * inside a driver package folder, so writing it cannot replace an input.
 * A manifest that does not load is left to the build to report (0).
 */
int hv_provenance_check_output(const char *path, const char *manifest_path,
                               hv_diag *diag);

/* The statement as canonical JSON: malloc'd, NUL-terminated, |*len|
 * without the NUL. Fails (naming the file) if an input cannot be read. */
int hv_provenance_statement(const hv_provenance_opts *opts, char **out,
                            size_t *len, hv_diag *diag);

/* The statement in a DSSE envelope signed by each of |signers| (at least
 * one), written to |path| atomically: all of it or nothing. */
int hv_provenance_write(const char *path, const hv_provenance_opts *opts,
                        hv_signer *const *signers, size_t n, hv_diag *diag);

#endif
