/*
 * cmd.h - the debugger's command language, shared by every front end that
 * takes typed commands: the TUI's command line, `lab86 debug --no-tui`
 * (commands on standard input), the GDB stub's `monitor` and Lua's
 * `lab86.command()`. A thin client of core/debug: it parses a line, calls
 * dbg_*() and prints the answer; it never runs the machine by itself.
 *
 *     struct cmd *c = cmd_create(d);                  d from dbg_create()
 *     struct cmd_io io = { .out = print, .poll = ctrl_c_seen, .ctx = me };
 *     int r = cmd_exec(c, "break 0x7c00", &io);
 *     r = cmd_exec(c, "continue", &io);               runs in slices, polling
 *
 * Names follow gdb, with Bochs' aliases (see cmd_help()): break/b, tbreak,
 * delete, watch/rwatch/awatch, continue/c, stepi/si, step/s, next/n,
 * finish, until, x/NFU, xp, print/p, set, info ..., disassemble, page,
 * savevm/loadvm, rstepi/rcontinue, source, help, quit.
 */
#ifndef LAB86_UI_CMD_H
#define LAB86_UI_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dbg;
struct cmd;

/* Where a command's output goes and how a long run is interrupted. */
struct cmd_io {
    /* Text to show: whole lines, each ending in '\n'. */
    void (*out)(void *ctx, const char *text);
    /* Called between run slices (about every few million cycles) while a
     * run command executes; returns true to interrupt it (Ctrl-C, a gdb
     * interrupt). May be NULL: never interrupted. A front end may also
     * refresh its panes here. */
    bool (*poll)(void *ctx);
    void *ctx;
};

/* What cmd_exec() returns. */
#define CMD_OK    0  /* done (a run command stopped: see cmd_last_stop_text) */
#define CMD_ERROR -1 /* a message saying what is wrong was printed */
#define CMD_QUIT  1  /* the user asked to leave (quit, q, or end of input) */

/* A command interpreter for debugger d (not owned). NULL when out of memory. */
struct cmd *cmd_create(struct dbg *d);
void cmd_destroy(struct cmd *c);

/* Execute one line (without the newline). An empty line repeats the last
 * step or run command, as in gdb. */
int cmd_exec(struct cmd *c, const char *line, const struct cmd_io *io);

/* Completion: the candidates (commands, subcommands, register names and
 * symbols) that start with text, where word is the index of the word being
 * completed on the line (0: the command). Returns how many were stored in
 * out (at most max), each a pointer valid until the next call. */
size_t cmd_complete(struct cmd *c, const char *line, int word, const char *text,
                    const char **out, size_t max);

/* Run the Lua file at path in the interpreter's Lua session, as `source
 * FILE.lua` does (`lab86 debug --script`). CMD_OK or CMD_ERROR. */
int cmd_lua_file(struct cmd *c, const char *path, const struct cmd_io *io);

/* The help text, one command a line. */
const char *cmd_help(void);

/* Whether the last command ran the machine (so a TUI redraws everything and
 * highlights the registers that changed). */
bool cmd_ran(const struct cmd *c);

/* Stop every run command at this cycle count (`lab86 debug --max-cycles`);
 * 0, the default: no limit. */
void cmd_set_max_cycles(struct cmd *c, uint64_t max_cycles);

/* A breakpoint, watchpoint or catchpoint the interpreter set, for a front
 * end's marks (the Disassembly pane's): cmd_breakpoints() lists them. */
struct cmd_break_info {
    int id;           /* the debugger core's id (delete N) */
    const char *type; /* "breakpoint", "watchpoint" or "catchpoint" */
    bool temporary;   /* tbreak: deleted when hit */
    bool linear;      /* lin is an execution breakpoint's linear address now (a
                         SEG:OFF one resolved with the segment as it is; false
                         for physical breakpoints and the other types) */
    uint64_t lin;     /* then: the linear address */
};
/* Fill out[0..max) with what is set now, in id order; returns how many
 * there are (may exceed max). */
size_t cmd_breakpoints(struct cmd *c, struct cmd_break_info *out, size_t max);

/* Whether the guest ended the run (its exit device, a power-off, a triple
 * fault, a halt nothing can wake); *status then gets the exit status
 * `lab86 run` would give for that end. After it, run commands refuse. */
bool cmd_guest_ended(const struct cmd *c, int *status);

#endif
