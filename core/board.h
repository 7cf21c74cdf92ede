/*
 * board.h - the inside of a machine, shared by its two files and by no one
 * else: machine.c (the public API of emu.h and the run loop) and board.c
 * (the PC board: which device sits at which port, IRQ and address, and
 * how a reset reaches them). Front ends see only the opaque struct emu.
 */
#ifndef LAB86_BOARD_H
#define LAB86_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "clock.h"
#include "devfield.h"
#include "emu.h"
#include "interp/cpu.h"
#include "irq.h"
#include "devices/lapic.h"
#include "devices/piix3.h"
#include "loader/firmware.h"

/* Entries of the machine's device registry (emu_devices()). */
#define BOARD_MAX_DEVINFO 48

/* The BIOS areas the i440FX's PAM registers switch between ROM and RAM:
 * 0xC0000-0xFFFFF in 16 KiB segments (the F segment's 64 KiB move as one). */
#define BOARD_SHADOW_BASE 0xc0000u
#define BOARD_SHADOW_SIZE 0x40000u
#define BOARD_SHADOW_SEG  0x4000u
#define BOARD_SHADOW_NSEG (BOARD_SHADOW_SIZE / BOARD_SHADOW_SEG)
#define BOARD_PAM_READ_RAM  0x1 /* a segment's reads come from RAM (else from the ROM side) */
#define BOARD_PAM_WRITE_RAM 0x2 /* its writes go to RAM (else they are dropped) */

struct emu {
    struct cpu cpu;        /* the processor (with its TLB) */
    struct bus bus;        /* RAM, ROM, device memory and the port space */
    struct clock clock;    /* virtual time and the device timers */
    struct emu_config cfg; /* what emu_create() was given */
    struct firmware fw;    /* the ROMs; fw.flash_len == 0: direct boot, no BIOS */
    /* The devices, in the order board.c wires them. */
    struct pic *pic;             /* 8259A pair: 0x20, 0xA0, ELCR 0x4D0 */
    struct pit *pit;             /* 8254: 0x40-0x43 */
    struct port61 *port61;       /* 0x61 */
    struct cmos *cmos;           /* MC146818: 0x70-0x71 */
    struct dma *dma;             /* 8237 pair and page registers */
    struct sysctl *sysctl;       /* 0x92, 0xCF9, 0x8900, 0x400-0x403 */
    struct kbc *kbc;             /* 8042: 0x60, 0x64 */
    struct uart *com1;           /* 16550A: 0x3F8-0x3FF */
    struct irq_line com1_irq;    /* COM1's interrupt output: IRQ 4 */
    struct uart *com2;           /* 16550A: 0x2F8-0x2FF */
    struct irq_line com2_irq;    /* COM2's interrupt output: IRQ 3 */
    struct debugcon *debugcon;   /* 0xE9 */
    struct debugexit *debugexit; /* 0xF4-0xF7 */
    struct vga *vga;             /* VGA ports, A0000-BFFFF, the VBE framebuffer */
    struct ata_channel *ata[2];  /* primary 0x1F0, secondary 0x170 */
    struct fdc *fdc;             /* 82077: 0x3F0-0x3F5, 0x3F7; IRQ 6, DMA channel 2 */
    /* The PCI side: EMU_BOARD_PC only (all NULL on the ISA board). */
    struct pci_bus *pci;         /* configuration mechanism #1: 0xCF8, 0xCFC */
    struct i440fx *i440fx;       /* host bridge 00:00.0: the PAM registers */
    struct piix3 *piix3;         /* ISA bridge 00:01.0 (PIRQ routes), IDE 00:01.1 */
    struct pci_vga *pci_vga;     /* the VGA's PCI face 00:02.0: LFB BAR, ROM BAR */
    struct fwcfg *fwcfg;         /* QEMU's fw_cfg: 0x510-0x511 (what SeaBIOS asks) */
    uint8_t *shadow_rom;         /* what 0xC0000-0xFFFFF reads on the ROM side: the
                                    BIOS's last 128 KiB at the top, all ones below */
    uint8_t *vga_rom;            /* the VGA BIOS behind the ROM BAR, FW_VGA_BIOS_MAX bytes */
    uint8_t pam[BOARD_SHADOW_NSEG]; /* each segment's BOARD_PAM_* bits (ISA: all RAM) */
    int pirq[PIIX3_NPIRQ];       /* PIRQA#-D# -> ISA IRQ, or PIIX3_NO_IRQ (nothing
                                    raises PCI INTx yet: only remembered) */
    /* More than one CPU, and the APICs (pc board only; smp.c runs the CPUs). */
    uint32_t n_cpus;                   /* the BSP (cpu) and n_cpus - 1 APs */
    struct cpu *ap[EMU_MAX_CPUS - 1];  /* the application processors, APIC IDs 1.. */
    struct lapic *lapic[EMU_MAX_CPUS]; /* each CPU's local APIC, by APIC ID; NULL: ISA */
    struct ioapic *ioapic;             /* 0xFEC00000, the ISA IRQs on its pins */
    struct apic_bus apic_bus;          /* the APICs' messages; .running: the CPU executing */
    struct smp_turn {                  /* smp.c's turn in progress (saved in snapshots) */
        bool open;                     /* the BSP's part began; the APs' has not run yet */
        uint64_t until;                /* the BSP cycle the turn ends at, at the latest */
    } turn;
    /* Signals between devices and the CPU. */
    bool intr_level; /* the PIC's INT output as last driven */
    bool a20_kbc;    /* the 8042's A20 output */
    bool a20_port92; /* port 0x92's fast A20 bit */
    /* Requests a device made in the middle of an instruction, served by the
     * run loop at the next instruction boundary. */
    bool reset_pending; /* reset the machine */
    bool powered_off;   /* the firmware asked to power off */
    bool exited;        /* the guest wrote to the exit device */
    uint32_t exit_code; /* what it wrote */
    /* The device registry: every device's field tables. */
    struct devinfo devinfo[BOARD_MAX_DEVINFO]; /* the entries */
    size_t n_devinfo;                          /* how many are used */
    /* The observer of host input (emu_set_input_observer(): reverse
     * execution records it); NULL: none. */
    emu_input_fn *input_fn; /* called by emu_serial_receive() and emu_type_char() */
    void *input_opaque;     /* its argument */
    /* Guest output as the devices see it: the configuration's chardevs
     * behind a switch, so that reverse execution can re-run the guest
     * without printing its output twice (emu_mute_output()). */
    struct emu_output {
        struct chardev cd;        /* what the device writes to */
        const struct chardev *to; /* the front end's chardev */
        const bool *muted;        /* &m->output_muted */
    } out[4];                     /* console, serial, serial2, fwlog */
    bool output_muted;            /* true: guest output is dropped */
};

/* Wire the devices of the PC board onto m's bus, clock and CPU (m->cfg is
 * set, RAM and the CPU exist). Returns 0, or -1 when out of memory or a
 * table is full (board_destroy() then frees what was made). */
int board_wire(struct emu *m);

struct snap_region;
/* Every device's state for a snapshot (snapshot.h), in wiring order, into
 * out[0..max): one line a device in board.c. Returns how many. */
size_t board_snap_regions(struct emu *m, struct snap_region *out, size_t max);

/* Put the firmware's images in place (emu_load_firmware()): on the ISA
 * board as firmware_load() does; on the PC board the BIOS's low copy also
 * becomes the ROM side of the PAM segments and the VGA BIOS goes behind the
 * PCI VGA's ROM BAR. Returns 0, or -1 with a reason in err. */
int board_load_firmware(struct emu *m, const uint8_t *bios, size_t len, const uint8_t *vga,
                        size_t vga_len, char *err, size_t errlen);

/* Free every device. The clock must not dispatch afterwards: devices'
 * timers cannot be unregistered, so they go together with the machine. */
void board_destroy(struct emu *m);

/* The machine's reset (the RESET line): the CPU to its power-on state and
 * every device's reset; RAM is kept. At an instruction boundary only. */
void board_reset(struct emu *m);

/* CPU k: 0 the BSP (m->cpu), 1.. the APs; k < m->n_cpus. */
static inline struct cpu *board_cpu(struct emu *m, uint32_t k)
{
    return k == 0 ? &m->cpu : m->ap[k - 1];
}

/* Ask every CPU to leave cpu_run() at its next instruction boundary. */
void board_stop_cpus(struct emu *m);

/* smp.c: the application processors. Allocate cfg.cpus - 1 of them (before
 * board_wire()); 0, or -1 when out of memory. smp_destroy() frees them. */
int smp_create(struct emu *m);
void smp_destroy(struct emu *m);

/* Serve the INITs the running CPU sent to itself (lapic_serve_init()). */
void smp_serve_inits(struct emu *m);

/* emu_run() with more than one CPU: the CPUs in turns of a fixed quantum
 * of cycles, in APIC ID order (see smp.c). */
enum emu_stop smp_run(struct emu *m, uint64_t end);

/* The text the VGA shows (see emu_screen_text()). */
size_t board_screen_text(struct emu *m, char *buf, size_t len);

#endif
