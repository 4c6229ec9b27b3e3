/* see package_digest.h */
#include "package_digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "drivers.h"

#define DIGEST_CHUNK 65536u

/* SHA-256 of everything |f| holds from its current position on. */
static int digest_stream(FILE *f, const char *what, uint8_t *out,
                         hv_diag *diag)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char *buf = malloc(DIGEST_CHUNK);
    unsigned int len = 0;
    int rc = -1;
    size_t n;

    if (!md || !buf || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        hv_fail(diag, HV_FAIL_INTERNAL, "%s: cannot start SHA-256", what);
        goto out;
    }
    while ((n = fread(buf, 1, DIGEST_CHUNK, f)) > 0) {
        if (EVP_DigestUpdate(md, buf, n) != 1) {
            hv_fail(diag, HV_FAIL_INTERNAL, "%s: SHA-256 failed", what);
            goto out;
        }
    }
    if (ferror(f)) {
        hv_fail_errno(diag, errno ? errno : EIO, what, "cannot read");
        goto out;
    }
    if (EVP_DigestFinal_ex(md, out, &len) != 1 ||
        len != HV_PACKAGE_DIGEST_SIZE) {
        hv_fail(diag, HV_FAIL_INTERNAL, "%s: SHA-256 failed", what);
        goto out;
    }
    rc = 0;
out:
    free(buf);
    EVP_MD_CTX_free(md);
    return rc;
}

int hv_package_digest(const hv_driver_pkg *pkg,
                      uint8_t out[HV_PACKAGE_DIGEST_SIZE], hv_diag *diag)
{
    struct stat st;
    FILE *f;
    int rc;

    if (stat(pkg->path, &st) != 0)
        return hv_fail_errno(diag, errno, pkg->path, "cannot read package");
    if (S_ISDIR(st.st_mode)) {
        hv_drivers_result res;
        f = tmpfile();
        if (!f)
            return hv_fail_errno(diag, errno, pkg->path,
                                 "cannot create the temporary file for the "
                                 "folder's digest");
        rc = hv_drivers_normalise(pkg, 1, 0, f, &res, diag);
        if (rc == 0 && fseek(f, 0, SEEK_SET) != 0)
            rc = hv_fail_errno(diag, errno, pkg->path,
                               "cannot rewind the folder's archive");
    } else {
        f = fopen(pkg->path, "rb");
        if (!f)
            return hv_fail_errno(diag, errno, pkg->path,
                                 "cannot open package");
        rc = 0;
    }
    if (rc == 0)
        rc = digest_stream(f, pkg->path, out, diag);
    fclose(f);
    return rc;
}
