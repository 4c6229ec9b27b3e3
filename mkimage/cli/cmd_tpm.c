/*
 * hvimage tpm: provision and read the security floor's TPM NV index
 * (docs/TPM.md) through tpm2-tss, for devices assembled with a profile whose
 * counter kind is tpm.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "counter_tpm.h"

static const char tpm_help[] =
    "usage: hvimage tpm provision [--tcti TCTI] [--nv-index H] [--floor N]\n"
    "                             [--key-epoch N] [--keyring-version N]\n"
    "                             [--root-version N] [--floor-only]\n"
    "       hvimage tpm read [--tcti TCTI] [--nv-index H] [--json]\n\n"
    "The counters of a device whose profile says counter kind tpm, in TPM\n"
    "2.0 NV indices (docs/TPM.md): the security floor at H, and for a device\n"
    "that trusts roots (trust area version 2) the key epoch at H+1, the\n"
    "keyring version at H+2 and the root version at H+3. TCTI: tpm2-tss's\n"
    "TCTI loader syntax, e.g. swtpm:host=127.0.0.1,port=2321 or\n"
    "device:/dev/tpmrm0 (default $HV_TPM_TCTI). H: the floor's index\n"
    "(default 0x01800100; H to H+3 in the owner range 0x01800000-0x01BFFFFF).\n"
    "  provision  define the four indices (--floor-only: the floor's alone,\n"
    "             enough for a version 1 device) under the owner hierarchy\n"
    "             (empty owner password) with the attributes the boot stage\n"
    "             requires and write each value (default 0); an index already\n"
    "             there with those attributes is kept and its value raised,\n"
    "             never lowered; one with other attributes is refused\n"
    "  read       check the indices as the stage does and print the values;\n"
    "             an index after the floor's that is not defined reads as\n"
    "             absent (a version 1 device's TPM)\n"
    "Exit 0 done, 1 index refused (wrong attributes, missing, or a lower\n"
    "value asked), 2 bad usage, 3 TPM or I/O failure.\n";

/* Counters in NV index order (H + 0..3) with their names and options. */
static const struct {
    uint32_t ctr;       /* HV_BS_CTR_* */
    const char *name;   /* as printed */
    const char *json;   /* JSON key */
} order[HV_TPM_NV_COUNT] = {
    {HV_BS_CTR_FLOOR, "floor", "floor"},
    {HV_BS_CTR_EPOCH, "key epoch", "key_epoch"},
    {HV_BS_CTR_KEYRING, "keyring version", "keyring_version"},
    {HV_BS_CTR_ROOT, "root version", "root_version"},
};

/* Provision index |nv| with |value|, printing one line; a CLI exit code. */
static int provision_one(hv_tpm *t, uint32_t nv, const char *name,
                         uint64_t value, bool asked, hv_diag *diag)
{
    uint64_t before = 0, now = 0;
    bool exists, created = false;
    hv_tpm2_nv_public pub;
    if (hv_tpm_nv_public(t, nv, &exists, &pub, diag) != 0 ||
        (exists && (pub.attributes & HV_TPMA_NV_WRITTEN) &&
         !hv_tpm2_floor_public_check(&pub, nv) &&
         hv_tpm_floor_read(t, nv, &before, diag) != 0))
        return cli_report("tpm", diag);
    if (exists && asked && value < before &&
        (pub.attributes & HV_TPMA_NV_WRITTEN)) {
        hv_fail(diag, HV_FAIL_REJECTED, "the %s never goes down: the value "
                "asked is below index 0x%08x's (%llu)", name, (unsigned)nv,
                (unsigned long long)before);
        return cli_report("tpm", diag);
    }
    if (hv_tpm_provision(t, nv, value, &created, diag) != 0 ||
        hv_tpm_floor_read(t, nv, &now, diag) != 0)
        return cli_report("tpm", diag);
    printf("NV index 0x%08x %s; %s %llu\n", (unsigned)nv,
           created ? "defined" : "already provisioned", name,
           (unsigned long long)now);
    return HV_EXIT_OK;
}

int cmd_tpm(int argc, char **argv)
{
    static const struct option opts[] = {
        {"tcti", required_argument, 0, 't'},
        {"nv-index", required_argument, 0, 'n'},
        {"floor", required_argument, 0, 'f'},
        {"key-epoch", required_argument, 0, 'e'},
        {"keyring-version", required_argument, 0, 'k'},
        {"root-version", required_argument, 0, 'r'},
        {"floor-only", no_argument, 0, 'o'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *tcti_opt = NULL, *nv_s = NULL;
    /* Values to provision, in NV index order; set[i]: given. */
    const char *given[HV_TPM_NV_COUNT] = {NULL, NULL, NULL, NULL};
    uint64_t value[HV_TPM_NV_COUNT] = {0, 0, 0, 0};
    static const char *const opt_name[HV_TPM_NV_COUNT] = {
        "--floor", "--key-epoch", "--keyring-version", "--root-version"};
    uint64_t nv = HV_TPM_NV_FLOOR;
    bool json = false, floor_only = false;
    int c, rc;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int at = c == 'f' ? 0 : c == 'e' ? 1 : c == 'k' ? 2 : c == 'r' ? 3 : -1;
        if (at >= 0) {
            if ((rc = cli_set_once("tpm", opt_name[at], &given[at], optarg)))
                return rc;
            if (!cli_parse_u64(optarg, &value[at]))
                return cli_usage_error("tpm", "%s '%s' is not an unsigned "
                                       "64-bit number", opt_name[at], optarg);
            continue;
        }
        switch (c) {
        case 't':
            if ((rc = cli_set_once("tpm", "--tcti", &tcti_opt, optarg)))
                return rc;
            break;
        case 'n':
            if ((rc = cli_set_once("tpm", "--nv-index", &nv_s, optarg)))
                return rc;
            if (!cli_parse_u64(optarg, &nv) || nv < HV_COUNTER_TPM_NV_MIN ||
                nv > HV_COUNTER_TPM_NV_MAX)
                return cli_usage_error("tpm", "--nv-index must be in the "
                                       "owner range 0x%08x to 0x%08x",
                                       HV_COUNTER_TPM_NV_MIN,
                                       HV_COUNTER_TPM_NV_MAX);
            break;
        case 'o': floor_only = true; break;
        case 'j': json = true; break;
        case 'h': fputs(tpm_help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("tpm", "bad option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("tpm", "needs one subcommand: provision or "
                                      "read");
    const char *sub = argv[optind];
    bool provision = !strcmp(sub, "provision");
    if (!provision && strcmp(sub, "read") != 0)
        return cli_usage_error("tpm", "unknown subcommand '%s'", sub);
    if (provision && json)
        return cli_usage_error("tpm", "--json is for read only");
    for (unsigned i = 0; i < HV_TPM_NV_COUNT; i++)
        if (!provision && given[i])
            return cli_usage_error("tpm", "%s is for provision only",
                                   opt_name[i]);
    if (!provision && floor_only)
        return cli_usage_error("tpm", "--floor-only is for provision only");
    for (unsigned i = 1; floor_only && i < HV_TPM_NV_COUNT; i++)
        if (given[i])
            return cli_usage_error("tpm", "%s with --floor-only",
                                   opt_name[i]);
    unsigned count = floor_only ? 1 : HV_TPM_NV_COUNT;
    if (provision && nv > HV_COUNTER_TPM_NV_MAX - (count - 1))
        return cli_usage_error("tpm", "--nv-index: the %u indices from it "
                               "must be in the owner range (up to 0x%08x)",
                               count, HV_COUNTER_TPM_NV_MAX);
    const char *tcti = hv_tpm_tcti(tcti_opt);
    if (!tcti)
        return cli_usage_error("tpm", "no TPM: give --tcti TCTI or set "
                                      "HV_TPM_TCTI");

    hv_diag diag = {0};
    hv_tpm *t = hv_tpm_open(tcti, &diag);
    if (!t)
        return cli_report("tpm", &diag);
    rc = HV_EXIT_OK;
    if (provision) {
        for (unsigned i = 0; i < count && rc == HV_EXIT_OK; i++)
            rc = provision_one(t, (uint32_t)nv + i, order[i].name, value[i],
                               given[i] != NULL, &diag);
        hv_tpm_close(t);
        return rc;
    }
    /* read: the floor must be there; the others may be absent (a version
     * 1 device's TPM), but one that is there is checked as the stage
     * checks it. */
    uint64_t got[HV_TPM_NV_COUNT] = {0, 0, 0, 0};
    bool present[HV_TPM_NV_COUNT] = {false, false, false, false};
    for (unsigned i = 0; i < HV_TPM_NV_COUNT && rc == HV_EXIT_OK; i++) {
        uint32_t idx = (uint32_t)nv + i;
        bool exists = true;
        hv_tpm2_nv_public pub;
        if (i > 0 && (idx > HV_COUNTER_TPM_NV_MAX ||
                      (hv_tpm_nv_public(t, idx, &exists, &pub, &diag) == 0 &&
                       !exists)))
            continue;
        if ((i > 0 && diag.msg[0]) ||
            hv_tpm_floor_read(t, idx, &got[i], &diag) != 0)
            rc = cli_report("tpm", &diag);
        else
            present[i] = true;
    }
    if (rc == HV_EXIT_OK && json) {
        printf("{\"nv_index\": %llu", (unsigned long long)nv);
        for (unsigned i = 0; i < HV_TPM_NV_COUNT; i++) {
            if (present[i])
                printf(", \"%s\": %llu", order[i].json,
                       (unsigned long long)got[i]);
            else
                printf(", \"%s\": null", order[i].json);
        }
        printf("}\n");
    } else if (rc == HV_EXIT_OK) {
        for (unsigned i = 0; i < HV_TPM_NV_COUNT; i++) {
            if (present[i])
                printf("NV index 0x%08x: %s %llu\n", (unsigned)nv + i,
                       order[i].name, (unsigned long long)got[i]);
            else
                printf("NV index 0x%08x: %s absent\n", (unsigned)nv + i,
                       order[i].name);
        }
    }
    hv_tpm_close(t);
    return rc;
}
