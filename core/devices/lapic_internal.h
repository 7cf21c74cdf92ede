/*
 * lapic_internal.h - what the local APIC's three files share: lapic.c (the
 * register file, priorities, requests, lifecycle), lapic_timer.c (the
 * timer) and lapic_ipi.c (IPIs, INIT and startup). The APIC is described at
 * the top of lapic.c; here are its register map and its state.
 */
#ifndef LAB86_LAPIC_INTERNAL_H
#define LAB86_LAPIC_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "lapic.h"

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

/* --- lapic.c: requests --- */

/* Drive the CPU's INTR from the APIC's state. */
void lapic_update(struct lapic *l);

/* A fixed request for vector: vectors 0-15 are illegal (SDM 10.5.3). */
void lapic_set_irr(struct lapic *l, int vector, bool level);

/* Record an error (ESR_*); a new one raises the LVT error interrupt. */
void lapic_error(struct lapic *l, uint32_t bit);

/* An LVT entry's request (timer, LINT in fixed or NMI mode, error). */
void lapic_lvt_fire(struct lapic *l, int entry);

/* --- lapic_timer.c: the timer, in closed form from the virtual clock --- */

/* Arm the clock timer for the next moment the count reaches zero. */
void lapic_timer_arm(struct lapic *l);

/* The clock timer (clock_fn): the count reached zero. */
void lapic_timer_fire(void *opaque, uint64_t now);

/* The current count register (0x390). */
uint32_t lapic_timer_current(const struct lapic *l);

/* The divide configuration written (0x3E0): the counts made are kept. */
void lapic_timer_set_divide(struct lapic *l, uint32_t v);

/* The initial count written (0x380): counting starts now; 0 stops it. */
void lapic_timer_load(struct lapic *l, uint32_t count);

/* --- lapic_ipi.c --- */

/* The ICR low word was written: send the IPI it describes. */
void lapic_send_ipi(struct lapic *l);

#endif
