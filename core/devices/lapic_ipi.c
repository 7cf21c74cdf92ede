/*
 * lapic_ipi.c - interprocessor interrupts (SDM vol. 3, 10.6): the message
 * a write to the interrupt command register sends on the APIC bus
 * (apicbus.c routes it), and what an APIC does with one that is addressed
 * to it: a fixed or lowest-priority vector into the IRR, an NMI, an ExtINT
 * from the 8259, an INIT that resets its CPU (an AP then waits for a
 * startup IPI), a startup IPI that starts a waiting AP in real mode at
 * vector << 12; and whether a message's destination names it (physical
 * ID, or the logical LDR in the flat and cluster models).
 */
#include "lapic_internal.h"

#include "interp/cpu.h"

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

bool lapic_init_pending(const struct lapic *l)
{
    return l->init_pending;
}

void lapic_accept(struct lapic *l, const struct apic_msg *msg)
{
    if (!lapic_enabled(l))
        return;
    switch (msg->delivery) {
    case APIC_DM_FIXED:
    case APIC_DM_LOWEST:
        if (l->svr & SVR_ENABLE) /* a software-disabled APIC takes only NMI, INIT, SIPI */
            lapic_set_irr(l, msg->vector, msg->level);
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
        lapic_update(l);
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
void lapic_send_ipi(struct lapic *l)
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
        lapic_error(l, ESR_SEND_ILLEGAL);
        return;
    }
    apic_bus_deliver(l->ab, &msg, l);
}
