/*
 * What a vendor signs for a driver package (docs/SUPPLY-CHAIN.md): an
 * in-toto Statement v1 whose one subject is the package (its file name and
 * hv_package_digest()) and whose predicate names the vendor, the version and
 * optionally the licence, carried in a DSSE envelope (signing/dsse.h) in a
 * file beside the package.
 *
 * The statement is written canonically (keys sorted, no whitespace, license
 * left out when there is none), and read back only in that form: the payload
 * must be byte for byte the statement its own fields encode to. One
 * statement has one spelling, so no two JSON readers can see different
 * fields in it (duplicate keys, unknown keys, escapes).
 */
#ifndef HV_PACKAGE_SIG_H
#define HV_PACKAGE_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "hvimage/format.h"
#include "package_digest.h"

#define HV_PACKAGE_PAYLOAD_TYPE "application/vnd.in-toto+json"
#define HV_INTOTO_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define HV_PACKAGE_PREDICATE_TYPE "urn:hvimage:driver-package:v1"
#define HV_PACKAGE_SIG_SUFFIX ".sig"

/* Longest licence expression and subject name, in bytes. */
#define HV_LICENSE_MAX 128
#define HV_SUBJECT_NAME_MAX 255

typedef struct hv_package_statement {
    char name[HV_SUBJECT_NAME_MAX + 1];  /* the package's file name */
    uint8_t sha256[HV_PACKAGE_DIGEST_SIZE];
    char vendor[HV_SECTION_NAME_SIZE + 1];
    char version[HV_VERSION_SIZE + 1];
    char license[HV_LICENSE_MAX + 1];    /* "" when none is declared */
} hv_package_statement;

/* A licence as an SPDX expression's characters: 1 to HV_LICENSE_MAX of
 * A-Z a-z 0-9 . - + : ( ) and single inner spaces ("GPL-2.0-only OR MIT"). */
bool hv_license_ok(const char *s);

/* The subject name of the package at |path|: its last path component (a
 * folder's trailing '/' dropped), printable ASCII without '"' or '\\', at
 * most HV_SUBJECT_NAME_MAX bytes. Returns 0, or -1 with |diag| set. */
int hv_package_subject_name(const char *path,
                            char out[HV_SUBJECT_NAME_MAX + 1], hv_diag *diag);

/* PATH.sig for the package at |path| (a folder's trailing '/' dropped):
 * heap copy, NULL if out of memory. */
char *hv_package_default_sig_path(const char *path);

/* The canonical statement, malloc'd and NUL-terminated; |*len| without the
 * NUL. Refuses fields outside their charsets. */
int hv_package_statement_encode(const hv_package_statement *st, char **out,
                                size_t *len, hv_diag *diag);

/* Parse a payload; |source| names it in messages ("PKG.sig"). Refusals say
 * which field is wrong: _type, predicateType, subject, digest, vendor,
 * version, license, or that the payload is not in canonical form. */
int hv_package_statement_decode(const char *source, const uint8_t *payload,
                                size_t len, hv_package_statement *st,
                                hv_diag *diag);

#endif
