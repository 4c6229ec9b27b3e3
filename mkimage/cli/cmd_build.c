#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builder.h"
#include "cli.h"
#include "cli_progress.h"
#include "exit_codes.h"
#include "output_check.h"
#include "provenance.h"

/* Whether two output paths, which need not exist yet, name one file: the
 * same folder (by device and inode) and the same name in it. */
static bool same_output(const char *a, const char *b)
{
    if (hv_same_file(a, b))
        return true;
    const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
    const char *na = sa ? sa + 1 : a, *nb = sb ? sb + 1 : b;
    if (strcmp(na, nb) != 0)
        return false;
    char da[4096], db[4096];
    snprintf(da, sizeof da, "%.*s", sa ? (int)(sa - a + 1) : 1,
             sa ? a : ".");
    snprintf(db, sizeof db, "%.*s", sb ? (int)(sb - b + 1) : 1,
             sb ? b : ".");
    return hv_same_file(da, db);
}

static const char help[] =
    "usage: hvimage build -m MANIFEST -p PROFILE -o IMAGE [--key KEY.pem]...\n"
    "                     [--unsigned] [--threads N] [--quiet|--progress]\n"
    "                     [--format-version 1|2] [--provenance FILE]\n"
    "                     [--trust-block BUNDLE.hvtrust]\n\n"
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
    "are compressed beside it on one more thread.\n"
    "A progress line (bytes in and out, ratio, rate, time left) goes to\n"
    "stderr once a build takes over a second and stderr is a terminal;\n"
    "--progress forces it, --quiet silences it and the summary line.\n"
    "--format-version 1 writes the format that boot stages from before\n"
    "version 2 verify (no chunk tables: update install and verify then hold\n"
    "each section whole in memory); the default is 2 (docs/FORMAT.md).\n"
    "--provenance FILE writes, once the image is in place, a signed in-toto\n"
    "statement (SLSA provenance v1, in a DSSE envelope, signed with the same\n"
    "--key keys) naming the image's SHA-256 and every input's; not with\n"
    "--unsigned. If it cannot be written the image stays and build exits 3\n"
    "(docs/SUPPLY-CHAIN.md, \"Build provenance\").\n"
    "--trust-block embeds a bundle of root documents and a keyring\n"
    "(docs/KEYS.md) after the signature block, in place of the profile's\n"
    "trust_block; every --key must then be a keyring key allowed to sign for\n"
    "the profile's OEM and boards.\n"
    "Every option but --key is given at most once.\n";

static void progress_total(void *ctx, uint64_t total)
{
    cli_progress_total(ctx, total);
}

static void progress_add(void *ctx, uint64_t in, uint64_t out)
{
    cli_progress_add(ctx, in, out);
}

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
        {"progress", no_argument, 0, 'P'},
        {"format-version", required_argument, 0, 'F'},
        {"provenance", required_argument, 0, 'R'},
        {"trust-block", required_argument, 0, 'T'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    hv_build_opts bo = {0};
    hv_signer *signers[HV_MAX_SIGNATURE_SLOTS + 1];
    const char *key_paths[HV_MAX_SIGNATURE_SLOTS];
    const char *threads_arg = NULL, *format_arg = NULL;
    const char *provenance_path = NULL;
    size_t nsigners = 0, nkeys = 0;
    bool quiet = false, progress = false;
    int rc = HV_EXIT_USAGE, c;
    hv_diag diag = {0};
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    bo.threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;

    /* Options first, keys after: a usage error never costs a PIN prompt or
     * a key load, and the output is checked before any key is read. */
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:p:o:k:t:qh", opts, NULL)) != -1) {
        int e = 0;
        switch (c) {
        case 'm':
            e = cli_set_once("build", "--manifest", &bo.manifest_path, optarg);
            break;
        case 'p':
            e = cli_set_once("build", "--profile", &bo.profile_path, optarg);
            break;
        case 'o':
            e = cli_set_once("build", "--output", &bo.output_path, optarg);
            break;
        case 't':
            e = cli_set_once("build", "--threads", &threads_arg, optarg);
            break;
        case 'F':
            e = cli_set_once("build", "--format-version", &format_arg,
                             optarg);
            break;
        case 'R':
            e = cli_set_once("build", "--provenance", &provenance_path,
                             optarg);
            break;
        case 'T':
            e = cli_set_once("build", "--trust-block", &bo.trust_block_path,
                             optarg);
            break;
        case 'u': bo.allow_unsigned = true; break;
        case 'q': quiet = true; break;
        case 'P': progress = true; break;
        case 'k':
            if (nkeys == HV_MAX_SIGNATURE_SLOTS) {
                e = cli_usage_error("build", "at most %u keys",
                                    HV_MAX_SIGNATURE_SLOTS);
                break;
            }
            key_paths[nkeys++] = optarg;
            break;
        case 'h': fputs(help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("build", "bad option");
        }
        if (e != 0)
            return e;
    }
    if (optind != argc)
        return cli_usage_error("build", "unexpected argument '%s'",
                               argv[optind]);
    if (!bo.manifest_path)
        return cli_usage_error("build", "--manifest is required");
    if (!bo.profile_path)
        return cli_usage_error("build", "--profile is required");
    if (!bo.output_path)
        return cli_usage_error("build", "--output is required");
    if (strcmp(bo.output_path, "-") == 0)
        return cli_usage_error("build", "--output must be a file: the image "
                               "header is written last");
    if (nkeys > 0 && bo.allow_unsigned)
        return cli_usage_error("build", "--unsigned and --key exclude each "
                               "other");
    if (provenance_path && bo.allow_unsigned)
        return cli_usage_error("build", "--provenance and --unsigned exclude "
                               "each other: the provenance is signed with "
                               "the build keys, and an unsigned build has "
                               "none");
    if (provenance_path && nkeys == 0)
        return cli_usage_error("build", "--provenance needs --key: the "
                               "provenance is signed with the build keys");
    if (quiet && progress)
        return cli_usage_error("build", "--quiet and --progress exclude each "
                               "other");
    if (threads_arg) {
        uint64_t t;
        if (!cli_parse_u64(threads_arg, &t) || t < 1 || t > 64)
            return cli_usage_error("build", "--threads must be 1..64, not "
                                   "'%s'", threads_arg);
        bo.threads = (int)t;
    }
    if (format_arg) {
        if (strcmp(format_arg, "1") != 0 && strcmp(format_arg, "2") != 0)
            return cli_usage_error("build", "--format-version must be 1 or "
                                   "2, not '%s'", format_arg);
        bo.format_version = (uint32_t)(format_arg[0] - '0');
    }
    const char *inputs[3 + HV_MAX_SIGNATURE_SLOTS] = {bo.manifest_path,
                                                      bo.profile_path};
    for (size_t i = 0; i < nkeys; i++)
        inputs[2 + i] = key_paths[i];
    size_t ninputs = 2 + nkeys;
    if (bo.trust_block_path)
        inputs[ninputs++] = bo.trust_block_path;
    rc = cli_check_output("build", "--output", bo.output_path, inputs,
                          ninputs);
    if (rc != 0)
        return rc;
    if (provenance_path) {
        /* The image is an input of the provenance too. */
        const char *prov_inputs[4 + HV_MAX_SIGNATURE_SLOTS];
        memcpy(prov_inputs, inputs, ninputs * sizeof inputs[0]);
        prov_inputs[ninputs] = bo.output_path;
        if (strcmp(provenance_path, "-") == 0)
            return cli_usage_error("build", "--provenance must be a file");
        if (same_output(provenance_path, bo.output_path))
            return cli_usage_error("build", "--provenance %s is the image "
                                   "--output", provenance_path);
        /* The statement records these as JSON text, which cannot hold
         * other bytes: refuse now rather than after the build. */
        const char *slash = strrchr(bo.output_path, '/');
        if (!cli_utf8_valid(bo.manifest_path) ||
            !cli_utf8_valid(bo.profile_path) ||
            !cli_utf8_valid(slash ? slash + 1 : bo.output_path))
            return cli_usage_error("build", "--provenance records the "
                                   "manifest and profile paths and the "
                                   "image's file name as JSON text: they "
                                   "must be UTF-8");
        rc = cli_check_output("build", "--provenance", provenance_path,
                              prov_inputs, ninputs + 1);
        if (rc != 0)
            return rc;
        if (hv_provenance_check_output(provenance_path, bo.manifest_path,
                                       &diag) != 0)
            return cli_report("build", &diag);
    }
    for (; nsigners < nkeys; nsigners++) {
        if (hv_signer_load(key_paths[nsigners], &signers[nsigners],
                           &diag) != 0) {
            rc = cli_report("build", &diag);
            goto out;
        }
    }
    bo.signers = signers;
    bo.signer_count = nsigners;

    cli_progress bar;
    cli_progress_init(&bar, "build", quiet ? CLI_PROGRESS_OFF
                                     : progress ? CLI_PROGRESS_ON
                                                : CLI_PROGRESS_AUTO);
    bo.progress_total = progress_total;
    bo.progress.add = progress_add;
    bo.progress.ctx = &bar;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    hv_build_report rep;
    int brc = hv_build(&bo, &rep, &diag);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cli_progress_done(&bar);
    if (brc != 0) {
        rc = cli_report("build", &diag);
        goto out;
    }
    if (provenance_path) {
        hv_provenance_opts po = {
            .manifest_path = bo.manifest_path,
            .profile_path = bo.profile_path,
            .image_path = bo.output_path,
            .format_version = rep.info.header.format_version,
            .build_epoch = rep.info.build_epoch,
            .trust = rep.trust,
            .trust_count = rep.trust_count,
            .core_sha256 = rep.input_digests ? rep.core_sha256 : NULL,
            .extra_sha256 = rep.input_digests
                                ? (const uint8_t(*)[32])rep.extra_sha256
                                : NULL,
            .initramfs_sha256 = rep.has_initramfs ? rep.initramfs_sha256
                                                  : NULL,
        };
        if (hv_provenance_write(provenance_path, &po, signers, nsigners,
                                &diag) != 0) {
            /* The image is complete and already in place; only the
             * provenance is missing. Exit 3 so a pipeline stops, and say
             * which of the two exists. */
            char msg[HV_DIAG_MAX + 256];
            snprintf(msg, sizeof msg, "%s was written, its provenance was "
                     "not: %s", bo.output_path, diag.msg);
            cli_print_error("build", msg);
            rc = HV_EXIT_INTERNAL;
            goto out;
        }
    }
    rc = HV_EXIT_OK;
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
        if (rep.info.header.trust_size)
            printf("trust block: %u bytes, root version%s %llu..%llu, "
                   "keyring version %llu\n", rep.info.header.trust_size,
                   rep.trust_roots > 1 ? "s" : "",
                   (unsigned long long)rep.trust_first_root,
                   (unsigned long long)rep.trust_newest_root,
                   (unsigned long long)rep.trust_keyring_version);
        if (provenance_path)
            printf("provenance %s: signed by %zu key(s)\n", provenance_path,
                   nsigners);
    }
out:
    for (size_t i = 0; i < nsigners; i++)
        hv_signer_free(signers[i]);
    return rc;
}
