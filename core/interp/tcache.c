/*
 * tcache.c - the block cache of the threaded core (see tcache.h): decoding
 * basic blocks, finding them again, and dropping them when their code is
 * written.
 *
 * Three structures:
 *
 *   the hash table   (physical address, code32) -> block, chained in
 *                    buckets; what tcache_get() looks in;
 *   the page records one per RAM page that blocks were decoded from: the
 *                    list of those blocks and a mask of the 16-byte lines
 *                    they cover, found by page number in pages[];
 *   the watch map    one bit per RAM page, set while the page has blocks;
 *                    the bus tests it on every write (bus.h) and calls
 *                    on_write() for a watched page.
 *
 * Where a block ends. The decoder runs from the block's first byte until
 * one of these, whichever comes first:
 *   - an instruction that may jump (A_JUMP in opcodes.def): Jcc, JMP, CALL,
 *     RET, INT, IRET, far transfers, and the instructions that change what
 *     the next fetch means - MOV and POP to SS/Sreg, POPF (TF, IF), MOV to
 *     a control register (paging), HLT;
 *   - a string instruction with a REP prefix: its handler rewinds EIP to
 *     itself after a batch of elements, so what follows is not next;
 *   - STI and the system instructions (A_PRIV: LMSW can set CR0.PE, a
 *     write to DR7 decides whether the threaded core may run at all, and
 *     the others load descriptor tables, control registers and MSRs): the
 *     loop in exec_threaded.c then makes every check before the next
 *     instruction. Inside a block it only tests the notice word and the
 *     clock, because everything else that could end a block early
 *     announces itself there (cpu.h), but for these: STI opens the
 *     interrupt window one instruction late and sets IF with no notice;
 *   - the end of the page: the next instruction may be mapped elsewhere,
 *     and an instruction that crosses into the next page is left out
 *     (the switch core runs it: its second page needs its own fetch);
 *   - BLOCK_MAX instructions.
 * The first rule is the one the rest of a block relies on: every
 * instruction that can load CS (and so change the code segment's base or
 * default size) is A_JUMP. The threaded core checks at run time what else
 * could make the rest of a block wrong (exec_threaded.c: EIP moved, the
 * code's translation gone, the block written), so the other rules are
 * about clarity and speed: they end a block where it would end anyway.
 */
#include "tcache.h"

#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cycles.h"
#include "mmu/mmu.h"
#include "ops.h"
#include "ops_fast.h" /* FAST_BLOCK_END */
#include "tcache_forms.h"

#define PAGE_SIZE   4096u
#define PAGE_SHIFT  12
#define LINE_SHIFT  4                              /* 16-byte lines */
#define LINE_WORDS  (PAGE_SIZE >> LINE_SHIFT >> 6) /* 64-bit words of a line mask */
/* 64 K buckets (512 KiB): the blocks an 8 MiB arena holds (a Linux boot
 * keeps tens of thousands) in chains of about one. With 4 K buckets the
 * chain walk was 1.5% of a Linux boot's host time (perf). */
#define HASH_BITS   16
#define HASH_SIZE   (1u << HASH_BITS)
#define ARENA_SIZE  (8u << 20) /* bytes of blocks and page records before a flush */
#define ARENA_ALIGN 16u

/* The handler of every operation, generated from opcodes.def. */
static op_fn *const handlers[OP_COUNT] = {
#define OP(opc, reg, name, mnem, operands, handler, attr, cycles, doc) [OP_##name] = op_##handler,
#include "opcodes.def"
#undef OP
};

/* The blocks of one RAM page. */
struct code_page {
    struct block *blocks;       /* valid blocks decoded from the page */
    struct code_page *next;     /* next record in tcache.pages_used */
    uint64_t pn;                /* the page number (physical address >> 12) */
    uint64_t lines[LINE_WORDS]; /* 16-byte lines that hold some block's bytes */
};

struct tcache {
    struct bus *bus;               /* whose RAM, and whose writes are watched */
    struct block *hash[HASH_SIZE]; /* bucket heads */
    struct code_page **pages;      /* by page number: the record, or NULL */
    uint64_t n_pages;              /* RAM pages */
    uint8_t *watch;                /* one bit a page: the page has blocks */
    struct code_page *pages_used;  /* every record made since the last flush */
    uint8_t *arena;                /* blocks and records */
    bool *poke;                    /* the running CPU's poke flag (tcache_bind), or NULL */
    struct cpu **cpus;             /* every CPU that has run blocks of this cache (tcache_bind):
                                      whose TLBs follow the watch map (mmu_code_page) */
    int n_cpus;
    size_t used;                   /* bytes of the arena in use */
    struct tcache_stats st;        /* counts */
};

/* --- lookup --- */

static unsigned bucket(uint64_t phys, bool code32)
{
    uint32_t key = (uint32_t)(phys ^ (phys >> 32)) * 2u + code32;
    return (key * 0x9e3779b1u) >> (32 - HASH_BITS); /* Fibonacci hashing */
}

static struct block *lookup(const struct tcache *tc, uint64_t phys, bool code32)
{
    for (struct block *b = tc->hash[bucket(phys, code32)]; b; b = b->hnext)
        if (b->phys == phys && b->code32 == code32)
            return b;
    return NULL;
}

const struct block *tcache_find(const struct tcache *tc, uint64_t phys, bool code32)
{
    return lookup(tc, phys, code32);
}

/* --- the watch map and the line masks --- */

/* Mark page pn as holding code (on) or not. Every CPU that runs blocks
 * derives the write fast tags of its TLB slots on the page again: a store
 * to a page with code must take the slow path, which tells us (tlb.h);
 * one to a page whose code is gone need not. */
static void watch_set(struct tcache *tc, uint64_t pn, bool on)
{
    uint8_t bit = (uint8_t)(1u << (pn & 7));
    if (((tc->watch[pn >> 3] & bit) != 0) == on)
        return; /* each block decoded on a watched page comes here */
    tc->watch[pn >> 3] = on ? (tc->watch[pn >> 3] | bit) : (tc->watch[pn >> 3] & ~bit);
    for (int k = 0; k < tc->n_cpus; k++)
        mmu_code_page(tc->cpus[k], pn << PAGE_SHIFT);
}

static void lines_mark(struct code_page *cp, uint32_t off, uint32_t len)
{
    for (uint32_t l = off >> LINE_SHIFT; l <= (off + len - 1) >> LINE_SHIFT; l++)
        cp->lines[l >> 6] |= 1ull << (l & 63);
}

/* Does any 16-byte line of bytes [off, last] of the page hold code? */
static bool lines_have_code(const struct code_page *cp, uint32_t off, uint32_t last)
{
    for (uint32_t l = off >> LINE_SHIFT; l <= last >> LINE_SHIFT; l++)
        if ((cp->lines[l >> 6] >> (l & 63)) & 1)
            return true;
    return false;
}

/* --- dropping blocks --- */

static void unhash(struct tcache *tc, struct block *b)
{
    struct block **p = &tc->hash[bucket(b->phys, b->code32)];
    while (*p != b)
        p = &(*p)->hnext;
    *p = b->hnext;
}

/* Invalidate every block of page record cp and stop watching the page. */
static void drop_page(struct tcache *tc, struct code_page *cp)
{
    for (struct block *b = cp->blocks; b; b = b->pnext) {
        b->valid = false;
        b->chain_key = 0;
        unhash(tc, b);
    }
    cp->blocks = NULL;
    memset(cp->lines, 0, sizeof cp->lines);
    watch_set(tc, cp->pn, false);
    tc->st.invalidated++;
    if (tc->poke)
        *tc->poke = true; /* the running block may be one of them */
}

/* The bus's watch callback: size bytes at paddr (inside one page) were just
 * written, or a whole page changed what it reads as (bus_page_changed).
 * Only a write that touches a line holding code drops the page's blocks;
 * data that shares the page with code costs this test alone. */
static void on_write(void *opaque, uint64_t paddr, int size)
{
    struct tcache *tc = opaque;
    struct code_page *cp = tc->pages[paddr >> PAGE_SHIFT];
    uint32_t off = (uint32_t)paddr & (PAGE_SIZE - 1);
    uint32_t last = off + (uint32_t)size - 1;

    if (!cp)
        return;
    if (last >= PAGE_SIZE)
        last = PAGE_SIZE - 1; /* writes do not cross pages (bus.h); never read past the mask */
    if (lines_have_code(cp, off, last))
        drop_page(tc, cp);
}

void tcache_flush(struct tcache *tc)
{
    for (struct code_page *cp = tc->pages_used; cp; cp = cp->next) {
        for (struct block *b = cp->blocks; b; b = b->pnext)
            tc->hash[bucket(b->phys, b->code32)] = NULL;
        tc->pages[cp->pn] = NULL;
        tc->watch[cp->pn >> 3] &= (uint8_t)~(1u << (cp->pn & 7));
    }
    for (int k = 0; k < tc->n_cpus; k++)
        mmu_fast_refresh(tc->cpus[k]); /* one pass for all the pages (watch_set()) */
    tc->pages_used = NULL;
    tc->used = 0;
    tc->st.flushes++;
    if (tc->poke)
        *tc->poke = true;
}

/* --- decoding a block --- */

/* Does the block end after instruction i? (See the file header.) */
static bool ends_block(const struct insn *i)
{
    uint32_t attr = x86_attr(i->op);
    if (attr & (A_JUMP | A_PRIV))
        return true;
    if ((attr & A_STR) && i->rep != REP_NONE)
        return true;
    return i->op == OP_STI;
}

/* Whether a block that ends with entry e has a plain end (tcache.h). */
static bool plain_end(const struct entry *e)
{
    op_fn *fn = e->fn;
    if (!ends_block(&e->insn))
        return true;
    if (x86_attr(e->insn.op) & A_PRIV)
        return false;
    return fn == op_jcc || fn == op_loop || fn == op_jcxz || fn == op_jmp_near ||
           fn == op_call_near || fn == op_ret_near || fn == op_movs || fn == op_cmps ||
           fn == op_stos || fn == op_lods || fn == op_scas;
}

bool tcache_near(const struct block *from, int slot, const struct block *to)
{
    if (!from->code32 || !from->plain_end || !to->code32)
        return false;
    const struct entry *x = &from->e[from->n - 1];
    const struct insn *i = &x->insn;
    int64_t delta;
    if (slot == 0)
        delta = from->bytes;
    else if (i->osize == 4 && (x->fn == op_jcc || i->op == OP_JMP_Jz || i->op == OP_JMP_Jb ||
                               i->op == OP_CALL_Jz))
        delta = (int64_t)x->end + (int32_t)i->imm; /* next + rel, no 16-bit cut */
    else
        return false; /* a target in a register or in memory, or cut to 16 bits */
    int64_t off = (int64_t)(from->phys & (PAGE_SIZE - 1)) + delta;
    return off >= 0 && off < PAGE_SIZE && (int64_t)from->phys + delta == (int64_t)to->phys;
}

/* Decode into e[] the instructions of a block at page offset off, whose
 * bytes start at host; returns how many (0: the first does not fit). */
static int decode_block(struct entry *e, uint32_t off, bool code32, const uint8_t *host)
{
    int n = 0;
    uint32_t pos = off;
    while (n < BLOCK_MAX && pos < PAGE_SIZE) {
        uint32_t avail = PAGE_SIZE - pos < 15 ? PAGE_SIZE - pos : 15;
        struct insn *i = &e[n].insn;
        if (x86_decode(i, host + (pos - off), (int)avail, code32 ? 4 : 2) != DECODE_OK)
            break; /* crosses the page end (or is too long): the switch core runs it */
        e[n].fn = handlers[i->op];
        e[n].off = (uint16_t)(pos - off);
        e[n].end = (uint16_t)(pos - off + i->len);
        /* The static cost, looked up once here rather than at every run
         * (cycles_insn() was 8% of the threaded core's time on bench). */
        e[n].cost = cycles_insn_fixed(i);
        tcache_specialise(&e[n]);
        n++;
        pos += i->len;
        if (ends_block(i))
            break;
    }
    return n;
}

static void *arena_alloc(struct tcache *tc, size_t size)
{
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (ARENA_SIZE - tc->used < size)
        return NULL;
    void *p = tc->arena + tc->used;
    tc->used += size;
    return p;
}

/* The record of page pn, made on first use; NULL when the arena is full. */
static struct code_page *page_record(struct tcache *tc, uint64_t pn)
{
    struct code_page *cp = tc->pages[pn];
    if (cp)
        return cp;
    cp = arena_alloc(tc, sizeof *cp);
    if (!cp)
        return NULL;
    *cp = (struct code_page){.next = tc->pages_used, .pn = pn};
    tc->pages_used = cp;
    tc->pages[pn] = cp;
    return cp;
}

/* Room for a block of n instructions and its page's record, flushing the
 * whole cache once if the arena is full. */
static struct block *reserve(struct tcache *tc, uint64_t pn, int n, struct code_page **cp)
{
    size_t size = sizeof(struct block) + (size_t)n * sizeof(struct entry);
    struct block *b;
    *cp = page_record(tc, pn);
    if (!*cp || !(b = arena_alloc(tc, size))) {
        tcache_flush(tc);
        *cp = page_record(tc, pn);
        b = arena_alloc(tc, size); /* an empty arena holds any block */
    }
    return b;
}

static struct block *build(struct tcache *tc, uint64_t phys, bool code32, const uint8_t *host)
{
    struct entry e[BLOCK_MAX] = {0};
    uint32_t off = (uint32_t)phys & (PAGE_SIZE - 1);
    int n = decode_block(e, off, code32, host);
    if (n == 0)
        return NULL;

    struct code_page *cp;
    struct block *b = reserve(tc, phys >> PAGE_SHIFT, n + 1, &cp);
    *b = (struct block){.phys = phys, .n = (uint8_t)n, .code32 = code32, .valid = true,
                        .plain_end = plain_end(&e[n - 1])};
    tcache_plan(b, e, n);
    memcpy(b->e, e, (size_t)n * sizeof e[0]);
    b->e[n] = (struct entry){.xop = FAST_BLOCK_END};
    for (int k = 0; k < n; k++)
        b->bytes = (uint16_t)(b->bytes + e[k].insn.len);
    b->pnext = cp->blocks;
    cp->blocks = b;
    lines_mark(cp, off, b->bytes);
    watch_set(tc, cp->pn, true);
    unsigned h = bucket(phys, code32);
    b->hnext = tc->hash[h];
    tc->hash[h] = b;
    tc->st.built++;
    return b;
}

struct block *tcache_get(struct tcache *tc, uint64_t phys, bool code32, const uint8_t *host)
{
    if (phys >> PAGE_SHIFT >= tc->n_pages)
        return NULL; /* ROM beyond RAM (the reset vector's): no page record, no watch */
    tc->st.lookups++;
    struct block *b = lookup(tc, phys, code32);
    return b ? b : build(tc, phys, code32, host);
}

/* --- life cycle --- */

struct tcache *tcache_create(struct bus *b)
{
    if (b->watch)
        return NULL; /* one cache a bus: its pages are watched already */
    struct tcache *tc = calloc(1, sizeof *tc);
    if (!tc)
        return NULL;
    tc->bus = b;
    tc->n_pages = (b->ram_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    tc->pages = calloc(tc->n_pages ? tc->n_pages : 1, sizeof *tc->pages);
    tc->watch = calloc((tc->n_pages + 7) / 8 + 1, 1);
    tc->arena = malloc(ARENA_SIZE);
    if (!tc->pages || !tc->watch || !tc->arena) {
        tcache_destroy(tc);
        return NULL;
    }
    b->watch = tc->watch;
    b->watch_fn = on_write;
    b->watch_opaque = tc;
    return tc;
}

void tcache_destroy(struct tcache *tc)
{
    if (!tc)
        return;
    if (tc->bus->watch == tc->watch && tc->watch) {
        tc->bus->watch = NULL;
        tc->bus->watch_fn = NULL;
        tc->bus->watch_opaque = NULL;
    }
    free(tc->cpus);
    free(tc->arena);
    free(tc->watch);
    free(tc->pages);
    free(tc);
}

bool tcache_bind(struct tcache *tc, struct cpu *c)
{
    tc->poke = &c->poke;
    for (int k = 0; k < tc->n_cpus; k++)
        if (tc->cpus[k] == c)
            return true;
    struct cpu **cpus = realloc(tc->cpus, (size_t)(tc->n_cpus + 1) * sizeof *cpus);
    if (!cpus)
        return false;
    tc->cpus = cpus;
    tc->cpus[tc->n_cpus++] = c;
    /* Its TLB was filled under this watch map but not told of its changes. */
    mmu_fast_refresh(c);
    return true;
}

void tcache_get_stats(const struct tcache *tc, struct tcache_stats *s)
{
    *s = tc->st;
}

void tcache_add_chained(struct tcache *tc, uint64_t n)
{
    tc->st.chained += n;
}

uint64_t tcache_generation(const struct tcache *tc)
{
    return tc->st.flushes;
}
