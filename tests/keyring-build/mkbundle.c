/*
 * mkbundle: root and keyring documents for the builder, assemble, inspect
 * and verify tests (tests/keyring-build/), written byte by byte from
 * include/hvimage/format.h with the signing library, independently of
 * `hvimage root|keyring create` (another helper's commands), so these
 * tests do not depend on them.
 *
 *   mkbundle root OUT VERSION THRESHOLD SLOTS PUB[,PUB...] [SIGNER...]
 *   mkbundle keyring OUT VERSION ROOT_VERSION MIN_EPOCH SLOTS ENTRY[;ENTRY...]
 *            [SIGNER...]
 *       ENTRY = PUB:EPOCH:OEM[/OEM...][:BOARD[/BOARD...]]
 *
 * A document's signed bytes are its header || body; each SIGNER (a private
 * key file) fills one slot, slots ordered by key id. Exit 0, or 2 with a
 * message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "hvboot.h"
#include "hvimage/codec.h"
#include "hvimage/flash.h"
#include "signing.h"

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "mkbundle: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    exit(2);
}

static uint64_t num(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end)
        die("not a number", s);
    return v;
}

static void load_pub(const char *path, hv_pubkey *k)
{
    hv_diag d = {0};
    if (hv_pubkey_load(path, k, &d) != 0)
        die("cannot load public key", d.msg);
}

static void put_rec(uint8_t *r, const hv_pubkey *k)
{
    memcpy(r + HV_KEYREC_OFF_KEY_ID, k->key_id, HV_KEY_ID_SIZE);
    hv_put_le32(r + HV_KEYREC_OFF_SIG_ALG, k->sig_alg);
    hv_put_le32(r + HV_KEYREC_OFF_PUB_LEN, (uint32_t)k->pub_len);
    memcpy(r + HV_KEYREC_OFF_PUB, k->pub, k->pub_len);
}

typedef struct entry {
    hv_pubkey key;
    uint64_t epoch;
    char oems[HV_SCOPE_MAX_OEMS][HV_OEM_ID_SIZE + 1];
    char boards[HV_SCOPE_MAX_BOARDS][HV_BOARD_ID_SIZE + 1];
    uint32_t oem_count, board_count;
} entry;

static int cmp_key(const void *a, const void *b)
{
    return memcmp(((const hv_pubkey *)a)->key_id,
                  ((const hv_pubkey *)b)->key_id, HV_KEY_ID_SIZE);
}

static int cmp_entry(const void *a, const void *b)
{
    return memcmp(((const entry *)a)->key.key_id,
                  ((const entry *)b)->key.key_id, HV_KEY_ID_SIZE);
}

static int cmp_text(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* "a/b/c" into |out|, |max| items of |size| bytes, sorted. */
static uint32_t split_list(char *s, char *out, size_t size, uint32_t max)
{
    uint32_t n = 0;
    for (char *t = strtok(s, "/"); t; t = strtok(NULL, "/")) {
        if (n == max || strlen(t) >= size)
            die("too many or too long scope items", t);
        snprintf(out + n * size, size, "%s", t);
        n++;
    }
    qsort(out, n, size, cmp_text);
    return n;
}

/* Header, body, then |slots| signature slots from |signers|. */
static void write_doc(const char *out, const char *magic, const uint8_t *body,
                      size_t body_len, uint32_t slots, char **signers,
                      int nsigners)
{
    size_t tbs_len = HV_DOC_HEADER_SIZE + body_len;
    size_t len = tbs_len + (size_t)slots * HV_SIG_SLOT_SIZE;
    uint8_t *doc = calloc(1, len);
    if (!doc)
        die("out of memory", NULL);
    memcpy(doc + HV_DOC_OFF_MAGIC, magic, 8);
    hv_put_le32(doc + HV_DOC_OFF_VERSION, HV_DOC_VERSION);
    hv_put_le32(doc + HV_DOC_OFF_BODY_SIZE, (uint32_t)body_len);
    hv_put_le32(doc + HV_DOC_OFF_SIG_SLOTS, slots);
    memcpy(doc + HV_DOC_HEADER_SIZE, body, body_len);
    for (int i = 0; i < nsigners; i++) {
        hv_diag d = {0};
        hv_signer *s;
        uint8_t sig[HV_SIG_MAX_SIZE];
        size_t sig_len;
        if (hv_signer_load(signers[i], &s, &d) != 0 ||
            hv_signer_sign(s, doc, tbs_len, sig, &sig_len, &d) != 0)
            die("cannot sign", d.msg);
        if (hv_sig_block_insert(doc + tbs_len, slots,
                                hv_signer_pubkey(s)->key_id, sig,
                                sig_len) != HV_SLOT_OK)
            die("signer given twice or too few slots", signers[i]);
        hv_signer_free(s);
    }
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(doc, 1, len, f) != len || fclose(f) != 0)
        die("cannot write", out);
    free(doc);
}

static void root(int argc, char **argv)
{
    if (argc < 7)
        die("usage: root OUT VERSION THRESHOLD SLOTS PUBS [SIGNER...]", NULL);
    hv_pubkey keys[HV_ROOT_MAX_KEYS + 1];
    uint32_t n = 0;
    for (char *t = strtok(argv[6], ","); t; t = strtok(NULL, ",")) {
        if (n == HV_ROOT_MAX_KEYS + 1)
            die("too many root keys", NULL);
        load_pub(t, &keys[n++]);
    }
    qsort(keys, n, sizeof keys[0], cmp_key);
    size_t body_len = HV_ROOT_FIXED_SIZE + (size_t)n * HV_KEYREC_SIZE;
    uint8_t *body = calloc(1, body_len);
    if (!body)
        die("out of memory", NULL);
    hv_put_le64(body + HV_ROOT_OFF_VERSION, num(argv[3]));
    hv_put_le32(body + HV_ROOT_OFF_THRESHOLD, (uint32_t)num(argv[4]));
    hv_put_le32(body + HV_ROOT_OFF_KEY_COUNT, n);
    for (uint32_t i = 0; i < n; i++)
        put_rec(body + HV_ROOT_FIXED_SIZE + (size_t)i * HV_KEYREC_SIZE,
                &keys[i]);
    write_doc(argv[2], HV_ROOT_MAGIC, body, body_len, (uint32_t)num(argv[5]),
              argv + 7, argc - 7);
    free(body);
}

static void keyring(int argc, char **argv)
{
    if (argc < 8)
        die("usage: keyring OUT VERSION ROOT_VERSION MIN_EPOCH SLOTS ENTRIES "
            "[SIGNER...]", NULL);
    entry *e = calloc(HV_KEYRING_MAX_KEYS + 1, sizeof *e);
    uint32_t n = 0;
    char *save = NULL;
    if (!e)
        die("out of memory", NULL);
    for (char *t = strtok_r(argv[7], ";", &save); t;
         t = strtok_r(NULL, ";", &save)) {
        if (n == HV_KEYRING_MAX_KEYS + 1)
            die("too many keyring keys", NULL);
        char *pub = t, *epoch = strchr(pub, ':'), *oems, *boards;
        if (!epoch || !(oems = strchr(epoch + 1, ':')))
            die("entry is not PUB:EPOCH:OEMS[:BOARDS]", t);
        *epoch++ = 0;
        *oems++ = 0;
        boards = strchr(oems, ':');
        if (boards)
            *boards++ = 0;
        load_pub(pub, &e[n].key);
        e[n].epoch = num(epoch);
        e[n].oem_count = split_list(oems, &e[n].oems[0][0],
                                    HV_OEM_ID_SIZE + 1, HV_SCOPE_MAX_OEMS);
        if (boards)
            e[n].board_count = split_list(boards, &e[n].boards[0][0],
                                          HV_BOARD_ID_SIZE + 1,
                                          HV_SCOPE_MAX_BOARDS);
        n++;
    }
    qsort(e, n, sizeof *e, cmp_entry);
    size_t body_len = HV_KEYRING_FIXED_SIZE + (size_t)n * HV_KEYRING_ENTRY_SIZE;
    uint8_t *body = calloc(1, body_len);
    if (!body)
        die("out of memory", NULL);
    hv_put_le64(body + HV_KEYRING_OFF_VERSION, num(argv[3]));
    hv_put_le64(body + HV_KEYRING_OFF_ROOT_VERSION, num(argv[4]));
    hv_put_le64(body + HV_KEYRING_OFF_MIN_EPOCH, num(argv[5]));
    hv_put_le32(body + HV_KEYRING_OFF_KEY_COUNT, n);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *r = body + HV_KEYRING_FIXED_SIZE +
                     (size_t)i * HV_KEYRING_ENTRY_SIZE;
        put_rec(r + HV_KENT_OFF_KEY, &e[i].key);
        hv_put_le64(r + HV_KENT_OFF_EPOCH, e[i].epoch);
        hv_put_le32(r + HV_KENT_OFF_OEM_COUNT, e[i].oem_count);
        hv_put_le32(r + HV_KENT_OFF_BOARD_COUNT, e[i].board_count);
        for (uint32_t j = 0; j < e[i].oem_count; j++)
            memcpy(r + HV_KENT_OFF_OEMS + j * HV_OEM_ID_SIZE, e[i].oems[j],
                   strlen(e[i].oems[j]));
        for (uint32_t j = 0; j < e[i].board_count; j++)
            memcpy(r + HV_KENT_OFF_BOARDS + j * HV_BOARD_ID_SIZE,
                   e[i].boards[j], strlen(e[i].boards[j]));
    }
    write_doc(argv[2], HV_KEYRING_MAGIC, body, body_len,
              (uint32_t)num(argv[6]), argv + 8, argc - 8);
    free(body);
    free(e);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "root") == 0)
        root(argc, argv);
    else if (argc > 1 && strcmp(argv[1], "keyring") == 0)
        keyring(argc, argv);
    else
        die("usage: mkbundle root|keyring ...", NULL);
    return 0;
}
