/* see plan.h; the schema is documented in docs/PROFILE.md */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "host_limits.h"
#include "plan.h"
#include "yaml_doc.h"
#include "hex.h"

#define MIN_ERASE_BLOCK 4096u
#define MIN_COMPRESSION_LEVEL 1u
#define MAX_COMPRESSION_LEVEL 19u /* zstd's highest non-"ultra" level */
#define KEY_ID_HEX_LEN (2u * HV_KEY_ID_SIZE)

typedef struct loader {
    const hv_ydoc *doc;
    hv_profile *p;
    hv_diag *diag;
} loader;

static bool is_pow2(uint64_t v)
{
    return v != 0 && (v & (v - 1)) == 0;
}

/* Report the earliest repeat among the texts of |seq|'s items (already
 * validated as scalars). |what| names the list in the message. */
static int check_unique(loader *l, const hv_ynode *seq, const char *what)
{
    hv_ydup_item *items;
    size_t dup, first;
    int r;

    if (seq->count < 2)
        return 0;
    items = calloc(seq->count, sizeof *items);
    if (!items)
        return hv_yerror(l->doc, seq, l->diag, "out of memory");
    for (size_t i = 0; i < seq->count; i++) {
        items[i].data = seq->items[i]->text;
        items[i].len = seq->items[i]->len;
    }
    r = hv_yfind_dup(items, seq->count, &dup, &first);
    free(items);
    if (r < 0)
        return hv_yerror(l->doc, seq, l->diag, "out of memory");
    if (r > 0) {
        char d[HV_YDESCRIBE_SIZE];
        return hv_yerror(l->doc, seq->items[dup], l->diag,
                         "duplicate %s %s (first at line %u, column %u)", what,
                         hv_ydescribe(seq->items[dup], d, sizeof d),
                         seq->items[first]->line, seq->items[first]->column);
    }
    return 0;
}

static int cmp_board(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* A list of texts of |size| - 1 bytes at most, stored sorted into a fresh
 * array of |count| rows of |size| bytes. */
static int load_text_list(loader *l, const hv_ynode *seq, const char *name,
                          const char *what, size_t size, char **out)
{
    char item[64];
    char *rows;

    *out = NULL;
    if (seq->count == 0)
        return 0;
    rows = calloc(seq->count, size); /* calloc checks the product */
    if (!rows)
        return hv_yerror(l->doc, seq, l->diag, "out of memory");
    *out = rows;
    for (size_t i = 0; i < seq->count; i++) {
        snprintf(item, sizeof item, "%s[%zu]", name, i);
        if (hv_yget_text(l->doc, seq->items[i], item, rows + i * size, size,
                         l->diag) != 0)
            return -1;
    }
    if (check_unique(l, seq, what) != 0)
        return -1;
    qsort(rows, seq->count, size, cmp_board);
    return 0;
}

static int load_boards(loader *l, const hv_ynode *root)
{
    const hv_ynode *seq;
    char *rows;
    int r;

    if (hv_ymap_need(l->doc, root, NULL, "boards", &seq, l->diag) != 0 ||
        hv_yseq_check(l->doc, seq, "boards", l->diag) != 0)
        return -1;
    if (seq->count < 1 || seq->count > HV_MAX_BOARDS)
        return hv_yerror(l->doc, seq, l->diag,
                         "'boards' must list 1 to %u boards, found %zu",
                         (unsigned)HV_MAX_BOARDS, seq->count);
    r = load_text_list(l, seq, "boards", "board", HV_BOARD_ID_SIZE + 1, &rows);
    l->p->boards = (char(*)[HV_BOARD_ID_SIZE + 1])rows;
    l->p->board_count = seq->count;
    return r;
}

typedef struct region_src {
    const char *name;
    hv_flash_region *dst;
    const hv_ynode *map, *offset, *size;
} region_src;

static int load_region(loader *l, const hv_ynode *flash, region_src *r)
{
    static const char *const keys[] = {"offset", "size", NULL};
    char name[48];

    if (hv_ymap_need(l->doc, flash, "flash", r->name, &r->map, l->diag) != 0 ||
        hv_ymap_check(l->doc, r->map, r->name, keys, l->diag) != 0 ||
        hv_ymap_need(l->doc, r->map, r->name, "offset", &r->offset,
                     l->diag) != 0 ||
        hv_ymap_need(l->doc, r->map, r->name, "size", &r->size, l->diag) != 0)
        return -1;
    snprintf(name, sizeof name, "%s.offset", r->name);
    if (hv_yget_size(l->doc, r->offset, name, &r->dst->offset, l->diag) != 0)
        return -1;
    snprintf(name, sizeof name, "%s.size", r->name);
    return hv_yget_size(l->doc, r->size, name, &r->dst->size, l->diag);
}

static int check_region(loader *l, const region_src *r)
{
    const hv_profile *p = l->p;
    uint64_t off = r->dst->offset, size = r->dst->size;

    if (off % p->erase_block != 0)
        return hv_yerror(l->doc, r->offset, l->diag,
                         "'%s.offset' (0x%" PRIx64 ") is not a multiple of "
                         "'erase_block' (0x%" PRIx64 ")",
                         r->name, off, p->erase_block);
    if (size == 0)
        return hv_yerror(l->doc, r->size, l->diag,
                         "'%s.size' must not be 0", r->name);
    if (size % p->erase_block != 0)
        return hv_yerror(l->doc, r->size, l->diag,
                         "'%s.size' (0x%" PRIx64 ") is not a multiple of "
                         "'erase_block' (0x%" PRIx64 ")",
                         r->name, size, p->erase_block);
    /* Written as a subtraction: offset + size could wrap. */
    if (off > p->flash_size || size > p->flash_size - off)
        return hv_yerror(l->doc, r->size, l->diag,
                         "'%s' (offset 0x%" PRIx64 ", size 0x%" PRIx64
                         ") does not fit in the flash (size 0x%" PRIx64 ")",
                         r->name, off, size, p->flash_size);
    return 0;
}

static int load_flash(loader *l, const hv_ynode *root)
{
    static const char *const keys[] = {"size",       "erase_block", "boot_stage",
                                       "boot_state", "slot_a",      "slot_b",
                                       NULL};
    const hv_ydoc *doc = l->doc;
    hv_profile *p = l->p;
    const hv_ynode *flash, *size, *eb;
    region_src rs[4] = {
        {"boot_stage", &p->boot_stage, NULL, NULL, NULL},
        {"boot_state", &p->boot_state, NULL, NULL, NULL},
        {"slot_a", &p->slot_a, NULL, NULL, NULL},
        {"slot_b", &p->slot_b, NULL, NULL, NULL},
    };

    if (hv_ymap_need(doc, root, NULL, "flash", &flash, l->diag) != 0 ||
        hv_ymap_check(doc, flash, "flash", keys, l->diag) != 0 ||
        hv_ymap_need(doc, flash, "flash", "size", &size, l->diag) != 0 ||
        hv_yget_size(doc, size, "size", &p->flash_size, l->diag) != 0 ||
        hv_ymap_need(doc, flash, "flash", "erase_block", &eb, l->diag) != 0 ||
        hv_yget_size(doc, eb, "erase_block", &p->erase_block, l->diag) != 0)
        return -1;
    if (!is_pow2(p->erase_block) || p->erase_block < MIN_ERASE_BLOCK)
        return hv_yerror(doc, eb, l->diag,
                         "'erase_block' must be a power of two of at least "
                         "%u, found 0x%" PRIx64,
                         MIN_ERASE_BLOCK, p->erase_block);
    if (p->flash_size == 0 || p->flash_size % p->erase_block != 0)
        return hv_yerror(doc, size, l->diag,
                         "'size' (0x%" PRIx64 ") must be a non-zero multiple "
                         "of 'erase_block' (0x%" PRIx64 ")",
                         p->flash_size, p->erase_block);
    for (size_t i = 0; i < 4; i++)
        if (load_region(l, flash, &rs[i]) != 0 || check_region(l, &rs[i]) != 0)
            return -1;
    /* Two blocks so that one can be erased while the other holds state. */
    if (p->boot_state.size < 2 * p->erase_block)
        return hv_yerror(doc, rs[1].size, l->diag,
                         "'boot_state.size' (0x%" PRIx64 ") must be at least "
                         "two erase blocks (0x%" PRIx64 ")",
                         p->boot_state.size, 2 * p->erase_block);
    for (size_t j = 1; j < 4; j++) {
        for (size_t i = 0; i < j; i++) {
            const hv_flash_region *a = rs[i].dst, *b = rs[j].dst;
            /* Both fit in the flash, so neither end can wrap. */
            if (a->offset < b->offset + b->size &&
                b->offset < a->offset + a->size)
                return hv_yerror(
                    doc, rs[j].offset, l->diag,
                    "'%s' (0x%" PRIx64 "..0x%" PRIx64 ") overlaps '%s' "
                    "(0x%" PRIx64 "..0x%" PRIx64 ")",
                    rs[j].name, b->offset, b->offset + b->size, rs[i].name,
                    a->offset, a->offset + a->size);
        }
    }
    /* An A/B update writes the same image to either slot. */
    if (p->slot_a.size != p->slot_b.size)
        return hv_yerror(doc, rs[3].size, l->diag,
                         "'slot_b.size' (0x%" PRIx64 ") differs from "
                         "'slot_a.size' (0x%" PRIx64 "): the slots must be "
                         "the same size",
                         p->slot_b.size, p->slot_a.size);
    return 0;
}

static int load_image(loader *l, const hv_ynode *root)
{
    static const char *const keys[] = {"section_alignment", "compression_level",
                                       "digest", "signature_slots", NULL};
    const hv_ydoc *doc = l->doc;
    hv_profile *p = l->p;
    const hv_ynode *img, *v;
    char d[HV_YDESCRIBE_SIZE];
    uint64_t n;

    if (hv_ymap_need(doc, root, NULL, "image", &img, l->diag) != 0 ||
        hv_ymap_check(doc, img, "image", keys, l->diag) != 0)
        return -1;

    if (hv_ymap_need(doc, img, "image", "section_alignment", &v, l->diag) !=
            0 ||
        hv_yget_size(doc, v, "section_alignment", &n, l->diag) != 0)
        return -1;
    if (!is_pow2(n) || n < HV_MIN_SECTION_ALIGN || n > HV_MAX_SECTION_ALIGN)
        return hv_yerror(doc, v, l->diag,
                         "'section_alignment' must be a power of two from %u "
                         "to %u, found %s",
                         (unsigned)HV_MIN_SECTION_ALIGN,
                         (unsigned)HV_MAX_SECTION_ALIGN,
                         hv_ydescribe(v, d, sizeof d));
    p->section_align = (uint32_t)n;

    if (hv_ymap_need(doc, img, "image", "compression_level", &v, l->diag) !=
            0 ||
        hv_yget_u64(doc, v, "compression_level", &n, l->diag) != 0)
        return -1;
    if (n < MIN_COMPRESSION_LEVEL || n > MAX_COMPRESSION_LEVEL)
        return hv_yerror(doc, v, l->diag,
                         "'compression_level' must be from %u to %u, found %s",
                         MIN_COMPRESSION_LEVEL, MAX_COMPRESSION_LEVEL,
                         hv_ydescribe(v, d, sizeof d));
    p->compression_level = (int)n;

    if (hv_ymap_need(doc, img, "image", "digest", &v, l->diag) != 0)
        return -1;
    p->digest_alg = v->kind == HV_Y_SCALAR && strlen(v->text) == v->len
                        ? hv_digest_alg_from_name(v->text)
                        : 0;
    if (!p->digest_alg)
        return hv_yerror(doc, v, l->diag,
                         "'digest' must be one of sha256, sha384, found %s",
                         hv_ydescribe(v, d, sizeof d));

    if (hv_ymap_need(doc, img, "image", "signature_slots", &v, l->diag) != 0 ||
        hv_yget_u64(doc, v, "signature_slots", &n, l->diag) != 0)
        return -1;
    if (n < 1 || n > HV_MAX_SIGNATURE_SLOTS)
        return hv_yerror(doc, v, l->diag,
                         "'signature_slots' must be from 1 to %u, found %s",
                         (unsigned)HV_MAX_SIGNATURE_SLOTS,
                         hv_ydescribe(v, d, sizeof d));
    p->signature_slots = (uint32_t)n;
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_key_id(const void *a, const void *b)
{
    return memcmp(a, b, HV_KEY_ID_SIZE);
}

static int load_algorithms(loader *l, const hv_ynode *keys)
{
    static const uint32_t all[] = {
        HV_SIG_ECDSA_P256_SHA256, HV_SIG_ECDSA_P384_SHA384,
        HV_SIG_RSA3072_PKCS1_SHA256, HV_SIG_RSA4096_PKCS1_SHA256};
    const size_t nall = sizeof all / sizeof all[0];
    const hv_ydoc *doc = l->doc;
    hv_profile *p = l->p;
    const hv_ynode *seq, *seen[sizeof all / sizeof all[0]] = {NULL};
    char d[HV_YDESCRIBE_SIZE];

    if (hv_ymap_need(doc, keys, "keys", "algorithms", &seq, l->diag) != 0 ||
        hv_yseq_check(doc, seq, "algorithms", l->diag) != 0)
        return -1;
    if (seq->count == 0)
        return hv_yerror(doc, seq, l->diag,
                         "'algorithms' must list at least one algorithm");
    /* Each name may appear once, so a valid list has at most |nall|. */
    p->accept_algs = calloc(nall, sizeof *p->accept_algs);
    if (!p->accept_algs)
        return hv_yerror(doc, seq, l->diag, "out of memory");
    for (size_t i = 0; i < seq->count; i++) {
        const hv_ynode *v = seq->items[i];
        uint32_t id = 0;
        size_t k;

        if (v->kind == HV_Y_SCALAR && strlen(v->text) == v->len)
            id = hv_sig_alg_from_name(v->text);
        for (k = 0; k < nall && all[k] != id; k++)
            ;
        if (!id || k == nall) {
            char list[256] = "";
            size_t o = 0;
            for (size_t j = 0; j < nall; j++) {
                int n = snprintf(list + o, sizeof list - o, "%s%s",
                                 j ? ", " : "", hv_sig_alg_name(all[j]));
                if (n < 0 || (size_t)n >= sizeof list - o)
                    break;
                o += (size_t)n;
            }
            return hv_yerror(doc, v, l->diag,
                             "unknown algorithm %s in 'algorithms' (expected "
                             "one of: %s)",
                             hv_ydescribe(v, d, sizeof d), list);
        }
        if (seen[k])
            return hv_yerror(doc, v, l->diag,
                             "duplicate algorithm '%s' (first at line %u, "
                             "column %u)",
                             v->text, seen[k]->line, seen[k]->column);
        seen[k] = v;
        p->accept_algs[p->accept_alg_count++] = id;
    }
    qsort(p->accept_algs, p->accept_alg_count, sizeof *p->accept_algs,
          cmp_u32);
    return 0;
}

static int load_key_ids(loader *l, const hv_ynode *keys)
{
    const hv_ydoc *doc = l->doc;
    hv_profile *p = l->p;
    const hv_ynode *seq = hv_ymap_get(keys, "key_ids");
    hv_ydup_item *items;
    size_t dup, first;
    int r;

    if (!seq)
        return 0;
    if (hv_yseq_check(doc, seq, "key_ids", l->diag) != 0)
        return -1;
    if (seq->count == 0)
        return 0;
    p->accept_key_ids = calloc(seq->count, sizeof *p->accept_key_ids);
    if (!p->accept_key_ids)
        return hv_yerror(doc, seq, l->diag, "out of memory");
    p->accept_key_id_count = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        const hv_ynode *v = seq->items[i];
        bool ok = v->kind == HV_Y_SCALAR && v->len == KEY_ID_HEX_LEN;
        char d[HV_YDESCRIBE_SIZE];

        for (size_t j = 0; ok && j < HV_KEY_ID_SIZE; j++) {
            int hi = hv_hex_value(v->text[2 * j]);
            int lo = hv_hex_value(v->text[2 * j + 1]);
            ok = hi >= 0 && lo >= 0;
            if (ok)
                p->accept_key_ids[i][j] = (uint8_t)(hi << 4 | lo);
        }
        if (!ok)
            return hv_yerror(doc, v, l->diag,
                             "'key_ids[%zu]' must be %u hexadecimal digits "
                             "(a SHA-256 key id), found %s",
                             i, KEY_ID_HEX_LEN, hv_ydescribe(v, d, sizeof d));
    }
    /* Compared as bytes, so "AB.." and "ab.." are the same key. */
    items = calloc(seq->count, sizeof *items);
    if (!items)
        return hv_yerror(doc, seq, l->diag, "out of memory");
    for (size_t i = 0; i < seq->count; i++) {
        items[i].data = p->accept_key_ids[i];
        items[i].len = HV_KEY_ID_SIZE;
    }
    r = hv_yfind_dup(items, seq->count, &dup, &first);
    free(items);
    if (r < 0)
        return hv_yerror(doc, seq, l->diag, "out of memory");
    if (r > 0)
        return hv_yerror(doc, seq->items[dup], l->diag,
                         "duplicate key id (first at line %u, column %u)",
                         seq->items[first]->line, seq->items[first]->column);
    qsort(p->accept_key_ids, p->accept_key_id_count,
          sizeof *p->accept_key_ids, cmp_key_id);
    return 0;
}

static int load_keys(loader *l, const hv_ynode *root)
{
    static const char *const keys[] = {"algorithms", "key_ids", NULL};
    const hv_ynode *k;

    if (hv_ymap_need(l->doc, root, NULL, "keys", &k, l->diag) != 0 ||
        hv_ymap_check(l->doc, k, "keys", keys, l->diag) != 0)
        return -1;
    if (load_algorithms(l, k) != 0)
        return -1;
    return load_key_ids(l, k);
}

static hv_origin origin_of(const loader *l, const hv_ynode *n)
{
    hv_origin o = {l->p->file, n->line, n->column};
    return o;
}

/* One key file: a path resolved against the profile's folder that must
 * exist now, so a typo is reported at its place rather than at the first
 * build that needs the key. PKCS#11 URIs are kept as they are. */
int hv_profile_key_path(const hv_ydoc *doc, const hv_ynode *v,
                        const hv_profile *p, const char *name,
                        hv_profile_key *out, hv_diag *diag)
{
    struct stat st;
    char *rel;

    if (hv_yget_path(doc, v, name, &rel, diag) != 0)
        return -1;
    out->origin = (hv_origin){p->file, v->line, v->column};
    if (strncmp(rel, "pkcs11:", 7) == 0) {
        out->path = rel;
        return 0;
    }
    out->path = hv_plan_resolve_path(p->file, rel);
    free(rel);
    if (!out->path)
        return hv_yerror(doc, v, diag, "out of memory");
    if (stat(out->path, &st) != 0)
        return hv_yerror(doc, v, diag,
                         "'%s' refers to '%s', which cannot be read: %s", name,
                         out->path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return hv_yerror(doc, v, diag,
                         "'%s' refers to '%s', which is not a regular file",
                         name, out->path);
    return 0;
}

static int load_key_path(loader *l, const hv_ynode *v, const char *name,
                         hv_profile_key *out)
{
    return hv_profile_key_path(l->doc, v, l->p, name, out, l->diag);
}

/* A sequence of key files, unique as written (the same key under two
 * spellings is caught at admission, by key id). */
static int load_key_list(loader *l, const hv_ynode *seq, const char *name,
                         hv_profile_key **out, size_t *count)
{
    char item[96];

    if (hv_yseq_check(l->doc, seq, name, l->diag) != 0)
        return -1;
    if (seq->count == 0)
        return hv_yerror(l->doc, seq, l->diag,
                         "'%s' must list at least one public key file "
                         "(leave the key out for none)",
                         name);
    if (seq->count > HV_MAX_PROFILE_KEYS)
        return hv_yerror(l->doc, seq, l->diag,
                         "'%s' lists %zu keys, more than the limit of %u",
                         name, seq->count, (unsigned)HV_MAX_PROFILE_KEYS);
    *out = calloc(seq->count, sizeof **out);
    if (!*out)
        return hv_yerror(l->doc, seq, l->diag, "out of memory");
    *count = seq->count;
    for (size_t i = 0; i < seq->count; i++) {
        snprintf(item, sizeof item, "%s[%zu]", name, i);
        if (load_key_path(l, seq->items[i], item, &(*out)[i]) != 0)
            return -1;
    }
    return check_unique(l, seq, "key file");
}

static bool vendor_allowed(const hv_profile *p, const char *vendor)
{
    for (size_t i = 0; p->allow_vendors && i < p->allow_vendor_count; i++)
        if (strcmp(p->allow_vendors[i], vendor) == 0)
            return true;
    return false;
}

static int cmp_vendor_keys(const void *a, const void *b)
{
    return strcmp(((const hv_vendor_keys *)a)->vendor,
                  ((const hv_vendor_keys *)b)->vendor);
}

/* vendor_keys: {VENDOR: [PEM, ...], ...}. Map keys are unique (yaml_doc). */
static int load_vendor_keys(loader *l, const hv_ynode *map)
{
    hv_profile *p = l->p;
    char d[HV_YDESCRIBE_SIZE], name[96];

    if (map->kind != HV_Y_MAP)
        return hv_yerror(l->doc, map, l->diag,
                         "'vendor_keys' must be a map of vendor names to "
                         "lists of public key files, found %s",
                         hv_ydescribe(map, d, sizeof d));
    if (map->count == 0)
        return 0;
    p->vendor_keys = calloc(map->count, sizeof *p->vendor_keys);
    if (!p->vendor_keys)
        return hv_yerror(l->doc, map, l->diag, "out of memory");
    p->vendor_key_count = map->count;
    for (size_t i = 0; i < map->count; i++) {
        const hv_ynode *k = map->items[2 * i], *v = map->items[2 * i + 1];
        hv_vendor_keys *vk = &p->vendor_keys[i];

        if (hv_yget_text(l->doc, k, "vendor_keys", vk->vendor,
                         sizeof vk->vendor, l->diag) != 0)
            return -1;
        vk->origin = origin_of(l, k);
        /* A key for a vendor the profile does not admit is a typo or a
         * leftover: either way the profile does not say what it means. */
        if (!vendor_allowed(p, vk->vendor))
            return hv_yerror(l->doc, k, l->diag,
                             "'vendor_keys' lists keys for vendor '%s', which "
                             "'allow_vendors' does not admit",
                             vk->vendor);
        snprintf(name, sizeof name, "vendor_keys.%s", vk->vendor);
        if (load_key_list(l, v, name, &vk->keys, &vk->key_count) != 0)
            return -1;
    }
    qsort(p->vendor_keys, p->vendor_key_count, sizeof *p->vendor_keys,
          cmp_vendor_keys);
    return 0;
}

static int load_min_acceptance(loader *l, const hv_ynode *v)
{
    char d[HV_YDESCRIBE_SIZE];

    if (v->kind != HV_Y_SCALAR || strlen(v->text) != v->len ||
        hv_acceptance_from_name(v->text, &l->p->min_acceptance) != 0)
        return hv_yerror(l->doc, v, l->diag,
                         "'min_acceptance' must be one of certified, "
                         "accepted, partner, community, found %s",
                         hv_ydescribe(v, d, sizeof d));
    l->p->min_acceptance_origin = origin_of(l, v);
    return 0;
}

static int load_drivers(loader *l, const hv_ynode *root)
{
    static const char *const keys[] = {"allow_vendors", "min_acceptance",
                                       "vendor_keys",   "partner_keys",
                                       "oem_keys",      NULL};
    hv_profile *p = l->p;
    const hv_ynode *drv, *seq, *v;
    char *rows;
    int r;

    if (hv_ymap_need(l->doc, root, NULL, "drivers", &drv, l->diag) != 0 ||
        hv_ymap_check(l->doc, drv, "drivers", keys, l->diag) != 0 ||
        hv_ymap_need(l->doc, drv, "drivers", "allow_vendors", &seq, l->diag) !=
            0 ||
        hv_yseq_check(l->doc, seq, "allow_vendors", l->diag) != 0)
        return -1;
    r = load_text_list(l, seq, "allow_vendors", "vendor",
                       HV_SECTION_NAME_SIZE + 1, &rows);
    p->allow_vendors = (char(*)[HV_SECTION_NAME_SIZE + 1])rows;
    p->allow_vendor_count = seq->count;
    if (r != 0)
        return r;
    if ((v = hv_ymap_get(drv, "min_acceptance")) && load_min_acceptance(l, v))
        return -1;
    if ((v = hv_ymap_get(drv, "vendor_keys")) && load_vendor_keys(l, v) != 0)
        return -1;
    if ((v = hv_ymap_get(drv, "partner_keys")) &&
        load_key_list(l, v, "partner_keys", &p->partner_keys,
                      &p->partner_key_count) != 0)
        return -1;
    if ((v = hv_ymap_get(drv, "oem_keys")) &&
        load_key_list(l, v, "oem_keys", &p->oem_keys, &p->oem_key_count) != 0)
        return -1;
    return 0;
}

static void free_keys(hv_profile_key *keys, size_t count)
{
    for (size_t i = 0; keys && i < count; i++)
        free(keys[i].path);
    free(keys);
}

int hv_profile_load(const char *path, hv_profile *out, hv_diag *diag)
{
    static const char *const keys[] = {"oem_id", "boards", "flash",
                                       "image",  "keys",   "drivers",
                                       "counter", "trust_block", "roots",
                                       NULL};
    hv_ydoc doc;
    loader l;
    const hv_ynode *v;
    int rc = -1;

    memset(out, 0, sizeof *out);
    memset(&doc, 0, sizeof doc);
    out->file = strdup(path);
    if (!out->file)
        return hv_fail(diag, HV_FAIL_INTERNAL, "%s: error: out of memory", path);
    if (hv_ydoc_load(&doc, path, diag) != 0)
        goto out;
    l.doc = &doc;
    l.p = out;
    l.diag = diag;
    if (hv_ymap_check(&doc, doc.root, NULL, keys, diag) != 0 ||
        hv_ymap_need(&doc, doc.root, NULL, "oem_id", &v, diag) != 0 ||
        hv_yget_text(&doc, v, "oem_id", out->oem_id, sizeof out->oem_id,
                     diag) != 0 ||
        load_boards(&l, doc.root) != 0 || load_flash(&l, doc.root) != 0 ||
        load_image(&l, doc.root) != 0 || load_keys(&l, doc.root) != 0 ||
        load_drivers(&l, doc.root) != 0 ||
        hv_profile_load_counter(&doc, doc.root, out, diag) != 0 ||
        hv_profile_load_roots(&doc, doc.root, out, diag) != 0)
        goto out;
    rc = 0;
out:
    hv_ydoc_free(&doc);
    if (rc != 0)
        hv_profile_free(out);
    return rc;
}

void hv_profile_free(hv_profile *p)
{
    if (!p)
        return;
    free(p->file);
    free(p->boards);
    free(p->accept_algs);
    free(p->accept_key_ids);
    free(p->allow_vendors);
    for (size_t i = 0; p->vendor_keys && i < p->vendor_key_count; i++)
        free_keys(p->vendor_keys[i].keys, p->vendor_keys[i].key_count);
    free(p->vendor_keys);
    free_keys(p->partner_keys, p->partner_key_count);
    free_keys(p->oem_keys, p->oem_key_count);
    free(p->trust_block);
    free_keys(p->root_keys, p->root_key_count);
    memset(p, 0, sizeof *p);
}
