/*
 * ps2mouse.h - a PS/2 mouse with a wheel (Microsoft IntelliMouse protocol),
 * plugged into the 8042's second (auxiliary) port (see ps2mouse.c).
 */
#ifndef LAB86_PS2MOUSE_H
#define LAB86_PS2MOUSE_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "devfield.h"
#include "devices/ps2.h"

/* Buttons of ps2mouse_move(), in the order of the packet's first byte. */
#define PS2MOUSE_BUTTON_LEFT   0x01
#define PS2MOUSE_BUTTON_RIGHT  0x02
#define PS2MOUSE_BUTTON_MIDDLE 0x04

struct ps2mouse;

/* A mouse in its power-on state (stream mode, reporting disabled, ID 0). Its
 * reset timer is registered with clk; notify(opaque) is called whenever it
 * has a byte to send. Returns NULL when out of memory or when the clock's
 * timer table is full. */
struct ps2mouse *ps2mouse_create(struct clock *clk, ps2_notify_fn *notify, void *opaque);
void ps2mouse_destroy(struct ps2mouse *m);

/* Power-on reset: defaults, buffer emptied, no 0xAA 0x00 sent. */
void ps2mouse_reset(struct ps2mouse *m);

/* Host side: the mouse moved by dx counts to the right and dy counts up
 * (away from the user: the PS/2 convention; a front end with screen
 * coordinates passes -dy), with buttons (PS2MOUSE_BUTTON_*) now held. In
 * stream mode with reporting enabled this sends one packet at once; a delta
 * beyond the packet's 9-bit range -256..255 is clamped and flagged with the
 * packet's overflow bit. In remote mode it is added up for the next 0xEB. */
void ps2mouse_move(struct ps2mouse *m, int dx, int dy, unsigned buttons);

/* Host side: the wheel turned by dz detents (positive: towards the user),
 * reported in the fourth packet byte once the guest has switched the mouse to
 * IntelliMouse mode, and dropped before that. */
void ps2mouse_wheel(struct ps2mouse *m, int dz);

/* Describe the mouse's state as the field table "ps2mouse". */
void ps2mouse_devinfo(struct ps2mouse *m, struct devinfo *out);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void ps2mouse_snap(struct ps2mouse *m, const char *name, struct snap_region *out);

/* The PS/2 wire, used by the controller (kbc.c): a byte from the host, the
 * mouse's next byte to send (-1: none), and whether it has one. */
void ps2mouse_write(struct ps2mouse *m, uint8_t byte);
int ps2mouse_read(struct ps2mouse *m);
bool ps2mouse_has_data(const struct ps2mouse *m);

#endif
