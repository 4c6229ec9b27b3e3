/* The on-device update agent (agent.h). */
#include "agent.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdline.h"
#include "decide.h"
#include "hvupdate.h"
#include "iomem.h"

/* The MTD device phram makes is named this (/sys/class/mtd/mtdN/name). */
#define FLASH_MTD_NAME "hvflash"

static char letter(uint32_t slot) { return slot ? 'B' : 'A'; }

/* /dev/mtdN of the MTD device named |name|, from sysfs. */
static int find_mtd(const char *name, char *node, size_t node_size)
{
    DIR *d = opendir("/sys/class/mtd");
    if (!d)
        return -1;
    struct dirent *e;
    int rc = -1;
    while ((e = readdir(d)) != NULL) {
        /* mtdN only: mtdNro is the same device's read-only node. */
        if (strncmp(e->d_name, "mtd", 3) != 0 ||
            e->d_name[strspn(e->d_name + 3, "0123456789") + 3] != '\0' ||
            e->d_name[3] == '\0')
            continue;
        char path[300], got[64] = "";
        snprintf(path, sizeof path, "/sys/class/mtd/%s/name", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (fgets(got, sizeof got, f))
            got[strcspn(got, "\n")] = '\0';
        fclose(f);
        if (strcmp(got, name) == 0 &&
            (size_t)snprintf(node, node_size, "/dev/%s", e->d_name) <
                node_size) {
            rc = 0;
            break;
        }
    }
    closedir(d);
    return rc;
}

/* The text of /proc/iomem into |buf|; -1 if it cannot be read or does not
 * fit (a range cut off could be the one over the flash). */
static int read_iomem(char *buf, size_t size)
{
    FILE *f = fopen("/proc/iomem", "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    int more = fgetc(f) != EOF;
    fclose(f);
    if (more)
        errno = EFBIG;
    return more ? -1 : 0;
}

static int fail(char *outcome, size_t size, const hv_diag *diag)
{
    printf("hvinit: agent: %s\n", diag->msg);
    snprintf(outcome, size, "error");
    return -1;
}

int hvi_agent_run(const char *cmdline, bool healthy, hvi_modset *mods,
                  char *outcome, size_t outcome_size)
{
    hv_diag diag = {0};
    hvi_boot_words words;
    hvi_cmdline_boot_words(cmdline, &words);
    hvi_flash_window fw;
    if (hvi_cmdline_flash(cmdline, &fw) != 0) {
        hv_diag_set(&diag, "hvinit.flash= is malformed (BASE,SIZE,ERASE)");
        return fail(outcome, outcome_size, &diag);
    }

    /* Linux must not hold the flash as memory: pages it hands out there
     * would be written over the slots (iomem.h). */
    static char iomem[64 * 1024];
    uint64_t lo, hi;
    if (read_iomem(iomem, sizeof iomem) != 0) {
        hv_fail_errno(&diag, errno, "/proc/iomem", "cannot read");
        return fail(outcome, outcome_size, &diag);
    }
    int ram = hvi_iomem_ram_overlap(iomem, fw.base, fw.size, &lo, &hi);
    if (ram != 0) {
        if (ram < 0)
            hv_diag_set(&diag, "/proc/iomem: cannot read its ranges");
        else
            hv_fail(&diag, HV_FAIL_IO, "the flash window %#llx-%#llx is "
                    "System RAM to Linux (%#llx-%#llx, hot-added memory?): "
                    "not touching it (boot with acpi_no_memhotplug)",
                    (unsigned long long)fw.base,
                    (unsigned long long)(fw.base + fw.size - 1),
                    (unsigned long long)lo, (unsigned long long)hi);
        return fail(outcome, outcome_size, &diag);
    }

    /* The flash window as an MTD device with the stage's erase blocks. */
    char params[160], node[64];
    snprintf(params, sizeof params, "phram=%s,%#llx,%#llx,%#llx",
             FLASH_MTD_NAME, (unsigned long long)fw.base,
             (unsigned long long)fw.size, (unsigned long long)fw.erase);
    if (find_mtd(FLASH_MTD_NAME, node, sizeof node) != 0) {
        if (hvi_modules_load_one(mods, "phram", params, &diag) != 0)
            return fail(outcome, outcome_size, &diag);
        if (find_mtd(FLASH_MTD_NAME, node, sizeof node) != 0) {
            hv_fail(&diag, HV_FAIL_IO, "phram loaded (%s) but no MTD device "
                    "is named %s", params, FLASH_MTD_NAME);
            return fail(outcome, outcome_size, &diag);
        }
    }
    printf("hvinit: flash window %#llx, %llu bytes, erase block %llu: %s\n",
           (unsigned long long)fw.base, (unsigned long long)fw.size,
           (unsigned long long)fw.erase, node);

    int rc = -1;
    hv_flash_target *t = malloc(sizeof *t);
    hv_device *d = malloc(sizeof *d);
    if (!t || !d) {
        free(t);
        free(d);
        hv_fail(&diag, HV_FAIL_INTERNAL, "out of memory");
        return fail(outcome, outcome_size, &diag);
    }
    if (hv_flash_target_open(t, node, false, &diag) != 0) {
        free(t);
        free(d);
        return fail(outcome, outcome_size, &diag);
    }
    hv_flash_ops ops = hv_flash_target_ops(t);
    hv_bs_view v;
    uint64_t floor;
    if (hv_device_open(d, &ops, t->size, node, &diag) != 0 ||
        hv_flash_target_bind(t, d, &diag) != 0 ||
        hv_device_floor(d, &floor, &diag) != 0) {
        fail(outcome, outcome_size, &diag);
        goto out;
    }
    if (hv_bs_read(&d->flash, &d->layout, &v) != 0) {
        hv_fail(&diag, HV_FAIL_IO, "%s: cannot read the boot state", node);
        fail(outcome, outcome_size, &diag);
        goto out;
    }
    /* The boot state, in short (`hvimage update status` says more). */
    printf("hvinit: device: board %s, OEM %s, floor %llu\n", d->board_id,
           d->oem_id, (unsigned long long)floor);
    printf("hvinit: boot state: active slot %c, sequence %u; slot A %s",
           letter(v.st.active), v.sequence,
           hv_slot_state_name(v.st.slot_state[0]));
    if (v.st.slot_state[0] == HV_SLOT_STATE_TRIAL)
        printf(" (%u tries left)", v.st.tries[0]);
    printf(", slot B %s", hv_slot_state_name(v.st.slot_state[1]));
    if (v.st.slot_state[1] == HV_SLOT_STATE_TRIAL)
        printf(" (%u tries left)", v.st.tries[1]);
    printf("\n");

    hvi_state_view sv = {
        .active = (int)v.st.active,
        .on_trial = v.st.slot_state[v.st.active] == HV_SLOT_STATE_TRIAL,
    };
    hvi_decision dec = hvi_decide(&words, &sv, healthy);
    if (dec != HVI_CONFIRM) {
        printf("hvinit: agent: %s\n", hvi_decision_text(dec));
        snprintf(outcome, outcome_size, "%s", hvi_decision_text(dec));
        rc = 0;
        goto out;
    }
    uint32_t slot = (uint32_t)words.slot;
    if (hv_update_confirm(d, &slot, &diag) != 0 ||
        hv_flash_target_sync(t, &diag) != 0) {
        fail(outcome, outcome_size, &diag);
        goto out;
    }
    printf("hvinit: confirmed slot %c\n", letter(slot));
    snprintf(outcome, outcome_size, "confirmed slot %c", letter(slot));
    rc = 0;
out:
    hv_flash_target_close(t);
    free(t);
    free(d);
    return rc;
}
