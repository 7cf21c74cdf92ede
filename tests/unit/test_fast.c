/*
 * test_fast.c - the threaded core's specialised forms (ops_fast.h) against
 * the generic handlers the switch core runs.
 *
 * For every form the block cache specialises (the eight ALU operations on
 * two registers in both encodings, with an immediate in three and with a
 * memory source, INC, DEC, MOV between registers and from an immediate,
 * TEST, loads and stores of dwords and bytes, MOVZX, PUSH, POP, LEA,
 * CALL and RET, all
 * sixteen Jcc in both lengths and both operand sizes), the test first
 * checks that the block cache did pick the specialised form (so a change
 * there cannot make this test compare the generic handler with itself),
 * then runs the instruction, with HLT all around it, from the same random registers and flags
 * (edge values half of the time: 0, 1, 7F.., 80.., FF..) on two machines,
 * one with cpu_run() and one with cpu_run_threaded(), and compares the
 * whole CPU (cpu_diff) and the bytes of the data area.
 */
#include "interp/ops_fast.h"
#include "interp/tcache.h"
#include "intr_util.h"
#include "mmu/mmu.h"

#define DATA 0x30000u /* the load's and store's operand */
#define CASES 400     /* random inputs per form */

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint32_t rnd32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* A value for an operand: half of the time one of the edges of 32-bit
 * arithmetic, where the carry, overflow and sign flags change. */
static uint32_t operand(void)
{
    static const uint32_t edge[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000,
                                    0x80000001, 0xfffffffe, 0xffffffff, 0x10};
    if (rnd32() & 1)
        return edge[rnd32() % (sizeof edge / sizeof edge[0])];
    return rnd32();
}

/* One form: its bytes (without the HLT) and the specialised operation the
 * block cache must choose for it. */
struct form {
    uint8_t bytes[8];
    int len;
    int xop;
    bool code16; /* run from a 16-bit code segment (CS.D = 0) */
};

/* Where a form's code goes: near the top of the 64 KiB of a 16-bit segment
 * (whose base is 0) for code16, so that a jump can wrap IP, else at
 * CODE_BASE. */
static uint32_t origin(const struct form *f)
{
    return f->code16 ? 0xf800u : CODE_BASE;
}

static struct unit_machine *machine(const struct form *f, const uint32_t *regs, uint32_t flags,
                                    bool threaded)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    static uint8_t hlts[0x1000];
    uint32_t org = origin(f);
    memset(hlts, 0xf4, sizeof hlts); /* wherever a jump lands, it halts */
    um_load(m, org - 0x800, hlts, sizeof hlts);
    if (f->code16)
        um_load(m, 0, hlts, 0x100); /* where IP lands when it wraps */
    um_load(m, org, f->bytes, (size_t)f->len);
    if (f->code16) {
        cache_seg(m, SEG_CS, SEL_CODE16);
        cpu_update_mode(c);
    }
    c->eip = org;
    for (int r = 0; r < 8; r++)
        if (r != R_ESP)
            c->gpr[r] = regs[r];
    c->eflags = FL_FIXED1 | (flags & FL_ARITH);
    wr32(m, DATA, regs[R_ESP]);        /* the loads' operand */
    /* What POP and RET pop: half of the time an address among the HLTs. */
    wr32(m, STACK0_TOP, (regs[R_ESP] & 1) ? org + 0x40 : ~regs[R_ESP]);
    if (threaded) {
        c->tcache = tcache_create(&m->bus);
        ck_assert_ptr_nonnull(c->tcache);
        /* Warm the TLB, as a first fetch would, so the block runs at once. */
        struct tlb_entry te;
        ck_assert_int_eq(mmu_tlb_entry(c, org, MMU_EXEC, false, false, &te), 0);
    }
    return m;
}

static void check_form(const struct form *f)
{
    char report[2048];
    for (int t = 0; t < CASES; t++) {
        uint32_t regs[8], flags = rnd32();
        for (int r = 0; r < 8; r++)
            regs[r] = operand();
        regs[R_EBX] = DATA - 4 * (rnd32() % 4); /* the memory forms' base */
        struct unit_machine *sw = machine(f, regs, flags, false);
        struct unit_machine *th = machine(f, regs, flags, true);
#ifndef LAB86_NO_COMPUTED_GOTO /* the portable build has no specialised forms */
        if (t == 0) {
            uint32_t org = origin(f);
            const struct block *b =
                tcache_get(th->cpu.tcache, org, !f->code16, th->bus.ram + org);
            ck_assert_ptr_nonnull(b);
            ck_assert_msg(b->e[0].xop == f->xop, "form %02x %02x: xop %d, want %d", f->bytes[0],
                          f->bytes[1], b->e[0].xop, f->xop);
        }
#endif
        cpu_run(&sw->cpu, 1000);
        cpu_run_threaded(&th->cpu, 1000);
        int n = cpu_diff(&sw->cpu, &th->cpu, report, sizeof report);
        ck_assert_msg(n == 0, "form %02x %02x %02x case %d: %d differences:\n%s", f->bytes[0],
                      f->bytes[1], f->bytes[2], t, n, report);
        ck_assert_uint_eq(rd32(sw, DATA - 12), rd32(th, DATA - 12));
        ck_assert_uint_eq(rd32(sw, DATA - 8), rd32(th, DATA - 8));
        ck_assert_uint_eq(rd32(sw, DATA - 4), rd32(th, DATA - 4));
        ck_assert_uint_eq(rd32(sw, DATA), rd32(th, DATA));
        ck_assert_uint_eq(rd32(sw, STACK0_TOP - 4), rd32(th, STACK0_TOP - 4)); /* pushed */
        tcache_destroy(th->cpu.tcache);
        um_free(sw);
        um_free(th);
    }
}

/* ModR/M with mod = 3. */
static uint8_t rr(int reg, int rm)
{
    return (uint8_t)(0xc0 | reg << 3 | rm);
}

START_TEST(t_alu)
{
    int k = _i; /* ADD OR ADC SBB AND SUB XOR CMP */
    struct form forms[] = {
        {{(uint8_t)(8 * k + 1), rr(R_EDX, R_ESI)}, 2, FAST_ALU_RR + k, false},
        {{(uint8_t)(8 * k + 3), rr(R_EDI, R_EAX)}, 2, FAST_ALU_RR + k, false},
        {{(uint8_t)(8 * k + 1), rr(R_ECX, R_ECX)}, 2, FAST_ALU_RR + k, false}, /* the same */
        {{0x83, rr(k, R_EBP), 0x80}, 3, FAST_ALU_RI + k, false},
        {{0x83, rr(k, R_EDI), 0x7f}, 3, FAST_ALU_RI + k, false},
        {{0x81, rr(k, R_EDX), 0x01, 0x00, 0x00, 0x80}, 6, FAST_ALU_RI + k, false},
        {{(uint8_t)(8 * k + 5), 0xff, 0xff, 0xff, 0x7f}, 5, FAST_ALU_RI + k, false},
        {{(uint8_t)(8 * k + 3), 0x4b, 0x04}, 3, FAST_ALU_RM + k, false}, /* ecx op= [ebx+4] */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_moves_and_counts)
{
    struct form forms[] = {
        {{0x40 + R_ESI}, 1, FAST_INC, false},
        {{0x48 + R_EAX}, 1, FAST_DEC, false},
        {{0x89, rr(R_EAX, R_EDI)}, 2, FAST_MOV_RR, false},
        {{0x8b, rr(R_EAX, R_EDI)}, 2, FAST_MOV_RR, false},
        {{0xb8 + R_EBP, 0x78, 0x56, 0x34, 0x12}, 5, FAST_MOV_RI, false},
        {{0x85, rr(R_EDX, R_ECX)}, 2, FAST_TEST_RR, false},
        {{0x8b, 0x43, 0x04}, 3, FAST_LOAD, false},             /* mov eax, [ebx+4] */
        {{0x8b, 0x14, 0x8b}, 3, FAST_LOAD, false},             /* mov edx, [ebx+ecx*4] */
        {{0x89, 0x73, 0x00}, 3, FAST_STORE, false},            /* mov [ebx+0], esi */
        {{0x89, 0x3c, 0x4b}, 3, FAST_STORE, false},            /* mov [ebx+ecx*2], edi */
        {{0x8a, 0x63, 0x05}, 3, FAST_LOAD8, false},            /* mov ah, [ebx+5] */
        {{0x8a, 0x0b}, 2, FAST_LOAD8, false},                  /* mov cl, [ebx] */
        {{0x88, 0x7b, 0x02}, 3, FAST_STORE8, false},           /* mov [ebx+2], bh */
        {{0x88, 0x13}, 2, FAST_STORE8, false},                 /* mov [ebx], dl */
        {{0x0f, 0xb6, rr(R_EAX, 7)}, 3, FAST_MOVZX8, false},   /* movzx eax, bh */
        {{0x0f, 0xb6, 0x53, 0x03}, 4, FAST_MOVZX8, false},     /* movzx edx, byte [ebx+3] */
        {{0x0f, 0xb7, rr(R_ESI, R_ECX)}, 3, FAST_MOVZX16, false}, /* movzx esi, cx */
        {{0x0f, 0xb7, 0x7b, 0x01}, 4, FAST_MOVZX16, false},    /* movzx edi, word [ebx+1] */
        {{0x50 + R_EDX}, 1, FAST_PUSH, false},
        {{0x50 + R_ESP}, 1, FAST_PUSH, false},                 /* pushes the old ESP */
        {{0x58 + R_EBP}, 1, FAST_POP, false},
        {{0x58 + R_ESP}, 1, FAST_POP, false},                  /* ESP = the popped value */
        {{0x8d, 0x44, 0x8b, 0x80}, 4, FAST_LEA, false},        /* lea eax, [ebx+ecx*4-128] */
        {{0x8d, 0x3d, 0x78, 0x56, 0x34, 0x12}, 6, FAST_LEA, false}, /* lea edi, [0x12345678] */
        {{0xe8, 0x40, 0x00, 0x00, 0x00}, 5, FAST_CALL, false},  /* forward */
        {{0xe8, 0x00, 0xfc, 0xff, 0xff}, 5, FAST_CALL, false},  /* back */
        {{0xc3}, 1, FAST_RET, false},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_jcc)
{
    int cc = _i;
    struct form forms[] = {
        {{(uint8_t)(0x70 + cc), 0x10}, 2, FAST_JCC + cc, false},           /* forward */
        {{(uint8_t)(0x70 + cc), 0xfe}, 2, FAST_JCC + cc, false},           /* to itself */
        {{0x0f, (uint8_t)(0x80 + cc), 0x00, 0x01, 0, 0}, 6, FAST_JCC + cc, false},
        {{0x0f, (uint8_t)(0x80 + cc), 0x00, 0xfe, 0xff, 0xff}, 6, FAST_JCC + cc, false}, /* back */
        {{(uint8_t)(0x70 + cc), 0x20}, 2, FAST_JCC + cc, true},            /* 16-bit IP */
        {{0x0f, (uint8_t)(0x80 + cc), 0x00, 0x08}, 4, FAST_JCC + cc, true}, /* wraps at 64K */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_not_specialised)
{
    /* 16-bit operands and byte operations keep the generic handlers. */
    struct form forms[] = {
        {{0x66, 0x01, rr(R_EAX, R_EBX)}, 3, OP_ADD_Ev_Gv, false},
        {{0x00, rr(R_EAX, R_EBX)}, 2, OP_ADD_Eb_Gb, false},
        {{0x01, 0x03}, 2, OP_ADD_Ev_Gv, false}, /* add [ebx], eax: a memory destination */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

static Suite *fast_suite(void)
{
    Suite *s = suite_create("fast");
    TCase *t = tcase_create("specialised forms");
    tcase_set_timeout(t, 60);
    tcase_add_loop_test(t, t_alu, 0, 8);
    tcase_add_test(t, t_moves_and_counts);
    tcase_add_loop_test(t, t_jcc, 0, 16);
    tcase_add_test(t, t_not_specialised);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(fast_suite());
}
