/*
 * lapic.h - the local APIC of each CPU (xAPIC at 0xFEE00000) and the APIC
 * bus that carries interrupt messages between the local APICs and the I/O
 * APIC (see lapic.c and apicbus.c).
 *
 * Every CPU of the "pc" board has a local APIC. It takes over the CPU's
 * interrupt pins: it drives c->intr_line and c->nmi_pending and answers the
 * INTA cycle (c->intr_ack), with the vector of its highest pending request
 * or, for an ExtINT request (the 8259 through LINT0, as a PC in virtual-wire
 * mode), with the 8259's own INTA answer. The board maps 0xFEE00000 once
 * and sends each access to the APIC of the CPU that is executing
 * (apic_bus.running), because every CPU sees its own APIC at that address.
 */
#ifndef LAB86_LAPIC_H
#define LAB86_LAPIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "devfield.h"

struct cpu;
struct lapic;

#define LAPIC_BASE      0xfee00000u /* the default physical base (IA32_APIC_BASE) */
#define LAPIC_MMIO_SIZE 0x1000u     /* one 4 KiB page of registers */
#define APIC_MAX_CPUS   8           /* physical IDs 0-7; 0xFF is the broadcast ID */

/* IA32_APIC_BASE (MSR 0x1B) bits (SDM vol. 3, 10.4.4). */
#define APIC_BASE_BSP    (1u << 8)  /* this CPU is the bootstrap processor (read-only) */
#define APIC_BASE_ENABLE (1u << 11) /* the APIC is globally enabled */

/* Delivery modes of an interrupt message (ICR, LVT, I/O APIC entries). */
enum apic_delivery {
    APIC_DM_FIXED = 0,  /* the vector, to every destination */
    APIC_DM_LOWEST = 1, /* the vector, to one destination: here the lowest APIC ID */
    APIC_DM_SMI = 2,    /* system management interrupt (ignored: no SMM) */
    APIC_DM_NMI = 4,    /* a non-maskable interrupt */
    APIC_DM_INIT = 5,   /* INIT: reset the CPU (an AP then waits for a startup IPI) */
    APIC_DM_SIPI = 6,   /* startup: a waiting AP starts in real mode at vector << 12 */
    APIC_DM_EXTINT = 7, /* the vector comes from the 8259's INTA cycle */
};

/* Destination shorthands of the ICR (bits 19:18). */
enum apic_shorthand {
    APIC_SH_NONE = 0,   /* the destination field says who */
    APIC_SH_SELF = 1,   /* the sender only */
    APIC_SH_ALL = 2,    /* every APIC, the sender too */
    APIC_SH_OTHERS = 3, /* every APIC but the sender */
};

/* One interrupt message on the APIC bus. */
struct apic_msg {
    uint8_t vector;                /* the vector (SIPI: the start page) */
    enum apic_delivery delivery;   /* what to do */
    bool logical;                  /* dest is a logical mask (LDR/DFR), else a physical ID */
    uint8_t dest;                  /* physical APIC ID (0xFF: all) or logical mask */
    enum apic_shorthand shorthand; /* APIC_SH_NONE for the I/O APIC's messages */
    bool level;                    /* level-triggered (TMR set; EOI goes to the I/O APIC) */
    bool assert;                   /* INIT level de-assert has level set and assert clear */
};

typedef void apic_eoi_fn(void *opaque, uint8_t vector);

/* The wires between the APICs, owned by the board (apicbus.c routes). */
struct apic_bus {
    struct lapic *apic[APIC_MAX_CPUS]; /* by physical APIC ID; NULL: no such CPU */
    struct cpu *running;               /* the CPU executing now: whose APIC the MMIO page shows and
                                          which one an INIT must not reset in mid-instruction */
    apic_eoi_fn *eoi; /* the I/O APIC's EOI input (level-triggered vectors); NULL: none */
    void *eoi_opaque; /* its argument */
};

/* The 8259's INTA cycle, for an ExtINT request. */
typedef int lapic_extint_fn(void *opaque);

/* A local APIC with physical ID id for CPU c, on bus ab, its timer on clock
 * k; the BSP's APIC has the BSP flag and LINT0 set up as ExtINT. It takes
 * over c's intr_line, intr_ack and apic. Returns NULL when out of memory or
 * the clock's timer table is full. */
struct lapic *lapic_create(struct apic_bus *ab, struct clock *k, struct cpu *c, uint8_t id,
                           bool bsp, lapic_extint_fn *extint_ack, void *extint_opaque);
void lapic_destroy(struct lapic *l);

/* Power-on (and INIT) state: SDM vol. 3, 10.4.7.1, the ID kept; an AP then
 * waits for a startup IPI. Also sets the CPU's APIC base MSR. Call after
 * cpu_reset() of its CPU. */
void lapic_reset(struct lapic *l);

/* Register access through the MMIO page (offset inside it, size 1-4). */
uint32_t lapic_mmio_read(struct lapic *l, uint32_t off, int size);
void lapic_mmio_write(struct lapic *l, uint32_t off, uint32_t value, int size);

/* The CPU's WRMSR to IA32_APIC_BASE stored a new value (ops_msr.c): the BSP
 * flag is restored, and clearing the enable bit resets the APIC's state. */
void lapic_base_written(struct lapic *l);

/* Is the APIC globally enabled (IA32_APIC_BASE bit 11)? CPUID's APIC bit. */
bool lapic_enabled(const struct lapic *l);
uint8_t lapic_id(const struct lapic *l);

/* The LINT0 / LINT1 pins (pin 0 or 1) driven to level. */
void lapic_set_lint(struct lapic *l, int pin, bool level);

/* Accept a message addressed to this APIC (apicbus.c). */
void lapic_accept(struct lapic *l, const struct apic_msg *msg);

/* The INTA cycle: the vector of the request the CPU now takes. */
int lapic_ack(void *opaque);

/* Wait-for-SIPI: the CPU is held until a startup IPI (it does not run). */
bool lapic_waiting(const struct lapic *l);

/* Has the CPU sent itself an INIT that waits for its instruction boundary? */
bool lapic_init_pending(const struct lapic *l);

/* An INIT addressed to the CPU while it executed: serve it now, at an
 * instruction boundary (cpu_reset() and lapic_reset()). Returns true if one
 * was pending. */
bool lapic_serve_init(struct lapic *l);

/* Describe the APIC as "lapicN" (N its ID) in out[0..max); returns 0 or 1. */
size_t lapic_devinfo(struct lapic *l, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void lapic_snap(struct lapic *l, const char *name, struct snap_region *out);

/* --- the APIC bus (apicbus.c) --- */

/* Deliver msg from the local APIC from (NULL: the I/O APIC) to every APIC
 * its shorthand or destination selects. */
void apic_bus_deliver(struct apic_bus *ab, const struct apic_msg *msg, struct lapic *from);

/* A level-triggered vector's EOI, broadcast to the I/O APIC. */
void apic_bus_eoi(struct apic_bus *ab, uint8_t vector);

/* Does APIC l match msg's destination (physical ID or logical LDR/DFR)? */
bool lapic_matches(const struct lapic *l, const struct apic_msg *msg);

#endif
