/*
 * test_fast.c - the threaded core's specialised forms (ops_fast.h) against
 * the generic handlers the switch core runs.
 *
 * For every form the block cache specialises (the eight ALU operations on
 * two registers in both encodings, with an immediate in three, with a
 * memory source and with a memory destination, INC, DEC and NOT of a
 * register or memory, MOV between registers and from an immediate to a
 * register or memory, TEST, loads and stores of dwords, words and bytes,
 * MOVZX, PUSH, POP, LEA, CALL and RET, JMP and all sixteen Jcc in both
 * lengths and both operand sizes, SHL SAL SHR SAR of a dword or word by a
 * fixed count or by CL, ROL and ROR of a dword by a fixed count, IMUL
 * with two operands and with an immediate, NEG of a register, CMOVcc and
 * SETcc, and with byte operands the eight ALU
 * operations, TEST and MOV in their register, immediate and memory forms
 * on all eight byte registers), the test first
 * checks that the block cache did pick the specialised form (so a change
 * there cannot make this test compare the generic handler with itself),
 * then runs the instruction, with HLT all around it, from the same random registers and flags
 * (edge values half of the time: 0, 1, 7F.., 80.., FF.., and the shift
 * counts 31, 32 and 33) and the same memory operands on two machines, one
 * with cpu_run() and one with cpu_run_threaded(), and compares the whole
 * CPU (cpu_diff), the bytes of the data area and the top of the stack.
 *
 * The memory forms are also run at a page end (an operand at [EBX-2] or
 * [EBX-1] with EBX = DATA, page-aligned, crosses into the page before:
 * the inline MMU path says no and the slow path runs) and faulting: a
 * write through a CS override (a code segment is not writable: #GP after
 * the read succeeded, so a read-modify-write form must put back the flags
 * it computed) and a read through FS, a segment of 64 KiB, below DATA
 * (#GP at the read). #GP's gate leads to a HLT, so both machines stop in
 * the handler, with the faulting state in their registers and on the
 * stack.
 */
#include "interp/ops_fast.h"
#include "interp/tcache.h"
#include "intr_util.h"
#include "mmu/mmu.h"

#define DATA 0x30000u /* the load's and store's operand */
#define CASES 400     /* random inputs per form */
#define WINDOW 0x1010u /* bytes from DATA - 16 that the memory forms may write */
#define OPERANDS 8     /* dwords of random operands from DATA - 16 */

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
    static const uint32_t edge[] = {0,          1,          2,          0x7f,       0x80,
                                    0xff,       0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe,
                                    0xffffffff, 0x10,       31,         32,         33};
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
    bool faults;      /* it raises #GP, every time: the run ends in #GP's handler */
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
                     const uint32_t *mem, uint32_t flags)
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
    for (uint32_t n = 0; n < OPERANDS; n++)
        wr32(m, DATA - 16 + 4 * n, mem[n]); /* the memory forms' operands */
    um_load(m, HANDLER(EXC_GP), hlts, 1);  /* where a faulting form ends */
    put_gate(m, EXC_GP, SEL_CODE0, HANDLER(EXC_GP), GATE_INT32, 0, true);
    /* What POP and RET pop: half of the time an address among the HLTs. */
    wr32(m, STACK0_TOP - 4, 0);
    wr32(m, STACK0_TOP, (regs[R_ESP] & 1) ? org + 0x40 : ~regs[R_ESP]);
    cache_seg(m, SEG_CS, f->code16 ? SEL_CODE16 : SEL_CODE0);
    for (int sreg = SEG_ES; sreg <= SEG_GS; sreg++)
        if (sreg != SEG_CS)
            cache_seg(m, sreg, sreg == SEG_FS ? SEL_DATA0_SMALL : SEL_DATA0);
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
        uint32_t regs[8], mem[OPERANDS], flags = rnd32();
        for (int r = 0; r < 8; r++)
            regs[r] = operand();
        for (int n = 0; n < OPERANDS; n++)
            mem[n] = operand();
        regs[R_EBX] = DATA - 4 * (rnd32() % 4); /* the memory forms' base */
        if (f->small_index)
            regs[R_ECX] &= 0xff; /* their index: inside the data window */
        set_case(sw, f, regs, mem, flags);
        set_case(th, f, regs, mem, flags);
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
        if (f->faults) /* so the test does see a faulting form */
            ck_assert_uint_eq(sw->cpu.eip, HANDLER(EXC_GP) + 1);
        int n = cpu_diff(&sw->cpu, &th->cpu, report, sizeof report);
        ck_assert_msg(n == 0, "form %02x %02x %02x case %d: %d differences:\n%s", f->bytes[0],
                      f->bytes[1], f->bytes[2], t, n, report);
        ck_assert_msg(memcmp(sw->bus.ram + DATA - 16, th->bus.ram + DATA - 16, WINDOW) == 0,
                      "form %02x %02x case %d: the data window differs", f->bytes[0],
                      f->bytes[1], t);
        /* pushed: by PUSH and CALL, and #GP's frame */
        ck_assert_msg(memcmp(sw->bus.ram + STACK0_TOP - 16, th->bus.ram + STACK0_TOP - 16, 16) == 0,
                      "form %02x %02x case %d: the stack differs", f->bytes[0], f->bytes[1], t);
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

/* ModR/M for [EBX + disp8] (the disp8 follows). */
static uint8_t mb(int reg)
{
    return (uint8_t)(0x40 | reg << 3 | R_EBX);
}

/* ModR/M for [EBX]. */
static uint8_t m0(int reg)
{
    return (uint8_t)(reg << 3 | R_EBX);
}

#define CS_ 0x2e /* a CS override: a write through it faults (#GP) */
#define FS_ 0x64 /* an FS override: FS ends below DATA, a read through it faults */

START_TEST(t_alu)
{
    int k = _i; /* ADD OR ADC SBB AND SUB XOR CMP */
    struct form forms[] = {
        {{(uint8_t)(8 * k + 1), rr(R_EDX, R_ESI)}, 2, FAST_ALU_RR + k, false, false, false},
        {{(uint8_t)(8 * k + 3), rr(R_EDI, R_EAX)}, 2, FAST_ALU_RR + k, false, false, false},
        {{(uint8_t)(8 * k + 1), rr(R_ECX, R_ECX)}, 2, FAST_ALU_RR + k, false, false, false}, /* the same */
        {{0x83, rr(k, R_EBP), 0x80}, 3, FAST_ALU_RI + k, false, false, false},
        {{0x83, rr(k, R_EDI), 0x7f}, 3, FAST_ALU_RI + k, false, false, false},
        {{0x81, rr(k, R_EDX), 0x01, 0x00, 0x00, 0x80}, 6, FAST_ALU_RI + k, false, false, false},
        {{(uint8_t)(8 * k + 5), 0xff, 0xff, 0xff, 0x7f}, 5, FAST_ALU_RI + k, false, false, false},
        {{(uint8_t)(8 * k + 3), 0x4b, 0x04}, 3, FAST_ALU_RM + k, false, false, false}, /* ecx op= [ebx+4] */
        /* memory destinations: [ebx+4] op= esi; [ebx-2] op= ebx (a page end); imm8, imm32 */
        {{(uint8_t)(8 * k + 1), mb(R_ESI), 0x04}, 3, FAST_ALU_MR + k, false, false, false},
        {{(uint8_t)(8 * k + 1), mb(R_EBX), 0xfe}, 3, FAST_ALU_MR + k, false, false, false},
        {{0x83, mb(k), 0x04, 0x80}, 4, FAST_ALU_MI + k, false, false, false},
        {{0x83, mb(k), 0xfe, 0x01}, 4, FAST_ALU_MI + k, false, false, false},
        {{0x81, m0(k), 0x01, 0x00, 0x00, 0x80}, 6, FAST_ALU_MI + k, false, false, false},
        /* faulting: the write (CMP only reads: no fault), the read */
        {{CS_, (uint8_t)(8 * k + 1), m0(R_EDX)}, 3, FAST_ALU_MR + k, false, false, k != ALU_CMP},
        {{CS_, 0x83, mb(k), 0x04, 0xff}, 5, FAST_ALU_MI + k, false, false, k != ALU_CMP},
        {{FS_, (uint8_t)(8 * k + 1), m0(R_EDX)}, 3, FAST_ALU_MR + k, false, false, true},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_moves_and_counts)
{
    struct form forms[] = {
        {{0x40 + R_ESI}, 1, FAST_INC, false, false, false},
        {{0x48 + R_EAX}, 1, FAST_DEC, false, false, false},
        {{0x89, rr(R_EAX, R_EDI)}, 2, FAST_MOV_RR, false, false, false},
        {{0x8b, rr(R_EAX, R_EDI)}, 2, FAST_MOV_RR, false, false, false},
        {{0xb8 + R_EBP, 0x78, 0x56, 0x34, 0x12}, 5, FAST_MOV_RI, false, false, false},
        {{0x85, rr(R_EDX, R_ECX)}, 2, FAST_TEST_RR, false, false, false},
        {{0x8b, 0x43, 0x04}, 3, FAST_LOAD, false, false, false},             /* mov eax, [ebx+4] */
        {{0x8b, 0x14, 0x8b}, 3, FAST_LOAD, false, true, false},             /* mov edx, [ebx+ecx*4] */
        {{0x89, 0x73, 0x00}, 3, FAST_STORE, false, false, false},            /* mov [ebx+0], esi */
        {{0x89, 0x3c, 0x4b}, 3, FAST_STORE, false, true, false},            /* mov [ebx+ecx*2], edi */
        {{0x8a, 0x63, 0x05}, 3, FAST_LOAD8, false, false, false},            /* mov ah, [ebx+5] */
        {{0x8a, 0x0b}, 2, FAST_LOAD8, false, false, false},                  /* mov cl, [ebx] */
        {{0x88, 0x7b, 0x02}, 3, FAST_STORE8, false, false, false},           /* mov [ebx+2], bh */
        {{0x88, 0x13}, 2, FAST_STORE8, false, false, false},                 /* mov [ebx], dl */
        {{0x0f, 0xb6, rr(R_EAX, 7)}, 3, FAST_MOVZX8, false, false, false},   /* movzx eax, bh */
        {{0x0f, 0xb6, 0x53, 0x03}, 4, FAST_MOVZX8, false, false, false},     /* movzx edx, byte [ebx+3] */
        {{0x0f, 0xb7, rr(R_ESI, R_ECX)}, 3, FAST_MOVZX16, false, false, false}, /* movzx esi, cx */
        {{0x0f, 0xb7, 0x7b, 0x01}, 4, FAST_MOVZX16, false, false, false},    /* movzx edi, word [ebx+1] */
        {{0x50 + R_EDX}, 1, FAST_PUSH, false, false, false},
        {{0x50 + R_ESP}, 1, FAST_PUSH, false, false, false},                 /* pushes the old ESP */
        {{0x58 + R_EBP}, 1, FAST_POP, false, false, false},
        {{0x58 + R_ESP}, 1, FAST_POP, false, false, false},                  /* ESP = the popped value */
        {{0x8d, 0x44, 0x8b, 0x80}, 4, FAST_LEA, false, true, false},        /* lea eax, [ebx+ecx*4-128] */
        {{0x8d, 0x3d, 0x78, 0x56, 0x34, 0x12}, 6, FAST_LEA, false, false, false}, /* lea edi, [0x12345678] */
        {{0xe8, 0x40, 0x00, 0x00, 0x00}, 5, FAST_CALL, false, false, false},  /* forward */
        {{0xe8, 0x00, 0xfc, 0xff, 0xff}, 5, FAST_CALL, false, false, false},  /* back */
        {{0xc3}, 1, FAST_RET, false, false, false},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_rmw_and_more)
{
    struct form forms[] = {
        {{0xff, rr(0, R_ECX)}, 2, FAST_INC, false, false, false},                /* inc ecx (FF /0) */
        {{0xff, rr(1, R_ESP)}, 2, FAST_DEC, false, false, false},                /* dec esp (FF /1) */
        {{0xff, mb(0), 0x04}, 3, FAST_INC_M, false, false, false},               /* inc dword [ebx+4] */
        {{0xff, mb(1), 0xfe}, 3, FAST_DEC_M, false, false, false},               /* dec dword [ebx-2] */
        {{CS_, 0xff, m0(0)}, 3, FAST_INC_M, false, false, true},                /* write faults */
        {{FS_, 0xff, m0(1)}, 3, FAST_DEC_M, false, false, true},                /* read faults */
        {{0xf7, rr(2, R_EDI)}, 2, FAST_NOT, false, false, false},                /* not edi */
        {{0xf7, rr(3, R_EDX)}, 2, FAST_NEG, false, false, false},                /* neg edx */
        {{0xf7, rr(3, R_ESP)}, 2, FAST_NEG, false, false, false},                /* neg esp */
        {{0xf7, mb(2), 0x08}, 3, FAST_NOT_M, false, false, false},               /* not dword [ebx+8] */
        {{0xf7, mb(2), 0xfe}, 3, FAST_NOT_M, false, false, false},               /* not dword [ebx-2] */
        {{CS_, 0xf7, m0(2)}, 3, FAST_NOT_M, false, false, true},
        {{0xc7, rr(0, R_ESI), 0x78, 0x56, 0x34, 0x12}, 6, FAST_MOV_RI, false, false, false},
        {{0xc7, mb(0), 0x04, 0xff, 0xff, 0xff, 0xff}, 7, FAST_STORE_I, false, false, false},
        {{0xc7, mb(0), 0xfe, 0x01, 0x00, 0x00, 0x80}, 7, FAST_STORE_I, false, false, false},
        {{CS_, 0xc7, m0(0), 1, 2, 3, 4}, 7, FAST_STORE_I, false, false, true},
        {{0x66, 0x89, mb(R_ESI), 0x04}, 4, FAST_STORE16, false, false, false},   /* mov [ebx+4], si */
        {{0x66, 0x89, mb(R_EAX), 0xff}, 4, FAST_STORE16, false, false, false},   /* mov [ebx-1], ax */
        {{CS_, 0x66, 0x89, m0(R_EDX)}, 4, FAST_STORE16, false, false, true},
        {{0x66, 0x8b, mb(R_EDI), 0x02}, 4, FAST_LOAD16, false, false, false},    /* mov di, [ebx+2] */
        {{0x66, 0x8b, mb(R_ECX), 0xff}, 4, FAST_LOAD16, false, false, false},    /* mov cx, [ebx-1] */
        {{0x66, 0x8b, 0x14, 0x8b}, 4, FAST_LOAD16, false, true, false},          /* mov dx, [ebx+ecx*4] */
        {{FS_, 0x66, 0x8b, m0(R_EAX)}, 4, FAST_LOAD16, false, false, true},
        {{0x0f, 0xaf, rr(R_EAX, R_EDX)}, 3, FAST_IMUL_RR, false, false, false},  /* imul eax, edx */
        {{0x0f, 0xaf, rr(R_ESI, R_ESI)}, 3, FAST_IMUL_RR, false, false, false},  /* imul esi, esi */
        {{0x0f, 0xaf, mb(R_ECX), 0x04}, 4, FAST_IMUL_RM, false, false, false},   /* imul ecx, [ebx+4] */
        {{0x0f, 0xaf, mb(R_EBX), 0xfe}, 4, FAST_IMUL_RM, false, false, false},   /* imul ebx, [ebx-2] */
        {{FS_, 0x0f, 0xaf, m0(R_EDX)}, 4, FAST_IMUL_RM, false, false, true},
        {{0xeb, 0x10}, 2, FAST_JMP, false, false, false},                        /* forward */
        {{0xeb, 0xfe}, 2, FAST_JMP, false, false, false},                        /* to itself */
        {{0xe9, 0x00, 0x01, 0x00, 0x00}, 5, FAST_JMP, false, false, false},
        {{0xe9, 0x00, 0xfe, 0xff, 0xff}, 5, FAST_JMP, false, false, false},      /* back */
        {{0xeb, 0x20}, 2, FAST_JMP, true, false, false},                         /* 16-bit IP */
        {{0xe9, 0x00, 0x08}, 3, FAST_JMP, true, false, false},                   /* wraps at 64K */
        {{0x66, 0xe9, 0x00, 0x10, 0, 0}, 6, FAST_JMP, true, false, true}, /* past CS.limit: #GP */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

/* SHL SHR SAL SAR (_i: 0-3, ModR/M reg 4-7) in every specialised form. */
START_TEST(t_shift)
{
    int k = 4 + _i, s = k == 5 ? SHIFT_SHR : k == 7 ? SHIFT_SAR : SHIFT_SHL;
    uint8_t r = rr(k, R_EDX), m = mb(k);
    struct form forms[] = {
        {{0xc1, r, 0}, 3, FAST_SHIFT_RI + s, false, false, false},
        {{0xc1, r, 1}, 3, FAST_SHIFT_RI + s, false, false, false},
        {{0xc1, r, 31}, 3, FAST_SHIFT_RI + s, false, false, false},
        {{0xc1, r, 32}, 3, FAST_SHIFT_RI + s, false, false, false},        /* masked to 0 */
        {{0xc1, r, 33}, 3, FAST_SHIFT_RI + s, false, false, false},        /* masked to 1 */
        {{0xc1, rr(k, R_ECX), 0xff}, 3, FAST_SHIFT_RI + s, false, false, false},
        {{0xd1, r}, 2, FAST_SHIFT_RI + s, false, false, false},            /* by 1 */
        {{0xc1, m, 0x04, 0}, 4, FAST_SHIFT_MI + s, false, false, false},   /* [ebx+4] */
        {{0xc1, m, 0x04, 1}, 4, FAST_SHIFT_MI + s, false, false, false},
        {{0xc1, m, 0x04, 31}, 4, FAST_SHIFT_MI + s, false, false, false},
        {{0xc1, m, 0x04, 33}, 4, FAST_SHIFT_MI + s, false, false, false},
        {{0xc1, m, 0xfe, 7}, 4, FAST_SHIFT_MI + s, false, false, false},   /* [ebx-2]: a page end */
        {{0xd1, m0(k)}, 2, FAST_SHIFT_MI + s, false, false, false},
        {{CS_, 0xc1, m0(k), 3}, 4, FAST_SHIFT_MI + s, false, false, true}, /* the write faults */
        {{CS_, 0xc1, m0(k), 0}, 4, FAST_SHIFT_MI + s, false, false, false}, /* count 0: no write */
        {{FS_, 0xc1, m0(k), 32}, 4, FAST_SHIFT_MI + s, false, false, true}, /* but a read */
        {{0xd3, r}, 2, FAST_SHIFT_CL + s, false, false, false},            /* by CL */
        {{0xd3, rr(k, R_ECX)}, 2, FAST_SHIFT_CL + s, false, false, false}, /* ecx by cl */
        {{0xd3, m, 0x04}, 3, FAST_SHIFT_CL + s, false, false, false},
        {{0xd3, m, 0xfe}, 3, FAST_SHIFT_CL + s, false, false, false},
        {{FS_, 0xd3, m0(k)}, 3, FAST_SHIFT_CL + s, false, false, true},   /* the read faults */
        {{0x66, 0xc1, r, 0}, 4, FAST_SHIFT16 + s, false, false, false},    /* 16 bits */
        {{0x66, 0xc1, r, 1}, 4, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, r, 15}, 4, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, r, 16}, 4, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, r, 17}, 4, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, r, 31}, 4, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, r, 33}, 4, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xd1, r}, 3, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, m, 0x02, 5}, 5, FAST_SHIFT16 + s, false, false, false},
        {{0x66, 0xc1, m, 0xff, 9}, 5, FAST_SHIFT16 + s, false, false, false}, /* [ebx-1] */
        {{0x66, 0xd1, m0(k)}, 3, FAST_SHIFT16 + s, false, false, false},
        {{CS_, 0x66, 0xc1, m0(k), 4}, 5, FAST_SHIFT16 + s, false, false, true},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

/* The byte ALU family, operation k = _i, on all eight byte registers
 * (AL..BL and AH..BH, bits 15:8 of EAX..EBX), both directions, with an
 * immediate in three encodings, and with a memory operand either way:
 * inside the data window, at [EBX-1] (the last byte of the page before
 * DATA) and faulting (the write through CS, the read through FS). */
START_TEST(t_byte_alu)
{
    int k = _i;
    uint8_t eb = (uint8_t)(8 * k), gb = (uint8_t)(8 * k + 2), al = (uint8_t)(8 * k + 4);
    struct form forms[] = {
        {{eb, rr(4, 0)}, 2, FAST_ALU8_RR + k, false, false, false},        /* al op= ah */
        {{eb, rr(7, 3)}, 2, FAST_ALU8_RR + k, false, false, false},        /* bl op= bh */
        {{eb, rr(1, 6)}, 2, FAST_ALU8_RR + k, false, false, false},        /* dh op= cl */
        {{eb, rr(5, 5)}, 2, FAST_ALU8_RR + k, false, false, false},        /* ch op= ch */
        {{gb, rr(6, 2)}, 2, FAST_ALU8_RR + k, false, false, false},        /* dh op= dl */
        {{gb, rr(3, 7)}, 2, FAST_ALU8_RR + k, false, false, false},        /* bl op= bh */
        {{gb, rr(4, 4)}, 2, FAST_ALU8_RR + k, false, false, false},        /* ah op= ah */
        {{al, 0x80}, 2, FAST_ALU8_RI + k, false, false, false},            /* al op= 0x80 */
        {{al, 0x7f}, 2, FAST_ALU8_RI + k, false, false, false},
        {{0x80, rr(k, 4), 0xff}, 3, FAST_ALU8_RI + k, false, false, false}, /* ah op= 0xff */
        {{0x80, rr(k, 1), 0x01}, 3, FAST_ALU8_RI + k, false, false, false}, /* cl op= 1 */
        {{0x82, rr(k, 7), 0x80}, 3, FAST_ALU8_RI + k, false, false, false}, /* bh: 82 */
        {{gb, mb(4), 0x05}, 3, FAST_ALU8_RM + k, false, false, false},      /* ah op= [ebx+5] */
        {{gb, mb(2), 0xff}, 3, FAST_ALU8_RM + k, false, false, false},      /* dl op= [ebx-1] */
        {{FS_, gb, m0(7)}, 3, FAST_ALU8_RM + k, false, false, true},
        {{eb, mb(6), 0x03}, 3, FAST_ALU8_MR + k, false, false, false},      /* [ebx+3] op= dh */
        {{eb, mb(0), 0xff}, 3, FAST_ALU8_MR + k, false, false, false},      /* [ebx-1] op= al */
        {{CS_, eb, m0(5)}, 3, FAST_ALU8_MR + k, false, false, k != ALU_CMP},
        {{FS_, eb, m0(1)}, 3, FAST_ALU8_MR + k, false, false, true},
        {{0x80, mb(k), 0x06, 0x80}, 4, FAST_ALU8_MI + k, false, false, false},
        {{0x82, mb(k), 0xff, 0x01}, 4, FAST_ALU8_MI + k, false, false, false},
        {{CS_, 0x80, m0(k), 0x7f}, 4, FAST_ALU8_MI + k, false, false, k != ALU_CMP},
        {{FS_, 0x80, m0(k), 0x7f}, 4, FAST_ALU8_MI + k, false, false, true},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

/* TEST and MOV with byte operands. */
START_TEST(t_byte_test_mov)
{
    struct form forms[] = {
        {{0x84, rr(4, 0)}, 2, FAST_TEST8_RR, false, false, false},         /* test al, ah */
        {{0x84, rr(7, 7)}, 2, FAST_TEST8_RR, false, false, false},         /* test bh, bh */
        {{0x84, rr(2, 5)}, 2, FAST_TEST8_RR, false, false, false},         /* test ch, dl */
        {{0xa8, 0x80}, 2, FAST_TEST8_RI, false, false, false},             /* test al, 0x80 */
        {{0xf6, rr(0, 6), 0x01}, 3, FAST_TEST8_RI, false, false, false},   /* test dh, 1 */
        {{0xf6, rr(1, 3), 0xff}, 3, FAST_TEST8_RI, false, false, false},   /* /1 alias: bl */
        {{0x84, mb(5), 0x02}, 3, FAST_TEST8_MR, false, false, false},      /* test [ebx+2], ch */
        {{0x84, mb(3), 0xff}, 3, FAST_TEST8_MR, false, false, false},      /* [ebx-1], bl */
        {{FS_, 0x84, m0(4)}, 3, FAST_TEST8_MR, false, false, true},
        {{0xf6, mb(0), 0x07, 0x81}, 4, FAST_TEST8_MI, false, false, false},
        {{0xf6, mb(0), 0xff, 0x7f}, 4, FAST_TEST8_MI, false, false, false},
        {{FS_, 0xf6, m0(0), 0xff}, 4, FAST_TEST8_MI, false, false, true},
        {{0x88, rr(4, 3)}, 2, FAST_MOV8_RR, false, false, false},          /* mov bl, ah */
        {{0x88, rr(1, 7)}, 2, FAST_MOV8_RR, false, false, false},          /* mov bh, cl */
        {{0x8a, rr(6, 5)}, 2, FAST_MOV8_RR, false, false, false},          /* mov dh, ch */
        {{0x8a, rr(0, 4)}, 2, FAST_MOV8_RR, false, false, false},          /* mov al, ah */
        {{0xb0 + 0, 0x81}, 2, FAST_MOV8_RI, false, false, false},          /* mov al, 0x81 */
        {{0xb0 + 3, 0xff}, 2, FAST_MOV8_RI, false, false, false},          /* mov bl */
        {{0xb0 + 4, 0x7f}, 2, FAST_MOV8_RI, false, false, false},          /* mov ah */
        {{0xb0 + 7, 0x00}, 2, FAST_MOV8_RI, false, false, false},          /* mov bh */
        {{0xc6, rr(0, 5), 0x5a}, 3, FAST_MOV8_RI, false, false, false},    /* C6 /0: ch */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

/* ROL and ROR (_i: ModR/M reg 0, 1) of a dword by a fixed count, register
 * and memory: counts 0 (no flag changes, but the read), 1 (OF defined),
 * 31, 32 (masked to 0) and 33 (to 1). */
START_TEST(t_rotate)
{
    int k = _i;
    uint8_t r = rr(k, R_ESI), m = mb(k);
    struct form forms[] = {
        {{0xc1, r, 0}, 3, FAST_ROT_RI + k, false, false, false},
        {{0xc1, r, 1}, 3, FAST_ROT_RI + k, false, false, false},
        {{0xc1, r, 13}, 3, FAST_ROT_RI + k, false, false, false},
        {{0xc1, r, 31}, 3, FAST_ROT_RI + k, false, false, false},
        {{0xc1, r, 32}, 3, FAST_ROT_RI + k, false, false, false},
        {{0xc1, r, 33}, 3, FAST_ROT_RI + k, false, false, false},
        {{0xd1, rr(k, R_EAX)}, 2, FAST_ROT_RI + k, false, false, false},
        {{0xc1, m, 0x04, 1}, 4, FAST_ROT_MI + k, false, false, false},
        {{0xc1, m, 0x04, 0}, 4, FAST_ROT_MI + k, false, false, false},
        {{0xc1, m, 0xfe, 9}, 4, FAST_ROT_MI + k, false, false, false},     /* a page end */
        {{0xd1, m0(k)}, 2, FAST_ROT_MI + k, false, false, false},
        {{CS_, 0xc1, m0(k), 3}, 4, FAST_ROT_MI + k, false, false, true},   /* the write faults */
        {{CS_, 0xc1, m0(k), 0}, 4, FAST_ROT_MI + k, false, false, false},  /* count 0: no write */
        {{FS_, 0xc1, m0(k), 32}, 4, FAST_ROT_MI + k, false, false, true},  /* but a read */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

/* IMUL r32, r/m32, imm: imm8 (6B, sign-extended) and imm32 (69). */
START_TEST(t_imul_imm)
{
    struct form forms[] = {
        {{0x6b, rr(R_EAX, R_EDX), 0x80}, 3, FAST_IMUL_RI, false, false, false},   /* eax = edx * -128 */
        {{0x6b, rr(R_ESI, R_ESI), 0x7f}, 3, FAST_IMUL_RI, false, false, false},
        {{0x69, rr(R_EDI, R_ECX), 0x01, 0, 0, 0x80}, 6, FAST_IMUL_RI, false, false, false},
        {{0x69, rr(R_EBP, R_EBX), 0xff, 0xff, 0xff, 0x7f}, 6, FAST_IMUL_RI, false, false, false},
        {{0x6b, mb(R_ECX), 0x04, 0x03}, 4, FAST_IMUL_MI, false, false, false},    /* ecx = [ebx+4] * 3 */
        {{0x69, mb(R_EBX), 0xfe, 0x10, 0, 0, 0}, 7, FAST_IMUL_MI, false, false, false}, /* a page end */
        {{FS_, 0x6b, m0(R_EDX), 0x05}, 4, FAST_IMUL_MI, false, false, true},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

/* CMOVcc and SETcc for condition cc = _i: registers (SETcc of AH..BH too)
 * and memory; a CMOV whose read faults faults whatever the condition, and
 * a SETcc whose write faults changes nothing. */
START_TEST(t_cmov_setcc)
{
    int cc = _i;
    uint8_t cm = (uint8_t)(0x40 + cc), st = (uint8_t)(0x90 + cc);
    struct form forms[] = {
        {{0x0f, cm, rr(R_EAX, R_EDX)}, 3, FAST_CMOV + cc, false, false, false},
        {{0x0f, cm, rr(R_EDI, R_EDI)}, 3, FAST_CMOV + cc, false, false, false},
        {{0x0f, cm, mb(R_ESI), 0x04}, 4, FAST_CMOV + cc, false, false, false},
        {{0x0f, cm, mb(R_ECX), 0xfe}, 4, FAST_CMOV + cc, false, false, false}, /* a page end */
        {{FS_, 0x0f, cm, m0(R_EDX)}, 4, FAST_CMOV + cc, false, false, true},   /* the read faults */
        {{0x0f, st, rr(0, 0)}, 3, FAST_SETCC + cc, false, false, false},       /* al */
        {{0x0f, st, rr(0, 7)}, 3, FAST_SETCC + cc, false, false, false},       /* bh */
        {{0x0f, st, rr(0, 4)}, 3, FAST_SETCC + cc, false, false, false},       /* ah */
        {{0x0f, st, mb(0), 0x05}, 4, FAST_SETCC + cc, false, false, false},
        {{0x0f, st, mb(0), 0xff}, 4, FAST_SETCC + cc, false, false, false},
        {{CS_, 0x0f, st, m0(0)}, 4, FAST_SETCC + cc, false, false, true},      /* the write faults */
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_jcc)
{
    int cc = _i;
    struct form forms[] = {
        {{(uint8_t)(0x70 + cc), 0x10}, 2, FAST_JCC + cc, false, false, false},           /* forward */
        {{(uint8_t)(0x70 + cc), 0xfe}, 2, FAST_JCC + cc, false, false, false},           /* to itself */
        {{0x0f, (uint8_t)(0x80 + cc), 0x00, 0x01, 0, 0}, 6, FAST_JCC + cc, false, false, false},
        {{0x0f, (uint8_t)(0x80 + cc), 0x00, 0xfe, 0xff, 0xff}, 6, FAST_JCC + cc, false, false, false}, /* back */
        {{(uint8_t)(0x70 + cc), 0x20}, 2, FAST_JCC + cc, true, false, false},            /* 16-bit IP */
        {{0x0f, (uint8_t)(0x80 + cc), 0x00, 0x08}, 4, FAST_JCC + cc, true, false, false}, /* wraps at 64K */
        /* taken, past CS.limit: #GP */
        {{0x66, 0x0f, (uint8_t)(0x80 + cc), 0x00, 0x10, 0, 0}, 7, FAST_JCC + cc, true, false, false},
    };
    for (size_t n = 0; n < sizeof forms / sizeof forms[0]; n++)
        check_form(&forms[n]);
}
END_TEST

START_TEST(t_not_specialised)
{
    /* 16-bit operands, byte operations and the rarer forms keep the
     * generic handlers. */
    struct form forms[] = {
        {{0x66, 0x01, rr(R_EAX, R_EBX)}, 3, OP_ADD_Ev_Gv, false, false, false},
        {{0x66, 0x01, m0(R_EAX)}, 3, OP_ADD_Ev_Gv, false, false, false},   /* add [ebx], ax */
        {{0xf6, m0(3)}, 2, OP_NEG_Eb, false, false, false},                 /* neg byte [ebx] */
        {{0xc6, m0(0), 0x12}, 3, OP_MOV_Eb_Ib, false, false, false},        /* mov byte [ebx], 0x12 */
        {{0xf7, m0(3)}, 2, OP_NEG_Ev, false, false, false},                 /* neg dword [ebx] */
        {{0xc1, rr(2, R_EAX), 5}, 3, OP_RCL_Ev_Ib, false, false, false},    /* through CF */
        {{0x66, 0xc1, rr(0, R_EAX), 5}, 4, OP_ROL_Ev_Ib, false, false, false}, /* a 16-bit rotate */
        {{0xd3, rr(1, R_EAX)}, 2, OP_ROR_Ev_CL, false, false, false},      /* a rotate by CL */
        {{0xc0, rr(5, R_EAX), 5}, 3, OP_SHR_Eb_Ib, false, false, false},    /* a byte shift */
        {{0x66, 0xd3, rr(5, R_EAX)}, 3, OP_SHR_Ev_CL, false, false, false}, /* 16 bits by CL */
        {{0x66, 0xc7, m0(0), 1, 2}, 5, OP_MOV_Ev_Iz, false, false, false},  /* mov word [ebx], 0x201 */
        {{0x66, 0x0f, 0xaf, rr(R_EAX, R_EDX)}, 4, OP_IMUL_Gv_Ev, false, false, false},
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
    tcase_add_test(t, t_rmw_and_more);
    tcase_add_loop_test(t, t_shift, 0, 4);
    tcase_add_loop_test(t, t_jcc, 0, 16);
    tcase_add_loop_test(t, t_byte_alu, 0, 8);
    tcase_add_test(t, t_byte_test_mov);
    tcase_add_loop_test(t, t_rotate, 0, 2);
    tcase_add_test(t, t_imul_imm);
    tcase_add_loop_test(t, t_cmov_setcc, 0, 16);
    tcase_add_test(t, t_not_specialised);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return um_run_suite(fast_suite());
}
