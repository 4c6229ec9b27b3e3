/* see cab.h: the cabinet with libgcab, the Jcat file with libjcat */
#include <gio/gio.h>
#include <jcat.h>
#include <libgcab.h>
#include <stdlib.h>
#include <string.h>

#include "cab.h"
#include "guid.h"
#include "metainfo.h"

/* Room for two paths and a sentence. */
#define PATH_MAX_TEXT 8192

/* A GLib failure as a diag; |cls| says whose fault it was. */
static int fail_gerror(hv_diag *diag, hv_fail_class cls, const char *what,
                       GError *err)
{
    hv_fail(diag, cls, "%s: %s", what, err ? err->message : "failed");
    if (err)
        g_error_free(err);
    return -1;
}

static gchar *hex_digest(GChecksumType type, const uint8_t *p, size_t n)
{
    return g_compute_checksum_for_data(type, p, n);
}

/* The devices the cabinet is for: the release block's GUIDs, or one per
 * board of the image from its OEM and board ids (guid.h). */
static size_t device_guids(const hv_cab_request *req,
                           char (*out)[HV_GUID_TEXT_SIZE + 1])
{
    const hv_release *r = req->release;
    if (r->guid_count) {
        memcpy(out, r->guids, r->guid_count * sizeof *out);
        return r->guid_count;
    }
    for (uint32_t i = 0; i < req->info->board_count; i++) {
        char iid[HV_OEM_ID_SIZE + HV_BOARD_ID_SIZE + 32];
        hv_instance_id(req->info->oem_id, req->info->boards[i], iid,
                       sizeof iid);
        hv_guid_from_instance_id(iid, out[i]);
    }
    return req->info->board_count;
}

/* A checksum blob of |kind| for |data|, timestamped with the build epoch so
 * that the Jcat file does not depend on when it was made. */
static int add_checksum(JcatContext *ctx, JcatItem *item, JcatBlobKind kind,
                        GBytes *data, gint64 epoch, hv_diag *diag)
{
    GError *err = NULL;
    JcatEngine *eng = jcat_context_get_engine(ctx, kind, &err);
    if (!eng)
        return fail_gerror(diag, HV_FAIL_INTERNAL, "Jcat checksum", err);
    JcatBlob *blob = jcat_engine_self_sign(eng, data, JCAT_SIGN_FLAG_NONE,
                                           &err);
    g_object_unref(eng);
    if (!blob)
        return fail_gerror(diag, HV_FAIL_INTERNAL, "Jcat checksum", err);
    jcat_blob_set_timestamp(blob, epoch);
    jcat_item_add_blob(item, blob);
    g_object_unref(blob);
    return 0;
}

/* A PKCS#7 signature of |data| with the key and certificate, checked
 * against the certificate alone before it is kept: a key that does not
 * belong to the certificate would give a cabinet nobody can verify. */
static int add_signature(const hv_cab_request *req, JcatItem *item,
                         const char *name, GBytes *data, GBytes *key,
                         GBytes *cert, gint64 epoch, hv_diag *diag)
{
    GError *err = NULL;
    JcatContext *ctx = jcat_context_new();
    JcatEngine *eng = jcat_context_get_engine(ctx, JCAT_BLOB_KIND_PKCS7, &err);
    JcatBlob *blob = NULL;
    JcatResult *res = NULL;
    int rc = -1;
    char what[PATH_MAX_TEXT];
    if (!eng) {
        fail_gerror(diag, HV_FAIL_INTERNAL, "Jcat PKCS#7", err);
        goto out;
    }
    snprintf(what, sizeof what, "%s: not a usable PEM signing certificate", req->sign_cert);
    if (!jcat_engine_add_public_key_raw(eng, cert, &err)) {
        fail_gerror(diag, HV_FAIL_INPUT, what, err);
        goto out;
    }
    blob = jcat_engine_pubkey_sign(eng, data, cert, key,
                                   JCAT_SIGN_FLAG_ADD_CERT, &err);
    snprintf(what, sizeof what, "%s, %s: cannot sign %s", req->sign_key,
             req->sign_cert, name);
    if (!blob) {
        fail_gerror(diag, HV_FAIL_INPUT, what, err);
        goto out;
    }
    GBytes *sig = jcat_blob_get_data(blob);
    res = jcat_engine_pubkey_verify(eng, data, sig,
                                    JCAT_VERIFY_FLAG_DISABLE_TIME_CHECKS, &err);
    if (!res) {
        snprintf(what, sizeof what, "%s: the signature made with %s does not "
                                    "verify against this certificate (key "
                                    "and certificate do not match?)",
                 req->sign_cert, req->sign_key);
        fail_gerror(diag, HV_FAIL_INPUT, what, err);
        goto out;
    }
    jcat_blob_set_timestamp(blob, epoch);
    jcat_item_add_blob(item, blob);
    rc = 0;
out:
    if (res)
        g_object_unref(res);
    if (blob)
        g_object_unref(blob);
    if (eng)
        g_object_unref(eng);
    g_object_unref(ctx);
    return rc;
}

static GBytes *read_pem(const char *path, hv_diag *diag)
{
    gchar *text = NULL;
    gsize len = 0;
    GError *err = NULL;
    if (!g_file_get_contents(path, &text, &len, &err)) {
        fail_gerror(diag, HV_FAIL_INPUT, path, err);
        return NULL;
    }
    return g_bytes_new_take(text, len);
}

/* firmware.jcat: per file, its SHA-256 and SHA-1 and, with a key, a
 * PKCS#7 signature; gzip-compressed JSON as fwupd reads it. */
static GBytes *make_jcat(const hv_cab_request *req, const char *const *names,
                         GBytes *const *files, size_t n, hv_diag *diag)
{
    GError *err = NULL;
    GBytes *key = NULL, *cert = NULL, *out = NULL;
    JcatContext *ctx = jcat_context_new();
    JcatFile *jf = jcat_file_new();
    gint64 epoch = (gint64)req->info->build_epoch;
    if (req->sign_key && (!(key = read_pem(req->sign_key, diag)) ||
                          !(cert = read_pem(req->sign_cert, diag))))
        goto out;
    for (size_t i = 0; i < n; i++) {
        JcatItem *item = jcat_item_new(names[i]);
        int rc = add_checksum(ctx, item, JCAT_BLOB_KIND_SHA256, files[i],
                              epoch, diag);
        if (rc == 0)
            rc = add_checksum(ctx, item, JCAT_BLOB_KIND_SHA1, files[i], epoch,
                              diag);
        if (rc == 0 && key)
            rc = add_signature(req, item, names[i], files[i], key, cert,
                               epoch, diag);
        if (rc == 0)
            jcat_file_add_item(jf, item);
        g_object_unref(item);
        if (rc != 0)
            goto out;
    }
    GOutputStream *mem = g_memory_output_stream_new_resizable();
    if (!jcat_file_export_stream(jf, mem, JCAT_EXPORT_FLAG_NONE, NULL, &err) ||
        !g_output_stream_close(mem, NULL, &err))
        fail_gerror(diag, HV_FAIL_INTERNAL, "Jcat file", err);
    else
        out = g_memory_output_stream_steal_as_bytes(
            G_MEMORY_OUTPUT_STREAM(mem));
    g_object_unref(mem);
out:
    if (key)
        g_bytes_unref(key);
    if (cert)
        g_bytes_unref(cert);
    g_object_unref(jf);
    g_object_unref(ctx);
    return out;
}

/* The cabinet's file date: the build epoch, within what a cabinet's DOS
 * date can hold (1980 to 2107). */
static GDateTime *cab_date(uint64_t epoch)
{
    const uint64_t lo = UINT64_C(315532800);  /* 1980-01-01 */
    const uint64_t hi = UINT64_C(4354819198); /* 2107-12-31 23:59:58 */
    uint64_t t = epoch < lo ? lo : epoch > hi ? hi : epoch;
    return g_date_time_new_from_unix_utc((gint64)t);
}

static int write_cabinet(const char *const *names, GBytes *const *files,
                         size_t n, uint64_t epoch, FILE *out,
                         size_t *written, hv_diag *diag)
{
    GError *err = NULL;
    GCabCabinet *cab = gcab_cabinet_new();
    GCabFolder *folder = gcab_folder_new(GCAB_COMPRESSION_MSZIP);
    GDateTime *date = cab_date(epoch);
    GOutputStream *mem = NULL;
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        GCabFile *cf = gcab_file_new_with_bytes(names[i], files[i]);
        gcab_file_set_date_time(cf, date);
        gboolean ok = gcab_folder_add_file(folder, cf, FALSE, NULL, &err);
        g_object_unref(cf);
        if (!ok) {
            fail_gerror(diag, HV_FAIL_INTERNAL, "cabinet", err);
            goto out;
        }
    }
    if (!gcab_cabinet_add_folder(cab, folder, &err)) {
        fail_gerror(diag, HV_FAIL_INTERNAL, "cabinet", err);
        goto out;
    }
    /* libgcab seeks back to write the header: a memory stream. */
    mem = g_memory_output_stream_new_resizable();
    if (!gcab_cabinet_write_simple(cab, mem, NULL, NULL, NULL, &err) ||
        !g_output_stream_close(mem, NULL, &err)) {
        fail_gerror(diag, HV_FAIL_INTERNAL, "cabinet", err);
        goto out;
    }
    GMemoryOutputStream *m = G_MEMORY_OUTPUT_STREAM(mem);
    size_t len = g_memory_output_stream_get_data_size(m);
    if (fwrite(g_memory_output_stream_get_data(m), 1, len, out) != len) {
        hv_fail(diag, HV_FAIL_IO, "cannot write the cabinet");
        goto out;
    }
    *written = len;
    rc = 0;
out:
    if (mem)
        g_object_unref(mem);
    g_date_time_unref(date);
    g_object_unref(folder);
    g_object_unref(cab);
    return rc;
}

int hv_cab_write(const hv_cab_request *req, FILE *out, size_t *written,
                 hv_diag *diag)
{
    char guids[HV_MAX_BOARDS > HV_RELEASE_GUIDS_MAX ? HV_MAX_BOARDS
                                                    : HV_RELEASE_GUIDS_MAX]
              [HV_GUID_TEXT_SIZE + 1];
    char *xml = NULL;
    size_t xml_len = 0;
    int rc = -1;
    if ((uint64_t)req->image_len > HV_CAB_MAX_IMAGE)
        return hv_diag_set(diag, "the image is %zu bytes, more than a "
                                 "cabinet takes (%llu)",
                           req->image_len,
                           (unsigned long long)HV_CAB_MAX_IMAGE);
    gchar *sha1 = hex_digest(G_CHECKSUM_SHA1, req->image, req->image_len);
    gchar *sha256 = hex_digest(G_CHECKSUM_SHA256, req->image, req->image_len);
    hv_metainfo_in mi = {
        .release = req->release, .info = req->info,
        .image_file = HV_CAB_IMAGE_NAME, .sha1_hex = sha1,
        .sha256_hex = sha256, .guids = (const char (*)[HV_GUID_TEXT_SIZE + 1])
                                           guids,
        .guid_count = device_guids(req, guids)};
    GBytes *files[3] = {NULL, NULL, NULL};
    const char *names[3] = {HV_CAB_IMAGE_NAME, HV_CAB_METAINFO_NAME,
                            HV_CAB_JCAT_NAME};
    if (hv_metainfo_build(&mi, &xml, &xml_len, diag) != 0)
        goto out;
    files[0] = g_bytes_new_static(req->image, req->image_len);
    files[1] = g_bytes_new_take(xml, xml_len);
    xml = NULL;
    files[2] = make_jcat(req, names, files, 2, diag);
    if (!files[2])
        goto out;
    rc = write_cabinet(names, files, 3, req->info->build_epoch, out, written,
                       diag);
out:
    for (size_t i = 0; i < 3; i++)
        if (files[i])
            g_bytes_unref(files[i]);
    free(xml);
    g_free(sha1);
    g_free(sha256);
    return rc;
}
