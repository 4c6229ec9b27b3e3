/* Whole transfers and NOR programs over a file descriptor (fd_io.h). */
#include "fd_io.h"

#include <errno.h>

/* see fd_io.h */
int hv_fd_read(hv_pread_fn pr, int fd, uint64_t off, void *dst, size_t len)
{
    uint8_t *d = dst;
    while (len) {
        ssize_t n = pr(fd, d, len, (off_t)off);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return -1;
        }
        d += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

/* see fd_io.h */
int hv_fd_write(hv_pwrite_fn pw, int fd, uint64_t off, const void *src,
                size_t len)
{
    const uint8_t *s = src;
    while (len) {
        ssize_t n = pw(fd, s, len, (off_t)off);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return -1;
        }
        s += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

/* see fd_io.h */
int hv_fd_program(hv_pread_fn pr, hv_pwrite_fn pw, int fd, uint64_t off,
                  const void *src, size_t len)
{
    uint8_t buf[4096];
    const uint8_t *s = src;
    while (len) {
        size_t n = len < sizeof buf ? len : sizeof buf;
        if (hv_fd_read(pr, fd, off, buf, n) != 0)
            return -1;
        for (size_t i = 0; i < n; i++)
            buf[i] &= s[i];
        if (hv_fd_write(pw, fd, off, buf, n) != 0)
            return -1;
        s += n;
        off += n;
        len -= n;
    }
    return 0;
}
