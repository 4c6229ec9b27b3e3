/*
 * hv_check_content: the boot library's check of everything but trust, which
 * sign, tbs and attach run before they sign. It must take what hv_verify
 * takes for content, whatever the slots say about trust (empty, or a key
 * nobody trusts), and refuse what hv_verify refuses for content: the slot
 * structure, digests, padding, decompression, the region size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "hvimage/codec.h"

static hv_workspace ws;

static hv_result check(const uint8_t *img, size_t len, size_t region,
                       hv_verdict *v, int *read_twice)
{
    mem_platform p;
    mem_platform_init(&p, img, len, "no-board-needed", 0);
    hv_ops ops = mem_platform_ops(&p);
    /* Content needs neither board nor counter: prove it. */
    ops.board_id = NULL;
    ops.rollback_counter = NULL;
    hv_result r = hv_check_content(&ops, &hv_crypto_bearssl, region, &ws, v);
    if (read_twice) {
        *read_twice = 0;
        for (size_t i = 0; i < len; i++)
            *read_twice |= p.reads[i] > 1;
    }
    mem_platform_free(&p);
    return r;
}

/* The whole check on an image of format |format_version|. */
static void run(uint32_t format_version)
{
    fixture f;
    hv_verdict v;
    int twice;
    printf("format version %u\n", format_version);
    CHECK(fixture_build_format(&f, HV_SIG_ECDSA_P256_SHA256, 64, 70000,
                               format_version) == 0);
    const size_t n = f.image_len;
    const uint32_t meta = hv_le32(f.image + HV_HDR_OFF_METADATA_SIZE);
    const size_t block = HV_HEADER_SIZE + meta;
    uint8_t *img = malloc(n);

    /* The signed image: content ok, every byte read once, nothing vouched. */
    CHECK(check(f.image, n, n, &v, &twice) == HV_OK);
    CHECK(!twice);
    CHECK(v.info_valid == 0 && v.signers == 0);
    CHECK(v.info.section_count >= 1 &&
          v.info.sections[0].type == HV_SECTION_CORE &&
          v.info.sections[0].compression == HV_COMPRESSION_ZSTD);

    /* Unsigned: hv_verify refuses, the content check does not. */
    memcpy(img, f.image, n);
    memset(img + block, 0, 2 * HV_SIG_SLOT_SIZE);
    CHECK(verify_mem(img, n, n, &f.trusted, 1, f.board, 0, &v) ==
          HV_ERR_NO_SIGNATURE);
    CHECK(check(img, n, n, &v, NULL) == HV_OK);

    /* A slot of a key nobody trusts: not this check's business. */
    memcpy(img, f.image, n);
    img[block + HV_SIG_OFF_KEY_ID] ^= 0x01;
    CHECK(verify_mem(img, n, n, &f.trusted, 1, f.board, 0, &v) ==
          HV_ERR_UNTRUSTED_KEY);
    CHECK(check(img, n, n, &v, NULL) == HV_OK);

    /* The slot structure is: reserved bytes must be zero. */
    memcpy(img, f.image, n);
    img[block + HV_SIG_OFF_RESERVED] = 1;
    CHECK(check(img, n, n, &v, NULL) == HV_ERR_SIG_BLOCK);

    /* Every byte of the core's area counts, as in hv_verify: its chunk
     * table (version 2) and its stored bytes. */
    const hv_section *core = &v.info.sections[0];
    CHECK(check(f.image, n, n, &v, NULL) == HV_OK);
    uint64_t core_off = core->offset, core_size = core->stored_size;
    uint64_t core_data = core->data_offset, table = core->table_size;
    CHECK(core_data == core_off + table);
    CHECK(format_version == HV_FORMAT_VERSION_1 ? table == 0 : table > 0);
    int missed = 0;
    for (uint64_t i = 0; i < table + core_size; i += 97) {
        memcpy(img, f.image, n);
        img[core_off + i] ^= 0x40;
        missed |= check(img, n, n, &v, NULL) != HV_ERR_DIGEST;
    }
    CHECK(!missed);

    /* A broken zstd frame whose digest matches: only decompression sees
     * it. The metadata changes, so this image could never be signed
     * already; that is the point of checking before signing. Version 2:
     * the chunk's entry (the core is one chunk) and the table's digest. */
    memcpy(img, f.image, n);
    img[core_data] ^= 0xff; /* the frame magic */
    hv_hash_ctx h;
    uint8_t *digest_at =
        img + HV_HEADER_SIZE + HV_META_FIXED_SIZE + HV_SEC_OFF_DIGEST;
    CHECK(core_size <= (UINT64_C(1) << v.info.chunk_log2) ||
          format_version == HV_FORMAT_VERSION_1);
    CHECK(hv_crypto_bearssl.hash_init(&h, HV_DIGEST_SHA256) == 0);
    hv_crypto_bearssl.hash_update(&h, img + core_data, (size_t)core_size);
    hv_crypto_bearssl.hash_final(&h, table ? img + core_off : digest_at);
    if (table) {
        CHECK(hv_crypto_bearssl.hash_init(&h, HV_DIGEST_SHA256) == 0);
        hv_crypto_bearssl.hash_update(&h, img + core_off, (size_t)table);
        hv_crypto_bearssl.hash_final(&h, digest_at);
    }
    CHECK(check(img, n, n, &v, NULL) == HV_ERR_DECOMPRESS);
    CHECK(v.failed_section == 0);
    CHECK(v.fail_offset == core_data);

    /* Padding between the signature block and the core must be zero. */
    CHECK(core_off > block + 2 * HV_SIG_SLOT_SIZE);
    memcpy(img, f.image, n);
    img[core_off - 1] = 0x5a;
    CHECK(check(img, n, n, &v, NULL) == HV_ERR_PADDING);

    /* The image fills exactly the size given, as a host file must. */
    CHECK(check(f.image, n, n + 1, &v, NULL) == HV_ERR_REGION);

    /* Arguments: read and section_memory are needed. */
    mem_platform p;
    mem_platform_init(&p, f.image, n, f.board, 0);
    hv_ops ops = mem_platform_ops(&p);
    ops.section_memory = NULL;
    CHECK(hv_check_content(&ops, &hv_crypto_bearssl, n, &ws, &v) ==
          HV_ERR_ARGUMENT);
    CHECK(hv_check_content(NULL, &hv_crypto_bearssl, n, &ws, &v) ==
          HV_ERR_ARGUMENT);
    mem_platform_free(&p);

    free(img);
    fixture_free(&f);
}

int main(void)
{
    run(HV_FORMAT_VERSION_1);
    run(HV_FORMAT_VERSION_2);
    return CHECK_DONE();
}
