/*
 * test_dbgview.c - the debugger core's views of the system structures
 * (view_sys.c, view.c): the TSS, an LDT entry, the address space as
 * merged ranges, and the MODE and CR3 events, on the kernel of
 * dbgkern.asm stopped at sys_paged (its GDT, TSS, LDT and page table
 * set up, paging on), under both interpreter cores.
 */
#include "dbgkern_util.h"

/* Run to sys_paged. */
static struct dbg *at_paged(int core)
{
    struct dbg *d = dk_machine(dk_cores[core]);
    ck_assert_int_eq(dbg_until(d, dk_sym(d, "sys_paged"), DK_LIMIT), DBG_STOP_STEP);
    return d;
}

START_TEST(test_tss)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_tss t;
    ck_assert_int_eq(dbg_tss(d, &t), -1); /* the loader leaves TR unusable */
    dk_free(d);
    d = at_paged(_i);
    ck_assert_int_eq(dbg_tss(d, &t), 0);
    ck_assert_uint_eq(t.sel, 0x18);
    ck_assert_uint_eq(t.base, dk_sym(d, "tss"));
    ck_assert_uint_eq(t.limit, 103);
    ck_assert(t.is32);
    ck_assert(t.busy); /* LTR marked it */
    ck_assert_uint_eq(t.esp[0], 0x12345678);
    ck_assert_uint_eq(t.ss[0], 0x10);
    ck_assert_uint_eq(t.iomap, 104);
    ck_assert(!t.trap);
    dk_free(d);
}
END_TEST

START_TEST(test_ldt)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_desc e;
    ck_assert_int_eq(dbg_ldt_entry(d, 1, &e), -1); /* no LDT yet */
    dk_free(d);
    d = at_paged(_i);
    ck_assert_int_eq(dbg_ldt_entry(d, 1, &e), 0);
    ck_assert_uint_eq(e.base, 0x12340000);
    ck_assert_uint_eq(e.limit, 0xfff);
    ck_assert_uint_eq(e.dpl, 3);
    ck_assert(e.present);
    ck_assert(!e.system);
    ck_assert_str_eq(e.type, "data 32-bit RW");
    ck_assert_int_eq(dbg_ldt_entry(d, 2, &e), 0);
    ck_assert(!e.present);
    ck_assert_int_eq(dbg_ldt_entry(d, 3, &e), -1); /* beyond the limit (23) */
    ck_assert_int_eq(dbg_gdt_entry(d, 3, &e), 0);  /* the GDT's TSS descriptor */
    ck_assert_str_eq(e.type, "32-bit TSS (busy)");
    dk_free(d);
}
END_TEST

START_TEST(test_mem_ranges)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_mem_range r[8];
    ck_assert_uint_eq(dbg_mem_ranges(d, r, 8), 0); /* no paging */
    dk_free(d);
    d = at_paged(_i);
    ck_assert_uint_eq(dbg_mem_ranges(d, r, 8), 3);
    const struct dbg_mem_range want[3] = {
        {0, 1u << 20, false, true}, {1u << 20, 1u << 20, true, true}, {2u << 20, 1u << 20, false, false}};
    for (int k = 0; k < 3; k++) {
        ck_assert_uint_eq(r[k].lin, want[k].lin);
        ck_assert_uint_eq(r[k].len, want[k].len);
        ck_assert_int_eq(r[k].user, want[k].user);
        ck_assert_int_eq(r[k].write, want[k].write);
    }
    ck_assert_uint_eq(dbg_mem_ranges(d, r, 1), 3); /* the count, with one written */
    /* The page directory read at its physical address is what the walk read. */
    struct dbg_walk w;
    uint8_t pde[4];
    dbg_walk(d, 0x100000, &w);
    ck_assert_int_eq(dbg_read_physical(d, w.addr[0], pde, 4, NULL), 4);
    ck_assert_uint_eq(pde[0] | pde[1] << 8 | pde[2] << 16 | (uint32_t)pde[3] << 24, w.entry[0]);
    dk_free(d);
}
END_TEST

/* MODE and CR3 events: CR3 loaded, paging on, paging off. */
START_TEST(test_mode_events)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_event e;
    int r = dbg_events_subscribe(d, DBG_EV_BIT(DBG_EV_MODE) | DBG_EV_BIT(DBG_EV_CR3));
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_EXIT);
    ck_assert(dbg_events_next(d, r, &e));
    ck_assert_int_eq(e.kind, DBG_EV_CR3);
    ck_assert_uint_eq(e.old, 0);
    ck_assert_uint_eq(e.value, dk_sym(d, "pd"));
    ck_assert(dbg_events_next(d, r, &e));
    ck_assert_int_eq(e.kind, DBG_EV_MODE);
    ck_assert_uint_eq(e.old, DBG_MODE_PROTECTED);
    ck_assert_uint_eq(e.value, DBG_MODE_PROTECTED | DBG_MODE_PAGING);
    ck_assert_uint_eq(e.eip, dk_sym(d, "sys_paged") - 3); /* the MOV CR0 (0F 22 C0) */
    ck_assert(dbg_events_next(d, r, &e));
    ck_assert_int_eq(e.kind, DBG_EV_MODE);
    ck_assert_uint_eq(e.value, DBG_MODE_PROTECTED);
    ck_assert(!dbg_events_next(d, r, &e));
    dk_free(d);
}
END_TEST

static Suite *dbgview_suite(void)
{
    Suite *s = suite_create("dbgview");
    TCase *tc = tcase_create("views");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_tss, 0, 2);
    tcase_add_loop_test(tc, test_ldt, 0, 2);
    tcase_add_loop_test(tc, test_mem_ranges, 0, 2);
    tcase_add_loop_test(tc, test_mode_events, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

DK_MAIN(dbgview_suite)
