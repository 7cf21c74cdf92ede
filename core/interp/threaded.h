/*
 * threaded.h - the threaded core's bookkeeping around its instructions,
 * inline, for the two builds of the dispatch loop in exec_threaded.c
 * (whose header comment has the whole design).
 *
 * Three parts, in the order an instruction meets them (the computed-goto
 * build runs most instructions as light entries instead, with the
 * bookkeeping of the section on them below):
 *   - the checks between instructions: quiet() in the common case, the
 *     closer look of may_continue() and closer_look() when the notice word
 *     or the clock says so;
 *   - one instruction as cpu_step() runs it: EIP advanced before the
 *     handler (insn_begin), the cycles and the count after it
 *     (insn_retire), EIP rewound and the exception delivered on a fault
 *     (insn_fault);
 *   - at a block's end, the chained successor entered in place
 *     (enter_chained), and advance(), which ties the three together after
 *     every handler.
 * Only exec_threaded.c includes it.
 */
#ifndef LAB86_THREADED_H
#define LAB86_THREADED_H

#include "exec.h"

#include "interrupt.h"
#include "lazy_flags.h"
#include "tcache.h"

#if !defined(__GNUC__) && !defined(LAB86_NO_COMPUTED_GOTO)
#define LAB86_NO_COMPUTED_GOTO /* computed goto is a GNU C extension */
#endif

#define PAGE_OFFSET 0xfffu

#ifdef __GNUC__
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define LIKELY(x)   __builtin_expect(!!(x), 1)
#else
#define UNLIKELY(x) (x)
#define LIKELY(x)   (x)
#endif

/* What a running block rechecks before each instruction: the fetch
 * translation it was entered with. */
struct fetch {
    const struct tlb_entry *te; /* the TLB slot that maps the block's page */
    uint32_t lpage;             /* the linear page the block was entered through */
    uint64_t ppage;             /* the physical page it mapped to */
    uint32_t need;              /* the TLB_* rights a fetch needs at the block's CPL */
    uint32_t mask;              /* EIP mask: 16- or 32-bit code */
    uint64_t end;               /* a block entered at EIP must end at or below this: the CS
                                   limit + 1, or mask + 1 if lower (no 16-bit IP wrap) */
    uint8_t near_ok;            /* 0xff when the whole linear page lpage lies inside that
                                   end, so that every block on it does; else 0 (enter_near) */
};

/* The fetch state for a block entered at CS:EIP through TLB entry te. */
static inline struct fetch fetch_state(const struct cpu *c, const struct tlb_entry *te,
                                       uint32_t lin, uint32_t need, uint32_t mask)
{
    uint64_t limit_end = (uint64_t)c->seg[SEG_CS].limit + 1;
    uint64_t end = limit_end < (uint64_t)mask + 1 ? limit_end : (uint64_t)mask + 1;
    /* The page's offsets in CS, when CS's base is not above its start
     * (else they wrap, and near entries are left to the long way). */
    uint64_t base = c->seg[SEG_CS].base, page = lin & ~(uint64_t)PAGE_OFFSET;
    bool whole = base <= page && page + PAGE_OFFSET + 1 - base <= end;
    return (struct fetch){.te = te, .lpage = lin >> 12, .ppage = te->ppage, .need = need,
                          .mask = mask, .end = end, .near_ok = whole ? 0xff : 0};
}

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

/* After an instruction, may the next one run without a closer look? Yes
 * when the clock is short of the deadline and the notice word is clear
 * (STI and the system instructions, which change what the loop checks
 * without a notice, end their blocks: tcache.c). Everything else that could end a block
 * early announces itself in c->notice (cpu.h): the INTR and NMI lines, a
 * stop request, and the poke that the MMU sets when it changes a TLB entry
 * (the block's fetch translation may be the one), the block cache when it
 * drops blocks (the running one may be among them), and a data breakpoint.
 * So the common case costs two loads and compares, not the dozen tests of
 * may_continue(). */
static inline bool quiet(const struct cpu *c)
{
    return c->cycles < c->deadline && !c->notice;
}

/* The closer look: may the next instruction of block b, at next_eip, run
 * here? The checks of cpu_run() and cpu_step(), and that nothing moved EIP,
 * wrote the block or changed its fetch translation. The interrupt shadow
 * comes last: clearing it is the one check with an effect, which must not
 * happen when the block is left for cpu_step(). */
static bool may_continue(struct cpu *c, const struct block *b, const struct fetch *f,
                         uint64_t next_eip)
{
    if (!b->valid || c->eip != next_eip)
        return false;
    if (c->cycles >= c->deadline || c->stop != CPU_RUNNING || c->stop_request)
        return false;
    if (watched(c) || !fetch_holds(f))
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
static inline uint64_t insn_begin(struct cpu *c, const struct insn *i, uint32_t mask,
                                  uint64_t eip)
{
    c->prev_eip = eip;
    eip = (eip + i->len) & mask;
    c->eip = eip;
    return eip;
}

/* insn_begin() for a block's first instruction. */
static inline uint64_t block_begin(struct cpu *c, const struct insn *i, uint32_t mask)
{
    c->eflags &= ~FL_RF;
    return insn_begin(c, i, mask, c->eip);
}

/* After a handler that succeeded: the cycles and the count. */
static inline void insn_retire(struct cpu *c, const struct entry *e)
{
    cycles_retire_fixed(c, &e->insn, e->cost); /* cycles_retire() with the cost precomputed */
    c->instructions++;
}

/* After instruction e of block b when it was not quiet(): the pending
 * debug trap first, as cpu_step() delivers it right after the instruction
 * (a data breakpoint's poke brings us here); then at the block's end the
 * loop in cpu_run_threaded() makes every check (returns b, whose chain it
 * follows), else may_continue(). Returns b to go on with the block, or what
 * run_block() returns: NULL (the block ends here) or b at its end. */
static struct block *closer_look(struct cpu *c, struct block *b, const struct fetch *f,
                                 const struct entry *e, uint64_t next_eip, bool *go_on)
{
    c->poke = false;
    *go_on = false;
    if (c->dr6_pending) {
        if (c->stop != CPU_SHUTDOWN)
            cpu_debug_trap(c);
        return NULL;
    }
    if (e == b->e + b->n - 1)
        return b;
    *go_on = may_continue(c, b, f, next_eip);
    return NULL;
}

/* After a handler that faulted. */
static void insn_fault(struct cpu *c)
{
    c->eip = c->prev_eip;
    cycles_abort(c);
    lazy_settle(c); /* lazy flags: exact in the exception frame */
    cpu_exception(c);
}

/* --- going from a block straight to its chained successor --- */

/* At the end of block b, which ran to its last instruction and was quiet()
 * after it: the block the loop in cpu_run_threaded() would run next when it
 * finds it through b's chain, with *f and *ch updated as enter() would
 * leave them; NULL, with nothing changed, in every other case, and the loop
 * then decides as always (a hash lookup, a new chain, cpu_step()). The
 * tests are the loop's and enter()'s, in their order, but for what quiet()
 * has covered (the clock, the notice word): a halt, single-instruction
 * watching and the interrupt shadow (a block's last instruction may be HLT,
 * POPF setting TF, or MOV SS), then the fetch translation of CS:EIP, the
 * chained block's key and the CS limit. When the successor is on the page
 * the block was entered through (a loop, most often) the fetch translation
 * is the one quiet() vouched for and needs no lookup. Staying in
 * run_block() saves the return, the loop's frame and the reload of what it
 * keeps in registers: blocks are short (five instructions on average on
 * bench/bench.asm). enter_chained_slot() is the same with the successor's
 * slot known: 0 after falling through, 1 after a jump (a Jcc knows which
 * it did: jcc_end()). A slot that is not the one the loop linked the block
 * in (a Jcc to the next instruction) finds no block there, or one whose
 * address is not this one's, and the loop then looks it up. */
static ALWAYS_INLINE struct block *enter_chained_slot(struct cpu *c, struct block *b, int slot,
                                                      struct chain *ch, struct fetch *f)
{
    /* After a plain end (tcache.h) these are as they were when the chain's
     * first block was entered, and the loop checked them then; so are CS,
     * the CPL and the IP mask, which *f was made with, and on the same
     * linear page the translation quiet() vouched for still holds. */
    bool plain = b->plain_end;
    if (!plain && (c->stop != CPU_RUNNING || watched(c) || c->intr_shadow))
        return NULL;
    uint32_t eip = (uint32_t)c->eip, mask = plain ? f->mask : cpu_ip_mask(c);
    struct block *nb = b->succ[slot];
    /* Valid, resolved and of the code size: one compare (tcache.h). After
     * a plain end the code size is the running block's: its own key, unless
     * its code was written, which sends the loop the long way. */
    if (!nb || nb->chain_key != (plain ? b->chain_key : BLOCK_KEY(c->code32)))
        return NULL;
    uint32_t lin = (uint32_t)(c->seg[SEG_CS].base + eip);
    if (!plain || lin >> 12 != f->lpage) {
        /* Another page, or CS, the CPL or the mode may have changed. */
        uint32_t need = tlb_need(c->cpl == 3, false, false);
        const struct tlb_entry *te = tlb_hit(&c->tlb, lin, need);
        if (!te || !te->host)
            return NULL;
        *f = fetch_state(c, te, lin, need, mask);
    }
    if (nb->phys != (f->ppage | (lin & PAGE_OFFSET)))
        return NULL;
    /* The whole block inside the CS limit (so its first byte is too) and
     * not wrapping a 16-bit IP. */
    if ((uint64_t)eip + nb->bytes > f->end)
        return NULL;
    /* The light run the block starts with fits before the deadline (it is
     * paid for as the block begins: light_block_begin()). */
    if (c->cycles + nb->head >= c->deadline)
        return NULL;
    /* ch->from needs no update: run_block() returns the block it ends in,
     * and the loop takes that as the chain's start. */
    ch->hits++;
    ch->fallthrough = (eip + nb->bytes) & mask;
    return nb;
}

/* enter_chained_slot() for a near link (tcache.h, tcache_near()): block b,
 * whose successor in slot is such a link, ran to its end and left with EIP
 * eip. What the link vouches for needs no test: the successor is on the
 * linear page b was entered through (f), at the physical address it was
 * found at, in the mode and with the CS it was found with; RF is clear
 * (light_block_begin() cleared it for the chain's first block, and no
 * instruction of a plain block sets it). What remains is the successor's
 * key (still valid), the notice word and the clock, which quiet() would
 * look at, with room for the successor's leading light run (a clock short
 * of cycles + head is short of cycles too: one compare for both). The CS
 * limit is judged once for the whole page, when *f is made: a block lies
 * on one page, so when all of the page is inside the limit every block on
 * it is (f->near_ok), and when not, near entries are left to the long way,
 * which tests each block (the decompressor 26.91 -> 26.37, bench.asm
 * 36.07 -> 35.67). The clock and the count are those the caller would have,
 * cycles and instructions: set here, with the successor's head, in one
 * store each. NULL, with nothing changed: not a near link, or one of these
 * fails, and the caller takes the long way, which makes every test again.
 * Host instructions a guest instruction, threaded core, by callgrind: the
 * Linux decompressor 37.6 -> 35.1 (a chained entry cost about 68 of them,
 * now about 50 with the Jcc's own work), bench.asm 42.3 -> 40.0; the one
 * store each for the clock and the count 29.11 -> 29.04 (no change in host
 * time that we could measure). */
static ALWAYS_INLINE struct block *enter_near(struct cpu *c, const struct block *b, int slot,
                                              uint32_t eip, struct chain *ch,
                                              const struct fetch *f, uint64_t cycles,
                                              uint64_t instructions)
{
    struct block *nb = b->succ[slot];
    if (!(((b->near & f->near_ok) >> slot) & 1) || nb->chain_key != BLOCK_KEY(true)) /* 32-bit */
        return NULL;
    uint64_t at = cycles + nb->head;
    if (at >= c->deadline || c->notice)
        return NULL;
    c->cycles = at;
    c->instructions = instructions + nb->nhead;
    ch->hits++;
    ch->fallthrough = eip + nb->bytes; /* 32-bit code: no IP mask */
    return nb;
}

/* The successor's slot found from EIP, for any block end. */
static ALWAYS_INLINE struct block *enter_chained(struct cpu *c, struct block *b, struct chain *ch,
                                   struct fetch *f)
{
    return enter_chained_slot(c, b, (uint32_t)c->eip == ch->fallthrough ? 0 : 1, ch, f);
}

/* --- the computed-goto build: light entries and the end entry --- */

/*
 * Bookkeeping a run of instructions at a time. A light entry (tcache_forms.c,
 * light(): a specialised form on registers alone) has nothing of its own
 * to check or record: it cannot fault, so it needs no EIP to rewind to,
 * and nothing it does can end a block but its own cost on the clock. So
 * run_block() runs it as its handler and a jump to the next entry, and
 * every other entry - a heavy one - does the bookkeeping for itself and
 * for the light entries that follow it, which it pays in advance:
 *   - before its handler, heavy_begin() sets the EIP and instruction
 *     pointer cpu_step() would (from the block's first EIP and the offsets
 *     tcache.c recorded, so the light entries need not carry EIP along);
 *   - after it, heavy_done() retires it, and then makes the check between
 *     instructions (quiet()) not with the clock as it is but with the
 *     clock after the light run that follows: when that is still short of
 *     the deadline, no boundary in the run can be one where cpu_step()
 *     would stop or take an interrupt (nothing but the clock moves inside
 *     the run), and the run's cycles and count are added at once. When it
 *     is not, the block is left there, and the loop in cpu_run_threaded()
 *     makes cpu_step() run the next instructions up to the deadline, one by
 *     one, exactly (enter() refuses a block whose own leading light run,
 *     head, does not fit; enter_chained() too);
 *   - the entry after a block's last, e[n] (FAST_BLOCK_END), sets EIP when
 *     the last instruction was light and chains to the next block.
 * Half of the Linux decompressor's instructions are light (register moves
 * and arithmetic, LEA, shifts, IMUL) and a third more semi-light (the
 * loads, stores, pushes and pops of ops_fast_try.h, which are light when
 * the data fast path takes them and heavy when it does not). By callgrind,
 * host instructions a guest instruction: the decompressor 65.5 -> 60.0
 * with light entries, 51.4 with semi-light ones too; bench.asm (ITER=5
 * less ITER=0) 62.6 -> 54.4 -> 50.6.
 */

/* Before a heavy entry's handler: prev_eip and EIP as cpu_step() sets them,
 * from the block's first EIP beip. A block never wraps a 16-bit IP
 * (enter()), so only the EIP after it needs the mask. */
static ALWAYS_INLINE void heavy_begin(struct cpu *c, const struct entry *e, uint32_t beip,
                                      uint32_t mask)
{
    c->prev_eip = beip + e->off;
    c->eip = (beip + e->end) & mask;
}

/* After heavy entry x when the clock with the light run after it does not
 * fit, or the notice word is up: the pending debug trap first, as after
 * every instruction; then at the block's last instruction the loop makes
 * every check (*out = b, whose chain it follows); else the run must fit and
 * may_continue() say yes (its last test clears an interrupt shadow, which
 * must not happen when the block is left). True: go on with the block. */
static bool heavy_look(struct cpu *c, struct block *b, const struct fetch *f,
                       const struct entry *x, uint64_t next_eip, struct block **out)
{
    lazy_settle(c); /* lazy flags: a debug trap, or leaving run_block() */
    c->poke = false;
    *out = NULL;
    if (c->dr6_pending) {
        if (c->stop != CPU_SHUTDOWN)
            cpu_debug_trap(c);
        return false;
    }
    if (x == b->e + b->n - 1) {
        *out = b;
        return false;
    }
    if (c->cycles + x->post >= c->deadline)
        return false;
    return may_continue(c, b, f, next_eip);
}

/* After heavy entry *e's handler returned r (fast: a specialised form,
 * whose cost is fixed and which reports no cycle_extra): retire it; then
 * pay for the light run after it and go on with the next entry (true), or
 * leave the block (false: run_block() returns *out). */
static ALWAYS_INLINE bool heavy_done(struct cpu *c, int r, bool fast, struct block *b,
                                     const struct entry **e, uint32_t beip, uint32_t mask,
                                     const struct fetch *f, struct block **out)
{
    const struct entry *x = *e;
    if (UNLIKELY(r != 0)) {
        insn_fault(c);
        *out = NULL;
        return false;
    }
    if (fast)
        c->cycles += x->cost;
    else
        cycles_retire_fixed(c, &x->insn, x->cost);
    c->instructions++;
    if (UNLIKELY(c->cycles + x->post >= c->deadline || c->notice) &&
        !heavy_look(c, b, f, x, (beip + x->end) & mask, out))
        return false;
    c->cycles += x->post;
    c->instructions += x->npost;
    (*e)++;
    return true;
}

/* A semi-light entry e (ops_fast_try.h) turns heavy: give back what the
 * entry before it paid for it and the rest of its run; it pays for that
 * rest again as a heavy entry (heavy_done(), with its own post). */
static ALWAYS_INLINE void semi_refund(struct cpu *c, const struct entry *e)
{
    c->cycles -= (uint64_t)e->cost + e->post;
    c->instructions -= 1u + e->npost;
}

/* A block's first instruction is about to run (entered from the loop, or
 * chained): clear RF (insn_begin() says why once a block is enough), and
 * pay for the light run the block starts with, which enter() or
 * enter_chained() found room for. Returns the block's first EIP. */
static ALWAYS_INLINE uint32_t light_block_begin(struct cpu *c, const struct block *b)
{
    c->eflags &= ~FL_RF;
    c->cycles += b->head;
    c->instructions += b->nhead;
    return (uint32_t)c->eip;
}

/* At e[n] of block *b: EIP as after the last instruction if that was a
 * light one, then the chained block entered in place when there is one
 * (true: *b, *e, *beip and *mask are its), else false (run_block() returns
 * *b: it ran to its end). */
static ALWAYS_INLINE bool block_end(struct cpu *c, struct block **b, const struct entry **e,
                                    uint32_t *beip, uint32_t *mask, struct fetch *f,
                                    struct chain *ch)
{
    struct block *ob = *b;
    if (ob->light_tail) {
        c->prev_eip = *beip + ob->e[ob->n - 1].off;
        c->eip = (*beip + ob->bytes) & *mask;
    }
    uint32_t eip = (uint32_t)c->eip;
    struct block *nb = enter_near(c, ob, eip == ch->fallthrough ? 0 : 1, eip, ch, f, c->cycles,
                                  c->instructions);
    if (LIKELY(nb)) {
        *b = nb;
        *e = nb->e;
        *beip = eip;
        return true;
    }
    nb = enter_chained(c, ob, ch, f);
    if (!nb) {
        lazy_settle(c); /* lazy flags: leaving run_block() */
        return false;
    }
    *b = nb;
    *e = nb->e;
    *mask = f->mask;
    *beip = light_block_begin(c, nb);
    return true;
}

/* A Jcc on condition cc (a constant), which is always the last entry of
 * its block (tcache.c): the jump, its retirement and the chained block
 * entered in place, in one piece - no end entry, and the chain's slot is
 * whether it jumped. What it does is op_jcc() (ops_ctrl.c) with the
 * condition read by lazy_cond(), with heavy_begin() and heavy_done()
 * around it and then block_end(), but for two things. The taken cost goes
 * straight to the clock, not through c->cycle_extra as cycles_taken()
 * does: nothing reads the clock in between, so the sum is the same. And
 * prev_eip, which nothing reads until the block is left, is set on each
 * way out. test_fast.c's t_jcc compares it with the generic handler
 * through the threaded core. The branch on the outcome stays: a version
 * that chose the target and the cost with masks instead ran the Linux
 * decompressor in 6.4-6.7 s against 5.8 s (the jump into the successor
 * then waits for the condition). True: go on with *e, the first entry of the chained block
 * (*b, *beip and *mask are its). False: run_block() returns *out. */
static ALWAYS_INLINE bool jcc_end(struct cpu *c, int cc, struct block **b, const struct entry **e,
                                  uint32_t *beip, uint32_t *mask, struct fetch *f,
                                  struct chain *ch, struct block **out)
{
    const struct entry *x = *e;
    uint32_t next = (*beip + x->end) & *mask;
    bool taken = lazy_cond(c, cc); /* lazy flags: from the record where it can */
    if (taken) {
        uint32_t target = fast_rel_target(next, &x->insn);
        if (target > c->seg[SEG_CS].limit) {
            heavy_begin(c, x, *beip, *mask);
            if (cpu_fault(c, EXC_GP, 0)) /* always: CPU_FAULT */
                insn_fault(c);
            *out = NULL;
            return false;
        }
        next = target;
    }
    c->eip = next;
    uint64_t cycles = c->cycles + x->cost + (taken ? CYCLES_TAKEN_JCC : 0);
    uint64_t instructions = c->instructions + 1;
    struct block *nb = enter_near(c, *b, taken, next, ch, f, cycles, instructions);
    if (LIKELY(nb)) {
        *b = nb;
        *e = nb->e;
        *beip = next;
        return true;
    }
    c->cycles = cycles;
    c->instructions = instructions;
    if (UNLIKELY(c->cycles >= c->deadline || c->notice)) {
        c->prev_eip = *beip + x->off;
        return heavy_look(c, *b, f, x, next, out); /* the last entry: false */
    }
    nb = enter_chained_slot(c, *b, taken, ch, f);
    if (!nb) {
        lazy_settle(c); /* lazy flags: leaving run_block() */
        c->prev_eip = *beip + x->off;
        *out = *b;
        return false;
    }
    *b = nb;
    *e = nb->e;
    *mask = f->mask;
    *beip = light_block_begin(c, nb);
    return true;
}

/* --- running a block --- */

/* After an instruction's handler returned r: retire it, then decide what
 * runs next: the portable build's dispatch loop (the computed-goto build
 * has heavy_done(), jcc_end() and block_end() above). True: go on with
 * *e, the next entry (of this block, or the first of the chained block
 * *b, with *last and *next updated). False: run_block() returns *out. */
static ALWAYS_INLINE bool advance(struct cpu *c, int r, struct block **b,
                                  const struct entry **e, const struct entry **last,
                                  uint64_t *next, uint32_t *mask, struct fetch *f,
                                  struct chain *ch, struct block **out)
{
    if (UNLIKELY(r != 0)) {
        insn_fault(c);
        *out = NULL;
        return false;
    }
    insn_retire(c, *e);
    if (UNLIKELY(!quiet(c))) {
        bool go_on;
        lazy_settle(c); /* lazy flags: a debug trap, or leaving run_block() */
        *out = closer_look(c, *b, f, *e, *next, &go_on);
        if (!go_on)
            return false;
    } else if (*e == *last) {
        struct block *nb = enter_chained(c, *b, ch, f);
        if (!nb) {
            lazy_settle(c); /* lazy flags: leaving run_block() */
            *out = *b;
            return false;
        }
        *b = nb;
        *e = nb->e;
        *last = nb->e + nb->n - 1;
        *mask = f->mask;
        *next = block_begin(c, &(*e)->insn, *mask);
        return true;
    }
    /* Only a block's last instruction may move EIP (a jump, or REP's
     * rewind: tcache.c ends blocks there), so EIP is still *next. */
    (*e)++;
    *next = insn_begin(c, &(*e)->insn, *mask, *next);
    return true;
}

#endif
