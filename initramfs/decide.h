/*
 * The update agent's one decision: whether this boot confirms the slot it
 * runs from. Pure, so the host unit tests cover every case.
 *
 * Confirm only when all hold: the stage says this boot is a trial
 * (hvimage.trial=1) and not a fallback (hvimage.fallback=0 or absent), it
 * names the slot booted (hvimage.slot), the boot state on the flash says
 * that same slot is active and on trial, and the health check passed.
 */
#ifndef HVINIT_DECIDE_H
#define HVINIT_DECIDE_H

#include <stdbool.h>

#include "cmdline.h"

typedef enum hvi_decision {
    HVI_CONFIRM = 0,
    HVI_NOT_A_TRIAL,    /* hvimage.trial=0: the slot is already good     */
    HVI_NO_BOOT_WORDS,  /* the stage's words are missing or malformed    */
    HVI_FALLBACK,       /* the stage fell back to the other slot         */
    HVI_OTHER_SLOT,     /* the boot state's active slot is not the one booted */
    HVI_STATE_NOT_TRIAL,/* the boot state does not hold the slot on trial */
    HVI_UNHEALTHY,      /* the health check failed: let the tries run out */
} hvi_decision;

typedef struct hvi_state_view {
    int active;      /* 0 A, 1 B: the boot state's active slot */
    bool on_trial;   /* the boot state holds the active slot on TRIAL */
} hvi_state_view;

hvi_decision hvi_decide(const hvi_boot_words *w, const hvi_state_view *st,
                        bool healthy);

/* A short reason for the summary line: "confirmed", "not a trial", ... */
const char *hvi_decision_text(hvi_decision d);

#endif
