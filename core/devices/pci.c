/*
 * pci.c - the PCI bus as the processor reaches it: configuration mechanism
 * #1 and the configuration spaces of the functions on bus 0 (PCI Local Bus
 * Specification, revision 2.1: 3.7.4 for the mechanism, 6 for the space).
 *
 * Every PCI function has 256 bytes of configuration space, separate from
 * memory and I/O. The first 64 bytes are a standard header (figure 6-1):
 *
 *   0x00  vendor ID, device ID      who made it and what it is
 *   0x04  command, status           what it may do on the bus (decode its
 *                                   I/O or memory, master the bus), errors
 *   0x08  revision, class code      what kind of device (0x030000: VGA)
 *   0x0C  cache line, latency timer, header type (bit 7: functions 1-7
 *         exist), BIST
 *   0x10  base address registers    BAR0-BAR5: where its I/O ports and
 *                                   memory appear; the firmware assigns them
 *   0x30  expansion ROM BAR         where its option ROM appears, bit 0 on
 *   0x3C  interrupt line, pin       the IRQ the firmware routed it to; which
 *                                   INTx# pin it uses (read only)
 *
 * and the rest belongs to the chip (the i440FX's PAM registers, the PIIX3's
 * PIRQ routing). A function is named by its bus, device (0-31) and function
 * (0-7) number, written 00:02.0.
 *
 * Configuration mechanism #1 (3.7.4.1) is how x86 software reaches those
 * bytes: two 32-bit I/O locations in the host bridge.
 *
 *   CONFIG_ADDRESS, 0xCF8 (dword accesses only)
 *     bit 31      enable: CONFIG_DATA accesses become configuration cycles
 *     bits 30:24  reserved, read 0
 *     bits 23:16  bus number
 *     bits 15:11  device number
 *     bits 10:8   function number
 *     bits 7:2    register number (the dword)
 *     bits 1:0    read 0
 *   CONFIG_DATA, 0xCFC-0xCFF
 *     an access of 1, 2 or 4 bytes at 0xCFC + k reaches the register dword
 *     at byte k: a byte read of 0xCFE is the byte at register + 2.
 *
 * Only a full dword at 0xCF8 is CONFIG_ADDRESS; a byte or word there is an
 * ordinary I/O cycle (the spec's words), which nothing here answers: reads
 * float high, writes vanish. The byte at 0xCF9 is the reset control
 * register (sysctl.c), which is found first because it is registered first.
 *
 * A configuration read of a function that is not there ends in a master
 * abort and reads all ones (vendor ID 0xFFFF): that is how the BIOS and the
 * OS enumerate a bus, and a guest that reads 0xFFFFFFFF at 00:00.0 decides
 * there is no PCI at all (FIRMWARE.md). This machine has bus 0 only: any
 * other bus number is a master abort too.
 *
 * Each function's registers live in one array, with a second array saying
 * which bits a write may change. A write changes only those: read-only
 * registers ignore writes, and BAR sizing falls out of the masks. A BAR of
 * size s has its address bits below s read-only zero, so after the firmware
 * writes all ones it reads back ~(s - 1) plus the flag bits (6.2.5.1). After
 * every write the chip's hook runs and reacts (moves a BAR, reports a PAM
 * change to the board).
 *
 * A BAR decodes (pci_bar_address) when its space is enabled in the command
 * register (and the enable bit, for the ROM BAR) and it holds a usable
 * address. Two values are not usable: 0, the value of a BAR no one has
 * assigned, and any address range that reaches 4 GiB - 1. The all-ones
 * sizing pattern is one of those, so a BAR is not decoded between the
 * firmware's sizing write and its restore (QEMU's rule, as in pci_bar_address
 * there). The top of the 4 GiB space also holds the BIOS flash. An I/O BAR
 * must also fit in the 64 KiB port space.
 *
 * Not emulated: mechanism #2 (superseded in 2.1), PCI-to-PCI bridges and
 * type 1 configuration cycles, the status register's error bits (no parity
 * or abort is ever signalled; they read 0), BIST, capability lists, and
 * INTx# delivery (no function here raises an interrupt yet: the PIIX3's
 * routing registers are reported to the board, piix3.c).
 */
#include "devices/pci.h"
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

/* CONFIG_ADDRESS fields. */
#define CA_ENABLE      0x80000000u /* bit 31 */
#define CA_STORED      0x80fffffcu /* enable, bus, device, function, register */
#define CA_BUS(a)      (((a) >> 16) & 0xff)
#define CA_DEVFN(a)    (((a) >> 8) & 0xff) /* device << 3 | function */
#define CA_REGISTER(a) ((a)&0xfc)

#define FLOATING 0xffffffffu /* a master abort, an undriven bus */

#define IO_SPACE_END 0xffffu     /* last port */
#define MEM_32_END   0xffffffffu /* last 32-bit address */

struct pci_bus {
    uint32_t config_address;                              /* CONFIG_ADDRESS (CA_STORED bits) */
    struct pci_function *fn[PCI_DEVICES * PCI_FUNCTIONS]; /* by devfn; NULL: absent */
};

/* --- configuration transactions --- */

static struct pci_function *lookup(struct pci_bus *p, unsigned bus, unsigned devfn)
{
    return bus == 0 && devfn < PCI_DEVICES * PCI_FUNCTIONS ? p->fn[devfn] : NULL;
}

static bool inside(uint32_t reg, int size)
{
    return (size == 1 || size == 2 || size == 4) && reg <= PCI_CONFIG_SIZE - (uint32_t)size;
}

static uint32_t config_read(struct pci_function *f, uint32_t reg, int size)
{
    if (!f || !inside(reg, size))
        return FLOATING >> (32 - 8 * size);
    return pci_get(f, reg, size);
}

/* Each byte changes only where its write mask allows; then the chip sees
 * the whole access at once (a dword at 0x58 covers PAM0-PAM2 together). */
static void config_write(struct pci_function *f, uint32_t reg, uint32_t value, int size)
{
    if (!f || !inside(reg, size))
        return;
    for (int k = 0; k < size; k++) {
        uint8_t m = f->wmask[reg + (uint32_t)k], v = (uint8_t)(value >> (8 * k));
        f->config[reg + (uint32_t)k] = (uint8_t)((f->config[reg + (uint32_t)k] & ~m) | (v & m));
    }
    if (f->written)
        f->written(f->opaque, reg, size);
}

static bool devfn_valid(int dev, int fn)
{
    return dev >= 0 && dev < PCI_DEVICES && fn >= 0 && fn < PCI_FUNCTIONS;
}

uint32_t pci_config_read(struct pci_bus *p, int dev, int fn, uint32_t reg, int size)
{
    struct pci_function *f = devfn_valid(dev, fn) ? lookup(p, 0, (unsigned)(dev << 3 | fn)) : NULL;
    return config_read(f, reg, size);
}

void pci_config_write(struct pci_bus *p, int dev, int fn, uint32_t reg, uint32_t value, int size)
{
    if (devfn_valid(dev, fn))
        config_write(lookup(p, 0, (unsigned)(dev << 3 | fn)), reg, value, size);
}

/* --- the ports --- */

/* Only a dword is CONFIG_ADDRESS (offset 0 is the only place one fits). */
static uint32_t address_read(void *opaque, uint32_t offset, int size)
{
    struct pci_bus *p = opaque;
    (void)offset;
    return size == 4 ? p->config_address : FLOATING;
}

static void address_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct pci_bus *p = opaque;
    (void)offset;
    if (size == 4)
        p->config_address = value & CA_STORED;
}

/* The function CONFIG_DATA reaches now, or NULL (disabled, or absent). */
static struct pci_function *addressed(struct pci_bus *p)
{
    uint32_t a = p->config_address;
    return (a & CA_ENABLE) ? lookup(p, CA_BUS(a), CA_DEVFN(a)) : NULL;
}

/* The bus never hands us an access that runs past 0xCFF, so register +
 * offset + size stays inside the 256 bytes. */
static uint32_t data_read(void *opaque, uint32_t offset, int size)
{
    struct pci_bus *p = opaque;
    return config_read(addressed(p), CA_REGISTER(p->config_address) + offset, size);
}

static void data_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct pci_bus *p = opaque;
    config_write(addressed(p), CA_REGISTER(p->config_address) + offset, value, size);
}

/* --- the chips' helpers --- */

void pci_function_init(struct pci_function *f, const struct pci_ident *id)
{
    memset(f->config, 0, sizeof f->config);
    memset(f->wmask, 0, sizeof f->wmask);
    pci_set(f, PCI_VENDOR_ID, id->vendor, 2);
    pci_set(f, PCI_DEVICE_ID, id->device, 2);
    pci_set(f, PCI_REVISION_ID, id->revision, 1);
    pci_set(f, PCI_CLASS_PROG, id->class_code, 1);
    pci_set(f, PCI_CLASS_DEVICE, id->class_code >> 8, 2);
    pci_set(f, PCI_HEADER_TYPE, id->header_type, 1);
    pci_set(f, PCI_INTERRUPT_PIN, id->int_pin, 1);
    pci_set_wmask(f, PCI_COMMAND, id->command_mask, 2);
    /* Writable on every function, as in Bochs and QEMU: the firmware writes
     * it only where the pin is not 0, and the OS only reads it. */
    pci_set_wmask(f, PCI_INTERRUPT_LINE, 0xff, 1);
}

static uint32_t bar_reg(int n)
{
    return PCI_BAR0 + 4 * (uint32_t)n;
}

void pci_bar_init(struct pci_function *f, int n, uint32_t size, uint32_t flags)
{
    if (n < 0 || n >= PCI_NUM_BARS)
        return;
    uint32_t low = (flags & PCI_BAR_IO) ? 0x3 : 0xf; /* the read-only flag bits */
    pci_set(f, bar_reg(n), flags & low, 4);
    pci_set_wmask(f, bar_reg(n), ~(size - 1) & ~low, 4);
}

void pci_rom_init(struct pci_function *f, uint32_t size)
{
    pci_set(f, PCI_ROM_ADDRESS, 0, 4);
    pci_set_wmask(f, PCI_ROM_ADDRESS, ~(size - 1) | PCI_ROM_ENABLE, 4);
}

/* The base of a BAR whose writable address bits are addr_mask, if the
 * address is usable (see the top of the file); limit is the last address
 * of its space. The size is the lowest writable address bit. */
static uint64_t decoded(uint32_t bar, uint32_t addr_mask, uint64_t limit)
{
    if (addr_mask == 0)
        return PCI_UNMAPPED; /* not a BAR */
    uint64_t base = bar & addr_mask, size = addr_mask & -addr_mask;
    if (base == 0 || base + size - 1 >= limit)
        return PCI_UNMAPPED;
    return base;
}

uint64_t pci_bar_address(const struct pci_function *f, int n)
{
    if (n < 0 || n >= PCI_NUM_BARS)
        return PCI_UNMAPPED;
    uint32_t bar = pci_get(f, bar_reg(n), 4), mask = ld_le(&f->wmask[bar_reg(n)], 4);
    uint16_t cmd = (uint16_t)pci_get(f, PCI_COMMAND, 2);
    if (bar & PCI_BAR_IO)
        return (cmd & PCI_COMMAND_IO) ? decoded(bar, mask, IO_SPACE_END + 1) : PCI_UNMAPPED;
    return (cmd & PCI_COMMAND_MEMORY) ? decoded(bar, mask, MEM_32_END) : PCI_UNMAPPED;
}

uint64_t pci_rom_address_uncommanded(const struct pci_function *f)
{
    uint32_t bar = pci_get(f, PCI_ROM_ADDRESS, 4);
    uint32_t mask = ld_le(&f->wmask[PCI_ROM_ADDRESS], 4) & ~(uint32_t)PCI_ROM_ENABLE;
    if (!(bar & PCI_ROM_ENABLE))
        return PCI_UNMAPPED;
    return decoded(bar, mask, MEM_32_END);
}

/* PCI 2.2, 6.2.5.2: the memory bit takes precedence over the ROM's enable
 * bit; the ROM answers only when both are set. */
uint64_t pci_rom_address(const struct pci_function *f)
{
    uint16_t cmd = (uint16_t)pci_get(f, PCI_COMMAND, 2);
    if (!(cmd & PCI_COMMAND_MEMORY))
        return PCI_UNMAPPED;
    return pci_rom_address_uncommanded(f);
}

/* --- the field table, lifecycle --- */

static const struct devfield pci_fields[] = {
    DEVFIELD(struct pci_bus, config_address, DF_U32,
             "CONFIG_ADDRESS (0xCF8): enable 31, bus 23:16, device 15:11, function 10:8, "
             "register 7:2"),
};

size_t pci_devinfo(struct pci_bus *p, struct devinfo *out, size_t max)
{
    if (max < 1)
        return 0;
    out[0] = (struct devinfo){"pci", pci_fields, sizeof pci_fields / sizeof pci_fields[0], p};
    return 1;
}

struct pci_bus *pci_create(struct bus *b)
{
    if (b->n_io > BUS_MAX_IO - 2) /* both ranges or neither */
        return NULL;
    struct pci_bus *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    bus_map_io(b, PCI_PORT_ADDRESS, 4, address_read, address_write, p);
    bus_map_io(b, PCI_PORT_DATA, 4, data_read, data_write, p);
    return p;
}

void pci_destroy(struct pci_bus *p)
{
    free(p);
}

int pci_register(struct pci_bus *p, int dev, int fn, struct pci_function *f)
{
    if (!devfn_valid(dev, fn) || !f || p->fn[dev << 3 | fn])
        return -1;
    p->fn[dev << 3 | fn] = f;
    return 0;
}

void pci_reset(struct pci_bus *p)
{
    p->config_address = 0;
    for (size_t k = 0; k < PCI_DEVICES * PCI_FUNCTIONS; k++)
        if (p->fn[k] && p->fn[k]->reset)
            p->fn[k]->reset(p->fn[k]->opaque);
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep pci_keep[] = {
    SNAP_KEEP(struct pci_bus, fn),
};

void pci_snap(struct pci_bus *p, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, p, pci_keep);
}
