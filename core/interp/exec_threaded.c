/*
 * exec_threaded.c - the fast interpreter: basic blocks decoded once, then
 * run as arrays of handler calls.
 *
 * The switch core (exec_switch.c) spends most of its time on work whose
 * answer rarely changes: fetching an instruction's bytes through the TLB
 * and decoding them. This core decodes a basic block once (tcache.c) and
 * then runs it as an array of (handler, struct insn) pairs, calling the
 * very handlers the switch core calls. It is the same CPU:
 *
 *   - every instruction does what cpu_step() does around its handler, in
 *     the same order: prev_eip, EIP advanced, RF cleared, the handler, then
 *     on a fault EIP rewound and the exception delivered (cycles_abort),
 *     on success cycles_retire() and a pending debug trap delivered;
 *   - before every instruction but a block's first it does what cpu_run()
 *     and cpu_step() would decide before theirs (the clock against the
 *     deadline, the stop request, HLT, an interrupt or NMI that would be
 *     accepted, the interrupt shadow of STI and MOV SS), and leaves the
 *     block when one says so; the loop below then makes the same checks
 *     before a block's first instruction, or lets cpu_step() act. Most of
 *     the time that is two tests (quiet()): the clock, and one word of
 *     struct cpu, the notice, in which everything else that could end a
 *     block early announces itself (the INTR and NMI lines, a stop request,
 *     and the poke the MMU sets when it changes a TLB entry, the block
 *     cache when it drops blocks, and a data breakpoint); STI and the
 *     system instructions, which change what must be checked without a
 *     notice, end their blocks (tcache.c). On a notice every check is made
 *     (may_continue());
 *   - so the fetch's TLB hit test is repeated exactly when the TLB changed
 *     (fetch_holds), and a page walk, and its cost, happens where the
 *     switch core's fetch would make it: cpu_step() makes it;
 *   - after a store into the running block (tcache.h) the block's valid
 *     flag is down (and the notice up), and the next instruction is
 *     fetched and decoded anew;
 *   - whenever something watches single instructions (TF, an enabled DR7
 *     breakpoint, a pending debug trap, a debugger's single_step_only),
 *     cpu_step() runs instead;
 *   - the instructions that work on registers alone, and the commonest
 *     loads and stores when the data fast path takes them, are light
 *     entries (threaded.h): the entry before them does their bookkeeping
 *     in one go, when the clock leaves room for all of them, so that no
 *     boundary among them could be one where cpu_step() stops;
 *   - the commonest forms of the commonest instructions run as specialised
 *     operations (ops_fast.h: 32-bit ALU on registers, loads, stores, MOV,
 *     PUSH, POP, Jcc...) built from the same inline pieces as the generic
 *     handlers, and compared with them in tests/unit/test_fast.c.
 * So both cores retire the same instructions with the same cycle counts and
 * reach the same state; the lock-step mode of `lab86 run` and the tests
 * compare them.
 *
 * Entering a block. CS:EIP is translated through the TLB every time
 * (entering with a hit and a RAM page, else cpu_step() runs, which walks
 * and fills as a fetch does), giving the physical address that is the
 * block's key. A block that ran to its end remembers the block that ran
 * next after it (a chain: one for falling through, one for jumping), which
 * saves the hash lookup on the next entry when the translation agrees.
 * When it does, and the loop's checks pass, run_block() goes on into the
 * chained block itself (enter_chained) instead of returning to the loop.
 *
 * Dispatch. With GCC or clang each operation of opcodes.def gets a label
 * ("computed goto", as in Lua's lvm.c and ljumptab.h): the entry's
 * operation picks the label, which calls its handler directly, by name,
 * and all labels share the tail that retires the instruction and jumps to
 * the next one's label. `make THREADED_GOTO=0` (LAB86_NO_COMPUTED_GOTO)
 * builds the portable loop instead, which calls each entry's handler
 * through the pointer the block cache stored (tcache.c, generated from
 * opcodes.def). On a current x86-64 host the two are within a few percent
 * of each other (the indirect call is predicted as well as the jump): on
 * bench/bench.asm (2-CPU VM, gcc -O2, user time of ITER=100 less ITER=0,
 * best of 3, three rounds) computed goto ran 108-114 MIPS and the pointer
 * loop 112-123, about 4% faster, inside the noise of a shared host; the
 * default stays the computed goto the issue asks for. Replicating the
 * tail into every label, the textbook threaded-code form, measured slower
 * still: 100 KB of copies crowd the instruction cache. Where the time goes
 * instead is the handlers themselves (eager flags, the r/m and MMU calls)
 * and the checks between instructions.
 *
 * Measured with callgrind (host instructions are exact where a loaded host
 * makes seconds noisy), bench.asm ITER=5 less ITER=0: 183 host instructions
 * a guest instruction before the flat-segment fast path of mmu_read and
 * mmu_write (mmu.c), 176 after it, 170 with enter_chained, 163 with a
 * register-only skip of fetch_holds; then 146 with the notice word in
 * place of a dozen tests between instructions, 114 with the specialised
 * forms and branch-free flags (alu.h), 104 with the MMU's fast path inline
 * in them (mmu_fast.h), 87 with the host's flags; then 74 with a tail of
 * its own for the specialised forms (no cycle_extra), EIP carried in the
 * loop, the mode checks skipped after a plain block end, one compare for
 * the CS limit, and a TLB flag for the host pointer (the Linux kernel's
 * decompressor: 96.8 -> 86.0); 71.8 (83.9) with each entry holding its
 * label (direct threading); 62.6 (65.5) with the forms of ops_fast_rmw.h
 * and ops_fast_byte.h and the string runs of ops_string_fast.c. Of those
 * 63, about 30 were this file's and threaded.h's own: per instruction EIP
 * (6), the clock and the count (4), the two tests (5), the end-of-block
 * test and the dispatch (6); per block about 25 to enter the next one, and
 * blocks are short (2.4 instructions on bench.asm, 8 on the decompressor).
 * Then light and semi-light entries (threaded.h), which leave all of that
 * to the entries around them, and an entry after each block's last, where
 * it chains (no end-of-block test): 50.6 (51.4); one compare of a chain
 * key: 48.8 (50.4); the Jcc retiring and chaining in one piece (jcc_end():
 * the chain slot is whether it jumped): 47.6 (49.4); the read-modify-write
 * forms semi-light too: 47.0 (48.1). Then lazy flags (lazy_flags.h) in
 * place of the host's flags (62.6 -> 62.5 and 65.5 -> 63.8 on their own,
 * 49.9 (49.7) on top of the above), and the TLB's fast tags and the
 * segments' fast_end (mmu_fast.h): 42.8 (39.2); the same tree with the
 * host's flags instead of lazy ones measured 42.6 (40.4). This function
 * is large enough that a change anywhere in it moves the compiler's
 * register choices, by a few percent either way. Tried and
 * dropped: going on past a Jcc that is not taken (one block per
 * fall-through path, the taken Jcc a side exit) measured worse, 74.0 ->
 * 75.4, as the side exits share one chain slot and miss it; forms of LOAD
 * and STORE for a [base + disp] address (no tests of the address's shape)
 * measured worse too, 47.0 -> 50.0 (48.1 -> 49.5): the extra labels cost
 * this function more in spilled registers than they saved.
 */
#include "exec.h"

#include "interrupt.h"
#include "ops.h"
#include "ops_fast.h"
#include "ops_fast_byte.h"
#include "ops_fast_rmw.h"
#include "ops_fast_try.h"
#include "tcache.h"
#include "threaded.h"

#ifdef LAB86_NO_COMPUTED_GOTO

/* Run block b from its first instruction, and the blocks chained after
 * it (enter_chained). Returns the last block run when its last instruction
 * completed (the next block may be chained to it), else NULL. */
static struct block *run_block(struct cpu *c, struct block *b, struct fetch *f, struct chain *ch)
{
    b->resolved = true; /* this build has no labels: chained entry may follow it */
    b->chain_key = b->valid ? (uint8_t)BLOCK_KEY(b->code32) : 0;
    const struct entry *e = b->e, *last = b->e + b->n - 1;
    uint32_t mask = f->mask; /* a local: f->mask would be reloaded after every store */
    uint64_t next = block_begin(c, &e->insn, mask);
    struct block *out;
    while (advance(c, e->fn(c, &e->insn), &b, &e, &last, &next, &mask, f, ch, &out))
        ;
    return out;
}

#else

/* The same with computed goto: one label per operation of opcodes.def,
 * which calls its handler directly (no call through a pointer); the common
 * tail then jumps to the label of the next instruction's operation. */
static struct block *run_block(struct cpu *c, struct block *b, struct fetch *f, struct chain *ch)
{
    static const void *const label[FAST_END] = {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc) [OP_##name] = &&do_##name,
#include "opcodes.def"
#undef OP
#define K8(first, name) [first + 0] = &&name##0, [first + 1] = &&name##1, [first + 2] = &&name##2, \
    [first + 3] = &&name##3, [first + 4] = &&name##4, [first + 5] = &&name##5,                   \
    [first + 6] = &&name##6, [first + 7] = &&name##7
        K8(FAST_ALU_RR, alu_rr), K8(FAST_ALU_RI, alu_ri), K8(FAST_JCC, jcc), K8(FAST_JCC + 8, jcc1),
        K8(FAST_ALU_RM, alu_rm), K8(FAST_ALU_MR, alu_mr), K8(FAST_ALU_MI, alu_mi),
        K8(FAST_ALU8_RR, alu8_rr), K8(FAST_ALU8_RI, alu8_ri), K8(FAST_ALU8_RM, alu8_rm),
        K8(FAST_ALU8_MR, alu8_mr), K8(FAST_ALU8_MI, alu8_mi), K8(FAST_CMOV, cmov),
        K8(FAST_CMOV + 8, cmov1), K8(FAST_SETCC, setcc), K8(FAST_SETCC + 8, setcc1),
#undef K8
#define K3(first, name) [first + 0] = &&name##0, [first + 1] = &&name##1, [first + 2] = &&name##2
        K3(FAST_SHIFT_RI, shift_ri), K3(FAST_SHIFT_MI, shift_mi), K3(FAST_SHIFT_CL, shift_cl),
        K3(FAST_SHIFT16, shift16),
#undef K3
        [FAST_INC] = &&inc, [FAST_DEC] = &&dec, [FAST_MOV_RR] = &&mov_rr,
        [FAST_MOV_RI] = &&mov_ri, [FAST_TEST_RR] = &&test_rr, [FAST_LOAD] = &&load,
        [FAST_STORE] = &&store, [FAST_LOAD8] = &&load8, [FAST_STORE8] = &&store8,
        [FAST_MOVZX8] = &&movzx8, [FAST_MOVZX16] = &&movzx16, [FAST_PUSH] = &&push,
        [FAST_POP] = &&pop, [FAST_LEA] = &&lea, [FAST_CALL] = &&call, [FAST_RET] = &&ret,
        [FAST_JMP] = &&jmp, [FAST_LOAD16] = &&load16, [FAST_STORE16] = &&store16,
        [FAST_STORE_I] = &&store_i, [FAST_NOT] = &&not_r, [FAST_INC_M] = &&inc_m,
        [FAST_DEC_M] = &&dec_m, [FAST_NOT_M] = &&not_m, [FAST_IMUL_RR] = &&imul_rr,
        [FAST_IMUL_RM] = &&imul_rm, [FAST_IMUL_RI] = &&imul_ri, [FAST_IMUL_MI] = &&imul_mi,
        [FAST_ROT_RI + SH_ROL] = &&rol_ri, [FAST_ROT_RI + SH_ROR] = &&ror_ri,
        [FAST_ROT_MI + SH_ROL] = &&rol_mi, [FAST_ROT_MI + SH_ROR] = &&ror_mi, [FAST_NEG] = &&neg,
        [FAST_TEST8_RR] = &&test8_rr, [FAST_TEST8_RI] = &&test8_ri, [FAST_TEST8_MR] = &&test8_mr,
        [FAST_TEST8_MI] = &&test8_mi, [FAST_MOV8_RR] = &&mov8_rr, [FAST_MOV8_RI] = &&mov8_ri,
        [FAST_BLOCK_END] = &&block_end,
    };
    if (UNLIKELY(!b->resolved)) {
        /* Direct threading: each entry keeps its label, which saves a
         * load (of the table) on every dispatch. */
        for (int k = 0; k <= b->n; k++) /* e[n] too: the block's end */
            b->e[k].label = label[b->e[k].xop];
        b->resolved = true;
        b->chain_key = b->valid ? (uint8_t)BLOCK_KEY(b->code32) : 0;
    }
    const struct entry *e = b->e;
    uint32_t mask = f->mask; /* a local: f->mask would be reloaded after every store */
    uint32_t beip = light_block_begin(c, b);
    struct block *out;
    int r;

    goto *e->label;
    /* A heavy entry: EIP set before the handler, the bookkeeping after it
     * (threaded.h, heavy_done()). */
#define HEAVY(call, tail) heavy_begin(c, e, beip, mask); r = call; goto tail
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc)                             \
    do_##name : lazy_settle(c); /* lazy flags: generic handlers read c->eflags */                  \
    HEAVY(op_##handler(c, &e->insn), done);
#include "opcodes.def"
#undef OP
    /* A light entry: the handler, and on to the next entry (threaded.h). */
#define LIGHT(call) (void)(call); e++; goto *e->label
    /* The specialised forms (ops_fast.h), each with its constants. */
    /* A semi-light entry (ops_fast_try.h): light when the fast path takes
     * it, else what was paid for it and the rest of its run given back, and
     * the instruction run by its generic handler as a heavy entry, which
     * pays again after it, as the switch core would run it. Not the
     * specialised form: inlined after each try, it kept the try's values
     * alive for its own slow path and cost the fast path registers (Linux
     * decompressor, threaded core: 30.3 -> 29.1 host instructions a guest
     * instruction, bench.asm 37.9 -> 37.2, by callgrind). */
#define SEMI(try)                                                                                  \
    if (LIKELY(try)) {                                                                             \
        e++;                                                                                       \
        goto *e->label;                                                                            \
    }                                                                                              \
    semi_refund(c, e);                                                                             \
    goto *label[e->insn.op]
/* Eight labels name0..name7, each kind(call(n)): kind is HEAVY_FAST, LIGHT
 * or SEMI, call a form with its constant n (an ALU operation, a
 * condition). */
#define K8_AS(kind, name, call)                                                                    \
    name##0 : kind(call(0));                                                                       \
    name##1 : kind(call(1));                                                                       \
    name##2 : kind(call(2));                                                                       \
    name##3 : kind(call(3));                                                                       \
    name##4 : kind(call(4));                                                                       \
    name##5 : kind(call(5));                                                                       \
    name##6 : kind(call(6));                                                                       \
    name##7 : kind(call(7));
#define HEAVY_FAST(call) HEAVY(call, done_fast)
#define K8(name, call) K8_AS(HEAVY_FAST, name, call)
#define K8L(name, call) K8_AS(LIGHT, name, call)
#define K8S(name, try) K8_AS(SEMI, name, try)
#define ALU_RR(k) fast_alu_rr(c, k, e->r1, e->r2)
#define ALU_RI(k) fast_alu_ri(c, k, e->r1, e->insn.imm)
    K8L(alu_rr, ALU_RR)
    K8L(alu_ri, ALU_RI)
    /* Jcc ends its block and chains in place (threaded.h, jcc_end()). */
#define JCC_END(cc)                                                                                \
    if (!jcc_end(c, cc, &b, &e, &beip, &mask, f, ch, &out))                                        \
        return out;                                                                                \
    goto *e->label
#define K8J(name, first)                                                                           \
    name##0 : JCC_END(first + 0);                                                                  \
    name##1 : JCC_END(first + 1);                                                                  \
    name##2 : JCC_END(first + 2);                                                                  \
    name##3 : JCC_END(first + 3);                                                                  \
    name##4 : JCC_END(first + 4);                                                                  \
    name##5 : JCC_END(first + 5);                                                                  \
    name##6 : JCC_END(first + 6);                                                                  \
    name##7 : JCC_END(first + 7);
    K8J(jcc, 0)
    K8J(jcc1, 8)
#undef K8J
#undef JCC_END
#define ALU_RM_TRY(k) try_alu_rm(c, &e->insn, k, e->r1)
#define ALU_MR_TRY(k) try_alu_m(c, &e->insn, k, (uint32_t)c->gpr[e->r2])
#define ALU_MI_TRY(k) try_alu_m(c, &e->insn, k, e->insn.imm)
    K8S(alu_rm, ALU_RM_TRY)
    K8S(alu_mr, ALU_MR_TRY)
    K8S(alu_mi, ALU_MI_TRY)
#undef K8S
#undef ALU_RM_TRY
#undef ALU_MR_TRY
#undef ALU_MI_TRY
#define ALU8_RR(k) fast_alu8(c, k, e->r1, byte_get(c, e->r2))
#define ALU8_RI(k) fast_alu8(c, k, e->r1, e->insn.imm)
#define ALU8_RM(k) fast_alu8_rm(c, &e->insn, k, e->r1)
#define ALU8_MR(k) fast_alu8_m(c, &e->insn, k, byte_get(c, e->r2))
#define ALU8_MI(k) fast_alu8_m(c, &e->insn, k, e->insn.imm)
    K8L(alu8_rr, ALU8_RR)
    K8L(alu8_ri, ALU8_RI)
    K8(alu8_rm, ALU8_RM)
    K8(alu8_mr, ALU8_MR)
    K8(alu8_mi, ALU8_MI)
#define CMOV(cc) fast_cmov(c, &e->insn, cc, e->r1, e->r2)
#define CMOV1(cc) fast_cmov(c, &e->insn, 8 + (cc), e->r1, e->r2)
#define SETCC(cc) fast_setcc(c, &e->insn, cc, e->r1)
#define SETCC1(cc) fast_setcc(c, &e->insn, 8 + (cc), e->r1)
    K8(cmov, CMOV)
    K8(cmov1, CMOV1)
    K8(setcc, SETCC)
    K8(setcc1, SETCC1)
#undef CMOV
#undef CMOV1
#undef SETCC
#undef SETCC1
#undef ALU8_RR
#undef ALU8_RI
#undef ALU8_RM
#undef ALU8_MR
#undef ALU8_MI
#undef K8
#undef K8L
#undef K8_AS
#undef HEAVY_FAST
#undef ALU_RR
#undef ALU_RI
#define K3(name, call)                                                                             \
    name##0 : HEAVY(call(0), done_fast);                                                           \
    name##1 : HEAVY(call(1), done_fast);                                                           \
    name##2 : HEAVY(call(2), done_fast);
#define SHIFT_RI(s) fast_shift_r(c, s, 4, e->r1, e->r2)
#define SHIFT_MI(s) fast_shift_m(c, &e->insn, s, 4, e->r2)
#define SHIFT_CL(s) fast_shift_rm(c, &e->insn, s, 4, e->r1, (uint32_t)c->gpr[R_ECX])
#define SHIFT16(s) fast_shift_rm(c, &e->insn, s, 2, e->r1, e->r2)
shift_ri0:
    LIGHT(SHIFT_RI(0));
shift_ri1:
    LIGHT(SHIFT_RI(1));
shift_ri2:
    LIGHT(SHIFT_RI(2));
    K3(shift_mi, SHIFT_MI)
    K3(shift_cl, SHIFT_CL)
    K3(shift16, SHIFT16)
#undef K3
#undef SHIFT_RI
#undef SHIFT_MI
#undef SHIFT_CL
#undef SHIFT16
    /* Light: tcache_forms.c's light() lists these, and the forms of K8L above. */
inc:
    LIGHT(fast_inc_dec(c, e->r1, true));
dec:
    LIGHT(fast_inc_dec(c, e->r1, false));
mov_rr:
    LIGHT(fast_mov_rr(c, e->r1, e->r2));
mov_ri:
    LIGHT(c->gpr[e->r1] = e->insn.imm);
test_rr:
    LIGHT(fast_test_rr(c, e->r1, e->r2));
lea:
    LIGHT(c->gpr[e->r1] = ea_offset32(c, &e->insn)); /* a 32-bit address: tcache_forms.c */
not_r:
    LIGHT(fast_not(c, e->r1));
neg:
    LIGHT(fast_neg(c, e->r1));
imul_rr:
    LIGHT(fast_imul(c, &e->insn, e->r1, e->r2, false));
imul_ri:
    LIGHT(fast_imul_imm(c, &e->insn, e->r1, e->r2, false));
rol_ri:
    LIGHT(fast_rot_r(c, SH_ROL, e->r1, e->r2));
ror_ri:
    LIGHT(fast_rot_r(c, SH_ROR, e->r1, e->r2));
test8_rr:
    LIGHT(fast_test8(c, byte_get(c, e->r1), byte_get(c, e->r2)));
test8_ri:
    LIGHT(fast_test8(c, byte_get(c, e->r1), e->insn.imm));
mov8_rr:
    LIGHT(byte_set(c, e->r1, byte_get(c, e->r2)));
mov8_ri:
    LIGHT(byte_set(c, e->r1, e->insn.imm));
#undef LIGHT
    /* Semi-light: tcache_forms.c's semi_light() lists these, and ALU_RM, ALU_MR and
     * ALU_MI above. */
load:
    SEMI(try_load(c, &e->insn, 4, e->r1));
store:
    SEMI(try_store(c, &e->insn, 4, (uint32_t)c->gpr[e->r1]));
load16:
    SEMI(try_load(c, &e->insn, 2, e->r1));
store16:
    SEMI(try_store(c, &e->insn, 2, (uint16_t)c->gpr[e->r1]));
load8:
    SEMI(try_load(c, &e->insn, 1, e->r1));
store8:
    SEMI(try_store(c, &e->insn, 1, reg_get(c, e->r1, 1)));
store_i:
    SEMI(try_store(c, &e->insn, 4, e->insn.imm));
movzx8:
    SEMI(try_movzx(c, &e->insn, 1, e->r1, e->r2));
movzx16:
    SEMI(try_movzx(c, &e->insn, 2, e->r1, e->r2));
push:
    SEMI(try_push(c, e->r1));
pop:
    SEMI(try_pop(c, e->r1));
inc_m:
    SEMI(try_unary_m(c, &e->insn, FAST_INC_M));
dec_m:
    SEMI(try_unary_m(c, &e->insn, FAST_DEC_M));
not_m:
    SEMI(try_unary_m(c, &e->insn, FAST_NOT_M));
#undef SEMI
    /* Heavy. */
#define FORM(name, call)                                                                           \
    name : HEAVY(call, done_fast);
    FORM(call, fast_call(c, &e->insn))
    FORM(ret, fast_ret(c, &e->insn))
    FORM(jmp, fast_jmp(c, &e->insn))
    FORM(imul_rm, fast_imul(c, &e->insn, e->r1, e->r2, true))
    FORM(imul_mi, fast_imul_imm(c, &e->insn, e->r1, e->r2, true))
    FORM(rol_mi, fast_rot_m(c, &e->insn, SH_ROL, e->r2))
    FORM(ror_mi, fast_rot_m(c, &e->insn, SH_ROR, e->r2))
    FORM(test8_mr, fast_test8_m(c, &e->insn, byte_get(c, e->r2)))
    FORM(test8_mi, fast_test8_m(c, &e->insn, e->insn.imm))
#undef FORM
#undef HEAVY
done:
    if (!heavy_done(c, r, false, b, &e, beip, mask, f, &out))
        return out;
    goto *e->label;
done_fast:
    if (!heavy_done(c, r, true, b, &e, beip, mask, f, &out))
        return out;
    goto *e->label;
block_end:
    if (!block_end(c, &b, &e, &beip, &mask, f, ch))
        return b;
    goto *e->label;
}

#endif

/* --- entering a block --- */

/* The chained successor of the block that ran last, if it is the block for
 * (phys, code32) and still valid. */
static struct block *follow_chain(struct chain *ch, uint32_t eip, uint64_t phys, bool code32)
{
    if (!ch->from)
        return NULL;
    ch->slot = eip == ch->fallthrough ? 0 : 1;
    struct block *b = ch->from->succ[ch->slot];
    if (!b || !b->valid || b->phys != phys || b->code32 != code32)
        return NULL;
    ch->hits++;
    return b;
}

/* The block at CS:EIP, with the translation to recheck in *f; NULL when
 * cpu_step() must run the next instruction instead: a fetch that would
 * fault or walk, code outside RAM, an instruction that crosses a page, or
 * a block that would run past the CS limit or wrap a 16-bit IP. */
static struct block *enter(struct tcache *tc, struct cpu *c, struct chain *ch, struct fetch *f)
{
    const struct seg *cs = &c->seg[SEG_CS];
    uint32_t eip = (uint32_t)c->eip, mask = cpu_ip_mask(c);
    if (eip > cs->limit)
        return NULL;
    uint32_t lin = (uint32_t)(cs->base + eip);
    uint32_t need = tlb_need(c->cpl == 3, false, false);
    struct tlb_entry *te = tlb_hit(&c->tlb, lin, need);
    if (!te || !te->host)
        return NULL;
    uint64_t phys = te->ppage | (lin & PAGE_OFFSET);
    struct block *b = follow_chain(ch, eip, phys, c->code32);
    if (!b) {
        uint64_t generation = tcache_generation(tc);
        b = tcache_get(tc, phys, c->code32, te->host + (lin & PAGE_OFFSET));
        /* A flush while decoding freed the block the chain starts from. */
        if (b && ch->from && generation == tcache_generation(tc)) {
            struct block *from = ch->from;
            from->succ[ch->slot] = b;
            from->near = (uint8_t)((from->near & ~(1u << ch->slot)) |
                                   (unsigned)tcache_near(from, ch->slot, b) << ch->slot);
        }
    }
    /* The rights are taken once per block: every instruction that can
     * change CPL (far transfers, INT, IRET, SYSENTER/SYSEXIT, MOV CR0) is a
     * jump in opcodes.def and ends its block, and so does any exception. */
    *f = fetch_state(c, te, lin, need, mask);
    if (!b || (uint64_t)eip + b->bytes > f->end)
        return NULL;
    /* The light run the block starts with must fit before the deadline
     * (threaded.h); when it does not, cpu_step() runs up to the deadline. */
    if (c->cycles + b->head >= c->deadline)
        return NULL;
    ch->fallthrough = (eip + b->bytes) & mask;
    return b;
}

uint64_t cpu_run_threaded(struct cpu *c, uint64_t until_cycle)
{
    uint64_t start = c->instructions;
    struct chain ch = {0};

    c->deadline = until_cycle; /* a device arming a timer may lower it */
    if (!c->tcache)
        c->tcache = tcache_create(c->bus);
    /* NULL (out of memory): cpu_step() runs it all. */
    struct tcache *tc = c->tcache && tcache_bind(c->tcache, c) ? c->tcache : NULL;
    while (c->cycles < c->deadline && c->stop == CPU_RUNNING && !c->stop_request) {
        struct fetch f;
        struct block *b = NULL;
        /* What cpu_step() would do before fetching, if anything, it does. */
        if (tc && !watched(c) && !c->intr_shadow && !interrupt_pending(c))
            b = enter(tc, c, &ch, &f);
        if (!b) {
            cpu_step(c);
            ch.from = NULL;
            continue;
        }
        ch.from = run_block(c, b, &f, &ch);
        lazy_assert_settled(c); /* lazy flags: exact outside run_block() */
    }
    if (tc)
        tcache_add_chained(tc, ch.hits);
    assert(c->seg_flat == cpu_seg_flat(c)); /* derived: cpu_update_mode() */
    return c->instructions - start;
}
