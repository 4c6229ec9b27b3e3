/*
 * hv_verify's stack with a trust block (issue 11): the roots-policy path
 * (hv_trust_block_verify's chain and keyring checks, then the image's
 * signatures by keyring keys) measured on a painted stack as
 * tests/verify/test-stack.c measures the keys path, and held to the same
 * HV_VERIFY_STACK_MAX. Cases: P-256 and P-384 with a rotation (two
 * roots), and RSA-4096 root and image keys.
 * Only meaningful without sanitizers; meson registers it only then.
 */
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include "check.h"
#include "tcraft.h"

#define STACK_SIZE (256 * 1024)
#define PAINT 0xA5

static ucontext_t main_ctx, verify_ctx;
static const timg *current;
static const hv_policy *current_pol;
static hv_result result;
static hv_workspace ws;

static void run_verify(void)
{
    mem_platform p;
    hv_verdict v;
    mem_platform_init(&p, current->p, current->len, F.board, 0);
    hv_ops ops = mem_platform_ops(&p);
    hv_policy pol = *current_pol;
    pol.region_size = current->len;
    result = hv_verify(&ops, &hv_crypto_bearssl, &pol, &ws, &v);
    mem_platform_free(&p);
}

static size_t measure(const timg *m, const hv_policy *pol)
{
    uint8_t *stack = malloc(STACK_SIZE);
    if (!stack)
        tdie("out of memory");
    memset(stack, PAINT, STACK_SIZE);
    current = m;
    current_pol = pol;
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

/* Root 1 of |r1| (threshold 1), optionally root 2 of |r2| (threshold 1),
 * a keyring of |img| under the newest, an image signed by |img|. */
static size_t case_of(const char *name, const tkey *r1, const tkey *r2,
                      const tkey *img)
{
    tbuf b = {0};
    static tdoc d;
    const tkey *k1[1] = {r1};
    tdoc_root(&d, 1, 1, k1, 1, 1);
    tdoc_sign(&d, k1, 1);
    tbuf_doc(&b, &d);
    const tkey *top = r1;
    if (r2) {
        const tkey *k2[1] = {r2}, *both[2] = {r1, r2};
        tdoc_root(&d, 2, 1, k2, 1, 2);
        tdoc_sign(&d, both, 2);
        tbuf_doc(&b, &d);
        top = r2;
    }
    tent e = {.k = img, .epoch = 1, .oems = {"test-oem"}};
    tdoc_keyring(&d, 1, r2 ? 2 : 1, 0, &e, 1, 1);
    const tkey *kt[1] = {top};
    tdoc_sign(&d, kt, 1);
    tbuf_doc(&b, &d);

    timg m;
    const tkey *s[1] = {img};
    timg_make(&m, b.p, b.len, 1, s, 1, 1, NULL);
    troots r;
    troots_set(&r, k1, 1, 1, 1);
    hv_policy pol = tpolicy(&r, m.len, 1);
    size_t used = measure(&m, &pol);
    CHECK_MSG(result == HV_OK, "%s: verify: %s", name, hv_result_name(result));
    fprintf(stderr, "%s: %zu bytes of stack\n", name, used);
    timg_free(&m);
    tbuf_free(&b);
    return used;
}

int main(void)
{
    tcraft_setup();
    tkey p1, p2, pi, rr, ri, q1, qi;
    tkey_gen(&p1, HV_SIG_ECDSA_P256_SHA256);
    tkey_gen(&p2, HV_SIG_ECDSA_P256_SHA256);
    tkey_gen(&pi, HV_SIG_ECDSA_P256_SHA256);
    tkey_gen(&q1, HV_SIG_ECDSA_P384_SHA384);
    tkey_gen(&qi, HV_SIG_ECDSA_P384_SHA384);
    tkey_gen(&rr, HV_SIG_RSA4096_PKCS1_SHA256);
    tkey_gen(&ri, HV_SIG_RSA4096_PKCS1_SHA256);

    size_t worst = 0, used;
    used = case_of("P-256 roots 1 and 2, P-256 image key", &p1, &p2, &pi);
    worst = used > worst ? used : worst;
    used = case_of("P-384 root 1, P-256 root 2, P-384 image key", &q1, &p2, &qi);
    worst = used > worst ? used : worst;
    used = case_of("RSA-4096 root, RSA-4096 image key", &rr, NULL, &ri);
    worst = used > worst ? used : worst;
    used = case_of("P-256 root 1, RSA-4096 root 2, P-256 image key", &p1,
                   &rr, &pi);
    worst = used > worst ? used : worst;

    CHECK_MSG(worst <= HV_VERIFY_STACK_MAX,
              "worst %zu > HV_VERIFY_STACK_MAX %u", worst,
              HV_VERIFY_STACK_MAX);
    CHECK(worst > 512); /* the measurement itself worked */
    tkey_free(&p1);
    tkey_free(&p2);
    tkey_free(&pi);
    tkey_free(&rr);
    tkey_free(&ri);
    tkey_free(&q1);
    tkey_free(&qi);
    tcraft_teardown();
    return CHECK_DONE();
}
