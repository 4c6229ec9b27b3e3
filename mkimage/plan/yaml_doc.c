/* see yaml_doc.h */
#include "yaml_doc.h"
#include "hex.h"
#include "hvimage/format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "host_limits.h" /* the HV_MAX_YAML_* ceilings */

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

/* ---- messages ---------------------------------------------------------- */

/* Escape |len| bytes of |s| into |dst| as printable ASCII, so that hostile
 * text can neither break a message's quoting nor put control sequences on a
 * terminal. At most |max| input bytes are shown. */
static void escape_text(char *dst, size_t size, const char *s, size_t len,
                        size_t max)
{
    size_t o = 0, i;

    if (size < 4) {
        if (size)
            dst[0] = '\0';
        return;
    }
    for (i = 0; i < len && i < max; i++) {
        unsigned char b = (unsigned char)s[i];
        char tmp[5];
        size_t n;

        if (b == '\'' || b == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)b;
            n = 2;
        } else if (b >= 0x20 && b < 0x7f) {
            tmp[0] = (char)b;
            n = 1;
        } else if (b == '\n') {
            memcpy(tmp, "\\n", 2);
            n = 2;
        } else if (b == '\t') {
            memcpy(tmp, "\\t", 2);
            n = 2;
        } else {
            snprintf(tmp, sizeof tmp, "\\x%02X", b);
            n = 4;
        }
        if (o + n + 4 > size) /* keep room for "..." and the NUL */
            break;
        memcpy(dst + o, tmp, n);
        o += n;
    }
    if (i < len) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
}

const char *hv_ydescribe(const hv_ynode *node, char *buf, size_t size)
{
    char esc[HV_YDESCRIBE_SIZE - 8];

    if (size == 0)
        return buf;
    if (!node) {
        snprintf(buf, size, "nothing");
    } else if (node->kind == HV_Y_MAP) {
        snprintf(buf, size, "a map");
    } else if (node->kind == HV_Y_SEQ) {
        snprintf(buf, size, "a sequence");
    } else if (node->len == 0 && !node->is_string) {
        snprintf(buf, size, "an empty value");
    } else {
        escape_text(esc, sizeof esc, node->text, node->len, 64);
        snprintf(buf, size, "'%s'", esc);
    }
    return buf;
}

static int vset_at(hv_diag *diag, const char *file, unsigned line,
                   unsigned column, const char *fmt, va_list ap)
{
    int n;

    if (!diag)
        return -1;
    diag->cls = HV_FAIL_INPUT; /* everything said about a YAML file */
    if (line)
        n = snprintf(diag->msg, sizeof diag->msg, "%s:%u:%u: error: ", file,
                     line, column);
    else
        n = snprintf(diag->msg, sizeof diag->msg, "%s: error: ", file);
    if (n >= 0 && (size_t)n < sizeof diag->msg)
        vsnprintf(diag->msg + n, sizeof diag->msg - (size_t)n, fmt, ap);
    return -1;
}

static int set_at(hv_diag *diag, const char *file, unsigned line,
                  unsigned column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int set_at(hv_diag *diag, const char *file, unsigned line,
                  unsigned column, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vset_at(diag, file, line, column, fmt, ap);
    va_end(ap);
    return -1;
}

int hv_yerror(const hv_ydoc *doc, const hv_ynode *node, hv_diag *diag,
              const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vset_at(diag, doc->file ? doc->file : "?", node ? node->line : 0,
            node ? node->column : 0, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- positions ----------------------------------------------------------- */

static unsigned mark_pos(size_t zero_based)
{
    /* The file is at most 1 MiB, so this cannot saturate in practice; the
     * clamp only keeps a libyaml surprise from wrapping. */
    return zero_based < 0xFFFFFFFEu ? (unsigned)zero_based + 1u : 0xFFFFFFFFu;
}

/* Line and column of byte |off| of |buf|, counted the way libyaml counts its
 * marks (characters, and the same line breaks), for the errors where libyaml
 * gives only a byte offset. The bytes before |off| are valid UTF-8. */
static void offset_position(const unsigned char *buf, size_t len, size_t off,
                            unsigned *line, unsigned *column)
{
    size_t l = 0, c = 0;

    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        unsigned char b = buf[i];

        if (b == '\n') {
            l++;
            c = 0;
        } else if (b == '\r') {
            if (i + 1 < len && buf[i + 1] == '\n')
                continue; /* CR LF is one break, taken at the LF */
            l++;
            c = 0;
        } else if (b == 0xC2 && i + 1 < len && buf[i + 1] == 0x85) {
            l++; /* NEL */
            c = 0;
            i++;
        } else if (b == 0xE2 && i + 2 < len && buf[i + 1] == 0x80 &&
                   (buf[i + 2] == 0xA8 || buf[i + 2] == 0xA9)) {
            l++; /* LS, PS */
            c = 0;
            i += 2;
        } else if ((b & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = mark_pos(l);
    *column = mark_pos(c);
}

/* ---- reading the file ---------------------------------------------------- */

static int read_file(const char *path, unsigned char **out, size_t *out_len,
                     hv_diag *diag)
{
    /* One byte past the limit tells "at the limit" from "over it" without
     * trusting st_size, which a FIFO or a growing file would falsify; st_size
     * only sizes the first buffer. */
    const size_t max = (size_t)HV_MAX_YAML_FILE_SIZE + 1u;
    unsigned char *buf = NULL;
    size_t len = 0, cap;
    struct stat st;
    int fd, e = 0;

    *out = NULL;
    *out_len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return set_at(diag, path, 0, 0, "cannot open: %s", strerror(errno));
    if (fstat(fd, &st) != 0) {
        e = errno;
        close(fd);
        return set_at(diag, path, 0, 0, "cannot stat: %s", strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return set_at(diag, path, 0, 0, "is a folder, not a YAML file");
    }
    cap = 4096;
    if (S_ISREG(st.st_mode) && st.st_size > 0)
        cap = (uint64_t)st.st_size < max ? (size_t)st.st_size + 1 : max;
    for (;;) {
        ssize_t n;

        if (len == cap) {
            unsigned char *nb;
            if (cap == max)
                break;
            cap = cap > max / 2 ? max : cap * 2;
            nb = realloc(buf, cap);
            if (!nb) {
                e = ENOMEM;
                break;
            }
            buf = nb;
        } else if (!buf) {
            buf = malloc(cap);
            if (!buf) {
                e = ENOMEM;
                break;
            }
        }
        n = read(fd, buf + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            e = errno;
            break;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (e) {
        free(buf);
        return set_at(diag, path, 0, 0, "cannot read: %s", strerror(e));
    }
    *out = buf;
    *out_len = len;
    return 0;
}

/* ---- building the tree --------------------------------------------------- */

static void free_node(hv_ynode *n)
{
    if (!n)
        return;
    /* Every slot up to |cap| is either a child or NULL (slots are zeroed
     * when allocated), which also covers maps left half-built by an error.
     * Recursion is bounded by HV_MAX_YAML_DEPTH. */
    for (size_t i = 0; i < n->cap; i++)
        free_node(n->items[i]);
    free(n->items);
    free(n->text);
    free(n);
}

void hv_ydoc_free(hv_ydoc *doc)
{
    if (!doc)
        return;
    free_node(doc->root);
    free(doc->file);
    memset(doc, 0, sizeof *doc);
}

typedef struct builder {
    hv_ydoc *doc;
    hv_diag *diag;
    hv_ynode *stack[HV_MAX_YAML_DEPTH];
    size_t depth;
    /* Raw item counts of the open collections: for a map, keys and values
     * together, so an even count means a key comes next. */
    size_t used[HV_MAX_YAML_DEPTH];
    bool seen_document;
    bool seen_root;
} builder;

static int err_mark(builder *b, const yaml_mark_t *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int err_mark(builder *b, const yaml_mark_t *m, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vset_at(b->diag, b->doc->file, mark_pos(m->line), mark_pos(m->column), fmt,
            ap);
    va_end(ap);
    return -1;
}

static int check_tag(builder *b, const yaml_event_t *ev, const char *tag,
                     hv_ykind kind, hv_ytag *out)
{
    const size_t plen = sizeof YAML_TAG_PREFIX - 1;
    char shown[HV_YDESCRIBE_SIZE];
    char esc[HV_YDESCRIBE_SIZE - 8];

    *out = HV_YTAG_NONE;
    if (!tag)
        return 0;
    if (kind == HV_Y_SCALAR && strcmp(tag, YAML_STR_TAG) == 0) {
        *out = HV_YTAG_STR;
        return 0;
    }
    if (kind == HV_Y_SCALAR && strcmp(tag, YAML_INT_TAG) == 0) {
        *out = HV_YTAG_INT;
        return 0;
    }
    if (kind == HV_Y_SCALAR && strcmp(tag, YAML_BOOL_TAG) == 0) {
        *out = HV_YTAG_BOOL;
        return 0;
    }
    if ((kind == HV_Y_MAP && strcmp(tag, YAML_MAP_TAG) == 0) ||
        (kind == HV_Y_SEQ && strcmp(tag, YAML_SEQ_TAG) == 0))
        return 0;
    /* Show the tag the way it was most likely written. */
    if (strncmp(tag, YAML_TAG_PREFIX, plen) == 0) {
        escape_text(esc, sizeof esc, tag + plen, strlen(tag + plen), 48);
        snprintf(shown, sizeof shown, "!!%s", esc);
    } else {
        escape_text(shown, sizeof shown, tag, strlen(tag), 48);
    }
    return err_mark(b, &ev->start_mark,
                    "tag '%s' is not supported (only !!str, !!int and !!bool "
                    "on scalars, !!map on maps and !!seq on sequences)",
                    shown);
}

static hv_ynode *new_node(builder *b, hv_ykind kind, const yaml_mark_t *m)
{
    hv_ynode *n;

    if (b->doc->nodes >= HV_MAX_YAML_NODES) {
        err_mark(b, m, "more than %u nodes (keys, values and items) in the "
                       "document",
                 (unsigned)HV_MAX_YAML_NODES);
        return NULL;
    }
    n = calloc(1, sizeof *n);
    if (!n) {
        err_mark(b, m, "out of memory");
        return NULL;
    }
    n->kind = kind;
    n->line = mark_pos(m->line);
    n->column = mark_pos(m->column);
    b->doc->nodes++;
    return n;
}

/* Hang |n| under the innermost open collection, or make it the root. Takes
 * ownership of |n| even on error. */
static int attach(builder *b, hv_ynode *n)
{
    hv_ynode *parent;
    size_t *used;

    if (b->depth == 0) {
        /* A document has exactly one root node: libyaml guarantees it and
         * only one document is accepted. */
        b->doc->root = n;
        b->seen_root = true;
        return 0;
    }
    parent = b->stack[b->depth - 1];
    used = &b->used[b->depth - 1];
    if (parent->kind == HV_Y_MAP && *used % 2 == 0 && n->kind != HV_Y_SCALAR) {
        hv_yerror(b->doc, n, b->diag, "map keys must be scalars, found %s",
                  n->kind == HV_Y_MAP ? "a map" : "a sequence");
        free_node(n);
        return -1;
    }
    if (*used == parent->cap) {
        /* The node limit bounds |cap| far below any overflow. */
        size_t ncap = parent->cap ? parent->cap * 2 : 4;
        hv_ynode **ni = realloc(parent->items, ncap * sizeof *ni);
        if (!ni) {
            free_node(n);
            return hv_yerror(b->doc, parent, b->diag, "out of memory");
        }
        memset(ni + parent->cap, 0, (ncap - parent->cap) * sizeof *ni);
        parent->items = ni;
        parent->cap = ncap;
    }
    parent->items[(*used)++] = n;
    return 0;
}

static int check_duplicate_keys(builder *b, const hv_ynode *map)
{
    hv_ydup_item *keys;
    size_t dup, first;
    int r;

    if (map->count < 2)
        return 0;
    keys = calloc(map->count, sizeof *keys);
    if (!keys)
        return hv_yerror(b->doc, map, b->diag, "out of memory");
    for (size_t i = 0; i < map->count; i++) {
        keys[i].data = map->items[2 * i]->text;
        keys[i].len = map->items[2 * i]->len;
    }
    r = hv_yfind_dup(keys, map->count, &dup, &first);
    free(keys);
    if (r < 0)
        return hv_yerror(b->doc, map, b->diag, "out of memory");
    if (r > 0) {
        const hv_ynode *k = map->items[2 * dup];
        const hv_ynode *f = map->items[2 * first];
        char d[HV_YDESCRIBE_SIZE];
        escape_text(d, sizeof d, k->text, k->len, 64);
        return hv_yerror(b->doc, k, b->diag,
                         "duplicate key '%s' (first at line %u, column %u)", d,
                         f->line, f->column);
    }
    return 0;
}

static int on_scalar(builder *b, const yaml_event_t *ev)
{
    hv_ytag tag;
    hv_ynode *n;
    size_t len = ev->data.scalar.length;

    if (ev->data.scalar.anchor)
        return err_mark(b, &ev->start_mark,
                        "anchors and aliases are not supported");
    if (check_tag(b, ev, (const char *)ev->data.scalar.tag, HV_Y_SCALAR,
                  &tag) != 0)
        return -1;
    if (len > HV_MAX_YAML_SCALAR)
        return err_mark(b, &ev->start_mark,
                        "scalar of %zu bytes, longer than the limit of %u",
                        len, (unsigned)HV_MAX_YAML_SCALAR);
    n = new_node(b, HV_Y_SCALAR, &ev->start_mark);
    if (!n)
        return -1;
    n->text = malloc(len + 1);
    if (!n->text) {
        free_node(n);
        return err_mark(b, &ev->start_mark, "out of memory");
    }
    memcpy(n->text, ev->data.scalar.value, len);
    n->text[len] = '\0';
    n->len = len;
    n->tag = tag;
    n->is_string = tag == HV_YTAG_STR ||
                   (tag == HV_YTAG_NONE &&
                    ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE);
    return attach(b, n);
}

static int on_start(builder *b, const yaml_event_t *ev, hv_ykind kind)
{
    const char *anchor, *tag;
    hv_ytag unused;
    hv_ynode *n;

    if (kind == HV_Y_MAP) {
        anchor = (const char *)ev->data.mapping_start.anchor;
        tag = (const char *)ev->data.mapping_start.tag;
    } else {
        anchor = (const char *)ev->data.sequence_start.anchor;
        tag = (const char *)ev->data.sequence_start.tag;
    }
    if (anchor)
        return err_mark(b, &ev->start_mark,
                        "anchors and aliases are not supported");
    if (check_tag(b, ev, tag, kind, &unused) != 0)
        return -1;
    /* Checked before libyaml is asked for the children, so hostile
     * "[[[[..." costs at most HV_MAX_YAML_DEPTH levels of work. */
    if (b->depth >= HV_MAX_YAML_DEPTH)
        return err_mark(b, &ev->start_mark,
                        "maps and sequences nested more than %u deep",
                        (unsigned)HV_MAX_YAML_DEPTH);
    n = new_node(b, kind, &ev->start_mark);
    if (!n)
        return -1;
    if (attach(b, n) != 0)
        return -1;
    b->stack[b->depth] = n;
    b->used[b->depth] = 0;
    b->depth++;
    return 0;
}

static int on_end(builder *b)
{
    hv_ynode *n;
    size_t used;

    if (b->depth == 0) /* libyaml never emits an unbalanced end */
        return hv_yerror(b->doc, NULL, b->diag, "internal YAML event error");
    b->depth--;
    n = b->stack[b->depth];
    used = b->used[b->depth];
    if (n->kind == HV_Y_MAP) {
        n->count = used / 2;
        return check_duplicate_keys(b, n);
    }
    n->count = used;
    return 0;
}

static int on_event(builder *b, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_STREAM_END_EVENT:
    case YAML_DOCUMENT_END_EVENT:
        return 0;
    case YAML_DOCUMENT_START_EVENT:
        if (b->seen_document)
            return err_mark(b, &ev->start_mark,
                            "a second YAML document: the file must hold "
                            "exactly one");
        b->seen_document = true;
        return 0;
    case YAML_ALIAS_EVENT:
        return err_mark(b, &ev->start_mark,
                        "anchors and aliases are not supported");
    case YAML_SCALAR_EVENT:
        return on_scalar(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(b, ev, HV_Y_SEQ);
    case YAML_MAPPING_START_EVENT:
        return on_start(b, ev, HV_Y_MAP);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(b);
    }
    return hv_yerror(b->doc, NULL, b->diag, "unexpected YAML event %d",
                     (int)ev->type);
}

static int parser_error(builder *b, const yaml_parser_t *p,
                        const unsigned char *buf, size_t len)
{
    const char *problem = p->problem ? p->problem : "unknown problem";
    unsigned line, col;

    switch (p->error) {
    case YAML_READER_ERROR:
        /* Reader errors (bad UTF-8, control characters) carry only a byte
         * offset; turn it into the position a user can find. */
        offset_position(buf, len, p->problem_offset, &line, &col);
        if (p->problem_value != -1)
            return set_at(b->diag, b->doc->file, line, col,
                          "invalid input: %s (0x%X)", problem,
                          (unsigned)p->problem_value);
        return set_at(b->diag, b->doc->file, line, col, "invalid input: %s",
                      problem);
    case YAML_SCANNER_ERROR:
    case YAML_PARSER_ERROR:
        if (p->context)
            return err_mark(b, &p->problem_mark,
                            "YAML syntax: %s (%s at line %u, column %u)",
                            problem, p->context, mark_pos(p->context_mark.line),
                            mark_pos(p->context_mark.column));
        return err_mark(b, &p->problem_mark, "YAML syntax: %s", problem);
    case YAML_MEMORY_ERROR:
        return hv_yerror(b->doc, NULL, b->diag, "out of memory");
    default:
        return hv_yerror(b->doc, NULL, b->diag, "YAML parser error: %s",
                         problem);
    }
}

int hv_ydoc_load(hv_ydoc *doc, const char *path, hv_diag *diag)
{
    unsigned char *buf = NULL;
    const unsigned char *text;
    size_t len = 0, skip = 0;
    yaml_parser_t parser;
    builder b;
    int rc = -1;

    memset(doc, 0, sizeof *doc);
    doc->file = strdup(path);
    if (!doc->file)
        return hv_fail(diag, HV_FAIL_INTERNAL, "%s: error: out of memory", path);
    if (read_file(path, &buf, &len, diag) != 0)
        goto out;
    /* libyaml, told the encoding, would keep a BOM as a character and shift
     * every column of line 1; told nothing, it would also accept UTF-16. */
    if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
        skip = 3;
    text = buf + skip;
    if (len > HV_MAX_YAML_FILE_SIZE) {
        unsigned line, col;
        offset_position(text, len - skip, HV_MAX_YAML_FILE_SIZE - skip, &line,
                        &col);
        set_at(diag, path, line, col,
               "file larger than the limit of %u bytes (the limit is "
               "reached here)",
               (unsigned)HV_MAX_YAML_FILE_SIZE);
        goto out;
    }

    memset(&b, 0, sizeof b);
    b.doc = doc;
    b.diag = diag;
    if (!yaml_parser_initialize(&parser)) {
        hv_fail(diag, HV_FAIL_INTERNAL, "%s: error: out of memory", path);
        goto out;
    }
    yaml_parser_set_input_string(&parser, text, len - skip);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    for (;;) {
        yaml_event_t ev;
        bool end;
        int r;

        if (!yaml_parser_parse(&parser, &ev)) {
            parser_error(&b, &parser, text, len - skip);
            break;
        }
        end = ev.type == YAML_STREAM_END_EVENT;
        r = on_event(&b, &ev);
        yaml_event_delete(&ev);
        if (r != 0)
            break;
        if (end) {
            if (!b.seen_root)
                set_at(diag, path, 1, 1,
                       "no YAML document: the file is empty or holds only "
                       "comments");
            else
                rc = 0;
            break;
        }
    }
    yaml_parser_delete(&parser);
out:
    free(buf);
    if (rc != 0)
        hv_ydoc_free(doc);
    return rc;
}

/* ---- accessors ------------------------------------------------------------ */

const hv_ynode *hv_ymap_key(const hv_ynode *map, const char *key)
{
    size_t klen = strlen(key);

    if (!map || map->kind != HV_Y_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++) {
        const hv_ynode *k = map->items[2 * i];
        if (k->len == klen && memcmp(k->text, key, klen) == 0)
            return k;
    }
    return NULL;
}

const hv_ynode *hv_ymap_get(const hv_ynode *map, const char *key)
{
    size_t klen = strlen(key);

    if (!map || map->kind != HV_Y_MAP)
        return NULL;
    for (size_t i = 0; i < map->count; i++) {
        const hv_ynode *k = map->items[2 * i];
        if (k->len == klen && memcmp(k->text, key, klen) == 0)
            return map->items[2 * i + 1];
    }
    return NULL;
}

int hv_ymap_check(const hv_ydoc *doc, const hv_ynode *node, const char *what,
                  const char *const *allowed, hv_diag *diag)
{
    char d[HV_YDESCRIBE_SIZE];

    if (!node || node->kind != HV_Y_MAP) {
        hv_ydescribe(node, d, sizeof d);
        if (what)
            return hv_yerror(doc, node, diag, "'%s' must be a map, found %s",
                             what, d);
        return hv_yerror(doc, node, diag,
                         "the top level must be a map, found %s", d);
    }
    for (size_t i = 0; i < node->count; i++) {
        const hv_ynode *k = node->items[2 * i];
        char expected[512];
        size_t o = 0;
        bool known = false;

        for (size_t j = 0; allowed[j]; j++) {
            if (k->len == strlen(allowed[j]) &&
                memcmp(k->text, allowed[j], k->len) == 0) {
                known = true;
                break;
            }
        }
        if (known)
            continue;
        expected[0] = '\0';
        for (size_t j = 0; allowed[j]; j++) {
            int n = snprintf(expected + o, sizeof expected - o, "%s%s",
                             j ? ", " : "", allowed[j]);
            if (n < 0 || (size_t)n >= sizeof expected - o)
                break;
            o += (size_t)n;
        }
        escape_text(d, sizeof d, k->text, k->len, 64);
        if (what)
            return hv_yerror(doc, k, diag,
                             "unknown key '%s' in '%s' (expected one of: %s)",
                             d, what, expected);
        return hv_yerror(doc, k, diag,
                         "unknown key '%s' at the top level (expected one "
                         "of: %s)",
                         d, expected);
    }
    return 0;
}

int hv_ymap_need(const hv_ydoc *doc, const hv_ynode *map, const char *what,
                 const char *key, const hv_ynode **value, hv_diag *diag)
{
    *value = hv_ymap_get(map, key);
    if (*value)
        return 0;
    if (what)
        return hv_yerror(doc, map, diag, "missing required key '%s' in '%s'",
                         key, what);
    return hv_yerror(doc, map, diag,
                     "missing required key '%s' at the top level", key);
}

int hv_yseq_check(const hv_ydoc *doc, const hv_ynode *node, const char *name,
                  hv_diag *diag)
{
    char d[HV_YDESCRIBE_SIZE];

    if (node && node->kind == HV_Y_SEQ)
        return 0;
    return hv_yerror(doc, node, diag, "'%s' must be a sequence, found %s",
                     name, hv_ydescribe(node, d, sizeof d));
}

enum { NUM_OK, NUM_BAD, NUM_LEADING_ZERO, NUM_OVERFLOW };

static int parse_u64(const char *s, size_t len, bool allow_hex, uint64_t *out)
{
    uint64_t v = 0;

    if (len == 0)
        return NUM_BAD;
    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (!allow_hex || len == 2)
            return NUM_BAD;
        for (size_t i = 2; i < len; i++)
            if (hv_hex_value(s[i]) < 0)
                return NUM_BAD;
        /* Leading zeros are harmless in hex (no octal reading exists) and
         * usual in fixed-width addresses. */
        for (size_t i = 2; i < len; i++) {
            if (v > UINT64_MAX >> 4)
                return NUM_OVERFLOW;
            v = v << 4 | (uint64_t)hv_hex_value(s[i]);
        }
        *out = v;
        return NUM_OK;
    }
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return NUM_BAD;
    /* Refused because YAML 1.1 readers take "010" as octal 8. */
    if (len > 1 && s[0] == '0')
        return NUM_LEADING_ZERO;
    for (size_t i = 0; i < len; i++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return NUM_OVERFLOW;
        v = v * 10 + d;
    }
    *out = v;
    return NUM_OK;
}

/* Common to the integer accessors: a plain (or !!int) scalar. */
static int number_scalar(const hv_ydoc *doc, const hv_ynode *node,
                         const char *name, const char *expected, hv_diag *diag)
{
    char d[HV_YDESCRIBE_SIZE];

    hv_ydescribe(node, d, sizeof d);
    if (!node || node->kind != HV_Y_SCALAR)
        return hv_yerror(doc, node, diag, "'%s' must be %s, found %s", name,
                         expected, d);
    if (node->is_string)
        return hv_yerror(doc, node, diag,
                         "'%s' must be %s, found %s (quoted, so a string)",
                         name, expected, d);
    if (node->tag == HV_YTAG_BOOL)
        return hv_yerror(doc, node, diag,
                         "'%s' must be %s, found %s (tagged !!bool)", name,
                         expected, d);
    return 0;
}

static int number_error(const hv_ydoc *doc, const hv_ynode *node,
                        const char *name, const char *expected, int r,
                        hv_diag *diag)
{
    char d[HV_YDESCRIBE_SIZE];

    hv_ydescribe(node, d, sizeof d);
    if (r == NUM_LEADING_ZERO)
        return hv_yerror(doc, node, diag,
                         "'%s' must be %s, found %s (leading zeros are not "
                         "allowed)",
                         name, expected, d);
    if (r == NUM_OVERFLOW)
        return hv_yerror(doc, node, diag,
                         "'%s' is too large, found %s (the maximum is "
                         "18446744073709551615)",
                         name, d);
    return hv_yerror(doc, node, diag, "'%s' must be %s, found %s", name,
                     expected, d);
}

int hv_yget_u64(const hv_ydoc *doc, const hv_ynode *node, const char *name,
                uint64_t *out, hv_diag *diag)
{
    static const char expected[] = "an unsigned integer";
    int r;

    if (number_scalar(doc, node, name, expected, diag) != 0)
        return -1;
    r = parse_u64(node->text, node->len, true, out);
    if (r != NUM_OK)
        return number_error(doc, node, name, expected, r, diag);
    return 0;
}

int hv_yget_size(const hv_ydoc *doc, const hv_ynode *node, const char *name,
                 uint64_t *out, hv_diag *diag)
{
    static const char expected[] =
        "a size (an unsigned integer, or a decimal one followed by KiB, MiB "
        "or GiB)";
    static const struct {
        const char *suffix;
        unsigned shift;
    } units[] = {{"KiB", 10}, {"MiB", 20}, {"GiB", 30}};
    size_t len;
    int r;

    if (number_scalar(doc, node, name, expected, diag) != 0)
        return -1;
    len = node->len;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        uint64_t v;
        if (len <= 3 || memcmp(node->text + len - 3, units[i].suffix, 3) != 0)
            continue;
        r = parse_u64(node->text, len - 3, false, &v);
        if (r == NUM_OK && v > UINT64_MAX >> units[i].shift)
            r = NUM_OVERFLOW;
        if (r != NUM_OK)
            return number_error(doc, node, name, expected, r, diag);
        *out = v << units[i].shift;
        return 0;
    }
    r = parse_u64(node->text, len, true, out);
    if (r != NUM_OK)
        return number_error(doc, node, name, expected, r, diag);
    return 0;
}

int hv_yget_bool(const hv_ydoc *doc, const hv_ynode *node, const char *name,
                 bool *out, hv_diag *diag)
{
    char d[HV_YDESCRIBE_SIZE];

    hv_ydescribe(node, d, sizeof d);
    if (!node || node->kind != HV_Y_SCALAR || node->tag == HV_YTAG_INT)
        return hv_yerror(doc, node, diag, "'%s' must be true or false, found %s",
                         name, d);
    if (node->is_string)
        return hv_yerror(doc, node, diag,
                         "'%s' must be true or false, found %s (quoted, so a "
                         "string)",
                         name, d);
    if (node->len == 4 && memcmp(node->text, "true", 4) == 0) {
        *out = true;
        return 0;
    }
    if (node->len == 5 && memcmp(node->text, "false", 5) == 0) {
        *out = false;
        return 0;
    }
    return hv_yerror(doc, node, diag, "'%s' must be true or false, found %s",
                     name, d);
}

int hv_yget_text(const hv_ydoc *doc, const hv_ynode *node, const char *name,
                 char *buf, size_t size, hv_diag *diag)
{
    char d[HV_YDESCRIBE_SIZE];
    bool ok = node && node->kind == HV_Y_SCALAR && node->len >= 1 &&
              node->len < size;

    for (size_t i = 0; ok && i < node->len; i++)
        ok = hv_text_char((unsigned char)node->text[i]);
    if (!ok)
        return hv_yerror(doc, node, diag,
                         "'%s' must be 1 to %zu characters from A-Z a-z 0-9 "
                         ". _ + -, found %s",
                         name, size - 1, hv_ydescribe(node, d, sizeof d));
    memcpy(buf, node->text, node->len);
    buf[node->len] = '\0';
    return 0;
}

bool hv_ytext_printable(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < len; i++) {
        if (p[i] < 0x20 || p[i] == 0x7F)
            return false;
        if (p[i] == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
            return false; /* C1 controls, NEL among them */
        if (p[i] == 0xE2 && i + 2 < len && p[i + 1] == 0x80 &&
            (p[i + 2] == 0xA8 || p[i + 2] == 0xA9))
            return false;
    }
    return true;
}

int hv_yget_path(const hv_ydoc *doc, const hv_ynode *node, const char *name,
                 char **out, hv_diag *diag)
{
    char d[HV_YDESCRIBE_SIZE];

    *out = NULL;
    if (!node || node->kind != HV_Y_SCALAR || node->len == 0)
        return hv_yerror(doc, node, diag, "'%s' must be a file path, found %s",
                         name, hv_ydescribe(node, d, sizeof d));
    if (!hv_ytext_printable(node->text, node->len))
        return hv_yerror(doc, node, diag,
                         "'%s' must not contain control characters, found %s",
                         name, hv_ydescribe(node, d, sizeof d));
    *out = malloc(node->len + 1);
    if (!*out)
        return hv_yerror(doc, node, diag, "out of memory");
    memcpy(*out, node->text, node->len + 1);
    return 0;
}

/* ---- duplicates ------------------------------------------------------------ */

typedef struct dup_entry {
    const void *data;
    size_t len;
    size_t index;
} dup_entry;

static int dup_cmp(const void *a, const void *b)
{
    const dup_entry *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = n ? memcmp(x->data, y->data, n) : 0;

    if (c != 0)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    /* Ties by position make the order total, so the result does not depend
     * on qsort's instability. */
    return x->index < y->index ? -1 : x->index > y->index;
}

int hv_yfind_dup(const hv_ydup_item *items, size_t n, size_t *dup,
                 size_t *first)
{
    dup_entry *e;
    bool found = false;

    if (n < 2)
        return 0;
    if (n > SIZE_MAX / sizeof *e)
        return -1;
    e = malloc(n * sizeof *e);
    if (!e)
        return -1;
    for (size_t i = 0; i < n; i++) {
        e[i].data = items[i].data;
        e[i].len = items[i].len;
        e[i].index = i;
    }
    qsort(e, n, sizeof *e, dup_cmp);
    /* In each run of equal values the second entry is that value's earliest
     * repeat; report the earliest repeat over all runs. */
    for (size_t i = 1; i < n; i++) {
        if (e[i].len != e[i - 1].len ||
            (e[i].len && memcmp(e[i].data, e[i - 1].data, e[i].len) != 0))
            continue;
        if (i >= 2 && e[i - 2].len == e[i].len &&
            (!e[i].len || memcmp(e[i].data, e[i - 2].data, e[i].len) == 0))
            continue; /* third or later in its run */
        if (!found || e[i].index < *dup) {
            *dup = e[i].index;
            *first = e[i - 1].index;
            found = true;
        }
    }
    free(e);
    return found ? 1 : 0;
}
