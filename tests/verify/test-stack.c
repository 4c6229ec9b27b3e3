/*
 * The verifier's stack use, measured: hv_verify runs on a painted stack
 * (ucontext), once per signature algorithm, and the deepest byte touched is
 * compared with HV_VERIFY_STACK_MAX from hvboot.h. Only meaningful without
 * sanitizers (they enlarge frames), so meson registers it only then.
 */
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "check.h"
#include "fixture.h"

#define STACK_SIZE (256 * 1024)
#define PAINT 0xA5

static ucontext_t main_ctx, verify_ctx;
static const fixture *current;
static hv_result result;
static hv_workspace ws;

static void run_verify(void)
{
    mem_platform p;
    hv_verdict v;
    mem_platform_init(&p, current->image, current->image_len, current->board,
                      0);
    hv_ops ops = mem_platform_ops(&p);
    hv_policy pol = {.keys = &current->trusted, .key_count = 1,
                     .min_signatures = 1, .oem_id = NULL,
                     .region_size = current->image_len, .exact_size = 1};
    result = hv_verify(&ops, &hv_crypto_bearssl, &pol, &ws, &v);
    mem_platform_free(&p);
}

static size_t measure(const fixture *f)
{
    uint8_t *stack = malloc(STACK_SIZE);
    memset(stack, PAINT, STACK_SIZE);
    current = f;
    getcontext(&verify_ctx);
    verify_ctx.uc_stack.ss_sp = stack;
    verify_ctx.uc_stack.ss_size = STACK_SIZE;
    verify_ctx.uc_link = &main_ctx;
    makecontext(&verify_ctx, run_verify, 0);
    swapcontext(&main_ctx, &verify_ctx);
    size_t untouched = 0;
    while (untouched < STACK_SIZE && stack[untouched] == PAINT)
        untouched++;
    free(stack);
    return STACK_SIZE - untouched;
}

int main(void)
{
    static const uint32_t algs[] = {HV_SIG_ECDSA_P256_SHA256,
                                    HV_SIG_ECDSA_P384_SHA384,
                                    HV_SIG_RSA3072_PKCS1_SHA256,
                                    HV_SIG_RSA4096_PKCS1_SHA256};
    size_t worst = 0;
    for (size_t i = 0; i < 4; i++) {
        fixture f;
        if (fixture_build(&f, algs[i], 16, 4096) != 0) {
            CHECK_MSG(0, "fixture for algorithm %u", algs[i]);
            continue;
        }
        size_t used = measure(&f);
        CHECK_MSG(result == HV_OK, "verify: %s", hv_result_name(result));
        /* The memory platform's own frames are included: a bound on the
         * verifier plus a trivial platform. */
        fprintf(stderr, "algorithm %u: %zu bytes of stack\n", algs[i], used);
        if (used > worst)
            worst = used;
        fixture_free(&f);
    }
    CHECK_MSG(worst <= HV_VERIFY_STACK_MAX, "worst %zu > HV_VERIFY_STACK_MAX %u",
              worst, HV_VERIFY_STACK_MAX);
    CHECK(worst > 512); /* the measurement itself worked */
    return CHECK_DONE();
}
