/*
 * attack-verify, one attack family (the suite: attack-verify.c, the crafter:
 * atk_craft.h).
 *
 * The metadata's counts, names, types and order: duplicate or reserved
 * sections, unsorted boards, text outside the charset.
 */
#include <stdlib.h>
#include <string.h>

#include "atk_craft.h"

/* ---- metadata: counts, names, types, order ----------------------------- */

static void m_field32(ctx *c, size_t off, uint32_t v)
{
    c_std(c);
    c_encode(c);
    put32(meta(c) + off, v);
    c_resign(c);
}

static void m_sections_0(ctx *c) { m_field32(c, HV_META_OFF_SECTION_COUNT, 0); }
static void m_sections_ffff(ctx *c)
{
    m_field32(c, HV_META_OFF_SECTION_COUNT, UINT32_MAX);
}
static void m_boards_0(ctx *c) { m_field32(c, HV_META_OFF_BOARD_COUNT, 0); }
static void m_boards_ffff(ctx *c)
{
    m_field32(c, HV_META_OFF_BOARD_COUNT, UINT32_MAX);
}
/* Counts that still add up to metadata_size: one section fewer, four
 * boards more (128 = 4 x 32). */
static void m_counts_shifted(ctx *c)
{
    c_std(c);
    c_encode(c);
    put32(meta(c) + HV_META_OFF_SECTION_COUNT, 1);
    put32(meta(c) + HV_META_OFF_BOARD_COUNT, 6);
    c_resign(c);
}
static void m_digest_0(ctx *c) { m_field32(c, HV_META_OFF_DIGEST_ALG, 0); }
static void m_digest_3(ctx *c) { m_field32(c, HV_META_OFF_DIGEST_ALG, 3); }
/* The last reserved word, just before min_security_version. */
static void m_reserved(ctx *c)
{
    m_field32(c, HV_META_OFF_MIN_SECURITY_VERSION - 4, 1);
}

static void m_align(ctx *c, uint32_t align)
{
    c_std(c);
    c->m.info.section_align = align;
    if (align >= 8 && align <= HV_MAX_SECTION_ALIGN * 2 &&
        (align & (align - 1)) == 0)
        img_layout(&c->m);
    c_finish(c);
}
static void m_align_0(ctx *c) { m_align(c, 0); }
static void m_align_8(ctx *c) { m_align(c, 8); }
static void m_align_3000(ctx *c) { m_align(c, 3000); }
static void m_align_2m(ctx *c) { m_align(c, HV_MAX_SECTION_ALIGN * 2); }
static void m_align_2_31(ctx *c) { m_align(c, 1u << 31); }
static void ok_align_16(ctx *c) { m_align(c, HV_MIN_SECTION_ALIGN); }
static void ok_align_1m(ctx *c) { m_align(c, HV_MAX_SECTION_ALIGN); }

static void m_text(ctx *c, size_t off, const char *bytes, size_t n)
{
    c_std(c);
    c_encode(c);
    memcpy(meta(c) + off, bytes, n);
    c_resign(c);
}
static void t_name_empty(ctx *c)
{
    m_text(c, HV_META_OFF_IMAGE_NAME, "\0\0\0\0\0\0\0\0\0\0\0\0\0", 13);
}
static void t_name_space(ctx *c) { m_text(c, HV_META_OFF_IMAGE_NAME, "a b", 3); }
static void t_name_slash(ctx *c) { m_text(c, HV_META_OFF_IMAGE_NAME, "../x", 4); }
static void t_name_high(ctx *c) { m_text(c, HV_META_OFF_IMAGE_NAME, "\xc3\xa9", 2); }
static void t_name_after_nul(ctx *c)
{
    m_text(c, HV_META_OFF_IMAGE_NAME + 40, "x", 1);
}
static void t_oem_empty(ctx *c)
{
    m_text(c, HV_META_OFF_OEM_ID, "\0\0\0\0\0\0\0\0\0\0\0\0\0", 13);
}
static void t_section_name_nul_gap(ctx *c)
{
    m_text(c, HV_META_FIXED_SIZE + HV_SEC_OFF_NAME + 20, "y", 1);
}

static void t_board_unsorted(ctx *c)
{
    c_std(c);
    hv_image_info *in = &c->m.info;
    char tmp[HV_BOARD_ID_SIZE + 1];
    memcpy(tmp, in->boards[0], sizeof tmp);
    memcpy(in->boards[0], in->boards[1], sizeof tmp);
    memcpy(in->boards[1], tmp, sizeof tmp);
    c_finish(c);
}
static void t_board_dup(ctx *c)
{
    c_std(c);
    memcpy(c->m.info.boards[0], c->m.info.boards[1], HV_BOARD_ID_SIZE + 1);
    c_finish(c);
}

/* Two entries of one kind, written in (type, name) order where possible. */
static void dup_core(ctx *c)
{
    c_std(c);
    img *m = &c->m;
    m->info.sections[1] = m->info.sections[0];
    img_set(m, 1, m->pay[0], m->plen[0]);
    img_layout(m);
    c_finish(c);
}
static void dup_bootcfg(ctx *c)
{
    c_std(c);
    img *m = &c->m;
    uint32_t at = img_add(m, HV_SECTION_EXTRA, HV_COMPRESSION_NONE, "x", "x",
                          1, 1);
    m->info.sections[at] = m->info.sections[1];
    img_set(m, at, m->pay[1], m->plen[1]);
    img_layout(m);
    c_finish(c);
}
static void dup_drivers(ctx *c)
{
    c_std(c);
    tarbuf t = {0};
    tb_end(&t);
    img_add(&c->m, HV_SECTION_DRIVERS, HV_COMPRESSION_NONE, "drivers", t.p,
            t.len, t.len);
    img_add(&c->m, HV_SECTION_DRIVERS, HV_COMPRESSION_NONE, "drivers", t.p,
            t.len, t.len);
    free(t.p);
    img_layout(&c->m);
    c_finish(c);
}
static void dup_extra(ctx *c)
{
    c_std(c);
    img_add(&c->m, HV_SECTION_EXTRA, HV_COMPRESSION_NONE, "blob", "a", 1, 1);
    img_add(&c->m, HV_SECTION_EXTRA, HV_COMPRESSION_NONE, "blob", "b", 1, 1);
    img_layout(&c->m);
    c_finish(c);
}
static void extra_core(ctx *c) { extra_named(c, "core"); }
static void extra_drivers(ctx *c) { extra_named(c, "drivers"); }
static void extra_bootcfg(ctx *c) { extra_named(c, "bootcfg"); }
static void order_swapped(ctx *c)
{
    c_std(c);
    img *m = &c->m;
    hv_section s = m->info.sections[0];
    m->info.sections[0] = m->info.sections[1];
    m->info.sections[1] = s;
    uint8_t *p = m->pay[0];
    size_t n = m->plen[0];
    m->pay[0] = m->pay[1];
    m->plen[0] = m->plen[1];
    m->pay[1] = p;
    m->plen[1] = n;
    img_layout(m);
    c_finish(c);
}
static void no_core(ctx *c)
{
    c_std(c);
    img *m = &c->m;
    free(m->pay[0]);
    memmove(&m->info.sections[0], &m->info.sections[1],
            sizeof m->info.sections[0]);
    m->pay[0] = m->pay[1];
    m->plen[0] = m->plen[1];
    m->pay[1] = NULL;
    m->info.section_count = 1;
    img_layout(m);
    c_finish(c);
}
static void core_renamed(ctx *c)
{
    c_std(c);
    snprintf(c->m.info.sections[0].name, HV_SECTION_NAME_SIZE + 1, "kernel");
    c_finish(c);
}
static void bootcfg_renamed(ctx *c)
{
    c_std(c);
    snprintf(c->m.info.sections[1].name, HV_SECTION_NAME_SIZE + 1, "config");
    c_finish(c);
}
static void type_field(ctx *c, uint32_t v)
{
    c_std(c);
    c_encode(c);
    put32(entry(c, 1) + HV_SEC_OFF_TYPE, v);
    c_resign(c);
}
static void type_0(ctx *c) { type_field(c, 0); }
static void type_5(ctx *c) { type_field(c, 5); }
static void type_ffff(ctx *c) { type_field(c, UINT32_MAX); }
static void comp_2(ctx *c)
{
    c_std(c);
    c_encode(c);
    put32(entry(c, 1) + HV_SEC_OFF_COMPRESSION, 2);
    c_resign(c);
}
static void digest_tail(ctx *c)
{
    c_std(c);
    c_encode(c);
    entry(c, 0)[HV_SEC_OFF_DIGEST + 40] = 1;
    c_resign(c);
}

/* ---- the cases ---------------------------------------------------------- */

const atk_row atk_rows_metadata[] = {
    {"bounds", "meta-section-count-0", m_sections_0, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "meta-section-count-ffffffff", m_sections_ffff, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "meta-board-count-0", m_boards_0, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "meta-board-count-ffffffff", m_boards_ffff, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "meta-counts-shifted-same-size", m_counts_shifted, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "meta-digest-alg-0", m_digest_0, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "meta-digest-alg-3", m_digest_3, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "meta-reserved-set", m_reserved, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "meta-align-0", m_align_0, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "meta-align-3000", m_align_3000, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "meta-align-2^31", m_align_2_31, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "meta-digest-unused-bytes-set", digest_tail, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "text-name-empty", t_name_empty, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "text-name-space", t_name_space, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "text-name-path", t_name_slash, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "text-name-non-ascii", t_name_high, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "text-name-byte-after-nul", t_name_after_nul, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "text-oem-empty", t_oem_empty, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bounds", "text-section-name-byte-after-nul", t_section_name_nul_gap, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "dup-core-twice", dup_core, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "dup-bootcfg-twice", dup_bootcfg, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "dup-drivers-twice", dup_drivers, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "dup-extra-same-name", dup_extra, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "dup-board-twice", t_board_dup, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "boards-unsorted", t_board_unsorted, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "extra-named-core", extra_core, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "extra-named-bootcfg", extra_bootcfg, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "extra-named-drivers", extra_drivers, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "sections-out-of-order", order_swapped, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "no-core-section", no_core, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "core-named-kernel", core_renamed, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "bootcfg-named-config", bootcfg_renamed, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "section-type-0", type_0, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "section-type-5", type_5, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "section-type-ffffffff", type_ffff, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"duplicates", "section-compression-2", comp_2, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"ceiling", "ceiling-align-16", ok_align_16, HV_OK, NOSEC, NOOFF},
    {"ceiling", "ceiling-align-8", m_align_8, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"ceiling", "ceiling-align-1MiB", ok_align_1m, HV_OK, NOSEC, NOOFF},
    {"ceiling", "ceiling-align-2MiB", m_align_2m, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
};
const size_t atk_rows_metadata_count =
    sizeof atk_rows_metadata / sizeof atk_rows_metadata[0];
