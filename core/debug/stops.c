/*
 * stops.c - what the interpreter's trap hook and the UARTs' tap tell the
 * debugger, and the stops made from it: I/O-port ranges, a string on a
 * serial port, hypervisor-trap kinds (trap.h), vectors; the owners of the
 * switch stops (vector, mode switch, CR3, trap kind); and the trap counters.
 *
 * The interpreter calls cpu_trap() at every trap event (a port access, a
 * CPUID, an exception delivered, ...): it always counts the event in
 * c->stats.traps, and while the debugger listens (c->attention) it calls
 * dbg_on_trap() here, which records events for the ring's readers
 * (events.c) and decides the stops. The UARTs call dbg_on_serial() for
 * every byte they transmit (emu_set_serial_tap).
 *
 * These stops come after the instruction that caused them completes (like
 * a watchpoint): the hook sets the stop, and the run returns at the next
 * instruction boundary. A REP INS/OUTS finishes its current batch first
 * (ops_string.c runs up to 4096 elements a call), so the stop may come
 * after more elements than the one that matched; its details are those of
 * the first match.
 *
 * The serial stop matches text as a rolling window over the bytes sent
 * since it was set, so the text may arrive in any number of OUTs, slices
 * and runs; it stops after the instruction that sent the text's last byte.
 *
 * Vector stops are decided here too, not in the delivery hook: every
 * delivery calls the trap hook (TRAP_EXCEPTION, TRAP_INTR or TRAP_SWINT)
 * right after the delivery hook, and only here are the vector, how it came
 * and the error code known together. One decision for both switches makes
 * a delivery that matches a vector stop and a trap stop one stop, owned by
 * both (debug.h, "stop owners"), rather than two of which the second would
 * be lost to the rule that an instruction's first stop is the one told.
 * Like the trap stops, they need the hooks but not single steps.
 */
#include "debug/dbg_impl.h"

#include <string.h>

/* --- recording events --- */

/* The instruction's CS:EIP; for a delivery, where the handler returns. */
static void stamp(const struct dbg *d, struct dbg_event *e, bool delivery)
{
    e->cs = d->c->seg[SEG_CS].sel;
    e->eip = (uint32_t)(delivery ? d->c->eip : d->c->prev_eip);
}

/* The event-ring records a trap event makes: the TRAP record itself, and
 * the IO, EXCEPTION or INTERRUPT record of the same happening. */
static void record_trap(struct dbg *d, int kind, uint64_t a, uint64_t b)
{
    bool delivery = kind == TRAP_EXCEPTION || kind == TRAP_INTR || kind == TRAP_SWINT;
    struct dbg_event e = {.kind = DBG_EV_TRAP, .trap = kind, .detail = (uint32_t)a,
                          .value = (uint32_t)b, .size = TRAP_A_SIZE(a),
                          .out = (a & TRAP_A_WRITE) != 0};
    stamp(d, &e, delivery);
    if (d->ev_mask & DBG_EV_BIT(DBG_EV_TRAP))
        dbg_event_record(d, &e);
    struct dbg_event x = {.cs = e.cs, .eip = e.eip};
    if (kind == TRAP_IO) {
        x.kind = DBG_EV_IO;
        x.port = (uint16_t)a, x.size = e.size, x.out = e.out, x.value = e.value;
    } else if (kind == TRAP_EXCEPTION) {
        x.kind = DBG_EV_EXCEPTION;
        x.vector = (int)(a & 0xff), x.error = (uint32_t)b;
        x.has_error = (a & TRAP_A_HAS_ERR) != 0;
    } else if (kind == TRAP_INTR || kind == TRAP_SWINT) {
        x.kind = DBG_EV_INTERRUPT;
        x.vector = (int)(a & 0xff), x.hardware = kind == TRAP_INTR;
    } else {
        return;
    }
    if (d->ev_mask & DBG_EV_BIT(x.kind))
        dbg_event_record(d, &x);
}

/* --- I/O-port stops --- */

int dbg_break_io(struct dbg *d, uint16_t lo, uint16_t hi, int kind)
{
    if (lo > hi || (kind & DBG_IO_BOTH) == 0)
        return -1;
    for (int k = 0; k < DBG_MAX_IOBP; k++) {
        if (d->iobp[k].id == 0) {
            d->iobp[k] = (struct dbg_iobp){d->next_id++, lo, hi, kind & DBG_IO_BOTH, 0};
            return d->iobp[k].id;
        }
    }
    return -1;
}

/* An access of size bytes at port, the out way: an I/O stop's range? */
static bool check_io(struct dbg *d, uint16_t port, int size, bool out, uint32_t value)
{
    int kind = out ? DBG_IO_OUT : DBG_IO_IN;
    uint32_t last = (uint32_t)port + (uint32_t)(size > 0 ? size - 1 : 0);
    for (int k = 0; k < DBG_MAX_IOBP; k++) {
        struct dbg_iobp *b = &d->iobp[k];
        if (b->id == 0 || !(b->kind & kind) || last < b->lo || port > b->hi)
            continue;
        b->hits++;
        d->stop.id = b->id;
        d->stop.addr = port;
        d->stop.size = size;
        d->stop.write = out;
        d->stop.value = value;
        return true;
    }
    return false;
}

/* --- switch stops and their owners --- */

/* Turn owner's bit in *set on or off. */
static void own(const struct dbg *d, uint8_t *set, int owner, bool on)
{
    if (owner < 0 || owner >= DBG_MAX_OWNERS || !((d->owners_used | 1u) >> owner & 1))
        return; /* not an owner number handed out */
    uint8_t bit = (uint8_t)DBG_OWNER_BIT(owner);
    *set = on ? *set | bit : *set & (uint8_t)~bit;
}

int dbg_owner_new(struct dbg *d)
{
    for (int k = 1; k < DBG_MAX_OWNERS; k++) {
        if (!(d->owners_used >> k & 1)) {
            d->owners_used |= (uint8_t)DBG_OWNER_BIT(k);
            return k;
        }
    }
    return -1;
}

void dbg_owner_free(struct dbg *d, int owner)
{
    for (int v = 0; v < 256; v++)
        own(d, &d->vector_owners[v], owner, false);
    for (int k = 0; k < TRAP_COUNT; k++)
        own(d, &d->trap_owners[k], owner, false);
    own(d, &d->mode_owners, owner, false);
    own(d, &d->cr3_owners, owner, false);
    if (owner > DBG_OWNER_USER && owner < DBG_MAX_OWNERS)
        d->owners_used &= (uint8_t)~DBG_OWNER_BIT(owner);
}

void dbg_stop_on_vector_as(struct dbg *d, int owner, int vector, bool on)
{
    if (vector >= 0 && vector < 256)
        own(d, &d->vector_owners[vector], owner, on);
}

void dbg_stop_on_mode_switch_as(struct dbg *d, int owner, bool on)
{
    own(d, &d->mode_owners, owner, on);
}

void dbg_stop_on_cr3_write_as(struct dbg *d, int owner, bool on)
{
    own(d, &d->cr3_owners, owner, on);
}

void dbg_stop_on_trap_as(struct dbg *d, int owner, int kind, bool on)
{
    if (kind >= 0 && kind < TRAP_COUNT)
        own(d, &d->trap_owners[kind], owner, on);
}

void dbg_stop_on_vector(struct dbg *d, int vector, bool on)
{
    dbg_stop_on_vector_as(d, DBG_OWNER_USER, vector & 0xff, on);
}

void dbg_stop_on_mode_switch(struct dbg *d, bool on)
{
    dbg_stop_on_mode_switch_as(d, DBG_OWNER_USER, on);
}

void dbg_stop_on_cr3_write(struct dbg *d, bool on)
{
    dbg_stop_on_cr3_write_as(d, DBG_OWNER_USER, on);
}

void dbg_stop_on_trap(struct dbg *d, int kind, bool on)
{
    dbg_stop_on_trap_as(d, DBG_OWNER_USER, kind, on);
}

/* A delivery (kind TRAP_EXCEPTION, TRAP_INTR or TRAP_SWINT): one stop for
 * the vector's stop and the kind's, with the owners of both. */
static void check_delivery(struct dbg *d, int kind, uint64_t a, uint64_t b)
{
    int vector = (int)(a & 0xff);
    unsigned by_vector = d->vector_owners[vector], owners = by_vector | d->trap_owners[kind];
    if (!owners)
        return;
    d->stop.vector = vector;
    d->stop.trap = kind;
    d->stop.addr = (uint32_t)a;
    d->stop.value = (uint32_t)b;
    d->stop.has_error = (a & TRAP_A_HAS_ERR) != 0;
    d->stop.owners = owners;
    dbg_hold(d, by_vector ? DBG_STOP_VECTOR : DBG_STOP_TRAP, false);
}

/* --- trap counters --- */

void dbg_traps(struct dbg *d, uint64_t counts[TRAP_COUNT])
{
    memcpy(counts, d->c->stats.traps, sizeof d->c->stats.traps);
}

static const char *const trap_names[TRAP_COUNT] = {
#define TRAP_NAME_(name, str, doc) str,
    TRAP_KINDS(TRAP_NAME_)
#undef TRAP_NAME_
};

const char *dbg_trap_name(int kind)
{
    return kind >= 0 && kind < TRAP_COUNT ? trap_names[kind] : NULL;
}

int dbg_trap_kind(const char *name)
{
    for (int k = 0; k < TRAP_COUNT; k++)
        if (strcmp(trap_names[k], name) == 0)
            return k;
    return -1;
}

void dbg_on_trap(void *opaque, int kind, uint64_t a, uint64_t b)
{
    struct dbg *d = opaque;
    if (d->ev_mask)
        record_trap(d, kind, a, b);
    if (d->c->dbg_break)
        return; /* the first stop of an instruction is the one reported */
    if (kind == TRAP_IO &&
        check_io(d, (uint16_t)a, TRAP_A_SIZE(a), (a & TRAP_A_WRITE) != 0, (uint32_t)b)) {
        dbg_hold(d, DBG_STOP_IO, false);
    } else if (kind == TRAP_EXCEPTION || kind == TRAP_INTR || kind == TRAP_SWINT) {
        check_delivery(d, kind, a, b);
    } else if (d->trap_owners[kind]) {
        d->stop.trap = kind;
        d->stop.addr = (uint32_t)a;
        d->stop.value = (uint32_t)b;
        d->stop.owners = d->trap_owners[kind];
        dbg_hold(d, DBG_STOP_TRAP, false);
    }
}

/* --- serial-string stops --- */

int dbg_stop_on_serial(struct dbg *d, uint16_t port, const char *text)
{
    size_t len = text ? strlen(text) : 0;
    if (len == 0 || len > DBG_SERIAL_TEXT)
        return -1;
    for (int k = 0; k < DBG_MAX_SERIAL; k++) {
        struct dbg_serial *s = &d->serial[k];
        if (s->id == 0) {
            *s = (struct dbg_serial){.id = d->next_id++, .port = port, .len = (int)len};
            memcpy(s->text, text, len);
            return s->id;
        }
    }
    return -1;
}

/* Take byte into s's window; true when the window now reads s->text. */
static bool serial_match(struct dbg_serial *s, uint8_t byte)
{
    s->last[s->pos] = byte;
    s->pos = (s->pos + 1) % s->len;
    if (s->seen < s->len)
        s->seen++;
    if (s->seen < s->len)
        return false;
    for (int k = 0; k < s->len; k++) /* pos is now the window's oldest byte */
        if (s->last[(s->pos + k) % s->len] != (uint8_t)s->text[k])
            return false;
    return true;
}

void dbg_on_serial(void *opaque, uint16_t port, uint8_t byte)
{
    struct dbg *d = opaque;
    if (!d->c->attention)
        return; /* not a debugger run: nothing listens */
    if (d->ev_mask & DBG_EV_BIT(DBG_EV_SERIAL)) {
        struct dbg_event e = {.kind = DBG_EV_SERIAL, .port = port, .value = byte, .size = 1,
                              .out = true};
        stamp(d, &e, false);
        dbg_event_record(d, &e);
    }
    for (int k = 0; k < DBG_MAX_SERIAL; k++) {
        struct dbg_serial *s = &d->serial[k];
        if (s->id == 0 || (s->port && s->port != port) || !serial_match(s, byte))
            continue;
        if (d->c->dbg_break)
            continue; /* another stop came first; this one still saw the byte */
        s->hits++;
        d->stop.id = s->id;
        d->stop.addr = port;
        dbg_hold(d, DBG_STOP_SERIAL, false);
    }
}

/* --- the table as a whole --- */

bool dbg_stops_active(const struct dbg *d)
{
    bool any = false;
    for (int k = 0; k < TRAP_COUNT; k++)
        any |= d->trap_owners[k] != 0;
    for (int v = 0; v < 256; v++)
        any |= d->vector_owners[v] != 0;
    for (int k = 0; k < DBG_MAX_IOBP; k++)
        any |= d->iobp[k].id != 0;
    for (int k = 0; k < DBG_MAX_SERIAL; k++)
        any |= d->serial[k].id != 0;
    return any;
}

int dbg_stops_delete(struct dbg *d, int id)
{
    for (int k = 0; id > 0 && k < DBG_MAX_IOBP; k++) {
        if (d->iobp[k].id == id) {
            d->iobp[k] = (struct dbg_iobp){0};
            return 0;
        }
    }
    for (int k = 0; id > 0 && k < DBG_MAX_SERIAL; k++) {
        if (d->serial[k].id == id) {
            d->serial[k] = (struct dbg_serial){0};
            return 0;
        }
    }
    return -1;
}

int64_t dbg_stops_hits(const struct dbg *d, int id)
{
    for (int k = 0; id > 0 && k < DBG_MAX_IOBP; k++)
        if (d->iobp[k].id == id)
            return (int64_t)d->iobp[k].hits;
    for (int k = 0; id > 0 && k < DBG_MAX_SERIAL; k++)
        if (d->serial[k].id == id)
            return (int64_t)d->serial[k].hits;
    return -1;
}
