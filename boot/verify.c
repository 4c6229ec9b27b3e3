/*
 * hv_verify(): the order of checks in hvboot.h, reading each image byte once,
 * in increasing offset order, into RAM the caller owns; every decision is
 * taken on that RAM copy, never on a second read of flash.
 */
#include "crypto_internal.h"
#include "hvboot.h"
#include "keyrec.h"
#include "sysdeps.h"
#include "zstd_stream.h"

static void verdict_reset(hv_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->result = HV_ERR_ARGUMENT;
    v->failed_section = UINT32_MAX;
    v->fail_offset = UINT64_MAX;
    v->trust.failed_doc = UINT32_MAX;
    v->trust.fail_offset = UINT64_MAX;
}

static hv_result fail(hv_verdict *v, hv_result r, uint64_t offset)
{
    v->result = r;
    v->fail_offset = offset;
    return r;
}

/* Reads must stay inside the region; the callers have bounded |len| by the
 * image size, itself checked against region_size. */
static int read_once(const hv_ops *ops, uint64_t off, void *dst, uint64_t len)
{
    if (len == 0)
        return 0;
    if (len > SIZE_MAX)
        return -1;
    return ops->read(ops->user, off, dst, (size_t)len);
}

/* The keys an image's signatures are checked against: the policy's own
 * (a device that trusts keys directly) or the verified keyring's, with
 * each key's epoch. */
typedef struct signing_keys {
    const hv_trusted_key *keys;
    size_t count;
    uint32_t need;          /* distinct signers required */
    const hv_doc *ring;     /* keyring: keys[i] is ring->keys[i]; or NULL */
    uint64_t min_epoch;     /* keyring: lower epochs are revoked */
} signing_keys;

static size_t find_key(const signing_keys *sk, const uint8_t *id)
{
    for (size_t i = 0; i < sk->count; i++)
        if (memcmp(sk->keys[i].key_id, id, HV_KEY_ID_SIZE) == 0)
            return i;
    return SIZE_MAX;
}

static int hash_buffer(const hv_crypto *c, uint32_t alg, const uint8_t *data,
                       uint64_t len, uint8_t *out)
{
    hv_hash_ctx ctx;
    if (c->hash_init(&ctx, alg) != 0)
        return -1;
    /* Feed in bounded pieces so a 32-bit size_t never truncates |len|. */
    while (len > 0) {
        size_t piece = len > (1u << 30) ? (1u << 30) : (size_t)len;
        c->hash_update(&ctx, data, piece);
        data += piece;
        len -= piece;
    }
    c->hash_final(&ctx, out);
    return 0;
}

/* The same public key (its canonical bytes) already counted under another
 * key id, or under another algorithm's claim. */
static int same_key_counted(const hv_trusted_key *const *counted, uint32_t n,
                            const hv_trusted_key *k)
{
    for (uint32_t i = 0; i < n; i++)
        if (hv_same_pub(counted[i], k))
            return 1;
    return 0;
}

/*
 * Every filled slot must be a valid signature of a trusted key: a slot from
 * an unknown key is not ignored, because bytes that change nothing would
 * break "any flipped byte fails" and let an attacker park data in an image.
 */
static hv_result check_signatures(const hv_crypto *c, const signing_keys *sk,
                                  const uint8_t *tbs, size_t tbs_len,
                                  const uint8_t *block, uint32_t filled,
                                  uint64_t block_offset, hv_verdict *v,
                                  uint8_t slot_key[HV_MAX_SIGNATURE_SLOTS])
{
    uint8_t digest256[32], digest384[48];
    int have256 = 0, have384 = 0;
    /* A local count, so counted[0..signers) is visibly what this loop
     * wrote; v->signers follows it (hv_verify's reset zeroed it). */
    const hv_trusted_key *counted[HV_MAX_SIGNATURE_SLOTS];
    uint32_t signers = 0;

    for (uint32_t i = 0; i < filled; i++) {
        const uint8_t *slot = block + (size_t)i * HV_SIG_SLOT_SIZE;
        uint64_t slot_off = block_offset + (uint64_t)i * HV_SIG_SLOT_SIZE;
        size_t ki = find_key(sk, slot + HV_SIG_OFF_KEY_ID);
        if (ki == SIZE_MAX)
            return fail(v, HV_ERR_UNTRUSTED_KEY, slot_off);
        const hv_trusted_key *k = &sk->keys[ki];
        slot_key[i] = (uint8_t)ki;
        /* Revoked keys are refused before any work is spent on them. */
        if (sk->ring && sk->ring->keys[ki].epoch < sk->min_epoch)
            return fail(v, HV_ERR_REVOKED_KEY, slot_off);

        /* The algorithm comes from the trusted record, never the image. */
        uint32_t dalg = hv_sig_digest(k->sig_alg);
        size_t sig_size = hv_sig_size(k->sig_alg);
        if (dalg == 0 || sig_size == 0)
            return fail(v, HV_ERR_CRYPTO, slot_off);
        uint32_t sig_len = hv_le32(slot + HV_SIG_OFF_SIG_LEN);
        if (sig_len != sig_size)
            return fail(v, HV_ERR_SIGNATURE, slot_off + HV_SIG_OFF_SIG_LEN);

        const uint8_t *digest;
        if (dalg == HV_DIGEST_SHA256) {
            if (!have256 && hash_buffer(c, dalg, tbs, tbs_len, digest256))
                return fail(v, HV_ERR_CRYPTO, 0);
            have256 = 1;
            digest = digest256;
        } else {
            if (!have384 && hash_buffer(c, dalg, tbs, tbs_len, digest384))
                return fail(v, HV_ERR_CRYPTO, 0);
            have384 = 1;
            digest = digest384;
        }
        if (c->verify(k->sig_alg, k->pub, k->pub_len, digest,
                      hv_digest_size(dalg), slot + HV_SIG_OFF_SIG,
                      sig_len) != 1)
            return fail(v, HV_ERR_SIGNATURE, slot_off + HV_SIG_OFF_SIG);
        /* Key ids ascend strictly (hv_check_sig_block), so no id counts
         * twice; but a platform may trust one key under two ids (two
         * encodings of it hashed as they came), so a key counts once. */
        if (same_key_counted(counted, signers, k))
            continue;
        counted[signers] = k;
        memcpy(v->signer_ids[signers], k->key_id, HV_KEY_ID_SIZE);
        if (sk->ring)
            v->trust.signer_epochs[signers] = sk->ring->keys[ki].epoch;
        v->signers = ++signers;
    }
    uint32_t need = sk->need ? sk->need : 1;
    if (signers < need)
        return fail(v, HV_ERR_TOO_FEW_SIGNATURES, block_offset);
    return HV_OK;
}

static int board_listed(const hv_image_info *info, const char *id)
{
    for (uint32_t i = 0; i < info->board_count; i++) {
        const char *b = info->boards[i];
        size_t j = 0;
        while (j < HV_BOARD_ID_SIZE && b[j] && b[j] == id[j])
            j++;
        if (j == HV_BOARD_ID_SIZE || (b[j] == '\0' && id[j] == '\0'))
            return 1;
    }
    return 0;
}

static int oem_matches(const char *image_oem, const char *want)
{
    size_t i = 0;
    for (; i <= HV_OEM_ID_SIZE; i++) {
        if (image_oem[i] != want[i])
            return 0;
        if (want[i] == '\0')
            return 1;
    }
    return 0;
}

/* A keyring key may sign for its OEMs and, if it lists boards, only for
 * those boards: the image's signed OEM id, and the board this device is. */
static int in_scope(const hv_doc_key *k, const char *image_oem,
                    const char *board)
{
    int ok = 0;
    for (uint32_t i = 0; i < k->oem_count; i++)
        ok |= oem_matches(image_oem, k->oems[i]);
    if (!ok || k->board_count == 0)
        return ok;
    for (uint32_t i = 0; i < k->board_count; i++)
        if (oem_matches(board, k->boards[i]))
            return 1;
    return 0;
}

/* Read [from, to) through the workspace and require zeros; a stream's
 * image_bytes sink gets them once checked. */
static hv_result check_padding(const hv_ops *ops, hv_workspace *ws,
                               const hv_stream *st, uint64_t from, uint64_t to,
                               hv_verdict *v)
{
    while (from < to) {
        uint64_t n = to - from;
        if (n > sizeof ws->pad)
            n = sizeof ws->pad;
        if (read_once(ops, from, ws->pad, n) != 0)
            return fail(v, HV_ERR_IO, from);
        uint8_t acc = 0;
        for (size_t i = 0; i < n; i++)
            acc |= ws->pad[i];
        if (acc != 0)
            return fail(v, HV_ERR_PADDING, from);
        if (st && st->image_bytes &&
            st->image_bytes(st->user, from, ws->pad, (size_t)n) != 0)
            return fail(v, HV_ERR_IO, from);
        from += n;
    }
    return HV_OK;
}

/*
 * Version 2: read a section's chunk table into the workspace, once, and
 * authenticate it against the signed section digest before any entry is
 * used; entries past the last chunk must be zero (one encoding).
 */
static hv_result load_chunk_table(const hv_ops *ops, const hv_crypto *c,
                                  hv_workspace *ws, uint32_t digest_alg,
                                  uint32_t chunk_log2, const hv_section *s,
                                  hv_verdict *v)
{
    uint8_t digest[HV_DIGEST_MAX_SIZE];
    size_t dsize = hv_digest_size(digest_alg);
    /* hv_parse_metadata bounded table_size by the buffer. */
    size_t tlen = (size_t)s->table_size;
    uint64_t used = (s->stored_size + ((uint64_t)1 << chunk_log2) - 1) >>
                    chunk_log2;

    if (read_once(ops, s->offset, ws->chunk_table, tlen) != 0)
        return fail(v, HV_ERR_IO, s->offset);
    if (hash_buffer(c, digest_alg, ws->chunk_table, tlen, digest) != 0)
        return fail(v, HV_ERR_CRYPTO, s->offset);
    if (!hv_ct_equal(digest, s->digest, dsize))
        return fail(v, HV_ERR_DIGEST, s->offset);
    uint8_t acc = 0;
    for (size_t i = (size_t)used * dsize; i < tlen; i++)
        acc |= ws->chunk_table[i];
    if (acc != 0)
        return fail(v, HV_ERR_LAYOUT, s->offset + used * dsize);
    return HV_OK;
}

/* Version 2: chunk |i| of a section (|len| bytes at |p|) against its
 * authenticated table entry. */
static hv_result check_chunk(const hv_crypto *c, const hv_workspace *ws,
                             uint32_t digest_alg, const hv_section *s,
                             uint64_t i, uint64_t chunk_off, const uint8_t *p,
                             size_t len, hv_verdict *v)
{
    uint8_t digest[HV_DIGEST_MAX_SIZE];
    size_t dsize = hv_digest_size(digest_alg);
    if (hash_buffer(c, digest_alg, p, len, digest) != 0)
        return fail(v, HV_ERR_CRYPTO, s->data_offset + chunk_off);
    if (!hv_ct_equal(digest, ws->chunk_table + (size_t)i * dsize, dsize))
        return fail(v, HV_ERR_DIGEST, s->data_offset + chunk_off);
    return HV_OK;
}

/* The stored bytes, whole in RAM: one digest (version 1) or one per chunk
 * against the authenticated table (version 2). */
static hv_result check_stored(const hv_crypto *c, const hv_workspace *ws,
                              const hv_image_info *info, const hv_section *s,
                              const uint8_t *stored, hv_verdict *v)
{
    uint32_t alg = info->digest_alg;
    if (info->chunk_log2 == 0) {
        uint8_t digest[HV_DIGEST_MAX_SIZE];
        if (hash_buffer(c, alg, stored, s->stored_size, digest) != 0)
            return fail(v, HV_ERR_CRYPTO, s->offset);
        if (!hv_ct_equal(digest, s->digest, hv_digest_size(alg)))
            return fail(v, HV_ERR_DIGEST, s->offset);
        return HV_OK;
    }
    uint64_t chunk = (uint64_t)1 << info->chunk_log2;
    for (uint64_t off = 0, i = 0; off < s->stored_size; off += chunk, i++) {
        uint64_t n = s->stored_size - off < chunk ? s->stored_size - off
                                                  : chunk;
        hv_result r = check_chunk(c, ws, alg, s, i, off, stored + off,
                                  (size_t)n, v);
        if (r != HV_OK)
            return r;
    }
    return HV_OK;
}

static hv_result load_section(const hv_ops *ops, const hv_crypto *c,
                              hv_workspace *ws, const hv_image_info *info,
                              hv_section *s, hv_verdict *v)
{
    uint8_t *stored = 0, *unpacked = 0;

    if (s->stored_size > SIZE_MAX || s->unpacked_size > SIZE_MAX)
        return fail(v, HV_ERR_MEMORY, s->offset);
    if (info->chunk_log2 != 0) {
        hv_result r = load_chunk_table(ops, c, ws, info->digest_alg,
                                       info->chunk_log2, s, v);
        if (r != HV_OK)
            return r;
    }
    if (ops->section_memory(ops->user, s, &stored, &unpacked) != 0 ||
        (!stored && s->stored_size > 0) ||
        (s->compression == HV_COMPRESSION_ZSTD && !unpacked &&
         s->unpacked_size > 0))
        return fail(v, HV_ERR_MEMORY, s->offset);

    if (read_once(ops, s->data_offset, stored, s->stored_size) != 0)
        return fail(v, HV_ERR_IO, s->data_offset);
    hv_result r = check_stored(c, ws, info, s, stored, v);
    if (r != HV_OK)
        return r;

    if (s->compression == HV_COMPRESSION_NONE) {
        s->data = stored;
        return HV_OK;
    }
    /* Version 2 bounds the window, so a streaming reader and this one
     * accept the same frames. */
    if (info->chunk_log2 != 0)
        r = hv_zstd_check_frame(stored, (size_t)s->stored_size,
                                s->unpacked_size, HV_ZSTD_WINDOW_LOG_MAX);
    if (r == HV_OK)
        r = hv_zstd_unpack(ws->zstd, sizeof ws->zstd, stored,
                           (size_t)s->stored_size, unpacked,
                           (size_t)s->unpacked_size);
    if (r != HV_OK)
        return fail(v, r, s->data_offset);
    s->data = unpacked;
    return HV_OK;
}

/* hv_zstd_emit for a stream's section_bytes sink. */
typedef struct emit_ctx {
    const hv_stream *st;
    const hv_section *s;
} emit_ctx;

static int emit_section_bytes(void *ctx, const uint8_t *p, size_t len)
{
    const emit_ctx *e = ctx;
    if (!e->st->section_bytes)
        return 0;
    return e->st->section_bytes(e->st->user, e->s, p, len);
}

/*
 * Version 2, streamed: the table, then each chunk read once into the
 * stream's chunk buffer, authenticated, handed to image_bytes and then
 * decompressed (or passed on as it is), so no byte is used before its
 * digest matched.
 */
static hv_result stream_section(const hv_ops *ops, const hv_crypto *c,
                                hv_workspace *ws, const hv_stream *st,
                                const hv_image_info *info,
                                const hv_section *s, hv_verdict *v)
{
    uint64_t chunk = (uint64_t)1 << info->chunk_log2;
    hv_zstd_stream z;
    emit_ctx ectx = {st, s};
    hv_result r = load_chunk_table(ops, c, ws, info->digest_alg,
                                   info->chunk_log2, s, v);
    if (r != HV_OK)
        return r;
    if (st->image_bytes &&
        st->image_bytes(st->user, s->offset, ws->chunk_table,
                        (size_t)s->table_size) != 0)
        return fail(v, HV_ERR_IO, s->offset);
    int unpack = st->unpack && s->compression == HV_COMPRESSION_ZSTD;
    if (unpack) {
        r = hv_zstd_stream_begin(&z, st->zstd, st->zstd_size,
                                 s->unpacked_size);
        if (r != HV_OK)
            return fail(v, r, s->data_offset);
    }
    for (uint64_t off = 0, i = 0; off < s->stored_size; off += chunk, i++) {
        size_t n = (size_t)(s->stored_size - off < chunk ? s->stored_size - off
                                                         : chunk);
        uint64_t at = s->data_offset + off;
        if (read_once(ops, at, st->chunk, n) != 0)
            return fail(v, HV_ERR_IO, at);
        r = check_chunk(c, ws, info->digest_alg, s, i, off, st->chunk, n, v);
        if (r != HV_OK)
            return r;
        if (st->image_bytes && st->image_bytes(st->user, at, st->chunk, n))
            return fail(v, HV_ERR_IO, at);
        int last = off + n == s->stored_size;
        if (unpack) {
            if (off == 0)
                r = hv_zstd_check_frame(st->chunk, n, s->unpacked_size,
                                        HV_ZSTD_WINDOW_LOG_MAX);
            if (r == HV_OK)
                r = hv_zstd_stream_feed(&z, st->chunk, n, last, st->out,
                                        st->out_size, emit_section_bytes,
                                        &ectx);
            /* A frame is judged whole, as hv_verify judges it: at the
             * section's first stored byte, whichever chunk showed it. */
            if (r != HV_OK)
                return fail(v, r, r == HV_ERR_IO ? at : s->data_offset);
        } else if (s->compression == HV_COMPRESSION_NONE &&
                   emit_section_bytes(&ectx, st->chunk, n) != 0) {
            return fail(v, HV_ERR_IO, at);
        }
    }
    return HV_OK;
}

static int crypto_usable(const hv_crypto *c)
{
    return c && c->hash_init && c->hash_update && c->hash_final && c->verify;
}

/*
 * Steps 1 and 2 up to the signatures: the fixed header (the only bytes
 * interpreted before the signature), then header || metadata and the
 * signature block, read once into the workspace, and the block's structure.
 */
typedef struct image_head {
    hv_header hdr;
    size_t tbs_len;
    uint64_t block_end; /* first byte after the signature block: the trust
                         * block's offset */
    uint64_t data_start; /* first byte after the trust block */
    uint32_t filled;    /* filled signature slots */
} image_head;

static hv_result read_head(const hv_ops *ops, uint64_t region_size,
                           int exact_size, const hv_stream *st,
                           hv_workspace *ws, image_head *h, hv_verdict *v)
{
    if (region_size < HV_HEADER_SIZE)
        return fail(v, HV_ERR_REGION, 0);
    if (read_once(ops, 0, ws->tbs, HV_HEADER_SIZE) != 0)
        return fail(v, HV_ERR_IO, 0);
    hv_result r = hv_parse_header(ws->tbs, &h->hdr);
    if (r != HV_OK)
        return fail(v, r, 0);
    if (st && h->hdr.format_version == HV_FORMAT_VERSION_1)
        return fail(v, HV_ERR_NOT_STREAMABLE, HV_HDR_OFF_FORMAT_VERSION);
    if (h->hdr.image_size > region_size ||
        (exact_size && h->hdr.image_size != region_size))
        return fail(v, HV_ERR_REGION, HV_HDR_OFF_IMAGE_SIZE);

    /* hv_parse_header bounded both sizes by the buffers and image_size. */
    h->tbs_len = HV_HEADER_SIZE + (size_t)h->hdr.metadata_size;
    h->block_end = hv_sig_block_end(h->hdr.metadata_size,
                                    h->hdr.signature_slots);
    uint64_t block_off = h->tbs_len;
    if (read_once(ops, HV_HEADER_SIZE, ws->tbs + HV_HEADER_SIZE,
                  h->hdr.metadata_size) != 0)
        return fail(v, HV_ERR_IO, HV_HEADER_SIZE);
    if (read_once(ops, block_off, ws->sig_block,
                  h->block_end - block_off) != 0)
        return fail(v, HV_ERR_IO, block_off);
    r = hv_check_sig_block(ws->sig_block, h->hdr.signature_slots, &h->filled);
    if (r != HV_OK)
        return fail(v, r, block_off);
    /* The trust block, read now so that flash is still read in order; its
     * documents are parsed only as the caller's policy says. */
    h->data_start = h->block_end + h->hdr.trust_size;
    if (read_once(ops, h->block_end, ws->trust_block, h->hdr.trust_size) != 0)
        return fail(v, HV_ERR_IO, h->block_end);
    v->trust.present = h->hdr.trust_size != 0;
    return HV_OK;
}

/* After the image's signatures verified and its metadata parsed: the trust
 * block is the one the signed metadata names (its size is in the signed
 * header, its digest here), compared in constant time. */
static hv_result check_trust_binding(const hv_crypto *c, hv_workspace *ws,
                                     const image_head *h,
                                     const hv_image_info *info, hv_verdict *v)
{
    if (h->hdr.trust_size == 0)
        return HV_OK;
    uint8_t digest[HV_DIGEST_MAX_SIZE];
    if (hash_buffer(c, info->digest_alg, ws->trust_block, h->hdr.trust_size,
                    digest) != 0)
        return fail(v, HV_ERR_CRYPTO, h->block_end);
    if (!hv_ct_equal(digest, info->trust_digest,
                     hv_digest_size(info->digest_alg)))
        return fail(v, HV_ERR_TRUST_BLOCK,
                    HV_HEADER_SIZE + HV_META_OFF_TRUST_DIGEST);
    return HV_OK;
}

/* A device that trusts keys directly still refuses a malformed block:
 * every byte of an image has one meaning. */
static hv_result check_trust_structure(hv_workspace *ws, const image_head *h,
                                       hv_verdict *v)
{
    if (h->hdr.trust_size == 0)
        return HV_OK;
    hv_result r = hv_trust_block_check(ws->trust_block, h->hdr.trust_size,
                                       &ws->keyring);
    memset(&ws->keyring, 0, sizeof ws->keyring);
    return r == HV_OK ? HV_OK : fail(v, r, h->block_end);
}

/* Step 4: sections, in offset order, with the padding before each; held
 * in the platform's RAM, or streamed through |st|. */
static hv_result load_sections(const hv_ops *ops, const hv_crypto *crypto,
                               hv_workspace *ws, const hv_stream *st,
                               uint64_t pos, hv_verdict *v)
{
    const hv_image_info *info = &v->info;
    for (uint32_t i = 0; i < info->section_count; i++) {
        hv_section *s = &v->info.sections[i];
        hv_result r = check_padding(ops, ws, st, pos, s->offset, v);
        if (r == HV_OK)
            r = st ? stream_section(ops, crypto, ws, st, info, s, v)
                   : load_section(ops, crypto, ws, info, s, v);
        if (r != HV_OK) {
            /* Nothing loaded so far may be used once the image failed. */
            for (uint32_t j = 0; j < info->section_count; j++)
                v->info.sections[j].data = 0;
            v->failed_section = i;
            return r;
        }
        pos = s->data_offset + s->stored_size;
    }
    return HV_OK;
}

/* Which keys sign images: the policy's, or those of the image's keyring
 * once its roots verified it (hv_trust_block_verify). */
static hv_result signing_keys_for(const hv_crypto *c, const hv_policy *p,
                                  hv_workspace *ws, const image_head *h,
                                  signing_keys *sk, hv_verdict *v)
{
    sk->need = p->min_signatures;
    if (!p->roots) {
        sk->keys = p->keys;
        sk->count = p->key_count;
        sk->ring = 0;
        sk->min_epoch = 0;
        return check_trust_structure(ws, h, v);
    }
    if (h->hdr.trust_size == 0)
        return fail(v, HV_ERR_NO_TRUST_BLOCK, HV_HDR_OFF_TRUST_SIZE);
    hv_result r = hv_trust_block_verify(c, p, ws->trust_block,
                                        h->hdr.trust_size, ws->docs,
                                        &ws->keyring, &v->trust);
    if (r != HV_OK)
        return fail(v, r, v->trust.fail_offset == UINT64_MAX
                              ? h->block_end
                              : h->block_end + v->trust.fail_offset);
    for (uint32_t i = 0; i < ws->keyring.key_count; i++)
        ws->ring_keys[i] = ws->keyring.keys[i].key;
    sk->keys = ws->ring_keys;
    sk->count = ws->keyring.key_count;
    sk->ring = &ws->keyring;
    sk->min_epoch = v->trust.min_epoch;
    return HV_OK;
}

/* A stream's buffers are usable (its chunk size is checked per image). */
static int stream_usable(const hv_stream *st)
{
    return st->chunk && st->out && st->out_size >= 4096 &&
           (!st->unpack || st->zstd);
}

/* hv_verify and hv_verify_stream: |st| NULL holds sections in RAM. */
static hv_result verify_impl(const hv_ops *ops, const hv_crypto *crypto,
                             const hv_policy *policy, hv_workspace *ws,
                             const hv_stream *st, hv_verdict *v)
{
    image_head head;
    hv_result r;

    if (!v)
        return HV_ERR_ARGUMENT;
    verdict_reset(v);
    if (!ops || !ops->read || !ops->rollback_counter || !ops->board_id ||
        (!st && !ops->section_memory) || (st && !stream_usable(st)) ||
        !crypto_usable(crypto) || !policy || !ws)
        return fail(v, HV_ERR_ARGUMENT, UINT64_MAX);
    /* Fail closed: no key means nothing can be trusted, not "skip". */
    if (!policy->roots && (!policy->keys || policy->key_count == 0))
        return fail(v, HV_ERR_NO_TRUSTED_KEYS, UINT64_MAX);

    /* 1 and 2: header, metadata and signature block. */
    r = read_head(ops, policy->region_size, policy->exact_size, st, ws, &head,
                  v);
    if (r != HV_OK)
        return r;
    size_t tbs_len = head.tbs_len;
    uint64_t block_off = tbs_len;
    if (head.filled == 0)
        return fail(v, HV_ERR_NO_SIGNATURE, block_off);
    signing_keys sk;
    r = signing_keys_for(crypto, policy, ws, &head, &sk, v);
    if (r != HV_OK)
        return r;
    uint8_t slot_key[HV_MAX_SIGNATURE_SLOTS];
    r = check_signatures(crypto, &sk, ws->tbs, tbs_len, ws->sig_block,
                         head.filled, block_off, v, slot_key);
    if (r != HV_OK)
        return r;

    /* 3. Signed metadata: parsed only now. */
    r = hv_parse_metadata(ws->tbs, tbs_len, &v->info);
    if (r != HV_OK)
        return fail(v, r, HV_HEADER_SIZE);
    r = check_trust_binding(crypto, ws, &head, &v->info, v);
    if (r != HV_OK)
        return r;
    v->info_valid = 1;
    const hv_image_info *info = &v->info;

    if (policy->oem_id && !oem_matches(info->oem_id, policy->oem_id))
        return fail(v, HV_ERR_OEM, HV_HEADER_SIZE + HV_META_OFF_OEM_ID);
    char board[HV_BOARD_ID_SIZE + 1];
    memset(board, 0, sizeof board);
    if (ops->board_id(ops->user, board) != 0)
        return fail(v, HV_ERR_PLATFORM, UINT64_MAX);
    if (!board_listed(info, board))
        return fail(v, HV_ERR_BOARD, HV_HEADER_SIZE + HV_META_FIXED_SIZE);
    /* Every slot's key, counted or not, must be allowed to sign for this
     * OEM and board. */
    for (uint32_t i = 0; sk.ring && i < head.filled; i++)
        if (!in_scope(&sk.ring->keys[slot_key[i]], info->oem_id, board))
            return fail(v, HV_ERR_KEY_SCOPE,
                        block_off + (uint64_t)i * HV_SIG_SLOT_SIZE);
    if (ops->rollback_counter(ops->user, &v->rollback_counter) != 0)
        return fail(v, HV_ERR_PLATFORM, UINT64_MAX);
    if (info->security_version < v->rollback_counter)
        return fail(v, HV_ERR_ROLLBACK,
                    HV_HEADER_SIZE + HV_META_OFF_SECURITY_VERSION);

    /* 4. Sections. A stream needs room for one chunk; the head is
     * authenticated now and goes to its sink first. */
    if (st) {
        if (st->chunk_size < ((size_t)1 << info->chunk_log2))
            return fail(v, HV_ERR_MEMORY, HV_HEADER_SIZE +
                                              HV_META_OFF_CHUNK_LOG2);
        if (st->image_bytes &&
            (st->image_bytes(st->user, 0, ws->tbs, tbs_len) != 0 ||
             st->image_bytes(st->user, block_off, ws->sig_block,
                             (size_t)(head.block_end - block_off)) != 0 ||
             (head.hdr.trust_size &&
              st->image_bytes(st->user, head.block_end, ws->trust_block,
                              head.hdr.trust_size) != 0)))
            return fail(v, HV_ERR_IO, 0);
    }
    r = load_sections(ops, crypto, ws, st, head.data_start, v);
    if (r != HV_OK)
        return r;
    v->result = HV_OK;
    return HV_OK;
}

/* see hvboot.h */
hv_result hv_verify(const hv_ops *ops, const hv_crypto *crypto,
                    const hv_policy *policy, hv_workspace *ws, hv_verdict *v)
{
    return verify_impl(ops, crypto, policy, ws, 0, v);
}

/* see hvboot.h */
hv_result hv_verify_stream(const hv_ops *ops, const hv_crypto *crypto,
                           const hv_policy *policy, hv_workspace *ws,
                           const hv_stream *stream, hv_verdict *v)
{
    if (!stream) {
        if (v)
            verdict_reset(v);
        return v ? fail(v, HV_ERR_ARGUMENT, UINT64_MAX) : HV_ERR_ARGUMENT;
    }
    return verify_impl(ops, crypto, policy, ws, stream, v);
}

/* see hvboot.h */
hv_result hv_check_content(const hv_ops *ops, const hv_crypto *crypto,
                           uint64_t image_size, hv_workspace *ws,
                           hv_verdict *v)
{
    image_head head;
    hv_result r;

    if (!v)
        return HV_ERR_ARGUMENT;
    verdict_reset(v);
    if (!ops || !ops->read || !ops->section_memory || !crypto_usable(crypto) ||
        !ws)
        return fail(v, HV_ERR_ARGUMENT, UINT64_MAX);
    r = read_head(ops, image_size, 1, 0, ws, &head, v);
    if (r != HV_OK)
        return r;
    /* The same parse and section loads as hv_verify, without the trust
     * decisions: nothing here is vouched for, so info_valid stays 0. */
    r = check_trust_structure(ws, &head, v);
    if (r != HV_OK)
        return r;
    r = hv_parse_metadata(ws->tbs, head.tbs_len, &v->info);
    if (r != HV_OK)
        return fail(v, r, HV_HEADER_SIZE);
    r = check_trust_binding(crypto, ws, &head, &v->info, v);
    if (r != HV_OK)
        return r;
    r = load_sections(ops, crypto, ws, 0, head.data_start, v);
    if (r != HV_OK)
        return r;
    v->result = HV_OK;
    return HV_OK;
}
