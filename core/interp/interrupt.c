/*
 * interrupt.c - delivering interrupts and exceptions (SDM vol. 3, chapter 6;
 * vol. 2, the INT n pseudo-code).
 *
 * Every event that diverts the CPU to a handler goes through cpu_interrupt():
 * external interrupts from the PIC, NMI, the exceptions the CPU raises, and
 * the software interrupts INT n, INT3, INTO and INT1. What happens depends on
 * the mode:
 *
 *   real mode     the interrupt vector table at IDTR.base holds a 4-byte
 *                 segment:offset per vector. The CPU pushes FLAGS, CS and IP,
 *                 clears IF, TF and AC, and jumps there.
 *   protected     the IDT holds an 8-byte gate per vector. An interrupt or
 *                 trap gate names a code segment and an offset; a task gate
 *                 names a TSS, and the handler is a whole task (task.c).
 *                 If the handler's code segment is more privileged than the
 *                 interrupted code, the CPU first switches to the handler
 *                 level's stack, whose SS:ESP it reads from the current TSS,
 *                 and pushes the old SS:ESP there. An interrupt gate clears
 *                 IF, a trap gate leaves it. Gate size (16 or 32 bits) sets
 *                 the size of every push.
 *   virtual-8086  as protected mode, but the handler must be in a ring-0
 *                 non-conforming segment; the CPU also pushes GS, FS, DS and
 *                 ES (whose v86 values mean nothing in protected mode) and
 *                 nulls them, and clears VM. INT n with IOPL < 3 is #GP(0),
 *                 so that the monitor can emulate it (there is no VME here).
 *
 * Faults found during delivery are reported, not delivered, by
 * cpu_interrupt(): nothing is committed before the last check, so the caller
 * can raise them as if the event had never started. cpu_exception() is the
 * caller that implements the double-fault rules of table 6-5: exceptions are
 * benign, contributory (#DE, #TS, #NP, #SS, #GP) or #PF; a contributory
 * exception while delivering a contributory one, or a contributory or #PF
 * while delivering #PF, becomes #DF (error code 0), and any fault while
 * delivering #DF is a triple fault: the CPU shuts down (c->stop).
 *
 * Error codes that name a selector or an IDT slot have bit 0, EXT, set when
 * the fault happened while delivering an event the program did not ask for
 * (an external interrupt, an earlier exception, INT1), and bit 1 when they
 * name an IDT slot (vector * 8 + 2). The checks below raise them with EXT
 * clear; deliver() adds it in one place.
 *
 * Cost. Each path charges its i486 entry cost to the cycle counter when it
 * succeeds (cycles.h, doc/cycles.md): 26 cycles through the real-mode IVT
 * (30 for INT n), 44 through a gate at the same level, 71 to an inner level,
 * 86 from v86 mode, 37 through a task gate plus the task switch. Every
 * delivery is counted in c->stats: external ones as interrupts, the rest
 * but INT n as exceptions.
 *
 * Not emulated: VME and PVI (virtual interrupt flags), NMI blocking until
 * IRET, SMI, long mode, and the RF image of a fault delivered through a task
 * gate (the old task's TSS keeps EFLAGS.RF as it was).
 */
#include "interrupt.h"

#include "cycles.h"
#include "exec.h"
#include "mmu/mmu.h"

/* Fault error code naming a selector: index and TI, RPL bits clear. */
static uint32_t sel_err(uint32_t sel)
{
    return sel & 0xfffcu;
}

static unsigned attr_dpl(uint16_t attr)
{
    return (attr & SEG_ATTR_DPL) >> SEG_ATTR_DPL_SHIFT;
}

/* One delivery in progress: what the gate and the handler's code segment
 * say, gathered and checked before any register changes. */
struct delivery {
    int vector;      /* 0-255 */
    int kind;        /* enum int_kind */
    bool has_err;    /* push err (protected mode only) */
    uint32_t err;    /* the error code */
    uint32_t eflags; /* the EFLAGS image to push (RF set for faults) */
    bool gate32;     /* 32-bit gate: 4-byte pushes and a 32-bit offset */
    bool trap;       /* trap gate: IF left alone */
    uint16_t cs_sel; /* the handler's code segment selector */
    struct desc cs;  /* and its descriptor */
    uint32_t eip;    /* the handler's offset */
};

/* A frame being pushed, possibly on a stack that is not SS:ESP yet. The
 * values are queued, then every slot is checked against the limit, then
 * written: a fault at any point leaves SS, ESP and every register alone. */
struct frame {
    struct seg ss;    /* the stack segment's cache */
    uint32_t sp;      /* stack pointer before the pushes */
    bool big;         /* SS.B: the pointer is ESP, else SP (wraps at 64 KiB) */
    bool pm;          /* protected-mode limit rules (expand-down segments) */
    int mmu_flags;    /* MMU_SUPER on a new inner stack, 0 at the current CPL */
    uint32_t ss_err;  /* error code of #SS when the frame does not fit */
    int size;         /* bytes per slot: 2 or 4 */
    int n;            /* slots queued */
    uint32_t val[10]; /* values in push order (v86: 9 and an error code) */
};

static void frame_push(struct frame *f, uint32_t v)
{
    f->val[f->n++] = v;
}

/* Offset in SS of slot k (0 = pushed first, highest address). */
static uint32_t frame_off(const struct frame *f, int k)
{
    uint32_t off = f->sp - (uint32_t)((k + 1) * f->size);
    return f->big ? off : off & 0xffffu;
}

/* The stack pointer once every queued slot is pushed. */
static uint32_t frame_sp(const struct frame *f)
{
    return frame_off(f, f->n - 1);
}

/* Do size bytes at off lie inside the stack segment? The rules of
 * mmu_check(), applied to a cache that need not be loaded in SS yet. */
static bool frame_fits(const struct frame *f, uint32_t off)
{
    const struct seg *s = &f->ss;
    uint32_t last = off + (uint32_t)f->size - 1;
    unsigned type = s->attr & SEG_ATTR_TYPE;

    if (last < off)
        return false;
    if (f->pm && !(type & SEG_TYPE_CODE) && (type & SEG_TYPE_EXPDOWN)) {
        uint32_t top = (s->attr & SEG_ATTR_DB) ? 0xffffffffu : 0xffffu;
        return off > s->limit && last <= top;
    }
    return last <= s->limit;
}

static int frame_check(struct cpu *c, const struct frame *f)
{
    for (int k = 0; k < f->n; k++)
        if (!frame_fits(f, frame_off(f, k)))
            return cpu_fault(c, EXC_SS, f->ss_err);
    return 0;
}

/* Write the queued slots; a page fault may stop it part way, which only
 * leaves bytes below the stack pointer changed. */
static int frame_store(struct cpu *c, const struct frame *f)
{
    for (int k = 0; k < f->n; k++) {
        uint64_t lin = (f->ss.base + frame_off(f, k)) & 0xffffffffu;
        TRY(mmu_write_lin(c, lin, f->size, f->val[k], f->mmu_flags));
    }
    return 0;
}

/* A frame on the current stack, SS:eSP. */
static void frame_current(const struct cpu *c, struct frame *f, int size)
{
    *f = (struct frame){.ss = c->seg[SEG_SS],
                        .sp = cpu_sp(c),
                        .big = c->stack32,
                        .pm = cpu_protected(c),
                        .size = size};
}

/* Push the return state every handler gets: EFLAGS, CS, EIP, error code. */
static void frame_return(struct frame *f, const struct cpu *c, const struct delivery *dv)
{
    frame_push(f, dv->eflags);
    frame_push(f, c->seg[SEG_CS].sel);
    frame_push(f, (uint32_t)c->eip);
    if (dv->has_err)
        frame_push(f, dv->err);
}

int cpu_set_accessed(struct cpu *c, uint16_t sel, struct desc *d)
{
    if (d->hi & (SEG_TYPE_ACCESSED << 8))
        return 0;
    d->hi |= SEG_TYPE_ACCESSED << 8;
    return seg_write_desc(c, sel, *d);
}

/* --- real mode --- */

/* The IVT entry is segment:offset (offset in the low word). Pushes and the
 * IVT read all come before anything changes. */
static int deliver_real(struct cpu *c, const struct delivery *dv)
{
    uint32_t slot = (uint32_t)dv->vector * 4, entry;
    struct frame f;

    if (slot + 3 > c->idtr.limit)
        return cpu_fault(c, EXC_GP, 0);
    frame_current(c, &f, 2);
    frame_push(&f, dv->eflags);
    frame_push(&f, c->seg[SEG_CS].sel);
    frame_push(&f, (uint32_t)c->eip);
    TRY(frame_check(c, &f));
    TRY(mmu_read_lin(c, (c->idtr.base + slot) & 0xffffffffu, 4, &entry, MMU_SUPER));
    TRY(frame_store(c, &f));
    cpu_set_sp(c, frame_sp(&f));
    /* The 486 and later clear AC too, so a handler never runs with
     * alignment checking it did not ask for. */
    c->eflags &= ~(FL_IF | FL_TF | FL_AC);
    cpu_load_real_seg(c, SEG_CS, (uint16_t)(entry >> 16));
    c->eip = entry & 0xffffu;
    c->cycles += dv->kind == INT_SOFTWARE ? CYCLES_INT_REAL_SOFT : CYCLES_INT_REAL;
    return 0;
}

/* --- protected mode: the gate and the handler's code segment --- */

static bool is_software(int kind)
{
    return kind == INT_SOFTWARE || kind == INT_SOFT_EXC;
}

/* Read and check the IDT gate for dv->vector. Errors name the IDT slot. */
static int read_gate(struct cpu *c, struct delivery *dv, struct desc *g)
{
    uint32_t slot = (uint32_t)dv->vector * 8, idt_err = slot + 2;
    uint64_t lin = (c->idtr.base + slot) & 0xffffffffu;

    if (slot + 7 > c->idtr.limit)
        return cpu_fault(c, EXC_GP, idt_err);
    TRY(mmu_read_lin(c, lin, 4, &g->lo, MMU_SUPER));
    TRY(mmu_read_lin(c, (lin + 4) & 0xffffffffu, 4, &g->hi, MMU_SUPER));
    uint16_t a = desc_attr(*g);
    unsigned type = a & SEG_ATTR_TYPE;
    bool gate = type == DESC_TASKGATE || type == DESC_INTGATE16 || type == DESC_TRAPGATE16 ||
                type == DESC_INTGATE32 || type == DESC_TRAPGATE32;
    if ((a & SEG_ATTR_S) || !gate)
        return cpu_fault(c, EXC_GP, idt_err);
    /* Only software interrupts are subject to the gate's DPL: that is how
     * a kernel keeps user code from calling its exception handlers. */
    if (is_software(dv->kind) && attr_dpl(a) < c->cpl)
        return cpu_fault(c, EXC_GP, idt_err);
    if (!(a & SEG_ATTR_P))
        return cpu_fault(c, EXC_NP, idt_err);
    dv->gate32 = (type & 8) != 0;
    dv->trap = (type & 1) != 0;
    dv->cs_sel = (uint16_t)(g->lo >> 16);
    dv->eip = (g->lo & 0xffffu) | (dv->gate32 ? g->hi & 0xffff0000u : 0);
    return 0;
}

/* Read and check the handler's code segment: present, code, and with a DPL
 * at or inside the CPL (an interrupt never lowers privilege). */
static int read_target(struct cpu *c, struct delivery *dv)
{
    uint16_t sel = dv->cs_sel;

    if (sel_err(sel) == 0)
        return cpu_fault(c, EXC_GP, 0);
    TRY(seg_read_desc(c, sel, &dv->cs, EXC_GP));
    uint16_t a = desc_attr(dv->cs);
    if (!(a & SEG_ATTR_S) || !(a & SEG_TYPE_CODE) || attr_dpl(a) > c->cpl)
        return cpu_fault(c, EXC_GP, sel_err(sel));
    if (!(a & SEG_ATTR_P))
        return cpu_fault(c, EXC_NP, sel_err(sel));
    return 0;
}

/* The handler's first instruction must lie inside its code segment. */
static int check_target_limit(struct cpu *c, const struct delivery *dv)
{
    if (dv->eip > desc_limit(dv->cs))
        return cpu_fault(c, EXC_GP, 0);
    return 0;
}

/* Commit: flags, CS:EIP and the new CPL. */
static void enter_handler(struct cpu *c, const struct delivery *dv, unsigned cpl)
{
    uint32_t clear = FL_TF | FL_NT | FL_RF | FL_VM | (dv->trap ? 0 : FL_IF);
    c->eflags &= ~clear;
    seg_load_cs(c, dv->cs_sel, dv->cs, cpl);
    c->eip = dv->eip;
    cpu_update_mode(c);
}

/* A handler at the current privilege level (or in a conforming segment):
 * the frame goes on the current stack and CPL stays. */
static int to_same_level(struct cpu *c, struct delivery *dv)
{
    struct frame f;

    frame_current(c, &f, dv->gate32 ? 4 : 2);
    frame_return(&f, c, dv);
    TRY(frame_check(c, &f));
    TRY(check_target_limit(c, dv));
    TRY(cpu_set_accessed(c, dv->cs_sel, &dv->cs));
    TRY(frame_store(c, &f));
    cpu_set_sp(c, frame_sp(&f));
    enter_handler(c, dv, c->cpl);
    c->cycles += CYCLES_INT_SAME;
    return 0;
}

/* --- protected mode: the switch to an inner stack --- */

/* SS:ESP for privilege level dpl from the current TSS (SDM 7.2.1: a 32-bit
 * TSS holds ESPn at 4 + 8n and SSn at 8 + 8n; a 16-bit one SPn at 2 + 4n
 * and SSn at 4 + 4n). */
static int tss_stack(struct cpu *c, unsigned dpl, uint16_t *ss, uint32_t *esp)
{
    const struct seg *tr = &c->seg[SEG_TR];
    bool tss32 = (tr->attr & 8) != 0;
    int width = tss32 ? 4 : 2;
    uint32_t off = tss32 ? dpl * 8 + 4 : dpl * 4 + 2, sel;

    if (off + (uint32_t)width + 1 > tr->limit)
        return cpu_fault(c, EXC_TS, sel_err(tr->sel));
    TRY(mmu_read_lin(c, (tr->base + off) & 0xffffffffu, width, esp, MMU_SUPER));
    TRY(mmu_read_lin(c, (tr->base + off + (uint32_t)width) & 0xffffffffu, 2, &sel, MMU_SUPER));
    *ss = (uint16_t)sel;
    return 0;
}

/* The inner stack segment must be a present writable data segment whose
 * DPL and RPL are the handler's privilege level. */
static int check_inner_ss(struct cpu *c, uint16_t sel, unsigned dpl, struct desc *d)
{
    if (sel_err(sel) == 0)
        return cpu_fault(c, EXC_TS, 0);
    TRY(seg_read_desc(c, sel, d, EXC_TS));
    uint16_t a = desc_attr(*d);
    if ((sel & 3u) != dpl || attr_dpl(a) != dpl || !(a & SEG_ATTR_S) || (a & SEG_TYPE_CODE) ||
        !(a & SEG_TYPE_WRITABLE))
        return cpu_fault(c, EXC_TS, sel_err(sel));
    if (!(a & SEG_ATTR_P))
        return cpu_fault(c, EXC_SS, sel_err(sel));
    return 0;
}

/* Null a data segment register: a v86 selector means nothing in protected
 * mode, so the handler must not inherit it. */
static void null_seg(struct cpu *c, int sreg)
{
    c->seg[sreg] = seg_make(0, 0, 0, 0);
    cpu_update_mode(c);
}

/* The frame on the inner stack ss_sel/ssd at esp: the v86 data segments
 * (from v86 mode), the old SS:ESP, then the return frame. */
static void frame_inner(struct frame *f, const struct cpu *c, const struct delivery *dv,
                        uint16_t ss_sel, struct desc ssd, uint32_t esp)
{
    bool big = (desc_attr(ssd) & SEG_ATTR_DB) != 0;
    *f = (struct frame){.ss = seg_make(ss_sel, desc_base(ssd), desc_limit(ssd), desc_attr(ssd)),
                        .sp = big ? esp : esp & 0xffffu,
                        .big = big,
                        .pm = true,
                        .mmu_flags = MMU_SUPER,
                        .ss_err = sel_err(ss_sel),
                        .size = dv->gate32 ? 4 : 2};
    if (cpu_v86(c)) {
        frame_push(f, c->seg[SEG_GS].sel);
        frame_push(f, c->seg[SEG_FS].sel);
        frame_push(f, c->seg[SEG_DS].sel);
        frame_push(f, c->seg[SEG_ES].sel);
    }
    frame_push(f, c->seg[SEG_SS].sel);
    frame_push(f, (uint32_t)c->gpr[R_ESP]);
    frame_return(f, c, dv);
}

/* A handler more privileged than the interrupted code, or any handler of an
 * interrupt from v86 mode: switch to the inner stack from the TSS. */
static int to_inner_level(struct cpu *c, struct delivery *dv)
{
    unsigned dpl = attr_dpl(desc_attr(dv->cs));
    bool v86 = cpu_v86(c);
    uint16_t ss_sel;
    uint32_t esp;
    struct desc ssd;
    struct frame f;

    TRY(tss_stack(c, dpl, &ss_sel, &esp));
    TRY(check_inner_ss(c, ss_sel, dpl, &ssd));
    frame_inner(&f, c, dv, ss_sel, ssd, esp);
    TRY(frame_check(c, &f));
    TRY(check_target_limit(c, dv));
    TRY(cpu_set_accessed(c, ss_sel, &ssd));
    TRY(cpu_set_accessed(c, dv->cs_sel, &dv->cs));
    TRY(frame_store(c, &f));
    if (v86) {
        null_seg(c, SEG_ES);
        null_seg(c, SEG_DS);
        null_seg(c, SEG_FS);
        null_seg(c, SEG_GS);
    }
    c->eflags &= ~FL_VM; /* before the loads, so that the new CPL is read from CS */
    seg_load_cache(c, SEG_SS, ss_sel, ssd);
    c->gpr[R_ESP] = esp;
    cpu_set_sp(c, frame_sp(&f));
    enter_handler(c, dv, dpl);
    c->cycles += v86 ? CYCLES_INT_V86 : CYCLES_INT_INNER;
    return 0;
}

/* A task gate: the TSS it names must be in the GDT; task_switch() does the
 * rest, including pushing the error code on the new task's stack. */
static int through_task_gate(struct cpu *c, const struct delivery *dv, struct desc gate)
{
    uint16_t sel = (uint16_t)(gate.lo >> 16);
    struct desc d;

    if ((sel & 4) || sel_err(sel) == 0)
        return cpu_fault(c, EXC_GP, sel_err(sel));
    TRY(seg_read_desc(c, sel, &d, EXC_GP));
    TRY(task_switch(c, sel, d, TASK_INT, dv->has_err, dv->err));
    c->cycles += CYCLES_INT_TASK;
    return 0;
}

static int deliver_protected(struct cpu *c, struct delivery *dv)
{
    struct desc gate;

    TRY(read_gate(c, dv, &gate));
    if ((desc_attr(gate) & SEG_ATTR_TYPE) == DESC_TASKGATE)
        return through_task_gate(c, dv, gate);
    TRY(read_target(c, dv));
    uint16_t a = desc_attr(dv->cs);
    bool conforming = (a & SEG_TYPE_CONFORM) != 0;
    if (cpu_v86(c)) {
        /* From v86 mode only a ring-0 handler can run: it is the one
         * level whose stack the TSS is sure to describe. */
        if (conforming || attr_dpl(a) != 0)
            return cpu_fault(c, EXC_GP, sel_err(dv->cs_sel));
        return to_inner_level(c, dv);
    }
    if (!conforming && attr_dpl(a) < c->cpl)
        return to_inner_level(c, dv);
    return to_same_level(c, dv);
}

/* --- the entry points --- */

/* Does the event count as external for the EXT bit of error codes? */
static bool is_external(int kind)
{
    return kind == INT_EXTERNAL || kind == INT_EXCEPTION || kind == INT_ICEBP;
}

static int deliver(struct cpu *c, struct delivery *dv)
{
    int r;

    /* Every delivery, also of an exception the CPU raises (cpu_exception()),
     * reaches the debugger's vector stops (core/debug). */
    if (c->attention)
        c->dbg->vector(c->dbg_opaque, dv->vector);
    /* A delivery discards the debug traps pending for the instruction that
     * led to it: the handler starts with TF clear, and the interrupted
     * code's single step resumes when IRET restores TF. */
    c->dr6_pending = 0;
    if (dv->kind == INT_EXTERNAL) {
        c->stats.interrupts++;
        cpu_trap(c, TRAP_INTR, dv->vector, 0);
    } else if (dv->kind != INT_SOFTWARE) {
        c->stats.exceptions++;
        cpu_trap(c, TRAP_EXCEPTION, dv->vector | (dv->has_err ? TRAP_A_HAS_ERR : 0), dv->err);
    } else {
        cpu_trap(c, TRAP_SWINT, dv->vector, 0);
    }
    if (!cpu_protected(c))
        r = deliver_real(c, dv);
    else if (dv->kind == INT_SOFTWARE && cpu_v86(c) && cpu_iopl(c) < 3)
        r = cpu_fault(c, EXC_GP, 0); /* IOPL-sensitive: the v86 monitor emulates it */
    else
        r = deliver_protected(c, dv);
    if (r && is_external(dv->kind)) {
        uint8_t v = c->exc.vector;
        if (v == EXC_TS || v == EXC_NP || v == EXC_SS || v == EXC_GP)
            c->exc.error |= 1; /* EXT */
    }
    return r;
}

int cpu_interrupt(struct cpu *c, int vector, int kind, bool has_err, uint32_t err)
{
    struct delivery dv = {
        .vector = vector & 0xff, .kind = kind, .has_err = has_err, .err = err, .eflags = c->eflags};
    return deliver(c, &dv);
}

/* Exception classes of SDM table 6-4. */
static bool is_contributory(int v)
{
    return v == EXC_DE || v == EXC_TS || v == EXC_NP || v == EXC_SS || v == EXC_GP;
}

/* Table 6-5: raising second while delivering first makes a double fault. */
static bool is_double(int first, int second)
{
    if (is_contributory(first))
        return is_contributory(second);
    if (first == EXC_PF)
        return is_contributory(second) || second == EXC_PF;
    return false;
}

/* Fault-class exceptions: the pushed EIP is the faulting instruction's, and
 * the pushed EFLAGS has RF set so that an instruction breakpoint there does
 * not fire again when the handler returns (SDM 17.3.1.1). #DB is left out:
 * its fault forms are the breakpoints themselves. */
static bool is_fault(int v)
{
    return v == EXC_DE || v == EXC_BR || v == EXC_UD || v == EXC_NM || is_contributory(v) ||
           v == EXC_PF || v == EXC_MF || v == EXC_AC;
}

/* c->exc_depth counts the deliveries the current exception has taken: 1
 * when it was delivered at once, more when delivery itself faulted. It is
 * left at its last value so that a debugger can show how a shutdown came. */
void cpu_exception(struct cpu *c)
{
    int first = -1; /* the exception whose delivery raised c->exc, if any */

    c->exc_depth = 0;
    for (;;) {
        struct exc e = c->exc;
        if (first == EXC_DF) {
            c->stop = CPU_SHUTDOWN; /* triple fault */
            cpu_trap(c, TRAP_SHUTDOWN, 0, 0);
            return;
        }
        if (first >= 0 && is_double(first, e.vector))
            e = (struct exc){.vector = EXC_DF, .has_error = true, .error = 0};
        uint32_t rf = is_fault(e.vector) ? FL_RF : 0;
        struct delivery dv = {.vector = e.vector,
                              .kind = INT_EXCEPTION,
                              .has_err = e.has_error,
                              .err = e.error,
                              .eflags = c->eflags | rf};
        c->exc_depth++;
        if (!deliver(c, &dv))
            return;
        first = e.vector;
    }
}
