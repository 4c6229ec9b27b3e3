/* SHA-256 of a file, see file_digest.h. */
#include "file_digest.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#define PIECE ((size_t)1 << 20)

int hv_stream_sha256(FILE *f, const char *what, uint8_t out[HV_SHA256_SIZE],
                     uint64_t *size, hv_diag *diag)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t *buf = malloc(PIECE);
    uint64_t total = 0;
    size_t n;
    int rc = -1;
    if (!md || !buf || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        hv_fail(diag, HV_FAIL_INTERNAL, "%s: cannot start SHA-256", what);
        goto out;
    }
    while ((n = fread(buf, 1, PIECE, f)) > 0) {
        if (EVP_DigestUpdate(md, buf, n) != 1) {
            hv_fail(diag, HV_FAIL_INTERNAL, "%s: SHA-256 failed", what);
            goto out;
        }
        total += n;
    }
    if (ferror(f)) {
        hv_fail_errno(diag, errno ? errno : EIO, what, "read failed");
        goto out;
    }
    if (EVP_DigestFinal_ex(md, out, NULL) != 1) {
        hv_fail(diag, HV_FAIL_INTERNAL, "%s: SHA-256 failed", what);
        goto out;
    }
    if (size)
        *size = total;
    rc = 0;
out:
    free(buf);
    EVP_MD_CTX_free(md);
    return rc;
}

int hv_file_sha256(const char *path, uint8_t out[HV_SHA256_SIZE],
                   uint64_t *size, hv_diag *diag)
{
    FILE *f = fopen(path, "rbe");
    if (!f)
        return hv_fail_errno(diag, errno, path, "cannot open");
    struct stat st;
    int rc;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
        rc = hv_diag_set(diag, "%s: not a regular file", path);
    else
        rc = hv_stream_sha256(f, path, out, size, diag);
    fclose(f);
    return rc;
}
