/*
 * port61.c - system control port B (0x61), the PC/AT's odd register that
 * gathers the timer's counter 2, the speaker, the refresh toggle and the
 * NMI sources in one byte.
 *
 * On the AT it was a few latches and buffers next to the 8254; on later
 * boards it lives in the ISA bridge. The bits below are those of the Intel
 * 82371AB PIIX4 datasheet, 4.1.13 "NMI Status and Control Register":
 *
 *   bit 0  (rw) TIM2 GATE: counter 2's GATE input
 *   bit 1  (rw) SPKR DATA ENABLE: OUT2 goes to the speaker when set
 *   bit 2  (rw) PCI SERR# enable (0 = enabled); stored only
 *   bit 3  (rw) IOCHK# enable (0 = enabled); stored only
 *   bit 4  (ro) REFRESH CYCLE TOGGLE: flips on every DRAM refresh request
 *   bit 5  (ro) TIM2 OUT: counter 2's OUT pin
 *   bit 6  (ro) IOCHK# NMI source status
 *   bit 7  (ro) SERR# NMI source status
 *
 * Programs use it in two ways that matter. A calibration loop (Linux's TSC
 * calibration, a BIOS delay) sets bit 0, programs counter 2 and polls bit 5
 * until the count runs out. And BIOS delay loops count flips of bit 4,
 * which on the AT came every 15.085 microseconds (counter 1 programmed to
 * 18, the refresh rate).
 *
 * What is emulated: bits 0-3 as storage, bit 0 driving GATE2; bit 5 read
 * from the timer; bit 4 as a pure function of virtual time, flipping every
 * 15085 ns of the CPU clock, so that a busy-wait on it ends after the right
 * time and every run reads the same sequence. Deliberately not emulated:
 * the speaker itself (bit 1 is stored, no sound is made), and NMIs: nothing
 * on this board raises SERR# or IOCHK#, so bits 6 and 7 read 0.
 */
#include "devices/port61.h"
#include "snapshot.h"

#include <stdbool.h>
#include <stdlib.h>

#define PORT61_TIM2_GATE  0x01  /* counter 2 GATE */
#define PORT61_SPKR_EN    0x02  /* speaker data enable (no speaker here) */
#define PORT61_SERR_EN    0x04  /* PCI SERR# NMI enable, active low */
#define PORT61_IOCHK_EN   0x08  /* IOCHK# NMI enable, active low */
#define PORT61_REFRESH    0x10  /* refresh cycle toggle */
#define PORT61_TIM2_OUT   0x20  /* counter 2 OUT */
#define PORT61_IOCHK_NMI  0x40  /* IOCHK# NMI source status */
#define PORT61_SERR_NMI   0x80  /* SERR# NMI source status */
#define PORT61_WRITABLE   0x0f  /* bits 0-3 */
#define PORT61_REFRESH_NS 15085 /* nanoseconds between refresh toggles */

struct port61 {
    uint8_t ctrl;        /* the writable bits 0-3 as last written */
    struct pit *pit;     /* counter 2: GATE from bit 0, OUT to bit 5 */
    struct clock *clock; /* virtual time, for the refresh toggle */
};

static uint8_t port61_value(struct port61 *s)
{
    uint64_t ns = clock_cycles_to_ns(s->clock, clock_now(s->clock));
    uint8_t v = s->ctrl;
    if ((ns / PORT61_REFRESH_NS) & 1)
        v |= PORT61_REFRESH;
    if (pit_out(s->pit, 2))
        v |= PORT61_TIM2_OUT;
    return v; /* PORT61_IOCHK_NMI and PORT61_SERR_NMI: no NMI source, 0 */
}

static void port61_write(struct port61 *s, uint8_t v)
{
    s->ctrl = v & PORT61_WRITABLE;
    pit_set_gate(s->pit, 2, (v & PORT61_TIM2_GATE) != 0);
}

/* A one-port device: a wider access touches our byte and its neighbours,
 * which the bus splits off (bus_in), so size is always 1 here. */
static uint32_t port61_io_read(void *opaque, uint32_t offset, int size)
{
    (void)offset;
    (void)size;
    return port61_value(opaque);
}

static void port61_io_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    (void)offset;
    (void)size;
    port61_write(opaque, (uint8_t)value);
}

static const struct devfield port61_fields[] = {
    DEVFIELD(struct port61, ctrl, DF_U8, "bits 0-3: GATE2, speaker, SERR# and IOCHK# enables"),
};

size_t port61_devinfo(struct port61 *s, struct devinfo *out, size_t max)
{
    if (max == 0)
        return 0;
    out[0] = (struct devinfo){"port61", port61_fields, 1, s};
    return 1;
}

struct port61 *port61_create(struct bus *b, uint16_t port, struct pit *pit, struct clock *k)
{
    struct port61 *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->pit = pit;
    s->clock = k;
    if (bus_map_io(b, port, 1, port61_io_read, port61_io_write, s) != 0) {
        free(s);
        return NULL;
    }
    port61_reset(s);
    return s;
}

void port61_destroy(struct port61 *s)
{
    free(s);
}

void port61_reset(struct port61 *s)
{
    port61_write(s, 0);
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep port61_keep[] = {
    SNAP_KEEP(struct port61, pit),
    SNAP_KEEP(struct port61, clock),
};

void port61_snap(struct port61 *s, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, s, port61_keep);
}
