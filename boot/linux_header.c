/*
 * The bzImage checks (hvlinux.h): what a kernel must offer for the stage
 * to start it through the 64-bit entry, read from its setup header with
 * every offset bounded by the file, and where its bytes go in the core
 * window. The builder runs these at build time and the stage again on the
 * verified bytes in RAM, so an image the stage would refuse is never
 * signed.
 */
#include "hvimage/codec.h"
#include "hvlinux.h"

/* Setup header fields, as offsets into the file (and the zero page). */
#define OFF_SETUP_SECTS 0x1F1u
#define OFF_SYSSIZE 0x1F4u
#define OFF_BOOT_FLAG 0x1FEu
#define OFF_JUMP 0x200u
#define OFF_HEADER 0x202u
#define OFF_VERSION 0x206u
#define OFF_KERNEL_VERSION 0x20Eu
#define OFF_LOADFLAGS 0x211u
#define OFF_INITRD_ADDR_MAX 0x22Cu
#define OFF_KERNEL_ALIGNMENT 0x230u
#define OFF_RELOCATABLE 0x234u
#define OFF_XLOADFLAGS 0x236u
#define OFF_CMDLINE_SIZE 0x238u
#define OFF_PREF_ADDRESS 0x258u
#define OFF_INIT_SIZE 0x260u
/* A 2.12+ header reaches at least past init_size; the zero page keeps
 * other fields from 0x290 on, so no header may run beyond that. */
#define HEADER_MIN_END (OFF_INIT_SIZE + 4u)
#define HEADER_MAX_END 0x290u

#define LOADED_HIGH 0x01u
#define XLF_KERNEL_64 0x0001u
#define MAX_ALIGNMENT (16u << 20)
#define SECTOR 512u

const char *hv_linux_refusal_name(hv_linux_refusal r)
{
    switch (r) {
    case HV_LINUX_OK: return "ok";
    case HV_LINUX_TOO_SHORT: return "too_short";
    case HV_LINUX_NO_BOOT_FLAG: return "no_boot_flag";
    case HV_LINUX_NO_HEADER: return "no_header";
    case HV_LINUX_OLD_PROTOCOL: return "old_protocol";
    case HV_LINUX_NOT_64BIT: return "not_64bit";
    case HV_LINUX_NOT_RELOCATABLE: return "not_relocatable";
    case HV_LINUX_NOT_LOADED_HIGH: return "not_loaded_high";
    case HV_LINUX_BAD_SIZES: return "bad_sizes";
    case HV_LINUX_BAD_ALIGNMENT: return "bad_alignment";
    case HV_LINUX_BAD_INIT_SIZE: return "bad_init_size";
    }
    return "unknown";
}

const char *hv_linux_refusal_str(hv_linux_refusal r)
{
    switch (r) {
    case HV_LINUX_OK: return "a bzImage the stage can start";
    case HV_LINUX_TOO_SHORT: return "the file is shorter than its setup code";
    case HV_LINUX_NO_BOOT_FLAG: return "no boot flag 0xAA55 at offset 0x1FE";
    case HV_LINUX_NO_HEADER: return "no setup header (\"HdrS\" at offset 0x202)";
    case HV_LINUX_OLD_PROTOCOL:
        return "boot protocol older than 2.12 (no 64-bit entry)";
    case HV_LINUX_NOT_64BIT: return "the kernel has no 64-bit entry "
                                    "(xloadflags lacks XLF_KERNEL_64)";
    case HV_LINUX_NOT_RELOCATABLE: return "the kernel is not relocatable";
    case HV_LINUX_NOT_LOADED_HIGH:
        return "a zImage (loaded low), not a bzImage";
    case HV_LINUX_BAD_SIZES:
        return "the header's sizes do not match the file";
    case HV_LINUX_BAD_ALIGNMENT:
        return "kernel_alignment is not a power of two up to 16 MiB";
    case HV_LINUX_BAD_INIT_SIZE:
        return "init_size is smaller than the kernel";
    }
    return "unknown refusal";
}

/* The first word of the kernel_version string, if it is one: text of the
 * charset hvimage uses for names, ending at a space or NUL inside the
 * setup code. Anything else leaves |out| empty. */
static void read_release(const uint8_t *bz, uint32_t setup_size, char *out,
                         size_t cap)
{
    out[0] = '\0';
    uint32_t ptr = hv_le16(bz + OFF_KERNEL_VERSION);
    if (ptr == 0)
        return;
    uint32_t at = ptr + 0x200u;
    size_t n = 0;
    for (; at + n < setup_size && n + 1 < cap; n++) {
        uint8_t c = bz[at + n];
        if (c == ' ' || c == '\0')
            break;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                 c == '+' || c == '-';
        if (!ok) {
            out[0] = '\0';
            return;
        }
        out[n] = (char)c;
    }
    /* Ended by the file, or too long: no release rather than a cut one. */
    if (at + n >= setup_size || n + 1 >= cap ||
        (bz[at + n] != ' ' && bz[at + n] != '\0'))
        n = 0;
    out[n] = '\0';
}

hv_linux_refusal hv_linux_parse(const uint8_t *bz, uint64_t len,
                                hv_linux_kernel *k)
{
    for (size_t i = 0; i < sizeof *k; i++)
        ((uint8_t *)k)[i] = 0;
    /* Everything below reads inside the first 1 KiB (the header fields)
     * until the setup size is known and checked against |len|. */
    if (len < 1024)
        return HV_LINUX_TOO_SHORT;
    if (hv_le16(bz + OFF_BOOT_FLAG) != 0xAA55u)
        return HV_LINUX_NO_BOOT_FLAG;
    if (bz[OFF_HEADER] != 'H' || bz[OFF_HEADER + 1] != 'd' ||
        bz[OFF_HEADER + 2] != 'r' || bz[OFF_HEADER + 3] != 'S')
        return HV_LINUX_NO_HEADER;
    k->protocol = hv_le16(bz + OFF_VERSION);
    if (k->protocol < HV_LINUX_MIN_PROTOCOL)
        return HV_LINUX_OLD_PROTOCOL;

    /* The setup header ends where the jump at 0x200 lands. */
    k->header_end = OFF_HEADER + bz[OFF_JUMP + 1];
    if (bz[OFF_JUMP] != 0xEB || k->header_end < HEADER_MIN_END ||
        k->header_end > HEADER_MAX_END)
        return HV_LINUX_BAD_SIZES;

    uint32_t sects = bz[OFF_SETUP_SECTS];
    if (sects == 0)
        sects = 4; /* the protocol's rule for old kernels */
    k->setup_size = (sects + 1) * SECTOR;
    if (len <= k->setup_size)
        return HV_LINUX_TOO_SHORT;
    k->kernel_size = len - k->setup_size;
    uint64_t sys = (uint64_t)hv_le32(bz + OFF_SYSSIZE) * 16u;
    if (sys == 0 || sys > k->kernel_size ||
        k->kernel_size <= HV_LINUX_ENTRY64_OFFSET)
        return HV_LINUX_BAD_SIZES;

    if (!(bz[OFF_LOADFLAGS] & LOADED_HIGH))
        return HV_LINUX_NOT_LOADED_HIGH;
    k->xloadflags = hv_le16(bz + OFF_XLOADFLAGS);
    if (!(k->xloadflags & XLF_KERNEL_64))
        return HV_LINUX_NOT_64BIT;
    if (bz[OFF_RELOCATABLE] == 0)
        return HV_LINUX_NOT_RELOCATABLE;
    k->kernel_alignment = hv_le32(bz + OFF_KERNEL_ALIGNMENT);
    if (k->kernel_alignment == 0 ||
        (k->kernel_alignment & (k->kernel_alignment - 1)) != 0 ||
        k->kernel_alignment > MAX_ALIGNMENT)
        return HV_LINUX_BAD_ALIGNMENT;
    k->init_size = hv_le32(bz + OFF_INIT_SIZE);
    if (k->init_size < k->kernel_size)
        return HV_LINUX_BAD_INIT_SIZE;

    k->initrd_addr_max = hv_le32(bz + OFF_INITRD_ADDR_MAX);
    k->cmdline_size = hv_le32(bz + OFF_CMDLINE_SIZE);
    k->pref_address = hv_le64(bz + OFF_PREF_ADDRESS);
    read_release(bz, k->setup_size, k->release, sizeof k->release);
    return HV_LINUX_OK;
}

int hv_linux_placement(const hv_linux_kernel *k, uint64_t window_base,
                       uint64_t window_limit, uint64_t *load, uint64_t *entry)
{
    uint64_t align = k->kernel_alignment;
    if (align == 0 || window_base > UINT64_MAX - k->setup_size - align)
        return -1;
    /* The protected-mode part on the first boundary after the setup. */
    uint64_t pm = (window_base + k->setup_size + align - 1) & ~(align - 1);
    if (k->kernel_size > window_limit || pm > window_limit - k->kernel_size)
        return -1;
    *load = pm - k->setup_size;
    *entry = pm + HV_LINUX_ENTRY64_OFFSET;
    return 0;
}

int hv_linux_cmdline_check(const uint8_t *s, uint64_t len, uint64_t max,
                           uint64_t *bad)
{
    if (len == 0 || len > max) {
        *bad = len;
        return -1;
    }
    for (uint64_t i = 0; i < len; i++)
        if (s[i] < 0x20 || s[i] > 0x7E) {
            *bad = i;
            return -1;
        }
    return 0;
}
