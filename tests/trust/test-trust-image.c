/*
 * The trust block inside an image: its binding (header.trust_size and the
 * metadata's trust_digest, both signed), which policy wants one (a device
 * with roots refuses an image without; a device with direct keys checks a
 * block's binding and structure only), the policy's roots themselves, and
 * the mutation check: every byte of a good image's trust block flipped,
 * one at a time, must be refused, by hv_verify with the image as it is and
 * by hv_trust_block_verify on the block alone (where the image's own
 * signature no longer guards it).
 */
#include <stdlib.h>
#include <string.h>

#include "hvimage/codec.h"
#include "check.h"
#include "tcases.h"

static const tkey *SIGNER[1];

static void flip_digest(uint8_t *tbs, size_t len)
{
    (void)len;
    tbs[HV_HEADER_SIZE + HV_META_OFF_TRUST_DIGEST + 5] ^= 0x01;
}

static void zero_digest(uint8_t *tbs, size_t len)
{
    (void)len;
    memset(tbs + HV_HEADER_SIZE + HV_META_OFF_TRUST_DIGEST, 0,
           HV_DIGEST_MAX_SIZE);
}

static void digest_tail(uint8_t *tbs, size_t len)
{
    (void)len;
    /* SHA-256 uses 32 of the 48 bytes; the rest must stay zero. */
    tbs[HV_HEADER_SIZE + HV_META_OFF_TRUST_DIGEST + 40] = 1;
}

static void binding(void)
{
    hv_policy pol = dev_policy();
    hv_verdict v;
    tbuf b = {0};
    good_block(&b);
    timg m;

    CASE("binding: good image");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    EXPECT(tverify(&m, &pol, &v), HV_OK);
    CHECK_MSG(v.trust.present && v.trust.verified && v.trust.root_count == 1 &&
                  v.trust.keyring_version == 1 && v.signers == 1 &&
                  memcmp(v.signer_ids[0], I1.id, 32) == 0,
              "%s: verdict", case_name);
    timg_free(&m);

    CASE("binding: trust digest one bit off");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, flip_digest);
    EXPECT(tverify(&m, &pol, &v), HV_ERR_TRUST_BLOCK);
    timg_free(&m);

    CASE("binding: trust digest all zero with a block");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, zero_digest);
    EXPECT(tverify(&m, &pol, &v), HV_ERR_METADATA);
    timg_free(&m);

    CASE("binding: trust digest's unused bytes non-zero");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, digest_tail);
    EXPECT(tverify(&m, &pol, &v), HV_ERR_METADATA);
    timg_free(&m);

    /* Another valid block of the same size swapped in: the one the image
     * was signed with had I1 at epoch 1; the swapped one at epoch 5. */
    CASE("binding: another valid block of the same size");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    {
        tbuf b2 = {0};
        static tdoc d;
        const tkey *s[2] = {&R1[0], &R1[1]};
        root_doc(&d, 1, R1, 2, s, 2);
        tbuf_doc(&b2, &d);
        tent e[2] = {ent(&I1, 5), ent(&I2, 1)};
        tdoc_keyring(&d, 1, 1, 0, e, 2, 2);
        tdoc_sign(&d, s, 2);
        tbuf_doc(&b2, &d);
        if (b2.len != b.len)
            tdie("blocks differ in size");
        EXPECT(tblock(b2.p, b2.len, &pol, &v.trust), HV_OK);
        memcpy(m.p + m.block_off, b2.p, b2.len);
        EXPECT(tverify(&m, &pol, &v), HV_ERR_TRUST_BLOCK);
        tbuf_free(&b2);
    }
    timg_free(&m);

    /* header.trust_size larger than the block: the image re-laid out for
     * 16 more bytes (zeros the digest covers), so sizes agree. */
    CASE("binding: trust_size covers 16 zero bytes more");
    {
        tbuf b3 = {0};
        tbuf_add(&b3, b.p, b.len);
        static const uint8_t z[16];
        tbuf_add(&b3, z, sizeof z);
        timg_make(&m, b3.p, b3.len, 1, SIGNER, 1, 2, NULL);
        EXPECT(tverify(&m, &pol, &v), HV_ERR_TRUST_BLOCK);
        timg_free(&m);
        tbuf_free(&b3);
    }

    /* trust_size edited in the header after the fact: the image's layout
     * no longer matches, and the header is signed. */
    CASE("binding: trust_size edited, not re-signed");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    hv_put_le32(m.p + HV_HDR_OFF_TRUST_SIZE, (uint32_t)b.len - 552);
    /* The block is verified before the image's signatures (they need its
     * keyring), so the short block is what is refused first. */
    EXPECT(tverify(&m, &pol, &v), HV_ERR_TRUST_BLOCK);
    timg_free(&m);

    CASE("binding: trust_size edited and re-signed");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    hv_put_le32(m.p + HV_HDR_OFF_TRUST_SIZE, (uint32_t)b.len - 552);
    timg_resign(&m, SIGNER, 1);
    /* The verifier reads the block at the size the header gives: the
     * keyring is one slot short. */
    EXPECT(tverify(&m, &pol, &v), HV_ERR_TRUST_BLOCK);
    timg_free(&m);

    CASE("binding: trust_size below the minimum");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    hv_put_le32(m.p + HV_HDR_OFF_TRUST_SIZE, HV_MIN_TRUST_BLOCK_SIZE - 1);
    timg_resign(&m, SIGNER, 1);
    EXPECT(tverify(&m, &pol, &v), HV_ERR_HEADER);
    timg_free(&m);

    CASE("binding: trust_size above the maximum");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    hv_put_le32(m.p + HV_HDR_OFF_TRUST_SIZE, HV_MAX_TRUST_BLOCK_SIZE + 1);
    timg_resign(&m, SIGNER, 1);
    EXPECT(tverify(&m, &pol, &v), HV_ERR_HEADER);
    timg_free(&m);

    /* A version 1 image had these header bytes reserved. */
    CASE("binding: trust_size in a format version 1 header");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    hv_put_le32(m.p + HV_HDR_OFF_FORMAT_VERSION, HV_FORMAT_VERSION_1);
    timg_resign(&m, SIGNER, 1);
    EXPECT(tverify(&m, &pol, &v), HV_ERR_HEADER);
    timg_free(&m);

    /* The block's bytes without the binding: trust_size 0 and digest 0,
     * the sections placed after the block anyway. */
    CASE("binding: block present, trust_size and digest zero");
    timg_make(&m, b.p, b.len, 0, SIGNER, 1, 2, NULL);
    EXPECT(tverify(&m, &pol, &v), HV_ERR_NO_TRUST_BLOCK);
    timg_free(&m);

    CASE("binding: block present, trust_size and digest zero, keys device");
    timg_make(&m, b.p, b.len, 0, SIGNER, 1, 2, NULL);
    {
        hv_trusted_key tk = {.sig_alg = I1.alg, .pub = I1.pub,
                             .pub_len = I1.pub_len};
        memcpy(tk.key_id, I1.id, HV_KEY_ID_SIZE);
        hv_policy v1 = tpolicy(NULL, 0, 1);
        v1.keys = &tk;
        v1.key_count = 1;
        /* The block's bytes are where the first section should start. */
        EXPECT(tverify(&m, &v1, &v), HV_ERR_LAYOUT);
    }
    timg_free(&m);
    tbuf_free(&b);
}

static hv_trusted_key trusted(const tkey *k)
{
    hv_trusted_key t = {.sig_alg = k->alg, .pub = k->pub,
                        .pub_len = k->pub_len};
    memcpy(t.key_id, k->id, HV_KEY_ID_SIZE);
    return t;
}

static void policies(void)
{
    hv_verdict v;
    tbuf b = {0};
    good_block(&b);
    timg m;

    CASE("v2 device: image without a trust block");
    timg_make(&m, NULL, 0, 1, SIGNER, 1, 2, NULL);
    hv_policy pol = dev_policy();
    EXPECT(tverify(&m, &pol, &v), HV_ERR_NO_TRUST_BLOCK);
    timg_free(&m);

    CASE("v2 device: the builder's image, no trust block");
    {
        timg as_built = {.p = F.image, .len = F.image_len};
        EXPECT(tverify(&as_built, &pol, &v), HV_ERR_NO_TRUST_BLOCK);
    }

    hv_trusted_key tk = trusted(&I1);
    hv_policy v1 = tpolicy(NULL, 0, 1);
    v1.keys = &tk;
    v1.key_count = 1;

    CASE("v1 device: image without a trust block");
    timg_make(&m, NULL, 0, 1, SIGNER, 1, 2, NULL);
    EXPECT(tverify(&m, &v1, &v), HV_OK);
    CHECK(!v.trust.present);
    timg_free(&m);

    CASE("v1 device: image with a valid trust block");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    EXPECT(tverify(&m, &v1, &v), HV_OK);
    CHECK_MSG(v.trust.present && !v.trust.verified, "%s: present %d verified %d",
              case_name, v.trust.present, v.trust.verified);
    timg_free(&m);

    /* The documents' signatures mean nothing to a device without roots;
     * their structure still has to hold. */
    CASE("v1 device: trust block whose root signatures do not verify");
    {
        tbuf b2 = {0};
        tbuf_add(&b2, b.p, b.len);
        b2.p[b2.len - 2 * HV_SIG_SLOT_SIZE + HV_SIG_OFF_SIG + 10] ^= 1;
        timg_make(&m, b2.p, b2.len, 1, SIGNER, 1, 2, NULL);
        EXPECT(tverify(&m, &v1, &v), HV_OK);
        timg_free(&m);
        tbuf_free(&b2);
    }

    CASE("v1 device: malformed trust block (bad magic), bound");
    {
        tbuf b2 = {0};
        tbuf_add(&b2, b.p, b.len);
        b2.p[0] ^= 0x20;
        timg_make(&m, b2.p, b2.len, 1, SIGNER, 1, 2, NULL);
        EXPECT(tverify(&m, &v1, &v), HV_ERR_TRUST_BLOCK);
        timg_free(&m);
        tbuf_free(&b2);
    }

    CASE("v1 device: bytes after the keyring, bound");
    {
        tbuf b2 = {0};
        tbuf_add(&b2, b.p, b.len);
        tbuf_add(&b2, "\0\0\0\0\0\0\0\0", 8);
        timg_make(&m, b2.p, b2.len, 1, SIGNER, 1, 2, NULL);
        EXPECT(tverify(&m, &v1, &v), HV_ERR_TRUST_BLOCK);
        timg_free(&m);
        tbuf_free(&b2);
    }

    CASE("v1 device: trust digest wrong");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, flip_digest);
    EXPECT(tverify(&m, &v1, &v), HV_ERR_TRUST_BLOCK);
    timg_free(&m);

    CASE("v1 device: block bytes edited after signing");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    m.p[m.block_off + 100] ^= 1;
    EXPECT(tverify(&m, &v1, &v), HV_ERR_TRUST_BLOCK);
    timg_free(&m);

    /* The roots themselves, as the platform passes them. */
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    static const struct {
        const char *name;
        size_t count;
        uint32_t threshold;
        uint64_t version;
        int unsorted;
    } bad[] = {
        {"roots: count 0", 0, 1, 1, 0},
        {"roots: count 9", 9, 2, 1, 0},
        {"roots: threshold 0", 3, 0, 1, 0},
        {"roots: threshold above count", 3, 4, 1, 0},
        {"roots: version 0", 3, 2, 0, 0},
        {"roots: fingerprints not ascending", 3, 2, 1, 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CASE(bad[i].name);
        troots t = DEV;
        static uint8_t fps[9][HV_ROOT_FP_SIZE];
        memset(fps, 0, sizeof fps);
        memcpy(fps, DEV.fps, 3 * HV_ROOT_FP_SIZE);
        for (size_t j = 3; j < 9; j++)
            fps[j][0] = (uint8_t)(0xf0 + j);
        if (bad[i].unsorted) {
            uint8_t tmp[HV_ROOT_FP_SIZE];
            memcpy(tmp, fps[0], sizeof tmp);
            memcpy(fps[0], fps[1], sizeof tmp);
            memcpy(fps[1], tmp, sizeof tmp);
        }
        t.roots.fingerprints = (const uint8_t(*)[HV_ROOT_FP_SIZE])fps;
        t.roots.count = bad[i].count;
        t.roots.threshold = bad[i].threshold;
        t.roots.version = bad[i].version;
        hv_policy p = tpolicy(&t, 0, 1);
        EXPECT(tverify(&m, &p, &v), HV_ERR_ARGUMENT);
    }
    CASE("roots: NULL fingerprints");
    {
        troots t = DEV;
        t.roots.fingerprints = NULL;
        hv_policy p = tpolicy(&t, 0, 1);
        EXPECT(tverify(&m, &p, &v), HV_ERR_ARGUMENT);
    }
    CASE("image threshold 9 (more than slots)");
    {
        hv_policy p = dev_policy();
        p.min_signatures = 9;
        EXPECT(tverify(&m, &p, &v), HV_ERR_TOO_FEW_SIGNATURES);
    }
    timg_free(&m);
    tbuf_free(&b);
}

/* What hv_verify_stream's image_bytes sink saw. */
typedef struct sink {
    const uint8_t *image;
    uint64_t next;
    int bad;
} sink;

static int on_bytes(void *user, uint64_t off, const uint8_t *p, size_t len)
{
    sink *k = user;
    if (off != k->next || memcmp(k->image + off, p, len) != 0)
        k->bad = 1;
    k->next = off + len;
    return 0;
}

static hv_result stream(const timg *m, const hv_policy *pol, sink *k,
                        hv_verdict *v)
{
    static uint64_t zstd_ws[HV_ZSTD_STREAM_WORKSPACE_SIZE / 8];
    static uint8_t out[64 * 1024];
    static hv_workspace ws;
    hv_image_info *info = malloc(sizeof *info);
    if (!info || hv_parse_metadata(m->p, m->tbs_len, info) != HV_OK)
        tdie("stream: metadata");
    size_t chunk_size = (size_t)1 << info->chunk_log2;
    free(info);
    uint8_t *chunk = malloc(chunk_size);
    if (!chunk)
        tdie("out of memory");
    mem_platform p;
    mem_platform_init(&p, m->p, m->len, F.board, 0);
    hv_ops ops = mem_platform_ops(&p);
    ops.section_memory = NULL;
    memset(k, 0, sizeof *k);
    k->image = m->p;
    hv_stream st = {k, chunk, chunk_size, zstd_ws, sizeof zstd_ws, out,
                    sizeof out, 1, on_bytes, NULL};
    hv_policy pp = *pol;
    pp.region_size = m->len;
    hv_result r = hv_verify_stream(&ops, &hv_crypto_bearssl, &pp, &ws, &st, v);
    mem_platform_free(&p);
    free(chunk);
    return r;
}

/* The same checks when the image is streamed (hv_verify_stream), and the
 * signing tools' content check (hv_check_content). */
static void other_paths(void)
{
    tbuf b = {0};
    good_block(&b);
    hv_policy pol = dev_policy();
    hv_verdict v;
    sink k;
    timg m;

    CASE("stream: good image, every byte to the sink once, in order");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    EXPECT(stream(&m, &pol, &k, &v), HV_OK);
    CHECK_MSG(!k.bad && k.next == m.len && v.trust.verified,
              "%s: sink %d, %llu of %zu bytes", case_name, k.bad,
              (unsigned long long)k.next, m.len);

    /* The keyring's version: signed by the roots, so they refuse it. */
    size_t ring_version = b.len - 2 * HV_SIG_SLOT_SIZE -
                          2 * HV_KEYRING_ENTRY_SIZE - HV_KEYRING_FIXED_SIZE;
    CASE("stream: the keyring's version changed");
    m.p[m.block_off + ring_version] ^= 0x04;
    EXPECT(stream(&m, &pol, &k, &v), HV_ERR_ROOT_SIGNATURE);
    CHECK_MSG(k.next == 0, "%s: %llu bytes reached the sink", case_name,
              (unsigned long long)k.next);
    m.p[m.block_off + ring_version] ^= 0x04;

    CASE("stream: image without a trust block");
    timg m0;
    timg_make(&m0, NULL, 0, 1, SIGNER, 1, 2, NULL);
    EXPECT(stream(&m0, &pol, &k, &v), HV_ERR_NO_TRUST_BLOCK);
    timg_free(&m0);

    CASE("stream: revoked signer");
    pol.min_key_epoch = 2;
    EXPECT(stream(&m, &pol, &k, &v), HV_ERR_REVOKED_KEY);
    pol.min_key_epoch = 0;
    timg_free(&m);

    CASE("check_content: image with a trust block");
    static hv_workspace ws;
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    mem_platform p;
    mem_platform_init(&p, m.p, m.len, F.board, 0);
    hv_ops ops = mem_platform_ops(&p);
    EXPECT(hv_check_content(&ops, &hv_crypto_bearssl, m.len, &ws, &v), HV_OK);
    mem_platform_free(&p);
    timg_free(&m);

    CASE("check_content: trust digest wrong");
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, flip_digest);
    mem_platform_init(&p, m.p, m.len, F.board, 0);
    ops = mem_platform_ops(&p);
    EXPECT(hv_check_content(&ops, &hv_crypto_bearssl, m.len, &ws, &v),
           HV_ERR_TRUST_BLOCK);
    mem_platform_free(&p);
    timg_free(&m);

    CASE("check_content: block with bytes after the keyring");
    tbuf_add(&b, "\0\0\0\0", 4);
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    mem_platform_init(&p, m.p, m.len, F.board, 0);
    ops = mem_platform_ops(&p);
    EXPECT(hv_check_content(&ops, &hv_crypto_bearssl, m.len, &ws, &v),
           HV_ERR_TRUST_BLOCK);
    mem_platform_free(&p);
    timg_free(&m);
    tbuf_free(&b);
}

/* Every byte of the trust block flipped (XOR 0x01, then XOR 0x80). */
static void mutation(void)
{
    tbuf b = {0};
    good_block(&b);
    hv_policy pol = dev_policy();
    hv_trusted_key tk = trusted(&I1);
    hv_policy v1 = tpolicy(NULL, 0, 1);
    v1.keys = &tk;
    v1.key_count = 1;
    timg m;
    timg_make(&m, b.p, b.len, 1, SIGNER, 1, 2, NULL);
    hv_verdict v;
    hv_trust_result res;
    CASE("mutation: the unmutated image and block");
    EXPECT(tverify(&m, &pol, &v), HV_OK);
    EXPECT(tblock(b.p, b.len, &pol, &res), HV_OK);

    static const uint8_t masks[2] = {0x01, 0x80};
    size_t flips = 0, image_refused = 0, v1_refused = 0, block_refused = 0;
    for (size_t mi = 0; mi < 2; mi++)
        for (size_t i = 0; i < b.len; i++) {
            flips++;
            m.p[m.block_off + i] ^= masks[mi];
            if (tverify(&m, &pol, &v) != HV_OK)
                image_refused++;
            if (tverify(&m, &v1, &v) != HV_OK)
                v1_refused++;
            m.p[m.block_off + i] ^= masks[mi];
            b.p[i] ^= masks[mi];
            hv_result r = tblock(b.p, b.len, &pol, &res);
            if (r != HV_OK)
                block_refused++;
            else
                fprintf(stderr, "mutation: block byte %zu ^ 0x%02x accepted\n",
                        i, masks[mi]);
            b.p[i] ^= masks[mi];
        }
    fprintf(stderr,
            "mutation: %zu flips of a %zu-byte block: refused %zu by "
            "hv_verify (roots), %zu by hv_verify (keys), %zu by "
            "hv_trust_block_verify\n",
            flips, b.len, image_refused, v1_refused, block_refused);
    CASE("mutation: every flip refused by hv_verify (roots)");
    CHECK_MSG(image_refused == flips, "%zu of %zu", image_refused, flips);
    CASE("mutation: every flip refused by hv_verify (keys)");
    CHECK_MSG(v1_refused == flips, "%zu of %zu", v1_refused, flips);
    CASE("mutation: every flip refused by hv_trust_block_verify");
    CHECK_MSG(block_refused == flips, "%zu of %zu", block_refused, flips);
    timg_free(&m);
    tbuf_free(&b);
}

int main(void)
{
    tcases_setup();
    SIGNER[0] = &I1;
    binding();
    policies();
    other_paths();
    mutation();
    tcases_done();
    return CHECK_DONE();
}
