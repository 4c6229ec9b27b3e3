/* hvimage: dispatch to one command per file. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
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
    {"keygen", cmd_keygen, "generate a signing key pair"},
    {"assemble", cmd_assemble, "lay out a factory flash image: stage, keys, slots"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: hvimage COMMAND [OPTIONS]   (hvimage COMMAND --help)\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nexit codes: 0 success, 1 image rejected, 2 bad usage or "
               "input, 3 I/O or internal error\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return HV_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("hvimage %s (image format %u)\n", HVIMAGE_VERSION,
               HV_FORMAT_VERSION);
        return HV_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return HV_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "hvimage: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return HV_EXIT_USAGE;
}
