/*
 * pit.h - the Intel 8254 Programmable Interval Timer (see pit.c).
 */
#ifndef LAB86_PIT_H
#define LAB86_PIT_H

#include <stdbool.h>
#include <stddef.h>

#include "bus.h"
#include "clock.h"
#include "devfield.h"
#include "irq.h"

/* The PC's timer: counters 0-2 and the control word at 0x40-0x43, clocked
 * at 1.193182 MHz (the 14.31818 MHz colour-burst crystal divided by 12).
 * OUT0 is IRQ 0; GATE2 and OUT2 are bits 0 and 5 of port 0x61. */
#define PIT_PORT     0x40
#define PIT_IRQ      0
#define PIT_CLOCK_HZ 1193182
#define PIT_NCOUNTER 3

struct pit;

/* Put the timer at ports base..base+3, counting on the virtual clock k
 * (which must outlive it), with OUT0 driving out0. Every counter starts
 * idle, as if its control word had selected mode 3 and no count had been
 * written yet: OUT high, no timer event armed. Returns NULL when out of
 * memory, or when the bus's port table or the clock's timer table is full. */
struct pit *pit_create(struct bus *b, uint16_t base, struct clock *k, struct irq_line out0);
void pit_destroy(struct pit *p);

/* Back to the state pit_create() leaves: all counters idle, OUT high, gates
 * of counters 0 and 1 high (tied on the board), counter 2's as it was. */
void pit_reset(struct pit *p);

/* The GATE input of counter n (the board drives counter 2's from port
 * 0x61 bit 0). Acts at the current cycle of the clock. */
void pit_set_gate(struct pit *p, int n, bool level);

/* The OUT pin of counter n at the current cycle (port 0x61 bit 5 reads
 * counter 2's). */
bool pit_out(struct pit *p, int n);

/* Bring the published count and OUT fields (pit_devinfo) up to the
 * current cycle: a reader such as the debugger calls it before looking. */
void pit_sync(struct pit *p);

/* Describe the counters as "pit.ch0".."pit.ch2" in out[0..max). Returns
 * how many entries were written (3 when max >= 3). */
size_t pit_devinfo(struct pit *p, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void pit_snap(struct pit *p, const char *name, struct snap_region *out);

#endif
