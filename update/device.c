/*
 * The device as its own boot stage sees it: the trust area of the stage in
 * the target's boot_stage region (include/hvimage/flash.h), checked as
 * boot/stage/trust.c checks it, and slots verified as the stage verifies
 * them (hv_verify under those keys, board, OEM and the floor, then the
 * stage's RAM windows, hvpolicy.h). Nothing is taken from options: an
 * updater that trusted its caller's idea of the device could install what
 * the device will not boot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvimage/codec.h"
#include "hvpolicy.h"
#include "hvtrust.h"
#include "hvupdate.h"
#include "update_internal.h"

/* The stage's checks (hvtrust.h, the same code as boot/stage/trust.c),
 * copied into the device. Returns NULL if the area is usable. */
static const char *trust_parse(hv_device *d)
{
    hv_trust_info t;
    const char *why = hv_trust_parse(d->trust_area, &t);
    if (why)
        return why;
    memcpy(d->board_id, t.board_id, sizeof d->board_id);
    memcpy(d->oem_id, t.oem_id, sizeof d->oem_id);
    d->base_floor = t.rollback_counter;
    d->counter_kind = t.counter_kind;
    d->counter_nv = t.counter_nv;
    d->min_signatures = t.min_signatures;
    d->flash_size = t.flash_size;
    d->erase_block = t.erase_block;
    const hv_trust_region *from[4] = {&t.boot_stage, &t.boot_state,
                                      &t.slot[0], &t.slot[1]};
    hv_update_region *to[4] = {&d->boot_stage, &d->boot_state, &d->slot[0],
                               &d->slot[1]};
    for (unsigned i = 0; i < 4; i++) {
        to[i]->offset = from[i]->offset;
        to[i]->size = from[i]->size;
    }
    /* The keys point into d->trust_area, which the device owns. */
    memcpy(d->keys, t.keys, sizeof d->keys);
    d->key_count = t.key_count;
    d->trust_version = t.version;
    d->root_version = t.root_version;
    d->root_threshold = t.root_threshold;
    memcpy(d->root_fps, t.root_fps, sizeof d->root_fps);
    d->root_count = t.root_count;
    return NULL;
}

/* The counter of a TPM device before the TPM is given. */
static int missing_read(void *user, uint64_t *value)
{
    (void)user;
    (void)value;
    return -1;
}

static int missing_raise(void *user, uint64_t value)
{
    (void)user;
    (void)value;
    return -1;
}

/* see hvupdate.h */
int hv_device_open(hv_device *d, const hv_flash_ops *flash,
                   uint64_t flash_size, const char *name, hv_diag *diag)
{
    uint8_t hdr[HV_STAGE_HDR_SIZE];
    const char *why = "no stage header found";
    bool trust_why = false; /* |why| is about the trust area */
    uint64_t at;
    memset(d, 0, sizeof *d);
    d->flash = *flash;
    /* The stage sits at the start of its region, which is erase-block
     * aligned; 4 KiB is the smallest erase block a profile may give. */
    for (at = 0; at + 4096 <= flash_size; at += 4096) {
        if (flash->read(flash->user, at + HV_STAGE_HDR_OFFSET, hdr,
                        sizeof hdr) != 0)
            return hv_fail(diag, HV_FAIL_IO, "%s: read failed at byte offset "
                           "%llu", name, (unsigned long long)at);
        if (memcmp(hdr + HV_STAGE_OFF_MAGIC, HV_STAGE_MAGIC, 8) != 0)
            continue;
        uint32_t toff = hv_le32(hdr + HV_STAGE_OFF_TRUST_OFFSET);
        uint32_t load = hv_le32(hdr + HV_STAGE_OFF_LOAD_SIZE);
        if (hv_le32(hdr + HV_STAGE_OFF_VERSION) != HV_STAGE_HDR_VERSION ||
            hv_le32(hdr + HV_STAGE_OFF_TRUST_SIZE) != HV_TRUST_AREA_SIZE ||
            toff % 16 || toff > load || HV_TRUST_AREA_SIZE > load - toff ||
            load > flash_size - at) {
            why = "the stage header is malformed";
            trust_why = false;
            continue;
        }
        if (flash->read(flash->user, at + toff, d->trust_area,
                        HV_TRUST_AREA_SIZE) != 0)
            return hv_fail(diag, HV_FAIL_IO, "%s: read failed at byte offset "
                           "%llu", name, (unsigned long long)(at + toff));
        why = trust_parse(d);
        trust_why = why != NULL;
        if (!why && d->boot_stage.offset != at) {
            why = "boot_stage region is not where the stage is";
            trust_why = true;
        }
        if (!why)
            break;
    }
    if (why)
        return hv_diag_set(diag, "%s: not a provisioned hvimage flash: %s%s "
                           "(write it with hvimage assemble)", name,
                           trust_why ? "trust area: " : "", why);
    d->stage_offset = at;
    if (flash_size != d->flash_size)
        return hv_diag_set(diag, "%s: the flash is %llu bytes, the device's "
                           "trust area says its flash is %llu bytes", name,
                           (unsigned long long)flash_size,
                           (unsigned long long)d->flash_size);
    d->flash.erase_block = d->erase_block;
    hv_bs_layout_for_trust(d->boot_state.offset, d->boot_state.size,
                           d->erase_block, d->trust_version, &d->layout);
    if (hv_bs_layout_ok(&d->flash, &d->layout) != 0)
        return hv_diag_set(diag, "%s: the boot_state region does not fit the "
                           "flash geometry", name);
    d->counter_count =
        d->trust_version == HV_TRUST_VERSION_ROOTS ? HV_BS_COUNTERS : 1;
    d->base.security = d->base_floor;
    d->base.root_version = d->root_version; /* R0; 0 for version 1 */
    /* The same lab parts the stage reads (hv_bs_layout_for_trust). The
     * pointers point into |d|, which must then stay where it is. */
    hv_bs_lab_counters(&d->flash, &d->layout, d->labs, d->ops, &d->counters);
    d->lab = d->labs[HV_BS_CTR_FLOOR];
    d->has_counter = d->counters.c[HV_BS_CTR_FLOOR] != NULL;
    if (d->has_counter)
        d->counter = d->ops[HV_BS_CTR_FLOOR];
    if (d->counter_kind == HV_COUNTER_TPM) {
        /* The counters are in the TPM: until hv_device_use_counters gives
         * them, every read fails, so nothing runs with only the trust
         * area's (lower) floors. */
        static const hv_counter missing = {0, missing_read, missing_raise};
        for (uint32_t i = 0; i < HV_BS_COUNTERS; i++) {
            d->ops[i] = missing;
            d->counters.c[i] = i < d->counter_count ? &d->ops[i] : NULL;
        }
        d->counter = missing;
        d->has_counter = true;
    }
    return 0;
}

/* see hvupdate.h */
void hv_device_use_counters(hv_device *d, const hv_counter c[HV_BS_COUNTERS])
{
    for (uint32_t i = 0; i < HV_BS_COUNTERS; i++) {
        d->ops[i] = c[i];
        d->counters.c[i] = i < d->counter_count ? &d->ops[i] : NULL;
    }
    d->counter = c[HV_BS_CTR_FLOOR];
    d->has_counter = true;
    d->counter_attached = true;
}

/* see hvupdate.h */
int hv_device_floors(const hv_device *d, hv_bs_floors *floors, hv_diag *diag)
{
    if (d->counter_kind == HV_COUNTER_TPM && !d->counter_attached)
        return hv_diag_set(diag, "this device keeps its counters in TPM NV "
                           "indices from 0x%08x: give the TPM with --tpm "
                           "TCTI or HV_TPM_TCTI (docs/TPM.md)",
                           (unsigned)d->counter_nv);
    if (hv_bs_floors_read(&d->counters, &d->base, floors) != 0)
        return hv_fail(diag, HV_FAIL_IO, "cannot read the device's counters");
    return 0;
}

/* see hvupdate.h */
void hv_device_use_counter(hv_device *d, const hv_counter *c)
{
    d->counter = *c;
    d->ops[HV_BS_CTR_FLOOR] = *c;
    d->counters.c[HV_BS_CTR_FLOOR] = &d->ops[HV_BS_CTR_FLOOR];
    d->has_counter = true;
    d->counter_attached = true;
}

/* see hvupdate.h */
int hv_device_floor(const hv_device *d, uint64_t *floor, hv_diag *diag)
{
    if (d->counter_kind == HV_COUNTER_TPM && !d->counter_attached)
        return hv_diag_set(diag, "this device keeps its security floor in "
                           "TPM NV index 0x%08x: give the TPM with --tpm "
                           "TCTI or HV_TPM_TCTI (docs/TPM.md)",
                           (unsigned)d->counter_nv);
    if (hv_bs_floor(d->has_counter ? &d->counter : NULL, d->base_floor,
                    floor) != 0)
        return hv_fail(diag, HV_FAIL_IO, "cannot read the security counter");
    return 0;
}

/* ---- Verification ------------------------------------------------------ */

typedef struct source {
    const hv_device *dev;
    const uint8_t *mem; /* image in memory, or NULL: the flash at |base| */
    uint64_t base, len;
    uint64_t floor;
    /* The root, keyring and epoch floors (read once by the caller), or
     * NULL: check() reads the device's counters. */
    const hv_bs_floors *floors;
    hv_write_gate *gate; /* the slot is still being written, or NULL */
    uint8_t *buffers[2 * HV_MAX_SECTIONS];
    size_t buffer_count;
} source;

/* see update_internal.h */
void hv_write_gate_init(hv_write_gate *g)
{
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    g->written = 0;
    g->closed = false;
}

/* see update_internal.h */
void hv_write_gate_advance(hv_write_gate *g, uint64_t written)
{
    pthread_mutex_lock(&g->mu);
    g->written = written;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

/* see update_internal.h */
void hv_write_gate_close(hv_write_gate *g)
{
    pthread_mutex_lock(&g->mu);
    g->closed = true;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

/* see update_internal.h */
void hv_write_gate_destroy(hv_write_gate *g)
{
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
}

/* Wait until [0, end) is written; -1 if the writer stopped short of it. */
static int gate_wait(hv_write_gate *g, uint64_t end)
{
    pthread_mutex_lock(&g->mu);
    while (g->written < end && !g->closed)
        pthread_cond_wait(&g->cv, &g->mu);
    int ok = g->written >= end;
    pthread_mutex_unlock(&g->mu);
    return ok ? 0 : -1;
}

static int src_read(void *user, uint64_t off, void *dst, size_t len)
{
    source *s = user;
    if (off > s->len || len > s->len - off)
        return -1;
    if (s->gate && gate_wait(s->gate, off + len) != 0)
        return -1;
    if (s->mem) {
        memcpy(dst, s->mem + off, len);
        return 0;
    }
    return s->dev->flash.read(s->dev->flash.user, s->base + off, dst, len);
}

static int src_rollback(void *user, uint64_t *counter)
{
    *counter = ((source *)user)->floor;
    return 0;
}

static int src_board(void *user, char id[HV_BOARD_ID_SIZE])
{
    memset(id, 0, HV_BOARD_ID_SIZE);
    memcpy(id, ((source *)user)->dev->board_id,
           strlen(((source *)user)->dev->board_id));
    return 0;
}

static int src_memory(void *user, const hv_section *sec, uint8_t **stored,
                      uint8_t **unpacked)
{
    source *s = user;
    /* Signed sizes, still bounded: stored by the region, unpacked by the
     * stage's RAM windows (checked after; malloc refuses the impossible). */
    if (sec->stored_size > s->len || s->buffer_count + 2 > 2 * HV_MAX_SECTIONS)
        return -1;
    *stored = malloc(sec->stored_size ? (size_t)sec->stored_size : 1);
    if (!*stored)
        return -1;
    s->buffers[s->buffer_count++] = *stored;
    if (sec->compression != HV_COMPRESSION_NONE) {
        if (sec->unpacked_size > HV_STAGE_PAYLOAD_WINDOW_LIMIT)
            return -1;
        *unpacked = malloc(sec->unpacked_size ? (size_t)sec->unpacked_size : 1);
        if (!*unpacked)
            return -1;
        s->buffers[s->buffer_count++] = *unpacked;
    }
    return 0;
}

/* Why a verdict refused, with the device's side for identity checks. */
static void explain(const hv_device *d, const hv_verdict *v, char *out,
                    size_t n)
{
    const hv_image_info *in = &v->info;
    int k = snprintf(out, n, "%s (%s)", hv_result_str(v->result),
                     hv_result_name(v->result));
    size_t at = k < 0 ? 0 : (size_t)k < n ? (size_t)k : n - 1;
    if (v->trust.failed_doc != UINT32_MAX) {
        int m = snprintf(out + at, n - at, ": trust block document %u (0 is "
                         "the device's own root) refused",
                         v->trust.failed_doc);
        at += m < 0 ? 0 : (size_t)m < n - at ? (size_t)m : n - at - 1;
    }
    if (v->result == HV_ERR_TRUST_ROLLBACK || v->result == HV_ERR_REVOKED_KEY) {
        /* The stage's words (boot/stage/main.c print_refusal), with the
         * counters in force (omitted if they cannot be read again). */
        hv_bs_floors fl = {0, 0, 0, 0};
        hv_diag ignored = {0};
        if (hv_device_floors(d, &fl, &ignored) != 0)
            return;
        if (v->result == HV_ERR_TRUST_ROLLBACK)
            snprintf(out + at, n - at, ": root version %llu, keyring version "
                     "%llu; the device has confirmed root %llu, keyring %llu",
                     (unsigned long long)v->trust.root_version,
                     (unsigned long long)v->trust.keyring_version,
                     (unsigned long long)fl.root_version,
                     (unsigned long long)fl.keyring_version);
        else
            snprintf(out + at, n - at, ": a signer's epoch is below %llu "
                     "(keyring min epoch %llu, device key epoch %llu)",
                     (unsigned long long)v->trust.min_epoch,
                     (unsigned long long)v->trust.keyring_min_epoch,
                     (unsigned long long)fl.key_epoch);
        return;
    }
    if (!v->info_valid)
        return;
    switch (v->result) {
    case HV_ERR_OEM:
        snprintf(out + at, n - at, ": the image is for OEM %s, this device's "
                 "OEM is %s", in->oem_id, d->oem_id);
        break;
    case HV_ERR_BOARD:
        snprintf(out + at, n - at, ": the image does not list this device's "
                 "board %s", d->board_id);
        break;
    case HV_ERR_ROLLBACK:
        snprintf(out + at, n - at, ": security version %llu is below the "
                 "device's floor %llu",
                 (unsigned long long)in->security_version,
                 (unsigned long long)v->rollback_counter);
        break;
    default:
        break;
    }
}

#define STREAM_OUT ((size_t)256 << 10)

/* see update_internal.h */
hv_update_buffers *hv_update_buffers_new(void)
{
    hv_update_buffers *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->ws = malloc(sizeof *b->ws);
    b->chunk = malloc((size_t)1 << HV_MAX_CHUNK_LOG2);
    b->zstd = aligned_alloc(64, HV_ZSTD_STREAM_WORKSPACE_SIZE);
    b->out = malloc(STREAM_OUT);
    if (!b->ws || !b->chunk || !b->zstd || !b->out) {
        hv_update_buffers_free(b);
        return NULL;
    }
    return b;
}

/* see update_internal.h */
void hv_update_buffers_free(hv_update_buffers *b)
{
    if (!b)
        return;
    free(b->ws);
    free(b->chunk);
    free(b->zstd);
    free(b->out);
    free(b);
}

/* see update_internal.h */
hv_stream hv_update_buffers_stream(hv_update_buffers *b, int unpack)
{
    hv_stream st = {
        .chunk = b->chunk, .chunk_size = (size_t)1 << HV_MAX_CHUNK_LOG2,
        .zstd = b->zstd, .zstd_size = HV_ZSTD_STREAM_WORKSPACE_SIZE,
        .out = b->out, .out_size = STREAM_OUT, .unpack = unpack,
    };
    return st;
}

/* see update_internal.h */
void hv_device_fill_check(const hv_device *d, const hv_verdict *v,
                          hv_result r, hv_slot_check *out)
{
    out->result = r;
    out->info_valid = v->info_valid;
    if (v->info_valid) {
        memcpy(out->name, v->info.name, sizeof out->name);
        memcpy(out->version, v->info.version, sizeof out->version);
        out->security_version = v->info.security_version;
        out->min_security_version = v->info.min_security_version;
        out->image_size = v->info.header.image_size;
    }
    out->has_trust = v->trust.present && v->trust.verified;
    if (out->has_trust) {
        out->root_version = v->trust.root_version;
        out->keyring_version = v->trust.keyring_version;
        out->key_epoch = v->trust.keyring_min_epoch;
    }
    if (r != HV_OK) {
        explain(d, v, out->reason, sizeof out->reason);
        return;
    }
    /* The stage places every section in its RAM windows: an image that
     * does not fit is not bootable. */
    hv_ram_plan p;
    if (hv_ram_check_image(&p, &hv_stage_ram_windows, &v->info) != 0) {
        out->result = HV_ERR_MEMORY;
        snprintf(out->reason, sizeof out->reason, "%s (%s): section %u "
                 "does not fit the boot stage's RAM windows [%s]",
                 hv_result_str(HV_ERR_MEMORY), hv_result_name(HV_ERR_MEMORY),
                 p.section, hv_ram_refusal_name(p.refusal));
        return;
    }
    out->verified = true;
}

/* see update_internal.h */
void hv_device_policy(const hv_device *d, const hv_bs_floors *fl,
                      uint64_t region_size, bool exact, hv_roots *roots,
                      hv_policy *pol)
{
    *pol = (hv_policy){.keys = d->keys, .key_count = d->key_count,
                       .min_signatures = d->min_signatures,
                       .oem_id = d->oem_id, .region_size = region_size,
                       .exact_size = exact,
                       .min_root_version = fl->root_version,
                       .min_keyring_version = fl->keyring_version,
                       .min_key_epoch = fl->key_epoch};
    /* A device that trusts roots: the keys come from the image's keyring
     * once the device's own root vouched for it, as in the stage
     * (boot/stage/flashops.c). */
    *roots = (hv_roots){.fingerprints = (const uint8_t (*)[HV_ROOT_FP_SIZE])
                            d->root_fps,
                        .count = d->root_count,
                        .threshold = d->root_threshold,
                        .version = d->root_version};
    if (d->trust_version == HV_TRUST_VERSION_ROOTS)
        pol->roots = roots;
}

/*
 * Verify |s| as the stage would: a version 2 image streamed in flat memory
 * (decompressed with |unpack|), a version 1 image held whole (it has no
 * chunk digests to stream by).
 */
static int check(const hv_device *d, source *s, int unpack,
                 hv_slot_check *out, hv_diag *diag)
{
    hv_bs_floors fl = {0, 0, 0, 0};
    if (s->floors)
        fl = *s->floors;
    else if (hv_device_floors(d, &fl, diag) != 0)
        return -1;
    hv_ops ops = {s, src_read, src_rollback, src_board, src_memory};
    hv_roots roots;
    hv_policy pol;
    hv_device_policy(d, &fl, s->len, s->mem != NULL, &roots, &pol);
    hv_verdict *v = malloc(sizeof *v);
    hv_update_buffers *b = hv_update_buffers_new();
    if (!v || !b) {
        free(v);
        hv_update_buffers_free(b);
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    hv_stream st = hv_update_buffers_stream(b, unpack);
    hv_result r = hv_verify_stream(&ops, &hv_crypto_native, &pol, b->ws, &st,
                                   v);
    if (r == HV_ERR_NOT_STREAMABLE)
        r = hv_verify(&ops, &hv_crypto_native, &pol, b->ws, v);
    for (size_t i = 0; i < s->buffer_count; i++)
        free(s->buffers[i]);
    s->buffer_count = 0;
    hv_device_fill_check(d, v, r, out);
    free(v);
    hv_update_buffers_free(b);
    return 0;
}

/* Whether slot |slot| holds anything: its first bytes read other than
 * erased. */
static int slot_present(const hv_device *d, uint32_t slot, hv_slot_check *out,
                        hv_diag *diag)
{
    uint8_t first[HV_HEADER_SIZE];
    memset(out, 0, sizeof *out);
    if (d->flash.read(d->flash.user, d->slot[slot].offset, first,
                      sizeof first) != 0)
        return hv_fail(diag, HV_FAIL_IO, "cannot read slot %c",
                       slot ? 'B' : 'A');
    for (size_t i = 0; i < sizeof first; i++)
        out->present |= first[i] != HV_FLASH_ERASED;
    if (!out->present) {
        out->result = HV_ERR_HEADER;
        snprintf(out->reason, sizeof out->reason, "the slot is erased");
    }
    return 0;
}

static int check_slot(const hv_device *d, uint32_t slot, uint64_t floor,
                      int unpack, hv_slot_check *out, hv_diag *diag)
{
    if (slot_present(d, slot, out, diag) != 0)
        return -1;
    if (!out->present)
        return 0;
    source s = {.dev = d, .base = d->slot[slot].offset,
                .len = d->slot[slot].size, .floor = floor};
    return check(d, &s, unpack, out, diag);
}

/* see update_internal.h */
int hv_device_check_slot_gated(const hv_device *d, uint32_t slot,
                               const hv_bs_floors *floors,
                               hv_write_gate *gate, hv_slot_check *out,
                               hv_diag *diag)
{
    memset(out, 0, sizeof *out);
    out->present = true;
    source s = {.dev = d, .base = d->slot[slot].offset,
                .len = d->slot[slot].size, .floor = floors->security,
                .floors = floors, .gate = gate};
    return check(d, &s, 1, out, diag);
}

/* see hvupdate.h */
int hv_device_check_slot(const hv_device *d, uint32_t slot, uint64_t floor,
                         hv_slot_check *out, hv_diag *diag)
{
    return check_slot(d, slot, floor, 1, out, diag);
}

/* see hvupdate.h */
int hv_device_check_image(const hv_device *d, const uint8_t *img,
                          uint64_t len, uint64_t floor, hv_slot_check *out,
                          hv_diag *diag)
{
    memset(out, 0, sizeof *out);
    out->present = true;
    source s = {.dev = d, .mem = img, .len = len, .floor = floor};
    return check(d, &s, 1, out, diag);
}
