/* Printing image facts as text or JSON; see cli_print.h. */
#include "cli_print.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "plan.h"

/* ---- Bytes that may not be UTF-8 --------------------------------------- */

/* Length of the valid UTF-8 sequence at |s|, or 0 if it is not one. */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned char c = s[0];
    uint32_t cp, min;
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2, cp = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, cp = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

bool cli_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_seq(p);
        if (n == 0)
            return false;
        p += n;
    }
    return true;
}

json_object *cli_json_text(const char *s)
{
    if (cli_utf8_valid(s))
        return json_object_new_string(s);
    /* At most three bytes (U+FFFD) for each byte in. */
    size_t len = strlen(s);
    char *out = malloc(3 * len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_seq(p);
        if (n == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            p++;
        } else {
            memcpy(out + o, p, n);
            o += n;
            p += n;
        }
    }
    out[o] = '\0';
    json_object *j = json_object_new_string(out);
    free(out);
    return j;
}

json_object *cli_json_hex(const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *s = malloc(2 * n + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = hex[p[i] >> 4];
        s[2 * i + 1] = hex[p[i] & 15];
    }
    s[2 * n] = '\0';
    json_object *j = json_object_new_string(s);
    free(s);
    return j;
}

void cli_json_add_hex(json_object *obj, const char *key, const uint8_t *p,
                      size_t n)
{
    json_object_object_add(obj, key, cli_json_hex(p, n));
}

void cli_json_add_text(json_object *obj, const char *key, const char *s)
{
    json_object_object_add(obj, key, cli_json_text(s));
    if (!cli_utf8_valid(s)) {
        char hkey[64];
        snprintf(hkey, sizeof hkey, "%s_hex", key);
        cli_json_add_hex(obj, hkey, (const uint8_t *)s, strlen(s));
    }
}

void cli_json_print(FILE *f, json_object *o)
{
    fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                JSON_C_TO_STRING_NOSLASHESCAPE),
          f);
    fputc('\n', f);
    json_object_put(o);
}

void cli_print_error(const char *cmd, const char *msg)
{
    char shown[HV_DIAG_MAX * 4];
    fprintf(stderr, "hvimage %s: %s\n", cmd,
            hv_printable(msg, shown, sizeof shown));
}

/* ---- Older entry points (cli.h), on the same machinery ----------------- */

void cli_hex(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
}

/* ---- Image facts ------------------------------------------------------ */

static const char *section_type_name(uint32_t t)
{
    if (hv_section_type_name(t))
        return hv_section_type_name(t);
    return t == HV_SECTION_EXTRA ? "extra" : "unknown";
}

static const char *core_kind_name(uint32_t k)
{
    return k == HV_CORE_KIND_LINUX     ? "linux"
           : k == HV_CORE_KIND_MONITOR ? "monitor"
                                       : "unknown";
}

static double ratio(const hv_section *s)
{
    return s->unpacked_size ? (double)s->stored_size / (double)s->unpacked_size
                            : 1.0;
}

/* The metadata's texts passed the format's charset (boot/parse.c), so they
 * print as they are. */
void cli_print_info_text(FILE *f, const hv_image_info *in)
{
    size_t dlen = hv_digest_size(in->digest_alg);
    fprintf(f, "image:            %s %s\n", in->name, in->version);
    fprintf(f, "oem:              %s\n", in->oem_id);
    fprintf(f, "security version: %llu\n",
            (unsigned long long)in->security_version);
    fprintf(f, "min security:     %llu (the floor this image lets a device "
               "fall back to)\n",
            (unsigned long long)in->min_security_version);
    fprintf(f, "build epoch:      %llu\n", (unsigned long long)in->build_epoch);
    fprintf(f, "image size:       %llu bytes\n",
            (unsigned long long)in->header.image_size);
    fprintf(f, "digest:           %s\n", hv_digest_alg_name(in->digest_alg));
    fprintf(f, "format version:   %u", in->header.format_version);
    if (in->chunk_log2)
        fprintf(f, " (chunk tables, %llu-byte chunks)\n",
                (unsigned long long)1 << in->chunk_log2);
    else
        fprintf(f, " (one digest per section)\n");
    fprintf(f, "core kind:        %s%s\n", core_kind_name(in->core_kind),
            in->core_kind == HV_CORE_KIND_LINUX
                ? " (a bzImage started by the x86 64-bit boot protocol)"
                : "");
    fprintf(f, "section align:    %u\n", in->section_align);
    fprintf(f, "signature slots:  %u\n", in->header.signature_slots);
    fprintf(f, "boards:          ");
    for (uint32_t i = 0; i < in->board_count; i++)
        fprintf(f, " %s", in->boards[i]);
    fprintf(f, "\nsections:\n");
    for (uint32_t i = 0; i < in->section_count; i++) {
        const hv_section *s = &in->sections[i];
        fprintf(f, "  %-10s %-9s %-5s offset %-9llu stored %-10llu unpacked "
                   "%-10llu ratio %.3f\n",
                s->name, section_type_name(s->type),
                s->compression == HV_COMPRESSION_ZSTD ? "zstd" : "none",
                (unsigned long long)s->offset,
                (unsigned long long)s->stored_size,
                (unsigned long long)s->unpacked_size, ratio(s));
        if (s->table_size)
            fprintf(f, "              chunk table %llu entries (%llu bytes), "
                       "data at %llu\n",
                    (unsigned long long)s->chunk_entries,
                    (unsigned long long)s->table_size,
                    (unsigned long long)s->data_offset);
        if (s->type == HV_SECTION_CORE)
            fprintf(f, "              load 0x%llx entry 0x%llx\n",
                    (unsigned long long)s->load_address,
                    (unsigned long long)s->entry_point);
        fprintf(f, "              %s ", hv_digest_alg_name(in->digest_alg));
        cli_hex(f, s->digest, dlen);
        fputc('\n', f);
    }
}

json_object *cli_info_json(const hv_image_info *in)
{
    size_t dlen = hv_digest_size(in->digest_alg);
    json_object *o = json_object_new_object();
    cli_json_add_text(o, "name", in->name);
    cli_json_add_text(o, "version", in->version);
    cli_json_add_text(o, "oem_id", in->oem_id);
    json_object_object_add(o, "security_version",
                           json_object_new_uint64(in->security_version));
    json_object_object_add(o, "min_security_version",
                           json_object_new_uint64(in->min_security_version));
    json_object_object_add(o, "build_epoch",
                           json_object_new_uint64(in->build_epoch));
    json_object_object_add(o, "image_size",
                           json_object_new_uint64(in->header.image_size));
    json_object_object_add(
        o, "digest", json_object_new_string(hv_digest_alg_name(in->digest_alg)));
    json_object_object_add(o, "format_version",
                           json_object_new_uint64(in->header.format_version));
    json_object_object_add(o, "chunk_size",
                           in->chunk_log2
                               ? json_object_new_uint64((uint64_t)1
                                                        << in->chunk_log2)
                               : NULL);
    json_object_object_add(o, "core_kind",
                           json_object_new_string(core_kind_name(in->core_kind)));
    json_object_object_add(o, "section_align",
                           json_object_new_uint64(in->section_align));
    json_object_object_add(o, "signature_slots",
                           json_object_new_uint64(in->header.signature_slots));
    json_object *boards = json_object_new_array();
    for (uint32_t i = 0; i < in->board_count; i++)
        json_object_array_add(boards, cli_json_text(in->boards[i]));
    json_object_object_add(o, "boards", boards);
    json_object *secs = json_object_new_array();
    for (uint32_t i = 0; i < in->section_count; i++) {
        const hv_section *s = &in->sections[i];
        json_object *j = json_object_new_object();
        char r[32];
        snprintf(r, sizeof r, "%.4f", ratio(s));
        cli_json_add_text(j, "name", s->name);
        json_object_object_add(j, "type",
                               json_object_new_string(section_type_name(s->type)));
        json_object_object_add(
            j, "compression",
            json_object_new_string(s->compression == HV_COMPRESSION_ZSTD
                                       ? "zstd"
                                       : "none"));
        json_object_object_add(j, "offset", json_object_new_uint64(s->offset));
        json_object_object_add(j, "stored_size",
                               json_object_new_uint64(s->stored_size));
        json_object_object_add(j, "unpacked_size",
                               json_object_new_uint64(s->unpacked_size));
        /* Version 2: the chunk table at |offset|, the stored bytes after. */
        json_object_object_add(j, "chunk_table_size",
                               json_object_new_uint64(s->table_size));
        json_object_object_add(j, "data_offset",
                               json_object_new_uint64(s->data_offset));
        json_object_object_add(j, "ratio",
                               json_object_new_double_s(ratio(s), r));
        json_object_object_add(j, "load_address",
                               json_object_new_uint64(s->load_address));
        json_object_object_add(j, "entry_point",
                               json_object_new_uint64(s->entry_point));
        cli_json_add_hex(j, "digest", s->digest, dlen);
        json_object_array_add(secs, j);
    }
    json_object_object_add(o, "sections", secs);
    return o;
}
