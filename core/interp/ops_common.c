/*
 * ops_common.c - operand access, the stack and condition codes: the small
 * pieces every family of instruction handlers uses.
 */
#include "ops.h"

uint32_t ea_offset(const struct cpu *c, const struct insn *i)
{
    uint32_t off = (uint32_t)i->disp;
    if (i->ea.base != EA_NONE)
        off += (uint32_t)c->gpr[i->ea.base];
    if (i->ea.index != EA_NONE)
        off += (uint32_t)c->gpr[i->ea.index] * i->ea.scale;
    return i->addrsize == 2 ? (uint16_t)off : off;
}

int rm_read_mem(struct cpu *c, const struct insn *i, int size, uint32_t *v)
{
    return mmu_read(c, i->seg, ea_offset(c, i), size, v);
}

int rm_write_mem(struct cpu *c, const struct insn *i, int size, uint32_t v)
{
    return mmu_write(c, i->seg, ea_offset(c, i), size, v);
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
    TRY(mmu_write(c, SEG_SS, sp, size, v));
    cpu_set_sp(c, sp);
    return 0;
}

int pop(struct cpu *c, int size, uint32_t *v)
{
    uint32_t sp = cpu_sp(c);
    TRY(mmu_read(c, SEG_SS, sp, size, v));
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

bool cond(const struct cpu *c, int cc)
{
    uint32_t f = c->eflags;
    bool r;
    switch ((cc >> 1) & 7) {
    case 0: r = f & FL_OF; break;                               /* O */
    case 1: r = f & FL_CF; break;                               /* B */
    case 2: r = f & FL_ZF; break;                               /* E */
    case 3: r = f & (FL_CF | FL_ZF); break;                     /* BE */
    case 4: r = f & FL_SF; break;                               /* S */
    case 5: r = f & FL_PF; break;                               /* P */
    case 6: r = !(f & FL_SF) != !(f & FL_OF); break;            /* L */
    default: r = (f & FL_ZF) || !(f & FL_SF) != !(f & FL_OF); break; /* LE */
    }
    return (cc & 1) ? !r : r;
}

int jump_near(struct cpu *c, uint32_t target)
{
    /* In real mode the limit is checked too (64 KiB unless unreal). */
    if (target > c->seg[SEG_CS].limit)
        return cpu_fault(c, EXC_GP, 0);
    c->eip = target;
    return 0;
}
