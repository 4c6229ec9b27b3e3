#include "provenance.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "build_inputs.h"
#include "dsse.h"
#include "file_digest.h"
#include "output_check.h"
#include "plan.h"

/* The last second RFC 3339's four-digit year can hold (9999-12-31). */
#define EPOCH_MAX 253402300799ull

/* ---- Canonical JSON text -------------------------------------------------- */

typedef struct jbuf {
    char *p;
    size_t len, cap;
    bool oom;
} jbuf;

static void put_n(jbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (n > SIZE_MAX / 2 - b->len) {
        b->oom = true;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void put(jbuf *b, const char *s) { put_n(b, s, strlen(s)); }

/* Length of the UTF-8 sequence at |s| (1..4), or 0 if it is not one (an
 * overlong form, a surrogate, past U+10FFFF, or cut short). */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xc2 && s[0] <= 0xdf   ? 2
               : s[0] >= 0xe0 && s[0] <= 0xef ? 3
               : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
                                              : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((n == 3 && s[0] == 0xe0 && s[1] < 0xa0) ||
        (n == 3 && s[0] == 0xed && s[1] >= 0xa0) ||
        (n == 4 && s[0] == 0xf0 && s[1] < 0x90) ||
        (n == 4 && s[0] == 0xf4 && s[1] >= 0x90))
        return 0;
    return n;
}

/* A JSON string escaped as RFC 8785 (JCS) does: '"' and '\\', \b \t \n \f
 * \r, other control bytes as \u00xx, the rest as UTF-8. -1 if |s| is not
 * UTF-8 (JSON text cannot carry other bytes). */
static int put_str(jbuf *b, const char *s)
{
    put(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p == '"' || *p == '\\') {
            char esc[2] = {'\\', (char)*p};
            put_n(b, esc, 2);
            p++;
        } else if (*p < 0x20) {
            static const char shortform[] = "\bb\tt\nn\ff\rr";
            const char *f = memchr(shortform, *p, sizeof shortform - 1);
            char esc[8];
            if (f && (f - shortform) % 2 == 0)
                snprintf(esc, sizeof esc, "\\%c", f[1]);
            else
                snprintf(esc, sizeof esc, "\\u%04x", *p);
            put(b, esc);
            p++;
        } else {
            size_t n = utf8_len(p);
            if (n == 0)
                return -1;
            put_n(b, (const char *)p, n);
            p += n;
        }
    }
    put(b, "\"");
    return 0;
}

static void put_hex(jbuf *b, const uint8_t *d, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        char two[2] = {digits[d[i] >> 4], digits[d[i] & 15]};
        put_n(b, two, 2);
    }
}

/* ---- Inputs ------------------------------------------------------------- */

/*
 * The manifest resolves its paths against its own folder. Recording them
 * that way again (the path as the manifest wrote it) keeps the statement
 * the same wherever the tree is checked out.
 */
static const char *manifest_relative(const char *manifest, const char *path)
{
    const char *slash = strrchr(manifest, '/');
    size_t dlen = slash ? (size_t)(slash - manifest) + 1 : 0;
    if (dlen && strncmp(path, manifest, dlen) == 0)
        return path + dlen;
    return path;
}

/* One resolvedDependencies entry: name, digest, annotations (role, and
 * vendor/version or section where they apply). */
static int put_dependency(jbuf *b, bool first, const char *name,
                          const char *path, const uint8_t *known,
                          const char *role, const char *k1, const char *v1,
                          const char *k2, const char *v2, hv_diag *diag)
{
    uint8_t digest[HV_SHA256_SIZE];
    if (known)
        memcpy(digest, known, sizeof digest);
    else if (hv_file_sha256(path, digest, NULL, diag) != 0)
        return -1;
    put(b, first ? "{\"name\":" : ",{\"name\":");
    if (put_str(b, name) != 0)
        return hv_diag_set(diag, "%s: the path is not UTF-8, which the "
                           "provenance (JSON) cannot record", path);
    put(b, ",\"digest\":{\"sha256\":\"");
    put_hex(b, digest, sizeof digest);
    put(b, "\"},\"annotations\":{\"role\":");
    put_str(b, role);
    /* Vendor names, versions and section names are the format's text
     * charset (plan.h): always valid JSON strings. */
    if (k1) {
        put(b, ",");
        put_str(b, k1);
        put(b, ":");
        put_str(b, v1);
    }
    if (k2) {
        put(b, ",");
        put_str(b, k2);
        put(b, ":");
        put_str(b, v2);
    }
    put(b, "}}");
    return 0;
}

static int put_dependencies(jbuf *b, const hv_provenance_opts *o,
                            const hv_manifest *m, hv_diag *diag)
{
    const char *mf = m->file;
    if (put_dependency(b, true, o->manifest_path, o->manifest_path, NULL,
                       "manifest", NULL, NULL, NULL, NULL, diag) != 0 ||
        put_dependency(b, false, o->profile_path, o->profile_path, NULL,
                       "profile", NULL, NULL, NULL, NULL, diag) != 0 ||
        put_dependency(b, false, manifest_relative(mf, m->core_path),
                       m->core_path, o->core_sha256, "core", NULL, NULL,
                       NULL, NULL, diag) != 0)
        return -1;
    if (o->trust_count != m->driver_count)
        return hv_fail(diag, HV_FAIL_INTERNAL, "internal error: %zu package "
                       "admissions for %zu packages", o->trust_count,
                       m->driver_count);
    for (size_t i = 0; i < m->driver_count; i++) {
        const hv_driver_pkg *d = &m->drivers[i];
        const hv_package_trust *t = &o->trust[i];
        /* The package digest admission computed: a file's SHA-256, or a
         * folder's normalised single-package archive (package_digest.h). */
        if (strcmp(t->vendor, d->vendor) != 0)
            return hv_fail(diag, HV_FAIL_INTERNAL, "internal error: package "
                           "admissions out of order");
        if (put_dependency(b, false, manifest_relative(mf, d->path), d->path,
                           t->sha256, "driver", "vendor", d->vendor,
                           "version", d->version, diag) != 0)
            return -1;
        if (t->signature_path[0] &&
            put_dependency(b, false,
                           manifest_relative(mf, t->signature_path),
                           t->signature_path, NULL, "driver-signature",
                           "vendor", d->vendor, NULL, NULL, diag) != 0)
            return -1;
    }
    for (size_t i = 0; i < m->extra_count; i++) {
        const hv_extra_section *e = &m->extras[i];
        if (put_dependency(b, false, manifest_relative(mf, e->path), e->path,
                           o->extra_sha256 ? o->extra_sha256[i] : NULL,
                           "section", "section", e->name, NULL, NULL,
                           diag) != 0)
            return -1;
    }
    /* A Linux core's base initramfs: what the section holds. */
    if (m->initramfs_path &&
        put_dependency(b, false, manifest_relative(mf, m->initramfs_path),
                       m->initramfs_path, o->initramfs_sha256, "initramfs",
                       "section", HV_SECTION_NAME_INITRAMFS, NULL, NULL,
                       diag) != 0)
        return -1;
    return 0;
}

/* ---- The output ---------------------------------------------------------- */

/* see provenance.h */
int hv_provenance_check_output(const char *path, const char *manifest_path,
                               hv_diag *diag)
{
    hv_manifest m;
    hv_diag ignored;
    const char *clash = NULL;
    memset(&m, 0, sizeof m);
    if (hv_manifest_load(manifest_path, &m, &ignored) != 0) {
        hv_manifest_free(&m);
        return 0;
    }
    char where[PATH_MAX];
    if (hv_build_input_clash(&m, path, where))
        clash = where;
    int rc = 0;
    if (clash)
        rc = hv_diag_set(diag, "--provenance %s: is (or is inside) the input "
                         "%s named by %s; refusing to overwrite an input",
                         path, clash, manifest_path);
    hv_manifest_free(&m);
    return rc;
}

/* ---- The statement ------------------------------------------------------ */

/* see provenance.h */
int hv_provenance_statement(const hv_provenance_opts *o, char **out,
                            size_t *len, hv_diag *diag)
{
    hv_manifest m;
    jbuf b = {0};
    uint8_t image_digest[32];
    char when[32], num[24];
    int rc = -1;

    *out = NULL;
    *len = 0;
    memset(&m, 0, sizeof m);
    if (o->build_epoch > EPOCH_MAX)
        return hv_diag_set(diag,
                           "build epoch %llu is past 9999-12-31, which the "
                           "provenance's RFC 3339 times cannot hold",
                           (unsigned long long)o->build_epoch);
    time_t t = (time_t)o->build_epoch;
    struct tm tm;
    if (!gmtime_r(&t, &tm) ||
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return hv_fail(diag, HV_FAIL_INTERNAL, "cannot format the build "
                       "epoch");
    if (hv_manifest_load(o->manifest_path, &m, diag) != 0 ||
        hv_file_sha256(o->image_path, image_digest, NULL, diag) != 0)
        goto out;

    const char *slash = strrchr(o->image_path, '/');
    const char *image_name = slash ? slash + 1 : o->image_path;
    put(&b, "{\"_type\":\"" HV_PROVENANCE_STATEMENT_TYPE "\",\"subject\":"
            "[{\"name\":");
    if (put_str(&b, image_name) != 0) {
        hv_diag_set(diag, "%s: the file name is not UTF-8, which the "
                    "provenance (JSON) cannot record", o->image_path);
        goto out;
    }
    put(&b, ",\"digest\":{\"sha256\":\"");
    put_hex(&b, image_digest, sizeof image_digest);
    put(&b, "\"}}],\"predicateType\":\"" HV_PROVENANCE_PREDICATE_TYPE "\","
            "\"predicate\":{\"buildDefinition\":{\"buildType\":\""
            HV_PROVENANCE_BUILD_TYPE "\",\"externalParameters\":"
            "{\"manifest\":");
    if (put_str(&b, o->manifest_path) != 0 ||
        (put(&b, ",\"profile\":"), put_str(&b, o->profile_path)) != 0) {
        hv_diag_set(diag, "the manifest or profile path is not UTF-8, "
                    "which the provenance (JSON) cannot record");
        goto out;
    }
    snprintf(num, sizeof num, "%u", (unsigned)o->format_version);
    put(&b, ",\"formatVersion\":");
    put(&b, num);
    put(&b, "},\"resolvedDependencies\":[");
    if (put_dependencies(&b, o, &m, diag) != 0)
        goto out;
    put(&b, "]},\"runDetails\":{\"builder\":{\"id\":\""
            HV_PROVENANCE_BUILDER_ID "\",\"version\":{\"hvimage\":\""
            HVIMAGE_VERSION "\"}},\"metadata\":{\"startedOn\":\"");
    put(&b, when);
    put(&b, "\",\"finishedOn\":\"");
    put(&b, when);
    put(&b, "\"}}}}");
    if (b.oom) {
        hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
        goto out;
    }
    *out = b.p;
    *len = b.len;
    b.p = NULL;
    rc = 0;
out:
    free(b.p);
    hv_manifest_free(&m);
    return rc;
}

/* see provenance.h */
int hv_provenance_write(const char *path, const hv_provenance_opts *o,
                        hv_signer *const *signers, size_t n, hv_diag *diag)
{
    char *statement = NULL;
    size_t len = 0;
    hv_dsse_envelope env;
    int rc = -1;

    memset(&env, 0, sizeof env);
    if (n == 0)
        return hv_diag_set(diag, "%s: the provenance is signed with the "
                           "build keys, and there are none", path);
    if (hv_provenance_statement(o, &statement, &len, diag) != 0 ||
        hv_dsse_init(&env, HV_PROVENANCE_PAYLOAD_TYPE,
                     (const uint8_t *)statement, len, diag) != 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (hv_dsse_sign(&env, signers[i], diag) != 0)
            goto out;
    rc = hv_dsse_write_file(path, &env, diag);
out:
    hv_dsse_free(&env);
    free(statement);
    return rc;
}
