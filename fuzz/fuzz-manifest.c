/*
 * Fuzz target: the manifest loader hv_manifest_load() (YAML through
 * mkimage/plan/yaml_doc.c, then the manifest schema).
 *
 * The input is written as "m.yaml" into a fresh temporary folder, loaded,
 * freed, and the folder removed. Paths in a manifest resolve against its
 * folder and must exist, so seeds name "m.yaml" itself (a regular file)
 * for the core and extra sections and "." (a folder) for driver packages:
 * mutations then reach the checks after the file checks.
 *
 * Oracles (a violation aborts), the promises of mkimage/plan/plan.h:
 *  - failure leaves a message and a zeroed struct (safe to free again);
 *  - success gives text fields in the format's charset, drivers sorted by
 *    unique vendor, boot_config sorted by unique key from a-z 0-9 _ . -
 *    with values free of control characters (C0, DEL, C1, U+2028/9),
 *    extras sorted by unique, unreserved name, and counts within the
 *    limits.
 *
 * Verdict (fuzz_verdict): whether hv_manifest_load() loaded it.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "host_limits.h" /* mkimage/plan/host_limits.h */
#include "plan.h"

static void check_manifest(const hv_manifest *m)
{
    if (!fuzz_is_text(m->name, HV_IMAGE_NAME_SIZE) ||
        !fuzz_is_text(m->version, HV_VERSION_SIZE))
        fuzz_fail("image name or version outside the text charset");
    if (!m->file || !m->core_path)
        fuzz_fail("loaded manifest without file or core path");
    if (m->driver_count > HV_MAX_DRIVER_PACKAGES ||
        m->boot_config_count > HV_MAX_BOOT_CONFIG_ENTRIES ||
        m->extra_count > HV_MAX_EXTRA_SECTIONS)
        fuzz_fail("a count is over its limit");
    for (size_t i = 0; i < m->driver_count; i++) {
        const hv_driver_pkg *d = &m->drivers[i];
        if (!fuzz_is_text(d->vendor, HV_SECTION_NAME_SIZE) ||
            !fuzz_is_text(d->version, HV_VERSION_SIZE) || !d->path)
            fuzz_fail("driver %zu: bad vendor, version or path", i);
        if (i && strcmp(m->drivers[i - 1].vendor, d->vendor) >= 0)
            fuzz_fail("drivers not sorted by unique vendor at %zu", i);
    }
    for (size_t i = 0; i < m->boot_config_count; i++) {
        const hv_kv *kv = &m->boot_config[i];
        if (!kv->key || !kv->value || !kv->key[0])
            fuzz_fail("boot_config %zu: missing key or value", i);
        for (const char *c = kv->key; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
                  *c == '_' || *c == '.' || *c == '-'))
                fuzz_fail("boot_config key '%s' outside a-z 0-9 _ . -",
                          kv->key);
        /* docs/MANIFEST.md: no C0, DEL, C1, U+2028 or U+2029. */
        for (const unsigned char *c = (const unsigned char *)kv->value; *c;
             c++)
            if (*c < 0x20 || *c == 0x7f ||
                (c[0] == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f) ||
                (c[0] == 0xe2 && c[1] == 0x80 &&
                 (c[2] == 0xa8 || c[2] == 0xa9)))
                fuzz_fail("boot_config value of '%s' has a control "
                          "character at byte %zu",
                          kv->key, (size_t)(c - (const unsigned char *)
                                                    kv->value));
        if (i && strcmp(m->boot_config[i - 1].key, kv->key) >= 0)
            fuzz_fail("boot_config not sorted by unique key at %zu", i);
    }
    for (size_t i = 0; i < m->extra_count; i++) {
        const hv_extra_section *x = &m->extras[i];
        if (!fuzz_is_text(x->name, HV_SECTION_NAME_SIZE) || !x->path ||
            !strcmp(x->name, HV_SECTION_NAME_CORE) ||
            !strcmp(x->name, HV_SECTION_NAME_BOOTCFG) ||
            !strcmp(x->name, HV_SECTION_NAME_DRIVERS))
            fuzz_fail("extra section %zu: bad or reserved name", i);
        if (i && strcmp(m->extras[i - 1].name, x->name) >= 0)
            fuzz_fail("extras not sorted by unique name at %zu", i);
    }
    if (m->core_format == HV_CORE_RAW &&
        (!m->has_load_address || !m->has_entry_point))
        fuzz_fail("raw core without load address and entry point");
    if (m->core_format == HV_CORE_ELF &&
        (m->has_load_address || m->has_entry_point))
        fuzz_fail("ELF core with addresses from the manifest");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char dir[512], path[600];
    int n = snprintf(dir, sizeof dir, "%s/hvfuzz-XXXXXX", fuzz_tmpdir());
    if (n < 0 || (size_t)n >= sizeof dir || !mkdtemp(dir))
        fuzz_fail("cannot make a temporary folder");
    snprintf(path, sizeof path, "%s/m.yaml", dir);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
        fuzz_fail("cannot write %s", path);

    hv_manifest *m = fuzz_xmalloc(sizeof *m);
    hv_diag *diag = fuzz_xmalloc(sizeof *diag);
    diag->msg[0] = '\0';
    int loaded = hv_manifest_load(path, m, diag) == 0;
    fuzz_verdict(loaded ? FUZZ_ACCEPTED : FUZZ_REFUSED);
    if (loaded) {
        check_manifest(m);
    } else {
        if (!diag->msg[0])
            fuzz_fail("load failed without a message");
        if (!fuzz_all_zero(m, sizeof *m))
            fuzz_fail("failed load left the struct filled");
    }
    hv_manifest_free(m);
    hv_manifest_free(m); /* documented as safe on a freed (zeroed) struct */

    free(diag);
    free(m);
    unlink(path);
    rmdir(dir);
    return 0;
}
