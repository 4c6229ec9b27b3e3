/* Document and bundle files: read bounded, parse with the verifier's
 * hv_doc_parse, write atomically. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "trust_doc.h"

/* see trust_doc.h */
const char *hv_doc_kind_name(uint32_t kind)
{
    return kind == HV_DOC_ROOT ? "root" : kind == HV_DOC_KEYRING ? "keyring"
                                                                  : "document";
}

/* see trust_doc.h */
int hv_trust_read_file(const char *path, uint8_t **out, size_t *out_len,
                       hv_diag *diag)
{
    *out = NULL;
    *out_len = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return hv_fail_errno(diag, errno, path, "cannot open");
    /* One byte more than the largest trust block, to notice a larger
     * file without reading it all. */
    uint8_t *buf = malloc(HV_MAX_TRUST_BLOCK_SIZE + 1);
    if (!buf) {
        fclose(fp);
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    size_t n = fread(buf, 1, HV_MAX_TRUST_BLOCK_SIZE + 1, fp);
    int err = ferror(fp) ? errno : 0;
    fclose(fp);
    if (err != 0) {
        free(buf);
        return hv_fail_errno(diag, err ? err : EIO, path, "read failed");
    }
    if (n == 0 || n > HV_MAX_TRUST_BLOCK_SIZE) {
        free(buf);
        return n == 0 ? hv_diag_set(diag, "%s: empty file", path)
                      : hv_diag_set(diag,
                                    "%s: larger than the largest trust "
                                    "block (%u bytes)",
                                    path, HV_MAX_TRUST_BLOCK_SIZE);
    }
    *out = buf;
    *out_len = n;
    return 0;
}

/* What the first bytes say the file is, for a message better than
 * "does not parse". */
static uint32_t kind_of(const uint8_t *p, size_t len)
{
    if (len < 8)
        return 0;
    if (memcmp(p, HV_ROOT_MAGIC, 8) == 0)
        return HV_DOC_ROOT;
    if (memcmp(p, HV_KEYRING_MAGIC, 8) == 0)
        return HV_DOC_KEYRING;
    return 0;
}

/* see trust_doc.h */
int hv_doc_file_load(const char *path, uint32_t kind, hv_doc_file *out,
                     hv_diag *diag)
{
    memset(out, 0, sizeof *out);
    if (hv_trust_read_file(path, &out->bytes, &out->len, diag) != 0)
        return -1;
    uint32_t found = kind_of(out->bytes, out->len);
    int rc = -1;
    if (found == 0)
        hv_diag_set(diag, "%s: not a root or keyring document (no HVROOT or "
                    "HVKEYR magic)", path);
    else if (kind != 0 && found != kind)
        hv_diag_set(diag, "%s: is a %s document, expected a %s", path,
                    hv_doc_kind_name(found), hv_doc_kind_name(kind));
    else if (hv_doc_parse(out->bytes, out->len, &out->doc) != HV_OK)
        hv_diag_set(diag, "%s: malformed %s document (the verifier's parser "
                    "refuses it: %s)", path, hv_doc_kind_name(found),
                    hv_result_name(HV_ERR_TRUST_BLOCK));
    else if (out->doc.size != out->len)
        hv_diag_set(diag, "%s: %zu bytes after the %s document (a bundle? "
                    "give each document's own file)", path,
                    out->len - out->doc.size, hv_doc_kind_name(found));
    else
        rc = 0;
    if (rc != 0)
        hv_doc_file_free(out);
    return rc;
}

/* see trust_doc.h */
void hv_doc_file_free(hv_doc_file *f)
{
    free(f->bytes);
    memset(f, 0, sizeof *f);
}

/* see trust_doc.h */
int hv_trust_write_file(const char *path, const uint8_t *p, size_t len,
                        hv_diag *diag)
{
    hv_atomic_file f;
    if (hv_atomic_open(&f, path, 0644, diag) != 0)
        return -1;
    if (fwrite(p, 1, len, f.fp) != len) {
        int e = errno;
        hv_atomic_abort(&f);
        return hv_fail_errno(diag, e ? e : EIO, path, "write failed");
    }
    return hv_atomic_commit(&f, diag);
}
