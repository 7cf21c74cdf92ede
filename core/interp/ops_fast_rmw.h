/*
 * ops_fast_rmw.h - the threaded core's specialised forms with a memory
 * destination, and those of the shifts and of IMUL.
 *
 * The second half of ops_fast.h (read that first: what a specialised form
 * is, why it cannot differ from the generic handler, and its lazy flags), for the forms
 * that read an operand, compute and write it back:
 *
 *   ALU_MR<k>   ADD OR ADC SBB AND SUB XOR CMP [memory], reg32 (01-39 with
 *               mod != 3)
 *   ALU_MI<k>   the same with an immediate (81 and 83 with mod != 3)
 *   INC_M, DEC_M, NOT_M  of a memory dword (FF /0, FF /1, F7 /2)
 *   SHIFT_RI<s> SHL SHR SAR reg32 by a count fixed at decode: the imm8 of
 *               C1 masked to 5 bits, or the 1 of D1 (the entry's r2)
 *   SHIFT_MI<s> the same of a memory dword
 *   SHIFT_CL<s> SHL SHR SAR r/m32 by CL (D3)
 *   SHIFT16<s>  SHL SHR SAR r/m16 by a fixed count (66 C1, 66 D1)
 *   IMUL_RR, IMUL_RM  IMUL reg32, r/m32 (0F AF)
 *   IMUL_RI, IMUL_MI  IMUL reg32, r/m32, imm (69, 6B)
 *   ROT_RI<k>, ROT_MI<k>  ROL and ROR of a reg32 or a memory dword by a
 *               fixed count (C1 /0 /1, D1 /0 /1; the count in r2 as for
 *               the shifts)
 *   CMOV<cc>    CMOVcc reg32, r/m32 (0F 40-4F)
 *   NEG         reg32 = -reg32 (F7 /3 with mod = 3)
 *
 * A read-modify-write form does what the generic handler does, in its
 * order: the read (a fault there changes nothing), the result and its
 * flags, the write (mmu_write_inline, the generic rm_write's path); a
 * lazy form records its flags only after the write, and when ADC's or
 * SBB's write faults EFLAGS goes back to what it was, as ops_alu.c's
 * store_rm() does, so the instruction restarts with nothing changed. The
 * shifts commit their flags only after the write, as op_shift() does
 * (and, writing all six, drop the lazy record; a rotate, which keeps four,
 * takes those from the record), and
 * a count of 0 reads the operand (which may fault) and changes nothing
 * else; a rotate changes CF and OF alone. The results and flags come from
 * alu.h (shift_op, rotate_op, imul_op, alu_op), which the generic
 * handlers use too, and the lazy flags of lazy_flags.h, settled by alu.h's
 * functions.
 *
 * Measured with callgrind on bench.asm (ITER=5 less ITER=0, host
 * instructions a guest instruction, after the byte forms of
 * ops_fast_byte.h): 68.5 -> 64.5 with the rotates and IMUL by an
 * immediate (its integer loop's ROL and IMUL), 62.6 with CMOVcc, SETcc and
 * NEG; the Linux decompressor, which uses none of them much, stays at 65.5.
 */
#ifndef LAB86_OPS_FAST_RMW_H
#define LAB86_OPS_FAST_RMW_H

#include "ops_fast.h"

/* The shift group's k (ModR/M reg) of specialised shift s. */
static ALWAYS_INLINE int shift_k(int s)
{
    return s == SHIFT_SHL ? SH_SHL : s == SHIFT_SHR ? SH_SHR : SH_SAR;
}

/* op_shift() for shift s of register r1 (size bytes) by count (not yet
 * masked). */
static ALU_INLINE int fast_shift_r(struct cpu *c, int s, int size, int r1, unsigned count)
{
    uint32_t f;
    count &= 0x1f;
    if (count == 0)
        return 0;
    uint32_t res = shift_op(shift_k(s), size, reg_get(c, r1, size), count, &f);
    reg_set(c, r1, size, res);
    lazy_record_szpco(c, size, res, f); /* all six written */
    return 0;
}

/* op_shift() for shift s of the memory operand (size bytes) by count (not
 * yet masked): the flags after the write. */
static ALU_INLINE int fast_shift_m(struct cpu *c, const struct insn *i, int s, int size,
                                   unsigned count)
{
    uint32_t a, f, off = ea_offset32(c, i);
    TRY(mmu_read_inline(c, i->seg, off, size, &a));
    count &= 0x1f;
    if (count == 0)
        return 0;
    uint32_t res = shift_op(shift_k(s), size, a, count, &f);
    TRY(mmu_write_inline(c, i->seg, off, size, res));
    lazy_record_szpco(c, size, res, f); /* all six written */
    return 0;
}

/* The same of the r/m operand, register or memory as i says (the forms
 * by CL and the 16-bit ones, rarer: one form serves both). */
static ALU_INLINE int fast_shift_rm(struct cpu *c, const struct insn *i, int s, int size, int r1,
                                    unsigned count)
{
    if (i->modrm.mod == 3)
        return fast_shift_r(c, s, size, r1, count);
    return fast_shift_m(c, i, s, size, count);
}

/* op_imul_Gv_Ev() with a 32-bit operand: r1 = r1 * r2, or r1 * [memory]
 * when mem. */
static ALU_INLINE int fast_imul(struct cpu *c, const struct insn *i, int r1, int r2, bool mem)
{
    uint32_t b, f;
    if (mem)
        TRY(mmu_read_inline(c, i->seg, ea_offset32(c, i), 4, &b));
    else
        b = (uint32_t)c->gpr[r2];
    uint32_t res = imul_op(4, (uint32_t)c->gpr[r1], b, &f);
    c->gpr[r1] = res;
    lazy_record_szpco(c, 4, res, f); /* all six written */
    return 0;
}

/* op_imul_Gv_Ev_Iz() with a 32-bit operand: r1 = r2 * imm, or
 * [memory] * imm when mem (the imm8 of 6B sign-extended by the decoder). */
static ALU_INLINE int fast_imul_imm(struct cpu *c, const struct insn *i, int r1, int r2, bool mem)
{
    uint32_t a, f;
    if (mem)
        TRY(mmu_read_inline(c, i->seg, ea_offset32(c, i), 4, &a));
    else
        a = (uint32_t)c->gpr[r2];
    uint32_t res = imul_op(4, a, i->imm, &f);
    c->gpr[r1] = res;
    lazy_record_szpco(c, 4, res, f); /* all six written */
    return 0;
}

/* op_cmov() with a 32-bit operand and condition cc: the memory operand
 * is read whatever the condition (and may fault); a false condition
 * leaves r1 as it was, all 32 bits of it. */
static ALU_INLINE int fast_cmov(struct cpu *c, const struct insn *i, int cc, int r1, int r2)
{
    uint32_t v;
    if (i->modrm.mod == 3)
        v = (uint32_t)c->gpr[r2];
    else
        TRY(mmu_read_inline(c, i->seg, ea_offset32(c, i), 4, &v));
    if (lazy_cond(c, cc))
        c->gpr[r1] = v;
    return 0;
}

/* op_neg_E() on a register: 0 - r1 with SUB's flags (CF = r1 != 0),
 * recorded as a SUB. */
static ALU_INLINE int fast_neg(struct cpu *c, int r1)
{
    c->gpr[r1] = fast_alu_val(c, ALU_SUB, 0, (uint32_t)c->gpr[r1]);
    return 0;
}

/* A rotate's CF and OF f into EFLAGS, the other four kept: taken from the
 * lazy record (lazy_szap), which is then dropped. */
static ALU_INLINE void fast_rot_flags(struct cpu *c, uint32_t f)
{
    uint32_t szap = lazy_szap(c);
    lazy_drop(c);
    c->eflags = (c->eflags & ~FL_ARITH) | szap | f;
}

/* op_shift() for ROL or ROR (k: SH_ROL, SH_ROR) of register r1 by count
 * (not yet masked): only CF and OF change. */
static ALU_INLINE int fast_rot_r(struct cpu *c, int k, int r1, unsigned count)
{
    uint32_t f;
    count &= 0x1f;
    if (count == 0)
        return 0;
    c->gpr[r1] = rotate_op(k, 4, (uint32_t)c->gpr[r1], count, &f);
    fast_rot_flags(c, f);
    return 0;
}

/* The same of a memory dword: the flags after the write. */
static ALU_INLINE int fast_rot_m(struct cpu *c, const struct insn *i, int k, unsigned count)
{
    uint32_t a, f, off = ea_offset32(c, i);
    TRY(mmu_read_inline(c, i->seg, off, 4, &a));
    count &= 0x1f;
    if (count == 0)
        return 0;
    TRY(mmu_write_inline(c, i->seg, off, 4, rotate_op(k, 4, a, count, &f)));
    fast_rot_flags(c, f);
    return 0;
}

#endif
