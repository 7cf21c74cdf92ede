/*
 * fast_twin.h - the twin machines of test_fast.c and test_lazy.c: one
 * form (an instruction, or a few) run from the same random registers,
 * flags and memory on two machines, one with the switch core (cpu_run)
 * and one with the threaded core (cpu_run_threaded), then the whole CPU
 * (cpu_diff), the data window and the top of the stack compared.
 *
 * The test first checks that the block cache did pick the specialised
 * form (so a change there cannot make a test compare the generic handler
 * with itself), then runs the form, with HLT all around it (edge values
 * half of the time: 0, 1, 7F.., 80.., FF.., and the shift counts 31, 32
 * and 33). Memory forms may run at a page end (an operand at [EBX-2] or
 * [EBX-1] with EBX = DATA, page-aligned, crosses into the page before:
 * the inline MMU path says no and the slow path runs) and faulting: a
 * write through a CS override (a code segment is not writable: #GP after
 * the read succeeded) and a read through FS, a segment of 64 KiB, below
 * DATA (#GP at the read). #GP's gate leads to a HLT, so both machines stop
 * in the handler, with the faulting state in their registers and on the
 * stack (the exception frame's EFLAGS among it).
 */
#ifndef LAB86_FAST_TWIN_H
#define LAB86_FAST_TWIN_H

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
    uint8_t bytes[16];
    int len;
    int xop;
    bool code16; /* run from a 16-bit code segment (CS.D = 0) */
    bool small_index; /* a memory form indexed by ECX: keep ECX small */
    bool faults;      /* it raises #GP, every time: the run ends in #GP's handler */
};

/* What check_form_n() may do besides. */
struct twin_opts {
    int cases;       /* random inputs */
    int xop2;        /* nonzero: the specialised form the second instruction must get */
    bool first_only; /* run the first instruction alone (a deadline one cycle on): the
                        threaded core leaves its block after it */
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
    /* The data window's pages in the TLB for reads and writes, as earlier
     * accesses would have left them: else a memory form whose access goes
     * to a page nothing touched yet takes the slow path, and a wrong
     * address on its fast path would go unseen (a 16-bit address taken as
     * 32 bits: t_not_specialised). */
    for (uint32_t lin = DATA - 16; lin < DATA - 16 + WINDOW; lin += 0x1000) {
        struct tlb_entry te;
        ck_assert_int_eq(mmu_tlb_entry(c, lin & ~0xfffu, MMU_WRITE, false, false, &te), 0);
    }
    c->poke = false;
    if (c->tcache) {
        tcache_flush(c->tcache); /* um_load wrote RAM behind the cache's back */
        /* Warm the TLB, as a first fetch would, so the block runs at once. */
        struct tlb_entry te;
        ck_assert_int_eq(mmu_tlb_entry(c, org, MMU_EXEC, false, false, &te), 0);
        /* The fill and the flush poked (cpu.h's notice word): nothing runs yet that
         * needs to know, and a poke would make the threaded core take a closer look
         * after the form's first instruction, which settles the lazy flags
         * (lazy_flags.h) before a second one could read them from the record. */
        c->poke = false;
    }
}

/* Run form f on o->cases random inputs on both cores and compare. */
static void check_form_n(const struct form *f, const struct twin_opts *o)
{
    char report[2048];
    struct unit_machine *sw = machine(f, false);
    struct unit_machine *th = machine(f, true);
    for (int t = 0; t < o->cases; t++) {
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
            if (o->xop2)
                ck_assert_msg(b->n > 1 && b->e[1].xop == o->xop2,
                              "form %02x %02x: second xop %d, want %d", f->bytes[0], f->bytes[1],
                              b->n > 1 ? b->e[1].xop : -1, o->xop2);
        }
#endif
        uint64_t budget = o->first_only ? 1 : 1000;
        cpu_run(&sw->cpu, sw->cpu.cycles + budget);
        cpu_run_threaded(&th->cpu, th->cpu.cycles + budget);
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

#endif
