#include "section_spool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>


static void *spool_run(void *arg)
{
    hv_spool *s = arg;
    for (size_t i = 0; i < s->count; i++) {
        if (!s->wanted[i])
            continue;
        hv_source src;
        s->rc = s->open(s->ctx, i, &src, &s->diag);
        if (s->rc != 0)
            return NULL;
        s->offset[i] = (uint64_t)ftello(s->fp);
        hv_section_params p = s->params;
        p.table_entries = s->table_entries[i];
        int rc = hv_write_section(s->fp, &src, &p, &s->result[i], &s->diag);
        hv_source_close(&src);
        if (rc != 0) {
            s->rc = -1;
            return NULL;
        }
    }
    if (fflush(s->fp) != 0) {
        hv_fail_errno(&s->diag, errno, "the temporary section spool",
                      "write failed");
        s->rc = -1;
    }
    return NULL;
}

int hv_spool_start(hv_spool *s, size_t count, const bool *wanted,
                   const hv_section_params *params,
                   const uint64_t *table_entries, hv_spool_open_fn open,
                   void *ctx, hv_diag *diag)
{
    memset(s, 0, sizeof *s);
    if (count > HV_MAX_SECTIONS) {
        return hv_fail(diag, HV_FAIL_INTERNAL,
                       "internal error: %zu sections to spool", count);
    }
    s->open = open;
    s->ctx = ctx;
    s->count = count;
    memcpy(s->wanted, wanted, count * sizeof *wanted);
    memcpy(s->table_entries, table_entries, count * sizeof *table_entries);
    s->params = *params;
    s->fp = tmpfile();
    if (!s->fp) {
        return hv_fail_errno(diag, errno, "the temporary section spool",
                             "cannot create");
    }
    int e = pthread_create(&s->thread, NULL, spool_run, s);
    if (e != 0) {
        return hv_fail(diag, HV_FAIL_INTERNAL,
                       "cannot start a compression thread: %s", strerror(e));
    }
    s->running = true;
    return 0;
}

int hv_spool_finish(hv_spool *s, hv_diag *diag)
{
    if (!s->running)
        return 0;
    pthread_join(s->thread, NULL);
    s->running = false;
    if (s->rc != 0)
        *diag = s->diag;
    return s->rc;
}

int hv_spool_copy(hv_spool *s, size_t i, FILE *out, hv_diag *diag)
{
    uint8_t buf[64 * 1024];
    uint64_t left = s->result[i].stored_size;
    if (fseeko(s->fp, (off_t)s->offset[i], SEEK_SET) != 0)
        return hv_fail_errno(diag, errno, "the temporary section spool",
                             "read failed");
    while (left > 0) {
        size_t n = left < sizeof buf ? (size_t)left : sizeof buf;
        if (fread(buf, 1, n, s->fp) != n)
            return hv_fail_errno(diag, ferror(s->fp) ? errno : EIO,
                                 "the temporary section spool", "read failed");
        if (fwrite(buf, 1, n, out) != n)
            return hv_fail_errno(diag, errno ? errno : EIO, s->params.out_name,
                                 "write failed");
        left -= n;
    }
    return 0;
}

void hv_spool_free(hv_spool *s)
{
    if (s->running) {
        pthread_join(s->thread, NULL);
        s->running = false;
    }
    if (s->fp)
        fclose(s->fp);
    s->fp = NULL;
    for (size_t i = 0; i < HV_MAX_SECTIONS; i++) {
        free(s->result[i].table);
        s->result[i].table = NULL;
    }
}
