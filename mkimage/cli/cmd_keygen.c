#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exit_codes.h"
#include "plan.h"

static const char help[] =
    "usage: hvimage keygen [--alg ALG] -o KEY.pem [--pub PUB.pem]\n\n"
    "Generate a signing key: the private key (PKCS#8 PEM, mode 0600) and the\n"
    "public key (default KEY.pem with .pub.pem). Prints the key id, the\n"
    "SHA-256 of the DER public key, which profiles list under keys.key_ids.\n"
    "ALG: ecdsa-p384-sha384 (default), ecdsa-p256-sha256,\n"
    "     rsa3072-pkcs1-sha256, rsa4096-pkcs1-sha256.\n"
    "An existing KEY.pem is never overwritten.\n";

int cmd_keygen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"alg", required_argument, 0, 'a'},
        {"output", required_argument, 0, 'o'},
        {"pub", required_argument, 0, 'P'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *alg_name = "ecdsa-p384-sha384", *out = NULL, *pub = NULL;
    int c;
    optind = 1;
    const char *alg_arg = NULL;
    while ((c = getopt_long(argc, argv, "a:o:h", opts, NULL)) != -1) {
        int e = 0;
        switch (c) {
        case 'a': e = cli_set_once("keygen", "--alg", &alg_arg, optarg); break;
        case 'o': e = cli_set_once("keygen", "--output", &out, optarg); break;
        case 'P': e = cli_set_once("keygen", "--pub", &pub, optarg); break;
        case 'h': fputs(help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("keygen", "bad option");
        }
        if (e != 0)
            return e;
    }
    if (alg_arg)
        alg_name = alg_arg;
    if (optind != argc)
        return cli_usage_error("keygen", "unexpected argument '%s'",
                               argv[optind]);
    if (!out)
        return cli_usage_error("keygen", "--output is required");
    uint32_t alg = hv_sig_alg_from_name(alg_name);
    if (!alg)
        return cli_usage_error("keygen", "unknown algorithm '%s'", alg_name);
    char *pub_default = NULL;
    if (!pub) {
        size_t n = strlen(out);
        const char *stem_end = n > 4 && strcmp(out + n - 4, ".pem") == 0
                                   ? out + n - 4 : out + n;
        pub_default = malloc((size_t)(stem_end - out) + sizeof ".pub.pem");
        if (!pub_default) {
            hv_diag d = {0};
            hv_fail(&d, HV_FAIL_INTERNAL, "out of memory");
            return cli_report("keygen", &d);
        }
        memcpy(pub_default, out, (size_t)(stem_end - out));
        strcpy(pub_default + (stem_end - out), ".pub.pem");
        pub = pub_default;
    }
    hv_pubkey k;
    hv_diag diag = {0};
    /* Both outputs are checked before a key is made: an existing private
     * key is never replaced (hv_keygen refuses an existing KEY.pem too). */
    int rc = cli_check_output("keygen", "--output", out, NULL, 0);
    if (rc == 0)
        rc = cli_check_output("keygen", "--pub", pub, NULL, 0);
    if (rc != 0) {
        /* printed */
    } else if (hv_keygen(alg, out, pub, &k, &diag) != 0) {
        rc = cli_report("keygen", &diag);
    } else {
        char hex[65];
        hv_key_id_hex(k.key_id, hex);
        printf("%s %s %s (public key %s)\n", hex, alg_name, out, pub);
    }
    free(pub_default);
    return rc;
}
