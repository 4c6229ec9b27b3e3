/*
 * The device policy's RAM placement (boot/include/hvpolicy.h), the code the
 * boot stage's section_memory and the host tools share: window edges
 * (first and last byte in, one byte out), values that would wrap a sum,
 * the payload bump order and alignment, and the replay over a verified
 * image's sections, including the hand-off condition.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "hvpolicy.h"

static const hv_ram_windows w = {0x100000, 0x1000000, 0x2000000, 0xE000000,
                                 0x2001000, 4096};

static hv_section core(uint64_t load, uint64_t size, uint32_t comp)
{
    hv_section s;
    memset(&s, 0, sizeof s);
    s.type = HV_SECTION_CORE;
    s.compression = comp;
    s.load_address = load;
    s.entry_point = load;
    s.unpacked_size = size;
    s.stored_size = comp == HV_COMPRESSION_NONE ? size : 100;
    return s;
}

static hv_section other(uint64_t stored, uint64_t unpacked, uint32_t comp)
{
    hv_section s;
    memset(&s, 0, sizeof s);
    s.type = HV_SECTION_EXTRA;
    s.compression = comp;
    s.stored_size = stored;
    s.unpacked_size = unpacked;
    return s;
}

/* Place one core section in a fresh plan; the refusal (HV_RAM_OK if none). */
static hv_ram_refusal place_core(uint64_t load, uint64_t size, uint32_t comp,
                                 hv_ram_plan *p)
{
    uint64_t st, un;
    hv_section s = core(load, size, comp);
    hv_ram_plan_init(p, &w);
    int rc = hv_ram_place(p, &s, &st, &un);
    CHECK((rc == 0) == (p->refusal == HV_RAM_OK));
    return p->refusal;
}

static void test_core_window(void)
{
    hv_ram_plan p;
    uint64_t st, un;
    /* Exactly the window: first byte at base, last byte at limit - 1. */
    CHECK(place_core(0x100000, 0xF00000, HV_COMPRESSION_NONE, &p) == HV_RAM_OK);
    CHECK(place_core(0xFFFFFF, 1, HV_COMPRESSION_NONE, &p) == HV_RAM_OK);
    /* One byte out on either side. */
    CHECK(place_core(0xFFFFF, 16, HV_COMPRESSION_NONE, &p) ==
          HV_RAM_CORE_ADDRESS);
    CHECK(p.lo == 0xFFFFF && p.hi == 0xFFFFF + 16 && p.have == 0);
    CHECK(place_core(0x100000, 0xF00001, HV_COMPRESSION_NONE, &p) ==
          HV_RAM_CORE_SIZE);
    CHECK(p.need == 0xF00001 && p.have == 0xF00000);
    CHECK(place_core(0x1000000, 1, HV_COMPRESSION_NONE, &p) ==
          HV_RAM_CORE_ADDRESS);
    CHECK(place_core(0, 1, HV_COMPRESSION_NONE, &p) == HV_RAM_CORE_ADDRESS);
    /* Sums that would wrap: refused, hi saturates. */
    CHECK(place_core(UINT64_MAX - 10, 100, HV_COMPRESSION_NONE, &p) ==
          HV_RAM_CORE_ADDRESS);
    CHECK(p.hi == UINT64_MAX);
    CHECK(place_core(0x200000, UINT64_MAX, HV_COMPRESSION_ZSTD, &p) ==
          HV_RAM_CORE_SIZE);
    CHECK(p.hi == UINT64_MAX && p.section == 0);

    /* Uncompressed: read straight to the load address. Compressed: the
     * unpacked bytes there, the stored copy first in the payload window. */
    hv_section s = core(0x100000, 4096, HV_COMPRESSION_NONE);
    hv_ram_plan_init(&p, &w);
    CHECK(hv_ram_place(&p, &s, &st, &un) == 0);
    CHECK(st == 0x100000 && un == 0 && p.payload_next == 0x2001000);
    s = core(0x100000, 4096, HV_COMPRESSION_ZSTD);
    hv_ram_plan_init(&p, &w);
    CHECK(hv_ram_place(&p, &s, &st, &un) == 0);
    CHECK(un == 0x100000 && st == 0x2001000 && p.payload_next == 0x2001000 + 100);
}

static void test_payload(void)
{
    hv_ram_plan p;
    uint64_t st, un;
    hv_ram_plan_init(&p, &w);
    hv_section a = other(10, 5000, HV_COMPRESSION_ZSTD);
    CHECK(hv_ram_place(&p, &a, &st, &un) == 0);
    CHECK(st == 0x2001000 && un == 0x2002000 && p.payload_next == 0x2002000 + 5000);
    hv_section b = other(1, 1, HV_COMPRESSION_NONE);
    CHECK(hv_ram_place(&p, &b, &st, &un) == 0);
    CHECK(st == 0x2004000 && un == 0 && p.placed == 2);

    /* What is left, exactly: fits; one byte more: refused with both. */
    uint64_t left = 0xE000000 - 0x2005000;
    hv_ram_plan q = p;
    hv_section fit = other(left, left, HV_COMPRESSION_NONE);
    CHECK(hv_ram_place(&q, &fit, &st, &un) == 0 && st == 0x2005000);
    q = p;
    hv_section over = other(left + 1, left + 1, HV_COMPRESSION_NONE);
    CHECK(hv_ram_place(&q, &over, &st, &un) == -1);
    CHECK(q.refusal == HV_RAM_PAYLOAD_SIZE && q.need == left + 1 &&
          q.have == left && q.section == 2);
    /* The stored copy fits, the unpacked one does not. */
    q = p;
    hv_section unp = other(4096, left, HV_COMPRESSION_ZSTD);
    CHECK(hv_ram_place(&q, &unp, &st, &un) == -1);
    CHECK(q.refusal == HV_RAM_PAYLOAD_SIZE && q.need == left &&
          q.have == left - 4096);
    /* A size no sum can hold. */
    q = p;
    hv_section huge = other(UINT64_MAX, 1, HV_COMPRESSION_NONE);
    CHECK(hv_ram_place(&q, &huge, &st, &un) == -1 && q.need == UINT64_MAX);
    /* A full window has 0 left, not a wrapped number. */
    q = p;
    q.payload_next = 0xE000000 - 1;
    hv_section one = other(1, 1, HV_COMPRESSION_NONE);
    CHECK(hv_ram_place(&q, &one, &st, &un) == -1 && q.have == 0);
}

static void test_image(void)
{
    hv_image_info info;
    hv_ram_plan p;
    memset(&info, 0, sizeof info);
    info.section_count = 3;
    info.sections[0] = core(0x100000, 8192, HV_COMPRESSION_ZSTD);
    info.sections[1] = other(100, 200, HV_COMPRESSION_ZSTD);
    info.sections[2] = other(100, 0xE000000, HV_COMPRESSION_ZSTD);
    CHECK(hv_ram_check_image(&p, &w, &info) == -1);
    CHECK(p.refusal == HV_RAM_PAYLOAD_SIZE && p.section == 2);
    CHECK(strcmp(hv_ram_refusal_name(p.refusal), "payload_size") == 0);
    info.sections[2] = other(100, 200, HV_COMPRESSION_ZSTD);
    CHECK(hv_ram_check_image(&p, &w, &info) == 0 && p.placed == 3);
    /* The same sections placed one by one end where the replay does. */
    hv_ram_plan q;
    uint64_t st, un;
    hv_ram_plan_init(&q, &w);
    for (uint32_t i = 0; i < 3; i++)
        CHECK(hv_ram_place(&q, &info.sections[i], &st, &un) == 0);
    CHECK(q.payload_next == p.payload_next);
    /* The hand-off: entry inside the core, the core first. */
    info.sections[0].entry_point = 0x100000 + 8192;
    CHECK(hv_ram_check_image(&p, &w, &info) == -1 &&
          p.refusal == HV_RAM_CORE_ENTRY && p.lo == 0x100000 + 8192);
    info.sections[0].entry_point = 0x100000 + 8191;
    CHECK(hv_ram_check_image(&p, &w, &info) == 0);
    info.sections[0].type = HV_SECTION_EXTRA;
    info.sections[0].stored_size = 1;
    CHECK(hv_ram_check_image(&p, &w, &info) == -1 &&
          p.refusal == HV_RAM_CORE_ENTRY);
}

static void test_stage_windows(void)
{
    /* The data the stage links is the memory map docs/BOOT.md gives. */
    const hv_ram_windows *s = &hv_stage_ram_windows;
    CHECK(s->core_base == 0x100000 && s->core_limit == 0x1000000);
    CHECK(s->payload_base == 0x2000000 && s->payload_limit == 0xE000000);
    CHECK(s->payload_first == s->payload_base + 4096);
    CHECK(s->payload_align == 4096);
    CHECK(strcmp(hv_ram_refusal_name(HV_RAM_CORE_ADDRESS), "core_address") == 0);
    CHECK(strcmp(hv_ram_refusal_name(HV_RAM_CORE_SIZE), "core_size") == 0);
}

int main(void)
{
    test_core_window();
    test_payload();
    test_image();
    test_stage_windows();
    return CHECK_DONE();
}
