/*
 * The same package content given as a folder and as every supported archive
 * flavour (shuffled order, different mtimes, owners and non-exec modes,
 * folders listed or not, "./" or not) normalises to byte-identical output,
 * whatever the umask or working folder; and that output has exactly the
 * structure drivers.h promises, checked by a reader independent of
 * drivers.c (and once more by libarchive's).
 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "drvtest.h"

#define MTIME UINT64_C(1700000000)

static unsigned char mod_ko[3000];
static unsigned char fw_bin[70000]; /* > one 64 KiB chunk, not 512-aligned */
static const char readme[] = "Acme example NIC driver.\n";
static const char license[] = "Invented licence text for tests.\n";
static const char tool_sh[] = "#!/bin/sh\necho acme\n";

static const tentry content[] = {
    {"README", 'f', 0644, readme, sizeof readme - 1, NULL},
    {"LICENSE", 'f', 0644, license, sizeof license - 1, NULL},
    {"bin", 'd', 0755, NULL, 0, NULL},
    {"bin/tool.sh", 'f', 0755, tool_sh, sizeof tool_sh - 1, NULL},
    {"lib", 'd', 0755, NULL, 0, NULL},
    {"lib/empty.dat", 'f', 0644, NULL, 0, NULL},
    {"lib/firmware", 'd', 0755, NULL, 0, NULL},
    {"lib/firmware/fw.bin", 'f', 0644, fw_bin, sizeof fw_bin, NULL},
    {"lib/link.ko", 'l', 0777, NULL, 0, "mod.ko"},
    {"lib/mod.ko", 'f', 0644, mod_ko, sizeof mod_ko, NULL},
    {"lib/up", 'l', 0777, NULL, 0, "../README"},
    {"share", 'd', 0755, NULL, 0, NULL},
    {"share/doc", 'd', 0755, NULL, 0, NULL},
};
#define NCONTENT (sizeof content / sizeof content[0])

static const char x_txt[] = "second package\n";
static const tentry other[] = {
    {"x.txt", 'f', 0644, x_txt, sizeof x_txt - 1, NULL},
};

/* What the normalised archive must hold, in order. */
typedef struct expect {
    const char *name;
    char type;
    unsigned mode;
    const void *data;
    size_t size;
    const char *link;
} expect;

static const char idx[] = "acme 2.1.0\nacme-x 0.1\n";
static const expect want[] = {
    {"drivers.idx", '0', 0644, idx, sizeof idx - 1, NULL},
    /* '-' sorts before '/': the second package's folder comes first */
    {"acme-x/", '5', 0755, NULL, 0, NULL},
    {"acme-x/x.txt", '0', 0644, x_txt, sizeof x_txt - 1, NULL},
    {"acme/", '5', 0755, NULL, 0, NULL},
    {"acme/LICENSE", '0', 0644, license, sizeof license - 1, NULL},
    {"acme/README", '0', 0644, readme, sizeof readme - 1, NULL},
    {"acme/bin/", '5', 0755, NULL, 0, NULL},
    {"acme/bin/tool.sh", '0', 0755, tool_sh, sizeof tool_sh - 1, NULL},
    {"acme/lib/", '5', 0755, NULL, 0, NULL},
    {"acme/lib/empty.dat", '0', 0644, NULL, 0, NULL},
    {"acme/lib/firmware/", '5', 0755, NULL, 0, NULL},
    {"acme/lib/firmware/fw.bin", '0', 0644, fw_bin, sizeof fw_bin, NULL},
    {"acme/lib/link.ko", '2', 0777, NULL, 0, "mod.ko"},
    {"acme/lib/mod.ko", '0', 0644, mod_ko, sizeof mod_ko, NULL},
    {"acme/lib/up", '2', 0777, NULL, 0, "../README"},
    {"acme/share/", '5', 0755, NULL, 0, NULL},
    {"acme/share/doc/", '5', 0755, NULL, 0, NULL},
};
#define NWANT (sizeof want / sizeof want[0])

static char *tmp;
static char *other_dir;

static void run_acme(trun *r, const char *path)
{
    hv_driver_pkg p[2] = {t_pkg("acme", "2.1.0", path),
                          t_pkg("acme-x", "0.1", other_dir)};
    t_run(r, p, 2, MTIME);
}

static void check_structure(const trun *r)
{
    tar_ent *es = NULL;
    char why[256] = "";
    long n = t_parse_tar(r->tar, r->tar_len, MTIME, &es, why, sizeof why);

    CHECK_MSG(n == (long)NWANT, "parsed %ld entries: %s", n, why);
    CHECK(r->res.tar_size == r->tar_len);
    CHECK(r->res.entries == NWANT);
    CHECK(r->tar_len % 512 == 0);
    for (size_t i = 0; n == (long)NWANT && i < NWANT; i++) {
        const tar_ent *e = &es[i];
        CHECK_MSG(strcmp(e->name, want[i].name) == 0, "entry %zu is '%s'",
                  i, e->name);
        CHECK_MSG(e->type == want[i].type, "%s: type %c", e->name, e->type);
        CHECK_MSG(e->mode == want[i].mode, "%s: mode %o", e->name, e->mode);
        CHECK_MSG(e->size == want[i].size, "%s: size %llu", e->name,
                  (unsigned long long)e->size);
        if (e->size == want[i].size && want[i].size)
            CHECK_MSG(memcmp(e->data, want[i].data, want[i].size) == 0,
                      "%s: contents differ", e->name);
        CHECK(strcmp(e->link, want[i].link ? want[i].link : "") == 0);
        if (i > 0) /* bytewise order of the whole index */
            CHECK_MSG(strcmp(es[i - 1].name, e->name) < 0 || i == 1,
                      "'%s' before '%s'", es[i - 1].name, e->name);
    }
    free(es);
}

/* libarchive's reader sees the same plain ustar archive. */
static void check_with_libarchive(const trun *r)
{
    struct archive *a = archive_read_new();
    struct archive_entry *ae;
    size_t i = 0;

    archive_read_support_format_all(a);
    CHECK(archive_read_open_memory(a, r->tar, r->tar_len) == ARCHIVE_OK);
    while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
        CHECK(archive_format(a) == ARCHIVE_FORMAT_TAR_USTAR);
        CHECK(i < NWANT && strcmp(archive_entry_pathname(ae),
                                  want[i].name) == 0);
        CHECK(archive_entry_uid(ae) == 0 && archive_entry_gid(ae) == 0);
        CHECK(archive_entry_mtime(ae) == (time_t)MTIME);
        CHECK(archive_entry_uname(ae) == NULL ||
              archive_entry_uname(ae)[0] == '\0');
        i++;
    }
    CHECK(i == NWANT);
    archive_read_free(a);
}

static bool same(const trun *a, const trun *b)
{
    return a->rc == 0 && b->rc == 0 && a->tar_len == b->tar_len &&
           memcmp(a->tar, b->tar, a->tar_len) == 0;
}

static int shell(const char *fmt, const char *a, const char *b)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    int rc = system(cmd);
    if (rc != 0)
        fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
    return rc;
}

int main(void)
{
    trun ref, r;
    char *dir1, *dir2, *path;

    t_fill(mod_ko, sizeof mod_ko, 11);
    t_fill(fw_bin, sizeof fw_bin, 12);
    memset(fw_bin + 1000, 0, 20000); /* a run of zeros inside */
    tmp = t_mkdtemp();
    other_dir = t_join(tmp, "other");
    dir1 = t_join(tmp, "folder1");
    dir2 = t_join(tmp, "folder2");
    CHECK(t_make_folder(other_dir, other, 1, 99) == 0);
    CHECK(t_make_folder(dir1, content, NCONTENT, 1) == 0);
    CHECK(t_make_folder(dir2, content, NCONTENT, 2) == 0);

    /* The reference: a folder. */
    run_acme(&ref, dir1);
    CHECK_MSG(ref.rc == 0, "%s", ref.diag.msg);
    if (ref.rc != 0)
        return CHECK_DONE();
    check_structure(&ref);
    check_with_libarchive(&ref);

    /* Package order given by the caller does not matter. */
    {
        hv_driver_pkg p[2] = {t_pkg("acme-x", "0.1", other_dir),
                              t_pkg("acme", "2.1.0", dir1)};
        t_run(&r, p, 2, MTIME);
        CHECK_MSG(same(&ref, &r), "reversed package order differs");
        t_run_free(&r);
    }

    /* Another folder: other modes, mtimes, owners, a trailing '/', umask
     * 077 and a relative path from another working folder. */
    {
        int cwd = open(".", O_RDONLY | O_DIRECTORY);
        mode_t old = umask(077);
        CHECK(cwd >= 0 && chdir(tmp) == 0);
        run_acme(&r, "folder2/");
        CHECK_MSG(same(&ref, &r), "folder2/ differs: %s", r.diag.msg);
        t_run_free(&r);
        umask(old);
        CHECK(fchdir(cwd) == 0);
        close(cwd);
    }

    /* Archives from libarchive's writer. */
    static const struct {
        const char *file;
        tformat fmt;
        tfilter filter;
        tvariant v;
    } arch[] = {
        {"p.tar", TF_USTAR, TZ_NONE, {3, true, true, false}},
        {"p-pax.tar", TF_PAX, TZ_NONE, {4, false, false, true}},
        {"p.tar.gz", TF_GNUTAR, TZ_GZIP, {5, true, false, false}},
        {"p.tar.zst", TF_PAX, TZ_ZSTD, {6, false, true, false}},
        {"p.tar.xz", TF_USTAR, TZ_XZ, {7, true, false, true}},
        {"p.tar.bz2", TF_GNUTAR, TZ_BZIP2, {8, false, false, false}},
        {"p.zip", TF_ZIP, TZ_NONE, {9, true, false, false}},
        {"p2.zip", TF_ZIP, TZ_NONE, {10, false, true, false}},
        {"p.cpio", TF_CPIO_NEWC, TZ_NONE, {11, true, true, true}},
        {"p-odc.cpio.gz", TF_CPIO_ODC, TZ_GZIP, {12, false, false, false}},
        {"p-unsorted.tar", TF_USTAR, TZ_NONE, {0, true, false, false}},
    };
    for (size_t i = 0; i < sizeof arch / sizeof arch[0]; i++) {
        path = t_join(tmp, arch[i].file);
        int rc = t_make_archive(path, arch[i].fmt, arch[i].filter, content,
                                NCONTENT, &arch[i].v);
        CHECK_MSG(rc == 0, "cannot make %s", arch[i].file);
        run_acme(&r, path);
        CHECK_MSG(same(&ref, &r), "%s differs: %s", arch[i].file, r.diag.msg);
        t_run_free(&r);
        free(path);
    }

    /* Archives from the command-line tools, of the second folder. */
    static const struct {
        const char *file;
        const char *cmd;
    } cli[] = {
        {"cli.tar.gz", "tar -C %s -czf %s ."},
        {"cli.tar.zst", "tar -C %s --zstd -cf %s ."},
        {"cli.zip", "cd %s && zip -qry %s ."},
        {"cli.cpio", "cd %s && find . | cpio --quiet -o -H newc > %s"},
    };
    for (size_t i = 0; i < sizeof cli / sizeof cli[0]; i++) {
        path = t_join(tmp, cli[i].file);
        CHECK(shell(cli[i].cmd, dir2, path) == 0);
        run_acme(&r, path);
        CHECK_MSG(same(&ref, &r), "%s differs: %s", cli[i].file, r.diag.msg);
        t_run_free(&r);
        free(path);
    }

    /* The build epoch is the only time in the output. */
    {
        hv_driver_pkg p = t_pkg("acme", "2.1.0", dir1);
        tar_ent *es = NULL;
        char why[256] = "";
        t_run(&r, &p, 1, 0);
        CHECK(r.rc == 0);
        CHECK_MSG(t_parse_tar(r.tar, r.tar_len, 0, &es, why, sizeof why) ==
                      (long)NWANT - 2,
                  "%s", why);
        free(es);
        t_run_free(&r);
        t_run(&r, &p, 1, UINT64_C(077777777777));
        CHECK(r.rc == 0);
        t_run_free(&r);
        t_run(&r, &p, 1, UINT64_C(077777777777) + 1);
        CHECK(r.rc == -1 && strstr(r.diag.msg, "epoch") != NULL);
        t_run_free(&r);
    }

    /* No packages: just an empty index. */
    {
        tar_ent *es = NULL;
        char why[256] = "";
        t_run(&r, NULL, 0, MTIME);
        CHECK(r.rc == 0 && r.res.entries == 1 && r.tar_len == 512 + 1024);
        CHECK(t_parse_tar(r.tar, r.tar_len, MTIME, &es, why, sizeof why) == 1);
        CHECK(es && strcmp(es[0].name, "drivers.idx") == 0 && es[0].size == 0);
        free(es);
        t_run_free(&r);
    }

    t_run_free(&ref);
    free(dir1);
    free(dir2);
    free(other_dir);
    t_rmtree(tmp);
    return CHECK_DONE();
}
