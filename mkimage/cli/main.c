/* hvimage: dispatch to one command per file. */
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cli.h"
#include "cmd_docs.h"
#include "exit_codes.h"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"build", cmd_build, "build a signed image from a manifest and an OEM profile"},
    {"sign", cmd_sign, "add a signature to an image with a private key"},
    {"tbs", cmd_tbs, "write the exact bytes to be signed (detached signing)"},
    {"attach", cmd_attach, "insert an externally made signature after checking it"},
    {"verify", cmd_verify, "verify an image with the boot verifier library"},
    {"inspect", cmd_inspect, "show everything in an image (not a verification)"},
    {"extract", cmd_extract, "verify, then unpack the sections into a folder"},
    {"sbom", cmd_sbom, "verify, then print the image's signed SBOM (CycloneDX)"},
    {"keygen", cmd_keygen, "generate a signing key pair"},
    {"assemble", cmd_assemble, "lay out a factory flash image: stage, keys, slots"},
    {"update", cmd_update, "install, activate, confirm or roll back on a flash"},
    {"tpm", cmd_tpm, "provision or read the security floor in a TPM NV index"},
    {"driver", cmd_driver, "sign, countersign or check a vendor driver package"},
    {"package", cmd_package, "verify, then write an LVFS cabinet for fwupd"},
    {"provenance", cmd_provenance, "check a build's signed provenance against keys and an image"},
    {"root", cmd_root, "create, sign and inspect root documents (the keys that sign keyrings)"},
    {"keyring", cmd_keyring, "create, sign, bundle and verify keyrings of image-signing keys"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: hvimage COMMAND [OPTIONS]   (hvimage help COMMAND)\n"
               "       hvimage --version | -V\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nexit codes: 0 success, 1 image rejected, 2 bad usage or "
               "input, 3 I/O or internal error\n");
}

static int find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0)
            return (int)i;
    return -1;
}

static int version(void)
{
    printf("hvimage %s (image format %u; reads formats %u and %u)\n",
           HVIMAGE_VERSION, HV_FORMAT_VERSION, HV_FORMAT_VERSION_1,
           HV_FORMAT_VERSION_2);
    return HV_EXIT_OK;
}

/* "hvimage help CMD" is "hvimage CMD --help". */
static int help(int argc, char **argv)
{
    if (argc < 3) {
        usage(stdout);
        return HV_EXIT_OK;
    }
    if (argc > 3) {
        fprintf(stderr, "hvimage help: one command at a time\n");
        return HV_EXIT_USAGE;
    }
    int i = find_command(argv[2]);
    if (i < 0) {
        fprintf(stderr, "hvimage help: unknown command '%s'\n", argv[2]);
        usage(stderr);
        return HV_EXIT_USAGE;
    }
    char *args[] = {argv[2], "--help", NULL};
    return commands[i].run(2, args);
}

int main(int argc, char **argv)
{
    /* Temporary outputs are removed on SIGINT, SIGTERM and SIGHUP, and the
     * process exits 128+signal (common/cleanup.h). */
    hv_cleanup_install();
    if (argc < 2) {
        usage(stderr);
        return HV_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
        return version();
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return help(1, argv);
    if (strcmp(argv[1], "help") == 0)
        return help(argc, argv);
    int i = find_command(argv[1]);
    if (i >= 0)
        return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "hvimage: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return HV_EXIT_USAGE;
}
