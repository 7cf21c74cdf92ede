/*
 * board.c - the PC board: which chip sits at which port, IRQ and address,
 * and the wires between them. Read board_wire() as the schematic; the pc
 * board's own parts (PCI, the shadow area, fw_cfg, the APICs) are wired by
 * board_pc.c, called through board_internal.h.
 *
 *     CPU      INTR <- PIC master INT; INTA -> pic_ack(); A20 <- 8042 OR port 0x92
 *     RAM      from 0, with a hole at 0xA0000-0xBFFFF for the VGA window;
 *              0xC0000-0xFFFFF holds the ROMs' shadow copies (loader/firmware.c)
 *     0x20     8259A PIC pair (slave 0xA0 on IR2, ELCR 0x4D0)
 *     0x40     8254 PIT            OUT0 -> IRQ 0
 *     0x61     port B              GATE2 and OUT2 of the PIT, refresh toggle
 *     0x70     MC146818 RTC/CMOS   IRQ 8; memory size, disks, boot order
 *     0x00     8237 DMA pair       page registers at 0x80 (0x80: POST code)
 *     0x92     system ports        fast A20 and reset; 0xCF9 reset; 0x8900
 *                                  shutdown; 0x400-0x403 firmware log
 *     0x60     8042 + PS/2 kbd/mouse  IRQ 1, IRQ 12; A20 and reset outputs
 *     0x3F8    COM1 16550A         IRQ 4
 *     0xE9     debug console; 0xF4 isa-debug-exit
 *     0xF0     x87 FERR# latch     IRQ 13 (errors with CR0.NE = 0); a write clears it
 *     0x3C0    VGA (+0x3B4, 0x3D4, VBE 0x1CE), window A0000-BFFFF, LFB 0xE0000000
 *     0x1F0    ATA primary         ctl 0x3F6, IRQ 14: --hda master, --hdb slave
 *     0x170    ATA secondary       ctl 0x376, IRQ 15: --cdrom master
 *     0x3F0    82077 FDC           0x3F0-0x3F5 and 0x3F7, IRQ 6, DMA 2: --fda A:, --fdb B:
 *
 * The "pc" board (EMU_BOARD_PC, for SeaBIOS and BIOS-bochs-latest) adds PCI:
 *
 *     0xCF8    PCI configuration mechanism #1, bus 0:
 *       00:00.0  i440FX host bridge   PAM 0x59-0x5F -> the shadow of 0xC0000-0xFFFFF
 *       00:01.0  PIIX3 ISA bridge     PIRQ routes 0x60-0x63 (remembered only)
 *       00:01.1  PIIX3 IDE            configuration only: the ATA ports above
 *       00:02.0  VGA 1234:1111        BAR0 = the VBE framebuffer, ROM BAR = VGA BIOS
 *     0x510    QEMU's fw_cfg        the machine for SeaBIOS; no boot menu (devices/fwcfg.c)
 *
 * and the APICs (devices/lapic.c, ioapic.c), for --smp N CPUs:
 *
 *     0xFEE00000  each CPU's local APIC (the page shows the executing CPU's);
 *                 the PIC's INT drives the BSP's LINT0 (ExtINT: virtual wire)
 *     0xFEC00000  I/O APIC, ID N: ISA IRQ n on pin n, but IRQ 0 on pin 2
 *
 * Shadow RAM (pc board). The RAM array keeps the shadow copy of
 * 0xC0000-0xFFFFF, and shadow_rom the ROM side (the BIOS's last 128 KiB,
 * all ones below it: no ISA option ROM). Each 16 KiB segment's PAM bits say
 * where its reads come from and whether writes reach the RAM. The TLB
 * caches host pointers to RAM, so every segment that is not plain RAM must
 * be hidden from bus_ram_ptr(): the board stretches the RAM hole of the VGA
 * window up to the end of the last such segment and serves the whole area
 * through one MMIO range (shadow_read/shadow_write) that looks at the
 * segment's bits; segments below that end which are plain RAM merely take
 * the slower path. Every PAM change flushes the TLB. Firmware that locks
 * its F segment read-only (both BIOSes do) thus runs its services through
 * the bus, slower but exact.
 *
 * Order matters in three places: the PIC comes first because every other
 * device is handed one of its lines; the system ports come before the PCI
 * bus, because 0xCF9 lies inside its 0xCF8-0xCFF and the bus gives a port
 * to the range registered first; the VGA comes before its PCI face.
 *
 * Reset. A guest resets the machine through the 8042 (command 0xFE pulses
 * the CPU's RESET), port 0x92 bit 0, port 0xCF9, or, with firmware
 * present, a triple fault. On an AT some of these reset only the CPU; like
 * QEMU and Bochs, lab86 resets the whole board for each (CPU, then every
 * device's reset function) and keeps RAM, because the firmware's POST
 * reprograms everything anyway and one behaviour is easier to reason about.
 * The CMOS keeps its RAM and clock (battery), the VGA its video memory. A
 * request arrives in the middle of an OUT instruction, so it is only
 * recorded here and served by the run loop at the next instruction
 * boundary (machine.c).
 */
#include "board_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/ata.h"
#include "devices/cmos.h"
#include "devices/debugport.h"
#include "devices/dma.h"
#include "devices/fdc.h"
#include "devices/fwcfg.h"
#include "devices/i440fx.h"
#include "devices/ioapic.h"
#include "devices/kbc.h"
#include "devices/pci.h"
#include "devices/pci_vga.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/port61.h"
#include "devices/sysctl.h"
#include "devices/uart.h"
#include "devices/vga.h"
#include "mmu/mmu.h"
#include "snapshot.h"

/* The CHS translation the CMOS reports for a hard disk: the one the ATA
 * drive's IDENTIFY reports too (ata_disk.c), 16 heads, 63 sectors a track,
 * as many cylinders as fit, 1 to 16383. */
#define BOARD_DISK_HEADS    16
#define BOARD_DISK_SPT      63
#define BOARD_DISK_MAX_CYLS 16383
#define BOARD_SECTOR        512

/* --- the wires --- */

/* The PIC's INT output is the CPU's INTR pin. */
static void cpu_intr_set(void *opaque, int n, int level)
{
    struct emu *m = opaque;
    (void)n;
    m->intr_level = level != 0;
    if (m->lapic[0])
        lapic_set_lint(m->lapic[0], 0, m->intr_level); /* LINT0, ExtINT: virtual wire */
    else
        m->cpu.intr_line = m->intr_level;
}

/* The CPU's INTA cycle goes to the PIC. */
static int cpu_intr_ack(void *opaque)
{
    return pic_ack(opaque);
}

/* The I/O APIC pin ISA IRQ n arrives on: n, but the PIT's IRQ 0 on pin 2
 * (pin 0 is the 8259's output on a PC) and IRQ 2 on 9, where the AT's bus
 * rewired it. */
static int ioapic_pin(int n)
{
    return n == 0 ? 2 : n == PIC_CASCADE_IRQ ? 9 : n;
}

/* ISA IRQ n on the pc board: both the PIC's input and the I/O APIC's pin,
 * wired in parallel, so that the guest may use either. */
static void isa_irq_both(void *opaque, int n, int level)
{
    struct emu *m = opaque;
    struct irq_line pic = pic_irq(m->pic, n);
    irq_set(&pic, level);
    if (m->ioapic) {
        struct irq_line pin = ioapic_irq(m->ioapic, ioapic_pin(n));
        irq_set(&pin, level);
    }
}

/* ISA IRQ n: an input of the PIC pair (and of the I/O APIC, pc board). */
static struct irq_line isa_irq(struct emu *m, int n)
{
    if (m->cfg.board == EMU_BOARD_PC)
        return (struct irq_line){isa_irq_both, m, n};
    return pic_irq(m->pic, n);
}

/* The UART reports its interrupt output through a callback: onto a line. */
static void uart_irq_to_line(void *opaque, bool level)
{
    irq_set(opaque, level);
}

/* Address line 20 passes when either gate lets it (the 8042's output port
 * bit 1 or port 0x92 bit 1), as the two are ORed on the board. */
static void apply_a20(struct emu *m)
{
    for (uint32_t k = 0; k < m->n_cpus; k++)
        mmu_set_a20(board_cpu(m, k), m->a20_kbc || m->a20_port92);
}

static void kbc_a20(void *opaque, bool enabled)
{
    struct emu *m = opaque;
    m->a20_kbc = enabled;
    apply_a20(m);
}

static void port92_a20(void *opaque, bool enabled)
{
    struct emu *m = opaque;
    m->a20_port92 = enabled;
    apply_a20(m);
}

void board_stop_cpus(struct emu *m)
{
    for (uint32_t k = 0; k < m->n_cpus; k++)
        board_cpu(m, k)->stop_request = true;
}

/* A reset request from the 8042, port 0x92 or 0xCF9: served by the run loop
 * at the next instruction boundary. */
static void request_reset(struct emu *m)
{
    m->reset_pending = true;
    board_stop_cpus(m);
}

static void kbc_reset_request(void *opaque)
{
    request_reset(opaque);
}

static void sysctl_reset_request(void *opaque, bool hard)
{
    (void)hard; /* every reset resets the whole board (see the top of the file) */
    request_reset(opaque);
}

/* The firmware wrote "Shutdown" to port 0x8900. */
static void sysctl_shutdown(void *opaque)
{
    struct emu *m = opaque;
    m->powered_off = true;
    board_stop_cpus(m);
}

/* The exit device's request: remember the value and hold the CPU. */
static void debugexit_request(void *opaque, uint32_t value)
{
    struct emu *m = opaque;
    m->exited = true;
    m->exit_code = value;
    board_stop_cpus(m);
}

/* --- the schematic --- */

static bool all_wired(const struct emu *m)
{
    bool pci =
        m->cfg.board != EMU_BOARD_PC || (m->pci && m->i440fx && m->piix3 && m->pci_vga && m->fwcfg);
    return m->pic && m->pit && m->port61 && m->cmos && m->dma && m->sysctl && m->kbc && m->com1 &&
           m->com2 && m->debugcon && m->debugexit && m->vga && m->ata[0] && m->ata[1] && m->fdc &&
           pci;
}

/* The x87's FERR# output, the PC/AT way of reporting its errors (used when
 * CR0.NE = 0): the board latches it onto IRQ 13, and a write to port 0xF0
 * clears the latch (on the AT it also asserts IGNNE#; interp/ops_fpu.c says
 * what lab86 makes of that). Every CPU's FERR# reaches the one latch. */
#define FERR_IRQ  13
#define FERR_PORT 0xf0

static void ferr_set(void *opaque, int n, int level)
{
    struct emu *m = opaque;
    struct irq_line l = isa_irq(m, FERR_IRQ);
    (void)n;
    if (level) /* FERR# going inactive does not clear the latch: port 0xF0 does */
        irq_raise(&l);
}

static void ferr_port_write(void *opaque, uint32_t offset, uint32_t value, int size)
{
    struct emu *m = opaque;
    struct irq_line l = isa_irq(m, FERR_IRQ);
    (void)offset, (void)value, (void)size;
    irq_lower(&l);
}

static int wire_ferr(struct emu *m)
{
    for (uint32_t k = 0; k < m->n_cpus; k++)
        board_cpu(m, k)->fpu.ferr = (struct irq_line){ferr_set, m, 0};
    return bus_map_io(&m->bus, FERR_PORT, 1, NULL, ferr_port_write, m);
}

/* The devices, one a line: ports, IRQ, backend. */
static int wire_devices(struct emu *m)
{
    struct bus *b = &m->bus;
    struct clock *k = &m->clock;
    const struct sysctl_host sys = {port92_a20, sysctl_reset_request, sysctl_shutdown, m,
                                    m->cfg.fwlog};
    m->pic = pic_create(b, PIC_MASTER_PORT, PIC_SLAVE_PORT, PIC_ELCR_PORT,
                        (struct irq_line){cpu_intr_set, m, 0});
    if (!m->pic)
        return -1;
    m->pit = pit_create(b, PIT_PORT, k, isa_irq(m, PIT_IRQ));
    m->port61 = m->pit ? port61_create(b, PORT61_PORT, m->pit, k) : NULL;
    m->cmos = cmos_create(b, CMOS_PORT, k, isa_irq(m, CMOS_IRQ),
                          m->cfg.rtc_epoch ? m->cfg.rtc_epoch : CMOS_DEFAULT_EPOCH);
    m->dma = dma_create(b);
    m->sysctl = sysctl_create(b, &sys);
    board_wire_pci_host(m);
    m->kbc = kbc_create(b, k, isa_irq(m, KBC_KBD_IRQ), isa_irq(m, KBC_AUX_IRQ), kbc_a20,
                        kbc_reset_request, m);
    m->com1_irq = isa_irq(m, UART_COM1_IRQ);
    m->com1 = uart_create(b, UART_COM1_PORT, m->cfg.serial, uart_irq_to_line, &m->com1_irq);
    m->com2_irq = isa_irq(m, UART_COM2_IRQ);
    m->com2 = uart_create(b, UART_COM2_PORT, m->cfg.serial2, uart_irq_to_line, &m->com2_irq);
    m->debugcon = debugcon_create(b, DEBUGCON_PORT, m->cfg.console);
    m->debugexit = debugexit_create(b, DEBUGEXIT_PORT, debugexit_request, m);
    m->vga = vga_create(b, k, VBE_LFB_DEFAULT_BASE);
    m->ata[0] = ata_create(b, ATA_PRIMARY_CMD, ATA_PRIMARY_CTL, isa_irq(m, ATA_PRIMARY_IRQ), 0);
    m->ata[1] =
        ata_create(b, ATA_SECONDARY_CMD, ATA_SECONDARY_CTL, isa_irq(m, ATA_SECONDARY_IRQ), 1);
    m->fdc = m->dma ? fdc_create(b, k, isa_irq(m, FDC_IRQ), m->dma) : NULL; /* DMA ch. 2 */
    board_wire_pci_vga(m);
    board_wire_fwcfg(m);
    return all_wired(m) ? 0 : -1;
}

/* The drives the configuration plugs in: --hda and --hdb on the primary
 * channel, the CD-ROM drive (with --cdrom's disc) as the secondary master,
 * --fda and --fdb as floppy drives A: and B:. */
static int plug_drives(struct emu *m)
{
    const struct emu_config *cfg = &m->cfg;
    if (cfg->hda && ata_attach_disk(m->ata[0], ATA_MASTER, cfg->hda) != 0)
        return -1;
    if (cfg->hdb && ata_attach_disk(m->ata[0], ATA_SLAVE, cfg->hdb) != 0)
        return -1;
    if (cfg->cdrom && ata_attach_cdrom(m->ata[1], ATA_MASTER, cfg->cdrom) != 0)
        return -1;
    if (cfg->fda && fdc_attach(m->fdc, 0, cfg->fda) != 0)
        return -1;
    if (cfg->fdb && fdc_attach(m->fdc, 1, cfg->fdb) != 0)
        return -1;
    return 0;
}

/* A hard disk's geometry in the CMOS (unit 0 or 1), from its size. */
static void cmos_disk(struct cmos *c, int unit, const struct blockdev *bd)
{
    if (!bd)
        return;
    uint64_t cyls = blockdev_sectors(bd, BOARD_SECTOR) / (BOARD_DISK_HEADS * BOARD_DISK_SPT);
    cyls = cyls > BOARD_DISK_MAX_CYLS ? BOARD_DISK_MAX_CYLS : cyls ? cyls : 1;
    cmos_set_disk(c, unit, (uint16_t)cyls, BOARD_DISK_HEADS, BOARD_DISK_SPT);
}

/* A floppy drive's CMOS type: the one made for its diskette's format. */
static uint8_t floppy_type(const struct blockdev *bd)
{
    struct fdc_geometry g;
    if (!bd || fdc_geometry_for_size(bd->size, &g) != 0)
        return CMOS_FLOPPY_NONE;
    return g.cmos_type;
}

/* What a BIOS setup program would have stored in the CMOS. */
static void setup_cmos(struct emu *m)
{
    const struct emu_config *cfg = &m->cfg;
    cmos_set_memory(m->cmos, cfg->ram_size);
    cmos_set_cpus(m->cmos, m->n_cpus); /* 0x5F: CPUs - 1 */
    cmos_disk(m->cmos, 0, cfg->hda);
    cmos_disk(m->cmos, 1, cfg->hdb);
    cmos_set_floppy(m->cmos, floppy_type(cfg->fda), floppy_type(cfg->fdb));
    if (cfg->boot == EMU_BOOT_CDROM)
        cmos_set_boot_order(m->cmos, CMOS_BOOT_CDROM, CMOS_BOOT_DISK, CMOS_BOOT_FLOPPY);
    else if (cfg->boot == EMU_BOOT_FLOPPY)
        cmos_set_boot_order(m->cmos, CMOS_BOOT_FLOPPY, CMOS_BOOT_DISK, CMOS_BOOT_CDROM);
    else
        cmos_set_boot_order(m->cmos, CMOS_BOOT_DISK, CMOS_BOOT_CDROM, CMOS_BOOT_FLOPPY);
}

/* Every device's field tables, in wiring order, into the registry. */
static void register_devices(struct emu *m)
{
    struct devinfo *d = m->devinfo;
    size_t n = 0, max = BOARD_MAX_DEVINFO;
    n += pic_devinfo(m->pic, d + n, max - n);
    n += pit_devinfo(m->pit, d + n, max - n);
    n += port61_devinfo(m->port61, d + n, max - n);
    n += cmos_devinfo(m->cmos, d + n, max - n);
    n += dma_devinfo(m->dma, d + n, max - n);
    n += sysctl_devinfo(m->sysctl, d + n, max - n);
    n += (size_t)kbc_devinfo(m->kbc, d + n, (int)(max - n));
    n += vga_devinfo(m->vga, d + n, max - n);
    n += ata_devinfo(m->ata[0], d + n, max - n);
    n += ata_devinfo(m->ata[1], d + n, max - n);
    n += fdc_devinfo(m->fdc, d + n, max - n);
    if (m->pci) {
        n += pci_devinfo(m->pci, d + n, max - n);
        n += i440fx_devinfo(m->i440fx, d + n, max - n);
        n += piix3_devinfo(m->piix3, d + n, max - n);
        n += pci_vga_devinfo(m->pci_vga, d + n, max - n);
        n += fwcfg_devinfo(m->fwcfg, d + n, max - n);
    }
    for (uint32_t k = 0; k < EMU_MAX_CPUS && m->lapic[k]; k++)
        n += lapic_devinfo(m->lapic[k], d + n, max - n);
    if (m->ioapic)
        n += ioapic_devinfo(m->ioapic, d + n, max - n);
    m->n_devinfo = n;
}

/* Every device's state for a snapshot, in wiring order: one line a device,
 * named as its section in the file (snapshot.h). */
size_t board_snap_regions(struct emu *m, struct snap_region *out, size_t max)
{
    size_t n = 0;
    if (max < SNAP_MAX_REGIONS)
        return 0;
    pic_snap(m->pic, "pic", &out[n++]);
    pit_snap(m->pit, "pit", &out[n++]);
    port61_snap(m->port61, "port61", &out[n++]);
    cmos_snap(m->cmos, "cmos", &out[n++]);
    dma_snap(m->dma, "dma", &out[n++]);
    sysctl_snap(m->sysctl, "sysctl", &out[n++]);
    kbc_snap(m->kbc, "kbc", &out[n++]);
    ps2kbd_snap(kbc_keyboard(m->kbc), "ps2kbd", &out[n++]);
    ps2mouse_snap(kbc_mouse(m->kbc), "ps2mouse", &out[n++]);
    uart_snap(m->com1, "com1", &out[n++]);
    uart_snap(m->com2, "com2", &out[n++]);
    vga_snap(m->vga, "vga", &out[n++]);
    ata_snap(m->ata[0], "ata0", &out[n++]);
    ata_snap(m->ata[1], "ata1", &out[n++]);
    fdc_snap(m->fdc, "fdc", &out[n++]);
    if (m->pci) {
        pci_snap(m->pci, "pci", &out[n++]);
        i440fx_snap(m->i440fx, "i440fx", &out[n++]);
        piix3_snap(m->piix3, "piix3", &out[n++]);
        pci_vga_snap(m->pci_vga, "pci_vga", &out[n++]);
        fwcfg_snap(m->fwcfg, "fwcfg", &out[n++]);
    }
    static const char *const lapic_names[] = {"lapic0", "lapic1", "lapic2", "lapic3",
                                              "lapic4", "lapic5", "lapic6", "lapic7"};
    _Static_assert(EMU_MAX_CPUS <= sizeof lapic_names / sizeof lapic_names[0], "name them");
    for (uint32_t k = 0; k < EMU_MAX_CPUS && m->lapic[k]; k++)
        lapic_snap(m->lapic[k], lapic_names[k], &out[n++]);
    if (m->ioapic)
        ioapic_snap(m->ioapic, "ioapic", &out[n++]);
    return n;
}

int board_wire(struct emu *m)
{
    if (wire_devices(m) != 0 || plug_drives(m) != 0)
        return -1;
    m->cpu.intr_ack = cpu_intr_ack;
    m->cpu.intr_opaque = m->pic;
    if (board_wire_apics(m) != 0 || wire_ferr(m) != 0)
        return -1;
    board_update_shadow(m); /* the RAM hole: the VGA window (and on the pc board the ROM side) */
    setup_cmos(m);
    register_devices(m);
    return 0;
}

int board_load_firmware(struct emu *m, const uint8_t *bios, size_t len, const uint8_t *vga,
                        size_t vga_len, char *err, size_t errlen)
{
    if (m->cfg.board != EMU_BOARD_PC)
        return firmware_load(&m->fw, &m->bus, bios, len, vga, vga_len, err, errlen);
    if ((vga && firmware_check_vga_bios(vga, vga_len, err, errlen) != 0) ||
        firmware_load(&m->fw, &m->bus, bios, len, NULL, 0, err, errlen) != 0)
        return -1;
    size_t low = len < FW_LOW_BIOS_MAX ? len : FW_LOW_BIOS_MAX;
    memcpy(m->shadow_rom + BOARD_SHADOW_SIZE - low, bios + len - low, low);
    if (vga)
        memcpy(m->vga_rom, vga, vga_len);
    return 0;
}

void board_destroy(struct emu *m)
{
    ioapic_destroy(m->ioapic);
    for (uint32_t k = 0; k < EMU_MAX_CPUS; k++)
        lapic_destroy(m->lapic[k]);
    fwcfg_destroy(m->fwcfg);
    pci_vga_destroy(m->pci_vga);
    piix3_destroy(m->piix3);
    i440fx_destroy(m->i440fx);
    pci_destroy(m->pci);
    free(m->vga_rom);
    free(m->shadow_rom);
    fdc_destroy(m->fdc);
    for (int k = 1; k >= 0; k--)
        ata_destroy(m->ata[k]);
    vga_destroy(m->vga);
    debugexit_destroy(m->debugexit);
    debugcon_destroy(m->debugcon);
    uart_destroy(m->com1);
    uart_destroy(m->com2);
    kbc_destroy(m->kbc);
    sysctl_destroy(m->sysctl);
    dma_destroy(m->dma);
    cmos_destroy(m->cmos);
    port61_destroy(m->port61);
    pit_destroy(m->pit);
    pic_destroy(m->pic);
}

/* The PIC is reset first, so that the devices' resets, which lower their
 * lines, find it ready; the CPU's INTR and A20 are then driven again from
 * the outputs the devices left (cpu_reset() cleared INTR and opened A20). */
void board_reset(struct emu *m)
{
    cpu_reset(&m->cpu);
    pic_reset(m->pic);
    pit_reset(m->pit);
    port61_reset(m->port61);
    cmos_reset(m->cmos);
    dma_reset(m->dma);
    sysctl_reset(m->sysctl);
    kbc_reset(m->kbc);
    uart_reset(m->com1);
    uart_reset(m->com2);
    vga_reset(m->vga);
    ata_reset(m->ata[0]);
    ata_reset(m->ata[1]);
    fdc_reset(m->fdc);
    if (m->pci)
        pci_reset(m->pci); /* PAM back to the ROM side: the BIOS boots from ROM again */
    if (m->fwcfg)
        fwcfg_reset(m->fwcfg);
    m->cpu.intr_line = m->intr_level;
    board_reset_apics(m);
    apply_a20(m);
}

/* --- the screen as text --- */

/* One cell as a printable ASCII byte: code page 437's other glyphs as '.'
 * and blanks as ' '. */
static char cell_char(uint8_t ch)
{
    if (ch == 0 || ch == 0xff)
        return ' ';
    return ch >= 0x20 && ch < 0x7f ? (char)ch : '.';
}

/* Append row r of t to buf (trailing blanks dropped) and a newline. */
static size_t put_row(const struct vga_text *t, int r, char *buf, size_t len, size_t at)
{
    int end = t->cols;
    while (end > 0 && cell_char(t->cell[r][end - 1].ch) == ' ')
        end--;
    for (int col = 0; col < end; col++, at++)
        if (at < len)
            buf[at] = cell_char(t->cell[r][col].ch);
    if (at < len)
        buf[at] = '\n';
    return at + 1;
}

size_t board_screen_text(struct emu *m, char *buf, size_t len)
{
    struct vga_text *t = malloc(sizeof *t);
    size_t at = 0;
    if (!t)
        return 0;
    vga_text_snapshot(m->vga, t);
    for (int r = 0; r < t->rows; r++)
        at = put_row(t, r, buf, len, at);
    free(t);
    return at;
}
