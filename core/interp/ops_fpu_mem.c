/*
 * ops_fpu_mem.c - the x87's loads, stores and register moves: FLD and
 * FST/FSTP of 32-, 64- and 80-bit reals and of ST(i), FILD and FIST/FISTP
 * of 16-, 32- and 64-bit integers, FBLD and FBSTP of packed BCD, FXCH,
 * FFREE, and the undocumented aliases the Pentium Pro executes (FSTP1
 * D9 D8+i, FXCH4 DD C8+i, FXCH7 DF C8+i, FSTP8/9 DF D0-DF, FFREEP DF C0+i).
 *
 * A load reads memory first (the only thing that can fault), converts (an
 * SNaN or a denormal single or double raises IE or DE), and pushes: a full
 * ST(7) is a stack overflow. A store converts ST(0), checks that the whole
 * destination can be written, then writes and pops; an unmasked invalid,
 * overflow or underflow stores nothing and pops nothing. An empty ST(0) is
 * a stack underflow, whose masked response stores the format's indefinite.
 */
#include "ops_fpu.h"

#include <string.h>

/* The memory format of a load/store, by escape and reg. */
enum mfmt { M_F32, M_F64, M_F80, M_I16, M_I32, M_I64, M_BCD, M_NONE };

static enum mfmt mem_format(const struct fop *o)
{
    switch (o->esc) {
    case 1: return M_F32;
    case 5: return M_F64;
    case 3: return o->reg >= 5 ? M_F80 : M_I32;
    default:
        switch (o->reg) {
        case 4: case 6: return M_BCD;
        case 5: case 7: return M_I64;
        default: return M_I16;
        }
    }
}

static const int fmt_size[] = {4, 8, 10, 2, 4, 8, 10};

static struct f80 decode_mem(struct fctx *x, enum mfmt m, const uint8_t *b)
{
    uint64_t q = 0;
    memcpy(&q, b, 8);
    switch (m) {
    case M_F32: return f80_from_f32(x, (uint32_t)q);
    case M_F64: return f80_from_f64(x, q);
    case M_F80: {
        struct f80 v;
        memcpy(&v.se, b + 8, 2);
        v.m = q;
        return v;
    }
    case M_I16: return f80_from_i64((int16_t)q);
    case M_I32: return f80_from_i64((int32_t)q);
    case M_I64: return f80_from_i64((int64_t)q);
    default: return f80_from_bcd(b);
    }
}

/* v into format m (b gets fmt_size[m] bytes). */
static void encode_mem(struct fctx *x, enum mfmt m, struct f80 v, uint8_t *b)
{
    uint64_t q = 0;
    switch (m) {
    case M_F32: q = f80_to_f32(x, v); break;
    case M_F64: q = f80_to_f64(x, v); break;
    case M_F80:
        q = v.m;
        memcpy(b + 8, &v.se, 2);
        break;
    case M_I16: q = (uint64_t)f80_to_int(x, v, 16); break;
    case M_I32: q = (uint64_t)f80_to_int(x, v, 32); break;
    case M_I64: q = (uint64_t)f80_to_int(x, v, 64); break;
    default: f80_to_bcd(x, v, b); return;
    }
    memcpy(b, &q, 8);
}

static int load(struct cpu *c, const struct fop *o, enum mfmt m)
{
    struct fpu *f = &c->fpu;
    struct fctx x = fpu_ctx(f);
    uint8_t b[10];
    TRY(fpu_read(c, o, 0, b, fmt_size[m]));
    struct f80 v = decode_mem(&x, m, b);
    if (!fpu_empty(f, 7)) {
        x.exc = 0;
        if (!fpu_overflow(&x)) {
            fpu_finish(c, &x);
            return 0;
        }
        v = f80_indefinite();
    }
    fpu_finish(c, &x);
    /* A denormal single or double is loaded even with DE unmasked (the
     * exception is reported after the load); an SNaN with IE unmasked is
     * not. */
    if (!(x.exc & ~f->cw & FSW_IE))
        fpu_push(f, v);
    return 0;
}

static int store(struct cpu *c, const struct fop *o, enum mfmt m, bool pop)
{
    struct fpu *f = &c->fpu;
    struct fctx x = fpu_ctx(f);
    uint8_t b[10] = {0};
    if (fpu_empty(f, 0)) {
        if (!fpu_underflow(&x)) {
            fpu_finish(c, &x);
            return 0;
        }
        struct fctx y = fpu_ctx(f);
        encode_mem(&y, m, f80_indefinite(), b); /* the indefinite of every format */
    } else {
        encode_mem(&x, m, fpu_st(f, 0), b);
    }
    if (!fpu_store_blocked(f, &x))
        TRY(fpu_write(c, o, 0, b, fmt_size[m]));
    else if (x.exc & ~f->cw & (FSW_OE | FSW_UE)) {
        x.exc &= (uint16_t)~FSW_PE; /* nothing stored, so nothing was rounded */
        x.up = false;
    }
    fpu_finish(c, &x);
    if (pop && !fpu_store_blocked(f, &x))
        fpu_pop(f);
    return 0;
}

static int memory_form(struct cpu *c, const struct fop *o)
{
    enum mfmt m = mem_format(o);
    bool is_load = o->reg == 0 || (o->esc == 3 && o->reg == 5) || (o->esc == 7 && o->reg >= 4 &&
                                                                   o->reg <= 5);
    if (is_load)
        return load(c, o, m);
    bool pop = (o->reg & 1) || o->reg == 6 || (o->esc == 7 && o->reg == 7);
    return store(c, o, m, pop);
}

/* FLD ST(i): push a copy (read before the push moves TOP). */
static void fld_st(struct cpu *c, unsigned i)
{
    struct fpu *f = &c->fpu;
    struct fctx x = fpu_ctx(f);
    struct f80 v = fpu_st(f, i);
    if (fpu_empty(f, i)) { /* underflow wins over overflow (and C1 = 0) */
        bool go = fpu_underflow(&x);
        fpu_finish(c, &x);
        if (go)
            fpu_push(f, f80_indefinite());
        return;
    }
    if (!fpu_empty(f, 7)) {
        if (!fpu_overflow(&x)) {
            fpu_finish(c, &x);
            return;
        }
        v = f80_indefinite();
    }
    fpu_finish(c, &x);
    fpu_push(f, v);
}

/* FST/FSTP ST(i): ST(i) = ST(0), then the pop. */
static void fst_st(struct cpu *c, unsigned i, bool pop)
{
    struct fpu *f = &c->fpu;
    struct fctx x = fpu_ctx(f);
    struct f80 v = fpu_st(f, 0);
    if (fpu_empty(f, 0)) {
        if (!fpu_underflow(&x)) {
            fpu_finish(c, &x);
            return;
        }
        v = f80_indefinite();
    }
    fpu_finish(c, &x);
    fpu_set_st(f, i, v);
    if (pop)
        fpu_pop(f);
}

/* FXCH ST(i): an empty side is a stack underflow; the masked response
 * exchanges the indefinite for it. */
static void fxch(struct cpu *c, unsigned i)
{
    struct fpu *f = &c->fpu;
    struct fctx x = fpu_ctx(f);
    struct f80 a = fpu_st(f, 0), b = fpu_st(f, i);
    if (fpu_empty(f, 0) || fpu_empty(f, i)) {
        if (!fpu_underflow(&x)) {
            fpu_finish(c, &x);
            return;
        }
        if (fpu_empty(f, 0))
            a = f80_indefinite();
        if (fpu_empty(f, i))
            b = f80_indefinite();
    }
    fpu_finish(c, &x);
    fpu_set_st(f, 0, b);
    fpu_set_st(f, i, a);
}

int fpu_load_store(struct cpu *c, const struct fop *o)
{
    struct fpu *f = &c->fpu;
    if (o->mem)
        return memory_form(c, o);
    switch (o->reg) {
    case 0:
        if (o->esc == 1) {
            fld_st(c, o->rm);
        } else { /* FFREE (DD), FFREEP (DF): tag empty; C1 cleared as the hardware does */
            f->tw |= (uint16_t)(3u << (2 * fpu_phys(f, o->rm)));
            f->sw &= (uint16_t)~FSW_C1;
            if (o->esc == 7)
                fpu_pop(f);
        }
        return 0;
    case 1:
        fxch(c, o->rm);
        return 0;
    case 2:
        if (o->esc != 1) /* D9 D0 is FNOP */
            fst_st(c, o->rm, o->esc == 7);
        return 0;
    default:
        fst_st(c, o->rm, true);
        return 0;
    }
}
