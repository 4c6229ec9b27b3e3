/* memmem is a GNU extension. */
#define _GNU_SOURCE
#include "output_check.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How far into an existing output to look for a PEM private key marker:
 * PEM keys put it on the first line, after at most a few comment lines. */
#define KEY_SNIFF_BYTES 4096

static bool is_file_name(const char *p)
{
    return p && *p && strcmp(p, "-") != 0 && strncmp(p, "pkcs11:", 7) != 0;
}

bool hv_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static bool holds_private_key(const char *path)
{
    char buf[KEY_SNIFF_BYTES + 1];
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, KEY_SNIFF_BYTES);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    /* Covers PKCS#8 ("PRIVATE KEY"), SEC1 ("EC PRIVATE KEY"), PKCS#1
     * ("RSA PRIVATE KEY") and encrypted PKCS#8. memmem: the buffer may hold
     * NUL bytes. */
    static const char marker[] = "PRIVATE KEY-----";
    return memmem(buf, (size_t)n, marker, sizeof marker - 1) != NULL;
}

int hv_output_check(const char *out, const char *what,
                    const char *const *inputs, size_t n, hv_diag *diag)
{
    if (!is_file_name(out))
        return 0;
    struct stat st;
    if (stat(out, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return hv_diag_set(diag, "%s %s: is a folder; expected a file "
                               "name", what, out);
        if (!S_ISREG(st.st_mode))
            return hv_diag_set(diag, "%s %s: exists and is not a regular "
                               "file", what, out);
        for (size_t i = 0; i < n; i++)
            if (is_file_name(inputs[i]) && hv_same_file(out, inputs[i]))
                return hv_diag_set(diag, "%s %s: is the input %s; refusing "
                                   "to overwrite an input", what, out,
                                   inputs[i]);
        if (holds_private_key(out))
            return hv_diag_set(diag, "%s %s: holds a private key; refusing "
                               "to overwrite it", what, out);
    } else if (errno != ENOENT) {
        return hv_fail_errno(diag, errno, out, what);
    }
    char *copy = strdup(out);
    if (!copy)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    const char *dir = dirname(copy);
    int rc = 0;
    if (stat(dir, &st) != 0)
        rc = hv_diag_set(diag, "%s %s: folder %s: %s", what, out, dir,
                         strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        rc = hv_diag_set(diag, "%s %s: %s is not a folder", what, out, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        rc = hv_diag_set(diag, "%s %s: folder %s is not writable: %s", what,
                         out, dir, strerror(errno));
    free(copy);
    return rc;
}
