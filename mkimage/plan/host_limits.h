/*
 * Resource ceilings of the host tool (docs/LIMITS.md lists them with the
 * format's own limits from hvimage/format.h). Each bounds memory or time
 * spent on hostile input, and each has a test at the ceiling and one past it.
 */
#ifndef HV_HOST_LIMITS_H
#define HV_HOST_LIMITS_H

#include <stdint.h>

/* YAML manifests and profiles. */
#define HV_MAX_YAML_FILE_SIZE (1u << 20)  /* bytes of one YAML file          */
#define HV_MAX_YAML_DEPTH 16u             /* nesting of maps and sequences   */
#define HV_MAX_YAML_NODES 65536u          /* nodes in one document           */
#define HV_MAX_YAML_SCALAR 4096u          /* bytes of one scalar             */

/* Driver packages, over all packages of one build. */
#define HV_MAX_DRIVER_PACKAGES 64u
#define HV_MAX_DRIVER_ENTRIES 16384u      /* files, folders and links        */
#define HV_MAX_DRIVER_PATH 255u           /* bytes of one normalised path    */
#define HV_MAX_DRIVER_BYTES (UINT64_C(1) << 30) /* sum of file sizes         */

/* Vendor signatures (mkimage/drivers/acceptance.h). */
#define HV_MAX_PROFILE_KEYS 16u           /* keys in one profile key list    */
#define HV_MAX_PACKAGE_SIG_SIZE (64u * 1024u) /* bytes of one .sig envelope  */

/* Boot configuration handed to the monitor. */
#define HV_MAX_BOOT_CONFIG_ENTRIES 256u
#define HV_MAX_EXTRA_SECTIONS 8u

/* A Linux core's base initramfs given as a file, taken as it is. A folder
 * is bounded by the driver limits above (it is normalised the same way). */
#define HV_MAX_INITRAMFS_FILE (UINT64_C(1) << 30)
/* A Linux core's manifest cmdline: HV_LINUX_CMDLINE_MAX less
 * HV_LINUX_CMDLINE_STAGE_RESERVE (boot/include/hvlinux.h, which plan/ may
 * not include; the builder asserts the two agree). */
#define HV_MAX_MANIFEST_CMDLINE 1919u

#endif
