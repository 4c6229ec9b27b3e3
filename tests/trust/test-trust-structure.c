/*
 * Canonical form of root and keyring documents (format.h "Trust block"):
 * every reserved and unused byte set non-zero, one at a time, in each
 * document of the good block, the signed ones re-signed so that only the
 * parser can object; every out-of-range header and body field; documents
 * and blocks truncated at every length. Each must give HV_ERR_TRUST_BLOCK,
 * from hv_trust_block_verify and, for the signed bytes, from hv_doc_parse.
 */
#include <string.h>

#include "hvimage/codec.h"
#include "check.h"
#include "tcases.h"

static tdoc ROOT, RING;

/* The documents the sweeps start from: root 1 (R1, threshold 2, three
 * slots, two filled) and a keyring whose first entry (I1) has two OEMs and
 * two boards, its second (I2) one OEM and every board. Unsigned. */
static void fresh(void)
{
    const tkey *k[3] = {&R1[0], &R1[1], &R1[2]};
    tdoc_root(&ROOT, 1, 2, k, 3, 3);
    tent e[2] = {{.k = &I1, .epoch = 1, .oems = {"oem-a", "test-oem"},
                  .boards = {"board-x", "test-board-2"}},
                 ent(&I2, 1)};
    tdoc_keyring(&RING, 1, 1, 0, e, 2, 2);
}

/* Index of I1's entry in RING (entries are in key id order). */
static uint32_t i1_entry(void)
{
    return memcmp(tdoc_key(&RING, 0) + HV_KENT_OFF_KEY, I1.id,
                  HV_KEY_ID_SIZE) == 0
               ? 0
               : 1;
}

static void sign_both(void)
{
    const tkey *s[2] = {&R1[0], &R1[1]};
    ROOT.filled = RING.filled = 0;
    tdoc_sign(&ROOT, s, 2);
    tdoc_sign(&RING, s, 2);
}

static hv_result block_now(hv_trust_result *res)
{
    tbuf b = {0};
    tbuf_doc(&b, &ROOT);
    tbuf_doc(&b, &RING);
    hv_policy pol = dev_policy();
    hv_result r = tblock(b.p, b.len, &pol, res);
    tbuf_free(&b);
    return r;
}

/* Set byte |off| of document |d| (0 root, 1 keyring) to |val|: before
 * signing when it is signed, after when it is a slot byte. Then the block
 * and the document alone must be refused. Returns 1 if both were. */
static int poke(int d, size_t off, uint8_t val)
{
    fresh();
    tdoc *doc = d ? &RING : &ROOT;
    if (off < doc->tbs_len) {
        doc->b[off] = val;
        sign_both();
    } else {
        sign_both();
        doc->b[off] = val;
    }
    hv_trust_result res;
    hv_doc parsed;
    hv_result rb = block_now(&res);
    hv_result rd = hv_doc_parse(doc->b, tdoc_size(doc), &parsed);
    int ok = rb == HV_ERR_TRUST_BLOCK && rd == HV_ERR_TRUST_BLOCK &&
             res.failed_doc == (uint32_t)d;
    if (!ok)
        fprintf(stderr,
                "%s: doc %d byte %zu = 0x%02x: block %s (doc %u), "
                "parse %s\n",
                case_name, d, off, val, hv_result_name(rb), res.failed_doc,
                hv_result_name(rd));
    return ok;
}

/* Every byte of [from, to) of document |d| set to |val| in turn. */
static void sweep(const char *name, int d, size_t from, size_t to,
                  uint8_t val, int *total)
{
    CASE(name);
    int bad = 0;
    for (size_t off = from; off < to; off++)
        if (!poke(d, off, val))
            bad++;
    CHECK_MSG(bad == 0, "%s: %d of %zu bytes not refused", name, bad,
              to - from);
    *total += (int)(to - from);
}

static void reserved_bytes(void)
{
    int total = 0;
    fresh();
    size_t body = HV_DOC_HEADER_SIZE;

    sweep("root: header reserved", 0, HV_DOC_OFF_RESERVED, body, 1, &total);
    sweep("keyring: header reserved", 1, HV_DOC_OFF_RESERVED, body, 1,
          &total);
    sweep("root: body reserved", 0, body + HV_ROOT_OFF_RESERVED,
          body + HV_ROOT_FIXED_SIZE, 1, &total);
    sweep("keyring: body reserved", 1, body + HV_KEYRING_OFF_RESERVED,
          body + HV_KEYRING_FIXED_SIZE, 1, &total);
    for (uint32_t i = 0; i < 3; i++) {
        size_t rec = (size_t)(tdoc_key(&ROOT, i) - ROOT.b);
        sweep("root: key record, after the public key", 0,
              rec + HV_KEYREC_OFF_PUB + HV_PUB_SIZE_P256,
              rec + HV_KEYREC_OFF_RESERVED, 1, &total);
        sweep("root: key record reserved", 0, rec + HV_KEYREC_OFF_RESERVED,
              rec + HV_KEYREC_SIZE, 1, &total);
    }
    for (uint32_t i = 0; i < 2; i++) {
        fresh();
        uint8_t *e = tdoc_key(&RING, i);
        size_t eo = (size_t)(e - RING.b);
        uint32_t oems = hv_le32(e + HV_KENT_OFF_OEM_COUNT);
        uint32_t boards = hv_le32(e + HV_KENT_OFF_BOARD_COUNT);
        sweep("keyring: key record, after the public key", 1,
              eo + HV_KEYREC_OFF_PUB + HV_PUB_SIZE_P256,
              eo + HV_KEYREC_OFF_RESERVED, 1, &total);
        sweep("keyring: key record reserved", 1,
              eo + HV_KEYREC_OFF_RESERVED, eo + HV_KEYREC_SIZE, 1, &total);
        for (uint32_t t = 0; t < oems; t++) {
            size_t f = eo + HV_KENT_OFF_OEMS + 32u * t;
            size_t len = strnlen((const char *)RING.b + f, 32);
            /* 'x' after the text's NUL: two encodings of one text. */
            sweep("keyring: OEM id, after its NUL", 1, f + len + 1, f + 32,
                  'x', &total);
        }
        sweep("keyring: unused OEM ids", 1,
              eo + HV_KENT_OFF_OEMS + 32u * oems, eo + HV_KENT_OFF_BOARDS,
              'a', &total);
        for (uint32_t t = 0; t < boards; t++) {
            size_t f = eo + HV_KENT_OFF_BOARDS + 32u * t;
            size_t len = strnlen((const char *)RING.b + f, 32);
            sweep("keyring: board id, after its NUL", 1, f + len + 1, f + 32,
                  'x', &total);
        }
        sweep("keyring: unused board ids", 1,
              eo + HV_KENT_OFF_BOARDS + 32u * boards,
              eo + HV_KEYRING_ENTRY_SIZE, 'a', &total);
    }
    /* Slots: not signed, so written after signing. */
    fresh();
    for (int d = 0; d < 2; d++) {
        tdoc *doc = d ? &RING : &ROOT;
        for (uint32_t s = 0; s < doc->slots; s++) {
            size_t so = doc->tbs_len + (size_t)s * HV_SIG_SLOT_SIZE;
            if (s < 2) {
                sweep("slot: reserved", d, so + HV_SIG_OFF_RESERVED,
                      so + HV_SIG_OFF_SIG, 1, &total);
                sweep("slot: after the signature", d,
                      so + HV_SIG_OFF_SIG + HV_SIG_SIZE_P256,
                      so + HV_SIG_SLOT_SIZE, 1, &total);
            } else {
                sweep("slot: an empty slot", d, so, so + HV_SIG_SLOT_SIZE, 1,
                      &total);
            }
        }
    }
    fprintf(stderr, "reserved and unused bytes refused: %d\n", total);
    CHECK(total > 4000);
}

/* A u32 or u64 field of document |d| at |off| set to |val|, re-signed. */
static void field(const char *name, int d, size_t off, uint64_t val,
                  int wide)
{
    CASE(name);
    fresh();
    tdoc *doc = d ? &RING : &ROOT;
    if (wide)
        hv_put_le64(doc->b + off, val);
    else
        hv_put_le32(doc->b + off, (uint32_t)val);
    sign_both();
    hv_trust_result res;
    EXPECT(block_now(&res), HV_ERR_TRUST_BLOCK);
    hv_doc parsed;
    EXPECT(hv_doc_parse(doc->b, tdoc_size(doc), &parsed), HV_ERR_TRUST_BLOCK);
}

/* Text |s| written into the field at |off| of I1's keyring entry (|i| 0)
 * or I2's (1), zero padded, re-signed. */
static void text(const char *name, uint32_t i, size_t off, const char *s,
                 size_t n)
{
    CASE(name);
    fresh();
    uint8_t *f = tdoc_key(&RING, i ? 1 - i1_entry() : i1_entry()) + off;
    memset(f, 0, 32);
    memcpy(f, s, n);
    sign_both();
    hv_trust_result res;
    EXPECT(block_now(&res), HV_ERR_TRUST_BLOCK);
}

static void fields(void)
{
    size_t body = HV_DOC_HEADER_SIZE;
    fresh();
    size_t root_body = ROOT.tbs_len - body, ring_body = RING.tbs_len - body;

    for (int d = 0; d < 2; d++) {
        field(d ? "keyring: doc version 0" : "root: doc version 0", d,
              HV_DOC_OFF_VERSION, 0, 0);
        field(d ? "keyring: doc version 2" : "root: doc version 2", d,
              HV_DOC_OFF_VERSION, 2, 0);
        field("doc: sig_slots 0", d, HV_DOC_OFF_SIG_SLOTS, 0, 0);
        field("doc: sig_slots 9", d, HV_DOC_OFF_SIG_SLOTS, 9, 0);
        field("doc: sig_slots 0xffffffff", d, HV_DOC_OFF_SIG_SLOTS,
              0xffffffffu, 0);
        size_t bs = d ? ring_body : root_body;
        field("doc: body_size - 1", d, HV_DOC_OFF_BODY_SIZE, bs - 1, 0);
        field("doc: body_size + 1", d, HV_DOC_OFF_BODY_SIZE, bs + 1, 0);
        field("doc: body_size 0", d, HV_DOC_OFF_BODY_SIZE, 0, 0);
        field("doc: body_size 0xffffffff", d, HV_DOC_OFF_BODY_SIZE,
              0xffffffffu, 0);
        field("doc: body_size one record less", d, HV_DOC_OFF_BODY_SIZE,
              bs - (d ? HV_KEYRING_ENTRY_SIZE : HV_KEYREC_SIZE), 0);
        for (size_t i = 0; i < 8; i++) {
            CASE("doc: magic byte changed");
            fresh();
            tdoc *doc = d ? &RING : &ROOT;
            doc->b[HV_DOC_OFF_MAGIC + i] ^= 0x20;
            sign_both();
            hv_trust_result res;
            EXPECT(block_now(&res), HV_ERR_TRUST_BLOCK);
        }
    }
    field("root: version 0", 0, body + HV_ROOT_OFF_VERSION, 0, 1);
    field("root: threshold 0", 0, body + HV_ROOT_OFF_THRESHOLD, 0, 0);
    field("root: threshold above key_count", 0,
          body + HV_ROOT_OFF_THRESHOLD, 4, 0);
    field("root: threshold 0xffffffff", 0, body + HV_ROOT_OFF_THRESHOLD,
          0xffffffffu, 0);
    field("root: key_count 0", 0, body + HV_ROOT_OFF_KEY_COUNT, 0, 0);
    field("root: key_count 2 (three records)", 0,
          body + HV_ROOT_OFF_KEY_COUNT, 2, 0);
    field("root: key_count 9", 0, body + HV_ROOT_OFF_KEY_COUNT, 9, 0);
    field("root: key_count 0x80000001", 0, body + HV_ROOT_OFF_KEY_COUNT,
          0x80000001u, 0);
    field("keyring: version 0", 1, body + HV_KEYRING_OFF_VERSION, 0, 1);
    field("keyring: key_count 0", 1, body + HV_KEYRING_OFF_KEY_COUNT, 0, 0);
    field("keyring: key_count 3 (two entries)", 1,
          body + HV_KEYRING_OFF_KEY_COUNT, 3, 0);
    field("keyring: key_count 9", 1, body + HV_KEYRING_OFF_KEY_COUNT, 9, 0);

    fresh();
    size_t r0 = (size_t)(tdoc_key(&ROOT, 0) - ROOT.b);
    /* e0: I1's entry (two OEMs, two boards), e1: I2's. */
    size_t e0 = (size_t)(tdoc_key(&RING, i1_entry()) - RING.b);
    size_t e1 = (size_t)(tdoc_key(&RING, 1 - i1_entry()) - RING.b);
    field("root: key record pub_len 64", 0, r0 + HV_KEYREC_OFF_PUB_LEN, 64, 0);
    field("root: key record pub_len 66", 0, r0 + HV_KEYREC_OFF_PUB_LEN, 66, 0);
    field("root: key record pub_len 516", 0, r0 + HV_KEYREC_OFF_PUB_LEN, 516,
          0);
    field("root: key record pub_len 0xffffffff", 0,
          r0 + HV_KEYREC_OFF_PUB_LEN, 0xffffffffu, 0);
    field("keyring: key record pub_len 33", 1, e0 + HV_KEYREC_OFF_PUB_LEN,
          33, 0);
    field("keyring: oem_count 0", 1, e0 + HV_KENT_OFF_OEM_COUNT, 0, 0);
    field("keyring: oem_count 1 (two listed)", 1,
          e0 + HV_KENT_OFF_OEM_COUNT, 1, 0);
    field("keyring: oem_count 3 (two listed)", 1,
          e0 + HV_KENT_OFF_OEM_COUNT, 3, 0);
    field("keyring: oem_count 5", 1, e0 + HV_KENT_OFF_OEM_COUNT, 5, 0);
    field("keyring: board_count 1 (two listed)", 1,
          e0 + HV_KENT_OFF_BOARD_COUNT, 1, 0);
    field("keyring: board_count 3 (two listed)", 1,
          e0 + HV_KENT_OFF_BOARD_COUNT, 3, 0);
    field("keyring: board_count 9", 1, e0 + HV_KENT_OFF_BOARD_COUNT, 9, 0);
    field("keyring: board_count 0xffffffff", 1,
          e1 + HV_KENT_OFF_BOARD_COUNT, 0xffffffffu, 0);

    /* Texts: the first entry's OEMs are "oem-a", "test-oem"; boards
     * "board-x", "test-board-2". */
    text("keyring: OEM id empty", 0, HV_KENT_OFF_OEMS, "", 0);
    text("keyring: OEM id with '/'", 0, HV_KENT_OFF_OEMS, "oem/a", 5);
    text("keyring: OEM id with a space", 0, HV_KENT_OFF_OEMS, "oem a", 5);
    text("keyring: OEM id with 0xff", 0, HV_KENT_OFF_OEMS, "oem\xff", 4);
    text("keyring: OEMs out of order", 0, HV_KENT_OFF_OEMS, "z-oem", 5);
    text("keyring: the same OEM twice", 0, HV_KENT_OFF_OEMS, "test-oem", 8);
    text("keyring: board id with '\\n'", 0, HV_KENT_OFF_BOARDS, "b\n", 2);
    text("keyring: boards out of order", 0, HV_KENT_OFF_BOARDS, "zz", 2);
    text("keyring: the same board twice", 0, HV_KENT_OFF_BOARDS,
         "test-board-2", 12);
    text("keyring: board id empty", 0, HV_KENT_OFF_BOARDS, "", 0);

    /* Records out of id order: swap the two keyring entries, the first
     * two root records. */
    CASE("root: key records out of order");
    fresh();
    uint8_t t[HV_KEYRING_ENTRY_SIZE];
    memcpy(t, tdoc_key(&ROOT, 0), HV_KEYREC_SIZE);
    memcpy(tdoc_key(&ROOT, 0), tdoc_key(&ROOT, 1), HV_KEYREC_SIZE);
    memcpy(tdoc_key(&ROOT, 1), t, HV_KEYREC_SIZE);
    sign_both();
    hv_trust_result res;
    EXPECT(block_now(&res), HV_ERR_TRUST_BLOCK);

    CASE("keyring: entries out of order");
    fresh();
    memcpy(t, tdoc_key(&RING, 0), HV_KEYRING_ENTRY_SIZE);
    memcpy(tdoc_key(&RING, 0), tdoc_key(&RING, 1), HV_KEYRING_ENTRY_SIZE);
    memcpy(tdoc_key(&RING, 1), t, HV_KEYRING_ENTRY_SIZE);
    sign_both();
    EXPECT(block_now(&res), HV_ERR_TRUST_BLOCK);

    CASE("root: two records with one id");
    fresh();
    memcpy(tdoc_key(&ROOT, 1), tdoc_key(&ROOT, 0), HV_KEY_ID_SIZE);
    sign_both();
    EXPECT(block_now(&res), HV_ERR_TRUST_BLOCK);

    /* Slots: lengths, and a filled slot after an empty one. */
    /* A length the slot format refuses (0, above 512, or one that leaves
     * signature bytes after it), or one the key's algorithm refuses. */
    static const struct {
        uint32_t len;
        hv_result want;
    } lens[] = {{0, HV_ERR_TRUST_BLOCK},        {63, HV_ERR_TRUST_BLOCK},
                {65, HV_ERR_ROOT_SIGNATURE},    {512, HV_ERR_ROOT_SIGNATURE},
                {513, HV_ERR_TRUST_BLOCK},      {0xffffffffu, HV_ERR_TRUST_BLOCK}};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        static char name[64];
        snprintf(name, sizeof name, "slot: sig_len %u", lens[i].len);
        CASE(name);
        fresh();
        sign_both();
        hv_put_le32(tdoc_slot(&ROOT, 0) + HV_SIG_OFF_SIG_LEN, lens[i].len);
        EXPECT(block_now(&res), lens[i].want);
    }
    CASE("slot: a filled slot after an empty one");
    fresh();
    sign_both();
    memcpy(tdoc_slot(&ROOT, 2), tdoc_slot(&ROOT, 1), HV_SIG_SLOT_SIZE);
    memset(tdoc_slot(&ROOT, 1), 0, HV_SIG_SLOT_SIZE);
    EXPECT(block_now(&res), HV_ERR_TRUST_BLOCK);

    /* Parses (no filled slot is a structure of its own), then lacks its
     * threshold. */
    CASE("slot: every slot empty");
    fresh();
    EXPECT(block_now(&res), HV_ERR_ROOT_SIGNATURE);
}

static void truncation(void)
{
    fresh();
    sign_both();
    tbuf b = {0};
    tbuf_doc(&b, &ROOT);
    tbuf_doc(&b, &RING);
    hv_policy pol = dev_policy();
    hv_trust_result res;

    CASE("truncated: the block at every length");
    int bad = 0;
    for (size_t n = 0; n < b.len; n++) {
        hv_result r = tblock(b.p, n, &pol, &res);
        if (r != HV_ERR_TRUST_BLOCK) {
            if (bad++ < 5)
                fprintf(stderr, "%s: %zu of %zu bytes: %s\n", case_name, n,
                        b.len, hv_result_name(r));
        }
    }
    CHECK_MSG(bad == 0, "%s: %d lengths not refused", case_name, bad);
    EXPECT(tblock(b.p, b.len, &pol, &res), HV_OK);
    fprintf(stderr, "truncated blocks refused: %zu\n", b.len);

    CASE("truncated: each document at every length");
    bad = 0;
    for (int d = 0; d < 2; d++) {
        tdoc *doc = d ? &RING : &ROOT;
        size_t size = tdoc_size(doc);
        hv_doc parsed;
        for (size_t n = 0; n < size; n++)
            if (hv_doc_parse(doc->b, n, &parsed) != HV_ERR_TRUST_BLOCK)
                bad++;
        /* More bytes than the document: it says how long it is. */
        memset(doc->b + size, 0xee, 64);
        CHECK(hv_doc_parse(doc->b, size + 64, &parsed) == HV_OK &&
              parsed.size == size && parsed.tbs_len == doc->tbs_len &&
              parsed.filled == 2 && parsed.kind == (d ? HV_DOC_KEYRING
                                                       : HV_DOC_ROOT));
    }
    CHECK_MSG(bad == 0, "%s: %d lengths not refused", case_name, bad);

    /* Through hv_verify: a trust_size one short (the image re-laid out
     * and signed for it), so the keyring ends one byte early. */
    CASE("truncated: hv_verify with the block's last byte cut off");
    timg m;
    const tkey *i1[1] = {&I1};
    timg_make(&m, b.p, b.len - 1, 1, i1, 1, 2, NULL);
    hv_verdict v;
    EXPECT(tverify(&m, &pol, &v), HV_ERR_TRUST_BLOCK);
    timg_free(&m);
    tbuf_free(&b);
}

int main(void)
{
    tcases_setup();
    reserved_bytes();
    fields();
    truncation();
    tcases_done();
    return CHECK_DONE();
}
