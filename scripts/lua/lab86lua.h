/*
 * lab86lua.h - the `lab86` Lua module: what its files share.
 *
 *   lua_machine.c  lab86.machine{...}: a machine built exactly as `lab86 run`
 *                  builds one (the same option parser and run_boot()), its
 *                  debugger, its captured serial output, reset and close
 *   lua_run.c      m:run{...}, m:step(n) and the callbacks a stop calls
 *                  (breakpoints, watchpoints, vectors, mode switches, serial text)
 *   lua_access.c   m.cpu.eax, memory, translate, m.dev.pic.imr, keys and serial
 *                  input, symbols and trap counters
 *   lua_views.c    m:gdt(i), m:idt(i), m:tss(), m:mem_ranges(), m:disasm(a),
 *                  m:savevm(path), m:loadvm(path)
 *   lua_session.c  m:command("info registers") (the debugger's command language),
 *                  and Lua inside a debugger front end (lm_session.h)
 *   lua_main.c     the Lua state: `lab86 script FILE.lua`, `lab86 run --script`,
 *                  error messages with file:line and a traceback, the
 *                  instruction-count bound on a runaway script
 *   grade*.c       `lab86 grade`, on top of gradelib.lua (embedded at build time)
 *
 * Like every front end, the module uses the machine only through core/emu.h
 * and core/debug/debug.h (the TUI and the GDB stub are its siblings).
 */
#ifndef LAB86_LUA_H
#define LAB86_LUA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>

#include "cli/cli.h"
#include "debug/debug.h"
#include "emu.h"
#include "trap.h"

#define LM_MT       "lab86.machine" /* the machine userdata's metatable */
#define LM_MAX_HOOK 64              /* breakpoints and watchpoints a script may hold */
#define LM_MAX_ARGS 48              /* words of the option list a machine is built from */

/* Text a guest wrote to one port, kept whole up to LM_OUT_MAX bytes. */
#define LM_OUT_MAX (16u << 20)
struct lm_out {
    char *buf;              /* the bytes, NUL-terminated */
    size_t len, cap;        /* used, allocated */
    bool truncated;         /* the guest wrote more than LM_OUT_MAX */
    struct chardev host;    /* --script on run: where the bytes also go; else nothing */
};

/* Input waiting for room in the guest's device, fed before each run slice. */
struct lm_input {
    char *buf;       /* bytes not yet given */
    size_t len, cap; /* pending, allocated */
};

/* What a hook stops on. */
enum lm_hook_kind { LM_BREAK, LM_WATCH, LM_IO, LM_SERIAL };

/* A breakpoint, watchpoint, I/O range or serial text as the script set it:
 * kept so that m:reset() can set it again on the new machine's debugger.
 * The handle the script sees is the slot index + 1; the debugger's id
 * changes on a reset. */
struct lm_hook {
    bool used;              /* the slot is taken */
    enum lm_hook_kind kind; /* what it is */
    uint64_t addr;          /* linear address; LM_IO: first port; LM_SERIAL: UART base */
    uint64_t len;           /* LM_WATCH: bytes; LM_IO: last port */
    int mode;               /* LM_WATCH: DBG_WATCH_*; LM_IO: DBG_IO_* */
    char *text;             /* LM_SERIAL: the text (owned) */
    int dbg_id;             /* its id in the current debugger */
};

/* One machine as Lua holds it (the full userdata). */
struct lmachine {
    struct emu *m;                 /* the machine; NULL after m:close() */
    struct dbg *d;                 /* its debugger */
    struct run_args args;          /* the options it was built from */
    struct run_media md;           /* the files they name */
    char *argv[LM_MAX_ARGS];       /* the option words (owned) */
    int argc;                      /* how many */
    struct lm_out out[3];          /* COM1, COM2, the 0xE9 console */
    struct chardev out_cd[3];      /* the chardevs the machine writes them through */
    struct lm_input keys;          /* characters still to type */
    struct lm_input rx;            /* bytes still to send to COM1 */
    struct lm_hook hook[LM_MAX_HOOK]; /* breakpoints and watchpoints */
    uint32_t vec_exc[8], vec_int[8];  /* 256-bit sets: vectors with a callback */
    bool mode_cb;                  /* a mode-switch callback is set */
    bool trap_cb[TRAP_COUNT];      /* trap kinds with an m:on_trap callback */
    int owner;                     /* its owner number of d's vector, mode and trap stops
                                      (debug.h, "stop owners"): never the user's */
    bool borrowed;                 /* lab86.current: closed by its owner, not by Lua */
    bool running;                  /* inside m:run (a callback must not run it again) */
    bool md_open;                  /* md holds open files */
    bool foreign;                  /* m and d belong to a debugger front end (lua_session.c) */
    struct cmd *cmd;               /* m:command's interpreter, made on first use; NULL */
    uint32_t exit_code;            /* the value of the last "exit" */
};

/* --- lua_machine.c --- */

/* luaopen-style: push the `lab86` table with machine() in it. */
int lm_open(lua_State *L);
/* The machine at index idx, or a Lua error (also after m:close()). */
struct lmachine *lm_check(lua_State *L, int idx);
/* Wrap a machine built from a by `lab86 run --script` as lab86.current,
 * with COM1/COM2 and the console also going where a's run sends them.
 * Pushes the userdata; NULL (nothing pushed) after an error line. */
struct lmachine *lm_push_current(lua_State *L, const struct run_args *a);
/* Wrap a machine and debugger a front end owns (lua_session.c): pushes the
 * userdata; closing it takes its hooks back and leaves the machine be. NULL
 * (nothing pushed) when the debugger has no owner number left. */
struct lmachine *lm_push_foreign(lua_State *L, struct dbg *d);
/* A debugger stop of the machine at idx: its Lua callbacks run; 0 when they
 * say go on, else the values m:run would return are pushed (their count). */
int lm_on_stop(lua_State *L, struct lmachine *lm, int idx, enum dbg_stop why);
/* A chardev write function to a FILE * (stdout), for --script's console. */
void lm_stdio_write(void *opaque, const uint8_t *buf, size_t len);
/* Destroy the machine and its debugger (idempotent). */
void lm_close(struct lmachine *lm);
/* The table of Lua callbacks kept with the machine at idx: pushes it. */
void lm_callbacks(lua_State *L, int idx);

/* --- lua_run.c --- */

/* Add the run methods to the methods table of the metatable at the top. */
void lm_run_register(lua_State *L);
/* Run lm until a stop a script sees (lab86 run --script uses it too):
 * max_cycles 0 is no limit. Pushes the reason string (and, for "exit", the
 * code); returns how many values it pushed. */
int lm_run(lua_State *L, int idx, uint64_t max_cycles, uint64_t max_insns);
/* The same as a lua_CFunction (machine, max_cycles), for a protected call. */
int lm_run_entry(lua_State *L);

/* --- lua_hooks.c --- */

/* Add the hook-setting methods to the methods table of the metatable at the top. */
void lm_hooks_register(lua_State *L);
/* Set every hook and stop of lm again (a new debugger, after m:reset()). */
void lm_rearm(struct lmachine *lm);
/* Take every hook and stop lm set out of its debugger (a foreign machine). */
void lm_disarm(struct lmachine *lm);
/* Free the hooks' texts. */
void lm_free_hooks(struct lmachine *lm);
/* An address argument: an integer, or a symbol's name. */
uint64_t lm_check_addr(lua_State *L, int idx, int arg);
/* Store the value at index vi as cb[field][key] (nil removes it). */
void lm_set_cb(lua_State *L, int idx, const char *field, lua_Integer key, int vi);

/* --- lua_access.c --- */

/* Add the access methods to the methods table of the metatable at the top. */
void lm_access_register(lua_State *L);
/* The methods of the machine's metatable that read fields (m.cpu, m.cycles ...). */
int lm_index_field(lua_State *L, struct lmachine *lm, const char *key);
/* Before a run slice: give the guest what keys and serial input wait. */
void lm_feed_input(struct lmachine *lm);

/* --- lua_views.c --- */

/* Add m:gdt, m:idt, m:tss, m:disasm ... to the methods table of the metatable at the top. */
void lm_views_register(lua_State *L);

/* --- lua_session.c --- */

/* Add m:command to the methods table of the metatable at the top. */
void lm_session_register(lua_State *L);
/* lab86.command(line): m:command on lab86.current. */
int lm_lab86_command(lua_State *L);

/* --- lua_main.c --- */

/* A fresh state with the standard libraries, `lab86` and the runaway bound. */
lua_State *lm_newstate(void);
/* Run the chunk at path with args as `arg` and `...`: 0, or print one
 * "lab86: FILE: ..." line and the traceback and return the status to exit with. */
int lm_dofile(lua_State *L, const char *path, int argc, char **argv);
/* Call the function below nargs arguments on the stack with the traceback
 * handler; 0, or the message (with traceback) on the stack and -1. */
int lm_pcall(lua_State *L, int nargs, int nresults);
/* `lab86 script FILE.lua [ARGS...]` and `lab86 run ... --script FILE.lua`. */
int lm_script_main(int argc, char **argv);
int lm_run_script_main(const struct run_args *a);
/* The usage of `lab86 script`. */
extern const char lm_script_help[];

/* --- grade.c --- */

int grade_main(int argc, char **argv);
extern const char grade_help[];

#endif
