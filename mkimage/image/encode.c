#include "encode.h"

#include <string.h>

#include "hvimage/codec.h"

/* NUL-padded text; the loaders already checked charset and length. */
static void put_text(uint8_t *p, size_t field, const char *s)
{
    size_t n = strlen(s);
    memset(p, 0, field);
    memcpy(p, s, n < field ? n : field);
}

size_t hv_encode_tbs(const hv_image_info *info, uint8_t *tbs)
{
    static const uint8_t magic[HV_MAGIC_SIZE] = {
        HV_MAGIC_0, HV_MAGIC_1, HV_MAGIC_2, HV_MAGIC_3,
        HV_MAGIC_4, HV_MAGIC_5, HV_MAGIC_6, HV_MAGIC_7,
    };
    uint32_t meta = HV_META_FIXED_SIZE +
                    info->section_count * HV_SECTION_ENTRY_SIZE +
                    info->board_count * HV_BOARD_ID_SIZE;
    size_t len = HV_HEADER_SIZE + meta;

    memset(tbs, 0, len);
    memcpy(tbs + HV_HDR_OFF_MAGIC, magic, sizeof magic);
    hv_put_le32(tbs + HV_HDR_OFF_FORMAT_VERSION, info->header.format_version);
    hv_put_le32(tbs + HV_HDR_OFF_METADATA_SIZE, meta);
    hv_put_le32(tbs + HV_HDR_OFF_SIGNATURE_SLOTS, info->header.signature_slots);
    hv_put_le64(tbs + HV_HDR_OFF_IMAGE_SIZE, info->header.image_size);
    hv_put_le32(tbs + HV_HDR_OFF_TRUST_SIZE, info->header.trust_size);

    uint8_t *m = tbs + HV_HEADER_SIZE;
    put_text(m + HV_META_OFF_IMAGE_NAME, HV_IMAGE_NAME_SIZE, info->name);
    put_text(m + HV_META_OFF_IMAGE_VERSION, HV_VERSION_SIZE, info->version);
    put_text(m + HV_META_OFF_OEM_ID, HV_OEM_ID_SIZE, info->oem_id);
    hv_put_le64(m + HV_META_OFF_SECURITY_VERSION, info->security_version);
    hv_put_le64(m + HV_META_OFF_MIN_SECURITY_VERSION,
                info->min_security_version);
    hv_put_le64(m + HV_META_OFF_BUILD_EPOCH, info->build_epoch);
    hv_put_le32(m + HV_META_OFF_DIGEST_ALG, info->digest_alg);
    hv_put_le32(m + HV_META_OFF_SECTION_COUNT, info->section_count);
    hv_put_le32(m + HV_META_OFF_BOARD_COUNT, info->board_count);
    hv_put_le32(m + HV_META_OFF_SECTION_ALIGN, info->section_align);
    hv_put_le32(m + HV_META_OFF_CHUNK_LOG2, info->chunk_log2);
    hv_put_le32(m + HV_META_OFF_CORE_KIND, info->core_kind);
    /* All zero without a trust block (hv_parse_metadata's one encoding). */
    memcpy(m + HV_META_OFF_TRUST_DIGEST, info->trust_digest,
           HV_DIGEST_MAX_SIZE);

    uint8_t *e = m + HV_META_FIXED_SIZE;
    for (uint32_t i = 0; i < info->section_count; i++, e += HV_SECTION_ENTRY_SIZE) {
        const hv_section *s = &info->sections[i];
        hv_put_le32(e + HV_SEC_OFF_TYPE, s->type);
        hv_put_le32(e + HV_SEC_OFF_COMPRESSION, s->compression);
        put_text(e + HV_SEC_OFF_NAME, HV_SECTION_NAME_SIZE, s->name);
        hv_put_le64(e + HV_SEC_OFF_OFFSET, s->offset);
        hv_put_le64(e + HV_SEC_OFF_STORED_SIZE, s->stored_size);
        hv_put_le64(e + HV_SEC_OFF_UNPACKED_SIZE, s->unpacked_size);
        hv_put_le64(e + HV_SEC_OFF_LOAD_ADDRESS, s->load_address);
        hv_put_le64(e + HV_SEC_OFF_ENTRY_POINT, s->entry_point);
        memcpy(e + HV_SEC_OFF_DIGEST, s->digest, HV_DIGEST_MAX_SIZE);
    }
    for (uint32_t i = 0; i < info->board_count; i++, e += HV_BOARD_ID_SIZE)
        put_text(e, HV_BOARD_ID_SIZE, info->boards[i]);
    return len;
}

uint64_t hv_data_start(uint32_t metadata_size, uint32_t slots, uint32_t align)
{
    uint64_t end = hv_sig_block_end(metadata_size, slots);
    return (end + align - 1) & ~(uint64_t)(align - 1);
}

hv_slot_status hv_sig_block_insert(uint8_t *block, uint32_t slots,
                                   const uint8_t key_id[HV_KEY_ID_SIZE],
                                   const uint8_t *sig, size_t sig_len)
{
    static const uint8_t empty[HV_SIG_SLOT_SIZE];
    uint32_t filled = 0, at;
    for (; filled < slots; filled++)
        if (memcmp(block + (size_t)filled * HV_SIG_SLOT_SIZE, empty,
                   HV_SIG_SLOT_SIZE) == 0)
            break;
    for (at = 0; at < filled; at++) {
        int c = memcmp(block + (size_t)at * HV_SIG_SLOT_SIZE, key_id,
                       HV_KEY_ID_SIZE);
        if (c == 0)
            return HV_SLOT_DUPLICATE;
        if (c > 0)
            break;
    }
    if (filled == slots)
        return HV_SLOT_FULL;
    uint8_t *pos = block + (size_t)at * HV_SIG_SLOT_SIZE;
    memmove(pos + HV_SIG_SLOT_SIZE, pos,
            (size_t)(filled - at) * HV_SIG_SLOT_SIZE);
    memset(pos, 0, HV_SIG_SLOT_SIZE);
    memcpy(pos + HV_SIG_OFF_KEY_ID, key_id, HV_KEY_ID_SIZE);
    hv_put_le32(pos + HV_SIG_OFF_SIG_LEN, (uint32_t)sig_len);
    memcpy(pos + HV_SIG_OFF_SIG, sig, sig_len);
    return HV_SLOT_OK;
}
