/*
 * pane_traps.c - the Traps pane: the events a trap-and-emulate hypervisor
 * would have to intercept (core/trap.h: port I/O, MMIO, HLT, CPUID, MSR
 * and control-register accesses, exceptions, interrupts, ...), as the
 * interpreter counts them. At the top the counters by kind since the
 * machine was made (dbg_traps); below, the newest trap events from the
 * debugger's event ring, one a line with its cycle, the CS:EIP of the
 * instruction that caused it and its numbers.
 *
 * Recording events costs the machine speed (every port access of a
 * firmware's polling loop becomes a ring entry: a run of SeaBIOS took
 * twice as long), so the log records only while the pane is on the screen,
 * or always after r; the counters cost nothing and are always complete.
 * The pane subscribes to trap events only (not to mode or CR3 events,
 * which would make the machine step one instruction at a time); the
 * ring's oldest events are overwritten when a run makes many, and the
 * pane says how many it missed.
 */
#include <stdio.h>
#include <string.h>

#include "tui_impl.h"
#include "trap.h"

#define KEEP 256 /* events the pane remembers */

/* The pane's reader of the event ring and what it has read; the one TUI
 * of the process owns it (tui_main() runs once at a time). */
static struct {
    int reader;                   /* its reader id, -1: not recording */
    bool always;                  /* r: record even while the pane is hidden */
    struct dbg_event ev[KEEP];    /* a ring of the newest */
    uint64_t n;                   /* events ever read */
} log_state = {-1, false, {{0}}, 0};

/* Take what the ring holds for the pane. */
static void read_events(struct tui *t)
{
    struct dbg_event ev;
    while (log_state.reader >= 0 && dbg_events_next(t->d, log_state.reader, &ev))
        log_state.ev[log_state.n++ % KEEP] = ev;
}

void pane_traps_sync(struct tui *t)
{
    bool want = log_state.always || t->pane[PANE_TRAPS].area.h > 0;
    if (want && log_state.reader < 0) {
        log_state.reader = dbg_events_subscribe(t->d, DBG_EV_BIT(DBG_EV_TRAP));
    } else if (!want && log_state.reader >= 0) {
        read_events(t);
        dbg_events_unsubscribe(t->d, log_state.reader);
        log_state.reader = -1;
    }
}

void pane_traps_close(struct tui *t)
{
    if (log_state.reader >= 0)
        dbg_events_unsubscribe(t->d, log_state.reader);
    log_state.reader = -1;
    log_state.always = false;
    log_state.n = 0;
}

/* The counters, as many to a line as fit; returns the rows used. */
static int draw_counts(struct tui *t, struct area a)
{
    uint64_t counts[TRAP_COUNT];
    dbg_traps(t->d, counts);
    int per = a.w / 19 > 0 ? a.w / 19 : 1, r = 0;
    for (int k = 0; k < TRAP_COUNT; k += per, r++) {
        tui_print(t, a, r, ST_NORMAL, "%s", "");
        for (int j = 0; j < per && k + j < TRAP_COUNT; j++)
            tui_print_at(t, a, r, 19 * j, counts[k + j] ? ST_NORMAL : ST_DIM, "%-9s %8llu",
                         dbg_trap_name(k + j), (unsigned long long)counts[k + j]);
    }
    return r;
}

static void draw_event(struct tui *t, struct area a, int r, const struct dbg_event *e)
{
    const char *name = dbg_trap_name(e->trap);
    char what[64];
    if (e->trap == TRAP_IO)
        snprintf(what, sizeof what, "%s %04llx = %0*x", e->out ? "out" : "in",
                 (unsigned long long)e->detail, 2 * (e->size > 0 ? e->size : 1), e->value);
    else
        snprintf(what, sizeof what, "a=%llx b=%x", (unsigned long long)e->detail, e->value);
    if (a.w >= 64)
        tui_print(t, a, r, ST_NORMAL, "%10llu %04x:%08x %-9s %s", (unsigned long long)e->cycle,
                  e->cs, e->eip, name ? name : "?", what);
    else /* narrow: the instruction's EIP and the event */
        tui_print(t, a, r, ST_NORMAL, "%08x %-5.5s %s", e->eip, name ? name : "?", what);
}

static void traps_draw(struct tui *t, struct pane *p, struct area a)
{
    pane_traps_sync(t); /* shown: record */
    read_events(t);
    int r = draw_counts(t, a);
    int64_t lost = log_state.reader >= 0 ? dbg_events_lost(t->d, log_state.reader) : 0;
    tui_print(t, a, r++, ST_DIM, "log, newest last: %lld missed, recorded %s (r)",
              lost > 0 ? (long long)lost : 0LL,
              log_state.always ? "always" : "while shown");
    int h = a.h - r;
    int have = log_state.n < KEEP ? (int)log_state.n : KEEP;
    if (p->scroll > have - h)
        p->scroll = have - h > 0 ? have - h : 0;
    for (int k = 0; k < h && k < have; k++) {
        int back = (have < h ? have : h) - 1 - k + p->scroll; /* 0: the newest */
        if (back >= have)
            continue;
        draw_event(t, a, r + k, &log_state.ev[(log_state.n - 1 - (uint64_t)back) % KEEP]);
    }
}

static bool traps_key(struct tui *t, struct pane *p, int key)
{
    (void)t;
    if (key == KEY_UP)
        p->scroll++;
    else if (key == KEY_DOWN && p->scroll > 0)
        p->scroll--;
    else if (key == KEY_PPAGE)
        p->scroll += p->area.h / 2;
    else if (key == KEY_NPAGE)
        p->scroll = p->scroll > p->area.h / 2 ? p->scroll - p->area.h / 2 : 0;
    else if (key == KEY_END)
        p->scroll = 0;
    else if (key == 'r')
        log_state.always = !log_state.always;
    else
        return false;
    return true;
}

const struct pane_class pane_traps = {"Traps", traps_draw, traps_key};
