/*
 * threaded.h - the threaded core's bookkeeping around its instructions,
 * inline, for the two builds of the dispatch loop in exec_threaded.c
 * (whose header comment has the whole design).
 *
 * Three parts, in the order an instruction meets them:
 *   - the checks between instructions: quiet() in the common case, the
 *     closer look of may_continue() and closer_look() when the notice word
 *     or the clock says so;
 *   - one instruction as cpu_step() runs it: EIP advanced before the
 *     handler (insn_begin), the cycles and the count after it
 *     (insn_retire, or insn_retire_fast for a specialised form), EIP
 *     rewound and the exception delivered on a fault (insn_fault);
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
#else
#define UNLIKELY(x) (x)
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
};

/* The fetch state for a block entered at CS:EIP through TLB entry te. */
static inline struct fetch fetch_state(const struct cpu *c, const struct tlb_entry *te,
                                       uint32_t lin, uint32_t need, uint32_t mask)
{
    uint64_t limit_end = (uint64_t)c->seg[SEG_CS].limit + 1;
    return (struct fetch){.te = te, .lpage = lin >> 12, .ppage = te->ppage, .need = need,
                          .mask = mask,
                          .end = limit_end < (uint64_t)mask + 1 ? limit_end : (uint64_t)mask + 1};
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

/* insn_retire() after a specialised form (ops_fast.h): its cost is never
 * CYCLES_DYNAMIC (specialise() in tcache.c makes sure) and it reports no
 * cycle_extra (a taken Jcc adds its cost to the clock itself), so
 * cycle_extra is still the zero the last retirement left: the sum is
 * cycles_retire_fixed()'s without its two tests and two memory accesses. */
static inline void insn_retire_fast(struct cpu *c, const struct entry *e)
{
    c->cycles += e->cost;
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
 * bench/bench.asm). */
static ALWAYS_INLINE struct block *enter_chained(struct cpu *c, struct block *b, struct chain *ch,
                                   struct fetch *f)
{
    /* After a plain end (tcache.h) these are as they were when the chain's
     * first block was entered, and the loop checked them then; so are CS,
     * the CPL and the IP mask, which *f was made with, and on the same
     * linear page the translation quiet() vouched for still holds. */
    bool plain = b->plain_end;
    if (!plain && (c->stop != CPU_RUNNING || watched(c) || c->intr_shadow))
        return NULL;
    uint32_t eip = (uint32_t)c->eip, mask = plain ? f->mask : cpu_ip_mask(c);
    int slot = eip == ch->fallthrough ? 0 : 1;
    struct block *nb = b->succ[slot];
    if (!nb || !nb->valid || !nb->resolved || nb->code32 != (plain ? b->code32 : c->code32))
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
    /* ch->from needs no update: run_block() returns the block it ends in,
     * and the loop takes that as the chain's start. */
    ch->hits++;
    ch->fallthrough = (eip + nb->bytes) & mask;
    return nb;
}

/* --- running a block --- */

/* After an instruction's handler returned r: retire it, then decide what
 * runs next, for both builds of the dispatch loop below (fast: *e was a
 * specialised form, insn_retire_fast()). True: go on with *e, the next
 * entry (of this block, or the first of the chained block *b, with *last
 * and *next updated). False: run_block() returns *out. */
static ALWAYS_INLINE bool advance(struct cpu *c, int r, bool fast, struct block **b,
                                  const struct entry **e, const struct entry **last,
                                  uint64_t *next, uint32_t *mask, struct fetch *f,
                                  struct chain *ch, struct block **out)
{
    if (UNLIKELY(r != 0)) {
        insn_fault(c);
        *out = NULL;
        return false;
    }
    if (fast)
        insn_retire_fast(c, *e);
    else
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
