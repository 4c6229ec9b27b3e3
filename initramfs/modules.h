/*
 * The modules in the initramfs and their loading (docs/LINUX.md "Modules").
 * Every .ko under /lib/modules/RELEASE/ is indexed by its own .modinfo:
 * the base initramfs's under kernel/..., each vendor package's under
 * updates/hvimage/VENDOR/... (the image's drivers section). The vendor
 * modules load, each after what it depends on (modorder.h), each once,
 * with finit_module(2).
 */
#ifndef HVINIT_MODULES_H
#define HVINIT_MODULES_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "modorder.h"

/* Vendor packages sit here under /lib/modules/RELEASE/. */
#define HVI_VENDOR_DIR "updates/hvimage"

typedef struct hvi_modset {
    hvi_mod *mods;        /* name, depends, path (owned strings)           */
    char **package;       /* the vendor package, or NULL for a base module */
    bool *loaded;         /* finit_module succeeded (or it was built in)   */
    bool *failed;         /* finit_module failed, or was refused           */
    size_t count, cap;
    unsigned char *state; /* modorder.h plans                              */
    size_t *order;
    size_t planned;
    size_t loaded_count;
} hvi_modset;

/* Index every .ko under |dir| (/lib/modules/RELEASE): a module whose
 * .modinfo cannot be read is skipped with a message on stderr, never
 * loaded. Sorted by path, so the order is the same at every boot. */
int hvi_modules_scan(hvi_modset *s, const char *dir, hv_diag *diag);

/* Load every vendor module and what it needs. Prints one line per module
 * loaded ("hvinit: loaded kvm (PATH, from package linux-kvm)") and one per
 * module refused or failed. Returns the number of vendor modules that did
 * not load (0: all did). */
size_t hvi_modules_load_vendor(hvi_modset *s);

/* Load the module named |name| with |params|, after what it depends on
 * (which load without parameters). 0 if it is loaded now (or was). */
int hvi_modules_load_one(hvi_modset *s, const char *name, const char *params,
                         hv_diag *diag);

void hvi_modules_free(hvi_modset *s);

#endif
