/*
 * The image crafter of the verifier attack suite (attack-verify): the
 * fixtures and keys every case starts from, an editable image model, the
 * steps that encode, sign, lay out and emit an image, zstd and ustar
 * helpers, and the control cases that show this machinery yields images the
 * verifier accepts. The attack families (attack-verify-*.c) craft their
 * cases with it; atk_craft.h says what each piece does.
 */
#ifndef ZSTD_STATIC_LINKING_ONLY
#define ZSTD_STATIC_LINKING_ONLY
#endif
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "atk_craft.h"
#include "drivers.h"
#include "encode.h"

fixture FA, FB, FC;
hv_signer *SA, *SB, *SC;
img IA, IB, IC;
atk_keys KEYS;
uint8_t *core_plain;
size_t core_plain_len;
uint32_t atk_format = HV_FORMAT_VERSION_2;

void die(const char *what)
{
    fprintf(stderr, "attack-verify: %s\n", what);
    exit(2);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

uint8_t *dup_bytes(const void *p, size_t n)
{
    uint8_t *d = xmalloc(n);
    memcpy(d, n ? p : (const void *)d, n);
    return d;
}

void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

void hash(uint32_t alg, const void *p, size_t n, uint8_t *out)
{
    hv_hash_ctx h;
    if (hv_crypto_bearssl.hash_init(&h, alg) != 0)
        die("hash_init");
    hv_crypto_bearssl.hash_update(&h, p, n);
    hv_crypto_bearssl.hash_final(&h, out);
}

void img_free(img *m)
{
    for (uint32_t i = 0; i < HV_MAX_SECTIONS; i++) {
        free(m->pay[i]);
        free(m->tab[i]);
    }
    memset(m, 0, sizeof *m);
}

void img_copy(img *dst, const img *src)
{
    img_free(dst);
    dst->info = src->info;
    for (uint32_t i = 0; i < src->info.section_count; i++) {
        dst->pay[i] = dup_bytes(src->pay[i], src->plen[i]);
        dst->plen[i] = src->plen[i];
        dst->tab[i] = dup_bytes(src->tab[i], src->tlen[i]);
        dst->tlen[i] = src->tlen[i];
    }
}

void img_from(img *m, const fixture *f)
{
    memset(m, 0, sizeof *m);
    uint32_t meta = get32(f->image + HV_HDR_OFF_METADATA_SIZE);
    if (hv_parse_metadata(f->image, HV_HEADER_SIZE + meta, &m->info) != HV_OK)
        die("fixture image does not parse");
    for (uint32_t i = 0; i < m->info.section_count; i++) {
        const hv_section *s = &m->info.sections[i];
        m->pay[i] = dup_bytes(f->image + s->data_offset,
                              (size_t)s->stored_size);
        m->plen[i] = (size_t)s->stored_size;
        m->tab[i] = dup_bytes(f->image + s->offset, (size_t)s->table_size);
        m->tlen[i] = (size_t)s->table_size;
    }
}

/* Larger tables are not made: only absurd declared sizes need them, and
 * the parser refuses those before it sizes a table. */
#define TABLE_MAKE_MAX ((size_t)4 << 20)

void img_table(img *m, uint32_t i)
{
    hv_image_info *in = &m->info;
    hv_section *s = &in->sections[i];
    free(m->tab[i]);
    m->tab[i] = NULL;
    m->tlen[i] = 0;
    s->table_size = 0;
    memset(s->digest, 0, sizeof s->digest);
    if (in->chunk_log2 == 0 || in->chunk_log2 > 40) {
        hash(in->digest_alg, m->pay[i], m->plen[i], s->digest);
        return;
    }
    size_t dsize = hv_digest_size(in->digest_alg);
    uint64_t entries = s->unpacked_size <= HV_MAX_UNPACKED_SIZE
                           ? hv_chunk_entries(s->compression, s->unpacked_size,
                                              in->chunk_log2)
                           : 0;
    if (dsize == 0 || entries > TABLE_MAKE_MAX / dsize)
        entries = 0;
    size_t tlen = (size_t)entries * dsize;
    uint8_t *t = calloc(tlen + 1, 1);
    if (!t)
        die("out of memory");
    size_t chunk = (size_t)1 << in->chunk_log2;
    for (size_t off = 0, e = 0; off < m->plen[i] && e < entries;
         off += chunk, e++)
        hash(in->digest_alg, m->pay[i] + off,
             m->plen[i] - off < chunk ? m->plen[i] - off : chunk,
             t + e * dsize);
    m->tab[i] = t;
    m->tlen[i] = tlen;
    s->table_size = tlen;
    hash(in->digest_alg, t, tlen, s->digest);
}

void img_format(img *m, uint32_t version, uint32_t chunk_log2)
{
    m->info.header.format_version = version;
    m->info.chunk_log2 = version == HV_FORMAT_VERSION_1 ? 0 : chunk_log2;
    img_layout(m);
}

/* Place sections by the layout rule, set sizes and digests. */
void img_layout(img *m)
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
        img_table(m, i);
        s->data_offset = s->offset + m->tlen[i];
        pos = s->data_offset + s->stored_size;
    }
    in->header.image_size = pos;
}

/* Insert a section keeping (type, name) order; payload copied. */
uint32_t img_add(img *m, uint32_t type, uint32_t comp, const char *name,
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

void img_remove(img *m, uint32_t i)
{
    hv_image_info *in = &m->info;
    if (i >= in->section_count)
        die("no such section");
    free(m->pay[i]);
    free(m->tab[i]);
    uint32_t rest = in->section_count - i - 1;
    memmove(&in->sections[i], &in->sections[i + 1], rest * sizeof in->sections[0]);
    memmove(&m->pay[i], &m->pay[i + 1], rest * sizeof m->pay[0]);
    memmove(&m->plen[i], &m->plen[i + 1], rest * sizeof m->plen[0]);
    memmove(&m->tab[i], &m->tab[i + 1], rest * sizeof m->tab[0]);
    memmove(&m->tlen[i], &m->tlen[i + 1], rest * sizeof m->tlen[0]);
    in->section_count--;
    m->pay[in->section_count] = NULL;
    m->tab[in->section_count] = NULL;
    m->plen[in->section_count] = 0;
    m->tlen[in->section_count] = 0;
}

void img_set(img *m, uint32_t i, const void *p, size_t n)
{
    free(m->pay[i]);
    m->pay[i] = dup_bytes(p, n);
    m->plen[i] = n;
}

/* ---- crafting steps ----------------------------------------------------- */

void c_load(ctx *c, const img *src)
{
    img_copy(&c->m, src);
}

/* The usual start: fixture A, laid out again (offsets as built). */
void c_std(ctx *c)
{
    c_load(c, &IA);
    img_layout(&c->m);
}

void c_std_v1(ctx *c)
{
    c_load(c, &IA);
    img_format(&c->m, HV_FORMAT_VERSION_1, 0);
}

void c_chunks(ctx *c, uint32_t log2)
{
    if (c->m.info.chunk_log2 == 0)
        return;
    c->m.info.chunk_log2 = log2;
    img_layout(&c->m);
}

void c_encode(ctx *c)
{
    c->tbs_len = hv_encode_tbs(&c->m.info, c->tbs);
}

uint32_t c_slots(const ctx *c)
{
    uint32_t n = get32(c->tbs + HV_HDR_OFF_SIGNATURE_SLOTS);
    return n < 1 ? 1 : n > MAX_SLOTS_BUF ? MAX_SLOTS_BUF : n;
}

void sign_into(ctx *c, hv_signer *s, const uint8_t *id)
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
void c_sign_with(ctx *c, hv_signer *const *signers)
{
    memset(c->block, 0, sizeof c->block);
    for (; *signers; signers++)
        sign_into(c, *signers, NULL);
}

void c_sign(ctx *c)
{
    hv_signer *const a[] = {SA, NULL};
    c_sign_with(c, a);
}

uint64_t block_off(const ctx *c)
{
    return c->tbs_len;
}

uint64_t slot_off(const ctx *c, uint32_t i)
{
    return c->tbs_len + (uint64_t)i * HV_SIG_SLOT_SIZE;
}

uint8_t *slot(ctx *c, uint32_t i)
{
    return c->block + (size_t)i * HV_SIG_SLOT_SIZE;
}

/* Lay out header || metadata (as signed), the block and every section
 * at the offset its entry names; the length is header.image_size. */
void c_emit(ctx *c)
{
    uint64_t isz = get64(c->tbs + HV_HDR_OFF_IMAGE_SIZE);
    uint64_t natural = c->tbs_len + (uint64_t)c_slots(c) * HV_SIG_SLOT_SIZE;
    const hv_image_info *in = &c->m.info;
    uint32_t count = in->section_count;
    for (uint32_t i = 0; i < count; i++) {
        uint64_t end = in->sections[i].offset + c->m.tlen[i] + c->m.plen[i];
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
        if (off > n || c->m.tlen[i] > n - off)
            continue;
        if (c->m.tlen[i]) /* version 1: no table (tab NULL) */
            memcpy(c->out + off, c->m.tab[i], c->m.tlen[i]);
        off += c->m.tlen[i];
        if (c->m.plen[i] <= n - off)
            memcpy(c->out + off, c->m.pay[i], c->m.plen[i]);
    }
    c->spec.region = c->out_len;
}

void c_finish(ctx *c)
{
    c_encode(c);
    c_sign(c);
    c_emit(c);
}

/* After editing the encoded TBS: sign it as it is, then emit. */
void c_resign(ctx *c)
{
    c_sign(c);
    c_emit(c);
}

void c_append(ctx *c, const void *p, size_t n)
{
    c->out = realloc(c->out, c->out_len + n + 1);
    if (!c->out)
        die("out of memory");
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
    c->spec.region = c->out_len;
}

uint8_t *meta(ctx *c)
{
    return c->tbs + HV_HEADER_SIZE;
}

uint8_t *entry(ctx *c, uint32_t i)
{
    return meta(c) + HV_META_FIXED_SIZE + (size_t)i * HV_SECTION_ENTRY_SIZE;
}

void want(ctx *c, uint32_t sec, uint64_t off)
{
    c->spec.want_section = sec;
    c->spec.want_offset = off;
}

/* The same, for crafting functions shared with rows that expect HV_OK. */
void want_fail(ctx *c, uint32_t sec, uint64_t off)
{
    if (c->spec.expect != HV_OK && c->spec.want_section == ANYSEC)
        want(c, sec, off);
}

/* Keep the (now misplaced) sections out of the emitted bytes, for
 * metadata spliced by hand: they would land on the signature block. */
void c_no_sections(ctx *c)
{
    for (uint32_t i = 0; i < c->m.info.section_count; i++)
        c->m.plen[i] = c->m.tlen[i] = 0;
}

/* Section |i|'s offset after c_std(). */
uint64_t sec_off(const ctx *c, uint32_t i)
{
    return c->m.info.sections[i].offset;
}

uint64_t sec_data(const ctx *c, uint32_t i)
{
    return c->m.info.sections[i].offset + c->m.tlen[i];
}

/* ---- zstd helpers ------------------------------------------------------- */

uint8_t *zc(const void *src, size_t n, int fcs, int checksum,
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
uint32_t add_zstd_extra(ctx *c, const char *name, size_t n, int fcs,
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

void tb_grow(tarbuf *t, size_t n)
{
    if (t->len + n > t->cap) {
        t->cap = (t->len + n) * 2;
        t->p = realloc(t->p, t->cap);
        if (!t->p)
            die("out of memory");
    }
}

/* One entry by the product's header encoder (hv_tar_header,
 * mkimage/drivers/drivers.h), which writes hostile names and types as
 * given; device nodes get numbers 1, 3 (/dev/null's). */
void tb_entry(tarbuf *t, const char *name, char type, unsigned mode,
              const char *data, const char *link)
{
    size_t n = data ? strlen(data) : 0;
    tb_grow(t, HV_TAR_BLOCK + ((n + 511) & ~(size_t)511));
    uint8_t *h = t->p + t->len;
    hv_diag d;
    if (hv_tar_header(h, name, type, mode, n, 1700000000u, link, &d) != 0)
        die(d.msg);
    if (type == '3' || type == '4') {
        snprintf((char *)h + 329, 8, "%07o", 1u); /* devmajor */
        snprintf((char *)h + 337, 8, "%07o", 3u); /* devminor */
        hv_tar_checksum(h);
    }
    t->len += HV_TAR_BLOCK;
    if (n) {
        memset(t->p + t->len, 0, (n + 511) & ~(size_t)511);
        memcpy(t->p + t->len, data, n);
        t->len += (n + 511) & ~(size_t)511;
    }
}

void tb_end(tarbuf *t)
{
    tb_grow(t, 1024);
    memset(t->p + t->len, 0, 1024);
    t->len += 1024;
}

/* A signed image whose drivers section is |t| (stored uncompressed):
 * the verifier accepts it (it vouches for bytes, not for tar semantics);
 * what `hvimage extract` does with it is tests/attack/extract.sh's part. */
void c_drivers(ctx *c, tarbuf *t)
{
    c_load(c, &IA);
    img_add(&c->m, HV_SECTION_DRIVERS, HV_COMPRESSION_NONE, "drivers", t->p,
            t->len, t->len);
    img_layout(&c->m);
    c_finish(c);
    free(t->p);
}

/* ---- controls: the crafting machinery itself yields valid images ------- */

void ok_as_built(ctx *c)
{
    c->out = dup_bytes(FA.image, FA.image_len);
    c->out_len = FA.image_len;
    c->spec.region = c->out_len;
    c->spec.want_signers = 1;
}

void ok_recrafted(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.want_signers = 1;
}

void ok_two_signers(ctx *c)
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

void ok_p384(ctx *c)
{
    c_load(c, &IC);
    img_layout(&c->m);
    c_encode(c);
    hv_signer *const s[] = {SC, NULL};
    c_sign_with(c, s);
    c_emit(c);
    c->spec.keys = KB(K_C);
}

void ok_uncompressed_core(ctx *c)
{
    c_std(c);
    c->m.info.sections[0].compression = HV_COMPRESSION_NONE;
    img_set(&c->m, 0, core_plain, core_plain_len);
    img_layout(&c->m);
    c_finish(c);
}

void ok_entry_last_byte(ctx *c)
{
    c_std(c);
    hv_section *s = &c->m.info.sections[0];
    s->entry_point = s->load_address + s->unpacked_size - 1;
    c_finish(c);
}

void ok_rollback_equal_max(ctx *c)
{
    c_std(c);
    c->m.info.security_version = UINT64_MAX;
    c_finish(c);
    c->spec.rollback = UINT64_MAX;
}

/* ---- helpers shared by several attack families ------------------------ */

/* Fill up to |sections| sections with extras and |boards| boards. */
void fill(ctx *c, uint32_t sections, uint32_t boards, uint32_t slots)
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

void extra_named(ctx *c, const char *name)
{
    c_std(c);
    img_add(&c->m, HV_SECTION_EXTRA, HV_COMPRESSION_NONE, name, "a", 1, 1);
    img_layout(&c->m);
    c_finish(c);
}

/* A hand-made frame in an extra section declared |declared| bytes. */
void frame(ctx *c, const uint8_t *f, size_t n, uint64_t declared)
{
    c_std(c);
    uint32_t at = img_add(&c->m, HV_SECTION_EXTRA, HV_COMPRESSION_ZSTD, "frame",
                          f, n, declared);
    img_layout(&c->m);
    c_finish(c);
    want_fail(c, at, sec_data(c, at));
}

/* ---- set-up ------------------------------------------------------------ */

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

/* see atk_craft.h */
void atk_craft_setup(void)
{
    if (fixture_build_format(&FA, HV_SIG_ECDSA_P256_SHA256, 16, 2048,
                             atk_format) != 0 ||
        fixture_build_format(&FB, HV_SIG_ECDSA_P256_SHA256, 16, 2048,
                             atk_format) != 0 ||
        fixture_build_format(&FC, HV_SIG_ECDSA_P384_SHA384, 16, 2048,
                             atk_format) != 0)
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
}

/* see atk_craft.h */
void atk_craft_teardown(void)
{
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
}

/* ---- the control cases -------------------------------------------------- */

const atk_row atk_rows_control[] = {
    {"control", "control-as-built", ok_as_built, HV_OK, NOSEC, NOOFF},
    {"control", "control-recrafted-resigned", ok_recrafted, HV_OK, NOSEC, NOOFF},
    {"control", "control-two-signers-min-2", ok_two_signers, HV_OK, NOSEC, NOOFF},
    {"control", "control-p384-image", ok_p384, HV_OK, NOSEC, NOOFF},
    {"control", "control-uncompressed-core", ok_uncompressed_core, HV_OK, NOSEC, NOOFF},
    {"control", "control-entry-point-last-byte", ok_entry_last_byte, HV_OK, NOSEC, NOOFF},
    {"control", "control-security-version-max", ok_rollback_equal_max, HV_OK, NOSEC, NOOFF},
};
const size_t atk_rows_control_count =
    sizeof atk_rows_control / sizeof atk_rows_control[0];
