/*
 * ops_fpu.h - what the x87 instruction handlers share (ops_fpu.c,
 * ops_fpu_arith.c, ops_fpu_mem.c, ops_fpu_trans.c, ops_fpu_env.c): the register stack, the
 * tags, the status word's exception bookkeeping and memory operands wider
 * than four bytes. Private to those files.
 *
 * One handler per escape byte would be eight big switches; instead op_esc()
 * (ops_fpu.c) decodes the escape byte and ModR/M once into a struct fop and
 * hands it to the family's function. Every family function returns 0 or
 * CPU_FAULT like any handler, and changes no state before its last access
 * that can fault.
 */
#ifndef LAB86_OPS_FPU_H
#define LAB86_OPS_FPU_H

#include "fpu.h"
#include "ops.h"

/* An x87 instruction as its handlers see it. */
struct fop {
    const struct insn *i; /* the decoded instruction */
    unsigned esc;         /* escape byte 0-7 (D8-DF) */
    unsigned reg;         /* ModR/M reg: the operation */
    unsigned rm;          /* ModR/M rm: ST(rm) in register forms */
    bool mem;             /* memory operand (mod != 3) */
};

/* --- the stack (ops_fpu.c) --- */

/* Physical register of ST(k). */
static inline int fpu_phys(const struct fpu *f, unsigned k)
{
    return (int)((f->top + k) & 7);
}

static inline bool fpu_empty(const struct fpu *f, unsigned k)
{
    return ((f->tw >> (2 * fpu_phys(f, k))) & 3) == TAG_EMPTY;
}

static inline struct f80 fpu_st(const struct fpu *f, unsigned k)
{
    return f->r[fpu_phys(f, k)];
}

/* Write ST(k) and its tag. */
void fpu_set_st(struct fpu *f, unsigned k, struct f80 v);
/* Push v (TOP - 1); pop (ST(0) empty, TOP + 1). */
void fpu_push(struct fpu *f, struct f80 v);
void fpu_pop(struct fpu *f);

/* Stack faults: IE | SF with C1 = 1 (overflow) or 0 (underflow), recorded
 * in x. Return true when the masked response may go on (IM set). */
bool fpu_underflow(struct fctx *x);
bool fpu_overflow(struct fctx *x);

/* A fresh context for an operation under the current control word. */
static inline struct fctx fpu_ctx(const struct fpu *f)
{
    return (struct fctx){f->cw, 0, false};
}

/* An unmasked invalid, denormal or zero-divide exception: the destination
 * must not be written (SDM vol. 1, 8.7: pre-computation exceptions). */
static inline bool fpu_blocked(const struct fpu *f, const struct fctx *x)
{
    return (x->exc & ~f->cw & (FSW_IE | FSW_DE | FSW_ZE)) != 0;
}

/* An unmasked exception on a store to memory other than PE: nothing is
 * stored (SDM vol. 1, 8.5.4-8.5.5: overflow and underflow too). */
static inline bool fpu_store_blocked(const struct fpu *f, const struct fctx *x)
{
    return (x->exc & ~f->cw & (FSW_EXC & ~FSW_PE)) != 0;
}

/* Fold x's exceptions into the status word; C1 from the stack fault or the
 * rounding direction. An unmasked one sets ES (and B) and asserts FERR#. */
void fpu_finish(struct cpu *c, const struct fctx *x);
/* Set the condition codes in mask to the bits in v. */
static inline void fpu_set_cc(struct fpu *f, uint16_t mask, uint16_t v)
{
    f->sw = (uint16_t)((f->sw & ~mask) | (v & mask));
}

/* --- memory operands (ops_fpu.c) --- */

/* Offset of the memory operand plus k. */
uint32_t fpu_ea(const struct cpu *c, const struct fop *o, uint32_t k);
/* Read n bytes (up to 108) at the memory operand + off. */
int WUR fpu_read(struct cpu *c, const struct fop *o, uint32_t off, void *buf, int n);
/* Check that n bytes at the memory operand + off can be written, then write
 * them; faults before any byte is written. */
int WUR fpu_write(struct cpu *c, const struct fop *o, uint32_t off, const void *buf, int n);
int WUR fpu_check_write(struct cpu *c, const struct fop *o, uint32_t off, int n);

/* --- the families --- */

int fpu_arith(struct cpu *c, const struct fop *o);     /* ops_fpu_arith.c: D8, DA, DC, DE */
int fpu_d9_group(struct cpu *c, const struct fop *o);  /* ops_fpu_arith.c: D9 E0-FF */
int fpu_compare_i(struct cpu *c, const struct fop *o); /* ops_fpu_arith.c: FCOMI, FUCOMI */
int fpu_fcmov(struct cpu *c, const struct fop *o);     /* ops_fpu_arith.c: DA/DB C0-DF */
int fpu_load_store(struct cpu *c, const struct fop *o); /* ops_fpu_mem.c: loads, stores, moves */
int fpu_control(struct cpu *c, const struct fop *o);   /* ops_fpu_env.c: control instructions */
/* Is o a control instruction (does not update FIP/FOP/FDP)? Is it one that
 * does not wait (FNINIT, FNCLEX, FNSTENV, FNSAVE, FNSTCW, FNSTSW)? */
bool fpu_is_control(const struct fop *o);
bool fpu_is_nowait(const struct fop *o);
/* The transcendental and remainder instructions D9 F0-FF (ops_fpu_trans.c). */
int fpu_trans(struct cpu *c, const struct fop *o);

#endif
