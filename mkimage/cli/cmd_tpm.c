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
    "       hvimage tpm read [--tcti TCTI] [--nv-index H] [--json]\n\n"
    "The security floor of a device whose profile says counter kind tpm, in\n"
    "a TPM 2.0 NV index (docs/TPM.md). TCTI: tpm2-tss's TCTI loader syntax,\n"
    "e.g. swtpm:host=127.0.0.1,port=2321 or device:/dev/tpmrm0 (default\n"
    "$HV_TPM_TCTI). H: the index (default 0x01800100, in the owner range\n"
    "0x01800000-0x01BFFFFF).\n"
    "  provision  define the index under the owner hierarchy (empty owner\n"
    "             password) with the attributes the boot stage requires and\n"
    "             write the floor (--floor, default 0); an index already there\n"
    "             with those attributes is kept and its floor raised, never\n"
    "             lowered; one with other attributes is refused\n"
    "  read       check the index as the stage does and print its floor\n"
    "Exit 0 done, 1 index refused (wrong attributes, missing, or a lower\n"
    "floor asked), 2 bad usage, 3 TPM or I/O failure.\n";

int cmd_tpm(int argc, char **argv)
{
    static const struct option opts[] = {
        {"tcti", required_argument, 0, 't'},
        {"nv-index", required_argument, 0, 'n'},
        {"floor", required_argument, 0, 'f'},
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *tcti_opt = NULL, *nv_s = NULL, *floor_s = NULL;
    uint64_t nv = HV_TPM_NV_FLOOR, floor = 0;
    bool json = false;
    int c, rc;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
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
        case 'f':
            if ((rc = cli_set_once("tpm", "--floor", &floor_s, optarg)))
                return rc;
            if (!cli_parse_u64(optarg, &floor))
                return cli_usage_error("tpm", "--floor '%s' is not an "
                                       "unsigned 64-bit number", optarg);
            break;
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
    if (!provision && floor_s)
        return cli_usage_error("tpm", "--floor is for provision only");
    const char *tcti = hv_tpm_tcti(tcti_opt);
    if (!tcti)
        return cli_usage_error("tpm", "no TPM: give --tcti TCTI or set "
                                      "HV_TPM_TCTI");

    hv_diag diag = {0};
    hv_tpm *t = hv_tpm_open(tcti, &diag);
    if (!t)
        return cli_report("tpm", &diag);
    uint64_t value = 0;
    bool created = false;
    rc = HV_EXIT_OK;
    if (provision) {
        uint64_t before = 0;
        bool exists;
        hv_tpm2_nv_public pub;
        if (hv_tpm_nv_public(t, (uint32_t)nv, &exists, &pub, &diag) != 0 ||
            (exists && (pub.attributes & HV_TPMA_NV_WRITTEN) &&
             !hv_tpm2_floor_public_check(&pub, (uint32_t)nv) &&
             hv_tpm_floor_read(t, (uint32_t)nv, &before, &diag) != 0))
            rc = cli_report("tpm", &diag);
        else if (exists && floor_s && floor < before &&
                 (pub.attributes & HV_TPMA_NV_WRITTEN))
            rc = cli_report("tpm", &(hv_diag){"the floor never goes down: "
                                              "--floor is below the index's "
                                              "floor", HV_FAIL_REJECTED});
        else if (hv_tpm_provision(t, (uint32_t)nv, floor, &created,
                                  &diag) != 0 ||
                 hv_tpm_floor_read(t, (uint32_t)nv, &value, &diag) != 0)
            rc = cli_report("tpm", &diag);
        else
            printf("NV index 0x%08x %s; floor %llu\n", (unsigned)nv,
                   created ? "defined" : "already provisioned",
                   (unsigned long long)value);
    } else if (hv_tpm_floor_read(t, (uint32_t)nv, &value, &diag) != 0) {
        rc = cli_report("tpm", &diag);
    } else if (json) {
        printf("{\"nv_index\": %llu, \"floor\": %llu}\n",
               (unsigned long long)nv, (unsigned long long)value);
    } else {
        printf("NV index 0x%08x: floor %llu\n", (unsigned)nv,
               (unsigned long long)value);
    }
    hv_tpm_close(t);
    return rc;
}
