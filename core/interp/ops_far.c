/*
 * ops_far.c - far JMP, far CALL and far RET: the transfers that load CS
 * (SDM vol. 2: JMP, CALL, RET; vol. 3, 5.8 "Privilege level checking when
 * transferring program control between code segments").
 *
 * In real mode and virtual-8086 mode a far transfer is simple: CS gets the
 * selector (base = selector * 16) and EIP the offset; a CALL pushes CS then
 * the return EIP, a RET pops them. In protected mode the selector names a
 * descriptor, and what happens depends on its type:
 *
 *   code segment   the target itself. A non-conforming segment must have
 *                  DPL = CPL (and RPL <= CPL); a conforming one DPL <= CPL,
 *                  and the CPL stays what it was. No privilege change.
 *   call gate      an indirection: the gate holds the target CS:EIP, and its
 *                  DPL says who may use it. Only a CALL through a gate may
 *                  reach a more privileged (lower DPL) non-conforming
 *                  segment; it then switches to the inner level's stack,
 *                  read from the current TSS, and copies the gate's count
 *                  of parameters from the caller's stack.
 *   task gate, TSS a task switch (task_switch(), interrupt.h).
 *
 * A far RET undoes a CALL: to the same level it pops CS:EIP; to an outer
 * (less privileged) level it also pops the caller's SS:ESP, and nulls any
 * data segment register the outer level must not see (seg_null_outer).
 *
 * Every check comes before the first change to the CPU, so a fault leaves
 * the instruction restartable; the stack writes of a CALL go below the
 * stack pointer, which is only committed at the end. Error codes follow the
 * SDM pseudo-code: #GP(selector) for type and privilege errors, #NP for a
 * segment or gate not present, #TS for a bad inner stack in the TSS, #SS
 * for stack overflow, #GP(0) for a null selector or an EIP beyond the limit.
 *
 * Cost: the table holds the real-mode cost of each form; in protected mode
 * far_transfer() and op_ret_far() report the path taken (same level, call
 * gate, inner level, outer level, task) to cycles_path(), and a task switch
 * adds its own cost in task_switch().
 *
 * CS pushed with a 32-bit operand size is zero-extended to 32 bits (the
 * SDM's "padded with 16 high-order bits"), as both the 386 and P6 do.
 */
#include "interrupt.h"
#include "ops.h"

#include "cycles.h"

/* The error code of a fault naming a selector: its index and TI bit; the
 * RPL bits become EXT and IDT, which the delivery code sets when they apply. */
static uint32_t sel_err(uint16_t sel)
{
    return sel & 0xfffcu;
}

/* What a protected-mode far JMP or CALL did, for the cycle model. */
struct far_cost {
    enum cycles_path path; /* the path it took */
    unsigned params;       /* parameters a call gate copied to the inner stack */
};

/* A far pointer: where a JMP or CALL goes, and the size of its offset. */
struct far_ptr {
    uint16_t sel; /* target selector */
    uint32_t off; /* target offset (already 16 bits for a 16-bit operand) */
    int size;     /* operand size: 2 or 4 (what a CALL pushes) */
};

static unsigned attr_dpl(uint16_t attr)
{
    return (attr & SEG_ATTR_DPL) >> SEG_ATTR_DPL_SHIFT;
}

static bool attr_code(uint16_t attr)
{
    return (attr & SEG_ATTR_S) && (attr & SEG_TYPE_CODE);
}

static bool attr_conforming(uint16_t attr)
{
    return attr_code(attr) && (attr & SEG_TYPE_CONFORM);
}

static bool attr_writable_data(uint16_t attr)
{
    return (attr & SEG_ATTR_S) && !(attr & SEG_TYPE_CODE) && (attr & SEG_TYPE_WRITABLE);
}

/* Is off..off+size-1 inside the stack segment cache ss (expand-up or down)? */
static bool stack_fits(const struct seg *ss, uint32_t off, int size)
{
    uint32_t last = off + (uint32_t)size - 1;
    if (last < off)
        return false;
    if (!(ss->attr & SEG_TYPE_EXPDOWN))
        return last <= ss->limit;
    uint32_t top = (ss->attr & SEG_ATTR_DB) ? 0xffffffffu : 0xffffu;
    return off > ss->limit && last <= top;
}

/* --- the stack of a CALL --- */

/* A stack being written before it is installed: the caller's for a
 * same-level CALL, the inner level's for a CALL through a gate. */
struct new_stack {
    bool current;  /* the installed SS: accessed through mmu_write at the CPL */
    struct seg ss; /* its segment cache */
    uint32_t mask; /* 0xffff for a 16-bit (B = 0) stack, else all ones */
    uint32_t sp;   /* the stack pointer, moving down as we push */
};

/* Will n pushes of size bytes fit below s->sp? The current stack faults as
 * any SS access does (#SS(0)); an inner stack raises #SS(err). */
static int stack_room(struct cpu *c, const struct new_stack *s, int n, int size, uint32_t err)
{
    uint32_t sp = s->sp;
    uint64_t lin;
    for (int k = 0; k < n; k++) {
        sp = (sp - (uint32_t)size) & s->mask;
        if (s->current)
            TRY(mmu_check(c, SEG_SS, sp, size, MMU_WRITE, &lin));
        else if (!stack_fits(&s->ss, sp, size))
            return cpu_fault(c, EXC_SS, err);
    }
    return 0;
}

/* Push v (size bytes) on s; the room was checked by stack_room. Page
 * faults can still happen here, before anything is committed. An inner
 * stack is written as supervisor: the new CPL is below 3. */
static int stack_push(struct cpu *c, struct new_stack *s, int size, uint32_t v)
{
    uint32_t sp = (s->sp - (uint32_t)size) & s->mask;
    if (s->current)
        TRY(mmu_write(c, SEG_SS, sp, size, v));
    else
        TRY(mmu_write_lin(c, (s->ss.base + sp) & 0xffffffffu, size, v, MMU_SUPER));
    s->sp = sp;
    return 0;
}

/* The current stack, for a CALL that stays at the current level. */
static struct new_stack current_stack(const struct cpu *c)
{
    return (struct new_stack){true, c->seg[SEG_SS], c->stack32 ? 0xffffffffu : 0xffffu, cpu_sp(c)};
}

/* Install s as SS:eSP (for the current stack, only eSP changes). */
static void stack_commit(struct cpu *c, const struct new_stack *s)
{
    if (!s->current) {
        c->seg[SEG_SS] = s->ss;
        cpu_update_mode(c);
    }
    reg_set(c, R_ESP, s->mask == 0xffffu ? 2 : 4, s->sp);
}

/* --- real and virtual-8086 mode --- */

/* Load CS as real or v86 mode do: base = sel * 16. Real mode keeps the
 * limit and attributes (cpu.c); v86 mode makes CS 64 KiB of DPL-3 code. */
static void load_cs_real(struct cpu *c, uint16_t sel)
{
    if (cpu_v86(c))
        cpu_load_v86_seg(c, SEG_CS, sel);
    else
        cpu_load_real_seg(c, SEG_CS, sel);
}

/* Far JMP or CALL in real or v86 mode. The limit that judges the new EIP
 * is the one CS will have: unchanged in real mode, 64 KiB in v86 mode. */
static int far_real(struct cpu *c, struct far_ptr t, bool call)
{
    uint32_t limit = cpu_v86(c) ? 0xffffu : c->seg[SEG_CS].limit;
    struct new_stack s = current_stack(c);

    if (t.off > limit)
        return cpu_fault(c, EXC_GP, 0);
    if (call) {
        /* Real-mode stack faults are #SS(0) like any SS access. */
        TRY(stack_room(c, &s, 2, t.size, 0));
        TRY(stack_push(c, &s, t.size, c->seg[SEG_CS].sel));
        TRY(stack_push(c, &s, t.size, (uint32_t)c->eip));
        stack_commit(c, &s);
    }
    load_cs_real(c, t.sel);
    c->eip = t.off;
    return 0;
}

/* --- protected mode: to a code segment at the current level --- */

/* The end of every same-level transfer: check the stack room (CALL) and
 * the new EIP, push the return address, then load CS:EIP with the CPL
 * unchanged. size is what a CALL pushes: the operand or gate size. */
static int go_same_level(struct cpu *c, uint16_t sel, struct desc d, uint32_t eip, int size,
                         bool call)
{
    struct new_stack s = current_stack(c);

    if (call)
        TRY(stack_room(c, &s, 2, size, 0));
    if (eip > desc_limit(d))
        return cpu_fault(c, EXC_GP, 0);
    if (call) {
        TRY(stack_push(c, &s, size, c->seg[SEG_CS].sel));
        TRY(stack_push(c, &s, size, (uint32_t)c->eip));
    }
    TRY(cpu_set_accessed(c, sel, &d));
    if (call)
        stack_commit(c, &s);
    seg_load_cs(c, sel, d, c->cpl);
    c->eip = eip;
    return 0;
}

/* JMP or CALL straight to a code segment. */
static int to_code(struct cpu *c, struct far_ptr t, struct desc d, bool call)
{
    uint16_t attr = desc_attr(d);
    unsigned dpl = attr_dpl(attr), rpl = t.sel & 3u;

    if (attr_conforming(attr) ? dpl > c->cpl : (rpl > c->cpl || dpl != c->cpl))
        return cpu_fault(c, EXC_GP, sel_err(t.sel));
    if (!(attr & SEG_ATTR_P))
        return cpu_fault(c, EXC_NP, sel_err(t.sel));
    return go_same_level(c, t.sel, d, t.off, t.size, call);
}

/* --- protected mode: CALL through a gate to an inner level --- */

/* Read the inner level's SS:ESP from the current TSS (SS0:ESP0 at offsets
 * 8:4 of a 32-bit TSS, 4:2 of a 16-bit one; then the same for 1 and 2). */
static int tss_inner_stack(struct cpu *c, unsigned dpl, uint16_t *ss, uint32_t *esp)
{
    const struct seg *tr = &c->seg[SEG_TR];
    bool tss32 = (tr->attr & SEG_ATTR_TYPE & 8) != 0; /* types 9 and 11 */
    uint32_t at = tss32 ? dpl * 8 + 4 : dpl * 4 + 2;
    int size = tss32 ? 4 : 2;
    uint32_t v;

    if (at + (uint32_t)size + 1 > tr->limit) /* ESP then the 2-byte SS */
        return cpu_fault(c, EXC_TS, sel_err(tr->sel));
    TRY(mmu_read_lin(c, (tr->base + at) & 0xffffffffu, size, esp, MMU_SUPER));
    TRY(mmu_read_lin(c, (tr->base + at + (uint32_t)size) & 0xffffffffu, 2, &v, MMU_SUPER));
    *ss = (uint16_t)v;
    return 0;
}

/* Check the inner stack segment named by the TSS: #TS(ss), or #SS(ss) if
 * it is not present (SDM CALL, MORE-PRIVILEGE). */
static int check_inner_ss(struct cpu *c, uint16_t ss, unsigned dpl, struct desc *d)
{
    if ((ss & 0xfffcu) == 0)
        return cpu_fault(c, EXC_TS, sel_err(ss));
    TRY(seg_read_desc(c, ss, d, EXC_TS));
    uint16_t attr = desc_attr(*d);
    if ((ss & 3u) != dpl || attr_dpl(attr) != dpl || !attr_writable_data(attr))
        return cpu_fault(c, EXC_TS, sel_err(ss));
    if (!(attr & SEG_ATTR_P))
        return cpu_fault(c, EXC_SS, sel_err(ss));
    return 0;
}

/* Push the caller's SS:ESP, its parameters and its CS:EIP on the inner
 * stack s. The parameters are read from the caller's stack first. */
static int build_inner_frame(struct cpu *c, struct new_stack *s, int size, unsigned count)
{
    uint32_t param[31];

    for (unsigned k = 0; k < count; k++)
        TRY(stack_peek(c, k * (uint32_t)size, size, &param[k]));
    TRY(stack_push(c, s, size, c->seg[SEG_SS].sel));
    TRY(stack_push(c, s, size, (uint32_t)c->gpr[R_ESP]));
    /* The parameter nearest the caller's top of stack ends up nearest the
     * new top, so they keep their order: copy from the deepest one. */
    for (unsigned k = count; k-- > 0;)
        TRY(stack_push(c, s, size, param[k]));
    TRY(stack_push(c, s, size, c->seg[SEG_CS].sel));
    return stack_push(c, s, size, (uint32_t)c->eip);
}

/* CALL through gate g to the non-conforming code segment csel/cd whose
 * DPL is below the CPL: the stack switch. size is the gate's (2 or 4). */
static int call_inner(struct cpu *c, struct desc g, uint16_t csel, struct desc cd, uint32_t eip,
                      int size)
{
    unsigned dpl = attr_dpl(desc_attr(cd));
    unsigned count = g.hi & 0x1f; /* parameter count: bits 4:0 of the gate's high dword */
    uint16_t ss;
    uint32_t esp;
    struct desc sd;

    TRY(tss_inner_stack(c, dpl, &ss, &esp));
    TRY(check_inner_ss(c, ss, dpl, &sd));
    uint32_t mask = (desc_attr(sd) & SEG_ATTR_DB) ? 0xffffffffu : 0xffffu;
    struct new_stack s = {
        false, seg_make(ss, desc_base(sd), desc_limit(sd), desc_attr(sd)), mask, esp & mask};
    TRY(stack_room(c, &s, 4 + (int)count, size, sel_err(ss)));
    if (eip > desc_limit(cd))
        return cpu_fault(c, EXC_GP, 0);
    TRY(build_inner_frame(c, &s, size, count));
    TRY(cpu_set_accessed(c, ss, &sd));
    TRY(cpu_set_accessed(c, csel, &cd));
    s.ss.attr = desc_attr(sd);
    seg_fast_update(&s.ss); /* changed in place (the accessed bit): cpu.h */
    c->gpr[R_ESP] = esp; /* a 16-bit inner stack keeps ESP's upper half from the TSS */
    stack_commit(c, &s);
    seg_load_cs(c, csel, cd, dpl);
    c->eip = eip;
    return 0;
}

/* --- protected mode: gates and tasks --- */

/* JMP or CALL through the call gate gsel/g. */
static int via_call_gate(struct cpu *c, uint16_t gsel, struct desc g, bool call,
                         struct far_cost *fc)
{
    unsigned gdpl = attr_dpl(desc_attr(g));
    int size = (desc_attr(g) & SEG_ATTR_TYPE) == DESC_CALLGATE32 ? 4 : 2;
    uint16_t csel = (uint16_t)(g.lo >> 16);
    uint32_t eip = (g.lo & 0xffffu) | (size == 4 ? (g.hi & 0xffff0000u) : 0);
    struct desc cd;

    if (gdpl < c->cpl || (gsel & 3u) > gdpl)
        return cpu_fault(c, EXC_GP, sel_err(gsel));
    if (!(desc_attr(g) & SEG_ATTR_P))
        return cpu_fault(c, EXC_NP, sel_err(gsel));
    if ((csel & 0xfffcu) == 0)
        return cpu_fault(c, EXC_GP, 0);
    TRY(seg_read_desc(c, csel, &cd, EXC_GP));
    uint16_t cattr = desc_attr(cd);
    unsigned cdpl = attr_dpl(cattr);
    /* A JMP never changes the CPL: non-conforming targets need DPL = CPL. */
    if (!attr_code(cattr) || cdpl > c->cpl || (!call && !attr_conforming(cattr) && cdpl != c->cpl))
        return cpu_fault(c, EXC_GP, sel_err(csel));
    if (!(cattr & SEG_ATTR_P))
        return cpu_fault(c, EXC_NP, sel_err(csel));
    if (call && !attr_conforming(cattr) && cdpl < c->cpl) {
        *fc = (struct far_cost){PATH_INNER, g.hi & 0x1f};
        return call_inner(c, g, csel, cd, eip, size);
    }
    fc->path = PATH_GATE;
    return go_same_level(c, csel, cd, eip, size, call);
}

/* JMP or CALL to a TSS descriptor (tss_sel/d, gate = false) or through a
 * task gate (gsel/d, gate = true): the checks, then the task switch. */
static int via_task(struct cpu *c, uint16_t sel, struct desc d, bool gate, bool call)
{
    unsigned dpl = attr_dpl(desc_attr(d));

    if (dpl < c->cpl || (sel & 3u) > dpl)
        return cpu_fault(c, EXC_GP, sel_err(sel));
    if (!(desc_attr(d) & SEG_ATTR_P))
        return cpu_fault(c, EXC_NP, sel_err(sel));
    if (gate) {
        sel = (uint16_t)(d.lo >> 16); /* the gate's TSS selector */
        if (sel & 4)                  /* a TSS lives in the GDT */
            return cpu_fault(c, EXC_GP, sel_err(sel));
        TRY(seg_read_desc(c, sel, &d, EXC_GP));
        unsigned type = desc_attr(d) & (SEG_ATTR_S | SEG_ATTR_TYPE);
        if (type != DESC_TSS16_AVAIL && type != DESC_TSS32_AVAIL)
            return cpu_fault(c, EXC_GP, sel_err(sel));
        if (!(desc_attr(d) & SEG_ATTR_P))
            return cpu_fault(c, EXC_NP, sel_err(sel));
    } else if (sel & 4) {
        return cpu_fault(c, EXC_GP, sel_err(sel));
    }
    return task_switch(c, sel, d, call ? TASK_CALL : TASK_JMP, false, 0);
}

/* Far JMP or CALL in protected mode: dispatch on the descriptor type;
 * *fc says which way it went (it starts as PATH_SAME). */
static int far_protected(struct cpu *c, struct far_ptr t, bool call, struct far_cost *fc)
{
    struct desc d;

    if ((t.sel & 0xfffcu) == 0)
        return cpu_fault(c, EXC_GP, 0);
    TRY(seg_read_desc(c, t.sel, &d, EXC_GP));
    uint16_t attr = desc_attr(d);
    if (attr & SEG_ATTR_S) {
        if (!(attr & SEG_TYPE_CODE))
            return cpu_fault(c, EXC_GP, sel_err(t.sel));
        return to_code(c, t, d, call);
    }
    switch (attr & SEG_ATTR_TYPE) {
    case DESC_CALLGATE16:
    case DESC_CALLGATE32: return via_call_gate(c, t.sel, d, call, fc);
    case DESC_TASKGATE:
        fc->path = PATH_TASK_GATE;
        return via_task(c, t.sel, d, true, call);
    case DESC_TSS16_AVAIL:
    case DESC_TSS32_AVAIL:
        fc->path = PATH_TSS;
        return via_task(c, t.sel, d, false, call);
    default: return cpu_fault(c, EXC_GP, sel_err(t.sel)); /* busy TSS, LDT, int gates */
    }
}

/* Far JMP or CALL i to t, by mode; in protected mode, report the path. */
static int far_transfer(struct cpu *c, const struct insn *i, struct far_ptr t, bool call)
{
    struct far_cost fc = {PATH_SAME, 0};

    if (!cpu_protected(c) || cpu_v86(c))
        return far_real(c, t, call);
    TRY(far_protected(c, t, call, &fc));
    cycles_path(c, i, fc.path, fc.params);
    return 0;
}

/* The target of an Ap form: offset and selector are immediates. */
static struct far_ptr ptr_imm(const struct insn *i)
{
    return (struct far_ptr){i->imm2, i->imm, i->osize};
}

/* The target of an Mp form: offset (operand size) then selector in memory. */
static int ptr_mem(struct cpu *c, const struct insn *i, struct far_ptr *t)
{
    uint32_t off = ea_offset(c, i), sel;
    TRY(mmu_read(c, i->seg, off, i->osize, &t->off));
    TRY(mmu_read(c, i->seg, off + i->osize, 2, &sel));
    t->sel = (uint16_t)sel;
    t->size = i->osize;
    return 0;
}

/* JMP ptr16:16/ptr16:32 (EA). */
int op_jmp_far_Ap(struct cpu *c, const struct insn *i)
{
    return far_transfer(c, i, ptr_imm(i), false);
}

/* JMP m16:16/m16:32 (FF /5). */
int op_jmp_far_Mp(struct cpu *c, const struct insn *i)
{
    struct far_ptr t;
    TRY(ptr_mem(c, i, &t));
    return far_transfer(c, i, t, false);
}

/* CALL ptr16:16/ptr16:32 (9A). */
int op_call_far_Ap(struct cpu *c, const struct insn *i)
{
    return far_transfer(c, i, ptr_imm(i), true);
}

/* CALL m16:16/m16:32 (FF /3). */
int op_call_far_Mp(struct cpu *c, const struct insn *i)
{
    struct far_ptr t;
    TRY(ptr_mem(c, i, &t));
    return far_transfer(c, i, t, true);
}

/* --- far RET --- */

/* Move eSP up by n bytes, at the current stack's address size. */
static void stack_release(struct cpu *c, uint32_t n)
{
    cpu_set_sp(c, cpu_sp(c) + n);
}

/* RETF in real or v86 mode. */
static int ret_real(struct cpu *c, int size, uint32_t release)
{
    uint32_t eip, cs;
    TRY(stack_peek(c, 0, size, &eip));
    TRY(stack_peek(c, (uint32_t)size, size, &cs));
    if (eip > (cpu_v86(c) ? 0xffffu : c->seg[SEG_CS].limit))
        return cpu_fault(c, EXC_GP, 0);
    load_cs_real(c, (uint16_t)cs);
    c->eip = eip;
    stack_release(c, 2 * (uint32_t)size + release);
    return 0;
}

/* Check the outer level's SS popped by a RETF: #GP(ss), #SS(ss). */
static int check_outer_ss(struct cpu *c, uint16_t ss, unsigned rpl, struct desc *d)
{
    if ((ss & 0xfffcu) == 0)
        return cpu_fault(c, EXC_GP, 0);
    TRY(seg_read_desc(c, ss, d, EXC_GP));
    uint16_t attr = desc_attr(*d);
    if ((ss & 3u) != rpl || attr_dpl(attr) != rpl || !attr_writable_data(attr))
        return cpu_fault(c, EXC_GP, sel_err(ss));
    if (!(attr & SEG_ATTR_P))
        return cpu_fault(c, EXC_SS, sel_err(ss));
    return 0;
}

/* RETF to the outer level rpl: CS:EIP are popped and checked already. */
static int ret_outer(struct cpu *c, uint16_t csel, struct desc cd, uint32_t eip, int size,
                     uint32_t release)
{
    unsigned rpl = csel & 3u;
    uint32_t esp, ss;
    struct desc sd;

    TRY(stack_peek(c, 2 * (uint32_t)size + release, size, &esp));
    TRY(stack_peek(c, 3 * (uint32_t)size + release, size, &ss));
    TRY(check_outer_ss(c, (uint16_t)ss, rpl, &sd));
    if (eip > desc_limit(cd))
        return cpu_fault(c, EXC_GP, 0);
    TRY(cpu_set_accessed(c, csel, &cd));
    TRY(cpu_set_accessed(c, (uint16_t)ss, &sd));
    seg_load_cs(c, csel, cd, rpl);
    c->eip = eip;
    seg_load_cache(c, SEG_SS, (uint16_t)ss, sd);
    /* The caller's parameters are released on its stack too. A 16-bit
     * stack gets only SP: ESP's upper half keeps the inner level's bits,
     * as on the hardware (the leak Linux's "espfix" works around). */
    reg_set(c, R_ESP, c->stack32 ? 4 : 2, esp + release);
    seg_null_outer(c);
    return 0;
}

/* RETF in protected mode (SDM RET, "protected mode far return"). */
static int ret_protected(struct cpu *c, int size, uint32_t release)
{
    uint32_t eip, cs;
    struct desc cd;

    TRY(stack_peek(c, 0, size, &eip));
    TRY(stack_peek(c, (uint32_t)size, size, &cs));
    uint16_t csel = (uint16_t)cs;
    unsigned rpl = csel & 3u;
    if ((csel & 0xfffcu) == 0)
        return cpu_fault(c, EXC_GP, 0);
    TRY(seg_read_desc(c, csel, &cd, EXC_GP));
    uint16_t attr = desc_attr(cd);
    if (!attr_code(attr) || rpl < c->cpl ||
        (attr_conforming(attr) ? attr_dpl(attr) > rpl : attr_dpl(attr) != rpl))
        return cpu_fault(c, EXC_GP, sel_err(csel));
    if (!(attr & SEG_ATTR_P))
        return cpu_fault(c, EXC_NP, sel_err(csel));
    if (rpl > c->cpl)
        return ret_outer(c, csel, cd, eip, size, release);
    if (eip > desc_limit(cd))
        return cpu_fault(c, EXC_GP, 0);
    TRY(cpu_set_accessed(c, csel, &cd));
    seg_load_cs(c, csel, cd, c->cpl);
    c->eip = eip;
    stack_release(c, 2 * (uint32_t)size + release);
    return 0;
}

/* RETF (CB) and RETF imm16 (CA): the immediate is how many bytes of
 * parameters to release after popping the return address. */
int op_ret_far(struct cpu *c, const struct insn *i)
{
    uint32_t release = i->opcode == 0xca ? (uint16_t)i->imm : 0;
    unsigned cpl = c->cpl;

    if (!cpu_protected(c) || cpu_v86(c))
        return ret_real(c, i->osize, release);
    TRY(ret_protected(c, i->osize, release));
    cycles_path(c, i, c->cpl > cpl ? PATH_OUTER : PATH_SAME, 0);
    return 0;
}
