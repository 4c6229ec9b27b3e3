/*
 * update: field update of a device's flash through the updater library
 * (update/hvupdate.h), over a flash file written in place or a Linux MTD
 * device. The device's trust comes from the flash's own boot stage, never
 * from options.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli.h"
#include "cli_print.h"
#include "exit_codes.h"
#include "counter_tpm.h"
#include "hvupdate.h"

static const char update_help[] =
    "usage: hvimage update --flash FLASH status [--json]\n"
    "       hvimage update --flash FLASH install [--activate [--tries N]] "
    "IMAGE|-\n"
    "       hvimage update --flash FLASH activate [--tries N]\n"
    "       hvimage update --flash FLASH confirm [a|b]\n"
    "       hvimage update --flash FLASH mark-bad [a|b]\n"
    "       hvimage update --flash FLASH rollback\n"
    "  --tpm TCTI  the TPM that holds the floor of a device provisioned with\n"
    "              counter kind tpm (tctildr syntax, e.g.\n"
    "              swtpm:host=127.0.0.1,port=2321; default $HV_TPM_TCTI)\n\n"
    "Update a device's flash (a flash file, written in place: it is the\n"
    "device; or a Linux MTD device, /dev/mtdN or /sys/class/mtd/mtdN) with\n"
    "the boot stage's own rules. The device's keys, board, OEM, floor and\n"
    "flash map are read from the stage's trust area in FLASH.\n"
    "  status    each slot: state, whether it verifies on this device, its\n"
    "            name and versions; the active slot, the floor, any pending\n"
    "            update\n"
    "  install   read IMAGE (or stdin) once, verify it as the device will,\n"
    "            then write it into the inactive slot (never the active one);\n"
    "            --activate also activates it on trial\n"
    "  activate  make the inactive slot active on trial (--tries boots,\n"
    "            default 3), after verifying it\n"
    "  confirm   mark the slot (default: the active one) good\n"
    "  mark-bad  mark the slot (default: the active one) bad; the other\n"
    "            becomes active\n"
    "  rollback  make the other slot active, if it is good or unknown and\n"
    "            verifies at the floor\n"
    "Exit 0 done, 1 image or transition refused (the boot state unchanged),\n"
    "2 bad usage, or FLASH not a provisioned flash of the right size (an MTD:\n"
    "not NOR, read-only, or erase blocks not the stage's), 3 I/O.\n";

static char letter(uint32_t slot) { return slot ? 'B' : 'A'; }

static long read_fd(void *user, void *buf, size_t len)
{
    for (;;) {
        ssize_t n = read(*(int *)user, buf, len);
        if (n >= 0 || errno != EINTR)
            return (long)n;
    }
}

static const char *source_name(uint32_t src)
{
    static const char *const names[] = {"v2", "v1", "erased", "corrupt"};
    return src < 4 ? names[src] : "?";
}

/* ---- status ------------------------------------------------------------- */

static json_object *slot_json(const hv_bs_view *v, uint32_t s,
                              const hv_slot_check *c)
{
    json_object *j = json_object_new_object();
    json_object_object_add(j, "state", json_object_new_string(
                               hv_slot_state_name(v->st.slot_state[s])));
    json_object_object_add(j, "tries", json_object_new_int(v->st.tries[s]));
    json_object_object_add(j, "present", json_object_new_boolean(c->present));
    json_object_object_add(j, "verified", json_object_new_boolean(c->verified));
    if (c->info_valid) {
        cli_json_add_text(j, "name", c->name);
        cli_json_add_text(j, "version", c->version);
        json_object_object_add(j, "security_version",
                               json_object_new_uint64(c->security_version));
        json_object_object_add(j, "min_security_version",
                               json_object_new_uint64(c->min_security_version));
    }
    if (!c->verified)
        cli_json_add_text(j, "reason", c->reason);
    return j;
}

/* The JSON key of counter |i| (HV_BS_CTR_*). */
static const char *counter_key(uint32_t i)
{
    static const char *const keys[HV_BS_COUNTERS] = {
        "security_floor", "root_version", "keyring_version", "key_epoch"};
    return keys[i % HV_BS_COUNTERS];
}

static int status(const char *flash, hv_device *d, bool json)
{
    hv_diag diag = {0};
    hv_bs_view v;
    uint64_t floor, counter = 0;
    hv_slot_check c[2];
    if (hv_bs_read(&d->flash, &d->layout, &v) != 0)
        return cli_report("update", &(hv_diag){"cannot read the boot state",
                                               HV_FAIL_IO});
    bool tpm = d->counter_kind == HV_COUNTER_TPM;
    if (hv_device_floor(d, &floor, &diag) != 0 ||
        (d->has_counter &&
         (tpm ? d->counter.read(d->counter.user, &counter)
              : hv_lab_counter_read(&d->lab, &counter)) != 0 &&
         hv_fail(&diag, HV_FAIL_IO, "cannot read the %s counter",
                 tpm ? "TPM" : "lab")))
        return cli_report("update", &diag);
    hv_bs_floors fl = {0, 0, 0, 0};
    if (hv_device_floors(d, &fl, &diag) != 0)
        return cli_report("update", &diag);
    bool roots = d->counter_count == HV_BS_COUNTERS;
    for (uint32_t s = 0; s < 2; s++)
        if (hv_device_check_slot(d, s, floor, &c[s], &diag) != 0)
            return cli_report("update", &diag);
    /* A good slot whose verified trust block is above a root, keyring or
     * epoch counter raises it at its next boot, as the floor. */
    int raise_trust[HV_BS_COUNTERS] = {-1, -1, -1, -1};
    for (uint32_t s = 0; roots && s < 2; s++) {
        if (v.st.slot_state[s] != HV_SLOT_STATE_GOOD || !c[s].verified ||
            !c[s].has_trust)
            continue;
        hv_bs_image im = {.has_trust = 1, .root_version = c[s].root_version,
                          .keyring_version = c[s].keyring_version,
                          .key_epoch = c[s].key_epoch};
        for (uint32_t i = HV_BS_CTR_ROOT; i < HV_BS_COUNTERS; i++)
            if (hv_bs_image_counter_value(&im, i) > hv_bs_floor_get(&fl, i))
                raise_trust[i] = (int)s;
    }
    /* Pending: a slot on trial waits for its confirm; a good slot whose
     * signed min_security_version is above the floor raises it at its next
     * boot. */
    int trial = -1, raise = -1;
    for (uint32_t s = 0; s < 2; s++) {
        if (v.st.slot_state[s] == HV_SLOT_STATE_TRIAL)
            trial = (int)s;
        if (v.st.slot_state[s] == HV_SLOT_STATE_GOOD && c[s].verified &&
            c[s].min_security_version > floor)
            raise = (int)s;
    }
    if (json) {
        json_object *j = json_object_new_object();
        cli_json_add_text(j, "flash", flash);
        cli_json_add_text(j, "board", d->board_id);
        cli_json_add_text(j, "oem", d->oem_id);
        json_object_object_add(j, "flash_size",
                               json_object_new_uint64(d->flash_size));
        json_object_object_add(j, "erase_block",
                               json_object_new_uint64(d->erase_block));
        json_object_object_add(j, "floor", json_object_new_uint64(floor));
        json_object_object_add(j, "trust_rollback",
                               json_object_new_uint64(d->base_floor));
        json_object_object_add(j, "counter",
                               d->has_counter ? json_object_new_uint64(counter)
                                              : NULL);
        json_object_object_add(j, "counter_kind",
                               json_object_new_string(tpm ? "tpm" : "lab"));
        if (tpm)
            json_object_object_add(j, "tpm_nv_index",
                                   json_object_new_uint64(d->counter_nv));
        /* The four counters in force (docs/UPDATE.md "The counters"); a
         * trust area version 1 device has the floor only (null). */
        json_object *cs = json_object_new_object();
        for (uint32_t i = 0; i < HV_BS_COUNTERS; i++)
            json_object_object_add(cs, counter_key(i),
                                   i == HV_BS_CTR_FLOOR || roots
                                       ? json_object_new_uint64(
                                             hv_bs_floor_get(&fl, i))
                                       : NULL);
        json_object_object_add(j, "counters", cs);
        json_object_object_add(j, "active", json_object_new_string(
                                   v.st.active ? "B" : "A"));
        json_object_object_add(j, "state_source", json_object_new_string(
                                   source_name((uint32_t)v.source)));
        json_object_object_add(j, "sequence",
                               json_object_new_uint64(v.sequence));
        json_object *slots = json_object_new_object();
        json_object_object_add(slots, "A", slot_json(&v, 0, &c[0]));
        json_object_object_add(slots, "B", slot_json(&v, 1, &c[1]));
        json_object_object_add(j, "slots", slots);
        json_object *p = NULL;
        if (trial >= 0 || raise >= 0) {
            p = json_object_new_object();
            if (trial >= 0)
                json_object_object_add(p, "trial", json_object_new_string(
                                           trial ? "B" : "A"));
            if (raise >= 0)
                json_object_object_add(p, "floor_raise_to",
                    json_object_new_uint64(c[raise].min_security_version));
        }
        for (uint32_t i = HV_BS_CTR_ROOT; i < HV_BS_COUNTERS; i++) {
            if (raise_trust[i] < 0)
                continue;
            if (!p)
                p = json_object_new_object();
            char key[40];
            snprintf(key, sizeof key, "%s_raise_to", counter_key(i));
            hv_bs_image im = {.has_trust = 1,
                              .root_version = c[raise_trust[i]].root_version,
                              .keyring_version =
                                  c[raise_trust[i]].keyring_version,
                              .key_epoch = c[raise_trust[i]].key_epoch};
            json_object_object_add(p, key, json_object_new_uint64(
                                       hv_bs_image_counter_value(&im, i)));
        }
        json_object_object_add(j, "pending", p);
        cli_json_print(stdout, j); /* and releases j */
        return HV_EXIT_OK;
    }
    char shown[4200];
    printf("flash %s: board %s, OEM %s, %llu bytes, erase block %llu\n",
           hv_printable(flash, shown, sizeof shown), d->board_id, d->oem_id,
           (unsigned long long)d->flash_size,
           (unsigned long long)d->erase_block);
    printf("floor %llu (trust area %llu, ", (unsigned long long)floor,
           (unsigned long long)d->base_floor);
    if (tpm)
        printf("TPM NV index 0x%08x %llu)\n", (unsigned)d->counter_nv,
               (unsigned long long)counter);
    else if (printf("counter "), d->has_counter)
        printf("%llu)\n", (unsigned long long)counter);
    else
        printf("none)\n");
    if (roots)
        printf("counters: root version %llu (trust area %llu), keyring "
               "version %llu, key epoch %llu\n",
               (unsigned long long)fl.root_version,
               (unsigned long long)d->base.root_version,
               (unsigned long long)fl.keyring_version,
               (unsigned long long)fl.key_epoch);
    printf("active slot %c (boot state %s, sequence %u)\n",
           letter(v.st.active), source_name((uint32_t)v.source), v.sequence);
    for (uint32_t s = 0; s < 2; s++) {
        printf("slot %c: %s", letter(s),
               hv_slot_state_name(v.st.slot_state[s]));
        if (v.st.slot_state[s] == HV_SLOT_STATE_TRIAL)
            printf(" (%u tries left)", v.st.tries[s]);
        if (c[s].info_valid)
            printf(", %s %s, security version %llu (min %llu)",
                   hv_printable(c[s].name, shown, sizeof shown),
                   hv_printable(c[s].version, shown + 2048, 2048),
                   (unsigned long long)c[s].security_version,
                   (unsigned long long)c[s].min_security_version);
        if (!c[s].present)
            printf(", erased\n");
        else if (c[s].verified)
            printf(", verifies on this device\n");
        else
            printf(", does not verify: %s\n", c[s].reason);
    }
    if (trial >= 0)
        printf("pending: slot %c on trial, not confirmed\n", letter(trial));
    if (raise >= 0)
        printf("pending: the floor rises to %llu at the next boot of slot "
               "%c\n", (unsigned long long)c[raise].min_security_version,
               letter(raise));
    int any_trust = 0;
    for (uint32_t i = HV_BS_CTR_ROOT; i < HV_BS_COUNTERS; i++) {
        int s = raise_trust[i];
        if (s < 0)
            continue;
        any_trust = 1;
        hv_bs_image im = {.has_trust = 1, .root_version = c[s].root_version,
                          .keyring_version = c[s].keyring_version,
                          .key_epoch = c[s].key_epoch};
        printf("pending: the %s rises to %llu at the next boot of slot %c\n",
               hv_bs_counter_name(i),
               (unsigned long long)hv_bs_image_counter_value(&im, i),
               letter((uint32_t)s));
    }
    if (trial < 0 && raise < 0 && !any_trust)
        printf("pending: nothing\n");
    return HV_EXIT_OK;
}

/* ---- install ------------------------------------------------------------ */

/* Whether the image source |fd| is the flash target itself: the same file,
 * or a node of the same MTD device (mtdN and mtdNro share it). */
static bool same_medium(const hv_flash_target *t, int fd)
{
    struct stat fs, is;
    int tfd = t->kind == HV_FLASH_MTD ? t->mtd.fd : t->file.fd;
    if (fstat(tfd, &fs) != 0 || fstat(fd, &is) != 0)
        return false;
    if (S_ISCHR(fs.st_mode) && S_ISCHR(is.st_mode))
        return major(fs.st_rdev) == major(is.st_rdev) &&
               minor(fs.st_rdev) >> 1 == minor(is.st_rdev) >> 1;
    return fs.st_dev == is.st_dev && fs.st_ino == is.st_ino;
}

static int install(hv_device *d, const hv_flash_target *t, const char *image,
                   bool activate, uint32_t tries)
{
    hv_diag diag = {0};
    int fd = 0;
    if (strcmp(image, "-") != 0) {
        fd = open(image, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            hv_fail_errno(&diag, errno, image, "cannot open the image");
            return cli_report("update", &diag);
        }
    }
    /* The flash is written in place: an image that is the flash itself
     * would be overwritten while it is the source. */
    if (same_medium(t, fd)) {
        if (fd)
            close(fd);
        return cli_usage_error("update", "IMAGE and --flash are the same "
                                         "file");
    }
    hv_install_report rep;
    /* A regular file's length is checked against the header up front. */
    struct stat is;
    uint64_t size = HV_UPDATE_SIZE_UNKNOWN;
    if (fstat(fd, &is) == 0 && S_ISREG(is.st_mode))
        size = (uint64_t)is.st_size;
    int rc = hv_update_install(d, read_fd, &fd,
                               strcmp(image, "-") ? image : "stdin", size,
                               activate, tries, &rep, &diag);
    if (fd)
        close(fd);
    if (rc != 0)
        return cli_report("update", &diag);
    printf("installed %s %s (security version %llu) into slot %c%s\n",
           rep.check.name, rep.check.version,
           (unsigned long long)rep.check.security_version, letter(rep.slot),
           rep.activated ? "; active on trial" : "; not active");
    return HV_EXIT_OK;
}

/* ---- the command -------------------------------------------------------- */

static bool slot_arg(const char *s, uint32_t *slot)
{
    if (!strcmp(s, "a") || !strcmp(s, "A"))
        *slot = HV_SLOT_A;
    else if (!strcmp(s, "b") || !strcmp(s, "B"))
        *slot = HV_SLOT_B;
    else
        return false;
    return true;
}

int cmd_update(int argc, char **argv)
{
    static const struct option opts[] = {
        {"flash", required_argument, 0, 'f'},
        {"json", no_argument, 0, 'j'},
        {"activate", no_argument, 0, 'a'},
        {"tries", required_argument, 0, 't'},
        {"tpm", required_argument, 0, 'T'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *flash = NULL, *tries_s = NULL, *tcti_opt = NULL;
    bool json = false, activate = false;
    uint64_t tries = 3;
    int c, rc;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:jh", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if ((rc = cli_set_once("update", "--flash", &flash, optarg)))
                return rc;
            break;
        case 'j': json = true; break;
        case 'T':
            if ((rc = cli_set_once("update", "--tpm", &tcti_opt, optarg)))
                return rc;
            break;
        case 'a': activate = true; break;
        case 't':
            if ((rc = cli_set_once("update", "--tries", &tries_s, optarg)))
                return rc;
            if (!cli_parse_u64(optarg, &tries) || tries < 1 || tries > 255)
                return cli_usage_error("update", "--tries must be 1 to 255");
            break;
        case 'h': fputs(update_help, stdout); return HV_EXIT_OK;
        default: return cli_usage_error("update", "bad option");
        }
    }
    if (optind >= argc)
        return cli_usage_error("update", "needs a subcommand: status, "
                                         "install, activate, confirm, "
                                         "mark-bad or rollback");
    const char *sub = argv[optind++];
    int nargs = argc - optind;
    if (!flash)
        return cli_usage_error("update", "--flash FLASH is required");
    bool is_status = !strcmp(sub, "status"), is_install = !strcmp(sub, "install"),
         is_activate = !strcmp(sub, "activate");
    bool takes_slot = !strcmp(sub, "confirm") || !strcmp(sub, "mark-bad");
    if (!is_status && !is_install && !is_activate && !takes_slot &&
        strcmp(sub, "rollback") != 0)
        return cli_usage_error("update", "unknown subcommand '%s'", sub);
    if (json && !is_status)
        return cli_usage_error("update", "--json is for status only");
    if (activate && !is_install)
        return cli_usage_error("update", "--activate is for install only");
    if (tries_s && !is_activate && !(is_install && activate))
        return cli_usage_error("update", "--tries is for activate and "
                                         "install --activate");
    if (is_install ? nargs != 1 : takes_slot ? nargs > 1 : nargs != 0)
        return cli_usage_error("update", "%s: %s", sub,
                               is_install ? "needs exactly one IMAGE (or -)"
                                          : takes_slot ? "at most one slot"
                                                       : "takes no argument");
    uint32_t slot = HV_UPDATE_ACTIVE;
    if (takes_slot && nargs == 1 && !slot_arg(argv[optind], &slot))
        return cli_usage_error("update", "slot must be a or b");

    hv_diag diag = {0};
    hv_tpm *tpm = NULL;
    hv_tpm_counter tc[HV_BS_COUNTERS];
    hv_flash_target *t = malloc(sizeof *t);
    hv_device *d = malloc(sizeof *d);
    if (!t || !d) {
        free(t);
        free(d);
        return cli_report("update", &(hv_diag){"out of memory",
                                               HV_FAIL_INTERNAL});
    }
    if (hv_flash_target_open(t, flash, is_status, &diag) != 0) {
        free(t);
        free(d);
        return cli_report("update", &diag);
    }
    hv_flash_ops ops = hv_flash_target_ops(t);
    if (hv_device_open(d, &ops, t->size, flash, &diag) != 0 ||
        hv_flash_target_bind(t, d, &diag) != 0) {
        rc = cli_report("update", &diag);
        goto out;
    }
    /* A device whose counters are in a TPM: read them there (docs/TPM.md):
     * the floor's index, and on a roots device the three after it. */
    const char *tcti = hv_tpm_tcti(tcti_opt);
    if (d->counter_kind == HV_COUNTER_TPM && tcti) {
        if (!(tpm = hv_tpm_open(tcti, &diag))) {
            rc = cli_report("update", &diag);
            goto out;
        }
        hv_counter hc[HV_BS_COUNTERS];
        for (uint32_t i = 0; i < HV_BS_COUNTERS; i++) {
            tc[i] = (hv_tpm_counter){tpm, hv_tpm_counter_nv(d->counter_nv, i),
                                     &diag};
            hc[i] = hv_tpm_counter_ops(&tc[i]);
        }
        hv_device_use_counters(d, hc);
    } else if (tcti_opt) {
        rc = cli_usage_error("update", "--tpm: this device keeps its floor "
                                       "in flash (counter kind lab)");
        goto out;
    }
    /* Without its TPM, a TPM device's floor is unknown: what needs the
     * floor is refused here, with the reason (confirm and mark-bad do
     * not read it). */
    uint64_t floor_check;
    if ((is_status || is_install || is_activate || !strcmp(sub, "rollback")) &&
        hv_device_floor(d, &floor_check, &diag) != 0) {
        rc = cli_report("update", &diag);
        goto out;
    }
    if (is_status) {
        rc = status(flash, d, json);
        goto out;
    }
    if (is_install) {
        rc = install(d, t, argv[optind], activate, (uint32_t)tries);
    } else {
        int r;
        const char *what;
        if (is_activate) {
            r = hv_update_activate(d, (uint32_t)tries, &slot, &diag);
            what = "activated on trial";
        } else if (!strcmp(sub, "confirm")) {
            r = hv_update_confirm(d, &slot, &diag);
            what = "confirmed (good)";
        } else if (!strcmp(sub, "mark-bad")) {
            r = hv_update_mark_bad(d, &slot, &diag);
            what = "marked bad";
        } else {
            r = hv_update_rollback(d, &slot, &diag);
            what = "active (rolled back)";
        }
        rc = r ? cli_report("update", &diag) : HV_EXIT_OK;
        if (!r)
            printf("slot %c %s\n", letter(slot), what);
    }
    /* Every change is on the device before success is reported. */
    if (hv_flash_target_sync(t, &diag) != 0 && rc == HV_EXIT_OK)
        rc = cli_report("update", &diag);
out:
    hv_tpm_close(tpm);
    hv_flash_target_close(t);
    free(t);
    free(d);
    return rc;
}
