/*
 * attack-verify, one attack family (the suite: attack-verify.c, the crafter:
 * atk_craft.h).
 *
 * Decompression bombs and malformed zstd framing in signed sections.
 */
#include <stdlib.h>
#include <string.h>

#include "atk_craft.h"

/* ---- decompression bombs ------------------------------------------------ */

static void bomb(ctx *c, size_t real, int fcs, uint64_t declared)
{
    c_std(c);
    uint32_t at = add_zstd_extra(c, "bomb", real, fcs, declared);
    img_layout(&c->m);
    c_finish(c);
    want_fail(c, at, sec_data(c, at));
}
static void bomb_beyond_fcs(ctx *c) { bomb(c, 1u << 20, 1, 4096); }
static void bomb_beyond_nofcs(ctx *c) { bomb(c, 1u << 20, 0, 4096); }
static void bomb_beyond_by1(ctx *c) { bomb(c, 4097, 0, 4096); }
static void bomb_short_fcs(ctx *c) { bomb(c, 100, 1, 4096); }
static void bomb_short_nofcs(ctx *c) { bomb(c, 100, 0, 4096); }
static void bomb_short_by1(ctx *c) { bomb(c, 4095, 0, 4096); }
/* Refused when the platform is asked for memory: at the section's offset,
 * before its stored bytes (version 2: after its chunk table) are read. */
static void bomb_ram(ctx *c)
{
    bomb(c, 1u << 20, 0, UINT64_C(1) << 30);
    want(c, c->spec.want_section, sec_off(c, c->spec.want_section));
}
static void bomb_64m_short(ctx *c) { bomb(c, 1u << 20, 0, UINT64_C(64) << 20); }
static void ok_zstd_exact(ctx *c) { bomb(c, 1u << 20, 0, 1u << 20); }

/* 'A' in a single-segment frame with a 1-byte content size. */
static const uint8_t f_a[] = {0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x01,
                              0x09, 0x00, 0x00, 0x41};
static void z_ok_tiny(ctx *c) { frame(c, f_a, sizeof f_a, 1); }
static void z_skippable(ctx *c)
{
    static const uint8_t f[] = {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4};
    frame(c, f, sizeof f, 0);
}
static void z_skippable_then_frame(ctx *c)
{
    uint8_t f[12 + sizeof f_a] = {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4};
    memcpy(f + 12, f_a, sizeof f_a);
    frame(c, f, sizeof f, 1);
}
static void z_frame_then_skippable(ctx *c)
{
    uint8_t f[sizeof f_a + 12];
    static const uint8_t sk[] = {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4};
    memcpy(f, f_a, sizeof f_a);
    memcpy(f + sizeof f_a, sk, sizeof sk);
    frame(c, f, sizeof f, 1);
}
/* Declared as the first frame says (one byte): what follows it is a
 * second frame, not more of the first. */
static void z_two_frames(ctx *c)
{
    uint8_t f[2 * sizeof f_a];
    memcpy(f, f_a, sizeof f_a);
    memcpy(f + sizeof f_a, f_a, sizeof f_a);
    frame(c, f, sizeof f, 1);
}
static void z_trailing(ctx *c)
{
    uint8_t f[sizeof f_a + 1];
    memcpy(f, f_a, sizeof f_a);
    f[sizeof f_a] = 0;
    frame(c, f, sizeof f, 1);
}
static void z_truncated(ctx *c) { frame(c, f_a, sizeof f_a - 1, 1); }
static void z_bad_magic(ctx *c)
{
    uint8_t f[sizeof f_a];
    memcpy(f, f_a, sizeof f);
    f[0] = 0x27;
    frame(c, f, sizeof f, 1);
}
static void z_dict(ctx *c)
{
    static const uint8_t f[] = {0x28, 0xb5, 0x2f, 0xfd, 0x21, 0x07, 0x01,
                                0x09, 0x00, 0x00, 0x41};
    frame(c, f, sizeof f, 1);
}
static void z_checksum(ctx *c)
{
    size_t zn;
    uint8_t raw[300];
    memset(raw, 'q', sizeof raw);
    uint8_t *z = zc(raw, sizeof raw, 1, 1, &zn);
    z[zn - 1] ^= 1;
    frame(c, z, zn, sizeof raw);
    free(z);
}
/* Frame content size 2^40 in an 8-byte field; metadata says 1. */
static void z_fcs_huge(ctx *c)
{
    static const uint8_t f[] = {0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0,
                                1,    0,    0,    0x09, 0x00, 0x00, 0x41};
    frame(c, f, sizeof f, 1);
}
static void z_fcs_huge_declared(ctx *c)
{
    static const uint8_t f[] = {0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0, 0,
                                1,    0,    0,    0x09, 0x00, 0x00, 0x41};
    frame(c, f, sizeof f, UINT64_C(1) << 40);
}
/* An RLE block of 2^17 - 1 bytes, more than the 64 declared. */
static void z_rle_bomb(ctx *c)
{
    uint32_t bh = 1u | (1u << 1) | ((131071u) << 3);
    uint8_t f[] = {0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, (uint8_t)bh,
                   (uint8_t)(bh >> 8), (uint8_t)(bh >> 16), 0x00};
    frame(c, f, sizeof f, 64);
}

/* ---- the cases ---------------------------------------------------------- */

const atk_row atk_rows_zstd[] = {
    {"control", "control-zstd-exact-size", ok_zstd_exact, HV_OK, NOSEC, NOOFF},
    {"control", "control-zstd-tiny-frame", z_ok_tiny, HV_OK, NOSEC, NOOFF},
    {"bomb", "zstd-expands-beyond-declared-fcs", bomb_beyond_fcs, HV_ERR_UNPACKED_SIZE, ANYSEC, ANYOFF},
    {"bomb", "zstd-expands-beyond-declared-no-fcs", bomb_beyond_nofcs, HV_ERR_UNPACKED_SIZE, ANYSEC, ANYOFF},
    {"bomb", "zstd-expands-one-byte-beyond", bomb_beyond_by1, HV_ERR_UNPACKED_SIZE, ANYSEC, ANYOFF},
    {"bomb", "zstd-rle-block-beyond-declared", z_rle_bomb, HV_ERR_UNPACKED_SIZE, ANYSEC, ANYOFF},
    {"bomb", "zstd-stops-short-fcs", bomb_short_fcs, HV_ERR_UNPACKED_SIZE, ANYSEC, ANYOFF},
    {"bomb", "zstd-stops-short-no-fcs", bomb_short_nofcs, HV_ERR_UNPACKED_SIZE, ANYSEC, ANYOFF},
    {"bomb", "zstd-stops-one-byte-short", bomb_short_by1, HV_ERR_UNPACKED_SIZE, ANYSEC, ANYOFF},
    {"bomb", "zstd-declared-1GiB-over-platform-ram", bomb_ram, HV_ERR_MEMORY, ANYSEC, ANYOFF},
    {"bomb", "zstd-declared-64MiB-frame-1MiB", bomb_64m_short, HV_ERR_UNPACKED_SIZE, ANYSEC, ANYOFF},
    {"bomb", "zstd-frame-content-size-2^40", z_fcs_huge, HV_ERR_UNPACKED_SIZE, ANYSEC, ANYOFF},
    {"bomb", "zstd-declared-2^40", z_fcs_huge_declared, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"bomb", "zstd-skippable-frame-only", z_skippable, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
    {"bomb", "zstd-skippable-then-frame", z_skippable_then_frame, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
    {"bomb", "zstd-frame-then-skippable", z_frame_then_skippable, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
    {"bomb", "zstd-two-frames", z_two_frames, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
    {"bomb", "zstd-trailing-byte", z_trailing, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
    {"bomb", "zstd-truncated", z_truncated, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
    {"bomb", "zstd-bad-magic", z_bad_magic, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
    {"bomb", "zstd-needs-dictionary", z_dict, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
    {"bomb", "zstd-checksum-wrong", z_checksum, HV_ERR_DECOMPRESS, ANYSEC, ANYOFF},
};
const size_t atk_rows_zstd_count =
    sizeof atk_rows_zstd / sizeof atk_rows_zstd[0];
