/*
 * exec_switch.c - the reference interpreter: fetch, decode, switch.
 *
 * One instruction is:
 *   1. take a pending interrupt if the CPU accepts one now (IF set, no
 *      interrupt shadow after STI or MOV SS);
 *   2. fetch and decode the bytes at CS:EIP (decode.c; in cpu_run()'s loop
 *      the decoder's body from decode_inline.h, in line, behind a memo of
 *      decoded instructions checked against the bytes, fetch_decode_ram());
 *   3. advance EIP past the instruction and run its handler, chosen by a
 *      switch generated from opcodes.def;
 *   4. on a fault, rewind EIP to the instruction's first byte and deliver the
 *      exception (interrupt.c), so the handler can restart it;
 *   5. on success, count its cycles (cycles.h: the table cost and what the
 *      handler reported) and take the single-step trap if TF was set when
 *      it began.
 *
 * This core is the definition of what lab86 executes; the threaded core must
 * agree with it instruction for instruction and cycle for cycle.
 */
#include "exec.h"

#include <assert.h>
#include <string.h>

#include "decode_inline.h"
#include "interrupt.h"
#include "ops.h"

/* Dispatch one decoded instruction to its handler. Inline: a call more per
 * instruction otherwise, as the compiler leaves a switch this size out. */
static inline __attribute__((always_inline)) int dispatch(struct cpu *c, const struct insn *i)
{
    switch (i->op) {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc)                             \
    case OP_##name:                                                                                \
        return op_##handler(c, i);
#include "opcodes.def"
#undef OP
    default:
        return cpu_fault(c, EXC_UD, 0);
    }
}

/* The memo slot for the instruction at linear address lin: any slot would
 * give a right answer (the bytes decide, cpu.h); this one keeps
 * neighbouring instructions apart and mixes in the next bits so that code
 * a multiple of the memo's span apart does not always collide. */
static inline unsigned memo_slot(uint32_t lin)
{
    return (lin ^ (lin >> DECODE_MEMO_BITS)) & (DECODE_MEMO_SLOTS - 1);
}

/* Decode the instruction at CS:EIP from the page_room bytes at p, the rest
 * of its page: no further than the CS limit or 15 bytes. */
static inline __attribute__((always_inline)) bool decode_in_limit(struct cpu *c, struct insn *i,
                                                                  const uint8_t *p,
                                                                  uint32_t page_room)
{
    uint64_t room = (uint64_t)c->seg[SEG_CS].limit - (uint32_t)c->eip + 1;
    if (room > page_room)
        room = page_room;
    if (room > 15)
        room = 15;
    return x86_decode_inline(i, p, (int)room, c->code32 ? 4 : 2) == DECODE_OK;
}

/* The common case of a fetch, decoded in place: CS:EIP inside the limit,
 * its page in the TLB with a fetch's rights and backed by RAM, and the
 * whole instruction before the end of the page and of the CS limit. The
 * answer is the one fetch_decode_slow() would reach (the same bytes, judged by
 * the same limit and TLB test, and no walk is needed), without copying the
 * bytes through mmu_fetch(): the copy and the call were a fifth of the
 * switch core's time. False: fetch_decode_slow() decides, faults and walks
 * included. Inline in the instruction loop, with the slow path out of
 * line, because this is the path nearly every instruction takes.
 *
 * Away from a page's last 15 bytes the decoding comes from the memo
 * (cpu.h) when it can: a slot that holds the same sixteen bytes in the same
 * code size holds what x86_decode_inline() would make of them, as it reads
 * no byte past the instruction's length, if the instruction also ends
 * inside the CS limit (the page's end is 16 bytes away or more, and the
 * length is 15 at most). A miss decodes and fills the slot; only
 * successful decodings are kept. Comparing all sixteen bytes rather than
 * the instruction's own is one compare for each half, no mask: a change
 * past the instruction costs a decode, never a wrong answer. A slot keeps
 * the instruction's static cost too, which follows from the decoding
 * alone: *fixed is cycles_insn_fixed() of it, or CYCLES_DYNAMIC when the
 * memo was not asked (cycles_retire_fixed() then looks the cost up).
 * Host instructions a guest instruction, bench.asm under --core switch, by
 * callgrind: 281 without the memo, 227 with one that compared only the
 * instruction's bytes, 200 with this one, 192 with the TLB's read tag
 * asked first. */
static inline __attribute__((always_inline)) bool fetch_decode_ram(struct cpu *c, struct insn *i,
                                                                   uint16_t *fixed)
{
    const struct seg *cs = &c->seg[SEG_CS];
    uint32_t off = (uint32_t)c->eip;
    if (off > cs->limit)
        return false;
    uint32_t lin = (uint32_t)(cs->base + off), po = lin & 0xfffu;
    /* The TLB slot's read tag at this CPL (tlb.h) answers for a fetch too
     * when it is set: the entry is valid, a user page at CPL 3, and RAM or
     * ROM behind a host pointer. It is 0 while data accesses are watched,
     * and then the entry itself is asked. */
    unsigned k = (lin >> 12) & (TLB_ENTRIES - 1);
    const uint8_t *p;
    if (c->tlb.fast[k][0][c->cpl] == TLB_FAST_TAG(lin >> 12)) {
        p = (const uint8_t *)(c->tlb.addend[k] + lin);
    } else {
        const struct tlb_entry *e = tlb_hit(&c->tlb, lin, tlb_need(c->cpl == 3, false, false));
        if (!e || !e->host)
            return false;
        p = e->host + po;
    }
    if (po > 0x1000u - 16) {
        *fixed = CYCLES_DYNAMIC;
        return decode_in_limit(c, i, p, 0x1000u - po);
    }
    struct decode_memo *m = &c->memo[memo_slot(lin)];
    uint64_t lo, hi;
    memcpy(&lo, p, 8);
    memcpy(&hi, p + 8, 8);
    uint8_t mode = (uint8_t)(c->code32 + 1);
    if (((lo ^ m->bytes[0]) | (hi ^ m->bytes[1])) == 0 && m->mode == mode &&
        (uint64_t)off + m->insn.len <= (uint64_t)cs->limit + 1) {
        *i = m->insn;
        *fixed = m->fixed;
        return true;
    }
    if (!decode_in_limit(c, i, p, 0x1000u - po))
        return false;
    m->bytes[0] = lo;
    m->bytes[1] = hi;
    m->insn = *i;
    m->fixed = *fixed = cycles_insn_fixed(i);
    m->mode = mode;
    return true;
}

/* Every other fetch: the bytes copied through mmu_fetch(), which walks,
 * reads ROM and MMIO, and faults at the first byte it cannot fetch, as many
 * times as the decoder asks for more. Returns 0 or CPU_FAULT. */
static __attribute__((noinline)) int fetch_decode_slow(struct cpu *c, struct insn *i)
{
    uint8_t buf[16];
    int n = 0;

    for (;;) {
        int got = mmu_fetch(c, (uint32_t)c->eip + (uint32_t)n, buf + n, 15 - n);
        if (got < 0)
            return CPU_FAULT;
        n += got;
        enum decode_status st = x86_decode(i, buf, n, c->code32 ? 4 : 2);
        if (st == DECODE_OK)
            return 0;
        if (st == DECODE_TOOLONG || n >= 15)
            return cpu_fault(c, EXC_GP, 0);
    }
}

/* Fetch and decode the instruction at CS:EIP. Returns 0, or CPU_FAULT when a
 * byte the instruction needs cannot be fetched or it is longer than 15. */
int cpu_fetch_decode(struct cpu *c, struct insn *i)
{
    uint16_t fixed;
    return fetch_decode_ram(c, i, &fixed) ? 0 : fetch_decode_slow(c, i);
}

/* Accept an NMI or a maskable interrupt if one is pending and allowed. */
static __attribute__((noinline)) bool take_interrupt_slow(struct cpu *c)
{
    if (c->intr_shadow) {
        c->intr_shadow = false;
        return false;
    }
    if (c->nmi_pending) {
        c->nmi_pending = false;
        c->stop = CPU_RUNNING;
        if (cpu_interrupt(c, EXC_NMI, INT_EXTERNAL, false, 0))
            cpu_exception(c);
        return true;
    }
    if (c->intr_line && (c->eflags & FL_IF) && c->intr_ack) {
        int vector = c->intr_ack(c->intr_opaque);
        c->stop = CPU_RUNNING;
        if (cpu_interrupt(c, vector, INT_EXTERNAL, false, 0))
            cpu_exception(c);
        return true;
    }
    return false;
}

/* take_interrupt_slow() when it has anything to look at: with no shadow, no
 * NMI and INTR low, as between nearly all instructions, it returns false
 * and changes nothing, so three byte tests in line decide (the call cost
 * ~11 host instructions an instruction). */
static inline bool take_interrupt(struct cpu *c)
{
    if (!c->intr_shadow && !c->nmi_pending && !c->intr_line)
        return false;
    return take_interrupt_slow(c);
}

/* What happens at an instruction boundary before an instruction runs.
 * False when something else took the boundary: the debugger stopped the
 * machine, a pending debug trap or an interrupt was delivered, or the CPU
 * is halted or shut down. */
static inline __attribute__((always_inline)) bool boundary(struct cpu *c)
{
    if (c->stop == CPU_SHUTDOWN)
        return false;
    /* The debugger decides here whether the machine stops at this boundary;
     * the threaded core defers to cpu_step() while it listens. */
    if (c->attention && c->dbg->boundary(c->dbg_opaque))
        return false;
    /* Debug traps left by an event delivery (a task gate into a task with
     * the T bit) come first at an instruction boundary (SDM 6.9). */
    if (c->dr6_pending) {
        cpu_debug_trap(c);
        return false;
    }
    return !take_interrupt(c) && c->stop != CPU_HALTED;
}

/* True when boundary() has nothing to do on a running CPU: no debugger
 * listening, no debug trap pending, no interrupt shadow, NMI or INTR. Then
 * boundary() would return true and change nothing, so cpu_run()'s loop,
 * where the CPU is running, goes straight to execute(): one test of five
 * flags or'ed together instead of five branches and the HALTED test: 16
 * host instructions an instruction for the loop's tests where they were 20
 * (bench.asm under --core switch: 291.6 -> 287.5 a guest instruction; or'ing
 * stop_request in as well and leaving it out of the loop's test gained
 * nothing). */
static inline bool boundary_quiet(const struct cpu *c)
{
    return (c->attention | (c->dr6_pending != 0) | c->intr_shadow | c->nmi_pending |
            c->intr_line) == 0;
}

/* Run the instruction at CS:EIP, once boundary() has let it. */
static inline __attribute__((always_inline)) void execute(struct cpu *c)
{
    struct insn i;
    uint16_t fixed = CYCLES_DYNAMIC; /* what fetch_decode_slow() leaves */

    bool tf = (c->eflags & FL_TF) != 0;
    c->prev_eip = c->eip;
    /* DR7 tested here too: with no breakpoint enabled, as nearly always,
     * that saves a call per instruction. */
    if (((c->dr[7] & DR7_ENABLE_MASK) && dr_check_exec(c)) ||
        (!fetch_decode_ram(c, &i, &fixed) && fetch_decode_slow(c, &i))) {
        cycles_abort(c);
        cpu_exception(c);
        return;
    }
    c->eip = (c->eip + i.len) & cpu_ip_mask(c);
    /* RF suppresses instruction breakpoints for one instruction; it is
     * cleared as the instruction starts, so that an IRET that loads RF = 1
     * keeps it for the instruction it returns to. */
    c->eflags &= ~FL_RF;
    /* Single step: a trap after an instruction that began with TF set,
     * unless the instruction delivers an interrupt, which discards it. */
    if (tf)
        c->dr6_pending |= DR6_BS;
    if (dispatch(c, &i)) {
        c->eip = c->prev_eip;
        cycles_abort(c);
        cpu_exception(c);
        return;
    }
    cycles_retire_fixed(c, &i, fixed);
    c->instructions++;
    if (c->dr6_pending && c->stop != CPU_SHUTDOWN)
        cpu_debug_trap(c);
}

/* One instruction boundary. Inline in cpu_run()'s loop as well, where it
 * saves a call and its register saves per instruction (about 10 host
 * instructions of ~350 on bench.asm). */
static inline __attribute__((always_inline)) void step(struct cpu *c)
{
    if (boundary(c))
        execute(c);
}

void cpu_step(struct cpu *c)
{
    step(c);
}

uint64_t cpu_run(struct cpu *c, uint64_t until_cycle)
{
    uint64_t start = c->instructions;
    c->deadline = until_cycle; /* a device arming a timer may lower it */
    while (c->cycles < c->deadline && c->stop == CPU_RUNNING && !c->stop_request) {
        if (boundary_quiet(c))
            execute(c);
        else
            step(c);
    }
    assert(c->seg_flat == cpu_seg_flat(c)); /* derived: cpu_update_mode() */
    return c->instructions - start;
}
