/*
 * string_twin.h - the twin machines of test_string_fast.c: one instruction
 * run through its handler on two machines set up alike, one as it is (its
 * REP string instructions may take runs, ops_string_fast.c) and one forced
 * element by element, compared after every handler call.
 *
 * The slow twin has a DR0 write breakpoint armed at an address no case
 * touches: while DR7 enables a breakpoint mmu_fast_entry() (mmu_fast.h)
 * sends every data access down the slow path, and the run functions
 * decline. Both have 2 MiB of RAM filled with the same pseudo-random bytes,
 * a device page right after RAM that logs what it is sent, and a ROM page.
 */
#ifndef LAB86_STRING_TWIN_H
#define LAB86_STRING_TWIN_H

#include "interp/ops.h"
#include "unit_util.h"

#define RAM_SIZE  (2u << 20)       /* 2 MiB of RAM ... */
#define DEV_BASE  RAM_SIZE         /* ... and right after it a device page */
#define ROM_BASE  (RAM_SIZE + 0x1000u) /* and a ROM page */
#define PD        0x1f0000u        /* page directory of the paged cases */
#define PT        0x1f1000u        /* its one page table: 0-4 MiB */
#define CODE      0x1000u          /* EIP of the instruction (decoded from a buffer) */
#define REP_BATCH 4096             /* ops_string.c's elements per handler call */
#define NOWHERE   0xfffffff0u      /* the slow machine's breakpoint: never accessed */
#define PATTERN   65521u           /* RAM's fill repeats with this prime period, so that no
                                      copy between the cases' addresses leaves RAM as it was */

typedef int handler_fn(struct cpu *c, const struct insn *i);

/* A device page that logs what it is sent and answers reads with a count. */
struct dev_log {
    uint32_t writes;   /* stores seen */
    uint32_t sum;      /* a checksum of their offsets, sizes and values */
    uint32_t reads;    /* loads served */
};

static inline uint32_t dev_read(void *opaque, uint32_t off, int size)
{
    struct dev_log *d = opaque;
    return (uint32_t)(++d->reads * 0x01010101u + off) & (0xffffffffu >> (32 - 8 * size));
}

static inline void dev_write(void *opaque, uint32_t off, uint32_t v, int size)
{
    struct dev_log *d = opaque;
    d->writes++;
    d->sum = d->sum * 31u + off * 7u + (uint32_t)size + v;
}

static const uint8_t rom[0x1000] = {[0] = 0x11, [0x7ff] = 0x22, [0xffc] = 0x33, [0xfff] = 0x44};

/* One of the two machines. */
struct side {
    struct unit_machine *m; /* CPU and RAM */
    struct dev_log dev;     /* the device page's log */
};

/* RAM filled with a fixed pseudo-random pattern (PATTERN), the device and the ROM
 * mapped behind it, real mode. */
static inline void side_new(struct side *s, bool slow)
{
    s->m = um_new(RAM_SIZE);
    memset(&s->dev, 0, sizeof s->dev);
    static uint8_t pattern[PATTERN];
    if (!pattern[0]) { /* made once: 65521 bytes of a fixed pseudo-random sequence */
        uint32_t x = 0x12345678u;
        for (uint32_t k = 0; k < PATTERN; k++) {
            x = x * 1103515245u + 12345u;
            pattern[k] = (uint8_t)((x >> 16) | (k == 0));
        }
    }
    for (uint32_t k = 0; k < RAM_SIZE; k += PATTERN)
        memcpy(s->m->bus.ram + k, pattern, RAM_SIZE - k < PATTERN ? RAM_SIZE - k : PATTERN);
    ck_assert_int_eq(bus_map_mmio(&s->m->bus, DEV_BASE, 0x1000, dev_read, dev_write, &s->dev), 0);
    ck_assert_int_eq(bus_map_rom(&s->m->bus, ROM_BASE, 0x1000, rom), 0);
    s->m->cpu.eip = CODE;
    if (slow) {
        s->m->cpu.dr[0] = NOWHERE;
        s->m->cpu.dr[7] |= 0x00010001u; /* L0, RW0 = 01 (writes), LEN0 = 1 byte */
        mmu_watch_changed(&s->m->cpu); /* mmu.h */
    }
}

/* Flat 32-bit protected mode, CPL 0: every data segment base 0, 4 GiB. */
static inline void flat32(struct unit_machine *m)
{
    struct cpu *c = &m->cpu;
    uint16_t big = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G;
    c->cr0 |= CR0_PE;
    c->seg[SEG_CS] = seg_make(0x08, 0, 0xffffffffu, big | SEG_TYPE_CODE | 2);
    for (int s = SEG_ES; s <= SEG_GS; s++)
        if (s != SEG_CS)
            c->seg[s] = seg_make(0x10, 0, 0xffffffffu, big | 2);
    cpu_update_mode(c);
}

/* flat32 with paging: 0-4 MiB mapped to itself, read/write. */
static inline void paged(struct unit_machine *m)
{
    flat32(m);
    st_le(m->bus.ram + PD, PT | PTE_P | PTE_RW, 4);
    for (uint32_t p = 0; p < 1024; p++)
        st_le(m->bus.ram + PT + 4 * p, (p << 12) | PTE_P | PTE_RW, 4);
    m->cpu.cr3 = PD;
    m->cpu.cr0 |= CR0_PG;
    cpu_update_mode(&m->cpu);
}

/* Map linear page lin to physical page pa (0: not present). */
static inline void map(struct unit_machine *m, uint32_t lin, uint32_t pa, bool present)
{
    st_le(m->bus.ram + PT + 4 * (lin >> 12), pa | (present ? PTE_P | PTE_RW : 0), 4);
}

/* The registers of a case, set on both machines. */
struct regs {
    uint32_t esi, edi, ecx, eax; /* the string registers */
    bool down;                   /* EFLAGS.DF */
};

static inline void set_regs(struct unit_machine *m, const struct regs *r)
{
    struct cpu *c = &m->cpu;
    c->gpr[R_ESI] = r->esi;
    c->gpr[R_EDI] = r->edi;
    c->gpr[R_ECX] = r->ecx;
    c->gpr[R_EAX] = r->eax;
    if (r->down)
        c->eflags |= FL_DF;
}

/* The two machines of a case: [0] fast, [1] forced slow. */
static struct side twin[2];

static inline void twin_new(void (*mode)(struct unit_machine *m), const struct regs *r)
{
    for (int s = 0; s < 2; s++) {
        side_new(&twin[s], s == 1);
        if (mode)
            mode(twin[s].m);
        set_regs(twin[s].m, r);
    }
}

static inline void twin_free(void)
{
    for (int s = 0; s < 2; s++)
        um_free(twin[s].m);
}

/* The two machines agree on everything an instruction can change. */
static inline void twin_same(int call)
{
    const struct cpu *f = &twin[0].m->cpu, *s = &twin[1].m->cpu;
    for (int r = 0; r < 8; r++)
        ck_assert_msg(f->gpr[r] == s->gpr[r], "call %d: register %d is %#llx fast, %#llx slow",
                      call, r, (unsigned long long)f->gpr[r], (unsigned long long)s->gpr[r]);
    ck_assert_uint_eq(f->eip, s->eip);
    ck_assert_uint_eq(f->eflags, s->eflags);
    ck_assert_uint_eq(f->cycle_extra, s->cycle_extra);
    ck_assert_uint_eq(f->cycles, s->cycles);
    ck_assert_uint_eq(f->tlb.misses, s->tlb.misses);
    ck_assert_uint_eq(f->cr2, s->cr2);
    const uint8_t *a = twin[0].m->bus.ram, *b = twin[1].m->bus.ram;
    if (memcmp(a, b, RAM_SIZE) != 0) {
        uint32_t k = 0;
        while (a[k] == b[k])
            k++;
        ck_abort_msg("call %d: RAM differs first at %#x: %02x fast, %02x slow", call, k, a[k],
                     b[k]);
    }
    ck_assert_uint_eq(twin[0].dev.writes, twin[1].dev.writes);
    ck_assert_uint_eq(twin[0].dev.sum, twin[1].dev.sum);
    ck_assert_uint_eq(twin[0].dev.reads, twin[1].dev.reads);
}

/* Run instruction b on both machines through handler h, a call at a time,
 * comparing after each, until it completes or faults. Returns the last
 * call's result (0 or CPU_FAULT) and leaves the machines for more checks. */
static inline int twin_run(handler_fn *h, const uint8_t *b, int n)
{
    for (int call = 0; call < 1000; call++) {
        int r0 = um_run_handler(twin[0].m, h, b, n);
        int r1 = um_run_handler(twin[1].m, h, b, n);
        ck_assert_int_eq(r0, r1);
        twin_same(call);
        if (r0 == CPU_FAULT) {
            ck_assert_uint_eq(twin[0].m->cpu.exc.vector, twin[1].m->cpu.exc.vector);
            ck_assert_uint_eq(twin[0].m->cpu.exc.error, twin[1].m->cpu.exc.error);
            twin[0].m->cpu.eip = twin[1].m->cpu.eip = CODE; /* as the loop rewinds */
            return r0;
        }
        if (twin[0].m->cpu.eip != CODE)
            return 0;
    }
    ck_abort_msg("the instruction did not complete in 1000 calls");
    return CPU_FAULT;
}

/* The fast machine's CPU, for the checks a case adds. */
static inline struct cpu *fast_cpu(void)
{
    return &twin[0].m->cpu;
}

/* The handler of a REP string opcode (A4/A5, AA/AB, AC/AD). */
static inline handler_fn *handler_of(uint8_t op)
{
    if (op == 0xa4 || op == 0xa5)
        return op_movs;
    if (op == 0xaa || op == 0xab)
        return op_stos;
    return op_lods;
}

/* REP <op> with an optional operand-size prefix (0x66) in the current
 * mode, twin-run to completion; returns the last call's result. */
static inline int rep(uint8_t op, bool o66, bool a67)
{
    uint8_t b[4];
    int n = 0;
    if (o66)
        b[n++] = 0x66;
    if (a67)
        b[n++] = 0x67;
    b[n++] = 0xf3;
    b[n++] = op;
    return twin_run(handler_of(op), b, n);
}

/* --- for calling the run functions (ops_string_fast.h) directly --- */

/* Decode REP <op> (with prefixes) for a direct call of a run function. */
static inline struct insn decoded(struct cpu *c, const uint8_t *b, int n)
{
    struct insn i;
    ck_assert_int_eq(x86_decode(&i, b, n, c->code32 ? 4 : 2), DECODE_OK);
    return i;
}

/* Put the page of lin in the TLB with the rights of acc, as an access would. */
static inline void warm(struct cpu *c, uint32_t lin, int acc)
{
    struct tlb_entry e;
    ck_assert_int_eq(mmu_tlb_entry(c, lin, acc, c->cpl == 3, false, &e), 0);
}

#endif
