/*
 * test_shift.c - shifts, rotates and the double shifts (ops_shift.c).
 *
 * Tables worked out by hand from the SDM's "Operation" sections; the same
 * bytes against the host CPU for every operation, size, count form and
 * count 0-33; memory operands through cpu_step; and the rule that nothing
 * changes when the write faults, or when the masked count is 0.
 */
#include "alu_util.h"

#define O FL_OF
#define S FL_SF
#define Z FL_ZF
#define A FL_AF
#define P FL_PF
#define C FL_CF

/* One `op r/m, count` on eAX in 32-bit code. */
struct shift_case {
    uint8_t k;     /* ModR/M reg: 0 ROL 1 ROR 2 RCL 3 RCR 4 SHL 5 SHR 6 SAL 7 SAR */
    uint8_t size;  /* operand size */
    uint32_t a;    /* operand */
    uint8_t count; /* count (by imm8: C0/C1) */
    uint32_t fin;  /* flags before */
    uint32_t res;  /* expected result */
    uint32_t fout; /* expected arithmetic flags (OF for counts > 1: our rule) */
};

static const struct shift_case shift_cases[] = {
    {0, 1, 0x81, 1, 0, 0x03, C | O},         /* rol: CF = LSB, OF = MSB ^ CF */
    {0, 1, 0x81, 8, S | Z, 0x81, S | Z | C}, /* count 8: no move, flags set */
    {0, 4, 0x80000001, 4, 0, 0x00000018, 0},
    {1, 1, 0x01, 1, 0, 0x80, C | O},          /* ror: CF = MSB, OF = top two */
    {1, 2, 0x0001, 17, P, 0x8000, P | C | O}, /* 17 mod 16 = 1 */
    {2, 1, 0x80, 1, C, 0x01, C | O},          /* rcl: CF in at the bottom */
    {2, 1, 0x80, 9, C, 0x80, C},              /* 9 mod 9 = 0: CF kept */
    {2, 4, 0x80000000, 1, 0, 0x00000000, C | O},
    {3, 1, 0x01, 1, 0, 0x00, C},              /* rcr */
    {3, 2, 0x1234, 17, Z, 0x1234, Z},         /* 17 mod 17 = 0, CF = 0 kept */
    {3, 4, 0x00000001, 31, 0, 0x00000004, 0}, /* 33-bit rotate right 31 = left 2 */
    {3, 1, 0x00, 4, C, 0x10, 0},              /* CF travels 4 places in */
    {4, 1, 0x80, 1, 0, 0x00, C | O | Z | P},  /* shl */
    {4, 1, 0x01, 8, 0, 0x00, C | O | Z | P},  /* the last bit out is bit 0 */
    {4, 1, 0x01, 9, C | S, 0x00, Z | P},
    {4, 2, 0x1234, 4, 0, 0x2340, C | O},
    {4, 1, 0x55, 0, O | C | A, 0x55, O | C | A},      /* count 0: nothing changes */
    {4, 4, 0x12345678, 32, O | C, 0x12345678, O | C}, /* 32 masks to 0 */
    {6, 1, 0x40, 1, 0, 0x80, O | S},                  /* /6 is SHL */
    {5, 1, 0x81, 1, 0, 0x40, C | O},                  /* shr: OF = old MSB */
    {5, 4, 0x80000000, 31, 0, 0x00000001, 0},
    {5, 2, 0x8000, 16, 0, 0x0000, C | Z | P},
    {7, 1, 0x81, 1, O, 0xc0, C | S | P}, /* sar: OF = 0 */
    {7, 1, 0x80, 7, 0, 0xff, S | P},
    {7, 1, 0x80, 31, 0, 0xff, C | S | P}, /* beyond the width: all sign */
    {7, 2, 0x7fff, 16, 0, 0x0000, Z | P},
    {7, 4, 0x80000000, 31, 0, 0xffffffff, S | P}, /* CF = bit 30 */
};

START_TEST(t_shift_table)
{
    const struct shift_case *t = &shift_cases[_i];
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    uint32_t keep = 0xa5a5a5a5u & ~size_mask(t->size);
    uint8_t code[4];
    int n = put_osize(code, t->size);
    code[n++] = t->size == 1 ? 0xc0 : 0xc1;
    code[n++] = (uint8_t)(0xc0 | t->k << 3);
    code[n++] = t->count;
    c->gpr[R_EAX] = keep | t->a;
    c->eflags = FL_FIXED1 | t->fin;
    ck_assert_int_eq(emu_insn(m, code, n, 4), 0);
    ck_assert_msg((uint32_t)c->gpr[R_EAX] == (keep | t->res), "case %d: eax %08x", _i,
                  (uint32_t)c->gpr[R_EAX]);
    ck_assert_msg((c->eflags & FL_ARITH) == t->fout, "case %d: flags %03x, want %03x", _i,
                  c->eflags & FL_ARITH, t->fout);
    um_free(m);
}
END_TEST

/* SHLD/SHRD eAX, eBX, imm8 in 32-bit code. */
struct dshift_case {
    uint8_t opcode; /* A4 SHLD, AC SHRD */
    uint8_t size;   /* 2 or 4 */
    uint32_t a, b;  /* destination eAX, source eBX */
    uint8_t count;  /* imm8 */
    uint32_t fin;   /* flags before */
    uint32_t res;   /* expected eAX */
    uint32_t fout;  /* expected flags */
};

static const struct dshift_case dshift_cases[] = {
    {0xa4, 2, 0x1234, 0xabcd, 4, 0, 0x234a, C},
    {0xa4, 4, 0x40000000, 0x80000000, 1, 0, 0x80000001, O | S},
    {0xac, 4, 0x12345678, 0x000000ab, 8, 0, 0xab123456, O | S | P},
    {0xac, 2, 0x1234, 0xabcd, 16, 0, 0xabcd, O | S},
    {0xa4, 2, 0x1234, 0xabcd, 20, 0, 0xbcd1, O | S | P}, /* > 16: through dest:src:dest */
    {0xac, 2, 0x1234, 0xabcd, 20, 0, 0x4abc, C},
    {0xa4, 4, 0x12345678, 0x9abcdef0, 0, C | O, 0x12345678, C | O},
    {0xa4, 4, 0x12345678, 0x9abcdef0, 32, Z, 0x12345678, Z},
};

START_TEST(t_dshift_table)
{
    const struct dshift_case *t = &dshift_cases[_i];
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    uint32_t keep = 0x5a5a5a5au & ~size_mask(t->size);
    uint8_t code[6];
    int n = put_osize(code, t->size);
    code[n++] = 0x0f;
    code[n++] = t->opcode;
    code[n++] = 0xd8; /* r/m = eAX, reg = eBX */
    code[n++] = t->count;
    c->gpr[R_EAX] = keep | t->a;
    c->gpr[R_EBX] = t->b;
    c->eflags = FL_FIXED1 | t->fin;
    ck_assert_int_eq(emu_insn(m, code, n, 4), 0);
    ck_assert_msg((uint32_t)c->gpr[R_EAX] == (keep | t->res), "case %d: eax %08x", _i,
                  (uint32_t)c->gpr[R_EAX]);
    ck_assert_uint_eq(c->gpr[R_EBX], t->b);
    ck_assert_msg((c->eflags & FL_ARITH) == t->fout, "case %d: flags %03x, want %03x", _i,
                  c->eflags & FL_ARITH, t->fout);
    um_free(m);
}
END_TEST

/* --- memory operands through cpu_step, real mode --- */

#define CODE_AT 0x1000
#define DATA_AT 0x3000

START_TEST(t_shift_memory)
{
    static const struct {
        uint8_t code[6];  /* 16-bit code, [bx] = DS:3000 */
        uint8_t len;      /* bytes */
        uint32_t mem;     /* dword at DS:3000 before */
        uint32_t mem_out; /* and after */
        uint32_t fout;    /* flags after (flags before: 0) */
    } cases[] = {
        {{0xd0, 0x27}, 2, 0x11223380, 0x11223300, C | O | Z | P},       /* shl byte [bx], 1 */
        {{0xd3, 0x2f}, 2, 0x11228000, 0x11220080, 0},                   /* shr word [bx], cl=8 */
        {{0xc1, 0x07, 0x04}, 3, 0x11221234, 0x11222341, C | O},         /* rol word [bx], 4 */
        {{0x66, 0xd1, 0x3f}, 3, 0x80000000, 0xc0000000, S | P},         /* sar dword [bx], 1 */
        {{0x66, 0x0f, 0xa4, 0x07, 0x08}, 5, 0x12345678, 0x34567800, P}, /* shld [bx], eax, 8 */
        {{0x0f, 0xad, 0x07}, 3, 0x1234, 0xab12, O | S | P},             /* shrd [bx], ax, cl */
    };
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct unit_machine *m = um_new(1 << 20);
        struct cpu *c = &m->cpu;
        um_load(m, CODE_AT, cases[k].code, cases[k].len);
        um_load(m, DATA_AT, &cases[k].mem, 4);
        c->eip = CODE_AT;
        c->gpr[R_EAX] = 0x000000ab;
        c->gpr[R_EBX] = DATA_AT;
        c->gpr[R_ECX] = 8;
        um_step(m, 1);
        uint32_t mem;
        memcpy(&mem, m->bus.ram + DATA_AT, 4);
        ck_assert_msg(c->eip == CODE_AT + (uint64_t)cases[k].len, "case %u: fault", k);
        ck_assert_msg(mem == cases[k].mem_out, "case %u: mem %08x", k, mem);
        ck_assert_msg((c->eflags & FL_ARITH) == cases[k].fout, "case %u: flags %03x", k,
                      c->eflags & FL_ARITH);
        um_free(m);
    }
}
END_TEST

/* Read-only destination: a shift by a count that masks to 0 writes nothing
 * and succeeds; any other count faults with the flags unchanged. */
START_TEST(t_shift_fault)
{
    static const uint8_t by0[] = {0xc0, 0x27, 0x20};  /* shl byte [bx], 32 */
    static const uint8_t by1[] = {0xd0, 0x27};        /* shl byte [bx], 1 */
    static const uint8_t rcl8[] = {0xc0, 0x17, 0x09}; /* rcl byte [bx], 9 (rotates by 0) */
    static const uint8_t shld[] = {0x0f, 0xa4, 0x07, 0x04};
    struct unit_machine *m = alu_machine();
    struct cpu *c = &m->cpu;
    make_ds_read_only(c);
    m->bus.ram[DATA_AT] = 0x81;
    c->gpr[R_EBX] = DATA_AT;
    c->eflags = FL_FIXED1 | Z;
    ck_assert_int_eq(emu_insn(m, by0, sizeof by0, 2), 0);
    ck_assert_int_eq(emu_insn(m, by1, sizeof by1, 2), CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, EXC_GP);
    ck_assert_int_eq(emu_insn(m, rcl8, sizeof rcl8, 2), CPU_FAULT);
    ck_assert_int_eq(emu_insn(m, shld, sizeof shld, 2), CPU_FAULT);
    ck_assert_uint_eq(c->eflags, FL_FIXED1 | Z);
    ck_assert_uint_eq(m->bus.ram[DATA_AT], 0x81);
    um_free(m);
}
END_TEST

/* --- differential, against the host CPU --- */

/* The flags the SDM defines after shift/rotate k of a size-byte operand by
 * count (SDM "Flags Affected"). Undefined: AF after a shift; OF unless the
 * masked count is 1; CF after SHL/SHR by the width or more. */
static uint32_t shift_defined(int k, int size, unsigned count)
{
    unsigned mc = count & 31;
    uint32_t mask = FL_ARITH;
    if (mc == 0)
        return mask;
    if (k >= 4)
        mask &= ~FL_AF;
    if (mc != 1)
        mask &= ~FL_OF;
    if ((k == 4 || k == 5 || k == 6) && mc >= (unsigned)size * 8)
        mask &= ~FL_CF;
    return mask;
}

/* Shift or rotate k of eAX (size bytes) by count, on random operands, on
 * both sides. form 0 is C0/C1 (imm8), 1 is D2/D3 (CL, with junk in the rest
 * of ECX, which must not matter), 2 is D0/D1 (by 1, count ignored). */
static void host_shift_one(struct unit_machine *m, uint64_t *seed, int k, int size, unsigned count,
                           int form)
{
    static const char *names[8] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
    static const uint8_t opcode[3] = {0xc0, 0xd2, 0xd0};
    uint8_t code[8];
    int n = put_osize(code, size);
    unsigned cnt = form == 2 ? 1 : count;

    code[n++] = (uint8_t)(opcode[form] | (size == 1 ? 0 : 1));
    code[n++] = (uint8_t)(0xc0 | k << 3);
    if (form == 0)
        code[n++] = (uint8_t)count;
    struct hregs in = {rnd_operand(seed, 4), 0, cnt | (rnd_operand(seed, 4) & ~0xffu), 0, 0, 0,
                       rnd_flags(seed)};
    diff_run(m, names[k], code, n, &in, shift_defined(k, size, cnt));
}

START_TEST(t_host_shift)
{
    struct unit_machine *m = alu_machine();
    uint64_t seed = 0x5eed5eed5eedull;
    for (int k = 0; k < 8; k++)
        for (int size = 1; size <= 4; size *= 2)
            for (unsigned count = 0; count <= 33; count++)
                for (int round = 0; round < 36; round++)
                    host_shift_one(m, &seed, k, size, count, round % 3);
    um_free(m);
}
END_TEST

START_TEST(t_host_dshift)
{
    struct unit_machine *m = alu_machine();
    uint64_t seed = 0xd0b1e5;
    for (int left = 0; left < 2; left++)
        for (int size = 2; size <= 4; size += 2)
            for (unsigned count = 0; count <= 33; count++)
                for (int round = 0; round < 40; round++) {
                    unsigned mc = count & 31;
                    if (size == 2 && mc > 16)
                        continue; /* result undefined: our rule is in the table test */
                    bool by_cl = round & 1;
                    uint8_t code[8];
                    int n = put_osize(code, size);
                    code[n++] = 0x0f;
                    code[n++] = (uint8_t)((left ? 0xa4 : 0xac) | (by_cl ? 1 : 0));
                    code[n++] = 0xd8;
                    if (!by_cl)
                        code[n++] = (uint8_t)count;
                    struct hregs in = {rnd_operand(&seed, 4), rnd_operand(&seed, 4), count, 0, 0, 0,
                                       rnd_flags(&seed)};
                    uint32_t mask = mc == 0 ? FL_ARITH : FL_ARITH & ~FL_AF;
                    if (mc > 1)
                        mask &= ~FL_OF;
                    diff_run(m, left ? "shld" : "shrd", code, n, &in, mask);
                }
    um_free(m);
}
END_TEST

static Suite *shift_suite(void)
{
    Suite *s = suite_create("shift");
    TCase *tc = tcase_create("tables");
    tcase_add_loop_test(tc, t_shift_table, 0, sizeof shift_cases / sizeof shift_cases[0]);
    tcase_add_loop_test(tc, t_dshift_table, 0, sizeof dshift_cases / sizeof dshift_cases[0]);
    tcase_add_test(tc, t_shift_memory);
    tcase_add_test(tc, t_shift_fault);
    suite_add_tcase(s, tc);

    tc = tcase_create("host");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, t_host_shift);
    tcase_add_test(tc, t_host_dshift);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return um_run_suite(shift_suite());
}
