/*
 * events.c - the debugger's event ring: what happened in the machine, in
 * order, with cycle stamps, for several readers at once (the TUI's Traps
 * pane, a Lua script, the command line's log).
 *
 *     int r = dbg_events_subscribe(d, DBG_EV_BIT(DBG_EV_IO) | DBG_EV_BIT(DBG_EV_TRAP));
 *     dbg_continue(d, budget);
 *     struct dbg_event e;
 *     while (dbg_events_next(d, r, &e)) ... e.cycle, e.port, e.value ...
 *
 * One ring of DBG_EVENT_RING slots serves every reader. An event gets a
 * sequence number when it is recorded; slot seq % DBG_EVENT_RING holds it
 * until DBG_EVENT_RING newer events overwrite it. Each reader keeps a
 * cursor (the seq it reads next) and its mask; reading skips the kinds it
 * did not ask for. A reader that falls more than a ring behind loses the
 * oldest events: when a slot is overwritten, each reader that had not read
 * it and wanted its kind counts one lost event, and reading jumps its
 * cursor to the oldest event still there. Nothing blocks and nothing grows:
 * a guest that floods the ring costs a fixed amount of memory.
 *
 * Only kinds some reader wants are recorded (d->ev_mask), and the hooks
 * that produce them run only while the interpreter's attention flag is
 * set (debug.c arms it when d->ev_mask is not 0): a debugger nobody
 * listens to costs the machine nothing.
 */
#include "debug/dbg_impl.h"

#include <stdlib.h>

static const char *const event_names[DBG_EV_COUNT] = {
    "exception", "interrupt", "io", "mode", "cr3", "trap", "serial",
};

const char *dbg_event_name(int kind)
{
    return kind >= 0 && kind < DBG_EV_COUNT ? event_names[kind] : NULL;
}

/* The union of the readers' masks: what the hooks record. */
static void update_mask(struct dbg *d)
{
    d->ev_mask = 0;
    for (int k = 0; k < DBG_MAX_READERS; k++)
        if (d->readers[k].used)
            d->ev_mask |= d->readers[k].mask;
}

int dbg_events_subscribe(struct dbg *d, unsigned mask)
{
    mask &= DBG_EV_ALL;
    if (mask == 0)
        return -1;
    if (!d->ring && !(d->ring = calloc(DBG_EVENT_RING, sizeof *d->ring)))
        return -1;
    for (int k = 0; k < DBG_MAX_READERS; k++) {
        struct dbg_reader *r = &d->readers[k];
        if (!r->used) {
            *r = (struct dbg_reader){.used = true, .mask = mask, .cursor = d->ring_seq};
            update_mask(d);
            return k;
        }
    }
    return -1;
}

static struct dbg_reader *reader(struct dbg *d, int id)
{
    if (id < 0 || id >= DBG_MAX_READERS || !d->readers[id].used)
        return NULL;
    return &d->readers[id];
}

void dbg_events_unsubscribe(struct dbg *d, int id)
{
    struct dbg_reader *r = reader(d, id);
    if (r) {
        *r = (struct dbg_reader){0};
        update_mask(d);
    }
}

/* The slot about to be overwritten held an event: charge it to each reader
 * that wanted it and has not read it yet. */
static void count_lost(struct dbg *d, const struct dbg_event *old)
{
    for (int k = 0; k < DBG_MAX_READERS; k++) {
        struct dbg_reader *r = &d->readers[k];
        if (r->used && r->cursor <= old->seq && (r->mask & DBG_EV_BIT(old->kind)))
            r->lost++;
    }
}

void dbg_event_record(struct dbg *d, struct dbg_event *e)
{
    struct dbg_event *slot = &d->ring[d->ring_seq % DBG_EVENT_RING];
    if (d->ring_seq >= DBG_EVENT_RING)
        count_lost(d, slot);
    e->seq = d->ring_seq++;
    e->cycle = d->c->cycles;
    *slot = *e;
}

bool dbg_events_next(struct dbg *d, int id, struct dbg_event *ev)
{
    struct dbg_reader *r = reader(d, id);
    if (!r)
        return false;
    /* Behind by more than a ring: the oldest still kept is where to go on
     * (what was skipped is already counted as lost). */
    if (d->ring_seq > DBG_EVENT_RING && r->cursor < d->ring_seq - DBG_EVENT_RING)
        r->cursor = d->ring_seq - DBG_EVENT_RING;
    while (r->cursor < d->ring_seq) {
        const struct dbg_event *e = &d->ring[r->cursor % DBG_EVENT_RING];
        r->cursor++;
        if (r->mask & DBG_EV_BIT(e->kind)) {
            *ev = *e;
            return true;
        }
    }
    return false;
}

int64_t dbg_events_lost(const struct dbg *d, int id)
{
    const struct dbg_reader *r = reader((struct dbg *)d, id);
    return r ? (int64_t)r->lost : -1;
}

void dbg_events_free(struct dbg *d)
{
    free(d->ring);
    d->ring = NULL;
}
