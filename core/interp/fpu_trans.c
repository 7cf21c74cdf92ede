/*
 * fpu_trans.c - the x87's transcendental functions in software: FSIN, FCOS,
 * FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X and FYL2XP1.
 *
 * The hardware computes them with internal precision beyond the 64-bit
 * significand and documents an error of at most one unit in the last
 * place (SDM vol. 1, 8.3.10) for arguments in range. lab86 does the same
 * in integer arithmetic: a small software float, struct bf, with a 128-bit
 * significand (about 118 correct bits after a series, since divisions by
 * small integers drop a few), evaluates each function by argument
 * reduction and a Taylor series, and the result is rounded once to the
 * 64-bit significand per the rounding control (precision control does not
 * apply to these instructions). No host floating point: every host gets
 * the same bits.
 *
 *   sin, cos     x reduced modulo pi/2 to |r| <= pi/4, quadrant from the
 *                quotient; the series of sin r or cos r. Like the x87,
 *                the reduction uses a 66-bit pi (Intel documents its FSIN
 *                family as reducing with a 66-bit approximation of pi), so
 *                arguments near multiples of pi give what the hardware
 *                gives rather than the exact value. tan = sin / cos.
 *                The quotient times pi/2 is formed in the 128-bit float,
 *                so for |x| beyond about 2^32 the reduced argument keeps
 *                fewer than 64 correct bits (a deliberate limit: the
 *                hardware's own results there are dominated by its 66-bit
 *                pi; the tests compare |x| < 8).
 *   atan         the argument brought to [0, 1] (octants), then halved
 *                three times with atan t = 2 atan(t / (1 + sqrt(1 + t^2))),
 *                then the series.
 *   2^x - 1      expm1(x ln 2) by its series, which keeps relative
 *                precision for tiny x.
 *   log2         log2(x) = e + ln(m) / ln 2 with m in [sqrt(1/2), sqrt(2)),
 *                ln m = 2 atanh((m - 1)/(m + 1)) by its series;
 *                log2(1 + x) likewise with s = x / (2 + x), exact for tiny x.
 *
 * Results are always treated as inexact (PE), except the exact special
 * cases the SDM's tables list (zeros, infinities, log2(1)).
 */
#include "fpu.h"

typedef unsigned __int128 u128;

/* A software float: value = m * 2^(e - 127), m normalized (bit 127 set)
 * or zero. */
struct bf {
    bool s;    /* sign */
    int32_t e; /* unbiased exponent of the leading bit */
    u128 m;    /* significand */
};

#define TOP ((u128)1 << 127)

static struct bf bf_norm(bool s, int32_t e, u128 m)
{
    if (m == 0)
        return (struct bf){s, 0, 0};
    uint64_t hi = (uint64_t)(m >> 64);
    int lz = hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)m);
    return (struct bf){s, e - lz, m << lz};
}

static struct bf bf_u64(uint64_t v)
{
    return bf_norm(false, 127, v);
}

static struct bf bf_const(uint64_t hi, uint64_t lo, int32_t e)
{
    return (struct bf){false, e, ((u128)hi << 64) | lo};
}

static struct bf bf_from(struct f80 a)
{
    int32_t e;
    uint64_t m;
    if (f80_class(a) == FC_ZERO)
        return (struct bf){f80_sign(a), 0, 0};
    f80_unpack(a, &e, &m);
    return (struct bf){f80_sign(a), e - F80_BIAS, (u128)m << 64};
}

static struct f80 bf_to(struct fctx *x, struct bf b)
{
    if (b.m == 0)
        return f80_make(b.s, 0, 0);
    /* Sticky: the value is never exact (see the essay). */
    return f80_round_pack64(x, b.s, b.e + F80_BIAS, b.m | 1);
}

static struct bf bf_neg(struct bf a)
{
    a.s = !a.s;
    return a;
}

static struct bf bf_add(struct bf a, struct bf b)
{
    if (a.m == 0)
        return b;
    if (b.m == 0)
        return a;
    if (a.e < b.e || (a.e == b.e && a.m < b.m)) {
        struct bf t = a;
        a = b;
        b = t;
    }
    int32_t d = a.e - b.e;
    u128 bm = d >= 128 ? 0 : b.m >> d;
    if (a.s == b.s) {
        u128 sum = (a.m >> 1) + (bm >> 1) + ((a.m & bm) & 1);
        return bf_norm(a.s, a.e + 1, sum);
    }
    return bf_norm(a.s, a.e, a.m - bm);
}

static struct bf bf_sub(struct bf a, struct bf b)
{
    return bf_add(a, bf_neg(b));
}

static struct bf bf_mul(struct bf a, struct bf b)
{
    if (a.m == 0 || b.m == 0)
        return (struct bf){a.s != b.s, 0, 0};
    uint64_t ah = (uint64_t)(a.m >> 64), al = (uint64_t)a.m;
    uint64_t bh = (uint64_t)(b.m >> 64), bl = (uint64_t)b.m;
    u128 hh = (u128)ah * bh, hl = (u128)ah * bl, lh = (u128)al * bh, ll = (u128)al * bl;
    u128 mid = (hl & ~0ull) + (lh & ~0ull) + (ll >> 64);
    u128 hi = hh + (hl >> 64) + (lh >> 64) + (mid >> 64);
    return bf_norm(a.s != b.s, a.e + b.e + 1, hi);
}

static struct bf bf_div(struct bf a, struct bf b)
{
    u128 r = a.m, q = 0;
    bool carry = false;
    for (int k = 127; k >= 0; k--) {
        if (carry || r >= b.m) {
            r -= b.m;
            q |= (u128)1 << k;
        }
        carry = (r >> 127) != 0;
        r <<= 1;
    }
    return bf_norm(a.s != b.s, a.e - b.e, q);
}

static struct bf bf_div_u(struct bf a, uint64_t d)
{
    return bf_norm(a.s, a.e, a.m / d);
}

static struct bf bf_sqrt(struct bf a)
{
    /* A 64-bit first guess from the f80 square root, then one Newton step
     * y = (y + a/y) / 2, which doubles the correct bits. */
    struct fctx x = {0x037f, 0, false};
    struct f80 g = f80_sqrt(&x, f80_round_pack64(&x, false, a.e + F80_BIAS, a.m));
    struct bf y = bf_from(g);
    y = bf_add(y, bf_div(a, y));
    y.e -= 1;
    return y;
}

/* Constants, 128 bits. */
static struct bf bf_pi(void)
{
    return bf_const(0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, 1);
}

static struct bf bf_ln2(void)
{
    return bf_const(0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull, -1);
}

/* The 66-bit pi of the x87's argument reduction, halved: pi/2. */
static struct bf bf_pio2_66(void)
{
    return bf_const(0xc90fdaa22168c234ull, 0xc000000000000000ull, 0);
}

static bool tiny_vs(struct bf term, struct bf sum)
{
    return term.m == 0 || term.e < sum.e - 130;
}

/* sin r (odd = true) or cos r by their series, |r| <= pi/4. */
static struct bf series_sc(struct bf r, bool odd)
{
    struct bf r2 = bf_mul(r, r), term = odd ? r : bf_u64(1), sum = term;
    for (uint64_t n = odd ? 2 : 1; n < 80; n += 2) {
        term = bf_div_u(bf_neg(bf_mul(term, r2)), n * (n + 1));
        if (tiny_vs(term, sum))
            break;
        sum = bf_add(sum, term);
    }
    return sum;
}

/* Reduce |a| by pi/2: r and the quadrant. false when |a| >= 2^63. */
static bool reduce(struct f80 a, struct bf *r, unsigned *quadrant)
{
    struct bf x = bf_from(a);
    x.s = false;
    if (x.m == 0) {
        *r = x;
        *quadrant = 0;
        return true;
    }
    if (x.e >= 63)
        return false;
    struct bf p = bf_pio2_66(), q = bf_div(x, p);
    uint64_t k = q.e == -1; /* nearest integer of q; q < 2^64 here */
    if (q.e >= 0)
        k = (uint64_t)(q.m >> (127 - q.e)) + (uint64_t)((q.m >> (126 - q.e)) & 1);
    *r = k ? bf_sub(x, bf_mul(bf_u64(k), p)) : x;
    *quadrant = (unsigned)(k & 3);
    return true;
}

/* sin and cos of a (finite): both, through one reduction. */
static bool sin_cos(struct f80 a, struct bf *s, struct bf *c)
{
    struct bf r;
    unsigned n;
    if (!reduce(a, &r, &n))
        return false;
    struct bf sr = series_sc(r, true), cr = series_sc(r, false);
    switch (n) {
    case 0: *s = sr; *c = cr; break;
    case 1: *s = cr; *c = bf_neg(sr); break;
    case 2: *s = bf_neg(sr); *c = bf_neg(cr); break;
    default: *s = bf_neg(cr); *c = sr; break;
    }
    if (f80_sign(a))
        *s = bf_neg(*s);
    return true;
}

/* Screening shared by the trigonometric instructions: NaNs, infinities
 * (invalid), and |a| >= 2^63 (C2, no result). Returns true with *r set
 * when the instruction is decided. */
static bool trig_special(struct fctx *x, struct f80 a, struct f80 *r, bool *c2)
{
    *c2 = false;
    if (f80_nan_operand(x, a, r))
        return true;
    if (f80_class(a) == FC_INF) {
        x->exc |= FSW_IE;
        *r = f80_indefinite();
        return true;
    }
    if (f80_exp(a) >= F80_BIAS + 63) {
        *c2 = true;
        *r = a;
        return true;
    }
    return false;
}

/* FSIN (want 0), FCOS (1), FSINCOS (2: both, sine in *s). */
static void trig(struct fctx *x, struct f80 a, int want, struct f80 *s, struct f80 *c, bool *c2)
{
    struct f80 r;
    if (trig_special(x, a, &r, c2)) {
        *s = *c = r;
        return;
    }
    if (f80_class(a) == FC_ZERO) {
        *s = a;
        *c = f80_make(false, F80_BIAS, F80_J);
        return;
    }
    struct bf bs, bc;
    sin_cos(a, &bs, &bc);
    if (want != 1)
        *s = bf_to(x, bs);
    if (want != 0)
        *c = bf_to(x, bc);
}

void f80_sincos(struct fctx *x, struct f80 a, struct f80 *s, struct f80 *c, bool *c2)
{
    trig(x, a, 2, s, c, c2);
}

struct f80 f80_sin(struct fctx *x, struct f80 a, bool *c2)
{
    struct f80 s, c;
    trig(x, a, 0, &s, &c, c2);
    return s;
}

struct f80 f80_cos(struct fctx *x, struct f80 a, bool *c2)
{
    struct f80 s, c;
    trig(x, a, 1, &s, &c, c2);
    return c;
}

struct f80 f80_tan(struct fctx *x, struct f80 a, bool *c2)
{
    struct f80 r;
    if (trig_special(x, a, &r, c2))
        return r;
    if (f80_class(a) == FC_ZERO)
        return a;
    struct bf s, c;
    sin_cos(a, &s, &c);
    return bf_to(x, bf_div(s, c));
}

/* atan t for 0 <= t <= 1. */
static struct bf atan_unit(struct bf t)
{
    struct bf one = bf_u64(1);
    for (int k = 0; k < 3; k++)
        t = bf_div(t, bf_add(one, bf_sqrt(bf_add(one, bf_mul(t, t)))));
    struct bf t2 = bf_mul(t, t), pow = t, sum = t;
    for (uint64_t n = 3; n < 200; n += 2) {
        pow = bf_neg(bf_mul(pow, t2));
        struct bf term = bf_div_u(pow, n);
        if (tiny_vs(term, sum))
            break;
        sum = bf_add(sum, term);
    }
    sum.e += 3;
    return sum;
}

struct f80 f80_atan2(struct fctx *x, struct f80 y, struct f80 xv)
{
    struct f80 r;
    if (f80_nan_operands(x, y, xv, &r))
        return r;
    enum fclass ky = f80_class(y), kx = f80_class(xv);
    bool sy = f80_sign(y), sx = f80_sign(xv);
    struct bf pi = bf_pi(), res;
    if (ky == FC_ZERO) {
        if (!sx)
            return y;
        res = pi;
    } else if (kx == FC_ZERO) {
        res = pi;
        res.e -= 1;
    } else if (ky == FC_INF || kx == FC_INF) {
        if (ky == FC_INF && kx == FC_INF) { /* pi/4 or 3pi/4 */
            res = pi;
            res.e -= 2;
            if (sx)
                res = bf_sub(pi, res);
        } else if (ky == FC_INF) {
            res = pi;
            res.e -= 1;
        } else {
            if (!sx)
                return f80_make(sy, 0, 0);
            res = pi;
        }
    } else {
        struct bf by = bf_from(y), bx = bf_from(xv);
        by.s = bx.s = false;
        bool swap = by.e > bx.e || (by.e == bx.e && by.m > bx.m);
        res = atan_unit(swap ? bf_div(bx, by) : bf_div(by, bx));
        if (swap) {
            struct bf h = pi;
            h.e -= 1;
            res = bf_sub(h, res);
        }
        if (sx)
            res = bf_sub(pi, res);
    }
    res.s = sy;
    return bf_to(x, res);
}

struct f80 f80_f2xm1(struct fctx *x, struct f80 a)
{
    struct f80 r;
    if (f80_nan_operand(x, a, &r))
        return r;
    switch (f80_class(a)) {
    case FC_ZERO: return a;
    case FC_INF: return f80_sign(a) ? f80_make(true, F80_BIAS, F80_J) : a;
    default: break;
    }
    struct bf u = bf_mul(bf_from(a), bf_ln2()), term = u, sum = u;
    for (uint64_t n = 2; n < 200; n++) {
        term = bf_div_u(bf_mul(term, u), n);
        if (tiny_vs(term, sum))
            break;
        sum = bf_add(sum, term);
    }
    return bf_to(x, sum);
}

/* 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), |s| small. */
static struct bf atanh2(struct bf s)
{
    struct bf s2 = bf_mul(s, s), pow = s, sum = s;
    for (uint64_t n = 3; n < 300; n += 2) {
        pow = bf_mul(pow, s2);
        struct bf term = bf_div_u(pow, n);
        if (tiny_vs(term, sum))
            break;
        sum = bf_add(sum, term);
    }
    sum.e += 1;
    return sum;
}

/* log2 of a finite positive bf. */
static struct bf bf_log2(struct bf v)
{
    /* m in [sqrt(1/2), sqrt(2)): 0xB504F333... is sqrt(2)/2 scaled */
    int32_t e = v.e;
    struct bf m = v;
    m.e = 0;
    if (m.m >= ((u128)0xb504f333f9de6484ull << 64)) {
        m.e = -1;
        e += 1;
    }
    struct bf one = bf_u64(1);
    struct bf s = bf_div(bf_sub(m, one), bf_add(m, one));
    struct bf l = bf_div(atanh2(s), bf_ln2());
    struct bf be = bf_u64((uint64_t)(e < 0 ? -(int64_t)e : e));
    be.s = e < 0;
    return bf_add(e ? be : (struct bf){false, 0, 0}, l);
}

struct f80 f80_yl2x(struct fctx *x, struct f80 y, struct f80 xv)
{
    struct f80 r;
    if (f80_nan_operands(x, y, xv, &r))
        return r;
    enum fclass ky = f80_class(y), kx = f80_class(xv);
    bool sy = f80_sign(y);
    bool one = kx == FC_NORMAL && xv.se == F80_BIAS && xv.m == F80_J;
    if ((f80_sign(xv) && kx != FC_ZERO) || (kx == FC_ZERO && ky == FC_ZERO) ||
        (kx == FC_INF && ky == FC_ZERO) || (one && ky == FC_INF)) {
        x->exc = (uint16_t)((x->exc & ~FSW_DE) | FSW_IE);
        return f80_indefinite();
    }
    if (kx == FC_ZERO) {
        if (ky != FC_INF)
            x->exc = (uint16_t)((x->exc & ~FSW_DE) | FSW_ZE);
        return f80_make(!sy, F80_EXP_MAX, F80_J);
    }
    if (one)
        return f80_make(sy, 0, 0);
    bool below1 = f80_exp(xv) < F80_BIAS;
    if (kx == FC_INF || ky == FC_INF)
        return f80_make(sy != (kx != FC_INF && below1), F80_EXP_MAX, F80_J);
    if (ky == FC_ZERO)
        return f80_make(sy != below1, 0, 0);
    return bf_to(x, bf_mul(bf_from(y), bf_log2(bf_from(xv))));
}

struct f80 f80_yl2xp1(struct fctx *x, struct f80 y, struct f80 xv)
{
    struct f80 r;
    if (f80_nan_operands(x, y, xv, &r))
        return r;
    enum fclass ky = f80_class(y), kx = f80_class(xv);
    bool sy = f80_sign(y), sx = f80_sign(xv);
    struct bf bx = bf_from(xv), one = bf_u64(1);
    bool le_m1 = sx && kx != FC_ZERO && (kx == FC_INF || bx.e >= 0); /* x <= -1 */
    if (le_m1 || (kx == FC_ZERO && ky == FC_INF) || (kx == FC_INF && ky == FC_ZERO)) {
        x->exc = (uint16_t)((x->exc & ~FSW_DE) | FSW_IE);
        return f80_indefinite();
    }
    if (kx == FC_ZERO || ky == FC_ZERO)
        return f80_make(sy != sx, 0, 0);
    if (kx == FC_INF || ky == FC_INF)
        return f80_make(sy != sx, F80_EXP_MAX, F80_J);
    struct bf l = bf_div(atanh2(bf_div(bx, bf_add(bf_add(one, one), bx))), bf_ln2());
    return bf_to(x, bf_mul(bf_from(y), l));
}
