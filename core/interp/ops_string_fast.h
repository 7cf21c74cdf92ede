/*
 * ops_string_fast.h - REP MOVS, STOS, LODS, CMPS and SCAS a run of elements
 * at a time (ops_string_fast.c), for string_op() in ops_string.c and for
 * the tests.
 *
 * A run function does what up to max consecutive elements of the instruction
 * would do one by one - the loads, the stores, the steps of eSI/eDI, the value
 * left in eAX - when all of them are the common case of a data access
 * (mmu_fast_entry(), mmu/mmu_fast.h), and returns how many it did; a
 * comparison's run stops after the element whose comparison ends the
 * repetition, and leaves that comparison's flags. It returns 0, having changed
 * nothing, when the first element is not such a case; the caller then runs
 * that element the slow way. eCX and the cycle count are the caller's: it
 * subtracts and charges the elements returned, exactly as for elements run one
 * at a time.
 */
#ifndef LAB86_OPS_STRING_FAST_H
#define LAB86_OPS_STRING_FAST_H

#include <stdint.h>

#include "cpu.h"
#include "insn.h"

/* Run up to max (at least 1) elements of a REP string instruction at once;
 * returns the number done, 0 when the first must take the slow path. */
typedef uint32_t str_run_fn(struct cpu *c, const struct insn *i, uint32_t max);

/* A4/A5 MOVS: ES:[eDI] = seg:[eSI], a run at a time. */
uint32_t str_run_movs(struct cpu *c, const struct insn *i, uint32_t max);

/* AA/AB STOS: ES:[eDI] = AL/AX/EAX, a run at a time. */
uint32_t str_run_stos(struct cpu *c, const struct insn *i, uint32_t max);

/* AC/AD LODS: AL/AX/EAX = seg:[eSI], a run at a time. */
uint32_t str_run_lods(struct cpu *c, const struct insn *i, uint32_t max);

/* A6/A7 CMPS: flags of seg:[eSI] - ES:[eDI], a run at a time. */
uint32_t str_run_cmps(struct cpu *c, const struct insn *i, uint32_t max);

/* AE/AF SCAS: flags of AL/AX/EAX - ES:[eDI], a run at a time. */
uint32_t str_run_scas(struct cpu *c, const struct insn *i, uint32_t max);

#endif
