/*
 * lazy_flags.h - the threaded core's lazy arithmetic flags.
 *
 * Most arithmetic flags are never read: CMP sets six and the Jcc after it
 * reads one; ADD sets six and the next ADD overwrites them unread. So the
 * threaded core's specialised forms of ADD SUB CMP AND OR XOR TEST INC DEC
 * NEG, the shifts and IMUL (ops_fast.h, ops_fast_rmw.h, ops_fast_byte.h)
 * do not compute
 * them: they record in c->lf what it takes to compute them later (the
 * kind of operation, its size, its operands and result), and the flags are
 * worked out only when something reads them ("settled": computed with
 * alu.h's own functions, the generic handlers', and merged into
 * c->eflags). The readers, and how each gets exact flags:
 *
 *   - Jcc, SETcc and CMOVcc ask lazy_cond(), which answers from the record
 *     without settling where that is one compare (ZF: res == 0; after a
 *     SUB or CMP, CF: a < b, the signed conditions: a < b as signed, ...),
 *     and settles for the rest;
 *   - ADC and SBB settle first; INC and DEC take the CF they keep from
 *     the record (lazy_cf()), a rotate the SF ZF AF PF it keeps
 *     (lazy_szap()), both without settling;
 *   - every generic handler, which reads c->eflags as it likes: the
 *     dispatch settles before it (exec_threaded.c);
 *   - everything outside the threaded core's dispatch (cpu_step(), the
 *     interrupt and exception delivery, the debugger, snapshots, the
 *     lock-step compare, Lua, the GDB stub): run_block() settles on every
 *     way out (threaded.h: a fault before the exception frame is pushed,
 *     a closer look, a block end without a chained successor), so outside
 *     it c->lf.op is always LF_NONE and c->eflags exact. cpu_run_threaded()
 *     asserts it after every run_block() (lazy_assert_settled, one compare
 *     a block).
 * The switch core and the portable build (which has no specialised forms)
 * never record, so their c->eflags is always exact.
 *
 * A form records only after its last access that may fault, so a faulting
 * form leaves the record of the instruction before it, which the fault
 * then settles: the exception frame's EFLAGS is exact.
 *
 * CMP or TEST is not fused with the Jcc after it: the two stay two
 * entries with a boundary between them where an interrupt may fall due
 * (threaded.h: a light run is entered only when the clock has room for
 * it), and the Jcc's lazy_cond() is most of what fusing would save.
 *
 * Measured with callgrind (host instructions a guest instruction, threaded
 * core): see the header of ops_fast.h.
 */
#ifndef LAB86_LAZY_FLAGS_H
#define LAB86_LAZY_FLAGS_H

#include <assert.h>

#include "alu.h"
#include "ops.h"

/* The kinds of record, in bits 7:3 of c->lf.op (bits 2:0 the size in
 * bytes: 1, 2 or 4). */
enum {
    LF_NONE,  /* c->eflags is exact */
    LF_ADD,   /* a + b */
    LF_SUB,   /* a - b: SUB, CMP and NEG (a = 0) */
    LF_LOGIC, /* AND OR XOR TEST: SF ZF PF of res, CF OF AF clear */
    LF_INC,   /* a + 1, b = CF from before (INC leaves it: SDM INC) */
    LF_DEC,   /* a - 1, b = CF from before */
    LF_SZPCO  /* a shift by a nonzero count, IMUL: SF ZF PF of res, AF clear (alu.h's
                 shift_op() and imul_op()), b = their CF and OF (FL_CF | FL_OF bits) */
};

/* lazy_flush() stays out of line (see there). */
#ifdef __GNUC__
#define LAZY_NOINLINE __attribute__((noinline, unused))
#else
#define LAZY_NOINLINE inline
#endif

#define LF_OP(kind, size) ((uint32_t)(kind) << 3 | (uint32_t)(size))

/* The operation's size in bytes. */
static ALWAYS_INLINE int lazy_size(const struct lazy_flags *l)
{
    return (int)(l->op & 7);
}

/* The six flags of record l, of kind (LF_*) and size bytes: alu.h's
 * functions, as the generic handlers compute them. */
static ALWAYS_INLINE uint32_t lazy_flags_of(const struct lazy_flags *l, int kind, int size)
{
    uint32_t f;
    switch (kind) {
    case LF_ADD: add_flags(size, l->a, l->b, 0, &f); break;
    case LF_SUB: sub_flags(size, l->a, l->b, 0, &f); break;
    case LF_INC: add_flags(size, l->a, 1, 0, &f), f = (f & ~FL_CF) | l->b; break;
    case LF_DEC: sub_flags(size, l->a, 1, 0, &f), f = (f & ~FL_CF) | l->b; break;
    case LF_SZPCO: f = flags_szp(size, l->res) | l->b; break;
    default: logic_flags(size, l->res, &f); break; /* LF_LOGIC */
    }
    return f;
}

/* Compute the recorded flags into c->eflags; the record is then empty.
 * Out of line: it is the rare path of lazy_settle(), and the generic
 * handlers' dispatch calls it from 500 labels. One case for each kind and
 * size the forms record (dwords and bytes), so that each has its size a
 * constant: with the size a variable a settle cost 64 host instructions
 * on bench.asm (callgrind, the call included), 52 with it constant. */
static LAZY_NOINLINE void lazy_flush(struct cpu *c)
{
    const struct lazy_flags *l = &c->lf;
    uint32_t f;
    switch (l->op) {
#define LAZY_CASE(kind)                                                                            \
    case LF_OP(kind, 4): f = lazy_flags_of(l, kind, 4); break;                                     \
    case LF_OP(kind, 1): f = lazy_flags_of(l, kind, 1); break;
        LAZY_CASE(LF_ADD)
        LAZY_CASE(LF_SUB)
        LAZY_CASE(LF_LOGIC)
        LAZY_CASE(LF_INC)
        LAZY_CASE(LF_DEC)
        LAZY_CASE(LF_SZPCO)
#undef LAZY_CASE
    default: f = lazy_flags_of(l, (int)(l->op >> 3), lazy_size(l)); break; /* 16 bits */
    }
    c->eflags = (c->eflags & ~FL_ARITH) | f;
    c->lf.op = LF_NONE;
}

/* Make c->eflags exact: before anything reads it other than lazy_cond()
 * and lazy_cf(). */
static ALWAYS_INLINE void lazy_settle(struct cpu *c)
{
    if (c->lf.op != LF_NONE)
        lazy_flush(c);
}

/* Forget the record: for an instruction that is about to write all six
 * arithmetic flags into c->eflags itself. */
static ALWAYS_INLINE void lazy_drop(struct cpu *c)
{
    c->lf.op = LF_NONE;
}

/* SF ZF AF PF as they stand, without settling: for a rotate, which keeps
 * them and writes CF and OF (ops_fast_rmw.h). A settle costs some 40 host
 * instructions, this about a dozen: bench.asm's integer loop rotates the
 * result of an ADD every turn. */
static ALWAYS_INLINE uint32_t lazy_szap(const struct cpu *c)
{
    const struct lazy_flags *l = &c->lf;
    uint32_t kind = l->op >> 3, b = kind >= LF_INC ? 1 : l->b; /* INC, DEC: b is CF */
    int size = lazy_size(l);
    if (kind == LF_NONE)
        return c->eflags & (FL_SF | FL_ZF | FL_AF | FL_PF);
    uint32_t f = size == 4 ? flags_szp(4, l->res) : flags_szp(size, l->res);
    if (kind == LF_LOGIC || kind == LF_SZPCO)
        return f;
    return f | ((l->a ^ b ^ l->res) & FL_AF);
}

/* The invariant outside the threaded core's dispatch. */
#define lazy_assert_settled(c) assert((c)->lf.op == LF_NONE)

/* Record operation kind (LF_*) of size bytes: operands a and b and result
 * res, all masked to size. Four stores where the eager flags cost some
 * twenty instructions. */
static ALWAYS_INLINE void lazy_record(struct cpu *c, int kind, int size, uint32_t a, uint32_t b,
                                      uint32_t res)
{
    c->lf.op = LF_OP(kind, size);
    c->lf.a = a;
    c->lf.b = b;
    c->lf.res = res;
}

/* The record of a shift by a nonzero count or an IMUL with result res
 * and the CF and OF of flags f (shift_op(), imul_op()): the other four
 * follow from res. Three stores where merging f into EFLAGS, with SF ZF
 * PF computed, cost some thirty instructions (Linux decompressor, threaded
 * core: 31.9 -> 30.3 host instructions a guest instruction, by callgrind). */
static ALWAYS_INLINE void lazy_record_szpco(struct cpu *c, int size, uint32_t res, uint32_t f)
{
    c->lf.op = LF_OP(LF_SZPCO, size);
    c->lf.b = f & (FL_CF | FL_OF);
    c->lf.res = res;
}

/* The record of a logic operation (AND OR XOR TEST) with result res:
 * its operands are not needed (two stores fewer). */
static ALWAYS_INLINE void lazy_record_logic(struct cpu *c, int size, uint32_t res)
{
    c->lf.op = LF_OP(LF_LOGIC, size);
    c->lf.res = res;
}

/* Is operation k (alu.h's ALU_*) one that lazy_alu_res() can do? All but
 * ADC and SBB, which read CF. */
static ALWAYS_INLINE bool lazy_alu_ok(int k)
{
    return k != ALU_ADC && k != ALU_SBB;
}

/* a op b for operation k (not ADC or SBB), a and b masked to size: the
 * result, masked; the record made by lazy_alu_record(). */
static ALWAYS_INLINE uint32_t lazy_alu_res(int k, int size, uint32_t a, uint32_t b)
{
    uint32_t m = size_mask(size);
    switch (k) {
    case ALU_ADD: return (a + b) & m;
    case ALU_SUB:
    case ALU_CMP: return (a - b) & m;
    case ALU_AND: return a & b;
    case ALU_OR: return a | b;
    default: return a ^ b; /* ALU_XOR */
    }
}

/* The record of a op b = res for operation k (not ADC or SBB). */
static ALWAYS_INLINE void lazy_alu_record(struct cpu *c, int k, int size, uint32_t a, uint32_t b,
                                          uint32_t res)
{
    if (k == ALU_ADD || k == ALU_SUB || k == ALU_CMP)
        lazy_record(c, k == ALU_ADD ? LF_ADD : LF_SUB, size, a, b, res);
    else
        lazy_record_logic(c, size, res);
}

/* CF as it stands, without settling the rest. */
static ALWAYS_INLINE uint32_t lazy_cf(const struct cpu *c)
{
    const struct lazy_flags *l = &c->lf;
    switch (l->op >> 3) {
    case LF_NONE: return c->eflags & FL_CF;
    case LF_ADD: return l->res < l->a; /* the sum wrapped */
    case LF_SUB: return l->a < l->b;   /* the borrow */
    case LF_INC:
    case LF_DEC: return l->b;
    case LF_SZPCO: return l->b & FL_CF;
    default: return 0; /* LF_LOGIC */
    }
}

/* a + 1 (dec: a - 1) of size bytes, a masked: the result, recorded with
 * the CF from before. */
static ALWAYS_INLINE uint32_t lazy_inc_dec(struct cpu *c, int size, uint32_t a, bool inc)
{
    uint32_t res = (inc ? a + 1 : a - 1) & size_mask(size);
    lazy_record(c, inc ? LF_INC : LF_DEC, size, a, lazy_cf(c), res);
    return res;
}

/* Condition cc (ops.h's cond()) on the flags as they stand. Answered from
 * the record where that is a compare or two: E S P of every kind, and the
 * rest after a SUB (CMP) or a logic operation (TEST, whose CF and OF
 * are clear); otherwise settled, then cond(). cc is a constant at every
 * call (the specialised forms are one label per condition), so only its
 * case is left. */
static ALWAYS_INLINE bool lazy_cond(struct cpu *c, int cc)
{
    const struct lazy_flags *l = &c->lf;
    uint32_t kind = l->op >> 3;
    if (kind == LF_NONE)
        return cond(c, cc);
    unsigned sh = 32u - 8u * (unsigned)lazy_size(l); /* moves a size's sign bit to bit 31 */
    bool sf = (int32_t)(l->res << sh) < 0, r;
    switch ((cc >> 1) & 7) {
    case 2: r = l->res == 0; break;          /* E */
    case 4: r = sf; break;                   /* S */
    case 5: r = parity_even(l->res); break;  /* P */
    case 1:                                  /* B: CF */
        if (kind == LF_SUB)
            r = l->a < l->b;
        else if (kind == LF_LOGIC)
            r = false;
        else if (kind == LF_SZPCO)
            r = l->b & FL_CF;
        else
            goto settle;
        break;
    case 3: /* BE: CF or ZF */
        if (kind == LF_SUB)
            r = l->a <= l->b;
        else if (kind == LF_LOGIC)
            r = l->res == 0;
        else
            goto settle;
        break;
    case 6: /* L: SF != OF */
        if (kind == LF_SUB)
            r = (int32_t)(l->a << sh) < (int32_t)(l->b << sh);
        else if (kind == LF_LOGIC)
            r = sf;
        else
            goto settle;
        break;
    case 7: /* LE: ZF, or SF != OF */
        if (kind == LF_SUB)
            r = (int32_t)(l->a << sh) <= (int32_t)(l->b << sh);
        else if (kind == LF_LOGIC)
            r = sf || l->res == 0;
        else
            goto settle;
        break;
    default: /* O */
        if (kind == LF_SUB)
            r = (int32_t)(((l->a ^ l->b) & (l->a ^ l->res)) << sh) < 0;
        else if (kind == LF_LOGIC)
            r = false;
        else if (kind == LF_SZPCO)
            r = (l->b & FL_OF) != 0;
        else
            goto settle;
        break;
    }
    return (cc & 1) ? !r : r;
settle:
    lazy_flush(c);
    return cond(c, cc);
}

#endif
