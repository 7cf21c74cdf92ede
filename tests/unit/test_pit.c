/*
 * test_pit.c - the 8254 timer and port 0x61, driven only through their
 * ports, the virtual clock and the OUT0 line, with expectations from the
 * Intel 8254 datasheet (231164-005), "Mode Definitions", "Read-Back
 * Command", "Status Byte".
 *
 * Most tests run the clock at 1193182 Hz, so one CPU cycle is one PIT clock
 * pulse: a count written at cycle w is loaded into CE at pulse w + 1, and
 * the waveforms below are the datasheet's figures, pulse by pulse.
 */
#include <check.h>
#include <stdlib.h>

#include "bus.h"
#include "clock.h"
#include "devices/pit.h"
#include "devices/port61.h"
#include "unit_util.h"

#define MAX_EDGES 64

struct rig {
    struct bus bus;              /* the ports */
    struct clock clock;          /* virtual time */
    uint64_t now, deadline;      /* the cycle counter and slice end the clock uses */
    struct pit *pit;             /* the timer under test */
    struct port61 *port61;       /* port 0x61 */
    uint64_t edge_at[MAX_EDGES]; /* cycles at which OUT0 changed */
    int edge_level[MAX_EDGES];   /* and its new level */
    int n_edges;                 /* entries used */
};

static void rig_out0(void *opaque, int n, int level)
{
    struct rig *r = opaque;
    (void)n;
    ck_assert_int_lt(r->n_edges, MAX_EDGES);
    r->edge_at[r->n_edges] = r->now;
    r->edge_level[r->n_edges++] = level;
}

static struct rig *rig_new(uint64_t hz)
{
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(bus_init(&r->bus, 4096), 0);
    r->deadline = CLOCK_NEVER;
    clock_init(&r->clock, &r->now, &r->deadline, hz);
    r->pit = pit_create(&r->bus, PIT_PORT, &r->clock, (struct irq_line){rig_out0, r, 0});
    ck_assert_ptr_nonnull(r->pit);
    r->port61 = port61_create(&r->bus, PORT61_PORT, r->pit, &r->clock);
    ck_assert_ptr_nonnull(r->port61);
    r->n_edges = 0; /* forget the reset's OUT0 rise */
    return r;
}

static void rig_free(struct rig *r)
{
    port61_destroy(r->port61);
    pit_destroy(r->pit);
    bus_free(&r->bus);
    free(r);
}

/* Move the clock to cycle t, firing each timer at its own cycle on the way,
 * as the machine's run loop does. */
static void advance(struct rig *r, uint64_t t)
{
    uint64_t next;
    while ((next = clock_next(&r->clock)) <= t) {
        if (next > r->now)
            r->now = next;
        clock_dispatch(&r->clock);
    }
    r->now = t;
}

static void out8(struct rig *r, uint16_t port, uint8_t v)
{
    bus_out(&r->bus, port, v, 1);
}

static uint8_t in8(struct rig *r, uint16_t port)
{
    return (uint8_t)bus_in(&r->bus, port, 1);
}

/* Write a two-byte count (the counter's RW must be LSB then MSB). */
static void count16(struct rig *r, int ch, uint16_t n)
{
    out8(r, (uint16_t)(PIT_PORT + ch), (uint8_t)n);
    out8(r, (uint16_t)(PIT_PORT + ch), (uint8_t)(n >> 8));
}

/* Latch and read counter ch's count (RW LSB then MSB). */
static unsigned latched(struct rig *r, int ch)
{
    out8(r, 0x43, (uint8_t)(ch << 6));
    unsigned lo = in8(r, (uint16_t)(PIT_PORT + ch));
    return lo | (unsigned)in8(r, (uint16_t)(PIT_PORT + ch)) << 8;
}

/* Counter ch's count at cycle t. */
static unsigned count_at(struct rig *r, int ch, uint64_t t)
{
    advance(r, t);
    return latched(r, ch);
}

/* Counter ch's OUT at cycle t, through the read-back status byte. */
static int out_at(struct rig *r, int ch, uint64_t t)
{
    advance(r, t);
    out8(r, 0x43, (uint8_t)(0xe0 | (2 << ch))); /* latch status only */
    return (in8(r, (uint16_t)(PIT_PORT + ch)) & 0x80) != 0;
}

static void check_edge(struct rig *r, int k, uint64_t at, int level)
{
    ck_assert_int_gt(r->n_edges, k);
    ck_assert_uint_eq(r->edge_at[k], at);
    ck_assert_int_eq(r->edge_level[k], level);
}

START_TEST(test_idle_costs_nothing)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    ck_assert_uint_eq(clock_next(&r->clock), CLOCK_NEVER);
    ck_assert_int_eq(out_at(r, 0, 1000), 1);
    ck_assert_uint_eq(in8(r, 0x43), 0xff); /* the control port cannot be read */
    ck_assert_int_eq(r->n_edges, 0);
    rig_free(r);
}
END_TEST

START_TEST(test_mode0_interrupt_on_terminal_count)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    advance(r, 100);
    out8(r, 0x43, 0x30);      /* ch0, LSB then MSB, mode 0 */
    check_edge(r, 0, 100, 0); /* OUT low at once */
    count16(r, 0, 10);        /* loaded at 101, terminal count at 111 */
    ck_assert_uint_eq(count_at(r, 0, 105), 6);
    advance(r, 200);
    ck_assert_int_eq(r->n_edges, 2);
    check_edge(r, 1, 111, 1);                              /* N + 1 pulses after the write */
    ck_assert_uint_eq(count_at(r, 0, 212), 0x10000 - 101); /* it goes on counting */
    ck_assert_uint_eq(clock_next(&r->clock), CLOCK_NEVER); /* nothing more to say */
    /* A new count restarts it: OUT low at the first byte. */
    out8(r, 0x40, 3);
    check_edge(r, 2, 212, 0);
    advance(r, 215);
    out8(r, 0x40, 0); /* loaded at 216 */
    advance(r, 300);
    check_edge(r, 3, 219, 1);
    rig_free(r);
}
END_TEST

START_TEST(test_mode0_gate_suspends)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    out8(r, 0x61, 0x01); /* GATE2 high */
    out8(r, 0x43, 0xb0); /* ch2, LSB then MSB, mode 0 */
    count16(r, 2, 20);   /* at 0: loaded at 1, TC at 21 */
    advance(r, 6);
    out8(r, 0x61, 0x00); /* GATE2 low at 6: CE holds 15 */
    ck_assert_uint_eq(count_at(r, 2, 50), 15);
    out8(r, 0x61, 0x01); /* counting resumes with the pulse after 50 */
    ck_assert_int_eq(in8(r, 0x61) & 0x20, 0);
    advance(r, 64);
    ck_assert_int_eq(in8(r, 0x61) & 0x20, 0);
    advance(r, 65);
    ck_assert_int_eq(in8(r, 0x61) & 0x20, 0x20); /* 15 pulses after the gate rose */
    rig_free(r);
}
END_TEST

START_TEST(test_mode1_retriggerable_one_shot)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    out8(r, 0x43, 0xb2); /* ch2, mode 1 */
    count16(r, 2, 5);
    ck_assert_int_eq(out_at(r, 2, 100), 1); /* nothing without a trigger */
    out8(r, 0x61, 0x01);                    /* trigger at 100 */
    ck_assert_int_eq(out_at(r, 2, 100), 1);
    ck_assert_int_eq(out_at(r, 2, 101), 0); /* low on the pulse after it */
    ck_assert_uint_eq(count_at(r, 2, 103), 3);
    out8(r, 0x61, 0x00);
    out8(r, 0x61, 0x01); /* retrigger at 103: reloaded at 104 */
    ck_assert_int_eq(out_at(r, 2, 106), 0);
    ck_assert_int_eq(out_at(r, 2, 108), 0);
    ck_assert_int_eq(out_at(r, 2, 109), 1); /* N pulses after the reload */
    rig_free(r);
}
END_TEST

START_TEST(test_mode2_rate_generator)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    advance(r, 1000);
    out8(r, 0x43, 0x34); /* ch0, mode 2: as a BIOS programs the tick */
    count16(r, 0, 4);    /* loaded at 1001 */
    static const unsigned ce[] = {4, 3, 2, 1, 4, 3};
    for (int k = 0; k < 6; k++)
        ck_assert_uint_eq(count_at(r, 0, 1001 + (uint64_t)k), ce[k]);
    advance(r, 1013);
    check_edge(r, 0, 1004, 0); /* low while CE = 1 */
    check_edge(r, 1, 1005, 1);
    check_edge(r, 2, 1008, 0);
    check_edge(r, 3, 1009, 1);
    check_edge(r, 4, 1012, 0);
    check_edge(r, 5, 1013, 1);
    /* A new count waits for the end of the period (at 1017). */
    count16(r, 0, 6);
    ck_assert_uint_eq(count_at(r, 0, 1016), 1);
    ck_assert_uint_eq(count_at(r, 0, 1017), 6);
    advance(r, 1030);
    check_edge(r, 6, 1016, 0);
    check_edge(r, 7, 1017, 1);
    check_edge(r, 8, 1022, 0);
    check_edge(r, 9, 1023, 1);
    check_edge(r, 10, 1028, 0);
    check_edge(r, 11, 1029, 1);
    rig_free(r);
}
END_TEST

START_TEST(test_mode2_edges_at_100mhz)
{
    struct rig *r = rig_new(100000000);
    out8(r, 0x43, 0x34);
    count16(r, 0, 11932); /* at cycle 0: loaded at pulse 1 */
    advance(r, 3100000);
    /* Rises at pulses 1 + 11932 k; pulse q begins at cycle ceil(q * 1e8 / 1193182). */
    ck_assert_int_eq(r->n_edges, 6);
    check_edge(r, 0, 1000016, 0);
    check_edge(r, 1, 1000099, 1);
    check_edge(r, 3, 2000114, 1);
    check_edge(r, 5, 3000130, 1);
    rig_free(r);
}
END_TEST

START_TEST(test_mode3_square_wave)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    out8(r, 0x43, 0x36); /* ch0, mode 3 */
    count16(r, 0, 5);    /* odd: high 3 pulses, low 2; loaded at 1 */
    static const unsigned ce_odd[] = {4, 2, 0, 4, 2, 4};
    for (int k = 0; k < 6; k++)
        ck_assert_uint_eq(count_at(r, 0, 1 + (uint64_t)k), ce_odd[k]);
    advance(r, 11);
    check_edge(r, 0, 4, 0);
    check_edge(r, 1, 6, 1);
    check_edge(r, 2, 9, 0);
    check_edge(r, 3, 11, 1);
    /* A new count waits for the end of the half-period: the low half from
     * 14 is the first of the count 4 (2 pulses low, 2 high). */
    count16(r, 0, 4);
    ck_assert_uint_eq(count_at(r, 0, 13), 0);
    ck_assert_uint_eq(count_at(r, 0, 14), 4);
    ck_assert_uint_eq(count_at(r, 0, 15), 2);
    advance(r, 22);
    check_edge(r, 4, 14, 0);
    check_edge(r, 5, 16, 1);
    check_edge(r, 6, 18, 0);
    check_edge(r, 7, 20, 1);
    check_edge(r, 8, 22, 0);
    rig_free(r);
}
END_TEST

START_TEST(test_mode3_gate_forces_out_high)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    out8(r, 0x61, 0x01);
    out8(r, 0x43, 0xb6); /* ch2, mode 3 */
    count16(r, 2, 8);    /* loaded at 1: high 1-4, low 5-8 */
    ck_assert_int_eq(out_at(r, 2, 6), 0);
    out8(r, 0x61, 0x00); /* GATE low: OUT high at once */
    ck_assert_int_eq(in8(r, 0x61) & 0x20, 0x20);
    advance(r, 20);
    out8(r, 0x61, 0x01); /* GATE high: reloaded at 21 */
    ck_assert_int_eq(out_at(r, 2, 24), 1);
    ck_assert_int_eq(out_at(r, 2, 25), 0);
    rig_free(r);
}
END_TEST

START_TEST(test_mode4_and_mode5_strobes)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    advance(r, 10);
    out8(r, 0x43, 0x38);             /* ch0, mode 4 */
    ck_assert_int_eq(r->n_edges, 0); /* OUT stays high */
    count16(r, 0, 3);                /* loaded at 11, strobe at 14 */
    advance(r, 30);
    ck_assert_int_eq(r->n_edges, 2);
    check_edge(r, 0, 14, 0);
    check_edge(r, 1, 15, 1);
    /* Mode 5 on counter 2: the same strobe, started by a GATE rise. */
    out8(r, 0x43, 0xba);
    count16(r, 2, 3);
    ck_assert_int_eq(out_at(r, 2, 40), 1);
    out8(r, 0x61, 0x01); /* trigger at 40: loaded at 41 */
    ck_assert_int_eq(out_at(r, 2, 43), 1);
    ck_assert_int_eq(in8(r, 0x61) & 0x20, 0x20);
    advance(r, 44);
    ck_assert_int_eq(in8(r, 0x61) & 0x20, 0);
    advance(r, 45);
    ck_assert_int_eq(in8(r, 0x61) & 0x20, 0x20);
    rig_free(r);
}
END_TEST

START_TEST(test_bcd)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    out8(r, 0x61, 0x01);
    out8(r, 0x43, 0xb1);   /* ch2, mode 0, BCD */
    count16(r, 2, 0x0100); /* 100 decimal */
    ck_assert_uint_eq(count_at(r, 2, 12), 0x0089);
    ck_assert_int_eq(out_at(r, 2, 100), 0);
    ck_assert_int_eq(out_at(r, 2, 101), 1);
    ck_assert_uint_eq(count_at(r, 2, 102), 0x9999); /* wraps in four decades */
    out8(r, 0x43, 0xb1);
    count16(r, 2, 0); /* 0 is 10000 in BCD: loaded at 103 */
    ck_assert_uint_eq(count_at(r, 2, 103), 0x0000);
    ck_assert_uint_eq(count_at(r, 2, 105), 0x9998);
    rig_free(r);
}
END_TEST

START_TEST(test_latch_and_access_modes)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    out8(r, 0x61, 0x01);
    out8(r, 0x43, 0xb0);
    count16(r, 2, 0x1234); /* loaded at 1 */
    advance(r, 0x11);
    out8(r, 0x43, 0x80); /* latch counter 2: 0x1224 */
    advance(r, 0x40);
    out8(r, 0x43, 0x80); /* ignored: the first latch is not read yet */
    ck_assert_uint_eq(in8(r, 0x42), 0x24);
    advance(r, 0x50);
    ck_assert_uint_eq(in8(r, 0x42), 0x12);
    ck_assert_uint_eq(latched(r, 2), 0x1234 - 0x4f); /* latch released: live again */
    /* LSB only and MSB only. */
    out8(r, 0x43, 0x90); /* ch2, LSB only, mode 0 */
    out8(r, 0x42, 0x80); /* count 0x0080 at 0x50 */
    advance(r, 0x60);
    ck_assert_uint_eq(in8(r, 0x42), 0x80 - 0x0f);
    out8(r, 0x43, 0xa0); /* ch2, MSB only */
    out8(r, 0x42, 0x02); /* count 0x0200 at 0x60 */
    advance(r, 0x161);
    ck_assert_uint_eq(in8(r, 0x42), 0x01);
    rig_free(r);
}
END_TEST

START_TEST(test_read_back_and_null_count)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    advance(r, 50);
    out8(r, 0x43, 0x34); /* ch0 mode 2: NULL COUNT until a count is in CE */
    out8(r, 0x43, 0xe2); /* read-back: status of counter 0 */
    ck_assert_uint_eq(in8(r, 0x40), 0x80 | 0x40 | 0x34);
    count16(r, 0, 100);
    out8(r, 0x43, 0xe2);
    ck_assert_uint_eq(in8(r, 0x40), 0xf4); /* written, not loaded yet */
    advance(r, 51);
    out8(r, 0x43, 0xe2);
    ck_assert_uint_eq(in8(r, 0x40), 0xb4); /* loaded at 51 */
    /* Count and status of counters 0 and 2 at once: status reads first. */
    out8(r, 0x43, 0xb6);
    advance(r, 60);
    out8(r, 0x43, 0xca); /* 11 0 0 1 0 1 0: count and status, CNT2 and CNT0 */
    ck_assert_uint_eq(in8(r, 0x40), 0xb4);
    ck_assert_uint_eq(in8(r, 0x40), 91);
    ck_assert_uint_eq(in8(r, 0x40), 0);
    ck_assert_uint_eq(in8(r, 0x42), 0xc0 | 0x36); /* OUT high, NULL COUNT, mode 3 */
    /* A count written while counting in mode 2 stays null until the reload. */
    count16(r, 0, 7);
    out8(r, 0x43, 0xe2);
    ck_assert_uint_eq(in8(r, 0x40), 0xf4);
    advance(r, 151);
    out8(r, 0x43, 0xe2);
    ck_assert_uint_eq(in8(r, 0x40), 0xb4);
    rig_free(r);
}
END_TEST

START_TEST(test_port61_tsc_calibration)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    /* Linux's pit_calibrate_tsc(): GATE2 on, speaker off, ch2 mode 0. */
    out8(r, 0x61, (uint8_t)((in8(r, 0x61) & ~0x02) | 0x01));
    ck_assert_uint_eq(in8(r, 0x61) & 0x0f, 0x01);
    out8(r, 0x43, 0xb0);
    count16(r, 2, 1000); /* at 0 */
    uint64_t t = 0;
    while (!(in8(r, 0x61) & 0x20))
        advance(r, ++t);
    ck_assert_uint_eq(t, 1001);
    /* Bits 6-7 read 0 (no NMI source); 4-7 cannot be written. */
    out8(r, 0x61, 0xff);
    ck_assert_uint_eq(in8(r, 0x61) & 0xcf, 0x0f);
    rig_free(r);
}
END_TEST

START_TEST(test_port61_refresh_toggle)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    /* Flips every 15.085 us: 18 pulses of 838.1 ns, rounded up. */
    ck_assert_uint_eq(in8(r, 0x61) & 0x10, 0);
    advance(r, 17);
    ck_assert_uint_eq(in8(r, 0x61) & 0x10, 0);
    advance(r, 18);
    ck_assert_uint_eq(in8(r, 0x61) & 0x10, 0x10);
    advance(r, 35);
    ck_assert_uint_eq(in8(r, 0x61) & 0x10, 0x10);
    advance(r, 36);
    ck_assert_uint_eq(in8(r, 0x61) & 0x10, 0);
    rig_free(r);
}
END_TEST

START_TEST(test_field_tables)
{
    struct rig *r = rig_new(PIT_CLOCK_HZ);
    struct devinfo d[4];
    ck_assert_uint_eq(pit_devinfo(r->pit, d, 4), 3);
    ck_assert_str_eq(d[2].name, "pit.ch2");
    out8(r, 0x43, 0xb4);
    out8(r, 0x61, 0x01);
    count16(r, 2, 300);
    advance(r, 101);
    pit_sync(r->pit);
    for (size_t k = 0; k < d[2].n_fields; k++) {
        if (strcmp(d[2].fields[k].name, "count") == 0)
            ck_assert_uint_eq(devfield_get(&d[2].fields[k], d[2].state, 0), 200);
        if (strcmp(d[2].fields[k].name, "mode") == 0)
            ck_assert_uint_eq(devfield_get(&d[2].fields[k], d[2].state, 0), 2);
    }
    ck_assert_uint_eq(port61_devinfo(r->port61, d, 4), 1);
    ck_assert_uint_eq(devfield_get(&d[0].fields[0], d[0].state, 0), 1);
    rig_free(r);
}
END_TEST

static Suite *pit_suite(void)
{
    Suite *s = suite_create("pit");
    TCase *tc = tcase_create("8254");
    tcase_add_test(tc, test_idle_costs_nothing);
    tcase_add_test(tc, test_mode0_interrupt_on_terminal_count);
    tcase_add_test(tc, test_mode0_gate_suspends);
    tcase_add_test(tc, test_mode1_retriggerable_one_shot);
    tcase_add_test(tc, test_mode2_rate_generator);
    tcase_add_test(tc, test_mode2_edges_at_100mhz);
    tcase_add_test(tc, test_mode3_square_wave);
    tcase_add_test(tc, test_mode3_gate_forces_out_high);
    tcase_add_test(tc, test_mode4_and_mode5_strobes);
    tcase_add_test(tc, test_bcd);
    tcase_add_test(tc, test_latch_and_access_modes);
    tcase_add_test(tc, test_read_back_and_null_count);
    tcase_add_test(tc, test_port61_tsc_calibration);
    tcase_add_test(tc, test_port61_refresh_toggle);
    tcase_add_test(tc, test_field_tables);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(pit_suite());
}
