#include "builder.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acceptance.h"
#include "atomic_file.h"
#include "build_inputs.h"
#include "drivers.h"
#include "encode.h"
#include "file_digest.h"
#include "host_limits.h"
#include "hvlinux.h"
#include "hvpolicy.h"
#include "output_check.h"
#include "plan.h"
#include "sbom.h"
#include "section_spool.h"
#include "section_writer.h"
#include "source.h"
#include "trust_bundle.h"

_Static_assert(HV_MAX_MANIFEST_CMDLINE ==
                   HV_LINUX_CMDLINE_MAX - HV_LINUX_CMDLINE_STAGE_RESERVE,
               "the manifest's cmdline limit is the stage's");

int hv_build_epoch(bool has_manifest_epoch, uint64_t manifest_epoch,
                   uint64_t *epoch, hv_diag *diag)
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    if (env && *env) {
        uint64_t v = 0;
        for (const char *p = env; *p; p++) {
            if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
                return hv_diag_set(diag, "SOURCE_DATE_EPOCH='%s' is not a "
                                   "decimal number of seconds", env);
            v = v * 10 + (uint64_t)(*p - '0');
        }
        *epoch = v;
        return 0;
    }
    *epoch = has_manifest_epoch ? manifest_epoch : 0;
    return 0;
}

/* Everything one build holds, released in one place. */
typedef struct build {
    hv_manifest manifest;
    hv_profile profile;
    char *bootcfg;
    size_t bootcfg_len;
    /* Sources of the sections after the core, opened before it is
     * compressed; the spool's thread or the serial loop consumes them. */
    hv_source later[HV_MAX_SECTIONS];
    bool later_compress[HV_MAX_SECTIONS];
    hv_spool spool; /* later sections compressed beside the core */
    /* Version 2: chunk table entries of each section, in image order. */
    uint64_t table_entries[HV_MAX_SECTIONS];
    /* What the SBOM section records (sbom.h), gathered as the sources
     * open; the document itself is generated last of them. */
    const char *core_format;
    hv_sbom_driver sbom_drivers[HV_MAX_DRIVER_PACKAGES];
    char signer_hex[HV_MAX_DRIVER_PACKAGES][2 * HV_KEY_ID_SIZE + 1];
    char countersigner_hex[HV_MAX_DRIVER_PACKAGES][2 * HV_KEY_ID_SIZE + 1];
    hv_drivers_listing listing;
    char *sbom;
    size_t sbom_len;
    uint32_t sbom_index; /* of the SBOM among the later sections */
    bool has_sbom;
    /* The input files the SBOM names by digest (core, extras) are hashed
     * by a thread of their own while the core is compressed, so the build
     * reads them beside zstd instead of in a pass before it. */
    pthread_t digest_thread;
    bool digest_running;
    int digest_rc;
    hv_diag digest_diag;
    hv_atomic_file out;
    uint8_t tbs[HV_TBS_MAX_SIZE];
    uint8_t block[HV_MAX_SIG_BLOCK_SIZE];
    /* Each driver package's admission, in manifest (vendor) order: the
     * report's (hv_build_report.trust), which the SBOM reads. */
    const hv_package_trust *trust;
    /* Where the input digests go (hv_build_report.core_sha256 ...). */
    hv_build_report *rep;
    /* A Linux core: its setup header as hv_linux_parse read it, where the
     * stage puts it, and the drivers' folder in the initramfs. */
    bool is_linux;
    hv_linux_kernel kernel;
    uint64_t linux_load, linux_entry;
    char modules_prefix[96];
    /* The base initramfs: a folder's entries (its normalised archive's
     * digest is hashed when it is written), or a file's digest, hashed by
     * the digest thread. */
    bool initramfs_folder;
    hv_drivers_listing initramfs_listing;
    uint8_t initramfs_sha256[HV_SHA256_SIZE];
    /* The trust block embedded after the signature block, if any. */
    hv_bundle bundle;
} build;

static void join_digests(build *b)
{
    if (b->digest_running) {
        pthread_join(b->digest_thread, NULL);
        b->digest_running = false;
    }
}

static void build_free(build *b)
{
    hv_spool_free(&b->spool); /* first: its thread may use the rest */
    join_digests(b);
    hv_manifest_free(&b->manifest);
    hv_profile_free(&b->profile);
    free(b->bootcfg);
    hv_drivers_listing_free(&b->listing);
    hv_drivers_listing_free(&b->initramfs_listing);
    free(b->sbom);
    hv_bundle_free(&b->bundle);
    for (size_t i = 0; i < HV_MAX_SECTIONS; i++)
        hv_source_close(&b->later[i]);
    hv_atomic_abort(&b->out);
    free(b);
}

/* The profile decides which vendors may ship drivers on this OEM's boards,
 * and how far each package must be vouched for (acceptance.h): each
 * package's level, digest and signers are kept for the report. A refused
 * package is bad input to the build (exit 2), not a rejected image. */
static int check_vendors(build *b, hv_build_report *rep, hv_diag *diag)
{
    hv_trust_keys keys;
    int rc = 0;

    for (size_t i = 0; i < b->manifest.driver_count; i++) {
        const hv_driver_pkg *d = &b->manifest.drivers[i];
        bool ok = false;
        for (size_t j = 0; j < b->profile.allow_vendor_count; j++)
            ok |= strcmp(b->profile.allow_vendors[j], d->vendor) == 0;
        if (!ok)
            return hv_diag_set(diag, "%s:%u:%u: error: vendor '%s' is not "
                               "admitted by profile %s (drivers.allow_vendors)",
                               d->origin.file, d->origin.line,
                               d->origin.column, d->vendor, b->profile.file);
    }
    if (b->manifest.driver_count == 0)
        return 0;
    if (hv_trust_keys_load(&b->profile, &keys, diag) != 0)
        return -1;
    for (size_t i = 0; rc == 0 && i < b->manifest.driver_count; i++) {
        rc = hv_package_admit_with(&b->profile, &keys, &b->manifest.drivers[i],
                                   &rep->trust[i], diag);
        if (rc != 0 && diag->cls == HV_FAIL_REJECTED)
            diag->cls = HV_FAIL_INPUT;
    }
    hv_trust_keys_free(&keys);
    if (rc != 0)
        return -1;
    rep->trust_count = b->manifest.driver_count;
    return 0;
}

int hv_profile_accepts_key(const hv_profile *p, const hv_pubkey *k,
                           hv_diag *diag)
{
    char hex[65];
    bool alg_ok = false, id_ok = p->accept_key_id_count == 0;
    hv_key_id_hex(k->key_id, hex);
    for (size_t j = 0; j < p->accept_alg_count; j++)
        alg_ok |= p->accept_algs[j] == k->sig_alg;
    for (size_t j = 0; j < p->accept_key_id_count; j++)
        id_ok |= memcmp(p->accept_key_ids[j], k->key_id, HV_KEY_ID_SIZE) == 0;
    if (!alg_ok)
        return hv_diag_set(diag, "key %s uses %s, which profile %s does not "
                           "accept (keys.algorithms)", hex,
                           hv_sig_alg_name(k->sig_alg), p->file);
    if (!id_ok)
        return hv_diag_set(diag, "key %s is not listed in profile %s "
                           "(keys.key_ids)", hex, p->file);
    return 0;
}

static int check_signers(const build *b, const hv_build_opts *o,
                         hv_diag *diag)
{
    if (o->signer_count == 0 && !o->allow_unsigned)
        return hv_diag_set(diag, "no signing key given: pass --key, or "
                           "--unsigned for the detached signing flow");
    if (o->signer_count > b->profile.signature_slots)
        return hv_diag_set(diag, "%zu keys given but profile %s has %u "
                           "signature slots", o->signer_count,
                           b->profile.file, b->profile.signature_slots);
    for (size_t i = 0; i < o->signer_count; i++)
        if (hv_profile_accepts_key(&b->profile,
                                   hv_signer_pubkey(o->signers[i]), diag) != 0)
            return -1;
    return 0;
}

/* The output must not be one of the files the manifest names, nor lie
 * inside a package folder (build_inputs.h): the build would read what it
 * is replacing. The CLI checked the manifest, profile and keys before
 * loading anything. */
static int check_output_is_no_input(const build *b, const hv_build_opts *o,
                                    hv_diag *diag)
{
    char clash[PATH_MAX];
    if (hv_build_input_clash(&b->manifest, o->output_path, clash))
        return hv_diag_set(diag, "--output %s: is (or is inside) the input "
                           "%s named by %s; refusing to overwrite an input",
                           o->output_path, clash, b->manifest.file);
    return 0;
}

/* "key=value\n" per entry, in key order: the canonical boot configuration. */
static int make_bootcfg(build *b, hv_diag *diag)
{
    size_t len = 0;
    for (size_t i = 0; i < b->manifest.boot_config_count; i++)
        len += strlen(b->manifest.boot_config[i].key) +
               strlen(b->manifest.boot_config[i].value) + 2;
    b->bootcfg = malloc(len + 1);
    if (!b->bootcfg)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    char *p = b->bootcfg;
    for (size_t i = 0; i < b->manifest.boot_config_count; i++)
        p += sprintf(p, "%s=%s\n", b->manifest.boot_config[i].key,
                     b->manifest.boot_config[i].value);
    b->bootcfg_len = len;
    return 0;
}

/* The setup code a bzImage may have: 255 sectors after the boot sector,
 * all that hv_linux_parse reads besides the file's length. */
#define LINUX_SETUP_MAX (256u * 512u)

/*
 * A Linux core (docs/MANIFEST.md "core"): the checks the stage makes on
 * the verified bytes (hvlinux.h), made here first so that an image the
 * stage would refuse is never signed: the setup header, the placement in
 * the stage's core window, the command line against the kernel's own
 * limit, and a release to put the drivers under. Refusals are bad input.
 */
static int check_linux(build *b, const hv_image_info *info, hv_diag *diag)
{
    const hv_manifest *m = &b->manifest;
    const char *path = m->core_path;
    uint8_t *head = malloc(LINUX_SETUP_MAX);
    FILE *fp = fopen(path, "rb");
    struct stat st;
    int rc = -1;

    if (!head) {
        if (fp)
            fclose(fp);
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    }
    if (!fp || fstat(fileno(fp), &st) != 0) {
        hv_fail_errno(diag, errno, path, "cannot read the core");
        goto out;
    }
    size_t got = fread(head, 1, LINUX_SETUP_MAX, fp);
    if (ferror(fp)) {
        hv_fail_errno(diag, errno ? errno : EIO, path, "read failed");
        goto out;
    }
    /* The length is the file's; the checks read only the first bytes,
     * never past min(setup size, file). */
    uint64_t len = (uint64_t)st.st_size;
    if (got < LINUX_SETUP_MAX && got != len) {
        hv_diag_set(diag, "%s: changed while it was read", path);
        goto out;
    }
    hv_linux_refusal r = hv_linux_parse(head, len, &b->kernel);
    if (r != HV_LINUX_OK) {
        hv_diag_set(diag, "%s: not a bzImage the boot stage can start: %s "
                    "[%s]", path, hv_linux_refusal_str(r),
                    hv_linux_refusal_name(r));
        goto out;
    }
    if (len > HV_MAX_UNPACKED_SIZE ||
        hv_linux_placement(&b->kernel, HV_STAGE_CORE_WINDOW_BASE,
                           HV_STAGE_CORE_WINDOW_LIMIT, &b->linux_load,
                           &b->linux_entry) != 0) {
        hv_diag_set(diag, "%s: the kernel (%llu bytes, %llu after its "
                    "setup, on a 0x%x boundary) does not fit the boot "
                    "stage's core window [0x%x, 0x%x)", path,
                    (unsigned long long)len,
                    (unsigned long long)b->kernel.kernel_size,
                    (unsigned)b->kernel.kernel_alignment,
                    (unsigned)HV_STAGE_CORE_WINDOW_BASE,
                    (unsigned)HV_STAGE_CORE_WINDOW_LIMIT);
        goto out;
    }
    /* The kernel's cmdline_size, at most the format's, less the stage's
     * share: what the signed line may use. */
    uint64_t limit = b->kernel.cmdline_size < HV_LINUX_CMDLINE_MAX
                         ? b->kernel.cmdline_size
                         : HV_LINUX_CMDLINE_MAX;
    uint64_t max = limit > HV_LINUX_CMDLINE_STAGE_RESERVE
                       ? limit - HV_LINUX_CMDLINE_STAGE_RESERVE
                       : 0;
    uint64_t bad = 0;
    if (hv_linux_cmdline_check((const uint8_t *)m->cmdline, m->cmdline_len,
                               max, &bad) != 0) {
        if (bad >= m->cmdline_len)
            hv_diag_set(diag, "%s:%u:%u: error: 'cmdline' is %zu bytes; "
                        "kernel %s takes %llu (its cmdline_size %u less "
                        "the stage's %u)", m->cmdline_origin.file,
                        m->cmdline_origin.line, m->cmdline_origin.column,
                        m->cmdline_len, path, (unsigned long long)max,
                        (unsigned)b->kernel.cmdline_size,
                        (unsigned)HV_LINUX_CMDLINE_STAGE_RESERVE);
        else
            hv_diag_set(diag, "%s:%u:%u: error: 'cmdline' byte %llu is "
                        "0x%02x: only printable ASCII reaches the kernel",
                        m->cmdline_origin.file, m->cmdline_origin.line,
                        m->cmdline_origin.column, (unsigned long long)bad,
                        (unsigned char)m->cmdline[bad]);
        goto out;
    }
    if (m->driver_count > 0) {
        /* Modules are found under the running kernel's release. */
        if (b->kernel.release[0] == '\0') {
            hv_diag_set(diag, "%s: the kernel names no release (its "
                        "kernel_version string), so its drivers have no "
                        "lib/modules/RELEASE folder to go to", path);
            goto out;
        }
        snprintf(b->modules_prefix, sizeof b->modules_prefix,
                 "lib/modules/%s/updates/hvimage", b->kernel.release);
    }
    if (info->header.format_version != HV_FORMAT_VERSION_2) {
        hv_diag_set(diag, "%s:%u:%u: error: a Linux core needs format "
                    "version 2 (version 1 stages start monitors only)",
                    m->core_origin.file, m->core_origin.line,
                    m->core_origin.column);
        goto out;
    }
    rc = 0;
out:
    if (fp)
        fclose(fp);
    free(head);
    return rc;
}

static int open_core(build *b, hv_source *src, hv_section *s,
                     hv_diag *diag)
{
    const hv_manifest *m = &b->manifest;
    hv_core_format fmt = m->core_format;
    /* Defined on every path, failures included, as hv_source_open_* do. */
    memset(src, 0, sizeof *src);
    if (b->is_linux) {
        /* The whole file, where check_linux placed it. */
        b->core_format = "bzimage";
        if (hv_source_open_file(src, m->core_path, diag) != 0)
            return -1;
        s->load_address = b->linux_load;
        s->entry_point = b->linux_entry;
        s->unpacked_size = src->size;
        return 0;
    }
    if (fmt == HV_CORE_AUTO) {
        int elf = hv_file_is_elf(m->core_path, diag);
        if (elf < 0)
            return -1;
        fmt = elf ? HV_CORE_ELF : HV_CORE_RAW;
    }
    b->core_format = fmt == HV_CORE_ELF ? "elf" : "raw";
    if (fmt == HV_CORE_ELF) {
        if (hv_source_open_elf(src, m->core_path, diag) != 0)
            return -1;
        s->load_address = src->base;
        s->entry_point = src->entry;
        s->unpacked_size = src->size; /* for the SBOM; set again once */
        return 0;                     /* the section is written         */
    }
    if (!m->has_load_address || !m->has_entry_point)
        return hv_diag_set(diag, "%s:%u:%u: error: core '%s' is not ELF, so "
                           "'load_address' and 'entry_point' are required",
                           m->core_origin.file, m->core_origin.line,
                           m->core_origin.column, m->core_path);
    if (hv_source_open_file(src, m->core_path, diag) != 0)
        return -1;
    s->load_address = m->load_address;
    s->entry_point = m->entry_point;
    s->unpacked_size = src->size;
    if (src->size == 0 || s->entry_point < s->load_address ||
        s->entry_point - s->load_address >= src->size ||
        s->load_address > UINT64_MAX - src->size) {
        hv_source_close(src);
        return hv_diag_set(diag, "%s:%u:%u: error: entry point 0x%llx is not "
                           "inside the core's %llu bytes loaded at 0x%llx",
                           m->core_origin.file, m->core_origin.line,
                           m->core_origin.column,
                           (unsigned long long)m->entry_point,
                           (unsigned long long)src->size,
                           (unsigned long long)m->load_address);
    }
    return 0;
}

static int pad_to(FILE *fp, uint64_t from, uint64_t to, const char *name,
                  hv_diag *diag)
{
    static const uint8_t zeros[4096];
    while (from < to) {
        size_t n = to - from > sizeof zeros ? sizeof zeros : (size_t)(to - from);
        if (fwrite(zeros, 1, n, fp) != n)
            return hv_fail_errno(diag, errno ? errno : EIO, name,
                                 "write failed");
        from += n;
    }
    return 0;
}

/* Where the next section starts: |pos| rounded up to the alignment. */
static uint64_t aligned(const hv_image_info *info, uint64_t pos)
{
    return (pos + info->section_align - 1) &
           ~(uint64_t)(info->section_align - 1);
}

/* Record a written section in the metadata and advance |*pos| past it. */
static int place_section(hv_image_info *info, uint32_t idx, bool compress,
                         uint64_t at, const hv_section_result *r,
                         uint64_t *pos, hv_diag *diag)
{
    hv_section *s = &info->sections[idx];
    s->compression = compress ? HV_COMPRESSION_ZSTD : HV_COMPRESSION_NONE;
    s->offset = at;
    s->table_size = r->table_len;
    s->data_offset = at + r->table_len;
    s->stored_size = r->stored_size;
    s->unpacked_size = r->unpacked_size;
    memcpy(s->digest, r->digest, sizeof s->digest);
    *pos = s->data_offset + r->stored_size;
    if (*pos > HV_MAX_IMAGE_SIZE)
        return hv_diag_set(diag, "image exceeds the format's %llu bytes",
                           (unsigned long long)HV_MAX_IMAGE_SIZE);
    return 0;
}

/* Version 2: put a section's chunk table at |at|, where zeros held its
 * place while the section streamed, and come back to the end. */
static int write_table(FILE *fp, uint64_t at, const hv_section_result *r,
                       const char *name, hv_diag *diag)
{
    if (!r->table)
        return 0;
    off_t end = ftello(fp);
    if (end < 0 || fseeko(fp, (off_t)at, SEEK_SET) != 0 ||
        fwrite(r->table, 1, r->table_len, fp) != r->table_len ||
        fseeko(fp, end, SEEK_SET) != 0)
        return hv_fail_errno(diag, errno ? errno : EIO, name, "write failed");
    return 0;
}

/* One section: pad to its aligned offset, reserve its chunk table, stream
 * it, fill the table in, record the result. */
static int emit_section(build *b, const hv_build_opts *o, hv_image_info *info,
                        uint32_t idx, hv_source *src, bool compress,
                        int threads, uint64_t *pos, hv_diag *diag)
{
    uint64_t at = aligned(info, *pos);
    uint64_t table_len =
        b->table_entries[idx] * hv_digest_size(info->digest_alg);
    if (pad_to(b->out.fp, *pos, at + table_len, o->output_path, diag) != 0) {
        hv_source_close(src);
        return -1;
    }
    hv_section_params p = {compress, b->profile.compression_level, threads,
                           info->digest_alg, info->chunk_log2,
                           b->table_entries[idx], true, o->output_path,
                           o->progress};
    hv_section_result r;
    int rc = hv_write_section(b->out.fp, src, &p, &r, diag);
    hv_source_close(src);
    if (rc == 0)
        rc = write_table(b->out.fp, at, &r, o->output_path, diag);
    if (rc == 0)
        rc = place_section(info, idx, compress, at, &r, pos, diag);
    free(r.table);
    return rc;
}

/*
 * Version 2: the chunk size, from the sections' sizes known before any is
 * compressed: 1 MiB, or the smallest power of two above it whose chunk
 * tables all fit the verifier's table buffer (HV_MAX_CHUNK_TABLE_SIZE).
 * 1 MiB keeps a streaming reader's chunk buffer small and the tables a
 * fraction of a percent of the image.
 */
static int choose_chunks(build *b, hv_image_info *info, const uint64_t *size,
                         const bool *compress, hv_diag *diag)
{
    size_t dsize = hv_digest_size(info->digest_alg);
    for (uint32_t log2 = 20; log2 <= HV_MAX_CHUNK_LOG2; log2++) {
        bool fits = true;
        for (uint32_t i = 0; i < info->section_count; i++) {
            uint32_t comp = compress[i] ? HV_COMPRESSION_ZSTD
                                        : HV_COMPRESSION_NONE;
            if (size[i] > HV_MAX_UNPACKED_SIZE)
                return hv_diag_set(diag, "section '%s' has %llu bytes, more "
                                   "than the format's %llu",
                                   info->sections[i].name,
                                   (unsigned long long)size[i],
                                   (unsigned long long)HV_MAX_UNPACKED_SIZE);
            b->table_entries[i] = hv_chunk_entries(comp, size[i], log2);
            fits &= b->table_entries[i] * dsize <= HV_MAX_CHUNK_TABLE_SIZE;
        }
        if (fits) {
            info->chunk_log2 = log2;
            return 0;
        }
    }
    return hv_fail(diag, HV_FAIL_INTERNAL, "internal error: no chunk size "
                   "fits the sections' chunk tables");
}

static hv_section *add_section(hv_image_info *info, uint32_t type,
                               const char *name)
{
    hv_section *s = &info->sections[info->section_count++];
    memset(s, 0, sizeof *s);
    s->type = type;
    snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

/* Version 1 images carry no SBOM: their stages predate the section type
 * and refuse it (docs/FORMAT.md). */
static bool has_sbom(const hv_image_info *info)
{
    return info->header.format_version >= HV_FORMAT_VERSION_2;
}

/* The sections after the core, in image order (by type): boot
 * configuration, drivers, extras, SBOM, then a Linux core's command line
 * and base initramfs. Their entries are added before any is written. */
static void add_later_sections(const build *b, hv_image_info *info)
{
    const hv_manifest *m = &b->manifest;
    if (m->boot_config_count > 0)
        add_section(info, HV_SECTION_BOOTCFG, HV_SECTION_NAME_BOOTCFG);
    if (m->driver_count > 0)
        add_section(info, HV_SECTION_DRIVERS, HV_SECTION_NAME_DRIVERS);
    for (size_t i = 0; i < m->extra_count; i++)
        add_section(info, HV_SECTION_EXTRA, m->extras[i].name);
    if (has_sbom(info))
        add_section(info, HV_SECTION_SBOM, HV_SECTION_NAME_SBOM);
    if (b->is_linux)
        add_section(info, HV_SECTION_CMDLINE, HV_SECTION_NAME_CMDLINE);
    if (b->is_linux && m->initramfs_path)
        add_section(info, HV_SECTION_INITRAMFS, HV_SECTION_NAME_INITRAMFS);
}

/* The digest thread: core, then extras, each file read once. */
static void *digest_inputs(void *arg)
{
    build *b = arg;
    const hv_manifest *m = &b->manifest;
    b->digest_rc = hv_file_sha256(m->core_path, b->rep->core_sha256, NULL,
                                  &b->digest_diag);
    for (size_t i = 0; b->digest_rc == 0 && i < m->extra_count; i++)
        b->digest_rc = hv_file_sha256(m->extras[i].path,
                                      b->rep->extra_sha256[i], NULL,
                                      &b->digest_diag);
    if (b->digest_rc == 0 && m->initramfs_path && !b->initramfs_folder)
        b->digest_rc = hv_file_sha256(m->initramfs_path,
                                      b->initramfs_sha256, NULL,
                                      &b->digest_diag);
    return NULL;
}

static int start_digests(build *b, hv_diag *diag)
{
    int err = pthread_create(&b->digest_thread, NULL, digest_inputs, b);
    if (err != 0)
        return hv_fail(diag, HV_FAIL_INTERNAL, "cannot start a thread: %s",
                       strerror(err));
    b->digest_running = true;
    return 0;
}

/*
 * The SBOM section's document (sbom.h), from what the other sources
 * recorded: the drivers archive's entries and their digests, and the input
 * files' digests. Its length does not depend on the digests' values (each
 * is 64 hex digits), so it is made twice: first with the input digests
 * zero, before the core is compressed, which fixes the section's size and
 * chunk table; then, once the core is written and the digest thread is
 * done, with the real ones, into the same bytes.
 */
static int make_sbom(build *b, const hv_image_info *info, hv_diag *diag)
{
    static const uint8_t zero[HV_MAX_EXTRA_SECTIONS][HV_SHA256_SIZE];
    const hv_manifest *m = &b->manifest;
    /* The first time the digest thread is still writing the digests: they
     * are not read until it was joined (input_digests). */
    bool final = b->rep->input_digests;
    /* Each package as admission found it (acceptance.h): its digest (a
     * folder's is that of its normalised archive, what vendors sign),
     * level, signers and declared licence. */
    for (size_t i = 0; i < m->driver_count; i++) {
        const hv_package_trust *t = &b->trust[i];
        hv_sbom_driver *d = &b->sbom_drivers[i];
        d->pkg = &m->drivers[i];
        memcpy(d->package_sha256, t->sha256, HV_SHA256_SIZE);
        d->acceptance = hv_acceptance_name(t->level);
        hv_key_id_hex(t->signer_key_id, b->signer_hex[i]);
        hv_key_id_hex(t->countersigner_key_id, b->countersigner_hex[i]);
        d->signer = t->has_signer ? b->signer_hex[i] : NULL;
        d->countersigner = t->has_countersigner ? b->countersigner_hex[i]
                                                : NULL;
        d->license = t->license[0] ? t->license : NULL;
    }
    hv_sbom_input in = {
        .info = info,
        .core = &info->sections[0],
        .core_path = m->core_path,
        .core_format = b->core_format,
        .boot_config = m->boot_config,
        .boot_config_count = m->boot_config_count,
        .drivers = b->sbom_drivers,
        .driver_count = m->driver_count,
        .listing = &b->listing,
        .extras = m->extras,
        .extra_sha256 = final ? (const uint8_t(*)[HV_SHA256_SIZE])
                                    b->rep->extra_sha256
                              : zero,
        .extra_count = m->extra_count,
        .listing_prefix = b->is_linux ? b->modules_prefix : NULL,
        .kernel = b->is_linux ? &b->kernel : NULL,
        .cmdline = b->is_linux ? m->cmdline : NULL,
        .initramfs_path = b->is_linux ? m->initramfs_path : NULL,
        .initramfs_listing = b->initramfs_folder ? &b->initramfs_listing
                                                 : NULL,
    };
    memcpy(in.core_sha256, final ? b->rep->core_sha256 : zero[0],
           HV_SHA256_SIZE);
    /* A folder's archive digest is known once written; a file's comes
     * from the digest thread. */
    memcpy(in.initramfs_sha256,
           final || b->initramfs_folder ? b->initramfs_sha256 : zero[0],
           HV_SHA256_SIZE);
    char *doc;
    size_t len;
    if (hv_sbom_generate(&in, &doc, &len, diag) != 0)
        return -1;
    if (!final) {
        b->sbom = doc;
        b->sbom_len = len;
        return 0;
    }
    /* The second time: the same length, into the bytes the section's
     * source reads. */
    int rc = 0;
    if (len != b->sbom_len)
        rc = hv_fail(diag, HV_FAIL_INTERNAL, "internal error: the SBOM "
                     "changed length with its digests");
    else
        memcpy(b->sbom, doc, len);
    free(doc);
    return rc;
}

/* The SBOM with the real input digests, just before it is written. */
static int finish_sbom(build *b, const hv_image_info *info, hv_diag *diag)
{
    join_digests(b);
    if (b->digest_rc != 0) {
        *diag = b->digest_diag;
        return -1;
    }
    b->rep->input_digests = true;
    if (b->manifest.initramfs_path) {
        b->rep->has_initramfs = true;
        memcpy(b->rep->initramfs_sha256, b->initramfs_sha256,
               sizeof b->rep->initramfs_sha256);
    }
    return make_sbom(b, info, diag);
}

/*
 * Open the sources of every section after the core (section i + 1 is
 * b->later[i]) before the core is compressed: a missing file or a bad
 * driver package is reported at once, not after minutes of zstd. Returns
 * 0 or -1.
 */
static int open_initramfs(build *b, hv_source *src, hv_diag *diag)
{
    const hv_manifest *m = &b->manifest;
    const char *path = m->initramfs_path;
    struct stat st;
    if (stat(path, &st) != 0)
        return hv_fail_errno(diag, errno, path, "cannot read the initramfs");
    b->initramfs_folder = S_ISDIR(st.st_mode);
    if (!b->initramfs_folder) {
        /* Taken as it is: the kernel knows its compression. */
        if (st.st_size == 0 || (uint64_t)st.st_size > HV_MAX_INITRAMFS_FILE)
            return hv_diag_set(diag, "%s:%u:%u: error: initramfs %s is %llu "
                               "bytes; it must be 1 to %llu",
                               m->initramfs_origin.file,
                               m->initramfs_origin.line,
                               m->initramfs_origin.column, path,
                               (unsigned long long)st.st_size,
                               (unsigned long long)HV_MAX_INITRAMFS_FILE);
        return hv_source_open_file(src, path, diag);
    }
    hv_drivers_result dr;
    FILE *cpio = tmpfile();
    if (!cpio)
        return hv_fail_errno(diag, errno, "the initramfs archive",
                             "cannot create a temporary file");
    if (hv_initramfs_normalise(path, b->rep->info.build_epoch, cpio, &dr,
                               &b->initramfs_listing, diag) != 0 ||
        fseeko(cpio, 0, SEEK_SET) != 0 ||
        hv_stream_sha256(cpio, "the initramfs archive", b->initramfs_sha256,
                         NULL, diag) != 0) {
        fclose(cpio);
        return -1;
    }
    /* The source owns |cpio| from here, even if this fails. */
    return hv_source_open_stream(src, "initramfs archive", cpio, diag);
}

static int open_later_sources(build *b, hv_image_info *info,
                              hv_build_report *rep, hv_diag *diag)
{
    const hv_manifest *m = &b->manifest;
    size_t extra = 0;
    /* The SBOM lists what the others found (the archives' entries), so it
     * is made after them, whatever its place. */
    for (uint32_t i = 0; i + 1 < info->section_count; i++) {
        hv_source *src = &b->later[i];
        b->later_compress[i] = true;
        switch (info->sections[i + 1].type) {
        case HV_SECTION_BOOTCFG:
            hv_source_open_mem(src, "boot_config",
                               (const uint8_t *)b->bootcfg, b->bootcfg_len);
            break;
        case HV_SECTION_DRIVERS: {
            hv_drivers_result dr;
            FILE *tar = tmpfile();
            if (!tar) {
                return hv_fail_errno(diag, errno, "the drivers archive",
                                     "cannot create a temporary file");
            }
            /* A Linux core's drivers reach the kernel as part of its
             * initrd: newc cpio under lib/modules/RELEASE. */
            if ((b->is_linux
                     ? hv_drivers_normalise_newc(
                           m->drivers, m->driver_count, info->build_epoch,
                           b->modules_prefix, tar, &dr, &b->listing, diag)
                     : hv_drivers_normalise_listed(
                           m->drivers, m->driver_count, info->build_epoch,
                           tar, &dr, &b->listing, diag)) != 0) {
                fclose(tar);
                return -1;
            }
            /* The source owns |tar| from here, even if this fails. */
            if (hv_source_open_stream(src, "drivers archive", tar, diag) != 0)
                return -1;
            rep->driver_entries = dr.entries;
            rep->driver_packages = (uint32_t)m->driver_count;
            break;
        }
        case HV_SECTION_SBOM:
            b->sbom_index = i;
            b->has_sbom = true;
            break;
        case HV_SECTION_CMDLINE:
            /* A few hundred bytes at most: zstd would only add a frame. */
            b->later_compress[i] = false;
            hv_source_open_mem(src, "cmdline", (const uint8_t *)m->cmdline,
                               m->cmdline_len);
            break;
        case HV_SECTION_INITRAMFS:
            if (open_initramfs(b, src, diag) != 0)
                return -1;
            break;
        default: {
            const hv_extra_section *e = &m->extras[extra++];
            b->later_compress[i] = e->compress;
            if (hv_source_open_file(src, e->path, diag) != 0)
                return -1;
            break;
        }
        }
    }
    if (b->has_sbom) {
        /* Not spooled: made again, with the input digests, after the
         * core (finish_sbom). */
        if (start_digests(b, diag) != 0 || make_sbom(b, info, diag) != 0)
            return -1;
        hv_source_open_mem(&b->later[b->sbom_index], "SBOM",
                           (const uint8_t *)b->sbom, b->sbom_len);
    }
    return 0;
}

/* The spool's hand-out: the helper thread takes over later source |i|. */
static int take_later(void *ctx, size_t i, hv_source *src, hv_diag *diag)
{
    build *b = ctx;
    (void)diag;
    *src = b->later[i];
    memset(&b->later[i], 0, sizeof b->later[i]);
    return 0;
}

/*
 * The trust block (docs/KEYS.md): --trust-block, else the profile's
 * trust_block. Its structure is checked by the verifier's parser, and every
 * key the build signs with must be a keyring key whose epoch and scope let
 * the profile's devices accept it: refused here rather than signed into an
 * image that no device boots. Its size goes in the signed header, its
 * digest in the signed metadata.
 */
static int load_trust_block(build *b, const hv_build_opts *o,
                            hv_image_info *info, hv_build_report *rep,
                            hv_diag *diag)
{
    const hv_profile *p = &b->profile;
    const char *path = o->trust_block_path ? o->trust_block_path
                                           : p->trust_block;
    if (!path)
        return 0;
    if (info->header.format_version != HV_FORMAT_VERSION_2)
        return hv_diag_set(diag, "%s: a trust block needs format version 2; "
                           "version 1 stages know none", path);
    /* The profile's bundle is no command-line input the CLI could check
     * against --output: refuse to replace what the build reads. */
    if (hv_same_file(path, o->output_path))
        return hv_diag_set(diag, "--output %s: is the trust block %s; "
                           "refusing to overwrite an input", o->output_path,
                           path);
    if (hv_bundle_load(path, &b->bundle, diag) != 0)
        return -1;
    for (size_t i = 0; i < o->signer_count; i++)
        if (hv_bundle_check_signer(path, &b->bundle,
                                   hv_signer_pubkey(o->signers[i]),
                                   p->oem_id, p->boards, p->board_count,
                                   diag) != 0)
            return -1;
    info->header.trust_size = (uint32_t)b->bundle.len;
    rep->trust_roots = b->bundle.root_count;
    rep->trust_first_root = b->bundle.roots[0].version;
    rep->trust_newest_root = b->bundle.roots[b->bundle.root_count - 1].version;
    rep->trust_keyring_version = b->bundle.keyring.version;
    return hv_bundle_digest(&b->bundle, info->digest_alg, info->trust_digest,
                            diag);
}

static int write_sections(build *b, const hv_build_opts *o,
                          hv_image_info *info, hv_build_report *rep,
                          hv_diag *diag)
{
    hv_source src;
    int threads = o->threads < 1 ? 1 : o->threads;
    uint64_t pos = hv_sig_block_end(info->header.metadata_size,
                                    info->header.signature_slots);

    /* The signed header, metadata and signatures are written last; hold
     * their place with zeros so the sections land at final offsets. The
     * trust block follows them (format.h), its bytes final already. */
    if (pad_to(b->out.fp, 0, pos, o->output_path, diag) != 0)
        return -1;
    if (info->header.trust_size) {
        if (fwrite(b->bundle.bytes, 1, b->bundle.len, b->out.fp) !=
            b->bundle.len)
            return hv_fail_errno(diag, errno ? errno : EIO, o->output_path,
                                 "write failed");
        pos += info->header.trust_size;
    }

    hv_section *core = add_section(info, HV_SECTION_CORE,
                                   HV_SECTION_NAME_CORE);
    if (open_core(b, &src, core, diag) != 0)
        return -1;
    add_later_sections(b, info);
    size_t later = info->section_count - 1;
    if (open_later_sources(b, info, rep, diag) != 0) {
        hv_source_close(&src);
        return -1;
    }

    /* A bzImage is stored as it is: it is compressed already (zstd saves
     * under 1% of Debian's), and the stage then reads it straight to its
     * load address instead of copying and unpacking 8 MiB for nothing. */
    bool core_compress = !b->is_linux;
    if (info->header.format_version == HV_FORMAT_VERSION_2) {
        uint64_t size[HV_MAX_SECTIONS] = {0};
        bool compress[HV_MAX_SECTIONS] = {false};
        size[0] = src.size;
        compress[0] = core_compress;
        for (size_t i = 0; i < later; i++) {
            size[i + 1] = b->later[i].size;
            compress[i + 1] = b->later_compress[i];
        }
        if (choose_chunks(b, info, size, compress, diag) != 0) {
            hv_source_close(&src);
            return -1;
        }
    }

    if (o->progress_total) {
        uint64_t total = src.size;
        for (size_t i = 0; i < later; i++)
            total += b->later[i].size;
        o->progress_total(o->progress.ctx, total);
    }

    /* Only compressed sections are spooled (section_spool.h), and not the
     * SBOM, which waits for the input digests (finish_sbom). */
    bool spooled[HV_MAX_SECTIONS];
    bool any_compressed = false;
    for (size_t i = 0; i < later; i++) {
        spooled[i] = b->later_compress[i] &&
                     !(b->has_sbom && i == b->sbom_index);
        any_compressed |= spooled[i];
    }
    rep->overlapped = threads >= 2 && any_compressed &&
                      hv_section_level_is_slow(b->profile.compression_level,
                                               src.size);
    if (rep->overlapped) {
        /* One zstd worker for the spool: the same bytes as any count. */
        hv_section_params sp = {true, b->profile.compression_level, 1,
                                info->digest_alg, info->chunk_log2, 0,
                                false, o->output_path, o->progress};
        if (hv_spool_start(&b->spool, later, spooled, &sp,
                           b->table_entries + 1, take_later, b,
                           diag) != 0) {
            hv_source_close(&src);
            return -1;
        }
    }
    if (emit_section(b, o, info, 0, &src, core_compress, threads, &pos,
                     diag) != 0)
        return -1; /* build_free joins the spool's thread */

    if (rep->overlapped) {
        if (hv_spool_finish(&b->spool, diag) != 0)
            return -1;
        for (uint32_t i = 0; i < later; i++) {
            if (!spooled[i]) { /* stored, or the SBOM: written here */
                if ((b->has_sbom && i == b->sbom_index &&
                     finish_sbom(b, info, diag) != 0) ||
                    emit_section(b, o, info, i + 1, &b->later[i],
                                 b->later_compress[i], threads, &pos,
                                 diag) != 0)
                    return -1;
                continue;
            }
            uint64_t at = aligned(info, pos);
            const hv_section_result *sr = &b->spool.result[i];
            if (pad_to(b->out.fp, pos, at, o->output_path, diag) != 0 ||
                (sr->table && fwrite(sr->table, 1, sr->table_len,
                                     b->out.fp) != sr->table_len) ||
                hv_spool_copy(&b->spool, i, b->out.fp, diag) != 0)
                return sr->table && ferror(b->out.fp)
                           ? hv_fail_errno(diag, errno ? errno : EIO,
                                           o->output_path, "write failed")
                           : -1;
            if (place_section(info, i + 1, true, at,
                              &b->spool.result[i], &pos, diag) != 0)
                return -1;
        }
    } else {
        for (uint32_t i = 0; i < later; i++)
            if ((b->has_sbom && i == b->sbom_index &&
                 finish_sbom(b, info, diag) != 0) ||
                emit_section(b, o, info, i + 1, &b->later[i],
                             b->later_compress[i], threads, &pos, diag) != 0)
                return -1;
    }
    info->header.image_size = pos;
    return 0;
}

static int sign_and_finish(build *b, const hv_build_opts *o,
                           hv_image_info *info, hv_build_report *rep,
                           hv_diag *diag)
{
    size_t tbs_len = hv_encode_tbs(info, b->tbs);
    hv_image_info check;
    /* The builder's output must be what its own verifier accepts; a
     * mismatch here is a bug in hvimage, not in the inputs. */
    hv_result pr = hv_parse_metadata(b->tbs, tbs_len, &check);
    if (pr != HV_OK) {
        return hv_fail(diag, HV_FAIL_INTERNAL, "internal error: encoded "
                       "metadata does not parse (%s)", hv_result_name(pr));
    }
    memset(b->block, 0, sizeof b->block);
    for (size_t i = 0; i < o->signer_count; i++) {
        uint8_t sig[HV_SIG_MAX_SIZE];
        size_t sig_len;
        if (hv_signer_sign(o->signers[i], b->tbs, tbs_len, sig, &sig_len,
                           diag) != 0)
            return -1;
        const hv_pubkey *k = hv_signer_pubkey(o->signers[i]);
        hv_slot_status st = hv_sig_block_insert(
            b->block, info->header.signature_slots, k->key_id, sig, sig_len);
        if (st != HV_SLOT_OK) {
            char hex[65];
            hv_key_id_hex(k->key_id, hex);
            return hv_diag_set(diag, "key %s given twice", hex);
        }
        rep->signatures++;
    }
    size_t block_len = (size_t)info->header.signature_slots * HV_SIG_SLOT_SIZE;
    if (fseeko(b->out.fp, 0, SEEK_SET) != 0 ||
        fwrite(b->tbs, 1, tbs_len, b->out.fp) != tbs_len ||
        fwrite(b->block, 1, block_len, b->out.fp) != block_len) {
        return hv_fail_errno(diag, errno ? errno : EIO, o->output_path,
                             "write failed");
    }
    return hv_atomic_commit(&b->out, diag);
}

int hv_build(const hv_build_opts *o, hv_build_report *rep, hv_diag *diag)
{
    build *b = calloc(1, sizeof *b);
    int rc = -1;
    if (!b)
        return hv_fail(diag, HV_FAIL_INTERNAL, "out of memory");
    memset(rep, 0, sizeof *rep);
    b->rep = rep;
    b->trust = rep->trust;
    hv_image_info *info = &rep->info;

    if (hv_manifest_load(o->manifest_path, &b->manifest, diag) != 0 ||
        hv_profile_load(o->profile_path, &b->profile, diag) != 0 ||
        check_output_is_no_input(b, o, diag) != 0 ||
        check_vendors(b, rep, diag) != 0 || check_signers(b, o, diag) != 0 ||
        make_bootcfg(b, diag) != 0)
        goto out;

    const hv_manifest *m = &b->manifest;
    const hv_profile *p = &b->profile;
    snprintf(info->name, sizeof info->name, "%s", m->name);
    snprintf(info->version, sizeof info->version, "%s", m->version);
    snprintf(info->oem_id, sizeof info->oem_id, "%s", p->oem_id);
    info->security_version = m->security_version;
    info->min_security_version = m->min_security_version;
    if (hv_build_epoch(m->has_build_epoch, m->build_epoch,
                       &info->build_epoch, diag) != 0)
        goto out;
    info->digest_alg = p->digest_alg;
    info->section_align = p->section_align;
    info->board_count = (uint32_t)p->board_count;
    for (size_t i = 0; i < p->board_count; i++)
        snprintf(info->boards[i], sizeof info->boards[i], "%s", p->boards[i]);
    uint32_t sections = 1 + (m->boot_config_count > 0) +
                        (m->driver_count > 0) + (uint32_t)m->extra_count +
                        (o->format_version != HV_FORMAT_VERSION_1) +
                        (m->core_kind == HV_PLAN_CORE_LINUX) +
                        (m->core_kind == HV_PLAN_CORE_LINUX &&
                         m->initramfs_path != NULL);
    if (sections > HV_MAX_SECTIONS) {
        hv_diag_set(diag, "%s: %u sections, more than the format's %u",
                    m->file, sections, HV_MAX_SECTIONS);
        goto out;
    }
    info->header.format_version =
        o->format_version ? o->format_version : HV_FORMAT_VERSION;
    if (info->header.format_version != HV_FORMAT_VERSION_1 &&
        info->header.format_version != HV_FORMAT_VERSION_2) {
        hv_diag_set(diag, "format version %u: this builder writes 1 or 2",
                    info->header.format_version);
        goto out;
    }
    b->is_linux = m->core_kind == HV_PLAN_CORE_LINUX;
    if (b->is_linux) {
        info->core_kind = HV_CORE_KIND_LINUX;
        if (check_linux(b, info, diag) != 0)
            goto out;
    }
    info->header.signature_slots = p->signature_slots;
    if (load_trust_block(b, o, info, rep, diag) != 0)
        goto out;
    info->header.metadata_size = HV_META_FIXED_SIZE +
                                 sections * HV_SECTION_ENTRY_SIZE +
                                 info->board_count * HV_BOARD_ID_SIZE;

    if (hv_atomic_open(&b->out, o->output_path, 0644, diag) != 0 ||
        write_sections(b, o, info, rep, diag) != 0)
        goto out;
    if (info->header.image_size > p->slot_a.size) {
        hv_diag_set(diag, "image of %llu bytes does not fit slot_a (%llu "
                    "bytes) of profile %s",
                    (unsigned long long)info->header.image_size,
                    (unsigned long long)p->slot_a.size, p->file);
        goto out;
    }
    rc = sign_and_finish(b, o, info, rep, diag);
out:
    build_free(b);
    return rc;
}
