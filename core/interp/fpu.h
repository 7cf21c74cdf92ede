/*
 * fpu.h - the x87 floating-point unit: its state, the software 80-bit float
 * it computes with (fpu_float.c), and the transcendental functions
 * (fpu_trans.c). The instructions that use them are ops_fpu*.c.
 *
 * The x87 (Intel SDM vol. 1, chapter 8) is a stack of eight 80-bit
 * registers R0-R7. ST(i) is R[(TOP + i) mod 8]; a load decrements TOP and
 * writes the new ST(0), a pop marks ST(0) empty and increments TOP. Beside
 * the registers: the control word (exception masks, precision and rounding
 * control), the status word (exception flags, the condition codes C0-C3,
 * TOP), the tag word (two bits a register: valid, zero, special, empty) and
 * the pointers to the last non-control instruction and its memory operand,
 * which FSTENV/FSAVE store for an exception handler.
 *
 * The extended-real format: a sign bit, a 15-bit exponent biased by 16383
 * and a 64-bit significand whose top bit (J) is explicit. No host floating
 * point is used anywhere: every operation is integer arithmetic, so every
 * host computes the same bits (unsigned __int128, which GCC and Clang offer
 * on every 64-bit host, holds double-width products and quotients).
 */
#ifndef LAB86_FPU_H
#define LAB86_FPU_H

#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

/* An 80-bit extended-real value as stored in a register or in memory. */
struct f80 {
    uint64_t m;  /* significand, J bit (integer bit) at bit 63 */
    uint16_t se; /* bit 15 sign, bits 14-0 biased exponent */
};

#define F80_EXP_MAX 0x7fff
#define F80_BIAS 16383
#define F80_J (1ull << 63)

/* Control word (SDM vol. 1, 8.1.5). */
#define FCW_IM 0x0001u  /* invalid operation mask */
#define FCW_DM 0x0002u  /* denormal operand mask */
#define FCW_ZM 0x0004u  /* zero divide mask */
#define FCW_OM 0x0008u  /* overflow mask */
#define FCW_UM 0x0010u  /* underflow mask */
#define FCW_PM 0x0020u  /* precision mask */
#define FCW_PC_SHIFT 8  /* precision control: 0 = 24 bits, 2 = 53, 3 = 64 */
#define FCW_RC_SHIFT 10 /* rounding control */
#define FCW_RESET 0x037fu /* FNINIT: all masked, 64-bit precision, to nearest */

/* Rounding control values. */
enum { RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3 };

/* Status word (SDM vol. 1, 8.1.3). The exception flags share their bit
 * positions with the masks above. */
#define FSW_IE 0x0001u  /* invalid operation */
#define FSW_DE 0x0002u  /* denormal operand */
#define FSW_ZE 0x0004u  /* zero divide */
#define FSW_OE 0x0008u  /* overflow */
#define FSW_UE 0x0010u  /* underflow */
#define FSW_PE 0x0020u  /* precision (inexact) */
#define FSW_SF 0x0040u  /* stack fault (with IE; C1 = 1 overflow, 0 underflow) */
#define FSW_ES 0x0080u  /* error summary: an unmasked exception is pending */
#define FSW_C0 0x0100u
#define FSW_C1 0x0200u
#define FSW_C2 0x0400u
#define FSW_TOP_SHIFT 11
#define FSW_C3 0x4000u
#define FSW_B 0x8000u   /* busy: mirrors ES on the 387 and later */
#define FSW_EXC 0x003fu /* the six exception flags */
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

/* Tag values (two bits a register in the tag word). */
enum { TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3 };

/* The unit's state. */
struct fpu {
    struct f80 r[8];        /* the physical registers R0-R7 */
    uint16_t cw;            /* control word */
    uint16_t sw;            /* status word, TOP field kept zero (see top) */
    uint8_t top;            /* stack top, 0-7 */
    uint16_t tw;            /* tag word, two bits per physical register */
    uint16_t fop;           /* last non-control opcode: 11 bits (first byte's low 3, ModR/M) */
    uint32_t fip;           /* last non-control instruction: offset */
    uint16_t fcs;           /* ... and its CS selector */
    uint32_t fdp;           /* its memory operand: offset */
    uint16_t fds;           /* ... and the operand's segment selector */
    struct irq_line ferr;   /* FERR#: IRQ 13 on a PC board (raised with CR0.NE = 0) */
};

/* The FNINIT state (SDM vol. 2, FINIT/FNINIT): control word 037FH, status
 * and pointers 0, every register empty; the FERR# wire is kept. */
void fpu_init(struct fpu *f);

/* --- the software float (fpu_float.c) --- */

/* The context of one operation: the control word in, exception flags and
 * the rounding direction out. */
struct fctx {
    uint16_t cw;    /* control word: masks, PC, RC */
    uint16_t exc;   /* FSW_IE..FSW_PE raised */
    bool up;        /* the result was rounded away from zero (C1) */
};

/* Classes of an f80 operand (SDM vol. 1, 8.2.2 and table 8-3). */
enum fclass {
    FC_ZERO,
    FC_DENORMAL,    /* exponent 0, significand nonzero (pseudo-denormals included) */
    FC_NORMAL,
    FC_INF,
    FC_QNAN,
    FC_SNAN,
    FC_UNSUPPORTED, /* unnormals, pseudo-NaNs, pseudo-infinities: invalid operands */
};

enum fclass f80_class(struct f80 a);
bool f80_sign(struct f80 a);
int f80_exp(struct f80 a);
struct f80 f80_make(bool sign, int exp, uint64_t m);
/* The real indefinite: the QNaN masked invalid operations return. */
struct f80 f80_indefinite(void);
/* Tag of a non-empty register holding a. */
int f80_tag(struct f80 a);

/* Arithmetic, rounded per ctx->cw (PC, RC) with the masked/unmasked responses:
 * an unmasked overflow or underflow returns the result with its exponent
 * wrapped by 24576 (SDM vol. 1, 8.5.4-8.5.5). Invalid operations return the
 * indefinite (the caller does not store when IE is unmasked). */
struct f80 f80_add(struct fctx *x, struct f80 a, struct f80 b);
struct f80 f80_sub(struct fctx *x, struct f80 a, struct f80 b);
struct f80 f80_mul(struct fctx *x, struct f80 a, struct f80 b);
struct f80 f80_div(struct fctx *x, struct f80 a, struct f80 b);
struct f80 f80_sqrt(struct fctx *x, struct f80 a);
struct f80 f80_round_int(struct fctx *x, struct f80 a); /* FRNDINT */
/* Round an exact value sign * sig * 2^(exp - 16383 - 127) (sig's bit 127 is
 * the integer bit when normalized) to the precision of cw; the helper every
 * operation, the transcendentals included, ends with. */
struct f80 f80_round_pack(struct fctx *x, bool sign, int32_t exp, unsigned __int128 sig);
/* Operand screening shared by the operations: returns true (result in *r)
 * when a or b is a NaN or unsupported, raising IE as the x87 does; sets DE
 * for a denormal operand. */
/* The same at 64 bits whatever PC says (the operations PC does not affect). */
struct f80 f80_round_pack64(struct fctx *x, bool sign, int32_t exp, unsigned __int128 sig);
/* Round into a memory format of `bits` significand bits and normal exponents
 * emin..emax (extended-biased): the significand top-aligned (J clear: a
 * denormal of the format), *out_exp, *inf for a masked overflow to infinity. */
uint64_t f80_round_to_fmt(struct fctx *x, bool sign, int32_t exp, unsigned __int128 sig,
                          int bits, int32_t emin, int32_t emax, int32_t *out_exp, bool *inf);
/* A finite nonzero operand as (exponent, significand with J set). */
void f80_unpack(struct f80 a, int32_t *e, uint64_t *m);
bool f80_nan_operands(struct fctx *x, struct f80 a, struct f80 b, struct f80 *r);
bool f80_nan_operand(struct fctx *x, struct f80 a, struct f80 *r);

/* Comparison: -1 less, 0 equal, 1 greater, 2 unordered. quiet: FUCOM (IE only
 * for SNaNs and unsupported) rather than FCOM (IE for any NaN). */
int f80_compare(struct fctx *x, struct f80 a, struct f80 b, bool quiet);

/* Conversions from memory formats: exact (SNaNs become QNaNs with IE; DE for
 * a denormal). */
struct f80 f80_from_f32(struct fctx *x, uint32_t v);
struct f80 f80_from_f64(struct fctx *x, uint64_t v);
struct f80 f80_from_i64(int64_t v);
/* Packed BCD: 9 bytes of digit pairs, least significant first, and a sign
 * byte (bit 7). Invalid digits give an undefined value on hardware; lab86
 * reads them as their binary value (deliberate: defined output). */
struct f80 f80_from_bcd(const uint8_t b[10]);
/* Conversions to memory formats, rounded per RC; precision control does not
 * apply. Out-of-range values raise IE and give the format's indefinite. */
uint32_t f80_to_f32(struct fctx *x, struct f80 a);
uint64_t f80_to_f64(struct fctx *x, struct f80 a);
/* To an integer of bits 16, 32 or 64, rounded per RC. */
int64_t f80_to_int(struct fctx *x, struct f80 a, int bits);
void f80_to_bcd(struct fctx *x, struct f80 a, uint8_t b[10]);

/* Exact remainder (FPREM when ieee is false: quotient truncated; FPREM1 when
 * true: rounded to nearest). Sets *c_bits to the status word's C0-C3 as the
 * instruction leaves them (C2 = 1: reduction incomplete), plus
 * F80_REM_QUOTIENT when a quotient was computed at all: for special
 * operands the hardware clears C2 and leaves C0, C1 and C3 alone. */
#define F80_REM_QUOTIENT 0x0001u
struct f80 f80_rem(struct fctx *x, struct f80 a, struct f80 b, bool ieee, uint16_t *c_bits);
/* FSCALE: a * 2^trunc(b). */
struct f80 f80_scale(struct fctx *x, struct f80 a, struct f80 b);
/* FXTRACT: *sig (ST0 after) and the exponent as a value (ST1 after). */
void f80_xtract(struct fctx *x, struct f80 a, struct f80 *exp, struct f80 *sig);

/* --- transcendentals (fpu_trans.c); C2 = 1 on return: out of range --- */
struct f80 f80_sin(struct fctx *x, struct f80 a, bool *c2);
struct f80 f80_cos(struct fctx *x, struct f80 a, bool *c2);
/* FSINCOS and FPTAN: two results (sin and cos; tan and 1). */
void f80_sincos(struct fctx *x, struct f80 a, struct f80 *s, struct f80 *c, bool *c2);
struct f80 f80_tan(struct fctx *x, struct f80 a, bool *c2);
struct f80 f80_atan2(struct fctx *x, struct f80 y, struct f80 xv); /* FPATAN: atan(y/x) */
struct f80 f80_f2xm1(struct fctx *x, struct f80 a);
struct f80 f80_yl2x(struct fctx *x, struct f80 y, struct f80 xv);   /* y * log2(x) */
struct f80 f80_yl2xp1(struct fctx *x, struct f80 y, struct f80 xv); /* y * log2(x + 1) */

#endif
