/*
 * decode_inline.h - the decoder's body, for the callers that want it in line.
 *
 * x86_decode() (decode.c) is this function behind a call. The switch core
 * decodes every instruction it runs, and there the call (the saves of six
 * registers, the arguments, the return) and the parts the compiler left out
 * of line cost ~14 host instructions a guest instruction on bench.asm (314
 * against 300 in line): exec_switch.c calls x86_decode_inline() instead.
 * Everyone else calls x86_decode(); both are the same code, so they cannot
 * disagree.
 *
 * The tables it reads are decode.c's, built from opcodes.def before main()
 * runs (x86_opmap and the rest below); decode.c's header comment describes
 * the encoding. test_decode_ref.c holds the whole decoder to its reference
 * model, field by field.
 */
#ifndef LAB86_DECODE_INLINE_H
#define LAB86_DECODE_INLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "insn.h"

/* Everything here goes in line, wherever it is called: left to itself the
 * compiler called decode_imm() and decode_modrm() out of line from the
 * switch core's loop, at ~35 host instructions a call for decode_imm(). */
#define DECODE_INLINE static inline __attribute__((always_inline))

/* The opcode map: for each opcode (0x000-0x1ff, 0x100 | byte for the 0F
 * map) and ModR/M reg value, the operation; unlisted entries are OP_UD. */
extern uint16_t x86_opmap[0x200][8];

/* What the decoder needs to know of an opcode before it knows the
 * operation: whether a ModR/M byte follows, and whether its byte immediate
 * is sign-extended although the operation's operands do not begin with J
 * (6A PUSH Ib, 6B IMUL Gv,Ev,Ib, 83 ALU Ev,Ib). */
#define OPC_MODRM 0x01u
#define OPC_SEXT8 0x02u
extern uint8_t x86_opc_flags[0x200];

/* A row's attributes (A_*) with one bit more, derived from its operand
 * string: the first operand is relative (J), so its immediate is
 * sign-extended. One table word per instruction; comparing the string was a
 * load and a compare more on every decode. */
#define D_REL 0x80000000u
extern uint32_t x86_op_dattr[OP_COUNT];

/* The prefix bytes (SDM vol. 2, 2.1.1): one load tells the common
 * instruction, which has none, from the rest. */
extern const bool x86_is_prefix[256];

/* Apply the prefixes that begin p[0..lim) to i (i->osize and i->addrsize
 * hold the default sizes on entry); returns how many there are. */
int x86_decode_prefixes(struct insn *i, const uint8_t *p, int lim, int code_size);

/* A cursor over the instruction bytes. lim is min(n, 15): the first read at
 * lim fails, whichever of the two limits it is, so one comparison a byte
 * serves both (the decoder used to test them apart, and a status word in
 * memory, at ~7 host instructions a byte). */
struct dec_cursor {
    const uint8_t *p; /* the bytes */
    int lim;          /* min(n, 15): reads stop here */
    int pos;          /* next byte to read */
    bool fail;        /* a read hit lim: DECODE_MORE or DECODE_TOOLONG */
};

/* Read the next byte; at the limit, note it and return 0 without moving on,
 * so that what was decoded up to there stays as it was. */
DECODE_INLINE uint8_t dec_next(struct dec_cursor *cu)
{
    if (__builtin_expect(cu->pos < cu->lim, 1))
        return cu->p[cu->pos++];
    cu->fail = true;
    return 0;
}

/* Read a little-endian value of size bytes (2 or 4). When all of them are
 * there, as nearly always, in one go; else byte by byte as far as they go. */
DECODE_INLINE uint32_t dec_next_n(struct dec_cursor *cu, int size)
{
    if (__builtin_expect(cu->pos + size <= cu->lim, 1)) {
        const uint8_t *q = cu->p + cu->pos;
        cu->pos += size;
        uint32_t v = q[0] | (uint32_t)q[1] << 8;
        return size == 2 ? v : v | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
    }
    uint32_t v = 0;
    for (int k = 0; k < size; k++)
        v |= (uint32_t)dec_next(cu) << (8 * k);
    return v;
}

/* 16-bit addressing: rm selects one of eight base/index pairs (SDM table 2-1). */
DECODE_INLINE void decode_ea16(struct insn *i, struct dec_cursor *cu)
{
    static const uint8_t base[8] = {R_EBX, R_EBX, R_EBP, R_EBP, EA_NONE, EA_NONE, R_EBP, R_EBX};
    static const uint8_t index[8] = {R_ESI, R_EDI, R_ESI, R_EDI, R_ESI, R_EDI, EA_NONE, EA_NONE};
    uint8_t mod = i->modrm.mod, rm = i->modrm.rm;

    i->ea.base = base[rm];
    i->ea.index = index[rm];
    i->ea.scale = 1;
    if (mod == 0 && rm == 6) {
        i->ea.base = EA_NONE;
        i->disp = (int16_t)dec_next_n(cu, 2);
    } else if (mod == 1) {
        i->disp = (int8_t)dec_next(cu);
    } else if (mod == 2) {
        i->disp = (int16_t)dec_next_n(cu, 2);
    }
    if (i->ea.base == R_EBP && !i->seg_override)
        i->seg = SEG_SS; /* BP-based addressing defaults to SS */
}

/* 32-bit addressing: rm = 4 brings a SIB byte, mod 0 rm 5 is disp32 alone. */
DECODE_INLINE void decode_ea32(struct insn *i, struct dec_cursor *cu)
{
    uint8_t mod = i->modrm.mod, rm = i->modrm.rm;

    i->ea.base = rm;
    i->ea.index = EA_NONE;
    i->ea.scale = 1;
    if (rm == 4) {
        uint8_t sib = dec_next(cu);
        uint8_t idx = (sib >> 3) & 7;
        i->ea.scale = (uint8_t)(1u << (sib >> 6));
        i->ea.index = idx == 4 ? EA_NONE : idx; /* index 4 means none */
        i->ea.base = sib & 7;
        if (i->ea.base == 5 && mod == 0) {
            i->ea.base = EA_NONE;
            i->disp = (int32_t)dec_next_n(cu, 4);
        }
    } else if (rm == 5 && mod == 0) {
        i->ea.base = EA_NONE;
        i->disp = (int32_t)dec_next_n(cu, 4);
    }
    if (mod == 1)
        i->disp = (int8_t)dec_next(cu);
    else if (mod == 2)
        i->disp = (int32_t)dec_next_n(cu, 4);
    if ((i->ea.base == R_ESP || i->ea.base == R_EBP) && !i->seg_override)
        i->seg = SEG_SS; /* ESP- and EBP-based addressing defaults to SS */
}

/* The immediate-bearing attributes: an instruction with none of them (most
 * of them, in a typical mix) skips decode_imm() after one test. */
#define A_ANY_IMM (A_AP | A_MOFFS | A_IZ | A_I16 | A_I8)

/* Read the immediates the row's attributes call for, in encoding order:
 * a far pointer (offset then selector), a memory offset (MOV AL, [moffs]),
 * a word or dword immediate, then a byte. Relative targets (J) and the
 * byte immediates of 6A/6B/83 are sign-extended; other bytes are not, so
 * handlers never have to know which form they came from. */
DECODE_INLINE void decode_imm(struct insn *i, struct dec_cursor *cu, uint32_t dattr, uint8_t oflags)
{
    bool rel = (dattr & D_REL) != 0;

    if (dattr & A_AP) {
        i->imm = dec_next_n(cu, i->osize);
        i->imm2 = (uint16_t)dec_next_n(cu, 2);
        return;
    }
    if (dattr & A_MOFFS) {
        i->disp = (int32_t)dec_next_n(cu, i->addrsize);
        i->ea.base = i->ea.index = EA_NONE;
        i->ea.scale = 1;
    }
    if (dattr & A_IZ) {
        i->imm = dec_next_n(cu, i->osize);
        if (rel && i->osize == 2)
            i->imm = (uint32_t)(int16_t)i->imm;
    }
    if (dattr & A_I16) {
        i->imm = dec_next_n(cu, 2);
        if (dattr & A_I8) { /* ENTER Iw, Ib */
            i->imm2 = dec_next(cu);
            return;
        }
    }
    if (dattr & A_I8) {
        uint8_t b = dec_next(cu);
        bool sext = rel || (oflags & OPC_SEXT8);
        i->imm = sext ? (uint32_t)(int8_t)b : b;
    }
}

/* Apply the checks that make an otherwise decodable form #UD: a register
 * where the table demands memory (LEA, LGDT, BOUND...), memory where it
 * demands a register, and LOCK anywhere but on a lockable instruction with a
 * memory destination (SDM vol. 2, LOCK). The length stays what was decoded:
 * #UD is raised for the whole instruction. */
DECODE_INLINE void decode_check_form(struct insn *i, uint32_t attr)
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
DECODE_INLINE unsigned decode_modrm(struct insn *i, struct dec_cursor *cu, int opc, int asize)
{
    uint8_t m = dec_next(cu);
    i->has_modrm = 1;
    i->modrm = (struct modrm){m >> 6, (m >> 3) & 7, m & 7};
    unsigned op = x86_opmap[opc][i->modrm.reg];
    if (x86_op_dattr[op] & A_FORCEREG)
        i->modrm.mod = 3;
    if (i->modrm.mod != 3) {
        if (asize == 2)
            decode_ea16(i, cu);
        else
            decode_ea32(i, cu);
    }
    return op;
}

/* x86_decode() (insn.h), in line. restrict: i and p never overlap, and
 * saying so lets the compiler keep what it read of p in registers across the
 * stores to *i (a uint8_t store may otherwise alias any byte). */
DECODE_INLINE enum decode_status
x86_decode_inline(struct insn *restrict i, const uint8_t *restrict p, int n, int code_size)
{
    struct dec_cursor cu = {p, n < 15 ? n : 15, 0, false};
    int osize = code_size, asize = code_size;

    *i = (struct insn){0};
    i->seg = SEG_DS;
    if (cu.lim > 0 && x86_is_prefix[p[0]]) {
        i->osize = (uint8_t)osize;
        i->addrsize = (uint8_t)asize;
        cu.pos = x86_decode_prefixes(i, p, cu.lim, code_size);
        osize = i->osize;
        asize = i->addrsize;
    }
    uint8_t b = dec_next(&cu);
    int opc = b;
    if (b == 0x0f) {
        i->map = 1;
        b = dec_next(&cu);
        opc = 0x100 | b;
    }
    i->opcode = b;
    i->osize = (uint8_t)osize;
    i->addrsize = (uint8_t)asize;
    uint8_t oflags = x86_opc_flags[opc];
    unsigned op = (oflags & OPC_MODRM) ? decode_modrm(i, &cu, opc, asize) : x86_opmap[opc][0];
    i->op = (uint16_t)op;
    uint32_t dattr = x86_op_dattr[op];
    i->opsize = (dattr & A_B) ? 1 : (uint8_t)osize;
    if (dattr & A_ANY_IMM)
        decode_imm(i, &cu, dattr, oflags);
    if ((dattr & (A_MEM | A_REG)) || i->lock)
        decode_check_form(i, dattr);
    i->len = (uint8_t)cu.pos;
    if (!cu.fail)
        return DECODE_OK;
    /* A read failed: at the 15-byte limit the instruction is too long
     * whatever follows; before it, more bytes may complete it. */
    return cu.lim == 15 ? DECODE_TOOLONG : DECODE_MORE;
}

#endif
