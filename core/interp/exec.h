/*
 * exec.h - running instructions: the interpreter cores' interface.
 */
#ifndef LAB86_EXEC_H
#define LAB86_EXEC_H

#include "cpu.h"
#include "cycles.h"
#include "insn.h"

/* Cycle accounting (doc/cycles.md): a core charges a retired instruction
 * with cycles_retire() and a faulting one with cycles_abort() (cycles.h);
 * interrupt and exception entry charge themselves in interrupt.c. */

/* DR6 status bits (SDM vol. 3, 17.2.3). */
#define DR6_B0 0x0001u /* breakpoint 0 matched (B1-B3 follow) */
#define DR6_BD 0x2000u /* debug register access detected */
#define DR6_BS 0x4000u /* single step */
#define DR6_BT 0x8000u /* task switch with the T bit */

/* DR7 fields (SDM vol. 3, 17.2.4): breakpoint n is enabled by L<n> (bit 2n)
 * or G<n> (bit 2n+1); R/W<n> (bits 16+4n) picks execute, write, I/O or
 * read/write; LEN<n> (bits 18+4n) the size of a data breakpoint. */
#define DR7_ENABLE_MASK 0xffu /* L0 G0 .. L3 G3: any breakpoint enabled */

/* Data breakpoints: record in c->dr6_pending the DR6.Bn bits of the enabled
 * DR0-DR3 data breakpoints that the access of size bytes at linear address
 * lin matches (write: the access stores). The #DB trap is delivered by
 * cpu_step after the instruction completes. Called by the memory access
 * path when c->dr[7] & DR7_ENABLE_MASK (debugreg.c). */
void dr_check_data(struct cpu *c, uint64_t lin, int size, bool write);

/* Instruction breakpoints: when EFLAGS.RF is clear and an enabled execute
 * breakpoint matches the linear address of CS:EIP, set its DR6.Bn bit and
 * raise #DB (a fault: the instruction has not run). Returns 0 or CPU_FAULT. */
int WUR dr_check_exec(struct cpu *c);

/* Deliver the #DB trap for the DR6 bits in c->dr6_pending (single step,
 * data breakpoints, task-switch T bit), after copying them into DR6. */
void cpu_debug_trap(struct cpu *c);

/* Execute one instruction, or accept one interrupt, or deliver one fault. */
void cpu_step(struct cpu *c);

/* Run until c->cycles reaches until_cycle (or c->deadline, which a timer
 * armed meanwhile may have lowered), the CPU halts or shuts down, or
 * c->stop_request is set. Returns the number of instructions retired. */
uint64_t cpu_run(struct cpu *c, uint64_t until_cycle);

/* The threaded core (exec_threaded.c): the same contract as cpu_run(), and
 * the same result instruction for instruction and cycle for cycle, faster:
 * basic blocks are decoded once and kept in c->tcache (tcache.h, made on
 * the first call). It runs cpu_step() instead whenever something watches
 * single instructions: EFLAGS.TF, an enabled DR7 breakpoint, a pending
 * debug trap, c->single_step_only. */
uint64_t cpu_run_threaded(struct cpu *c, uint64_t until_cycle);

/* Compare CPUs a and b as the lock-step mode does (cpu_diff.c): one line
 * "name: a | b" per difference written to out (truncated to len); returns
 * the number of differences, 0 when they agree. */
int cpu_diff(const struct cpu *a, const struct cpu *b, char *out, size_t len);

/* Fetch and decode the instruction at CS:EIP (faults as the CPU would). */
int WUR cpu_fetch_decode(struct cpu *c, struct insn *i);

#endif
