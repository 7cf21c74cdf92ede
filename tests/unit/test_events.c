/*
 * test_events.c - the debugger core's event ring (events.c): the order
 * and the cycle stamps of what the kernel of dbgkern.asm does, several
 * readers with their own masks and cursors, and the overflow of a ring
 * that a flood of port accesses overruns, under both interpreter cores.
 */
#include "dbgkern_util.h"

/* The next event of reader r, which must exist and be of kind. */
static struct dbg_event next_of(struct dbg *d, int r, enum dbg_event_kind kind)
{
    struct dbg_event e;
    ck_assert_msg(dbg_events_next(d, r, &e), "no more events, expected %s", dbg_event_name(kind));
    ck_assert_msg(e.kind == kind, "event %llu is %s, expected %s", (unsigned long long)e.seq,
                  dbg_event_name(e.kind), dbg_event_name(kind));
    return e;
}

/* A port access: its TRAP record, then its IO record, same instruction. */
static struct dbg_event next_io(struct dbg *d, int r, uint16_t port, bool out, uint32_t value)
{
    struct dbg_event t = next_of(d, r, DBG_EV_TRAP);
    struct dbg_event e = next_of(d, r, DBG_EV_IO);
    ck_assert_int_eq(t.trap, TRAP_IO);
    ck_assert_uint_eq(t.detail, port);
    ck_assert_uint_eq(e.port, port);
    ck_assert_int_eq(e.out, out);
    ck_assert_int_eq(e.size, 1);
    ck_assert_uint_eq(e.value, value);
    ck_assert_uint_eq(e.seq, t.seq + 1);
    ck_assert_uint_eq(e.cycle, t.cycle);
    ck_assert_uint_eq(e.eip, t.eip);
    return e;
}

/* Everything up to "login:", in order, with stamps that move forward. */
START_TEST(test_order_and_stamps)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    int all = dbg_events_subscribe(d, DBG_EV_ALL);
    int serial = dbg_events_subscribe(d, DBG_EV_BIT(DBG_EV_SERIAL));
    ck_assert_int_ge(all, 0);
    ck_assert_int_ge(serial, 0);
    dbg_stop_on_serial(d, 0x3f8, "login:");
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_SERIAL);

    uint64_t last_cycle = 0;
    struct dbg_event e;
    for (int k = 0; k < 3; k++) { /* three CPUIDs of leaf 1 */
        e = next_of(d, all, DBG_EV_TRAP);
        ck_assert_int_eq(e.trap, TRAP_CPUID);
        ck_assert_uint_eq(e.detail, 1);
        ck_assert_uint_eq(e.seq, (uint64_t)k);
        ck_assert_uint_gt(e.cycle, last_cycle);
        last_cycle = e.cycle;
    }
    uint32_t post = dk_sym(d, "post_part.post");
    for (uint32_t k = 0; k < 5; k++) {
        e = next_io(d, all, 0x80, true, k);
        ck_assert_uint_eq(e.eip, post);
        ck_assert_uint_gt(e.cycle, last_cycle);
        last_cycle = e.cycle;
    }
    for (uint32_t k = 0xa; k <= 0xc; k++) /* REP OUTSB: one instruction, three bytes */
        next_io(d, all, 0x80, true, k);
    e = next_io(d, all, 0x404, true, 0x5a);
    ck_assert_uint_eq(e.eip, dk_sym(d, "the_out"));
    next_io(d, all, 0x404, false, 0xff);
    e = next_of(d, all, DBG_EV_TRAP);
    ck_assert_int_eq(e.trap, TRAP_MMIO);
    ck_assert_uint_eq(e.detail, 0xb8000);
    ck_assert(e.out);
    ck_assert_int_eq(e.size, 2);
    ck_assert_uint_eq(e.value, 0x0741);
    /* Each serial byte: the UART sends it during the OUT (SERIAL), then
     * the OUT completes (TRAP, IO). */
    const char *text = "boot ok\r\nlogin:";
    for (size_t k = 0; k < strlen(text); k++) {
        e = next_of(d, all, DBG_EV_SERIAL);
        ck_assert_uint_eq(e.port, 0x3f8);
        ck_assert_uint_eq(e.value, (uint8_t)text[k]);
        ck_assert_uint_eq(e.eip, dk_sym(d, "serial_out"));
        next_io(d, all, 0x3f8, true, (uint8_t)text[k]);
    }
    ck_assert(!dbg_events_next(d, all, &e)); /* the stop came right after the ':' */
    ck_assert_int_eq(dbg_events_lost(d, all), 0);
    /* The serial reader saw only the bytes. */
    for (size_t k = 0; k < strlen(text); k++)
        ck_assert_uint_eq(next_of(d, serial, DBG_EV_SERIAL).value, (uint8_t)text[k]);
    ck_assert(!dbg_events_next(d, serial, &e));
    dk_free(d);
}
END_TEST

/* 5000 OUTs overrun the ring: each reader gets the newest events of its
 * kinds and a count of the ones it lost, which add up to what happened. */
START_TEST(test_overflow)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    int io = dbg_events_subscribe(d, DBG_EV_BIT(DBG_EV_IO));
    int irq = dbg_events_subscribe(d, DBG_EV_BIT(DBG_EV_INTERRUPT));
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_EXIT);
    uint64_t t[TRAP_COUNT];
    dbg_traps(d, t);
    struct dbg_event e, last = {0};
    uint64_t got = 0;
    while (dbg_events_next(d, io, &e)) {
        ck_assert_int_eq(e.kind, DBG_EV_IO);
        if (got > 0) {
            ck_assert_uint_gt(e.seq, last.seq);
            ck_assert_uint_ge(e.cycle, last.cycle);
        }
        last = e;
        got++;
    }
    ck_assert_uint_le(got, DBG_EVENT_RING);
    ck_assert_int_gt(dbg_events_lost(d, io), 0);
    ck_assert_uint_eq(got + (uint64_t)dbg_events_lost(d, io), t[TRAP_IO]);
    ck_assert_uint_eq(last.port, 0xf4); /* the newest: the exit */
    ck_assert_uint_eq(last.value, 7);
    uint64_t irqs = 0;
    while (dbg_events_next(d, irq, &e))
        irqs++;
    /* The ticks and INT 0x1F. */
    ck_assert_uint_eq(irqs + (uint64_t)dbg_events_lost(d, irq),
                      dk_peek32(d, dk_sym(d, "ticks")) + 1);
    dk_free(d);
}
END_TEST

/* Exceptions and interrupts: the #GP with its error code, INT 0x1F, then
 * the timer's IRQ 0, each where it came from. */
START_TEST(test_deliveries)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    int r = dbg_events_subscribe(d, DBG_EV_BIT(DBG_EV_EXCEPTION) | DBG_EV_BIT(DBG_EV_INTERRUPT));
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_EXIT);
    struct dbg_event e = next_of(d, r, DBG_EV_EXCEPTION);
    ck_assert_int_eq(e.vector, 13);
    ck_assert(e.has_error);
    ck_assert_uint_eq(e.error, 0x1230);
    ck_assert_uint_eq(e.eip, dk_sym(d, "the_gp")); /* a fault: it returns to the MOV */
    e = next_of(d, r, DBG_EV_INTERRUPT);
    ck_assert_int_eq(e.vector, 0x1f);
    ck_assert(!e.hardware);
    ck_assert_uint_eq(e.eip, dk_sym(d, "the_int") + 2); /* returns after the INT */
    uint32_t ticks = dk_peek32(d, dk_sym(d, "ticks"));
    for (uint32_t k = 0; k < ticks; k++) {
        e = next_of(d, r, DBG_EV_INTERRUPT);
        ck_assert_int_eq(e.vector, 0x20);
        ck_assert(e.hardware);
    }
    ck_assert(!dbg_events_next(d, r, &e));
    dk_free(d);
}
END_TEST

/* Vector stops (dbg_stop_on_vector): an exception the CPU raises (#GP),
 * INT 0x1F and the timer's IRQ 0 each stop the machine right after their
 * delivery, at the first instruction of the handler; the stop says which. */
START_TEST(test_vector_stops)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_stop_info si;
    dbg_stop_on_vector(d, 13, true);
    dbg_stop_on_vector(d, 0x1f, true);
    dbg_stop_on_vector(d, 0x20, true);
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_VECTOR);
    dbg_last_stop(d, &si);
    ck_assert_int_eq(si.vector, 13);
    struct dbg_cpu_view v;
    dbg_get_cpu(d, &v);
    uint64_t gp_handler = v.eip;
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_VECTOR);
    dbg_last_stop(d, &si);
    ck_assert_int_eq(si.vector, 0x1f);
    dbg_get_cpu(d, &v);
    ck_assert_uint_ne(v.eip, gp_handler); /* another handler: the IDT's gate for 0x1F */
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_VECTOR);
    dbg_last_stop(d, &si);
    ck_assert_int_eq(si.vector, 0x20);
    dbg_stop_on_vector(d, 0x20, false);
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_EXIT);
    dk_free(d);
}
END_TEST

/* Readers: a late one starts at the next event; masks and slots. */
START_TEST(test_readers)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_event e;
    int readers[DBG_MAX_READERS];
    ck_assert_int_eq(dbg_events_subscribe(d, 0), -1);
    int early = dbg_events_subscribe(d, DBG_EV_BIT(DBG_EV_TRAP));
    dbg_stop_on_trap(d, TRAP_CPUID, true);
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_TRAP);
    int late = dbg_events_subscribe(d, DBG_EV_BIT(DBG_EV_TRAP));
    ck_assert(!dbg_events_next(d, late, &e)); /* the first CPUID came before it */
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_TRAP);
    ck_assert(dbg_events_next(d, late, &e));
    ck_assert_uint_eq(e.seq, 1);
    ck_assert(dbg_events_next(d, early, &e));
    ck_assert_uint_eq(e.seq, 0);
    /* All slots taken, then one freed. */
    int n = 0;
    while (n < DBG_MAX_READERS && (readers[n] = dbg_events_subscribe(d, DBG_EV_ALL)) >= 0)
        n++;
    ck_assert_int_eq(n, DBG_MAX_READERS - 2);
    dbg_events_unsubscribe(d, late);
    ck_assert_int_eq(dbg_events_lost(d, late), -1);
    ck_assert_int_eq(dbg_events_subscribe(d, DBG_EV_ALL), late);
    ck_assert_str_eq(dbg_event_name(DBG_EV_SERIAL), "serial");
    ck_assert_ptr_null(dbg_event_name(DBG_EV_COUNT));
    dk_free(d);
}
END_TEST

/* Only the kinds someone reads are recorded: a serial reader keeps all
 * 16 bytes through the flood of 5000 port accesses, which would have
 * overwritten them had they been recorded too. */
START_TEST(test_only_wanted_kinds)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_event e;
    int gone = dbg_events_subscribe(d, DBG_EV_BIT(DBG_EV_IO));
    dbg_events_unsubscribe(d, gone);
    int r = dbg_events_subscribe(d, DBG_EV_BIT(DBG_EV_SERIAL));
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_EXIT);
    for (size_t k = 0; k < strlen(DK_SERIAL); k++) {
        ck_assert(dbg_events_next(d, r, &e));
        ck_assert_uint_eq(e.value, (uint8_t)DK_SERIAL[k]);
    }
    ck_assert(!dbg_events_next(d, r, &e));
    ck_assert_int_eq(dbg_events_lost(d, r), 0);
    dk_free(d);
}
END_TEST

static Suite *events_suite(void)
{
    Suite *s = suite_create("events");
    TCase *tc = tcase_create("ring");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_order_and_stamps, 0, 2);
    tcase_add_loop_test(tc, test_overflow, 0, 2);
    tcase_add_loop_test(tc, test_deliveries, 0, 2);
    tcase_add_loop_test(tc, test_readers, 0, 2);
    tcase_add_loop_test(tc, test_vector_stops, 0, 2);
    tcase_add_loop_test(tc, test_only_wanted_kinds, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

DK_MAIN(events_suite)
