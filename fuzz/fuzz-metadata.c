/*
 * Fuzz target: the pure parsers of boot/parse.c on raw bytes, with no
 * signature in the way: hv_parse_header(), hv_parse_metadata() and
 * hv_check_sig_block(). The input is the start of an image: header,
 * metadata, signature block (anything after is ignored).
 *
 * Each parser gets a buffer of exactly the length it is told, so a read
 * past it is a heap overflow for ASan.
 *
 * Oracles (a violation aborts):
 *  - canonical form (FORMAT.md: "exactly one valid encoding"): metadata
 *    that parses is re-encoded by the builder's hv_encode_tbs() to the very
 *    same bytes;
 *  - the parsed values are inside the format's limits, and a section's
 *    chunk table (format version 2) is what its signed sizes make it;
 *  - a valid signature block stays valid after the builder's
 *    hv_sig_block_insert() adds a key, with one more filled slot.
 *
 * Verdict (fuzz_verdict): accepted when the header, the metadata and the
 * signature block the header announces all parse.
 */
#include "encode.h"
#include "fuzz.h"
#include "hvboot.h"

static void check_info(const hv_image_info *info, const uint8_t *tbs,
                       size_t tbs_len)
{
    if (info->section_count < 1 || info->section_count > HV_MAX_SECTIONS ||
        info->board_count < 1 || info->board_count > HV_MAX_BOARDS ||
        hv_digest_size(info->digest_alg) == 0)
        fuzz_fail("parsed counts or digest outside the format's limits");
    if (info->sections[0].type != HV_SECTION_CORE)
        fuzz_fail("first section is not the core");
    uint64_t end = 0;
    for (uint32_t i = 0; i < info->section_count; i++) {
        const hv_section *s = &info->sections[i];
        if (s->offset % info->section_align != 0 || s->offset < end ||
            s->unpacked_size > HV_MAX_UNPACKED_SIZE)
            fuzz_fail("section %u placed at %llu (previous end %llu)", i,
                      (unsigned long long)s->offset,
                      (unsigned long long)end);
        /* Version 2: the chunk table first, sized by the signed sizes and
         * within the verifier's buffer; version 1: none. */
        uint64_t entries = info->chunk_log2
                               ? hv_chunk_entries(s->compression,
                                                  s->unpacked_size,
                                                  info->chunk_log2)
                               : 0;
        if ((info->header.format_version == HV_FORMAT_VERSION_1) !=
                (info->chunk_log2 == 0) ||
            (info->chunk_log2 &&
             (info->chunk_log2 < HV_MIN_CHUNK_LOG2 ||
              info->chunk_log2 > HV_MAX_CHUNK_LOG2 ||
              s->stored_size >
                  hv_stored_bound(s->compression, s->unpacked_size))) ||
            s->chunk_entries != entries ||
            s->table_size != entries * hv_digest_size(info->digest_alg) ||
            s->table_size > HV_MAX_CHUNK_TABLE_SIZE ||
            s->data_offset != s->offset + s->table_size)
            fuzz_fail("section %u: chunk table of %llu bytes, data at %llu "
                      "(chunk_log2 %u, format %u)", i,
                      (unsigned long long)s->table_size,
                      (unsigned long long)s->data_offset, info->chunk_log2,
                      info->header.format_version);
        end = s->data_offset + s->stored_size;
    }
    if (end != info->header.image_size)
        fuzz_fail("last section ends at %llu, image at %llu",
                  (unsigned long long)end,
                  (unsigned long long)info->header.image_size);

    uint8_t *again = fuzz_xmalloc(HV_TBS_MAX_SIZE);
    size_t n = hv_encode_tbs(info, again);
    if (n != tbs_len || memcmp(again, tbs, n) != 0) {
        size_t at = 0;
        while (at < n && at < tbs_len && again[at] == tbs[at])
            at++;
        fuzz_fail("accepted metadata is not canonical: re-encoding differs "
                  "at byte %zu (%zu vs %zu bytes)",
                  at, n, tbs_len);
    }
    free(again);
}

/* Returns 1 if hv_check_sig_block() accepted the block. */
static int fuzz_sig_block(const uint8_t *data, size_t avail, uint32_t slots)
{
    size_t len = (size_t)slots * HV_SIG_SLOT_SIZE;
    if (slots < 1 || slots > HV_MAX_SIGNATURE_SLOTS || avail < len)
        return 0;
    /* Never true (slots >= 1), but the analyzer cannot bound the product,
     * and the key id below reads block[0..HV_KEY_ID_SIZE]. */
    if (len <= HV_KEY_ID_SIZE)
        fuzz_fail("%u slots in %zu bytes", slots, len);
    uint8_t *block = fuzz_dup(data, len);
    uint32_t filled = UINT32_MAX;
    int valid = hv_check_sig_block(block, slots, &filled) == HV_OK;
    if (valid) {
        if (filled > slots)
            fuzz_fail("%u filled slots of %u", filled, slots);
        /* A new key, distinct from slot 0's, derived from the input. */
        uint8_t id[HV_KEY_ID_SIZE], sig[HV_SIG_MAX_SIZE];
        for (size_t i = 0; i < sizeof id; i++)
            id[i] = (uint8_t)(block[i] ^ 0x5a ^ (uint8_t)i);
        memset(sig, 0xa5, sizeof sig);
        size_t sig_len = 1 + block[HV_KEY_ID_SIZE] % HV_SIG_MAX_SIZE;
        hv_slot_status st = hv_sig_block_insert(block, slots, id, sig, sig_len);
        uint32_t after = UINT32_MAX;
        hv_result r = hv_check_sig_block(block, slots, &after);
        if (st == HV_SLOT_OK && (r != HV_OK || after != filled + 1))
            fuzz_fail("inserting a signature broke the block (%s, %u -> %u)",
                      hv_result_name(r), filled, after);
        if (st == HV_SLOT_FULL && filled != slots)
            fuzz_fail("insert says full with %u of %u slots filled", filled,
                      slots);
    }
    free(block);
    return valid;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hv_header h;
    int header_ok = 0;

    if (size >= HV_HEADER_SIZE) {
        uint8_t *hdr = fuzz_dup(data, HV_HEADER_SIZE);
        header_ok = hv_parse_header(hdr, &h) == HV_OK;
        free(hdr);
    }

    /* The length hv_verify would pass, if the input holds that much; else
     * all of it, which exercises the length check. */
    size_t tbs_len = size;
    if (header_ok && size >= HV_HEADER_SIZE + (size_t)h.metadata_size)
        tbs_len = HV_HEADER_SIZE + (size_t)h.metadata_size;
    hv_image_info *info = fuzz_xmalloc(sizeof *info);
    uint8_t *tbs = fuzz_dup(data, tbs_len);
    hv_result r = hv_parse_metadata(tbs, tbs_len, info);
    if ((unsigned)r >= HV_RESULT_COUNT)
        fuzz_fail("result %d out of range", (int)r);
    if (r == HV_OK)
        check_info(info, tbs, tbs_len);
    free(tbs);
    free(info);

    /* Accepted: the header, the metadata and the signature block it
     * announces all parse, as hv_verify() needs before any signature. */
    int block_ok = 0;
    if (header_ok)
        block_ok =
            fuzz_sig_block(data + tbs_len, size - tbs_len, h.signature_slots);
    else if (size >= HV_SIG_SLOT_SIZE)
        fuzz_sig_block(data, size,
                       (uint32_t)(size / HV_SIG_SLOT_SIZE >
                                          HV_MAX_SIGNATURE_SLOTS
                                      ? HV_MAX_SIGNATURE_SLOTS
                                      : size / HV_SIG_SLOT_SIZE));
    fuzz_verdict(header_ok && r == HV_OK && block_ok ? FUZZ_ACCEPTED
                                                     : FUZZ_REFUSED);
    return 0;
}
