/*
 * test_task.c - hardware task switches (task.c) by JMP, CALL, IRET and
 * task gates, with their checks (SDM vol. 3, 7.3 and table 7-1).
 *
 * The machine runs task A (TSS_A, busy, in TR) at CPL 0; task B's 32-bit
 * TSS and task C's 16-bit TSS are filled here field by field from the
 * layouts of SDM figures 7-2 and 7-11. JMP and CALL are far-transfer
 * instructions owned by ops_far.c, so their task switches are driven by
 * calling task_switch() as those handlers do; IRET and INT are executed.
 */
#include "intr_util.h"

#define TASK_B_EIP    0x30000u
#define TASK_A_NEXT   (CODE_BASE + 7) /* "after the JMP" in task A */
#define LDT_DATA_BASE 0x40000u

/* TSS B: flat ring-0 task at TASK_B_EIP with EAX..EDI = B0000000 + k. */
static void tss_b(struct unit_machine *m, uint16_t cs, uint32_t eflags)
{
    wr32(m, TSS_B + 0x20, TASK_B_EIP);
    wr32(m, TSS_B + 0x24, eflags);
    for (uint32_t k = 0; k < 8; k++)
        wr32(m, TSS_B + 0x28 + 4 * k, k == R_ESP ? STACKB_TOP : 0xb0000000u + k);
    const uint16_t sregs[6] = {SEL_DATA0, cs, SEL_DATA0, SEL_DATA3, SEL_DATA0, 0};
    for (uint32_t k = 0; k < 6; k++)
        wr32(m, TSS_B + 0x48 + 4 * k, sregs[k]);
}

/* Task A's registers: EAX..EDI = A0000000 + k, as the switch must save. */
static struct unit_machine *task_machine(void)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    for (int k = 0; k < 8; k++)
        if (k != R_ESP)
            c->gpr[k] = 0xa0000000u + (uint32_t)k;
    c->eip = TASK_A_NEXT;
    c->eflags = FL_FIXED1 | FL_IF;
    tss_b(m, SEL_CODE0, FL_FIXED1 | FL_CF | FL_ZF);
    return m;
}

static struct desc gdt_desc(struct unit_machine *m, unsigned sel)
{
    return (struct desc){rd32(m, GDT_BASE + (sel & ~7u)), rd32(m, GDT_BASE + (sel & ~7u) + 4)};
}

static int switch_to(struct unit_machine *m, unsigned sel, int reason)
{
    return task_switch(&m->cpu, (uint16_t)sel, gdt_desc(m, sel), reason, false, 0);
}

/* Task A's state as saved in TSS A. */
static void check_saved_a(struct unit_machine *m, uint32_t eip, uint32_t eflags)
{
    ck_assert_uint_eq(rd32(m, TSS_A + 0x20), eip);
    ck_assert_uint_eq(rd32(m, TSS_A + 0x24), eflags);
    for (uint32_t k = 0; k < 8; k++)
        ck_assert_uint_eq(rd32(m, TSS_A + 0x28 + 4 * k), k == R_ESP ? STACK0_TOP : 0xa0000000u + k);
    const uint16_t sregs[6] = {SEL_DATA0, SEL_CODE0, SEL_DATA0, SEL_DATA0, SEL_DATA0, SEL_DATA0};
    for (uint32_t k = 0; k < 6; k++)
        ck_assert_uint_eq(rd16(m, TSS_A + 0x48 + 4 * k), sregs[k]);
}

/* Task B's state as loaded into the CPU (ESP as given: an error code may
 * have been pushed). */
static void check_loaded_b(struct unit_machine *m, uint32_t esp)
{
    struct cpu *c = &m->cpu;
    ck_assert_uint_eq(c->seg[SEG_TR].sel, SEL_TSS_B);
    ck_assert_uint_eq(c->seg[SEG_TR].base, TSS_B);
    ck_assert_uint_eq(c->eip, TASK_B_EIP);
    for (int k = 0; k < 8; k++)
        ck_assert_uint_eq(c->gpr[k], k == R_ESP ? esp : 0xb0000000u + (uint32_t)k);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, SEL_CODE0);
    ck_assert_uint_eq(c->seg[SEG_SS].sel, SEL_DATA0);
    ck_assert_uint_eq(c->seg[SEG_DS].sel, SEL_DATA3);
    ck_assert_uint_eq(c->seg[SEG_DS].attr & 0xff, ACC_DATA3 | 1); /* accessed now */
    ck_assert_uint_eq(c->seg[SEG_GS].sel, 0);
    ck_assert_uint_eq(c->cr0 & CR0_TS, CR0_TS);
    ck_assert_uint_eq(c->cpl, 0);
}

START_TEST(t_jmp)
{
    struct unit_machine *m = task_machine();
    ck_assert_int_eq(switch_to(m, SEL_TSS_B, TASK_JMP), 0);
    check_loaded_b(m, STACKB_TOP);
    ck_assert_uint_eq(m->cpu.eflags, FL_FIXED1 | FL_CF | FL_ZF); /* NT stays clear */
    check_saved_a(m, TASK_A_NEXT, FL_FIXED1 | FL_IF);
    ck_assert_uint_eq(desc_access(m, SEL_TSS_A), ACC_TSS32);     /* available again */
    ck_assert_uint_eq(desc_access(m, SEL_TSS_B), ACC_TSS32 | 2); /* busy */
    ck_assert_uint_eq(m->cpu.seg[SEG_TR].attr & 0xf, 11);
    ck_assert_uint_eq(rd16(m, TSS_B), 0); /* no back link */
    um_free(m);
}
END_TEST

/* CALL nests: NT, back link, the caller stays busy; IRET unnests. */
START_TEST(t_call_then_iret)
{
    static const uint8_t iret[] = {0xcf};
    struct unit_machine *m = task_machine();
    struct cpu *c = &m->cpu;
    um_load(m, TASK_B_EIP, iret, 1);
    ck_assert_int_eq(switch_to(m, SEL_TSS_B, TASK_CALL), 0);
    check_loaded_b(m, STACKB_TOP);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | FL_NT | FL_CF | FL_ZF);
    ck_assert_uint_eq(rd16(m, TSS_B), SEL_TSS_A);
    ck_assert_uint_eq(desc_access(m, SEL_TSS_A), ACC_TSS32 | 2);
    ck_assert_uint_eq(desc_access(m, SEL_TSS_B), ACC_TSS32 | 2);

    c->gpr[R_EBX] = 0x12345678;
    c->cr0 &= ~(uint64_t)CR0_TS;
    um_step(m, 1); /* IRET with NT = 1: back to A */
    ck_assert_uint_eq(c->seg[SEG_TR].sel, SEL_TSS_A);
    ck_assert_uint_eq(c->eip, TASK_A_NEXT);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | FL_IF);
    ck_assert_uint_eq(c->gpr[R_EAX], 0xa0000000u);
    ck_assert_uint_eq(c->gpr[R_ESP], STACK0_TOP);
    ck_assert_uint_eq(c->cr0 & CR0_TS, CR0_TS);
    ck_assert_uint_eq(desc_access(m, SEL_TSS_B), ACC_TSS32);     /* B available */
    ck_assert_uint_eq(desc_access(m, SEL_TSS_A), ACC_TSS32 | 2); /* A still busy */
    ck_assert_uint_eq(rd32(m, TSS_B + 0x20), TASK_B_EIP + 1);
    ck_assert_uint_eq(rd32(m, TSS_B + 0x24), FL_FIXED1 | FL_CF | FL_ZF); /* NT cleared */
    ck_assert_uint_eq(rd32(m, TSS_B + 0x34), 0x12345678);                /* EBX */
    um_free(m);
}
END_TEST

/* An exception through a task gate: the error code goes on the new task's
 * stack, and task A resumes at the faulting instruction. */
START_TEST(t_task_gate_error_code)
{
    struct unit_machine *m = task_machine();
    struct cpu *c = &m->cpu;
    put_gate(m, EXC_GP, SEL_TSS_B, 0, GATE_TASK, 0, true);
    c->eip = CODE_BASE;
    raise_exc(m, EXC_GP, 0x58);
    check_loaded_b(m, STACKB_TOP - 4);
    ck_assert_uint_eq(c->eflags & FL_NT, FL_NT);
    ck_assert_uint_eq(rd16(m, TSS_B), SEL_TSS_A);
    ck_assert_uint_eq(rd32(m, STACKB_TOP - 4), 0x58);
    check_saved_a(m, CODE_BASE, FL_FIXED1 | FL_IF);
    um_free(m);
}
END_TEST

/* INT n to a task gate whose TSS has the T bit: #DB (DR6.BT) before the
 * new task's first instruction, in the new task. */
START_TEST(t_task_gate_trap_bit)
{
    static const uint8_t prog[] = {0xcd, 0x50};
    struct unit_machine *m = task_machine();
    struct cpu *c = &m->cpu;
    put_gate(m, 0x50, SEL_TSS_B, 0, GATE_TASK, 0, true);
    int_gate(m, EXC_DB);
    wr16(m, TSS_B + 0x64, 1);
    code(m, prog, sizeof prog);
    c->eip = CODE_BASE;
    um_step(m, 1);
    ck_assert_uint_eq(c->seg[SEG_TR].sel, SEL_TSS_B);
    ck_assert_uint_eq(c->dr[6] & DR6_BT, DR6_BT);
    ck_assert_uint_eq(c->eip, HANDLER(EXC_DB));
    ck_assert_uint_eq(c->gpr[R_ESP], STACKB_TOP - 12);
    ck_assert_uint_eq(rd32(m, STACKB_TOP - 12), TASK_B_EIP);
    ck_assert_uint_eq(rd32(m, TSS_A + 0x20), CODE_BASE + 2); /* after the INT */
    um_free(m);
}
END_TEST

/* Checks before the commit point: the CPU and both TSSs are unchanged. */
static const struct {
    uint8_t access; /* TSS B's access byte */
    uint32_t limit; /* and limit */
    uint16_t sel;   /* selector switched to (RPL/TI variants) */
    int reason;
    int vec;
    uint32_t err;
} bad_cases[] = {
    {ACC_TSS32 | 2, 0x67, SEL_TSS_B, TASK_JMP, EXC_GP, SEL_TSS_B}, /* busy */
    {ACC_TSS32 | 2, 0x67, SEL_TSS_B, TASK_CALL, EXC_GP, SEL_TSS_B},
    {ACC_TSS32 & 0x7f, 0x67, SEL_TSS_B, TASK_JMP, EXC_NP, SEL_TSS_B},  /* not present */
    {ACC_TSS32, 0x66, SEL_TSS_B, TASK_JMP, EXC_TS, SEL_TSS_B},         /* too short */
    {ACC_TSS32, 0x67, SEL_TSS_B | 4, TASK_JMP, EXC_GP, SEL_TSS_B | 4}, /* TI = 1 */
    {ACC_TSS32, 0x67, SEL_TSS_B, TASK_IRET, EXC_TS, SEL_TSS_B},        /* IRET to idle */
    {ACC_DATA0, 0x67, SEL_TSS_B, TASK_JMP, EXC_GP, SEL_TSS_B},         /* not a TSS */
};

START_TEST(t_bad_new_tss)
{
    struct unit_machine *m = task_machine();
    struct cpu *c = &m->cpu;
    put_desc(m, GDT_BASE, SEL_TSS_B, TSS_B, bad_cases[_i].limit, bad_cases[_i].access, 0);
    struct desc d = gdt_desc(m, SEL_TSS_B);
    ck_assert_int_eq(task_switch(c, bad_cases[_i].sel, d, bad_cases[_i].reason, false, 0),
                     CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, bad_cases[_i].vec);
    ck_assert_uint_eq(c->exc.error, bad_cases[_i].err);
    ck_assert_uint_eq(c->seg[SEG_TR].sel, SEL_TSS_A);
    ck_assert_uint_eq(c->eip, TASK_A_NEXT);
    ck_assert_uint_eq(c->cr0 & CR0_TS, 0);
    ck_assert_uint_eq(rd32(m, TSS_A + 0x20), 0); /* nothing saved */
    ck_assert_uint_eq(desc_access(m, SEL_TSS_A), ACC_TSS32 | 2);
    um_free(m);
}
END_TEST

/* IRET with NT and a back link that names no busy TSS: #TS(link). */
START_TEST(t_iret_bad_back_link)
{
    static const uint8_t iret[] = {0xcf};
    static const uint16_t links[] = {SEL_TSS_B, 0, SEL_TSS_B | 4};
    for (unsigned k = 0; k < 3; k++) {
        struct unit_machine *m = task_machine();
        int_gate(m, EXC_TS);
        code(m, iret, 1);
        m->cpu.eip = CODE_BASE;
        m->cpu.eflags |= FL_NT;
        wr16(m, TSS_A, links[k]);
        um_step(m, 1);
        ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_TS));
        ck_assert_uint_eq(rd32(m, (uint32_t)m->cpu.gpr[R_ESP]), links[k] & ~3u);
        ck_assert_uint_eq(m->cpu.seg[SEG_TR].sel, SEL_TSS_A);
        um_free(m);
    }
}
END_TEST

/* After the commit point a bad CS is #TS(CS) in the new task: TR, EIP and
 * the stack are B's when the handler runs. */
START_TEST(t_fault_after_commit)
{
    static const uint8_t prog[] = {0xcd, 0x50};
    struct unit_machine *m = task_machine();
    struct cpu *c = &m->cpu;
    tss_b(m, SEL_DATA0, FL_FIXED1);
    ck_assert_int_eq(switch_to(m, SEL_TSS_B, TASK_JMP), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_TS);
    ck_assert_uint_eq(c->exc.error, SEL_DATA0);
    ck_assert_uint_eq(c->seg[SEG_TR].sel, SEL_TSS_B);
    ck_assert_uint_eq(c->eip, TASK_B_EIP);
    ck_assert_uint_eq(c->prev_eip, TASK_B_EIP);
    um_free(m);

    m = task_machine();
    c = &m->cpu;
    tss_b(m, SEL_DATA0, FL_FIXED1);
    put_gate(m, 0x50, SEL_TSS_B, 0, GATE_TASK, 0, true);
    int_gate(m, EXC_TS);
    code(m, prog, sizeof prog);
    c->eip = CODE_BASE;
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, HANDLER(EXC_TS));
    ck_assert_uint_eq(c->seg[SEG_TR].sel, SEL_TSS_B);
    ck_assert_uint_eq(c->gpr[R_ESP], STACKB_TOP - 16);
    ck_assert_uint_eq(rd32(m, STACKB_TOP - 16), SEL_DATA0);
    ck_assert_uint_eq(rd32(m, STACKB_TOP - 12), TASK_B_EIP);
    um_free(m);
}
END_TEST

/* A 16-bit TSS: word registers (high halves kept), no FS/GS, FLAGS only. */
START_TEST(t_tss16)
{
    struct unit_machine *m = task_machine();
    struct cpu *c = &m->cpu;
    wr16(m, TSS_C + 0x0e, 0x1234);
    wr16(m, TSS_C + 0x10, FL_FIXED1 | FL_ZF | FL_PF);
    for (uint32_t k = 0; k < 8; k++)
        wr16(m, TSS_C + 0x12 + 2 * k, 0xc000 + k);
    const uint16_t sregs[4] = {SEL_DATA0, SEL_CODE16, SEL_DATA0, SEL_DATA3};
    for (uint32_t k = 0; k < 4; k++)
        wr16(m, TSS_C + 0x22 + 2 * k, sregs[k]);
    c->eflags |= FL_AC;
    ck_assert_int_eq(switch_to(m, SEL_TSS_C, TASK_JMP), 0);
    ck_assert_uint_eq(c->eip, 0x1234);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | FL_ZF | FL_PF);
    for (int k = 0; k < 8; k++) {
        uint32_t high = k == R_ESP ? STACK0_TOP & 0xffff0000u : 0xa0000000u;
        ck_assert_uint_eq(c->gpr[k], high | (0xc000u + (uint32_t)k));
    }
    ck_assert_uint_eq(c->seg[SEG_CS].sel, SEL_CODE16);
    ck_assert(!c->code32);
    ck_assert_uint_eq(c->seg[SEG_DS].sel, SEL_DATA3);
    ck_assert_uint_eq(c->seg[SEG_FS].sel, 0);
    ck_assert_uint_eq(c->seg[SEG_GS].sel, 0);
    ck_assert_uint_eq(c->seg[SEG_TR].attr & 0xf, 3); /* busy 16-bit TSS */
    ck_assert_uint_eq(desc_access(m, SEL_TSS_C), ACC_TSS16 | 2);
    check_saved_a(m, TASK_A_NEXT, FL_FIXED1 | FL_IF | FL_AC);
    um_free(m);
}
END_TEST

/* The new task's LDT is loaded before its segment registers, which may
 * name LDT descriptors; a bad LDT selector is #TS(LDT). */
START_TEST(t_ldt)
{
    struct unit_machine *m = task_machine();
    struct cpu *c = &m->cpu;
    put_desc(m, LDT_BASE, SEL_LDT_DATA, LDT_DATA_BASE, 0xffff, ACC_DATA0, 0x4);
    wr16(m, TSS_B + 0x60, SEL_LDT);
    wr16(m, TSS_B + 0x54, SEL_LDT_DATA);
    ck_assert_int_eq(switch_to(m, SEL_TSS_B, TASK_JMP), 0);
    ck_assert_uint_eq(c->seg[SEG_LDTR].sel, SEL_LDT);
    ck_assert_uint_eq(c->seg[SEG_LDTR].base, LDT_BASE);
    ck_assert_uint_eq(c->seg[SEG_DS].sel, SEL_LDT_DATA);
    ck_assert_uint_eq(c->seg[SEG_DS].base, LDT_DATA_BASE);
    um_free(m);

    m = task_machine();
    wr16(m, TSS_B + 0x60, SEL_DATA0);
    ck_assert_int_eq(switch_to(m, SEL_TSS_B, TASK_JMP), CPU_FAULT);
    ck_assert_int_eq(m->cpu.exc.vector, EXC_TS);
    ck_assert_uint_eq(m->cpu.exc.error, SEL_DATA0);
    um_free(m);
}
END_TEST

/* A TSS whose EFLAGS has VM: the task starts in v86 mode. */
START_TEST(t_v86_task)
{
    struct unit_machine *m = task_machine();
    struct cpu *c = &m->cpu;
    wr32(m, TSS_B + 0x24, FL_FIXED1 | FL_VM | FL_IF);
    const uint16_t sregs[6] = {0x2222, 0x1000, 0x0700, 0x1111, 0x3333, 0x4444};
    for (uint32_t k = 0; k < 6; k++)
        wr32(m, TSS_B + 0x48 + 4 * k, sregs[k]);
    wr32(m, TSS_B + 0x20, 0x0100);
    ck_assert_int_eq(switch_to(m, SEL_TSS_B, TASK_JMP), 0);
    ck_assert(cpu_v86(c));
    ck_assert_uint_eq(c->cpl, 3);
    for (int k = 0; k < 6; k++) {
        ck_assert_uint_eq(c->seg[k].sel, sregs[k]);
        ck_assert_uint_eq(c->seg[k].base, (uint32_t)sregs[k] << 4);
    }
    ck_assert_uint_eq(c->eip, 0x0100);
    um_free(m);
}
END_TEST

/* With paging on, a 32-bit TSS brings its own CR3; without, CR3 stays. The
 * two page directories map the first 4 MiB 1:1 with one 4 MiB page. */
START_TEST(t_cr3)
{
    for (int paging = 0; paging < 2; paging++) {
        struct unit_machine *m = task_machine();
        struct cpu *c = &m->cpu;
        wr32(m, 0x50000, 0x87); /* P, R/W, U/S, PS: 0-4 MiB */
        wr32(m, 0x51000, 0x87);
        c->cr3 = 0x50000;
        if (paging) {
            c->cr4 |= CR4_PSE;
            c->cr0 |= CR0_PG;
        }
        wr32(m, TSS_B + 0x1c, 0x51000);
        ck_assert_int_eq(switch_to(m, SEL_TSS_B, TASK_JMP), 0);
        ck_assert_uint_eq(c->cr3, paging ? 0x51000 : 0x50000);
        ck_assert_uint_eq(rd32(m, TSS_A + 0x1c), 0); /* CR3 is not saved */
        um_free(m);
    }
}
END_TEST

static Suite *task_suite(void)
{
    Suite *s = suite_create("task");
    TCase *tc = tcase_create("switch");
    tcase_add_test(tc, t_jmp);
    tcase_add_test(tc, t_call_then_iret);
    tcase_add_test(tc, t_task_gate_error_code);
    tcase_add_test(tc, t_task_gate_trap_bit);
    tcase_add_test(tc, t_tss16);
    tcase_add_test(tc, t_ldt);
    tcase_add_test(tc, t_v86_task);
    tcase_add_test(tc, t_cr3);
    suite_add_tcase(s, tc);

    tc = tcase_create("checks");
    tcase_add_loop_test(tc, t_bad_new_tss, 0, sizeof bad_cases / sizeof bad_cases[0]);
    tcase_add_test(tc, t_iret_bad_back_link);
    tcase_add_test(tc, t_fault_after_commit);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(task_suite());
}
