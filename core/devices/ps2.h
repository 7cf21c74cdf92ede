/*
 * ps2.h - what the PS/2 keyboard and mouse share: the byte protocol's fixed
 * answers, the device's output queue, and the "I have a byte for you" signal
 * from a device to the 8042 controller (kbc.c) it is plugged into.
 *
 * A PS/2 device and its controller talk over a two-wire serial line (clock and
 * data), one byte at a time in either direction. The controller can inhibit a
 * device by holding the clock line low; the device then keeps what it wants
 * to send in its own buffer. lab86 models the wire at the level of bytes: the
 * controller writes a byte to the device with ps2kbd_write()/ps2mouse_write(),
 * and pulls the device's next byte with ps2kbd_read()/ps2mouse_read() when its
 * output buffer is free and the port is not inhibited. How long a byte takes
 * on the wire is the controller's business (KBC_XFER_NS in kbc.c).
 *
 * Sources: IBM Personal System/2 Hardware Interface Technical Reference,
 * "Keyboard and Auxiliary Device Controller" and "Keyboard" (1988); Adam
 * Chapweske, "The PS/2 Mouse/Keyboard Protocol" (2003).
 */
#ifndef LAB86_PS2_H
#define LAB86_PS2_H

#include <stdbool.h>
#include <stdint.h>

/* Bytes a device sends that are not data. */
#define PS2_ACK    0xfa /* command or parameter accepted */
#define PS2_RESEND 0xfe /* not understood: send it again (unknown command, bad parameter) */
#define PS2_BAT_OK 0xaa /* basic assurance test (power-on self test) passed */
#define PS2_ECHO   0xee /* answer to the keyboard's echo command */

/* The basic assurance test a device runs after a reset command, between its
 * ACK and its 0xAA. Real devices take 300-500 ms; lab86 takes 500 us, because
 * the Bochs BIOS waits for the 0xAA in a loop bounded at 65535 polls of the
 * status port (FIRMWARE.md 1a), which at any plausible --cpu-mhz ends long
 * before 300 ms of virtual time. Linux and SeaBIOS allow seconds. */
#define PS2_BAT_NS 500000u

/* Called by a device when it has a new byte to send (the controller then
 * schedules a transfer if the port is free). */
typedef void ps2_notify_fn(void *opaque);

/* A device's output buffer: the 16 bytes of the PS/2 keyboard's buffer, and
 * as much for the mouse (a few packets). */
#define PS2_QUEUE_SIZE 16

struct ps2_queue {
    uint8_t buf[PS2_QUEUE_SIZE]; /* the bytes, oldest at head, circular */
    uint8_t head;                /* index of the oldest byte */
    uint8_t count;               /* bytes held, 0 .. PS2_QUEUE_SIZE */
};

static inline void ps2_queue_clear(struct ps2_queue *q)
{
    q->head = 0;
    q->count = 0;
}

static inline int ps2_queue_room(const struct ps2_queue *q)
{
    return PS2_QUEUE_SIZE - q->count;
}

/* Append a byte; false (and nothing stored) when the queue is full. */
static inline bool ps2_queue_push(struct ps2_queue *q, uint8_t b)
{
    if (q->count >= PS2_QUEUE_SIZE)
        return false;
    q->buf[(q->head + q->count) % PS2_QUEUE_SIZE] = b;
    q->count++;
    return true;
}

/* Take the oldest byte, or -1 when the queue is empty. */
static inline int ps2_queue_pop(struct ps2_queue *q)
{
    if (q->count == 0)
        return -1;
    uint8_t b = q->buf[q->head];
    q->head = (uint8_t)((q->head + 1) % PS2_QUEUE_SIZE);
    q->count--;
    return b;
}

/* The newest byte, or -1 when the queue is empty. */
static inline int ps2_queue_last(const struct ps2_queue *q)
{
    if (q->count == 0)
        return -1;
    return q->buf[(q->head + q->count - 1) % PS2_QUEUE_SIZE];
}

#endif
