/* O_TMPFILE and linkat's AT_SYMLINK_FOLLOW are Linux extensions. */
#define _GNU_SOURCE
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

#define TEMP_SUFFIX ".tmp-XXXXXX"

/* Signals are blocked while a temporary name exists but is not yet in the
 * cleanup table, or is renamed away: the handler then never misses a name
 * nor removes a finished output. */
static void block_signals(sigset_t *old)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, old);
}

static void restore_signals(const sigset_t *old)
{
    sigprocmask(SIG_SETMASK, old, NULL);
}

static char *parent_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return NULL;
    char *dir = strdup(dirname(copy));
    free(copy);
    return dir;
}

/* O_TMPFILE needs /proc to name the file later (linkat through
 * /proc/self/fd, which needs no privilege). */
static int open_unnamed(const char *path, mode_t mode)
{
    /* HV_TEST_NO_TMPFILE makes the tests take the named path that file
     * systems without O_TMPFILE take (docs/CLI.md, "Outputs"). */
    const char *no_tmpfile = getenv("HV_TEST_NO_TMPFILE");
    if (access("/proc/self/fd", X_OK) != 0 ||
        (no_tmpfile && strcmp(no_tmpfile, "1") == 0)) {
        errno = EOPNOTSUPP;
        return -1;
    }
    char *dir = parent_of(path);
    if (!dir) {
        errno = ENOMEM;
        return -1;
    }
    int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
    free(dir);
    return fd;
}

static bool tmpfile_unsupported(int err)
{
    return err == EOPNOTSUPP || err == EISDIR || err == EINVAL;
}

int hv_atomic_open(hv_atomic_file *f, const char *path, mode_t mode,
                   hv_diag *diag)
{
    memset(f, 0, sizeof *f);
    size_t n = strlen(path);
    f->final_path = strdup(path);
    if (!f->final_path) {
        hv_atomic_abort(f);
        return hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory", path);
    }
    int fd = open_unnamed(path, mode);
    if (fd < 0 && !tmpfile_unsupported(errno)) {
        int e = errno;
        hv_atomic_abort(f);
        return hv_fail_errno(diag, e, path, "cannot create output");
    }
    if (fd < 0) { /* no O_TMPFILE here: a named temporary file */
        f->temp_path = malloc(n + sizeof TEMP_SUFFIX);
        if (!f->temp_path) {
            hv_atomic_abort(f);
            return hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory", path);
        }
        memcpy(f->temp_path, path, n);
        memcpy(f->temp_path + n, TEMP_SUFFIX, sizeof TEMP_SUFFIX);
        sigset_t old;
        block_signals(&old);
        fd = mkstemp(f->temp_path);
        int e = errno;
        if (fd >= 0) {
            f->cleanup_handle = hv_cleanup_register(f->temp_path, false);
            if (f->cleanup_handle < 0) {
                unlink(f->temp_path);
                close(fd);
                fd = -1;
                e = ENAMETOOLONG;
            }
        }
        restore_signals(&old);
        if (fd < 0) {
            free(f->temp_path);
            f->temp_path = NULL;
            hv_atomic_abort(f);
            return hv_fail_errno(diag, e, path, "cannot create output");
        }
    }
    /* The mode is set explicitly, independent of the umask, so outputs are
     * reproducible. */
    if (fchmod(fd, mode) != 0 || !(f->fp = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        hv_atomic_abort(f);
        return hv_fail_errno(diag, e, path, "cannot create output");
    }
    return 0;
}

static void sync_parent(const char *path)
{
    char *dir = parent_of(path);
    if (!dir)
        return;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd); /* best effort: the rename is already durable on most fs */
        close(dfd);
    }
    free(dir);
}

/* Give the unnamed file |fd| the name |f->final_path|: directly when the
 * destination does not exist (linkat never replaces), else under a fresh
 * temporary name renamed over the destination. Signals are blocked by the
 * caller, so the temporary name never outlives this function. */
static int name_unnamed(hv_atomic_file *f, int fd)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, f->final_path, AT_SYMLINK_FOLLOW) == 0)
        return 0;
    if (errno != EEXIST)
        return -1;
    size_t n = strlen(f->final_path);
    char *tmp = malloc(n + sizeof TEMP_SUFFIX);
    if (!tmp)
        return -1;
    memcpy(tmp, f->final_path, n);
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 20);
    int rc = -1;
    for (int attempt = 0; attempt < 100 && rc != 0; attempt++) {
        memcpy(tmp + n, ".tmp-", 5);
        uint64_t x = seed + (uint64_t)attempt * 0x9e3779b97f4a7c15u;
        for (int i = 0; i < 6; i++, x /= 36)
            tmp[n + 5 + i] = digits[x % 36];
        tmp[n + 11] = '\0';
        if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0)
            rc = 0;
        else if (errno != EEXIST)
            break;
    }
    if (rc == 0 && rename(tmp, f->final_path) != 0) {
        int e = errno;
        unlink(tmp);
        errno = e;
        rc = -1;
    }
    free(tmp);
    return rc;
}

int hv_atomic_commit(hv_atomic_file *f, hv_diag *diag)
{
    int rc = 0;
    if (fflush(f->fp) != 0 || ferror(f->fp) || fsync(fileno(f->fp)) != 0)
        rc = hv_fail_errno(diag, errno ? errno : EIO, f->final_path,
                           "write failed");
    if (rc == 0) {
        sigset_t old;
        block_signals(&old);
        if (f->temp_path) {
            if (rename(f->temp_path, f->final_path) == 0) {
                hv_cleanup_forget(f->cleanup_handle);
                f->cleanup_handle = 0;
                free(f->temp_path);
                f->temp_path = NULL;
            } else {
                rc = hv_fail_errno(diag, errno, f->final_path,
                                   "cannot rename into place");
            }
        } else if (name_unnamed(f, fileno(f->fp)) != 0) {
            rc = hv_fail_errno(diag, errno, f->final_path,
                               "cannot rename into place");
        }
        restore_signals(&old);
    }
    if (fclose(f->fp) != 0 && rc == 0)
        rc = hv_fail_errno(diag, errno, f->final_path, "write failed");
    f->fp = NULL;
    if (rc == 0)
        sync_parent(f->final_path);
    hv_atomic_abort(f);
    return rc;
}

void hv_atomic_abort(hv_atomic_file *f)
{
    if (f->fp)
        fclose(f->fp);
    if (f->temp_path)
        unlink(f->temp_path);
    hv_cleanup_forget(f->cleanup_handle);
    free(f->temp_path);
    free(f->final_path);
    memset(f, 0, sizeof *f);
}
