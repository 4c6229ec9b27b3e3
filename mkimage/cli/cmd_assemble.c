#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assemble.h"
#include "cli.h"
#include "cli_print.h"
#include "exit_codes.h"
#include "plan.h"

static const char help[] =
    "usage: hvimage assemble -p PROFILE [--stage STAGE.bin] --key PUB.pem\n"
    "                        [--key PUB.pem]... [--min-signatures N]\n"
    "                        --board BOARD [--rollback N]\n"
    "                        --slot-a IMAGE [--slot-b IMAGE] [--active a|b]\n"
    "                        [--allow-rejected] [--json] [--quiet] -o FLASH\n\n"
    "Lay out a whole factory flash image as the OEM profile describes it\n"
    "(docs/BOOT.md): the boot stage with its trust area provisioned (board,\n"
    "OEM, rollback counter, flash map, the --key records it trusts), the\n"
    "boot state (active slot, default a), slot A, slot B (erased if not\n"
    "given); every other byte is 0xFF. A profile with 'roots' provisions a\n"
    "trust area version 2 instead of --key records (docs/KEYS.md): the root\n"
    "keys' fingerprints, root threshold and version, and the image\n"
    "threshold (roots.image_threshold or --min-signatures); each slot image\n"
    "must then carry a trust block that verifies from those roots.\n"
    "Every other byte is 0xFF. Each slot image must be an hvimage\n"
    "that fits its slot and that the boot stage accepts: the boot verifier\n"
    "under exactly these keys, signature count, board, OEM and rollback\n"
    "counter, and the stage's core and payload RAM windows. A rejected\n"
    "image exits 1 with the reason and the expected and actual values;\n"
    "--allow-rejected writes it anyway (to test the boot stage's refusals).\n"
    "The output is written atomically. --json prints the layout as one\n"
    "JSON object.\n"
    "Without --stage, the installed boot stage is used if there is one:\n"
    "share/hvimage/hvstage.bin beside the binary's folder, else\n"
    HV_DATADIR "/hvstage.bin.\n";

static bool is_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * The installed boot stage, for assemble without --stage: first the
 * share/hvimage folder that belongs to this binary (HV_DATADIR_FROM_BINDIR,
 * relative to the binary's folder), so an installation staged with DESTDIR
 * or moved elsewhere uses its own stage; then the configured HV_DATADIR.
 * NULL if neither holds a regular file. |buf| holds the path returned.
 */
static const char *installed_stage(char *buf, size_t size)
{
    static const char name[] = "hvstage.bin";
    int n;

    if (HV_DATADIR_FROM_BINDIR[0] != '\0') {
        char exe[PATH_MAX];
        ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
        char *slash;
        if (len > 0) {
            exe[len] = '\0';
            slash = strrchr(exe, '/');
            if (slash) {
                *slash = '\0';
                char rel[PATH_MAX];
                n = snprintf(rel, sizeof rel, "%s/%s/%s", exe,
                             HV_DATADIR_FROM_BINDIR, name);
                /* realpath: the message names the file without "bin/..". */
                if (n > 0 && (size_t)n < sizeof rel && size >= PATH_MAX &&
                    realpath(rel, buf) && is_regular_file(buf))
                    return buf;
            }
        }
    }
    n = snprintf(buf, size, "%s/%s", HV_DATADIR, name);
    if (n > 0 && (size_t)n < size && is_regular_file(buf))
        return buf;
    return NULL;
}

static void print_key_id(FILE *f, const uint8_t *id)
{
    cli_hex(f, id, HV_KEY_ID_SIZE);
}

static const char *const region_names[4] = {"boot_stage", "boot_state",
                                            "slot_a", "slot_b"};

static void print_text(const char *out, const hv_assemble_opts *o,
                       const hv_assemble_report *r)
{
    printf("assembled %s: %llu KiB flash for board %s (oem %s)\n", out,
           (unsigned long long)(r->flash_size / 1024), o->board, r->oem_id);
    for (int i = 0; i < 4; i++)
        printf("  %-10s at 0x%08llx, %6llu KiB\n", region_names[i],
               (unsigned long long)r->region_offset[i],
               (unsigned long long)(r->region_size[i] / 1024));
    if (r->roots) {
        printf("  stage:      %llu bytes, trust area version 2 at 0x%llx: "
               "rollback counter %llu, root version %llu, %u of %zu root "
               "key(s), %u image signature(s) required\n",
               (unsigned long long)r->stage_size,
               (unsigned long long)r->trust_offset,
               (unsigned long long)o->rollback,
               (unsigned long long)r->root_version, r->root_threshold,
               r->root_count, r->min_signatures);
        for (size_t i = 0; i < r->root_count; i++) {
            printf("    root fingerprint ");
            cli_hex(stdout, r->root_fps[i], HV_ROOT_FP_SIZE);
            putchar('\n');
        }
    } else {
        printf("  stage:      %llu bytes, trust area at 0x%llx: rollback "
               "counter %llu, %zu trusted key(s)\n",
               (unsigned long long)r->stage_size,
               (unsigned long long)r->trust_offset,
               (unsigned long long)o->rollback, r->key_count);
    }
    for (size_t i = 0; i < r->key_count; i++) {
        printf("    key ");
        print_key_id(stdout, r->key_ids[i]);
        printf(" %s\n", hv_sig_alg_name(r->key_algs[i]));
    }
    if (r->counter_kind == HV_COUNTER_TPM)
        printf("  counter:    TPM NV index 0x%08x (provision it with hvimage "
               "tpm provision)\n", (unsigned)r->counter_nv);
    else
        printf("  counter:    lab (in the boot_state region)\n");
    printf("  boot state: active slot %c (sequence 1)\n",
           o->active_slot == HV_SLOT_B ? 'B' : 'A');
    for (int s = 0; s < 2; s++) {
        const hv_assemble_slot *sl = &r->slot[s];
        printf("  slot %c:     ", s ? 'B' : 'A');
        if (!sl->present) {
            printf("empty (erased)\n");
            continue;
        }
        if (sl->info_valid)
            printf("%s %s, security version %llu, ", sl->name, sl->version,
                   (unsigned long long)sl->security_version);
        printf("%llu bytes, %s\n", (unsigned long long)sl->image_size,
               sl->result == HV_OK ? "verified for this device"
                                   : "REJECTED for this device");
        if (sl->result != HV_OK)
            printf("              %s\n", sl->reason);
    }
}

static json_object *u64(uint64_t v)
{
    return json_object_new_uint64(v);
}

/* The layout as one JSON object, built with json-c (docs/CLI.md). */
static void print_json(const char *out, const hv_assemble_opts *o,
                       const hv_assemble_report *r)
{
    json_object *j = json_object_new_object();
    cli_json_add_text(j, "flash", out);
    json_object_object_add(j, "size", u64(r->flash_size));
    json_object_object_add(j, "erase_block", u64(r->erase_block));
    cli_json_add_text(j, "board", o->board);
    cli_json_add_text(j, "oem_id", r->oem_id);
    json_object_object_add(j, "rollback_counter", u64(o->rollback));
    json_object *ctr = json_object_new_object();
    json_object_object_add(ctr, "kind", json_object_new_string(
                               r->counter_kind == HV_COUNTER_TPM ? "tpm"
                                                                 : "lab"));
    if (r->counter_kind == HV_COUNTER_TPM)
        json_object_object_add(ctr, "nv_index", u64(r->counter_nv));
    json_object_object_add(j, "counter", ctr);
    json_object_object_add(j, "min_signatures", u64(r->min_signatures));
    json_object *roots = NULL;
    if (r->roots) {
        json_object *fps = json_object_new_array();
        roots = json_object_new_object();
        json_object_object_add(roots, "version", u64(r->root_version));
        json_object_object_add(roots, "threshold", u64(r->root_threshold));
        for (size_t i = 0; i < r->root_count; i++)
            json_object_array_add(fps, cli_json_hex(r->root_fps[i],
                                                    HV_ROOT_FP_SIZE));
        json_object_object_add(roots, "fingerprints", fps);
    }
    json_object_object_add(j, "roots", roots);
    json_object_object_add(j, "active_slot", json_object_new_string(
                                  o->active_slot == HV_SLOT_B ? "b" : "a"));
    json_object *regions = json_object_new_object();
    for (int i = 0; i < 4; i++) {
        json_object *reg = json_object_new_object();
        json_object_object_add(reg, "offset", u64(r->region_offset[i]));
        json_object_object_add(reg, "size", u64(r->region_size[i]));
        json_object_object_add(regions, region_names[i], reg);
    }
    json_object_object_add(j, "regions", regions);
    json_object *stage = json_object_new_object();
    json_object_object_add(stage, "size", u64(r->stage_size));
    json_object_object_add(stage, "trust_area_offset", u64(r->trust_offset));
    json_object_object_add(j, "stage", stage);
    json_object *keys = json_object_new_array();
    for (size_t i = 0; i < r->key_count; i++) {
        json_object *k = json_object_new_object();
        cli_json_add_hex(k, "key_id", r->key_ids[i], HV_KEY_ID_SIZE);
        json_object_object_add(k, "algorithm", json_object_new_string(
                                   hv_sig_alg_name(r->key_algs[i])));
        json_object_array_add(keys, k);
    }
    json_object_object_add(j, "keys", keys);
    json_object *slots = json_object_new_object();
    for (int s = 0; s < 2; s++) {
        const hv_assemble_slot *sl = &r->slot[s];
        const char *name = s ? "b" : "a";
        if (!sl->present) {
            json_object_object_add(slots, name, NULL); /* JSON null */
            continue;
        }
        json_object *so = json_object_new_object();
        cli_json_add_text(so, "image", o->slot_path[s]);
        json_object_object_add(so, "image_size", u64(sl->image_size));
        json_object_object_add(so, "verified",
                               json_object_new_boolean(sl->result == HV_OK));
        json_object_object_add(so, "result", json_object_new_string(
                                   hv_result_name(sl->result)));
        if (sl->result != HV_OK)
            cli_json_add_text(so, "reason", sl->reason);
        if (sl->info_valid) {
            cli_json_add_text(so, "name", sl->name);
            cli_json_add_text(so, "version", sl->version);
            json_object_object_add(so, "security_version",
                                   u64(sl->security_version));
        }
        json_object_object_add(slots, name, so);
    }
    json_object_object_add(j, "slots", slots);
    cli_json_print(stdout, j);
}

int cmd_assemble(int argc, char **argv)
{
    static const struct option opts[] = {
        {"profile", required_argument, 0, 'p'},
        {"stage", required_argument, 0, 's'},
        {"key", required_argument, 0, 'k'},
        {"min-signatures", required_argument, 0, 'M'},
        {"board", required_argument, 0, 'b'},
        {"rollback", required_argument, 0, 'r'},
        {"slot-a", required_argument, 0, 'A'},
        {"slot-b", required_argument, 0, 'B'},
        {"active", required_argument, 0, 'a'},
        {"allow-rejected", no_argument, 0, 'R'},
        {"output", required_argument, 0, 'o'},
        {"json", no_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *keys[HV_TRUST_MAX_KEYS];
    hv_assemble_opts o = {0};
    bool json = false, quiet = false;
    uint64_t v;
    int c;

    o.key_paths = keys;
    o.active_slot = HV_SLOT_A;
    optind = 1;
    const char *min_sigs = NULL, *rollback = NULL, *active = NULL;
    while ((c = getopt_long(argc, argv, "p:k:b:o:qh", opts, NULL)) != -1) {
        int e = 0;
        switch (c) {
        case 'p':
            e = cli_set_once("assemble", "--profile", &o.profile_path, optarg);
            break;
        case 's':
            e = cli_set_once("assemble", "--stage", &o.stage_path, optarg);
            break;
        case 'b':
            e = cli_set_once("assemble", "--board", &o.board, optarg);
            break;
        case 'A':
            e = cli_set_once("assemble", "--slot-a",
                             &o.slot_path[HV_SLOT_A], optarg);
            break;
        case 'B':
            e = cli_set_once("assemble", "--slot-b",
                             &o.slot_path[HV_SLOT_B], optarg);
            break;
        case 'M':
            e = cli_set_once("assemble", "--min-signatures", &min_sigs, optarg);
            break;
        case 'r':
            e = cli_set_once("assemble", "--rollback", &rollback, optarg);
            break;
        case 'a':
            e = cli_set_once("assemble", "--active", &active, optarg);
            break;
        case 'o':
            e = cli_set_once("assemble", "--output", &o.output_path, optarg);
            break;
        case 'R': o.allow_rejected = true; break;
        case 'j': json = true; break;
        case 'q': quiet = true; break;
        case 'k':
            if (o.key_count == HV_TRUST_MAX_KEYS)
                return cli_usage_error("assemble", "at most %u --key",
                                       HV_TRUST_MAX_KEYS);
            keys[o.key_count++] = optarg;
            break;
        case 'h': fputs(help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("assemble", "bad option");
        }
        if (e != 0)
            return e;
    }
    if (optind != argc)
        return cli_usage_error("assemble", "unexpected argument '%s'",
                               argv[optind]);
    static const char *const required[] = {"--profile", "--board", "--slot-a",
                                           "--output"};
    const char *given[] = {o.profile_path, o.board, o.slot_path[HV_SLOT_A],
                           o.output_path};
    for (size_t i = 0; i < sizeof given / sizeof given[0]; i++)
        if (!given[i])
            return cli_usage_error("assemble", "%s is required", required[i]);
    char stage_buf[PATH_MAX];
    if (!o.stage_path) {
        o.stage_path = installed_stage(stage_buf, sizeof stage_buf);
        if (!o.stage_path)
            return cli_usage_error("assemble", "--stage is required: no "
                                   "installed boot stage (%s/hvstage.bin)",
                                   HV_DATADIR);
        if (!quiet && !json)
            fprintf(stderr, "hvimage assemble: no --stage: using the "
                    "installed boot stage %s\n", o.stage_path);
    }
    /* --key is required unless the profile provisions roots; hv_assemble
     * knows the profile and says which. */
    if (min_sigs) {
        if (!cli_parse_u64(min_sigs, &v) || v < 1 || v > HV_TRUST_MAX_KEYS)
            return cli_usage_error("assemble", "--min-signatures must be "
                                   "1..%u, not '%s'", HV_TRUST_MAX_KEYS,
                                   min_sigs);
        o.min_signatures = (uint32_t)v;
    }
    if (rollback && !cli_parse_u64(rollback, &o.rollback))
        return cli_usage_error("assemble", "--rollback '%s' is not an "
                               "unsigned 64-bit number", rollback);
    if (active) {
        if (strcmp(active, "a") == 0 || strcmp(active, "A") == 0)
            o.active_slot = HV_SLOT_A;
        else if (strcmp(active, "b") == 0 || strcmp(active, "B") == 0)
            o.active_slot = HV_SLOT_B;
        else
            return cli_usage_error("assemble", "--active must be a or b, not "
                                   "'%s'", active);
    }
    const char *inputs[4 + HV_TRUST_MAX_KEYS] = {
        o.profile_path, o.stage_path, o.slot_path[HV_SLOT_A],
        o.slot_path[HV_SLOT_B]};
    for (size_t i = 0; i < o.key_count; i++)
        inputs[4 + i] = keys[i];
    int rc = cli_check_output("assemble", "--output", o.output_path, inputs,
                              4 + o.key_count);
    if (rc != 0)
        return rc;

    hv_assemble_report rep;
    hv_diag diag = {0};
    if (hv_assemble(&o, &rep, &diag) != 0)
        return cli_report("assemble", &diag);
    if (json)
        print_json(o.output_path, &o, &rep);
    else if (!quiet)
        print_text(o.output_path, &o, &rep);
    for (int s = 0; s < 2; s++)
        if (rep.slot[s].present && rep.slot[s].result != HV_OK)
            fprintf(stderr, "hvimage assemble: warning: slot %c holds an "
                    "image this device rejects: %s\n", s ? 'B' : 'A',
                    rep.slot[s].reason);
    return HV_EXIT_OK;
}
