/*
 * The progress line a person expects from a command that takes a while:
 * on stderr, only when stderr is a terminal (or --progress asks for it),
 * only once the work has taken a second, redrawn at most five times a
 * second: bytes in and out, the ratio, the rate and the time left. Never on
 * stdout, so JSON and piped output stay clean.
 */
#ifndef HV_CLI_PROGRESS_H
#define HV_CLI_PROGRESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum cli_progress_mode {
    CLI_PROGRESS_AUTO = 0, /* when stderr is a terminal */
    CLI_PROGRESS_ON,       /* --progress */
    CLI_PROGRESS_OFF,      /* --quiet, or output meant for a program */
} cli_progress_mode;

typedef struct cli_progress {
    const char *verb; /* "build", "verify" */
    bool enabled;
    atomic_flag drawing; /* one thread draws at a time */
    _Atomic uint64_t in, out, total;
    uint64_t start_ns;
    _Atomic uint64_t last_draw_ns;
    atomic_bool drawn; /* a line is on the screen, to be ended */
} cli_progress;

void cli_progress_init(cli_progress *p, const char *verb,
                       cli_progress_mode mode);
/* The bytes the work will read in all, once known (0: unknown). */
void cli_progress_total(cli_progress *p, uint64_t total);
/* Count |in| bytes read and |out| written; may draw. Thread-safe. */
void cli_progress_add(cli_progress *p, uint64_t in, uint64_t out);
/* End the line, if one was drawn. */
void cli_progress_done(cli_progress *p);

#endif
