/*
 * The process exit codes of every hvimage command (docs/CLI.md). One place
 * maps results to them: cli_exit_for_result() in mkimage/cli/cli_common.c.
 */
#ifndef HV_EXIT_CODES_H
#define HV_EXIT_CODES_H

#define HV_EXIT_OK 0       /* success                                        */
#define HV_EXIT_REJECTED 1 /* verify/extract: the image was rejected          */
#define HV_EXIT_USAGE 2    /* bad usage or bad input (manifest, profile,     */
                           /* driver package, key, image file unreadable)    */
#define HV_EXIT_INTERNAL 3 /* I/O error while writing, out of memory          */

#endif
