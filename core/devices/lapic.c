/*
 * lapic.c - the local APIC of one CPU, an xAPIC as in Intel's SDM vol. 3,
 * chapter 10 ("Advanced Programmable Interrupt Controller"), memory-mapped
 * at 0xFEE00000.
 *
 * The local APIC sits between its CPU and the world. Interrupt requests
 * reach it as messages (an IPI from another CPU's ICR, an I/O APIC pin) or
 * from its own sources, the local vector table (LVT): its timer, the LINT0
 * and LINT1 pins, its error register. A fixed request sets the vector's bit
 * in the IRR (interrupt request register, 256 bits); the CPU is
 * interrupted when the highest IRR vector's priority class (vector >> 4)
 * beats the processor priority PPR = max(TPR, class of the highest ISR
 * vector). On INTA the vector moves from the IRR to the ISR (in service);
 * the handler's write to the EOI register clears the highest ISR bit and,
 * for a level-triggered vector (its TMR bit), tells the I/O APIC, which may
 * then deliver its pin again.
 *
 *   0x020 ID        31:24 the physical APIC ID (writable, xAPIC)
 *   0x030 version   0x00030014: version 0x14, LVT entries - 1 = 3
 *   0x080 TPR       7:0 task priority            0x0A0 PPR (read-only)
 *   0x0B0 EOI       write: end of the highest in-service interrupt
 *   0x0D0 LDR       31:24 logical ID             0x0E0 DFR 31:28 model (F flat, 0 cluster)
 *   0x0F0 SVR       7:0 spurious vector, 8 software enable, 9 focus (kept)
 *   0x100 ISR, 0x180 TMR, 0x200 IRR: eight registers of 32 bits each
 *   0x280 ESR       errors, latched by a write: 5 send illegal vector,
 *                   6 receive illegal vector, 7 illegal register address
 *   0x300 ICR       7:0 vector, 10:8 delivery mode, 11 logical, 12 status
 *                   (always idle: delivery is instantaneous), 14 level,
 *                   15 trigger, 19:18 shorthand; 0x310 31:24 destination
 *   0x320 LVT timer 7:0 vector, 16 mask, 17 periodic
 *   0x350 LINT0, 0x360 LINT1: 7:0 vector, 10:8 mode, 13 polarity, 15 trigger, 16 mask
 *   0x370 LVT error 7:0 vector, 16 mask
 *   0x380 timer initial count, 0x390 current count, 0x3E0 divide configuration
 *
 * Time. The timer counts down at the bus clock divided by the divide
 * configuration; lab86 takes the bus clock to be the CPU's nominal clock
 * (one count a cycle before the divider), so that the rate follows
 * --cpu-mhz as the PIT's does. The count is computed in closed form from
 * the virtual clock; one clock timer fires at the moment it reaches zero.
 *
 * This file is the register file, the priorities and the requests, and
 * the lifecycle; lapic_timer.c is the timer, lapic_ipi.c the interrupt
 * command register's IPIs and what INIT and startup IPIs do on arrival;
 * lapic_internal.h is what they share.
 *
 * Deliberate simplifications, each a divergence from the SDM:
 *   - After reset the BSP's LINT0 is ExtINT and its LINT1 NMI, unmasked,
 *     as a BIOS leaves a PC in virtual-wire mode (the SDM resets every LVT
 *     to masked): with direct kernel boot there is no BIOS, and the 8259's
 *     interrupts must reach the CPU as they do on a PC.
 *   - Relocating the APIC (IA32_APIC_BASE 35:12) is stored but not
 *     modelled: the registers stay at 0xFEE00000.
 *   - Only aligned 32-bit writes reach a register; others are dropped.
 *     Reads of any size return the register's bytes.
 *   - Lowest-priority delivery goes to the destination with the lowest APIC
 *     ID (apicbus.c) instead of arbitrating on priorities.
 *   - LINT0/LINT1 in fixed mode act on the rising edge only (no remote IRR);
 *     the TSC-deadline timer mode and the thermal and performance LVTs are
 *     not there, and CPUID does not report them.
 */
#include "lapic_internal.h"

#include <stdlib.h>
#include <string.h>

#include "interp/cpu.h"
#include "snapshot.h"

static const struct devfield lapic_fields[] = {
    DEVFIELD(struct lapic, id, DF_U32, "APIC ID (31:24)"),
    DEVFIELD(struct lapic, tpr, DF_U32, "task priority"),
    DEVFIELD(struct lapic, ldr, DF_U32, "logical destination (31:24)"),
    DEVFIELD(struct lapic, dfr, DF_U32, "destination format (31:28: F flat, 0 cluster)"),
    DEVFIELD(struct lapic, svr, DF_U32, "spurious vector; bit 8 software enable"),
    DEVFIELD_ARRAY(struct lapic, isr, DF_U32, 8, "in-service vectors"),
    DEVFIELD_ARRAY(struct lapic, tmr, DF_U32, 8, "level-triggered vectors"),
    DEVFIELD_ARRAY(struct lapic, irr, DF_U32, 8, "requested vectors"),
    DEVFIELD(struct lapic, esr, DF_U32, "error status (latched)"),
    DEVFIELD(struct lapic, esr_pending, DF_U32, "errors since the last ESR write"),
    DEVFIELD(struct lapic, icr_lo, DF_U32, "interrupt command, low"),
    DEVFIELD(struct lapic, icr_hi, DF_U32, "interrupt command, destination"),
    DEVFIELD_ARRAY(struct lapic, lvt, DF_U32, LVT_N, "LVT: timer, LINT0, LINT1, error"),
    DEVFIELD(struct lapic, timer_initial, DF_U32, "timer initial count"),
    DEVFIELD(struct lapic, timer_divide, DF_U32, "timer divide configuration"),
    DEVFIELD(struct lapic, timer_start, DF_U64, "cycle the count was loaded at"),
    DEVFIELD(struct lapic, timer_running, DF_BOOL, "the timer counts"),
    DEVFIELD(struct lapic, hw_enabled, DF_BOOL, "globally enabled (APIC base MSR)"),
    DEVFIELD_ARRAY(struct lapic, lint_level, DF_BOOL, 2, "LINT0, LINT1 pin levels"),
    DEVFIELD(struct lapic, extint_pending, DF_BOOL, "an ExtINT message waits"),
    DEVFIELD(struct lapic, wait_sipi, DF_BOOL, "waiting for a startup IPI"),
    DEVFIELD(struct lapic, init_pending, DF_BOOL, "an INIT waits for the boundary"),
};

/* --- priorities --- */

/* The highest vector set in a 256-bit register, or -1. */
static int highest(const uint32_t *r)
{
    for (int k = 7; k >= 0; k--)
        if (r[k])
            return k * 32 + 31 - __builtin_clz(r[k]);
    return -1;
}

static void bit_set(uint32_t *r, int v, bool on)
{
    if (on)
        r[v >> 5] |= 1u << (v & 31);
    else
        r[v >> 5] &= ~(1u << (v & 31));
}

static bool bit_get(const uint32_t *r, int v)
{
    return (r[v >> 5] >> (v & 31)) & 1;
}

/* PPR (SDM 10.8.3.1): the TPR, or the class of the highest ISR vector if
 * that is higher. */
static uint32_t ppr(const struct lapic *l)
{
    int isrv = highest(l->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0u;
    return (l->tpr & 0xf0u) >= isr_class ? l->tpr & 0xffu : isr_class;
}

/* The IRR vector the CPU would take now, or -1. */
static int deliverable(const struct lapic *l)
{
    int v = highest(l->irr);
    return v >= 0 && ((uint32_t)v & 0xf0u) > (ppr(l) & 0xf0u) ? v : -1;
}

bool lapic_enabled(const struct lapic *l)
{
    return (l->cpu->msr.apic_base & APIC_BASE_ENABLE) != 0;
}

/* An ExtINT request: a message, or LINT0 programmed as ExtINT and high.
 * A globally disabled APIC passes LINT0 straight to INTR (SDM 10.4.3). */
static bool extint_active(const struct lapic *l)
{
    uint32_t lint0 = l->lvt[LVT_LINT0];
    if (!lapic_enabled(l))
        return l->lint_level[0];
    return l->extint_pending || (l->lint_level[0] && !(lint0 & LVT_MASKED) &&
                                 ((lint0 >> LVT_MODE_SHIFT) & 7) == APIC_DM_EXTINT);
}

/* Drive the CPU's INTR from the APIC's state. */
void lapic_update(struct lapic *l)
{
    l->cpu->intr_line = extint_active(l) || (lapic_enabled(l) && deliverable(l) >= 0);
}

/* --- requests --- */

/* Record an error; a new one raises the LVT error interrupt. */
void lapic_error(struct lapic *l, uint32_t bit)
{
    bool fresh = !(l->esr_pending & bit);
    l->esr_pending |= bit;
    if (fresh && !(l->lvt[LVT_ERROR] & LVT_MASKED))
        lapic_set_irr(l, (int)(l->lvt[LVT_ERROR] & LVT_VECTOR), false);
}

/* A fixed request for vector: vectors 0-15 are illegal (SDM 10.5.3). */
void lapic_set_irr(struct lapic *l, int vector, bool level)
{
    if (vector < 16) {
        lapic_error(l, ESR_RECV_ILLEGAL);
        return;
    }
    bit_set(l->irr, vector, true);
    bit_set(l->tmr, vector, level);
    lapic_update(l);
}

/* An LVT entry's request (timer, LINT in fixed or NMI mode, error). */
void lapic_lvt_fire(struct lapic *l, int entry)
{
    uint32_t lvt = l->lvt[entry];
    if ((lvt & LVT_MASKED) || !lapic_enabled(l))
        return;
    switch ((lvt >> LVT_MODE_SHIFT) & 7) {
    case APIC_DM_NMI: l->cpu->nmi_pending = true; break;
    case APIC_DM_FIXED: lapic_set_irr(l, (int)(lvt & LVT_VECTOR), false); break;
    default: break; /* ExtINT is a level (extint_active()); SMI, INIT: not on this board */
    }
}

void lapic_set_lint(struct lapic *l, int pin, bool level)
{
    bool rising = level && !l->lint_level[pin];
    l->lint_level[pin] = level;
    if (rising)
        lapic_lvt_fire(l, pin == 0 ? LVT_LINT0 : LVT_LINT1);
    lapic_update(l);
}

int lapic_ack(void *opaque)
{
    struct lapic *l = opaque;
    if (extint_active(l)) {
        l->extint_pending = false;
        int v = l->extint_ack(l->extint_opaque);
        lapic_update(l);
        return v;
    }
    int v = deliverable(l);
    if (v < 0)
        return (int)(l->svr & 0xffu); /* withdrawn meanwhile: the spurious vector, no ISR bit */
    bit_set(l->irr, v, false);
    bit_set(l->isr, v, true);
    lapic_update(l);
    return v;
}

/* EOI: the highest in-service vector is done. */
static void eoi(struct lapic *l)
{
    int v = highest(l->isr);
    if (v < 0)
        return;
    bit_set(l->isr, v, false);
    if (bit_get(l->tmr, v))
        apic_bus_eoi(l->ab, (uint8_t)v);
    lapic_update(l);
}

/* --- registers --- */

/* Clearing the software enable masks every LVT entry (SDM 10.4.7.2). */
static void write_svr(struct lapic *l, uint32_t v)
{
    l->svr = v & SVR_BITS;
    if (!(l->svr & SVR_ENABLE))
        for (int k = 0; k < LVT_N; k++)
            l->lvt[k] |= LVT_MASKED;
    lapic_update(l);
}

/* An LVT write: masked stays masked while the APIC is software-disabled. */
static void write_lvt(struct lapic *l, int entry, uint32_t v, uint32_t bits)
{
    l->lvt[entry] = (v & bits) | (l->svr & SVR_ENABLE ? 0 : LVT_MASKED);
    if (entry == LVT_TIMER)
        lapic_timer_arm(l); /* the mode may have changed */
    lapic_update(l);
}

static uint32_t read_reg(struct lapic *l, uint32_t r)
{
    switch (r) {
    case R_ID: return l->id;
    case R_VERSION: return LAPIC_VERSION;
    case R_TPR: return l->tpr;
    case R_APR:
    case R_EOI:
    case R_RRD: return 0;
    case R_PPR: return ppr(l);
    case R_LDR: return l->ldr;
    case R_DFR: return l->dfr;
    case R_SVR: return l->svr;
    case R_ESR: return l->esr;
    case R_ICR_LO: return l->icr_lo;
    case R_ICR_HI: return l->icr_hi;
    case R_LVT_TIMER: return l->lvt[LVT_TIMER];
    case R_LVT_LINT0: return l->lvt[LVT_LINT0];
    case R_LVT_LINT1: return l->lvt[LVT_LINT1];
    case R_LVT_ERROR: return l->lvt[LVT_ERROR];
    case R_TIMER_INIT: return l->timer_initial;
    case R_TIMER_CUR: return lapic_timer_current(l);
    case R_TIMER_DIV: return l->timer_divide;
    default: break;
    }
    if (r >= R_ISR && r < R_ISR + 8)
        return l->isr[r - R_ISR];
    if (r >= R_TMR && r < R_TMR + 8)
        return l->tmr[r - R_TMR];
    if (r >= R_IRR && r < R_IRR + 8)
        return l->irr[r - R_IRR];
    lapic_error(l, ESR_ILLEGAL_REG);
    return 0;
}

uint32_t lapic_mmio_read(struct lapic *l, uint32_t off, int size)
{
    uint32_t mask = size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
    if (!lapic_enabled(l))
        return mask; /* globally disabled: nothing answers, the bus floats high */
    if ((off & 0xf) >= 4)
        return 0; /* the unused 12 bytes of a register's 16 */
    return (read_reg(l, off >> 4) >> ((off & 3) * 8)) & mask;
}

/* Writes to the read-only registers (version, PPR, ISR, TMR, IRR, current
 * count) are ignored; reserved offsets are an error. */
static void write_reg(struct lapic *l, uint32_t r, uint32_t v)
{
    switch (r) {
    case R_ID: l->id = v & 0xff000000u; break;
    case R_TPR:
        l->tpr = v & 0xffu;
        lapic_update(l);
        break;
    case R_EOI: eoi(l); break;
    case R_LDR: l->ldr = v & 0xff000000u; break;
    case R_DFR: l->dfr = (v & 0xf0000000u) | 0x0fffffffu; break;
    case R_SVR: write_svr(l, v); break;
    case R_ESR:
        l->esr = l->esr_pending;
        l->esr_pending = 0;
        break;
    case R_ICR_LO:
        l->icr_lo = v & ICR_BITS;
        lapic_send_ipi(l);
        break;
    case R_ICR_HI: l->icr_hi = v & 0xff000000u; break;
    case R_LVT_TIMER: write_lvt(l, LVT_TIMER, v, LVT_TIMER_BITS); break;
    case R_LVT_LINT0: write_lvt(l, LVT_LINT0, v, LVT_LINT_BITS); break;
    case R_LVT_LINT1: write_lvt(l, LVT_LINT1, v, LVT_LINT_BITS); break;
    case R_LVT_ERROR: write_lvt(l, LVT_ERROR, v, LVT_ERROR_BITS); break;
    case R_TIMER_INIT: lapic_timer_load(l, v); break;
    case R_TIMER_DIV: lapic_timer_set_divide(l, v); break;
    case R_VERSION:
    case R_APR:
    case R_PPR:
    case R_RRD:
    case R_TIMER_CUR: break;
    default:
        if (r < R_ISR || r >= R_IRR + 8)
            lapic_error(l, ESR_ILLEGAL_REG);
        break;
    }
}

void lapic_mmio_write(struct lapic *l, uint32_t off, uint32_t value, int size)
{
    if (!lapic_enabled(l) || size != 4 || (off & 0xf) != 0)
        return;
    write_reg(l, off >> 4, value);
}

/* --- lifecycle --- */

/* Everything but the ID and the pins to the power-on values. */
static void reset_state(struct lapic *l)
{
    l->tpr = l->ldr = 0;
    l->dfr = 0xffffffffu;
    l->svr = SVR_RESET;
    memset(l->isr, 0, sizeof l->isr);
    memset(l->tmr, 0, sizeof l->tmr);
    memset(l->irr, 0, sizeof l->irr);
    l->esr = l->esr_pending = l->icr_lo = l->icr_hi = 0;
    for (int k = 0; k < LVT_N; k++)
        l->lvt[k] = LVT_MASKED;
    if (l->bsp) { /* virtual wire, as the BIOS leaves it (see the top of the file) */
        l->lvt[LVT_LINT0] = APIC_DM_EXTINT << LVT_MODE_SHIFT;
        l->lvt[LVT_LINT1] = APIC_DM_NMI << LVT_MODE_SHIFT;
    }
    l->timer_initial = l->timer_divide = 0;
    l->timer_running = false;
    clock_disarm(&l->timer);
    l->extint_pending = l->init_pending = false;
}

void lapic_reset(struct lapic *l)
{
    reset_state(l);
    l->wait_sipi = !l->bsp;
    l->cpu->msr.apic_base = LAPIC_BASE | APIC_BASE_ENABLE | (l->bsp ? APIC_BASE_BSP : 0);
    l->hw_enabled = true;
    lapic_update(l);
}

void lapic_base_written(struct lapic *l)
{
    uint64_t *base = &l->cpu->msr.apic_base;
    *base = (*base & ~(uint64_t)APIC_BASE_BSP) | (l->bsp ? APIC_BASE_BSP : 0);
    bool on = lapic_enabled(l);
    if (l->hw_enabled && !on)
        reset_state(l); /* SDM 10.4.3: disabling loses the APIC's state */
    l->hw_enabled = on;
    lapic_update(l);
}

uint8_t lapic_id(const struct lapic *l)
{
    return (uint8_t)(l->id >> 24);
}

struct lapic *lapic_create(struct apic_bus *ab, struct clock *k, struct cpu *c, uint8_t id,
                           bool bsp, lapic_extint_fn *extint_ack, void *extint_opaque)
{
    struct lapic *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    *l = (struct lapic){.ab = ab,
                        .clock = k,
                        .cpu = c,
                        .extint_ack = extint_ack,
                        .extint_opaque = extint_opaque,
                        .bsp = bsp,
                        .id = (uint32_t)id << 24};
    if (clock_add_timer(k, &l->timer, "lapic-timer", lapic_timer_fire, l) != 0) {
        free(l);
        return NULL;
    }
    c->apic = l;
    c->intr_ack = lapic_ack;
    c->intr_opaque = l;
    lapic_reset(l);
    return l;
}

void lapic_destroy(struct lapic *l)
{
    free(l);
}

size_t lapic_devinfo(struct lapic *l, struct devinfo *out, size_t max)
{
    static const char *const names[APIC_MAX_CPUS] = {"lapic0", "lapic1", "lapic2", "lapic3",
                                                     "lapic4", "lapic5", "lapic6", "lapic7"};
    if (max < 1)
        return 0;
    out[0] = (struct devinfo){names[lapic_id(l) % APIC_MAX_CPUS], lapic_fields,
                              sizeof lapic_fields / sizeof lapic_fields[0], l};
    return 1;
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep lapic_keep[] = {
    SNAP_KEEP(struct lapic, ab),
    SNAP_KEEP(struct lapic, clock),
    SNAP_KEEP(struct lapic, cpu),
    SNAP_KEEP(struct lapic, extint_ack),
    SNAP_KEEP(struct lapic, extint_opaque),
    SNAP_KEEP(struct lapic, timer),
};

void lapic_snap(struct lapic *l, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, l, lapic_keep);
}
