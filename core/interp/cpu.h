/*
 * cpu.h - the state of one x86 CPU, and the small inline helpers every
 * instruction handler uses to read and write it.
 *
 * Read this file first when learning the interpreter. A CPU is:
 *   - eight general registers (64 bits wide in the struct, because long mode
 *     comes later; the i386 uses the low 32 bits),
 *   - EIP and EFLAGS,
 *   - six segment registers plus LDTR and TR, each with its hidden
 *     "descriptor cache" (Intel SDM vol. 3, 3.4.3): base, limit, attributes,
 *   - the control, debug and descriptor-table registers and a few MSRs,
 *   - the cycle counter that drives virtual time.
 *
 * Faults are return values: a function that may fault returns 0 on success
 * or CPU_FAULT after recording the exception in c->exc with cpu_fault().
 * The caller passes CPU_FAULT up (TRY()) to the execution loop, which rewinds
 * EIP to the start of the instruction and delivers the exception. Nothing
 * uses longjmp.
 */
#ifndef LAB86_CPU_H
#define LAB86_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "fpu.h"
#include "insn.h"
#include "trap.h"

struct bus;
struct tcache;
struct lapic;

#define WUR __attribute__((warn_unused_result))

/* For the few fast paths whose every call site must be inline (the
 * threaded core's dispatch loop, the specialised forms, the MMU's fast
 * path): GCC otherwise outlines them once a function grows past its
 * limits, and the calls cost more than the work. */
#ifdef __GNUC__
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* General register numbers, as encoded in ModR/M and in the opcode low bits. */
enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };

/* Segment register numbers, as encoded in ModR/M reg for MOV Sreg; then the
 * two system segment registers. */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEG_COUNT };

/* EFLAGS bits (SDM vol. 1, 3.4.3). */
#define FL_CF (1u << 0)
#define FL_FIXED1 (1u << 1) /* reads as 1 */
#define FL_PF (1u << 2)
#define FL_AF (1u << 4)
#define FL_ZF (1u << 6)
#define FL_SF (1u << 7)
#define FL_TF (1u << 8)
#define FL_IF (1u << 9)
#define FL_DF (1u << 10)
#define FL_OF (1u << 11)
#define FL_IOPL (3u << 12)
#define FL_IOPL_SHIFT 12
#define FL_NT (1u << 14)
#define FL_RF (1u << 16)
#define FL_VM (1u << 17)
#define FL_AC (1u << 18)
#define FL_VIF (1u << 19)
#define FL_VIP (1u << 20)
#define FL_ID (1u << 21)
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/* CR0 bits. */
#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)

/* CR4 bits. */
#define CR4_VME (1u << 0)
#define CR4_PVI (1u << 1)
#define CR4_TSD (1u << 2)
#define CR4_DE (1u << 3)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_MCE (1u << 6)
#define CR4_PGE (1u << 7)
#define CR4_PCE (1u << 8)

/* Exception vectors (SDM vol. 3, table 6-1). */
enum {
    EXC_DE = 0,  /* divide error */
    EXC_DB = 1,  /* debug */
    EXC_NMI = 2, /* non-maskable interrupt */
    EXC_BP = 3,  /* INT3 */
    EXC_OF = 4,  /* INTO */
    EXC_BR = 5,  /* BOUND range exceeded */
    EXC_UD = 6,  /* invalid opcode */
    EXC_NM = 7,  /* device not available */
    EXC_DF = 8,  /* double fault */
    EXC_TS = 10, /* invalid TSS */
    EXC_NP = 11, /* segment not present */
    EXC_SS = 12, /* stack-segment fault */
    EXC_GP = 13, /* general protection */
    EXC_PF = 14, /* page fault */
    EXC_MF = 16, /* x87 floating-point error */
    EXC_AC = 17, /* alignment check */
};

/* Segment descriptor attributes, kept in the AMD VMCB layout (SVM.md):
 * bits 0-3 type, 4 S, 5-6 DPL, 7 P, 8 AVL, 9 L, 10 D/B, 11 G. */
#define SEG_ATTR_TYPE 0x00f
#define SEG_ATTR_S (1u << 4)
#define SEG_ATTR_DPL_SHIFT 5
#define SEG_ATTR_DPL (3u << 5)
#define SEG_ATTR_P (1u << 7)
#define SEG_ATTR_AVL (1u << 8)
#define SEG_ATTR_L (1u << 9)
#define SEG_ATTR_DB (1u << 10)
#define SEG_ATTR_G (1u << 11)
/* Type bits for code/data (S=1) descriptors. */
#define SEG_TYPE_ACCESSED 1u
#define SEG_TYPE_WRITABLE 2u /* data */
#define SEG_TYPE_READABLE 2u /* code */
#define SEG_TYPE_EXPDOWN 4u  /* data */
#define SEG_TYPE_CONFORM 4u  /* code */
#define SEG_TYPE_CODE 8u

/* One segment register with its hidden descriptor cache. */
struct seg {
    uint16_t sel;   /* the visible selector */
    uint64_t base;  /* linear base address */
    uint32_t limit; /* limit in bytes (granularity already applied) */
    uint16_t attr;  /* SEG_ATTR_* (VMCB layout); 0 = unusable/null */
    uint64_t fast_end[2]; /* derived from limit and attr for the data fast path (mmu_fast.h):
                             [0] reads, [1] writes; see seg_fast_update() */
};

/* Derive s->fast_end from s->limit and s->attr: limit + 1 for an access
 * kind a plain data segment takes (present, not code, not expand-down,
 * writable for [1]), else 0, so that the fast path's segment test is one
 * compare, `off + size > fast_end` (Linux decompressor: 61.33 -> 59.08 host
 * instructions a guest instruction, by callgrind). Whoever changes limit
 * or attr in place calls this; a struct literal leaves 0, which sends the
 * register's accesses down the slow path, and the slow path calls this
 * (mmu.c), so a forgotten literal costs one slow access, never a wrong
 * answer. A stale value after an in-place change would be wrong. */
static inline void seg_fast_update(struct seg *s)
{
    uint32_t kind = s->attr & (SEG_ATTR_P | SEG_ATTR_S | SEG_TYPE_CODE | SEG_TYPE_EXPDOWN);
    uint64_t end = (uint64_t)s->limit + 1;
    bool plain = kind == (SEG_ATTR_P | SEG_ATTR_S);
    s->fast_end[0] = plain ? end : 0;
    s->fast_end[1] = plain && (s->attr & SEG_TYPE_WRITABLE) ? end : 0;
}

/* c->seg_flat (struct cpu): a segment register's bit in it says that its
 * cache has base 0 and fast_end 2^32 for that kind of access (a plain data
 * segment with limit 4 GiB - 1, writable for a write), and the CPL is not 3
 * (so no #AC is possible). An access through it is then at linear address
 * off, and the only segment check left, that off + size - 1 does not pass
 * 4 GiB - 1, is the TLB compare's too (mmu_fast.h). */
#define SEG_FLAT_WRITE 8

/* A segment register's cache as a value, fast_end derived: every whole
 * assignment to a struct seg goes through this (a positional literal no
 * longer compiles, -Wmissing-field-initializers). */
static inline struct seg seg_make(uint16_t sel, uint64_t base, uint32_t limit, uint16_t attr)
{
    struct seg s = {.sel = sel, .base = base, .limit = limit, .attr = attr};
    seg_fast_update(&s);
    return s;
}

/* GDTR / IDTR. */
struct dtr {
    uint64_t base;  /* linear base */
    uint16_t limit; /* limit in bytes */
};

/* The exception being raised by the current instruction. */
struct exc {
    uint8_t vector;     /* EXC_* */
    bool has_error;     /* push an error code */
    uint32_t error;     /* the error code */
};

/* Why the CPU stopped running instructions. */
enum cpu_stop {
    CPU_RUNNING = 0,   /* not stopped */
    CPU_HALTED,        /* HLT, waiting for an interrupt */
    CPU_SHUTDOWN,      /* triple fault */
};

/* Model-specific registers that are storage (SDM vol. 4). */
struct msrs {
    uint64_t apic_base;     /* IA32_APIC_BASE (0x1b) */
    uint64_t sysenter_cs;   /* IA32_SYSENTER_CS (0x174) */
    uint64_t sysenter_esp;  /* IA32_SYSENTER_ESP (0x175) */
    uint64_t sysenter_eip;  /* IA32_SYSENTER_EIP (0x176) */
    uint64_t efer;          /* EFER (0xc0000080) */
    uint64_t tsc_offset;    /* TSC = cycles + tsc_offset (WRMSR 0x10 sets it) */
    /* The memory-type registers: storage only, as there are no caches
     * (ops_msr.c). */
    uint64_t pat;             /* IA32_PAT (0x277) */
    uint64_t mtrr_def_type;   /* IA32_MTRR_DEF_TYPE (0x2ff) */
    uint64_t mtrr_fixed[11];  /* the fixed ranges: 0x250, 0x258, 0x259, 0x268-0x26f */
    uint64_t mtrr_var[16];    /* PHYSBASE0, PHYSMASK0, ... PHYSMASK7 (0x200-0x20f) */
};

/* Event counters for --stats and the debugger; they survive a reset. */
struct cpu_stats {
    uint64_t exceptions;    /* exceptions delivered: CPU-raised, INT3, INTO, INT1 (not INT n) */
    uint64_t interrupts;    /* external interrupts accepted: INTR and NMI */
    uint64_t traps[TRAP_COUNT]; /* hypervisor-trap events by kind (trap.h, cpu_trap()) */
};

/* What the debugger core (core/debug) is told while c->attention is set. */
struct cpu_dbg_hooks {
    /* At an instruction boundary, before an interrupt is taken or the
     * instruction at CS:EIP runs: true stops there (cpu_step does nothing). */
    bool (*boundary)(void *opaque);
    /* A data access through mmu_read()/mmu_write() completed. */
    void (*access)(void *opaque, uint64_t lin, int size, bool write);
    /* An interrupt or exception is about to be delivered through vector. */
    void (*vector)(void *opaque, int vector);
    /* A hypervisor-trap event (trap.h: kind, a, b), after it happened. */
    void (*trap)(void *opaque, int kind, uint64_t a, uint64_t b);
};

/* The TLB lives in core/mmu/tlb.h; the CPU owns one. */
#include "mmu/tlb.h"

/* One slot of the switch core's decode memo: sixteen bytes at which an
 * instruction began and what x86_decode() made of them at one code size.
 * The decoder is a pure function of the bytes and the code size, so a slot
 * whose bytes and code size match those at CS:EIP holds their decoding,
 * wherever and whenever the slot was filled: the memo needs no tags, no
 * invalidation and no state saved (exec_switch.c, fetch_decode_ram()).
 * mode 0: an empty slot, which matches nothing. */
#define DECODE_MEMO_BITS 10
#define DECODE_MEMO_SLOTS (1u << DECODE_MEMO_BITS)
struct decode_memo {
    uint64_t bytes[2];  /* the sixteen bytes from the instruction's first */
    struct insn insn;   /* their decoding */
    uint16_t fixed;     /* cycles_insn_fixed(&insn): its cost when that depends on it alone */
    uint8_t mode;       /* 1 + c->code32: 1 for 16-bit code, 2 for 32-bit; 0 empty */
};

/* The last arithmetic-flag writer whose flags the threaded core has not
 * computed yet (lazy_flags.h). op is LF_NONE everywhere outside that core's
 * dispatch loop, and then c->eflags is exact. */
struct lazy_flags {
    uint32_t op;  /* LF_NONE, or the kind of operation (bits 7:3) and its size (2:0) */
    uint32_t a;   /* its first operand, masked to the size */
    uint32_t b;   /* its second operand; INC and DEC: the CF they leave */
    uint32_t res; /* its result, masked to the size */
};

struct cpu {
    uint64_t gpr[16];       /* EAX..EDI; R8-R15 reserved for long mode and always 0 (R8 is
                               insn.h's EA_NONE, what ea_offset() adds for no register) */
    uint64_t eip;           /* instruction pointer (offset in CS) */
    uint64_t prev_eip;      /* EIP of the instruction being executed (for faults) */
    uint32_t eflags;        /* EFLAGS, all bits kept here (but see lf) */
    struct lazy_flags lf;   /* the threaded core's flags not yet merged into eflags */
    struct seg seg[SEG_COUNT]; /* ES CS SS DS FS GS, LDTR, TR */
    struct dtr gdtr, idtr;  /* descriptor-table registers */
    uint64_t cr0, cr2, cr3, cr4; /* control registers */
    uint64_t dr[8];         /* debug registers DR0-DR7 (DR4/5 alias 6/7) */
    uint32_t dr6_pending;   /* DR6 bits of #DB traps waiting for the instruction boundary */
    uint8_t cpl;            /* current privilege level */
    bool cs_rpl_stale;      /* PE was set while CS held a real-mode selector: CPL stays 0
                               until CS is reloaded (the low bits are not an RPL yet) */
    bool code32;            /* CS.D: default operand and address size 32 */
    bool stack32;           /* SS.B: stack pointer is ESP (else SP) */
    uint16_t seg_flat;      /* derived by cpu_update_mode(): bit s, the data fast path may
                               take a read through segment register s as flat (mmu_fast.h);
                               bit SEG_FLAT_WRITE + s, a write */
    struct msrs msr;        /* storage MSRs */
    struct fpu fpu;         /* the x87 FPU (fpu.h, ops_fpu*.c) */
    struct exc exc;         /* the exception being raised */
    int exc_depth;          /* nesting of exception delivery (double/triple fault) */
    enum cpu_stop stop;     /* halted or shut down */
    bool intr_shadow;       /* interrupts inhibited for one instruction (STI, MOV SS) */
    /* What a running block of the threaded core must look at after every
     * instruction, in one word so that one test covers them all
     * (exec_threaded.c): whoever sets one of these needs nothing else. */
    union {
        struct {
            bool intr_line;    /* INTR pin (from the PIC or the local APIC) */
            bool nmi_pending;  /* NMI line latched */
            bool stop_request; /* a device or the debugger asks cpu_run() to return now */
            bool poke;         /* something a running block relies on may have changed: a
                                  TLB entry (mmu), code (tcache), a pending #DB trap */
        };
        uint32_t notice;       /* nonzero when any of the four is set */
    };
    uint64_t cycles;        /* virtual clock: cycles executed */
    uint64_t deadline;      /* cpu_run() returns at this cycle; timers pull it in (clock.h) */
    uint64_t instructions;  /* instructions retired */
    uint32_t cycle_extra;   /* cycles the current instruction's handler reported (cycles.h) */
    struct cpu_stats stats; /* exceptions and interrupts counted */
    uint32_t a20_mask;      /* physical address mask: ~(1<<20) when A20 is off */
    struct bus *bus;        /* memory and ports */
    struct tlb tlb;         /* software TLB */
    /* Hooks set by the machine. */
    int (*intr_ack)(void *opaque); /* INTA cycle: returns the vector */
    void *intr_opaque;      /* argument of intr_ack */
    struct lapic *apic;     /* this CPU's local APIC (devices/lapic.h; it drives intr_line
                               and answers intr_ack); NULL on a board without APICs */
    const uint64_t *tsc_clock; /* the cycles the TSC counts: NULL for this CPU's own; an
                               application processor counts the bootstrap CPU's (smp.c) */
    /* Host-side state of the interpreter (kept across cpu_reset). */
    struct tcache *tcache;  /* the threaded core's block cache (tcache.h); NULL until it runs */
    bool single_step_only;  /* something watches every instruction (the debugger): the
                               threaded core steps aside to cpu_step() */
    /* The debugger's hooks (core/debug), called only while attention is set:
     * with no debugger listening the interpreter pays one flag test. */
    bool attention;         /* the debugger listens (with single_step_only too when it
                               needs every boundary; events alone do not) */
    const struct cpu_dbg_hooks *dbg; /* its hooks, given dbg_opaque */
    void *dbg_opaque;       /* the debugger's state */
    bool dbg_break;         /* the debugger stopped the run: emu_run() returns */
    /* Last, outside the snapshot's region (snapshot.c): the switch core's memo of
     * decoded instructions (exec_switch.c), a cache with no state of the machine's. */
    struct decode_memo memo[DECODE_MEMO_SLOTS];
};

#define CPU_FAULT 1

/* Record exception vec with error code err; return CPU_FAULT to propagate. */
static inline int WUR cpu_fault(struct cpu *c, int vec, uint32_t err)
{
    c->exc.vector = (uint8_t)vec;
    c->exc.error = err;
    c->exc.has_error = (vec == EXC_DF || (vec >= EXC_TS && vec <= EXC_PF) || vec == EXC_AC);
    return CPU_FAULT;
}

/* Count a hypervisor-trap event (trap.h) and tell a listening debugger.
 * Always kept: one increment; the call only while the debugger listens. */
static inline void cpu_trap(struct cpu *c, enum trap_kind kind, uint64_t a, uint64_t b)
{
    c->stats.traps[kind]++;
    if (c->attention && c->dbg->trap)
        c->dbg->trap(c->dbg_opaque, kind, a, b);
}

/* Propagate a fault: TRY(mmu_read(...)); */
#define TRY(expr)                                                                                  \
    do {                                                                                           \
        int try_r_ = (expr);                                                                       \
        if (try_r_)                                                                                \
            return try_r_;                                                                         \
    } while (0)

/* --- registers by operand size (1, 2 or 4 bytes) --- */

/* Read register n of the given size. For size 1, n=4..7 are AH CH DH BH. */
static inline uint32_t reg_get(const struct cpu *c, int n, int size)
{
    switch (size) {
    case 1:
        return n < 4 ? (uint8_t)c->gpr[n] : (uint8_t)(c->gpr[n - 4] >> 8);
    case 2:
        return (uint16_t)c->gpr[n];
    default:
        return (uint32_t)c->gpr[n];
    }
}

/* Write register n of the given size; 8- and 16-bit writes keep the other bits. */
static inline void reg_set(struct cpu *c, int n, int size, uint32_t v)
{
    switch (size) {
    case 1:
        if (n < 4)
            c->gpr[n] = (c->gpr[n] & ~0xffull) | (uint8_t)v;
        else
            c->gpr[n - 4] = (c->gpr[n - 4] & ~0xff00ull) | ((uint64_t)(uint8_t)v << 8);
        break;
    case 2:
        c->gpr[n] = (c->gpr[n] & ~0xffffull) | (uint16_t)v;
        break;
    default:
        c->gpr[n] = (uint32_t)v;
        break;
    }
}

/* Mask of an operand of size bytes. */
static inline uint32_t size_mask(int size)
{
    return size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff;
}

/* Sign bit of an operand of size bytes. */
static inline uint32_t size_sign(int size)
{
    return 1u << (size * 8 - 1);
}

/* --- modes --- */

static inline bool cpu_protected(const struct cpu *c)
{
    return (c->cr0 & CR0_PE) != 0;
}

static inline bool cpu_v86(const struct cpu *c)
{
    return (c->eflags & FL_VM) != 0;
}

static inline bool cpu_paging(const struct cpu *c)
{
    return (c->cr0 & CR0_PG) != 0;
}

static inline unsigned cpu_iopl(const struct cpu *c)
{
    return (c->eflags & FL_IOPL) >> FL_IOPL_SHIFT;
}

/* Mask applied to EIP: 16 bits when CS is a 16-bit segment. */
static inline uint32_t cpu_ip_mask(const struct cpu *c)
{
    return c->code32 ? 0xffffffffu : 0xffffu;
}

/* Stack pointer, as SP or ESP depending on SS.B. */
static inline uint32_t cpu_sp(const struct cpu *c)
{
    return c->stack32 ? (uint32_t)c->gpr[R_ESP] : (uint16_t)c->gpr[R_ESP];
}

static inline void cpu_set_sp(struct cpu *c, uint32_t sp)
{
    reg_set(c, R_ESP, c->stack32 ? 4 : 2, sp);
}

/* --- lifecycle (cpu.c) --- */

/* Initialise c to the state after RESET (SDM vol. 3, 9.1.1), attached to bus. */
void cpu_init(struct cpu *c, struct bus *bus);

/* Put c in the state of power-on reset: real mode at F000:FFF0. */
void cpu_reset(struct cpu *c);

/* Load a real-mode segment register (base = sel << 4), keeping limit and
 * attributes (which is what makes "unreal mode" work). */
void cpu_load_real_seg(struct cpu *c, int sreg, uint16_t sel);

/* Recompute derived state (code32, stack32, cpl, seg_flat) after CR0 or
 * EFLAGS change, and after any change of a segment register's cache: every
 * writer of c->seg[] ends with it (a stale seg_flat bit would let the data
 * fast path skip a segment's base and limit; cpu_run() and
 * cpu_run_threaded() assert that it is current). */
void cpu_update_mode(struct cpu *c);

/* c->seg_flat as the segment registers and the CPL make it now. */
uint16_t cpu_seg_flat(const struct cpu *c);

/* After a change in place of the base, limit or attributes of c->seg[sreg]:
 * what is derived from them (seg_fast_update(), then cpu_update_mode()). */
static inline void cpu_seg_changed(struct cpu *c, int sreg)
{
    seg_fast_update(&c->seg[sreg]);
    cpu_update_mode(c);
}

/* Write EFLAGS under the given mask of changeable bits; keeps bit 1 set and
 * reserved bits clear. */
void cpu_set_eflags(struct cpu *c, uint32_t value, uint32_t mask);

#endif
