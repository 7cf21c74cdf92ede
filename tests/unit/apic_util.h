/*
 * apic_util.h - a rig for the APIC suites (test_lapic.c, test_ioapic.c):
 * two CPUs, each with its local APIC, on one APIC bus and one virtual
 * clock, with a fake 8259 behind the BSP's ExtINT. The CPUs never run: the
 * APICs are driven through their registers, pins and messages only, and
 * the tests look at what reaches the CPUs (intr_line, nmi_pending, the INTA
 * answer, the state INIT and SIPI leave).
 */
#ifndef LAB86_APIC_UTIL_H
#define LAB86_APIC_UTIL_H

#include <check.h>
#include <stdlib.h>

#include "bus.h"
#include "clock.h"
#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "interp/cpu.h"

#define RIG_EXTINT_VECTOR 0x42 /* what the fake 8259 answers on INTA */

struct apic_rig {
    struct bus bus;         /* RAM and the I/O APIC's MMIO */
    struct clock clock;     /* virtual time */
    uint64_t now, deadline; /* the cycle counter and slice end it uses */
    struct cpu cpu[2];      /* the BSP (APIC ID 0) and an AP (ID 1) */
    struct lapic *apic[2];  /* their local APICs */
    struct apic_bus ab;     /* the wires between them */
    int extint_acks;        /* INTA cycles that reached the fake 8259 */
};

static inline int rig_extint_ack(void *opaque)
{
    ((struct apic_rig *)opaque)->extint_acks++;
    return RIG_EXTINT_VECTOR;
}

static inline struct apic_rig *apic_rig_new(void)
{
    struct apic_rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(bus_init(&r->bus, 1 << 20), 0);
    r->deadline = CLOCK_NEVER;
    clock_init(&r->clock, &r->now, &r->deadline, 100000000u);
    for (int k = 0; k < 2; k++) {
        cpu_init(&r->cpu[k], &r->bus);
        r->apic[k] =
            lapic_create(&r->ab, &r->clock, &r->cpu[k], (uint8_t)k, k == 0, rig_extint_ack, r);
        ck_assert_ptr_nonnull(r->apic[k]);
        r->ab.apic[k] = r->apic[k];
    }
    return r;
}

static inline void apic_rig_free(struct apic_rig *r)
{
    for (int k = 0; k < 2; k++)
        lapic_destroy(r->apic[k]);
    bus_free(&r->bus);
    free(r);
}

/* Move the clock to cycle t, firing each timer at its own cycle. */
static inline void apic_rig_advance(struct apic_rig *r, uint64_t t)
{
    uint64_t next;
    while ((next = clock_next(&r->clock)) <= t) {
        if (next > r->now)
            r->now = next;
        clock_dispatch(&r->clock);
    }
    r->now = t;
}

/* Local APIC k's register at offset off. */
static inline uint32_t lrd(struct apic_rig *r, int k, uint32_t off)
{
    return lapic_mmio_read(r->apic[k], off, 4);
}

static inline void lwr(struct apic_rig *r, int k, uint32_t off, uint32_t v)
{
    lapic_mmio_write(r->apic[k], off, v, 4);
}

/* Is vector v's bit set in the 256-bit register at base (ISR, TMR, IRR)? */
static inline bool lbit(struct apic_rig *r, int k, uint32_t base, int v)
{
    return (lrd(r, k, base + (uint32_t)(v / 32) * 0x10) >> (v % 32)) & 1;
}

#endif
