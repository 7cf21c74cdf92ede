/*
 * reverse_impl.h - what the two halves of reverse execution share:
 * reverse.c (recording: the periodic in-memory snapshots, the input log,
 * forward runs, switching the history on and off) and reverse_replay.c
 * (going back: replays, rstepi, rcontinue). The method is described at
 * the top of reverse.c.
 */
#ifndef LAB86_REVERSE_IMPL_H
#define LAB86_REVERSE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "debug/dbg_impl.h"
#include "emu.h"

#define REV_EVERY_DEFAULT 10000000ull /* cycles between snapshots: 0.1 s at 100 MHz */
#define REV_MAX_DEFAULT   16          /* snapshots kept */

/* One in-memory snapshot. */
struct rev_snap {
    uint64_t cycles; /* the virtual clock when it was taken */
    size_t cursor;   /* logged inputs given to the machine before it */
    uint8_t *buf;    /* the snapshot (SNAP_MEMORY) */
    size_t len;      /* its bytes */
};

/* One host input, as emu_set_input_observer() reports it. */
struct rev_input {
    uint64_t cycles;          /* when it came */
    enum emu_input_kind kind; /* serial byte or key */
    int port;                 /* serial: which port */
    uint8_t byte;             /* the byte or character */
};

/* A breakpoint or watchpoint hit seen during a replay. */
struct rev_hit {
    bool found;                /* this slot holds one */
    uint64_t landing;          /* the boundary a stop for it is at */
    struct dbg_stop_info stop; /* what the stop says */
};

struct dbg_rev {
    uint64_t every;          /* cycles between snapshots */
    int max;                 /* snapshots kept at most */
    struct rev_snap *snap;   /* oldest first, max slots */
    int n;                   /* how many */
    uint64_t next_at;        /* the cycle the next periodic snapshot is due at */
    struct rev_input *in;    /* the input log, in the order given */
    size_t n_in, cap_in;     /* entries used, allocated */
    size_t cursor;           /* entries the machine has been given */
    /* The replay in progress. */
    bool replaying;          /* re-running: input is not logged */
    uint64_t count;          /* boundaries passed since it started */
    uint64_t target;         /* stop at this boundary; 0: run to the end */
    bool find;               /* note breakpoint and watchpoint hits */
    uint64_t seen_insns;     /* c->instructions at the last boundary */
    bool delivered;          /* an event was delivered since */
    struct rev_hit hit[2];   /* the last two hits by landing ([1] the newest) */
    const struct cpu_dbg_hooks *hooks; /* the debugger's, while ours are in */
    /* Where the last rstepi landed: a second one there skips the count. */
    bool pos_valid;          /* the fields below hold */
    int pos_snap;            /* the snapshot it replayed from */
    uint64_t pos_index;      /* the boundary it stopped at */
    uint64_t pos_from;       /* the first index of that replay that is a boundary */
    uint64_t pos_cycles;     /* the clock there */
    uint64_t pos_insns;      /* instructions retired there */
};

/* reverse.c: restore snapshot k, and the input log's cursor with it: 0, or
 * -1 when the snapshot does not load. */
int rev_restore(struct dbg *d, int k);

/* reverse.c: the newest snapshot strictly before cycle end, or -1. */
int rev_before(const struct dbg_rev *r, uint64_t end);

/* reverse.c: give the machine the logged inputs due by now, up to entry
 * limit (a future being re-run). */
void rev_inject_due(struct dbg *d, size_t limit);

#endif
