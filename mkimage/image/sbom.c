/*
 * The SBOM section's document, see sbom.h. Built as a json-c tree whose
 * objects keep insertion order, so the member order written here is the
 * order in the file, and printed in one fixed style.
 */
#include "sbom.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "plan.h"

#define PRINT_FLAGS                                                        \
    (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |                  \
     JSON_C_TO_STRING_NOSLASHESCAPE)

typedef struct doc {
    bool oom; /* any allocation failed: the whole document is refused */
} doc;

static json_object *str(doc *d, const char *s)
{
    json_object *o = json_object_new_string(s);
    d->oom |= o == NULL;
    return o;
}

static json_object *obj(doc *d)
{
    json_object *o = json_object_new_object();
    d->oom |= o == NULL;
    return o;
}

static json_object *arr(doc *d)
{
    json_object *o = json_object_new_array();
    d->oom |= o == NULL;
    return o;
}

/* Adding to NULL (a failed allocation) only records the failure. */
static void put(doc *d, json_object *o, const char *key, json_object *v)
{
    if (!o || !v || json_object_object_add(o, key, v) != 0) {
        json_object_put(v);
        d->oom = true;
    }
}

static void push(doc *d, json_object *a, json_object *v)
{
    if (!a || !v || json_object_array_add(a, v) != 0) {
        json_object_put(v);
        d->oom = true;
    }
}

static void hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15u];
    }
    out[2 * n] = '\0';
}

/* "hashes": [{"alg": "SHA-256", "content": HEX}] */
static json_object *sha256_hashes(doc *d, const uint8_t sha[HV_SHA256_SIZE])
{
    char h[2 * HV_SHA256_SIZE + 1];
    hex(sha, HV_SHA256_SIZE, h);
    json_object *one = obj(d), *list = arr(d);
    put(d, one, "alg", str(d, "SHA-256"));
    put(d, one, "content", str(d, h));
    push(d, list, one);
    return list;
}

static void property(doc *d, json_object *props, const char *name,
                     const char *value)
{
    json_object *p = obj(d);
    put(d, p, "name", str(d, name));
    put(d, p, "value", str(d, value));
    push(d, props, p);
}

static void property_u64(doc *d, json_object *props, const char *name,
                         uint64_t v, bool as_hex)
{
    char buf[24];
    snprintf(buf, sizeof buf, as_hex ? "0x%" PRIx64 : "%" PRIu64, v);
    property(d, props, name, buf);
}

/*
 * File names as the document shows them: the base name, with bytes outside
 * printable ASCII (and '%') percent-encoded, so any name gives valid JSON
 * and the same name on every machine.
 */
static json_object *file_name(doc *d, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base && base[1] ? base + 1 : path;
    size_t n = strlen(base);
    char *out = malloc(3 * n + 1);
    if (!out) {
        d->oom = true;
        return NULL;
    }
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)base; *p; p++) {
        if (*p >= 0x20 && *p < 0x7f && *p != '%')
            out[o++] = (char)*p;
        else
            o += (size_t)sprintf(out + o, "%%%02X", *p);
    }
    out[o] = '\0';
    json_object *j = str(d, out);
    free(out);
    return j;
}

static void property_json(doc *d, json_object *props, const char *name,
                          json_object *value)
{
    json_object *p = obj(d);
    put(d, p, "name", str(d, name));
    put(d, p, "value", value);
    push(d, props, p);
}

static json_object *image_component(doc *d, const hv_sbom_input *in)
{
    const hv_image_info *info = in->info;
    json_object *c = obj(d), *props = arr(d), *supplier = obj(d);
    put(d, c, "type", str(d, "firmware"));
    put(d, c, "bom-ref", str(d, "image"));
    put(d, supplier, "name", str(d, info->oem_id));
    put(d, c, "supplier", supplier);
    put(d, c, "name", str(d, info->name));
    put(d, c, "version", str(d, info->version));
    property(d, props, "hvimage:oem_id", info->oem_id);
    for (uint32_t i = 0; i < info->board_count; i++)
        property(d, props, "hvimage:board", info->boards[i]);
    property_u64(d, props, "hvimage:security_version",
                 info->security_version, false);
    property_u64(d, props, "hvimage:min_security_version",
                 info->min_security_version, false);
    property_u64(d, props, "hvimage:format_version",
                 info->header.format_version, false);
    property(d, props, "hvimage:digest", hv_digest_alg_name(info->digest_alg));
    put(d, c, "properties", props);
    return c;
}

static json_object *core_component(doc *d, const hv_sbom_input *in)
{
    json_object *c = obj(d), *props = arr(d);
    /* A Linux kernel is the operating system the image starts. */
    put(d, c, "type", str(d, in->kernel ? "operating-system" : "firmware"));
    put(d, c, "bom-ref", str(d, "core"));
    put(d, c, "name", file_name(d, in->core_path));
    if (in->kernel && in->kernel->release[0])
        put(d, c, "version", str(d, in->kernel->release));
    put(d, c, "hashes", sha256_hashes(d, in->core_sha256));
    property(d, props, "hvimage:section", HV_SECTION_NAME_CORE);
    property(d, props, "hvimage:core_kind", in->kernel ? "linux" : "monitor");
    property(d, props, "hvimage:core_format", in->core_format);
    if (in->kernel) {
        char proto[16];
        snprintf(proto, sizeof proto, "%u.%02u",
                 (unsigned)(in->kernel->protocol >> 8),
                 (unsigned)(in->kernel->protocol & 0xFFu));
        property(d, props, "hvimage:boot_protocol", proto);
        if (in->kernel->release[0])
            property(d, props, "hvimage:kernel_release",
                     in->kernel->release);
    }
    property_u64(d, props, "hvimage:load_address", in->core->load_address,
                 true);
    property_u64(d, props, "hvimage:entry_point", in->core->entry_point,
                 true);
    property_u64(d, props, "hvimage:size", in->core->unpacked_size, false);
    put(d, c, "properties", props);
    return c;
}

/* One file or link of an archive listing as a "file" component. */
static json_object *file_component(doc *d, const hv_driver_entry *e)
{
    json_object *f = obj(d), *props = arr(d);
    put(d, f, "type", str(d, "file"));
    put(d, f, "name", str(d, e->name));
    if (e->type == '0') {
        put(d, f, "hashes", sha256_hashes(d, e->sha256));
        property_u64(d, props, "hvimage:size", e->size, false);
    } else {
        property(d, props, "hvimage:link_target", e->link);
    }
    put(d, f, "properties", props);
    return f;
}

/* The archive entries of one vendor ("VENDOR/..."), folders counted but
 * only files and links listed as components. */
static json_object *driver_files(doc *d, const hv_sbom_input *in,
                                 const char *vendor, uint64_t *entries)
{
    json_object *files = arr(d);
    size_t vlen = strlen(vendor);
    /* Linux: every name is under the modules prefix, "PREFIX/VENDOR/...",
     * and listed as the cpio has it. */
    size_t plen = in->listing_prefix ? strlen(in->listing_prefix) + 1 : 0;
    *entries = 0;
    for (size_t i = 0; in->listing && i < in->listing->count; i++) {
        const hv_driver_entry *e = &in->listing->entries[i];
        if (plen && (strncmp(e->name, in->listing_prefix, plen - 1) != 0 ||
                     e->name[plen - 1] != '/'))
            continue;
        const char *rel = e->name + plen;
        if (strncmp(rel, vendor, vlen) != 0 || rel[vlen] != '/')
            continue;
        if (rel[vlen + 1] == '\0') /* the vendor's own folder */
            continue;
        (*entries)++;
        if (e->type == '5')
            continue;
        push(d, files, file_component(d, e));
    }
    return files;
}

static json_object *driver_component(doc *d, const hv_sbom_input *in,
                                     const hv_sbom_driver *drv)
{
    const hv_driver_pkg *pkg = drv->pkg;
    char ref[HV_SECTION_NAME_SIZE + 16];
    uint64_t entries;
    json_object *c = obj(d), *props = arr(d), *supplier = obj(d);
    snprintf(ref, sizeof ref, "driver:%s", pkg->vendor);
    put(d, c, "type", str(d, "device-driver"));
    put(d, c, "bom-ref", str(d, ref));
    put(d, supplier, "name", str(d, pkg->vendor));
    put(d, c, "supplier", supplier);
    put(d, c, "name", str(d, pkg->vendor));
    put(d, c, "version", str(d, pkg->version));
    put(d, c, "hashes", sha256_hashes(d, drv->package_sha256));
    if (drv->license) {
        json_object *lic = arr(d), *expr = obj(d);
        put(d, expr, "expression", str(d, drv->license));
        push(d, lic, expr);
        put(d, c, "licenses", lic);
    }
    json_object *files = driver_files(d, in, pkg->vendor, &entries);
    property(d, props, "hvimage:section", HV_SECTION_NAME_DRIVERS);
    property_json(d, props, "hvimage:package", file_name(d, pkg->path));
    property_u64(d, props, "hvimage:entries", entries, false);
    property(d, props, "hvimage:acceptance", drv->acceptance);
    if (drv->signer)
        property(d, props, "hvimage:signer", drv->signer);
    if (drv->countersigner)
        property(d, props, "hvimage:countersigner", drv->countersigner);
    put(d, c, "properties", props);
    put(d, c, "components", files);
    return c;
}

static json_object *bootcfg_component(doc *d, const hv_sbom_input *in)
{
    json_object *c = obj(d), *props = arr(d);
    put(d, c, "type", str(d, "data"));
    put(d, c, "bom-ref", str(d, "bootcfg"));
    put(d, c, "name", str(d, HV_SECTION_NAME_BOOTCFG));
    property(d, props, "hvimage:section", HV_SECTION_NAME_BOOTCFG);
    for (size_t i = 0; i < in->boot_config_count; i++) {
        /* Keys are [a-z0-9_.-]+ (the manifest's rule). */
        size_t n = strlen(in->boot_config[i].key) + sizeof "hvimage:bootcfg:";
        char *name = malloc(n);
        if (!name) {
            d->oom = true;
            break;
        }
        snprintf(name, n, "hvimage:bootcfg:%s", in->boot_config[i].key);
        property(d, props, name, in->boot_config[i].value);
        free(name);
    }
    put(d, c, "properties", props);
    return c;
}

static json_object *extra_component(doc *d, const hv_sbom_input *in,
                                    size_t i)
{
    const hv_extra_section *e = &in->extras[i];
    json_object *c = obj(d), *props = arr(d);
    char ref[HV_SECTION_NAME_SIZE + 16];
    snprintf(ref, sizeof ref, "extra:%s", e->name);
    put(d, c, "type", str(d, "data"));
    put(d, c, "bom-ref", str(d, ref));
    put(d, c, "name", str(d, e->name));
    put(d, c, "hashes", sha256_hashes(d, in->extra_sha256[i]));
    property(d, props, "hvimage:section", e->name);
    property_json(d, props, "hvimage:file", file_name(d, e->path));
    property(d, props, "hvimage:compressed", e->compress ? "true" : "false");
    put(d, c, "properties", props);
    return c;
}

/* The files and links of an archive listing as components; folders are
 * counted in |*entries| but not listed. */
static json_object *listing_files(doc *d, const hv_drivers_listing *l,
                                  uint64_t *entries)
{
    json_object *files = arr(d);
    *entries = 0;
    for (size_t i = 0; l && i < l->count; i++) {
        const hv_driver_entry *e = &l->entries[i];
        (*entries)++;
        if (e->type == '5')
            continue;
        push(d, files, file_component(d, e));
    }
    return files;
}

static json_object *cmdline_component(doc *d, const hv_sbom_input *in)
{
    json_object *c = obj(d), *props = arr(d);
    put(d, c, "type", str(d, "data"));
    put(d, c, "bom-ref", str(d, "cmdline"));
    put(d, c, "name", str(d, HV_SECTION_NAME_CMDLINE));
    property(d, props, "hvimage:section", HV_SECTION_NAME_CMDLINE);
    /* Printable ASCII, checked by the manifest loader. */
    property(d, props, "hvimage:cmdline", in->cmdline);
    put(d, c, "properties", props);
    return c;
}

static json_object *initramfs_component(doc *d, const hv_sbom_input *in)
{
    json_object *c = obj(d), *props = arr(d);
    put(d, c, "type", str(d, "data"));
    put(d, c, "bom-ref", str(d, "initramfs"));
    put(d, c, "name", file_name(d, in->initramfs_path));
    put(d, c, "hashes", sha256_hashes(d, in->initramfs_sha256));
    property(d, props, "hvimage:section", HV_SECTION_NAME_INITRAMFS);
    property(d, props, "hvimage:source",
             in->initramfs_listing ? "folder" : "file");
    if (in->initramfs_listing) {
        uint64_t entries;
        json_object *files = listing_files(d, in->initramfs_listing,
                                           &entries);
        property_u64(d, props, "hvimage:entries", entries, false);
        put(d, c, "components", files);
    }
    put(d, c, "properties", props);
    return c;
}

static json_object *tools(doc *d)
{
    json_object *t = obj(d), *list = arr(d), *me = obj(d);
    put(d, me, "type", str(d, "application"));
    put(d, me, "name", str(d, "hvimage"));
    put(d, me, "version", str(d, HVIMAGE_VERSION));
    push(d, list, me);
    put(d, t, "components", list);
    return t;
}

/* The image depends on everything else listed. */
static json_object *dependencies(doc *d, json_object *components)
{
    json_object *deps = arr(d), *image = obj(d), *on = arr(d);
    size_t n = components ? json_object_array_length(components) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *ref;
        if (json_object_object_get_ex(json_object_array_get_idx(components,
                                                                i),
                                      "bom-ref", &ref))
            push(d, on, json_object_get(ref));
    }
    put(d, image, "ref", str(d, "image"));
    put(d, image, "dependsOn", on);
    push(d, deps, image);
    return deps;
}

/* ISO 8601 UTC of the build epoch. */
static json_object *timestamp(doc *d, uint64_t epoch)
{
    char buf[32];
    struct tm tm;
    time_t t = (time_t)epoch;
    if ((uint64_t)t != epoch || !gmtime_r(&t, &tm) ||
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, sizeof buf, "1970-01-01T00:00:00Z");
    return str(d, buf);
}

/* urn:uuid from the SHA-256 of the document printed with a zero serial:
 * unique per content, identical for identical inputs (RFC 9562 version 8,
 * the version for name-derived UUIDs of one's own scheme). */
static int serial(json_object *bom, char out[46])
{
    const char *text = json_object_to_json_string_ext(bom, PRINT_FLAGS);
    uint8_t h[32];
    unsigned hl = 0;
    if (!text || EVP_Digest(text, strlen(text), h, &hl, EVP_sha256(),
                            NULL) != 1)
        return -1;
    h[6] = (uint8_t)((h[6] & 0x0fu) | 0x80u);
    h[8] = (uint8_t)((h[8] & 0x3fu) | 0x80u);
    char x[33];
    hex(h, 16, x);
    snprintf(out, 46, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", x, x + 8,
             x + 12, x + 16, x + 20);
    return 0;
}

int hv_sbom_generate(const hv_sbom_input *in, char **json, size_t *len,
                     hv_diag *diag)
{
    doc d = {false};
    json_object *bom = obj(&d), *meta = obj(&d), *components = arr(&d);
    *json = NULL;
    *len = 0;
    put(&d, bom, "bomFormat", str(&d, "CycloneDX"));
    put(&d, bom, "specVersion", str(&d, "1.5"));
    put(&d, bom, "serialNumber",
        str(&d, "urn:uuid:00000000-0000-0000-0000-000000000000"));
    put(&d, bom, "version", json_object_new_int(1));
    put(&d, meta, "timestamp", timestamp(&d, in->info->build_epoch));
    put(&d, meta, "tools", tools(&d));
    put(&d, meta, "component", image_component(&d, in));
    put(&d, bom, "metadata", meta);

    push(&d, components, core_component(&d, in));
    if (in->boot_config_count > 0)
        push(&d, components, bootcfg_component(&d, in));
    for (size_t i = 0; i < in->driver_count; i++)
        push(&d, components, driver_component(&d, in, &in->drivers[i]));
    for (size_t i = 0; i < in->extra_count; i++)
        push(&d, components, extra_component(&d, in, i));
    if (in->cmdline)
        push(&d, components, cmdline_component(&d, in));
    if (in->initramfs_path)
        push(&d, components, initramfs_component(&d, in));
    json_object_get(components); /* dependencies() reads it after put() */
    put(&d, bom, "components", components);
    put(&d, bom, "dependencies", dependencies(&d, components));
    json_object_put(components);

    char sn[46];
    int rc = -1;
    if (d.oom || serial(bom, sn) != 0)
        goto out;
    put(&d, bom, "serialNumber", str(&d, sn)); /* replaces the zero one */
    const char *text = d.oom ? NULL
                             : json_object_to_json_string_ext(bom,
                                                              PRINT_FLAGS);
    if (!text)
        goto out;
    *len = strlen(text);
    *json = malloc(*len + 2);
    if (!*json)
        goto out;
    memcpy(*json, text, *len);
    (*json)[(*len)++] = '\n';
    (*json)[*len] = '\0';
    rc = 0;
out:
    json_object_put(bom);
    if (rc != 0) {
        *len = 0;
        return hv_fail(diag, HV_FAIL_INTERNAL,
                       "SBOM: out of memory while writing the document");
    }
    return 0;
}
