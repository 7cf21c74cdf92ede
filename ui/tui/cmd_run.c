/*
 * cmd_run.c - the commands that run the machine (continue, stepi, step,
 * next, finish, until, rstepi, rcontinue) and how a stop is told.
 *
 * Every run goes through core/debug in slices of CMD_SLICE cycles: the
 * core returns DBG_STOP_BUDGET at the end of a slice with the command's
 * goal kept, the front end's poll() may interrupt (Ctrl-C, a gdb client's
 * break, a TUI refreshing its panes), and dbg_resume() goes on. A slice
 * never changes what the guest sees: runs are deterministic in cycles, so
 * the same script stops at the same instruction and cycle every time.
 *
 * A stop is told the way gdb tells it, then the next instruction is shown
 * disassembled:
 *
 *     Breakpoint 1, 0x00007c00
 *     => 0x00007c00: fa                   cli
 *
 *     Watchpoint 2: [0x00000500] 1 byte written (now 0xff)
 *     [the guest exited with code 16: status 33]
 *
 * When the guest has ended the run (its exit device, a power-off, a triple
 * fault, a halt with interrupts disabled) the run commands refuse, as gdb
 * does once the program has exited: nothing would run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/cmd_impl.h"

#define CMD_SLICE 4000000u /* cycles between polls of the front end */
#define LINE_STEP_MAX 1000000L /* instructions a source-line step takes at most */

/* Exit statuses of lab86 run (ui/cli/cli.h) for the ends a debug run shares. */
#define STATUS_TRIPLE_FAULT 4
#define STATUS_HALTED 8

/* The bytes of an instruction line: up to 6, then "..". */
static void hex_bytes(const uint8_t *b, int len, char *out, size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (int i = 0; i < len && i < 6 && k < n; i++)
        k += (size_t)snprintf(out + k, n - k, "%s%02x", i ? " " : "", b[i]);
    if (len > 6 && k < n)
        snprintf(out + k, n - k, " ..");
}

int cmd_show_insn(struct cmd *c, const struct cmd_io *io, uint64_t lin, const char *marker)
{
    char text[128], bytes[32], sym[160];
    uint8_t buf[16];
    int len = dbg_disasm(c->d, lin, text, sizeof text);
    cmd_symbolize(c, lin, " <", ">", sym, sizeof sym);
    if (len <= 0) {
        cmd_out(io, "%s0x%08llx%s: %s", marker, (unsigned long long)lin, sym,
                dbg_read_linear(c->d, lin, buf, 1, NULL) ? "(bad)" : "(unreadable)");
        return 0;
    }
    dbg_read_linear(c->d, lin, buf, (size_t)len, NULL);
    hex_bytes(buf, len, bytes, sizeof bytes);
    cmd_out(io, "%s0x%08llx%s: %-20s %s", marker, (unsigned long long)lin, sym, bytes, text);
    return len;
}

/* The linear address of CS:EIP. */
static uint64_t here(struct cmd *c)
{
    struct dbg_cpu_view v;
    dbg_get_cpu(c->d, &v);
    return (uint32_t)(v.seg[DBG_CS].base + (v.code32 ? v.eip : v.eip & 0xffff));
}

void cmd_show_where(struct cmd *c, const struct cmd_io *io)
{
    char file[256];
    int line;
    uint64_t lin = here(c);
    if (dbg_symbol_count(c->d) && dbg_addr_line(c->d, lin, file, sizeof file, &line) == 0)
        cmd_out(io, "at %s:%d", file, line);
    cmd_show_insn(c, io, lin, "=> ");
}

/* Refuse to run once the guest has ended, or at the cycle limit. */
static int cannot_run(struct cmd *c, const char *name, const struct cmd_io *io)
{
    if (c->ended)
        return cmd_fail(io, name, "the guest has ended the run (status %d): nothing to run",
                        c->end_status);
    if (c->max_cycles && emu_cycles(dbg_emu(c->d)) >= c->max_cycles)
        return cmd_fail(io, name, "the cycle limit %llu is reached",
                        (unsigned long long)c->max_cycles);
    return 0;
}

/* The budget of the next slice: CMD_SLICE, or what is left to the limit. */
static uint64_t slice(struct cmd *c)
{
    uint64_t now = emu_cycles(dbg_emu(c->d));
    if (c->max_cycles && c->max_cycles - now < CMD_SLICE)
        return c->max_cycles - now;
    return CMD_SLICE;
}

/* The guest ended the run with status. */
static void ended(struct cmd *c, int status)
{
    c->ended = true;
    c->end_status = status;
}

/* A watchpoint stop: where, how many bytes, which way, the value now. */
static void tell_watch(struct cmd *c, const struct dbg_stop_info *s, const struct cmd_io *io)
{
    uint8_t b[8] = {0};
    int size = s->size > 0 && s->size <= 8 ? s->size : 1;
    uint64_t v = 0;
    if (s->changed) { /* a value-change watchpoint (watch -c) */
        cmd_out(io, "Watchpoint %d: [0x%08llx] %d byte%s changed: 0x%0*llx -> 0x%0*llx", s->id,
                (unsigned long long)s->addr, s->size, s->size == 1 ? "" : "s", size * 2,
                (unsigned long long)s->old_value, size * 2, (unsigned long long)s->new_value);
        return;
    }
    dbg_read_linear(c->d, s->addr, b, (size_t)size, NULL);
    for (int k = size - 1; k >= 0; k--)
        v = v << 8 | b[k];
    cmd_out(io, "Watchpoint %d: [0x%08llx] %d byte%s %s (now 0x%0*llx)", s->id,
            (unsigned long long)s->addr, s->size, s->size == 1 ? "" : "s",
            s->write ? "written" : "read", size * 2, (unsigned long long)v);
}

/* A halt: for good with IF = 0, else waiting for an interrupt nothing raises. */
static void tell_halt(struct cmd *c, const struct cmd_io *io)
{
    struct dbg_cpu_view v;
    dbg_get_cpu(c->d, &v);
    if (!(v.eflags & 0x200)) {
        cmd_out(io, "[the CPU halted with interrupts disabled at %04x:%08llx: status %d]",
                v.seg[DBG_CS].sel, (unsigned long long)v.eip, STATUS_HALTED);
        ended(c, STATUS_HALTED);
    } else {
        cmd_out(io, "[the CPU is halted waiting for an interrupt, and no device will raise one]");
    }
}

/* A vector stop: the vector and how it came (catch vector N, or a Lua
 * script's m:on_exception / m:on_interrupt). */
static void tell_vector(const struct dbg_stop_info *s, const struct cmd_io *io)
{
    if (s->trap == TRAP_EXCEPTION && s->has_error)
        cmd_out(io, "Vector 0x%02x delivered (exception, error code 0x%x)", s->vector, s->value);
    else
        cmd_out(io, "Vector 0x%02x delivered (%s)", s->vector,
                s->trap == TRAP_EXCEPTION ? "exception"
                : s->trap == TRAP_INTR    ? "external interrupt"
                                          : "INT n");
}

/* The debugger core's own stops: I/O, serial text, trap kinds, modes. */
static void tell_event_stop(const struct dbg_stop_info *s, const struct dbg_cpu_view *v,
                            const struct cmd_io *io)
{
    switch (s->reason) {
    case DBG_STOP_IO:
        cmd_out(io, "Catchpoint %d: %s port 0x%04llx, %d byte%s, value 0x%0*x", s->id,
                s->write ? "out to" : "in from", (unsigned long long)s->addr, s->size,
                s->size == 1 ? "" : "s", s->size * 2, s->value);
        break;
    case DBG_STOP_SERIAL:
        cmd_out(io, "Catchpoint %d: the text was sent on port 0x%04llx", s->id,
                (unsigned long long)s->addr);
        break;
    case DBG_STOP_TRAP:
        cmd_out(io, "Catchpoint: trap %s (a 0x%llx, b 0x%x)", dbg_trap_name(s->trap),
                (unsigned long long)s->addr, s->value);
        break;
    case DBG_STOP_MODE_SWITCH:
        cmd_out(io, "Mode switch: %s -> %s", dbg_mode_name(s->old_mode),
                dbg_mode_name(s->new_mode));
        break;
    case DBG_STOP_CR3_WRITE: cmd_out(io, "CR3 write: 0x%08llx", (unsigned long long)v->cr[3]); break;
    case DBG_STOP_VECTOR: tell_vector(s, io); break;
    case DBG_STOP_HISTORY_START:
        cmd_out(io, "[the start of the reverse history: nothing older is kept]");
        break;
    default: break;
    }
}

/* Say why the run stopped; false when the guest ended it (no "=>" line). */
static bool tell_stop(struct cmd *c, enum dbg_stop why, bool temporary, const struct cmd_io *io)
{
    struct dbg_stop_info s;
    struct dbg_cpu_view v;
    char sym[160];
    dbg_last_stop(c->d, &s);
    dbg_get_cpu(c->d, &v);
    s.reason = why;
    switch (why) {
    case DBG_STOP_BREAKPOINT:
        cmd_symbolize(c, here(c), " in ", "", sym, sizeof sym);
        cmd_out(io, "%s %d, 0x%08llx%s", temporary ? "Temporary breakpoint" : "Breakpoint", s.id,
                (unsigned long long)here(c), sym);
        break;
    case DBG_STOP_WATCHPOINT: tell_watch(c, &s, io); break;
    case DBG_STOP_STEP:
    case DBG_STOP_BUDGET: break;
    case DBG_STOP_EXIT:
        ended(c, (int)(((s.exit_code << 1) | 1) & 0xff));
        cmd_out(io, "[the guest exited with code %u: status %d]", s.exit_code, c->end_status);
        return false;
    case DBG_STOP_POWER_OFF:
        ended(c, 0);
        cmd_out(io, "[the guest powered the machine off: status 0]");
        return false;
    case DBG_STOP_TRIPLE_FAULT:
        ended(c, STATUS_TRIPLE_FAULT);
        cmd_out(io, "[triple fault at %04x:%08llx: status %d]", v.seg[DBG_CS].sel,
                (unsigned long long)v.eip, STATUS_TRIPLE_FAULT);
        return false;
    case DBG_STOP_HALT: tell_halt(c, io); return !c->ended;
    case DBG_STOP_MODE_SWITCH:
    case DBG_STOP_CR3_WRITE:
    case DBG_STOP_VECTOR:
    case DBG_STOP_IO:
    case DBG_STOP_SERIAL:
    case DBG_STOP_TRAP:
    case DBG_STOP_HISTORY_START: tell_event_stop(&s, &v, io); break;
    }
    return true;
}

/* Was id a temporary breakpoint the interpreter set? (Asked before the
 * table forgets it.) */
static bool was_temporary(struct cmd *c, int id)
{
    for (int k = 0; k < CMD_BP_MAX; k++)
        if (c->bp[k].id == id)
            return c->bp[k].temporary;
    return false;
}

/* Why a run ended before its stop: the front end's poll, or the limit. */
enum cut { CUT_NONE, CUT_POLL, CUT_LIMIT };

/* A stop a Lua chunk may have asked for (`lua`, `source FILE.lua`,
 * --script): m:breakpoint, m:watch, m:on_io, m:on_serial by their ids;
 * m:on_exception, m:on_interrupt, m:on_trap, m:on_mode_switch by the stop's
 * owners (the session's switch stops are its own: debug.h). */
static bool scriptable(enum dbg_stop why)
{
    switch (why) {
    case DBG_STOP_BREAKPOINT:
    case DBG_STOP_WATCHPOINT:
    case DBG_STOP_IO:
    case DBG_STOP_SERIAL:
    case DBG_STOP_VECTOR:
    case DBG_STOP_TRAP:
    case DBG_STOP_MODE_SWITCH:
    case DBG_STOP_CR3_WRITE: return true;
    default: return false;
    }
}

/* Resume from a run call's answer until a stop other than the budget. A
 * stop of the Lua session's runs its callbacks, which decide, as under
 * m:run, whether the run goes on (toward the run command's goal, which the
 * core keeps: dbg_resume) or stops here. When the front end's poll or the
 * cycle limit ends the run first, *cut says so (the stop returned is then
 * DBG_STOP_BUDGET or one the callbacks passed over, and is not told). */
static enum dbg_stop drive(struct cmd *c, enum dbg_stop why, const struct cmd_io *io,
                           enum cut *cut)
{
    c->ran = true;
    for (;;) {
        if (why != DBG_STOP_BUDGET &&
            (!c->lua || !scriptable(why) || cmd_lua_stop(c, why, io)))
            return why;
        if (c->max_cycles && emu_cycles(dbg_emu(c->d)) >= c->max_cycles) {
            *cut = CUT_LIMIT;
            return why;
        }
        if (io && io->poll && io->poll(io->ctx)) {
            *cut = CUT_POLL;
            return why;
        }
        why = dbg_resume(c->d, slice(c));
    }
}

/* Tell how a run ended, then where the CPU is. */
static int report(struct cmd *c, enum dbg_stop why, enum cut cut, const struct cmd_io *io)
{
    struct dbg_stop_info s;
    if (cut == CUT_LIMIT)
        cmd_out(io, "[cycle limit %llu reached]", (unsigned long long)c->max_cycles);
    else if (cut == CUT_POLL)
        cmd_out(io, "Interrupted.");
    dbg_last_stop(c->d, &s);
    bool temporary = why == DBG_STOP_BREAKPOINT && was_temporary(c, s.id);
    cmd_prune_breaks(c);
    if (cut != CUT_NONE || tell_stop(c, why, temporary, io))
        cmd_show_where(c, io);
    return CMD_OK;
}

/* Go on from a run call's first answer until a real stop, then tell it. */
static int run_to_stop(struct cmd *c, enum dbg_stop why, const struct cmd_io *io)
{
    enum cut cut = CUT_NONE;
    why = drive(c, why, io, &cut);
    return report(c, why, cut, io);
}

/* The source line at CS:EIP, when the symbols have one. */
static bool line_here(struct cmd *c, char *file, size_t n, int *line)
{
    return dbg_symbol_count(c->d) && dbg_addr_line(c->d, here(c), file, n, line) == 0;
}

/* step and next by source line: one instruction at a time (over calls for
 * next) until CS:EIP is in another line that has line information. Code
 * without lines (a library, the BIOS) is stepped through, not stopped in.
 * Returns why it stopped; *cut when the front end or the limit ended it. */
static enum dbg_stop line_step(struct cmd *c, bool over, const struct cmd_io *io, enum cut *cut)
{
    char file0[256], file[256];
    int line0, line;
    enum dbg_stop why = DBG_STOP_STEP;
    line_here(c, file0, sizeof file0, &line0);
    for (long k = 0; k < LINE_STEP_MAX && why == DBG_STOP_STEP && *cut == CUT_NONE; k++) {
        why = drive(c, over ? dbg_next(c->d, slice(c)) : dbg_stepi(c->d, 1, slice(c)), io, cut);
        if (why == DBG_STOP_STEP && line_here(c, file, sizeof file, &line) &&
            (line != line0 || strcmp(file, file0) != 0))
            break;
    }
    return why;
}

/* n source lines, told once at the end. */
static int line_steps(struct cmd *c, bool over, int n, const struct cmd_io *io)
{
    enum cut cut = CUT_NONE;
    enum dbg_stop why = DBG_STOP_STEP;
    for (int k = 0; k < n && why == DBG_STOP_STEP && cut == CUT_NONE; k++)
        why = line_step(c, over, io, &cut);
    return report(c, why, cut, io);
}

/* An optional count argument N >= 1 (default 1); -1 after an error line. */
static int count_arg(const char *name, const char *args, const struct cmd_io *io)
{
    char *end;
    if (!*args)
        return 1;
    long n = strtol(args, &end, 0);
    if (*cmd_skip(end) || n < 1 || n > 1000000000L) {
        cmd_fail(io, name, "'%s' is not a count (1 or more)", args);
        return -1;
    }
    return (int)n;
}

int cmd_continue(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    if (*args)
        return cmd_fail(io, "continue", "takes no argument");
    if (cannot_run(c, "continue", io))
        return CMD_ERROR;
    return run_to_stop(c, dbg_continue(c->d, slice(c)), io);
}

/* cycles N: run N cycles, or less when something stops the machine first:
 * a continue under a cycle limit now + N (the run's own limit still holds). */
int cmd_cycles(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    uint64_t n;
    char err[256];
    if (!*args)
        return cmd_fail(io, "cycles", "how many? (cycles N)");
    if (cmd_eval(c, args, &n, err, sizeof err) != 0)
        return cmd_fail(io, "cycles", "%s", err);
    if (n == 0)
        return cmd_fail(io, "cycles", "N must be at least 1");
    if (cannot_run(c, "cycles", io))
        return CMD_ERROR;
    uint64_t limit = c->max_cycles, target = emu_cycles(dbg_emu(c->d)) + n;
    if (!limit || target < limit)
        c->max_cycles = target;
    int r = run_to_stop(c, dbg_continue(c->d, slice(c)), io);
    c->max_cycles = limit;
    return r;
}

int cmd_stepi(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    int n = count_arg("stepi", args, io);
    if (n < 0 || cannot_run(c, "stepi", io))
        return CMD_ERROR;
    return run_to_stop(c, dbg_stepi(c->d, n, slice(c)), io);
}

/* step: a source line when the symbols have a line for CS:EIP, else one
 * instruction (stepi), which is what a student stepping through code
 * without line information (a boot sector, the BIOS) wants. */
int cmd_step(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    char file[256];
    int line, n = count_arg("step", args, io);
    if (n < 0 || cannot_run(c, "step", io))
        return CMD_ERROR;
    if (!line_here(c, file, sizeof file, &line))
        return cmd_stepi(c, fmt, args, io);
    return line_steps(c, false, n, io);
}

/* next: over CALL, INT and REP; by source line when there is one. */
int cmd_next(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    char file[256];
    int line, n = count_arg("next", args, io);
    enum cut cut = CUT_NONE;
    if (n < 0 || cannot_run(c, "next", io))
        return CMD_ERROR;
    if (line_here(c, file, sizeof file, &line))
        return line_steps(c, true, n, io);
    enum dbg_stop why = DBG_STOP_STEP;
    for (int k = 0; k < n && why == DBG_STOP_STEP && cut == CUT_NONE; k++)
        why = drive(c, dbg_next(c->d, slice(c)), io, &cut);
    return report(c, why, cut, io);
}

int cmd_finish(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    struct dbg_cpu_view v;
    if (*args)
        return cmd_fail(io, "finish", "takes no argument");
    if (cannot_run(c, "finish", io))
        return CMD_ERROR;
    dbg_get_cpu(c->d, &v);
    cmd_out(io, "Run till exit from 0x%08llx",
            (unsigned long long)(uint32_t)(v.seg[DBG_CS].base + v.eip));
    return run_to_stop(c, dbg_finish(c->d, slice(c)), io);
}

int cmd_until(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    struct cmd_addr a;
    char err[256];
    if (!*args)
        return cmd_next(c, fmt, args, io); /* gdb: until with no argument is next */
    if (cmd_parse_addr(c, args, &a, err, sizeof err) != 0)
        return cmd_fail(io, "until", "%s", err);
    if (cannot_run(c, "until", io))
        return CMD_ERROR;
    return run_to_stop(c, dbg_until(c->d, a.lin, slice(c)), io);
}

/* record [stop]: gdb's name for turning the reverse history on and off. */
int cmd_record(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    bool on = !*args;
    if (!on && strcmp(args, "stop") != 0)
        return cmd_fail(io, "record", "record, or record stop");
    if (dbg_history(c->d, on, 0, 0) != 0)
        return cmd_fail(io, "record", "out of memory for the snapshots");
    cmd_out(io, on ? "Recording: rstepi and rcontinue can go back from here."
                   : "Recording stopped.");
    return CMD_OK;
}

/* Refuse a reverse command without history. */
static int cannot_reverse(struct cmd *c, const char *name, const struct cmd_io *io)
{
    if (!dbg_history_on(c->d))
        return cmd_fail(io, name, "no reverse history (start it with: record)");
    return 0;
}

int cmd_rstepi(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    int n = count_arg("rstepi", args, io);
    if (n < 0 || cannot_reverse(c, "rstepi", io))
        return CMD_ERROR;
    c->ended = false; /* back before the end, if the guest had ended */
    return report(c, dbg_rstepi(c->d, n), CUT_NONE, io);
}

int cmd_rcontinue(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io)
{
    (void)fmt;
    enum cut cut = CUT_NONE;
    if (*args)
        return cmd_fail(io, "rcontinue", "takes no argument");
    if (cannot_reverse(c, "rcontinue", io))
        return CMD_ERROR;
    c->ended = false;
    c->ran = true;
    enum dbg_stop why;
    while ((why = dbg_rcontinue(c->d, CMD_SLICE)) == DBG_STOP_BUDGET) {
        if (io && io->poll && io->poll(io->ctx)) {
            cut = CUT_POLL;
            break;
        }
    }
    return report(c, why, cut, io);
}
