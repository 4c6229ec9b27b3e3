/*
 * Printing image facts and verdicts: text for people, JSON (built with
 * json-c) for programs. Every string that did not come out of verified,
 * charset-checked metadata (paths, --board, --oem, archive entry names,
 * messages quoting them) may hold any byte: text output escapes control
 * bytes (hv_printable), JSON output is valid for any byte (docs/CLI.md,
 * "JSON and bytes that are not UTF-8").
 */
#ifndef HV_CLI_PRINT_H
#define HV_CLI_PRINT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hvboot.h"

/* Whether |s| is valid UTF-8 (no overlong forms, surrogates or code points
 * past U+10FFFF). */
bool cli_utf8_valid(const char *s);

/* A JSON string holding |s|, each byte of an invalid UTF-8 sequence
 * replaced by U+FFFD. */
json_object *cli_json_text(const char *s);

/* obj[key] = cli_json_text(s); when |s| is not valid UTF-8 also
 * obj[key + "_hex"] = its bytes in lower-case hex, so no byte is lost. */
void cli_json_add_text(json_object *obj, const char *key, const char *s);

/* A JSON string of the lower-case hex of |n| bytes. */
json_object *cli_json_hex(const uint8_t *p, size_t n);

/* obj[key] = the hex of |n| bytes. */
void cli_json_add_hex(json_object *obj, const char *key, const uint8_t *p,
                      size_t n);

/* The metadata object of verify and inspect (docs/CLI.md). */
json_object *cli_info_json(const hv_image_info *info);

/* Print |o| on one line and a newline, then release it. */
void cli_json_print(FILE *f, json_object *o);

/* "hvimage CMD: MESSAGE" on stderr, control bytes escaped. */
void cli_print_error(const char *cmd, const char *msg);

#endif
