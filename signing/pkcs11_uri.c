/*
 * RFC 7512 PKCS#11 URIs, the subset a signing key needs. Strict on purpose:
 * a misspelt attribute that were ignored could select another token's key.
 */
#include <stddef.h>
#include <string.h>

#include "pkcs11.h"
#include "hex.h"

bool hv_p11_is_uri(const char *s)
{
    return s && strncmp(s, "pkcs11:", 7) == 0;
}

/*
 * Percent-decode [p, end) into |out| (|cap| bytes, a NUL added after |*len|
 * bytes if there is room). Returns 0, or -1 for a bad escape, a NUL, or a
 * value longer than |cap| - 1 (|binary|: |cap|).
 */
static int decode(const char *p, const char *end, uint8_t *out, size_t cap,
                  bool binary, size_t *len)
{
    size_t n = 0, room = binary ? cap : cap - 1;
    while (p < end) {
        int c = (unsigned char)*p;
        if (c == '%') {
            int hi = end - p >= 3 ? hv_hex_value(p[1]) : -1;
            int lo = end - p >= 3 ? hv_hex_value(p[2]) : -1;
            if (hi < 0 || lo < 0)
                return -1;
            c = hi * 16 + lo;
            p += 3;
        } else {
            p++;
        }
        if ((c == 0 && !binary) || n == room)
            return -1;
        out[n++] = (uint8_t)c;
    }
    if (!binary)
        out[n] = '\0';
    *len = n;
    return 0;
}

typedef struct attr {
    const char *name;
    size_t off;  /* of the field in hv_p11_uri */
    size_t size; /* of the field */
    size_t has;  /* offset of its bool, or SIZE_MAX */
} attr;

#define FIELD(f) offsetof(hv_p11_uri, f), sizeof(((hv_p11_uri *)0)->f)
#define HAS(f) offsetof(hv_p11_uri, f)

static const attr path_attrs[] = {
    {"token", FIELD(token), HAS(has_token)},
    {"serial", FIELD(serial), HAS(has_serial)},
    {"manufacturer", FIELD(manufacturer), HAS(has_manufacturer)},
    {"model", FIELD(model), HAS(has_model)},
    {"object", FIELD(object), HAS(has_object)},
    {"id", FIELD(id), HAS(has_id)},
    {"type", 0, 0, SIZE_MAX},
};

static const attr query_attrs[] = {
    {"module-path", FIELD(module_path), SIZE_MAX},
    {"pin-source", FIELD(pin_source), SIZE_MAX},
};

/* One "name=value" in [p, end) from |table|; |seen| bit i per attribute. */
static int one_attr(const char *p, const char *end, const attr *table,
                    size_t count, unsigned *seen, hv_p11_uri *u,
                    hv_diag *diag)
{
    const char *eq = memchr(p, '=', (size_t)(end - p));
    int nlen = (int)((eq ? eq : end) - p);
    if (!eq || eq == p)
        return hv_diag_set(diag, "PKCS#11 URI: '%.*s' is not name=value",
                           (int)(end - p), p);
    if (nlen == 9 && memcmp(p, "pin-value", 9) == 0)
        return hv_diag_set(diag, "PKCS#11 URI: pin-value is refused: it puts "
                           "the PIN in shell history and process listings; "
                           "use pin-source=file:PATH or HVIMAGE_PKCS11_PIN");
    for (size_t i = 0; i < count; i++) {
        const attr *a = &table[i];
        if (strlen(a->name) != (size_t)nlen || memcmp(a->name, p, nlen) != 0)
            continue;
        if (*seen & (1u << i))
            return hv_diag_set(diag, "PKCS#11 URI: attribute '%s' given "
                               "twice", a->name);
        *seen |= 1u << i;
        if (strcmp(a->name, "type") == 0) {
            if (end - eq - 1 != 7 || memcmp(eq + 1, "private", 7) != 0)
                return hv_diag_set(diag, "PKCS#11 URI: type must be "
                                   "'private' (a signing key), not '%.*s'",
                                   (int)(end - eq - 1), eq + 1);
            return 0;
        }
        bool binary = strcmp(a->name, "id") == 0;
        size_t len;
        if (decode(eq + 1, end, (uint8_t *)u + a->off, a->size, binary,
                   &len) != 0)
            return hv_diag_set(diag, "PKCS#11 URI: attribute '%s': bad "
                               "%%-escape, NUL, or longer than %zu bytes",
                               a->name, binary ? a->size : a->size - 1);
        if (len == 0)
            return hv_diag_set(diag, "PKCS#11 URI: attribute '%s' is empty",
                               a->name);
        if (binary)
            u->id_len = len;
        if (a->has != SIZE_MAX)
            *(bool *)((uint8_t *)u + a->has) = true;
        return 0;
    }
    return hv_diag_set(diag, "PKCS#11 URI: attribute '%.*s' is not "
                       "supported (path: token, serial, manufacturer, model, "
                       "object, id, type; query: module-path, pin-source)",
                       nlen, p);
}

/* see pkcs11.h */
int hv_p11_uri_parse(const char *s, hv_p11_uri *u, hv_diag *diag)
{
    memset(u, 0, sizeof *u);
    if (!hv_p11_is_uri(s))
        return hv_diag_set(diag, "not a PKCS#11 URI (pkcs11:...)");
    if (strlen(s) > HV_P11_URI_MAX)
        return hv_diag_set(diag, "PKCS#11 URI longer than %d bytes",
                           HV_P11_URI_MAX);
    const char *p = s + 7;
    const char *q = strchr(p, '?');
    const char *path_end = q ? q : p + strlen(p);
    unsigned seen = 0;
    while (p < path_end) {
        const char *e = memchr(p, ';', (size_t)(path_end - p));
        if (!e)
            e = path_end;
        if (one_attr(p, e, path_attrs,
                     sizeof path_attrs / sizeof path_attrs[0], &seen, u,
                     diag) != 0)
            return -1;
        p = e + (e < path_end);
    }
    unsigned query_seen = 0;
    if (q) {
        p = q + 1;
        const char *end = p + strlen(p);
        while (p < end) {
            const char *e = memchr(p, '&', (size_t)(end - p));
            if (!e)
                e = end;
            if (one_attr(p, e, query_attrs,
                         sizeof query_attrs / sizeof query_attrs[0],
                         &query_seen, u, diag) != 0)
                return -1;
            p = e + (e < end);
        }
    }
    if (!u->has_object && !u->has_id)
        return hv_diag_set(diag, "PKCS#11 URI: name the key with 'object' "
                           "(its label) or 'id'");
    /* RFC 7512 writes pin-source as a URI; a bare path means the same. */
    if (strncmp(u->pin_source, "file:", 5) == 0)
        memmove(u->pin_source, u->pin_source + 5,
                strlen(u->pin_source + 5) + 1);
    if ((query_seen & 2u) && u->pin_source[0] == '\0')
        return hv_diag_set(diag, "PKCS#11 URI: pin-source names no file");
    return 0;
}
