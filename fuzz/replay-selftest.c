/*
 * A stand-in target for testing replay.c itself: it answers the same for
 * every input, as a broken parser might. FUZZ_SELFTEST_ANSWER is
 * 'a' (accept everything), 'r' (refuse everything) or 's' (report no
 * verdict, as a target that skips its input). Replayed over a real corpus,
 * each must fail (fuzz/replay-must-fail.sh checks it), or the
 * replay could not tell a dead parser from a good one.
 */
#include "fuzz.h"

#ifndef FUZZ_SELFTEST_ANSWER
#error "FUZZ_SELFTEST_ANSWER must be 'a', 'r' or 's'"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    (void)data;
    (void)size;
    if (FUZZ_SELFTEST_ANSWER == 'a')
        fuzz_verdict(FUZZ_ACCEPTED);
    else if (FUZZ_SELFTEST_ANSWER == 'r')
        fuzz_verdict(FUZZ_REFUSED);
    return 0;
}
