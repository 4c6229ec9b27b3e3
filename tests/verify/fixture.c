#define _XOPEN_SOURCE 700
#include "fixture.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builder.h"
#include "plan.h"

static int write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    fputs(text, fp);
    return fclose(fp);
}

int fixture_build(fixture *f, uint32_t alg, uint32_t align, size_t core_size)
{
    return fixture_build_format(f, alg, align, core_size, 0);
}

int fixture_build_format(fixture *f, uint32_t alg, uint32_t align,
                         size_t core_size, uint32_t format_version)
{
    char path[400], text[2048];
    hv_diag diag;
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/hvtest-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->board = "test-board-2";
    f->security_version = 7;

    snprintf(path, sizeof path, "%s/core.bin", f->dir);
    FILE *fp = fopen(path, "wb");
    uint32_t x = 1;
    for (size_t i = 0; i < core_size; i++) {
        x = x * 1103515245u + 12345u;
        fputc((int)((i % 7 == 0) ? 0 : (x >> 16) & 0xff), fp);
    }
    fclose(fp);

    snprintf(path, sizeof path, "%s/manifest.yaml", f->dir);
    snprintf(text, sizeof text,
             "image:\n  name: tamper-test\n  version: 0.0.1\n"
             "  security_version: %llu\n  build_epoch: 1700000000\n"
             "core:\n  path: core.bin\n  format: raw\n"
             "  load_address: 0x200000\n  entry_point: 0x200010\n"
             "boot_config:\n  console: ttyS0\n  mode: test\n",
             (unsigned long long)f->security_version);
    if (write_text(path, text) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/profile.yaml", f->dir);
    snprintf(text, sizeof text,
             "oem_id: test-oem\nboards: [test-board-1, test-board-2]\n"
             "flash:\n  size: 16MiB\n  erase_block: 4KiB\n"
             "  boot_stage: {offset: 0, size: 1MiB}\n"
             "  boot_state: {offset: 1MiB, size: 8KiB}\n"
             "  slot_a: {offset: 2MiB, size: 7MiB}\n"
             "  slot_b: {offset: 9MiB, size: 7MiB}\n"
             "image:\n  section_alignment: %u\n  compression_level: 3\n"
             "  digest: %s\n  signature_slots: 2\n"
             "keys:\n  algorithms: [%s]\n"
             "drivers:\n  allow_vendors: []\n",
             align, alg == HV_SIG_ECDSA_P384_SHA384 ? "sha384" : "sha256",
             hv_sig_alg_name(alg));
    if (write_text(path, text) != 0)
        return -1;

    snprintf(f->key_path, sizeof f->key_path, "%s/key.pem", f->dir);
    snprintf(f->pub_path, sizeof f->pub_path, "%s/key.pub.pem", f->dir);
    if (hv_keygen(alg, f->key_path, f->pub_path, &f->pub, &diag) != 0) {
        fprintf(stderr, "keygen: %s\n", diag.msg);
        return -1;
    }
    memcpy(f->trusted.key_id, f->pub.key_id, HV_KEY_ID_SIZE);
    f->trusted.sig_alg = f->pub.sig_alg;
    f->trusted.pub = f->pub.pub;
    f->trusted.pub_len = f->pub.pub_len;

    hv_signer *s;
    if (hv_signer_load(f->key_path, &s, &diag) != 0) {
        fprintf(stderr, "signer: %s\n", diag.msg);
        return -1;
    }
    char manifest[400], profile[400];
    snprintf(manifest, sizeof manifest, "%s/manifest.yaml", f->dir);
    snprintf(profile, sizeof profile, "%s/profile.yaml", f->dir);
    snprintf(f->image_path, sizeof f->image_path, "%s/image.hvi", f->dir);
    hv_signer *signers[1] = {s};
    hv_build_opts o = {.manifest_path = manifest,
                       .profile_path = profile,
                       .output_path = f->image_path,
                       .signers = signers,
                       .signer_count = 1,
                       .threads = 2,
                       .format_version = format_version};
    hv_build_report rep;
    int rc = hv_build(&o, &rep, &diag);
    hv_signer_free(s);
    if (rc != 0) {
        fprintf(stderr, "build: %s\n", diag.msg);
        return -1;
    }
    fp = fopen(f->image_path, "rb");
    fseek(fp, 0, SEEK_END);
    f->image_len = (size_t)ftell(fp);
    rewind(fp);
    f->image = malloc(f->image_len);
    if (fread(f->image, 1, f->image_len, fp) != f->image_len)
        return -1;
    fclose(fp);
    return 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

void fixture_free(fixture *f)
{
    free(f->image);
    if (f->dir[0])
        nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    memset(f, 0, sizeof *f);
}

static int mem_read(void *user, uint64_t off, void *dst, size_t len)
{
    mem_platform *p = user;
    if (off > p->len || len > p->len - off)
        return -1;
    memcpy(dst, p->image + off, len);
    for (size_t i = 0; i < len; i++)
        if (p->reads[off + i] < 255)
            p->reads[off + i]++;
    return 0;
}

static int mem_rollback(void *user, uint64_t *c)
{
    *c = ((mem_platform *)user)->rollback;
    return 0;
}

static int mem_board(void *user, char id[HV_BOARD_ID_SIZE])
{
    memcpy(id, ((mem_platform *)user)->board, HV_BOARD_ID_SIZE);
    return 0;
}

static int mem_memory(void *user, const hv_section *s, uint8_t **stored,
                      uint8_t **unpacked)
{
    mem_platform *p = user;
    if (s->stored_size > (1u << 26) || s->unpacked_size > (1u << 26))
        return -1;
    *stored = p->bufs[p->nbufs++] = malloc((size_t)s->stored_size + 1);
    *unpacked = p->bufs[p->nbufs++] = malloc((size_t)s->unpacked_size + 1);
    return 0;
}

void mem_platform_init(mem_platform *p, const uint8_t *image, size_t len,
                       const char *board, uint64_t rollback)
{
    memset(p, 0, sizeof *p);
    p->image = image;
    p->len = len;
    p->reads = calloc(len + 1, 1);
    size_t n = strlen(board);
    memcpy(p->board, board, n < sizeof p->board ? n : sizeof p->board);
    p->rollback = rollback;
}

void mem_platform_free(mem_platform *p)
{
    for (size_t i = 0; i < p->nbufs; i++)
        free(p->bufs[i]);
    free(p->reads);
    memset(p, 0, sizeof *p);
}

hv_ops mem_platform_ops(mem_platform *p)
{
    hv_ops ops = {p, mem_read, mem_rollback, mem_board, mem_memory};
    return ops;
}

hv_result verify_mem(const uint8_t *image, size_t len, size_t region,
                     const hv_trusted_key *keys, size_t nkeys,
                     const char *board, uint64_t rollback, hv_verdict *v)
{
    static hv_workspace ws;
    mem_platform p;
    mem_platform_init(&p, image, len, board, rollback);
    hv_ops ops = mem_platform_ops(&p);
    hv_policy pol = {.keys = keys, .key_count = nkeys, .min_signatures = 1,
                     .oem_id = NULL, .region_size = region, .exact_size = 1};
    hv_result r = hv_verify(&ops, &hv_crypto_bearssl, &pol, &ws, v);
    mem_platform_free(&p);
    return r;
}
