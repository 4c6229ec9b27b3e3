/*
 * The streamed install's flash writes (hvbootstate.h hv_slot_writer): the
 * slot recorded EMPTY before its first erase, each erase block erased as
 * the pieces reach it, then programmed. Its own file so that the updater
 * and the power-cut simulator run it, and the stage and the monitor, which
 * never install, do not carry it.
 */
#include "hvbootstate.h"

/* see hvbootstate.h */
int hv_slot_writer_write(hv_slot_writer *w, uint64_t off, const void *data,
                         size_t len)
{
    if (off != w->next)
        return -1;
    if (!w->begun) {
        if (hv_bs_install_begin(w->f, w->l, w->slot) != 0)
            return -1;
        w->begun = 1;
    }
    while (w->erased < off + len) {
        if (w->f->erase(w->f->user, w->base + w->erased) != 0)
            return -1;
        w->erased += w->f->erase_block;
    }
    if (hv_flash_program(w->f, w->base + off, data, len) != 0)
        return -1;
    w->next = off + len;
    return 0;
}
