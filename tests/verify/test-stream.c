/*
 * hv_verify_stream's contract (hvboot.h), on images the real builder made:
 * the image_bytes sink gets every image byte exactly once, in increasing
 * order, and their concatenation is the image file; section_bytes gives
 * exactly each section's unpacked bytes (those hv_verify holds); every
 * byte is read from the platform once; a chunk buffer smaller than the
 * image's chunk size is HV_ERR_MEMORY, exactly that size suffices; a
 * version 1 image is HV_ERR_NOT_STREAMABLE after only its fixed header; a
 * sink that refuses stops the stream with HV_ERR_IO; unusable buffers are
 * HV_ERR_ARGUMENT. Images: a small one (one chunk per section) and one
 * whose core spans several 1 MiB chunks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture.h"
#include "hvimage/codec.h"

static hv_workspace ws;
static uint64_t zstd_ws[HV_ZSTD_STREAM_WORKSPACE_SIZE / 8];
static uint8_t out_buf[4096];

/* What the sinks saw. */
typedef struct seen {
    uint8_t *image; /* image_bytes, placed at their offsets */
    size_t len;
    uint64_t next;  /* the offset image_bytes must give next */
    int disorder;   /* a gap, an overlap or a byte outside the image */
    uint64_t image_calls;
    uint8_t *sec[HV_MAX_SECTIONS]; /* section_bytes, concatenated */
    uint64_t sec_len[HV_MAX_SECTIONS];
    const hv_image_info *info; /* the stream's verdict's */
    int sec_disorder;
    uint32_t last_sec;
    int refuse_image_at_call; /* 0: never */
    int refuse_section;       /* non-zero: refuse the first section call */
} seen;

static int on_image(void *user, uint64_t off, const uint8_t *p, size_t n)
{
    seen *s = user;
    s->image_calls++;
    if (s->refuse_image_at_call && s->image_calls == (uint64_t)s->refuse_image_at_call)
        return 1;
    if (off != s->next || off > s->len || n > s->len - off) {
        s->disorder = 1;
        return 0;
    }
    memcpy(s->image + off, p, n);
    s->next = off + n;
    return 0;
}

static int on_section(void *user, const hv_section *sec, const uint8_t *p,
                      size_t n)
{
    seen *s = user;
    if (s->refuse_section)
        return 1;
    uint32_t i = (uint32_t)(sec - s->info->sections);
    if (i >= s->info->section_count) {
        s->sec_disorder = 1;
        return 0;
    }
    if (i < s->last_sec)
        s->sec_disorder = 1;
    s->last_sec = i;
    uint8_t *grown = realloc(s->sec[i], (size_t)(s->sec_len[i] + n + 1));
    if (!grown) {
        s->sec_disorder = 1;
        return 0;
    }
    s->sec[i] = grown;
    memcpy(s->sec[i] + s->sec_len[i], p, n);
    s->sec_len[i] += n;
    return 0;
}

static void seen_free(seen *s)
{
    free(s->image);
    for (unsigned i = 0; i < HV_MAX_SECTIONS; i++)
        free(s->sec[i]);
    memset(s, 0, sizeof *s);
}

/* Stream |f|'s image (|img|, |n| bytes) with a |chunk_size| buffer. */
static hv_result stream(const fixture *f, const uint8_t *img, size_t n,
                        size_t chunk_size, int unpack, seen *s,
                        hv_verdict *v, int *read_twice, int *read_past)
{
    static uint8_t *chunk;
    static size_t chunk_cap;
    if (chunk_size > chunk_cap) {
        free(chunk);
        chunk = malloc(chunk_size);
        chunk_cap = chunk_size;
    }
    mem_platform p;
    mem_platform_init(&p, img, n, f->board, 0);
    hv_ops ops = mem_platform_ops(&p);
    ops.section_memory = NULL; /* a stream holds no section */
    hv_policy pol = {.keys = &f->trusted, .key_count = 1, .min_signatures = 1,
                     .oem_id = NULL, .region_size = n, .exact_size = 1};
    s->image = calloc(n + 1, 1);
    s->len = n;
    s->info = &v->info;
    hv_stream st = {s, chunk, chunk_size, zstd_ws, sizeof zstd_ws, out_buf,
                    sizeof out_buf, unpack, on_image, on_section};
    hv_result r = hv_verify_stream(&ops, &hv_crypto_bearssl, &pol, &ws, &st, v);
    *read_twice = 0;
    if (read_past)
        *read_past = 0;
    for (size_t i = 0; i < n; i++) {
        *read_twice |= p.reads[i] > 1;
        if (read_past && i >= HV_HEADER_SIZE && p.reads[i])
            *read_past = 1;
    }
    mem_platform_free(&p);
    return r;
}

/* The unpacked bytes hv_verify holds for each section must be what
 * section_bytes gave. */
static void same_as_held(const fixture *f, const seen *s, int unpack)
{
    mem_platform p;
    hv_verdict v;
    mem_platform_init(&p, f->image, f->image_len, f->board, 0);
    hv_ops ops = mem_platform_ops(&p);
    hv_policy pol = {.keys = &f->trusted, .key_count = 1, .min_signatures = 1,
                     .oem_id = NULL, .region_size = f->image_len,
                     .exact_size = 1};
    CHECK(hv_verify(&ops, &hv_crypto_bearssl, &pol, &ws, &v) == HV_OK);
    for (uint32_t i = 0; i < v.info.section_count; i++) {
        const hv_section *h = &v.info.sections[i];
        if (!unpack && h->compression == HV_COMPRESSION_ZSTD) {
            CHECK_MSG(s->sec_len[i] == 0, "section %u", i);
            continue;
        }
        CHECK_MSG(s->sec_len[i] == h->unpacked_size,
                  "section %u: %llu bytes, %llu unpacked", i,
                  (unsigned long long)s->sec_len[i],
                  (unsigned long long)h->unpacked_size);
        CHECK_MSG(s->sec_len[i] != h->unpacked_size || h->unpacked_size == 0 ||
                      memcmp(s->sec[i], h->data, (size_t)h->unpacked_size) == 0,
                  "section %u differs", i);
    }
    mem_platform_free(&p);
}

static void contract(const fixture *f, uint32_t expect_chunks_min)
{
    const uint8_t *img = f->image;
    size_t n = f->image_len;
    seen s;
    hv_verdict v;
    int twice;
    size_t big = (size_t)1 << HV_MAX_CHUNK_LOG2;

    for (int unpack = 1; unpack >= 0; unpack--) {
        memset(&s, 0, sizeof s);
        CHECK(stream(f, img, n, big, unpack, &s, &v, &twice, NULL) == HV_OK);
        CHECK(v.result == HV_OK && v.info_valid);
        CHECK(!twice);
        CHECK(!s.disorder && s.next == n);
        CHECK(memcmp(s.image, img, n) == 0);
        CHECK(!s.sec_disorder);
        for (uint32_t i = 0; i < v.info.section_count; i++)
            CHECK(v.info.sections[i].data == NULL);
        /* The core spans the chunks the test wants. */
        const hv_section *core = &v.info.sections[0];
        uint64_t chunk = (uint64_t)1 << v.info.chunk_log2;
        CHECK_MSG((core->stored_size + chunk - 1) / chunk >= expect_chunks_min,
                  "core of %llu bytes in chunks of %llu",
                  (unsigned long long)core->stored_size,
                  (unsigned long long)chunk);
        same_as_held(f, &s, unpack);
        seen_free(&s);
    }

    /* The chunk buffer: one byte short of the chunk size, exactly it. */
    memset(&s, 0, sizeof s);
    CHECK(stream(f, img, n, big, 1, &s, &v, &twice, NULL) == HV_OK);
    size_t chunk = (size_t)1 << v.info.chunk_log2;
    seen_free(&s);
    CHECK(stream(f, img, n, chunk - 1, 1, &s, &v, &twice, NULL) ==
          HV_ERR_MEMORY);
    CHECK(v.fail_offset == HV_HEADER_SIZE + HV_META_OFF_CHUNK_LOG2);
    CHECK(s.image_calls == 0); /* nothing passed on before the refusal */
    seen_free(&s);
    CHECK(stream(f, img, n, chunk, 1, &s, &v, &twice, NULL) == HV_OK);
    CHECK(!twice && s.next == n && memcmp(s.image, img, n) == 0);
    seen_free(&s);

    /* A sink that refuses stops the stream: image bytes (the head, then a
     * later call), section bytes. */
    for (int call = 1; call <= 3; call++) {
        memset(&s, 0, sizeof s);
        s.refuse_image_at_call = call;
        CHECK_MSG(stream(f, img, n, big, 1, &s, &v, &twice, NULL) == HV_ERR_IO,
                  "image_bytes refusing call %d", call);
        seen_free(&s);
    }
    memset(&s, 0, sizeof s);
    s.refuse_section = 1;
    CHECK(stream(f, img, n, big, 1, &s, &v, &twice, NULL) == HV_ERR_IO);
    seen_free(&s);

    /* A flipped stored byte of the core's last chunk: refused there, and
     * image_bytes never got that chunk (only authenticated bytes). */
    memset(&s, 0, sizeof s);
    CHECK(stream(f, img, n, big, 1, &s, &v, &twice, NULL) == HV_OK);
    hv_section core = v.info.sections[0];
    seen_free(&s);
    uint64_t last = (core.stored_size - 1) / chunk * chunk;
    uint8_t *bad = malloc(n);
    memcpy(bad, img, n);
    bad[core.data_offset + core.stored_size - 1] ^= 1;
    memset(&s, 0, sizeof s);
    CHECK(stream(f, bad, n, big, 1, &s, &v, &twice, NULL) == HV_ERR_DIGEST);
    CHECK(v.fail_offset == core.data_offset + last);
    CHECK(v.failed_section == 0);
    CHECK(!s.disorder && s.next == core.data_offset + last);
    seen_free(&s);
    free(bad);

    /* Unusable arguments. */
    mem_platform p;
    mem_platform_init(&p, img, n, f->board, 0);
    hv_ops ops = mem_platform_ops(&p);
    hv_policy pol = {.keys = &f->trusted, .key_count = 1, .min_signatures = 1,
                     .oem_id = NULL, .region_size = n, .exact_size = 1};
    static uint8_t small_chunk[1 << 16];
    hv_stream st = {NULL, small_chunk, sizeof small_chunk, zstd_ws,
                    sizeof zstd_ws, out_buf, sizeof out_buf, 1, NULL, NULL};
    CHECK(hv_verify_stream(&ops, &hv_crypto_bearssl, &pol, &ws, NULL, &v) ==
          HV_ERR_ARGUMENT);
    CHECK(v.result == HV_ERR_ARGUMENT);
    hv_stream bad_st = st;
    bad_st.out_size = 4095;
    CHECK(hv_verify_stream(&ops, &hv_crypto_bearssl, &pol, &ws, &bad_st, &v) ==
          HV_ERR_ARGUMENT);
    bad_st = st;
    bad_st.zstd = NULL;
    CHECK(hv_verify_stream(&ops, &hv_crypto_bearssl, &pol, &ws, &bad_st, &v) ==
          HV_ERR_ARGUMENT);
    bad_st.unpack = 0; /* no zstd workspace needed then */
    CHECK(hv_verify_stream(&ops, &hv_crypto_bearssl, &pol, &ws, &bad_st, &v) !=
          HV_ERR_ARGUMENT);
    mem_platform_free(&p);
}

int main(void)
{
    fixture f;

    /* Small: every section one chunk. */
    CHECK(fixture_build(&f, HV_SIG_ECDSA_P256_SHA256, 16, 70000) == 0);
    CHECK(hv_le32(f.image + HV_HDR_OFF_FORMAT_VERSION) == HV_FORMAT_VERSION_2);
    contract(&f, 1);
    fixture_free(&f);

    /* A core that stores in more than two 1 MiB chunks (its bytes barely
     * compress). */
    CHECK(fixture_build(&f, HV_SIG_ECDSA_P384_SHA384, 4096, 3u << 20) == 0);
    contract(&f, 3);
    fixture_free(&f);

    /* Version 1: refused at its version field, nothing past the fixed
     * header read, nothing passed on. */
    CHECK(fixture_build_format(&f, HV_SIG_ECDSA_P256_SHA256, 16, 4096,
                               HV_FORMAT_VERSION_1) == 0);
    seen s;
    hv_verdict v;
    int twice, past;
    memset(&s, 0, sizeof s);
    CHECK(stream(&f, f.image, f.image_len, (size_t)1 << HV_MAX_CHUNK_LOG2, 1,
                 &s, &v, &twice, &past) == HV_ERR_NOT_STREAMABLE);
    CHECK(v.result == HV_ERR_NOT_STREAMABLE);
    CHECK(v.fail_offset == HV_HDR_OFF_FORMAT_VERSION);
    CHECK(!past && !twice);
    CHECK(s.image_calls == 0);
    CHECK(strcmp(hv_result_name(HV_ERR_NOT_STREAMABLE), "not_streamable") == 0);
    seen_free(&s);
    fixture_free(&f);
    return CHECK_DONE();
}
