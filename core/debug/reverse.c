/*
 * reverse.c - reverse execution: rstepi and rcontinue, by re-running the
 * machine from an earlier in-memory snapshot (../snapshot.h).
 *
 * A lab86 run is deterministic: the same machine state and the same host
 * input at the same cycles give the same run, instruction for instruction.
 * So "one instruction back" needs no undo log: restore a snapshot taken
 * before, and run forward to the instruction boundary just before the
 * present. While the history is on (dbg_history()):
 *
 *   - every run call (continue, stepi, next, ...) runs the machine in
 *     slices (dbg_rev_run()) and takes a snapshot every `every` cycles of
 *     virtual time, keeping the newest `max` of them;
 *   - host input (emu_serial_receive(), emu_type_char()) is logged with its
 *     cycle, and re-run from a snapshot gives it again at that cycle.
 *
 * rstepi(n) counts the boundaries between the newest snapshot before now
 * and now (a replay that single-steps with this file's hooks, counting as
 * dbg_stepi() counts: an instruction retired or an event delivered), then
 * restores the snapshot again and stops at boundary count + 1 - n; when the
 * segment is too short it goes on into the one before. The first replay
 * also checks the method: it must arrive at exactly the present (every
 * section of a snapshot, RAM included). If it does not (registers or memory
 * changed by hand, a disk written: what a snapshot does not hold), the
 * present is put back, the history is dropped, and the call returns
 * DBG_STOP_HISTORY_START. rcontinue replays segments the same way, newest
 * first, noting breakpoint and watchpoint hits without stopping, and
 * lands on the last one before now.
 *
 * Time lines. Going back and running forward replays the logged input, so
 * the run is the one that was recorded. New input given while the machine
 * is behind the newest input logged forks the time line: the logged future
 * and the snapshots after now are dropped.
 *
 * While replaying, guest output is muted (the front end has shown it), the
 * debugger's own hooks are swapped for this file's (no stops, no events),
 * and the serial tap is off. A replay runs one instruction at a time, at
 * the switch core's speed: a rstepi costs at most two replays of one
 * snapshot interval.
 */
#include "debug/dbg_impl.h"

#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

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

/* --- the snapshots --- */

static void drop_snap(struct dbg_rev *r, int k)
{
    free(r->snap[k].buf);
    memmove(&r->snap[k], &r->snap[k + 1], (size_t)(r->n - k - 1) * sizeof r->snap[0]);
    r->n--;
    r->pos_valid = false;
}

/* A snapshot of now, at the end of the list (the oldest goes when full). */
static void take(struct dbg *d)
{
    struct dbg_rev *r = d->rev;
    struct rev_snap s = {d->c->cycles, r->cursor, NULL, 0};
    char err[96];
    if (r->n && r->snap[r->n - 1].cycles >= s.cycles)
        return; /* the list stays in time order */
    if (snap_save(d->m, SNAP_MEMORY, &s.buf, &s.len, err, sizeof err) != 0)
        return; /* out of memory: no snapshot this time */
    if (r->n == r->max)
        drop_snap(r, 0);
    r->snap[r->n++] = s;
}

static int restore(struct dbg *d, int k)
{
    char err[160];
    struct dbg_rev *r = d->rev;
    if (snap_load(d->m, r->snap[k].buf, r->snap[k].len, err, sizeof err) != 0)
        return -1;
    r->cursor = r->snap[k].cursor;
    return 0;
}

/* The newest snapshot strictly before cycle end, or -1. */
static int before(const struct dbg_rev *r, uint64_t end)
{
    int k = r->n - 1;
    while (k >= 0 && r->snap[k].cycles >= end)
        k--;
    return k;
}

/* --- the input log --- */

static void inject(struct dbg *d, const struct rev_input *in)
{
    if (in->kind == EMU_INPUT_SERIAL)
        emu_serial_receive(d->m, (enum emu_serial_port)in->port, in->byte);
    else
        emu_type_char(d->m, (char)in->byte);
}

/* New input from the front end: logged. Input while a logged future is
 * pending forks the time line (see the top of the file). */
static void on_input(void *opaque, uint64_t now, enum emu_input_kind kind, int port,
                     uint8_t byte)
{
    struct dbg *d = opaque;
    struct dbg_rev *r = d->rev;
    if (r->replaying)
        return;
    if (r->cursor < r->n_in) {
        r->n_in = r->cursor;
        while (r->n && (r->snap[r->n - 1].cycles > now || r->snap[r->n - 1].cursor > r->cursor))
            drop_snap(r, r->n - 1);
    }
    if (r->n_in == r->cap_in) {
        size_t cap = r->cap_in ? 2 * r->cap_in : 256;
        struct rev_input *p = realloc(r->in, cap * sizeof *p);
        if (!p)
            return; /* out of memory: the input goes unrecorded */
        r->in = p;
        r->cap_in = cap;
    }
    r->in[r->n_in++] = (struct rev_input){now, kind, port, byte};
    r->cursor = r->n_in;
    r->pos_valid = false;
}

/* --- forward runs while the history is on --- */

/* Give the machine the logged inputs due by now (a future being re-run). */
static void inject_due(struct dbg *d, size_t limit)
{
    struct dbg_rev *r = d->rev;
    bool was = r->replaying;
    r->replaying = true; /* already logged */
    while (r->cursor < limit && r->in[r->cursor].cycles <= d->c->cycles)
        inject(d, &r->in[r->cursor++]);
    r->replaying = was;
}

/* The end of the next slice: no later than end, the next snapshot or the
 * next logged input. */
static uint64_t slice_end(const struct dbg_rev *r, uint64_t end, size_t limit)
{
    if (r->next_at < end)
        end = r->next_at;
    if (r->cursor < limit && r->in[r->cursor].cycles < end)
        end = r->in[r->cursor].cycles;
    return end;
}

enum emu_stop dbg_rev_run(struct dbg *d, uint64_t max_cycles)
{
    struct dbg_rev *r = d->rev;
    struct cpu *c = d->c;
    uint64_t end = c->cycles + max_cycles < c->cycles ? UINT64_MAX : c->cycles + max_cycles;
    r->pos_valid = false;
    for (;;) {
        if (r->n == 0 || c->cycles >= r->next_at) {
            take(d);
            r->next_at = c->cycles + r->every;
        }
        inject_due(d, r->n_in);
        if (c->cycles >= end)
            return EMU_STOP_BUDGET;
        enum emu_stop why = emu_run(d->m, slice_end(r, end, r->n_in) - c->cycles);
        if (why == EMU_STOP_IDLE && c->cycles < end)
            why = emu_run(d->m, end - c->cycles); /* jump to the end, as one slice would */
        if (why != EMU_STOP_BUDGET || c->dbg_break)
            return why;
    }
}

/* --- replays --- */

static bool rev_boundary(void *opaque);
static void rev_access(void *opaque, uint64_t lin, int size, bool write);
static void rev_vector(void *opaque, int vector);

static const struct cpu_dbg_hooks rev_hooks = {
    .boundary = rev_boundary, .access = rev_access, .vector = rev_vector};

/* Note a hit whose stop would be at boundary landing. */
static void note_hit(struct dbg_rev *r, uint64_t landing, const struct dbg_stop_info *stop)
{
    if (r->hit[1].found && r->hit[1].landing != landing)
        r->hit[0] = r->hit[1];
    r->hit[1] = (struct rev_hit){true, landing, *stop};
}

static bool rev_boundary(void *opaque)
{
    struct dbg *d = opaque;
    struct dbg_rev *r = d->rev;
    struct cpu *c = d->c;
    if (c->stop == CPU_HALTED)
        return false; /* not at an instruction (as dbg_stepi counts) */
    if (c->instructions != r->seen_insns || r->delivered)
        r->count++;
    r->seen_insns = c->instructions;
    r->delivered = false;
    if (r->find && dbg_check_breakpoints(d)) {
        struct dbg_stop_info s = {.reason = DBG_STOP_BREAKPOINT, .id = d->stop.id};
        note_hit(r, r->count, &s);
    }
    if (r->target && r->count == r->target) {
        c->dbg_break = true;
        c->stop_request = true;
        return true;
    }
    return false;
}

/* A watchpoint's stop comes after the instruction: the next boundary. */
static void rev_access(void *opaque, uint64_t lin, int size, bool write)
{
    struct dbg *d = opaque;
    struct dbg_rev *r = d->rev;
    if (r->find && dbg_check_watch(d, lin, size, write)) {
        struct dbg_stop_info s = {.reason = DBG_STOP_WATCHPOINT, .id = d->stop.id,
                                  .addr = d->stop.addr, .size = d->stop.size,
                                  .write = d->stop.write};
        note_hit(r, r->count + 1, &s);
    }
}

static void rev_vector(void *opaque, int vector)
{
    struct dbg *d = opaque;
    (void)vector;
    d->rev->delivered = true;
}

static void replay_begin(struct dbg *d, uint64_t target, bool find)
{
    struct dbg_rev *r = d->rev;
    struct cpu *c = d->c;
    r->hooks = c->dbg;
    c->dbg = &rev_hooks;
    c->attention = true;
    c->single_step_only = true;
    c->dbg_break = false;
    r->replaying = true;
    r->count = 0;
    r->target = target;
    r->find = find;
    r->seen_insns = c->instructions;
    r->delivered = false;
    memset(r->hit, 0, sizeof r->hit);
    emu_mute_output(d->m, true);
    emu_set_serial_tap(d->m, NULL, NULL);
}

static void replay_end(struct dbg *d)
{
    struct dbg_rev *r = d->rev;
    struct cpu *c = d->c;
    c->dbg = r->hooks;
    c->attention = false;
    c->single_step_only = false;
    c->dbg_break = false;
    c->stop_request = false;
    r->replaying = false;
    r->target = 0;
    r->find = false;
    emu_mute_output(d->m, false);
    emu_set_serial_tap(d->m, dbg_on_serial, d);
}

/* At the target boundary already (a slice ended there before its hook)? */
static bool at_target(const struct dbg *d)
{
    const struct dbg_rev *r = d->rev;
    const struct cpu *c = d->c;
    bool moved = c->instructions != r->seen_insns || r->delivered;
    return r->target && c->stop != CPU_HALTED && moved && r->count + 1 == r->target;
}

/* Run from the restored state up to cycle end (or the target boundary),
 * giving the logged input up to entry limit at its cycles. */
static void replay(struct dbg *d, uint64_t end, size_t limit)
{
    struct dbg_rev *r = d->rev;
    struct cpu *c = d->c;
    for (;;) {
        if (at_target(d))
            return;
        inject_due(d, limit);
        if (c->cycles >= end)
            return;
        uint64_t stop = end;
        if (r->cursor < limit && r->in[r->cursor].cycles < stop)
            stop = r->in[r->cursor].cycles;
        enum emu_stop why = emu_run(d->m, stop - c->cycles);
        if (c->dbg_break || (why != EMU_STOP_BUDGET && why != EMU_STOP_IDLE))
            return;
    }
}

/* Restore snapshot k and stop at boundary index of its replay. */
static void land(struct dbg *d, int k, uint64_t index)
{
    struct dbg_rev *r = d->rev;
    restore(d, k);
    r->pos_from = d->c->stop == CPU_HALTED ? 1 : 0;
    if (index > 0) {
        replay_begin(d, index, false);
        replay(d, UINT64_MAX, r->n_in);
        replay_end(d);
    }
    r->pos_valid = true;
    r->pos_snap = k;
    r->pos_index = index;
    r->pos_cycles = d->c->cycles;
    r->pos_insns = d->c->instructions;
    uint64_t newest = r->n ? r->snap[r->n - 1].cycles : 0;
    r->next_at = newest + r->every;
    d->stopped_at_boundary = true; /* a breakpoint here does not stop the next run at once */
}

/* The present, saved before a reverse command replays anything. */
struct present {
    uint8_t *buf;  /* the snapshot */
    size_t len;    /* its bytes */
    uint64_t end;  /* its cycle */
    size_t cursor; /* the inputs it has had */
};

static int save_present(struct dbg *d, struct present *p)
{
    char err[96];
    p->end = d->c->cycles;
    p->cursor = d->rev->cursor;
    return snap_save(d->m, SNAP_MEMORY, &p->buf, &p->len, err, sizeof err);
}

/* Did the replay arrive at the present? Else put the present back and
 * forget the history, which no longer leads here. */
static bool verify(struct dbg *d, const struct present *p)
{
    uint8_t *now = NULL;
    size_t len;
    char err[160];
    bool same = snap_save(d->m, SNAP_MEMORY, &now, &len, err, sizeof err) == 0 &&
                snap_compare(p->buf, p->len, now, len, true, err, sizeof err) == 0;
    free(now);
    if (!same) {
        snap_load(d->m, p->buf, p->len, err, sizeof err);
        dbg_rev_reset(d);
    }
    return same;
}

/* Replay segment k (from snapshot k to the next one, or to the present
 * for the first segment of a command, which is checked against it).
 * Returns how many boundaries were passed (the last one's index), or -1
 * when the check failed; *from is the first index that is a boundary: 0,
 * or 1 when the snapshot is a halted CPU, which is no boundary (a HLT,
 * the wait and the interrupt that ends it are one step, as dbg_stepi()
 * counts). */
static int64_t segment(struct dbg *d, int k, const struct present *p, bool first, bool find,
                       uint64_t *from)
{
    uint64_t end = first ? p->end : d->rev->snap[k + 1].cycles;
    size_t limit = first ? p->cursor : d->rev->snap[k + 1].cursor;
    restore(d, k);
    *from = d->c->stop == CPU_HALTED ? 1 : 0;
    replay_begin(d, 0, find);
    replay(d, end, limit);
    replay_end(d);
    if (first && !verify(d, p))
        return -1;
    return (int64_t)d->rev->count;
}

static enum dbg_stop stop_with(struct dbg *d, enum dbg_stop reason)
{
    d->stop = (struct dbg_stop_info){.reason = reason};
    return reason;
}

enum dbg_stop dbg_rstepi(struct dbg *d, int n)
{
    struct dbg_rev *r = d->rev;
    struct present p;
    uint64_t left = n < 1 ? 1 : (uint64_t)n;
    if (!r || r->n == 0)
        return stop_with(d, DBG_STOP_HISTORY_START);
    dbg_end_goal(d);
    if (r->pos_valid && r->pos_cycles == d->c->cycles && r->pos_insns == d->c->instructions &&
        left + r->pos_from <= r->pos_index) {
        land(d, r->pos_snap, r->pos_index - left); /* counted already */
        return stop_with(d, DBG_STOP_STEP);
    }
    int k = before(r, d->c->cycles);
    if (k < 0 || save_present(d, &p) != 0)
        return stop_with(d, DBG_STOP_HISTORY_START);
    for (bool first = true; k >= 0; k--, first = false) {
        uint64_t from;
        int64_t count = segment(d, k, &p, first, false, &from);
        if (count < 0)
            break;
        /* Boundaries from..count lie before the segment's end. */
        uint64_t avail = (uint64_t)count + 1 - from;
        if (left <= avail) {
            land(d, k, (uint64_t)count + 1 - left);
            free(p.buf);
            return stop_with(d, DBG_STOP_STEP);
        }
        left -= avail;
    }
    free(p.buf);
    if (r->n)
        land(d, 0, 0);
    return stop_with(d, DBG_STOP_HISTORY_START);
}

/* --- rcontinue --- */

/* Replays must not change the tables: hits are put back afterwards and
 * temporary breakpoints are not deleted by a hit seen on the way. */
struct quiet {
    uint64_t bp_hits[DBG_MAX_BREAK]; /* hits before */
    bool bp_temp[DBG_MAX_BREAK];     /* temporary flags before */
    uint64_t wp_hits[DBG_MAX_WATCH]; /* watchpoint hits before */
};

static void quiet_begin(struct dbg *d, struct quiet *q)
{
    for (int k = 0; k < DBG_MAX_BREAK; k++) {
        q->bp_hits[k] = d->bp[k].hits;
        q->bp_temp[k] = d->bp[k].temporary;
        d->bp[k].temporary = false;
    }
    for (int k = 0; k < DBG_MAX_WATCH; k++)
        q->wp_hits[k] = d->wp[k].hits;
}

static void quiet_end(struct dbg *d, const struct quiet *q, int stopped_id)
{
    for (int k = 0; k < DBG_MAX_BREAK; k++) {
        d->bp[k].hits = q->bp_hits[k] + (d->bp[k].id && d->bp[k].id == stopped_id);
        d->bp[k].temporary = q->bp_temp[k];
    }
    for (int k = 0; k < DBG_MAX_WATCH; k++)
        d->wp[k].hits = q->wp_hits[k] + (d->wp[k].id && d->wp[k].id == stopped_id);
}

/* The newest hit whose stop is before limit (first segment) or at most
 * at limit - 1 + 1 (an older one: its end is a snapshot, not the present). */
static const struct rev_hit *last_hit(const struct dbg_rev *r, uint64_t here, bool first)
{
    for (int k = 1; k >= 0; k--)
        if (r->hit[k].found && (first ? r->hit[k].landing < here : r->hit[k].landing <= here))
            return &r->hit[k];
    return NULL;
}

/* Stop at hit h of segment k (here boundaries long). */
static enum dbg_stop land_hit(struct dbg *d, int k, uint64_t here, const struct rev_hit *h)
{
    struct dbg_stop_info stop = h->stop;
    if (h->landing == here)
        land(d, k + 1, 0); /* the end of an older segment is the next snapshot */
    else
        land(d, k, h->landing);
    d->stop = stop;
    d->stopped_at_boundary = stop.reason == DBG_STOP_BREAKPOINT; /* as a forward stop */
    return stop.reason;
}

enum dbg_stop dbg_rcontinue(struct dbg *d, uint64_t max_cycles)
{
    struct dbg_rev *r = d->rev;
    struct present p;
    struct quiet q;
    enum dbg_stop why = DBG_STOP_HISTORY_START;
    if (!r || r->n == 0)
        return stop_with(d, DBG_STOP_HISTORY_START);
    dbg_end_goal(d);
    uint64_t floor = d->c->cycles > max_cycles ? d->c->cycles - max_cycles : 0;
    int k = before(r, d->c->cycles);
    if (k < 0 || save_present(d, &p) != 0)
        return stop_with(d, DBG_STOP_HISTORY_START);
    quiet_begin(d, &q);
    for (bool first = true; k >= 0; k--, first = false) {
        uint64_t from;
        int64_t count = segment(d, k, &p, first, true, &from);
        uint64_t here = (uint64_t)count + 1; /* the end's index */
        const struct rev_hit *h = count < 0 ? NULL : last_hit(r, here, first);
        if (count < 0)
            break;
        if (h) {
            why = land_hit(d, k, here, h);
            quiet_end(d, &q, d->stop.id);
            free(p.buf);
            return why;
        }
        if (r->snap[k].cycles < floor) {
            land(d, k, 0);
            why = DBG_STOP_BUDGET;
            break;
        }
    }
    quiet_end(d, &q, 0);
    free(p.buf);
    if (why == DBG_STOP_HISTORY_START && r->n)
        land(d, 0, 0);
    return stop_with(d, why);
}

/* --- switching it on and off --- */

int dbg_history(struct dbg *d, bool on, uint64_t every_cycles, int max_snapshots)
{
    dbg_rev_free(d);
    if (!on)
        return 0;
    struct dbg_rev *r = calloc(1, sizeof *r);
    int max = max_snapshots > 0 ? max_snapshots : REV_MAX_DEFAULT;
    max = max < 2 ? 2 : max; /* one to go back to, one being replaced */
    if (!r || !(r->snap = calloc((size_t)max, sizeof *r->snap))) {
        free(r);
        return -1;
    }
    r->every = every_cycles ? every_cycles : REV_EVERY_DEFAULT;
    r->max = max;
    d->rev = r;
    emu_set_input_observer(d->m, on_input, d);
    return 0;
}

bool dbg_history_on(const struct dbg *d)
{
    return d->rev != NULL;
}

void dbg_rev_reset(struct dbg *d)
{
    struct dbg_rev *r = d->rev;
    if (!r)
        return;
    while (r->n)
        drop_snap(r, r->n - 1);
    r->n_in = r->cursor = 0;
    r->next_at = 0;
}

void dbg_rev_free(struct dbg *d)
{
    struct dbg_rev *r = d->rev;
    if (!r)
        return;
    emu_set_input_observer(d->m, NULL, NULL);
    while (r->n)
        drop_snap(r, r->n - 1);
    free(r->snap);
    free(r->in);
    free(r);
    d->rev = NULL;
}
