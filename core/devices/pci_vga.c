/*
 * pci_vga.c - the PCI function of the Bochs/QEMU standard VGA ("stdvga"),
 * 1234:1111, class 030000h (display controller, VGA-compatible).
 *
 * The adapter itself is vga.c and vbe.c; this file is how PCI sees it. The
 * ID is not a real vendor's: 1234:1111 is what Bochs and QEMU gave their
 * VGA, and what the LGPL VGA BIOS, SeaBIOS and Linux's bochs-drm look for.
 *
 *   BAR0      16 MiB of prefetchable 32-bit memory: the VBE linear
 *             framebuffer, all of video memory (vbe.c). The firmware places
 *             it (SeaBIOS at 0xFD000000, the Bochs BIOS at 0xC0000000) and
 *             the VGA BIOS reads it back to tell programs where the
 *             framebuffer is.
 *   ROM BAR   the VGA BIOS image. SeaBIOS runs a video BIOS only from a PCI
 *             VGA's expansion ROM (FIRMWARE.md, 1c): it sizes the BAR, gives
 *             it an address, sets the enable bit, checks the 55AAh signature
 *             and the PCI data structure (which must name 1234:1111, as
 *             vgabios-stdvga.bin does), copies the image to 0xC0000, and
 *             turns the ROM off again. Reads of the BAR's space beyond the
 *             image return FFh, as an erased EPROM does.
 *   others    revision 0, no interrupt pin, no BAR2: QEMU's later revisions
 *             put the VBE registers in a memory BAR2, and bochs-drm uses the
 *             0x1CE ports when there is none.
 *
 * How the guest's BAR writes reach the machine. The framebuffer is the VGA
 * device's memory range; this file does not own it, so when BAR0 starts or
 * stops decoding somewhere it tells the board, which moves the range
 * (pci_vga_lfb_fn). The ROM window is this file's own range: it is mapped
 * at creation parked (BUS_NOWHERE) and moved where the ROM BAR decodes.
 * Either follows pci.c's decode rules (no decoding at 0 or during the sizing
 * protocol); BAR0 also needs the command register's memory bit, the ROM
 * only its own enable bit (the third divergence below).
 *
 * Three deliberate divergences from a real card:
 * - The legacy VGA resources (ports 0x3B0-0x3DF, the A0000-BFFFF window,
 *   the VBE ports 0x1CE-0x1D0) are decoded by vga.c from power-on,
 *   whatever the command register says, as in Bochs and QEMU. (PCI 2.2 has
 *   the command register's I/O and memory bits gate them too; the Bochs
 *   BIOS clears both for the length of its BAR set-up, while nothing draws
 *   on the screen.)
 * - The command register comes out of reset with I/O and memory decoding
 *   on (PCI 2.1 says 0). Nothing decodes through it before the firmware
 *   assigns the BARs (they are 0 at reset, which never decodes), and both
 *   BIOSes, and Linux, write the register before they rely on it.
 * - The ROM BAR decodes when its enable bit is set, whatever the command
 *   register's memory bit says. PCI 2.2, 6.2.5.2, gives the memory bit
 *   precedence: a ROM answers only when both are set (pci_rom_address()
 *   keeps that rule for every other function). But the Bochs BIOS
 *   (BIOS-bochs-latest, rombios32's pci_bios_init_device) clears the
 *   command register's I/O and memory bits, sizes and assigns the BARs,
 *   enables the ROM BAR at 0xC1000000, copies the VGA BIOS from it to
 *   0xC0000 (pci_bios_init_pcirom), disables the ROM BAR and only then sets
 *   the memory bit again. It was written for Bochs's VGA, which decodes its
 *   ROM whatever the command register says; this card does the same, so
 *   that under that BIOS the VGA BIOS is copied and run and the screen
 *   works. SeaBIOS and Linux set the memory bit before they enable the ROM,
 *   so for them nothing changes.
 */
#include "devices/pci_vga.h"

#include <stdlib.h>

#include "devices/vga.h"
#include "snapshot.h"

#define PCI_VGA_VENDOR  0x1234
#define PCI_VGA_DEVICE  0x1111
#define PCI_VGA_CLASS   0x030000    /* display, VGA-compatible */
#define PCI_VGA_LFB_BAR 0           /* BAR0: the linear framebuffer */
#define PCI_VGA_ROM_MAX (16u << 20) /* the largest ROM BAR (address bits 31:24) */
#define ROM_PAD         0xff        /* beyond the image: an erased EPROM */

struct pci_vga {
    struct pci_function fn;   /* 00:02.0 */
    struct bus *bus;          /* where the ROM window is mapped */
    const uint8_t *rom;       /* the VGA BIOS image (the caller's; NULL: none) */
    uint32_t rom_len;         /* bytes of it */
    uint32_t rom_size;        /* the ROM BAR's size: rom_len rounded up to a power of two */
    uint64_t rom_base;        /* where the ROM window decodes (PCI_UNMAPPED: nowhere) */
    uint64_t lfb_base;        /* where BAR0 was last reported to decode */
    struct pci_vga_host host; /* the board's callback */
};

/* --- the expansion ROM --- */

static uint32_t rom_read(void *opaque, uint32_t offset, int size)
{
    struct pci_vga *v = opaque;
    uint32_t value = 0;
    for (int k = 0; k < size; k++) {
        uint32_t at = offset + (uint32_t)k;
        uint32_t byte = at < v->rom_len ? v->rom[at] : ROM_PAD;
        value |= byte << (8 * k);
    }
    return value;
}

/* The smallest power of two >= len and >= PCI_ROM_MIN_SIZE; 0 if too big. */
static uint32_t rom_bar_size(size_t len)
{
    uint32_t size = PCI_ROM_MIN_SIZE;
    while (size < len && size < PCI_VGA_ROM_MAX)
        size <<= 1;
    return len <= size ? size : 0;
}

/* --- following the guest's BAR writes --- */

static void update_lfb(struct pci_vga *v)
{
    uint64_t now = pci_bar_address(&v->fn, PCI_VGA_LFB_BAR), old = v->lfb_base;
    if (now == old)
        return;
    v->lfb_base = now;
    if (v->host.lfb_moved)
        v->host.lfb_moved(v->host.opaque, old, now);
}

/* The ROM window follows the ROM BAR alone: the third divergence at the top
 * of the file. */
static void update_rom(struct pci_vga *v)
{
    uint64_t now = v->rom ? pci_rom_address_uncommanded(&v->fn) : PCI_UNMAPPED;
    if (now == v->rom_base)
        return;
    bus_move_mmio(v->bus, v->rom_base, v, now); /* mapped at creation: cannot fail */
    v->rom_base = now;
}

static void pci_vga_written(void *opaque, uint32_t reg, int size)
{
    struct pci_vga *v = opaque;
    if (pci_touched(reg, size, PCI_COMMAND, PCI_COMMAND + 1) ||
        pci_touched(reg, size, PCI_BAR0, PCI_BAR0 + 3))
        update_lfb(v);
    if (pci_touched(reg, size, PCI_COMMAND, PCI_COMMAND + 1) ||
        pci_touched(reg, size, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS + 3))
        update_rom(v);
}

/* --- reset, fields, lifecycle --- */

static const struct pci_ident pci_vga_ident = {
    .vendor = PCI_VGA_VENDOR,
    .device = PCI_VGA_DEVICE,
    .revision = 0x00,
    .class_code = PCI_VGA_CLASS,
    .header_type = 0x00,
    .int_pin = 0,
    .command_mask = PCI_COMMAND_IO | PCI_COMMAND_MEMORY,
};

/* BARs unassigned, decoding on (see the top of the file). */
static void pci_vga_reset(void *opaque)
{
    struct pci_vga *v = opaque;
    pci_function_init(&v->fn, &pci_vga_ident);
    pci_set(&v->fn, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, 2);
    pci_bar_init(&v->fn, PCI_VGA_LFB_BAR, VGA_VRAM_SIZE, PCI_BAR_MEM_PREFETCH);
    if (v->rom)
        pci_rom_init(&v->fn, v->rom_size);
    update_lfb(v);
    update_rom(v);
}

static const struct devfield pci_vga_fields[] = {
    PCI_CONFIG_FIELD(struct pci_vga, fn),
    DEVFIELD(struct pci_vga, lfb_base, DF_U64,
             "where BAR0 decodes the framebuffer (1 << 63: nowhere)"),
    DEVFIELD(struct pci_vga, rom_base, DF_U64,
             "where the ROM BAR decodes the VGA BIOS (1 << 63: nowhere)"),
    DEVFIELD(struct pci_vga, rom_size, DF_U32, "the ROM BAR's size in bytes (0: no ROM)"),
};

size_t pci_vga_devinfo(struct pci_vga *v, struct devinfo *out, size_t max)
{
    if (max < 1)
        return 0;
    out[0] = (struct devinfo){"pci_vga", pci_vga_fields,
                              sizeof pci_vga_fields / sizeof pci_vga_fields[0], v};
    return 1;
}

struct pci_vga *pci_vga_create(struct pci_bus *pci, struct bus *b, int dev, const uint8_t *rom,
                               size_t rom_len, const struct pci_vga_host *host)
{
    uint32_t rom_size = rom && rom_len ? rom_bar_size(rom_len) : 0;
    if (rom && rom_len && rom_size == 0)
        return NULL; /* beyond what a ROM BAR can hold */
    if (dev < 0 || dev >= PCI_DEVICES || pci_config_read(pci, dev, 0, PCI_VENDOR_ID, 2) != 0xffff)
        return NULL; /* out of range or taken: checked first, so registering cannot fail */
    struct pci_vga *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->fn = (struct pci_function){.written = pci_vga_written, .reset = pci_vga_reset, .opaque = v};
    v->bus = b;
    v->rom = rom_size ? rom : NULL;
    v->rom_len = (uint32_t)rom_len;
    v->rom_size = rom_size;
    v->rom_base = PCI_UNMAPPED;
    if (host)
        v->host = *host;
    v->lfb_base = host ? host->lfb_base : PCI_UNMAPPED;
    if (v->rom && bus_map_mmio(b, PCI_UNMAPPED, rom_size, rom_read, NULL, v) != 0) {
        free(v);
        return NULL;
    }
    pci_register(pci, dev, 0, &v->fn);
    pci_vga_reset(v);
    return v;
}

void pci_vga_destroy(struct pci_vga *v)
{
    free(v);
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep pci_vga_keep[] = {
    SNAP_KEEP(struct pci_vga, fn.written),
    SNAP_KEEP(struct pci_vga, fn.reset),
    SNAP_KEEP(struct pci_vga, fn.opaque),
    SNAP_KEEP(struct pci_vga, bus),
    SNAP_KEEP(struct pci_vga, rom),
    SNAP_KEEP(struct pci_vga, host),
};

void pci_vga_snap(struct pci_vga *v, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, v, pci_vga_keep);
}
