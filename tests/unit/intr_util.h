/*
 * intr_util.h - a small protected-mode world in the unit machine's RAM for
 * the interrupt and task-switch suites: a GDT, an IDT, two TSSs and flat
 * code and data segments at ring 0 and ring 3.
 *
 * Descriptors are assembled here bit by bit from the SDM's figures (3-8,
 * 6-2, 7-3), independently of seg.c, and the CPU state is set by filling
 * the segment caches directly, so that a test depends only on the code it
 * tests.
 *
 * Memory map (physical = linear, no paging):
 *   0x01000 GDT            0x02000 IDT          0x03000 TSS A (current)
 *   0x03100 TSS B          0x03200 TSS C (16-bit) 0x03300 LDT
 *   0x07000-0x08000 ring-3 stack   0x08000-0x09000 ring-0 stack
 *   0x0a000 task B stack   0x10000 code          0x20000+ handlers
 */
#ifndef LAB86_INTR_UTIL_H
#define LAB86_INTR_UTIL_H

#include <stdio.h>

#include "interp/interrupt.h"
#include "unit_util.h"

#define GDT_BASE   0x1000u
#define IDT_BASE   0x2000u
#define TSS_A      0x3000u
#define TSS_B      0x3100u
#define TSS_C      0x3200u
#define LDT_BASE   0x3300u
#define STACK3_TOP 0x8000u
#define STACK0_TOP 0x9000u
#define STACKB_TOP 0xa000u
#define CODE_BASE  0x10000u
#define HANDLER(n) (0x20000u + 0x100u * (uint32_t)(n)) /* one handler per vector */

/* Selectors (index * 8 | RPL). */
#define SEL_CODE0       0x08
#define SEL_DATA0       0x10
#define SEL_CODE3       0x1b
#define SEL_DATA3       0x23
#define SEL_TSS_A       0x28
#define SEL_TSS_B       0x30
#define SEL_CODE16      0x38
#define SEL_TSS_C       0x40
#define SEL_LDT         0x48
#define SEL_DATA0_NP    0x50
#define SEL_DATA0_SMALL 0x60 /* 64 KiB, B = 1 */
#define SEL_LDT_DATA    0x04 /* LDT entry 0, TI = 1 */

/* Access bytes: P, DPL, S, type. */
#define ACC_CODE0 0x9a /* present, DPL 0, execute/read */
#define ACC_DATA0 0x92 /* present, DPL 0, read/write */
#define ACC_CODE3 0xfa
#define ACC_DATA3 0xf2
#define ACC_TSS32 0x89 /* available 32-bit TSS */
#define ACC_TSS16 0x81 /* available 16-bit TSS */
#define ACC_LDT   0x82
/* Flags nibble: G and D/B. */
#define FLAGS_FLAT   0xc
#define FLAGS_BYTE16 0x0

/* Gate types. */
#define GATE_TASK   5
#define GATE_INT16  6
#define GATE_INT32  14
#define GATE_TRAP32 15

static inline void wr32(struct unit_machine *m, uint32_t pa, uint32_t v)
{
    st_le(m->bus.ram + pa, v, 4);
}

static inline void wr16(struct unit_machine *m, uint32_t pa, uint32_t v)
{
    st_le(m->bus.ram + pa, v, 2);
}

static inline uint32_t rd32(struct unit_machine *m, uint32_t pa)
{
    return ld_le(m->bus.ram + pa, 4);
}

static inline uint32_t rd16(struct unit_machine *m, uint32_t pa)
{
    return ld_le(m->bus.ram + pa, 2);
}

/* A code/data/system descriptor, SDM figure 3-8. */
static inline void put_desc(struct unit_machine *m, uint32_t table, unsigned sel, uint32_t base,
                            uint32_t limit, uint8_t access, uint8_t flags)
{
    uint32_t a = table + (sel & ~7u);
    wr32(m, a, (limit & 0xffff) | (base << 16));
    wr32(m, a + 4,
         ((base >> 16) & 0xff) | ((uint32_t)access << 8) | (limit & 0xf0000) |
             ((uint32_t)flags << 20) | (base & 0xff000000u));
}

/* An IDT gate, SDM figure 6-2. */
static inline void put_gate(struct unit_machine *m, int vec, unsigned sel, uint32_t off,
                            unsigned type, unsigned dpl, bool present)
{
    uint32_t a = IDT_BASE + 8u * (uint32_t)vec;
    wr32(m, a, (off & 0xffff) | (sel << 16));
    wr32(m, a + 4, (off & 0xffff0000u) | (present ? 0x8000u : 0) | (dpl << 13) | (type << 8));
}

/* Fill the cache of sreg from the descriptor at sel as a load would. */
static inline void cache_seg(struct unit_machine *m, int sreg, unsigned sel)
{
    uint32_t base = sel & 4 ? LDT_BASE : GDT_BASE;
    uint32_t lo = rd32(m, base + (sel & ~7u)), hi = rd32(m, base + (sel & ~7u) + 4);
    uint32_t limit = (lo & 0xffff) | (hi & 0xf0000);
    if (hi & (1u << 23))
        limit = (limit << 12) | 0xfff;
    uint32_t base_addr = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
    uint16_t attr = (uint16_t)(((hi >> 8) & 0xff) | ((hi >> 12) & 0xf00));
    m->cpu.seg[sreg] = seg_make((uint16_t)sel, base_addr, limit, attr);
}

/* Byte 5 of the descriptor at sel: P, DPL, S and type. */
static inline uint8_t desc_access(struct unit_machine *m, unsigned sel)
{
    return m->bus.ram[GDT_BASE + (sel & ~7u) + 5];
}

/* A machine in 32-bit protected mode at CPL cpl (0 or 3), EIP = CODE_BASE,
 * TR = TSS A (busy) with SS0:ESP0 = SEL_DATA0:STACK0_TOP, IDT empty. */
static inline struct unit_machine *pm_machine(unsigned cpl)
{
    struct unit_machine *m = um_new(1 << 20);
    struct cpu *c = &m->cpu;

    put_desc(m, GDT_BASE, SEL_CODE0, 0, 0xfffff, ACC_CODE0, FLAGS_FLAT);
    put_desc(m, GDT_BASE, SEL_DATA0, 0, 0xfffff, ACC_DATA0, FLAGS_FLAT);
    put_desc(m, GDT_BASE, SEL_CODE3, 0, 0xfffff, ACC_CODE3, FLAGS_FLAT);
    put_desc(m, GDT_BASE, SEL_DATA3, 0, 0xfffff, ACC_DATA3, FLAGS_FLAT);
    put_desc(m, GDT_BASE, SEL_TSS_A, TSS_A, 0x67, ACC_TSS32 | 2, 0); /* busy */
    put_desc(m, GDT_BASE, SEL_TSS_B, TSS_B, 0x67, ACC_TSS32, 0);
    put_desc(m, GDT_BASE, SEL_CODE16, 0, 0xffff, ACC_CODE0, FLAGS_BYTE16);
    put_desc(m, GDT_BASE, SEL_TSS_C, TSS_C, 0x2b, ACC_TSS16, 0);
    put_desc(m, GDT_BASE, SEL_LDT, LDT_BASE, 0xf, ACC_LDT, 0);
    put_desc(m, GDT_BASE, SEL_DATA0_NP, 0, 0xfffff, ACC_DATA0 & 0x7f, FLAGS_FLAT);
    put_desc(m, GDT_BASE, SEL_DATA0_SMALL, 0, 0xffff, ACC_DATA0, 0x4);
    wr32(m, TSS_A + 4, STACK0_TOP);
    wr32(m, TSS_A + 8, SEL_DATA0);
    c->gdtr = (struct dtr){GDT_BASE, 0x7ff};
    c->idtr = (struct dtr){IDT_BASE, 0x7ff};
    c->cr0 |= CR0_PE;
    unsigned cs = cpl ? SEL_CODE3 : SEL_CODE0, ds = cpl ? SEL_DATA3 : SEL_DATA0;
    cache_seg(m, SEG_CS, cs);
    for (int s = SEG_ES; s <= SEG_GS; s++)
        if (s != SEG_CS)
            cache_seg(m, s, ds);
    cache_seg(m, SEG_TR, SEL_TSS_A);
    m->cpu.seg[SEG_LDTR] = seg_make(0, 0, 0, 0);
    c->gpr[R_ESP] = cpl ? STACK3_TOP : STACK0_TOP;
    c->eip = CODE_BASE;
    c->eflags = FL_FIXED1;
    cpu_update_mode(c);
    return m;
}

/* Put a 32-bit interrupt gate for vec to HANDLER(vec) in ring 0. */
static inline void int_gate(struct unit_machine *m, int vec)
{
    put_gate(m, vec, SEL_CODE0, HANDLER(vec), GATE_INT32, 0, true);
}

/* Load code bytes at CODE_BASE. */
static inline void code(struct unit_machine *m, const void *p, size_t n)
{
    um_load(m, CODE_BASE, p, n);
}

/* Raise exception vec (err) as an instruction would, and deliver it. */
static inline void raise_exc(struct unit_machine *m, int vec, uint32_t err)
{
    ck_assert_int_eq(cpu_fault(&m->cpu, vec, err), CPU_FAULT);
    cpu_exception(&m->cpu);
}

/* --- shared by the interrupt, IRET and debug-register suites --- */

/* Real mode: the vector table at 0, a stack at 0:2000, code at 0:0100. */
static inline struct unit_machine *real_machine(const void *prog, size_t n)
{
    struct unit_machine *m = um_new(1 << 20);
    um_load(m, 0x100, prog, n);
    m->cpu.eip = 0x100;
    m->cpu.gpr[R_ESP] = 0x2000;
    return m;
}

static inline void ivt(struct unit_machine *m, int vec, uint16_t seg, uint16_t off)
{
    wr16(m, 4u * (uint32_t)vec, off);
    wr16(m, 4u * (uint32_t)vec + 2, seg);
}

static inline uint32_t esp(struct unit_machine *m)
{
    return (uint32_t)m->cpu.gpr[R_ESP];
}

/* The dword k slots above ESP. */
static inline uint32_t stk(struct unit_machine *m, int k)
{
    return rd32(m, esp(m) + 4u * (uint32_t)k);
}

static inline void put_stack(struct unit_machine *m, const uint32_t *v, int n)
{
    m->cpu.gpr[R_ESP] -= 4u * (uint32_t)n;
    for (int k = 0; k < n; k++)
        wr32(m, esp(m) + 4u * (uint32_t)k, v[k]);
}

/* v86 mode at 1000:0000 (= CODE_BASE), stack 0700:0FF0, data 1111..4444. */
static inline struct unit_machine *v86_machine(unsigned iopl, const void *prog, size_t n)
{
    struct unit_machine *m = pm_machine(0);
    struct cpu *c = &m->cpu;
    code(m, prog, n);
    c->eflags = FL_FIXED1 | FL_VM | FL_IF | (iopl << FL_IOPL_SHIFT);
    cpu_load_v86_seg(c, SEG_CS, 0x1000);
    cpu_load_v86_seg(c, SEG_SS, 0x0700);
    cpu_load_v86_seg(c, SEG_DS, 0x1111);
    cpu_load_v86_seg(c, SEG_ES, 0x2222);
    cpu_load_v86_seg(c, SEG_FS, 0x3333);
    cpu_load_v86_seg(c, SEG_GS, 0x4444);
    c->eip = 0;
    c->gpr[R_ESP] = 0x0ff0;
    cpu_update_mode(c);
    return m;
}

/* Run the switch core's machine sw and the threaded core's th to cycle
 * until, then check they agree: the CPU (cpu_diff) and all of RAM. what
 * and k name the run in a failure's message. */
static inline void cores_run_agree(struct unit_machine *sw, struct unit_machine *th,
                                   uint64_t until, const char *what, unsigned long long k)
{
    char report[2048];
    cpu_run(&sw->cpu, until);
    cpu_run_threaded(&th->cpu, until);
    int n = cpu_diff(&sw->cpu, &th->cpu, report, sizeof report);
    ck_assert_msg(n == 0, "%s %llu: %d differences (switch | threaded):\n%s", what, k, n, report);
    ck_assert_msg(memcmp(sw->bus.ram, th->bus.ram, sw->bus.ram_size) == 0, "%s %llu: RAM differs",
                  what, k);
}

#endif
