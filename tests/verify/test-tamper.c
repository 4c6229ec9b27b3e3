/*
 * Every byte of an image is authenticated: flipping any single byte,
 * truncating or extending the image makes verification fail, and a good
 * image is read exactly once, byte for byte. Plus the policy refusals:
 * untrusted key, wrong board, wrong OEM, rollback, fail-closed settings.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "hvimage/codec.h"

static hv_workspace ws;

static hv_result run(const uint8_t *img, size_t len, uint64_t region,
                     int exact, const hv_trusted_key *keys, size_t nkeys,
                     uint32_t min_sigs, const char *oem, const char *board,
                     uint64_t rollback, mem_platform *keep)
{
    mem_platform p;
    hv_verdict v;
    mem_platform_init(&p, img, len, board, rollback);
    hv_ops ops = mem_platform_ops(&p);
    hv_policy pol = {.keys = keys, .key_count = nkeys,
                     .min_signatures = min_sigs, .oem_id = oem,
                     .region_size = region, .exact_size = exact};
    hv_result r = hv_verify(&ops, &hv_crypto_bearssl, &pol, &ws, &v);
    CHECK(v.result == r);
    if (keep) {
        *keep = p;
        return r;
    }
    mem_platform_free(&p);
    return r;
}

static void test_good_read_once(const fixture *f)
{
    mem_platform p;
    hv_result r = run(f->image, f->image_len, f->image_len, 1, &f->trusted, 1,
                      1, "test-oem", f->board, f->security_version, &p);
    CHECK_MSG(r == HV_OK, "good image: %s", hv_result_name(r));
    size_t unread = 0, twice = 0;
    for (size_t i = 0; i < f->image_len; i++) {
        unread += p.reads[i] == 0;
        twice += p.reads[i] > 1;
    }
    CHECK_MSG(unread == 0, "%zu bytes never read", unread);
    CHECK_MSG(twice == 0, "%zu bytes read more than once", twice);
    mem_platform_free(&p);
}

static void test_every_flip(const fixture *f)
{
    static const uint8_t masks[] = {0x01, 0x80, 0xff};
    uint8_t *img = malloc(f->image_len);
    size_t accepted = 0, tried = 0;
    unsigned seen[HV_RESULT_COUNT] = {0};
    for (size_t m = 0; m < sizeof masks; m++) {
        for (size_t i = 0; i < f->image_len; i++) {
            memcpy(img, f->image, f->image_len);
            img[i] ^= masks[m];
            hv_result r = run(img, f->image_len, f->image_len, 1,
                              &f->trusted, 1, 1, NULL, f->board, 0, NULL);
            tried++;
            if (r == HV_OK) {
                accepted++;
                fprintf(stderr, "flip 0x%02x at byte %zu accepted\n",
                        masks[m], i);
            } else {
                seen[r]++;
            }
        }
    }
    CHECK_MSG(accepted == 0, "%zu of %zu flipped images accepted", accepted,
              tried);
    CHECK(tried == 3 * f->image_len);
    fprintf(stderr, "%zu flipped images (image of %zu bytes), %zu accepted; refusals:",
            tried, f->image_len, accepted);
    for (int r = 0; r < HV_RESULT_COUNT; r++)
        if (seen[r])
            fprintf(stderr, " %s=%u", hv_result_name((hv_result)r), seen[r]);
    fputc('\n', stderr);
    free(img);
}

static void test_truncate_extend(const fixture *f)
{
    size_t accepted = 0;
    /* Every truncation, as a host file (exact size) and as a boot region
     * that simply ends early. */
    for (size_t len = 0; len < f->image_len; len++) {
        accepted += run(f->image, len, len, 1, &f->trusted, 1, 1, NULL,
                        f->board, 0, NULL) == HV_OK;
        accepted += run(f->image, len, len, 0, &f->trusted, 1, 1, NULL,
                        f->board, 0, NULL) == HV_OK;
    }
    CHECK_MSG(accepted == 0, "%zu truncated images accepted", accepted);

    static const size_t extra[] = {1, 2, 511, 4096};
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        size_t len = f->image_len + extra[i];
        uint8_t *img = calloc(len, 1);
        memcpy(img, f->image, f->image_len);
        memset(img + f->image_len, 0xA5, extra[i]);
        hv_result r = run(img, len, len, 1, &f->trusted, 1, 1, NULL,
                          f->board, 0, NULL);
        CHECK_MSG(r == HV_ERR_REGION, "extended by %zu: %s", extra[i],
                  hv_result_name(r));
        free(img);
    }
}

static void test_policy(const fixture *f, const fixture *other)
{
    const uint8_t *img = f->image;
    size_t n = f->image_len;
    const hv_trusted_key *k = &f->trusted;
    hv_trusted_key both[2] = {other->trusted, f->trusted};

    CHECK(run(img, n, n, 1, &other->trusted, 1, 1, NULL, f->board, 0, NULL) ==
          HV_ERR_UNTRUSTED_KEY);
    CHECK(run(img, n, n, 1, both, 2, 1, NULL, f->board, 0, NULL) == HV_OK);
    CHECK(run(img, n, n, 1, both, 2, 2, NULL, f->board, 0, NULL) ==
          HV_ERR_TOO_FEW_SIGNATURES);
    CHECK(run(img, n, n, 1, NULL, 0, 1, NULL, f->board, 0, NULL) ==
          HV_ERR_NO_TRUSTED_KEYS);
    CHECK(run(img, n, n, 1, k, 0, 1, NULL, f->board, 0, NULL) ==
          HV_ERR_NO_TRUSTED_KEYS);
    CHECK(run(img, n, n, 1, k, 1, 1, NULL, "test-board-3", 0, NULL) ==
          HV_ERR_BOARD);
    CHECK(run(img, n, n, 1, k, 1, 1, NULL, "test-board", 0, NULL) ==
          HV_ERR_BOARD);
    CHECK(run(img, n, n, 1, k, 1, 1, NULL, "test-board-1", 0, NULL) == HV_OK);
    CHECK(run(img, n, n, 1, k, 1, 1, "other-oem", f->board, 0, NULL) ==
          HV_ERR_OEM);
    CHECK(run(img, n, n, 1, k, 1, 1, "test-oem", f->board, 0, NULL) == HV_OK);
    CHECK(run(img, n, n, 1, k, 1, 1, NULL, f->board, f->security_version,
              NULL) == HV_OK);
    CHECK(run(img, n, n, 1, k, 1, 1, NULL, f->board, f->security_version + 1,
              NULL) == HV_ERR_ROLLBACK);
    CHECK(run(img, n, n, 1, k, 1, 1, NULL, f->board, UINT64_MAX, NULL) ==
          HV_ERR_ROLLBACK);
    /* A boot region larger than the image: trailing flash is never read. */
    uint8_t *big = calloc(n + 8192, 1);
    memcpy(big, img, n);
    memset(big + n, 0xff, 8192);
    CHECK(run(big, n + 8192, n + 8192, 0, k, 1, 1, NULL, f->board, 0, NULL) ==
          HV_OK);
    free(big);
    /* An empty signature block is refused, never skipped. */
    uint8_t *unsigned_img = malloc(n);
    memcpy(unsigned_img, img, n);
    uint32_t meta = hv_le32(img + HV_HDR_OFF_METADATA_SIZE);
    memset(unsigned_img + HV_HEADER_SIZE + meta, 0, 2 * HV_SIG_SLOT_SIZE);
    CHECK(run(unsigned_img, n, n, 1, k, 1, 1, NULL, f->board, 0, NULL) ==
          HV_ERR_NO_SIGNATURE);
    free(unsigned_img);
}

/* The test is only exhaustive if the image has padding in every gap. */
static void check_has_padding(const fixture *f)
{
    hv_image_info info;
    uint32_t meta = hv_le32(f->image + HV_HDR_OFF_METADATA_SIZE);
    CHECK(hv_parse_metadata(f->image, HV_HEADER_SIZE + meta, &info) == HV_OK);
    uint64_t pos = HV_HEADER_SIZE + meta + 2 * HV_SIG_SLOT_SIZE;
    for (uint32_t i = 0; i < info.section_count; i++) {
        CHECK_MSG(info.sections[i].offset > pos, "no padding before section %u",
                  i);
        pos = info.sections[i].offset + info.sections[i].stored_size;
    }
    CHECK(info.section_count == 3); /* core, bootcfg, sbom */
}

int main(void)
{
    fixture f, other;
    /* 512-byte alignment puts zero padding before and between sections,
     * so flips in padding are part of the exhaustive run. */
    if (fixture_build(&f, HV_SIG_ECDSA_P256_SHA256, 512, 2048) != 0 ||
        fixture_build(&other, HV_SIG_ECDSA_P256_SHA256, 512, 2048) != 0) {
        fprintf(stderr, "fixture build failed\n");
        return 1;
    }
    check_has_padding(&f);
    test_good_read_once(&f);
    test_policy(&f, &other);
    test_truncate_extend(&f);
    test_every_flip(&f);
    fixture_free(&f);
    fixture_free(&other);
    return CHECK_DONE();
}
