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
 * This file records (the snapshots, the input log, forward runs, switching
 * the history on and off); reverse_replay.c goes back (replays, rstepi,
 * rcontinue); reverse_impl.h is what they share.
 *
 * While replaying, guest output is muted (the front end has shown it), the
 * debugger's own hooks are swapped for this file's (no stops, no events),
 * and the serial tap is off. A replay runs one instruction at a time, at
 * the switch core's speed: a rstepi costs at most two replays of one
 * snapshot interval.
 */
#include "debug/reverse_impl.h"

#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

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

int rev_restore(struct dbg *d, int k)
{
    char err[160];
    struct dbg_rev *r = d->rev;
    if (snap_load(d->m, r->snap[k].buf, r->snap[k].len, err, sizeof err) != 0)
        return -1;
    r->cursor = r->snap[k].cursor;
    return 0;
}

int rev_before(const struct dbg_rev *r, uint64_t end)
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

void rev_inject_due(struct dbg *d, size_t limit)
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
        rev_inject_due(d, r->n_in);
        if (c->cycles >= end)
            return EMU_STOP_BUDGET;
        enum emu_stop why = emu_run(d->m, slice_end(r, end, r->n_in) - c->cycles);
        if (why == EMU_STOP_IDLE && c->cycles < end)
            why = emu_run(d->m, end - c->cycles); /* jump to the end, as one slice would */
        if (why != EMU_STOP_BUDGET || c->dbg_break)
            return why;
    }
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
