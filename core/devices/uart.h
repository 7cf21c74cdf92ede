/*
 * uart.h - a 16550A UART, the PC's serial port (see uart.c).
 */
#ifndef LAB86_UART_H
#define LAB86_UART_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "chardev.h"

/* The PC's serial ports: base port and ISA IRQ. */
#define UART_COM1_PORT 0x3f8
#define UART_COM1_IRQ  4
#define UART_COM2_PORT 0x2f8
#define UART_COM2_IRQ  3

#define UART_NPORTS    8  /* registers at base .. base+7 */
#define UART_FIFO_SIZE 16 /* bytes in the 16550A's receive FIFO */

struct uart;

/* The UART's interrupt output (its INTR pin through the PC's OUT2 gate):
 * called with true when it rises and false when it falls. */
typedef void uart_irq_fn(void *opaque, bool level);

/* Put a UART at ports base..base+7. Transmitted bytes go to out (NULL:
 * discarded); its interrupt output drives irq(irq_opaque, level) (NULL: not
 * wired, as on the minimal machine, which has no interrupt controller).
 * Returns NULL when out of memory or when the bus's port table is full. */
struct uart *uart_create(struct bus *b, uint16_t base, const struct chardev *out, uart_irq_fn *irq,
                         void *irq_opaque);
void uart_destroy(struct uart *u);

/* The hardware reset (MR pin): registers to their datasheet reset values,
 * FIFOs emptied, interrupt output low. The divisor latch keeps its value. */
void uart_reset(struct uart *u);

/* Host side: byte arrives on the serial line. Returns false when the
 * receiver had no room for it: the byte is lost and LSR.OE is set, as on the
 * chip. A front end that does not want to lose input checks uart_rx_room()
 * first and holds the byte back. */
bool uart_receive(struct uart *u, uint8_t byte);

/* An observer of transmitted bytes (the debugger's serial events and
 * stops): fn(opaque, base port, byte) for each byte sent to the line,
 * after the chardev got it (loopback bytes are not sent). NULL removes it. */
typedef void uart_tap_fn(void *opaque, uint16_t port, uint8_t byte);
void uart_set_tap(struct uart *u, uart_tap_fn *fn, void *opaque);

/* Bytes the receiver can take now: 16 minus the FIFO's fill in FIFO mode,
 * 1 or 0 for the single holding register otherwise. */
int uart_rx_room(const struct uart *u);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void uart_snap(struct uart *u, const char *name, struct snap_region *out);

#endif
