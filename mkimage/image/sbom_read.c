/* Reading an SBOM section back, see sbom_read.h. */
#include "sbom_read.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <zstd.h>

#include "sbom.h"

/* A string member of |o|, or NULL if absent or not a string. */
static const char *member_str(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static json_object *member(json_object *o, const char *key, json_type t)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, t))
        return NULL;
    return v;
}

/* The value of the first property |name| of component |c|. */
static const char *property(json_object *c, const char *name)
{
    json_object *props = member(c, "properties", json_type_array);
    size_t n = props ? json_object_array_length(props) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *p = json_object_array_get_idx(props, i);
        const char *k = member_str(p, "name");
        if (k && strcmp(k, name) == 0)
            return member_str(p, "value");
    }
    return NULL;
}

/* Copy |s| into |dst| (|cap| bytes with the NUL) if it fits and is made of
 * the format's text characters (or hex digits, which are among them). */
static bool copy_text(char *dst, size_t cap, const char *s)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n == 0 || n >= cap)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!hv_text_char((unsigned char)s[i]))
            return false;
    memcpy(dst, s, n + 1);
    return true;
}

static bool is_level(const char *s)
{
    static const char *const levels[] = {"certified", "accepted", "partner",
                                         "community"};
    for (size_t i = 0; s && i < sizeof levels / sizeof levels[0]; i++)
        if (strcmp(s, levels[i]) == 0)
            return true;
    return false;
}

static int check_driver(json_object *c, size_t i, hv_sbom_package *p,
                        hv_diag *diag)
{
    const char *entries = property(c, "hvimage:entries");
    const char *level = property(c, "hvimage:acceptance");
    const char *signer = property(c, "hvimage:signer");
    char *end = NULL;
    if (!copy_text(p->vendor, sizeof p->vendor, member_str(c, "name")) ||
        !copy_text(p->version, sizeof p->version, member_str(c, "version")))
        return hv_diag_set(diag, "components[%zu]: a device-driver needs a "
                           "name of at most %u and a version of at most %u "
                           "text characters", i, HV_SECTION_NAME_SIZE,
                           HV_VERSION_SIZE);
    if (!entries || entries[0] < '0' || entries[0] > '9' ||
        (p->entries = strtoull(entries, &end, 10), *end != '\0') ||
        p->entries > HV_MAX_DRIVER_ENTRIES)
        return hv_diag_set(diag, "components[%zu] (%s): property "
                           "hvimage:entries must be a count of at most %u",
                           i, p->vendor, HV_MAX_DRIVER_ENTRIES);
    if (!is_level(level))
        return hv_diag_set(diag, "components[%zu] (%s): property "
                           "hvimage:acceptance must be certified, accepted, "
                           "partner or community", i, p->vendor);
    snprintf(p->acceptance, sizeof p->acceptance, "%s", level);
    p->signer[0] = '\0';
    if (signer && (strlen(signer) != 2 * HV_KEY_ID_SIZE ||
                   strspn(signer, "0123456789abcdef") != 2 * HV_KEY_ID_SIZE))
        return hv_diag_set(diag, "components[%zu] (%s): property "
                           "hvimage:signer must be 64 lower-case hex digits",
                           i, p->vendor);
    if (signer)
        memcpy(p->signer, signer, 2 * HV_KEY_ID_SIZE + 1);
    if (!signer != (strcmp(level, "community") == 0))
        return hv_diag_set(diag, "components[%zu] (%s): a %s package %s a "
                           "signer", i, p->vendor, level,
                           signer ? "may not name" : "must name");
    return 0;
}

/* The metadata component must be the image the signed metadata names. */
static int check_image(json_object *bom, const hv_image_info *info,
                       hv_diag *diag)
{
    json_object *meta = member(bom, "metadata", json_type_object);
    json_object *c = member(meta, "component", json_type_object);
    json_object *supplier = member(c, "supplier", json_type_object);
    const struct {
        const char *field;
        const char *have;
        const char *want;
    } f[] = {
        {"metadata.component.name", member_str(c, "name"), info->name},
        {"metadata.component.version", member_str(c, "version"),
         info->version},
        {"metadata.component.supplier.name", member_str(supplier, "name"),
         info->oem_id},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (!f[i].have)
            return hv_diag_set(diag, "%s is missing or not a string",
                               f[i].field);
        if (strcmp(f[i].have, f[i].want) != 0) {
            char shown[80];
            snprintf(shown, sizeof shown, "%s", f[i].have);
            for (char *s = shown; *s; s++)
                if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
                    *s = '?';
            return hv_diag_set(diag, "%s is '%s' but the image's signed "
                               "metadata says '%s'", f[i].field, shown,
                               f[i].want);
        }
    }
    return 0;
}

/* The "cmdline" component of a Linux image: the line the builder checked,
 * so anything else is a document the builder did not write. */
static int check_cmdline(json_object *c, size_t i, hv_sbom_summary *out,
                         hv_diag *diag)
{
    const char *s = property(c, "hvimage:cmdline");
    size_t n = s ? strlen(s) : 0;
    if (out->cmdline[0] != '\0')
        return hv_diag_set(diag, "components[%zu] (cmdline): a second "
                           "cmdline component", i);
    if (n == 0 || n > HV_SBOM_CMDLINE_MAX)
        return hv_diag_set(diag, "components[%zu] (cmdline): property "
                           "hvimage:cmdline missing or not 1 to %u bytes",
                           i, HV_SBOM_CMDLINE_MAX);
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)s[k] < 0x20 || (unsigned char)s[k] > 0x7E)
            return hv_diag_set(diag, "components[%zu] (cmdline): byte %zu "
                               "of hvimage:cmdline is not printable ASCII",
                               i, k);
    memcpy(out->cmdline, s, n + 1);
    return 0;
}

static int check_doc(json_object *bom, const hv_image_info *info,
                     hv_sbom_summary *out, hv_diag *diag)
{
    const char *format = member_str(bom, "bomFormat");
    const char *spec = member_str(bom, "specVersion");
    if (!json_object_is_type(bom, json_type_object) || !format ||
        strcmp(format, "CycloneDX") != 0 || !spec || strcmp(spec, "1.5") != 0)
        return hv_diag_set(diag, "not a CycloneDX 1.5 document (bomFormat "
                           "\"CycloneDX\", specVersion \"1.5\")");
    if (check_image(bom, info, diag) != 0)
        return -1;
    json_object *components = member(bom, "components", json_type_array);
    if (!components)
        return hv_diag_set(diag, "components is missing or not an array");
    size_t n = json_object_array_length(components);
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(components, i);
        const char *type = member_str(c, "type");
        if (!type)
            return hv_diag_set(diag, "components[%zu]: no type", i);
        const char *ref = member_str(c, "bom-ref");
        if (ref && strcmp(ref, "cmdline") == 0 &&
            check_cmdline(c, i, out, diag) != 0)
            return -1;
        if (strcmp(type, "device-driver") != 0)
            continue;
        if (out->package_count == HV_MAX_DRIVER_PACKAGES)
            return hv_diag_set(diag, "more than %u device-driver components",
                               HV_MAX_DRIVER_PACKAGES);
        if (check_driver(c, i, &out->packages[out->package_count++],
                         diag) != 0)
            return -1;
    }
    return 0;
}

int hv_sbom_check(const uint8_t *doc, size_t len, const hv_image_info *info,
                  hv_sbom_summary *out, hv_diag *diag)
{
    memset(out, 0, sizeof *out);
    if (len > HV_MAX_SBOM_SIZE || len > (size_t)INT32_MAX)
        return hv_diag_set(diag, "%zu bytes, more than the %llu an SBOM may "
                           "have", len, (unsigned long long)HV_MAX_SBOM_SIZE);
    const void *nul = memchr(doc, 0, len);
    if (nul)
        return hv_diag_set(diag, "not valid JSON at byte %zu: a NUL byte",
                           (size_t)((const uint8_t *)nul - doc));
    json_tokener *tok = json_tokener_new_ex(HV_SBOM_MAX_DEPTH);
    if (!tok)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
                                    JSON_TOKENER_VALIDATE_UTF8);
    json_object *bom = json_tokener_parse_ex(tok, (const char *)doc,
                                             (int)len);
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t at = json_tokener_get_parse_end(tok);
    int rc = -1;
    if (!bom || err != json_tokener_success) {
        hv_diag_set(diag, "not valid JSON at byte %zu: %s", at,
                    err == json_tokener_continue
                        ? "the document ends early"
                        : json_tokener_error_desc(err));
        goto out;
    }
    /* Only white space may follow the document. */
    while (at < len && (doc[at] == ' ' || doc[at] == '\n' ||
                        doc[at] == '\t' || doc[at] == '\r'))
        at++;
    if (at != len) {
        hv_diag_set(diag, "not valid JSON at byte %zu: data after the "
                    "document", at);
        goto out;
    }
    rc = check_doc(bom, info, out, diag);
out:
    json_object_put(bom);
    json_tokener_free(tok);
    return rc;
}

int hv_sbom_read_unverified(FILE *fp, uint64_t file_size,
                            const hv_image_info *info, uint8_t **doc,
                            size_t *len, hv_diag *diag)
{
    const hv_section *s = NULL;
    *doc = NULL;
    *len = 0;
    for (uint32_t i = 0; i < info->section_count; i++)
        if (info->sections[i].type == HV_SECTION_SBOM)
            s = &info->sections[i];
    if (!s)
        return 0;
    /* The stored bytes of a document of at most HV_MAX_SBOM_SIZE bytes
     * cannot need more than zstd's bound of it. */
    if (s->unpacked_size > HV_MAX_SBOM_SIZE ||
        s->stored_size > ZSTD_compressBound(HV_MAX_SBOM_SIZE))
        return hv_diag_set(diag, "section 'sbom': %llu bytes, more than the "
                           "%llu an SBOM may have",
                           (unsigned long long)s->unpacked_size,
                           (unsigned long long)HV_MAX_SBOM_SIZE);
    if (s->data_offset > file_size ||
        s->stored_size > file_size - s->data_offset)
        return hv_diag_set(diag, "section 'sbom': its %llu bytes at offset "
                           "%llu lie beyond the file's end",
                           (unsigned long long)s->stored_size,
                           (unsigned long long)s->data_offset);
    size_t stored = (size_t)s->stored_size, unpacked = (size_t)s->unpacked_size;
    uint8_t *raw = malloc(stored ? stored : 1);
    uint8_t *out = malloc(unpacked ? unpacked : 1);
    if (!raw || !out) {
        free(raw);
        free(out);
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    if (fseeko(fp, (off_t)s->data_offset, SEEK_SET) != 0 ||
        fread(raw, 1, stored, fp) != stored) {
        free(raw);
        free(out);
        return hv_fail(diag, HV_FAIL_IO, "section 'sbom': read failed");
    }
    if (s->compression == HV_COMPRESSION_ZSTD) {
        size_t got = ZSTD_decompress(out, unpacked, raw, stored);
        free(raw);
        if (ZSTD_isError(got) || got != unpacked) {
            free(out);
            return hv_diag_set(diag, "section 'sbom': does not decompress "
                               "to its %zu bytes", unpacked);
        }
    } else {
        memcpy(out, raw, unpacked < stored ? unpacked : stored);
        free(raw);
    }
    *doc = out;
    *len = unpacked;
    return 1;
}
