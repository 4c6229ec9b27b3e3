#include "image_file.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "exit_codes.h"

static int read_at(hv_image_file *img, uint64_t off, void *buf, size_t n,
                   hv_diag *diag)
{
    if (fseeko(img->fp, (off_t)off, SEEK_SET) != 0 ||
        fread(buf, 1, n, img->fp) != n) {
        hv_diag_set(diag, "%s: byte offset %llu: cannot read %zu bytes",
                    img->path, (unsigned long long)off, n);
        return -1; /* spelled out for the analyzer: |buf| is read on 0 */
    }
    return 0;
}

int hv_image_open(hv_image_file *img, const char *path, hv_diag *diag)
{
    struct stat st;
    memset(img, 0, sizeof *img);
    img->path = path;
    img->fp = fopen(path, "rb");
    if (!img->fp) {
        hv_diag_set(diag, "%s: cannot open: %s", path, strerror(errno));
        return HV_EXIT_USAGE;
    }
    if (fstat(fileno(img->fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        hv_diag_set(diag, "%s: not a regular file", path);
        return HV_EXIT_USAGE;
    }
    img->file_size = (uint64_t)st.st_size;
    if (img->file_size < HV_HEADER_SIZE) {
        hv_diag_set(diag, "%s: byte offset %llu: file ends inside the %u-byte "
                    "header", path, (unsigned long long)img->file_size,
                    HV_HEADER_SIZE);
        return HV_EXIT_REJECTED;
    }
    if (read_at(img, 0, img->tbs, HV_HEADER_SIZE, diag) != 0)
        return HV_EXIT_USAGE;
    hv_result r = hv_parse_header(img->tbs, &img->header);
    if (r != HV_OK) {
        hv_diag_set(diag, "%s: byte offset 0: %s", path, hv_result_str(r));
        return HV_EXIT_REJECTED;
    }
    if (img->header.image_size != img->file_size) {
        hv_diag_set(diag, "%s: byte offset %u: header says %llu bytes, the "
                    "file has %llu", path, HV_HDR_OFF_IMAGE_SIZE,
                    (unsigned long long)img->header.image_size,
                    (unsigned long long)img->file_size);
        return HV_EXIT_REJECTED;
    }
    img->tbs_len = HV_HEADER_SIZE + (size_t)img->header.metadata_size;
    img->block_len = (size_t)img->header.signature_slots * HV_SIG_SLOT_SIZE;
    if (read_at(img, HV_HEADER_SIZE, img->tbs + HV_HEADER_SIZE,
                img->header.metadata_size, diag) != 0 ||
        read_at(img, img->tbs_len, img->block, img->block_len, diag) != 0)
        return HV_EXIT_REJECTED;
    r = hv_check_sig_block(img->block, img->header.signature_slots,
                           &img->filled);
    if (r != HV_OK) {
        hv_diag_set(diag, "%s: byte offset %zu: %s", path, img->tbs_len,
                    hv_result_str(r));
        return HV_EXIT_REJECTED;
    }
    return 0;
}

void hv_image_close(hv_image_file *img)
{
    if (img->fp)
        fclose(img->fp);
    img->fp = NULL;
}

int hv_image_write_with_block(hv_image_file *img, const uint8_t *block,
                              const char *out_path, hv_diag *diag)
{
    hv_atomic_file out;
    static uint8_t buf[1 << 20];
    if (hv_atomic_open(&out, out_path, 0644, diag) != 0)
        return HV_EXIT_INTERNAL;
    if (fwrite(img->tbs, 1, img->tbs_len, out.fp) != img->tbs_len ||
        fwrite(block, 1, img->block_len, out.fp) != img->block_len)
        goto write_error;
    uint64_t pos = img->tbs_len + img->block_len;
    if (fseeko(img->fp, (off_t)pos, SEEK_SET) != 0)
        goto write_error;
    while (pos < img->file_size) {
        uint64_t left = img->file_size - pos;
        size_t n = left < sizeof buf ? (size_t)left : sizeof buf;
        if (fread(buf, 1, n, img->fp) != n) {
            hv_atomic_abort(&out);
            hv_diag_set(diag, "%s: byte offset %llu: read failed", img->path,
                        (unsigned long long)pos);
            return HV_EXIT_USAGE;
        }
        if (fwrite(buf, 1, n, out.fp) != n)
            goto write_error;
        pos += n;
    }
    return hv_atomic_commit(&out, diag) == 0 ? 0 : HV_EXIT_INTERNAL;
write_error:
    hv_atomic_abort(&out);
    hv_diag_set(diag, "%s: write failed: %s", out_path, strerror(errno));
    return HV_EXIT_INTERNAL;
}


static int check_zero_range(hv_image_file *img, uint64_t from, uint64_t to,
                            uint8_t *buf, size_t cap, hv_diag *diag)
{
    while (from < to) {
        size_t n = to - from < cap ? (size_t)(to - from) : cap;
        if (read_at(img, from, buf, n, diag) != 0)
            return -1;
        for (size_t i = 0; i < n; i++)
            if (buf[i] != 0)
                return hv_diag_set(diag, "%s: byte offset %llu: padding is "
                                   "not zero", img->path,
                                   (unsigned long long)(from + i));
        from += n;
    }
    return 0;
}

int hv_image_check_content(hv_image_file *img, hv_image_info *info,
                           hv_diag *diag)
{
    const size_t cap = 1u << 20;
    int rc = HV_EXIT_REJECTED;
    hv_result r = hv_parse_metadata(img->tbs, img->tbs_len, info);
    if (r != HV_OK) {
        hv_diag_set(diag, "%s: byte offset %u: %s", img->path, HV_HEADER_SIZE,
                    hv_result_str(r));
        return HV_EXIT_REJECTED;
    }
    uint8_t *buf = malloc(cap);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!buf || !md) {
        hv_diag_set(diag, "out of memory");
        rc = HV_EXIT_INTERNAL;
        goto out;
    }
    uint64_t pos = img->tbs_len + img->block_len;
    for (uint32_t i = 0; i < info->section_count; i++) {
        const hv_section *s = &info->sections[i];
        uint8_t digest[HV_DIGEST_MAX_SIZE] = {0};
        unsigned dlen;
        if (check_zero_range(img, pos, s->offset, buf, cap, diag) != 0)
            goto out;
        if (EVP_DigestInit_ex(md, info->digest_alg == HV_DIGEST_SHA384
                                      ? EVP_sha384() : EVP_sha256(),
                              NULL) != 1)
            goto out;
        for (uint64_t done = 0; done < s->stored_size;) {
            size_t n = s->stored_size - done < cap
                           ? (size_t)(s->stored_size - done) : cap;
            if (read_at(img, s->offset + done, buf, n, diag) != 0)
                goto out;
            EVP_DigestUpdate(md, buf, n);
            done += n;
        }
        EVP_DigestFinal_ex(md, digest, &dlen);
        if (memcmp(digest, s->digest, HV_DIGEST_MAX_SIZE) != 0) {
            hv_diag_set(diag, "%s: byte offset %llu: section '%s' does not "
                        "match its digest", img->path,
                        (unsigned long long)s->offset, s->name);
            goto out;
        }
        pos = s->offset + s->stored_size;
    }
    rc = 0;
out:
    EVP_MD_CTX_free(md);
    free(buf);
    return rc;
}
