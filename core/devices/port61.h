/*
 * port61.h - the PC/AT's system control port B at 0x61 (see port61.c).
 */
#ifndef LAB86_PORT61_H
#define LAB86_PORT61_H

#include <stddef.h>

#include "bus.h"
#include "clock.h"
#include "devfield.h"
#include "devices/pit.h"

#define PORT61_PORT 0x61

struct port61;

/* Put port B at port, wired to the timer's counter 2 (GATE2 from bit 0,
 * OUT2 onto bit 5) and to the clock for the refresh toggle (bit 4); both
 * must outlive it. Returns NULL when out of memory or the port table is
 * full. */
struct port61 *port61_create(struct bus *b, uint16_t port, struct pit *pit, struct clock *k);
void port61_destroy(struct port61 *s);

/* Power-on state: the writable bits clear (GATE2 low, speaker off). */
void port61_reset(struct port61 *s);

/* Describe the port as "port61" in out[0..max). Returns 1, or 0 if max is 0. */
size_t port61_devinfo(struct port61 *s, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void port61_snap(struct port61 *s, const char *name, struct snap_region *out);

#endif
