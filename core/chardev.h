/*
 * chardev.h - the host side of a character device: where the bytes a guest
 * writes to a console or serial port end up.
 *
 * A device model (debugport.c, uart.c) is the guest-facing half: registers,
 * status bits, interrupts. It knows nothing about terminals, files or pipes.
 * The front end supplies the other half, a struct chardev, whose write
 * callback takes the bytes away: the headless runner writes them to standard
 * output, the TUI to its console pane, a test to a buffer it then inspects.
 * One chardev may serve several devices (COM1 and the 0xE9 console both go to
 * stdout in `lab86 run`).
 *
 * Input travels the other way through each device's own host-side input
 * function (uart_receive() in uart.h), called by the front end between run
 * slices. Keeping input out of this callback interface means the core never
 * asks the host for anything while a guest instruction runs, so a run is
 * deterministic: the same bytes given at the same cycle give the same result.
 */
#ifndef LAB86_CHARDEV_H
#define LAB86_CHARDEV_H

#include <stddef.h>
#include <stdint.h>

/* Take len bytes the guest sent. Must not block for long: it runs in the
 * middle of an instruction (an OUT). Errors are the backend's to handle; the
 * guest's device has already accepted the bytes. */
typedef void chardev_write_fn(void *opaque, const uint8_t *buf, size_t len);

struct chardev {
    chardev_write_fn *write; /* guest output; NULL: bytes are discarded */
    void *opaque;            /* the backend's state, passed to write */
};

/* Send len bytes to cd. A NULL chardev, or one without a write callback, is
 * a device with nothing plugged in: the bytes are dropped. */
static inline void chardev_write(const struct chardev *cd, const uint8_t *buf, size_t len)
{
    if (cd && cd->write)
        cd->write(cd->opaque, buf, len);
}

#endif
