/*
 * ops_alu.c - the arithmetic and logic instructions, and the flags they set.
 *
 * Eight operations share one encoding scheme (SDM vol. 2, appendix A.3 and
 * the ADD ... XOR pages): ADD OR ADC SBB AND SUB XOR CMP, numbered 0-7 by
 * bits 5:3 of the opcode (00-3F) or by ModR/M reg (the 80-83 group). alu()
 * is the one place that computes them and their six arithmetic flags (SDM
 * vol. 1, 3.4.3.1); the other families (CMPS, SCAS, XADD, CMPXCHG, the BCD
 * adjustments) call it too. Around it: INC and DEC (which keep CF), NEG,
 * NOT, TEST, the single-flag instructions (CMC CLC STC CLD STD), LAHF/SAHF,
 * SALC and the sign extensions CBW/CWDE and CWD/CDQ.
 *
 * Flags are eager: every instruction leaves its result in EFLAGS at once.
 * How the flags are found, for an operation on n-bit operands a and b:
 *   CF  the carry out of bit n-1 (for subtraction: the borrow, b > a);
 *   AF  the carry out of bit 3, which is bit 4 of a ^ b ^ result;
 *   OF  signed overflow: both inputs have the same sign and the result the
 *       other (for subtraction: the inputs differ in sign and the result's
 *       sign differs from a's);
 *   SF  bit n-1 of the result, ZF result == 0, PF the low byte of the result
 *       has an even number of 1 bits.
 *
 * Undefined flags: the logic operations (AND OR XOR TEST) leave AF
 * undefined; we clear it, which is what the hardware-captured 80286 vectors
 * in shared/testdata show in every case. Everything else here is defined.
 *
 * Memory destinations: a read-modify-write instruction reads its operand,
 * computes, then writes; the write is its last access that can fault (a
 * read-only page, say). Flags are computed before that write, so a handler
 * saves EFLAGS first and puts it back if the write faults: the instruction
 * then restarts with nothing changed. LOCK needs nothing more: one CPU
 * executes one instruction at a time.
 */
#include "ops.h"
#include "alu.h"

uint32_t alu(struct cpu *c, int k, int size, uint32_t a, uint32_t b)
{
    return alu_op(c, k, size, a, b);
}

void flags_logic(struct cpu *c, int size, uint32_t res)
{
    c->eflags = (c->eflags & ~FL_ARITH) | flags_szp(size, res);
}

/* --- the eight operations in their six encodings --- */

/* Write v to the r/m operand of a read-modify-write instruction whose flags
 * are already in EFLAGS; if the write faults, restore the flags saved before
 * they were computed, so the instruction changes nothing. */
static int store_rm(struct cpu *c, const struct insn *i, int size, uint32_t v, uint32_t saved)
{
    if (rm_write(c, i, size, v)) {
        c->eflags = saved;
        return CPU_FAULT;
    }
    return 0;
}

/* r/m = r/m op b (CMP only compares). */
static int alu_into_rm(struct cpu *c, const struct insn *i, int k, uint32_t b)
{
    uint32_t a, saved = c->eflags;
    TRY(rm_read(c, i, i->opsize, &a));
    uint32_t res = alu_op(c, k, i->opsize, a, b);
    if (k == ALU_CMP)
        return 0;
    return store_rm(c, i, i->opsize, res, saved);
}

/* Register n = register n op b (CMP only compares). */
static void alu_into_reg(struct cpu *c, int n, int size, int k, uint32_t b)
{
    uint32_t res = alu_op(c, k, size, reg_get(c, n, size), b);
    if (k != ALU_CMP)
        reg_set(c, n, size, res);
}

/* 00 08 ... 38: r/m8 op= r8. */
int op_alu_Eb_Gb(struct cpu *c, const struct insn *i)
{
    return alu_into_rm(c, i, (i->opcode >> 3) & 7, reg_get(c, i->modrm.reg, 1));
}

/* 01 09 ... 39: r/m op= r. */
int op_alu_Ev_Gv(struct cpu *c, const struct insn *i)
{
    return alu_into_rm(c, i, (i->opcode >> 3) & 7, reg_get(c, i->modrm.reg, i->opsize));
}

/* 02 0A ... 3A and 03 0B ... 3B: r op= r/m; both sizes. */
static int alu_into_G(struct cpu *c, const struct insn *i)
{
    uint32_t b;
    TRY(rm_read(c, i, i->opsize, &b));
    alu_into_reg(c, i->modrm.reg, i->opsize, (i->opcode >> 3) & 7, b);
    return 0;
}

/* 02 ... 3A: r8 op= r/m8. */
int op_alu_Gb_Eb(struct cpu *c, const struct insn *i)
{
    return alu_into_G(c, i);
}

/* 03 ... 3B: r op= r/m. */
int op_alu_Gv_Ev(struct cpu *c, const struct insn *i)
{
    return alu_into_G(c, i);
}

/* 04 ... 3C: AL op= imm8. */
int op_alu_AL_Ib(struct cpu *c, const struct insn *i)
{
    alu_into_reg(c, R_EAX, 1, (i->opcode >> 3) & 7, i->imm);
    return 0;
}

/* 05 ... 3D: eAX op= imm16/32. */
int op_alu_eAX_Iz(struct cpu *c, const struct insn *i)
{
    alu_into_reg(c, R_EAX, i->opsize, (i->opcode >> 3) & 7, i->imm);
    return 0;
}

/* 80 81 82 83: r/m op= imm, the operation in ModR/M reg. For 83 the decoder
 * has already sign-extended the imm8; alu() masks it to the operand size. */
int op_alu_E_I(struct cpu *c, const struct insn *i)
{
    return alu_into_rm(c, i, i->modrm.reg, i->imm);
}

/* --- INC, DEC, NEG, NOT, TEST --- */

/* 40-47 / 48-4F: INC/DEC of the register in the opcode's low bits. */
static int inc_dec_Zv(struct cpu *c, const struct insn *i, bool inc)
{
    int n = i->opcode & 7;
    reg_set(c, n, i->opsize, inc_dec(c, i->opsize, reg_get(c, n, i->opsize), inc));
    return 0;
}

int op_inc_Zv(struct cpu *c, const struct insn *i)
{
    return inc_dec_Zv(c, i, true);
}

int op_dec_Zv(struct cpu *c, const struct insn *i)
{
    return inc_dec_Zv(c, i, false);
}

/* FE/FF /0 and /1: INC/DEC r/m. */
static int inc_dec_E(struct cpu *c, const struct insn *i, bool inc)
{
    uint32_t a, saved = c->eflags;
    TRY(rm_read(c, i, i->opsize, &a));
    uint32_t res = inc_dec(c, i->opsize, a, inc);
    return store_rm(c, i, i->opsize, res, saved);
}

int op_inc_E(struct cpu *c, const struct insn *i)
{
    return inc_dec_E(c, i, true);
}

int op_dec_E(struct cpu *c, const struct insn *i)
{
    return inc_dec_E(c, i, false);
}

/* F6/F7 /3: NEG is 0 - r/m with SUB's flags, so CF = (operand != 0). */
int op_neg_E(struct cpu *c, const struct insn *i)
{
    uint32_t a, saved = c->eflags;
    TRY(rm_read(c, i, i->opsize, &a));
    uint32_t res = alu_op(c, ALU_SUB, i->opsize, 0, a);
    return store_rm(c, i, i->opsize, res, saved);
}

/* F6/F7 /2: NOT changes no flag. */
int op_not_E(struct cpu *c, const struct insn *i)
{
    uint32_t a;
    TRY(rm_read(c, i, i->opsize, &a));
    return rm_write(c, i, i->opsize, ~a);
}

/* 84/85: flags of r/m AND r, nothing stored. */
int op_test_E_G(struct cpu *c, const struct insn *i)
{
    uint32_t a;
    TRY(rm_read(c, i, i->opsize, &a));
    flags_logic(c, i->opsize, a & reg_get(c, i->modrm.reg, i->opsize));
    return 0;
}

/* F6/F7 /0 (and the undocumented /1 alias): flags of r/m AND imm. */
int op_test_E_I(struct cpu *c, const struct insn *i)
{
    uint32_t a;
    TRY(rm_read(c, i, i->opsize, &a));
    flags_logic(c, i->opsize, a & i->imm);
    return 0;
}

/* A8/A9: flags of AL/eAX AND imm. */
int op_test_A_I(struct cpu *c, const struct insn *i)
{
    flags_logic(c, i->opsize, reg_get(c, R_EAX, i->opsize) & i->imm);
    return 0;
}

/* --- single flags, AH <-> flags, SALC --- */

int op_cmc(struct cpu *c, const struct insn *i)
{
    (void)i;
    c->eflags ^= FL_CF;
    return 0;
}

int op_clc(struct cpu *c, const struct insn *i)
{
    (void)i;
    c->eflags &= ~FL_CF;
    return 0;
}

int op_stc(struct cpu *c, const struct insn *i)
{
    (void)i;
    c->eflags |= FL_CF;
    return 0;
}

int op_cld(struct cpu *c, const struct insn *i)
{
    (void)i;
    c->eflags &= ~FL_DF;
    return 0;
}

int op_std(struct cpu *c, const struct insn *i)
{
    (void)i;
    c->eflags |= FL_DF;
    return 0;
}

/* The flags LAHF and SAHF move: the low byte of EFLAGS but for its three
 * fixed bits (1 reads as 1, 3 and 5 as 0). */
#define FL_AH_BITS (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF)

/* 9F: AH = SF ZF 0 AF 0 PF 1 CF. */
int op_lahf(struct cpu *c, const struct insn *i)
{
    (void)i;
    reg_set(c, 4 /* AH */, 1, (c->eflags & FL_AH_BITS) | FL_FIXED1);
    return 0;
}

/* 9E: SF ZF AF PF CF = the same bits of AH; OF and the rest are kept. */
int op_sahf(struct cpu *c, const struct insn *i)
{
    (void)i;
    uint32_t ah = reg_get(c, 4 /* AH */, 1);
    c->eflags = (c->eflags & ~FL_AH_BITS) | (ah & FL_AH_BITS);
    return 0;
}

/* D6: SALC, undocumented but present on every Intel processor from the 8086
 * on: AL = CF ? FF : 00, flags unchanged. */
int op_salc(struct cpu *c, const struct insn *i)
{
    (void)i;
    reg_set(c, R_EAX, 1, (c->eflags & FL_CF) ? 0xff : 0);
    return 0;
}

/* --- sign extension --- */

/* 98: CBW (AX = AL sign-extended) or, with 32-bit operands, CWDE (EAX = AX
 * sign-extended). */
int op_cbw(struct cpu *c, const struct insn *i)
{
    if (i->opsize == 4)
        reg_set(c, R_EAX, 4, (uint32_t)(int32_t)(int16_t)reg_get(c, R_EAX, 2));
    else
        reg_set(c, R_EAX, 2, (uint32_t)(int16_t)(int8_t)reg_get(c, R_EAX, 1));
    return 0;
}

/* 99: CWD (DX = the sign of AX, repeated) or CDQ (EDX = the sign of EAX). */
int op_cwd(struct cpu *c, const struct insn *i)
{
    int size = i->opsize;
    bool negative = (reg_get(c, R_EAX, size) & size_sign(size)) != 0;
    reg_set(c, R_EDX, size, negative ? 0xffffffffu : 0);
    return 0;
}
