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
 *   - before every instruction but a block's first it repeats the checks
 *     cpu_run() and cpu_step() make before theirs (the clock against the
 *     deadline, the stop request, HLT, an interrupt or NMI that would be
 *     accepted, the interrupt shadow of STI and MOV SS), and leaves the
 *     block when one says so; the loop below then makes the same checks
 *     before a block's first instruction, or lets cpu_step() act;
 *   - the fetch's TLB hit test is repeated before every instruction too
 *     (fetch_holds), so a page walk, and its cost, happens exactly where
 *     the switch core's fetch would make it: cpu_step() makes it (after a
 *     register-only instruction, which cannot change the TLB, the test is
 *     known to pass and is skipped);
 *   - after a store into the running block (tcache.h) the block's valid
 *     flag is down, and the next instruction is fetched and decoded anew;
 *   - whenever something watches single instructions (TF, an enabled DR7
 *     breakpoint, a pending debug trap, a debugger's single_step_only),
 *     cpu_step() runs instead.
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
 * mmu_write (mmu.c), 176 after it, 170 with enter_chained, 163 with the
 * register-only skip of fetch_holds. Of those 163, about 75 are this file's
 * own: the tests between instructions (the clock, the stop requests, the
 * interrupt lines, the block's validity), EIP and the cycle count; the rest
 * is the handlers, of which the flags are the biggest part.
 */
#include "exec.h"

#include "interrupt.h"
#include "ops.h"
#include "tcache.h"

#if !defined(__GNUC__) && !defined(LAB86_NO_COMPUTED_GOTO)
#define LAB86_NO_COMPUTED_GOTO /* computed goto is a GNU C extension */
#endif

#define PAGE_OFFSET 0xfffu

/* What a running block rechecks before each instruction: the fetch
 * translation it was entered with. */
struct fetch {
    const struct tlb_entry *te; /* the TLB slot that maps the block's page */
    uint32_t lpage;             /* the linear page the block was entered through */
    uint64_t ppage;             /* the physical page it mapped to */
    uint32_t need;              /* the TLB_* rights a fetch needs at the block's CPL */
    uint32_t mask;              /* EIP mask: 16- or 32-bit code */
};

/* The block that ran to its end last, for chaining. */
struct chain {
    struct block *from;   /* NULL: the last thing run was not a whole block */
    uint32_t fallthrough; /* EIP after its last instruction, had it not jumped */
    int slot;             /* which successor the current entry is (0: fell through) */
    uint64_t hits;        /* entries made through a chain, for the stats */
};

/* --- the checks between instructions --- */

/* Is something watching single instructions? Then cpu_step() runs them. */
static inline bool watched(const struct cpu *c)
{
    return (c->eflags & FL_TF) || (c->dr[7] & DR7_ENABLE_MASK) || c->dr6_pending ||
           c->single_step_only;
}

/* Would cpu_step() accept an NMI or an interrupt now (its shadow aside)? */
static inline bool interrupt_pending(const struct cpu *c)
{
    return c->nmi_pending || (c->intr_line && (c->eflags & FL_IF) && c->intr_ack);
}

/* The TLB hit test cpu_fetch_decode() would make for the next instruction
 * of the block: its slot still maps the same page to the same frame with
 * the rights a fetch needs. A data access may have evicted it, or INVLPG,
 * a CR3 write or the A20 gate flushed it. */
static inline bool fetch_holds(const struct fetch *f)
{
    return f->te->lpage == f->lpage && (f->te->flags & f->need) == f->need &&
           f->te->ppage == f->ppage;
}

/* May the next instruction of block b, at next_eip, run here, after entry
 * done ran? The checks of cpu_run() and cpu_step(), and that nothing moved
 * EIP or wrote the block.
 * The interrupt shadow comes last: clearing it is the one check with an
 * effect, which must not happen when the block is left for cpu_step(). */
static inline bool may_continue(struct cpu *c, const struct block *b, const struct fetch *f,
                                const struct entry *done, uint64_t next_eip)
{
    if (!b->valid || c->eip != next_eip)
        return false;
    if (c->cycles >= c->deadline || c->stop != CPU_RUNNING || c->stop_request)
        return false;
    /* Only a memory access, a port (the A20 gate) or a system instruction
     * changes the TLB: after a register-only instruction (tcache.c) the
     * translation the block was checked with still holds. */
    if (!done->regonly && !fetch_holds(f))
        return false;
    if (c->intr_shadow) {
        c->intr_shadow = false; /* cpu_step(): no interrupt before this instruction */
        return true;
    }
    return !interrupt_pending(c);
}

/* --- one instruction, as cpu_step() runs it --- */

/* Before the handler; returns the EIP of the next instruction. cpu_step()
 * also clears EFLAGS.RF as every instruction starts; here that is done once,
 * before a block's first instruction (block_begin), because nothing inside
 * a block can set RF again: only IRET, a task switch and event delivery
 * load it, and each of those ends the block (A_JUMP, or a fault). */
static inline uint64_t insn_begin(struct cpu *c, const struct insn *i, uint32_t mask)
{
    c->prev_eip = c->eip;
    c->eip = (c->eip + i->len) & mask;
    return c->eip;
}

/* insn_begin() for a block's first instruction. */
static inline uint64_t block_begin(struct cpu *c, const struct insn *i, uint32_t mask)
{
    c->eflags &= ~FL_RF;
    return insn_begin(c, i, mask);
}

/* After a handler that succeeded. False when a debug trap was delivered
 * (or the CPU shut down with one pending): the block ends. */
static inline bool insn_retire(struct cpu *c, const struct entry *e)
{
    cycles_retire_fixed(c, &e->insn, e->cost); /* cycles_retire() with the cost precomputed */
    c->instructions++;
    if (!c->dr6_pending)
        return true;
    if (c->stop != CPU_SHUTDOWN)
        cpu_debug_trap(c);
    return false;
}

/* After a handler that faulted. */
static void insn_fault(struct cpu *c)
{
    c->eip = c->prev_eip;
    cycles_abort(c);
    cpu_exception(c);
}

/* --- going from a block straight to its chained successor --- */

/* At the end of block b, which ran to its last instruction: the block the
 * loop in cpu_run_threaded() would run next when it finds it through b's
 * chain, with *f and *ch updated as enter() would leave them; NULL, with
 * nothing changed, in every other case, and the loop then decides as
 * always (a hash lookup, a new chain, cpu_step()). The tests are the
 * loop's and enter()'s, in their order: the clock and the stop requests,
 * single-instruction watching, the interrupt shadow and a pending
 * interrupt, then the fetch translation of CS:EIP, the chained block's
 * key, and the CS limit. Staying in run_block() saves the return, the
 * loop's frame and the reload of what it keeps in registers: blocks are
 * short (five instructions on average on bench/bench.asm), so that was a
 * fifth of the threaded core's own time. */
static struct block *enter_chained(struct cpu *c, struct block *b, struct chain *ch,
                                   struct fetch *f)
{
    if (c->cycles >= c->deadline || c->stop != CPU_RUNNING || c->stop_request)
        return NULL;
    if (watched(c) || c->intr_shadow || interrupt_pending(c))
        return NULL;
    const struct seg *cs = &c->seg[SEG_CS];
    uint32_t eip = (uint32_t)c->eip, mask = cpu_ip_mask(c);
    int slot = eip == ch->fallthrough ? 0 : 1;
    struct block *nb = b->succ[slot];
    if (!nb || !nb->valid || nb->code32 != c->code32 || eip > cs->limit)
        return NULL;
    uint32_t lin = (uint32_t)(cs->base + eip);
    uint32_t need = tlb_need(c->cpl == 3, false, false);
    const struct tlb_entry *te = tlb_hit(&c->tlb, lin, need);
    if (!te || !te->host || nb->phys != (te->ppage | (lin & PAGE_OFFSET)))
        return NULL;
    if ((uint64_t)eip + nb->bytes - 1 > cs->limit || (uint64_t)eip + nb->bytes > (uint64_t)mask + 1)
        return NULL;
    ch->from = b;
    ch->slot = slot;
    ch->hits++;
    *f = (struct fetch){.te = te, .lpage = lin >> 12, .ppage = te->ppage, .need = need,
                        .mask = mask};
    ch->fallthrough = (eip + nb->bytes) & mask;
    return nb;
}

/* --- running a block --- */

#ifdef LAB86_NO_COMPUTED_GOTO

/* Run block b from its first instruction, and the blocks chained after
 * it (enter_chained). Returns the last block run when its last instruction
 * completed (the next block may be chained to it), else NULL. */
static struct block *run_block(struct cpu *c, struct block *b, struct fetch *f, struct chain *ch)
{
    const struct entry *e = b->e, *last = b->e + b->n - 1;
    uint64_t next = block_begin(c, &e->insn, f->mask);
    for (;;) {
        if (e->fn(c, &e->insn)) {
            insn_fault(c);
            return NULL;
        }
        if (!insn_retire(c, e))
            return NULL;
        if (e == last) {
            struct block *nb = enter_chained(c, b, ch, f);
            if (!nb)
                return b;
            b = nb;
            e = b->e;
            last = b->e + b->n - 1;
            next = block_begin(c, &e->insn, f->mask);
            continue;
        }
        if (!may_continue(c, b, f, e, next))
            return NULL;
        e++;
        next = insn_begin(c, &e->insn, f->mask);
    }
}

#else

/* The same with computed goto: one label per operation of opcodes.def,
 * which calls its handler directly (no call through a pointer); the common
 * tail then jumps to the label of the next instruction's operation. */
static struct block *run_block(struct cpu *c, struct block *b, struct fetch *f, struct chain *ch)
{
    static const void *const label[OP_COUNT] = {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc) [OP_##name] = &&do_##name,
#include "opcodes.def"
#undef OP
    };
    const struct entry *e = b->e, *last = b->e + b->n - 1;
    uint64_t next = block_begin(c, &e->insn, f->mask);
    int r;

    goto *label[e->insn.op];
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc)                             \
    do_##name : r = op_##handler(c, &e->insn);                                                     \
    goto done;
#include "opcodes.def"
#undef OP
done:
    if (r) {
        insn_fault(c);
        return NULL;
    }
    if (!insn_retire(c, e))
        return NULL;
    if (e == last) {
        struct block *nb = enter_chained(c, b, ch, f);
        if (!nb)
            return b;
        b = nb;
        e = b->e;
        last = b->e + b->n - 1;
        next = block_begin(c, &e->insn, f->mask);
        goto *label[e->insn.op];
    }
    if (!may_continue(c, b, f, e, next))
        return NULL;
    e++;
    next = insn_begin(c, &e->insn, f->mask);
    goto *label[e->insn.op];
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
        if (b && ch->from && generation == tcache_generation(tc))
            ch->from->succ[ch->slot] = b;
    }
    if (!b || (uint64_t)eip + b->bytes - 1 > cs->limit ||
        (uint64_t)eip + b->bytes > (uint64_t)mask + 1)
        return NULL;
    /* The rights are taken once per block: every instruction that can
     * change CPL (far transfers, INT, IRET, SYSENTER/SYSEXIT, MOV CR0) is a
     * jump in opcodes.def and ends its block, and so does any exception. */
    *f = (struct fetch){.te = te, .lpage = lin >> 12, .ppage = te->ppage, .need = need,
                        .mask = mask};
    ch->fallthrough = (eip + b->bytes) & mask;
    return b;
}

uint64_t cpu_run_threaded(struct cpu *c, uint64_t until_cycle)
{
    uint64_t start = c->instructions;
    struct chain ch = {0};

    c->deadline = until_cycle; /* a device arming a timer may lower it */
    if (!c->tcache)
        c->tcache = tcache_create(c->bus); /* NULL (out of memory): cpu_step() runs it all */
    while (c->cycles < c->deadline && c->stop == CPU_RUNNING && !c->stop_request) {
        struct fetch f;
        struct block *b = NULL;
        /* What cpu_step() would do before fetching, if anything, it does. */
        if (c->tcache && !watched(c) && !c->intr_shadow && !interrupt_pending(c))
            b = enter(c->tcache, c, &ch, &f);
        if (!b) {
            cpu_step(c);
            ch.from = NULL;
            continue;
        }
        ch.from = run_block(c, b, &f, &ch);
    }
    if (c->tcache)
        tcache_add_chained(c->tcache, ch.hits);
    return c->instructions - start;
}
