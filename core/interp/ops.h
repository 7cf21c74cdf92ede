/*
 * ops.h - what every instruction handler shares: operand access, the stack,
 * condition codes, flags and the handler prototypes.
 *
 * A handler is op_<name>(struct cpu *c, const struct insn *i), named in
 * opcodes.def. When it runs, c->eip already points at the next instruction
 * (c->prev_eip at this one). It returns 0, or CPU_FAULT with c->exc set; a
 * handler must not commit any architectural state before its last access
 * that can fault, so that a faulting instruction restarts cleanly.
 */
#ifndef LAB86_OPS_H
#define LAB86_OPS_H

#include "cpu.h"
#include "insn.h"
#include "mmu/mmu.h"

/* Handler prototypes, one per distinct handler name in opcodes.def. */
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc)                             \
    int op_##handler(struct cpu *c, const struct insn *i);
#include "opcodes.def"
#undef OP

/* --- operands (ops_common.c) --- */

/* Offset of the memory operand of an instruction with a 32-bit address
 * size: base + index*scale + disp. A missing base or index is EA_NONE,
 * R8, which is always 0 (insn.h): no test of the address's shape (two
 * branches fewer on every memory operand). The threaded core's specialised
 * memory forms use it alone: tcache_specialise() gives those forms to
 * instructions with a 32-bit address only, which spares each access the
 * address-size test (host instructions a guest instruction, threaded
 * core, by callgrind: the Linux decompressor 27.75 -> 26.91, bench.asm
 * 36.35 -> 36.07). */
static inline uint32_t ea_offset32(const struct cpu *c, const struct insn *i)
{
    return (uint32_t)i->disp + (uint32_t)c->gpr[i->ea.base] +
           (uint32_t)c->gpr[i->ea.index] * i->ea.scale;
}

/* Offset of the memory operand, masked to the address size. Inline: every
 * memory operand computes it. */
static inline uint32_t ea_offset(const struct cpu *c, const struct insn *i)
{
    uint32_t off = ea_offset32(c, i);
    return i->addrsize == 2 ? (uint16_t)off : off;
}

/* The memory form of rm_read()/rm_write() below: i->seg:ea (mod != 3). */
int WUR rm_read_mem(struct cpu *c, const struct insn *i, int size, uint32_t *v);
int WUR rm_write_mem(struct cpu *c, const struct insn *i, int size, uint32_t v);

/* The r/m operand of size bytes: a register (mod = 3) or memory at i->seg:ea.
 * Inline so that the register form, most r/m operands a kernel uses, costs
 * no call (the two calls were 5% of bench's run time in the threaded core). */
static inline int WUR rm_read(struct cpu *c, const struct insn *i, int size, uint32_t *v)
{
    if (i->modrm.mod == 3) {
        *v = reg_get(c, i->modrm.rm, size);
        return 0;
    }
    return rm_read_mem(c, i, size, v);
}

static inline int WUR rm_write(struct cpu *c, const struct insn *i, int size, uint32_t v)
{
    if (i->modrm.mod == 3) {
        reg_set(c, i->modrm.rm, size, v);
        return 0;
    }
    return rm_write_mem(c, i, size, v);
}
/* Check that the r/m operand is writable (no-op for registers); used by
 * read-modify-write instructions before they change any register. */
int WUR rm_check_write(struct cpu *c, const struct insn *i, int size);

/* --- the stack (ops_common.c) --- */

/* Push size (2 or 4) bytes at SS:eSP-size; eSP is updated only on success. */
int WUR push(struct cpu *c, int size, uint32_t v);
/* Pop size bytes; eSP is updated only on success. */
int WUR pop(struct cpu *c, int size, uint32_t *v);
/* Read size bytes at SS:(eSP + offset) without moving eSP. */
int WUR stack_peek(struct cpu *c, uint32_t offset, int size, uint32_t *v);

/* --- control --- */

/* Condition code cc (0-15, the low nibble of Jcc/SETcc/CMOVcc) on EFLAGS.
 * Inline: with a constant cc (the threaded core's Jcc, ops_fast.h) it folds
 * to a test or two. */
static inline bool cond(const struct cpu *c, int cc)
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

/* Jump to offset target in the current CS: #GP(0) beyond the CS limit. */
int WUR jump_near(struct cpu *c, uint32_t target);

/* --- flags (ops_alu.c) --- */

/* ALU operation k (0 ADD, 1 OR, 2 ADC, 3 SBB, 4 AND, 5 SUB, 6 XOR, 7 CMP) on
 * size-byte operands a and b: sets the six arithmetic flags and returns the
 * result (CMP returns a - b like SUB; the caller does not store it). */
uint32_t alu(struct cpu *c, int k, int size, uint32_t a, uint32_t b);
/* SF, ZF and PF from a result; CF = OF = 0 and AF = 0 (the logic ops). */
void flags_logic(struct cpu *c, int size, uint32_t res);

/* --- I/O permission (ops_io.c) --- */

/* May the current task access size bytes at port? In protected mode with
 * CPL > IOPL, and always in v86 mode, the TSS I/O permission bitmap decides
 * (SDM vol. 1, 19.5). Raises #GP(0) when not. */
int WUR io_check(struct cpu *c, uint16_t port, int size);

#endif
