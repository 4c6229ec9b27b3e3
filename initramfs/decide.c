/* The agent's confirm rule (decide.h). */
#include "decide.h"

hvi_decision hvi_decide(const hvi_boot_words *w, const hvi_state_view *st,
                        bool healthy)
{
    if (w->trial < 0 || w->slot < 0 || w->fallback == HVI_WORD_BAD)
        return HVI_NO_BOOT_WORDS;
    if (w->fallback == 1)
        return HVI_FALLBACK;
    if (w->trial == 0)
        return HVI_NOT_A_TRIAL;
    if (st->active != w->slot)
        return HVI_OTHER_SLOT;
    if (!st->on_trial)
        return HVI_STATE_NOT_TRIAL;
    if (!healthy)
        return HVI_UNHEALTHY;
    return HVI_CONFIRM;
}

const char *hvi_decision_text(hvi_decision d)
{
    switch (d) {
    case HVI_CONFIRM: return "confirmed";
    case HVI_NOT_A_TRIAL: return "not a trial";
    case HVI_NO_BOOT_WORDS: return "no boot words from the stage";
    case HVI_FALLBACK: return "fallback boot, not confirmed";
    case HVI_OTHER_SLOT: return "booted slot is not the active one, not confirmed";
    case HVI_STATE_NOT_TRIAL: return "boot state holds no trial, not confirmed";
    case HVI_UNHEALTHY: return "health check failed, not confirmed";
    }
    return "?";
}
