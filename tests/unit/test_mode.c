/*
 * test_mode.c - mode switches and the CPL across them.
 *
 * The CPL is not a register of its own on the i386: in protected mode it is
 * the RPL of the CS selector, but entering protected mode does not change it
 * (SDM vol. 3, 9.9.1): until the far jump that reloads CS, the CPU runs at
 * CPL 0 whatever the low bits of the real-mode CS value were.
 */
#include "unit_util.h"

/* mov eax, cr0 / or al, 1 / mov cr0, eax  (16-bit code) */
static const uint8_t enter_pm[] = {0x0f, 0x20, 0xc0, 0x0c, 0x01, 0x0f, 0x22, 0xc0};

START_TEST(test_pe_keeps_cpl0_with_odd_cs)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    cpu_load_real_seg(c, SEG_CS, 0x1003); /* low bits 3: not an RPL in real mode */
    c->eip = 0;
    um_load(m, 0x10030, enter_pm, sizeof enter_pm);
    um_step(m, 3);
    ck_assert(c->cr0 & CR0_PE);
    ck_assert_int_eq(c->seg[SEG_CS].sel, 0x1003); /* the visible selector is unchanged */
    ck_assert_int_eq(c->cpl, 0);
    /* A privileged instruction still runs: mov cr0, eax again is legal at CPL 0. */
    ck_assert_int_eq(c->stop, CPU_RUNNING);
    ck_assert_uint_eq(c->eip, sizeof enter_pm);
    um_free(m);
}
END_TEST

START_TEST(test_real_mode_cpl_is_zero)
{
    struct unit_machine *m = um_new(1 << 20);
    cpu_load_real_seg(&m->cpu, SEG_CS, 0xf003);
    ck_assert_int_eq(m->cpu.cpl, 0);
    ck_assert(!m->cpu.code32);
    um_free(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mode");
    TCase *tc = tcase_create("mode");
    tcase_add_test(tc, test_pe_keeps_cpl0_with_odd_cs);
    tcase_add_test(tc, test_real_mode_cpl_is_zero);
    suite_add_tcase(s, tc);
    return um_run_suite(s);
}
