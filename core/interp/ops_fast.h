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
 *   ALU_RM<k>   reg32 = reg32 op [memory] (03-3B with mod != 3)
 *   LOAD8, STORE8  reg8 = [memory], [memory] = reg8 (8A, 88 with mod != 3)
 *   MOVZX8, MOVZX16  reg32 = zero-extended r/m8 or r/m16 (0F B6, 0F B7)
 *   PUSH, POP   reg32 (50-5F); with a 16-bit stack (SS.B = 0) they call the
 *               generic push() and pop(), which wrap SP
 *   LEA         reg32 = effective address (8D, 32-bit operand)
 *   CALL, RET   near, 32-bit operand (E8 rel32, C3); with a 16-bit stack the
 *               generic handlers run
 *   JMP         JMP rel8/rel16/32 (EB, E9), either operand size
 *   LOAD16, STORE16  reg16 = [memory], [memory] = reg16 (66 8B, 66 89 with
 *               mod != 3)
 *   STORE_I     [memory] = imm32 (C7 /0 with mod != 3; with mod = 3 it is
 *               MOV_RI)
 *   NOT         reg32 = ~reg32 (F7 /2 with mod = 3); INC and DEC of FF /0
 *               and /1 with mod = 3 are the INC and DEC above
 *
 * The forms with a memory destination (read-modify-write), the shifts and
 * IMUL are in ops_fast_rmw.h, those with 8-bit operands in ops_fast_byte.h;
 * their numbers are in the enum below, with these, so that one table holds
 * them all.
 *
 * r1 and r2 are the register operands as the tcache entry records them.
 * Each is written with the very inline functions the generic handlers use
 * (alu.h, ops.h: alu_op, cond, ea_offset), so the two cores cannot differ
 * in a result or a flag; the differential tests (tests/unit/test_fast.c,
 * test_lazy.c, test_threaded.c) run both on the same inputs. Costs are
 * untouched: the entry's cycle cost comes from the instruction, as for any
 * other.
 *
 * The arithmetic flags of ADD SUB CMP AND OR XOR TEST INC DEC and NEG are
 * lazy (lazy_flags.h): recorded, and computed by alu.h's functions only
 * when something reads them. Measured with callgrind, host instructions a
 * guest instruction (bench.asm ITER=5 less ITER=0; the Linux decompressor,
 * 150 M cycles), against the host's own flags these replaced (LAHF and
 * SETO after the host's ADD or SUB, then merged into EFLAGS): bench.asm
 * 62.6 -> 62.5, the decompressor 65.5 -> 63.8. A first version that
 * settled before a rotate measured 64.0 on bench.asm (its integer loop
 * rotates an ADD's result every turn, and a settle costs some 40 host
 * instructions); lazy_szap() took that back. The host's flags are gone:
 * every flag now comes from alu.h's C, so there is no second way of
 * computing one left to test.
 */
#ifndef LAB86_OPS_FAST_H
#define LAB86_OPS_FAST_H

#include "alu.h"
#include "cycles.h"
#include "lazy_flags.h"
#include "mmu/mmu_fast.h"
#include "ops.h"

/* The shifts that have specialised forms, in the order of their numbers
 * below (SAL is SHL; of the rotates ROL and ROR of a dword by a fixed count
 * have forms of their own, numbered by alu.h's SH_ROL and SH_ROR). */
enum { SHIFT_SHL, SHIFT_SHR, SHIFT_SAR };

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
    FAST_ALU_RM = FAST_JCC + 16, /* + k, 8 of them */
    FAST_LOAD8 = FAST_ALU_RM + 8,
    FAST_STORE8,
    FAST_MOVZX8,
    FAST_MOVZX16,
    FAST_PUSH,
    FAST_POP,
    FAST_LEA,
    FAST_CALL,
    FAST_RET,
    FAST_JMP,
    FAST_LOAD16,
    FAST_STORE16,
    FAST_STORE_I,
    FAST_NOT,
    /* ops_fast_rmw.h */
    FAST_ALU_MR,                 /* + k, 8 of them: [memory] op= reg32 */
    FAST_ALU_MI = FAST_ALU_MR + 8, /* + k, 8 of them: [memory] op= imm */
    FAST_INC_M = FAST_ALU_MI + 8,
    FAST_DEC_M,
    FAST_NOT_M,
    FAST_SHIFT_RI,                 /* + s (SHIFT_SHL, _SHR, _SAR): reg32 by a fixed count */
    FAST_SHIFT_MI = FAST_SHIFT_RI + 3, /* + s: [memory] dword by a fixed count */
    FAST_SHIFT_CL = FAST_SHIFT_MI + 3, /* + s: r/m32 by CL */
    FAST_SHIFT16 = FAST_SHIFT_CL + 3,  /* + s: r/m16 by a fixed count */
    FAST_IMUL_RR = FAST_SHIFT16 + 3,
    FAST_IMUL_RM,
    FAST_IMUL_RI,                  /* reg32 = reg32 * imm */
    FAST_IMUL_MI,                  /* reg32 = [memory] * imm */
    FAST_ROT_RI,                   /* + SH_ROL or SH_ROR: reg32 by a fixed count */
    FAST_ROT_MI = FAST_ROT_RI + 2, /* + SH_ROL or SH_ROR: [memory] dword by a fixed count */
    FAST_CMOV = FAST_ROT_MI + 2,   /* + cc, 16 of them: reg32 = r/m32 if cc */
    FAST_NEG = FAST_CMOV + 16,     /* reg32 = -reg32 */
    /* ops_fast_byte.h */
    FAST_ALU8_RR = FAST_NEG + 1,     /* + k, 8 of them: reg8 op= reg8 */
    FAST_ALU8_RI = FAST_ALU8_RR + 8, /* + k: reg8 op= imm8 */
    FAST_ALU8_RM = FAST_ALU8_RI + 8, /* + k: reg8 op= [memory] */
    FAST_ALU8_MR = FAST_ALU8_RM + 8, /* + k: [memory] op= reg8 */
    FAST_ALU8_MI = FAST_ALU8_MR + 8, /* + k: [memory] op= imm8 */
    FAST_TEST8_RR = FAST_ALU8_MI + 8,
    FAST_TEST8_RI,
    FAST_TEST8_MR,
    FAST_TEST8_MI,
    FAST_MOV8_RR,
    FAST_MOV8_RI,
    FAST_SETCC,                    /* + cc, 16 of them: r/m8 = cc ? 1 : 0 */
    FAST_BLOCK_END = FAST_SETCC + 16, /* not an instruction: the entry after a block's last
                                         (tcache.h), where run_block() chains */
    FAST_END
};

/* --- 32-bit ALU with lazy flags --- */

/* a op b for operation k, 32 bits: the result, its flags recorded
 * (lazy_flags.h); ADC and SBB, which read CF, settle the flags before
 * them first and set them at once (alu_op). */
static ALU_INLINE uint32_t fast_alu_val(struct cpu *c, int k, uint32_t a, uint32_t b)
{
    if (!lazy_alu_ok(k)) {
        lazy_settle(c);
        return alu_op(c, k, 4, a, b);
    }
    uint32_t res = lazy_alu_res(k, 4, a, b);
    lazy_alu_record(c, k, 4, a, b, res);
    return res;
}

/* r1 op= b for operation k, 32 bits. */
static ALU_INLINE void fast_alu(struct cpu *c, int k, int r1, uint32_t b)
{
    uint32_t res = fast_alu_val(c, k, (uint32_t)c->gpr[r1], b);
    if (k != ALU_CMP)
        c->gpr[r1] = res;
}

/* --- the operations; r1 and r2 are a specialised entry's registers --- */

static ALU_INLINE int fast_alu_rr(struct cpu *c, int k, int r1, int r2)
{
    fast_alu(c, k, r1, (uint32_t)c->gpr[r2]);
    return 0;
}

static ALU_INLINE int fast_alu_ri(struct cpu *c, int k, int r1, uint32_t imm)
{
    fast_alu(c, k, r1, imm);
    return 0;
}

static ALU_INLINE int fast_inc_dec(struct cpu *c, int r1, bool inc)
{
    c->gpr[r1] = lazy_inc_dec(c, 4, (uint32_t)c->gpr[r1], inc);
    return 0;
}

static ALU_INLINE int fast_mov_rr(struct cpu *c, int r1, int r2)
{
    c->gpr[r1] = (uint32_t)c->gpr[r2];
    return 0;
}

/* op_not_E() on a register: no flag changes. */
static ALU_INLINE int fast_not(struct cpu *c, int r1)
{
    c->gpr[r1] = ~(uint32_t)c->gpr[r1];
    return 0;
}

static ALU_INLINE int fast_test_rr(struct cpu *c, int r1, int r2)
{
    lazy_record_logic(c, 4, (uint32_t)c->gpr[r1] & (uint32_t)c->gpr[r2]);
    return 0;
}

/* op_call_near() for E8 with a 32-bit operand: the target's limit check,
 * then the push, then the jump. */
static ALU_INLINE int fast_call(struct cpu *c, const struct insn *i)
{
    uint32_t target = (uint32_t)c->eip + i->imm, sp = (uint32_t)c->gpr[R_ESP] - 4;
    if (!c->stack32)
        return op_call_near(c, i);
    if (target > c->seg[SEG_CS].limit)
        return cpu_fault(c, EXC_GP, 0);
    TRY(mmu_write_inline(c, SEG_SS, sp, 4, (uint32_t)c->eip));
    c->gpr[R_ESP] = sp;
    c->eip = target;
    return 0;
}

/* op_ret_near() for C3 with a 32-bit operand: the return address read in
 * place, its limit check, then ESP moved. */
static ALU_INLINE int fast_ret(struct cpu *c, const struct insn *i)
{
    uint32_t target, sp = (uint32_t)c->gpr[R_ESP];
    if (!c->stack32)
        return op_ret_near(c, i);
    TRY(mmu_read_inline(c, SEG_SS, sp, 4, &target));
    if (target > c->seg[SEG_CS].limit)
        return cpu_fault(c, EXC_GP, 0);
    c->eip = target;
    c->gpr[R_ESP] = sp + 4;
    return 0;
}

/* The target of relative jump i whose next instruction is at next: cut to
 * 16 bits with a 16-bit operand (ops_ctrl.c's rel_target). fast_jump_rel()
 * and the threaded core's Jcc (threaded.h, jcc_end()) take it from here. */
static ALWAYS_INLINE uint32_t fast_rel_target(uint32_t next, const struct insn *i)
{
    uint32_t target = next + i->imm;
    return i->osize == 2 ? target & 0xffff : target;
}

/* jump_near() (ops_common.c) in place, for the relative jumps below, as
 * fast_call() makes its limit check: the call was 1% of the host's
 * instructions on bench.asm, 0.5% on the Linux decompressor. */
static ALU_INLINE int fast_jump_rel(struct cpu *c, const struct insn *i)
{
    uint32_t target = fast_rel_target((uint32_t)c->eip, i);
    if (target > c->seg[SEG_CS].limit)
        return cpu_fault(c, EXC_GP, 0);
    c->eip = target;
    return 0;
}

/* op_jmp_near() for EB and E9. The cost is the table's, as for the
 * generic handler: an unconditional jump has no not-taken cost to add to. */
static ALU_INLINE int fast_jmp(struct cpu *c, const struct insn *i)
{
    return fast_jump_rel(c, i);
}

#endif
