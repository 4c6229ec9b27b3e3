/*
 * attack-verify, one attack family (the suite: attack-verify.c, the crafter:
 * atk_craft.h).
 *
 * Every format ceiling (docs/LIMITS.md) at the limit and one past it.
 */
#include <stdlib.h>
#include <string.h>

#include "atk_craft.h"

/* ---- ceilings ----------------------------------------------------------- */

static void ceil_sections_16(ctx *c)
{
    fill(c, HV_MAX_SECTIONS, 2, 2);
    c_finish(c);
}
static void ceil_boards_32(ctx *c)
{
    fill(c, 2, HV_MAX_BOARDS, 2);
    c_finish(c);
}
static void ceil_slots_8(ctx *c)
{
    fill(c, 2, 2, HV_MAX_SIGNATURE_SLOTS);
    c_finish(c);
}
static void ceil_meta_max(ctx *c)
{
    fill(c, HV_MAX_SECTIONS, HV_MAX_BOARDS, HV_MAX_SIGNATURE_SLOTS);
    c_finish(c);
    if (c->tbs_len != HV_TBS_MAX_SIZE)
        die("ceiling image is not at HV_TBS_MAX_SIZE");
}
/* 17 entries: the 17th is spliced into the encoded 16. */
static void ceil_sections_17(ctx *c)
{
    fill(c, HV_MAX_SECTIONS, 2, 2);
    c_encode(c);
    /* Offsets into c->tbs (not pointers from entry()), so the compiler
     * sees the buffer these moves stay inside. */
    size_t boards = (size_t)(entry(c, HV_MAX_SECTIONS) - c->tbs);
    size_t blen = 2 * HV_BOARD_ID_SIZE;
    memmove(c->tbs + boards + HV_SECTION_ENTRY_SIZE, c->tbs + boards, blen);
    memcpy(c->tbs + boards, c->tbs + boards - HV_SECTION_ENTRY_SIZE,
           HV_SECTION_ENTRY_SIZE);
    memcpy(c->tbs + boards + HV_SEC_OFF_NAME, "x99\0", 4);
    c->tbs_len += HV_SECTION_ENTRY_SIZE;
    put32(c->tbs + HV_HDR_OFF_METADATA_SIZE,
          (uint32_t)(c->tbs_len - HV_HEADER_SIZE));
    put32(meta(c) + HV_META_OFF_SECTION_COUNT, HV_MAX_SECTIONS + 1);
    c_no_sections(c);
    c_resign(c);
}
static void ceil_boards_33(ctx *c)
{
    fill(c, 2, HV_MAX_BOARDS, 2);
    c_encode(c);
    memset(c->tbs + c->tbs_len, 0, HV_BOARD_ID_SIZE);
    memcpy(c->tbs + c->tbs_len, "zz-board-99", 11);
    c->tbs_len += HV_BOARD_ID_SIZE;
    put32(c->tbs + HV_HDR_OFF_METADATA_SIZE,
          (uint32_t)(c->tbs_len - HV_HEADER_SIZE));
    put32(meta(c) + HV_META_OFF_BOARD_COUNT, HV_MAX_BOARDS + 1);
    c_no_sections(c);
    c_resign(c);
}
/* The largest metadata_size: the header is accepted, the counts are not. */
static void ceil_meta_size_at(ctx *c)
{
    c_std(c);
    c_encode(c);
    put32(c->tbs + HV_HDR_OFF_METADATA_SIZE, HV_MAX_METADATA_SIZE);
    memset(c->tbs + c->tbs_len, 0, HV_TBS_MAX_SIZE - c->tbs_len);
    c->tbs_len = HV_TBS_MAX_SIZE;
    put64(c->tbs + HV_HDR_OFF_IMAGE_SIZE,
          HV_TBS_MAX_SIZE + 2u * HV_SIG_SLOT_SIZE + 16u);
    c_no_sections(c);
    c_resign(c);
}

/* An image of exactly HV_MAX_IMAGE_SIZE: a last extra section reaching
 * 4 GiB. Everything up to that section verifies; a board with 64 MiB of
 * RAM refuses the section (HV_ERR_MEMORY), which shows the size itself
 * was accepted. The region past what we hold reads as zeros. */
static void ceil_image_4g(ctx *c)
{
    c_std(c);
    /* Version 2: 16 MiB chunks, as the builder would pick, keep the
     * table within HV_MAX_CHUNK_TABLE_SIZE. */
    c_chunks(c, HV_MAX_CHUNK_LOG2);
    /* "huge" must be the last section: without the fixture's SBOM (type
     * 5, which sorts after every extra). */
    if (c->m.info.sections[c->m.info.section_count - 1].type ==
        HV_SECTION_SBOM)
        img_remove(&c->m, c->m.info.section_count - 1);
    uint32_t at = img_add(&c->m, HV_SECTION_EXTRA, HV_COMPRESSION_NONE,
                          "huge", "", 0, 0);
    img_layout(&c->m);
    hv_section *s = &c->m.info.sections[at];
    /* The table (version 2) depends on the size it precedes. */
    size_t tl = 0;
    for (;;) {
        s->stored_size = HV_MAX_IMAGE_SIZE - s->offset - tl;
        s->unpacked_size = s->stored_size;
        img_table(&c->m, at);
        if (c->m.tlen[at] == tl)
            break;
        tl = c->m.tlen[at];
    }
    s->data_offset = s->offset + tl;
    c->m.info.header.image_size = HV_MAX_IMAGE_SIZE;
    c_finish(c);
    c->spec.region = HV_MAX_IMAGE_SIZE;
    c->spec.exact = 0;
    c->spec.mode |= ATK_M_ZERO_TAIL;
    want(c, at, s->offset);
}
static void ceil_image_4g_p1(ctx *c)
{
    ceil_image_4g(c);
    c_encode(c);
    put64(c->tbs + HV_HDR_OFF_IMAGE_SIZE, HV_MAX_IMAGE_SIZE + 1);
    c_resign(c);
    c->spec.region = HV_MAX_IMAGE_SIZE + 1;
    c->spec.exact = 0;
    want(c, NOSEC, 0);
}
static void ceil_unpacked_4g(ctx *c)
{
    c_std(c);
    c_chunks(c, HV_MAX_CHUNK_LOG2);
    uint32_t at = add_zstd_extra(c, "big", 64, 1, 64);
    c->m.info.sections[at].unpacked_size = HV_MAX_UNPACKED_SIZE;
    img_layout(&c->m);
    c_finish(c);
    want(c, at, c->m.info.sections[at].offset);
}

/* ---- the cases ---------------------------------------------------------- */

const atk_row atk_rows_ceiling[] = {
    {"ceiling", "ceiling-sections-16", ceil_sections_16, HV_OK, NOSEC, NOOFF},
    {"ceiling", "ceiling-sections-17", ceil_sections_17, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"ceiling", "ceiling-boards-32", ceil_boards_32, HV_OK, NOSEC, NOOFF},
    {"ceiling", "ceiling-boards-33", ceil_boards_33, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"ceiling", "ceiling-signature-slots-8", ceil_slots_8, HV_OK, NOSEC, NOOFF},
    {"ceiling", "ceiling-metadata-3328-tbs-3392-block-4416", ceil_meta_max, HV_OK, NOSEC, NOOFF},
    {"ceiling", "ceiling-metadata-size-3328-counts-disagree", ceil_meta_size_at, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"ceiling", "ceiling-image-size-4GiB", ceil_image_4g, HV_ERR_MEMORY, ANYSEC, ANYOFF},
    {"ceiling", "ceiling-image-size-4GiB-plus-1", ceil_image_4g_p1, HV_ERR_HEADER, NOSEC, 0},
    {"ceiling", "ceiling-unpacked-size-4GiB", ceil_unpacked_4g, HV_ERR_MEMORY, ANYSEC, ANYOFF},
};
const size_t atk_rows_ceiling_count =
    sizeof atk_rows_ceiling / sizeof atk_rows_ceiling[0];
