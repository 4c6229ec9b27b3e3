/* sign, tbs and attach: the commands that add signatures to an image. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "builder.h"
#include "cli.h"
#include "encode.h"
#include "exit_codes.h"
#include "image_file.h"
#include "plan.h"

/* Open |path| and refuse to go on unless its content matches its metadata. */
static int open_checked(const char *cmd, const char *path, hv_image_file *img,
                        hv_image_info *info)
{
    hv_diag diag;
    int rc = hv_image_open(img, path, &diag);
    if (rc == 0)
        rc = hv_image_check_content(img, info, &diag);
    return rc ? cli_fail(cmd, rc, &diag) : 0;
}

/* Put one signature into the image's block and write the result. */
static int insert_and_write(const char *cmd, hv_image_file *img,
                            const hv_pubkey *k, const uint8_t *sig,
                            size_t sig_len, const char *out)
{
    uint8_t block[HV_MAX_SIG_BLOCK_SIZE];
    char hex[65];
    hv_diag diag;
    hv_key_id_hex(k->key_id, hex);
    memcpy(block, img->block, img->block_len);
    switch (hv_sig_block_insert(block, img->header.signature_slots, k->key_id,
                                sig, sig_len)) {
    case HV_SLOT_DUPLICATE:
        fprintf(stderr, "hvimage %s: %s: already signed by key %s\n", cmd,
                img->path, hex);
        return HV_EXIT_USAGE;
    case HV_SLOT_FULL:
        fprintf(stderr, "hvimage %s: %s: all %u signature slots are used\n",
                cmd, img->path, img->header.signature_slots);
        return HV_EXIT_USAGE;
    case HV_SLOT_OK:
        break;
    }
    int rc = hv_image_write_with_block(img, block, out, &diag);
    if (rc != 0)
        return cli_fail(cmd, rc, &diag);
    printf("%s: signed by %s (%s), %u of %u slots used\n", out, hex,
           hv_sig_alg_name(k->sig_alg), img->filled + 1,
           img->header.signature_slots);
    return HV_EXIT_OK;
}

static const char sign_help[] =
    "usage: hvimage sign --key KEY.pem [--profile PROFILE] IMAGE [-o OUT]\n\n"
    "Add a signature by KEY.pem to IMAGE (in place unless -o is given).\n"
    "KEY.pem may also be a PKCS#11 URI naming a key in an HSM (docs/CLI.md).\n"
    "The image's sections are checked against its metadata first. With\n"
    "--profile, the key must be one the profile accepts and the image must\n"
    "be for the profile's OEM.\n";

int cmd_sign(int argc, char **argv)
{
    static const struct option opts[] = {
        {"key", required_argument, 0, 'k'},
        {"profile", required_argument, 0, 'p'},
        {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *key = NULL, *profile = NULL, *out = NULL;
    int c, rc;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:p:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'k': key = optarg; break;
        case 'p': profile = optarg; break;
        case 'o': out = optarg; break;
        case 'h': fputs(sign_help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("sign", "bad option");
        }
    }
    if (!key || optind != argc - 1)
        return cli_usage_error("sign", "needs --key and one IMAGE");
    const char *path = argv[optind];
    hv_diag diag;
    hv_signer *s = NULL;
    hv_profile prof = {0};
    hv_image_file img;
    hv_image_info info;
    if (hv_signer_load(key, &s, &diag) != 0)
        return cli_fail("sign", HV_EXIT_USAGE, &diag);
    const hv_pubkey *k = hv_signer_pubkey(s);
    rc = open_checked("sign", path, &img, &info);
    if (rc == 0 && profile) {
        if (hv_profile_load(profile, &prof, &diag) != 0) {
            rc = cli_fail("sign", HV_EXIT_USAGE, &diag);
        } else if (strcmp(prof.oem_id, info.oem_id) != 0) {
            fprintf(stderr, "hvimage sign: %s: image is for OEM '%s', the "
                    "profile for '%s'\n", path, info.oem_id, prof.oem_id);
            rc = HV_EXIT_USAGE;
        } else if (hv_profile_accepts_key(&prof, k, &diag) != 0) {
            rc = cli_fail("sign", HV_EXIT_USAGE, &diag);
        }
    }
    if (rc == 0) {
        uint8_t sig[HV_SIG_MAX_SIZE];
        size_t sig_len;
        if (hv_signer_sign(s, img.tbs, img.tbs_len, sig, &sig_len, &diag))
            rc = cli_fail("sign", HV_EXIT_USAGE, &diag);
        else
            rc = insert_and_write("sign", &img, k, sig, sig_len,
                                  out ? out : path);
    }
    hv_image_close(&img);
    hv_profile_free(&prof);
    hv_signer_free(s);
    return rc;
}

static const char tbs_help[] =
    "usage: hvimage tbs IMAGE -o TBS.bin\n\n"
    "Write the exact bytes a signature covers (fixed header and metadata) for\n"
    "an offline signing station, after checking the image's sections against\n"
    "its metadata. Sign them with, e.g.:\n"
    "  openssl dgst -sha384 -sign key.pem -out sig.der TBS.bin   (P-384)\n"
    "  openssl dgst -sha256 -sign key.pem -out sig.der TBS.bin   (P-256, RSA)\n"
    "then: hvimage attach --pub key.pub.pem --signature sig.der IMAGE\n";

int cmd_tbs(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'h': fputs(tbs_help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("tbs", "bad option");
        }
    }
    if (!out || optind != argc - 1)
        return cli_usage_error("tbs", "needs one IMAGE and -o");
    hv_image_file img;
    hv_image_info info;
    hv_atomic_file f;
    hv_diag diag;
    int rc = open_checked("tbs", argv[optind], &img, &info);
    if (rc == 0) {
        if (hv_atomic_open(&f, out, 0644, &diag) != 0 ||
            fwrite(img.tbs, 1, img.tbs_len, f.fp) != img.tbs_len ||
            hv_atomic_commit(&f, &diag) != 0) {
            hv_atomic_abort(&f);
            rc = cli_fail("tbs", HV_EXIT_INTERNAL, &diag);
        } else {
            printf("%s: %zu bytes to be signed\n", out, img.tbs_len);
        }
    }
    hv_image_close(&img);
    return rc;
}

static const char attach_help[] =
    "usage: hvimage attach --pub PUB.pem --signature SIG IMAGE [-o OUT]\n\n"
    "Insert a signature made offline over the bytes from 'hvimage tbs'.\n"
    "ECDSA signatures may be DER (strict) or raw r||s; RSA exactly the\n"
    "modulus length. The signature is checked against PUB.pem before the\n"
    "image is touched.\n";

int cmd_attach(int argc, char **argv)
{
    static const struct option opts[] = {
        {"pub", required_argument, 0, 'P'},
        {"signature", required_argument, 0, 's'},
        {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *pub = NULL, *sigpath = NULL, *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'P': pub = optarg; break;
        case 's': sigpath = optarg; break;
        case 'o': out = optarg; break;
        case 'h': fputs(attach_help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("attach", "bad option");
        }
    }
    if (!pub || !sigpath || optind != argc - 1)
        return cli_usage_error("attach", "needs --pub, --signature and one "
                                         "IMAGE");
    const char *path = argv[optind];
    hv_pubkey k;
    hv_diag diag;
    uint8_t raw[1024], sig[HV_SIG_MAX_SIZE];
    size_t raw_len, sig_len;
    if (hv_pubkey_load(pub, &k, &diag) != 0)
        return cli_fail("attach", HV_EXIT_USAGE, &diag);
    FILE *fp = fopen(sigpath, "rb");
    if (!fp) {
        fprintf(stderr, "hvimage attach: %s: cannot open\n", sigpath);
        return HV_EXIT_USAGE;
    }
    raw_len = fread(raw, 1, sizeof raw, fp);
    bool too_big = fgetc(fp) != EOF;
    fclose(fp);
    if (too_big || raw_len == 0) {
        fprintf(stderr, "hvimage attach: %s: %s\n", sigpath,
                too_big ? "larger than any signature" : "empty");
        return HV_EXIT_USAGE;
    }
    hv_image_file img;
    hv_image_info info;
    int rc = open_checked("attach", path, &img, &info);
    if (rc == 0) {
        if (hv_signature_import(&k, img.tbs, img.tbs_len, raw, raw_len,
                                sigpath, sig, &sig_len, &diag) != 0)
            rc = cli_fail("attach", HV_EXIT_USAGE, &diag);
        else
            rc = insert_and_write("attach", &img, &k, sig, sig_len,
                                  out ? out : path);
    }
    hv_image_close(&img);
    return rc;
}
