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
#define WINDOW 0x1010u /* bytes from DATA - 16 that the memory forms may write */

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
    bool small_index; /* a memory form indexed by ECX: keep ECX small */
};

/* Where a form's code goes: near the top of the 64 KiB of a 16-bit segment
 * (whose base is 0) for code16, so that a jump can wrap IP, else at
 * CODE_BASE. */
static uint32_t origin(const struct form *f)
{
    return f->code16 ? 0xf800u : CODE_BASE;
}

/* A machine for form f: the code with HLT all around it; with the block
 * cache for the threaded core. Made once a form: a machine of its own for
 * every case made the suite take minutes under the sanitizer. */
static struct unit_machine *machine(const struct form *f, bool threaded)
{
    struct unit_machine *m = pm_machine(0);
    if (threaded) {
        m->cpu.tcache = tcache_create(&m->bus);
        ck_assert_ptr_nonnull(m->cpu.tcache);
    }
    (void)f;
    return m;
}

/* Put machine m in the state of one case: the code, the HLTs and the data
 * window as new (a case's store may have hit them), the segments, the
 * registers and flags, EIP at the form; a stopped CPU running again. */
static void set_case(struct unit_machine *m, const struct form *f, const uint32_t *regs,
                     uint32_t flags)
{
    static uint8_t hlts[0x1000];
    static const uint8_t zeros[WINDOW];
    struct cpu *c = &m->cpu;
    uint32_t org = origin(f);
    memset(hlts, 0xf4, sizeof hlts); /* wherever a jump lands, it halts */
    um_load(m, org - 0x800, hlts, sizeof hlts);
    if (f->code16)
        um_load(m, 0, hlts, 0x100); /* where IP lands when it wraps */
    um_load(m, org, f->bytes, (size_t)f->len);
    um_load(m, DATA - 16, zeros, sizeof zeros);
    wr32(m, DATA, regs[R_ESP]); /* the loads' operand */
    /* What POP and RET pop: half of the time an address among the HLTs. */
    wr32(m, STACK0_TOP - 4, 0);
    wr32(m, STACK0_TOP, (regs[R_ESP] & 1) ? org + 0x40 : ~regs[R_ESP]);
    cache_seg(m, SEG_CS, f->code16 ? SEL_CODE16 : SEL_CODE0);
    for (int sreg = SEG_ES; sreg <= SEG_GS; sreg++)
        if (sreg != SEG_CS)
            cache_seg(m, sreg, SEL_DATA0);
    cpu_update_mode(c);
    c->eip = org;
    for (int r = 0; r < 8; r++)
        c->gpr[r] = r == R_ESP ? STACK0_TOP : regs[r];
    c->eflags = FL_FIXED1 | (flags & FL_ARITH);
    c->stop = CPU_RUNNING;
    c->exc_depth = 0;
    c->intr_shadow = false;
    if (c->tcache) {
        tcache_flush(c->tcache); /* um_load wrote RAM behind the cache's back */
        /* Warm the TLB, as a first fetch would, so the block runs at once. */
        struct tlb_entry te;
        ck_assert_int_eq(mmu_tlb_entry(c, org, MMU_EXEC, false, false, &te), 0);
    }
}

static void check_form(const struct form *f)
{
    char report[2048];
    struct unit_machine *sw = machine(f, false);
    struct unit_machine *th = machine(f, true);
    for (int t = 0; t < CASES; t++) {
        uint32_t regs[8], flags = rnd32();
        for (int r = 0; r < 8; r++)
            regs[r] = operand();
        regs[R_EBX] = DATA - 4 * (rnd32() % 4); /* the memory forms' base */
        if (f->small_index)
            regs[R_ECX] &= 0xff; /* their index: inside the data window */
        set_case(sw, f, regs, flags);
        set_case(th, f, regs, flags);
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
        cpu_run(&sw->cpu, sw->cpu.cycles + 1000);
        cpu_run_threaded(&th->cpu, th->cpu.cycles + 1000);
        int n = cpu_diff(&sw->cpu, &th->cpu, report, sizeof report);
        ck_assert_msg(n == 0, "form %02x %02x %02x case %d: %d differences:\n%s", f->bytes[0],
                      f->bytes[1], f->bytes[2], t, n, report);
        ck_assert_msg(memcmp(sw->bus.ram + DATA - 16, th->bus.ram + DATA - 16, WINDOW) == 0,
                      "form %02x %02x case %d: the data window differs", f->bytes[0],
                      f->bytes[1], t);
        ck_assert_uint_eq(rd32(sw, STACK0_TOP - 4), rd32(th, STACK0_TOP - 4)); /* pushed */
    }
    tcache_destroy(th->cpu.tcache);
    um_free(sw);
    um_free(th);
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
        {{(uint8_t)(8 * k + 1), rr(R_EDX, R_ESI)}, 2, FAST_ALU_RR + k, false, false},
        {{(uint8_t)(8 * k + 3), rr(R_EDI, R_EAX)}, 2, FAST_ALU_RR + k, false, false},
        {{(uint8_t)(8 * k + 1), rr(R_ECX, R_ECX)}, 2, FAST_ALU_RR + k, false, false}, /* the same */
        {{0x83, rr(k, R_EBP), 0x80}, 3, FAST_ALU_RI + k, false, false},
        {{0x83, rr(k, R_EDI), 0x7f}, 3, FAST_ALU_RI + k, false, false},
        {{0x81, rr(k, R_EDX), 0x01, 0x00, 0x00, 0x80}, 6, FAST_ALU_RI + k, false, false},
        {{(uint8_t)(8 * k + 5), 0xff, 0xff, 0xff, 0x7f}, 5, FAST_ALU_RI + k, false, false},
        {{(uint8_t)(8 * k + 3), 0x4b, 0x04}, 3, FAST_ALU_RM + k, false, false}, /* ecx op= [ebx+4] */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_moves_and_counts)
{
    struct form forms[] = {
        {{0x40 + R_ESI}, 1, FAST_INC, false, false},
        {{0x48 + R_EAX}, 1, FAST_DEC, false, false},
        {{0x89, rr(R_EAX, R_EDI)}, 2, FAST_MOV_RR, false, false},
        {{0x8b, rr(R_EAX, R_EDI)}, 2, FAST_MOV_RR, false, false},
        {{0xb8 + R_EBP, 0x78, 0x56, 0x34, 0x12}, 5, FAST_MOV_RI, false, false},
        {{0x85, rr(R_EDX, R_ECX)}, 2, FAST_TEST_RR, false, false},
        {{0x8b, 0x43, 0x04}, 3, FAST_LOAD, false, false},             /* mov eax, [ebx+4] */
        {{0x8b, 0x14, 0x8b}, 3, FAST_LOAD, false, true},             /* mov edx, [ebx+ecx*4] */
        {{0x89, 0x73, 0x00}, 3, FAST_STORE, false, false},            /* mov [ebx+0], esi */
        {{0x89, 0x3c, 0x4b}, 3, FAST_STORE, false, true},            /* mov [ebx+ecx*2], edi */
        {{0x8a, 0x63, 0x05}, 3, FAST_LOAD8, false, false},            /* mov ah, [ebx+5] */
        {{0x8a, 0x0b}, 2, FAST_LOAD8, false, false},                  /* mov cl, [ebx] */
        {{0x88, 0x7b, 0x02}, 3, FAST_STORE8, false, false},           /* mov [ebx+2], bh */
        {{0x88, 0x13}, 2, FAST_STORE8, false, false},                 /* mov [ebx], dl */
        {{0x0f, 0xb6, rr(R_EAX, 7)}, 3, FAST_MOVZX8, false, false},   /* movzx eax, bh */
        {{0x0f, 0xb6, 0x53, 0x03}, 4, FAST_MOVZX8, false, false},     /* movzx edx, byte [ebx+3] */
        {{0x0f, 0xb7, rr(R_ESI, R_ECX)}, 3, FAST_MOVZX16, false, false}, /* movzx esi, cx */
        {{0x0f, 0xb7, 0x7b, 0x01}, 4, FAST_MOVZX16, false, false},    /* movzx edi, word [ebx+1] */
        {{0x50 + R_EDX}, 1, FAST_PUSH, false, false},
        {{0x50 + R_ESP}, 1, FAST_PUSH, false, false},                 /* pushes the old ESP */
        {{0x58 + R_EBP}, 1, FAST_POP, false, false},
        {{0x58 + R_ESP}, 1, FAST_POP, false, false},                  /* ESP = the popped value */
        {{0x8d, 0x44, 0x8b, 0x80}, 4, FAST_LEA, false, true},        /* lea eax, [ebx+ecx*4-128] */
        {{0x8d, 0x3d, 0x78, 0x56, 0x34, 0x12}, 6, FAST_LEA, false, false}, /* lea edi, [0x12345678] */
        {{0xe8, 0x40, 0x00, 0x00, 0x00}, 5, FAST_CALL, false, false},  /* forward */
        {{0xe8, 0x00, 0xfc, 0xff, 0xff}, 5, FAST_CALL, false, false},  /* back */
        {{0xc3}, 1, FAST_RET, false, false},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_jcc)
{
    int cc = _i;
    struct form forms[] = {
        {{(uint8_t)(0x70 + cc), 0x10}, 2, FAST_JCC + cc, false, false},           /* forward */
        {{(uint8_t)(0x70 + cc), 0xfe}, 2, FAST_JCC + cc, false, false},           /* to itself */
        {{0x0f, (uint8_t)(0x80 + cc), 0x00, 0x01, 0, 0}, 6, FAST_JCC + cc, false, false},
        {{0x0f, (uint8_t)(0x80 + cc), 0x00, 0xfe, 0xff, 0xff}, 6, FAST_JCC + cc, false, false}, /* back */
        {{(uint8_t)(0x70 + cc), 0x20}, 2, FAST_JCC + cc, true, false},            /* 16-bit IP */
        {{0x0f, (uint8_t)(0x80 + cc), 0x00, 0x08}, 4, FAST_JCC + cc, true, false}, /* wraps at 64K */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_not_specialised)
{
    /* 16-bit operands and byte operations keep the generic handlers. */
    struct form forms[] = {
        {{0x66, 0x01, rr(R_EAX, R_EBX)}, 3, OP_ADD_Ev_Gv, false, false},
        {{0x00, rr(R_EAX, R_EBX)}, 2, OP_ADD_Eb_Gb, false, false},
        {{0x01, 0x03}, 2, OP_ADD_Ev_Gv, false, false}, /* add [ebx], eax: a memory destination */
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
