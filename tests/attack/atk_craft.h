/*
 * The image crafter of the verifier attack suite (attack-verify). Every case
 * starts from a valid image that the real builder made in-process
 * (tests/verify/fixture.c), edits an image model of it (header, metadata,
 * sections), encodes, signs and lays it out, then may rewrite the bytes.
 * The attack families (attack-verify-*.c) each hold their crafting functions
 * and a table of cases; attack-verify.c runs them all on the hostile
 * platform of atk_common.c.
 *
 * Needs the host side (builder, signing, libzstd): the 32-bit runner uses
 * atk_common.c alone, on the images attack-verify --emit writes.
 */
#ifndef HV_ATK_CRAFT_H
#define HV_ATK_CRAFT_H

#include <stddef.h>
#include <stdint.h>

#include "atk_common.h"
#include "fixture.h"
#include "signing.h"

/* want_section / want_offset of a case: none, or anything. */
#define NOSEC UINT32_MAX
#define ANYSEC ATK_ANY32
#define NOOFF UINT64_MAX
#define ANYOFF ATK_ANY64
/* Largest image c_emit() lays out in memory. */
#define MAX_OUT (UINT64_C(64) << 20)
#define TBS_BUF 8192
#define MAX_SLOTS_BUF 16u
/* The byte offset |off| of the metadata. */
#define HDR(off) HV_HEADER_SIZE + (off)

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

/* A section's stored bytes are pay[i]; in format version 2 its chunk table
 * tab[i] (tlen[i] bytes, img_layout() computes it) comes first, at the
 * section's offset, and the stored bytes follow it. */
typedef struct img {
    hv_image_info info;
    uint8_t *pay[HV_MAX_SECTIONS];
    size_t plen[HV_MAX_SECTIONS];
    uint8_t *tab[HV_MAX_SECTIONS];
    size_t tlen[HV_MAX_SECTIONS];
} img;

/* One case being crafted: its spec (what must come out), the model, the
 * encoded header || metadata, the signature block and the emitted bytes. */
typedef struct ctx {
    atk_spec spec;
    img m;
    uint8_t tbs[TBS_BUF];
    size_t tbs_len;
    uint8_t block[MAX_SLOTS_BUF * HV_SIG_SLOT_SIZE];
    uint8_t *out;
    size_t out_len;
    uint8_t *second; /* later reads' bytes, with ATK_M_SECOND */
    size_t second_len;
} ctx;

/* One case of a family's table. */
typedef struct atk_row {
    const char *cls;  /* attack class, as ATTACKS.md's appendix groups it */
    const char *name; /* the case's name, named after the attack          */
    void (*craft)(ctx *c);
    hv_result expect;
    uint32_t section; /* NOSEC, ANYSEC or the failing section            */
    uint64_t offset;  /* NOOFF, ANYOFF or the failing byte offset        */
} atk_row;

/* Fixtures A, B (P-256) and C (P-384), their signers, their images as
 * models, the trusted key table, and fixture A's core unpacked. Set by
 * atk_craft_setup(). */
extern fixture FA, FB, FC;
extern hv_signer *SA, *SB, *SC;
extern img IA, IB, IC;
extern atk_keys KEYS;
extern uint8_t *core_plain;
extern size_t core_plain_len;

void atk_craft_setup(void);
void atk_craft_teardown(void);

/* ---- helpers ----------------------------------------------------------- */

/* Print |what| and exit 2: the harness broke, not the verifier. */
void die(const char *what);
void *xmalloc(size_t n);
uint8_t *dup_bytes(const void *p, size_t n);
void put32(uint8_t *p, uint32_t v);
void put64(uint8_t *p, uint64_t v);
uint32_t get32(const uint8_t *p);
uint64_t get64(const uint8_t *p);
/* Digest with the boot library's BearSSL backend. */
void hash(uint32_t alg, const void *p, size_t n, uint8_t *out);

/* ---- the model --------------------------------------------------------- */

void img_free(img *m);
void img_copy(img *dst, const img *src);
void img_from(img *m, const fixture *f);
/* Place sections by the layout rule, set sizes, chunk tables (version 2)
 * and digests. */
void img_layout(img *m);
/* Section |i|'s chunk table from its stored bytes, and its digest (the
 * table's); version 2 only. A table too large to make (absurd declared
 * sizes the parser refuses first) is left empty. */
void img_table(img *m, uint32_t i);
/* Turn the model into format version 1 (no chunk tables) or 2 with chunks
 * of 1 << |chunk_log2| bytes, and lay it out again. */
void img_format(img *m, uint32_t version, uint32_t chunk_log2);
/* Insert a section keeping (type, name) order; payload copied. Returns its
 * index. */
uint32_t img_add(img *m, uint32_t type, uint32_t comp, const char *name,
                 const void *p, size_t n, uint64_t unpacked);
void img_set(img *m, uint32_t i, const void *p, size_t n);
/* Remove section |i| (the model is not laid out again). */
void img_remove(img *m, uint32_t i);

/* ---- crafting steps ---------------------------------------------------- */

void c_load(ctx *c, const img *src);
/* The usual start: fixture A, laid out again (offsets as built). */
void c_std(ctx *c);
/* Fixture A in format version 1, whatever the run's format. */
void c_std_v1(ctx *c);
/* Version 2 only: chunks of 1 << |log2| bytes, laid out again (the builder
 * picks larger chunks for larger sections). No-op in version 1. */
void c_chunks(ctx *c, uint32_t log2);
/* Encode the model's header || metadata into c->tbs. */
void c_encode(ctx *c);
uint32_t c_slots(const ctx *c);
/* Sign c->tbs with |s| into the next free slot, under |id| (NULL: the
 * signer's own key id). */
void sign_into(ctx *c, hv_signer *s, const uint8_t *id);
/* Signature block with one signature per signer (NULL-terminated). */
void c_sign_with(ctx *c, hv_signer *const *signers);
/* Signature block with fixture A's signature. */
void c_sign(ctx *c);
uint64_t block_off(const ctx *c);
uint64_t slot_off(const ctx *c, uint32_t i);
uint8_t *slot(ctx *c, uint32_t i);
/* Lay out header || metadata (as signed), the block and every section at
 * the offset its entry names; the length is header.image_size. */
void c_emit(ctx *c);
/* Encode, sign with A, emit. */
void c_finish(ctx *c);
/* After editing the encoded TBS: sign it as it is, then emit. */
void c_resign(ctx *c);
void c_append(ctx *c, const void *p, size_t n);
/* The encoded metadata, and section entry |i| in it. */
uint8_t *meta(ctx *c);
uint8_t *entry(ctx *c, uint32_t i);
void want(ctx *c, uint32_t sec, uint64_t off);
/* The same, for crafting functions shared with rows that expect HV_OK. */
void want_fail(ctx *c, uint32_t sec, uint64_t off);
/* Keep the (now misplaced) sections out of the emitted bytes. */
void c_no_sections(ctx *c);
/* Section |i|'s offset after c_std(). */
uint64_t sec_off(const ctx *c, uint32_t i);
/* Where section |i|'s stored bytes start: its offset, after its chunk table
 * in version 2. */
uint64_t sec_data(const ctx *c, uint32_t i);

/* The format the families' images are crafted in (attack-verify
 * --format-version; 2 unless told). Fixtures, models and controls follow
 * it; the v2 family needs 2. */
extern uint32_t atk_format;

/* ---- zstd and ustar ---------------------------------------------------- */

/* Compress |n| bytes (level 3), with or without content size and checksum;
 * malloc'd. */
uint8_t *zc(const void *src, size_t n, int fcs, int checksum,
            size_t *out_len);
/* An extra section |name| as a zstd frame of |n| bytes, declared
 * |declared| bytes unpacked. Returns its index. */
uint32_t add_zstd_extra(ctx *c, const char *name, size_t n, int fcs,
                        uint64_t declared);
/* A hand-made frame in an extra section declared |declared| bytes. */
void frame(ctx *c, const uint8_t *f, size_t n, uint64_t declared);

typedef struct tarbuf {
    uint8_t *p;
    size_t len, cap;
} tarbuf;
void tb_grow(tarbuf *t, size_t n);
/* One entry by the product's header encoder (hv_tar_header), hostile
 * names and types as given; |data| NUL-terminated or NULL. */
void tb_entry(tarbuf *t, const char *name, char type, unsigned mode,
              const char *data, const char *link);
void tb_end(tarbuf *t);
/* A signed image whose drivers section is |t| (stored); frees |t|. */
void c_drivers(ctx *c, tarbuf *t);

/* ---- images more than one family starts from ---------------------------- */

void ok_as_built(ctx *c);
void ok_recrafted(ctx *c);
void ok_two_signers(ctx *c);
void ok_p384(ctx *c);
void ok_uncompressed_core(ctx *c);
void ok_entry_last_byte(ctx *c);
void ok_rollback_equal_max(ctx *c);
/* Fill up to |sections| sections with extras and |boards| boards. */
void fill(ctx *c, uint32_t sections, uint32_t boards, uint32_t slots);
/* Fixture A plus a one-byte extra section called |name|. */
void extra_named(ctx *c, const char *name);

/* ---- the case tables, one per family file ------------------------------ */

#define ATK_FAMILY(f)                                                          \
    extern const atk_row atk_rows_##f[];                                       \
    extern const size_t atk_rows_##f##_count
ATK_FAMILY(control);   /* atk_craft.c                */
ATK_FAMILY(bounds);    /* attack-verify-bounds.c     */
ATK_FAMILY(metadata);  /* attack-verify-metadata.c   */
ATK_FAMILY(ceiling);   /* attack-verify-ceiling.c    */
ATK_FAMILY(unsigned);  /* attack-verify-unsigned.c   */
ATK_FAMILY(signature); /* attack-verify-signature.c  */
ATK_FAMILY(mix);       /* attack-verify-mix.c        */
ATK_FAMILY(policy);    /* attack-verify-policy.c     */
ATK_FAMILY(zstd);      /* attack-verify-zstd.c       */
ATK_FAMILY(extract);   /* attack-verify-extract.c    */
ATK_FAMILY(chunks);    /* attack-verify-chunks.c     */
#undef ATK_FAMILY

#endif
