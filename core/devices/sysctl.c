/*
 * sysctl.c - the small system ports of a PC: each a register or two that a
 * chipset or an emulator adds beside the classic AT devices. None is worth a
 * file of its own; together they are how a guest resets, powers off, opens
 * the A20 gate quickly, and how a BIOS tells the emulator what it is doing.
 *
 * Port 0x92, System Control Port A (IBM PS/2 Technical Reference, "System
 * Control Port A"; the same port on Intel's PIIX chipsets, "Port 92").
 *   The AT routed the A20 address line and the CPU reset through the 8042
 *   keyboard controller, which takes milliseconds to obey. The PS/2 added
 *   this port to do both at once:
 *     bit 0  ALT_RESET: writing it from 0 to 1 resets the processor (not the
 *            board: memory and devices keep their state). It reads back as
 *            written, so software clears it before the next reset.
 *     bit 1  ALT_A20: 1 lets address line 20 through ("fast A20"); the
 *            machine ORs it with the 8042's A20 output.
 *     bit 3  LOCK: the CMOS password lock; once set it stays set until reset.
 *     bit 4  watchdog timeout status: read-only, always 0 here.
 *     bits 6-7  the fixed-disk activity light: stored only.
 *
 * Port 0xCF9, the reset control register (Intel 82371AB PIIX4 data sheet,
 * "RC - Reset Control Register"; QEMU, Bochs and real chipsets have it;
 * SeaBIOS and Linux use it to reboot).
 *     bit 1  SRST: the kind of reset bit 2 asks for: 1 hard (the whole board
 *            through PCIRST#), 0 soft (the processor's INIT).
 *     bit 2  RCPU: a write with it set (a 0-to-1 transition: it always reads
 *            back 0) performs the reset SRST selects.
 *   The port sits inside PCI configuration mechanism 1's 0xCF8-0xCFF; only a
 *   byte access at 0xCF9 reaches this register.
 *
 * Port 0x8900, the shutdown port (Bochs; QEMU's isapc has it too).
 *   The Bochs BIOS's APM code powers the machine off by writing the ASCII
 *   string "Shutdown" to it a byte at a time (FIRMWARE.md, 1a); its other
 *   requests, "Suspend" and "Standby", are ignored. Any byte that does not
 *   continue the string starts the match over, so stray writes never power
 *   the machine off. Reads are not decoded (0xFF).
 *
 * Ports 0x400-0x403, the Bochs BIOS's log (rombios.h, PANIC_PORT etc.).
 *     0x400, 0x401  panic: the BIOS writes the source line of a fatal error
 *                   (a word) and then halts; logged as a line of text.
 *     0x402  info: BX_INFO, the BIOS's log text, a byte at a time. A read
 *            returns 0xE9: SeaBIOS writes its log here only when it reads
 *            that back (as from QEMU's debug console).
 *     0x403  debug: BX_DEBUG text, a byte at a time.
 *   All of it goes to one log chardev. Port 0x80, the POST code, is not
 *   here: it is one of the DMA page register block's spare bytes (dma.c).
 */
#include "devices/sysctl.h"
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>

/* Port 0x92 bits. */
#define PORTA_ALT_RESET 0x01 /* 0 -> 1: reset the processor */
#define PORTA_ALT_A20   0x02 /* A20 gate enabled */
#define PORTA_LOCK      0x08 /* CMOS password lock (sticky until reset) */
#define PORTA_WDT       0x10 /* watchdog timeout status (read only, 0) */
#define PORTA_LED       0xc0 /* fixed disk activity light */
#define PORTA_STORED    (PORTA_ALT_RESET | PORTA_ALT_A20 | PORTA_LOCK | PORTA_LED)

/* 0xCF9 bits. */
#define RC_SRST 0x02 /* system reset: 1 hard, 0 soft */
#define RC_RCPU 0x04 /* reset CPU: a write with it set resets */

/* Firmware log ports, offsets from SYSCTL_PORT_FWLOG. */
#define FWLOG_PANIC  0 /* PANIC_PORT */
#define FWLOG_PANIC2 1 /* PANIC_PORT2 */
#define FWLOG_INFO   2 /* INFO_PORT */
#define FWLOG_DEBUG  3 /* DEBUG_PORT */

#define FWLOG_READBACK 0xe9 /* what a read of INFO_PORT returns */

static const char shutdown_string[] = "Shutdown";

struct sysctl {
    uint8_t port_a;          /* port 0x92 as stored (PORTA_STORED bits) */
    uint8_t reset_control;   /* 0xCF9: SRST (RCPU is never stored) */
    uint8_t shutdown_pos;    /* bytes of "Shutdown" matched so far at 0x8900 */
    struct sysctl_host host; /* callbacks and the log */
};

/* --- port 0x92 --- */

static uint32_t port_a_read(void *opaque, uint32_t offset, int size)
{
    struct sysctl *s = opaque;
    (void)offset;
    (void)size;
    return s->port_a;
}

static void port_a_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct sysctl *s = opaque;
    uint8_t old = s->port_a;
    (void)offset;
    (void)size;
    s->port_a = (uint8_t)((value & PORTA_STORED) | (old & PORTA_LOCK));
    if (((old ^ s->port_a) & PORTA_ALT_A20) && s->host.set_a20)
        s->host.set_a20(s->host.opaque, (s->port_a & PORTA_ALT_A20) != 0);
    if ((s->port_a & ~old & PORTA_ALT_RESET) && s->host.reset)
        s->host.reset(s->host.opaque, false);
}

/* --- port 0xCF9 --- */

static uint32_t rc_read(void *opaque, uint32_t offset, int size)
{
    struct sysctl *s = opaque;
    (void)offset;
    (void)size;
    return s->reset_control;
}

static void rc_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct sysctl *s = opaque;
    (void)offset;
    (void)size;
    s->reset_control = value & RC_SRST;
    if ((value & RC_RCPU) && s->host.reset)
        s->host.reset(s->host.opaque, (value & RC_SRST) != 0);
}

/* --- port 0x8900 --- */

static void shutdown_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct sysctl *s = opaque;
    char c = (char)value;
    (void)offset;
    (void)size;
    if (c == shutdown_string[s->shutdown_pos])
        s->shutdown_pos++;
    else
        s->shutdown_pos = c == shutdown_string[0]; /* "SShutdown" still counts */
    if (shutdown_string[s->shutdown_pos] == '\0') {
        s->shutdown_pos = 0;
        if (s->host.shutdown)
            s->host.shutdown(s->host.opaque);
    }
}

/* --- ports 0x400-0x403 --- */

static uint32_t fwlog_read(void *opaque, uint32_t offset, int size)
{
    uint32_t v = 0;
    (void)opaque;
    for (int k = 0; k < size; k++) {
        uint32_t byte = offset + (uint32_t)k == FWLOG_INFO ? FWLOG_READBACK : 0xff;
        v |= byte << (8 * k);
    }
    return v;
}

/* A panic write carries the BIOS source line (HALT macro: OUT DX, AX). */
static void log_panic(struct sysctl *s, uint32_t line)
{
    char text[64];
    int n = snprintf(text, sizeof text, "BIOS panic at rombios.c, line %u\n", (unsigned)line);
    chardev_write(s->host.fwlog, (const uint8_t *)text, (size_t)n);
}

static void fwlog_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct sysctl *s = opaque;
    if (offset == FWLOG_PANIC || offset == FWLOG_PANIC2) {
        log_panic(s, value);
        return;
    }
    for (int k = 0; k < size; k++) { /* INFO and DEBUG alike, lowest port first */
        uint8_t byte = (uint8_t)(value >> (8 * k));
        chardev_write(s->host.fwlog, &byte, 1);
    }
}

/* --- field table, lifecycle --- */

static const struct devfield sysctl_fields[] = {
    DEVFIELD(struct sysctl, port_a, DF_U8, "port 0x92: LED, lock, A20 (bit 1), reset (bit 0)"),
    DEVFIELD(struct sysctl, reset_control, DF_U8, "port 0xCF9: SRST (bit 1)"),
    DEVFIELD(struct sysctl, shutdown_pos, DF_U8, "bytes of \"Shutdown\" seen at 0x8900"),
};

size_t sysctl_devinfo(struct sysctl *s, struct devinfo *out, size_t max)
{
    if (max < 1)
        return 0;
    out[0] = (struct devinfo){"sysctl", sysctl_fields,
                              sizeof sysctl_fields / sizeof sysctl_fields[0], s};
    return 1;
}

struct sysctl *sysctl_create(struct bus *b, const struct sysctl_host *host)
{
    if (b->n_io > BUS_MAX_IO - 4) /* all four ranges or none */
        return NULL;
    struct sysctl *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (host)
        s->host = *host;
    bus_map_io(b, SYSCTL_PORT_A, 1, port_a_read, port_a_write, s);
    bus_map_io(b, SYSCTL_PORT_RC, 1, rc_read, rc_write, s);
    bus_map_io(b, SYSCTL_PORT_SHUTDOWN, 1, NULL, shutdown_write, s);
    bus_map_io(b, SYSCTL_PORT_FWLOG, SYSCTL_NPORTS_FWLOG, fwlog_read, fwlog_write, s);
    return s;
}

void sysctl_destroy(struct sysctl *s)
{
    free(s);
}

void sysctl_reset(struct sysctl *s)
{
    bool a20 = (s->port_a & PORTA_ALT_A20) != 0;
    s->port_a = 0;
    s->reset_control = 0;
    s->shutdown_pos = 0;
    if (a20 && s->host.set_a20)
        s->host.set_a20(s->host.opaque, false);
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep sysctl_keep[] = {
    SNAP_KEEP(struct sysctl, host),
};

void sysctl_snap(struct sysctl *s, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, s, sysctl_keep);
}
