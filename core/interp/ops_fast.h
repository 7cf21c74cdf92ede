/*
 * ops_fast.h - the threaded core's specialised forms of the commonest
 * instructions.
 *
 * A handler of opcodes.def serves every form of its opcode: it looks at
 * the operand size, at ModR/M mod (register or memory), and for the ALU
 * group at which of the eight operations it is, every time it runs. The
 * block cache (tcache.c) knows all of that when it decodes, so for the
 * forms that make up most of what a 32-bit kernel runs it picks one of the
 * operations below instead, in which those choices are constants:
 *
 *   ALU_RR<k>   ADD OR ADC SBB AND SUB XOR CMP reg32, reg32 (01-39, 03-3B
 *               with mod = 3): r1 = r1 op r2
 *   ALU_RI<k>   the same with an immediate (81 and 83 with mod = 3, 05-3D)
 *   INC, DEC    reg32 (40-4F)
 *   MOV_RR      reg32 = reg32 (89 and 8B with mod = 3)
 *   MOV_RI      reg32 = imm32 (B8-BF)
 *   TEST_RR     reg32 AND reg32, flags only (85 with mod = 3)
 *   LOAD        reg32 = [memory] (8B with mod != 3)
 *   STORE       [memory] = reg32 (89 with mod != 3)
 *   JCC<cc>     Jcc rel8/rel16/32 (70-7F, 0F 80-8F), either operand size
 *
 * r1 and r2 are the register operands as the tcache entry records them.
 * Each is written with the very inline functions the generic handlers use
 * (alu.h, ops.h: alu_op, inc_dec, cond, ea_offset, jump_near), so the two
 * cores cannot differ in a result or a flag; the differential tests
 * (tests/unit/test_fast.c, test_threaded.c) run both on the same inputs.
 * Costs are untouched: the entry's cycle cost comes from the instruction,
 * as for any other.
 */
#ifndef LAB86_OPS_FAST_H
#define LAB86_OPS_FAST_H

#include "alu.h"
#include "cycles.h"
#include "ops.h"

/* The specialised operations, numbered after opcodes.def's (enum op) so
 * that one dispatch table holds both (exec_threaded.c). */
enum fast_op {
    FAST_ALU_RR = OP_COUNT,   /* + k, 8 of them */
    FAST_ALU_RI = FAST_ALU_RR + 8,
    FAST_INC = FAST_ALU_RI + 8,
    FAST_DEC,
    FAST_MOV_RR,
    FAST_MOV_RI,
    FAST_TEST_RR,
    FAST_LOAD,
    FAST_STORE,
    FAST_JCC,                 /* + cc, 16 of them */
    FAST_END = FAST_JCC + 16
};

/* --- the operations; f is a specialised entry's operand registers --- */

static ALU_INLINE int fast_alu_rr(struct cpu *c, int k, int r1, int r2)
{
    uint32_t res = alu_op(c, k, 4, (uint32_t)c->gpr[r1], (uint32_t)c->gpr[r2]);
    if (k != ALU_CMP)
        c->gpr[r1] = res;
    return 0;
}

static ALU_INLINE int fast_alu_ri(struct cpu *c, int k, int r1, uint32_t imm)
{
    uint32_t res = alu_op(c, k, 4, (uint32_t)c->gpr[r1], imm);
    if (k != ALU_CMP)
        c->gpr[r1] = res;
    return 0;
}

static ALU_INLINE int fast_inc_dec(struct cpu *c, int r1, bool inc)
{
    c->gpr[r1] = inc_dec(c, 4, (uint32_t)c->gpr[r1], inc);
    return 0;
}

static ALU_INLINE int fast_mov_rr(struct cpu *c, int r1, int r2)
{
    c->gpr[r1] = (uint32_t)c->gpr[r2];
    return 0;
}

static ALU_INLINE int fast_test_rr(struct cpu *c, int r1, int r2)
{
    uint32_t f;
    logic_flags(4, (uint32_t)c->gpr[r1] & (uint32_t)c->gpr[r2], &f);
    c->eflags = (c->eflags & ~FL_ARITH) | f;
    return 0;
}

static ALU_INLINE int fast_load(struct cpu *c, const struct insn *i, int r1)
{
    uint32_t v;
    TRY(mmu_read(c, i->seg, ea_offset(c, i), 4, &v));
    c->gpr[r1] = v;
    return 0;
}

static ALU_INLINE int fast_store(struct cpu *c, const struct insn *i, int r1)
{
    return mmu_write(c, i->seg, ea_offset(c, i), 4, (uint32_t)c->gpr[r1]);
}

/* op_jcc() with its condition a constant. */
static ALU_INLINE int fast_jcc(struct cpu *c, const struct insn *i, int cc)
{
    if (!cond(c, cc))
        return 0;
    uint32_t target = (uint32_t)c->eip + i->imm;
    TRY(jump_near(c, i->osize == 2 ? (target & 0xffff) : target));
    cycles_taken(c, i);
    return 0;
}

#endif
