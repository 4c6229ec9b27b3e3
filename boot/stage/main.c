/*
 * The boot flow (docs/BOOT.md "What the stage does"): check the loader's
 * hand-over and the trust area, read the boot state, verify the slots in
 * its order, and jump into the first core that hv_verify() accepted. The
 * only jump out is stage_handoff(), reached only with HV_OK for the slot
 * whose verified core lies at its signed load address.
 */
#include "hvimage/bootinfo.h"
#include "hvimage/codec.h"
#include "stage.h"
#include "tpm.h"

/* The boot info fills the payload window's first page, which the device
 * policy keeps free of sections (hvpolicy.h). */
_Static_assert(sizeof(hv_bootinfo) <=
                   HV_STAGE_PAYLOAD_FIRST - HV_STAGE_PAYLOAD_WINDOW_BASE,
               "boot info does not fit before the first section");

#define MULTIBOOT_LOADER_MAGIC 0x2BADB002u
#define MB_INFO_FLAG_MEM 1u

void stage_main(uint32_t mb_magic, uint32_t mb_info);
void stage_exception(const uint64_t *frame);

/* Large state lives in the bss, never on the 64 KiB stack. */
static hv_workspace workspace;
static hv_verdict verdict;
static stage_trust_info trust;
static stage_attempt attempt;
static int handed_off; /* an exception after this is the core's */
static const uint8_t *loader_info; /* the multiboot information */

/* ---- Exceptions ------------------------------------------------------------ */

typedef struct __attribute__((packed)) idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t zero;
} idt_gate;

static idt_gate idt[32] __attribute__((aligned(16)));

static void idt_init(void)
{
    for (unsigned i = 0; i < 32; i++) {
        uint64_t h = stage_isr_table[i];
        idt[i] = (idt_gate){(uint16_t)h, 0x08, 0, 0x8E, (uint16_t)(h >> 16),
                            (uint32_t)(h >> 32), 0};
    }
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } idtr = {sizeof idt - 1, (uint64_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

/* see entry.S: frame = vector, error code, rip, cs, rflags, rsp, ss */
void stage_exception(const uint64_t *frame)
{
    uint64_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    kprintf("hvstage: CPU exception %lu (error code 0x%lx) at rip 0x%lx, "
            "rsp 0x%lx, cr2 0x%lx\n", frame[0], frame[1], frame[2], frame[5],
            cr2);
    stage_halt(EXIT_FATAL, handed_off ? "CPU exception in the core after the "
                                        "hand-off"
                                      : "unexpected CPU exception in the "
                                        "stage; the monitor was not started");
}

/* ---- Printing helpers ------------------------------------------------------ */

static char slot_name(uint32_t slot)
{
    return slot == HV_SLOT_A ? 'A' : 'B';
}

static int same_text(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static const char *alg_name(uint32_t alg)
{
    switch (alg) {
    case HV_SIG_ECDSA_P256_SHA256: return "ecdsa-p256-sha256";
    case HV_SIG_ECDSA_P384_SHA384: return "ecdsa-p384-sha384";
    case HV_SIG_RSA3072_PKCS1_SHA256: return "rsa3072-pkcs1-sha256";
    case HV_SIG_RSA4096_PKCS1_SHA256: return "rsa4096-pkcs1-sha256";
    default: return "unknown";
    }
}

static void print_device(const stage_trust_info *t)
{
    if (t->version == HV_TRUST_VERSION_ROOTS) {
        kprintf("hvstage: device: board %s, oem %s, rollback counter %lu, "
                "root version %lu: %u of %zu root key(s) sign keyrings, %u "
                "signature(s) from keyring keys required\n", t->board_id,
                t->oem_id, t->rollback_counter, t->root_version,
                t->root_threshold, t->root_count, t->min_signatures);
        for (size_t i = 0; i < t->root_count; i++) {
            kprintf("hvstage:   root key fingerprint ");
            for (unsigned j = 0; j < 8; j++)
                kprintf("%02x", t->root_fps[i][j]);
            kprintf("...\n");
        }
    } else {
        kprintf("hvstage: device: board %s, oem %s, rollback counter %lu, "
                "%zu trusted key(s), %u signature(s) required\n",
                t->board_id, t->oem_id, t->rollback_counter, t->key_count,
                t->min_signatures);
    }
    for (size_t i = 0; i < t->key_count; i++) {
        kprintf("hvstage:   key ");
        for (unsigned j = 0; j < 8; j++)
            kprintf("%02x", t->keys[i].key_id[j]);
        kprintf("... %s\n", alg_name(t->keys[i].sig_alg));
    }
    kprintf("hvstage: flash: %lu KiB at 0x%lx; slot A at +0x%lx, slot B at "
            "+0x%lx (%lu KiB each), boot state at +0x%lx\n",
            t->flash_size / 1024, (uint64_t)FLASH_BASE, t->slot[0].offset,
            t->slot[1].offset, t->slot[0].size / 1024, t->boot_state.offset);
}

static int header_erased(const hv_workspace *ws)
{
    uint8_t all = 0xFF;
    for (unsigned i = 0; i < HV_HEADER_SIZE; i++)
        all &= ws->tbs[i];
    return all == HV_FLASH_ERASED;
}

/* The device policy's RAM refusal (hvpolicy.h), in the words and with the
 * values hvimage assemble and verify use. */
static void print_ram_refusal(char s, const hv_ram_plan *p, const hv_verdict *v)
{
    const hv_ram_windows *w = p->w;
    const char *name = hv_ram_refusal_name(p->refusal);
    if (p->refusal == HV_RAM_CORE_ADDRESS)
        kprintf("hvstage: slot %c: core load address 0x%lx is outside the "
                "core RAM window [0x%lx, 0x%lx) [%s]\n", s, p->lo,
                w->core_base, w->core_limit, name);
    else if (p->refusal == HV_RAM_CORE_SIZE)
        kprintf("hvstage: slot %c: core [0x%lx, 0x%lx) of %lu bytes does not "
                "fit the core RAM window [0x%lx, 0x%lx), which has %lu bytes "
                "from its load address [%s]\n", s, p->lo, p->hi,
                p->need, w->core_base, w->core_limit, p->have, name);
    else if (p->refusal == HV_RAM_PAYLOAD_SIZE)
        kprintf("hvstage: slot %c: section '%s' needs %lu bytes, the payload "
                "RAM window [0x%lx, 0x%lx) has %lu left [%s]\n", s,
                v->info_valid ? v->info.sections[p->section].name : "?",
                p->need, w->payload_base, w->payload_limit, p->have, name);
}

/* Print why a slot was refused; returns a short name for the summary. */
static const char *print_refusal(const stage_attempt *a, hv_result r,
                                 const hv_verdict *v)
{
    char s = slot_name(a->slot);
    if (r == HV_ERR_MAGIC && header_erased(&workspace)) {
        kprintf("hvstage: slot %c: empty (erased flash)\n", s);
        return "empty";
    }
    kprintf("hvstage: slot %c REFUSED: %s [%s]", s, hv_result_str(r),
            hv_result_name(r));
    if (v->fail_offset != UINT64_MAX)
        kprintf(" at image offset %lu", v->fail_offset);
    if (v->failed_section != UINT32_MAX && v->info_valid)
        kprintf(" in section '%s'", v->info.sections[v->failed_section].name);
    kprintf("\n");
    if (r == HV_ERR_ROLLBACK && v->info_valid)
        kprintf("hvstage: slot %c: security version %lu < rollback counter "
                "%lu\n", s, v->info.security_version, v->rollback_counter);
    if (r == HV_ERR_BOARD) {
        kprintf("hvstage: slot %c: the image lists board(s)", s);
        for (uint32_t i = 0; v->info_valid && i < v->info.board_count; i++)
            kprintf("%s %s", i ? "," : "", v->info.boards[i]);
        kprintf("; this device is board %s\n", a->trust->board_id);
    }
    if (r == HV_ERR_OEM && v->info_valid)
        kprintf("hvstage: slot %c: the image is for OEM %s, this device's OEM "
                "is %s\n", s, v->info.oem_id, a->trust->oem_id);
    if (r == HV_ERR_TOO_FEW_SIGNATURES)
        kprintf("hvstage: slot %c: %u valid signature(s) from trusted keys, "
                "this device requires %u\n", s, v->signers,
                a->trust->min_signatures);
    if (v->trust.failed_doc != UINT32_MAX)
        kprintf("hvstage: slot %c: trust block document %u (0 is the "
                "device's own root) refused\n", s, v->trust.failed_doc);
    if (r == HV_ERR_TRUST_ROLLBACK)
        kprintf("hvstage: slot %c: root version %lu, keyring version %lu; "
                "the device has confirmed root %lu, keyring %lu\n", s,
                v->trust.root_version, v->trust.keyring_version,
                a->floors.root_version, a->floors.keyring_version);
    if (r == HV_ERR_REVOKED_KEY)
        kprintf("hvstage: slot %c: a signer's epoch is below %lu (keyring "
                "min epoch %lu, device key epoch %lu)\n", s,
                v->trust.min_epoch, v->trust.keyring_min_epoch,
                a->floors.key_epoch);
    if (r == HV_ERR_MEMORY && a->ram.refusal != HV_RAM_OK)
        print_ram_refusal(s, &a->ram, v);
    return hv_result_name(r);
}

static void print_timing(const stage_attempt *a)
{
    const stage_timing *t = &a->timing;
    uint64_t parts = t->signature + t->hashing + t->unpack + t->flash_copy;
    kprintf("hvstage: timing (TSC cycles): hv_verify %lu = signature %lu + "
            "hashing %lu (%lu bytes) + decompression %lu (%lu bytes out) + "
            "flash copy %lu (%lu bytes) + other %lu\n",
            t->total, t->signature, t->hashing, t->hashed_bytes, t->unpack,
            t->unpacked_bytes, t->flash_copy, t->copied_bytes,
            t->total > parts ? t->total - parts : 0);
    kprintf("hvstage: stack high-water: %zu of %u bytes (hv_verify and its "
            "callees: %zu)\n", a->stack_used, STAGE_STACK_SIZE,
            a->verify_stack);
}

/* What vouched for the signers of a device that trusts roots. */
static void print_keyring(const stage_attempt *a, const hv_verdict *v)
{
    const hv_trust_result *t = &v->trust;
    if (!t->verified)
        return;
    kprintf("hvstage: slot %c: keyring version %lu (root version %lu, %u "
            "root document(s)), min epoch %lu; signer(s):", slot_name(a->slot),
            t->keyring_version, t->root_version, t->root_count, t->min_epoch);
    for (uint32_t i = 0; i < v->signers; i++) {
        kprintf(" ");
        for (unsigned j = 0; j < 8; j++)
            kprintf("%02x", v->signer_ids[i][j]);
        kprintf("... epoch %lu", t->signer_epochs[i]);
    }
    kprintf("\n");
}

/* ---- Hand-off -------------------------------------------------------------- */

/* TPM2_NV_WriteLock on the floor index (docs/TPM.md): nothing started after
 * the stage can write it until the TPM is reset. A lock that fails halts:
 * handing over with a writable floor would let the core lower it. */
static void tpm_lock_before_handoff(void)
{
    if (stage_tpm_lock() != 0)
        stage_halt(EXIT_FATAL, "the TPM floor could not be write-locked; the "
                               "monitor was not started");
}

static void copy_text(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; i + 1 < cap && src[i]; i++)
        dst[i] = src[i];
    for (; i < cap; i++)
        dst[i] = '\0';
}

/*
 * Build the boot info and jump. Returns only if the verified image does not
 * satisfy the hand-off's own conditions, which hv_verify has already
 * checked; refusing here as well costs nothing.
 */
static void hand_off(const stage_attempt *a, const hv_verdict *v,
                     const hv_bs_boot_result *res)
{
    const hv_image_info *in = &v->info;
    const hv_section *core = &in->sections[0];
    tpm_lock_before_handoff(); /* docs/TPM.md: before any jump path */
    if (in->section_count < 1 || core->type != HV_SECTION_CORE ||
        core->data != (const uint8_t *)(uintptr_t)core->load_address ||
        core->entry_point < core->load_address ||
        core->entry_point - core->load_address >= core->unpacked_size) {
        kprintf("hvstage: slot %c: verified core is not at its load address "
                "or its entry is outside it; not jumping\n", slot_name(a->slot));
        return;
    }
    if (in->core_kind == HV_CORE_KIND_LINUX) {
        kprintf("hvstage: slot %c: verified %s %s (oem %s, security version "
                "%lu, rollback counter %lu, %u signature(s)), a Linux core\n",
                slot_name(a->slot), in->name, in->version, in->oem_id,
                in->security_version, v->rollback_counter, v->signers);
        print_keyring(a, v);
        print_timing(a);
        /* handed_off stays 0: the kernel loads its own IDT at once, so an
         * exception reaching the stage's is the stage's own. */
        linux_hand_off(a, v, res, loader_info);
        return;
    }

    hv_bootinfo *bi = (hv_bootinfo *)(uintptr_t)HV_STAGE_PAYLOAD_WINDOW_BASE;
    memset(bi, 0, sizeof *bi);
    bi->magic = HV_BOOTINFO_MAGIC;
    bi->version = HV_BOOTINFO_VERSION;
    bi->size = sizeof *bi;
    bi->slot = a->slot;
    bi->flags = (res->fallback ? HV_BOOTINFO_FALLBACK : 0) |
                (res->trial ? HV_BOOTINFO_TRIAL : 0);
    bi->security_version = in->security_version;
    bi->rollback_counter = v->rollback_counter;
    bi->build_epoch = in->build_epoch;
    copy_text(bi->image_name, sizeof bi->image_name, in->name);
    copy_text(bi->image_version, sizeof bi->image_version, in->version);
    copy_text(bi->oem_id, sizeof bi->oem_id, in->oem_id);
    copy_text(bi->board_id, sizeof bi->board_id, a->trust->board_id);
    bi->core_address = core->load_address;
    bi->core_size = core->unpacked_size;
    bi->entry_point = core->entry_point;
    for (uint32_t i = 1; i < in->section_count; i++) {
        const hv_section *s = &in->sections[i];
        if (s->type == HV_SECTION_BOOTCFG) {
            bi->bootcfg_address = (uint64_t)(uintptr_t)s->data;
            bi->bootcfg_size = s->unpacked_size;
        } else if (s->type == HV_SECTION_DRIVERS) {
            bi->drivers_address = (uint64_t)(uintptr_t)s->data;
            bi->drivers_size = s->unpacked_size;
        }
    }
    bi->boot_data_end = (a->ram.payload_next + 4095) & ~(uint64_t)4095;
    bi->tsc_stage_entry = stage_tsc_entry;
    bi->boot_state_version = HV_BOOT_STATE_V2;
    bi->tries_left = res->trial ? res->view.st.tries[a->slot] : 0;
    bi->flash_base = FLASH_BASE;
    bi->boot_state_offset = a->trust->boot_state.offset;
    bi->boot_state_size = a->trust->boot_state.size;
    bi->erase_block = a->trust->erase_block;

    kprintf("hvstage: slot %c: verified %s %s (oem %s, security version %lu, "
            "rollback counter %lu, %u signature(s))\n", slot_name(a->slot),
            in->name, in->version, in->oem_id, in->security_version,
            v->rollback_counter, v->signers);
    print_keyring(a, v);
    print_timing(a);
    kprintf("hvstage: core %lu bytes at 0x%lx; bootcfg %lu bytes at 0x%lx; "
            "drivers %lu bytes at 0x%lx; boot info at 0x%lx\n",
            bi->core_size, bi->core_address, bi->bootcfg_size,
            bi->bootcfg_address, bi->drivers_size, bi->drivers_address,
            (uint64_t)(uintptr_t)bi);
    uint64_t now = rdtsc();
    kprintf("hvstage: stage entry to hand-off: %lu TSC cycles; jumping to "
            "0x%lx\n", now - stage_tsc_entry, core->entry_point);
    bi->tsc_handoff = rdtsc();
    bi->crc32 = hv_crc32(0, bi, offsetof(hv_bootinfo, crc32));
    handed_off = 1;
    stage_handoff(core->entry_point, bi);
}

/* ---- Verification for the boot-state decision ----------------------------- */

static uint32_t first_slot;  /* the boot state's active slot            */
static int refused[2];       /* hv_verify refused the slot (printed)    */

/* hv_bs_verifier.verify: one hv_verify attempt, printed as before. */
static int verify_for_bootstate(void *user, uint32_t slot,
                                const hv_bs_floors *floors, hv_bs_image *img,
                                const char **why)
{
    const stage_trust_info *t = user;
    kprintf("hvstage: slot %c: verifying\n", slot_name(slot));
    hv_result r = stage_verify_slot(&attempt, t, slot, floors, &workspace,
                                    &verdict);
    if (r != HV_OK) {
        *why = print_refusal(&attempt, r, &verdict);
        refused[slot] = 1;
        if (slot == first_slot)
            kprintf("hvstage: slot %c skipped, trying slot %c\n",
                    slot_name(slot), slot_name(1 - slot));
        return -1;
    }
    img->security_version = verdict.info.security_version;
    img->min_security_version = verdict.info.min_security_version;
    /* Only a trust block the verifier authenticated against the device's
     * roots moves the counters (a version 1 device checks the block's
     * structure and binding only: verified stays 0). */
    img->has_trust = verdict.trust.present && verdict.trust.verified;
    if (img->has_trust) {
        img->root_version = verdict.trust.root_version;
        img->keyring_version = verdict.trust.keyring_version;
        img->key_epoch = verdict.trust.keyring_min_epoch;
    }
    return 0;
}

/* ---- Counters --------------------------------------------------------------- */

/* The four floors on one line (a version 1 device: the floor only). */
static void print_counters(const hv_bs_floors *f, uint32_t n, uint32_t kind)
{
    const char *where = kind == HV_COUNTER_TPM ? "TPM" : "lab";
    if (n == 1) {
        kprintf("hvstage: counters (%s): security floor %lu\n", where,
                f->security);
        return;
    }
    kprintf("hvstage: counters (%s): security floor %lu, root version %lu, "
            "keyring version %lu, key epoch %lu\n", where,
            f->security, f->root_version,
            f->keyring_version, f->key_epoch);
}

/* Each counter this boot raised, and each that should have risen and did
 * not (retried at the next confirmed boot). */
static void print_raises(const hv_bs_boot_result *res,
                         const hv_bs_counters *set)
{
    for (uint32_t i = 0; i < HV_BS_COUNTERS; i++) {
        const char *name = hv_bs_counter_name(i);
        uint64_t was = hv_bs_floor_get(&res->before, i);
        uint64_t now = hv_bs_floor_get(&res->after, i);
        if (now > was)
            kprintf("hvstage: %s raised from %lu to %lu (slot %c is "
                    "confirmed)\n", name, was, now,
                    slot_name((uint32_t)res->slot));
        if (res->raise_failed & (1u << i))
            kprintf("hvstage: %s NOT raised to %lu: %s\n", name,
                    hv_bs_image_counter_value(&res->image, i),
                    set->c[i] ? "the counter did not take it"
                              : "no counter for it");
    }
}

/* ---- Main ------------------------------------------------------------------ */

/* see entry.S */
void stage_main(uint32_t mb_magic, uint32_t mb_info)
{
    console_init();
    idt_init();
    kprintf("\nhvstage: hvimage boot stage %s (x86-64, multiboot entry)\n",
            HVIMAGE_VERSION);

    if (mb_magic != MULTIBOOT_LOADER_MAGIC)
        stage_halt(EXIT_FATAL, "not started by a multiboot loader");
    const uint8_t *mbi = (const uint8_t *)(uintptr_t)mb_info;
    loader_info = mbi;
    if (!(hv_le32(mbi) & MB_INFO_FLAG_MEM))
        stage_halt(EXIT_FATAL, "the loader gave no memory size");
    uint64_t ram = ((uint64_t)hv_le32(mbi + 8) + 1024) * 1024;
    if (ram < STAGE_RAM_REQUIRED) {
        kprintf("hvstage: %lu KiB of RAM, the stage needs %u KiB\n",
                ram / 1024, STAGE_RAM_REQUIRED / 1024);
        stage_halt(EXIT_FATAL, "not enough RAM for the payload window");
    }

    if (trust_load(stage_trust, &trust) != 0)
        stage_halt(EXIT_FATAL, "no usable trust area; the monitor was not "
                               "started");
    print_device(&trust);
    const char *sha256 = stage_sha256_code();
    kprintf("hvstage: SHA-256 code: %s (%s)\n", sha256,
            same_text(sha256, "x86-sha")
                ? "CPUID reports the SHA extensions"
                : "CPUID does not report all of SHA, SSSE3 and SSE4.1");

    /* The boot state (docs/UPDATE.md): the shared decision code picks the
     * slot, records trial boots and raises the floor; it calls back here
     * to verify a slot. */
    hv_flash_ops flash;
    hv_bs_layout layout;
    bootstate_flash(&trust, &flash, &layout);
    if (bootstate_map_writable(&trust) != 0)
        stage_halt(EXIT_FATAL, "the boot_state region cannot be mapped "
                               "writable");
    /* The counters (docs/UPDATE.md "The counters"): lab counters in
     * boot_state, or the TPM NV indices the trust area names (docs/TPM.md);
     * a TPM device halts when its TPM cannot be used, it never falls back
     * to the lab counters. A roots device (trust area version 2) has four:
     * floor, root version, keyring version, key epoch; a version 1 device
     * the floor only. */
    uint32_t ncounters =
        trust.version == HV_TRUST_VERSION_ROOTS ? HV_BS_COUNTERS : 1;
    hv_lab_counter lab[HV_BS_COUNTERS];
    hv_counter ops[HV_BS_COUNTERS];
    hv_bs_counters counters;
    hv_bs_lab_counters(&flash, &layout, lab, ops, &counters);
    if (trust.counter_kind == HV_COUNTER_TPM) {
        if (stage_tpm_open(trust.counter_nv, ncounters) != 0)
            stage_halt(EXIT_FATAL, "this device keeps its counters in a TPM "
                                   "and the TPM cannot be used; the monitor "
                                   "was not started");
        stage_tpm_counters(ops, &counters);
    }
    hv_bs_floors base = {0, 0, 0, 0};
    base.security = trust.rollback_counter;
    base.root_version = trust.root_version; /* R0; 0 for version 1 */
    hv_bs_view view;
    hv_bs_floors floors = {0, 0, 0, 0};
    if (hv_bs_read(&flash, &layout, &view) != 0 ||
        hv_bs_floors_read(&counters, &base, &floors) != 0)
        stage_halt(EXIT_FATAL, "the boot state or a counter cannot be read");
    bootstate_print(&view, trust.rollback_counter,
                    floors.security, &layout);
    if (trust.counter_kind == HV_COUNTER_TPM)
        kprintf("hvstage: TPM floor index 0x%08x: security floor %lu "
                "(max of rollback counter %lu and the TPM)\n",
                trust.counter_nv, floors.security,
                trust.rollback_counter);
    print_counters(&floors, ncounters, trust.counter_kind);
    first_slot = view.st.active;

    hv_bs_verifier ver = {&trust, verify_for_bootstate};
    hv_bs_boot_result res;
    if (hv_bs_boot(&flash, &layout, &counters, &base, &ver, &res) != 0)
        stage_halt(EXIT_FATAL, "the boot state or a counter cannot be read");
    /* Reasons hv_verify did not give: the slot's state, or a trial boot
     * that could not be recorded. */
    for (uint32_t s = 0; s < 2; s++)
        if (res.why[s] && !refused[s])
            kprintf("hvstage: slot %c skipped: %s\n", slot_name(s),
                    res.why[s]);
    print_raises(&res, &counters);
    if (res.slot < 0) {
        kprintf("hvstage: no bootable slot (slot A: %s, slot B: %s)\n",
                res.why[HV_SLOT_A] ? res.why[HV_SLOT_A] : "not tried",
                res.why[HV_SLOT_B] ? res.why[HV_SLOT_B] : "not tried");
        stage_halt(EXIT_NO_BOOTABLE_SLOT, "nothing verified; the monitor was "
                                          "not started");
    }
    if (res.trial)
        kprintf("hvstage: slot %c: trial boot, %u tries left after this one; "
                "the core confirms it\n", slot_name((uint32_t)res.slot),
                res.view.st.tries[res.slot]);
    hand_off(&attempt, &verdict, &res);
    stage_halt(EXIT_FATAL, "the verified core cannot be started as it is; "
                           "nothing was started");
}
