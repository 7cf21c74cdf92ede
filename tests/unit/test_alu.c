/*
 * test_alu.c - the arithmetic and logic instructions (ops_alu.c).
 *
 * Three kinds of test:
 *   tables    operand pairs with the result and flags worked out by hand
 *             from the SDM's definitions, for each operation and size;
 *   forms     every encoding (Eb,Gb ... 80-83, INC 40+r, memory operands)
 *             run through the real fetch-decode-execute path, real mode;
 *   host      the same instruction bytes on the host CPU and in lab86, on
 *             thousands of pseudo-random operands (fixed seed), comparing
 *             results and the flags the SDM defines.
 * Plus: a read-modify-write whose write faults changes nothing.
 */
#include "alu_util.h"

/* Flag letters for the tables. */
#define O FL_OF
#define S FL_SF
#define Z FL_ZF
#define A FL_AF
#define P FL_PF
#define C FL_CF

/* Bits outside the operand that must survive a byte or word operation. */
#define JUNK 0xa5a5a5a5u

/* --- tables: register forms, 32-bit code --- */

struct alu_case {
    uint8_t op;    /* 0 ADD 1 OR 2 ADC 3 SBB 4 AND 5 SUB 6 XOR 7 CMP */
    uint8_t size;  /* operand size in bytes */
    uint32_t a, b; /* destination and source */
    uint32_t fin;  /* flags before (CF feeds ADC/SBB) */
    uint32_t res;  /* expected result (CMP: not stored) */
    uint32_t fout; /* expected arithmetic flags */
};

static const struct alu_case alu_cases[] = {
    {0, 1, 0x00, 0x00, 0, 0x00, Z | P},
    {0, 1, 0x7f, 0x01, 0, 0x80, O | S | A},
    {0, 1, 0xff, 0x01, 0, 0x00, C | Z | A | P},
    {0, 1, 0x80, 0x80, 0, 0x00, C | O | Z | P},
    {0, 1, 0x08, 0x08, 0, 0x10, A},
    {0, 1, 0x12, 0x34, C | O | S | Z | A | P, 0x46, 0},
    {0, 2, 0x7fff, 0x0001, 0, 0x8000, O | S | A | P},
    {0, 2, 0xffff, 0xffff, 0, 0xfffe, C | S | A},
    {0, 4, 0xffffffff, 0x00000001, 0, 0x00000000, C | Z | A | P},
    {0, 4, 0x7fffffff, 0x7fffffff, 0, 0xfffffffe, O | S | A},
    {2, 1, 0xff, 0x00, C, 0x00, C | Z | A | P},
    {2, 1, 0x7f, 0x00, C, 0x80, O | S | A},
    {2, 1, 0x01, 0x01, 0, 0x02, 0},
    {2, 4, 0xffffffff, 0xffffffff, C, 0xffffffff, C | S | A | P},
    {2, 2, 0x7fff, 0x0000, C, 0x8000, O | S | A | P},
    {5, 1, 0x00, 0x01, 0, 0xff, C | S | A | P},
    {5, 1, 0x80, 0x01, 0, 0x7f, O | A},
    {5, 1, 0x05, 0x05, C, 0x00, Z | P},
    {5, 2, 0x8000, 0x0001, 0, 0x7fff, O | A | P},
    {5, 4, 0x00000000, 0x80000000, 0, 0x80000000, C | O | S | P},
    {3, 1, 0x00, 0x00, C, 0xff, C | S | A | P},
    {3, 1, 0x10, 0x0f, C, 0x00, Z | A | P},
    {3, 4, 0x80000000, 0x00000000, C, 0x7fffffff, O | A | P},
    {3, 2, 0x1234, 0x1234, 0, 0x0000, Z | P},
    {7, 1, 0x01, 0x02, 0, 0xff, C | S | A | P},
    {7, 4, 0xdeadbeef, 0xdeadbeef, 0, 0xdeadbeef, Z | P},
    {7, 2, 0x0000, 0x8000, 0, 0x8000, C | O | S | P},
    {4, 1, 0xf0, 0x0f, C | O | A, 0x00, Z | P},
    {4, 2, 0x8001, 0xff01, C | O | A, 0x8001, S},
    {4, 4, 0xffffffff, 0x80000000, C | O | A, 0x80000000, S | P},
    {1, 1, 0x80, 0x01, C | O | A, 0x81, S | P},
    {1, 2, 0x00f0, 0x0f00, 0, 0x0ff0, P},
    {1, 4, 0x00000000, 0x00000000, C | O | A | S, 0x00000000, Z | P},
    {6, 1, 0xff, 0xff, C | O | A, 0x00, Z | P},
    {6, 2, 0x8000, 0x8000, S, 0x0000, Z | P},
    {6, 4, 0x12345678, 0xffffffff, 0, 0xedcba987, S | P},
};

/* Run `op r/m, r` (opcode op*8 + w, ModR/M D8: r/m = eAX, reg = eBX). */
START_TEST(t_alu_table)
{
    const struct alu_case *t = &alu_cases[_i];
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    uint32_t keep = JUNK & ~size_mask(t->size);
    uint8_t code[4];
    int n = put_osize(code, t->size);

    code[n++] = (uint8_t)(t->op << 3 | (t->size == 1 ? 0 : 1));
    code[n++] = 0xd8;
    c->gpr[R_EAX] = keep | t->a;
    c->gpr[R_EBX] = t->b;
    c->eflags = FL_FIXED1 | t->fin;
    ck_assert_int_eq(emu_insn(m, code, n, 4), 0);
    uint32_t want = keep | (t->op == 7 ? t->a : t->res);
    ck_assert_msg((uint32_t)c->gpr[R_EAX] == want, "case %d: eax %08x, want %08x", _i,
                  (uint32_t)c->gpr[R_EAX], want);
    ck_assert_msg((c->eflags & FL_ARITH) == t->fout, "case %d: flags %03x, want %03x", _i,
                  c->eflags & FL_ARITH, t->fout);
    um_free(m);
}
END_TEST

/* INC, DEC, NEG, NOT, TEST on eAX: bytes, input, expected. */
struct unary_case {
    uint8_t code[6]; /* 32-bit code */
    uint8_t len;     /* bytes in code */
    uint8_t size;    /* operand size */
    uint32_t a, b;   /* eAX and eBX */
    uint32_t fin;    /* flags before */
    uint32_t res;    /* expected eAX (low size bytes) */
    uint32_t fout;   /* expected arithmetic flags */
};

static const struct unary_case unary_cases[] = {
    {{0xfe, 0xc0}, 2, 1, 0xff, 0, C, 0x00, C | Z | A | P}, /* inc al: CF kept */
    {{0xfe, 0xc0}, 2, 1, 0xff, 0, 0, 0x00, Z | A | P},
    {{0xfe, 0xc0}, 2, 1, 0x7f, 0, 0, 0x80, O | S | A},
    {{0x66, 0xff, 0xc0}, 3, 2, 0x7fff, 0, C, 0x8000, C | O | S | A | P},
    {{0xff, 0xc0}, 2, 4, 0xffffffff, 0, C, 0x00000000, C | Z | A | P}, /* inc eax */
    {{0x66, 0xff, 0xc8}, 3, 2, 0x8000, 0, 0, 0x7fff, O | A | P},       /* dec ax */
    {{0x66, 0xf7, 0xd0}, 3, 2, 0x1234, 0, S, 0xedcb, S},               /* not ax */
    {{0x66, 0x85, 0xd8}, 3, 2, 0x8000, 0x8001, 0, 0x8000, S | P},      /* test ax, bx */
    {{0xfe, 0xc8}, 2, 1, 0x00, 0, 0, 0xff, S | A | P},                 /* dec al */
    {{0xfe, 0xc8}, 2, 1, 0x80, 0, C, 0x7f, C | O | A},
    {{0xff, 0xc8}, 2, 4, 0x00000001, 0, 0, 0x00000000, Z | P}, /* dec eax */
    {{0xf6, 0xd8}, 2, 1, 0x00, 0, C | O | S | A, 0x00, Z | P}, /* neg al */
    {{0xf6, 0xd8}, 2, 1, 0x80, 0, 0, 0x80, C | O | S},
    {{0x66, 0xf7, 0xd8}, 3, 2, 0x0001, 0, 0, 0xffff, C | S | A | P},
    {{0xf7, 0xd8}, 2, 4, 0x00000010, 0, 0, 0xfffffff0, C | S | P},
    {{0xf6, 0xd0}, 2, 1, 0x0f, 0, O | A | C, 0xf0, O | A | C}, /* not: no flag */
    {{0xf7, 0xd0}, 2, 4, 0x0000ffff, 0, Z, 0xffff0000, Z},
    {{0x84, 0xd8}, 2, 1, 0x80, 0x80, C | O | A, 0x80, S}, /* test al, bl */
    {{0x85, 0xd8}, 2, 4, 0x00000001, 0x00000002, C | O, 0x00000001, Z | P},
    {{0xa8, 0x81}, 2, 1, 0x01, 0, 0, 0x01, 0}, /* test al, 81 */
    {{0xf7, 0xc0, 0x00, 0x00, 0x00, 0x80}, 6, 4, 0x80000001, 0, C, 0x80000001, S | P},
};

START_TEST(t_unary_table)
{
    const struct unary_case *t = &unary_cases[_i];
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    uint32_t keep = JUNK & ~size_mask(t->size);
    c->gpr[R_EAX] = keep | t->a;
    c->gpr[R_EBX] = t->b;
    c->eflags = FL_FIXED1 | t->fin;
    ck_assert_int_eq(emu_insn(m, t->code, t->len, 4), 0);
    ck_assert_msg((uint32_t)c->gpr[R_EAX] == (keep | t->res), "case %d: eax %08x", _i,
                  (uint32_t)c->gpr[R_EAX]);
    ck_assert_msg((c->eflags & FL_ARITH) == t->fout, "case %d: flags %03x, want %03x", _i,
                  c->eflags & FL_ARITH, t->fout);
    um_free(m);
}
END_TEST

/* --- the single-flag instructions, LAHF/SAHF, SALC, CBW/CWD --- */

/* Run one 16-bit instruction with the given EAX/EDX/flags. */
static struct unit_machine *run16(const uint8_t *code, int n, uint32_t eax, uint32_t edx,
                                  uint32_t flags)
{
    struct unit_machine *m = alu_machine();
    m->cpu.gpr[R_EAX] = eax;
    m->cpu.gpr[R_EDX] = edx;
    m->cpu.eflags = FL_FIXED1 | flags;
    ck_assert_int_eq(emu_insn(m, code, n, 2), 0);
    return m;
}

START_TEST(t_flag_insns)
{
    static const struct {
        uint8_t opcode; /* CMC CLC STC CLD STD */
        uint32_t fin;   /* flags before */
        uint32_t fout;  /* flags after */
    } cases[] = {
        {0xf5, C | Z, Z}, {0xf5, Z, C | Z},     {0xf8, C | O, O},
        {0xf9, S, S | C}, {0xfc, FL_DF | C, C}, {0xfd, C, FL_DF | C},
    };
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct unit_machine *m = run16(&cases[k].opcode, 1, 0, 0, cases[k].fin);
        ck_assert_uint_eq(m->cpu.eflags, FL_FIXED1 | cases[k].fout);
        um_free(m);
    }
}
END_TEST

START_TEST(t_lahf_sahf)
{
    static const uint8_t lahf = 0x9f, sahf = 0x9e;
    struct unit_machine *m = run16(&lahf, 1, 0x1234, 0, O | S | Z | A | P | C);
    ck_assert_uint_eq(m->cpu.gpr[R_EAX], 0xd734); /* SF ZF 0 AF 0 PF 1 CF */
    um_free(m);
    m = run16(&lahf, 1, 0xff00, 0, 0);
    ck_assert_uint_eq(m->cpu.gpr[R_EAX], 0x0200);
    um_free(m);
    /* SAHF: bits 3 and 5 of AH do not reach EFLAGS; OF is kept. */
    m = run16(&sahf, 1, 0xff00, 0, O);
    ck_assert_uint_eq(m->cpu.eflags, FL_FIXED1 | O | S | Z | A | P | C);
    um_free(m);
    m = run16(&sahf, 1, 0x0000, 0, S | Z | C);
    ck_assert_uint_eq(m->cpu.eflags, FL_FIXED1);
    um_free(m);
}
END_TEST

START_TEST(t_salc)
{
    static const uint8_t salc = 0xd6;
    struct unit_machine *m = run16(&salc, 1, 0x12345678, 0, C | Z);
    ck_assert_uint_eq(m->cpu.gpr[R_EAX], 0x123456ff);
    ck_assert_uint_eq(m->cpu.eflags, FL_FIXED1 | C | Z);
    um_free(m);
    m = run16(&salc, 1, 0x123456ab, 0, 0);
    ck_assert_uint_eq(m->cpu.gpr[R_EAX], 0x12345600);
    um_free(m);
}
END_TEST

START_TEST(t_cbw_cwd)
{
    static const uint8_t cbw[] = {0x98}, cwde[] = {0x66, 0x98}, cwd[] = {0x99},
                         cdq[] = {0x66, 0x99};
    struct unit_machine *m = run16(cbw, 1, 0x12340080, 0, 0);
    ck_assert_uint_eq(m->cpu.gpr[R_EAX], 0x1234ff80);
    um_free(m);
    m = run16(cbw, 1, 0x1234ff7f, 0, 0);
    ck_assert_uint_eq(m->cpu.gpr[R_EAX], 0x1234007f);
    um_free(m);
    m = run16(cwde, 2, 0x12348000, 0, 0);
    ck_assert_uint_eq(m->cpu.gpr[R_EAX], 0xffff8000);
    um_free(m);
    m = run16(cwd, 1, 0x00008000, 0x12340000, 0);
    ck_assert_uint_eq(m->cpu.gpr[R_EDX], 0x1234ffff);
    um_free(m);
    m = run16(cwd, 1, 0xffff7fff, 0x1234abcd, 0);
    ck_assert_uint_eq(m->cpu.gpr[R_EDX], 0x12340000);
    um_free(m);
    m = run16(cdq, 2, 0x80000000, 0, 0);
    ck_assert_uint_eq(m->cpu.gpr[R_EDX], 0xffffffff);
    um_free(m);
}
END_TEST

/* --- every encoding through cpu_step, real mode, memory at DS:3000 --- */

#define CODE_AT 0x1000
#define DATA_AT 0x3000

struct form_case {
    uint8_t code[8];  /* 16-bit code; memory operands use [bx] = DS:3000 */
    uint8_t len;      /* bytes in code */
    uint32_t eax;     /* EAX before */
    uint32_t mem;     /* dword at DS:3000 before */
    uint32_t fin;     /* flags before */
    uint32_t eax_out; /* EAX after */
    uint32_t mem_out; /* dword at DS:3000 after */
    uint32_t fout;    /* arithmetic flags after */
};

static const struct form_case form_cases[] = {
    {{0x00, 0x07}, 2, 0x01, 0x7f, 0, 0x01, 0x80, O | S | A},        /* add [bx], al */
    {{0x66, 0x01, 0x07}, 3, 1, 0xffffffff, 0, 1, 0, C | Z | A | P}, /* add [bx], eax */
    {{0x2a, 0x07}, 2, 0x05, 0x05, 0, 0x00, 0x05, Z | P},            /* sub al, [bx] */
    {{0x2b, 0x47, 0x02}, 3, 0x8000, 0x00010000, 0, 0x7fff, 0x00010000, O | A | P},
    {{0x80, 0x37, 0xff}, 3, 0, 0x1234560f, 0, 0, 0x123456f0, S | P}, /* xor byte [bx] */
    {{0x81, 0x2f, 0x34, 0x12}, 4, 0, 0x1234, 0, 0, 0, Z | P},        /* sub word [bx] */
    {{0x83, 0x07, 0xff}, 3, 0, 0x00000001, 0, 0, 0, C | Z | A | P},  /* add word, -1 */
    {{0x66, 0x83, 0x07, 0x80}, 4, 0, 0x80, 0, 0, 0, C | Z | P},      /* add dword, -128 */
    {{0x82, 0x07, 0x01}, 3, 0, 0xff, 0, 0, 0x00, C | Z | A | P},     /* 82 = 80 alias */
    {{0x82, 0x3f, 0x01}, 3, 0, 0x00, 0, 0, 0x00, C | S | A | P},     /* cmp byte, 1 */
    {{0x3c, 0x10}, 2, 0x10, 0, C, 0x10, 0, Z | P},                   /* cmp al, 10 */
    {{0x3d, 0x00, 0x80}, 3, 0x0000, 0, 0, 0, 0, C | O | S | P},      /* cmp ax, 8000 */
    {{0x66, 0x05, 0x01, 0, 0, 0x80}, 6, 0x7fffffff, 0, 0, 0x00000000, 0, C | Z | A | P},
    {{0x14, 0x00}, 2, 0xff, 0, C, 0x00, 0, C | Z | A | P},         /* adc al, 0 */
    {{0x1c, 0x00}, 2, 0x00, 0, C, 0xff, 0, C | S | A | P},         /* sbb al, 0 */
    {{0x24, 0x0f}, 2, 0x12345678, 0, C | O, 0x12345608, 0, 0},     /* and al, 0f */
    {{0x0c, 0x80}, 2, 0x00, 0, 0, 0x80, 0, S},                     /* or al, 80 */
    {{0x40}, 1, 0x1234ffff, 0, C, 0x12340000, 0, C | Z | A | P},   /* inc ax */
    {{0x66, 0x48}, 2, 0x00000000, 0, 0, 0xffffffff, 0, S | A | P}, /* dec eax */
    {{0xfe, 0x07}, 2, 0, 0x7f, 0, 0, 0x80, O | S | A},             /* inc byte [bx] */
    {{0xff, 0x0f}, 2, 0, 0x8000, C, 0, 0x7fff, C | O | A | P},     /* dec word [bx] */
    {{0xf6, 0x1f}, 2, 0, 0x01, 0, 0, 0xff, C | S | A | P},         /* neg byte [bx] */
    {{0xf7, 0x17}, 2, 0, 0x00ff, Z, 0, 0xff00, Z},                 /* not word [bx] */
    {{0x84, 0x07}, 2, 0x0f, 0xf0, C | O, 0x0f, 0xf0, Z | P},       /* test [bx], al */
    {{0xf6, 0x07, 0x80}, 3, 0, 0x80, 0, 0, 0x80, S},               /* test byte, 80 */
    {{0xf6, 0x0f, 0x80}, 3, 0, 0x80, 0, 0, 0x80, S},               /* /1 alias */
    {{0x38, 0x07}, 2, 0x01, 0x02, 0, 0x01, 0x02, 0},               /* cmp [bx], al */
    {{0x10, 0x07}, 2, 0x01, 0xfe, C, 0x01, 0x00, C | Z | A | P},   /* adc [bx], al */
};

START_TEST(t_forms)
{
    const struct form_case *t = &form_cases[_i];
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;

    um_load(m, CODE_AT, t->code, t->len);
    um_load(m, DATA_AT, &t->mem, 4);
    c->eip = CODE_AT;
    c->gpr[R_EAX] = t->eax;
    c->gpr[R_EBX] = DATA_AT;
    c->eflags = FL_FIXED1 | t->fin;
    um_step(m, 1);
    uint32_t mem;
    memcpy(&mem, m->bus.ram + DATA_AT, 4);
    ck_assert_msg(c->eip == CODE_AT + (uint64_t)t->len, "case %d: eip %x (fault?)", _i,
                  (unsigned)c->eip);
    ck_assert_msg((uint32_t)c->gpr[R_EAX] == t->eax_out, "case %d: eax %08x", _i,
                  (uint32_t)c->gpr[R_EAX]);
    ck_assert_msg(mem == t->mem_out, "case %d: mem %08x", _i, mem);
    ck_assert_msg((c->eflags & FL_ARITH) == t->fout, "case %d: flags %03x, want %03x", _i,
                  c->eflags & FL_ARITH, t->fout);
    um_free(m);
}
END_TEST

/* A read-modify-write whose write faults: #GP(0), and neither memory, nor
 * registers, nor flags change; a CMP or TEST (no write) still works. */
START_TEST(t_rmw_fault_changes_nothing)
{
    static const uint8_t rmw[][3] = {
        {0x00, 0x07}, {0x80, 0x07, 0x01}, {0xfe, 0x07},
        {0xf6, 0x1f}, {0xf6, 0x17},       {0x83, 0x2f, 0x01},
    };
    static const uint8_t lens[] = {2, 3, 2, 2, 2, 3};
    static const uint8_t cmp[] = {0x38, 0x07};
    for (unsigned k = 0; k < sizeof lens; k++) {
        struct unit_machine *m = alu_machine();
        struct cpu *c = &m->cpu;
        make_ds_read_only(c);
        m->bus.ram[DATA_AT] = 0xff;
        c->gpr[R_EAX] = 1;
        c->gpr[R_EBX] = DATA_AT;
        c->eflags = FL_FIXED1 | O | S;
        ck_assert_int_eq(emu_insn(m, rmw[k], lens[k], 2), CPU_FAULT);
        ck_assert_int_eq(c->exc.vector, EXC_GP);
        ck_assert_uint_eq(c->exc.error, 0);
        ck_assert_uint_eq(m->bus.ram[DATA_AT], 0xff);
        ck_assert_uint_eq(c->eflags, FL_FIXED1 | O | S);
        ck_assert_uint_eq(c->gpr[R_EAX], 1);
        c->eip = 0;
        ck_assert_int_eq(emu_insn(m, cmp, 2, 2), 0);
        ck_assert_uint_eq(c->eflags & FL_ARITH, S); /* ff - 01 = fe */
        um_free(m);
    }
}
END_TEST

/* --- differential, against the host CPU --- */

#define HOST_ROUNDS 3000

/* One random ALU instruction in one of its register or immediate forms. */
static int random_alu_form(uint64_t *s, int k, int size, uint32_t imm, uint8_t *p)
{
    int n = put_osize(p, size), w = size == 1 ? 0 : 1;
    int izsize = size == 1 ? 1 : size;
    switch (rnd_next(s) % 5) {
    case 0: /* op r/m, r  (r/m = eAX, r = eBX) */
        p[n++] = (uint8_t)(k << 3 | w);
        p[n++] = 0xd8;
        return n;
    case 1: /* op r, r/m  (r = eAX, r/m = eBX) */
        p[n++] = (uint8_t)(k << 3 | 2 | w);
        p[n++] = 0xc3;
        return n;
    case 2: /* op AL/eAX, imm */
        p[n++] = (uint8_t)(k << 3 | 4 | w);
        return n + put_imm(p + n, imm, izsize);
    case 3: /* 80/81 /k: op r/m, imm */
        p[n++] = (uint8_t)(0x80 | w);
        p[n++] = (uint8_t)(0xc0 | k << 3);
        return n + put_imm(p + n, imm, izsize);
    default: /* 83 /k: op r/m, sign-extended imm8 (80 again for bytes) */
        p[n++] = size == 1 ? 0x80 : 0x83;
        p[n++] = (uint8_t)(0xc0 | k << 3);
        return n + put_imm(p + n, imm, 1);
    }
}

START_TEST(t_host_alu)
{
    static const char *names[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
    struct unit_machine *m = alu_machine();
    uint64_t seed = 0x1234567887654321ull;
    for (int round = 0; round < HOST_ROUNDS; round++) {
        for (int k = 0; k < 8; k++) {
            int size = 1 << (round % 3);
            uint8_t code[16];
            struct hregs in = {rnd_operand(&seed, 4), rnd_operand(&seed, 4), 0, 0, 0, 0,
                               rnd_flags(&seed)};
            int n = random_alu_form(&seed, k, size, rnd_operand(&seed, 4), code);
            bool logic = k == 1 || k == 4 || k == 6;
            diff_run(m, names[k], code, n, &in, logic ? FL_ARITH & ~FL_AF : FL_ARITH);
        }
    }
    um_free(m);
}
END_TEST

START_TEST(t_host_unary)
{
    /* ModR/M C0 (r/m = eAX) with reg = the group's operation; D8 for TEST. */
    static const struct {
        const char *name;   /* for messages */
        uint8_t op8, modrm; /* byte-form opcode (word form is op8 + 1), ModR/M */
        int imm;            /* takes an immediate of the operand size */
        uint32_t mask;      /* defined flags */
    } ops[] = {
        {"inc", 0xfe, 0xc0, 0, FL_ARITH},
        {"dec", 0xfe, 0xc8, 0, FL_ARITH},
        {"neg", 0xf6, 0xd8, 0, FL_ARITH},
        {"not", 0xf6, 0xd0, 0, FL_ARITH},
        {"test", 0x84, 0xd8, 0, FL_ARITH & ~FL_AF},
        {"test i", 0xf6, 0xc0, 1, FL_ARITH & ~FL_AF},
        {"test a", 0xa8, 0x00, 1, FL_ARITH & ~FL_AF},
    };
    struct unit_machine *m = alu_machine();
    uint64_t seed = 0x0badc0ffee;
    for (int round = 0; round < HOST_ROUNDS; round++) {
        for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
            int size = 1 << (round % 3);
            uint8_t code[16];
            int n = put_osize(code, size);
            code[n++] = (uint8_t)(ops[k].op8 + (size == 1 ? 0 : 1));
            if (ops[k].op8 != 0xa8)
                code[n++] = ops[k].modrm;
            if (ops[k].imm)
                n += put_imm(code + n, rnd_operand(&seed, size), size);
            struct hregs in = {rnd_operand(&seed, 4), rnd_operand(&seed, 4), 0, 0, 0, 0,
                               rnd_flags(&seed)};
            diff_run(m, ops[k].name, code, n, &in, ops[k].mask);
        }
    }
    um_free(m);
}
END_TEST

static Suite *alu_suite(void)
{
    Suite *s = suite_create("alu");
    TCase *tc = tcase_create("tables");
    tcase_add_loop_test(tc, t_alu_table, 0, sizeof alu_cases / sizeof alu_cases[0]);
    tcase_add_loop_test(tc, t_unary_table, 0, sizeof unary_cases / sizeof unary_cases[0]);
    tcase_add_test(tc, t_flag_insns);
    tcase_add_test(tc, t_lahf_sahf);
    tcase_add_test(tc, t_salc);
    tcase_add_test(tc, t_cbw_cwd);
    suite_add_tcase(s, tc);

    tc = tcase_create("forms");
    tcase_add_loop_test(tc, t_forms, 0, sizeof form_cases / sizeof form_cases[0]);
    tcase_add_test(tc, t_rmw_fault_changes_nothing);
    suite_add_tcase(s, tc);

    tc = tcase_create("host");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, t_host_alu);
    tcase_add_test(tc, t_host_unary);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(alu_suite());
}
