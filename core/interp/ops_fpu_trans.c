/*
 * ops_fpu_trans.c - the x87 instructions D9 F0-FF: F2XM1, FYL2X, FPTAN,
 * FPATAN, FXTRACT, FPREM1, FDECSTP, FINCSTP, FPREM, FYL2XP1, FSQRT,
 * FSINCOS, FRNDINT, FSCALE, FSIN, FCOS. The arithmetic is in fpu_float.c,
 * fpu_conv.c and fpu_trans.c; this file moves operands on and off the
 * stack.
 *
 * Their stack shapes (SDM vol. 2):
 *   one in, one out     F2XM1 FSQRT FRNDINT FSIN FCOS: ST(0) replaced
 *   two in, one kept    FPREM FPREM1 FSCALE: ST(0) replaced, ST(1) kept
 *   two in, pop         FYL2X FYL2XP1 FPATAN: ST(1) replaced, then pop
 *   one in, two out     FPTAN FSINCOS FXTRACT: ST(0) replaced, one pushed
 * An empty operand is a stack underflow and a full ST(7) for the pushing
 * ones an overflow, each with the masked response of the indefinite.
 * FSIN, FCOS, FSINCOS and FPTAN leave everything alone and set C2 when
 * |ST(0)| >= 2^63, for software to reduce the argument first.
 */
#include "ops_fpu.h"

enum shape { ONE_ONE, TWO_KEEP, TWO_POP, ONE_TWO };

/* The operands are there; else the stack fault's masked response (and
 * false: nothing more to do). */
static bool operands(struct cpu *c, struct fctx *x, enum shape s)
{
    struct fpu *f = &c->fpu;
    bool two = s == TWO_KEEP || s == TWO_POP;
    if (fpu_empty(f, 0) || (two && fpu_empty(f, 1))) {
        bool go = fpu_underflow(x);
        fpu_finish(c, x);
        if (!go)
            return false;
        struct f80 ind = f80_indefinite();
        if (s == TWO_POP) {
            fpu_set_st(f, 1, ind);
            fpu_pop(f);
        } else {
            fpu_set_st(f, 0, ind);
            if (s == ONE_TWO)
                fpu_push(f, ind);
        }
        return false;
    }
    if (s == ONE_TWO && !fpu_empty(f, 7)) {
        bool go = fpu_overflow(x);
        fpu_finish(c, x);
        if (go) {
            fpu_set_st(f, 0, f80_indefinite());
            fpu_push(f, f80_indefinite());
        }
        return false;
    }
    return true;
}

/* Store a one- or two-result outcome unless an unmasked exception blocks it. */
static void results(struct cpu *c, struct fctx *x, enum shape s, struct f80 r0, struct f80 r1)
{
    struct fpu *f = &c->fpu;
    fpu_finish(c, x);
    if (fpu_blocked(f, x))
        return;
    if (s == TWO_POP) {
        fpu_set_st(f, 1, r0);
        fpu_pop(f);
        return;
    }
    fpu_set_st(f, 0, r0);
    if (s == ONE_TWO)
        fpu_push(f, r1);
}

static void trig(struct cpu *c, unsigned rm)
{
    struct fpu *f = &c->fpu;
    struct fctx x = fpu_ctx(f);
    enum shape s = rm == 3 || rm == 2 ? ONE_TWO : ONE_ONE; /* FSINCOS (FB), FPTAN (F2) */
    if (!operands(c, &x, s))
        return;
    struct f80 a = fpu_st(f, 0), r0, r1 = f80_make(false, F80_BIAS, F80_J);
    bool c2 = false;
    switch (rm) {
    case 2: r0 = f80_tan(&x, a, &c2); break;
    case 3: f80_sincos(&x, a, &r1, &r0, &c2); break; /* ST(1) = sin, ST(0) = cos */
    case 6: r0 = f80_sin(&x, a, &c2); break;
    default: r0 = f80_cos(&x, a, &c2); break;
    }
    fpu_set_cc(f, FSW_C2, c2 ? FSW_C2 : 0);
    if (c2) { /* out of range: ST(0) unchanged, nothing pushed */
        fpu_finish(c, &x);
        return;
    }
    if (rm == 2 && (f80_class(r0) == FC_QNAN))
        r1 = r0; /* FPTAN of a NaN (or an invalid operand) pushes the NaN, not 1.0 */
    if (s == ONE_TWO) {
        /* ST(0) gets the first result, then the push: for FSINCOS the sine
         * stays below the cosine, for FPTAN the tangent below 1.0. */
        results(c, &x, s, rm == 3 ? r1 : r0, rm == 3 ? r0 : r1);
        return;
    }
    results(c, &x, s, r0, r0);
}

static void prem(struct cpu *c, bool ieee)
{
    struct fpu *f = &c->fpu;
    struct fctx x = fpu_ctx(f);
    if (!operands(c, &x, TWO_KEEP)) {
        fpu_set_cc(f, FSW_C2, 0);
        return;
    }
    uint16_t cc;
    struct f80 r = f80_rem(&x, fpu_st(f, 0), fpu_st(f, 1), ieee, &cc);
    x.up = (cc & FSW_C1) != 0; /* C1 is the quotient's bit 0 here, not a rounding */
    fpu_finish(c, &x);
    fpu_set_cc(f, FSW_C2, 0);
    if (fpu_blocked(f, &x))
        return;
    if (cc & F80_REM_QUOTIENT)
        fpu_set_cc(f, FSW_C0 | FSW_C2 | FSW_C3, cc);
    fpu_set_st(f, 0, r);
}

int fpu_trans(struct cpu *c, const struct fop *o)
{
    struct fpu *f = &c->fpu;
    struct fctx x = fpu_ctx(f);
    unsigned k = (o->reg - 6) * 8 + o->rm; /* F0-FF as 0-15 */
    struct f80 a = fpu_st(f, 0), b = fpu_st(f, 1), r, e;
    switch (k) {
    case 2: case 3 + 8: case 6 + 8: case 7 + 8:
        trig(c, k & 7);
        return 0;
    case 5: case 8:
        prem(c, k == 5);
        return 0;
    case 6: case 7: /* FDECSTP, FINCSTP: tags unchanged */
        f->top = (f->top + (k == 6 ? 7 : 1)) & 7;
        fpu_finish(c, &x);
        return 0;
    case 4: /* FXTRACT */
        if (operands(c, &x, ONE_TWO)) {
            f80_xtract(&x, a, &e, &r);
            results(c, &x, ONE_TWO, e, r);
        }
        return 0;
    case 0: case 2 + 8: case 4 + 8: /* F2XM1, FSQRT, FRNDINT */
        if (operands(c, &x, ONE_ONE))
            results(c, &x, ONE_ONE,
                    k == 0 ? f80_f2xm1(&x, a) : k == 10 ? f80_sqrt(&x, a) : f80_round_int(&x, a),
                    a);
        return 0;
    case 5 + 8: /* FSCALE */
        if (operands(c, &x, TWO_KEEP))
            results(c, &x, ONE_ONE, f80_scale(&x, a, b), a);
        return 0;
    default: /* F1 FYL2X, F3 FPATAN, F9 FYL2XP1: ST(1) = f(ST(1), ST(0)), pop */
        if (operands(c, &x, TWO_POP))
            results(c, &x, TWO_POP,
                    k == 1 ? f80_yl2x(&x, b, a) : k == 3 ? f80_atan2(&x, b, a)
                                                     : f80_yl2xp1(&x, b, a),
                    a);
        return 0;
    }
}
