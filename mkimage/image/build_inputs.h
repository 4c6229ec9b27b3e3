/*
 * The files a build reads, for the output checks of `build -o` and
 * `build --provenance`: an output that is one of them, or lies inside a
 * driver package folder, would replace an input (or change a package's
 * digest) while or after it is read.
 */
#ifndef HV_BUILD_INPUTS_H
#define HV_BUILD_INPUTS_H

#include <limits.h>
#include <stdbool.h>

#include "plan.h"

/*
 * Whether |out| would overwrite an input of |m|: the core, a driver package
 * (or |out| lies inside a package folder), a package's signature file
 * (named by `signature:`, or the PATH.sig beside it), an extra section's
 * file. If so, the input's path is copied into |clash|.
 */
bool hv_build_input_clash(const hv_manifest *m, const char *out,
                          char clash[PATH_MAX]);

#endif
