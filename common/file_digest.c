/* SHA-256 of a file, see file_digest.h. */
#include "file_digest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#define PIECE ((size_t)1 << 20)

int hv_file_sha256(const char *path, uint8_t out[HV_SHA256_SIZE],
                   uint64_t *size, hv_diag *diag)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return hv_fail_errno(diag, errno, path, "cannot open");
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return hv_diag_set(diag, "%s: not a regular file", path);
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t *buf = malloc(PIECE);
    uint64_t total = 0;
    int rc = -1;
    if (!md || !buf || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory", path);
        goto out;
    }
    for (;;) {
        ssize_t n = read(fd, buf, PIECE);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            hv_fail_errno(diag, errno, path, "read failed");
            goto out;
        }
        if (n == 0)
            break;
        if (EVP_DigestUpdate(md, buf, (size_t)n) != 1) {
            hv_fail(diag, HV_FAIL_INTERNAL, "%s: SHA-256 failed", path);
            goto out;
        }
        total += (uint64_t)n;
    }
    if (EVP_DigestFinal_ex(md, out, NULL) != 1) {
        hv_fail(diag, HV_FAIL_INTERNAL, "%s: SHA-256 failed", path);
        goto out;
    }
    if (size)
        *size = total;
    rc = 0;
out:
    free(buf);
    EVP_MD_CTX_free(md);
    close(fd);
    return rc;
}
