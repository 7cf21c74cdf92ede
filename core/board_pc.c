/*
 * board_pc.c - the "pc" board's side of the schematic (board.c has the ISA
 * board and reads as the whole of it): PCI configuration mechanism #1 with
 * the i440FX host bridge, whose PAM registers switch the shadow area
 * 0xC0000-0xFFFFF between RAM and ROM, the PIIX3 and the VGA's PCI face;
 * QEMU's fw_cfg for SeaBIOS; and the APICs of --smp N, a local APIC per
 * CPU behind the one page at 0xFEE00000 and the I/O APIC. The shadow RAM's
 * scheme is described at the top of board.c; board_internal.h declares
 * what board.c calls here.
 */
#include "board_internal.h"

#include <stdlib.h>
#include <string.h>

#include "devices/fwcfg.h"
#include "devices/i440fx.h"
#include "devices/ioapic.h"
#include "devices/pci.h"
#include "devices/pci_vga.h"
#include "devices/pic.h"
#include "devices/vga.h"
#include "mmu/mmu.h"

/* PCI configuration mechanism 1 (CONFIG_ADDRESS 0xCF8, CONFIG_DATA 0xCFC):
 * on the ISA board its range is claimed empty (see wire_pci_host()). */
#define BOARD_PCI_CONF_PORT PCI_PORT_ADDRESS
#define BOARD_PCI_CONF_LEN  8

/* A segment that is plain RAM. */
#define BOARD_PAM_RAM (BOARD_PAM_READ_RAM | BOARD_PAM_WRITE_RAM)

/* The RAM the VGA's memory window hides. */
#define BOARD_HOLE_START VGA_WINDOW_BASE
#define BOARD_HOLE_END   (VGA_WINDOW_BASE + VGA_WINDOW_SIZE)

/* --- the PCI side's wires --- */

/* The segment of the shadow area that holds offset off. */
static uint8_t pam_of(const struct emu *m, uint32_t off)
{
    return m->pam[off / BOARD_SHADOW_SEG];
}

/* A read in 0xC0000-0xFFFFF that the RAM hole sent here: the shadow RAM or
 * the ROM side, as the segment's PAM bits say. An access never crosses a
 * 4 KiB page, so it stays inside one segment. */
static uint32_t shadow_read(void *opaque, uint32_t off, int size)
{
    struct emu *m = opaque;
    if (pam_of(m, off) & BOARD_PAM_READ_RAM)
        return ld_le(m->bus.ram + BOARD_SHADOW_BASE + off, size);
    return ld_le(m->shadow_rom + off, size);
}

/* A write there reaches the shadow RAM only if the segment lets it; the
 * watch check keeps the threaded core's cached blocks honest. */
static void shadow_write(void *opaque, uint32_t off, uint32_t value, int size)
{
    struct emu *m = opaque;
    if (!(pam_of(m, off) & BOARD_PAM_WRITE_RAM))
        return;
    st_le(m->bus.ram + BOARD_SHADOW_BASE + off, value, size);
    bus_watch_check(&m->bus, BOARD_SHADOW_BASE + off, size);
}

/* Where reads of the shadow page at off come from: the RAM or the ROM side,
 * both plain memory, so the TLB may read (and fetch) through the pointer
 * (bus_read_page); writes keep coming to shadow_write(). This is what lets
 * SeaBIOS, which runs from shadow RAM it has made read-only, run at the
 * speed of RAM: without it every fetch there took the slow path. */
static const uint8_t *shadow_page(void *opaque, uint32_t off)
{
    struct emu *m = opaque;
    if (pam_of(m, off) & BOARD_PAM_READ_RAM)
        return m->bus.ram + BOARD_SHADOW_BASE + off;
    return m->shadow_rom + off;
}

/* Hide from bus_ram_ptr() every segment that is not plain RAM: the hole of
 * the VGA window, stretched to the end of the last such segment (see the
 * top of the file). The TLB may hold pointers into what is now hidden. */
void board_update_shadow(struct emu *m)
{
    uint64_t end = BOARD_HOLE_END;
    for (uint32_t k = 0; k < BOARD_SHADOW_NSEG; k++)
        if (m->pam[k] != BOARD_PAM_RAM)
            end = BOARD_SHADOW_BASE + (k + 1) * BOARD_SHADOW_SEG;
    bus_set_ram_hole(&m->bus, BOARD_HOLE_START, end);
    for (uint32_t k = 0; k < m->n_cpus; k++)
        mmu_flush(board_cpu(m, k), true);
    /* A segment may now read from its other side: the same addresses,
     * other bytes, so code decoded from them is stale. */
    for (uint32_t off = 0; off < BOARD_SHADOW_SIZE; off += 4096)
        bus_page_changed(&m->bus, BOARD_SHADOW_BASE + off);
}

/* The i440FX's PAM field for [base, base + size) changed. */
static void i440fx_pam(void *opaque, uint32_t base, uint32_t size, bool read_ram, bool write_ram)
{
    struct emu *m = opaque;
    uint8_t bits = (read_ram ? BOARD_PAM_READ_RAM : 0) | (write_ram ? BOARD_PAM_WRITE_RAM : 0);
    for (uint32_t a = base; a < base + size; a += BOARD_SHADOW_SEG)
        m->pam[(a - BOARD_SHADOW_BASE) / BOARD_SHADOW_SEG] = bits;
    board_update_shadow(m);
}

/* The PIIX3 routed PIRQ pirq to ISA IRQ isa_irq (or nowhere). No device
 * raises PCI INTx yet, so the route is only remembered. */
static void piix3_pirq(void *opaque, int pirq, int isa_irq)
{
    struct emu *m = opaque;
    m->pirq[pirq] = isa_irq;
}

/* The VGA's BAR0 moved: its framebuffer range follows. */
static void vga_lfb_moved(void *opaque, uint64_t old_base, uint64_t new_base)
{
    struct emu *m = opaque;
    bus_move_mmio(&m->bus, old_base, m->vga, new_base);
}

/* --- the schematic --- */

/* The 8259's INTA cycle, for a local APIC's ExtINT request. */
static int extint_ack(void *opaque)
{
    return pic_ack(opaque);
}

/* The ISA board: PCI's ports claimed empty (reads all ones, writes
 * dropped), as a bridge with no devices answers. Unclaimed, a dword write
 * to CONFIG_ADDRESS would be split into bytes, and the one for 0xCF9 would
 * reset the machine. The pc board: the PCI bus, the host bridge (its PAM
 * registers switch the shadow area, served by one MMIO range) and the
 * PIIX3. sysctl keeps the byte at 0xCF9 either way: it came first. */
void board_wire_pci_host(struct emu *m)
{
    struct bus *b = &m->bus;
    for (uint32_t k = 0; k < BOARD_SHADOW_NSEG; k++)
        m->pam[k] = m->cfg.board == EMU_BOARD_PC ? 0 : BOARD_PAM_RAM; /* 0: the ROM side */
    for (int k = 0; k < PIIX3_NPIRQ; k++)
        m->pirq[k] = PIIX3_NO_IRQ;
    if (m->cfg.board != EMU_BOARD_PC) {
        bus_map_io(b, BOARD_PCI_CONF_PORT, BOARD_PCI_CONF_LEN, NULL, NULL, NULL);
        return;
    }
    m->shadow_rom = malloc(BOARD_SHADOW_SIZE);
    m->vga_rom = malloc(FW_VGA_BIOS_MAX);
    if (!m->shadow_rom || !m->vga_rom ||
        bus_map_mmio(b, BOARD_SHADOW_BASE, BOARD_SHADOW_SIZE, shadow_read, shadow_write, m) != 0)
        return;
    bus_mmio_page_reads(b, BOARD_SHADOW_BASE, shadow_page);
    memset(m->shadow_rom, 0xff, BOARD_SHADOW_SIZE);
    memset(m->vga_rom, 0xff, FW_VGA_BIOS_MAX);
    m->pci = pci_create(b);
    m->i440fx = m->pci ? i440fx_create(m->pci, i440fx_pam, m) : NULL;
    m->piix3 = m->pci ? piix3_create(m->pci, PIIX3_DEV, piix3_pirq, m) : NULL;
}

/* The VGA's PCI face (pc board): BAR0 moves the framebuffer, the ROM BAR
 * shows the VGA BIOS (board_load_firmware() fills vga_rom). */
void board_wire_pci_vga(struct emu *m)
{
    const struct pci_vga_host host = {vga_lfb_moved, m, VBE_LFB_DEFAULT_BASE};
    if (m->pci && m->vga)
        m->pci_vga =
            pci_vga_create(m->pci, &m->bus, PCI_VGA_DEV, m->vga_rom, FW_VGA_BIOS_MAX, &host);
}

/* QEMU's firmware configuration device (pc board): the machine as SeaBIOS
 * asks for it, with no boot menu, as QEMU's default -boot menu=off says
 * (devices/fwcfg.c); IRQ 0 overridden to pin 2, as ioapic_pin() wires it. */
void board_wire_fwcfg(struct emu *m)
{
    uint16_t boot = m->cfg.boot == EMU_BOOT_CDROM    ? 'd'
                    : m->cfg.boot == EMU_BOOT_FLOPPY ? 'a'
                                                     : 'c';
    const struct fwcfg_config fc = {m->cfg.ram_size, (uint16_t)m->n_cpus, boot, true};
    if (m->pci)
        m->fwcfg = fwcfg_create(&m->bus, FWCFG_PORT, &fc);
}

/* The local APIC page: every CPU sees its own APIC there, so an access
 * goes to the executing CPU's. */
static uint32_t lapic_page_read(void *opaque, uint32_t off, int size)
{
    struct emu *m = opaque;
    return lapic_mmio_read(m->apic_bus.running->apic, off, size);
}

static void lapic_page_write(void *opaque, uint32_t off, uint32_t value, int size)
{
    struct emu *m = opaque;
    lapic_mmio_write(m->apic_bus.running->apic, off, value, size);
}

/* The pc board's APICs: a local APIC per CPU (ID = CPU number; ExtINT
 * requests go to the PIC's INTA) and the I/O APIC with the next ID. They
 * take over the CPUs' interrupt pins, so this comes after the BSP's INTA is
 * wired to the PIC (board_wire()). */
int board_wire_apics(struct emu *m)
{
    m->apic_bus.running = &m->cpu;
    if (m->cfg.board != EMU_BOARD_PC)
        return 0;
    for (uint32_t k = 0; k < m->n_cpus; k++) {
        m->lapic[k] = lapic_create(&m->apic_bus, &m->clock, board_cpu(m, k), (uint8_t)k, k == 0,
                                   extint_ack, m->pic);
        if (!m->lapic[k])
            return -1;
        m->apic_bus.apic[k] = m->lapic[k];
    }
    m->ioapic = ioapic_create(&m->bus, IOAPIC_BASE, &m->apic_bus, (uint8_t)m->n_cpus);
    if (!m->ioapic ||
        bus_map_mmio(&m->bus, LAPIC_BASE, LAPIC_MMIO_SIZE, lapic_page_read, lapic_page_write,
                     m) != 0)
        return -1;
    return 0;
}

/* The APs and the APICs (pc board): the CPUs to their power-on state, the
 * local APICs after them (each sets its CPU's APIC base MSR and INTR; the
 * APs wait for a startup IPI), the I/O APIC's entries masked. */
void board_reset_apics(struct emu *m)
{
    for (uint32_t k = 1; k < m->n_cpus; k++)
        cpu_reset(board_cpu(m, k));
    for (uint32_t k = 0; k < EMU_MAX_CPUS && m->lapic[k]; k++)
        lapic_reset(m->lapic[k]);
    if (m->ioapic)
        ioapic_reset(m->ioapic);
}
