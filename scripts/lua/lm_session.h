/*
 * lm_session.h - Lua inside a debugger front end: what the command line's
 * `lua CHUNK` and `source FILE.lua` (ui/tui/cmd*.c) call, without Lua's
 * headers.
 *
 *     struct lm_session *s = lm_session_create(d, print_line, ctx);
 *     lm_session_exec(s, "print(lab86.current.cpu.eip)", false);
 *     lm_session_exec(s, "hooks.lua", true);
 *     lm_session_destroy(s);
 *
 * The session keeps one Lua state for the debugger's life, so what one
 * chunk defines the next one sees. lab86.current is the debugger's machine
 * (m:serial() is empty there: its output belongs to the front end); the
 * breakpoints and callbacks a chunk sets act while a script's m:run runs
 * the machine, and when the front end runs it and hands the stop to
 * lm_session_stop() (breakpoints, watchpoints, I/O and serial stops, and
 * the exception, interrupt, trap and mode-switch callbacks), and are taken
 * back when the session is destroyed. The session's vector, trap and
 * mode-switch stops are its own (an owner of the debugger's: debug.h,
 * "stop owners"), so the front end's `catch` of the same stop is neither
 * turned off by the script nor mistaken for the script's.
 */
#ifndef LAB86_LM_SESSION_H
#define LAB86_LM_SESSION_H

#include <stdbool.h>

#include "debug/debug.h"

struct dbg;
struct lm_session;

/* Text for the front end to show: whole lines, each ending in '\n'. */
typedef void lm_out_fn(void *ctx, const char *text);

/* A session on debugger d (not owned); print() and errors go to out. NULL
 * when memory runs out. */
struct lm_session *lm_session_create(struct dbg *d, lm_out_fn *out, void *ctx);
/* Run text as a chunk, or (file) the Lua file it names: 0, or -1 after the
 * error and its traceback went to out. */
int lm_session_exec(struct lm_session *s, const char *text, bool file);
void lm_session_destroy(struct lm_session *s);

/* The front end's machine stopped (a breakpoint, watchpoint, I/O, serial,
 * vector, trap, mode-switch or CR3 stop): the callbacks the session's chunks
 * set for it run, as under m:run. Returns 1 to stop there (a callback
 * returned "stop", or the stop is also, or only, someone else's), 0 to go
 * on. */
int lm_session_stop(struct lm_session *s, enum dbg_stop why);

#endif
