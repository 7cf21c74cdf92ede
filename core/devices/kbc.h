/*
 * kbc.h - the 8042 keyboard controller, with a PS/2 keyboard and mouse
 * plugged into it (see kbc.c).
 */
#ifndef LAB86_KBC_H
#define LAB86_KBC_H

#include <stdbool.h>

#include "bus.h"
#include "clock.h"
#include "devfield.h"
#include "irq.h"
#include "devices/ps2kbd.h"
#include "devices/ps2mouse.h"

/* Where the PC puts it. */
#define KBC_DATA_PORT   0x60 /* data: output buffer (read), input buffer (write) */
#define KBC_STATUS_PORT 0x64 /* status (read), command (write) */
#define KBC_KBD_IRQ     1    /* keyboard data in the output buffer */
#define KBC_AUX_IRQ     12   /* mouse data in the output buffer */

/* Field tables kbc_devinfo() describes: "kbc", "ps2kbd", "ps2mouse". */
#define KBC_NDEVINFO 3

struct kbc;

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void kbc_snap(struct kbc *k, const char *name, struct snap_region *out);

/* The output port's A20 gate bit changed (true: address line 20 passes). */
typedef void kbc_a20_fn(void *opaque, bool enabled);
/* The controller pulsed the CPU's reset line (output port bit 0 low). */
typedef void kbc_reset_fn(void *opaque);

/* Put an 8042 at ports 0x60 and 0x64 (and nothing at 0x61-0x63), with a
 * keyboard and a mouse. irq1 and irq12 are the lines its output buffer drives
 * (pic_irq(pic, 1) and pic_irq(pic, 12); a zeroed line: not wired). a20 and
 * reset (either may be NULL) are called with host_opaque; a20 is called once
 * from here and from kbc_reset() with the power-on value, enabled, so the
 * board starts in agreement. The controller and devices register three
 * timers with clk; the clock must not dispatch after kbc_destroy(). Returns
 * NULL when out of memory, or when the bus's port table or the clock's timer
 * table is full. */
struct kbc *kbc_create(struct bus *b, struct clock *clk, struct irq_line irq1,
                       struct irq_line irq12, kbc_a20_fn *a20, kbc_reset_fn *reset,
                       void *host_opaque);
void kbc_destroy(struct kbc *k);

/* Power-on reset of the controller and both devices. The controller comes up
 * as a BIOS leaves it after POST (see kbc.c): keyboard enabled with IRQ 1 and
 * set 1 translation, mouse disabled, output buffer empty, A20 enabled. */
void kbc_reset(struct kbc *k);

/* The devices, for host input (ps2kbd_key(), ps2kbd_type_ascii(),
 * ps2mouse_move()). */
struct ps2kbd *kbc_keyboard(struct kbc *k);
struct ps2mouse *kbc_mouse(struct kbc *k);

/* Describe the controller and its devices as field tables: fills up to max
 * entries of out ("kbc", "ps2kbd", "ps2mouse") and returns how many. */
int kbc_devinfo(struct kbc *k, struct devinfo *out, int max);

#endif
