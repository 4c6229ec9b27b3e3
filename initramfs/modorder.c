/* Dependency order of modules (modorder.h): a depth-first walk. */
#include "modorder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modinfo.h"

/* Marks during one plan; HVI_MOD_PLANNED survives it. */
enum { VISITING = 1, PLANNED_NOW = 2 };

long hvi_modorder_find(const hvi_mod *mods, size_t count, const char *name,
                       size_t len)
{
    long found = -1;
    for (size_t i = 0; i < count; i++)
        if (hvi_modname_eq(name, len, mods[i].name)) {
            if (found >= 0)
                return -2;
            found = (long)i;
        }
    return found;
}

typedef struct walk {
    const hvi_mod *mods;
    size_t count;
    unsigned char *state;
    size_t *order, *n;
    size_t root;  /* the module being planned                     */
    size_t *path; /* the modules being visited, outermost first */
    size_t depth;
    hv_diag *diag;
} walk;

static int cycle(walk *w, size_t back)
{
    char text[1024] = "";
    size_t used = 0;
    size_t from = 0;
    while (from < w->depth && w->path[from] != back)
        from++;
    for (size_t i = from; i <= w->depth; i++) {
        const char *name = i < w->depth ? w->mods[w->path[i]].name
                                        : w->mods[back].name;
        int k = snprintf(text + used, sizeof text - used, "%s%s",
                         i > from ? " -> " : "", name);
        if (k < 0 || (size_t)k >= sizeof text - used)
            break;
        used += (size_t)k;
    }
    return hv_fail(w->diag, HV_FAIL_REJECTED, "%s: dependency cycle: %s",
                   w->mods[w->root].name, text);
}

static int visit(walk *w, size_t m)
{
    if (w->state[m] == HVI_MOD_PLANNED || w->state[m] == PLANNED_NOW)
        return 0;
    if (w->state[m] == VISITING)
        return cycle(w, m);
    w->state[m] = VISITING;
    w->path[w->depth++] = m;
    const char *d = w->mods[m].depends ? w->mods[m].depends : "";
    while (*d) {
        size_t len = strcspn(d, ",");
        if (len > 0) {
            long dep = hvi_modorder_find(w->mods, w->count, d, len);
            if (dep < 0)
                return hv_fail(w->diag, HV_FAIL_REJECTED,
                               "%s (%s) depends on %.*s, %s",
                               w->mods[m].name, w->mods[m].path, (int)len, d,
                               dep == -1 ? "which no module here is"
                                         : "which two modules here are");
            if (visit(w, (size_t)dep) != 0)
                return -1;
        }
        d += len;
        if (*d == ',')
            d++;
    }
    w->depth--;
    w->state[m] = PLANNED_NOW;
    w->order[(*w->n)++] = m;
    return 0;
}

int hvi_modorder_plan(const hvi_mod *mods, size_t count, size_t root,
                      unsigned char *state, size_t *order, size_t *n,
                      hv_diag *diag)
{
    if (root >= count)
        return hv_fail(diag, HV_FAIL_INTERNAL, "module %zu of %zu", root,
                       count);
    /* A module whose own name is shared cannot be told apart either. */
    if (hvi_modorder_find(mods, count, mods[root].name,
                          strlen(mods[root].name)) == -2)
        return hv_fail(diag, HV_FAIL_REJECTED, "%s (%s): two modules here "
                       "have that name", mods[root].name, mods[root].path);
    size_t *path = malloc(count * sizeof *path);
    if (!path)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    size_t start = *n;
    walk w = {mods, count, state, order, n, root, path, 0, diag};
    int rc = visit(&w, root);
    /* Commit this plan's modules, or undo every mark it made. */
    for (size_t i = 0; i < count; i++)
        if (state[i] == VISITING || state[i] == PLANNED_NOW)
            state[i] = rc == 0 ? HVI_MOD_PLANNED : HVI_MOD_NEW;
    if (rc != 0)
        *n = start;
    free(path);
    return rc;
}
