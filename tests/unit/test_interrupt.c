/*
 * test_interrupt.c - interrupt and exception delivery (interrupt.c): the
 * IVT, IDT gates, stack switches, error codes and double faults. IRET and
 * the INT instructions are in test_iret.c, debug traps in test_debugreg.c.
 *
 * Each test builds its IVT or IDT (and GDT and TSS, intr_util.h) in RAM,
 * runs real instruction bytes or raises an exception the way an instruction
 * handler would, and checks the stack frame word by word against values
 * worked out from the SDM: vol. 2 INT n / IRET / BOUND pseudo-code, vol. 3
 * figures 6-4 and 20-5 (frames), table 6-5 (double faults) and 6.13
 * (error codes).
 */
#include "intr_util.h"

/* --- real mode --- */

START_TEST(t_real_int)
{
    static const uint8_t prog[] = {0xcd, 0x21}; /* int 21h */
    struct unit_machine *m = real_machine(prog, sizeof prog);
    struct cpu *c = &m->cpu;
    ivt(m, 0x21, 0x1234, 0x5678);
    c->eflags = FL_FIXED1 | FL_IF | FL_TF | FL_AC | FL_CF;
    um_step(m, 1);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, 0x1234);
    ck_assert_uint_eq(c->seg[SEG_CS].base, 0x12340);
    ck_assert_uint_eq(c->eip, 0x5678);
    ck_assert_uint_eq(esp(m), 0x1ffa);
    ck_assert_uint_eq(rd16(m, 0x1ffa), 0x0102);      /* IP after INT */
    ck_assert_uint_eq(rd16(m, 0x1ffc), 0x0000);      /* CS */
    ck_assert_uint_eq(rd16(m, 0x1ffe), 0x0303);      /* FLAGS: TF IF, bit 1, CF */
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | FL_CF); /* IF TF AC cleared */
    ck_assert_uint_eq(c->dr[6] & DR6_BS, 0);         /* INT ends the single step */
    um_free(m);
}
END_TEST

/* IVT limit: vector 21h lies beyond it, vector 0Dh inside: #GP, pointing
 * at the INT instruction. */
START_TEST(t_real_ivt_limit)
{
    static const uint8_t prog[] = {0xcd, 0x21};
    struct unit_machine *m = real_machine(prog, sizeof prog);
    struct cpu *c = &m->cpu;
    c->idtr.limit = 13 * 4 + 3;
    ivt(m, EXC_GP, 0, 0x0500);
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, 0x0500);
    ck_assert_uint_eq(esp(m), 0x1ffa);
    ck_assert_uint_eq(rd16(m, 0x1ffa), 0x0100);
    ck_assert_int_eq(c->stop, CPU_RUNNING);
    um_free(m);
}
END_TEST

/* An IVT too short even for #GP and #DF: a triple fault. */
START_TEST(t_real_triple_fault)
{
    static const uint8_t prog[] = {0xcd, 0x21};
    struct unit_machine *m = real_machine(prog, sizeof prog);
    m->cpu.idtr.limit = 3;
    um_step(m, 1);
    ck_assert_int_eq(m->cpu.stop, CPU_SHUTDOWN);
    ck_assert_uint_eq(m->cpu.eip, 0x100);
    ck_assert_uint_eq(esp(m), 0x2000);
    um_free(m);
}
END_TEST

/* --- protected mode: gates --- */

START_TEST(t_pm_int_gate)
{
    static const uint8_t prog[] = {0xcd, 0x40};
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    int_gate(m, 0x40);
    code(m, prog, sizeof prog);
    c->eflags = FL_FIXED1 | FL_IF | FL_TF | FL_CF;
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, HANDLER(0x40));
    ck_assert_uint_eq(c->seg[SEG_CS].sel, SEL_CODE0);
    ck_assert_uint_eq(esp(m), STACK0_TOP - 12);
    ck_assert_uint_eq(stk(m, 0), CODE_BASE + 2);
    ck_assert_uint_eq(stk(m, 1), SEL_CODE0);
    ck_assert_uint_eq(stk(m, 2), FL_FIXED1 | FL_IF | FL_TF | FL_CF);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | FL_CF); /* IF and TF cleared */
    ck_assert_uint_eq(c->dr[6] & DR6_BS, 0);
    um_free(m);
}
END_TEST

START_TEST(t_pm_trap_gate)
{
    static const uint8_t prog[] = {0xcd, 0x41};
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    put_gate(m, 0x41, SEL_CODE0, HANDLER(0x41), GATE_TRAP32, 0, true);
    code(m, prog, sizeof prog);
    c->eflags = FL_FIXED1 | FL_IF | FL_NT | FL_CF;
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, HANDLER(0x41));
    ck_assert_uint_eq(stk(m, 2), FL_FIXED1 | FL_IF | FL_NT | FL_CF);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | FL_IF | FL_CF); /* IF kept, NT cleared */
    um_free(m);
}
END_TEST

/* A 16-bit gate: 16-bit offset, 2-byte pushes. */
START_TEST(t_pm_gate16)
{
    static const uint8_t prog[] = {0xcd, 0x42};
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    put_gate(m, 0x42, SEL_CODE0, 0xabcd4200u, GATE_INT16, 0, true);
    code(m, prog, sizeof prog);
    c->eflags = FL_FIXED1 | FL_IF;
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, 0x4200);
    ck_assert_uint_eq(esp(m), STACK0_TOP - 6);
    ck_assert_uint_eq(rd16(m, esp(m)), (CODE_BASE + 2) & 0xffff);
    ck_assert_uint_eq(rd16(m, esp(m) + 2), SEL_CODE0);
    ck_assert_uint_eq(rd16(m, esp(m) + 4), FL_FIXED1 | FL_IF);
    um_free(m);
}
END_TEST

/* Ring 3 to ring 0: SS:ESP from the TSS, then SS, ESP, EFLAGS, CS, EIP. */
START_TEST(t_pm_ring3_to_ring0)
{
    static const uint8_t prog[] = {0xcd, 0x80};
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    put_gate(m, 0x80, SEL_CODE0, HANDLER(0x80), GATE_INT32, 3, true);
    code(m, prog, sizeof prog);
    c->eflags = FL_FIXED1 | FL_IF;
    um_step(m, 1);
    ck_assert_uint_eq(c->cpl, 0);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, SEL_CODE0);
    ck_assert_uint_eq(c->seg[SEG_SS].sel, SEL_DATA0);
    ck_assert_uint_eq(c->eip, HANDLER(0x80));
    ck_assert_uint_eq(esp(m), STACK0_TOP - 20);
    ck_assert_uint_eq(stk(m, 0), CODE_BASE + 2);
    ck_assert_uint_eq(stk(m, 1), SEL_CODE3);
    ck_assert_uint_eq(stk(m, 2), FL_FIXED1 | FL_IF);
    ck_assert_uint_eq(stk(m, 3), STACK3_TOP);
    ck_assert_uint_eq(stk(m, 4), SEL_DATA3);
    ck_assert_uint_eq(c->seg[SEG_DS].sel, SEL_DATA3); /* data registers untouched */
    um_free(m);
}
END_TEST

/* Which exceptions push an error code (SDM table 6-1); faults push EFLAGS
 * with RF set. */
static const struct {
    int vec;
    bool err;
} err_cases[] = {
    {EXC_DE, false}, {EXC_BR, false}, {EXC_UD, false}, {EXC_NM, false}, {EXC_TS, true},
    {EXC_NP, true},  {EXC_SS, true},  {EXC_GP, true},  {EXC_PF, true},  {EXC_AC, true},
};

START_TEST(t_pm_error_codes)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    int vec = err_cases[_i].vec;
    int_gate(m, vec);
    c->eflags = FL_FIXED1 | FL_IF;
    raise_exc(m, vec, 0x1230);
    ck_assert_uint_eq(c->eip, HANDLER(vec));
    int k = 0;
    if (err_cases[_i].err) {
        ck_assert_uint_eq(esp(m), STACK0_TOP - 16);
        ck_assert_uint_eq(stk(m, k++), 0x1230);
    } else {
        ck_assert_uint_eq(esp(m), STACK0_TOP - 12);
    }
    ck_assert_uint_eq(stk(m, k), CODE_BASE);
    ck_assert_uint_eq(stk(m, k + 1), SEL_CODE0);
    ck_assert_uint_eq(stk(m, k + 2), FL_FIXED1 | FL_IF | FL_RF);
    ck_assert_uint_eq(c->eflags & (FL_IF | FL_RF), 0);
    um_free(m);
}
END_TEST

/* INT n through a gate of DPL < CPL: #GP(n * 8 + 2), at the INT. */
START_TEST(t_pm_int_dpl)
{
    static const uint8_t prog[] = {0xcd, 0x40};
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    int_gate(m, 0x40); /* DPL 0 */
    int_gate(m, EXC_GP);
    code(m, prog, sizeof prog);
    c->eflags = FL_FIXED1 | FL_IF;
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, HANDLER(EXC_GP));
    ck_assert_uint_eq(esp(m), STACK0_TOP - 24);
    ck_assert_uint_eq(stk(m, 0), 0x40 * 8 + 2);
    ck_assert_uint_eq(stk(m, 1), CODE_BASE);
    ck_assert_uint_eq(stk(m, 2), SEL_CODE3);
    ck_assert_uint_eq(stk(m, 3), FL_FIXED1 | FL_IF | FL_RF);
    ck_assert_uint_eq(stk(m, 4), STACK3_TOP);
    ck_assert_uint_eq(stk(m, 5), SEL_DATA3);
    um_free(m);
}
END_TEST

/* INT3 is checked like INT n; INT1 (ICEBP) is not. */
START_TEST(t_pm_int3_int1_dpl)
{
    static const uint8_t int3[] = {0xcc}, int1[] = {0xf1};
    struct unit_machine *m = pm_machine(3);
    int_gate(m, EXC_BP);
    int_gate(m, EXC_GP);
    code(m, int3, 1);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_GP));
    ck_assert_uint_eq(stk(m, 0), EXC_BP * 8 + 2);
    um_free(m);

    m = pm_machine(3);
    int_gate(m, EXC_DB);
    code(m, int1, 1);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_DB));
    ck_assert_uint_eq(stk(m, 0), CODE_BASE + 1); /* a trap: the next instruction */
    um_free(m);
}
END_TEST

START_TEST(t_pm_gate_not_present)
{
    static const uint8_t prog[] = {0xcd, 0x40};
    struct unit_machine *m = pm_machine(0);
    put_gate(m, 0x40, SEL_CODE0, HANDLER(0x40), GATE_INT32, 0, false);
    int_gate(m, EXC_NP);
    code(m, prog, sizeof prog);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_NP));
    ck_assert_uint_eq(stk(m, 0), 0x40 * 8 + 2);
    ck_assert_uint_eq(stk(m, 1), CODE_BASE);
    um_free(m);
}
END_TEST

START_TEST(t_pm_idt_limit)
{
    static const uint8_t prog[] = {0xcd, 0x40};
    struct unit_machine *m = pm_machine(0);
    m->cpu.idtr.limit = 0x40 * 8 - 1;
    int_gate(m, 0x40);
    int_gate(m, EXC_GP);
    code(m, prog, sizeof prog);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_GP));
    ck_assert_uint_eq(stk(m, 0), 0x40 * 8 + 2);
    um_free(m);
}
END_TEST

/* A call gate in the IDT is not an IDT gate: #GP(n * 8 + 2). */
START_TEST(t_pm_bad_gate_type)
{
    static const uint8_t prog[] = {0xcd, 0x40};
    struct unit_machine *m = pm_machine(0);
    put_gate(m, 0x40, SEL_CODE0, HANDLER(0x40), 12, 0, true);
    int_gate(m, EXC_GP);
    code(m, prog, sizeof prog);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_GP));
    ck_assert_uint_eq(stk(m, 0), 0x40 * 8 + 2);
    um_free(m);
}
END_TEST

static int ack_0x40(void *opaque)
{
    (void)opaque;
    return 0x40;
}

/* An external interrupt whose gate is missing: #NP with EXT set. */
START_TEST(t_pm_external_ext_bit)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    put_gate(m, 0x40, SEL_CODE0, HANDLER(0x40), GATE_INT32, 0, false);
    int_gate(m, EXC_NP);
    c->eflags = FL_FIXED1 | FL_IF;
    c->intr_line = true;
    c->intr_ack = ack_0x40;
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, HANDLER(EXC_NP));
    ck_assert_uint_eq(stk(m, 0), 0x40 * 8 + 2 + 1);
    ck_assert_uint_eq(stk(m, 1), CODE_BASE); /* nothing ran */
    um_free(m);
}
END_TEST

/* The handler's code segment: null, not code, not present. The first
 * exception (#UD) is benign, so the #GP/#NP it leads to is delivered. */
START_TEST(t_pm_target_checks)
{
    static const struct {
        uint16_t sel;
        int vec;
        uint32_t err;
    } cases[] = {
        {0, EXC_GP, 0 | 1},
        {SEL_DATA0, EXC_GP, SEL_DATA0 | 1},
        {0x58, EXC_NP, 0x58 | 1},
        {0x1f8, EXC_GP, 0x1f8 | 1}, /* beyond the GDT limit */
    };
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct unit_machine *m = pm_machine(0);
        m->cpu.gdtr.limit = 0x1f7;
        put_desc(m, GDT_BASE, 0x58, 0, 0xfffff, ACC_CODE0 & 0x7f, FLAGS_FLAT);
        put_gate(m, EXC_UD, cases[k].sel, HANDLER(EXC_UD), GATE_INT32, 0, true);
        int_gate(m, cases[k].vec);
        raise_exc(m, EXC_UD, 0);
        ck_assert_uint_eq(m->cpu.eip, HANDLER(cases[k].vec));
        ck_assert_uint_eq(stk(m, 0), cases[k].err);
        ck_assert_uint_eq(stk(m, 1), CODE_BASE);
        um_free(m);
    }
}
END_TEST

/* Faults of the inner-stack switch, reported by cpu_interrupt() with the
 * CPU unchanged. */
START_TEST(t_pm_inner_stack_faults)
{
    static const struct {
        uint32_t ss0, esp0, tr_limit;
        int kind, vec;
        uint32_t err;
    } cases[] = {
        {0, STACK0_TOP, 0x67, INT_SOFTWARE, EXC_TS, 0},
        {SEL_DATA0 | 3, STACK0_TOP, 0x67, INT_SOFTWARE, EXC_TS, SEL_DATA0},
        {SEL_DATA3 & ~3u, STACK0_TOP, 0x67, INT_SOFTWARE, EXC_TS, SEL_DATA3 & ~3u},
        {SEL_CODE0, STACK0_TOP, 0x67, INT_SOFTWARE, EXC_TS, SEL_CODE0},
        {SEL_DATA0_NP, STACK0_TOP, 0x67, INT_SOFTWARE, EXC_SS, SEL_DATA0_NP},
        {SEL_DATA0, STACK0_TOP, 5, INT_SOFTWARE, EXC_TS, SEL_TSS_A},
        {SEL_DATA0, STACK0_TOP, 5, INT_EXTERNAL, EXC_TS, SEL_TSS_A | 1},
        {SEL_DATA0_SMALL, 0x10, 0x67, INT_SOFTWARE, EXC_SS, SEL_DATA0_SMALL}, /* 20 bytes */
        {SEL_DATA0_SMALL, 0x10, 0x67, INT_EXTERNAL, EXC_SS, SEL_DATA0_SMALL | 1},
    };
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct unit_machine *m = pm_machine(3);
        struct cpu *c = &m->cpu;
        put_gate(m, 0x80, SEL_CODE0, HANDLER(0x80), GATE_INT32, 3, true);
        wr32(m, TSS_A + 4, cases[k].esp0);
        wr32(m, TSS_A + 8, cases[k].ss0);
        c->seg[SEG_TR].limit = cases[k].tr_limit;
        cpu_seg_changed(c, SEG_TR); /* changed in place: cpu.h */
        ck_assert_int_eq(cpu_interrupt(c, 0x80, cases[k].kind, false, 0), CPU_FAULT);
        ck_assert_int_eq(c->exc.vector, cases[k].vec);
        ck_assert_uint_eq(c->exc.error, cases[k].err);
        ck_assert_uint_eq(c->cpl, 3);
        ck_assert_uint_eq(esp(m), STACK3_TOP);
        ck_assert_uint_eq(c->seg[SEG_SS].sel, SEL_DATA3);
        ck_assert_uint_eq(c->eip, CODE_BASE);
        um_free(m);
    }
}
END_TEST

/* A handler offset beyond its code segment's limit: #GP(0). */
START_TEST(t_pm_target_limit)
{
    struct unit_machine *m = pm_machine(0);
    put_gate(m, 0x40, SEL_CODE16, 0x12345, GATE_INT32, 0, true);
    ck_assert_int_eq(cpu_interrupt(&m->cpu, 0x40, INT_SOFTWARE, false, 0), CPU_FAULT);
    ck_assert_int_eq(m->cpu.exc.vector, EXC_GP);
    ck_assert_uint_eq(m->cpu.exc.error, 0);
    ck_assert_uint_eq(esp(m), STACK0_TOP);
    um_free(m);
}
END_TEST

/* --- double and triple faults (table 6-5) --- */

/* #GP whose gate is missing raises #NP: contributory twice, #DF(0). */
START_TEST(t_double_fault)
{
    struct unit_machine *m = pm_machine(0);
    put_gate(m, EXC_GP, SEL_CODE0, HANDLER(EXC_GP), GATE_INT32, 0, false);
    int_gate(m, EXC_NP);
    int_gate(m, EXC_DF);
    raise_exc(m, EXC_GP, 0);
    ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_DF));
    ck_assert_uint_eq(esp(m), STACK0_TOP - 16);
    ck_assert_uint_eq(stk(m, 0), 0);
    ck_assert_uint_eq(stk(m, 1), CODE_BASE);
    ck_assert_int_eq(m->cpu.stop, CPU_RUNNING);
    um_free(m);
}
END_TEST

/* #NP whose gate names a data segment raises #GP: #DF as well. */
START_TEST(t_double_fault_np_gp)
{
    struct unit_machine *m = pm_machine(0);
    put_gate(m, EXC_NP, SEL_DATA0, HANDLER(EXC_NP), GATE_INT32, 0, true);
    int_gate(m, EXC_GP);
    int_gate(m, EXC_DF);
    raise_exc(m, EXC_NP, SEL_DATA3 & ~3u);
    ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_DF));
    ck_assert_uint_eq(esp(m), STACK0_TOP - 16);
    ck_assert_uint_eq(stk(m, 0), 0);
    ck_assert_int_eq(m->cpu.exc_depth, 2);
    um_free(m);
}
END_TEST

/* #PF whose gate is malformed raises #GP: #DF. */
START_TEST(t_double_fault_pf)
{
    struct unit_machine *m = pm_machine(0);
    put_gate(m, EXC_PF, SEL_CODE0, HANDLER(EXC_PF), 0, 0, true);
    int_gate(m, EXC_GP);
    int_gate(m, EXC_DF);
    raise_exc(m, EXC_PF, 2);
    ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_DF));
    ck_assert_uint_eq(stk(m, 0), 0);
    um_free(m);
}
END_TEST

/* #UD is benign: the #NP its missing gate raises is handled serially. */
START_TEST(t_benign_then_contributory)
{
    struct unit_machine *m = pm_machine(0);
    put_gate(m, EXC_UD, SEL_CODE0, HANDLER(EXC_UD), GATE_INT32, 0, false);
    int_gate(m, EXC_NP);
    int_gate(m, EXC_DF);
    raise_exc(m, EXC_UD, 0);
    ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_NP));
    ck_assert_uint_eq(stk(m, 0), EXC_UD * 8 + 2 + 1);
    ck_assert_uint_eq(stk(m, 1), CODE_BASE);
    um_free(m);
}
END_TEST

START_TEST(t_triple_fault)
{
    struct unit_machine *m = pm_machine(0);
    put_gate(m, EXC_GP, SEL_CODE0, HANDLER(EXC_GP), GATE_INT32, 0, false);
    int_gate(m, EXC_NP);
    put_gate(m, EXC_DF, SEL_CODE0, HANDLER(EXC_DF), GATE_INT32, 0, false);
    raise_exc(m, EXC_GP, 0);
    ck_assert_int_eq(m->cpu.stop, CPU_SHUTDOWN);
    ck_assert_uint_eq(m->cpu.eip, CODE_BASE);
    ck_assert_uint_eq(esp(m), STACK0_TOP);
    um_step(m, 1); /* a shut-down CPU runs nothing */
    ck_assert_uint_eq(m->cpu.eip, CODE_BASE);
    um_free(m);
}
END_TEST

/* --- virtual-8086 mode --- */

/* INT n with IOPL < 3: #GP(0) to ring 0 with the whole v86 frame. */
START_TEST(t_v86_int_iopl0)
{
    static const uint8_t prog[] = {0xcd, 0x21};
    struct unit_machine *m = v86_machine(0, prog, sizeof prog);
    struct cpu *c = &m->cpu;
    int_gate(m, EXC_GP);
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, HANDLER(EXC_GP));
    ck_assert_uint_eq(c->cpl, 0);
    ck_assert_uint_eq(c->eflags & FL_VM, 0);
    ck_assert_uint_eq(esp(m), STACK0_TOP - 40);
    const uint32_t want[] = {0,      0x0000, 0x1000, FL_FIXED1 | FL_VM | FL_IF | FL_RF,
                             0x0ff0, 0x0700, 0x2222, 0x1111,
                             0x3333, 0x4444};
    for (int k = 0; k < 10; k++)
        ck_assert_uint_eq(stk(m, k), want[k]);
    for (int s = SEG_ES; s <= SEG_GS; s++)
        if (s != SEG_CS && s != SEG_SS) {
            ck_assert_uint_eq(c->seg[s].sel, 0);
            ck_assert_uint_eq(c->seg[s].attr, 0);
        }
    um_free(m);
}
END_TEST

/* From v86 mode only a ring-0 non-conforming handler will do. */
START_TEST(t_v86_int_to_ring3)
{
    struct unit_machine *m = v86_machine(3, "", 0);
    put_gate(m, 0x21, SEL_CODE3, HANDLER(0x21), GATE_INT32, 3, true);
    ck_assert_int_eq(cpu_interrupt(&m->cpu, 0x21, INT_SOFTWARE, false, 0), CPU_FAULT);
    ck_assert_int_eq(m->cpu.exc.vector, EXC_GP);
    ck_assert_uint_eq(m->cpu.exc.error, SEL_CODE3 & ~3u);
    ck_assert(cpu_v86(&m->cpu));
    um_free(m);
}
END_TEST

static Suite *interrupt_suite(void)
{
    Suite *s = suite_create("interrupt");
    TCase *tc = tcase_create("real");
    tcase_add_test(tc, t_real_int);
    tcase_add_test(tc, t_real_ivt_limit);
    tcase_add_test(tc, t_real_triple_fault);
    suite_add_tcase(s, tc);

    tc = tcase_create("protected");
    tcase_add_test(tc, t_pm_int_gate);
    tcase_add_test(tc, t_pm_trap_gate);
    tcase_add_test(tc, t_pm_gate16);
    tcase_add_test(tc, t_pm_ring3_to_ring0);
    tcase_add_loop_test(tc, t_pm_error_codes, 0, sizeof err_cases / sizeof err_cases[0]);
    tcase_add_test(tc, t_pm_int_dpl);
    tcase_add_test(tc, t_pm_int3_int1_dpl);
    tcase_add_test(tc, t_pm_gate_not_present);
    tcase_add_test(tc, t_pm_idt_limit);
    tcase_add_test(tc, t_pm_bad_gate_type);
    tcase_add_test(tc, t_pm_external_ext_bit);
    tcase_add_test(tc, t_pm_target_checks);
    tcase_add_test(tc, t_pm_inner_stack_faults);
    tcase_add_test(tc, t_pm_target_limit);
    suite_add_tcase(s, tc);

    tc = tcase_create("double_fault");
    tcase_add_test(tc, t_double_fault);
    tcase_add_test(tc, t_double_fault_np_gp);
    tcase_add_test(tc, t_double_fault_pf);
    tcase_add_test(tc, t_benign_then_contributory);
    tcase_add_test(tc, t_triple_fault);
    suite_add_tcase(s, tc);

    tc = tcase_create("v86");
    tcase_add_test(tc, t_v86_int_iopl0);
    tcase_add_test(tc, t_v86_int_to_ring3);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(interrupt_suite());
}
