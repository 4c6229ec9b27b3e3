/*
 * The verifier attack suite: one table row per named attack. Each row's
 * crafting function starts from a valid image built in-process by the real
 * builder (tests/verify/fixture.c), rewrites what the attack needs (header,
 * metadata, signature block, section bytes, what follows the image), and
 * for attacks behind the signature RE-SIGNS the metadata with the fixture's
 * key, as a compromised or confused signer would. The image is then verified
 * from memory on a hostile platform (atk_common.c) that also mounts a double
 * fetch on every case.
 *
 *   attack-verify GOLDEN_DIR [--emit DIR] [--only SUBSTRING] [--list]
 *
 * --emit writes every case (NAME.hvi, cases.txt, keys.txt) for the 32-bit
 * UBSan runner and the extract tests; --list prints "class name expected".
 */
#ifndef ZSTD_STATIC_LINKING_ONLY
#define ZSTD_STATIC_LINKING_ONLY
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zstd.h>

#include "atk_common.h"
#include "encode.h"
#include "fixture.h"
#include "signing.h"

#define NOSEC UINT32_MAX
#define ANYSEC ATK_ANY32
#define NOOFF UINT64_MAX
#define ANYOFF ATK_ANY64
#define MAX_OUT (UINT64_C(64) << 20)
#define TBS_BUF 8192
#define MAX_SLOTS_BUF 16u

/* Trusted key table indices (atk_spec.keys bits). */
enum {
    K_A,        /* fixture A, P-256: signs the base image                   */
    K_B,        /* fixture B, another P-256 key                             */
    K_C,        /* fixture C, P-384                                         */
    K_A_ALIAS,  /* A's public key under a second key id                     */
    K_A_AS_384, /* A's id and key, record says P-384                        */
    K_A_BADALG, /* A's id and key, record names no known algorithm          */
    K_A_SHORT,  /* A's id, key record one byte short                        */
    K_COUNT
};
#define KB(k) (1u << (k))

/* ---- the image model --------------------------------------------------- */

typedef struct img {
    hv_image_info info;
    uint8_t *pay[HV_MAX_SECTIONS];
    size_t plen[HV_MAX_SECTIONS];
} img;

typedef struct ctx {
    atk_spec spec;
    img m;
    uint8_t tbs[TBS_BUF];
    size_t tbs_len;
    uint8_t block[MAX_SLOTS_BUF * HV_SIG_SLOT_SIZE];
    uint8_t *out;
    size_t out_len;
    uint8_t *second;
    size_t second_len;
} ctx;

static fixture FA, FB, FC;
static hv_signer *SA, *SB, *SC;
static img IA, IB, IC;
static atk_keys KEYS;
static uint8_t *core_plain; /* fixture A's core, unpacked */
static size_t core_plain_len;
static int failures;

static void die(const char *what)
{
    fprintf(stderr, "attack-verify: %s\n", what);
    exit(2);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

static uint8_t *dup_bytes(const void *p, size_t n)
{
    uint8_t *d = xmalloc(n);
    memcpy(d, n ? p : (const void *)d, n);
    return d;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void hash(uint32_t alg, const void *p, size_t n, uint8_t *out)
{
    hv_hash_ctx h;
    if (hv_crypto_bearssl.hash_init(&h, alg) != 0)
        die("hash_init");
    hv_crypto_bearssl.hash_update(&h, p, n);
    hv_crypto_bearssl.hash_final(&h, out);
}

static void img_free(img *m)
{
    for (uint32_t i = 0; i < HV_MAX_SECTIONS; i++)
        free(m->pay[i]);
    memset(m, 0, sizeof *m);
}

static void img_copy(img *dst, const img *src)
{
    img_free(dst);
    dst->info = src->info;
    for (uint32_t i = 0; i < src->info.section_count; i++) {
        dst->pay[i] = dup_bytes(src->pay[i], src->plen[i]);
        dst->plen[i] = src->plen[i];
    }
}

static void img_from(img *m, const fixture *f)
{
    memset(m, 0, sizeof *m);
    uint32_t meta = get32(f->image + HV_HDR_OFF_METADATA_SIZE);
    if (hv_parse_metadata(f->image, HV_HEADER_SIZE + meta, &m->info) != HV_OK)
        die("fixture image does not parse");
    for (uint32_t i = 0; i < m->info.section_count; i++) {
        const hv_section *s = &m->info.sections[i];
        m->pay[i] = dup_bytes(f->image + s->offset, (size_t)s->stored_size);
        m->plen[i] = (size_t)s->stored_size;
    }
}

/* Place sections by the layout rule, set sizes and digests. */
static void img_layout(img *m)
{
    hv_image_info *in = &m->info;
    uint32_t meta = HV_META_FIXED_SIZE +
                    in->section_count * HV_SECTION_ENTRY_SIZE +
                    in->board_count * HV_BOARD_ID_SIZE;
    in->header.metadata_size = meta;
    uint64_t pos = hv_data_start(meta, in->header.signature_slots,
                                 in->section_align);
    for (uint32_t i = 0; i < in->section_count; i++) {
        hv_section *s = &in->sections[i];
        if (i > 0)
            pos = (pos + in->section_align - 1) &
                  ~(uint64_t)(in->section_align - 1);
        s->offset = pos;
        s->stored_size = m->plen[i];
        if (s->compression == HV_COMPRESSION_NONE)
            s->unpacked_size = m->plen[i];
        memset(s->digest, 0, sizeof s->digest);
        hash(in->digest_alg, m->pay[i], m->plen[i], s->digest);
        pos = s->offset + s->stored_size;
    }
    in->header.image_size = pos;
}

/* Insert a section keeping (type, name) order; payload copied. */
static uint32_t img_add(img *m, uint32_t type, uint32_t comp, const char *name,
                        const void *p, size_t n, uint64_t unpacked)
{
    hv_image_info *in = &m->info;
    if (in->section_count >= HV_MAX_SECTIONS)
        die("too many sections");
    uint32_t at = in->section_count;
    while (at > 0 && (in->sections[at - 1].type > type ||
                      (in->sections[at - 1].type == type &&
                       strcmp(in->sections[at - 1].name, name) > 0)))
        at--;
    memmove(&in->sections[at + 1], &in->sections[at],
            (in->section_count - at) * sizeof in->sections[0]);
    memmove(&m->pay[at + 1], &m->pay[at],
            (in->section_count - at) * sizeof m->pay[0]);
    memmove(&m->plen[at + 1], &m->plen[at],
            (in->section_count - at) * sizeof m->plen[0]);
    hv_section *s = &in->sections[at];
    memset(s, 0, sizeof *s);
    s->type = type;
    s->compression = comp;
    snprintf(s->name, sizeof s->name, "%s", name);
    s->unpacked_size = unpacked;
    m->pay[at] = dup_bytes(p, n);
    m->plen[at] = n;
    in->section_count++;
    return at;
}

static void img_set(img *m, uint32_t i, const void *p, size_t n)
{
    free(m->pay[i]);
    m->pay[i] = dup_bytes(p, n);
    m->plen[i] = n;
}

/* ---- crafting steps ----------------------------------------------------- */

static void c_load(ctx *c, const img *src)
{
    img_copy(&c->m, src);
}

/* The usual start: fixture A, laid out again (offsets as built). */
static void c_std(ctx *c)
{
    c_load(c, &IA);
    img_layout(&c->m);
}

static void c_encode(ctx *c)
{
    c->tbs_len = hv_encode_tbs(&c->m.info, c->tbs);
}

static uint32_t c_slots(const ctx *c)
{
    uint32_t n = get32(c->tbs + HV_HDR_OFF_SIGNATURE_SLOTS);
    return n < 1 ? 1 : n > MAX_SLOTS_BUF ? MAX_SLOTS_BUF : n;
}

static void sign_into(ctx *c, hv_signer *s, const uint8_t *id)
{
    uint8_t sig[HV_SIG_MAX_SIZE];
    size_t len;
    hv_diag d;
    if (hv_signer_sign(s, c->tbs, c->tbs_len, sig, &len, &d) != 0)
        die(d.msg);
    if (!id)
        id = hv_signer_pubkey(s)->key_id;
    if (hv_sig_block_insert(c->block, c_slots(c), id, sig, len) != HV_SLOT_OK)
        die("signature block insert");
}

/* Signature block with one signature per signer (NULL-terminated). */
static void c_sign_with(ctx *c, hv_signer *const *signers)
{
    memset(c->block, 0, sizeof c->block);
    for (; *signers; signers++)
        sign_into(c, *signers, NULL);
}

static void c_sign(ctx *c)
{
    hv_signer *const a[] = {SA, NULL};
    c_sign_with(c, a);
}

static uint64_t block_off(const ctx *c)
{
    return c->tbs_len;
}

static uint64_t slot_off(const ctx *c, uint32_t i)
{
    return c->tbs_len + (uint64_t)i * HV_SIG_SLOT_SIZE;
}

static uint8_t *slot(ctx *c, uint32_t i)
{
    return c->block + (size_t)i * HV_SIG_SLOT_SIZE;
}

/* Lay out header || metadata (as signed), the block and every section
 * at the offset its entry names; the length is header.image_size. */
static void c_emit(ctx *c)
{
    uint64_t isz = get64(c->tbs + HV_HDR_OFF_IMAGE_SIZE);
    uint64_t natural = c->tbs_len + (uint64_t)c_slots(c) * HV_SIG_SLOT_SIZE;
    const hv_image_info *in = &c->m.info;
    uint32_t count = in->section_count;
    for (uint32_t i = 0; i < count; i++) {
        uint64_t end = in->sections[i].offset + c->m.plen[i];
        if (in->sections[i].offset < MAX_OUT && end < MAX_OUT && end > natural)
            natural = end;
    }
    /* Never shorter than what was placed: a header claiming less than
     * that is refused on the header alone. */
    uint64_t n = isz <= MAX_OUT && isz > natural ? isz : natural;
    free(c->out);
    c->out = calloc((size_t)n + 1, 1);
    c->out_len = (size_t)n;
    memcpy(c->out, c->tbs, c->tbs_len < n ? c->tbs_len : (size_t)n);
    uint64_t blen = (uint64_t)c_slots(c) * HV_SIG_SLOT_SIZE;
    if (c->tbs_len < n)
        memcpy(c->out + c->tbs_len, c->block,
               (size_t)(blen < n - c->tbs_len ? blen : n - c->tbs_len));
    for (uint32_t i = 0; i < count; i++) {
        uint64_t off = in->sections[i].offset;
        if (off <= n && c->m.plen[i] <= n - off)
            memcpy(c->out + off, c->m.pay[i], c->m.plen[i]);
    }
    c->spec.region = c->out_len;
}

static void c_finish(ctx *c)
{
    c_encode(c);
    c_sign(c);
    c_emit(c);
}

/* After editing the encoded TBS: sign it as it is, then emit. */
static void c_resign(ctx *c)
{
    c_sign(c);
    c_emit(c);
}

static void c_append(ctx *c, const void *p, size_t n)
{
    c->out = realloc(c->out, c->out_len + n + 1);
    if (!c->out)
        die("out of memory");
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
    c->spec.region = c->out_len;
}

static uint8_t *meta(ctx *c)
{
    return c->tbs + HV_HEADER_SIZE;
}

static uint8_t *entry(ctx *c, uint32_t i)
{
    return meta(c) + HV_META_FIXED_SIZE + (size_t)i * HV_SECTION_ENTRY_SIZE;
}

static void want(ctx *c, uint32_t sec, uint64_t off)
{
    c->spec.want_section = sec;
    c->spec.want_offset = off;
}

/* The same, for crafting functions shared with rows that expect HV_OK. */
static void want_fail(ctx *c, uint32_t sec, uint64_t off)
{
    if (c->spec.expect != HV_OK && c->spec.want_section == ANYSEC)
        want(c, sec, off);
}

/* Keep the (now misplaced) sections out of the emitted bytes, for
 * metadata spliced by hand: they would land on the signature block. */
static void c_no_sections(ctx *c)
{
    for (uint32_t i = 0; i < c->m.info.section_count; i++)
        c->m.plen[i] = 0;
}

/* Section |i|'s offset after c_std(). */
static uint64_t sec_off(const ctx *c, uint32_t i)
{
    return c->m.info.sections[i].offset;
}

/* ---- zstd helpers ------------------------------------------------------- */

static uint8_t *zc(const void *src, size_t n, int fcs, int checksum,
                   size_t *out_len)
{
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    size_t cap = ZSTD_compressBound(n) + 64;
    uint8_t *out = xmalloc(cap);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, 3);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, fcs);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, checksum);
    size_t r;
    if (fcs) {
        r = ZSTD_compress2(cc, out, cap, src, n);
    } else {
        /* Streaming with an unknown size leaves the content size out. */
        ZSTD_inBuffer in = {src, n, 0};
        ZSTD_outBuffer o = {out, cap, 0};
        r = ZSTD_compressStream2(cc, &o, &in, ZSTD_e_end);
        r = ZSTD_isError(r) || r != 0 ? (size_t)-1 : o.pos;
    }
    ZSTD_freeCCtx(cc);
    if (ZSTD_isError(r))
        die("zstd compress");
    *out_len = r;
    return out;
}

/* A drivers/extra section as a zstd frame of |n| bytes of |fill|. */
static uint32_t add_zstd_extra(ctx *c, const char *name, size_t n, int fcs,
                               uint64_t declared)
{
    uint8_t *raw = xmalloc(n);
    memset(raw, 'z', n);
    size_t zn;
    uint8_t *z = zc(raw, n, fcs, 0, &zn);
    uint32_t at = img_add(&c->m, HV_SECTION_EXTRA, HV_COMPRESSION_ZSTD, name,
                          z, zn, declared);
    free(raw);
    free(z);
    return at;
}

/* ---- ustar writer for crafted drivers sections -------------------------- */

typedef struct tarbuf {
    uint8_t *p;
    size_t len, cap;
} tarbuf;

static void tb_grow(tarbuf *t, size_t n)
{
    if (t->len + n > t->cap) {
        t->cap = (t->len + n) * 2;
        t->p = realloc(t->p, t->cap);
        if (!t->p)
            die("out of memory");
    }
}

static void tb_entry(tarbuf *t, const char *name, char type, unsigned mode,
                     const char *data, const char *link)
{
    size_t n = data ? strlen(data) : 0;
    tb_grow(t, 512 + ((n + 511) & ~(size_t)511));
    uint8_t *h = t->p + t->len;
    memset(h, 0, 512);
    snprintf((char *)h, 100, "%s", name);
    snprintf((char *)h + 100, 8, "%07o", mode);
    snprintf((char *)h + 108, 8, "%07o", 0);
    snprintf((char *)h + 116, 8, "%07o", 0);
    snprintf((char *)h + 124, 12, "%011o", (unsigned)(n & 07777777777u));
    snprintf((char *)h + 136, 12, "%011o", 1700000000u);
    h[156] = (uint8_t)type;
    if (link)
        snprintf((char *)h + 157, 100, "%s", link);
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    if (type == '3' || type == '4') {
        snprintf((char *)h + 329, 8, "%07o", 1);
        snprintf((char *)h + 337, 8, "%07o", 3);
    }
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    h[155] = ' ';
    t->len += 512;
    if (n) {
        memset(t->p + t->len, 0, (n + 511) & ~(size_t)511);
        memcpy(t->p + t->len, data, n);
        t->len += (n + 511) & ~(size_t)511;
    }
}

static void tb_end(tarbuf *t)
{
    tb_grow(t, 1024);
    memset(t->p + t->len, 0, 1024);
    t->len += 1024;
}

/* A signed image whose drivers section is |t| (stored uncompressed):
 * the verifier accepts it (it vouches for bytes, not for tar semantics);
 * what `hvimage extract` does with it is tests/attack/extract.sh's part. */
static void c_drivers(ctx *c, tarbuf *t)
{
    c_load(c, &IA);
    img_add(&c->m, HV_SECTION_DRIVERS, HV_COMPRESSION_NONE, "drivers", t->p,
            t->len, t->len);
    img_layout(&c->m);
    c_finish(c);
    free(t->p);
}

/* ======================================================================= */
/* Crafting functions, by attack class.                                    */
/* ======================================================================= */

/* ---- controls: the crafting machinery itself yields valid images ------- */

static void ok_as_built(ctx *c)
{
    c->out = dup_bytes(FA.image, FA.image_len);
    c->out_len = FA.image_len;
    c->spec.region = c->out_len;
    c->spec.want_signers = 1;
}

static void ok_recrafted(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.want_signers = 1;
}

static void ok_two_signers(ctx *c)
{
    c_std(c);
    c_encode(c);
    hv_signer *const s[] = {SA, SB, NULL};
    c_sign_with(c, s);
    c_emit(c);
    c->spec.keys = KB(K_A) | KB(K_B);
    c->spec.min_sigs = 2;
    c->spec.want_signers = 2;
}

static void ok_p384(ctx *c)
{
    c_load(c, &IC);
    img_layout(&c->m);
    c_encode(c);
    hv_signer *const s[] = {SC, NULL};
    c_sign_with(c, s);
    c_emit(c);
    c->spec.keys = KB(K_C);
}

static void ok_uncompressed_core(ctx *c)
{
    c_std(c);
    c->m.info.sections[0].compression = HV_COMPRESSION_NONE;
    img_set(&c->m, 0, core_plain, core_plain_len);
    img_layout(&c->m);
    c_finish(c);
}

static void ok_entry_last_byte(ctx *c)
{
    c_std(c);
    hv_section *s = &c->m.info.sections[0];
    s->entry_point = s->load_address + s->unpacked_size - 1;
    c_finish(c);
}

static void ok_rollback_equal_max(ctx *c)
{
    c_std(c);
    c->m.info.security_version = UINT64_MAX;
    c_finish(c);
    c->spec.rollback = UINT64_MAX;
}

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
static void h_version_2(ctx *c) { hdr32(c, HV_HDR_OFF_FORMAT_VERSION, 2); }
static void h_version_0(ctx *c) { hdr32(c, HV_HDR_OFF_FORMAT_VERSION, 0); }
static void h_version_max(ctx *c)
{
    hdr32(c, HV_HDR_OFF_FORMAT_VERSION, UINT32_MAX);
}
static void h_flags(ctx *c) { hdr32(c, HV_HDR_OFF_FLAGS, 1); }
static void h_reserved(ctx *c) { hdr32(c, HV_HDR_OFF_RESERVED + 28, 0x100); }
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
static void s_size_ffffffff(ctx *c)
{
    s_field64(c, 1, HV_SEC_OFF_STORED_SIZE, UINT32_MAX);
}
static void s_size_u64max(ctx *c)
{
    s_field64(c, 1, HV_SEC_OFF_STORED_SIZE, UINT64_MAX);
}
/* offset + stored_size wraps to a small number. */
static void s_size_wraps(ctx *c)
{
    c_std(c);
    s_field64(c, 1, HV_SEC_OFF_STORED_SIZE,
              (UINT64_MAX - sec_off(c, 1)) + 1 + 16);
}
static void s_size_plus1(ctx *c)
{
    c_std(c);
    s_field64(c, 1, HV_SEC_OFF_STORED_SIZE, c->m.plen[1] + 1);
}
static void s_size_minus1(ctx *c)
{
    c_std(c);
    s_field64(c, 1, HV_SEC_OFF_STORED_SIZE, c->m.plen[1] - 1);
}
/* An uncompressed last section of 0 bytes: the image then ends early. */
static void s_size_0_last(ctx *c)
{
    c_std(c);
    c->m.info.sections[1].compression = HV_COMPRESSION_NONE;
    img_layout(&c->m);
    c_encode(c);
    put64(entry(c, 1) + HV_SEC_OFF_STORED_SIZE, 0);
    put64(entry(c, 1) + HV_SEC_OFF_UNPACKED_SIZE, 0);
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
static void m_reserved(ctx *c) { m_field32(c, HV_META_OFF_RESERVED + 92, 1); }

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
static void extra_named(ctx *c, const char *name)
{
    c_std(c);
    img_add(&c->m, HV_SECTION_EXTRA, HV_COMPRESSION_NONE, name, "a", 1, 1);
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

/* ---- ceilings ----------------------------------------------------------- */

/* Fill up to |sections| sections with extras and |boards| boards. */
static void fill(ctx *c, uint32_t sections, uint32_t boards, uint32_t slots)
{
    c_load(c, &IA);
    img *m = &c->m;
    for (uint32_t i = m->info.section_count; i < sections; i++) {
        char name[16], data[16];
        snprintf(name, sizeof name, "x%02u", i);
        snprintf(data, sizeof data, "extra %u", i);
        img_add(m, HV_SECTION_EXTRA, HV_COMPRESSION_NONE, name, data,
                strlen(data), strlen(data));
    }
    for (uint32_t i = m->info.board_count; i < boards; i++)
        snprintf(m->info.boards[i], HV_BOARD_ID_SIZE + 1, "zz-board-%02u", i);
    m->info.board_count = boards;
    m->info.header.signature_slots = slots;
    img_layout(m);
}

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
    uint8_t *boards = entry(c, HV_MAX_SECTIONS);
    size_t blen = 2 * HV_BOARD_ID_SIZE;
    memmove(boards + HV_SECTION_ENTRY_SIZE, boards, blen);
    memcpy(boards, boards - HV_SECTION_ENTRY_SIZE, HV_SECTION_ENTRY_SIZE);
    memcpy(boards + HV_SEC_OFF_NAME, "x99\0", 4);
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
    uint32_t at = img_add(&c->m, HV_SECTION_EXTRA, HV_COMPRESSION_NONE,
                          "huge", "", 0, 0);
    img_layout(&c->m);
    hv_section *s = &c->m.info.sections[at];
    s->stored_size = HV_MAX_IMAGE_SIZE - s->offset;
    s->unpacked_size = s->stored_size;
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
    uint32_t at = add_zstd_extra(c, "big", 64, 1, 64);
    img_layout(&c->m);
    c->m.info.sections[at].unpacked_size = HV_MAX_UNPACKED_SIZE;
    c_finish(c);
    want(c, at, c->m.info.sections[at].offset);
}

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
    uint64_t from = sec_off(c, 0) + c->m.plen[0];
    c->out[sec_off(c, 1) - 1] = 0x80;
    want(c, 1, from);
}
/* A whole unlisted section's bytes hidden in the padding. */
static void pad_hidden_section(ctx *c)
{
    pad_layout(c);
    uint64_t from = sec_off(c, 0) + c->m.plen[0];
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

/* ---- algorithm confusion ------------------------------------------------ */

/* Replace slot 0's signature (A's key id kept) by |sig|. */
static void put_sig(ctx *c, const uint8_t *sig, size_t n)
{
    uint8_t *s = slot(c, 0);
    memset(s + HV_SIG_OFF_SIG, 0, HV_SIG_MAX_SIZE);
    memcpy(s + HV_SIG_OFF_SIG, sig, n);
    put32(s + HV_SIG_OFF_SIG_LEN, (uint32_t)n);
}

static void base_sig(ctx *c, uint8_t *sig64)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    memcpy(sig64, slot(c, 0) + HV_SIG_OFF_SIG, 64);
}

static void alg_p384_sig(ctx *c)
{
    uint8_t sig[HV_SIG_MAX_SIZE], dummy[64];
    size_t n;
    hv_diag d;
    base_sig(c, dummy);
    if (hv_signer_sign(SC, c->tbs, c->tbs_len, sig, &n, &d) != 0)
        die(d.msg);
    put_sig(c, sig, n);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
/* 384 bytes, an RSA-3072 signature's length. */
static void alg_rsa_len(ctx *c)
{
    uint8_t sig[384], dummy[64];
    base_sig(c, dummy);
    for (int i = 0; i < 384; i++)
        sig[i] = (uint8_t)(i ^ 0x5c);
    put_sig(c, sig, sizeof sig);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
static void alg_short_63(ctx *c)
{
    uint8_t sig[64];
    base_sig(c, sig);
    put_sig(c, sig + 1, 63);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
static void alg_long_65_trailing(ctx *c)
{
    uint8_t sig[65];
    base_sig(c, sig);
    sig[64] = 0;
    put_sig(c, sig, 65);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
static void alg_long_65_leading(ctx *c)
{
    uint8_t sig[65];
    base_sig(c, sig + 1);
    sig[0] = 0;
    put_sig(c, sig, 65);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
/* r and s as a (minimal, valid) DER SEQUENCE: never accepted in an image. */
static size_t der_int(uint8_t *o, const uint8_t *v, size_t n)
{
    while (n > 1 && v[0] == 0) {
        v++;
        n--;
    }
    size_t pad = v[0] & 0x80 ? 1 : 0;
    o[0] = 0x02;
    o[1] = (uint8_t)(n + pad);
    o[2] = 0;
    memcpy(o + 2 + pad, v, n);
    return 2 + pad + n;
}
static void alg_der(ctx *c)
{
    uint8_t sig[64], der[80];
    base_sig(c, sig);
    size_t n = 2;
    n += der_int(der + n, sig, 32);
    n += der_int(der + n, sig + 32, 32);
    der[0] = 0x30;
    der[1] = (uint8_t)(n - 2);
    put_sig(c, der, n);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
/* DER squeezed into exactly 64 bytes (padded with zeros): right length,
 * wrong encoding. */
static void alg_der_in_64(ctx *c)
{
    uint8_t sig[64], der[80];
    base_sig(c, sig);
    size_t n = 2;
    n += der_int(der + n, sig, 32);
    n += der_int(der + n, sig + 32, 32);
    der[0] = 0x30;
    der[1] = (uint8_t)(n - 2);
    memset(sig, 0, 64);
    memcpy(sig, der, n < 64 ? n : 64);
    put_sig(c, sig, 64);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
static void alg_swapped_rs(ctx *c)
{
    uint8_t sig[64], sw[64];
    base_sig(c, sig);
    memcpy(sw, sig + 32, 32);
    memcpy(sw + 32, sig, 32);
    put_sig(c, sw, 64);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
static void alg_zero_rs(ctx *c)
{
    uint8_t sig[64];
    base_sig(c, sig);
    memset(sig, 0, 64);
    put_sig(c, sig, 64);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
static const uint8_t p256_n[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17,
    0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
/* r + n: the same value mod n, out of [1, n-1]. Only fits when r is
 * small, so use r = n itself (== 0 mod n). */
static void alg_r_eq_n(ctx *c)
{
    uint8_t sig[64];
    base_sig(c, sig);
    memcpy(sig, p256_n, 32);
    put_sig(c, sig, 64);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
static void alg_all_ff(ctx *c)
{
    uint8_t sig[64];
    base_sig(c, sig);
    memset(sig, 0xff, 64);
    put_sig(c, sig, 64);
    c_emit(c);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
/* s replaced by n - s: the other valid ECDSA signature of the same
 * message. Not an attack (ECDSA signatures were never unique, and the key
 * still counts once); recorded so that a change is noticed. */
static void ok_high_s(ctx *c)
{
    uint8_t sig[64];
    base_sig(c, sig);
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = p256_n[i] - sig[32 + i] - borrow;
        borrow = d < 0;
        sig[32 + i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
    put_sig(c, sig, 64);
    c_emit(c);
    c->spec.want_signers = 1;
}
static void rec_as_p384(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.keys = KB(K_A_AS_384);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG_LEN);
}
static void rec_bad_alg(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.keys = KB(K_A_BADALG);
    want(c, NOSEC, slot_off(c, 0));
}
static void rec_short_pub(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.keys = KB(K_A_SHORT);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
/* The P-384 image, its key trusted only as P-256 would be (A's record). */
static void p384_image_p256_trust(ctx *c)
{
    ok_p384(c);
    c->spec.keys = KB(K_A);
    want(c, NOSEC, slot_off(c, 0));
}

/* ---- mix and match ------------------------------------------------------ */

/* A' and A2': fixture A with an uncompressed core, A2' with one core byte
 * changed (same size), both validly signed by A's key. */
static void mm_pair(ctx *a2)
{
    c_load(a2, &IA);
    a2->m.info.sections[0].compression = HV_COMPRESSION_NONE;
    uint8_t *core = xmalloc(core_plain_len);
    for (size_t i = 0; i < core_plain_len; i++)
        core[i] = (uint8_t)(core_plain[i] ^ (i + 1 == core_plain_len ? 0x42 : 0));
    img_set(&a2->m, 0, core, core_plain_len);
    free(core);
    snprintf(a2->m.info.version, sizeof a2->m.info.version, "9.9.9");
    img_layout(&a2->m);
    c_finish(a2);
}
static void mm_lift_core(ctx *c)
{
    ctx a2;
    memset(&a2, 0, sizeof a2);
    mm_pair(&a2);
    ok_uncompressed_core(c);
    memcpy(c->out + sec_off(c, 0), a2.out + sec_off(&a2, 0), core_plain_len);
    want(c, 0, sec_off(c, 0));
    img_free(&a2.m);
    free(a2.out);
}
static void mm_lift_bootcfg(ctx *c)
{
    ctx b;
    memset(&b, 0, sizeof b);
    c_std(&b);
    const char *cfg = "console=ttyS1\nmode=evil\n";
    size_t zn;
    uint8_t *z = zc(cfg, strlen(cfg), 1, 0, &zn);
    img_set(&b.m, 1, z, zn);
    b.m.info.sections[1].unpacked_size = strlen(cfg);
    free(z);
    img_layout(&b.m);
    c_finish(&b);
    /* Same offset, the other image's section and its length. */
    c_std(c);
    c_finish(c);
    size_t keep = c->out_len;
    c->out_len = (size_t)sec_off(c, 1);
    c_append(c, b.out + sec_off(&b, 1), b.m.plen[1]);
    while (c->out_len < keep)
        c_append(c, "", 1);
    c->spec.exact = 0;
    c->spec.region = c->out_len;
    want(c, 1, sec_off(c, 1));
    img_free(&b.m);
    free(b.out);
}
/* A's header, metadata and signature; A2's sections. */
static void mm_meta_a_sections_a2(ctx *c)
{
    ctx a2;
    memset(&a2, 0, sizeof a2);
    mm_pair(&a2);
    ok_uncompressed_core(c);
    size_t data = (size_t)sec_off(c, 0);
    memcpy(c->out + data, a2.out + data, c->out_len - data);
    want(c, 0, sec_off(c, 0));
    img_free(&a2.m);
    free(a2.out);
}
/* A2's header and metadata, A's signature block and sections. */
static void mm_meta_a2_sig_a(ctx *c)
{
    ctx a2;
    memset(&a2, 0, sizeof a2);
    mm_pair(&a2);
    ok_uncompressed_core(c);
    memcpy(c->out, a2.out, a2.tbs_len);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
    img_free(&a2.m);
    free(a2.out);
}
/* B's valid signature block, over another image's metadata (A2'), on A'.
 * (Fixtures A and B have byte-identical metadata, so B's own block would
 * be a valid signature of A's.) */
static void mm_sig_block_of_b(ctx *c)
{
    ctx b;
    memset(&b, 0, sizeof b);
    mm_pair(&b);
    c_encode(&b);
    hv_signer *const s[] = {SB, NULL};
    c_sign_with(&b, s);
    ok_uncompressed_core(c);
    memcpy(c->out + c->tbs_len, b.block, 2 * HV_SIG_SLOT_SIZE);
    c->spec.keys = KB(K_A) | KB(K_B);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
    img_free(&b.m);
    free(b.out);
}
/* The same sections in swapped places, metadata unchanged. */
static void mm_sections_swapped(ctx *c)
{
    c_std(c);
    img *m = &c->m;
    uint8_t *p = m->pay[0];
    m->pay[0] = m->pay[1];
    m->pay[1] = p;
    size_t n = m->plen[0];
    m->plen[0] = m->plen[1];
    m->plen[1] = n;
    c_finish(c);
    c->spec.exact = 0; /* the core's bytes stick out past image_size */
    want(c, 0, sec_off(c, 0));
}
static void mm_other_signer(ctx *c)
{
    c->out = dup_bytes(FB.image, FB.image_len);
    c->out_len = FB.image_len;
    c->spec.region = c->out_len;
    c->spec.keys = KB(K_A);
    want(c, NOSEC, ANYOFF);
}

/* ---- downgrade ---------------------------------------------------------- */

static void dg_older(ctx *c)
{
    c_std(c);
    c->m.info.security_version = FA.security_version - 1;
    c->m.info.min_security_version = c->m.info.security_version;
    c_finish(c);
    c->spec.rollback = FA.security_version;
}
static void dg_zero(ctx *c)
{
    c_std(c);
    c->m.info.security_version = 0;
    c->m.info.min_security_version = 0;
    c_finish(c);
    c->spec.rollback = 1;
}
static void dg_counter_max(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.rollback = UINT64_MAX;
}
static void dg_as_built_older(ctx *c)
{
    ok_as_built(c);
    c->spec.rollback = FA.security_version + 1;
}
static void board_other(ctx *c)
{
    c_std(c);
    c_finish(c);
    snprintf(c->spec.board, sizeof c->spec.board, "test-board-3");
}
static void board_prefix(ctx *c)
{
    board_other(c);
    snprintf(c->spec.board, sizeof c->spec.board, "test-board");
}
static void board_longer(ctx *c)
{
    board_other(c);
    snprintf(c->spec.board, sizeof c->spec.board, "test-board-22");
}
static void board_image_for_other(ctx *c)
{
    c_std(c);
    c->m.info.board_count = 1;
    snprintf(c->m.info.boards[0], HV_BOARD_ID_SIZE + 1, "other-board");
    img_layout(&c->m);
    c_finish(c);
}
/* A 32-character board id (no NUL in the field) against a device id that
 * is the same 31 characters. */
static void board_full_field(ctx *c)
{
    c_std(c);
    c->m.info.board_count = 1;
    memset(c->m.info.boards[0], 'b', HV_BOARD_ID_SIZE);
    c->m.info.boards[0][HV_BOARD_ID_SIZE] = 0;
    img_layout(&c->m);
    c_finish(c);
    memset(c->spec.board, 'b', HV_BOARD_ID_SIZE - 1);
    c->spec.board[HV_BOARD_ID_SIZE - 1] = 0;
}
static void oem_other(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.has_oem = 1;
    snprintf(c->spec.oem, sizeof c->spec.oem, "other-oem");
}
static void oem_prefix(ctx *c)
{
    oem_other(c);
    snprintf(c->spec.oem, sizeof c->spec.oem, "test-oe");
}
static void oem_longer(ctx *c)
{
    oem_other(c);
    snprintf(c->spec.oem, sizeof c->spec.oem, "test-oem2");
}
static void oem_image_other(ctx *c)
{
    c_std(c);
    snprintf(c->m.info.oem_id, sizeof c->m.info.oem_id, "evil-oem");
    c_finish(c);
    c->spec.has_oem = 1;
    snprintf(c->spec.oem, sizeof c->spec.oem, "test-oem");
}
static void oem_over_field(ctx *c)
{
    c_std(c);
    memset(c->m.info.oem_id, 'o', HV_OEM_ID_SIZE);
    c->m.info.oem_id[HV_OEM_ID_SIZE] = 0;
    c_finish(c);
    c->spec.has_oem = 1;
    memset(c->spec.oem, 'o', HV_OEM_ID_SIZE + 1);
    c->spec.oem[HV_OEM_ID_SIZE + 1] = 0;
}

/* ---- double fetch ------------------------------------------------------- */

/* First reads see the good image, any later read an evil one (another
 * core, re-signed): the verifier must never look twice, so it boots the
 * good bytes and never sees the evil ones. */
static void df_swap_after(ctx *c)
{
    ctx e;
    memset(&e, 0, sizeof e);
    mm_pair(&e);
    ok_uncompressed_core(c);
    c->second = e.out;
    c->second_len = e.out_len;
    c->spec.mode |= ATK_M_SECOND;
    img_free(&e.m);
}
/* The other way round: the evil core is what comes first, so it is what
 * gets hashed, and refused; the good bytes never help. */
static void df_evil_first(ctx *c)
{
    ctx good;
    memset(&good, 0, sizeof good);
    ok_uncompressed_core(&good);
    mm_pair(c);
    memcpy(c->out, good.out, (size_t)sec_off(&good, 0));
    c->second = good.out;
    c->second_len = good.out_len;
    c->spec.mode |= ATK_M_SECOND;
    want(c, 0, sec_off(c, 0));
    img_free(&good.m);
}
/* Header read first with a small image_size, later reads of the header
 * would say more. */
static void df_header(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->second = dup_bytes(c->out, c->out_len);
    c->second_len = c->out_len;
    put32(c->second + HV_HDR_OFF_METADATA_SIZE, HV_MAX_METADATA_SIZE);
    put64(c->second + HV_HDR_OFF_IMAGE_SIZE, UINT64_MAX);
    c->spec.mode |= ATK_M_SECOND;
}

/* ---- fail-open ---------------------------------------------------------- */

static void fo_no_keys(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.keys = 0;
}
static void fo_keys_empty(ctx *c)
{
    fo_no_keys(c);
    c->spec.mode |= ATK_M_KEYS_EMPTY;
}
static void fo_empty_block(ctx *c)
{
    c_std(c);
    c_encode(c);
    memset(c->block, 0, sizeof c->block);
    c_emit(c);
    want(c, NOSEC, block_off(c));
}
static void fo_empty_block_min0(ctx *c)
{
    fo_empty_block(c);
    c->spec.min_sigs = 0;
}
static void fo_empty_block_one_slot(ctx *c)
{
    c_std(c);
    c->m.info.header.signature_slots = 1;
    img_layout(&c->m);
    c_encode(c);
    memset(c->block, 0, sizeof c->block);
    c_emit(c);
    want(c, NOSEC, block_off(c));
}
static void fo_missing_second(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.keys = KB(K_A) | KB(K_B);
    c->spec.min_sigs = 2;
    want(c, NOSEC, block_off(c));
}
static void fo_min_u32max(ctx *c)
{
    ok_two_signers(c);
    c->spec.min_sigs = UINT32_MAX;
    want(c, NOSEC, block_off(c));
}
static void fo_min_9(ctx *c)
{
    ok_two_signers(c);
    c->spec.min_sigs = HV_MAX_SIGNATURE_SLOTS + 1;
    want(c, NOSEC, block_off(c));
}
static void fo_mode(ctx *c, uint32_t mode)
{
    c_std(c);
    c_finish(c);
    c->spec.mode |= mode;
}
static void fo_verify_m1(ctx *c)
{
    fo_mode(c, ATK_M_VERIFY_M1);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
static void fo_verify_2(ctx *c)
{
    fo_mode(c, ATK_M_VERIFY_2);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
static void fo_hash_fail(ctx *c) { fo_mode(c, ATK_M_HASH_FAIL); }
static void fo_read_fail(ctx *c) { fo_mode(c, ATK_M_READ_FAIL); }
static void fo_rollback_fail(ctx *c) { fo_mode(c, ATK_M_ROLLBACK_FAIL); }
static void fo_board_fail(ctx *c) { fo_mode(c, ATK_M_BOARD_FAIL); }
static void fo_mem_null(ctx *c)
{
    fo_mode(c, ATK_M_MEM_NULL);
    want(c, 0, sec_off(c, 0));
}
static void fo_unsigned_build(ctx *c)
{
    /* What `hvimage build --unsigned` leaves: all slots zero. */
    fo_empty_block(c);
}

/* ---- duplicate signatures ----------------------------------------------- */

static void dup_same_sig_twice(ctx *c)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    memcpy(slot(c, 1), slot(c, 0), HV_SIG_SLOT_SIZE);
    c_emit(c);
    c->spec.min_sigs = 2;
    want(c, NOSEC, block_off(c));
}
static void dup_same_key_two_sigs(ctx *c)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    uint8_t sig[HV_SIG_MAX_SIZE];
    size_t n;
    hv_diag d;
    if (hv_signer_sign(SA, c->tbs, c->tbs_len, sig, &n, &d) != 0)
        die(d.msg);
    memcpy(slot(c, 1), slot(c, 0), HV_SIG_SLOT_SIZE);
    memcpy(slot(c, 1) + HV_SIG_OFF_SIG, sig, n);
    c_emit(c);
    c->spec.min_sigs = 2;
    want(c, NOSEC, block_off(c));
}
/* One key, trusted under two ids (as a platform that loaded the same key
 * from two encodings without canonicalising would have it), signing under
 * both: one signer, however the ids differ. */
static void dup_two_ids(ctx *c, uint32_t min)
{
    c_std(c);
    c_encode(c);
    c_sign(c);
    sign_into(c, SA, KEYS.rec[K_A_ALIAS].key_id);
    c_emit(c);
    c->spec.keys = KB(K_A) | KB(K_A_ALIAS);
    c->spec.min_sigs = min;
    c->spec.want_signers = 1;
    if (min > 1)
        want(c, NOSEC, block_off(c));
}
static void dup_two_ids_min2(ctx *c) { dup_two_ids(c, 2); }
static void dup_two_ids_min1(ctx *c) { dup_two_ids(c, 1); }

/* ---- decompression bombs ------------------------------------------------ */

static void bomb(ctx *c, size_t real, int fcs, uint64_t declared)
{
    c_std(c);
    uint32_t at = add_zstd_extra(c, "bomb", real, fcs, declared);
    img_layout(&c->m);
    c_finish(c);
    want_fail(c, at, sec_off(c, at));
}
static void bomb_beyond_fcs(ctx *c) { bomb(c, 1u << 20, 1, 4096); }
static void bomb_beyond_nofcs(ctx *c) { bomb(c, 1u << 20, 0, 4096); }
static void bomb_beyond_by1(ctx *c) { bomb(c, 4097, 0, 4096); }
static void bomb_short_fcs(ctx *c) { bomb(c, 100, 1, 4096); }
static void bomb_short_nofcs(ctx *c) { bomb(c, 100, 0, 4096); }
static void bomb_short_by1(ctx *c) { bomb(c, 4095, 0, 4096); }
static void bomb_ram(ctx *c) { bomb(c, 1u << 20, 0, UINT64_C(1) << 30); }
static void bomb_64m_short(ctx *c) { bomb(c, 1u << 20, 0, UINT64_C(64) << 20); }
static void ok_zstd_exact(ctx *c) { bomb(c, 1u << 20, 0, 1u << 20); }

/* A hand-made frame in an extra section declared |declared| bytes. */
static void frame(ctx *c, const uint8_t *f, size_t n, uint64_t declared)
{
    c_std(c);
    uint32_t at = img_add(&c->m, HV_SECTION_EXTRA, HV_COMPRESSION_ZSTD, "frame",
                          f, n, declared);
    img_layout(&c->m);
    c_finish(c);
    want_fail(c, at, sec_off(c, at));
}
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
static void z_two_frames(ctx *c)
{
    uint8_t f[2 * sizeof f_a];
    memcpy(f, f_a, sizeof f_a);
    memcpy(f + sizeof f_a, f_a, sizeof f_a);
    frame(c, f, sizeof f, 2);
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

/* ---- the golden frames wrapped in signed images ------------------------- */

static const char *golden_dir;

/* Filled by main() for the rows generated from atk_goldens. */
typedef struct golden_row {
    size_t golden;
    int64_t delta; /* declared = produced + delta */
    hv_result expect;
} golden_row;

static void golden(ctx *c, const golden_row *g)
{
    char path[4096];
    size_t n;
    snprintf(path, sizeof path, "%s/%s", golden_dir, atk_goldens[g->golden].file);
    uint8_t *f = atk_read_file(path, &n);
    if (!f)
        die("cannot read a golden frame (is tests/vectors/zstd-golden there?)");
    frame(c, f, n, (uint64_t)((int64_t)atk_goldens[g->golden].produced + g->delta));
    free(f);
}

/* ---- what `hvimage extract` gets: signed images with hostile archives --- */

static void ex_dotdot(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "drivers.idx", '0', 0644, "evil 1\n", NULL);
    tb_entry(&t, "../../hvattack-dotdot", '0', 0644, "escaped\n", NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_absolute(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "/tmp/hvattack-absolute-canary", '0', 0644, "escaped\n",
             NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_symlink_out(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "evil", '2', 0777, NULL, "../../..");
    tb_entry(&t, "evil/hvattack-through-symlink", '0', 0644, "escaped\n",
             NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_symlink_abs(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "tmp", '2', 0777, NULL, "/tmp");
    tb_entry(&t, "tmp/hvattack-through-abs-symlink", '0', 0644, "escaped\n",
             NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_hardlink_out(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "passwd", '1', 0644, NULL, "/etc/passwd");
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_hardlink_dotdot(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "victim", '1', 0644, NULL, "../../victim");
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_device(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "ttyS0", '3', 0666, NULL, NULL);
    tb_entry(&t, "sda", '4', 0666, NULL, NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_fifo(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "pipe", '6', 0666, NULL, NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_setuid(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "suid", '0', 04755, "#!/bin/sh\nid\n", NULL);
    tb_entry(&t, "sgid", '0', 02755, "#!/bin/sh\nid\n", NULL);
    tb_entry(&t, "sticky", '5', 01777, NULL, NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
/* A control: links that stay inside, and an executable file. */
static void ex_symlink_inside(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "drivers.idx", '0', 0644, "acme 1\n", NULL);
    tb_entry(&t, "acme/", '5', 0755, NULL, NULL);
    tb_entry(&t, "acme/bin/", '5', 0755, NULL, NULL);
    tb_entry(&t, "acme/bin/run", '0', 0755, "#!/bin/sh\n", NULL);
    tb_entry(&t, "acme/lib/", '5', 0755, NULL, NULL);
    tb_entry(&t, "acme/lib/run", '2', 0777, NULL, "../bin/run");
    tb_entry(&t, "acme/top", '2', 0777, NULL, "./lib/../bin");
    tb_end(&t);
    c_drivers(c, &t);
}
/* An extra section named like another output file of extract. */
static void ex_extra_core_bin(ctx *c) { extra_named(c, "core.bin"); }
static void ex_extra_drivers_tar(ctx *c) { extra_named(c, "drivers.tar"); }
static void ex_extra_dotdot(ctx *c) { extra_named(c, ".."); }
static void ex_extra_dot(ctx *c) { extra_named(c, "."); }

/* ======================================================================= */

typedef struct row {
    const char *cls;
    const char *name;
    void (*craft)(ctx *c);
    hv_result expect;
    uint32_t section;
    uint64_t offset;
} row;

#define HDR(off) HV_HEADER_SIZE + (off)

static const row rows[] = {
    /* controls */
    {"control", "control-as-built", ok_as_built, HV_OK, NOSEC, NOOFF},
    {"control", "control-recrafted-resigned", ok_recrafted, HV_OK, NOSEC, NOOFF},
    {"control", "control-two-signers-min-2", ok_two_signers, HV_OK, NOSEC, NOOFF},
    {"control", "control-p384-image", ok_p384, HV_OK, NOSEC, NOOFF},
    {"control", "control-uncompressed-core", ok_uncompressed_core, HV_OK, NOSEC, NOOFF},
    {"control", "control-entry-point-last-byte", ok_entry_last_byte, HV_OK, NOSEC, NOOFF},
    {"control", "control-security-version-max", ok_rollback_equal_max, HV_OK, NOSEC, NOOFF},
    {"control", "control-padding-4096", ok_pad_layout, HV_OK, NOSEC, NOOFF},
    {"control", "control-zstd-exact-size", ok_zstd_exact, HV_OK, NOSEC, NOOFF},
    {"control", "control-zstd-tiny-frame", z_ok_tiny, HV_OK, NOSEC, NOOFF},
    {"control", "control-ecdsa-high-s-accepted", ok_high_s, HV_OK, NOSEC, NOOFF},

    /* header: offsets and sizes at 0, limit, limit + 1, 0xFFFFFFFF, wrap */
    {"bounds", "hdr-magic", h_magic, HV_ERR_MAGIC, NOSEC, 0},
    {"bounds", "hdr-version-0", h_version_0, HV_ERR_VERSION, NOSEC, 0},
    {"bounds", "hdr-version-2", h_version_2, HV_ERR_VERSION, NOSEC, 0},
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

    /* metadata: section offsets and sizes */
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

    /* two sections (or boards) of a kind where one is allowed */
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

    /* ceilings: at the limit, and one past */
    {"ceiling", "ceiling-sections-16", ceil_sections_16, HV_OK, NOSEC, NOOFF},
    {"ceiling", "ceiling-sections-17", ceil_sections_17, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"ceiling", "ceiling-boards-32", ceil_boards_32, HV_OK, NOSEC, NOOFF},
    {"ceiling", "ceiling-boards-33", ceil_boards_33, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"ceiling", "ceiling-signature-slots-8", ceil_slots_8, HV_OK, NOSEC, NOOFF},
    {"ceiling", "ceiling-signature-slots-9", h_slots_9, HV_ERR_HEADER, NOSEC, 0},
    {"ceiling", "ceiling-metadata-3328-tbs-3392-block-4416", ceil_meta_max, HV_OK, NOSEC, NOOFF},
    {"ceiling", "ceiling-metadata-size-3328-counts-disagree", ceil_meta_size_at, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"ceiling", "ceiling-metadata-size-3329", h_meta_max_p1, HV_ERR_HEADER, NOSEC, 0},
    {"ceiling", "ceiling-align-16", ok_align_16, HV_OK, NOSEC, NOOFF},
    {"ceiling", "ceiling-align-8", m_align_8, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"ceiling", "ceiling-align-1MiB", ok_align_1m, HV_OK, NOSEC, NOOFF},
    {"ceiling", "ceiling-align-2MiB", m_align_2m, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},
    {"ceiling", "ceiling-image-size-4GiB", ceil_image_4g, HV_ERR_MEMORY, ANYSEC, ANYOFF},
    {"ceiling", "ceiling-image-size-4GiB-plus-1", ceil_image_4g_p1, HV_ERR_HEADER, NOSEC, 0},
    {"ceiling", "ceiling-unpacked-size-4GiB", ceil_unpacked_4g, HV_ERR_MEMORY, ANYSEC, ANYOFF},
    {"ceiling", "ceiling-unpacked-size-4GiB-plus-1", s_unpacked_4g_p1, HV_ERR_METADATA, NOSEC, HV_HEADER_SIZE},

    /* bytes outside the signed region */
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

    /* algorithm confusion */
    {"algorithm", "sig-p384-in-p256-slot", alg_p384_sig, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-rsa3072-length-in-p256-slot", alg_rsa_len, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-raw-63-bytes", alg_short_63, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-raw-65-trailing-zero", alg_long_65_trailing, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-raw-65-leading-zero", alg_long_65_leading, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-der-encoded", alg_der, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-der-padded-to-64", alg_der_in_64, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-r-s-swapped", alg_swapped_rs, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-r-s-zero", alg_zero_rs, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-r-equals-n", alg_r_eq_n, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "sig-all-ff", alg_all_ff, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "trusted-record-says-p384", rec_as_p384, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "trusted-record-unknown-alg", rec_bad_alg, HV_ERR_CRYPTO, NOSEC, ANYOFF},
    {"algorithm", "trusted-record-key-short", rec_short_pub, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"algorithm", "p384-image-only-p256-trusted", p384_image_p256_trust, HV_ERR_UNTRUSTED_KEY, NOSEC, ANYOFF},

    /* mix and match */
    {"mix", "core-lifted-from-other-signed-image", mm_lift_core, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"mix", "bootcfg-lifted-from-other-signed-image", mm_lift_bootcfg, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"mix", "metadata-of-one-sections-of-other", mm_meta_a_sections_a2, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"mix", "metadata-of-other-signature-of-one", mm_meta_a2_sig_a, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"mix", "signature-block-of-other-image", mm_sig_block_of_b, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"mix", "sections-swapped", mm_sections_swapped, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"mix", "image-of-other-signer", mm_other_signer, HV_ERR_UNTRUSTED_KEY, NOSEC, ANYOFF},

    /* downgrade, other board or OEM */
    {"downgrade", "rollback-older-signed-image", dg_older, HV_ERR_ROLLBACK, NOSEC, HDR(HV_META_OFF_SECURITY_VERSION)},
    {"downgrade", "rollback-as-built-counter-plus-1", dg_as_built_older, HV_ERR_ROLLBACK, NOSEC, HDR(HV_META_OFF_SECURITY_VERSION)},
    {"downgrade", "rollback-version-0-counter-1", dg_zero, HV_ERR_ROLLBACK, NOSEC, HDR(HV_META_OFF_SECURITY_VERSION)},
    {"downgrade", "rollback-counter-u64-max", dg_counter_max, HV_ERR_ROLLBACK, NOSEC, HDR(HV_META_OFF_SECURITY_VERSION)},
    {"downgrade", "board-not-listed", board_other, HV_ERR_BOARD, NOSEC, HDR(HV_META_FIXED_SIZE)},
    {"downgrade", "board-prefix-of-listed", board_prefix, HV_ERR_BOARD, NOSEC, HDR(HV_META_FIXED_SIZE)},
    {"downgrade", "board-extends-listed", board_longer, HV_ERR_BOARD, NOSEC, HDR(HV_META_FIXED_SIZE)},
    {"downgrade", "board-image-for-other-board", board_image_for_other, HV_ERR_BOARD, NOSEC, HDR(HV_META_FIXED_SIZE)},
    {"downgrade", "board-32-chars-vs-31", board_full_field, HV_ERR_BOARD, NOSEC, HDR(HV_META_FIXED_SIZE)},
    {"downgrade", "oem-other", oem_other, HV_ERR_OEM, NOSEC, HDR(HV_META_OFF_OEM_ID)},
    {"downgrade", "oem-prefix", oem_prefix, HV_ERR_OEM, NOSEC, HDR(HV_META_OFF_OEM_ID)},
    {"downgrade", "oem-extends", oem_longer, HV_ERR_OEM, NOSEC, HDR(HV_META_OFF_OEM_ID)},
    {"downgrade", "oem-image-for-other-oem", oem_image_other, HV_ERR_OEM, NOSEC, HDR(HV_META_OFF_OEM_ID)},
    {"downgrade", "oem-policy-33-chars", oem_over_field, HV_ERR_OEM, NOSEC, HDR(HV_META_OFF_OEM_ID)},

    /* double fetch (and every other row runs on the double-fetch platform) */
    {"double-fetch", "double-fetch-evil-bytes-after-first-read", df_swap_after, HV_OK, NOSEC, NOOFF},
    {"double-fetch", "double-fetch-evil-bytes-first", df_evil_first, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"double-fetch", "double-fetch-header-grows-on-reread", df_header, HV_OK, NOSEC, NOOFF},

    /* fail-open */
    {"fail-open", "no-trusted-keys-null", fo_no_keys, HV_ERR_NO_TRUSTED_KEYS, NOSEC, NOOFF},
    {"fail-open", "no-trusted-keys-count-0", fo_keys_empty, HV_ERR_NO_TRUSTED_KEYS, NOSEC, NOOFF},
    {"fail-open", "empty-signature-block", fo_empty_block, HV_ERR_NO_SIGNATURE, NOSEC, ANYOFF},
    {"fail-open", "empty-signature-block-min-0", fo_empty_block_min0, HV_ERR_NO_SIGNATURE, NOSEC, ANYOFF},
    {"fail-open", "empty-signature-block-one-slot", fo_empty_block_one_slot, HV_ERR_NO_SIGNATURE, NOSEC, ANYOFF},
    {"fail-open", "unsigned-build", fo_unsigned_build, HV_ERR_NO_SIGNATURE, NOSEC, ANYOFF},
    {"fail-open", "required-second-signature-missing", fo_missing_second, HV_ERR_TOO_FEW_SIGNATURES, NOSEC, ANYOFF},
    {"fail-open", "min-signatures-u32-max", fo_min_u32max, HV_ERR_TOO_FEW_SIGNATURES, NOSEC, ANYOFF},
    {"fail-open", "min-signatures-more-than-slots", fo_min_9, HV_ERR_TOO_FEW_SIGNATURES, NOSEC, ANYOFF},
    {"fail-open", "backend-verify-returns-minus-1", fo_verify_m1, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"fail-open", "backend-verify-returns-2", fo_verify_2, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"fail-open", "backend-hash-init-fails", fo_hash_fail, HV_ERR_CRYPTO, NOSEC, 0},
    {"fail-open", "platform-read-fails", fo_read_fail, HV_ERR_IO, NOSEC, 0},
    {"fail-open", "platform-rollback-counter-fails", fo_rollback_fail, HV_ERR_PLATFORM, NOSEC, NOOFF},
    {"fail-open", "platform-board-id-fails", fo_board_fail, HV_ERR_PLATFORM, NOSEC, NOOFF},
    {"fail-open", "platform-memory-null", fo_mem_null, HV_ERR_MEMORY, ANYSEC, ANYOFF},

    /* duplicate signatures */
    {"dup-signatures", "same-signature-twice", dup_same_sig_twice, HV_ERR_SIG_BLOCK, NOSEC, ANYOFF},
    {"dup-signatures", "same-key-two-signatures", dup_same_key_two_sigs, HV_ERR_SIG_BLOCK, NOSEC, ANYOFF},
    {"dup-signatures", "same-key-two-ids-min-2", dup_two_ids_min2, HV_ERR_TOO_FEW_SIGNATURES, NOSEC, ANYOFF},
    {"dup-signatures", "same-key-two-ids-counts-once", dup_two_ids_min1, HV_OK, NOSEC, NOOFF},

    /* decompression bombs */
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

    /* signed images with hostile drivers archives: the verifier vouches for
     * bytes; tests/attack/extract.sh runs `hvimage extract` on them */
    {"extract", "extract-tar-dotdot", ex_dotdot, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-absolute", ex_absolute, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-symlink-out", ex_symlink_out, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-symlink-absolute", ex_symlink_abs, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-hardlink-absolute", ex_hardlink_out, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-hardlink-dotdot", ex_hardlink_dotdot, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-device-nodes", ex_device, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-fifo", ex_fifo, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-setuid", ex_setuid, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-symlinks-inside", ex_symlink_inside, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-extra-named-core.bin", ex_extra_core_bin, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-extra-named-drivers.tar", ex_extra_drivers_tar, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-extra-named-dotdot", ex_extra_dotdot, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-extra-named-dot", ex_extra_dot, HV_OK, NOSEC, NOOFF},
};

#define ROW_COUNT (sizeof rows / sizeof rows[0])

/* ---- main --------------------------------------------------------------- */

static void load_signer(const fixture *f, hv_signer **s)
{
    hv_diag d;
    if (hv_signer_load(f->key_path, s, &d) != 0)
        die(d.msg);
}

static void set_key(size_t i, const hv_pubkey *p, uint32_t alg,
                    const uint8_t *id, size_t pub_len)
{
    hv_trusted_key *r = &KEYS.rec[i];
    memcpy(r->key_id, id ? id : p->key_id, HV_KEY_ID_SIZE);
    r->sig_alg = alg;
    memcpy(KEYS.pub[i], p->pub, p->pub_len);
    r->pub = KEYS.pub[i];
    r->pub_len = pub_len;
}

static void setup_keys(void)
{
    memset(&KEYS, 0, sizeof KEYS);
    set_key(K_A, &FA.pub, FA.pub.sig_alg, NULL, FA.pub.pub_len);
    set_key(K_B, &FB.pub, FB.pub.sig_alg, NULL, FB.pub.pub_len);
    set_key(K_C, &FC.pub, FC.pub.sig_alg, NULL, FC.pub.pub_len);
    /* The alias id: SHA-256 of the key's compressed point, as a platform
     * hashing another encoding of the same key might get. */
    uint8_t comp[33], alias[32];
    comp[0] = (uint8_t)(2 + (FA.pub.pub[64] & 1));
    memcpy(comp + 1, FA.pub.pub + 1, 32);
    hash(HV_DIGEST_SHA256, comp, sizeof comp, alias);
    set_key(K_A_ALIAS, &FA.pub, FA.pub.sig_alg, alias, FA.pub.pub_len);
    set_key(K_A_AS_384, &FA.pub, HV_SIG_ECDSA_P384_SHA384, NULL,
            FA.pub.pub_len);
    set_key(K_A_BADALG, &FA.pub, 99, NULL, FA.pub.pub_len);
    set_key(K_A_SHORT, &FA.pub, FA.pub.sig_alg, NULL, FA.pub.pub_len - 1);
    KEYS.count = K_COUNT;
}

static int write_file(const char *dir, const char *name, const void *p,
                      size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t w = n ? fwrite(p, 1, n, fp) : 0;
    return (fclose(fp) == 0 && w == n) ? 0 : -1;
}

static int copy_file(const char *from, const char *dir, const char *name)
{
    size_t n;
    uint8_t *p = atk_read_file(from, &n);
    int rc = p ? write_file(dir, name, p, n) : -1;
    free(p);
    return rc;
}

static void run_case(const char *cls, const char *name, hv_result expect,
                     uint32_t sec, uint64_t off, void (*craft)(ctx *),
                     const golden_row *g, FILE *cases, const char *emit)
{
    ctx c;
    memset(&c, 0, sizeof c);
    snprintf(c.spec.name, sizeof c.spec.name, "%s", name);
    c.spec.expect = expect;
    c.spec.want_section = sec;
    c.spec.want_offset = off;
    c.spec.exact = 1;
    c.spec.min_sigs = 1;
    snprintf(c.spec.board, sizeof c.spec.board, "%s", FA.board);
    c.spec.keys = KB(K_A);
    if (g)
        golden(&c, g);
    else
        craft(&c);
    if (!c.out)
        die("a crafting function produced no image");
    if (!atk_run(&c.spec, c.out, c.out_len, c.second, &KEYS))
        failures++;
    (void)cls;
    if (cases) {
        char fname[ATK_NAME_MAX + 16];
        snprintf(fname, sizeof fname, "%s.hvi", name);
        if (write_file(emit, fname, c.out, c.out_len) != 0)
            die("cannot write an emitted image");
        if (c.second) {
            snprintf(fname, sizeof fname, "%s.second.hvi", name);
            if (write_file(emit, fname, c.second, c.second_len) != 0)
                die("cannot write an emitted image");
        }
        atk_spec_write(cases, &c.spec);
    }
    img_free(&c.m);
    free(c.out);
    free(c.second);
}

int main(int argc, char **argv)
{
    const char *emit = NULL, *only = NULL;
    int list = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: attack-verify GOLDEN_DIR [--emit DIR] "
                        "[--only SUBSTRING] [--list]\n");
        return 2;
    }
    golden_dir = argv[1];
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--emit") == 0 && i + 1 < argc)
            emit = argv[++i];
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--list") == 0)
            list = 1;
        else
            die("unknown option");
    }
    if (list) {
        for (size_t i = 0; i < ROW_COUNT; i++)
            printf("%-14s %-52s %s\n", rows[i].cls, rows[i].name,
                   hv_result_name(rows[i].expect));
        return 0;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (fixture_build(&FA, HV_SIG_ECDSA_P256_SHA256, 16, 2048) != 0 ||
        fixture_build(&FB, HV_SIG_ECDSA_P256_SHA256, 16, 2048) != 0 ||
        fixture_build(&FC, HV_SIG_ECDSA_P384_SHA384, 16, 2048) != 0)
        die("fixture build failed");
    load_signer(&FA, &SA);
    load_signer(&FB, &SB);
    load_signer(&FC, &SC);
    img_from(&IA, &FA);
    img_from(&IB, &FB);
    img_from(&IC, &FC);
    setup_keys();
    core_plain_len = (size_t)IA.info.sections[0].unpacked_size;
    core_plain = xmalloc(core_plain_len);
    if (ZSTD_decompress(core_plain, core_plain_len, IA.pay[0], IA.plen[0]) !=
        core_plain_len)
        die("fixture core does not decompress");

    FILE *cases = NULL;
    if (emit) {
        char path[4096];
        if (mkdir(emit, 0755) != 0 && errno != EEXIST)
            die("cannot create the emit folder");
        snprintf(path, sizeof path, "%s/keys.txt", emit);
        FILE *kf = fopen(path, "w");
        if (!kf || atk_keys_write(kf, &KEYS) != 0 || fclose(kf) != 0)
            die("cannot write keys.txt");
        snprintf(path, sizeof path, "%s/cases.txt", emit);
        cases = fopen(path, "w");
        if (!cases)
            die("cannot write cases.txt");
        if (copy_file(FA.pub_path, emit, "key-a.pub.pem") != 0 ||
            write_file(emit, "core-a.bin", core_plain, core_plain_len) != 0)
            die("cannot write the key or core");
    }

    size_t ran = 0;
    for (size_t i = 0; i < ROW_COUNT; i++) {
        if (only && !strstr(rows[i].name, only))
            continue;
        run_case(rows[i].cls, rows[i].name, rows[i].expect, rows[i].section,
                 rows[i].offset, rows[i].craft, NULL, cases, emit);
        ran++;
    }

    /* The golden frames in signed images: at the size libzstd produces
     * (whatever it decides then), and one byte off either way (always
     * refused by the verifier's own size check, or as malformed). */
    static hv_workspace ws;
    for (size_t gi = 0; gi < atk_golden_count; gi++) {
        char path[4096];
        size_t n;
        snprintf(path, sizeof path, "%s/%s", golden_dir, atk_goldens[gi].file);
        uint8_t *f = atk_read_file(path, &n);
        if (!f) {
            printf("FAIL golden %s: cannot read %s\n", atk_goldens[gi].file,
                   path);
            failures++;
            continue;
        }
        for (int64_t delta = -1; delta <= 1; delta++) {
            const atk_golden *gd = &atk_goldens[gi];
            if (gd->produced == 0 && delta < 0)
                continue;
            size_t dst = (size_t)((int64_t)gd->produced + delta);
            uint8_t *out = xmalloc(dst + 1);
            hv_result direct =
                hv_zstd_unpack(ws.zstd, sizeof ws.zstd, f, n, out, dst);
            free(out);
            if (delta != 0 && direct == HV_OK) {
                printf("FAIL golden %s accepted at %zu bytes\n", gd->file, dst);
                failures++;
            }
            const char *base = strrchr(gd->file, '/') + 1;
            char name[ATK_NAME_MAX];
            snprintf(name, sizeof name, "golden-%.*s-declared-%s",
                     (int)(strlen(base) - 4), base,
                     delta < 0 ? "minus-1" : delta > 0 ? "plus-1" : "exact");
            if (only && !strstr(name, only))
                continue;
            golden_row g = {gi, delta, direct};
            run_case("golden", name, direct, direct == HV_OK ? NOSEC : ANYSEC,
                     direct == HV_OK ? NOOFF : ANYOFF, NULL, &g, cases, emit);
            ran++;
        }
        free(f);
    }
    if (cases && fclose(cases) != 0)
        die("cannot write cases.txt");

    int gfails = (!only || strstr(only, "golden")) ? atk_golden_direct(golden_dir)
                                                   : 0;
    failures += gfails;
    printf("%zu attack cases, %d failed\n", ran, failures);

    hv_signer_free(SA);
    hv_signer_free(SB);
    hv_signer_free(SC);
    img_free(&IA);
    img_free(&IB);
    img_free(&IC);
    free(core_plain);
    fixture_free(&FA);
    fixture_free(&FB);
    fixture_free(&FC);
    return failures != 0 || ran == 0;
}
