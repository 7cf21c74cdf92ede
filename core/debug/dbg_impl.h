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
    int kind;      /* DBG_WATCH_READ | DBG_WATCH_WRITE | DBG_WATCH_CHANGE */
    uint64_t hits; /* stops it caused */
    uint64_t value; /* DBG_WATCH_CHANGE: the watched bytes as last seen */
};

/* events.c: one subscriber of the event ring. */
struct dbg_reader {
    bool used;       /* the slot is taken */
    unsigned mask;   /* DBG_EV_BIT(kind) of the kinds it reads */
    uint64_t cursor; /* seq of the next event it has not read */
    uint64_t lost;   /* its events overwritten before it read them */
};

/* stops.c: an I/O-port stop. */
struct dbg_iobp {
    int id;          /* > 0; 0: a free slot */
    uint16_t lo, hi; /* ports lo..hi */
    int kind;        /* DBG_IO_IN | DBG_IO_OUT */
    uint64_t hits;   /* stops it caused */
};

#define DBG_MAX_IOBP 16   /* I/O stops at once */
#define DBG_MAX_SERIAL 8  /* serial-string stops at once */
#define DBG_SERIAL_TEXT 64 /* longest text a serial stop matches */

/* stops.c: a serial-string stop: the last bytes sent, matched as they come. */
struct dbg_serial {
    int id;                      /* > 0; 0: a free slot */
    uint16_t port;               /* UART base, 0: any */
    char text[DBG_SERIAL_TEXT];  /* what to wait for */
    int len;                     /* its length */
    uint8_t last[DBG_SERIAL_TEXT]; /* the last len bytes sent since it was set (a ring) */
    int seen;                    /* bytes sent since it was set, up to len */
    int pos;                     /* where the next byte goes in last[] */
    uint64_t hits;               /* stops it caused */
};

/* The goal of the current run command. */
enum dbg_goal { GOAL_NONE, GOAL_STEP, GOAL_FINISH };

struct dbg {
    struct emu *m;                   /* the machine */
    struct cpu *c;                   /* its CPU */
    struct dbg_bp bp[DBG_MAX_BREAK]; /* execution breakpoints */
    struct dbg_wp wp[DBG_MAX_WATCH]; /* watchpoints */
    int next_id;                     /* the id the next breakpoint or watchpoint gets */
    /* The switch stops (stops.c), each a set of owners (DBG_OWNER_BIT): on
     * while any owner has it on. */
    uint8_t vector_owners[256];      /* per vector: who stops after its delivery */
    uint8_t mode_owners, cr3_owners; /* who stops on a mode switch, a CR3 change */
    uint8_t trap_owners[TRAP_COUNT]; /* per trap kind: who stops on it */
    uint8_t owners_used;             /* owner numbers handed out (bit 0, the user's, always) */
    /* The run in progress. */
    enum dbg_goal goal;              /* what stepi/next/finish asked for */
    int step_left;                   /* GOAL_STEP: boundaries still to pass */
    uint32_t finish_sp;              /* GOAL_FINISH: the stack pointer at the start */
    bool finish_ret;                 /* GOAL_FINISH: the frame's RET is running */
    int goal_bp;                     /* id of the goal's temporary breakpoint, or 0 */
    uint64_t seen_insns;             /* c->instructions at the last boundary */
    bool delivered;                  /* a vector was delivered since the last boundary */
    bool move_pending;               /* a mode or CR3 stop took a boundary the goal had not
                                        counted yet: dbg_resume counts it there */
    bool skip_bp;                    /* this boundary is where the last stop was */
    bool stopped_at_boundary;        /* the last stop was decided at a boundary */
    int last_mode;                   /* the mode at the last boundary */
    uint64_t last_cr3;               /* CR3 at the last boundary */
    struct dbg_stop_info stop;       /* the last stop */
    /* Disassembly. */
    enum dbg_syntax syntax;          /* Intel or AT&T */
    size_t cs_handle[2];             /* Capstone handles (16-, 32-bit); 0: not open */
    /* The event ring (events.c). */
    struct dbg_event *ring;          /* DBG_EVENT_RING slots, allocated at the first subscribe */
    uint64_t ring_seq;               /* seq of the next event recorded */
    unsigned ev_mask;                /* the union of the readers' masks: kinds recorded */
    struct dbg_reader readers[DBG_MAX_READERS]; /* subscribers */
    /* I/O, serial and trap stops (stops.c). */
    struct dbg_iobp iobp[DBG_MAX_IOBP];     /* I/O-port stops */
    struct dbg_serial serial[DBG_MAX_SERIAL]; /* serial-string stops */
    bool watching;                   /* a watchpoint is set (arm()): on_access has work */
    bool change_pending;             /* a change watchpoint was written: judge at the boundary */
    /* Stepping over hardware interrupts (debug.c). */
    bool step_over_irq;              /* dbg_set_step_interrupts(d, false) */
    bool in_irq;                     /* a step is running an interrupt handler through */
    bool irq_moved;                  /* the step had moved before the interrupt came */
    uint16_t irq_cs, irq_ss;         /* where the handler returns: CS, SS */
    uint32_t irq_eip, irq_sp;        /* EIP and the stack pointer */
    /* Symbols (symbols.c). */
    struct dbg_symtab *syms;         /* NULL: none loaded */
    /* Reverse execution (reverse.c). */
    struct dbg_rev *rev;             /* snapshots and input log; NULL: history off */
};

/* break.c: does a breakpoint stop the CPU at this boundary? Fills d->stop. */
bool dbg_check_breakpoints(struct dbg *d);
/* break.c: does the access hit a watchpoint? Fills d->stop. */
bool dbg_check_watch(struct dbg *d, uint64_t lin, int size, bool write);
/* At the boundary after a write to a change watchpoint: did a watched value
 * change? Then d->stop describes it (old and new value) and true. */
bool dbg_check_changes(struct dbg *d);
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

/* debug.c: stop the run with reason (at_boundary: the CPU is at the
 * boundary where the stop was decided, not after an instruction). */
bool dbg_hold(struct dbg *d, enum dbg_stop reason, bool at_boundary);

/* events.c: record an event of e->kind for the readers that want it (the
 * caller checks d->ev_mask first); seq and cycle are filled here. */
void dbg_event_record(struct dbg *d, struct dbg_event *e);
/* events.c: free the ring. */
void dbg_events_free(struct dbg *d);

/* stops.c: the trap hook and the serial tap (installed by debug.c). */
void dbg_on_trap(void *opaque, int kind, uint64_t a, uint64_t b);
void dbg_on_serial(void *opaque, uint16_t port, uint8_t byte);
/* stops.c: is an I/O, serial, trap or vector stop set? */
bool dbg_stops_active(const struct dbg *d);
/* stops.c: does id name one of its stops? Deletes it: 0, else -1. */
int dbg_stops_delete(struct dbg *d, int id);
/* stops.c: hits of one of its stops, or -1. */
int64_t dbg_stops_hits(const struct dbg *d, int id);

/* symbols.c: free the tables. */
void dbg_symbols_free(struct dbg *d);

/* debug.c: drop the run goal and its temporary breakpoint. */
void dbg_end_goal(struct dbg *d);
/* reverse.c: emu_run() for a run call while the history is on: in slices,
 * with periodic snapshots and the recorded input replayed. */
enum emu_stop dbg_rev_run(struct dbg *d, uint64_t max_cycles);
/* reverse.c: free the history (dbg_history(d, false, ...)). */
void dbg_rev_free(struct dbg *d);
/* reverse.c: forget the snapshots and the input log, keeping the settings
 * (after loadvm: they belong to another time line). */
void dbg_rev_reset(struct dbg *d);

#endif
