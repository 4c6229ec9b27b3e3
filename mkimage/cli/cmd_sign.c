/* sign, tbs and attach: the commands that add signatures to an image. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "builder.h"
#include "cli.h"
#include "encode.h"
#include "exit_codes.h"
#include "image_file.h"
#include "plan.h"

/* Public keys given with --pub (and the signer's own), for checking the
 * slots an image already holds. */
#define MAX_PUBS (HV_MAX_SIGNATURE_SLOTS + 1)

static int report(const char *cmd, const hv_diag *d)
{
    return cli_report(cmd, d);
}

/* The output (or, in place, the image itself) checked before any work: it
 * must not be the key, a --pub key, the profile or the signature. */
static int check_output(const char *cmd, const char *out, const char *image,
                        const char *const *others, size_t n)
{
    const char *inputs[MAX_PUBS + 4];
    size_t k = 0;
    if (out)
        inputs[k++] = image;
    for (size_t i = 0; i < n && k < sizeof inputs / sizeof inputs[0]; i++)
        inputs[k++] = others[i];
    return cli_check_output(cmd, "--output", out ? out : image, inputs, k);
}

/* Open |path| and refuse to go on unless the boot library accepts its
 * content (everything but the signatures). */
static int open_checked(const char *cmd, const char *path, hv_image_file *img,
                        hv_image_info *info)
{
    hv_diag diag;
    if (hv_image_open(img, path, &diag) != 0 ||
        hv_image_check_content(img, info, &diag) != 0)
        return report(cmd, &diag);
    return 0;
}

/* --profile: the image must be for the profile's OEM, and the profile must
 * accept the key (hv_profile_accepts_key, the check build makes). */
static int check_profile(const char *cmd, const char *profile,
                         const hv_image_info *info, const hv_pubkey *k)
{
    hv_profile prof = {0};
    hv_diag diag;
    int rc = 0;
    if (hv_profile_load(profile, &prof, &diag) != 0) {
        rc = report(cmd, &diag);
    } else if (strcmp(prof.oem_id, info->oem_id) != 0) {
        hv_diag_set(&diag, "image is for OEM '%s', the profile for '%s'",
                    info->oem_id, prof.oem_id);
        rc = report(cmd, &diag);
    } else if (hv_profile_accepts_key(&prof, k, &diag) != 0) {
        rc = report(cmd, &diag);
    }
    hv_profile_free(&prof);
    return rc;
}

static int load_pubs(const char *cmd, const char *const *paths, size_t n,
                     hv_pubkey *keys)
{
    hv_diag diag;
    for (size_t i = 0; i < n; i++)
        if (hv_pubkey_load(paths[i], &keys[i], &diag) != 0)
            return report(cmd, &diag);
    return 0;
}

/* Check the slots the image already holds against |keys| before anything
 * is signed: an output with a slot that cannot verify would never boot. */
static int check_slots(const char *cmd, const hv_image_file *img,
                       const hv_pubkey *keys, size_t n, hv_slot_report *rep)
{
    hv_diag diag;
    if (hv_image_check_slots(img, keys, n, rep, &diag) != 0)
        return report(cmd, &diag);
    return 0;
}

/* Put one signature into the image's block and write the result; then say
 * which of the slots that were there could not be checked. */
static int insert_and_write(const char *cmd, hv_image_file *img,
                            const hv_pubkey *k, const uint8_t *sig,
                            size_t sig_len, const char *out,
                            const hv_slot_report *rep)
{
    uint8_t block[HV_MAX_SIG_BLOCK_SIZE];
    char hex[65];
    hv_diag diag;
    hv_key_id_hex(k->key_id, hex);
    memcpy(block, img->block, img->block_len);
    switch (hv_sig_block_insert(block, img->header.signature_slots, k->key_id,
                                sig, sig_len)) {
    case HV_SLOT_DUPLICATE:
        hv_diag_set(&diag, "%s: already signed by key %s", img->path, hex);
        return report(cmd, &diag);
    case HV_SLOT_FULL:
        hv_diag_set(&diag, "%s: all %u signature slots are used", img->path,
                    img->header.signature_slots);
        return report(cmd, &diag);
    case HV_SLOT_OK:
        break;
    }
    /* In place, the file keeps its permission bits; a new file gets 0644
     * like every image the tool writes. */
    struct stat in_st, out_st;
    bool in_place = strcmp(out, img->path) == 0 ||
                    (stat(out, &out_st) == 0 &&
                     fstat(fileno(img->fp), &in_st) == 0 &&
                     out_st.st_dev == in_st.st_dev &&
                     out_st.st_ino == in_st.st_ino);
    mode_t mode = in_place ? img->mode : 0644;
    if (hv_image_write_with_block(img, block, out, mode, &diag) != 0)
        return report(cmd, &diag);
    printf("%s: signed by %s (%s), %u of %u slots used\n", out, hex,
           hv_sig_alg_name(k->sig_alg), img->filled + 1,
           img->header.signature_slots);
    for (uint32_t i = 0; i < img->filled; i++) {
        if (!(rep->unchecked & (1u << i)))
            continue;
        hv_key_id_hex(img->block + (size_t)i * HV_SIG_SLOT_SIZE +
                          HV_SIG_OFF_KEY_ID, hex);
        printf("%s: slot %u of the input (key %s) not checked: no --pub "
               "given for that key\n", out, i, hex);
    }
    return HV_EXIT_OK;
}

static const char sign_help[] =
    "usage: hvimage sign --key KEY.pem [--pub PUB.pem ...]\n"
    "                    [--profile PROFILE] IMAGE [-o OUT]\n\n"
    "Add a signature by KEY.pem to IMAGE (in place, keeping the file's mode,\n"
    "unless -o is given). KEY.pem may also be a PKCS#11 URI (docs/CLI.md).\n"
    "The image's content is checked first with the boot verifier's own code\n"
    "(digests, padding, decompression). Signatures already in the image are\n"
    "checked against KEY.pem and every --pub key: one that does not verify\n"
    "is refused (exit 1); slots of keys not given are named as not checked.\n"
    "With --profile, the key must be one the profile accepts and the image\n"
    "must be for the profile's OEM.\n";

int cmd_sign(int argc, char **argv)
{
    static const struct option opts[] = {
        {"key", required_argument, 0, 'k'},
        {"pub", required_argument, 0, 'P'},
        {"profile", required_argument, 0, 'p'},
        {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *key = NULL, *profile = NULL, *out = NULL;
    const char *pub_paths[MAX_PUBS];
    size_t npub = 0;
    int c, rc;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:p:o:h", opts, NULL)) != -1) {
        int e = 0;
        switch (c) {
        case 'k': e = cli_set_once("sign", "--key", &key, optarg); break;
        case 'P':
            if (npub == MAX_PUBS - 1)
                return cli_usage_error("sign", "more than %u --pub keys",
                                       MAX_PUBS - 1);
            pub_paths[npub++] = optarg;
            break;
        case 'p':
            e = cli_set_once("sign", "--profile", &profile, optarg);
            break;
        case 'o': e = cli_set_once("sign", "--output", &out, optarg); break;
        case 'h': fputs(sign_help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("sign", "bad option");
        }
        if (e != 0)
            return e;
    }
    if (!key)
        return cli_usage_error("sign", "--key is required");
    if (optind != argc - 1)
        return cli_usage_error("sign", "needs exactly one IMAGE");
    const char *path = argv[optind];
    const char *others[MAX_PUBS + 2] = {key, profile};
    for (size_t i = 0; i < npub; i++)
        others[2 + i] = pub_paths[i];
    rc = check_output("sign", out, path, others, 2 + npub);
    if (rc != 0)
        return rc;
    hv_diag diag;
    hv_signer *s = NULL;
    hv_image_file img;
    hv_image_info info;
    hv_pubkey keys[MAX_PUBS];
    hv_slot_report rep;
    if (hv_signer_load(key, &s, &diag) != 0)
        return report("sign", &diag);
    const hv_pubkey *k = hv_signer_pubkey(s);
    keys[npub] = *k;
    rc = load_pubs("sign", pub_paths, npub, keys);
    if (rc == 0)
        rc = open_checked("sign", path, &img, &info);
    if (rc == 0 && profile)
        rc = check_profile("sign", profile, &info, k);
    if (rc == 0)
        rc = check_slots("sign", &img, keys, npub + 1, &rep);
    if (rc == 0) {
        uint8_t sig[HV_SIG_MAX_SIZE];
        size_t sig_len;
        if (hv_signer_sign(s, img.tbs, img.tbs_len, sig, &sig_len, &diag))
            rc = report("sign", &diag);
        else
            rc = insert_and_write("sign", &img, k, sig, sig_len,
                                  out ? out : path, &rep);
    }
    hv_image_close(&img);
    hv_signer_free(s);
    return rc;
}

static const char tbs_help[] =
    "usage: hvimage tbs IMAGE -o TBS.bin|-\n\n"
    "Write the exact bytes a signature covers (fixed header and metadata) for\n"
    "an offline signing station, after checking the image's content with the\n"
    "boot verifier's own code; -o - writes them to standard output. Sign\n"
    "them with, e.g.:\n"
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
        int e = 0;
        switch (c) {
        case 'o': e = cli_set_once("tbs", "--output", &out, optarg); break;
        case 'h': fputs(tbs_help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("tbs", "bad option");
        }
        if (e != 0)
            return e;
    }
    if (!out)
        return cli_usage_error("tbs", "--output is required ('-' for "
                               "standard output)");
    if (optind != argc - 1)
        return cli_usage_error("tbs", "needs exactly one IMAGE");
    const char *image = argv[optind];
    int rc = cli_check_output("tbs", "--output", out, &image, 1);
    if (rc != 0)
        return rc;
    hv_image_file img;
    hv_image_info info;
    hv_atomic_file f;
    hv_diag diag = {0};
    rc = open_checked("tbs", image, &img, &info);
    if (rc == 0 && strcmp(out, "-") == 0) {
        /* A stream: the bytes go straight to the signing tool's pipe. */
        if (fwrite(img.tbs, 1, img.tbs_len, stdout) != img.tbs_len ||
            fflush(stdout) != 0) {
            hv_fail_errno(&diag, errno ? errno : EIO, "standard output",
                          "write failed");
            rc = report("tbs", &diag);
        }
    } else if (rc == 0) {
        if (hv_atomic_open(&f, out, 0644, &diag) != 0) {
            rc = report("tbs", &diag);
        } else if (fwrite(img.tbs, 1, img.tbs_len, f.fp) != img.tbs_len) {
            hv_fail_errno(&diag, errno, out, "write");
            hv_atomic_abort(&f);
            rc = report("tbs", &diag);
        } else if (hv_atomic_commit(&f, &diag) != 0) {
            rc = report("tbs", &diag);
        } else {
            printf("%s: %zu bytes to be signed\n", out, img.tbs_len);
        }
    }
    hv_image_close(&img);
    return rc;
}

static const char attach_help[] =
    "usage: hvimage attach --pub PUB.pem [--pub PUB.pem ...] --signature SIG\n"
    "                      [--profile PROFILE] IMAGE [-o OUT]\n\n"
    "Insert a signature made offline over the bytes from 'hvimage tbs'.\n"
    "ECDSA signatures may be DER (strict) or raw r||s; RSA exactly the\n"
    "modulus length. The signature must verify with one of the --pub keys\n"
    "before the image is touched; signatures already in the image are\n"
    "checked against the --pub keys as by sign. --profile checks the key and\n"
    "the OEM as sign does.\n";

int cmd_attach(int argc, char **argv)
{
    static const struct option opts[] = {
        {"pub", required_argument, 0, 'P'},
        {"signature", required_argument, 0, 's'},
        {"profile", required_argument, 0, 'p'},
        {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *sigpath = NULL, *out = NULL, *profile = NULL;
    const char *pub_paths[MAX_PUBS];
    size_t npub = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:p:o:h", opts, NULL)) != -1) {
        int e = 0;
        switch (c) {
        case 'P':
            if (npub == MAX_PUBS)
                return cli_usage_error("attach", "more than %u --pub keys",
                                       MAX_PUBS);
            pub_paths[npub++] = optarg;
            break;
        case 's':
            e = cli_set_once("attach", "--signature", &sigpath, optarg);
            break;
        case 'p':
            e = cli_set_once("attach", "--profile", &profile, optarg);
            break;
        case 'o': e = cli_set_once("attach", "--output", &out, optarg); break;
        case 'h': fputs(attach_help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("attach", "bad option");
        }
        if (e != 0)
            return e;
    }
    if (npub == 0)
        return cli_usage_error("attach", "--pub is required");
    if (!sigpath)
        return cli_usage_error("attach", "--signature is required");
    if (optind != argc - 1)
        return cli_usage_error("attach", "needs exactly one IMAGE");
    const char *path = argv[optind];
    {
        const char *others[MAX_PUBS + 2] = {sigpath, profile};
        for (size_t i = 0; i < npub; i++)
            others[2 + i] = pub_paths[i];
        int orc = check_output("attach", out, path, others, 2 + npub);
        if (orc != 0)
            return orc;
    }
    hv_pubkey keys[MAX_PUBS];
    hv_diag diag;
    uint8_t raw[1024], sig[HV_SIG_MAX_SIZE];
    size_t raw_len, sig_len = 0;
    int rc = load_pubs("attach", pub_paths, npub, keys);
    if (rc != 0)
        return rc;
    FILE *fp = fopen(sigpath, "rb");
    if (!fp) {
        hv_fail_errno(&diag, errno, sigpath, "cannot open");
        return report("attach", &diag);
    }
    raw_len = fread(raw, 1, sizeof raw, fp);
    bool too_big = fgetc(fp) != EOF;
    fclose(fp);
    if (too_big || raw_len == 0) {
        hv_diag_set(&diag, "%s: %s", sigpath,
                    too_big ? "larger than any signature" : "empty");
        return report("attach", &diag);
    }
    hv_image_file img;
    hv_image_info info;
    hv_slot_report rep;
    const hv_pubkey *signer = NULL;
    rc = open_checked("attach", path, &img, &info);
    if (rc == 0) {
        /* The signer is the first --pub the signature verifies with; the
         * message of the first key's refusal explains a failure. */
        hv_diag first = {.cls = HV_FAIL_NONE};
        for (size_t i = 0; i < npub && !signer; i++)
            if (hv_signature_import(&keys[i], img.tbs, img.tbs_len, raw,
                                    raw_len, sigpath, sig, &sig_len,
                                    i == 0 ? &first : &diag) == 0)
                signer = &keys[i];
        if (!signer)
            rc = report("attach", &first);
    }
    if (rc == 0 && profile)
        rc = check_profile("attach", profile, &info, signer);
    if (rc == 0)
        rc = check_slots("attach", &img, keys, npub, &rep);
    if (rc == 0)
        rc = insert_and_write("attach", &img, signer, sig, sig_len,
                              out ? out : path, &rep);
    hv_image_close(&img);
    return rc;
}
