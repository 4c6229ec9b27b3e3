/*
 * The updater's commands over a device: install, activate, confirm,
 * mark-bad, rollback (docs/UPDATE.md "hvimage update"). Every boot-state
 * change goes through hvbootstate.h's transitions, each one committed
 * record; every slot is verified with the boot library under the device's
 * own trust and floor before the state points at it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hvimage/codec.h"
#include "hvupdate.h"

static char slot_letter(uint32_t slot) { return slot ? 'B' : 'A'; }

static int read_state(hv_device *d, hv_bs_view *v, hv_diag *diag)
{
    if (hv_bs_read(&d->flash, &d->layout, v) != 0)
        return hv_fail(diag, HV_FAIL_IO, "cannot read the boot state");
    return 0;
}

/* 1 if the erase block at |off| reads all 0xFF, 0 if not, -1 on error. */
static int blank(const hv_device *d, uint64_t off)
{
    uint8_t buf[4096];
    for (uint64_t i = 0; i < d->erase_block; i += sizeof buf) {
        size_t n = d->erase_block - i < sizeof buf ? (size_t)(d->erase_block - i)
                                                   : sizeof buf;
        if (d->flash.read(d->flash.user, off + i, buf, n) != 0)
            return -1;
        for (size_t k = 0; k < n; k++)
            if (buf[k] != HV_FLASH_ERASED)
                return 0;
    }
    return 1;
}

/* Read the whole stream, refusing it as soon as it passes |cap| bytes. */
static int read_stream(hv_update_reader rd, void *user, const char *source,
                       uint64_t cap, uint8_t **out, uint64_t *len,
                       hv_diag *diag)
{
    size_t have = 0, room = 1u << 20;
    uint8_t *buf = malloc(room);
    *out = NULL;
    if (!buf)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    for (;;) {
        if (have == room) {
            if ((uint64_t)room > cap) {
                free(buf);
                return hv_fail(diag, HV_FAIL_REJECTED, "%s: the image is "
                               "larger than the slot (%llu bytes)", source,
                               (unsigned long long)cap);
            }
            size_t next = (uint64_t)room * 2 > cap + 1 ? (size_t)cap + 1
                                                       : room * 2;
            uint8_t *n = realloc(buf, next);
            if (!n) {
                free(buf);
                return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
            }
            buf = n;
            room = next;
        }
        long n = rd(user, buf + have, room - have);
        if (n < 0) {
            int err = errno;
            free(buf);
            return hv_fail_errno(diag, err, source, "read failed");
        }
        if (n == 0)
            break;
        have += (size_t)n;
        if (have > cap) {
            free(buf);
            return hv_fail(diag, HV_FAIL_REJECTED, "%s: the image is larger "
                           "than the slot (%llu bytes)", source,
                           (unsigned long long)cap);
        }
    }
    *out = buf;
    *len = have;
    return 0;
}

/* see hvupdate.h */
int hv_update_install(hv_device *d, hv_update_reader rd, void *rd_user,
                      const char *source, bool activate, uint32_t tries,
                      hv_install_report *rep, hv_diag *diag)
{
    hv_bs_view v;
    uint64_t floor, len = 0;
    uint8_t *img = NULL;
    memset(rep, 0, sizeof *rep);
    if (activate && (tries < 1 || tries > 255))
        return hv_diag_set(diag, "tries must be 1 to 255");
    if (read_state(d, &v, diag) != 0 || hv_device_floor(d, &floor, diag) != 0)
        return -1;
    uint32_t slot = 1 - v.st.active;
    rep->slot = slot;
    uint64_t cap = d->slot[slot].size;
    if (read_stream(rd, rd_user, source, cap, &img, &len, diag) != 0)
        return -1;

    /* The header's size first: a stream cut short or running past its
     * image is refused by name before the verifier reads anything. */
    if (len < HV_HEADER_SIZE) {
        free(img);
        return hv_fail(diag, HV_FAIL_REJECTED, "%s: %llu bytes is too short "
                       "for an hvimage (truncated?)", source,
                       (unsigned long long)len);
    }
    uint64_t declared = hv_le64(img + HV_HDR_OFF_IMAGE_SIZE);
    if (declared != len) {
        free(img);
        return hv_fail(diag, HV_FAIL_REJECTED, "%s: the header says %llu "
                       "bytes, the stream has %llu (%s)", source,
                       (unsigned long long)declared, (unsigned long long)len,
                       declared > len ? "truncated" : "over-long");
    }
    if (hv_device_check_image(d, img, len, floor, &rep->check, diag) != 0) {
        free(img);
        return -1;
    }
    if (!rep->check.verified) {
        free(img);
        return hv_fail(diag, HV_FAIL_REJECTED, "%s: this device would not "
                       "boot it: %s", source, rep->check.reason);
    }

    /* Only now the flash changes: the slot is recorded empty (so a cut
     * while writing never leaves it bootable or activatable), written,
     * and verified again from the flash. */
    if (hv_bs_install_begin(&d->flash, &d->layout, slot) != 0) {
        free(img);
        return hv_fail(diag, HV_FAIL_IO, "cannot record slot %c as being "
                       "installed", slot_letter(slot));
    }
    int w = hv_flash_write(&d->flash, d->slot[slot].offset, img, (size_t)len);
    free(img);
    if (w != 0)
        return hv_fail(diag, HV_FAIL_IO, "writing slot %c failed; it stays "
                       "empty", slot_letter(slot));
    /* The rest of the slot reads erased, as assemble leaves it; blocks
     * that already do are not erased again (erase cycles are finite). */
    uint64_t used = (len + d->erase_block - 1) & ~(d->erase_block - 1);
    for (uint64_t off = used; off < d->slot[slot].size; off += d->erase_block) {
        int erased = blank(d, d->slot[slot].offset + off);
        if (erased < 0 || (!erased && d->flash.erase(
                               d->flash.user, d->slot[slot].offset + off) != 0))
            return hv_fail(diag, HV_FAIL_IO, "erasing the rest of slot %c "
                           "failed", slot_letter(slot));
    }
    hv_slot_check again;
    if (hv_device_check_slot(d, slot, floor, &again, diag) != 0)
        return -1;
    if (!again.verified)
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

static int rb_verify(void *user, uint32_t slot, uint64_t floor,
                     hv_bs_image *img, const char **why)
{
    rb_ctx *c = user;
    if (hv_device_check_slot(c->dev, slot, floor, &c->check, c->diag) != 0) {
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
    if (hv_bs_rollback(&d->flash, &d->layout,
                       d->has_counter ? &d->counter : NULL, d->base_floor,
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
