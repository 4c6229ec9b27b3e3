/*
 * The agent's confirm rule (initramfs/decide.h): confirm only a trial boot
 * (not a fallback) of the slot the boot state holds active and on trial,
 * after a passed health check. Every other combination is checked not to
 * confirm.
 */
#include <string.h>

#include "check.h"
#include "decide.h"

int main(void)
{
    const int values[] = {HVI_WORD_UNSET, HVI_WORD_BAD, 0, 1};
    unsigned confirms = 0, cases = 0;
    for (int si = 0; si < 4; si++)
        for (int ti = 0; ti < 4; ti++)
            for (int fi = 0; fi < 4; fi++)
                for (int active = 0; active < 2; active++)
                    for (int on_trial = 0; on_trial < 2; on_trial++)
                        for (int healthy = 0; healthy < 2; healthy++) {
                            hvi_boot_words w = {values[si], values[ti],
                                                values[fi]};
                            hvi_state_view st = {active, on_trial};
                            bool want = w.trial == 1 && w.slot == active &&
                                        (w.fallback == 0 ||
                                         w.fallback == HVI_WORD_UNSET) &&
                                        on_trial && healthy;
                            hvi_decision d = hvi_decide(&w, &st, healthy);
                            CHECK_MSG((d == HVI_CONFIRM) == want,
                                      "slot %d trial %d fallback %d active %d "
                                      "on_trial %d healthy %d: %s",
                                      w.slot, w.trial, w.fallback, active,
                                      on_trial, healthy,
                                      hvi_decision_text(d));
                            confirms += d == HVI_CONFIRM;
                            cases++;
                        }
    CHECK(cases == 4 * 4 * 4 * 2 * 2 * 2);
    CHECK(confirms == 4); /* slot A or B, fallback 0 or absent */

    /* The reasons the summary line gives. */
    hvi_boot_words w = {1, 1, 0};
    hvi_state_view st = {1, true};
    CHECK(hvi_decide(&w, &st, false) == HVI_UNHEALTHY);
    st.active = 0;
    CHECK(hvi_decide(&w, &st, true) == HVI_OTHER_SLOT);
    st = (hvi_state_view){1, false};
    CHECK(hvi_decide(&w, &st, true) == HVI_STATE_NOT_TRIAL);
    w.trial = 0;
    CHECK(hvi_decide(&w, &st, true) == HVI_NOT_A_TRIAL);
    w = (hvi_boot_words){1, 1, 1};
    CHECK(hvi_decide(&w, &st, true) == HVI_FALLBACK);
    w = (hvi_boot_words){HVI_WORD_UNSET, 1, 0};
    CHECK(hvi_decide(&w, &st, true) == HVI_NO_BOOT_WORDS);
    CHECK(!strcmp(hvi_decision_text(HVI_CONFIRM), "confirmed"));
    CHECK(!strcmp(hvi_decision_text(HVI_NOT_A_TRIAL), "not a trial"));
    return CHECK_DONE();
}
