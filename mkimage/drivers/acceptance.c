/* see acceptance.h */
#include "acceptance.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dsse.h"
#include "host_limits.h"

/* ---- the profile's keys --------------------------------------------------- */

void hv_trust_keys_free(hv_trust_keys *k)
{
    if (!k)
        return;
    free(k->pubs);
    free(k->roles);
    free(k->vendors);
    free(k->srcs);
    memset(k, 0, sizeof *k);
}

static int add_key(hv_trust_keys *k, const hv_profile_key *src,
                   hv_key_role role, const char *vendor, hv_diag *diag)
{
    hv_diag sub;
    size_t i = k->count;

    if (hv_pubkey_load(src->path, &k->pubs[i], &sub) != 0)
        return hv_fail(diag, sub.cls, "%s:%u:%u: error: %s", src->origin.file,
                       src->origin.line, src->origin.column, sub.msg);
    k->roles[i] = role;
    k->vendors[i] = vendor;
    k->srcs[i] = src;
    /* One key, one vendor: the same key id under a second vendor would let
     * either vendor's packages pass for the other's. */
    for (size_t j = 0; role == HV_KEY_VENDOR && j < i; j++) {
        if (k->roles[j] == HV_KEY_VENDOR &&
            strcmp(k->vendors[j], vendor) != 0 &&
            memcmp(k->pubs[j].key_id, k->pubs[i].key_id, HV_KEY_ID_SIZE) ==
                0) {
            char hex[65];
            hv_key_id_hex(k->pubs[i].key_id, hex);
            return hv_diag_set(diag,
                               "%s:%u:%u: error: key %s is listed for vendor "
                               "'%s' and, at line %u, column %u, for vendor "
                               "'%s': a vendor key must name one vendor",
                               src->origin.file, src->origin.line,
                               src->origin.column, hex, vendor,
                               k->srcs[j]->origin.line,
                               k->srcs[j]->origin.column, k->vendors[j]);
        }
    }
    k->count++;
    return 0;
}

int hv_trust_keys_load(const hv_profile *p, hv_trust_keys *out,
                       hv_diag *diag)
{
    size_t n = p->partner_key_count + p->oem_key_count;

    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < p->vendor_key_count; i++)
        n += p->vendor_keys[i].key_count;
    if (n == 0)
        return 0;
    out->pubs = calloc(n, sizeof *out->pubs);
    out->roles = calloc(n, sizeof *out->roles);
    out->vendors = calloc(n, sizeof *out->vendors);
    out->srcs = calloc(n, sizeof *out->srcs);
    if (!out->pubs || !out->roles || !out->vendors || !out->srcs) {
        hv_trust_keys_free(out);
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    for (size_t i = 0; i < p->vendor_key_count; i++)
        for (size_t j = 0; j < p->vendor_keys[i].key_count; j++)
            if (add_key(out, &p->vendor_keys[i].keys[j], HV_KEY_VENDOR,
                        p->vendor_keys[i].vendor, diag) != 0)
                goto fail;
    for (size_t i = 0; i < p->partner_key_count; i++)
        if (add_key(out, &p->partner_keys[i], HV_KEY_PARTNER, NULL, diag) != 0)
            goto fail;
    for (size_t i = 0; i < p->oem_key_count; i++)
        if (add_key(out, &p->oem_keys[i], HV_KEY_OEM, NULL, diag) != 0)
            goto fail;
    return 0;
fail:
    hv_trust_keys_free(out);
    return -1;
}

/* ---- one package ---------------------------------------------------------- */

typedef struct admit {
    const hv_profile *p;
    const hv_trust_keys *keys;
    const hv_driver_pkg *pkg;
    hv_package_trust *out;
    hv_diag *diag;
} admit;

/* A refusal at the package's manifest entry. */
__attribute__((format(printf, 3, 4))) static int refuse(admit *a,
                                                         hv_fail_class cls,
                                                         const char *fmt, ...)
{
    char msg[HV_DIAG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* A package named on the command line (driver check) has no line. */
    if (a->pkg->origin.line == 0)
        return hv_fail(a->diag, cls, "%s", msg);
    return hv_fail(a->diag, cls, "%s:%u:%u: error: %s", a->pkg->origin.file,
                   a->pkg->origin.line, a->pkg->origin.column, msg);
}

/* The signature file: named in the manifest (checked to exist when it was
 * loaded), else PATH.sig if there is one. 1 found, 0 unsigned, -1 error. */
static int find_signature(admit *a)
{
    hv_package_trust *t = a->out;
    const char *given = a->pkg->signature;
    char *path = given ? NULL : hv_package_default_sig_path(a->pkg->path);
    const char *use = given ? given : path;
    struct stat st;
    int rc = 1;

    if (!use)
        return hv_fail(a->diag, HV_FAIL_INTERNAL, "out of memory");
    if (stat(use, &st) != 0) {
        if (!given && (errno == ENOENT || errno == ENOTDIR)) {
            free(path);
            return 0;
        }
        rc = refuse(a, errno == ENOENT ? HV_FAIL_INPUT : HV_FAIL_IO,
                    "signature %s of package %s cannot be read: %s", use,
                    a->pkg->path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = refuse(a, HV_FAIL_INPUT,
                    "signature %s of package %s is not a regular file", use,
                    a->pkg->path);
    } else if (strlen(use) >= sizeof t->signature_path) {
        rc = refuse(a, HV_FAIL_INPUT,
                    "signature path %s is longer than %u bytes", use,
                    (unsigned)sizeof t->signature_path - 1);
    } else {
        memcpy(t->signature_path, use, strlen(use) + 1);
    }
    free(path);
    return rc;
}

/* Indices into keys of the entries with |id|: the first for this vendor,
 * the first partner, the first for another vendor, the first OEM. */
typedef struct key_match {
    long vendor, partner, other_vendor, oem;
} key_match;

static key_match match_key(const admit *a, const uint8_t *id)
{
    key_match m = {-1, -1, -1, -1};
    const hv_trust_keys *k = a->keys;

    for (size_t i = 0; i < k->count; i++) {
        if (memcmp(k->pubs[i].key_id, id, HV_KEY_ID_SIZE) != 0)
            continue;
        long *slot = k->roles[i] == HV_KEY_PARTNER ? &m.partner
                     : k->roles[i] == HV_KEY_OEM   ? &m.oem
                     : strcmp(k->vendors[i], a->pkg->vendor) == 0
                         ? &m.vendor
                         : &m.other_vendor;
        if (*slot < 0)
            *slot = (long)i;
    }
    return m;
}

/* Whether the key with |id| signed: hv_dsse_verify marks a key listed twice
 * (a vendor key that is also an OEM key, or one key in two encodings) at
 * its first place only. */
static bool id_signed(const hv_trust_keys *k, const bool *valid,
                      const uint8_t *id)
{
    for (size_t i = 0; i < k->count; i++)
        if (valid[i] && memcmp(k->pubs[i].key_id, id, HV_KEY_ID_SIZE) == 0)
            return true;
    return false;
}

/* Whether the profile says anything about who may sign this vendor's
 * packages: keys for the vendor, or partner keys. */
static bool has_opinion(const admit *a)
{
    for (size_t i = 0; i < a->keys->count; i++)
        if (a->keys->roles[i] == HV_KEY_PARTNER ||
            (a->keys->roles[i] == HV_KEY_VENDOR &&
             strcmp(a->keys->vendors[i], a->pkg->vendor) == 0))
            return true;
    return false;
}

static const char *role_name(const admit *a, size_t i)
{
    static char buf[HV_SECTION_NAME_SIZE + 32];
    switch (a->keys->roles[i]) {
    case HV_KEY_PARTNER: return "a partner key";
    case HV_KEY_OEM: return "an OEM key";
    case HV_KEY_VENDOR: break;
    }
    snprintf(buf, sizeof buf, "a key of vendor '%s'", a->keys->vendors[i]);
    return buf;
}

/* The statement: right types, about these bytes, this vendor, this
 * version. */
static int check_statement(admit *a, const hv_dsse_envelope *env)
{
    const char *sig = a->out->signature_path;
    hv_package_statement st;
    char want[2 * HV_PACKAGE_DIGEST_SIZE + 1], got[sizeof want], shown[300];
    hv_diag sub;

    if (strcmp(env->payload_type, HV_PACKAGE_PAYLOAD_TYPE) != 0)
        return refuse(a, HV_FAIL_REJECTED,
                      "%s: payloadType is '%s', expected '%s'", sig,
                      hv_printable(env->payload_type, shown, sizeof shown),
                      HV_PACKAGE_PAYLOAD_TYPE);
    if (hv_package_statement_decode(sig, env->payload, env->payload_len, &st,
                                    &sub) != 0)
        return refuse(a, sub.cls == HV_FAIL_INPUT ? HV_FAIL_REJECTED : sub.cls,
                      "%s", sub.msg);
    if (CRYPTO_memcmp(st.sha256, a->out->sha256, HV_PACKAGE_DIGEST_SIZE) !=
        0) {
        for (size_t i = 0; i < HV_PACKAGE_DIGEST_SIZE; i++) {
            snprintf(want + 2 * i, 3, "%02x", a->out->sha256[i]);
            snprintf(got + 2 * i, 3, "%02x", st.sha256[i]);
        }
        return refuse(a, HV_FAIL_REJECTED,
                      "%s: the signature is over other bytes: the statement "
                      "is for sha256 %s, package %s has sha256 %s",
                      sig, got, a->pkg->path, want);
    }
    if (strcmp(st.vendor, a->pkg->vendor) != 0)
        return refuse(a, HV_FAIL_REJECTED,
                      "%s: the statement's vendor is '%s', the manifest's "
                      "'%s'",
                      sig, st.vendor, a->pkg->vendor);
    if (strcmp(st.version, a->pkg->version) != 0)
        return refuse(a, HV_FAIL_REJECTED,
                      "%s: the statement's version is '%s', the manifest's "
                      "'%s'",
                      sig, st.version, a->pkg->version);
    memcpy(a->out->license, st.license, sizeof st.license);
    return 0;
}

/* Who signed: the level from the first signature's key, then an OEM
 * countersignature by another key. */
static int check_signers(admit *a, const hv_dsse_envelope *env)
{
    const hv_trust_keys *k = a->keys;
    const char *sig = a->out->signature_path;
    hv_package_trust *t = a->out;
    bool *valid = NULL;
    size_t n_valid = 0;
    char hex[65];
    hv_diag sub;
    key_match m;
    long signer;
    int rc = -1;

    if (env->nsigs == 0)
        return refuse(a, HV_FAIL_REJECTED, "%s: the envelope holds no "
                                           "signature", sig);
    if (k->count > 0) {
        valid = calloc(k->count, sizeof *valid);
        if (!valid)
            return hv_fail(a->diag, HV_FAIL_INTERNAL, "out of memory");
        if (hv_dsse_verify(env, k->pubs, k->count, valid, &n_valid, &sub) !=
            0) {
            rc = refuse(a, sub.cls, "%s", sub.msg);
            goto out;
        }
    }
    /* Any signature naming a listed key must verify: one that does not is
     * a forgery or a damaged file, never something to skip. */
    for (size_t i = 0; i < env->nsigs; i++) {
        for (size_t j = 0; j < k->count; j++) {
            if (memcmp(k->pubs[j].key_id, env->sigs[i].key_id,
                       HV_KEY_ID_SIZE) != 0 ||
                id_signed(k, valid, k->pubs[j].key_id))
                continue;
            hv_key_id_hex(env->sigs[i].key_id, hex);
            rc = refuse(a, HV_FAIL_REJECTED,
                        "%s: signature %zu, by key %s (%s, %s:%u:%u), does "
                        "not verify",
                        sig, i + 1, hex, role_name(a, j),
                        k->srcs[j]->origin.file, k->srcs[j]->origin.line,
                        k->srcs[j]->origin.column);
            goto out;
        }
    }
    hv_key_id_hex(env->sigs[0].key_id, hex);
    m = match_key(a, env->sigs[0].key_id);
    if (m.vendor >= 0) {
        signer = m.vendor;
        t->level = HV_ACCEPT_ACCEPTED;
    } else if (m.partner >= 0) {
        signer = m.partner;
        t->level = HV_ACCEPT_PARTNER;
    } else if (m.other_vendor >= 0) {
        const hv_profile_key *src = k->srcs[m.other_vendor];
        rc = refuse(a, HV_FAIL_REJECTED,
                    "%s: signed by key %s, which profile %s lists for vendor "
                    "'%s' (line %u, column %u), not for '%s'",
                    sig, hex, a->p->file, k->vendors[m.other_vendor],
                    src->origin.line, src->origin.column, a->pkg->vendor);
        goto out;
    } else if (has_opinion(a)) {
        rc = refuse(a, HV_FAIL_REJECTED,
                    "%s: signed by key %s, which profile %s lists neither "
                    "for vendor '%s' (drivers.vendor_keys) nor as a partner "
                    "key (drivers.partner_keys)",
                    sig, hex, a->p->file, a->pkg->vendor);
        goto out;
    } else {
        /* The profile lists no key that could vouch for this vendor: the
         * statement was checked, the signer cannot be. */
        t->level = HV_ACCEPT_COMMUNITY;
        rc = 0;
        goto out;
    }
    t->has_signer = true;
    memcpy(t->signer_key_id, k->pubs[signer].key_id, HV_KEY_ID_SIZE);
    for (size_t j = 0; j < k->count; j++) {
        if (k->roles[j] != HV_KEY_OEM ||
            !id_signed(k, valid, k->pubs[j].key_id) ||
            memcmp(k->pubs[j].key_id, t->signer_key_id, HV_KEY_ID_SIZE) == 0)
            continue;
        t->has_countersigner = true;
        memcpy(t->countersigner_key_id, k->pubs[j].key_id, HV_KEY_ID_SIZE);
        break;
    }
    if (t->level == HV_ACCEPT_ACCEPTED && t->has_countersigner)
        t->level = HV_ACCEPT_CERTIFIED;
    rc = 0;
out:
    free(valid);
    return rc;
}

/* Why a package has its level, for the refusal: "" when unsigned. */
static const char *level_why(const hv_package_trust *t, char *buf,
                             size_t size)
{
    char hex[65];
    if (!t->signature_path[0])
        return "";
    if (!t->has_signer)
        return ", signed by a key the profile does not list";
    hv_key_id_hex(t->signer_key_id, hex);
    snprintf(buf, size, ", signed by %s%s", hex,
             t->has_countersigner ? " and countersigned" : "");
    return buf;
}

int hv_package_admit_with(const hv_profile *p, const hv_trust_keys *keys,
                          const hv_driver_pkg *pkg, hv_package_trust *out,
                          hv_diag *diag)
{
    admit a = {p, keys, pkg, out, diag};
    hv_dsse_envelope env;
    hv_diag sub;
    int found, rc;

    memset(out, 0, sizeof *out);
    memset(&env, 0, sizeof env);
    snprintf(out->vendor, sizeof out->vendor, "%s", pkg->vendor);
    snprintf(out->version, sizeof out->version, "%s", pkg->version);
    if (hv_package_digest(pkg, out->sha256, &sub) != 0)
        return refuse(&a, sub.cls, "%s", sub.msg);
    found = find_signature(&a);
    if (found < 0)
        return -1;
    out->level = HV_ACCEPT_COMMUNITY;
    if (found) {
        if (hv_dsse_read_file(out->signature_path, HV_MAX_PACKAGE_SIG_SIZE,
                              &env, &sub) != 0)
            return refuse(&a,
                          sub.cls == HV_FAIL_INPUT ? HV_FAIL_REJECTED : sub.cls,
                          "%s", sub.msg);
        rc = check_statement(&a, &env);
        if (rc == 0)
            rc = check_signers(&a, &env);
        hv_dsse_free(&env);
        if (rc != 0)
            return -1;
    }
    if (out->level < p->min_acceptance) {
        char why[160];
        return refuse(&a, HV_FAIL_REJECTED,
                      "%s package %s (%s) is %s%s; profile %s requires %s "
                      "(drivers.min_acceptance)",
                      out->signature_path[0] ? "signed" : "unsigned",
                      pkg->vendor, pkg->path, hv_acceptance_name(out->level),
                      level_why(out, why, sizeof why), p->file,
                      hv_acceptance_name(p->min_acceptance));
    }
    return 0;
}

int hv_package_admit(const hv_profile *p, const hv_driver_pkg *pkg,
                     hv_package_trust *out, hv_diag *diag)
{
    hv_trust_keys keys;
    int rc;

    if (hv_trust_keys_load(p, &keys, diag) != 0)
        return -1;
    rc = hv_package_admit_with(p, &keys, pkg, out, diag);
    hv_trust_keys_free(&keys);
    return rc;
}
