/*
 * A thin command-line front to signing/dsse.c for test-dsse-openssl.py,
 * which checks envelopes with its own base64, its own PAE and the openssl
 * CLI. Not installed.
 *
 *   dsse-tool sign OUT TYPE PAYLOAD_FILE KEY...  new envelope, signed by each
 *   dsse-tool add OUT IN PUB SIG_FILE            hv_dsse_add_external
 *   dsse-tool verify ENV PUB...                  prints "N v1 v2 ..." (the
 *                                                 count, then 1/0 per key)
 *
 * Exit status 0 on success, 1 with the message on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsse.h"
#include "signing.h"

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = malloc(1 << 20);
    if (!f || !buf) {
        perror(path);
        exit(1);
    }
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static int fail(const hv_diag *d)
{
    fprintf(stderr, "%s\n", d->msg);
    return 1;
}

int main(int argc, char **argv)
{
    hv_diag d = {0};
    hv_dsse_envelope env;
    if (argc >= 5 && strcmp(argv[1], "sign") == 0) {
        size_t len = 0;
        uint8_t *payload = slurp(argv[4], &len);
        int rc = hv_dsse_init(&env, argv[3], payload, len, &d);
        free(payload);
        if (rc != 0)
            return fail(&d);
        for (int i = 5; i < argc && rc == 0; i++) {
            hv_signer *s = NULL;
            rc = hv_signer_load(argv[i], &s, &d);
            if (rc == 0)
                rc = hv_dsse_sign(&env, s, &d);
            hv_signer_free(s);
        }
        if (rc == 0)
            rc = hv_dsse_write_file(argv[2], &env, &d);
        hv_dsse_free(&env);
        return rc == 0 ? 0 : fail(&d);
    }
    if (argc == 6 && strcmp(argv[1], "add") == 0) {
        hv_pubkey pub;
        size_t len = 0;
        if (hv_dsse_read_file(argv[3], HV_DSSE_LIMIT_PROVENANCE, &env, &d))
            return fail(&d);
        uint8_t *sig = slurp(argv[5], &len);
        int rc = hv_pubkey_load(argv[4], &pub, &d);
        if (rc == 0)
            rc = hv_dsse_add_external(&env, &pub, sig, len, argv[5], &d);
        if (rc == 0)
            rc = hv_dsse_write_file(argv[2], &env, &d);
        free(sig);
        hv_dsse_free(&env);
        return rc == 0 ? 0 : fail(&d);
    }
    if (argc >= 4 && strcmp(argv[1], "verify") == 0) {
        size_t n = (size_t)argc - 3, count = 0;
        hv_pubkey *keys = calloc(n, sizeof *keys);
        bool *valid = calloc(n, sizeof *valid);
        int rc = hv_dsse_read_file(argv[2], HV_DSSE_LIMIT_PROVENANCE, &env,
                                   &d);
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = hv_pubkey_load(argv[3 + i], &keys[i], &d);
        if (rc == 0)
            rc = hv_dsse_verify(&env, keys, n, valid, &count, &d);
        if (rc == 0) {
            printf("%zu", count);
            for (size_t i = 0; i < n; i++)
                printf(" %d", valid[i] ? 1 : 0);
            printf("\n");
        }
        free(keys);
        free(valid);
        hv_dsse_free(&env);
        return rc == 0 ? 0 : fail(&d);
    }
    fprintf(stderr, "usage: see the comment at the top of dsse-tool.c\n");
    return 2;
}
