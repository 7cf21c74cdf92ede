/*
 * fpu_float.c - the x87's 80-bit extended float in software: classification,
 * rounding, the four arithmetic operations, square root and comparison.
 * Conversions and the exact operations (remainder, scale, round to integer)
 * are in fpu_conv.c; the transcendentals in fpu_trans.c.
 *
 * Every operation works on exact integers: a finite operand is a 64-bit
 * significand and an exponent; the exact result (or enough of it, plus a
 * "sticky" bit that records whether anything nonzero was dropped) is held
 * in an unsigned 128-bit integer and handed to one rounding routine,
 * round_core(). That routine is IEEE 754 rounding as the x87 does it
 * (SDM vol. 1, 4.8 and 8.5):
 *
 *   - to 24, 53 or 64 significant bits (precision control, FADD..FSQRT
 *     only; the extended exponent range stays whatever the precision);
 *   - in one of four directions (rounding control);
 *   - tininess is detected after rounding, as Intel's x87 does; a masked
 *     underflow denormalizes the result and raises UE only when it is also
 *     inexact, an unmasked one raises UE and returns the result with its
 *     exponent increased by 24576 (3 * 2^13);
 *   - a masked overflow returns infinity or the largest finite number by
 *     the rounding direction, an unmasked one the result with its exponent
 *     decreased by 24576;
 *   - PE for any inexact result, and "up" (the status word's C1) when the
 *     magnitude was rounded up.
 *
 * NaNs follow the x87's rules (SDM vol. 1, table 4-7): an SNaN operand
 * raises IE and is quieted; of two NaNs the QNaN wins over an SNaN, and
 * otherwise the one with the larger significand; an invalid operation
 * returns the "real indefinite" (negative QNaN, significand C000...0).
 * Unsupported encodings (unnormals, pseudo-NaNs and pseudo-infinities,
 * rejected since the 387) are invalid operands.
 */
#include "fpu.h"

typedef unsigned __int128 u128;

#define QUIET_BIT (1ull << 62)
#define WRAP 24576 /* exponent adjustment of unmasked overflow/underflow */

/* --- classification and packing --- */

bool f80_sign(struct f80 a)
{
    return (a.se >> 15) != 0;
}

int f80_exp(struct f80 a)
{
    return a.se & F80_EXP_MAX;
}

struct f80 f80_make(bool sign, int exp, uint64_t m)
{
    return (struct f80){m, (uint16_t)((sign ? 0x8000u : 0) | ((unsigned)exp & F80_EXP_MAX))};
}

struct f80 f80_indefinite(void)
{
    return f80_make(true, F80_EXP_MAX, F80_J | QUIET_BIT);
}

enum fclass f80_class(struct f80 a)
{
    int e = f80_exp(a);
    bool j = (a.m & F80_J) != 0;
    if (e == 0)
        return a.m == 0 ? FC_ZERO : FC_DENORMAL;
    if (!j)
        return FC_UNSUPPORTED; /* unnormal, pseudo-infinity, pseudo-NaN */
    if (e == F80_EXP_MAX) {
        if ((a.m << 1) == 0)
            return FC_INF;
        return (a.m & QUIET_BIT) ? FC_QNAN : FC_SNAN;
    }
    return FC_NORMAL;
}

int f80_tag(struct f80 a)
{
    switch (f80_class(a)) {
    case FC_ZERO: return TAG_ZERO;
    case FC_NORMAL: return TAG_VALID;
    default: return TAG_SPECIAL;
    }
}

/* A finite nonzero operand as (exponent, significand) with the J bit set:
 * denormals are normalized, their exponent going below 1. */
void f80_unpack(struct f80 a, int32_t *e, uint64_t *m)
{
    int32_t exp = f80_exp(a);
    uint64_t sig = a.m;
    if (exp == 0)
        exp = 1; /* denormals and pseudo-denormals share the scale of exponent 1 */
    int lz = __builtin_clzll(sig);
    *e = exp - lz;
    *m = sig << lz;
}

/* --- rounding --- */

/* Bits of significand by precision control (01 is reserved; lab86 treats it
 * as 64 bits, a deliberate choice where the SDM leaves it undefined). */
static int pc_bits(uint16_t cw)
{
    static const int bits[4] = {24, 64, 53, 64};
    return bits[(cw >> FCW_PC_SHIFT) & 3];
}

static int rc_of(uint16_t cw)
{
    return (cw >> FCW_RC_SHIFT) & 3;
}

/* Round sig (bit 127 set) to its top n bits in direction rc for sign.
 * Returns the rounded value (low bits cleared); *carry when it overflowed
 * 128 bits (it is then 2^127 again, one exponent higher); *inexact. */
static u128 round_bits(u128 sig, int n, int rc, bool sign, bool *carry, bool *inexact)
{
    u128 lsb = (u128)1 << (128 - n);
    u128 rest = sig & (lsb - 1);
    u128 half = lsb >> 1;
    bool inc = false;
    *inexact = rest != 0;
    if (rc == RC_NEAREST)
        inc = rest > half || (rest == half && (sig & lsb));
    else if (rc == RC_UP)
        inc = !sign && rest;
    else if (rc == RC_DOWN)
        inc = sign && rest;
    sig -= rest;
    *carry = false;
    if (inc) {
        sig += lsb;
        if (sig == 0) {
            *carry = true;
            sig = (u128)1 << 127;
        }
    }
    return sig;
}

/* Shift right by n keeping a sticky bit. */
static u128 shift_sticky(u128 v, int32_t n)
{
    if (n <= 0)
        return v;
    if (n >= 128)
        return v != 0;
    return (v >> n) | ((v & (((u128)1 << n) - 1)) != 0);
}

/* The format a result is rounded into. */
struct fmt {
    int bits;      /* significand bits */
    int32_t emin;  /* smallest normal exponent, extended-biased */
    int32_t emax;  /* largest finite exponent, extended-biased */
};

/* A rounded finite result: m has J set when normal; a clear J means a
 * denormal at the scale of fmt.emin. */
struct rounded {
    int32_t exp;
    uint64_t m;
    bool inf;   /* a masked overflow gave infinity */
};

/* The rounding routine (see the essay). wrap: unmasked overflow/underflow
 * return wrapped results (register destinations); stores leave that to the
 * caller, which checks x->exc and stores nothing. */
static struct rounded round_core(struct fctx *x, bool sign, int32_t exp, u128 sig,
                                 struct fmt f)
{
    struct rounded r = {0, 0, false};
    int rc = rc_of(x->cw);
    bool carry, inexact;
    uint64_t hi = (uint64_t)(sig >> 64);
    int lz = hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)sig);
    sig <<= lz;
    exp -= lz;
    u128 full = round_bits(sig, f.bits, rc, sign, &carry, &inexact);
    int32_t full_exp = exp + carry;
    bool um = !(x->cw & FCW_UM), om = !(x->cw & FCW_OM);
    if ((um && full_exp + WRAP < f.emin) || (om && full_exp - WRAP > f.emax)) {
        /* Unmasked, but too far out even for the wrapped exponent (FSCALE
         * can get there): the hardware delivers a zero or an infinity. */
        bool over = full_exp > f.emax;
        x->exc |= (over ? FSW_OE : FSW_UE) | FSW_PE;
        x->up = over;
        r.inf = over;
        r.exp = over ? f.emax : f.emin;
        return r;
    }
    if (full_exp < f.emin) { /* tiny after rounding */
        if (um) {
            x->exc |= FSW_UE | (inexact ? FSW_PE : 0);
            x->up = carry || full > sig;
            r.exp = full_exp + WRAP;
            r.m = (uint64_t)(full >> 64);
            return r;
        }
        /* Denormalize, then round at the same bit position: the value's
         * J bit is clear, and a carry into it makes the smallest normal. */
        u128 d = shift_sticky(sig, f.emin - exp);
        bool dcarry, dinexact;
        u128 dr = round_bits(d, f.bits, rc, sign, &dcarry, &dinexact);
        if (dinexact)
            x->exc |= FSW_UE | (dinexact ? FSW_PE : 0);
        x->up = dinexact && dr > d;
        r.exp = f.emin;
        r.m = (uint64_t)(dr >> 64);
        return r;
    }
    if (full_exp > f.emax) {
        x->exc |= FSW_OE;
        if (om) {
            x->exc |= inexact ? FSW_PE : 0;
            x->up = carry || full > sig;
            r.exp = full_exp - WRAP;
            r.m = (uint64_t)(full >> 64);
            return r;
        }
        x->exc |= FSW_PE;
        bool to_inf = rc == RC_NEAREST || (rc == RC_UP && !sign) || (rc == RC_DOWN && sign);
        r.inf = to_inf;
        x->up = to_inf;
        r.exp = f.emax;
        r.m = ~0ull << (64 - f.bits);
        return r;
    }
    if (inexact)
        x->exc |= FSW_PE;
    x->up = carry || full > sig;
    r.exp = full_exp;
    r.m = (uint64_t)(full >> 64);
    return r;
}

static const struct fmt ext_fmt = {64, 1, F80_EXP_MAX - 1};

struct f80 f80_round_pack(struct fctx *x, bool sign, int32_t exp, unsigned __int128 sig)
{
    struct fmt f = ext_fmt;
    f.bits = pc_bits(x->cw);
    if (sig == 0)
        return f80_make(sign, 0, 0);
    struct rounded r = round_core(x, sign, exp, sig, f);
    if (r.inf)
        return f80_make(sign, F80_EXP_MAX, F80_J);
    if (!(r.m & F80_J) && r.exp == 1)
        r.exp = 0; /* denormal */
    return f80_make(sign, r.exp, r.m);
}

struct f80 f80_round_pack64(struct fctx *x, bool sign, int32_t exp, unsigned __int128 sig)
{
    uint16_t cw = x->cw;
    x->cw |= 3u << FCW_PC_SHIFT;
    struct f80 r = f80_round_pack(x, sign, exp, sig);
    x->cw = cw;
    return r;
}

uint64_t f80_round_to_fmt(struct fctx *x, bool sign, int32_t exp, u128 sig, int bits,
                          int32_t emin, int32_t emax, int32_t *out_exp, bool *inf)
{
    struct rounded r = round_core(x, sign, exp, sig, (struct fmt){bits, emin, emax});
    *out_exp = r.exp;
    *inf = r.inf;
    return r.m;
}

/* --- operand screening --- */

static struct f80 quiet(struct f80 a)
{
    a.m |= QUIET_BIT;
    return a;
}

bool f80_nan_operand(struct fctx *x, struct f80 a, struct f80 *r)
{
    enum fclass k = f80_class(a);
    if (k == FC_UNSUPPORTED) {
        x->exc = (uint16_t)((x->exc & ~FSW_DE) | FSW_IE);
        *r = f80_indefinite();
        return true;
    }
    if (k == FC_SNAN || k == FC_QNAN) {
        x->exc &= (uint16_t)~FSW_DE; /* a NaN result: no denormal reported */
        if (k == FC_SNAN)
            x->exc |= FSW_IE;
        *r = quiet(a);
        return true;
    }
    if (k == FC_DENORMAL)
        x->exc |= FSW_DE;
    return false;
}

bool f80_nan_operands(struct fctx *x, struct f80 a, struct f80 b, struct f80 *r)
{
    enum fclass ka = f80_class(a), kb = f80_class(b);
    if (ka == FC_UNSUPPORTED || kb == FC_UNSUPPORTED) {
        x->exc = (uint16_t)((x->exc & ~FSW_DE) | FSW_IE);
        *r = f80_indefinite();
        return true;
    }
    bool na = ka == FC_SNAN || ka == FC_QNAN, nb = kb == FC_SNAN || kb == FC_QNAN;
    if (!na && !nb) {
        if (ka == FC_DENORMAL || kb == FC_DENORMAL)
            x->exc |= FSW_DE;
        return false;
    }
    /* A NaN result: a denormal operand (or a denormal single or double
     * loaded for this instruction) is not reported. */
    x->exc &= (uint16_t)~FSW_DE;
    if (ka == FC_SNAN || kb == FC_SNAN)
        x->exc |= FSW_IE;
    if (na && nb) {
        if (ka != kb) /* one quiet, one signaling: the quiet one */
            *r = ka == FC_QNAN ? a : b;
        else if ((a.m << 1) != (b.m << 1))
            *r = quiet((a.m << 1) > (b.m << 1) ? a : b);
        else /* equal significands: the positive one (hardware picks by sign) */
            *r = quiet(f80_sign(a) ? b : a);
        return true;
    }
    *r = quiet(na ? a : b);
    return true;
}

/* --- arithmetic --- */

static struct f80 zero(bool sign)
{
    return f80_make(sign, 0, 0);
}

static struct f80 inf(bool sign)
{
    return f80_make(sign, F80_EXP_MAX, F80_J);
}

/* An invalid operation, or a division by zero: they outrank the denormal
 * operand exception, which is then not reported (SDM vol. 1, 8.7). */
static struct f80 invalid(struct fctx *x)
{
    x->exc = (uint16_t)((x->exc & ~FSW_DE) | FSW_IE);
    return f80_indefinite();
}

static struct f80 add_signed(struct fctx *x, struct f80 a, struct f80 b, bool sb)
{
    struct f80 r;
    bool sa = f80_sign(a);
    if (f80_nan_operands(x, a, b, &r))
        return r;
    enum fclass ka = f80_class(a), kb = f80_class(b);
    if (ka == FC_INF || kb == FC_INF) {
        if (ka == FC_INF && kb == FC_INF && sa != sb)
            return invalid(x);
        return ka == FC_INF ? a : inf(sb);
    }
    if (ka == FC_ZERO && kb == FC_ZERO) /* x + x exact zeros: sign by rounding */
        return zero(sa == sb ? sa : rc_of(x->cw) == RC_DOWN);
    int32_t ea = 1, eb = 1;
    uint64_t ma = 0, mb = 0;
    if (ka != FC_ZERO)
        f80_unpack(a, &ea, &ma);
    if (kb != FC_ZERO)
        f80_unpack(b, &eb, &mb);
    if (ka == FC_ZERO)
        ea = eb;
    if (kb == FC_ZERO)
        eb = ea;
    u128 A = (u128)ma << 63, B = (u128)mb << 63;
    if (ea < eb || (ea == eb && A < B)) { /* make a the larger magnitude */
        u128 t = A; A = B; B = t;
        int32_t te = ea; ea = eb; eb = te;
        bool ts = sa; sa = sb; sb = ts;
    }
    B = shift_sticky(B, ea - eb);
    u128 s = sa == sb ? A + B : A - B;
    if (s == 0)
        return zero(rc_of(x->cw) == RC_DOWN);
    return f80_round_pack(x, sa, ea + 1, s);
}

struct f80 f80_add(struct fctx *x, struct f80 a, struct f80 b)
{
    return add_signed(x, a, b, f80_sign(b));
}

struct f80 f80_sub(struct fctx *x, struct f80 a, struct f80 b)
{
    return add_signed(x, a, b, !f80_sign(b));
}

struct f80 f80_mul(struct fctx *x, struct f80 a, struct f80 b)
{
    struct f80 r;
    bool s = f80_sign(a) != f80_sign(b);
    if (f80_nan_operands(x, a, b, &r))
        return r;
    enum fclass ka = f80_class(a), kb = f80_class(b);
    if (ka == FC_INF || kb == FC_INF) {
        if (ka == FC_ZERO || kb == FC_ZERO)
            return invalid(x);
        return inf(s);
    }
    if (ka == FC_ZERO || kb == FC_ZERO)
        return zero(s);
    int32_t ea, eb;
    uint64_t ma, mb;
    f80_unpack(a, &ea, &ma);
    f80_unpack(b, &eb, &mb);
    return f80_round_pack(x, s, ea + eb - F80_BIAS + 1, (u128)ma * mb);
}

struct f80 f80_div(struct fctx *x, struct f80 a, struct f80 b)
{
    struct f80 r;
    bool s = f80_sign(a) != f80_sign(b);
    if (f80_nan_operands(x, a, b, &r))
        return r;
    enum fclass ka = f80_class(a), kb = f80_class(b);
    if (ka == FC_INF)
        return kb == FC_INF ? invalid(x) : inf(s);
    if (kb == FC_INF)
        return zero(s);
    if (kb == FC_ZERO) {
        if (ka == FC_ZERO)
            return invalid(x);
        x->exc = (uint16_t)((x->exc & ~FSW_DE) | FSW_ZE);
        return inf(s);
    }
    if (ka == FC_ZERO)
        return zero(s);
    int32_t ea, eb;
    uint64_t ma, mb;
    f80_unpack(a, &ea, &ma);
    f80_unpack(b, &eb, &mb);
    u128 n1 = (u128)ma << 63;
    uint64_t q1 = (uint64_t)(n1 / mb), r1 = (uint64_t)(n1 % mb);
    u128 n2 = (u128)r1 << 64;
    uint64_t q2 = (uint64_t)(n2 / mb);
    bool sticky = (n2 % mb) != 0;
    u128 q = ((u128)q1 << 64) | q2;
    return f80_round_pack(x, s, ea - eb + F80_BIAS, q | sticky);
}

/* Square root of an integer given as the 66-bit m, extended by `extra`
 * zero bit pairs: the root (33 + extra bits) and whether it was exact. */
static u128 isqrt(u128 m, int extra, bool *exact)
{
    u128 rem = 0, root = 0;
    for (int k = 32 + extra; k >= 0; k--) {
        unsigned pair = k >= extra ? (unsigned)(m >> (2 * (k - extra))) & 3 : 0;
        rem = (rem << 2) | pair;
        u128 t = (root << 2) | 1;
        root <<= 1;
        if (rem >= t) {
            rem -= t;
            root |= 1;
        }
    }
    *exact = rem == 0;
    return root;
}

struct f80 f80_sqrt(struct fctx *x, struct f80 a)
{
    struct f80 r;
    if (f80_nan_operand(x, a, &r))
        return r;
    enum fclass k = f80_class(a);
    if (k == FC_ZERO)
        return a;
    if (f80_sign(a))
        return invalid(x);
    if (k == FC_INF)
        return a;
    int32_t e;
    uint64_t m;
    f80_unpack(a, &e, &m);
    /* a = m * 2^t with t = e - bias - 63; make t even. */
    int32_t t = e - F80_BIAS - 63;
    u128 mm = m;
    if (t & 1) {
        mm <<= 1;
        t -= 1;
    }
    bool exact;
    const int extra = 35; /* root of 68 bits: 64 kept, a guard bit, and more */
    u128 root = isqrt(mm, extra, &exact);
    /* sqrt(a) = root * 2^(t/2 - extra), sticky in a new low bit. */
    root = (root << 1) | !exact;
    return f80_round_pack(x, false, t / 2 - extra - 1 + F80_BIAS + 127, root);
}

/* --- comparison --- */

int f80_compare(struct fctx *x, struct f80 a, struct f80 b, bool quiet_cmp)
{
    enum fclass ka = f80_class(a), kb = f80_class(b);
    bool na = ka == FC_SNAN || ka == FC_QNAN || ka == FC_UNSUPPORTED;
    bool nb = kb == FC_SNAN || kb == FC_QNAN || kb == FC_UNSUPPORTED;
    if (na || nb) {
        bool sig = ka == FC_SNAN || kb == FC_SNAN || ka == FC_UNSUPPORTED ||
                   kb == FC_UNSUPPORTED;
        x->exc &= (uint16_t)~FSW_DE;
        if (sig || !quiet_cmp)
            x->exc |= FSW_IE;
        return 2;
    }
    if (ka == FC_DENORMAL || kb == FC_DENORMAL)
        x->exc |= FSW_DE;
    if (ka == FC_ZERO && kb == FC_ZERO)
        return 0;
    bool sa = f80_sign(a), sb = f80_sign(b);
    if (sa != sb)
        return ka == FC_ZERO && kb == FC_ZERO ? 0 : (sa ? -1 : 1);
    /* Same sign: compare magnitudes (zero and infinity included). */
    int32_t ea = -100000, eb = -100000;
    uint64_t ma = 0, mb = 0;
    if (ka == FC_INF)
        ea = 100000;
    else if (ka != FC_ZERO)
        f80_unpack(a, &ea, &ma);
    if (kb == FC_INF)
        eb = 100000;
    else if (kb != FC_ZERO)
        f80_unpack(b, &eb, &mb);
    int mag = ea != eb ? (ea < eb ? -1 : 1) : (ma != mb ? (ma < mb ? -1 : 1) : 0);
    return sa ? -mag : mag;
}
