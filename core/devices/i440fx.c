/*
 * i440fx.c - the Intel 82441FX PCI and Memory Controller, the host bridge of
 * the 440FX chipset (Intel 440FX PCIset 82441FX PMC and 82442FX DBX data
 * sheet, 1996, section 3: configuration registers). It is PCI function
 * 00:00.0, 8086:1237, class 060000h (host bridge), revision 02h as QEMU
 * reports it.
 *
 * A PC's BIOS lives in ROM at the top of the first megabyte, and reading
 * ROM is slow; so since the 286 chipsets can copy it into the RAM that lies
 * underneath ("shadowing") and then let reads go to RAM. The 82441FX does it
 * with seven Programmable Attribute Map registers. Each splits 0xC0000-
 * 0xFFFFF into segments with two bits each:
 *
 *   reg   bits 1:0 (LOENABLE)  bits 5:4 (HIENABLE)
 *   0x59  reserved             0xF0000-0xFFFFF  (the BIOS area, 64 KiB)
 *   0x5A  0xC0000-0xC3FFF      0xC4000-0xC7FFF  (the VGA BIOS)
 *   0x5B  0xC8000-0xCBFFF      0xCC000-0xCFFFF
 *   0x5C  0xD0000-0xD3FFF      0xD4000-0xD7FFF
 *   0x5D  0xD8000-0xDBFFF      0xDC000-0xDFFFF
 *   0x5E  0xE0000-0xE3FFF      0xE4000-0xE7FFF
 *   0x5F  0xE8000-0xEBFFF      0xEC000-0xEFFFF
 *
 *   field  RE (bit 0)  WE (bit 1)
 *     00   reads and writes go to PCI (the ROM): DRAM disabled (power-on)
 *     01   reads from DRAM, writes to PCI: shadow, write-protected
 *     10   writes to DRAM, reads from PCI: the state for copying a ROM
 *     11   reads and writes to DRAM
 *   Bits 7:6 and 3:2 are reserved and read 0.
 *
 * The firmware (FIRMWARE.md, 1b and 1c) writes 0x59 = 0x30 (and SeaBIOS
 * 0x5A-0x5F = 0x33), copies itself into RAM, then locks with 0x10/0x11/0x31.
 * This file only stores the fields and reports each changed segment to the
 * board (i440fx_pam_fn), which owns the memory map and does the switching.
 *
 * SMRAM, register 0x72: where System Management Mode code lives
 * (the A0000 segment, hidden from normal accesses).
 *   bit 6  D_OPEN   SMRAM visible outside SMM
 *   bit 5  D_CLS    data accesses go to the VGA window even in SMM
 *   bit 4  D_LCK    locks the register: D_OPEN clears and only D_CLS stays
 *                   writable until a reset
 *   bit 3  G_SMRAME SMRAM enabled
 *   bits 2:0 C_BASE_SEG, read only 010b: the A0000 segment
 * It is stored with its lock; lab86 has no SMM, so nothing maps SMRAM.
 *
 * Not emulated: the DRAM controller's configuration (DRAM row boundaries,
 * timing, error reporting) and the other chipset registers. They read 0 and
 * ignore writes; none of the firmware lab86 runs depends on them.
 */
#include "devices/i440fx.h"
#include "snapshot.h"

#include <stdlib.h>

#define I440FX_VENDOR   0x8086
#define I440FX_DEVICE   0x1237
#define I440FX_REVISION 0x02
#define I440FX_CLASS    0x060000 /* bridge, host */

/* Registers. */
#define I440FX_MLT   0x0d /* master latency timer, bits 7:3 */
#define I440FX_PAM0  0x59 /* first PAM register */
#define I440FX_PAM6  0x5f /* last */
#define I440FX_NPAM  7
#define I440FX_SMRAM 0x72 /* system management RAM control */

/* PAM fields. */
#define PAM_RE        0x1      /* read enable: reads from DRAM */
#define PAM_WE        0x2      /* write enable: writes to DRAM */
#define PAM_HI        4        /* shift of HIENABLE */
#define PAM0_MASK     0x30     /* PAM0 has only HIENABLE */
#define PAM_MASK      0x33     /* PAM1-6 */
#define PAM_SEGMENT   0x4000u  /* 16 KiB */
#define PAM_C_BASE    0xc0000u /* PAM1 LOENABLE's segment */
#define PAM_BIOS      0xf0000u /* PAM0's segment ... */
#define PAM_BIOS_SIZE 0x10000u /* ... 64 KiB */

/* SMRAM bits. */
#define SMRAM_D_OPEN     0x40
#define SMRAM_D_CLS      0x20
#define SMRAM_D_LCK      0x10
#define SMRAM_G_SMRAME   0x08
#define SMRAM_C_BASE_SEG 0x02 /* A0000, read only */
#define SMRAM_WRITABLE   (SMRAM_D_OPEN | SMRAM_D_CLS | SMRAM_D_LCK | SMRAM_G_SMRAME)

struct i440fx {
    struct pci_function fn;     /* 00:00.0 */
    uint8_t pam[I440FX_NPAM];   /* PAM0-6 as last reported to the board */
    i440fx_pam_fn *pam_changed; /* the board's callback (NULL: none) */
    void *opaque;               /* its argument */
};

/* --- PAM --- */

/* Report field (RE/WE bits) of the segment at base. */
static void report(struct i440fx *h, uint32_t base, uint32_t size, unsigned field)
{
    if (h->pam_changed)
        h->pam_changed(h->opaque, base, size, (field & PAM_RE) != 0, (field & PAM_WE) != 0);
}

/* Compare PAM register n with what the board was told, and tell it about
 * each segment that changed. */
static void pam_update(struct i440fx *h, int n)
{
    uint8_t now = (uint8_t)pci_get(&h->fn, I440FX_PAM0 + (uint32_t)n, 1);
    uint8_t diff = now ^ h->pam[n];
    h->pam[n] = now;
    if (n == 0) {
        if (diff >> PAM_HI)
            report(h, PAM_BIOS, PAM_BIOS_SIZE, now >> PAM_HI);
        return;
    }
    uint32_t lo = PAM_C_BASE + (uint32_t)(n - 1) * 2 * PAM_SEGMENT;
    if (diff & 0x3)
        report(h, lo, PAM_SEGMENT, now & 0x3);
    if (diff >> PAM_HI)
        report(h, lo + PAM_SEGMENT, PAM_SEGMENT, now >> PAM_HI);
}

/* --- SMRAM --- */

/* D_LCK: D_OPEN reads 0 and only D_CLS stays writable until a reset. */
static void smram_update(struct i440fx *h)
{
    uint8_t v = (uint8_t)pci_get(&h->fn, I440FX_SMRAM, 1);
    if (v & SMRAM_D_LCK) {
        pci_set(&h->fn, I440FX_SMRAM, v & ~SMRAM_D_OPEN, 1);
        pci_set_wmask(&h->fn, I440FX_SMRAM, SMRAM_D_CLS, 1);
    }
}

static void i440fx_written(void *opaque, uint32_t reg, int size)
{
    struct i440fx *h = opaque;
    for (int n = 0; n < I440FX_NPAM; n++)
        if (pci_touched(reg, size, I440FX_PAM0 + (uint32_t)n, I440FX_PAM0 + (uint32_t)n))
            pam_update(h, n);
    if (pci_touched(reg, size, I440FX_SMRAM, I440FX_SMRAM))
        smram_update(h);
}

/* --- reset, fields, lifecycle --- */

static const struct pci_ident i440fx_ident = {
    .vendor = I440FX_VENDOR,
    .device = I440FX_DEVICE,
    .revision = I440FX_REVISION,
    .class_code = I440FX_CLASS,
    .header_type = 0x00,
    .int_pin = 0,
    .command_mask = PCI_COMMAND_PARITY | PCI_COMMAND_SERR,
};

/* Power-on values (3.2): memory access and bus master hardwired on,
 * DEVSEL# medium, PAM all 00 (BIOS areas on the PCI side), SMRAM closed.
 * Segments that were shadowed are reported back to the PCI side. */
static void i440fx_reset(void *opaque)
{
    struct i440fx *h = opaque;
    pci_function_init(&h->fn, &i440fx_ident);
    pci_set(&h->fn, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    pci_set(&h->fn, PCI_STATUS, PCI_STATUS_FAST_BACK | PCI_STATUS_DEVSEL_MEDIUM, 2);
    pci_set_wmask(&h->fn, I440FX_MLT, 0xf8, 1);
    pci_set_wmask(&h->fn, I440FX_PAM0, PAM0_MASK, 1);
    for (uint32_t r = I440FX_PAM0 + 1; r <= I440FX_PAM6; r++)
        pci_set_wmask(&h->fn, r, PAM_MASK, 1);
    pci_set(&h->fn, I440FX_SMRAM, SMRAM_C_BASE_SEG, 1);
    pci_set_wmask(&h->fn, I440FX_SMRAM, SMRAM_WRITABLE, 1);
    for (int n = 0; n < I440FX_NPAM; n++)
        pam_update(h, n);
}

static const struct devfield i440fx_fields[] = {
    PCI_CONFIG_FIELD(struct i440fx, fn),
    DEVFIELD_ARRAY(struct i440fx, pam, DF_U8, I440FX_NPAM,
                   "PAM0-6 (0x59-0x5F) as the board last applied them"),
};

size_t i440fx_devinfo(struct i440fx *h, struct devinfo *out, size_t max)
{
    if (max < 1)
        return 0;
    out[0] = (struct devinfo){"i440fx", i440fx_fields,
                              sizeof i440fx_fields / sizeof i440fx_fields[0], h};
    return 1;
}

struct i440fx *i440fx_create(struct pci_bus *pci, i440fx_pam_fn *pam, void *opaque)
{
    struct i440fx *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->fn.written = i440fx_written;
    h->fn.reset = i440fx_reset;
    h->fn.opaque = h;
    i440fx_reset(h); /* PAM all 0, as h->pam: nothing to report yet */
    h->pam_changed = pam;
    h->opaque = opaque;
    if (pci_register(pci, I440FX_DEV, 0, &h->fn) != 0) {
        free(h);
        return NULL;
    }
    return h;
}

void i440fx_destroy(struct i440fx *h)
{
    free(h);
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep i440fx_keep[] = {
    SNAP_KEEP(struct i440fx, fn.written),
    SNAP_KEEP(struct i440fx, fn.reset),
    SNAP_KEEP(struct i440fx, fn.opaque),
    SNAP_KEEP(struct i440fx, pam_changed),
    SNAP_KEEP(struct i440fx, opaque),
};

void i440fx_snap(struct i440fx *h, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, h, i440fx_keep);
}
