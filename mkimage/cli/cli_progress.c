#include "cli_progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define NS 1000000000ull
#define QUIET_NS (1 * NS)      /* nothing for work that ends within this */
#define REDRAW_NS (NS / 5)

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

void cli_progress_init(cli_progress *p, const char *verb,
                       cli_progress_mode mode)
{
    p->verb = verb;
    p->enabled = mode == CLI_PROGRESS_ON ||
                 (mode == CLI_PROGRESS_AUTO && isatty(STDERR_FILENO));
    atomic_flag_clear(&p->drawing);
    atomic_init(&p->in, 0);
    atomic_init(&p->out, 0);
    atomic_init(&p->total, 0);
    atomic_init(&p->last_draw_ns, 0);
    atomic_init(&p->drawn, false);
    p->start_ns = now_ns();
}

void cli_progress_total(cli_progress *p, uint64_t total)
{
    atomic_store(&p->total, total);
}

static double mib(uint64_t b)
{
    return (double)b / (1024.0 * 1024.0);
}

static void draw(cli_progress *p, uint64_t t)
{
    uint64_t in = atomic_load(&p->in), out = atomic_load(&p->out);
    uint64_t total = atomic_load(&p->total);
    double secs = (double)(t - p->start_ns) / (double)NS;
    double rate = secs > 0 ? mib(in) / secs : 0;
    char left[32] = "";
    if (total > in && rate > 0)
        snprintf(left, sizeof left, ", %.0f s left",
                 mib(total - in) / rate + 0.5);
    char of[32] = "";
    if (total > 0)
        snprintf(of, sizeof of, " of %.1f", mib(total));
    fprintf(stderr, "\r%s: %.1f%s MiB in", p->verb, mib(in), of);
    if (out > 0)
        fprintf(stderr, ", %.1f MiB out", mib(out));
    if (in > 0 && out > 0)
        fprintf(stderr, " (ratio %.3f)", (double)out / (double)in);
    fprintf(stderr, ", %.0f MiB/s%s\033[K", rate, left);
    fflush(stderr);
    atomic_store(&p->drawn, true);
}

void cli_progress_add(cli_progress *p, uint64_t in, uint64_t out)
{
    atomic_fetch_add(&p->in, in);
    atomic_fetch_add(&p->out, out);
    if (!p->enabled)
        return;
    uint64_t t = now_ns();
    if (t - p->start_ns < QUIET_NS ||
        t - atomic_load(&p->last_draw_ns) < REDRAW_NS)
        return;
    if (atomic_flag_test_and_set(&p->drawing))
        return; /* another thread is drawing right now */
    atomic_store(&p->last_draw_ns, t);
    draw(p, t);
    atomic_flag_clear(&p->drawing);
}

void cli_progress_done(cli_progress *p)
{
    if (!p->enabled || !atomic_load(&p->drawn))
        return;
    draw(p, now_ns());
    fputc('\n', stderr);
}
