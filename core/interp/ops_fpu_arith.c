/*
 * ops_fpu_arith.c - the x87's computing instructions: the four operations
 * in all their forms (D8, DA, DC, DE: FADD FMUL FSUB FSUBR FDIV FDIVR and
 * the integer FI* forms), the comparisons (FCOM, FCOMP, FCOMPP, FUCOM*,
 * FICOM*, FTST, FCOMI/FUCOMI setting EFLAGS), FCMOVcc, and the D9 E0-FF
 * group (FCHS, FABS, FXAM, the constants, FSQRT, FRNDINT, FSCALE, FXTRACT,
 * the remainders and the transcendentals).
 *
 * One ModR/M reg field names the operation in every arithmetic escape:
 * 0 ADD, 1 MUL, 2 COM, 3 COMP, 4 SUB, 5 SUBR, 6 DIV, 7 DIVR, where SUB is
 * dest - src and SUBR src - dest. The register forms of DC and DE write
 * ST(i) instead of ST(0), and there Intel's encodings swap the meanings of
 * 4/5 and 6/7 (DC E8+i is FSUB ST(i), ST(0): ST(i) - ST(0)); the swap is
 * one line below. DC D0-DF and DE D0-D7 are undocumented aliases of FCOM
 * and FCOMP that the Pentium Pro executes, as are the aliases in
 * ops_fpu_mem.c.
 *
 * An empty register read is a stack underflow: IE and SF, with the masked
 * response of writing the indefinite; with IE unmasked nothing is written
 * and nothing popped (SDM vol. 1, 8.5.1.1).
 */
#include "ops_fpu.h"

#include <string.h>

/* A memory operand of the arithmetic escapes: D8 m32real, DA m32int, DC
 * m64real, DE m16int. */
static int arith_operand(struct cpu *c, const struct fop *o, struct fctx *x, struct f80 *v)
{
    uint8_t b[8];
    static const int size[4] = {4, 4, 8, 2};
    TRY(fpu_read(c, o, 0, b, size[o->esc >> 1]));
    uint32_t w;
    uint64_t q;
    memcpy(&w, b, 4);
    memcpy(&q, b, 8);
    switch (o->esc) {
    case 0: /* an SNaN stays signaling: it loses to a QNaN operand (table 4-7) */
        *v = f80_from_f32(x, w);
        if ((w & 0x7fc00000u) == 0x7f800000u && (w & 0x003fffffu))
            v->m &= ~(1ull << 62);
        break;
    case 2: *v = f80_from_i64((int32_t)w); break;
    case 4:
        *v = f80_from_f64(x, q);
        if ((q & 0x7ff8000000000000ull) == 0x7ff0000000000000ull && (q & 0x0007ffffffffffffull))
            v->m &= ~(1ull << 62);
        break;
    default: *v = f80_from_i64((int16_t)(uint16_t)w); break;
    }
    return 0;
}

/* dest op src for operation k (see the essay). */
static struct f80 arith(struct fctx *x, unsigned k, struct f80 dest, struct f80 src)
{
    switch (k) {
    case 0: return f80_add(x, dest, src);
    case 1: return f80_mul(x, dest, src);
    case 4: return f80_sub(x, dest, src);
    case 5: return f80_sub(x, src, dest);
    case 6: return f80_div(x, dest, src);
    default: return f80_div(x, src, dest);
    }
}

/* C3 C2 C0 for a comparison's relation (-1, 0, 1, 2 unordered). */
static uint16_t compare_cc(int rel)
{
    static const uint16_t cc[4] = {FSW_C0, FSW_C3, 0, FSW_C0 | FSW_C2 | FSW_C3};
    return cc[rel + 1];
}

/* FCOM-family: ST(0) against src; pops as many times as asked. x holds
 * what loading src raised. */
static int compare(struct cpu *c, struct fctx x, struct f80 src, bool src_empty, bool quiet,
                   int pops)
{
    struct fpu *f = &c->fpu;
    int rel = 2;
    if (fpu_empty(f, 0) || src_empty)
        fpu_underflow(&x);
    else
        rel = f80_compare(&x, fpu_st(f, 0), src, quiet);
    fpu_finish(c, &x);
    /* Unmasked: the condition codes still say "unordered" after an invalid
     * operand, and the comparison's result after a denormal one (as the
     * hardware does), but nothing is popped. */
    fpu_set_cc(f, FSW_C0 | FSW_C2 | FSW_C3, compare_cc((x.exc & FSW_IE) ? 2 : rel));
    if (fpu_blocked(f, &x))
        return 0;
    while (pops-- > 0)
        fpu_pop(f);
    return 0;
}

/* The register forms that are comparisons: D8/DC/DE reg 2-3, DD E0-EF
 * (FUCOM, FUCOMP), DA E9 (FUCOMPP), DE D9 (FCOMPP). */
static int compare_reg(struct cpu *c, const struct fop *o)
{
    struct fpu *f = &c->fpu;
    if (o->esc == 2)
        return compare(c, fpu_ctx(f), fpu_st(f, 1), fpu_empty(f, 1), true, 2);
    if (o->esc == 6 && o->reg == 3)
        return compare(c, fpu_ctx(f), fpu_st(f, 1), fpu_empty(f, 1), false, 2);
    bool quiet = o->esc == 5;
    int pops = o->esc == 6 || (o->reg & 1);
    return compare(c, fpu_ctx(f), fpu_st(f, o->rm), fpu_empty(f, o->rm), quiet, pops);
}

int fpu_arith(struct cpu *c, const struct fop *o)
{
    struct fpu *f = &c->fpu;
    struct fctx x = fpu_ctx(f);
    struct f80 src;
    unsigned dst = 0, k = o->reg;
    bool pop = false, src_empty = false;
    if (o->mem) {
        TRY(arith_operand(c, o, &x, &src));
        if (k == 2 || k == 3) /* FCOM/FICOM m */
            return compare(c, x, src, false, false, k == 3);
    } else {
        if (o->esc == 2 || o->esc == 5 || k == 2 || k == 3)
            return compare_reg(c, o);
        if (o->esc == 0) {
            src = fpu_st(f, o->rm);
            src_empty = fpu_empty(f, o->rm);
        } else { /* DC, DE: ST(i) = ST(i) op ST(0) */
            dst = o->rm;
            src = fpu_st(f, 0);
            src_empty = fpu_empty(f, 0);
            k = k >= 4 ? k ^ 1 : k;
            pop = o->esc == 6;
        }
    }
    struct f80 r;
    if (src_empty || fpu_empty(f, dst)) {
        if (!fpu_underflow(&x)) {
            fpu_finish(c, &x);
            return 0;
        }
        r = f80_indefinite();
    } else {
        r = arith(&x, k, fpu_st(f, dst), src);
    }
    fpu_finish(c, &x);
    if (fpu_blocked(f, &x))
        return 0;
    fpu_set_st(f, dst, r);
    if (pop)
        fpu_pop(f);
    return 0;
}

/* FCOMI, FUCOMI (DB), FCOMIP, FUCOMIP (DF): ST(0) against ST(i) into ZF,
 * PF, CF (OF, SF, AF cleared). */
int fpu_compare_i(struct cpu *c, const struct fop *o)
{
    struct fpu *f = &c->fpu;
    struct fctx x = fpu_ctx(f);
    int rel = 2;
    x.up = (f->sw & FSW_C1) != 0; /* C1 unchanged but by a stack fault */
    if (fpu_empty(f, 0) || fpu_empty(f, o->rm))
        fpu_underflow(&x);
    else
        rel = f80_compare(&x, fpu_st(f, 0), fpu_st(f, o->rm), o->reg == 5);
    fpu_finish(c, &x);
    static const uint32_t fl[4] = {FL_CF, FL_ZF, 0, FL_ZF | FL_PF | FL_CF};
    c->eflags = (c->eflags & ~FL_ARITH) | fl[(x.exc & FSW_IE) ? 3 : rel + 1];
    if (fpu_blocked(f, &x))
        return 0; /* unmasked: EFLAGS as for FCOM's condition codes, and no pop */
    if (o->esc == 7)
        fpu_pop(f);
    return 0;
}

/* FCMOVcc (DA C0-DF: B, E, BE, U; DB: their negations): ST(0) = ST(i) if
 * the condition holds. */
int fpu_fcmov(struct cpu *c, const struct fop *o)
{
    static const int cc[4] = {0x2, 0x4, 0x6, 0xa}; /* B, E, BE, P as Jcc nibbles */
    struct fpu *f = &c->fpu;
    struct fctx x = fpu_ctx(f);
    bool take = cond(c, cc[o->reg] | (o->esc == 3));
    x.up = (f->sw & FSW_C1) != 0; /* C1 unchanged but by a stack fault */
    struct f80 v = fpu_st(f, o->rm);
    if (fpu_empty(f, 0) || fpu_empty(f, o->rm)) {
        if (!fpu_underflow(&x)) {
            fpu_finish(c, &x);
            return 0;
        }
        v = f80_indefinite();
        take = true;
    }
    fpu_finish(c, &x);
    if (take)
        fpu_set_st(f, 0, v);
    return 0;
}

/* FXAM: the class of ST(0) in C3 C2 C0, its sign in C1. */
static void fxam(struct fpu *f)
{
    static const uint16_t cc[] = {
        [FC_ZERO] = FSW_C3, [FC_DENORMAL] = FSW_C3 | FSW_C2, [FC_NORMAL] = FSW_C2,
        [FC_INF] = FSW_C2 | FSW_C0, [FC_QNAN] = FSW_C0, [FC_SNAN] = FSW_C0,
        [FC_UNSUPPORTED] = 0,
    };
    struct f80 v = fpu_st(f, 0);
    uint16_t bits = fpu_empty(f, 0) ? FSW_C3 | FSW_C0 : cc[f80_class(v)];
    fpu_set_cc(f, FSW_CC, bits | (f80_sign(v) ? FSW_C1 : 0));
}

/* The constants of D9 E8-EE, to 128 bits: rounded to 64 per RC on load
 * (the 387 and later round them; the 8087 and 287 truncated). */
static const struct konst {
    uint64_t hi, lo; /* significand */
    int exp;         /* biased exponent */
} konsts[7] = {
    {F80_J, 0, F80_BIAS},                                        /* FLD1 */
    {0xd49a784bcd1b8afeull, 0x492bf6ff4dafdb4cull, F80_BIAS + 1}, /* FLDL2T: log2(10) */
    {0xb8aa3b295c17f0bbull, 0xbe87fed0691d3e89ull, F80_BIAS},     /* FLDL2E: log2(e) */
    {0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, F80_BIAS + 1}, /* FLDPI */
    {0x9a209a84fbcff798ull, 0x8f8959ac0b7c9178ull, F80_BIAS - 2}, /* FLDLG2: log10(2) */
    {0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull, F80_BIAS - 1}, /* FLDLN2: ln(2) */
    {0, 0, 0},                                                   /* FLDZ */
};

static void load_const(struct cpu *c, unsigned k)
{
    struct fpu *f = &c->fpu;
    struct fctx x = fpu_ctx(f);
    const struct konst *q = &konsts[k];
    struct f80 v = f80_make(false, 0, 0);
    if (q->hi) {
        /* Rounded per RC, without PE: the constants are not "results". */
        v = f80_round_pack64(&x, false, q->exp, ((unsigned __int128)q->hi << 64) | q->lo);
        x.exc = 0;
        x.up = false;
    }
    if (!fpu_empty(f, 7) && !fpu_overflow(&x)) {
        fpu_finish(c, &x);
        return;
    }
    fpu_finish(c, &x);
    fpu_push(f, (x.exc & FSW_SF) ? f80_indefinite() : v);
}

int fpu_d9_group(struct cpu *c, const struct fop *o)
{
    struct fpu *f = &c->fpu;
    if (o->reg >= 6)
        return fpu_trans(c, o);
    if (o->reg == 5) {
        load_const(c, o->rm);
        return 0;
    }
    if (o->rm == 5) {
        fxam(f);
        return 0;
    }
    if (o->rm == 4) /* FTST: ST(0) against +0.0 */
        return compare(c, fpu_ctx(f), f80_make(false, 0, 0), false, false, 0);
    struct fctx x = fpu_ctx(f);
    if (fpu_empty(f, 0)) {
        bool go = fpu_underflow(&x);
        fpu_finish(c, &x);
        if (go)
            fpu_set_st(f, 0, f80_indefinite());
        return 0;
    }
    struct f80 v = fpu_st(f, 0);
    v.se = o->rm == 0 ? v.se ^ 0x8000 : v.se & 0x7fff; /* FCHS, FABS: no exceptions */
    fpu_finish(c, &x);
    fpu_set_st(f, 0, v);
    return 0;
}
