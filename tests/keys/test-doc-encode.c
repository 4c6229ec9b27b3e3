/*
 * mkimage/trust without the CLI: the encoder's bytes read back field by
 * field at format.h's offsets (not through hv_doc_parse, so the encoder is
 * checked against the format, not against itself), the refusals of
 * hv_doc_encode, who may sign (hv_doc_signer_allowed), slot insertion,
 * bundle order, and a device's roots from an anchor root.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "hvimage/codec.h"
#include "hvimage/flash.h"
#include "trust_doc.h"

static char dir[] = "/tmp/hv-keys-XXXXXX";

/* Four P-256 keys: enough for roots, keyrings and strangers. */
static hv_pubkey keys[4];

static void make_keys(void)
{
    for (int i = 0; i < 4; i++) {
        char priv[64], pub[64];
        hv_diag d;
        snprintf(priv, sizeof priv, "%s/k%d.pem", dir, i);
        snprintf(pub, sizeof pub, "%s/k%d.pub.pem", dir, i);
        CHECK_MSG(hv_keygen(HV_SIG_ECDSA_P256_SHA256, priv, pub, &keys[i],
                            &d) == 0, "%s", d.msg);
    }
}

static hv_doc_spec *root_spec(uint64_t version, uint32_t threshold,
                              const int *which, size_t n)
{
    hv_doc_spec *s = calloc(1, sizeof *s);
    s->kind = HV_DOC_ROOT;
    s->version = version;
    s->threshold = threshold;
    s->slots = (uint32_t)n;
    s->key_count = n;
    for (size_t i = 0; i < n; i++) {
        s->keys[i].key = keys[which[i]];
        snprintf(s->keys[i].source, sizeof s->keys[i].source, "k%d.pem",
                 which[i]);
    }
    return s;
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void test_root_bytes(void)
{
    static const int order[] = {2, 0, 1};
    hv_doc_spec *s = root_spec(7, 2, order, 3);
    uint8_t *p = NULL;
    size_t len = 0;
    hv_diag d;
    CHECK_MSG(hv_doc_encode(s, &p, &len, &d) == 0, "%s", d.msg);
    size_t body = HV_ROOT_FIXED_SIZE + 3 * HV_KEYREC_SIZE;
    CHECK(len == HV_DOC_HEADER_SIZE + body + 3 * HV_SIG_SLOT_SIZE);
    if (!p || len < HV_DOC_HEADER_SIZE + body) {
        free(s);
        free(p);
        return;
    }
    CHECK(memcmp(p + HV_DOC_OFF_MAGIC, HV_ROOT_MAGIC, 8) == 0);
    CHECK(hv_le32(p + HV_DOC_OFF_VERSION) == HV_DOC_VERSION);
    CHECK(hv_le32(p + HV_DOC_OFF_BODY_SIZE) == body);
    CHECK(hv_le32(p + HV_DOC_OFF_SIG_SLOTS) == 3);
    CHECK(all_zero(p + HV_DOC_OFF_RESERVED, 12));
    const uint8_t *b = p + HV_DOC_HEADER_SIZE;
    CHECK(hv_le64(b + HV_ROOT_OFF_VERSION) == 7);
    CHECK(hv_le32(b + HV_ROOT_OFF_THRESHOLD) == 2);
    CHECK(hv_le32(b + HV_ROOT_OFF_KEY_COUNT) == 3);
    CHECK(all_zero(b + HV_ROOT_OFF_RESERVED, 16));
    int seen = 0;
    for (size_t i = 0; i < 3; i++) {
        const uint8_t *r = b + HV_ROOT_FIXED_SIZE + i * HV_KEYREC_SIZE;
        if (i > 0)
            CHECK(memcmp(r - HV_KEYREC_SIZE + HV_KEYREC_OFF_KEY_ID,
                         r + HV_KEYREC_OFF_KEY_ID, HV_KEY_ID_SIZE) < 0);
        for (int k = 0; k < 3; k++)
            if (memcmp(r + HV_KEYREC_OFF_KEY_ID, keys[k].key_id,
                       HV_KEY_ID_SIZE) == 0) {
                seen |= 1 << k;
                CHECK(hv_le32(r + HV_KEYREC_OFF_SIG_ALG) ==
                      keys[k].sig_alg);
                CHECK(hv_le32(r + HV_KEYREC_OFF_PUB_LEN) ==
                      keys[k].pub_len);
                CHECK(memcmp(r + HV_KEYREC_OFF_PUB, keys[k].pub,
                             keys[k].pub_len) == 0);
                CHECK(all_zero(r + HV_KEYREC_OFF_PUB + keys[k].pub_len,
                               HV_KEYREC_SIZE - HV_KEYREC_OFF_PUB -
                                   keys[k].pub_len));
            }
    }
    CHECK(seen == 7);
    CHECK(all_zero(b + body, 3 * HV_SIG_SLOT_SIZE));
    free(p);
    free(s);
}

static void test_keyring_bytes(void)
{
    hv_doc_spec *s = calloc(1, sizeof *s);
    s->kind = HV_DOC_KEYRING;
    s->version = 9;
    s->root_version = 3;
    s->min_epoch = 4;
    s->slots = 2;
    s->key_count = 1;
    s->keys[0].key = keys[3];
    s->keys[0].epoch = 5;
    s->keys[0].oem_count = 2;
    strcpy(s->keys[0].oems[0], "zeta");
    strcpy(s->keys[0].oems[1], "acme");
    s->keys[0].board_count = 3;
    strcpy(s->keys[0].boards[0], "b2");
    strcpy(s->keys[0].boards[1], "b10");
    strcpy(s->keys[0].boards[2], "a");
    uint8_t *p = NULL;
    size_t len = 0;
    hv_diag d;
    CHECK_MSG(hv_doc_encode(s, &p, &len, &d) == 0, "%s", d.msg);
    size_t body = HV_KEYRING_FIXED_SIZE + HV_KEYRING_ENTRY_SIZE;
    CHECK(len == HV_DOC_HEADER_SIZE + body + 2 * HV_SIG_SLOT_SIZE);
    if (p && len >= HV_DOC_HEADER_SIZE + body) {
        const uint8_t *b = p + HV_DOC_HEADER_SIZE;
        const uint8_t *e = b + HV_KEYRING_FIXED_SIZE;
        CHECK(memcmp(p, HV_KEYRING_MAGIC, 8) == 0);
        CHECK(hv_le64(b + HV_KEYRING_OFF_VERSION) == 9);
        CHECK(hv_le64(b + HV_KEYRING_OFF_ROOT_VERSION) == 3);
        CHECK(hv_le64(b + HV_KEYRING_OFF_MIN_EPOCH) == 4);
        CHECK(hv_le32(b + HV_KEYRING_OFF_KEY_COUNT) == 1);
        CHECK(all_zero(b + HV_KEYRING_OFF_RESERVED, 36));
        CHECK(memcmp(e + HV_KENT_OFF_KEY + HV_KEYREC_OFF_KEY_ID,
                     keys[3].key_id, HV_KEY_ID_SIZE) == 0);
        CHECK(hv_le64(e + HV_KENT_OFF_EPOCH) == 5);
        CHECK(hv_le32(e + HV_KENT_OFF_OEM_COUNT) == 2);
        CHECK(hv_le32(e + HV_KENT_OFF_BOARD_COUNT) == 3);
        /* Sorted by bytes: "acme" < "zeta", "a" < "b10" < "b2". */
        CHECK(strcmp((const char *)e + HV_KENT_OFF_OEMS, "acme") == 0);
        CHECK(strcmp((const char *)e + HV_KENT_OFF_OEMS + 32, "zeta") == 0);
        CHECK(all_zero(e + HV_KENT_OFF_OEMS + 64, 64));
        CHECK(strcmp((const char *)e + HV_KENT_OFF_BOARDS, "a") == 0);
        CHECK(strcmp((const char *)e + HV_KENT_OFF_BOARDS + 32, "b10") == 0);
        CHECK(strcmp((const char *)e + HV_KENT_OFF_BOARDS + 64, "b2") == 0);
        CHECK(all_zero(e + HV_KENT_OFF_BOARDS + 96, 5 * 32));
    }
    free(p);

    /* Scope refusals. */
    static const struct {
        const char *oem, *oem2, *want;
    } bad[] = {
        {"acme servers", NULL, "OEM 'acme servers' must be 1 to 32"},
        {"acme", "acme", "OEM 'acme' given twice"},
        {"0123456789012345678901234567890123", NULL, "must be 1 to 32"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hv_doc_spec *t = malloc(sizeof *t);
        *t = *s;
        memset(t->keys[0].oems, 0, sizeof t->keys[0].oems);
        snprintf(t->keys[0].oems[0], sizeof t->keys[0].oems[0], "%.32s",
                 bad[i].oem);
        /* The too-long text is cut by snprintf; put it in whole. */
        if (strlen(bad[i].oem) > 32)
            memset(t->keys[0].oems[0], 'x', 33);
        t->keys[0].oem_count = 1;
        if (bad[i].oem2) {
            strcpy(t->keys[0].oems[1], bad[i].oem2);
            t->keys[0].oem_count = 2;
        }
        p = NULL;
        CHECK(hv_doc_encode(t, &p, &len, &d) == -1 && p == NULL);
        CHECK_MSG(strstr(d.msg, bad[i].want) != NULL, "%s", d.msg);
        free(t);
    }
    s->keys[0].oem_count = 0;
    CHECK(hv_doc_encode(s, &p, &len, &d) == -1);
    CHECK_MSG(strstr(d.msg, "scoped to 1 to 4 OEMs") != NULL, "%s", d.msg);
    free(s);
}

static void test_encode_refusals(void)
{
    uint8_t *p = NULL;
    size_t len;
    hv_diag d;
    /* One key twice, from two sources: both named. */
    static const int twice[] = {1, 0, 1};
    hv_doc_spec *s = root_spec(1, 1, twice, 3);
    strcpy(s->keys[2].source, "other-encoding.pem");
    CHECK(hv_doc_encode(s, &p, &len, &d) == -1 && d.cls == HV_FAIL_INPUT);
    CHECK_MSG(strstr(d.msg, "k1.pem and other-encoding.pem are the same "
                            "public key") != NULL, "%s", d.msg);
    free(s);
    static const int two[] = {0, 1};
    s = root_spec(1, 2, two, 2);
    s->slots = 1;
    CHECK(hv_doc_encode(s, &p, &len, &d) == -1);
    CHECK_MSG(strstr(d.msg, "needs at least 2 signature slots") != NULL,
              "%s", d.msg);
    s->slots = 2;
    s->threshold = 3;
    CHECK(hv_doc_encode(s, &p, &len, &d) == -1);
    s->threshold = 0;
    CHECK(hv_doc_encode(s, &p, &len, &d) == -1);
    s->threshold = 1;
    s->version = 0;
    CHECK(hv_doc_encode(s, &p, &len, &d) == -1);
    s->version = 1;
    s->key_count = 0;
    CHECK(hv_doc_encode(s, &p, &len, &d) == -1);
    s->key_count = 9;
    CHECK(hv_doc_encode(s, &p, &len, &d) == -1);
    s->key_count = 2;
    s->slots = 9;
    CHECK(hv_doc_encode(s, &p, &len, &d) == -1);
    CHECK(p == NULL);
    free(s);
}

/* A root file in memory, as hv_doc_file_load would give it. */
static void load_spec(hv_doc_spec *s, hv_doc_file *f)
{
    hv_diag d;
    memset(f, 0, sizeof *f);
    CHECK_MSG(hv_doc_encode(s, &f->bytes, &f->len, &d) == 0, "%s", d.msg);
    CHECK(f->bytes && hv_doc_parse(f->bytes, f->len, &f->doc) == HV_OK);
    free(s);
}

static void test_signing_rules(void)
{
    static const int r1k[] = {0, 1}, r2k[] = {1, 2};
    hv_doc_file r1, r2, r3;
    load_spec(root_spec(1, 1, r1k, 2), &r1);
    load_spec(root_spec(2, 1, r2k, 2), &r2);
    load_spec(root_spec(3, 1, r2k, 2), &r3);
    hv_diag d;
    CHECK(hv_doc_signer_allowed(&r2.doc, NULL, NULL, &keys[2], "k2", &d) == 0);
    CHECK(hv_doc_signer_allowed(&r2.doc, NULL, NULL, &keys[0], "k0", &d) == -1);
    CHECK_MSG(strstr(d.msg, "k0: key ") && strstr(d.msg, "is not a key of "
                                                   "root 2; it may not sign"),
              "%s", d.msg);
    CHECK(hv_doc_signer_allowed(&r2.doc, &r1.doc, NULL, &keys[0], "k0", &d) == 0);
    CHECK(hv_doc_signer_allowed(&r2.doc, &r1.doc, NULL, &keys[3], "k3", &d) == -1);
    CHECK(hv_doc_signer_allowed(&r3.doc, &r1.doc, NULL, &keys[0], "k0", &d) == -1);
    CHECK_MSG(strstr(d.msg, "--previous must be root version 2") != NULL,
              "%s", d.msg);
    /* An id that names another public key in the root. */
    hv_pubkey forged = keys[1];
    forged.pub[10] ^= 1;
    CHECK(hv_doc_signer_allowed(&r2.doc, NULL, NULL, &forged, "f", &d) == -1);
    CHECK_MSG(strstr(d.msg, "names another public key") != NULL, "%s", d.msg);

    /* Keyrings: the named root's keys only. */
    hv_doc_spec *ks = calloc(1, sizeof *ks);
    ks->kind = HV_DOC_KEYRING;
    ks->version = 1;
    ks->root_version = 2;
    ks->slots = 2;
    ks->key_count = 1;
    ks->keys[0].key = keys[3];
    ks->keys[0].oem_count = 1;
    strcpy(ks->keys[0].oems[0], "acme");
    hv_doc_file ring;
    load_spec(ks, &ring);
    CHECK(hv_doc_signer_allowed(&ring.doc, NULL, NULL, &keys[1], "k1", &d) == -1);
    CHECK(hv_doc_signer_allowed(&ring.doc, NULL, &r1.doc, &keys[1], "k1", &d) == -1);
    CHECK_MSG(strstr(d.msg, "names root version 2; --root is root version 1"),
              "%s", d.msg);
    CHECK(hv_doc_signer_allowed(&ring.doc, NULL, &r2.doc, &keys[1], "k1", &d) == 0);
    CHECK(hv_doc_signer_allowed(&ring.doc, NULL, &r2.doc, &keys[3], "k3", &d) == -1);

    /* Slots: ids ascending whatever the order of signing; a second
     * signature by one key and a third in two slots are refused, leaving
     * the bytes as they were. */
    uint8_t sig[HV_SIG_MAX_SIZE];
    memset(sig, 0x5a, sizeof sig);
    size_t sl = hv_sig_size(HV_SIG_ECDSA_P256_SHA256);
    CHECK(hv_doc_add_signature(&ring, "ring", &keys[2], sig, sl, &d) == 0);
    CHECK(hv_doc_add_signature(&ring, "ring", &keys[1], sig, sl, &d) == 0);
    CHECK(ring.doc.filled == 2);
    const uint8_t *slots = ring.bytes + ring.doc.tbs_len;
    CHECK(memcmp(slots, slots + HV_SIG_SLOT_SIZE, HV_KEY_ID_SIZE) < 0);
    uint8_t *copy = malloc(ring.len);
    memcpy(copy, ring.bytes, ring.len);
    CHECK(hv_doc_add_signature(&ring, "ring", &keys[1], sig, sl, &d) == -1);
    CHECK_MSG(strstr(d.msg, "already signed by key") != NULL, "%s", d.msg);
    CHECK(hv_doc_add_signature(&ring, "ring", &keys[0], sig, sl, &d) == -1);
    CHECK_MSG(strstr(d.msg, "all 2 signature slots are used") != NULL, "%s",
              d.msg);
    CHECK(memcmp(copy, ring.bytes, ring.len) == 0);
    free(copy);

    /* Bundles. */
    uint8_t *blk = malloc(HV_MAX_TRUST_BLOCK_SIZE * 2);
    hv_bundle_info info;
    size_t n = 0;
#define PUT(f) (memcpy(blk + n, (f).bytes, (f).len), n += (f).len)
    PUT(r1);
    PUT(r2);
    PUT(ring);
    CHECK_MSG(hv_bundle_check(blk, n, "b", &info, &d) == 0, "%s", d.msg);
    CHECK(info.root_count == 2 && info.first_root == 1 &&
          info.last_root == 2 && info.keyring_version == 1);
    CHECK(hv_bundle_check(blk, n - 1, "b", &info, &d) == -1);
    PUT(ring);
    CHECK(hv_bundle_check(blk, n, "b", &info, &d) == -1);
    CHECK_MSG(strstr(d.msg, "bytes after the keyring") != NULL, "%s", d.msg);
    n = 0;
    PUT(r2);
    PUT(r1);
    PUT(ring);
    CHECK(hv_bundle_check(blk, n, "b", &info, &d) == -1);
    CHECK_MSG(strstr(d.msg, "root version 1 follows root version 2") != NULL,
              "%s", d.msg);
    n = 0;
    PUT(ring);
    CHECK(hv_bundle_check(blk, n, "b", &info, &d) == -1);
    CHECK_MSG(strstr(d.msg, "before any root") != NULL, "%s", d.msg);
    n = 0;
    PUT(r1);
    PUT(r2);
    PUT(r3);
    CHECK(hv_bundle_check(blk, n, "b", &info, &d) == -1);
    CHECK_MSG(strstr(d.msg, "no keyring after the 3 root documents") != NULL,
              "%s", d.msg);
    CHECK(hv_bundle_check(blk, 0, "b", &info, &d) == -1);
    /* More roots than a chain may hold, consecutive versions. */
    n = 0;
    for (uint64_t v = 1; v <= HV_MAX_ROOT_CHAIN + 1; v++) {
        hv_doc_file r;
        load_spec(root_spec(v, 1, r1k, 2), &r);
        PUT(r);
        hv_doc_file_free(&r);
    }
    CHECK(hv_bundle_check(blk, n, "b", &info, &d) == -1);
    CHECK_MSG(strstr(d.msg, "more than 6 root documents") != NULL, "%s",
              d.msg);
#undef PUT
    free(blk);

    /* A device's roots: fingerprints are SHA-256 of the pub bytes, in
     * ascending order. */
    uint8_t fps[HV_ROOT_MAX_KEYS][HV_ROOT_FP_SIZE];
    hv_roots roots;
    CHECK(hv_roots_from_doc(&r2.doc, fps, &roots, &d) == 0);
    CHECK(roots.count == 2 && roots.threshold == 1 && roots.version == 2);
    CHECK(memcmp(fps[0], fps[1], HV_ROOT_FP_SIZE) < 0);
    for (int k = 1; k <= 2; k++) {
        uint8_t want[32];
        unsigned int wl = 0;
        CHECK(EVP_Digest(keys[k].pub, keys[k].pub_len, want, &wl,
                         EVP_sha256(), NULL) == 1);
        CHECK(memcmp(want, fps[0], 32) == 0 || memcmp(want, fps[1], 32) == 0);
    }
    CHECK(hv_roots_from_doc(&ring.doc, fps, &roots, &d) == -1);
    hv_doc_file_free(&ring);
    hv_doc_file_free(&r1);
    hv_doc_file_free(&r2);
    hv_doc_file_free(&r3);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    make_keys();
    test_root_bytes();
    test_keyring_bytes();
    test_encode_refusals();
    test_signing_rules();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_DONE();
}
