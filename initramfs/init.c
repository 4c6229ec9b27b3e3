/*
 * hvinit: /init of the hypervisor's initramfs (docs/LINUX.md). Mounts the
 * kernel's file systems, loads the vendor driver packages' modules (the
 * image's drivers section, unpacked by the kernel after the base
 * initramfs), checks that the hypervisor works by running a guest through
 * /dev/kvm, runs the update agent (which confirms a trial boot that passed
 * the check), prints a summary line and ends the VM: QEMU's isa-debug-exit
 * port with the outcome, else a power-off.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "agent.h"
#include "kvm_guest.h"
#include "modules.h"

/* QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4): a
 * value V written there exits QEMU with status V * 2 + 1. */
#define DEBUG_EXIT_PORT 0xf4
#define EXIT_ALL_PASSED 0x10 /* QEMU exits 33 */
#define EXIT_FAILED 0x11     /* QEMU exits 35 */

static void mount_fs(const char *src, const char *dir, const char *type)
{
    mkdir(dir, 0755);
    if (mount(src, dir, type, 0, NULL) != 0 && errno != EBUSY)
        printf("hvinit: cannot mount %s on %s: %s\n", type, dir,
               strerror(errno));
}

static void read_cmdline(char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen("/proc/cmdline", "r");
    if (!f)
        return;
    if (!fgets(buf, (int)size, f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

/* The vendor packages the image's drivers section holds, from its index
 * (one "VENDOR VERSION" line each; the builder writes it). For the log
 * only: what loads is decided by the modules themselves. */
static void print_packages(const char *dir)
{
    char path[600], line[256], shown[1024];
    snprintf(path, sizeof path, "%s/%s/drivers.idx", dir, HVI_VENDOR_DIR);
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("hvinit: no driver package index (%s)\n", path);
        return;
    }
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0])
            printf("hvinit: package %s\n",
                   hv_printable(line, shown, sizeof shown));
    }
    fclose(f);
}

/* Seconds since the kernel started (/proc/uptime), for the timing lines;
 * -1 if unknown. */
static double uptime(void)
{
    double up = -1;
    FILE *f = fopen("/proc/uptime", "r");
    if (f) {
        if (fscanf(f, "%lf", &up) != 1)
            up = -1;
        fclose(f);
    }
    return up;
}

/* End the VM. Never returns. */
static void finish(bool ok)
{
    fflush(stdout);
    sync();
    if (ioperm(DEBUG_EXIT_PORT, 1, 1) == 0)
        outb(ok ? EXIT_ALL_PASSED : EXIT_FAILED, DEBUG_EXIT_PORT);
    /* No debug-exit device (a real machine, or QEMU without it). */
    reboot(RB_POWER_OFF);
    for (;;)
        pause();
}

int main(void)
{
    /* The console, line by line even when it is not a terminal. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    mount_fs("proc", "/proc", "proc");
    mount_fs("sysfs", "/sys", "sysfs");
    mount_fs("devtmpfs", "/dev", "devtmpfs");
    if (dup2(STDOUT_FILENO, STDERR_FILENO) < 0)
        printf("hvinit: stderr stays apart: %s\n", strerror(errno));

    struct utsname u;
    if (uname(&u) != 0)
        snprintf(u.release, sizeof u.release, "unknown");
    static char cmdline[4096];
    read_cmdline(cmdline, sizeof cmdline);
    printf("hvinit: Linux %s, command line: %s\n", u.release, cmdline);
    double started = uptime();

    /* 1. The modules. */
    char dir[512];
    snprintf(dir, sizeof dir, "/lib/modules/%s", u.release);
    hvi_modset mods;
    hv_diag diag = {0};
    size_t not_loaded = 0;
    print_packages(dir);
    bool modules_ok = false;
    if (hvi_modules_scan(&mods, dir, &diag) != 0) {
        printf("hvinit: modules: %s\n", diag.msg);
    } else {
        size_t vendor = 0;
        for (size_t i = 0; i < mods.count; i++)
            vendor += mods.package[i] != NULL;
        printf("hvinit: %zu modules in %s, %zu from vendor packages\n",
               mods.count, dir, vendor);
        not_loaded = hvi_modules_load_vendor(&mods);
        modules_ok = vendor > 0 && not_loaded == 0;
        if (vendor == 0)
            printf("hvinit: no vendor package modules under %s/%s\n", dir,
                   HVI_VENDOR_DIR);
    }

    /* 2. The health check: the hypervisor runs a guest. */
    hvi_guest_report guest;
    hv_diag gdiag = {0};
    bool guest_ok = hvi_kvm_guest_run(&guest, &gdiag) == 0;
    if (guest_ok) {
        printf("hvinit: guest says: %s\n", guest.text);
        printf("hvinit: guest halted after %u exits\n", guest.exits);
    } else {
        printf("hvinit: guest failed: %s\n", gdiag.msg);
    }
    bool healthy = modules_ok && guest_ok;

    /* 3. The update agent. */
    char outcome[200];
    bool agent_ok = hvi_agent_run(cmdline, healthy, &mods, outcome,
                                  sizeof outcome) == 0;

    printf("hvinit: started %.2f s after the kernel, ended %.2f s after\n",
           started, uptime());
    printf("hvinit: done: modules %zu, guest %s, agent: %s\n",
           mods.loaded_count, guest_ok ? "ok" : "failed", outcome);
    hvi_modules_free(&mods);
    finish(healthy && agent_ok);
}
