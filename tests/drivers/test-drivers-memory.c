/*
 * Memory does not grow with content size: a package holding one 200 MiB
 * file (sparse in a folder, and zeros in a tar.gz, where 200 MiB inflate
 * from about 200 KiB) is normalised while the peak RSS grows by less than
 * 32 MiB. Alone in its executable, so nothing else inflates ru_maxrss.
 */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "drvtest.h"

#define BIG (UINT64_C(200) << 20)
#define MTIME UINT64_C(1650000000)

static long max_rss_kib(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return -1;
    return ru.ru_maxrss; /* KiB on Linux */
}

static int make_zero_tgz(const char *path)
{
    static unsigned char zero[65536];
    struct archive *a = archive_write_new();
    struct archive_entry *ae = archive_entry_new();
    int rc = -1;

    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
        archive_write_open_filename(a, path) != ARCHIVE_OK)
        goto out;
    archive_entry_set_pathname(ae, "big.bin");
    archive_entry_set_filetype(ae, AE_IFREG);
    archive_entry_set_perm(ae, 0644);
    archive_entry_set_size(ae, (la_int64_t)BIG);
    if (archive_write_header(a, ae) != ARCHIVE_OK)
        goto out;
    for (uint64_t done = 0; done < BIG; done += sizeof zero)
        if (archive_write_data(a, zero, sizeof zero) != (la_ssize_t)sizeof zero)
            goto out;
    if (archive_write_close(a) == ARCHIVE_OK)
        rc = 0;
out:
    archive_entry_free(ae);
    archive_write_free(a);
    return rc;
}

/* Normalise, then stream the output back: size, and the big file's bytes
 * all zero. */
static void run(const char *label, const char *path)
{
    hv_driver_pkg p = t_pkg("acme", "1.0", path);
    hv_drivers_result res = {0, 0};
    hv_diag d;
    FILE *out = tmpfile();
    static unsigned char buf[65536];

    CHECK(out != NULL);
    if (!out)
        return;
    int rc = hv_drivers_normalise(&p, 1, MTIME, out, &res, &d);
    CHECK_MSG(rc == 0, "%s: %s", label, d.msg);
    /* idx + data, vendor folder, big.bin header + data, two end blocks */
    CHECK_MSG(res.tar_size == 512 + 512 + 512 + 512 + BIG + 1024,
              "%s: size %llu", label, (unsigned long long)res.tar_size);
    CHECK(res.entries == 3);

    struct stat st;
    CHECK(fstat(fileno(out), &st) == 0 && (uint64_t)st.st_size == res.tar_size);
    CHECK(fseek(out, 512 * 4, SEEK_SET) == 0);
    uint64_t left = BIG;
    bool zero = true;
    while (left > 0) {
        size_t n = left < sizeof buf ? (size_t)left : sizeof buf;
        if (fread(buf, 1, n, out) != n) {
            zero = false;
            break;
        }
        for (size_t i = 0; i < n; i++)
            zero &= buf[i] == 0;
        left -= n;
    }
    CHECK_MSG(zero, "%s: contents not the 200 MiB of zeros", label);
    fclose(out);
}

int main(void)
{
    char *tmp = t_mkdtemp();
    char *dir = t_join(tmp, "pkg");
    char *big = t_join(dir, "big.bin");
    char *tgz = t_join(tmp, "zeros.tar.gz");

    CHECK(mkdir(dir, 0755) == 0);
    int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && ftruncate(fd, (off_t)BIG) == 0); /* sparse */
    if (fd >= 0)
        close(fd);
    CHECK(make_zero_tgz(tgz) == 0);

    long before = max_rss_kib();
    run("folder", dir);
    run("tar.gz", tgz);
    long after = max_rss_kib();
    fprintf(stderr, "max RSS before %ld KiB, after %ld KiB\n", before, after);
    CHECK(before > 0 && after > 0);
    CHECK_MSG(after - before < 32 * 1024, "RSS grew by %ld KiB",
              after - before);

    free(big);
    free(dir);
    free(tgz);
    t_rmtree(tmp);
    return CHECK_DONE();
}
