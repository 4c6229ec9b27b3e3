/* see plan.h; the schema is documented in docs/MANIFEST.md */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host_limits.h"
#include "plan.h"
#include "release.h"
#include "yaml_doc.h"

#define BOOT_CONFIG_KEY_MAX 64u
#define BOOT_CONFIG_VALUE_MAX 256u

typedef struct loader {
    const hv_ydoc *doc;
    hv_manifest *m;
    hv_diag *diag;
} loader;

static hv_origin origin_of(const hv_manifest *m, const hv_ynode *n)
{
    hv_origin o = {m->file, n->line, n->column};
    return o;
}

/* see plan.h */
char *hv_plan_resolve_path(const char *base, const char *rel)
{
    const char *slash = strrchr(base, '/');
    size_t dlen, rlen = strlen(rel);
    char *out;

    if (rel[0] == '/' || !slash) {
        out = malloc(rlen + 1);
        if (out)
            memcpy(out, rel, rlen + 1);
        return out;
    }
    dlen = (size_t)(slash - base) + 1; /* keeps the slash */
    if (rlen > SIZE_MAX - dlen - 1)
        return NULL;
    out = malloc(dlen + rlen + 1);
    if (!out)
        return NULL;
    memcpy(out, base, dlen);
    memcpy(out + dlen, rel, rlen + 1);
    return out;
}

static int get_resolved_path(loader *l, const hv_ynode *node, const char *name,
                             char **out)
{
    char *rel;

    if (hv_yget_path(l->doc, node, name, &rel, l->diag) != 0)
        return -1;
    *out = hv_plan_resolve_path(l->m->file, rel);
    free(rel);
    if (!*out)
        return hv_yerror(l->doc, node, l->diag, "out of memory");
    return 0;
}

/* The files are checked only after the whole manifest is known to be well
 * formed, so a schema error is reported the same with or without them. */
static int check_path(loader *l, const hv_ynode *node, const char *name,
                      const char *resolved, bool folder_ok)
{
    struct stat st;

    if (stat(resolved, &st) != 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            return hv_yerror(l->doc, node, l->diag,
                             "'%s' refers to '%s', which does not exist", name,
                             resolved);
        return hv_yerror(l->doc, node, l->diag,
                         "'%s' refers to '%s', which cannot be accessed: %s",
                         name, resolved, strerror(e));
    }
    if (S_ISREG(st.st_mode))
        return 0;
    if (folder_ok && S_ISDIR(st.st_mode))
        return 0;
    return hv_yerror(l->doc, node, l->diag,
                     folder_ok ? "'%s' refers to '%s', which is neither a "
                                 "regular file nor a folder"
                               : "'%s' refers to '%s', which is not a regular "
                                 "file",
                     name, resolved);
}

static int load_image(loader *l, const hv_ynode *root)
{
    static const char *const keys[] = {"name", "version", "security_version",
                                       "min_security_version", "build_epoch",
                                       NULL};
    const hv_ydoc *doc = l->doc;
    const hv_ynode *img, *v;

    if (hv_ymap_need(doc, root, NULL, "image", &img, l->diag) != 0 ||
        hv_ymap_check(doc, img, "image", keys, l->diag) != 0)
        return -1;
    if (hv_ymap_need(doc, img, "image", "name", &v, l->diag) != 0 ||
        hv_yget_text(doc, v, "name", l->m->name, sizeof l->m->name, l->diag) !=
            0)
        return -1;
    if (hv_ymap_need(doc, img, "image", "version", &v, l->diag) != 0 ||
        hv_yget_text(doc, v, "version", l->m->version, sizeof l->m->version,
                     l->diag) != 0)
        return -1;
    if (hv_ymap_need(doc, img, "image", "security_version", &v, l->diag) != 0 ||
        hv_yget_u64(doc, v, "security_version", &l->m->security_version,
                    l->diag) != 0)
        return -1;
    /* The oldest version this image allows a rollback to; signed. */
    l->m->min_security_version = l->m->security_version;
    v = hv_ymap_get(img, "min_security_version");
    if (v) {
        if (hv_yget_u64(doc, v, "min_security_version",
                        &l->m->min_security_version, l->diag) != 0)
            return -1;
        if (l->m->min_security_version > l->m->security_version)
            return hv_yerror(doc, v, l->diag,
                            "'min_security_version' (%llu) must not be "
                            "above 'security_version' (%llu)",
                            (unsigned long long)l->m->min_security_version,
                            (unsigned long long)l->m->security_version);
    }
    v = hv_ymap_get(img, "build_epoch");
    if (v) {
        if (hv_yget_u64(doc, v, "build_epoch", &l->m->build_epoch, l->diag) != 0)
            return -1;
        l->m->has_build_epoch = true;
    }
    return 0;
}

/*
 * A Linux core (docs/MANIFEST.md "core"): where it goes and how it is
 * entered come from its setup header, so the monitor's keys are refused;
 * the command line is required and checked here for what does not depend
 * on the kernel (the builder checks it again against the kernel's own
 * cmdline_size); the base initramfs is optional.
 */
static int load_linux_core(loader *l, const hv_ynode *root,
                           const hv_ynode *core)
{
    static const char *const monitor_keys[] = {"format", "load_address",
                                               "entry_point"};
    const hv_ydoc *doc = l->doc;
    hv_manifest *m = l->m;
    const hv_ynode *v;
    char d[HV_YDESCRIBE_SIZE];

    for (size_t i = 0; i < sizeof monitor_keys / sizeof monitor_keys[0];
         i++) {
        const hv_ynode *k = hv_ymap_key(core, monitor_keys[i]);
        if (k)
            return hv_yerror(doc, k, l->diag,
                             "'%s' must not be given when 'kind' is linux "
                             "(the bzImage's setup header decides it)",
                             monitor_keys[i]);
    }
    v = hv_ymap_key(root, "boot_config");
    if (v)
        return hv_yerror(doc, v, l->diag,
                         "'boot_config' must not be given when core 'kind' "
                         "is linux (its configuration is 'cmdline')");
    if (hv_ymap_need(doc, core, "core", "cmdline", &v, l->diag) != 0)
        return -1;
    if (v->kind != HV_Y_SCALAR)
        return hv_yerror(doc, v, l->diag,
                         "'cmdline' must be a string, found %s",
                         hv_ydescribe(v, d, sizeof d));
    /* The kernel's COMMAND_LINE_SIZE less what the stage appends: no
     * kernel accepts more (the builder applies the kernel's own limit). */
    uint64_t max = HV_MAX_MANIFEST_CMDLINE;
    if (v->len == 0 || v->len > max)
        return hv_yerror(doc, v, l->diag,
                         "'cmdline' is %zu bytes; it must be 1 to %llu",
                         v->len, (unsigned long long)max);
    for (size_t i = 0; i < v->len; i++) {
        unsigned char c = (unsigned char)v->text[i];
        if (c < 0x20 || c > 0x7E)
            return hv_yerror(doc, v, l->diag,
                             "'cmdline' byte %zu is 0x%02x: only printable "
                             "ASCII (0x20 to 0x7e) reaches the kernel",
                             i, c);
    }
    m->cmdline = malloc(v->len + 1);
    if (!m->cmdline)
        return hv_yerror(doc, v, l->diag, "out of memory");
    memcpy(m->cmdline, v->text, v->len + 1);
    m->cmdline_len = v->len;
    m->cmdline_origin = origin_of(m, v);
    v = hv_ymap_get(core, "initramfs");
    if (v) {
        if (get_resolved_path(l, v, "initramfs", &m->initramfs_path) != 0)
            return -1;
        m->initramfs_origin = origin_of(m, v);
    }
    return 0;
}

static int load_core(loader *l, const hv_ynode *root)
{
    static const char *const keys[] = {"path", "format", "load_address",
                                       "entry_point", "kind", "cmdline",
                                       "initramfs", NULL};
    const hv_ydoc *doc = l->doc;
    hv_manifest *m = l->m;
    const hv_ynode *core, *v, *la, *ep;

    if (hv_ymap_need(doc, root, NULL, "core", &core, l->diag) != 0 ||
        hv_ymap_check(doc, core, "core", keys, l->diag) != 0)
        return -1;
    if (hv_ymap_need(doc, core, "core", "path", &v, l->diag) != 0 ||
        get_resolved_path(l, v, "path", &m->core_path) != 0)
        return -1;
    m->core_origin = origin_of(m, v);

    m->core_kind = HV_PLAN_CORE_MONITOR;
    v = hv_ymap_get(core, "kind");
    if (v) {
        char d[HV_YDESCRIBE_SIZE];
        if (v->kind == HV_Y_SCALAR && v->len == 7 &&
            strcmp(v->text, "monitor") == 0)
            m->core_kind = HV_PLAN_CORE_MONITOR;
        else if (v->kind == HV_Y_SCALAR && v->len == 5 &&
                 strcmp(v->text, "linux") == 0)
            m->core_kind = HV_PLAN_CORE_LINUX;
        else
            return hv_yerror(doc, v, l->diag,
                             "'kind' must be one of monitor, linux, found %s",
                             hv_ydescribe(v, d, sizeof d));
    }
    if (m->core_kind == HV_PLAN_CORE_LINUX)
        return load_linux_core(l, root, core);
    {
        static const char *const linux_keys[] = {"cmdline", "initramfs"};
        for (size_t i = 0; i < 2; i++) {
            const hv_ynode *k = hv_ymap_key(core, linux_keys[i]);
            if (k)
                return hv_yerror(doc, k, l->diag,
                                 "'%s' is for a Linux core: it must not be "
                                 "given unless 'kind' is linux",
                                 linux_keys[i]);
        }
    }

    m->core_format = HV_CORE_AUTO;
    v = hv_ymap_get(core, "format");
    if (v) {
        char d[HV_YDESCRIBE_SIZE];
        if (v->kind == HV_Y_SCALAR && strcmp(v->text, "auto") == 0 &&
            v->len == 4)
            m->core_format = HV_CORE_AUTO;
        else if (v->kind == HV_Y_SCALAR && strcmp(v->text, "elf") == 0 &&
                 v->len == 3)
            m->core_format = HV_CORE_ELF;
        else if (v->kind == HV_Y_SCALAR && strcmp(v->text, "raw") == 0 &&
                 v->len == 3)
            m->core_format = HV_CORE_RAW;
        else
            return hv_yerror(doc, v, l->diag,
                             "'format' must be one of auto, elf, raw, found %s",
                             hv_ydescribe(v, d, sizeof d));
    }

    la = hv_ymap_get(core, "load_address");
    ep = hv_ymap_get(core, "entry_point");
    if (m->core_format == HV_CORE_ELF) {
        /* Two sources for one fact would have to agree; take the ELF's. */
        const hv_ynode *bad = la ? la : ep;
        if (bad)
            return hv_yerror(doc, bad, l->diag,
                             "'%s' must not be given when 'format' is elf "
                             "(the ELF header provides it)",
                             la ? "load_address" : "entry_point");
        return 0;
    }
    if (m->core_format == HV_CORE_RAW || la || ep) {
        const char *why = m->core_format == HV_CORE_RAW
                              ? "required when 'format' is raw"
                              : "load_address and entry_point come together";
        if (!la)
            return hv_yerror(doc, core, l->diag,
                             "missing required key 'load_address' in 'core' "
                             "(%s)",
                             why);
        if (!ep)
            return hv_yerror(doc, core, l->diag,
                             "missing required key 'entry_point' in 'core' "
                             "(%s)",
                             why);
        if (hv_yget_u64(doc, la, "load_address", &m->load_address, l->diag) !=
                0 ||
            hv_yget_u64(doc, ep, "entry_point", &m->entry_point, l->diag) != 0)
            return -1;
        m->has_load_address = true;
        m->has_entry_point = true;
    }
    return 0;
}

static int load_drivers(loader *l, const hv_ynode *root)
{
    static const char *const keys[] = {"vendor", "version", "path",
                                       "signature", NULL};
    const hv_ydoc *doc = l->doc;
    hv_manifest *m = l->m;
    const hv_ynode *seq = hv_ymap_get(root, "drivers");

    if (!seq)
        return 0;
    if (hv_yseq_check(doc, seq, "drivers", l->diag) != 0)
        return -1;
    if (seq->count > HV_MAX_DRIVER_PACKAGES)
        return hv_yerror(doc, seq, l->diag,
                         "'drivers' lists %zu packages, more than the limit "
                         "of %u",
                         seq->count, (unsigned)HV_MAX_DRIVER_PACKAGES);
    if (seq->count == 0)
        return 0;
    m->drivers = calloc(seq->count, sizeof *m->drivers);
    if (!m->drivers)
        return hv_yerror(doc, seq, l->diag, "out of memory");
    m->driver_count = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        const hv_ynode *e = seq->items[i], *v;
        hv_driver_pkg *d = &m->drivers[i];
        char what[48], name[64];

        snprintf(what, sizeof what, "drivers[%zu]", i);
        if (hv_ymap_check(doc, e, what, keys, l->diag) != 0)
            return -1;
        d->origin = origin_of(m, e);
        snprintf(name, sizeof name, "%s.vendor", what);
        if (hv_ymap_need(doc, e, what, "vendor", &v, l->diag) != 0 ||
            hv_yget_text(doc, v, name, d->vendor, sizeof d->vendor, l->diag) !=
                0)
            return -1;
        /* At most HV_MAX_DRIVER_PACKAGES entries: quadratic is fine. */
        for (size_t j = 0; j < i; j++) {
            if (strcmp(m->drivers[j].vendor, d->vendor) == 0)
                return hv_yerror(doc, v, l->diag,
                                 "duplicate driver vendor '%s' (first at line "
                                 "%u, column %u)",
                                 d->vendor, m->drivers[j].origin.line,
                                 m->drivers[j].origin.column);
        }
        snprintf(name, sizeof name, "%s.version", what);
        if (hv_ymap_need(doc, e, what, "version", &v, l->diag) != 0 ||
            hv_yget_text(doc, v, name, d->version, sizeof d->version,
                         l->diag) != 0)
            return -1;
        snprintf(name, sizeof name, "%s.path", what);
        if (hv_ymap_need(doc, e, what, "path", &v, l->diag) != 0 ||
            get_resolved_path(l, v, name, &d->path) != 0)
            return -1;
        v = hv_ymap_get(e, "signature");
        snprintf(name, sizeof name, "%s.signature", what);
        if (v) {
            if (get_resolved_path(l, v, name, &d->signature) != 0)
                return -1;
            d->signature_origin = origin_of(m, v);
        }
    }
    return 0;
}

static bool boot_config_key_ok(const hv_ynode *k)
{
    if (k->len < 1 || k->len > BOOT_CONFIG_KEY_MAX)
        return false;
    for (size_t i = 0; i < k->len; i++) {
        char c = k->text[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == '-'))
            return false;
    }
    return true;
}

static int load_boot_config(loader *l, const hv_ynode *root)
{
    const hv_ydoc *doc = l->doc;
    hv_manifest *m = l->m;
    const hv_ynode *map = hv_ymap_get(root, "boot_config");
    char d[HV_YDESCRIBE_SIZE];

    if (!map)
        return 0;
    if (map->kind != HV_Y_MAP)
        return hv_yerror(doc, map, l->diag,
                         "'boot_config' must be a map, found %s",
                         hv_ydescribe(map, d, sizeof d));
    if (map->count > HV_MAX_BOOT_CONFIG_ENTRIES)
        return hv_yerror(doc, map, l->diag,
                         "'boot_config' has %zu entries, more than the limit "
                         "of %u",
                         map->count, (unsigned)HV_MAX_BOOT_CONFIG_ENTRIES);
    if (map->count == 0)
        return 0;
    m->boot_config = calloc(map->count, sizeof *m->boot_config);
    if (!m->boot_config)
        return hv_yerror(doc, map, l->diag, "out of memory");
    m->boot_config_count = map->count;
    /* Keys are unique already: the YAML layer refuses duplicate keys. */
    for (size_t i = 0; i < map->count; i++) {
        const hv_ynode *k = map->items[2 * i], *v = map->items[2 * i + 1];
        hv_kv *kv = &m->boot_config[i];

        if (!boot_config_key_ok(k))
            return hv_yerror(doc, k, l->diag,
                             "boot_config key %s must be 1 to %u characters "
                             "from a-z 0-9 _ . -",
                             hv_ydescribe(k, d, sizeof d),
                             BOOT_CONFIG_KEY_MAX);
        if (v->kind != HV_Y_SCALAR)
            return hv_yerror(doc, v, l->diag,
                             "boot_config value of '%s' must be a scalar, "
                             "found %s",
                             k->text, hv_ydescribe(v, d, sizeof d));
        if (v->len > BOOT_CONFIG_VALUE_MAX)
            return hv_yerror(doc, v, l->diag,
                             "boot_config value of '%s' is %zu bytes, longer "
                             "than %u",
                             k->text, v->len, BOOT_CONFIG_VALUE_MAX);
        /* The section is "key=value" lines: a newline or other control
         * character would forge lines or hide text. */
        if (!hv_ytext_printable(v->text, v->len))
            return hv_yerror(doc, v, l->diag,
                             "boot_config value of '%s' must not contain "
                             "control characters, found %s",
                             k->text, hv_ydescribe(v, d, sizeof d));
        kv->key = malloc(k->len + 1);
        kv->value = malloc(v->len + 1);
        if (!kv->key || !kv->value)
            return hv_yerror(doc, v, l->diag, "out of memory");
        memcpy(kv->key, k->text, k->len + 1);
        memcpy(kv->value, v->text, v->len + 1);
    }
    return 0;
}

static int load_sections(loader *l, const hv_ynode *root)
{
    static const char *const keys[] = {"name", "path", "compress", NULL};
    static const char *const reserved[] = {
        HV_SECTION_NAME_CORE, HV_SECTION_NAME_BOOTCFG, HV_SECTION_NAME_DRIVERS,
        HV_SECTION_NAME_SBOM, HV_SECTION_NAME_CMDLINE,
        HV_SECTION_NAME_INITRAMFS};
    const hv_ydoc *doc = l->doc;
    hv_manifest *m = l->m;
    const hv_ynode *seq = hv_ymap_get(root, "sections");

    if (!seq)
        return 0;
    if (hv_yseq_check(doc, seq, "sections", l->diag) != 0)
        return -1;
    if (seq->count > HV_MAX_EXTRA_SECTIONS)
        return hv_yerror(doc, seq, l->diag,
                         "'sections' lists %zu sections, more than the limit "
                         "of %u",
                         seq->count, (unsigned)HV_MAX_EXTRA_SECTIONS);
    if (seq->count == 0)
        return 0;
    m->extras = calloc(seq->count, sizeof *m->extras);
    if (!m->extras)
        return hv_yerror(doc, seq, l->diag, "out of memory");
    m->extra_count = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        const hv_ynode *e = seq->items[i], *v;
        hv_extra_section *x = &m->extras[i];
        char what[48], name[64];

        snprintf(what, sizeof what, "sections[%zu]", i);
        if (hv_ymap_check(doc, e, what, keys, l->diag) != 0)
            return -1;
        x->origin = origin_of(m, e);
        snprintf(name, sizeof name, "%s.name", what);
        if (hv_ymap_need(doc, e, what, "name", &v, l->diag) != 0 ||
            hv_yget_text(doc, v, name, x->name, sizeof x->name, l->diag) != 0)
            return -1;
        for (size_t j = 0; j < sizeof reserved / sizeof reserved[0]; j++) {
            if (strcmp(x->name, reserved[j]) == 0)
                return hv_yerror(doc, v, l->diag,
                                 "section name '%s' is reserved (core, "
                                 "bootcfg, drivers, sbom, cmdline and "
                                 "initramfs are built in)",
                                 x->name);
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(m->extras[j].name, x->name) == 0)
                return hv_yerror(doc, v, l->diag,
                                 "duplicate section name '%s' (first at line "
                                 "%u, column %u)",
                                 x->name, m->extras[j].origin.line,
                                 m->extras[j].origin.column);
        }
        snprintf(name, sizeof name, "%s.path", what);
        if (hv_ymap_need(doc, e, what, "path", &v, l->diag) != 0 ||
            get_resolved_path(l, v, name, &x->path) != 0)
            return -1;
        x->compress = true;
        v = hv_ymap_get(e, "compress");
        snprintf(name, sizeof name, "%s.compress", what);
        if (v && hv_yget_bool(doc, v, name, &x->compress, l->diag) != 0)
            return -1;
    }
    return 0;
}

/* Runs before sorting, while m->drivers[i] and m->extras[i] still match
 * the i-th YAML entries. */
static int check_files(loader *l, const hv_ynode *root)
{
    const hv_ynode *core = hv_ymap_get(root, "core");
    const hv_ynode *seq;
    char name[64];

    if (check_path(l, hv_ymap_get(core, "path"), "path", l->m->core_path,
                   false) != 0)
        return -1;
    if (l->m->initramfs_path &&
        check_path(l, hv_ymap_get(core, "initramfs"), "initramfs",
                   l->m->initramfs_path, true) != 0)
        return -1;
    seq = hv_ymap_get(root, "drivers");
    for (size_t i = 0; i < l->m->driver_count; i++) {
        snprintf(name, sizeof name, "drivers[%zu].path", i);
        if (check_path(l, hv_ymap_get(seq->items[i], "path"), name,
                       l->m->drivers[i].path, true) != 0)
            return -1;
        /* A signature named but missing is refused here, with its place;
         * an implicit PATH.sig is looked for at admission. */
        snprintf(name, sizeof name, "drivers[%zu].signature", i);
        if (l->m->drivers[i].signature &&
            check_path(l, hv_ymap_get(seq->items[i], "signature"), name,
                       l->m->drivers[i].signature, false) != 0)
            return -1;
    }
    seq = hv_ymap_get(root, "sections");
    for (size_t i = 0; i < l->m->extra_count; i++) {
        snprintf(name, sizeof name, "sections[%zu].path", i);
        if (check_path(l, hv_ymap_get(seq->items[i], "path"), name,
                       l->m->extras[i].path, false) != 0)
            return -1;
    }
    return 0;
}

static int cmp_driver(const void *a, const void *b)
{
    return strcmp(((const hv_driver_pkg *)a)->vendor,
                  ((const hv_driver_pkg *)b)->vendor);
}

static int cmp_kv(const void *a, const void *b)
{
    return strcmp(((const hv_kv *)a)->key, ((const hv_kv *)b)->key);
}

static int cmp_extra(const void *a, const void *b)
{
    return strcmp(((const hv_extra_section *)a)->name,
                  ((const hv_extra_section *)b)->name);
}

int hv_manifest_load(const char *path, hv_manifest *out, hv_diag *diag)
{
    static const char *const keys[] = {"image", "core", "drivers",
                                       "boot_config", "sections",
                                       "release", NULL};
    hv_ydoc doc;
    loader l;
    int rc = -1;

    memset(out, 0, sizeof *out);
    memset(&doc, 0, sizeof doc);
    out->file = strdup(path);
    if (!out->file)
        return hv_fail(diag, HV_FAIL_INTERNAL, "%s: error: out of memory", path);
    if (hv_ydoc_load(&doc, path, diag) != 0)
        goto out;
    l.doc = &doc;
    l.m = out;
    l.diag = diag;
    if (hv_ymap_check(&doc, doc.root, NULL, keys, diag) != 0 ||
        load_image(&l, doc.root) != 0 || load_core(&l, doc.root) != 0 ||
        load_drivers(&l, doc.root) != 0 ||
        load_boot_config(&l, doc.root) != 0 ||
        load_sections(&l, doc.root) != 0 ||
        hv_release_load(&doc, doc.root, out, diag) != 0 ||
        check_files(&l, doc.root) != 0)
        goto out;
    /* Sorted, so that the image does not depend on the manifest's order.
     * Every sort key is unique, so qsort's instability cannot show. */
    if (out->driver_count)
        qsort(out->drivers, out->driver_count, sizeof *out->drivers,
              cmp_driver);
    if (out->boot_config_count)
        qsort(out->boot_config, out->boot_config_count,
              sizeof *out->boot_config, cmp_kv);
    if (out->extra_count)
        qsort(out->extras, out->extra_count, sizeof *out->extras, cmp_extra);
    rc = 0;
out:
    hv_ydoc_free(&doc);
    if (rc != 0)
        hv_manifest_free(out);
    return rc;
}

void hv_manifest_free(hv_manifest *m)
{
    if (!m)
        return;
    free(m->file);
    free(m->core_path);
    free(m->cmdline);
    free(m->initramfs_path);
    for (size_t i = 0; m->drivers && i < m->driver_count; i++) {
        free(m->drivers[i].path);
        free(m->drivers[i].signature);
    }
    free(m->drivers);
    for (size_t i = 0; m->boot_config && i < m->boot_config_count; i++) {
        free(m->boot_config[i].key);
        free(m->boot_config[i].value);
    }
    free(m->boot_config);
    for (size_t i = 0; m->extras && i < m->extra_count; i++)
        free(m->extras[i].path);
    free(m->extras);
    hv_release_free(&m->release);
    memset(m, 0, sizeof *m);
}
