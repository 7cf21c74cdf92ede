/*
 * test_debugreg.c - the debug registers and the #DB exception
 * (debugreg.c, the #DB paths of exec_switch.c): instruction breakpoints
 * as faults and RF, data-breakpoint matching by R/W and LEN, and the
 * single-step trap (SDM vol. 3, 17.2-17.3).
 */
#include "intr_util.h"

#include "mmu/mmu.h"

/* An instruction breakpoint is a fault with RF clear in the image; IRET
 * with RF set then runs the instruction. */
START_TEST(t_exec_breakpoint)
{
    static const uint8_t int3[] = {0xcc}, iret[] = {0xcf};
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    int_gate(m, EXC_DB);
    int_gate(m, EXC_BP);
    code(m, int3, 1);
    um_load(m, HANDLER(EXC_DB), iret, 1);
    c->dr[0] = CODE_BASE;
    c->dr[7] = 0x400 | 0x1; /* L0, execute */
    mmu_watch_changed(c); /* mmu.h */
    c->eflags = FL_FIXED1 | FL_IF;
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, HANDLER(EXC_DB));
    ck_assert_uint_eq(c->dr[6] & 0xf, 1);
    ck_assert_uint_eq(stk(m, 0), CODE_BASE);
    ck_assert_uint_eq(stk(m, 2), FL_FIXED1 | FL_IF);
    wr32(m, esp(m) + 8, FL_FIXED1 | FL_IF | FL_RF);
    um_step(m, 1); /* IRET */
    ck_assert_uint_eq(c->eip, CODE_BASE);
    ck_assert_uint_eq(c->eflags & FL_RF, FL_RF);
    um_step(m, 1); /* INT3 runs this time */
    ck_assert_uint_eq(c->eip, HANDLER(EXC_BP));
    ck_assert_uint_eq(stk(m, 0), CODE_BASE + 1);
    ck_assert_uint_eq(c->eflags & FL_RF, 0);
    um_free(m);
}
END_TEST

/* Not enabled (L0 = G0 = 0), or a data breakpoint on the same address:
 * no #DB before the instruction. */
START_TEST(t_exec_breakpoint_disabled)
{
    static const uint8_t int3[] = {0xcc};
    struct unit_machine *m = pm_machine(0);
    int_gate(m, EXC_DB);
    int_gate(m, EXC_BP);
    code(m, int3, 1);
    m->cpu.dr[0] = CODE_BASE;
    m->cpu.dr[1] = CODE_BASE;
    m->cpu.dr[7] = 0x400 | (0x4 | (0x3u << 20)); /* L1: read/write */
    mmu_watch_changed(&m->cpu); /* mmu.h */
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_BP));
    um_free(m);
}
END_TEST

START_TEST(t_data_breakpoint_match)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    c->dr[1] = 0x5002;                                /* aligned down to 5000 */
    c->dr[7] = 0x400 | 0x4 | (1u << 20) | (3u << 22); /* L1, write, 4 bytes */
    mmu_watch_changed(c); /* mmu.h */
    dr_check_data(c, 0x5003, 1, false);
    ck_assert_uint_eq(c->dr6_pending, 0); /* a read */
    dr_check_data(c, 0x5004, 4, true);
    ck_assert_uint_eq(c->dr6_pending, 0); /* after the range */
    dr_check_data(c, 0x4ffe, 4, true);
    ck_assert_uint_eq(c->dr6_pending, DR6_B0 << 1);
    c->dr6_pending = 0;
    c->dr[7] = 0x400 | 0x8 | (3u << 20); /* G1, read/write, 1 byte */
    mmu_watch_changed(c); /* mmu.h */
    dr_check_data(c, 0x5002, 2, false);
    ck_assert_uint_eq(c->dr6_pending, DR6_B0 << 1);
    c->dr6_pending = 0;
    dr_check_data(c, 0x5000, 2, false);
    ck_assert_uint_eq(c->dr6_pending, 0);
    c->dr[7] = 0x400 | 0x8 | (2u << 20); /* I/O: not emulated */
    mmu_watch_changed(c); /* mmu.h */
    dr_check_data(c, 0x5002, 1, true);
    ck_assert_uint_eq(c->dr6_pending, 0);
    um_free(m);
}
END_TEST

/* TF: #DB after the instruction, pointing past it, with DR6.BS. */
START_TEST(t_single_step)
{
    static const uint8_t into[] = {0xce}; /* OF clear: does nothing */
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    int_gate(m, EXC_DB);
    code(m, into, 1);
    c->eflags = FL_FIXED1 | FL_TF;
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, HANDLER(EXC_DB));
    ck_assert_uint_eq(c->dr[6] & DR6_BS, DR6_BS);
    ck_assert_uint_eq(stk(m, 0), CODE_BASE + 1);
    ck_assert_uint_eq(stk(m, 2), FL_FIXED1 | FL_TF);
    ck_assert_uint_eq(c->eflags & FL_TF, 0);
    um_free(m);
}
END_TEST

static Suite *debugreg_suite(void)
{
    Suite *s = suite_create("debugreg");
    TCase *tc = tcase_create("db");
    tcase_add_test(tc, t_exec_breakpoint);
    tcase_add_test(tc, t_exec_breakpoint_disabled);
    tcase_add_test(tc, t_data_breakpoint_match);
    tcase_add_test(tc, t_single_step);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(debugreg_suite());
}
