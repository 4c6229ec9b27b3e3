/*
 * Internal interfaces between the crypto backends in boot/. Not part of the
 * public API (hvboot.h); included by the boot/ sources, the crypto tests
 * and the bench/ micro-benchmark only.
 */
#ifndef HVBOOT_CRYPTO_INTERNAL_H
#define HVBOOT_CRYPTO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "hvboot.h"

/* Constant-time equality of two buffers of |len| bytes: 1 equal, 0 not. For
 * digests and RSA encodings, inside boot/ only. */
int hv_ct_equal(const void *a, const void *b, size_t len);

/*
 * The signature check of hv_crypto_bearssl (crypto_bearssl.c): exact
 * lengths, key encoding and scalar ranges first, then BearSSL. Every
 * backend that verifies in software uses this one function, so they accept
 * exactly the same signatures.
 */
int hv_bearssl_verify(uint32_t sig_alg, const uint8_t *pub, size_t pub_len,
                      const uint8_t *digest, size_t digest_len,
                      const uint8_t *sig, size_t sig_len);

/*
 * SHA-256 with the x86 SHA extensions (sha256_x86.c).
 *
 * hv_cpuid_fn is one CPUID query (leaf, subleaf -> EAX, EBX, ECX, EDX);
 * hv_cpuid is the CPU's own instruction (all zeros on other
 * architectures). Tests pass a stand-in to describe a CPU they do not have.
 *
 * hv_sha256_x86_usable() says, from what |cpuid| reports, whether the CPU
 * has SHA, SSSE3 and SSE4.1, no OS involved; it is 0 on other
 * architectures and in builds with HVBOOT_NO_X86_SHA defined.
 * hv_sha256_x86_available() is hv_sha256_x86_usable(hv_cpuid). Neither can
 * see whether the platform enabled SSE (CR4.OSFXSR): a hosted OS always
 * has, the boot stage does in entry.S before any C runs, and a boot stage
 * that runs with SSE disabled must build with -DHVBOOT_NO_X86_SHA.
 *
 * hv_sha256_x86_blocks() runs the compression function over |blocks|
 * 64-byte blocks at |data| (any alignment) on the working state |h|
 * (a..h, as in FIPS 180-4). Call it only if hv_sha256_x86_available(). It
 * is the only code here that uses SSE registers, through a target
 * attribute, so it builds inside -mgeneral-regs-only code as well.
 */
typedef void hv_cpuid_fn(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
void hv_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
int hv_sha256_x86_usable(hv_cpuid_fn *cpuid);
int hv_sha256_x86_available(void);
void hv_sha256_x86_blocks(uint32_t h[8], const uint8_t *data, size_t blocks);

/*
 * hash_init of hv_crypto_native with the choice of SHA-256 code made
 * explicit: HV_NATIVE_AUTO uses the SHA extensions when the CPU has them,
 * HV_NATIVE_PORTABLE always takes the portable (BearSSL) code. The choice is
 * stored in the context, so update and final follow it. Tests use this to
 * run both paths on any CPU; nothing in an image reaches it.
 */
enum { HV_NATIVE_AUTO = 0, HV_NATIVE_PORTABLE = 1 };
int hv_native_hash_init(hv_hash_ctx *ctx, uint32_t digest_alg, int mode);

/*
 * The selection itself, shared by hv_crypto_native.hash_init (which passes
 * hv_cpuid: what `hvimage verify` and the boot stage run) and tests (which
 * pass a stand-in CPUID): SHA-256 on the SHA extensions when |cpuid|
 * reports them (hv_sha256_x86_usable), else the portable code; SHA-384
 * always portable. Same contract as hash_init otherwise.
 */
int hv_native_hash_init_cpu(hv_hash_ctx *ctx, uint32_t digest_alg,
                            hv_cpuid_fn *cpuid);

/* Which code a context initialised by hv_native_hash_init runs:
 * "x86-sha", "portable", or "none" (unusable context). */
const char *hv_native_hash_impl(const hv_hash_ctx *ctx);

#endif
