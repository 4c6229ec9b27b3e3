/*
 * attack-verify, one attack family (the suite: attack-verify.c, the crafter:
 * atk_craft.h).
 *
 * Mix and match between validly signed images, and the double fetch: bytes
 * that change between two reads of the platform.
 */
#include <stdlib.h>
#include <string.h>

#include "atk_craft.h"

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
    /* Version 2: the tables stay, so the first chunk is what differs. */
    want(c, 0, sec_data(c, 0));
}
static void mm_other_signer(ctx *c)
{
    c->out = dup_bytes(FB.image, FB.image_len);
    c->out_len = FB.image_len;
    c->spec.region = c->out_len;
    c->spec.keys = KB(K_A);
    want(c, NOSEC, ANYOFF);
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

/* ---- the cases ---------------------------------------------------------- */

const atk_row atk_rows_mix[] = {
    {"mix", "core-lifted-from-other-signed-image", mm_lift_core, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"mix", "bootcfg-lifted-from-other-signed-image", mm_lift_bootcfg, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"mix", "metadata-of-one-sections-of-other", mm_meta_a_sections_a2, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"mix", "metadata-of-other-signature-of-one", mm_meta_a2_sig_a, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"mix", "signature-block-of-other-image", mm_sig_block_of_b, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"mix", "sections-swapped", mm_sections_swapped, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"mix", "image-of-other-signer", mm_other_signer, HV_ERR_UNTRUSTED_KEY, NOSEC, ANYOFF},
    {"double-fetch", "double-fetch-evil-bytes-after-first-read", df_swap_after, HV_OK, NOSEC, NOOFF},
    {"double-fetch", "double-fetch-evil-bytes-first", df_evil_first, HV_ERR_DIGEST, ANYSEC, ANYOFF},
    {"double-fetch", "double-fetch-header-grows-on-reread", df_header, HV_OK, NOSEC, NOOFF},
};
const size_t atk_rows_mix_count =
    sizeof atk_rows_mix / sizeof atk_rows_mix[0];
