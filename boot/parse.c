/*
 * Decoding of the fixed header, the signed metadata and the signature block.
 * Every value here comes from the image; each check names what it defends
 * against. All sizes are bounded by format.h limits before any arithmetic, so
 * that no sum below can wrap a uint64_t (the largest is about 2^33).
 */
#include "hvboot.h"
#include "hvlinux.h"
#include "sysdeps.h"

static const uint8_t magic[HV_MAGIC_SIZE] = {
    HV_MAGIC_0, HV_MAGIC_1, HV_MAGIC_2, HV_MAGIC_3,
    HV_MAGIC_4, HV_MAGIC_5, HV_MAGIC_6, HV_MAGIC_7,
};

static int text_equal(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* Bytewise order of two NUL-terminated texts: <0, 0, >0. */
static int text_cmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (int)(unsigned char)*a - (int)(unsigned char)*b;
}

static int is_pow2(uint32_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

/* Callers keep |v| < 2^34 and |align| <= 2^20, so this cannot wrap. */
static uint64_t align_up(uint64_t v, uint32_t align)
{
    return (v + align - 1) & ~(uint64_t)(align - 1);
}

/* see hvboot.h */
hv_result hv_parse_header(const uint8_t hdr[HV_HEADER_SIZE], hv_header *out)
{
    if (memcmp(hdr + HV_HDR_OFF_MAGIC, magic, HV_MAGIC_SIZE) != 0)
        return HV_ERR_MAGIC;
    out->format_version = hv_le32(hdr + HV_HDR_OFF_FORMAT_VERSION);
    if (out->format_version != HV_FORMAT_VERSION_1 &&
        out->format_version != HV_FORMAT_VERSION_2)
        return HV_ERR_VERSION;
    out->metadata_size = hv_le32(hdr + HV_HDR_OFF_METADATA_SIZE);
    out->signature_slots = hv_le32(hdr + HV_HDR_OFF_SIGNATURE_SLOTS);
    out->image_size = hv_le64(hdr + HV_HDR_OFF_IMAGE_SIZE);
    out->trust_size = hv_le32(hdr + HV_HDR_OFF_TRUST_SIZE);

    /* The metadata buffer in hv_workspace is sized for the maximum; a larger
     * claim would make the caller read past it. */
    if (out->metadata_size < HV_META_FIXED_SIZE + HV_SECTION_ENTRY_SIZE +
                                 HV_BOARD_ID_SIZE ||
        out->metadata_size > HV_MAX_METADATA_SIZE)
        return HV_ERR_HEADER;
    if (out->signature_slots < 1 ||
        out->signature_slots > HV_MAX_SIGNATURE_SLOTS)
        return HV_ERR_HEADER;
    if (hv_le32(hdr + HV_HDR_OFF_FLAGS) != 0 ||
        !hv_all_zero(hdr + HV_HDR_OFF_RESERVED, HV_HEADER_SIZE -
                                                  HV_HDR_OFF_RESERVED))
        return HV_ERR_HEADER;
    /* The trust block is read whole into the workspace (version 2 only: a
     * version 1 stage knows no trust block, and had these bytes reserved). */
    if (out->trust_size != 0 &&
        (out->format_version == HV_FORMAT_VERSION_1 ||
         out->trust_size < HV_MIN_TRUST_BLOCK_SIZE ||
         out->trust_size > HV_MAX_TRUST_BLOCK_SIZE))
        return HV_ERR_HEADER;
    /* Bounded first, so every later sum of sizes stays far below 2^64. */
    uint64_t fixed_end =
        hv_sig_block_end(out->metadata_size, out->signature_slots) +
        out->trust_size;
    if (out->image_size > HV_MAX_IMAGE_SIZE || out->image_size <= fixed_end)
        return HV_ERR_HEADER;
    return HV_OK;
}

static hv_result parse_section(const uint8_t *e, uint32_t digest_size,
                               hv_section *s)
{
    s->type = hv_le32(e + HV_SEC_OFF_TYPE);
    s->compression = hv_le32(e + HV_SEC_OFF_COMPRESSION);
    if (!hv_text_field_decode(e + HV_SEC_OFF_NAME, HV_SECTION_NAME_SIZE,
                              s->name))
        return HV_ERR_METADATA;
    s->offset = hv_le64(e + HV_SEC_OFF_OFFSET);
    s->stored_size = hv_le64(e + HV_SEC_OFF_STORED_SIZE);
    s->unpacked_size = hv_le64(e + HV_SEC_OFF_UNPACKED_SIZE);
    s->load_address = hv_le64(e + HV_SEC_OFF_LOAD_ADDRESS);
    s->entry_point = hv_le64(e + HV_SEC_OFF_ENTRY_POINT);
    memcpy(s->digest, e + HV_SEC_OFF_DIGEST, HV_DIGEST_MAX_SIZE);
    s->data = 0;
    s->chunk_entries = 0;
    s->table_size = 0;

    /* Unused digest bytes are zero: one encoding per content. */
    if (!hv_all_zero(s->digest + digest_size, HV_DIGEST_MAX_SIZE - digest_size))
        return HV_ERR_METADATA;

    /* Every type but extras carries its own name, extras none of those. */
    const char *must = hv_section_type_name(s->type);
    if (must && !text_equal(s->name, must))
        return HV_ERR_METADATA;
    switch (s->type) {
    case HV_SECTION_CORE:
        /* The entry must lie inside what is loaded, and the loaded range
         * must not wrap the address space. */
        if (s->unpacked_size == 0 ||
            s->load_address > UINT64_MAX - s->unpacked_size ||
            s->entry_point < s->load_address ||
            s->entry_point - s->load_address >= s->unpacked_size)
            return HV_ERR_METADATA;
        break;
    case HV_SECTION_CMDLINE:
        /* Whatever the compression, the kernel gets at most its own
         * COMMAND_LINE_SIZE less the NUL; an empty line is no line. */
        if (s->unpacked_size == 0 ||
            s->unpacked_size > HV_LINUX_CMDLINE_MAX)
            return HV_ERR_METADATA;
        /* fall through */
    case HV_SECTION_BOOTCFG:
    case HV_SECTION_DRIVERS:
    case HV_SECTION_EXTRA:
    case HV_SECTION_SBOM:
    case HV_SECTION_INITRAMFS:
        if (s->load_address != 0 || s->entry_point != 0)
            return HV_ERR_METADATA;
        /* Reserved names stay with their types, so a name identifies one
         * section for tools that extract by name. */
        if (s->type == HV_SECTION_EXTRA &&
            (text_equal(s->name, HV_SECTION_NAME_CORE) ||
             text_equal(s->name, HV_SECTION_NAME_BOOTCFG) ||
             text_equal(s->name, HV_SECTION_NAME_DRIVERS) ||
             text_equal(s->name, HV_SECTION_NAME_SBOM) ||
             text_equal(s->name, HV_SECTION_NAME_CMDLINE) ||
             text_equal(s->name, HV_SECTION_NAME_INITRAMFS)))
            return HV_ERR_METADATA;
        break;
    default:
        return HV_ERR_METADATA;
    }

    switch (s->compression) {
    case HV_COMPRESSION_NONE:
        if (s->unpacked_size != s->stored_size)
            return HV_ERR_METADATA;
        break;
    case HV_COMPRESSION_ZSTD:
        if (s->stored_size == 0)
            return HV_ERR_METADATA;
        break;
    default:
        return HV_ERR_METADATA;
    }
    if (s->unpacked_size > HV_MAX_UNPACKED_SIZE)
        return HV_ERR_METADATA;
    return HV_OK;
}

/*
 * Version 2: the chunk table's size follows from signed sizes (format.h
 * hv_chunk_entries); it must fit the workspace, and the stored bytes must
 * fit the table. unpacked_size <= 2^32 was checked, so nothing wraps.
 */
static hv_result size_chunk_table(hv_section *s, uint32_t chunk_log2,
                                  uint32_t digest_size)
{
    if (s->stored_size > hv_stored_bound(s->compression, s->unpacked_size))
        return HV_ERR_METADATA;
    s->chunk_entries =
        hv_chunk_entries(s->compression, s->unpacked_size, chunk_log2);
    s->table_size = s->chunk_entries * digest_size;
    if (s->table_size > HV_MAX_CHUNK_TABLE_SIZE)
        return HV_ERR_METADATA;
    return HV_OK;
}

/*
 * The sections a core kind goes with (the table is sorted, so each type's
 * entries are counted): a Linux core needs its command line, may have one
 * base initramfs, and has no bootcfg (its configuration is the command
 * line); a monitor has neither Linux section, so a stage that starts a
 * monitor never ignores a signed section meant for a kernel.
 */
static hv_result check_core_kind(const hv_image_info *info)
{
    uint32_t cmdline = 0, initramfs = 0, bootcfg = 0;
    for (uint32_t i = 0; i < info->section_count; i++) {
        cmdline += info->sections[i].type == HV_SECTION_CMDLINE;
        initramfs += info->sections[i].type == HV_SECTION_INITRAMFS;
        bootcfg += info->sections[i].type == HV_SECTION_BOOTCFG;
    }
    if (info->core_kind == HV_CORE_KIND_LINUX)
        return cmdline == 1 && initramfs <= 1 && bootcfg == 0
                   ? HV_OK
                   : HV_ERR_METADATA;
    return cmdline == 0 && initramfs == 0 ? HV_OK : HV_ERR_METADATA;
}

/* see hvboot.h */
hv_result hv_parse_metadata(const uint8_t *tbs, size_t tbs_len,
                            hv_image_info *out)
{
    hv_result r;

    if (!tbs || !out || tbs_len < HV_HEADER_SIZE)
        return HV_ERR_ARGUMENT;
    r = hv_parse_header(tbs, &out->header);
    if (r != HV_OK)
        return r;
    if (tbs_len != (size_t)HV_HEADER_SIZE + out->header.metadata_size)
        return HV_ERR_ARGUMENT;

    const uint8_t *m = tbs + HV_HEADER_SIZE;
    /* Text fields have one encoding (hv_text_field_decode): the rule that
     * makes the metadata canonical. */
    if (!hv_text_field_decode(m + HV_META_OFF_IMAGE_NAME, HV_IMAGE_NAME_SIZE,
                              out->name) ||
        !hv_text_field_decode(m + HV_META_OFF_IMAGE_VERSION, HV_VERSION_SIZE,
                              out->version) ||
        !hv_text_field_decode(m + HV_META_OFF_OEM_ID, HV_OEM_ID_SIZE,
                              out->oem_id))
        return HV_ERR_METADATA;
    out->security_version = hv_le64(m + HV_META_OFF_SECURITY_VERSION);
    out->build_epoch = hv_le64(m + HV_META_OFF_BUILD_EPOCH);
    out->digest_alg = hv_le32(m + HV_META_OFF_DIGEST_ALG);
    out->section_count = hv_le32(m + HV_META_OFF_SECTION_COUNT);
    out->board_count = hv_le32(m + HV_META_OFF_BOARD_COUNT);
    out->section_align = hv_le32(m + HV_META_OFF_SECTION_ALIGN);

    size_t digest_size = hv_digest_size(out->digest_alg);
    if (digest_size == 0)
        return HV_ERR_METADATA;
    if (out->section_count < 1 || out->section_count > HV_MAX_SECTIONS ||
        out->board_count < 1 || out->board_count > HV_MAX_BOARDS)
        return HV_ERR_METADATA;
    if (!is_pow2(out->section_align) ||
        out->section_align < HV_MIN_SECTION_ALIGN ||
        out->section_align > HV_MAX_SECTION_ALIGN)
        return HV_ERR_METADATA;
    if (!hv_all_zero(m + HV_META_OFF_RESERVED,
                  HV_META_OFF_MIN_SECURITY_VERSION - HV_META_OFF_RESERVED))
        return HV_ERR_METADATA;
    /* The trust block's digest: digest_size bytes with a block, the rest
     * (all of it without one) zero, so there is one encoding. */
    memcpy(out->trust_digest, m + HV_META_OFF_TRUST_DIGEST,
           HV_DIGEST_MAX_SIZE);
    size_t used = out->header.trust_size ? digest_size : 0;
    if (!hv_all_zero(out->trust_digest + used, HV_DIGEST_MAX_SIZE - used) ||
        (used && hv_all_zero(out->trust_digest, used)))
        return HV_ERR_METADATA;
    /* Version 1 had these bytes reserved: zero there, a range here. */
    out->chunk_log2 = hv_le32(m + HV_META_OFF_CHUNK_LOG2);
    if (out->header.format_version == HV_FORMAT_VERSION_1
            ? out->chunk_log2 != 0
            : out->chunk_log2 < HV_MIN_CHUNK_LOG2 ||
                  out->chunk_log2 > HV_MAX_CHUNK_LOG2)
        return HV_ERR_METADATA;
    /* Version 1 had these bytes reserved too: its stages know only the
     * monitor. Any kind a stage does not know is refused, never guessed. */
    out->core_kind = hv_le32(m + HV_META_OFF_CORE_KIND);
    if (out->header.format_version == HV_FORMAT_VERSION_1
            ? out->core_kind != HV_CORE_KIND_MONITOR
            : out->core_kind != HV_CORE_KIND_MONITOR &&
                  out->core_kind != HV_CORE_KIND_LINUX)
        return HV_ERR_METADATA;
    /* Never above the image's own version: the floor a confirmed image
     * raises must still let that image boot. */
    out->min_security_version =
        hv_le64(m + HV_META_OFF_MIN_SECURITY_VERSION);
    if (out->min_security_version > out->security_version)
        return HV_ERR_METADATA;
    /* Counts are bounded above, so this product cannot overflow; equality
     * means no trailing bytes can hide in the signed metadata. */
    if (out->header.metadata_size !=
        HV_META_FIXED_SIZE + out->section_count * HV_SECTION_ENTRY_SIZE +
            out->board_count * HV_BOARD_ID_SIZE)
        return HV_ERR_METADATA;

    const uint8_t *e = m + HV_META_FIXED_SIZE;
    for (uint32_t i = 0; i < out->section_count; i++) {
        hv_section *s = &out->sections[i];
        r = parse_section(e + (size_t)i * HV_SECTION_ENTRY_SIZE,
                          (uint32_t)digest_size, s);
        if (r == HV_OK && out->chunk_log2 != 0)
            r = size_chunk_table(s, out->chunk_log2, (uint32_t)digest_size);
        if (r != HV_OK)
            return r;
        /* Strictly ascending (type, name): unique names and types where one
         * is allowed, and a single order for the same content. */
        if (i > 0) {
            const hv_section *p = &out->sections[i - 1];
            if (s->type < p->type ||
                (s->type == p->type && text_cmp(s->name, p->name) <= 0))
                return HV_ERR_METADATA;
        }
    }
    if (out->sections[0].type != HV_SECTION_CORE)
        return HV_ERR_METADATA;
    r = check_core_kind(out);
    if (r != HV_OK)
        return r;

    const uint8_t *b = e + (size_t)out->section_count * HV_SECTION_ENTRY_SIZE;
    for (uint32_t i = 0; i < out->board_count; i++) {
        if (!hv_text_field_decode(b + (size_t)i * HV_BOARD_ID_SIZE,
                                  HV_BOARD_ID_SIZE, out->boards[i]))
            return HV_ERR_METADATA;
        if (i > 0 && text_cmp(out->boards[i], out->boards[i - 1]) <= 0)
            return HV_ERR_METADATA;
    }

    /* Layout: each section starts at the first aligned offset after the
     * previous one, the image ends exactly at the last section's end. Any
     * other placement (gaps, overlap, bytes outside the image) is refused.
     * A version 2 section's area is its chunk table, then its stored bytes.
     * All values stay below 2^33 + 2^20 here, so no sum wraps. */
    uint64_t pos = hv_sig_block_end(out->header.metadata_size,
                                    out->header.signature_slots) +
                   out->header.trust_size;
    for (uint32_t i = 0; i < out->section_count; i++) {
        hv_section *s = &out->sections[i];
        pos = align_up(pos, out->section_align);
        uint64_t area = s->table_size + s->stored_size;
        if (s->offset != pos || area > out->header.image_size ||
            s->offset > out->header.image_size - area)
            return HV_ERR_LAYOUT;
        s->data_offset = s->offset + s->table_size;
        pos = s->offset + area;
    }
    if (pos != out->header.image_size)
        return HV_ERR_LAYOUT;
    return HV_OK;
}

/* see hvboot.h */
hv_result hv_check_sig_block(const uint8_t *block, uint32_t slots,
                             uint32_t *filled)
{
    const uint8_t *prev_id = 0;
    uint32_t n = 0;

    if (!block || !filled || slots < 1 || slots > HV_MAX_SIGNATURE_SLOTS)
        return HV_ERR_ARGUMENT;
    for (uint32_t i = 0; i < slots; i++) {
        const uint8_t *slot = block + (size_t)i * HV_SIG_SLOT_SIZE;
        if (hv_all_zero(slot, HV_SIG_SLOT_SIZE))
            continue;
        /* A filled slot after an empty one would give two encodings of the
         * same set of signatures. */
        if (n != i)
            return HV_ERR_SIG_BLOCK;
        uint32_t len = hv_le32(slot + HV_SIG_OFF_SIG_LEN);
        if (len == 0 || len > HV_SIG_MAX_SIZE ||
            hv_le32(slot + HV_SIG_OFF_RESERVED) != 0 ||
            !hv_all_zero(slot + HV_SIG_OFF_SIG + len, HV_SIG_MAX_SIZE - len))
            return HV_ERR_SIG_BLOCK;
        /* Ascending key ids: one key signs at most once, so a copied
         * signature cannot count twice towards min_signatures. */
        if (prev_id &&
            memcmp(prev_id, slot + HV_SIG_OFF_KEY_ID, HV_KEY_ID_SIZE) >= 0)
            return HV_ERR_SIG_BLOCK;
        prev_id = slot + HV_SIG_OFF_KEY_ID;
        n++;
    }
    *filled = n;
    return HV_OK;
}
