#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builder.h"
#include "cli.h"
#include "exit_codes.h"

static const char help[] =
    "usage: hvimage build -m MANIFEST -p PROFILE -o IMAGE [--key KEY.pem]...\n"
    "                     [--unsigned] [--threads N] [--quiet]\n\n"
    "Build one zstd-compressed, signed image. Paths in the manifest are\n"
    "relative to the manifest's folder. The output is written atomically and\n"
    "is byte-identical for identical inputs (SOURCE_DATE_EPOCH, if set,\n"
    "overrides the manifest's build_epoch). --unsigned leaves every\n"
    "signature slot empty for the detached flow (hvimage tbs / attach).\n"
    "--key takes a PEM key file or a PKCS#11 URI (pkcs11:token=...;object=\n"
    "...?module-path=...&pin-source=file:...) naming a key in an HSM.\n"
    "--threads sets zstd workers (default: online CPUs); it never changes the\n"
    "output bytes. With 2 or more, at the slow levels (windows over 2 MiB:\n"
    "level 9 and up on a core of a few MiB), the zstd sections after the core\n"
    "are compressed beside it on one more thread.\n";

int cmd_build(int argc, char **argv)
{
    static const struct option opts[] = {
        {"manifest", required_argument, 0, 'm'},
        {"profile", required_argument, 0, 'p'},
        {"output", required_argument, 0, 'o'},
        {"key", required_argument, 0, 'k'},
        {"unsigned", no_argument, 0, 'u'},
        {"threads", required_argument, 0, 't'},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    hv_build_opts bo = {0};
    hv_signer *signers[HV_MAX_SIGNATURE_SLOTS + 1];
    size_t nsigners = 0;
    bool quiet = false;
    int rc = HV_EXIT_USAGE, c;
    hv_diag diag;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    bo.threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;

    optind = 1;
    while ((c = getopt_long(argc, argv, "m:p:o:k:t:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'm': bo.manifest_path = optarg; break;
        case 'p': bo.profile_path = optarg; break;
        case 'o': bo.output_path = optarg; break;
        case 'u': bo.allow_unsigned = true; break;
        case 'q': quiet = true; break;
        case 't': {
            uint64_t t;
            if (!cli_parse_u64(optarg, &t) || t < 1 || t > 64) {
                rc = cli_usage_error("build", "--threads must be 1..64");
                goto out;
            }
            bo.threads = (int)t;
            break;
        }
        case 'k':
            if (nsigners == HV_MAX_SIGNATURE_SLOTS) {
                rc = cli_usage_error("build", "at most %u keys",
                                     HV_MAX_SIGNATURE_SLOTS);
                goto out;
            }
            if (hv_signer_load(optarg, &signers[nsigners], &diag) != 0) {
                rc = cli_fail("build", HV_EXIT_USAGE, &diag);
                goto out;
            }
            nsigners++;
            break;
        case 'h': fputs(help, stdout); rc = HV_EXIT_OK; goto out;
        default: rc = cli_usage_error("build", "bad option"); goto out;
        }
    }
    if (optind != argc) {
        rc = cli_usage_error("build", "unexpected argument '%s'", argv[optind]);
        goto out;
    }
    if (!bo.manifest_path || !bo.profile_path || !bo.output_path) {
        rc = cli_usage_error("build", "--manifest, --profile and --output "
                                      "are required");
        goto out;
    }
    if (nsigners > 0 && bo.allow_unsigned) {
        rc = cli_usage_error("build", "--unsigned and --key exclude each other");
        goto out;
    }
    bo.signers = signers;
    bo.signer_count = nsigners;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    hv_build_report rep;
    rc = hv_build(&bo, &rep, &diag);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != 0) {
        cli_fail("build", rc, &diag);
        goto out;
    }
    if (!quiet) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) +
                      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("built %s: %llu bytes, %u sections, %u driver packages "
               "(%u archive entries), %u signature(s), %.3f s%s\n",
               bo.output_path,
               (unsigned long long)rep.info.header.image_size,
               rep.info.section_count, rep.driver_packages,
               rep.driver_entries, rep.signatures, secs,
               rep.overlapped ? "; later sections compressed beside the core"
                              : "");
    }
out:
    for (size_t i = 0; i < nsigners; i++)
        hv_signer_free(signers[i]);
    return rc;
}
