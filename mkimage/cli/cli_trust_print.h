/*
 * inspect's view of a trust block (docs/KEYS.md): each root document
 * (version, threshold, keys with fingerprints, which key ids fill its
 * slots), the keyring (version, root version, min_epoch, each key's id,
 * algorithm, epoch and scope, its signers) and which keyring keys the
 * image's own slots name. Structure only, like the rest of inspect:
 * nothing here verifies a signature.
 */
#ifndef HV_CLI_TRUST_PRINT_H
#define HV_CLI_TRUST_PRINT_H

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>

#include "trust_bundle.h"

/* |img_block| is the image's signature block with |img_filled| filled
 * slots; |offset| is where the trust block starts in the image. */
void cli_trust_print_text(FILE *f, const hv_bundle *b, uint64_t offset,
                          const uint8_t *img_block, uint32_t img_filled);
json_object *cli_trust_json(const hv_bundle *b, uint64_t offset,
                            const uint8_t *img_block, uint32_t img_filled);

#endif
