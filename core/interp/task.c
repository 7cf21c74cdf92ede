/*
 * task.c - hardware task switching (SDM vol. 3, chapter 7).
 *
 * A task is the state in a task-state segment (TSS): general registers,
 * segment selectors, EFLAGS, EIP, the LDT selector and, in a 32-bit TSS, CR3
 * and the T (debug trap) bit. TR holds the current task's TSS. A far JMP or
 * CALL to a TSS descriptor or a task gate, an interrupt through a task gate,
 * and an IRET with NT = 1 switch tasks:
 *
 *   1. check the new TSS descriptor: in the GDT, present, available (busy
 *      for IRET, which returns to a task that is still marked busy), and
 *      long enough (limit >= 0x67 for a 32-bit TSS, 0x2B for a 16-bit one);
 *   2. read the new TSS, then save EIP, EFLAGS, the general and segment
 *      registers of the current task into the old TSS;
 *   3. JMP and IRET mark the old task available; CALL and INT instead write
 *      the old TSS selector into the new TSS's back link (and later set NT),
 *      so that an IRET can come back; everything but IRET marks the new task
 *      busy;
 *   4. commit: load TR, set CR0.TS (the FPU state now belongs to someone
 *      else), load CR3, EFLAGS, EIP and the general registers;
 *   5. load LDTR and the segment registers with their full checks.
 *
 * Faults in steps 1-3 leave the CPU as it was (a page fault on a TSS may
 * leave part of the old TSS written, which hardware does too). Faults in
 * step 5 happen "in the context of the new task": the switch is complete,
 * and the exception is delivered with the new task's CS:EIP pushed. To get
 * that through an execution loop that rewinds EIP on a fault, the commit
 * sets c->prev_eip to the new task's EIP.
 *
 * Not emulated: the I/O permission bitmap (ops_io.c reads it), and checks
 * on the old TSS's limit (a guest that never loaded TR saves its state at
 * the reset TR, base 0, as the hardware would).
 */
#include "interrupt.h"

#include "cycles.h"
#include "exec.h"
#include "ops.h"

/* Busy bit of a TSS descriptor: type bit 1, in the high dword. */
#define TSS_BUSY (2u << 8)

/* Where the dynamic fields sit in the two TSS formats (SDM 7.2.1, 7.6). */
struct tss_layout {
    uint32_t eip;       /* EIP (IP) */
    uint32_t eflags;    /* EFLAGS (FLAGS) */
    uint32_t gpr;       /* EAX; ECX ... EDI follow at width strides */
    uint32_t sreg;      /* ES; CS, SS, DS (FS, GS) follow at width strides */
    uint32_t ldt;       /* LDT selector */
    int width;          /* 4 or 2: size of a register slot */
    int nsreg;          /* 6 or 4 segment registers */
    uint32_t min_limit; /* the smallest limit that holds them all */
};

static const struct tss_layout tss32_layout = {0x20, 0x24, 0x28, 0x48, 0x60, 4, 6, 0x67};
static const struct tss_layout tss16_layout = {0x0e, 0x10, 0x12, 0x22, 0x2a, 2, 4, 0x2b};

#define TSS32_CR3  0x1c /* PDBR */
#define TSS32_TRAP 0x64 /* bit 0: T, #DB when the task starts */

/* The new task's state, read from its TSS before anything is committed. */
struct tss_state {
    uint32_t cr3;     /* page directory base (32-bit TSS only) */
    uint32_t eip;     /* where the task resumes */
    uint32_t eflags;  /* its flags (the low 16 only from a 16-bit TSS) */
    uint32_t gpr[8];  /* EAX..EDI */
    uint16_t sreg[6]; /* ES CS SS DS FS GS (FS and GS null from a 16-bit TSS) */
    uint16_t ldt;     /* LDT selector */
    bool trap;        /* T bit */
};

static uint32_t sel_err(uint32_t sel)
{
    return sel & 0xfffcu;
}

static unsigned attr_dpl(uint16_t attr)
{
    return (attr & SEG_ATTR_DPL) >> SEG_ATTR_DPL_SHIFT;
}

static const struct tss_layout *layout_of(uint16_t attr)
{
    return (attr & 8) ? &tss32_layout : &tss16_layout;
}

/* TSS accesses are system accesses: supervisor rights at any CPL. */
static int tss_rd(struct cpu *c, uint64_t base, uint32_t off, int size, uint32_t *v)
{
    return mmu_read_lin(c, (base + off) & 0xffffffffu, size, v, MMU_SUPER);
}

static int tss_wr(struct cpu *c, uint64_t base, uint32_t off, int size, uint32_t v)
{
    return mmu_write_lin(c, (base + off) & 0xffffffffu, size, v, MMU_SUPER);
}

/* Step 1: the checks of table 7-1 on the new TSS descriptor. An IRET
 * raises #TS where the others raise #GP. */
static int check_new_tss(struct cpu *c, uint16_t sel, struct desc d, int reason)
{
    uint16_t a = desc_attr(d);
    unsigned type = a & SEG_ATTR_TYPE;
    bool want_busy = reason == TASK_IRET;
    int vec = want_busy ? EXC_TS : EXC_GP;
    bool is_tss = !(a & SEG_ATTR_S) && (type & ~(8u | 2u)) == 1;

    if (sel & 4)
        return cpu_fault(c, vec, sel_err(sel));
    if (!(a & SEG_ATTR_P))
        return cpu_fault(c, EXC_NP, sel_err(sel));
    if (!is_tss || ((type & 2) != 0) != want_busy)
        return cpu_fault(c, vec, sel_err(sel));
    if (desc_limit(d) < layout_of(a)->min_limit)
        return cpu_fault(c, EXC_TS, sel_err(sel));
    return 0;
}

/* Step 2a: read everything the new task needs. */
static int tss_read(struct cpu *c, uint64_t base, const struct tss_layout *l, struct tss_state *s)
{
    uint32_t v;

    *s = (struct tss_state){0};
    TRY(tss_rd(c, base, l->eip, l->width, &s->eip));
    TRY(tss_rd(c, base, l->eflags, l->width, &s->eflags));
    for (int k = 0; k < 8; k++)
        TRY(tss_rd(c, base, l->gpr + (uint32_t)(k * l->width), l->width, &s->gpr[k]));
    for (int k = 0; k < l->nsreg; k++) {
        TRY(tss_rd(c, base, l->sreg + (uint32_t)(k * l->width), 2, &v));
        s->sreg[k] = (uint16_t)v;
    }
    TRY(tss_rd(c, base, l->ldt, 2, &v));
    s->ldt = (uint16_t)v;
    if (l->width == 4) {
        TRY(tss_rd(c, base, TSS32_CR3, 4, &s->cr3));
        TRY(tss_rd(c, base, TSS32_TRAP, 2, &v));
        s->trap = (v & 1) != 0;
    }
    return 0;
}

/* Step 2b: save the current task's dynamic state into its TSS. */
static int tss_save(struct cpu *c, uint32_t eflags)
{
    const struct seg *tr = &c->seg[SEG_TR];
    const struct tss_layout *l = layout_of(tr->attr);

    TRY(tss_wr(c, tr->base, l->eip, l->width, (uint32_t)c->eip));
    TRY(tss_wr(c, tr->base, l->eflags, l->width, eflags));
    for (int k = 0; k < 8; k++)
        TRY(tss_wr(c, tr->base, l->gpr + (uint32_t)(k * l->width), l->width, (uint32_t)c->gpr[k]));
    for (int k = 0; k < l->nsreg; k++)
        TRY(tss_wr(c, tr->base, l->sreg + (uint32_t)(k * l->width), 2, c->seg[k].sel));
    return 0;
}

/* Mark the task whose TSS descriptor sel names available. */
static int clear_busy(struct cpu *c, uint16_t sel)
{
    struct desc d;
    if (sel_err(sel) == 0)
        return 0; /* TR never loaded: no descriptor to update */
    TRY(seg_read_desc(c, sel, &d, EXC_TS));
    d.hi &= ~TSS_BUSY;
    return seg_write_desc(c, sel, d);
}

/* Step 3: busy bits and the back link. */
static int link_tasks(struct cpu *c, uint16_t sel, struct desc d, int reason)
{
    uint16_t old = c->seg[SEG_TR].sel;

    if (reason == TASK_JMP || reason == TASK_IRET)
        TRY(clear_busy(c, old));
    if (reason == TASK_CALL || reason == TASK_INT)
        TRY(tss_wr(c, desc_base(d), 0, 2, old));
    if (reason != TASK_IRET) {
        d.hi |= TSS_BUSY;
        TRY(seg_write_desc(c, sel, d));
    }
    return 0;
}

/* Step 4: the commit point. Segment registers get their selectors now and
 * their caches (marked unusable until then) in step 5. */
static void commit(struct cpu *c, uint16_t sel, struct desc d, const struct tss_state *s,
                   int reason)
{
    const struct tss_layout *l = layout_of(desc_attr(d));

    if (reason != TASK_IRET)
        d.hi |= TSS_BUSY;
    c->seg[SEG_TR] = seg_make(sel, desc_base(d), desc_limit(d), desc_attr(d));
    c->cr0 |= CR0_TS;
    if (l->width == 4 && cpu_paging(c)) {
        c->cr3 = s->cr3;
        mmu_flush(c, false);
    }
    uint32_t nt = (reason == TASK_CALL || reason == TASK_INT) ? FL_NT : 0;
    cpu_set_eflags(c, s->eflags | nt, 0xffffffffu);
    for (int k = 0; k < 8; k++)
        reg_set(c, k, l->width, s->gpr[k]);
    c->eip = s->eip;
    c->prev_eip = s->eip; /* faults from here on belong to the new task */
    for (int k = SEG_ES; k <= SEG_GS; k++)
        if (k != SEG_CS)
            c->seg[k] = seg_make(s->sreg[k], 0, 0, 0);
    c->seg[SEG_CS].sel = s->sreg[SEG_CS];
    c->cs_rpl_stale = false; /* the new task's CS.RPL is its CPL */
    c->seg[SEG_LDTR] = seg_make(s->ldt, 0, 0, 0);
    cpu_update_mode(c);
}

/* LDTR: null, or an LDT descriptor in the GDT that is present. */
static int load_ldt(struct cpu *c, uint16_t sel)
{
    struct desc d;

    if (sel_err(sel) == 0)
        return 0;
    if (sel & 4)
        return cpu_fault(c, EXC_TS, sel_err(sel));
    TRY(seg_read_desc(c, sel, &d, EXC_TS));
    uint16_t a = desc_attr(d);
    if ((a & (SEG_ATTR_S | SEG_ATTR_TYPE)) != DESC_LDT || !(a & SEG_ATTR_P))
        return cpu_fault(c, EXC_TS, sel_err(sel));
    c->seg[SEG_LDTR] = seg_make(sel, desc_base(d), desc_limit(d), a);
    return 0;
}

/* CS: a present code segment whose DPL matches its RPL (at most the RPL if
 * conforming). The RPL becomes the CPL. */
static int load_cs(struct cpu *c, uint16_t sel)
{
    struct desc d;
    unsigned rpl = sel & 3u;

    if (sel_err(sel) == 0)
        return cpu_fault(c, EXC_TS, 0);
    TRY(seg_read_desc(c, sel, &d, EXC_TS));
    uint16_t a = desc_attr(d);
    unsigned dpl = attr_dpl(a);
    if (!(a & SEG_ATTR_S) || !(a & SEG_TYPE_CODE) ||
        ((a & SEG_TYPE_CONFORM) ? dpl > rpl : dpl != rpl))
        return cpu_fault(c, EXC_TS, sel_err(sel));
    if (!(a & SEG_ATTR_P))
        return cpu_fault(c, EXC_NP, sel_err(sel));
    TRY(cpu_set_accessed(c, sel, &d));
    seg_load_cs(c, sel, d, rpl);
    return 0;
}

/* SS and the data registers: the checks of MOV (seg_load), except that a
 * type or privilege error is #TS rather than #GP in a task switch. */
static int load_data(struct cpu *c, int sreg, uint16_t sel)
{
    int r = seg_load(c, sreg, sel);
    if (r && c->exc.vector == EXC_GP)
        c->exc.vector = EXC_TS;
    return r;
}

/* Step 5: LDTR first (the other selectors may point into it), then SS,
 * checked against the CPL that CS's RPL already gives (commit), so that an
 * error in CS or a data register can be delivered on the new task's stack;
 * then CS and the data registers. */
static int load_segments(struct cpu *c, const struct tss_state *s)
{
    static const int data[] = {SEG_ES, SEG_DS, SEG_FS, SEG_GS};

    TRY(load_ldt(c, s->ldt));
    if (cpu_v86(c)) {
        for (int k = SEG_ES; k <= SEG_GS; k++)
            cpu_load_v86_seg(c, k, s->sreg[k]);
        return 0;
    }
    TRY(load_data(c, SEG_SS, s->sreg[SEG_SS]));
    TRY(load_cs(c, s->sreg[SEG_CS]));
    for (unsigned k = 0; k < sizeof data / sizeof data[0]; k++)
        TRY(load_data(c, data[k], s->sreg[data[k]]));
    return 0;
}

int task_switch(struct cpu *c, uint16_t sel, struct desc d, int reason, bool has_err, uint32_t err)
{
    const struct tss_layout *l = layout_of(desc_attr(d));
    struct tss_state s;

    TRY(check_new_tss(c, sel, d, reason));
    TRY(tss_read(c, desc_base(d), l, &s));
    TRY(tss_save(c, reason == TASK_IRET ? c->eflags & ~FL_NT : c->eflags));
    TRY(link_tasks(c, sel, d, reason));
    commit(c, sel, d, &s, reason);
    cpu_trap(c, TRAP_TASK, sel, 0);
    /* The switch has happened: its cost ("TS" in the i486 tables) is paid
     * even if loading the new task's segments faults in the new task. */
    c->cycles += cycles_task_switch(l->width == 4, (s.eflags & FL_VM) != 0);
    TRY(load_segments(c, &s));
    if (reason == TASK_INT && has_err)
        TRY(push(c, l->width, err));
    if (c->eip > c->seg[SEG_CS].limit)
        return cpu_fault(c, EXC_GP, 0);
    if (s.trap)
        c->dr6_pending |= DR6_BT;
    return 0;
}
