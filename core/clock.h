/*
 * clock.h - virtual time: the cycle counter and the timer events that
 * devices schedule on it.
 *
 * Time in lab86 is the CPU's cycle count (cpu.cycles), never the host's
 * clock. A device that needs to act at a moment (the PIT's next output
 * edge, the RTC's next update) arms a timer for an absolute cycle; the
 * machine runs the CPU up to the earliest armed timer, then dispatches it at
 * that instruction boundary. Arming a timer earlier than the CPU's current
 * slice end pulls the slice end in (*deadline), so an event is never late,
 * and every run of the same guest sees its events at the same instructions.
 *
 * Devices convert between cycles and their own time base (the PIT's
 * 1.193182 MHz, the RTC's seconds) through the nominal CPU frequency,
 * clock_cycles_to_ns() and clock_ns_to_cycles(), in integer arithmetic.
 */
#ifndef LAB86_CLOCK_H
#define LAB86_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define CLOCK_NEVER UINT64_MAX
#define CLOCK_MAX_TIMERS 32

typedef void clock_fn(void *opaque, uint64_t now);

/* One timer. Owned by its device; registered once with clock_add_timer(). */
struct clock_timer {
    const char *name; /* for the debugger and traces: "pit0", "rtc-update" */
    clock_fn *fn;     /* called at (or just after) when, with the current cycle */
    void *opaque;     /* the device */
    uint64_t when;    /* absolute cycle it fires at, CLOCK_NEVER when disarmed */
};

struct clock {
    const uint64_t *now;  /* the cycle counter (the CPU's) */
    uint64_t *deadline;   /* the end of the CPU's current slice; lowered by arming */
    uint64_t hz;          /* nominal CPU frequency in Hz (--cpu-mhz) */
    struct clock_timer *timers[CLOCK_MAX_TIMERS]; /* registered timers */
    int n;                /* how many */
};

/* Attach the clock to a cycle counter and a slice deadline; hz > 0. */
void clock_init(struct clock *k, const uint64_t *now, uint64_t *deadline, uint64_t hz);

/* Register t (disarmed). Returns 0, or -1 when the table is full. */
int clock_add_timer(struct clock *k, struct clock_timer *t, const char *name, clock_fn *fn,
                    void *opaque);

/* Arm t to fire at absolute cycle when (in the past: at the next boundary). */
void clock_arm(struct clock *k, struct clock_timer *t, uint64_t when);
void clock_disarm(struct clock_timer *t);

/* The earliest armed timer's cycle, or CLOCK_NEVER. */
uint64_t clock_next(const struct clock *k);

/* Fire every timer whose time has come, earliest first (a timer may re-arm
 * itself). Returns how many fired. */
int clock_dispatch(struct clock *k);

/* The current cycle. */
static inline uint64_t clock_now(const struct clock *k)
{
    return *k->now;
}

/* Conversions through the nominal frequency (exact integer arithmetic,
 * rounding down). */
uint64_t clock_cycles_to_ns(const struct clock *k, uint64_t cycles);
uint64_t clock_ns_to_cycles(const struct clock *k, uint64_t ns);
/* cycles * num / den without overflow, rounding down: for a device's own
 * time base, e.g. PIT ticks = clock_scale(cycles, 1193182, hz). */
uint64_t clock_scale(uint64_t cycles, uint64_t num, uint64_t den);

#endif
