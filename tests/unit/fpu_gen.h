/*
 * fpu_gen.h - operands for the x87 differential tests: a deterministic
 * generator (xorshift, fixed seed) of 80-bit values that lean on the edges
 * where rounding and exception logic live: zeros, denormals and
 * pseudo-denormals, the smallest and largest exponents, infinities, quiet
 * and signaling NaNs, unsupported encodings, exact small integers, and
 * significands whose low bits sit at the 24-, 53- and 64-bit rounding
 * boundaries (ties and near-ties).
 */
#ifndef LAB86_FPU_GEN_H
#define LAB86_FPU_GEN_H

#include <stdint.h>

#include "interp/fpu.h"

struct gen {
    uint64_t s; /* xorshift64 state, never 0 */
};

static inline uint64_t gen_u64(struct gen *g)
{
    g->s ^= g->s << 13;
    g->s ^= g->s >> 7;
    g->s ^= g->s << 17;
    return g->s;
}

static inline unsigned gen_below(struct gen *g, unsigned n)
{
    return (unsigned)(gen_u64(g) % n);
}

/* A significand with the J bit whose low bits hit a rounding boundary. */
static inline uint64_t gen_sig(struct gen *g)
{
    uint64_t m = gen_u64(g) | F80_J;
    switch (gen_below(g, 8)) {
    case 0: return (m & ~((1ull << 40) - 1)) | (1ull << 39); /* tie at 24 bits */
    case 1: return (m & ~((1ull << 11) - 1)) | (1ull << 10); /* tie at 53 bits */
    case 2: return (m & ~((1ull << 40) - 1)) | gen_below(g, 4);
    case 3: return F80_J | gen_below(g, 16);                 /* near a power of two */
    case 4: return ~0ull - gen_below(g, 16);                  /* all ones */
    case 5: return m & ~((1ull << 32) - 1);                   /* short: products exact */
    default: return m;
    }
}

/* An exponent: anywhere, near the extremes, or near 1.0. */
static inline int gen_exp(struct gen *g)
{
    switch (gen_below(g, 6)) {
    case 0: return 1 + (int)gen_below(g, 80);
    case 1: return 0x7ffe - (int)gen_below(g, 80);
    case 2: return 1 + (int)gen_below(g, 0x7ffe);
    default: return F80_BIAS - 40 + (int)gen_below(g, 80);
    }
}

/* (Every draw is its own statement: the order in which a compiler
 * evaluates function arguments is unspecified, and the operands must be
 * the same whichever compiler builds the test.) */
static inline struct f80 gen_f80(struct gen *g)
{
    bool s = gen_below(g, 2);
    unsigned kind = gen_below(g, 24);
    uint64_t r = gen_u64(g);
    int e;
    switch (kind) {
    case 0: return f80_make(s, 0, 0);
    case 1: return f80_make(s, 0, r >> (1 + gen_below(g, 63))); /* denormal */
    case 2: return f80_make(s, F80_EXP_MAX, F80_J);            /* infinity */
    case 3: return f80_make(s, F80_EXP_MAX, F80_J | (1ull << 62) | (r >> 3));
    case 4: return f80_make(s, F80_EXP_MAX, F80_J | (r >> 3) | 1); /* SNaN */
    case 5: return f80_make(s, 1 + (int)gen_below(g, 0x7ffe), r >> 1); /* unnormal */
    case 6: return f80_make(s, 0, r | F80_J);                  /* pseudo-denormal */
    case 7: return f80_from_i64((int64_t)(r % 2000) - 1000);
    default:
        e = gen_exp(g);
        return f80_make(s, e, gen_sig(g));
    }
}

/* A second operand: often near the first one's exponent, where additions
 * cancel and remainders finish. */
static inline struct f80 gen_near(struct gen *g, struct f80 a)
{
    if (gen_below(g, 2) || f80_exp(a) == 0 || f80_exp(a) == F80_EXP_MAX)
        return gen_f80(g);
    int e = f80_exp(a) + (int)gen_below(g, 130) - 65;
    if (e < 1)
        e = 1;
    if (e > 0x7ffe)
        e = 0x7ffe;
    uint64_t m = gen_below(g, 3) == 0 ? a.m ^ (gen_u64(g) >> gen_below(g, 64)) : gen_sig(g);
    return f80_make(gen_below(g, 2), e, m | F80_J);
}

/* A control word: masks (all, or overflow/underflow unmasked), precision,
 * rounding. */
static inline uint16_t gen_cw(unsigned k)
{
    static const uint16_t masks[2] = {0x3f, 0x27};
    static const uint16_t pcs[3] = {0, 2, 3};
    return (uint16_t)(0x40 | masks[k % 2] | pcs[(k / 2) % 3] << FCW_PC_SHIFT |
                      ((k / 6) % 4) << FCW_RC_SHIFT);
}
#define GEN_CW_COUNT 24

#endif
