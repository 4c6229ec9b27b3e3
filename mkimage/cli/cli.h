/*
 * Shared pieces of the hvimage commands: argument helpers, trusted key
 * loading, the host platform for hv_verify(), and printing of image facts as
 * text or JSON. The one mapping from verifier results to exit codes lives in
 * cli_common.c.
 */
#ifndef HV_CLI_H
#define HV_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "hvboot.h"
#include "cli_print.h"
#include "cli_progress.h"
#include "exit_codes.h"
#include "signing.h"
#include "trust_bundle.h"

int cmd_build(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_tbs(int argc, char **argv);
int cmd_attach(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_assemble(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_tpm(int argc, char **argv);
int cmd_sbom(int argc, char **argv);
int cmd_driver(int argc, char **argv);
int cmd_package(int argc, char **argv);
int cmd_provenance(int argc, char **argv);

/* Print "hvimage CMD: message (see hvimage help CMD)" to stderr and return
 * HV_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The exit code of a failure class (docs/CLI.md); 0 for HV_FAIL_NONE. */
int cli_exit_for_class(hv_fail_class cls);
/* The one place a failure becomes output and an exit code: print
 * "hvimage CMD: <diag>" to stderr (control bytes escaped) and return the exit
 * code of the diag's class. Never 0: a failure that recorded no class is a
 * bug in hvimage, reported as internal. Inline so that callers (and the
 * static analyzer) see that it never returns 0. */
static inline int cli_report(const char *cmd, const hv_diag *diag)
{
    cli_print_error(cmd, diag->msg);
    int code = cli_exit_for_class(diag->cls);
    return code != HV_EXIT_OK ? code : HV_EXIT_INTERNAL;
}
/* Store an option that takes one value; a second occurrence is a usage
 * error ("--output given twice"). Returns 0 or the usage exit code. */
int cli_set_once(const char *cmd, const char *opt, const char **slot,
                 const char *value);
/* Check an output before any work (common/output_check.h); on failure print
 * and return the exit code, else 0. */
int cli_check_output(const char *cmd, const char *opt, const char *out,
                     const char *const *inputs, size_t n);
/* Parse a strict decimal or 0x-hex u64. */
bool cli_parse_u64(const char *s, uint64_t *out);

/* Trusted keys from PEM files, for verify and extract. */
typedef struct cli_keys {
    hv_pubkey pub[16];
    hv_trusted_key rec[16];
    size_t count;
} cli_keys;
int cli_keys_add(cli_keys *k, const char *path, hv_diag *diag);

/* Options shared by verify and extract. Every check the boot stage makes
 * is made, or waived by name: |oem| NULL only with |oem_waived|
 * (--any-oem), |rollback| 0 by default only with |rollback_waived|
 * (--no-rollback-check). */
typedef struct cli_verify_opts {
    cli_keys keys;
    const char *board;
    const char *oem;
    uint64_t rollback;
    uint32_t min_signatures;
    bool json;
    bool oem_waived;
    bool rollback_waived;
    bool ram_waived;     /* --no-ram-check: the stage's RAM windows */
    const char *profile; /* --profile: gave the OEM and the boards */
    bool progress;       /* --progress: draw it even off a terminal */
    /* Stream a version 2 image in flat memory (hv_verify_stream); the
     * sections' data stay NULL. A version 1 image is held in memory. */
    bool stream;
    /* Optional, when streaming: given each section's unpacked bytes as
     * they are authenticated (hv_stream.section_bytes); act on them only
     * once the image verified. */
    int (*section_sink)(void *user, const hv_section *s, const uint8_t *p,
                        size_t len);
    void *sink_user;
    /* --root ROOT0.hvroot (docs/KEYS.md): verify as a device provisioned
     * with that root (trust area version 2) instead of --key; the three
     * floors are the device's confirmed counters. */
    const char *root_path;
    hv_root_anchor anchor; /* roots.fingerprints points into it */
    uint64_t min_root_version;
    uint64_t min_keyring_version;
    uint64_t min_key_epoch;
} cli_verify_opts;

struct hv_profile;
/* Parse the options verify, extract and sbom share (|out| NULL: no -o for
 * this command); with --profile, load it into |prof|. Returns -1 to go on,
 * or the exit code (usage printed). */
int cli_verify_parse(const char *cmd, const char *help, int argc,
                     char **argv, cli_verify_opts *o, struct hv_profile *prof,
                     const char **out);

/* Run hv_verify on |path|. The verdict and section buffers stay valid until
 * cli_verify_release(). Returns an exit code; |*verdict| is filled whenever
 * the verifier ran. */
typedef struct cli_verify_run {
    hv_verdict verdict;
    hv_workspace *ws;
    uint8_t *buffers[2 * HV_MAX_SECTIONS];
    size_t buffer_count;
    uint8_t *stream_buffers[3]; /* chunk, zstd workspace, output */
    bool streamed;              /* hv_verify_stream gave the verdict */
    int fd;
    char board[HV_BOARD_ID_SIZE];
    uint64_t rollback;
    uint64_t file_size;
    bool ran;
    cli_progress progress; /* bytes read from the image */
} cli_verify_run;
int cli_verify_file(const char *path, const cli_verify_opts *o,
                    cli_verify_run *run, hv_diag *diag);
/* cli_verify_file with the waived checks applied and a refusal explained
 * against the options given (which key, OEM, board or counter differed). */
int cli_verify_checked(const char *path, const cli_verify_opts *o,
                       cli_verify_run *run, hv_diag *diag);
void cli_verify_release(cli_verify_run *run);
int cli_exit_for_result(hv_result r);

/* Image facts. |verdict| may be NULL (inspect). */
void cli_print_info_text(FILE *f, const hv_image_info *info);
void cli_hex(FILE *f, const uint8_t *p, size_t n);

#endif
