/*
 * A PKCS#11 client for exactly one job: sign a digest with a private key
 * that stays in the token. See pkcs11.h for the shape and docs/CLI.md for
 * the user's side.
 */
#include "pkcs11.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>

#include <p11-kit/pkcs11.h>

#include "hvimage/format.h"
#include "ossl.h"

/* ---- Messages --------------------------------------------------------- */

static const char *ckr_name(CK_RV rv)
{
    switch (rv) {
    case CKR_OK: return "CKR_OK";
    case CKR_HOST_MEMORY: return "CKR_HOST_MEMORY";
    case CKR_SLOT_ID_INVALID: return "CKR_SLOT_ID_INVALID";
    case CKR_GENERAL_ERROR: return "CKR_GENERAL_ERROR";
    case CKR_FUNCTION_FAILED: return "CKR_FUNCTION_FAILED";
    case CKR_ARGUMENTS_BAD: return "CKR_ARGUMENTS_BAD";
    case CKR_ATTRIBUTE_SENSITIVE: return "CKR_ATTRIBUTE_SENSITIVE";
    case CKR_ATTRIBUTE_TYPE_INVALID: return "CKR_ATTRIBUTE_TYPE_INVALID";
    case CKR_DEVICE_ERROR: return "CKR_DEVICE_ERROR";
    case CKR_DEVICE_REMOVED: return "CKR_DEVICE_REMOVED";
    case CKR_KEY_HANDLE_INVALID: return "CKR_KEY_HANDLE_INVALID";
    case CKR_KEY_TYPE_INCONSISTENT: return "CKR_KEY_TYPE_INCONSISTENT";
    case CKR_KEY_FUNCTION_NOT_PERMITTED:
        return "CKR_KEY_FUNCTION_NOT_PERMITTED";
    case CKR_MECHANISM_INVALID: return "CKR_MECHANISM_INVALID";
    case CKR_MECHANISM_PARAM_INVALID: return "CKR_MECHANISM_PARAM_INVALID";
    case CKR_OPERATION_ACTIVE: return "CKR_OPERATION_ACTIVE";
    case CKR_PIN_INCORRECT: return "CKR_PIN_INCORRECT";
    case CKR_PIN_INVALID: return "CKR_PIN_INVALID";
    case CKR_PIN_LEN_RANGE: return "CKR_PIN_LEN_RANGE";
    case CKR_PIN_EXPIRED: return "CKR_PIN_EXPIRED";
    case CKR_PIN_LOCKED: return "CKR_PIN_LOCKED";
    case CKR_SESSION_HANDLE_INVALID: return "CKR_SESSION_HANDLE_INVALID";
    case CKR_TOKEN_NOT_PRESENT: return "CKR_TOKEN_NOT_PRESENT";
    case CKR_TOKEN_NOT_RECOGNIZED: return "CKR_TOKEN_NOT_RECOGNIZED";
    case CKR_USER_NOT_LOGGED_IN: return "CKR_USER_NOT_LOGGED_IN";
    case CKR_USER_PIN_NOT_INITIALIZED: return "CKR_USER_PIN_NOT_INITIALIZED";
    case CKR_USER_TYPE_INVALID: return "CKR_USER_TYPE_INVALID";
    case CKR_BUFFER_TOO_SMALL: return "CKR_BUFFER_TOO_SMALL";
    case CKR_CRYPTOKI_NOT_INITIALIZED: return "CKR_CRYPTOKI_NOT_INITIALIZED";
    case CKR_CRYPTOKI_ALREADY_INITIALIZED:
        return "CKR_CRYPTOKI_ALREADY_INITIALIZED";
    default: return "unknown CKR";
    }
}

static int ck_fail(hv_diag *diag, const char *label, const char *call,
                   CK_RV rv)
{
    return hv_diag_set(diag, "%s: %s failed: %s (0x%lx)", label, call,
                       ckr_name(rv), (unsigned long)rv);
}

/* ---- Modules: loaded once per process, initialised once --------------- */

typedef struct p11_module {
    char *path;
    void *dl;
    CK_FUNCTION_LIST_PTR f;
    unsigned refs;
    bool finalize; /* we initialised it, so we finalise it */
} p11_module;

/* Signers are loaded on the main thread before any signing; at most one per
 * signature slot, so a handful of modules at most. */
static p11_module modules[HV_MAX_SIGNATURE_SLOTS + 1];

static p11_module *module_get(const char *path, const char *label,
                              hv_diag *diag)
{
    p11_module *free_slot = NULL;
    for (size_t i = 0; i < sizeof modules / sizeof modules[0]; i++) {
        if (modules[i].refs && strcmp(modules[i].path, path) == 0) {
            modules[i].refs++;
            return &modules[i];
        }
        if (!modules[i].refs && !free_slot)
            free_slot = &modules[i];
    }
    if (!free_slot) {
        hv_diag_set(diag, "%s: too many PKCS#11 modules", label);
        return NULL;
    }
    p11_module *m = free_slot;
    memset(m, 0, sizeof *m);
    /* RTLD_LOCAL: the module's symbols must not resolve ours or OpenSSL's. */
    m->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!m->dl) {
        const char *why = dlerror();
        hv_diag_set(diag, "%s: cannot load PKCS#11 module '%s': %s", label,
                    path, why ? why : "unknown error");
        return NULL;
    }
    CK_C_GetFunctionList get;
    *(void **)&get = dlsym(m->dl, "C_GetFunctionList");
    CK_RV rv = get ? get(&m->f) : CKR_FUNCTION_FAILED;
    if (!get || rv != CKR_OK || !m->f) {
        dlclose(m->dl);
        hv_diag_set(diag, "%s: '%s' is not a PKCS#11 module (no usable "
                    "C_GetFunctionList)", label, path);
        return NULL;
    }
    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof args);
    args.flags = CKF_OS_LOCKING_OK;
    rv = m->f->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        dlclose(m->dl);
        ck_fail(diag, label, "C_Initialize", rv);
        return NULL;
    }
    m->finalize = rv == CKR_OK;
    m->path = strdup(path);
    if (!m->path) {
        if (m->finalize)
            m->f->C_Finalize(NULL);
        dlclose(m->dl);
        hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory", label);
        return NULL;
    }
    m->refs = 1;
    return m;
}

static void module_put(p11_module *m)
{
    if (!m || --m->refs > 0)
        return;
    if (m->finalize)
        m->f->C_Finalize(NULL);
    /* Not dlclose'd: some modules register atexit handlers or threads that
     * would then point into unmapped code. The process ends soon anyway. */
    free(m->path);
    m->path = NULL;
}

/* ---- The key ------------------------------------------------------------ */

struct hv_p11_key {
    p11_module *mod;
    CK_SESSION_HANDLE session;
    bool session_open;
    CK_OBJECT_HANDLE priv;
    CK_KEY_TYPE type;
    char *label;
};

/* A CK_UTF8CHAR[n] field, space padded, equals |want|. */
static bool padded_eq(const CK_UTF8CHAR *field, size_t n, const char *want)
{
    size_t len = strlen(want);
    if (len > n || memcmp(field, want, len) != 0)
        return false;
    for (size_t i = len; i < n; i++)
        if (field[i] != ' ')
            return false;
    return true;
}

static int find_slot(hv_p11_key *k, const hv_p11_uri *u, CK_SLOT_ID *slot,
                     CK_FLAGS *token_flags, hv_diag *diag)
{
    CK_FUNCTION_LIST_PTR f = k->mod->f;
    CK_ULONG n = 0;
    CK_RV rv = f->C_GetSlotList(CK_TRUE, NULL, &n);
    if (rv != CKR_OK)
        return ck_fail(diag, k->label, "C_GetSlotList", rv);
    CK_SLOT_ID *ids = calloc(n ? n : 1, sizeof *ids);
    if (!ids)
        return hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory",
                       k->label);
    rv = f->C_GetSlotList(CK_TRUE, ids, &n);
    if (rv != CKR_OK) {
        free(ids);
        return ck_fail(diag, k->label, "C_GetSlotList", rv);
    }
    size_t matches = 0;
    for (CK_ULONG i = 0; i < n; i++) {
        CK_TOKEN_INFO ti;
        if (f->C_GetTokenInfo(ids[i], &ti) != CKR_OK)
            continue;
        if ((u->has_token && !padded_eq(ti.label, sizeof ti.label, u->token)) ||
            (u->has_serial &&
             !padded_eq(ti.serialNumber, sizeof ti.serialNumber, u->serial)) ||
            (u->has_manufacturer &&
             !padded_eq(ti.manufacturerID, sizeof ti.manufacturerID,
                        u->manufacturer)) ||
            (u->has_model && !padded_eq(ti.model, sizeof ti.model, u->model)))
            continue;
        if (!(ti.flags & CKF_TOKEN_INITIALIZED))
            continue;
        if (matches++ == 0) {
            *slot = ids[i];
            *token_flags = ti.flags;
        }
    }
    free(ids);
    if (matches == 0)
        return hv_diag_set(diag, "%s: no initialised token matches (%lu "
                           "slots with a token)", k->label,
                           (unsigned long)n);
    if (matches > 1)
        return hv_diag_set(diag, "%s: %zu tokens match; name one with "
                           "token= or serial=", k->label, matches);
    return 0;
}

/* The PIN from pin-source, else HVIMAGE_PKCS11_PIN; "" if neither. */
static int read_pin(const hv_p11_uri *u, const char *label, char *pin,
                    size_t cap, hv_diag *diag)
{
    pin[0] = '\0';
    if (u->pin_source[0] == '\0') {
        const char *env = getenv("HVIMAGE_PKCS11_PIN");
        if (env) {
            /* The same ceiling as a PIN file's line. */
            if (strlen(env) >= cap - 1)
                return hv_diag_set(diag, "%s: HVIMAGE_PKCS11_PIN is longer "
                                   "than %zu bytes", label, cap - 2);
            memcpy(pin, env, strlen(env) + 1);
        }
        return 0;
    }
    int fd = open(u->pin_source, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hv_diag_set(diag, "%s: pin-source '%s': %s", label,
                           u->pin_source, strerror(errno));
    size_t n = 0;
    for (;;) {
        ssize_t r = read(fd, pin + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            close(fd);
            return hv_diag_set(diag, "%s: pin-source '%s': %s", label,
                               u->pin_source, strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n == cap - 1) {
            close(fd);
            OPENSSL_cleanse(pin, cap);
            return hv_diag_set(diag, "%s: pin-source '%s' holds more than "
                               "%zu bytes", label, u->pin_source, cap - 2);
        }
    }
    close(fd);
    pin[n] = '\0';
    /* One line: a trailing newline (or CRLF) is not part of the PIN. */
    if (n > 0 && pin[n - 1] == '\n')
        pin[--n] = '\0';
    if (n > 0 && pin[n - 1] == '\r')
        pin[--n] = '\0';
    if (memchr(pin, '\n', n) || strlen(pin) != n) {
        OPENSSL_cleanse(pin, cap);
        return hv_diag_set(diag, "%s: pin-source '%s' must hold one line",
                           label, u->pin_source);
    }
    return 0;
}

/* |need_pin|: a private key is wanted, so a token that asks for a login
 * must get one; for a public key only, log in only if a PIN is at hand. */
static int login(hv_p11_key *k, const hv_p11_uri *u, CK_FLAGS token_flags,
                 bool need_pin, hv_diag *diag)
{
    if (!(token_flags & CKF_LOGIN_REQUIRED))
        return 0;
    if (!need_pin && u->pin_source[0] == '\0' &&
        !getenv("HVIMAGE_PKCS11_PIN"))
        return 0;
    if (token_flags & CKF_PROTECTED_AUTHENTICATION_PATH)
        return hv_diag_set(diag, "%s: the token wants its PIN on its own "
                           "keypad, which hvimage does not drive", k->label);
    char pin[257];
    if (read_pin(u, k->label, pin, sizeof pin, diag) != 0)
        return -1;
    if (pin[0] == '\0')
        return hv_diag_set(diag, "%s: the token needs a PIN: add "
                           "pin-source=file:PATH to the URI or set "
                           "HVIMAGE_PKCS11_PIN", k->label);
    CK_RV rv = k->mod->f->C_Login(k->session, CKU_USER, (CK_UTF8CHAR_PTR)pin,
                                  (CK_ULONG)strlen(pin));
    OPENSSL_cleanse(pin, sizeof pin);
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
        return ck_fail(diag, k->label, "C_Login", rv);
    return 0;
}

/* The one object of |cls| the URI names; *found = 0 if none. */
static int find_object(hv_p11_key *k, const hv_p11_uri *u, CK_OBJECT_CLASS cls,
                       CK_OBJECT_HANDLE *obj, int *found, hv_diag *diag)
{
    CK_FUNCTION_LIST_PTR f = k->mod->f;
    CK_ATTRIBUTE t[3];
    CK_ULONG nt = 0;
    t[nt++] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof cls};
    if (u->has_object)
        t[nt++] = (CK_ATTRIBUTE){CKA_LABEL, (void *)u->object,
                                 strlen(u->object)};
    if (u->has_id)
        t[nt++] = (CK_ATTRIBUTE){CKA_ID, (void *)u->id, u->id_len};
    CK_RV rv = f->C_FindObjectsInit(k->session, t, nt);
    if (rv != CKR_OK)
        return ck_fail(diag, k->label, "C_FindObjectsInit", rv);
    CK_OBJECT_HANDLE h[2];
    CK_ULONG n = 0;
    rv = f->C_FindObjects(k->session, h, 2, &n);
    f->C_FindObjectsFinal(k->session);
    if (rv != CKR_OK)
        return ck_fail(diag, k->label, "C_FindObjects", rv);
    if (n > 1)
        return hv_diag_set(diag, "%s: more than one %s key matches; name it "
                           "with both object= and id=", k->label,
                           cls == CKO_PRIVATE_KEY ? "private" : "public");
    *found = (int)n;
    if (n == 1)
        *obj = h[0];
    return 0;
}

/* Read one attribute of at most |cap| bytes into |buf|. */
static int get_attr(hv_p11_key *k, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type,
                    void *buf, size_t cap, size_t *len, const char *what,
                    hv_diag *diag)
{
    *len = 0; /* on failure too: the analyzer cannot see hv_diag_set's -1 */
    CK_ATTRIBUTE a = {type, NULL, 0};
    CK_RV rv = k->mod->f->C_GetAttributeValue(k->session, obj, &a, 1);
    if (rv != CKR_OK || a.ulValueLen == (CK_ULONG)-1)
        return hv_diag_set(diag, "%s: cannot read the key's %s (%s)",
                           k->label, what, ckr_name(rv));
    if (a.ulValueLen > cap)
        return hv_diag_set(diag, "%s: the key's %s is %lu bytes, more than "
                           "any supported key has", k->label, what,
                           (unsigned long)a.ulValueLen);
    a.pValue = buf;
    rv = k->mod->f->C_GetAttributeValue(k->session, obj, &a, 1);
    if (rv != CKR_OK)
        return hv_diag_set(diag, "%s: cannot read the key's %s (%s)",
                           k->label, what, ckr_name(rv));
    *len = a.ulValueLen;
    return 0;
}

/*
 * The token's public key as an EVP_PKEY, built from its attributes and
 * nothing more: which curves, sizes and exponents the format accepts is
 * decided by make_record() in keys.c, the one place for every key source.
 */
static EVP_PKEY *ec_public(hv_p11_key *k, CK_OBJECT_HANDLE pub_obj,
                           hv_diag *diag)
{
    uint8_t params[128], point[256];
    size_t plen, qlen;
    if (get_attr(k, pub_obj, CKA_EC_PARAMS, params, sizeof params, &plen,
                 "curve (CKA_EC_PARAMS)", diag) != 0 ||
        get_attr(k, pub_obj, CKA_EC_POINT, point, sizeof point, &qlen,
                 "public point (CKA_EC_POINT)", diag) != 0)
        return NULL;
    /* A named curve is an OBJECT IDENTIFIER; explicit parameters are not. */
    const unsigned char *pp = params;
    ASN1_OBJECT *oid = d2i_ASN1_OBJECT(NULL, &pp, (long)plen);
    int nid = oid && pp == params + plen ? OBJ_obj2nid(oid) : NID_undef;
    ASN1_OBJECT_free(oid);
    const char *group = nid != NID_undef ? OBJ_nid2sn(nid) : NULL;
    if (!group) {
        ERR_clear_error();
        hv_diag_set(diag, "%s: unsupported key: EC with explicit or unknown "
                    "curve parameters (expected P-256 or P-384)", k->label);
        return NULL;
    }
    /* PKCS#11 says DER OCTET STRING; some tokens return the bare point. */
    const unsigned char *qp = point;
    ASN1_OCTET_STRING *os = d2i_ASN1_OCTET_STRING(NULL, &qp, (long)qlen);
    const uint8_t *q = point;
    size_t n = qlen;
    if (os && qp == point + qlen) {
        q = ASN1_STRING_get0_data(os);
        n = (size_t)ASN1_STRING_length(os);
    }
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    EVP_PKEY *pkey = NULL;
    if (bld &&
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                        group, 0) &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, q, n))
        pkey = hv_evp_public_fromdata("EC", bld);
    OSSL_PARAM_BLD_free(bld);
    ASN1_OCTET_STRING_free(os);
    ERR_clear_error();
    if (!pkey)
        hv_diag_set(diag, "%s: the token's public point is not a point of "
                    "curve %s", k->label, group);
    return pkey;
}

static EVP_PKEY *rsa_public(hv_p11_key *k, CK_OBJECT_HANDLE obj,
                            hv_diag *diag)
{
    uint8_t mod[1024], exp[64];
    size_t mlen, elen;
    if (get_attr(k, obj, CKA_MODULUS, mod, sizeof mod, &mlen, "modulus",
                 diag) != 0 ||
        get_attr(k, obj, CKA_PUBLIC_EXPONENT, exp, sizeof exp, &elen,
                 "public exponent", diag) != 0)
        return NULL;
    BIGNUM *n = BN_bin2bn(mod, (int)mlen, NULL);
    BIGNUM *e = BN_bin2bn(exp, (int)elen, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    EVP_PKEY *pkey = NULL;
    if (n && e && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
        pkey = hv_evp_public_fromdata("RSA", bld);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    ERR_clear_error();
    if (!pkey)
        hv_diag_set(diag, "%s: the token's RSA modulus or exponent is not "
                    "usable", k->label);
    return pkey;
}

/*
 * Open the key the URI names. |need_private|: signing, so the private key
 * must be there (and the login); otherwise only the public key is read, from
 * the public key object, or for RSA from the private key if that is what
 * the token shows.
 */
static int key_open(const char *uri, const char *label, bool need_private,
                    hv_p11_key **out, EVP_PKEY **pub, hv_diag *diag)
{
    *out = NULL;
    *pub = NULL;
    hv_p11_uri *u = calloc(1, sizeof *u);
    hv_p11_key *k = calloc(1, sizeof *k);
    int rc = -1;
    if (!u || !k || !(k->label = strdup(label))) {
        hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory", label);
        goto out;
    }
    hv_diag why;
    if (hv_p11_uri_parse(uri, u, &why) != 0) {
        hv_diag_set(diag, "%s: %s", label, why.msg);
        goto out;
    }
    if (u->module_path[0] == '\0') {
        const char *env = getenv("HVIMAGE_PKCS11_MODULE");
        if (!env || !*env || strlen(env) >= sizeof u->module_path) {
            hv_diag_set(diag, "%s: no PKCS#11 module: add module-path=... to "
                        "the URI or set HVIMAGE_PKCS11_MODULE", label);
            goto out;
        }
        memcpy(u->module_path, env, strlen(env) + 1);
    }
    k->mod = module_get(u->module_path, label, diag);
    if (!k->mod)
        goto out;

    CK_SLOT_ID slot = 0;
    CK_FLAGS flags = 0;
    if (find_slot(k, u, &slot, &flags, diag) != 0)
        goto out;
    CK_RV rv = k->mod->f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL,
                                        &k->session);
    if (rv != CKR_OK) {
        ck_fail(diag, label, "C_OpenSession", rv);
        goto out;
    }
    k->session_open = true;
    if (login(k, u, flags, need_private, diag) != 0)
        goto out;

    const char *by = u->has_object && u->has_id ? "label and id"
                     : u->has_object           ? "label"
                                               : "id";
    int have_priv = 0, have_pub = 0;
    CK_OBJECT_HANDLE pub_obj = 0;
    size_t tl;
    if (find_object(k, u, CKO_PRIVATE_KEY, &k->priv, &have_priv, diag) != 0 ||
        find_object(k, u, CKO_PUBLIC_KEY, &pub_obj, &have_pub, diag) != 0)
        goto out;
    if (need_private && !have_priv) {
        hv_diag_set(diag, "%s: no private key with that %s on the token",
                    label, by);
        goto out;
    }
    if (!have_priv && !have_pub) {
        hv_diag_set(diag, "%s: no key with that %s on the token", label, by);
        goto out;
    }
    if (get_attr(k, have_priv ? k->priv : pub_obj, CKA_KEY_TYPE, &k->type,
                 sizeof k->type, &tl, "type", diag) != 0)
        goto out;
    if (k->type == CKK_EC) {
        if (!have_pub) {
            hv_diag_set(diag, "%s: no public key object beside the private "
                        "key (an EC private key does not carry its point)",
                        label);
            goto out;
        }
        if (!(*pub = ec_public(k, pub_obj, diag)))
            goto out;
    } else if (k->type == CKK_RSA) {
        if (!(*pub = rsa_public(k, have_pub ? pub_obj : k->priv, diag)))
            goto out;
    } else {
        hv_diag_set(diag, "%s: unsupported key type 0x%lx (expected EC or "
                    "RSA)", label, (unsigned long)k->type);
        goto out;
    }
    *out = k;
    k = NULL;
    rc = 0;
out:
    if (u)
        OPENSSL_cleanse(u, sizeof *u);
    free(u);
    hv_p11_close(k);
    return rc;
}

/* see pkcs11.h */
int hv_p11_open(const char *uri, const char *label, hv_p11_key **out,
                EVP_PKEY **pub, hv_diag *diag)
{
    return key_open(uri, label, true, out, pub, diag);
}

/* see pkcs11.h */
int hv_p11_public(const char *uri, const char *label, EVP_PKEY **pub,
                  hv_diag *diag)
{
    hv_p11_key *k;
    int rc = key_open(uri, label, false, &k, pub, diag);
    hv_p11_close(k);
    return rc;
}

/* DigestInfo prefix of SHA-256 (RFC 8017 section 9.2, note 1). */
static const uint8_t sha256_prefix[19] = {
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

/* see pkcs11.h */
int hv_p11_sign(hv_p11_key *k, uint32_t sig_alg, const uint8_t *digest,
                size_t digest_len, uint8_t *sig, size_t sig_cap,
                size_t *sig_len, hv_diag *diag)
{
    uint8_t msg[sizeof sha256_prefix + 64];
    size_t msg_len;
    CK_MECHANISM mech = {0, NULL, 0};
    bool ec = sig_alg == HV_SIG_ECDSA_P256_SHA256 ||
              sig_alg == HV_SIG_ECDSA_P384_SHA384;
    *sig_len = 0;
    if (ec) {
        if (k->type != CKK_EC || digest_len > 64)
            return hv_diag_set(diag, "%s: key type and algorithm disagree",
                               k->label);
        mech.mechanism = CKM_ECDSA;
        memcpy(msg, digest, digest_len);
        msg_len = digest_len;
    } else {
        if (k->type != CKK_RSA || digest_len != 32)
            return hv_diag_set(diag, "%s: key type and algorithm disagree",
                               k->label);
        mech.mechanism = CKM_RSA_PKCS;
        memcpy(msg, sha256_prefix, sizeof sha256_prefix);
        memcpy(msg + sizeof sha256_prefix, digest, digest_len);
        msg_len = sizeof sha256_prefix + digest_len;
    }
    CK_FUNCTION_LIST_PTR f = k->mod->f;
    CK_RV rv = f->C_SignInit(k->session, &mech, k->priv);
    if (rv != CKR_OK)
        return ck_fail(diag, k->label, "C_SignInit", rv);
    CK_ULONG n = (CK_ULONG)sig_cap;
    rv = f->C_Sign(k->session, msg, (CK_ULONG)msg_len, sig, &n);
    if (rv != CKR_OK)
        return ck_fail(diag, k->label, "C_Sign", rv);
    *sig_len = (size_t)n;
    return 0;
}

/* see pkcs11.h */
void hv_p11_close(hv_p11_key *k)
{
    if (!k)
        return;
    if (k->session_open)
        k->mod->f->C_CloseSession(k->session);
    module_put(k->mod);
    free(k->label);
    free(k);
}
