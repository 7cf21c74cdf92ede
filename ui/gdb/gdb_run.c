/*
 * gdb_run.c - gdb_serve(): a debugging session over the GDB remote
 * protocol, and the loop that runs the machine while gdb lets it.
 *
 * The stub is always in one of three situations:
 *
 *   - no client: it listens. A running machine runs on (a new client
 *     stops it, since gdb assumes a stopped target when it connects); a
 *     stopped one (-S, or left stopped by a client that went away) waits.
 *   - a client and a stopped machine: it waits for a packet and answers it
 *     (gdbstub.c). c, s and vCont start the machine.
 *   - a client and a running machine: the debugger core runs it in slices
 *     of GDB_SLICE cycles; between two slices the front end gets its turn
 *     (input, screen) and the socket is checked for gdb's Ctrl-C (0x03).
 *     A stop the core reports (breakpoint, watchpoint, step done) becomes a
 *     stop reply; the end of the machine (exit device, power-off, triple
 *     fault, the cycle limit) becomes W or X, and the session ends.
 *
 * After `detach` the machine runs on to its end with nothing set; `kill`
 * ends the session at once. A client that disconnects takes its
 * breakpoints and watchpoints with it and leaves the machine where it is.
 *
 * Slices change nothing the guest sees: the debugger core counts virtual
 * cycles, so a run under gdb executes the same instructions in the same
 * cycles as `lab86 run` (until someone changes a register, of course).
 */
#include "gdb/gdb_impl.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tui/cmd.h"

/* Cycles per run slice: gdb's Ctrl-C is seen within one slice. */
#define GDB_SLICE 1000000u

/* What a slice decided. */
enum slice_result { SLICE_GO_ON, SLICE_STOPPED, SLICE_END };

/* The front end's turn: false when the user asked to quit. */
static bool front_end_ok(struct gdb_stub *s)
{
    return !s->cfg->poll || s->cfg->poll(s->cfg->ctx);
}

/* Tell gdb why the machine stopped (if anyone is listening). */
static void report_stop(struct gdb_stub *s)
{
    char text[64];
    gdb_stop_reply(s, text, sizeof text);
    gdb_send_str(s, text);
    s->running = false;
    s->interrupted = false;
}

/* A new client: the machine stops where it is, between two slices. */
static void on_connect(struct gdb_stub *s)
{
    if (s->running)
        s->interrupted = true; /* '?' answers T02, as after a Ctrl-C */
    s->running = false;
}

/* One packet from a stopped machine's client; false when the wait ended
 * with nothing (a signal, or the client left). */
static bool serve_packet(struct gdb_stub *s)
{
    switch (gdb_receive(s, true)) {
    case GDB_RD_PACKET:
        gdb_ack(s, true);
        gdb_handle_packet(s, s->rd.buf, s->rd.len);
        if (s->running)
            s->fresh = true;
        return true;
    case GDB_RD_BAD: gdb_ack(s, false); return true;
    case GDB_RD_NAK: gdb_resend(s); return true;
    case GDB_RD_NONE: return false;
    default: return true; /* '+', or a late 0x03 */
    }
}

/* Between slices: did gdb send a Ctrl-C? Anything else a running target
 * gets is acknowledged and dropped (all-stop gdb sends nothing else). */
static bool interrupt_requested(struct gdb_stub *s)
{
    for (;;) {
        switch (gdb_receive(s, false)) {
        case GDB_RD_NONE: return false;
        case GDB_RD_INTERRUPT: return true;
        case GDB_RD_PACKET: gdb_ack(s, true); break;
        case GDB_RD_BAD: gdb_ack(s, false); break;
        default: break;
        }
    }
}

/* An idle machine (halted, nothing armed to wake it) with no cycle limit:
 * wait for gdb, or a tenth of a second for the front end's input, instead
 * of spinning. Host time only paces the polling: the guest sees none of it. */
static void wait_idle(struct gdb_stub *s)
{
    struct pollfd p = {.fd = s->fd >= 0 ? s->fd : s->listen_fd, .events = POLLIN};
    poll(&p, 1, 100);
}

/* The machine stopped for good: say so to gdb and end the session. */
static enum slice_result machine_end(struct gdb_stub *s)
{
    report_stop(s);
    return SLICE_END;
}

/* The core returned a stop that is not the end. */
static enum slice_result core_stop(struct gdb_stub *s, enum dbg_stop why)
{
    struct dbg_cpu_view v;
    if (why == DBG_STOP_HALT) {
        dbg_get_cpu(s->d, &v);
        if (!(v.eflags & (1u << 9))) /* IF = 0: nothing can wake it */
            return s->fd >= 0 && !s->detached ? (report_stop(s), SLICE_STOPPED) : SLICE_END;
        s->fresh = true; /* idle: the goal starts again when something wakes it */
        if (!s->cfg->max_cycles)
            wait_idle(s);
        return SLICE_GO_ON;
    }
    if (s->fd < 0 || s->detached) {
        s->fresh = true; /* nobody to tell (a goal of a client that left): run on */
        s->step = false;
        return SLICE_GO_ON;
    }
    report_stop(s);
    return SLICE_STOPPED;
}

/* Run one slice toward the current goal. */
static enum slice_result run_slice(struct gdb_stub *s)
{
    struct emu *m = dbg_emu(s->d);
    uint64_t budget = GDB_SLICE, now = emu_cycles(m), max = s->cfg->max_cycles;
    if (max && now >= max) {
        s->limit = true;
        return machine_end(s);
    }
    if (max && max - now < budget)
        budget = max - now;
    enum dbg_stop why;
    if (!s->fresh)
        why = dbg_resume(s->d, budget);
    else if (s->step)
        why = dbg_stepi(s->d, 1, budget);
    else
        why = dbg_continue(s->d, budget);
    s->fresh = false;
    switch (why) {
    case DBG_STOP_EXIT:
    case DBG_STOP_POWER_OFF:
    case DBG_STOP_TRIPLE_FAULT: return machine_end(s);
    case DBG_STOP_BUDGET: break;
    default: return core_stop(s, why);
    }
    if (s->fd >= 0 && !s->detached && interrupt_requested(s)) {
        s->interrupted = true;
        report_stop(s);
        return SLICE_STOPPED;
    }
    return SLICE_GO_ON;
}

/* The session's loop; returns how it ended. */
static enum gdb_end serve(struct gdb_stub *s)
{
    for (;;) {
        if (s->killed)
            return GDB_END_KILLED;
        if (s->detached && s->fd >= 0) {
            gdb_disconnect(s); /* the OK went out: now run to the end */
            s->running = s->fresh = true;
            s->step = false;
        }
        if (s->fd < 0 && !s->detached && gdb_accept(s, !s->running)) {
            on_connect(s);
            continue;
        }
        if (s->running) {
            if (run_slice(s) == SLICE_END)
                return s->limit ? GDB_END_LIMIT : GDB_END_MACHINE;
        } else if (s->fd >= 0 && serve_packet(s)) {
            continue;
        }
        if (!front_end_ok(s))
            return GDB_END_QUIT;
    }
}

enum gdb_end gdb_serve(struct dbg *d, const struct gdb_config *cfg)
{
    struct gdb_stub *s = calloc(1, sizeof *s);
    if (!s) {
        fprintf(stderr, "lab86: gdb: out of memory\n");
        return GDB_END_ERROR;
    }
    s->d = d;
    s->cfg = cfg;
    s->fd = s->listen_fd = -1;
    enum gdb_end end = GDB_END_ERROR;
    if (gdb_listen(s) == 0) {
        s->monitor = cfg->monitor ? cfg->monitor : cmd_create(d);
        s->own_monitor = !cfg->monitor;
        s->running = s->fresh = !cfg->start_stopped;
        end = serve(s);
    }
    gdb_disconnect(s);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->own_monitor)
        cmd_destroy(s->monitor);
    free(s);
    return end;
}
