/*
 * test_seg.c - segmentation (mmu/seg.c), the segment-register instructions
 * (ops_seg.c) and far transfers (ops_far.c): descriptor decoding, every
 * check and error code of a segment-register load in real, v86 and
 * protected mode, far JMP/CALL/RET at one level, through call gates with
 * the stack switch and parameter copy, back to an outer level, and to
 * tasks.
 *
 * The tables live in RAM (seg_util.h). Expected values (bases, stack
 * images, error codes) come from the SDM pseudo-code, worked out in the
 * comments. Instructions that succeed run through cpu_step() or their
 * handler; instructions that must fault go to their handler directly.
 */
#include "seg_util.h"

/* Load sel into sreg through MOV Sreg, AX (8E /r with AX as source). */
static int mov_sreg(struct cpu *c, int sreg, uint16_t sel)
{
    c->gpr[R_EAX] = sel;
    return RUN(c, op_mov_Sw_Ew, 0x8e, (uint8_t)(0xc0 | (sreg << 3)));
}

/* ---------------------------------------------------------------------- */
/* descriptor fields                                                        */

START_TEST(test_desc_fields)
{
    /* base 0x56781234, limit 0xfffff with G: 4 GiB - 1; access 0x9a;
     * flags G|D: attr = 0x9a | 0xc00. */
    struct desc d = {0x1234ffff, 0x56cf9a78};
    ck_assert_uint_eq(desc_base(d), 0x56781234u);
    ck_assert_uint_eq(desc_limit(d), 0xffffffffu);
    ck_assert_uint_eq(desc_attr(d), 0xc9au);
    /* G = 0: limit 0x5abcd bytes; AVL only in flags -> attr bit 8. */
    d = (struct desc){0x0000abcd, 0x00150000 | 0xf200};
    ck_assert_uint_eq(desc_base(d), 0);
    ck_assert_uint_eq(desc_limit(d), 0x5abcdu);
    ck_assert_uint_eq(desc_attr(d), 0x1f2u);
    /* G = 1, limit field 0xabcde: (0xabcde << 12) | 0xfff. */
    d = (struct desc){0x0000bcde, 0x008a0000};
    ck_assert_uint_eq(desc_limit(d), 0xabcdefffu);
    ck_assert_uint_eq(desc_attr(d) & SEG_ATTR_G, SEG_ATTR_G);
}
END_TEST

START_TEST(test_read_desc_limits)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    struct desc d;
    /* Last entry inside the limit reads; one beyond raises #GP(sel & ~3). */
    ck_assert_int_eq(seg_read_desc(c, (GDT_ENTRIES - 1) * 8, &d, EXC_GP), 0);
    assert_fault(c, seg_read_desc(c, GDT_ENTRIES * 8 + 3, &d, EXC_GP), EXC_GP, GDT_ENTRIES * 8);
    assert_fault(c, seg_read_desc(c, GDT_ENTRIES * 8, &d, EXC_TS), EXC_TS, GDT_ENTRIES * 8);
    /* A limit that cuts the descriptor in half: entry 1 needs 15 <= limit. */
    c->gdtr.limit = 14;
    assert_fault(c, seg_read_desc(c, 0x08, &d, EXC_GP), EXC_GP, 0x08);
    um_free(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* seg_load: real and virtual-8086 mode                                     */

START_TEST(test_load_real_mode)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    /* Unreal mode: a 4 GiB limit left by protected mode survives. */
    c->seg[SEG_DS].limit = 0xffffffffu;
    cpu_seg_changed(c, SEG_DS); /* changed in place: cpu.h */
    ck_assert_int_eq(seg_load(c, SEG_DS, 0x1234), 0);
    ck_assert_uint_eq(c->seg[SEG_DS].sel, 0x1234);
    ck_assert_uint_eq(c->seg[SEG_DS].base, 0x12340);
    ck_assert_uint_eq(c->seg[SEG_DS].limit, 0xffffffffu);
    /* A cache left unusable (null in protected mode) becomes usable. */
    c->seg[SEG_ES] = seg_make(0, 0, 0xffff, 0);
    ck_assert_int_eq(seg_load(c, SEG_ES, 0xb800), 0);
    ck_assert_uint_eq(c->seg[SEG_ES].base, 0xb8000);
    ck_assert(c->seg[SEG_ES].attr & SEG_ATTR_P);
    uint32_t v;
    ck_assert_int_eq(mmu_read(c, SEG_ES, 0, 2, &v), 0);
    /* A load of SS alone sets no interrupt shadow (LSS, far transfers):
     * only MOV SS and POP SS do (test_load_ss_checks, test_lss_no_shadow). */
    c->intr_shadow = false;
    ck_assert_int_eq(seg_load(c, SEG_SS, 0x2000), 0);
    ck_assert(!c->intr_shadow);
    ck_assert_uint_eq(c->seg[SEG_SS].base, 0x20000);
    c->gpr[R_EAX] = 0x3000;
    ck_assert_int_eq(RUN(c, op_mov_Sw_Ew, 0x8e, 0xd0), 0); /* MOV SS, AX */
    ck_assert(c->intr_shadow);
    ck_assert_uint_eq(c->seg[SEG_SS].base, 0x30000);
    um_free(m);
}
END_TEST

START_TEST(test_load_v86_mode)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    c->eflags |= FL_VM;
    cpu_update_mode(c);
    ck_assert_int_eq(c->cpl, 3);
    /* Any selector goes: base = sel * 16, 64 KiB, DPL 3 writable data. */
    ck_assert_int_eq(seg_load(c, SEG_DS, 0xffff), 0);
    ck_assert_uint_eq(c->seg[SEG_DS].base, 0xffff0);
    ck_assert_uint_eq(c->seg[SEG_DS].limit, 0xffff);
    ck_assert_uint_eq(c->seg[SEG_DS].attr & SEG_ATTR_DPL, 3u << SEG_ATTR_DPL_SHIFT);
    ck_assert(c->seg[SEG_DS].attr & SEG_ATTR_P);
    ck_assert(c->seg[SEG_DS].attr & SEG_TYPE_WRITABLE);
    /* SS becomes a 16-bit stack. */
    ck_assert_int_eq(seg_load(c, SEG_SS, 0x0100), 0);
    ck_assert(!c->stack32);
    ck_assert_uint_eq(c->seg[SEG_SS].base, 0x1000);
    um_free(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* seg_load: protected mode                                                 */

START_TEST(test_load_null)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    uint32_t v;
    /* Null (with any RPL) into DS is fine; using DS then is #GP(0). */
    ck_assert_int_eq(mov_sreg(c, SEG_DS, 0x0003), 0);
    ck_assert_uint_eq(c->seg[SEG_DS].sel, 3);
    ck_assert_uint_eq(c->seg[SEG_DS].attr, 0);
    assert_fault(c, mmu_read(c, SEG_DS, 0, 4, &v), EXC_GP, 0);
    /* Null into SS is #GP(0), and SS stays as it was. */
    assert_fault(c, mov_sreg(c, SEG_SS, 0), EXC_GP, 0);
    ck_assert_uint_eq(c->seg[SEG_SS].sel, S_DATA0);
    um_free(m);
}
END_TEST

START_TEST(test_load_checks)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    /* Beyond the GDT limit: #GP(selector without RPL). */
    assert_fault(c, mov_sreg(c, SEG_DS, 0x0403), EXC_GP, 0x0400);
    /* A system descriptor (TSS) is not data: #GP(sel). */
    assert_fault(c, mov_sreg(c, SEG_DS, S_TSS), EXC_GP, S_TSS);
    /* Execute-only code is not readable: #GP(sel). */
    assert_fault(c, mov_sreg(c, SEG_ES, S_XONLY), EXC_GP, S_XONLY);
    /* RPL 3 > DPL 0 on a data segment: #GP(sel & ~3). */
    assert_fault(c, mov_sreg(c, SEG_FS, S_DATA0 | 3), EXC_GP, S_DATA0);
    /* RPL 1 <= DPL 1 and CPL 0 <= DPL 1: fine. */
    ck_assert_int_eq(mov_sreg(c, SEG_FS, S_DATA1 | 1), 0);
    /* Not present: #NP(sel), after the type checks. */
    assert_fault(c, mov_sreg(c, SEG_GS, S_NP), EXC_NP, S_NP);
    /* Readable conforming code may go into DS with any RPL. */
    ck_assert_int_eq(mov_sreg(c, SEG_GS, S_CONF0 | 3), 0);
    ck_assert_uint_eq(c->seg[SEG_GS].sel, S_CONF0 | 3);
    um_free(m);
}
END_TEST

START_TEST(test_load_checks_cpl3)
{
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    /* CPL 3 > DPL 0: #GP(sel). */
    assert_fault(c, mov_sreg(c, SEG_DS, S_DATA0), EXC_GP, S_DATA0);
    /* Conforming code skips the privilege check. */
    ck_assert_int_eq(mov_sreg(c, SEG_DS, S_CONF0), 0);
    /* The LDT: LDTR must be loaded; LDT_DATA3 lies at base 0x40000. */
    c->seg[SEG_LDTR] = seg_make(0, 0, 0, 0);
    assert_fault(c, mov_sreg(c, SEG_ES, LDT_DATA3 | 3), EXC_GP, LDT_DATA3);
    set_seg(m, SEG_LDTR, S_LDTD);
    ck_assert_int_eq(mov_sreg(c, SEG_ES, LDT_DATA3 | 3), 0);
    ck_assert_uint_eq(c->seg[SEG_ES].base, 0x40000);
    assert_fault(c, mov_sreg(c, SEG_ES, 0x14 | 3), EXC_GP, 0x14); /* LDT limit 0x0f */
    um_free(m);
}
END_TEST

START_TEST(test_load_ss_checks)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    /* RPL != CPL, DPL != CPL, read-only, code: all #GP(sel). */
    assert_fault(c, mov_sreg(c, SEG_SS, S_DATA0 | 1), EXC_GP, S_DATA0);
    assert_fault(c, mov_sreg(c, SEG_SS, S_DATA1), EXC_GP, S_DATA1);
    assert_fault(c, mov_sreg(c, SEG_SS, S_RO0), EXC_GP, S_RO0);
    assert_fault(c, mov_sreg(c, SEG_SS, S_CODE0), EXC_GP, S_CODE0);
    /* Not present: #SS(sel), not #NP. */
    assert_fault(c, mov_sreg(c, SEG_SS, S_NP), EXC_SS, S_NP);
    /* A good one: 16-bit stack now? S_BIG is 32-bit (B = 1). */
    c->intr_shadow = false;
    ck_assert_int_eq(mov_sreg(c, SEG_SS, S_BIG), 0);
    ck_assert(c->intr_shadow);
    ck_assert_uint_eq(c->seg[SEG_SS].base, 0x12345678u);
    ck_assert_uint_eq(c->seg[SEG_SS].limit, 0xabcdefffu);
    ck_assert(c->stack32);
    um_free(m);
}
END_TEST

START_TEST(test_load_sets_accessed)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    ck_assert_uint_eq(access_byte(m, S_DATA1), 0xb2);
    ck_assert_int_eq(mov_sreg(c, SEG_FS, S_DATA1), 0);
    /* Type bit 0 (accessed) now set in the table and in the cache. */
    ck_assert_uint_eq(access_byte(m, S_DATA1), 0xb3);
    ck_assert_uint_eq(c->seg[SEG_FS].attr & 0xff, 0xb3);
    um_free(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* MOV/PUSH/POP Sreg and LxS                                                */

START_TEST(test_sreg_moves)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    /* MOV CS, AX (8E C8) and MOV Sreg 6 (8E F0) are #UD. */
    assert_fault(c, RUN(c, op_mov_Sw_Ew, 0x8e, 0xc8), EXC_UD, 0);
    assert_fault(c, RUN(c, op_mov_Sw_Ew, 0x8e, 0xf0), EXC_UD, 0);
    /* MOV EAX, DS (8C D8) zero-extends; MOV AX, DS (66 8C D8) keeps the top. */
    c->gpr[R_EAX] = 0xdeadbeef;
    ck_assert_int_eq(RUN(c, op_mov_Ev_Sw, 0x8c, 0xd8), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], S_DATA0);
    c->gpr[R_EAX] = 0xdeadbeef;
    ck_assert_int_eq(RUN(c, op_mov_Ev_Sw, 0x66, 0x8c, 0xd8), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0xdead0000u | S_DATA0);
    /* MOV [EBX], DS (8C 1B) writes 2 bytes only. */
    c->gpr[R_EBX] = 0x7000;
    wr32(m, 0x7000, 0xffffffff);
    ck_assert_int_eq(RUN(c, op_mov_Ev_Sw, 0x8c, 0x1b), 0);
    ck_assert_uint_eq(rd32(m, 0x7000), 0xffff0000u | S_DATA0);
    um_free(m);
}
END_TEST

START_TEST(test_push_pop_sreg)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    /* PUSH DS (1E), 32-bit: ESP -= 4, only the low word written. */
    wr32(m, STACK0 - 4, 0xaaaaaaaa);
    ck_assert_int_eq(RUN(c, op_push_sreg, 0x1e), 0);
    ck_assert_uint_eq(c->gpr[R_ESP], STACK0 - 4);
    ck_assert_uint_eq(rd32(m, STACK0 - 4), 0xaaaa0000u | S_DATA0);
    /* PUSH FS (0F A0) 16-bit: ESP -= 2. */
    ck_assert_int_eq(RUN(c, op_push_sreg, 0x66, 0x0f, 0xa0), 0);
    ck_assert_uint_eq(c->gpr[R_ESP], STACK0 - 6);
    /* POP GS (0F A9) with 16 bits: GS = the FS value pushed. */
    ck_assert_int_eq(RUN(c, op_pop_sreg, 0x66, 0x0f, 0xa9), 0);
    ck_assert_uint_eq(c->seg[SEG_GS].sel, c->seg[SEG_FS].sel);
    /* POP SS (17) of a bad selector faults and leaves ESP alone. */
    wr32(m, STACK0 - 4, S_RO0);
    assert_fault(c, RUN(c, op_pop_sreg, 0x17), EXC_GP, S_RO0);
    ck_assert_uint_eq(c->gpr[R_ESP], STACK0 - 4);
    /* POP ES (07) of a good one: ESP += 4. */
    wr32(m, STACK0 - 4, 0xffff0000u | S_DATA1);
    ck_assert_int_eq(RUN(c, op_pop_sreg, 0x07), 0);
    ck_assert_uint_eq(c->seg[SEG_ES].sel, S_DATA1);
    ck_assert_uint_eq(c->gpr[R_ESP], STACK0);
    um_free(m);
}
END_TEST

START_TEST(test_load_far_pointer)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    /* LSS ESP, [EBX] (0F B2 23): offset dword then selector word. */
    c->gpr[R_EBX] = 0x7000;
    wr32(m, 0x7000, 0x00123456);
    wr16(m, 0x7004, S_BIG);
    c->intr_shadow = false;
    ck_assert_int_eq(RUN(c, op_load_far_ptr, 0x0f, 0xb2, 0x23), 0);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x00123456);
    ck_assert_uint_eq(c->seg[SEG_SS].sel, S_BIG);
    /* LSS loads SS:ESP at once: no interrupt shadow (SDM vol. 3, 6.8.3),
     * unlike MOV SS and POP SS. */
    ck_assert(!c->intr_shadow);
    /* POP SS (17) does set it. */
    ck_assert_int_eq(seg_load(c, SEG_SS, S_DATA0), 0);
    c->gpr[R_ESP] = 0x7010;
    wr16(m, 0x7010, S_BIG);
    ck_assert_int_eq(RUN(c, op_pop_sreg, 0x17), 0);
    ck_assert(c->intr_shadow);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x7014);
    c->intr_shadow = false;
    /* LES AX, [EBX] (66 C4 03) with a not-present selector: #NP, AX kept. */
    wr16(m, 0x7002, S_NP);
    c->gpr[R_EAX] = 0x11112222;
    assert_fault(c, RUN(c, op_load_far_ptr, 0x66, 0xc4, 0x03), EXC_NP, S_NP);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x11112222);
    /* LDS AX, [EBX] 16-bit: offset word 0x3456, selector at +2. */
    wr16(m, 0x7002, S_DATA1);
    ck_assert_int_eq(RUN(c, op_load_far_ptr, 0x66, 0xc5, 0x03), 0);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x11113456);
    ck_assert_uint_eq(c->seg[SEG_DS].sel, S_DATA1);
    um_free(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* far transfers: real mode                                                 */

START_TEST(test_far_real_mode)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    c->gpr[R_ESP] = 0x8000;
    /* 0000:0000 call 1000:0100; 1000:0100 retf 2 ; 0000:0005 jmp 2000:0010 */
    um_load(m, 0x0000, (const uint8_t[]){0x9a, 0x00, 0x01, 0x00, 0x10}, 5);
    um_load(m, 0x10100, (const uint8_t[]){0xca, 0x02, 0x00}, 3);
    um_load(m, 0x0005, (const uint8_t[]){0xea, 0x10, 0x00, 0x00, 0x20}, 5);
    um_step(m, 1);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, 0x1000);
    ck_assert_uint_eq(c->seg[SEG_CS].base, 0x10000);
    ck_assert_uint_eq(c->eip, 0x0100);
    /* Stack: [7FFE] = CS 0000, [7FFC] = IP 0005. */
    ck_assert_uint_eq(c->gpr[R_ESP], 0x7ffc);
    ck_assert_uint_eq(rd32(m, 0x7ffc), 0x00000005);
    um_step(m, 1);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, 0);
    ck_assert_uint_eq(c->eip, 5);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x8002); /* 4 popped + 2 released */
    um_step(m, 1);
    ck_assert_uint_eq(c->seg[SEG_CS].base, 0x20000);
    ck_assert_uint_eq(c->eip, 0x10);
    /* 66 EA with an offset beyond the 64 KiB limit: #GP(0). */
    assert_fault(c, RUN(c, op_jmp_far_Ap, 0x66, 0xea, 0x00, 0x00, 0x01, 0x00, 0x00, 0x30), EXC_GP,
                 0);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, 0x2000);
    um_free(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* far transfers: protected mode, same privilege                            */

START_TEST(test_far_pm_same_level)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    /* CODE0: call 0x40:0x6200 (conforming); 0x6200: retf; then
     * jmp 0x60:0x0800 (small segment). */
    um_load(m, CODE0, (const uint8_t[]){0x9a, 0x00, 0x62, 0, 0, S_CONF0, 0}, 7);
    um_load(m, 0x6200, (const uint8_t[]){0xcb}, 1);
    um_load(m, CODE0 + 7, (const uint8_t[]){0xea, 0x00, 0x08, 0, 0, S_SMALL, 0}, 7);
    um_step(m, 1);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, S_CONF0);
    ck_assert_uint_eq(c->eip, 0x6200);
    ck_assert_uint_eq(c->gpr[R_ESP], STACK0 - 8);
    ck_assert_uint_eq(rd32(m, STACK0 - 8), CODE0 + 7);
    ck_assert_uint_eq(rd32(m, STACK0 - 4), S_CODE0);
    ck_assert_uint_eq(access_byte(m, S_CONF0), 0x9f); /* accessed */
    um_step(m, 1);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, S_CODE0);
    ck_assert_uint_eq(c->eip, CODE0 + 7);
    ck_assert_uint_eq(c->gpr[R_ESP], STACK0);
    um_step(m, 1);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, S_SMALL);
    ck_assert_uint_eq(c->seg[SEG_CS].limit, 0xfff);
    ck_assert(!c->code32);
    ck_assert_uint_eq(c->eip, 0x800);
    um_free(m);
}
END_TEST

START_TEST(test_far_pm_faults)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    /* jmp far to: null, data, beyond GDT, not-present code, EIP > limit. */
    assert_fault(c, RUN(c, op_jmp_far_Ap, 0xea, 0, 0, 0, 0, 0x03, 0), EXC_GP, 0);
    assert_fault(c, RUN(c, op_jmp_far_Ap, 0xea, 0, 0, 0, 0, S_DATA0, 0), EXC_GP, S_DATA0);
    assert_fault(c, RUN(c, op_jmp_far_Ap, 0xea, 0, 0, 0, 0, 0x00, 0x10), EXC_GP, 0x1000);
    assert_fault(c, RUN(c, op_jmp_far_Ap, 0xea, 0, 0, 0, 0, S_CODENP, 0), EXC_NP, S_CODENP);
    assert_fault(c, RUN(c, op_jmp_far_Ap, 0xea, 0, 0x10, 0, 0, S_SMALL, 0), EXC_GP, 0);
    /* Non-conforming code with RPL 3 > CPL 0: #GP(sel). */
    assert_fault(c, RUN(c, op_jmp_far_Ap, 0xea, 0, 0, 0, 0, S_CODE0 | 3, 0), EXC_GP, S_CODE0);
    /* Non-conforming DPL 3 != CPL 0: #GP(sel). */
    assert_fault(c, RUN(c, op_call_far_Ap, 0x9a, 0, 0, 0, 0, S_CODE3 | 3, 0), EXC_GP, S_CODE3);
    /* An interrupt gate is not a far-transfer target: #GP(sel). */
    assert_fault(c, RUN(c, op_call_far_Ap, 0x9a, 0, 0, 0, 0, S_INTG, 0), EXC_GP, S_INTG);
    /* A busy TSS cannot be jumped to: #GP(sel). */
    ram_at(m, GDT + S_TSS)[5] = 0x8b;
    assert_fault(c, RUN(c, op_jmp_far_Ap, 0xea, 0, 0, 0, 0, S_TSS, 0), EXC_GP, S_TSS);
    /* A CALL with no room on the stack: #SS(0), ESP unchanged. */
    set_seg(m, SEG_SS, S_DATA0);
    c->seg[SEG_SS].limit = STACK0 + 0x100;
    cpu_seg_changed(c, SEG_SS); /* changed in place: cpu.h */
    c->gpr[R_ESP] = 6;
    assert_fault(c, RUN(c, op_call_far_Ap, 0x9a, 0, 0x62, 0, 0, S_CODE0, 0), EXC_SS, 0);
    ck_assert_uint_eq(c->gpr[R_ESP], 6);
    /* Nothing of the above moved CS:EIP. */
    ck_assert_uint_eq(c->seg[SEG_CS].sel, S_CODE0);
    ck_assert_uint_eq(c->eip, CODE0);
    um_free(m);
}
END_TEST

START_TEST(test_far_cpl3_to_conforming)
{
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    /* Ring 3 calls conforming DPL-0 code: CPL stays 3, CS.RPL = 3. */
    ck_assert_int_eq(RUN(c, op_call_far_Ap, 0x9a, 0x00, 0x62, 0, 0, S_CONF0, 0), 0);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, S_CONF0 | 3);
    ck_assert_int_eq(c->cpl, 3);
    /* Ring 3 may not use the DPL-0 gate: #GP(gate selector). */
    assert_fault(c, RUN(c, op_call_far_Ap, 0x9a, 0, 0, 0, 0, S_GATE0 | 3, 0), EXC_GP, S_GATE0);
    /* A JMP through a gate cannot raise the privilege: #GP(code sel). */
    assert_fault(c, RUN(c, op_jmp_far_Ap, 0xea, 0, 0, 0, 0, S_GATE | 3, 0), EXC_GP, S_CODE0);
    um_free(m);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* call gates with a stack switch, and the return to the outer level       */

START_TEST(test_call_gate_inner)
{
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    /* The caller pushed two dword parameters: P1 first, then P0. */
    c->gpr[R_ESP] = STACK3 - 8;
    wr32(m, STACK3 - 8, 0x11111111); /* P0, top of stack */
    wr32(m, STACK3 - 4, 0x22222222); /* P1 */
    um_load(m, CODE3, (const uint8_t[]){0x9a, 0, 0, 0, 0, S_GATE | 3, 0}, 7);
    um_step(m, 1);
    ck_assert_int_eq(c->cpl, 0);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, S_CODE0);
    ck_assert_uint_eq(c->eip, GATE_TARGET);
    ck_assert_uint_eq(c->seg[SEG_SS].sel, S_DATA0);
    /* Inner stack from the top (STACK0 = ESP0) down: old SS, old ESP,
     * P1, P0, old CS, return EIP: 6 dwords. */
    ck_assert_uint_eq(c->gpr[R_ESP], STACK0 - 24);
    ck_assert_uint_eq(rd32(m, STACK0 - 4), S_DATA3 | 3);
    ck_assert_uint_eq(rd32(m, STACK0 - 8), STACK3 - 8);
    ck_assert_uint_eq(rd32(m, STACK0 - 12), 0x22222222);
    ck_assert_uint_eq(rd32(m, STACK0 - 16), 0x11111111);
    ck_assert_uint_eq(rd32(m, STACK0 - 20), S_CODE3 | 3);
    ck_assert_uint_eq(rd32(m, STACK0 - 24), CODE3 + 7);

    /* Back out with RETF 8 (releases the two parameters on both stacks),
     * DS pointing at ring-0 data, FS at ring-3 data. */
    set_seg(m, SEG_DS, S_DATA0);
    set_seg(m, SEG_FS, S_DATA3 | 3);
    um_load(m, GATE_TARGET, (const uint8_t[]){0xca, 0x08, 0x00}, 3);
    um_step(m, 1);
    ck_assert_int_eq(c->cpl, 3);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, S_CODE3 | 3);
    ck_assert_uint_eq(c->eip, CODE3 + 7);
    ck_assert_uint_eq(c->seg[SEG_SS].sel, S_DATA3 | 3);
    ck_assert_uint_eq(c->gpr[R_ESP], STACK3); /* STACK3 - 8 + 8 */
    /* DS (DPL 0 < CPL 3) is nulled; FS (DPL 3) stays. */
    ck_assert_uint_eq(c->seg[SEG_DS].sel, 0);
    ck_assert_uint_eq(c->seg[SEG_DS].attr, 0);
    ck_assert_uint_eq(c->seg[SEG_FS].sel, S_DATA3 | 3);
    um_free(m);
}
END_TEST

START_TEST(test_call_gate16_inner)
{
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    /* A 286 gate with one word parameter, TSS16 with SP0 = 0x8800. */
    set_seg(m, SEG_TR, S_TSS16);
    c->gpr[R_ESP] = STACK3 - 2;
    wr16(m, STACK3 - 2, 0xbeef);
    ck_assert_int_eq(RUN(c, op_call_far_Ap, 0x9a, 0, 0, 0, 0, S_GATE16 | 3, 0), 0);
    /* Words: old SS, old SP, parameter, old CS, IP. */
    ck_assert_uint_eq(c->gpr[R_ESP], 0x8800 - 10);
    ck_assert_uint_eq(rd32(m, 0x8800 - 4), (uint32_t)(S_DATA3 | 3) << 16 | (STACK3 - 2));
    ck_assert_uint_eq(rd32(m, 0x8800 - 8), (uint32_t)0xbeef << 16 | (S_CODE3 | 3));
    ck_assert_uint_eq(ram_at(m, 0x8800 - 10)[0] | ram_at(m, 0x8800 - 9)[0] << 8,
                      (CODE3 + 7) & 0xffff);
    ck_assert_uint_eq(c->eip, GATE_TARGET);
    um_free(m);
}
END_TEST

START_TEST(test_call_gate_bad_tss_stack)
{
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    /* SS0 of the wrong DPL: #TS(SS0). */
    wr16(m, TSS + 8, S_DATA3);
    assert_fault(c, RUN(c, op_call_far_Ap, 0x9a, 0, 0, 0, 0, S_GATE | 3, 0), EXC_TS, S_DATA3);
    /* SS0 null: #TS(0). */
    wr16(m, TSS + 8, 0);
    assert_fault(c, RUN(c, op_call_far_Ap, 0x9a, 0, 0, 0, 0, S_GATE | 3, 0), EXC_TS, 0);
    /* SS0 not present (make S_NP a DPL-0 writable data, P = 0): #SS(SS0). */
    wr16(m, TSS + 8, S_NP);
    assert_fault(c, RUN(c, op_call_far_Ap, 0x9a, 0, 0, 0, 0, S_GATE | 3, 0), EXC_SS, S_NP);
    /* TSS too short for ESP0/SS0 (limit 8 < 4 + 5): #TS(TR). */
    wr16(m, TSS + 8, S_DATA0);
    c->seg[SEG_TR].limit = 8;
    cpu_seg_changed(c, SEG_TR); /* changed in place: cpu.h */
    assert_fault(c, RUN(c, op_call_far_Ap, 0x9a, 0, 0, 0, 0, S_GATE | 3, 0), EXC_TS, S_TSS);
    /* SS0 = S_BIG (limit 0xabcdefff), ESP0 = 0xabcdf010: the first push
     * would go to 0xabcdf00c, beyond the limit: #SS(SS0). */
    c->seg[SEG_TR].limit = 0x67;
    cpu_seg_changed(c, SEG_TR); /* changed in place: cpu.h */
    wr16(m, TSS + 8, S_BIG);
    wr32(m, TSS + 4, 0xabcdf010u);
    assert_fault(c, RUN(c, op_call_far_Ap, 0x9a, 0, 0, 0, 0, S_GATE | 3, 0), EXC_SS, S_BIG);
    ck_assert_int_eq(c->cpl, 3);
    ck_assert_uint_eq(c->gpr[R_ESP], STACK3);
    ck_assert_uint_eq(c->seg[SEG_SS].sel, S_DATA3 | 3);
    um_free(m);
}
END_TEST

START_TEST(test_retf_checks)
{
    struct unit_machine *m = pm_machine(3);
    struct cpu *c = &m->cpu;
    /* RETF to a more privileged level (RPL 0 < CPL 3): #GP(sel). */
    wr32(m, STACK3 - 8, 0x1234);
    wr32(m, STACK3 - 4, S_CODE0);
    c->gpr[R_ESP] = STACK3 - 8;
    assert_fault(c, RUN(c, op_ret_far, 0xcb), EXC_GP, S_CODE0);
    /* RETF to a null selector: #GP(0). */
    wr32(m, STACK3 - 4, 3);
    assert_fault(c, RUN(c, op_ret_far, 0xcb), EXC_GP, 0);
    ck_assert_uint_eq(c->gpr[R_ESP], STACK3 - 8);
    um_free(m);
}
END_TEST

START_TEST(test_far_indirect)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    /* CALL FAR [EBX] (FF 1B): m16:32 = 0x40:0x6200 (conforming). */
    c->gpr[R_EBX] = 0x7000;
    wr32(m, 0x7000, 0x6200);
    wr16(m, 0x7004, S_CONF0);
    ck_assert_int_eq(RUN(c, op_call_far_Mp, 0xff, 0x1b), 0);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, S_CONF0);
    ck_assert_uint_eq(c->eip, 0x6200);
    ck_assert_uint_eq(rd32(m, STACK0 - 8), CODE0 + 2);
    /* JMP FAR [EBX] with a 16-bit operand (66 FF 2B): m16:16 = 0x60:0x0800. */
    wr16(m, 0x7000, 0x0800);
    wr16(m, 0x7002, S_SMALL);
    ck_assert_int_eq(RUN(c, op_jmp_far_Mp, 0x66, 0xff, 0x2b), 0);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, S_SMALL);
    ck_assert_uint_eq(c->eip, 0x0800);
    um_free(m);
}
END_TEST

START_TEST(test_far_v86)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    c->eflags |= FL_VM;
    cpu_update_mode(c);
    c->seg[SEG_SS] = seg_make(0, 0, 0xffff, SEG_ATTR_P | SEG_ATTR_S | 3);
    c->seg[SEG_CS] = seg_make(0x0500, 0x5000, 0xffff, SEG_ATTR_P | SEG_ATTR_S | 0xb);
    cpu_update_mode(c);
    c->gpr[R_ESP] = 0x8000;
    c->eip = 0;
    /* CALL 1234:0010 pushes CS:IP as words; CS base = 0x12340. */
    ck_assert_int_eq(RUN(c, op_call_far_Ap, 0x9a, 0x10, 0x00, 0x34, 0x12), 0);
    ck_assert_uint_eq(c->seg[SEG_CS].base, 0x12340);
    ck_assert_uint_eq(c->seg[SEG_CS].limit, 0xffff);
    ck_assert_int_eq(c->cpl, 3);
    ck_assert(!c->code32);
    ck_assert_uint_eq(c->eip, 0x10);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x7ffc);
    ck_assert_uint_eq(rd32(m, 0x7ffc), 0x05000000u | 5); /* old CS, IP after the call */
    /* RETF goes back with no descriptor checks. */
    ck_assert_int_eq(RUN(c, op_ret_far, 0xcb), 0);
    ck_assert_uint_eq(c->seg[SEG_CS].sel, 0x0500);
    ck_assert_uint_eq(c->seg[SEG_CS].base, 0x5000);
    ck_assert_uint_eq(c->eip, 5);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x8000);
    um_free(m);
}
END_TEST

START_TEST(test_far_task_switch)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    ram_at(m, GDT + S_TSS)[5] = 0x8b; /* the current task is busy */
    /* JMP to the TSS: the old task is saved (EIP = next instruction) and
     * marked available; the new one is loaded and marked busy. */
    ck_assert_int_eq(RUN(c, op_jmp_far_Ap, 0xea, 0, 0, 0, 0, S_TSSB, 0), 0);
    ck_assert_uint_eq(c->seg[SEG_TR].sel, S_TSSB);
    ck_assert_uint_eq(c->eip, 0x6300);
    ck_assert_uint_eq(c->gpr[R_ESP], 0x9800);
    ck_assert_uint_eq(rd32(m, TSS + 0x20), CODE0 + 7);
    ck_assert_uint_eq(access_byte(m, S_TSSB), 0x8b);
    ck_assert_uint_eq(access_byte(m, S_TSS), 0x89);
    /* The task gate now leads to a busy TSS: #GP(TSS selector). */
    assert_fault(c, RUN(c, op_call_far_Ap, 0x9a, 0, 0, 0, 0, S_TGATE, 0), EXC_GP, S_TSSB);
    /* Jumping to the busy (current) TSS directly: #GP(sel). */
    assert_fault(c, RUN(c, op_jmp_far_Ap, 0xea, 0, 0, 0, 0, S_TSSB, 0), EXC_GP, S_TSSB);
    um_free(m);
}
END_TEST

START_TEST(test_far_task_gate)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    ram_at(m, GDT + S_TSS)[5] = 0x8b;
    /* A task gate with RPL 3 > its DPL 0: #GP(gate). */
    assert_fault(c, RUN(c, op_call_far_Ap, 0x9a, 0, 0, 0, 0, S_TGATE | 3, 0), EXC_GP, S_TGATE);
    /* CALL through the gate: nested task, back link = the old TSS, NT. */
    ck_assert_int_eq(RUN(c, op_call_far_Ap, 0x9a, 0, 0, 0, 0, S_TGATE, 0), 0);
    ck_assert_uint_eq(c->seg[SEG_TR].sel, S_TSSB);
    ck_assert_uint_eq(rd32(m, TSSB) & 0xffff, S_TSS);
    ck_assert(c->eflags & FL_NT);
    ck_assert_uint_eq(access_byte(m, S_TSS), 0x8b); /* still busy */
    um_free(m);
}
END_TEST

static Suite *seg_suite(void)
{
    Suite *s = suite_create("seg");
    TCase *t = tcase_create("segmentation");
    tcase_add_test(t, test_desc_fields);
    tcase_add_test(t, test_read_desc_limits);
    tcase_add_test(t, test_load_real_mode);
    tcase_add_test(t, test_load_v86_mode);
    tcase_add_test(t, test_load_null);
    tcase_add_test(t, test_load_checks);
    tcase_add_test(t, test_load_checks_cpl3);
    tcase_add_test(t, test_load_ss_checks);
    tcase_add_test(t, test_load_sets_accessed);
    tcase_add_test(t, test_sreg_moves);
    tcase_add_test(t, test_push_pop_sreg);
    tcase_add_test(t, test_load_far_pointer);
    suite_add_tcase(s, t);
    t = tcase_create("far");
    tcase_add_test(t, test_far_real_mode);
    tcase_add_test(t, test_far_pm_same_level);
    tcase_add_test(t, test_far_pm_faults);
    tcase_add_test(t, test_far_cpl3_to_conforming);
    tcase_add_test(t, test_call_gate_inner);
    tcase_add_test(t, test_call_gate16_inner);
    tcase_add_test(t, test_call_gate_bad_tss_stack);
    tcase_add_test(t, test_retf_checks);
    tcase_add_test(t, test_far_indirect);
    tcase_add_test(t, test_far_v86);
    tcase_add_test(t, test_far_task_switch);
    tcase_add_test(t, test_far_task_gate);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(seg_suite());
}
