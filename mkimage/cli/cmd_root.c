/* root create, and the subcommands root and keyring documents share:
 * sign, tbs, attach, inspect (docs/KEYS.md). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_docs.h"
#include "exit_codes.h"
#include "plan.h"
#include "trust_doc.h"

/* --key options of one command: a document holds at most this many keys,
 * and at most this many signatures. */
#define MAX_KEYS HV_ROOT_MAX_KEYS
_Static_assert(HV_ROOT_MAX_KEYS == HV_MAX_SIGNATURE_SLOTS, "MAX_KEYS");

static const char root_help[] =
    "usage: hvimage root create --version N --threshold K --key PUB.pem\n"
    "                           [--key PUB.pem ...] [--slots S] -o FILE.hvroot\n"
    "       hvimage root sign FILE.hvroot --key KEY [--key KEY ...]\n"
    "                         [--previous ROOT.hvroot] [-o OUT]\n"
    "       hvimage root tbs FILE.hvroot -o TBS|-\n"
    "       hvimage root attach FILE.hvroot --signature SIG --pubkey PUB.pem\n"
    "                           [--previous ROOT.hvroot] [-o OUT]\n"
    "       hvimage root inspect [--json] FILE\n\n"
    "Root documents name the offline root keys and how many of them (K of\n"
    "N) must sign: keyrings, and the next root version. create writes an\n"
    "unsigned root with S signature slots (default: one per key). sign adds\n"
    "signatures by key files or pkcs11: URIs, in place unless -o is given;\n"
    "only the root's own keys may sign it, and with --previous (root N-1)\n"
    "that root's keys too: a rotation needs a threshold of both. tbs writes\n"
    "the signed bytes for an offline signing station; attach inserts such a\n"
    "signature after checking it. inspect shows every field and verifies\n"
    "nothing. docs/KEYS.md has the procedures.\n";

static int report(const char *cmd, const hv_diag *d)
{
    return cli_report(cmd, d);
}

/* The options of sign, tbs, attach and inspect, parsed once
 * (cli_doc_shared); each subcommand refuses those it does not take. */
typedef struct doc_args {
    const char *file;
    const char *keys[MAX_KEYS];
    size_t nkeys;
    const char *previous, *root, *sigpath, *pubpath, *out;
    bool json;
} doc_args;

/* ---- root create ------------------------------------------------------- */

static int root_create(int argc, char **argv)
{
    static const struct option opts[] = {
        {"version", required_argument, 0, 'v'},
        {"threshold", required_argument, 0, 't'},
        {"key", required_argument, 0, 'k'},
        {"slots", required_argument, 0, 's'},
        {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *version = NULL, *threshold = NULL, *slots = NULL;
    const char *out = NULL, *keys[MAX_KEYS + 1];
    size_t nkeys = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:o:h", opts, NULL)) != -1) {
        int e = 0;
        switch (c) {
        case 'v': e = cli_set_once("root", "--version", &version, optarg); break;
        case 't':
            e = cli_set_once("root", "--threshold", &threshold, optarg);
            break;
        case 's': e = cli_set_once("root", "--slots", &slots, optarg); break;
        case 'o': e = cli_set_once("root", "--output", &out, optarg); break;
        case 'k':
            if (nkeys == MAX_KEYS)
                return cli_usage_error("root", "more than %u --key options; "
                                       "a root holds at most %u keys",
                                       MAX_KEYS, HV_ROOT_MAX_KEYS);
            keys[nkeys++] = optarg;
            break;
        case 'h': fputs(root_help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("root", "bad option");
        }
        if (e != 0)
            return e;
    }
    if (optind != argc)
        return cli_usage_error("root", "create takes no operand ('%s')",
                               argv[optind]);
    if (!version || !threshold || nkeys == 0 || !out)
        return cli_usage_error("root", "create needs --version, --threshold, "
                               "--key and -o");
    uint64_t v, t, s = nkeys;
    if (!cli_parse_u64(version, &v) || v < 1)
        return cli_usage_error("root", "--version '%s' is not a number of "
                               "1 or more", version);
    if (!cli_parse_u64(threshold, &t) || t < 1 || t > nkeys)
        return cli_usage_error("root", "--threshold '%s' is not between 1 "
                               "and the %zu keys given", threshold, nkeys);
    if (slots && (!cli_parse_u64(slots, &s) || s < t ||
                  s > HV_MAX_SIGNATURE_SLOTS))
        return cli_usage_error("root", "--slots '%s' is not between the "
                               "threshold %llu and %u", slots,
                               (unsigned long long)t, HV_MAX_SIGNATURE_SLOTS);
    int rc = cli_check_output("root", "--output", out, keys, nkeys);
    if (rc != 0)
        return rc;
    hv_doc_spec *spec = calloc(1, sizeof *spec);
    if (!spec) {
        hv_diag d;
        hv_fail(&d, HV_FAIL_INTERNAL, "out of memory");
        return report("root", &d);
    }
    spec->kind = HV_DOC_ROOT;
    spec->version = v;
    spec->threshold = (uint32_t)t;
    spec->slots = (uint32_t)s;
    spec->key_count = nkeys;
    hv_diag diag;
    uint8_t *doc = NULL;
    size_t len = 0;
    for (size_t i = 0; i < nkeys && rc == 0; i++) {
        snprintf(spec->keys[i].source, sizeof spec->keys[i].source, "%s",
                 keys[i]);
        if (hv_pubkey_load(keys[i], &spec->keys[i].key, &diag) != 0)
            rc = report("root", &diag);
    }
    if (rc == 0 && (hv_doc_encode(spec, &doc, &len, &diag) != 0 ||
                    hv_trust_write_file(out, doc, len, &diag) != 0))
        rc = report("root", &diag);
    if (rc == 0)
        printf("%s: root version %llu, %llu of %zu keys, %llu signature "
               "slots, unsigned (%zu bytes)\n", out,
               (unsigned long long)v, (unsigned long long)t, nkeys,
               (unsigned long long)s, len);
    free(doc);
    free(spec);
    return rc;
}

/* ---- sign and attach --------------------------------------------------- */

/* The documents that say who may sign: --previous for a root, --root for
 * a keyring. */
typedef struct authority {
    hv_doc_file previous;
    hv_doc_file root;
} authority;

static int load_authority(const char *cmd, uint32_t kind,
                          const char *previous, const char *root,
                          authority *a)
{
    hv_diag diag;
    memset(a, 0, sizeof *a);
    if (kind == HV_DOC_ROOT && root)
        return cli_usage_error(cmd, "--root is for keyrings; a root's "
                               "other signers come with --previous");
    if (kind == HV_DOC_KEYRING && previous)
        return cli_usage_error(cmd, "--previous is for roots; a keyring's "
                               "signers come with --root");
    if (kind == HV_DOC_KEYRING && !root)
        return cli_usage_error(cmd, "--root ROOT.hvroot is required: the "
                               "root whose keys sign the keyring");
    if (previous &&
        hv_doc_file_load(previous, HV_DOC_ROOT, &a->previous, &diag) != 0)
        return report(cmd, &diag);
    if (root && hv_doc_file_load(root, HV_DOC_ROOT, &a->root, &diag) != 0)
        return report(cmd, &diag);
    return 0;
}

static void free_authority(authority *a)
{
    hv_doc_file_free(&a->previous);
    hv_doc_file_free(&a->root);
}

static int allowed(const char *cmd, const hv_doc_file *f, const authority *a,
                   const hv_pubkey *k, const char *source)
{
    hv_diag diag;
    if (hv_doc_signer_allowed(&f->doc, a->previous.bytes ? &a->previous.doc
                                                          : NULL,
                              a->root.bytes ? &a->root.doc : NULL, k, source,
                              &diag) != 0)
        return report(cmd, &diag);
    return 0;
}

static void print_signed(const char *out, const hv_doc_file *f,
                         const hv_pubkey *k)
{
    char hex[65];
    hv_key_id_hex(k->key_id, hex);
    const char *alg = hv_sig_alg_name(k->sig_alg);
    printf("%s: signed by %s (%s), %u of %u slots used\n", out, hex,
           alg ? alg : "?", f->doc.filled, f->doc.sig_slots);
}

static int doc_sign(uint32_t kind, const char *cmd, const doc_args *o)
{
    const char *const *keys = o->keys;
    const char *previous = o->previous, *root = o->root, *out = o->out;
    size_t nkeys = o->nkeys;
    if (nkeys == 0 || o->sigpath || o->pubpath || o->json)
        return cli_usage_error(cmd, "sign takes --key (not --signature, "
                               "--pubkey or --json)");
    const char *path = o->file;
    const char *inputs[MAX_KEYS + 3];
    size_t ni = 0;
    if (out)
        inputs[ni++] = path;
    if (previous)
        inputs[ni++] = previous;
    if (root)
        inputs[ni++] = root;
    for (size_t i = 0; i < nkeys; i++)
        inputs[ni++] = keys[i];
    int rc = cli_check_output(cmd, "--output", out ? out : path, inputs, ni);
    if (rc != 0)
        return rc;
    authority a;
    hv_doc_file f = {0};
    hv_diag diag;
    rc = load_authority(cmd, kind, previous, root, &a);
    if (rc == 0 && hv_doc_file_load(path, kind, &f, &diag) != 0)
        rc = report(cmd, &diag);
    /* Every signature is made in memory first: a key that may not sign, or
     * a token that fails, leaves the file as it was. */
    hv_pubkey done[MAX_KEYS];
    size_t ndone = 0;
    for (size_t i = 0; i < nkeys && rc == 0; i++) {
        hv_signer *s = NULL;
        uint8_t sig[HV_SIG_MAX_SIZE];
        size_t sig_len = 0;
        if (hv_signer_load(keys[i], &s, &diag) != 0) {
            rc = report(cmd, &diag);
            break;
        }
        const hv_pubkey *k = hv_signer_pubkey(s);
        rc = allowed(cmd, &f, &a, k, keys[i]);
        if (rc == 0 && (hv_signer_sign(s, f.bytes, f.doc.tbs_len, sig,
                                       &sig_len, &diag) != 0 ||
                        hv_doc_add_signature(&f, path, k, sig, sig_len,
                                             &diag) != 0))
            rc = report(cmd, &diag);
        if (rc == 0)
            done[ndone++] = *k;
        hv_signer_free(s);
    }
    const char *dest = out ? out : path;
    if (rc == 0 && hv_trust_write_file(dest, f.bytes, f.len, &diag) != 0)
        rc = report(cmd, &diag);
    for (size_t i = 0; rc == 0 && i < ndone; i++)
        print_signed(dest, &f, &done[i]);
    hv_doc_file_free(&f);
    free_authority(&a);
    return rc;
}

static int doc_attach(uint32_t kind, const char *cmd, const doc_args *o)
{
    const char *sigpath = o->sigpath, *pubpath = o->pubpath;
    const char *previous = o->previous, *root = o->root, *out = o->out;
    if (!sigpath || !pubpath || o->nkeys || o->json)
        return cli_usage_error(cmd, "attach needs --signature and --pubkey "
                               "(not --key or --json)");
    const char *path = o->file;
    const char *inputs[5] = {sigpath, pubpath};
    size_t ni = 2;
    if (out)
        inputs[ni++] = path;
    if (previous)
        inputs[ni++] = previous;
    if (root)
        inputs[ni++] = root;
    int rc = cli_check_output(cmd, "--output", out ? out : path, inputs, ni);
    if (rc != 0)
        return rc;
    authority a;
    hv_doc_file f = {0};
    hv_pubkey k;
    hv_diag diag;
    uint8_t *raw = NULL, sig[HV_SIG_MAX_SIZE];
    size_t raw_len = 0, sig_len = 0;
    rc = load_authority(cmd, kind, previous, root, &a);
    if (rc == 0 && (hv_doc_file_load(path, kind, &f, &diag) != 0 ||
                    hv_pubkey_load(pubpath, &k, &diag) != 0 ||
                    hv_trust_read_file(sigpath, &raw, &raw_len, &diag) != 0))
        rc = report(cmd, &diag);
    if (rc == 0)
        rc = allowed(cmd, &f, &a, &k, pubpath);
    /* The signature must verify over the document's signed bytes before the
     * document is touched. */
    if (rc == 0 && (hv_signature_import(&k, f.bytes, f.doc.tbs_len, raw,
                                        raw_len, sigpath, sig, &sig_len,
                                        &diag) != 0 ||
                    hv_doc_add_signature(&f, path, &k, sig, sig_len,
                                         &diag) != 0))
        rc = report(cmd, &diag);
    const char *dest = out ? out : path;
    if (rc == 0 && hv_trust_write_file(dest, f.bytes, f.len, &diag) != 0)
        rc = report(cmd, &diag);
    if (rc == 0)
        print_signed(dest, &f, &k);
    free(raw);
    hv_doc_file_free(&f);
    free_authority(&a);
    return rc;
}

/* ---- tbs --------------------------------------------------------------- */

static int doc_tbs(uint32_t kind, const char *cmd, const doc_args *o)
{
    const char *out = o->out, *path = o->file;
    if (!out || o->nkeys || o->sigpath || o->pubpath || o->previous ||
        o->root || o->json)
        return cli_usage_error(cmd, "tbs takes only -o ('-' for standard "
                               "output)");
    int rc = cli_check_output(cmd, "--output", out, &path, 1);
    if (rc != 0)
        return rc;
    hv_doc_file f;
    hv_diag diag = {0};
    if (hv_doc_file_load(path, kind, &f, &diag) != 0)
        return report(cmd, &diag);
    if (strcmp(out, "-") == 0) {
        if (fwrite(f.bytes, 1, f.doc.tbs_len, stdout) != f.doc.tbs_len ||
            fflush(stdout) != 0) {
            hv_fail_errno(&diag, errno ? errno : EIO, "standard output",
                          "write failed");
            rc = report(cmd, &diag);
        }
    } else if (hv_trust_write_file(out, f.bytes, f.doc.tbs_len, &diag) != 0) {
        rc = report(cmd, &diag);
    } else {
        printf("%s: %zu bytes to be signed\n", out, f.doc.tbs_len);
    }
    hv_doc_file_free(&f);
    return rc;
}

/* ---- inspect ----------------------------------------------------------- */

/* The document of |docs| (the file's, before |upto|) whose keys include
 * |id|: "key N of root V", for saying who signed. */
static void signer_of(const hv_doc *docs, size_t upto, const uint8_t *id,
                      char *buf, size_t size)
{
    snprintf(buf, size, "not a key of a root in this file");
    for (size_t d = upto + 1; d-- > 0;) {
        if (docs[d].kind != HV_DOC_ROOT)
            continue;
        for (uint32_t i = 0; i < docs[d].key_count; i++)
            if (memcmp(docs[d].keys[i].key.key_id, id, HV_KEY_ID_SIZE) == 0) {
                snprintf(buf, size, "key %u of root %llu", i,
                         (unsigned long long)docs[d].version);
                return;
            }
    }
}

static json_object *key_json(const hv_doc *doc, const hv_doc_key *k)
{
    json_object *o = json_object_new_object();
    uint8_t fp[HV_ROOT_FP_SIZE];
    const char *alg = hv_sig_alg_name(k->key.sig_alg);
    cli_json_add_hex(o, "key_id", k->key.key_id, HV_KEY_ID_SIZE);
    if (hv_key_fingerprint(&hv_crypto_bearssl, k->key.pub, k->key.pub_len,
                           fp) == 0)
        cli_json_add_hex(o, "fingerprint", fp, sizeof fp);
    json_object_object_add(o, "algorithm",
                           json_object_new_string(alg ? alg : "unknown"));
    cli_json_add_hex(o, "public_key", k->key.pub, k->key.pub_len);
    if (doc->kind == HV_DOC_KEYRING) {
        json_object *oems = json_object_new_array();
        json_object *boards = json_object_new_array();
        for (uint32_t i = 0; i < k->oem_count; i++)
            json_object_array_add(oems, json_object_new_string(k->oems[i]));
        for (uint32_t i = 0; i < k->board_count; i++)
            json_object_array_add(boards,
                                  json_object_new_string(k->boards[i]));
        json_object_object_add(o, "epoch", json_object_new_uint64(k->epoch));
        json_object_object_add(o, "oems", oems);
        json_object_object_add(o, "boards", boards);
    }
    return o;
}

static json_object *doc_json(const hv_doc *docs, size_t d, size_t offset)
{
    const hv_doc *doc = &docs[d];
    json_object *o = json_object_new_object();
    json_object_object_add(o, "kind",
                           json_object_new_string(hv_doc_kind_name(doc->kind)));
    json_object_object_add(o, "offset", json_object_new_uint64(offset));
    json_object_object_add(o, "size", json_object_new_uint64(doc->size));
    json_object_object_add(o, "signed_size",
                           json_object_new_uint64(doc->tbs_len));
    json_object_object_add(o, "version", json_object_new_uint64(doc->version));
    if (doc->kind == HV_DOC_ROOT) {
        json_object_object_add(o, "threshold",
                               json_object_new_int64(doc->threshold));
    } else {
        json_object_object_add(o, "root_version",
                               json_object_new_uint64(doc->root_version));
        json_object_object_add(o, "min_epoch",
                               json_object_new_uint64(doc->min_epoch));
    }
    json_object *keys = json_object_new_array();
    for (uint32_t i = 0; i < doc->key_count; i++)
        json_object_array_add(keys, key_json(doc, &doc->keys[i]));
    json_object_object_add(o, "keys", keys);
    json_object_object_add(o, "signature_slots",
                           json_object_new_int64(doc->sig_slots));
    json_object *sigs = json_object_new_array();
    for (uint32_t i = 0; i < doc->filled; i++) {
        const uint8_t *slot = doc->bytes + doc->tbs_len +
                              (size_t)i * HV_SIG_SLOT_SIZE;
        char who[96];
        json_object *s = json_object_new_object();
        cli_json_add_hex(s, "key_id", slot + HV_SIG_OFF_KEY_ID,
                         HV_KEY_ID_SIZE);
        signer_of(docs, doc->kind == HV_DOC_ROOT ? d : (d ? d - 1 : d),
                  slot + HV_SIG_OFF_KEY_ID, who, sizeof who);
        json_object_object_add(s, "signer", json_object_new_string(who));
        json_object_array_add(sigs, s);
    }
    json_object_object_add(o, "signatures", sigs);
    return o;
}

static void key_text(const hv_doc *doc, uint32_t i)
{
    const hv_doc_key *k = &doc->keys[i];
    char hex[65];
    uint8_t fp[HV_ROOT_FP_SIZE];
    const char *alg = hv_sig_alg_name(k->key.sig_alg);
    hv_key_id_hex(k->key.key_id, hex);
    printf("  key %u: id %s (%s)\n", i, hex, alg ? alg : "unknown");
    if (hv_key_fingerprint(&hv_crypto_bearssl, k->key.pub, k->key.pub_len,
                           fp) == 0) {
        hv_key_id_hex(fp, hex);
        printf("         fingerprint %s\n", hex);
    }
    if (doc->kind != HV_DOC_KEYRING)
        return;
    printf("         epoch %llu, oems:", (unsigned long long)k->epoch);
    for (uint32_t j = 0; j < k->oem_count; j++)
        printf(" %s", k->oems[j]);
    printf(", boards:");
    for (uint32_t j = 0; j < k->board_count; j++)
        printf(" %s", k->boards[j]);
    printf("%s\n", k->board_count ? "" : " any");
}

static void doc_text(const hv_doc *docs, size_t d, size_t offset)
{
    const hv_doc *doc = &docs[d];
    printf("%s version %llu at byte %zu: %zu bytes (%zu signed)\n",
           hv_doc_kind_name(doc->kind), (unsigned long long)doc->version,
           offset, doc->size, doc->tbs_len);
    if (doc->kind == HV_DOC_ROOT)
        printf("  threshold: %u of %u keys\n", doc->threshold,
               doc->key_count);
    else
        printf("  root version: %llu, min epoch: %llu, %u keys\n",
               (unsigned long long)doc->root_version,
               (unsigned long long)doc->min_epoch, doc->key_count);
    for (uint32_t i = 0; i < doc->key_count; i++)
        key_text(doc, i);
    printf("  signatures: %u of %u slots filled\n", doc->filled,
           doc->sig_slots);
    for (uint32_t i = 0; i < doc->filled; i++) {
        const uint8_t *id = doc->bytes + doc->tbs_len +
                            (size_t)i * HV_SIG_SLOT_SIZE + HV_SIG_OFF_KEY_ID;
        char hex[65], who[96];
        hv_key_id_hex(id, hex);
        signer_of(docs, doc->kind == HV_DOC_ROOT ? d : (d ? d - 1 : d), id,
                  who, sizeof who);
        printf("  slot %u: key %s (%s)\n", i, hex, who);
    }
}

#define MAX_DOCS (HV_MAX_ROOT_CHAIN + 1)

/* Any document file or bundle, whichever command reads it. */
static int doc_inspect(const char *cmd, const doc_args *o)
{
    const char *path = o->file;
    bool json = o->json;
    if (o->out || o->nkeys || o->sigpath || o->pubpath || o->previous ||
        o->root)
        return cli_usage_error(cmd, "inspect takes only --json");
    uint8_t *bytes;
    size_t len;
    hv_diag diag;
    if (hv_trust_read_file(path, &bytes, &len, &diag) != 0)
        return report(cmd, &diag);
    /* A document file, or a bundle of them: every document in turn. */
    hv_doc *docs = calloc(MAX_DOCS, sizeof *docs);
    size_t offsets[MAX_DOCS], n = 0, off = 0;
    int rc = 0;
    if (!docs) {
        hv_fail(&diag, HV_FAIL_INTERNAL, "out of memory");
        rc = report(cmd, &diag);
    }
    while (rc == 0 && off < len) {
        if (n == MAX_DOCS) {
            hv_diag_set(&diag, "%s: more than %u documents", path, MAX_DOCS);
            rc = report(cmd, &diag);
        } else if (hv_doc_parse(bytes + off, len - off, &docs[n]) != HV_OK) {
            hv_diag_set(&diag, "%s: byte offset %zu: not a well-formed root "
                        "or keyring document", path, off);
            rc = report(cmd, &diag);
        } else {
            offsets[n] = off;
            off += docs[n++].size;
        }
    }
    if (rc == 0 && json) {
        json_object *o = json_object_new_object();
        cli_json_add_text(o, "file", path);
        json_object_object_add(o, "verified", json_object_new_boolean(0));
        json_object *arr = json_object_new_array();
        for (size_t i = 0; i < n; i++)
            json_object_array_add(arr, doc_json(docs, i, offsets[i]));
        json_object_object_add(o, "documents", arr);
        cli_json_print(stdout, o);
    } else if (rc == 0) {
        char shown[512];
        printf("%s: %zu document%s. NOT VERIFIED: inspect shows what the "
               "file says and checks no signature (use hvimage keyring "
               "verify)\n",
               hv_printable(path, shown, sizeof shown), n, n == 1 ? "" : "s");
        for (size_t i = 0; i < n; i++)
            doc_text(docs, i, offsets[i]);
    }
    free(docs);
    free(bytes);
    return rc;
}

/* see cmd_docs.h */
int cli_doc_shared(uint32_t kind, const char *cmd, const char *help,
                   const struct option *opts, int argc, char **argv)
{
    int (*run)(uint32_t, const char *, const doc_args *) = NULL;
    if (strcmp(argv[0], "sign") == 0)
        run = doc_sign;
    else if (strcmp(argv[0], "attach") == 0)
        run = doc_attach;
    else if (strcmp(argv[0], "tbs") == 0)
        run = doc_tbs;
    else if (strcmp(argv[0], "inspect") != 0)
        return -1;
    doc_args a;
    memset(&a, 0, sizeof a);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:o:h", opts, NULL)) != -1) {
        int e = 0;
        switch (c) {
        case 'k':
            if (a.nkeys == MAX_KEYS)
                return cli_usage_error(cmd, "more than %u --key options",
                                       MAX_KEYS);
            a.keys[a.nkeys++] = optarg;
            break;
        case 'P':
            e = cli_set_once(cmd, "--previous", &a.previous, optarg);
            break;
        case 'r': e = cli_set_once(cmd, "--root", &a.root, optarg); break;
        case 's':
            e = cli_set_once(cmd, "--signature", &a.sigpath, optarg);
            break;
        case 'p': e = cli_set_once(cmd, "--pubkey", &a.pubpath, optarg); break;
        case 'o': e = cli_set_once(cmd, "--output", &a.out, optarg); break;
        case 'j': a.json = true; break;
        case 'h': fputs(help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error(cmd, "bad option");
        }
        if (e != 0)
            return e;
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, "%s needs exactly one FILE", argv[0]);
    a.file = argv[optind];
    return run ? run(kind, cmd, &a) : doc_inspect(cmd, &a);
}

/* The options of root's subcommands: create's, then those of sign, tbs,
 * attach and inspect (cli_doc_shared). */
static const struct option root_doc_opts[] = {
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

int cmd_root(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("root", "needs a subcommand: create, sign, "
                               "tbs, attach or inspect");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(root_help, stdout);
        return HV_EXIT_OK;
    }
    if (strcmp(argv[1], "create") == 0)
        return root_create(argc - 1, argv + 1);
    int rc = cli_doc_shared(HV_DOC_ROOT, "root", root_help, root_doc_opts,
                            argc - 1, argv + 1);
    if (rc >= 0)
        return rc;
    char shown[128];
    return cli_usage_error("root", "unknown subcommand '%s'",
                           hv_printable(argv[1], shown, sizeof shown));
}
