/*
 * test_snapshot_smp.c - snapshots and reverse execution of machines with
 * more than one CPU (--smp N: core/snapshot.c, core/smp.c), on
 * tests/snapshot/smp_guest.asm, whose output records exactly how the CPUs
 * interleaved (racy shared counters, a log, each AP's timer ticks folded
 * with what it saw), under both cores and across them:
 *
 *   - a run cut into many emu_run() slices of odd sizes ends exactly as one
 *     long run (the turn in progress carries over a slice's end);
 *   - save at a cycle inside a turn, load into another machine (the same or
 *     the other core), run to the end: the same output since the save, the
 *     same cycle count, every CPU, APIC and device the same;
 *   - restored in place, the run after the restore gives the very bytes of
 *     the run before it; loaded after the saving machine is gone, it holds
 *     no pointer into it;
 *   - a snapshot of another CPU count, or of another format version, is
 *     refused in one line and changes nothing;
 *   - reverse execution: rstepi lands exactly one BSP instruction back,
 *     APs and the scheduler's turn included, and stepi comes forward to the
 *     same present.
 */
#include "debug/debug.h"
#include "snap_util.h"

#define SMP_SAVE_AT 1234567u /* inside a turn of the BSP's (tests/snapshot/run.sh too) */
#define SMP_SLICE   9973u    /* a prime: slice ends fall everywhere in the turns */

static const enum emu_core cores[] = {EMU_CORE_SWITCH, EMU_CORE_THREADED};

/* The guest is snap_smp_guest.bin beside this binary (snapshot.mk). */
static void smp_read_image(const char *argv0)
{
    char path[4096];
    char *copy = strdup(argv0);
    snprintf(path, sizeof path, "%s/snap_smp_guest.bin", dirname(copy));
    free(copy);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s (built by tests/snapshot/snapshot.mk)\n", path);
        exit(1);
    }
    sg_image = malloc(65536);
    sg_image_len = fread(sg_image, 1, 65536, f);
    fclose(f);
}

/* A pc board with n CPUs running the guest. */
static struct sg_machine *smp_new(enum emu_core core, uint32_t n)
{
    struct emu_config cfg = {.ram_size = SG_RAM, .core = core, .board = EMU_BOARD_PC,
                             .cpus = n};
    return sg_new_cfg(cfg);
}

/* Run s to the guest's exit; the console must hold its report. */
static void run_to_exit(struct sg_machine *s)
{
    ck_assert_int_eq(emu_run(s->m, SG_END), EMU_STOP_EXIT);
    ck_assert_uint_eq(emu_exit_code(s->m), 0x10);
}

/* _i: bit 0 the core, bit 1 two or four CPUs. */
static uint32_t cpus_of(int i)
{
    return i & 2 ? 4 : 2;
}

START_TEST(test_slices_equal_one_run)
{
    uint32_t n = cpus_of(_i);
    struct sg_machine *a = smp_new(cores[_i & 1], n), *b = smp_new(cores[_i & 1], n);
    run_to_exit(a);
    enum emu_stop why;
    int calls = 0;
    while ((why = emu_run(b->m, SMP_SLICE)) == EMU_STOP_BUDGET)
        calls++;
    ck_assert_int_eq(why, EMU_STOP_EXIT);
    ck_assert_int_gt(calls, 100);
    ck_assert_str_eq(a->console.text, b->console.text);
    ck_assert_str_eq(a->serial.text, b->serial.text);
    ck_assert_uint_eq(emu_cycles(a->m), emu_cycles(b->m));
    sg_assert_same(a->m, b->m);
    sg_free(a);
    sg_free(b);
}
END_TEST

/* _i: bit 0 the saving core, bit 1 the loading core, bit 2 four CPUs. */
START_TEST(test_restore_then_run)
{
    uint32_t n = _i & 4 ? 4 : 2;
    struct sg_machine *a = smp_new(cores[_i & 1], n), *b = smp_new(cores[(_i >> 1) & 1], n);
    char err[256];
    size_t len;
    sg_run_to(a, SMP_SAVE_AT);
    uint8_t *snap = sg_save(a->m, &len);
    size_t con0 = a->console.len, ser0 = a->serial.len;
    ck_assert_uint_gt(con0, 0);
    run_to_exit(a);
    ck_assert_msg(emu_load(b->m, snap, len, err, sizeof err) == 0, "%s", err);
    run_to_exit(b);
    ck_assert_str_eq(a->console.text + con0, b->console.text);
    ck_assert_str_eq(a->serial.text + ser0, b->serial.text);
    ck_assert_uint_eq(emu_cycles(a->m), emu_cycles(b->m));
    sg_assert_same(a->m, b->m);
    free(snap);
    sg_free(a);
    sg_free(b);
}
END_TEST

/* A snapshot carries no pointer into the machine it came from, the APs'
 * struct cpu included: the saving machine is freed before the loading one
 * runs (the sanitizer build catches a pointer copied across), which then
 * ends as a third machine that ran uninterrupted. */
START_TEST(test_no_pointer_across)
{
    struct sg_machine *a = smp_new(cores[_i], 4), *b = smp_new(cores[_i], 4);
    struct sg_machine *ref = smp_new(cores[_i], 4);
    char err[256];
    size_t len;
    sg_run_to(a, SMP_SAVE_AT);
    uint8_t *snap = sg_save(a->m, &len);
    size_t con0 = a->console.len;
    sg_free(a);
    ck_assert_msg(emu_load(b->m, snap, len, err, sizeof err) == 0, "%s", err);
    run_to_exit(b);
    run_to_exit(ref);
    ck_assert_str_eq(ref->console.text + con0, b->console.text);
    ck_assert_uint_eq(emu_cycles(ref->m), emu_cycles(b->m));
    free(snap);
    sg_free(b);
    sg_free(ref);
}
END_TEST

START_TEST(test_restore_in_place)
{
    struct sg_machine *a = smp_new(cores[_i], 2);
    size_t len, xlen, ylen;
    char out[1024], err[256];
    sg_run_to(a, SMP_SAVE_AT);
    uint8_t *snap = sg_save(a->m, &len);
    sg_run_to(a, SMP_SAVE_AT + 500000);
    uint8_t *x = sg_save(a->m, &xlen);
    ck_assert_msg(emu_load(a->m, snap, len, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_lt(emu_cycles(a->m), SMP_SAVE_AT + 1000);
    sg_run_to(a, SMP_SAVE_AT + 500000);
    uint8_t *y = sg_save(a->m, &ylen);
    int d = snap_compare(x, xlen, y, ylen, true, out, sizeof out);
    ck_assert_msg(d == 0, "%d sections differ:\n%s", d, out);
    ck_assert(xlen == ylen && memcmp(x, y, xlen) == 0);
    free(snap);
    free(x);
    free(y);
    sg_free(a);
}
END_TEST

/* Load snap into a machine of n CPUs: refused with a line holding want,
 * and the machine goes on exactly as one that was never asked. */
static void refused(const uint8_t *snap, size_t len, uint32_t n, const char *want)
{
    struct sg_machine *a = smp_new(EMU_CORE_SWITCH, n), *b = smp_new(EMU_CORE_SWITCH, n);
    char err[256];
    sg_run_to(a, 300000);
    sg_run_to(b, 300000);
    ck_assert_int_eq(emu_load(a->m, snap, len, err, sizeof err), -1);
    ck_assert_msg(strstr(err, want) != NULL, "'%s' does not say '%s'", err, want);
    ck_assert_ptr_null(strchr(err, '\n'));
    run_to_exit(a);
    run_to_exit(b);
    ck_assert_str_eq(a->console.text, b->console.text);
    ck_assert_uint_eq(emu_cycles(a->m), emu_cycles(b->m));
    sg_free(a);
    sg_free(b);
}

START_TEST(test_refused)
{
    struct sg_machine *a = smp_new(EMU_CORE_THREADED, 2);
    size_t len;
    sg_run_to(a, SMP_SAVE_AT);
    uint8_t *snap = sg_save(a->m, &len);
    refused(snap, len, 4, "a machine with 2 CPUs; this one has 4");
    refused(snap, len, 1, "a machine with 2 CPUs; this one has 1");
    uint32_t old = 1; /* a snapshot of the format before the APs were saved */
    memcpy(snap + SNAP_MAGIC_LEN, &old, sizeof old);
    char want[80];
    snprintf(want, sizeof want, "snapshot format version 1; this lab86 reads version %d",
             SNAP_VERSION);
    refused(snap, len, 2, want);
    free(snap);
    sg_free(a);
}
END_TEST

static uint8_t *mem_snap(struct emu *m, size_t *len)
{
    uint8_t *buf;
    char err[128];
    ck_assert_int_eq(snap_save(m, SNAP_MEMORY, &buf, len, err, sizeof err), 0);
    return buf;
}

/* Is m's state the snapshot buf[0..len), every section and RAM? */
static void assert_at(struct emu *m, const uint8_t *buf, size_t len, const char *where, int k)
{
    char out[512];
    size_t nlen;
    uint8_t *now = mem_snap(m, &nlen);
    int diff = snap_compare(buf, len, now, nlen, true, out, sizeof out);
    ck_assert_msg(diff == 0, "%s %d: %d sections differ:\n%s", where, k, diff, out);
    free(now);
}

/* Step the BSP forward remembering each state, step back one at a time
 * (each rstepi lands on the state remembered, APs and turn included), then
 * a long way back and forward again to the same present. */
START_TEST(test_reverse)
{
    struct sg_machine *a = smp_new(cores[_i], 2);
    struct dbg *d = dbg_create(a->m);
    enum { STEPS = 60, BIG = 50000000 };
    uint8_t *state[STEPS + 1];
    size_t len[STEPS + 1];
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(dbg_history(d, true, 100000, 64), 0);
    ck_assert_int_eq(dbg_continue(d, SMP_SAVE_AT), DBG_STOP_BUDGET);
    ck_assert_int_eq(dbg_stepi(d, 1, BIG), DBG_STOP_STEP);
    for (int k = 0; k < STEPS; k++) {
        state[k] = mem_snap(a->m, &len[k]);
        ck_assert_int_eq(dbg_stepi(d, 1, BIG), DBG_STOP_STEP);
    }
    state[STEPS] = mem_snap(a->m, &len[STEPS]);
    size_t printed = a->console.len;
    for (int k = STEPS - 1; k >= 0; k--) {
        ck_assert_int_eq(dbg_rstepi(d, 1), DBG_STOP_STEP);
        assert_at(a->m, state[k], len[k], "back to step", k);
    }
    ck_assert_uint_eq(a->console.len, printed); /* nothing printed twice */
    ck_assert_int_eq(dbg_stepi(d, STEPS, BIG), DBG_STOP_STEP);
    assert_at(a->m, state[STEPS], len[STEPS], "forward to step", STEPS);
    uint64_t now = emu_cycles(a->m);
    ck_assert_int_eq(dbg_rstepi(d, 200000), DBG_STOP_STEP);
    ck_assert_uint_lt(emu_cycles(a->m), now - 200000); /* snapshot intervals back */
    ck_assert_int_eq(dbg_stepi(d, 200000, BIG), DBG_STOP_STEP);
    assert_at(a->m, state[STEPS], len[STEPS], "forward again to step", STEPS);
    for (int k = 0; k <= STEPS; k++)
        free(state[k]);
    dbg_destroy(d);
    sg_free(a);
}
END_TEST

static Suite *snapshot_smp_suite(void)
{
    Suite *s = suite_create("snapshot_smp");
    TCase *t = tcase_create("snapshot_smp");
    tcase_set_timeout(t, 120);
    tcase_add_loop_test(t, test_slices_equal_one_run, 0, 4);
    tcase_add_loop_test(t, test_restore_then_run, 0, 8);
    tcase_add_loop_test(t, test_no_pointer_across, 0, 2);
    tcase_add_loop_test(t, test_restore_in_place, 0, 2);
    tcase_add_test(t, test_refused);
    tcase_add_loop_test(t, test_reverse, 0, 2);
    suite_add_tcase(s, t);
    return s;
}

int main(int argc, char **argv)
{
    (void)argc;
    smp_read_image(argv[0]);
    SRunner *sr = srunner_create(snapshot_smp_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
