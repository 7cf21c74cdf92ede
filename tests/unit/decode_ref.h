/*
 * decode_ref.h - the reference decoder the fast one is checked against.
 *
 * This is lab86's decoder as it was before it was tuned for speed (Nov 2026),
 * kept here, in the tests only, as the plain reading of the encoding: a cursor
 * that checks both limits on every byte, prefixes by switch, tables walked the
 * obvious way. test_decode_ref.c feeds both decoders the same bytes and
 * requires the same struct insn and the same status, field by field, so that
 * any change to core/interp/decode.c that alters one bit of a decode fails.
 * ref_build_opmap() must run once before ref_decode().
 */
#ifndef LAB86_DECODE_REF_H
#define LAB86_DECODE_REF_H

#include <stdbool.h>
#include <stddef.h>

#include "interp/cpu.h"
#include "interp/insn.h"

/* Per-row tables, generated from opcodes.def. */
static const uint32_t ref_op_attr[OP_COUNT] = {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc) attr,
#include "interp/opcodes.def"
#undef OP
};

static const char *const ref_op_operands[OP_COUNT] = {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc) operands,
#include "interp/opcodes.def"
#undef OP
};

/* One row of the table as the map builder sees it. */
struct ref_row {
    int opc; /* 0x000-0x1ff, -1 for the #UD row */
    int reg; /* ModR/M reg for group members, -1 otherwise */
    int op;  /* enum op */
};

static const struct ref_row ref_rows[] = {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc) {opc, reg, OP_##name},
#include "interp/opcodes.def"
#undef OP
};

/* The opcode map: for each opcode and ModR/M reg value, the operation.
 * Filled once from ref_rows[]; unlisted entries stay 0 = OP_UD. */
static uint16_t ref_opmap[0x200][8];
static bool ref_has_modrm_map[0x200];

/* Build ref_opmap[][] before main() runs. A row with reg = -1 fills all eight
 * ModR/M reg slots of its opcode; a group row fills one. A constructor keeps
 * x86_decode() free of "is the table ready" checks and of locking. */
static void ref_build_opmap(void)
{
    for (size_t k = 0; k < sizeof ref_rows / sizeof ref_rows[0]; k++) {
        const struct ref_row *r = &ref_rows[k];
        if (r->opc < 0)
            continue;
        for (int reg = 0; reg < 8; reg++)
            if (r->reg < 0 || r->reg == reg)
                ref_opmap[r->opc][reg] = (uint16_t)r->op;
        if (ref_op_attr[r->op] & A_M)
            ref_has_modrm_map[r->opc] = true;
    }
}

/* A cursor over the instruction bytes. */
struct ref_cursor {
    const uint8_t *p; /* the bytes */
    int n;            /* how many are available */
    int pos;          /* next byte to read */
    int status;       /* DECODE_OK, or why reading stopped */
};

/* Read the next byte; on running out, record why and return 0. */
static uint8_t ref_next(struct ref_cursor *cu)
{
    if (cu->pos >= 15) {
        cu->status = DECODE_TOOLONG;
        return 0;
    }
    if (cu->pos >= cu->n) {
        if (cu->status == DECODE_OK)
            cu->status = DECODE_MORE;
        return 0;
    }
    return cu->p[cu->pos++];
}

/* Read a little-endian value of size bytes. */
static uint32_t ref_next_n(struct ref_cursor *cu, int size)
{
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)ref_next(cu) << (8 * k);
    return v;
}

/* 16-bit addressing: rm selects one of eight base/index pairs (SDM table 2-1). */
static void ref_decode_ea16(struct insn *i, struct ref_cursor *cu)
{
    static const uint8_t base[8] = {R_EBX, R_EBX, R_EBP, R_EBP, EA_NONE, EA_NONE, R_EBP, R_EBX};
    static const uint8_t index[8] = {R_ESI, R_EDI, R_ESI, R_EDI, R_ESI, R_EDI, EA_NONE, EA_NONE};
    uint8_t mod = i->modrm.mod, rm = i->modrm.rm;

    i->ea.base = base[rm];
    i->ea.index = index[rm];
    i->ea.scale = 1;
    if (mod == 0 && rm == 6) {
        i->ea.base = EA_NONE;
        i->disp = (int16_t)ref_next_n(cu, 2);
    } else if (mod == 1) {
        i->disp = (int8_t)ref_next(cu);
    } else if (mod == 2) {
        i->disp = (int16_t)ref_next_n(cu, 2);
    }
    if (i->ea.base == R_EBP && !i->seg_override)
        i->seg = SEG_SS; /* BP-based addressing defaults to SS */
}

/* 32-bit addressing: rm = 4 brings a SIB byte, mod 0 rm 5 is disp32 alone. */
static void ref_decode_ea32(struct insn *i, struct ref_cursor *cu)
{
    uint8_t mod = i->modrm.mod, rm = i->modrm.rm;

    i->ea.base = rm;
    i->ea.index = EA_NONE;
    i->ea.scale = 1;
    if (rm == 4) {
        uint8_t sib = ref_next(cu);
        uint8_t idx = (sib >> 3) & 7;
        i->ea.scale = (uint8_t)(1u << (sib >> 6));
        i->ea.index = idx == 4 ? EA_NONE : idx; /* index 4 means none */
        i->ea.base = sib & 7;
        if (i->ea.base == 5 && mod == 0) {
            i->ea.base = EA_NONE;
            i->disp = (int32_t)ref_next_n(cu, 4);
        }
    } else if (rm == 5 && mod == 0) {
        i->ea.base = EA_NONE;
        i->disp = (int32_t)ref_next_n(cu, 4);
    }
    if (mod == 1)
        i->disp = (int8_t)ref_next(cu);
    else if (mod == 2)
        i->disp = (int32_t)ref_next_n(cu, 4);
    if ((i->ea.base == R_ESP || i->ea.base == R_EBP) && !i->seg_override)
        i->seg = SEG_SS; /* ESP- and EBP-based addressing defaults to SS */
}

/* Read the prefixes; returns the first byte that is not one. */
static uint8_t ref_decode_prefixes(struct insn *i, struct ref_cursor *cu, int code_size, int *osize,
                               int *asize)
{
    for (;;) {
        uint8_t b = ref_next(cu);
        switch (b) {
        case 0x66: *osize = code_size ^ 6; break; /* 2 <-> 4; repeats change nothing */
        case 0x67: *asize = code_size ^ 6; break;
        case 0x26: i->seg = SEG_ES; i->seg_override = 1; break;
        case 0x2e: i->seg = SEG_CS; i->seg_override = 1; break;
        case 0x36: i->seg = SEG_SS; i->seg_override = 1; break;
        case 0x3e: i->seg = SEG_DS; i->seg_override = 1; break;
        case 0x64: i->seg = SEG_FS; i->seg_override = 1; break;
        case 0x65: i->seg = SEG_GS; i->seg_override = 1; break;
        case 0xf0: i->lock = 1; break;
        case 0xf2: i->rep = REP_NE; break;
        case 0xf3: i->rep = REP_E; break;
        default: return b;
        }
        if (cu->status != DECODE_OK)
            return 0;
    }
}

/* Read the immediates the row's attributes call for, in encoding order:
 * a far pointer (offset then selector), a memory offset (MOV AL, [moffs]),
 * a word or dword immediate, then a byte. Relative targets (J) and the
 * byte immediates of 6A/6B/83 are sign-extended; other bytes are not, so
 * handlers never have to know which form they came from. */
static void ref_decode_imm(struct insn *i, struct ref_cursor *cu, uint32_t attr)
{
    const char *ops = ref_op_operands[i->op];
    bool rel = ops[0] == 'J';

    if (attr & A_AP) {
        i->imm = ref_next_n(cu, i->osize);
        i->imm2 = (uint16_t)ref_next_n(cu, 2);
        return;
    }
    if (attr & A_MOFFS) {
        i->disp = (int32_t)ref_next_n(cu, i->addrsize);
        i->ea.base = i->ea.index = EA_NONE;
        i->ea.scale = 1;
    }
    if (attr & A_IZ) {
        i->imm = ref_next_n(cu, i->osize);
        if (rel && i->osize == 2)
            i->imm = (uint32_t)(int16_t)i->imm;
    }
    if (attr & A_I16) {
        i->imm = ref_next_n(cu, 2);
        if (attr & A_I8) { /* ENTER Iw, Ib */
            i->imm2 = ref_next(cu);
            return;
        }
    }
    if (attr & A_I8) {
        uint8_t b = ref_next(cu);
        bool sext = rel || (i->map == 0 && (i->opcode == 0x6a || i->opcode == 0x6b ||
                                             i->opcode == 0x83));
        i->imm = sext ? (uint32_t)(int8_t)b : b;
    }
}

/* Apply the checks that make an otherwise decodable form #UD: a register
 * where the table demands memory (LEA, LGDT, BOUND...), memory where it
 * demands a register, and LOCK anywhere but on a lockable instruction with a
 * memory destination (SDM vol. 2, LOCK). The length stays what was decoded:
 * #UD is raised for the whole instruction. */
static void ref_check_form(struct insn *i, uint32_t attr)
{
    bool mem = i->has_modrm && i->modrm.mod != 3;

    if ((attr & A_MEM) && !mem)
        i->op = OP_UD;
    if ((attr & A_REG) && mem)
        i->op = OP_UD;
    if (i->lock && (!(attr & A_LOCK) || !mem))
        i->op = OP_UD;
}

static enum decode_status ref_decode(struct insn *i, const uint8_t *p, int n, int code_size)
{
    struct ref_cursor cu = {p, n, 0, DECODE_OK};
    int osize = code_size, asize = code_size;

    *i = (struct insn){0};
    i->seg = SEG_DS;
    uint8_t b = ref_decode_prefixes(i, &cu, code_size, &osize, &asize);
    int opc = b;
    if (b == 0x0f) {
        i->map = 1;
        b = ref_next(&cu);
        opc = 0x100 | b;
    }
    i->opcode = b;
    i->osize = (uint8_t)osize;
    i->addrsize = (uint8_t)asize;
    i->op = ref_opmap[opc][0];
    if (ref_has_modrm_map[opc]) {
        uint8_t m = ref_next(&cu);
        i->has_modrm = 1;
        i->modrm = (struct modrm){m >> 6, (m >> 3) & 7, m & 7};
        i->op = ref_opmap[opc][i->modrm.reg];
        if (ref_op_attr[i->op] & A_FORCEREG)
            i->modrm.mod = 3;
        if (i->modrm.mod != 3) {
            if (asize == 2)
                ref_decode_ea16(i, &cu);
            else
                ref_decode_ea32(i, &cu);
        }
    }
    uint32_t attr = ref_op_attr[i->op];
    i->opsize = (attr & A_B) ? 1 : (uint8_t)osize;
    ref_decode_imm(i, &cu, attr);
    ref_check_form(i, attr);
    i->len = (uint8_t)cu.pos;
    return (enum decode_status)cu.status;
}

#endif
