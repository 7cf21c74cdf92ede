/*
 * tcache_forms.c - what the block cache (tcache.c) decides about each
 * decoded instruction besides its handler: the specialised form of
 * ops_fast.h, ops_fast_rmw.h or ops_fast_byte.h it runs as in the threaded
 * core, and whether it is a light or semi-light entry, with what the other
 * entries of its block pay for it (threaded.h explains both).
 *
 * Both are the computed-goto build's: the portable build calls each
 * entry's generic handler through its pointer and keeps all its entries
 * heavy, so there tcache_specialise() leaves xop = insn.op and
 * tcache_plan() does nothing.
 */
#include "tcache_forms.h"

#include "cycles.h"
#include "ops.h"
#include "ops_fast.h" /* the specialised forms' numbers, ops_fast_rmw.h's and _byte.h's too */

#ifndef LAB86_NO_COMPUTED_GOTO /* the portable build has no specialised forms */
/* Which specialised shift (SHIFT_SHL, _SHR, _SAR) shift-group instruction
 * i is, or -1 (a rotate). */
static int shift_kind(const struct insn *i)
{
    switch (i->modrm.reg) {
    case 4: /* SHL */
    case 6: return SHIFT_SHL; /* SAL, its alias */
    case 5: return SHIFT_SHR;
    case 7: return SHIFT_SAR;
    default: return -1;
    }
}

/* The specialised forms of ops_fast_byte.h for instruction i (handler fn,
 * 8-bit operand): the form, or -1. *r1 and *r2 are ModR/M rm and reg as
 * the caller set them; the forms with a register destination get it in
 * *r1 (reg for 02-3A and 8A, AL for 04-3C and A8, the opcode's register
 * for B0-B7). The memory forms of MOV are LOAD8 and STORE8 (ops_fast.h). */
static int specialise_byte(const struct insn *i, op_fn *fn, int *r1, int *r2)
{
    bool reg = i->has_modrm && i->modrm.mod == 3;
    int k = (i->opcode >> 3) & 7;
    if (fn == op_alu_Eb_Gb)
        return (reg ? FAST_ALU8_RR : FAST_ALU8_MR) + k;
    if (fn == op_alu_Gb_Eb) {
        *r1 = i->modrm.reg, *r2 = i->modrm.rm;
        return (reg ? FAST_ALU8_RR : FAST_ALU8_RM) + k;
    }
    if (fn == op_alu_AL_Ib) {
        *r1 = R_EAX; /* AL */
        return FAST_ALU8_RI + k;
    }
    if (fn == op_alu_E_I) /* 80 and 82 */
        return (reg ? FAST_ALU8_RI : FAST_ALU8_MI) + i->modrm.reg;
    if (fn == op_test_E_G)
        return reg ? FAST_TEST8_RR : FAST_TEST8_MR;
    if (fn == op_test_E_I)
        return reg ? FAST_TEST8_RI : FAST_TEST8_MI;
    if (fn == op_test_A_I) {
        *r1 = R_EAX;
        return FAST_TEST8_RI;
    }
    if ((fn == op_mov_E_G || fn == op_mov_G_E) && reg) {
        if (fn == op_mov_G_E)
            *r1 = i->modrm.reg, *r2 = i->modrm.rm;
        return FAST_MOV8_RR;
    }
    if (fn == op_mov_Zb_Ib) {
        *r1 = i->opcode & 7;
        return FAST_MOV8_RI;
    }
    if (fn == op_mov_E_I && reg)
        return FAST_MOV8_RI;
    if (fn == op_setcc)
        return FAST_SETCC + (i->opcode & 0xf);
    return -1;
}

/* The specialised forms of ops_fast_rmw.h, and the register forms of
 * FF /0 /1, F7 /2 and C7 /0 (ops_fast.h), for instruction i (handler fn)
 * with a 32-bit operand unless said: the form, or -1. Its operands are
 * *r1 = ModR/M rm and *r2 = reg as the caller set them, but for IMUL (the
 * other way round) and a shift by a fixed count, which has the count,
 * masked as the handler masks it, in *r2 (C1: the imm8; D1: 1); the shift
 * by CL is D3, 32-bit only; ROL and ROR by a fixed count are 32-bit only
 * too. */
static int specialise_rmw(const struct insn *i, op_fn *fn, int *r1, int *r2)
{
    bool reg = i->modrm.mod == 3;
    int s = fn == op_shift ? shift_kind(i) : -1;
    if (s >= 0 && (i->opcode == 0xc1 || i->opcode == 0xd1)) {
        *r2 = i->opcode == 0xd1 ? 1 : (int)(i->imm & 0x1f);
        if (i->opsize == 2)
            return FAST_SHIFT16 + s;
        return (reg ? FAST_SHIFT_RI : FAST_SHIFT_MI) + s;
    }
    if (i->opsize != 4)
        return -1;
    if (fn == op_shift && i->modrm.reg <= SH_ROR && (i->opcode == 0xc1 || i->opcode == 0xd1)) {
        *r2 = i->opcode == 0xd1 ? 1 : (int)(i->imm & 0x1f); /* ROL, ROR */
        return (reg ? FAST_ROT_RI : FAST_ROT_MI) + i->modrm.reg;
    }
    if (s >= 0 && i->opcode == 0xd3)
        return FAST_SHIFT_CL + s;
    if (fn == op_alu_Ev_Gv && !reg)
        return FAST_ALU_MR + ((i->opcode >> 3) & 7);
    if (fn == op_alu_E_I && !reg)
        return FAST_ALU_MI + i->modrm.reg;
    if (fn == op_inc_E || fn == op_dec_E) {
        bool inc = fn == op_inc_E;
        return reg ? (inc ? FAST_INC : FAST_DEC) : (inc ? FAST_INC_M : FAST_DEC_M);
    }
    if (fn == op_not_E)
        return reg ? FAST_NOT : FAST_NOT_M;
    if (fn == op_mov_E_I)
        return reg ? FAST_MOV_RI : FAST_STORE_I;
    if (fn == op_imul_Gv_Ev) {
        *r1 = i->modrm.reg, *r2 = i->modrm.rm;
        return reg ? FAST_IMUL_RR : FAST_IMUL_RM;
    }
    if (fn == op_cmov) {
        *r1 = i->modrm.reg, *r2 = i->modrm.rm;
        return FAST_CMOV + (i->opcode & 0xf);
    }
    if (fn == op_neg_E && reg)
        return FAST_NEG;
    if (fn == op_imul_Gv_Ev_Iz) {
        *r1 = i->modrm.reg, *r2 = i->modrm.rm;
        return reg ? FAST_IMUL_RI : FAST_IMUL_MI;
    }
    return -1;
}
#endif

/* The specialised form (ops_fast.h, ops_fast_rmw.h, ops_fast_byte.h) of entry e, if it has
 * one: e->xop and its register operands. The computed-goto build only: the
 * portable one calls e->fn, the generic handler, for everything. */
void tcache_specialise(struct entry *e)
{
    const struct insn *i = &e->insn;
    bool reg = i->has_modrm && i->modrm.mod == 3;
    op_fn *fn = e->fn;

    e->xop = i->op;
    e->r1 = e->r2 = 0;
#ifndef LAB86_NO_COMPUTED_GOTO
    /* The threaded core adds a specialised form's e->cost as it is
     * (heavy_done(), and a light run's paid in advance: threaded.h): none
     * of them has a cost that depends on the mode, and this keeps it so. */
    if (e->cost == CYCLES_DYNAMIC)
        return;
    if (fn == op_jcc) {
        e->xop = (uint16_t)(FAST_JCC + (i->opcode & 0xf));
        return;
    }
    if (fn == op_jmp_near && !i->has_modrm) { /* EB, E9: either operand size */
        e->xop = FAST_JMP;
        return;
    }
    /* The memory forms work their address out with ea_offset32() (ops.h):
     * a memory operand with a 16-bit address (16-bit code, or 0x67 in
     * 32-bit code) runs the generic handler, which masks it. */
    if (i->has_modrm && !reg && i->addrsize != 4)
        return;
    int k = (i->opcode >> 3) & 7, xop = -1, r1 = i->modrm.rm, r2 = i->modrm.reg;
    if (i->opsize <= 2 && i->has_modrm && !reg) {
        bool word = i->opsize == 2;
        if (fn == op_mov_E_G)
            xop = word ? FAST_STORE16 : FAST_STORE8, r1 = i->modrm.reg;
        else if (fn == op_mov_G_E)
            xop = word ? FAST_LOAD16 : FAST_LOAD8, r1 = i->modrm.reg;
    }
    if (xop < 0 && i->opsize == 1)
        xop = specialise_byte(i, fn, &r1, &r2);
    if (xop < 0 && i->has_modrm)
        xop = specialise_rmw(i, fn, &r1, &r2);
    if (xop >= 0 || i->opsize != 4) {
        /* fall through to the end with xop as it is */
    } else if (fn == op_movzx) {
        xop = (i->opcode & 1) ? FAST_MOVZX16 : FAST_MOVZX8, r1 = i->modrm.reg, r2 = i->modrm.rm;
    } else if (fn == op_lea) {
        xop = FAST_LEA, r1 = i->modrm.reg;
    } else if ((fn == op_call_near && i->op == OP_CALL_Jz) || (fn == op_ret_near && i->op == OP_RET)) {
        xop = fn == op_call_near ? FAST_CALL : FAST_RET;
    } else if (fn == op_push_Zv || fn == op_pop_Zv) {
        xop = fn == op_push_Zv ? FAST_PUSH : FAST_POP, r1 = i->opcode & 7;
    } else if (fn == op_alu_Gv_Ev && !reg) {
        xop = FAST_ALU_RM + k, r1 = i->modrm.reg;
    } else if (fn == op_alu_Ev_Gv && reg) {
        xop = FAST_ALU_RR + k;
    } else if (fn == op_alu_Gv_Ev && reg) {
        xop = FAST_ALU_RR + k, r1 = i->modrm.reg, r2 = i->modrm.rm;
    } else if (fn == op_alu_E_I && reg) {
        xop = FAST_ALU_RI + i->modrm.reg;
    } else if (fn == op_alu_eAX_Iz) {
        xop = FAST_ALU_RI + k, r1 = R_EAX;
    } else if (fn == op_inc_Zv || fn == op_dec_Zv) {
        xop = fn == op_inc_Zv ? FAST_INC : FAST_DEC, r1 = i->opcode & 7;
    } else if (fn == op_mov_E_G) {
        xop = reg ? FAST_MOV_RR : FAST_STORE, r1 = reg ? i->modrm.rm : i->modrm.reg,
        r2 = i->modrm.reg;
    } else if (fn == op_mov_G_E) {
        xop = reg ? FAST_MOV_RR : FAST_LOAD, r1 = i->modrm.reg, r2 = i->modrm.rm;
    } else if (fn == op_mov_Zv_Iv) {
        xop = FAST_MOV_RI, r1 = i->opcode & 7;
    } else if (fn == op_test_E_G && reg) {
        xop = FAST_TEST_RR;
    }
    if (xop >= 0) {
        e->xop = (uint16_t)xop;
        e->r1 = (uint8_t)r1;
        e->r2 = (uint8_t)r2;
    }
#else
    (void)reg;
    (void)fn;
#endif
}

#ifndef LAB86_NO_COMPUTED_GOTO
/* Is entry e light? A light entry is a specialised form that works on
 * registers alone: it reads no memory and cannot fault, its cost is fixed,
 * it neither reads nor moves EIP, and it cannot change anything the checks
 * between instructions look at (the clock but for its own cost, the notice
 * word: exec_threaded.c). So nothing can happen at the boundary after it
 * but what the clock decides, and the threaded core runs it with no
 * bookkeeping of its own: the entry before it pays its cost in advance,
 * when the clock leaves room for the whole run of light entries. The
 * portable build has no specialised forms and so no light entries. */
static bool light(const struct entry *e)
{
    int x = e->xop;
    if (x < OP_COUNT)
        return false;
    switch (x) {
    case FAST_INC:
    case FAST_DEC:
    case FAST_MOV_RR:
    case FAST_MOV_RI:
    case FAST_TEST_RR:
    case FAST_LEA:
    case FAST_NOT:
    case FAST_NEG:
    case FAST_IMUL_RR:
    case FAST_IMUL_RI:
    case FAST_ROT_RI + SH_ROL:
    case FAST_ROT_RI + SH_ROR:
    case FAST_TEST8_RR:
    case FAST_TEST8_RI:
    case FAST_MOV8_RR:
    case FAST_MOV8_RI: return true;
    default: break;
    }
    return (x >= FAST_ALU_RR && x < FAST_ALU_RR + 8) || (x >= FAST_ALU_RI && x < FAST_ALU_RI + 8) ||
           (x >= FAST_ALU8_RR && x < FAST_ALU8_RR + 8) ||
           (x >= FAST_ALU8_RI && x < FAST_ALU8_RI + 8) ||
           (x >= FAST_SHIFT_RI && x < FAST_SHIFT_RI + 3);
}

/* Is entry e semi-light? One of the memory forms that ops_fast_try.h can
 * try on the data fast path alone: run as a light entry when that works,
 * else as a heavy one (exec_threaded.c). */
static bool semi_light(const struct entry *e)
{
    int x = e->xop;
    switch (x) {
    case FAST_LOAD:
    case FAST_STORE:
    case FAST_LOAD8:
    case FAST_STORE8:
    case FAST_LOAD16:
    case FAST_STORE16:
    case FAST_STORE_I:
    case FAST_MOVZX8:
    case FAST_MOVZX16:
    case FAST_PUSH:
    case FAST_POP:
    case FAST_INC_M:
    case FAST_DEC_M:
    case FAST_NOT_M: return true;
    default:
        return (x >= FAST_ALU_RM && x < FAST_ALU_RM + 8) || (x >= FAST_ALU_MR && x < FAST_ALU_MR + 8) ||
               (x >= FAST_ALU_MI && x < FAST_ALU_MI + 8);
    }
}

/* The light and semi-light entries of the n in e[] (both have
 * entry.light) and what the others pay for them: each entry's post and
 * npost, and the block's head and nhead for the run the block starts with.
 * A semi-light entry that turns heavy gives back what was paid for it and
 * the rest of its run, and pays again after it as a heavy entry does, so
 * it has a post and npost of its own: the rest of its run. */
static void plan_light(struct block *b, struct entry *e, int n)
{
    uint32_t cost = 0;
    int count = 0;
    for (int k = n - 1; k >= -1; k--) {
        bool semi = k >= 0 && semi_light(&e[k]);
        if (k >= 0 && (e[k].light = semi || light(&e[k]))) {
            if (semi) {
                e[k].post = (uint16_t)cost;
                e[k].npost = (uint8_t)count;
            }
            cost += e[k].cost;
            count++;
            continue;
        }
        if (k >= 0) {
            e[k].post = (uint16_t)cost;
            e[k].npost = (uint8_t)count;
        } else {
            b->head = (uint16_t)cost;
            b->nhead = (uint8_t)count;
        }
        cost = 0;
        count = 0;
    }
    b->light_tail = e[n - 1].light;
}
#endif

void tcache_plan(struct block *b, struct entry *e, int n)
{
#ifndef LAB86_NO_COMPUTED_GOTO
    plan_light(b, e, n);
#else
    (void)b, (void)e, (void)n;
#endif
}
