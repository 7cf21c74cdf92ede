/*
 * piix3.c - the Intel 82371SB "PIIX3" PCI ISA IDE Xcelerator, as its PCI
 * configuration spaces show it (82371FB (PIIX) and 82371SB (PIIX3) PCI ISA
 * IDE Xcelerator data sheet, 1996: the PCI configuration registers of
 * function 0 and of function 1).
 *
 * The PIIX3 is the south bridge of a 440FX board: it turns PCI into the ISA
 * bus where the classic AT devices live, and it holds the IDE controller.
 * Those devices (the 8259 pair and its ELCR, the 8254, DMA, the ATA channels)
 * are separate files here; this file is the chip's two PCI functions.
 *
 * Function 0, the PCI-to-ISA bridge, 8086:7000, class 060100h. Its header
 * type has bit 7 set: the device has more functions, so enumeration looks at
 * 01.1 too. Its registers are stored, and one group acts:
 *
 *   0x60-0x63  PIRQRC[A:D], PIRQx# route control: which ISA IRQ each PCI
 *              interrupt line drives (the four PIRQ# pins collect the INTx#
 *              pins of the PCI slots)
 *                bit 7     IRQROUTEN: 1 = routing disabled (power-on)
 *                bits 6:4  reserved, read 0
 *                bits 3:0  the ISA IRQ; 0-2, 8 and 13 are reserved (the
 *                          timer, keyboard, cascade, RTC and FPU inputs)
 *                          and route nowhere
 *              SeaBIOS and the Bochs BIOS write 10, 10, 11, 11 and set the
 *              ELCR to level for 10 and 11. Each changed route is reported
 *              to the board (piix3_pirq_fn), which does the wiring.
 *   the rest   (the table below) stored as written, since what they
 *              control (ISA timing, chip selects, the motherboard IRQ and
 *              DMA pins, power management, SMI) is not emulated or not
 *              configurable here: TOM, for one, only decides which ISA
 *              masters may reach memory.
 *
 * Function 1, the IDE controller, 8086:7010, class 010180h: mass storage,
 * IDE, programming interface 80h, that is, bus-master capable with both
 * channels fixed in compatibility mode, at the legacy ports 0x1F0/0x3F6
 * (IRQ 14) and 0x170/0x376 (IRQ 15).
 *
 *   0x20  BMIBA, the bus master interface base: a 16-byte I/O BAR (BAR4)
 *   0x40  IDETIM primary, 0x42 secondary: timing, and bit 15 IDE decode
 *         enable, which the firmware sets (0x8000)
 *   0x44  SIDETIM, slave timing
 *
 * Deliberate divergences, and why:
 * - BARs 0-3 read 0, as the data sheet has it (0x10-0x1F reserved) and
 *   QEMU does: in compatibility mode the ports are fixed. A BAR that read
 *   back a fixed 0x1F1 would look, to the sizing of both SeaBIOS
 *   (pci_bios_get_bar) and the Bochs BIOS (rombios32's default_map), like a
 *   BAR of about 4 GiB of I/O space, which would break the whole allocation.
 * - BMIBA is writable in bits 31:4, not 15:4: the upper half is reserved on
 *   the chip, but SeaBIOS computes the size from all 32 bits and would see
 *   64 Ki-16 bytes. QEMU makes the same choice.
 * - The bus master registers behind BMIBA are not emulated: BMIBA is stored
 *   and nothing decodes it (reads float high, 0xFF), and the drives
 *   advertise no DMA mode in IDENTIFY, so SeaBIOS and Linux use PIO.
 * - IDETIM's decode enable is stored only: ata.c answers at the legacy
 *   ports from power-on. Linux's ata_piix does check it, so a boot without
 *   firmware must set it (0x8000 at 0x40 and 0x42) through pci_config_write.
 */
#include "devices/piix3.h"
#include "snapshot.h"

#include <stdlib.h>

#define PIIX3_VENDOR     0x8086
#define PIIX3_ISA_DEVICE 0x7000
#define PIIX3_IDE_DEVICE 0x7010
#define PIIX3_ISA_CLASS  0x060100 /* bridge, PCI-to-ISA */
#define PIIX3_IDE_CLASS  0x010180 /* mass storage, IDE, bus master, legacy mode */

/* Function 0 registers that act. */
#define PIIX3_PIRQRC    0x60 /* PIRQRC[A], then B, C, D */
#define PIRQRC_DISABLE  0x80 /* IRQROUTEN: routing disabled */
#define PIRQRC_IRQ      0x0f /* the ISA IRQ */
#define PIRQRC_WRITABLE (PIRQRC_DISABLE | PIRQRC_IRQ)
#define PIRQ_VALID_IRQS 0xdef8 /* IRQ 3-7, 9-12, 14, 15: one bit an IRQ */

/* Function 1 registers. */
#define IDE_MLT        0x0d /* master latency timer, bits 7:4 */
#define IDE_BMIBA_BAR  4    /* BMIBA is BAR4, at 0x20 */
#define IDE_BM_PORTS   16   /* two channels x 8 bus master registers */
#define IDE_IDETIM_PRI 0x40 /* 16 bits */
#define IDE_IDETIM_SEC 0x42 /* 16 bits */
#define IDE_SIDETIM    0x44
/* IDETIM: 15 IDE decode enable, 14 SITRE, 13:12 ISP, 9:8 RTC, 7:0 the two
 * drives' DMA-only, prefetch, IORDY and fast timing bits; 11:10 reserved. */
#define IDETIM_WRITABLE 0xf3ff

/* Function 0's stored registers: power-on value, writable bits. */
struct piix3_reg {
    uint8_t reg, count;   /* first register, how many bytes */
    uint8_t reset, wmask; /* each byte's power-on value and writable bits */
};

static const struct piix3_reg isa_regs[] = {
    {0x4c, 1, 0x4d, 0xff},                              /* IORT: ISA I/O recovery timer */
    {0x4e, 1, 0x03, 0xff},                              /* XBCS: RTC and keyboard chip selects on */
    {0x4f, 1, 0x00, 0xff},                              /* XBCS 15:8 (I/O APIC chip select) */
    {PIIX3_PIRQRC, 4, PIRQRC_DISABLE, PIRQRC_WRITABLE}, /* PIRQRC[A:D] */
    {0x69, 1, 0x02, 0xff},                              /* TOM: top of memory for ISA masters */
    {0x6a, 2, 0x00, 0xff},                              /* MSTAT: miscellaneous status */
    {0x70, 1, 0x80, 0xff}, /* MBIRQ0: motherboard IRQ route, disabled */
    {0x76, 2, 0x0c, 0xff}, /* MBDMA[1:0]: motherboard DMA, disabled */
    {0x78, 1, 0x02, 0xff}, /* PCSC: programmable chip select */
    {0x79, 1, 0x00, 0xff}, /* PCSC 15:8 */
    {0x80, 1, 0x00, 0xff}, /* APICBASE: I/O APIC address bits */
    {0x82, 1, 0x00, 0xff}, /* DLC: deterministic latency control */
    {0xa0, 1, 0x08, 0xff}, /* SMICNTL: SMI control */
    {0xa2, 2, 0x00, 0xff}, /* SMIEN: SMI enable */
    {0xa4, 4, 0x00, 0xff}, /* SEE: system event enable */
    {0xa8, 1, 0x0f, 0xff}, /* FTMR: fast off timer */
    {0xaa, 2, 0x00, 0xff}, /* SMIREQ: SMI request */
    {0xac, 1, 0x00, 0xff}, /* CTLTMR: clock throttle low timer */
    {0xae, 1, 0x00, 0xff}, /* CTHTMR: clock throttle high timer */
};

struct piix3 {
    struct pci_function isa;      /* function 0: the PCI-to-ISA bridge */
    struct pci_function ide;      /* function 1: the IDE controller */
    int8_t route[PIIX3_NPIRQ];    /* ISA IRQ of PIRQA-D as last reported (-1: none) */
    piix3_pirq_fn *route_changed; /* the board's callback (NULL: none) */
    void *opaque;                 /* its argument */
};

/* --- PIRQ routing --- */

/* The ISA IRQ a PIRQRC value routes to, or PIIX3_NO_IRQ. */
static int pirq_target(uint8_t v)
{
    unsigned irq = v & PIRQRC_IRQ;
    if ((v & PIRQRC_DISABLE) || !((PIRQ_VALID_IRQS >> irq) & 1))
        return PIIX3_NO_IRQ;
    return (int)irq;
}

static void pirq_update(struct piix3 *x, int n)
{
    int irq = pirq_target((uint8_t)pci_get(&x->isa, PIIX3_PIRQRC + (uint32_t)n, 1));
    if (irq == x->route[n])
        return;
    x->route[n] = (int8_t)irq;
    if (x->route_changed)
        x->route_changed(x->opaque, n, irq);
}

static void isa_written(void *opaque, uint32_t reg, int size)
{
    struct piix3 *x = opaque;
    for (int n = 0; n < PIIX3_NPIRQ; n++)
        if (pci_touched(reg, size, PIIX3_PIRQRC + (uint32_t)n, PIIX3_PIRQRC + (uint32_t)n))
            pirq_update(x, n);
}

/* --- power-on values --- */

static const struct pci_ident isa_ident = {
    .vendor = PIIX3_VENDOR,
    .device = PIIX3_ISA_DEVICE,
    .revision = 0x00,
    .class_code = PIIX3_ISA_CLASS,
    .header_type = PCI_HEADER_MULTI,
    .int_pin = 0,
    .command_mask = PCI_COMMAND_SPECIAL,
};

static const struct pci_ident ide_ident = {
    .vendor = PIIX3_VENDOR,
    .device = PIIX3_IDE_DEVICE,
    .revision = 0x00,
    .class_code = PIIX3_IDE_CLASS,
    .header_type = 0x00,
    .int_pin = 0, /* legacy mode: IRQ 14 and 15, not INTx# */
    .command_mask = PCI_COMMAND_IO | PCI_COMMAND_MASTER,
};

/* The bridge always decodes and masters (command 0007h, hardwired). Routes
 * that were enabled are reported disabled. */
static void isa_reset(void *opaque)
{
    struct piix3 *x = opaque;
    pci_function_init(&x->isa, &isa_ident);
    pci_set(&x->isa, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    pci_set(&x->isa, PCI_STATUS, PCI_STATUS_DEVSEL_MEDIUM, 2);
    for (size_t k = 0; k < sizeof isa_regs / sizeof isa_regs[0]; k++) {
        for (uint32_t b = 0; b < isa_regs[k].count; b++) {
            pci_set(&x->isa, isa_regs[k].reg + b, isa_regs[k].reset, 1);
            pci_set_wmask(&x->isa, isa_regs[k].reg + b, isa_regs[k].wmask, 1);
        }
    }
    for (int n = 0; n < PIIX3_NPIRQ; n++)
        pirq_update(x, n);
}

/* I/O and bus mastering off; BMIBA 00000001h (an I/O BAR at 0). */
static void ide_reset(void *opaque)
{
    struct piix3 *x = opaque;
    pci_function_init(&x->ide, &ide_ident);
    pci_set(&x->ide, PCI_STATUS, PCI_STATUS_FAST_BACK | PCI_STATUS_DEVSEL_MEDIUM, 2);
    pci_set_wmask(&x->ide, IDE_MLT, 0xf0, 1);
    pci_bar_init(&x->ide, IDE_BMIBA_BAR, IDE_BM_PORTS, PCI_BAR_IO);
    pci_set_wmask(&x->ide, IDE_IDETIM_PRI, IDETIM_WRITABLE, 2);
    pci_set_wmask(&x->ide, IDE_IDETIM_SEC, IDETIM_WRITABLE, 2);
    pci_set_wmask(&x->ide, IDE_SIDETIM, 0xff, 1);
}

/* --- fields, lifecycle --- */

static const struct devfield isa_fields[] = {
    PCI_CONFIG_FIELD(struct piix3, isa),
    DEVFIELD_ARRAY(struct piix3, route, DF_U8, PIIX3_NPIRQ,
                   "ISA IRQ of PIRQA-D as reported to the board (0xFF: none)"),
};

static const struct devfield ide_fields[] = {
    PCI_CONFIG_FIELD(struct piix3, ide),
};

size_t piix3_devinfo(struct piix3 *x, struct devinfo *out, size_t max)
{
    size_t n = 0;
    if (n < max)
        out[n++] =
            (struct devinfo){"piix3", isa_fields, sizeof isa_fields / sizeof isa_fields[0], x};
    if (n < max)
        out[n++] =
            (struct devinfo){"piix3.ide", ide_fields, sizeof ide_fields / sizeof ide_fields[0], x};
    return n;
}

static bool free_slot(struct pci_bus *pci, int dev, int fn)
{
    return pci_config_read(pci, dev, fn, PCI_VENDOR_ID, 2) == 0xffff;
}

struct piix3 *piix3_create(struct pci_bus *pci, int dev, piix3_pirq_fn *route, void *opaque)
{
    if (!free_slot(pci, dev, 0) || !free_slot(pci, dev, 1))
        return NULL;
    struct piix3 *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    for (int n = 0; n < PIIX3_NPIRQ; n++)
        x->route[n] = PIIX3_NO_IRQ;
    x->isa = (struct pci_function){.written = isa_written, .reset = isa_reset, .opaque = x};
    x->ide = (struct pci_function){.reset = ide_reset, .opaque = x};
    isa_reset(x); /* every route disabled, as x->route: nothing reported */
    ide_reset(x);
    x->route_changed = route;
    x->opaque = opaque;
    if (pci_register(pci, dev, 0, &x->isa) != 0 || pci_register(pci, dev, 1, &x->ide) != 0) {
        free(x); /* a bad dev fails on function 0, before anything is registered */
        return NULL;
    }
    return x;
}

void piix3_destroy(struct piix3 *x)
{
    free(x);
}

/* Snapshots (snapshot.h): the whole state struct but its wiring. */
static const struct snap_keep piix3_keep[] = {
    SNAP_KEEP(struct piix3, isa.written),
    SNAP_KEEP(struct piix3, isa.reset),
    SNAP_KEEP(struct piix3, isa.opaque),
    SNAP_KEEP(struct piix3, ide.written),
    SNAP_KEEP(struct piix3, ide.reset),
    SNAP_KEEP(struct piix3, ide.opaque),
    SNAP_KEEP(struct piix3, route_changed),
    SNAP_KEEP(struct piix3, opaque),
};

void piix3_snap(struct piix3 *x, const char *name, struct snap_region *out)
{
    *out = SNAP_REGION(name, x, piix3_keep);
}
