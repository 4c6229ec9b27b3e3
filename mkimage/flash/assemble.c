/*
 * hv_assemble(): check every input, then stream the flash image region by
 * region into an atomic output file. Layout rules: include/hvimage/flash.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "assemble.h"
#include "hvbootstate.h"
#include "atomic_file.h"
#include "builder.h"
#include "device_check.h"
#include "exit_codes.h"
#include "hvimage/codec.h"
#include "hvtrust.h"
#include "plan.h"
#include "signing.h"
#include "trust_bundle.h"

static const char *const region_names[4] = {"boot_stage", "boot_state",
                                            "slot_a", "slot_b"};

/* Read a whole regular file of at most |cap| bytes. */
static int read_input(const char *path, const char *what, uint64_t cap,
                      const char *region, uint8_t **buf, size_t *len,
                      hv_diag *diag)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    *buf = NULL;
    *len = 0;
    if (!f) {
        char action[64];
        snprintf(action, sizeof action, "cannot open %s", what);
        return hv_fail_errno(diag, errno, path, action);
    }
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return hv_diag_set(diag, "%s: %s is not a regular file", path, what);
    }
    if ((uint64_t)st.st_size > cap) {
        fclose(f);
        return hv_diag_set(diag, "%s: %s is %llu bytes, more than the "
                           "profile's '%s' region (%llu bytes)", path, what,
                           (unsigned long long)st.st_size, region,
                           (unsigned long long)cap);
    }
    *len = (size_t)st.st_size;
    *buf = malloc(*len ? *len : 1);
    if (!*buf) {
        fclose(f);
        return hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory", path);
    }
    if (fread(*buf, 1, *len, f) != *len) {
        int err = ferror(f) ? errno : 0;
        fclose(f);
        free(*buf);
        *buf = NULL;
        if (err)
            return hv_fail_errno(diag, err, path, "read failed");
        return hv_fail(diag, HV_FAIL_IO, "%s: the file shrank while being "
                       "read", path);
    }
    fclose(f);
    return 0;
}

/* format.h text rule, for the board id that goes into the trust area. */
static bool text_ok(const char *s, size_t max)
{
    return max <= UINT32_MAX && hv_text_string(s, (uint32_t)max);
}

/* ---- The stage binary --------------------------------------------------- */

static int check_stage(const char *path, const uint8_t *s, size_t len,
                       uint64_t *trust_off, hv_diag *diag)
{
    const uint8_t *h = s + HV_STAGE_HDR_OFFSET;
    if (len < HV_STAGE_HDR_OFFSET + HV_STAGE_HDR_SIZE ||
        memcmp(h + HV_STAGE_OFF_MAGIC, HV_STAGE_MAGIC, 8) != 0)
        return hv_diag_set(diag, "%s: byte offset %u: not an hvimage boot "
                           "stage (no stage header; pass hvstage.bin, not the "
                           "ELF)", path, HV_STAGE_HDR_OFFSET);
    if (hv_le32(h + HV_STAGE_OFF_VERSION) != HV_STAGE_HDR_VERSION)
        return hv_diag_set(diag, "%s: byte offset %u: stage header version "
                           "%u is not %u", path,
                           HV_STAGE_HDR_OFFSET + HV_STAGE_OFF_VERSION,
                           hv_le32(h + HV_STAGE_OFF_VERSION),
                           HV_STAGE_HDR_VERSION);
    uint32_t load = hv_le32(h + HV_STAGE_OFF_LOAD_SIZE);
    uint32_t toff = hv_le32(h + HV_STAGE_OFF_TRUST_OFFSET);
    uint32_t tsize = hv_le32(h + HV_STAGE_OFF_TRUST_SIZE);
    static const uint8_t zero8[8];
    if (load != len)
        return hv_diag_set(diag, "%s: stage header says %u bytes, the file "
                           "has %zu", path, load, len);
    if (tsize != HV_TRUST_AREA_SIZE || toff % 16 != 0 ||
        toff < HV_STAGE_HDR_OFFSET + HV_STAGE_HDR_SIZE || toff > len ||
        tsize > len - toff ||
        memcmp(h + HV_STAGE_OFF_RESERVED, zero8, 8) != 0)
        return hv_diag_set(diag, "%s: byte offset %u: stage header's trust "
                           "area (offset %u, %u bytes) is malformed or "
                           "outside the file", path, HV_STAGE_HDR_OFFSET,
                           toff, tsize);
    for (uint32_t i = 0; i < tsize; i++)
        if (s[toff + i] != 0)
            return hv_diag_set(diag, "%s: byte offset %u: the stage's trust "
                               "area is already provisioned; pass the stage "
                               "as built", path, toff + i);
    *trust_off = toff;
    return 0;
}

static int cmp_key_id(const void *a, const void *b)
{
    return memcmp(((const hv_pubkey *)a)->key_id,
                  ((const hv_pubkey *)b)->key_id, HV_KEY_ID_SIZE);
}

static void region_put(uint8_t *t, uint32_t at, const hv_flash_region *r)
{
    hv_put_le64(t + at + HV_REGION_OFF_OFFSET, r->offset);
    hv_put_le64(t + at + HV_REGION_OFF_SIZE, r->size);
}

/* Fill the trust area (flash.h) of the stage copy in |t|: version 1 with
 * |nkeys| key records, or with |anchor| version 2 with its root key
 * fingerprints (already ascending), root threshold and version. */
static void provision(uint8_t *t, const hv_profile *p, const char *board,
                      uint64_t rollback, uint32_t min_sigs,
                      const hv_pubkey *keys, size_t nkeys,
                      const hv_root_anchor *anchor)
{
    static const uint8_t zero4[4];
    size_t count = anchor ? anchor->roots.count : nkeys;
    uint32_t size = HV_TRUST_FIXED_SIZE +
                    (uint32_t)count * (anchor ? HV_ROOT_FP_SIZE
                                              : HV_KEYREC_SIZE);
    memset(t, 0, HV_TRUST_AREA_SIZE);
    memcpy(t + HV_TRUST_OFF_MAGIC, HV_TRUST_MAGIC, 8);
    hv_put_le32(t + HV_TRUST_OFF_VERSION,
                anchor ? HV_TRUST_VERSION_ROOTS : HV_TRUST_VERSION);
    hv_put_le32(t + HV_TRUST_OFF_SIZE, size);
    hv_put_le32(t + HV_TRUST_OFF_KEY_COUNT, (uint32_t)count);
    if (anchor) {
        hv_put_le64(t + HV_TRUST_OFF_ROOT_VERSION, anchor->roots.version);
        hv_put_le32(t + HV_TRUST_OFF_ROOT_THRESHOLD, anchor->roots.threshold);
        memcpy(t + HV_TRUST_FIXED_SIZE, anchor->fp,
               count * HV_ROOT_FP_SIZE);
    }
    hv_put_le32(t + HV_TRUST_OFF_MIN_SIGNATURES, min_sigs);
    hv_put_le64(t + HV_TRUST_OFF_ROLLBACK, rollback);
    hv_put_le32(t + HV_TRUST_OFF_COUNTER_KIND, p->counter_kind);
    hv_put_le32(t + HV_TRUST_OFF_COUNTER_NV, p->counter_nv);
    memcpy(t + HV_TRUST_OFF_BOARD_ID, board, strlen(board));
    memcpy(t + HV_TRUST_OFF_OEM_ID, p->oem_id, strlen(p->oem_id));
    hv_put_le64(t + HV_TRUST_OFF_FLASH_SIZE, p->flash_size);
    hv_put_le64(t + HV_TRUST_OFF_ERASE_BLOCK, p->erase_block);
    region_put(t, HV_TRUST_OFF_BOOT_STAGE, &p->boot_stage);
    region_put(t, HV_TRUST_OFF_BOOT_STATE, &p->boot_state);
    region_put(t, HV_TRUST_OFF_SLOT_A, &p->slot_a);
    region_put(t, HV_TRUST_OFF_SLOT_B, &p->slot_b);
    for (size_t i = 0; i < nkeys; i++) {
        uint8_t *k = t + HV_TRUST_FIXED_SIZE + i * HV_KEYREC_SIZE;
        memcpy(k + HV_KEYREC_OFF_KEY_ID, keys[i].key_id, HV_KEY_ID_SIZE);
        hv_put_le32(k + HV_KEYREC_OFF_SIG_ALG, keys[i].sig_alg);
        hv_put_le32(k + HV_KEYREC_OFF_PUB_LEN, (uint32_t)keys[i].pub_len);
        memcpy(k + HV_KEYREC_OFF_PUB, keys[i].pub, keys[i].pub_len);
    }
    uint32_t crc = hv_crc32(0, t, HV_TRUST_OFF_CRC32);
    crc = hv_crc32(crc, zero4, 4);
    crc = hv_crc32(crc, t + HV_TRUST_FIXED_SIZE, size - HV_TRUST_FIXED_SIZE);
    hv_put_le32(t + HV_TRUST_OFF_CRC32, crc);
}

/* The first v2 boot-state record (docs/UPDATE.md), encoded by the same
 * code the stage reads it with. Both slots UNKNOWN: tried, but not
 * confirmed, so the floor stays the trust area's until an update is. */
static void boot_state_record(uint8_t rec[HV_BOOT_STATE_RECORD_SIZE],
                              uint32_t sequence, uint32_t active)
{
    hv_bs_state st = {active, {HV_SLOT_STATE_UNKNOWN, HV_SLOT_STATE_UNKNOWN},
                      {0, 0}};
    hv_bs_encode(&st, sequence, rec);
}

/* ---- Slot images: the boot verifier, run on the file in memory ---------- */

typedef struct mem_image {
    const uint8_t *data;
    uint64_t len;
    char board[HV_BOARD_ID_SIZE];
    uint64_t rollback;
    uint8_t *buffers[2 * HV_MAX_SECTIONS];
    size_t buffer_count;
} mem_image;

static int mem_read(void *user, uint64_t off, void *dst, size_t len)
{
    mem_image *m = user;
    if (off > m->len || len > m->len - off)
        return -1;
    memcpy(dst, m->data + off, len);
    return 0;
}

static int mem_rollback(void *user, uint64_t *counter)
{
    *counter = ((mem_image *)user)->rollback;
    return 0;
}

static int mem_board(void *user, char id[HV_BOARD_ID_SIZE])
{
    memcpy(id, ((mem_image *)user)->board, HV_BOARD_ID_SIZE);
    return 0;
}

static int mem_memory(void *user, const hv_section *s, uint8_t **stored,
                      uint8_t **unpacked)
{
    mem_image *m = user;
    /* Signed sizes, still bounded: stored by the file, unpacked by the
     * format's ceiling (malloc refuses what the host cannot give). */
    if (s->stored_size > m->len || m->buffer_count + 2 > 2 * HV_MAX_SECTIONS)
        return -1;
    *stored = malloc(s->stored_size ? (size_t)s->stored_size : 1);
    if (!*stored)
        return -1;
    m->buffers[m->buffer_count++] = *stored;
    if (s->compression != HV_COMPRESSION_NONE) {
        *unpacked = malloc(s->unpacked_size ? (size_t)s->unpacked_size : 1);
        if (!*unpacked)
            return -1;
        m->buffers[m->buffer_count++] = *unpacked;
    }
    return 0;
}

/*
 * Read a slot image and verify it exactly as the stage will: hv_verify
 * under the device's keys (or roots: the image's trust block must then
 * verify from them), signature count, OEM, board and rollback counter, then the stage's RAM windows (the device policy, hvpolicy.h).
 * Returns 0 with |out| saying whether the device accepts it, or -1 if the
 * file is not a usable image at all.
 */
static int check_slot(const char *path, const char *region, uint64_t cap,
                      const hv_profile *p, const hv_policy *device,
                      const char *board, uint64_t rollback,
                      hv_workspace *ws, uint8_t **buf, size_t *len,
                      hv_assemble_slot *out, hv_diag *diag)
{
    hv_header hdr;
    if (read_input(path, "slot image", cap, region, buf, len, diag) != 0)
        return -1;
    out->present = true;
    if (*len < HV_HEADER_SIZE)
        return hv_diag_set(diag, "%s: %zu bytes is too short for an hvimage",
                           path, *len);
    hv_result r = hv_parse_header(*buf, &hdr);
    if (r != HV_OK)
        return hv_diag_set(diag, "%s: byte offset 0: not a usable hvimage "
                           "header: %s (%s)", path, hv_result_str(r),
                           hv_result_name(r));
    if (hdr.image_size != *len)
        return hv_diag_set(diag, "%s: byte offset %u: header says %llu bytes, "
                           "the file has %zu", path, HV_HDR_OFF_IMAGE_SIZE,
                           (unsigned long long)hdr.image_size, *len);
    out->image_size = hdr.image_size;

    mem_image m = {.data = *buf, .len = *len, .rollback = rollback};
    memcpy(m.board, board, strlen(board));
    hv_ops ops = {&m, mem_read, mem_rollback, mem_board, mem_memory};
    hv_policy pol = *device;
    pol.oem_id = p->oem_id;
    pol.region_size = *len;
    pol.exact_size = 1;
    uint32_t min_sigs = device->min_signatures;
    hv_verdict *v = malloc(sizeof *v);
    if (!v)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    r = hv_verify(&ops, &hv_crypto_bearssl, &pol, ws, v);
    for (size_t i = 0; i < m.buffer_count; i++)
        free(m.buffers[i]);
    char detail[sizeof out->reason / 2] = "";
    if (r == HV_OK && hv_stage_ram_check(v, detail, sizeof detail) != 0)
        r = v->result;
    if (r != HV_OK && !detail[0]) {
        hv_device_view dev = {board, p->oem_id, rollback, min_sigs};
        hv_device_explain(v, &dev, detail, sizeof detail);
    }
    out->result = r;
    out->info_valid = v->info_valid;
    if (v->info_valid) {
        memcpy(out->name, v->info.name, sizeof out->name);
        memcpy(out->version, v->info.version, sizeof out->version);
        out->security_version = v->info.security_version;
    }
    if (r != HV_OK) {
        char where[96] = "";
        size_t n = 0;
        if (v->fail_offset != UINT64_MAX)
            n = (size_t)snprintf(where, sizeof where, " at byte offset %llu",
                                 (unsigned long long)v->fail_offset);
        if (v->failed_section != UINT32_MAX && v->info_valid)
            snprintf(where + n, sizeof where - n, " in section '%s'",
                     v->info.sections[v->failed_section].name);
        snprintf(out->reason, sizeof out->reason, "%s (%s)%s%s%s",
                 hv_result_str(r), hv_result_name(r), where,
                 detail[0] ? ": " : "", detail);
    }
    free(v);
    return 0;
}

/* ---- Roots (trust area version 2) --------------------------------------- */

/*
 * The profile's roots: each key file loaded (PEM or PKCS#11), no public
 * key twice, fingerprints sorted; and the image threshold the device
 * requires, from roots.image_threshold or --min-signatures (they must
 * agree when both are given). --key has no place here: such a device
 * trusts no image key directly. Refusals name the profile's line.
 */
static int load_roots(const hv_profile *p, const hv_assemble_opts *o,
                      hv_root_anchor *anchor, uint32_t *min_sigs,
                      hv_diag *diag)
{
    hv_pubkey keys[HV_ROOT_MAX_KEYS];
    char where[HV_ROOT_MAX_KEYS][PATH_MAX + 64];
    const char *names[HV_ROOT_MAX_KEYS];
    const hv_origin *ro = &p->roots_origin;

    if (o->key_count > 0)
        return hv_diag_set(diag, "%s:%u:%u: error: the profile provisions "
                           "roots (a trust area version 2), so --key is not "
                           "used: image keys come from each image's "
                           "keyring (docs/KEYS.md)", ro->file, ro->line,
                           ro->column);
    if (p->image_threshold && o->min_signatures &&
        p->image_threshold != o->min_signatures)
        return hv_diag_set(diag, "%s:%u:%u: error: roots.image_threshold is "
                           "%u, --min-signatures %u", ro->file, ro->line,
                           ro->column, p->image_threshold, o->min_signatures);
    *min_sigs = p->image_threshold   ? p->image_threshold
                : o->min_signatures ? o->min_signatures
                                    : 1;
    for (size_t i = 0; i < p->root_key_count; i++) {
        const hv_profile_key *k = &p->root_keys[i];
        hv_diag inner = {0};
        snprintf(where[i], sizeof where[i], "%s:%u:%u (%s)", k->origin.file,
                 k->origin.line, k->origin.column, k->path);
        names[i] = where[i];
        if (hv_pubkey_load(k->path, &keys[i], &inner) != 0)
            return hv_fail(diag, inner.cls, "%s:%u:%u: error: root key: %s",
                           k->origin.file, k->origin.line, k->origin.column,
                           inner.msg);
    }
    return hv_root_anchor_from_keys(keys, p->root_key_count, names,
                                    p->root_threshold, p->root_version,
                                    anchor, diag);
}

/* ---- Output ------------------------------------------------------------- */

static int fill(FILE *f, uint64_t n)
{
    static uint8_t erased[65536];
    if (erased[0] != HV_FLASH_ERASED)
        memset(erased, HV_FLASH_ERASED, sizeof erased);
    while (n > 0) {
        size_t k = n > sizeof erased ? sizeof erased : (size_t)n;
        if (fwrite(erased, 1, k, f) != k)
            return -1;
        n -= k;
    }
    return 0;
}

typedef struct region_out {
    const hv_flash_region *r;
    const uint8_t *data;
    size_t len;
} region_out;

static int cmp_region(const void *a, const void *b)
{
    uint64_t x = ((const region_out *)a)->r->offset;
    uint64_t y = ((const region_out *)b)->r->offset;
    return x < y ? -1 : x > y;
}

static int write_flash(const char *path, const hv_profile *p, region_out *rs,
                       hv_diag *diag)
{
    hv_atomic_file af = {0};
    if (hv_atomic_open(&af, path, 0644, diag) != 0)
        return -1;
    qsort(rs, 4, sizeof *rs, cmp_region);
    uint64_t pos = 0;
    int bad = 0;
    for (int i = 0; i < 4 && !bad; i++) {
        /* Regions do not overlap and fit the flash (profile.c checks). */
        bad |= fill(af.fp, rs[i].r->offset - pos) != 0;
        bad |= rs[i].len && fwrite(rs[i].data, 1, rs[i].len, af.fp) != rs[i].len;
        bad |= fill(af.fp, rs[i].r->size - rs[i].len) != 0;
        pos = rs[i].r->offset + rs[i].r->size;
    }
    if (!bad)
        bad |= fill(af.fp, p->flash_size - pos) != 0;
    if (bad) {
        int err = errno;
        hv_atomic_abort(&af);
        return hv_fail_errno(diag, err ? err : EIO, path, "write failed");
    }
    return hv_atomic_commit(&af, diag);
}

/* ---- The whole job ------------------------------------------------------ */

/* see assemble.h */
int hv_assemble(const hv_assemble_opts *o, hv_assemble_report *rep,
                hv_diag *diag)
{
    hv_profile prof = {0};
    hv_pubkey *keys = NULL;
    hv_trusted_key recs[HV_TRUST_MAX_KEYS];
    uint8_t *stage = NULL, *img[2] = {NULL, NULL};
    size_t stage_len = 0, img_len[2] = {0, 0};
    hv_workspace *ws = NULL;
    hv_root_anchor *anchor = NULL;
    uint64_t trust_off = 0;
    int rc = -1;

    memset(rep, 0, sizeof *rep);
    if (hv_profile_load(o->profile_path, &prof, diag) != 0)
        goto out;
    const hv_flash_region *regions[4] = {&prof.boot_stage, &prof.boot_state,
                                         &prof.slot_a, &prof.slot_b};
    snprintf(rep->oem_id, sizeof rep->oem_id, "%s", prof.oem_id);
    rep->counter_kind = prof.counter_kind;
    rep->counter_nv = prof.counter_nv;
    rep->flash_size = prof.flash_size;
    rep->erase_block = prof.erase_block;
    for (int i = 0; i < 4; i++) {
        rep->region_offset[i] = regions[i]->offset;
        rep->region_size[i] = regions[i]->size;
    }
    if (prof.flash_size > HV_FLASH_MAX_SIZE) {
        hv_diag_set(diag, "%s: flash size %llu is more than the boot stage "
                    "maps (%llu)", prof.file,
                    (unsigned long long)prof.flash_size,
                    (unsigned long long)HV_FLASH_MAX_SIZE);
        goto out;
    }

    /* The device: board and rollback counter. */
    if (!o->board || !text_ok(o->board, HV_BOARD_ID_SIZE)) {
        hv_diag_set(diag, "--board '%s' must be 1 to %u characters from "
                    "A-Z a-z 0-9 . _ + -", o->board ? o->board : "",
                    HV_BOARD_ID_SIZE);
        goto out;
    }
    bool known = false;
    for (size_t i = 0; i < prof.board_count; i++)
        known |= strcmp(prof.boards[i], o->board) == 0;
    if (!known) {
        hv_diag_set(diag, "board '%s' is not one of profile %s's boards",
                    o->board, prof.file);
        goto out;
    }

    /* What the device trusts: the profile's roots (trust area version 2)
     * or the --key records (version 1). */
    hv_policy device = {0};
    uint32_t min_sigs;
    if (prof.root_key_count > 0) {
        anchor = malloc(sizeof *anchor);
        if (!anchor) {
            hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
            goto out;
        }
        if (load_roots(&prof, o, anchor, &min_sigs, diag) != 0)
            goto out;
        device.roots = &anchor->roots;
        /* The device's floors at the factory: its own root, nothing else
         * confirmed yet (docs/KEYS.md "Counters"). */
        device.min_root_version = anchor->roots.version;
        rep->roots = true;
        rep->root_version = anchor->roots.version;
        rep->root_threshold = anchor->roots.threshold;
        rep->root_count = anchor->roots.count;
        memcpy(rep->root_fps, anchor->fp, sizeof rep->root_fps);
    } else {
        /* Trusted keys: accepted by the profile, distinct, sorted by id. */
        if (o->key_count < 1 || o->key_count > HV_TRUST_MAX_KEYS) {
            hv_diag_set(diag, "%zu trusted keys given; the trust area holds "
                        "1 to %u (or give the profile roots: docs/KEYS.md)",
                        o->key_count, HV_TRUST_MAX_KEYS);
            goto out;
        }
        keys = calloc(o->key_count, sizeof *keys);
        if (!keys) {
            hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < o->key_count; i++) {
            if (hv_pubkey_load(o->key_paths[i], &keys[i], diag) != 0)
                goto out;
            if (hv_profile_accepts_key(&prof, &keys[i], diag) != 0)
                goto out;
        }
        qsort(keys, o->key_count, sizeof *keys, cmp_key_id);
        for (size_t i = 0; i < o->key_count; i++) {
            if (i > 0 && memcmp(keys[i - 1].key_id, keys[i].key_id,
                                HV_KEY_ID_SIZE) == 0) {
                char hex[65];
                hv_key_id_hex(keys[i].key_id, hex);
                hv_diag_set(diag, "key %s is given twice", hex);
                goto out;
            }
            memcpy(recs[i].key_id, keys[i].key_id, HV_KEY_ID_SIZE);
            recs[i].sig_alg = keys[i].sig_alg;
            recs[i].pub = keys[i].pub;
            recs[i].pub_len = keys[i].pub_len;
            memcpy(rep->key_ids[i], keys[i].key_id, HV_KEY_ID_SIZE);
            rep->key_algs[i] = keys[i].sig_alg;
        }
        rep->key_count = o->key_count;
        min_sigs = o->min_signatures ? o->min_signatures : 1;
        if (min_sigs > o->key_count) {
            hv_diag_set(diag, "--min-signatures %u is more than the %zu "
                        "trusted keys", min_sigs, o->key_count);
            goto out;
        }
        device.keys = recs;
        device.key_count = o->key_count;
    }
    device.min_signatures = min_sigs;
    rep->min_signatures = min_sigs;

    /* The stage. */
    if (read_input(o->stage_path, "boot stage", prof.boot_stage.size,
                   "boot_stage", &stage, &stage_len, diag) != 0 ||
        check_stage(o->stage_path, stage, stage_len, &trust_off, diag) != 0)
        goto out;
    rep->stage_size = stage_len;
    rep->trust_offset = prof.boot_stage.offset + trust_off;

    /* The slots. */
    if (!o->slot_path[HV_SLOT_A]) {
        hv_diag_set(diag, "--slot-a is required");
        goto out;
    }
    if (o->active_slot == HV_SLOT_B && !o->slot_path[HV_SLOT_B]) {
        hv_diag_set(diag, "--active b needs --slot-b");
        goto out;
    }
    ws = malloc(sizeof *ws);
    if (!ws) {
        hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
        goto out;
    }
    for (uint32_t s = 0; s < 2; s++) {
        if (!o->slot_path[s])
            continue;
        if (check_slot(o->slot_path[s], region_names[2 + s],
                       regions[2 + s]->size, &prof, &device, o->board,
                       o->rollback, ws, &img[s], &img_len[s], &rep->slot[s],
                       diag) != 0)
            goto out;
        if (rep->slot[s].result != HV_OK && !o->allow_rejected) {
            hv_fail(diag, HV_FAIL_REJECTED, "%s: slot %c image rejected: %s; "
                    "the boot stage of board %s would refuse it "
                    "(--allow-rejected writes it anyway)", o->slot_path[s],
                    s ? 'B' : 'A', rep->slot[s].reason, o->board);
            goto out;
        }
    }

    /* Compose. */
    provision(stage + trust_off, &prof, o->board, o->rollback, min_sigs, keys,
              o->key_count, device.roots ? anchor : NULL);
    /* What was written must be what the stage reads: its own parser. */
    hv_trust_info check;
    const char *why = hv_trust_parse(stage + trust_off, &check);
    if (why) {
        hv_fail(diag, HV_FAIL_INTERNAL, "internal error: the provisioned "
                "trust area does not parse: %s", why);
        goto out;
    }
    uint8_t state[HV_BOOT_STATE_RECORD_SIZE];
    boot_state_record(state, 1, o->active_slot);
    region_out rs[4] = {
        {&prof.boot_stage, stage, stage_len},
        {&prof.boot_state, state, sizeof state},
        {&prof.slot_a, img[0], img_len[0]},
        {&prof.slot_b, img[1], img_len[1]},
    };
    rc = write_flash(o->output_path, &prof, rs, diag);

out:
    free(anchor);
    free(ws);
    free(img[0]);
    free(img[1]);
    free(stage);
    free(keys);
    hv_profile_free(&prof);
    return rc;
}
