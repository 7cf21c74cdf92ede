/*
 * ops_fast_byte.h - the threaded core's specialised forms with 8-bit
 * operands.
 *
 * The third part of the specialised forms (ops_fast.h says what one is and
 * why it cannot differ from the generic handler; ops_fast_rmw.h has the
 * 32-bit read-modify-write forms). A 32-bit kernel works on bytes more than
 * one would think: flag bytes, characters, the decompressor's bit buffer.
 * In a Debian Linux boot CMP AL,imm8, XOR r8,r/m8 and TEST r/m8,r8 alone
 * were 1.7% of all instructions, and everything here ran generic:
 *
 *   ALU8_RR<k>  ADD OR ADC SBB AND SUB XOR CMP reg8, reg8 (00-38 and 02-3A
 *               with mod = 3): r1 = r1 op r2
 *   ALU8_RI<k>  reg8 op= imm8 (04-3C: AL; 80 and 82 with mod = 3)
 *   ALU8_RM<k>  reg8 op= [memory] (02-3A with mod != 3)
 *   ALU8_MR<k>  [memory] op= reg8 (00-38 with mod != 3)
 *   ALU8_MI<k>  [memory] op= imm8 (80 and 82 with mod != 3)
 *   TEST8_RR, TEST8_RI  TEST reg8, reg8 (84 with mod = 3) and reg8, imm8
 *               (A8: AL; F6 /0 and its /1 alias with mod = 3)
 *   TEST8_MR, TEST8_MI  TEST [memory], reg8 or imm8 (84, F6 /0 /1, mod != 3)
 *   MOV8_RR     reg8 = reg8 (88 and 8A with mod = 3)
 *   MOV8_RI     reg8 = imm8 (B0-B7; C6 /0 with mod = 3)
 *   SETCC<cc>   SETcc r/m8 (0F 90-9F), register or memory
 *
 * A byte register number n is the ModR/M encoding: 0-3 are AL CL DL BL,
 * the low bytes of EAX..EBX, and 4-7 are AH CH DH BH, bits 15:8 of the
 * same four. byte_get() and byte_set() compute reg_get(c, n, 1) and
 * reg_set(c, n, 1, v) (cpu.h) without its branch: the register is n & 3,
 * the shift (n & 4) * 2. The flags are lazy (lazy_flags.h) but for ADC
 * and SBB, which run alu_op() (alu.h), the generic handlers' own; the
 * memory forms read, compute and write back in ops_alu.c's order, and
 * record their flags after the write (ADC and SBB put EFLAGS back when it
 * faults, as store_rm() does), so a faulting form restarts with nothing
 * changed. test_fast.c compares every form with the generic handler, on
 * all eight byte registers.
 *
 * Measured with callgrind, host instructions a guest instruction: the
 * Linux kernel's decompressor (150 M cycles, 61.6 M instructions) 66.9 ->
 * 65.5 with these forms, bench.asm (ITER=5 less ITER=0) 70.1 -> 68.5
 * (then with eager flags).
 */
#ifndef LAB86_OPS_FAST_BYTE_H
#define LAB86_OPS_FAST_BYTE_H

#include "ops_fast.h"

/* reg_get(c, n, 1): byte register n (AL CL DL BL AH CH DH BH). */
static ALWAYS_INLINE uint32_t byte_get(const struct cpu *c, int n)
{
    return (uint8_t)(c->gpr[n & 3] >> ((n & 4) << 1));
}

/* reg_set(c, n, 1, v): the other bits of the register kept. */
static ALWAYS_INLINE void byte_set(struct cpu *c, int n, uint32_t v)
{
    unsigned sh = (unsigned)(n & 4) << 1;
    c->gpr[n & 3] = (c->gpr[n & 3] & ~(0xffull << sh)) | (uint64_t)(uint8_t)v << sh;
}

/* a op b for operation k, 8 bits: the result, its flags recorded
 * (lazy_flags.h), or for ADC and SBB settled and set at once (alu_op). */
static ALU_INLINE uint32_t fast_alu8_val(struct cpu *c, int k, uint32_t a, uint32_t b)
{
    if (!lazy_alu_ok(k)) {
        lazy_settle(c);
        return alu_op(c, k, 1, a, b);
    }
    a &= 0xff;
    b &= 0xff;
    uint32_t res = lazy_alu_res(k, 1, a, b);
    lazy_alu_record(c, k, 1, a, b, res);
    return res;
}

/* r1 op= b for operation k, 8 bits (op_alu_*b's alu_into_reg()). */
static ALU_INLINE int fast_alu8(struct cpu *c, int k, int r1, uint32_t b)
{
    uint32_t res = fast_alu8_val(c, k, byte_get(c, r1), b);
    if (k != ALU_CMP)
        byte_set(c, r1, res);
    return 0;
}

/* r1 op= [memory] (op_alu_Gb_Eb with a memory operand). */
static ALU_INLINE int fast_alu8_rm(struct cpu *c, const struct insn *i, int k, int r1)
{
    uint32_t b;
    TRY(mmu_read_inline(c, i->seg, ea_offset32(c, i), 1, &b));
    return fast_alu8(c, k, r1, b);
}

/* [memory] op= b (op_alu_Eb_Gb, op_alu_E_I with a memory byte): CMP only
 * reads. The lazy record is made after the write; ADC's and SBB's faulting
 * write puts EFLAGS back. */
static ALU_INLINE int fast_alu8_m(struct cpu *c, const struct insn *i, int k, uint32_t b)
{
    uint32_t a, off = ea_offset32(c, i);
    TRY(mmu_read_inline(c, i->seg, off, 1, &a));
    if (!lazy_alu_ok(k)) {
        lazy_settle(c);
        uint32_t saved = c->eflags, res = alu_op(c, k, 1, a, b);
        if (mmu_write_inline(c, i->seg, off, 1, (uint8_t)res)) {
            c->eflags = saved;
            return CPU_FAULT;
        }
        return 0;
    }
    a &= 0xff;
    b &= 0xff;
    uint32_t res = lazy_alu_res(k, 1, a, b);
    if (k != ALU_CMP)
        TRY(mmu_write_inline(c, i->seg, off, 1, res));
    lazy_alu_record(c, k, 1, a, b, res);
    return 0;
}

/* The flags of a & b, 8 bits (op_test_E_G, op_test_E_I, op_test_A_I),
 * recorded. */
static ALU_INLINE int fast_test8(struct cpu *c, uint32_t a, uint32_t b)
{
    lazy_record_logic(c, 1, a & b & 0xff);
    return 0;
}

/* TEST [memory], b. */
static ALU_INLINE int fast_test8_m(struct cpu *c, const struct insn *i, uint32_t b)
{
    uint32_t a;
    TRY(mmu_read_inline(c, i->seg, ea_offset32(c, i), 1, &a));
    return fast_test8(c, a, b);
}

/* op_setcc() for condition cc: r1 (mod = 3) or the memory byte = 1 or 0. */
static ALU_INLINE int fast_setcc(struct cpu *c, const struct insn *i, int cc, int r1)
{
    uint32_t v = lazy_cond(c, cc) ? 1 : 0;
    if (i->modrm.mod == 3) {
        byte_set(c, r1, v);
        return 0;
    }
    return mmu_write_inline(c, i->seg, ea_offset32(c, i), 1, v);
}

#endif
