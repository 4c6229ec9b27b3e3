#include "image_file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "hvimage/codec.h"

static int read_at(const hv_image_file *img, uint64_t off, void *buf,
                   size_t n, hv_diag *diag)
{
    uint8_t *p = buf;
    while (n > 0) {
        ssize_t got = pread(fileno(img->fp), p, n, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return hv_fail_errno(diag, errno, img->path, "read");
        if (got == 0)
            return hv_fail(diag, HV_FAIL_REJECTED,
                           "%s: byte offset %llu: file ends early",
                           img->path, (unsigned long long)off);
        p += got;
        off += (uint64_t)got;
        n -= (size_t)got;
    }
    return 0;
}

int hv_image_open(hv_image_file *img, const char *path, hv_diag *diag)
{
    struct stat st;
    memset(img, 0, sizeof *img);
    img->path = path;
    img->fp = fopen(path, "rb");
    if (!img->fp)
        return hv_fail_errno(diag, errno, path, "cannot open");
    if (fstat(fileno(img->fp), &st) != 0)
        return hv_fail_errno(diag, errno, path, "stat");
    if (!S_ISREG(st.st_mode))
        return hv_diag_set(diag, "%s: not a regular file", path);
    img->file_size = (uint64_t)st.st_size;
    img->mode = st.st_mode & 07777;
    if (img->file_size < HV_HEADER_SIZE)
        return hv_fail(diag, HV_FAIL_REJECTED,
                       "%s: byte offset %llu: file ends inside the %u-byte "
                       "header", path, (unsigned long long)img->file_size,
                       HV_HEADER_SIZE);
    if (read_at(img, 0, img->tbs, HV_HEADER_SIZE, diag) != 0)
        return -1;
    hv_result r = hv_parse_header(img->tbs, &img->header);
    if (r != HV_OK)
        return hv_fail(diag, HV_FAIL_REJECTED, "%s: byte offset 0: %s", path,
                       hv_result_str(r));
    if (img->header.image_size != img->file_size)
        return hv_fail(diag, HV_FAIL_REJECTED,
                       "%s: byte offset %u: header says %llu bytes, the "
                       "file has %llu", path, HV_HDR_OFF_IMAGE_SIZE,
                       (unsigned long long)img->header.image_size,
                       (unsigned long long)img->file_size);
    img->tbs_len = HV_HEADER_SIZE + (size_t)img->header.metadata_size;
    img->block_len = (size_t)(hv_sig_block_end(img->header.metadata_size,
                                               img->header.signature_slots) -
                              img->tbs_len);
    if (read_at(img, HV_HEADER_SIZE, img->tbs + HV_HEADER_SIZE,
                img->header.metadata_size, diag) != 0 ||
        read_at(img, img->tbs_len, img->block, img->block_len, diag) != 0)
        return -1;
    r = hv_check_sig_block(img->block, img->header.signature_slots,
                           &img->filled);
    if (r != HV_OK)
        return hv_fail(diag, HV_FAIL_REJECTED, "%s: byte offset %zu: %s",
                       path, img->tbs_len, hv_result_str(r));
    return 0;
}

int hv_image_read_trust(hv_image_file *img, uint8_t **out, hv_diag *diag)
{
    *out = NULL;
    if (img->header.trust_size == 0)
        return 0;
    /* hv_parse_header bounded trust_size and kept it inside the image. */
    uint8_t *p = malloc(img->header.trust_size);
    if (!p)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    if (read_at(img, img->tbs_len + img->block_len, p,
                img->header.trust_size, diag) != 0) {
        free(p);
        return -1;
    }
    *out = p;
    return 0;
}

void hv_image_close(hv_image_file *img)
{
    if (img->fp)
        fclose(img->fp);
    img->fp = NULL;
}

int hv_image_write_with_block(hv_image_file *img, const uint8_t *block,
                              const char *out_path, mode_t mode,
                              hv_diag *diag)
{
    hv_atomic_file out;
    static uint8_t buf[1 << 20];
    if (hv_atomic_open(&out, out_path, mode, diag) != 0)
        return -1;
    if (fwrite(img->tbs, 1, img->tbs_len, out.fp) != img->tbs_len ||
        fwrite(block, 1, img->block_len, out.fp) != img->block_len)
        goto write_error;
    uint64_t pos = img->tbs_len + img->block_len;
    while (pos < img->file_size) {
        uint64_t left = img->file_size - pos;
        size_t n = left < sizeof buf ? (size_t)left : sizeof buf;
        if (read_at(img, pos, buf, n, diag) != 0) {
            hv_atomic_abort(&out);
            return -1;
        }
        if (fwrite(buf, 1, n, out.fp) != n)
            goto write_error;
        pos += n;
    }
    return hv_atomic_commit(&out, diag);
write_error:
    hv_fail_errno(diag, errno, out_path, "write");
    hv_atomic_abort(&out);
    return -1;
}

/* ---- Content: the boot library's check over the file ------------------- */

/* hv_ops over the open file. One stored and one unpacked buffer, grown to
 * the largest section: the library is done with a section before it asks
 * for the next one's memory, and nothing here keeps the bytes. */
typedef struct content_run {
    const hv_image_file *img;
    uint8_t *stored, *unpacked;
    size_t stored_cap, unpacked_cap;
    int read_errno; /* why ops->read failed, for the message */
    bool no_memory;
} content_run;

static int content_read(void *user, uint64_t off, void *dst, size_t len)
{
    content_run *run = user;
    uint8_t *p = dst;
    while (len > 0) {
        ssize_t got = pread(fileno(run->img->fp), p, len, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            run->read_errno = got < 0 ? errno : 0;
            return -1;
        }
        p += got;
        off += (uint64_t)got;
        len -= (size_t)got;
    }
    return 0;
}

static int grow(uint8_t **buf, size_t *cap, uint64_t want)
{
    if (want <= *cap)
        return 0;
    if (want > SIZE_MAX)
        return -1;
    uint8_t *p = realloc(*buf, (size_t)want);
    if (!p)
        return -1;
    *buf = p;
    *cap = (size_t)want;
    return 0;
}

static int content_memory(void *user, const hv_section *s, uint8_t **stored,
                          uint8_t **unpacked)
{
    content_run *run = user;
    /* Bounded by the file (stored) and by the format (unpacked, at most
     * HV_MAX_UNPACKED_SIZE): an unsigned image cannot ask for more. */
    if (s->stored_size > run->img->file_size ||
        grow(&run->stored, &run->stored_cap, s->stored_size ? s->stored_size
                                                            : 1) != 0 ||
        (s->compression != HV_COMPRESSION_NONE &&
         grow(&run->unpacked, &run->unpacked_cap,
              s->unpacked_size ? s->unpacked_size : 1) != 0)) {
        run->no_memory = true;
        return -1;
    }
    *stored = run->stored;
    *unpacked = run->unpacked;
    return 0;
}

int hv_image_check_content(hv_image_file *img, hv_image_info *info,
                           hv_diag *diag)
{
    content_run run = {.img = img};
    hv_ops ops = {.user = &run, .read = content_read,
                  .section_memory = content_memory};
    hv_workspace *ws = malloc(sizeof *ws);
    hv_verdict *v = malloc(sizeof *v);
    int rc = -1;
    if (!ws || !v) {
        hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
        goto out;
    }
    hv_result r = hv_check_content(&ops, &hv_crypto_native, img->file_size,
                                   ws, v);
    if (r == HV_OK) {
        *info = v->info;
        rc = 0;
        goto out;
    }
    if (r == HV_ERR_IO) {
        hv_fail_errno(diag, run.read_errno ? run.read_errno : EIO, img->path,
                      "read");
        goto out;
    }
    if (r == HV_ERR_MEMORY && run.no_memory) {
        hv_fail(diag, HV_FAIL_INTERNAL, "%s: out of memory for section '%s'",
                img->path, v->info.sections[v->failed_section].name);
        goto out;
    }
    char where[96] = "";
    if (v->failed_section != UINT32_MAX)
        snprintf(where, sizeof where, " in section '%s'",
                 v->info.sections[v->failed_section].name);
    hv_fail(diag, HV_FAIL_REJECTED, "%s: byte offset %llu%s: %s (%s)",
            img->path, (unsigned long long)v->fail_offset, where,
            hv_result_str(r), hv_result_name(r));
out:
    free(run.stored);
    free(run.unpacked);
    free(ws);
    free(v);
    return rc;
}

/* ---- Slots already in the image ---------------------------------------- */

static const hv_pubkey *key_for(const hv_pubkey *keys, size_t n,
                                const uint8_t *id)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(keys[i].key_id, id, HV_KEY_ID_SIZE) == 0)
            return &keys[i];
    return NULL;
}

/* Some algorithm signs with exactly |len| bytes. */
static bool any_sig_size(uint32_t len)
{
    static const uint32_t algs[] = {
        HV_SIG_ECDSA_P256_SHA256, HV_SIG_ECDSA_P384_SHA384,
        HV_SIG_RSA3072_PKCS1_SHA256, HV_SIG_RSA4096_PKCS1_SHA256};
    for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
        if (hv_sig_size(algs[i]) == len)
            return true;
    return false;
}

/* The boot library's backend, so a slot passes here exactly when it passes
 * hv_verify's signature check for this key. */
static bool slot_verifies(const hv_image_file *img, const hv_pubkey *k,
                          const uint8_t *slot, uint32_t sig_len)
{
    const hv_crypto *c = &hv_crypto_native;
    uint32_t dalg = hv_sig_digest(k->sig_alg);
    uint8_t digest[HV_DIGEST_MAX_SIZE];
    hv_hash_ctx ctx;
    if (dalg == 0 || sig_len != hv_sig_size(k->sig_alg) ||
        c->hash_init(&ctx, dalg) != 0)
        return false;
    c->hash_update(&ctx, img->tbs, img->tbs_len);
    c->hash_final(&ctx, digest);
    return c->verify(k->sig_alg, k->pub, k->pub_len, digest,
                     hv_digest_size(dalg), slot + HV_SIG_OFF_SIG,
                     sig_len) == 1;
}

int hv_image_check_slots(const hv_image_file *img, const hv_pubkey *keys,
                         size_t key_count, hv_slot_report *rep,
                         hv_diag *diag)
{
    memset(rep, 0, sizeof *rep);
    for (uint32_t i = 0; i < img->filled; i++) {
        const uint8_t *slot = img->block + (size_t)i * HV_SIG_SLOT_SIZE;
        uint64_t off = img->tbs_len + (uint64_t)i * HV_SIG_SLOT_SIZE;
        uint32_t sig_len = hv_le32(slot + HV_SIG_OFF_SIG_LEN);
        char hex[65];
        hv_key_id_hex(slot + HV_SIG_OFF_KEY_ID, hex);
        if (!any_sig_size(sig_len))
            return hv_fail(diag, HV_FAIL_REJECTED,
                           "%s: byte offset %llu: signature slot %u (key "
                           "%s) holds %u bytes, which is no algorithm's "
                           "signature size: the image can never verify",
                           img->path, (unsigned long long)off, i, hex,
                           sig_len);
        const hv_pubkey *k = key_for(keys, key_count,
                                     slot + HV_SIG_OFF_KEY_ID);
        if (!k) {
            rep->unchecked |= 1u << i;
            continue;
        }
        if (!slot_verifies(img, k, slot, sig_len))
            return hv_fail(diag, HV_FAIL_REJECTED,
                           "%s: byte offset %llu: signature slot %u does "
                           "not verify with key %s: the image can never "
                           "verify", img->path, (unsigned long long)off, i,
                           hex);
        rep->verified |= 1u << i;
    }
    return 0;
}
