/*
 * The health check's guest: through /dev/kvm, a VM with one memory slot
 * and one vCPU runs a few bytes of real-mode code that write a text to an
 * I/O port byte by byte, then halt. Proves that the vendor modules made a
 * usable hypervisor, not merely that they loaded.
 */
#ifndef HVINIT_KVM_GUEST_H
#define HVINIT_KVM_GUEST_H

#include <stddef.h>

#include "diag.h"

typedef struct hvi_guest_report {
    char text[128];   /* what the guest wrote to its port */
    unsigned exits;   /* KVM_RUN returns until the halt   */
} hvi_guest_report;

/* Run the guest until it halts. Fails (the message says where: opening
 * /dev/kvm, the API version, an ioctl, an exit that is neither the port
 * nor the halt) with |rep| holding what it wrote so far. */
int hvi_kvm_guest_run(hvi_guest_report *rep, hv_diag *diag);

#endif
