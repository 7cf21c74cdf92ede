/*
 * tcache.h - the threaded core's block cache: basic blocks of decoded
 * instructions, found by physical address, dropped when their code is
 * written.
 *
 * The switch core (exec_switch.c) fetches and decodes every instruction
 * every time it runs. Most code runs many times unchanged, so the threaded
 * core (exec_threaded.c) decodes a basic block once - a straight run of
 * instructions that ends at a jump, at a page boundary, or after
 * BLOCK_MAX instructions - and keeps the result here: for each instruction
 * its handler and its struct insn. Running the block again costs no fetch
 * and no decode.
 *
 * Blocks are keyed by the physical address of their first byte and by the
 * one piece of CPU state the decoder reads, the default operand size
 * (CS.D, c->code32). A physical key survives every change of mapping (a
 * CR3 write, INVLPG, a task switch) without a flush, because the threaded
 * core translates CS:EIP through the TLB each time it enters a block, and a
 * block never spans two pages, so that one translation covers all of it.
 *
 * Self-modifying code. A page some block was decoded from is "watched":
 * its bit is set in the bus's watch map (bus.h), and every write to RAM
 * (mmu.c's page_store(), which all guest stores go through, and
 * bus_mem_write(), which page walks and devices use) tests that bit, but
 * for the threaded core's fast stores, which need no test: the TLB of a
 * CPU that runs blocks gives no write fast tag for a watched page (tlb.h,
 * tcache_bind()), so such a store takes the slow path. A write to a
 * watched page comes here; when it touches the bytes of some
 * block (tracked in 16-byte lines, so that data sharing a page with code
 * costs one test and nothing more) every block of the page is marked
 * invalid and forgotten, and the running CPU's poke is set (tcache_bind):
 * the threaded core then checks its block's flag before the next
 * instruction, so a store into the very block that is running takes
 * effect at the next instruction, as on the hardware (SDM vol. 3, 11.6:
 * a write to code that is about to run is seen, with no serializing needed
 * on a processor that snoops its prefetch queue, which the i486 does not
 * promise but every later CPU does).
 *
 * Memory. Blocks and page records come from one arena; when it is full the
 * whole cache is flushed and refilled (a flush also drops every chain).
 * Invalid blocks stay in the arena, unreachable, until then, so a pointer
 * to one is always safe to test.
 */
#ifndef LAB86_TCACHE_H
#define LAB86_TCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"
#include "insn.h"

#define BLOCK_MAX 32 /* instructions in a block at most */

struct bus;

/* A handler of opcodes.def (ops.h). */
typedef int op_fn(struct cpu *c, const struct insn *i);

/* One decoded instruction of a block. */
struct entry {
    op_fn *fn;        /* its handler, from the table generated from opcodes.def */
    const void *label; /* the computed-goto build: where run_block() dispatches it, set
                          when the block first runs (exec_threaded.c, resolve()) */
    uint16_t xop;     /* what the threaded core dispatches on: insn.op, or one of the
                         specialised forms of ops_fast.h (enum fast_op) */
    uint8_t r1, r2;   /* a specialised form's register operands (ops_fast.h) */
    uint16_t cost;    /* cycles_insn_fixed(): its static cost, or CYCLES_DYNAMIC */
    uint16_t off;     /* bytes from the block's first byte to this instruction's */
    uint16_t end;     /* ... and to the byte after it (off + insn.len) */
    uint16_t post;    /* the cycles of the light entries that follow this one, up to the
                         next heavy entry (a heavy or semi-light entry pays them in
                         advance, after itself: threaded.h) */
    uint8_t npost;    /* how many they are */
    bool light;       /* a light or semi-light entry (tcache_forms.c: light(), semi_light()):
                         run with no bookkeeping of its own (threaded.h) */
    struct insn insn; /* the decoded instruction */
};

/* A valid, resolved block's chain_key. */
#define BLOCK_KEY(code32) (1u | (unsigned)(code32) << 1)

/* A basic block. */
struct block {
    struct block *hnext;   /* next block in the same hash bucket */
    struct block *pnext;   /* next block decoded from the same page */
    struct block *succ[2]; /* the block run next: [0] after falling through, [1] after a jump */
    uint64_t phys;         /* physical address of its first byte */
    uint16_t bytes;        /* bytes of code it covers */
    uint8_t n;             /* instructions, 1..BLOCK_MAX */
    bool code32;           /* decoded with 32-bit default sizes */
    bool valid;            /* false once its code was written */
    bool plain_end;        /* its last instruction is a near jump, call or return, a
                              string instruction, or one that does not end blocks: it
                              cannot change CS, CPL, the mode, EFLAGS.TF, the debug
                              registers, the interrupt shadow or the run state
                              (exec_threaded.c, enter_chained()) */
    bool resolved;         /* every entry's label is set (the computed-goto build) */
    uint8_t chain_key;     /* BLOCK_KEY(code32) while valid and resolved, else 0: what
                              enter_chained() (threaded.h) tests in one compare */
    bool light_tail;       /* its last instruction is a light entry */
    uint16_t head;         /* the cycles of the light entries it starts with ... */
    uint8_t nhead;         /* ... and how many they are (see entry.post) */
    uint8_t near;          /* bit s: succ[s] is a near link (tcache_near()), set when the
                              link is made (exec_threaded.c, enter()) */
    struct entry e[];      /* the instructions, then one more, e[n], whose xop is
                              FAST_BLOCK_END: where run_block() goes at the block's end */
};

/* Whether block to, found after block from left through successor slot
 * (0: fell through, 1: jumped), is there on every such exit: 32-bit code
 * with a plain end and a static target for that slot (the fall-through, or
 * a relative Jcc, JMP or CALL with a 32-bit operand), which lands on
 * to->phys inside from's own physical page. Then, while CS is the one from
 * was entered with (a plain end cannot change it), the target's linear
 * address is on the linear page from was entered through, and the chain
 * needs neither a TLB lookup nor the physical-address compare
 * (threaded.h, enter_near()). */
bool tcache_near(const struct block *from, int slot, const struct block *to);

/* What the cache has done, for tests, the debugger and --stats. */
struct tcache_stats {
    uint64_t built;       /* blocks decoded */
    uint64_t lookups;     /* block entries through the hash table */
    uint64_t chained;     /* block entries through a chain (no hash lookup) */
    uint64_t invalidated; /* pages whose blocks a write dropped */
    uint64_t flushes;     /* times the full arena was emptied */
};

struct tcache;

/* Make a block cache for the RAM of bus b and watch b's writes for it.
 * Returns NULL when memory runs out (the caller then uses the switch core). */
struct tcache *tcache_create(struct bus *b);

/* Stop watching and free everything. NULL is allowed. */
void tcache_destroy(struct tcache *tc);

/* CPU c is about to run blocks: set its c->poke whenever blocks are dropped
 * (a store into code, a flush), so that a running block notices at its next
 * instruction boundary; and, the first time, enlist c among the CPUs whose
 * TLBs follow the watch map (tlb.h: no write fast tag on a page with code,
 * which the threaded core's fast stores rely on). False, when memory for
 * that runs out: c must not run blocks. */
bool tcache_bind(struct tcache *tc, struct cpu *c);

/* Forget every block. Whoever writes guest RAM without the bus (a test
 * harness through bus.ram, a snapshot restore) calls this afterwards. */
void tcache_flush(struct tcache *tc);

/* The block that starts at physical address phys with these default sizes,
 * decoded now from host if it is not cached (host points at what reads of
 * phys see: RAM, or ROM and shadow RAM under the RAM's size, whose changes
 * the board reports with bus_page_changed). NULL when not even one
 * instruction fits in the page there (it crosses into the next page, or is
 * longer than 15 bytes), or phys is beyond RAM. */
struct block *tcache_get(struct tcache *tc, uint64_t phys, bool code32, const uint8_t *host);

/* The block cached for (phys, code32), without decoding anything; NULL if
 * there is none. For tests and the debugger. */
const struct block *tcache_find(const struct tcache *tc, uint64_t phys, bool code32);

/* Counts since the cache was made. */
void tcache_get_stats(const struct tcache *tc, struct tcache_stats *s);

/* Add n block entries made through a chain to the stats (the threaded core
 * counts them in a local and reports once a run). */
void tcache_add_chained(struct tcache *tc, uint64_t n);

/* The number of flushes so far: a block pointer taken before a call that
 * may decode (tcache_get) is stale when this has changed. */
uint64_t tcache_generation(const struct tcache *tc);

#endif
