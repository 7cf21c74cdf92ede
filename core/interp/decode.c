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
 * opcodes.def; the decoder only knows the shape of the encoding. It is pure:
 * no CPU state, no memory access beyond the n bytes it is given, so it can be
 * tested byte for byte and used by the disassembler.
 *
 * The walk through those fields is x86_decode_inline() in decode_inline.h,
 * so that the switch core can have it in line; this file builds the tables
 * it reads from opcodes.def, reads the prefixes (rare enough to be out of
 * line) and is x86_decode(), the decoder behind a call.
 */
#include "insn.h"

#include "cpu.h"
#include "decode_inline.h"

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

/* The tables decode_inline.h declares, filled once from rows[] below. */
uint16_t x86_opmap[0x200][8];
uint8_t x86_opc_flags[0x200];
uint32_t x86_op_dattr[OP_COUNT];
const bool x86_is_prefix[256] = {
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
        x86_op_dattr[r->op] = op_attr[r->op] | (op_operands[r->op][0] == 'J' ? D_REL : 0);
        if (r->opc < 0)
            continue;
        for (int reg = 0; reg < 8; reg++)
            if (r->reg < 0 || r->reg == reg)
                x86_opmap[r->opc][reg] = (uint16_t)r->op;
        if (op_attr[r->op] & A_M)
            x86_opc_flags[r->opc] |= OPC_MODRM;
    }
    x86_opc_flags[0x6a] |= OPC_SEXT8;
    x86_opc_flags[0x6b] |= OPC_SEXT8;
    x86_opc_flags[0x83] |= OPC_SEXT8;
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

/* Out of line and away from the cursor, which stays in registers on the
 * common path, where the instruction has none. */
int x86_decode_prefixes(struct insn *i, const uint8_t *p, int lim, int code_size)
{
    int k = 0;
    for (; k < lim && x86_is_prefix[p[k]]; k++) {
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
        default: i->rep = REP_E; break; /* 0xf3, the last of x86_is_prefix[] */
        }
    }
    return k;
}

enum decode_status x86_decode(struct insn *i, const uint8_t *p, int n, int code_size)
{
    return x86_decode_inline(i, p, n, code_size);
}
