/*
 * hvbench: the in-process measurements behind bench/run.sh. Not a test:
 * it asserts nothing about time, it prints JSON for the harness.
 *
 *   hvbench hash [--mib N] [--reps R] [FILE]
 *       SHA-256/384 throughput on one N MiB buffer (FILE's first bytes, or
 *       a fixed pseudo-random fill): hv_crypto_native as the CPU picks it,
 *       its portable path forced, hv_crypto_bearssl, and OpenSSL (EVP).
 *       Implementations alternate within each repetition. The "native"
 *       rows are the boot stage's hashing too: the stage calls the same
 *       hv_crypto_native functions (boot/stage/flashops.c only adds TSC
 *       reads around them), whose hash_init picks the code from CPUID
 *       through hv_native_hash_init_cpu.
 *   hvbench sig [--seconds S] KEY.pem...
 *       Per algorithm: sign (hv_signer_sign: OpenSSL, the format's
 *       encoding), verify with hv_crypto_native (the boot path: BearSSL) and
 *       verify with OpenSSL, each on a 1 KiB message's digest.
 *   hvbench load MANIFEST PROFILE KEY.pem
 *       One cold hv_manifest_load, hv_profile_load and hv_signer_load, as a
 *       build does them once per process.
 *   hvbench touch [--mib N]
 *       What first-touching N MiB of fresh memory costs here (hvimage
 *       verify must decompress into RAM): 4 KiB pages and transparent huge
 *       pages, each after 3 s idle ("cold": a VM host may have taken freed
 *       memory back meanwhile) and right after freeing the same amount
 *       ("warm").
 */
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto_internal.h"
#include "diag.h"
#include "hvboot.h"
#include "plan.h"
#include "signing.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct stats {
    double median, min, max;
} stats;

static stats summarize(double *v, size_t n)
{
    stats s = {0, 0, 0};
    if (n == 0)
        return s;
    qsort(v, n, sizeof *v, cmp_double);
    s.min = v[0];
    s.max = v[n - 1];
    s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return s;
}

/* ---- hash ------------------------------------------------------------- */

static int portable_init(hv_hash_ctx *ctx, uint32_t alg)
{
    return hv_native_hash_init(ctx, alg, HV_NATIVE_PORTABLE);
}

typedef struct hash_impl {
    const char *name;
    uint32_t alg;
    const hv_crypto *be; /* NULL: OpenSSL */
} hash_impl;

static double hash_once(const hash_impl *h, const uint8_t *buf, size_t len,
                        uint8_t *out)
{
    double t = now();
    if (h->be) {
        hv_hash_ctx ctx;
        if (h->be->hash_init(&ctx, h->alg) != 0)
            return -1;
        h->be->hash_update(&ctx, buf, len);
        h->be->hash_final(&ctx, out);
    } else {
        unsigned dlen;
        if (EVP_Digest(buf, len, out, &dlen,
                       h->alg == HV_DIGEST_SHA256 ? EVP_sha256()
                                                  : EVP_sha384(),
                       NULL) != 1)
            return -1;
    }
    return now() - t;
}

static int cmd_hash(int argc, char **argv)
{
    size_t mib = 256;
    int reps = 7;
    const char *file = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--mib") == 0 && i + 1 < argc)
            mib = strtoul(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else
            file = argv[i];
    }
    if (mib == 0 || reps < 1 || reps > 1000) {
        fprintf(stderr, "hvbench hash: bad --mib or --reps\n");
        return 2;
    }
    size_t len = mib << 20;
    uint8_t *buf = malloc(len);
    if (!buf) {
        fprintf(stderr, "hvbench hash: out of memory\n");
        return 3;
    }
    size_t have = 0;
    if (file) {
        FILE *f = fopen(file, "rb");
        if (!f) {
            perror(file);
            return 2;
        }
        have = fread(buf, 1, len, f);
        fclose(f);
    }
    uint64_t x = 0x243f6a8885a308d3ull;
    for (size_t i = have; i < len; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[i] = (uint8_t)x;
    }

    hv_crypto forced = hv_crypto_native;
    forced.hash_init = portable_init;
    /* Which SHA-256 code that selection picks here (the boot stage prints
     * the same on its console). */
    hv_hash_ctx probe;
    hv_crypto_native.hash_init(&probe, HV_DIGEST_SHA256);
    const hash_impl impls[] = {
        {"sha256 hvboot native", HV_DIGEST_SHA256, &hv_crypto_native},
        {"sha256 hvboot portable", HV_DIGEST_SHA256, &forced},
        {"sha256 hvboot bearssl", HV_DIGEST_SHA256, &hv_crypto_bearssl},
        {"sha256 openssl", HV_DIGEST_SHA256, NULL},
        {"sha384 hvboot native", HV_DIGEST_SHA384, &hv_crypto_native},
        {"sha384 openssl", HV_DIGEST_SHA384, NULL},
    };
    enum { N = sizeof impls / sizeof impls[0] };
    double *t = calloc((size_t)N * (size_t)reps, sizeof *t);
    uint8_t ref[2][HV_DIGEST_MAX_SIZE], out[HV_DIGEST_MAX_SIZE];
    int bad = 0;
    if (!t)
        return 3;
    /* Warm-up: touch the buffer, and compute reference digests. */
    hash_once(&impls[3], buf, len, ref[0]);
    hash_once(&impls[5], buf, len, ref[1]);
    for (int r = 0; r < reps; r++) {
        for (size_t k = 0; k < N; k++) {
            /* Rotate the order so no implementation always runs first. */
            size_t i = (k + (size_t)r) % N;
            t[i * (size_t)reps + (size_t)r] =
                hash_once(&impls[i], buf, len, out);
            size_t dlen = hv_digest_size(impls[i].alg);
            if (memcmp(out, ref[impls[i].alg == HV_DIGEST_SHA384], dlen))
                bad = 1;
        }
    }
    printf("{\"bytes\":%zu,\"reps\":%d,\"native_sha256_impl\":\"%s\","
           "\"digests_agree\":%s,\"results\":[",
           len, reps, hv_native_hash_impl(&probe), bad ? "false" : "true");
    for (size_t i = 0; i < N; i++) {
        double *v = t + i * (size_t)reps;
        for (int r = 0; r < reps; r++)
            v[r] = (double)len / v[r] / 1e9; /* GB/s */
        stats s = summarize(v, (size_t)reps);
        printf("%s{\"name\":\"%s\",\"gbps_median\":%.4f,\"gbps_min\":%.4f,"
               "\"gbps_max\":%.4f}",
               i ? "," : "", impls[i].name, s.median, s.min, s.max);
    }
    printf("]}\n");
    free(t);
    free(buf);
    return bad ? 1 : 0;
}

/* ---- sig -------------------------------------------------------------- */

/* Raw r || s to DER, for OpenSSL's verifier. */
static int raw_to_der(const uint8_t *raw, size_t len, unsigned char **der,
                      size_t *der_len)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, (int)(len / 2), NULL);
    BIGNUM *s = BN_bin2bn(raw + len / 2, (int)(len / 2), NULL);
    int n;
    if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1) {
        ECDSA_SIG_free(es);
        BN_free(r);
        BN_free(s);
        return -1;
    }
    *der = NULL;
    n = i2d_ECDSA_SIG(es, der);
    ECDSA_SIG_free(es);
    if (n <= 0)
        return -1;
    *der_len = (size_t)n;
    return 0;
}

static EVP_PKEY *load_pkey(const char *path)
{
    BIO *b = BIO_new_file(path, "r");
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return k;
}

static const char *sig_alg_name(uint32_t a)
{
    switch (a) {
    case HV_SIG_ECDSA_P256_SHA256: return "ecdsa-p256-sha256";
    case HV_SIG_ECDSA_P384_SHA384: return "ecdsa-p384-sha384";
    case HV_SIG_RSA3072_PKCS1_SHA256: return "rsa3072-pkcs1-sha256";
    case HV_SIG_RSA4096_PKCS1_SHA256: return "rsa4096-pkcs1-sha256";
    default: return "unknown";
    }
}

#define SIG_MAX_OPS 2000

/* Run |op| until |seconds| passed (at least 5, at most SIG_MAX_OPS
 * times); per-operation milliseconds into |st|. Returns -1 if an operation
 * failed. */
typedef int (*sig_op)(void *arg);
static int time_ops(sig_op op, void *arg, double seconds, stats *st,
                    int *count)
{
    static double v[SIG_MAX_OPS];
    int n = 0;
    double start = now();
    while (n < SIG_MAX_OPS && (n < 5 || now() - start < seconds)) {
        double t = now();
        if (op(arg) != 0)
            return -1;
        v[n++] = (now() - t) * 1e3;
    }
    *st = summarize(v, (size_t)n);
    *count = n;
    return 0;
}

typedef struct sig_job {
    hv_signer *signer;
    const hv_pubkey *pub;
    EVP_PKEY *pkey;
    uint8_t tbs[1024];
    uint8_t digest[HV_DIGEST_MAX_SIZE];
    size_t digest_len;
    uint8_t sig[HV_SIG_MAX_SIZE];
    size_t sig_len;
    unsigned char *ossl_sig; /* DER for ECDSA, as is for RSA */
    size_t ossl_sig_len;
} sig_job;

static int op_sign(void *arg)
{
    sig_job *j = arg;
    hv_diag d;
    return hv_signer_sign(j->signer, j->tbs, sizeof j->tbs, j->sig,
                          &j->sig_len, &d);
}

static int op_verify_hvboot(void *arg)
{
    sig_job *j = arg;
    return hv_crypto_native.verify(j->pub->sig_alg, j->pub->pub,
                                   j->pub->pub_len, j->digest, j->digest_len,
                                   j->sig, j->sig_len) == 1
               ? 0
               : -1;
}

static int op_verify_openssl(void *arg)
{
    sig_job *j = arg;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(j->pkey, NULL);
    int ok = c && EVP_PKEY_verify_init(c) == 1 &&
             EVP_PKEY_CTX_set_signature_md(
                 c, j->digest_len == 48 ? EVP_sha384() : EVP_sha256()) > 0 &&
             (EVP_PKEY_get_base_id(j->pkey) != EVP_PKEY_RSA ||
              EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) > 0) &&
             EVP_PKEY_verify(c, j->ossl_sig, j->ossl_sig_len, j->digest,
                             j->digest_len) == 1;
    EVP_PKEY_CTX_free(c);
    return ok ? 0 : -1;
}

static int cmd_sig(int argc, char **argv)
{
    double seconds = 0.5;
    int first = 1, rc = 0;
    printf("{\"results\":[");
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = atof(argv[++i]);
            continue;
        }
        static sig_job j;
        hv_diag d = {0};
        memset(&j, 0, sizeof j);
        for (size_t k = 0; k < sizeof j.tbs; k++)
            j.tbs[k] = (uint8_t)(k * 7 + 3);
        if (hv_signer_load(argv[i], &j.signer, &d) != 0 ||
            !(j.pkey = load_pkey(argv[i]))) {
            fprintf(stderr, "hvbench sig: %s: %s\n", argv[i], d.msg);
            return 2;
        }
        j.pub = hv_signer_pubkey(j.signer);
        uint32_t dalg = hv_sig_digest(j.pub->sig_alg);
        hv_hash_ctx h;
        hv_crypto_native.hash_init(&h, dalg);
        hv_crypto_native.hash_update(&h, j.tbs, sizeof j.tbs);
        hv_crypto_native.hash_final(&h, j.digest);
        j.digest_len = hv_digest_size(dalg);

        stats s_sign, s_vh, s_vo;
        int n_sign, n_vh, n_vo;
        if (time_ops(op_sign, &j, seconds, &s_sign, &n_sign) != 0) {
            fprintf(stderr, "hvbench sig: %s: signing failed\n", argv[i]);
            return 1;
        }
        if (EVP_PKEY_get_base_id(j.pkey) == EVP_PKEY_EC) {
            if (raw_to_der(j.sig, j.sig_len, &j.ossl_sig, &j.ossl_sig_len))
                return 3;
        } else {
            j.ossl_sig = OPENSSL_malloc(j.sig_len);
            if (!j.ossl_sig)
                return 3;
            memcpy(j.ossl_sig, j.sig, j.sig_len);
            j.ossl_sig_len = j.sig_len;
        }
        if (time_ops(op_verify_hvboot, &j, seconds, &s_vh, &n_vh) != 0 ||
            time_ops(op_verify_openssl, &j, seconds, &s_vo, &n_vo) != 0) {
            fprintf(stderr, "hvbench sig: %s: a verification failed\n",
                    argv[i]);
            rc = 1;
        }
        printf("%s{\"alg\":\"%s\",\"sign_ms\":[%.4f,%.4f,%.4f,%d],"
               "\"verify_hvboot_ms\":[%.4f,%.4f,%.4f,%d],"
               "\"verify_openssl_ms\":[%.4f,%.4f,%.4f,%d]}",
               first ? "" : ",", sig_alg_name(j.pub->sig_alg), s_sign.median,
               s_sign.min, s_sign.max, n_sign, s_vh.median, s_vh.min,
               s_vh.max, n_vh, s_vo.median, s_vo.min, s_vo.max, n_vo);
        first = 0;
        OPENSSL_free(j.ossl_sig);
        EVP_PKEY_free(j.pkey);
        hv_signer_free(j.signer);
    }
    printf("]}\n");
    return rc;
}

/* ---- load ------------------------------------------------------------- */

static int cmd_load(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: hvbench load MANIFEST PROFILE KEY.pem\n");
        return 2;
    }
    hv_manifest m;
    hv_profile p;
    hv_signer *s = NULL;
    hv_diag d;
    memset(&m, 0, sizeof m);
    memset(&p, 0, sizeof p);
    double t0 = now();
    int rc = hv_manifest_load(argv[0], &m, &d);
    double t1 = now();
    rc |= hv_profile_load(argv[1], &p, &d);
    double t2 = now();
    rc |= hv_signer_load(argv[2], &s, &d);
    double t3 = now();
    if (rc != 0) {
        fprintf(stderr, "hvbench load: %s\n", d.msg);
        return 1;
    }
    printf("{\"manifest_ms\":%.4f,\"profile_ms\":%.4f,\"key_ms\":%.4f}\n",
           (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3);
    hv_signer_free(s);
    hv_manifest_free(&m);
    hv_profile_free(&p);
    return 0;
}

/* ---- touch ------------------------------------------------------------ */

/* Seconds to allocate and write every byte of |len| fresh bytes. */
static double touch_once(size_t len, int huge)
{
    size_t align = (size_t)2 << 20;
    uint8_t *p = aligned_alloc(align, len);
    double t;
    if (!p)
        return -1;
#if defined(MADV_HUGEPAGE) && defined(MADV_NOHUGEPAGE)
    (void)madvise(p, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
#else
    (void)huge;
#endif
    t = now();
    memset(p, 0x5a, len);
    t = now() - t;
    /* Keep the stores: the compiler may not drop them before free. */
    __asm__ volatile("" : : "r"(p) : "memory");
    free(p);
    return t;
}

static int cmd_touch(int argc, char **argv)
{
    size_t mib = 512;
    for (int i = 0; i + 1 < argc; i++)
        if (strcmp(argv[i], "--mib") == 0)
            mib = strtoul(argv[++i], NULL, 0);
    size_t len = mib << 20;
    double r[4];
    sleep(3);
    r[0] = touch_once(len, 0); /* 4 KiB pages, cold */
    r[1] = touch_once(len, 0); /* warm */
    sleep(3);
    r[2] = touch_once(len, 1); /* huge pages, cold */
    r[3] = touch_once(len, 1); /* warm */
    printf("{\"mib\":%zu,\"small_cold_s\":%.4f,\"small_warm_s\":%.4f,"
           "\"huge_cold_s\":%.4f,\"huge_warm_s\":%.4f}\n",
           mib, r[0], r[1], r[2], r[3]);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "hash") == 0)
        return cmd_hash(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "sig") == 0)
        return cmd_sig(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "load") == 0)
        return cmd_load(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "touch") == 0)
        return cmd_touch(argc - 2, argv + 2);
    fprintf(stderr, "usage: hvbench hash [--mib N] [--reps R] [FILE]\n"
                    "       hvbench sig [--seconds S] KEY.pem...\n"
                    "       hvbench load MANIFEST PROFILE KEY.pem\n"
                    "       hvbench touch [--mib N]\n");
    return 2;
}
