/* see package_digest.h */
#include "package_digest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "drivers.h"
#include "file_digest.h"

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
        rc = hv_stream_sha256(f, pkg->path, out, NULL, diag);
    fclose(f);
    return rc;
}
