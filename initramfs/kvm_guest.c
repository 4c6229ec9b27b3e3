/* The health check's KVM guest (kvm_guest.h). */
#include "kvm_guest.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* The guest: real mode, code at CODE_AT, its text at TEXT_AT (NUL ends it),
 * written to port GUEST_PORT. */
#define GUEST_MEM 0x10000
#define CODE_AT 0x1000
#define TEXT_AT 0x1100
#define GUEST_PORT 0x10
/* A guest that neither halts nor stops writing is broken: stop it. */
#define MAX_EXITS 10000

static const char guest_text[] = "hello from a KVM guest";

/*
 *   mov si, TEXT_AT      be 00 11
 *   mov dx, GUEST_PORT   ba 10 00
 * next:
 *   lodsb                ac          al = [ds:si++]
 *   test al, al          84 c0
 *   jz done              74 03
 *   out dx, al           ee
 *   jmp next             eb f8
 * done:
 *   hlt                  f4
 */
static const unsigned char guest_code[] = {
    0xbe, TEXT_AT & 0xff, TEXT_AT >> 8,
    0xba, GUEST_PORT, 0x00,
    0xac, 0x84, 0xc0, 0x74, 0x03, 0xee, 0xeb, 0xf8,
    0xf4,
};

static const char *exit_name(unsigned reason)
{
    switch (reason) {
    case KVM_EXIT_UNKNOWN: return "unknown";
    case KVM_EXIT_EXCEPTION: return "exception";
    case KVM_EXIT_MMIO: return "MMIO";
    case KVM_EXIT_SHUTDOWN: return "shutdown (triple fault)";
    case KVM_EXIT_FAIL_ENTRY: return "entry failed";
    case KVM_EXIT_INTERNAL_ERROR: return "internal error";
    default: return "unexpected";
    }
}

int hvi_kvm_guest_run(hvi_guest_report *rep, hv_diag *diag)
{
    memset(rep, 0, sizeof *rep);
    int kvm = -1, vm = -1, cpu = -1, rc = -1;
    void *mem = MAP_FAILED;
    struct kvm_run *run = MAP_FAILED;
    long run_size = 0;
    size_t used = 0;

    kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) {
        hv_fail_errno(diag, errno, "/dev/kvm", "cannot open");
        goto out;
    }
    int api = ioctl(kvm, KVM_GET_API_VERSION, 0);
    if (api != KVM_API_VERSION) {
        hv_fail(diag, HV_FAIL_IO, "/dev/kvm: API version %d, wanted %d", api,
                KVM_API_VERSION);
        goto out;
    }
    vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) {
        hv_fail_errno(diag, errno, "/dev/kvm", "KVM_CREATE_VM");
        goto out;
    }
    mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        hv_fail_errno(diag, errno, "guest memory", "mmap");
        goto out;
    }
    memcpy((char *)mem + CODE_AT, guest_code, sizeof guest_code);
    memcpy((char *)mem + TEXT_AT, guest_text, sizeof guest_text);
    struct kvm_userspace_memory_region region = {
        .slot = 0,
        .guest_phys_addr = 0,
        .memory_size = GUEST_MEM,
        .userspace_addr = (unsigned long)mem,
    };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) != 0) {
        hv_fail_errno(diag, errno, "/dev/kvm", "KVM_SET_USER_MEMORY_REGION");
        goto out;
    }
    cpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (cpu < 0) {
        hv_fail_errno(diag, errno, "/dev/kvm", "KVM_CREATE_VCPU");
        goto out;
    }
    run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size < (long)sizeof *run) {
        hv_fail(diag, HV_FAIL_IO, "/dev/kvm: vCPU mmap size %ld", run_size);
        goto out;
    }
    run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
               cpu, 0);
    if (run == MAP_FAILED) {
        hv_fail_errno(diag, errno, "/dev/kvm", "mmap of the vCPU");
        goto out;
    }
    /* Real mode at 0:CODE_AT, every segment based at 0. */
    struct kvm_sregs sregs;
    if (ioctl(cpu, KVM_GET_SREGS, &sregs) != 0) {
        hv_fail_errno(diag, errno, "/dev/kvm", "KVM_GET_SREGS");
        goto out;
    }
    sregs.cs.base = sregs.ds.base = sregs.es.base = sregs.ss.base = 0;
    sregs.cs.selector = sregs.ds.selector = sregs.es.selector =
        sregs.ss.selector = 0;
    if (ioctl(cpu, KVM_SET_SREGS, &sregs) != 0) {
        hv_fail_errno(diag, errno, "/dev/kvm", "KVM_SET_SREGS");
        goto out;
    }
    struct kvm_regs regs = {.rip = CODE_AT, .rflags = 0x2};
    if (ioctl(cpu, KVM_SET_REGS, &regs) != 0) {
        hv_fail_errno(diag, errno, "/dev/kvm", "KVM_SET_REGS");
        goto out;
    }
    for (;;) {
        if (rep->exits >= MAX_EXITS) {
            hv_fail(diag, HV_FAIL_IO, "the guest did not halt after %u exits",
                    rep->exits);
            goto out;
        }
        if (ioctl(cpu, KVM_RUN, 0) != 0) {
            if (errno == EINTR)
                continue;
            hv_fail_errno(diag, errno, "/dev/kvm", "KVM_RUN");
            goto out;
        }
        rep->exits++;
        if (run->exit_reason == KVM_EXIT_HLT)
            break;
        if (run->exit_reason == KVM_EXIT_IO &&
            run->io.direction == KVM_EXIT_IO_OUT &&
            run->io.port == GUEST_PORT && run->io.size == 1 &&
            run->io.data_offset < (unsigned long)run_size &&
            run->io.count <= (unsigned long)run_size - run->io.data_offset) {
            const char *data = (const char *)run + run->io.data_offset;
            for (unsigned i = 0; i < run->io.count; i++)
                if (used + 1 < sizeof rep->text)
                    rep->text[used++] = data[i];
            continue;
        }
        if (run->exit_reason == KVM_EXIT_IO)
            hv_fail(diag, HV_FAIL_IO, "the guest used port %#x (%s, %u "
                    "bytes), not port %#x", run->io.port,
                    run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
                    run->io.size, GUEST_PORT);
        else if (run->exit_reason == KVM_EXIT_FAIL_ENTRY)
            hv_fail(diag, HV_FAIL_IO, "exit %u (%s), hardware reason %#llx",
                    run->exit_reason, exit_name(run->exit_reason),
                    (unsigned long long)
                        run->fail_entry.hardware_entry_failure_reason);
        else if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
            hv_fail(diag, HV_FAIL_IO, "exit %u (%s), suberror %u",
                    run->exit_reason, exit_name(run->exit_reason),
                    run->internal.suberror);
        else
            hv_fail(diag, HV_FAIL_IO, "exit %u (%s)", run->exit_reason,
                    exit_name(run->exit_reason));
        goto out;
    }
    if (strcmp(rep->text, guest_text) != 0) {
        char shown[4 * sizeof rep->text];
        hv_fail(diag, HV_FAIL_IO, "the guest wrote \"%s\", not \"%s\"",
                hv_printable(rep->text, shown, sizeof shown), guest_text);
        goto out;
    }
    rc = 0;
out:
    if (run != MAP_FAILED)
        munmap(run, (size_t)run_size);
    if (mem != MAP_FAILED)
        munmap(mem, GUEST_MEM);
    if (cpu >= 0)
        close(cpu);
    if (vm >= 0)
        close(vm);
    if (kvm >= 0)
        close(kvm);
    return rc;
}
