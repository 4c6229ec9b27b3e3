/*
 * A YAML file as a small tree of maps, sequences and scalars, each node with
 * its 1-based line and column, plus typed accessors whose errors read
 *   FILE:LINE:COL: error: WHAT WAS FOUND, WHAT WAS EXPECTED
 * Private to manifest.c and profile.c: the only code that knows libyaml.
 *
 * The input is hostile. hv_ydoc_load() reads it with libyaml's event parser
 * and stops at the first event that breaks a rule, so no limit is checked
 * after the cost it bounds has been paid:
 *  - at most HV_MAX_YAML_FILE_SIZE bytes, UTF-8 only (a UTF-8 BOM is
 *    skipped, UTF-16 is refused as invalid UTF-8);
 *  - exactly one document;
 *  - maps and sequences nested at most HV_MAX_YAML_DEPTH deep, at most
 *    HV_MAX_YAML_NODES nodes (keys count), scalars of at most
 *    HV_MAX_YAML_SCALAR bytes after unescaping;
 *  - no anchors or aliases, so a document is a tree and its size is bounded
 *    by the file's (no "billion laughs");
 *  - tags only !!str, !!int, !!bool on scalars, !!map on maps, !!seq on
 *    sequences; anything else is refused rather than silently ignored;
 *  - map keys are scalars and unique (compared by their decoded bytes).
 *
 * Columns count characters, as libyaml's marks do, not bytes.
 */
#ifndef HV_YAML_DOC_H
#define HV_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

typedef enum hv_ykind {
    HV_Y_SCALAR = 1,
    HV_Y_MAP,
    HV_Y_SEQ,
} hv_ykind;

typedef enum hv_ytag {
    HV_YTAG_NONE = 0, /* no explicit tag */
    HV_YTAG_STR,
    HV_YTAG_INT,
    HV_YTAG_BOOL,
} hv_ytag;

typedef struct hv_ynode hv_ynode;
struct hv_ynode {
    hv_ykind kind;
    unsigned line;   /* 1-based, of the node's first character (its tag,  */
    unsigned column; /* opening quote or bracket, or first map key)       */

    /* Scalars. |text| is NUL-terminated but may hold NULs (from "\0"), so
     * |len| is authoritative. |is_string| is set for quoted and block
     * scalars and for !!str: YAML says those are strings, so the integer
     * and boolean accessors refuse them. */
    char *text;
    size_t len;
    bool is_string;
    hv_ytag tag;

    /* Maps: items[2i] is the i-th key (a scalar), items[2i+1] its value,
     * in document order; |count| is the number of pairs. Sequences:
     * items[i], |count| items. */
    hv_ynode **items;
    size_t count;
    size_t cap; /* allocated slots of |items| */
};

/* The document owns every node and a copy of the file name. */
typedef struct hv_ydoc {
    char *file;     /* the path as given, for messages */
    hv_ynode *root; /* NULL only after a failed load */
    size_t nodes;   /* nodes in the tree, <= HV_MAX_YAML_NODES */
} hv_ydoc;

/*
 * Read and parse |path| into |doc|. On error return -1 with |diag| set (with
 * a position when there is one) and |doc| freed and zeroed. |doc| need not be
 * initialised. Release a loaded |doc| with hv_ydoc_free().
 */
int hv_ydoc_load(hv_ydoc *doc, const char *path, hv_diag *diag);

/* Free all nodes; accepts a zeroed |doc| and leaves it zeroed. */
void hv_ydoc_free(hv_ydoc *doc);

/*
 * Set |diag| to "FILE:LINE:COL: error: " and the printf-formatted message at
 * |node|'s position (no position when |node| is NULL). Returns -1.
 */
int hv_yerror(const hv_ydoc *doc, const hv_ynode *node, hv_diag *diag,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Write a short, printable rendering of |node| into |buf| for messages: the
 * scalar's text in single quotes (escaped, truncated), or "a map",
 * "a sequence", "an empty value". |buf| should be HV_YDESCRIBE_SIZE bytes.
 */
#define HV_YDESCRIBE_SIZE 160
const char *hv_ydescribe(const hv_ynode *node, char *buf, size_t size);

/* Map access. A key in |map| equal to the C string |key|, or NULL. The
 * returned pointers live as long as the document. */
const hv_ynode *hv_ymap_key(const hv_ynode *map, const char *key);
const hv_ynode *hv_ymap_get(const hv_ynode *map, const char *key);

/*
 * Check that |node| is a map whose keys are all in the NULL-terminated
 * |allowed| list. |what| names the map in messages ("core", "drivers[2]");
 * NULL means the top level. Errors: "'core' must be a map, found ...",
 * "unknown key 'foo' in 'core' (expected one of: path, format, ...)".
 */
int hv_ymap_check(const hv_ydoc *doc, const hv_ynode *node, const char *what,
                  const char *const *allowed, hv_diag *diag);

/*
 * The value of a required |key| of the map |map| (named |what| as above), or
 * the error "missing required key 'KEY' in 'WHAT'" at the map's position.
 */
int hv_ymap_need(const hv_ydoc *doc, const hv_ynode *map, const char *what,
                 const char *key, const hv_ynode **value, hv_diag *diag);

/*
 * Typed values. |name| is how messages call the value ("security_version",
 * "boards[1]"). Each returns 0, or -1 with |diag| at the node's position.
 */
int hv_yseq_check(const hv_ydoc *doc, const hv_ynode *node, const char *name,
                  hv_diag *diag);

/* Decimal or 0x-hex, no sign, no leading zeros in decimal except "0"; the
 * value must fit in 64 bits. Must be a plain scalar or !!int. */
int hv_yget_u64(const hv_ydoc *doc, const hv_ynode *node, const char *name,
                uint64_t *out, hv_diag *diag);

/* As hv_yget_u64(), or a decimal number directly followed by KiB, MiB or GiB
 * ("64MiB"); the product must fit in 64 bits. */
int hv_yget_size(const hv_ydoc *doc, const hv_ynode *node, const char *name,
                 uint64_t *out, hv_diag *diag);

/* Plain true or false only (or with !!bool). */
int hv_yget_bool(const hv_ydoc *doc, const hv_ynode *node, const char *name,
                 bool *out, hv_diag *diag);

/* A text of the image format's charset (A-Z a-z 0-9 . _ + -), 1 to
 * |size| - 1 bytes, copied NUL-terminated into |buf|. */
int hv_yget_text(const hv_ydoc *doc, const hv_ynode *node, const char *name,
                 char *buf, size_t size, hv_diag *diag);

/* A non-empty scalar without control characters (so no NUL, no newline),
 * as a heap copy in |*out| that the caller frees. For file paths. */
int hv_yget_path(const hv_ydoc *doc, const hv_ynode *node, const char *name,
                 char **out, hv_diag *diag);

/* True if the text of |s| (|len| bytes, valid UTF-8) holds no C0 or C1
 * control character, DEL, or U+2028/U+2029 line or paragraph separator. */
bool hv_ytext_printable(const char *s, size_t len);

/*
 * Find a repeated value among |n| byte strings in O(n log n), for lists that
 * hostile input can make long. Items are given in document order. Returns
 * 1 and sets |*dup| to the index of the earliest item equal to an earlier
 * one and |*first| to the index of the first item equal to it; 0 if all
 * differ; -1 if out of memory.
 */
typedef struct hv_ydup_item {
    const void *data;
    size_t len;
} hv_ydup_item;
int hv_yfind_dup(const hv_ydup_item *items, size_t n, size_t *dup,
                 size_t *first);

#endif
