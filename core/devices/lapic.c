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
#include "lapic.h"

#include <stdlib.h>
#include <string.h>

#include "interp/cpu.h"
#include "snapshot.h"

/* Register offsets (>> 4: one register each 16 bytes). */
enum {
    R_ID = 0x02,
    R_VERSION = 0x03,
    R_TPR = 0x08,
    R_APR = 0x09,
    R_PPR = 0x0a,
    R_EOI = 0x0b,
    R_RRD = 0x0c,
    R_LDR = 0x0d,
    R_DFR = 0x0e,
    R_SVR = 0x0f,
    R_ISR = 0x10,
    R_TMR = 0x18,
    R_IRR = 0x20,
    R_ESR = 0x28,
    R_ICR_LO = 0x30,
    R_ICR_HI = 0x31,
    R_LVT_TIMER = 0x32,
    R_LVT_LINT0 = 0x35,
    R_LVT_LINT1 = 0x36,
    R_LVT_ERROR = 0x37,
    R_TIMER_INIT = 0x38,
    R_TIMER_CUR = 0x39,
    R_TIMER_DIV = 0x3e,
};

#define LAPIC_VERSION 0x00030014u /* version 0x14, max LVT entry 3 */

/* The local vector table, in the order of lvt[]. */
enum { LVT_TIMER, LVT_LINT0, LVT_LINT1, LVT_ERROR, LVT_N };

#define LVT_VECTOR     0xffu
#define LVT_MODE_SHIFT 8
#define LVT_LEVEL      (1u << 15) /* LINT: level-triggered */
#define LVT_MASKED     (1u << 16)
#define LVT_PERIODIC   (1u << 17) /* timer: periodic, else one-shot */
#define LVT_TIMER_BITS (LVT_VECTOR | LVT_MASKED | LVT_PERIODIC)
#define LVT_LINT_BITS  (0x7ffu | (1u << 13) | LVT_LEVEL | LVT_MASKED)
#define LVT_ERROR_BITS (LVT_VECTOR | LVT_MASKED)

#define SVR_ENABLE (1u << 8) /* APIC software enable */
#define SVR_BITS   0x3ffu    /* vector, enable, focus-processor checking */
#define SVR_RESET  0xffu
#define DFR_FLAT   0xf0000000u /* the flat model; 0 in 31:28 is the cluster model */

#define ESR_SEND_ILLEGAL (1u << 5) /* an IPI with a vector below 16 */
#define ESR_RECV_ILLEGAL (1u << 6) /* a request with a vector below 16 */
#define ESR_ILLEGAL_REG  (1u << 7) /* an access to a reserved register */

#define ICR_DEST_LOGICAL (1u << 11)
#define ICR_ASSERT       (1u << 14)
#define ICR_LEVEL        (1u << 15)
#define ICR_BITS         0x000ccfffu /* the writable bits; 12, delivery status, stays 0 */

#define TIMER_DIV_BITS 0xbu

struct lapic {
    /* Wiring. */
    struct apic_bus *ab;         /* the other APICs */
    struct clock *clock;         /* virtual time */
    struct cpu *cpu;             /* the CPU it interrupts */
    lapic_extint_fn *extint_ack; /* the 8259's INTA, for ExtINT */
    void *extint_opaque;         /* its argument */
    struct clock_timer timer;    /* the moment the timer's count reaches zero */
    bool bsp;                    /* the bootstrap processor's APIC */
    /* Registers. */
    uint32_t id;            /* 0x020: the APIC ID in 31:24 */
    uint32_t tpr;           /* 0x080: task priority */
    uint32_t ldr;           /* 0x0D0: logical destination, 31:24 */
    uint32_t dfr;           /* 0x0E0: destination format, 31:28 */
    uint32_t svr;           /* 0x0F0: spurious vector and software enable */
    uint32_t isr[8];        /* 0x100: in service, one bit a vector */
    uint32_t tmr[8];        /* 0x180: the vector was level-triggered */
    uint32_t irr[8];        /* 0x200: requested */
    uint32_t esr;           /* 0x280: errors as latched by the last write */
    uint32_t esr_pending;   /* errors since that write */
    uint32_t icr_lo;        /* 0x300: the last IPI command */
    uint32_t icr_hi;        /* 0x310: its destination, 31:24 */
    uint32_t lvt[LVT_N];    /* 0x320, 0x350, 0x360, 0x370 */
    uint32_t timer_initial; /* 0x380: initial count */
    uint32_t timer_divide;  /* 0x3E0: divide configuration */
    uint64_t timer_start;   /* cycle at which the count was last loaded */
    bool timer_running;     /* counting (a one-shot count at 0 stops) */
    bool hw_enabled;        /* IA32_APIC_BASE bit 11 as last seen */
    /* Pins and requests. */
    bool lint_level[2];  /* LINT0, LINT1 as driven */
    bool extint_pending; /* an ExtINT message waits for INTA */
    bool wait_sipi;      /* held after INIT until a startup IPI (APs) */
    bool init_pending;   /* an INIT to serve at the next boundary */
};

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
static void update(struct lapic *l)
{
    l->cpu->intr_line = extint_active(l) || (lapic_enabled(l) && deliverable(l) >= 0);
}

/* --- requests --- */

static void set_irr(struct lapic *l, int vector, bool level);

/* Record an error; a new one raises the LVT error interrupt. */
static void error(struct lapic *l, uint32_t bit)
{
    bool fresh = !(l->esr_pending & bit);
    l->esr_pending |= bit;
    if (fresh && !(l->lvt[LVT_ERROR] & LVT_MASKED))
        set_irr(l, (int)(l->lvt[LVT_ERROR] & LVT_VECTOR), false);
}

/* A fixed request for vector: vectors 0-15 are illegal (SDM 10.5.3). */
static void set_irr(struct lapic *l, int vector, bool level)
{
    if (vector < 16) {
        error(l, ESR_RECV_ILLEGAL);
        return;
    }
    bit_set(l->irr, vector, true);
    bit_set(l->tmr, vector, level);
    update(l);
}

/* An LVT entry's request (timer, LINT in fixed or NMI mode, error). */
static void lvt_fire(struct lapic *l, int entry)
{
    uint32_t lvt = l->lvt[entry];
    if ((lvt & LVT_MASKED) || !lapic_enabled(l))
        return;
    switch ((lvt >> LVT_MODE_SHIFT) & 7) {
    case APIC_DM_NMI: l->cpu->nmi_pending = true; break;
    case APIC_DM_FIXED: set_irr(l, (int)(lvt & LVT_VECTOR), false); break;
    default: break; /* ExtINT is a level (extint_active()); SMI, INIT: not on this board */
    }
}

void lapic_set_lint(struct lapic *l, int pin, bool level)
{
    bool rising = level && !l->lint_level[pin];
    l->lint_level[pin] = level;
    if (rising)
        lvt_fire(l, pin == 0 ? LVT_LINT0 : LVT_LINT1);
    update(l);
}

int lapic_ack(void *opaque)
{
    struct lapic *l = opaque;
    if (extint_active(l)) {
        l->extint_pending = false;
        int v = l->extint_ack(l->extint_opaque);
        update(l);
        return v;
    }
    int v = deliverable(l);
    if (v < 0)
        return (int)(l->svr & 0xffu); /* withdrawn meanwhile: the spurious vector, no ISR bit */
    bit_set(l->irr, v, false);
    bit_set(l->isr, v, true);
    update(l);
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
    update(l);
}

/* --- the timer --- */

/* The divide configuration's divisor: bits 3, 1, 0 give 2 to 128, or 1. */
static uint32_t divisor(const struct lapic *l)
{
    uint32_t d = (l->timer_divide & 3u) | ((l->timer_divide & 8u) >> 1);
    return d == 7 ? 1 : 2u << d;
}

/* Arm the clock timer for the next moment the count reaches zero. */
static void timer_arm(struct lapic *l)
{
    if (!l->timer_running) {
        clock_disarm(&l->timer);
        return;
    }
    uint64_t period = (uint64_t)l->timer_initial * divisor(l);
    uint64_t elapsed = clock_now(l->clock) - l->timer_start;
    uint64_t when = l->timer_start + period;
    if (l->lvt[LVT_TIMER] & LVT_PERIODIC)
        when = l->timer_start + (elapsed / period + 1) * period;
    clock_arm(l->clock, &l->timer, when);
}

static void timer_fire(void *opaque, uint64_t now)
{
    struct lapic *l = opaque;
    (void)now;
    if (!l->timer_running)
        return;
    lvt_fire(l, LVT_TIMER);
    if (l->lvt[LVT_TIMER] & LVT_PERIODIC)
        timer_arm(l);
    else
        l->timer_running = false;
}

static uint32_t timer_current(const struct lapic *l)
{
    if (!l->timer_running)
        return 0;
    uint64_t ticks = (clock_now(l->clock) - l->timer_start) / divisor(l);
    if (l->lvt[LVT_TIMER] & LVT_PERIODIC)
        return l->timer_initial - (uint32_t)(ticks % l->timer_initial);
    return ticks >= l->timer_initial ? 0 : l->timer_initial - (uint32_t)ticks;
}

/* A new divisor keeps the counts already made: the start moves so that
 * the same number of ticks has elapsed at the new rate. */
static void timer_set_divide(struct lapic *l, uint32_t v)
{
    uint64_t now = clock_now(l->clock);
    uint64_t ticks = (now - l->timer_start) / divisor(l);
    l->timer_divide = v & TIMER_DIV_BITS;
    uint64_t back = ticks * divisor(l);
    l->timer_start = back <= now ? now - back : 0;
    timer_arm(l);
}

static void timer_load(struct lapic *l, uint32_t count)
{
    l->timer_initial = count;
    l->timer_start = clock_now(l->clock);
    l->timer_running = count != 0;
    timer_arm(l);
}

/* --- INIT and startup --- */

/* INIT: the CPU to its reset state (A20 is the board's, not the CPU's),
 * the APIC to its own with the ID kept; an AP then waits for SIPI. */
static void do_init(struct lapic *l)
{
    struct cpu *c = l->cpu;
    uint32_t a20 = c->a20_mask;
    cpu_reset(c);
    c->a20_mask = a20;
    lapic_reset(l);
}

bool lapic_serve_init(struct lapic *l)
{
    if (!l->init_pending)
        return false;
    do_init(l);
    return true;
}

/* SIPI: a waiting AP starts in real mode at vector:0000 (vector << 12). */
static void startup(struct lapic *l, uint8_t vector)
{
    if (!l->wait_sipi)
        return;
    l->wait_sipi = false;
    cpu_load_real_seg(l->cpu, SEG_CS, (uint16_t)(vector << 8));
    l->cpu->eip = 0;
    l->cpu->stop = CPU_RUNNING;
}

bool lapic_waiting(const struct lapic *l)
{
    return l->wait_sipi;
}

void lapic_accept(struct lapic *l, const struct apic_msg *msg)
{
    if (!lapic_enabled(l))
        return;
    switch (msg->delivery) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        if (l->svr & SVR_ENABLE) /* a software-disabled APIC takes only NMI, INIT, SIPI */
            set_irr(l, msg->vector, msg->level);
        break;
    case APIC_DM_NMI: l->cpu->nmi_pending = true; break;
    case APIC_DM_INIT:
        if (msg->level && !msg->assert)
            break; /* INIT level de-assert: only synchronises arbitration IDs */
        if (l->ab->running == l->cpu) {
            l->init_pending = true; /* the CPU is inside an instruction: at its end */
            l->cpu->stop_request = true;
        } else {
            do_init(l);
        }
        break;
    case APIC_DM_SIPI: startup(l, msg->vector); break;
    case APIC_DM_EXTINT:
        l->extint_pending = true;
        update(l);
        break;
    default: break; /* SMI: no system management mode */
    }
}

bool lapic_matches(const struct lapic *l, const struct apic_msg *msg)
{
    uint8_t id = (uint8_t)(l->id >> 24), ldr = (uint8_t)(l->ldr >> 24);
    if (!msg->logical)
        return msg->dest == 0xff || msg->dest == id;
    if ((l->dfr & DFR_FLAT) == DFR_FLAT)
        return (msg->dest & ldr) != 0;
    /* Cluster model: 7:4 the cluster (15: all), 3:0 a member mask. */
    bool cluster = (msg->dest >> 4) == 0xf || (msg->dest >> 4) == (ldr >> 4);
    return cluster && (msg->dest & ldr & 0xf) != 0;
}

/* The ICR low word was written: send the IPI it describes. */
static void send_ipi(struct lapic *l)
{
    struct apic_msg msg = {
        .vector = (uint8_t)l->icr_lo,
        .delivery = (enum apic_delivery)((l->icr_lo >> 8) & 7),
        .logical = (l->icr_lo & ICR_DEST_LOGICAL) != 0,
        .dest = (uint8_t)(l->icr_hi >> 24),
        .shorthand = (enum apic_shorthand)((l->icr_lo >> 18) & 3),
        .level = (l->icr_lo & ICR_LEVEL) != 0,
        .assert = (l->icr_lo & ICR_ASSERT) != 0,
    };
    if ((msg.delivery == APIC_DM_FIXED || msg.delivery == APIC_DM_LOWEST) && msg.vector < 16) {
        error(l, ESR_SEND_ILLEGAL);
        return;
    }
    apic_bus_deliver(l->ab, &msg, l);
}

/* --- registers --- */

/* Clearing the software enable masks every LVT entry (SDM 10.4.7.2). */
static void write_svr(struct lapic *l, uint32_t v)
{
    l->svr = v & SVR_BITS;
    if (!(l->svr & SVR_ENABLE))
        for (int k = 0; k < LVT_N; k++)
            l->lvt[k] |= LVT_MASKED;
    update(l);
}

/* An LVT write: masked stays masked while the APIC is software-disabled. */
static void write_lvt(struct lapic *l, int entry, uint32_t v, uint32_t bits)
{
    l->lvt[entry] = (v & bits) | (l->svr & SVR_ENABLE ? 0 : LVT_MASKED);
    if (entry == LVT_TIMER)
        timer_arm(l); /* the mode may have changed */
    update(l);
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
    case R_TIMER_CUR: return timer_current(l);
    case R_TIMER_DIV: return l->timer_divide;
    default: break;
    }
    if (r >= R_ISR && r < R_ISR + 8)
        return l->isr[r - R_ISR];
    if (r >= R_TMR && r < R_TMR + 8)
        return l->tmr[r - R_TMR];
    if (r >= R_IRR && r < R_IRR + 8)
        return l->irr[r - R_IRR];
    error(l, ESR_ILLEGAL_REG);
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
        update(l);
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
        send_ipi(l);
        break;
    case R_ICR_HI: l->icr_hi = v & 0xff000000u; break;
    case R_LVT_TIMER: write_lvt(l, LVT_TIMER, v, LVT_TIMER_BITS); break;
    case R_LVT_LINT0: write_lvt(l, LVT_LINT0, v, LVT_LINT_BITS); break;
    case R_LVT_LINT1: write_lvt(l, LVT_LINT1, v, LVT_LINT_BITS); break;
    case R_LVT_ERROR: write_lvt(l, LVT_ERROR, v, LVT_ERROR_BITS); break;
    case R_TIMER_INIT: timer_load(l, v); break;
    case R_TIMER_DIV: timer_set_divide(l, v); break;
    case R_VERSION:
    case R_APR:
    case R_PPR:
    case R_RRD:
    case R_TIMER_CUR: break;
    default:
        if (r < R_ISR || r >= R_IRR + 8)
            error(l, ESR_ILLEGAL_REG);
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
    update(l);
}

void lapic_base_written(struct lapic *l)
{
    uint64_t *base = &l->cpu->msr.apic_base;
    *base = (*base & ~(uint64_t)APIC_BASE_BSP) | (l->bsp ? APIC_BASE_BSP : 0);
    bool on = lapic_enabled(l);
    if (l->hw_enabled && !on)
        reset_state(l); /* SDM 10.4.3: disabling loses the APIC's state */
    l->hw_enabled = on;
    update(l);
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
    if (clock_add_timer(k, &l->timer, "lapic-timer", timer_fire, l) != 0) {
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
