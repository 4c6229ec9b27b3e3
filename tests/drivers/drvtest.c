/* see drvtest.h */
#include "drvtest.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- small utilities --------------------------------------------------- */

uint32_t t_rand(uint32_t *state)
{
    uint32_t x = *state ? *state : 0x9e3779b9u; /* xorshift32 */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

void t_fill(void *buf, size_t n, uint32_t seed)
{
    unsigned char *p = buf;
    uint32_t s = seed | 1u;
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(t_rand(&s) >> 24);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        abort();
    }
    return p;
}

char *t_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = xmalloc(la + lb + 2);
    memcpy(s, a, la);
    s[la] = '/';
    memcpy(s + la + 1, b, lb + 1);
    return s;
}

char *t_mkdtemp(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl = t_join(base && *base ? base : "/tmp", "hvdrv-XXXXXX");
    if (!mkdtemp(tmpl)) {
        fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
        abort();
    }
    return tmpl;
}

static void rmtree_at(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0700); /* tests may leave read-only folders */
        DIR *d = opendir(path);
        if (d) {
            struct dirent *de;
            while ((de = readdir(d)) != NULL) {
                if (strcmp(de->d_name, ".") == 0 ||
                    strcmp(de->d_name, "..") == 0)
                    continue;
                char *sub = t_join(path, de->d_name);
                rmtree_at(sub);
                free(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

void t_rmtree(char *path)
{
    if (path)
        rmtree_at(path);
    free(path);
}

/* Mode noise: same execute-ness, different everything else. */
static unsigned vary_mode(char type, unsigned mode, uint32_t *st)
{
    static const unsigned plain[] = {0644, 0600, 0664, 0640, 0444, 02644};
    static const unsigned exec[] = {0755, 0700, 0775, 0711, 0500, 04755};
    static const unsigned dirs[] = {0755, 0700, 0775, 0750, 01777};
    if (type == 'd')
        return dirs[t_rand(st) % 5u];
    if (type == 'l')
        return 0777;
    return (mode & 0111) ? exec[t_rand(st) % 6u] : plain[t_rand(st) % 6u];
}

static int mkdir_p(const char *dir)
{
    char *s = xmalloc(strlen(dir) + 1);
    strcpy(s, dir);
    for (char *p = s + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(s, 0755) != 0 && errno != EEXIST) {
            free(s);
            return -1;
        }
        *p = '/';
    }
    int rc = (mkdir(s, 0755) != 0 && errno != EEXIST) ? -1 : 0;
    free(s);
    return rc;
}

/* ---- folders ----------------------------------------------------------- */

int t_make_folder(const char *dir, const tentry *es, size_t n, uint32_t seed)
{
    uint32_t st = seed;
    if (mkdir_p(dir) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char *p = t_join(dir, es[i].name);
        char *slash = strrchr(p, '/');
        *slash = '\0';
        int rc = mkdir_p(p);
        *slash = '/';
        if (rc == 0) {
            if (es[i].type == 'd') {
                rc = mkdir_p(p);
            } else if (es[i].type == 'l') {
                rc = symlink(es[i].link, p);
            } else {
                int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
                rc = fd < 0 ? -1 : 0;
                if (rc == 0 && es[i].size &&
                    write(fd, es[i].data, es[i].size) != (ssize_t)es[i].size)
                    rc = -1;
                if (fd >= 0 && close(fd) != 0)
                    rc = -1;
            }
        }
        if (rc != 0) {
            fprintf(stderr, "t_make_folder %s: %s\n", p, strerror(errno));
            free(p);
            return -1;
        }
        free(p);
    }
    /* Metadata last, folders after their contents (mtime, write bits). */
    for (size_t k = n; k-- > 0;) {
        char *p = t_join(dir, es[k].name);
        struct timespec ts[2] = {
            {.tv_sec = (time_t)(1000000000u + t_rand(&st) % 500000000u)},
            {.tv_sec = (time_t)(1000000000u + t_rand(&st) % 500000000u)}};
        int rc = 0;
        if (es[k].type != 'l')
            rc = chmod(p, vary_mode(es[k].type, es[k].mode, &st));
        if (rc == 0 && geteuid() == 0)
            rc = lchown(p, 1000u + t_rand(&st) % 100u,
                        1000u + t_rand(&st) % 100u);
        if (rc == 0)
            rc = utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW);
        if (rc != 0) {
            fprintf(stderr, "t_make_folder meta %s: %s\n", p,
                    strerror(errno));
            free(p);
            return -1;
        }
        free(p);
    }
    return 0;
}

/* ---- archives ---------------------------------------------------------- */

static bool has_children(const tentry *es, size_t n, const char *dir)
{
    size_t l = strlen(dir);
    for (size_t i = 0; i < n; i++)
        if (strncmp(es[i].name, dir, l) == 0 && es[i].name[l] == '/')
            return true;
    return false;
}

static int write_one(struct archive *a, struct archive_entry *ae,
                     const char *name, char type, unsigned mode,
                     const void *data, size_t size, const char *link,
                     uint32_t *st)
{
    char uname[32];
    archive_entry_clear(ae);
    archive_entry_set_pathname(ae, name);
    archive_entry_set_filetype(ae, type == 'd'   ? AE_IFDIR
                                   : type == 'l' ? AE_IFLNK
                                                 : AE_IFREG);
    archive_entry_set_perm(ae, vary_mode(type, mode, st));
    archive_entry_set_mtime(ae, (time_t)(t_rand(st) % 2000000000u),
                            (long)(t_rand(st) % 1000000000u));
    archive_entry_set_uid(ae, t_rand(st) % 70000u);
    archive_entry_set_gid(ae, t_rand(st) % 70000u);
    snprintf(uname, sizeof uname, "user%u", (unsigned)(t_rand(st) % 1000u));
    archive_entry_set_uname(ae, uname);
    archive_entry_set_gname(ae, uname);
    if (type == 'l')
        archive_entry_set_symlink(ae, link);
    archive_entry_set_size(ae, type == 'f' ? (la_int64_t)size : 0);
    if (archive_write_header(a, ae) != ARCHIVE_OK) {
        fprintf(stderr, "archive_write_header %s: %s\n", name,
                archive_error_string(a));
        return -1;
    }
    if (type == 'f' && size &&
        archive_write_data(a, data, size) != (la_ssize_t)size) {
        fprintf(stderr, "archive_write_data %s: %s\n", name,
                archive_error_string(a));
        return -1;
    }
    return 0;
}

int t_make_archive(const char *path, tformat fmt, tfilter filter,
                   const tentry *es, size_t n, const tvariant *v)
{
    struct archive *a = archive_write_new();
    struct archive_entry *ae = archive_entry_new();
    size_t *order = xmalloc(n * sizeof *order);
    uint32_t st = v->seed;
    int rc = -1;

    for (size_t i = 0; i < n; i++)
        order[i] = i;
    if (v->seed) {
        for (size_t i = n; i > 1; i--) { /* Fisher-Yates */
            size_t j = t_rand(&st) % i;
            size_t t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
    }
    int r;
    switch (fmt) {
    case TF_USTAR: r = archive_write_set_format_ustar(a); break;
    case TF_PAX: r = archive_write_set_format_pax(a); break;
    case TF_GNUTAR: r = archive_write_set_format_gnutar(a); break;
    case TF_ZIP: r = archive_write_set_format_zip(a); break;
    case TF_CPIO_NEWC: r = archive_write_set_format_cpio_newc(a); break;
    default: r = archive_write_set_format_cpio_odc(a); break;
    }
    if (r == ARCHIVE_OK) {
        switch (filter) {
        case TZ_NONE: r = ARCHIVE_OK; break;
        case TZ_GZIP: r = archive_write_add_filter_gzip(a); break;
        case TZ_ZSTD: r = archive_write_add_filter_zstd(a); break;
        case TZ_XZ: r = archive_write_add_filter_xz(a); break;
        default: r = archive_write_add_filter_bzip2(a); break;
        }
    }
    if (r != ARCHIVE_OK || archive_write_open_filename(a, path) != ARCHIVE_OK) {
        fprintf(stderr, "archive setup %s: %s\n", path,
                archive_error_string(a));
        goto out;
    }
    if (v->root_entry &&
        write_one(a, ae, "./", 'd', 0755, NULL, 0, NULL, &st) != 0)
        goto out;
    for (size_t k = 0; k < n; k++) {
        const tentry *e = &es[order[k]];
        char name[1024];
        if (e->type == 'd' && !v->list_folders && has_children(es, n, e->name))
            continue;
        snprintf(name, sizeof name, "%s%s%s", v->dot_prefix ? "./" : "",
                 e->name, e->type == 'd' && (k & 1u) ? "/" : "");
        if (write_one(a, ae, name, e->type, e->mode, e->data, e->size,
                      e->link, &st) != 0)
            goto out;
    }
    if (archive_write_close(a) != ARCHIVE_OK) {
        fprintf(stderr, "archive close %s: %s\n", path,
                archive_error_string(a));
        goto out;
    }
    rc = 0;
out:
    archive_entry_free(ae);
    archive_write_free(a);
    free(order);
    return rc;
}

/* ---- raw ustar --------------------------------------------------------- */

int t_raw_open(traw *r, const char *path)
{
    r->fp = fopen(path, "wb");
    return r->fp ? 0 : -1;
}

int t_raw_header(traw *r, const char *name, char type, unsigned mode,
                 uint64_t size, const char *link)
{
    unsigned char h[HV_TAR_BLOCK];
    hv_diag d;
    /* The product's header encoder (mkimage/drivers/drivers.h), then an
     * owner and an mtime the normaliser must not keep. */
    if (hv_tar_header(h, name, type, mode, size, 1234567890u, link, &d) != 0)
        return -1;
    snprintf((char *)h + 108, 8, "%07o", 1000u); /* uid */
    snprintf((char *)h + 116, 8, "%07o", 1000u); /* gid */
    hv_tar_checksum(h);
    return fwrite(h, 1, sizeof h, r->fp) == sizeof h ? 0 : -1;
}

int t_raw_data(traw *r, const void *p, size_t n, bool pad)
{
    static const unsigned char zero[512];
    if (n && fwrite(p, 1, n, r->fp) != n)
        return -1;
    if (pad && n % 512 && fwrite(zero, 1, 512 - n % 512, r->fp) != 512 - n % 512)
        return -1;
    return 0;
}

int t_raw_close(traw *r, bool end_blocks)
{
    static const unsigned char zero[1024];
    int rc = 0;
    if (end_blocks && fwrite(zero, 1, sizeof zero, r->fp) != sizeof zero)
        rc = -1;
    if (fclose(r->fp) != 0)
        rc = -1;
    r->fp = NULL;
    return rc;
}

/* ---- running ----------------------------------------------------------- */

hv_driver_pkg t_pkg(const char *vendor, const char *version, const char *path)
{
    hv_driver_pkg p;
    memset(&p, 0, sizeof p);
    snprintf(p.vendor, sizeof p.vendor, "%s", vendor);
    snprintf(p.version, sizeof p.version, "%s", version);
    p.path = (char *)path;
    return p;
}

void t_run(trun *r, const hv_driver_pkg *pkgs, size_t count, uint64_t mtime)
{
    FILE *out = tmpfile();
    memset(r, 0, sizeof *r);
    if (!out) {
        fprintf(stderr, "tmpfile: %s\n", strerror(errno));
        abort();
    }
    r->rc = hv_drivers_normalise(pkgs, count, mtime, out, &r->res, &r->diag);
    if (r->rc == 0) {
        long len;
        if (fseek(out, 0, SEEK_END) != 0 || (len = ftell(out)) < 0) {
            fprintf(stderr, "output size unknown\n");
            abort();
        }
        r->tar_len = (size_t)len;
        r->tar = xmalloc(r->tar_len);
        rewind(out);
        if (fread(r->tar, 1, r->tar_len, out) != r->tar_len) {
            fprintf(stderr, "output unreadable\n");
            abort();
        }
    }
    fclose(out);
}

void t_run1(trun *r, const char *vendor, const char *version,
            const char *path, uint64_t mtime)
{
    hv_driver_pkg p = t_pkg(vendor, version, path);
    t_run(r, &p, 1, mtime);
}

void t_run_free(trun *r)
{
    free(r->tar);
    r->tar = NULL;
}

/* ---- independent ustar reader ------------------------------------------ */

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* Exactly w-1 octal digits then NUL. */
static bool get_oct(const unsigned char *f, size_t w, uint64_t *v)
{
    uint64_t x = 0;
    for (size_t i = 0; i + 1 < w; i++) {
        if (f[i] < '0' || f[i] > '7')
            return false;
        x = x * 8u + (uint64_t)(f[i] - '0');
    }
    *v = x;
    return f[w - 1] == '\0';
}

/* A NUL-padded text field: returns its length, or -1 if junk follows. */
static long get_str(const unsigned char *f, size_t w, char *out)
{
    size_t n = strnlen((const char *)f, w);
    if (!all_zero(f + n, w - n))
        return -1;
    memcpy(out, f, n);
    out[n] = '\0';
    return (long)n;
}

#define FAIL(...) do { snprintf(why, why_size, __VA_ARGS__); goto fail; } while (0)

long t_parse_tar(const unsigned char *tar, size_t len, uint64_t mtime,
                 tar_ent **out, char *why, size_t why_size)
{
    size_t cap = 16, n = 0, off = 0;
    tar_ent *es = xmalloc(cap * sizeof *es);

    if (len % 512)
        FAIL("size %zu is not a multiple of 512", len);
    for (;;) {
        if (len - off < 1024)
            FAIL("no two zero blocks at the end (offset %zu)", off);
        const unsigned char *h = tar + off;
        if (all_zero(h, 512)) {
            if (!all_zero(h + 512, 512))
                FAIL("single zero block at %zu", off);
            if (off + 1024 != len)
                FAIL("%zu bytes after the end blocks", len - off - 1024);
            break;
        }
        if (n == cap) {
            tar_ent *ne = realloc(es, 2 * cap * sizeof *es);
            if (!ne)
                FAIL("out of memory");
            es = ne;
            cap *= 2;
        }
        tar_ent *e = &es[n];
        uint64_t v, sum_field, sum = 0;
        char name[101], prefix[156], tmp[40];

        for (size_t i = 0; i < 512; i++)
            sum += (i >= 148 && i < 156) ? ' ' : h[i];
        if (!get_oct(h + 148, 7, &sum_field) || h[155] != ' ' ||
            sum_field != sum)
            FAIL("bad checksum at %zu", off);
        if (get_str(h, 100, name) < 1)
            FAIL("bad name field at %zu", off);
        if (!get_oct(h + 100, 8, &v) || v > 07777)
            FAIL("bad mode at %zu", off);
        e->mode = (unsigned)v;
        if (!get_oct(h + 108, 8, &v) || v != 0)
            FAIL("uid not 0 at %zu", off);
        if (!get_oct(h + 116, 8, &v) || v != 0)
            FAIL("gid not 0 at %zu", off);
        if (!get_oct(h + 124, 12, &e->size))
            FAIL("bad size at %zu", off);
        if (!get_oct(h + 136, 12, &e->mtime) || e->mtime != mtime)
            FAIL("mtime not %llu at %zu", (unsigned long long)mtime, off);
        e->type = (char)h[156];
        if (e->type != '0' && e->type != '2' && e->type != '5')
            FAIL("type '%c' at %zu", e->type, off);
        if (get_str(h + 157, 100, e->link) < 0 ||
            (e->type == '2') != (e->link[0] != '\0'))
            FAIL("bad link field at %zu", off);
        if (memcmp(h + 257, "ustar\0" "00", 8) != 0)
            FAIL("not ustar 00 at %zu", off);
        if (get_str(h + 265, 32, tmp) != 0 || get_str(h + 297, 32, tmp) != 0)
            FAIL("owner names not empty at %zu", off);
        if (memcmp(h + 329, "0000000\0" "0000000\0", 16) != 0)
            FAIL("device fields not zero at %zu", off);
        long pl = get_str(h + 345, 155, prefix);
        if (pl < 0 || !all_zero(h + 500, 12))
            FAIL("bad prefix or padding at %zu", off);
        if (pl > 0)
            snprintf(e->name, sizeof e->name, "%s/%s", prefix, name);
        else
            snprintf(e->name, sizeof e->name, "%s", name);
        if (e->type != '0' && e->size != 0)
            FAIL("non-file with data at %zu", off);
        off += 512;
        size_t padded = (size_t)((e->size + 511u) / 512u * 512u);
        if (e->size > len || padded > len - off)
            FAIL("data of '%s' runs past the end", e->name);
        e->data = tar + off;
        if (!all_zero(tar + off + e->size, padded - (size_t)e->size))
            FAIL("padding of '%s' not zero", e->name);
        off += padded;
        n++;
    }
    *out = es;
    return (long)n;
fail:
    free(es);
    *out = NULL;
    return -1;
}
