/*
 * A kernel module's .modinfo, read from the module file itself (ELF64,
 * little-endian, the section table bounds-checked; nothing trusted): the
 * NUL-separated "key=value" strings, of which hvinit needs name= (the
 * module's name; absent in very old modules: the file name stands in) and
 * depends= (the comma-separated names of the modules it needs, possibly
 * empty). Pure: the host unit tests feed it crafted ELF files.
 */
#ifndef HVINIT_MODINFO_H
#define HVINIT_MODINFO_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

typedef struct hvi_modinfo {
    const char *name;    /* NUL-terminated, inside the buffer; NULL if none */
    const char *depends; /* NUL-terminated, inside the buffer; NULL if none */
} hvi_modinfo;

/* Parse the ELF64 image |elf| of |size| bytes. Fails (HV_FAIL_INPUT, the
 * message says what is wrong and where) on: not ELF64 little-endian, a
 * section table or section name table outside the file, a section name
 * outside its table or without its NUL, no .modinfo section, one outside
 * the file, or one whose last string has no NUL. The last name= and
 * depends= count. */
int hvi_modinfo_parse(const uint8_t *elf, size_t size, hvi_modinfo *out,
                      hv_diag *diag);

/* Module names compare with '-' and '_' equal (kvm-amd.ko is kvm_amd).
 * |a_len| bytes of |a| against the NUL-terminated |b|. */
int hvi_modname_eq(const char *a, size_t a_len, const char *b);

#endif
