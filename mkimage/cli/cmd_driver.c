/*
 * driver: vendor signatures on driver packages (docs/SUPPLY-CHAIN.md).
 * sign and countersign with a key file or PKCS#11 URI; tbs and attach for
 * an offline signing station; check a package against a profile's
 * acceptance level.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "acceptance.h"
#include "atomic_file.h"
#include "cli.h"
#include "dsse.h"
#include "exit_codes.h"
#include "host_limits.h"
#include "package_digest.h"
#include "package_sig.h"
#include "plan.h"

#define MAX_VENDOR_PUBS 16
/* A detached signature is at most an RSA-4096 signature (DER of P-384 is
 * far smaller): more is not a signature. */
#define MAX_DETACHED_SIG 1024

static const char driver_help[] =
    "usage: hvimage driver sign --key KEY --vendor V --version VER\n"
    "                           [--license EXPR] PKG [-o PKG.sig]\n"
    "       hvimage driver countersign --key KEY --vendor-pub PUB [...]\n"
    "                           --package PKG PKG.sig [-o OUT]\n"
    "       hvimage driver tbs (--vendor V --version VER [--license EXPR] PKG\n"
    "                           | --envelope PKG.sig) -o PAE.bin|-\n"
    "       hvimage driver attach --pub PUB --signature SIG\n"
    "                           (--vendor V --version VER [--license EXPR] PKG\n"
    "                           | --envelope PKG.sig --vendor-pub PUB) [-o OUT]\n"
    "       hvimage driver check --profile PROFILE --vendor V --version VER\n"
    "                           [--signature SIG] PKG\n\n"
    "Sign a driver package (a file or a folder) as its vendor: the signature\n"
    "is a DSSE envelope, PKG.sig by default, holding an in-toto statement\n"
    "with the package's SHA-256, vendor, version and licence. countersign\n"
    "adds the OEM's signature after checking the vendor's with --vendor-pub\n"
    "(a certified package). tbs writes the bytes a signature covers (the\n"
    "DSSE PAE) for an offline station; attach inserts the signature made\n"
    "there, after checking it with --pub. check says which acceptance level\n"
    "the package has under PROFILE and whether the profile admits it\n"
    "(exit 1 when refused). KEY may be a PEM file or a PKCS#11 URI.\n";

static int report(const char *cmd, const hv_diag *d)
{
    return cli_report(cmd, d);
}

/* Options every subcommand may take; each uses its own subset. */
typedef struct driver_opts {
    const char *key, *vendor, *version, *license, *out, *package;
    const char *envelope, *signature, *pub, *profile;
    const char *vendor_pubs[MAX_VENDOR_PUBS];
    size_t nvendor_pubs;
    const char *pkg; /* the positional argument */
} driver_opts;

enum {
    O_KEY = 'k', O_OUT = 'o', O_HELP = 'h', O_VENDOR = 256, O_VERSION,
    O_LICENSE, O_PACKAGE, O_ENVELOPE, O_SIGNATURE, O_PUB, O_PROFILE,
    O_VENDOR_PUB,
};

/* Parse |argv| (argv[0] the subcommand) allowing the options in |allowed|
 * (a string of O_* values terminated by 0). Returns 0, an exit code, or -1
 * after printing help. */
static int parse(const char *cmd, int argc, char **argv, const int *allowed,
                 driver_opts *o)
{
    static const struct option opts[] = {
        {"key", required_argument, 0, O_KEY},
        {"output", required_argument, 0, O_OUT},
        {"vendor", required_argument, 0, O_VENDOR},
        {"version", required_argument, 0, O_VERSION},
        {"license", required_argument, 0, O_LICENSE},
        {"package", required_argument, 0, O_PACKAGE},
        {"envelope", required_argument, 0, O_ENVELOPE},
        {"signature", required_argument, 0, O_SIGNATURE},
        {"pub", required_argument, 0, O_PUB},
        {"profile", required_argument, 0, O_PROFILE},
        {"vendor-pub", required_argument, 0, O_VENDOR_PUB},
        {"help", no_argument, 0, O_HELP},
        {0, 0, 0, 0},
    };
    int c;

    memset(o, 0, sizeof *o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:o:h", opts, NULL)) != -1) {
        bool ok = c == O_HELP;
        int e = 0;
        for (const int *a = allowed; !ok && *a; a++)
            ok = *a == c;
        if (!ok || c == '?')
            return cli_usage_error(cmd, "bad option");
        switch (c) {
        case O_KEY: e = cli_set_once(cmd, "--key", &o->key, optarg); break;
        case O_OUT: e = cli_set_once(cmd, "--output", &o->out, optarg); break;
        case O_VENDOR:
            e = cli_set_once(cmd, "--vendor", &o->vendor, optarg);
            break;
        case O_VERSION:
            e = cli_set_once(cmd, "--version", &o->version, optarg);
            break;
        case O_LICENSE:
            e = cli_set_once(cmd, "--license", &o->license, optarg);
            break;
        case O_PACKAGE:
            e = cli_set_once(cmd, "--package", &o->package, optarg);
            break;
        case O_ENVELOPE:
            e = cli_set_once(cmd, "--envelope", &o->envelope, optarg);
            break;
        case O_SIGNATURE:
            e = cli_set_once(cmd, "--signature", &o->signature, optarg);
            break;
        case O_PUB: e = cli_set_once(cmd, "--pub", &o->pub, optarg); break;
        case O_PROFILE:
            e = cli_set_once(cmd, "--profile", &o->profile, optarg);
            break;
        case O_VENDOR_PUB:
            if (o->nvendor_pubs == MAX_VENDOR_PUBS)
                return cli_usage_error(cmd, "more than %u --vendor-pub keys",
                                       MAX_VENDOR_PUBS);
            o->vendor_pubs[o->nvendor_pubs++] = optarg;
            break;
        case O_HELP: fputs(driver_help, stdout); return -1;
        }
        if (e != 0)
            return e;
    }
    return 0;
}

/* --vendor, --version and --license, checked as the manifest checks them. */
static int check_identity(const char *cmd, const driver_opts *o)
{
    if (!o->vendor || !o->version)
        return cli_usage_error(cmd, "--vendor and --version are required");
    if (!hv_text_string(o->vendor, HV_SECTION_NAME_SIZE))
        return cli_usage_error(cmd, "--vendor must be 1 to %u of A-Z a-z 0-9 "
                               ". _ + -", (unsigned)HV_SECTION_NAME_SIZE);
    if (!hv_text_string(o->version, HV_VERSION_SIZE))
        return cli_usage_error(cmd, "--version must be 1 to %u of A-Z a-z 0-9 "
                               ". _ + -", (unsigned)HV_VERSION_SIZE);
    if (o->license && !hv_license_ok(o->license))
        return cli_usage_error(cmd, "--license must be an SPDX expression of "
                               "at most %u characters (A-Z a-z 0-9 . - + : ( ) "
                               "and single spaces)", HV_LICENSE_MAX);
    return 0;
}

/* The statement for the package at |path| as its vendor declares it. */
static int make_statement(const char *path, const char *vendor,
                          const char *version, const char *license,
                          hv_package_statement *st, hv_diag *diag)
{
    hv_driver_pkg pkg;

    memset(st, 0, sizeof *st);
    memset(&pkg, 0, sizeof pkg);
    snprintf(pkg.vendor, sizeof pkg.vendor, "%s", vendor);
    snprintf(pkg.version, sizeof pkg.version, "%s", version);
    pkg.path = (char *)path;
    snprintf(st->vendor, sizeof st->vendor, "%s", vendor);
    snprintf(st->version, sizeof st->version, "%s", version);
    if (license)
        snprintf(st->license, sizeof st->license, "%s", license);
    if (hv_package_subject_name(path, st->name, diag) != 0)
        return -1;
    return hv_package_digest(&pkg, st->sha256, diag);
}

static int new_envelope(const hv_package_statement *st, hv_dsse_envelope *env,
                        hv_diag *diag)
{
    char *json;
    size_t len;
    int rc;

    if (hv_package_statement_encode(st, &json, &len, diag) != 0)
        return -1;
    rc = hv_dsse_init(env, HV_PACKAGE_PAYLOAD_TYPE, (const uint8_t *)json, len,
                      diag);
    free(json);
    return rc;
}

/* An existing envelope, with its statement checked against the package's
 * bytes when |pkg| is given. */
static int read_envelope(const char *path, const char *pkg,
                         hv_dsse_envelope *env, hv_package_statement *st,
                         hv_diag *diag)
{
    hv_package_statement now;

    if (hv_dsse_read_file(path, HV_MAX_PACKAGE_SIG_SIZE, env, diag) != 0)
        return -1;
    if (strcmp(env->payload_type, HV_PACKAGE_PAYLOAD_TYPE) != 0) {
        char shown[300];
        hv_fail(diag, HV_FAIL_REJECTED, "%s: payloadType is '%s', expected "
                "'%s'", path,
                hv_printable(env->payload_type, shown, sizeof shown),
                HV_PACKAGE_PAYLOAD_TYPE);
        goto fail;
    }
    if (hv_package_statement_decode(path, env->payload, env->payload_len, st,
                                    diag) != 0) {
        diag->cls = HV_FAIL_REJECTED;
        goto fail;
    }
    if (!pkg)
        return 0;
    if (make_statement(pkg, st->vendor, st->version, NULL, &now, diag) != 0)
        goto fail;
    if (memcmp(now.sha256, st->sha256, sizeof now.sha256) != 0) {
        hv_fail(diag, HV_FAIL_REJECTED, "%s: the statement is not about %s "
                "(other sha256): the signature is over other bytes", path,
                pkg);
        goto fail;
    }
    return 0;
fail:
    hv_dsse_free(env);
    return -1;
}

static void print_signed(const char *out, const hv_package_statement *st,
                         const hv_pubkey *k, const char *what)
{
    char hex[65], dig[2 * HV_PACKAGE_DIGEST_SIZE + 1];
    hv_key_id_hex(k->key_id, hex);
    for (size_t i = 0; i < HV_PACKAGE_DIGEST_SIZE; i++)
        snprintf(dig + 2 * i, 3, "%02x", st->sha256[i]);
    printf("%s: %s %s (sha256 %s) %s by %s\n", out, st->vendor, st->version,
           dig, what, hex);
}

static int driver_sign(int argc, char **argv)
{
    static const int allowed[] = {O_KEY, O_VENDOR, O_VERSION, O_LICENSE,
                                  O_OUT, 0};
    const char *cmd = "driver sign";
    hv_package_statement st;
    hv_dsse_envelope env = {0};
    hv_signer *signer = NULL;
    driver_opts o;
    char *def = NULL;
    hv_diag diag;
    int rc = parse(cmd, argc, argv, allowed, &o);

    if (rc != 0)
        return rc < 0 ? HV_EXIT_OK : rc;
    if (!o.key)
        return cli_usage_error(cmd, "--key is required");
    if (optind != argc - 1)
        return cli_usage_error(cmd, "needs exactly one PKG");
    if ((rc = check_identity(cmd, &o)) != 0)
        return rc;
    o.pkg = argv[optind];
    if (!o.out && !(o.out = def = hv_package_default_sig_path(o.pkg))) {
        hv_fail(&diag, HV_FAIL_INTERNAL, "out of memory");
        return report(cmd, &diag);
    }
    const char *inputs[] = {o.pkg, o.key};
    rc = cli_check_output(cmd, "--output", o.out, inputs, 2);
    if (rc == 0 && (hv_signer_load(o.key, &signer, &diag) != 0 ||
                    make_statement(o.pkg, o.vendor, o.version, o.license, &st,
                                   &diag) != 0 ||
                    new_envelope(&st, &env, &diag) != 0 ||
                    hv_dsse_sign(&env, signer, &diag) != 0 ||
                    hv_dsse_write_file(o.out, &env, &diag) != 0))
        rc = report(cmd, &diag);
    if (rc == 0)
        print_signed(o.out, &st, hv_signer_pubkey(signer), "signed");
    hv_dsse_free(&env);
    hv_signer_free(signer);
    free(def);
    return rc;
}

/* The vendor's signature (the envelope's first) verifies with one of the
 * --vendor-pub keys. */
static int check_vendor_sig(const char *path, const hv_dsse_envelope *env,
                            const hv_pubkey *pubs, size_t n, hv_diag *diag)
{
    bool valid[MAX_VENDOR_PUBS] = {false};
    size_t n_valid = 0;
    char hex[65];

    if (env->nsigs == 0)
        return hv_fail(diag, HV_FAIL_REJECTED,
                       "%s: the envelope holds no vendor signature", path);
    if (hv_dsse_verify(env, pubs, n, valid, &n_valid, diag) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (valid[i] && memcmp(pubs[i].key_id, env->sigs[0].key_id,
                               HV_KEY_ID_SIZE) == 0)
            return 0;
    hv_key_id_hex(env->sigs[0].key_id, hex);
    return hv_fail(diag, HV_FAIL_REJECTED,
                   "%s: the vendor signature (key %s) does not verify with "
                   "any --vendor-pub key",
                   path, hex);
}

static int driver_countersign(int argc, char **argv)
{
    static const int allowed[] = {O_KEY, O_VENDOR_PUB, O_PACKAGE, O_OUT, 0};
    const char *cmd = "driver countersign";
    hv_pubkey pubs[MAX_VENDOR_PUBS];
    hv_package_statement st;
    hv_dsse_envelope env = {0};
    hv_signer *signer = NULL;
    driver_opts o;
    hv_diag diag;
    int rc = parse(cmd, argc, argv, allowed, &o);

    if (rc != 0)
        return rc < 0 ? HV_EXIT_OK : rc;
    if (!o.key || !o.package || o.nvendor_pubs == 0)
        return cli_usage_error(cmd, "--key, --package and --vendor-pub are "
                               "required");
    if (optind != argc - 1)
        return cli_usage_error(cmd, "needs exactly one PKG.sig");
    const char *sig = argv[optind];
    const char *inputs[MAX_VENDOR_PUBS + 3] = {o.package, o.key};
    size_t ninputs = 2;
    for (size_t i = 0; i < o.nvendor_pubs; i++)
        inputs[ninputs++] = o.vendor_pubs[i];
    if (o.out) /* else in place: the envelope is the output */
        inputs[ninputs++] = sig;
    rc = cli_check_output(cmd, "--output", o.out ? o.out : sig, inputs,
                          ninputs);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < o.nvendor_pubs; i++)
        if (hv_pubkey_load(o.vendor_pubs[i], &pubs[i], &diag) != 0)
            return report(cmd, &diag);
    if (hv_signer_load(o.key, &signer, &diag) != 0)
        return report(cmd, &diag);
    if (read_envelope(sig, o.package, &env, &st, &diag) != 0 ||
        check_vendor_sig(sig, &env, pubs, o.nvendor_pubs, &diag) != 0 ||
        hv_dsse_sign(&env, signer, &diag) != 0 ||
        hv_dsse_write_file(o.out ? o.out : sig, &env, &diag) != 0)
        rc = report(cmd, &diag);
    else
        print_signed(o.out ? o.out : sig, &st, hv_signer_pubkey(signer),
                     "countersigned");
    hv_dsse_free(&env);
    hv_signer_free(signer);
    return rc;
}

/* tbs and attach: a new envelope from --vendor/--version/PKG, or an
 * existing one (--envelope) for an offline countersignature. */
static int tbs_envelope(const char *cmd, int argc, char **argv,
                        driver_opts *o, hv_dsse_envelope *env,
                        hv_package_statement *st, hv_diag *diag)
{
    int rc;

    if (o->envelope) {
        if (o->vendor || o->version || o->license || optind != argc)
            return cli_usage_error(cmd, "--envelope takes no --vendor, "
                                   "--version, --license or PKG");
        if (read_envelope(o->envelope, NULL, env, st, diag) != 0)
            return report(cmd, diag);
        return 0;
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, "needs exactly one PKG (or --envelope)");
    if ((rc = check_identity(cmd, o)) != 0)
        return rc;
    o->pkg = argv[optind];
    if (make_statement(o->pkg, o->vendor, o->version, o->license, st, diag) !=
            0 ||
        new_envelope(st, env, diag) != 0)
        return report(cmd, diag);
    return 0;
}

static int driver_tbs(int argc, char **argv)
{
    static const int allowed[] = {O_VENDOR, O_VERSION, O_LICENSE, O_ENVELOPE,
                                  O_OUT, 0};
    const char *cmd = "driver tbs";
    hv_package_statement st;
    hv_dsse_envelope env = {0};
    hv_atomic_file f;
    driver_opts o;
    uint8_t *pae = NULL;
    size_t pae_len = 0;
    hv_diag diag = {0};
    int rc = parse(cmd, argc, argv, allowed, &o);

    if (rc != 0)
        return rc < 0 ? HV_EXIT_OK : rc;
    if (!o.out)
        return cli_usage_error(cmd, "--output is required ('-' for standard "
                               "output)");
    const char *inputs[] = {o.envelope, optind < argc ? argv[optind] : NULL};
    rc = cli_check_output(cmd, "--output", o.out, inputs, 2);
    if (rc == 0)
        rc = tbs_envelope(cmd, argc, argv, &o, &env, &st, &diag);
    if (rc == 0 && hv_dsse_pae(env.payload_type, env.payload, env.payload_len,
                               &pae, &pae_len, &diag) != 0)
        rc = report(cmd, &diag);
    if (rc == 0 && strcmp(o.out, "-") == 0) {
        if (fwrite(pae, 1, pae_len, stdout) != pae_len || fflush(stdout)) {
            hv_fail_errno(&diag, errno ? errno : EIO, "standard output",
                          "write failed");
            rc = report(cmd, &diag);
        }
    } else if (rc == 0) {
        if (hv_atomic_open(&f, o.out, 0644, &diag) != 0) {
            rc = report(cmd, &diag);
        } else if (fwrite(pae, 1, pae_len, f.fp) != pae_len) {
            hv_fail_errno(&diag, errno ? errno : EIO, o.out, "write");
            hv_atomic_abort(&f);
            rc = report(cmd, &diag);
        } else if (hv_atomic_commit(&f, &diag) != 0) {
            rc = report(cmd, &diag);
        } else {
            printf("%s: %zu bytes to be signed (DSSE PAE)\n", o.out, pae_len);
        }
    }
    free(pae);
    hv_dsse_free(&env);
    return rc;
}

/* A detached signature file: at most MAX_DETACHED_SIG bytes. */
static int read_detached(const char *path, uint8_t *buf, size_t *len,
                         hv_diag *diag)
{
    FILE *fp = fopen(path, "rb");
    bool too_big;

    if (!fp)
        return hv_fail_errno(diag, errno, path, "cannot open");
    *len = fread(buf, 1, MAX_DETACHED_SIG, fp);
    too_big = fgetc(fp) != EOF;
    fclose(fp);
    if (too_big || *len == 0)
        return hv_diag_set(diag, "%s: %s", path,
                           too_big ? "larger than any signature" : "empty");
    return 0;
}

static int driver_attach(int argc, char **argv)
{
    static const int allowed[] = {O_VENDOR,  O_VERSION, O_LICENSE,
                                  O_ENVELOPE, O_PUB,   O_SIGNATURE,
                                  O_OUT,     O_VENDOR_PUB, 0};
    const char *cmd = "driver attach";
    hv_pubkey vpubs[MAX_VENDOR_PUBS];
    hv_package_statement st;
    hv_dsse_envelope env = {0};
    uint8_t raw[MAX_DETACHED_SIG];
    size_t raw_len = 0;
    hv_pubkey pub;
    driver_opts o;
    char *def = NULL;
    hv_diag diag = {0};
    int rc = parse(cmd, argc, argv, allowed, &o);

    if (rc != 0)
        return rc < 0 ? HV_EXIT_OK : rc;
    if (!o.pub || !o.signature)
        return cli_usage_error(cmd, "--pub and --signature are required");
    /* An offline countersignature, like countersign, vouches only for a
     * vendor signature it has checked. */
    if (o.envelope && o.nvendor_pubs == 0)
        return cli_usage_error(cmd, "--envelope needs --vendor-pub (the "
                               "vendor's key, checked before the "
                               "countersignature is added)");
    if (!o.envelope && o.nvendor_pubs > 0)
        return cli_usage_error(cmd, "--vendor-pub goes with --envelope");
    const char *pkg = o.envelope ? NULL : optind < argc ? argv[optind] : NULL;
    if (!o.out && o.envelope)
        o.out = o.envelope; /* a countersignature goes in place */
    if (!o.out && pkg && !(o.out = def = hv_package_default_sig_path(pkg))) {
        hv_fail(&diag, HV_FAIL_INTERNAL, "out of memory");
        return report(cmd, &diag);
    }
    if (!o.out)
        return cli_usage_error(cmd, "needs exactly one PKG (or --envelope)");
    const char *inputs[MAX_VENDOR_PUBS + 4] = {
        pkg, o.pub, o.signature, o.out == o.envelope ? NULL : o.envelope};
    for (size_t i = 0; i < o.nvendor_pubs; i++)
        inputs[4 + i] = o.vendor_pubs[i];
    rc = cli_check_output(cmd, "--output", o.out, inputs,
                          4 + o.nvendor_pubs);
    if (rc == 0)
        rc = tbs_envelope(cmd, argc, argv, &o, &env, &st, &diag);
    for (size_t i = 0; rc == 0 && i < o.nvendor_pubs; i++)
        if (hv_pubkey_load(o.vendor_pubs[i], &vpubs[i], &diag) != 0)
            rc = report(cmd, &diag);
    if (rc == 0 && o.envelope &&
        check_vendor_sig(o.envelope, &env, vpubs, o.nvendor_pubs, &diag) != 0)
        rc = report(cmd, &diag);
    if (rc == 0 &&
        (hv_pubkey_load(o.pub, &pub, &diag) != 0 ||
         read_detached(o.signature, raw, &raw_len, &diag) != 0 ||
         hv_dsse_add_external(&env, &pub, raw, raw_len, o.signature,
                              &diag) != 0 ||
         hv_dsse_write_file(o.out, &env, &diag) != 0))
        rc = report(cmd, &diag);
    if (rc == 0)
        print_signed(o.out, &st, &pub, "signature attached,");
    hv_dsse_free(&env);
    free(def);
    return rc;
}

static void print_trust(const char *pkg, const hv_package_trust *t)
{
    char hex[65];

    printf("%s: %s %s: %s\n", pkg, t->vendor, t->version,
           hv_acceptance_name(t->level));
    printf("  sha256          ");
    for (size_t i = 0; i < HV_PACKAGE_DIGEST_SIZE; i++)
        printf("%02x", t->sha256[i]);
    printf("\n  signature       %s\n",
           t->signature_path[0] ? t->signature_path : "none");
    if (t->has_signer) {
        hv_key_id_hex(t->signer_key_id, hex);
        printf("  signer          %s\n", hex);
    } else if (t->signature_path[0]) {
        printf("  signer          not listed in the profile (not counted)\n");
    }
    if (t->has_countersigner) {
        hv_key_id_hex(t->countersigner_key_id, hex);
        printf("  countersigner   %s\n", hex);
    }
    if (t->license[0])
        printf("  license         %s\n", t->license);
}

static int driver_check(int argc, char **argv)
{
    static const int allowed[] = {O_PROFILE, O_VENDOR, O_VERSION, O_SIGNATURE,
                                  0};
    const char *cmd = "driver check";
    hv_profile prof = {0};
    hv_package_trust trust;
    hv_driver_pkg pkg;
    driver_opts o;
    hv_diag diag;
    bool allowed_vendor = false;
    int rc = parse(cmd, argc, argv, allowed, &o);

    if (rc != 0)
        return rc < 0 ? HV_EXIT_OK : rc;
    if (!o.profile)
        return cli_usage_error(cmd, "--profile is required");
    if (optind != argc - 1)
        return cli_usage_error(cmd, "needs exactly one PKG");
    if ((rc = check_identity(cmd, &o)) != 0)
        return rc;
    memset(&pkg, 0, sizeof pkg);
    snprintf(pkg.vendor, sizeof pkg.vendor, "%s", o.vendor);
    snprintf(pkg.version, sizeof pkg.version, "%s", o.version);
    pkg.path = argv[optind];
    pkg.signature = (char *)o.signature;
    pkg.origin.file = pkg.path; /* line 0: messages name the files only */
    if (hv_profile_load(o.profile, &prof, &diag) != 0)
        return report(cmd, &diag);
    for (size_t i = 0; i < prof.allow_vendor_count; i++)
        allowed_vendor |= strcmp(prof.allow_vendors[i], o.vendor) == 0;
    if (!allowed_vendor) {
        hv_fail(&diag, HV_FAIL_REJECTED, "vendor '%s' is not admitted by "
                "profile %s (drivers.allow_vendors)", o.vendor, prof.file);
        rc = report(cmd, &diag);
    } else if (hv_package_admit(&prof, &pkg, &trust, &diag) != 0) {
        rc = report(cmd, &diag);
    } else {
        print_trust(pkg.path, &trust);
        printf("admitted by profile %s (requires %s)\n", prof.file,
               hv_acceptance_name(prof.min_acceptance));
    }
    hv_profile_free(&prof);
    return rc;
}

int cmd_driver(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {
        {"sign", driver_sign},     {"countersign", driver_countersign},
        {"tbs", driver_tbs},       {"attach", driver_attach},
        {"check", driver_check},
    };

    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
                      strcmp(argv[1], "-h") == 0)) {
        fputs(driver_help, stdout);
        return HV_EXIT_OK;
    }
    if (argc < 2)
        return cli_usage_error("driver", "needs a subcommand: sign, "
                               "countersign, tbs, attach or check");
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    return cli_usage_error("driver", "unknown subcommand '%s'", argv[1]);
}
