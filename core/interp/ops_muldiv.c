/*
 * ops_muldiv.c - multiplication, division and the decimal adjustments.
 *
 * MUL and IMUL (SDM vol. 2, MUL and IMUL): the one-operand forms (F6/F7 /4
 * and /5) multiply the accumulator by r/m and leave the double-width product
 * in AX, DX:AX or EDX:EAX; the two- and three-operand IMUL forms (0F AF, 69,
 * 6B) keep only the low half. CF and OF both say "the high half carries
 * information": for MUL, the high half is not zero; for IMUL, the product
 * does not fit in the destination as a signed number.
 *
 * DIV and IDIV (F6/F7 /6 and /7) divide AX, DX:AX or EDX:EAX by r/m, the
 * quotient going to the low half and the remainder to the high half. IDIV
 * truncates toward zero and the remainder takes the dividend's sign, which
 * is exactly C's / and %. A zero divisor, or a quotient too large for the
 * low half, raises #DE; the registers are then untouched (SDM vol. 3, 6.15,
 * interrupt 0), and the saved EIP points at the DIV so that the handler can
 * see what failed. IDIV's range is signed: AX = -32768 divided by -1 gives
 * +32768, which does not fit, so #DE; a quotient of -128 (byte) does fit.
 *
 * The BCD adjustments (DAA DAS AAA AAS AAM AAD, SDM vol. 2 and vol. 1, 4.7)
 * correct AL after binary arithmetic on packed (two digits a byte) or
 * unpacked (one digit a byte) decimal numbers. AAM and AAD take the base as
 * their immediate byte (0A in the usual encoding; other bases work on every
 * Intel processor); AAM with base 0 raises #DE.
 *
 * Undefined flags, and what we produce:
 *   MUL, IMUL  SF ZF PF from the low half of the product (the value written
 *              to AL/AX/EAX or the destination register), AF cleared.
 *   DIV, IDIV  all six undefined: left unchanged. Cyrix processors behave
 *              this way; Intel ones alter them in undocumented ways, which
 *              is what the old "5 / 2" test uses to tell a Cyrix from an
 *              Intel 486 (a guest that runs it takes lab86 for a Cyrix;
 *              one that asks CPUID, which lab86 has, is not misled).
 *              The 80286 vectors mask them all.
 *   DAA, DAS   OF as the overflow of AL plus (minus) the whole correction
 *              (06, 60 or 66) in one addition; the 80286 vectors in
 *              shared/testdata agree in all their cases.
 *   AAA, AAS   SF ZF PF OF as the 8-bit addition (subtraction) of 6 to AL
 *              before AL is masked to a digit (of 0 when no adjustment is
 *              made), again as the 80286 vectors show.
 *   AAM        OF AF CF cleared (the 80286 vectors agree).
 *   AAD        OF AF CF as the 8-bit addition of AL and AH * base that AAD
 *              is: R. Collins ("Undocumented OpCodes: AAD") documents the
 *              flags as set by that addition; the 80286 vectors agree for
 *              CF and AF but not always for OF.
 */
#include "ops.h"

#include "alu.h" /* imul_op(), shared with the threaded core (ops_fast_rmw.h); ALU_ADD, ALU_SUB */

/* Register numbers of the byte registers AL and AH. */
enum { REG_AL = 0, REG_AH = 4 };

/* Set or clear one flag. */
static void set_flag(struct cpu *c, uint32_t flag, bool on)
{
    c->eflags = on ? (c->eflags | flag) : (c->eflags & ~flag);
}

/* Flags of a multiplication whose low half is lo: SF ZF PF from lo, AF
 * cleared (our choice for the undefined ones), CF = OF = overflow. */
static void mul_flags(struct cpu *c, int size, uint32_t lo, bool overflow)
{
    flags_logic(c, size, lo);
    set_flag(c, FL_CF | FL_OF, overflow);
}

/* Store a double-width product or a quotient/remainder pair: the low half
 * in AL/AX/EAX, the high half in AH/DX/EDX. */
static void store_pair(struct cpu *c, int size, uint32_t lo, uint32_t hi)
{
    reg_set(c, R_EAX, size, lo);
    reg_set(c, size == 1 ? REG_AH : R_EDX, size, hi);
}

/* The double-width accumulator that DIV and IDIV divide: AX, DX:AX or
 * EDX:EAX, as an unsigned number. */
static uint64_t dividend(const struct cpu *c, int size)
{
    if (size == 1)
        return reg_get(c, R_EAX, 2);
    return ((uint64_t)reg_get(c, R_EDX, size) << (size * 8)) | reg_get(c, R_EAX, size);
}

/* The same, as a signed number of twice the operand size. */
static int64_t signed_dividend(const struct cpu *c, int size)
{
    uint64_t n = dividend(c, size);
    switch (size) {
    case 1: return (int16_t)n;
    case 2: return (int32_t)n;
    default: return (int64_t)n; /* two's complement: gcc and clang keep the bits */
    }
}

/* --- multiplication --- */

/* F6/F7 /4: MUL r/m. */
int op_mul_E(struct cpu *c, const struct insn *i)
{
    int size = i->opsize, bits = size * 8;
    uint32_t b;
    TRY(rm_read(c, i, size, &b));
    uint64_t p = (uint64_t)reg_get(c, R_EAX, size) * b;
    uint32_t lo = (uint32_t)p & size_mask(size), hi = (uint32_t)(p >> bits);
    store_pair(c, size, lo, hi);
    mul_flags(c, size, lo, hi != 0);
    return 0;
}

/* F6/F7 /5: IMUL r/m, the signed one-operand form. */
int op_imul_E(struct cpu *c, const struct insn *i)
{
    int size = i->opsize, bits = size * 8;
    uint32_t b;
    TRY(rm_read(c, i, size, &b));
    /* Two sign-extended 32-bit factors: the product fits in 64 bits. */
    int64_t p = sign_extend(reg_get(c, R_EAX, size), size) * sign_extend(b, size);
    uint32_t lo = (uint32_t)p & size_mask(size), hi = (uint32_t)((uint64_t)p >> bits);
    store_pair(c, size, lo, hi);
    mul_flags(c, size, lo, p != sign_extend(lo, size));
    return 0;
}

/* The truncating signed multiply of the two- and three-operand IMUL forms:
 * returns the low size bytes and sets the flags (imul_op(): those of
 * mul_flags()). */
static uint32_t imul_trunc(struct cpu *c, int size, uint32_t a, uint32_t b)
{
    uint32_t f, lo = imul_op(size, a, b, &f);
    c->eflags = (c->eflags & ~FL_ARITH) | f;
    return lo;
}

/* 0F AF: IMUL r, r/m. */
int op_imul_Gv_Ev(struct cpu *c, const struct insn *i)
{
    uint32_t b;
    TRY(rm_read(c, i, i->opsize, &b));
    uint32_t a = reg_get(c, i->modrm.reg, i->opsize);
    reg_set(c, i->modrm.reg, i->opsize, imul_trunc(c, i->opsize, a, b));
    return 0;
}

/* 69 / 6B: IMUL r, r/m, imm. The imm8 of 6B is already sign-extended by the
 * decoder; the imm16 of 69 is sign-extended here, by sign_extend(). */
int op_imul_Gv_Ev_Iz(struct cpu *c, const struct insn *i)
{
    uint32_t a;
    TRY(rm_read(c, i, i->opsize, &a));
    reg_set(c, i->modrm.reg, i->opsize, imul_trunc(c, i->opsize, a, i->imm));
    return 0;
}

/* --- division --- */

/* F6/F7 /6: DIV r/m. */
int op_div_E(struct cpu *c, const struct insn *i)
{
    int size = i->opsize;
    uint32_t d;
    TRY(rm_read(c, i, size, &d));
    uint64_t n = dividend(c, size);
    if (d == 0 || n / d > size_mask(size))
        return cpu_fault(c, EXC_DE, 0);
    store_pair(c, size, (uint32_t)(n / d), (uint32_t)(n % d));
    return 0;
}

/* F6/F7 /7: IDIV r/m. */
int op_idiv_E(struct cpu *c, const struct insn *i)
{
    int size = i->opsize, bits = size * 8;
    uint32_t dv;
    TRY(rm_read(c, i, size, &dv));
    int64_t n = signed_dividend(c, size);
    int64_t d = sign_extend(dv, size);
    /* -2^63 / -1 overflows in C as on the CPU: test for it before dividing. */
    if (d == 0 || (d == -1 && n == INT64_MIN))
        return cpu_fault(c, EXC_DE, 0);
    int64_t q = n / d, r = n % d;
    if (q < -((int64_t)1 << (bits - 1)) || q >= ((int64_t)1 << (bits - 1)))
        return cpu_fault(c, EXC_DE, 0);
    store_pair(c, size, (uint32_t)q & size_mask(size), (uint32_t)r & size_mask(size));
    return 0;
}

/* --- decimal adjustments --- */

/* 27: DAA, after adding two packed BCD bytes. */
int op_daa(struct cpu *c, const struct insn *i)
{
    (void)i;
    uint32_t al = reg_get(c, REG_AL, 1), adj = 0;
    bool cf = c->eflags & FL_CF, af = c->eflags & FL_AF;
    if ((al & 0x0f) > 9 || af)
        adj |= 0x06;
    if (al > 0x99 || cf)
        adj |= 0x60;
    reg_set(c, REG_AL, 1, alu(c, ALU_ADD, 1, al, adj));
    set_flag(c, FL_AF, adj & 0x06);
    set_flag(c, FL_CF, adj & 0x60);
    return 0;
}

/* 2F: DAS, after subtracting packed BCD bytes. Unlike DAA, a borrow out of
 * the low-digit correction sets CF too (SDM DAS, "Operation"). */
int op_das(struct cpu *c, const struct insn *i)
{
    (void)i;
    uint32_t al = reg_get(c, REG_AL, 1), adj = 0;
    bool cf = c->eflags & FL_CF, af = c->eflags & FL_AF;
    bool borrow = false;
    if ((al & 0x0f) > 9 || af) {
        adj |= 0x06;
        borrow = al < 6;
    }
    if (al > 0x99 || cf)
        adj |= 0x60;
    reg_set(c, REG_AL, 1, alu(c, ALU_SUB, 1, al, adj));
    set_flag(c, FL_AF, adj & 0x06);
    set_flag(c, FL_CF, (adj & 0x60) || borrow);
    return 0;
}

/* 37 / 3F: AAA and AAS, after adding or subtracting unpacked BCD digits.
 * The 386 and later add (subtract) 106h to all of AX, so a carry (borrow)
 * out of AL reaches AH as well as the explicit 1 (SDM AAA, AAS). */
static int ascii_adjust(struct cpu *c, bool add)
{
    uint32_t ax = reg_get(c, R_EAX, 2), al = ax & 0xff;
    bool adjust = (al & 0x0f) > 9 || (c->eflags & FL_AF);
    /* The flags the SDM leaves undefined, from the byte operation. */
    alu(c, add ? ALU_ADD : ALU_SUB, 1, al, adjust ? 6 : 0);
    if (adjust)
        ax = add ? ax + 0x106 : ax - 0x106;
    reg_set(c, R_EAX, 2, ax & 0xff0f);
    set_flag(c, FL_AF | FL_CF, adjust);
    return 0;
}

int op_aaa(struct cpu *c, const struct insn *i)
{
    (void)i;
    return ascii_adjust(c, true);
}

int op_aas(struct cpu *c, const struct insn *i)
{
    (void)i;
    return ascii_adjust(c, false);
}

/* D4 ib: AAM, after multiplying unpacked digits: AH = AL / base,
 * AL = AL mod base. */
int op_aam(struct cpu *c, const struct insn *i)
{
    uint32_t base = i->imm & 0xff, al = reg_get(c, REG_AL, 1);
    if (base == 0)
        return cpu_fault(c, EXC_DE, 0);
    reg_set(c, REG_AH, 1, al / base);
    reg_set(c, REG_AL, 1, al % base);
    flags_logic(c, 1, al % base);
    return 0;
}

/* D5 ib: AAD, before dividing unpacked digits: AL = AH * base + AL, AH = 0. */
int op_aad(struct cpu *c, const struct insn *i)
{
    uint32_t base = i->imm & 0xff;
    uint32_t al = reg_get(c, REG_AL, 1), ah = reg_get(c, REG_AH, 1);
    uint32_t res = alu(c, ALU_ADD, 1, al, (ah * base) & 0xff);
    reg_set(c, R_EAX, 2, res);
    return 0;
}
