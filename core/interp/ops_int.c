/*
 * ops_int.c - the software-interrupt instructions INT n, INT3, INTO and
 * INT1, the return from an interrupt IRET, and BOUND (SDM vol. 2: INT n,
 * IRET, BOUND; vol. 3, 6.12-6.14 and 20.2-20.3 for v86 mode).
 *
 * The INT instructions only name a vector and a kind: cpu_interrupt()
 * (interrupt.c) does the delivery, with c->eip already past the
 * instruction, so the handler returns to the next one. INT n and INTO are
 * "software" (the gate's DPL must admit the CPL); INT3 and INTO deliver
 * exception vectors but are checked the same way; INT1 (ICEBP, F1) raises
 * #DB as hardware would, with no DPL check.
 *
 * IRET undoes a delivery, and is the one instruction that can leave the
 * kernel in every direction:
 *
 *   real mode       pop IP, CS, FLAGS; every flag may change.
 *   v86 mode        the same, but only with IOPL = 3 (else #GP(0) for the
 *                   monitor), and IOPL itself cannot change.
 *   NT = 1          the handler is a nested task: switch back to the task
 *                   named by the back link of the current TSS.
 *   same level      pop EIP, CS, EFLAGS.
 *   outer level     also pop ESP and SS, then null any data segment register
 *                   the outer level may not use.
 *   to v86 mode     at CPL 0, an EFLAGS image with VM = 1: pop ESP, SS, ES,
 *                   DS, FS and GS as well and resume in v86 mode.
 *
 * Which EFLAGS bits the popped image may change depends on the privilege:
 * IOPL (and VIF/VIP) only at CPL 0, IF only when CPL <= IOPL, VM never
 * except by the v86 return; a 16-bit IRET changes only the low 16 bits.
 * As everywhere, every pop is a peek until all checks are done.
 *
 * Cost: INT n, INT3 and INT1 cost nothing of their own; the delivery in
 * interrupt.c charges the entry by path. IRET's table cost is the real-mode
 * one; in protected mode op_iret() reports its path to cycles_path().
 *
 * Not emulated: VME (v86 IRET with IOPL < 3 is always #GP(0)), NMI
 * unblocking (NMIs are not blocked in the first place).
 */
#include "interrupt.h"
#include "ops.h"

#include "cycles.h"

/* EFLAGS bits a real-mode 32-bit IRET loads: all but VM, VIF and VIP. */
#define IRET_REAL32_MASK                                                                           \
    (FL_ARITH | FL_TF | FL_IF | FL_DF | FL_IOPL | FL_NT | FL_RF | FL_AC | FL_ID)
/* ... a v86-mode 32-bit IRET: IOPL is the monitor's. */
#define IRET_V86_32_MASK (IRET_REAL32_MASK & ~FL_IOPL)

/* The v86 cache of CS: 64 KiB of readable DPL-3 code (the data registers
 * get writable data, as seg.c gives them). */
#define V86_CODE_ATTR                                                                              \
    (SEG_ATTR_P | SEG_ATTR_S | (3u << SEG_ATTR_DPL_SHIFT) | SEG_TYPE_CODE | SEG_TYPE_READABLE |    \
     SEG_TYPE_ACCESSED)
#define V86_DATA_ATTR                                                                              \
    (SEG_ATTR_P | SEG_ATTR_S | (3u << SEG_ATTR_DPL_SHIFT) | SEG_TYPE_WRITABLE | SEG_TYPE_ACCESSED)

static uint32_t sel_err(uint32_t sel)
{
    return sel & 0xfffcu;
}

static unsigned attr_dpl(uint16_t attr)
{
    return (attr & SEG_ATTR_DPL) >> SEG_ATTR_DPL_SHIFT;
}

void cpu_load_v86_seg(struct cpu *c, int sreg, uint16_t sel)
{
    uint16_t attr = sreg == SEG_CS ? V86_CODE_ATTR : V86_DATA_ATTR;
    c->seg[sreg] = seg_make(sel, (uint32_t)sel << 4, 0xffff, attr);
    cpu_update_mode(c);
}

/* --- INT n, INT3, INTO, INT1 --- */

int op_int_Ib(struct cpu *c, const struct insn *i)
{
    return cpu_interrupt(c, (int)(i->imm & 0xff), INT_SOFTWARE, false, 0);
}

int op_int3(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_interrupt(c, EXC_BP, INT_SOFT_EXC, false, 0);
}

int op_into(struct cpu *c, const struct insn *i)
{
    (void)i;
    if (!(c->eflags & FL_OF))
        return 0;
    return cpu_interrupt(c, EXC_OF, INT_SOFT_EXC, false, 0);
}

int op_int1(struct cpu *c, const struct insn *i)
{
    (void)i;
    return cpu_interrupt(c, EXC_DB, INT_ICEBP, false, 0);
}

/* --- BOUND --- */

static int32_t sign_extend(uint32_t v, int size)
{
    return size == 2 ? (int16_t)v : (int32_t)v;
}

/* The operand is two signed bounds of the operand size, lower then upper;
 * #BR (a fault) when the register lies outside [lower, upper]. */
int op_bound(struct cpu *c, const struct insn *i)
{
    int size = i->osize;
    uint32_t off = ea_offset(c, i), lower, upper;
    uint32_t off_upper = off + (uint32_t)size;

    if (i->addrsize == 2)
        off_upper &= 0xffffu;
    TRY(mmu_read(c, i->seg, off, size, &lower));
    TRY(mmu_read(c, i->seg, off_upper, size, &upper));
    int32_t v = sign_extend(reg_get(c, i->modrm.reg, size), size);
    if (v < sign_extend(lower, size) || v > sign_extend(upper, size))
        return cpu_fault(c, EXC_BR, 0);
    return 0;
}

/* --- IRET --- */

/* What every IRET pops first. */
struct iret_frame {
    uint32_t eip;    /* return offset (16 bits for a 16-bit IRET) */
    uint16_t cs;     /* return code segment */
    uint32_t eflags; /* EFLAGS image (16 bits for a 16-bit IRET) */
};

/* Read EIP, CS and EFLAGS without moving eSP. */
static int peek_frame(struct cpu *c, int os, struct iret_frame *f)
{
    uint32_t cs;
    TRY(stack_peek(c, 0, os, &f->eip));
    TRY(stack_peek(c, (uint32_t)os, os, &cs));
    TRY(stack_peek(c, 2u * (uint32_t)os, os, &f->eflags));
    f->cs = (uint16_t)cs;
    return 0;
}

static void drop(struct cpu *c, int bytes)
{
    cpu_set_sp(c, cpu_sp(c) + (uint32_t)bytes);
}

static int iret_real(struct cpu *c, int os)
{
    struct iret_frame f;
    TRY(peek_frame(c, os, &f));
    if (f.eip > c->seg[SEG_CS].limit)
        return cpu_fault(c, EXC_GP, 0);
    drop(c, 3 * os);
    cpu_load_real_seg(c, SEG_CS, f.cs);
    c->eip = f.eip;
    cpu_set_eflags(c, f.eflags, os == 4 ? IRET_REAL32_MASK : 0xffffu);
    return 0;
}

/* In v86 mode IRET is IOPL-sensitive: with IOPL < 3 the monitor sees
 * #GP(0) and emulates it on the guest's virtual interrupt flag. */
static int iret_v86(struct cpu *c, int os)
{
    struct iret_frame f;
    if (cpu_iopl(c) < 3)
        return cpu_fault(c, EXC_GP, 0);
    TRY(peek_frame(c, os, &f));
    if (f.eip > 0xffffu)
        return cpu_fault(c, EXC_GP, 0);
    drop(c, 3 * os);
    cpu_load_v86_seg(c, SEG_CS, f.cs);
    c->eip = f.eip;
    cpu_set_eflags(c, f.eflags, os == 4 ? IRET_V86_32_MASK : 0xffffu & ~FL_IOPL);
    return 0;
}

/* The EFLAGS bits a protected-mode IRET may change, by CPL and IOPL as
 * they are before the return. */
static uint32_t iret_mask(const struct cpu *c, int os)
{
    uint32_t m = FL_ARITH | FL_TF | FL_DF | FL_NT;
    if (os == 4)
        m |= FL_RF | FL_AC | FL_ID;
    if (c->cpl <= cpu_iopl(c))
        m |= FL_IF;
    if (c->cpl == 0)
        m |= FL_IOPL | (os == 4 ? FL_VIF | FL_VIP : 0);
    return os == 4 ? m : m & 0xffffu;
}

/* The return CS: a present code segment, RPL >= CPL; a non-conforming one
 * must have DPL = RPL, a conforming one DPL <= RPL. */
static int check_return_cs(struct cpu *c, uint16_t sel, struct desc *d)
{
    unsigned rpl = sel & 3u;
    if (sel_err(sel) == 0)
        return cpu_fault(c, EXC_GP, 0);
    TRY(seg_read_desc(c, sel, d, EXC_GP));
    uint16_t a = desc_attr(*d);
    unsigned dpl = attr_dpl(a);
    if (!(a & SEG_ATTR_S) || !(a & SEG_TYPE_CODE) || rpl < c->cpl)
        return cpu_fault(c, EXC_GP, sel_err(sel));
    if ((a & SEG_TYPE_CONFORM) ? dpl > rpl : dpl != rpl)
        return cpu_fault(c, EXC_GP, sel_err(sel));
    if (!(a & SEG_ATTR_P))
        return cpu_fault(c, EXC_NP, sel_err(sel));
    return 0;
}

/* The return SS for an outer level rpl: a present writable data segment
 * with RPL = DPL = rpl. */
static int check_return_ss(struct cpu *c, uint16_t sel, unsigned rpl, struct desc *d)
{
    if (sel_err(sel) == 0)
        return cpu_fault(c, EXC_GP, 0);
    TRY(seg_read_desc(c, sel, d, EXC_GP));
    uint16_t a = desc_attr(*d);
    if ((sel & 3u) != rpl || attr_dpl(a) != rpl || !(a & SEG_ATTR_S) || (a & SEG_TYPE_CODE) ||
        !(a & SEG_TYPE_WRITABLE))
        return cpu_fault(c, EXC_GP, sel_err(sel));
    if (!(a & SEG_ATTR_P))
        return cpu_fault(c, EXC_SS, sel_err(sel));
    return 0;
}

/* Return to a less privileged level: ESP and SS follow EIP, CS, EFLAGS. */
static int iret_outer(struct cpu *c, int os, const struct iret_frame *f, struct desc cs)
{
    unsigned rpl = f->cs & 3u;
    uint32_t esp, ss;
    struct desc ssd;

    TRY(stack_peek(c, 3u * (uint32_t)os, os, &esp));
    TRY(stack_peek(c, 4u * (uint32_t)os, os, &ss));
    TRY(check_return_ss(c, (uint16_t)ss, rpl, &ssd));
    if (f->eip > desc_limit(cs))
        return cpu_fault(c, EXC_GP, 0);
    TRY(cpu_set_accessed(c, f->cs, &cs));
    TRY(cpu_set_accessed(c, (uint16_t)ss, &ssd));
    cpu_set_eflags(c, f->eflags, iret_mask(c, os));
    seg_load_cs(c, f->cs, cs, rpl);
    seg_load_cache(c, SEG_SS, (uint16_t)ss, ssd);
    /* A 16-bit SS takes only SP: the high word of ESP keeps the inner
     * level's value, as on hardware (the "espfix" quirk). */
    cpu_set_sp(c, esp);
    c->eip = f->eip;
    seg_null_outer(c);
    return 0;
}

/* From CPL 0 back to v86 mode: the frame holds the v86 ESP, SS, ES, DS,
 * FS and GS above EIP, CS, EFLAGS, each in a 32-bit slot. */
static int iret_to_v86(struct cpu *c, const struct iret_frame *f)
{
    static const int sregs[] = {SEG_SS, SEG_ES, SEG_DS, SEG_FS, SEG_GS};
    uint32_t esp, sel[5];

    TRY(stack_peek(c, 12, 4, &esp));
    for (int k = 0; k < 5; k++)
        TRY(stack_peek(c, 16u + 4u * (uint32_t)k, 4, &sel[k]));
    if (f->eip > 0xffffu)
        return cpu_fault(c, EXC_GP, 0);
    cpu_set_eflags(c, f->eflags, 0xffffffffu); /* VM = 1 from here on */
    cpu_load_v86_seg(c, SEG_CS, f->cs);
    for (int k = 0; k < 5; k++)
        cpu_load_v86_seg(c, sregs[k], (uint16_t)sel[k]);
    c->gpr[R_ESP] = esp;
    c->eip = f->eip;
    return 0;
}

/* NT = 1: return from a nested task to the one in the TSS back link. */
static int iret_task(struct cpu *c)
{
    const struct seg *tr = &c->seg[SEG_TR];
    uint32_t link;
    struct desc d;

    TRY(mmu_read_lin(c, tr->base, 2, &link, MMU_SUPER));
    if ((link & 4) || sel_err(link) == 0)
        return cpu_fault(c, EXC_TS, sel_err(link));
    TRY(seg_read_desc(c, (uint16_t)link, &d, EXC_TS));
    return task_switch(c, (uint16_t)link, d, TASK_IRET, false, 0);
}

static int iret_protected(struct cpu *c, int os)
{
    struct iret_frame f;
    struct desc cs;

    if (c->eflags & FL_NT)
        return iret_task(c);
    TRY(peek_frame(c, os, &f));
    if (os == 4 && (f.eflags & FL_VM) && c->cpl == 0)
        return iret_to_v86(c, &f);
    TRY(check_return_cs(c, f.cs, &cs));
    if ((f.cs & 3u) > c->cpl)
        return iret_outer(c, os, &f, cs);
    if (f.eip > desc_limit(cs))
        return cpu_fault(c, EXC_GP, 0);
    TRY(cpu_set_accessed(c, f.cs, &cs));
    uint32_t mask = iret_mask(c, os);
    drop(c, 3 * os);
    seg_load_cs(c, f.cs, cs, c->cpl);
    c->eip = f.eip;
    cpu_set_eflags(c, f.eflags, mask);
    return 0;
}

int op_iret(struct cpu *c, const struct insn *i)
{
    bool nested = (c->eflags & FL_NT) != 0;
    unsigned cpl = c->cpl;

    if (!cpu_protected(c))
        return iret_real(c, i->osize);
    if (cpu_v86(c))
        return iret_v86(c, i->osize);
    TRY(iret_protected(c, i->osize));
    /* The cost by path (cycles.h); a return to v86 mode is one to CPL 3. */
    cycles_path(c, i, nested ? PATH_NESTED : c->cpl > cpl ? PATH_OUTER : PATH_SAME, 0);
    return 0;
}
