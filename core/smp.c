/*
 * smp.c - more than one CPU (--smp N): the application processors, and the
 * run loop that interleaves them with the bootstrap processor.
 *
 * A PC with several CPUs starts only one, the BSP (m->cpu, APIC ID 0): the
 * others, the APs (APIC IDs 1..N-1), wait after reset for an INIT and a
 * startup IPI from the BSP's local APIC (devices/lapic.c), the first
 * instruction of each at vector << 12 in real mode. The firmware, or the
 * kernel, learns how many there are from CMOS 0x5F, the MP table or by
 * counting the ones that answer.
 *
 * Interleaving. lab86 runs one CPU at a time on one host thread, so a run
 * is as deterministic with 8 CPUs as with one. Virtual time is the BSP's
 * cycle counter (the clock's, clock.h). Each turn:
 *
 *     1. serve the machine's requests (exit, power-off, reset, a triple
 *        fault on any CPU, an INIT a CPU sent itself), fire the due timers;
 *     2. the BSP runs up to the earliest of the next timer event and
 *        now + SMP_QUANTUM cycles (it may stop earlier: HLT, a device's
 *        request, a timer armed meanwhile and due);
 *     3. each AP in ID order runs until its own cycle count reaches the
 *        BSP's: the same stretch of virtual time.
 *
 * The end of emu_run()'s budget is not a turn boundary: when the budget
 * ends inside the BSP's part, the turn stays open (m->turn, saved in
 * snapshots) and the next call goes on with it; the debugger's stops do
 * the same. So the turns, and with them the whole run, do not depend on
 * how the front end slices it, where a snapshot was taken or restored, or
 * where the debugger stopped (bsp_part()).
 *
 * So a CPU sees another's store, IPI or device access at most a quantum
 * late, always at the same instruction. The devices see the time of the
 * BSP's cycle counter even for an AP's access, which lies up to a quantum
 * behind it (time never runs backwards for a device). The same turns
 * happen under both cores, which stop at the same instruction boundaries.
 *
 * A halted CPU does not spin: its clock jumps to the end of the turn, and
 * when every CPU is halted (or waiting for SIPI) with nothing to wake it,
 * the turn stretches to the next timer event, as a single CPU's HLT does.
 */
#include "board.h"

#include <stdlib.h>

#include "interp/exec.h"
#include "interp/tcache.h"

/* Cycles a CPU runs before the next one has its turn: short enough that a
 * CPU spinning on a flag another sets waits little, long enough that the
 * switch costs little. */
#define SMP_QUANTUM 2000u

int smp_create(struct emu *m)
{
    uint32_t n = m->cfg.cpus ? m->cfg.cpus : 1;
    m->n_cpus = 1;
    for (uint32_t k = 1; k < n; k++) {
        struct cpu *c = malloc(sizeof *c);
        if (!c)
            return -1;
        cpu_init(c, &m->bus);
        c->tsc_clock = &m->cpu.cycles; /* one TSC clock for all (ops_msr.c, tsc_cycles) */
        m->ap[k - 1] = c;
        m->n_cpus = k + 1;
    }
    return 0;
}

void smp_destroy(struct emu *m)
{
    for (uint32_t k = 1; k < m->n_cpus; k++)
        free(m->ap[k - 1]); /* its tcache is the BSP's (enter()) */
}

void smp_serve_inits(struct emu *m)
{
    for (uint32_t k = 0; k < m->n_cpus; k++)
        if (m->lapic[k])
            lapic_serve_init(m->lapic[k]);
}

/* Can CPU c run now (or be woken by what is pending)? */
static bool can_run(const struct emu *m, uint32_t k)
{
    const struct cpu *c = board_cpu((struct emu *)m, k);
    if (m->lapic[k] && lapic_waiting(m->lapic[k]))
        return false;
    if (c->stop != CPU_HALTED)
        return true;
    return c->nmi_pending || (c->intr_line && (c->eflags & FL_IF) && c->intr_ack);
}

/* Could anything wake a CPU later: one halted with IF = 1 (a timer may
 * interrupt it)? */
static bool wakeable(struct emu *m)
{
    for (uint32_t k = 0; k < m->n_cpus; k++) {
        struct cpu *c = board_cpu(m, k);
        bool waiting = m->lapic[k] && lapic_waiting(m->lapic[k]);
        if (!waiting && c->stop == CPU_HALTED && (c->eflags & FL_IF))
            return true;
    }
    return false;
}

/* Make c the running CPU, with the one block cache: it is keyed by
 * physical address, and a bus has room for one cache's watch on its pages
 * (tcache.h). */
static void enter(struct emu *m, struct cpu *c)
{
    m->apic_bus.running = c;
    if (m->cfg.core != EMU_CORE_SWITCH && !m->cpu.tcache)
        m->cpu.tcache = tcache_create(&m->bus);
    c->tcache = m->cpu.tcache;
}

/* Run c up to cycle until with the configured core. */
static void run_core(struct emu *m, struct cpu *c, uint64_t until)
{
    if (m->cfg.core == EMU_CORE_SWITCH)
        cpu_run(c, until);
    else
        cpu_run_threaded(c, until);
}

/* AP k's part of a turn, up to cycle until: one call of the core (or the
 * step that takes the interrupt that wakes it); one that cannot run just
 * moves its clock on. The next turn goes on where this one stopped. */
static void run_ap(struct emu *m, uint32_t k, uint64_t until)
{
    struct cpu *c = board_cpu(m, k);
    enter(m, c);
    if (!can_run(m, k)) {
        if (c->cycles < until)
            c->cycles = until;
    } else if (c->stop == CPU_HALTED) {
        cpu_step(c); /* the interrupt that wakes it */
    } else {
        run_core(m, c, until);
    }
    m->apic_bus.running = &m->cpu;
}

/* A request the turn boundary serves: reset, power-off, exit (board.c),
 * or an INIT the BSP sent itself. Each also stopped the CPU that made it. */
static bool requested(const struct emu *m)
{
    return m->exited || m->powered_off || m->reset_pending ||
           (m->lapic[0] && lapic_init_pending(m->lapic[0]));
}

/* The BSP's part of the open turn, no further than cycle end. It is over
 * at the first instruction boundary at which the turn's end is reached, a
 * timer is due, the BSP halts or shuts down, or a request is pending:
 * then true. A stop for the budget's end or the debugger (dbg_break) is
 * not the end of the turn: false, and the turn stays open, so the next
 * emu_run() goes on with the BSP before the APs run at all. That is what
 * makes a run independent of how it is cut into emu_run() calls: a
 * --savevm-at, a --max-cycles, the front end's slices, a debugger stop or
 * a replay of reverse execution see the very turns of one long run.
 *
 * Why "a timer is due" rather than "the CPU stopped at its deadline": a
 * device arming a timer lowers the running CPU's deadline, and re-arming
 * it later does not raise it again, so where cpu_run() stops depends on
 * the arms made since it was called, which differ when the run is cut.
 * Whether a timer is due at a boundary does not. */
static bool bsp_part(struct emu *m, uint64_t end)
{
    struct cpu *c = &m->cpu;
    for (;;) {
        uint64_t next = clock_next(&m->clock);
        uint64_t until = m->turn.until < next ? m->turn.until : next;
        if (c->cycles >= until)
            return true;
        if (c->cycles >= end)
            return false;
        uint64_t lim = until < end ? until : end;
        enter(m, c);
        if (!can_run(m, 0)) {
            c->cycles = lim; /* halted with nothing to wake it: time moves on */
            continue;
        }
        if (c->stop == CPU_HALTED) {
            cpu_step(c); /* the interrupt that wakes it, a turn of its own */
            return true;
        }
        run_core(m, c, lim);
        if (c->stop != CPU_RUNNING || requested(m))
            return true;
        if (c->dbg_break)
            return false; /* the debugger holds the BSP inside the turn */
        if (c->stop_request)
            return true;
        /* Else it reached lim, or a deadline a timer armed and moved: the
         * loop decides which. */
    }
}

/* A triple fault on any CPU shuts the machine down (the chipset sees the
 * shutdown cycle). */
static bool shut_down(struct emu *m)
{
    for (uint32_t k = 0; k < m->n_cpus; k++)
        if (board_cpu(m, k)->stop == CPU_SHUTDOWN)
            return true;
    return false;
}

/* The machine's requests at a turn boundary: reset, shutdown, INITs.
 * Returns true with *why set when the run stops. */
static bool serve_requests(struct emu *m, enum emu_stop *why)
{
    bool shutdown = shut_down(m);
    if (m->reset_pending || (shutdown && m->fw.flash_len != 0 && !m->cfg.no_reboot)) {
        m->reset_pending = false;
        board_reset(m);
    } else if (shutdown) {
        *why = EMU_STOP_TRIPLE_FAULT;
        return true;
    }
    smp_serve_inits(m);
    for (uint32_t k = 0; k < m->n_cpus; k++)
        board_cpu(m, k)->stop_request = false;
    return false;
}

/* Nothing can run: every CPU halted or waiting. Jump to the next timer
 * event if one could wake a CPU; else the run stops. Returns true to go on. */
static bool idle(struct emu *m, uint64_t end, enum emu_stop *why)
{
    uint64_t next = clock_next(&m->clock);
    if (!wakeable(m)) {
        *why = EMU_STOP_HALT_IF0;
        return false;
    }
    uint64_t to = next < end ? next : end;
    for (uint32_t k = 0; k < m->n_cpus; k++)
        if (board_cpu(m, k)->cycles < to)
            board_cpu(m, k)->cycles = to;
    if (next < end)
        return true;
    *why = next == CLOCK_NEVER ? EMU_STOP_IDLE : EMU_STOP_BUDGET;
    return false;
}

enum emu_stop smp_run(struct emu *m, uint64_t end)
{
    struct cpu *bsp = &m->cpu;
    enum emu_stop why;
    for (;;) {
        if (!m->turn.open) {
            if (m->exited)
                return EMU_STOP_EXIT;
            if (m->powered_off)
                return EMU_STOP_POWER_OFF;
            if (bsp->dbg_break)
                return EMU_STOP_BUDGET; /* the debugger stopped it (core/debug) */
            if (serve_requests(m, &why))
                return why;
            clock_dispatch(&m->clock);
            if (bsp->cycles >= end)
                return EMU_STOP_BUDGET;
            bool any = false;
            for (uint32_t k = 0; k < m->n_cpus && !any; k++)
                any = can_run(m, k);
            if (!any) {
                if (!idle(m, end, &why))
                    return why;
                continue;
            }
            m->turn = (struct smp_turn){.open = true, .until = bsp->cycles + SMP_QUANTUM};
        } else {
            if (bsp->dbg_break)
                return EMU_STOP_BUDGET;
            if (!requested(m))
                bsp->stop_request = false; /* the debugger's hold, now released */
        }
        if (!bsp_part(m, end))
            return EMU_STOP_BUDGET;
        m->turn.open = false;
        for (uint32_t k = 1; k < m->n_cpus; k++)
            if (board_cpu(m, k)->cycles < bsp->cycles)
                run_ap(m, k, bsp->cycles);
    }
}
