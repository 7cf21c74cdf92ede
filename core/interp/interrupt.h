/*
 * interrupt.h - delivering interrupts and exceptions, IRET, and hardware
 * task switches (SDM vol. 3, chapters 6 and 7).
 */
#ifndef LAB86_INTERRUPT_H
#define LAB86_INTERRUPT_H

#include "cpu.h"
#include "mmu/seg.h"

/* Where an interrupt comes from: it decides the gate DPL check (software
 * INT n, INT3 and INTO check DPL >= CPL; exceptions and external interrupts
 * do not), the EXT bit of error codes, and the v86-mode IOPL rule. */
enum int_kind {
    INT_EXCEPTION, /* raised by the CPU (fault or trap) */
    INT_EXTERNAL,  /* from the INTR or NMI pin */
    INT_SOFTWARE,  /* INT n */
    INT_SOFT_EXC,  /* INT3, INTO: software, but with the exception vector */
    INT_ICEBP,     /* F1: #DB without the DPL check */
};

/* Deliver vector through the IVT (real mode) or the IDT: push the frame
 * (with err when has_err), switch stacks or tasks as the gate demands, load
 * CS:EIP. The pushed return address is c->eip. Returns CPU_FAULT with c->exc
 * set when delivery itself faults (the caller applies the double-fault
 * rules). */
int WUR cpu_interrupt(struct cpu *c, int vector, int kind, bool has_err, uint32_t err);

/* Deliver the exception in c->exc (EIP already rewound to the faulting
 * instruction for faults) with the double-fault rules of SDM table 6-5:
 * a contributory fault or #PF during #PF delivery becomes #DF; a fault
 * during #DF delivery is a triple fault, which sets c->stop = CPU_SHUTDOWN. */
void cpu_exception(struct cpu *c);

/* Why a task switch happens: it decides busy bits, NT and the back link. */
enum task_reason { TASK_JMP, TASK_CALL, TASK_IRET, TASK_INT };

/* Switch to the task whose TSS descriptor (already read) is sel/d: save the
 * current state in the old TSS, load the new, with every check of SDM 7.3.
 * For TASK_INT with has_err, push err on the new task's stack. */
int WUR task_switch(struct cpu *c, uint16_t sel, struct desc d, int reason, bool has_err,
                    uint32_t err);

/* Set the accessed bit of the code or data descriptor sel/d in its table if
 * it is clear (the CPU does so whenever it loads a segment register), and
 * in *d. Returns 0 or CPU_FAULT (#PF on the table). (interrupt.c) */
int WUR cpu_set_accessed(struct cpu *c, uint16_t sel, struct desc *d);

/* Load segment register sreg as virtual-8086 mode does: base = sel * 16,
 * limit 64 KiB, a present DPL-3 segment. Used on entry to v86 mode by IRET
 * and by a task switch. (ops_int.c) */
void cpu_load_v86_seg(struct cpu *c, int sreg, uint16_t sel);

#endif
