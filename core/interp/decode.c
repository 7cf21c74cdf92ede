/*
 * decode.c - the x86 instruction decoder: bytes in, struct insn out.
 *
 * An instruction is, in order (SDM vol. 2, chapter 2):
 *
 *   prefixes    0-14 bytes: 66 (operand size), 67 (address size),
 *               26 2E 36 3E 64 65 (segment), F0 (LOCK), F2 F3 (REP)
 *   opcode      one byte, or 0F and a second byte
 *   ModR/M      mod:2 reg:3 rm:3, when the opcode has one
 *   SIB         scale:2 index:3 base:3, in 32-bit addressing when rm = 4
 *   disp        0, 1, 2 or 4 bytes
 *   immediate   0, 1, 2 or 4 bytes (6 for a far pointer, 3 for ENTER)
 *
 * Which operation an opcode is, and which of the fields follow, comes from
 * opcodes.def; this file only knows the shape of the encoding. The decoder is
 * pure: no CPU state, no memory access beyond the n bytes it is given, so it
 * can be tested byte for byte and used by the disassembler.
 */
#include "insn.h"

#include "cpu.h"

#include <stdbool.h>
#include <stddef.h>

/* Per-row tables, generated from opcodes.def. */
static const uint32_t op_attr[OP_COUNT] = {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc) attr,
#include "opcodes.def"
#undef OP
};

static const char *const op_mnem[OP_COUNT] = {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc) mnem,
#include "opcodes.def"
#undef OP
};

static const char *const op_operands[OP_COUNT] = {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc) operands,
#include "opcodes.def"
#undef OP
};

/* One row of the table as the map builder sees it. */
struct row {
    int opc; /* 0x000-0x1ff, -1 for the #UD row */
    int reg; /* ModR/M reg for group members, -1 otherwise */
    int op;  /* enum op */
};

static const struct row rows[] = {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc) {opc, reg, OP_##name},
#include "opcodes.def"
#undef OP
};

/* The opcode map: for each opcode and ModR/M reg value, the operation.
 * Filled once from rows[]; unlisted entries stay 0 = OP_UD. */
static uint16_t opmap[0x200][8];
static bool has_modrm_map[0x200];

/* Build opmap[][] before main() runs. A row with reg = -1 fills all eight
 * ModR/M reg slots of its opcode; a group row fills one. A constructor keeps
 * x86_decode() free of "is the table ready" checks and of locking. */
__attribute__((constructor)) static void build_opmap(void)
{
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        const struct row *r = &rows[k];
        if (r->opc < 0)
            continue;
        for (int reg = 0; reg < 8; reg++)
            if (r->reg < 0 || r->reg == reg)
                opmap[r->opc][reg] = (uint16_t)r->op;
        if (op_attr[r->op] & A_M)
            has_modrm_map[r->opc] = true;
    }
}

const char *x86_mnemonic(int op)
{
    return op >= 0 && op < OP_COUNT ? op_mnem[op] : "?";
}

const char *x86_operands(int op)
{
    return op >= 0 && op < OP_COUNT ? op_operands[op] : "";
}

uint32_t x86_attr(int op)
{
    return op >= 0 && op < OP_COUNT ? op_attr[op] : 0;
}

/* A cursor over the instruction bytes. */
struct cursor {
    const uint8_t *p; /* the bytes */
    int n;            /* how many are available */
    int pos;          /* next byte to read */
    int status;       /* DECODE_OK, or why reading stopped */
};

/* Read the next byte; on running out, record why and return 0. */
static uint8_t next(struct cursor *cu)
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
static uint32_t next_n(struct cursor *cu, int size)
{
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)next(cu) << (8 * k);
    return v;
}

/* 16-bit addressing: rm selects one of eight base/index pairs (SDM table 2-1). */
static void decode_ea16(struct insn *i, struct cursor *cu)
{
    static const uint8_t base[8] = {R_EBX, R_EBX, R_EBP, R_EBP, EA_NONE, EA_NONE, R_EBP, R_EBX};
    static const uint8_t index[8] = {R_ESI, R_EDI, R_ESI, R_EDI, R_ESI, R_EDI, EA_NONE, EA_NONE};
    uint8_t mod = i->modrm.mod, rm = i->modrm.rm;

    i->ea.base = base[rm];
    i->ea.index = index[rm];
    i->ea.scale = 1;
    if (mod == 0 && rm == 6) {
        i->ea.base = EA_NONE;
        i->disp = (int16_t)next_n(cu, 2);
    } else if (mod == 1) {
        i->disp = (int8_t)next(cu);
    } else if (mod == 2) {
        i->disp = (int16_t)next_n(cu, 2);
    }
    if (i->ea.base == R_EBP && !i->seg_override)
        i->seg = SEG_SS; /* BP-based addressing defaults to SS */
}

/* 32-bit addressing: rm = 4 brings a SIB byte, mod 0 rm 5 is disp32 alone. */
static void decode_ea32(struct insn *i, struct cursor *cu)
{
    uint8_t mod = i->modrm.mod, rm = i->modrm.rm;

    i->ea.base = rm;
    i->ea.index = EA_NONE;
    i->ea.scale = 1;
    if (rm == 4) {
        uint8_t sib = next(cu);
        uint8_t idx = (sib >> 3) & 7;
        i->ea.scale = (uint8_t)(1u << (sib >> 6));
        i->ea.index = idx == 4 ? EA_NONE : idx; /* index 4 means none */
        i->ea.base = sib & 7;
        if (i->ea.base == 5 && mod == 0) {
            i->ea.base = EA_NONE;
            i->disp = (int32_t)next_n(cu, 4);
        }
    } else if (rm == 5 && mod == 0) {
        i->ea.base = EA_NONE;
        i->disp = (int32_t)next_n(cu, 4);
    }
    if (mod == 1)
        i->disp = (int8_t)next(cu);
    else if (mod == 2)
        i->disp = (int32_t)next_n(cu, 4);
    if ((i->ea.base == R_ESP || i->ea.base == R_EBP) && !i->seg_override)
        i->seg = SEG_SS; /* ESP- and EBP-based addressing defaults to SS */
}

/* Read the prefixes; returns the first byte that is not one. */
static uint8_t decode_prefixes(struct insn *i, struct cursor *cu, int code_size, int *osize,
                               int *asize)
{
    for (;;) {
        uint8_t b = next(cu);
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
static void decode_imm(struct insn *i, struct cursor *cu, uint32_t attr)
{
    const char *ops = op_operands[i->op];
    bool rel = ops[0] == 'J';

    if (attr & A_AP) {
        i->imm = next_n(cu, i->osize);
        i->imm2 = (uint16_t)next_n(cu, 2);
        return;
    }
    if (attr & A_MOFFS) {
        i->disp = (int32_t)next_n(cu, i->addrsize);
        i->ea.base = i->ea.index = EA_NONE;
        i->ea.scale = 1;
    }
    if (attr & A_IZ) {
        i->imm = next_n(cu, i->osize);
        if (rel && i->osize == 2)
            i->imm = (uint32_t)(int16_t)i->imm;
    }
    if (attr & A_I16) {
        i->imm = next_n(cu, 2);
        if (attr & A_I8) { /* ENTER Iw, Ib */
            i->imm2 = next(cu);
            return;
        }
    }
    if (attr & A_I8) {
        uint8_t b = next(cu);
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
static void check_form(struct insn *i, uint32_t attr)
{
    bool mem = i->has_modrm && i->modrm.mod != 3;

    if ((attr & A_MEM) && !mem)
        i->op = OP_UD;
    if ((attr & A_REG) && mem)
        i->op = OP_UD;
    if (i->lock && (!(attr & A_LOCK) || !mem))
        i->op = OP_UD;
}

enum decode_status x86_decode(struct insn *i, const uint8_t *p, int n, int code_size)
{
    struct cursor cu = {p, n, 0, DECODE_OK};
    int osize = code_size, asize = code_size;

    *i = (struct insn){0};
    i->seg = SEG_DS;
    uint8_t b = decode_prefixes(i, &cu, code_size, &osize, &asize);
    int opc = b;
    if (b == 0x0f) {
        i->map = 1;
        b = next(&cu);
        opc = 0x100 | b;
    }
    i->opcode = b;
    i->osize = (uint8_t)osize;
    i->addrsize = (uint8_t)asize;
    i->op = opmap[opc][0];
    if (has_modrm_map[opc]) {
        uint8_t m = next(&cu);
        i->has_modrm = 1;
        i->modrm = (struct modrm){m >> 6, (m >> 3) & 7, m & 7};
        i->op = opmap[opc][i->modrm.reg];
        if (op_attr[i->op] & A_FORCEREG)
            i->modrm.mod = 3;
        if (i->modrm.mod != 3) {
            if (asize == 2)
                decode_ea16(i, &cu);
            else
                decode_ea32(i, &cu);
        }
    }
    uint32_t attr = op_attr[i->op];
    i->opsize = (attr & A_B) ? 1 : (uint8_t)osize;
    decode_imm(i, &cu, attr);
    check_form(i, attr);
    i->len = (uint8_t)cu.pos;
    return (enum decode_status)cu.status;
}
