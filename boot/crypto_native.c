/*
 * The native crypto backend: SHA-256 with the CPU's SHA extensions when it
 * has them (sha256_x86.c, chosen by CPUID at hash_init, no OS needed), else
 * the portable BearSSL code; SHA-384 always BearSSL; signatures through the
 * very function hv_crypto_bearssl uses, so both backends accept exactly the
 * same signatures and differ only in hashing speed. `hvimage verify` and
 * the boot stage both hash through it: one selection
 * (hv_native_hash_init_cpu) serves both.
 *
 * Like the BearSSL backend: no allocation, no pointer into the context (it
 * may be copied), and update/final on a context whose init failed do
 * nothing. hash_final does not end the context.
 */
#include "sysdeps.h"

#include "crypto_internal.h"
#include "hvboot.h"

#include <bearssl_hash.h>

/* SHA-256 state for the SHA-extension path: FIPS 180-4 buffering and
 * padding here, the compression function in sha256_x86.c. */
typedef struct x86_sha256 {
    uint32_t h[8];
    uint64_t count; /* bytes hashed so far */
    uint8_t buf[64];
} x86_sha256;

enum { IMPL_NONE = 0, IMPL_X86 = 1, IMPL_PORTABLE = 2 };

typedef struct native_hash_state {
    uint32_t alg;  /* HV_DIGEST_*, or 0 until init succeeded */
    uint32_t impl; /* IMPL_* */
    union {
        x86_sha256 x86;
        br_sha256_context sha256;
        br_sha384_context sha384;
    } u;
} native_hash_state;

_Static_assert(sizeof(native_hash_state) <= sizeof(hv_hash_ctx),
               "native hash state does not fit hv_hash_ctx");
_Static_assert(_Alignof(native_hash_state) <= _Alignof(hv_hash_ctx),
               "hv_hash_ctx is less aligned than the native hash state");

/* Copied in and out, never cast: see crypto_bearssl.c. */
static void state_load(native_hash_state *st, const hv_hash_ctx *ctx)
{
    memcpy(st, ctx, sizeof(*st));
}

static void state_store(hv_hash_ctx *ctx, const native_hash_state *st)
{
    memcpy(ctx, st, sizeof(*st));
}

/* ---- SHA-256 on the SHA extensions ------------------------------------ */

static void x86_sha256_init(x86_sha256 *c)
{
    /* FIPS 180-4, 5.3.3 */
    static const uint32_t iv[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u,
                                   0xa54ff53au, 0x510e527fu, 0x9b05688cu,
                                   0x1f83d9abu, 0x5be0cd19u};
    memset(c, 0, sizeof(*c));
    memcpy(c->h, iv, sizeof(iv));
}

static void x86_sha256_update(x86_sha256 *c, const uint8_t *p, size_t len)
{
    size_t have = (size_t)(c->count & 63u);

    c->count += len;
    if (have != 0) {
        size_t n = 64 - have;
        if (n > len)
            n = len;
        memcpy(c->buf + have, p, n);
        p += n;
        len -= n;
        if (have + n < 64)
            return;
        hv_sha256_x86_blocks(c->h, c->buf, 1);
    }
    if (len >= 64) {
        size_t blocks = len / 64;
        hv_sha256_x86_blocks(c->h, p, blocks);
        p += blocks * 64;
        len -= blocks * 64;
    }
    if (len != 0)
        memcpy(c->buf, p, len);
}

/* Pads a copy, so the context itself can go on (BearSSL semantics). */
static void x86_sha256_out(const x86_sha256 *ctx, uint8_t out[32])
{
    x86_sha256 c = *ctx;
    uint64_t bits = c.count << 3;
    size_t have = (size_t)(c.count & 63u);
    int i;

    c.buf[have++] = 0x80;
    if (have > 56) {
        memset(c.buf + have, 0, 64 - have);
        hv_sha256_x86_blocks(c.h, c.buf, 1);
        have = 0;
    }
    memset(c.buf + have, 0, 56 - have);
    for (i = 0; i < 8; i++)
        c.buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    hv_sha256_x86_blocks(c.h, c.buf, 1);
    for (i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(c.h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(c.h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c.h[i] >> 8);
        out[4 * i + 3] = (uint8_t)c.h[i];
    }
}

/* ---- Backend ---------------------------------------------------------- */

/* A CPU without the SHA extensions, for HV_NATIVE_PORTABLE. */
static void cpuid_without_extensions(uint32_t leaf, uint32_t subleaf,
                                     uint32_t regs[4])
{
    (void)leaf;
    (void)subleaf;
    regs[0] = regs[1] = regs[2] = regs[3] = 0; /* max leaf 0: nothing */
}

int hv_native_hash_init_cpu(hv_hash_ctx *ctx, uint32_t digest_alg,
                            hv_cpuid_fn *cpuid)
{
    native_hash_state st;

    if (ctx == NULL || cpuid == NULL)
        return -1;
    memset(&st, 0, sizeof(st));
    switch (digest_alg) {
    case HV_DIGEST_SHA256:
        if (hv_sha256_x86_usable(cpuid)) {
            x86_sha256_init(&st.u.x86);
            st.impl = IMPL_X86;
        } else {
            br_sha256_init(&st.u.sha256);
            st.impl = IMPL_PORTABLE;
        }
        break;
    case HV_DIGEST_SHA384:
        br_sha384_init(&st.u.sha384);
        st.impl = IMPL_PORTABLE;
        break;
    default:
        /* alg = 0: later update/final calls are no-ops. */
        state_store(ctx, &st);
        return -1;
    }
    st.alg = digest_alg;
    state_store(ctx, &st);
    return 0;
}

int hv_native_hash_init(hv_hash_ctx *ctx, uint32_t digest_alg, int mode)
{
    return hv_native_hash_init_cpu(ctx, digest_alg,
                                   mode == HV_NATIVE_PORTABLE
                                       ? cpuid_without_extensions
                                       : hv_cpuid);
}

const char *hv_native_hash_impl(const hv_hash_ctx *ctx)
{
    native_hash_state st;

    if (ctx == NULL)
        return "none";
    state_load(&st, ctx);
    if (st.alg == 0)
        return "none";
    return st.impl == IMPL_X86 ? "x86-sha" : "portable";
}

static int native_hash_init(hv_hash_ctx *ctx, uint32_t digest_alg)
{
    return hv_native_hash_init(ctx, digest_alg, HV_NATIVE_AUTO);
}

static void native_hash_update(hv_hash_ctx *ctx, const void *data,
                               size_t len)
{
    native_hash_state st;

    if (ctx == NULL || len == 0 || data == NULL)
        return;
    state_load(&st, ctx);
    if (st.alg == HV_DIGEST_SHA256 && st.impl == IMPL_X86)
        x86_sha256_update(&st.u.x86, data, len);
    else if (st.alg == HV_DIGEST_SHA256)
        br_sha256_update(&st.u.sha256, data, len);
    else if (st.alg == HV_DIGEST_SHA384)
        br_sha384_update(&st.u.sha384, data, len);
    else
        return;
    state_store(ctx, &st);
}

static void native_hash_final(hv_hash_ctx *ctx, uint8_t *out)
{
    native_hash_state st;

    if (ctx == NULL || out == NULL)
        return;
    state_load(&st, ctx);
    if (st.alg == HV_DIGEST_SHA256 && st.impl == IMPL_X86)
        x86_sha256_out(&st.u.x86, out);
    else if (st.alg == HV_DIGEST_SHA256)
        br_sha256_out(&st.u.sha256, out);
    else if (st.alg == HV_DIGEST_SHA384)
        br_sha384_out(&st.u.sha384, out);
}

const hv_crypto hv_crypto_native = {
    .name = "native",
    .hash_init = native_hash_init,
    .hash_update = native_hash_update,
    .hash_final = native_hash_final,
    .verify = hv_bearssl_verify,
};
