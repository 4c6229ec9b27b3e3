/*
 * attack-verify, one attack family (the suite: attack-verify.c, the crafter:
 * atk_craft.h).
 *
 * Bytes outside the signed region: appended data, unlisted sections, padding,
 * malformed signature slots, changes that were not re-signed.
 */
#include <stdlib.h>
#include <string.h>

#include "atk_craft.h"
#include "encode.h"

/* ---- bytes outside the signed region ------------------------------------ */

static void tail_appended_exact(ctx *c)
{
    c_std(c);
    c_finish(c);
    c_append(c, "\x01\x02\x03\x04", 4);
}
static void tail_appended_region(ctx *c)
{
    tail_appended_exact(c);
    c->spec.exact = 0;
    c->spec.mode |= ATK_M_TAIL_UNREAD;
}
/* A complete second image (another valid, signed one) after the first. */
static void tail_second_image_exact(ctx *c)
{
    c_std(c);
    c_finish(c);
    c_append(c, FB.image, FB.image_len);
    c->spec.keys = KB(K_A) | KB(K_B);
}
static void tail_second_image_region(ctx *c)
{
    tail_second_image_exact(c);
    c->spec.exact = 0;
    c->spec.mode |= ATK_M_TAIL_UNREAD;
}
/* A section the metadata does not list, after the last one. */
static void tail_unlisted_section(ctx *c)
{
    c_std(c);
    c_finish(c);
    uint8_t pad[16] = {0};
    c_append(c, pad, 16 - (c->out_len % 16 ? c->out_len % 16 : 16));
    c_append(c, core_plain, core_plain_len);
}
/* The same, and the signed header's image_size grown to cover it. */
static void unlisted_section_signed_size(ctx *c)
{
    c_std(c);
    c_encode(c);
    uint64_t isz = c->m.info.header.image_size;
    put64(c->tbs + HV_HDR_OFF_IMAGE_SIZE, isz + 16 + core_plain_len);
    c_resign(c);
    memcpy(c->out + c->out_len - core_plain_len, core_plain, core_plain_len);
}
/* Metadata of another image parked in the second (empty) slot. */
static void second_meta_in_slot(ctx *c)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    memcpy(slot(c, 1), FB.image, HV_SIG_SLOT_SIZE);
    c_emit(c);
    want(c, NOSEC, block_off(c));
}
static void data_after_sig_len(ctx *c)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    slot(c, 0)[HV_SIG_OFF_SIG + 64] = 0x5a;
    c_emit(c);
    want(c, NOSEC, block_off(c));
}
static void slot_reserved(ctx *c)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    put32(slot(c, 0) + HV_SIG_OFF_RESERVED, 1);
    c_emit(c);
    want(c, NOSEC, block_off(c));
}
static void filled_after_empty(ctx *c)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    memcpy(slot(c, 1), slot(c, 0), HV_SIG_SLOT_SIZE);
    memset(slot(c, 0), 0, HV_SIG_SLOT_SIZE);
    c_emit(c);
    want(c, NOSEC, block_off(c));
}
static void sig_len_field(ctx *c, uint32_t v)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    put32(slot(c, 0) + HV_SIG_OFF_SIG_LEN, v);
    c_emit(c);
    want(c, NOSEC, block_off(c));
}
static void sig_len_0(ctx *c) { sig_len_field(c, 0); }
static void sig_len_513(ctx *c) { sig_len_field(c, HV_SIG_MAX_SIZE + 1); }
static void sig_len_ffff(ctx *c) { sig_len_field(c, UINT32_MAX); }
/* Only a key id in an otherwise empty slot. */
static void slot_only_id(ctx *c)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    memcpy(slot(c, 1), hv_signer_pubkey(SB)->key_id, HV_KEY_ID_SIZE);
    c_emit(c);
    want(c, NOSEC, block_off(c));
}

/* Padding between sections carries data (section_align 4096 so that there
 * is padding to fill). */
static void pad_layout(ctx *c)
{
    c_load(c, &IA);
    c->m.info.section_align = 4096;
    img_layout(&c->m);
    c_finish(c);
}
static void pad_before_first(ctx *c)
{
    pad_layout(c);
    uint64_t from = block_off(c) + 2u * HV_SIG_SLOT_SIZE;
    c->out[sec_off(c, 0) - 1] = 1;
    want(c, 0, from);
}
static void pad_between(ctx *c)
{
    pad_layout(c);
    uint64_t from = sec_data(c, 0) + c->m.plen[0];
    c->out[sec_off(c, 1) - 1] = 0x80;
    want(c, 1, from);
}
/* A whole unlisted section's bytes hidden in the padding. */
static void pad_hidden_section(ctx *c)
{
    pad_layout(c);
    uint64_t from = sec_data(c, 0) + c->m.plen[0];
    size_t room = (size_t)(sec_off(c, 1) - from);
    memcpy(c->out + from, c->m.pay[1], c->m.plen[1] < room ? c->m.plen[1] : room);
    want(c, 1, from);
}
static void ok_pad_layout(ctx *c)
{
    pad_layout(c);
}

/* A second signature, valid, by a key the device does not trust. */
static void untrusted_extra_sig(ctx *c)
{
    c_std(c);
    c_encode(c);
    hv_signer *const s[] = {SA, SB, NULL};
    c_sign_with(c, s);
    c_emit(c);
    int b_first = memcmp(hv_signer_pubkey(SB)->key_id,
                         hv_signer_pubkey(SA)->key_id, HV_KEY_ID_SIZE) < 0;
    want(c, NOSEC, slot_off(c, b_first ? 0 : 1));
}
/* A slot of random bytes under an unknown key id, sorted last. */
static void untrusted_garbage_sig(ctx *c)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    uint8_t id[HV_KEY_ID_SIZE], sig[64];
    memset(id, 0xff, sizeof id);
    for (int i = 0; i < 64; i++)
        sig[i] = (uint8_t)(i * 37 + 11);
    hv_sig_block_insert(c->block, 2, id, sig, 64);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 1));
}
/* The metadata changed without a new signature. */
static void unsigned_name_change(ctx *c)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    meta(c)[HV_META_OFF_IMAGE_NAME] ^= 0x20;
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
static void unsigned_security_version(ctx *c)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    put64(meta(c) + HV_META_OFF_SECURITY_VERSION, 1000);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}

/* ---- the cases ---------------------------------------------------------- */

const atk_row atk_rows_unsigned[] = {
    {"control", "control-padding-4096", ok_pad_layout, HV_OK, NOSEC, NOOFF},
    {"unsigned", "appended-bytes-host-file", tail_appended_exact, HV_ERR_REGION, NOSEC, HV_HDR_OFF_IMAGE_SIZE},
    {"unsigned", "appended-bytes-boot-region-never-read", tail_appended_region, HV_OK, NOSEC, NOOFF},
    {"unsigned", "second-image-appended-host-file", tail_second_image_exact, HV_ERR_REGION, NOSEC, HV_HDR_OFF_IMAGE_SIZE},
    {"unsigned", "second-image-appended-boot-region-never-read", tail_second_image_region, HV_OK, NOSEC, NOOFF},
    {"unsigned", "unlisted-section-appended", tail_unlisted_section, HV_ERR_REGION, NOSEC, HV_HDR_OFF_IMAGE_SIZE},
    {"unsigned", "unlisted-section-signed-image-size", unlisted_section_signed_size, HV_ERR_LAYOUT, NOSEC, HV_HEADER_SIZE},
    {"unsigned", "second-metadata-in-empty-slot", second_meta_in_slot, HV_ERR_SIG_BLOCK, NOSEC, ANYOFF},
    {"unsigned", "bytes-after-sig-len", data_after_sig_len, HV_ERR_SIG_BLOCK, NOSEC, ANYOFF},
    {"unsigned", "slot-reserved-set", slot_reserved, HV_ERR_SIG_BLOCK, NOSEC, ANYOFF},
    {"unsigned", "slot-key-id-only", slot_only_id, HV_ERR_SIG_BLOCK, NOSEC, ANYOFF},
    {"unsigned", "filled-slot-after-empty", filled_after_empty, HV_ERR_SIG_BLOCK, NOSEC, ANYOFF},
    {"unsigned", "sig-len-0", sig_len_0, HV_ERR_SIG_BLOCK, NOSEC, ANYOFF},
    {"unsigned", "sig-len-513", sig_len_513, HV_ERR_SIG_BLOCK, NOSEC, ANYOFF},
    {"unsigned", "sig-len-ffffffff", sig_len_ffff, HV_ERR_SIG_BLOCK, NOSEC, ANYOFF},
    {"unsigned", "padding-before-first-section", pad_before_first, HV_ERR_PADDING, ANYSEC, ANYOFF},
    {"unsigned", "padding-between-sections", pad_between, HV_ERR_PADDING, ANYSEC, ANYOFF},
    {"unsigned", "unlisted-section-in-padding", pad_hidden_section, HV_ERR_PADDING, ANYSEC, ANYOFF},
    {"unsigned", "extra-signature-untrusted-key", untrusted_extra_sig, HV_ERR_UNTRUSTED_KEY, NOSEC, ANYOFF},
    {"unsigned", "extra-slot-unknown-key-garbage", untrusted_garbage_sig, HV_ERR_UNTRUSTED_KEY, NOSEC, ANYOFF},
    {"unsigned", "metadata-changed-not-resigned", unsigned_name_change, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"unsigned", "security-version-raised-not-resigned", unsigned_security_version, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
};
const size_t atk_rows_unsigned_count =
    sizeof atk_rows_unsigned / sizeof atk_rows_unsigned[0];
