/*
 * insn.h - a decoded x86 instruction, and the decoder's interface.
 *
 * x86_decode() is a pure function: bytes in, struct insn out. It knows the
 * prefixes, the ModR/M and SIB forms of 16- and 32-bit addressing, and the
 * immediate sizes; which operation each opcode is comes from the single
 * table in opcodes.def. It does not touch a CPU, so the disassembler, the
 * tests and both interpreter cores share it.
 */
#ifndef LAB86_INSN_H
#define LAB86_INSN_H

#include <stdint.h>

/* The operation enum, one entry per row of opcodes.def. */
enum op {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc) OP_##name,
#include "opcodes.def"
#undef OP
    OP_COUNT
};

/* Attribute bits of an opcodes.def row. */
#define A_M 0x0001u      /* has a ModR/M byte */
#define A_I8 0x0002u     /* 8-bit immediate (Ib, Jb) */
#define A_I16 0x0004u    /* 16-bit immediate (Iw) */
#define A_IZ 0x0008u     /* 16- or 32-bit immediate by operand size (Iz, Jz) */
#define A_AP 0x0010u     /* far pointer: offset (opsize) then 16-bit selector */
#define A_MOFFS 0x0020u  /* memory offset of address size (MOV AL, [moffs]) */
#define A_LOCK 0x0040u   /* LOCK allowed (with a memory destination) */
#define A_MEM 0x0080u    /* ModR/M must be a memory operand, else #UD */
#define A_REG 0x0100u    /* ModR/M must be a register operand, else #UD */
#define A_B 0x0200u      /* byte operation (operand size 1) */
#define A_PRIV 0x0400u   /* privileged: CPL must be 0 (checked by the handler) */
#define A_JUMP 0x0800u   /* may change EIP (ends a basic block) */
#define A_STR 0x1000u    /* string instruction (REP prefixes apply) */
#define A_FORCEREG 0x2000u /* ModR/M mod is ignored and treated as 3 (MOV CRn/DRn) */

/* The ModR/M byte, split. */
struct modrm {
    uint8_t mod; /* 0-3 */
    uint8_t reg; /* register or opcode extension */
    uint8_t rm;  /* register or memory form */
};

/* A memory operand: seg:[base + index*scale + disp], masked to the address size. */
struct ea {
    uint8_t base;  /* register number, or EA_NONE */
    uint8_t index; /* register number, or EA_NONE */
    uint8_t scale; /* 1, 2, 4 or 8 */
};
/* No base or index register: R8, which this 32-bit CPU never writes, so
 * that c->gpr[EA_NONE] is always 0 and ea_offset() (ops.h) adds base and
 * index without testing whether there are any. */
#define EA_NONE 8

/* Prefix F2/F3. */
enum { REP_NONE = 0, REP_NE = 0xf2, REP_E = 0xf3 };

struct insn {
    uint16_t op;        /* enum op */
    uint8_t len;        /* length in bytes, prefixes included */
    uint8_t opsize;     /* operand size in bytes: 1, 2 or 4 (1 for byte ops) */
    uint8_t osize;      /* operand size ignoring the byte attribute: 2 or 4 */
    uint8_t addrsize;   /* address size in bytes: 2 or 4 */
    uint8_t seg;        /* segment of the memory operand (override or default) */
    uint8_t seg_override; /* 1 if a segment prefix was given */
    uint8_t rep;        /* REP_NONE, REP_NE or REP_E */
    uint8_t lock;       /* 1 if LOCK was given */
    uint8_t opcode;     /* the opcode byte (second byte for 0F xx) */
    uint8_t map;        /* 0 = one-byte map, 1 = 0F map */
    uint8_t has_modrm;  /* 1 if a ModR/M byte was decoded */
    struct modrm modrm; /* the ModR/M fields */
    struct ea ea;       /* the memory operand when has_modrm and mod != 3 */
    int32_t disp;       /* displacement (sign-extended) or moffs */
    uint32_t imm;       /* first immediate (sign-extended for Jb/Jz and Ib of 83/6B) */
    uint16_t imm2;      /* second immediate: selector of Ap, Ib of ENTER */
};

/* Decoder results. */
enum decode_status {
    DECODE_OK = 0,
    DECODE_MORE = 1,    /* the instruction is longer than the n bytes given */
    DECODE_TOOLONG = 2, /* more than 15 bytes: #GP(0) */
};

/* Decode at most n bytes at p, with default operand/address size 2 or 4
 * (code_size). Fills *i and returns DECODE_OK; returns DECODE_MORE if the
 * instruction continues past p + n, DECODE_TOOLONG past 15 bytes. Invalid
 * opcodes decode to OP_UD; instructions where a ModR/M form is invalid
 * (A_MEM/A_REG mismatch, LOCK misuse) decode to OP_UD as well. */
enum decode_status x86_decode(struct insn *i, const uint8_t *p, int n, int code_size);

/* Table lookups by op. */
const char *x86_mnemonic(int op);  /* "add" */
const char *x86_operands(int op);  /* "Eb,Gb" */
uint32_t x86_attr(int op);         /* A_* bits */
int x86_base_cycles(int op);       /* cost-table cycles, register form (cycles.c) */

#endif
