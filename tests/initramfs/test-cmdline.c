/*
 * hvinit's command-line words (initramfs/cmdline.h): the stage's
 * hvimage.slot/trial/fallback (the last occurrence counts) and
 * hvinit.flash.
 */
#include <string.h>

#include "check.h"
#include "cmdline.h"

static hvi_boot_words words(const char *s)
{
    hvi_boot_words w;
    hvi_cmdline_boot_words(s, &w);
    return w;
}

int main(void)
{
    hvi_boot_words w;
    /* The stage's suffix after the signed line; /proc/cmdline's newline. */
    w = words("console=ttyS0,115200 panic=-1 hvimage.slot=B hvimage.trial=1 "
              "hvimage.fallback=0\n");
    CHECK(w.slot == 1 && w.trial == 1 && w.fallback == 0);
    /* The last occurrence counts: a word in the signed part is overridden
     * by the stage's. */
    w = words("hvimage.slot=A hvimage.trial=0 quiet hvimage.slot=B "
              "hvimage.trial=1");
    CHECK(w.slot == 1 && w.trial == 1 && w.fallback == HVI_WORD_UNSET);
    w = words("hvimage.trial=1 hvimage.trial=0");
    CHECK(w.trial == 0);
    /* At the start, at the end, with tabs. */
    w = words("hvimage.slot=A\tx=1 hvimage.fallback=1");
    CHECK(w.slot == 0 && w.fallback == 1 && w.trial == HVI_WORD_UNSET);
    /* Missing: all unset; an empty line too. */
    w = words("console=ttyS0 panic=-1");
    CHECK(w.slot == HVI_WORD_UNSET && w.trial == HVI_WORD_UNSET &&
          w.fallback == HVI_WORD_UNSET);
    w = words("");
    CHECK(w.slot == HVI_WORD_UNSET);
    /* Bad values; a bad last occurrence spoils a good earlier one. */
    w = words("hvimage.slot=C hvimage.trial=yes hvimage.fallback=");
    CHECK(w.slot == HVI_WORD_BAD && w.trial == HVI_WORD_BAD &&
          w.fallback == HVI_WORD_BAD);
    w = words("hvimage.slot=A hvimage.slot=a");
    CHECK(w.slot == HVI_WORD_BAD);
    w = words("hvimage.slot=AB hvimage.trial=10");
    CHECK(w.slot == HVI_WORD_BAD && w.trial == HVI_WORD_BAD);
    /* Other words that start alike do not count. */
    w = words("xhvimage.slot=B hvimage.slots=B hvimage.slot hvimage.trial");
    CHECK(w.slot == HVI_WORD_UNSET && w.trial == HVI_WORD_UNSET);

    size_t n;
    const char *v = hvi_cmdline_last("a=1 b=2 a=33 a", "a", &n);
    CHECK(v && n == 2 && !strncmp(v, "33", 2));
    CHECK(hvi_cmdline_last("ab=1", "a", &n) == NULL);

    /* hvinit.flash. */
    hvi_flash_window fw;
    CHECK(hvi_cmdline_flash("quiet", &fw) == 0);
    CHECK(fw.base == 0x100000000ull && fw.size == 64ull << 20 &&
          fw.erase == 64ull << 10);
    CHECK(hvi_cmdline_flash("hvinit.flash=0x200000000,32M,4K", &fw) == 0);
    CHECK(fw.base == 0x200000000ull && fw.size == 32ull << 20 &&
          fw.erase == 4096);
    CHECK(hvi_cmdline_flash("hvinit.flash=4G,1G,65536 x", &fw) == 0);
    CHECK(fw.base == 4ull << 30 && fw.size == 1ull << 30 && fw.erase == 65536);
    /* Malformed: the defaults stay. */
    const char *bad[] = {
        "hvinit.flash=", "hvinit.flash=1,2", "hvinit.flash=1,2,3,4",
        "hvinit.flash=0x,64M,64K", "hvinit.flash=1,64M,64KB",
        "hvinit.flash=1,64M,0", "hvinit.flash=1,0,64K",
        "hvinit.flash=1,64M,48K",                       /* not a divisor */
        "hvinit.flash=0xffffffffffffffff,64M,64K",      /* wraps */
        "hvinit.flash=99999999999999999999,64M,64K",    /* overflows */
        "hvinit.flash=0x100000000,17179869184G,64K",    /* shift overflows */
        "hvinit.flash=1,,64K", "hvinit.flash=x,64M,64K",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_MSG(hvi_cmdline_flash(bad[i], &fw) == -1, "%s", bad[i]);
        CHECK(fw.base == 0x100000000ull && fw.size == 64ull << 20);
    }
    return CHECK_DONE();
}
