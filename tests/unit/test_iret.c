/*
 * test_iret.c - IRET in every mode, and the other instructions of
 * ops_int.c: INT3, INTO and BOUND.
 *
 * Frames are laid on the stack word by word as SDM vol. 3 figures 6-4 and
 * 20-5 draw them; the expected flags follow the IRET pseudo-code of vol. 2
 * (which bits each CPL and IOPL may change) worked out by hand.
 */
#include "intr_util.h"

START_TEST(t_real_iret16)
{
    static const uint8_t prog[] = {0xcf}; /* iret */
    struct unit_machine *m = real_machine(prog, sizeof prog);
    struct cpu *c = &m->cpu;
    c->gpr[R_ESP] = 0x1000;
    wr16(m, 0x1000, 0x4000);
    wr16(m, 0x1002, 0x2000);
    wr16(m, 0x1004, 0x7ed7); /* every flag of the low word, IOPL 3 and NT too */
    um_step(m, 1);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, 0x2000);
    ck_assert_uint_eq(c->seg[SEG_CS].base, 0x20000);
    ck_assert_uint_eq(c->eip, 0x4000);
    ck_assert_uint_eq(esp(m), 0x1006);
    ck_assert_uint_eq(c->eflags, 0x7ed7);
    um_free(m);
}
END_TEST

START_TEST(t_real_iret32)
{
    static const uint8_t prog[] = {0x66, 0xcf}; /* iretd */
    struct unit_machine *m = real_machine(prog, sizeof prog);
    struct cpu *c = &m->cpu;
    c->gpr[R_ESP] = 0x1000;
    wr32(m, 0x1000, 0x4000);
    wr32(m, 0x1004, 0xffff2000); /* high word of the CS slot is ignored */
    wr32(m, 0x1008, FL_VM | FL_VIF | FL_VIP | FL_RF | FL_AC | FL_ID | 0x0ed7 | 0x8);
    um_step(m, 1);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, 0x2000);
    ck_assert_uint_eq(c->eip, 0x4000);
    ck_assert_uint_eq(esp(m), 0x100c);
    /* VM, VIF and VIP keep their value (0); bit 3 is reserved. */
    ck_assert_uint_eq(c->eflags, FL_RF | FL_AC | FL_ID | 0x0ed7);
    um_free(m);
}
END_TEST

START_TEST(t_iret_same_level)
{
    static const uint8_t prog[] = {0xcf};
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    const uint32_t frame[] = {CODE_BASE + 0x40, SEL_CODE0, FL_FIXED1 | FL_IOPL | FL_IF | FL_CF};
    code(m, prog, 1);
    put_stack(m, frame, 3);
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, CODE_BASE + 0x40);
    ck_assert_uint_eq(esp(m), STACK0_TOP);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | FL_IOPL | FL_IF | FL_CF);
    um_free(m);
}
END_TEST

/* At CPL 3 with IOPL 0 IRET changes neither IF nor IOPL, and a VM bit in
 * the image means nothing. */
START_TEST(t_iret_flag_rules)
{
    static const uint8_t prog[] = {0xcf};
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    const uint32_t frame[] = {CODE_BASE + 0x40, SEL_CODE3, FL_FIXED1 | FL_IOPL | FL_VM | FL_CF};
    code(m, prog, 1);
    c->eflags = FL_FIXED1 | FL_IF;
    put_stack(m, frame, 3);
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, CODE_BASE + 0x40);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | FL_IF | FL_CF);
    ck_assert_uint_eq(c->cpl, 3);
    um_free(m);
}
END_TEST

/* Ring 0 to ring 3: SS:ESP popped, DPL-0 data registers nulled. */
START_TEST(t_iret_outer)
{
    static const uint8_t prog[] = {0xcf};
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    const uint32_t frame[] = {CODE_BASE + 0x80, SEL_CODE3, FL_FIXED1 | FL_IF, 0x7800, SEL_DATA3};
    code(m, prog, 1);
    cache_seg(m, SEG_FS, SEL_DATA3);
    put_stack(m, frame, 5);
    um_step(m, 1);
    ck_assert_uint_eq(c->cpl, 3);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, SEL_CODE3);
    ck_assert_uint_eq(c->seg[SEG_SS].sel, SEL_DATA3);
    ck_assert_uint_eq(esp(m), 0x7800);
    ck_assert_uint_eq(c->eip, CODE_BASE + 0x80);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | FL_IF);
    ck_assert_uint_eq(c->seg[SEG_DS].sel, 0);
    ck_assert_uint_eq(c->seg[SEG_DS].attr, 0);
    ck_assert_uint_eq(c->seg[SEG_ES].sel, 0);
    ck_assert_uint_eq(c->seg[SEG_GS].sel, 0);
    ck_assert_uint_eq(c->seg[SEG_FS].sel, SEL_DATA3);
    um_free(m);
}
END_TEST

/* A return SS of the wrong privilege: #GP(SS) at the IRET, nothing popped. */
START_TEST(t_iret_outer_bad_ss)
{
    static const uint8_t prog[] = {0xcf};
    struct unit_machine *m = pm_machine(0);
    const uint32_t frame[] = {CODE_BASE + 0x80, SEL_CODE3, FL_FIXED1, 0x7800, SEL_DATA0 | 3};
    code(m, prog, 1);
    int_gate(m, EXC_GP);
    put_stack(m, frame, 5);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_GP));
    ck_assert_uint_eq(esp(m), STACK0_TOP - 20 - 16);
    ck_assert_uint_eq(stk(m, 0), SEL_DATA0);
    ck_assert_uint_eq(stk(m, 1), CODE_BASE);
    um_free(m);
}
END_TEST

START_TEST(t_iret_to_v86)
{
    static const uint8_t prog[] = {0xcf};
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    const uint32_t v86_flags = FL_FIXED1 | FL_VM | FL_IF | FL_IOPL;
    const uint32_t frame[] = {0x0100, 0x2000, v86_flags, 0xfff0, 0x3000,
                              0x4000, 0x5000, 0x6000,    0x7000};
    code(m, prog, 1);
    put_stack(m, frame, 9);
    um_step(m, 1);
    ck_assert_uint_eq(c->eflags, v86_flags);
    ck_assert_uint_eq(c->cpl, 3);
    ck_assert(!c->code32 && !c->stack32);
    ck_assert_uint_eq(c->eip, 0x0100);
    ck_assert_uint_eq(esp(m), 0xfff0);
    static const int sregs[] = {SEG_CS, SEG_SS, SEG_ES, SEG_DS, SEG_FS, SEG_GS};
    static const uint16_t sels[] = {0x2000, 0x3000, 0x4000, 0x5000, 0x6000, 0x7000};
    for (int k = 0; k < 6; k++) {
        ck_assert_uint_eq(c->seg[sregs[k]].sel, sels[k]);
        ck_assert_uint_eq(c->seg[sregs[k]].base, (uint32_t)sels[k] << 4);
        ck_assert_uint_eq(c->seg[sregs[k]].limit, 0xffff);
    }
    um_free(m);
}
END_TEST

/* IOPL 3: INT 21h goes through its DPL-3 gate to ring 0, and IRET comes
 * back to v86 mode with every segment register restored. */
START_TEST(t_v86_int_iopl3_and_back)
{
    static const uint8_t prog[] = {0xcd, 0x21}, iret[] = {0xcf};
    struct unit_machine *m = v86_machine(3, prog, sizeof prog);
    struct cpu *c = &m->cpu;
    uint32_t flags = FL_FIXED1 | FL_VM | FL_IF | FL_IOPL;
    put_gate(m, 0x21, SEL_CODE0, HANDLER(0x21), GATE_INT32, 3, true);
    um_load(m, HANDLER(0x21), iret, 1);
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, HANDLER(0x21));
    ck_assert_uint_eq(esp(m), STACK0_TOP - 36);
    const uint32_t want[] = {0x0002, 0x1000, flags, 0x0ff0, 0x0700, 0x2222, 0x1111, 0x3333, 0x4444};
    for (int k = 0; k < 9; k++)
        ck_assert_uint_eq(stk(m, k), want[k]);
    um_step(m, 1);
    ck_assert_uint_eq(c->eflags, flags);
    ck_assert_uint_eq(c->eip, 2);
    ck_assert_uint_eq(c->cpl, 3);
    ck_assert_uint_eq(esp(m), 0x0ff0);
    ck_assert_uint_eq(c->seg[SEG_CS].base, 0x10000);
    ck_assert_uint_eq(c->seg[SEG_DS].base, 0x11110);
    ck_assert_uint_eq(c->seg[SEG_GS].sel, 0x4444);
    um_free(m);
}
END_TEST

START_TEST(t_v86_iret_iopl0)
{
    static const uint8_t prog[] = {0xcf};
    struct unit_machine *m = v86_machine(0, prog, sizeof prog);
    int_gate(m, EXC_GP);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_GP));
    ck_assert_uint_eq(stk(m, 0), 0);
    ck_assert_uint_eq(stk(m, 1), 0); /* the IRET's own IP */
    um_free(m);
}
END_TEST

START_TEST(t_int3_into)
{
    static const uint8_t int3[] = {0xcc}, into[] = {0xce};
    struct unit_machine *m = real_machine(int3, 1);
    ivt(m, EXC_BP, 0, 0x0600);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x0600);
    ck_assert_uint_eq(rd16(m, esp(m)), 0x0101);
    um_free(m);

    m = real_machine(into, 1);
    ivt(m, EXC_OF, 0, 0x0700);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x0101); /* OF clear: nothing */
    ck_assert_uint_eq(esp(m), 0x2000);
    m->cpu.eip = 0x100;
    m->cpu.eflags |= FL_OF;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x0700);
    ck_assert_uint_eq(rd16(m, esp(m)), 0x0101);
    um_free(m);
}
END_TEST

static const struct {
    bool o32;
    uint32_t lower, upper, value;
    bool br;
} bound_cases[] = {
    {false, 0xfffb, 10, 3, false},
    {false, 0xfffb, 10, 10, false},
    {false, 0xfffb, 10, 11, true},
    {false, 0xfffb, 10, 0xfffb, false},
    {false, 0xfffb, 10, 0xfffa, true},
    {false, 0x0010, 0x20, 0x8000, true},
    {true, 0xfffffffbu, 0x7fffffff, 0x7fffffff, false},
    {true, 0xfffffffbu, 0x7fffffff, 0x80000000u, true},
    {true, 0, 0x10000, 0xffff, false},
};

START_TEST(t_bound)
{
    /* bound ax, [0500h] / bound eax, [0500h] */
    static const uint8_t b16[] = {0x62, 0x06, 0x00, 0x05}, b32[] = {0x66, 0x62, 0x06, 0x00, 0x05};
    bool o32 = bound_cases[_i].o32;
    struct unit_machine *m = o32 ? real_machine(b32, sizeof b32) : real_machine(b16, sizeof b16);
    int size = o32 ? 4 : 2;
    st_le(m->bus.ram + 0x500, bound_cases[_i].lower, size);
    st_le(m->bus.ram + 0x500 + (uint32_t)size, bound_cases[_i].upper, size);
    m->cpu.gpr[R_EAX] = bound_cases[_i].value;
    ivt(m, EXC_BR, 0, 0x0800);
    um_step(m, 1);
    if (bound_cases[_i].br) {
        ck_assert_uint_eq(m->cpu.eip, 0x0800);
        ck_assert_uint_eq(rd16(m, esp(m)), 0x0100); /* a fault: the BOUND itself */
    } else {
        ck_assert_uint_eq(m->cpu.eip, 0x100 + (o32 ? 5u : 4u));
    }
    um_free(m);
}
END_TEST

static Suite *iret_suite(void)
{
    Suite *s = suite_create("iret");
    TCase *tc = tcase_create("real");
    tcase_add_test(tc, t_real_iret16);
    tcase_add_test(tc, t_real_iret32);
    tcase_add_test(tc, t_int3_into);
    tcase_add_loop_test(tc, t_bound, 0, sizeof bound_cases / sizeof bound_cases[0]);
    suite_add_tcase(s, tc);

    tc = tcase_create("protected");
    tcase_add_test(tc, t_iret_same_level);
    tcase_add_test(tc, t_iret_flag_rules);
    tcase_add_test(tc, t_iret_outer);
    tcase_add_test(tc, t_iret_outer_bad_ss);
    tcase_add_test(tc, t_iret_to_v86);
    suite_add_tcase(s, tc);

    tc = tcase_create("v86");
    tcase_add_test(tc, t_v86_int_iopl3_and_back);
    tcase_add_test(tc, t_v86_iret_iopl0);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(iret_suite());
}
