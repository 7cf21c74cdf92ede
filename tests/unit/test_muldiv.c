/*
 * test_muldiv.c - MUL, IMUL, DIV, IDIV and the BCD adjustments
 * (ops_muldiv.c).
 *
 * Hand-worked tables, including every #DE case (divide by zero, quotient
 * overflow both ways, IDIV of the most negative dividend by -1, AAM 0),
 * each checked to leave the registers and flags as they were; #DE through
 * cpu_step, to see the fault restart at the DIV; and the host CPU on the
 * same bytes for random operands, where the host's own #DE (SIGFPE) must
 * match ours.
 */
#include "alu_util.h"

#define O FL_OF
#define S FL_SF
#define Z FL_ZF
#define A FL_AF
#define P FL_PF
#define C FL_CF

/* An instruction on EAX EBX EDX in 32-bit code, and what it must leave. */
struct md_case {
    uint8_t code[6];           /* 32-bit code */
    uint8_t len;               /* bytes */
    uint32_t eax, ebx, edx;    /* before */
    uint32_t fin;              /* flags before */
    int fault;                 /* 1: #DE expected, nothing changes */
    uint32_t eax_out, edx_out; /* after */
    uint32_t fout;             /* arithmetic flags after */
};

static const struct md_case md_cases[] = {
    /* mul bl / ax / ebx: SF ZF PF from the low half, AF clear (our rule) */
    {{0xf6, 0xe3}, 2, 0x11110080, 0x02, 0x2222, A, 0, 0x11110100, 0x2222, C | O | Z | P},
    {{0xf6, 0xe3}, 2, 0x0f, 0x0f, 0, C | O, 0, 0x00e1, 0, S | P},
    {{0x66, 0xf7, 0xe3}, 3, 0xffff, 0xffff, 0x12340000, 0, 0, 0x00000001, 0x1234fffe, C | O},
    {{0xf7, 0xe3}, 2, 0x10000, 0x10000, 7, 0, 0, 0, 1, C | O | Z | P},
    /* imul: CF = OF = the product does not fit the low half */
    {{0xf6, 0xeb}, 2, 0x80, 0xff, 0, 0, 0, 0x0080, 0, C | O | S},
    {{0xf6, 0xeb}, 2, 0xff, 0xff, 0, C | O, 0, 0x0001, 0, 0},
    {{0x66, 0xf7, 0xeb}, 3, 0x8000, 0x0002, 0, 0, 0, 0x0000, 0xffff, C | O | Z | P},
    {{0x0f, 0xaf, 0xc3}, 3, 0x7fffffff, 2, 0, 0, 0, 0xfffffffe, 0, C | O | S},
    {{0x6b, 0xc3, 0xfe}, 3, 0x99, 3, 0, C, 0, 0xfffffffa, 0, S | P},
    {{0x66, 0x69, 0xc3, 0x00, 0x80}, 5, 0xabcd1234, 2, 0, 0, 0, 0xabcd0000, 0, C | O | Z | P},
    {{0x66, 0x69, 0xc3, 0xff, 0x7f}, 5, 0xabcd1234, 0xffff, 0, 0, 0, 0xabcd8001, 0, S},
    /* div: quotient low, remainder high; flags unchanged */
    {{0xf6, 0xf3}, 2, 0x0100, 0x02, 0, O | C, 0, 0x0080, 0, O | C},
    {{0xf6, 0xf3}, 2, 0x0107, 0x10, 0, 0, 0, 0x0710, 0, 0},
    {{0xf6, 0xf3}, 2, 0x0200, 0x02, 0, Z, 1, 0x0200, 0, Z}, /* 0x100 */
    {{0xf6, 0xf3}, 2, 0x0005, 0x00, 0, S, 1, 0x0005, 0, S}, /* by 0 */
    {{0x66, 0xf7, 0xf3}, 3, 0x0000, 0x0002, 0x0001, 0, 0, 0x8000, 0, 0},
    {{0xf7, 0xf3}, 2, 0x00000000, 2, 1, 0, 0, 0x80000000, 0, 0},
    {{0xf7, 0xf3}, 2, 0x00000000, 2, 2, 0, 1, 0x00000000, 2, 0}, /* 2^32 */
    {{0xf7, 0xf3}, 2, 0xffffffff, 0xffffffff, 0xfffffffe, 0, 0, 0xffffffff, 0xfffffffe, 0},
    /* idiv: truncation toward zero, remainder has the dividend's sign */
    {{0xf6, 0xfb}, 2, 0xff80, 0x01, 0, 0, 0, 0x0080, 0, 0}, /* -128 fits */
    {{0xf6, 0xfb}, 2, 0x0080, 0x01, 0, 0, 1, 0x0080, 0, 0}, /* +128 */
    {{0xf6, 0xfb}, 2, 0xff80, 0xff, 0, 0, 1, 0xff80, 0, 0}, /* -128/-1 */
    {{0xf6, 0xfb}, 2, 0xfff9, 0x02, 0, 0, 0, 0xfffd, 0, 0}, /* -7/2 */
    {{0xf6, 0xfb}, 2, 0x0007, 0xfe, 0, 0, 0, 0x01fd, 0, 0}, /* 7/-2 */
    {{0x66, 0xf7, 0xfb}, 3, 0x0000, 0xffff, 0x8000, 0, 1, 0x0000, 0x8000, 0},
    {{0xf7, 0xfb}, 2, 0x00000000, 0xffffffff, 0x80000000, 0, 1, 0, 0x80000000, 0},
    {{0xf7, 0xfb}, 2, 0x80000000, 1, 0xffffffff, 0, 0, 0x80000000, 0, 0},
    {{0xf7, 0xfb}, 2, 0x80000000, 0xffffffff, 0xffffffff, 0, 1, 0x80000000, 0xffffffff, 0},
    {{0xf7, 0xfb}, 2, 0xfffffff9, 0, 0xffffffff, 0, 1, 0xfffffff9, 0xffffffff, 0},
};

START_TEST(t_muldiv_table)
{
    const struct md_case *t = &md_cases[_i];
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    c->gpr[R_EAX] = t->eax;
    c->gpr[R_EBX] = t->ebx;
    c->gpr[R_EDX] = t->edx;
    c->eflags = FL_FIXED1 | t->fin;
    int rc = emu_insn(m, t->code, t->len, 4);
    if (t->fault) {
        ck_assert_msg(rc == CPU_FAULT, "case %d: no fault", _i);
        ck_assert_int_eq(c->exc.vector, EXC_DE);
        ck_assert(!c->exc.has_error);
    } else {
        ck_assert_msg(rc == 0, "case %d: fault %d", _i, c->exc.vector);
    }
    ck_assert_msg((uint32_t)c->gpr[R_EAX] == t->eax_out, "case %d: eax %08x", _i,
                  (uint32_t)c->gpr[R_EAX]);
    ck_assert_msg((uint32_t)c->gpr[R_EDX] == t->edx_out, "case %d: edx %08x", _i,
                  (uint32_t)c->gpr[R_EDX]);
    ck_assert_uint_eq(c->gpr[R_EBX], t->ebx);
    ck_assert_msg((c->eflags & FL_ARITH) == t->fout, "case %d: flags %03x, want %03x", _i,
                  c->eflags & FL_ARITH, t->fout);
    um_free(m);
}
END_TEST

/* The BCD adjustments on AX, 16-bit code (they are invalid in 64-bit mode,
 * so there is no host comparison; these come from the SDM's pseudocode and
 * its DAA/DAS examples). */
struct bcd_case {
    uint8_t code[2]; /* the instruction */
    uint8_t len;     /* bytes */
    uint16_t ax;     /* before */
    uint32_t fin;    /* flags before */
    int fault;       /* 1: #DE expected */
    uint16_t ax_out; /* after */
    uint32_t fout;   /* arithmetic flags after (undefined ones: our rule) */
};

static const struct bcd_case bcd_cases[] = {
    {{0x27}, 1, 0x007d, 0, 0, 0x0083, O | S | A},     /* daa: 38 + 45 */
    {{0x27}, 1, 0x00ae, O | S, 0, 0x0014, A | P | C}, /* SDM example: 79 + 35 */
    {{0x27}, 1, 0x0099, 0, 0, 0x0099, S | P},
    {{0x27}, 1, 0x009a, 0, 0, 0x0000, Z | P | A | C},
    {{0x27}, 1, 0x0000, A | C, 0, 0x0066, A | C | P},
    {{0x2f}, 1, 0x00ee, S | A | P | C, 0, 0x0088, S | A | P | C}, /* das: SDM, 35 - 47 */
    {{0x2f}, 1, 0x0000, A, 0, 0x00fa, A | C | S | P},             /* borrow from the -6 sets CF */
    {{0x2f}, 1, 0x0010, 0, 0, 0x0010, 0},
    {{0x37}, 1, 0x000b, 0, 0, 0x0101, A | C | P},     /* aaa: 5 + 6 */
    {{0x37}, 1, 0x01fa, 0, 0, 0x0300, A | C | Z | P}, /* carry out of AL reaches AH */
    {{0x37}, 1, 0x0005, C | S, 0, 0x0005, P},         /* no adjust */
    {{0x37}, 1, 0x0005, A, 0, 0x010b, A | C},         /* AF forces the adjust */
    {{0x37}, 1, 0x007a, 0, 0, 0x0100, A | C | O | S},
    {{0x3f}, 1, 0x020f, 0, 0, 0x0109, A | C | P},     /* aas */
    {{0x3f}, 1, 0x0502, A, 0, 0x030c, A | C | S | P}, /* borrow out of AL reaches AH */
    {{0x3f}, 1, 0x0080, 0, 0, 0x0000, S},
    {{0xd4, 0x0a}, 2, 0x003f, C | O | A, 0, 0x0603, P}, /* aam: 63 = 6, 3 */
    {{0xd4, 0x0a}, 2, 0x1200, 0, 0, 0x0000, Z | P},
    {{0xd4, 0x10}, 2, 0x00ff, 0, 0, 0x0f0f, P},     /* base 16 */
    {{0xd4, 0x07}, 2, 0x0087, 0, 0, 0x1302, 0},     /* base 7: 135 = 19 * 7 + 2 */
    {{0xd4, 0x00}, 2, 0x1234, S, 1, 0x1234, S},     /* #DE */
    {{0xd5, 0x0a}, 2, 0x0605, 0, 0, 0x0041, A | P}, /* aad: 65 */
    {{0xd5, 0x0a}, 2, 0x0909, 0, 0, 0x0063, A | P},
    {{0xd5, 0xff}, 2, 0xff01, 0, 0, 0x0002, 0},     /* ff * ff = fe01 */
    {{0xd5, 0x0a}, 2, 0x0d80, 0, 0, 0x0002, C | O}, /* 80 + 82: the ADD's flags */
};

START_TEST(t_bcd_table)
{
    const struct bcd_case *t = &bcd_cases[_i];
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    c->gpr[R_EAX] = 0xabcd0000u | t->ax;
    c->eflags = FL_FIXED1 | t->fin;
    int rc = emu_insn(m, t->code, t->len, 2);
    ck_assert_int_eq(rc, t->fault ? CPU_FAULT : 0);
    if (t->fault)
        ck_assert_int_eq(c->exc.vector, EXC_DE);
    ck_assert_msg((uint32_t)c->gpr[R_EAX] == (0xabcd0000u | t->ax_out), "case %d: eax %08x", _i,
                  (uint32_t)c->gpr[R_EAX]);
    ck_assert_msg((c->eflags & FL_ARITH) == t->fout, "case %d: flags %03x, want %03x", _i,
                  c->eflags & FL_ARITH, t->fout);
    um_free(m);
}
END_TEST

/* DAA over every AL, CF, AF: the result agrees with the decimal sum it
 * adjusts. For two packed BCD bytes x and y, ADD then DAA gives the BCD of
 * (x + y) mod 100 and CF = carry out of the hundreds. */
START_TEST(t_daa_decimal)
{
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    static const uint8_t add_daa[] = {0x00, 0xd8, 0x27}; /* add al, bl; daa */
    for (int x = 0; x < 100; x++)
        for (int y = 0; y < 100; y++) {
            um_load(m, 0x1000, add_daa, sizeof add_daa);
            c->eip = 0x1000;
            c->gpr[R_EAX] = (uint32_t)((x / 10) << 4 | x % 10);
            c->gpr[R_EBX] = (uint32_t)((y / 10) << 4 | y % 10);
            um_step(m, 2);
            int sum = x + y;
            uint32_t want = (uint32_t)((sum % 100 / 10) << 4 | sum % 10);
            ck_assert_msg((c->gpr[R_EAX] & 0xff) == want, "%d + %d: al %02x", x, y,
                          (unsigned)c->gpr[R_EAX] & 0xff);
            ck_assert_int_eq((c->eflags & FL_CF) != 0, sum >= 100);
        }
    um_free(m);
}
END_TEST

/* #DE through cpu_step in real mode: the exception is delivered through the
 * IVT with the DIV's own address pushed, so that the handler can restart or
 * skip it; AX and DX are as they were. */
START_TEST(t_de_delivery)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    static const uint8_t div_bl[] = {0xf6, 0xf3};
    static const uint8_t ivt0[] = {0x00, 0x20, 0x00, 0x00}; /* vector 0 -> 0000:2000 */
    um_load(m, 0, ivt0, sizeof ivt0);
    um_load(m, 0x1000, div_bl, sizeof div_bl);
    c->eip = 0x1000;
    c->gpr[R_ESP] = 0x8000;
    c->gpr[R_EAX] = 0x1234;
    c->gpr[R_EBX] = 0;
    um_step(m, 1);
    ck_assert_uint_eq(c->eip, 0x2000);
    ck_assert_uint_eq(c->gpr[R_EAX], 0x1234);
    uint16_t pushed_ip;
    memcpy(&pushed_ip, m->bus.ram + 0x7ffa, 2); /* FLAGS, CS, IP pushed from 8000 down */
    ck_assert_uint_eq(pushed_ip, 0x1000);
    um_free(m);
}
END_TEST

/* A memory divisor that cannot be read faults with #GP, not #DE. */
START_TEST(t_div_memory_fault)
{
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    static const uint8_t div_mem[] = {0xf7, 0x37}; /* div word [bx] */
    c->gpr[R_EBX] = 0xffff;                        /* the word runs past the limit */
    c->gpr[R_EAX] = 7;
    ck_assert_int_eq(emu_insn(m, div_mem, sizeof div_mem, 2), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_GP);
    ck_assert_uint_eq(c->gpr[R_EAX], 7);
    um_free(m);
}
END_TEST

/* --- differential, against the host CPU --- */

/* ModR/M for `op eBX` in the F6/F7 group: C3 | reg << 3. */
START_TEST(t_host_muldiv)
{
    static const char *names[4] = {"mul", "imul", "div", "idiv"};
    struct unit_machine *m = alu_machine();
    uint64_t seed = 0xfeedface;
    int faults = 0;
    for (int round = 0; round < 6000; round++)
        for (int k = 0; k < 4; k++) {
            int size = 1 << (round % 3);
            uint8_t code[4];
            int n = put_osize(code, size);
            code[n++] = size == 1 ? 0xf6 : 0xf7;
            code[n++] = (uint8_t)(0xe3 | (k << 3));
            struct hregs in = {
                rnd_operand(&seed, 4), rnd_operand(&seed, 4), 0, rnd_operand(&seed, 4), 0, 0,
                rnd_flags(&seed)};
            /* Mostly dividends whose quotient fits, so that both paths run. */
            if (k >= 2 && (round & 4)) {
                in.edx = (uint32_t)rnd_next(&seed) % 3 - 1;
                in.eax = size == 1 ? (in.eax & 0x00ff) | (in.edx & 0xff00) : in.eax;
            }
            uint32_t mask = k < 2 ? FL_CF | FL_OF : 0;
            faults += diff_run(m, names[k], code, n, &in, mask) != 0;
        }
    ck_assert_int_gt(faults, 100); /* the #DE paths were exercised */
    um_free(m);
}
END_TEST

START_TEST(t_host_imul_forms)
{
    struct unit_machine *m = alu_machine();
    uint64_t seed = 0x1111;
    for (int round = 0; round < 6000; round++) {
        int size = round & 1 ? 2 : 4;
        uint8_t code[8];
        int n = put_osize(code, size);
        switch (round % 3) {
        case 0: /* imul eax, ebx */
            code[n++] = 0x0f;
            code[n++] = 0xaf;
            code[n++] = 0xc3;
            break;
        case 1: /* imul eax, ebx, imm8 */
            code[n++] = 0x6b;
            code[n++] = 0xc3;
            n += put_imm(code + n, rnd_operand(&seed, 1), 1);
            break;
        default: /* imul eax, ebx, imm16/32 */
            code[n++] = 0x69;
            code[n++] = 0xc3;
            n += put_imm(code + n, rnd_operand(&seed, size), size);
            break;
        }
        struct hregs in = {rnd_operand(&seed, 4), rnd_operand(&seed, 4), 0, 0, 0, 0,
                           rnd_flags(&seed)};
        diff_run(m, "imul", code, n, &in, FL_CF | FL_OF);
    }
    um_free(m);
}
END_TEST

static Suite *muldiv_suite(void)
{
    Suite *s = suite_create("muldiv");
    TCase *tc = tcase_create("tables");
    tcase_add_loop_test(tc, t_muldiv_table, 0, sizeof md_cases / sizeof md_cases[0]);
    tcase_add_loop_test(tc, t_bcd_table, 0, sizeof bcd_cases / sizeof bcd_cases[0]);
    tcase_add_test(tc, t_daa_decimal);
    tcase_add_test(tc, t_div_memory_fault);
    suite_add_tcase(s, tc);

    tc = tcase_create("delivery");
    tcase_add_test(tc, t_de_delivery);
    suite_add_tcase(s, tc);

    tc = tcase_create("host");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, t_host_muldiv);
    tcase_add_test(tc, t_host_imul_forms);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(muldiv_suite());
}
