#include "unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A symlink at |path| pointing at |target| resolves inside the folder:
 * relative, and no ".." climbs above the folder (checked lexically; the
 * folders on the way are the archive's own, SECURE_SYMLINKS keeps writes
 * from going through links). */
static int link_stays_inside(const char *path, const char *target)
{
    long depth = 0;
    const char *p, *c;
    if (!target || !*target || *target == '/')
        return 0;
    /* Depth of the link's folder: the components of |path| but the last. */
    for (p = path; (c = strchr(p, '/')) != NULL; p = c + 1) {
        size_t n = (size_t)(c - p);
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return 0;
        if (n > 0 && !(n == 1 && *p == '.'))
            depth++;
    }
    for (p = target;; p = c + 1) {
        c = strchr(p, '/');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                return 0;
        } else if (n > 0 && !(n == 1 && *p == '.')) {
            depth++;
        }
        if (!c)
            return 1;
    }
}

/* Only what a normalised drivers archive holds (docs/FORMAT.md): folders,
 * regular files, symlinks that stay inside, no special mode bits. The
 * signer vouches for the bytes, not for what they would do to a disk, so a
 * signed archive with a device node, a FIFO, a hardlink, a symlink out or
 * a setuid file is refused (or, for the mode bits, normalised) here. */
static const char *entry_refused(struct archive_entry *e)
{
    mode_t type = archive_entry_filetype(e);
    if (archive_entry_hardlink(e))
        return "hardlinks are not extracted";
    if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK)
        return "not a file, folder or symlink";
    if (type == AE_IFLNK &&
        !link_stays_inside(archive_entry_pathname(e), archive_entry_symlink(e)))
        return "symlink target leaves the folder";
    archive_entry_set_perm(e, archive_entry_perm(e) & 0777);
    return NULL;
}

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
        const char *why = entry_refused(e);
        if (why) {
            hv_diag_set(diag, "%s: entry '%s': %s", dir,
                        archive_entry_pathname(e), why);
            goto out;
        }
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
