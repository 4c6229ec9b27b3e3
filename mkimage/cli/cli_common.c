#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_print.h"
#include "device_check.h"
#include "exit_codes.h"
#include "output_check.h"
#include "plan.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    char msg[HV_DIAG_MAX + 64], tail[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(tail, sizeof tail, " (see hvimage help %s)", cmd);
    size_t n = strlen(msg);
    snprintf(msg + n, sizeof msg - n, "%s", tail);
    cli_print_error(cmd, msg);
    return HV_EXIT_USAGE;
}

int cli_exit_for_class(hv_fail_class cls)
{
    switch (cls) {
    case HV_FAIL_NONE:
        return HV_EXIT_OK;
    case HV_FAIL_REJECTED:
        return HV_EXIT_REJECTED;
    case HV_FAIL_INPUT:
        return HV_EXIT_USAGE;
    case HV_FAIL_IO:
    case HV_FAIL_INTERNAL:
        return HV_EXIT_INTERNAL;
    }
    return HV_EXIT_INTERNAL;
}

int cli_set_once(const char *cmd, const char *opt, const char **slot,
                 const char *value)
{
    if (*slot)
        return cli_usage_error(cmd, "%s given twice ('%s', then '%s')", opt,
                               *slot, value);
    *slot = value;
    return 0;
}

int cli_check_output(const char *cmd, const char *opt, const char *out,
                     const char *const *inputs, size_t n)
{
    hv_diag d = {0};
    if (hv_output_check(out, opt, inputs, n, &d) != 0)
        return cli_report(cmd, &d);
    return 0;
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    unsigned base = 10;
    if (!s || !*s)
        return false;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (!*s)
            return false;
    }
    for (; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            return false;
        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

int cli_keys_add(cli_keys *k, const char *path, hv_diag *diag)
{
    if (k->count == sizeof k->pub / sizeof k->pub[0])
        return hv_diag_set(diag, "%s: at most %zu trusted keys", path,
                           sizeof k->pub / sizeof k->pub[0]);
    hv_pubkey *p = &k->pub[k->count];
    if (hv_pubkey_load(path, p, diag) != 0)
        return -1;
    hv_trusted_key *r = &k->rec[k->count++];
    memcpy(r->key_id, p->key_id, HV_KEY_ID_SIZE);
    r->sig_alg = p->sig_alg;
    r->pub = p->pub;
    r->pub_len = p->pub_len;
    return 0;
}

int cli_exit_for_result(hv_result r)
{
    switch (r) {
    case HV_OK:
        return HV_EXIT_OK;
    case HV_ERR_ARGUMENT:
    case HV_ERR_NO_TRUSTED_KEYS:
        return HV_EXIT_USAGE;
    case HV_ERR_MEMORY:
    case HV_ERR_CRYPTO:
    case HV_ERR_PLATFORM:
        return HV_EXIT_INTERNAL;
    default:
        return HV_EXIT_REJECTED;
    }
}

/* ---- The host platform for hv_verify ---------------------------------- */

static int host_read(void *user, uint64_t off, void *dst, size_t len)
{
    cli_verify_run *run = user;
    cli_progress_add(&run->progress, len, 0);
    uint8_t *p = dst;
    while (len > 0) {
        ssize_t n = pread(run->fd, p, len, (off_t)off);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static int host_rollback(void *user, uint64_t *counter)
{
    *counter = ((cli_verify_run *)user)->rollback;
    return 0;
}

static int host_board(void *user, char id[HV_BOARD_ID_SIZE])
{
    memcpy(id, ((cli_verify_run *)user)->board, HV_BOARD_ID_SIZE);
    return 0;
}

/*
 * Section RAM. A 512 MiB core means 131072 first-touch page faults in 4 KiB
 * pages, which can cost more than decompressing it; so buffers of 2 MiB and
 * up are 2 MiB aligned and asked to use transparent huge pages (one fault
 * per 2 MiB), and for large ones a helper thread prefaults the pages
 * (MADV_POPULATE_WRITE: page tables only, the contents are never touched),
 * from the end of the buffer backwards, while the verifier reads, hashes
 * and decompresses from the front. The helper changes no byte, so what
 * hv_verify reads, hashes and decompresses is exactly as without it. The
 * memory is plain malloc memory, released with free() once every helper
 * has been joined (cli_verify_release).
 */
#define HOST_HUGE_PAGE ((size_t)2 << 20)
#define HOST_PREFAULT_MIN ((size_t)16 << 20)
#define HOST_PREFAULT_STEP ((size_t)8 << 20)

typedef struct host_prefault {
    pthread_t thread;
    atomic_bool stop;
    uint8_t *range[2];
    size_t len[2];
} host_prefault;

/* One verification per process at a time; joined in cli_verify_release. */
static host_prefault host_prefaults[HV_MAX_SECTIONS];
static size_t host_prefault_count;

static void *host_prefault_run(void *arg)
{
    host_prefault *h = arg;
    for (int r = 0; r < 2; r++) {
        size_t end = h->len[r];
        while (end > 0 && !atomic_load(&h->stop)) {
            size_t n = end < HOST_PREFAULT_STEP ? end : HOST_PREFAULT_STEP;
            end -= n;
#ifdef MADV_POPULATE_WRITE
            if (madvise(h->range[r] + end, n, MADV_POPULATE_WRITE) != 0)
                return NULL; /* an older kernel: the faults happen anyway */
#else
            return NULL;
#endif
        }
    }
    return NULL;
}

static void host_prefault_start(uint8_t *a, size_t alen, uint8_t *b,
                                size_t blen)
{
    if (alen < HOST_PREFAULT_MIN && blen < HOST_PREFAULT_MIN)
        return;
    if (host_prefault_count == HV_MAX_SECTIONS)
        return;
    host_prefault *h = &host_prefaults[host_prefault_count];
    atomic_init(&h->stop, false);
    /* The stored copy first: the verifier needs it first. */
    h->range[0] = a;
    h->len[0] = alen >= HOST_PREFAULT_MIN ? alen : 0;
    h->range[1] = b;
    h->len[1] = blen >= HOST_PREFAULT_MIN ? blen : 0;
    if (pthread_create(&h->thread, NULL, host_prefault_run, h) == 0)
        host_prefault_count++;
}

static void host_prefault_join_all(void)
{
    for (size_t i = 0; i < host_prefault_count; i++)
        atomic_store(&host_prefaults[i].stop, true);
    for (size_t i = 0; i < host_prefault_count; i++)
        pthread_join(host_prefaults[i].thread, NULL);
    host_prefault_count = 0;
}

static uint8_t *host_alloc(uint64_t size, size_t *len)
{
    *len = 0;
    if (size < HOST_HUGE_PAGE)
        return malloc(size ? (size_t)size : 1);
    if (size > SIZE_MAX - HOST_HUGE_PAGE)
        return NULL;
    size_t n = ((size_t)size + HOST_HUGE_PAGE - 1) & ~(HOST_HUGE_PAGE - 1);
    uint8_t *p = aligned_alloc(HOST_HUGE_PAGE, n);
    if (!p)
        return NULL;
#ifdef MADV_HUGEPAGE
    (void)madvise(p, n, MADV_HUGEPAGE); /* a hint: fine if refused */
#endif
    *len = n;
    return p;
}

static int host_memory(void *user, const hv_section *s, uint8_t **stored,
                       uint8_t **unpacked)
{
    cli_verify_run *run = user;
    size_t stored_len, unpacked_len = 0;
    /* The sizes are signed by now, but still bounded by the file: a signed
     * image cannot make the host allocate more than it stores, plus the
     * unpacked size which the format caps at HV_MAX_UNPACKED_SIZE. */
    if (s->stored_size > run->file_size)
        return -1;
    *stored = host_alloc(s->stored_size, &stored_len);
    if (!*stored)
        return -1;
    run->buffers[run->buffer_count++] = *stored;
    if (s->compression != HV_COMPRESSION_NONE) {
        *unpacked = host_alloc(s->unpacked_size, &unpacked_len);
        if (!*unpacked)
            return -1;
        run->buffers[run->buffer_count++] = *unpacked;
        host_prefault_start(*stored, stored_len, *unpacked, unpacked_len);
    } else {
        host_prefault_start(*stored, stored_len, NULL, 0);
    }
    return 0;
}

/*
 * Version 2, streamed: one chunk, zstd's 8 MiB window and a small output
 * buffer, whatever the image's size; the unpacked bytes are checked and
 * dropped. The chunk buffer takes the largest chunk the format allows, but
 * only the image's own chunk size of it is ever touched.
 */
#define HOST_STREAM_OUT ((size_t)256 << 10)

static hv_result host_verify_stream(cli_verify_run *run,
                                    const cli_verify_opts *o,
                                    const hv_ops *ops, const hv_policy *pol)
{
    size_t chunk = (size_t)1 << HV_MAX_CHUNK_LOG2;
    run->stream_buffers[0] = malloc(chunk);
    run->stream_buffers[1] = aligned_alloc(64, HV_ZSTD_STREAM_WORKSPACE_SIZE);
    run->stream_buffers[2] = malloc(HOST_STREAM_OUT);
    if (!run->stream_buffers[0] || !run->stream_buffers[1] ||
        !run->stream_buffers[2])
        return HV_ERR_MEMORY;
    hv_stream st = {
        .chunk = run->stream_buffers[0], .chunk_size = chunk,
        .zstd = run->stream_buffers[1],
        .zstd_size = HV_ZSTD_STREAM_WORKSPACE_SIZE,
        .out = run->stream_buffers[2], .out_size = HOST_STREAM_OUT,
        .unpack = 1,
        .user = o->sink_user,
        .section_bytes = o->section_sink,
    };
    return hv_verify_stream(ops, &hv_crypto_native, pol, run->ws, &st,
                            &run->verdict);
}

int cli_verify_file(const char *path, const cli_verify_opts *o,
                    cli_verify_run *run, hv_diag *diag)
{
    struct stat st;
    memset(run, 0, sizeof *run);
    run->fd = open(path, O_RDONLY);
    if (run->fd < 0) {
        hv_diag_set(diag, "%s: cannot open: %s", path, strerror(errno));
        return HV_EXIT_USAGE;
    }
    if (fstat(run->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        hv_diag_set(diag, "%s: not a regular file", path);
        return HV_EXIT_USAGE;
    }
    run->file_size = (uint64_t)st.st_size;
    size_t blen = strlen(o->board);
    if (blen == 0 || blen > HV_BOARD_ID_SIZE) {
        hv_diag_set(diag, "--board '%s' must be 1 to %u characters", o->board,
                    HV_BOARD_ID_SIZE);
        return HV_EXIT_USAGE;
    }
    memcpy(run->board, o->board, blen);
    run->rollback = o->rollback;
    run->ws = malloc(sizeof *run->ws);
    if (!run->ws) {
        hv_diag_set(diag, "out of memory");
        return HV_EXIT_INTERNAL;
    }
    /* A progress line for a verify that takes over a second, on a
     * terminal, never mixed into JSON unless asked. */
    cli_progress_init(&run->progress, "verify",
                      o->progress ? CLI_PROGRESS_ON
                      : o->json   ? CLI_PROGRESS_OFF
                                  : CLI_PROGRESS_AUTO);
    cli_progress_total(&run->progress, run->file_size);
    hv_ops ops = {run, host_read, host_rollback, host_board, host_memory};
    hv_policy pol = {.keys = o->keys.rec, .key_count = o->keys.count,
                     .min_signatures = o->min_signatures, .oem_id = o->oem,
                     .region_size = run->file_size, .exact_size = 1};
    if (o->root_path) {
        pol.roots = &o->anchor.roots;
        pol.min_root_version = o->min_root_version;
        pol.min_keyring_version = o->min_keyring_version;
        pol.min_key_epoch = o->min_key_epoch;
    }
    hv_result r = HV_ERR_NOT_STREAMABLE;
    if (o->stream) {
        r = host_verify_stream(run, o, &ops, &pol);
        if (r == HV_ERR_MEMORY && !run->verdict.info_valid) {
            hv_diag_set(diag, "out of memory");
            return HV_EXIT_INTERNAL;
        }
        run->streamed = r != HV_ERR_NOT_STREAMABLE;
    }
    /* Version 1 has no chunk digests: its sections are held whole. */
    if (r == HV_ERR_NOT_STREAMABLE)
        r = hv_verify(&ops, &hv_crypto_native, &pol, run->ws, &run->verdict);
    run->ran = true;
    cli_progress_done(&run->progress);
    /* The boot stage's RAM windows (device policy, hvpolicy.h): what
     * verify accepts is what the stage boots. */
    char ram_why[256];
    if (r == HV_OK && !o->ram_waived &&
        hv_stage_ram_check(&run->verdict, ram_why, sizeof ram_why) != 0) {
        hv_fail(diag, HV_FAIL_REJECTED, "%s: rejected in section '%s': %s",
                path, run->verdict.info.sections[run->verdict.failed_section]
                          .name, ram_why);
        return HV_EXIT_REJECTED;
    }
    if (r != HV_OK) {
        const hv_verdict *v = &run->verdict;
        char where[96] = "";
        if (v->failed_section != UINT32_MAX && v->info_valid)
            snprintf(where, sizeof where, " in section '%s'",
                     v->info.sections[v->failed_section].name);
        if (v->fail_offset != UINT64_MAX)
            hv_diag_set(diag, "%s: rejected at byte offset %llu%s: %s (%s)",
                        path, (unsigned long long)v->fail_offset, where,
                        hv_result_str(r), hv_result_name(r));
        else
            hv_diag_set(diag, "%s: rejected%s: %s (%s)", path, where,
                        hv_result_str(r), hv_result_name(r));
    }
    return cli_exit_for_result(r);
}

void cli_verify_release(cli_verify_run *run)
{
    host_prefault_join_all();
    for (size_t i = 0; i < run->buffer_count; i++)
        free(run->buffers[i]);
    for (size_t i = 0; i < 3; i++)
        free(run->stream_buffers[i]);
    free(run->ws);
    if (run->fd > 0)
        close(run->fd);
    memset(run, 0, sizeof *run);
}

/* Printing (cli_hex, cli_print_info_text, the JSON builders) is cli_print.c. */
