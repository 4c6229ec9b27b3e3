/*
 * Whether Linux took the flash window as RAM (/proc/iomem). Under QEMU the
 * flash is a pc-dimm that ACPI also announces as hot-pluggable memory:
 * Linux hot-adds it as "System RAM" when the window is a multiple of its
 * memory block size (128 MiB here) unless booted with acpi_no_memhotplug,
 * whatever the e820 map says; then pages of the flash can be handed out
 * as memory. The agent refuses such a flash (docs/LINUX.md). Pure: the
 * host unit tests feed it crafted /proc/iomem texts.
 */
#ifndef HVINIT_IOMEM_H
#define HVINIT_IOMEM_H

#include <stdint.h>

/* 1 if a "System RAM" range of |iomem| (the text of /proc/iomem), at any
 * depth, overlaps [base, base + size), with the first such range in *first
 * and *last (inclusive); 0 if none does; -1 if a line is malformed. */
int hvi_iomem_ram_overlap(const char *iomem, uint64_t base, uint64_t size,
                          uint64_t *first, uint64_t *last);

#endif
