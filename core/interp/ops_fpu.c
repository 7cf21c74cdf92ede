/*
 * ops_fpu.c - the x87's front door: the escape opcodes D8-DF and WAIT, and
 * the register-stack, status and memory helpers the x87 handlers share
 * (ops_fpu.h).
 *
 * What happens when the CPU meets an escape opcode (SDM vol. 3, 2.5 and
 * table 2-2; vol. 1, 8.6-8.7):
 *
 *   1. #NM when CR0.EM (the OS emulates the x87) or CR0.TS (the x87 state
 *      belongs to another task: the lazy switch of kernels). WAIT raises
 *      #NM only when both CR0.TS and CR0.MP are set.
 *   2. #UD for the encodings the Pentium Pro does not define.
 *   3. An unmasked exception left pending by an earlier instruction (the
 *      status word's ES) is reported now, before a "waiting" instruction
 *      runs: #MF when CR0.NE = 1. With CR0.NE = 0 the PC reports it through
 *      FERR#, which the board turns into IRQ 13 when the error happens
 *      (fpu_finish); lab86 then lets the instruction run, as the hardware
 *      does once the IRQ 13 handler has written port 0xF0 (IGNNE#). The
 *      real chip stalls the instruction until then instead: a deliberate
 *      simplification, invisible to the usual handler that clears the
 *      exception. With CR0.NE = 1 lab86 does not drive FERR# at all (a PC
 *      latches IRQ 13 either way, but an OS that uses #MF masks it). The
 *      "no-wait" control instructions (FNINIT, FNCLEX, FNSTENV, FNSAVE,
 *      FNSTCW, FNSTSW) never report a pending exception.
 *   4. The instruction runs. Non-control instructions then record their
 *      address, opcode and memory operand (FIP/FCS, FOP, FDP/FDS) for an
 *      exception handler to read with FSTENV.
 *
 * The register file is kept physically (R0-R7 with TOP), as the tag word
 * and FSAVE's layout need.
 */
#include "ops_fpu.h"

#include <string.h>

void fpu_init(struct fpu *f)
{
    struct irq_line ferr = f->ferr;
    memset(f, 0, sizeof *f);
    f->ferr = ferr;
    f->cw = FCW_RESET;
    f->tw = 0xffff; /* all empty */
}

/* --- the stack --- */

void fpu_set_st(struct fpu *f, unsigned k, struct f80 v)
{
    int p = fpu_phys(f, k);
    f->r[p] = v;
    f->tw = (uint16_t)((f->tw & ~(3u << (2 * p))) | (unsigned)f80_tag(v) << (2 * p));
}

void fpu_push(struct fpu *f, struct f80 v)
{
    f->top = (f->top - 1) & 7;
    fpu_set_st(f, 0, v);
}

void fpu_pop(struct fpu *f)
{
    f->tw |= (uint16_t)(3u << (2 * fpu_phys(f, 0)));
    f->top = (f->top + 1) & 7;
}

/* A stack fault is an invalid operation with SF; C1 says which kind (C1
 * comes from x->up in fpu_finish, so it is put there). */
bool fpu_underflow(struct fctx *x)
{
    x->exc &= (uint16_t)~FSW_DE; /* from loading the other operand: not reported */
    x->exc |= FSW_IE | FSW_SF;
    x->up = false;
    return (x->cw & FCW_IM) != 0;
}

bool fpu_overflow(struct fctx *x)
{
    x->exc |= FSW_IE | FSW_SF;
    x->up = true;
    return (x->cw & FCW_IM) != 0;
}

void fpu_finish(struct cpu *c, const struct fctx *x)
{
    struct fpu *f = &c->fpu;
    uint16_t exc = x->exc;
    bool up = x->up;
    if (exc & FSW_DE & ~f->cw) {
        /* An unmasked denormal operand stops the operation before it
         * computes anything: no rounding, so no PE, UE, OE or C1. */
        exc &= (uint16_t)~(FSW_PE | FSW_UE | FSW_OE);
        up = false;
    }
    f->sw = (uint16_t)((f->sw & ~FSW_C1) | (up ? FSW_C1 : 0) | (exc & (FSW_EXC | FSW_SF)));
    if ((exc & ~f->cw & FSW_EXC) && !(f->sw & FSW_ES)) {
        f->sw |= FSW_ES | FSW_B;
        if (!(c->cr0 & CR0_NE))
            irq_raise(&f->ferr); /* FERR#: the board's IRQ 13 */
    }
}

/* --- memory operands --- */

/* Not wrapped at 64 KiB with 16-bit addressing: an operand that runs past
 * offset FFFF runs past the segment limit, and faults as on hardware. */
uint32_t fpu_ea(const struct cpu *c, const struct fop *o, uint32_t k)
{
    return ea_offset(c, o->i) + k;
}

int fpu_read(struct cpu *c, const struct fop *o, uint32_t off, void *buf, int n)
{
    uint8_t *p = buf;
    for (int k = 0; k < n;) {
        int size = n - k >= 4 ? 4 : n - k >= 2 ? 2 : 1;
        uint32_t v;
        TRY(mmu_read(c, o->i->seg, fpu_ea(c, o, off + (uint32_t)k), size, &v));
        memcpy(p + k, &v, (size_t)size);
        k += size;
    }
    return 0;
}

int fpu_check_write(struct cpu *c, const struct fop *o, uint32_t off, int n)
{
    uint64_t lin, phys;
    bool user = c->cpl == 3;
    TRY(mmu_check(c, o->i->seg, fpu_ea(c, o, off), n, MMU_WRITE, &lin));
    /* Both ends' pages (an operand is at most 108 bytes: two pages at most). */
    TRY(mmu_translate(c, lin, MMU_WRITE, user, &phys));
    return mmu_translate(c, lin + (uint64_t)n - 1, MMU_WRITE, user, &phys);
}

int fpu_write(struct cpu *c, const struct fop *o, uint32_t off, const void *buf, int n)
{
    const uint8_t *p = buf;
    TRY(fpu_check_write(c, o, off, n));
    for (int k = 0; k < n;) {
        int size = n - k >= 4 ? 4 : n - k >= 2 ? 2 : 1;
        uint32_t v = 0;
        memcpy(&v, p + k, (size_t)size);
        TRY(mmu_write(c, o->i->seg, fpu_ea(c, o, off + (uint32_t)k), size, v));
        k += size;
    }
    return 0;
}

/* --- decoding --- */

/* Does the Pentium Pro define this encoding? (SDM vol. 2, appendix A.4's
 * escape opcode maps; FISTTP is SSE3, later than the Pentium Pro.) */
static bool fpu_defined(const struct fop *o)
{
    unsigned r = o->reg, m = o->rm;
    if (o->mem) {
        switch (o->esc) {
        case 1: return r != 1;
        case 3: return r != 1 && r != 4 && r != 6;
        case 5: return r != 1 && r != 5;
        case 7: return r != 1;
        default: return true;
        }
    }
    switch (o->esc) {
    case 1:
        if (r == 2)
            return m == 0; /* D0 FNOP */
        if (r == 4)
            return m != 2 && m != 3 && m != 6 && m != 7;
        return r != 5 || m != 7;
    case 2: return r < 4 || (r == 5 && m == 1);
    case 3: return r < 4 || (r == 4 && m <= 4) || r == 5 || r == 6;
    case 5: return r < 6;
    case 6: return r != 3 || m == 1;
    case 7: return r < 4 || (r == 4 && m == 0) || r == 5 || r == 6;
    default: return true;
    }
}

bool fpu_is_nowait(const struct fop *o)
{
    if (o->mem)
        return (o->esc == 1 && (o->reg == 6 || o->reg == 7)) ||
               (o->esc == 5 && (o->reg == 6 || o->reg == 7));
    return (o->esc == 3 && o->reg == 4) || (o->esc == 7 && o->reg == 4);
}

bool fpu_is_control(const struct fop *o)
{
    if (o->mem)
        return (o->esc == 1 && o->reg >= 4) || (o->esc == 5 && (o->reg >= 4));
    return (o->esc == 3 && o->reg == 4) || (o->esc == 7 && o->reg == 4);
}

/* Which family runs o. */
static int fpu_route(struct cpu *c, const struct fop *o)
{
    if (fpu_is_control(o))
        return fpu_control(c, o);
    if (o->mem) {
        bool arith = !(o->esc & 1);
        return arith ? fpu_arith(c, o) : fpu_load_store(c, o);
    }
    switch (o->esc) {
    case 1: return o->reg >= 4 ? fpu_d9_group(c, o) : fpu_load_store(c, o);
    case 2: return o->reg < 4 ? fpu_fcmov(c, o) : fpu_arith(c, o);
    case 3: return o->reg < 4 ? fpu_fcmov(c, o) : fpu_compare_i(c, o);
    case 5: return o->reg >= 4 ? fpu_arith(c, o) : fpu_load_store(c, o);
    case 7: return o->reg >= 5 ? fpu_compare_i(c, o) : fpu_load_store(c, o);
    default: return fpu_arith(c, o);
    }
}

/* ESC (D8-DF): every x87 instruction (see the essay). */
int op_esc(struct cpu *c, const struct insn *i)
{
    struct fpu *f = &c->fpu;
    struct fop o = {i, i->opcode & 7u, i->modrm.reg, i->modrm.rm, i->modrm.mod != 3};
    if (c->cr0 & (CR0_EM | CR0_TS))
        return cpu_fault(c, EXC_NM, 0);
    if (!fpu_defined(&o))
        return cpu_fault(c, EXC_UD, 0);
    if ((f->sw & FSW_ES) && (c->cr0 & CR0_NE) && !fpu_is_nowait(&o))
        return cpu_fault(c, EXC_MF, 0);
    TRY(fpu_route(c, &o));
    if (!fpu_is_control(&o)) {
        f->fip = (uint32_t)c->prev_eip;
        f->fcs = c->seg[SEG_CS].sel;
        f->fop = (uint16_t)((o.esc << 8) | (i->modrm.mod << 6) | (o.reg << 3) | o.rm);
        if (o.mem) {
            f->fdp = fpu_ea(c, &o, 0);
            f->fds = c->seg[i->seg].sel;
        }
    }
    return 0;
}

/* WAIT/FWAIT (9B): #NM when CR0.TS and CR0.MP are both set; then a pending
 * unmasked x87 exception is reported (#MF with CR0.NE = 1). */
int op_fwait(struct cpu *c, const struct insn *i)
{
    (void)i;
    if ((c->cr0 & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP))
        return cpu_fault(c, EXC_NM, 0);
    if ((c->fpu.sw & FSW_ES) && (c->cr0 & CR0_NE))
        return cpu_fault(c, EXC_MF, 0);
    return 0;
}
