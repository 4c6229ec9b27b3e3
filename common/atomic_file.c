#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int hv_atomic_open(hv_atomic_file *f, const char *path, mode_t mode,
                   hv_diag *diag)
{
    memset(f, 0, sizeof *f);
    size_t n = strlen(path);
    f->final_path = strdup(path);
    f->temp_path = malloc(n + sizeof ".tmp-XXXXXX");
    if (!f->final_path || !f->temp_path) {
        hv_atomic_abort(f);
        return hv_diag_set(diag, "%s: out of memory", path);
    }
    memcpy(f->temp_path, path, n);
    memcpy(f->temp_path + n, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    int fd = mkstemp(f->temp_path);
    if (fd < 0) {
        int e = errno;
        free(f->temp_path);
        f->temp_path = NULL;
        hv_atomic_abort(f);
        return hv_diag_set(diag, "%s: cannot create output: %s", path,
                           strerror(e));
    }
    /* mkstemp makes 0600; widen (or keep) to what the caller asked for,
     * independent of the umask so output is reproducible. */
    if (fchmod(fd, mode) != 0 || !(f->fp = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        hv_atomic_abort(f);
        return hv_diag_set(diag, "%s: cannot create output: %s", path,
                           strerror(e));
    }
    return 0;
}

static void sync_parent(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return;
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd); /* best effort: the rename is already durable on most fs */
        close(dfd);
    }
    free(copy);
}

int hv_atomic_commit(hv_atomic_file *f, hv_diag *diag)
{
    int rc = 0;
    if (fflush(f->fp) != 0 || ferror(f->fp) || fsync(fileno(f->fp)) != 0) {
        rc = hv_diag_set(diag, "%s: write failed: %s", f->final_path,
                         strerror(errno));
    }
    if (fclose(f->fp) != 0 && rc == 0)
        rc = hv_diag_set(diag, "%s: write failed: %s", f->final_path,
                         strerror(errno));
    f->fp = NULL;
    if (rc == 0 && rename(f->temp_path, f->final_path) != 0)
        rc = hv_diag_set(diag, "%s: cannot rename into place: %s",
                         f->final_path, strerror(errno));
    if (rc == 0) {
        sync_parent(f->final_path);
        free(f->temp_path);
        f->temp_path = NULL;
    }
    hv_atomic_abort(f);
    return rc;
}

void hv_atomic_abort(hv_atomic_file *f)
{
    if (f->fp)
        fclose(f->fp);
    if (f->temp_path)
        unlink(f->temp_path);
    free(f->temp_path);
    free(f->final_path);
    memset(f, 0, sizeof *f);
}
