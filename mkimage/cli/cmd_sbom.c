/* sbom: verify an image, then print its SBOM section (docs/SUPPLY-CHAIN.md). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "cli.h"
#include "exit_codes.h"
#include "plan.h"
#include "sbom.h"
#include "sbom_read.h"

static const char help[] =
    "usage: hvimage sbom --key PUB.pem [--key ...] --board BOARD\n"
    "                    (--oem OEM | --profile PROFILE | --any-oem)\n"
    "                    (--rollback N | --no-rollback-check)\n"
    "                    [--min-signatures N] [--no-ram-check]\n"
    "                    [-o FILE] IMAGE\n\n"
    "Verify IMAGE exactly as 'hvimage verify' does, then print its SBOM\n"
    "section (a CycloneDX 1.5 JSON document saying what went into the\n"
    "image) to stdout, or write it to FILE. The document is checked first:\n"
    "strict JSON, CycloneDX 1.5, naming the image the signed metadata\n"
    "names. Exit 0 printed, 1 image refused or no usable SBOM section,\n"
    "2 bad usage or input, 3 I/O.\n";

/* The SBOM section's unpacked bytes, collected as the verifier
 * authenticates them; nothing is acted on before the image verified. */
typedef struct sink {
    uint8_t *doc;
    size_t len;
    uint64_t declared; /* the section's unpacked size */
    bool seen;
    bool too_big;
    bool oom;
} sink;

static int collect(void *user, const hv_section *s, const uint8_t *p,
                   size_t n)
{
    sink *k = user;
    if (s->type != HV_SECTION_SBOM)
        return 0;
    if (!k->seen) {
        k->seen = true;
        k->declared = s->unpacked_size;
        k->too_big = s->unpacked_size > HV_MAX_SBOM_SIZE;
        if (!k->too_big && !(k->doc = malloc(s->unpacked_size + 1u)))
            k->oom = true;
    }
    /* The verifier stops at the declared size: this never overflows. */
    if (k->doc && n <= k->declared - k->len) {
        memcpy(k->doc + k->len, p, n);
        k->len += n;
    }
    return 0;
}

/* A version 1 image is verified in memory: its section is there whole. */
static void collect_held(sink *k, const hv_image_info *info)
{
    for (uint32_t i = 0; i < info->section_count; i++) {
        const hv_section *s = &info->sections[i];
        if (s->type == HV_SECTION_SBOM && s->data)
            collect(k, s, s->data, (size_t)s->unpacked_size);
    }
}

static int write_out(const char *out, const sink *k, hv_diag *diag)
{
    if (!out) {
        if (fwrite(k->doc, 1, k->len, stdout) != k->len || fflush(stdout))
            return hv_fail_errno(diag, errno ? errno : EIO, "stdout",
                                 "write failed");
        return 0;
    }
    hv_atomic_file f;
    if (hv_atomic_open(&f, out, 0644, diag) != 0)
        return -1;
    if (fwrite(k->doc, 1, k->len, f.fp) != k->len) {
        hv_atomic_abort(&f);
        return hv_fail_errno(diag, errno ? errno : EIO, out, "write failed");
    }
    return hv_atomic_commit(&f, diag);
}

int cmd_sbom(int argc, char **argv)
{
    cli_verify_opts o;
    hv_profile prof;
    const char *out = NULL;
    memset(&prof, 0, sizeof prof);
    int rc = cli_verify_parse("sbom", help, argc, argv, &o, &prof, &out);
    if (rc >= 0) {
        hv_profile_free(&prof);
        return rc;
    }
    const char *path = argv[optind];
    const char *inputs[] = {path};
    if (out && (rc = cli_check_output("sbom", "-o", out, inputs, 1)) != 0) {
        hv_profile_free(&prof);
        return rc;
    }
    sink k = {0};
    o.stream = true;
    o.section_sink = collect;
    o.sink_user = &k;
    hv_diag diag = {0};
    cli_verify_run run;
    rc = cli_verify_checked(path, &o, &run, &diag);
    if (rc == 0 && !run.streamed)
        collect_held(&k, &run.verdict.info);
    if (rc == 0) {
        hv_sbom_summary sum;
        char why[HV_DIAG_MAX];
        if (!k.seen) {
            hv_fail(&diag, HV_FAIL_REJECTED, "%s: verified, but it has no "
                    "sbom section (format version 1 images, and images "
                    "built before hvimage wrote one, carry none)", path);
        } else if (k.too_big) {
            hv_fail(&diag, HV_FAIL_REJECTED, "%s: section 'sbom': %llu "
                    "bytes, more than the %llu an SBOM may have", path,
                    (unsigned long long)k.declared,
                    (unsigned long long)HV_MAX_SBOM_SIZE);
        } else if (k.oom || k.len != k.declared) {
            hv_fail(&diag, HV_FAIL_INTERNAL, "%s: section 'sbom': out of "
                    "memory", path);
        } else if (hv_sbom_check(k.doc, k.len, &run.verdict.info, &sum,
                                 &diag) != 0) {
            snprintf(why, sizeof why, "%s", diag.msg);
            hv_fail(&diag, diag.cls == HV_FAIL_INTERNAL ? HV_FAIL_INTERNAL
                                                        : HV_FAIL_REJECTED,
                    "%s: section 'sbom': %s", path, why);
        } else {
            write_out(out, &k, &diag);
        }
        rc = cli_exit_for_class(diag.cls);
    }
    if (rc != 0)
        cli_print_error("sbom", diag.msg);
    free(k.doc);
    cli_verify_release(&run);
    hv_profile_free(&prof);
    return rc;
}
