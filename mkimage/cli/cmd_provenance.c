/*
 * `hvimage provenance verify`: check a build's provenance (a DSSE envelope
 * holding an in-toto statement with a SLSA provenance predicate, written by
 * `build --provenance`) against public keys and, optionally, the image it
 * names. The signature is checked before a byte of the statement is parsed.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "dsse.h"
#include "exit_codes.h"
#include "file_digest.h"
#include "provenance.h"

static const char help[] =
    "usage: hvimage provenance verify --pub PUB.pem [--pub ...] [--image IMAGE]\n"
    "                                 [--json] FILE\n\n"
    "Check FILE, the provenance `hvimage build --provenance` wrote: every\n"
    "--pub key must have signed it (DSSE), its payload must be an in-toto\n"
    "statement (v1) with a SLSA provenance (v1) predicate of an hvimage\n"
    "build, and with --image the subject's SHA-256 must be IMAGE's. Then\n"
    "print the subject, the builder and every input with its SHA-256 (text,\n"
    "or one JSON object with --json). Exit 0 when it holds, 1 when it is\n"
    "refused, 2 for bad usage or an unreadable or malformed file\n"
    "(docs/SUPPLY-CHAIN.md, \"Build provenance\").\n";

#define MAX_PUBS 16
#define STATEMENT_DEPTH_MAX 16

typedef struct prov_input {
    const char *name, *role, *sha256, *vendor, *version, *section;
} prov_input;

typedef struct prov_facts {
    const char *subject_name, *subject_sha256;
    const char *builder_id, *builder_version, *build_type;
    const char *manifest, *profile, *started_on;
    int64_t format_version;
    prov_input *inputs;
    size_t input_count;
} prov_facts;

/* obj[key] as a string, or NULL if absent or not a string. */
static const char *str_at(json_object *obj, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static json_object *obj_at(json_object *obj, const char *key,
                           json_type type)
{
    json_object *v = NULL;
    if (!json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, type))
        return NULL;
    return v;
}

static bool is_sha256_hex(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

/* The digest object's sha256, or NULL if it is not 64 lower-case hex. */
static const char *sha256_of(json_object *o)
{
    const char *h = str_at(obj_at(o, "digest", json_type_object), "sha256");
    return is_sha256_hex(h) ? h : NULL;
}

/*
 * Read the statement's facts. Everything here was signed by a trusted key;
 * still, it is checked field by field so a malformed statement is refused
 * by name rather than half printed. Returns 0, or -1 with |diag| (refused).
 */
static int read_statement(const char *file, json_object *st, prov_facts *f,
                          hv_diag *diag)
{
    const char *type = str_at(st, "_type");
    const char *ptype = str_at(st, "predicateType");
    if (!type || strcmp(type, HV_PROVENANCE_STATEMENT_TYPE) != 0)
        return hv_fail(diag, HV_FAIL_REJECTED,
                       "%s: the statement's _type is not \"%s\"", file,
                       HV_PROVENANCE_STATEMENT_TYPE);
    if (!ptype || strcmp(ptype, HV_PROVENANCE_PREDICATE_TYPE) != 0)
        return hv_fail(diag, HV_FAIL_REJECTED,
                       "%s: the statement's predicateType is not \"%s\"",
                       file, HV_PROVENANCE_PREDICATE_TYPE);
    json_object *subj = obj_at(st, "subject", json_type_array);
    if (!subj || json_object_array_length(subj) != 1)
        return hv_fail(diag, HV_FAIL_REJECTED,
                       "%s: the statement must name exactly one subject "
                       "(the image)", file);
    json_object *s0 = json_object_array_get_idx(subj, 0);
    f->subject_name = str_at(s0, "name");
    f->subject_sha256 = sha256_of(s0);
    if (!f->subject_name || !f->subject_sha256)
        return hv_fail(diag, HV_FAIL_REJECTED,
                       "%s: the subject needs a name and a sha256 digest of "
                       "64 lower-case hex digits", file);
    json_object *pred = obj_at(st, "predicate", json_type_object);
    json_object *def = obj_at(pred, "buildDefinition", json_type_object);
    json_object *run = obj_at(pred, "runDetails", json_type_object);
    json_object *builder = obj_at(run, "builder", json_type_object);
    f->build_type = str_at(def, "buildType");
    if (!f->build_type || strcmp(f->build_type, HV_PROVENANCE_BUILD_TYPE))
        return hv_fail(diag, HV_FAIL_REJECTED,
                       "%s: buildDefinition.buildType is not \"%s\" (not "
                       "the provenance of an hvimage build)",
                       file, HV_PROVENANCE_BUILD_TYPE);
    json_object *ext = obj_at(def, "externalParameters", json_type_object);
    json_object *fv = obj_at(ext, "formatVersion", json_type_int);
    f->manifest = str_at(ext, "manifest");
    f->profile = str_at(ext, "profile");
    f->builder_id = str_at(builder, "id");
    f->builder_version =
        str_at(obj_at(builder, "version", json_type_object), "hvimage");
    f->started_on =
        str_at(obj_at(run, "metadata", json_type_object), "startedOn");
    if (!f->manifest || !f->profile || !fv || !f->builder_id ||
        !f->builder_version || !f->started_on)
        return hv_fail(diag, HV_FAIL_REJECTED,
                       "%s: the predicate lacks the manifest, profile, "
                       "format version, builder id and version or start "
                       "time hvimage writes",
                       file);
    f->format_version = json_object_get_int64(fv);
    json_object *deps = obj_at(def, "resolvedDependencies", json_type_array);
    if (!deps)
        return hv_fail(diag, HV_FAIL_REJECTED,
                       "%s: buildDefinition.resolvedDependencies is missing",
                       file);
    size_t n = json_object_array_length(deps);
    f->inputs = calloc(n ? n : 1, sizeof *f->inputs);
    if (!f->inputs)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_object *d = json_object_array_get_idx(deps, i);
        json_object *ann = obj_at(d, "annotations", json_type_object);
        prov_input *in = &f->inputs[i];
        in->name = str_at(d, "name");
        in->sha256 = sha256_of(d);
        in->role = str_at(ann, "role");
        in->vendor = str_at(ann, "vendor");
        in->version = str_at(ann, "version");
        in->section = str_at(ann, "section");
        if (!in->name || !in->sha256 || !in->role)
            return hv_fail(diag, HV_FAIL_REJECTED,
                           "%s: resolvedDependencies[%zu] needs a name, a "
                           "sha256 digest and a role",
                           file, i);
    }
    f->input_count = n;
    return 0;
}

/* Parse the (verified) payload as JSON: strict, nothing after it. */
static json_object *parse_payload(const char *file,
                                  const hv_dsse_envelope *env, hv_diag *diag)
{
    if (env->payload_len > (size_t)INT32_MAX ||
        memchr(env->payload, '\0', env->payload_len)) {
        hv_fail(diag, HV_FAIL_REJECTED, "%s: the statement is not JSON text",
                file);
        return NULL;
    }
    struct json_tokener *tok = json_tokener_new_ex(STATEMENT_DEPTH_MAX);
    if (!tok) {
        hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
        return NULL;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
                                    JSON_TOKENER_VALIDATE_UTF8);
    json_object *st = json_tokener_parse_ex(
        tok, (const char *)env->payload, (int)env->payload_len);
    size_t end = json_tokener_get_parse_end(tok);
    enum json_tokener_error err = json_tokener_get_error(tok);
    json_tokener_free(tok);
    if (!st || end != env->payload_len ||
        !json_object_is_type(st, json_type_object)) {
        hv_fail(diag, HV_FAIL_REJECTED,
                "%s: the statement is not one JSON object (payload byte "
                "%zu: %s)",
                file, end,
                st ? "not an object or data after it"
                   : json_tokener_error_desc(err));
        json_object_put(st);
        return NULL;
    }
    return st;
}

/* Compare two hex digests without an early exit. */
static bool same_digest(const char *a, const char *b)
{
    unsigned char diff = 0;
    for (size_t i = 0; i < 64; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static void print_text(const char *file, const prov_facts *f,
                       const hv_pubkey *pubs, const char *const *pub_paths,
                       size_t npubs, const char *image)
{
    char shown[1024], idhex[65];
    printf("provenance %s: OK\n", hv_printable(file, shown, sizeof shown));
    for (size_t i = 0; i < npubs; i++) {
        hv_key_id_hex(pubs[i].key_id, idhex);
        printf("  signed by   %s (%s)\n", idhex,
               hv_printable(pub_paths[i], shown, sizeof shown));
    }
    printf("  subject     %s sha256:%s\n",
           hv_printable(f->subject_name, shown, sizeof shown),
           f->subject_sha256);
    if (image)
        printf("  image       %s: same sha256\n",
               hv_printable(image, shown, sizeof shown));
    else
        printf("  image       not checked (no --image)\n");
    printf("  builder     %s, hvimage %s\n",
           hv_printable(f->builder_id, shown, sizeof shown),
           hv_printable(f->builder_version, idhex, sizeof idhex));
    printf("  build type  %s, format version %lld\n", f->build_type,
           (long long)f->format_version);
    printf("  built on    %s\n",
           hv_printable(f->started_on, shown, sizeof shown));
    printf("  manifest    %s\n",
           hv_printable(f->manifest, shown, sizeof shown));
    printf("  profile     %s\n",
           hv_printable(f->profile, shown, sizeof shown));
    printf("  inputs      %zu\n", f->input_count);
    for (size_t i = 0; i < f->input_count; i++) {
        const prov_input *in = &f->inputs[i];
        char role[64], extra[256] = "";
        hv_printable(in->role, role, sizeof role);
        if (in->vendor && in->version) {
            char v[96], w[96];
            snprintf(extra, sizeof extra, " (%s %s)",
                     hv_printable(in->vendor, v, sizeof v),
                     hv_printable(in->version, w, sizeof w));
        } else if (in->section) {
            char v[96];
            snprintf(extra, sizeof extra, " (section %s)",
                     hv_printable(in->section, v, sizeof v));
        }
        printf("    %-9s %s%s sha256:%s\n", role,
               hv_printable(in->name, shown, sizeof shown), extra,
               in->sha256);
    }
}

static void print_json(const char *file, const prov_facts *f,
                       const hv_pubkey *pubs, size_t npubs, const char *image)
{
    json_object *j = json_object_new_object();
    cli_json_add_text(j, "file", file);
    json_object_object_add(j, "verified", json_object_new_boolean(1));
    json_object *signers = json_object_new_array();
    for (size_t i = 0; i < npubs; i++)
        json_object_array_add(signers,
                              cli_json_hex(pubs[i].key_id, HV_KEY_ID_SIZE));
    json_object_object_add(j, "signers", signers);
    json_object *subj = json_object_new_object();
    cli_json_add_text(subj, "name", f->subject_name);
    json_object_object_add(subj, "sha256",
                           json_object_new_string(f->subject_sha256));
    json_object_object_add(j, "subject", subj);
    if (image) {
        json_object *im = json_object_new_object();
        cli_json_add_text(im, "path", image);
        json_object_object_add(im, "matches", json_object_new_boolean(1));
        json_object_object_add(j, "image", im);
    } else {
        json_object_object_add(j, "image", NULL);
    }
    json_object *b = json_object_new_object();
    cli_json_add_text(b, "id", f->builder_id);
    cli_json_add_text(b, "version", f->builder_version);
    json_object_object_add(j, "builder", b);
    json_object_object_add(j, "build_type",
                           json_object_new_string(f->build_type));
    json_object_object_add(j, "format_version",
                           json_object_new_int64(f->format_version));
    cli_json_add_text(j, "started_on", f->started_on);
    cli_json_add_text(j, "manifest", f->manifest);
    cli_json_add_text(j, "profile", f->profile);
    json_object *ins = json_object_new_array();
    for (size_t i = 0; i < f->input_count; i++) {
        const prov_input *in = &f->inputs[i];
        json_object *o = json_object_new_object();
        cli_json_add_text(o, "name", in->name);
        cli_json_add_text(o, "role", in->role);
        json_object_object_add(o, "sha256",
                               json_object_new_string(in->sha256));
        if (in->vendor)
            cli_json_add_text(o, "vendor", in->vendor);
        if (in->version)
            cli_json_add_text(o, "version", in->version);
        if (in->section)
            cli_json_add_text(o, "section", in->section);
        json_object_array_add(ins, o);
    }
    json_object_object_add(j, "inputs", ins);
    cli_json_print(stdout, j);
}

static int verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"pub", required_argument, 0, 'k'},
        {"image", required_argument, 0, 'i'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *pub_paths[MAX_PUBS];
    hv_pubkey pubs[MAX_PUBS];
    bool valid[MAX_PUBS];
    const char *image = NULL, *file;
    size_t npubs = 0, count = 0;
    bool json = false;
    hv_diag diag = {0};
    hv_dsse_envelope env;
    json_object *st = NULL;
    prov_facts facts;
    int c, rc;

    memset(&env, 0, sizeof env);
    memset(&facts, 0, sizeof facts);
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:i:jh", opts, NULL)) != -1) {
        int e = 0;
        switch (c) {
        case 'k':
            if (npubs == MAX_PUBS)
                return cli_usage_error("provenance", "at most %d --pub keys",
                                       MAX_PUBS);
            pub_paths[npubs++] = optarg;
            break;
        case 'i':
            e = cli_set_once("provenance", "--image", &image, optarg);
            break;
        case 'j': json = true; break;
        case 'h': fputs(help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("provenance", "bad option");
        }
        if (e != 0)
            return e;
    }
    if (argc - optind != 1)
        return cli_usage_error("provenance", "verify takes one FILE, the "
                               "provenance");
    file = argv[optind];
    if (npubs == 0)
        return cli_usage_error("provenance", "--pub is required: the keys "
                               "that must have signed the provenance");
    for (size_t i = 0; i < npubs; i++) {
        if (hv_pubkey_load(pub_paths[i], &pubs[i], &diag) != 0)
            return cli_report("provenance", &diag);
        for (size_t k = 0; k < i; k++)
            if (memcmp(pubs[k].key_id, pubs[i].key_id, HV_KEY_ID_SIZE) == 0)
                return cli_usage_error("provenance", "%s and %s are the "
                                       "same key", pub_paths[k],
                                       pub_paths[i]);
    }
    if (hv_dsse_read_file(file, HV_DSSE_LIMIT_PROVENANCE, &env, &diag) != 0)
        return cli_report("provenance", &diag);

    /* The signatures first: nothing unauthenticated is parsed. */
    if (hv_dsse_verify(&env, pubs, npubs, valid, &count, &diag) != 0)
        goto fail;
    for (size_t i = 0; i < npubs; i++)
        if (!valid[i]) {
            char idhex[65];
            hv_key_id_hex(pubs[i].key_id, idhex);
            hv_fail(&diag, HV_FAIL_REJECTED,
                    "%s: no valid signature by %s (key %s) over its payload "
                    "and payload type",
                    file, pub_paths[i], idhex);
            goto fail;
        }
    if (strcmp(env.payload_type, HV_PROVENANCE_PAYLOAD_TYPE) != 0) {
        hv_fail(&diag, HV_FAIL_REJECTED,
                "%s: payloadType is \"%s\", not \"%s\"", file,
                env.payload_type, HV_PROVENANCE_PAYLOAD_TYPE);
        goto fail;
    }
    if (!(st = parse_payload(file, &env, &diag)) ||
        read_statement(file, st, &facts, &diag) != 0)
        goto fail;
    if (image) {
        uint8_t d[32];
        char hex[65];
        static const char digits[] = "0123456789abcdef";
        if (hv_file_sha256(image, d, NULL, &diag) != 0)
            goto fail;
        for (size_t i = 0; i < 32; i++) {
            hex[2 * i] = digits[d[i] >> 4];
            hex[2 * i + 1] = digits[d[i] & 15];
        }
        hex[64] = '\0';
        if (!same_digest(hex, facts.subject_sha256)) {
            hv_fail(&diag, HV_FAIL_REJECTED,
                    "%s: the image's sha256 is %s, the provenance's subject "
                    "has %s: it is the provenance of another image",
                    image, hex, facts.subject_sha256);
            goto fail;
        }
    }
    if (json)
        print_json(file, &facts, pubs, npubs, image);
    else
        print_text(file, &facts, pubs, pub_paths, npubs, image);
    rc = HV_EXIT_OK;
    goto out;
fail:
    if (json && diag.cls == HV_FAIL_REJECTED) {
        json_object *j = json_object_new_object();
        cli_json_add_text(j, "file", file);
        json_object_object_add(j, "verified", json_object_new_boolean(0));
        cli_json_add_text(j, "reason", diag.msg);
        cli_json_print(stdout, j);
    }
    rc = cli_report("provenance", &diag);
out:
    free(facts.inputs);
    json_object_put(st);
    hv_dsse_free(&env);
    return rc;
}

int cmd_provenance(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
                      strcmp(argv[1], "-h") == 0)) {
        fputs(help, stdout);
        return HV_EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "verify") != 0)
        return cli_usage_error("provenance", "the one subcommand is "
                               "'verify'");
    return verify(argc - 1, argv + 1);
}
