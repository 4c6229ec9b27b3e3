/* The NOR flash model (nor.h). */
#include "nor.h"

#include <stdlib.h>
#include <string.h>

static uint64_t next_random(uint64_t *s)
{
    /* xorshift64*: deterministic from the seed, good enough for noise. */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

static int nor_read(void *user, uint64_t off, void *dst, size_t len)
{
    nor *n = user;
    if (n->off || off > n->size || len > n->size - off)
        return -1;
    uint8_t *d = dst;
    for (size_t i = 0; i < len; i++) {
        uint8_t w = n->weak[off + i];
        d[i] = n->data[off + i];
        if (w)
            d[i] |= (uint8_t)next_random(&n->rng) & w;
    }
    return 0;
}

static void trace(nor *n, enum nor_op_kind kind, uint64_t len)
{
    if (!n->trace_cap && !n->trace)
        return;
    if (n->trace_len == n->trace_cap) {
        size_t cap = n->trace_cap ? n->trace_cap * 2 : 64;
        nor_op *t = realloc(n->trace, cap * sizeof *t);
        if (!t)
            abort();
        n->trace = t;
        n->trace_cap = cap;
    }
    n->trace[n->trace_len++] = (nor_op){kind, len};
}

/* Start an operation: 1 if it may run, 0 if power is (now) off before it. */
static int begin(nor *n, enum nor_op_kind kind, uint64_t len)
{
    if (n->off)
        return 0;
    n->ops++;
    n->total_ops++;
    trace(n, kind, len);
    if (n->cut.kind == NOR_CUT_BEFORE && n->ops == n->cut.at) {
        n->off = 1;
        return 0;
    }
    return 1;
}

static int nor_program(void *user, uint64_t off, const void *src, size_t len)
{
    nor *n = user;
    if (off > n->size || len > n->size - off || len == 0 ||
        off / n->page != (off + len - 1) / n->page)
        abort(); /* a caller bug, not a power cut: stop the test loudly */
    if (!begin(n, NOR_OP_PROGRAM, len))
        return -1;
    size_t upto = len;
    int cut = n->cut.kind == NOR_CUT_PROGRAM && n->ops == n->cut.at;
    if (cut) {
        if (n->cut.param >= len)
            abort(); /* not inside this program: a test bug */
        upto = (size_t)n->cut.param;
    }
    const uint8_t *s = src;
    for (size_t i = 0; i < upto; i++) {
        n->data[off + i] &= s[i];
        /* A programmed 0 is a solid 0; a bit left at 1 over a weak bit
         * stays weak. */
        n->weak[off + i] &= s[i];
    }
    if (cut) {
        n->off = 1;
        return -1;
    }
    for (size_t i = 0; i < len; i++)
        n->written[off + i] = 1;
    return 0;
}

static int nor_erase(void *user, uint64_t off)
{
    nor *n = user;
    if (off % n->erase_block || off >= n->size)
        abort();
    uint64_t pages = n->erase_block / n->page;
    if (!begin(n, NOR_OP_ERASE, pages))
        return -1;
    size_t eb = (size_t)n->erase_block;
    if ((n->cut.kind == NOR_CUT_ERASE_PARTIAL ||
         n->cut.kind == NOR_CUT_ERASE_WEAK) && n->ops == n->cut.at) {
        size_t done = (size_t)n->cut.param * n->page;
        memset(n->data + off, 0xFF, done);
        memset(n->weak + off, 0, done);
        if (n->cut.kind == NOR_CUT_ERASE_WEAK)
            for (size_t i = done; i < eb; i++)
                n->weak[off + i] = (uint8_t)~n->data[off + i];
        n->torn[off / eb] = 1;
        n->off = 1;
        return -1;
    }
    memset(n->data + off, 0xFF, eb);
    memset(n->weak + off, 0, eb);
    memset(n->written + off, 0, eb);
    n->torn[off / eb] = 0;
    return 0;
}

int nor_init(nor *n, size_t size, uint64_t erase_block, uint32_t page,
             uint64_t seed)
{
    memset(n, 0, sizeof *n);
    n->size = size;
    n->erase_block = erase_block;
    n->page = page;
    n->rng = seed ? seed : 1;
    n->data = malloc(size);
    n->weak = calloc(size, 1);
    n->written = calloc(size, 1);
    n->torn = calloc(size / erase_block, 1);
    if (!n->data || !n->weak || !n->written || !n->torn)
        return -1;
    memset(n->data, 0xFF, size);
    n->ops_if = (hv_flash_ops){n, nor_read, nor_program, nor_erase,
                               erase_block, page};
    return 0;
}

void nor_free(nor *n)
{
    free(n->data);
    free(n->weak);
    free(n->written);
    free(n->torn);
    free(n->trace);
    memset(n, 0, sizeof *n);
}

int nor_copy(nor *dst, const nor *src)
{
    if (dst->size != src->size) {
        nor_free(dst);
        if (nor_init(dst, src->size, src->erase_block, src->page, 1) != 0)
            return -1;
    }
    memcpy(dst->data, src->data, src->size);
    memcpy(dst->weak, src->weak, src->size);
    memcpy(dst->written, src->written, src->size);
    memcpy(dst->torn, src->torn, src->size / src->erase_block);
    dst->ops = src->ops;
    dst->total_ops = src->total_ops;
    dst->cut = src->cut;
    dst->off = src->off;
    dst->rng = src->rng;
    dst->trace_len = 0;
    dst->ops_if.user = dst;
    return 0;
}

void nor_arm(nor *n, nor_cut cut)
{
    n->cut = cut;
    n->ops = 0;
    n->off = 0;
}

void nor_trace_start(nor *n)
{
    n->trace_len = 0;
    if (!n->trace_cap) {
        n->trace_cap = 64;
        n->trace = malloc(n->trace_cap * sizeof *n->trace);
        if (!n->trace)
            abort();
    }
}

void nor_trace_stop(nor *n)
{
    free(n->trace);
    n->trace = NULL;
    n->trace_cap = 0;
}
