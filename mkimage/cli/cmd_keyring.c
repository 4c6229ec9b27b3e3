/* keyring create, bundle and verify (docs/KEYS.md); sign, tbs, attach and
 * inspect are cmd_root.c's, shared by both document kinds. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_docs.h"
#include "exit_codes.h"
#include "trust_doc.h"

static const char keyring_help[] =
    "usage: hvimage keyring create DESCRIPTION.yaml -o FILE.hvkeyring\n"
    "       hvimage keyring sign FILE.hvkeyring --key KEY [--key KEY ...]\n"
    "                            --root ROOT.hvroot [-o OUT]\n"
    "       hvimage keyring tbs FILE.hvkeyring -o TBS|-\n"
    "       hvimage keyring attach FILE.hvkeyring --signature SIG\n"
    "                              --pubkey PUB.pem --root ROOT.hvroot [-o OUT]\n"
    "       hvimage keyring inspect [--json] FILE\n"
    "       hvimage keyring bundle --root ROOT.hvroot [--root ...]\n"
    "                              --keyring FILE.hvkeyring -o OUT.hvtrust\n"
    "       hvimage keyring verify BUNDLE.hvtrust --root ROOT0.hvroot\n"
    "                              [--min-root-version N]\n"
    "                              [--min-keyring-version N]\n"
    "                              [--min-key-epoch N] [--json]\n\n"
    "A keyring lists the image-signing keys, each with its epoch and scope\n"
    "(OEMs, boards), and is signed by a threshold of the keys of the root\n"
    "version it names (--root). create reads a YAML description (key paths\n"
    "relative to it). bundle writes the trust block an image carries: the\n"
    "roots from the device's provisioned one up, then the keyring. verify\n"
    "runs the boot verifier's own hv_trust_block_verify on a bundle for a\n"
    "device provisioned with ROOT0 and the given counters; exit 1 if it\n"
    "refuses. docs/KEYS.md has the procedures.\n";

static int report(const char *cmd, const hv_diag *d)
{
    return cli_report(cmd, d);
}

static int keyring_create(int argc, char **argv)
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
        case 'o': e = cli_set_once("keyring", "--output", &out, optarg); break;
        case 'h': fputs(keyring_help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("keyring", "bad option");
        }
        if (e != 0)
            return e;
    }
    if (!out || optind != argc - 1)
        return cli_usage_error("keyring", "create needs one DESCRIPTION.yaml "
                               "and -o");
    const char *desc = argv[optind];
    int rc = cli_check_output("keyring", "--output", out, &desc, 1);
    if (rc != 0)
        return rc;
    hv_doc_spec *spec = malloc(sizeof *spec);
    hv_diag diag;
    uint8_t *doc = NULL;
    size_t len = 0;
    if (!spec)
        rc = report("keyring",
                    (hv_fail(&diag, HV_FAIL_INTERNAL, "out of memory"), &diag));
    else if (hv_keyring_desc_load(desc, spec, &diag) != 0 ||
             hv_doc_encode(spec, &doc, &len, &diag) != 0 ||
             hv_trust_write_file(out, doc, len, &diag) != 0)
        rc = report("keyring", &diag);
    else
        printf("%s: keyring version %llu for root %llu, min epoch %llu, %zu "
               "keys, %u signature slots, unsigned (%zu bytes)\n", out,
               (unsigned long long)spec->version,
               (unsigned long long)spec->root_version,
               (unsigned long long)spec->min_epoch, spec->key_count,
               spec->slots, len);
    free(doc);
    free(spec);
    return rc;
}

static int keyring_bundle(int argc, char **argv)
{
    static const struct option opts[] = {
        {"root", required_argument, 0, 'r'},
        {"keyring", required_argument, 0, 'k'},
        {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *roots[HV_MAX_ROOT_CHAIN], *ring = NULL, *out = NULL;
    size_t nroots = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        int e = 0;
        switch (c) {
        case 'r':
            if (nroots == HV_MAX_ROOT_CHAIN)
                return cli_usage_error("keyring", "more than %u --root "
                                       "options; a trust block carries at "
                                       "most %u roots", HV_MAX_ROOT_CHAIN,
                                       HV_MAX_ROOT_CHAIN);
            roots[nroots++] = optarg;
            break;
        case 'k': e = cli_set_once("keyring", "--keyring", &ring, optarg); break;
        case 'o': e = cli_set_once("keyring", "--output", &out, optarg); break;
        case 'h': fputs(keyring_help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("keyring", "bad option");
        }
        if (e != 0)
            return e;
    }
    if (nroots == 0 || !ring || !out)
        return cli_usage_error("keyring", "bundle needs --root, --keyring "
                               "and -o");
    if (optind != argc)
        return cli_usage_error("keyring", "bundle takes no operand");
    const char *inputs[HV_MAX_ROOT_CHAIN + 1];
    for (size_t i = 0; i < nroots; i++)
        inputs[i] = roots[i];
    inputs[nroots] = ring;
    int rc = cli_check_output("keyring", "--output", out, inputs, nroots + 1);
    if (rc != 0)
        return rc;
    uint8_t *blk = malloc(HV_MAX_TRUST_BLOCK_SIZE);
    size_t len = 0;
    hv_diag diag;
    hv_bundle_info info;
    if (!blk) {
        hv_fail(&diag, HV_FAIL_INTERNAL, "out of memory");
        return report("keyring", &diag);
    }
    /* Each input must be one whole document of its kind; then the order
     * is checked on the bytes that will be written. */
    for (size_t i = 0; i <= nroots && rc == 0; i++) {
        hv_doc_file f;
        uint32_t kind = i < nroots ? HV_DOC_ROOT : HV_DOC_KEYRING;
        if (hv_doc_file_load(inputs[i], kind, &f, &diag) != 0) {
            rc = report("keyring", &diag);
        } else if (f.len > HV_MAX_TRUST_BLOCK_SIZE - len) {
            hv_diag_set(&diag, "%s: the trust block would exceed %u bytes",
                        inputs[i], HV_MAX_TRUST_BLOCK_SIZE);
            rc = report("keyring", &diag);
        } else {
            memcpy(blk + len, f.bytes, f.len);
            len += f.len;
        }
        hv_doc_file_free(&f);
    }
    if (rc == 0 && (hv_bundle_check(blk, len, out, &info, &diag) != 0 ||
                    hv_trust_write_file(out, blk, len, &diag) != 0))
        rc = report("keyring", &diag);
    if (rc == 0)
        printf("%s: roots %llu..%llu, keyring %llu (%zu bytes; signatures "
               "not checked: hvimage keyring verify)\n", out,
               (unsigned long long)info.first_root,
               (unsigned long long)info.last_root,
               (unsigned long long)info.keyring_version, len);
    free(blk);
    return rc;
}

static bool parse_floor(const char *opt, const char *s, uint64_t *v,
                        int *rc)
{
    if (cli_parse_u64(s, v))
        return true;
    *rc = cli_usage_error("keyring", "%s '%s' is not a number", opt, s);
    return false;
}

static void verify_print(const char *path, hv_result r,
                         const hv_trust_result *res, bool json)
{
    if (json) {
        json_object *o = json_object_new_object();
        cli_json_add_text(o, "file", path);
        json_object_object_add(o, "result",
                               json_object_new_string(hv_result_name(r)));
        json_object_object_add(o, "description",
                               json_object_new_string(hv_result_str(r)));
        json_object_object_add(o, "verified", json_object_new_boolean(r == HV_OK));
        json_object_object_add(o, "root_count",
                               json_object_new_int64(res->root_count));
        json_object_object_add(o, "root_version",
                               json_object_new_uint64(res->root_version));
        json_object_object_add(o, "keyring_version",
                               json_object_new_uint64(res->keyring_version));
        json_object_object_add(o, "keyring_min_epoch",
                               json_object_new_uint64(res->keyring_min_epoch));
        json_object_object_add(o, "min_epoch",
                               json_object_new_uint64(res->min_epoch));
        json_object_object_add(o, "keyring_keys",
                               json_object_new_int64(res->keyring_keys));
        json_object_object_add(o, "usable_keys",
                               json_object_new_int64(res->usable_keys));
        if (r != HV_OK) {
            json_object_object_add(o, "failed_document",
                                   res->failed_doc == UINT32_MAX
                                       ? NULL
                                       : json_object_new_int64(res->failed_doc));
            json_object_object_add(o, "fail_offset",
                                   json_object_new_uint64(res->fail_offset));
        }
        cli_json_print(stdout, o);
        return;
    }
    char shown[512];
    hv_printable(path, shown, sizeof shown);
    if (r != HV_OK)
        return; /* the refusal goes to stderr */
    printf("%s: trust block verified: %u root%s up to version %llu, keyring "
           "version %llu, min epoch %llu in force (keyring's own %llu), %u of "
           "%u keys usable\n",
           shown, res->root_count, res->root_count == 1 ? "" : "s",
           (unsigned long long)res->root_version,
           (unsigned long long)res->keyring_version,
           (unsigned long long)res->min_epoch,
           (unsigned long long)res->keyring_min_epoch, res->usable_keys,
           res->keyring_keys);
}

static int keyring_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"root", required_argument, 0, 'r'},
        {"min-root-version", required_argument, 0, 'R'},
        {"min-keyring-version", required_argument, 0, 'K'},
        {"min-key-epoch", required_argument, 0, 'E'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *anchor = NULL;
    hv_policy policy = {0};
    bool json = false;
    int c, rc = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            rc = cli_set_once("keyring", "--root", &anchor, optarg);
            break;
        case 'R':
            parse_floor("--min-root-version", optarg,
                        &policy.min_root_version, &rc);
            break;
        case 'K':
            parse_floor("--min-keyring-version", optarg,
                        &policy.min_keyring_version, &rc);
            break;
        case 'E':
            parse_floor("--min-key-epoch", optarg, &policy.min_key_epoch, &rc);
            break;
        case 'j': json = true; break;
        case 'h': fputs(keyring_help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("keyring", "bad option");
        }
        if (rc != 0)
            return rc;
    }
    if (!anchor)
        return cli_usage_error("keyring", "verify needs --root ROOT0.hvroot: "
                               "the root the device is provisioned with");
    if (optind != argc - 1)
        return cli_usage_error("keyring", "verify needs exactly one BUNDLE");
    const char *path = argv[optind];
    hv_doc_file root;
    hv_diag diag;
    uint8_t *blk = NULL;
    size_t len = 0;
    if (hv_doc_file_load(anchor, HV_DOC_ROOT, &root, &diag) != 0)
        return report("keyring", &diag);
    uint8_t fps[HV_ROOT_MAX_KEYS][HV_ROOT_FP_SIZE];
    hv_roots roots;
    hv_doc *docs = calloc(3, sizeof *docs);
    if (!docs)
        rc = report("keyring", (hv_fail(&diag, HV_FAIL_INTERNAL,
                                        "out of memory"), &diag));
    else if (hv_roots_from_doc(&root.doc, fps, &roots, &diag) != 0 ||
             hv_trust_read_file(path, &blk, &len, &diag) != 0)
        rc = report("keyring", &diag);
    if (rc == 0) {
        /* The device's view: its provisioned root (with the trust area's
         * own floor, R0) and its counters. */
        policy.roots = &roots;
        if (policy.min_root_version < roots.version)
            policy.min_root_version = roots.version;
        hv_trust_result res;
        memset(&res, 0, sizeof res);
        hv_result r = hv_trust_block_verify(&hv_crypto_bearssl, &policy, blk,
                                            len, docs, &docs[2], &res);
        verify_print(path, r, &res, json);
        if (r != HV_OK) {
            char where[96] = "";
            if (res.failed_doc != UINT32_MAX)
                snprintf(where, sizeof where, " (document %u, byte offset "
                         "%llu)", res.failed_doc,
                         (unsigned long long)res.fail_offset);
            hv_fail(&diag, HV_FAIL_REJECTED, "%s: refused: %s: %s%s", path,
                    hv_result_name(r), hv_result_str(r), where);
            cli_print_error("keyring", diag.msg);
            rc = cli_exit_for_result(r);
        }
    }
    free(docs);
    free(blk);
    hv_doc_file_free(&root);
    return rc;
}

/* The options of sign, tbs, attach and inspect on keyrings
 * (cli_doc_shared, cmd_root.c). */
static const struct option keyring_doc_opts[] = {
    {"key", required_argument, 0, 'k'},
    {"previous", required_argument, 0, 'P'},
    {"root", required_argument, 0, 'r'},
    {"signature", required_argument, 0, 's'},
    {"pubkey", required_argument, 0, 'p'},
    {"output", required_argument, 0, 'o'},
    {"json", no_argument, 0, 'j'},
    {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0},
};

int cmd_keyring(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("keyring", "needs a subcommand: create, sign, "
                               "tbs, attach, inspect, bundle or verify");
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        fputs(keyring_help, stdout);
        return HV_EXIT_OK;
    }
    if (strcmp(sub, "create") == 0)
        return keyring_create(argc - 1, argv + 1);
    if (strcmp(sub, "bundle") == 0)
        return keyring_bundle(argc - 1, argv + 1);
    if (strcmp(sub, "verify") == 0)
        return keyring_verify(argc - 1, argv + 1);
    int rc = cli_doc_shared(HV_DOC_KEYRING, "keyring", keyring_help,
                            keyring_doc_opts, argc - 1, argv + 1);
    if (rc >= 0)
        return rc;
    char shown[128];
    return cli_usage_error("keyring", "unknown subcommand '%s'",
                           hv_printable(sub, shown, sizeof shown));
}
