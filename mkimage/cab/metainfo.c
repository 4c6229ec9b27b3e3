/* see metainfo.h */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metainfo.h"

/* fwupd reads the Jcat file from 1.4.0 on: an older one could not check
 * the cabinet's signature, so it must not install from it. */
#define FWUPD_MIN_VERSION "1.4.0"

void hv_xml_escape(FILE *f, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (text[i]) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default: fputc(text[i], f);
        }
    }
}

static void element(FILE *f, const char *indent, const char *tag,
                    const char *text)
{
    fprintf(f, "%s<%s>", indent, tag);
    hv_xml_escape(f, text, strlen(text));
    fprintf(f, "</%s>\n", tag);
}

/* Paragraphs of |notes|: a blank line starts a new one; the lines of a
 * paragraph are joined with a space. */
static void paragraphs(FILE *f, const char *indent, const char *notes)
{
    const char *p = notes;
    bool open = false;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        size_t lead = 0;
        while (lead < n && (p[lead] == ' ' || p[lead] == '\t'))
            lead++;
        if (lead == n) { /* a blank line */
            if (open)
                fputs("</p>\n", f);
            open = false;
        } else {
            while (n > lead && (p[n - 1] == ' ' || p[n - 1] == '\t'))
                n--;
            if (open)
                fputc(' ', f);
            else
                fprintf(f, "%s<p>", indent);
            open = true;
            hv_xml_escape(f, p + lead, n - lead);
        }
        p = nl ? nl + 1 : p + strlen(p);
    }
    if (open)
        fputs("</p>\n", f);
}

/* fwupd compares versions by their format: "triplet" for 1.4.2, "quad"
 * for 1.2.3.4, "plain" (as text) for anything else. */
static const char *version_format(const char *v)
{
    size_t parts = 1, digits = 0;
    for (const char *p = v; *p; p++) {
        if (*p == '.') {
            if (digits == 0)
                return "plain";
            parts++;
            digits = 0;
        } else if (*p >= '0' && *p <= '9') {
            digits++;
        } else {
            return "plain";
        }
    }
    if (digits == 0)
        return "plain";
    return parts == 3 ? "triplet" : parts == 4 ? "quad" : "plain";
}

int hv_metainfo_build(const hv_metainfo_in *in, char **xml, size_t *len,
                      hv_diag *diag)
{
    const hv_release *r = in->release;
    const hv_image_info *info = in->info;
    /* The release date is the build epoch's day (UTC): the same image
     * always gives the same date. */
    if (info->build_epoch > UINT64_C(253402300799))
        return hv_diag_set(diag, "the image's build epoch %llu is past the "
                                 "year 9999: no release date",
                           (unsigned long long)info->build_epoch);
    time_t t = (time_t)info->build_epoch;
    struct tm tm;
    char date[16];
    if (!gmtime_r(&t, &tm) || strftime(date, sizeof date, "%Y-%m-%d", &tm) == 0)
        return hv_fail(diag, HV_FAIL_INTERNAL, "cannot format the release "
                                               "date");

    *xml = NULL;
    *len = 0;
    FILE *f = open_memstream(xml, len);
    if (!f)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<!-- Written by hvimage package from the image's signed metadata "
          "and the manifest's release block. -->\n"
          "<component type=\"firmware\">\n", f);
    element(f, "  ", "id", r->id);
    element(f, "  ", "name", r->name ? r->name : info->name);
    element(f, "  ", "summary", r->summary);
    fputs("  <description>\n", f);
    fputs("    <p>", f);
    fputs("Hypervisor image ", f);
    hv_xml_escape(f, info->name, strlen(info->name));
    fputs(" for ", f);
    hv_xml_escape(f, info->oem_id, strlen(info->oem_id));
    fputs(", boards ", f);
    for (uint32_t i = 0; i < info->board_count; i++) {
        if (i)
            fputs(", ", f);
        hv_xml_escape(f, info->boards[i], strlen(info->boards[i]));
    }
    fputs(".</p>\n  </description>\n", f);
    fputs("  <provides>\n", f);
    for (size_t i = 0; i < in->guid_count; i++)
        fprintf(f, "    <firmware type=\"flashed\">%s</firmware>\n",
                in->guids[i]);
    fputs("  </provides>\n", f);
    element(f, "  ", "metadata_license", "CC0-1.0");
    element(f, "  ", "project_license", r->project_license);
    element(f, "  ", "developer_name", r->developer_name);
    fputs("  <releases>\n    <release version=\"", f);
    hv_xml_escape(f, info->version, strlen(info->version));
    fprintf(f, "\" date=\"%s\"", date);
    if (r->urgency)
        fprintf(f, " urgency=\"%s\"", r->urgency);
    fputs(">\n", f);
    fputs("      <checksum type=\"sha1\" filename=\"", f);
    hv_xml_escape(f, in->image_file, strlen(in->image_file));
    fprintf(f, "\" target=\"content\">%s</checksum>\n", in->sha1_hex);
    fputs("      <checksum type=\"sha256\" filename=\"", f);
    hv_xml_escape(f, in->image_file, strlen(in->image_file));
    fprintf(f, "\" target=\"content\">%s</checksum>\n", in->sha256_hex);
    fputs("      <description>\n", f);
    paragraphs(f, "        ", r->notes);
    fputs("      </description>\n    </release>\n  </releases>\n", f);
    fputs("  <requires>\n    <id compare=\"ge\" version=\"" FWUPD_MIN_VERSION
          "\">org.freedesktop.fwupd</id>\n  </requires>\n", f);
    fputs("  <custom>\n", f);
    fprintf(f, "    <value key=\"LVFS::VersionFormat\">%s</value>\n",
            version_format(info->version));
    fputs("    <value key=\"hvimage::OemId\">", f);
    hv_xml_escape(f, info->oem_id, strlen(info->oem_id));
    fputs("</value>\n    <value key=\"hvimage::Boards\">", f);
    for (uint32_t i = 0; i < info->board_count; i++) {
        if (i)
            fputc(',', f);
        hv_xml_escape(f, info->boards[i], strlen(info->boards[i]));
    }
    fprintf(f, "</value>\n"
               "    <value key=\"hvimage::SecurityVersion\">%llu</value>\n"
               "    <value key=\"hvimage::MinSecurityVersion\">%llu</value>\n"
               "  </custom>\n</component>\n",
            (unsigned long long)info->security_version,
            (unsigned long long)info->min_security_version);
    if (ferror(f)) {
        fclose(f);
        free(*xml);
        *xml = NULL;
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    if (fclose(f) != 0) {
        free(*xml);
        *xml = NULL;
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    return 0;
}
