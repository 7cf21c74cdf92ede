/*
 * ops_common.c - operand access, the stack and condition codes: the small
 * pieces every family of instruction handlers uses.
 */
#include "ops.h"

#include "mmu/mmu_fast.h"

int rm_read_mem(struct cpu *c, const struct insn *i, int size, uint32_t *v)
{
    return mmu_read_inline(c, i->seg, ea_offset(c, i), size, v);
}

int rm_write_mem(struct cpu *c, const struct insn *i, int size, uint32_t v)
{
    return mmu_write_inline(c, i->seg, ea_offset(c, i), size, v);
}

int rm_check_write(struct cpu *c, const struct insn *i, int size)
{
    uint64_t lin;
    if (i->modrm.mod == 3)
        return 0;
    return mmu_check(c, i->seg, ea_offset(c, i), size, MMU_WRITE, &lin);
}

/* The stack wraps at 64 KiB when SS is a 16-bit segment: SP - 2 from 0
 * is FFFE, which the limit check then judges. */
int push(struct cpu *c, int size, uint32_t v)
{
    uint32_t sp = cpu_sp(c) - (uint32_t)size;
    if (!c->stack32)
        sp &= 0xffff;
    TRY(mmu_write_inline(c, SEG_SS, sp, size, v));
    cpu_set_sp(c, sp);
    return 0;
}

int pop(struct cpu *c, int size, uint32_t *v)
{
    uint32_t sp = cpu_sp(c);
    TRY(mmu_read_inline(c, SEG_SS, sp, size, v));
    cpu_set_sp(c, sp + (uint32_t)size);
    return 0;
}

int stack_peek(struct cpu *c, uint32_t offset, int size, uint32_t *v)
{
    uint32_t sp = cpu_sp(c) + offset;
    if (!c->stack32)
        sp &= 0xffff;
    return mmu_read(c, SEG_SS, sp, size, v);
}

int jump_near(struct cpu *c, uint32_t target)
{
    /* In real mode the limit is checked too (64 KiB unless unreal). */
    if (target > c->seg[SEG_CS].limit)
        return cpu_fault(c, EXC_GP, 0);
    c->eip = target;
    return 0;
}
