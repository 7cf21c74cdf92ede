/*
 * lapic_timer.c - the local APIC's timer (SDM vol. 3, 10.5.4): a 32-bit
 * count that runs down from the initial count at the bus clock divided by
 * the divide configuration, once (one-shot) or again and again (periodic),
 * raising the LVT timer entry's interrupt each time it reaches zero.
 * Nothing counts tick by tick: the count is computed from the cycle at
 * which it was loaded, and one clock timer is armed for the next zero
 * (lab86 takes the bus clock to be the CPU's nominal clock: see lapic.c).
 */
#include "lapic_internal.h"

#include "interp/cpu.h"

/* --- the timer --- */

/* The divide configuration's divisor: bits 3, 1, 0 give 2 to 128, or 1. */
static uint32_t divisor(const struct lapic *l)
{
    uint32_t d = (l->timer_divide & 3u) | ((l->timer_divide & 8u) >> 1);
    return d == 7 ? 1 : 2u << d;
}

/* Arm the clock timer for the next moment the count reaches zero. */
void lapic_timer_arm(struct lapic *l)
{
    if (!l->timer_running) {
        clock_disarm(&l->timer);
        return;
    }
    uint64_t period = (uint64_t)l->timer_initial * divisor(l);
    uint64_t elapsed = clock_now(l->clock) - l->timer_start;
    uint64_t when = l->timer_start + period;
    if (l->lvt[LVT_TIMER] & LVT_PERIODIC)
        when = l->timer_start + (elapsed / period + 1) * period;
    clock_arm(l->clock, &l->timer, when);
}

/* The clock timer: the count reached zero. */
void lapic_timer_fire(void *opaque, uint64_t now)
{
    struct lapic *l = opaque;
    (void)now;
    if (!l->timer_running)
        return;
    lapic_lvt_fire(l, LVT_TIMER);
    if (l->lvt[LVT_TIMER] & LVT_PERIODIC)
        lapic_timer_arm(l);
    else
        l->timer_running = false;
}

/* The current count register: 0 when the timer is not counting. */
uint32_t lapic_timer_current(const struct lapic *l)
{
    if (!l->timer_running)
        return 0;
    uint64_t ticks = (clock_now(l->clock) - l->timer_start) / divisor(l);
    if (l->lvt[LVT_TIMER] & LVT_PERIODIC)
        return l->timer_initial - (uint32_t)(ticks % l->timer_initial);
    return ticks >= l->timer_initial ? 0 : l->timer_initial - (uint32_t)ticks;
}

/* A new divisor keeps the counts already made: the start moves so that
 * the same number of ticks has elapsed at the new rate. */
void lapic_timer_set_divide(struct lapic *l, uint32_t v)
{
    uint64_t now = clock_now(l->clock);
    uint64_t ticks = (now - l->timer_start) / divisor(l);
    l->timer_divide = v & TIMER_DIV_BITS;
    uint64_t back = ticks * divisor(l);
    l->timer_start = back <= now ? now - back : 0;
    lapic_timer_arm(l);
}

/* The initial count written: counting starts now; 0 stops it. */
void lapic_timer_load(struct lapic *l, uint32_t count)
{
    l->timer_initial = count;
    l->timer_start = clock_now(l->clock);
    l->timer_running = count != 0;
    lapic_timer_arm(l);
}
