#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hvimage/codec.h"
#include "hvimage/format.h"

/* ELF constants used here (from the ELF-64 specification). */
#define ELF_EHDR_SIZE 64u
#define ELF_PHDR_SIZE 56u
#define ELF_PT_LOAD 1u
#define ELF_ET_EXEC 2u
#define ELF_MAX_PHDRS 64u

static int open_regular(const char *path, FILE **fp, uint64_t *size,
                        hv_diag *diag)
{
    struct stat st;
    *fp = fopen(path, "rb");
    if (!*fp)
        return hv_fail_errno(diag, errno, path, "cannot open");
    if (fstat(fileno(*fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(*fp);
        *fp = NULL;
        return hv_diag_set(diag, "%s: not a regular file", path);
    }
    *size = (uint64_t)st.st_size;
    /* Read front to back once: let the kernel read ahead aggressively. A
     * hint only; its failure changes nothing. */
    (void)posix_fadvise(fileno(*fp), 0, 0, POSIX_FADV_SEQUENTIAL);
    return 0;
}

int hv_source_open_file(hv_source *s, const char *path, hv_diag *diag)
{
    memset(s, 0, sizeof *s);
    s->label = path;
    return open_regular(path, &s->fp, &s->size, diag);
}

int hv_source_open_stream(hv_source *s, const char *label, FILE *fp,
                          hv_diag *diag)
{
    struct stat st;
    memset(s, 0, sizeof *s);
    s->label = label;
    s->fp = fp;
    if (fflush(fp) != 0 || fstat(fileno(fp), &st) != 0 ||
        fseeko(fp, 0, SEEK_SET) != 0)
        return hv_fail_errno(diag, errno, label, "temporary file");
    s->size = (uint64_t)st.st_size;
    return 0;
}

void hv_source_open_mem(hv_source *s, const char *label, const uint8_t *buf,
                        size_t len)
{
    memset(s, 0, sizeof *s);
    s->label = label;
    s->mem = buf;
    s->size = len;
}

int hv_file_is_elf(const char *path, hv_diag *diag)
{
    uint8_t m[4] = {0};
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return hv_fail_errno(diag, errno, path, "cannot open");
    size_t n = fread(m, 1, 4, fp);
    fclose(fp);
    return n == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
}

static int seg_cmp(const void *a, const void *b)
{
    const hv_segment *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int hv_source_open_elf(hv_source *s, const char *path, hv_diag *diag)
{
    uint8_t eh[ELF_EHDR_SIZE];
    uint64_t file_size = 0; /* set by open_regular; gcc -O3 cannot see it */

    memset(s, 0, sizeof *s);
    s->label = path;
    if (open_regular(path, &s->fp, &file_size, diag) != 0)
        return -1;
    if (fread(eh, 1, sizeof eh, s->fp) != sizeof eh)
        goto bad_header;
    if (memcmp(eh, "\177ELF", 4) != 0 || eh[4] != 2 /* ELFCLASS64 */ ||
        eh[5] != 1 /* little-endian */ || eh[6] != 1 /* EV_CURRENT */)
        goto bad_header;
    if (hv_le16(eh + 16) != ELF_ET_EXEC) {
        hv_source_close(s);
        return hv_diag_set(diag, "%s: byte offset 16: ELF type %u is not an "
                           "executable (ET_EXEC)", path, hv_le16(eh + 16));
    }
    uint64_t phoff = hv_le64(eh + 32);
    uint16_t phentsize = hv_le16(eh + 54), phnum = hv_le16(eh + 56);
    s->entry = hv_le64(eh + 24);
    if (phentsize != ELF_PHDR_SIZE || phnum == 0 || phnum > ELF_MAX_PHDRS ||
        phoff > file_size || (uint64_t)phnum * ELF_PHDR_SIZE > file_size - phoff) {
        hv_source_close(s);
        return hv_diag_set(diag, "%s: byte offset 32: program header table "
                           "(offset %llu, %u entries of %u bytes) is outside "
                           "the file or not supported", path,
                           (unsigned long long)phoff, phnum, phentsize);
    }
    s->segs = calloc(phnum, sizeof *s->segs);
    if (!s->segs) {
        hv_source_close(s);
        return hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory", path);
    }
    uint64_t end = 0;
    for (uint16_t i = 0; i < phnum; i++) {
        uint8_t ph[ELF_PHDR_SIZE];
        uint64_t at = phoff + (uint64_t)i * ELF_PHDR_SIZE;
        if (fseeko(s->fp, (off_t)at, SEEK_SET) != 0 ||
            fread(ph, 1, sizeof ph, s->fp) != sizeof ph)
            goto bad_header;
        if (hv_le32(ph) != ELF_PT_LOAD)
            continue;
        uint64_t off = hv_le64(ph + 8), paddr = hv_le64(ph + 24);
        uint64_t filesz = hv_le64(ph + 32), memsz = hv_le64(ph + 40);
        if (memsz == 0)
            continue;
        if (filesz > memsz || off > file_size || filesz > file_size - off ||
            paddr > UINT64_MAX - memsz) {
            hv_source_close(s);
            return hv_diag_set(diag, "%s: byte offset %llu: segment %u "
                               "(file offset %llu, %llu bytes in file, %llu "
                               "in memory) is inconsistent or outside the "
                               "file", path, (unsigned long long)at, i,
                               (unsigned long long)off,
                               (unsigned long long)filesz,
                               (unsigned long long)memsz);
        }
        s->segs[s->seg_count++] = (hv_segment){paddr, off, filesz};
        if (paddr + memsz > end)
            end = paddr + memsz;
    }
    if (s->seg_count == 0) {
        hv_source_close(s);
        return hv_diag_set(diag, "%s: ELF has no loadable segment", path);
    }
    qsort(s->segs, s->seg_count, sizeof *s->segs, seg_cmp);
    s->base = s->segs[0].addr;
    /* Overlapping segments would make the flat layout ambiguous. */
    for (size_t i = 1; i < s->seg_count; i++) {
        const hv_segment *p = &s->segs[i - 1];
        if (p->addr + p->filesz > s->segs[i].addr) {
            hv_source_close(s);
            return hv_diag_set(diag, "%s: ELF segments overlap at physical "
                               "address 0x%llx", path,
                               (unsigned long long)s->segs[i].addr);
        }
    }
    s->size = end - s->base;
    if (s->size > HV_MAX_UNPACKED_SIZE) {
        hv_source_close(s);
        return hv_diag_set(diag, "%s: ELF spans %llu bytes from 0x%llx, more "
                           "than the format's %llu", path,
                           (unsigned long long)s->size,
                           (unsigned long long)s->base,
                           (unsigned long long)HV_MAX_UNPACKED_SIZE);
    }
    if (s->entry < s->base || s->entry - s->base >= s->size) {
        hv_source_close(s);
        return hv_diag_set(diag, "%s: byte offset 24: entry point 0x%llx is "
                           "outside the loaded range", path,
                           (unsigned long long)s->entry);
    }
    return 0;

bad_header:
    hv_source_close(s);
    return hv_diag_set(diag, "%s: byte offset 0: not a 64-bit little-endian "
                       "ELF file", path);
}

static int read_file_at(hv_source *s, uint64_t off, uint8_t *buf, size_t n,
                        hv_diag *diag)
{
    if (fseeko(s->fp, (off_t)off, SEEK_SET) != 0 ||
        fread(buf, 1, n, s->fp) != n)
        return hv_fail(diag, HV_FAIL_IO, "%s: byte offset %llu: read failed "
                       "or file shrank during the build", s->label,
                       (unsigned long long)off);
    return 0;
}

/* The flat image at position s->pos: a piece of a segment's file bytes, or
 * zeros up to the next segment. */
static int read_elf(hv_source *s, uint8_t *buf, size_t cap, size_t *got,
                    hv_diag *diag)
{
    uint64_t addr = s->base + s->pos;
    uint64_t left = s->size - s->pos;
    size_t n = cap < left ? cap : (size_t)left;
    for (size_t i = 0; i < s->seg_count; i++) {
        const hv_segment *g = &s->segs[i];
        if (addr < g->addr) {
            uint64_t gap = g->addr - addr;
            if (gap < n)
                n = (size_t)gap;
            memset(buf, 0, n);
            *got = n;
            return 0;
        }
        if (addr < g->addr + g->filesz) {
            uint64_t avail = g->addr + g->filesz - addr;
            if (avail < n)
                n = (size_t)avail;
            *got = n;
            return read_file_at(s, g->file_off + (addr - g->addr), buf, n,
                                diag);
        }
    }
    memset(buf, 0, n); /* .bss after the last file-backed bytes */
    *got = n;
    return 0;
}

int hv_source_read(hv_source *s, uint8_t *buf, size_t cap, size_t *got,
                   hv_diag *diag)
{
    *got = 0;
    if (s->pos >= s->size) {
        /* A file that grew since it was measured would be cut silently. */
        if (s->fp && !s->segs && fgetc(s->fp) != EOF)
            return hv_fail(diag, HV_FAIL_IO, "%s: file grew during the build",
                           s->label);
        return 0;
    }
    uint64_t left = s->size - s->pos;
    size_t n = cap < left ? cap : (size_t)left;
    int rc = 0;
    if (s->segs) {
        rc = read_elf(s, buf, cap, &n, diag);
    } else if (s->mem) {
        memcpy(buf, s->mem + s->pos, n);
    } else if (fread(buf, 1, n, s->fp) != n) {
        rc = hv_fail(diag, HV_FAIL_IO, "%s: byte offset %llu: read failed or "
                     "file shrank during the build", s->label,
                     (unsigned long long)s->pos);
    }
    if (rc != 0)
        return rc;
    s->pos += n;
    *got = n;
    return 0;
}

void hv_source_close(hv_source *s)
{
    if (s->fp)
        fclose(s->fp);
    free(s->segs);
    memset(s, 0, sizeof *s);
}
