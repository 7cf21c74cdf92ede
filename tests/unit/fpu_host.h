/*
 * fpu_host.h - the host's own x87 as the oracle for lab86's software x87:
 * inline-assembly helpers that run one x87 instruction natively (the test
 * machines are x86-64, whose x87 is the Pentium Pro's, bit for bit for the
 * basic operations) and return its result bits and status word. Used by
 * test_fpu_float.c and test_fpu.c only.
 *
 * Every helper starts from FNINIT and the given control word, loads its
 * operands with FLD m80 (which signals nothing, so SNaNs and denormals
 * arrive untouched), runs the instruction, reads the status word with
 * FNSTSW and clears the exceptions with FNCLEX before anything that waits,
 * so that an unmasked exception never reaches the test process as SIGFPE.
 */
#ifndef LAB86_FPU_HOST_H
#define LAB86_FPU_HOST_H

#include <stdint.h>
#include <string.h>

#include "interp/fpu.h"

/* The host's view of an f80: 10 bytes, little-endian, as FSTP m80 writes. */
static inline void host_put(unsigned char out[16], struct f80 v)
{
    memset(out, 0, 16);
    memcpy(out, &v.m, 8);
    memcpy(out + 8, &v.se, 2);
}

static inline struct f80 host_get(const unsigned char in[16])
{
    struct f80 v;
    memcpy(&v.m, in, 8);
    memcpy(&v.se, in + 8, 2);
    return v;
}

/* Binary operations of ST0 = a, ST1 = b, result in ST0 (the register form
 * "op st, st(1)"). */
enum host_binop {
    HB_ADD, HB_SUB, HB_MUL, HB_DIV, HB_PREM, HB_PREM1, HB_SCALE,
};

static inline uint16_t host_binop(int op, uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
    unsigned char ma[16], mb[16], mr[16];
    uint16_t sw;
    host_put(ma, a);
    host_put(mb, b);
#define HOST_BIN(insn)                                                                             \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn                   \
                     "\n\tfnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfstp %%st(0)"                   \
                     : [sw] "=m"(sw), [r] "=m"(mr)                                                \
                     : [cw] "m"(cw), [a] "m"(ma), [b] "m"(mb)                                     \
                     : "memory", "st", "st(1)")
    switch (op) {
    case HB_ADD: HOST_BIN("fadd %%st(1), %%st"); break;
    case HB_SUB: HOST_BIN("fsub %%st(1), %%st"); break;
    case HB_MUL: HOST_BIN("fmul %%st(1), %%st"); break;
    case HB_DIV: HOST_BIN("fdiv %%st(1), %%st"); break;
    case HB_PREM: HOST_BIN("fprem"); break;
    case HB_PREM1: HOST_BIN("fprem1"); break;
    default: HOST_BIN("fscale"); break;
    }
#undef HOST_BIN
    *r = host_get(mr);
    return sw;
}

/* Unary operations on ST0. */
enum host_unop { HU_SQRT, HU_RNDINT, HU_SIN, HU_COS, HU_F2XM1, HU_CHS, HU_ABS };

static inline uint16_t host_unop(int op, uint16_t cw, struct f80 a, struct f80 *r)
{
    unsigned char ma[16], mr[16];
    uint16_t sw;
    host_put(ma, a);
#define HOST_UN(insn)                                                                              \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn                                \
                     "\n\tfnstsw %[sw]\n\tfnclex\n\tfstpt %[r]"                                   \
                     : [sw] "=m"(sw), [r] "=m"(mr)                                                \
                     : [cw] "m"(cw), [a] "m"(ma)                                                  \
                     : "memory", "st")
    switch (op) {
    case HU_SQRT: HOST_UN("fsqrt"); break;
    case HU_RNDINT: HOST_UN("frndint"); break;
    case HU_SIN: HOST_UN("fsin"); break;
    case HU_COS: HOST_UN("fcos"); break;
    case HU_F2XM1: HOST_UN("f2xm1"); break;
    case HU_CHS: HOST_UN("fchs"); break;
    default: HOST_UN("fabs"); break;
    }
#undef HOST_UN
    *r = host_get(mr);
    return sw;
}

/* Two-operand functions whose result replaces ST1 and pops (FPATAN, FYL2X,
 * FYL2XP1): ST0 = a, ST1 = b. */
enum host_binpop { HP_PATAN, HP_YL2X, HP_YL2XP1 };

static inline uint16_t host_binpop(int op, uint16_t cw, struct f80 a, struct f80 b, struct f80 *r)
{
    unsigned char ma[16], mb[16], mr[16];
    uint16_t sw;
    host_put(ma, a);
    host_put(mb, b);
#define HOST_BP(insn)                                                                              \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn                   \
                     "\n\tfnstsw %[sw]\n\tfnclex\n\tfstpt %[r]"                                   \
                     : [sw] "=m"(sw), [r] "=m"(mr)                                                \
                     : [cw] "m"(cw), [a] "m"(ma), [b] "m"(mb)                                     \
                     : "memory", "st", "st(1)")
    switch (op) {
    case HP_PATAN: HOST_BP("fpatan"); break;
    case HP_YL2X: HOST_BP("fyl2x"); break;
    default: HOST_BP("fyl2xp1"); break;
    }
#undef HOST_BP
    *r = host_get(mr);
    return sw;
}

/* FCOM/FUCOM ST0 = a with ST1 = b: the status word (C0 C2 C3). */
static inline uint16_t host_compare(bool quiet, uint16_t cw, struct f80 a, struct f80 b)
{
    unsigned char ma[16], mb[16];
    uint16_t sw;
    host_put(ma, a);
    host_put(mb, b);
#define HOST_CMP(insn)                                                                             \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" insn                   \
                     "\n\tfnstsw %[sw]\n\tfnclex\n\tfstp %%st(0)\n\tfstp %%st(0)"                 \
                     : [sw] "=m"(sw)                                                              \
                     : [cw] "m"(cw), [a] "m"(ma), [b] "m"(mb)                                     \
                     : "memory", "st", "st(1)")
    if (quiet)
        HOST_CMP("fucom %%st(1)");
    else
        HOST_CMP("fcom %%st(1)");
#undef HOST_CMP
    return sw;
}

/* Stores of ST0 = a to memory: FSTP m32/m64, FISTP m16/m32/m64, FBSTP. The
 * bytes stored are in out (unchanged where nothing is stored). */
enum host_store { HS_F32, HS_F64, HS_I16, HS_I32, HS_I64, HS_BCD };

static inline uint16_t host_store(int op, uint16_t cw, struct f80 a, unsigned char out[16])
{
    unsigned char ma[16];
    uint16_t sw;
    host_put(ma, a);
#define HOST_ST(insn)                                                                              \
    __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t" insn " %[o]"                        \
                     "\n\tfnstsw %[sw]\n\tfnclex\n\tffree %%st(0)\n\tfincstp"                     \
                     : [sw] "=m"(sw), [o] "+m"(*(unsigned char(*)[16])out)                        \
                     : [cw] "m"(cw), [a] "m"(ma)                                                  \
                     : "memory", "st")
    switch (op) {
    case HS_F32: HOST_ST("fsts"); break;
    case HS_F64: HOST_ST("fstl"); break;
    case HS_I16: HOST_ST("fists"); break;
    case HS_I32: HOST_ST("fistl"); break;
    case HS_I64: HOST_ST("fistpll"); break;
    default: HOST_ST("fbstp"); break;
    }
#undef HOST_ST
    return sw;
}

/* Loads: FLD m32 / m64 of the bits in v, then the register stored. */
static inline uint16_t host_load(int bits, uint16_t cw, uint64_t v, struct f80 *r)
{
    unsigned char mr[16];
    uint16_t sw;
    if (bits == 32) {
        uint32_t w = (uint32_t)v;
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tflds %[v]\n\tfnstsw %[sw]\n\tfnclex\n\t"
                         "fstpt %[r]"
                         : [sw] "=m"(sw), [r] "=m"(mr)
                         : [cw] "m"(cw), [v] "m"(w)
                         : "memory", "st");
    } else {
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldl %[v]\n\tfnstsw %[sw]\n\tfnclex\n\t"
                         "fstpt %[r]"
                         : [sw] "=m"(sw), [r] "=m"(mr)
                         : [cw] "m"(cw), [v] "m"(v)
                         : "memory", "st");
    }
    *r = host_get(mr);
    return sw;
}

/* FBLD of the 10 bytes at b, then the register stored. */
static inline uint16_t host_fbld(const uint8_t b[10], struct f80 *r)
{
    unsigned char mb[16] = {0}, mr[16];
    uint16_t sw;
    memcpy(mb, b, 10);
    __asm__ volatile("fninit\n\tfbld %[b]\n\tfnstsw %[sw]\n\tfnclex\n\tfstpt %[r]"
                     : [sw] "=m"(sw), [r] "=m"(mr)
                     : [b] "m"(mb)
                     : "memory", "st");
    *r = host_get(mr);
    return sw;
}

#endif
