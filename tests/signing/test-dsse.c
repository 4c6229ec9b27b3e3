/*
 * Unit tests for signing/dsse.c (DSSE envelopes).
 *
 *   test-dsse pae|sign|external|parse
 *
 *   pae       the spec's example and length edge cases
 *   sign      round trip with P-256, P-384 and RSA-3072 keys; tampered
 *             payload and type, wrong key, lying keyid, duplicate
 *             signatures, the same key twice, a ninth signature
 *   external  the detached flow: DER and raw signatures made here with
 *             OpenSSL directly; signatures over other bytes refused
 *   parse     canonical form, malformed base64 and JSON, duplicate and
 *             unknown keys, oversized input, atomic write
 *
 * Independent of dsse.c: the PAE and the canonical JSON are spelled out
 * here, and external signatures are made with EVP on the PEM file.
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

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "check.h"
#include "dsse.h"
#include "signing.h"

static char workdir[4096];

static char *work(const char *name)
{
    static char bufs[8][4096 + 512];
    static int next;
    char *b = bufs[next++ % 8];
    if (strlen(workdir) + strlen(name) + 2 > sizeof bufs[0]) {
        fprintf(stderr, "path too long\n");
        exit(1);
    }
    memcpy(b, workdir, strlen(workdir));
    b[strlen(workdir)] = '/';
    memcpy(b + strlen(workdir) + 1, name, strlen(name) + 1);
    return b;
}

static void make_workdir(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(workdir, sizeof workdir, "%s/hv-dsse-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(workdir)) {
        perror("mkdtemp");
        exit(1);
    }
}

static void remove_workdir(void)
{
    DIR *d = opendir(workdir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlink(work(e->d_name));
    }
    if (d)
        closedir(d);
    rmdir(workdir);
}

static size_t count_entries(void)
{
    DIR *d = opendir(workdir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    return n;
}

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = calloc(1, 4u << 20);
    *len = fread(buf, 1, (4u << 20) - 1, f);
    fclose(f);
    return buf;
}

static void write_text(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len) {
        perror(path);
        exit(1);
    }
    fclose(f);
}

/* ---- Keys ---------------------------------------------------------------- */

typedef struct test_key {
    const char *name;
    uint32_t alg;
    hv_signer *signer;
    hv_pubkey pub;
    char priv_path[4096 + 512];
} test_key;

static test_key keys[3] = {
    {"p256", HV_SIG_ECDSA_P256_SHA256, NULL, {{0}, 0, {0}, 0}, ""},
    {"p384", HV_SIG_ECDSA_P384_SHA384, NULL, {{0}, 0, {0}, 0}, ""},
    {"rsa3072", HV_SIG_RSA3072_PKCS1_SHA256, NULL, {{0}, 0, {0}, 0}, ""},
};
static test_key other; /* a P-256 key that signs nothing */

static void make_key(test_key *k)
{
    hv_diag d = {0};
    char pubname[64];
    memcpy(k->priv_path, work(k->name), sizeof k->priv_path);
    snprintf(pubname, sizeof pubname, "%s.pub", k->name);
    if (hv_keygen(k->alg, k->priv_path, work(pubname), &k->pub, &d) != 0 ||
        hv_signer_load(k->priv_path, &k->signer, &d) != 0) {
        fprintf(stderr, "keygen %s: %s\n", k->name, d.msg);
        exit(1);
    }
}

static void make_keys(void)
{
    for (size_t i = 0; i < 3; i++)
        make_key(&keys[i]);
    other.name = "other";
    other.alg = HV_SIG_ECDSA_P256_SHA256;
    make_key(&other);
}

static void free_keys(void)
{
    for (size_t i = 0; i < 3; i++)
        hv_signer_free(keys[i].signer);
    hv_signer_free(other.signer);
}

/* Sign |msg| with the PEM key at |path| using EVP directly: DER for ECDSA,
 * as `openssl dgst -sign` writes. */
static size_t evp_sign(const char *path, const char *md, const uint8_t *msg,
                       size_t len, uint8_t *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *pk = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t n = cap;
    if (!pk || !ctx ||
        EVP_DigestSignInit_ex(ctx, NULL, md, NULL, NULL, pk, NULL) != 1 ||
        EVP_DigestSign(ctx, out, &n, msg, len) != 1)
        n = 0;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pk);
    return n;
}

/* DER ECDSA to raw r||s, here rather than with the library's decoder. */
static int der_to_raw_here(const uint8_t *der, size_t len, size_t scalar,
                           uint8_t *raw)
{
    const unsigned char *p = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
    if (!es)
        return -1;
    const BIGNUM *r, *s;
    ECDSA_SIG_get0(es, &r, &s);
    int ok = BN_bn2binpad(r, raw, (int)scalar) == (int)scalar &&
             BN_bn2binpad(s, raw + scalar, (int)scalar) == (int)scalar;
    ECDSA_SIG_free(es);
    return ok ? 0 : -1;
}

/* ---- pae ------------------------------------------------------------------ */

static void check_pae(const char *type, const char *body, const char *want)
{
    uint8_t *out = NULL;
    size_t len = 0;
    hv_diag d = {0};
    CHECK(hv_dsse_pae(type, (const uint8_t *)body, strlen(body), &out, &len,
                      &d) == 0);
    CHECK_MSG(out && len == strlen(want) && memcmp(out, want, len) == 0,
              "PAE(%s, %s) = '%.*s', want '%s'", type, body, (int)len,
              out ? (const char *)out : "", want);
    free(out);
}

static void case_pae(void)
{
    /* The example in the DSSE protocol document. */
    check_pae("http://example.com/HelloWorld", "hello world",
              "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    check_pae("a", "", "DSSEv1 1 a 0 ");
    /* Two-digit lengths, no leading zeros, no padding. */
    check_pae("application/vnd.in-toto+json", "0123456789",
              "DSSEv1 28 application/vnd.in-toto+json 10 0123456789");
    /* The body is bytes: a NUL and a space inside count. */
    uint8_t *out = NULL;
    size_t len = 0;
    hv_diag d = {0};
    const uint8_t body[] = {'a', 0, ' ', 0xff};
    CHECK(hv_dsse_pae("t", body, sizeof body, &out, &len, &d) == 0);
    CHECK(len == 17 && out && memcmp(out, "DSSEv1 1 t 4 a\0 \xff", 17) == 0);
    free(out);
}

/* ---- sign --------------------------------------------------------------- */

static const char payload_type[] = "application/vnd.in-toto+json";
static const char payload[] = "{\"_type\":\"https://in-toto.io/Statement/v1\"}";

static void init_env(hv_dsse_envelope *env)
{
    hv_diag d = {0};
    if (hv_dsse_init(env, payload_type, (const uint8_t *)payload,
                     strlen(payload), &d) != 0) {
        fprintf(stderr, "init: %s\n", d.msg);
        exit(1);
    }
}

static hv_pubkey all_pubs[4];

static size_t verify_count(const hv_dsse_envelope *env, bool valid[4])
{
    hv_diag d = {0};
    size_t n = 99;
    CHECK(hv_dsse_verify(env, all_pubs, 4, valid, &n, &d) == 0);
    return n;
}

static void case_sign(void)
{
    hv_dsse_envelope env;
    hv_diag d = {0};
    bool valid[4];
    make_keys();
    for (size_t i = 0; i < 3; i++)
        all_pubs[i] = keys[i].pub;
    all_pubs[3] = other.pub;

    init_env(&env);
    CHECK(verify_count(&env, valid) == 0);
    for (size_t i = 0; i < 3; i++)
        CHECK_MSG(hv_dsse_sign(&env, keys[i].signer, &d) == 0, "%s: %s",
                  keys[i].name, d.msg);
    CHECK(env.nsigs == 3);
    /* ECDSA is stored as DER (starts with a SEQUENCE), RSA at modulus
     * length. */
    CHECK(env.sigs[0].sig[0] == 0x30 && env.sigs[0].sig_len <= 72);
    CHECK(env.sigs[1].sig[0] == 0x30 && env.sigs[1].sig_len <= 104);
    CHECK(env.sigs[2].sig_len == 384);
    CHECK(verify_count(&env, valid) == 3);
    CHECK(valid[0] && valid[1] && valid[2] && !valid[3]);

    /* The DER signature verifies over our own PAE with EVP and the PEM
     * public key, so the envelope holds what `openssl dgst -verify`
     * wants (the CLI itself: signing-dsse-openssl). */
    {
        char pae[256];
        int plen = snprintf(pae, sizeof pae, "DSSEv1 %zu %s %zu %s",
                            strlen(payload_type), payload_type,
                            strlen(payload), payload);
        FILE *f = fopen(work("p256.pub"), "r");
        EVP_PKEY *pk = f ? PEM_read_PUBKEY(f, NULL, NULL, NULL) : NULL;
        if (f)
            fclose(f);
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        CHECK(pk && ctx &&
              EVP_DigestVerifyInit_ex(ctx, NULL, "SHA256", NULL, NULL, pk,
                                      NULL) == 1 &&
              EVP_DigestVerify(ctx, env.sigs[0].sig, env.sigs[0].sig_len,
                               (const uint8_t *)pae, (size_t)plen) == 1);
        EVP_MD_CTX_free(ctx);
        EVP_PKEY_free(pk);
    }

    /* The same key twice is refused, and the envelope is unchanged. */
    CHECK(hv_dsse_sign(&env, keys[0].signer, &d) == -1);
    CHECK_MSG(strstr(d.msg, "already signed") != NULL, "%s", d.msg);
    CHECK(d.cls == HV_FAIL_INPUT && env.nsigs == 3);

    /* Tampered payload: nothing verifies. */
    env.payload[0] ^= 1;
    CHECK(verify_count(&env, valid) == 0);
    CHECK(!valid[0] && !valid[1] && !valid[2]);
    env.payload[0] ^= 1;
    CHECK(verify_count(&env, valid) == 3);

    /* Tampered payload type (same length, so only the bytes differ). */
    env.payload_type[0] = 'b';
    CHECK(verify_count(&env, valid) == 0);
    env.payload_type[0] = 'a';

    /* A wrong key only: not counted. */
    {
        size_t n = 99;
        CHECK(hv_dsse_verify(&env, &other.pub, 1, valid, &n, &d) == 0);
        CHECK(n == 0 && !valid[0]);
    }

    /* A keyid that lies: P-256's signature claiming to be by "other" (the
     * same algorithm, so only the keyid decides) counts for neither. */
    {
        hv_dsse_envelope lie = env;
        lie.payload = NULL;
        lie.nsigs = 1;
        memcpy(lie.sigs[0].key_id, other.pub.key_id, HV_KEY_ID_SIZE);
        lie.payload = env.payload;
        CHECK(verify_count(&lie, valid) == 0);
        CHECK(!valid[0] && !valid[3]);
        /* Restoring the keyid makes it count: the check above could fail. */
        memcpy(lie.sigs[0].key_id, keys[0].pub.key_id, HV_KEY_ID_SIZE);
        CHECK(verify_count(&lie, valid) == 1 && valid[0]);
    }

    /* The same signature twice counts once; a key listed twice is counted
     * once, at its first place. */
    {
        hv_dsse_envelope dup = env;
        dup.sigs[1] = dup.sigs[0];
        dup.sigs[2] = dup.sigs[0];
        CHECK(verify_count(&dup, valid) == 1);
        hv_pubkey twice[2] = {keys[0].pub, keys[0].pub};
        bool v2[2];
        size_t n = 99;
        CHECK(hv_dsse_verify(&env, twice, 2, v2, &n, &d) == 0);
        CHECK(n == 1 && v2[0] && !v2[1]);
    }

    /* A ninth signature is refused. */
    {
        hv_dsse_envelope full = env;
        full.nsigs = HV_DSSE_MAX_SIGS;
        for (size_t i = 3; i < HV_DSSE_MAX_SIGS; i++) {
            full.sigs[i] = env.sigs[0];
            full.sigs[i].key_id[0] ^= (uint8_t)(0x10 + i);
        }
        CHECK(hv_dsse_sign(&full, other.signer, &d) == -1);
        CHECK_MSG(strstr(d.msg, "8 signatures") != NULL, "%s", d.msg);
    }

    /* Round trip through the file: same bytes, same verdict. */
    CHECK_MSG(hv_dsse_write_file(work("env.json"), &env, &d) == 0, "%s",
              d.msg);
    hv_dsse_envelope back;
    CHECK_MSG(hv_dsse_read_file(work("env.json"), HV_DSSE_LIMIT_PROVENANCE,
                                &back, &d) == 0,
              "%s", d.msg);
    CHECK(strcmp(back.payload_type, payload_type) == 0);
    CHECK(back.payload_len == strlen(payload) &&
          memcmp(back.payload, payload, back.payload_len) == 0);
    CHECK(back.nsigs == 3);
    CHECK(verify_count(&back, valid) == 3);
    char *again = NULL;
    size_t again_len = 0, file_len = 0;
    char *file = read_text(work("env.json"), &file_len);
    CHECK(hv_dsse_serialize(&back, &again, &again_len, &d) == 0);
    CHECK(file && again && again_len == file_len &&
          memcmp(again, file, file_len) == 0);
    free(again);
    free(file);
    hv_dsse_free(&back);
    hv_dsse_free(&env);

    /* An empty payload signs and verifies too. */
    CHECK(hv_dsse_init(&env, "text/plain", NULL, 0, &d) == 0);
    CHECK(hv_dsse_sign(&env, keys[2].signer, &d) == 0);
    CHECK(verify_count(&env, valid) == 1 && valid[2]);
    hv_dsse_free(&env);

    /* Payload types outside the charset are refused at init. */
    CHECK(hv_dsse_init(&env, "", NULL, 0, &d) == -1);
    CHECK(hv_dsse_init(&env, "a b", NULL, 0, &d) == -1);
    CHECK(hv_dsse_init(&env, "a\"b", NULL, 0, &d) == -1);
    CHECK(strstr(d.msg, "payloadType") != NULL);
    free_keys();
}

/* ---- external ----------------------------------------------------------- */

static void case_external(void)
{
    hv_dsse_envelope env;
    hv_diag d = {0};
    bool valid[4];
    uint8_t *pae = NULL;
    size_t pae_len = 0;
    uint8_t sig[1024], raw[128];
    make_keys();
    for (size_t i = 0; i < 3; i++)
        all_pubs[i] = keys[i].pub;
    all_pubs[3] = other.pub;

    init_env(&env);
    CHECK(hv_dsse_pae(payload_type, env.payload, env.payload_len, &pae,
                      &pae_len, &d) == 0);

    /* P-256 as DER (openssl dgst -sign's output). */
    size_t n = evp_sign(keys[0].priv_path, "SHA256", pae, pae_len, sig,
                        sizeof sig);
    CHECK(n > 0);
    CHECK_MSG(hv_dsse_add_external(&env, &keys[0].pub, sig, n, "p256.sig",
                                   &d) == 0,
              "%s", d.msg);
    /* P-384 as raw r || s. */
    n = evp_sign(keys[1].priv_path, "SHA384", pae, pae_len, sig, sizeof sig);
    CHECK(n > 0 && der_to_raw_here(sig, n, 48, raw) == 0);
    CHECK_MSG(hv_dsse_add_external(&env, &keys[1].pub, raw, 96, "p384.sig",
                                   &d) == 0,
              "%s", d.msg);
    /* Stored as DER whatever came in. */
    CHECK(env.sigs[1].sig[0] == 0x30);
    /* RSA. */
    n = evp_sign(keys[2].priv_path, "SHA256", pae, pae_len, sig, sizeof sig);
    CHECK(n == 384);
    CHECK_MSG(hv_dsse_add_external(&env, &keys[2].pub, sig, n, "rsa.sig",
                                   &d) == 0,
              "%s", d.msg);
    CHECK(verify_count(&env, valid) == 3);

    /* Refusals leave the envelope as it was. */
    hv_dsse_envelope fresh;
    init_env(&fresh);
    /* Over the payload alone instead of the PAE. */
    n = evp_sign(keys[0].priv_path, "SHA256", env.payload, env.payload_len,
                 sig, sizeof sig);
    CHECK(hv_dsse_add_external(&fresh, &keys[0].pub, sig, n, "bare.sig",
                               &d) == -1);
    CHECK_MSG(strstr(d.msg, "bare.sig: signature does not verify") &&
                  strstr(d.msg, "PAE"),
              "%s", d.msg);
    CHECK(d.cls == HV_FAIL_INPUT && fresh.nsigs == 0);
    /* P-384 with SHA-256 (the wrong digest for the key). */
    n = evp_sign(keys[1].priv_path, "SHA256", pae, pae_len, sig, sizeof sig);
    CHECK(hv_dsse_add_external(&fresh, &keys[1].pub, sig, n, "p384.sig",
                               &d) == -1);
    CHECK_MSG(strstr(d.msg, "-sha384") != NULL, "%s", d.msg);
    /* By another key than the one named. */
    n = evp_sign(other.priv_path, "SHA256", pae, pae_len, sig, sizeof sig);
    CHECK(hv_dsse_add_external(&fresh, &keys[0].pub, sig, n, "other.sig",
                               &d) == -1);
    /* Garbage and the wrong length. */
    memset(sig, 0x41, 70);
    CHECK(hv_dsse_add_external(&fresh, &keys[0].pub, sig, 70, "junk.sig",
                               &d) == -1);
    CHECK_MSG(strstr(d.msg, "strict DER or raw r||s of exactly 64") != NULL,
              "%s", d.msg);
    CHECK(hv_dsse_add_external(&fresh, &keys[2].pub, sig, 383, "short.sig",
                               &d) == -1);
    CHECK_MSG(strstr(d.msg, "exactly 384 bytes") != NULL, "%s", d.msg);
    CHECK(fresh.nsigs == 0);
    /* The same key again. */
    n = evp_sign(keys[0].priv_path, "SHA256", pae, pae_len, sig, sizeof sig);
    CHECK(hv_dsse_add_external(&env, &keys[0].pub, sig, n, "again.sig",
                               &d) == -1);
    CHECK(strstr(d.msg, "already signed") != NULL && env.nsigs == 3);

    hv_dsse_free(&fresh);
    hv_dsse_free(&env);
    free(pae);
    free_keys();
}

/* ---- parse -------------------------------------------------------------- */

/* A fixed, valid envelope: payload "hello" (aGVsbG8=), one signature. */
#define KEYID "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define GOOD                                                                  \
    "{\"payload\":\"aGVsbG8=\",\"payloadType\":\"text/plain\","             \
    "\"signatures\":[{\"keyid\":\"" KEYID "\",\"sig\":\"MAYCAQECAQE=\"}]}"

/* Parse |json| and expect failure with |want| in the message. */
static void refuse(const char *json, const char *want)
{
    hv_dsse_envelope env;
    hv_diag d = {0};
    int rc = hv_dsse_parse("in.json", json, strlen(json),
                           HV_DSSE_LIMIT_SMALL, &env, &d);
    CHECK_MSG(rc == -1, "accepted: %s", json);
    CHECK_MSG(rc == -1 && strstr(d.msg, want) != NULL && d.cls ==
                  HV_FAIL_INPUT,
              "'%s' for %s (wanted '%s')", d.msg, json, want);
    CHECK(env.payload == NULL && env.nsigs == 0);
}

static void case_parse(void)
{
    hv_dsse_envelope env;
    hv_diag d = {0};

    /* The good one parses and serializes back to itself. */
    CHECK_MSG(hv_dsse_parse("in.json", GOOD, strlen(GOOD),
                            HV_DSSE_LIMIT_SMALL, &env, &d) == 0,
              "%s", d.msg);
    CHECK(env.payload_len == 5 && memcmp(env.payload, "hello", 5) == 0);
    CHECK(strcmp(env.payload_type, "text/plain") == 0 && env.nsigs == 1);
    CHECK(env.sigs[0].key_id[0] == 0x00 && env.sigs[0].key_id[1] == 0x11 &&
          env.sigs[0].key_id[31] == 0xff);
    CHECK(env.sigs[0].sig_len == 8);
    char *text = NULL;
    size_t len = 0;
    CHECK(hv_dsse_serialize(&env, &text, &len, &d) == 0);
    CHECK_MSG(text && strcmp(text, GOOD) == 0, "%s", text ? text : "");
    free(text);
    hv_dsse_free(&env);

    /* Whitespace and another key order are read (only writing is
     * canonical), and a trailing newline. */
    const char *spaced =
        "{ \"signatures\" : [ ], \"payloadType\":\"t\",\n"
        "  \"payload\" : \"\" }\n";
    CHECK_MSG(hv_dsse_parse("in.json", spaced, strlen(spaced),
                            HV_DSSE_LIMIT_SMALL, &env, &d) == 0,
              "%s", d.msg);
    CHECK(env.payload_len == 0 && env.nsigs == 0);
    hv_dsse_free(&env);

    /* Base64. */
    refuse("{\"payload\":\"aGVsbG8\",\"payloadType\":\"t\",\"signatures\":[]}",
           "payload: base64 length 7 is not a multiple of 4");
    refuse("{\"payload\":\"aGVs-G8=\",\"payloadType\":\"t\",\"signatures\":[]}",
           "payload: URL-safe base64 ('-' at character 4)");
    refuse("{\"payload\":\"aGVs_G8=\",\"payloadType\":\"t\",\"signatures\":[]}",
           "URL-safe base64 ('_'");
    refuse("{\"payload\":\"aG=sbG8=\",\"payloadType\":\"t\",\"signatures\":[]}",
           "character 2 is not standard base64");
    refuse("{\"payload\":\"aGVsbG9=\",\"payloadType\":\"t\",\"signatures\":[]}",
           "non-zero bits before its padding");
    refuse("{\"payload\":\"QR==\",\"payloadType\":\"t\",\"signatures\":[]}",
           "non-zero bits before its padding");
    refuse("{\"payload\":\"aGVs\\nbG8\",\"payloadType\":\"t\",\"signatures\""
           ":[]}",
           "is not standard base64 (byte 0x0a)");
    refuse("{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"keyid"
           "\":\"" KEYID "\",\"sig\":\"!!!!\"}]}",
           "signatures[0].sig: character 0 is not standard base64");
    refuse("{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"keyid"
           "\":\"" KEYID "\",\"sig\":\"\"}]}",
           "signatures[0].sig: 0 signature bytes");

    /* JSON syntax, with byte offsets. */
    refuse("{\"payload\":\"\",\"payloadType\":\"t\"", "byte offset 31: "
           "unexpected end of JSON");
    refuse("{\"payload\":\"\",,\"payloadType\":\"t\",\"signatures\":[]}",
           "byte offset 14: bad JSON");
    refuse("{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[]}x",
           "byte offset 48: data after the JSON object");
    refuse("{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[]} {}",
           "byte offset 49: data after the JSON object");
    refuse("{'payload':''}", "bad JSON");
    /* json-c takes single-quoted keys even in strict mode; a '}' in one
     * threw the duplicate-key walk off balance (fuzz-dsse). */
    refuse("{'a}}}b':\"\",\"payload\":\"\",\"payloadType\":\"t\","
           "\"signatures\":[]}",
           "byte offset 1: single-quoted string (not JSON)");
    refuse("{\"payload\":\"\",'payloadType':\"t\",\"signatures\":[]}",
           "byte offset 14: single-quoted string");
    refuse("", "empty file");
    refuse("[]", "not a JSON object");
    refuse("{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":"
           "[[[[[[[[[]]]]]]]]]}",
           "bad JSON");
    {
        const char nul[] = "{\"payload\":\"\"\0}";
        hv_diag d2 = {0};
        CHECK(hv_dsse_parse("in.json", nul, sizeof nul - 1,
                            HV_DSSE_LIMIT_SMALL, &env, &d2) == -1);
        CHECK_MSG(strstr(d2.msg, "byte offset 13: NUL byte") != NULL, "%s",
                  d2.msg);
    }

    /* Keys: duplicates (json-c would keep the last silently), unknown,
     * missing, escaped, wrong types. */
    refuse("{\"payload\":\"aGVsbG8=\",\"payload\":\"\",\"payloadType\":\"t\","
           "\"signatures\":[]}",
           "byte offset 22: duplicate key \"payload\"");
    refuse("{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"keyid\":"
           "\"" KEYID "\",\"sig\":\"MAYCAQECAQE=\",\"sig\":\"MAYCAQECAQE=\"}]}",
           "duplicate key \"sig\"");
    refuse("{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[],"
           "\"extra\":1}",
           "envelope: unknown key \"extra\"");
    refuse("{\"payload\":\"\",\"signatures\":[]}",
           "envelope: missing \"payloadType\"");
    refuse("{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":{}}",
           "\"signatures\" is not an array");
    refuse("{\"payload\":1,\"payloadType\":\"t\",\"signatures\":[]}",
           "\"payload\" is not a string");
    refuse("{\"payl\\u006fad\":\"\",\"payloadType\":\"t\",\"signatures\":[]}",
           "byte offset 1: object key with an escape sequence");
    refuse("{\"payload\":\"\",\"payloadType\":\"a b\",\"signatures\":[]}",
           "payloadType byte 1 (0x20)");
    refuse("{\"payload\":\"\",\"payloadType\":\"\",\"signatures\":[]}",
           "empty payloadType");
    refuse("{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[1]}",
           "signatures[0] is not an object");
    refuse("{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"sig\":"
           "\"MAYCAQECAQE=\"}]}",
           "signatures[0]: missing \"keyid\"");
    refuse("{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"keyid\":"
           "\"abc\",\"sig\":\"MAYCAQECAQE=\"}]}",
           "keyid must be 64 lower-case hex digits");
    refuse("{\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[{\"keyid\":"
           "\"" "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff"
           "\",\"sig\":\"MAYCAQECAQE=\"}]}",
           "keyid character 20 is not a lower-case hex digit");
    {
        /* Nine signatures. */
        char nine[4096];
        size_t o = (size_t)snprintf(nine, sizeof nine, "{\"payload\":\"\","
                                    "\"payloadType\":\"t\",\"signatures\":[");
        for (int i = 0; i < 9; i++)
            o += (size_t)snprintf(nine + o, sizeof nine - o,
                                  "%s{\"keyid\":\"" KEYID
                                  "\",\"sig\":\"MAYCAQECAQE=\"}",
                                  i ? "," : "");
        snprintf(nine + o, sizeof nine - o, "]}");
        refuse(nine, "9 signatures, more than 8");
    }

    /* Size limits: in memory and from a file, one byte over and at. */
    {
        size_t big = HV_DSSE_LIMIT_SMALL + 1;
        char *buf = malloc(big + 1);
        size_t head = (size_t)snprintf(buf, big, "{\"payload\":\"");
        size_t tail_len = strlen("\",\"payloadType\":\"t\",\"signatures\":[]}");
        /* A payload of base64 'A's that fills |big| exactly. */
        size_t fill = (big - head - tail_len) / 4 * 4;
        memset(buf + head, 'A', fill);
        size_t o = head + fill;
        memcpy(buf + o, "\",\"payloadType\":\"t\",\"signatures\":[]}",
               tail_len);
        o += tail_len;
        while (o < big) { /* trailing spaces make up the rest */
            buf[o++] = ' ';
        }
        buf[o] = '\0';
        CHECK(o == big);
        refuse(buf, "more than the 65536 bytes allowed");
        /* One byte less (drop a trailing space, or a base64 group) is read. */
        size_t ok_len = big - 1;
        hv_diag d2 = {0};
        if (buf[ok_len] == ' ') {
            CHECK_MSG(hv_dsse_parse("in.json", buf, ok_len,
                                    HV_DSSE_LIMIT_SMALL, &env, &d2) == 0,
                      "%s", d2.msg);
            hv_dsse_free(&env);
        }
        write_text(work("big.json"), buf, big);
        CHECK(hv_dsse_read_file(work("big.json"), HV_DSSE_LIMIT_SMALL, &env,
                                &d2) == -1);
        CHECK_MSG(strstr(d2.msg, "big.json: larger than the 65536 bytes") !=
                      NULL,
                  "%s", d2.msg);
        CHECK(hv_dsse_read_file(work("big.json"), HV_DSSE_LIMIT_PROVENANCE,
                                &env, &d2) == 0);
        CHECK(env.payload_len == fill / 4 * 3);
        hv_dsse_free(&env);
        unlink(work("big.json"));
        free(buf);
    }

    /* Files: missing, a folder; bad JSON names the file. */
    CHECK(hv_dsse_read_file(work("missing.json"), HV_DSSE_LIMIT_SMALL, &env,
                            &d) == -1);
    CHECK(d.cls == HV_FAIL_INPUT && strstr(d.msg, "missing.json"));
    CHECK(hv_dsse_read_file(workdir, HV_DSSE_LIMIT_SMALL, &env, &d) == -1);
    CHECK(d.cls == HV_FAIL_INPUT && strstr(d.msg, "is a folder"));
    write_text(work("bad.json"), "{\"payload\":", 11);
    CHECK(hv_dsse_read_file(work("bad.json"), HV_DSSE_LIMIT_SMALL, &env,
                            &d) == -1);
    CHECK_MSG(strstr(d.msg, "bad.json: byte offset 11") != NULL, "%s", d.msg);
    unlink(work("bad.json"));

    /* Writing: into a missing folder fails and leaves nothing. */
    CHECK(hv_dsse_parse("in.json", GOOD, strlen(GOOD), HV_DSSE_LIMIT_SMALL,
                        &env, &d) == 0);
    size_t before = count_entries();
    CHECK(hv_dsse_write_file(work("no/such/env.json"), &env, &d) == -1);
    CHECK(d.cls == HV_FAIL_INPUT && count_entries() == before);
    CHECK(hv_dsse_write_file(work("out.json"), &env, &d) == 0);
    size_t flen = 0;
    char *file = read_text(work("out.json"), &flen);
    CHECK(file && flen == strlen(GOOD) && memcmp(file, GOOD, flen) == 0);
    CHECK(count_entries() == before + 1);
    free(file);
    hv_dsse_free(&env);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s pae|sign|external|parse\n", argv[0]);
        return 2;
    }
    umask(022);
    make_workdir();
    if (strcmp(argv[1], "pae") == 0)
        case_pae();
    else if (strcmp(argv[1], "sign") == 0)
        case_sign();
    else if (strcmp(argv[1], "external") == 0)
        case_external();
    else if (strcmp(argv[1], "parse") == 0)
        case_parse();
    else {
        fprintf(stderr, "unknown case %s\n", argv[1]);
        check_failures++;
    }
    remove_workdir();
    return CHECK_DONE();
}
