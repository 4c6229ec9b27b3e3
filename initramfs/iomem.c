/* "System RAM" in /proc/iomem over the flash window (iomem.h). */
#include "iomem.h"

#include <string.h>

/* Hex digits at *p up to a character not a hex digit; at most 16. */
static int hex(const char **p, uint64_t *out)
{
    uint64_t v = 0;
    int n = 0;
    for (;; (*p)++, n++) {
        char c = **p;
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            break;
        if (n == 16)
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return n ? 0 : -1;
}

int hvi_iomem_ram_overlap(const char *iomem, uint64_t base, uint64_t size,
                          uint64_t *first, uint64_t *last)
{
    if (size == 0 || base + size < base)
        return -1;
    uint64_t end = base + size - 1; /* inclusive, as /proc/iomem writes */
    const char *line = iomem;
    while (*line) {
        size_t len = strcspn(line, "\n");
        /* Nested resources are indented. "System RAM" can be nested: the
         * memory Linux hot-adds over a range the e820 map reserves sits
         * under that range's "Reserved". */
        size_t indent = strspn(line, " ");
        if (indent < len) {
            const char *p = line + indent;
            uint64_t lo, hi;
            if (hex(&p, &lo) != 0 || *p++ != '-' || hex(&p, &hi) != 0 ||
                hi < lo || strncmp(p, " : ", 3) != 0 || p + 3 > line + len)
                return -1;
            p += 3;
            static const char ram[] = "System RAM";
            size_t rest = len - (size_t)(p - line);
            if (rest == sizeof ram - 1 && memcmp(p, ram, rest) == 0 &&
                lo <= end && hi >= base) {
                *first = lo;
                *last = hi;
                return 1;
            }
        }
        line += len;
        if (*line == '\n')
            line++;
    }
    return 0;
}
