/*
 * Minimal assertions for C unit tests: each failed CHECK prints where and
 * why and is counted; CHECK_DONE() returns non-zero if anything failed, so
 * meson marks the test failed. No skips: a test that cannot run fails.
 */
#ifndef HV_TEST_CHECK_H
#define HV_TEST_CHECK_H

#include <stdio.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                           \
    do {                                                                      \
        check_count++;                                                        \
        if (!(cond)) {                                                        \
            check_failures++;                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,  \
                    #cond);                                                   \
        }                                                                     \
    } while (0)

#define CHECK_MSG(cond, ...)                                                  \
    do {                                                                      \
        check_count++;                                                        \
        if (!(cond)) {                                                        \
            check_failures++;                                                 \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__,  \
                    #cond);                                                   \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
        }                                                                     \
    } while (0)

#define CHECK_DONE()                                                          \
    (fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures), \
     check_failures != 0 || check_count == 0)

#endif
