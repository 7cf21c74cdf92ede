/*
 * fpu_conv.c - the x87's conversions between its 80-bit registers and the
 * memory formats (32- and 64-bit reals, 16/32/64-bit integers, 18-digit
 * packed BCD), and its exact operations: round to integer (FRNDINT), the
 * partial remainders (FPREM, FPREM1), FSCALE and FXTRACT.
 *
 * Loads are exact: every single and double is an extended value. Stores
 * round per the rounding control (precision control does not apply to them)
 * into the format's own exponent range, with its denormals; a value a
 * format cannot hold (a NaN into an integer, an integer out of range)
 * raises IE and stores that format's "indefinite". Unmasked overflow and
 * underflow on a store store nothing: fpu_float.c raises them, the
 * instruction handler declines to write.
 *
 * The remainders are exact (SDM vol. 1, 8.3.10): FPREM truncates the
 * quotient like C's fmod, FPREM1 rounds it to nearest like IEEE remainder;
 * both do at most 63 quotient bits in one go and leave C2 set when more
 * remain, the "partial remainder" a loop of FPREM repeats. The three low
 * bits of the quotient go to C0, C3 and C1 (SDM vol. 2, FPREM).
 */
#include "fpu.h"

typedef unsigned __int128 u128;

#define QUIET_BIT (1ull << 62)

static u128 sticky_shift(u128 v, int32_t n)
{
    if (n <= 0)
        return v;
    if (n >= 128)
        return v != 0;
    return (v >> n) | ((v & (((u128)1 << n) - 1)) != 0);
}

/* --- loads --- */

/* A binary format of `bits` significand bits (J implicit) and ebits exponent
 * bits, as stored in the low bits of v. */
static struct f80 from_mem(struct fctx *x, uint64_t v, int bits, int ebits)
{
    int fbits = bits - 1;
    bool sign = (v >> (fbits + ebits)) & 1;
    int32_t emax = (1 << ebits) - 1, bias = emax >> 1;
    int32_t e = (int32_t)((v >> fbits) & (uint64_t)emax);
    uint64_t frac = v & ((1ull << fbits) - 1);
    if (e == emax) {
        uint64_t m = F80_J | (frac << (64 - bits));
        if (frac && !(m & QUIET_BIT)) {
            x->exc |= FSW_IE; /* an SNaN loaded becomes a QNaN */
            m |= QUIET_BIT;
        }
        return f80_make(sign, F80_EXP_MAX, m);
    }
    if (e == 0) {
        if (frac == 0)
            return f80_make(sign, 0, 0);
        x->exc |= FSW_DE;
        int lz = __builtin_clzll(frac);
        /* frac * 2^(1 - bias - fbits), normalized */
        return f80_make(sign, 1 - bias - fbits + 63 - lz + F80_BIAS, frac << lz);
    }
    return f80_make(sign, e - bias + F80_BIAS, F80_J | (frac << (64 - bits)));
}

struct f80 f80_from_f32(struct fctx *x, uint32_t v)
{
    return from_mem(x, v, 24, 8);
}

struct f80 f80_from_f64(struct fctx *x, uint64_t v)
{
    return from_mem(x, v, 53, 11);
}

struct f80 f80_from_i64(int64_t v)
{
    if (v == 0)
        return f80_make(false, 0, 0);
    bool sign = v < 0;
    uint64_t mag = sign ? 0 - (uint64_t)v : (uint64_t)v;
    int lz = __builtin_clzll(mag);
    return f80_make(sign, F80_BIAS + 63 - lz, mag << lz);
}

struct f80 f80_from_bcd(const uint8_t b[10])
{
    uint64_t v = 0;
    for (int k = 8; k >= 0; k--)
        v = v * 100 + (uint64_t)(b[k] >> 4) * 10 + (b[k] & 15);
    struct f80 r = f80_from_i64((int64_t)v);
    if (b[9] & 0x80)
        r.se |= 0x8000; /* -0 too */
    return r;
}

/* --- stores to reals --- */

static uint64_t to_mem(struct fctx *x, struct f80 a, int bits, int ebits)
{
    int fbits = bits - 1;
    uint64_t emax = (1u << ebits) - 1, bias = emax >> 1;
    uint64_t sign = (uint64_t)f80_sign(a) << (fbits + ebits);
    uint64_t inf = sign | (emax << fbits);
    uint64_t qbit = 1ull << (fbits - 1);
    switch (f80_class(a)) {
    case FC_UNSUPPORTED:
        x->exc |= FSW_IE;
        return (1ull << (fbits + ebits)) | inf | qbit; /* the format's indefinite */
    case FC_SNAN:
        x->exc |= FSW_IE;
        /* fall through */
    case FC_QNAN:
        return inf | qbit | ((a.m << 1) >> (65 - bits));
    case FC_INF:
        return inf;
    case FC_ZERO:
        return sign;
    default: /* a denormal source raises no DE on a store */
        break;
    }
    int32_t e, oe;
    uint64_t m;
    bool to_inf;
    f80_unpack(a, &e, &m);
    int32_t emin_x = F80_BIAS - (int32_t)bias + 1, emax_x = F80_BIAS + (int32_t)bias;
    uint64_t r = f80_round_to_fmt(x, f80_sign(a), e, (u128)m << 64, bits, emin_x, emax_x, &oe,
                                  &to_inf);
    if (to_inf)
        return inf;
    uint64_t frac = (r >> (64 - bits)) & ((1ull << fbits) - 1);
    if (!(r & F80_J))
        return sign | frac; /* a denormal of the format (or zero) */
    return sign | ((uint64_t)(oe - F80_BIAS + (int32_t)bias) << fbits) | frac;
}

uint32_t f80_to_f32(struct fctx *x, struct f80 a)
{
    return (uint32_t)to_mem(x, a, 24, 8);
}

uint64_t f80_to_f64(struct fctx *x, struct f80 a)
{
    return to_mem(x, a, 53, 11);
}

/* --- to integers --- */

/* |a| (finite) rounded to an integer per RC: false when it is 2^64 or more. */
static bool round_to_integer(struct fctx *x, struct f80 a, uint64_t *out, bool *inexact)
{
    int32_t e;
    uint64_t m;
    *inexact = false;
    if (f80_class(a) == FC_ZERO) {
        *out = 0;
        return true;
    }
    f80_unpack(a, &e, &m);
    int32_t rshift = F80_BIAS + 63 - e;
    if (rshift < 0)
        return false;
    u128 w = sticky_shift((u128)m << 62, rshift); /* 62 fraction bits */
    u128 ip = w >> 62, frac = w & (((u128)1 << 62) - 1), half = (u128)1 << 61;
    int rc = (x->cw >> FCW_RC_SHIFT) & 3;
    bool s = f80_sign(a), inc = false;
    if (rc == RC_NEAREST)
        inc = frac > half || (frac == half && (ip & 1));
    else if (rc == RC_UP)
        inc = !s && frac;
    else if (rc == RC_DOWN)
        inc = s && frac;
    *inexact = frac != 0;
    ip += inc;
    x->up = inc;
    if (ip >> 64)
        return false;
    *out = (uint64_t)ip;
    return true;
}

int64_t f80_to_int(struct fctx *x, struct f80 a, int bits)
{
    uint64_t indefinite = 1ull << (bits - 1), v;
    enum fclass k = f80_class(a);
    bool inexact;
    if (k == FC_INF || k == FC_QNAN || k == FC_SNAN || k == FC_UNSUPPORTED ||
        !round_to_integer(x, a, &v, &inexact) ||
        v > indefinite - !f80_sign(a)) {
        x->exc |= FSW_IE;
        x->up = false;
        return (int64_t)(0 - indefinite); /* 0x8000..., sign-extended */
    }
    if (inexact)
        x->exc |= FSW_PE;
    return f80_sign(a) ? (int64_t)(0 - v) : (int64_t)v;
}

void f80_to_bcd(struct fctx *x, struct f80 a, uint8_t b[10])
{
    const uint64_t max = 999999999999999999ull;
    enum fclass k = f80_class(a);
    uint64_t v;
    bool inexact;
    if (k == FC_INF || k == FC_QNAN || k == FC_SNAN || k == FC_UNSUPPORTED ||
        !round_to_integer(x, a, &v, &inexact) || v > max) {
        x->exc |= FSW_IE;
        x->up = false;
        for (int n = 0; n < 10; n++)
            b[n] = n < 7 ? 0 : n == 7 ? 0xc0 : 0xff; /* the BCD indefinite */
        return;
    }
    if (inexact)
        x->exc |= FSW_PE;
    for (int n = 0; n < 9; n++) {
        b[n] = (uint8_t)((v % 10) | ((v / 10 % 10) << 4));
        v /= 100;
    }
    b[9] = f80_sign(a) ? 0x80 : 0;
}

struct f80 f80_round_int(struct fctx *x, struct f80 a)
{
    struct f80 r;
    if (f80_nan_operand(x, a, &r))
        return r;
    enum fclass k = f80_class(a);
    if (k == FC_ZERO || k == FC_INF || f80_exp(a) >= F80_BIAS + 63)
        return a;
    uint64_t v;
    bool inexact;
    round_to_integer(x, a, &v, &inexact); /* below 2^63: always fits */
    bool up = x->up;
    if (inexact)
        x->exc |= FSW_PE;
    if (v == 0)
        return f80_make(f80_sign(a), 0, 0);
    r = f80_round_pack64(x, f80_sign(a), F80_BIAS + 127, v);
    x->up = up;
    return r;
}

/* --- remainder, scale, extract --- */

struct f80 f80_rem(struct fctx *x, struct f80 a, struct f80 b, bool ieee, uint16_t *c_bits)
{
    struct f80 r;
    *c_bits = 0;
    if (f80_nan_operands(x, a, b, &r))
        return r;
    enum fclass ka = f80_class(a), kb = f80_class(b);
    if (ka == FC_INF || kb == FC_ZERO) {
        x->exc = (uint16_t)((x->exc & ~FSW_DE) | FSW_IE);
        return f80_indefinite();
    }
    *c_bits = F80_REM_QUOTIENT; /* from here on the quotient is known (0 at least) */
    if (ka == FC_ZERO)
        return a;
    int32_t ea, eb = 0;
    uint64_t ma, mb = 0;
    f80_unpack(a, &ea, &ma);
    if (kb != FC_INF)
        f80_unpack(b, &eb, &mb);
    int32_t d = ea - eb;
    bool sign = f80_sign(a);
    if (kb == FC_INF || d < -1) { /* a itself, normalized; quotient 0 */
        return f80_round_pack64(x, sign, ea, (u128)ma << 64);
    }
    u128 q, rem;
    int32_t rexp;
    if (d >= 64) {
        /* Partial: reduce the exponent difference by D - N, N in 32..63. */
        int n = 32 + d % 32;
        u128 num = (u128)ma << n;
        q = num / mb;
        rem = num % mb;
        rexp = ea - n + 64;
        *c_bits |= FSW_C2;
    } else {
        u128 num = (u128)ma << (d + 1), div = (u128)mb << 1;
        q = num / div;
        rem = num % div;
        if (ieee && (2 * rem > div || (2 * rem == div && (q & 1)))) {
            q++;
            rem = div - rem;
            sign = !sign;
        }
        rexp = eb + 63;
    }
    *c_bits |= F80_REM_QUOTIENT;
    if (!(*c_bits & FSW_C2)) /* C0, C3, C1: the quotient's low bits, when complete */
        *c_bits |= ((q & 4) ? FSW_C0 : 0) | ((q & 2) ? FSW_C3 : 0) | ((q & 1) ? FSW_C1 : 0);
    if (rem == 0)
        return f80_make(f80_sign(a), 0, 0);
    return f80_round_pack64(x, sign, rexp, rem);
}

struct f80 f80_scale(struct fctx *x, struct f80 a, struct f80 b)
{
    struct f80 r;
    if (f80_nan_operands(x, a, b, &r))
        return r;
    enum fclass ka = f80_class(a), kb = f80_class(b);
    bool sa = f80_sign(a), sb = f80_sign(b);
    if (kb == FC_INF) {
        if ((ka == FC_ZERO && !sb) || (ka == FC_INF && sb)) {
            x->exc |= FSW_IE;
            return f80_indefinite();
        }
        if (ka == FC_ZERO || ka == FC_INF)
            return a;
        return sb ? f80_make(sa, 0, 0) : f80_make(sa, F80_EXP_MAX, F80_J);
    }
    if (ka == FC_ZERO || ka == FC_INF)
        return a;
    /* trunc(b), clamped well beyond any exponent that can matter */
    int32_t n = 0, eb;
    uint64_t mb;
    if (kb != FC_ZERO) {
        f80_unpack(b, &eb, &mb);
        int32_t ub = eb - F80_BIAS;
        n = ub > 20 ? (1 << 20) : ub < 0 ? 0 : (int32_t)(mb >> (63 - ub));
        n = sb ? -n : n;
    }
    int32_t ea;
    uint64_t ma;
    f80_unpack(a, &ea, &ma);
    return f80_round_pack64(x, sa, ea + n, (u128)ma << 64);
}

void f80_xtract(struct fctx *x, struct f80 a, struct f80 *exp, struct f80 *sig)
{
    struct f80 r;
    if (f80_nan_operand(x, a, &r)) {
        *exp = *sig = r;
        return;
    }
    switch (f80_class(a)) {
    case FC_ZERO:
        x->exc |= FSW_ZE;
        *exp = f80_make(true, F80_EXP_MAX, F80_J);
        *sig = a;
        return;
    case FC_INF:
        *exp = f80_make(false, F80_EXP_MAX, F80_J);
        *sig = a;
        return;
    default:
        break;
    }
    int32_t e;
    uint64_t m;
    f80_unpack(a, &e, &m);
    *exp = f80_from_i64(e - F80_BIAS);
    *sig = f80_make(f80_sign(a), F80_BIAS, m);
}
