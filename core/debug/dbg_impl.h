/*
 * dbg_impl.h - the debugger core's private state, shared by its files:
 * debug.c (hooks and run control), break.c (the tables and their matching),
 * expr.c (conditions), view.c (copies), disasm.c (Capstone).
 *
 * Front ends never see this: they hold a struct dbg * and use debug.h.
 */
#ifndef LAB86_DBG_IMPL_H
#define LAB86_DBG_IMPL_H

#include "debug/debug.h"
#include "interp/cpu.h"

struct dbg_expr;

/* What an execution breakpoint matches. */
enum bp_kind { BP_LINEAR, BP_PHYSICAL, BP_SEGOFF };

struct dbg_bp {
    int id;                /* > 0; 0: a free slot */
    enum bp_kind kind;     /* how addr is compared */
    uint64_t addr;         /* linear or physical address, or the EIP of BP_SEGOFF */
    uint16_t sel;          /* BP_SEGOFF: the CS selector */
    bool temporary;        /* deleted when it stops the machine */
    uint32_t min_sp;       /* taken only when the stack pointer is at least this (next) */
    uint64_t hits;         /* stops it caused */
    struct dbg_expr *cond; /* NULL: unconditional */
};

struct dbg_wp {
    int id;        /* > 0; 0: a free slot */
    bool physical; /* addr is physical (else linear) */
    uint64_t addr; /* first byte watched */
    uint64_t len;  /* bytes watched */
    int kind;      /* DBG_WATCH_READ | DBG_WATCH_WRITE */
    uint64_t hits; /* stops it caused */
};

/* The goal of the current run command. */
enum dbg_goal { GOAL_NONE, GOAL_STEP, GOAL_FINISH };

struct dbg {
    struct emu *m;                   /* the machine */
    struct cpu *c;                   /* its CPU */
    struct dbg_bp bp[DBG_MAX_BREAK]; /* execution breakpoints */
    struct dbg_wp wp[DBG_MAX_WATCH]; /* watchpoints */
    int next_id;                     /* the id the next breakpoint or watchpoint gets */
    uint32_t vectors[8];             /* 256 bits: vectors that stop */
    bool stop_mode, stop_cr3;        /* stop on a mode switch, a CR3 change */
    /* The run in progress. */
    enum dbg_goal goal;              /* what stepi/next/finish asked for */
    int step_left;                   /* GOAL_STEP: boundaries still to pass */
    uint32_t finish_sp;              /* GOAL_FINISH: the stack pointer at the start */
    bool finish_ret;                 /* GOAL_FINISH: the frame's RET is running */
    int goal_bp;                     /* id of the goal's temporary breakpoint, or 0 */
    uint64_t seen_insns;             /* c->instructions at the last boundary */
    bool delivered;                  /* a vector was delivered since the last boundary */
    bool skip_bp;                    /* this boundary is where the last stop was */
    bool stopped_at_boundary;        /* the last stop was decided at a boundary */
    int last_mode;                   /* the mode at the last boundary */
    uint64_t last_cr3;               /* CR3 at the last boundary */
    struct dbg_stop_info stop;       /* the last stop */
    /* Disassembly. */
    enum dbg_syntax syntax;          /* Intel or AT&T */
    size_t cs_handle[2];             /* Capstone handles (16-, 32-bit); 0: not open */
};

/* break.c: does a breakpoint stop the CPU at this boundary? Fills d->stop. */
bool dbg_check_breakpoints(struct dbg *d);
/* break.c: does the access hit a watchpoint? Fills d->stop. */
bool dbg_check_watch(struct dbg *d, uint64_t lin, int size, bool write);
/* break.c: is anything set that needs the hooks? */
bool dbg_tables_active(const struct dbg *d);
/* break.c: a temporary breakpoint taken only with SP >= min_sp. */
int dbg_break_goal(struct dbg *d, uint16_t sel, uint32_t off, uint32_t min_sp);
/* break.c: free the conditions. */
void dbg_free_tables(struct dbg *d);

/* expr.c: parse text; NULL with a reason in err. */
struct dbg_expr *dbg_expr_parse(const char *text, char *err, size_t errlen);
/* expr.c: evaluate on the CPU now: 0, or -1 (unreadable memory, division by zero). */
int dbg_expr_eval(struct dbg *d, const struct dbg_expr *e, uint64_t *value);
void dbg_expr_free(struct dbg_expr *e);

/* view.c: the mode of c as enum dbg_mode | DBG_MODE_PAGING. */
int dbg_cpu_mode(const struct cpu *c);

/* disasm.c: close the Capstone handles. */
void dbg_disasm_close(struct dbg *d);

#endif
