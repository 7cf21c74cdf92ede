/*
 * debug.c - the debugger core's run control: the hooks the interpreter
 * calls while it listens, and continue, stepi, next, finish and until.
 *
 * How a stop happens. While anything is set (a breakpoint, a watchpoint, a
 * step goal, a mode stop), the debugger sets c->attention and
 * c->single_step_only before it calls emu_run(): the threaded core then
 * defers to cpu_step(), which calls on_boundary() at every instruction
 * boundary, and the memory path and the interrupt delivery call
 * on_access() and on_vector(). A hook that decides to stop sets
 * c->dbg_break and c->stop_request: cpu_run() returns, and emu_run()
 * returns at once. After the run the hooks are switched off again, so a
 * machine whose debugger has nothing set runs at full speed.
 *
 * A stop at a boundary leaves the instruction there unexecuted. The next
 * run must not stop at the same boundary again (it would never move): the
 * first boundary after a resume skips the breakpoints, as EFLAGS.RF does
 * for the hardware's.
 *
 * Stepping counts boundaries where something happened: an instruction
 * retired or an interrupt or exception was delivered. A step into a fault
 * therefore lands on the handler's first instruction, as on hardware with
 * TF set.
 */
#include "debug/dbg_impl.h"

#include <stdlib.h>

#include "interp/exec.h"
#include "interp/insn.h"
#include "mmu/mmu.h"

/* Stop the run here: emu_run() returns at the next chance. */
static bool hold(struct dbg *d, enum dbg_stop reason, bool at_boundary)
{
    d->stop.reason = reason;
    d->stopped_at_boundary = at_boundary;
    d->c->dbg_break = true;
    d->c->stop_request = true;
    return true;
}

bool dbg_hold(struct dbg *d, enum dbg_stop reason, bool at_boundary)
{
    return hold(d, reason, at_boundary);
}

/* Decode the instruction at CS:EIP without side effects; false if unreadable. */
static bool peek_insn(struct dbg *d, struct insn *i)
{
    uint8_t buf[16];
    uint64_t lin = d->c->seg[SEG_CS].base + (d->c->eip & cpu_ip_mask(d->c));
    size_t n = dbg_read_linear(d, lin, buf, 15, NULL);
    return n > 0 && x86_decode(i, buf, (int)n, d->c->code32 ? 4 : 2) == DECODE_OK;
}

/* A MODE or CR3 event, found at the boundary after the instruction. */
static void record_change(struct dbg *d, enum dbg_event_kind kind, uint32_t old, uint32_t now)
{
    struct dbg_event e = {.kind = kind, .cs = d->c->seg[SEG_CS].sel,
                          .eip = (uint32_t)d->c->prev_eip, .old = old, .value = now};
    dbg_event_record(d, &e);
}

/* A mode switch or a new CR3 since the last boundary, when asked for. */
static bool mode_changed(struct dbg *d)
{
    int mode = dbg_cpu_mode(d->c);
    bool cr3 = d->c->cr3 != d->last_cr3;
    if (mode != d->last_mode && (d->ev_mask & DBG_EV_BIT(DBG_EV_MODE)))
        record_change(d, DBG_EV_MODE, (uint32_t)d->last_mode, (uint32_t)mode);
    if (cr3 && (d->ev_mask & DBG_EV_BIT(DBG_EV_CR3)))
        record_change(d, DBG_EV_CR3, (uint32_t)d->last_cr3, (uint32_t)d->c->cr3);
    d->stop.old_mode = d->last_mode;
    d->stop.new_mode = mode;
    d->last_mode = mode;
    d->last_cr3 = d->c->cr3;
    /* Held as not at the boundary, though it is: the breakpoints here were
     * not looked at yet, so the next run must not skip them (a breakpoint
     * on the instruction after MOV CR0 still stops, after the switch). */
    if (d->mode_owners && mode != d->stop.old_mode) {
        d->stop.owners = d->mode_owners;
        return hold(d, DBG_STOP_MODE_SWITCH, false);
    }
    if (!d->cr3_owners || !cr3)
        return false;
    d->stop.owners = d->cr3_owners;
    return hold(d, DBG_STOP_CR3_WRITE, false);
}

/* GOAL_FINISH: spot the frame's return, then stop after it. */
static bool finish_reached(struct dbg *d, bool moved)
{
    struct insn i;
    if (d->finish_ret)
        return moved && hold(d, DBG_STOP_STEP, true);
    if (!peek_insn(d, &i))
        return false;
    bool ret = i.op == OP_RET || i.op == OP_RET_Iw || i.op == OP_RETF || i.op == OP_RETF_Iw;
    if (ret && cpu_sp(d->c) >= d->finish_sp)
        d->finish_ret = true;
    return false;
}

static bool irq_returned(struct dbg *d);

/* The boundary hook: the debugger's every stop decision before an
 * instruction. A halted CPU is not at an instruction: no stop there. */
static bool on_boundary(void *opaque)
{
    struct dbg *d = opaque;
    struct cpu *c = d->c;
    if (c->stop == CPU_HALTED)
        return false;
    bool moved = c->instructions != d->seen_insns || d->delivered || d->move_pending;
    bool skip = d->skip_bp;
    d->seen_insns = c->instructions;
    d->delivered = false;
    d->skip_bp = false;
    d->move_pending = false;
    if (d->in_irq) /* stepping over a handler: its instructions do not count */
        moved = irq_returned(d);
    if (mode_changed(d)) {
        /* Told before the goal looked at this boundary: when the run resumes
         * here, a stepi that ends here ends here, not one instruction on. */
        d->move_pending = moved;
        return true;
    }
    if (d->change_pending && dbg_check_changes(d))
        return hold(d, DBG_STOP_WATCHPOINT, false); /* as any watchpoint: after the write */
    if (d->goal == GOAL_STEP && moved && --d->step_left == 0)
        return hold(d, DBG_STOP_STEP, true);
    if (d->goal == GOAL_FINISH && finish_reached(d, moved))
        return true;
    if (skip || !dbg_check_breakpoints(d))
        return false;
    /* The goal's own breakpoint (next, until) is a step done, not a breakpoint. */
    return hold(d, d->stop.id == d->goal_bp ? DBG_STOP_STEP : DBG_STOP_BREAKPOINT, true);
}

/* Stepping over interrupts: a hardware interrupt came during a step. Note
 * where it returns, and whether the step had already moved (a HLT that
 * retired before the interrupt woke it). */
static void irq_taken(struct dbg *d)
{
    struct cpu *c = d->c;
    if (!d->step_over_irq || d->goal != GOAL_STEP || d->in_irq)
        return;
    d->in_irq = true;
    d->irq_moved = c->instructions != d->seen_insns;
    d->irq_cs = c->seg[SEG_CS].sel;
    d->irq_ss = c->seg[SEG_SS].sel;
    d->irq_eip = (uint32_t)c->eip;
    d->irq_sp = cpu_sp(c);
}

/* At a boundary while a handler runs through: back where it came from,
 * with the stack as it was (so a nested return to the same place is not
 * it)? Then the step goes on, counting what it had done before. */
static bool irq_returned(struct dbg *d)
{
    struct cpu *c = d->c;
    if (c->seg[SEG_CS].sel != d->irq_cs || (uint32_t)c->eip != d->irq_eip ||
        c->seg[SEG_SS].sel != d->irq_ss || cpu_sp(c) != d->irq_sp)
        return false;
    d->in_irq = false;
    return d->irq_moved;
}

/* The trap hook: events and stops (stops.c); a hardware interrupt may
 * start a step-over. */
static void on_trap(void *opaque, int kind, uint64_t a, uint64_t b)
{
    if (kind == TRAP_INTR)
        irq_taken(opaque);
    dbg_on_trap(opaque, kind, a, b);
}

/* The access hook: watchpoints. The instruction completes; the run stops
 * after it. */
static void on_access(void *opaque, uint64_t lin, int size, bool write)
{
    struct dbg *d = opaque;
    /* Event readers keep the hooks on for the threaded core: without a
     * watchpoint, every data access returns here at once. */
    if (d->watching && !d->c->dbg_break && dbg_check_watch(d, lin, size, write))
        hold(d, DBG_STOP_WATCHPOINT, false);
}

/* The delivery hook: counts as a step. (The vector stops are decided by
 * the trap hook the delivery calls next: stops.c.) */
static void on_vector(void *opaque, int vector)
{
    struct dbg *d = opaque;
    (void)vector;
    d->delivered = true;
}

static const struct cpu_dbg_hooks hooks = {
    .boundary = on_boundary, .access = on_access, .vector = on_vector, .trap = on_trap};

struct dbg *dbg_create(struct emu *m)
{
    struct dbg *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->m = m;
    d->c = emu_cpu(m);
    d->next_id = 1;
    d->c->dbg = &hooks;
    d->c->dbg_opaque = d;
    emu_set_serial_tap(m, dbg_on_serial, d);
    return d;
}

void dbg_destroy(struct dbg *d)
{
    if (!d)
        return;
    d->c->attention = false;
    mmu_watch_changed(d->c); /* the data fast path follows (mmu.h) */
    d->c->single_step_only = false;
    d->c->dbg_break = false;
    d->c->dbg = NULL;
    emu_set_serial_tap(d->m, NULL, NULL);
    dbg_events_free(d);
    dbg_symbols_free(d);
    dbg_rev_free(d);
    dbg_free_tables(d);
    dbg_disasm_close(d);
    free(d);
}

struct emu *dbg_emu(struct dbg *d)
{
    return d->m;
}

/* Switch the hooks on when something needs them, from a clean slate.
 * Breakpoints, goals, MODE and CR3 events need every boundary (single
 * steps); events and I/O, serial and trap stops only the hooks, so the
 * threaded core keeps its speed for them. */
static void arm(struct dbg *d)
{
    struct cpu *c = d->c;
    unsigned boundary_events = DBG_EV_BIT(DBG_EV_MODE) | DBG_EV_BIT(DBG_EV_CR3);
    bool step = d->goal != GOAL_NONE || dbg_tables_active(d) || (d->ev_mask & boundary_events);
    bool hooks_on = step || d->ev_mask != 0 || dbg_stops_active(d);
    c->attention = hooks_on;
    mmu_watch_changed(c); /* the data fast path follows (mmu.h) */
    c->single_step_only = step;
    d->watching = false;
    for (int k = 0; k < DBG_MAX_WATCH; k++)
        d->watching |= d->wp[k].id != 0;
    c->dbg_break = false;
    d->stop = (struct dbg_stop_info){.reason = DBG_STOP_BUDGET};
    d->skip_bp = d->stopped_at_boundary;
    d->stopped_at_boundary = false;
    d->last_mode = dbg_cpu_mode(c);
    d->last_cr3 = c->cr3;
}

/* Map the machine's own stops; a debugger stop is already in d->stop. */
static enum dbg_stop machine_stop(struct dbg *d, enum emu_stop why)
{
    switch (why) {
    case EMU_STOP_EXIT: d->stop.exit_code = emu_exit_code(d->m); return DBG_STOP_EXIT;
    case EMU_STOP_TRIPLE_FAULT: return DBG_STOP_TRIPLE_FAULT;
    case EMU_STOP_HALT_IF0:
    case EMU_STOP_IDLE: return DBG_STOP_HALT;
    case EMU_STOP_POWER_OFF: return DBG_STOP_POWER_OFF;
    case EMU_STOP_BUDGET: break;
    }
    return DBG_STOP_BUDGET;
}

/* Drop the goal and its temporary breakpoint. */
static void end_goal(struct dbg *d)
{
    if (d->goal_bp)
        dbg_delete(d, d->goal_bp);
    d->goal_bp = 0;
    d->goal = GOAL_NONE;
    d->finish_ret = false;
    d->in_irq = false;
    d->move_pending = false;
    /* A new run command counts from here. dbg_resume does not come here: the
     * instruction (or delivery) that ended a budget slice or a stop after
     * it retired past a boundary the hook has not seen yet, and counts. */
    d->seen_insns = d->c->instructions;
    d->delivered = false;
}

void dbg_end_goal(struct dbg *d)
{
    end_goal(d);
}

/* One run: arm, emu_run(), disarm, say why. A budget stop keeps the goal. */
static enum dbg_stop run(struct dbg *d, uint64_t max_cycles)
{
    struct cpu *c = d->c;
    arm(d);
    enum emu_stop why = d->rev ? dbg_rev_run(d, max_cycles) : emu_run(d->m, max_cycles);
    bool ours = c->dbg_break;
    c->attention = false;
    mmu_watch_changed(c); /* the data fast path follows (mmu.h) */
    c->single_step_only = false;
    c->dbg_break = false;
    if (!ours) {
        d->stop = (struct dbg_stop_info){.reason = machine_stop(d, why)};
        d->stop.exit_code = why == EMU_STOP_EXIT ? emu_exit_code(d->m) : 0;
    }
    /* The goal ends when it is reached or the machine ends; another stop
     * (a breakpoint in a function `next` steps over) keeps it, so that a
     * front end passing over that stop can go on toward it (dbg_resume). */
    if (d->stop.reason == DBG_STOP_STEP || (!ours && d->stop.reason != DBG_STOP_BUDGET))
        end_goal(d);
    return d->stop.reason;
}

enum dbg_stop dbg_continue(struct dbg *d, uint64_t max_cycles)
{
    end_goal(d);
    return run(d, max_cycles);
}

enum dbg_stop dbg_resume(struct dbg *d, uint64_t max_cycles)
{
    return run(d, max_cycles);
}

enum dbg_stop dbg_stepi(struct dbg *d, int n, uint64_t max_cycles)
{
    end_goal(d);
    d->goal = GOAL_STEP;
    d->step_left = n < 1 ? 1 : n;
    return run(d, max_cycles);
}

/* Does next step over this instruction? Calls, software interrupts and
 * repeated string instructions return to the instruction after them. */
static bool steps_over(const struct insn *i)
{
    switch (i->op) {
    case OP_CALL_Jz:
    case OP_CALL_Ev:
    case OP_CALL_Ap:
    case OP_CALL_Mp:
    case OP_INT_Ib:
    case OP_INT3:
    case OP_INTO: return true;
    default: return i->rep != REP_NONE && (x86_attr(i->op) & A_STR);
    }
}

enum dbg_stop dbg_next(struct dbg *d, uint64_t max_cycles)
{
    struct insn i;
    struct cpu *c = d->c;
    if (!peek_insn(d, &i) || !steps_over(&i))
        return dbg_stepi(d, 1, max_cycles);
    end_goal(d);
    uint32_t after = (uint32_t)(c->eip + i.len) & cpu_ip_mask(c);
    d->goal_bp = dbg_break_goal(d, c->seg[SEG_CS].sel, after, cpu_sp(c));
    if (d->goal_bp < 0)
        return dbg_stepi(d, 1, max_cycles);
    return run(d, max_cycles);
}

enum dbg_stop dbg_finish(struct dbg *d, uint64_t max_cycles)
{
    end_goal(d);
    d->goal = GOAL_FINISH;
    d->finish_sp = cpu_sp(d->c);
    return run(d, max_cycles);
}

enum dbg_stop dbg_until(struct dbg *d, uint64_t lin, uint64_t max_cycles)
{
    end_goal(d);
    d->goal_bp = dbg_break_linear(d, lin, true);
    if (d->goal_bp < 0) {
        d->goal_bp = 0;
        return dbg_continue(d, max_cycles);
    }
    return run(d, max_cycles);
}

void dbg_set_step_interrupts(struct dbg *d, bool into)
{
    d->step_over_irq = !into;
}

bool dbg_get_step_interrupts(const struct dbg *d)
{
    return !d->step_over_irq;
}

void dbg_last_stop(const struct dbg *d, struct dbg_stop_info *out)
{
    *out = d->stop;
}
