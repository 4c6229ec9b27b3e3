/*
 * Wycheproof harness for hv_crypto_bearssl.verify.
 *
 *   test-wycheproof ALG FORMAT NAME < lines
 *
 * ALG is p256, p384, rsa3072 or rsa4096; FORMAT is der, p1363 or pkcs1; NAME
 * is only printed. Each stdin line is "tcId result pubhex msghex sighex" as
 * wycheproof_to_lines.py writes it ("-" for an empty hex field).
 *
 * The message is hashed through the backend's own hash API; DER signatures
 * go through hv_ecdsa_der_to_raw (signing/, the decoder hvimage attach uses)
 * first, and a DER decoding failure counts as
 * a rejection. `valid` must be accepted, `invalid` rejected, `acceptable`
 * may go either way (counted). The test fails on any contradiction, on any
 * malformed line and when no case ran.
 *
 * As a diagnostic, each case is also given to BearSSL's own lenient entry
 * points (vrfy_raw / vrfy_asn1 / pkcs1_vrfy); the cases where the two
 * disagree are listed. hvboot is meant to be strictly stricter, so a case
 * that hvboot accepts and BearSSL alone rejects is a failure too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include "hvboot.h"
#include "signing.h"

#define MAX_LISTED 64

typedef struct alg_info {
    const char *name;
    uint32_t sig_alg;
    int curve;     /* BR_EC_*, or 0 for RSA */
    size_t scalar; /* ECDSA scalar bytes */
} alg_info;

static const alg_info algs[] = {
    {"p256", HV_SIG_ECDSA_P256_SHA256, BR_EC_secp256r1, 32},
    {"p384", HV_SIG_ECDSA_P384_SHA384, BR_EC_secp384r1, 48},
    {"rsa3072", HV_SIG_RSA3072_PKCS1_SHA256, 0, 0},
    {"rsa4096", HV_SIG_RSA4096_PKCS1_SHA256, 0, 0},
};

typedef struct id_list {
    long ids[MAX_LISTED];
    size_t count;
} id_list;

static void list_add(id_list *l, long id)
{
    if (l->count < MAX_LISTED)
        l->ids[l->count] = id;
    l->count++;
}

static void list_print(const char *what, const id_list *l)
{
    size_t i;

    printf("  %s: %zu", what, l->count);
    if (l->count != 0) {
        printf(" (tcId");
        for (i = 0; i < l->count && i < MAX_LISTED; i++)
            printf(" %ld", l->ids[i]);
        if (l->count > MAX_LISTED)
            printf(" ...");
        printf(")");
    }
    printf("\n");
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode |hex| ("-" is empty) into a new buffer; NULL on bad input. */
static uint8_t *unhex(const char *hex, size_t *len)
{
    size_t n, i;
    uint8_t *out;

    if (strcmp(hex, "-") == 0)
        hex = "";
    n = strlen(hex);
    if (n % 2 != 0)
        return NULL;
    out = malloc(n / 2 + 1); /* +1: never malloc(0) */
    if (out == NULL)
        return NULL;
    for (i = 0; i < n / 2; i++) {
        int hi = hexval((unsigned char)hex[2 * i]);
        int lo = hexval((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *len = n / 2;
    return out;
}

/* What BearSSL's own verify entry points say, without hvboot's checks. */
static int bearssl_alone(const alg_info *a, const char *format,
                         uint8_t *pub, size_t pub_len, const uint8_t *digest,
                         size_t digest_len, const uint8_t *sig,
                         size_t sig_len)
{
    if (a->curve != 0) {
        br_ec_public_key pk = {a->curve, pub, pub_len};
        if (strcmp(format, "der") == 0)
            return br_ecdsa_i31_vrfy_asn1(br_ec_get_default(), digest,
                                          digest_len, &pk, sig, sig_len) == 1;
        return br_ecdsa_i31_vrfy_raw(br_ec_get_default(), digest, digest_len,
                                     &pk, sig, sig_len) == 1;
    } else {
        unsigned char out[64];
        br_rsa_public_key pk;
        size_t nlen = hv_sig_size(a->sig_alg);

        if (pub_len != nlen + 4)
            return 0;
        pk.n = pub;
        pk.nlen = nlen;
        pk.e = pub + nlen;
        pk.elen = 4;
        if (br_rsa_i31_pkcs1_vrfy(sig, sig_len, BR_HASH_OID_SHA256,
                                  digest_len, &pk, out) != 1)
            return 0;
        return memcmp(out, digest, digest_len) == 0;
    }
}

int main(int argc, char **argv)
{
    const alg_info *a = NULL;
    const char *format, *name;
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    size_t i;
    unsigned long cases = 0, bad_lines = 0;
    unsigned long valid = 0, valid_ok = 0, invalid = 0, invalid_ok = 0;
    unsigned long acc_yes = 0, acc_no = 0;
    id_list wrong = {{0}, 0}, stricter = {{0}, 0}, laxer = {{0}, 0};
    id_list acc_list = {{0}, 0};
    int failed;

    if (argc != 4) {
        fprintf(stderr, "usage: %s ALG FORMAT NAME < lines\n", argv[0]);
        return 2;
    }
    for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        if (strcmp(argv[1], algs[i].name) == 0)
            a = &algs[i];
    }
    format = argv[2];
    name = argv[3];
    if (a == NULL ||
        (a->curve != 0 && strcmp(format, "der") != 0 &&
         strcmp(format, "p1363") != 0) ||
        (a->curve == 0 && strcmp(format, "pkcs1") != 0)) {
        fprintf(stderr, "unknown algorithm or format: %s %s\n", argv[1],
                format);
        return 2;
    }

    while (getline(&line, &cap, stdin) != -1) {
        char *tok[6];
        char *save = NULL, *p = line;
        size_t ntok = 0, pub_len = 0, msg_len = 0, sig_len = 0;
        uint8_t *pub, *msg, *sig;
        uint8_t digest[HV_DIGEST_MAX_SIZE];
        uint8_t raw[HV_SIG_MAX_SIZE];
        const uint8_t *vsig;
        size_t vsig_len, digest_len;
        hv_hash_ctx hctx;
        uint32_t dalg = hv_sig_digest(a->sig_alg);
        long tc;
        int ok, alone;

        lineno++;
        while (ntok < 6 && (tok[ntok] = strtok_r(p, " \t\r\n", &save)))
            ntok++, p = NULL;
        if (ntok != 5) {
            fprintf(stderr, "line %ld: %zu fields\n", lineno, ntok);
            bad_lines++;
            continue;
        }
        tc = strtol(tok[0], NULL, 10);
        pub = unhex(tok[2], &pub_len);
        msg = unhex(tok[3], &msg_len);
        sig = unhex(tok[4], &sig_len);
        if (pub == NULL || msg == NULL || sig == NULL ||
            (strcmp(tok[1], "valid") != 0 && strcmp(tok[1], "invalid") != 0 &&
             strcmp(tok[1], "acceptable") != 0)) {
            fprintf(stderr, "line %ld (tcId %ld): malformed\n", lineno, tc);
            bad_lines++;
            free(pub);
            free(msg);
            free(sig);
            continue;
        }

        digest_len = hv_digest_size(dalg);
        if (hv_crypto_bearssl.hash_init(&hctx, dalg) != 0) {
            fprintf(stderr, "hash_init failed\n");
            return 1;
        }
        hv_crypto_bearssl.hash_update(&hctx, msg, msg_len);
        hv_crypto_bearssl.hash_final(&hctx, digest);

        vsig = sig;
        vsig_len = sig_len;
        ok = 1;
        if (strcmp(format, "der") == 0) {
            ok = hv_ecdsa_der_to_raw(sig, sig_len, a->scalar, raw) == HV_DER_OK;
            vsig = raw;
            vsig_len = 2 * a->scalar;
        }
        if (ok)
            ok = hv_crypto_bearssl.verify(a->sig_alg, pub, pub_len, digest,
                                          digest_len, vsig, vsig_len);
        alone = bearssl_alone(a, format, pub, pub_len, digest, digest_len,
                              sig, sig_len);
        cases++;

        if (strcmp(tok[1], "valid") == 0) {
            valid++;
            if (ok)
                valid_ok++;
            else
                list_add(&wrong, tc);
        } else if (strcmp(tok[1], "invalid") == 0) {
            invalid++;
            if (!ok)
                invalid_ok++;
            else
                list_add(&wrong, tc);
        } else {
            list_add(&acc_list, tc);
            if (ok)
                acc_yes++;
            else
                acc_no++;
        }
        if (!ok && alone)
            list_add(&stricter, tc);
        if (ok && !alone)
            list_add(&laxer, tc);

        free(pub);
        free(msg);
        free(sig);
    }
    free(line);

    printf("%s (%s, %s): %lu cases\n", name, a->name, format, cases);
    printf("  valid accepted:     %lu / %lu\n", valid_ok, valid);
    printf("  invalid rejected:   %lu / %lu\n", invalid_ok, invalid);
    printf("  acceptable:         %lu accepted, %lu rejected\n", acc_yes,
           acc_no);
    if (acc_list.count != 0)
        list_print("acceptable cases", &acc_list);
    list_print("contradicting the expected result", &wrong);
    list_print("rejected by hvboot, accepted by BearSSL alone", &stricter);
    list_print("accepted by hvboot, rejected by BearSSL alone", &laxer);
    if (bad_lines != 0)
        printf("  malformed input lines: %lu\n", bad_lines);

    failed = cases == 0 || bad_lines != 0 || wrong.count != 0 ||
             laxer.count != 0;
    printf("%s\n", failed ? "FAIL" : "PASS");
    return failed;
}
