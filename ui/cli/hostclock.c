/*
 * hostclock.c - the two options of `lab86 run` that let the host's clock
 * near a run: --rtc, the date the CMOS clock starts from, and --realtime,
 * pacing the run to the wall clock.
 *
 * Everything else in lab86 runs on virtual time (cycles), so that two runs
 * of the same image are the same run. These two keep that promise as far
 * as they can:
 *
 *   - `--rtc YYYY-MM-DDTHH:MM:SS` is as deterministic as the default (the
 *     core's fixed date, 2000-01-01 00:00:00): only the starting registers
 *     change. `--rtc now` reads the host's clock once, before the machine
 *     is built; runs on different days then differ, which is the point.
 *     The date is written to the RTC as given, with no time zone: `now` is
 *     UTC, which is what Linux guests expect of a PC's clock by default.
 *   - `--realtime` only sleeps between slices when the guest's time (cycles
 *     at the nominal clock, --cpu-mhz) runs ahead of the host's since the
 *     start. The guest cannot see it: the same cycles run, in the same
 *     order, with the same output; they just take longer on the host. A
 *     guest slower than real time is not sped up.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "emu.h"

/* The years --rtc accepts: the chip keeps two BCD digits and the PC its
 * century in byte 0x32; the chip's leap-year rule (year % 4 == 0) is right
 * from 1901 to 2099, and 1980 is the earliest date DOS knows. */
#define RTC_YEAR_MIN 1980
#define RTC_YEAR_MAX 2099

#define SECONDS_PER_DAY 86400u

static bool leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && leap(y));
}

/* Seconds since 1970-01-01 00:00:00 of a date already checked. */
static uint64_t epoch_of(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
    uint64_t days = 0;
    for (unsigned k = 1970; k < y; k++)
        days += leap(k) ? 366 : 365;
    for (unsigned k = 1; k < mo; k++)
        days += days_in_month(y, k);
    days += d - 1;
    return days * SECONDS_PER_DAY + h * 3600u + mi * 60u + s;
}

/* YYYY-MM-DDTHH:MM:SS, exactly (a space for the T is accepted too). */
static int parse_date(const char *v, uint64_t *epoch)
{
    unsigned y, mo, d, h, mi, s;
    int end = -1;
    char t;
    if (strlen(v) != 19 ||
        sscanf(v, "%4u-%2u-%2u%c%2u:%2u:%2u%n", &y, &mo, &d, &t, &h, &mi, &s, &end) != 7 ||
        end != 19 || (t != 'T' && t != ' ') || v[4] != '-' || v[7] != '-')
        return -1;
    for (int k = 0; k < 19; k++) /* sscanf's %u would also take signs and spaces */
        if (k != 4 && k != 7 && k != 10 && k != 13 && k != 16 && (v[k] < '0' || v[k] > '9'))
            return -1;
    if (y < RTC_YEAR_MIN || y > RTC_YEAR_MAX || mo < 1 || mo > 12 || d < 1 ||
        d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59)
        return -1;
    *epoch = epoch_of(y, mo, d, h, mi, s);
    return 0;
}

int hostclock_parse_rtc(const char *flag, const char *v, uint64_t *epoch)
{
    char what[64];
    snprintf(what, sizeof what, "%s %.40s", flag, v);
    if (strcmp(v, "now") == 0) {
        time_t now = time(NULL); /* the one read of the host's date: see above */
        uint64_t lo = epoch_of(RTC_YEAR_MIN, 1, 1, 0, 0, 0);
        uint64_t hi = epoch_of(RTC_YEAR_MAX, 12, 31, 23, 59, 59);
        if (now == (time_t)-1 || (uint64_t)now < lo || (uint64_t)now > hi) {
            cli_error(what, "the host's clock is not between %d and %d", RTC_YEAR_MIN,
                      RTC_YEAR_MAX);
            return -1;
        }
        *epoch = (uint64_t)now;
        return 0;
    }
    if (parse_date(v, epoch) != 0) {
        cli_error(what, "not a date (now, or YYYY-MM-DDTHH:MM:SS from %d to %d)", RTC_YEAR_MIN,
                  RTC_YEAR_MAX);
        return -1;
    }
    return 0;
}

/* --- --realtime --- */

/* The host's monotonic clock, in nanoseconds. */
static uint64_t host_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

void pace_start(struct pace *p, bool on, struct emu *m)
{
    *p = (struct pace){.on = on};
    if (on) {
        p->host0 = host_ns();
        p->cycles0 = emu_cycles(m);
    }
}

/* A sleep is cut at this length, so that a guest that jumped its clock far
 * ahead (an idle CPU skips to its next timer) does not make lab86 deaf to
 * Ctrl-C for long: the next slice sleeps the rest. */
#define PACE_MAX_SLEEP_NS 100000000u /* 0.1 s */

void pace_slice(struct pace *p, struct emu *m)
{
    if (!p->on)
        return;
    uint64_t hz = emu_cpu_hz(m);
    uint64_t cycles = emu_cycles(m) - p->cycles0;
    uint64_t guest = (uint64_t)((double)cycles / (double)hz * 1e9); /* its time, in ns */
    uint64_t host = host_ns() - p->host0;
    if (guest <= host)
        return;
    uint64_t ns = guest - host < PACE_MAX_SLEEP_NS ? guest - host : PACE_MAX_SLEEP_NS;
    struct timespec t = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    nanosleep(&t, NULL); /* a signal cuts it short: the run loop then sees it */
}
