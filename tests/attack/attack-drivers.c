/*
 * Driver archive attacks that tests/drivers (test-drivers-refuse.c) does not
 * already cover, on hv_drivers_normalise(); ATTACKS.md lists both. Every
 * refusal must name the archive and the entry ("PATH: entry 'NAME': ..."),
 * every acceptance must come out normalised.
 *
 *  - 100 000 tiny entries (tar.zst, zip, cpio): refused at the entry that
 *    passes HV_MAX_DRIVER_ENTRIES, without reading the rest;
 *  - zip bombs: an entry whose declared size is small but whose deflate
 *    stream inflates to 64 MiB (refused after the declared bytes), one that
 *    honestly declares 2 GiB (refused before inflating), and an archive
 *    inside an archive (kept as one opaque file, never expanded);
 *  - tar headers that override names and sizes: pax path / linkpath / size,
 *    GNU long names, base-256 sizes (huge and negative);
 *  - setuid and setgid bits from a zip's external attributes: stripped;
 *  - HV_MAX_DRIVER_BYTES at the ceiling (a claim of exactly the limit passes
 *    the size check) and one past it.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "drvtest.h"
#include "host_limits.h"

#define MTIME UINT64_C(1700000000)

static char *tmp;
static unsigned serial;

static char *fresh(const char *suffix)
{
    char name[64];
    snprintf(name, sizeof name, "atk%03u%s", ++serial, suffix);
    return t_join(tmp, name);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The refusal names the archive and the entry and says |problem|. */
static void refused(const char *attack, const trun *r, const char *path,
                    const char *entry, const char *problem)
{
    char prefix[4096];
    snprintf(prefix, sizeof prefix, "%s: entry '%s': ", path, entry);
    int ok = r->rc == -1 &&
             strncmp(r->diag.msg, prefix, strlen(prefix)) == 0 &&
             strstr(r->diag.msg, problem) != NULL;
    printf("%s %s: %s\n", ok ? "PASS" : "FAIL", attack,
           r->rc == 0 ? "accepted" : r->diag.msg);
    CHECK_MSG(ok, "%s: wanted '%s...%s'", attack, prefix, problem);
}

/* ---- raw tar headers, including a size field ustar cannot hold -------- */

/* The product's header encoder (hv_tar_header, mkimage/drivers/drivers.h);
 * |size_field|, if given, then replaces the octal size (base-256 sizes). */
static void raw_header(FILE *fp, const char *name, char type, unsigned mode,
                       const uint8_t size_field[12], uint64_t size,
                       const char *link)
{
    unsigned char h[HV_TAR_BLOCK];
    hv_diag d;
    CHECK_MSG(hv_tar_header(h, name, type, mode, size_field ? 0 : size, MTIME,
                            link, &d) == 0,
              "%s", d.msg);
    if (size_field) {
        memcpy(h + 124, size_field, 12);
        hv_tar_checksum(h);
    }
    CHECK(fwrite(h, 1, sizeof h, fp) == sizeof h);
}

static void raw_data(FILE *fp, const void *p, size_t n)
{
    static const uint8_t zero[512];
    CHECK(n == 0 || fwrite(p, 1, n, fp) == n);
    if (n % 512)
        CHECK(fwrite(zero, 1, 512 - n % 512, fp) == 512 - n % 512);
}

static void raw_end(FILE *fp)
{
    static const uint8_t zero[1024];
    CHECK(fwrite(zero, 1, sizeof zero, fp) == sizeof zero);
    CHECK(fclose(fp) == 0);
}

/* A pax extended header entry holding |records| ("LEN key=value\n"...). */
static void pax(FILE *fp, const char *records)
{
    raw_header(fp, "PaxHeaders/x", 'x', 0644, NULL, strlen(records), NULL);
    raw_data(fp, records, strlen(records));
}

/* "LEN key=value\n" with LEN counting itself. */
static char *pax_record(const char *kv)
{
    static char buf[512];
    size_t n = strlen(kv) + 2; /* space and newline */
    size_t len = n + 1;
    while (len != n + (size_t)snprintf(NULL, 0, "%zu", len))
        len = n + (size_t)snprintf(NULL, 0, "%zu", len);
    snprintf(buf, sizeof buf, "%zu %s\n", len, kv);
    return buf;
}

static void test_header_overrides(void)
{
    trun r;
    char *path;
    FILE *fp;

    /* pax path=../../evil over a harmless ustar name */
    path = fresh(".tar");
    fp = fopen(path, "wb");
    pax(fp, pax_record("path=../../evil"));
    raw_header(fp, "benign", '0', 0644, NULL, 2, NULL);
    raw_data(fp, "x\n", 2);
    raw_end(fp);
    t_run1(&r, "acme", "1.0", path, MTIME);
    refused("tar-pax-path-traversal", &r, path, "../../evil", "");
    t_run_free(&r);
    free(path);

    /* pax path=/etc/evil */
    path = fresh(".tar");
    fp = fopen(path, "wb");
    pax(fp, pax_record("path=/etc/evil"));
    raw_header(fp, "benign", '0', 0644, NULL, 2, NULL);
    raw_data(fp, "x\n", 2);
    raw_end(fp);
    t_run1(&r, "acme", "1.0", path, MTIME);
    refused("tar-pax-absolute-path", &r, path, "/etc/evil", "");
    t_run_free(&r);
    free(path);

    /* pax linkpath=/etc/passwd on a symlink whose ustar target is fine */
    path = fresh(".tar");
    fp = fopen(path, "wb");
    pax(fp, pax_record("linkpath=/etc/passwd"));
    raw_header(fp, "link", '2', 0777, NULL, 0, "ok");
    raw_end(fp);
    t_run1(&r, "acme", "1.0", path, MTIME);
    refused("tar-pax-symlink-target-absolute", &r, path, "link", "");
    t_run_free(&r);
    free(path);

    /* GNU long name ././@LongLink carrying ../../evil */
    path = fresh(".tar");
    fp = fopen(path, "wb");
    raw_header(fp, "././@LongLink", 'L', 0644, NULL, 11, NULL);
    raw_data(fp, "../../evil", 11);
    raw_header(fp, "benign", '0', 0644, NULL, 2, NULL);
    raw_data(fp, "x\n", 2);
    raw_end(fp);
    t_run1(&r, "acme", "1.0", path, MTIME);
    refused("tar-gnu-longname-traversal", &r, path, "../../evil", "");
    t_run_free(&r);
    free(path);

    /* pax size= far beyond the budget on a 1-byte ustar entry */
    path = fresh(".tar");
    fp = fopen(path, "wb");
    pax(fp, pax_record("size=99999999999999"));
    raw_header(fp, "big", '0', 0644, NULL, 1, NULL);
    raw_data(fp, "x", 1);
    raw_end(fp);
    t_run1(&r, "acme", "1.0", path, MTIME);
    refused("tar-pax-size-huge", &r, path, "big", "HV_MAX_DRIVER_BYTES");
    t_run_free(&r);
    free(path);

    /* base-256 size fields: 2^62, and negative (all ones) */
    uint8_t huge[12] = {0x80, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0};
    path = fresh(".tar");
    fp = fopen(path, "wb");
    raw_header(fp, "huge", '0', 0644, huge, 0, NULL);
    raw_end(fp);
    t_run1(&r, "acme", "1.0", path, MTIME);
    printf("%s tar-size-base256-2^62: %s\n", r.rc == -1 ? "PASS" : "FAIL",
           r.rc ? r.diag.msg : "accepted");
    CHECK_MSG(r.rc == -1 && strstr(r.diag.msg, path) == r.diag.msg,
              "base-256 2^62: %s", r.diag.msg);
    t_run_free(&r);
    free(path);

    uint8_t neg[12];
    memset(neg, 0xff, sizeof neg);
    path = fresh(".tar");
    fp = fopen(path, "wb");
    raw_header(fp, "negative", '0', 0644, neg, 0, NULL);
    raw_end(fp);
    t_run1(&r, "acme", "1.0", path, MTIME);
    printf("%s tar-size-base256-negative: %s\n", r.rc == -1 ? "PASS" : "FAIL",
           r.rc ? r.diag.msg : "accepted");
    CHECK_MSG(r.rc == -1 && strstr(r.diag.msg, path) == r.diag.msg,
              "base-256 negative: %s", r.diag.msg);
    t_run_free(&r);
    free(path);
}

/* ---- HV_MAX_DRIVER_BYTES at the ceiling and past it ------------------- */

/* A claim of exactly HV_MAX_DRIVER_BYTES with no data behind it: the size
 * check lets it through (the refusal is for the missing data, not the
 * size); HV_MAX_DRIVER_BYTES + 1 is refused on the claim. */
static void test_bytes_ceiling(void)
{
    trun r;
    char *path = fresh(".tar");
    FILE *fp = fopen(path, "wb");
    raw_header(fp, "exact", '0', 0644, NULL, HV_MAX_DRIVER_BYTES, NULL);
    raw_data(fp, "x", 1);
    CHECK(fclose(fp) == 0);
    t_run1(&r, "acme", "1.0", path, MTIME);
    int ok = r.rc == -1 && !strstr(r.diag.msg, "HV_MAX_DRIVER_BYTES") &&
             strstr(r.diag.msg, "entry 'exact'");
    printf("%s ceiling-driver-bytes-at-limit: passes the size check (%s)\n",
           ok ? "PASS" : "FAIL", r.diag.msg);
    CHECK(ok);
    t_run_free(&r);
    free(path);

    path = fresh(".tar");
    fp = fopen(path, "wb");
    raw_header(fp, "over", '0', 0644, NULL, HV_MAX_DRIVER_BYTES + 1u, NULL);
    raw_data(fp, "x", 1);
    CHECK(fclose(fp) == 0);
    t_run1(&r, "acme", "1.0", path, MTIME);
    refused("ceiling-driver-bytes-plus-1", &r, path, "over",
            "HV_MAX_DRIVER_BYTES");
    t_run_free(&r);
    free(path);
}

/* ---- 100 000 tiny entries ---------------------------------------------- */

#define MANY 100000u

static void test_many(tformat fmt, tfilter filter, const char *suffix,
                      const char *attack)
{
    tentry *es = calloc(MANY, sizeof *es);
    char (*names)[16] = calloc(MANY, sizeof *names);
    tvariant v = {0, false, false, false};
    trun r;
    char *path = fresh(suffix);
    CHECK(es && names);
    for (unsigned i = 0; i < MANY; i++) {
        snprintf(names[i], sizeof names[i], "f%06u", i);
        es[i].name = names[i];
        es[i].type = 'f';
        es[i].mode = 0644;
    }
    double t0 = now();
    CHECK(t_make_archive(path, fmt, filter, es, MANY, &v) == 0);
    double t1 = now();
    t_run1(&r, "acme", "1.0", path, MTIME);
    double t2 = now();
    /* The first entry past the ceiling is named: nothing after it was
     * needed (or read) to refuse. */
    char entry[16];
    snprintf(entry, sizeof entry, "f%06u", HV_MAX_DRIVER_ENTRIES);
    refused(attack, &r, path, entry, "HV_MAX_DRIVER_ENTRIES");
    printf("     %s: %u entries written in %.2f s, refused in %.2f s\n",
           attack, MANY, t1 - t0, t2 - t1);
    t_run_free(&r);
    free(path);
    free(es);
    free(names);
}

/* ---- zip bombs ---------------------------------------------------------- */

/* A zip with one deflated entry of |n| zero bytes, written by libarchive;
 * returns the file's bytes (the caller patches sizes). */
static uint8_t *zip_of_zeros(const char *path, const char *name, uint64_t n,
                             unsigned mode, size_t *len)
{
    static uint8_t zero[65536];
    struct archive *a = archive_write_new();
    struct archive_entry *e = archive_entry_new();
    CHECK(archive_write_set_format_zip(a) == ARCHIVE_OK);
    CHECK(archive_write_set_options(a, "zip:compression=deflate") ==
          ARCHIVE_OK);
    CHECK(archive_write_open_filename(a, path) == ARCHIVE_OK);
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, mode);
    archive_entry_set_size(e, (la_int64_t)n);
    CHECK(archive_write_header(a, e) == ARCHIVE_OK);
    for (uint64_t done = 0; done < n; done += sizeof zero) {
        size_t k = n - done < sizeof zero ? (size_t)(n - done) : sizeof zero;
        CHECK(archive_write_data(a, zero, k) == (la_ssize_t)k);
    }
    CHECK(archive_write_close(a) == ARCHIVE_OK);
    archive_entry_free(e);
    archive_write_free(a);
    FILE *fp = fopen(path, "rb");
    CHECK(fp != NULL);
    fseek(fp, 0, SEEK_END);
    *len = (size_t)ftell(fp);
    rewind(fp);
    uint8_t *buf = malloc(*len);
    CHECK(fread(buf, 1, *len, fp) == *len);
    fclose(fp);
    return buf;
}

static void put32le(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Rewrite every uncompressed-size field (local header, data descriptor,
 * central directory) to |v|. Returns how many were patched. */
static int zip_set_usize(uint8_t *z, size_t n, uint32_t v)
{
    int patched = 0;
    for (size_t i = 0; i + 46 <= n; i++) {
        if (memcmp(z + i, "PK\003\004", 4) == 0) {
            put32le(z + i + 22, v);
            patched++;
        } else if (memcmp(z + i, "PK\007\010", 4) == 0) {
            put32le(z + i + 12, v);
            patched++;
        } else if (memcmp(z + i, "PK\001\002", 4) == 0) {
            put32le(z + i + 24, v);
            patched++;
        }
    }
    return patched;
}

static void write_bytes(const char *path, const uint8_t *p, size_t n)
{
    FILE *fp = fopen(path, "wb");
    CHECK(fp && fwrite(p, 1, n, fp) == n);
    if (fp)
        fclose(fp);
}

static void test_zip_bombs(void)
{
    trun r;
    size_t n;

    /* Declares 1000 bytes, inflates to 64 MiB. */
    char *path = fresh(".zip");
    uint8_t *z = zip_of_zeros(path, "bomb.bin", UINT64_C(64) << 20, 0644, &n);
    CHECK(zip_set_usize(z, n, 1000) >= 2);
    write_bytes(path, z, n);
    free(z);
    double t0 = now();
    t_run1(&r, "acme", "1.0", path, MTIME);
    double t1 = now();
    refused("zip-bomb-inflates-past-declared-size", &r, path, "bomb.bin", "");
    printf("     zip of %zu bytes declaring 1000, inflating to 64 MiB: "
           "refused in %.2f s\n", n, t1 - t0);
    CHECK_MSG(r.rc == -1 && (strstr(r.diag.msg, "more than the 1000") ||
                             strstr(r.diag.msg, "cannot read")),
              "bomb refusal: %s", r.diag.msg);
    t_run_free(&r);
    free(path);

    /* Honest about 2 GiB (inflates to 16 MiB here, never reached). */
    path = fresh(".zip");
    z = zip_of_zeros(path, "huge.bin", UINT64_C(16) << 20, 0644, &n);
    CHECK(zip_set_usize(z, n, UINT32_C(0x80000000)) >= 2);
    write_bytes(path, z, n);
    free(z);
    t_run1(&r, "acme", "1.0", path, MTIME);
    refused("zip-bomb-declares-2GiB", &r, path, "huge.bin",
            "HV_MAX_DRIVER_BYTES");
    t_run_free(&r);
    free(path);

    /* An archive inside the archive (a 16 MiB bomb of its own): one file,
     * kept as its compressed bytes, never expanded. */
    char *inner = fresh(".zip");
    z = zip_of_zeros(inner, "inner.bin", UINT64_C(16) << 20, 0644, &n);
    tentry e = {"nested.zip", 'f', 0644, z, n, NULL};
    tvariant v = {0, false, false, false};
    path = fresh(".tar.gz");
    CHECK(t_make_archive(path, TF_USTAR, TZ_GZIP, &e, 1, &v) == 0);
    t_run1(&r, "acme", "1.0", path, MTIME);
    tar_ent *es = NULL;
    char why[256] = "";
    long count = r.rc == 0 ? t_parse_tar(r.tar, r.tar_len, MTIME, &es, why,
                                         sizeof why)
                           : -1;
    int ok = r.rc == 0 && count == 3 &&
             strcmp(es[2].name, "acme/nested.zip") == 0 && es[2].size == n &&
             memcmp(es[2].data, z, n) == 0;
    printf("%s zip-bomb-nested-archive-not-expanded: %s\n", ok ? "PASS" : "FAIL",
           r.rc ? r.diag.msg : "kept as one opaque file");
    CHECK_MSG(ok, "nested: rc %d count %ld %s %s", r.rc, count, why,
              r.diag.msg);
    free(es);
    t_run_free(&r);
    free(z);
    free(inner);
    free(path);
}

/* setuid/setgid from a zip's external attributes: stripped to 0755. */
static void test_zip_setuid(void)
{
    size_t n;
    trun r;
    char *path = fresh(".zip");
    uint8_t *z = zip_of_zeros(path, "suid", 10, 06755, &n);
    free(z);
    t_run1(&r, "acme", "1.0", path, MTIME);
    tar_ent *es = NULL;
    char why[256] = "";
    long count = r.rc == 0 ? t_parse_tar(r.tar, r.tar_len, MTIME, &es, why,
                                         sizeof why)
                           : -1;
    int ok = count == 3 && strcmp(es[2].name, "acme/suid") == 0 &&
             es[2].mode == 0755;
    printf("%s zip-setuid-setgid-stripped: %s\n", ok ? "PASS" : "FAIL",
           r.rc ? r.diag.msg : "normalised to 0755");
    CHECK_MSG(ok, "zip setuid: rc %d count %ld mode %o %s", r.rc, count,
              count == 3 ? es[2].mode : 0u, why);
    free(es);
    t_run_free(&r);
    free(path);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    tmp = t_mkdtemp();
    test_header_overrides();
    test_bytes_ceiling();
    test_many(TF_USTAR, TZ_ZSTD, ".tar.zst", "tar-100000-tiny-entries");
    test_many(TF_ZIP, TZ_NONE, ".zip", "zip-100000-tiny-entries");
    test_many(TF_CPIO_NEWC, TZ_GZIP, ".cpio.gz", "cpio-100000-tiny-entries");
    test_zip_bombs();
    test_zip_setuid();
    t_rmtree(tmp);
    return CHECK_DONE();
}
