/* hvinit's command-line words (cmdline.h). */
#include "cmdline.h"

#include <string.h>

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

const char *hvi_cmdline_last(const char *cmdline, const char *key,
                             size_t *len)
{
    size_t klen = strlen(key);
    const char *found = NULL;
    const char *p = cmdline;
    while (*p) {
        while (*p && blank(*p))
            p++;
        const char *word = p;
        while (*p && !blank(*p))
            p++;
        size_t wlen = (size_t)(p - word);
        if (wlen > klen && memcmp(word, key, klen) == 0 && word[klen] == '=') {
            found = word + klen + 1;
            *len = wlen - klen - 1;
        }
    }
    return found;
}

/* |v| of length |n| is exactly |s|. */
static int is(const char *v, size_t n, const char *s)
{
    return strlen(s) == n && memcmp(v, s, n) == 0;
}

static int flag_word(const char *cmdline, const char *key)
{
    size_t n;
    const char *v = hvi_cmdline_last(cmdline, key, &n);
    if (!v)
        return HVI_WORD_UNSET;
    if (is(v, n, "0"))
        return 0;
    if (is(v, n, "1"))
        return 1;
    return HVI_WORD_BAD;
}

void hvi_cmdline_boot_words(const char *cmdline, hvi_boot_words *w)
{
    size_t n;
    const char *v = hvi_cmdline_last(cmdline, "hvimage.slot", &n);
    if (!v)
        w->slot = HVI_WORD_UNSET;
    else if (is(v, n, "A"))
        w->slot = 0;
    else if (is(v, n, "B"))
        w->slot = 1;
    else
        w->slot = HVI_WORD_BAD;
    w->trial = flag_word(cmdline, "hvimage.trial");
    w->fallback = flag_word(cmdline, "hvimage.fallback");
}

/* One number of |n| bytes at |v|: digits (0x hex or decimal), then an
 * optional K, M or G. No overflow. */
static int number(const char *v, size_t n, uint64_t *out)
{
    unsigned base = 10;
    size_t i = 0;
    if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        base = 16;
        i = 2;
    }
    uint64_t x = 0;
    size_t digits = 0;
    for (; i < n; i++, digits++) {
        char c = v[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            break;
        if (x > (UINT64_MAX - d) / base)
            return -1;
        x = x * base + d;
    }
    if (digits == 0)
        return -1;
    unsigned shift = 0;
    if (i < n) {
        switch (v[i]) {
        case 'K': shift = 10; break;
        case 'M': shift = 20; break;
        case 'G': shift = 30; break;
        default: return -1;
        }
        if (++i != n)
            return -1;
        if (x > UINT64_MAX >> shift)
            return -1;
    }
    *out = x << shift;
    return 0;
}

int hvi_cmdline_flash(const char *cmdline, hvi_flash_window *fw)
{
    fw->base = HVI_FLASH_DEFAULT_BASE;
    fw->size = HVI_FLASH_DEFAULT_SIZE;
    fw->erase = HVI_FLASH_DEFAULT_ERASE;
    size_t n;
    const char *v = hvi_cmdline_last(cmdline, "hvinit.flash", &n);
    if (!v)
        return 0;
    uint64_t x[3];
    size_t start = 0;
    for (int k = 0; k < 3; k++) {
        size_t end = start;
        while (end < n && v[end] != ',')
            end++;
        if ((k < 2) != (end < n))
            return -1; /* too few or too many fields */
        if (number(v + start, end - start, &x[k]) != 0)
            return -1;
        start = end + 1;
    }
    /* A window that wraps, or an erase block that does not divide it, is
     * not a flash. */
    if (x[1] == 0 || x[2] == 0 || x[0] + x[1] < x[0] || x[1] % x[2] != 0)
        return -1;
    fw->base = x[0];
    fw->size = x[1];
    fw->erase = x[2];
    return 0;
}
