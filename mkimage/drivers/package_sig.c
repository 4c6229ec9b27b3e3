/* see package_sig.h */
#include "package_sig.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"

bool hv_license_ok(const char *s)
{
    size_t n = 0;

    for (; s[n] != '\0'; n++) {
        char c = s[n];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                  c == '+' || c == ':' || c == '(' || c == ')';
        /* Single inner spaces only, so one expression has one spelling. */
        if (c == ' ')
            ok = n > 0 && s[n - 1] != ' ' && s[n + 1] != '\0';
        if (!ok || n >= HV_LICENSE_MAX)
            return false;
    }
    return n >= 1;
}

/* Printable ASCII a JSON string holds without escapes, and no '/'. */
static bool subject_name_ok(const char *s, size_t n)
{
    if (n == 0 || n > HV_SUBJECT_NAME_MAX || strcmp(s, ".") == 0 ||
        strcmp(s, "..") == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\' ||
            s[i] == '/')
            return false;
    return true;
}

/* Length of |path| without trailing slashes (but "/" stays "/"). */
static size_t trimmed_len(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    return n;
}

int hv_package_subject_name(const char *path,
                            char out[HV_SUBJECT_NAME_MAX + 1], hv_diag *diag)
{
    size_t end = trimmed_len(path), start = end;
    char shown[256];

    while (start > 0 && path[start - 1] != '/')
        start--;
    if (end - start > HV_SUBJECT_NAME_MAX ||
        !subject_name_ok(path + start, end - start) ||
        memchr(path + start, '\0', end - start))
        return hv_diag_set(diag,
                           "%s: the package's file name must be 1 to %u "
                           "printable ASCII characters without '\"' or '\\' "
                           "(it is the statement's subject)",
                           hv_printable(path, shown, sizeof shown),
                           HV_SUBJECT_NAME_MAX);
    memcpy(out, path + start, end - start);
    out[end - start] = '\0';
    return 0;
}

char *hv_package_default_sig_path(const char *path)
{
    size_t n = trimmed_len(path), s = sizeof HV_PACKAGE_SIG_SUFFIX;
    char *out = malloc(n + s);
    if (!out)
        return NULL;
    memcpy(out, path, n);
    memcpy(out + n, HV_PACKAGE_SIG_SUFFIX, s);
    return out;
}

int hv_package_statement_encode(const hv_package_statement *st, char **out,
                                size_t *len, hv_diag *diag)
{
    char hex[2 * HV_PACKAGE_DIGEST_SIZE + 1], lic[HV_LICENSE_MAX + 16] = "";
    int n;

    *out = NULL;
    if (!subject_name_ok(st->name, strnlen(st->name, sizeof st->name)))
        return hv_diag_set(diag, "statement: bad subject name");
    if (!hv_text_string(st->vendor, HV_SECTION_NAME_SIZE))
        return hv_diag_set(diag, "statement: vendor '%s' is not text "
                                 "(A-Z a-z 0-9 . _ + -)", st->vendor);
    if (!hv_text_string(st->version, HV_VERSION_SIZE))
        return hv_diag_set(diag, "statement: version '%s' is not text "
                                 "(A-Z a-z 0-9 . _ + -)", st->version);
    if (st->license[0] && !hv_license_ok(st->license))
        return hv_diag_set(diag,
                           "licence '%s' is not an SPDX expression of at most "
                           "%u characters (A-Z a-z 0-9 . - + : ( ) and single "
                           "spaces)",
                           st->license, HV_LICENSE_MAX);
    for (size_t i = 0; i < HV_PACKAGE_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", st->sha256[i]);
    if (st->license[0])
        snprintf(lic, sizeof lic, "\"license\":\"%s\",", st->license);
    /* Keys in bytewise order at every level: "_type" < "predicate" <
     * "predicateType" < "subject"; "license" < "vendor" < "version";
     * "digest" < "name". */
#define STATEMENT_FMT                                                      \
    "{\"_type\":\"" HV_INTOTO_STATEMENT_TYPE "\","                          \
    "\"predicate\":{%s\"vendor\":\"%s\",\"version\":\"%s\"},"               \
    "\"predicateType\":\"" HV_PACKAGE_PREDICATE_TYPE "\","                  \
    "\"subject\":[{\"digest\":{\"sha256\":\"%s\"},\"name\":\"%s\"}]}"
    n = snprintf(NULL, 0, STATEMENT_FMT, lic, st->vendor, st->version, hex,
                 st->name);
    if (n < 0 || !(*out = malloc((size_t)n + 1)))
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    snprintf(*out, (size_t)n + 1, STATEMENT_FMT, lic, st->vendor,
             st->version, hex, st->name);
#undef STATEMENT_FMT
    *len = (size_t)n;
    return 0;
}

/* The string member |key| of |obj|, or NULL (missing or not a string). */
static const char *get_string(json_object *obj, const char *key, size_t *len)
{
    json_object *v;
    if (!json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    *len = (size_t)json_object_get_string_len(v);
    return json_object_get_string(v);
}

/* Copy a string member into |buf| (|size| bytes): -1 if missing, too long
 * or holding a NUL. */
static int copy_string(json_object *obj, const char *key, char *buf,
                       size_t size)
{
    size_t len = 0;
    const char *s = get_string(obj, key, &len);
    if (!s || len >= size || memchr(s, '\0', len))
        return -1;
    memcpy(buf, s, len + 1);
    return 0;
}

/* 'TEXT' (control bytes escaped), or "missing" for NULL. */
static const char *quote(const char *s, char *shown, size_t shown_size,
                         char *out, size_t out_size)
{
    if (!s)
        return "missing";
    snprintf(out, out_size, "'%s'", hv_printable(s, shown, shown_size));
    return out;
}

static int decode_fields(const char *src, json_object *root,
                         hv_package_statement *st, hv_diag *diag)
{
    char shown[160], quoted[170], hexbuf[2 * HV_PACKAGE_DIGEST_SIZE + 1];
    json_object *subject, *item, *digest, *pred;
    const char *s;
    size_t len = 0;

    if (!json_object_is_type(root, json_type_object))
        return hv_diag_set(diag, "%s: the statement is not a JSON object", src);
    s = get_string(root, "_type", &len);
    if (!s || strcmp(s, HV_INTOTO_STATEMENT_TYPE) != 0)
        return hv_diag_set(diag,
                           "%s: statement _type is %s, expected '%s'", src,
                           quote(s, shown, sizeof shown, quoted,
                                 sizeof quoted),
                           HV_INTOTO_STATEMENT_TYPE);
    s = get_string(root, "predicateType", &len);
    if (!s || strcmp(s, HV_PACKAGE_PREDICATE_TYPE) != 0)
        return hv_diag_set(diag,
                           "%s: statement predicateType is %s, expected '%s'",
                           src,
                           quote(s, shown, sizeof shown, quoted,
                                 sizeof quoted),
                           HV_PACKAGE_PREDICATE_TYPE);
    if (!json_object_object_get_ex(root, "subject", &subject) ||
        !json_object_is_type(subject, json_type_array) ||
        json_object_array_length(subject) != 1)
        return hv_diag_set(diag,
                           "%s: statement subject must list exactly one "
                           "package",
                           src);
    item = json_object_array_get_idx(subject, 0);
    if (copy_string(item, "name", st->name, sizeof st->name) != 0 ||
        !subject_name_ok(st->name, strlen(st->name)))
        return hv_diag_set(diag, "%s: statement subject name is missing or "
                                 "not a package file name", src);
    if (!json_object_object_get_ex(item, "digest", &digest) ||
        copy_string(digest, "sha256", hexbuf, sizeof hexbuf) != 0 ||
        strlen(hexbuf) != 2 * HV_PACKAGE_DIGEST_SIZE)
        return hv_diag_set(diag, "%s: statement subject has no sha256 digest "
                                 "of 64 hexadecimal digits", src);
    for (size_t i = 0; i < HV_PACKAGE_DIGEST_SIZE; i++) {
        int hi = hv_hex_value(hexbuf[2 * i]), lo = hv_hex_value(hexbuf[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return hv_diag_set(diag, "%s: statement subject has no sha256 "
                                     "digest of 64 hexadecimal digits", src);
        st->sha256[i] = (uint8_t)(hi << 4 | lo);
    }
    if (!json_object_object_get_ex(root, "predicate", &pred) ||
        !json_object_is_type(pred, json_type_object))
        return hv_diag_set(diag, "%s: statement has no predicate object", src);
    if (copy_string(pred, "vendor", st->vendor, sizeof st->vendor) != 0 ||
        !hv_text_string(st->vendor, HV_SECTION_NAME_SIZE))
        return hv_diag_set(diag, "%s: statement predicate has no vendor of "
                                 "1 to %u text characters",
                           src, (unsigned)HV_SECTION_NAME_SIZE);
    if (copy_string(pred, "version", st->version, sizeof st->version) != 0 ||
        !hv_text_string(st->version, HV_VERSION_SIZE))
        return hv_diag_set(diag, "%s: statement predicate has no version of "
                                 "1 to %u text characters",
                           src, (unsigned)HV_VERSION_SIZE);
    st->license[0] = '\0';
    if (json_object_object_get_ex(pred, "license", NULL) &&
        (copy_string(pred, "license", st->license, sizeof st->license) != 0 ||
         !hv_license_ok(st->license)))
        return hv_diag_set(diag,
                           "%s: statement licence is not an SPDX expression "
                           "of at most %u characters",
                           src, HV_LICENSE_MAX);
    return 0;
}

int hv_package_statement_decode(const char *src, const uint8_t *payload,
                                size_t len, hv_package_statement *st,
                                hv_diag *diag)
{
    json_tokener *tok;
    json_object *root;
    char *canon = NULL;
    size_t canon_len = 0;
    int rc;

    memset(st, 0, sizeof *st);
    if (len > INT32_MAX)
        return hv_diag_set(diag, "%s: statement too large", src);
    tok = json_tokener_new();
    if (!tok)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    root = json_tokener_parse_ex(tok, (const char *)payload, (int)len);
    if (!root || json_tokener_get_error(tok) != json_tokener_success ||
        json_tokener_get_parse_end(tok) != len) {
        size_t at = json_tokener_get_parse_end(tok);
        json_tokener_free(tok);
        json_object_put(root);
        return hv_diag_set(diag,
                           "%s: the statement is not one JSON object (payload "
                           "byte offset %zu)",
                           src, at);
    }
    json_tokener_free(tok);
    rc = decode_fields(src, root, st, diag);
    json_object_put(root);
    if (rc != 0)
        return -1;
    /* Only the canonical spelling of these fields is accepted: anything
     * else (whitespace, other key order, unknown or repeated keys,
     * escapes) could read differently elsewhere. */
    if (hv_package_statement_encode(st, &canon, &canon_len, diag) != 0)
        return -1;
    rc = canon && payload && canon_len == len &&
         memcmp(canon, payload, len) == 0;
    free(canon);
    if (!rc)
        return hv_diag_set(diag,
                           "%s: the statement is not in canonical form (keys "
                           "sorted, no whitespace, no other keys; what "
                           "hvimage driver sign writes)",
                           src);
    return 0;
}
