/* Indexing and loading the initramfs's modules (modules.h). */
#include "modules.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "modinfo.h"

/* No module is near this; a bigger file is no module of ours. */
#define MAX_MODULE_BYTES (64u << 20)

static int read_file(const char *path, uint8_t **buf, size_t *len,
                     hv_diag *diag)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hv_fail_errno(diag, errno, path, "cannot open");
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < 0 ||
        (uint64_t)st.st_size > MAX_MODULE_BYTES) {
        close(fd);
        return hv_fail(diag, HV_FAIL_INPUT, "%s: not a module-sized file",
                       path);
    }
    *len = (size_t)st.st_size;
    *buf = malloc(*len ? *len : 1);
    if (!*buf) {
        close(fd);
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    size_t got = 0;
    while (got < *len) {
        ssize_t r = read(fd, *buf + got, *len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            int e = r < 0 ? errno : EIO;
            free(*buf);
            *buf = NULL;
            close(fd);
            hv_fail_errno(diag, e, path, "cannot read");
            return -1;
        }
        got += (size_t)r;
    }
    close(fd);
    return 0;
}

/* Paths are kept as messages show them, from / without the leading '/'
 * ("lib/modules/R/..."), and opened as "/" PATH. */
static const char *shown(const char *path)
{
    return path[0] == '/' ? path + 1 : path;
}

static int add(hvi_modset *s, const char *path, const char *package,
               hv_diag *diag)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (read_file(path, &buf, &len, diag) != 0)
        return -1;
    hvi_modinfo mi;
    if (hvi_modinfo_parse(buf, len, &mi, diag) != 0) {
        free(buf);
        return -1;
    }
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        hvi_mod *m = realloc(s->mods, cap * sizeof *m);
        if (m)
            s->mods = m;
        char **p = realloc(s->package, cap * sizeof *p);
        if (p)
            s->package = p;
        if (!m || !p) {
            free(buf);
            return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
        }
        s->cap = cap;
    }
    /* Without name=, the file name stands in (kvm-amd.ko: kvm-amd). */
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    char *name = mi.name ? strdup(mi.name) : strndup(base, strlen(base) - 3);
    char *deps = strdup(mi.depends ? mi.depends : "");
    char *p = strdup(shown(path));
    char *pkg = package ? strdup(package) : NULL;
    free(buf);
    if (!name || !deps || !p || (package && !pkg)) {
        free(name);
        free(deps);
        free(p);
        free(pkg);
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    s->mods[s->count] = (hvi_mod){name, deps, p};
    s->package[s->count] = pkg;
    s->count++;
    return 0;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n > t && strcmp(s + n - t, tail) == 0;
}

/* Walk |dir|; |package| is the vendor once under updates/hvimage/VENDOR. */
static int walk(hvi_modset *s, const char *dir, const char *rel, int depth,
                hv_diag *diag)
{
    if (depth > 16)
        return 0; /* no module tree is this deep; a loop of links is */
    DIR *d = opendir(dir);
    if (!d)
        return hv_fail_errno(diag, errno, dir, "cannot list");
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096], sub[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
                sizeof path ||
            (size_t)snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "",
                             e->d_name) >= sizeof sub)
            continue;
        struct stat st;
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            rc = walk(s, path, sub, depth + 1, diag);
        } else if (S_ISREG(st.st_mode) && ends_with(e->d_name, ".ko")) {
            /* updates/hvimage/VENDOR/...: VENDOR's package. */
            const char *package = NULL;
            char vendor[256] = "";
            static const char prefix[] = HVI_VENDOR_DIR "/";
            if (strncmp(sub, prefix, sizeof prefix - 1) == 0) {
                const char *v = sub + sizeof prefix - 1;
                size_t n = strcspn(v, "/");
                if (v[n] == '/' && n < sizeof vendor) {
                    memcpy(vendor, v, n);
                    vendor[n] = '\0';
                    package = vendor;
                }
            }
            hv_diag one = {0};
            if (add(s, path, package, &one) != 0) {
                if (one.cls == HV_FAIL_INTERNAL) {
                    *diag = one;
                    rc = -1;
                } else {
                    fprintf(stderr, "hvinit: skipped %s: %s\n", path, one.msg);
                }
            }
        }
    }
    closedir(d);
    return rc;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const hvi_mod *)a)->path, ((const hvi_mod *)b)->path);
}

int hvi_modules_scan(hvi_modset *s, const char *dir, hv_diag *diag)
{
    memset(s, 0, sizeof *s);
    if (walk(s, dir, "", 0, diag) != 0)
        return -1;
    /* Sort modules and their packages together: sort an index. */
    size_t n = s->count;
    hvi_mod *tmp = malloc((n ? n : 1) * sizeof *tmp);
    char **pkg = malloc((n ? n : 1) * sizeof *pkg);
    s->loaded = calloc(n ? n : 1, sizeof *s->loaded);
    s->failed = calloc(n ? n : 1, sizeof *s->failed);
    s->state = calloc(n ? n : 1, 1);
    s->order = calloc(n ? n : 1, sizeof *s->order);
    if (!tmp || !pkg || !s->loaded || !s->failed || !s->state || !s->order) {
        free(tmp);
        free(pkg);
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    /* The package travels in the path's order: pair them through the
     * path pointer, which is unique. */
    memcpy(tmp, s->mods, n * sizeof *tmp);
    qsort(s->mods, n, sizeof *s->mods, by_path);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (tmp[j].path == s->mods[i].path)
                pkg[i] = s->package[j];
    memcpy(s->package, pkg, n * sizeof *pkg);
    free(tmp);
    free(pkg);
    return 0;
}

/* finit_module every planned module from |from| on not yet loaded, |params|
 * for |target| only. Returns the number that failed. */
static size_t load_planned(hvi_modset *s, size_t from, long target,
                           const char *params)
{
    size_t failures = 0;
    for (size_t k = from; k < s->planned; k++) {
        size_t m = s->order[k];
        if (s->loaded[m] || s->failed[m])
            continue;
        /* A module whose dependency did not load would fail on its missing
         * symbols: say why instead. */
        const char *d = s->mods[m].depends;
        const char *missing = NULL;
        size_t mlen = 0;
        while (*d && !missing) {
            size_t len = strcspn(d, ",");
            long dep = len ? hvi_modorder_find(s->mods, s->count, d, len) : -1;
            if (len && (dep < 0 || !s->loaded[dep])) {
                missing = d;
                mlen = len;
            }
            d += len;
            if (*d == ',')
                d++;
        }
        if (missing) {
            printf("hvinit: not loaded %s: its dependency %.*s did not load\n",
                   s->mods[m].name, (int)mlen, missing);
            s->failed[m] = true;
            failures++;
            continue;
        }
        char path[4200];
        snprintf(path, sizeof path, "/%s", s->mods[m].path);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        const char *p = (long)m == target && params ? params : "";
        long rc = fd < 0 ? -1 : syscall(SYS_finit_module, fd, p, 0);
        int err = errno;
        if (fd >= 0)
            close(fd);
        if (rc != 0 && err != EEXIST) {
            printf("hvinit: failed to load %s (%s): %s\n", s->mods[m].name,
                   s->mods[m].path, strerror(err));
            s->failed[m] = true;
            failures++;
            continue;
        }
        s->loaded[m] = true;
        s->loaded_count++;
        if (s->package[m])
            printf("hvinit: loaded %s (%s, from package %s)%s\n",
                   s->mods[m].name, s->mods[m].path, s->package[m],
                   rc != 0 ? " (already in the kernel)" : "");
        else
            printf("hvinit: loaded %s (%s, from the base initramfs)%s\n",
                   s->mods[m].name, s->mods[m].path,
                   rc != 0 ? " (already in the kernel)" : "");
    }
    return failures;
}

size_t hvi_modules_load_vendor(hvi_modset *s)
{
    size_t from = s->planned;
    for (size_t i = 0; i < s->count; i++) {
        if (!s->package[i])
            continue;
        hv_diag diag = {0};
        if (hvi_modorder_plan(s->mods, s->count, i, s->state, s->order,
                              &s->planned, &diag) != 0) {
            printf("hvinit: refused %s (package %s): %s\n", s->mods[i].name,
                   s->package[i], diag.msg);
            s->failed[i] = true;
        }
    }
    load_planned(s, from, -1, NULL);
    size_t not_loaded = 0;
    for (size_t i = 0; i < s->count; i++)
        if (s->package[i] && !s->loaded[i])
            not_loaded++;
    return not_loaded;
}

int hvi_modules_load_one(hvi_modset *s, const char *name, const char *params,
                         hv_diag *diag)
{
    long m = hvi_modorder_find(s->mods, s->count, name, strlen(name));
    if (m < 0)
        return hv_fail(diag, HV_FAIL_INPUT, "module %s: %s", name,
                       m == -1 ? "not in the initramfs"
                               : "two modules have that name");
    if (s->loaded[m])
        return 0;
    size_t from = s->planned;
    if (hvi_modorder_plan(s->mods, s->count, (size_t)m, s->state, s->order,
                          &s->planned, diag) != 0)
        return -1;
    load_planned(s, from, m, params);
    if (!s->loaded[m])
        return hv_fail(diag, HV_FAIL_IO, "module %s did not load", name);
    return 0;
}

void hvi_modules_free(hvi_modset *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free((char *)s->mods[i].name);
        free((char *)s->mods[i].depends);
        free((char *)s->mods[i].path);
        free(s->package[i]);
    }
    free(s->mods);
    free(s->package);
    free(s->loaded);
    free(s->failed);
    free(s->state);
    free(s->order);
    memset(s, 0, sizeof *s);
}
