/*
 * ps2kbd.h - a PS/2 keyboard (IBM MF2, 101/102 keys), plugged into the 8042's
 * first port (see ps2kbd.c).
 */
#ifndef LAB86_PS2KBD_H
#define LAB86_PS2KBD_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"
#include "devfield.h"
#include "devices/ps2.h"

/* The keys of a US 101-key keyboard, as lab86 names them. Front ends map
 * their host keys to these; the keyboard turns them into scan codes. Letters
 * and digits are consecutive, so PS2KBD_KEY_A + (c - 'a') is a letter's key. */
/* clang-format off */
enum ps2kbd_key {
    PS2KBD_KEY_NONE,
    PS2KBD_KEY_A, PS2KBD_KEY_B, PS2KBD_KEY_C, PS2KBD_KEY_D, PS2KBD_KEY_E, PS2KBD_KEY_F,
    PS2KBD_KEY_G, PS2KBD_KEY_H, PS2KBD_KEY_I, PS2KBD_KEY_J, PS2KBD_KEY_K, PS2KBD_KEY_L,
    PS2KBD_KEY_M, PS2KBD_KEY_N, PS2KBD_KEY_O, PS2KBD_KEY_P, PS2KBD_KEY_Q, PS2KBD_KEY_R,
    PS2KBD_KEY_S, PS2KBD_KEY_T, PS2KBD_KEY_U, PS2KBD_KEY_V, PS2KBD_KEY_W, PS2KBD_KEY_X,
    PS2KBD_KEY_Y, PS2KBD_KEY_Z,
    PS2KBD_KEY_0, PS2KBD_KEY_1, PS2KBD_KEY_2, PS2KBD_KEY_3, PS2KBD_KEY_4, PS2KBD_KEY_5,
    PS2KBD_KEY_6, PS2KBD_KEY_7, PS2KBD_KEY_8, PS2KBD_KEY_9,
    PS2KBD_KEY_ENTER, PS2KBD_KEY_ESC, PS2KBD_KEY_BACKSPACE, PS2KBD_KEY_TAB, PS2KBD_KEY_SPACE,
    PS2KBD_KEY_MINUS, PS2KBD_KEY_EQUAL, PS2KBD_KEY_LBRACKET, PS2KBD_KEY_RBRACKET,
    PS2KBD_KEY_BACKSLASH, PS2KBD_KEY_SEMICOLON, PS2KBD_KEY_APOSTROPHE, PS2KBD_KEY_GRAVE,
    PS2KBD_KEY_COMMA, PS2KBD_KEY_DOT, PS2KBD_KEY_SLASH, PS2KBD_KEY_CAPSLOCK,
    PS2KBD_KEY_F1, PS2KBD_KEY_F2, PS2KBD_KEY_F3, PS2KBD_KEY_F4, PS2KBD_KEY_F5, PS2KBD_KEY_F6,
    PS2KBD_KEY_F7, PS2KBD_KEY_F8, PS2KBD_KEY_F9, PS2KBD_KEY_F10, PS2KBD_KEY_F11, PS2KBD_KEY_F12,
    PS2KBD_KEY_LSHIFT, PS2KBD_KEY_RSHIFT, PS2KBD_KEY_LCTRL, PS2KBD_KEY_RCTRL, PS2KBD_KEY_LALT,
    PS2KBD_KEY_RALT, PS2KBD_KEY_LGUI, PS2KBD_KEY_RGUI, PS2KBD_KEY_MENU,
    PS2KBD_KEY_PRINTSCREEN, PS2KBD_KEY_SCROLLLOCK, PS2KBD_KEY_PAUSE,
    PS2KBD_KEY_INSERT, PS2KBD_KEY_HOME, PS2KBD_KEY_PAGEUP, PS2KBD_KEY_DELETE, PS2KBD_KEY_END,
    PS2KBD_KEY_PAGEDOWN, PS2KBD_KEY_UP, PS2KBD_KEY_LEFT, PS2KBD_KEY_DOWN, PS2KBD_KEY_RIGHT,
    PS2KBD_KEY_NUMLOCK, PS2KBD_KEY_KP_SLASH, PS2KBD_KEY_KP_STAR, PS2KBD_KEY_KP_MINUS,
    PS2KBD_KEY_KP_PLUS, PS2KBD_KEY_KP_ENTER, PS2KBD_KEY_KP_DOT,
    PS2KBD_KEY_KP_0, PS2KBD_KEY_KP_1, PS2KBD_KEY_KP_2, PS2KBD_KEY_KP_3, PS2KBD_KEY_KP_4,
    PS2KBD_KEY_KP_5, PS2KBD_KEY_KP_6, PS2KBD_KEY_KP_7, PS2KBD_KEY_KP_8, PS2KBD_KEY_KP_9,
    PS2KBD_KEY_COUNT /* not a key: the number of codes */
};
/* clang-format on */

struct ps2kbd;

/* A keyboard in its power-on state (scanning, set 2, LEDs off). Its reset
 * timer is registered with clk; notify(opaque) is called whenever it has a
 * byte to send. Returns NULL when out of memory or when the clock's timer
 * table is full. */
struct ps2kbd *ps2kbd_create(struct clock *clk, ps2_notify_fn *notify, void *opaque);
void ps2kbd_destroy(struct ps2kbd *kb);

/* Power-on reset: defaults, buffer emptied, scanning enabled. (Unlike the
 * guest's 0xFF command, it sends no 0xAA: firmware flushes it anyway, and a
 * kernel booted without firmware would see it as a stray key release.) */
void ps2kbd_reset(struct ps2kbd *kb);

/* Host side: key (an enum ps2kbd_key) went down or up. Nothing happens while
 * the guest has scanning disabled; a full buffer records an overflow code
 * instead of the key, as the keyboard does. Unknown key codes are ignored. */
void ps2kbd_key(struct ps2kbd *kb, int key, bool down);

/* Host side: type one character of US-ASCII text: its key pressed and
 * released, with Shift around it for shifted characters and Ctrl for control
 * characters (0x01-0x1A other than \b \t \n \r). Returns false, queueing
 * nothing, for a character no key makes or when the buffer lacks room for
 * the whole sequence: the front end keeps it and tries again later. */
bool ps2kbd_type_ascii(struct ps2kbd *kb, char ch);

/* Bytes of key events the buffer can take now (a key press is 1-2 bytes, a
 * release 2-3, a shifted character up to 6). */
int ps2kbd_room(const struct ps2kbd *kb);

/* Describe the keyboard's state as the field table "ps2kbd". */
void ps2kbd_devinfo(struct ps2kbd *kb, struct devinfo *out);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void ps2kbd_snap(struct ps2kbd *kb, const char *name, struct snap_region *out);

/* The PS/2 wire, used by the controller (kbc.c): a byte from the host, the
 * keyboard's next byte to send (-1: none), whether it has one, and the
 * set 2 -> set 1 translation the 8042 applies when its XLAT bit is on. */
void ps2kbd_write(struct ps2kbd *kb, uint8_t byte);
int ps2kbd_read(struct ps2kbd *kb);
bool ps2kbd_has_data(const struct ps2kbd *kb);
uint8_t ps2kbd_set1_code(uint8_t set2);

#endif
