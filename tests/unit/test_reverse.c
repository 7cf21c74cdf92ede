/*
 * test_reverse.c - reverse execution (core/debug/reverse.c) and the
 * debugger's savevm/loadvm, on the snapshot guest (timer interrupts,
 * demand paging, serial input), under both cores:
 *
 *   - rstepi lands exactly one instruction boundary back, with the machine
 *     identical to what it was there (emu_diff and every device section),
 *     step after step, across interrupt deliveries and page faults;
 *   - rstepi n then stepi n comes back to the same present, across many
 *     snapshot intervals;
 *   - rcontinue stops at the previous breakpoint hit, and at the previous
 *     watchpoint hit;
 *   - serial input given while the history is on is replayed at its cycle:
 *     back to the start and forward again ends as a run that never went
 *     back, and as a plain run given the same input;
 *   - a machine changed by hand cannot be reached by re-running: rstepi
 *     refuses and leaves the present as it was;
 *   - savevm and loadvm through a file.
 */
#include <unistd.h>

#include "debug/debug.h"
#include "snap_util.h"

static const enum emu_core cores[] = {EMU_CORE_SWITCH, EMU_CORE_THREADED};

#define EVERY 100000u /* cycles between the history's snapshots */
#define BIG   50000000u /* a run call's budget: more than the guest needs */

/* A machine with a debugger whose history is on. */
static struct dbg *rv_new(struct sg_machine *s)
{
    struct dbg *d = dbg_create(s->m);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(dbg_history(d, true, EVERY, 64), 0);
    ck_assert(dbg_history_on(d));
    return d;
}

static uint8_t *mem_snap(struct emu *m, size_t *len)
{
    uint8_t *buf;
    char err[128];
    ck_assert_int_eq(snap_save(m, SNAP_MEMORY, &buf, len, err, sizeof err), 0);
    return buf;
}

/* m is the machine snapshot buf[0..len) holds: loaded into the reference
 * machine ref, emu_diff and snap_diff find nothing. */
static void assert_is(struct emu *m, struct emu *ref, const uint8_t *buf, size_t len)
{
    char err[256];
    ck_assert_msg(emu_load(ref, buf, len, err, sizeof err) == 0, "%s", err);
    sg_assert_same(m, ref);
}

/* Step forward, remembering each state, until an interrupt and a page fault
 * were both among the steps; then step back one at a time: each rstepi
 * lands on the state remembered for that step. Then forward again to the
 * present. */
START_TEST(test_rstepi_exact)
{
    struct sg_machine *a = sg_new(cores[_i]), *ref = sg_new(cores[_i]);
    struct dbg *d = rv_new(a);
    struct emu_stats s0, s;
    enum { MAX = 200 };
    uint8_t *state[MAX + 1];
    size_t len[MAX + 1];
    int n = 0;
    ck_assert_int_eq(dbg_continue(d, 1234567), DBG_STOP_BUDGET);
    /* A budget stop may leave the CPU halted, which is no instruction
     * boundary (dbg_stepi() counts HLT, the wait and the interrupt as one
     * step): start from a boundary. */
    ck_assert_int_eq(dbg_stepi(d, 1, BIG), DBG_STOP_STEP);
    emu_get_stats(a->m, &s0);
    do {
        state[n] = mem_snap(a->m, &len[n]);
        ck_assert_int_eq(dbg_stepi(d, 1, BIG), DBG_STOP_STEP);
        n++;
        emu_get_stats(a->m, &s);
    } while (n < MAX && (n < 20 || s.interrupts == s0.interrupts || s.exceptions == s0.exceptions));
    ck_assert_uint_gt(s.interrupts, s0.interrupts);
    ck_assert_uint_gt(s.exceptions, s0.exceptions);
    state[n] = mem_snap(a->m, &len[n]);
    size_t printed = a->console.len;
    for (int k = n - 1; k >= 0; k--) {
        char out[512];
        size_t nlen;
        ck_assert_int_eq(dbg_rstepi(d, 1), DBG_STOP_STEP);
        uint8_t *now = mem_snap(a->m, &nlen);
        int diff = snap_compare(state[k], len[k], now, nlen, true, out, sizeof out);
        ck_assert_msg(diff == 0, "step %d of %d: %d sections differ:\n%s", k, n, diff, out);
        free(now);
        if (k % 8 == 0)
            assert_is(a->m, ref->m, state[k], len[k]); /* and as emu_diff sees it */
    }
    ck_assert_uint_eq(a->console.len, printed); /* nothing printed twice */
    for (int k = 1; k <= n; k++) {
        ck_assert_int_eq(dbg_stepi(d, 1, BIG), DBG_STOP_STEP);
        if (k == n || k % 16 == 0)
            assert_is(a->m, ref->m, state[k], len[k]);
    }
    for (int k = 0; k <= n; k++)
        free(state[k]);
    dbg_destroy(d);
    sg_free(a);
    sg_free(ref);
}
END_TEST

/* rstepi n across many snapshot intervals, then stepi n: the same present. */
START_TEST(test_rstepi_far)
{
    struct sg_machine *a = sg_new(cores[_i]), *ref = sg_new(cores[_i]);
    struct dbg *d = rv_new(a);
    size_t len;
    ck_assert_int_eq(dbg_continue(d, 1500000), DBG_STOP_BUDGET);
    ck_assert_int_eq(dbg_stepi(d, 3, BIG), DBG_STOP_STEP);
    uint8_t *present = mem_snap(a->m, &len);
    uint64_t now = emu_cycles(a->m);
    ck_assert_int_eq(dbg_rstepi(d, 3000), DBG_STOP_STEP);
    ck_assert_uint_lt(emu_cycles(a->m), now - 3 * EVERY); /* several intervals back */
    ck_assert_int_eq(dbg_stepi(d, 3000, BIG), DBG_STOP_STEP);
    assert_is(a->m, ref->m, present, len);
    /* Further back than the history reaches: the oldest state, and it says so. */
    ck_assert_int_eq(dbg_rstepi(d, 1000000), DBG_STOP_HISTORY_START);
    ck_assert_uint_eq(emu_cycles(a->m), 0);
    free(present);
    dbg_destroy(d);
    sg_free(a);
    sg_free(ref);
}
END_TEST

/* rcontinue goes back to the previous breakpoint hit, then the one before,
 * then to the start of the history. */
START_TEST(test_rcontinue_breakpoint)
{
    struct sg_machine *a = sg_new(cores[_i]), *ref = sg_new(cores[_i]);
    struct dbg *d = rv_new(a);
    struct dbg_stop_info si;
    uint8_t *hit[3];
    size_t len[3];
    ck_assert_int_eq(dbg_continue(d, 700000), DBG_STOP_BUDGET);
    int id = dbg_break_linear(d, SG_LOOP_HEAD, false);
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(dbg_continue(d, BIG), DBG_STOP_BREAKPOINT);
        hit[k] = mem_snap(a->m, &len[k]);
    }
    for (int k = 1; k >= 0; k--) {
        ck_assert_int_eq(dbg_rcontinue(d, BIG), DBG_STOP_BREAKPOINT);
        dbg_last_stop(d, &si);
        ck_assert_int_eq(si.id, id);
        assert_is(a->m, ref->m, hit[k], len[k]);
    }
    ck_assert_int_eq(dbg_hits(d, id), 5); /* three forward, two backward */
    /* Forward from there meets the same hits again. */
    ck_assert_int_eq(dbg_continue(d, BIG), DBG_STOP_BREAKPOINT);
    assert_is(a->m, ref->m, hit[1], len[1]);
    ck_assert_int_eq(dbg_rcontinue(d, BIG), DBG_STOP_BREAKPOINT);
    assert_is(a->m, ref->m, hit[0], len[0]);
    /* Before the first hit there are only earlier rounds of the loop. */
    ck_assert_int_eq(dbg_delete(d, id), 0);
    ck_assert_int_eq(dbg_rcontinue(d, BIG), DBG_STOP_HISTORY_START);
    ck_assert_uint_eq(emu_cycles(a->m), 0);
    for (int k = 0; k < 3; k++)
        free(hit[k]);
    dbg_destroy(d);
    sg_free(a);
    sg_free(ref);
}
END_TEST

/* rcontinue to the previous watchpoint hit: after the store to COUNTER. */
START_TEST(test_rcontinue_watchpoint)
{
    struct sg_machine *a = sg_new(cores[_i]);
    struct dbg *d = rv_new(a);
    struct dbg_stop_info si;
    uint32_t counter[3];
    uint64_t cycles[3];
    uint8_t ok[4];
    ck_assert_int_eq(dbg_continue(d, 900000), DBG_STOP_BUDGET);
    int id = dbg_watch_linear(d, SG_COUNTER, 4, DBG_WATCH_WRITE);
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(dbg_continue(d, BIG), DBG_STOP_WATCHPOINT);
        dbg_read_physical(d, SG_COUNTER, (uint8_t *)&counter[k], 4, ok);
        cycles[k] = emu_cycles(a->m);
    }
    ck_assert_uint_eq(counter[1], counter[0] + 1);
    ck_assert_int_eq(dbg_rcontinue(d, BIG), DBG_STOP_WATCHPOINT);
    dbg_last_stop(d, &si);
    ck_assert_int_eq(si.id, id);
    ck_assert_uint_eq(si.addr, SG_COUNTER);
    ck_assert(si.write);
    uint32_t now;
    dbg_read_physical(d, SG_COUNTER, (uint8_t *)&now, 4, ok);
    ck_assert_uint_eq(now, counter[1]);
    ck_assert_uint_eq(emu_cycles(a->m), cycles[1]);
    dbg_destroy(d);
    sg_free(a);
}
END_TEST

/* Serial input is recorded with its cycle and replayed: back to the start
 * and forward again ends as a plain run given the same input did. */
START_TEST(test_input_replayed)
{
    struct sg_machine *a = sg_new(cores[_i]), *plain = sg_new(cores[_i]);
    struct dbg *d = rv_new(a);
    size_t len;
    ck_assert_int_eq(dbg_continue(d, 1000000), DBG_STOP_BUDGET);
    emu_serial_receive(a->m, EMU_COM1, 'a');
    emu_serial_receive(a->m, EMU_COM1, 'b');
    uint64_t t1 = emu_cycles(a->m);
    ck_assert_int_eq(dbg_continue(d, 300000), DBG_STOP_BUDGET);
    emu_serial_receive(a->m, EMU_COM1, 'c');
    uint64_t t2 = emu_cycles(a->m);
    ck_assert_int_eq(dbg_continue(d, 500000), DBG_STOP_BUDGET);
    uint8_t *present = mem_snap(a->m, &len);
    uint64_t now = emu_cycles(a->m);
    size_t printed = a->console.len;
    /* The guest echoes what it gets: 'b' found the receiver full (no FIFO)
     * and was lost, an overrun the replay must repeat too. */
    ck_assert_ptr_nonnull(strchr(a->console.text, 'a'));
    ck_assert_ptr_null(strchr(a->console.text, 'b'));
    ck_assert_ptr_nonnull(strchr(a->console.text, 'c'));
    /* All the way back (no breakpoint), and forward to the same cycle. */
    ck_assert_int_eq(dbg_rcontinue(d, BIG), DBG_STOP_HISTORY_START);
    ck_assert_uint_eq(a->console.len, printed);
    ck_assert_int_eq(dbg_continue(d, now), DBG_STOP_BUDGET);
    ck_assert_uint_eq(emu_cycles(a->m), now);
    assert_is(a->m, plain->m, present, len);
    /* The plain run: the same bytes at the same cycles, no debugger. */
    plain = (emu_destroy(plain->m), free(plain), sg_new(cores[_i]));
    sg_run_to(plain, t1);
    ck_assert_uint_eq(emu_cycles(plain->m), t1);
    emu_serial_receive(plain->m, EMU_COM1, 'a');
    emu_serial_receive(plain->m, EMU_COM1, 'b');
    sg_run_to(plain, t2);
    emu_serial_receive(plain->m, EMU_COM1, 'c');
    ck_assert_int_eq(dbg_continue(d, BIG), DBG_STOP_EXIT);
    ck_assert_int_eq(emu_run(plain->m, BIG), EMU_STOP_EXIT);
    ck_assert_uint_eq(emu_cycles(a->m), emu_cycles(plain->m));
    sg_assert_same(a->m, plain->m);
    ck_assert_str_eq(strrchr(a->console.text, '\n') - 45, strrchr(plain->console.text, '\n') - 45);
    free(present);
    dbg_destroy(d);
    sg_free(a);
    sg_free(plain);
}
END_TEST

/* Memory changed by hand: re-running cannot reach the present, so rstepi
 * refuses, keeps the present, and the history starts again from it. */
START_TEST(test_changed_by_hand)
{
    struct sg_machine *a = sg_new(EMU_CORE_SWITCH), *ref = sg_new(EMU_CORE_SWITCH);
    struct dbg *d = rv_new(a);
    size_t len;
    const uint8_t poke[4] = {1, 2, 3, 4};
    ck_assert_int_eq(dbg_continue(d, 800000), DBG_STOP_BUDGET);
    ck_assert_int_eq(dbg_stepi(d, 1, BIG), DBG_STOP_STEP); /* at a boundary, not halted */
    ck_assert_uint_eq(dbg_write_physical(d, 0x1F0000, poke, 4), 4);
    uint8_t *present = mem_snap(a->m, &len);
    ck_assert_int_eq(dbg_rstepi(d, 1), DBG_STOP_HISTORY_START);
    assert_is(a->m, ref->m, present, len);
    /* The history starts again here. */
    ck_assert_int_eq(dbg_stepi(d, 5, BIG), DBG_STOP_STEP);
    ck_assert_int_eq(dbg_rstepi(d, 5), DBG_STOP_STEP);
    assert_is(a->m, ref->m, present, len);
    free(present);
    dbg_destroy(d);
    sg_free(a);
    sg_free(ref);
}
END_TEST

/* savevm, run on, loadvm: the machine is back; a missing file is one line. */
START_TEST(test_savevm_loadvm)
{
    struct sg_machine *a = sg_new(cores[_i]), *ref = sg_new(cores[_i]);
    struct dbg *d = rv_new(a);
    char path[] = "/tmp/lab86-snap-XXXXXX", err[256];
    size_t len;
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(dbg_continue(d, 1000000), DBG_STOP_BUDGET);
    uint8_t *saved = mem_snap(a->m, &len);
    ck_assert_msg(dbg_savevm(d, path, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(dbg_continue(d, 1000000), DBG_STOP_BUDGET);
    ck_assert_msg(dbg_loadvm(d, path, err, sizeof err) == 0, "%s", err);
    assert_is(a->m, ref->m, saved, len);
    ck_assert_int_eq(dbg_loadvm(d, "/nonexistent/x.snap", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.snap: No such file"));
    ck_assert_int_eq(dbg_savevm(d, "/nonexistent/x.snap", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.snap: cannot write"));
    unlink(path);
    free(saved);
    dbg_destroy(d);
    sg_free(a);
    sg_free(ref);
}
END_TEST

static Suite *reverse_suite(void)
{
    Suite *s = suite_create("reverse");
    TCase *t = tcase_create("reverse");
    tcase_set_timeout(t, 120);
    tcase_add_loop_test(t, test_rstepi_exact, 0, 2);
    tcase_add_loop_test(t, test_rstepi_far, 0, 2);
    tcase_add_loop_test(t, test_rcontinue_breakpoint, 0, 2);
    tcase_add_loop_test(t, test_rcontinue_watchpoint, 0, 2);
    tcase_add_loop_test(t, test_input_replayed, 0, 2);
    tcase_add_test(t, test_changed_by_hand);
    tcase_add_loop_test(t, test_savevm_loadvm, 0, 2);
    suite_add_tcase(s, t);
    return s;
}

int main(int argc, char **argv)
{
    (void)argc;
    sg_read_image(argv[0]);
    SRunner *sr = srunner_create(reverse_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
