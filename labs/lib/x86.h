/*
 * x86.h - the few privileged instructions a lab kernel needs, as inline
 * functions (given to students; the labs' own code uses these names).
 */
#ifndef LAB_X86_H
#define LAB_X86_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void cli(void) { __asm__ volatile("cli"); }
static inline void sti(void) { __asm__ volatile("sti"); }
static inline void hlt(void) { __asm__ volatile("hlt"); }

static inline uint32_t read_cr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr2(void) { uint32_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr3(void) { uint32_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr3(uint32_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void invlpg(uint32_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }

/* The operand of LGDT and LIDT: a limit and a linear base, packed. */
struct __attribute__((packed)) dtr {
    uint16_t limit;
    uint32_t base;
};
/* "m"(*d), not "r"(d): the compiler must know the instruction reads *d, or
 * it may never store the structure (a classic lab bug). */
static inline void lgdt(const struct dtr *d) { __asm__ volatile("lgdt %0" : : "m"(*d) : "memory"); }
static inline void lidt(const struct dtr *d) { __asm__ volatile("lidt %0" : : "m"(*d) : "memory"); }
static inline void ltr(uint16_t sel) { __asm__ volatile("ltr %0" : : "r"(sel)); }

/* lab86's isa-debug-exit device: the run ends with status (code << 1) | 1.
 * By convention 0x10 means "done". */
static inline __attribute__((noreturn)) void lab_exit(uint8_t code)
{
    outb(0xF4, code);
    for (;;)
        hlt();
}

#endif
