/*
 * test_ctrl.c - near control transfers (ops_ctrl.c) and the interrupt-flag
 * and halt instructions (ops_io.c).
 *
 * Most cases run hand-assembled bytes through cpu_step() in real mode (CS =
 * 0, code at 0100h, stack at 0000:8000) or in a flat 32-bit protected mode
 * set up by writing the segment caches directly. The expected targets are
 * worked out by hand in the comments, from the SDM's rules, not by calling
 * the code under test. Cases that fault call the handler directly and look
 * at its return value and c->exc, so they do not depend on exception
 * delivery.
 */
#include "interp/ops.h"
#include "unit_util.h"

#define CODE  0x100  /* real-mode code offset */
#define STACK 0x8000 /* real-mode initial SP */

/* A real-mode machine with SS:SP = 0000:8000 and CS:IP = 0000:0100. */
static struct unit_machine *real_machine(void)
{
    struct unit_machine *m = um_new(1 << 20);
    m->cpu.gpr[R_ESP] = STACK;
    m->cpu.eip = CODE;
    return m;
}

/* Switch to flat 32-bit protected mode at CPL 0: 4 GiB segments, except
 * that CS gets cs_limit so that transfers beyond it can be tried. */
static void flat32(struct unit_machine *m, uint32_t cs_limit)
{
    struct cpu *c = &m->cpu;
    uint16_t big = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G;
    c->cr0 |= CR0_PE;
    c->seg[SEG_CS] = seg_make(0x08, 0, cs_limit, big | SEG_TYPE_CODE | SEG_TYPE_READABLE);
    for (int s = SEG_ES; s <= SEG_GS; s++) {
        if (s != SEG_CS)
            c->seg[s] = seg_make(0x10, 0, 0xffffffffu, big | SEG_TYPE_WRITABLE);
    }
    cpu_update_mode(c);
}

static uint16_t rd16(struct unit_machine *m, uint32_t pa)
{
    return (uint16_t)ld_le(m->bus.ram + pa, 2);
}

static uint32_t rd32(struct unit_machine *m, uint32_t pa)
{
    return ld_le(m->bus.ram + pa, 4);
}

START_TEST(test_jcc_taken_and_not)
{
    struct unit_machine *m = real_machine();
    /* 0100: 74 05  je +5 -> 0107 when ZF = 1, else falls to 0102 */
    um_load(m, CODE, (const uint8_t[]){0x74, 0x05}, 2);
    m->cpu.eflags |= FL_ZF;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x107);

    m->cpu.eip = CODE;
    m->cpu.eflags &= ~FL_ZF;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x102);

    /* 0100: 0F 8C 00 10  jl +1000h: SF != OF -> 0104 + 1000 = 1104 */
    um_load(m, CODE, (const uint8_t[]){0x0f, 0x8c, 0x00, 0x10}, 4);
    m->cpu.eip = CODE;
    m->cpu.eflags = FL_FIXED1 | FL_SF;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x1104);
    /* jg with ZF = 1 is not taken: 7F 10 */
    um_load(m, CODE, (const uint8_t[]){0x7f, 0x10}, 2);
    m->cpu.eip = CODE;
    m->cpu.eflags = FL_FIXED1 | FL_ZF;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x102);
    um_free(m);
}
END_TEST

START_TEST(test_jmp_ip_wraps_at_64k)
{
    struct unit_machine *m = real_machine();
    /* CS = 1000h (base 10000h). At IP FFF0: EB 20 -> FFF2 + 20 = 10012,
     * cut to 16 bits: 0012. */
    cpu_load_real_seg(&m->cpu, SEG_CS, 0x1000);
    um_load(m, 0x1fff0, (const uint8_t[]){0xeb, 0x20}, 2);
    m->cpu.eip = 0xfff0;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x0012);

    /* At IP 0005: EB F0 (-16) -> 0007 - 16 = FFF7. */
    um_load(m, 0x10005, (const uint8_t[]){0xeb, 0xf0}, 2);
    m->cpu.eip = 0x0005;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0xfff7);

    /* At IP FFF0: E9 00 01 (rel16 +100h) -> FFF3 + 100 = 100F3 -> 00F3. */
    um_load(m, 0x1fff0, (const uint8_t[]){0xe9, 0x00, 0x01}, 3);
    m->cpu.eip = 0xfff0;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x00f3);
    um_free(m);
}
END_TEST

START_TEST(test_jmp_rel32_in_real_mode_checks_limit)
{
    struct unit_machine *m = real_machine();
    /* 66 E9 rel32: the operand size is 32, so no 16-bit wrap; the target
     * 0107 + 10000 = 10107 is beyond the 64 KiB CS limit: #GP(0). */
    const uint8_t b[] = {0x66, 0xe9, 0x00, 0x00, 0x01, 0x00};
    ck_assert_int_eq(um_run_handler(m, op_jmp_near, b, sizeof b), CPU_FAULT);
    ck_assert_int_eq(m->cpu.exc.vector, EXC_GP);
    ck_assert_uint_eq(m->cpu.exc.error, 0);
    um_free(m);
}
END_TEST

START_TEST(test_jmp_indirect)
{
    struct unit_machine *m = real_machine();
    /* FF 26 00 20  jmp [2000h], the word there is 1234h */
    um_load(m, 0x2000, (const uint8_t[]){0x34, 0x12, 0x99, 0x99}, 4);
    um_load(m, CODE, (const uint8_t[]){0xff, 0x26, 0x00, 0x20}, 4);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x1234);

    /* FF E3  jmp bx: only BX counts with a 16-bit operand */
    um_load(m, 0x1234, (const uint8_t[]){0xff, 0xe3}, 2);
    m->cpu.gpr[R_EBX] = 0xabcd0222;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x0222);
    um_free(m);
}
END_TEST

START_TEST(test_call_ret_real_mode)
{
    struct unit_machine *m = real_machine();
    /* 0100: E8 FD 0E  call +0EFDh -> 0103 + 0EFD = 1000, pushes 0103
     * 1000: C2 04 00  ret 4 -> IP 0103, SP = 8000 - 2 + 2 + 4 = 8004 */
    um_load(m, CODE, (const uint8_t[]){0xe8, 0xfd, 0x0e}, 3);
    um_load(m, 0x1000, (const uint8_t[]){0xc2, 0x04, 0x00}, 3);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x1000);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], STACK - 2);
    ck_assert_uint_eq(rd16(m, STACK - 2), 0x0103);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x0103);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], STACK + 4);
    um_free(m);
}
END_TEST

START_TEST(test_call_ret_flat32)
{
    struct unit_machine *m = um_new(1 << 20);
    flat32(m, 0xffffffffu);
    m->cpu.gpr[R_ESP] = 0x9000;
    m->cpu.eip = 0x400;
    /* 0400: E8 FB 0B 00 00  call +0BFBh -> 0405 + 0BFB = 1000
     * 1000: FF D0           call eax (EAX = 2000), pushes 1002
     * 2000: C3              ret -> 1002
     * 1002: C3              ret -> 0405 */
    um_load(m, 0x400, (const uint8_t[]){0xe8, 0xfb, 0x0b, 0x00, 0x00}, 5);
    um_load(m, 0x1000, (const uint8_t[]){0xff, 0xd0, 0xc3}, 3);
    um_load(m, 0x2000, (const uint8_t[]){0xc3}, 1);
    m->cpu.gpr[R_EAX] = 0x2000;
    um_step(m, 2);
    ck_assert_uint_eq(m->cpu.eip, 0x2000);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x9000 - 8);
    ck_assert_uint_eq(rd32(m, 0x9000 - 4), 0x405);
    ck_assert_uint_eq(rd32(m, 0x9000 - 8), 0x1002);
    um_step(m, 2);
    ck_assert_uint_eq(m->cpu.eip, 0x405);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x9000);
    um_free(m);
}
END_TEST

START_TEST(test_call_indirect_reads_old_esp)
{
    struct unit_machine *m = um_new(1 << 20);
    flat32(m, 0xffffffffu);
    /* FF 14 24  call [esp]: the target is the dword at the OLD top of
     * stack (3000h); the return address then overwrites the slot below. */
    m->cpu.gpr[R_ESP] = 0x9000;
    m->cpu.eip = 0x400;
    um_load(m, 0x9000, (const uint8_t[]){0x00, 0x30, 0x00, 0x00}, 4);
    um_load(m, 0x400, (const uint8_t[]){0xff, 0x14, 0x24}, 3);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x3000);
    ck_assert_uint_eq(rd32(m, 0x8ffc), 0x403);
    um_free(m);
}
END_TEST

START_TEST(test_call_beyond_limit_leaves_esp)
{
    struct unit_machine *m = um_new(1 << 20);
    flat32(m, 0xfffff);
    m->cpu.gpr[R_ESP] = 0x9000;
    m->cpu.eip = 0x400;
    memset(m->bus.ram + 0x8ff0, 0x5a, 0x10);
    /* E8 rel32 to 0405 + 00200000 = 00200405 > CS limit FFFFF: #GP(0) */
    const uint8_t rel[] = {0xe8, 0x00, 0x00, 0x20, 0x00};
    ck_assert_int_eq(um_run_handler(m, op_call_near, rel, sizeof rel), CPU_FAULT);
    ck_assert_int_eq(m->cpu.exc.vector, EXC_GP);
    ck_assert_uint_eq(m->cpu.exc.error, 0);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x9000);
    ck_assert_uint_eq(rd32(m, 0x8ffc), 0x5a5a5a5a); /* nothing pushed */

    /* FF D1  call ecx with ECX = 100000h (one past the limit): #GP too. */
    m->cpu.eip = 0x400;
    m->cpu.gpr[R_ECX] = 0x100000;
    const uint8_t ind[] = {0xff, 0xd1};
    ck_assert_int_eq(um_run_handler(m, op_call_near, ind, sizeof ind), CPU_FAULT);
    ck_assert_int_eq(m->cpu.exc.vector, EXC_GP);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x9000);
    ck_assert_uint_eq(rd32(m, 0x8ffc), 0x5a5a5a5a);

    /* ECX = FFFFFh is the last byte inside the segment: allowed. */
    m->cpu.eip = 0x400;
    m->cpu.gpr[R_ECX] = 0xfffff;
    ck_assert_int_eq(um_run_handler(m, op_call_near, ind, sizeof ind), 0);
    ck_assert_uint_eq(m->cpu.eip, 0xfffff);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x8ffc);
    um_free(m);
}
END_TEST

START_TEST(test_ret_beyond_limit_leaves_esp)
{
    struct unit_machine *m = um_new(1 << 20);
    flat32(m, 0xfffff);
    m->cpu.gpr[R_ESP] = 0x9000;
    m->cpu.eip = 0x400;
    um_load(m, 0x9000, (const uint8_t[]){0x00, 0x00, 0x10, 0x00}, 4); /* 100000h */
    /* C2 08 00  ret 8 to 100000h, one past the limit: #GP(0) */
    const uint8_t b[] = {0xc2, 0x08, 0x00};
    ck_assert_int_eq(um_run_handler(m, op_ret_near, b, sizeof b), CPU_FAULT);
    ck_assert_int_eq(m->cpu.exc.vector, EXC_GP);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x9000);
    um_free(m);
}
END_TEST

START_TEST(test_ret_sp_wraps_on_16bit_stack)
{
    struct unit_machine *m = real_machine();
    /* SP = FFFE: RET pops the word at FFFE and SP wraps to 0000; ESP's
     * upper half is not touched by a 16-bit stack. */
    m->cpu.gpr[R_ESP] = 0x0005fffe;
    um_load(m, 0xfffe, (const uint8_t[]){0x00, 0x30}, 2);
    um_load(m, CODE, (const uint8_t[]){0xc3}, 1);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x3000);
    ck_assert_uint_eq(m->cpu.gpr[R_ESP], 0x00050000);
    um_free(m);
}
END_TEST

START_TEST(test_loop_counts_cx)
{
    struct unit_machine *m = real_machine();
    /* 0100: E2 FE  loop $ ; with ECX = 0001 0003 in 16-bit addressing
     * only CX counts: 3 iterations, then fall through to 0102 with
     * ECX = 0001 0000. The flags are untouched. */
    um_load(m, CODE, (const uint8_t[]){0xe2, 0xfe}, 2);
    m->cpu.gpr[R_ECX] = 0x00010003;
    m->cpu.eflags = FL_FIXED1 | FL_CF | FL_ZF | FL_SF;
    um_step(m, 2);
    ck_assert_uint_eq(m->cpu.eip, CODE);
    ck_assert_uint_eq(m->cpu.gpr[R_ECX], 0x00010001);
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, CODE + 2);
    ck_assert_uint_eq(m->cpu.gpr[R_ECX], 0x00010000);
    ck_assert_uint_eq(m->cpu.eflags, FL_FIXED1 | FL_CF | FL_ZF | FL_SF);
    um_free(m);
}
END_TEST

START_TEST(test_loop_address_size_override)
{
    struct unit_machine *m = real_machine();
    /* 67 E2 FD  loop $ with ECX: ECX = 0001 0000 -> 0000 FFFF, not zero,
     * so it jumps (to 0103 - 3 = 0100). Without 67 the same ECX would
     * make CX = 0 -> FFFF as well, so also check ECX = 0001 0001. */
    um_load(m, CODE, (const uint8_t[]){0x67, 0xe2, 0xfd}, 3);
    m->cpu.gpr[R_ECX] = 0x00010000;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, CODE);
    ck_assert_uint_eq(m->cpu.gpr[R_ECX], 0x0000ffff);

    /* ECX = 0001 0001 -> 0001 0000: jumps, although CX alone would have
     * reached 0 (the operand size is 16 here; it does not count). */
    m->cpu.eip = CODE;
    m->cpu.gpr[R_ECX] = 0x00010001;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, CODE);
    ck_assert_uint_eq(m->cpu.gpr[R_ECX], 0x00010000);

    m->cpu.gpr[R_ECX] = 0x00000001; /* ECX 1 -> 0: falls through */
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, CODE + 3);
    ck_assert_uint_eq(m->cpu.gpr[R_ECX], 0);

    /* E2 FE with CX = 0001 but ECX = 0002 0001: CX -> 0, falls through,
     * while 67 E2 would have jumped. */
    um_load(m, CODE, (const uint8_t[]){0xe2, 0xfe}, 2);
    m->cpu.eip = CODE;
    m->cpu.gpr[R_ECX] = 0x00020001;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, CODE + 2);
    ck_assert_uint_eq(m->cpu.gpr[R_ECX], 0x00020000);
    um_free(m);
}
END_TEST

START_TEST(test_loope_loopne)
{
    struct unit_machine *m = real_machine();
    /* E1 10  loope +10: CX 5 -> 4, ZF = 1: taken to 0112 */
    um_load(m, CODE, (const uint8_t[]){0xe1, 0x10}, 2);
    m->cpu.gpr[R_ECX] = 5;
    m->cpu.eflags = FL_FIXED1 | FL_ZF;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x112);
    ck_assert_uint_eq(m->cpu.gpr[R_ECX], 4);
    /* ZF = 0: not taken, CX still decremented */
    m->cpu.eip = CODE;
    m->cpu.eflags = FL_FIXED1;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x102);
    ck_assert_uint_eq(m->cpu.gpr[R_ECX], 3);
    /* E0 10  loopne: ZF = 0 and CX 3 -> 2: taken */
    um_load(m, CODE, (const uint8_t[]){0xe0, 0x10}, 2);
    m->cpu.eip = CODE;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x112);
    ck_assert_uint_eq(m->cpu.gpr[R_ECX], 2);
    um_free(m);
}
END_TEST

START_TEST(test_loop_fault_keeps_counter)
{
    struct unit_machine *m = um_new(1 << 20);
    flat32(m, 0xfff);
    /* E2 70 at 0F80: target 0F82 + 70 = 0FF2 ... inside; E2 7F at 0FF0:
     * target 0FF2 + 7F = 1071 > limit FFF: #GP, ECX not decremented. */
    m->cpu.eip = 0xff0;
    m->cpu.gpr[R_ECX] = 7;
    const uint8_t b[] = {0xe2, 0x7f};
    ck_assert_int_eq(um_run_handler(m, op_loop, b, sizeof b), CPU_FAULT);
    ck_assert_int_eq(m->cpu.exc.vector, EXC_GP);
    ck_assert_uint_eq(m->cpu.gpr[R_ECX], 7);
    um_free(m);
}
END_TEST

START_TEST(test_jcxz)
{
    struct unit_machine *m = real_machine();
    /* E3 20  jcxz +20 with ECX = 0001 0000: CX = 0, taken to 0122 */
    um_load(m, CODE, (const uint8_t[]){0xe3, 0x20}, 2);
    m->cpu.gpr[R_ECX] = 0x00010000;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x122);
    ck_assert_uint_eq(m->cpu.gpr[R_ECX], 0x00010000);
    /* 67 E3 20  jecxz: ECX != 0, not taken */
    um_load(m, CODE, (const uint8_t[]){0x67, 0xe3, 0x20}, 3);
    m->cpu.eip = CODE;
    um_step(m, 1);
    ck_assert_uint_eq(m->cpu.eip, 0x103);
    um_free(m);
}
END_TEST

START_TEST(test_cli_sti_rules)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    const uint8_t cli[] = {0xfa}, sti[] = {0xfb};
    /* Real mode: always allowed. STI from IF = 0 opens the shadow. */
    ck_assert_int_eq(um_run_handler(m, op_sti, sti, 1), 0);
    ck_assert(c->eflags & FL_IF);
    ck_assert(c->intr_shadow);
    c->intr_shadow = false;
    ck_assert_int_eq(um_run_handler(m, op_sti, sti, 1), 0); /* IF already 1 */
    ck_assert(!c->intr_shadow);
    ck_assert_int_eq(um_run_handler(m, op_cli, cli, 1), 0);
    ck_assert(!(c->eflags & FL_IF));

    /* CPL 3 with IOPL 0: #GP(0), IF unchanged. */
    flat32(m, 0xffffffffu);
    c->seg[SEG_CS].sel = 0x1b;
    cpu_update_mode(c);
    ck_assert_int_eq(c->cpl, 3);
    ck_assert_int_eq(um_run_handler(m, op_sti, sti, 1), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_GP);
    ck_assert(!(c->eflags & FL_IF));
    /* IOPL 3: allowed. */
    c->eflags |= FL_IOPL;
    ck_assert_int_eq(um_run_handler(m, op_sti, sti, 1), 0);
    ck_assert(c->eflags & FL_IF);
    /* v86 mode with IOPL 2: #GP; with IOPL 3: allowed. */
    c->eflags = (c->eflags & ~FL_IOPL) | (2u << FL_IOPL_SHIFT) | FL_VM;
    cpu_update_mode(c);
    ck_assert_int_eq(um_run_handler(m, op_cli, cli, 1), CPU_FAULT);
    ck_assert(c->eflags & FL_IF);
    c->eflags |= FL_IOPL;
    ck_assert_int_eq(um_run_handler(m, op_cli, cli, 1), 0);
    ck_assert(!(c->eflags & FL_IF));
    um_free(m);
}
END_TEST

START_TEST(test_hlt)
{
    struct unit_machine *m = real_machine();
    um_load(m, CODE, (const uint8_t[]){0xf4}, 1);
    um_step(m, 1);
    ck_assert_int_eq(m->cpu.stop, CPU_HALTED);
    ck_assert_uint_eq(m->cpu.eip, CODE + 1);

    /* CPL 3: #GP(0), not halted. */
    m->cpu.stop = CPU_RUNNING;
    flat32(m, 0xffffffffu);
    m->cpu.seg[SEG_CS].sel = 0x1b;
    cpu_update_mode(&m->cpu);
    ck_assert_int_eq(um_run_handler(m, op_hlt, (const uint8_t[]){0xf4}, 1), CPU_FAULT);
    ck_assert_int_eq(m->cpu.exc.vector, EXC_GP);
    ck_assert_int_eq(m->cpu.stop, CPU_RUNNING);
    um_free(m);
}
END_TEST

static Suite *ctrl_suite(void)
{
    Suite *s = suite_create("ctrl");
    TCase *t = tcase_create("near");
    tcase_add_test(t, test_jcc_taken_and_not);
    tcase_add_test(t, test_jmp_ip_wraps_at_64k);
    tcase_add_test(t, test_jmp_rel32_in_real_mode_checks_limit);
    tcase_add_test(t, test_jmp_indirect);
    tcase_add_test(t, test_call_ret_real_mode);
    tcase_add_test(t, test_call_ret_flat32);
    tcase_add_test(t, test_call_indirect_reads_old_esp);
    tcase_add_test(t, test_call_beyond_limit_leaves_esp);
    tcase_add_test(t, test_ret_beyond_limit_leaves_esp);
    tcase_add_test(t, test_ret_sp_wraps_on_16bit_stack);
    suite_add_tcase(s, t);
    t = tcase_create("loop");
    tcase_add_test(t, test_loop_counts_cx);
    tcase_add_test(t, test_loop_address_size_override);
    tcase_add_test(t, test_loope_loopne);
    tcase_add_test(t, test_loop_fault_keeps_counter);
    tcase_add_test(t, test_jcxz);
    suite_add_tcase(s, t);
    t = tcase_create("interrupt flag");
    tcase_add_test(t, test_cli_sti_rules);
    tcase_add_test(t, test_hlt);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(ctrl_suite());
}
