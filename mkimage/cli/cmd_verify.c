/* verify and extract: both run the boot verifier library, unchanged. The
 * option parsing and the verifier run are shared with sbom (cli.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder.h"
#include "cleanup.h"
#include "cli.h"
#include "cli_print.h"
#include "exit_codes.h"
#include "hvlinux.h"
#include "hvpolicy.h"
#include "plan.h"
#include "unpack.h"

static const char verify_help[] =
    "usage: hvimage verify (--key PUB.pem [--key ...] | --root ROOT.hvroot\n"
    "                      [--min-root-version N] [--min-keyring-version N]\n"
    "                      [--min-key-epoch N]) --board BOARD\n"
    "                      (--oem OEM | --profile PROFILE | --any-oem)\n"
    "                      (--rollback N | --no-rollback-check)\n"
    "                      [--min-signatures N] [--no-ram-check] [--json]\n"
    "                      [--progress] IMAGE\n\n"
    "Verify IMAGE exactly as the boot stage does (same library): header,\n"
    "signatures against the trusted keys, OEM, board, rollback counter,\n"
    "then every section read once, hashed and decompressed to its declared\n"
    "size. The stage always checks the OEM and the counter: give them, or\n"
    "waive them by name (the verdict then says \"not checked\").\n"
    "--profile takes the OEM from an OEM profile, requires BOARD to be one\n"
    "of its boards and every --key to be one it accepts.\n"
    "--root verifies as a device provisioned with that root document (a\n"
    "trust area version 2, docs/KEYS.md): the image's trust block must start\n"
    "at that root, its keyring be signed by a threshold of the newest root,\n"
    "and every signer be a keyring key of an epoch not revoked and a scope\n"
    "holding the OEM and board; --min-* are the device's confirmed root\n"
    "version, keyring version and key epoch (default 0).\n"
    "Then the bundled boot stage's RAM windows (docs/BOOT.md \"One device\n"
    "policy\"); --no-ram-check waives them, for an image meant for a device\n"
    "with another stage (the verdict then says \"not checked: ram\").\n"
    "A verify that takes over a second draws a progress line on stderr when\n"
    "stderr is a terminal (never with --json); --progress forces it.\n"
    "Exit 0 verified, 1 rejected, 2 bad usage or input.\n";

static const char extract_help[] =
    "usage: hvimage extract --key PUB.pem [--key ...] --board BOARD\n"
    "                       (--oem OEM | --profile PROFILE | --any-oem)\n"
    "                       (--rollback N | --no-rollback-check)\n"
    "                       [--min-signatures N] [--no-ram-check]\n"
    "                       -o FOLDER IMAGE\n\n"
    "Verify IMAGE as 'hvimage verify' does, then write its sections into\n"
    "FOLDER: core.bin, bootcfg.txt, drivers/ (the archive unpacked) and\n"
    "drivers.tar, and each extra section by name; for a Linux core also\n"
    "cmdline.txt and initramfs.cpio, and its drivers as drivers.cpio (not\n"
    "unpacked). FOLDER must not exist or\n"
    "be empty; everything is written into a fresh folder beside it, renamed\n"
    "into place at the end, so a refusal leaves nothing. Exit 1 if the image\n"
    "or its content is refused (a link leaving the folder, ...).\n";

static int once(const char *cmd, const char *opt, bool *seen)
{
    if (*seen)
        return cli_usage_error(cmd, "%s given twice", opt);
    *seen = true;
    return -1;
}

/* The OEM, boards and key policy of an OEM profile (--profile). */
static int apply_profile(const char *cmd, cli_verify_opts *o,
                         hv_profile *prof)
{
    hv_diag diag = {0};
    char shown[256];
    if (hv_profile_load(o->profile, prof, &diag) != 0) {
        return cli_report(cmd, &diag);
    }
    o->oem = prof->oem_id;
    bool listed = false;
    for (size_t i = 0; i < prof->board_count; i++)
        listed = listed || strcmp(prof->boards[i], o->board) == 0;
    if (!listed) {
        char list[HV_MAX_BOARDS * (HV_BOARD_ID_SIZE + 2) + 1] = "";
        for (size_t i = 0; i < prof->board_count; i++) {
            strcat(list, i ? ", " : "");
            strcat(list, prof->boards[i]);
        }
        char shown_profile[1024];
        return cli_usage_error(cmd, "--board '%s' is not one of the boards "
                                    "of profile %s: %s",
                               hv_printable(o->board, shown, sizeof shown),
                               hv_printable(o->profile, shown_profile,
                                            sizeof shown_profile),
                               list);
    }
    for (size_t i = 0; i < o->keys.count; i++)
        if (hv_profile_accepts_key(prof, &o->keys.pub[i], &diag) != 0) {
            cli_print_error(cmd, diag.msg);
            return HV_EXIT_USAGE;
        }
    return -1;
}

/* see cli.h */
int cli_verify_parse(const char *cmd, const char *help, int argc,
                     char **argv, cli_verify_opts *o, hv_profile *prof,
                     const char **out)
{
    static const struct option opts[] = {
        {"key", required_argument, 0, 'k'},
        {"board", required_argument, 0, 'b'},
        {"rollback", required_argument, 0, 'r'},
        {"no-rollback-check", no_argument, 0, 'R'},
        {"no-ram-check", no_argument, 0, 'W'},
        {"oem", required_argument, 0, 'O'},
        {"any-oem", no_argument, 0, 'A'},
        {"profile", required_argument, 0, 'p'},
        {"min-signatures", required_argument, 0, 'n'},
        {"json", no_argument, 0, 'j'},
        {"progress", no_argument, 0, 'G'},
        {"output", required_argument, 0, 'o'},
        {"root", required_argument, 0, 'T'},
        {"min-root-version", required_argument, 0, 1001},
        {"min-keyring-version", required_argument, 0, 1002},
        {"min-key-epoch", required_argument, 0, 1003},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    bool seen_floor[3] = {false, false, false};
    static const char *const floor_opt[3] = {"--min-root-version",
                                             "--min-keyring-version",
                                             "--min-key-epoch"};
    bool seen_board = false, seen_rollback = false, seen_oem = false,
         seen_profile = false, seen_out = false, seen_min = false;
    hv_diag diag;
    uint64_t v = 0;
    int c, rc;
    memset(o, 0, sizeof *o);
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:b:r:p:o:jh", opts, NULL)) != -1) {
        rc = -1;
        switch (c) {
        case 'k':
            if (cli_keys_add(&o->keys, optarg, &diag) != 0) {
                cli_print_error(cmd, diag.msg);
                return HV_EXIT_USAGE;
            }
            break;
        case 'b':
            rc = once(cmd, "--board", &seen_board);
            o->board = optarg;
            break;
        case 'O':
            rc = once(cmd, "--oem", &seen_oem);
            o->oem = optarg;
            break;
        case 'A': o->oem_waived = true; break;
        case 'p':
            rc = once(cmd, "--profile", &seen_profile);
            o->profile = optarg;
            break;
        case 'G': o->progress = true; break;
        case 'j':
            if (out)
                return cli_usage_error(cmd, "no --json for this command");
            o->json = true;
            break;
        case 'o':
            if (!out)
                return cli_usage_error(cmd, "no -o for this command");
            rc = once(cmd, "-o", &seen_out);
            *out = optarg;
            break;
        case 'r':
            rc = once(cmd, "--rollback", &seen_rollback);
            if (rc < 0 && !cli_parse_u64(optarg, &o->rollback)) {
                char shown[256];
                return cli_usage_error(cmd, "--rollback needs an unsigned "
                                            "integer, got '%s'",
                                       hv_printable(optarg, shown,
                                                    sizeof shown));
            }
            break;
        case 'R': o->rollback_waived = true; break;
        case 'W': o->ram_waived = true; break;
        case 'n':
            rc = once(cmd, "--min-signatures", &seen_min);
            if (rc < 0 && (!cli_parse_u64(optarg, &v) || v < 1 ||
                           v > HV_MAX_SIGNATURE_SLOTS))
                return cli_usage_error(cmd, "--min-signatures must be 1..%u",
                                       HV_MAX_SIGNATURE_SLOTS);
            o->min_signatures = (uint32_t)v;
            break;
        case 'T':
            if (o->root_path)
                return cli_usage_error(cmd, "--root given twice");
            o->root_path = optarg;
            break;
        case 1001:
        case 1002:
        case 1003: {
            int f = c - 1001;
            uint64_t *dst[3] = {&o->min_root_version, &o->min_keyring_version,
                                &o->min_key_epoch};
            rc = once(cmd, floor_opt[f], &seen_floor[f]);
            if (rc < 0 && !cli_parse_u64(optarg, dst[f]))
                return cli_usage_error(cmd, "%s needs an unsigned integer",
                                       floor_opt[f]);
            break;
        }
        case 'h': fputs(help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error(cmd, "bad option");
        }
        if (rc >= 0)
            return rc;
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, "needs exactly one IMAGE");
    if (o->root_path && o->keys.count > 0)
        return cli_usage_error(cmd, "--root and --key exclude each other: a "
                                    "device trusts roots or keys");
    for (int f = 0; f < 3; f++)
        if (seen_floor[f] && !o->root_path)
            return cli_usage_error(cmd, "%s needs --root", floor_opt[f]);
    if (o->keys.count == 0 && !o->root_path)
        return cli_usage_error(cmd, "no trusted key: give --key PUB.pem or "
                                    "--root ROOT.hvroot");
    if (!o->board)
        return cli_usage_error(cmd, "--board is required (the verifier "
                                    "checks the image lists it)");
    if (seen_oem + seen_profile + o->oem_waived != 1)
        return cli_usage_error(cmd, "give exactly one of --oem OEM, "
                                    "--profile PROFILE (the device's OEM) "
                                    "and --any-oem (OEM not checked)");
    if (seen_rollback + o->rollback_waived != 1)
        return cli_usage_error(cmd, "give exactly one of --rollback N (the "
                                    "device's rollback counter) and "
                                    "--no-rollback-check (not checked)");
    if (o->root_path &&
        hv_root_anchor_load(o->root_path, &o->anchor, &diag) != 0)
        return cli_report(cmd, &diag);
    if (o->profile)
        return apply_profile(cmd, o, prof);
    return -1;
}

/* ---- What was not checked, and why a check failed ---------------------- */

static json_object *not_checked_json(const cli_verify_opts *o)
{
    json_object *a = json_object_new_array();
    if (o->oem_waived)
        json_object_array_add(a, json_object_new_string("oem"));
    if (o->rollback_waived)
        json_object_array_add(a, json_object_new_string("rollback"));
    if (o->ram_waived)
        json_object_array_add(a, json_object_new_string("ram"));
    return a;
}

/* ", not checked: oem, rollback, ram" for the waived ones, or "". */
static const char *not_checked_text(const cli_verify_opts *o)
{
    static char text[64];
    const char *names[3];
    size_t n = 0, at = 0;
    if (o->oem_waived)
        names[n++] = "oem";
    if (o->rollback_waived)
        names[n++] = "rollback";
    if (o->ram_waived)
        names[n++] = "ram";
    text[0] = '\0';
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(text + at, sizeof text - at, "%s%s",
                               i ? ", " : ", not checked: ", names[i]);
    return text;
}

/* For a refused OEM, board or counter: what the device wanted and what the
 * image holds, appended to |msg| and, when |j| is given, as j["mismatch"]. */
static void explain_mismatch(const cli_verify_run *run,
                             const cli_verify_opts *o, char *msg, size_t size,
                             json_object *j)
{
    const hv_verdict *v = &run->verdict;
    const hv_image_info *in = &v->info;
    size_t len = strlen(msg);
    char shown[256];
    if (!run->ran || !v->info_valid)
        return;
    json_object *m = json_object_new_object();
    if (v->result == HV_ERR_BOARD) {
        json_object *boards = json_object_new_array();
        snprintf(msg + len, size - len, ": board '%s' is not among the "
                                        "image's boards:",
                 hv_printable(o->board, shown, sizeof shown));
        for (uint32_t i = 0; i < in->board_count; i++) {
            len = strlen(msg);
            snprintf(msg + len, size - len, " %s", in->boards[i]);
            json_object_array_add(boards, json_object_new_string(in->boards[i]));
        }
        json_object_object_add(m, "check", json_object_new_string("board"));
        cli_json_add_text(m, "wanted", o->board);
        json_object_object_add(m, "image", boards);
    } else if (v->result == HV_ERR_OEM && o->oem) {
        snprintf(msg + len, size - len, ": the image's OEM is '%s', the "
                                        "device's '%s'",
                 in->oem_id, hv_printable(o->oem, shown, sizeof shown));
        json_object_object_add(m, "check", json_object_new_string("oem"));
        cli_json_add_text(m, "wanted", o->oem);
        json_object_object_add(m, "image", json_object_new_string(in->oem_id));
    } else if (v->result == HV_ERR_ROLLBACK) {
        snprintf(msg + len, size - len, ": the image's security version %llu "
                                        "is below the rollback counter %llu",
                 (unsigned long long)in->security_version,
                 (unsigned long long)v->rollback_counter);
        json_object_object_add(m, "check", json_object_new_string("rollback"));
        json_object_object_add(m, "wanted_at_least",
                               json_object_new_uint64(v->rollback_counter));
        json_object_object_add(m, "image",
                               json_object_new_uint64(in->security_version));
    } else {
        json_object_put(m);
        return;
    }
    if (j)
        json_object_object_add(j, "mismatch", m);
    else
        json_object_put(m);
}

static void print_verdict_json(const char *path, const cli_verify_opts *o,
                               const cli_verify_run *run, int rc,
                               const char *reason)
{
    const hv_verdict *v = &run->verdict;
    json_object *j = json_object_new_object();
    cli_json_add_text(j, "image", path);
    json_object_object_add(j, "verified", json_object_new_boolean(rc == 0));
    json_object_object_add(
        j, "result",
        json_object_new_string(run->ran ? hv_result_name(v->result)
                                        : "not_run"));
    json_object_object_add(j, "reason", cli_json_text(reason));
    json_object_object_add(j, "exit_code", json_object_new_int(rc));
    if (run->ran && v->fail_offset != UINT64_MAX)
        json_object_object_add(j, "fail_offset",
                               json_object_new_uint64(v->fail_offset));
    json_object *signers = json_object_new_array();
    for (uint32_t i = 0; run->ran && i < v->signers; i++)
        json_object_array_add(signers,
                              cli_json_hex(v->signer_ids[i], HV_KEY_ID_SIZE));
    json_object_object_add(j, "signers", signers);
    if (o->root_path) {
        /* Only what the roots vouched for: null until they did. */
        json_object *t = NULL;
        if (run->ran && v->trust.verified) {
            t = json_object_new_object();
            json_object_object_add(t, "root_version",
                json_object_new_uint64(v->trust.root_version));
            json_object_object_add(t, "root_documents",
                json_object_new_int((int)v->trust.root_count));
            json_object_object_add(t, "keyring_version",
                json_object_new_uint64(v->trust.keyring_version));
            json_object_object_add(t, "min_epoch",
                json_object_new_uint64(v->trust.min_epoch));
            json_object *ep = json_object_new_array();
            for (uint32_t i = 0; i < v->signers; i++)
                json_object_array_add(ep, json_object_new_uint64(
                                              v->trust.signer_epochs[i]));
            json_object_object_add(t, "signer_epochs", ep);
        }
        json_object_object_add(j, "trust", t);
        cli_json_add_text(j, "root", o->root_path);
        json_object_object_add(j, "min_root_version",
                               json_object_new_uint64(o->min_root_version));
        json_object_object_add(j, "min_keyring_version",
                               json_object_new_uint64(o->min_keyring_version));
        json_object_object_add(j, "min_key_epoch",
                               json_object_new_uint64(o->min_key_epoch));
    }
    cli_json_add_text(j, "board", o->board);
    if (o->oem)
        cli_json_add_text(j, "oem", o->oem);
    else
        json_object_object_add(j, "oem", NULL);
    if (o->profile)
        cli_json_add_text(j, "profile", o->profile);
    json_object_object_add(j, "rollback_counter",
                           o->rollback_waived
                               ? NULL
                               : json_object_new_uint64(o->rollback));
    json_object_object_add(j, "not_checked", not_checked_json(o));
    if (rc != 0) {
        char scratch[HV_DIAG_MAX] = "";
        explain_mismatch(run, o, scratch, sizeof scratch, j);
    }
    if (run->ran && v->info_valid)
        json_object_object_add(j, "metadata", cli_info_json(&v->info));
    cli_json_print(stdout, j);
}

/* Run the verifier; on rejection the message gains the expected and actual
 * values. Returns the exit code. */
/* see cli.h */
int cli_verify_checked(const char *path, const cli_verify_opts *o,
                       cli_verify_run *run, hv_diag *diag)
{
    cli_verify_opts eff = *o;
    /* No counter given and the check waived: 0 accepts every version. */
    if (o->rollback_waived)
        eff.rollback = 0;
    int rc = cli_verify_file(path, &eff, run, diag);
    if (rc != 0)
        explain_mismatch(run, o, diag->msg, sizeof diag->msg, NULL);
    return rc;
}

/* ---- A Linux core's verified bytes -------------------------------------- */

/* What a bzImage's setup header checks read: the boot sector and up to 255
 * setup sectors. Kept while the core streams through, not the whole core. */
#define LINUX_HEAD_MAX (256u * 512u)

typedef struct linux_bytes {
    uint8_t head[LINUX_HEAD_MAX];
    size_t head_len;
    uint8_t cmdline[HV_LINUX_CMDLINE_MAX];
    size_t cmdline_len;
} linux_bytes;

/* The verifier's sink: bytes it has authenticated, section by section. */
static int keep_linux_bytes(void *user, const hv_section *s,
                            const uint8_t *p, size_t len)
{
    linux_bytes *lb = user;
    uint8_t *dst = NULL;
    size_t *have = NULL, cap = 0;
    if (s->type == HV_SECTION_CORE) {
        dst = lb->head, have = &lb->head_len, cap = sizeof lb->head;
    } else if (s->type == HV_SECTION_CMDLINE) {
        dst = lb->cmdline, have = &lb->cmdline_len, cap = sizeof lb->cmdline;
    } else {
        return 0;
    }
    size_t n = len < cap - *have ? len : cap - *have;
    memcpy(dst + *have, p, n);
    *have += n;
    return 0;
}

/*
 * The checks the stage makes before it starts a verified Linux core
 * (hvlinux.h, docs/BOOT.md): its setup header, its signed load address and
 * entry being where the stage's core window puts it, and the command line
 * within the kernel's limit less the stage's share. |head| holds the
 * core's first bytes (at least min(its size, LINUX_HEAD_MAX)). Returns 0,
 * or -1 with |diag| naming the section (a rejected image).
 */
static int check_linux_core(const char *path, const hv_image_info *in,
                            const uint8_t *head, const uint8_t *cmdline,
                            size_t cmdline_len, hv_diag *diag)
{
    const hv_section *core = &in->sections[0];
    hv_linux_kernel k;
    hv_linux_refusal r = hv_linux_parse(head, core->unpacked_size, &k);
    if (r != HV_LINUX_OK)
        return hv_fail(diag, HV_FAIL_REJECTED, "%s: rejected in section "
                       "'core': not a bzImage the boot stage can start: %s "
                       "[%s]", path, hv_linux_refusal_str(r),
                       hv_linux_refusal_name(r));
    uint64_t load, entry;
    if (hv_linux_placement(&k, HV_STAGE_CORE_WINDOW_BASE,
                           HV_STAGE_CORE_WINDOW_LIMIT, &load, &entry) != 0)
        return hv_fail(diag, HV_FAIL_REJECTED, "%s: rejected in section "
                       "'core': the kernel does not fit the boot stage's "
                       "core window [0x%x, 0x%x)", path,
                       (unsigned)HV_STAGE_CORE_WINDOW_BASE,
                       (unsigned)HV_STAGE_CORE_WINDOW_LIMIT);
    if (core->load_address != load || core->entry_point != entry)
        return hv_fail(diag, HV_FAIL_REJECTED, "%s: rejected in section "
                       "'core': load address 0x%llx and entry 0x%llx are not "
                       "where the boot stage puts this kernel (0x%llx, "
                       "0x%llx)", path,
                       (unsigned long long)core->load_address,
                       (unsigned long long)core->entry_point,
                       (unsigned long long)load, (unsigned long long)entry);
    uint64_t limit = k.cmdline_size < HV_LINUX_CMDLINE_MAX
                         ? k.cmdline_size
                         : HV_LINUX_CMDLINE_MAX;
    uint64_t max = limit > HV_LINUX_CMDLINE_STAGE_RESERVE
                       ? limit - HV_LINUX_CMDLINE_STAGE_RESERVE
                       : 0;
    uint64_t bad = 0;
    if (hv_linux_cmdline_check(cmdline, cmdline_len, max, &bad) != 0) {
        if (bad >= cmdline_len)
            return hv_fail(diag, HV_FAIL_REJECTED, "%s: rejected in section "
                           "'cmdline': %zu bytes, the kernel takes %llu",
                           path, cmdline_len, (unsigned long long)max);
        return hv_fail(diag, HV_FAIL_REJECTED, "%s: rejected in section "
                       "'cmdline': byte %llu is 0x%02x, not printable ASCII",
                       path, (unsigned long long)bad, cmdline[bad]);
    }
    return 0;
}

/* The cmdline section of a verified image whose sections are held. */
static const hv_section *find_section(const hv_image_info *in, uint32_t type)
{
    for (uint32_t i = 0; i < in->section_count; i++)
        if (in->sections[i].type == type)
            return &in->sections[i];
    return NULL;
}

int cmd_verify(int argc, char **argv)
{
    cli_verify_opts o;
    hv_profile prof;
    memset(&prof, 0, sizeof prof);
    int rc = cli_verify_parse("verify", verify_help, argc, argv, &o, &prof, NULL);
    if (rc >= 0) {
        hv_profile_free(&prof);
        return rc;
    }
    const char *path = argv[optind];
    cli_verify_run run;
    /* verify needs no section bytes: stream them (extract keeps them),
     * but for a Linux core keep what the stage's own checks read. */
    o.stream = true;
    linux_bytes *lb = calloc(1, sizeof *lb);
    if (!lb) {
        hv_profile_free(&prof);
        fputs("hvimage verify: out of memory\n", stderr);
        return HV_EXIT_INTERNAL;
    }
    o.section_sink = keep_linux_bytes;
    o.sink_user = lb;
    hv_diag diag = {0};
    rc = cli_verify_checked(path, &o, &run, &diag);
    /* After verification only: until then these bytes mean nothing. A
     * version 1 image (held, not streamed) is never a Linux core. */
    if (rc == 0 && run.verdict.info.core_kind == HV_CORE_KIND_LINUX &&
        check_linux_core(path, &run.verdict.info, lb->head, lb->cmdline,
                         lb->cmdline_len, &diag) != 0)
        rc = cli_exit_for_class(diag.cls);
    free(lb);
    const hv_verdict *v = &run.verdict;
    if (o.json) {
        print_verdict_json(path, &o, &run, rc,
                           rc == 0 ? "image verified" : diag.msg);
    } else if (rc == 0) {
        char spath[1024], sboard[256];
        printf("%s: verified (%s %s, security version %llu, board %s, ",
               hv_printable(path, spath, sizeof spath), v->info.name,
               v->info.version, (unsigned long long)v->info.security_version,
               hv_printable(o.board, sboard, sizeof sboard));
        if (o.rollback_waived)
            printf("rollback counter not given, ");
        else
            printf("rollback counter %llu, ", (unsigned long long)o.rollback);
        printf("%u signature(s)%s)\n", v->signers, not_checked_text(&o));
        bool epochs = o.root_path && v->trust.verified;
        if (epochs)
            printf("  roots: newest root version %llu (%u root document(s) "
                   "from version %llu), keyring version %llu, keys of epoch "
                   "%llu and up\n",
                   (unsigned long long)v->trust.root_version,
                   v->trust.root_count,
                   (unsigned long long)o.anchor.roots.version,
                   (unsigned long long)v->trust.keyring_version,
                   (unsigned long long)v->trust.min_epoch);
        for (uint32_t i = 0; i < v->signers; i++) {
            printf("  signer ");
            cli_hex(stdout, v->signer_ids[i], HV_KEY_ID_SIZE);
            if (epochs)
                printf(" epoch %llu",
                       (unsigned long long)v->trust.signer_epochs[i]);
            putchar('\n');
        }
    }
    if (rc != 0)
        cli_print_error("verify", diag.msg);
    cli_verify_release(&run);
    hv_profile_free(&prof);
    return rc;
}

/* ---- extract ---------------------------------------------------------- */

/* Write |n| bytes to |name| in the (fresh, private) folder |dirfd|. */
static int write_file_at(int dirfd, const char *dir, const char *name,
                         const uint8_t *p, uint64_t n, hv_diag *diag)
{
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                                     O_CLOEXEC, 0644);
    if (fd < 0)
        return hv_fail(diag, HV_FAIL_IO, "%s/%s: cannot create: %s", dir,
                       name, strerror(errno));
    while (n > 0) {
        size_t chunk = n > (1u << 30) ? (1u << 30) : (size_t)n;
        ssize_t w = write(fd, p, chunk);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int err = w < 0 ? errno : EIO;
            close(fd);
            return hv_fail(diag, HV_FAIL_IO, "%s/%s: write failed: %s", dir,
                           name, strerror(err));
        }
        p += w;
        n -= (uint64_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0)
        return hv_fail(diag, HV_FAIL_IO, "%s/%s: write failed: %s", dir,
                       name, strerror(errno));
    return 0;
}

/* The output folder: absent, or an empty folder (not a link to one). */
static int check_output_folder(const char *dir, hv_diag *diag)
{
    struct stat st;
    if (lstat(dir, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        return hv_fail_errno(diag, errno, dir, "cannot use as output");
    }
    if (!S_ISDIR(st.st_mode))
        return hv_diag_set(diag, "%s: exists and is not a folder", dir);
    DIR *d = opendir(dir);
    if (!d)
        return hv_fail_errno(diag, errno, dir, "cannot list");
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            rc = hv_diag_set(diag, "%s: exists and is not empty (extract "
                                   "writes only into a new or empty folder)",
                             dir);
    closedir(d);
    return rc;
}

/* An extra section named like another output ("core.bin", ...) or "." /
 * ".." would overwrite it or miss the folder: refuse the image. */
static int check_section_names(const hv_image_info *in, hv_diag *diag)
{
    static const char *const taken[] = {"core.bin", "bootcfg.txt",
                                        "drivers.tar", "drivers", "sbom.json",
                                        "drivers.cpio", "cmdline.txt",
                                        "initramfs.cpio", ".", ".."};
    for (uint32_t i = 0; i < in->section_count; i++)
        for (size_t j = 0; in->sections[i].type == HV_SECTION_EXTRA &&
                           j < sizeof taken / sizeof taken[0];
             j++)
            if (strcmp(in->sections[i].name, taken[j]) == 0)
                return hv_fail(diag, HV_FAIL_REJECTED,
                               "section '%s': its name clashes with an "
                               "output of extract",
                               in->sections[i].name);
    return 0;
}

/* A Linux core's drivers are a newc cpio for the kernel (docs/FORMAT.md),
 * written as they are, not unpacked. */
static const char *output_name(const hv_image_info *in, const hv_section *s)
{
    switch (s->type) {
    case HV_SECTION_CORE: return "core.bin";
    case HV_SECTION_BOOTCFG: return "bootcfg.txt";
    case HV_SECTION_DRIVERS:
        return in->core_kind == HV_CORE_KIND_LINUX ? "drivers.cpio"
                                                   : "drivers.tar";
    case HV_SECTION_SBOM: return "sbom.json";
    case HV_SECTION_CMDLINE: return "cmdline.txt";
    case HV_SECTION_INITRAMFS: return "initramfs.cpio";
    default: return s->name;
    }
}

/* Write every section into the folder |tmpfd|; messages name the folder
 * the user asked for, |dir|. */
static int write_sections(const hv_image_info *in, int tmpfd, const char *dir,
                          hv_diag *diag)
{
    for (uint32_t i = 0; i < in->section_count; i++) {
        const hv_section *s = &in->sections[i];
        if (write_file_at(tmpfd, dir, output_name(in, s), s->data,
                          s->unpacked_size, diag) != 0)
            return -1;
        if (s->type != HV_SECTION_DRIVERS ||
            in->core_kind == HV_CORE_KIND_LINUX)
            continue;
        char label[PATH_MAX + 16];
        snprintf(label, sizeof label, "%s/drivers", dir);
        if (mkdirat(tmpfd, "drivers", 0755) != 0)
            return hv_fail(diag, HV_FAIL_IO, "%s: cannot create: %s", label,
                           strerror(errno));
        int dfd = openat(tmpfd, "drivers",
                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd < 0)
            return hv_fail(diag, HV_FAIL_IO, "%s: cannot open: %s", label,
                           strerror(errno));
        int rc = hv_unpack_tar(s->data, (size_t)s->unpacked_size, dfd, label,
                               diag);
        if (rc == 0 && fsync(dfd) != 0)
            rc = hv_fail(diag, HV_FAIL_IO, "%s: fsync: %s", label,
                         strerror(errno));
        close(dfd);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Make the fresh folder look like mkdir(2) made it, and rename it into
 * place (over an empty folder, which rename(2) replaces atomically). */
static int publish(int tmpfd, const char *tmp, const char *dir,
                   hv_diag *diag)
{
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(tmpfd, 0755 & ~mask) != 0 || fsync(tmpfd) != 0)
        return hv_fail(diag, HV_FAIL_IO, "%s: %s", tmp, strerror(errno));
    if (rename(tmp, dir) != 0) {
        if (errno == ENOTEMPTY || errno == EEXIST)
            return hv_diag_set(diag, "%s: was filled while extracting; "
                                     "nothing written",
                               dir);
        return hv_fail_errno(diag, errno, dir, "cannot rename into place");
    }
    /* The rename itself, durable: fsync the parent folder. */
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", dir);
    char *slash = strrchr(parent, '/');
    if (slash == parent)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(parent, sizeof parent, ".");
    int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd >= 0) {
        (void)fsync(pfd); /* best effort: the data is already synced */
        close(pfd);
    }
    return 0;
}

int cmd_extract(int argc, char **argv)
{
    cli_verify_opts o;
    hv_profile prof;
    const char *out = NULL;
    memset(&prof, 0, sizeof prof);
    int rc = cli_verify_parse("extract", extract_help, argc, argv, &o, &prof, &out);
    if (rc >= 0) {
        hv_profile_free(&prof);
        return rc;
    }
    if (!out) {
        hv_profile_free(&prof);
        return cli_usage_error("extract", "-o FOLDER is required");
    }
    /* FOLDER without trailing slashes: the temporary folder goes beside
     * it, under the name FOLDER.tmp-XXXXXX. */
    char dir[PATH_MAX], tmp[PATH_MAX + 16];
    hv_diag diag = {0};
    size_t dlen = strlen(out);
    while (dlen > 1 && out[dlen - 1] == '/')
        dlen--;
    if (dlen >= sizeof dir || (dlen == 1 && out[0] == '/')) {
        hv_profile_free(&prof);
        return cli_usage_error("extract", "-o: not a usable folder name");
    }
    memcpy(dir, out, dlen);
    dir[dlen] = '\0';
    /* "." and ".." cannot be renamed onto: refuse them before any work. */
    const char *base = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
    if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        hv_profile_free(&prof);
        return cli_usage_error("extract", "-o %s: name a new or empty "
                                          "folder, not '.' or '..'", base);
    }
    snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", dir);
    /* The output is checked, and the fresh folder made, before any work. */
    int cleanup = 0;
    if (check_output_folder(dir, &diag) != 0 ||
        ((cleanup = hv_cleanup_mkdtemp(tmp)) < 0 &&
         hv_fail_errno(&diag, errno, tmp, "cannot create a folder") != 0)) {
        hv_profile_free(&prof);
        return cli_report("extract", &diag);
    }
    int tmpfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    cli_verify_run run;
    rc = cli_verify_checked(argv[optind], &o, &run, &diag);
    if (rc == 0) {
        if (tmpfd < 0)
            hv_fail(&diag, HV_FAIL_IO, "%s: cannot open: %s", tmp,
                    strerror(errno));
        const hv_image_info *vi = &run.verdict.info;
        const hv_section *cl = find_section(vi, HV_SECTION_CMDLINE);
        if (tmpfd >= 0 && vi->core_kind == HV_CORE_KIND_LINUX &&
            check_linux_core(argv[optind], vi, vi->sections[0].data,
                             cl ? cl->data : NULL,
                             cl ? (size_t)cl->unpacked_size : 0,
                             &diag) != 0)
            rc = cli_exit_for_class(diag.cls);
        else if (tmpfd < 0 || check_section_names(&run.verdict.info, &diag) != 0 ||
            write_sections(&run.verdict.info, tmpfd, dir, &diag) != 0 ||
            publish(tmpfd, tmp, dir, &diag) != 0)
            rc = cli_exit_for_class(diag.cls);
    }
    if (tmpfd >= 0)
        close(tmpfd);
    if (rc != 0) {
        cli_print_error("extract", diag.msg);
        if (access(tmp, F_OK) == 0 && hv_remove_tree(tmp) != 0)
            fprintf(stderr, "hvimage extract: %s: cannot remove: %s\n", tmp,
                    strerror(errno));
    }
    hv_cleanup_forget(cleanup);
    if (rc == 0) {
        const hv_image_info *in = &run.verdict.info;
        char shown[PATH_MAX * 4];
        hv_printable(dir, shown, sizeof shown);
        for (uint32_t i = 0; i < in->section_count; i++)
            printf("%s/%s (%llu bytes)\n", shown,
                   output_name(in, &in->sections[i]),
                   (unsigned long long)in->sections[i].unpacked_size);
        if (o.oem_waived || o.rollback_waived || o.ram_waived)
            printf("%s: extracted (%s)\n", shown,
                   not_checked_text(&o) + 2);
    }
    cli_verify_release(&run);
    hv_profile_free(&prof);
    return rc;
}
