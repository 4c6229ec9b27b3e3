/*
 * hv_ops over the memory-mapped flash, the RAM windows that section_memory
 * hands out, and the TSC accounting of one hv_verify() call.
 *
 * Every flash byte the verifier sees is copied into RAM by slot_read()
 * first; the flash mapping itself is read-only in the page tables. Section
 * RAM comes from two fixed windows, placed by the device policy that
 * hvimage assemble and verify apply too (hvpolicy.h, hv_ram_place): the
 * core goes exactly where its signed load address says, if that range lies
 * inside the core window; everything else is bump-allocated in the payload
 * window. A size that does not fit is refused (HV_ERR_MEMORY), never
 * truncated.
 */
#include "crypto_internal.h"
#include "stage.h"

/* see stage.h */
int flash_read(const stage_trust_info *t, uint64_t off, void *dst, size_t len)
{
    if (off > t->flash_size || len > t->flash_size - off)
        return -1;
    memcpy(dst, (const void *)(uintptr_t)(FLASH_BASE + off), len);
    return 0;
}

/* see stage.h */
size_t stage_stack_used(void)
{
    const uint64_t *p = (const uint64_t *)stage_stack;
    size_t n = STAGE_STACK_SIZE / 8, i = 0;
    while (i < n && p[i] == (uint64_t)STAGE_STACK_PAINT)
        i++;
    return (n - i) * 8;
}

/* ---- Timing -------------------------------------------------------------- */

/*
 * One attempt runs at a time; the crypto wrappers and the zstd wrapper have
 * no user pointer, so they account into this.
 *
 * The wrappers time |backend|, hv_crypto_native, as `hvimage verify` uses
 * it: its hash_init picks SHA-256 on the CPU's SHA extensions when CPUID
 * reports them (entry.S enabled SSE before any C ran), else the portable
 * code; signatures are BearSSL's either way. stage_sha256_code asks the
 * same backend, so what the console says is what the digests run.
 */
static const hv_crypto *const backend = &hv_crypto_native;
static stage_timing *timing;
static int in_sections; /* set once section_memory ran: hashing is a section's */

static int timed_hash_init(hv_hash_ctx *ctx, uint32_t alg)
{
    uint64_t t0 = rdtsc();
    int r = backend->hash_init(ctx, alg);
    uint64_t dt = rdtsc() - t0;
    *(in_sections ? &timing->hashing : &timing->signature) += dt;
    return r;
}

static void timed_hash_update(hv_hash_ctx *ctx, const void *data, size_t len)
{
    uint64_t t0 = rdtsc();
    backend->hash_update(ctx, data, len);
    uint64_t dt = rdtsc() - t0;
    if (in_sections) {
        timing->hashing += dt;
        timing->hashed_bytes += len;
    } else {
        timing->signature += dt;
    }
}

static void timed_hash_final(hv_hash_ctx *ctx, uint8_t *out)
{
    uint64_t t0 = rdtsc();
    backend->hash_final(ctx, out);
    uint64_t dt = rdtsc() - t0;
    *(in_sections ? &timing->hashing : &timing->signature) += dt;
}

static int timed_verify(uint32_t sig_alg, const uint8_t *pub, size_t pub_len,
                        const uint8_t *digest, size_t digest_len,
                        const uint8_t *sig, size_t sig_len)
{
    uint64_t t0 = rdtsc();
    int r = backend->verify(sig_alg, pub, pub_len, digest, digest_len, sig,
                            sig_len);
    timing->signature += rdtsc() - t0;
    return r;
}

static const hv_crypto timed_native = {
    "native", timed_hash_init, timed_hash_update, timed_hash_final,
    timed_verify,
};

/* see stage.h */
const char *stage_sha256_code(void)
{
    hv_hash_ctx ctx;
    /* The very call timed_hash_init makes for every SHA-256 digest. */
    if (backend->hash_init(&ctx, HV_DIGEST_SHA256) != 0)
        return "none";
    return hv_native_hash_impl(&ctx);
}

/*
 * The verifier's one decompression call, reached through the linker's
 * --wrap=ZSTD_decompressDCtx (meson.build), so that the stage can time it
 * without the library knowing. Same ABI as zstd's declaration.
 */
size_t __real_ZSTD_decompressDCtx(void *dctx, void *dst, size_t dst_cap,
                                  const void *src, size_t src_size);
size_t __wrap_ZSTD_decompressDCtx(void *dctx, void *dst, size_t dst_cap,
                                  const void *src, size_t src_size);
size_t __wrap_ZSTD_decompressDCtx(void *dctx, void *dst, size_t dst_cap,
                                  const void *src, size_t src_size)
{
    uint64_t t0 = rdtsc();
    size_t r = __real_ZSTD_decompressDCtx(dctx, dst, dst_cap, src, src_size);
    if (timing) {
        timing->unpack += rdtsc() - t0;
        timing->unpacked_bytes += dst_cap;
    }
    return r;
}

/* ---- hv_ops ------------------------------------------------------------- */

static int slot_read(void *user, uint64_t off, void *dst, size_t len)
{
    stage_attempt *a = user;
    const stage_region *r = &a->trust->slot[a->slot];
    /* hv_verify stays inside region_size = the slot; checked regardless. */
    if (off > r->size || len > r->size - off)
        return -1;
    uint64_t t0 = rdtsc();
    int rc = flash_read(a->trust, r->offset + off, dst, len);
    a->timing.flash_copy += rdtsc() - t0;
    a->timing.copied_bytes += len;
    return rc;
}

static int slot_rollback(void *user, uint64_t *counter)
{
    *counter = ((stage_attempt *)user)->floors.security;
    return 0;
}

static int slot_board(void *user, char id[HV_BOARD_ID_SIZE])
{
    memcpy(id, ((stage_attempt *)user)->trust->board_id, HV_BOARD_ID_SIZE);
    return 0;
}

static int slot_memory(void *user, const hv_section *s, uint8_t **stored,
                       uint8_t **unpacked)
{
    stage_attempt *a = user;
    uint64_t st, un;
    in_sections = 1;
    if (hv_ram_place(&a->ram, s, &st, &un) != 0)
        return -1;
    *stored = (uint8_t *)(uintptr_t)st;
    if (s->compression != HV_COMPRESSION_NONE)
        *unpacked = (uint8_t *)(uintptr_t)un;
    return 0;
}

/* see stage.h */
hv_result stage_verify_slot(stage_attempt *a, const stage_trust_info *t,
                            uint32_t slot, const hv_bs_floors *floors,
                            hv_workspace *ws, hv_verdict *v)
{
    memset(a, 0, sizeof *a);
    a->trust = t;
    a->slot = slot;
    a->floors = *floors;
    hv_ram_plan_init(&a->ram, &hv_stage_ram_windows);
    timing = &a->timing;
    in_sections = 0;

    hv_ops ops = {a, slot_read, slot_rollback, slot_board, slot_memory};
    hv_policy pol = {.keys = t->keys, .key_count = t->key_count,
                     .min_signatures = t->min_signatures, .oem_id = t->oem_id,
                     .region_size = t->slot[slot].size, .exact_size = 0};
    /* A device that trusts roots (docs/KEYS.md): the keys come from the
     * image's keyring once the roots vouched for it, under the device's
     * confirmed root, keyring and key-epoch counters. */
    hv_roots roots;
    if (hv_trust_roots(t, &roots)) {
        pol.roots = &roots;
        pol.min_root_version = floors->root_version;
        pol.min_keyring_version = floors->keyring_version;
        pol.min_key_epoch = floors->key_epoch;
    }

    size_t base = (size_t)(stage_stack_top - (uint8_t *)__builtin_frame_address(0));
    stage_paint_free_stack();
    uint64_t t0 = rdtsc();
    hv_result r = hv_verify(&ops, &timed_native, &pol, ws, v);
    a->timing.total = rdtsc() - t0;
    a->stack_used = stage_stack_used();
    a->verify_stack = a->stack_used > base ? a->stack_used - base : 0;
    timing = 0;
    return r;
}
