/*
 * debugport.h - the two "debug ports" emulators offer test kernels: the
 * 0xE9 console and the isa-debug-exit device (see debugport.c).
 */
#ifndef LAB86_DEBUGPORT_H
#define LAB86_DEBUGPORT_H

#include <stdint.h>

#include "bus.h"
#include "chardev.h"

/* Conventional ports (Bochs and QEMU's debugcon; the isa-debug-exit iobase
 * that course Makefiles pass to QEMU). */
#define DEBUGCON_PORT  0xe9
#define DEBUGEXIT_PORT 0xf4
#define DEBUGEXIT_LEN  4 /* iosize=4: a byte, word or dword write all count */

struct debugcon;
struct debugexit;

/* Called when the guest writes value to the exit device. The machine stops
 * itself; `lab86 run` then ends with status (value << 1) | 1. */
typedef void debugexit_fn(void *opaque, uint32_t value);

/* Put a console at port whose output goes to out (NULL: discarded).
 * Returns NULL when out of memory or when the bus's port table is full. */
struct debugcon *debugcon_create(struct bus *b, uint16_t port, const struct chardev *out);
void debugcon_destroy(struct debugcon *d);

/* Put an exit device at ports port..port+DEBUGEXIT_LEN-1 that calls
 * on_exit(opaque, value) for every write. Returns NULL on failure. */
struct debugexit *debugexit_create(struct bus *b, uint16_t port, debugexit_fn *on_exit,
                                   void *opaque);
void debugexit_destroy(struct debugexit *d);

#endif
