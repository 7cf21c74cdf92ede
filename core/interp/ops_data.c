/*
 * ops_data.c - data movement: MOV in its register, memory, immediate and
 * moffs forms, LEA, XCHG, XLAT and NOP.
 *
 * These are the simplest handlers in the interpreter, and the best place to
 * see the operand helpers of ops.h at work: rm_read/rm_write reach either a
 * register (ModR/M mod = 3) or memory at i->seg:ea_offset(); reg_get/reg_set
 * reach a register of 1, 2 or 4 bytes, where an 8-bit register number 4-7
 * means AH CH DH BH and a 16-bit write keeps the upper half of the 32-bit
 * register (SDM vol. 1, 3.4.1.1).
 *
 * References: SDM vol. 2, MOV, LEA, XCHG, XLAT/XLATB, NOP.
 *
 * None of these instructions changes EFLAGS. Each has at most one memory
 * operand and accesses it before it changes a register, so a fault leaves
 * the CPU as it was when the instruction began.
 *
 * Elsewhere: MOV to and from segment registers (ops_seg.c: they load
 * descriptors), control and debug registers (ops_system.c: they change the
 * mode), MOVZX/MOVSX (ops_bit.c), CBW/CWD (ops_alu.c).
 *
 * Not emulated: the bus LOCK that XCHG with memory asserts on real
 * hardware. lab86 runs one CPU per machine and finishes an instruction
 * before anything else touches memory, so every read-modify-write is
 * atomic already.
 */
#include "ops.h"

/* The register named by the low three bits of the opcode (B0-BF, 90-97). */
static int opcode_reg(const struct insn *i)
{
    return i->opcode & 7;
}

/* 88/89 MOV Eb,Gb / Ev,Gv: r/m = reg. */
int op_mov_E_G(struct cpu *c, const struct insn *i)
{
    return rm_write(c, i, i->opsize, reg_get(c, i->modrm.reg, i->opsize));
}

/* 8A/8B MOV Gb,Eb / Gv,Ev: reg = r/m. */
int op_mov_G_E(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    TRY(rm_read(c, i, i->opsize, &v));
    reg_set(c, i->modrm.reg, i->opsize, v);
    return 0;
}

/* C6/C7 /0 MOV Eb,Ib / Ev,Iz: r/m = immediate. */
int op_mov_E_I(struct cpu *c, const struct insn *i)
{
    return rm_write(c, i, i->opsize, i->imm);
}

/* B0-B7 MOV r8,Ib: AL CL DL BL AH CH DH BH by the opcode's low bits. */
int op_mov_Zb_Ib(struct cpu *c, const struct insn *i)
{
    reg_set(c, opcode_reg(i), 1, i->imm);
    return 0;
}

/* B8-BF MOV r,Iv: the immediate is as wide as the operand. */
int op_mov_Zv_Iv(struct cpu *c, const struct insn *i)
{
    reg_set(c, opcode_reg(i), i->opsize, i->imm);
    return 0;
}

/* The offset of a moffs operand (A0-A3). It is an address-size wide
 * constant with no ModR/M byte; the decoder puts it in i->disp. */
static uint32_t moffs(const struct insn *i)
{
    uint32_t off = (uint32_t)i->disp;
    return i->addrsize == 2 ? (uint16_t)off : off;
}

/* A0/A1 MOV AL,Ob / eAX,Ov: accumulator = seg:[moffs]. */
int op_mov_A_O(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    TRY(mmu_read(c, i->seg, moffs(i), i->opsize, &v));
    reg_set(c, R_EAX, i->opsize, v);
    return 0;
}

/* A2/A3 MOV Ob,AL / Ov,eAX: seg:[moffs] = accumulator. */
int op_mov_O_A(struct cpu *c, const struct insn *i)
{
    return mmu_write(c, i->seg, moffs(i), i->opsize, reg_get(c, R_EAX, i->opsize));
}

/*
 * 8D LEA Gv,M: the effective address itself, with no memory access and so
 * no segment, limit or page check. The address is computed at the address
 * size and then cut (or zero-extended) to the operand size: with a 16-bit
 * operand and 32-bit addressing only the low 16 bits of the offset land in
 * the register (SDM vol. 2, LEA, table 3-53). The decoder has turned the
 * register form (mod = 3) into #UD already.
 */
int op_lea(struct cpu *c, const struct insn *i)
{
    reg_set(c, i->modrm.reg, i->opsize, ea_offset(c, i));
    return 0;
}

/*
 * 86/87 XCHG Eb,Gb / Ev,Gv. Both values are read first; the r/m write is
 * the only access that can fault, and it comes before the register write.
 * When both operands are the same register the second write stores the
 * value the first one wrote, which is right.
 */
int op_xchg_E_G(struct cpu *c, const struct insn *i)
{
    uint32_t mem;
    uint32_t reg = reg_get(c, i->modrm.reg, i->opsize);
    TRY(rm_read(c, i, i->opsize, &mem));
    TRY(rm_write(c, i, i->opsize, reg));
    reg_set(c, i->modrm.reg, i->opsize, mem);
    return 0;
}

/* 91-97 XCHG r,eAX (90 is NOP, below). */
int op_xchg_Zv(struct cpu *c, const struct insn *i)
{
    int n = opcode_reg(i);
    uint32_t a = reg_get(c, R_EAX, i->opsize);
    reg_set(c, R_EAX, i->opsize, reg_get(c, n, i->opsize));
    reg_set(c, n, i->opsize, a);
    return 0;
}

/*
 * D7 XLAT: AL = seg:[eBX + zero-extended AL], the table lookup of the 8086.
 * The base is BX or EBX by address size and the sum wraps at that size;
 * the segment is DS unless a prefix overrides it (SDM vol. 2, XLAT).
 */
int op_xlat(struct cpu *c, const struct insn *i)
{
    uint32_t v;
    uint32_t off = reg_get(c, R_EBX, i->addrsize) + reg_get(c, R_EAX, 1);
    if (i->addrsize == 2)
        off &= 0xffff;
    TRY(mmu_read(c, i->seg, off, 1, &v));
    reg_set(c, R_EAX, 1, v);
    return 0;
}

/*
 * 90 NOP (and F3 90 PAUSE, and the multi-byte 0F 1F /0 NOP Ev). 90 is
 * XCHG eAX,eAX in the encoding, which changes nothing on a 32-bit CPU.
 * 0F 1F names a memory operand but never accesses it, so it cannot fault.
 */
int op_nop(struct cpu *c, const struct insn *i)
{
    (void)c;
    (void)i;
    return 0;
}
