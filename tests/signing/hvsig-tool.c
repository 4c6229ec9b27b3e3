/*
 * A thin command-line front to signing/ for test-openssl-cli.py, which
 * checks its results against the openssl CLI. Not installed.
 *
 *   hvsig-tool pub FILE              hv_pubkey_load
 *   hvsig-tool priv FILE             hv_signer_load
 *   hvsig-tool keygen ALG PRIV PUB   hv_keygen (ALG is the HV_SIG_* number)
 *     each prints "ALG KEY_ID_HEX RECORD_HEX"
 *   hvsig-tool sign PRIV IN OUT      raw signature of IN's bytes to OUT
 *   hvsig-tool import PUB IN SIG OUT hv_signature_import of SIG over IN
 *
 * Exit status 0 on success, 1 with the message on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signing.h"

static void print_record(const hv_pubkey *p)
{
    char hex[65];
    hv_key_id_hex(p->key_id, hex);
    printf("%u %s ", (unsigned)p->sig_alg, hex);
    for (size_t i = 0; i < p->pub_len; i++)
        printf("%02x", p->pub[i]);
    printf("\n");
}

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

static int spill(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    hv_diag d = {0};
    int rc = 1;
    if (argc == 3 && strcmp(argv[1], "pub") == 0) {
        hv_pubkey p;
        if (hv_pubkey_load(argv[2], &p, &d) == 0) {
            print_record(&p);
            rc = 0;
        }
    } else if (argc == 3 && strcmp(argv[1], "priv") == 0) {
        hv_signer *s = NULL;
        if (hv_signer_load(argv[2], &s, &d) == 0) {
            print_record(hv_signer_pubkey(s));
            rc = 0;
        }
        hv_signer_free(s);
    } else if (argc == 5 && strcmp(argv[1], "keygen") == 0) {
        hv_pubkey p;
        if (hv_keygen((uint32_t)strtoul(argv[2], NULL, 10), argv[3], argv[4],
                      &p, &d) == 0) {
            print_record(&p);
            rc = 0;
        }
    } else if (argc == 5 && strcmp(argv[1], "sign") == 0) {
        hv_signer *s = NULL;
        size_t len, sig_len;
        uint8_t sig[HV_SIG_MAX_SIZE];
        uint8_t *in = slurp(argv[3], &len);
        if (hv_signer_load(argv[2], &s, &d) == 0 &&
            hv_signer_sign(s, in, len, sig, &sig_len, &d) == 0)
            rc = spill(argv[4], sig, sig_len);
        hv_signer_free(s);
        free(in);
    } else if (argc == 6 && strcmp(argv[1], "import") == 0) {
        hv_pubkey p;
        size_t len, sig_in_len, sig_len;
        uint8_t sig[HV_SIG_MAX_SIZE];
        uint8_t *in = slurp(argv[3], &len);
        uint8_t *sig_in = slurp(argv[4], &sig_in_len);
        if (hv_pubkey_load(argv[2], &p, &d) == 0 &&
            hv_signature_import(&p, in, len, sig_in, sig_in_len, argv[4], sig,
                                &sig_len, &d) == 0)
            rc = spill(argv[5], sig, sig_len);
        free(in);
        free(sig_in);
    } else {
        fprintf(stderr, "usage: see the comment at the top of hvsig-tool.c\n");
        return 2;
    }
    if (rc != 0 && d.msg[0])
        fprintf(stderr, "%s\n", d.msg);
    return rc;
}
