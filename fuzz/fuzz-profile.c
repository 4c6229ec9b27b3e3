/*
 * Fuzz target: the OEM profile loader hv_profile_load().
 *
 * The input is written to a temporary file, loaded, freed and removed.
 *
 * Oracles (a violation aborts), the promises of mkimage/plan/plan.h:
 *  - failure leaves a message and a zeroed struct;
 *  - success gives an OEM id and board ids in the format's charset, boards
 *    sorted and unique (1..HV_MAX_BOARDS), a power-of-two erase block, four
 *    flash regions that are block aligned, non-empty, inside the flash and
 *    pairwise disjoint, alignment, level, digest, slot count and
 *    algorithms within their ranges, and allowed vendors as text.
 *
 * Verdict (fuzz_verdict): whether hv_profile_load() loaded it.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "plan.h"

static bool pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static void check_profile(const hv_profile *p)
{
    if (!fuzz_is_text(p->oem_id, HV_OEM_ID_SIZE))
        fuzz_fail("oem_id outside the text charset");
    if (p->board_count < 1 || p->board_count > HV_MAX_BOARDS || !p->boards)
        fuzz_fail("%zu boards", p->board_count);
    for (size_t i = 0; i < p->board_count; i++) {
        if (!fuzz_is_text(p->boards[i], HV_BOARD_ID_SIZE))
            fuzz_fail("board %zu outside the text charset", i);
        if (i && strcmp(p->boards[i - 1], p->boards[i]) >= 0)
            fuzz_fail("boards not sorted and unique at %zu", i);
    }
    if (!pow2(p->erase_block) || p->flash_size == 0 ||
        p->flash_size % p->erase_block)
        fuzz_fail("erase block %llu, flash %llu",
                  (unsigned long long)p->erase_block,
                  (unsigned long long)p->flash_size);
    const hv_flash_region *r[4] = {&p->boot_stage, &p->boot_state,
                                   &p->slot_a, &p->slot_b};
    for (int i = 0; i < 4; i++) {
        if (r[i]->size == 0 || r[i]->offset % p->erase_block ||
            r[i]->size % p->erase_block || r[i]->offset > p->flash_size ||
            r[i]->size > p->flash_size - r[i]->offset)
            fuzz_fail("flash region %d at %llu+%llu is not an aligned part "
                      "of the flash",
                      i, (unsigned long long)r[i]->offset,
                      (unsigned long long)r[i]->size);
        for (int j = 0; j < i; j++)
            if (r[i]->offset < r[j]->offset + r[j]->size &&
                r[j]->offset < r[i]->offset + r[i]->size)
                fuzz_fail("flash regions %d and %d overlap", j, i);
    }
    if (!pow2(p->section_align) || p->section_align < HV_MIN_SECTION_ALIGN ||
        p->section_align > HV_MAX_SECTION_ALIGN)
        fuzz_fail("section_align %u", p->section_align);
    if (p->compression_level < 1 || p->compression_level > 19)
        fuzz_fail("compression level %d", p->compression_level);
    if (!hv_digest_alg_name(p->digest_alg))
        fuzz_fail("digest %u has no name", p->digest_alg);
    if (p->signature_slots < 1 ||
        p->signature_slots > HV_MAX_SIGNATURE_SLOTS)
        fuzz_fail("%u signature slots", p->signature_slots);
    if (p->accept_alg_count < 1 || !p->accept_algs)
        fuzz_fail("no accepted algorithm");
    for (size_t i = 0; i < p->accept_alg_count; i++)
        if (!hv_sig_alg_name(p->accept_algs[i]))
            fuzz_fail("accepted algorithm %u has no name", p->accept_algs[i]);
    if (p->accept_key_id_count && !p->accept_key_ids)
        fuzz_fail("key id count without key ids");
    for (size_t i = 0; i < p->allow_vendor_count; i++)
        if (!fuzz_is_text(p->allow_vendors[i], HV_SECTION_NAME_SIZE))
            fuzz_fail("allowed vendor %zu outside the text charset", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[600];
    if (fuzz_write_tmp(data, size, ".yaml", path, sizeof path) != 0)
        fuzz_fail("cannot write a temporary file");

    hv_profile *p = fuzz_xmalloc(sizeof *p);
    hv_diag *diag = fuzz_xmalloc(sizeof *diag);
    diag->msg[0] = '\0';
    int loaded = hv_profile_load(path, p, diag) == 0;
    fuzz_verdict(loaded ? FUZZ_ACCEPTED : FUZZ_REFUSED);
    if (loaded) {
        check_profile(p);
    } else {
        if (!diag->msg[0])
            fuzz_fail("load failed without a message");
        if (!fuzz_all_zero(p, sizeof *p))
            fuzz_fail("failed load left the struct filled");
    }
    hv_profile_free(p);
    hv_profile_free(p);

    free(diag);
    free(p);
    unlink(path);
    return 0;
}
