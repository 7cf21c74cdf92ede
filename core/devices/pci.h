/*
 * pci.h - the PCI bus: configuration mechanism #1 at 0xCF8/0xCFC and the
 * configuration spaces of the functions on bus 0 (see pci.c).
 *
 * Two audiences. The board creates the bus (pci_create) and the chips that
 * sit on it (i440fx.h, piix3.h, pci_vga.h), and resets them all with
 * pci_reset. A chip embeds a struct pci_function, fills it in with the
 * helpers below, and registers it at its device and function number; the bus
 * then serves the guest's configuration reads and writes from it.
 */
#ifndef LAB86_PCI_H
#define LAB86_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "devfield.h"

/* Configuration mechanism #1 (PCI 2.1, 3.7.4.1). */
#define PCI_PORT_ADDRESS 0xcf8 /* CONFIG_ADDRESS, 0xCF8-0xCFB, dword accesses only */
#define PCI_PORT_DATA    0xcfc /* CONFIG_DATA, 0xCFC-0xCFF */
#define PCI_DEVICES      32    /* device numbers on a bus */
#define PCI_FUNCTIONS    8     /* function numbers in a device */
#define PCI_CONFIG_SIZE  256   /* bytes of configuration space a function */

/* The type 00h header (PCI 2.1, 6.1, figure 6-1): register offsets. */
#define PCI_VENDOR_ID      0x00 /* 16 bits, read only; 0xFFFF never a real vendor */
#define PCI_DEVICE_ID      0x02 /* 16 bits, read only */
#define PCI_COMMAND        0x04 /* 16 bits: what the function may do on the bus */
#define PCI_STATUS         0x06 /* 16 bits: capabilities and error flags */
#define PCI_REVISION_ID    0x08 /* 8 bits, read only */
#define PCI_CLASS_PROG     0x09 /* programming interface, read only (IDE: the mode bits) */
#define PCI_CLASS_DEVICE   0x0a /* sub-class, then base class at 0x0B, read only */
#define PCI_CACHE_LINE     0x0c /* cache line size in dwords */
#define PCI_LATENCY_TIMER  0x0d /* bus master's latency timer */
#define PCI_HEADER_TYPE    0x0e /* layout (00h) and bit 7 multi-function */
#define PCI_BIST           0x0f /* built-in self test (0: none) */
#define PCI_BAR0           0x10 /* base address registers 0-5, 0x10-0x27 */
#define PCI_SUBSYS_VENDOR  0x2c /* subsystem vendor ID */
#define PCI_SUBSYS_ID      0x2e /* subsystem ID */
#define PCI_ROM_ADDRESS    0x30 /* expansion ROM base address */
#define PCI_INTERRUPT_LINE 0x3c /* which system IRQ the firmware routed INTx# to */
#define PCI_INTERRUPT_PIN  0x3d /* 0 none, 1-4 INTA#-INTD#; read only */
#define PCI_HEADER_END     0x40 /* first byte of the device-specific registers */
#define PCI_NUM_BARS       6

/* PCI_COMMAND bits (PCI 2.1, 6.2.2). */
#define PCI_COMMAND_IO      0x0001 /* respond to its I/O BARs */
#define PCI_COMMAND_MEMORY  0x0002 /* respond to its memory BARs and ROM */
#define PCI_COMMAND_MASTER  0x0004 /* may master the bus (DMA) */
#define PCI_COMMAND_SPECIAL 0x0008 /* monitor special cycles */
#define PCI_COMMAND_PARITY  0x0040 /* report parity errors */
#define PCI_COMMAND_SERR    0x0100 /* drive SERR# */

/* PCI_STATUS bits. The error flags (bits 15-11, 8) are never set here. */
#define PCI_STATUS_FAST_BACK     0x0080 /* fast back-to-back capable */
#define PCI_STATUS_DEVSEL_MEDIUM 0x0200 /* DEVSEL# timing: medium */

#define PCI_HEADER_MULTI 0x80 /* PCI_HEADER_TYPE: the device has functions 1-7 */

/* The low bits of a BAR (PCI 2.1, 6.2.5.1), read only. */
#define PCI_BAR_IO           0x1   /* bit 0: an I/O BAR (else memory) */
#define PCI_BAR_MEM_PREFETCH 0x8   /* bit 3: prefetchable memory; bits 2:1 00 = 32-bit */
#define PCI_ROM_ENABLE       0x1   /* expansion ROM BAR bit 0: decode the ROM */
#define PCI_ROM_MIN_SIZE     0x800 /* bits 10:1 are reserved: at least 2 KiB */

/* A BAR that decodes nowhere: memory decoding off, or no usable address. It
 * is the bus's parking place, so a board can move a range there directly. */
#define PCI_UNMAPPED BUS_NOWHERE

struct pci_bus;

/* A guest wrote size bytes at register reg (already stored, through the
 * write mask): the chip reacts (a PAM change, a BAR move). */
typedef void pci_written_fn(void *opaque, uint32_t reg, int size);

/* PCIRST#: the chip puts its registers back to their power-on values. */
typedef void pci_reset_fn(void *opaque);

/* One function's configuration space, as the bus sees it. A chip embeds
 * this in its private state; only the chip and pci.c touch it. */
struct pci_function {
    uint8_t config[PCI_CONFIG_SIZE]; /* the registers, as reads return them */
    uint8_t wmask[PCI_CONFIG_SIZE];  /* bits a guest write may change; 0: read only */
    pci_written_fn *written;         /* after each guest write (NULL: store only) */
    pci_reset_fn *reset;             /* pci_reset's callback (NULL: registers stay) */
    void *opaque;                    /* the chip, for both */
};

/* What identifies a function: the read-only part of its header. */
struct pci_ident {
    uint16_t vendor, device; /* PCI_VENDOR_ID, PCI_DEVICE_ID */
    uint8_t revision;        /* PCI_REVISION_ID */
    uint32_t class_code;     /* base class << 16 | sub-class << 8 | programming interface */
    uint8_t header_type;     /* 0x00, | PCI_HEADER_MULTI on function 0 of a multi-function chip */
    uint8_t int_pin;         /* PCI_INTERRUPT_PIN: 0 none, 1-4 INTA#-INTD# */
    uint16_t command_mask;   /* which PCI_COMMAND bits the guest may change */
};

/* --- the board's side --- */

/* Claim CONFIG_ADDRESS (0xCF8-0xCFB) and CONFIG_DATA (0xCFC-0xCFF) on b.
 * Create it after the reset control register at 0xCF9 (sysctl.c): a byte
 * access there must reach that device, and the bus finds the range
 * registered first. No function is present yet. Returns NULL when out of
 * memory or when the port table is full. */
struct pci_bus *pci_create(struct bus *b);
void pci_destroy(struct pci_bus *p);

/* PCIRST#: CONFIG_ADDRESS to 0 and every function's registers to their
 * power-on values (each chip reports what that changes through its own
 * callbacks). */
void pci_reset(struct pci_bus *p);

/* Put f at device dev (0-31), function fn (0-7) of bus 0. Returns 0, or -1
 * when the number is out of range or taken. */
int pci_register(struct pci_bus *p, int dev, int fn, struct pci_function *f);

/* A configuration transaction on bus 0, as CONFIG_DATA makes one: size 1, 2
 * or 4 bytes at reg (the access must stay inside the 256 bytes). An absent
 * function reads all ones and ignores writes. For the board (firmware-less
 * boots that must configure what a BIOS would) and the debugger. */
uint32_t pci_config_read(struct pci_bus *p, int dev, int fn, uint32_t reg, int size);
void pci_config_write(struct pci_bus *p, int dev, int fn, uint32_t reg, uint32_t value, int size);

/* Describe the mechanism as "pci" (CONFIG_ADDRESS) in out[0..max). Returns
 * how many entries were written (1 when max >= 1). The functions describe
 * themselves (i440fx_devinfo, ...). */
size_t pci_devinfo(struct pci_bus *p, struct devinfo *out, size_t max);

struct snap_region;
/* Its state for a snapshot, as the section called name (snapshot.h). */
void pci_snap(struct pci_bus *p, const char *name, struct snap_region *out);

/* --- the chips' side --- */

/* Start f over: configuration space zero and read only, then the identity
 * in id, the writable command bits, and a writable interrupt line. The chip
 * then adds its BARs and registers. The hooks and opaque are kept. */
void pci_function_init(struct pci_function *f, const struct pci_ident *id);

/* Make BAR n (0-5) decode size bytes (a power of two: at least 16 for
 * memory, 4 for I/O) with the read-only flags in its low bits (PCI_BAR_IO,
 * or memory flags such as PCI_BAR_MEM_PREFETCH). The address bits above the
 * size are writable and the rest read as zero, so writing all ones reads
 * back ~(size - 1) | flags: the sizing protocol of PCI 2.1, 6.2.5.1. */
void pci_bar_init(struct pci_function *f, int n, uint32_t size, uint32_t flags);

/* The same for the expansion ROM BAR: size a power of two >= 2 KiB; the
 * enable bit is writable. */
void pci_rom_init(struct pci_function *f, uint32_t size);

/* Where BAR n (or the ROM BAR) decodes now: its base when the command
 * register enables that space (and, for the ROM, its enable bit is set) and
 * the BAR holds a usable address; PCI_UNMAPPED otherwise (pci.c says which
 * addresses are usable). */
uint64_t pci_bar_address(const struct pci_function *f, int n);
uint64_t pci_rom_address(const struct pci_function *f);
/* Where the ROM BAR decodes by its own enable bit and address alone, the
 * command register's memory bit left out: for a device that decodes its
 * ROM that way (pci_vga.c says which and why). */
uint64_t pci_rom_address_uncommanded(const struct pci_function *f);

/* Read or set size bytes of f's registers (little-endian), for the chip. */
static inline uint32_t pci_get(const struct pci_function *f, uint32_t reg, int size)
{
    return ld_le(&f->config[reg], size);
}

static inline void pci_set(struct pci_function *f, uint32_t reg, uint32_t value, int size)
{
    st_le(&f->config[reg], value, size);
}

static inline void pci_set_wmask(struct pci_function *f, uint32_t reg, uint32_t mask, int size)
{
    st_le(&f->wmask[reg], mask, size);
}

/* True when a write of size bytes at reg touched any byte of [first, last]. */
static inline bool pci_touched(uint32_t reg, int size, uint32_t first, uint32_t last)
{
    return reg <= last && reg + (uint32_t)size > first;
}

/* A field-table entry for a chip's configuration space (struct st's member
 * f, a struct pci_function), named "config". */
#define PCI_CONFIG_FIELD(st, f)                                                                    \
    {                                                                                              \
        "config", DF_BYTES, offsetof(st, f.config), PCI_CONFIG_SIZE,                               \
            "configuration space (PCI header at 0x00-0x3F, chip registers above)"                  \
    }

#endif
