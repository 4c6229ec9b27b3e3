/*
 * hvinit's .modinfo reader (initramfs/modinfo.h) on crafted ELF64 files:
 * a good module, then each way a hostile file can lie about where its
 * sections are. Real modules are never read here (the QEMU test does).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "modinfo.h"

/* A minimal relocatable ELF64: header, .modinfo, .shstrtab, then the
 * section table (null, .modinfo, .shstrtab). */
typedef struct elf {
    uint8_t b[1024];
    size_t len;
    size_t shoff, modinfo_hdr, strtab_hdr;
} elf;

static void put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void shdr(elf *e, size_t at, uint32_t name, uint32_t type,
                 uint64_t off, uint64_t size)
{
    put(e->b + at, name, 4);
    put(e->b + at + 4, type, 4);
    put(e->b + at + 0x18, off, 8);
    put(e->b + at + 0x20, size, 8);
}

static void make(elf *e, const char *modinfo, size_t modinfo_len)
{
    static const char names[] = "\0.modinfo\0.shstrtab";
    memset(e, 0, sizeof *e);
    memcpy(e->b, "\x7f" "ELF\x02\x01\x01", 7);
    size_t mi = 64;
    memcpy(e->b + mi, modinfo, modinfo_len);
    size_t st = mi + modinfo_len;
    memcpy(e->b + st, names, sizeof names);
    e->shoff = (st + sizeof names + 7) & ~(size_t)7;
    put(e->b + 0x28, e->shoff, 8);
    put(e->b + 0x3a, 64, 2); /* e_shentsize */
    put(e->b + 0x3c, 3, 2);  /* e_shnum */
    put(e->b + 0x3e, 2, 2);  /* e_shstrndx */
    e->modinfo_hdr = e->shoff + 64;
    e->strtab_hdr = e->shoff + 128;
    shdr(e, e->modinfo_hdr, 1, 1 /* PROGBITS */, mi, modinfo_len);
    shdr(e, e->strtab_hdr, 10, 3 /* STRTAB */, st, sizeof names);
    e->len = e->shoff + 3 * 64;
}

#define MI(s) s, sizeof s - 1 /* keep the literal's embedded NULs */

static int parse(const elf *e, hvi_modinfo *mi, hv_diag *d)
{
    memset(d, 0, sizeof *d);
    /* An exact-size copy, so ASan sees any read past the end. */
    uint8_t *copy = malloc(e->len);
    memcpy(copy, e->b, e->len);
    int rc = hvi_modinfo_parse(copy, e->len, mi, d);
    /* Strings point into the buffer: check them before it goes. */
    static char name[64], deps[64];
    snprintf(name, sizeof name, "%s", mi->name ? mi->name : "(none)");
    snprintf(deps, sizeof deps, "%s", mi->depends ? mi->depends : "(none)");
    mi->name = name;
    mi->depends = deps;
    free(copy);
    return rc;
}

int main(void)
{
    elf e;
    hvi_modinfo mi;
    hv_diag d;

    /* Good: strings with padding NULs between, the last name= counts. */
    make(&e, MI("license=GPL\0name=old\0\0\0depends=irqbypass\0"
                "vermagic=6.1.0\0name=kvm\0"));
    CHECK(parse(&e, &mi, &d) == 0);
    CHECK(strcmp(mi.name, "kvm") == 0);
    CHECK(strcmp(mi.depends, "irqbypass") == 0);

    /* An empty depends= is there and empty; no name= leaves NULL. */
    make(&e, MI("depends=\0license=GPL\0"));
    CHECK(parse(&e, &mi, &d) == 0);
    CHECK(strcmp(mi.depends, "") == 0);
    CHECK(strcmp(mi.name, "(none)") == 0);

    /* A depends list with '-' and '_' is kept as written. */
    make(&e, MI("name=kvm_amd\0depends=kvm,ccp-x,snd_y\0"));
    CHECK(parse(&e, &mi, &d) == 0);
    CHECK(strcmp(mi.depends, "kvm,ccp-x,snd_y") == 0);

    /* "names=" or "dependsx=" are other keys. */
    make(&e, MI("names=x\0dependsx=y\0"));
    CHECK(parse(&e, &mi, &d) == 0);
    CHECK(strcmp(mi.name, "(none)") == 0 && strcmp(mi.depends, "(none)") == 0);

    /* .modinfo without its final NUL. */
    make(&e, MI("name=kvm\0depends=irqbypass"));
    CHECK(parse(&e, &mi, &d) == -1);
    CHECK_MSG(strstr(d.msg, "no NUL") != NULL, "%s", d.msg);
    CHECK(d.cls == HV_FAIL_INPUT);

    /* The section table cut off by the end of the file. */
    make(&e, MI("name=kvm\0"));
    e.len -= 1;
    CHECK(parse(&e, &mi, &d) == -1);
    CHECK_MSG(strstr(d.msg, "section table") != NULL, "%s", d.msg);
    /* ... or placed past it, or so far that offset + size wraps. */
    make(&e, MI("name=kvm\0"));
    put(e.b + 0x28, e.len, 8);
    CHECK(parse(&e, &mi, &d) == -1);
    put(e.b + 0x28, UINT64_MAX - 10, 8);
    CHECK(parse(&e, &mi, &d) == -1);
    CHECK_MSG(strstr(d.msg, "section table") != NULL, "%s", d.msg);
    /* Too small a section header size; no sections; a name table index
     * beyond the table. */
    make(&e, MI("name=kvm\0"));
    put(e.b + 0x3a, 40, 2);
    CHECK(parse(&e, &mi, &d) == -1);
    make(&e, MI("name=kvm\0"));
    put(e.b + 0x3c, 0, 2);
    CHECK(parse(&e, &mi, &d) == -1);
    make(&e, MI("name=kvm\0"));
    put(e.b + 0x3e, 3, 2);
    CHECK(parse(&e, &mi, &d) == -1);
    CHECK_MSG(strstr(d.msg, "name table index") != NULL, "%s", d.msg);

    /* A section name offset outside the name table. */
    make(&e, MI("name=kvm\0"));
    put(e.b + e.modinfo_hdr, 500, 4);
    CHECK(parse(&e, &mi, &d) == -1);
    CHECK_MSG(strstr(d.msg, "outside the name table") != NULL, "%s", d.msg);
    /* The name table itself outside the file, or NOBITS. */
    make(&e, MI("name=kvm\0"));
    put(e.b + e.strtab_hdr + 0x20, 100000, 8);
    CHECK(parse(&e, &mi, &d) == -1);
    CHECK_MSG(strstr(d.msg, "section name table") != NULL, "%s", d.msg);
    make(&e, MI("name=kvm\0"));
    put(e.b + e.strtab_hdr + 4, 8, 4);
    CHECK(parse(&e, &mi, &d) == -1);
    /* A name table whose last name has no NUL: shrink it by one byte. */
    make(&e, MI("name=kvm\0"));
    put(e.b + e.strtab_hdr + 0x20, 19, 8);
    put(e.b + e.strtab_hdr, 1, 4); /* the name table is named .modinfo.. */
    put(e.b + e.modinfo_hdr, 10, 4); /* ...and .modinfo ".shstrta" */
    CHECK(parse(&e, &mi, &d) == -1);
    CHECK_MSG(strstr(d.msg, "runs past the end") != NULL, "%s", d.msg);

    /* .modinfo outside the file, wrapping, or NOBITS. */
    make(&e, MI("name=kvm\0"));
    put(e.b + e.modinfo_hdr + 0x20, e.len, 8);
    CHECK(parse(&e, &mi, &d) == -1);
    CHECK_MSG(strstr(d.msg, ".modinfo") != NULL, "%s", d.msg);
    make(&e, MI("name=kvm\0"));
    put(e.b + e.modinfo_hdr + 0x18, UINT64_MAX, 8);
    CHECK(parse(&e, &mi, &d) == -1);
    make(&e, MI("name=kvm\0"));
    put(e.b + e.modinfo_hdr + 4, 8, 4);
    CHECK(parse(&e, &mi, &d) == -1);

    /* No .modinfo at all. */
    make(&e, MI("name=kvm\0"));
    e.b[64 + 9 + 2] = 'X'; /* ".modinfo" in the name table: ".moXinfo" */
    CHECK(parse(&e, &mi, &d) == -1);
    CHECK_MSG(strstr(d.msg, "no .modinfo") != NULL, "%s", d.msg);

    /* Not ELF64 little-endian; shorter than a header. */
    make(&e, MI("name=kvm\0"));
    e.b[4] = 1;
    CHECK(parse(&e, &mi, &d) == -1);
    make(&e, MI("name=kvm\0"));
    e.b[5] = 2;
    CHECK(parse(&e, &mi, &d) == -1);
    make(&e, MI("name=kvm\0"));
    e.len = 63;
    CHECK(parse(&e, &mi, &d) == -1);
    CHECK_MSG(strstr(d.msg, "not an ELF64") != NULL, "%s", d.msg);

    /* Every truncation of a good file is refused or parses, never reads
     * out of bounds (ASan watches). */
    make(&e, MI("name=kvm\0depends=irqbypass\0"));
    size_t full = e.len;
    for (size_t n = 0; n < full; n++) {
        e.len = n;
        CHECK(parse(&e, &mi, &d) == -1);
    }

    /* Names: '-' and '_' equal, nothing else. */
    CHECK(hvi_modname_eq("kvm-amd", 7, "kvm_amd"));
    CHECK(hvi_modname_eq("kvm_amd", 7, "kvm-amd"));
    CHECK(hvi_modname_eq("a-b_c", 5, "a_b-c"));
    CHECK(!hvi_modname_eq("kvm", 3, "kvm_amd"));
    CHECK(!hvi_modname_eq("kvm_amd", 7, "kvm"));
    CHECK(!hvi_modname_eq("kvm.amd", 7, "kvm_amd"));
    CHECK(hvi_modname_eq("kvm,ccp", 3, "kvm"));
    return CHECK_DONE();
}
