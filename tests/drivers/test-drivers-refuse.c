/*
 * One named case per refusal of drivers.h, each asserting the message names
 * the package path and the entry exactly ("PATH: entry 'NAME': problem"),
 * plus the ceilings of host_limits.h at the limit (accepted) and one past it
 * (refused), and what is accepted but normalised (setuid bits).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "drvtest.h"
#include "host_limits.h"

#define MTIME UINT64_C(1600000000)

static char *tmp;
static unsigned serial;

typedef struct rent {
    const char *name;
    char type; /* ustar typeflag */
    unsigned mode;
    const char *data;
    const char *link;
} rent;

/* A fresh path in the temporary folder; malloc'd. */
static char *fresh(const char *suffix)
{
    char name[64];
    snprintf(name, sizeof name, "case%03u%s", ++serial, suffix);
    return t_join(tmp, name);
}

static char *mk_raw(const rent *es, size_t n)
{
    char *path = fresh(".tar");
    traw r;
    int rc = t_raw_open(&r, path);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t len = es[i].data ? strlen(es[i].data) : 0;
        rc = t_raw_header(&r, es[i].name, es[i].type, es[i].mode, len,
                          es[i].link);
        if (rc == 0)
            rc = t_raw_data(&r, es[i].data, len, true);
    }
    if (t_raw_close(&r, true) != 0)
        rc = -1;
    CHECK_MSG(rc == 0, "cannot write %s", path);
    return path;
}

/* The message must start with "PATH: entry 'ENTRY': " and mention
 * |problem|. */
static void expect_entry(const char *label, const trun *r, const char *path,
                         const char *entry, const char *problem)
{
    char prefix[4096];
    snprintf(prefix, sizeof prefix, "%s: entry '%s': ", path, entry);
    fprintf(stderr, "[%s] %s\n", label, r->diag.msg);
    CHECK_MSG(r->rc == -1, "%s: accepted", label);
    CHECK_MSG(strncmp(r->diag.msg, prefix, strlen(prefix)) == 0,
              "%s: message '%s' does not start with '%s'", label, r->diag.msg,
              prefix);
    CHECK_MSG(strstr(r->diag.msg, problem) != NULL,
              "%s: message '%s' lacks '%s'", label, r->diag.msg, problem);
}

static void expect_pkg(const char *label, const trun *r, const char *path,
                       const char *problem)
{
    char prefix[4096];
    snprintf(prefix, sizeof prefix, "%s: ", path);
    fprintf(stderr, "[%s] %s\n", label, r->diag.msg);
    CHECK_MSG(r->rc == -1, "%s: accepted", label);
    CHECK_MSG(strncmp(r->diag.msg, prefix, strlen(prefix)) == 0,
              "%s: message '%s' does not start with '%s'", label, r->diag.msg,
              prefix);
    CHECK_MSG(strstr(r->diag.msg, problem) != NULL,
              "%s: message '%s' lacks '%s'", label, r->diag.msg, problem);
}

static void refuse_raw(const char *label, const rent *es, size_t n,
                       const char *entry, const char *problem)
{
    char *path = mk_raw(es, n);
    trun r;
    t_run1(&r, "acme", "1.0", path, MTIME);
    expect_entry(label, &r, path, entry, problem);
    t_run_free(&r);
    free(path);
}

static void accept_raw(const char *label, const rent *es, size_t n,
                       trun *r)
{
    char *path = mk_raw(es, n);
    t_run1(r, "acme", "1.0", path, MTIME);
    CHECK_MSG(r->rc == 0, "%s: refused: %s", label, r->diag.msg);
    free(path);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- names ------------------------------------------------------------- */

static void test_path_traversal(void)
{
    static const rent a[] = {{"../x", '0', 0644, "abc", NULL}};
    static const rent b[] = {{"sub/../../x", '0', 0644, "abc", NULL}};
    static const rent c[] = {{"sub/../x", '0', 0644, "abc", NULL}};
    refuse_raw("traversal ../x", a, N(a), "../x", "'..'");
    refuse_raw("traversal sub/../../x", b, N(b), "sub/../../x", "'..'");
    /* even when it would stay inside */
    refuse_raw("dotdot sub/../x", c, N(c), "sub/../x", "'..'");
}

static void test_absolute(void)
{
    static const rent a[] = {{"/etc/x", '0', 0644, "abc", NULL}};
    refuse_raw("absolute /etc/x", a, N(a), "/etc/x", "absolute path");
}

static void test_empty_component(void)
{
    static const rent a[] = {{"a//b", '0', 0644, "abc", NULL}};
    refuse_raw("empty component a//b", a, N(a), "a//b", "empty");
}

static void test_non_printable(void)
{
    static const rent a[] = {{"a\001b", '0', 0644, "abc", NULL}};
    static const rent b[] = {{"caf\303\251", '0', 0644, "abc", NULL}};
    static const rent c[] = {{"a\tb", '0', 0644, "abc", NULL}};
    refuse_raw("control byte", a, N(a), "a\\x01b", "non-printable");
    refuse_raw("UTF-8 name", b, N(b), "caf\\xc3\\xa9", "non-printable");
    refuse_raw("tab", c, N(c), "a\\x09b", "non-printable");
}

/* ---- entry types ------------------------------------------------------- */

static void test_symlink_out(void)
{
    static const rent a[] = {{"evil", '2', 0777, NULL, "../../etc/passwd"}};
    static const rent b[] = {{"evil", '2', 0777, NULL, "/etc/passwd"}};
    static const rent c[] = {{"sub/evil", '2', 0777, NULL, "../.."}};
    static const rent d[] = {{"evil", '2', 0777, NULL, ""}};
    refuse_raw("symlink ../../etc/passwd", a, N(a), "evil", "leaves");
    refuse_raw("symlink /etc/passwd", b, N(b), "evil", "absolute");
    refuse_raw("symlink sub/evil -> ../..", c, N(c), "sub/evil", "leaves");
    refuse_raw("symlink empty target", d, N(d), "evil", "without a target");

    /* the same from a folder, with real symlinks */
    char *dir = fresh("-dir");
    static const tentry f[] = {
        {"ok", 'f', 0644, "x", 1, NULL},
        {"sub/evil", 'l', 0777, NULL, 0, "../../etc/passwd"},
    };
    static const tentry g[] = {{"evil", 'l', 0777, NULL, 0, "/etc/passwd"}};
    trun r;
    CHECK(t_make_folder(dir, f, N(f), 5) == 0);
    t_run1(&r, "acme", "1.0", dir, MTIME);
    expect_entry("folder symlink out", &r, dir, "sub/evil", "leaves");
    t_run_free(&r);
    free(dir);
    dir = fresh("-dir");
    CHECK(t_make_folder(dir, g, N(g), 6) == 0);
    t_run1(&r, "acme", "1.0", dir, MTIME);
    expect_entry("folder symlink absolute", &r, dir, "evil", "absolute");
    t_run_free(&r);
    free(dir);
}

static void test_symlink_chain(void)
{
    /* each target stays inside lexically, but "sub/l1/.." resolves
     * against l1's target (the root), so l2 would leave the package */
    static const rent a[] = {
        {"sub/l1", '2', 0777, NULL, ".."},
        {"l2", '2', 0777, NULL, "sub/l1/../x"},
    };
    refuse_raw("symlink through symlink", a, N(a), "l2", "passes through");

    /* links to links, inside targets and the root itself are fine */
    static const rent b[] = {
        {"sub/l1", '2', 0777, NULL, ".."},
        {"l3", '2', 0777, NULL, "sub/l1"},
        {"l4", '2', 0777, NULL, "./sub//x/"},
        {"sub/x", '0', 0644, "x", NULL},
        {"sub/l5", '2', 0777, NULL, "../sub/./x"},
    };
    trun r;
    tar_ent *es = NULL;
    char why[256] = "";
    accept_raw("symlinks inside", b, N(b), &r);
    long n = t_parse_tar(r.tar, r.tar_len, MTIME, &es, why, sizeof why);
    CHECK_MSG(n == 8, "%ld entries: %s", n, why);
    for (long i = 0; i < n; i++) {
        if (strcmp(es[i].name, "acme/l4") == 0)
            CHECK(es[i].type == '2' && strcmp(es[i].link, "sub/x") == 0);
        if (strcmp(es[i].name, "acme/sub/l5") == 0)
            CHECK(strcmp(es[i].link, "../sub/x") == 0 && es[i].mode == 0777);
    }
    free(es);
    t_run_free(&r);

    /* ustar has 100 bytes for the target and no pax headers are written:
     * 100 is accepted, 101 refused (pax input carries the long one) */
    char t100[128], t101[128];
    memset(t100, 'a', 100);
    t100[100] = '\0';
    memset(t101, 'a', 101);
    t101[101] = '\0';
    tentry l100 = {"l", 'l', 0777, NULL, 0, t100};
    tentry l101 = {"l", 'l', 0777, NULL, 0, t101};
    tvariant v = {0, false, false, false};
    char *p100 = fresh(".tar"), *p101 = fresh(".tar");
    CHECK(t_make_archive(p100, TF_PAX, TZ_NONE, &l100, 1, &v) == 0);
    CHECK(t_make_archive(p101, TF_PAX, TZ_NONE, &l101, 1, &v) == 0);
    t_run1(&r, "acme", "1.0", p100, MTIME);
    CHECK_MSG(r.rc == 0, "100-byte target refused: %s", r.diag.msg);
    t_run_free(&r);
    t_run1(&r, "acme", "1.0", p101, MTIME);
    expect_entry("symlink target over 100 bytes", &r, p101, "l",
                 "100 bytes");
    t_run_free(&r);
    free(p100);
    free(p101);
}

static void test_hardlink(void)
{
    static const rent a[] = {
        {"a", '0', 0644, "abc", NULL},
        {"b", '1', 0644, NULL, "a"},
    };
    refuse_raw("hardlink", a, N(a), "b", "hard link");
}

static void test_devices_fifos_sockets(void)
{
    static const rent chr[] = {{"dev/console", '3', 0600, NULL, NULL}};
    static const rent blk[] = {{"dev/sda", '4', 0600, NULL, NULL}};
    static const rent fifo[] = {{"pipe", '6', 0600, NULL, NULL}};
    refuse_raw("char device", chr, N(chr), "dev/console", "character device");
    refuse_raw("block device", blk, N(blk), "dev/sda", "block device");
    refuse_raw("fifo in tar", fifo, N(fifo), "pipe", "FIFO");

    /* on disk: a FIFO and a socket */
    char *dir = fresh("-dir");
    static const tentry f[] = {{"README", 'f', 0644, "x", 1, NULL}};
    CHECK(t_make_folder(dir, f, N(f), 7) == 0);
    char *p = t_join(dir, "pipe");
    CHECK(mkfifo(p, 0600) == 0);
    trun r;
    t_run1(&r, "acme", "1.0", dir, MTIME);
    expect_entry("fifo in folder", &r, dir, "pipe", "FIFO");
    t_run_free(&r);
    CHECK(unlink(p) == 0);
    free(p);

    p = t_join(dir, "sock");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    CHECK(strlen(p) < sizeof sa.sun_path);
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", p);
    CHECK(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0);
    t_run1(&r, "acme", "1.0", dir, MTIME);
    expect_entry("socket in folder", &r, dir, "sock", "socket");
    t_run_free(&r);
    if (s >= 0)
        close(s);
    free(p);
    free(dir);
}

static void test_duplicates(void)
{
    static const rent a[] = {
        {"a", '0', 0644, "one", NULL},
        {"a", '0', 0644, "two", NULL},
    };
    static const rent b[] = {
        {"./a", '0', 0644, "one", NULL},
        {"a", '0', 0644, "two", NULL},
    };
    static const rent c[] = {
        {"d", '0', 0644, "one", NULL},
        {"d/", '5', 0755, NULL, NULL},
    };
    static const rent d[] = {
        {"d/", '5', 0755, NULL, NULL},
        {"./d/", '5', 0755, NULL, NULL},
    };
    static const rent e[] = {
        {"d/x", '0', 0644, "x", NULL},
        {"d", '0', 0644, "one", NULL},
    };
    static const rent f[] = {
        {"./", '5', 0755, NULL, NULL},
        {".", '5', 0755, NULL, NULL},
    };
    refuse_raw("duplicate name", a, N(a), "a", "duplicate");
    refuse_raw("duplicate after ./", b, N(b), "a", "duplicate");
    refuse_raw("file then folder", c, N(c), "d/", "duplicate");
    refuse_raw("folder twice", d, N(d), "./d/", "duplicate");
    refuse_raw("folder of entries, then file", e, N(e), "d", "duplicate");
    refuse_raw("root twice", f, N(f), ".", "root");

    /* a folder listed after its entries is not a duplicate */
    static const rent ok[] = {
        {"d/x", '0', 0644, "x", NULL},
        {"d/", '5', 0700, NULL, NULL},
    };
    trun r;
    accept_raw("folder after its entries", ok, N(ok), &r);
    CHECK(r.res.entries == 4);
    t_run_free(&r);
}

static void test_parent_not_folder(void)
{
    static const rent a[] = {
        {"a", '0', 0644, "x", NULL},
        {"a/b", '0', 0644, "y", NULL},
    };
    static const rent b[] = {
        {"sub/", '5', 0755, NULL, NULL},
        {"l", '2', 0777, NULL, "sub"},
        {"l/x", '0', 0644, "y", NULL},
    };
    refuse_raw("file as parent", a, N(a), "a/b", "parent 'a' is not a folder");
    refuse_raw("symlink as parent", b, N(b), "l/x",
               "parent 'l' is not a folder");
}

/* ---- sizes ------------------------------------------------------------- */

static void test_truncated(void)
{
    char *path = fresh(".tar");
    char *data = calloc(1, 10240);
    traw w;
    trun r;
    CHECK(t_raw_open(&w, path) == 0);
    CHECK(t_raw_header(&w, "ok", '0', 0644, 2, NULL) == 0);
    CHECK(t_raw_data(&w, "ok", 2, true) == 0);
    CHECK(t_raw_header(&w, "big.bin", '0', 0644, 1u << 20, NULL) == 0);
    CHECK(t_raw_data(&w, data, 10240, false) == 0);
    CHECK(t_raw_close(&w, false) == 0);
    t_run1(&r, "acme", "1.0", path, MTIME);
    expect_entry("truncated entry", &r, path, "big.bin", "");
    t_run_free(&r);
    free(path);
    free(data);
}

static void test_size_limits(void)
{
    char *path = fresh(".tar");
    traw w;
    trun r;

    /* one entry declaring more than the whole budget, no data behind it:
     * refused before anything is read */
    CHECK(t_raw_open(&w, path) == 0);
    CHECK(t_raw_header(&w, "huge.bin", '0', 0644, HV_MAX_DRIVER_BYTES + 1u,
                       NULL) == 0);
    CHECK(t_raw_close(&w, false) == 0);
    t_run1(&r, "acme", "1.0", path, MTIME);
    expect_entry("entry over HV_MAX_DRIVER_BYTES", &r, path, "huge.bin",
                 "HV_MAX_DRIVER_BYTES");
    t_run_free(&r);
    free(path);

    /* the total counts: 10 bytes read, then a claim of limit - 5 */
    path = fresh(".tar");
    CHECK(t_raw_open(&w, path) == 0);
    CHECK(t_raw_header(&w, "a", '0', 0644, 10, NULL) == 0);
    CHECK(t_raw_data(&w, "0123456789", 10, true) == 0);
    CHECK(t_raw_header(&w, "b", '0', 0644, HV_MAX_DRIVER_BYTES - 5u, NULL) ==
          0);
    CHECK(t_raw_close(&w, false) == 0);
    t_run1(&r, "acme", "1.0", path, MTIME);
    expect_entry("total over HV_MAX_DRIVER_BYTES", &r, path, "b",
                 "HV_MAX_DRIVER_BYTES");
    t_run_free(&r);

    /* and across packages */
    static const rent small[] = {{"a", '0', 0644, "0123456789", NULL}};
    char *first = mk_raw(small, 1);
    char *second = fresh(".tar");
    CHECK(t_raw_open(&w, second) == 0);
    CHECK(t_raw_header(&w, "c", '0', 0644, HV_MAX_DRIVER_BYTES - 5u, NULL) ==
          0);
    CHECK(t_raw_close(&w, false) == 0);
    hv_driver_pkg p[2] = {t_pkg("acme", "1.0", first),
                          t_pkg("zeta", "2.0", second)};
    t_run(&r, p, 2, MTIME);
    expect_entry("total over packages", &r, second, "c",
                 "HV_MAX_DRIVER_BYTES");
    t_run_free(&r);
    free(first);
    free(second);
    free(path);
}

/* ---- counts ------------------------------------------------------------ */

static char *mk_many(const char *folder, unsigned count)
{
    char *path = fresh(".tar");
    traw w;
    char name[64];
    int rc = t_raw_open(&w, path);
    for (unsigned i = 0; rc == 0 && i < count; i++) {
        snprintf(name, sizeof name, "%sf%05u", folder, i);
        rc = t_raw_header(&w, name, '0', 0644, 1, NULL);
        if (rc == 0)
            rc = t_raw_data(&w, "x", 1, true);
    }
    if (t_raw_close(&w, true) != 0)
        rc = -1;
    CHECK(rc == 0);
    return path;
}

static void test_entry_limit(void)
{
    trun r;
    char *path = mk_many("", HV_MAX_DRIVER_ENTRIES);
    t_run1(&r, "acme", "1.0", path, MTIME);
    CHECK_MSG(r.rc == 0, "exactly HV_MAX_DRIVER_ENTRIES refused: %s",
              r.diag.msg);
    /* the index and the vendor folder come on top */
    CHECK(r.res.entries == HV_MAX_DRIVER_ENTRIES + 2u);
    if (r.rc == 0) {
        tar_ent *es = NULL;
        char why[256] = "";
        CHECK_MSG(t_parse_tar(r.tar, r.tar_len, MTIME, &es, why, sizeof why) ==
                      (long)HV_MAX_DRIVER_ENTRIES + 2,
                  "%s", why);
        free(es);
    }
    t_run_free(&r);
    free(path);

    char last[16];
    snprintf(last, sizeof last, "f%05u", HV_MAX_DRIVER_ENTRIES);
    path = mk_many("", HV_MAX_DRIVER_ENTRIES + 1u);
    t_run1(&r, "acme", "1.0", path, MTIME);
    expect_entry("HV_MAX_DRIVER_ENTRIES + 1", &r, path, last,
                 "HV_MAX_DRIVER_ENTRIES");
    t_run_free(&r);
    free(path);

    /* a synthesised folder counts like a listed one */
    path = mk_many("d/", HV_MAX_DRIVER_ENTRIES - 1u);
    t_run1(&r, "acme", "1.0", path, MTIME);
    CHECK_MSG(r.rc == 0, "limit with synthesised folder: %s", r.diag.msg);
    t_run_free(&r);
    free(path);
    snprintf(last, sizeof last, "d/f%05u", HV_MAX_DRIVER_ENTRIES - 1u);
    path = mk_many("d/", HV_MAX_DRIVER_ENTRIES);
    t_run1(&r, "acme", "1.0", path, MTIME);
    expect_entry("synthesised folder + HV_MAX_DRIVER_ENTRIES", &r, path,
                 last + 0, "HV_MAX_DRIVER_ENTRIES");
    t_run_free(&r);
    free(path);

    /* the limit is over all packages */
    char *a = mk_many("", HV_MAX_DRIVER_ENTRIES / 2u);
    char *b = mk_many("", HV_MAX_DRIVER_ENTRIES / 2u + 1u);
    hv_driver_pkg p[2] = {t_pkg("acme", "1.0", a), t_pkg("zeta", "1.0", b)};
    snprintf(last, sizeof last, "f%05u", HV_MAX_DRIVER_ENTRIES / 2u);
    t_run(&r, p, 2, MTIME);
    expect_entry("entries over packages", &r, b, last,
                 "HV_MAX_DRIVER_ENTRIES");
    t_run_free(&r);
    free(a);
    free(b);
}

static void test_package_limit(void)
{
    hv_driver_pkg p[HV_MAX_DRIVER_PACKAGES + 1u];
    trun r;
    for (unsigned i = 0; i <= HV_MAX_DRIVER_PACKAGES; i++) {
        memset(&p[i], 0, sizeof p[i]);
        snprintf(p[i].vendor, sizeof p[i].vendor, "v%03u", i);
        snprintf(p[i].version, sizeof p[i].version, "1");
        p[i].path = tmp;
    }
    t_run(&r, p, HV_MAX_DRIVER_PACKAGES + 1u, MTIME);
    CHECK(r.rc == -1 && strstr(r.diag.msg, "HV_MAX_DRIVER_PACKAGES"));
    t_run_free(&r);
}

/* ---- path length ------------------------------------------------------- */

static void test_path_length(void)
{
    /* "acme/" + 49 + "/" + 49 + "/" + 49 + "/" + N: the parents split into
     * ustar prefix/name, and so does the file up to 255 bytes */
    char base[160], at[300], past[300], dir_at[300], flat[300];
    memset(base, 0, sizeof base);
    memset(base, 'p', 49);
    base[49] = '/';
    memset(base + 50, 'q', 49);
    base[99] = '/';
    memset(base + 100, 'r', 49);
    base[149] = '/';
    /* 5 + 150 + 100 = 255 */
    snprintf(at, sizeof at, "%s%0100d", base, 0);
    snprintf(past, sizeof past, "%s%0101d", base, 0);
    /* a folder: its stored name ends in '/', which counts */
    snprintf(dir_at, sizeof dir_at, "%s%099d/", base, 0);
    CHECK(strlen(at) == 250 && strlen(dir_at) == 250);

    trun r;
    tar_ent *es = NULL;
    char why[256] = "";

    /* the raw writer stores at most 100 bytes of name: use libarchive's */
    tentry ta = {at, 'f', 0644, "x", 1, NULL};
    tentry td = {NULL, 'd', 0755, NULL, 0, NULL};
    tentry tb = {past, 'f', 0644, "x", 1, NULL};
    tvariant v = {0, false, false, false};
    char *pa = fresh(".tar"), *pd = fresh(".tar"), *pb = fresh(".tar");
    char dname[300];
    snprintf(dname, sizeof dname, "%s%099d", base, 0);
    td.name = dname;
    CHECK(t_make_archive(pa, TF_PAX, TZ_NONE, &ta, 1, &v) == 0);
    CHECK(t_make_archive(pd, TF_PAX, TZ_NONE, &td, 1, &v) == 0);
    CHECK(t_make_archive(pb, TF_PAX, TZ_NONE, &tb, 1, &v) == 0);

    t_run1(&r, "acme", "1.0", pa, MTIME);
    CHECK_MSG(r.rc == 0, "255-byte path refused: %s", r.diag.msg);
    if (r.rc == 0) {
        long n = t_parse_tar(r.tar, r.tar_len, MTIME, &es, why, sizeof why);
        CHECK_MSG(n == 6, "%ld entries: %s", n, why);
        if (n == 6)
            CHECK(strlen(es[5].name) == HV_MAX_DRIVER_PATH &&
                  strncmp(es[5].name, "acme/", 5) == 0 &&
                  strcmp(es[5].name + 5, at) == 0);
        free(es);
    }
    t_run_free(&r);

    t_run1(&r, "acme", "1.0", pd, MTIME);
    CHECK_MSG(r.rc == 0, "255-byte folder refused: %s", r.diag.msg);
    t_run_free(&r);

    t_run1(&r, "acme", "1.0", pb, MTIME);
    expect_entry("256-byte path", &r, pb, past, "longer than 255");
    t_run_free(&r);

    /* 155 bytes that no '/' splits into ustar's prefix and name */
    memset(flat, 'z', 150);
    flat[150] = '\0';
    tentry tf = {flat, 'f', 0644, "x", 1, NULL};
    char *pf = fresh(".tar");
    CHECK(t_make_archive(pf, TF_PAX, TZ_NONE, &tf, 1, &v) == 0);
    t_run1(&r, "acme", "1.0", pf, MTIME);
    expect_entry("unsplittable path", &r, pf, flat, "ustar");
    t_run_free(&r);

    free(pa);
    free(pd);
    free(pb);
    free(pf);
}

/* ---- packages ---------------------------------------------------------- */

static void test_unknown_format(void)
{
    char *path = fresh(".txt");
    FILE *f = fopen(path, "w");
    trun r;
    CHECK(f && fputs("just some text, not an archive\n", f) >= 0);
    if (f)
        fclose(f);
    t_run1(&r, "acme", "1.0", path, MTIME);
    expect_pkg("text file", &r, path, "not a tar, zip or cpio archive");
    t_run_free(&r);
    free(path);

    path = fresh(".empty");
    f = fopen(path, "w");
    if (f)
        fclose(f);
    t_run1(&r, "acme", "1.0", path, MTIME);
    expect_pkg("empty file", &r, path, "not a tar, zip or cpio archive");
    t_run_free(&r);

    char cmd[600];
    char *gz = fresh(".gz");
    snprintf(cmd, sizeof cmd, "echo plain text | gzip -n > %s", gz);
    CHECK(system(cmd) == 0);
    t_run1(&r, "acme", "1.0", gz, MTIME);
    expect_pkg("gzip of text", &r, gz, "not a tar, zip or cpio archive");
    t_run_free(&r);
    free(gz);

    char *missing = fresh("-missing");
    t_run1(&r, "acme", "1.0", missing, MTIME);
    expect_pkg("missing path", &r, missing, "cannot open");
    t_run_free(&r);
    free(missing);

    char *fifo = fresh("-fifo");
    CHECK(mkfifo(fifo, 0600) == 0);
    t_run1(&r, "acme", "1.0", fifo, MTIME);
    expect_pkg("FIFO as package", &r, fifo, "neither a regular file");
    t_run_free(&r);
    free(fifo);
    free(path);
}

static void test_vendors(void)
{
    static const rent a[] = {{"x", '0', 0644, "x", NULL}};
    char *path = mk_raw(a, 1);
    trun r;
    static const char *bad[] = {"drivers.idx", "..", ".", "a/b", ""};
    for (size_t i = 0; i < N(bad); i++) {
        t_run1(&r, bad[i], "1.0", path, MTIME);
        CHECK_MSG(r.rc == -1, "vendor '%s' accepted", bad[i]);
        CHECK(strncmp(r.diag.msg, path, strlen(path)) == 0);
        t_run_free(&r);
    }
    t_run1(&r, "acme", "1 0", path, MTIME);
    expect_pkg("version with a space", &r, path, "version");
    t_run_free(&r);

    hv_driver_pkg p[2] = {t_pkg("acme", "1.0", path),
                          t_pkg("acme", "2.0", path)};
    t_run(&r, p, 2, MTIME);
    expect_pkg("same vendor twice", &r, path, "two packages");
    t_run_free(&r);
    free(path);
}

/* ---- accepted, normalised ---------------------------------------------- */

static void test_setuid_stripped(void)
{
    static const rent a[] = {
        {"suid", '0', 04755, "#!/bin/sh\n", NULL},
        {"sgid", '0', 02644, "data", NULL},
        {"sticky/", '5', 01777, NULL, NULL},
        {"ro", '0', 0400, "r", NULL},
        {"x-other", '0', 0601, "r", NULL},
    };
    static const struct {
        const char *name;
        unsigned mode;
    } want[] = {
        {"acme/", 0755},      {"acme/ro", 0644},   {"acme/sgid", 0644},
        {"acme/sticky/", 0755}, {"acme/suid", 0755}, {"acme/x-other", 0755},
    };
    trun r;
    tar_ent *es = NULL;
    char why[256] = "";
    accept_raw("setuid file", a, N(a), &r);
    long n = t_parse_tar(r.tar, r.tar_len, MTIME, &es, why, sizeof why);
    CHECK_MSG(n == 7, "%ld: %s", n, why);
    for (long i = 1; n == 7 && i < n; i++) {
        CHECK(strcmp(es[i].name, want[i - 1].name) == 0);
        CHECK_MSG(es[i].mode == want[i - 1].mode, "%s: mode %o", es[i].name,
                  es[i].mode);
    }
    free(es);
    t_run_free(&r);
}

int main(void)
{
    tmp = t_mkdtemp();

    test_path_traversal();
    test_absolute();
    test_empty_component();
    test_non_printable();
    test_symlink_out();
    test_symlink_chain();
    test_hardlink();
    test_devices_fifos_sockets();
    test_duplicates();
    test_parent_not_folder();
    test_truncated();
    test_size_limits();
    test_entry_limit();
    test_package_limit();
    test_path_length();
    test_unknown_format();
    test_vendors();
    test_setuid_stripped();

    t_rmtree(tmp);
    return CHECK_DONE();
}
