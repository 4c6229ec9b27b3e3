/*
 * Unit tests for signing/ (keys, signing, signature import).
 *
 *   test-signing roundtrip|import|keys FIXTURE_DIR
 *
 * Each case works in its own temporary folder and removes it afterwards.
 * Signatures are checked independently of signing/: the public key is read
 * back from the PEM file with OpenSSL and raw ECDSA is converted to DER here,
 * not with the library's helpers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "check.h"
#include "signing.h"

static const char *fixtures;
static char workdir[4096];

/* ---- Helpers ------------------------------------------------------------ */

/* snprintf that fails the test instead of truncating a path. */
__attribute__((format(printf, 3, 4))) static void
xfmt(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "path too long: %s\n", buf);
        exit(1);
    }
}

static char *path_in(const char *dir, const char *name)
{
    static char bufs[8][4096];
    static int next;
    char *b = bufs[next++ % 8];
    xfmt(b, sizeof bufs[0], "%s/%s", dir, name);
    return b;
}

#define WORK(name) path_in(workdir, (name))
#define FIXTURE(name) path_in(fixtures, (name))

/* rm -r, for the case's own temporary folder only. */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[4096];
            xfmt(sub, sizeof sub, "%s/%s", path, e->d_name);
            remove_tree(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static void make_workdir(void)
{
    const char *tmp = getenv("TMPDIR");
    xfmt(workdir, sizeof workdir, "%s/hv-signing-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(workdir)) {
        perror("mkdtemp");
        exit(1);
    }
}

static void remove_workdir(void)
{
    remove_tree(workdir);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted, newline-separated names in |dir| (caller frees), to compare a
 * folder before and after an operation that must leave nothing behind. */
static char *listing(const char *dir)
{
    DIR *d = opendir(dir);
    char *names[256];
    size_t n = 0, total = 1;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < 256) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        names[n] = strdup(e->d_name);
        total += strlen(e->d_name) + 1;
        n++;
    }
    if (d)
        closedir(d);
    qsort(names, n, sizeof names[0], cmp_str);
    char *out = calloc(1, total);
    for (size_t i = 0; i < n; i++) {
        strcat(out, names[i]);
        strcat(out, "\n");
        free(names[i]);
    }
    return out;
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static int file_starts_with(const char *path, const char *prefix)
{
    size_t len = 0;
    uint8_t *b = read_all(path, &len);
    int ok = b && len >= strlen(prefix) && memcmp(b, prefix, strlen(prefix)) == 0;
    free(b);
    return ok;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len) {
        perror(path);
        exit(1);
    }
    fclose(f);
}

static EVP_PKEY *read_pubkey_pem(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    EVP_PKEY *k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    return k;
}

static EVP_PKEY *read_private_pem(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    return k;
}

static size_t scalar_len(uint32_t alg)
{
    return alg == HV_SIG_ECDSA_P256_SHA256   ? 32
           : alg == HV_SIG_ECDSA_P384_SHA384 ? 48
                                             : 0;
}

static size_t expected_sig_len(uint32_t alg)
{
    switch (alg) {
    case HV_SIG_ECDSA_P256_SHA256: return 64;
    case HV_SIG_ECDSA_P384_SHA384: return 96;
    case HV_SIG_RSA3072_PKCS1_SHA256: return 384;
    case HV_SIG_RSA4096_PKCS1_SHA256: return 512;
    }
    return 0;
}

static size_t expected_pub_len(uint32_t alg)
{
    size_t sc = scalar_len(alg);
    return sc ? 1 + 2 * sc : expected_sig_len(alg) + 4;
}

static const char *md_name(uint32_t alg)
{
    return alg == HV_SIG_ECDSA_P384_SHA384 ? "SHA384" : "SHA256";
}

/* The test's own raw r || s -> DER, independent of signing/. */
static int raw_to_der(const uint8_t *raw, size_t sc, unsigned char **der)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, (int)sc, NULL);
    BIGNUM *s = BN_bin2bn(raw + sc, (int)sc, NULL);
    ECDSA_SIG_set0(es, r, s);
    *der = NULL;
    int len = i2d_ECDSA_SIG(es, der);
    ECDSA_SIG_free(es);
    return len;
}

/* 1 if |sig| (format encoding) verifies over |msg| with the key in the PEM
 * file |pub_pem|, checked with OpenSSL only. */
static int ossl_verify(const char *pub_pem, uint32_t alg, const uint8_t *msg,
                       size_t msg_len, const uint8_t *sig, size_t sig_len)
{
    EVP_PKEY *k = read_pubkey_pem(pub_pem);
    if (!k)
        k = read_private_pem(pub_pem);
    unsigned char *der = NULL;
    const unsigned char *v = sig;
    size_t vlen = sig_len;
    if (scalar_len(alg)) {
        if (sig_len != 2 * scalar_len(alg))
            return 0;
        int n = raw_to_der(sig, scalar_len(alg), &der);
        v = der;
        vlen = n > 0 ? (size_t)n : 0;
    }
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = k && EVP_DigestVerifyInit_ex(m, &pctx, md_name(alg), NULL, NULL,
                                          k, NULL) == 1;
    if (ok && !scalar_len(alg))
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
    ok = ok && EVP_DigestVerify(m, v, vlen, msg, msg_len) == 1;
    EVP_MD_CTX_free(m);
    EVP_PKEY_free(k);
    OPENSSL_free(der);
    ERR_clear_error();
    return ok;
}

/* DER ECDSA signature straight from OpenSSL (as `openssl dgst -sign`
 * writes), for the import tests. */
static size_t ossl_sign_der(const char *priv_pem, uint32_t alg,
                            const uint8_t *msg, size_t msg_len,
                            uint8_t *out, size_t cap)
{
    EVP_PKEY *k = read_private_pem(priv_pem);
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    size_t len = cap;
    int ok = k &&
             EVP_DigestSignInit_ex(m, NULL, md_name(alg), NULL, NULL, k,
                                   NULL) == 1 &&
             EVP_DigestSign(m, out, &len, msg, msg_len) == 1;
    EVP_MD_CTX_free(m);
    EVP_PKEY_free(k);
    return ok ? len : 0;
}

/* SHA-256 of the DER SPKI as OpenSSL writes it for the key in |pub_pem|. */
static int ossl_spki_sha256(const char *pub_pem, uint8_t id[32])
{
    EVP_PKEY *k = read_pubkey_pem(pub_pem);
    unsigned char *der = NULL;
    int len = k ? i2d_PUBKEY(k, &der) : -1;
    int ok = len > 0 &&
             EVP_Digest(der, (size_t)len, id, NULL, EVP_sha256(), NULL) == 1;
    OPENSSL_free(der);
    EVP_PKEY_free(k);
    return ok;
}

static int same_record(const hv_pubkey *a, const hv_pubkey *b)
{
    return a->sig_alg == b->sig_alg && a->pub_len == b->pub_len &&
           a->pub_len <= HV_PUBKEY_MAX_SIZE &&
           memcmp(a->key_id, b->key_id, HV_KEY_ID_SIZE) == 0 &&
           memcmp(a->pub, b->pub, a->pub_len) == 0;
}

static int has(const hv_diag *d, const char *needle)
{
    return strstr(d->msg, needle) != NULL;
}

static void fill_tbs(uint8_t *buf, size_t len, uint32_t seed)
{
    for (size_t i = 0; i < len; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (uint8_t)(seed >> 16);
    }
}

/* ---- roundtrip: keygen + load + sign + verify, all four algorithms -------- */

static void roundtrip_one(uint32_t alg, const char *tag)
{
    char priv[64], pub[64];
    xfmt(priv, sizeof priv, "%s.pem", tag);
    xfmt(pub, sizeof pub, "%s.pub.pem", tag);
    const char *privp = strdup(WORK(priv)), *pubp = strdup(WORK(pub));
    hv_diag d = {0};
    hv_pubkey rec;

    fprintf(stderr, "# roundtrip %s\n", tag);
    CHECK_MSG(hv_keygen(alg, privp, pubp, &rec, &d) == 0, "%s", d.msg);
    CHECK(rec.sig_alg == alg);
    CHECK(rec.pub_len == expected_pub_len(alg));

    /* Files: PKCS#8 0600, SPKI 0644, whatever the umask. */
    struct stat st;
    CHECK(stat(privp, &st) == 0 && (st.st_mode & 07777) == 0600);
    CHECK(stat(pubp, &st) == 0 && (st.st_mode & 07777) == 0644);
    CHECK(file_starts_with(privp, "-----BEGIN PRIVATE KEY-----\n"));
    CHECK(file_starts_with(pubp, "-----BEGIN PUBLIC KEY-----\n"));

    /* Key id = SHA-256 of OpenSSL's DER SPKI of the written public key. */
    uint8_t id[32];
    CHECK(ossl_spki_sha256(pubp, id) && memcmp(id, rec.key_id, 32) == 0);

    /* Record contents against OpenSSL's view of the key. */
    EVP_PKEY *k = read_pubkey_pem(pubp);
    CHECK(k != NULL);
    if (k && scalar_len(alg)) {
        uint8_t pt[97];
        size_t ptlen = 0;
        CHECK(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pt,
                                              sizeof pt, &ptlen) == 1);
        CHECK(ptlen == rec.pub_len && pt[0] == 0x04 &&
              memcmp(pt, rec.pub, ptlen) == 0);
    } else if (k) {
        BIGNUM *n = NULL;
        uint8_t nb[512];
        size_t ml = expected_sig_len(alg);
        CHECK(EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n) == 1);
        CHECK(n && BN_bn2binpad(n, nb, (int)ml) == (int)ml &&
              memcmp(nb, rec.pub, ml) == 0);
        static const uint8_t f4[4] = {0, 1, 0, 1};
        CHECK(memcmp(rec.pub + ml, f4, 4) == 0);
        BN_free(n);
    }
    EVP_PKEY_free(k);

    /* Both halves load to the same record. */
    hv_signer *s = NULL;
    CHECK_MSG(hv_signer_load(privp, &s, &d) == 0, "%s", d.msg);
    CHECK(s && same_record(hv_signer_pubkey(s), &rec));
    hv_pubkey p2, p3;
    CHECK_MSG(hv_pubkey_load(pubp, &p2, &d) == 0, "%s", d.msg);
    CHECK(same_record(&p2, &rec));
    CHECK_MSG(hv_pubkey_load(privp, &p3, &d) == 0, "%s", d.msg);
    CHECK(same_record(&p3, &rec));

    if (s) {
        uint8_t tbs[1000], sig[HV_SIG_MAX_SIZE];
        size_t sig_len = 0;
        fill_tbs(tbs, sizeof tbs, alg);
        CHECK_MSG(hv_signer_sign(s, tbs, sizeof tbs, sig, &sig_len, &d) == 0,
                  "%s", d.msg);
        CHECK(sig_len == expected_sig_len(alg));
        CHECK(ossl_verify(pubp, alg, tbs, sizeof tbs, sig, sig_len));

        /* Independent verification must be able to fail. */
        tbs[17] ^= 1;
        CHECK(!ossl_verify(pubp, alg, tbs, sizeof tbs, sig, sig_len));
        tbs[17] ^= 1;
        sig[sig_len - 1] ^= 1;
        CHECK(!ossl_verify(pubp, alg, tbs, sizeof tbs, sig, sig_len));
        sig[sig_len - 1] ^= 1;

        /* Our own output imports unchanged. */
        uint8_t out[HV_SIG_MAX_SIZE];
        size_t out_len = 0;
        CHECK_MSG(hv_signature_import(&rec, tbs, sizeof tbs, sig, sig_len,
                                      "own.sig", out, &out_len, &d) == 0,
                  "%s", d.msg);
        CHECK(out_len == sig_len && memcmp(out, sig, sig_len) == 0);

        /* Empty to-be-signed bytes are still signable. */
        CHECK_MSG(hv_signer_sign(s, tbs, 0, sig, &sig_len, &d) == 0, "%s",
                  d.msg);
        CHECK(ossl_verify(pubp, alg, tbs, 0, sig, sig_len));
    }
    hv_signer_free(s);
    free((void *)privp);
    free((void *)pubp);
}

static void case_roundtrip(void)
{
    roundtrip_one(HV_SIG_ECDSA_P256_SHA256, "p256");
    roundtrip_one(HV_SIG_ECDSA_P384_SHA384, "p384");
    roundtrip_one(HV_SIG_RSA3072_PKCS1_SHA256, "rsa3072");
    /* The one RSA-4096 keygen of the run (slow). */
    roundtrip_one(HV_SIG_RSA4096_PKCS1_SHA256, "rsa4096");

    /* The traditional forms keygen never writes load too. */
    hv_signer *s = NULL;
    hv_diag d = {0};
    CHECK_MSG(hv_signer_load(FIXTURE("ec-params-first.pem"), &s, &d) == 0,
              "%s", d.msg);
    CHECK(s && hv_signer_pubkey(s)->sig_alg == HV_SIG_ECDSA_P256_SHA256);
    if (s) {
        uint8_t sig[HV_SIG_MAX_SIZE];
        size_t sig_len;
        CHECK(hv_signer_sign(s, (const uint8_t *)"x", 1, sig, &sig_len, &d) ==
              0);
        CHECK(ossl_verify(FIXTURE("ec-params-first.pem"),
                          HV_SIG_ECDSA_P256_SHA256, (const uint8_t *)"x", 1,
                          sig, sig_len));
    }
    hv_signer_free(s);
    s = NULL;
    CHECK_MSG(hv_signer_load(FIXTURE("rsa3072-traditional.pem"), &s, &d) == 0,
              "%s", d.msg);
    CHECK(s && hv_signer_pubkey(s)->sig_alg == HV_SIG_RSA3072_PKCS1_SHA256);
    hv_signer_free(s);

    /* Key id hex. */
    uint8_t id[HV_KEY_ID_SIZE];
    char hex[65];
    for (int i = 0; i < 32; i++)
        id[i] = (uint8_t)(i * 9 + 0xa0);
    hv_key_id_hex(id, hex);
    CHECK(strcmp(hex, "a0a9b2bbc4cdd6dfe8f1fa030c151e27"
                      "3039424b545d666f78818a939ca5aeb7") == 0);
}

/* ---- import --------------------------------------------------------------- */

/* Rebuild a DER ECDSA-Sig-Value from its two INTEGER contents, letting the
 * caller break the encoding on purpose. */
static size_t build_der(uint8_t *out, const uint8_t *r, size_t rl,
                        const uint8_t *s, size_t sl, int long_form_seq)
{
    size_t body = 2 + rl + 2 + sl, o = 0;
    out[o++] = 0x30;
    if (long_form_seq)
        out[o++] = 0x81;
    out[o++] = (uint8_t)body;
    out[o++] = 0x02;
    out[o++] = (uint8_t)rl;
    memcpy(out + o, r, rl);
    o += rl;
    out[o++] = 0x02;
    out[o++] = (uint8_t)sl;
    memcpy(out + o, s, sl);
    return o + sl;
}

static int try_import(const hv_pubkey *pub, const uint8_t *tbs, size_t tbs_len,
                      const uint8_t *in, size_t in_len, const char *src,
                      hv_diag *d)
{
    uint8_t out[HV_SIG_MAX_SIZE];
    size_t out_len = 123;
    memset(d->msg, 0, sizeof d->msg);
    int rc = hv_signature_import(pub, tbs, tbs_len, in, in_len, src, out,
                                 &out_len, d);
    if (rc != 0)
        CHECK(out_len == 0);
    fprintf(stderr, "#   import %s: %s\n", src, rc == 0 ? "ok" : d->msg);
    return rc;
}

static void case_import(void)
{
    hv_diag d = {0};
    hv_pubkey a, b, c, r;
    CHECK_MSG(hv_keygen(HV_SIG_ECDSA_P256_SHA256, WORK("a.pem"),
                        WORK("a.pub.pem"), &a, &d) == 0, "%s", d.msg);
    CHECK_MSG(hv_keygen(HV_SIG_ECDSA_P256_SHA256, WORK("b.pem"),
                        WORK("b.pub.pem"), &b, &d) == 0, "%s", d.msg);
    CHECK_MSG(hv_keygen(HV_SIG_ECDSA_P384_SHA384, WORK("c.pem"),
                        WORK("c.pub.pem"), &c, &d) == 0, "%s", d.msg);
    CHECK_MSG(hv_keygen(HV_SIG_RSA3072_PKCS1_SHA256, WORK("r.pem"),
                        WORK("r.pub.pem"), &r, &d) == 0, "%s", d.msg);
    char ahex[65];
    hv_key_id_hex(a.key_id, ahex);

    uint8_t tbs[300], other[300];
    fill_tbs(tbs, sizeof tbs, 1);
    fill_tbs(other, sizeof other, 2);

    /* ECDSA P-256: strict DER as OpenSSL writes it. */
    uint8_t der[200], raw[64], out[HV_SIG_MAX_SIZE];
    size_t der_len = ossl_sign_der(WORK("a.pem"), HV_SIG_ECDSA_P256_SHA256,
                                   tbs, sizeof tbs, der, sizeof der);
    CHECK(der_len >= 8 && der_len < 128 && der[0] == 0x30);
    if (der_len < 8)
        return; /* OpenSSL did not sign: der[] holds nothing to take apart */
    size_t out_len = 0;
    CHECK_MSG(hv_signature_import(&a, tbs, sizeof tbs, der, der_len,
                                  "sig.der", out, &out_len, &d) == 0,
              "%s", d.msg);
    CHECK(out_len == 64);
    CHECK(ossl_verify(WORK("a.pub.pem"), HV_SIG_ECDSA_P256_SHA256, tbs,
                      sizeof tbs, out, out_len));
    memcpy(raw, out, 64);

    /* The same signature as raw r || s. */
    CHECK(try_import(&a, tbs, sizeof tbs, raw, 64, "sig.raw", &d) == 0);

    /* Split the DER into its two INTEGER contents for the broken forms. */
    const uint8_t *rp = der + 4, *sp;
    size_t rl = der[3], sl;
    sp = rp + rl + 2;
    sl = rp[rl + 1];
    CHECK(der[2] == 0x02 && rp[rl] == 0x02 && 2 + rl + 2 + sl == der[1]);

    uint8_t bad[300], rz[80];
    size_t n;

    /* Non-minimal length: the SEQUENCE length in long form. */
    n = build_der(bad, rp, rl, sp, sl, 1);
    CHECK(try_import(&a, tbs, sizeof tbs, bad, n, "long-len.der", &d) != 0);
    CHECK(has(&d, "long-len.der: "));

    /* A leading 00 on r that the value does not need. */
    rz[0] = 0;
    memcpy(rz + 1, rp, rl);
    n = build_der(bad, rz, rl + 1, sp, sl, 0);
    CHECK(try_import(&a, tbs, sizeof tbs, bad, n, "lead0.der", &d) != 0);
    CHECK(has(&d, "lead0.der: "));

    /* Trailing garbage after a valid DER value. */
    memcpy(bad, der, der_len);
    bad[der_len] = 0;
    CHECK(try_import(&a, tbs, sizeof tbs, bad, der_len + 1, "trail.der",
                     &d) != 0);
    CHECK(has(&d, "trail.der: ") && has(&d, "not strict DER"));

    /* r longer than the curve allows (33 significant bytes). */
    rz[0] = 1;
    memcpy(rz + 1, raw, 32);
    n = build_der(bad, rz, 33, sp, sl, 0);
    CHECK(try_import(&a, tbs, sizeof tbs, bad, n, "long-r.der", &d) != 0);
    CHECK(has(&d, "longer than 32 bytes"));

    /* Negative r (high bit set, no 00 pad). */
    rz[0] = 0x80;
    memcpy(rz + 1, raw + 1, 31);
    n = build_der(bad, rz, 32, sp, sl, 0);
    CHECK(try_import(&a, tbs, sizeof tbs, bad, n, "neg-r.der", &d) != 0);

    /* Raw of the wrong length. */
    CHECK(try_import(&a, tbs, sizeof tbs, raw, 63, "short.raw", &d) != 0);
    CHECK(has(&d, "short.raw: ") && has(&d, "exactly 64 bytes, got 63"));
    memcpy(bad, raw, 64);
    bad[64] = 0;
    CHECK(try_import(&a, tbs, sizeof tbs, bad, 65, "long.raw", &d) != 0);
    CHECK(has(&d, "exactly 64 bytes, got 65"));
    CHECK(try_import(&a, tbs, sizeof tbs, raw, 0, "empty.raw", &d) != 0);

    /* Valid signature, but over other bytes. */
    CHECK(try_import(&a, other, sizeof other, der, der_len, "sig.der", &d) !=
          0);
    CHECK(has(&d, "sig.der: signature does not verify with key ") &&
          has(&d, ahex) && has(&d, "over the to-be-signed bytes"));
    CHECK(try_import(&a, other, sizeof other, raw, 64, "sig.raw", &d) != 0);
    CHECK(has(&d, "does not verify"));

    /* Valid signature from another key of the same type. */
    uint8_t derb[200];
    size_t derb_len = ossl_sign_der(WORK("b.pem"), HV_SIG_ECDSA_P256_SHA256,
                                    tbs, sizeof tbs, derb, sizeof derb);
    CHECK(derb_len > 0);
    CHECK(try_import(&b, tbs, sizeof tbs, derb, derb_len, "b.der", &d) == 0);
    CHECK(try_import(&a, tbs, sizeof tbs, derb, derb_len, "b.der", &d) != 0);
    CHECK(has(&d, "does not verify with key ") && has(&d, ahex));

    /* P-384: DER and raw; a P-256-sized raw signature is refused. */
    der_len = ossl_sign_der(WORK("c.pem"), HV_SIG_ECDSA_P384_SHA384, tbs,
                            sizeof tbs, der, sizeof der);
    CHECK_MSG(hv_signature_import(&c, tbs, sizeof tbs, der, der_len,
                                  "c.der", out, &out_len, &d) == 0,
              "%s", d.msg);
    CHECK(out_len == 96 && ossl_verify(WORK("c.pub.pem"),
                                       HV_SIG_ECDSA_P384_SHA384, tbs,
                                       sizeof tbs, out, out_len));
    memcpy(bad, out, 96);
    CHECK(try_import(&c, tbs, sizeof tbs, bad, 96, "c.raw", &d) == 0);
    CHECK(try_import(&c, tbs, sizeof tbs, raw, 64, "p256.raw", &d) != 0);

    /* RSA-3072: exactly the modulus length. */
    hv_signer *rs = NULL;
    CHECK_MSG(hv_signer_load(WORK("r.pem"), &rs, &d) == 0, "%s", d.msg);
    uint8_t rsig[HV_SIG_MAX_SIZE + 1];
    size_t rsig_len = 0;
    if (rs)
        CHECK_MSG(hv_signer_sign(rs, tbs, sizeof tbs, rsig, &rsig_len, &d) ==
                      0, "%s", d.msg);
    hv_signer_free(rs);
    CHECK(rsig_len == 384);
    CHECK(try_import(&r, tbs, sizeof tbs, rsig, 384, "r.sig", &d) == 0);
    CHECK(try_import(&r, tbs, sizeof tbs, rsig, 383, "r-short.sig", &d) != 0);
    CHECK(has(&d, "r-short.sig: ") && has(&d, "exactly 384 bytes") &&
          has(&d, "got 383"));
    CHECK(try_import(&r, tbs, sizeof tbs, rsig + 1, 383, "r-short2.sig",
                     &d) != 0);
    rsig[384] = 0;
    CHECK(try_import(&r, tbs, sizeof tbs, rsig, 385, "r-long.sig", &d) != 0);
    CHECK(try_import(&r, other, sizeof other, rsig, 384, "r.sig", &d) != 0);
    CHECK(has(&d, "does not verify"));
    /* An ECDSA record cannot take an RSA signature and vice versa. */
    CHECK(try_import(&a, tbs, sizeof tbs, rsig, 384, "r.sig", &d) != 0);
    CHECK(try_import(&r, tbs, sizeof tbs, raw, 64, "sig.raw", &d) != 0);

    /* A record with an unknown algorithm is refused, not guessed. */
    hv_pubkey weird = a;
    weird.sig_alg = 99;
    CHECK(try_import(&weird, tbs, sizeof tbs, raw, 64, "sig.raw", &d) != 0);
}

/* ---- keys: refusals, keygen safety ------------------------------------------- */

struct refusal {
    const char *file;
    const char *expect; /* substring of the message */
};

static void expect_refused_priv(const char *path, const char *expect)
{
    hv_signer *s = (hv_signer *)&s; /* must be reset to NULL */
    hv_diag d = {0};
    int rc = hv_signer_load(path, &s, &d);
    fprintf(stderr, "#   signer %s\n", d.msg);
    CHECK_MSG(rc != 0 && s == NULL, "%s loaded", path);
    CHECK_MSG(strncmp(d.msg, path, strlen(path)) == 0 &&
                  d.msg[strlen(path)] == ':',
              "message does not start with the file: %s", d.msg);
    CHECK_MSG(has(&d, expect), "want '%s' in: %s", expect, d.msg);
    if (rc == 0)
        hv_signer_free(s);
}

static void expect_refused_pub(const char *path, const char *expect)
{
    hv_pubkey p;
    hv_diag d = {0};
    int rc = hv_pubkey_load(path, &p, &d);
    fprintf(stderr, "#   pubkey %s\n", d.msg);
    CHECK_MSG(rc != 0, "%s loaded", path);
    CHECK_MSG(strncmp(d.msg, path, strlen(path)) == 0 &&
                  d.msg[strlen(path)] == ':',
              "message does not start with the file: %s", d.msg);
    CHECK_MSG(has(&d, expect), "want '%s' in: %s", expect, d.msg);
}

/* A public key PEM with a real 3072-bit modulus and exponent |e|, built
 * directly so that exponents no generator would pick can be tried. */
static int write_rsa_pub(const char *path, const BIGNUM *n, const BIGNUM *e)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e);
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *k = NULL;
    int ok = ctx && EVP_PKEY_fromdata_init(ctx) == 1 &&
             EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params) == 1;
    FILE *f = ok ? fopen(path, "w") : NULL;
    ok = f && PEM_write_PUBKEY(f, k) == 1;
    if (f)
        fclose(f);
    EVP_PKEY_free(k);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    return ok;
}

static void case_keys(void)
{
    static const struct refusal refused[] = {
        {"p521", "unsupported key: EC on curve secp521r1 (P-521) "
                 "(expected P-256 or P-384)"},
        {"ed25519", "unsupported key: ED25519"},
        {"rsa2048", "unsupported key: RSA with 2048-bit modulus (expected "
                    "3072 or 4096)"},
        {"rsa3073", "unsupported key: RSA with 3073-bit modulus"},
        {"rsa-pss", "unsupported key: RSA-PSS"},
        {"dsa", "unsupported key: DSA"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char priv[64], pub[64];
        xfmt(priv, sizeof priv, "%s.pem", refused[i].file);
        xfmt(pub, sizeof pub, "%s.pub.pem", refused[i].file);
        expect_refused_priv(FIXTURE(priv), refused[i].expect);
        expect_refused_pub(FIXTURE(priv), refused[i].expect);
        expect_refused_pub(FIXTURE(pub), refused[i].expect);
    }

    /* Not keys, or keys hvimage will not decrypt. */
    expect_refused_priv(FIXTURE("encrypted-pkcs8.pem"),
                        "unsupported key: encrypted private key (found "
                        "'ENCRYPTED PRIVATE KEY')");
    expect_refused_pub(FIXTURE("encrypted-pkcs8.pem"),
                       "encrypted private key");
    expect_refused_priv(FIXTURE("encrypted-traditional.pem"),
                        "unsupported key: encrypted private key (found 'EC "
                        "PRIVATE KEY')");
    expect_refused_pub(FIXTURE("encrypted-traditional.pem"),
                       "encrypted private key");
    expect_refused_priv(FIXTURE("garbage.pem"),
                        "no PEM private key found (found no PEM block: not "
                        "a PEM file)");
    expect_refused_pub(FIXTURE("garbage.pem"), "not a PEM file");
    expect_refused_priv(FIXTURE("empty.pem"), "empty file");
    expect_refused_pub(FIXTURE("empty.pem"), "empty file");
    expect_refused_priv(FIXTURE("does-not-exist.pem"),
                        "cannot open key file: No such file or directory");
    expect_refused_pub(FIXTURE("does-not-exist.pem"), "cannot open key file");
    expect_refused_priv(fixtures, "is a folder");
    /* A public key is not a private key. */
    expect_refused_priv(FIXTURE("p521.pub.pem"),
                        "no PEM private key found (found 'PUBLIC KEY'");

    /* P-256 with explicit curve parameters: OpenSSL 3.0 recognises the named
     * curve behind them, but hvimage refuses them (issue 11): one key must
     * have one encoding, and so one key id, wherever it is written down. */
    expect_refused_pub(FIXTURE("ec-explicit.pub.pem"),
                       "unsupported key: EC with explicit curve parameters");
    expect_refused_priv(FIXTURE("ec-explicit.pem"),
                        "unsupported key: EC with explicit curve parameters");
    hv_diag d = {0};

    /* RSA exponents the verifier cannot take: even, 1, more than 32 bits. */
    EVP_PKEY *rk = read_private_pem(FIXTURE("rsa3072-traditional.pem"));
    BIGNUM *n = NULL, *e = BN_new();
    CHECK(rk && EVP_PKEY_get_bn_param(rk, OSSL_PKEY_PARAM_RSA_N, &n) == 1);
    static const struct {
        const char *hex, *file, *dec;
    } exps[] = {
        {"010002", "e-even.pub.pem", "RSA public exponent 65538 (expected"},
        {"01", "e-one.pub.pem", "RSA public exponent 1 (expected"},
        {"0100000001", "e-33bit.pub.pem", "RSA public exponent 4294967297"},
    };
    for (size_t i = 0; n && i < sizeof exps / sizeof exps[0]; i++) {
        CHECK(BN_hex2bn(&e, exps[i].hex) > 0);
        CHECK(write_rsa_pub(WORK(exps[i].file), n, e));
        expect_refused_pub(WORK(exps[i].file), exps[i].dec);
    }
    /* e = 3 is fine and lands in the record's last 4 bytes. */
    hv_pubkey e3;
    CHECK(BN_hex2bn(&e, "03") > 0);
    CHECK(n && write_rsa_pub(WORK("e-three.pub.pem"), n, e));
    CHECK_MSG(hv_pubkey_load(WORK("e-three.pub.pem"), &e3, &d) == 0, "%s",
              d.msg);
    CHECK(e3.pub_len == 388 && e3.pub[384] == 0 && e3.pub[385] == 0 &&
          e3.pub[386] == 0 && e3.pub[387] == 3);
    BN_free(n);
    BN_free(e);
    EVP_PKEY_free(rk);

    /* Keygen refuses to overwrite a private key, even a dangling link. */
    static const char marker[] = "precious";
    write_file(WORK("exists.pem"), marker, sizeof marker - 1);
    CHECK(symlink("nowhere", WORK("dangling.pem")) == 0);
    char *before = listing(workdir);
    hv_pubkey rec;
    memset(&d, 0, sizeof d);
    CHECK(hv_keygen(HV_SIG_ECDSA_P256_SHA256, WORK("exists.pem"),
                    WORK("new.pub.pem"), &rec, &d) != 0);
    fprintf(stderr, "#   keygen %s\n", d.msg);
    CHECK(has(&d, WORK("exists.pem")) &&
          has(&d, "refusing to overwrite an existing private key file"));
    size_t len = 0;
    uint8_t *content = read_all(WORK("exists.pem"), &len);
    CHECK(content && len == sizeof marker - 1 &&
          memcmp(content, marker, len) == 0);
    free(content);
    CHECK(hv_keygen(HV_SIG_ECDSA_P256_SHA256, WORK("dangling.pem"),
                    WORK("new.pub.pem"), &rec, &d) != 0);
    CHECK(has(&d, "refusing to overwrite"));

    /* Failures leave the folder as it was: no key, no temporary file. */
    mkdir(WORK("sub"), 0755);
    write_file(WORK("sub/x"), "x", 1);
    free(before);
    before = listing(workdir);
    struct {
        uint32_t alg;
        const char *priv, *pub, *expect;
    } fails[] = {
        /* pub folder missing: fails after the private temp file exists */
        {HV_SIG_ECDSA_P256_SHA256, "k1.pem", "missing/k1.pub.pem",
         "cannot create output"},
        {HV_SIG_ECDSA_P256_SHA256, "missing/k2.pem", "k2.pub.pem",
         "cannot create output"},
        /* pub path is a folder: the private key is already renamed into
         * place when the public rename fails, and must be taken back */
        {HV_SIG_ECDSA_P384_SHA384, "k3.pem", "sub", "cannot rename"},
        {99, "k4.pem", "k4.pub.pem", "unknown signature algorithm 99"},
        {HV_SIG_ECDSA_P256_SHA256, "k5.pem", "k5.pem", "are the same"},
        {HV_SIG_ECDSA_P256_SHA256, "k6.pem", "sub/../k6.pem",
         "are the same file"},
    };
    for (size_t i = 0; i < sizeof fails / sizeof fails[0]; i++) {
        char privp[4096], pubp[4096];
        xfmt(privp, sizeof privp, "%s", WORK(fails[i].priv));
        xfmt(pubp, sizeof pubp, "%s", WORK(fails[i].pub));
        memset(&d, 0, sizeof d);
        CHECK(hv_keygen(fails[i].alg, privp, pubp, &rec, &d) != 0);
        fprintf(stderr, "#   keygen %s\n", d.msg);
        CHECK_MSG(has(&d, fails[i].expect), "want '%s' in: %s",
                  fails[i].expect, d.msg);
        char *after = listing(workdir);
        CHECK_MSG(strcmp(before, after) == 0, "folder changed:\n%s---\n%s",
                  before, after);
        free(after);
    }
    free(before);

    hv_signer_free(NULL);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s roundtrip|import|keys FIXTURE_DIR\n",
                argv[0]);
        return 2;
    }
    fixtures = argv[2];
    /* Mode checks must not depend on the caller's umask. */
    umask(077);
    make_workdir();
    if (strcmp(argv[1], "roundtrip") == 0)
        case_roundtrip();
    else if (strcmp(argv[1], "import") == 0)
        case_import();
    else if (strcmp(argv[1], "keys") == 0)
        case_keys();
    else {
        fprintf(stderr, "unknown case %s\n", argv[1]);
        check_failures++;
    }
    remove_workdir();
    return CHECK_DONE();
}
