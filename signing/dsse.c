#include "dsse.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include "atomic_file.h"
#include "ossl.h"

/* Envelopes nest three deep (object, signatures array, signature object);
 * anything deeper is not an envelope. */
#define JSON_DEPTH_MAX 8
/* Our objects have at most three keys; the duplicate check keeps this many
 * per object and refuses more. */
#define KEYS_PER_OBJECT_MAX 16

/* ---- Base64 (RFC 4648 section 4, standard alphabet, with padding) ------ */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_encoded_len(size_t n) { return (n + 2) / 3 * 4; }

/* Writes b64_encoded_len(n) characters to |out| (no NUL). */
static void b64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = b64_alphabet[(v >> 18) & 63];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? b64_alphabet[v & 63] : '=';
    }
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/*
 * Strict decoding: length a multiple of 4, padding only at the end, unused
 * bits of the last group zero (so each byte string has exactly one
 * spelling). Returns a malloc'd buffer (at least one byte) or -1 with a
 * message naming |what| in |source|.
 */
static int b64_decode(const char *in, size_t n, const char *source,
                      const char *what, uint8_t **out, size_t *out_len,
                      hv_diag *diag)
{
    *out = NULL;
    *out_len = 0;
    if (n % 4 != 0)
        return hv_diag_set(diag,
                           "%s: %s: base64 length %zu is not a multiple of 4 "
                           "(standard base64 with '=' padding expected)",
                           source, what, n);
    size_t pad = 0;
    if (n >= 1 && in[n - 1] == '=')
        pad++;
    if (n >= 2 && in[n - 2] == '=')
        pad++;
    uint8_t *buf = malloc(n / 4 * 3 + 1);
    if (!buf)
        return hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory", source);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t v = 0;
        for (size_t k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)in[i + k];
            int d = b64_value(c);
            if (d < 0 && c == '=' && i + k >= n - pad)
                d = 0;
            else if (d < 0) {
                free(buf);
                if (c == '-' || c == '_')
                    return hv_diag_set(
                        diag,
                        "%s: %s: URL-safe base64 ('%c' at character %zu) is "
                        "not accepted: hvimage reads and writes the standard "
                        "alphabet with padding",
                        source, what, c, i + k);
                return hv_diag_set(diag,
                                   "%s: %s: character %zu is not standard "
                                   "base64 (byte 0x%02x)",
                                   source, what, i + k, c);
            }
            v = v << 6 | (uint32_t)d;
        }
        buf[o++] = (uint8_t)(v >> 16);
        buf[o++] = (uint8_t)(v >> 8);
        buf[o++] = (uint8_t)v;
    }
    /* The bits padding leaves unused must be zero: "QQ==" is "A", "QR=="
     * would be too, and only the first is accepted. */
    if (pad > 0) {
        unsigned last = (unsigned)b64_value((unsigned char)in[n - pad - 1]);
        unsigned mask = pad == 2 ? 0x0f : 0x03;
        if (last & mask) {
            free(buf);
            return hv_diag_set(diag,
                               "%s: %s: base64 has non-zero bits before its "
                               "padding (not the canonical encoding)",
                               source, what);
        }
    }
    *out = buf;
    *out_len = o - pad;
    return 0;
}

/* ---- PAE and envelope basics ------------------------------------------- */

/* see dsse.h */
int hv_dsse_pae(const char *type, const uint8_t *body, size_t body_len,
                uint8_t **out, size_t *out_len, hv_diag *diag)
{
    char head[64 + HV_DSSE_TYPE_MAX];
    size_t type_len = strlen(type);
    *out = NULL;
    *out_len = 0;
    if (type_len > HV_DSSE_TYPE_MAX)
        return hv_diag_set(diag, "DSSE payload type longer than %d bytes",
                           HV_DSSE_TYPE_MAX);
    int n = snprintf(head, sizeof head, "DSSEv1 %zu %s %zu ", type_len, type,
                     body_len);
    if (n < 0 || (size_t)n >= sizeof head || body_len > SIZE_MAX - (size_t)n)
        return hv_fail(diag, HV_FAIL_INTERNAL, "DSSE PAE too large");
    uint8_t *buf = malloc((size_t)n + body_len);
    if (!buf)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    memcpy(buf, head, (size_t)n);
    if (body_len)
        memcpy(buf + n, body, body_len);
    *out = buf;
    *out_len = (size_t)n + body_len;
    return 0;
}

/* 0 if |type| (|len| bytes) is a payload type we accept, else -1. */
static int check_type(const char *type, size_t len, const char *source,
                      hv_diag *diag)
{
    if (len == 0)
        return hv_diag_set(diag, "%s: empty payloadType", source);
    if (len > HV_DSSE_TYPE_MAX)
        return hv_diag_set(diag,
                           "%s: payloadType is %zu bytes, more than %d",
                           source, len, HV_DSSE_TYPE_MAX);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)type[i];
        if (c < 0x21 || c > 0x7e || c == '"' || c == '\\')
            return hv_diag_set(diag,
                               "%s: payloadType byte %zu (0x%02x) is not "
                               "printable ASCII without spaces, '\"' or '\\'",
                               source, i, c);
    }
    return 0;
}

/* see dsse.h */
int hv_dsse_init(hv_dsse_envelope *env, const char *payload_type,
                 const uint8_t *payload, size_t payload_len, hv_diag *diag)
{
    memset(env, 0, sizeof *env);
    if (check_type(payload_type, strlen(payload_type), "DSSE envelope",
                   diag) != 0)
        return -1;
    env->payload = malloc(payload_len ? payload_len : 1);
    if (!env->payload)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    if (payload_len)
        memcpy(env->payload, payload, payload_len);
    env->payload_len = payload_len;
    memcpy(env->payload_type, payload_type, strlen(payload_type) + 1);
    return 0;
}

/* see dsse.h */
void hv_dsse_free(hv_dsse_envelope *env)
{
    if (!env)
        return;
    free(env->payload);
    memset(env, 0, sizeof *env);
}

static int envelope_pae(const hv_dsse_envelope *env, uint8_t **pae,
                        size_t *pae_len, hv_diag *diag)
{
    return hv_dsse_pae(env->payload_type, env->payload, env->payload_len, pae,
                       pae_len, diag);
}

/* ---- Signature encodings ----------------------------------------------- */

/* Raw r || s to DER ECDSA-Sig-Value in |out| (|cap| bytes). */
static int raw_to_der(const uint8_t *raw, size_t scalar_len, uint8_t *out,
                      size_t cap, size_t *out_len)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, (int)scalar_len, NULL);
    BIGNUM *s = BN_bin2bn(raw + scalar_len, (int)scalar_len, NULL);
    int rc = -1;
    if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        goto out;
    }
    /* es owns r and s now. */
    int n = i2d_ECDSA_SIG(es, NULL);
    if (n <= 0 || (size_t)n > cap)
        goto out;
    unsigned char *p = out;
    if (i2d_ECDSA_SIG(es, &p) != n)
        goto out;
    *out_len = (size_t)n;
    rc = 0;
out:
    ECDSA_SIG_free(es);
    ERR_clear_error();
    return rc;
}

/* Format encoding (hv_signer_sign's) to envelope encoding. */
static int to_envelope_encoding(const hv_alg_info *alg, const uint8_t *sig,
                                size_t sig_len, hv_dsse_sig *out)
{
    if (alg->is_ec)
        return raw_to_der(sig, alg->scalar_len, out->sig, sizeof out->sig,
                          &out->sig_len);
    if (sig_len > sizeof out->sig)
        return -1;
    memcpy(out->sig, sig, sig_len);
    out->sig_len = sig_len;
    return 0;
}

/* 1 if |sig| (envelope encoding) verifies over |pae| with |pkey|. */
static int verify_stored(EVP_PKEY *pkey, const hv_alg_info *alg,
                         const uint8_t *pae, size_t pae_len,
                         const hv_dsse_sig *sig)
{
    uint8_t raw[HV_SIG_MAX_SIZE];
    if (alg->is_ec) {
        if (hv_ecdsa_der_to_raw(sig->sig, sig->sig_len, alg->scalar_len,
                                raw) != HV_DER_OK)
            return 0;
        return hv_verify_formatted(pkey, alg, pae, pae_len, raw,
                                   alg->sig_len);
    }
    if (sig->sig_len != alg->sig_len)
        return 0;
    return hv_verify_formatted(pkey, alg, pae, pae_len, sig->sig,
                               sig->sig_len);
}

/* Refuse a ninth signature or a second one by the same key. */
static int check_room(const hv_dsse_envelope *env, const hv_pubkey *pub,
                      const char *source, hv_diag *diag)
{
    char idhex[65];
    hv_key_id_hex(pub->key_id, idhex);
    for (size_t i = 0; i < env->nsigs; i++)
        if (memcmp(env->sigs[i].key_id, pub->key_id, HV_KEY_ID_SIZE) == 0)
            return hv_diag_set(diag,
                               "%s: key %s has already signed this envelope",
                               source, idhex);
    if (env->nsigs >= HV_DSSE_MAX_SIGS)
        return hv_diag_set(diag,
                           "%s: the envelope already holds %d signatures, "
                           "the most it may",
                           source, HV_DSSE_MAX_SIGS);
    return 0;
}

/* see dsse.h */
int hv_dsse_sign(hv_dsse_envelope *env, hv_signer *signer, hv_diag *diag)
{
    const hv_pubkey *pub = hv_signer_pubkey(signer);
    const hv_alg_info *alg = hv_alg_info_get(pub->sig_alg);
    uint8_t raw[HV_SIG_MAX_SIZE];
    size_t raw_len = 0;
    uint8_t *pae = NULL;
    size_t pae_len = 0;
    hv_dsse_sig out;

    if (!alg)
        return hv_fail(diag, HV_FAIL_INTERNAL, "unknown key algorithm %u",
                       (unsigned)pub->sig_alg);
    if (check_room(env, pub, "DSSE envelope", diag) != 0 ||
        envelope_pae(env, &pae, &pae_len, diag) != 0)
        return -1;
    int rc = hv_signer_sign(signer, pae, pae_len, raw, &raw_len, diag);
    free(pae);
    if (rc != 0)
        return -1;
    memset(&out, 0, sizeof out);
    memcpy(out.key_id, pub->key_id, HV_KEY_ID_SIZE);
    if (to_envelope_encoding(alg, raw, raw_len, &out) != 0)
        return hv_fail(diag, HV_FAIL_INTERNAL,
                       "could not encode the %s signature", alg->name);
    env->sigs[env->nsigs++] = out;
    return 0;
}

/* see dsse.h */
int hv_dsse_add_external(hv_dsse_envelope *env, const hv_pubkey *pub,
                         const uint8_t *sig, size_t len, const char *source,
                         hv_diag *diag)
{
    const hv_alg_info *alg = hv_alg_info_get(pub->sig_alg);
    char idhex[65];
    uint8_t cand[2][HV_SIG_MAX_SIZE];
    size_t ncand = 0;
    uint8_t *pae = NULL;
    size_t pae_len = 0;

    if (!source)
        source = "signature";
    hv_key_id_hex(pub->key_id, idhex);
    if (!alg)
        return hv_diag_set(diag, "%s: key %s has unknown algorithm %u",
                           source, idhex, (unsigned)pub->sig_alg);
    if (check_room(env, pub, source, diag) != 0)
        return -1;
    /* ECDSA: strict DER or raw r || s; both can apply to one input, so
     * each candidate is tried against the key. */
    if (alg->is_ec) {
        hv_der_result der =
            hv_ecdsa_der_to_raw(sig, len, alg->scalar_len, cand[ncand]);
        if (der == HV_DER_OK)
            ncand++;
        if (len == alg->sig_len)
            memcpy(cand[ncand++], sig, len);
        if (ncand == 0)
            return hv_diag_set(diag,
                               "%s: not an %s signature: expected strict DER "
                               "or raw r||s of exactly %zu bytes, got %zu "
                               "bytes",
                               source, alg->name, alg->sig_len, len);
    } else {
        if (len != alg->sig_len)
            return hv_diag_set(diag,
                               "%s: %s signature must be exactly %zu bytes, "
                               "got %zu",
                               source, alg->name, alg->sig_len, len);
        memcpy(cand[ncand++], sig, len);
    }
    if (envelope_pae(env, &pae, &pae_len, diag) != 0)
        return -1;
    EVP_PKEY *pkey = hv_pubkey_to_evp(pub);
    int found = -1;
    for (size_t i = 0; pkey && i < ncand && found < 0; i++)
        if (hv_verify_formatted(pkey, alg, pae, pae_len, cand[i],
                                alg->sig_len))
            found = (int)i;
    EVP_PKEY_free(pkey);
    free(pae);
    if (found < 0)
        return hv_diag_set(diag,
                           "%s: signature does not verify with key %s (%s) "
                           "over the envelope's PAE bytes (expected "
                           "'openssl dgst -%s -sign' over the PAE of this "
                           "payload type and payload)",
                           source, idhex, alg->name, alg->md_option);
    hv_dsse_sig out;
    memset(&out, 0, sizeof out);
    memcpy(out.key_id, pub->key_id, HV_KEY_ID_SIZE);
    if (to_envelope_encoding(alg, cand[found], alg->sig_len, &out) != 0)
        return hv_fail(diag, HV_FAIL_INTERNAL,
                       "%s: could not encode the %s signature", source,
                       alg->name);
    env->sigs[env->nsigs++] = out;
    return 0;
}

/* see dsse.h */
int hv_dsse_verify(const hv_dsse_envelope *env, const hv_pubkey *keys,
                   size_t n, bool *valid, size_t *n_valid, hv_diag *diag)
{
    uint8_t *pae = NULL;
    size_t pae_len = 0;
    *n_valid = 0;
    for (size_t k = 0; valid && k < n; k++)
        valid[k] = false;
    if (envelope_pae(env, &pae, &pae_len, diag) != 0)
        return -1;
    for (size_t k = 0; k < n; k++) {
        bool seen = false;
        for (size_t j = 0; j < k && !seen; j++)
            seen = memcmp(keys[j].key_id, keys[k].key_id,
                          HV_KEY_ID_SIZE) == 0;
        const hv_alg_info *alg = hv_alg_info_get(keys[k].sig_alg);
        if (seen || !alg)
            continue;
        EVP_PKEY *pkey = NULL;
        bool ok = false;
        for (size_t i = 0; i < env->nsigs && !ok; i++) {
            if (memcmp(env->sigs[i].key_id, keys[k].key_id,
                       HV_KEY_ID_SIZE) != 0)
                continue;
            if (!pkey && !(pkey = hv_pubkey_to_evp(&keys[k])))
                break;
            ok = verify_stored(pkey, alg, pae, pae_len, &env->sigs[i]);
        }
        EVP_PKEY_free(pkey);
        if (ok) {
            if (valid)
                valid[k] = true;
            (*n_valid)++;
        }
    }
    free(pae);
    return 0;
}

/* ---- Reading ------------------------------------------------------------ */

/*
 * json-c keeps the last of two equal keys without a word, so an envelope
 * could say one thing to us and another to a different reader. The text has
 * already parsed as JSON here, so this walk only follows strings and
 * nesting, collecting each object's keys. Keys with escape sequences are
 * refused (no envelope key needs one, and two spellings of one key would
 * otherwise compare unequal), and so are keys in single quotes, which
 * json-c takes even in strict mode (fuzz-dsse found them: a '}' inside
 * one unbalanced this walk) but JSON does not have.
 */
static int check_keys_unique(const char *s, size_t len, const char *source,
                             hv_diag *diag)
{
    struct frame {
        bool is_object, expect_key;
        size_t nkeys;
        size_t off[KEYS_PER_OBJECT_MAX], klen[KEYS_PER_OBJECT_MAX];
    };
    struct frame st[JSON_DEPTH_MAX];
    int depth = -1;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '"') {
            size_t start = i + 1, j = start;
            bool escaped = false;
            while (j < len && s[j] != '"') {
                if (s[j] == '\\') {
                    escaped = true;
                    j++;
                }
                j++;
            }
            if (depth >= 0 && st[depth].is_object && st[depth].expect_key) {
                struct frame *f = &st[depth];
                if (escaped)
                    return hv_diag_set(diag,
                                       "%s: byte offset %zu: object key with "
                                       "an escape sequence",
                                       source, i);
                size_t kl = j - start;
                for (size_t k = 0; k < f->nkeys; k++)
                    if (f->klen[k] == kl &&
                        memcmp(s + f->off[k], s + start, kl) == 0) {
                        char key[64], shown[256];
                        snprintf(key, sizeof key, "%.*s",
                                 (int)(kl < 63 ? kl : 63), s + start);
                        return hv_diag_set(diag,
                                           "%s: byte offset %zu: duplicate "
                                           "key \"%s\"",
                                           source, i,
                                           hv_printable(key, shown,
                                                        sizeof shown));
                    }
                if (f->nkeys == KEYS_PER_OBJECT_MAX)
                    return hv_diag_set(diag,
                                       "%s: byte offset %zu: more than %d "
                                       "keys in one object",
                                       source, i, KEYS_PER_OBJECT_MAX);
                f->off[f->nkeys] = start;
                f->klen[f->nkeys++] = kl;
                f->expect_key = false;
            }
            i = j;
        } else if (c == '\'') {
            return hv_diag_set(diag, "%s: byte offset %zu: single-quoted "
                               "string (not JSON)", source, i);
        } else if (c == '{' || c == '[') {
            if (++depth >= JSON_DEPTH_MAX)
                return hv_diag_set(diag, "%s: byte offset %zu: nested too "
                                   "deeply", source, i);
            st[depth].is_object = c == '{';
            st[depth].expect_key = true;
            st[depth].nkeys = 0;
        } else if (c == '}' || c == ']') {
            if (--depth < -1)
                return hv_diag_set(diag, "%s: byte offset %zu: unbalanced "
                                   "'%c'", source, i, c);
        } else if (c == ',' && depth >= 0 && st[depth].is_object) {
            st[depth].expect_key = true;
        }
    }
    return 0;
}

/* 0 if |obj| has exactly the keys in |names| (|n| of them). */
static int check_object_keys(json_object *obj, const char *const *names,
                             size_t n, const char *source, const char *where,
                             hv_diag *diag)
{
    char shown[256];
    json_object_object_foreach(obj, key, val) {
        (void)val;
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = strcmp(key, names[i]) == 0;
        if (!known)
            return hv_diag_set(diag, "%s: %s: unknown key \"%s\"", source,
                               where, hv_printable(key, shown, sizeof shown));
    }
    for (size_t i = 0; i < n; i++)
        if (!json_object_object_get_ex(obj, names[i], NULL))
            return hv_diag_set(diag, "%s: %s: missing \"%s\"", source, where,
                               names[i]);
    return 0;
}

static int get_string(json_object *obj, const char *name, const char *source,
                      const char *where, const char **out, size_t *out_len,
                      hv_diag *diag)
{
    json_object *v = NULL;
    *out = NULL;
    *out_len = 0;
    json_object_object_get_ex(obj, name, &v);
    if (!json_object_is_type(v, json_type_string)) {
        hv_diag_set(diag, "%s: %s: \"%s\" is not a string", source, where,
                    name);
        /* Spelled out: the analyzer cannot see hv_diag_set's -1. */
        return -1;
    }
    *out = json_object_get_string(v);
    *out_len = (size_t)json_object_get_string_len(v);
    return 0;
}

static int parse_signature(json_object *o, size_t index, const char *source,
                           hv_dsse_sig *out, hv_diag *diag)
{
    static const char *const names[] = {"keyid", "sig"};
    char where[48];
    const char *keyid, *sig;
    size_t keyid_len, sig_len;
    snprintf(where, sizeof where, "signatures[%zu]", index);
    if (!json_object_is_type(o, json_type_object))
        return hv_diag_set(diag, "%s: %s is not an object", source, where);
    if (check_object_keys(o, names, 2, source, where, diag) != 0 ||
        get_string(o, "keyid", source, where, &keyid, &keyid_len, diag) !=
            0 ||
        get_string(o, "sig", source, where, &sig, &sig_len, diag) != 0)
        return -1;
    if (keyid_len != 2 * HV_KEY_ID_SIZE)
        return hv_diag_set(diag,
                           "%s: %s: keyid must be %d lower-case hex digits "
                           "(SHA-256 of the key's DER SPKI), got %zu "
                           "characters",
                           source, where, 2 * HV_KEY_ID_SIZE, keyid_len);
    for (size_t i = 0; i < keyid_len; i++) {
        char c = keyid[i];
        int v = c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                       : -1;
        if (v < 0)
            return hv_diag_set(diag,
                               "%s: %s: keyid character %zu is not a "
                               "lower-case hex digit",
                               source, where, i);
        if (i % 2 == 0)
            out->key_id[i / 2] = (uint8_t)(v << 4);
        else
            out->key_id[i / 2] |= (uint8_t)v;
    }
    char what[64];
    snprintf(what, sizeof what, "%s.sig", where);
    uint8_t *bytes = NULL;
    size_t n = 0;
    if (b64_decode(sig, sig_len, source, what, &bytes, &n, diag) != 0)
        return -1;
    if (n == 0 || n > HV_DSSE_SIG_MAX) {
        free(bytes);
        return hv_diag_set(diag,
                           "%s: %s: %zu signature bytes (expected 1 to %d)",
                           source, what, n, HV_DSSE_SIG_MAX);
    }
    memcpy(out->sig, bytes, n);
    out->sig_len = n;
    free(bytes);
    return 0;
}

static int parse_envelope(json_object *root, const char *source,
                          hv_dsse_envelope *env, hv_diag *diag)
{
    static const char *const names[] = {"payload", "payloadType",
                                        "signatures"};
    const char *payload, *type;
    size_t payload_len, type_len;
    if (!json_object_is_type(root, json_type_object))
        return hv_diag_set(diag, "%s: not a JSON object (a DSSE envelope "
                           "expected)", source);
    if (check_object_keys(root, names, 3, source, "envelope", diag) != 0 ||
        get_string(root, "payloadType", source, "envelope", &type, &type_len,
                   diag) != 0 ||
        check_type(type, type_len, source, diag) != 0 ||
        get_string(root, "payload", source, "envelope", &payload,
                   &payload_len, diag) != 0)
        return -1;
    memcpy(env->payload_type, type, type_len);
    env->payload_type[type_len] = '\0';
    if (b64_decode(payload, payload_len, source, "payload", &env->payload,
                   &env->payload_len, diag) != 0)
        return -1;
    json_object *sigs = NULL;
    json_object_object_get_ex(root, "signatures", &sigs);
    if (!json_object_is_type(sigs, json_type_array))
        return hv_diag_set(diag, "%s: envelope: \"signatures\" is not an "
                           "array", source);
    size_t count = json_object_array_length(sigs);
    if (count > HV_DSSE_MAX_SIGS)
        return hv_diag_set(diag,
                           "%s: envelope: %zu signatures, more than %d",
                           source, count, HV_DSSE_MAX_SIGS);
    for (size_t i = 0; i < count; i++) {
        if (parse_signature(json_object_array_get_idx(sigs, i), i, source,
                            &env->sigs[i], diag) != 0)
            return -1;
        env->nsigs = i + 1;
    }
    return 0;
}

/* see dsse.h */
int hv_dsse_parse(const char *source, const char *json, size_t len,
                  size_t max_size, hv_dsse_envelope *env, hv_diag *diag)
{
    memset(env, 0, sizeof *env);
    if (len > max_size || len > INT_MAX)
        return hv_diag_set(diag,
                           "%s: %zu bytes, more than the %zu bytes allowed "
                           "for this envelope",
                           source, len, max_size);
    if (len == 0)
        return hv_diag_set(diag, "%s: empty file (a DSSE envelope expected)",
                           source);
    /* json-c stops at a NUL as if the text ended there. */
    const char *nul = memchr(json, '\0', len);
    if (nul)
        return hv_diag_set(diag, "%s: byte offset %zu: NUL byte in JSON",
                           source, (size_t)(nul - json));
    struct json_tokener *tok = json_tokener_new_ex(JSON_DEPTH_MAX);
    if (!tok)
        return hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory", source);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
                                    JSON_TOKENER_ALLOW_TRAILING_CHARS |
                                    JSON_TOKENER_VALIDATE_UTF8);
    json_object *root = json_tokener_parse_ex(tok, json, (int)len);
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    int rc = -1;
    if (!root) {
        if (err == json_tokener_continue || err == json_tokener_success)
            hv_diag_set(diag, "%s: byte offset %zu: unexpected end of JSON",
                        source, len);
        else
            hv_diag_set(diag, "%s: byte offset %zu: bad JSON: %s", source,
                        end, json_tokener_error_desc(err));
        return -1;
    }
    for (size_t i = end; i < len; i++)
        if (json[i] != ' ' && json[i] != '\t' && json[i] != '\n' &&
            json[i] != '\r') {
            hv_diag_set(diag, "%s: byte offset %zu: data after the JSON "
                        "object", source, i);
            goto out;
        }
    if (check_keys_unique(json, end, source, diag) != 0 ||
        parse_envelope(root, source, env, diag) != 0)
        goto out;
    rc = 0;
out:
    json_object_put(root);
    if (rc != 0)
        hv_dsse_free(env);
    return rc;
}

/* see dsse.h */
int hv_dsse_read_file(const char *path, size_t max_size,
                      hv_dsse_envelope *env, hv_diag *diag)
{
    memset(env, 0, sizeof *env);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return hv_fail_errno(diag, errno, path, "cannot open");
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(fp);
        return hv_diag_set(diag, "%s: is a folder (a DSSE envelope file "
                           "expected)", path);
    }
    if (max_size > SIZE_MAX - 1)
        max_size = SIZE_MAX - 1;
    char *buf = malloc(max_size + 1);
    if (!buf) {
        fclose(fp);
        return hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory", path);
    }
    /* One byte past the limit tells an oversized file. */
    size_t len = fread(buf, 1, max_size + 1, fp);
    int read_err = ferror(fp) ? errno : 0;
    fclose(fp);
    int rc;
    if (read_err)
        rc = hv_fail_errno(diag, read_err, path, "cannot read");
    else if (len > max_size)
        rc = hv_diag_set(diag,
                         "%s: larger than the %zu bytes allowed for this "
                         "envelope",
                         path, max_size);
    else
        rc = hv_dsse_parse(path, buf, len, max_size, env, diag);
    free(buf);
    return rc;
}

/* ---- Writing ------------------------------------------------------------ */

/* see dsse.h */
int hv_dsse_serialize(const hv_dsse_envelope *env, char **out,
                      size_t *out_len, hv_diag *diag)
{
    *out = NULL;
    *out_len = 0;
    if (check_type(env->payload_type, strlen(env->payload_type),
                   "DSSE envelope", diag) != 0)
        return -1;
    if (env->nsigs > HV_DSSE_MAX_SIGS ||
        env->payload_len > (SIZE_MAX - 4096) / 4 * 3)
        return hv_fail(diag, HV_FAIL_INTERNAL, "malformed DSSE envelope");
    /* Everything but the payload fits in this: the type, and per
     * signature 64 hex digits, base64 of at most 512 bytes and syntax. */
    size_t cap = b64_encoded_len(env->payload_len) + HV_DSSE_TYPE_MAX + 64 +
                 HV_DSSE_MAX_SIGS * (2 * HV_KEY_ID_SIZE +
                                     b64_encoded_len(HV_DSSE_SIG_MAX) + 32);
    char *buf = malloc(cap);
    if (!buf)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    size_t o = 0;
#define PUT(str)                                                              \
    do {                                                                      \
        size_t l_ = strlen(str);                                              \
        memcpy(buf + o, (str), l_);                                           \
        o += l_;                                                              \
    } while (0)
    PUT("{\"payload\":\"");
    b64_encode(env->payload, env->payload_len, buf + o);
    o += b64_encoded_len(env->payload_len);
    PUT("\",\"payloadType\":\"");
    PUT(env->payload_type);
    PUT("\",\"signatures\":[");
    for (size_t i = 0; i < env->nsigs; i++) {
        char idhex[65];
        const hv_dsse_sig *s = &env->sigs[i];
        if (s->sig_len == 0 || s->sig_len > HV_DSSE_SIG_MAX) {
            free(buf);
            return hv_fail(diag, HV_FAIL_INTERNAL,
                           "malformed DSSE signature %zu", i);
        }
        hv_key_id_hex(s->key_id, idhex);
        PUT(i ? ",{\"keyid\":\"" : "{\"keyid\":\"");
        PUT(idhex);
        PUT("\",\"sig\":\"");
        b64_encode(s->sig, s->sig_len, buf + o);
        o += b64_encoded_len(s->sig_len);
        PUT("\"}");
    }
    PUT("]}");
#undef PUT
    buf[o] = '\0';
    *out = buf;
    *out_len = o;
    return 0;
}

/* see dsse.h */
int hv_dsse_write_file(const char *path, const hv_dsse_envelope *env,
                       hv_diag *diag)
{
    char *text = NULL;
    size_t len = 0;
    hv_atomic_file f;
    if (hv_dsse_serialize(env, &text, &len, diag) != 0)
        return -1;
    if (hv_atomic_open(&f, path, 0644, diag) != 0) {
        free(text);
        return -1;
    }
    if (fwrite(text, 1, len, f.fp) != len) {
        int e = errno;
        hv_atomic_abort(&f);
        free(text);
        return hv_fail_errno(diag, e ? e : EIO, path, "cannot write");
    }
    free(text);
    return hv_atomic_commit(&f, diag);
}
