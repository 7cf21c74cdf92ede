/*
 * test_stack.c - the stack instructions (ops_stack.c): PUSH/POP in their
 * register, memory and immediate forms, PUSHA/POPA, PUSHF/POPF, ENTER and
 * LEAVE.
 *
 * Each case builds the expected stack image by hand from the SDM's
 * pseudo-code (the comments show the arithmetic) and compares it with RAM
 * after running the bytes through cpu_step(), or after calling the handler
 * directly when the instruction must fault, so that the test depends only
 * on the handler's return value and c->exc, not on exception delivery.
 */
#include "interp/ops.h"
#include "unit_util.h"

#define CODE 0x100 /* code offset, real and protected mode */

/* A real-mode machine with SS:SP = 0000:8000 and CS:IP = 0000:0100. */
static struct unit_machine *real_machine(void)
{
    struct unit_machine *m = um_new(1 << 20);
    m->cpu.gpr[R_ESP] = 0x8000;
    m->cpu.eip = CODE;
    return m;
}

/* Flat 32-bit protected mode at privilege level cpl: every segment has
 * base 0, and SS has the limit ss_limit (expand-up). */
static void flat32(struct unit_machine *m, unsigned cpl, uint32_t ss_limit)
{
    struct cpu *c = &m->cpu;
    uint16_t big =
        SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G | (uint16_t)(cpl << SEG_ATTR_DPL_SHIFT);
    c->cr0 |= CR0_PE;
    c->seg[SEG_CS] = seg_make((uint16_t)(0x08 | cpl), 0, 0xffffffffu, big | SEG_TYPE_CODE | 2);
    for (int s = SEG_ES; s <= SEG_GS; s++) {
        if (s != SEG_CS)
            c->seg[s] = seg_make((uint16_t)(0x10 | cpl), 0, 0xffffffffu, big | 2);
    }
    c->seg[SEG_SS].limit = ss_limit;
    cpu_seg_changed(c, SEG_SS); /* changed in place: cpu.h */
    cpu_update_mode(c);
}

/* Load code at CODE and run n instructions from there. */
static void run(struct unit_machine *m, const uint8_t *b, size_t len, int n)
{
    um_load(m, CODE, b, len);
    m->cpu.eip = CODE;
    um_step(m, n);
}

static uint16_t rd16(struct unit_machine *m, uint32_t pa)
{
    return (uint16_t)ld_le(m->bus.ram + pa, 2);
}

static uint32_t rd32(struct unit_machine *m, uint32_t pa)
{
    return ld_le(m->bus.ram + pa, 4);
}

static void wr32(struct unit_machine *m, uint32_t pa, uint32_t v)
{
    st_le(m->bus.ram + pa, v, 4);
}

START_TEST(test_push_pop_registers)
{
    struct unit_machine *m = real_machine();
    /* 53 push bx; 66 51 push ecx; 5A pop dx (low word of ECX) */
    m->cpu.gpr[R_EBX] = 0x1111beef;
    m->cpu.gpr[R_ECX] = 0xcafe1234;
    m->cpu.gpr[R_EDX] = 0x77770000;
    run(m, (const uint8_t[]){0x53, 0x66, 0x51, 0x5a}, 4, 3);
    ck_assert_uint_eq(rd16(m, 0x7ffe), 0xbeef);
    ck_assert_uint_eq(rd32(m, 0x7ffa), 0xcafe1234);
    ck_assert_uint_eq(m->cpu.gpr[R_EDX], 0x77771234); /* upper half kept */
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x7ffc);
    um_free(m);
}
END_TEST

START_TEST(test_push_sp_pushes_old_value)
{
    struct unit_machine *m = real_machine();
    /* 54 push sp: the 386 pushes SP as it was before the push (8000). */
    run(m, (const uint8_t[]){0x54}, 1, 1);
    ck_assert_uint_eq(rd16(m, 0x7ffe), 0x8000);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x7ffe);

    /* 32-bit: ESP = 9000, push esp stores 9000 at 8FFC. */
    flat32(m, 0, 0xffffffffu);
    m->cpu.gpr[R_ESP] = 0x9000;
    run(m, (const uint8_t[]){0x54}, 1, 1);
    ck_assert_uint_eq(rd32(m, 0x8ffc), 0x9000);
    um_free(m);
}
END_TEST

START_TEST(test_pop_sp_loads_popped_value)
{
    struct unit_machine *m = real_machine();
    /* 5C pop sp with 1234 on top: SP = 1234 (the +2 is overwritten). */
    um_load(m, 0x8000, (const uint8_t[]){0x34, 0x12}, 2);
    run(m, (const uint8_t[]){0x5c}, 1, 1);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x1234);

    /* 32-bit pop esp. */
    flat32(m, 0, 0xffffffffu);
    m->cpu.gpr[R_ESP] = 0x9000;
    wr32(m, 0x9000, 0x00054320);
    run(m, (const uint8_t[]){0x5c}, 1, 1);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x00054320);
    um_free(m);
}
END_TEST

START_TEST(test_push_immediates)
{
    struct unit_machine *m = real_machine();
    /* 6A FF push -1 (sign-extended to FFFF); 68 34 12 push 1234 */
    run(m, (const uint8_t[]){0x6a, 0xff, 0x68, 0x34, 0x12}, 5, 2);
    ck_assert_uint_eq(rd16(m, 0x7ffe), 0xffff);
    ck_assert_uint_eq(rd16(m, 0x7ffc), 0x1234);
    /* 66 6A 80 push dword -128 */
    run(m, (const uint8_t[]){0x66, 0x6a, 0x80}, 3, 1);
    ck_assert_uint_eq(rd32(m, 0x7ff8), 0xffffff80u);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x7ff8);
    um_free(m);
}
END_TEST

START_TEST(test_push_pop_memory)
{
    struct unit_machine *m = um_new(1 << 20);
    flat32(m, 0, 0xffffffffu);
    m->cpu.gpr[R_ESP] = 0x9000;
    wr32(m, 0x9000, 0x11111111);
    wr32(m, 0x9004, 0x22222222);
    /* FF 34 24  push [esp]: pushes the value at the OLD top (11111111). */
    run(m, (const uint8_t[]){0xff, 0x34, 0x24}, 3, 1);
    ck_assert_uint_eq(rd32(m, 0x8ffc), 0x11111111);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x8ffc);

    /* 8F 44 24 04  pop [esp+4] with ESP = 8FFC: value 11111111 is read at
     * 8FFC, ESP becomes 9000, and the address is 9000 + 4 = 9004. */
    run(m, (const uint8_t[]){0x8f, 0x44, 0x24, 0x04}, 4, 1);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x9000);
    ck_assert_uint_eq(rd32(m, 0x9004), 0x11111111);
    ck_assert_uint_eq(rd32(m, 0x9000), 0x11111111); /* untouched */
    um_free(m);
}
END_TEST

START_TEST(test_pop_memory_fault_restores_esp)
{
    struct unit_machine *m = um_new(1 << 20);
    flat32(m, 0, 0xffffffffu);
    m->cpu.seg[SEG_DS].limit = 0xffff;
    cpu_seg_changed(&m->cpu, SEG_DS); /* changed in place: cpu.h */
    m->cpu.gpr[R_ESP] = 0x9000;
    /* 8F 05 00 00 01 00  pop [10000h]: beyond DS limit FFFF -> #GP(0),
     * and ESP is back at 9000. */
    const uint8_t b[] = {0x8f, 0x05, 0x00, 0x00, 0x01, 0x00};
    ck_assert_int_eq(um_run_handler(m, op_pop_Ev, b, sizeof b), CPU_FAULT);
    ck_assert_int_eq(m->cpu.exc.vector, EXC_GP);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x9000);
    um_free(m);
}
END_TEST

START_TEST(test_pusha_popa_16)
{
    struct unit_machine *m = real_machine();
    struct cpu *c = &m->cpu;
    /* 60 pusha: AX CX DX BX SP(8000) BP SI DI at 7FFE down to 7FF0 */
    for (int r = 0; r < 8; r++)
        c->gpr[r] = 0xabcd0000u | (uint32_t)(0x1100 * (r + 1));
    c->gpr[R_ESP] = 0x8000;
    run(m, (const uint8_t[]){0x60}, 1, 1);
    const uint16_t want[8] = {0x1100, 0x2200, 0x3300, 0x4400, 0x8000, 0x6600, 0x7700, 0x8800};
    for (int k = 0; k < 8; k++)
        ck_assert_uint_eq(rd16(m, 0x7ffe - 2 * (uint32_t)k), want[k]);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x7ff0);

    /* 61 popa from a changed image: the SP slot (7FF6) is skipped, the
     * upper halves of the 32-bit registers are kept. */
    for (int k = 0; k < 8; k++)
        st_le(m->bus.ram + 0x7ffe - 2 * k, 0x0101u * (uint32_t)(k + 1), 2);
    run(m, (const uint8_t[]){0x61}, 1, 1);
    ck_assert_uint_eq(c->gpr[R_EAX], 0xabcd0101);
    ck_assert_uint_eq(c->gpr[R_ECX], 0xabcd0202);
    ck_assert_uint_eq(c->gpr[R_EDX], 0xabcd0303);
    ck_assert_uint_eq(c->gpr[R_EBX], 0xabcd0404);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x8000);
    ck_assert_uint_eq(c->gpr[R_EBP], 0xabcd0606);
    ck_assert_uint_eq(c->gpr[R_ESI], 0xabcd0707);
    ck_assert_uint_eq(c->gpr[R_EDI], 0xabcd0808);
    um_free(m);
}
END_TEST

START_TEST(test_pushad_32_and_fault)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    flat32(m, 0, 0xffffffffu);
    for (int r = 0; r < 8; r++)
        c->gpr[r] = 0x10101010u * (uint32_t)(r + 1);
    c->gpr[R_ESP] = 0x9000;
    run(m, (const uint8_t[]){0x60}, 1, 1);
    for (int k = 0; k < 8; k++) {
        uint32_t want = k == R_ESP ? 0x9000 : 0x10101010u * (uint32_t)(k + 1);
        ck_assert_uint_eq(rd32(m, 0x8ffc - 4 * (uint32_t)k), want);
    }
    ck_assert_uint_eq(c->gpr[R_ESP], 0x9000 - 32);

    /* ESP = 0000000C: the slots at 8, 4, 0 fit, the fourth wraps to
     * FFFFFFFC, beyond the SS limit FFFFF: #SS(0), ESP unchanged, and
     * nothing written, not even the first three slots. */
    c->seg[SEG_SS].limit = 0xfffff;
    cpu_seg_changed(c, SEG_SS); /* changed in place: cpu.h */
    c->gpr[R_ESP] = 0xc;
    memset(m->bus.ram, 0x5a, 0x10);
    ck_assert_int_eq(um_run_handler(m, op_pusha, (const uint8_t[]){0x60}, 1), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_SS);
    ck_assert_uint_eq(c->exc.error, 0);
    ck_assert_uint_eq(c->gpr[R_ESP], 0xc);
    ck_assert_uint_eq(rd32(m, 0x8), 0x5a5a5a5a);
    ck_assert_uint_eq(rd32(m, 0x0), 0x5a5a5a5a);
    um_free(m);
}
END_TEST

START_TEST(test_pushf_image)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    /* v86 mode, IOPL 3: PUSHFD's image lacks VM (and RF). */
    c->cr0 |= CR0_PE;
    c->eflags = FL_FIXED1 | FL_VM | FL_RF | FL_IOPL | FL_IF | FL_CF;
    cpu_update_mode(c);
    c->gpr[R_ESP] = 0x8000;
    ck_assert_int_eq(um_run_handler(m, op_pushf, (const uint8_t[]){0x66, 0x9c}, 2), 0);
    ck_assert_uint_eq(rd32(m, 0x7ffc), FL_FIXED1 | FL_IOPL | FL_IF | FL_CF);
    /* IOPL 2 in v86 mode: #GP(0), nothing pushed. */
    c->eflags &= ~(1u << FL_IOPL_SHIFT);
    ck_assert_int_eq(um_run_handler(m, op_pushf, (const uint8_t[]){0x9c}, 1), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_GP);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x7ffc);
    um_free(m);
}
END_TEST

START_TEST(test_popf_real_mode)
{
    struct unit_machine *m = real_machine();
    /* 9D popf of FFFF in real mode: IOPL and NT are writable on a 386+;
     * bit 15, 5 and 3 stay 0, bit 1 stays 1: FFFF & ~8028 = 7FD7. */
    um_load(m, 0x8000, (const uint8_t[]){0xff, 0xff}, 2);
    run(m, (const uint8_t[]){0x9d}, 1, 1);
    ck_assert_uint_eq(m->cpu.eflags, 0x7fd7);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x8002);
    um_free(m);
}
END_TEST

/* POPFD of value at the given CPL and IOPL, from EFLAGS start; returns the
 * new EFLAGS. */
static uint32_t popfd_at(unsigned cpl, unsigned iopl, uint32_t start, uint32_t value)
{
    struct unit_machine *m = um_new(1 << 20);
    flat32(m, cpl, 0xffffffffu);
    m->cpu.eflags = start | (iopl << FL_IOPL_SHIFT);
    m->cpu.gpr[R_ESP] = 0x9000;
    wr32(m, 0x9000, value);
    ck_assert_int_eq(um_run_handler(m, op_popf, (const uint8_t[]){0x9d}, 1), 0);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x9004);
    uint32_t f = m->cpu.eflags;
    um_free(m);
    return f;
}

START_TEST(test_popf_privilege_rules)
{
    /* Every writable bit: CF PF AF ZF SF TF IF DF OF IOPL NT AC ID plus
     * the fixed bit 1 = 00247FD7. */
    const uint32_t all = 0x00247fd7;
    /* CPL 0: everything writable; VM RF VIF VIP never. */
    ck_assert_uint_eq(popfd_at(0, 0, FL_FIXED1, 0xffffffffu), all);
    ck_assert_uint_eq(popfd_at(0, 0, FL_FIXED1 | FL_VIF | FL_VIP, 0), FL_FIXED1 | FL_VIF | FL_VIP);
    /* CPL 3, IOPL 0: IF and IOPL silently unchanged (no fault). */
    ck_assert_uint_eq(popfd_at(3, 0, FL_FIXED1, 0xffffffffu), all & ~(FL_IF | FL_IOPL));
    ck_assert_uint_eq(popfd_at(3, 0, FL_FIXED1 | FL_IF, 0), FL_FIXED1 | FL_IF);
    /* CPL 3, IOPL 3: IF writable, IOPL not (stays 3). */
    ck_assert_uint_eq(popfd_at(3, 3, FL_FIXED1 | FL_IF, 0), FL_FIXED1 | FL_IOPL);
    /* CPL 1, IOPL 1: IF writable, IOPL not. */
    ck_assert_uint_eq(popfd_at(1, 1, FL_FIXED1, FL_IF), FL_FIXED1 | FL_IF | (1u << 12));
}
END_TEST

START_TEST(test_popf_16bit_keeps_upper)
{
    struct unit_machine *m = um_new(1 << 20);
    flat32(m, 0, 0xffffffffu);
    /* 66 9D popf (16-bit) of 0000 with AC and ID set: only bits 0-15 are
     * written, so AC and ID survive. */
    m->cpu.eflags = FL_FIXED1 | FL_AC | FL_ID | FL_CF;
    m->cpu.gpr[R_ESP] = 0x9000;
    wr32(m, 0x9000, 0);
    ck_assert_int_eq(um_run_handler(m, op_popf, (const uint8_t[]){0x66, 0x9d}, 2), 0);
    ck_assert_uint_eq(m->cpu.eflags, FL_FIXED1 | FL_AC | FL_ID);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x9002);
    /* v86 mode with IOPL 0: #GP(0). */
    m->cpu.eflags = FL_FIXED1 | FL_VM;
    cpu_update_mode(&m->cpu);
    ck_assert_int_eq(um_run_handler(m, op_popf, (const uint8_t[]){0x9d}, 1), CPU_FAULT);
    ck_assert_int_eq(m->cpu.exc.vector, EXC_GP);
    um_free(m);
}
END_TEST

/* A flat 32-bit machine with ESP = 8000, EBP = 9000 and the caller's
 * display at 8FFC = AAAA1111, 8FF8 = BBBB2222. */
static struct unit_machine *enter_machine(void)
{
    struct unit_machine *m = um_new(1 << 20);
    flat32(m, 0, 0xffffffffu);
    m->cpu.gpr[R_ESP] = 0x8000;
    m->cpu.gpr[R_EBP] = 0x9000;
    wr32(m, 0x8ffc, 0xaaaa1111);
    wr32(m, 0x8ff8, 0xbbbb2222);
    return m;
}

START_TEST(test_enter_levels)
{
    /* C8 10 00 00  enter 10h, 0: [7FFC] = 9000, EBP = 7FFC, ESP = 7FEC */
    struct unit_machine *m = enter_machine();
    run(m, (const uint8_t[]){0xc8, 0x10, 0x00, 0x00}, 4, 1);
    ck_assert_uint_eq(rd32(m, 0x7ffc), 0x9000);
    ck_assert_uint_eq(m->cpu.gpr[R_EBP], 0x7ffc);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x7fec);
    um_free(m);

    /* enter 10h, 1: [7FFC] = 9000, [7FF8] = 7FFC (the new frame),
     * EBP = 7FFC, ESP = 7FF8 - 10 = 7FE8 */
    m = enter_machine();
    run(m, (const uint8_t[]){0xc8, 0x10, 0x00, 0x01}, 4, 1);
    ck_assert_uint_eq(rd32(m, 0x7ffc), 0x9000);
    ck_assert_uint_eq(rd32(m, 0x7ff8), 0x7ffc);
    ck_assert_uint_eq(m->cpu.gpr[R_EBP], 0x7ffc);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x7fe8);
    um_free(m);

    /* enter 10h, 3: [7FFC] = 9000, then the display copied from EBP - 4
     * and EBP - 8: [7FF8] = AAAA1111, [7FF4] = BBBB2222, then the new frame
     * [7FF0] = 7FFC; EBP = 7FFC, ESP = 7FF0 - 10 = 7FE0 */
    m = enter_machine();
    run(m, (const uint8_t[]){0xc8, 0x10, 0x00, 0x03}, 4, 1);
    ck_assert_uint_eq(rd32(m, 0x7ffc), 0x9000);
    ck_assert_uint_eq(rd32(m, 0x7ff8), 0xaaaa1111);
    ck_assert_uint_eq(rd32(m, 0x7ff4), 0xbbbb2222);
    ck_assert_uint_eq(rd32(m, 0x7ff0), 0x7ffc);
    ck_assert_uint_eq(m->cpu.gpr[R_EBP], 0x7ffc);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x7fe0);
    um_free(m);

    /* enter 0, 32: the level is taken mod 32, so this is level 0 */
    m = enter_machine();
    run(m, (const uint8_t[]){0xc8, 0x00, 0x00, 0x20}, 4, 1);
    ck_assert_uint_eq(m->cpu.gpr[R_EBP], 0x7ffc);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x7ffc);
    um_free(m);
}
END_TEST

START_TEST(test_enter_leave_16)
{
    struct unit_machine *m = real_machine();
    struct cpu *c = &m->cpu;
    /* Real mode, SP = 8000, BP = 9000, [8FFE] = 1111: enter 4, 2:
     * [7FFE] = 9000, [7FFC] = 1111 (from BP - 2), [7FFA] = 7FFE;
     * BP = 7FFE, SP = 7FFA - 4 = 7FF6. Upper halves of EBP/ESP kept. */
    c->gpr[R_EBP] = 0x00449000;
    um_load(m, 0x8ffe, (const uint8_t[]){0x11, 0x11}, 2);
    run(m, (const uint8_t[]){0xc8, 0x04, 0x00, 0x02}, 4, 1);
    ck_assert_uint_eq(rd16(m, 0x7ffe), 0x9000);
    ck_assert_uint_eq(rd16(m, 0x7ffc), 0x1111);
    ck_assert_uint_eq(rd16(m, 0x7ffa), 0x7ffe);
    ck_assert_uint_eq(c->gpr[R_EBP], 0x00447ffe);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x7ff6);
    /* C9 leave: SP = BP = 7FFE, pop BP = 9000, SP = 8000 */
    run(m, (const uint8_t[]){0xc9}, 1, 1);
    ck_assert_uint_eq(c->gpr[R_EBP], 0x00449000);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x8000);
    um_free(m);
}
END_TEST

START_TEST(test_enter_fault_changes_nothing)
{
    struct unit_machine *m = enter_machine();
    struct cpu *c = &m->cpu;
    /* SS limit FFFFF and ESP = 8: enter 0, 3 needs slots 4, 0, FFFFFFFC
     * (wrapped, beyond the limit): #SS(0) before anything is written. */
    c->seg[SEG_SS].limit = 0xfffff;
    cpu_seg_changed(c, SEG_SS); /* changed in place: cpu.h */
    c->gpr[R_ESP] = 0x8;
    memset(m->bus.ram, 0x5a, 8);
    const uint8_t b[] = {0xc8, 0x00, 0x00, 0x03};
    ck_assert_int_eq(um_run_handler(m, op_enter, b, sizeof b), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_SS);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x8);
    ck_assert_uint_eq(c->gpr[R_EBP], 0x9000);
    ck_assert_uint_eq(rd32(m, 0x4), 0x5a5a5a5a);
    ck_assert_uint_eq(rd32(m, 0x0), 0x5a5a5a5a);
    /* enter 20h, 0 at ESP = 1C: the slot at 18 fits, but the new ESP
     * 18 - 20 wraps to FFFFFFF8, outside the segment: #SS(0) too. */
    c->gpr[R_ESP] = 0x1c;
    const uint8_t b2[] = {0xc8, 0x20, 0x00, 0x00};
    ck_assert_int_eq(um_run_handler(m, op_enter, b2, sizeof b2), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_SS);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x1c);
    um_free(m);
}
END_TEST

static Suite *stack_suite(void)
{
    Suite *s = suite_create("stack");
    TCase *t = tcase_create("push pop");
    tcase_add_test(t, test_push_pop_registers);
    tcase_add_test(t, test_push_sp_pushes_old_value);
    tcase_add_test(t, test_pop_sp_loads_popped_value);
    tcase_add_test(t, test_push_immediates);
    tcase_add_test(t, test_push_pop_memory);
    tcase_add_test(t, test_pop_memory_fault_restores_esp);
    tcase_add_test(t, test_pusha_popa_16);
    tcase_add_test(t, test_pushad_32_and_fault);
    suite_add_tcase(s, t);
    t = tcase_create("flags");
    tcase_add_test(t, test_pushf_image);
    tcase_add_test(t, test_popf_real_mode);
    tcase_add_test(t, test_popf_privilege_rules);
    tcase_add_test(t, test_popf_16bit_keeps_upper);
    suite_add_tcase(s, t);
    t = tcase_create("frames");
    tcase_add_test(t, test_enter_levels);
    tcase_add_test(t, test_enter_leave_16);
    tcase_add_test(t, test_enter_fault_changes_nothing);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(stack_suite());
}
