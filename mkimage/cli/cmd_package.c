/* package: an image in the package a server's update channel takes; for
 * now an LVFS cabinet for fwupd (--cab, docs/SUPPLY-CHAIN.md "Cabinets"). */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "builder.h"
#include "cab.h"
#include "cli.h"
#include "exit_codes.h"
#include "pkcs11.h"
#include "plan.h"

static const char package_help[] =
    "usage: hvimage package --cab OUT.cab -m MANIFEST --pub PUB.pem [--pub ...]\n"
    "                       (--oem OEM | --profile PROFILE | --any-oem)\n"
    "                       [--key KEY.pem --cert CERT.pem] [--no-ram-check]\n"
    "                       IMAGE\n\n"
    "Verify IMAGE as 'hvimage verify' does (the --pub keys are the trusted\n"
    "keys; every board the image lists; no rollback counter: a package is\n"
    "for any device), then write an LVFS cabinet for fwupd: the image as\n"
    "firmware.hvi, firmware.metainfo.xml (component id, summary, developer,\n"
    "licence and release notes from MANIFEST's release: block; name,\n"
    "version, OEM, boards and date from the image's signed metadata;\n"
    "its SHA-1 and SHA-256; a device GUID per board) and firmware.jcat\n"
    "(checksums of both files and, with --key and --cert, a PKCS#7\n"
    "signature of each). MANIFEST must describe IMAGE (same name and\n"
    "version). Nothing is written for an image that does not verify.\n"
    "Exit 0 written, 1 image rejected, 2 bad usage or input, 3 I/O.\n";

#define MAX_PUBS 16

/* A usage error: printed, and the exit code as a constant, so every caller
 * (and the static analyzer) sees that parse() never succeeds with one. */
#define USAGE(...) (cli_usage_error("package", __VA_ARGS__), HV_EXIT_USAGE)

typedef struct package_opts {
    const char *cab, *manifest, *profile, *oem, *key, *cert, *image;
    const char *pubs[MAX_PUBS];
    size_t pub_count;
    bool any_oem, ram_waived;
} package_opts;

static int parse(int argc, char **argv, package_opts *o)
{
    static const struct option opts[] = {
        {"cab", required_argument, 0, 'c'},
        {"manifest", required_argument, 0, 'm'},
        {"pub", required_argument, 0, 'P'},
        {"oem", required_argument, 0, 'O'},
        {"profile", required_argument, 0, 'p'},
        {"any-oem", no_argument, 0, 'A'},
        {"key", required_argument, 0, 'k'},
        {"cert", required_argument, 0, 'C'},
        {"no-ram-check", no_argument, 0, 'W'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int c, rc = 0;
    memset(o, 0, sizeof *o);
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, "m:p:k:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': rc = cli_set_once("package", "--cab", &o->cab, optarg); break;
        case 'm':
            rc = cli_set_once("package", "--manifest", &o->manifest, optarg);
            break;
        case 'P':
            if (o->pub_count == MAX_PUBS)
                return USAGE("at most %d --pub keys",
                                       MAX_PUBS);
            o->pubs[o->pub_count++] = optarg;
            break;
        case 'O': rc = cli_set_once("package", "--oem", &o->oem, optarg); break;
        case 'p':
            rc = cli_set_once("package", "--profile", &o->profile, optarg);
            break;
        case 'A': o->any_oem = true; break;
        case 'k': rc = cli_set_once("package", "--key", &o->key, optarg); break;
        case 'C': rc = cli_set_once("package", "--cert", &o->cert, optarg); break;
        case 'W': o->ram_waived = true; break;
        case 'h': fputs(package_help, stdout); return -1;
        default: return USAGE("bad option");
        }
    }
    if (rc != 0)
        return rc;
    if (optind != argc - 1)
        return USAGE("needs exactly one IMAGE");
    o->image = argv[optind];
    if (!o->cab)
        return USAGE("--cab OUT.cab is required (the "
                                          "only package kind so far)");
    if (!o->manifest)
        return USAGE("--manifest is required (its "
                                          "release: block)");
    if (o->pub_count == 0)
        return USAGE("no trusted key: give --pub "
                                          "PUB.pem");
    if ((o->oem != NULL) + (o->profile != NULL) + o->any_oem != 1)
        return USAGE("give exactly one of --oem OEM, "
                                          "--profile PROFILE and --any-oem");
    if ((o->key != NULL) != (o->cert != NULL))
        return USAGE("--key and --cert come together "
                                          "(the Jcat signature carries the "
                                          "certificate)");
    if (o->key && hv_p11_is_uri(o->key))
        return USAGE("--key: the Jcat signature needs a "
                                          "PEM key file: libjcat takes the "
                                          "key as bytes, not from a PKCS#11 "
                                          "token (docs/SUPPLY-CHAIN.md "
                                          "\"Cabinets\")");
    return 0;
}

/* An immutable copy of IMAGE: verified, hashed and packed are the same
 * bytes even if someone rewrites the file meanwhile. A sealed memfd, read
 * through /proc/self/fd by the verifier, mapped read-only for the cabinet. */
typedef struct snapshot {
    int fd;
    char path[64];
    uint8_t *map;
    size_t len;
} snapshot;

static int snapshot_take(const char *image, snapshot *s, hv_diag *diag)
{
    struct stat st;
    memset(s, 0, sizeof *s);
    s->fd = -1;
    int in = open(image, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return hv_fail_errno(diag, errno, image, "cannot open");
    if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(in);
        return hv_diag_set(diag, "%s: not a regular file", image);
    }
    if ((uint64_t)st.st_size > HV_CAB_MAX_IMAGE) {
        close(in);
        return hv_diag_set(diag, "%s: %llu bytes, more than a cabinet takes "
                                 "(%llu)",
                           image, (unsigned long long)st.st_size,
                           (unsigned long long)HV_CAB_MAX_IMAGE);
    }
    s->fd = memfd_create("hvimage-package", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (s->fd < 0) {
        close(in);
        return hv_fail(diag, HV_FAIL_INTERNAL, "memfd_create: %s",
                       strerror(errno));
    }
    static uint8_t buf[1 << 16];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(in);
            return hv_fail_errno(diag, e, image, "read failed");
        }
        if (n == 0)
            break;
        if (s->len + (size_t)n > HV_CAB_MAX_IMAGE) {
            close(in);
            return hv_diag_set(diag, "%s: grew past %llu bytes while read",
                               image, (unsigned long long)HV_CAB_MAX_IMAGE);
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(s->fd, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                close(in);
                return hv_fail(diag, HV_FAIL_INTERNAL, "memfd write: %s",
                               strerror(errno));
            }
            done += w;
        }
        s->len += (size_t)n;
    }
    close(in);
    if (fcntl(s->fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW |
                                      F_SEAL_SHRINK | F_SEAL_SEAL) != 0)
        return hv_fail(diag, HV_FAIL_INTERNAL, "memfd seal: %s",
                       strerror(errno));
    if (s->len) {
        s->map = mmap(NULL, s->len, PROT_READ, MAP_SHARED, s->fd, 0);
        if (s->map == MAP_FAILED) {
            s->map = NULL;
            return hv_fail(diag, HV_FAIL_INTERNAL, "mmap: %s",
                           strerror(errno));
        }
    }
    snprintf(s->path, sizeof s->path, "/proc/self/fd/%d", s->fd);
    return 0;
}

static void snapshot_release(snapshot *s)
{
    if (s->map)
        munmap(s->map, s->len);
    if (s->fd >= 0)
        close(s->fd);
    memset(s, 0, sizeof *s);
    s->fd = -1;
}

/* The verifier's messages name the path it opened: name the user's. */
static void rename_in_message(hv_diag *diag, const char *from, const char *to)
{
    size_t n = strlen(from);
    if (strncmp(diag->msg, from, n) != 0)
        return;
    char rest[HV_DIAG_MAX];
    snprintf(rest, sizeof rest, "%s", diag->msg + n);
    snprintf(diag->msg, sizeof diag->msg, "%s%s", to, rest);
}

/*
 * Verify the snapshot as `verify` does. The board: a cabinet is for every
 * board the image lists, and the verifier checks one. The first run uses
 * the profile's first board (or none the image can list); if the image
 * does not list it, the verifier has authenticated the metadata by then
 * (info_valid), and the second run takes the image's first signed board.
 */
static int verify_snapshot(const package_opts *po, const hv_profile *prof,
                           const snapshot *s, cli_verify_opts *o,
                           cli_verify_run *run, hv_diag *diag)
{
    o->board = prof && prof->board_count ? prof->boards[0] : "-";
    o->rollback_waived = true;
    o->rollback = 0;
    o->ram_waived = po->ram_waived;
    o->stream = true;
    o->oem = prof ? prof->oem_id : po->oem;
    o->oem_waived = po->any_oem;
    int rc = cli_verify_file(s->path, o, run, diag);
    if (rc != 0 && run->ran && run->verdict.result == HV_ERR_BOARD &&
        run->verdict.info_valid && run->verdict.info.board_count > 0) {
        static char board[HV_BOARD_ID_SIZE + 1];
        memcpy(board, run->verdict.info.boards[0], sizeof board);
        cli_verify_release(run);
        o->board = board;
        memset(diag, 0, sizeof *diag);
        rc = cli_verify_file(s->path, o, run, diag);
    }
    if (rc != 0)
        rename_in_message(diag, s->path, po->image);
    return rc;
}

/* The manifest has a release block: checked before the image is read, so
 * a manifest without one fails at once. */
static int need_release(const package_opts *po, const hv_manifest *m,
                        hv_diag *diag)
{
    if (m->release.present)
        return 0;
    return hv_diag_set(diag, "%s: error: no 'release' block: hvimage "
                             "package needs the component id, summary, "
                             "developer, licence and release notes "
                             "(docs/MANIFEST.md \"release\")",
                       po->manifest);
}

/* The manifest describes this image: its notes are for this release. */
static int check_describes(const package_opts *po, const hv_manifest *m,
                           const hv_image_info *info, hv_diag *diag)
{
    if (strcmp(m->name, info->name) == 0 &&
        strcmp(m->version, info->version) == 0)
        return 0;
    return hv_diag_set(diag, "%s: error: the manifest describes %s %s, but "
                             "%s is %s %s: its release notes are for another "
                             "image",
                       po->manifest, m->name, m->version, po->image,
                       info->name, info->version);
}

int cmd_package(int argc, char **argv)
{
    package_opts po;
    int rc = parse(argc, argv, &po);
    if (rc != 0)
        return rc < 0 ? HV_EXIT_OK : rc;
    const char *inputs[MAX_PUBS + 5];
    size_t n = 0;
    inputs[n++] = po.image;
    inputs[n++] = po.manifest;
    inputs[n++] = po.profile;
    inputs[n++] = po.key;
    inputs[n++] = po.cert;
    for (size_t i = 0; i < po.pub_count; i++)
        inputs[n++] = po.pubs[i];
    rc = cli_check_output("package", "--cab", po.cab, inputs, n);
    if (rc != 0)
        return rc;

    hv_diag diag = {0};
    hv_manifest m;
    hv_profile prof;
    cli_verify_opts o;
    cli_verify_run run;
    snapshot snap;
    hv_atomic_file out = {0};
    memset(&m, 0, sizeof m);
    memset(&prof, 0, sizeof prof);
    memset(&o, 0, sizeof o);
    memset(&run, 0, sizeof run);
    snap.fd = -1;
    snap.map = NULL;

    if (hv_manifest_load(po.manifest, &m, &diag) != 0 ||
        need_release(&po, &m, &diag) != 0)
        goto fail;
    if (po.profile && hv_profile_load(po.profile, &prof, &diag) != 0)
        goto fail;
    for (size_t i = 0; i < po.pub_count; i++) {
        if (cli_keys_add(&o.keys, po.pubs[i], &diag) != 0)
            goto fail;
        if (po.profile &&
            hv_profile_accepts_key(&prof, &o.keys.pub[i], &diag) != 0)
            goto fail;
    }
    if (snapshot_take(po.image, &snap, &diag) != 0)
        goto fail;
    rc = verify_snapshot(&po, po.profile ? &prof : NULL, &snap, &o, &run,
                         &diag);
    if (rc != 0) {
        cli_print_error("package", diag.msg);
        goto done;
    }
    const hv_image_info *info = &run.verdict.info;
    if (check_describes(&po, &m, info, &diag) != 0)
        goto fail;
    hv_cab_request req = {
        .release = &m.release, .info = info, .image = snap.map,
        .image_len = snap.len, .sign_key = po.key, .sign_cert = po.cert};
    size_t written = 0;
    if (hv_atomic_open(&out, po.cab, 0644, &diag) != 0)
        goto fail;
    if (hv_cab_write(&req, out.fp, &written, &diag) != 0) {
        hv_atomic_abort(&out);
        goto fail;
    }
    if (hv_atomic_commit(&out, &diag) != 0)
        goto fail;
    char shown[1024];
    printf("packaged %s: %zu bytes, %s %s for %s (%u board(s)), %s\n",
           hv_printable(po.cab, shown, sizeof shown), written, m.release.id,
           info->version, info->oem_id, info->board_count,
           po.key ? "Jcat signed" : "Jcat checksums only, not signed");
    rc = HV_EXIT_OK;
    goto done;
fail:
    rc = cli_report("package", &diag);
done:
    cli_verify_release(&run); /* safe on a zeroed run */
    snapshot_release(&snap);
    hv_profile_free(&prof);
    hv_manifest_free(&m);
    return rc;
}
