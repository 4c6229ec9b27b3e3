#include "cleanup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CLEANUP_SLOTS 16

enum { SLOT_FREE = 0, SLOT_FILE, SLOT_DIR };

static struct {
    char path[PATH_MAX];
    volatile sig_atomic_t state;
} slots[CLEANUP_SLOTS];

/* The kernel's directory record; getdents64 needs no allocation, which
 * readdir does not promise. */
struct dirent64_raw {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

static int remove_tree_at(int parent, const char *name, int depth)
{
    if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;
    /* A deep tree is a hostile archive's doing; 64 levels is far beyond the
     * drivers' own path limits, and bounds the stack. */
    if (depth > 64)
        return -1;
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    (void)fchmod(fd, 0700); /* a read-only folder, as an archive may make */
    char buf[4096];
    /* Entries are removed while the folder is read: read it again from the
     * start (lseek to 0 rewinds getdents) until a pass finds nothing but
     * "." and "..", or removes nothing (then rmdir reports the failure). */
    for (int pass = 0; pass < 1000; pass++) {
        bool found = false, removed = false;
        long n;
        lseek(fd, 0, SEEK_SET);
        while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
            for (long at = 0; at < n;) {
                struct dirent64_raw *e =
                    (struct dirent64_raw *)(void *)(buf + at);
                at += e->reclen;
                if (strcmp(e->name, ".") == 0 || strcmp(e->name, "..") == 0)
                    continue;
                found = true;
                if (remove_tree_at(fd, e->name, depth + 1) == 0)
                    removed = true;
            }
        }
        if (!found || !removed)
            break;
    }
    close(fd);
    return unlinkat(parent, name, AT_REMOVEDIR);
}

int hv_remove_tree(const char *path)
{
    return remove_tree_at(AT_FDCWD, path, 0);
}

static void on_signal(int sig)
{
    for (int i = 0; i < CLEANUP_SLOTS; i++) {
        if (slots[i].state == SLOT_FILE)
            unlink(slots[i].path);
        else if (slots[i].state == SLOT_DIR)
            hv_remove_tree(slots[i].path);
    }
    _exit(128 + sig);
}

void hv_cleanup_install(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigfillset(&sa.sa_mask); /* no second signal inside the handler */
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

int hv_cleanup_mkdtemp(char *tmpl)
{
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    int handle = -1;
    if (mkdtemp(tmpl)) {
        handle = hv_cleanup_register(tmpl, true);
        if (handle < 0) {
            rmdir(tmpl);
            errno = ENAMETOOLONG;
        }
    }
    int e = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    errno = e;
    return handle;
}

int hv_cleanup_register(const char *path, bool is_dir)
{
    size_t n = strlen(path);
    if (n >= PATH_MAX)
        return -1;
    /* Block the signals while the table changes, so the handler never sees
     * a slot whose path is half copied. */
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    int handle = -1;
    for (int i = 0; i < CLEANUP_SLOTS && handle < 0; i++) {
        if (slots[i].state == SLOT_FREE) {
            memcpy(slots[i].path, path, n + 1);
            slots[i].state = is_dir ? SLOT_DIR : SLOT_FILE;
            handle = i + 1;
        }
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    return handle;
}

void hv_cleanup_forget(int handle)
{
    if (handle >= 1 && handle <= CLEANUP_SLOTS)
        slots[handle - 1].state = SLOT_FREE;
}
