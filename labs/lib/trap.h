/*
 * trap.h - what isr.asm hands to trap(): the registers of the interrupted
 * code and what the CPU pushed (given code).
 *
 * isr.asm has one entry point per vector in isr_stubs[] (vectors 0-47 and
 * 0x80). Each pushes an error code (0 when the CPU pushes none) and its
 * vector, saves the registers and calls trap(tf); when trap() returns, the
 * registers are restored and IRET resumes the interrupted code.
 */
#ifndef LAB_TRAP_H
#define LAB_TRAP_H

#include <stdint.h>

struct trapframe {
    uint32_t gs, fs, es, ds;                         /* pushed by isr.asm */
    uint32_t edi, esi, ebp, esp_dummy, ebx, edx, ecx, eax; /* PUSHAD */
    uint32_t vector, error;                          /* pushed by the stub */
    uint32_t eip, cs, eflags;                        /* pushed by the CPU */
    uint32_t esp, ss;                                /* only from ring 3 */
};

/* Entry points of the vectors 0-47 (index = vector) and of 0x80 (index 48). */
#define ISR_NSTUBS 49
#define ISR_SYSCALL_INDEX 48
extern uint32_t isr_stubs[ISR_NSTUBS];

/* Written by the lab: called for every interrupt and exception. */
void trap(struct trapframe *tf);

#endif
