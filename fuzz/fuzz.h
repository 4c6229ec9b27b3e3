/*
 * Shared by the fuzz targets (fuzz-*.c) and the replay driver (replay.c).
 *
 * Each target defines LLVMFuzzerTestOneInput() and is linked either with
 * libFuzzer (-Dfuzzing=true, clang) or with replay.c, which feeds it the
 * files of its corpus folder as an ordinary meson test.
 *
 * Rules every target follows, so that both builds report the same thing:
 *  - no global mutable state: an input's outcome depends only on its bytes;
 *  - everything allocated is freed, every temporary file removed
 *    (LeakSanitizer runs in both builds);
 *  - a broken invariant calls fuzz_fail(), which prints what was broken and
 *    aborts, so libFuzzer and the replay test both stop on it;
 *  - once per input that reaches the code under test, fuzz_verdict() says
 *    whether that code accepted or refused it. The replay compares it with
 *    the verdict a seed's name promises (ok-*, bad-*), so a parser that
 *    refuses everything, or accepts everything, fails its replay test;
 *  - the return value is always 0 (libFuzzer reserves others).
 */
#ifndef HV_FUZZ_H
#define HV_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvimage/codec.h"
#include "hvimage/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * What the code under test decided about one input. A target reports it
 * exactly once for every input it hands to that code, and not at all for an
 * input it skips (too short, too large): a seed the replay expects a verdict
 * from must reach the parser. Only the replay build (HV_FUZZ_REPLAY, set by
 * fuzz/meson.build) records it; under libFuzzer it costs nothing.
 */
typedef enum fuzz_outcome { FUZZ_REFUSED, FUZZ_ACCEPTED } fuzz_outcome;

#ifdef HV_FUZZ_REPLAY
void fuzz_verdict(fuzz_outcome outcome); /* fuzz/replay.c */
#else
static inline void fuzz_verdict(fuzz_outcome outcome)
{
    (void)outcome;
}
#endif

/* A target's oracle found a bug: say which, then abort (a crash for
 * libFuzzer, a failed test for replay). */
#define fuzz_fail(...)                                                         \
    do {                                                                       \
        fprintf(stderr, "%s:%d: fuzz invariant broken: ", __FILE__, __LINE__); \
        fprintf(stderr, __VA_ARGS__);                                          \
        fputc('\n', stderr);                                                   \
        abort();                                                               \
    } while (0)

/* An allocation failure is the harness's problem, never a finding. */
static inline void *fuzz_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        fuzz_fail("out of memory (%zu bytes)", n);
    return p;
}

static inline uint8_t *fuzz_dup(const uint8_t *data, size_t size)
{
    uint8_t *p = fuzz_xmalloc(size);
    if (size)
        memcpy(p, data, size);
    return p;
}

/* |s| is 1..|max| characters of format.h's text charset (hv_text_char),
 * the plan's name rule (mkimage/plan/plan.h). */
static inline bool fuzz_is_text(const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!hv_text_char((uint8_t)s[i]))
            return false;
    }
    return true;
}

/* Every byte of |p| is zero: a failed load leaves a zeroed struct. */
static inline bool fuzz_all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

static inline const char *fuzz_tmpdir(void)
{
    const char *t = getenv("TMPDIR");
    return t && *t ? t : "/tmp";
}

/* Write |data| to a new file whose path (from mkstemps, |suffix| kept) goes
 * into |path|. Returns 0, or -1 (then nothing is left behind). */
static inline int fuzz_write_tmp(const uint8_t *data, size_t size,
                                 const char *suffix, char *path, size_t cap)
{
    int n = snprintf(path, cap, "%s/hvfuzz-XXXXXX%s", fuzz_tmpdir(), suffix);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    int fd = mkstemps(path, (int)strlen(suffix));
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < size) {
        ssize_t w = write(fd, data + done, size - done);
        if (w <= 0) {
            close(fd);
            unlink(path);
            return -1;
        }
        done += (size_t)w;
    }
    if (close(fd) != 0) {
        unlink(path);
        return -1;
    }
    return 0;
}

#endif
