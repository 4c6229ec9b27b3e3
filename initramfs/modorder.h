/*
 * The order in which modules load: each module after every module its
 * depends= names, each once. Pure (no file system): modules.c feeds it the
 * modules it found, the host unit tests feed it crafted lists.
 */
#ifndef HVINIT_MODORDER_H
#define HVINIT_MODORDER_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef struct hvi_mod {
    const char *name;    /* the module's name= (or its file name)         */
    const char *depends; /* its depends=: names separated by ',' (or NULL) */
    const char *path;    /* where it is, for messages                     */
} hvi_mod;

/* Where |mods[]| plans are kept between calls: one byte per module
 * (zeroed by the caller before the first call). */
enum { HVI_MOD_NEW = 0, HVI_MOD_PLANNED = 3 };

/*
 * Plan module |root| of |mods[count]|: append to |order| (at *|n|, room
 * for |count| entries) the indices of what it needs, dependencies first,
 * then |root| itself, skipping modules already planned (|state|). Names
 * compare with '-' and '_' equal. Refused, with nothing appended and
 * |state| as it was (HV_FAIL_REJECTED, the message names the module): a
 * dependency no module is, a name two modules have, a cycle (the message
 * shows it: a -> b -> a).
 */
int hvi_modorder_plan(const hvi_mod *mods, size_t count, size_t root,
                      unsigned char *state, size_t *order, size_t *n,
                      hv_diag *diag);

/* The index of the module named |name| (|len| bytes), or -1 if none; -2
 * if two modules have that name. */
long hvi_modorder_find(const hvi_mod *mods, size_t count, const char *name,
                       size_t len);

#endif
