/*
 * Admission of a driver package under an OEM profile's acceptance level
 * (docs/SUPPLY-CHAIN.md, docs/PROFILE.md "drivers"): which key signed the
 * package's statement, whether an OEM key countersigned it, whether the
 * statement is about these bytes, this vendor and this version, and whether
 * the resulting level is one the profile admits.
 *
 * Levels (hv_acceptance, plan.h): certified = signed by a key the profile
 * lists for the package's vendor and countersigned by an oem_keys key (a
 * different key); accepted = signed by a key listed for the vendor;
 * partner = signed by a partner_keys key; community = unsigned, or signed
 * by a key the profile has no opinion on (it lists no key for that vendor
 * and no partner key: the statement is still checked).
 *
 * The vendor's signature is the envelope's first; any later signature by an
 * oem_keys key other than the signer's is the countersignature. Keys are
 * told apart by key id (SHA-256 of the canonical DER SPKI), so one key in
 * two encodings is one key, and a signature repeated or a second signature
 * by the signer's key is not a countersignature.
 */
#ifndef HV_ACCEPTANCE_H
#define HV_ACCEPTANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "package_digest.h"
#include "package_sig.h"
#include "plan.h"
#include "signing.h"

/* Longest signature path kept in a report (a longer one is refused). */
#define HV_PACKAGE_SIG_PATH_MAX 1024

/* What admission found out about one package. */
typedef struct hv_package_trust {
    char vendor[HV_SECTION_NAME_SIZE + 1];
    char version[HV_VERSION_SIZE + 1];
    hv_acceptance level;
    uint8_t sha256[HV_PACKAGE_DIGEST_SIZE]; /* hv_package_digest() */
    bool has_signer;               /* a listed vendor or partner key */
    uint8_t signer_key_id[HV_KEY_ID_SIZE];
    bool has_countersigner;        /* an oem_keys key */
    uint8_t countersigner_key_id[HV_KEY_ID_SIZE];
    char license[HV_LICENSE_MAX + 1]; /* "" when none declared/unsigned */
    char signature_path[HV_PACKAGE_SIG_PATH_MAX]; /* "" when unsigned */
} hv_package_trust;

/* A profile's keys, loaded once for all the packages of a build. */
typedef enum hv_key_role {
    HV_KEY_VENDOR = 1,
    HV_KEY_PARTNER,
    HV_KEY_OEM,
} hv_key_role;

typedef struct hv_trust_keys {
    hv_pubkey *pubs;              /* count entries, for hv_dsse_verify */
    hv_key_role *roles;           /* parallel to pubs */
    const char **vendors;         /* HV_KEY_VENDOR: the vendor; else NULL */
    const hv_profile_key **srcs;  /* where the profile lists the key */
    size_t count;
} hv_trust_keys;

/* Load every key |p| lists. Refuses a key (by key id) listed for two
 * vendors, naming both places: a vendor key says which vendor signed. */
int hv_trust_keys_load(const hv_profile *p, hv_trust_keys *out,
                       hv_diag *diag);
void hv_trust_keys_free(hv_trust_keys *k); /* a zeroed struct is fine */

/*
 * Admit |pkg| under |p| with |keys| loaded from it. Returns 0 with |out|
 * filled, or -1 with |diag| starting "MANIFEST:LINE:COL: error: " (the
 * package's entry) and class HV_FAIL_REJECTED when the package is refused
 * (below min_acceptance, statement about other bytes, vendor or version,
 * a signature that does not verify, a key not listed for the vendor,
 * wrong payloadType/_type/predicateType, a malformed or oversized
 * envelope), or the class of the I/O failure.
 */
int hv_package_admit_with(const hv_profile *p, const hv_trust_keys *keys,
                          const hv_driver_pkg *pkg, hv_package_trust *out,
                          hv_diag *diag);

/* The same, loading the profile's keys for this one package. */
int hv_package_admit(const hv_profile *p, const hv_driver_pkg *pkg,
                     hv_package_trust *out, hv_diag *diag);

#endif
