#include "diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void set_message(hv_diag *d, hv_fail_class cls, const char *fmt,
                        va_list ap)
{
    d->cls = cls;
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
}

int hv_fail(hv_diag *d, hv_fail_class cls, const char *fmt, ...)
{
    if (d) {
        va_list ap;
        va_start(ap, fmt);
        set_message(d, cls, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int hv_diag_set(hv_diag *d, const char *fmt, ...)
{
    if (d) {
        va_list ap;
        va_start(ap, fmt);
        set_message(d, HV_FAIL_INPUT, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int hv_fail_errno(hv_diag *d, int err, const char *path, const char *what)
{
    hv_fail_class cls = HV_FAIL_IO;
    switch (err) {
    case ENOENT: case ENOTDIR: case EACCES: case EPERM: case EISDIR:
    case ELOOP: case ENAMETOOLONG: case EEXIST:
        cls = HV_FAIL_INPUT;
        break;
    default:
        break;
    }
    return hv_fail(d, cls, "%s: %s: %s", path, what, strerror(err));
}

const char *hv_printable(const char *in, char *out, size_t out_size)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    if (out_size == 0)
        return out;
    for (; in && *in; in++) {
        unsigned char c = (unsigned char)*in;
        if (c >= 0x20 && c < 0x7f) {
            if (o + 1 >= out_size)
                break;
            out[o++] = (char)c;
        } else {
            if (o + 4 >= out_size)
                break;
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}
