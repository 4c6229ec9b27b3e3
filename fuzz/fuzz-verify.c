/*
 * Fuzz target: hv_verify() on mutated image bytes, through a memory
 * platform.
 *
 * Two runs per input:
 *  1. the bytes as they are, with the test key below trusted: fuzzes the
 *     header checks, the signature block and the signature check as an
 *     attacker meets them;
 *  2. a re-signed copy: every section digest that can be placed is
 *     recomputed (OpenSSL) into the metadata (format version 2: each
 *     chunk's digest into the section's chunk table, entries past the
 *     last chunk zeroed, and the table's digest), then header || metadata is
 *     signed with the test key into slot 0 (and, if the input uses slot 1,
 *     into slot 1 under the key's alias id). A mutation of the metadata or of
 *     a section thus gets past the signature and the digests, so
 *     hv_parse_metadata(), the layout and padding checks and the zstd
 *     section loader are explored behind them.
 *
 * THE TEST KEY IS PUBLIC (below and in fuzz/fuzz-key.pem). It exists only in
 * this file, which no product build links; the boot build cannot trust it.
 * Signatures are ECDSA P-256 computed here from OpenSSL's bignum and curve
 * arithmetic with a nonce derived from the key and the message, so the same
 * input always gives the same bytes (libFuzzer needs determinism; OpenSSL
 * 3.0 has no RFC 6979 mode).
 *
 * Oracles (a violation aborts):
 *  - the platform contract: reads stay inside the region, each byte is read
 *    at most once, in increasing offset order (hvboot.h, FORMAT.md);
 *  - HV_OK means every image byte was read, each section's data is set and
 *    equals what an independent decode (libzstd's plain API) or the stored
 *    bytes give;
 *  - the re-signed copy never fails on a slot it signed, nor on a digest
 *    that was recomputed (OpenSSL and BearSSL agree);
 *  - one key trusted under two ids counts as one signer;
 *  - hv_verify_stream agrees: each run is repeated through the stream
 *    (one chunk buffer, no section memory), which must give hv_verify's
 *    result, failed section and fail_offset, read each byte once in
 *    order and, on HV_OK, pass every image byte to its sink once, in
 *    order. Format version 1 images give HV_ERR_NOT_STREAMABLE instead
 *    (unless refused before their version field counts); where hv_verify
 *    had no RAM for a section the stream, needing none, decides on the
 *    bytes; and a frame libzstd rejects may be named bad_compressed_data by
 *    one and unpacked_size_mismatch by the other, at the same byte (the
 *    one-shot and the streaming decoder meet the error in another order).
 *
 * Verdict (fuzz_verdict): the first run's, HV_OK or not.
 */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <zstd.h>

#include "fuzz.h"
#include "hvboot.h"

/* Test-only P-256 key (fuzz/fuzz-key.pem). */
static const uint8_t test_priv[32] = {
    0xfa, 0xf5, 0xa0, 0x3b, 0x44, 0xa5, 0x13, 0x49, 0x0e, 0x97, 0x1d,
    0x1a, 0x94, 0x8d, 0x6b, 0xa2, 0xa6, 0x76, 0x9f, 0x07, 0x28, 0xe5,
    0x13, 0x93, 0xe2, 0x88, 0x1b, 0x5d, 0x04, 0xd9, 0xa7, 0x8a,
};
static const uint8_t test_pub[65] = {
    0x04, 0xc7, 0x30, 0xa3, 0xbb, 0xc1, 0xb2, 0x52, 0xc8, 0x61, 0x94,
    0x2a, 0x90, 0x14, 0xb3, 0x3a, 0x3d, 0xee, 0x22, 0xf9, 0x35, 0xfb,
    0x9e, 0x03, 0xab, 0xac, 0xc3, 0xca, 0xed, 0xa0, 0x2e, 0x1d, 0x09,
    0x60, 0x44, 0x72, 0x0b, 0x48, 0xa9, 0x98, 0xd4, 0xde, 0x26, 0xbf,
    0x9f, 0x5b, 0x0c, 0x00, 0xe8, 0x1d, 0x48, 0x5f, 0xa2, 0x4f, 0xa4,
    0x5b, 0x29, 0x87, 0x1a, 0x7b, 0x6b, 0xc1, 0xa7, 0x73, 0x10,
};
/* SHA-256 of the key's DER SubjectPublicKeyInfo (hvimage keygen prints it). */
static const uint8_t test_key_id[32] = {
    0x43, 0x8b, 0x35, 0x46, 0x93, 0xde, 0x81, 0xd1, 0xd5, 0x2e, 0xc7,
    0x0d, 0xd1, 0x4c, 0xd7, 0xcd, 0xf3, 0x01, 0x92, 0x62, 0xca, 0x7e,
    0xc0, 0x53, 0x68, 0x31, 0xb9, 0x43, 0x3a, 0x4c, 0x2b, 0xc5,
};

/*
 * The same public key trusted under a second id, as a platform might hold
 * one key in two encodings: a slot signed under each must count as one
 * signer. The re-signer fills slot 1 with it when the input's slot 1 is in
 * use, so the multi-slot paths are reached too.
 */
static const uint8_t alias_key_id[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
};

/* RAM a section may ask for; more is refused like a small device would. */
#define FUZZ_MAX_SECTION_RAM (8u << 20)

/* ---- memory platform -------------------------------------------------- */

typedef struct plat {
    const uint8_t *image;
    size_t len;         /* region size */
    uint64_t next;      /* no read may start below this */
    uint64_t bytes_read;
    char board[HV_BOARD_ID_SIZE];
    uint64_t rollback;
    uint8_t *bufs[2 * HV_MAX_SECTIONS];
    size_t nbufs;
} plat;

static int plat_read(void *user, uint64_t off, void *dst, size_t len)
{
    plat *p = user;
    if (off > p->len || len > p->len - off)
        fuzz_fail("read [%llu, +%zu) outside the region of %zu bytes",
                  (unsigned long long)off, len, p->len);
    if (off < p->next)
        fuzz_fail("read at %llu after a read up to %llu: a byte twice or "
                  "out of order",
                  (unsigned long long)off, (unsigned long long)p->next);
    memcpy(dst, p->image + off, len);
    p->next = off + len;
    p->bytes_read += len;
    return 0;
}

static int plat_rollback(void *user, uint64_t *c)
{
    *c = ((plat *)user)->rollback;
    return 0;
}

static int plat_board(void *user, char id[HV_BOARD_ID_SIZE])
{
    memcpy(id, ((plat *)user)->board, HV_BOARD_ID_SIZE);
    return 0;
}

static int plat_memory(void *user, const hv_section *s, uint8_t **stored,
                       uint8_t **unpacked)
{
    plat *p = user;
    if (p->nbufs + 2 > sizeof p->bufs / sizeof p->bufs[0])
        fuzz_fail("section_memory called more than twice per section");
    if (s->stored_size > FUZZ_MAX_SECTION_RAM ||
        s->unpacked_size > FUZZ_MAX_SECTION_RAM)
        return -1;
    /* Exact sizes: a write past either is a heap overflow for ASan. */
    *stored = p->bufs[p->nbufs++] = fuzz_xmalloc((size_t)s->stored_size);
    *unpacked = p->bufs[p->nbufs++] = fuzz_xmalloc((size_t)s->unpacked_size);
    return 0;
}

static void plat_init(plat *p, const uint8_t *image, size_t len,
                      const char *board, uint64_t rollback)
{
    memset(p, 0, sizeof *p);
    p->image = image;
    p->len = len;
    size_t n = strlen(board);
    memcpy(p->board, board, n < HV_BOARD_ID_SIZE ? n : HV_BOARD_ID_SIZE);
    p->rollback = rollback;
}

static void plat_free(plat *p)
{
    for (size_t i = 0; i < p->nbufs; i++)
        free(p->bufs[i]);
    p->nbufs = 0;
}

/* ---- test signer ------------------------------------------------------ */

static int sha(const EVP_MD *md, const void *a, size_t alen, const void *b,
               size_t blen, uint8_t *out)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c && EVP_DigestInit_ex(c, md, NULL) &&
             EVP_DigestUpdate(c, a, alen) &&
             (!blen || EVP_DigestUpdate(c, b, blen)) &&
             EVP_DigestFinal_ex(c, out, NULL);
    EVP_MD_CTX_free(c);
    return ok ? 0 : -1;
}

/*
 * ECDSA P-256 over SHA-256(msg), raw r || s. k = SHA-256(d || e) mod n: a
 * deterministic nonce, fine for a key that is public anyway.
 */
static void test_sign(const uint8_t *msg, size_t len, uint8_t sig[64])
{
    uint8_t e[32], kb[32];
    if (sha(EVP_sha256(), msg, len, NULL, 0, e) != 0 ||
        sha(EVP_sha256(), test_priv, sizeof test_priv, e, sizeof e, kb) != 0)
        fuzz_fail("SHA-256 failed in OpenSSL");

    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    BN_CTX *bc = BN_CTX_new();
    EC_POINT *R = g ? EC_POINT_new(g) : NULL;
    BIGNUM *k = BN_new(), *d = BN_new(), *z = BN_new(), *r = BN_new(),
           *s = BN_new(), *x = BN_new(), *kinv = BN_new();
    if (!g || !bc || !R || !k || !d || !z || !r || !s || !x || !kinv)
        fuzz_fail("out of memory in the test signer");
    const BIGNUM *n = EC_GROUP_get0_order(g);
    int ok = BN_bin2bn(kb, 32, k) && BN_nnmod(k, k, n, bc) &&
             (!BN_is_zero(k) || BN_one(k)) &&
             BN_bin2bn(test_priv, 32, d) && BN_bin2bn(e, 32, z) &&
             EC_POINT_mul(g, R, k, NULL, NULL, bc) &&
             EC_POINT_get_affine_coordinates(g, R, x, NULL, bc) &&
             BN_nnmod(r, x, n, bc) && BN_mod_mul(s, r, d, n, bc) &&
             BN_mod_add(s, s, z, n, bc) && BN_mod_inverse(kinv, k, n, bc) &&
             BN_mod_mul(s, s, kinv, n, bc) && BN_bn2binpad(r, sig, 32) == 32 &&
             BN_bn2binpad(s, sig + 32, 32) == 32;
    if (!ok)
        fuzz_fail("ECDSA signing failed in OpenSSL");
    BN_free(k);
    BN_clear_free(d);
    BN_free(z);
    BN_free(r);
    BN_free(s);
    BN_free(x);
    BN_free(kinv);
    EC_POINT_free(R);
    BN_CTX_free(bc);
    EC_GROUP_free(g);
}

/* ---- oracles ---------------------------------------------------------- */

static void check_ok(const plat *p, const hv_verdict *v, const uint8_t *image)
{
    const hv_image_info *info = &v->info;
    if (!v->info_valid || v->signers != 1)
        fuzz_fail("HV_OK with %u signers of one key, or without info",
                  v->signers);
    if (info->header.image_size > p->len ||
        p->next != info->header.image_size ||
        p->bytes_read != info->header.image_size)
        fuzz_fail("HV_OK but %llu of %llu image bytes read, up to %llu",
                  (unsigned long long)p->bytes_read,
                  (unsigned long long)info->header.image_size,
                  (unsigned long long)p->next);
    for (uint32_t i = 0; i < info->section_count; i++) {
        const hv_section *s = &info->sections[i];
        const uint8_t *src = image + s->data_offset;
        if (!s->data && s->unpacked_size > 0)
            fuzz_fail("HV_OK but section %u has no data", i);
        if (s->compression == HV_COMPRESSION_NONE) {
            if (s->unpacked_size && memcmp(s->data, src, s->unpacked_size))
                fuzz_fail("section %u data differs from its stored bytes", i);
            continue;
        }
        /* One more byte of room: the reference must not produce more. */
        size_t cap = (size_t)s->unpacked_size + 1;
        uint8_t *ref = fuzz_xmalloc(cap);
        size_t got = ZSTD_decompress(ref, cap, src, (size_t)s->stored_size);
        if (ZSTD_isError(got) || got != s->unpacked_size ||
            (got && memcmp(ref, s->data, got) != 0))
            fuzz_fail("section %u: verifier accepted a frame that libzstd "
                      "decodes differently (%s)",
                      i, ZSTD_isError(got) ? ZSTD_getErrorName(got) : "bytes");
        free(ref);
    }
}

static void check_result(hv_result r, const hv_verdict *v)
{
    if ((unsigned)r >= HV_RESULT_COUNT || v->result != r)
        fuzz_fail("result %d, verdict says %d", (int)r, (int)v->result);
    if (r != HV_OK)
        for (uint32_t i = 0; i < HV_MAX_SECTIONS; i++)
            if (v->info.sections[i].data)
                fuzz_fail("failed (%s) yet section %u has data",
                          hv_result_name(r), i);
}

/* ---- the same image through hv_verify_stream -------------------------- */

typedef struct stream_sink {
    const uint8_t *image;
    size_t len;
    uint64_t next;
} stream_sink;

static int sink_image(void *user, uint64_t off, const uint8_t *p, size_t n)
{
    stream_sink *k = user;
    if (off != k->next || off > k->len || n > k->len - off ||
        memcmp(p, k->image + off, n) != 0)
        fuzz_fail("image_bytes got [%llu, +%zu) after %llu, or not the "
                  "image's bytes",
                  (unsigned long long)off, n, (unsigned long long)k->next);
    k->next = off + n;
    return 0;
}

/* Both name a frame libzstd refuses; which one depends on the decoder's
 * output buffer (see the oracles above). */
static int zstd_refusal(hv_result r)
{
    return r == HV_ERR_DECOMPRESS || r == HV_ERR_UNPACKED_SIZE;
}

static void stream_agrees(const uint8_t *image, size_t len,
                          const hv_ops *held_ops, const hv_policy *pol,
                          hv_workspace *ws, const hv_verdict *v)
{
    static uint8_t *chunk, *out;
    static void *zstd;
    if (!chunk) {
        chunk = fuzz_xmalloc((size_t)1 << HV_MAX_CHUNK_LOG2);
        out = fuzz_xmalloc(64u << 10);
        zstd = fuzz_xmalloc(HV_ZSTD_STREAM_WORKSPACE_SIZE);
    }
    const plat *held = held_ops->user;
    plat p;
    plat_init(&p, image, len, "", held->rollback);
    memcpy(p.board, held->board, HV_BOARD_ID_SIZE);
    hv_ops ops = *held_ops;
    ops.user = &p;
    ops.section_memory = NULL;
    stream_sink k = {image, len, 0};
    hv_stream st = {&k, chunk, (size_t)1 << HV_MAX_CHUNK_LOG2, zstd,
                    HV_ZSTD_STREAM_WORKSPACE_SIZE, out, 64u << 10, 1,
                    sink_image, NULL};
    hv_verdict *sv = fuzz_xmalloc(sizeof *sv);
    hv_result r = hv_verify_stream(&ops, &hv_crypto_bearssl, pol, ws, &st, sv);
    if ((unsigned)r >= HV_RESULT_COUNT || sv->result != r)
        fuzz_fail("stream result %d, verdict says %d", (int)r,
                  (int)sv->result);

    hv_result want = v->result;
    uint64_t want_off = v->fail_offset;
    uint32_t want_sec = v->failed_section;
    int v1 = len >= HV_HEADER_SIZE &&
             hv_le32(image + HV_HDR_OFF_FORMAT_VERSION) == HV_FORMAT_VERSION_1;
    int before_version =
        want == HV_ERR_MAGIC || want == HV_ERR_VERSION ||
        want == HV_ERR_HEADER ||
        (want != HV_OK && want_off == 0 &&
         (want == HV_ERR_REGION || want == HV_ERR_IO));
    if (v1 && !before_version) {
        want = HV_ERR_NOT_STREAMABLE;
        want_off = HV_HDR_OFF_FORMAT_VERSION;
        want_sec = UINT32_MAX;
    }
    int agree = r == want && sv->fail_offset == want_off &&
                sv->failed_section == want_sec;
    if (!agree && !(want == HV_ERR_MEMORY && !v1) &&
        !(zstd_refusal(r) && zstd_refusal(want) &&
          sv->fail_offset == want_off && sv->failed_section == want_sec))
        fuzz_fail("hv_verify_stream says %s (section %u, offset %llu), "
                  "hv_verify %s (section %u, offset %llu)",
                  hv_result_name(r), sv->failed_section,
                  (unsigned long long)sv->fail_offset, hv_result_name(want),
                  want_sec, (unsigned long long)want_off);
    if (r == HV_OK) {
        if (k.next != sv->info.header.image_size)
            fuzz_fail("stream HV_OK but image_bytes got %llu of %llu bytes",
                      (unsigned long long)k.next,
                      (unsigned long long)sv->info.header.image_size);
        for (uint32_t i = 0; i < HV_MAX_SECTIONS; i++)
            if (sv->info.sections[i].data)
                fuzz_fail("stream left section %u a data pointer", i);
    }
    free(sv);
    plat_free(&p);
}

/* ---- the two runs ----------------------------------------------------- */

static hv_result run(const uint8_t *image, size_t len, const char *board,
                     uint64_t rollback, const char *oem, int exact,
                     hv_workspace *ws, hv_verdict *v)
{
    hv_trusted_key keys[2];
    for (int i = 0; i < 2; i++) {
        memcpy(keys[i].key_id, i ? alias_key_id : test_key_id, HV_KEY_ID_SIZE);
        keys[i].sig_alg = HV_SIG_ECDSA_P256_SHA256;
        keys[i].pub = test_pub;
        keys[i].pub_len = sizeof test_pub;
    }

    plat p;
    plat_init(&p, image, len, board, rollback);
    hv_ops ops = {&p, plat_read, plat_rollback, plat_board, plat_memory};
    hv_policy pol = {.keys = keys, .key_count = 2, .min_signatures = 1,
                     .oem_id = oem, .region_size = len, .exact_size = exact};
    hv_result r = hv_verify(&ops, &hv_crypto_bearssl, &pol, ws, v);
    check_result(r, v);
    if (r == HV_OK)
        check_ok(&p, v, image);
    plat_free(&p);
    /* The verdict |v| stays hv_verify's: the stream has its own. */
    stream_agrees(image, len, &ops, &pol, ws, v);
    return r;
}

/*
 * Make |img| pass the signature and digest checks, as far as its layout
 * allows. Returns 0 if it was signed; sets *digests_fixed when every
 * section's digest was recomputed. Picks a board the image lists.
 */
static int resign(uint8_t *img, size_t len, char *board, size_t board_cap,
                  int *digests_fixed, hv_image_info *info)
{
    hv_header h;
    *digests_fixed = 0;
    if (len < HV_HEADER_SIZE || hv_parse_header(img, &h) != HV_OK)
        return -1;
    size_t tbs_len = HV_HEADER_SIZE + (size_t)h.metadata_size;
    if (len < tbs_len + (size_t)h.signature_slots * HV_SIG_SLOT_SIZE)
        return -1;

    /* Reading metadata before the signature is what hv_verify never does;
     * here it only decides which digests to write before signing. */
    if (hv_parse_metadata(img, tbs_len, info) == HV_OK) {
        const EVP_MD *md = info->digest_alg == HV_DIGEST_SHA384
                               ? EVP_sha384()
                               : EVP_sha256();
        int all = 1;
        size_t dsize = (size_t)EVP_MD_get_size(md);
        for (uint32_t i = 0; i < info->section_count; i++) {
            const hv_section *s = &info->sections[i];
            if (s->offset > len || s->table_size > len - s->offset ||
                s->data_offset > len || s->stored_size > len - s->data_offset) {
                all = 0;
                continue;
            }
            uint8_t *field = img + HV_HEADER_SIZE + HV_META_FIXED_SIZE +
                             (size_t)i * HV_SECTION_ENTRY_SIZE +
                             HV_SEC_OFF_DIGEST;
            const uint8_t *covered = img + s->data_offset;
            size_t covered_len = (size_t)s->stored_size;
            if (info->chunk_log2) {
                /* Version 2: the table from the chunks, then its digest
                 * (hv_parse_metadata bounded the table by 64 KiB). */
                uint8_t *table = img + s->offset;
                size_t chunk = (size_t)1 << info->chunk_log2;
                memset(table, 0, (size_t)s->table_size);
                for (size_t off = 0, e = 0;
                     off < s->stored_size && (e + 1) * dsize <= s->table_size;
                     off += chunk, e++) {
                    size_t n = s->stored_size - off < chunk
                                   ? (size_t)(s->stored_size - off)
                                   : chunk;
                    if (sha(md, img + s->data_offset + off, n, NULL, 0,
                            table + e * dsize) != 0)
                        fuzz_fail("digest failed in OpenSSL");
                }
                covered = table;
                covered_len = (size_t)s->table_size;
            }
            if (sha(md, covered, covered_len, NULL, 0, field) != 0)
                fuzz_fail("digest failed in OpenSSL");
        }
        *digests_fixed = all;
        size_t n = strlen(info->boards[0]);
        memcpy(board, info->boards[0], n < board_cap ? n + 1 : board_cap);
    }

    uint8_t *slot = img + tbs_len;
    uint8_t *slot1 = slot + HV_SIG_SLOT_SIZE;
    int use_alias = 0;
    if (h.signature_slots >= 2)
        for (size_t i = 0; i < HV_SIG_SLOT_SIZE && !use_alias; i++)
            use_alias = slot1[i] != 0;
    memset(slot, 0, HV_SIG_SLOT_SIZE);
    memcpy(slot + HV_SIG_OFF_KEY_ID, test_key_id, HV_KEY_ID_SIZE);
    hv_put_le32(slot + HV_SIG_OFF_SIG_LEN, 64);
    test_sign(img, tbs_len, slot + HV_SIG_OFF_SIG);
    if (use_alias) {
        memcpy(slot1, slot, HV_SIG_SLOT_SIZE);
        memcpy(slot1 + HV_SIG_OFF_KEY_ID, alias_key_id, HV_KEY_ID_SIZE);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hv_workspace *ws = fuzz_xmalloc(sizeof *ws);
    hv_verdict *v = fuzz_xmalloc(sizeof *v);
    hv_image_info *info = fuzz_xmalloc(sizeof *info);

    /* 1. As given: a foreign OEM id and board make the policy checks bite
     * on seeds built for "fuzz-oem" / "fuzz-board-1". */
    hv_result as_given = run(data, size, "fuzz-board-1", 0, "fuzz-oem", 0, ws, v);
    /* The verdict on the bytes as an attacker sends them (fuzz.h). */
    fuzz_verdict(as_given == HV_OK ? FUZZ_ACCEPTED : FUZZ_REFUSED);

    /* 2. Re-signed. */
    uint8_t *img = fuzz_dup(data, size);
    char board[HV_BOARD_ID_SIZE + 1] = "fuzz-board-1";
    int fixed;
    if (resign(img, size, board, sizeof board, &fixed, info) == 0) {
        hv_result r = run(img, size, board, 1, NULL, 1, ws, v);
        /* Slot 0 (and an alias slot 1) hold valid signatures of trusted
         * ids; the verifier may refuse a later slot, never these. */
        uint64_t slot0 = HV_HEADER_SIZE +
                         (uint64_t)hv_le32(img + HV_HDR_OFF_METADATA_SIZE);
        uint64_t signed_end = slot0 + HV_SIG_SLOT_SIZE;
        if (hv_le32(img + HV_HDR_OFF_SIGNATURE_SLOTS) >= 2 &&
            memcmp(img + signed_end, alias_key_id, HV_KEY_ID_SIZE) == 0)
            signed_end += HV_SIG_SLOT_SIZE;
        if (r == HV_ERR_NO_SIGNATURE ||
            ((r == HV_ERR_SIGNATURE || r == HV_ERR_UNTRUSTED_KEY) &&
             v->fail_offset < signed_end))
            fuzz_fail("re-signed image refused in a slot it signed: %s",
                      hv_result_name(r));
        if (r == HV_ERR_DIGEST && fixed)
            fuzz_fail("section %u digest computed by OpenSSL refused",
                      v->failed_section);
    }
    free(img);
    free(info);
    free(v);
    free(ws);
    return 0;
}
