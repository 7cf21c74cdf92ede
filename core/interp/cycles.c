/*
 * cycles.c - the cost table and the cost rules of lab86's 486-class cycle
 * model. The model, its table by instruction class and a worked example are
 * in doc/cycles.md; every number here appears there, and tests/unit/
 * test_cycles.c checks the two against each other.
 *
 * Where the numbers come from. The cycles column of opcodes.def holds each
 * instruction's i486 clock count for its register form, and RM(r, m) where
 * the memory form costs differently (ADD r/m, r: 1 and 3; ADD r, r/m: 1 and
 * 2; MOV: 1 either way, because the 486 pipelines a load that hits its
 * cache). The 486 tables give a range for a few instructions whose time
 * depends on the data (MUL 13-42, BSF 6-42, RCL 8-30): the model takes one
 * number, named in the doc, so that a cost never depends on a value.
 *
 * What the table alone cannot say is done by rule, in this file:
 *   - operand size: a 16-bit multiply or divide is 16 cycles cheaper than
 *     the 32-bit one the table lists (MUL 26/42, DIV 24/40, IDIV 27/43);
 *   - mode: port I/O costs less in protected mode when CPL <= IOPL and
 *     more when the TSS bitmap must be read; a segment register load costs
 *     CYCLES_SEG_PM more in protected mode (descriptor checks);
 *   - ENTER by nesting level, MOV to CR0 against the other CRs;
 *   - REP string instructions, per element plus a start-up, reported by
 *     their handler (ops_string.c);
 *   - a taken branch and the protected-mode path of a far transfer,
 *     reported by their handlers (ops_ctrl.c, ops_far.c, ops_int.c).
 *   - the x87 instructions, which share one row per escape byte in the
 *     table: by escape byte and ModR/M (fpu_cost()).
 *
 * Deliberately not modelled, because they would make the count depend on
 * history or data a student cannot see: caches, the prefetch queue, address
 * generation interlocks, misaligned accesses, LOCK, prefixes.
 */
#include "cycles.h"

#include <stddef.h>

/* --- the table: opcodes.def's cycles column, register and memory forms --- */

#define RM(reg, mem) (reg)
const uint8_t cycles_cost_reg[OP_COUNT] = {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc) cycles,
#include "opcodes.def"
#undef OP
};
#undef RM

#define RM(reg, mem) (mem)
const uint8_t cycles_cost_mem[OP_COUNT] = {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc) cycles,
#include "opcodes.def"
#undef OP
};
#undef RM

int x86_base_cycles(int op)
{
    return op >= 0 && op < OP_COUNT ? cycles_cost_reg[op] : 1;
}

/* --- the rules --- */

/* How an instruction's table cost is adjusted (CLASS_PLAIN: it is not;
 * cycles_insn() in cycles.h relies on CLASS_PLAIN being 0). */
enum cost_class {
    CLASS_PLAIN = 0,
    CLASS_WIDE,   /* multiply or divide of v-size: cheaper with a 16-bit operand */
    CLASS_SEG,    /* loads a segment register: dearer in protected mode */
    CLASS_ENTER,  /* ENTER: by nesting level */
    CLASS_MOV_CR, /* MOV CRn, r32: CR0 is the table's cost, CR2-CR4 cheaper */
    CLASS_IN,     /* IN: by mode */
    CLASS_OUT,    /* OUT: by mode */
    CLASS_MOVS,   /* the string instructions, in the order of rep_costs[] */
    CLASS_CMPS,
    CLASS_STOS,
    CLASS_LODS,
    CLASS_SCAS,
    CLASS_INS,
    CLASS_OUTS,
    CLASS_FPU,    /* an x87 instruction: by escape byte and ModR/M (fpu_cost) */
};

const uint8_t cycles_op_class[OP_COUNT] = {
    /* multiply and divide of v size */
    [OP_MUL_Ev] = CLASS_WIDE, [OP_IMUL_Ev] = CLASS_WIDE, [OP_DIV_Ev] = CLASS_WIDE,
    [OP_IDIV_Ev] = CLASS_WIDE, [OP_IMUL_Gv_Ev] = CLASS_WIDE, [OP_IMUL_Gv_Ev_Iz] = CLASS_WIDE,
    [OP_IMUL_Gv_Ev_Ib] = CLASS_WIDE,
    /* segment register loads */
    [OP_MOV_Sw_Ew] = CLASS_SEG, [OP_POP_ES] = CLASS_SEG, [OP_POP_SS] = CLASS_SEG,
    [OP_POP_DS] = CLASS_SEG, [OP_POP_FS] = CLASS_SEG, [OP_POP_GS] = CLASS_SEG,
    [OP_LES] = CLASS_SEG, [OP_LDS] = CLASS_SEG, [OP_LSS] = CLASS_SEG, [OP_LFS] = CLASS_SEG,
    [OP_LGS] = CLASS_SEG,
    /* one-offs */
    [OP_ENTER] = CLASS_ENTER, [OP_MOV_Cd_Rd] = CLASS_MOV_CR,
    /* port I/O */
    [OP_IN_AL_Ib] = CLASS_IN, [OP_IN_eAX_Ib] = CLASS_IN, [OP_IN_AL_DX] = CLASS_IN,
    [OP_IN_eAX_DX] = CLASS_IN, [OP_OUT_Ib_AL] = CLASS_OUT, [OP_OUT_Ib_eAX] = CLASS_OUT,
    [OP_OUT_DX_AL] = CLASS_OUT, [OP_OUT_DX_eAX] = CLASS_OUT,
    /* string instructions */
    [OP_MOVSB] = CLASS_MOVS, [OP_MOVSV] = CLASS_MOVS, [OP_CMPSB] = CLASS_CMPS,
    [OP_CMPSV] = CLASS_CMPS, [OP_STOSB] = CLASS_STOS, [OP_STOSV] = CLASS_STOS,
    [OP_LODSB] = CLASS_LODS, [OP_LODSV] = CLASS_LODS, [OP_SCASB] = CLASS_SCAS,
    [OP_SCASV] = CLASS_SCAS, [OP_INSB] = CLASS_INS, [OP_INSV] = CLASS_INS,
    [OP_OUTSB] = CLASS_OUTS, [OP_OUTSV] = CLASS_OUTS,
    /* the x87 escapes */
    [OP_ESC0] = CLASS_FPU, [OP_ESC1] = CLASS_FPU, [OP_ESC2] = CLASS_FPU, [OP_ESC3] = CLASS_FPU,
    [OP_ESC4] = CLASS_FPU, [OP_ESC5] = CLASS_FPU, [OP_ESC6] = CLASS_FPU, [OP_ESC7] = CLASS_FPU,
};

#define WIDE_WORD_SAVING 16 /* MUL/IMUL 42 -> 26, DIV 40 -> 24, IDIV 43 -> 27 */
#define MOV_CR_OTHER     4  /* MOV CR2/CR3/CR4, r32 (CR0: 16, the table's) */
#define ENTER_LEVEL1     17 /* ENTER imm16, 1 (level 0: 14, the table's) */
#define ENTER_PER_LEVEL  3  /* ENTER imm16, L for L > 1: 17 + 3L */

/* Port I/O costs by mode (the i486 tables' columns). */
enum io_mode {
    IO_REAL,      /* real mode: no checks */
    IO_PM,        /* protected mode, CPL <= IOPL */
    IO_PM_BITMAP, /* protected mode, CPL > IOPL: the TSS bitmap is read */
    IO_V86,       /* virtual-8086 mode: the bitmap always */
    IO_MODES
};

static const uint8_t io_in[IO_MODES] = {14, 9, 29, 27};
static const uint8_t io_out[IO_MODES] = {16, 11, 31, 29};
static const uint8_t io_string[IO_MODES] = {17, 10, 32, 30}; /* INS, OUTS without REP */

/* REP string instructions: start-up, then each element; indexed by class -
 * CLASS_MOVS. Only INS and OUTS have a start-up that depends on the mode. */
static const struct rep_cost {
    uint8_t startup[IO_MODES]; /* paid once per instruction */
    uint8_t element;           /* paid per element moved or compared */
} rep_costs[] = {
    {{12, 12, 12, 12}, 3}, /* REP MOVS: 12 + 3n */
    {{7, 7, 7, 7}, 7},     /* REPE/REPNE CMPS: 7 + 7n */
    {{7, 7, 7, 7}, 4},     /* REP STOS: 7 + 4n */
    {{7, 7, 7, 7}, 4},     /* REP LODS: 7 + 4n */
    {{7, 7, 7, 7}, 5},     /* REPE/REPNE SCAS: 7 + 5n */
    {{16, 10, 30, 29}, 8}, /* REP INS: 16 + 8n in real mode */
    {{17, 11, 31, 30}, 5}, /* REP OUTS: 17 + 5n in real mode */
};

static enum io_mode io_mode(const struct cpu *c)
{
    if (!cpu_protected(c))
        return IO_REAL;
    if (cpu_v86(c))
        return IO_V86;
    return c->cpl <= cpu_iopl(c) ? IO_PM : IO_PM_BITMAP;
}

/* The x87 (i486 data book, floating-point clock counts): one number each,
 * the low end of a range (FADD 8-20: 8, FSIN 193-279: 193), the real-mode
 * figure where the mode matters (FSAVE 143, FRSTOR 131, FSTENV 67, FLDENV
 * 44). FCOMI and FCMOVcc, which the 486 lacks, cost as FCOM. Memory forms
 * by escape (D8-DF) and ModR/M reg; 0 marks an undefined (#UD) encoding. */
static const uint8_t fpu_mem_cost[8][8] = {
    {8, 11, 4, 4, 8, 8, 73, 73},       /* D8: m32real arithmetic */
    {3, 0, 7, 7, 44, 4, 67, 3},        /* D9: FLD FST FSTP m32, FLDENV FLDCW FSTENV FSTCW */
    {19, 22, 15, 15, 19, 19, 84, 84},  /* DA: m32int arithmetic */
    {9, 0, 29, 29, 0, 6, 0, 6},        /* DB: FILD FIST FISTP m32, FLD FSTP m80 */
    {8, 14, 4, 4, 8, 8, 73, 73},       /* DC: m64real arithmetic */
    {3, 0, 8, 8, 131, 0, 143, 3},      /* DD: FLD FST FSTP m64, FRSTOR FSAVE FSTSW */
    {20, 23, 16, 16, 20, 20, 85, 85},  /* DE: m16int arithmetic */
    {13, 0, 29, 29, 70, 10, 172, 29},  /* DF: FILD FIST FISTP m16, FBLD, FILD m64, FBSTP,
                                          FISTP m64 */
};
/* Register forms by escape and reg (D9 reg 4-7 apart). */
static const uint8_t fpu_reg_cost[8][8] = {
    {8, 16, 4, 4, 8, 8, 73, 73}, /* D8: op ST(0), ST(i) */
    {4, 4, 3, 3, 0, 0, 0, 0},    /* D9: FLD ST(i), FXCH, FNOP, FSTP1 */
    {4, 4, 4, 4, 0, 5, 0, 0},    /* DA: FCMOVcc, FUCOMPP */
    {4, 4, 4, 4, 3, 4, 4, 0},    /* DB: FCMOVNcc, FNCLEX/FNINIT (below), FUCOMI, FCOMI */
    {8, 16, 4, 4, 8, 8, 73, 73}, /* DC: op ST(i), ST(0) */
    {3, 4, 3, 3, 4, 4, 0, 0},    /* DD: FFREE, FXCH4, FST, FSTP, FUCOM, FUCOMP */
    {8, 16, 4, 5, 8, 8, 73, 73}, /* DE: the same, popping; FCOMPP */
    {3, 4, 3, 3, 3, 4, 4, 0},    /* DF: FFREEP, FXCH7, FSTP8/9, FNSTSW AX, FUCOMIP, FCOMIP */
};
/* D9 E0-FF. */
static const uint8_t fpu_d9_cost[32] = {
    6, 3, 0, 0, 4, 8, 0, 0,          /* FCHS FABS - - FTST FXAM - - */
    4, 8, 8, 8, 8, 8, 4, 0,          /* FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ - */
    140, 196, 200, 218, 16, 72, 3, 3, /* F2XM1 FYL2X FPTAN FPATAN FXTRACT FPREM1 FDECSTP FINCSTP */
    70, 171, 83, 243, 21, 30, 193, 193, /* FPREM FYL2XP1 FSQRT FSINCOS FRNDINT FSCALE FSIN FCOS */
};
#define FPU_FNCLEX 7
#define FPU_FNINIT 17

static uint32_t fpu_cost(const struct insn *i)
{
    unsigned esc = i->opcode & 7u, reg = i->modrm.reg, rm = i->modrm.rm;
    if (i->modrm.mod != 3)
        return fpu_mem_cost[esc][reg];
    if (esc == 1 && reg >= 4)
        return fpu_d9_cost[(reg - 4) * 8 + rm];
    if (esc == 3 && reg == 4)
        return rm == 2 ? FPU_FNCLEX : rm == 3 ? FPU_FNINIT : fpu_reg_cost[3][4];
    return fpu_reg_cost[esc][reg];
}

/* ENTER's cost by nesting level (its Ib, mod 32). */
static uint32_t enter_cost(const struct insn *i, uint32_t level0)
{
    uint32_t level = i->imm2 & 0x1fu;
    if (level == 0)
        return level0;
    return level == 1 ? ENTER_LEVEL1 : ENTER_LEVEL1 + ENTER_PER_LEVEL * level;
}

/* A string instruction: a REP form reports its whole cost from the
 * handler; a single INS or OUTS costs by mode; the others as the table. */
static uint32_t string_cost(const struct cpu *c, const struct insn *i, int k, uint32_t n)
{
    if (i->rep != REP_NONE)
        return 0;
    return k == CLASS_INS || k == CLASS_OUTS ? io_string[io_mode(c)] : n;
}

/* Table cost n of i adjusted by its class's rule. */
static uint32_t class_cost(const struct cpu *c, const struct insn *i, int k, uint32_t n)
{
    switch (k) {
    case CLASS_WIDE: return i->opsize == 2 ? n - WIDE_WORD_SAVING : n;
    case CLASS_SEG: return cpu_protected(c) && !cpu_v86(c) ? n + CYCLES_SEG_PM : n;
    case CLASS_ENTER: return enter_cost(i, n);
    case CLASS_MOV_CR: return i->modrm.reg == 0 ? n : MOV_CR_OTHER;
    case CLASS_IN: return io_in[io_mode(c)];
    case CLASS_OUT: return io_out[io_mode(c)];
    case CLASS_FPU: return fpu_cost(i);
    default: return string_cost(c, i, k, n);
    }
}

uint32_t cycles_insn_full(const struct cpu *c, const struct insn *i)
{
    bool mem = i->has_modrm && i->modrm.mod != 3;
    uint32_t n = mem ? cycles_cost_mem[i->op] : cycles_cost_reg[i->op];
    int k = cycles_op_class[i->op];
    return k == CLASS_PLAIN ? n : class_cost(c, i, k, n);
}

uint16_t cycles_insn_fixed(const struct insn *i)
{
    int k = cycles_op_class[i->op];
    bool by_mode = k == CLASS_SEG || k == CLASS_IN || k == CLASS_OUT ||
                   ((k == CLASS_INS || k == CLASS_OUTS) && i->rep == REP_NONE);
    /* Every other class reads only i, so no CPU is needed (class_cost and
     * string_cost look at c for exactly the cases excluded above). */
    return by_mode ? CYCLES_DYNAMIC : (uint16_t)cycles_insn_full(NULL, i);
}

/* --- what handlers report --- */

#define TAKEN_LOOP   1 /* LOOP: 7 taken, 6 not */
#define TAKEN_LOOPCC 3 /* LOOPE, LOOPNE: 9 taken, 6 not */
#define TAKEN_JCXZ   3 /* JCXZ: 8 taken, 5 not */

void cycles_taken(struct cpu *c, const struct insn *i)
{
    uint32_t extra = CYCLES_TAKEN_JCC;
    if (i->map == 0 && i->opcode == 0xe2)
        extra = TAKEN_LOOP;
    else if (i->map == 0 && (i->opcode == 0xe0 || i->opcode == 0xe1))
        extra = TAKEN_LOOPCC;
    else if (i->map == 0 && i->opcode == 0xe3)
        extra = TAKEN_JCXZ;
    c->cycle_extra += extra;
}

/* Protected-mode far transfers and IRET: the i486 total for each path (the
 * task switch TS not included). Every total is at least the real-mode cost
 * in the table, which cycles_path() subtracts. */
static const struct path_cost {
    uint16_t op;   /* enum op */
    uint8_t path;  /* enum cycles_path */
    uint8_t total; /* cycles */
} path_costs[] = {
    {OP_JMP_Ap, PATH_SAME, 19},  {OP_JMP_Ap, PATH_GATE, 32},  {OP_JMP_Ap, PATH_TSS, 42},
    {OP_JMP_Ap, PATH_TASK_GATE, 43},
    {OP_JMP_Mp, PATH_SAME, 18},  {OP_JMP_Mp, PATH_GATE, 31},  {OP_JMP_Mp, PATH_TSS, 41},
    {OP_JMP_Mp, PATH_TASK_GATE, 42},
    {OP_CALL_Ap, PATH_SAME, 20}, {OP_CALL_Ap, PATH_GATE, 35}, {OP_CALL_Ap, PATH_INNER, 69},
    {OP_CALL_Ap, PATH_TSS, 37},  {OP_CALL_Ap, PATH_TASK_GATE, 38},
    {OP_CALL_Mp, PATH_SAME, 20}, {OP_CALL_Mp, PATH_GATE, 35}, {OP_CALL_Mp, PATH_INNER, 69},
    {OP_CALL_Mp, PATH_TSS, 37},  {OP_CALL_Mp, PATH_TASK_GATE, 38},
    {OP_RETF, PATH_SAME, 18},    {OP_RETF, PATH_OUTER, 33},
    {OP_RETF_Iw, PATH_SAME, 17}, {OP_RETF_Iw, PATH_OUTER, 33},
    {OP_IRET, PATH_SAME, 20},    {OP_IRET, PATH_OUTER, 36},   {OP_IRET, PATH_NESTED, 32},
};

/* A CALL through a gate to an inner level that copies x > 0 parameters
 * costs 77 + 4x instead of 69. */
#define INNER_PARAMS_BASE 8
#define INNER_PER_PARAM   4

void cycles_path(struct cpu *c, const struct insn *i, enum cycles_path p, unsigned params)
{
    for (size_t k = 0; k < sizeof path_costs / sizeof path_costs[0]; k++) {
        const struct path_cost *pc = &path_costs[k];
        if (pc->op != i->op || pc->path != p)
            continue;
        uint32_t total = pc->total;
        if (p == PATH_INNER && params > 0)
            total += INNER_PARAMS_BASE + INNER_PER_PARAM * params;
        c->cycle_extra += total - cycles_cost_reg[i->op];
        return;
    }
}

/* The REP cost entry of string instruction i (NULL if it is not one). */
static const struct rep_cost *rep_cost(const struct insn *i)
{
    int k = cycles_op_class[i->op];
    return k >= CLASS_MOVS && k <= CLASS_OUTS ? &rep_costs[k - CLASS_MOVS] : NULL;
}

uint32_t cycles_rep_element(const struct insn *i)
{
    const struct rep_cost *r = rep_cost(i);
    return r ? r->element : 0;
}

uint32_t cycles_rep_end(const struct cpu *c, const struct insn *i, bool any_done)
{
    const struct rep_cost *r = rep_cost(i);
    if (!any_done)
        return CYCLES_REP_EMPTY;
    return r ? r->startup[io_mode(c)] : 0;
}

uint32_t cycles_task_switch(bool tss32, bool v86)
{
    if (!tss32)
        return CYCLES_TS_16;
    return v86 ? CYCLES_TS_V86 : CYCLES_TS_32;
}
