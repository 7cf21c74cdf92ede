/*
 * ops_stack.c - the stack instructions: PUSH and POP of registers, memory
 * and immediates, PUSHA/POPA, PUSHF/POPF, ENTER and LEAVE.
 *
 * The x86 stack lives in the SS segment and grows down. Its pointer is ESP
 * when SS is a 32-bit segment (SS.B = 1) and SP otherwise; a 16-bit stack
 * pointer wraps at 64 KiB and leaves the upper half of ESP alone. How many
 * bytes a PUSH moves is a separate matter, the OPERAND size: a 66-prefixed
 * PUSH in 32-bit code pushes a word on a 32-bit stack (SDM vol. 1, 6.2).
 * push(), pop() and stack_peek() in ops_common.c know both rules.
 *
 * References: SDM vol. 2, PUSH, POP, PUSHA/PUSHAD, POPA/POPAD, PUSHF,
 * POPF, ENTER, LEAVE; vol. 1, 3.4.3 (EFLAGS) and "Procedure Calls for
 * Block-Structured Languages" (ENTER/LEAVE).
 *
 * The instructions that move several values (PUSHA, ENTER) can fault on any
 * of their accesses. They read everything they need first, then check that
 * every stack slot they will write is writable (segment limit and paging:
 * stack_probe), and only then write and move eSP, so that a #SS or #PF
 * leaves eSP, eBP and memory as they were and the instruction restarts.
 *
 * The 386 rules the 8086 did differently: PUSH SP pushes SP as it was
 * before the push (the 8086 pushed the decremented value); POP SP loads
 * the popped value after the increment, so the increment is lost.
 *
 * Not emulated: CR4.VME (virtual interrupt flags for PUSHF/POPF in v86
 * mode) and CR4.PVI; the CPU does not advertise them.
 */
#include "ops.h"

/* The offset of the k-th slot below sp (k = 0 is the first push): the
 * slots of a PUSHA or ENTER, wrapped at 64 KiB on a 16-bit stack. */
static uint32_t stack_slot(const struct cpu *c, uint32_t sp, int k, int size)
{
    uint32_t off = sp - (uint32_t)((k + 1) * size);
    return c->stack32 ? off : (off & 0xffff);
}

/*
 * Would a write of size bytes at SS:off succeed? The segment check, then
 * the page walk for the first and last byte (a slot may straddle a page).
 * The walk may set accessed and dirty bits early; the write follows.
 */
static int stack_probe(struct cpu *c, uint32_t off, int size)
{
    uint64_t lin, pa;
    bool user = c->cpl == 3;
    TRY(mmu_check(c, SEG_SS, off, size, MMU_WRITE, &lin));
    TRY(mmu_translate(c, lin, MMU_WRITE, user, &pa));
    return mmu_translate(c, (lin + (uint64_t)size - 1) & 0xffffffffu, MMU_WRITE, user, &pa);
}

/* Write n values of size bytes into the slots below sp, vals[0] highest,
 * as n pushes would, but without moving eSP. All slots are probed before
 * the first is written, so a fault writes nothing. */
static int push_block(struct cpu *c, uint32_t sp, const uint32_t *vals, int n, int size)
{
    for (int k = 0; k < n; k++)
        TRY(stack_probe(c, stack_slot(c, sp, k, size), size));
    for (int k = 0; k < n; k++)
        TRY(mmu_write(c, SEG_SS, stack_slot(c, sp, k, size), size, vals[k]));
    return 0;
}

/* 50-57 PUSH r. PUSH eSP reads the register before push() moves it. */
int op_push_Zv(struct cpu *c, const struct insn *i)
{
    return push(c, i->osize, reg_get(c, i->opcode & 7, i->osize));
}

/* 58-5F POP r. For POP eSP, pop() first increments eSP, then the register
 * write replaces it with the popped value (SDM vol. 2, POP). */
int op_pop_Zv(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    TRY(pop(c, i->osize, &v));
    reg_set(c, i->opcode & 7, i->osize, v);
    return 0;
}

/* 68 PUSH Iz, 6A PUSH Ib: the decoder has sign-extended the Ib. */
int op_push_Iz(struct cpu *c, const struct insn *i)
{
    return push(c, i->osize, i->imm);
}

/* FF /6 PUSH Ev. The operand is read first, so PUSH [eSP] pushes the value
 * at the old top of stack. */
int op_push_Ev(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    TRY(rm_read(c, i, i->osize, &v));
    return push(c, i->osize, v);
}

/*
 * 8F /0 POP Ev. The SDM: "If the ESP register is used as a base register
 * for addressing a destination operand in memory, the POP instruction
 * computes the effective address of the operand after it increments the
 * ESP register." So eSP moves first and rm_write computes the address;
 * if that write faults, eSP goes back to its old value.
 */
int op_pop_Ev(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    uint64_t old_esp = c->gpr[R_ESP];
    TRY(stack_peek(c, 0, i->osize, &v));
    cpu_set_sp(c, cpu_sp(c) + (uint32_t)i->osize);
    if (rm_write(c, i, i->osize, v)) {
        c->gpr[R_ESP] = old_esp;
        return CPU_FAULT;
    }
    return 0;
}

/*
 * 60 PUSHA/PUSHAD: push eAX eCX eDX eBX, the ORIGINAL eSP, eBP eSI eDI.
 * The register numbers 0-7 are exactly that order, and every value is read
 * before eSP moves, so the eSP slot holds the value before the instruction.
 */
int op_pusha(struct cpu *c, const struct insn *i)
{
    uint32_t vals[8];
    uint32_t sp = cpu_sp(c);
    for (int n = R_EAX; n <= R_EDI; n++)
        vals[n] = reg_get(c, n, i->osize);
    TRY(push_block(c, sp, vals, 8, i->osize));
    cpu_set_sp(c, sp - 8u * (uint32_t)i->osize);
    return 0;
}

/*
 * 61 POPA/POPAD: pop eDI eSI eBP, skip the saved eSP, then eBX eDX eCX
 * eAX. All eight slots are read before any register is written. With a
 * 16-bit operand the upper halves of the registers are kept.
 */
int op_popa(struct cpu *c, const struct insn *i)
{
    uint32_t vals[8];
    for (int k = 0; k < 8; k++)
        TRY(stack_peek(c, (uint32_t)(k * i->osize), i->osize, &vals[k]));
    for (int k = 0; k < 8; k++) {
        if (R_EDI - k != R_ESP)
            reg_set(c, R_EDI - k, i->osize, vals[k]);
    }
    cpu_set_sp(c, cpu_sp(c) + 8u * (uint32_t)i->osize);
    return 0;
}

/*
 * 9C PUSHF/PUSHFD: push EFLAGS (the low 16 bits with a 16-bit operand).
 * The image has VM and RF clear: a v86 monitor must not learn from a
 * PUSHF that it runs in v86 mode, and RF belongs to the debug machinery.
 * In v86 mode PUSHF is IOPL-sensitive: #GP(0) unless IOPL = 3.
 */
int op_pushf(struct cpu *c, const struct insn *i)
{
    if (cpu_v86(c) && cpu_iopl(c) < 3)
        return cpu_fault(c, EXC_GP, 0);
    return push(c, i->osize, c->eflags & ~(FL_VM | FL_RF));
}

/*
 * The EFLAGS bits POPF may write (SDM vol. 2, POPF, "Operation"):
 *  - the arithmetic flags, TF, DF, NT, AC and ID always;
 *  - IF only when CPL <= IOPL (real mode has CPL 0, v86 mode CPL 3);
 *  - IOPL only at CPL 0, which includes real mode.
 * A bit POPF may not write keeps its value without any fault. VM, RF, VIF
 * and VIP are never written (RF is 0 already: every instruction clears it
 * as it starts). A 16-bit POPF writes bits 0-15 only.
 */
static uint32_t popf_mask(const struct cpu *c, int size)
{
    uint32_t mask = FL_ARITH | FL_TF | FL_DF | FL_NT | FL_AC | FL_ID;
    if (c->cpl <= cpu_iopl(c))
        mask |= FL_IF;
    if (c->cpl == 0)
        mask |= FL_IOPL;
    return size == 2 ? (mask & 0xffff) : mask;
}

/* 9D POPF/POPFD: pop into EFLAGS under popf_mask(). In v86 mode #GP(0)
 * unless IOPL = 3 (and then IOPL itself stays, CPL being 3). */
int op_popf(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    if (cpu_v86(c) && cpu_iopl(c) < 3)
        return cpu_fault(c, EXC_GP, 0);
    TRY(pop(c, i->osize, &v));
    cpu_set_eflags(c, v, popf_mask(c, i->osize));
    return 0;
}

/*
 * Collect what ENTER pushes into vals: the caller's eBP, then level - 1
 * frame pointers copied from the caller's display at eBP - size, eBP -
 * 2*size, ..., then the new frame pointer frame_temp. Returns the count
 * through *n. These reads are the only reads ENTER makes, and they come
 * before anything is written.
 */
static int enter_gather(struct cpu *c, const struct insn *i, uint32_t frame_temp, uint32_t vals[33],
                        int *n)
{
    unsigned level = i->imm2 % 32;
    uint32_t bp = reg_get(c, R_EBP, c->stack32 ? 4 : 2);

    *n = 0;
    vals[(*n)++] = reg_get(c, R_EBP, i->osize);
    if (level == 0)
        return 0;
    for (unsigned k = 1; k < level; k++) {
        uint32_t off = bp - k * (uint32_t)i->osize;
        if (!c->stack32)
            off &= 0xffff;
        TRY(mmu_read(c, SEG_SS, off, i->osize, &vals[*n]));
        (*n)++;
    }
    vals[(*n)++] = frame_temp;
    return 0;
}

/*
 * C8 ENTER Iw,Ib: build a procedure frame (SDM vol. 2, ENTER). Nesting
 * level Ib mod 32 decides how many frame pointers of the enclosing
 * procedures are copied into the new frame's display; Iw is the size of
 * the locals. Push widths follow the operand size; the frame-pointer walk
 * and the stack pointer follow the stack size (BP/SP or EBP/ESP); eBP
 * receives the new frame pointer at the operand size.
 *
 * The SDM lists #SS(0) "if the new value of the SP or ESP register is
 * outside the stack segment limit": the eSP left after the locals are
 * allocated is checked as a one-byte access, which applies the rule of
 * expand-down stacks as well. The check and the slot probes precede every
 * write, so a faulting ENTER changes nothing.
 */
int op_enter(struct cpu *c, const struct insn *i)
{
    uint32_t vals[33], sp = cpu_sp(c);
    uint32_t frame_temp = stack_slot(c, sp, 0, i->osize);
    uint64_t lin;
    int n;

    TRY(enter_gather(c, i, frame_temp, vals, &n));
    uint32_t new_sp = stack_slot(c, sp, n - 1, i->osize) - (i->imm & 0xffff);
    if (!c->stack32)
        new_sp &= 0xffff;
    TRY(mmu_check(c, SEG_SS, new_sp, 1, MMU_WRITE, &lin));
    TRY(push_block(c, sp, vals, n, i->osize));
    reg_set(c, R_EBP, i->osize, frame_temp);
    cpu_set_sp(c, new_sp);
    return 0;
}

/*
 * C9 LEAVE: release the frame ENTER made: eSP = eBP (SP = BP on a 16-bit
 * stack), then pop eBP (by operand size). The pop is read at eBP before
 * eSP changes, so a fault leaves both registers alone.
 */
int op_leave(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    uint32_t bp = reg_get(c, R_EBP, c->stack32 ? 4 : 2);
    TRY(mmu_read(c, SEG_SS, bp, i->osize, &v));
    cpu_set_sp(c, bp + (uint32_t)i->osize);
    reg_set(c, R_EBP, i->osize, v);
    return 0;
}
