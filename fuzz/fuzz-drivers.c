/*
 * Fuzz target: driver package ingestion, hv_drivers_normalise(), with the
 * input as one vendor's package archive (tar of any flavour, zip or cpio,
 * optionally gzip, bzip2, xz or zstd compressed: libarchive detects which).
 *
 * The input is written to a temporary file and normalised into a tmpfile().
 * Inputs that unpack to more than FUZZ_MAX_UNPACKED bytes are skipped before
 * that (a first pass with libarchive counts them): a tiny bzip2, xz or zstd
 * stream, or a sparse tar entry, can legitimately reach the builder's
 * 1 GiB HV_MAX_DRIVER_BYTES, and writing that twice to /tmp per execution
 * would turn the fuzzer into a disk benchmark. tests/drivers covers the
 * limit itself.
 *
 * Oracles (a violation aborts), the promises of mkimage/drivers/drivers.h, checked
 * by reading the output back with libarchive:
 *  - it is a ustar archive of exactly res.tar_size bytes (a multiple of
 *    512) with res.entries entries;
 *  - the first entry is "drivers.idx" holding "fuzz 1.0\n";
 *  - then "fuzz/" and entries under it, sorted strictly ascending bytewise;
 *  - only files, folders and symlinks; owner and group 0 with empty names;
 *    mtime the given epoch; modes 0644/0755 (0777 for symlinks); symlink
 *    targets relative; each file's content as long as its header says.
 *
 * Verdict (fuzz_verdict): whether hv_drivers_normalise() took the package;
 * none for an input skipped as too large.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "drivers.h"
#include "fuzz.h"

/*
 * ASan settings built into this target (ASan reads them at start-up; a
 * build without ASan never calls this). libarchive grows its read-ahead
 * buffer to whatever size a header claims before it notices the input is
 * truncated: a 303-byte cpio asks for 4 GiB
 * (corpus/drivers/bad-crash-cpio-namesize-4gib-readahead). Outside ASan that
 * is untouched virtual memory, but ASan poisons shadow for all of it, which
 * costs seconds per execution. Refusing allocations over 256 MiB, as a
 * small build machine would, keeps the fuzzer fast and checks that the
 * refusal is handled.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1:max_allocation_size_mb=256";
}

#define FUZZ_MAX_UNPACKED (16u << 20)
#define FUZZ_EPOCH UINT64_C(1700000000)
#define FUZZ_VENDOR "fuzz"

static struct archive *reader(void)
{
    struct archive *a = archive_read_new();
    if (!a)
        fuzz_fail("archive_read_new failed");
    archive_read_support_format_tar(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_cpio(a);
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_zstd(a);
    return a;
}

/* 1 if the package unpacks to at most FUZZ_MAX_UNPACKED bytes (or cannot
 * be read through, which the normaliser then has to refuse). */
static int small_enough(const uint8_t *data, size_t size)
{
    struct archive *a = reader();
    struct archive_entry *ae;
    uint64_t total = 0;
    int ok = 1;
    static const size_t chunk = 65536;
    char *buf = fuzz_xmalloc(chunk);

    if (archive_read_open_memory(a, data, size) != ARCHIVE_OK)
        goto out;
    while (ok && archive_read_next_header(a, &ae) == ARCHIVE_OK) {
        if (archive_entry_size_is_set(ae) &&
            archive_entry_size(ae) > (la_int64_t)FUZZ_MAX_UNPACKED)
            ok = 0;
        la_ssize_t n;
        while (ok && (n = archive_read_data(a, buf, chunk)) > 0)
            if ((total += (uint64_t)n) > FUZZ_MAX_UNPACKED)
                ok = 0;
    }
out:
    free(buf);
    archive_read_free(a);
    return ok;
}

static void check_entry_name(const char *name, const char *prev)
{
    if (strncmp(name, FUZZ_VENDOR "/", sizeof FUZZ_VENDOR) != 0)
        fuzz_fail("entry '%s' outside the vendor's folder", name);
    if (prev && strcmp(prev, name) >= 0)
        fuzz_fail("entry '%s' after '%s': not sorted and unique", name, prev);
    if (strstr(name, "//") || strstr(name, "/../") || strstr(name, "/./"))
        fuzz_fail("entry '%s' has an empty, '.' or '..' component", name);
}

static void check_output(FILE *out, const hv_drivers_result *res)
{
    struct stat st;
    if (fflush(out) != 0 || fstat(fileno(out), &st) != 0)
        fuzz_fail("cannot stat the output");
    if ((uint64_t)st.st_size != res->tar_size || res->tar_size % 512 != 0 ||
        res->tar_size < 3 * 512)
        fuzz_fail("output is %lld bytes, result says %llu",
                  (long long)st.st_size, (unsigned long long)res->tar_size);
    rewind(out);

    struct archive *a = archive_read_new();
    if (!a)
        fuzz_fail("archive_read_new failed");
    archive_read_support_format_tar(a);
    if (archive_read_open_FILE(a, out) != ARCHIVE_OK)
        fuzz_fail("output is not a tar archive: %s", archive_error_string(a));

    struct archive_entry *ae;
    char *prev = NULL;
    uint32_t n = 0;
    int r;
    char buf[4096];
    while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
        const char *name = archive_entry_pathname(ae);
        if (!name)
            fuzz_fail("output entry %u has no name", n);
        if (archive_format(a) != ARCHIVE_FORMAT_TAR_USTAR)
            fuzz_fail("output entry '%s' is %s, not ustar", name,
                      archive_format_name(a));
        mode_t type = archive_entry_filetype(ae);
        unsigned perm = (unsigned)archive_entry_perm(ae);
        if (archive_entry_uid(ae) || archive_entry_gid(ae) ||
            (archive_entry_uname(ae) && *archive_entry_uname(ae)) ||
            (archive_entry_gname(ae) && *archive_entry_gname(ae)) ||
            archive_entry_mtime(ae) != (time_t)FUZZ_EPOCH)
            fuzz_fail("output entry '%s' has owner or mtime set", name);

        if (n == 0) {
            static const char idx[] = FUZZ_VENDOR " 1.0\n";
            la_ssize_t got = archive_read_data(a, buf, sizeof buf);
            if (strcmp(name, "drivers.idx") != 0 || type != AE_IFREG ||
                perm != 0644 || got != (la_ssize_t)(sizeof idx - 1) ||
                memcmp(buf, idx, sizeof idx - 1) != 0)
                fuzz_fail("first entry is not the expected drivers.idx");
        } else if (n == 1) {
            if (strcmp(name, FUZZ_VENDOR "/") != 0 || type != AE_IFDIR)
                fuzz_fail("second entry '%s' is not the vendor folder", name);
        } else {
            check_entry_name(name, prev);
        }
        if (type == AE_IFDIR) {
            if (perm != 0755 || name[strlen(name) - 1] != '/')
                fuzz_fail("folder '%s' mode %o", name, perm);
        } else if (type == AE_IFREG) {
            if (perm != 0644 && perm != 0755)
                fuzz_fail("file '%s' mode %o", name, perm);
            if (n > 0) {
                la_int64_t want = archive_entry_size(ae), got = 0;
                la_ssize_t k;
                while ((k = archive_read_data(a, buf, sizeof buf)) > 0)
                    got += k;
                if (k < 0 || got != want)
                    fuzz_fail("file '%s': %lld bytes, header says %lld", name,
                              (long long)got, (long long)want);
            }
        } else if (type == AE_IFLNK) {
            const char *t = archive_entry_symlink(ae);
            if (perm != 0777 || !t || !*t || t[0] == '/')
                fuzz_fail("symlink '%s' mode %o target '%s'", name, perm,
                          t ? t : "(none)");
        } else {
            fuzz_fail("output entry '%s' has type 0%o", name, (unsigned)type);
        }
        free(prev);
        prev = strdup(name);
        if (!prev)
            fuzz_fail("out of memory");
        n++;
    }
    if (r != ARCHIVE_EOF)
        fuzz_fail("output does not read back: %s", archive_error_string(a));
    if (n != res->entries)
        fuzz_fail("%u entries read back, result says %u", n, res->entries);
    free(prev);
    archive_read_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!small_enough(data, size))
        return 0;

    char path[600];
    if (fuzz_write_tmp(data, size, ".pkg", path, sizeof path) != 0)
        fuzz_fail("cannot write a temporary file");

    hv_driver_pkg pkg;
    memset(&pkg, 0, sizeof pkg);
    memcpy(pkg.vendor, FUZZ_VENDOR, sizeof FUZZ_VENDOR);
    memcpy(pkg.version, "1.0", 4);
    pkg.path = path;

    FILE *out = tmpfile();
    if (!out)
        fuzz_fail("tmpfile failed");
    hv_diag *diag = fuzz_xmalloc(sizeof *diag);
    diag->msg[0] = '\0';
    hv_drivers_result res;
    memset(&res, 0, sizeof res);
    int done = hv_drivers_normalise(&pkg, 1, FUZZ_EPOCH, out, &res, diag) == 0;
    fuzz_verdict(done ? FUZZ_ACCEPTED : FUZZ_REFUSED);
    if (done)
        check_output(out, &res);
    else if (!diag->msg[0])
        fuzz_fail("refused without a message");

    free(diag);
    fclose(out);
    unlink(path);
    return 0;
}
