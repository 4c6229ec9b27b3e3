/*
 * The agent's check that Linux did not take the flash window as RAM
 * (initramfs/iomem.h), on /proc/iomem texts like this kernel's under QEMU:
 * with a 64 MiB flash (not hot-added) and a 128 MiB one (hot-added as
 * System RAM when acpi_no_memhotplug is missing).
 */
#include "check.h"
#include "iomem.h"

#define FLASH 0x100000000ull

int main(void)
{
    uint64_t a = 0, b = 0;
    const char *reserved =
        "00000000-00000fff : Reserved\n"
        "00001000-0009fbff : System RAM\n"
        "00100000-3ffdffff : System RAM\n"
        "  1a000000-1b000000 : Kernel code\n"
        "fffc0000-103ffffff : Reserved\n";
    CHECK(hvi_iomem_ram_overlap(reserved, FLASH, 64 << 20, &a, &b) == 0);
    const char *hot =
        "00100000-3ffdffff : System RAM\n"
        "100000000-107ffffff : System RAM\n";
    CHECK(hvi_iomem_ram_overlap(hot, FLASH, 64 << 20, &a, &b) == 1);
    CHECK(a == FLASH && b == 0x107ffffffull);
    /* Overlaps at either edge count; touching does not. */
    const char *edge = "fff00000-100000000 : System RAM\n";
    CHECK(hvi_iomem_ram_overlap(edge, FLASH, 64 << 20, &a, &b) == 1);
    const char *below = "fff00000-ffffffff : System RAM\n";
    CHECK(hvi_iomem_ram_overlap(below, FLASH, 64 << 20, &a, &b) == 0);
    const char *after = "104000000-104ffffff : System RAM";
    CHECK(hvi_iomem_ram_overlap(after, FLASH, 64 << 20, &a, &b) == 0);
    CHECK(hvi_iomem_ram_overlap(after, FLASH, (64 << 20) + 1, &a, &b) == 1);
    /* Hot-added memory over a reserved range is nested under it (as this
     * kernel shows it); names that start alike are not RAM. */
    const char *nested = "fffc0000-107ffffff : Reserved\n"
                         "  100000000-107ffffff : System RAM\n";
    CHECK(hvi_iomem_ram_overlap(nested, FLASH, 64 << 20, &a, &b) == 1);
    CHECK(a == FLASH && b == 0x107ffffffull);
    const char *alike = "100000000-107ffffff : System RAMx\n"
                        "100000000-107ffffff : System RA\n"
                        "    100000000-107ffffff : Reserved\n";
    CHECK(hvi_iomem_ram_overlap(alike, FLASH, 64 << 20, &a, &b) == 0);
    CHECK(hvi_iomem_ram_overlap("   \n", FLASH, 1, &a, &b) == 0);
    /* Malformed top-level lines; a window that wraps. */
    CHECK(hvi_iomem_ram_overlap("zz-10 : System RAM\n", FLASH, 1, &a, &b) == -1);
    CHECK(hvi_iomem_ram_overlap("10-5 : System RAM\n", FLASH, 1, &a, &b) == -1);
    CHECK(hvi_iomem_ram_overlap("10-20 System RAM\n", FLASH, 1, &a, &b) == -1);
    CHECK(hvi_iomem_ram_overlap("10000000000000000-1 : x\n", FLASH, 1, &a,
                                &b) == -1);
    CHECK(hvi_iomem_ram_overlap("", UINT64_MAX, 2, &a, &b) == -1);
    CHECK(hvi_iomem_ram_overlap("", FLASH, 0, &a, &b) == -1);
    CHECK(hvi_iomem_ram_overlap("", FLASH, 1, &a, &b) == 0);
    return CHECK_DONE();
}
