/*
 * clock.c - virtual time and timer events (see clock.h).
 *
 * A machine has a few dozen timers at most, so the table is scanned; the
 * scan happens once per event, not per instruction.
 */
#include "clock.h"

#include <stddef.h>

void clock_init(struct clock *k, const uint64_t *now, uint64_t *deadline, uint64_t hz)
{
    *k = (struct clock){0};
    k->now = now;
    k->deadline = deadline;
    k->hz = hz ? hz : 1;
}

int clock_add_timer(struct clock *k, struct clock_timer *t, const char *name, clock_fn *fn,
                    void *opaque)
{
    if (k->n == CLOCK_MAX_TIMERS)
        return -1;
    *t = (struct clock_timer){name, fn, opaque, CLOCK_NEVER};
    k->timers[k->n++] = t;
    return 0;
}

void clock_arm(struct clock *k, struct clock_timer *t, uint64_t when)
{
    t->when = when;
    if (k->deadline && when < *k->deadline)
        *k->deadline = when; /* end the CPU's slice at the event */
}

void clock_disarm(struct clock_timer *t)
{
    t->when = CLOCK_NEVER;
}

uint64_t clock_next(const struct clock *k)
{
    uint64_t next = CLOCK_NEVER;
    for (int i = 0; i < k->n; i++)
        if (k->timers[i]->when < next)
            next = k->timers[i]->when;
    return next;
}

/* The armed timer that is due earliest, or NULL. Ties go to the timer
 * registered first, so the order is the same on every run. */
static struct clock_timer *earliest_due(const struct clock *k)
{
    struct clock_timer *best = NULL;
    for (int i = 0; i < k->n; i++) {
        struct clock_timer *t = k->timers[i];
        if (t->when <= *k->now && (!best || t->when < best->when))
            best = t;
    }
    return best;
}

int clock_dispatch(struct clock *k)
{
    int fired = 0;
    struct clock_timer *t;
    /* Bounded: a timer that keeps re-arming in the past cannot hang the
     * machine; what is left fires at the next boundary. */
    while (fired < 4 * CLOCK_MAX_TIMERS && (t = earliest_due(k)) != NULL) {
        t->when = CLOCK_NEVER;
        t->fn(t->opaque, *k->now);
        fired++;
    }
    return fired;
}

uint64_t clock_scale(uint64_t cycles, uint64_t num, uint64_t den)
{
    return (uint64_t)((unsigned __int128)cycles * num / den);
}

uint64_t clock_cycles_to_ns(const struct clock *k, uint64_t cycles)
{
    return clock_scale(cycles, 1000000000u, k->hz);
}

uint64_t clock_ns_to_cycles(const struct clock *k, uint64_t ns)
{
    return clock_scale(ns, k->hz, 1000000000u);
}
