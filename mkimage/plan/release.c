/* see release.h; the keys are documented in docs/MANIFEST.md "release" */
#include <stdlib.h>
#include <string.h>

#include "release.h"

typedef struct rloader {
    const hv_ydoc *doc;
    hv_release *r;
    hv_diag *diag;
} rloader;

static char *copy_text(const hv_ynode *v)
{
    char *s = malloc(v->len + 1);
    if (s)
        memcpy(s, v->text, v->len + 1);
    return s;
}

/* A scalar of 1..|max| bytes of UTF-8 without control characters; with
 * |lines|, newlines may separate printable lines. The length is checked
 * first so that an over-long value is reported as such. */
static int get_free_text(rloader *l, const hv_ynode *v, const char *name,
                         size_t max, bool lines, char **out)
{
    char d[HV_YDESCRIBE_SIZE];
    if (v->kind != HV_Y_SCALAR || v->len == 0)
        return hv_yerror(l->doc, v, l->diag, "'%s' must be a non-empty text, "
                                             "found %s",
                         name, hv_ydescribe(v, d, sizeof d));
    if (v->len > max)
        return hv_yerror(l->doc, v, l->diag,
                         "'%s' is %zu bytes, longer than the limit of %zu",
                         name, v->len, max);
    const char *p = v->text, *end = v->text + v->len;
    while (p < end) {
        const char *nl = lines ? memchr(p, '\n', (size_t)(end - p)) : NULL;
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (!hv_ytext_printable(p, n))
            return hv_yerror(l->doc, v, l->diag,
                             "'%s' must not contain control characters%s, "
                             "found %s",
                             name, lines ? " other than newlines" : "",
                             hv_ydescribe(v, d, sizeof d));
        p += n + (nl != NULL);
    }
    *out = copy_text(v);
    return *out ? 0 : hv_yerror(l->doc, v, l->diag, "out of memory");
}

static bool id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Reverse-DNS as AppStream and LVFS want a component id: at least three
 * dot-separated parts ("com.vendor.product"), each starting with a letter
 * and made of A-Z a-z 0-9 _ -. */
static bool id_ok(const char *s, size_t len)
{
    size_t parts = 0, at = 0;
    if (len == 0 || len > HV_RELEASE_ID_MAX)
        return false;
    while (at <= len) {
        size_t start = at;
        while (at < len && s[at] != '.') {
            if (!id_char(s[at]))
                return false;
            at++;
        }
        if (at == start || !((s[start] >= 'a' && s[start] <= 'z') ||
                             (s[start] >= 'A' && s[start] <= 'Z')))
            return false;
        parts++;
        at++; /* past the dot, or past the end */
    }
    return parts >= 3;
}

/* An SPDX license expression's characters: ids, LicenseRef-, WITH, AND,
 * OR, parentheses. */
static bool license_ok(const char *s, size_t len)
{
    if (len == 0 || len > HV_RELEASE_LICENSE_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || strchr(".-+:() ", c)))
            return false;
    }
    return true;
}

static bool guid_ok(const char *s, size_t len)
{
    if (len != HV_GUID_TEXT_SIZE)
        return false;
    for (size_t i = 0; i < len; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-'
                 : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

static int load_guids(rloader *l, const hv_ynode *seq)
{
    char d[HV_YDESCRIBE_SIZE];
    if (hv_yseq_check(l->doc, seq, "release.guids", l->diag) != 0)
        return -1;
    if (seq->count == 0 || seq->count > HV_RELEASE_GUIDS_MAX)
        return hv_yerror(l->doc, seq, l->diag,
                         "'release.guids' must list 1 to %u GUIDs, found %zu",
                         HV_RELEASE_GUIDS_MAX, seq->count);
    l->r->guids = calloc(seq->count, sizeof *l->r->guids);
    if (!l->r->guids)
        return hv_yerror(l->doc, seq, l->diag, "out of memory");
    for (size_t i = 0; i < seq->count; i++) {
        const hv_ynode *v = seq->items[i];
        if (v->kind != HV_Y_SCALAR || !guid_ok(v->text, v->len))
            return hv_yerror(l->doc, v, l->diag,
                             "'release.guids[%zu]' must be a GUID in lower "
                             "case, like 2082b5e0-7a64-478a-b1b2-e3404fab6dad, "
                             "found %s",
                             i, hv_ydescribe(v, d, sizeof d));
        for (size_t j = 0; j < i; j++)
            if (memcmp(l->r->guids[j], v->text, HV_GUID_TEXT_SIZE) == 0)
                return hv_yerror(l->doc, v, l->diag,
                                 "duplicate GUID in 'release.guids' (first "
                                 "at index %zu)",
                                 j);
        memcpy(l->r->guids[i], v->text, HV_GUID_TEXT_SIZE + 1);
        l->r->guid_count++;
    }
    return 0;
}

int hv_release_load(const hv_ydoc *doc, const hv_ynode *root, hv_manifest *m,
                    hv_diag *diag)
{
    static const char *const keys[] = {
        "id", "name", "summary", "developer_name", "project_license",
        "notes", "urgency", "guids", NULL};
    static const char *const urgencies[] = {"low", "medium", "high",
                                            "critical"};
    const hv_ynode *blk = hv_ymap_get(root, "release"), *v;
    rloader l = {doc, &m->release, diag};
    hv_release *r = &m->release;
    char d[HV_YDESCRIBE_SIZE];

    if (!blk)
        return 0;
    if (hv_ymap_check(doc, blk, "release", keys, diag) != 0)
        return -1;
    r->present = true;
    r->origin = (hv_origin){m->file, blk->line, blk->column};

    if (hv_ymap_need(doc, blk, "release", "id", &v, diag) != 0)
        return -1;
    if (v->kind != HV_Y_SCALAR || !id_ok(v->text, v->len))
        return hv_yerror(doc, v, diag,
                         "'release.id' must be a reverse-DNS component id of "
                         "at most %u bytes: three or more parts separated by "
                         "dots, each starting with a letter, from A-Z a-z 0-9 "
                         "_ - (com.example.board.firmware), found %s",
                         HV_RELEASE_ID_MAX, hv_ydescribe(v, d, sizeof d));
    if (!(r->id = copy_text(v)))
        return hv_yerror(doc, v, diag, "out of memory");

    v = hv_ymap_get(blk, "name");
    if (v && get_free_text(&l, v, "release.name", HV_RELEASE_NAME_MAX, false,
                           &r->name) != 0)
        return -1;
    if (hv_ymap_need(doc, blk, "release", "summary", &v, diag) != 0 ||
        get_free_text(&l, v, "release.summary", HV_RELEASE_SUMMARY_MAX, false,
                      &r->summary) != 0)
        return -1;
    if (hv_ymap_need(doc, blk, "release", "developer_name", &v, diag) != 0 ||
        get_free_text(&l, v, "release.developer_name",
                      HV_RELEASE_DEVELOPER_MAX, false,
                      &r->developer_name) != 0)
        return -1;
    if (hv_ymap_need(doc, blk, "release", "project_license", &v, diag) != 0)
        return -1;
    if (v->kind != HV_Y_SCALAR || !license_ok(v->text, v->len))
        return hv_yerror(doc, v, diag,
                         "'release.project_license' must be an SPDX license "
                         "expression of 1 to %u characters from A-Z a-z 0-9 "
                         ". - + : ( ) and space (LicenseRef-proprietary), "
                         "found %s",
                         HV_RELEASE_LICENSE_MAX, hv_ydescribe(v, d, sizeof d));
    if (!(r->project_license = copy_text(v)))
        return hv_yerror(doc, v, diag, "out of memory");
    if (hv_ymap_need(doc, blk, "release", "notes", &v, diag) != 0 ||
        get_free_text(&l, v, "release.notes", HV_RELEASE_NOTES_MAX, true,
                      &r->notes) != 0)
        return -1;

    v = hv_ymap_get(blk, "urgency");
    if (v) {
        for (size_t i = 0; !r->urgency && i < 4; i++)
            if (v->kind == HV_Y_SCALAR && strcmp(v->text, urgencies[i]) == 0 &&
                v->len == strlen(urgencies[i]))
                r->urgency = copy_text(v);
        if (!r->urgency)
            return hv_yerror(doc, v, diag,
                             "'release.urgency' must be one of low, medium, "
                             "high, critical, found %s",
                             hv_ydescribe(v, d, sizeof d));
    }
    v = hv_ymap_get(blk, "guids");
    if (v && load_guids(&l, v) != 0)
        return -1;
    return 0;
}

void hv_release_free(hv_release *r)
{
    free(r->id);
    free(r->name);
    free(r->summary);
    free(r->developer_name);
    free(r->project_license);
    free(r->notes);
    free(r->urgency);
    free(r->guids);
    memset(r, 0, sizeof *r);
}
