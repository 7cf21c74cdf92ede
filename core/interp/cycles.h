/*
 * cycles.h - the cycle cost model: what an instruction, an interrupt, a task
 * switch and a page walk cost in virtual time. doc/cycles.md is the page a
 * student reads; this header and cycles.c are its implementation.
 *
 * lab86 models an in-order 486-class CPU: every cost comes from the i486
 * clock counts (Intel's i486 Programmer's Reference Manual and data book,
 * instruction timing tables), with no caches and no pipeline. That makes the
 * cycle count a pure function of the instructions executed, the same on any
 * host and under either interpreter core.
 *
 * An instruction's cost has two parts:
 *
 *   static   what the decoded instruction and the mode say: the cycles
 *            column of opcodes.def (register or memory form), the operand
 *            size, the mode for I/O and segment loads. cycles_insn().
 *   dynamic  what only the handler finds out: a conditional branch was
 *            taken, a REP moved n elements, a far transfer went through a
 *            call gate. Handlers report it with cycles_taken(),
 *            cycles_path() and the REP functions, which add to
 *            c->cycle_extra.
 *
 * The interpreter cores charge both parts at one point: cycles_retire()
 * when the instruction completes, cycles_abort() when it faults (the
 * dynamic part is work done before the fault: REP elements completed).
 * Costs that belong to no handler are added to c->cycles where they
 * happen, the same code for every core: interrupt and exception delivery
 * (interrupt.c), the task switch (task.c), the page walk (paging.c).
 */
#ifndef LAB86_CYCLES_H
#define LAB86_CYCLES_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "insn.h"

/* Interrupt and exception entry, by the path delivery takes (interrupt.c). */
#define CYCLES_INT_REAL      26 /* real mode, through the IVT (INT3, exceptions, IRQs) */
#define CYCLES_INT_REAL_SOFT 30 /* real mode, INT n */
#define CYCLES_INT_SAME      44 /* protected mode, interrupt/trap gate, same privilege */
#define CYCLES_INT_INNER     71 /* protected mode, to a more privileged level */
#define CYCLES_INT_V86       86 /* from virtual-8086 mode to ring 0 */
#define CYCLES_INT_TASK      37 /* through a task gate; the task switch is added */

/* A task switch ("TS" in the i486 tables), by the new task's TSS (task.c). */
#define CYCLES_TS_32  199 /* to a 32-bit TSS */
#define CYCLES_TS_V86 177 /* to a 32-bit TSS whose EFLAGS image has VM = 1 */
#define CYCLES_TS_16  180 /* to a 16-bit TSS */

/* A TLB miss: each page-table entry the walk reads (paging.c). */
#define CYCLES_WALK_LEVEL 6

/* A segment register load in protected mode, over its real-mode cost. */
#define CYCLES_SEG_PM 6

/* A Jcc that is taken costs this much over one that is not (3 against 1
 * in the i486 table). */
#define CYCLES_TAKEN_JCC 2

/* A REP string instruction that finds eCX = 0 and does nothing. */
#define CYCLES_REP_EMPTY 5

/* The path a far JMP, CALL, RET or IRET took in protected mode. */
enum cycles_path {
    PATH_SAME,      /* to a code segment at the same privilege level */
    PATH_GATE,      /* through a call gate, same level */
    PATH_INNER,     /* CALL through a call gate to a more privileged level */
    PATH_OUTER,     /* RETF or IRET to a less privileged level or v86 mode */
    PATH_TSS,       /* JMP or CALL to a TSS descriptor: a task switch */
    PATH_TASK_GATE, /* JMP or CALL through a task gate: a task switch */
    PATH_NESTED,    /* IRET with NT = 1: back to the previous task */
};

/* The static cost of instruction i, which has just completed on c: the
 * opcodes.def cost of its register or memory form, adjusted for operand
 * size and mode. 0 for a REP string instruction: its handler reports the
 * whole cost (cycles_rep_element(), cycles_rep_end()). The definition:
 * cycles_insn() below is the same answer, faster. */
uint32_t cycles_insn_full(const struct cpu *c, const struct insn *i);

/* cycles.c's table, by enum op: opcodes.def's cycles column for the
 * register form and for the memory form, and the rule (cycles.c's enum
 * cost_class) that adjusts it, 0 where none does: most instructions. Read
 * only by cycles_insn(). */
extern const uint8_t cycles_cost_reg[OP_COUNT];
extern const uint8_t cycles_cost_mem[OP_COUNT];
extern const uint8_t cycles_op_class[OP_COUNT];

/* cycles_insn_full(), with the table lookup in line for the instructions
 * no rule adjusts, and the call only for the others (MUL/DIV, segment
 * loads, port I/O, ENTER, MOV CRn, strings, x87). The switch core asks once
 * per instruction run: the call was ~20 host instructions of its ~300 a
 * guest instruction on bench.asm. test_cycles checks the two agree for
 * every op in every mode. */
static inline uint32_t cycles_insn(const struct cpu *c, const struct insn *i)
{
    if (cycles_op_class[i->op] != 0)
        return cycles_insn_full(c, i);
    return i->has_modrm && i->modrm.mod != 3 ? cycles_cost_mem[i->op] : cycles_cost_reg[i->op];
}

/* Marks a cost that cycles_insn_fixed() cannot give: it depends on the mode. */
#define CYCLES_DYNAMIC 0xffffu

/* The static cost of i when it depends on i alone, as cycles_insn() would
 * return it on any CPU; CYCLES_DYNAMIC when it depends on the mode or CPL
 * (segment loads, port I/O, single INS/OUTS). The threaded core asks once
 * per decoded instruction instead of once per instruction run. */
uint16_t cycles_insn_fixed(const struct insn *i);

/* A conditional branch (Jcc, LOOP/LOOPcc, JCXZ) was taken: add the taken
 * cost over the not-taken one in the table. Call after the jump succeeded. */
void cycles_taken(struct cpu *c, const struct insn *i);

/* Far transfer or IRET i took path p in protected mode (params: the
 * parameters a call gate copied): add its cost over the real-mode one in
 * the table. A task switch's own cost is added by task_switch(). */
void cycles_path(struct cpu *c, const struct insn *i, enum cycles_path p, unsigned params);

/* REP string instruction i: the cost of one element, added by the handler
 * after each element completes. */
uint32_t cycles_rep_element(const struct insn *i);

/* REP string instruction i has finished (eCX reached 0, or the comparison
 * ended it); any_done: it ran at least one element. Its start-up cost, or
 * CYCLES_REP_EMPTY when it found eCX = 0. Paid once, however many handler
 * calls the elements took. */
uint32_t cycles_rep_end(const struct cpu *c, const struct insn *i, bool any_done);

/* The cost of a task switch into a TSS of that kind. */
uint32_t cycles_task_switch(bool tss32, bool v86);

/* Charge instruction i, which completed: its static cost and what its
 * handler reported. Both interpreter cores call this once per instruction
 * retired, so they agree cycle for cycle by construction.
 *
 * `make CYCLE_MODEL=0` (LAB86_FLAT_CYCLES) builds a lab86 that charges one
 * cycle an instruction instead, for one purpose: `make bench` runs it beside
 * the real build to measure what the model costs (the speed issue's target
 * is at most 10%). Its runs are deterministic too, but not the machine
 * doc/cycles.md describes; nothing else uses it. */
static inline void cycles_retire(struct cpu *c, const struct insn *i)
{
#ifdef LAB86_FLAT_CYCLES
    (void)i;
    c->cycles++;
#else
    c->cycles += cycles_insn(c, i) + c->cycle_extra;
#endif
    c->cycle_extra = 0;
}

/* cycles_retire() for an instruction whose cycles_insn_fixed() was taken
 * earlier: fixed is that value. The same sum, without the table lookups
 * (the threaded core's hot path). */
static inline void cycles_retire_fixed(struct cpu *c, const struct insn *i, uint32_t fixed)
{
#ifdef LAB86_FLAT_CYCLES
    (void)i;
    (void)fixed;
    c->cycles++;
#else
    c->cycles += (fixed != CYCLES_DYNAMIC ? fixed : cycles_insn(c, i)) + c->cycle_extra;
#endif
    c->cycle_extra = 0;
}

/* Charge an instruction that faulted: only the work its handler reported
 * before the fault (the delivery of the exception costs its own cycles). */
static inline void cycles_abort(struct cpu *c)
{
    c->cycles += c->cycle_extra;
    c->cycle_extra = 0;
}

#endif
