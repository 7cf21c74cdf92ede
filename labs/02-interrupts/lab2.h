/*
 * lab2.h - the functions of lab 2 and what they must do (given).
 */
#ifndef LAB2_H
#define LAB2_H

#include <stdint.h>

#include "trap.h"

/* Selectors of your GDT: entry 1 ring-0 code, entry 2 ring-0 data, both
 * flat (base 0, limit 4 GiB, 32-bit). isr.asm loads KERNEL_DS. */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10

/* The vectors the 8259 pair delivers after pic_init(): IRQ n arrives as
 * vector IRQ_BASE + n. */
#define IRQ_BASE 32
#define IRQ_TIMER 0
#define IRQ_KEYBOARD 1

/* gdt.c: load a GDT with the null descriptor and the two flat segments,
 * then reload CS (a far jump or far return) and the data segment registers. */
void gdt_init(void);

/* idt.c: an IDT of 256 entries; entries 0-47 are interrupt gates (DPL 0,
 * present, 32-bit) to isr_stubs[0..47] through KERNEL_CS; then LIDT. */
void idt_init(void);

/* pic.c: reinitialise the two 8259s (ICW1-ICW4) so that IRQ 0-7 arrive
 * at vectors 32-39 and IRQ 8-15 at 40-47, slave on IRQ 2, 8086 mode; mask
 * every IRQ but 0 (timer), 1 (keyboard) and 2 (the cascade). */
void pic_init(void);
/* Acknowledge IRQ irq (0-15): a non-specific EOI to the master, and to the
 * slave first when irq >= 8. */
void pic_eoi(int irq);

/* pit.c: program PIT channel 0 in mode 2 (rate generator) for hz
 * interrupts a second (the PIT's input clock is 1193182 Hz). */
void pit_init(uint32_t hz);
/* Timer interrupts since pit_init(); the grader reads it. */
extern volatile uint32_t ticks;
/* Called from trap() on each timer interrupt. */
void pit_tick(void);

/* kbd.c: called from trap() on each keyboard interrupt: read the scan code
 * from port 0x60 and, for the key presses (not releases) of the letters
 * a-z, the digits and space, print "key: X\n" on COM1. */
void kbd_irq(void);

#endif
