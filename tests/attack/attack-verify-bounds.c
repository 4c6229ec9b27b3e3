/*
 * attack-verify, one attack family (the suite: attack-verify.c, the crafter:
 * atk_craft.h).
 *
 * Offsets and sizes: header fields, the region, section offsets and sizes,
 * core addresses, at 0, at the limit, one past it, 0xFFFFFFFF and past 2^64.
 */
#include <stdlib.h>
#include <string.h>

#include "atk_craft.h"

/* ---- header fields: offsets and sizes --------------------------------- */

static void hdr32(ctx *c, size_t off, uint32_t v)
{
    c_std(c);
    c_encode(c);
    put32(c->tbs + off, v);
    c_resign(c);
}

static void hdr64(ctx *c, size_t off, uint64_t v)
{
    c_std(c);
    c_encode(c);
    put64(c->tbs + off, v);
    c_resign(c);
}

static void h_magic(ctx *c) { hdr32(c, 0, 0x474d4948u); }
/* 1 and 2 are formats; 3 is the first that is not. */
static void h_version_3(ctx *c) { hdr32(c, HV_HDR_OFF_FORMAT_VERSION, 3); }
static void h_version_0(ctx *c) { hdr32(c, HV_HDR_OFF_FORMAT_VERSION, 0); }
static void h_version_max(ctx *c)
{
    hdr32(c, HV_HDR_OFF_FORMAT_VERSION, UINT32_MAX);
}
static void h_flags(ctx *c) { hdr32(c, HV_HDR_OFF_FLAGS, 1); }
static void h_reserved(ctx *c) { hdr32(c, HV_HDR_OFF_RESERVED + 24, 0x100); }
static void h_meta_0(ctx *c) { hdr32(c, HV_HDR_OFF_METADATA_SIZE, 0); }
static void h_meta_min_m1(ctx *c)
{
    hdr32(c, HV_HDR_OFF_METADATA_SIZE,
          HV_META_FIXED_SIZE + HV_SECTION_ENTRY_SIZE + HV_BOARD_ID_SIZE - 1);
}
static void h_meta_max_p1(ctx *c)
{
    hdr32(c, HV_HDR_OFF_METADATA_SIZE, HV_MAX_METADATA_SIZE + 1);
}
static void h_meta_ffff(ctx *c)
{
    hdr32(c, HV_HDR_OFF_METADATA_SIZE, UINT32_MAX);
}
static void h_slots_0(ctx *c) { hdr32(c, HV_HDR_OFF_SIGNATURE_SLOTS, 0); }
static void h_slots_9(ctx *c)
{
    hdr32(c, HV_HDR_OFF_SIGNATURE_SLOTS, HV_MAX_SIGNATURE_SLOTS + 1);
}
static void h_slots_ffff(ctx *c)
{
    hdr32(c, HV_HDR_OFF_SIGNATURE_SLOTS, UINT32_MAX);
}
static void h_size_0(ctx *c) { hdr64(c, HV_HDR_OFF_IMAGE_SIZE, 0); }

static void h_size_sig_end(ctx *c)
{
    c_std(c);
    c_encode(c);
    put64(c->tbs + HV_HDR_OFF_IMAGE_SIZE,
          c->tbs_len + (uint64_t)c_slots(c) * HV_SIG_SLOT_SIZE);
    c_resign(c);
}

static void h_size_ffffffff(ctx *c)
{
    hdr64(c, HV_HDR_OFF_IMAGE_SIZE, UINT32_MAX);
    c->spec.region = FA.image_len;
}

static void h_size_4g_p1(ctx *c)
{
    hdr64(c, HV_HDR_OFF_IMAGE_SIZE, HV_MAX_IMAGE_SIZE + 1);
}
static void h_size_2_63(ctx *c)
{
    hdr64(c, HV_HDR_OFF_IMAGE_SIZE, UINT64_C(1) << 63);
}
static void h_size_u64max(ctx *c) { hdr64(c, HV_HDR_OFF_IMAGE_SIZE, UINT64_MAX); }

/* image_size one past the bytes there are: the region check catches it
 * before anything is read past the header. */
static void h_size_plus1(ctx *c)
{
    c_std(c);
    c_encode(c);
    put64(c->tbs + HV_HDR_OFF_IMAGE_SIZE, c->m.info.header.image_size + 1);
    c_resign(c);
    c->out_len = (size_t)c->m.info.header.image_size;
    c->spec.region = c->out_len;
    c->spec.exact = 0;
}

/* The sizes add up to more than 2^64 if summed naively. */
static void h_sizes_wrap(ctx *c)
{
    c_std(c);
    c_encode(c);
    put32(c->tbs + HV_HDR_OFF_METADATA_SIZE, UINT32_MAX);
    put32(c->tbs + HV_HDR_OFF_SIGNATURE_SLOTS, UINT32_MAX);
    put64(c->tbs + HV_HDR_OFF_IMAGE_SIZE, UINT64_MAX - 100);
    c_resign(c);
}

static void region_63(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.region = HV_HEADER_SIZE - 1;
    c->spec.exact = 0;
}

static void region_0(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.region = 0;
    c->spec.exact = 0;
}

static void region_short(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.region = c->out_len - 1;
    c->spec.exact = 0;
}

/* metadata_size 32 bytes larger than the counts say: 32 signed bytes that
 * nothing would read. */
static void meta_trailing(ctx *c)
{
    c_std(c);
    c_encode(c);
    uint32_t m = get32(c->tbs + HV_HDR_OFF_METADATA_SIZE) + 32;
    put32(c->tbs + HV_HDR_OFF_METADATA_SIZE, m);
    memset(c->tbs + c->tbs_len, 0, 32);
    c->tbs_len += 32;
    /* The sections move too, so only the metadata is wrong. */
    for (uint32_t i = 0; i < c->m.info.section_count; i++) {
        c->m.info.sections[i].offset += 32;
        put64(entry(c, i) + HV_SEC_OFF_OFFSET, c->m.info.sections[i].offset);
    }
    put64(c->tbs + HV_HDR_OFF_IMAGE_SIZE,
          get64(c->tbs + HV_HDR_OFF_IMAGE_SIZE) + 32);
    c_resign(c);
}

/* ---- metadata: section offsets and sizes ------------------------------- */

static void s_field64(ctx *c, uint32_t i, size_t field, uint64_t v)
{
    c_std(c);
    c_encode(c);
    put64(entry(c, i) + field, v);
    c_resign(c);
}

static void s_off_0(ctx *c) { s_field64(c, 0, HV_SEC_OFF_OFFSET, 0); }
static void s_off_u64max(ctx *c)
{
    s_field64(c, 0, HV_SEC_OFF_OFFSET, UINT64_MAX);
}
static void s_off_ffffffff(ctx *c)
{
    s_field64(c, 1, HV_SEC_OFF_OFFSET, UINT32_MAX);
}
static void s_off_image_end(ctx *c)
{
    c_std(c);
    s_field64(c, 1, HV_SEC_OFF_OFFSET, c->m.info.header.image_size);
}
static void s_off_misaligned(ctx *c)
{
    c_std(c);
    s_field64(c, 0, HV_SEC_OFF_OFFSET, sec_off(c, 0) + 1);
}
static void s_off_gap(ctx *c)
{
    c_std(c);
    s_field64(c, 1, HV_SEC_OFF_OFFSET, sec_off(c, 1) + 16);
}
static void s_overlap_same(ctx *c)
{
    c_std(c);
    s_field64(c, 1, HV_SEC_OFF_OFFSET, sec_off(c, 0));
}
static void s_overlap_tail(ctx *c)
{
    c_std(c);
    s_field64(c, 1, HV_SEC_OFF_OFFSET, sec_off(c, 1) - 16);
}
static void s_outside(ctx *c)
{
    c_std(c);
    s_field64(c, 1, HV_SEC_OFF_OFFSET, c->m.info.header.image_size + 4096);
}
/*
 * Huge stored sizes reach the layout check in version 1 only: version 2
 * refuses any stored_size above hv_stored_bound() as metadata first (the
 * chunks family has those cases). So these three are crafted in version 1
 * whatever the run's format.
 */
static void s_field64_v1(ctx *c, uint32_t i, size_t field, uint64_t v)
{
    c_std_v1(c);
    c_encode(c);
    put64(entry(c, i) + field, v);
    c_resign(c);
}
static void s_size_ffffffff(ctx *c)
{
    s_field64_v1(c, 1, HV_SEC_OFF_STORED_SIZE, UINT32_MAX);
}
static void s_size_u64max(ctx *c)
{
    s_field64_v1(c, 1, HV_SEC_OFF_STORED_SIZE, UINT64_MAX);
}
/* offset + stored_size wraps to a small number. */
static void s_size_wraps(ctx *c)
{
    c_std_v1(c);
    s_field64_v1(c, 1, HV_SEC_OFF_STORED_SIZE,
                 (UINT64_MAX - sec_off(c, 1)) + 1 + 16);
}
/* The last section one byte longer: it ends past the image. */
static void s_size_plus1(ctx *c)
{
    c_std(c);
    uint32_t last = c->m.info.section_count - 1;
    s_field64(c, last, HV_SEC_OFF_STORED_SIZE, c->m.plen[last] + 1);
}
static void s_size_minus1(ctx *c)
{
    c_std(c);
    uint32_t last = c->m.info.section_count - 1;
    s_field64(c, last, HV_SEC_OFF_STORED_SIZE, c->m.plen[last] - 1);
}
/* An uncompressed last section of 0 bytes: the image then ends early. */
static void s_size_0_last(ctx *c)
{
    c_std(c);
    uint32_t last = c->m.info.section_count - 1;
    c->m.info.sections[last].compression = HV_COMPRESSION_NONE;
    img_layout(&c->m);
    c_encode(c);
    put64(entry(c, last) + HV_SEC_OFF_STORED_SIZE, 0);
    put64(entry(c, last) + HV_SEC_OFF_UNPACKED_SIZE, 0);
    c_resign(c);
}
static void s_unpacked_u64max(ctx *c)
{
    s_field64(c, 1, HV_SEC_OFF_UNPACKED_SIZE, UINT64_MAX);
}
static void s_unpacked_4g_p1(ctx *c)
{
    s_field64(c, 1, HV_SEC_OFF_UNPACKED_SIZE, HV_MAX_UNPACKED_SIZE + 1);
}
static void s_none_unpacked_differs(ctx *c)
{
    c_std(c);
    c->m.info.sections[1].compression = HV_COMPRESSION_NONE;
    img_layout(&c->m);
    c->m.info.sections[1].unpacked_size = c->m.plen[1] + 1;
    c_finish(c);
}
static void s_zstd_stored_0(ctx *c)
{
    c_std(c);
    img_set(&c->m, 1, "", 0);
    img_layout(&c->m);
    c_finish(c);
}
static void core_wrap(ctx *c)
{
    s_field64(c, 0, HV_SEC_OFF_LOAD_ADDRESS, UINT64_MAX - 100);
}
static void core_entry_below(ctx *c)
{
    c_std(c);
    s_field64(c, 0, HV_SEC_OFF_ENTRY_POINT,
              c->m.info.sections[0].load_address - 1);
}
static void core_entry_end(ctx *c)
{
    c_std(c);
    const hv_section *s = &c->m.info.sections[0];
    s_field64(c, 0, HV_SEC_OFF_ENTRY_POINT, s->load_address + s->unpacked_size);
}
static void core_entry_u64max(ctx *c)
{
    s_field64(c, 0, HV_SEC_OFF_ENTRY_POINT, UINT64_MAX);
}
static void core_unpacked_0(ctx *c)
{
    s_field64(c, 0, HV_SEC_OFF_UNPACKED_SIZE, 0);
}
static void bootcfg_load(ctx *c)
{
    s_field64(c, 1, HV_SEC_OFF_LOAD_ADDRESS, 0x1000);
}

/* ---- the cases ---------------------------------------------------------- */

const atk_row atk_rows_bounds[] = {
    {"bounds", "hdr-magic", h_magic, HV_ERR_MAGIC, NOSEC, 0},
    {"bounds", "hdr-version-0", h_version_0, HV_ERR_VERSION, NOSEC, 0},
    {"bounds", "hdr-version-3", h_version_3, HV_ERR_VERSION, NOSEC, 0},
    {"bounds", "hdr-version-ffffffff", h_version_max, HV_ERR_VERSION, NOSEC, 0},
    {"bounds", "hdr-flags-set", h_flags, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "hdr-reserved-set", h_reserved, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "hdr-metadata-size-0", h_meta_0, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "hdr-metadata-size-min-minus-1", h_meta_min_m1, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "hdr-metadata-size-max-plus-1", h_meta_max_p1, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "hdr-metadata-size-ffffffff", h_meta_ffff, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "hdr-metadata-size-hides-32-signed-bytes", meta_trailing, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "hdr-slots-0", h_slots_0, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "hdr-slots-ffffffff", h_slots_ffff, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "hdr-image-size-0", h_size_0, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "hdr-image-size-end-of-sig-block", h_size_sig_end, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "hdr-image-size-ffffffff-past-region", h_size_ffffffff, HV_ERR_REGION, NOSEC, HV_HDR_OFF_IMAGE_SIZE},
    {"bounds", "hdr-image-size-4GiB-plus-1", h_size_4g_p1, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "hdr-image-size-2^63", h_size_2_63, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "hdr-image-size-u64-max", h_size_u64max, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "hdr-image-size-one-past-region", h_size_plus1, HV_ERR_REGION, NOSEC, HV_HDR_OFF_IMAGE_SIZE},
    {"bounds", "hdr-sizes-sum-past-2^64", h_sizes_wrap, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "region-smaller-than-header", region_63, HV_ERR_REGION, NOSEC, 0},
    {"bounds", "region-0", region_0, HV_ERR_REGION, NOSEC, 0},
    {"bounds", "region-one-byte-short", region_short, HV_ERR_REGION, NOSEC, HV_HDR_OFF_IMAGE_SIZE},
    {"ceiling", "ceiling-signature-slots-9", h_slots_9, HV_ERR_HEADER, NOSEC, 0},
    {"ceiling", "ceiling-metadata-size-3329", h_meta_max_p1, HV_ERR_HEADER, NOSEC, 0},
    {"bounds", "sec-offset-0", s_off_0, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-offset-u64-max", s_off_u64max, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-offset-ffffffff", s_off_ffffffff, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-offset-at-image-end", s_off_image_end, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-offset-misaligned", s_off_misaligned, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-offset-gap", s_off_gap, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-overlap-same-offset", s_overlap_same, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-overlap-tail", s_overlap_tail, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-outside-image", s_outside, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-stored-size-ffffffff", s_size_ffffffff, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-stored-size-u64-max", s_size_u64max, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-offset-plus-size-wraps-2^64", s_size_wraps, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-stored-size-one-past-image", s_size_plus1, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-stored-size-one-short-of-image", s_size_minus1, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-stored-size-0-last", s_size_0_last, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-unpacked-size-u64-max", s_unpacked_u64max, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-none-unpacked-differs", s_none_unpacked_differs, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "sec-zstd-stored-size-0", s_zstd_stored_0, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "core-load-plus-size-wraps", core_wrap, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "core-entry-below-load", core_entry_below, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "core-entry-one-past-end", core_entry_end, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "core-entry-u64-max", core_entry_u64max, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "core-unpacked-size-0", core_unpacked_0, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "bootcfg-load-address-set", bootcfg_load, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"ceiling", "ceiling-unpacked-size-4GiB-plus-1", s_unpacked_4g_p1, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
};
const size_t atk_rows_bounds_count =
    sizeof atk_rows_bounds / sizeof atk_rows_bounds[0];
