/*
 * The signed min_security_version (format.h HV_META_OFF_MIN_SECURITY_VERSION,
 * docs/UPDATE.md "The floor"): the builder writes the image's own security
 * version by default; the parser reads it and refuses one above the
 * security version; an image from before the field (zero there) parses
 * with 0; every other byte of the reserved range must still be zero.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "hvimage/format.h"

static void put64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

int main(void)
{
    fixture f;
    if (fixture_build(&f, HV_SIG_ECDSA_P256_SHA256, 16, 4096) != 0) {
        fprintf(stderr, "fixture_build failed\n");
        return 1;
    }
    uint32_t meta = (uint32_t)f.image[12] | (uint32_t)f.image[13] << 8;
    size_t tbs_len = HV_HEADER_SIZE + meta;
    uint8_t *tbs = malloc(tbs_len);
    uint8_t *at = tbs + HV_HEADER_SIZE + HV_META_OFF_MIN_SECURITY_VERSION;
    hv_image_info info;

    /* Default: the image's own security version (7 in the fixture). */
    memcpy(tbs, f.image, tbs_len);
    CHECK(hv_parse_metadata(tbs, tbs_len, &info) == HV_OK);
    CHECK(info.security_version == 7 && info.min_security_version == 7);

    /* Below it: read as written. Equal to it: fine. Above it: refused. */
    static const struct { uint64_t v; hv_result want; } cases[] = {
        {0, HV_OK}, {1, HV_OK}, {6, HV_OK}, {7, HV_OK},
        {8, HV_ERR_METADATA}, {UINT64_C(1) << 32, HV_ERR_METADATA},
        {UINT64_MAX, HV_ERR_METADATA},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(tbs, f.image, tbs_len);
        put64(at, cases[i].v);
        hv_result r = hv_parse_metadata(tbs, tbs_len, &info);
        CHECK_MSG(r == cases[i].want, "min_security_version %llu: %s",
                  (unsigned long long)cases[i].v, hv_result_name(r));
        if (r == HV_OK)
            CHECK(info.min_security_version == cases[i].v);
    }

    /* The reserved bytes before it stay reserved. */
    for (unsigned off = HV_META_OFF_RESERVED;
         off < HV_META_OFF_MIN_SECURITY_VERSION; off++) {
        memcpy(tbs, f.image, tbs_len);
        tbs[HV_HEADER_SIZE + off] = 1;
        CHECK_MSG(hv_parse_metadata(tbs, tbs_len, &info) == HV_ERR_METADATA,
                  "reserved byte %u accepted", off);
    }

    /* The signed image verifies, and the verdict carries the field. */
    hv_verdict v;
    CHECK(verify_mem(f.image, f.image_len, f.image_len, &f.trusted, 1, f.board,
                     7, &v) == HV_OK);
    CHECK(v.info.min_security_version == 7);
    free(tbs);
    fixture_free(&f);
    return CHECK_DONE();
}
