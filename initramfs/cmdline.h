/*
 * The kernel command line as hvinit reads it (/proc/cmdline): the words the
 * boot stage appends after the image's signed command line
 * (hvimage.slot=A|B, hvimage.trial=0|1, hvimage.fallback=0|1) and hvinit's
 * own hvinit.flash=BASE,SIZE,ERASE. Words are separated by blanks; the LAST
 * occurrence of a word counts, as for the kernel's own parameters, so a
 * word the stage appends overrides the same word in the signed line.
 * Pure functions: the host unit tests (tests/initramfs/) run them.
 */
#ifndef HVINIT_CMDLINE_H
#define HVINIT_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

/* A boot word's value: unset (no such word), 0 or 1, or bad (the last
 * occurrence has another value). For the slot, 0 is A and 1 is B. */
enum { HVI_WORD_UNSET = -1, HVI_WORD_BAD = -2 };

typedef struct hvi_boot_words {
    int slot;     /* 0 A, 1 B, or HVI_WORD_UNSET / HVI_WORD_BAD */
    int trial;    /* 0, 1, or HVI_WORD_UNSET / HVI_WORD_BAD     */
    int fallback; /* 0, 1, or HVI_WORD_UNSET / HVI_WORD_BAD     */
} hvi_boot_words;

/* The value of the last word "KEY=VALUE" in |cmdline| (|key| without the
 * '='): a pointer into |cmdline| and its length in |*len|; NULL if no word
 * is KEY=... A word "KEY" without '=' does not count. */
const char *hvi_cmdline_last(const char *cmdline, const char *key,
                             size_t *len);

/* The stage's three words. */
void hvi_cmdline_boot_words(const char *cmdline, hvi_boot_words *w);

/* Where the flash is and how it erases: from hvinit.flash=BASE,SIZE,ERASE
 * (numbers in C notation, decimal or 0x hex, each with an optional K, M or
 * G suffix), else the defaults (the QEMU board: base 4 GiB, 64 MiB, 64 KiB
 * erase blocks). Returns 0, or -1 if the word is there but malformed (the
 * values are then the defaults). */
typedef struct hvi_flash_window {
    uint64_t base, size, erase;
} hvi_flash_window;
#define HVI_FLASH_DEFAULT_BASE 0x100000000ull
#define HVI_FLASH_DEFAULT_SIZE (64ull << 20)
#define HVI_FLASH_DEFAULT_ERASE (64ull << 10)
int hvi_cmdline_flash(const char *cmdline, hvi_flash_window *fw);

#endif
