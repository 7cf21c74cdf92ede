/*
 * ops_seg.c - moving selectors in and out of the segment registers:
 * MOV Sreg, PUSH/POP Sreg, LDS/LES/LSS/LFS/LGS, and for the two system
 * segment registers LLDT/SLDT and LTR/STR (SDM vol. 2: MOV, PUSH, POP,
 * LDS/LES/LFS/LGS/LSS, LLDT, LTR, SLDT, STR).
 *
 * Every load of ES, SS, DS, FS or GS goes through seg_load() (mmu/seg.c),
 * which does the protected-mode checks and raises #GP, #SS or #NP; these
 * handlers only find the operand and the register. CS is never loaded here:
 * MOV CS is #UD on every CPU since the 186, and POP CS (0F) became the
 * two-byte opcode escape; CS changes only through far transfers (ops_far.c).
 *
 * Segment registers are 16 bits. When the operand size is 32:
 *   - MOV r32, Sreg zero-extends the selector into the register (P6 and
 *     later; earlier CPUs left the upper half undefined); MOV m16, Sreg
 *     always stores 2 bytes; SLDT and STR do the same;
 *   - PUSH Sreg moves eSP by 4 but writes only the low 2 bytes of the slot,
 *     leaving the upper 2 as they were. That is what the 486 and the recent
 *     Intel cores do (SDM PUSH: "a 16-bit move"); some CPUs zero-extend, and
 *     software may rely on neither;
 *   - POP Sreg reads 4 bytes and uses the low 2.
 *
 * The registers are numbered as in ModR/M reg (cpu.h: ES CS SS DS FS GS),
 * and the one-byte PUSH/POP opcodes encode the same number in bits 5:3:
 * 06/07 ES, 0E CS, 16/17 SS, 1E/1F DS, 0F A0/A1 FS, 0F A8/A9 GS.
 *
 * LDTR and TR name descriptors that must live in the GDT: an LDT (type 2)
 * and a TSS. LLDT accepts a null selector (LDTR is then unusable and any
 * selector with TI = 1 raises #GP); LTR does not, and marks the TSS busy in
 * memory so that no task switch can enter it again. Both are CPL-0 only,
 * and all four are #UD in real and virtual-8086 mode.
 */
#include "ops.h"

#include "mmu/seg.h"

/* The error code of a fault naming a selector: its index and TI bit; the
 * RPL bits become EXT and IDT, which the delivery code sets when they apply. */
static uint32_t sel_err(uint16_t sel)
{
    return sel & 0xfffcu;
}

/* The segment register a PUSH/POP Sreg opcode names (bits 5:3). */
static int opcode_sreg(const struct insn *i)
{
    return (i->opcode >> 3) & 7;
}

/* MOV SS and POP SS hold off interrupts (and single-step and data
 * breakpoints) until after the next instruction, so that the MOV eSP that
 * follows completes the switch to the new stack first (SDM vol. 3, 6.8.3).
 * Only those two: LSS loads SS and eSP in one instruction and needs no
 * shadow (the SDM recommends it for that reason), and the far transfers and
 * task switches that load SS set none either. */
static void stack_switch_shadow(struct cpu *c, int sreg)
{
    if (sreg == SEG_SS)
        c->intr_shadow = true;
}

/* MOV Sreg, r/m16 (8E): a full segment-register load. */
int op_mov_Sw_Ew(struct cpu *c, const struct insn *i)
{
    int sreg = i->modrm.reg;
    uint32_t sel;

    if (sreg == SEG_CS || sreg > SEG_GS)
        return cpu_fault(c, EXC_UD, 0);
    TRY(rm_read(c, i, 2, &sel));
    TRY(seg_load(c, sreg, (uint16_t)sel));
    stack_switch_shadow(c, sreg);
    return 0;
}

/* MOV r/m, Sreg (8C). */
int op_mov_Ev_Sw(struct cpu *c, const struct insn *i)
{
    int sreg = i->modrm.reg;

    if (sreg > SEG_GS)
        return cpu_fault(c, EXC_UD, 0);
    /* A register takes the operand size (zero-extended); memory is 16 bits. */
    int size = i->modrm.mod == 3 ? i->osize : 2;
    return rm_write(c, i, size, c->seg[sreg].sel);
}

/* PUSH Sreg (06 0E 16 1E, 0F A0 0F A8). */
int op_push_sreg(struct cpu *c, const struct insn *i)
{
    uint16_t sel = c->seg[opcode_sreg(i)].sel;
    uint64_t lin;

    if (i->osize == 2)
        return push(c, 2, sel);
    /* A 32-bit push: the whole 4-byte slot must be inside SS, but only its
     * low word is written (see the essay above). */
    uint32_t sp = cpu_sp(c) - 4;
    if (!c->stack32)
        sp &= 0xffff;
    TRY(mmu_check(c, SEG_SS, sp, 4, MMU_WRITE, &lin));
    TRY(mmu_write(c, SEG_SS, sp, 2, sel));
    cpu_set_sp(c, sp);
    return 0;
}

/* POP Sreg (07 17 1F, 0F A1 0F A9): the load may fault, so eSP moves last. */
int op_pop_sreg(struct cpu *c, const struct insn *i)
{
    bool stack32 = c->stack32; /* POP SS may change SS.B: use the old one */
    uint32_t sel;

    TRY(stack_peek(c, 0, i->osize, &sel));
    uint32_t sp = cpu_sp(c) + i->osize;
    TRY(seg_load(c, opcode_sreg(i), (uint16_t)sel));
    reg_set(c, R_ESP, stack32 ? 4 : 2, sp);
    stack_switch_shadow(c, opcode_sreg(i));
    return 0;
}

/* The segment register an LxS opcode loads. */
static int far_ptr_sreg(const struct insn *i)
{
    if (i->map == 0)
        return i->opcode == 0xc4 ? SEG_ES : SEG_DS; /* C4 LES, C5 LDS */
    switch (i->opcode) {
    case 0xb2: return SEG_SS; /* 0F B2 LSS */
    case 0xb4: return SEG_FS; /* 0F B4 LFS */
    default: return SEG_GS;   /* 0F B5 LGS */
    }
}

/* LDS/LES/LSS/LFS/LGS r, m16:16/m16:32: the offset (operand size) comes
 * first in memory, then the selector. The segment is loaded before the
 * register because only the segment load can fault. */
int op_load_far_ptr(struct cpu *c, const struct insn *i)
{
    uint32_t off = ea_offset(c, i), offset, sel;

    TRY(mmu_read(c, i->seg, off, i->osize, &offset));
    TRY(mmu_read(c, i->seg, off + i->osize, 2, &sel));
    TRY(seg_load(c, far_ptr_sreg(i), (uint16_t)sel));
    reg_set(c, i->modrm.reg, i->osize, offset);
    return 0;
}

/* --- LDTR and TR --- */

/* #UD outside protected mode proper. */
static int need_protected(struct cpu *c)
{
    if (!cpu_protected(c) || cpu_v86(c))
        return cpu_fault(c, EXC_UD, 0);
    return 0;
}

/* The descriptor type with S: 0x10 | type for code/data, type for system. */
static unsigned desc_kind(struct desc d)
{
    return desc_attr(d) & (SEG_ATTR_S | SEG_ATTR_TYPE);
}

/* SLDT and STR: a register destination takes the operand size (the
 * selector zero-extended), a memory destination is always 16 bits. */
static int store_selector(struct cpu *c, const struct insn *i, uint16_t sel)
{
    return rm_write(c, i, i->modrm.mod == 3 ? i->osize : 2, sel);
}

/* SLDT r/m16 (0F 00 /0). */
int op_sldt(struct cpu *c, const struct insn *i)
{
    TRY(need_protected(c));
    return store_selector(c, i, c->seg[SEG_LDTR].sel);
}

/* STR r/m16 (0F 00 /1). */
int op_str(struct cpu *c, const struct insn *i)
{
    TRY(need_protected(c));
    return store_selector(c, i, c->seg[SEG_TR].sel);
}

/* The checks LLDT and LTR share: protected mode, CPL 0, the selector read
 * from r/m16. */
static int system_load_prologue(struct cpu *c, const struct insn *i, uint16_t *sel)
{
    uint32_t v;
    TRY(need_protected(c));
    if (c->cpl != 0)
        return cpu_fault(c, EXC_GP, 0);
    TRY(rm_read(c, i, 2, &v));
    *sel = (uint16_t)v;
    return 0;
}

/* LLDT r/m16 (0F 00 /2): a null selector leaves LDTR unusable, so any
 * later reference through the LDT raises #GP. */
int op_lldt(struct cpu *c, const struct insn *i)
{
    uint16_t sel;
    struct desc d;

    TRY(system_load_prologue(c, i, &sel));
    if ((sel & 0xfffcu) == 0) {
        c->seg[SEG_LDTR] = seg_make(sel, 0, 0, 0);
        return 0;
    }
    if (sel & 4) /* an LDT descriptor lives in the GDT */
        return cpu_fault(c, EXC_GP, sel_err(sel));
    TRY(seg_read_desc(c, sel, &d, EXC_GP));
    if (desc_kind(d) != DESC_LDT)
        return cpu_fault(c, EXC_GP, sel_err(sel));
    if (!(desc_attr(d) & SEG_ATTR_P))
        return cpu_fault(c, EXC_NP, sel_err(sel));
    seg_load_cache(c, SEG_LDTR, sel, d);
    cpu_trap(c, TRAP_DESC, TRAP_A(2, 0, true), sel);
    return 0;
}

/* LTR r/m16 (0F 00 /3): an available 16- or 32-bit TSS, marked busy. */
int op_ltr(struct cpu *c, const struct insn *i)
{
    uint16_t sel;
    struct desc d;

    TRY(system_load_prologue(c, i, &sel));
    if ((sel & 0xfffcu) == 0)
        return cpu_fault(c, EXC_GP, 0);
    if (sel & 4)
        return cpu_fault(c, EXC_GP, sel_err(sel));
    TRY(seg_read_desc(c, sel, &d, EXC_GP));
    if (desc_kind(d) != DESC_TSS16_AVAIL && desc_kind(d) != DESC_TSS32_AVAIL)
        return cpu_fault(c, EXC_GP, sel_err(sel));
    if (!(desc_attr(d) & SEG_ATTR_P))
        return cpu_fault(c, EXC_NP, sel_err(sel));
    d.hi |= 2u << 8; /* type 1 -> 3, 9 -> 11: busy */
    TRY(seg_write_desc(c, sel, d));
    seg_load_cache(c, SEG_TR, sel, d);
    cpu_trap(c, TRAP_DESC, TRAP_A(3, 0, true), sel);
    return 0;
}
