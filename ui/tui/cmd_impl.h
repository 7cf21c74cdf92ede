/*
 * cmd_impl.h - what the command interpreter's files share (cmd.h is the
 * public face). One file a family of commands:
 *
 *   cmd.c        parsing and dispatch: the command table, aliases, the
 *                repeated empty line, source, help, completion
 *   cmd_addr.c   the words every family parses: expressions (gdb's $eax,
 *                $pc, value history $1), addresses (0x7c00, *EXPR, seg:off)
 *   cmd_run.c    continue, stepi, step, next, finish, until, rstepi,
 *                rcontinue, and how a stop is told ("Breakpoint 1, ...")
 *   cmd_info.c   info registers|tab|mem|gdt|idt|tss|break|..., page
 *   cmd_mem.c    x/NFU, xp, print, set, disassemble
 *   cmd_break.c  break, tbreak, pbreak, delete, watch, rwatch, awatch,
 *                condition, catch, and the table `info break` lists
 *
 * Every handler gets the words after the command (args) and the text
 * after a '/' in the command word (fmt: "8xb" of x/8xb), prints through
 * cmd_out(), and returns CMD_OK or, after one line saying what is wrong,
 * CMD_ERROR.
 */
#ifndef LAB86_UI_CMD_IMPL_H
#define LAB86_UI_CMD_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "debug/debug.h"
#include "tui/cmd.h"

#define CMD_LINE_MAX 512  /* the longest command line kept for repeating */
#define CMD_BP_MAX 96     /* breakpoints and watchpoints the interpreter tracks */
#define CMD_HISTORY 64    /* print's value history ($1, $2, ...) */
#define CMD_COMPLETE_MAX 16 /* aliases completion may offer at once */

/* A breakpoint or watchpoint as the user set it (the core keeps no list
 * that a front end can walk, so the interpreter keeps one for `info break`). */
struct cmd_bp {
    int id;           /* the core's id; 0: a free slot */
    const char *type; /* "breakpoint", "watchpoint" or "catchpoint" (a static string) */
    bool temporary;   /* tbreak */
    char at;          /* breakpoints: 'l' linear addr, 's' sel:addr, 'p' physical addr */
    uint16_t sel;     /* 's': the selector */
    uint64_t addr;    /* the linear or physical address, or the offset ('s') */
    char what[96];    /* how it was set: "0x00007c00", "0000:7c00", "physical 0x..." */
    char cond[96];    /* its condition as typed, "" when none */
};

struct cmd {
    struct dbg *d;                    /* the debugger (not owned) */
    char repeat[CMD_LINE_MAX];        /* the last step or run command, for an empty line */
    bool ran;                         /* the last command ran the machine */
    bool ended;                       /* the guest ended the run (exit device, power off, ...) */
    int end_status;                   /* then: lab86 run's exit status for that end */
    uint64_t max_cycles;              /* stop every run at this cycle; 0: no limit */
    int source_depth;                 /* nesting of `source` */
    struct lm_session *lua;           /* `lua` and `source FILE.lua`: made on first use */
    const struct cmd_io *lua_io;      /* where the running chunk's output goes */
    /* x's defaults, as gdb keeps them between uses. */
    char x_format;                    /* x d u o t c s i */
    int x_size;                       /* 1 2 4 8 */
    uint64_t x_next;                  /* where a bare `x` goes on */
    bool x_next_phys;                 /* and whether that is physical (xp) */
    /* print's value history. */
    uint64_t history[CMD_HISTORY];    /* $1 is history[0] */
    int n_history;                    /* values printed */
    struct cmd_bp bp[CMD_BP_MAX];     /* what `info break` lists */
    char complete_store[CMD_COMPLETE_MAX][24]; /* aliases cmd_complete() cut from lists */
};

typedef int cmd_fn(struct cmd *c, const char *fmt, const char *args, const struct cmd_io *io);

/* --- output (cmd.c) --- */

/* Print one line (the '\n' is added). */
void cmd_out(const struct cmd_io *io, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "NAME: why" as one line and return CMD_ERROR. */
int cmd_fail(const struct cmd_io *io, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A stop reached Lua's callbacks (cmd.c): false when they say go on. */
bool cmd_lua_stop(struct cmd *c, enum dbg_stop why, const struct cmd_io *io);
/* Execute a line at a source depth (cmd_exec and `source` share it). */
int cmd_exec_line(struct cmd *c, const char *line, const struct cmd_io *io);

/* --- words (cmd_addr.c) --- */

/* Skip blanks. */
const char *cmd_skip(const char *s);
/* Copy the next blank-separated word of *s into out (at most n-1 chars)
 * and advance *s past it; false when there is none. */
bool cmd_word(const char **s, char *out, size_t n);
/* Rewrite gdb's spellings ($eax, $pc, $1) and symbol names into what the
 * core's expression language reads; 0, or -1 with a reason in err. */
int cmd_rewrite(struct cmd *c, const char *text, char *buf, size_t size, char *err,
                size_t errlen);
/* Evaluate an expression, gdb-style spellings allowed ($eax, $pc, $sp,
 * $fp, $1); 0, or -1 with a reason in err. */
int cmd_eval(struct cmd *c, const char *text, uint64_t *value, char *err, size_t errlen);

/* An address as typed. */
struct cmd_addr {
    bool segoff;     /* SEG:OFF was given */
    bool physical;   /* a physical address (xp, pbreak, -p) */
    uint16_t sel;    /* segoff: the selector */
    uint32_t off;    /* segoff: the offset */
    uint64_t lin;    /* the linear address (segoff: resolved now), or the physical one */
};
/* Parse text as an address: EXPR, *EXPR or SEG:OFF (each side an
 * expression). 0, or -1 with a reason in err. */
int cmd_parse_addr(struct cmd *c, const char *text, struct cmd_addr *a, char *err, size_t errlen);
/* The linear address of sel:off now: selector * 16 in real and v86 mode,
 * the descriptor's base in protected mode (GDT only). */
bool cmd_segoff_linear(struct cmd *c, uint16_t sel, uint32_t off, uint64_t *lin);
/* " <func+0x12>" (before, the symbol, after) when a loaded symbol covers
 * lin, else "". */
void cmd_symbolize(struct cmd *c, uint64_t lin, const char *before, const char *after, char *out,
                   size_t n);
/* Is name a register the expression language knows? */
bool cmd_is_register(const char *name);
/* The register names, NULL-terminated (for completion and info registers). */
extern const char *const cmd_register_names[];

/* --- the families' handlers --- */

cmd_fn cmd_continue, cmd_cycles, cmd_stepi, cmd_step, cmd_next, cmd_finish, cmd_until, cmd_rstepi,
    cmd_rcontinue, cmd_record;                                               /* cmd_run.c */
cmd_fn cmd_info, cmd_page;                                                   /* cmd_info.c */
cmd_fn cmd_x, cmd_xp, cmd_print, cmd_set, cmd_disassemble, cmd_savevm, cmd_loadvm; /* cmd_mem.c */
cmd_fn cmd_break, cmd_tbreak, cmd_pbreak, cmd_lbreak, cmd_vbreak, cmd_delete, cmd_watch,
    cmd_rwatch, cmd_awatch, cmd_pwatch, cmd_condition, cmd_catch;            /* cmd_break.c */

/* Print the instruction at the CPU's CS:EIP as the "=> ..." line. */
void cmd_show_where(struct cmd *c, const struct cmd_io *io);
/* One disassembled instruction line at linear lin (marker "=> " or "   ");
 * returns its length, 0 when unreadable. */
int cmd_show_insn(struct cmd *c, const struct cmd_io *io, uint64_t lin, const char *marker);

/* cmd_break.c: `info break`. */
void cmd_list_breaks(struct cmd *c, const struct cmd_io *io);
/* cmd_break.c: forget tracked entries the core no longer has (temporary ones taken). */
void cmd_prune_breaks(struct cmd *c);

/* A name of the completion table: the subcommands of info. */
extern const char *const cmd_info_words[];

#endif
