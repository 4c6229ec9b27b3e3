/* The .modinfo section of a module file (modinfo.h). */
#include "modinfo.h"

#include <string.h>

/* ELF64 field offsets (the ELF specification's Elf64_Ehdr / Elf64_Shdr),
 * read byte by byte so the buffer's alignment does not matter. */
enum {
    EHDR_SIZE = 64,
    E_SHOFF = 0x28,
    E_SHENTSIZE = 0x3a,
    E_SHNUM = 0x3c,
    E_SHSTRNDX = 0x3e,
    SHDR_SIZE = 64,
    SH_NAME = 0x00,
    SH_TYPE = 0x04,
    SH_OFFSET = 0x18,
    SH_SIZE = 0x20,
    SHT_NOBITS = 8,
};

static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    while (n--)
        v = v << 8 | p[n];
    return v;
}

/* Section |i|'s header, after the table was checked to lie in the file. */
static const uint8_t *shdr(const uint8_t *elf, uint64_t shoff,
                           uint64_t entsize, uint64_t i)
{
    return elf + shoff + i * entsize;
}

/* The bytes [off, off + len) lie within |size|, without overflow. */
static int within(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

int hvi_modinfo_parse(const uint8_t *elf, size_t size, hvi_modinfo *out,
                      hv_diag *diag)
{
    out->name = out->depends = NULL;
    static const uint8_t magic[6] = {0x7f, 'E', 'L', 'F', 2 /* 64-bit */,
                                     1 /* little-endian */};
    if (size < EHDR_SIZE || memcmp(elf, magic, sizeof magic) != 0)
        return hv_diag_set(diag, "not an ELF64 little-endian file");
    uint64_t shoff = le(elf + E_SHOFF, 8);
    uint64_t entsize = le(elf + E_SHENTSIZE, 2);
    uint64_t shnum = le(elf + E_SHNUM, 2);
    uint64_t strndx = le(elf + E_SHSTRNDX, 2);
    /* shnum 0 with the real count in section 0 (SHN_XINDEX) is for files
     * with 65280 sections or more; no module has that many. */
    if (shnum == 0)
        return hv_diag_set(diag, "no section table");
    if (entsize < SHDR_SIZE)
        return hv_diag_set(diag, "section header size %llu, below 64",
                           (unsigned long long)entsize);
    if (!within(shoff, shnum * entsize, size))
        return hv_diag_set(diag, "the section table (%llu headers at byte "
                           "%llu) runs past the end of the file (%zu bytes)",
                           (unsigned long long)shnum,
                           (unsigned long long)shoff, size);
    if (strndx >= shnum)
        return hv_diag_set(diag, "section name table index %llu, but %llu "
                           "sections", (unsigned long long)strndx,
                           (unsigned long long)shnum);
    const uint8_t *sh = shdr(elf, shoff, entsize, strndx);
    uint64_t str_off = le(sh + SH_OFFSET, 8), str_size = le(sh + SH_SIZE, 8);
    if (le(sh + SH_TYPE, 4) == SHT_NOBITS || !within(str_off, str_size, size))
        return hv_diag_set(diag, "the section name table (byte %llu, %llu "
                           "bytes) is not in the file",
                           (unsigned long long)str_off,
                           (unsigned long long)str_size);
    const char *names = (const char *)elf + str_off;
    static const char want[] = ".modinfo";
    const uint8_t *mi = NULL;
    for (uint64_t i = 0; i < shnum; i++) {
        sh = shdr(elf, shoff, entsize, i);
        uint64_t name = le(sh + SH_NAME, 4);
        if (name >= str_size)
            return hv_diag_set(diag, "section %llu: name offset %llu is "
                               "outside the name table (%llu bytes)",
                               (unsigned long long)i,
                               (unsigned long long)name,
                               (unsigned long long)str_size);
        /* The name must end inside the table. */
        if (!memchr(names + name, '\0', str_size - name))
            return hv_diag_set(diag, "section %llu: name runs past the end "
                               "of the name table", (unsigned long long)i);
        if (strcmp(names + name, want) == 0) {
            mi = sh;
            break;
        }
    }
    if (!mi)
        return hv_diag_set(diag, "no .modinfo section");
    uint64_t off = le(mi + SH_OFFSET, 8), len = le(mi + SH_SIZE, 8);
    if (le(mi + SH_TYPE, 4) == SHT_NOBITS || !within(off, len, size))
        return hv_diag_set(diag, ".modinfo (byte %llu, %llu bytes) is not in "
                           "the file", (unsigned long long)off,
                           (unsigned long long)len);
    const char *p = (const char *)elf + off, *end = p + len;
    if (len > 0 && end[-1] != '\0')
        return hv_diag_set(diag, ".modinfo: its last string has no NUL");
    /* Strings, possibly separated by padding NULs. */
    while (p < end) {
        size_t n = strlen(p); /* ends at end[-1] at the latest */
        if (n > 5 && memcmp(p, "name=", 5) == 0)
            out->name = p + 5;
        else if (n >= 8 && memcmp(p, "depends=", 8) == 0)
            out->depends = p + 8;
        p += n + 1;
    }
    return 0;
}

int hvi_modname_eq(const char *a, size_t a_len, const char *b)
{
    size_t i = 0;
    for (; i < a_len && b[i]; i++) {
        char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];
        if (x != y)
            return 0;
    }
    return i == a_len && b[i] == '\0';
}
