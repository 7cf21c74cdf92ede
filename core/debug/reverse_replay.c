/*
 * reverse_replay.c - going back: rstepi and rcontinue re-run the machine
 * from the in-memory snapshots reverse.c keeps, with this file's debugger
 * hooks counting instruction boundaries and noting breakpoint and
 * watchpoint hits (the method is described at the top of reverse.c).
 *
 * A replay restores a snapshot, swaps the debugger's hooks for its own,
 * mutes guest output and runs one instruction at a time, giving the logged
 * input at its cycles. The first replay of a command also checks that
 * re-running arrives at exactly the present (verify()); when it does not,
 * the present is put back and the history dropped.
 */
#include "debug/reverse_impl.h"

#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"
#include "snapshot.h"

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
    mmu_watch_changed(c); /* the data fast path follows (mmu.h) */
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
    mmu_watch_changed(c); /* the data fast path follows (mmu.h) */
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
        rev_inject_due(d, limit);
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
    rev_restore(d, k);
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
    rev_restore(d, k);
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
    int k = rev_before(r, d->c->cycles);
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
    int k = rev_before(r, d->c->cycles);
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
