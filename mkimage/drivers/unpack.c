/*
 * The drivers archive of a verified image, unpacked into a folder without
 * trusting it: see unpack.h for the rules. libarchive only reads the tar;
 * every file-system call is made here, relative to the output folder's
 * descriptor, so that no path is ever resolved through a symlink the archive
 * planted.
 */
#include "unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host_limits.h"

#define UNPACK_PATH_MAX 4096u
/* Symlinks one resolution may pass through: Linux's own limit (40). */
#define UNPACK_MAX_HOPS 40u

/* A normalised path relative to the output folder: components joined by
 * '/', never "", "." or "..". The empty path is the folder itself. */
typedef struct rel_path {
    char s[UNPACK_PATH_MAX];
    size_t len;
    size_t depth;
} rel_path;

static int path_push(rel_path *p, const char *c, size_t n)
{
    size_t sep = p->len ? 1 : 0;
    if (p->len + sep + n + 1 > sizeof p->s)
        return -1;
    if (sep)
        p->s[p->len++] = '/';
    memcpy(p->s + p->len, c, n);
    p->len += n;
    p->s[p->len] = '\0';
    p->depth++;
    return 0;
}

static void path_pop(rel_path *p)
{
    while (p->len > 0 && p->s[p->len - 1] != '/')
        p->len--;
    if (p->len > 0)
        p->len--;
    p->s[p->len] = '\0';
    p->depth--;
}

/* The last component of a non-empty path. */
static const char *path_last(const rel_path *p)
{
    const char *slash = strrchr(p->s, '/');
    return slash ? slash + 1 : p->s;
}

typedef struct unpacker {
    int rootfd;
    mode_t keep; /* mode bits kept: 0777 less the umask, as tar does */
    const char *label;
    hv_diag *diag;
    char shown[512]; /* the current entry's name, control bytes escaped */
    /* Folders whose mode and time are set last (a read-only folder must
     * not stop its own contents), and links checked again at the end. */
    struct fixup {
        char *path;
        mode_t mode;
        struct timespec mtime;
        size_t order;    /* when it was recorded */
        bool superseded; /* a later record names the same folder */
    } *dirs;
    size_t ndirs, capdirs;
    struct link {
        char *path;
        char *target;
    } *links;
    size_t nlinks, caplinks;
} unpacker;

static int refuse(unpacker *u, const char *fmt_why, const char *detail)
{
    char shown_detail[512];
    if (detail)
        return hv_fail(u->diag, HV_FAIL_REJECTED, "%s: entry '%s': %s '%s'",
                       u->label, u->shown, fmt_why,
                       hv_printable(detail, shown_detail,
                                    sizeof shown_detail));
    return hv_fail(u->diag, HV_FAIL_REJECTED, "%s: entry '%s': %s", u->label,
                   u->shown, fmt_why);
}

/* The output folder is a fresh one of ours: any failure there is the file
 * system's (full disk, EIO, a quota), never the user's input. */
static int io_fail(unpacker *u, int err, const char *what)
{
    return hv_fail(u->diag, HV_FAIL_IO, "%s: entry '%s': %s: %s", u->label,
                   u->shown, what, strerror(err));
}

/* ---- Resolving a symlink as the kernel would -------------------------- */

enum { R_INSIDE = 0, R_LEAVES = 1, R_ERROR = -1 };

typedef struct resolver {
    unpacker *u;
    unsigned hops;
    /* From this depth on the path names something that does not exist
     * (yet), or lies under a file: it is followed as if it were an empty
     * folder (what it would be if made later; were it made a link, the
     * final check sees it), until a ".." climbs back above it. SIZE_MAX:
     * every component so far exists. */
    size_t virtual_from;
    const char *why;
} resolver;

/* Walk |target| from the folder |at| (a path of real folders), leaving in
 * |at| where it ends. Every step that would go above the output folder,
 * and every absolute target met on the way, is R_LEAVES. */
static int resolve(resolver *r, rel_path *at, const char *target)
{
    if (*target == '/') {
        r->why = "an absolute symlink";
        return R_LEAVES;
    }
    for (const char *p = target, *c;; p = c + 1) {
        c = strchr(p, '/');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (at->depth == 0) {
                r->why = "'..' above the folder";
                return R_LEAVES;
            }
            path_pop(at);
            if (at->depth < r->virtual_from)
                r->virtual_from = SIZE_MAX;
        } else if (path_push(at, p, n) != 0) {
            r->why = "a path too long to resolve";
            return R_LEAVES;
        } else if (at->depth < r->virtual_from) {
            struct stat st;
            if (fstatat(r->u->rootfd, at->s, &st, AT_SYMLINK_NOFOLLOW) != 0) {
                if (errno != ENOENT && errno != ENOTDIR)
                    return io_fail(r->u, errno, "cannot inspect a link target");
                r->virtual_from = at->depth;
            } else if (S_ISLNK(st.st_mode)) {
                char next[UNPACK_PATH_MAX];
                if (++r->hops > UNPACK_MAX_HOPS) {
                    r->why = "more than 40 links in a row";
                    return R_LEAVES;
                }
                ssize_t k = readlinkat(r->u->rootfd, at->s, next,
                                       sizeof next - 1);
                if (k < 0)
                    return io_fail(r->u, errno, "cannot read a link");
                next[k] = '\0';
                path_pop(at); /* the link is resolved from its folder */
                int rr = resolve(r, at, next);
                if (rr != R_INSIDE)
                    return rr;
            } else if (!S_ISDIR(st.st_mode)) {
                r->virtual_from = at->depth;
            }
        }
        if (!c)
            return R_INSIDE;
    }
}

/* Whether a link at |link| with |target| resolves inside the folder with
 * the links in place now. */
static int link_resolves_inside(unpacker *u, const rel_path *link,
                                const char *target, const char **why)
{
    resolver r = {u, 0, SIZE_MAX, NULL};
    rel_path at = *link;
    path_pop(&at);
    int rr = resolve(&r, &at, target);
    *why = r.why;
    return rr;
}

/* ---- Creating entries ------------------------------------------------- */

/* A folder made or named again by a later entry is recorded again; the
 * latest record wins (fix_dirs). */
static int remember_dir(unpacker *u, const char *path, mode_t mode,
                        struct timespec mtime)
{
    if (u->ndirs == u->capdirs) {
        size_t cap = u->capdirs ? u->capdirs * 2 : 64;
        struct fixup *d = realloc(u->dirs, cap * sizeof *d);
        if (!d)
            return hv_fail(u->diag, HV_FAIL_INTERNAL, "out of memory");
        u->dirs = d;
        u->capdirs = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return hv_fail(u->diag, HV_FAIL_INTERNAL, "out of memory");
    u->dirs[u->ndirs] = (struct fixup){copy, mode, mtime, u->ndirs, false};
    u->ndirs++;
    return 0;
}

static int remember_link(unpacker *u, const char *path, const char *target)
{
    if (u->nlinks == u->caplinks) {
        size_t cap = u->caplinks ? u->caplinks * 2 : 64;
        struct link *l = realloc(u->links, cap * sizeof *l);
        if (!l)
            return hv_fail(u->diag, HV_FAIL_INTERNAL, "out of memory");
        u->links = l;
        u->caplinks = cap;
    }
    char *p = strdup(path), *t = strdup(target);
    if (!p || !t) {
        free(p);
        free(t);
        return hv_fail(u->diag, HV_FAIL_INTERNAL, "out of memory");
    }
    u->links[u->nlinks++] = (struct link){p, t};
    return 0;
}

/* Open the folder that holds |p|'s last component, creating missing
 * folders, and never following a symlink: a parent that is a link or a
 * file refuses the entry. Returns a descriptor or -1. */
static int open_parent(unpacker *u, const rel_path *p)
{
    rel_path walked = {.len = 0, .depth = 0};
    int fd = openat(u->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return io_fail(u, errno, "cannot open the output folder");
    const char *s = p->s;
    for (size_t i = 0; i + 1 < p->depth; i++) {
        const char *slash = strchr(s, '/');
        char comp[UNPACK_PATH_MAX];
        size_t n = (size_t)(slash - s);
        memcpy(comp, s, n);
        comp[n] = '\0';
        s = slash + 1;
        (void)path_push(&walked, comp, n); /* a prefix of |p|: fits */
        int next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                        O_CLOEXEC);
        if (next < 0 && errno == ENOENT) {
            struct timespec zero = {0, 0};
            if (mkdirat(fd, comp, 0700) != 0) {
                close(fd);
                return io_fail(u, errno, "cannot create a folder");
            }
            if (remember_dir(u, walked.s, 0755 & u->keep, zero) != 0) {
                close(fd);
                return -1;
            }
            next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                        O_CLOEXEC);
        }
        int err = errno;
        close(fd);
        if (next < 0) {
            if (err == ELOOP || err == ENOTDIR)
                return refuse(u, "its path passes through a symlink or a "
                                 "file (never followed):", walked.s);
            return io_fail(u, err, "cannot open a folder");
        }
        fd = next;
    }
    return fd;
}

static int write_all_at(int fd, const uint8_t *p, size_t n, off_t off)
{
    while (n > 0) {
        ssize_t w = pwrite(fd, p, n, off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
        off += w;
    }
    return 0;
}

static int make_file(unpacker *u, struct archive *in, struct archive_entry *e,
                     int pfd, const char *last)
{
    int fd = openat(pfd, last, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                                   O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return refuse(u, "already exists", NULL);
        return io_fail(u, errno, "cannot create");
    }
    const void *buf;
    size_t n;
    la_int64_t off;
    int r;
    while ((r = archive_read_data_block(in, &buf, &n, &off)) == ARCHIVE_OK) {
        if (off < 0 || write_all_at(fd, buf, n, (off_t)off) != 0) {
            int err = off < 0 ? EINVAL : errno;
            close(fd);
            return io_fail(u, err, "cannot write");
        }
    }
    if (r != ARCHIVE_EOF) {
        close(fd);
        return hv_fail(u->diag, HV_FAIL_REJECTED, "%s: entry '%s': %s",
                       u->label, u->shown, archive_error_string(in));
    }
    struct timespec t[2] = {{archive_entry_mtime(e),
                             archive_entry_mtime_nsec(e)},
                            {archive_entry_mtime(e),
                             archive_entry_mtime_nsec(e)}};
    if (fchmod(fd, archive_entry_perm(e) & u->keep) != 0 ||
        futimens(fd, t) != 0 || fsync(fd) != 0) {
        int err = errno;
        close(fd);
        return io_fail(u, err, "cannot finish");
    }
    if (close(fd) != 0)
        return io_fail(u, errno, "cannot write");
    return 0;
}

static int make_dir(unpacker *u, struct archive_entry *e, int pfd,
                    const rel_path *p)
{
    const char *last = path_last(p);
    if (mkdirat(pfd, last, 0700) != 0) {
        struct stat st;
        if (errno != EEXIST)
            return io_fail(u, errno, "cannot create");
        /* A folder made earlier for a deeper entry is fine; a file or a
         * link of that name is a duplicate. */
        if (fstatat(pfd, last, &st, AT_SYMLINK_NOFOLLOW) != 0)
            return io_fail(u, errno, "cannot inspect");
        if (!S_ISDIR(st.st_mode))
            return refuse(u, "already exists", NULL);
    }
    struct timespec t = {archive_entry_mtime(e), archive_entry_mtime_nsec(e)};
    return remember_dir(u, p->s, archive_entry_perm(e) & u->keep, t);
}

static int make_link(unpacker *u, struct archive_entry *e, int pfd,
                     const rel_path *p)
{
    const char *target = archive_entry_symlink(e);
    const char *why = NULL;
    if (!target || !*target)
        return refuse(u, "symlink with an empty target", NULL);
    int rr = link_resolves_inside(u, p, target, &why);
    if (rr == R_ERROR)
        return -1;
    if (rr == R_LEAVES) {
        char msg[160];
        snprintf(msg, sizeof msg, "symlink target leaves the folder (%s):",
                 why);
        return refuse(u, msg, target);
    }
    const char *last = path_last(p);
    if (symlinkat(target, pfd, last) != 0) {
        if (errno == EEXIST)
            return refuse(u, "already exists", NULL);
        return io_fail(u, errno, "cannot create the symlink");
    }
    struct timespec t[2] = {{archive_entry_mtime(e),
                             archive_entry_mtime_nsec(e)},
                            {archive_entry_mtime(e),
                             archive_entry_mtime_nsec(e)}};
    if (utimensat(pfd, last, t, AT_SYMLINK_NOFOLLOW) != 0)
        return io_fail(u, errno, "cannot set the symlink's time");
    return remember_link(u, p->s, target);
}

/* Normalise an entry's name: relative, no "..", "." and empty components
 * dropped, at most HV_MAX_DRIVER_PATH bytes. */
static int normalise(unpacker *u, const char *name, rel_path *out)
{
    out->len = 0;
    out->depth = 0;
    out->s[0] = '\0';
    if (!name || !*name)
        return refuse(u, "empty name", NULL);
    if (*name == '/')
        return refuse(u, "absolute path", NULL);
    for (const char *p = name, *c;; p = c + 1) {
        c = strchr(p, '/');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return refuse(u, "'..' in its path", NULL);
        if (n > 0 && !(n == 1 && p[0] == '.') &&
            (path_push(out, p, n) != 0 || out->len > HV_MAX_DRIVER_PATH))
            return refuse(u, "path longer than 255 bytes", NULL);
        if (!c)
            return 0;
    }
}

static int make_entry(unpacker *u, struct archive *in, struct archive_entry *e)
{
    const char *name = archive_entry_pathname(e);
    hv_printable(name ? name : "", u->shown, sizeof u->shown);
    mode_t type = archive_entry_filetype(e);
    if (archive_entry_hardlink(e))
        return refuse(u, "hardlinks are not extracted", NULL);
    if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK)
        return refuse(u, "not a file, folder or symlink", NULL);
    if (archive_entry_sparse_count(e) > 0)
        return refuse(u, "sparse files are not extracted", NULL);
    rel_path p;
    if (normalise(u, name, &p) != 0)
        return -1;
    if (p.depth == 0) {
        if (type == AE_IFDIR)
            return 0; /* "./": the output folder itself */
        return refuse(u, "names the output folder itself", NULL);
    }
    int pfd = open_parent(u, &p);
    if (pfd < 0)
        return -1;
    int rc;
    if (type == AE_IFDIR)
        rc = make_dir(u, e, pfd, &p);
    else if (type == AE_IFLNK)
        rc = make_link(u, e, pfd, &p);
    else
        rc = make_file(u, in, e, pfd, path_last(&p));
    close(pfd);
    return rc;
}

/* Every link against the final tree: a link created later may have
 * changed where an earlier one leads ("e -> d/.." made before "d -> ."). */
static int recheck_links(unpacker *u)
{
    for (size_t i = 0; i < u->nlinks; i++) {
        rel_path p = {.len = 0, .depth = 0};
        const char *why = NULL;
        (void)normalise(u, u->links[i].path, &p); /* was normalised */
        hv_printable(u->links[i].path, u->shown, sizeof u->shown);
        int rr = link_resolves_inside(u, &p, u->links[i].target, &why);
        if (rr == R_ERROR)
            return -1;
        if (rr == R_LEAVES) {
            char msg[200];
            snprintf(msg, sizeof msg, "symlink target leaves the folder "
                                      "through later entries (%s):", why);
            return refuse(u, msg, u->links[i].target);
        }
    }
    return 0;
}

static int by_path_then_latest(const void *a, const void *b)
{
    const struct fixup *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (c)
        return c;
    return x->order < y->order ? 1 : x->order > y->order ? -1 : 0;
}

static int by_order(const void *a, const void *b)
{
    const struct fixup *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Modes and times of folders last, deepest (latest made) first, so that a
 * folder made read-only never stops the fix of what it holds; of several
 * records of one folder the latest wins. Sorting keeps this O(n log n)
 * for an archive of many folders. */
static int fix_dirs(unpacker *u)
{
    if (u->ndirs == 0)
        return 0; /* qsort wants an array, even of none */
    qsort(u->dirs, u->ndirs, sizeof u->dirs[0], by_path_then_latest);
    for (size_t i = 1; i < u->ndirs; i++)
        if (strcmp(u->dirs[i].path, u->dirs[i - 1].path) == 0)
            u->dirs[i].superseded = true;
    qsort(u->dirs, u->ndirs, sizeof u->dirs[0], by_order);
    for (size_t i = u->ndirs; i-- > 0;) {
        const struct fixup *d = &u->dirs[i];
        if (d->superseded)
            continue;
        hv_printable(d->path, u->shown, sizeof u->shown);
        int fd = openat(u->rootfd, d->path,
                        O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        /* Every folder on the way is a real folder made here (links are
         * never made where a folder is, nor folders through links). */
        if (fd < 0)
            return io_fail(u, errno, "cannot open the folder");
        struct timespec t[2] = {d->mtime, d->mtime};
        int err = 0;
        if (fchmod(fd, d->mode) != 0 || futimens(fd, t) != 0)
            err = errno;
        close(fd);
        if (err)
            return io_fail(u, err, "cannot set the folder's mode");
    }
    return 0;
}

int hv_unpack_tar(const uint8_t *data, size_t len, int root,
                  const char *label, hv_diag *diag)
{
    unpacker u = {.rootfd = root, .label = label, .diag = diag};
    mode_t mask = umask(0);
    umask(mask);
    u.keep = 0777 & ~mask;
    struct archive *in = archive_read_new();
    struct archive_entry *e;
    int rc = -1, r;
    if (!in) {
        hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
        goto out;
    }
    archive_read_support_format_tar(in);
    if (archive_read_open_memory(in, data, len) != ARCHIVE_OK) {
        hv_fail(diag, HV_FAIL_REJECTED, "%s: drivers archive: %s", label,
                archive_error_string(in));
        goto out;
    }
    while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK)
        if (make_entry(&u, in, e) != 0)
            goto out;
    if (r != ARCHIVE_EOF) {
        hv_fail(diag, HV_FAIL_REJECTED, "%s: drivers archive: %s", label,
                archive_error_string(in));
        goto out;
    }
    if (recheck_links(&u) != 0 || fix_dirs(&u) != 0)
        goto out;
    rc = 0;
out:
    for (size_t i = 0; i < u.ndirs; i++)
        free(u.dirs[i].path);
    for (size_t i = 0; i < u.nlinks; i++) {
        free(u.links[i].path);
        free(u.links[i].target);
    }
    free(u.dirs);
    free(u.links);
    archive_read_free(in);
    return rc;
}
