/*
 * cpu.c - creating and resetting a CPU, and the derived state that follows
 * segment and control register changes.
 *
 * After RESET (SDM vol. 3, 9.1.1, table 9-1) an x86 CPU is in real mode
 * with CS.sel = F000 but CS.base = FFFF0000, so the first instruction is
 * fetched from FFFFFFF0, the top of the 4 GiB space where the BIOS ROM is
 * mapped. The first far jump reloads CS and the CPU then lives in the first
 * megabyte.
 */
#include "cpu.h"

#include <stddef.h>
#include <string.h>

#include "mmu/mmu.h"

/* Segment attributes of a real-mode data segment: present, S, writable,
 * accessed, DPL 0, 16-bit, byte granular. */
#define REAL_DATA_ATTR (SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_WRITABLE | SEG_TYPE_ACCESSED)
#define REAL_CODE_ATTR (SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_CODE | SEG_TYPE_READABLE |       \
                        SEG_TYPE_ACCESSED)

void cpu_init(struct cpu *c, struct bus *bus)
{
    memset(c, 0, sizeof *c);
    c->bus = bus;
    cpu_reset(c);
}

void cpu_reset(struct cpu *c)
{
    struct bus *bus = c->bus;
    int (*ack)(void *) = c->intr_ack;
    void *ack_opaque = c->intr_opaque;
    struct lapic *apic = c->apic;
    struct irq_line ferr = c->fpu.ferr;
    struct tcache *tcache = c->tcache;
    bool single_step_only = c->single_step_only;
    bool attention = c->attention, dbg_break = c->dbg_break;
    const struct cpu_dbg_hooks *dbg = c->dbg;
    void *dbg_opaque = c->dbg_opaque;
    uint64_t cycles = c->cycles, instructions = c->instructions;
    struct cpu_stats stats = c->stats;
    uint64_t walks = c->tlb.misses;
    const uint64_t *tsc_clock = c->tsc_clock;

    /* Up to the decode memo, which stays as valid as the block cache: its
     * slots are checked against the bytes (cpu.h). */
    memset(c, 0, offsetof(struct cpu, memo));
    c->bus = bus;
    c->intr_ack = ack;
    c->intr_opaque = ack_opaque;
    c->apic = apic; /* the wiring stays; lapic_reset() sets the APIC base MSR again */
    c->fpu.ferr = ferr; /* so does the x87's FERR# wire to the board */
    c->tcache = tcache; /* decoded code stays valid: it is keyed by physical address */
    c->single_step_only = single_step_only;
    c->attention = attention; /* the debugger stays attached across a reset */
    c->dbg_break = dbg_break;
    c->dbg = dbg;
    c->dbg_opaque = dbg_opaque;
    c->cycles = cycles;             /* the clock keeps running across a reset */
    c->instructions = instructions;
    c->stats = stats;               /* so are the counters of --stats */
    c->tlb.misses = walks;
    c->tsc_clock = tsc_clock;       /* wiring, like the bus */
    c->eflags = FL_FIXED1;
    /* CR0 = 60000010H: caches off (CD, NW), an x87 present (ET), EM clear
     * (SDM vol. 3, table 9-1). The x87 powers up with control word 0040H
     * and every register +0.0 tagged valid-zero (tag word 5555H); FNINIT's
     * state (fpu_init) is what software sets up before using it. */
    c->cr0 = CR0_CD | CR0_NW | CR0_ET;
    c->fpu.cw = 0x0040;
    c->fpu.tw = 0x5555;
    c->gpr[R_EDX] = 0x0619;         /* the CPUID signature (family 6, model 1, stepping 9) */
    c->dr[6] = 0xffff0ff0u;
    c->dr[7] = 0x00000400u;
    mmu_watch_changed(c); /* the debugger's attention may have stayed: mmu.h */
    c->a20_mask = 0xffffffffu;
    c->msr.apic_base = 0;
    c->msr.pat = 0x0007040600070406ull; /* the power-up PAT (SDM vol. 3, 11.12.4) */
    for (int s = SEG_ES; s <= SEG_GS; s++)
        c->seg[s] = seg_make(0, 0, 0xffff, REAL_DATA_ATTR);
    c->seg[SEG_CS] = seg_make(0xf000, 0xffff0000u, 0xffff, REAL_CODE_ATTR);
    c->seg[SEG_LDTR] = seg_make(0, 0, 0xffff, SEG_ATTR_P | 2); /* LDT */
    c->seg[SEG_TR] = seg_make(0, 0, 0xffff, SEG_ATTR_P | 11); /* busy 32-bit TSS */
    c->gdtr.limit = c->idtr.limit = 0xffff;
    c->eip = 0xfff0;
    cpu_update_mode(c);
}

void cpu_load_real_seg(struct cpu *c, int sreg, uint16_t sel)
{
    c->seg[sreg].sel = sel;
    c->seg[sreg].base = (uint32_t)sel << 4;
    if (sreg == SEG_CS)
        c->cs_rpl_stale = false;
    cpu_update_mode(c);
}

void cpu_update_mode(struct cpu *c)
{
    c->code32 = (c->seg[SEG_CS].attr & SEG_ATTR_DB) != 0;
    c->stack32 = (c->seg[SEG_SS].attr & SEG_ATTR_DB) != 0;
    if (!cpu_protected(c))
        c->cpl = 0;
    else if (cpu_v86(c))
        c->cpl = 3;
    else if (c->cs_rpl_stale)
        c->cpl = 0; /* just entered protected mode; CS not reloaded yet */
    else
        c->cpl = c->seg[SEG_CS].sel & 3;
    c->seg_flat = cpu_seg_flat(c);
}

uint16_t cpu_seg_flat(const struct cpu *c)
{
    const uint64_t flat_end = (uint64_t)1 << 32; /* limit 4 GiB - 1 */
    uint16_t m = 0;
    if (c->cpl == 3)
        return 0;
    for (int s = SEG_ES; s <= SEG_GS; s++) {
        const struct seg *x = &c->seg[s];
        if (x->base != 0)
            continue;
        if (x->fast_end[0] == flat_end)
            m |= (uint16_t)(1u << s);
        if (x->fast_end[1] == flat_end)
            m |= (uint16_t)(1u << (SEG_FLAT_WRITE + s));
    }
    return m;
}

void cpu_set_eflags(struct cpu *c, uint32_t value, uint32_t mask)
{
    /* Bits the CPU implements: the arithmetic flags, TF IF DF, IOPL NT, RF VM
     * AC, VIF VIP ID. Bit 1 always reads 1; 3, 5, 15 and 22-31 read 0. */
    const uint32_t implemented = FL_ARITH | FL_TF | FL_IF | FL_DF | FL_IOPL | FL_NT | FL_RF |
                                 FL_VM | FL_AC | FL_VIF | FL_VIP | FL_ID;
    mask &= implemented;
    c->eflags = ((c->eflags & ~mask) | (value & mask)) | FL_FIXED1;
    cpu_update_mode(c);
}
