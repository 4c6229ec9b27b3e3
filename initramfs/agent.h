/*
 * The on-device update agent (docs/LINUX.md "The update agent"): brings
 * the flash up as an MTD device (the phram module over the flash window,
 * which the boot stage's e820 map reserves), reads the device and its
 * boot state through the update library (update/hvupdate.h, as `hvimage
 * update` does), prints it, and confirms this boot's slot when the rule
 * in decide.h says so.
 */
#ifndef HVINIT_AGENT_H
#define HVINIT_AGENT_H

#include <stdbool.h>
#include <stddef.h>

#include "modules.h"

/* Run the agent for the boot described by |cmdline| (/proc/cmdline) after
 * a health check that |healthy| says passed or not. Writes a short
 * outcome for the summary line into |outcome| ("confirmed", "not a
 * trial", "error: ..."). Returns 0 when the agent did its job (whether or
 * not it confirmed), -1 on an error (no flash, no device, a write that
 * failed). */
int hvi_agent_run(const char *cmdline, bool healthy, hvi_modset *mods,
                  char *outcome, size_t outcome_size);

#endif
