/*
 * test_dbgio.c - the debugger core's I/O-port, serial-string and trap
 * stops, the trap counters, and stepping over interrupts, on the guest
 * kernel of dbgkern.asm (dbgkern_util.h), under both interpreter cores.
 *
 * Each stop is checked where it must land: after the very instruction
 * that did the access (EIP at the next one), with the access's details;
 * the counters against the numbers of CPUID, HLT, MMIO and port accesses
 * the kernel executes (its header lists them).
 */
#include "dbgkern_util.h"

/* I/O stops: after the OUT that wrote 0x5A to port 0x404, with its details. */
START_TEST(test_io_stop_exact_out)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_stop_info s;
    uint64_t t[TRAP_COUNT];
    int id = dbg_break_io(d, 0x404, 0x404, DBG_IO_OUT);
    ck_assert_int_gt(id, 0);
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_IO);
    dbg_last_stop(d, &s);
    ck_assert_int_eq(s.id, id);
    ck_assert_uint_eq(s.addr, 0x404);
    ck_assert_int_eq(s.size, 1);
    ck_assert(s.write);
    ck_assert_uint_eq(s.value, 0x5a);
    ck_assert_uint_eq(dk_eip(d), dk_sym(d, "after_out")); /* the OUT is one byte (EE) */
    dbg_traps(d, t);
    ck_assert_uint_eq(t[TRAP_IO], 5 + 3 + 1); /* the POST OUTs, the OUTSB bytes, this one */
    /* The IN from the same port is not an OUT: the run goes on to the end. */
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_EXIT);
    dbg_last_stop(d, &s);
    ck_assert_uint_eq(s.exit_code, 7);
    ck_assert_int_eq(dbg_hits(d, id), 1);
    dk_free(d);
}
END_TEST

/* An IN stop over a range: after the IN, with the value it read. */
START_TEST(test_io_stop_in)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_stop_info s;
    int id = dbg_break_io(d, 0x400, 0x407, DBG_IO_IN);
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_IO);
    dbg_last_stop(d, &s);
    ck_assert_int_eq(s.id, id);
    ck_assert(!s.write);
    ck_assert_uint_eq(s.value, 0xff); /* nobody's port reads all ones */
    ck_assert_uint_eq(dk_eip(d), dk_sym(d, "the_in") + 1);
    ck_assert_int_eq(dbg_delete(d, id), 0);
    ck_assert_int_eq(dbg_delete(d, id), -1);
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_EXIT);
    /* Bad ranges and kinds are refused. */
    ck_assert_int_eq(dbg_break_io(d, 5, 4, DBG_IO_BOTH), -1);
    ck_assert_int_eq(dbg_break_io(d, 4, 5, 0), -1);
    dk_free(d);
}
END_TEST

/* Both directions over 0x7F-0x81: the first POST OUT (AL = 0), then
 * each of the next ones in turn. */
START_TEST(test_io_stop_each_access)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_stop_info s;
    uint32_t post = dk_sym(d, "post_part.post");
    dbg_break_io(d, 0x7f, 0x81, DBG_IO_BOTH);
    for (uint32_t k = 0; k < 5; k++) {
        ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_IO);
        dbg_last_stop(d, &s);
        ck_assert_uint_eq(s.value, k);
        ck_assert_uint_eq(dk_eip(d), post + 1);
    }
    /* REP OUTSB: the stop comes after the instruction (the whole batch)
     * with the first byte's details. */
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_IO);
    dbg_last_stop(d, &s);
    ck_assert_uint_eq(s.value, 0xa);
    dk_free(d);
}
END_TEST

/* "login:" on COM1 stops right after the OUT of the ':'. */
START_TEST(test_serial_stop)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_stop_info s;
    struct dbg_cpu_view v;
    int com2 = dbg_stop_on_serial(d, 0x2f8, "login:");
    int id = dbg_stop_on_serial(d, 0x3f8, "login:");
    ck_assert_int_gt(id, 0);
    enum dbg_stop why;
    int slices = 0;
    /* In slices of 40 cycles: the match rolls on across them. */
    while ((why = dbg_continue(d, 40)) == DBG_STOP_BUDGET)
        slices++;
    ck_assert_int_gt(slices, 3);
    ck_assert_int_eq(why, DBG_STOP_SERIAL);
    dbg_last_stop(d, &s);
    ck_assert_int_eq(s.id, id);
    ck_assert_uint_eq(s.addr, 0x3f8);
    ck_assert_uint_eq(dk_eip(d), dk_sym(d, "serial_out") + 1);
    dbg_get_cpu(d, &v);
    ck_assert_uint_eq(v.gpr[DBG_EAX] & 0xff, ':');
    ck_assert_uint_eq(v.gpr[DBG_ESI], dk_sym(d, "msg") + strlen("boot ok\r\nlogin:"));
    /* Bytes sent before a stop was set do not count toward it. */
    dbg_stop_on_serial(d, 0, "boot");
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_EXIT);
    ck_assert_int_eq(dbg_hits(d, id), 1);
    ck_assert_int_eq(dbg_hits(d, com2), 0);
    ck_assert_int_eq(dbg_stop_on_serial(d, 0, ""), -1);
    dk_free(d);
}
END_TEST

/* The counters equal what the kernel executed. */
START_TEST(test_trap_counts)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    uint64_t t[TRAP_COUNT];
    struct emu_stats st;
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_EXIT);
    uint32_t ticks = dk_peek32(d, dk_sym(d, "ticks"));
    ck_assert_uint_gt(ticks, 1);
    dbg_traps(d, t);
    ck_assert_uint_eq(t[TRAP_CPUID], 3);
    ck_assert_uint_eq(t[TRAP_HLT], 1);
    ck_assert_uint_eq(t[TRAP_MMIO], 1);
    /* POST 5 + OUTSB 3 + 0x404 out and in 2 + serial 16 + PIC 6 + PIT 3
     * + an EOI a tick + the flood + the exit. */
    ck_assert_uint_eq(t[TRAP_IO], 5 + 3 + 2 + 16 + 6 + 3 + ticks + DK_FLOOD + 1);
    ck_assert_uint_eq(t[TRAP_INTR], ticks);
    ck_assert_uint_eq(t[TRAP_DESC], 4); /* LIDT, LGDT, LTR, LLDT */
    ck_assert_uint_eq(t[TRAP_CR], 5);   /* CR3 written, CR0 read and written twice */
    ck_assert_uint_eq(t[TRAP_EXCEPTION], 1); /* the #GP of MOV DS */
    ck_assert_uint_eq(t[TRAP_SWINT], 1);     /* INT 0x1F */
    emu_get_stats(dbg_emu(d), &st);
    for (int k = 0; k < TRAP_COUNT; k++)
        ck_assert_uint_eq(st.traps[k], t[k]);
    dk_free(d);
}
END_TEST

/* Names of the kinds, both ways. */
START_TEST(test_trap_names)
{
    ck_assert_str_eq(dbg_trap_name(TRAP_IO), "io");
    ck_assert_str_eq(dbg_trap_name(TRAP_CPUID), "cpuid");
    ck_assert_ptr_null(dbg_trap_name(TRAP_COUNT));
    ck_assert_ptr_null(dbg_trap_name(-1));
    for (int k = 0; k < TRAP_COUNT; k++)
        ck_assert_int_eq(dbg_trap_kind(dbg_trap_name(k)), k);
    ck_assert_int_eq(dbg_trap_kind("nonsense"), -1);
}
END_TEST

/* A stop on CPUID: after each of the three, with the leaf. */
START_TEST(test_trap_stop)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_stop_info s;
    uint32_t after = dk_sym(d, "cpuid_part.again") + 1 + 5 + 2; /* push, mov eax, cpuid */
    dbg_stop_on_trap(d, TRAP_CPUID, true);
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_TRAP);
        dbg_last_stop(d, &s);
        ck_assert_int_eq(s.trap, TRAP_CPUID);
        ck_assert_uint_eq(s.addr, 1);
        ck_assert_uint_eq(dk_eip(d), after);
    }
    dbg_stop_on_trap(d, TRAP_CPUID, false);
    dbg_stop_on_trap(d, TRAP_HLT, true);
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_TRAP);
    dbg_last_stop(d, &s);
    ck_assert_int_eq(s.trap, TRAP_HLT);
    ck_assert_uint_eq(dk_eip(d), dk_sym(d, "the_hlt") + 1);
    dk_free(d);
}
END_TEST

/* The instruction after eip in the spin loop (inc edi; dec ecx; jnz spin). */
static uint32_t spin_next(struct dbg *d, uint32_t eip, uint32_t ecx)
{
    uint32_t spin = dk_sym(d, "spin");
    if (eip == spin + 2)
        return ecx ? spin : spin + 4;
    return eip + 1;
}

/* Stepping over interrupts: every step in the spin loop lands on the
 * next instruction of the loop though ticks come in between; stepping
 * into them reaches the handler. */
START_TEST(test_step_over_interrupts)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_cpu_view v;
    uint32_t ticks_at = dk_sym(d, "ticks");
    uint32_t handler = dk_sym(d, "irq0_handler");
    int bp = dbg_break_linear(d, dk_sym(d, "spin"), false);
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_BREAKPOINT);
    dbg_delete(d, bp);
    ck_assert(dbg_get_step_interrupts(d));
    dbg_set_step_interrupts(d, false);
    ck_assert(!dbg_get_step_interrupts(d));
    uint32_t ticks0 = dk_peek32(d, ticks_at);
    for (int k = 0; k < 6000 && dk_peek32(d, ticks_at) < ticks0 + 2; k++) {
        dbg_get_cpu(d, &v);
        uint32_t want = spin_next(d, (uint32_t)v.eip, (uint32_t)v.gpr[DBG_ECX]);
        ck_assert_int_eq(dbg_stepi(d, 1, DK_LIMIT), DBG_STOP_STEP);
        ck_assert_uint_eq(dk_eip(d), want);
    }
    ck_assert_uint_ge(dk_peek32(d, ticks_at), ticks0 + 2);
    /* Into: a tick soon lands a step on the handler's first instruction. */
    dbg_set_step_interrupts(d, true);
    bool reached = false;
    for (int k = 0; k < 6000 && !reached; k++) {
        ck_assert_int_eq(dbg_stepi(d, 1, DK_LIMIT), DBG_STOP_STEP);
        reached = dk_eip(d) == handler;
    }
    ck_assert(reached);
    dk_free(d);
}
END_TEST

/* HLT stepped over: the tick that wakes it runs unseen and the step ends
 * after the HLT; stepped into, it ends in the handler. */
START_TEST(test_step_over_hlt)
{
    for (int into = 0; into < 2; into++) {
        struct dbg *d = dk_machine(dk_cores[_i]);
        uint32_t hlt = dk_sym(d, "the_hlt");
        dbg_until(d, hlt, DK_LIMIT);
        ck_assert_uint_eq(dk_eip(d), hlt);
        uint32_t ticks0 = dk_peek32(d, dk_sym(d, "ticks"));
        dbg_set_step_interrupts(d, into);
        ck_assert_int_eq(dbg_stepi(d, 1, DK_LIMIT), DBG_STOP_STEP);
        if (into) {
            ck_assert_uint_eq(dk_eip(d), dk_sym(d, "irq0_handler"));
        } else {
            ck_assert_uint_eq(dk_eip(d), hlt + 1);
            ck_assert_uint_eq(dk_peek32(d, dk_sym(d, "ticks")), ticks0 + 1);
        }
        dk_free(d);
    }
}
END_TEST

static Suite *dbgio_suite(void)
{
    Suite *s = suite_create("dbgio");
    TCase *io = tcase_create("io");
    tcase_set_timeout(io, 60);
    tcase_add_loop_test(io, test_io_stop_exact_out, 0, 2);
    tcase_add_loop_test(io, test_io_stop_in, 0, 2);
    tcase_add_loop_test(io, test_io_stop_each_access, 0, 2);
    tcase_add_loop_test(io, test_serial_stop, 0, 2);
    suite_add_tcase(s, io);
    TCase *traps = tcase_create("traps");
    tcase_set_timeout(traps, 60);
    tcase_add_loop_test(traps, test_trap_counts, 0, 2);
    tcase_add_test(traps, test_trap_names);
    tcase_add_loop_test(traps, test_trap_stop, 0, 2);
    suite_add_tcase(s, traps);
    TCase *step = tcase_create("step");
    tcase_set_timeout(step, 60);
    tcase_add_loop_test(step, test_step_over_interrupts, 0, 2);
    tcase_add_loop_test(step, test_step_over_hlt, 0, 2);
    suite_add_tcase(s, step);
    return s;
}

DK_MAIN(dbgio_suite)
