/*
 * attack-verify, one attack family (the suite: attack-verify.c, the crafter:
 * atk_craft.h).
 *
 * Policy: downgrade below the rollback counter, another board or OEM, and
 * fail-open paths (no keys, no signature, failing backends and platforms).
 */
#include <stdlib.h>
#include <string.h>

#include "atk_craft.h"

/* ---- downgrade ---------------------------------------------------------- */

static void dg_older(ctx *c)
{
    c_std(c);
    c->m.info.security_version = FA.security_version - 1;
    c->m.info.min_security_version = c->m.info.security_version;
    c_finish(c);
    c->spec.rollback = FA.security_version;
}
static void dg_zero(ctx *c)
{
    c_std(c);
    c->m.info.security_version = 0;
    c->m.info.min_security_version = 0;
    c_finish(c);
    c->spec.rollback = 1;
}
static void dg_counter_max(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.rollback = UINT64_MAX;
}
static void dg_as_built_older(ctx *c)
{
    ok_as_built(c);
    c->spec.rollback = FA.security_version + 1;
}
static void board_other(ctx *c)
{
    c_std(c);
    c_finish(c);
    snprintf(c->spec.board, sizeof c->spec.board, "test-board-3");
}
static void board_prefix(ctx *c)
{
    board_other(c);
    snprintf(c->spec.board, sizeof c->spec.board, "test-board");
}
static void board_longer(ctx *c)
{
    board_other(c);
    snprintf(c->spec.board, sizeof c->spec.board, "test-board-22");
}
static void board_image_for_other(ctx *c)
{
    c_std(c);
    c->m.info.board_count = 1;
    snprintf(c->m.info.boards[0], HV_BOARD_ID_SIZE + 1, "other-board");
    img_layout(&c->m);
    c_finish(c);
}
/* A 32-character board id (no NUL in the field) against a device id that
 * is the same 31 characters. */
static void board_full_field(ctx *c)
{
    c_std(c);
    c->m.info.board_count = 1;
    memset(c->m.info.boards[0], 'b', HV_BOARD_ID_SIZE);
    c->m.info.boards[0][HV_BOARD_ID_SIZE] = 0;
    img_layout(&c->m);
    c_finish(c);
    memset(c->spec.board, 'b', HV_BOARD_ID_SIZE - 1);
    c->spec.board[HV_BOARD_ID_SIZE - 1] = 0;
}
static void oem_other(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.has_oem = 1;
    snprintf(c->spec.oem, sizeof c->spec.oem, "other-oem");
}
static void oem_prefix(ctx *c)
{
    oem_other(c);
    snprintf(c->spec.oem, sizeof c->spec.oem, "test-oe");
}
static void oem_longer(ctx *c)
{
    oem_other(c);
    snprintf(c->spec.oem, sizeof c->spec.oem, "test-oem2");
}
static void oem_image_other(ctx *c)
{
    c_std(c);
    snprintf(c->m.info.oem_id, sizeof c->m.info.oem_id, "evil-oem");
    c_finish(c);
    c->spec.has_oem = 1;
    snprintf(c->spec.oem, sizeof c->spec.oem, "test-oem");
}
static void oem_over_field(ctx *c)
{
    c_std(c);
    memset(c->m.info.oem_id, 'o', HV_OEM_ID_SIZE);
    c->m.info.oem_id[HV_OEM_ID_SIZE] = 0;
    c_finish(c);
    c->spec.has_oem = 1;
    memset(c->spec.oem, 'o', HV_OEM_ID_SIZE + 1);
    c->spec.oem[HV_OEM_ID_SIZE + 1] = 0;
}

/* ---- fail-open ---------------------------------------------------------- */

static void fo_no_keys(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.keys = 0;
}
static void fo_keys_empty(ctx *c)
{
    fo_no_keys(c);
    c->spec.mode |= ATK_M_KEYS_EMPTY;
}
static void fo_empty_block(ctx *c)
{
    c_std(c);
    c_encode(c);
    memset(c->block, 0, sizeof c->block);
    c_emit(c);
    want(c, NOSEC, block_off(c));
}
static void fo_empty_block_min0(ctx *c)
{
    fo_empty_block(c);
    c->spec.min_sigs = 0;
}
static void fo_empty_block_one_slot(ctx *c)
{
    c_std(c);
    c->m.info.header.signature_slots = 1;
    img_layout(&c->m);
    c_encode(c);
    memset(c->block, 0, sizeof c->block);
    c_emit(c);
    want(c, NOSEC, block_off(c));
}
static void fo_missing_second(ctx *c)
{
    c_std(c);
    c_finish(c);
    c->spec.keys = KB(K_A) | KB(K_B);
    c->spec.min_sigs = 2;
    want(c, NOSEC, block_off(c));
}
static void fo_min_u32max(ctx *c)
{
    ok_two_signers(c);
    c->spec.min_sigs = UINT32_MAX;
    want(c, NOSEC, block_off(c));
}
static void fo_min_9(ctx *c)
{
    ok_two_signers(c);
    c->spec.min_sigs = HV_MAX_SIGNATURE_SLOTS + 1;
    want(c, NOSEC, block_off(c));
}
static void fo_mode(ctx *c, uint32_t mode)
{
    c_std(c);
    c_finish(c);
    c->spec.mode |= mode;
}
static void fo_verify_m1(ctx *c)
{
    fo_mode(c, ATK_M_VERIFY_M1);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
static void fo_verify_2(ctx *c)
{
    fo_mode(c, ATK_M_VERIFY_2);
    want(c, NOSEC, slot_off(c, 0) + HV_SIG_OFF_SIG);
}
static void fo_hash_fail(ctx *c) { fo_mode(c, ATK_M_HASH_FAIL); }
static void fo_read_fail(ctx *c) { fo_mode(c, ATK_M_READ_FAIL); }
static void fo_rollback_fail(ctx *c) { fo_mode(c, ATK_M_ROLLBACK_FAIL); }
static void fo_board_fail(ctx *c) { fo_mode(c, ATK_M_BOARD_FAIL); }
static void fo_mem_null(ctx *c)
{
    fo_mode(c, ATK_M_MEM_NULL);
    want(c, 0, sec_off(c, 0));
}
static void fo_unsigned_build(ctx *c)
{
    /* What `hvimage build --unsigned` leaves: all slots zero. */
    fo_empty_block(c);
}

/* ---- the cases ---------------------------------------------------------- */

const atk_row atk_rows_policy[] = {
    {"downgrade", "rollback-older-signed-image", dg_older, HV_ERR_ROLLBACK, NOSEC, HDR(HV_META_OFF_SECURITY_VERSION)},
    {"downgrade", "rollback-as-built-counter-plus-1", dg_as_built_older, HV_ERR_ROLLBACK, NOSEC, HDR(HV_META_OFF_SECURITY_VERSION)},
    {"downgrade", "rollback-version-0-counter-1", dg_zero, HV_ERR_ROLLBACK, NOSEC, HDR(HV_META_OFF_SECURITY_VERSION)},
    {"downgrade", "rollback-counter-u64-max", dg_counter_max, HV_ERR_ROLLBACK, NOSEC, HDR(HV_META_OFF_SECURITY_VERSION)},
    {"downgrade", "board-not-listed", board_other, HV_ERR_BOARD, NOSEC, HDR(HV_META_FIXED_SIZE)},
    {"downgrade", "board-prefix-of-listed", board_prefix, HV_ERR_BOARD, NOSEC, HDR(HV_META_FIXED_SIZE)},
    {"downgrade", "board-extends-listed", board_longer, HV_ERR_BOARD, NOSEC, HDR(HV_META_FIXED_SIZE)},
    {"downgrade", "board-image-for-other-board", board_image_for_other, HV_ERR_BOARD, NOSEC, HDR(HV_META_FIXED_SIZE)},
    {"downgrade", "board-32-chars-vs-31", board_full_field, HV_ERR_BOARD, NOSEC, HDR(HV_META_FIXED_SIZE)},
    {"downgrade", "oem-other", oem_other, HV_ERR_OEM, NOSEC, HDR(HV_META_OFF_OEM_ID)},
    {"downgrade", "oem-prefix", oem_prefix, HV_ERR_OEM, NOSEC, HDR(HV_META_OFF_OEM_ID)},
    {"downgrade", "oem-extends", oem_longer, HV_ERR_OEM, NOSEC, HDR(HV_META_OFF_OEM_ID)},
    {"downgrade", "oem-image-for-other-oem", oem_image_other, HV_ERR_OEM, NOSEC, HDR(HV_META_OFF_OEM_ID)},
    {"downgrade", "oem-policy-33-chars", oem_over_field, HV_ERR_OEM, NOSEC, HDR(HV_META_OFF_OEM_ID)},
    {"fail-open", "no-trusted-keys-null", fo_no_keys, HV_ERR_NO_TRUSTED_KEYS, NOSEC, NOOFF},
    {"fail-open", "no-trusted-keys-count-0", fo_keys_empty, HV_ERR_NO_TRUSTED_KEYS, NOSEC, NOOFF},
    {"fail-open", "empty-signature-block", fo_empty_block, HV_ERR_NO_SIGNATURE, NOSEC, ANYOFF},
    {"fail-open", "empty-signature-block-min-0", fo_empty_block_min0, HV_ERR_NO_SIGNATURE, NOSEC, ANYOFF},
    {"fail-open", "empty-signature-block-one-slot", fo_empty_block_one_slot, HV_ERR_NO_SIGNATURE, NOSEC, ANYOFF},
    {"fail-open", "unsigned-build", fo_unsigned_build, HV_ERR_NO_SIGNATURE, NOSEC, ANYOFF},
    {"fail-open", "required-second-signature-missing", fo_missing_second, HV_ERR_TOO_FEW_SIGNATURES, NOSEC, ANYOFF},
    {"fail-open", "min-signatures-u32-max", fo_min_u32max, HV_ERR_TOO_FEW_SIGNATURES, NOSEC, ANYOFF},
    {"fail-open", "min-signatures-more-than-slots", fo_min_9, HV_ERR_TOO_FEW_SIGNATURES, NOSEC, ANYOFF},
    {"fail-open", "backend-verify-returns-minus-1", fo_verify_m1, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"fail-open", "backend-verify-returns-2", fo_verify_2, HV_ERR_SIGNATURE, NOSEC, ANYOFF},
    {"fail-open", "backend-hash-init-fails", fo_hash_fail, HV_ERR_CRYPTO, NOSEC, 0},
    {"fail-open", "platform-read-fails", fo_read_fail, HV_ERR_IO, NOSEC, 0},
    {"fail-open", "platform-rollback-counter-fails", fo_rollback_fail, HV_ERR_PLATFORM, NOSEC, NOOFF},
    {"fail-open", "platform-board-id-fails", fo_board_fail, HV_ERR_PLATFORM, NOSEC, NOOFF},
    {"fail-open", "platform-memory-null", fo_mem_null, HV_ERR_MEMORY, ANYSEC, ANYOFF},
};
const size_t atk_rows_policy_count =
    sizeof atk_rows_policy / sizeof atk_rows_policy[0];
