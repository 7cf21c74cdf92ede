/*
 * test_cycles.c - the cycle model (cycles.c, doc/cycles.md): short
 * instruction sequences run through cpu_step(), and the cycles they cost.
 *
 * Every expected number is a literal COPIED FROM doc/cycles.md (its tables
 * and its worked example), never computed from cycles.c or opcodes.def: the
 * page is the contract a student reads, so a change to the cost table that
 * the page does not follow, or the other way round, fails here.
 *
 * The machines are intr_util.h's: real mode with code at 0000:0100, or
 * flat 32-bit protected mode with code at CODE_BASE.
 */
#include "intr_util.h"
#include "interp/cycles.h"
#include "mmu/mmu.h"

#include <stdlib.h>

/* Run n instructions; return the cycles they cost. */
static uint64_t cost(struct unit_machine *m, int n)
{
    uint64_t before = m->cpu.cycles;
    um_step(m, n);
    return m->cpu.cycles - before;
}

/* Step until EIP is end (at most limit steps); return the cycles. */
static uint64_t cost_until(struct unit_machine *m, uint32_t end, int limit)
{
    uint64_t before = m->cpu.cycles;
    for (int k = 0; k < limit && m->cpu.eip != end; k++)
        cpu_step(&m->cpu);
    ck_assert_uint_eq(m->cpu.eip, end);
    return m->cpu.cycles - before;
}

/* Load one instruction at 0000:0100 (real mode) and run it once. */
static uint64_t cost_real(struct unit_machine *m, const uint8_t *b, size_t n)
{
    um_load(m, 0x100, b, n);
    m->cpu.eip = 0x100;
    return cost(m, 1);
}

/* doc: "ALU, result in r/m" 1/3, "result in a register" 1/2, "compare and
 * test" 1/2, "one-operand ALU" 1/3, "move" 1/1. */
START_TEST(t_alu_register_and_memory)
{
    static const uint8_t prog[] = {
        0x01, 0xd8, /* add ax, bx */
        0x01, 0x07, /* add [bx], ax */
        0x03, 0x07, /* add ax, [bx] */
        0x8b, 0x07, /* mov ax, [bx] */
        0x89, 0x07, /* mov [bx], ax */
        0x39, 0x07, /* cmp [bx], ax */
        0xff, 0x07, /* inc word [bx] */
        0xff, 0xc0, /* inc ax */
    };
    static const uint64_t want[] = {1, 3, 2, 1, 1, 2, 3, 1};
    struct unit_machine *m = real_machine(prog, sizeof prog);
    m->cpu.gpr[R_EBX] = 0x3000;
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++)
        ck_assert_uint_eq(cost(m, 1), want[k]);
    um_free(m);
}
END_TEST

/* doc, "Branches": Jcc 1 not taken, 3 taken, short or near. */
START_TEST(t_jcc_taken_and_not)
{
    static const uint8_t je8[] = {0x74, 0x02}, je16[] = {0x0f, 0x84, 0x10, 0x00};
    struct unit_machine *m = real_machine(je8, sizeof je8);
    m->cpu.eflags |= FL_ZF;
    ck_assert_uint_eq(cost_real(m, je8, sizeof je8), 3);
    ck_assert_uint_eq(m->cpu.eip, 0x104);
    ck_assert_uint_eq(cost_real(m, je16, sizeof je16), 3);
    m->cpu.eflags &= ~FL_ZF;
    ck_assert_uint_eq(cost_real(m, je8, sizeof je8), 1);
    ck_assert_uint_eq(m->cpu.eip, 0x102);
    ck_assert_uint_eq(cost_real(m, je16, sizeof je16), 1);
    um_free(m);
}
END_TEST

/* doc, "Branches": LOOP 7 taken, 6 not; JCXZ 8 taken, 5 not. */
START_TEST(t_loop_and_jcxz)
{
    static const uint8_t prog[] = {
        0xb9, 0x03, 0x00, /* mov cx, 3 */
        0xe2, 0xfe,       /* loop $ */
    };
    static const uint8_t jcxz[] = {0xe3, 0x10};
    struct unit_machine *m = real_machine(prog, sizeof prog);
    ck_assert_uint_eq(cost(m, 1), 1);
    ck_assert_uint_eq(cost(m, 1), 7);
    ck_assert_uint_eq(cost(m, 1), 7);
    ck_assert_uint_eq(cost(m, 1), 6);
    ck_assert_uint_eq(m->cpu.eip, 0x105);
    ck_assert_uint_eq(cost_real(m, jcxz, sizeof jcxz), 8); /* CX = 0 now */
    m->cpu.gpr[R_ECX] = 1;
    ck_assert_uint_eq(cost_real(m, jcxz, sizeof jcxz), 5);
    um_free(m);
}
END_TEST

/* doc, "String instructions with REP": REP MOVS 12 + 3n, REP STOS 7 + 4n,
 * n = 0: 5, however many handler calls the copy takes. 5000 bytes is more
 * than one batch (ops_string.c runs 4096 elements a call). */
START_TEST(t_rep_movsb_per_element)
{
    static const uint8_t movsb[] = {0xf3, 0xa4}, stosb[] = {0xf3, 0xaa};
    struct unit_machine *m = real_machine(movsb, sizeof movsb);
    struct cpu *c = &m->cpu;
    c->gpr[R_ECX] = 5000;
    c->gpr[R_ESI] = 0x10000;
    c->gpr[R_EDI] = 0x20000;
    uint64_t before = c->instructions;
    ck_assert_uint_eq(cost_until(m, 0x102, 10), 12 + 3 * 5000);
    ck_assert_uint_eq(c->gpr[R_ECX], 0);
    ck_assert_uint_gt(c->instructions - before, 1); /* it did take more than one call */
    ck_assert_uint_eq(cost_real(m, movsb, sizeof movsb), 5);
    c->gpr[R_ECX] = 10;
    ck_assert_uint_eq(cost_real(m, stosb, sizeof stosb), 7 + 4 * 10);
    um_free(m);
}
END_TEST

/* doc, "Base costs": MUL 18/26/42 by size, DIV 16/24/40, IDIV 19 (20 with
 * a memory operand). */
START_TEST(t_mul_div_by_size)
{
    static const struct {
        uint8_t b[3];
        size_t n;
        uint64_t cycles;
    } cases[] = {
        {{0xf6, 0xe3}, 2, 18},       /* mul bl */
        {{0xf7, 0xe3}, 2, 26},       /* mul bx */
        {{0x66, 0xf7, 0xe3}, 3, 42}, /* mul ebx */
        {{0xf6, 0xf3}, 2, 16},       /* div bl */
        {{0xf7, 0xf3}, 2, 24},       /* div bx */
        {{0x66, 0xf7, 0xf3}, 3, 40}, /* div ebx */
        {{0xf6, 0xfb}, 2, 19},       /* idiv bl */
        {{0xf6, 0x3c}, 2, 20},       /* idiv byte [si] */
    };
    struct unit_machine *m = real_machine(cases[0].b, 1);
    struct cpu *c = &m->cpu;
    wr16(m, 0x3000, 3);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        c->gpr[R_EAX] = 100;
        c->gpr[R_EBX] = 3;
        c->gpr[R_EDX] = 0;
        c->gpr[R_ESI] = 0x3000;
        ck_assert_uint_eq(cost_real(m, cases[k].b, cases[k].n), cases[k].cycles);
        ck_assert_uint_eq(c->eip, 0x100 + cases[k].n); /* no #DE */
    }
    um_free(m);
}
END_TEST

/* doc, "Interrupt and exception entry": real mode INT n 30, IRET 15; an
 * exception (#UD) 26; an external interrupt 26. */
static int ack_0x21(void *opaque)
{
    (void)opaque;
    return 0x21;
}

START_TEST(t_int_iret_real_mode)
{
    static const uint8_t prog[] = {0xcd, 0x20, 0x0f, 0x0b, 0x90}; /* int 20h; ud2; nop */
    static const uint8_t iret[] = {0xcf};
    struct unit_machine *m = real_machine(prog, sizeof prog);
    struct cpu *c = &m->cpu;
    ivt(m, 0x20, 0, 0x300);
    ivt(m, 0x21, 0, 0x300);
    ivt(m, EXC_UD, 0, 0x400);
    um_load(m, 0x300, iret, 1);
    ck_assert_uint_eq(cost(m, 1), 30);
    ck_assert_uint_eq(c->eip, 0x300);
    ck_assert_uint_eq(cost(m, 1), 15);
    ck_assert_uint_eq(c->eip, 0x102);
    ck_assert_uint_eq(cost(m, 1), 26); /* ud2: the delivery alone */
    ck_assert_uint_eq(c->eip, 0x400);
    ck_assert_uint_eq(c->stats.exceptions, 1);
    c->eip = 0x104;
    c->eflags |= FL_IF;
    c->intr_line = true;
    c->intr_ack = ack_0x21;
    ck_assert_uint_eq(cost(m, 1), 26);
    ck_assert_uint_eq(c->eip, 0x300);
    ck_assert_uint_eq(c->stats.interrupts, 1);
    ck_assert_uint_eq(c->stats.exceptions, 1); /* INT n is neither */
    um_free(m);
}
END_TEST

/* doc: protected mode, gate at the same level 44, IRET 20; to a more
 * privileged level 71, IRET to the outer level 36; an exception 44. */
START_TEST(t_int_iret_protected_mode)
{
    static const uint8_t int20[] = {0xcd, 0x20}, ud2[] = {0x0f, 0x0b}, iretd[] = {0xcf};
    for (unsigned cpl = 0; cpl <= 3; cpl += 3) {
        struct unit_machine *m = pm_machine(cpl);
        put_gate(m, 0x20, SEL_CODE0, HANDLER(0x20), GATE_INT32, 3, true);
        um_load(m, HANDLER(0x20), iretd, 1);
        code(m, int20, sizeof int20);
        ck_assert_uint_eq(cost(m, 1), (cpl ? 71 : 44));
        ck_assert_uint_eq(m->cpu.eip, HANDLER(0x20));
        ck_assert_uint_eq(cost(m, 1), (cpl ? 36 : 20));
        ck_assert_uint_eq(m->cpu.eip, CODE_BASE + 2);
        um_free(m);
    }
    struct unit_machine *m = pm_machine(0);
    int_gate(m, EXC_UD);
    code(m, ud2, sizeof ud2);
    ck_assert_uint_eq(cost(m, 1), 44);
    ck_assert_uint_eq(m->cpu.stats.exceptions, 1);
    um_free(m);
}
END_TEST

/* doc, "Port I/O": OUT 16 and IN 14 in real mode, 11 and 9 in protected
 * mode with CPL <= IOPL. */
START_TEST(t_io_by_mode)
{
    static const uint8_t out80[] = {0xe6, 0x80}, in_dx[] = {0xec};
    struct unit_machine *m = real_machine(out80, sizeof out80);
    ck_assert_uint_eq(cost(m, 1), 16);
    ck_assert_uint_eq(cost_real(m, in_dx, sizeof in_dx), 14);
    um_free(m);
    m = pm_machine(0);
    code(m, out80, sizeof out80);
    ck_assert_uint_eq(cost(m, 1), 11);
    code(m, in_dx, sizeof in_dx);
    m->cpu.eip = CODE_BASE;
    ck_assert_uint_eq(cost(m, 1), 9);
    um_free(m);
}
END_TEST

/* doc, "Segment loads": MOV Sreg 3 in real mode, 9 in protected mode;
 * "Far transfers": JMP ptr16:32 17 in real mode, 19 to a code segment. */
START_TEST(t_segment_loads_and_far_jmp)
{
    static const uint8_t mov_ds[] = {0x8e, 0xd8};
    static const uint8_t jmp16[] = {0xea, 0x00, 0x02, 0x00, 0x00};             /* 0000:0200 */
    static const uint8_t jmp32[] = {0xea, 0x00, 0x02, 0x01, 0x00, 0x08, 0x00}; /* 08:10200 */
    struct unit_machine *m = real_machine(mov_ds, sizeof mov_ds);
    m->cpu.gpr[R_EAX] = 0x1234;
    ck_assert_uint_eq(cost(m, 1), 3);
    ck_assert_uint_eq(cost_real(m, jmp16, sizeof jmp16), 17);
    ck_assert_uint_eq(m->cpu.eip, 0x200);
    um_free(m);
    m = pm_machine(0);
    code(m, mov_ds, sizeof mov_ds);
    m->cpu.gpr[R_EAX] = SEL_DATA0;
    ck_assert_uint_eq(cost(m, 1), 9);
    code(m, jmp32, sizeof jmp32);
    m->cpu.eip = CODE_BASE;
    ck_assert_uint_eq(cost(m, 1), 19);
    ck_assert_uint_eq(m->cpu.eip, CODE_BASE + 0x200);
    um_free(m);
}
END_TEST

#define PD_BASE 0x40000u /* page directory */
#define PT_BASE 0x41000u /* one page table: the first 4 MiB, identity */

/* Turn paging on with the first MiB identity-mapped through 4 KiB pages
 * (pse: one 4 MiB page instead), with an empty TLB. */
static void paging_on(struct unit_machine *m, bool pse)
{
    struct cpu *c = &m->cpu;
    for (uint32_t p = 0; p < 256; p++)
        wr32(m, PT_BASE + 4 * p, (p << 12) | 3); /* present, writable */
    wr32(m, PD_BASE, pse ? 0x83u : PT_BASE | 3); /* PS for the 4 MiB page */
    c->cr4 |= pse ? CR4_PSE : 0;
    c->cr3 = PD_BASE;
    c->cr0 |= CR0_PG;
    mmu_flush(c, true);
}

/* doc, "TLB misses": 6 cycles per entry the walk reads, 12 for a 4 KiB
 * page, 6 for a 4 MiB one. MOV eax, [moffs] misses twice: the code page
 * and the data page. */
START_TEST(t_page_walk_cost)
{
    static const uint8_t prog[] = {0xa1, 0x00, 0x00, 0x05, 0x00}; /* mov eax, [50000h] */
    for (int pse = 0; pse <= 1; pse++) {
        struct unit_machine *m = pm_machine(0);
        code(m, prog, sizeof prog);
        paging_on(m, pse);
        uint64_t misses = m->cpu.tlb.misses;
        ck_assert_uint_eq(cost(m, 1), (pse ? 1 + 2 * 6 : 1 + 2 * 12));
        ck_assert_uint_eq(m->cpu.tlb.misses - misses, 2);
        m->cpu.eip = CODE_BASE;
        ck_assert_uint_eq(cost(m, 1), 1); /* both pages in the TLB now */
        um_free(m);
    }
}
END_TEST

/* doc, "Working out a loop by hand": the two loops, 1000 and 699 cycles. */
START_TEST(t_worked_example)
{
    static const uint8_t with_loop[] = {
        0xb9, 0x64, 0x00, 0x00, 0x00, /* mov ecx, 100 */
        0x03, 0x06,                   /* top: add eax, [esi] */
        0x83, 0xc6, 0x04,             /* add esi, 4 */
        0xe2, 0xf9,                   /* loop top */
    };
    static const uint8_t with_dec[] = {
        0xb9, 0x64, 0x00, 0x00, 0x00, /* mov ecx, 100 */
        0x03, 0x06,                   /* top: add eax, [esi] */
        0x83, 0xc6, 0x04,             /* add esi, 4 */
        0x49,                         /* dec ecx */
        0x75, 0xf8,                   /* jnz top */
    };
    struct unit_machine *m = pm_machine(0);
    code(m, with_loop, sizeof with_loop);
    m->cpu.gpr[R_ESI] = 0x30000;
    ck_assert_uint_eq(cost_until(m, CODE_BASE + sizeof with_loop, 1000), 1000);
    code(m, with_dec, sizeof with_dec);
    m->cpu.eip = CODE_BASE;
    m->cpu.gpr[R_ESI] = 0x30000;
    ck_assert_uint_eq(cost_until(m, CODE_BASE + sizeof with_dec, 1000), 699);
    um_free(m);
}
END_TEST

/* Not from the doc: cycles_insn(), the inline lookup the switch core uses,
 * against cycles_insn_full(), the definition (cycles.h), for every op of
 * opcodes.def with every form the rules read (register or memory, ModR/M
 * reg and rm, operand size, REP, ENTER's level), in every mode the rules
 * tell apart (real, protected at CPL 0 and 3 with IOPL 0 and 3, v86). */
START_TEST(t_inline_matches_full)
{
    static const struct {
        uint32_t cr0, eflags;
        uint8_t cpl;
    } modes[] = {
        {0, 0, 0},
        {CR0_PE, 0, 0},
        {CR0_PE, 0, 3},
        {CR0_PE, FL_IOPL, 3},
        {CR0_PE, FL_VM, 3},
    };
    struct cpu *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    long compared = 0;
    for (size_t md = 0; md < sizeof modes / sizeof modes[0]; md++) {
        c->cr0 = modes[md].cr0;
        c->eflags = modes[md].eflags;
        c->cpl = modes[md].cpl;
        for (int op = 0; op < OP_COUNT; op++) {
            for (unsigned form = 0; form < 2 * 2 * 8 * 8 * 2 * 2 * 3; form++) {
                unsigned f = form;
                struct insn i = {.op = (uint16_t)op};
                i.has_modrm = f % 2, f /= 2;
                i.modrm.mod = f % 2 ? 3 : 0, f /= 2;
                i.modrm.reg = f % 8, f /= 8;
                i.modrm.rm = f % 8, f /= 8;
                i.opsize = i.osize = f % 2 ? 4 : 2, f /= 2;
                i.rep = f % 2 ? REP_E : REP_NONE, f /= 2;
                i.imm2 = (uint16_t)(f == 0 ? 0 : f == 1 ? 1 : 5);
                uint32_t fast = cycles_insn(c, &i), full = cycles_insn_full(c, &i);
                if (fast != full)
                    ck_abort_msg("%s (op %d) form %u mode %zu: inline %u, full %u",
                                 x86_mnemonic(op), op, form, md, fast, full);
                compared++;
            }
        }
    }
    ck_assert_int_eq(compared, (long)OP_COUNT * 5 * 2 * 2 * 8 * 8 * 2 * 2 * 3);
    free(c);
}
END_TEST

static Suite *cycles_suite(void)
{
    Suite *s = suite_create("cycles");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, t_alu_register_and_memory);
    tcase_add_test(tc, t_jcc_taken_and_not);
    tcase_add_test(tc, t_loop_and_jcxz);
    tcase_add_test(tc, t_rep_movsb_per_element);
    tcase_add_test(tc, t_mul_div_by_size);
    tcase_add_test(tc, t_int_iret_real_mode);
    tcase_add_test(tc, t_int_iret_protected_mode);
    tcase_add_test(tc, t_io_by_mode);
    tcase_add_test(tc, t_segment_loads_and_far_jmp);
    tcase_add_test(tc, t_page_walk_cost);
    tcase_add_test(tc, t_worked_example);
    tcase_add_test(tc, t_inline_matches_full);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(cycles_suite());
}
