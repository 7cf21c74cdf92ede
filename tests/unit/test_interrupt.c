/*
 * test_interrupt.c - interrupt and exception delivery, IRET, BOUND and the
 * debug traps (interrupt.c, ops_int.c, debugreg.c).
 *
 * Each test builds its IVT or IDT (and GDT and TSS, intr_util.h) in RAM,
 * runs real instruction bytes or raises an exception the way an instruction
 * handler would, and checks the stack frame word by word against values
 * worked out from the SDM: vol. 2 INT n / IRET / BOUND pseudo-code, vol. 3
 * figures 6-4 and 20-5 (frames), table 6-5 (double faults), 6.13 (error
 * codes) and 17.3 (debug exceptions).
 */
#include "intr_util.h"

/* Real mode: the vector table at 0, a stack at 0:2000, code at 0:0100. */
static struct unit_machine *real_machine(const void *prog, size_t n)
{
    struct unit_machine *m = um_new(1 << 20);
    um_load(m, 0x100, prog, n);
    m->cpu.eip = 0x100;
    m->cpu.gpr[R_ESP] = 0x2000;
    return m;
}

static void ivt(struct unit_machine *m, int vec, uint16_t seg, uint16_t off)
{
    wr16(m, 4u * (uint32_t)vec, off);
    wr16(m, 4u * (uint32_t)vec + 2, seg);
}

static uint32_t esp(struct unit_machine *m)
{
    return (uint32_t)m->cpu.gpr[R_ESP];
}

/* The dword k slots above ESP. */
static uint32_t stk(struct unit_machine *m, int k)
{
    return rd32(m, esp(m) + 4u * (uint32_t)k);
}

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
    ck_assert_uint_eq(rd16(m, 0x1ffa), 0x0102);             /* IP after INT */
    ck_assert_uint_eq(rd16(m, 0x1ffc), 0x0000);             /* CS */
    ck_assert_uint_eq(rd16(m, 0x1ffe), 0x0303);             /* FLAGS: TF IF, bit 1, CF */
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | FL_CF);        /* IF TF AC cleared */
    ck_assert_uint_eq(c->dr[6] & DR6_BS, 0);                /* INT ends the single step */
    um_free(m);
}
END_TEST

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

/* --- IRET in protected mode --- */

static void put_stack(struct unit_machine *m, const uint32_t *v, int n)
{
    m->cpu.gpr[R_ESP] -= 4u * (uint32_t)n;
    for (int k = 0; k < n; k++)
        wr32(m, esp(m) + 4u * (uint32_t)k, v[k]);
}

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
    const uint32_t frame[] = {0x0100, 0x2000, v86_flags, 0xfff0, 0x3000, 0x4000, 0x5000, 0x6000,
                              0x7000};
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

/* --- virtual-8086 mode --- */

/* v86 mode at 1000:0000 (= CODE_BASE), stack 0700:0FF0, data 1111..4444. */
static struct unit_machine *v86_machine(unsigned iopl, const void *prog, size_t n)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    code(m, prog, n);
    c->eflags = FL_FIXED1 | FL_VM | FL_IF | (iopl << FL_IOPL_SHIFT);
    cpu_load_v86_seg(c, SEG_CS, 0x1000);
    cpu_load_v86_seg(c, SEG_SS, 0x0700);
    cpu_load_v86_seg(c, SEG_DS, 0x1111);
    cpu_load_v86_seg(c, SEG_ES, 0x2222);
    cpu_load_v86_seg(c, SEG_FS, 0x3333);
    cpu_load_v86_seg(c, SEG_GS, 0x4444);
    c->eip = 0;
    c->gpr[R_ESP] = 0x0ff0;
    cpu_update_mode(c);
    return m;
}

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
                             0x0ff0, 0x0700, 0x2222, 0x1111, 0x3333, 0x4444};
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

/* --- INT3, INTO, BOUND (real mode) --- */

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
    {false, 0xfffb, 10, 3, false},      {false, 0xfffb, 10, 10, false},
    {false, 0xfffb, 10, 11, true},      {false, 0xfffb, 10, 0xfffb, false},
    {false, 0xfffb, 10, 0xfffa, true},  {false, 0x0010, 0x20, 0x8000, true},
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

/* --- debug exceptions --- */

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
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, HANDLER(EXC_BP));
    um_free(m);
}
END_TEST

START_TEST(t_data_breakpoint_match)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    c->dr[1] = 0x5002;                              /* aligned down to 5000 */
    c->dr[7] = 0x400 | 0x4 | (1u << 20) | (3u << 22); /* L1, write, 4 bytes */
    dr_check_data(c, 0x5003, 1, false);
    ck_assert_uint_eq(c->dr6_pending, 0); /* a read */
    dr_check_data(c, 0x5004, 4, true);
    ck_assert_uint_eq(c->dr6_pending, 0); /* after the range */
    dr_check_data(c, 0x4ffe, 4, true);
    ck_assert_uint_eq(c->dr6_pending, DR6_B0 << 1);
    c->dr6_pending = 0;
    c->dr[7] = 0x400 | 0x8 | (3u << 20);             /* G1, read/write, 1 byte */
    dr_check_data(c, 0x5002, 2, false);
    ck_assert_uint_eq(c->dr6_pending, DR6_B0 << 1);
    c->dr6_pending = 0;
    dr_check_data(c, 0x5000, 2, false);
    ck_assert_uint_eq(c->dr6_pending, 0);
    c->dr[7] = 0x400 | 0x8 | (2u << 20);             /* I/O: not emulated */
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

static Suite *interrupt_suite(void)
{
    Suite *s = suite_create("interrupt");
    TCase *tc = tcase_create("real");
    tcase_add_test(tc, t_real_int);
    tcase_add_test(tc, t_real_iret16);
    tcase_add_test(tc, t_real_iret32);
    tcase_add_test(tc, t_real_ivt_limit);
    tcase_add_test(tc, t_real_triple_fault);
    tcase_add_test(tc, t_int3_into);
    tcase_add_loop_test(tc, t_bound, 0, sizeof bound_cases / sizeof bound_cases[0]);
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
    tcase_add_test(tc, t_double_fault_pf);
    tcase_add_test(tc, t_benign_then_contributory);
    tcase_add_test(tc, t_triple_fault);
    suite_add_tcase(s, tc);

    tc = tcase_create("iret");
    tcase_add_test(tc, t_iret_same_level);
    tcase_add_test(tc, t_iret_flag_rules);
    tcase_add_test(tc, t_iret_outer);
    tcase_add_test(tc, t_iret_outer_bad_ss);
    tcase_add_test(tc, t_iret_to_v86);
    suite_add_tcase(s, tc);

    tc = tcase_create("v86");
    tcase_add_test(tc, t_v86_int_iopl0);
    tcase_add_test(tc, t_v86_int_iopl3_and_back);
    tcase_add_test(tc, t_v86_int_to_ring3);
    tcase_add_test(tc, t_v86_iret_iopl0);
    suite_add_tcase(s, tc);

    tc = tcase_create("debug");
    tcase_add_test(tc, t_exec_breakpoint);
    tcase_add_test(tc, t_exec_breakpoint_disabled);
    tcase_add_test(tc, t_data_breakpoint_match);
    tcase_add_test(tc, t_single_step);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(interrupt_suite());
}
