/*
 * board_internal.h - what the board's two files share: board.c (the ISA
 * board, the whole schematic, reset and the device registry) calls
 * board_pc.c (the pc board's PCI side, fw_cfg and the APICs) through these.
 * On the ISA board each of them does what stands in for the pc board's
 * part, or nothing.
 */
#ifndef LAB86_BOARD_INTERNAL_H
#define LAB86_BOARD_INTERNAL_H

#include "board.h"

/* PCI configuration mechanism #1 and the shadow area's PAM bits (pc
 * board); on the ISA board the configuration ports claimed empty and the
 * shadow area plain RAM. Before the keyboard controller: see board.c. */
void board_wire_pci_host(struct emu *m);

/* The VGA's PCI face (pc board; after the VGA). */
void board_wire_pci_vga(struct emu *m);

/* QEMU's fw_cfg for SeaBIOS (pc board). */
void board_wire_fwcfg(struct emu *m);

/* A local APIC per CPU and the I/O APIC (pc board), after the BSP's INTA
 * is wired to the PIC. 0, or -1 when out of memory. */
int board_wire_apics(struct emu *m);

/* The RAM hole for the VGA window and every shadow segment that is not
 * plain RAM, after a PAM change; flushes every CPU's TLB. */
void board_update_shadow(struct emu *m);

/* The APs to their power-on state, the local APICs and the I/O APIC reset
 * (board_reset(), after the BSP's reset). */
void board_reset_apics(struct emu *m);

#endif
