/*
 * seg_util.h - a protected-mode world in the unit machine's RAM for the
 * segmentation and system-instruction suites (test_seg.c, test_system.c):
 * a GDT, an LDT, three TSSs, flat code and data at rings 0 and 3, call
 * gates and a task gate.
 *
 * Descriptors are written byte by byte from the SDM's layouts (figures 3-8,
 * 5-8, 7-2), independently of seg.c, so that a decoding bug cannot cancel
 * itself out. Instructions that must fault are decoded and given to their
 * handler directly (run_op), and the suites check the CPU_FAULT return and
 * c->exc, independent of exception delivery.
 */
#ifndef LAB86_SEG_UTIL_H
#define LAB86_SEG_UTIL_H

#include "interp/ops.h"
#include "mmu/seg.h"
#include "unit_util.h"

/* Memory map (physical = linear: paging is off). */
#define GDT    0x1000
#define LDT    0x2000
#define TSS    0x3000
#define TSS16  0x3100
#define TSSB   0x3200
#define CODE3  0x5000 /* ring-3 code */
#define CODE0  0x6000 /* ring-0 code */
#define STACK3 0x8000 /* ring-3 stack top */
#define STACK0 0x9000 /* ring-0 stack top (ESP0 in the TSS) */

/* GDT selectors (index * 8). */
enum {
    S_CODE0 = 0x08,   /* ring-0 32-bit flat code */
    S_DATA0 = 0x10,   /* ring-0 flat data */
    S_CODE3 = 0x18,   /* ring-3 32-bit flat code */
    S_DATA3 = 0x20,   /* ring-3 flat data */
    S_TSS = 0x28,     /* 32-bit TSS, available */
    S_GATE = 0x30,    /* 32-bit call gate, DPL 3, to S_CODE0:gate_target, 2 params */
    S_NP = 0x38,      /* data, not present */
    S_CONF0 = 0x40,   /* conforming readable code, DPL 0 */
    S_XONLY = 0x48,   /* execute-only code, DPL 0 */
    S_LDTD = 0x50,    /* LDT descriptor */
    S_GATE0 = 0x58,   /* 32-bit call gate, DPL 0 */
    S_SMALL = 0x60,   /* ring-0 16-bit code, limit 0xfff, byte granular */
    S_DATA1 = 0x68,   /* ring-1 data */
    S_RO0 = 0x70,     /* read-only data, DPL 0 */
    S_INTG = 0x78,    /* interrupt gate (not valid for LAR) */
    S_CODENP = 0x80,  /* ring-0 code, not present */
    S_BIG = 0x88,     /* data with base 0x12345678, limit 0xabcde, G = 1 */
    S_TSS16 = 0x90,   /* 16-bit TSS, available */
    S_GATE16 = 0x98,  /* 16-bit call gate, DPL 3, to S_CODE0:gate_target, 1 param */
    S_TSSB = 0xa0,    /* a second 32-bit TSS, available, for task switches */
    S_TGATE = 0xa8,   /* task gate, DPL 0, to S_TSSB */
    GDT_ENTRIES = 22, /* GDT limit = 22 * 8 - 1 */
};
#define GATE_TARGET 0x6100 /* where the call gates land */
#define LDT_DATA3   0x0c   /* LDT index 1, TI = 1: ring-3 data at base 0x40000 */

/* Access bytes (P DPL S type) and flag nibbles (G D/B L AVL). */
#define ACC_CODE0 0x9a /* P, DPL 0, code, readable, not accessed */
#define ACC_DATA0 0x92 /* P, DPL 0, data, writable, not accessed */
#define ACC_CODE3 0xfa
#define ACC_DATA3 0xf2
#define FLAGS_32  0xc /* G = 1, D/B = 1 */

static inline uint8_t *ram_at(struct unit_machine *m, uint32_t pa)
{
    return m->bus.ram + pa;
}

static inline void put_desc_at(struct unit_machine *m, uint32_t table, uint16_t sel, uint32_t base,
                               uint32_t limit, uint8_t access, uint8_t flags)
{
    uint8_t *p = ram_at(m, table + (sel & ~7u));
    p[0] = (uint8_t)limit;
    p[1] = (uint8_t)(limit >> 8);
    p[2] = (uint8_t)base;
    p[3] = (uint8_t)(base >> 8);
    p[4] = (uint8_t)(base >> 16);
    p[5] = access;
    p[6] = (uint8_t)(((limit >> 16) & 0xf) | (unsigned)(flags << 4));
    p[7] = (uint8_t)(base >> 24);
}

static inline void put_desc(struct unit_machine *m, uint16_t sel, uint32_t base, uint32_t limit,
                            uint8_t access, uint8_t flags)
{
    put_desc_at(m, GDT, sel, base, limit, access, flags);
}

/* A gate: selector, offset, access byte, parameter count (SDM figure 5-8). */
static inline void put_gate(struct unit_machine *m, uint16_t sel, uint16_t target, uint32_t off,
                            uint8_t access, uint8_t count)
{
    uint8_t *p = ram_at(m, GDT + (sel & ~7u));
    p[0] = (uint8_t)off;
    p[1] = (uint8_t)(off >> 8);
    p[2] = (uint8_t)target;
    p[3] = (uint8_t)(target >> 8);
    p[4] = count;
    p[5] = access;
    p[6] = (uint8_t)(off >> 16);
    p[7] = (uint8_t)(off >> 24);
}

static inline uint32_t rd32(struct unit_machine *m, uint32_t pa)
{
    uint8_t *p = ram_at(m, pa);
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void wr32(struct unit_machine *m, uint32_t pa, uint32_t v)
{
    uint8_t *p = ram_at(m, pa);
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static inline void wr16(struct unit_machine *m, uint32_t pa, uint16_t v)
{
    ram_at(m, pa)[0] = (uint8_t)v;
    ram_at(m, pa)[1] = (uint8_t)(v >> 8);
}

/* The access byte of GDT entry sel, as stored in RAM. */
static inline uint8_t access_byte(struct unit_machine *m, uint16_t sel)
{
    return ram_at(m, GDT + (sel & ~7u))[5];
}

/* Write the whole GDT, LDT and TSS. */
static inline void build_tables(struct unit_machine *m)
{
    put_desc(m, S_CODE0, 0, 0xfffff, ACC_CODE0, FLAGS_32);
    put_desc(m, S_DATA0, 0, 0xfffff, ACC_DATA0, FLAGS_32);
    put_desc(m, S_CODE3, 0, 0xfffff, ACC_CODE3, FLAGS_32);
    put_desc(m, S_DATA3, 0, 0xfffff, ACC_DATA3, FLAGS_32);
    put_desc(m, S_TSS, TSS, 0x67, 0x89, 0);
    put_gate(m, S_GATE, S_CODE0, GATE_TARGET, 0xec, 2);
    put_desc(m, S_NP, 0, 0xfffff, 0x12, FLAGS_32);
    put_desc(m, S_CONF0, 0, 0xfffff, 0x9e, FLAGS_32);
    put_desc(m, S_XONLY, 0, 0xfffff, 0x98, FLAGS_32);
    put_desc(m, S_LDTD, LDT, 0x0f, 0x82, 0);
    put_gate(m, S_GATE0, S_CODE0, GATE_TARGET, 0x8c, 0);
    put_desc(m, S_SMALL, 0, 0xfff, ACC_CODE0, 0);
    put_desc(m, S_DATA1, 0, 0xfffff, 0xb2, FLAGS_32);
    put_desc(m, S_RO0, 0, 0xfffff, 0x90, FLAGS_32);
    put_gate(m, S_INTG, S_CODE0, 0, 0x8e, 0);
    put_desc(m, S_CODENP, 0, 0xfffff, 0x1a, FLAGS_32);
    put_desc(m, S_BIG, 0x12345678, 0xabcde, ACC_DATA0, FLAGS_32);
    put_desc(m, S_TSS16, TSS16, 0x2b, 0x81, 0);
    put_gate(m, S_GATE16, S_CODE0, GATE_TARGET, 0xe4, 1);
    put_desc(m, S_TSSB, TSSB, 0x67, 0x89, 0);
    put_gate(m, S_TGATE, S_TSSB, 0, 0x85, 0);
    put_desc_at(m, LDT, LDT_DATA3, 0x40000, 0xffff, ACC_DATA3, 0);
    wr32(m, TSS + 4, STACK0);    /* ESP0 */
    wr16(m, TSS + 8, S_DATA0);   /* SS0 */
    wr16(m, TSS16 + 2, 0x8800);  /* SP0 */
    wr16(m, TSS16 + 4, S_DATA0); /* SS0 */
    /* The task of S_TSSB (SDM figure 7-2): EIP, EFLAGS, ESP, ES CS SS DS. */
    wr32(m, TSSB + 0x20, 0x6300);
    wr32(m, TSSB + 0x24, FL_FIXED1);
    wr32(m, TSSB + 0x38, 0x9800);
    wr16(m, TSSB + 0x48, S_DATA0);
    wr16(m, TSSB + 0x4c, S_CODE0);
    wr16(m, TSSB + 0x50, S_DATA0);
    wr16(m, TSSB + 0x54, S_DATA0);
}

/* Load a segment cache from the test's own GDT bytes (setup, not test). */
static inline void set_seg(struct unit_machine *m, int sreg, uint16_t sel)
{
    const uint8_t *p = ram_at(m, GDT + (sel & ~7u));
    struct desc d = {p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24,
                     p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24};
    seg_load_cache(&m->cpu, sreg, sel, d);
}

/* A machine in 32-bit protected mode at privilege level cpl, flat
 * segments, TR = the 32-bit TSS, paging off. */
static inline struct unit_machine *pm_machine(unsigned cpl)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;
    build_tables(m);
    c->gdtr = (struct dtr){GDT, GDT_ENTRIES * 8 - 1};
    c->cr0 |= CR0_PE;
    uint16_t cs = cpl ? S_CODE3 | 3 : S_CODE0, ds = cpl ? S_DATA3 | 3 : S_DATA0;
    set_seg(m, SEG_CS, cs);
    set_seg(m, SEG_SS, ds);
    set_seg(m, SEG_DS, ds);
    set_seg(m, SEG_ES, ds);
    set_seg(m, SEG_TR, S_TSS);
    c->seg[SEG_TR].attr |= 2; /* busy */
    cpu_seg_changed(c, SEG_TR); /* changed in place: cpu.h */
    c->gpr[R_ESP] = cpl ? STACK3 : STACK0;
    c->eip = cpl ? CODE3 : CODE0;
    ck_assert_int_eq(c->cpl, cpl);
    return m;
}

/* Decode bytes at the current code size and run handler fn on them the way
 * cpu_step does (EIP advanced first, rewound on a fault). Returns its
 * result. */
static inline int run_op(struct cpu *c, int (*fn)(struct cpu *, const struct insn *),
                         const uint8_t *b, int n)
{
    struct insn i;
    ck_assert_int_eq(x86_decode(&i, b, n, c->code32 ? 4 : 2), DECODE_OK);
    c->prev_eip = c->eip;
    c->eip += i.len;
    int r = fn(c, &i);
    if (r)
        c->eip = c->prev_eip;
    return r;
}
#define RUN(c, fn, ...)                                                                            \
    run_op((c), (fn), (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

/* The fault recorded: vector and error code. */
static inline void assert_fault(const struct cpu *c, int r, int vec, uint32_t err)
{
    ck_assert_int_eq(r, CPU_FAULT);
    ck_assert_int_eq(c->exc.vector, vec);
    ck_assert_uint_eq(c->exc.error, err);
}

#endif
