#include "unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int hv_unpack_tar(const uint8_t *data, size_t len, const char *dir,
                  hv_diag *diag)
{
    int rc = -1;
    struct archive *in = archive_read_new();
    struct archive *out = archive_write_disk_new();
    struct archive_entry *e;
    int cwd = open(".", O_RDONLY | O_DIRECTORY);
    if (!in || !out || cwd < 0 || chdir(dir) != 0) {
        hv_diag_set(diag, "%s: cannot enter folder", dir);
        goto out;
    }
    archive_read_support_format_tar(in);
    archive_write_disk_set_options(out, ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                            ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                            ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
                                            ARCHIVE_EXTRACT_PERM |
                                            ARCHIVE_EXTRACT_TIME);
    if (archive_read_open_memory(in, data, len) != ARCHIVE_OK) {
        hv_diag_set(diag, "drivers archive: %s", archive_error_string(in));
        goto out;
    }
    int r;
    while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
        if (archive_write_header(out, e) != ARCHIVE_OK) {
            hv_diag_set(diag, "%s: entry '%s': %s", dir,
                        archive_entry_pathname(e), archive_error_string(out));
            goto out;
        }
        const void *buf;
        size_t n;
        int64_t off;
        while ((r = archive_read_data_block(in, &buf, &n, &off)) ==
               ARCHIVE_OK)
            if (archive_write_data_block(out, buf, n, off) != ARCHIVE_OK) {
                hv_diag_set(diag, "%s: entry '%s': %s", dir,
                            archive_entry_pathname(e),
                            archive_error_string(out));
                goto out;
            }
        if (r != ARCHIVE_EOF || archive_write_finish_entry(out) != ARCHIVE_OK) {
            hv_diag_set(diag, "%s: entry '%s': cannot extract", dir,
                        archive_entry_pathname(e));
            goto out;
        }
    }
    if (r != ARCHIVE_EOF) {
        hv_diag_set(diag, "drivers archive: %s", archive_error_string(in));
        goto out;
    }
    rc = 0;
out:
    if (cwd >= 0) {
        if (fchdir(cwd) != 0 && rc == 0)
            rc = hv_diag_set(diag, "cannot return to the working folder");
        close(cwd);
    }
    archive_read_free(in);
    archive_write_free(out);
    return rc;
}
