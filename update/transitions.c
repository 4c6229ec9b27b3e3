/*
 * The updater's commands over a device: install, activate, confirm,
 * mark-bad, rollback (docs/UPDATE.md "hvimage update"). Every boot-state
 * change goes through hvbootstate.h's transitions, each one committed
 * record; every slot is verified with the boot library under the device's
 * own trust and floor before the state points at it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvimage/codec.h"
#include "hvpolicy.h"
#include "hvupdate.h"
#include "update_internal.h"

static char slot_letter(uint32_t slot) { return slot ? 'B' : 'A'; }

static int read_state(hv_device *d, hv_bs_view *v, hv_diag *diag)
{
    if (hv_bs_read(&d->flash, &d->layout, v) != 0)
        return hv_fail(diag, HV_FAIL_IO, "cannot read the boot state");
    return 0;
}

/* 1 if the erase block at |off| reads all 0xFF, 0 if not, -1 on error.
 * Compared a page at a time with memcmp (vectorised): a 2 GiB slot's tail
 * is checked at memory speed, not byte by byte. */
static int blank(const hv_device *d, uint64_t off, uint8_t *buf, size_t cap)
{
    static uint8_t erased[4096];
    if (erased[0] != HV_FLASH_ERASED)
        memset(erased, HV_FLASH_ERASED, sizeof erased);
    for (uint64_t i = 0; i < d->erase_block; i += cap) {
        size_t n = d->erase_block - i < cap ? (size_t)(d->erase_block - i)
                                            : cap;
        if (d->flash.read(d->flash.user, off + i, buf, n) != 0)
            return -1;
        for (size_t k = 0; k < n; k += sizeof erased) {
            size_t m = n - k < sizeof erased ? n - k : sizeof erased;
            if (memcmp(buf + k, erased, m) != 0)
                return 0;
        }
    }
    return 1;
}

/* The stream's first bytes, and the refusals that need nothing else. */
static int read_header(hv_update_reader rd, void *user, const char *source,
                       uint64_t cap, uint8_t hdr[HV_HEADER_SIZE],
                       uint64_t *declared, uint32_t *version, hv_diag *diag)
{
    size_t have = 0;
    while (have < HV_HEADER_SIZE) {
        long n = rd(user, hdr + have, HV_HEADER_SIZE - have);
        if (n < 0)
            return hv_fail_errno(diag, errno, source, "read failed");
        if (n == 0)
            return hv_fail(diag, HV_FAIL_REJECTED, "%s: %zu bytes is too "
                           "short for an hvimage (truncated?)", source, have);
        have += (size_t)n;
    }
    hv_header h;
    hv_result r = hv_parse_header(hdr, &h);
    if (r != HV_OK)
        return hv_fail(diag, HV_FAIL_REJECTED, "%s: not an image this device "
                       "can boot: %s (%s)", source, hv_result_str(r),
                       hv_result_name(r));
    if (h.image_size > cap)
        return hv_fail(diag, HV_FAIL_REJECTED, "%s: the image (%llu bytes) is "
                       "larger than the slot (%llu bytes)", source,
                       (unsigned long long)h.image_size,
                       (unsigned long long)cap);
    *declared = h.image_size;
    *version = h.format_version;
    return 0;
}

/* A stream's length against its header's, when the source knows it. */
static int check_length(const char *source, uint64_t declared,
                        uint64_t have, hv_diag *diag)
{
    if (declared == have)
        return 0;
    return hv_fail(diag, HV_FAIL_REJECTED, "%s: the header says %llu bytes, "
                   "the stream has %llu (%s)", source,
                   (unsigned long long)declared, (unsigned long long)have,
                   declared > have ? "truncated" : "over-long");
}

/* One more byte after the image means the stream was over-long. */
static int check_stream_end(hv_update_reader rd, void *user,
                            const char *source, uint64_t declared,
                            hv_diag *diag)
{
    uint8_t extra;
    long n = rd(user, &extra, 1);
    if (n < 0)
        return hv_fail_errno(diag, errno, source, "read failed");
    if (n > 0)
        return hv_fail(diag, HV_FAIL_REJECTED, "%s: bytes follow the image's "
                       "%llu (over-long)", source,
                       (unsigned long long)declared);
    return 0;
}

/* The rest of the slot reads erased, as assemble leaves it; blocks that
 * already do are not erased again (erase cycles are finite). */
static int erase_rest(hv_device *d, uint32_t slot, uint64_t len,
                      hv_diag *diag)
{
    uint64_t used = (len + d->erase_block - 1) & ~(d->erase_block - 1);
    size_t cap = (size_t)1 << 20;
    uint8_t *buf = malloc(cap);
    if (!buf)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    for (uint64_t off = used; off < d->slot[slot].size; off += d->erase_block) {
        int erased = blank(d, d->slot[slot].offset + off, buf, cap);
        if (erased < 0 || (!erased && d->flash.erase(
                               d->flash.user, d->slot[slot].offset + off) != 0)) {
            free(buf);
            return hv_fail(diag, HV_FAIL_IO, "erasing the rest of slot %c "
                           "failed", slot_letter(slot));
        }
    }
    free(buf);
    return 0;
}

/* ---- Version 2: streamed once, in flat memory --------------------------- */

typedef struct streamed {
    hv_device *d;
    uint32_t slot;
    hv_update_reader rd;
    void *rd_user;
    const uint8_t *hdr; /* the HV_HEADER_SIZE bytes read_header took */
    uint64_t pos;       /* the next image byte the verifier reads */
    bool truncated;     /* the reader ended before the image did */
    int rd_errno;
    hv_slot_writer w;   /* records the slot empty, erases, programs */
    hv_write_gate *gate; /* tells the read-back how far the slot is written */
    bool write_failed;
    char ram_refusal[256]; /* the head does not fit the stage's RAM */
} streamed;

/* hv_ops.read: the verifier reads each byte once, in order (hvboot.h), so
 * a stream that cannot seek serves it. */
static int streamed_read(void *user, uint64_t off, void *dst, size_t len)
{
    streamed *s = user;
    uint8_t *p = dst;
    if (off != s->pos)
        return -1;
    while (len > 0 && s->pos < HV_HEADER_SIZE) {
        *p++ = s->hdr[s->pos++];
        len--;
    }
    while (len > 0) {
        long n = s->rd(s->rd_user, p, len);
        if (n <= 0) {
            s->truncated = n == 0;
            s->rd_errno = n < 0 ? errno : 0;
            return -1;
        }
        p += n;
        len -= (size_t)n;
        s->pos += (uint64_t)n;
    }
    return 0;
}

/* 0 if the image whose signed header and metadata are |tbs| fits the
 * stage's RAM windows, else -1 with the reason in |why|. */
static int ram_check_head(const uint8_t *tbs, size_t len, char *why,
                          size_t n)
{
    hv_image_info *info = malloc(sizeof *info);
    hv_ram_plan p;
    int rc = 0;
    if (!info || hv_parse_metadata(tbs, len, info) != HV_OK) {
        snprintf(why, n, "internal error: the verified metadata does not "
                 "parse");
        rc = -1;
    } else if (hv_ram_check_image(&p, &hv_stage_ram_windows, info) != 0) {
        snprintf(why, n, "%s (%s): section %u does not fit the boot stage's "
                 "RAM windows [%s]", hv_result_str(HV_ERR_MEMORY),
                 hv_result_name(HV_ERR_MEMORY), p.section,
                 hv_ram_refusal_name(p.refusal));
        rc = -1;
    }
    free(info);
    return rc;
}

/* hv_stream.image_bytes: authenticated bytes go to the slot, through the
 * slot writer the power-cut simulator runs too (hvbootstate.h): the first
 * piece (the head, once signatures, OEM, board and floor passed) records
 * the slot empty before its first erase, so a cut or a refusal from here
 * on leaves it empty, never bootable. */
static int streamed_write(void *user, uint64_t off, const uint8_t *p,
                          size_t len)
{
    streamed *s = user;
    /* The first piece is the authenticated header and metadata: where the
     * stage would put the sections is known now, so an image this device
     * cannot load is refused before the flash changes, not after. */
    if (off == 0 && ram_check_head(p, len, s->ram_refusal,
                                   sizeof s->ram_refusal) != 0)
        return -1;
    if (hv_slot_writer_write(&s->w, off, p, len) != 0) {
        s->write_failed = true;
        return -1;
    }
    hv_write_gate_advance(s->gate, off + len);
    return 0;
}

/*
 * The read-back, on a second thread: the whole slot verified from the
 * flash with the boot library (streamed, every section decompressed), each
 * byte read once the writer has written it. It trails the writer, so the
 * install costs about the longer of the two passes, not their sum.
 */
typedef struct readback {
    const hv_device *d;
    uint32_t slot;
    hv_bs_floors floors;
    hv_write_gate *gate;
    hv_slot_check check;
    hv_diag diag;
    int rc;
} readback;

static void *readback_run(void *arg)
{
    readback *rb = arg;
    rb->rc = hv_device_check_slot_gated(rb->d, rb->slot, &rb->floors, rb->gate,
                                        &rb->check, &rb->diag);
    return NULL;
}

typedef struct streamed_platform {
    streamed *s;
    uint64_t floor;
} streamed_platform;

static int platform_read(void *user, uint64_t off, void *dst, size_t len)
{
    return streamed_read(((streamed_platform *)user)->s, off, dst, len);
}

static int platform_floor(void *user, uint64_t *counter)
{
    *counter = ((streamed_platform *)user)->floor;
    return 0;
}

static int platform_board(void *user, char id[HV_BOARD_ID_SIZE])
{
    const hv_device *d = ((streamed_platform *)user)->s->d;
    memset(id, 0, HV_BOARD_ID_SIZE);
    memcpy(id, d->board_id, strlen(d->board_id));
    return 0;
}

static int platform_write(void *user, uint64_t off, const uint8_t *p,
                          size_t len)
{
    return streamed_write(((streamed_platform *)user)->s, off, p, len);
}

/* Authenticate the stream with the boot library under the device's trust
 * and write it into the slot as it goes; decompress every section to check
 * it as the stage will. */
static int install_streamed(hv_device *d, uint32_t slot,
                            const hv_bs_floors *floors,
                            const uint8_t hdr[HV_HEADER_SIZE],
                            uint64_t declared, hv_update_reader rd,
                            void *rd_user, const char *source,
                            hv_install_report *rep, hv_diag *diag)
{
    streamed s = {.d = d, .slot = slot, .rd = rd, .rd_user = rd_user,
                  .hdr = hdr,
                  .w = {.f = &d->flash, .l = &d->layout, .slot = slot,
                        .base = d->slot[slot].offset}};
    streamed_platform pl = {&s, floors->security};
    hv_ops ops = {&pl, platform_read, platform_floor, platform_board, NULL};
    hv_roots roots;
    hv_policy pol;
    hv_device_policy(d, floors, declared, true, &roots, &pol);
    hv_write_gate gate;
    readback *rb = calloc(1, sizeof *rb);
    hv_update_buffers *b = hv_update_buffers_new();
    hv_verdict *v = malloc(sizeof *v);
    pthread_t thread;
    int rc = -1;
    hv_write_gate_init(&gate);
    s.gate = &gate;
    if (!b || !v || !rb) {
        hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
        goto out;
    }
    *rb = (readback){.d = d, .slot = slot, .floors = *floors, .gate = &gate};
    if (pthread_create(&thread, NULL, readback_run, rb) != 0) {
        hv_fail(diag, HV_FAIL_INTERNAL, "cannot start the read-back thread");
        goto out;
    }
    /* From here every path runs through the one join below. */
    /* This pass authenticates and writes; the read-back decompresses. */
    hv_stream st = hv_update_buffers_stream(b, 0);
    st.user = &pl;
    st.image_bytes = platform_write;
    hv_result r = hv_verify_stream(&ops, &hv_crypto_native, &pol, b->ws, &st,
                                   v);
    hv_write_gate_close(&gate);
    /* While the read-back finishes: the rest of the slot reads erased. */
    int tail = r == HV_OK && !s.write_failed
                   ? erase_rest(d, slot, declared, diag)
                   : 0;
    pthread_join(thread, NULL);
    hv_device_fill_check(d, v, r, &rep->check);
    rep->check.present = true;
    if (s.ram_refusal[0]) {
        hv_fail(diag, HV_FAIL_REJECTED, "%s: this device would not boot it: "
                "%s", source, s.ram_refusal);
    } else if (s.write_failed) {
        hv_fail(diag, HV_FAIL_IO, "writing slot %c failed; it stays empty",
                slot_letter(slot));
    } else if (r == HV_ERR_IO && s.truncated) {
        hv_fail(diag, HV_FAIL_REJECTED, "%s: the stream ended at byte %llu "
                "of the %llu the header declares (truncated)%s", source,
                (unsigned long long)s.pos, (unsigned long long)declared,
                s.w.begun ? "; the slot stays empty" : "");
    } else if (r == HV_ERR_IO && s.rd_errno) {
        hv_fail_errno(diag, s.rd_errno, source, "read failed");
    } else if (!rep->check.verified) {
        hv_fail(diag, HV_FAIL_REJECTED, "%s: this device would not boot it: "
                "%s%s", source, rep->check.reason,
                s.w.begun ? "; the slot stays empty" : "");
    } else if (tail != 0 ||
               check_stream_end(rd, rd_user, source, declared, diag) != 0) {
        /* |diag| says why: erasing failed, or the stream is over-long */
    } else if (rb->rc != 0) {
        *diag = rb->diag;
    } else if (!rb->check.verified) {
        hv_fail(diag, HV_FAIL_IO, "slot %c does not verify after writing "
                "(%s); it stays empty", slot_letter(slot), rb->check.reason);
    } else {
        rep->check = rb->check;
        rc = 0;
    }
out:
    hv_write_gate_destroy(&gate);
    free(rb);
    free(v);
    hv_update_buffers_free(b);
    return rc;
}

/* ---- Version 1: held in memory, then written ---------------------------- */

/* Read the rest of a version 1 image after its header, whole: version 1
 * has no chunk digests, so nothing may be written before all of it is
 * verified. */
static int install_held(hv_device *d, uint32_t slot, uint64_t floor,
                        const uint8_t hdr[HV_HEADER_SIZE], uint64_t declared,
                        hv_update_reader rd, void *rd_user, const char *source,
                        hv_install_report *rep, hv_diag *diag)
{
    /* declared <= the slot's size, which the device bounds. */
    uint8_t *img = malloc((size_t)declared);
    uint64_t have = HV_HEADER_SIZE;
    if (!img)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    memcpy(img, hdr, HV_HEADER_SIZE);
    while (have < declared) {
        long n = rd(rd_user, img + have, (size_t)(declared - have));
        if (n < 0) {
            int err = errno;
            free(img);
            return hv_fail_errno(diag, err, source, "read failed");
        }
        if (n == 0)
            break;
        have += (uint64_t)n;
    }
    if (check_length(source, declared, have, diag) != 0 ||
        check_stream_end(rd, rd_user, source, declared, diag) != 0 ||
        hv_device_check_image(d, img, declared, floor, &rep->check,
                              diag) != 0) {
        free(img);
        return -1;
    }
    if (!rep->check.verified) {
        free(img);
        return hv_fail(diag, HV_FAIL_REJECTED, "%s: this device would not "
                       "boot it: %s", source, rep->check.reason);
    }
    /* Only now the flash changes: the slot is recorded empty (so a cut
     * while writing never leaves it bootable or activatable), then
     * written. */
    if (hv_bs_install_begin(&d->flash, &d->layout, slot) != 0) {
        free(img);
        return hv_fail(diag, HV_FAIL_IO, "cannot record slot %c as being "
                       "installed", slot_letter(slot));
    }
    int w = hv_flash_write(&d->flash, d->slot[slot].offset, img,
                           (size_t)declared);
    free(img);
    if (w != 0)
        return hv_fail(diag, HV_FAIL_IO, "writing slot %c failed; it stays "
                       "empty", slot_letter(slot));
    return 0;
}

/* see hvupdate.h */
int hv_update_install(hv_device *d, hv_update_reader rd, void *rd_user,
                      const char *source, uint64_t source_size, bool activate,
                      uint32_t tries, hv_install_report *rep, hv_diag *diag)
{
    hv_bs_view v;
    uint64_t floor, declared = 0;
    uint32_t version = 0;
    uint8_t hdr[HV_HEADER_SIZE];
    memset(rep, 0, sizeof *rep);
    if (activate && (tries < 1 || tries > 255))
        return hv_diag_set(diag, "tries must be 1 to 255");
    hv_bs_floors floors = {0, 0, 0, 0};
    if (read_state(d, &v, diag) != 0 || hv_device_floor(d, &floor, diag) != 0 ||
        hv_device_floors(d, &floors, diag) != 0)
        return -1;
    uint32_t slot = 1 - v.st.active;
    rep->slot = slot;
    /* A source that knows its length is held to the header's before the
     * flash changes; a pipe is checked as it ends. */
    if (read_header(rd, rd_user, source, d->slot[slot].size, hdr, &declared,
                    &version, diag) != 0 ||
        (source_size != HV_UPDATE_SIZE_UNKNOWN &&
         check_length(source, declared, source_size, diag) != 0))
        return -1;
    int rc = version == HV_FORMAT_VERSION_1
                 ? install_held(d, slot, floor, hdr, declared, rd, rd_user,
                                source, rep, diag)
                 : install_streamed(d, slot, &floors, hdr, declared, rd,
                                    rd_user, source, rep, diag);
    if (rc != 0 || (version == HV_FORMAT_VERSION_1 &&
                    erase_rest(d, slot, declared, diag) != 0))
        return -1;
    /* Read back a version 1 image: what the flash now holds must verify
     * (a version 2 image was read back beside its writing). */
    hv_slot_check again;
    if (version == HV_FORMAT_VERSION_1 &&
        hv_device_check_slot(d, slot, floor, &again, diag) != 0)
        return -1;
    if (version == HV_FORMAT_VERSION_1 && !again.verified)
        return hv_fail(diag, HV_FAIL_IO, "slot %c does not verify after "
                       "writing (%s); it stays empty", slot_letter(slot),
                       again.reason);
    if (activate) {
        if (hv_bs_activate(&d->flash, &d->layout, slot, tries) != 0)
            return hv_fail(diag, HV_FAIL_IO, "cannot activate slot %c",
                           slot_letter(slot));
        rep->activated = true;
    }
    return 0;
}

/* see hvupdate.h */
int hv_update_activate(hv_device *d, uint32_t tries, uint32_t *slot,
                       hv_diag *diag)
{
    hv_bs_view v;
    uint64_t floor;
    hv_slot_check c;
    if (tries < 1 || tries > 255)
        return hv_diag_set(diag, "tries must be 1 to 255");
    if (read_state(d, &v, diag) != 0 || hv_device_floor(d, &floor, diag) != 0)
        return -1;
    *slot = 1 - v.st.active;
    /* EMPTY is what an install without --activate leaves (the record has
     * no "installed" state): the slot's verification below decides, and a
     * torn install never verifies. BAD stays bad until reinstalled. */
    uint8_t st = v.st.slot_state[*slot];
    if (st == HV_SLOT_STATE_BAD)
        return hv_fail(diag, HV_FAIL_REJECTED, "slot %c is bad: install an "
                       "image first", slot_letter(*slot));
    if (hv_device_check_slot(d, *slot, floor, &c, diag) != 0)
        return -1;
    if (!c.verified)
        return hv_fail(diag, HV_FAIL_REJECTED, "slot %c does not verify on "
                       "this device: %s", slot_letter(*slot), c.reason);
    if (hv_bs_activate(&d->flash, &d->layout, *slot, tries) != 0)
        return hv_fail(diag, HV_FAIL_IO, "cannot activate slot %c",
                       slot_letter(*slot));
    return 0;
}

/* see hvupdate.h */
int hv_update_confirm(hv_device *d, uint32_t *slot, hv_diag *diag)
{
    hv_bs_view v;
    if (read_state(d, &v, diag) != 0)
        return -1;
    if (*slot == HV_UPDATE_ACTIVE)
        *slot = v.st.active;
    uint8_t st = v.st.slot_state[*slot];
    if (st != HV_SLOT_STATE_TRIAL && st != HV_SLOT_STATE_UNKNOWN &&
        st != HV_SLOT_STATE_GOOD)
        return hv_fail(diag, HV_FAIL_REJECTED, "slot %c is %s: only a trial "
                       "or unknown slot can be confirmed",
                       slot_letter(*slot), hv_slot_state_name(st));
    if (hv_bs_confirm(&d->flash, &d->layout, *slot) != 0)
        return hv_fail(diag, HV_FAIL_IO, "cannot confirm slot %c",
                       slot_letter(*slot));
    return 0;
}

/* see hvupdate.h */
int hv_update_mark_bad(hv_device *d, uint32_t *slot, hv_diag *diag)
{
    hv_bs_view v;
    if (read_state(d, &v, diag) != 0)
        return -1;
    if (*slot == HV_UPDATE_ACTIVE)
        *slot = v.st.active;
    if (hv_bs_mark_bad(&d->flash, &d->layout, *slot) != 0)
        return hv_fail(diag, HV_FAIL_IO, "cannot mark slot %c bad",
                       slot_letter(*slot));
    return 0;
}

typedef struct rb_ctx {
    hv_device *dev;
    hv_slot_check check;
    hv_diag *diag;
    int failed; /* an I/O failure, not a refusal */
} rb_ctx;

static int rb_verify(void *user, uint32_t slot, const hv_bs_floors *floors,
                     hv_bs_image *img, const char **why)
{
    rb_ctx *c = user;
    /* The check reads the root, keyring and epoch floors itself, from the
     * same counters hv_bs_rollback read them from. */
    if (hv_device_check_slot(c->dev, slot, floors->security,
                             &c->check, c->diag) != 0) {
        c->failed = 1;
        *why = "read failed";
        return -1;
    }
    if (!c->check.verified) {
        *why = c->check.reason;
        return -1;
    }
    img->security_version = c->check.security_version;
    img->min_security_version = c->check.min_security_version;
    img->has_trust = c->check.has_trust;
    img->root_version = c->check.root_version;
    img->keyring_version = c->check.keyring_version;
    img->key_epoch = c->check.key_epoch;
    return 0;
}

/* see hvupdate.h */
int hv_update_rollback(hv_device *d, uint32_t *slot, hv_diag *diag)
{
    hv_bs_view v;
    if (read_state(d, &v, diag) != 0)
        return -1;
    *slot = 1 - v.st.active;
    uint8_t st = v.st.slot_state[*slot];
    if (st != HV_SLOT_STATE_GOOD && st != HV_SLOT_STATE_UNKNOWN)
        return hv_fail(diag, HV_FAIL_REJECTED, "cannot roll back to slot %c: "
                       "it is %s (only a good or unknown slot)",
                       slot_letter(*slot), hv_slot_state_name(st));
    rb_ctx c = {.dev = d, .diag = diag};
    hv_bs_verifier ver = {&c, rb_verify};
    hv_bs_floors floors = {0, 0, 0, 0};
    if (hv_device_floors(d, &floors, diag) != 0)
        return -1;
    if (hv_bs_rollback(&d->flash, &d->layout, &d->counters, &d->base,
                       &ver) != 0) {
        if (c.failed)
            return -1;
        if (c.check.reason[0] && !c.check.verified)
            return hv_fail(diag, HV_FAIL_REJECTED, "cannot roll back to slot "
                           "%c: %s", slot_letter(*slot), c.check.reason);
        return hv_fail(diag, HV_FAIL_IO, "cannot roll back to slot %c",
                       slot_letter(*slot));
    }
    return 0;
}
