/*
 * ops_shift.c - the shifts and rotates (C0 C1 D0-D3, operation in ModR/M
 * reg) and the double shifts SHLD/SHRD (0F A4 A5 AC AD).
 *
 * SDM vol. 2, "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR", "SHLD", "SHRD".
 *
 *   /0 ROL  /1 ROR   rotate within the operand
 *   /2 RCL  /3 RCR   rotate through CF: an operand one bit wider than itself
 *   /4 SHL  /6 SAL   shift left, zeros in (/6 is the undocumented alias that
 *                    every Intel processor executes as SHL)
 *   /5 SHR  /7 SAR   shift right, zeros in (SHR) or copies of the sign (SAR)
 *
 * The count comes from an imm8 (C0/C1), is 1 (D0/D1) or is CL (D2/D3); the
 * 386 and later mask it to 5 bits, so at most 31 places move. A rotate of an
 * 8- or 16-bit operand then reduces it: ROL/ROR modulo the width, RCL/RCR
 * modulo the width plus one (the 9- or 17-bit rotation through CF). A masked
 * count of 0 is no operation at all: no flag changes and nothing is written
 * (the operand is still read, so a bad address still faults). A masked
 * count that is not 0 but reduces to 0 (ROL AL by 8) still sets the flags.
 *
 * Flags. Rotates change only CF and OF; shifts set SF ZF PF from the result
 * as well, and CF is always the last bit shifted out. The SDM defines OF
 * for a count of 1 only, and AF never; we produce:
 *   OF for any count, by the count-1 formula applied to the final result:
 *     ROL, RCL, SHL  MSB(result) XOR CF
 *     ROR, RCR, SHR  MSB(result) XOR the next bit (for SHR by 1 that is
 *                    the MSB of the operand, as the SDM says)
 *     SAR            0
 *   which is what the 80286 vectors in shared/testdata show for all counts;
 *   AF cleared by every shift with a count (the 80286 leaves it set after
 *   SHR and SAR; the vectors mask it).
 *
 * SHLD/SHRD shift the destination, filling from a second register (which
 * is unchanged). OF is "the sign changed" (MSB of result XOR MSB of the
 * original destination) for every count, AF is cleared as for the shifts.
 * With a 16-bit operand and a count of 17-31 the SDM leaves the result and
 * flags undefined: we treat the operation as a shift through the 48-bit
 * value dest:src:dest, so the bits that come in after the source's are the
 * destination's own. It is one consistent rule; no program may rely on it.
 */
#include "ops.h"

#include "alu.h" /* shift_op(), rotate_op(), shared with the threaded core (ops_fast_rmw.h) */

/* Set or clear one flag. */
static void set_flag(struct cpu *c, uint32_t flag, bool on)
{
    c->eflags = on ? (c->eflags | flag) : (c->eflags & ~flag);
}

/* Bit n of v, as a bool. */
static bool bit(uint64_t v, int n)
{
    return (v >> n) & 1;
}

/* The carry and overflow a rotate produces (the shifts: shift_op(), alu.h). */
struct shift_flags {
    bool cf; /* the new CF */
    bool of; /* the new OF */
};

/* Rotate a (size bytes) by count (already masked to 5 bits, not 0): ROL
 * and ROR are rotate_op() (alu.h); RCL and RCR rotate CF with the operand,
 * a (bits + 1)-bit value. */
static uint32_t rotate(int k, int size, uint32_t a, unsigned count, bool cf_in,
                       struct shift_flags *fl)
{
    int bits = size * 8;
    uint32_t m = size_mask(size), res;

    if (k == SH_ROL || k == SH_ROR) {
        uint32_t f;
        res = rotate_op(k, size, a, count, &f); /* the threaded core's too */
        fl->cf = (f & FL_CF) != 0;
        fl->of = (f & FL_OF) != 0;
        return res;
    }
    unsigned n = bits == 32 ? count : count % (unsigned)(bits + 1);
    uint64_t v = ((uint64_t)cf_in << bits) | a, vm = ((uint64_t)m << 1) | 1;
    if (n != 0)
        v = k == SH_RCL ? (v << n) | (v >> (bits + 1 - n)) : (v >> n) | (v << (bits + 1 - n));
    v &= vm;
    res = (uint32_t)v & m;
    fl->cf = bit(v, bits);
    if (k == SH_RCL)
        fl->of = bit(res, bits - 1) != fl->cf;
    else
        fl->of = bit(res, bits - 1) != bit(res, bits - 2);
    return res;
}

/* The count operand of C0/C1 (imm8), D0/D1 (1) or D2/D3 (CL). */
static unsigned shift_count(const struct cpu *c, const struct insn *i)
{
    switch (i->opcode) {
    case 0xc0:
    case 0xc1: return i->imm & 0xff;
    case 0xd0:
    case 0xd1: return 1;
    default: return reg_get(c, R_ECX, 1);
    }
}

/* C0 C1 D0 D1 D2 D3: the eight shifts and rotates. */
int op_shift(struct cpu *c, const struct insn *i)
{
    int k = i->modrm.reg, size = i->opsize;
    unsigned count = shift_count(c, i) & 0x1f;
    struct shift_flags fl;
    uint32_t a, res;

    TRY(rm_read(c, i, size, &a));
    if (count == 0)
        return 0;
    if (k >= SH_SHL) {
        uint32_t f;
        res = shift_op(k, size, a, count, &f);
        TRY(rm_write(c, i, size, res));
        c->eflags = (c->eflags & ~FL_ARITH) | f; /* the write succeeded: now the flags */
        return 0;
    }
    res = rotate(k, size, a, count, (c->eflags & FL_CF) != 0, &fl);
    TRY(rm_write(c, i, size, res));
    /* The write succeeded: now the flags may change. */
    set_flag(c, FL_CF, fl.cf);
    set_flag(c, FL_OF, fl.of);
    return 0;
}

/* --- SHLD / SHRD --- */

/* Double shift of dest (size bytes) by count (1-31), filling from src. The
 * operands are laid out in one 64-bit value v, and the result is a window
 * of it: for 32 bits, dest:src (SHLD) or src:dest (SHRD); for 16 bits, the
 * 48-bit dest:src:dest for both (see the file comment). */
static uint32_t double_shift(bool left, int size, uint32_t dest, uint32_t src, unsigned count,
                             bool *cf)
{
    uint64_t v;
    int width;

    if (size == 2) {
        v = ((uint64_t)dest << 32) | ((uint64_t)src << 16) | dest;
        width = 48;
    } else if (left) {
        v = ((uint64_t)dest << 32) | src;
        width = 64;
    } else {
        v = ((uint64_t)src << 32) | dest;
        width = 64;
    }
    if (left) {
        /* The destination is the top size*8 bits of v; shift them up. */
        *cf = bit(v, width - (int)count);
        return (uint32_t)(v >> (width - size * 8 - (int)count)) & size_mask(size);
    }
    /* The destination is the bottom of v; shift it down. */
    *cf = bit(v, (int)count - 1);
    return (uint32_t)(v >> count) & size_mask(size);
}

/* SHLD/SHRD r/m, r, imm8 or CL. */
static int shld_shrd(struct cpu *c, const struct insn *i, bool left)
{
    int size = i->opsize;
    bool by_imm = (i->opcode & 7) == 4; /* A4 and AC take an imm8, A5 and AD CL */
    unsigned count = (by_imm ? i->imm : reg_get(c, R_ECX, 1)) & 0x1f;
    uint32_t dest, res;
    bool cf;

    TRY(rm_read(c, i, size, &dest));
    if (count == 0)
        return 0;
    res = double_shift(left, size, dest, reg_get(c, i->modrm.reg, size), count, &cf);
    TRY(rm_write(c, i, size, res));
    flags_logic(c, size, res);
    set_flag(c, FL_CF, cf);
    set_flag(c, FL_OF, ((res ^ dest) & size_sign(size)) != 0);
    return 0;
}

/* 0F A4 / 0F A5: SHLD. */
int op_shld(struct cpu *c, const struct insn *i)
{
    return shld_shrd(c, i, true);
}

/* 0F AC / 0F AD: SHRD. */
int op_shrd(struct cpu *c, const struct insn *i)
{
    return shld_shrd(c, i, false);
}
