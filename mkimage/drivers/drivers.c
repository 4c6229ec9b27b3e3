/*
 * Driver ingestion, see drivers.h.
 *
 * Two phases. Reading: every package entry is checked and normalised, its
 * bytes appended to a spool file, and only an index (names, sizes, spool
 * offsets) kept in memory. Writing: the index is sorted by stored name and
 * the ustar archive written header by header, contents copied from the
 * spool. The tar headers are written here rather than by libarchive's
 * writer so that every byte of the output is decided by this file.
 *
 * Package contents are hostile: names, sizes, types and link targets are
 * all checked before anything is kept, and sizes before anything is read.
 *
 * Points drivers.h leaves open, decided here:
 *  - entries after "drivers.idx" are sorted by their stored tar name
 *    (folders end in '/') over the whole archive. Each package stays one
 *    contiguous block, but blocks follow "VENDOR/" order, which differs from
 *    the index's vendor order when one vendor prefixes another before a
 *    byte below '/' ("acme-x/" < "acme/", while "acme" < "acme-x");
 *  - HV_MAX_DRIVER_PATH counts the stored name, a folder's final '/'
 *    included; HV_MAX_DRIVER_ENTRIES counts package contents, synthesised
 *    parent folders included, not the index or the "VENDOR/" folders;
 *  - names and link targets must be printable ASCII (0x20-0x7e);
 *  - symlinks are stored with mode 0777, their target cleaned of "." and
 *    empty components, at most 100 bytes (ustar has no room for more);
 *  - a symlink target may not pass through another symlink (see
 *    check_link_chains()); in a folder, hard-linked files are read as the
 *    plain files they are, since only archives mark hard links.
 */
#include "drivers.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "host_limits.h"
#include "newc.h"

#define TAR_BLOCK ((unsigned)HV_TAR_BLOCK)
#define USTAR_NAME_LEN 100u
#define USTAR_PREFIX_LEN 155u
#define USTAR_LINK_LEN 100u
#define IO_CHUNK 65536u
#define INDEX_NAME "drivers.idx"

/* ustar's largest 11-digit octal field (size, mtime). */
#define USTAR_MAX_OCTAL11 UINT64_C(077777777777)

/* Every entry: the package contents plus one root folder per package. */
#define MAX_INDEX (HV_MAX_DRIVER_ENTRIES + HV_MAX_DRIVER_PACKAGES)
/* Open addressing stays short-probed below half full. */
#define HASH_SLOTS 65536u
_Static_assert((HASH_SLOTS & (HASH_SLOTS - 1u)) == 0, "power of two");
_Static_assert(HASH_SLOTS >= 2u * MAX_INDEX, "hash table load under 1/2");
_Static_assert(HV_MAX_DRIVER_PATH < 2u * TAR_BLOCK, "path buffers");
_Static_assert(HV_MAX_DRIVER_BYTES <= USTAR_MAX_OCTAL11, "ustar size field");

/* Messages quote at most this much of a (hostile) entry name. */
#define MSG_NAME_MAX 400u
#define WHY_MAX 160u /* problem texts of the name checks */

enum { T_FILE = '0', T_LINK = '2', T_DIR = '5' };

typedef struct ent {
    char *name;      /* as stored: "VENDOR/PATH", a folder's ends in '/' */
    char *link;      /* symlink target, normalised; NULL otherwise */
    uint64_t size;   /* file bytes */
    uint64_t off;    /* where they start in the spool */
    size_t keylen;   /* name length without a folder's trailing '/' */
    char type;       /* T_* */
    bool exec;       /* file with any execute bit */
    bool listed;     /* the package named it (not a synthesised parent) */
} ent;

typedef struct ctx {
    const hv_driver_pkg *pkg; /* being read, for messages */
    size_t vendor_len;
    ent *ents;
    size_t n;
    size_t cap;
    uint32_t *slots;  /* index + 1 into ents, 0 = free */
    uint32_t content; /* entries counted against HV_MAX_DRIVER_ENTRIES */
    uint64_t bytes;   /* file bytes counted against HV_MAX_DRIVER_BYTES */
    FILE *spool;
    uint64_t spool_size;
    unsigned char *buf; /* IO_CHUNK bytes */
    hv_diag *diag;
} ctx;

/* ---- messages ---------------------------------------------------------- */

/* Entry names may hold any byte: quote them so a message prints safely and
 * unambiguously. */
static void quote_name(const char *raw, char *out, size_t cap)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)raw; *p; p++) {
        if (o + 8 >= cap || o >= MSG_NAME_MAX) {
            memcpy(out + o, "...", 4);
            return;
        }
        if (*p >= 0x20 && *p < 0x7f && *p != '\\' && *p != '\'')
            out[o++] = (char)*p;
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", *p);
    }
    out[o] = '\0';
}

static int pkg_err(ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int pkg_err(ctx *c, const char *fmt, ...)
{
    char msg[HV_DIAG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return hv_diag_set(c->diag, "%s: %s", c->pkg->path, msg);
}

static int ent_err(ctx *c, const char *raw, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int ent_err(ctx *c, const char *raw, const char *fmt, ...)
{
    char msg[HV_DIAG_MAX];
    char q[MSG_NAME_MAX + 16];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    quote_name(raw, q, sizeof q);
    return hv_diag_set(c->diag, "%s: entry '%s': %s", c->pkg->path, q, msg);
}
/* Always -1, visibly: the static analyzer does not step into variadic
 * functions, and add_ent's callers read its out-parameter only on 0. */
#define ent_err(...) (ent_err(__VA_ARGS__), -1)

/* ---- names ------------------------------------------------------------- */

/* The text charset of format.h, which vendors and versions use. |s| is a
 * char[max + 1] that a careless caller may have filled without a NUL. */
static bool is_text(const char *s, size_t max)
{
    return max <= UINT32_MAX && hv_text_string(s, (uint32_t)max);
}

static bool printable(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p >= 0x7f)
            return false;
    return true;
}

/*
 * ustar keeps a long name as prefix "/" name with prefix <= 155 and
 * name <= 100 bytes. Returns the prefix length (0: no split needed), or
 * -1 if no '/' allows it. The first fitting '/' is taken, so the split is a
 * function of the name alone.
 */
static long ustar_split(const char *name, size_t len)
{
    if (len <= USTAR_NAME_LEN)
        return 0;
    for (size_t i = 1; i < len && i <= USTAR_PREFIX_LEN; i++) {
        /* the name part must be non-empty: not the folder's final '/' */
        if (name[i] == '/' && len - i - 1 <= USTAR_NAME_LEN && i + 1 < len)
            return (long)i;
    }
    return -1;
}

/*
 * Normalise a package entry name into full[] as "VENDOR/PATH" (no trailing
 * '/'), full[0..vendor_len) already holding the vendor. Returns the length,
 * vendor_len for the package root, or 0 with why[WHY_MAX] set.
 */
static size_t normalise_path(const char *raw, bool is_dir, char *full,
                             size_t vendor_len, char *why)
{
    size_t len = vendor_len;
    size_t raw_len = strlen(raw);
    const char *p = raw;

    if (raw_len == 0)
        return snprintf(why, WHY_MAX, "empty name"), 0;
    if (*raw == '/')
        return snprintf(why, WHY_MAX, "absolute path"), 0;
    if (!printable(raw))
        return snprintf(why, WHY_MAX, "name holds a non-printable byte"), 0;
    /* a folder's name may end in one '/', which the loop never sees */
    if (raw[raw_len - 1u] == '/' && !is_dir)
        return snprintf(why, WHY_MAX, "name ends in '/' but not a folder"),
               0;

    while (*p) {
        const char *end = strchr(p, '/');
        size_t clen = end ? (size_t)(end - p) : strlen(p);

        if (clen == 0) {
            return snprintf(why, WHY_MAX, "empty path component"), 0;
        } else if (clen == 2 && p[0] == '.' && p[1] == '.') {
            return snprintf(why, WHY_MAX, "'..' path component"), 0;
        } else if (!(clen == 1 && p[0] == '.')) {
            /* + '/' + component, and a folder's final '/' when stored */
            if (clen > HV_MAX_DRIVER_PATH ||
                len + 1u + clen + (is_dir ? 1u : 0u) > HV_MAX_DRIVER_PATH)
                return snprintf(why, WHY_MAX,
                                "path longer than %u bytes with its vendor "
                                "folder",
                                HV_MAX_DRIVER_PATH),
                       0;
            full[len++] = '/';
            memcpy(full + len, p, clen);
            len += clen;
        }
        if (!end)
            break;
        p = end + 1;
    }
    full[len] = '\0';
    return len;
}

/*
 * A symlink target, relative to the folder |depth| components below the
 * package root, must stay inside the package when resolved lexically.
 * Writes the target without "." and empty components to out[USTAR_LINK_LEN
 * + 1]. Returns NULL or the problem.
 */
static const char *check_target(const char *t, size_t depth, char *out)
{
    size_t o = 0;
    const char *p = t;

    if (*t == '\0')
        return "symlink with an empty target";
    if (*t == '/')
        return "symlink target is absolute";
    if (!printable(t))
        return "symlink target holds a non-printable byte";
    while (*p) {
        const char *end = strchr(p, '/');
        size_t clen = end ? (size_t)(end - p) : strlen(p);

        if (clen == 2 && p[0] == '.' && p[1] == '.') {
            if (depth == 0)
                return "symlink target leaves the package";
            depth--;
        } else if (clen > 0 && !(clen == 1 && p[0] == '.')) {
            depth++;
        }
        if (clen > 0 && !(clen == 1 && p[0] == '.')) {
            if (o + (o ? 1 : 0) + clen > USTAR_LINK_LEN)
                return "symlink target longer than 100 bytes";
            if (o)
                out[o++] = '/';
            memcpy(out + o, p, clen);
            o += clen;
        }
        if (!end)
            break;
        p = end + 1;
    }
    if (o == 0)
        out[o++] = '.';
    out[o] = '\0';
    return NULL;
}

/* ---- index ------------------------------------------------------------- */

static uint32_t hash_key(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Returns the entry index or SIZE_MAX. Keys are names without the '/'. */
static size_t lookup(const ctx *c, const char *key, size_t len)
{
    for (uint32_t i = hash_key(key, len) & (HASH_SLOTS - 1u);;
         i = (i + 1u) & (HASH_SLOTS - 1u)) {
        uint32_t s = c->slots[i];
        if (s == 0)
            return SIZE_MAX;
        const ent *e = &c->ents[s - 1u];
        if (e->keylen == len && memcmp(e->name, key, len) == 0)
            return s - 1u;
    }
}

/*
 * Append an entry for full[0..len) (no trailing '/'). The caller has
 * checked the limits; |raw| names the package entry in messages.
 */
static int add_ent(ctx *c, const char *raw, const char *full, size_t len,
                   char type, ent **out)
{
    size_t stored = len + (type == T_DIR ? 1u : 0u);

    if (c->n >= MAX_INDEX) /* guarded by the callers' limit checks */
        return ent_err(c, raw, "internal: index full");
    if (ustar_split(full, stored) < 0)
        return ent_err(c, raw,
                       "path '%.*s' cannot be stored in a ustar header "
                       "(no '/' splits it into <= 155 and <= 100 bytes)",
                       (int)len, full);
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2u : 256u;
        if (ncap > MAX_INDEX)
            ncap = MAX_INDEX;
        ent *ne = realloc(c->ents, ncap * sizeof *ne);
        if (!ne)
            return ent_err(c, raw, "out of memory");
        c->ents = ne;
        c->cap = ncap;
    }
    char *name = malloc(stored + 1u);
    if (!name)
        return ent_err(c, raw, "out of memory");
    memcpy(name, full, len);
    if (type == T_DIR)
        name[len] = '/';
    name[stored] = '\0';

    ent *e = &c->ents[c->n];
    memset(e, 0, sizeof *e);
    e->name = name;
    e->keylen = len;
    e->type = type;

    uint32_t i = hash_key(full, len) & (HASH_SLOTS - 1u);
    while (c->slots[i] != 0)
        i = (i + 1u) & (HASH_SLOTS - 1u);
    c->slots[i] = (uint32_t)(c->n + 1u);
    c->n++;
    *out = e;
    return 0;
}

static int count_entry(ctx *c, const char *raw)
{
    if (c->content >= HV_MAX_DRIVER_ENTRIES)
        return ent_err(c, raw,
                       "more than HV_MAX_DRIVER_ENTRIES (%u) entries in the "
                       "driver packages",
                       HV_MAX_DRIVER_ENTRIES);
    c->content++;
    return 0;
}

/* Every parent folder of full[0..len) exists as a folder afterwards. */
static int ensure_parents(ctx *c, const char *raw, const char *full,
                          size_t len)
{
    for (size_t i = c->vendor_len + 1u; i < len; i++) {
        if (full[i] != '/')
            continue;
        size_t at = lookup(c, full, i);
        if (at != SIZE_MAX) {
            if (c->ents[at].type != T_DIR)
                return ent_err(c, raw, "parent '%.*s' is not a folder",
                               (int)(i - c->vendor_len - 1u),
                               full + c->vendor_len + 1u);
            continue;
        }
        ent *e;
        if (count_entry(c, raw) != 0 || add_ent(c, raw, full, i, T_DIR, &e))
            return -1;
    }
    return 0;
}

/* ---- reading ----------------------------------------------------------- */

/* Stream one file's contents into the spool, enforcing the size limits
 * before each chunk is kept. */
static int spool_data(ctx *c, struct archive *a, struct archive_entry *ae,
                      const char *raw, ent *e)
{
    uint64_t budget = HV_MAX_DRIVER_BYTES - c->bytes; /* bytes <= limit */
    bool claimed_set = archive_entry_size_is_set(ae) != 0;
    int64_t claimed = archive_entry_size(ae);
    uint64_t got = 0;

    if (claimed_set && claimed < 0)
        return ent_err(c, raw, "negative size");
    if (claimed_set && (uint64_t)claimed > budget)
        return ent_err(c, raw,
                       "declares %" PRId64 " bytes: the driver packages would "
                       "exceed HV_MAX_DRIVER_BYTES (%" PRIu64 ")",
                       claimed, HV_MAX_DRIVER_BYTES);
    for (;;) {
        la_ssize_t r = archive_read_data(a, c->buf, IO_CHUNK);
        if (r < 0)
            return ent_err(c, raw, "cannot read its contents: %s",
                           archive_error_string(a) ? archive_error_string(a)
                                                   : "unknown error");
        if (r == 0)
            break;
        uint64_t n = (uint64_t)r; /* 0 < r <= IO_CHUNK */
        if (n > budget - got) /* got <= budget */
            return ent_err(c, raw,
                           "contents exceed HV_MAX_DRIVER_BYTES (%" PRIu64
                           ") for all driver packages",
                           HV_MAX_DRIVER_BYTES);
        if (claimed_set && n > (uint64_t)claimed - got)
            return ent_err(c, raw, "holds more than the %" PRId64
                                   " bytes it declares",
                           claimed);
        if (fwrite(c->buf, 1, (size_t)n, c->spool) != (size_t)n)
            return ent_err(c, raw, "cannot write the spool file: %s",
                           strerror(errno));
        got += n;
    }
    if (claimed_set && got != (uint64_t)claimed)
        return ent_err(c, raw,
                       "declares %" PRId64 " bytes but holds %" PRIu64,
                       claimed, got);
    e->size = got;
    e->off = c->spool_size;
    c->spool_size += got; /* both bounded by HV_MAX_DRIVER_BYTES */
    c->bytes += got;
    return 0;
}

static int read_entry(ctx *c, struct archive *a, struct archive_entry *ae,
                      const char *raw, bool *root_seen, bool *descend)
{
    char full[2u * TAR_BLOCK];
    char target[USTAR_LINK_LEN + 1u];
    char why[WHY_MAX];
    const char *bad;
    char type;

    *descend = false;
    if (archive_entry_hardlink(ae))
        return ent_err(c, raw, "hard links are not allowed");
    switch (archive_entry_filetype(ae)) {
    case AE_IFREG: type = T_FILE; break;
    case AE_IFDIR: type = T_DIR; break;
    case AE_IFLNK: type = T_LINK; break;
    case AE_IFCHR: return ent_err(c, raw, "character devices are not allowed");
    case AE_IFBLK: return ent_err(c, raw, "block devices are not allowed");
    case AE_IFIFO: return ent_err(c, raw, "FIFOs are not allowed");
    case AE_IFSOCK: return ent_err(c, raw, "sockets are not allowed");
    default: return ent_err(c, raw, "unsupported entry type");
    }

    memcpy(full, c->pkg->vendor, c->vendor_len);
    size_t len = normalise_path(raw, type == T_DIR, full, c->vendor_len, why);
    if (len == 0)
        return ent_err(c, raw, "%s", why);
    if (len == c->vendor_len) { /* "." or "./": the package root */
        if (type != T_DIR)
            return ent_err(c, raw, "the package root must be a folder");
        if (*root_seen)
            return ent_err(c, raw, "the package root is listed twice");
        *root_seen = true;
        *descend = true;
        return 0;
    }

    if (type == T_LINK) {
        const char *t = archive_entry_symlink(ae);
        size_t depth = 0;
        for (size_t i = c->vendor_len + 1u; i < len; i++)
            depth += full[i] == '/';
        if (!t)
            return ent_err(c, raw, "symlink without a target (empty or "
                                   "unreadable)");
        if ((bad = check_target(t, depth, target)) != NULL)
            return ent_err(c, raw, "%s", bad);
    }

    if (ensure_parents(c, raw, full, len) != 0)
        return -1;
    size_t at = lookup(c, full, len);
    if (at != SIZE_MAX) {
        ent *old = &c->ents[at];
        /* a folder first synthesised as a parent may be listed once */
        if (old->type == T_DIR && !old->listed && type == T_DIR) {
            old->listed = true;
            *descend = true;
            return 0;
        }
        return ent_err(c, raw, "duplicate path '%s' in the package",
                       full + c->vendor_len + 1u);
    }

    ent *e;
    if (count_entry(c, raw) != 0 || add_ent(c, raw, full, len, type, &e))
        return -1;
    e->listed = true;
    if (type == T_LINK) {
        e->link = strdup(target);
        if (!e->link)
            return ent_err(c, raw, "out of memory");
    } else if (type == T_FILE) {
        e->exec = (archive_entry_perm(ae) & 0111) != 0;
        if (spool_data(c, a, ae, raw, e) != 0)
            return -1;
    }
    *descend = type == T_DIR;
    return 0;
}

/*
 * Lexical checks cannot see through another symlink: "l/.." where l is a
 * symlink resolves against l's target. So a target may name a symlink only
 * as its last component. Run once the whole package is known.
 */
static int check_link_chains(ctx *c, size_t first)
{
    char path[4u * TAR_BLOCK];

    for (size_t k = first; k < c->n; k++) {
        const ent *e = &c->ents[k];
        if (e->type != T_LINK)
            continue;
        /* start in the link's folder */
        size_t len = e->keylen;
        while (len > 0 && e->name[len - 1u] != '/')
            len--;
        len--; /* drop '/': links are never the root */
        memcpy(path, e->name, len);
        for (const char *p = e->link;;) {
            const char *end = strchr(p, '/');
            size_t clen = end ? (size_t)(end - p) : strlen(p);
            if (!end)
                break; /* the last component may be anything */
            if (clen == 2 && p[0] == '.' && p[1] == '.') {
                if (len <= c->vendor_len) /* read_entry() refused these */
                    return ent_err(c, e->name, "internal: link escapes");
                while (path[len - 1u] != '/')
                    len--;
                len--;
            } else if (!(clen == 1 && p[0] == '.')) {
                path[len++] = '/';
                memcpy(path + len, p, clen);
                len += clen;
                size_t at = lookup(c, path, len);
                if (at != SIZE_MAX && c->ents[at].type == T_LINK)
                    return ent_err(c, e->name + c->vendor_len + 1u,
                                   "symlink target passes through the "
                                   "symlink '%s'",
                                   c->ents[at].name + c->vendor_len + 1u);
            }
            p = end + 1;
        }
    }
    return 0;
}

/* On success the caller frees *out, then closes *fd_out if not -1
 * (archive_read_open_fd() does not take the descriptor). */
static int open_package(ctx *c, struct archive **out, bool *disk,
                        int *fd_out)
{
    const char *path = c->pkg->path;
    struct stat st;
    struct archive *a;
    /* O_NONBLOCK: opening a FIFO must not hang before fstat refuses it */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

    if (fd < 0)
        return pkg_err(c, "cannot open: %s", strerror(errno));
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        return pkg_err(c, "cannot stat: %s", strerror(err));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        *disk = true;
        a = archive_read_disk_new();
        if (!a)
            return pkg_err(c, "out of memory");
        /* Inside the folder symlinks are recorded, never followed; no
         * owner-name lookups, metadata or sparse maps are wanted. */
        if (archive_read_disk_set_symlink_hybrid(a) != ARCHIVE_OK ||
            archive_read_disk_set_behavior(
                a, ARCHIVE_READDISK_NO_XATTR | ARCHIVE_READDISK_NO_ACL |
                       ARCHIVE_READDISK_NO_FFLAGS |
                       ARCHIVE_READDISK_NO_SPARSE) != ARCHIVE_OK ||
            archive_read_disk_open(a, path) != ARCHIVE_OK) {
            pkg_err(c, "cannot read the folder: %s",
                    archive_error_string(a) ? archive_error_string(a)
                                            : "unknown error");
            archive_read_free(a);
            return -1;
        }
        *out = a;
        *fd_out = -1;
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return pkg_err(c, "neither a regular file nor a folder");
    }
    *disk = false;
    a = archive_read_new();
    if (!a) {
        close(fd);
        return pkg_err(c, "out of memory");
    }
    /* Built-in decoders only (ARCHIVE_WARN would mean an external
     * program); tar covers ustar, pax, GNU and v7. */
    if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
        archive_read_support_format_zip(a) != ARCHIVE_OK ||
        archive_read_support_format_cpio(a) != ARCHIVE_OK ||
        archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
        archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
        archive_read_support_filter_xz(a) != ARCHIVE_OK ||
        archive_read_support_filter_bzip2(a) != ARCHIVE_OK) {
        pkg_err(c, "libarchive lacks a built-in reader: %s",
                archive_error_string(a) ? archive_error_string(a)
                                        : "unknown error");
        archive_read_free(a);
        close(fd);
        return -1;
    }
    if (archive_read_open_fd(a, fd, IO_CHUNK) != ARCHIVE_OK) {
        pkg_err(c,
                "not a tar, zip or cpio archive (uncompressed or gzip, zstd, "
                "xz, bzip2): %s",
                archive_error_string(a) ? archive_error_string(a)
                                        : "unknown error");
        archive_read_free(a);
        close(fd);
        return -1;
    }
    *out = a;
    *fd_out = fd;
    return 0;
}

static int read_package(ctx *c)
{
    struct archive *a = NULL;
    struct archive_entry *ae = NULL;
    bool disk = false;
    int fd = -1;
    bool root_seen = false;
    char *root = NULL; /* disk: the root entry's own pathname */
    size_t root_len = 0;
    size_t first = c->n;
    uint64_t headers = 0;
    int ret = -1;
    ent *e;

    if (add_ent(c, "", c->pkg->vendor, c->vendor_len, T_DIR, &e) != 0)
        return -1;
    if (open_package(c, &a, &disk, &fd) != 0)
        return -1;
    ae = archive_entry_new();
    if (!ae) {
        pkg_err(c, "out of memory");
        goto out;
    }
    for (;;) {
        archive_entry_clear(ae);
        int r = archive_read_next_header2(a, ae);
        if (r == ARCHIVE_EOF)
            break;
        /* ARCHIVE_WARN too: a damaged header is no base for a signed image */
        if (r != ARCHIVE_OK) {
            const char *s = archive_error_string(a);
            if (!s)
                s = "unknown error";
            if (headers == 0 && !disk)
                pkg_err(c,
                        "not a tar, zip or cpio archive (uncompressed or gzip, "
                        "zstd, xz, bzip2): %s",
                        s);
            else
                pkg_err(c, "cannot read the next entry: %s", s);
            goto out;
        }
        headers++;
        if (!disk) {
            int fam = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
            if (fam != ARCHIVE_FORMAT_TAR && fam != ARCHIVE_FORMAT_ZIP &&
                fam != ARCHIVE_FORMAT_CPIO) {
                pkg_err(c, "unsupported archive format '%s'",
                        archive_format_name(a));
                goto out;
            }
        }

        const char *name = archive_entry_pathname(ae);
        if (!name) {
            pkg_err(c, "an entry's name cannot be read");
            goto out;
        }
        if (disk) {
            /* The walk names entries "ROOT/..." after the root itself. */
            if (!root) {
                root = strdup(name);
                if (!root) {
                    pkg_err(c, "out of memory");
                    goto out;
                }
                root_len = strlen(root);
                name = ".";
            } else {
                if (strncmp(name, root, root_len) != 0) {
                    pkg_err(c, "folder walk left the folder at '%s'", name);
                    goto out;
                }
                name += root_len;
                if (root_len == 0 || root[root_len - 1u] != '/') {
                    if (*name != '/') {
                        pkg_err(c, "folder walk left the folder at '%s'",
                                name);
                        goto out;
                    }
                    name++;
                }
            }
        }

        bool descend = false;
        if (read_entry(c, a, ae, name, &root_seen, &descend) != 0)
            goto out;
        if (disk && descend && archive_read_disk_can_descend(a) &&
            archive_read_disk_descend(a) != ARCHIVE_OK) {
            pkg_err(c, "cannot enter folder '%s': %s", name,
                    archive_error_string(a) ? archive_error_string(a)
                                            : "unknown error");
            goto out;
        }
    }
    if (check_link_chains(c, first) != 0)
        goto out;
    ret = 0;
out:
    free(root);
    archive_entry_free(ae);
    if (a) {
        if (ret == 0 && archive_read_close(a) != ARCHIVE_OK)
            ret = pkg_err(c, "cannot close: %s",
                          archive_error_string(a) ? archive_error_string(a)
                                                  : "unknown error");
        archive_read_free(a);
    }
    if (fd >= 0)
        close(fd);
    return ret;
}

/* ---- writing ----------------------------------------------------------- */

typedef struct writer {
    FILE *out;
    uint64_t written;
    uint64_t mtime;
    EVP_MD_CTX *md; /* hashes each file for the listing; NULL: none */
    hv_diag *diag;
} writer;

static int w_bytes(writer *w, const void *p, size_t n)
{
    if (n > UINT64_MAX - w->written)
        return hv_diag_set(w->diag, "drivers archive: size overflow");
    if (n && fwrite(p, 1, n, w->out) != n)
        return hv_fail_errno(w->diag, errno ? errno : EIO,
                             "the temporary drivers archive", "write failed");
    w->written += n;
    return 0;
}

static int w_pad(writer *w, uint64_t size)
{
    static const unsigned char zero[TAR_BLOCK];
    size_t rem = (size_t)(size % TAR_BLOCK);
    return rem ? w_bytes(w, zero, TAR_BLOCK - rem) : 0;
}

/* Octal, zero-filled to width - 1 digits, NUL-terminated (POSIX ustar). */
static void octal(unsigned char *field, size_t width, uint64_t v)
{
    field[width - 1u] = '\0';
    for (size_t i = width - 1u; i-- > 0;) {
        field[i] = (unsigned char)('0' + (v & 7u));
        v >>= 3;
    }
}

/* see drivers.h */
void hv_tar_checksum(unsigned char h[HV_TAR_BLOCK])
{
    unsigned sum = 0;
    memset(h + 148, ' ', 8); /* checksum counts itself as spaces */
    for (size_t i = 0; i < HV_TAR_BLOCK; i++)
        sum += h[i];
    octal(h + 148, 7, sum); /* 6 digits and NUL, the space stays */
}

/* see drivers.h */
int hv_tar_header(unsigned char h[HV_TAR_BLOCK], const char *name, char type,
                  unsigned mode, uint64_t size, uint64_t mtime,
                  const char *link, hv_diag *diag)
{
    size_t len = strlen(name);
    long split = ustar_split(name, len);

    if (split < 0 || size > USTAR_MAX_OCTAL11 || mtime > USTAR_MAX_OCTAL11 ||
        mode > 07777777u || (link && strlen(link) > USTAR_LINK_LEN))
        return hv_diag_set(diag, "drivers archive: '%s' does not fit ustar",
                           name);
    /* prefix (split bytes), '/', then the name proper */
    size_t prefix = (size_t)split;
    size_t skip = prefix ? prefix + 1u : 0u;
    memset(h, 0, HV_TAR_BLOCK);
    memcpy(h, name + skip, len - skip);
    memcpy(h + 345, name, prefix);
    octal(h + 100, 8, mode);
    octal(h + 108, 8, 0); /* uid */
    octal(h + 116, 8, 0); /* gid */
    octal(h + 124, 12, size);
    octal(h + 136, 12, mtime);
    h[156] = (unsigned char)type;
    if (link)
        memcpy(h + 157, link, strlen(link)); /* <= 100, checked */
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    /* uname, gname empty */
    octal(h + 329, 8, 0); /* devmajor */
    octal(h + 337, 8, 0); /* devminor */
    hv_tar_checksum(h);
    return 0;
}

/* |name| was checked by ustar_split() when it entered the index. */
static int w_header(writer *w, const char *name, char type, unsigned mode,
                    uint64_t size, const char *link)
{
    unsigned char h[HV_TAR_BLOCK];
    if (hv_tar_header(h, name, type, mode, size, w->mtime, link, w->diag) != 0)
        return -1;
    return w_bytes(w, h, sizeof h);
}

/* Copy a file's bytes from the spool; with a listing, hash them on the way
 * (the bytes written, so the SBOM describes exactly the section). */
static int w_spooled(writer *w, FILE *spool, unsigned char *buf,
                     const ent *e, uint8_t sha256[32])
{
    uint64_t left = e->size;

    if (w->md && EVP_DigestInit_ex(w->md, EVP_sha256(), NULL) != 1)
        return hv_fail(w->diag, HV_FAIL_INTERNAL, "SHA-256 unavailable");
    if (e->off > (uint64_t)INT64_MAX ||
        fseeko(spool, (off_t)e->off, SEEK_SET) != 0)
        return hv_fail_errno(w->diag, errno, "the driver spool file",
                             "seek failed");
    while (left > 0) {
        size_t n = left < IO_CHUNK ? (size_t)left : IO_CHUNK;
        if (fread(buf, 1, n, spool) != n)
            return hv_fail_errno(w->diag, ferror(spool) ? errno : EIO,
                                 "the driver spool file", "read failed");
        if (w_bytes(w, buf, n) != 0)
            return -1;
        if (w->md && EVP_DigestUpdate(w->md, buf, n) != 1)
            return hv_fail(w->diag, HV_FAIL_INTERNAL, "SHA-256 failed");
        left -= n;
    }
    if (w->md && EVP_DigestFinal_ex(w->md, sha256, NULL) != 1)
        return hv_fail(w->diag, HV_FAIL_INTERNAL, "SHA-256 failed");
    return 0;
}

static int cmp_ent(const void *a, const void *b)
{
    const ent *x = *(const ent *const *)a;
    const ent *y = *(const ent *const *)b;
    return strcmp(x->name, y->name); /* as unsigned char: bytewise */
}

static int cmp_pkg(const void *a, const void *b)
{
    const hv_driver_pkg *x = *(const hv_driver_pkg *const *)a;
    const hv_driver_pkg *y = *(const hv_driver_pkg *const *)b;
    return strcmp(x->vendor, y->vendor);
}

/* Record entry |e| of the archive in |l| (entries preallocated). */
static int list_entry(hv_drivers_listing *l, const ent *e, const char *name,
                      const uint8_t sha256[32], hv_diag *diag)
{
    hv_driver_entry *d = &l->entries[l->count];
    memset(d, 0, sizeof *d);
    d->name = strdup(name);
    d->link = e->link ? strdup(e->link) : NULL;
    if (!d->name || (e->link && !d->link)) {
        free(d->name);
        free(d->link);
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    d->size = e->type == T_FILE ? e->size : 0;
    d->type = e->type;
    if (e->type == T_FILE)
        memcpy(d->sha256, sha256, 32);
    l->count++;
    return 0;
}

void hv_drivers_listing_free(hv_drivers_listing *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->entries[i].name);
        free(l->entries[i].link);
    }
    free(l->entries);
    memset(l, 0, sizeof *l);
}

/* The index both archive forms carry: "VENDOR VERSION\n" per package, in
 * vendor order, each part at most 32 bytes. NULL if out of memory. */
static char *package_index(const hv_driver_pkg *const *pkgs, size_t count,
                           size_t *len)
{
    char *idx = malloc(count * (HV_SECTION_NAME_SIZE + HV_VERSION_SIZE + 2u) +
                       1u);
    *len = 0;
    for (size_t i = 0; idx && i < count; i++)
        *len += (size_t)sprintf(idx + *len, "%s %s\n", pkgs[i]->vendor,
                                pkgs[i]->version);
    return idx;
}

/* The entries in archive order (bytewise by full path). NULL if out of
 * memory. */
static const ent **sorted_entries(const ctx *c)
{
    const ent **order = malloc((c->n ? c->n : 1u) * sizeof *order);
    if (!order)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        order[i] = &c->ents[i];
    qsort(order, c->n, sizeof *order, cmp_ent);
    return order;
}

static int write_archive(ctx *c, const hv_driver_pkg *const *pkgs,
                         size_t count, uint64_t mtime, FILE *out,
                         hv_drivers_result *res, hv_drivers_listing *list)
{
    writer w = {.out = out, .mtime = mtime, .diag = c->diag};
    const ent **order = NULL;
    char *idx = NULL;
    size_t idx_len = 0;
    int ret = -1;

    idx = package_index(pkgs, count, &idx_len);
    order = sorted_entries(c);
    if (list) {
        list->entries = calloc(c->n ? c->n : 1u, sizeof *list->entries);
        w.md = EVP_MD_CTX_new();
    }
    if (!idx || !order || (list && (!list->entries || !w.md))) {
        hv_fail(c->diag, HV_FAIL_INTERNAL, "drivers archive: out of memory");
        goto out;
    }

    if (w_header(&w, INDEX_NAME, T_FILE, 0644, idx_len, NULL) != 0 ||
        w_bytes(&w, idx, idx_len) != 0 || w_pad(&w, idx_len) != 0)
        goto out;
    for (size_t i = 0; i < c->n; i++) {
        const ent *e = order[i];
        unsigned mode = e->type == T_LINK                  ? 0777
                        : e->type == T_DIR || e->exec ? 0755
                                                           : 0644;
        if (w_header(&w, e->name, e->type, mode,
                     e->type == T_FILE ? e->size : 0, e->link) != 0)
            goto out;
        uint8_t sha256[32] = {0};
        if (e->type == T_FILE &&
            (w_spooled(&w, c->spool, c->buf, e, sha256) != 0 ||
             w_pad(&w, e->size) != 0))
            goto out;
        if (list && list_entry(list, e, e->name, sha256, c->diag) != 0)
            goto out;
    }
    {
        static const unsigned char end[2u * TAR_BLOCK];
        if (w_bytes(&w, end, sizeof end) != 0)
            goto out;
    }
    if (fflush(out) != 0) {
        hv_fail_errno(c->diag, errno ? errno : EIO,
                      "the temporary drivers archive", "write failed");
        goto out;
    }
    if (res) {
        res->tar_size = w.written;
        res->entries = (uint32_t)(c->n + 1u); /* <= MAX_INDEX + 1 */
    }
    ret = 0;
out:
    EVP_MD_CTX_free(w.md);
    if (ret != 0 && list)
        hv_drivers_listing_free(list);
    free(order);
    free(idx);
    return ret;
}

/* ---- newc cpio --------------------------------------------------------- */

/* One newc entry: header and name, then |data| or the spooled file. */
static int w_newc(writer *w, uint32_t *ino, const char *name, uint32_t mode,
                  uint32_t nlink, uint64_t size)
{
    unsigned char h[HV_NEWC_HEADER_SIZE + 2u * TAR_BLOCK + 8u];
    size_t n = hv_newc_header(h, sizeof h, name, ++*ino, mode, nlink, size,
                              w->mtime, w->diag);
    return n ? w_bytes(w, h, n) : -1;
}

static int w_pad4(writer *w, uint64_t size)
{
    static const unsigned char zero[4];
    return w_bytes(w, zero, hv_newc_data_pad(size));
}

/*
 * The normalised archive as newc cpio (drivers.h "Linux layout"): the
 * same entries in the same order as the ustar archive. With |prefix|: the
 * prefix's folders, PREFIX/drivers.idx, then PREFIX/NAME for each entry.
 * Without (a base initramfs, one package): each entry's name without its
 * package folder, which is not written itself, and no index.
 */
static int write_newc(ctx *c, const hv_driver_pkg *const *pkgs, size_t count,
                      uint64_t mtime, const char *prefix, FILE *out,
                      hv_drivers_result *res, hv_drivers_listing *list)
{
    writer w = {.out = out, .mtime = mtime, .diag = c->diag};
    const ent **order = NULL;
    char *idx = NULL, *name = NULL;
    size_t idx_len = 0, plen = prefix ? strlen(prefix) : 0;
    uint32_t ino = 0;
    int ret = -1;

    idx = package_index(pkgs, count, &idx_len);
    order = sorted_entries(c);
    name = malloc(plen + 2u * TAR_BLOCK + 2u);
    if (list) {
        list->entries = calloc(c->n ? c->n : 1u, sizeof *list->entries);
        w.md = EVP_MD_CTX_new();
    }
    if (!idx || !order || !name || (list && (!list->entries || !w.md))) {
        hv_fail(c->diag, HV_FAIL_INTERNAL, "cpio archive: out of memory");
        goto out;
    }

    if (prefix) {
        /* Each folder of the prefix, parents first, so that the kernel
         * can create every path below them. */
        for (size_t i = 1; i <= plen; i++) {
            if (i < plen && prefix[i] != '/')
                continue;
            memcpy(name, prefix, i);
            name[i] = '\0';
            if (w_newc(&w, &ino, name, HV_NEWC_DIR | 0755, 2, 0) != 0)
                goto out;
        }
        snprintf(name, plen + 2u * TAR_BLOCK + 2u, "%s/%s", prefix,
                 INDEX_NAME);
        if (w_newc(&w, &ino, name, HV_NEWC_FILE | 0644, 1, idx_len) != 0 ||
            w_bytes(&w, idx, idx_len) != 0 || w_pad4(&w, idx_len) != 0)
            goto out;
    }
    for (size_t i = 0; i < c->n; i++) {
        const ent *e = order[i];
        const char *rel = e->name;
        if (!prefix) { /* drop "VENDOR/"; the package folder itself goes */
            rel += c->vendor_len + 1u;
            if (*rel == '\0')
                continue;
        }
        size_t rlen = strlen(rel);
        if (rel[rlen - 1u] == '/') /* newc names carry no final '/' */
            rlen--;
        size_t at = 0;
        if (prefix) {
            memcpy(name, prefix, plen);
            name[plen] = '/';
            at = plen + 1u;
        }
        memcpy(name + at, rel, rlen);
        name[at + rlen] = '\0';

        uint8_t sha256[32] = {0};
        switch (e->type) {
        case T_DIR:
            if (w_newc(&w, &ino, name, HV_NEWC_DIR | 0755, 2, 0) != 0)
                goto out;
            break;
        case T_LINK: {
            size_t tl = strlen(e->link);
            if (w_newc(&w, &ino, name, HV_NEWC_LINK | 0777, 1, tl) != 0 ||
                w_bytes(&w, e->link, tl) != 0 || w_pad4(&w, tl) != 0)
                goto out;
            break;
        }
        default:
            if (w_newc(&w, &ino, name,
                       HV_NEWC_FILE | (e->exec ? 0755u : 0644u), 1,
                       e->size) != 0 ||
                w_spooled(&w, c->spool, c->buf, e, sha256) != 0 ||
                w_pad4(&w, e->size) != 0)
                goto out;
            break;
        }
        if (list) {
            /* The listing keeps the ustar convention: a folder's name
             * ends in '/'. */
            if (e->type == T_DIR) {
                name[at + rlen] = '/';
                name[at + rlen + 1u] = '\0';
            }
            if (list_entry(list, e, name, sha256, c->diag) != 0)
                goto out;
        }
    }
    {
        /* The trailer: every field 0 but nlink 1, as GNU cpio writes it.
         * Header and name fill 124 bytes, so the archive stays a multiple
         * of 4 and needs no further padding. */
        unsigned char h[128];
        size_t n = hv_newc_header(h, sizeof h, HV_NEWC_TRAILER, 0, 0, 1, 0,
                                  0, c->diag);
        if (n == 0 || w_bytes(&w, h, n) != 0)
            goto out;
    }
    if (fflush(out) != 0) {
        hv_fail_errno(c->diag, errno ? errno : EIO,
                      "the temporary cpio archive", "write failed");
        goto out;
    }
    if (res) {
        res->tar_size = w.written;
        res->entries = ino; /* <= MAX_INDEX + prefix folders + 1 */
    }
    ret = 0;
out:
    EVP_MD_CTX_free(w.md);
    if (ret != 0 && list)
        hv_drivers_listing_free(list);
    free(name);
    free(order);
    free(idx);
    return ret;
}

/* ---- entry point ------------------------------------------------------- */

/* see drivers.h */
int hv_drivers_normalise(const hv_driver_pkg *pkgs, size_t count,
                         uint64_t mtime, FILE *out, hv_drivers_result *res,
                         hv_diag *diag)
{
    return hv_drivers_normalise_listed(pkgs, count, mtime, out, res, NULL,
                                       diag);
}

/* The archive kinds normalise() writes. */
typedef enum layout {
    L_USTAR,  /* the monitor's drivers section */
    L_PREFIX, /* newc, under a prefix, with the index */
    L_ROOT,   /* newc, one package's entries at the root, no index */
} layout;

static int normalise(const hv_driver_pkg *pkgs, size_t count, uint64_t mtime,
                     layout lay, const char *prefix, FILE *out,
                     hv_drivers_result *res, hv_drivers_listing *listing,
                     hv_diag *diag);

int hv_drivers_normalise_listed(const hv_driver_pkg *pkgs, size_t count,
                                uint64_t mtime, FILE *out,
                                hv_drivers_result *res,
                                hv_drivers_listing *listing, hv_diag *diag)
{
    return normalise(pkgs, count, mtime, L_USTAR, NULL, out, res, listing,
                     diag);
}

/* see drivers.h */
int hv_drivers_normalise_newc(const hv_driver_pkg *pkgs, size_t count,
                              uint64_t mtime, const char *prefix, FILE *out,
                              hv_drivers_result *res,
                              hv_drivers_listing *listing, hv_diag *diag)
{
    size_t n = prefix ? strlen(prefix) : 0;
    /* The prefix is the builder's ("lib/modules/RELEASE/updates/hvimage"),
     * RELEASE from a kernel: still, a name the kernel would resolve
     * elsewhere is refused. */
    if (n == 0 || n > HV_MAX_DRIVER_PATH || prefix[0] == '/' ||
        prefix[n - 1] == '/' || !printable(prefix) ||
        strstr(prefix, "//") || strstr(prefix, "/../") ||
        strncmp(prefix, "../", 3) == 0 || strstr(prefix, "/./") ||
        (n >= 3 && strcmp(prefix + n - 3, "/..") == 0))
        return hv_diag_set(diag, "cpio prefix '%s' is not a clean relative "
                           "path", prefix ? prefix : "");
    return normalise(pkgs, count, mtime, L_PREFIX, prefix, out, res,
                     listing, diag);
}

/* see drivers.h */
int hv_initramfs_normalise(const char *folder, uint64_t mtime, FILE *out,
                           hv_drivers_result *res,
                           hv_drivers_listing *listing, hv_diag *diag)
{
    /* One package whose folder name is dropped on writing; the name only
     * takes its share of HV_MAX_DRIVER_PATH. */
    hv_driver_pkg pkg;
    memset(&pkg, 0, sizeof pkg);
    snprintf(pkg.vendor, sizeof pkg.vendor, "initramfs");
    snprintf(pkg.version, sizeof pkg.version, "0");
    pkg.path = (char *)folder;
    return normalise(&pkg, 1, mtime, L_ROOT, NULL, out, res, listing, diag);
}

static int normalise(const hv_driver_pkg *pkgs, size_t count, uint64_t mtime,
                     layout lay, const char *prefix, FILE *out,
                     hv_drivers_result *res, hv_drivers_listing *listing,
                     hv_diag *diag)
{
    if (listing)
        memset(listing, 0, sizeof *listing);
    ctx c = {.diag = diag};
    const hv_driver_pkg **sorted = NULL;
    int ret = -1;

    if (count > HV_MAX_DRIVER_PACKAGES)
        return hv_diag_set(diag,
                           "%zu driver packages: more than "
                           "HV_MAX_DRIVER_PACKAGES (%u)",
                           count, HV_MAX_DRIVER_PACKAGES);
    if (mtime > (lay == L_USTAR ? USTAR_MAX_OCTAL11 : UINT32_MAX))
        return hv_diag_set(diag,
                           "build epoch %" PRIu64 " does not fit a %s "
                           "header",
                           mtime, lay == L_USTAR ? "ustar" : "newc cpio");
    if (!out || (count > 0 && !pkgs))
        return hv_diag_set(diag, "hv_drivers_normalise: bad arguments");

    /* Checked before sorting: strcmp() needs the NULs is_text() proves. */
    for (size_t i = 0; i < count; i++) {
        const hv_driver_pkg *p = &pkgs[i];
        c.pkg = p;
        if (!p->path)
            return hv_diag_set(diag, "driver package '%.*s' has no path",
                               (int)HV_SECTION_NAME_SIZE, p->vendor);
        if (!is_text(p->vendor, HV_SECTION_NAME_SIZE) ||
            strcmp(p->vendor, ".") == 0 || strcmp(p->vendor, "..") == 0 ||
            strcmp(p->vendor, INDEX_NAME) == 0)
            return pkg_err(&c, "vendor '%.*s' is not a usable folder name",
                           (int)HV_SECTION_NAME_SIZE, p->vendor);
        if (!is_text(p->version, HV_VERSION_SIZE))
            return pkg_err(&c,
                           "version '%.*s' is not text (A-Z a-z 0-9 . _ + -)",
                           (int)HV_VERSION_SIZE, p->version);
    }

    /* Vendor order whatever the caller's order; names are the folders. */
    sorted = malloc((count ? count : 1u) * sizeof *sorted);
    if (!sorted)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    for (size_t i = 0; i < count; i++)
        sorted[i] = &pkgs[i];
    qsort(sorted, count, sizeof *sorted, cmp_pkg);
    for (size_t i = 1; i < count; i++) {
        if (strcmp(sorted[i - 1]->vendor, sorted[i]->vendor) == 0) {
            c.pkg = sorted[i];
            pkg_err(&c, "vendor '%s' has two packages", sorted[i]->vendor);
            goto out;
        }
    }

    c.slots = calloc(HASH_SLOTS, sizeof *c.slots);
    c.buf = malloc(IO_CHUNK);
    c.spool = tmpfile();
    if (!c.slots || !c.buf || !c.spool) {
        hv_fail_errno(diag, errno ? errno : ENOMEM, "the driver spool file",
                      "cannot create");
        goto out;
    }
    for (size_t i = 0; i < count; i++) {
        c.pkg = sorted[i];
        c.vendor_len = strlen(sorted[i]->vendor);
        if (read_package(&c) != 0)
            goto out;
    }
    if (fflush(c.spool) != 0) {
        hv_fail_errno(diag, errno ? errno : EIO, "the driver spool file",
                      "write failed");
        goto out;
    }
    ret = lay == L_USTAR
              ? write_archive(&c, sorted, count, mtime, out, res, listing)
              : write_newc(&c, sorted, count, mtime,
                           lay == L_PREFIX ? prefix : NULL, out, res,
                           listing);
out:
    for (size_t i = 0; i < c.n; i++) {
        free(c.ents[i].name);
        free(c.ents[i].link);
    }
    free(c.ents);
    free(c.slots);
    free(c.buf);
    if (c.spool)
        fclose(c.spool);
    free(sorted);
    return ret;
}
