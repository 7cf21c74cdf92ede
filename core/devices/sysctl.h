/*
 * sysctl.h - the PC's small system ports: System Control Port A (0x92), the
 * reset control register (0xCF9), the Bochs/QEMU shutdown port (0x8900) and
 * the Bochs BIOS's log ports (0x400-0x403) (see sysctl.c).
 */
#ifndef LAB86_SYSCTL_H
#define LAB86_SYSCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "chardev.h"
#include "devfield.h"

#define SYSCTL_PORT_A        0x92   /* System Control Port A: fast A20, fast reset */
#define SYSCTL_PORT_RC       0xcf9  /* reset control register (PIIX) */
#define SYSCTL_PORT_SHUTDOWN 0x8900 /* Bochs/QEMU APM shutdown port */
#define SYSCTL_PORT_FWLOG    0x400  /* Bochs BIOS: 0x400-0x401 panic, 0x402 info, 0x403 debug */
#define SYSCTL_NPORTS_FWLOG  4

struct sysctl;

/* Port 0x92 bit 1 changed: the "fast A20" gate is now enabled or not. The
 * machine ORs it with the keyboard controller's A20 output. */
typedef void sysctl_a20_fn(void *opaque, bool enabled);

/* The guest asked for a reset: hard = the whole board (0xCF9 with SRST set),
 * otherwise the processor only (port 0x92 bit 0, 0xCF9 with SRST clear),
 * which keeps memory and devices as they are. */
typedef void sysctl_reset_fn(void *opaque, bool hard);

/* The guest's firmware wrote "Shutdown" to port 0x8900: power off. */
typedef void sysctl_shutdown_fn(void *opaque);

/* What the ports are connected to on the host side. Any callback may be
 * NULL (the request is ignored); the chardev may be NULL (log discarded). */
struct sysctl_host {
    sysctl_a20_fn *set_a20;       /* port 0x92 bit 1 changed */
    sysctl_reset_fn *reset;       /* reset request */
    sysctl_shutdown_fn *shutdown; /* power-off request */
    void *opaque;                 /* the callbacks' argument (the machine) */
    const struct chardev *fwlog;  /* firmware log (--firmware-log FILE) */
};

/* Claim the four port ranges above, with host (copied; the chardev must
 * outlive the device). Returns NULL when out of memory or when the bus's
 * port table has no room for all four. */
struct sysctl *sysctl_create(struct bus *b, const struct sysctl_host *host);
void sysctl_destroy(struct sysctl *s);

/* The board's reset: port 0x92 and 0xCF9 back to 0 (an A20 gate that was
 * enabled is reported disabled through set_a20), the shutdown matcher
 * restarted. */
void sysctl_reset(struct sysctl *s);

/* Describe the ports as "sysctl" in out[0..max). Returns how many entries
 * were written (1 when max >= 1). */
size_t sysctl_devinfo(struct sysctl *s, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void sysctl_snap(struct sysctl *s, const char *name, struct snap_region *out);

#endif
