/*
 * ops_ctrl.c - near control transfers: Jcc, JMP, CALL and RET within the
 * current code segment, and the counted loops LOOP/LOOPE/LOOPNE and JCXZ.
 *
 * A near transfer changes only EIP (and, for CALL and RET, the stack); CS
 * stays. Far transfers, which load CS and may change privilege level, live
 * with the other segment-loading instructions.
 *
 * References: SDM vol. 2, Jcc, JMP, CALL, RET, LOOP/LOOPcc, JCXZ/JECXZ.
 *
 * The encodings. A relative transfer stores the distance from the END of
 * the instruction to the target, as a signed byte (the "short" forms: EB,
 * 70-7F, E0-E3) or a signed word or dword by operand size (E8, E9, 0F
 * 80-8F). So EB FE is "jump to myself", the classic idle loop: the next
 * instruction is 2 bytes on, and -2 comes back. An indirect transfer (FF /2,
 * FF /4) takes the target offset itself from a register or memory. The
 * decoder has already sign-extended every displacement into i->imm.
 *
 * Three rules recur in every handler here:
 *
 *  - When a handler runs, c->eip already holds the address of the next
 *    instruction, so a relative target is simply eip + displacement.
 *  - The target is cut to 16 bits when the OPERAND size is 16 (SDM: "IF
 *    OperandSize = 16 THEN EIP <- tempEIP AND 0000FFFFH"): a 16-bit jump
 *    backwards from 0010 by 20 lands at FFF0, not at FFFFFFF0. The counter
 *    of LOOP and JCXZ, on the other hand, is CX or ECX by ADDRESS size.
 *  - The target is checked against the CS limit (#GP(0)), in real mode as
 *    well, before anything is committed. CALL checks it before it pushes,
 *    so a CALL that faults leaves ESP and the stack pointer unchanged, and
 *    LOOP checks it before it writes the decremented counter, so that the
 *    restarted instruction does not count twice.
 *
 * Cost: the table holds a conditional branch's not-taken cost; a handler
 * that jumps reports it with cycles_taken() (cycles.h), after the jump
 * succeeded, so that a faulting branch is charged nothing extra.
 *
 * Not emulated: branch prediction. The 2E/3E "hint" prefixes on Jcc are
 * segment overrides to the decoder and mean nothing to a near jump.
 */
#include "ops.h"

#include "cycles.h"

/* The target of a relative transfer: next EIP + the sign-extended
 * displacement the decoder left in i->imm, cut to the operand size. */
static uint32_t rel_target(const struct cpu *c, const struct insn *i)
{
    uint32_t target = (uint32_t)c->eip + i->imm;
    return i->osize == 2 ? (target & 0xffff) : target;
}

/* Would a near transfer to target leave the code segment? */
static bool beyond_cs_limit(const struct cpu *c, uint32_t target)
{
    return target > c->seg[SEG_CS].limit;
}

/*
 * 70-7F Jcc rel8 and 0F 80-8F Jcc rel16/32: jump if condition cc holds.
 * The condition is the low nibble of the opcode in both maps, in the order
 * O NO B AE E NE BE A S NS P NP L GE LE G that cond() decodes.
 */
int op_jcc(struct cpu *c, const struct insn *i)
{
    if (!cond(c, i->opcode & 0xf))
        return 0;
    TRY(jump_near(c, rel_target(c, i)));
    cycles_taken(c, i);
    return 0;
}

/* EB/E9 JMP rel8/rel16/32, and FF /4 JMP Ev: the target is the r/m operand,
 * a 16- or 32-bit offset by operand size (an absolute, not relative,
 * address). */
int op_jmp_near(struct cpu *c, const struct insn *i)
{
    uint32_t target;
    if (i->has_modrm)
        TRY(rm_read(c, i, i->osize, &target));
    else
        target = rel_target(c, i);
    return jump_near(c, target);
}

/*
 * E8 CALL rel16/32 and FF /2 CALL Ev: push the return address (the next
 * instruction's offset, as a word or dword by operand size) and jump.
 *
 * The indirect form reads its target before it pushes: CALL [ESP] uses the
 * value at the old top of stack. The limit check comes before the push so
 * that a #GP leaves the stack pointer unchanged; the push itself commits
 * ESP only when the write succeeds, and it is the last access that can
 * fault.
 */
int op_call_near(struct cpu *c, const struct insn *i)
{
    uint32_t target;
    if (i->has_modrm)
        TRY(rm_read(c, i, i->osize, &target));
    else
        target = rel_target(c, i);
    if (beyond_cs_limit(c, target))
        return cpu_fault(c, EXC_GP, 0);
    TRY(push(c, i->osize, (uint32_t)c->eip));
    c->eip = target;
    return 0;
}

/*
 * C3 RET and C2 RET Iw: pop the return offset (word or dword by operand
 * size), then release Iw more bytes: the arguments, in the conventions
 * where the callee removes them (Pascal, Win32 stdcall).
 *
 * The offset is read in place and eSP is moved only after the limit check
 * passes, so a #GP (a corrupt return address) leaves the stack as it was.
 * eSP wraps at 64 KiB on a 16-bit stack (cpu_set_sp writes only SP then).
 */
int op_ret_near(struct cpu *c, const struct insn *i)
{
    uint32_t target;
    TRY(stack_peek(c, 0, i->osize, &target));
    if (beyond_cs_limit(c, target))
        return cpu_fault(c, EXC_GP, 0);
    c->eip = target;
    cpu_set_sp(c, cpu_sp(c) + (uint32_t)i->osize + (i->imm & 0xffff));
    return 0;
}

/*
 * E0 LOOPNE, E1 LOOPE, E2 LOOP: decrement the counter (CX or ECX by
 * address size, so 67 E2 in 16-bit code counts with ECX), then jump if it
 * is not zero and, for LOOPE/LOOPNE, ZF is 1/0. The decrement does not
 * change any flag: the ZF tested is the one a CMP before the loop left.
 */
int op_loop(struct cpu *c, const struct insn *i)
{
    uint32_t count = (reg_get(c, R_ECX, i->addrsize) - 1) & size_mask(i->addrsize);
    bool zf = (c->eflags & FL_ZF) != 0;
    bool taken = count != 0;

    if (i->opcode == 0xe0)
        taken = taken && !zf;
    else if (i->opcode == 0xe1)
        taken = taken && zf;
    if (taken) {
        TRY(jump_near(c, rel_target(c, i)));
        cycles_taken(c, i);
    }
    reg_set(c, R_ECX, i->addrsize, count);
    return 0;
}

/* E3 JCXZ/JECXZ: jump if CX (or ECX, by address size) is zero. The counter
 * is only tested, never changed. */
int op_jcxz(struct cpu *c, const struct insn *i)
{
    if (reg_get(c, R_ECX, i->addrsize) != 0)
        return 0;
    TRY(jump_near(c, rel_target(c, i)));
    cycles_taken(c, i);
    return 0;
}
