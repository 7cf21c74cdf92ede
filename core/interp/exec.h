/*
 * exec.h - running instructions: the interpreter cores' interface.
 */
#ifndef LAB86_EXEC_H
#define LAB86_EXEC_H

#include "cpu.h"
#include "insn.h"

/* Costs outside the per-instruction table (doc/cycles.md). */
#define CYCLES_INTERRUPT 26  /* accepting an external interrupt */
#define CYCLES_EXCEPTION 26  /* delivering an exception */

/* DR6 status bits (SDM vol. 3, 17.2.3). */
#define DR6_B0 0x0001u /* breakpoint 0 matched (B1-B3 follow) */
#define DR6_BD 0x2000u /* debug register access detected */
#define DR6_BS 0x4000u /* single step */
#define DR6_BT 0x8000u /* task switch with the T bit */

/* Execute one instruction, or accept one interrupt, or deliver one fault. */
void cpu_step(struct cpu *c);

/* Run until c->cycles reaches until_cycle or the CPU halts or shuts down.
 * Returns the number of instructions retired. */
uint64_t cpu_run(struct cpu *c, uint64_t until_cycle);

/* Fetch and decode the instruction at CS:EIP (faults as the CPU would). */
int WUR cpu_fetch_decode(struct cpu *c, struct insn *i);

#endif
