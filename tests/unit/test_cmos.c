/*
 * test_cmos.c - the MC146818 RTC and CMOS RAM (devices/cmos.c and
 * cmos_layout.c), driven only through ports 0x70-0x71, IRQ 8 and a clock on
 * a local cycle counter.
 *
 * The CPU clock is 33 MHz, which is not a multiple of the RTC's 32.768 kHz
 * crystal, so every event time goes through the rounding in the device.
 * Expected dates were computed independently (Python's calendar module);
 * register meanings are those of the MC146818A data sheet.
 */
#include <check.h>
#include <stdlib.h>

#include "unit_util.h"

#include "bus.h"
#include "clock.h"
#include "devices/cmos.h"

#define HZ      33000000ull /* nominal CPU frequency */
#define SEC(x)  (HZ * (x))
#define USEC(x) (HZ * (x) / 1000000)
#define REG_A   0x0a
#define REG_B   0x0b
#define REG_C   0x0c
#define REG_D   0x0d
#define B_SET   0x80
#define B_PIE   0x40
#define B_AIE   0x20
#define B_UIE   0x10
#define B_DM    0x04
#define B_24H   0x02
#define C_IRQF  0x80
#define C_PF    0x40
#define C_AF    0x20
#define C_UF    0x10

struct rig {
    struct bus bus;     /* ports (and a little RAM) */
    struct clock clock; /* on now */
    uint64_t now;       /* the cycle counter */
    struct cmos *cmos;  /* the device under test */
    int level;          /* IRQ 8 as last driven */
    int rises;          /* rising edges seen on IRQ 8 */
    bool handler;       /* read register C after each edge, as an IRQ 8 handler does */
};

static void rig_irq(void *opaque, int n, int level)
{
    struct rig *r = opaque;
    ck_assert_int_eq(n, CMOS_IRQ);
    if (level && !r->level)
        r->rises++;
    r->level = level;
}

static struct rig *rig_new(uint64_t epoch)
{
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(bus_init(&r->bus, 1 << 20), 0);
    clock_init(&r->clock, &r->now, NULL, HZ);
    struct irq_line line = {rig_irq, r, CMOS_IRQ};
    r->cmos = cmos_create(&r->bus, CMOS_PORT, &r->clock, line, epoch);
    ck_assert_ptr_nonnull(r->cmos);
    return r;
}

static void rig_free(struct rig *r)
{
    cmos_destroy(r->cmos);
    bus_free(&r->bus);
    free(r);
}

static uint8_t rd(struct rig *r, uint8_t index)
{
    bus_out(&r->bus, 0x70, index, 1);
    return (uint8_t)bus_in(&r->bus, 0x71, 1);
}

static void wr(struct rig *r, uint8_t index, uint8_t v)
{
    bus_out(&r->bus, 0x70, index, 1);
    bus_out(&r->bus, 0x71, v, 1);
}

/* Advance virtual time to cycle t, stopping at every armed timer event as
 * the machine's run loop does. */
static void run_to(struct rig *r, uint64_t t)
{
    while (r->now < t) {
        uint64_t next = clock_next(&r->clock);
        uint64_t step = next < t ? next : t;
        if (step > r->now)
            r->now = step;
        clock_dispatch(&r->clock);
        if (r->handler && r->level)
            rd(r, REG_C);
    }
}

static void run_for(struct rig *r, uint64_t cycles)
{
    run_to(r, r->now + cycles);
}

/* The seven date and time registers, BCD as read: "YY-MM-DD hh:mm:ss w". */
static void assert_time(struct rig *r, uint8_t cent, uint8_t yy, uint8_t mm, uint8_t dd, uint8_t h,
                        uint8_t m, uint8_t s, uint8_t dow)
{
    ck_assert_uint_eq(rd(r, 0x32), cent);
    ck_assert_uint_eq(rd(r, 0x09), yy);
    ck_assert_uint_eq(rd(r, 0x08), mm);
    ck_assert_uint_eq(rd(r, 0x07), dd);
    ck_assert_uint_eq(rd(r, 0x04), h);
    ck_assert_uint_eq(rd(r, 0x02), m);
    ck_assert_uint_eq(rd(r, 0x00), s);
    ck_assert_uint_eq(rd(r, 0x06), dow);
}

/* ---------------------------------------------------------------------- */
/* Time and calendar                                                        */

START_TEST(test_default_start)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    assert_time(r, 0x20, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 7); /* a Saturday */
    ck_assert_uint_eq(rd(r, REG_A), 0x26);
    ck_assert_uint_eq(rd(r, REG_B), 0x02);
    ck_assert_uint_eq(rd(r, REG_C), 0x00);
    ck_assert_uint_eq(rd(r, REG_D), 0x80);
    ck_assert_uint_eq(clock_next(&r->clock), CLOCK_NEVER); /* no interrupt enabled */
    ck_assert_int_eq(r->level, 0);
    rig_free(r);
}
END_TEST

START_TEST(test_seconds_minutes_hours)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    run_to(r, SEC(1) - 1);
    ck_assert_uint_eq(rd(r, 0x00), 0x00); /* not yet */
    run_to(r, SEC(1));
    ck_assert_uint_eq(rd(r, 0x00), 0x01);
    run_to(r, SEC(59));
    ck_assert_uint_eq(rd(r, 0x00), 0x59);
    run_to(r, SEC(60));
    assert_time(r, 0x20, 0x00, 0x01, 0x01, 0x00, 0x01, 0x00, 7);
    run_to(r, SEC(3600 + 62));
    assert_time(r, 0x20, 0x00, 0x01, 0x01, 0x01, 0x01, 0x02, 7);
    rig_free(r);
}
END_TEST

START_TEST(test_year_and_century)
{
    struct rig *r = rig_new(946684799); /* 1999-12-31 23:59:59, a Friday */
    assert_time(r, 0x19, 0x99, 0x12, 0x31, 0x23, 0x59, 0x59, 6);
    run_for(r, SEC(1));
    assert_time(r, 0x20, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 7);
    rig_free(r);
}
END_TEST

START_TEST(test_leap_years)
{
    struct rig *r = rig_new(951782399); /* 2000-02-28 23:59:59: 2000 is a leap year */
    run_for(r, SEC(1));
    assert_time(r, 0x20, 0x00, 0x02, 0x29, 0x00, 0x00, 0x00, 3);
    run_for(r, SEC(86400));
    assert_time(r, 0x20, 0x00, 0x03, 0x01, 0x00, 0x00, 0x00, 4);
    rig_free(r);

    r = rig_new(983404799); /* 2001-02-28 23:59:59: not a leap year */
    run_for(r, SEC(1));
    assert_time(r, 0x20, 0x01, 0x03, 0x01, 0x00, 0x00, 0x00, 5);
    rig_free(r);

    r = rig_new(957139199); /* 2000-04-30 23:59:59: a 30-day month */
    run_for(r, SEC(1));
    assert_time(r, 0x20, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 2);
    rig_free(r);
}
END_TEST

/* Days of virtual time without a look at the clock: caught up at once. */
START_TEST(test_long_idle)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    run_to(r, SEC(400ull * 86400 + 3661)); /* 2001-02-04 01:01:01, a Sunday */
    assert_time(r, 0x20, 0x01, 0x02, 0x04, 0x01, 0x01, 0x01, 1);
    rig_free(r);

    r = rig_new(946728000); /* 2000-01-01 12:00:00: not midnight */
    run_to(r, SEC(10ull * 86400));
    assert_time(r, 0x20, 0x00, 0x01, 0x11, 0x12, 0x00, 0x00, 3);
    rig_free(r);
}
END_TEST

START_TEST(test_binary_mode)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    wr(r, REG_B, B_SET | B_DM | B_24H); /* the registers are not converted: rewrite them */
    wr(r, 0x32, 20);
    wr(r, 0x04, 23);
    wr(r, 0x02, 59);
    wr(r, 0x00, 59);
    wr(r, 0x07, 31);
    wr(r, 0x08, 12);
    wr(r, 0x09, 99);
    wr(r, REG_B, B_DM | B_24H);
    ck_assert_uint_eq(rd(r, 0x00), 59); /* binary reads back as written */
    run_for(r, SEC(1));
    ck_assert_uint_eq(rd(r, 0x00), 0);
    ck_assert_uint_eq(rd(r, 0x04), 0);
    ck_assert_uint_eq(rd(r, 0x07), 1);
    ck_assert_uint_eq(rd(r, 0x08), 1);
    ck_assert_uint_eq(rd(r, 0x09), 0);
    ck_assert_uint_eq(rd(r, 0x32), 21); /* century, binary too */
    rig_free(r);
}
END_TEST

START_TEST(test_twelve_hour)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    wr(r, REG_B, B_SET); /* BCD, 12-hour */
    wr(r, 0x04, 0x11);   /* 11 AM */
    wr(r, 0x02, 0x59);
    wr(r, 0x00, 0x59);
    wr(r, REG_B, 0);
    run_for(r, SEC(1));
    ck_assert_uint_eq(rd(r, 0x04), 0x92); /* 12 PM: noon */
    run_for(r, SEC(3600));
    ck_assert_uint_eq(rd(r, 0x04), 0x81); /* 1 PM */
    wr(r, 0x04, 0x91);                    /* 11 PM */
    wr(r, 0x02, 0x59);
    wr(r, 0x00, 0x59);
    run_for(r, SEC(1));
    ck_assert_uint_eq(rd(r, 0x04), 0x12); /* 12 AM: midnight, the next day */
    ck_assert_uint_eq(rd(r, 0x07), 0x02);
    rig_free(r);
}
END_TEST

START_TEST(test_set_freezes_updates)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    run_to(r, SEC(2));
    /* Two updates so far, and the 1024 Hz rate runs without PIE: UF and PF. */
    ck_assert_uint_eq(rd(r, REG_C), C_PF | C_UF);
    wr(r, REG_B, B_SET | B_UIE | B_24H);
    ck_assert_uint_eq(rd(r, REG_B), B_SET | B_24H); /* SET clears UIE */
    run_to(r, SEC(7));
    ck_assert_uint_eq(rd(r, 0x00), 0x02);
    ck_assert_uint_eq(rd(r, REG_C) & C_UF, 0);
    wr(r, REG_B, B_24H);
    run_to(r, SEC(8)); /* one update, no catching up of the frozen seconds */
    ck_assert_uint_eq(rd(r, 0x00), 0x03);
    rig_free(r);
}
END_TEST

START_TEST(test_divider_reset)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    wr(r, REG_A, 0x76); /* DV = 111: chain held in reset */
    run_to(r, SEC(5));
    ck_assert_uint_eq(rd(r, 0x00), 0x00);
    wr(r, REG_A, 0x26); /* released: the first update comes 500 ms later */
    run_to(r, SEC(5) + USEC(499000));
    ck_assert_uint_eq(rd(r, 0x00), 0x00);
    run_to(r, SEC(5) + USEC(500001));
    ck_assert_uint_eq(rd(r, 0x00), 0x01);
    rig_free(r);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Interrupts                                                               */

/* Rate select n gives 65536 >> n interrupts a second; 1 and 2 act as 8, 9. */
static int periodic_count(int rs)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    r->handler = true;
    wr(r, REG_A, (uint8_t)(0x20 | rs));
    wr(r, REG_B, B_PIE | B_24H);
    run_to(r, SEC(1));
    int n = r->rises;
    rig_free(r);
    return n;
}

START_TEST(test_periodic_rates)
{
    ck_assert_int_eq(periodic_count(6), 1024);
    ck_assert_int_eq(periodic_count(3), 8192);
    ck_assert_int_eq(periodic_count(15), 2);
    ck_assert_int_eq(periodic_count(1), 256);
    ck_assert_int_eq(periodic_count(2), 128);
    ck_assert_int_eq(periodic_count(0), 0);
}
END_TEST

/* Without a read of register C the line stays high: one edge, no events. */
START_TEST(test_register_c_clears)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    wr(r, REG_B, B_PIE | B_24H);
    run_to(r, SEC(1));
    ck_assert_int_eq(r->rises, 1);
    ck_assert_int_eq(r->level, 1);
    ck_assert_uint_eq(clock_next(&r->clock), CLOCK_NEVER);
    uint8_t c = rd(r, REG_C);
    ck_assert_uint_eq(c & (C_IRQF | C_PF | C_UF), C_IRQF | C_PF | C_UF);
    ck_assert_int_eq(r->level, 0);
    ck_assert_uint_eq(rd(r, REG_C), 0);
    /* PF is set with PIE off too; enabling PIE then raises the line at once. */
    wr(r, REG_B, B_24H);
    run_for(r, USEC(2000));
    ck_assert_int_eq(r->level, 0);
    wr(r, REG_B, B_PIE | B_24H);
    ck_assert_int_eq(r->level, 1);
    ck_assert_int_eq(r->rises, 2);
    rig_free(r);
}
END_TEST

START_TEST(test_update_interrupt)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    r->handler = true;
    wr(r, REG_B, B_UIE | B_24H);
    run_to(r, SEC(1) - 1);
    ck_assert_int_eq(r->rises, 0);
    run_to(r, SEC(1));
    ck_assert_int_eq(r->rises, 1);
    run_to(r, SEC(10) + USEC(500000));
    ck_assert_int_eq(r->rises, 10);
    rig_free(r);
}
END_TEST

START_TEST(test_alarm)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    r->handler = true;
    wr(r, 0x01, 0x05); /* 00:00:05 */
    wr(r, 0x03, 0x00);
    wr(r, 0x05, 0x00);
    wr(r, REG_B, B_AIE | B_24H);
    run_to(r, SEC(5) - 1);
    ck_assert_int_eq(r->rises, 0);
    run_to(r, SEC(5));
    ck_assert_int_eq(r->rises, 1);
    run_to(r, SEC(120));
    ck_assert_int_eq(r->rises, 1); /* once: the hour and minute must match too */
    /* Minutes and hours "don't care": once a minute, at second 30. */
    wr(r, 0x01, 0x30);
    wr(r, 0x03, 0xc0);
    wr(r, 0x05, 0xff);
    run_to(r, SEC(300));
    ck_assert_int_eq(r->rises, 4); /* 2:30, 3:30, 4:30... and 4:30 < 5:00 */
    /* All three "don't care": every second. */
    wr(r, 0x01, 0xc3);
    run_to(r, SEC(310));
    ck_assert_int_eq(r->rises, 14);
    /* 0x80-0xBF is a value, not "don't care": an hour that never comes. */
    wr(r, 0x05, 0xbf);
    run_to(r, SEC(320));
    ck_assert_int_eq(r->rises, 14);
    rig_free(r);
}
END_TEST

/* The alarm over a long idle stretch (the catch-up by whole days). */
START_TEST(test_alarm_long_idle)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    wr(r, 0x01, 0x00);
    wr(r, 0x03, 0x00);
    wr(r, 0x05, 0x13); /* 13:00:00 */
    run_to(r, SEC(3 * 86400));
    ck_assert_uint_eq(rd(r, REG_C) & C_AF, C_AF);
    wr(r, 0x05, 0x24); /* an hour that never comes */
    run_to(r, SEC(6 * 86400));
    ck_assert_uint_eq(rd(r, REG_C) & (C_AF | C_UF), C_UF);
    rig_free(r);
}
END_TEST

START_TEST(test_uip_window)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    run_to(r, SEC(1) - USEC(300));
    ck_assert_uint_eq(rd(r, REG_A) & 0x80, 0);
    run_to(r, SEC(1) - USEC(200));
    ck_assert_uint_eq(rd(r, REG_A), 0x80 | 0x26);
    ck_assert_uint_eq(rd(r, 0x00), 0x00);
    run_to(r, SEC(1));
    ck_assert_uint_eq(rd(r, REG_A) & 0x80, 0);
    ck_assert_uint_eq(rd(r, 0x00), 0x01);
    run_to(r, SEC(2) - USEC(100));
    wr(r, REG_B, B_SET | B_24H); /* SET clears UIP */
    ck_assert_uint_eq(rd(r, REG_A) & 0x80, 0);
    rig_free(r);
}
END_TEST

START_TEST(test_reset_pin)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    wr(r, REG_B, B_PIE | B_UIE | B_24H);
    run_to(r, SEC(1));
    ck_assert_int_eq(r->level, 1);
    cmos_reset(r->cmos);
    ck_assert_int_eq(r->level, 0);
    ck_assert_uint_eq(rd(r, REG_B), B_24H);
    ck_assert_uint_eq(rd(r, 0x00), 0x01); /* the time runs on */
    rig_free(r);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Index port, RAM and the BIOS's layout                                    */

START_TEST(test_nmi_mask_and_ram)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    ck_assert(!cmos_nmi_masked(r->cmos));
    bus_out(&r->bus, 0x70, 0x80 | REG_A, 1);
    ck_assert(cmos_nmi_masked(r->cmos));
    ck_assert_uint_eq(bus_in(&r->bus, 0x71, 1), 0x26); /* bit 7 is not the index */
    bus_out(&r->bus, 0x70, 0x0f, 1);
    ck_assert(!cmos_nmi_masked(r->cmos));
    bus_out(&r->bus, 0x71, 0x0a, 1); /* shutdown status */
    ck_assert_uint_eq(rd(r, 0x0f), 0x0a);
    ck_assert_uint_eq(bus_in(&r->bus, 0x70, 1), 0xff); /* write-only index */
    wr(r, 0x7f, 0x5a);
    ck_assert_uint_eq(rd(r, 0x7f), 0x5a);
    wr(r, REG_D, 0x00); /* read only */
    ck_assert_uint_eq(rd(r, REG_D), 0x80);
    /* A word write: index, then data. */
    bus_out(&r->bus, 0x70, 0x3c40, 2);
    ck_assert_uint_eq(rd(r, 0x40), 0x3c);
    rig_free(r);
}
END_TEST

static unsigned word(struct rig *r, uint8_t index)
{
    return rd(r, index) | (unsigned)rd(r, (uint8_t)(index + 1)) << 8;
}

static void assert_checksum(struct rig *r)
{
    unsigned sum = 0;
    for (uint8_t i = 0x10; i <= 0x2d; i++)
        sum += rd(r, i);
    ck_assert_uint_eq(rd(r, 0x2e), sum >> 8);
    ck_assert_uint_eq(rd(r, 0x2f), sum & 0xff);
}

START_TEST(test_memory_size)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    cmos_set_memory(r->cmos, 32ull << 20);
    ck_assert_uint_eq(word(r, 0x15), 640);
    ck_assert_uint_eq(word(r, 0x17), 31744);
    ck_assert_uint_eq(word(r, 0x30), 31744);
    ck_assert_uint_eq(word(r, 0x34), 256);
    assert_checksum(r);
    cmos_set_memory(r->cmos, 128ull << 20);
    ck_assert_uint_eq(word(r, 0x17), 0xffff); /* 130048 KiB: capped */
    ck_assert_uint_eq(word(r, 0x30), 0xffff);
    ck_assert_uint_eq(word(r, 0x34), 1792);
    assert_checksum(r);
    cmos_set_memory(r->cmos, 3ull << 30);
    ck_assert_uint_eq(word(r, 0x17), 0xffff);
    ck_assert_uint_eq(word(r, 0x34), 48896);
    ck_assert_uint_eq(rd(r, 0x5b) | rd(r, 0x5c) | rd(r, 0x5d), 0);
    assert_checksum(r);
    cmos_set_memory(r->cmos, (4ull << 30) + (1ull << 20) * 64); /* 4 GiB + 64 MiB */
    ck_assert_uint_eq(rd(r, 0x5b) | rd(r, 0x5c) << 8 | rd(r, 0x5d) << 16, 1024);
    /* The guest's own writes do not touch the checksum. */
    uint8_t hi = rd(r, 0x2e), lo = rd(r, 0x2f);
    wr(r, 0x2d, (uint8_t)(rd(r, 0x2d) ^ 0xff));
    ck_assert_uint_eq(rd(r, 0x2e), hi);
    ck_assert_uint_eq(rd(r, 0x2f), lo);
    rig_free(r);
}
END_TEST

START_TEST(test_drives_boot_cpus)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    ck_assert_uint_eq(rd(r, 0x14), 0x02); /* FPU, VGA, no floppy */
    ck_assert_uint_eq(rd(r, 0x5f), 0);    /* one CPU */
    cmos_set_floppy(r->cmos, CMOS_FLOPPY_1_44M, CMOS_FLOPPY_NONE);
    ck_assert_uint_eq(rd(r, 0x10), 0x40);
    ck_assert_uint_eq(rd(r, 0x14), 0x03);
    cmos_set_floppy(r->cmos, CMOS_FLOPPY_1_44M, CMOS_FLOPPY_1_2M);
    ck_assert_uint_eq(rd(r, 0x14), 0x43);
    assert_checksum(r);
    cmos_set_disk(r->cmos, 0, 1024, 16, 63);
    ck_assert_uint_eq(rd(r, 0x12), 0xf0);
    ck_assert_uint_eq(rd(r, 0x19), 47);
    ck_assert_uint_eq(word(r, 0x1b), 1024);
    ck_assert_uint_eq(rd(r, 0x1d), 16);
    ck_assert_uint_eq(rd(r, 0x20), 0xc8);
    ck_assert_uint_eq(rd(r, 0x23), 63);
    ck_assert_uint_eq(rd(r, 0x39) & 0x03, 0); /* no translation needed */
    cmos_set_disk(r->cmos, 1, 16383, 16, 63);
    ck_assert_uint_eq(rd(r, 0x12), 0xff);
    ck_assert_uint_eq(rd(r, 0x1a), 47);
    ck_assert_uint_eq(word(r, 0x24), 16383);
    ck_assert_uint_eq(rd(r, 0x2c), 63);
    ck_assert_uint_eq(rd(r, 0x39) >> 2 & 3, 1); /* LBA */
    assert_checksum(r);
    cmos_set_disk(r->cmos, 0, 0, 0, 0);
    ck_assert_uint_eq(rd(r, 0x12), 0x0f);
    ck_assert_uint_eq(rd(r, 0x19), 0);
    assert_checksum(r);
    cmos_set_boot_order(r->cmos, CMOS_BOOT_CDROM, CMOS_BOOT_DISK, CMOS_BOOT_FLOPPY);
    ck_assert_uint_eq(rd(r, 0x3d), 0x23);
    ck_assert_uint_eq(rd(r, 0x38) >> 4, 1);
    ck_assert_uint_eq(rd(r, 0x2d) & 0x20, 0);
    cmos_set_boot_order(r->cmos, CMOS_BOOT_FLOPPY, CMOS_BOOT_DISK, CMOS_BOOT_NONE);
    ck_assert_uint_eq(rd(r, 0x2d) & 0x20, 0x20);
    assert_checksum(r);
    cmos_set_cpus(r->cmos, 4);
    ck_assert_uint_eq(rd(r, 0x5f), 3);
    rig_free(r);
}
END_TEST

START_TEST(test_field_table)
{
    struct rig *r = rig_new(CMOS_DEFAULT_EPOCH);
    struct devinfo info;
    ck_assert_uint_eq(cmos_devinfo(r->cmos, &info, 1), 1);
    ck_assert_str_eq(info.name, "cmos");
    bus_out(&r->bus, 0x70, 0x80 | 0x0b, 1);
    run_to(r, SEC(3));
    cmos_sync(r->cmos);
    int seen = 0;
    for (size_t k = 0; k < info.n_fields; k++) {
        const struct devfield *f = &info.fields[k];
        if (!strcmp(f->name, "seconds"))
            seen += devfield_get(f, info.state, 0) == 0x03;
        if (!strcmp(f->name, "index"))
            seen += devfield_get(f, info.state, 0) == 0x0b;
        if (!strcmp(f->name, "nmi_masked"))
            seen += devfield_get(f, info.state, 0) == 1;
        if (!strcmp(f->name, "reg_a"))
            seen += devfield_get(f, info.state, 0) == 0x26;
    }
    ck_assert_int_eq(seen, 4);
    rig_free(r);
}
END_TEST

static Suite *cmos_suite(void)
{
    Suite *s = suite_create("cmos");
    TCase *t = tcase_create("clock");
    tcase_add_test(t, test_default_start);
    tcase_add_test(t, test_seconds_minutes_hours);
    tcase_add_test(t, test_year_and_century);
    tcase_add_test(t, test_leap_years);
    tcase_add_test(t, test_long_idle);
    tcase_add_test(t, test_binary_mode);
    tcase_add_test(t, test_twelve_hour);
    tcase_add_test(t, test_set_freezes_updates);
    tcase_add_test(t, test_divider_reset);
    suite_add_tcase(s, t);
    t = tcase_create("interrupts");
    tcase_add_test(t, test_periodic_rates);
    tcase_add_test(t, test_register_c_clears);
    tcase_add_test(t, test_update_interrupt);
    tcase_add_test(t, test_alarm);
    tcase_add_test(t, test_alarm_long_idle);
    tcase_add_test(t, test_uip_window);
    tcase_add_test(t, test_reset_pin);
    suite_add_tcase(s, t);
    t = tcase_create("ram");
    tcase_add_test(t, test_nmi_mask_and_ram);
    tcase_add_test(t, test_memory_size);
    tcase_add_test(t, test_drives_boot_cpus);
    tcase_add_test(t, test_field_table);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(cmos_suite());
}
