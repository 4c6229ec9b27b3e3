/* inspect: show an image's contents without trusting them. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_print.h"
#include "cli_trust_print.h"
#include "hvimage/codec.h"
#include "exit_codes.h"
#include "image_file.h"
#include "sbom_read.h"

static const char help[] =
    "usage: hvimage inspect [--json] IMAGE\n\n"
    "Show everything in IMAGE: versions, OEM, boards, sections with sizes,\n"
    "compression ratios and digests, the driver packages its SBOM section\n"
    "lists (vendor, version, entries, acceptance level, signer) and the key\n"
    "ids in the signature block; and its trust block, if it has one: each\n"
    "root document (version, threshold, keys and fingerprints, who filled\n"
    "its slots), the keyring (version, root version, min_epoch, each key's\n"
    "id, algorithm, epoch and scope) and which keyring keys the image's\n"
    "slots name.\n"
    "Nothing is verified: use 'hvimage verify' (and 'hvimage sbom') before\n"
    "trusting any of it. Exit 1 if the image, its trust block or its SBOM\n"
    "is malformed (the\n"
    "byte offset or the problem is printed).\n";

/* The driver packages the (unverified) SBOM lists: 1 listed, 0 no SBOM
 * section, -1 malformed (|diag| says why). */
static int read_packages(hv_image_file *img, const hv_image_info *info,
                         hv_sbom_summary *sum, hv_diag *diag)
{
    uint8_t *doc;
    size_t len;
    int got = hv_sbom_read_unverified(img->fp, img->file_size, info, &doc,
                                      &len, diag);
    if (got == 1 && hv_sbom_check(doc, len, info, sum, diag) != 0)
        got = -1;
    free(doc);
    return got;
}

static json_object *packages_json(const hv_sbom_summary *sum)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < sum->package_count; i++) {
        const hv_sbom_package *p = &sum->packages[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "vendor", json_object_new_string(p->vendor));
        json_object_object_add(o, "version",
                               json_object_new_string(p->version));
        json_object_object_add(o, "entries",
                               json_object_new_int64((int64_t)p->entries));
        json_object_object_add(o, "acceptance",
                               json_object_new_string(p->acceptance));
        json_object_object_add(o, "signer",
                               p->signer[0] ? json_object_new_string(p->signer)
                                            : NULL);
        json_object_array_add(a, o);
    }
    return a;
}

static void packages_text(const hv_sbom_summary *sum)
{
    printf("drivers (from the sbom section, NOT verified): %zu package(s)\n",
           sum->package_count);
    for (size_t i = 0; i < sum->package_count; i++) {
        const hv_sbom_package *p = &sum->packages[i];
        printf("  %-20s %-12s %5llu entries  %-9s", p->vendor, p->version,
               (unsigned long long)p->entries, p->acceptance);
        if (p->signer[0])
            printf("  signer %.16s...", p->signer);
        putchar('\n');
    }
}

/* The slot's u32 signature length, all four bytes of it. */
static uint32_t slot_sig_len(const uint8_t *slot)
{
    return hv_le32(slot + HV_SIG_OFF_SIG_LEN);
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'h': fputs(help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("inspect", "bad option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("inspect", "needs exactly one IMAGE");
    hv_image_file img;
    hv_image_info info;
    hv_diag diag;
    int rc = HV_EXIT_OK;
    if (hv_image_open(&img, argv[optind], &diag) != 0)
        rc = cli_exit_for_class(diag.cls);
    hv_result r = HV_OK;
    if (rc == 0 && (r = hv_parse_metadata(img.tbs, img.tbs_len, &info)) !=
                       HV_OK) {
        hv_diag_set(&diag, "%s: byte offset %u: %s", argv[optind],
                    HV_HEADER_SIZE, hv_result_str(r));
        rc = HV_EXIT_REJECTED;
    }
    if (rc != 0) {
        hv_image_close(&img);
        cli_print_error("inspect", diag.msg);
        return rc;
    }
    /* The trust block, parsed for display with the verifier's own
     * document parser; malformed is a refusal like a malformed SBOM. */
    uint8_t *trust = NULL;
    static hv_bundle bundle;
    hv_diag trust_diag = {0};
    int trust_state = 0; /* 0 none, 1 parsed, -1 malformed */
    uint64_t trust_at = img.tbs_len + img.block_len;
    if (img.header.trust_size) {
        char name[64];
        snprintf(name, sizeof name, "trust block at byte offset %llu",
                 (unsigned long long)trust_at);
        trust_state = hv_image_read_trust(&img, &trust, &trust_diag) == 0 &&
                              hv_bundle_parse(name, trust,
                                              img.header.trust_size, &bundle,
                                              &trust_diag) == 0
                          ? 1
                          : -1;
    }
    static hv_sbom_summary sum;
    hv_diag sbom_diag = {0};
    int listed = read_packages(&img, &info, &sum, &sbom_diag);
    if (json) {
        json_object *j = json_object_new_object();
        json_object *sigs = json_object_new_array();
        cli_json_add_text(j, "image", argv[optind]);
        json_object_object_add(j, "verified", NULL);
        json_object_object_add(j, "metadata", cli_info_json(&info));
        for (uint32_t i = 0; i < img.filled; i++) {
            const uint8_t *slot = img.block + (size_t)i * HV_SIG_SLOT_SIZE;
            json_object *s = json_object_new_object();
            cli_json_add_hex(s, "key_id", slot + HV_SIG_OFF_KEY_ID,
                             HV_KEY_ID_SIZE);
            json_object_object_add(s, "length",
                                   json_object_new_int64(slot_sig_len(slot)));
            json_object_array_add(sigs, s);
        }
        json_object_object_add(j, "signatures", sigs);
        json_object_object_add(j, "trust_block",
                               trust_state == 1
                                   ? cli_trust_json(&bundle, trust_at,
                                                    img.block, img.filled)
                                   : NULL);
        json_object_object_add(j, "drivers",
                               listed == 1 ? packages_json(&sum) : NULL);
        /* A Linux core's command line, as the (unverified) SBOM says. */
        if (info.core_kind == HV_CORE_KIND_LINUX)
            json_object_object_add(
                j, "cmdline",
                listed == 1 && sum.cmdline[0]
                    ? json_object_new_string(sum.cmdline)
                    : NULL);
        cli_json_print(stdout, j);
    } else {
        char shown[4096];
        printf("%s (NOT verified: this shows what the image claims)\n",
               hv_printable(argv[optind], shown, sizeof shown));
        cli_print_info_text(stdout, &info);
        printf("signatures: %u of %u slots\n", img.filled,
               img.header.signature_slots);
        for (uint32_t i = 0; i < img.filled; i++) {
            const uint8_t *slot = img.block + (size_t)i * HV_SIG_SLOT_SIZE;
            printf("  key ");
            cli_hex(stdout, slot + HV_SIG_OFF_KEY_ID, HV_KEY_ID_SIZE);
            printf("  %u-byte signature\n", slot_sig_len(slot));
        }
        if (trust_state == 1)
            cli_trust_print_text(stdout, &bundle, trust_at, img.block,
                                 img.filled);
        else if (trust_state == 0)
            printf("trust block: none\n");
        if (listed == 1)
            packages_text(&sum);
        else if (listed == 0)
            printf("drivers: not listed (no sbom section)\n");
        if (listed == 1 && info.core_kind == HV_CORE_KIND_LINUX)
            printf("cmdline (from the sbom section, NOT verified): %s\n",
                   sum.cmdline[0] ? sum.cmdline : "(not listed)");
    }
    hv_image_close(&img);
    free(trust);
    if (trust_state < 0) {
        char msg[HV_DIAG_MAX + 64];
        snprintf(msg, sizeof msg, "%s: %s", argv[optind], trust_diag.msg);
        cli_print_error("inspect", msg);
        return trust_diag.cls == HV_FAIL_IO ||
                       trust_diag.cls == HV_FAIL_INTERNAL
                   ? HV_EXIT_INTERNAL
                   : HV_EXIT_REJECTED;
    }
    if (listed < 0) {
        char msg[HV_DIAG_MAX + 64];
        snprintf(msg, sizeof msg, "%s: %s", argv[optind], sbom_diag.msg);
        cli_print_error("inspect", msg);
        return sbom_diag.cls == HV_FAIL_IO || sbom_diag.cls == HV_FAIL_INTERNAL
                   ? HV_EXIT_INTERNAL
                   : HV_EXIT_REJECTED;
    }
    return HV_EXIT_OK;
}
