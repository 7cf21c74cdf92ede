/*
 * ops_bit.c - the 386 and 486 additions that work on bits and on registers
 * as a whole: BT BTS BTR BTC, BSF BSR, SETcc, CMOVcc, MOVZX MOVSX, XADD,
 * CMPXCHG, CMPXCHG8B and BSWAP (SDM vol. 2, each under its name).
 *
 * Bit tests. BT copies one bit of its first operand into CF; BTS, BTR and
 * BTC then set, clear or complement it. With an immediate bit number, or a
 * register operand, the number is taken modulo the operand width. With a
 * memory operand and the bit number in a register, the operand is a bit
 * string of any length: the register is a signed offset (-2^31 to 2^31-1
 * with 32-bit operands, -2^15 to 2^15-1 with 16-bit) from bit 0 of the byte
 * at the effective address. The CPU reads the word or dword that holds the
 * bit: at EA + 2 * floor(offset / 16) or EA + 4 * floor(offset / 32), taken
 * modulo the address size like any effective address (SDM BT, "Operation"
 * and table 3-2). ZF is unchanged; OF SF AF PF are undefined and we leave
 * them unchanged.
 *
 * BSF/BSR give the index of the lowest/highest set bit. For a zero source
 * ZF = 1 and the destination is undefined: we leave it unchanged, as AMD
 * documents and Intel processors do. CF OF SF AF PF are undefined: unchanged.
 *
 * CMOVcc (P6) always reads its source, so a bad address faults even when
 * the condition is false; on IA-32 a false condition leaves the destination
 * unchanged, all 32 bits of it.
 *
 * XADD and CMPXCHG (486) are read-modify-write. The 486 and later always
 * write CMPXCHG's destination: back its old value when the comparison
 * fails, so a read-only destination faults either way (SDM CMPXCHG: "the
 * destination operand is written back if the comparison fails"). The
 * Pentium's CMPXCHG8B does the same with 64 bits; before its first write it
 * checks that both halves can be written, so a fault on the second half
 * cannot leave the first half changed. Not emulated: its alignment check
 * (#AC) looks at each dword, where the Pentium checks the 8-byte
 * alignment.
 *
 * BSWAP with a 16-bit operand is undefined. Processors swap the bytes of
 * the zero-extended 32-bit value and keep the low half, which leaves zero
 * in the 16-bit register (0000XXYY swapped is YYXX0000); we do the same
 * (the x86-64 host the unit tests run on agrees).
 */
#include "ops.h"

/* The alu() operations used here (numbering in ops.h). */
enum { ALU_ADD = 0, ALU_CMP = 7 };

/* The four bit tests, in the order of opcode bits 4:3 (A3 AB B3 BB) and of
 * ModR/M reg - 4 (0F BA /4-/7). */
enum { BIT_TEST, BIT_SET, BIT_RESET, BIT_COMPLEMENT };

/* Set or clear one flag. */
static void set_flag(struct cpu *c, uint32_t flag, bool on)
{
    c->eflags = on ? (c->eflags | flag) : (c->eflags & ~flag);
}

/* v, a size-byte operand, sign-extended to 64 bits. */
static int64_t sext(uint32_t v, int size)
{
    return size == 1 ? (int8_t)v : size == 2 ? (int16_t)v : (int32_t)v;
}

/* --- BT BTS BTR BTC --- */

/* Apply bit test k to bit n of v: *old gets the bit, the result is the new
 * value (v itself for BT). */
static uint32_t bit_apply(int k, uint32_t v, unsigned n, bool *old)
{
    uint32_t mask = 1u << n;
    *old = (v & mask) != 0;
    switch (k) {
    case BIT_SET: return v | mask;
    case BIT_RESET: return v & ~mask;
    case BIT_COMPLEMENT: return v ^ mask;
    default: return v;
    }
}

/* Bit test k of bit n of the r/m operand (register or memory at EA). */
static int bit_rm(struct cpu *c, const struct insn *i, int k, unsigned n)
{
    uint32_t v;
    bool old;
    TRY(rm_read(c, i, i->opsize, &v));
    uint32_t res = bit_apply(k, v, n, &old);
    if (k != BIT_TEST)
        TRY(rm_write(c, i, i->opsize, res));
    set_flag(c, FL_CF, old);
    return 0;
}

/* Bit test k of memory, at a bit offset from the effective address given
 * by a register (the bit-string form, see the file comment). */
static int bit_string(struct cpu *c, const struct insn *i, int k, uint32_t reg)
{
    int size = i->opsize, bits = size * 8;
    int64_t off = sext(reg, size);
    /* floor(off / bits) * size bytes: an arithmetic shift rounds down. */
    int64_t bytes = (off >> (bits == 16 ? 4 : 5)) * size;
    uint32_t ea = ea_offset(c, i) + (uint32_t)bytes;
    uint32_t v;
    bool old;

    if (i->addrsize == 2)
        ea &= 0xffff;
    TRY(mmu_read(c, i->seg, ea, size, &v));
    uint32_t res = bit_apply(k, v, (unsigned)(off & (bits - 1)), &old);
    if (k != BIT_TEST)
        TRY(mmu_write(c, i->seg, ea, size, res));
    set_flag(c, FL_CF, old);
    return 0;
}

/* 0F A3 AB B3 BB: BT BTS BTR BTC r/m, r. */
int op_bt_E_G(struct cpu *c, const struct insn *i)
{
    int k = (i->opcode >> 3) & 3;
    uint32_t reg = reg_get(c, i->modrm.reg, i->opsize);
    if (i->modrm.mod != 3)
        return bit_string(c, i, k, reg);
    return bit_rm(c, i, k, reg & (i->opsize * 8 - 1));
}

/* 0F BA /4-/7: BT BTS BTR BTC r/m, imm8 (the bit number modulo the width,
 * memory operand or not). */
int op_bt_E_I(struct cpu *c, const struct insn *i)
{
    return bit_rm(c, i, i->modrm.reg - 4, i->imm & (i->opsize * 8 - 1));
}

/* --- BSF BSR --- */

/* Scan the r/m operand for its lowest (forward) or highest set bit. */
static int bit_scan(struct cpu *c, const struct insn *i, bool forward)
{
    uint32_t v;
    TRY(rm_read(c, i, i->opsize, &v));
    if (v == 0) {
        c->eflags |= FL_ZF; /* the destination keeps its value */
        return 0;
    }
    /* v != 0, so the builtins are defined: count trailing / leading zeros. */
    uint32_t index = forward ? (uint32_t)__builtin_ctz(v) : 31u - (uint32_t)__builtin_clz(v);
    reg_set(c, i->modrm.reg, i->opsize, index);
    c->eflags &= ~FL_ZF;
    return 0;
}

/* 0F BC: BSF r, r/m. */
int op_bsf(struct cpu *c, const struct insn *i)
{
    return bit_scan(c, i, true);
}

/* 0F BD: BSR r, r/m. */
int op_bsr(struct cpu *c, const struct insn *i)
{
    return bit_scan(c, i, false);
}

/* --- SETcc CMOVcc MOVZX MOVSX --- */

/* 0F 90-9F: r/m8 = 1 if the condition in the opcode's low nibble holds. */
int op_setcc(struct cpu *c, const struct insn *i)
{
    return rm_write(c, i, 1, cond(c, i->opcode & 0xf) ? 1 : 0);
}

/* 0F 40-4F: r = r/m if the condition holds; the read happens regardless. */
int op_cmov(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    TRY(rm_read(c, i, i->opsize, &v));
    if (cond(c, i->opcode & 0xf))
        reg_set(c, i->modrm.reg, i->opsize, v);
    return 0;
}

/* 0F B6 / B7: r = zero-extended r/m8 or r/m16. */
int op_movzx(struct cpu *c, const struct insn *i)
{
    int from = (i->opcode & 1) ? 2 : 1;
    uint32_t v;
    TRY(rm_read(c, i, from, &v));
    reg_set(c, i->modrm.reg, i->opsize, v);
    return 0;
}

/* 0F BE / BF: r = sign-extended r/m8 or r/m16. */
int op_movsx(struct cpu *c, const struct insn *i)
{
    int from = (i->opcode & 1) ? 2 : 1;
    uint32_t v;
    TRY(rm_read(c, i, from, &v));
    reg_set(c, i->modrm.reg, i->opsize, (uint32_t)sext(v, from));
    return 0;
}

/* --- XADD CMPXCHG CMPXCHG8B --- */

/* 0F C0 / C1: XADD r/m, r: tmp = r/m + r; r = r/m; r/m = tmp. */
int op_xadd(struct cpu *c, const struct insn *i)
{
    int size = i->opsize, reg = i->modrm.reg;
    uint32_t dest, saved = c->eflags;
    TRY(rm_read(c, i, size, &dest));
    uint32_t sum = alu(c, ALU_ADD, size, dest, reg_get(c, reg, size));
    if (i->modrm.mod == 3) {
        /* Register order matters when r/m and r are one register: the sum
         * is written last and wins (SDM: SRC <- DEST; DEST <- TEMP). */
        reg_set(c, reg, size, dest);
        reg_set(c, i->modrm.rm, size, sum);
        return 0;
    }
    if (mmu_write(c, i->seg, ea_offset(c, i), size, sum)) {
        c->eflags = saved;
        return CPU_FAULT;
    }
    reg_set(c, reg, size, dest);
    return 0;
}

/* 0F B0 / B1: CMPXCHG r/m, r: flags of CMP accumulator, r/m; if equal,
 * r/m = r, else accumulator = r/m (and r/m is written back unchanged). */
int op_cmpxchg(struct cpu *c, const struct insn *i)
{
    int size = i->opsize;
    uint32_t dest, saved = c->eflags;
    TRY(rm_read(c, i, size, &dest));
    alu(c, ALU_CMP, size, reg_get(c, R_EAX, size), dest);
    bool equal = (c->eflags & FL_ZF) != 0;
    if (rm_write(c, i, size, equal ? reg_get(c, i->modrm.reg, size) : dest)) {
        c->eflags = saved;
        return CPU_FAULT;
    }
    if (!equal)
        reg_set(c, R_EAX, size, dest);
    return 0;
}

/* Check that the dword at seg:off can be written, page included, without
 * writing it. */
static int check_dword_write(struct cpu *c, int seg, uint32_t off)
{
    uint64_t lin, phys;
    TRY(mmu_check(c, seg, off, 4, MMU_WRITE, &lin));
    return mmu_translate(c, lin, MMU_WRITE, c->cpl == 3, &phys);
}

/* 0F C7 /1: CMPXCHG8B m64: if EDX:EAX = m64, m64 = ECX:EBX and ZF = 1;
 * else EDX:EAX = m64 and ZF = 0 (and m64 is written back). Only ZF changes.
 * The decoder has already made the register form #UD. */
int op_cmpxchg8b(struct cpu *c, const struct insn *i)
{
    uint32_t off = ea_offset(c, i), lo, hi;
    /* The high dword's offset is not wrapped to the address size: a qword
     * that runs past the segment limit is a #GP, as for any access. */
    uint32_t off_hi = off + 4;

    TRY(mmu_read(c, i->seg, off, 4, &lo));
    TRY(mmu_read(c, i->seg, off_hi, 4, &hi));
    bool equal = lo == (uint32_t)c->gpr[R_EAX] && hi == (uint32_t)c->gpr[R_EDX];
    uint32_t new_lo = equal ? (uint32_t)c->gpr[R_EBX] : lo;
    uint32_t new_hi = equal ? (uint32_t)c->gpr[R_ECX] : hi;
    TRY(check_dword_write(c, i->seg, off));
    TRY(check_dword_write(c, i->seg, off_hi));
    TRY(mmu_write(c, i->seg, off, 4, new_lo));
    TRY(mmu_write(c, i->seg, off_hi, 4, new_hi));
    if (!equal) {
        reg_set(c, R_EAX, 4, lo);
        reg_set(c, R_EDX, 4, hi);
    }
    set_flag(c, FL_ZF, equal);
    return 0;
}

/* --- BSWAP --- */

/* 0F C8-CF: reverse the bytes of the register in the opcode's low bits. */
int op_bswap(struct cpu *c, const struct insn *i)
{
    int n = i->opcode & 7;
    uint32_t v = reg_get(c, n, 4);
    if (i->opsize == 2) {
        reg_set(c, n, 2, 0); /* see the file comment */
        return 0;
    }
    v = (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
    reg_set(c, n, 4, v);
    return 0;
}
