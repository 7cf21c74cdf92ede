/*
 * ops_fpu_env.c - the x87's control instructions: FLDCW, FNSTCW, FNSTSW
 * (memory and AX), FNCLEX, FNINIT, FLDENV, FNSTENV, FRSTOR, FNSAVE, and the
 * 8087/287 leftovers FENI, FDISI and FSETPM, which the 387 and later
 * execute as no-operations. The "N" forms are the non-waiting encodings;
 * the waiting ones (FSTCW, FINIT, ...) are the assembler's WAIT + FN... pair.
 *
 * The environment (SDM vol. 1, 8.1.10, figures 8-9 to 8-12) is 14 bytes
 * with a 16-bit operand size and 28 with a 32-bit one, in a protected-mode
 * layout (pointers as selector:offset) or a real-mode one (used in real and
 * virtual-8086 mode: 20- or 32-bit linear pointers split around the
 * opcode). FSAVE is the environment followed by ST(0)..ST(7), 10 bytes
 * each, in stack order, and then re-initializes the unit; FSTENV masks all
 * exceptions after storing. Reserved halves of the 32-bit layout's words
 * are stored as ones, as Intel's processors do.
 *
 * The status word's ES summarizes "an unmasked exception flag is set": the
 * loads of the control word, the environment and the state recompute it,
 * so that unmasking a pending exception reports it at the next waiting
 * instruction (#MF or FERR#).
 */
#include "ops_fpu.h"

#include <string.h>

/* The status word as software reads it: TOP in bits 13-11. */
static uint16_t status_word(const struct fpu *f)
{
    return (uint16_t)((f->sw & ~(7u << FSW_TOP_SHIFT)) | (unsigned)f->top << FSW_TOP_SHIFT);
}

/* Reserved control-word bits read back as the hardware shows them: bit 6
 * reads 1, 13-15 read 0 (bit 12, the 287's infinity control, is kept). */
static uint16_t control_word(uint16_t v)
{
    return (uint16_t)((v & 0x1f3f) | 0x0040);
}

/* Recompute ES and B from the flags and masks; FERR# follows ES. */
static void update_es(struct cpu *c)
{
    struct fpu *f = &c->fpu;
    bool es = (f->sw & ~f->cw & FSW_EXC) != 0, was = (f->sw & FSW_ES) != 0;
    f->sw = (uint16_t)((f->sw & ~(FSW_ES | FSW_B)) | (es ? FSW_ES | FSW_B : 0));
    if (es && !was && !(c->cr0 & CR0_NE))
        irq_raise(&f->ferr);
    else if (!es && was)
        irq_lower(&f->ferr);
}

/* Is the environment in the real-mode layout? */
static bool env_real(const struct cpu *c)
{
    return !cpu_protected(c) || cpu_v86(c);
}

/* The environment image (14 or 28 bytes) into b; its size returned. */
static int store_env(const struct cpu *c, int osize, uint8_t *b)
{
    const struct fpu *f = &c->fpu;
    uint32_t w[7];
    uint32_t fip = f->fip, fdp = f->fdp;
    bool real = env_real(c);
    if (real) { /* linear addresses */
        fip = ((uint32_t)f->fcs << 4) + f->fip;
        fdp = ((uint32_t)f->fds << 4) + f->fdp;
    }
    w[0] = f->cw;
    w[1] = status_word(f);
    w[2] = f->tw;
    if (real) {
        w[3] = fip & 0xffff;
        w[4] = ((fip >> 16) << 12) | (f->fop & 0x7ff);
        w[5] = fdp & 0xffff;
        w[6] = (fdp >> 16) << 12;
    } else {
        w[3] = fip;
        w[4] = f->fcs | (osize == 4 ? (uint32_t)(f->fop & 0x7ff) << 16 : 0);
        w[5] = fdp;
        w[6] = f->fds;
    }
    if (osize == 2) {
        for (int k = 0; k < 7; k++) {
            uint16_t h = (uint16_t)w[k];
            memcpy(b + 2 * k, &h, 2);
        }
        return 14;
    }
    for (int k = 0; k < 7; k++) {
        /* Words that hold 16 bits have ones in their reserved upper half. */
        bool half = k < 3 || (real ? (k == 3 || k == 5) : k == 6);
        uint32_t v = half ? (w[k] & 0xffff) | 0xffff0000u : w[k];
        memcpy(b + 4 * k, &v, 4);
    }
    return 28;
}

/* Load an environment image: control, status and tag words, pointers. */
static void load_env(struct cpu *c, int osize, const uint8_t *b)
{
    struct fpu *f = &c->fpu;
    uint32_t w[7];
    for (int k = 0; k < 7; k++) {
        if (osize == 2) {
            uint16_t h;
            memcpy(&h, b + 2 * k, 2);
            w[k] = h;
        } else {
            memcpy(&w[k], b + 4 * k, 4);
        }
    }
    f->cw = control_word((uint16_t)w[0]);
    f->top = (w[1] >> FSW_TOP_SHIFT) & 7;
    f->sw = (uint16_t)(w[1] & ~(7u << FSW_TOP_SHIFT));
    /* Tags: "empty" is taken from the image; any other tag is recomputed
     * from the register's contents. */
    uint16_t tw = 0;
    for (int p = 0; p < 8; p++) {
        unsigned t = (w[2] >> (2 * p)) & 3;
        tw |= (uint16_t)((t == TAG_EMPTY ? TAG_EMPTY : (unsigned)f80_tag(f->r[p])) << (2 * p));
    }
    f->tw = tw;
    if (env_real(c)) {
        f->fcs = f->fds = 0;
        f->fip = (w[3] & 0xffff) | ((w[4] >> 12) << 16);
        f->fop = (uint16_t)(w[4] & 0x7ff);
        f->fdp = (w[5] & 0xffff) | ((w[6] >> 12) << 16);
    } else {
        f->fip = w[3];
        f->fcs = (uint16_t)w[4];
        f->fop = osize == 4 ? (uint16_t)((w[4] >> 16) & 0x7ff) : f->fop;
        f->fdp = w[5];
        f->fds = (uint16_t)w[6];
    }
    update_es(c);
}

/* FLDENV / FRSTOR: the whole image is read before anything changes. */
static int fldenv(struct cpu *c, const struct fop *o, bool regs)
{
    uint8_t b[108];
    int osize = o->i->osize, n = osize == 4 ? 28 : 14;
    TRY(fpu_read(c, o, 0, b, regs ? n + 80 : n));
    struct fpu *f = &c->fpu;
    if (regs) {
        uint16_t top = (uint16_t)((b[osize == 4 ? 4 : 2] | b[osize == 4 ? 5 : 3] << 8) >> 11) & 7;
        for (int k = 0; k < 8; k++) {
            struct f80 v;
            memcpy(&v.m, b + n + 10 * k, 8);
            memcpy(&v.se, b + n + 10 * k + 8, 2);
            f->r[(top + k) & 7] = v;
        }
    }
    load_env(c, osize, b);
    return 0;
}

/* FNSTENV / FNSAVE. */
static int fnstenv(struct cpu *c, const struct fop *o, bool regs)
{
    struct fpu *f = &c->fpu;
    uint8_t b[108];
    int n = store_env(c, o->i->osize, b);
    if (regs) {
        for (int k = 0; k < 8; k++) {
            struct f80 v = fpu_st(f, (unsigned)k);
            memcpy(b + n + 10 * k, &v.m, 8);
            memcpy(b + n + 10 * k + 8, &v.se, 2);
        }
    }
    TRY(fpu_write(c, o, 0, b, regs ? n + 80 : n));
    if (regs) {
        fpu_init(f);
        irq_lower(&f->ferr);
    } else {
        f->cw |= FSW_EXC; /* every exception masked */
        update_es(c);
    }
    return 0;
}

static int store16(struct cpu *c, const struct fop *o, uint16_t v)
{
    return fpu_write(c, o, 0, &v, 2);
}

int fpu_control(struct cpu *c, const struct fop *o)
{
    struct fpu *f = &c->fpu;
    if (!o->mem) {
        if (o->esc == 7) { /* DF E0: FNSTSW AX */
            reg_set(c, R_EAX, 2, status_word(f));
            return 0;
        }
        if (o->rm == 2) { /* FNCLEX */
            f->sw &= (uint16_t)~(FSW_EXC | FSW_SF | FSW_ES | FSW_B);
            irq_lower(&f->ferr);
        } else if (o->rm == 3) { /* FNINIT */
            fpu_init(f);
            irq_lower(&f->ferr);
        }
        return 0; /* FENI, FDISI, FSETPM: no-ops since the 387 */
    }
    uint8_t b[2];
    if (o->esc == 1) {
        switch (o->reg) {
        case 4: return fldenv(c, o, false);
        case 5:
            TRY(fpu_read(c, o, 0, b, 2));
            f->cw = control_word((uint16_t)(b[0] | b[1] << 8));
            update_es(c);
            return 0;
        case 6: return fnstenv(c, o, false);
        default: return store16(c, o, f->cw);
        }
    }
    switch (o->reg) { /* DD */
    case 4: return fldenv(c, o, true);
    case 6: return fnstenv(c, o, true);
    default: return store16(c, o, status_word(f));
    }
}
