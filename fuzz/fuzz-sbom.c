/*
 * Fuzz target: the SBOM reader hv_sbom_check() (mkimage/image/sbom_read.c),
 * which `hvimage inspect` runs on the SBOM section of an image nobody has
 * verified, and `hvimage sbom` on a verified one.
 *
 * Input: the section's unpacked bytes. The image it is checked against is
 * fixed: the bundled example's name, version and OEM (example-hv 1.4.2,
 * acme-servers), so the builder's own document for the example is accepted.
 *
 * Oracles (a violation aborts):
 *  - accepted: at most HV_MAX_DRIVER_PACKAGES packages, each with a
 *    NUL-terminated text vendor and version, an entry count within
 *    HV_MAX_DRIVER_ENTRIES, a known acceptance level, and a signer that is
 *    empty exactly for `community` and else 64 hex digits; a second check
 *    gives the same summary (a pure function);
 *  - refused: a message is set.
 *
 * Verdict (fuzz_verdict): hv_sbom_check()'s; none for an input over
 * HV_MAX_SBOM_SIZE, which is skipped.
 */
#include "fuzz.h"
#include "sbom.h"
#include "sbom_read.h"

static void text(const char *s, size_t size, const char *what)
{
    const char *end = memchr(s, '\0', size);
    if (!end || end == s)
        fuzz_fail("%s empty or not terminated", what);
    for (const char *p = s; p < end; p++)
        if (!hv_text_char((uint8_t)*p))
            fuzz_fail("%s holds a byte outside the text charset", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > HV_MAX_SBOM_SIZE)
        return 0;
    static const hv_image_info zero;
    hv_image_info *info = malloc(sizeof *info);
    hv_sbom_summary *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    if (!info || !a || !b)
        fuzz_fail("out of memory");
    *info = zero;
    snprintf(info->name, sizeof info->name, "example-hv");
    snprintf(info->version, sizeof info->version, "1.4.2");
    snprintf(info->oem_id, sizeof info->oem_id, "acme-servers");

    hv_diag d;
    d.msg[0] = '\0';
    int ok = hv_sbom_check(data, size, info, a, &d) == 0;
    fuzz_verdict(ok ? FUZZ_ACCEPTED : FUZZ_REFUSED);
    if (!ok && d.msg[0] == '\0')
        fuzz_fail("refused without a message");
    if (ok) {
        if (a->package_count > HV_MAX_DRIVER_PACKAGES)
            fuzz_fail("%zu packages", a->package_count);
        for (size_t i = 0; i < a->package_count; i++) {
            const hv_sbom_package *p = &a->packages[i];
            text(p->vendor, sizeof p->vendor, "vendor");
            text(p->version, sizeof p->version, "version");
            if (p->entries > HV_MAX_DRIVER_ENTRIES)
                fuzz_fail("%llu entries", (unsigned long long)p->entries);
            bool community = strcmp(p->acceptance, "community") == 0;
            if (!community && strcmp(p->acceptance, "partner") != 0 &&
                strcmp(p->acceptance, "accepted") != 0 &&
                strcmp(p->acceptance, "certified") != 0)
                fuzz_fail("acceptance level not one of the four");
            size_t sl = strnlen(p->signer, sizeof p->signer);
            if (sl == sizeof p->signer ||
                (community ? sl != 0
                           : sl != 2 * HV_KEY_ID_SIZE ||
                                 strspn(p->signer, "0123456789abcdef") != sl))
                fuzz_fail("signer does not match the level");
        }
        if (hv_sbom_check(data, size, info, b, &d) != 0 ||
            memcmp(a, b, sizeof *a) != 0)
            fuzz_fail("a second check differs");
    }
    free(info);
    free(a);
    free(b);
    return 0;
}
