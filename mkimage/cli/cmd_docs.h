/*
 * The root and keyring commands (docs/KEYS.md). cmd_root.c holds `root
 * create` and the subcommands both document kinds share (sign, tbs,
 * attach, inspect); cmd_keyring.c `keyring create`, `bundle` and `verify`.
 */
#ifndef HV_CMD_DOCS_H
#define HV_CMD_DOCS_H

#include <stdint.h>

int cmd_root(int argc, char **argv);
int cmd_keyring(int argc, char **argv);

/* `hvimage CMD SUB ...` for SUB in sign, tbs, attach, inspect, on
 * documents of |kind| (HV_DOC_ROOT or HV_DOC_KEYRING); argv[0] is SUB.
 * |opts| is the calling command's getopt table for them (each command
 * file lists every option it takes: tests/install/completion.sh).
 * |help| is printed for --help. Returns the exit code, or -1 if SUB is none of those. */
struct option;
int cli_doc_shared(uint32_t kind, const char *cmd, const char *help,
                   const struct option *opts, int argc, char **argv);

#endif
