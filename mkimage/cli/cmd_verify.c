/* verify and extract: both run the boot verifier library, unchanged. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "cli.h"
#include "exit_codes.h"
#include "plan.h"
#include "unpack.h"

static const char verify_help[] =
    "usage: hvimage verify --key PUB.pem [--key ...] --board BOARD\n"
    "                      [--rollback N] [--oem OEM] [--min-signatures N]\n"
    "                      [--json] IMAGE\n\n"
    "Verify IMAGE exactly as the boot stage does (same library): header,\n"
    "signatures against the trusted keys, board, rollback counter (default\n"
    "0), then every section read once, hashed and decompressed to its\n"
    "declared size. Exit 0 verified, 1 rejected, 2 bad usage or input.\n";

static const char extract_help[] =
    "usage: hvimage extract --key PUB.pem [--key ...] --board BOARD\n"
    "                       [--rollback N] [--oem OEM] -o FOLDER IMAGE\n\n"
    "Verify IMAGE as 'hvimage verify' does, then write its sections into\n"
    "FOLDER (created if missing): core.bin, bootcfg.txt, drivers/ (the\n"
    "archive unpacked) and drivers.tar, and each extra section by name.\n"
    "Nothing is written unless the image verifies.\n";

/* Parse the options shared by verify and extract; returns -1 on success
 * (keep going) or an exit code. */
static int parse_opts(const char *cmd, const char *help, int argc,
                      char **argv, cli_verify_opts *o, const char **out)
{
    static const struct option opts[] = {
        {"key", required_argument, 0, 'k'},
        {"board", required_argument, 0, 'b'},
        {"rollback", required_argument, 0, 'r'},
        {"oem", required_argument, 0, 'O'},
        {"min-signatures", required_argument, 0, 'n'},
        {"json", no_argument, 0, 'j'},
        {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    hv_diag diag;
    uint64_t v;
    int c;
    memset(o, 0, sizeof *o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:b:r:o:jh", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if (cli_keys_add(&o->keys, optarg, &diag) != 0)
                return cli_fail(cmd, HV_EXIT_USAGE, &diag);
            break;
        case 'b': o->board = optarg; break;
        case 'O': o->oem = optarg; break;
        case 'j': o->json = true; break;
        case 'o':
            if (!out)
                return cli_usage_error(cmd, "no -o for this command");
            *out = optarg;
            break;
        case 'r':
            if (!cli_parse_u64(optarg, &o->rollback))
                return cli_usage_error(cmd, "--rollback needs an unsigned "
                                            "integer, got '%s'", optarg);
            break;
        case 'n':
            if (!cli_parse_u64(optarg, &v) || v < 1 ||
                v > HV_MAX_SIGNATURE_SLOTS)
                return cli_usage_error(cmd, "--min-signatures must be 1..%u",
                                       HV_MAX_SIGNATURE_SLOTS);
            o->min_signatures = (uint32_t)v;
            break;
        case 'h': fputs(help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error(cmd, "bad option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, "needs exactly one IMAGE");
    if (o->keys.count == 0)
        return cli_usage_error(cmd, "no trusted key: give --key PUB.pem");
    if (!o->board)
        return cli_usage_error(cmd, "--board is required (the verifier "
                                    "checks the image lists it)");
    if (out && !*out)
        return cli_usage_error(cmd, "-o FOLDER is required");
    return -1;
}

int cmd_verify(int argc, char **argv)
{
    cli_verify_opts o;
    int rc = parse_opts("verify", verify_help, argc, argv, &o, NULL);
    if (rc >= 0)
        return rc;
    const char *path = argv[optind];
    cli_verify_run run;
    hv_diag diag = {0};
    rc = cli_verify_file(path, &o, &run, &diag);
    const hv_verdict *v = &run.verdict;
    if (o.json) {
        printf("{\"image\":");
        cli_json_string(stdout, path);
        printf(",\"verified\":%s,\"result\":\"%s\",\"reason\":",
               rc == 0 ? "true" : "false",
               run.ran ? hv_result_name(v->result) : "not_run");
        cli_json_string(stdout, rc == 0 ? "image verified" : diag.msg);
        printf(",\"exit_code\":%d", rc);
        if (run.ran && v->fail_offset != UINT64_MAX)
            printf(",\"fail_offset\":%llu",
                   (unsigned long long)v->fail_offset);
        printf(",\"signers\":[");
        for (uint32_t i = 0; run.ran && i < v->signers; i++) {
            printf("%s\"", i ? "," : "");
            cli_hex(stdout, v->signer_ids[i], HV_KEY_ID_SIZE);
            putchar('"');
        }
        printf("],\"board\":");
        cli_json_string(stdout, o.board);
        printf(",\"rollback_counter\":%llu", (unsigned long long)o.rollback);
        if (run.ran && v->info_valid) {
            printf(",\"metadata\":");
            cli_print_info_json(stdout, &v->info);
        }
        printf("}\n");
    } else if (rc == 0) {
        printf("%s: verified (%s %s, security version %llu, board %s, "
               "rollback counter %llu, %u signature(s))\n",
               path, v->info.name, v->info.version,
               (unsigned long long)v->info.security_version, o.board,
               (unsigned long long)o.rollback, v->signers);
        for (uint32_t i = 0; i < v->signers; i++) {
            printf("  signer ");
            cli_hex(stdout, v->signer_ids[i], HV_KEY_ID_SIZE);
            putchar('\n');
        }
    }
    if (rc != 0)
        fprintf(stderr, "hvimage verify: %s\n", diag.msg);
    cli_verify_release(&run);
    return rc;
}

static int write_file(const char *dir, const char *name, const uint8_t *p,
                      uint64_t n, hv_diag *diag)
{
    char path[4096];
    hv_atomic_file f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (hv_atomic_open(&f, path, 0644, diag) != 0)
        return -1;
    if (n && fwrite(p, 1, (size_t)n, f.fp) != n) {
        hv_atomic_abort(&f);
        return hv_diag_set(diag, "%s: write failed", path);
    }
    return hv_atomic_commit(&f, diag);
}

int cmd_extract(int argc, char **argv)
{
    cli_verify_opts o;
    const char *dir = NULL;
    int rc = parse_opts("extract", extract_help, argc, argv, &o, &dir);
    if (rc >= 0)
        return rc;
    if (!dir)
        return cli_usage_error("extract", "-o FOLDER is required");
    cli_verify_run run;
    hv_diag diag;
    rc = cli_verify_file(argv[optind], &o, &run, &diag);
    if (rc != 0) {
        fprintf(stderr, "hvimage extract: %s\n", diag.msg);
        cli_verify_release(&run);
        return rc;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "hvimage extract: %s: %s\n", dir, strerror(errno));
        cli_verify_release(&run);
        return HV_EXIT_USAGE;
    }
    const hv_image_info *in = &run.verdict.info;
    /* An extra section named like another output ("core.bin", ...) or
     * "." / ".." would overwrite it or miss the folder: refuse the image
     * before anything is written. */
    for (uint32_t i = 0; i < in->section_count; i++) {
        static const char *const taken[] = {"core.bin", "bootcfg.txt",
                                            "drivers.tar", "drivers", ".",
                                            ".."};
        for (size_t j = 0; in->sections[i].type == HV_SECTION_EXTRA &&
                           j < sizeof taken / sizeof taken[0];
             j++)
            if (strcmp(in->sections[i].name, taken[j]) == 0) {
                hv_diag_set(&diag, "section '%s': its name clashes with "
                                   "an output of extract",
                            in->sections[i].name);
                cli_verify_release(&run);
                return cli_fail("extract", HV_EXIT_REJECTED, &diag);
            }
    }
    for (uint32_t i = 0; i < in->section_count && rc == 0; i++) {
        const hv_section *s = &in->sections[i];
        char name[HV_SECTION_NAME_SIZE + 8];
        switch (s->type) {
        case HV_SECTION_CORE: snprintf(name, sizeof name, "core.bin"); break;
        case HV_SECTION_BOOTCFG: snprintf(name, sizeof name, "bootcfg.txt"); break;
        case HV_SECTION_DRIVERS: snprintf(name, sizeof name, "drivers.tar"); break;
        default: snprintf(name, sizeof name, "%s", s->name); break;
        }
        if (write_file(dir, name, s->data, s->unpacked_size, &diag) != 0) {
            rc = cli_fail("extract", HV_EXIT_INTERNAL, &diag);
            break;
        }
        if (s->type == HV_SECTION_DRIVERS) {
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/drivers", dir);
            if ((mkdir(sub, 0755) != 0 && errno != EEXIST) ||
                hv_unpack_tar(s->data, (size_t)s->unpacked_size, sub,
                              &diag) != 0)
                rc = cli_fail("extract", HV_EXIT_INTERNAL, &diag);
        }
        if (rc == 0)
            printf("%s/%s (%llu bytes)\n", dir, name,
                   (unsigned long long)s->unpacked_size);
    }
    cli_verify_release(&run);
    return rc;
}
