/*
 * craft-section IN.hvi drivers|sbom|cmdline|core FILE OUT.hvi: a copy of IN
 * whose drivers (or SBOM, command line, core) section is the bytes of FILE, stored uncompressed, laid out and encoded again by the
 * builder's own encoder (in IN's format version: chunk tables in version
 * 2), with an empty signature block. Signing OUT with
 * `hvimage sign` then gives a validly signed image holding an archive the
 * builder would never have made (links through links, ..., or an SBOM that
 * is no CycloneDX document): what a compromised or careless signer could
 * ship, for the extract tests (tests/cli/extract.sh) and the sbom tests
 * (tests/supply/sbom.sh), or a Linux image whose command line or kernel
 * the stage would refuse after verification (tests/linux/build-verify.sh;
 * a core keeps IN's load address and entry point). The verifier accepts
 * such an image: it vouches for bytes, not for what an archive does to a
 * disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "hvboot.h"

static void die(const char *what)
{
    fprintf(stderr, "craft-section: %s\n", what);
    exit(2);
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path);
    size_t cap = 1 << 16, n = 0, r;
    uint8_t *p = malloc(cap);
    while (p && (r = fread(p + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            p = realloc(p, cap *= 2);
    }
    fclose(f);
    if (!p)
        die("out of memory");
    *len = n;
    return p;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

int main(int argc, char **argv)
{
    static const struct { const char *name; uint32_t type; } kinds[] = {
        {"drivers", HV_SECTION_DRIVERS}, {"sbom", HV_SECTION_SBOM},
        {"cmdline", HV_SECTION_CMDLINE}, {"core", HV_SECTION_CORE},
    };
    uint32_t type = 0;
    for (size_t i = 0; argc == 5 && i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(argv[2], kinds[i].name) == 0)
            type = kinds[i].type;
    if (type == 0)
        die("usage: craft-section IN.hvi drivers|sbom|cmdline|core FILE "
            "OUT.hvi");
    size_t ilen, tlen;
    uint8_t *image = read_all(argv[1], &ilen);
    uint8_t *tar = read_all(argv[3], &tlen);
    static hv_image_info in;
    if (ilen < HV_HEADER_SIZE)
        die("input too short");
    uint32_t meta = get32(image + HV_HDR_OFF_METADATA_SIZE);
    if (HV_HEADER_SIZE + (size_t)meta > ilen ||
        hv_parse_metadata(image, HV_HEADER_SIZE + meta, &in) != HV_OK)
        die("input metadata does not parse");

    /* Payloads as stored; the section of |type| replaced (or added where
     * the format's order puts it: core, bootcfg, drivers, extras, sbom). */
    const uint8_t *pay[HV_MAX_SECTIONS];
    hv_section secs[HV_MAX_SECTIONS];
    uint32_t n = 0;
    int placed = 0;
    for (uint32_t i = 0; i <= in.section_count; i++) {
        const hv_section *s = i < in.section_count ? &in.sections[i] : NULL;
        if (!placed && (!s || s->type >= type)) {
            hv_section *d = &secs[n];
            memset(d, 0, sizeof *d);
            d->type = type;
            d->compression = HV_COMPRESSION_NONE;
            snprintf(d->name, sizeof d->name, "%s", argv[2]);
            d->stored_size = d->unpacked_size = tlen;
            if (s && s->type == type) { /* a core stays where it was */
                d->load_address = s->load_address;
                d->entry_point = s->entry_point;
            }
            pay[n++] = tar;
            placed = 1;
        }
        if (!s || s->type == type)
            continue;
        if (s->data_offset + s->stored_size > ilen)
            die("a section lies outside the input");
        secs[n] = *s;
        pay[n++] = image + s->data_offset;
    }
    if (n > HV_MAX_SECTIONS)
        die("too many sections");
    memcpy(in.sections, secs, n * sizeof secs[0]);
    in.section_count = n;

    /* The layout rule of docs/FORMAT.md, sizes and digests; format
     * version 2 (the input's): each section's chunk table before its
     * stored bytes, and the section digest the table's. */
    in.header.metadata_size = HV_META_FIXED_SIZE +
                              n * HV_SECTION_ENTRY_SIZE +
                              in.board_count * HV_BOARD_ID_SIZE;
    uint64_t pos = hv_data_start(in.header.metadata_size,
                                 in.header.signature_slots, in.section_align);
    size_t dsize = hv_digest_size(in.digest_alg);
    uint8_t *tables[HV_MAX_SECTIONS];
    for (uint32_t i = 0; i < n; i++) {
        hv_section *s = &in.sections[i];
        hv_hash_ctx h;
        pos = (pos + in.section_align - 1) & ~(uint64_t)(in.section_align - 1);
        s->offset = pos;
        s->table_size = 0;
        tables[i] = NULL;
        if (in.chunk_log2) {
            uint64_t chunk = (uint64_t)1 << in.chunk_log2;
            s->chunk_entries = hv_chunk_entries(s->compression,
                                                s->unpacked_size,
                                                in.chunk_log2);
            s->table_size = s->chunk_entries * dsize;
            tables[i] = calloc(1, (size_t)s->table_size + 1);
            if (!tables[i])
                die("out of memory");
            for (uint64_t off = 0, e = 0; off < s->stored_size;
                 off += chunk, e++) {
                if (hv_crypto_bearssl.hash_init(&h, in.digest_alg) != 0)
                    die("digest algorithm");
                hv_crypto_bearssl.hash_update(
                    &h, pay[i] + off,
                    (size_t)(s->stored_size - off < chunk ? s->stored_size - off
                                                          : chunk));
                hv_crypto_bearssl.hash_final(&h, tables[i] + e * dsize);
            }
        }
        s->data_offset = s->offset + s->table_size;
        memset(s->digest, 0, sizeof s->digest);
        if (hv_crypto_bearssl.hash_init(&h, in.digest_alg) != 0)
            die("digest algorithm");
        if (tables[i])
            hv_crypto_bearssl.hash_update(&h, tables[i], (size_t)s->table_size);
        else
            hv_crypto_bearssl.hash_update(&h, pay[i], (size_t)s->stored_size);
        hv_crypto_bearssl.hash_final(&h, s->digest);
        pos = s->data_offset + s->stored_size;
    }
    in.header.image_size = pos;

    static uint8_t tbs[HV_TBS_MAX_SIZE];
    size_t tbs_len = hv_encode_tbs(&in, tbs);
    uint8_t *out = calloc(1, (size_t)pos);
    if (!out)
        die("out of memory");
    memcpy(out, tbs, tbs_len); /* the signature block stays all zero */
    for (uint32_t i = 0; i < n; i++) {
        if (tables[i])
            memcpy(out + in.sections[i].offset, tables[i],
                   (size_t)in.sections[i].table_size);
        free(tables[i]);
        memcpy(out + in.sections[i].data_offset, pay[i],
               (size_t)in.sections[i].stored_size);
    }
    FILE *f = fopen(argv[4], "wb");
    if (!f || fwrite(out, 1, (size_t)pos, f) != pos || fclose(f) != 0)
        die(argv[4]);
    free(out);
    free(image);
    free(tar);
    return 0;
}
