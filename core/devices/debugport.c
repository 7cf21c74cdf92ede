/*
 * debugport.c - the 0xE9 debug console and the isa-debug-exit device.
 *
 * Neither exists on a real PC. They are the two smallest devices a test
 * kernel can talk to, which is why Bochs, QEMU and lab86 all have them: a
 * kernel that has not yet written a serial driver can still print, and a test
 * kernel can end the run and say whether it passed.
 *
 * The 0xE9 console (Bochs "port e9 hack", QEMU -debugcon):
 *   - OUT 0xE9, AL sends the byte AL to the host console, at once, with no
 *     status to poll and no FIFO to overflow.
 *   - IN AL, 0xE9 returns 0xE9. That is Bochs's convention, and how a kernel
 *     finds out that the console is there: on a machine without it the port
 *     floats and reads 0xFF.
 *   - The device claims the single port 0xE9; a 16- or 32-bit OUT is split
 *     by the bus (bus.c) into bytes, so only the low byte reaches the console
 *     and the rest go to the unmapped ports above it.
 *
 * The exit device (QEMU's isa-debug-exit, with iobase=0xf4,iosize=4):
 *   - A write of v, of any size, ends the run. QEMU exits with host status
 *     (v << 1) | 1; lab86 reports v to the machine, which stops and leaves
 *     that arithmetic to the front end (ui/cli/run.c). The status is always
 *     odd, so a guest can never claim "success" (status 0) by accident; test
 *     kernels agree on a value that means "all passed" (0x10 -> 33).
 *   - Reads are not decoded: they return all ones, as from an empty port.
 *
 * Both write straight through: the core has no output buffer to flush.
 */
#include "devices/debugport.h"

#include <stdlib.h>

/* What IN from the console port returns (Bochs): its own port number. */
#define DEBUGCON_READBACK 0xe9

struct debugcon {
    const struct chardev *out; /* where the bytes go (may be NULL) */
};

struct debugexit {
    debugexit_fn *on_exit; /* the machine's stop request */
    void *opaque;          /* its argument */
};

/* IN from the console: the readback value, whatever the size asked for. */
static uint32_t debugcon_read(void *opaque, uint32_t offset, int size)
{
    (void)opaque;
    (void)offset;
    (void)size;
    return DEBUGCON_READBACK;
}

/* OUT to the console: one byte to the host. */
static void debugcon_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct debugcon *d = opaque;
    uint8_t byte = (uint8_t)value;
    (void)offset;
    (void)size;
    chardev_write(d->out, &byte, 1);
}

struct debugcon *debugcon_create(struct bus *b, uint16_t port, const struct chardev *out)
{
    struct debugcon *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->out = out;
    if (bus_map_io(b, port, 1, debugcon_read, debugcon_write, d) != 0) {
        free(d);
        return NULL;
    }
    return d;
}

void debugcon_destroy(struct debugcon *d)
{
    free(d);
}

/* OUT to the exit device: the value as written, a byte, word or dword. As in
 * QEMU, which of the four ports took the write does not matter. */
static void debugexit_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct debugexit *d = opaque;
    (void)offset;
    (void)size;
    d->on_exit(d->opaque, value);
}

struct debugexit *debugexit_create(struct bus *b, uint16_t port, debugexit_fn *on_exit,
                                   void *opaque)
{
    struct debugexit *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->on_exit = on_exit;
    d->opaque = opaque;
    if (bus_map_io(b, port, DEBUGEXIT_LEN, NULL, debugexit_write, d) != 0) {
        free(d);
        return NULL;
    }
    return d;
}

void debugexit_destroy(struct debugexit *d)
{
    free(d);
}
