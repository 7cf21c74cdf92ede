/*
 * test_string_scan.c - REPE/REPNE SCAS and CMPS a run at a time
 * (ops_string_fast.c) give exactly what element-by-element execution
 * gives: the same element stops the repetition, with the same flags, eSI,
 * eDI, eCX, cycles and handler calls.
 *
 * The equivalence cases use test_string_fast.c's twin machines
 * (string_twin.h): the fast machine as it is, the slow one forced element
 * by element, compared after every handler call. The data are planted so
 * that the comparison ends the repetition where the case wants it: in the
 * middle of a page, on a page's first or last element, in the next page, or
 * not at all (eCX runs out). The "runs" cases call the run functions
 * directly, to see that runs are taken and where they stop.
 */
#include "interp/ops_string_fast.h"
#include "string_twin.h"

/* The handler of a comparison opcode (A6/A7 CMPS, AE/AF SCAS). */
static handler_fn *compare_handler(uint8_t op)
{
    return op == 0xa6 || op == 0xa7 ? op_cmps : op_scas;
}

/* <rep> [66] <op>, twin-run to completion; returns the last call's result. */
static int rep_compare(uint8_t rep, uint8_t op, bool o66)
{
    uint8_t b[3];
    int n = 0;
    if (o66)
        b[n++] = 0x66;
    b[n++] = rep;
    b[n++] = op;
    return twin_run(compare_handler(op), b, n);
}

/* Write the same bytes at linear (= physical) address at on both twins. */
static void plant(uint32_t at, const uint8_t *v, uint32_t n)
{
    for (int s = 0; s < 2; s++)
        memcpy(twin[s].m->bus.ram + at, v, n);
}

/* Fill n bytes at at with byte v on both twins. */
static void plant_fill(uint32_t at, uint8_t v, uint32_t n)
{
    for (int s = 0; s < 2; s++)
        memset(twin[s].m->bus.ram + at, v, n);
}

/* The address of element k (size bytes) from start in the direction of the
 * case. */
static uint32_t element_at(uint32_t start, uint32_t k, uint32_t size, bool down)
{
    return down ? start - k * size : start + k * size;
}

/* Arrange for the repetition to end at element stop (counted from 0; none
 * when stop >= count): for SCAS, eAX's element there (REPNE) or everything
 * before it equal to eAX and it different (REPE); for CMPS, the same with
 * the source element against the destination's. */
static void arrange(uint8_t rep, bool cmps, const struct regs *r, uint32_t size, uint32_t stop)
{
    uint32_t span = r->ecx < 9000 ? r->ecx : 9000;
    for (uint32_t k = 0; k < span; k++) {
        uint32_t d = element_at(r->edi, k, size, r->down);
        uint8_t want[4];
        if (cmps)
            memcpy(want, twin[0].m->bus.ram + element_at(r->esi, k, size, r->down), size);
        else
            st_le(want, r->eax, (int)size);
        bool equal = rep == REP_E ? k != stop : k == stop;
        if (equal)
            plant(d, want, size);
        else if (memcmp(twin[0].m->bus.ram + d, want, size) == 0) {
            want[0] ^= 0x5a; /* make it differ */
            plant(d, want, size);
        }
    }
}

/* --- equivalence --- */

/* SCAS and CMPS, REPE and REPNE, each size, up and down, flat and paged,
 * the stop in mid-page, on the first page's last element, in a later page,
 * and nowhere (eCX runs out). */
START_TEST(t_stops_sizes_directions)
{
    static const uint8_t ops[] = {0xae, 0xaf, 0xa6, 0xa7};
    static const uint8_t reps[] = {REP_E, REP_NE};
    static void (*const modes[])(struct unit_machine *) = {flat32, paged};
    for (unsigned mo = 0; mo < 2; mo++)
        for (unsigned o = 0; o < sizeof ops; o++)
            for (unsigned rp = 0; rp < 2; rp++)
                for (int sz = 0; sz < 2; sz++)
                    for (int down = 0; down < 2; down++)
                        for (int where = 0; where < 5; where++) {
                            bool wide = ops[o] & 1;
                            if (!wide && sz > 0)
                                continue;
                            uint32_t size = !wide ? 1 : sz ? 2 : 4;
                            struct regs r = {down ? 0x50e00 : 0x50200, down ? 0x30c00 : 0x30400,
                                             3000, 0x5a6b7c8du, down};
                            /* eDI is 0xc00 bytes from its page's end (start, going down) */
                            uint32_t to_end = 0xc00 / size;
                            uint32_t stops[] = {17, to_end - 1, to_end, to_end + 40, 5000};
                            twin_new(modes[mo], &r);
                            arrange(reps[rp], ops[o] < 0xa8, &r, size, stops[where]);
                            ck_assert_int_eq(rep_compare(reps[rp], ops[o], sz == 1), 0);
                            uint32_t done = stops[where] < 3000 ? stops[where] + 1 : 3000;
                            ck_assert_uint_eq(fast_cpu()->gpr[R_ECX], 3000 - done);
                            twin_free();
                        }
}
END_TEST

/* Counts 0, 1, around a batch; and a stop exactly at the batch's end. */
START_TEST(t_counts_and_batches)
{
    static const uint32_t counts[] = {0, 1, 2, REP_BATCH - 1, REP_BATCH, REP_BATCH + 1};
    for (unsigned k = 0; k < sizeof counts / sizeof counts[0]; k++)
        for (int op = 0; op < 2; op++) {
            struct regs r = {0x60000, 0x40000, counts[k], 0x33, false};
            twin_new(flat32, &r);
            plant_fill(0x40000, 0x33, 2 * REP_BATCH + 8);
            for (int s = 0; s < 2; s++)
                memcpy(twin[s].m->bus.ram + 0x60000, twin[s].m->bus.ram + 0x40000,
                       2 * REP_BATCH + 8);
            ck_assert_int_eq(rep_compare(REP_E, op ? 0xa6 : 0xae, false), 0);
            ck_assert_uint_eq(fast_cpu()->gpr[R_ECX], 0);
            twin_free();
        }
    struct regs r = {0, 0x40000, 3 * REP_BATCH, 0, false};
    twin_new(flat32, &r);
    arrange(REP_NE, false, &r, 1, REP_BATCH - 1);
    ck_assert_int_eq(rep_compare(REP_NE, 0xae, false), 0);
    ck_assert_uint_eq(fast_cpu()->gpr[R_ECX], 2 * REP_BATCH);
    twin_free();
}
END_TEST

/* With TF set, one element a call. */
START_TEST(t_single_step)
{
    struct regs r = {0x50000, 0x30000, 12, 0x11, false};
    twin_new(flat32, &r);
    arrange(REP_NE, false, &r, 1, 7);
    for (int s = 0; s < 2; s++)
        twin[s].m->cpu.eflags |= FL_TF;
    ck_assert_int_eq(rep_compare(REP_NE, 0xae, false), 0);
    ck_assert_uint_eq(fast_cpu()->gpr[R_ECX], 4);
    twin_free();
}
END_TEST

/* A lone SCAS or CMPS (no prefix), mid-page, across a page end and on the
 * device page, each size, twice in a row. */
START_TEST(t_lone_elements)
{
    static const uint8_t ops[] = {0xa6, 0xa7, 0xae, 0xaf};
    static const uint32_t where[] = {0x10122, 0x10ffe, DEV_BASE + 0x10};
    for (unsigned o = 0; o < sizeof ops; o++)
        for (unsigned w = 0; w < 3; w++)
            for (int v = 0; v < 4; v++) {
                struct regs r = {where[2 - w], where[w], 7, 0x01020304u, v & 1};
                uint8_t b[2] = {0x66, ops[o]};
                twin_new(flat32, &r);
                for (int k = 0; k < 2; k++)
                    ck_assert_int_eq(
                        twin_run(compare_handler(ops[o]), b + !(v & 2), 1 + !!(v & 2)), 0);
                twin_free();
            }
}
END_TEST

/* A page not present before the stop: #PF there, eDI/eCX describing the
 * elements before it; a scan into the device page reads it element by
 * element, the same number of times. */
START_TEST(t_fault_and_device)
{
    for (int down = 0; down < 2; down++) {
        uint32_t hole = down ? 0x2f000 : 0x31000;
        struct regs r = {0x50800, 0x30800, 0x2000, 0x99, down};
        twin_new(paged, &r);
        arrange(REP_E, false, &r, 1, 0x1900);
        for (int s = 0; s < 2; s++)
            map(twin[s].m, hole, hole, false);
        ck_assert_int_eq(rep_compare(REP_E, 0xae, false), CPU_FAULT);
        ck_assert_uint_eq(fast_cpu()->exc.vector, EXC_PF);
        ck_assert_uint_eq(fast_cpu()->gpr[R_ECX], 0x2000 - (down ? 0x801 : 0x800));
        twin_free();
    }
    struct regs dev = {0x50000, DEV_BASE - 0x100, 0x300, 0, false};
    twin_new(flat32, &dev);
    ck_assert_int_eq(rep_compare(REP_NE, 0xaf, false), 0);
    ck_assert_uint_eq(twin[0].dev.reads, twin[1].dev.reads);
    twin_free();
}
END_TEST

/* Real mode: DI wraps from FFFF to 0000 in the middle of a scan. */
static void real_mode_segments(struct unit_machine *m)
{
    cpu_load_real_seg(&m->cpu, SEG_DS, 0x1000);
    cpu_load_real_seg(&m->cpu, SEG_ES, 0x2080);
}

START_TEST(t_index_wrap_real_mode)
{
    for (int op = 0; op < 4; op++) {
        static const uint8_t ops[] = {0xa6, 0xa7, 0xae, 0xaf};
        struct regs up = {0xffe0, 0xfff0, 40, 0x1234abcd, false};
        twin_new(real_mode_segments, &up);
        ck_assert_int_eq(rep_compare(REP_NE, ops[op], ops[op] & 1), 0);
        twin_free();
        struct regs down = {0x0010, 0x0008, 40, 0x1234abcd, true};
        twin_new(real_mode_segments, &down);
        ck_assert_int_eq(rep_compare(REP_E, ops[op], false), 0);
        twin_free();
    }
}
END_TEST

/* --- the run functions themselves --- */

/* REPNE SCASB finds the byte: the run ends on it with ZF set; with no such
 * byte it ends at the page's end with ZF clear; REPE CMPSD and REPE SCASW
 * end at the first difference, REPNE SCASB going down at the byte; the
 * slow twin's breakpoint makes both functions decline. */
START_TEST(t_runs_stop_where_the_comparison_does)
{
    struct side s;
    side_new(&s, false);
    flat32(s.m);
    struct cpu *c = &s.m->cpu;
    struct insn scasb = decoded(c, (const uint8_t[]){0xf2, 0xae}, 2);
    struct insn cmpsd = decoded(c, (const uint8_t[]){0xf3, 0xa7}, 2);
    warm(c, 0x20000, MMU_READ);
    warm(c, 0x10000, MMU_READ);
    memset(s.m->bus.ram + 0x20000, 0x41, 0x1000);
    s.m->bus.ram[0x20123] = 0;
    struct regs r = {0x10000, 0x20100, 0x10000, 0, false};
    set_regs(s.m, &r);
    ck_assert_uint_eq(str_run_scas(c, &scasb, REP_BATCH), 0x24);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x20124);
    ck_assert(c->eflags & FL_ZF);
    ck_assert_uint_eq(c->gpr[R_ECX], 0x10000); /* eCX is the caller's */
    ck_assert_uint_eq(str_run_scas(c, &scasb, REP_BATCH), 0x1000 - 0x124);
    ck_assert(!(c->eflags & FL_ZF));
    memcpy(s.m->bus.ram + 0x10000, s.m->bus.ram + 0x20000, 0x1000);
    s.m->bus.ram[0x10208] ^= 1;
    c->gpr[R_EDI] = 0x20000;
    ck_assert_uint_eq(str_run_cmps(c, &cmpsd, REP_BATCH), 0x208 / 4 + 1);
    ck_assert(!(c->eflags & FL_ZF));
    ck_assert_uint_eq(c->gpr[R_ESI], 0x1020c);
    /* REPE SCASW and REPNE SCASB going down: element by element on the host */
    struct insn scasw = decoded(c, (const uint8_t[]){0x66, 0xf3, 0xaf}, 3);
    c->gpr[R_EAX] = 0x4141;
    c->gpr[R_EDI] = 0x20000;
    s.m->bus.ram[0x20101] = 0x40; /* before the 0 at 0x20123 */
    ck_assert_uint_eq(str_run_scas(c, &scasw, REP_BATCH), 0x100 / 2 + 1);
    ck_assert(!(c->eflags & FL_ZF));
    ck_assert_uint_eq(c->gpr[R_EDI], 0x20102);
    c->gpr[R_EAX] = 0;
    c->gpr[R_EDI] = 0x20ffe;
    c->eflags |= FL_DF;
    ck_assert_uint_eq(str_run_scas(c, &scasb, REP_BATCH), 0xffe - 0x123 + 1);
    ck_assert(c->eflags & FL_ZF);
    ck_assert_uint_eq(c->gpr[R_EDI], 0x20122);
    c->dr[0] = NOWHERE;
    c->dr[7] |= 0x00010001u;
    mmu_watch_changed(c); /* mmu.h */
    ck_assert_uint_eq(str_run_cmps(c, &cmpsd, REP_BATCH), 0);
    ck_assert_uint_eq(str_run_scas(c, &scasb, REP_BATCH), 0);
    um_free(s.m);
}
END_TEST

static Suite *string_scan_suite(void)
{
    Suite *s = suite_create("string_scan");
    TCase *t = tcase_create("equivalence");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, t_stops_sizes_directions);
    tcase_add_test(t, t_counts_and_batches);
    tcase_add_test(t, t_single_step);
    tcase_add_test(t, t_lone_elements);
    tcase_add_test(t, t_fault_and_device);
    tcase_add_test(t, t_index_wrap_real_mode);
    suite_add_tcase(s, t);
    t = tcase_create("runs");
    tcase_add_test(t, t_runs_stop_where_the_comparison_does);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(string_scan_suite());
}
