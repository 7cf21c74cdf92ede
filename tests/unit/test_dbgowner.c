/*
 * test_dbgowner.c - the owners of the debugger core's switch stops
 * (debug.h, "stop owners"; stops.c), on the kernel of dbgkern.asm under both
 * interpreter cores: the user (the command line's catch) and another owner
 * (a Lua script) setting the same vector, trap and mode stops, each turning
 * off only its own, a stop naming whose it is, a delivery matching a vector
 * stop and a trap stop at once being one stop; and a run command's goal
 * outliving a stop that a front end passes over (dbg_resume), also a mode
 * stop at the very boundary where the goal ends.
 *
 * dbgkern.asm raises #GP(0x1230) at the_gp, then INT 0x1F at the_int, then
 * timer interrupts on vector 0x20 from irq_part on.
 */
#include "dbgkern_util.h"

#define USER DBG_OWNER_BIT(DBG_OWNER_USER)

/* Continue to the next stop, which must be reason; its details in *si. */
static void stop_is(struct dbg *d, enum dbg_stop reason, struct dbg_stop_info *si)
{
    enum dbg_stop why = dbg_continue(d, DK_LIMIT);
    ck_assert_int_eq(why, reason);
    dbg_last_stop(d, si);
}

/* Both owners on vector 13: one stop naming both. */
START_TEST(test_shared_vector)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_stop_info si;
    int lua = dbg_owner_new(d);
    ck_assert_int_gt(lua, DBG_OWNER_USER);
    dbg_stop_on_vector(d, 13, true);
    dbg_stop_on_vector_as(d, lua, 13, true);
    stop_is(d, DBG_STOP_VECTOR, &si);
    ck_assert_int_eq(si.vector, 13);
    ck_assert_uint_eq(si.owners, USER | DBG_OWNER_BIT(lua));
    ck_assert_int_eq(si.trap, TRAP_EXCEPTION); /* how it came, with its error code */
    ck_assert(si.has_error);
    ck_assert_uint_eq(si.value, 0x1230);
    ck_assert_uint_eq(dk_eip(d), dk_sym(d, "gp_handler"));
    dk_free(d);
}
END_TEST

/* One owner turning its switch off leaves the other's on. */
START_TEST(test_off_is_per_owner)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_stop_info si;
    int lua = dbg_owner_new(d);
    dbg_stop_on_vector(d, 13, true);
    dbg_stop_on_vector_as(d, lua, 13, true);
    dbg_stop_on_vector_as(d, lua, 0x1f, true);
    dbg_stop_on_vector(d, 0x1f, true);
    dbg_stop_on_vector_as(d, lua, 13, false); /* the script's off: the user's #GP stop stays */
    stop_is(d, DBG_STOP_VECTOR, &si);
    ck_assert_int_eq(si.vector, 13);
    ck_assert_uint_eq(si.owners, USER);
    dbg_stop_on_vector(d, 0x1f, false); /* the user's off: the script's INT 0x1F stop stays */
    stop_is(d, DBG_STOP_VECTOR, &si);
    ck_assert_int_eq(si.vector, 0x1f);
    ck_assert_uint_eq(si.owners, DBG_OWNER_BIT(lua));
    ck_assert_int_eq(si.trap, TRAP_SWINT);
    ck_assert(!si.has_error);
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_EXIT);
    dk_free(d);
}
END_TEST

/* A vector stop and the trap stop of the same delivery: one stop, both
 * owners; the trap kind alone is a TRAP stop that still names the vector. */
START_TEST(test_delivery_merge)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_stop_info si;
    int lua = dbg_owner_new(d);
    dbg_stop_on_vector_as(d, lua, 13, true);
    dbg_stop_on_trap(d, TRAP_EXCEPTION, true);
    dbg_stop_on_trap(d, TRAP_SWINT, true);
    stop_is(d, DBG_STOP_VECTOR, &si);
    ck_assert_int_eq(si.vector, 13);
    ck_assert_uint_eq(si.owners, USER | DBG_OWNER_BIT(lua));
    stop_is(d, DBG_STOP_TRAP, &si); /* INT 0x1F: only the user's swint stop */
    ck_assert_int_eq(si.trap, TRAP_SWINT);
    ck_assert_int_eq(si.vector, 0x1f);
    ck_assert_uint_eq(si.owners, USER);
    ck_assert_uint_eq(dk_eip(d), dk_sym(d, "swint_handler"));
    dk_free(d);
}
END_TEST

/* dbg_owner_free takes back that owner's switches, no one else's, and
 * frees the number; numbers run out; a number not handed out does nothing. */
START_TEST(test_owner_free)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_stop_info si;
    int owners[DBG_MAX_OWNERS];
    int n = 0;
    while ((owners[n] = dbg_owner_new(d)) >= 0)
        n++;
    ck_assert_int_eq(n, DBG_MAX_OWNERS - 1);
    dbg_owner_free(d, owners[2]);
    ck_assert_int_eq(dbg_owner_new(d), owners[2]);
    dbg_owner_free(d, owners[3]);
    dbg_stop_on_trap_as(d, owners[3], TRAP_CPUID, true); /* not handed out: ignored */
    int lua = owners[0];
    dbg_stop_on_trap_as(d, lua, TRAP_CPUID, true);
    dbg_stop_on_mode_switch_as(d, lua, true);
    dbg_stop_on_vector_as(d, lua, 0x1f, true);
    dbg_stop_on_vector(d, 0x1f, true);
    stop_is(d, DBG_STOP_TRAP, &si);
    ck_assert_int_eq(si.trap, TRAP_CPUID);
    ck_assert_uint_eq(si.owners, DBG_OWNER_BIT(lua));
    dbg_owner_free(d, lua); /* its CPUID, mode and vector stops go; the user's 0x1F stays */
    stop_is(d, DBG_STOP_VECTOR, &si);
    ck_assert_int_eq(si.vector, 0x1f);
    ck_assert_uint_eq(si.owners, USER);
    ck_assert_int_eq(dbg_continue(d, DK_LIMIT), DBG_STOP_EXIT); /* no mode stop at sys_part */
    dk_free(d);
}
END_TEST

/* until irq_part, interrupted by the #GP stop: dbg_resume goes on toward
 * the goal, as a front end does when a script's callback says go on. */
START_TEST(test_goal_outlives_a_stop)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_stop_info si;
    dbg_stop_on_vector(d, 13, true);
    ck_assert_int_eq(dbg_until(d, dk_sym(d, "irq_part"), DK_LIMIT), DBG_STOP_VECTOR);
    dbg_last_stop(d, &si);
    ck_assert_int_eq(si.vector, 13);
    enum dbg_stop why;
    while ((why = dbg_resume(d, DK_LIMIT)) == DBG_STOP_BUDGET)
        ;
    ck_assert_int_eq(why, DBG_STOP_STEP);
    ck_assert_uint_eq(dk_eip(d), dk_sym(d, "irq_part"));
    dk_free(d);
}
END_TEST

/* A mode-switch stop lands on the boundary after MOV CR0, where a
 * breakpoint is: the next continue stops there too rather than skip it. */
START_TEST(test_mode_stop_keeps_breakpoint)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_stop_info si;
    int lua = dbg_owner_new(d);
    dbg_stop_on_mode_switch_as(d, lua, true);
    int bp = dbg_break_linear(d, dk_sym(d, "sys_paged"), false);
    stop_is(d, DBG_STOP_MODE_SWITCH, &si);
    ck_assert_uint_eq(si.owners, DBG_OWNER_BIT(lua));
    ck_assert_uint_eq(dk_eip(d), dk_sym(d, "sys_paged"));
    stop_is(d, DBG_STOP_BREAKPOINT, &si);
    ck_assert_int_eq(si.id, bp);
    ck_assert_uint_eq(dk_eip(d), dk_sym(d, "sys_paged"));
    dk_free(d);
}
END_TEST

/* stepi over the MOV CR0 that turns paging on, with a mode stop a front
 * end passes over: the resumed step ends at the boundary after it, where
 * the mode stop was, not one instruction on. */
START_TEST(test_step_over_mode_switch)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    struct dbg_stop_info si;
    int lua = dbg_owner_new(d);
    dbg_stop_on_mode_switch_as(d, lua, true);
    uint32_t paged = dk_sym(d, "sys_paged");
    ck_assert_int_eq(dbg_until(d, paged - 3, DK_LIMIT), DBG_STOP_STEP); /* 0F 22 C0 */
    ck_assert_int_eq(dbg_stepi(d, 1, DK_LIMIT), DBG_STOP_MODE_SWITCH);
    dbg_last_stop(d, &si);
    ck_assert_uint_eq(si.owners, DBG_OWNER_BIT(lua));
    ck_assert_int_eq(dbg_resume(d, DK_LIMIT), DBG_STOP_STEP);
    ck_assert_uint_eq(dk_eip(d), paged);
    dk_free(d);
}
END_TEST

/* stepi 200 in one run, and in slices of one cycle resumed: the same
 * instruction (each slice ends past a boundary the goal must still count). */
START_TEST(test_step_across_slices)
{
    struct dbg *d = dk_machine(dk_cores[_i]);
    ck_assert_int_eq(dbg_stepi(d, 200, DK_LIMIT), DBG_STOP_STEP);
    uint32_t want = dk_eip(d);
    struct dbg_cpu_view v;
    dbg_get_cpu(d, &v);
    uint64_t insns = v.instructions;
    dk_free(d);
    d = dk_machine(dk_cores[_i]);
    enum dbg_stop why = dbg_stepi(d, 200, 1);
    for (int k = 0; why == DBG_STOP_BUDGET && k < 100000; k++)
        why = dbg_resume(d, 1);
    ck_assert_int_eq(why, DBG_STOP_STEP);
    ck_assert_uint_eq(dk_eip(d), want);
    dbg_get_cpu(d, &v);
    ck_assert_uint_eq(v.instructions, insns);
    dk_free(d);
}
END_TEST

static Suite *owner_suite(void)
{
    Suite *s = suite_create("dbgowner");
    TCase *tc = tcase_create("owners");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_shared_vector, 0, 2);
    tcase_add_loop_test(tc, test_off_is_per_owner, 0, 2);
    tcase_add_loop_test(tc, test_delivery_merge, 0, 2);
    tcase_add_loop_test(tc, test_owner_free, 0, 2);
    tcase_add_loop_test(tc, test_goal_outlives_a_stop, 0, 2);
    tcase_add_loop_test(tc, test_mode_stop_keeps_breakpoint, 0, 2);
    tcase_add_loop_test(tc, test_step_over_mode_switch, 0, 2);
    tcase_add_loop_test(tc, test_step_across_slices, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

DK_MAIN(owner_suite)
