/*
 * attack-verify, one attack family (the suite: attack-verify.c, the crafter:
 * atk_craft.h).
 *
 * Validly signed images with hostile drivers archives and extra-section
 * names, for `hvimage extract` (tests/attack/extract.sh runs it on them).
 */
#include <stdlib.h>
#include <string.h>

#include "atk_craft.h"

/* ---- what `hvimage extract` gets: signed images with hostile archives --- */

static void ex_dotdot(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "drivers.idx", '0', 0644, "evil 1\n", NULL);
    tb_entry(&t, "../../hvattack-dotdot", '0', 0644, "escaped\n", NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_absolute(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "/tmp/hvattack-absolute-canary", '0', 0644, "escaped\n",
             NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_symlink_out(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "evil", '2', 0777, NULL, "../../..");
    tb_entry(&t, "evil/hvattack-through-symlink", '0', 0644, "escaped\n",
             NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_symlink_abs(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "tmp", '2', 0777, NULL, "/tmp");
    tb_entry(&t, "tmp/hvattack-through-abs-symlink", '0', 0644, "escaped\n",
             NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_hardlink_out(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "passwd", '1', 0644, NULL, "/etc/passwd");
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_hardlink_dotdot(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "victim", '1', 0644, NULL, "../../victim");
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_device(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "ttyS0", '3', 0666, NULL, NULL);
    tb_entry(&t, "sda", '4', 0666, NULL, NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_fifo(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "pipe", '6', 0666, NULL, NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
static void ex_setuid(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "suid", '0', 04755, "#!/bin/sh\nid\n", NULL);
    tb_entry(&t, "sgid", '0', 02755, "#!/bin/sh\nid\n", NULL);
    tb_entry(&t, "sticky", '5', 01777, NULL, NULL);
    tb_end(&t);
    c_drivers(c, &t);
}
/* A control: links that stay inside, and an executable file. */
static void ex_symlink_inside(ctx *c)
{
    tarbuf t = {0};
    tb_entry(&t, "drivers.idx", '0', 0644, "acme 1\n", NULL);
    tb_entry(&t, "acme/", '5', 0755, NULL, NULL);
    tb_entry(&t, "acme/bin/", '5', 0755, NULL, NULL);
    tb_entry(&t, "acme/bin/run", '0', 0755, "#!/bin/sh\n", NULL);
    tb_entry(&t, "acme/lib/", '5', 0755, NULL, NULL);
    tb_entry(&t, "acme/lib/run", '2', 0777, NULL, "../bin/run");
    tb_entry(&t, "acme/top", '2', 0777, NULL, "./lib/../bin");
    tb_end(&t);
    c_drivers(c, &t);
}
/* An extra section named like another output file of extract. */
static void ex_extra_core_bin(ctx *c) { extra_named(c, "core.bin"); }
static void ex_extra_drivers_tar(ctx *c) { extra_named(c, "drivers.tar"); }
static void ex_extra_dotdot(ctx *c) { extra_named(c, ".."); }
static void ex_extra_dot(ctx *c) { extra_named(c, "."); }

/* ---- the cases ---------------------------------------------------------- */

const atk_row atk_rows_extract[] = {
    {"extract", "extract-tar-dotdot", ex_dotdot, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-absolute", ex_absolute, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-symlink-out", ex_symlink_out, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-symlink-absolute", ex_symlink_abs, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-hardlink-absolute", ex_hardlink_out, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-hardlink-dotdot", ex_hardlink_dotdot, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-device-nodes", ex_device, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-fifo", ex_fifo, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-setuid", ex_setuid, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-tar-symlinks-inside", ex_symlink_inside, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-extra-named-core.bin", ex_extra_core_bin, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-extra-named-drivers.tar", ex_extra_drivers_tar, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-extra-named-dotdot", ex_extra_dotdot, HV_OK, NOSEC, NOOFF},
    {"extract", "extract-extra-named-dot", ex_extra_dot, HV_OK, NOSEC, NOOFF},
};
const size_t atk_rows_extract_count =
    sizeof atk_rows_extract / sizeof atk_rows_extract[0];
