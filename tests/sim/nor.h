/*
 * A NOR flash model for the power-cut simulator (docs/UPDATE.md "Power-cut
 * simulator"): erase sets a block to 0xFF, program only clears bits and
 * never crosses a page, and an operation counter lets a test cut power
 * before an operation, inside a program after any byte prefix, or inside
 * an erase (a partly erased block, or one whose not-yet-erased bits read
 * differently on each read until the block is erased again).
 *
 * It also remembers, per byte, whether the byte was covered by a program
 * that completed since the last full erase, and per block whether an erase
 * was cut: the simulator's structural check ("a record whose commit word
 * reads committed was completely programmed") uses both.
 */
#ifndef SIM_NOR_H
#define SIM_NOR_H

#include <stddef.h>
#include <stdint.h>

#include "hvbootstate.h"

enum nor_cut_kind {
    NOR_CUT_NONE,
    NOR_CUT_BEFORE,        /* power fails before operation |at| starts   */
    NOR_CUT_PROGRAM,       /* inside program |at|: |param| bytes written  */
    NOR_CUT_ERASE_PARTIAL, /* inside erase |at|: |param| pages erased,   */
                           /* the rest unchanged                         */
    NOR_CUT_ERASE_WEAK,    /* inside erase |at|: |param| pages erased,   */
                           /* the rest reads randomly between old and 1s */
};

typedef struct nor_cut {
    enum nor_cut_kind kind;
    uint64_t at;    /* 1-based index among the operations since arming */
    uint64_t param;
} nor_cut;

enum nor_op_kind { NOR_OP_PROGRAM, NOR_OP_ERASE };

/* What one operation was, for enumerating cuts (nor_trace). */
typedef struct nor_op {
    enum nor_op_kind kind;
    uint64_t len; /* bytes (program) or pages (erase) */
} nor_op;

typedef struct nor {
    uint8_t *data;    /* stored values                                   */
    uint8_t *weak;    /* bits that may read 1 although stored 0          */
    uint8_t *written; /* 1: byte covered by a completed program          */
    uint8_t *torn;    /* per erase block: 1 if an erase of it was cut    */
    size_t size;
    uint64_t erase_block;
    uint32_t page;
    uint64_t ops;     /* programs and erases begun since arming          */
    uint64_t total_ops;
    nor_cut cut;
    int off;          /* power is off: every operation fails             */
    uint64_t rng;     /* for weak reads; part of the state, so copies
                         replay the same reads                           */
    nor_op *trace;    /* if set, operations are appended here            */
    size_t trace_len, trace_cap;
    hv_flash_ops ops_if;
} nor;

int nor_init(nor *n, size_t size, uint64_t erase_block, uint32_t page,
             uint64_t seed);
void nor_free(nor *n);
/* Deep copy into |dst| (initialised or zeroed); returns 0 or -1. */
int nor_copy(nor *dst, const nor *src);
/* Arm a cut (kind NOR_CUT_NONE: none) and restore power; resets |ops|. */
void nor_arm(nor *n, nor_cut cut);
/* Record operations into a growing array (owned by |n|) from now on. */
void nor_trace_start(nor *n);
void nor_trace_stop(nor *n);

#endif
