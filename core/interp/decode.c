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

/* What the decoder needs to know of an opcode (0x000-0x1ff) before it knows
 * the operation: whether a ModR/M byte follows, and whether its byte
 * immediate is sign-extended although the operation's operands do not begin
 * with J (6A PUSH Ib, 6B IMUL Gv,Ev,Ib, 83 ALU Ev,Ib). */
#define OPC_MODRM 0x01u
#define OPC_SEXT8 0x02u
static uint8_t opc_flags[0x200];

/* A row's attributes with one bit more, derived from its operand string:
 * the first operand is relative (J), so its immediate is sign-extended.
 * Read per instruction as one table word; comparing the string was a load
 * and a compare more on every decode. */
#define D_REL 0x80000000u
static uint32_t op_dattr[OP_COUNT];

/* The prefix bytes (SDM vol. 2, 2.1.1): one table load tells the common
 * instruction, which has none, from the rest. */
static const bool is_prefix[256] = {
    [0x26] = true, [0x2e] = true, [0x36] = true, [0x3e] = true, [0x64] = true,
    [0x65] = true, [0x66] = true, [0x67] = true, [0xf0] = true, [0xf2] = true,
    [0xf3] = true,
};

/* Build the tables before main() runs. A row with reg = -1 fills all eight
 * ModR/M reg slots of its opcode; a group row fills one. A constructor keeps
 * x86_decode() free of "is the table ready" checks and of locking. */
__attribute__((constructor)) static void build_opmap(void)
{
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        const struct row *r = &rows[k];
        op_dattr[r->op] = op_attr[r->op] | (op_operands[r->op][0] == 'J' ? D_REL : 0);
        if (r->opc < 0)
            continue;
        for (int reg = 0; reg < 8; reg++)
            if (r->reg < 0 || r->reg == reg)
                opmap[r->opc][reg] = (uint16_t)r->op;
        if (op_attr[r->op] & A_M)
            opc_flags[r->opc] |= OPC_MODRM;
    }
    opc_flags[0x6a] |= OPC_SEXT8;
    opc_flags[0x6b] |= OPC_SEXT8;
    opc_flags[0x83] |= OPC_SEXT8;
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

/* A cursor over the instruction bytes. lim is min(n, 15): the first read at
 * lim fails, whichever of the two limits it is, so one comparison a byte
 * serves both (next() tested them apart, and its status word in memory, at
 * ~7 host instructions a byte). */
struct cursor {
    const uint8_t *p; /* the bytes */
    int lim;          /* min(n, 15): reads stop here */
    int pos;          /* next byte to read */
    bool fail;        /* a read hit lim: DECODE_MORE or DECODE_TOOLONG */
};

/* Read the next byte; at the limit, note it and return 0 without moving on,
 * so that what was decoded up to there stays as it was. */
static inline uint8_t next(struct cursor *cu)
{
    if (__builtin_expect(cu->pos < cu->lim, 1))
        return cu->p[cu->pos++];
    cu->fail = true;
    return 0;
}

/* Read a little-endian value of size bytes (2 or 4). When all of them are
 * there, as nearly always, in one go; else byte by byte as far as they go. */
static inline uint32_t next_n(struct cursor *cu, int size)
{
    if (__builtin_expect(cu->pos + size <= cu->lim, 1)) {
        const uint8_t *q = cu->p + cu->pos;
        cu->pos += size;
        uint32_t v = q[0] | (uint32_t)q[1] << 8;
        return size == 2 ? v : v | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
    }
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

/* Apply the prefixes that begin p[0..lim) to i (i->osize and i->addrsize
 * hold the default sizes on entry); returns how many there are. Out of line
 * and away from the cursor, which stays in registers on the common path,
 * where the instruction has none. */
static __attribute__((noinline)) int decode_prefixes(struct insn *i, const uint8_t *p, int lim,
                                                     int code_size)
{
    int k = 0;
    for (; k < lim && is_prefix[p[k]]; k++) {
        switch (p[k]) {
        case 0x66: i->osize = (uint8_t)(code_size ^ 6); break; /* 2 <-> 4; repeats change nothing */
        case 0x67: i->addrsize = (uint8_t)(code_size ^ 6); break;
        case 0x26: i->seg = SEG_ES; i->seg_override = 1; break;
        case 0x2e: i->seg = SEG_CS; i->seg_override = 1; break;
        case 0x36: i->seg = SEG_SS; i->seg_override = 1; break;
        case 0x3e: i->seg = SEG_DS; i->seg_override = 1; break;
        case 0x64: i->seg = SEG_FS; i->seg_override = 1; break;
        case 0x65: i->seg = SEG_GS; i->seg_override = 1; break;
        case 0xf0: i->lock = 1; break;
        case 0xf2: i->rep = REP_NE; break;
        default: i->rep = REP_E; break; /* 0xf3, the last of is_prefix[] */
        }
    }
    return k;
}

/* The immediate-bearing attributes: an instruction with none of them (most
 * of them, in a typical mix) skips decode_imm() after one test. */
#define A_ANY_IMM (A_AP | A_MOFFS | A_IZ | A_I16 | A_I8)

/* Read the immediates the row's attributes call for, in encoding order:
 * a far pointer (offset then selector), a memory offset (MOV AL, [moffs]),
 * a word or dword immediate, then a byte. Relative targets (J) and the
 * byte immediates of 6A/6B/83 are sign-extended; other bytes are not, so
 * handlers never have to know which form they came from. */
static inline void decode_imm(struct insn *i, struct cursor *cu, uint32_t dattr, uint8_t oflags)
{
    bool rel = (dattr & D_REL) != 0;

    if (dattr & A_AP) {
        i->imm = next_n(cu, i->osize);
        i->imm2 = (uint16_t)next_n(cu, 2);
        return;
    }
    if (dattr & A_MOFFS) {
        i->disp = (int32_t)next_n(cu, i->addrsize);
        i->ea.base = i->ea.index = EA_NONE;
        i->ea.scale = 1;
    }
    if (dattr & A_IZ) {
        i->imm = next_n(cu, i->osize);
        if (rel && i->osize == 2)
            i->imm = (uint32_t)(int16_t)i->imm;
    }
    if (dattr & A_I16) {
        i->imm = next_n(cu, 2);
        if (dattr & A_I8) { /* ENTER Iw, Ib */
            i->imm2 = next(cu);
            return;
        }
    }
    if (dattr & A_I8) {
        uint8_t b = next(cu);
        bool sext = rel || (oflags & OPC_SEXT8);
        i->imm = sext ? (uint32_t)(int8_t)b : b;
    }
}

/* Apply the checks that make an otherwise decodable form #UD: a register
 * where the table demands memory (LEA, LGDT, BOUND...), memory where it
 * demands a register, and LOCK anywhere but on a lockable instruction with a
 * memory destination (SDM vol. 2, LOCK). The length stays what was decoded:
 * #UD is raised for the whole instruction. */
static inline void check_form(struct insn *i, uint32_t attr)
{
    bool mem = i->has_modrm && i->modrm.mod != 3;

    if ((attr & A_MEM) && !mem)
        i->op = OP_UD;
    if ((attr & A_REG) && mem)
        i->op = OP_UD;
    if (i->lock && (!(attr & A_LOCK) || !mem))
        i->op = OP_UD;
}

/* The ModR/M byte and the addressing form it starts; returns the operation,
 * which the reg field selects among a group's rows. */
static inline unsigned decode_modrm(struct insn *i, struct cursor *cu, int opc, int asize)
{
    uint8_t m = next(cu);
    i->has_modrm = 1;
    i->modrm = (struct modrm){m >> 6, (m >> 3) & 7, m & 7};
    unsigned op = opmap[opc][i->modrm.reg];
    if (op_attr[op] & A_FORCEREG)
        i->modrm.mod = 3;
    if (i->modrm.mod != 3) {
        if (asize == 2)
            decode_ea16(i, cu);
        else
            decode_ea32(i, cu);
    }
    return op;
}

/* restrict: i and p never overlap, and saying so lets the compiler keep
 * what it read of p in registers across the stores to *i (a uint8_t store
 * may otherwise alias any byte). */
enum decode_status x86_decode(struct insn *restrict i, const uint8_t *restrict p, int n,
                              int code_size)
{
    struct cursor cu = {p, n < 15 ? n : 15, 0, false};
    int osize = code_size, asize = code_size;

    *i = (struct insn){0};
    i->seg = SEG_DS;
    if (cu.lim > 0 && is_prefix[p[0]]) {
        i->osize = (uint8_t)osize;
        i->addrsize = (uint8_t)asize;
        cu.pos = decode_prefixes(i, p, cu.lim, code_size);
        osize = i->osize;
        asize = i->addrsize;
    }
    uint8_t b = next(&cu);
    int opc = b;
    if (b == 0x0f) {
        i->map = 1;
        b = next(&cu);
        opc = 0x100 | b;
    }
    i->opcode = b;
    i->osize = (uint8_t)osize;
    i->addrsize = (uint8_t)asize;
    uint8_t oflags = opc_flags[opc];
    unsigned op = (oflags & OPC_MODRM) ? decode_modrm(i, &cu, opc, asize) : opmap[opc][0];
    i->op = (uint16_t)op;
    uint32_t dattr = op_dattr[op];
    i->opsize = (dattr & A_B) ? 1 : (uint8_t)osize;
    if (dattr & A_ANY_IMM)
        decode_imm(i, &cu, dattr, oflags);
    if ((dattr & (A_MEM | A_REG)) || i->lock)
        check_form(i, dattr);
    i->len = (uint8_t)cu.pos;
    if (!cu.fail)
        return DECODE_OK;
    /* A read failed: at the 15-byte limit the instruction is too long
     * whatever follows; before it, more bytes may complete it. */
    return cu.lim == 15 ? DECODE_TOOLONG : DECODE_MORE;
}
