/*
 * test_fpu_ops.c - the x87's system side, by hand: reset and FNINIT state,
 * CPUID, #NM for every CR0.EM/MP/TS combination (SDM vol. 3, table 2-2),
 * #MF at the next waiting instruction (CR0.NE = 1), FERR# on IRQ 13
 * (CR0.NE = 0), the pointers FSTENV reports, the FSTENV/FSAVE layouts in
 * real and protected mode with 16- and 32-bit operand size, FRSTOR's round
 * trip, #UD for undefined escapes, and the cycle costs doc/cycles.md lists
 * (literals copied from that page).
 *
 * Instructions are given to op_esc/op_fwait directly (um_run_handler), so
 * a fault shows as CPU_FAULT and c->exc without an IDT; the cycle costs go
 * through cpu_step.
 */
#include "board.h"
#include "emu.h"
#include "fpu_native.h"
#include "interp/ops.h"
#include "unit_util.h"

#define X(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static int esc(struct unit_machine *m, const uint8_t *b, size_t n)
{
    return um_run_handler(m, op_esc, b, (int)n);
}

static int fwait(struct unit_machine *m)
{
    static const uint8_t b[] = {0x9b};
    return um_run_handler(m, op_fwait, b, 1);
}

static void assert_exc(struct unit_machine *m, int r, int vec)
{
    ck_assert_int_eq(r, CPU_FAULT);
    ck_assert_int_eq(m->cpu.exc.vector, vec);
}

static uint16_t rd16(struct unit_machine *m, uint32_t pa)
{
    return (uint16_t)(m->bus.ram[pa] | m->bus.ram[pa + 1] << 8);
}

static uint32_t rd32(struct unit_machine *m, uint32_t pa)
{
    return rd16(m, pa) | (uint32_t)rd16(m, pa + 2) << 16;
}

START_TEST(test_reset_and_finit)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    ck_assert_uint_eq(c->cr0, 0x60000010u); /* SDM vol. 3, table 9-1 */
    ck_assert_uint_eq(c->fpu.cw, 0x0040);
    ck_assert_uint_eq(c->fpu.tw, 0x5555);
    ck_assert_uint_eq(c->fpu.sw, 0);
    ck_assert_int_eq(esc(m, X(0xdb, 0xe3)), 0); /* FNINIT */
    ck_assert_uint_eq(c->fpu.cw, 0x037f);
    ck_assert_uint_eq(c->fpu.tw, 0xffff);
    /* CPUID leaf 1 EDX bit 0: an FPU on the chip. */
    static const uint8_t cpuid[] = {0x0f, 0xa2};
    c->gpr[R_EAX] = 1;
    ck_assert_int_eq(um_run_handler(m, op_cpuid, cpuid, 2), 0);
    ck_assert_uint_eq(c->gpr[R_EDX] & 1, 1);
    um_free(m);
}
END_TEST

/* SDM vol. 3, table 2-2: ESC raises #NM when EM or TS; WAIT when TS and MP. */
START_TEST(test_nm_table)
{
    for (unsigned k = 0; k < 8; k++) {
        struct unit_machine *m = um_new(1 << 20);
        bool em = k & 1, mp = k & 2, ts = k & 4;
        m->cpu.cr0 = CR0_ET | (em ? CR0_EM : 0) | (mp ? CR0_MP : 0) | (ts ? CR0_TS : 0);
        int r = esc(m, X(0xd9, 0xd0)); /* FNOP */
        if (em || ts)
            assert_exc(m, r, EXC_NM);
        else
            ck_assert_int_eq(r, 0);
        r = fwait(m);
        if (ts && mp)
            assert_exc(m, r, EXC_NM);
        else
            ck_assert_int_eq(r, 0);
        um_free(m);
    }
}
END_TEST

/* Divide 1 by 0 with ZE unmasked: nothing stored, ES set, no fault yet;
 * returns the machine with ST0 = 0, ST1 = 1. */
static struct unit_machine *pending_zero_divide(bool ne)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    nat_flat32(m);
    if (!ne)
        c->cr0 &= ~(uint64_t)CR0_NE;
    c->gpr[R_EDI] = 0x3000;
    m->bus.ram[0x3000] = 0x7b; /* control word 037B: ZE unmasked */
    m->bus.ram[0x3001] = 0x03;
    c->eip = 0x1000;
    ck_assert_int_eq(esc(m, X(0xdb, 0xe3)), 0);       /* FNINIT */
    ck_assert_int_eq(esc(m, X(0xd9, 0x2f)), 0);       /* FLDCW [edi] */
    ck_assert_int_eq(esc(m, X(0xd9, 0xe8)), 0);       /* FLD1 */
    ck_assert_int_eq(esc(m, X(0xd9, 0xee)), 0);       /* FLDZ */
    c->eip = 0x1234;
    ck_assert_int_eq(esc(m, X(0xdc, 0xf9)), 0);       /* FDIV ST(1), ST(0): 1 / 0 */
    ck_assert_uint_eq(c->fpu.sw & (FSW_ZE | FSW_ES | FSW_B), FSW_ZE | FSW_ES | FSW_B);
    ck_assert_uint_eq(c->fpu.r[7].se, F80_BIAS); /* ST(1) still 1.0: not written */
    return m;
}

START_TEST(test_mf_at_next_waiting)
{
    struct unit_machine *m = pending_zero_divide(true);
    struct cpu *c = &m->cpu;
    /* FNSTENV [edi+0x10] (no wait) reports the faulting instruction. */
    ck_assert_int_eq(esc(m, X(0xd9, 0x77, 0x10)), 0);
    ck_assert_uint_eq(rd32(m, 0x3010 + 12), 0x1234);           /* FIP */
    ck_assert_uint_eq(rd32(m, 0x3010 + 16), 0x04f9u << 16 | 0x08); /* FOP DC F9, FCS */
    ck_assert_uint_eq(rd16(m, 0x3010), 0x037b); /* the control word before ... */
    ck_assert_uint_eq(c->fpu.cw, 0x037f);        /* ... FSTENV masked everything */
    ck_assert_uint_eq(c->fpu.sw & FSW_ES, 0);
    ck_assert_int_eq(esc(m, X(0xd9, 0x2f)), 0);  /* FLDCW [edi]: unmasked again, pending */
    ck_assert_uint_eq(c->fpu.sw & FSW_ES, FSW_ES);
    ck_assert_int_eq(esc(m, X(0xdf, 0xe0)), 0); /* FNSTSW AX: no wait */
    ck_assert_uint_eq(c->gpr[R_EAX] & 0xffff, c->fpu.sw | 6u << FSW_TOP_SHIFT);
    assert_exc(m, esc(m, X(0xd8, 0xc1)), EXC_MF); /* FADD: waits, #MF */
    assert_exc(m, fwait(m), EXC_MF);
    ck_assert_int_eq(esc(m, X(0xdb, 0xe2)), 0); /* FNCLEX */
    ck_assert_int_eq(fwait(m), 0);
    ck_assert_int_eq(esc(m, X(0xd8, 0xc1)), 0);
    um_free(m);
}
END_TEST

static int ferr_level = -1, ferr_edges;

static void ferr_probe(void *opaque, int n, int level)
{
    (void)opaque, (void)n;
    ferr_edges += level && ferr_level != 1;
    ferr_level = level;
}

START_TEST(test_ferr_irq13)
{
    ferr_level = -1;
    ferr_edges = 0;
    struct unit_machine *m = um_new(1 << 20);
    m->cpu.fpu.ferr = (struct irq_line){ferr_probe, NULL, 13};
    cpu_reset(&m->cpu); /* the wire survives a reset */
    ck_assert_ptr_eq(m->cpu.fpu.ferr.set, ferr_probe);
    um_free(m);

    m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    nat_flat32(m);
    c->cr0 &= ~(uint64_t)CR0_NE;
    c->fpu.ferr = (struct irq_line){ferr_probe, NULL, 13};
    c->fpu.cw = 0x037b;
    c->fpu.tw = 0xffff;
    ck_assert_int_eq(esc(m, X(0xd9, 0xe8)), 0); /* FLD1 */
    ck_assert_int_eq(esc(m, X(0xd9, 0xee)), 0); /* FLDZ */
    ck_assert_int_eq(esc(m, X(0xdc, 0xf9)), 0); /* 1 / 0: FERR# */
    ck_assert_int_eq(ferr_level, 1);
    ck_assert_int_eq(ferr_edges, 1);
    /* NE = 0: the next waiting instruction runs (IRQ 13 reports the error). */
    ck_assert_int_eq(esc(m, X(0xd8, 0xc1)), 0);
    ck_assert_int_eq(fwait(m), 0);
    ck_assert_int_eq(esc(m, X(0xdb, 0xe2)), 0); /* FNCLEX: FERR# inactive */
    ck_assert_int_eq(ferr_level, 0);
    um_free(m);
}
END_TEST

/* On the ISA board: FERR# latches IRQ 13 (the slave PIC's IR5), and a
 * write to port 0xF0 lets a later error raise it again. */
static int run_on(struct cpu *c, const uint8_t *b, size_t n)
{
    struct insn i;
    ck_assert_int_eq(x86_decode(&i, b, (int)n, c->code32 ? 4 : 2), DECODE_OK);
    c->prev_eip = c->eip;
    return op_esc(c, &i);
}

static bool irq13_requested(struct emu *m)
{
    bus_out(&m->bus, 0xa0, 0x0a, 1); /* OCW3: read IRR */
    return (bus_in(&m->bus, 0xa0, 1) & (1u << 5)) != 0;
}

START_TEST(test_board_irq13)
{
    struct emu_config cfg = {.ram_size = 4u << 20, .core = EMU_CORE_SWITCH};
    char err[128];
    struct emu *m = emu_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    struct cpu *c = &m->cpu;
    ck_assert_uint_eq(c->cr0 & CR0_NE, 0); /* reset: errors go to FERR# */
    c->fpu.cw = 0x037b;                    /* ZE unmasked */
    c->fpu.tw = 0xffff;
    ck_assert(!irq13_requested(m));
    ck_assert_int_eq(run_on(c, X(0xd9, 0xe8)), 0); /* FLD1 */
    ck_assert_int_eq(run_on(c, X(0xd9, 0xee)), 0); /* FLDZ */
    ck_assert_int_eq(run_on(c, X(0xdc, 0xf9)), 0); /* 1 / 0 */
    ck_assert(irq13_requested(m));
    emu_destroy(m);
}
END_TEST

/* FSAVE in real mode, 16-bit (14-byte environment) and 32-bit (28 bytes),
 * and FRSTOR back. */
START_TEST(test_fsave_real)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    cpu_load_real_seg(c, SEG_CS, 0x0100);
    cpu_load_real_seg(c, SEG_DS, 0x0200);
    c->eip = 0x10;
    ck_assert_int_eq(esc(m, X(0xdb, 0xe3)), 0);       /* FNINIT */
    ck_assert_int_eq(esc(m, X(0xd9, 0xe8)), 0);       /* FLD1 */
    c->eip = 0x20;
    ck_assert_int_eq(esc(m, X(0xdd, 0x06, 0x00, 0x01)), 0); /* FLD qword [0x100]: +0.0 */
    ck_assert_int_eq(esc(m, X(0xdd, 0x36, 0x00, 0x03)), 0); /* FNSAVE [0x300] */
    uint32_t img = 0x2000 + 0x300;
    ck_assert_uint_eq(rd16(m, img + 0), 0x037f);
    ck_assert_uint_eq(rd16(m, img + 2), 6u << FSW_TOP_SHIFT);
    ck_assert_uint_eq(rd16(m, img + 4), 0x1fff);          /* R7 valid, R6 zero, rest empty */
    ck_assert_uint_eq(rd16(m, img + 6), 0x1020);          /* FIP 15..0: linear 0x1020 */
    ck_assert_uint_eq(rd16(m, img + 8), 0x0000 | 0x506);  /* FIP 19..16 = 0, FOP DD 06 */
    ck_assert_uint_eq(rd16(m, img + 10), 0x2100);         /* FDP 15..0: linear 0x2100 */
    ck_assert_uint_eq(rd16(m, img + 12), 0);              /* FDP 19..16 */
    ck_assert_uint_eq(rd16(m, img + 14 + 8), 0);          /* ST(0) = +0.0 */
    ck_assert_uint_eq(rd16(m, img + 24 + 8), F80_BIAS);   /* ST(1) = 1.0 */
    ck_assert_uint_eq(c->fpu.tw, 0xffff);                 /* FSAVE re-initializes */
    ck_assert_int_eq(esc(m, X(0xdd, 0x26, 0x00, 0x03)), 0); /* FRSTOR [0x300] */
    ck_assert_uint_eq(c->fpu.top, 6);
    ck_assert_uint_eq(c->fpu.tw, 0x1fff);
    ck_assert_uint_eq(c->fpu.r[7].se, F80_BIAS);
    /* 32-bit operand size (66 prefix): the 28-byte real-mode layout. */
    ck_assert_int_eq(esc(m, X(0x66, 0xd9, 0x36, 0x00, 0x04)), 0); /* FNSTENV [0x400] */
    img = 0x2000 + 0x400;
    ck_assert_uint_eq(rd32(m, img + 0), 0xffff037fu);
    ck_assert_uint_eq(rd32(m, img + 8), 0xffff1fffu);
    ck_assert_uint_eq(rd32(m, img + 12), 0xffff1020u);
    ck_assert_uint_eq(rd32(m, img + 16), 0x506u);
    ck_assert_uint_eq(rd32(m, img + 20), 0xffff2100u);
    ck_assert_uint_eq(rd32(m, img + 24), 0);
    um_free(m);
}
END_TEST

/* Protected mode, 16-bit operand size: selectors and offsets. */
START_TEST(test_fstenv_protected16)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    nat_flat32(m);
    c->eip = 0x5000;
    ck_assert_int_eq(esc(m, X(0xdb, 0xe3)), 0);
    c->gpr[R_EDI] = 0x3000;
    ck_assert_int_eq(esc(m, X(0xdd, 0x47, 0x08)), 0);  /* FLD qword [edi+8] */
    ck_assert_int_eq(esc(m, X(0x66, 0xd9, 0x37)), 0);  /* FNSTENV [edi], 16-bit */
    ck_assert_uint_eq(rd16(m, 0x3000 + 6), 0x5002);    /* FIP: the FLD (FNINIT is control) */
    ck_assert_uint_eq(rd16(m, 0x3000 + 8), 0x08);      /* FCS */
    ck_assert_uint_eq(rd16(m, 0x3000 + 10), 0x3008);   /* FDP */
    ck_assert_uint_eq(rd16(m, 0x3000 + 12), 0x10);     /* FDS */
    ck_assert_uint_eq(c->fpu.cw & 0x3f, 0x3f);
    /* A store that would run off the segment faults before writing. */
    c->seg[SEG_DS].limit = 0x3004;
    cpu_seg_changed(c, SEG_DS); /* changed in place: cpu.h */
    memset(m->bus.ram + 0x3000, 0xaa, 16);
    assert_exc(m, esc(m, X(0x66, 0xd9, 0x37)), EXC_GP);
    ck_assert_uint_eq(m->bus.ram[0x3000], 0xaa);
    um_free(m);
}
END_TEST

START_TEST(test_undefined_ud)
{
    static const uint8_t ud[][2] = {
        {0xd9, 0xd1}, {0xd9, 0xe2}, {0xd9, 0xef}, {0xda, 0xe8}, {0xdb, 0xe5},
        {0xdb, 0xf8}, {0xdd, 0xf0}, {0xde, 0xd8}, {0xdf, 0xe1}, {0xdf, 0xf8},
        {0xd9, 0x08}, {0xdb, 0x20}, {0xdd, 0x28}, {0xdf, 0x08}, /* memory: /1, /4, /5 */
    };
    struct unit_machine *m = um_new(1 << 20);
    for (size_t k = 0; k < sizeof ud / sizeof ud[0]; k++)
        assert_exc(m, esc(m, ud[k], 2), EXC_UD);
    um_free(m);
}
END_TEST

/* A real-mode operand that runs past offset FFFF faults (#GP(0)), with
 * nothing pushed: it does not wrap to offset 0. */
START_TEST(test_operand_past_limit)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    ck_assert_int_eq(esc(m, X(0xdb, 0xe3)), 0);                   /* FNINIT */
    assert_exc(m, esc(m, X(0xdd, 0x06, 0xfc, 0xff)), EXC_GP);     /* FLD qword [0xFFFC] */
    ck_assert_uint_eq(c->exc.error, 0);
    ck_assert_uint_eq(c->fpu.tw, 0xffff);
    ck_assert_int_eq(esc(m, X(0xdd, 0x06, 0xf8, 0xff)), 0);       /* [0xFFF8]: fits */
    ck_assert_uint_eq(c->fpu.top, 7);
    um_free(m);
}
END_TEST

/* doc/cycles.md, "The x87": FINIT 17, FLD1 4, FLDPI 8, FDIV ST(i) 73, FSQRT 83,
 * FSIN 193, FSAVE 143, FRSTOR 131, FADD m32r 8, FIMUL m16i 23. */
START_TEST(test_cycles)
{
    static const uint8_t prog[] = {
        0xdb, 0xe3,             /* fninit */
        0xd9, 0xe8,             /* fld1 */
        0xd9, 0xeb,             /* fldpi */
        0xdc, 0xf9,             /* fdiv st(1), st */
        0xd9, 0xfa,             /* fsqrt */
        0xd9, 0xfe,             /* fsin */
        0xd8, 0x07,             /* fadd dword [bx] */
        0xde, 0x0f,             /* fimul word [bx] */
        0xdd, 0x37,             /* fnsave [bx] */
        0xdd, 0x27,             /* frstor [bx] */
    };
    static const uint64_t want[] = {17, 4, 8, 73, 83, 193, 8, 23, 143, 131};
    struct unit_machine *m = um_new(1 << 20);
    um_load(m, 0x100, prog, sizeof prog);
    m->cpu.eip = 0x100;
    m->cpu.gpr[R_EBX] = 0x3000;
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        uint64_t before = m->cpu.cycles;
        um_step(m, 1);
        ck_assert_uint_eq(m->cpu.cycles - before, want[k]);
    }
    um_free(m);
}
END_TEST

static Suite *fpu_ops_suite(void)
{
    Suite *s = suite_create("fpu_ops");
    TCase *t = tcase_create("system");
    tcase_add_test(t, test_reset_and_finit);
    tcase_add_test(t, test_nm_table);
    tcase_add_test(t, test_mf_at_next_waiting);
    tcase_add_test(t, test_ferr_irq13);
    tcase_add_test(t, test_board_irq13);
    tcase_add_test(t, test_fsave_real);
    tcase_add_test(t, test_fstenv_protected16);
    tcase_add_test(t, test_undefined_ud);
    tcase_add_test(t, test_operand_past_limit);
    tcase_add_test(t, test_cycles);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(fpu_ops_suite());
}
