/*
 * alu.h - the arithmetic and logic operations and the flags they set, as
 * inline functions: ops_alu.c's handlers are built on them, and so are the
 * threaded core's specialised forms (ops_fast.h, ops_fast_rmw.h) and the
 * settling of its lazy flags (lazy_flags.h), which is how the two cores
 * cannot differ in a flag. How each flag is found is
 * explained in the header of ops_alu.c. The shifts (SHL SHR SAR) and the
 * truncating IMUL are here for the same reason: ops_shift.c and
 * ops_muldiv.c build their handlers on shift_op() and imul_op(), and the
 * specialised forms of those instructions call the very same functions
 * (their undefined flags are explained in those two files).
 */
#ifndef LAB86_ALU_H
#define LAB86_ALU_H

#include "cpu.h"

/* alu_op() and inc_dec() are forced inline (cpu.h): GCC and clang otherwise
 * keep alu_op() out of line (it is long, and specialised by size it looks
 * dearer than a call); forced, the handlers run with no call at all. */
#define ALU_INLINE ALWAYS_INLINE

/* The operation numbers of opcode bits 5:3 and of the 80-83 ModR/M reg. */
enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* --- flag arithmetic --- */

/* The flags are assembled without a branch: each is a comparison or a bit
 * of arithmetic moved to its place in EFLAGS, so an ALU instruction costs
 * the same whatever its operands (a branch per flag mispredicted on data
 * and made INC alone cost some 45 host instructions). */

/* FL_PF when the low byte of v has an even number of 1 bits. The constant
 * 0x9669 is a 16-entry table of the even parities of 0-15, one bit each:
 * fold the byte to a nibble (xor keeps parity), then look the nibble up. */
static inline uint32_t flag_pf(uint32_t v)
{
    v = (v ^ (v >> 4)) & 0xf;
    return ((0x9669u >> v) & 1) << 2;
}

/* True when the low byte of v has an even number of 1 bits. */
static inline bool parity_even(uint32_t v)
{
    return flag_pf(v) != 0;
}

/* Bit n-1 of v (the sign of an n-bit value), moved to bit `to`. */
#define SIGN_TO(size, v, to) ((((v) >> ((size) * 8 - 1)) & 1u) << (to))

/* SF, ZF and PF of a size-byte result. Inline, as are add_flags and
 * sub_flags below: every ALU instruction runs one, and the calls cost as
 * much as the arithmetic (flags_szp alone was 4% of bench's run time). */
static inline uint32_t flags_szp(int size, uint32_t res)
{
    res &= size_mask(size);
    return (uint32_t)(res == 0) << 6 | SIGN_TO(size, res, 7) | flag_pf(res);
}

/* a + b + carry_in (a and b already masked to size): the result, and its
 * six flags in *f. The sum is formed in 64 bits so that the carry out of
 * the top bit is the bit above it at every size. OF: both inputs differ in
 * sign from the result. */
static inline uint32_t add_flags(int size, uint32_t a, uint32_t b, uint32_t carry_in, uint32_t *f)
{
    uint64_t wide = (uint64_t)a + b + carry_in;
    uint32_t res = (uint32_t)wide & size_mask(size);

    *f = flags_szp(size, res) | (uint32_t)((wide >> (size * 8)) & 1) | ((a ^ b ^ res) & FL_AF) |
         SIGN_TO(size, (a ^ res) & (b ^ res), 11);
    return res;
}

/* a - b - borrow_in (a and b already masked to size): the result, and its
 * six flags in *f. CF is the borrow; OF: the inputs differ in sign and the
 * result's sign left a's. */
static inline uint32_t sub_flags(int size, uint32_t a, uint32_t b, uint32_t borrow_in, uint32_t *f)
{
    uint32_t res = (a - b - borrow_in) & size_mask(size);

    *f = flags_szp(size, res) | (uint32_t)((uint64_t)b + borrow_in > a) |
         ((a ^ b ^ res) & FL_AF) | SIGN_TO(size, (a ^ b) & (a ^ res), 11);
    return res;
}

/* A logic operation's result: its flags in *f are SF ZF PF, with CF OF
 * and AF clear. */
static inline uint32_t logic_flags(int size, uint32_t res, uint32_t *f)
{
    *f = flags_szp(size, res);
    return res;
}

/* alu(), inline for the handlers of this file: ADD..CMP, INC, DEC and NEG
 * are a third of the instructions a typical kernel runs, and the call and
 * its register saves cost as much as the switch and the flags (alu was 15%
 * of bench's run time out of line; INC, DEC and NEG pass a constant k and
 * lose the switch altogether). Other families call alu(). */
static ALU_INLINE uint32_t alu_op(struct cpu *c, int k, int size, uint32_t a, uint32_t b)
{
    uint32_t m = size_mask(size), carry = (c->eflags & FL_CF) ? 1 : 0;
    uint32_t res, f;

    a &= m;
    b &= m;
    switch (k) {
    case ALU_ADD: res = add_flags(size, a, b, 0, &f); break;
    case ALU_ADC: res = add_flags(size, a, b, carry, &f); break;
    case ALU_SBB: res = sub_flags(size, a, b, carry, &f); break;
    case ALU_SUB:
    case ALU_CMP: res = sub_flags(size, a, b, 0, &f); break;
    case ALU_OR: res = logic_flags(size, a | b, &f); break;
    case ALU_AND: res = logic_flags(size, a & b, &f); break;
    default: res = logic_flags(size, a ^ b, &f); break; /* ALU_XOR */
    }
    c->eflags = (c->eflags & ~FL_ARITH) | f;
    return res;
}

/* d = +1 or -1 added to a: ADD or SUB flags, but CF is left as it was
 * (SDM INC/DEC: "the CF flag is not affected"), which is what lets a loop
 * counter run beside a multi-word ADC chain. */
static ALU_INLINE uint32_t inc_dec(struct cpu *c, int size, uint32_t a, bool inc)
{
    uint32_t cf = c->eflags & FL_CF;
    uint32_t res = alu_op(c, inc ? ALU_ADD : ALU_SUB, size, a, 1);
    c->eflags = (c->eflags & ~FL_CF) | cf;
    return res;
}

/* --- the shifts and the truncating multiply --- */

/* The operations of ModR/M reg in the shift group (C0 C1 D0-D3). */
enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

/* v, a size-byte operand, sign-extended to 64 bits. */
static inline int64_t sign_extend(uint32_t v, int size)
{
    return size == 1 ? (int8_t)v : size == 2 ? (int16_t)v : (int32_t)v;
}

/* Shift k (SH_SHL, SH_SAL, SH_SHR or SH_SAR) of a (size bytes, masked) by
 * count (1-31, already masked to 5 bits): the result, and the six flags
 * in *f as ops_shift.c's header lays them down: SF ZF PF from the result,
 * AF clear, CF the last bit shifted out, OF by the count-1 formula
 * whatever the count. Forced inline so that with k and size constant (the
 * specialised forms) only one arm is left. */
static ALU_INLINE uint32_t shift_op(int k, int size, uint32_t a, unsigned count, uint32_t *f)
{
    int bits = size * 8;
    uint32_t m = size_mask(size), res, cf, of;

    if (k == SH_SHL || k == SH_SAL) {
        uint64_t wide = (uint64_t)a << count; /* at most 32 + 31 bits */
        res = (uint32_t)wide & m;
        cf = (uint32_t)(wide >> bits) & 1;
        of = ((res >> (bits - 1)) & 1) ^ cf;
    } else if (k == SH_SHR) {
        res = a >> count;
        cf = (a >> (count - 1)) & 1;
        of = ((res >> (bits - 1)) ^ (res >> (bits - 2))) & 1;
    } else { /* SAR */
        /* Sign-extend, then shift: gcc and clang shift signed values
         * arithmetically, copying the sign in. */
        int64_t s = sign_extend(a, size);
        res = (uint32_t)(s >> count) & m;
        cf = (uint32_t)(s >> (count - 1)) & 1;
        of = 0;
    }
    *f = flags_szp(size, res) | cf | of << 11;
    return res;
}

/* Rotate k (SH_ROL or SH_ROR) of a (size bytes, masked) by count (1-31,
 * already masked to 5 bits; for bytes and words the rotation is count
 * modulo the width): the result, and in *f the two flags a rotate sets,
 * CF (the bit rotated last: bit 0 of the result for ROL, its top bit for
 * ROR) and OF by the count-1 formula whatever the count (ROL: top bit XOR
 * CF; ROR: the top two bits XORed), as ops_shift.c's header lays them
 * down. Shared by op_shift() and the threaded core (ops_fast_rmw.h). */
static ALU_INLINE uint32_t rotate_op(int k, int size, uint32_t a, unsigned count, uint32_t *f)
{
    int bits = size * 8;
    unsigned n = count % (unsigned)bits;
    uint32_t res = a, cf, of, top;
    if (n != 0)
        res = k == SH_ROL ? (a << n) | (a >> (bits - n)) : (a >> n) | (a << (bits - n));
    res &= size_mask(size);
    top = (res >> (bits - 1)) & 1;
    if (k == SH_ROL) {
        cf = res & 1;
        of = top ^ cf;
    } else {
        cf = top;
        of = top ^ ((res >> (bits - 2)) & 1);
    }
    *f = cf | of << 11;
    return res;
}

/* IMUL r, r/m (0F AF) and IMUL r, r/m, imm (69, 6B): a * b signed
 * (size-byte operands), returning the low size bytes; *f gets SF ZF PF of
 * them, AF clear, and CF = OF = the product does not fit in them as a
 * signed number (see ops_muldiv.c). Two sign-extended 32-bit factors: the
 * product fits in 64 bits. */
static ALU_INLINE uint32_t imul_op(int size, uint32_t a, uint32_t b, uint32_t *f)
{
    int64_t p = sign_extend(a, size) * sign_extend(b, size);
    uint32_t lo = (uint32_t)p & size_mask(size);
    *f = flags_szp(size, lo) | (p != sign_extend(lo, size) ? FL_CF | FL_OF : 0);
    return lo;
}

#endif
