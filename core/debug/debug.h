/*
 * debug.h - the debugger core: the one place that decides when the machine
 * stops (DESIGN.md, "One core, several thin front ends").
 *
 * The TUI, the command line, Lua and the GDB stub are clients of this
 * interface; none of them runs the machine or reads struct cpu itself.
 *
 *     struct dbg *d = dbg_create(m);                   m from emu_create()
 *     int id = dbg_break_linear(d, 0x100000, false);   a breakpoint
 *     enum dbg_stop why = dbg_continue(d, 1000000);    runs, then returns
 *     struct dbg_cpu_view v; dbg_get_cpu(d, &v);       a copy of the CPU
 *
 * Run control. Every run call executes at most about max_cycles cycles and
 * returns why it stopped; the front end owns its event loop, as with
 * emu_run(). A stop at a breakpoint or after a step leaves the CPU at an
 * instruction boundary with the instruction at CS:EIP not executed yet.
 * A watchpoint or vector stop comes after the access's instruction (or the
 * delivery) completes. A run command (stepi, next, finish, until) sets a
 * goal; a DBG_STOP_BUDGET return keeps it, and dbg_resume() goes on toward
 * it, so a front end can run a long `next` in slices.
 *
 * Views are copies, and memory reads never fault, never set accessed or
 * dirty bits and never touch a device: a byte that is not RAM or ROM, or
 * whose linear address does not translate, is reported unreadable.
 */
#ifndef LAB86_DEBUG_H
#define LAB86_DEBUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devfield.h"
#include "emu.h"

struct dbg;

/* Why a run call returned. */
enum dbg_stop {
    DBG_STOP_BREAKPOINT,   /* an execution breakpoint: dbg_last_stop() has its id */
    DBG_STOP_WATCHPOINT,   /* a data access hit a watchpoint: its id, address, size */
    DBG_STOP_STEP,         /* stepi, next, finish or until reached its goal */
    DBG_STOP_EXIT,         /* the guest wrote to the exit device: exit_code */
    DBG_STOP_HALT,         /* HLT that nothing can wake (IF = 0, or no timer armed) */
    DBG_STOP_TRIPLE_FAULT, /* shutdown */
    DBG_STOP_BUDGET,       /* max_cycles ran out; dbg_resume() goes on */
    DBG_STOP_MODE_SWITCH,  /* real/protected/v86 or paging changed (old_mode, new_mode) */
    DBG_STOP_CR3_WRITE,    /* CR3 took a new value */
    DBG_STOP_VECTOR,       /* an interrupt or exception with a stop on its vector */
    DBG_STOP_POWER_OFF,    /* the firmware powered the machine off */
    DBG_STOP_IO,           /* an I/O-port stop (dbg_break_io): id, port in addr, size, write, value */
    DBG_STOP_SERIAL,       /* dbg_stop_on_serial's text was sent: id, port in addr */
    DBG_STOP_TRAP,         /* a trap kind with a stop (dbg_stop_on_trap): trap, addr, value */
    DBG_STOP_HISTORY_START, /* rstepi/rcontinue reached the oldest state the reverse
                               history keeps (reverse.c): the machine is there */
};

/* The CPU's mode as the debugger names it; DBG_MODE_PAGING is a flag. */
enum dbg_mode { DBG_MODE_REAL = 0, DBG_MODE_PROTECTED = 1, DBG_MODE_V86 = 2 };
#define DBG_MODE_PAGING 4

/* The last stop in detail. */
struct dbg_stop_info {
    enum dbg_stop reason; /* as returned */
    int id;               /* the breakpoint or watchpoint id, else 0 */
    uint64_t addr;        /* watchpoint: linear address of the access */
    int size;             /* watchpoint: bytes accessed */
    bool write;           /* watchpoint: the access stored */
    int vector;           /* DBG_STOP_VECTOR (and a TRAP stop of a delivery): the vector */
    uint32_t exit_code;   /* DBG_STOP_EXIT: the value written to the exit device */
    bool changed;         /* a DBG_WATCH_CHANGE stop: the value changed */
    uint64_t old_value;   /* then the watched bytes before (little-endian) */
    uint64_t new_value;   /* and after */
    int old_mode;         /* DBG_STOP_MODE_SWITCH: enum dbg_mode | DBG_MODE_PAGING */
    int new_mode;         /* the same, after */
    uint32_t value;       /* DBG_STOP_IO: the data; DBG_STOP_TRAP: the trap's b (trap.h);
                             DBG_STOP_VECTOR: an exception's error code */
    int trap;             /* DBG_STOP_TRAP: enum trap_kind (trap.h); DBG_STOP_VECTOR: how the
                             vector came: TRAP_EXCEPTION, TRAP_INTR or TRAP_SWINT */
    bool has_error;       /* DBG_STOP_VECTOR, TRAP (exception): the CPU pushed an error code */
    unsigned owners;      /* VECTOR, MODE_SWITCH, CR3_WRITE, TRAP: DBG_OWNER_BIT of each owner
                             whose stop matched (see "stop owners") */
};

/* --- life (debug.c) --- */

/* Attach a debugger to machine m (one per machine); NULL when memory runs
 * out. It adds nothing to the machine's speed until something is set. */
struct dbg *dbg_create(struct emu *m);
/* Detach and free. NULL is allowed. */
void dbg_destroy(struct dbg *d);
/* The machine. */
struct emu *dbg_emu(struct dbg *d);

/* --- run control (debug.c) --- */

/* Run until a stop. Drops any stepi/next/finish/until goal. */
enum dbg_stop dbg_continue(struct dbg *d, uint64_t max_cycles);
/* Run on toward the goal a DBG_STOP_BUDGET interrupted; or, after a stop
 * the front end passes over (a script's callback said go on), toward the
 * goal of the run command that stopped: a goal lasts until it is reached,
 * the machine ends, or the next run command replaces it. */
enum dbg_stop dbg_resume(struct dbg *d, uint64_t max_cycles);
/* Pass n instruction boundaries: an instruction retired, or an interrupt
 * or exception delivered (stepping into handlers), n >= 1. */
enum dbg_stop dbg_stepi(struct dbg *d, int n, uint64_t max_cycles);
/* One instruction, stepping over CALL, INT n, INTO and REP strings: a
 * temporary breakpoint after it, taken when the stack is back at least as
 * high as it was (so a recursive call does not stop it early). */
enum dbg_stop dbg_next(struct dbg *d, uint64_t max_cycles);
/* Until the current function returns: the first RET/RETF executed with
 * the stack pointer at or above its value now, then stop after it. A
 * frame-less heuristic; the symbols session refines it with DWARF CFI. */
enum dbg_stop dbg_finish(struct dbg *d, uint64_t max_cycles);
/* Until CS:EIP is at linear address lin (a temporary breakpoint). */
enum dbg_stop dbg_until(struct dbg *d, uint64_t lin, uint64_t max_cycles);
/* The last stop in detail. */
void dbg_last_stop(const struct dbg *d, struct dbg_stop_info *out);

/* --- breakpoints and watchpoints (break.c) --- */

#define DBG_MAX_BREAK 64 /* breakpoints at once */
#define DBG_MAX_WATCH 16 /* watchpoints at once */

/* Execution breakpoints. Each returns its id (> 0), or -1 when the table is
 * full. A temporary breakpoint is deleted when it stops the machine. */
int dbg_break_linear(struct dbg *d, uint64_t lin, bool temporary);
int dbg_break_physical(struct dbg *d, uint64_t phys, bool temporary);
/* CS = sel and EIP = off, whatever the segment's base is at the time. */
int dbg_break_segoff(struct dbg *d, uint16_t sel, uint32_t off, bool temporary);
/* Give breakpoint id a condition (expr.c's language, "eax == 5 && [esp+4]
 * != 0"); NULL or "" removes it. Returns 0, or -1 with a reason in err (a
 * parse error, or no such breakpoint). A condition that cannot be
 * evaluated (an unreadable address, a division by zero) stops. */
int dbg_break_condition(struct dbg *d, int id, const char *cond, char *err, size_t errlen);
/* How many times breakpoint or watchpoint id stopped the machine; -1 if none. */
int64_t dbg_hits(const struct dbg *d, int id);

/* Watchpoints on [addr, addr+len): what they catch. */
#define DBG_WATCH_READ 1
#define DBG_WATCH_WRITE 2
#define DBG_WATCH_ACCESS 3
/* With DBG_WATCH_WRITE: stop only when a write changes the watched bytes
 * (gdb's `watch`), judged after the writing instruction; at most
 * DBG_WATCH_CHANGE_MAX bytes. The stop's old_value and new_value hold them. */
#define DBG_WATCH_CHANGE 4
#define DBG_WATCH_CHANGE_MAX 8
/* Returns the id, or -1 (table full, len 0, or no kind). Physical
 * watchpoints match guest accesses through the CPU (not DMA). */
int dbg_watch_linear(struct dbg *d, uint64_t lin, uint64_t len, int kind);
int dbg_watch_physical(struct dbg *d, uint64_t phys, uint64_t len, int kind);

/* Delete a breakpoint or watchpoint: 0, or -1 when there is no such id. */
int dbg_delete(struct dbg *d, int id);

/* Stop after the delivery of vector (0-255) through the IVT or IDT. */
void dbg_stop_on_vector(struct dbg *d, int vector, bool on);
/* Stop after an instruction that changes the mode (real, protected, v86,
 * paging on or off). */
void dbg_stop_on_mode_switch(struct dbg *d, bool on);
/* Stop after an instruction that gives CR3 a new value. */
void dbg_stop_on_cr3_write(struct dbg *d, bool on);

/* --- stop owners (stops.c) ---
 *
 * The vector, mode-switch, CR3 and trap-kind stops are switches, not
 * numbered entries, and two clients of one debugger may want the same one:
 * the command line's `catch vector 14` and a Lua script's m:on_exception(14)
 * (scripts/lua). So each switch holds a set of owners: it is on while any
 * owner has it on, an owner turning it off leaves the others' on, and a stop
 * names every owner whose switch matched (dbg_stop_info.owners), so that each
 * client acts on its own and none mistakes another's stop for its own.
 *
 * Owner 0, DBG_OWNER_USER, is the debugger's user: the plain calls above and
 * dbg_stop_on_trap use it. A client that sets stops of its own takes another
 * number. A delivery that matches both a vector stop and the trap stop of
 * its kind (TRAP_EXCEPTION, TRAP_INTR, TRAP_SWINT) is one stop with both
 * sets of owners: DBG_STOP_VECTOR when a vector stop matched, else
 * DBG_STOP_TRAP, with the vector, its kind and error code either way. */
#define DBG_MAX_OWNERS 8
#define DBG_OWNER_USER 0
#define DBG_OWNER_BIT(owner) (1u << (owner))
/* A new owner number (1 to DBG_MAX_OWNERS - 1), or -1 when all are taken. */
int dbg_owner_new(struct dbg *d);
/* Turn off every switch stop owner holds and give the number back (not
 * DBG_OWNER_USER: that only turns its stops off). */
void dbg_owner_free(struct dbg *d, int owner);
/* The stops above and dbg_stop_on_trap, for owner; a bad owner, vector or
 * kind is ignored. */
void dbg_stop_on_vector_as(struct dbg *d, int owner, int vector, bool on);
void dbg_stop_on_mode_switch_as(struct dbg *d, int owner, bool on);
void dbg_stop_on_cr3_write_as(struct dbg *d, int owner, bool on);
void dbg_stop_on_trap_as(struct dbg *d, int owner, int kind, bool on);

/* --- expressions (expr.c) --- */

/* Evaluate text now: registers (eax..edi, ax.., al.., eip, eflags, cs..gs,
 * cr0..cr4, cpl, ...), numbers (decimal, 0x hex), [addr] (a dword at a
 * linear address; byte[..] and word[..] too), C's operators and
 * precedence. Returns 0, or -1 with a reason in err. */
int dbg_eval(struct dbg *d, const char *text, uint64_t *value, char *err, size_t errlen);

/* --- views (view.c) --- */

/* Register numbers of dbg_cpu_view.gpr and .seg. */
enum { DBG_EAX, DBG_ECX, DBG_EDX, DBG_EBX, DBG_ESP, DBG_EBP, DBG_ESI, DBG_EDI };
enum { DBG_ES, DBG_CS, DBG_SS, DBG_DS, DBG_FS, DBG_GS, DBG_LDTR, DBG_TR, DBG_NSEG };

/* A segment register with its hidden descriptor cache. */
struct dbg_seg {
    uint16_t sel;   /* selector */
    uint64_t base;  /* linear base */
    uint32_t limit; /* limit in bytes */
    uint16_t attr;  /* bits 0-3 type, 4 S, 5-6 DPL, 7 P, 8 AVL, 10 D/B, 11 G (VMCB layout) */
};

/* A copy of the whole CPU. */
struct dbg_cpu_view {
    uint64_t gpr[8];             /* EAX..EDI, DBG_EAX order */
    uint64_t eip;                /* the next instruction's offset in CS */
    uint32_t eflags;             /* EFLAGS */
    char flags[64];              /* EFLAGS decoded: "ZF IF IOPL=0" (set flags only) */
    struct dbg_seg seg[DBG_NSEG]; /* ES..GS, LDTR, TR */
    uint64_t gdt_base, idt_base; /* GDTR and IDTR bases */
    uint16_t gdt_limit, idt_limit; /* and limits */
    uint64_t cr[5];              /* CR0..CR4 (CR1 reads 0) */
    uint64_t dr[8];              /* DR0..DR7 */
    int mode;                    /* enum dbg_mode | DBG_MODE_PAGING */
    bool code32;                 /* CS.D: 32-bit code */
    unsigned cpl;                /* current privilege level */
    bool halted;                 /* in HLT */
    uint64_t cycles;             /* the virtual clock */
    uint64_t instructions;       /* instructions retired */
};

void dbg_get_cpu(struct dbg *d, struct dbg_cpu_view *v);
/* "real", "protected", "v86", with "+paging": a static string. */
const char *dbg_mode_name(int mode);

/* Read len bytes at a linear (through the current page tables) or a
 * physical address. ok, when not NULL, gets one byte per byte: 1 readable,
 * 0 not (the buf byte is then 0). Returns how many bytes were readable. */
size_t dbg_read_linear(struct dbg *d, uint64_t lin, uint8_t *buf, size_t len, uint8_t *ok);
size_t dbg_read_physical(struct dbg *d, uint64_t phys, uint8_t *buf, size_t len, uint8_t *ok);

/* The page walk of a linear address, as a supervisor read would make it. */
struct dbg_walk {
    bool paging;        /* CR0.PG: without it phys = lin and levels = 0 */
    bool pae;           /* CR4.PAE: the levels are PDPTE, PDE, PTE (8-byte entries) */
    int levels;         /* entries read: 0; 32-bit paging: 1 (PDE: 4 MiB page or not
                           present), 2 (PDE, PTE); PAE: 1 (PDPTE), 2 (PDE), 3 (PTE) */
    uint64_t addr[3];   /* physical addresses of the entries read, top level first */
    uint64_t entry[3];  /* their values */
    uint32_t page_size; /* 4096, 4 MiB (PSE) or 2 MiB (PAE) */
    bool ok;            /* the translation succeeds */
    uint64_t phys;      /* the physical address, when ok */
    uint32_t error;     /* else the #PF error code it would raise */
};
void dbg_walk(struct dbg *d, uint64_t lin, struct dbg_walk *w);

/* A GDT, LDT or IDT entry decoded. */
struct dbg_desc {
    uint32_t lo, hi;   /* the raw descriptor */
    uint64_t base;     /* segment base (segments, TSS, LDT) */
    uint32_t limit;    /* limit in bytes, granularity applied */
    uint16_t selector; /* gates: the target selector */
    uint32_t offset;   /* gates: the target offset */
    unsigned dpl;      /* descriptor privilege level */
    bool present;      /* P */
    bool system;       /* S = 0: a system segment or gate */
    char type[40];     /* "code 32-bit RX", "data RW accessed", "32-bit interrupt gate" */
};
/* Entry index of the GDT or IDT: 0, or -1 beyond the table's limit or
 * unreadable. */
int dbg_gdt_entry(struct dbg *d, unsigned index, struct dbg_desc *out);
int dbg_idt_entry(struct dbg *d, unsigned index, struct dbg_desc *out);

/* The devices' field tables (devfield.h), as emu_devices(). */
size_t dbg_devices(struct dbg *d, const struct devinfo **out);

/* --- disassembly (disasm.c, text by Capstone, lengths by lab86's decoder) --- */

enum dbg_syntax { DBG_SYNTAX_INTEL = 0, DBG_SYNTAX_ATT };
void dbg_set_syntax(struct dbg *d, enum dbg_syntax s);

/* Disassemble the instruction in bytes[0..n) as code of code_size (2 or
 * 4) bytes at address addr (for relative targets) into text ("mov eax,
 * 5"). Returns its length as lab86 decodes it, or 0 when the bytes end
 * before the instruction does (text is then "(bad)"). */
int dbg_disasm_bytes(struct dbg *d, const uint8_t *bytes, size_t n, int code_size,
                     uint64_t addr, char *text, size_t textlen);
/* The same at linear address lin in the current code size: 0 when the
 * bytes are unreadable. */
int dbg_disasm(struct dbg *d, uint64_t lin, char *text, size_t textlen);

/* --- changes by hand (poke.c: the command line's `set`) --- */

/* Set a register by its expression-language name (eax, ax, al, ah, eip,
 * eflags; es..gs only in real or v86 mode) to value. Returns 0, or -1 with
 * a reason in err. */
int dbg_set_reg(struct dbg *d, const char *name, uint64_t value, char *err, size_t errlen);
/* Write len bytes at a linear or physical address, RAM only (never ROM or
 * a device; no fault, no A/D bit); code decoded from them is dropped.
 * Returns how many bytes were written: it stops at the first that is not RAM. */
size_t dbg_write_linear(struct dbg *d, uint64_t lin, const uint8_t *buf, size_t len);
size_t dbg_write_physical(struct dbg *d, uint64_t phys, const uint8_t *buf, size_t len);

/* --- the event ring (events.c) --- */

/* What happened, with a cycle stamp. Subscribe to kinds by mask. */
enum dbg_event_kind {
    DBG_EV_EXCEPTION, /* an exception delivered: vector, error, has_error */
    DBG_EV_INTERRUPT, /* an interrupt delivered: vector, hardware (INTR/NMI) or INT n */
    DBG_EV_IO,        /* a port access done: port, size, out, value */
    DBG_EV_MODE,      /* the mode changed: old, value (enum dbg_mode | DBG_MODE_PAGING) */
    DBG_EV_CR3,       /* CR3 took a new value: old, value */
    DBG_EV_TRAP,      /* a hypervisor-trap event: trap, detail, value, size, out */
    DBG_EV_SERIAL,    /* a byte sent on a serial port: port (0x3F8, 0x2F8), value */
    DBG_EV_COUNT
};
#define DBG_EV_BIT(kind) (1u << (kind))
#define DBG_EV_ALL ((1u << DBG_EV_COUNT) - 1)

struct dbg_event {
    uint64_t seq;        /* 0, 1, 2, ... in the order recorded */
    uint64_t cycle;      /* the virtual clock when it happened */
    enum dbg_event_kind kind; /* what it is */
    uint16_t cs;         /* CS selector of the instruction that caused it */
    uint32_t eip;        /* that instruction's EIP (for an interrupt: where it came) */
    int vector;          /* EXCEPTION, INTERRUPT: the vector */
    uint32_t error;      /* EXCEPTION: the error code, when has_error */
    bool has_error;      /* EXCEPTION: the CPU pushed an error code */
    bool hardware;       /* INTERRUPT: external (INTR or NMI), else INT n */
    uint16_t port;       /* IO, SERIAL: the port (SERIAL: the UART's base) */
    int size;            /* IO (and TRAP io/mmio): bytes accessed */
    bool out;            /* IO: OUT (else IN); TRAP: the event writes */
    uint32_t value;      /* IO: data; SERIAL: the byte; MODE, CR3: the new value; TRAP: b */
    uint32_t old;        /* MODE, CR3: the value before */
    int trap;            /* TRAP: enum trap_kind (trap.h) */
    uint64_t detail;     /* TRAP: the low 32 bits of its a (port, address, vector, ...) */
};

#define DBG_EVENT_RING 4096 /* events kept; the oldest are overwritten */
#define DBG_MAX_READERS 8   /* subscribers at once */

/* Subscribe to the kinds in mask (DBG_EV_BIT(..) | ...): returns a reader
 * id (>= 0) whose cursor starts at the next event, or -1 when all reader
 * slots are taken or mask is 0. Events are recorded only while someone
 * subscribes to their kind; with no reader and no stop set, the machine
 * pays nothing for them. MODE and CR3 events are found at instruction
 * boundaries, so subscribing to them makes runs step one instruction at a
 * time (slower); the others come from hooks and keep the fast core. */
int dbg_events_subscribe(struct dbg *d, unsigned mask);
/* Drop a reader. */
void dbg_events_unsubscribe(struct dbg *d, int reader);
/* The reader's next event, oldest first: true with *ev, or false when it
 * has seen everything recorded so far. */
bool dbg_events_next(struct dbg *d, int reader, struct dbg_event *ev);
/* How many events of the reader's kinds were overwritten before it read
 * them (the ring is a fixed size); -1 for a bad reader. */
int64_t dbg_events_lost(const struct dbg *d, int reader);
/* "exception", "interrupt", "io", "mode", "cr3", "trap", "serial"; NULL
 * out of range. */
const char *dbg_event_name(int kind);

/* --- I/O, serial and trap stops (stops.c) --- */

#define DBG_IO_IN 1
#define DBG_IO_OUT 2
#define DBG_IO_BOTH 3
/* Stop after an instruction that accesses a port in [lo, hi] (an access of
 * size n covers port..port+n-1) the kind way. Returns an id (shared with
 * breakpoints: dbg_delete, dbg_hits), or -1 (table full, lo > hi, no kind). */
int dbg_break_io(struct dbg *d, uint16_t lo, uint16_t hi, int kind);
/* Stop after the instruction that sends the last byte of text on the
 * serial port whose base is port (0x3F8 COM1, 0x2F8 COM2; 0: either),
 * matched across run slices and instructions as the bytes arrive. Returns
 * an id, or -1 (table full, empty or too long text). */
int dbg_stop_on_serial(struct dbg *d, uint16_t port, const char *text);
/* Stop after an event of trap kind (trap.h), 0 <= kind < TRAP_COUNT. */
void dbg_stop_on_trap(struct dbg *d, int kind, bool on);

/* --- trap counters (stops.c) --- */

/* Copy the machine's counters of trap events by kind, TRAP_COUNT of them
 * (since the machine was made; a reset keeps them). */
void dbg_traps(struct dbg *d, uint64_t counts[TRAP_COUNT]);
/* The name of a trap kind ("io", "cpuid", ...): a static string, NULL out
 * of range. */
const char *dbg_trap_name(int kind);
/* The kind of a name, or -1. */
int dbg_trap_kind(const char *name);

/* --- stepping and interrupts (debug.c) --- */

/* Whether stepi and next step into a hardware interrupt taken during the
 * step (true, the default: the step ends at the handler's first
 * instruction) or over it (false: the handler runs to its IRET, unseen,
 * and the step ends after the instruction). Exceptions the instruction
 * itself raises are always stepped into. */
void dbg_set_step_interrupts(struct dbg *d, bool into);
bool dbg_get_step_interrupts(const struct dbg *d);

/* --- more views (view_sys.c) --- */

/* Entry index of the current LDT (LDTR's cache): 0, or -1 with no LDT,
 * beyond its limit, or unreadable. */
int dbg_ldt_entry(struct dbg *d, unsigned index, struct dbg_desc *out);

/* The current task's TSS (TR's cache), decoded. */
struct dbg_tss {
    uint16_t sel;      /* TR */
    uint64_t base;     /* its base */
    uint32_t limit;    /* its limit */
    bool is32;         /* a 32-bit TSS (else a 16-bit one) */
    bool busy;         /* the descriptor type says busy */
    uint16_t link;     /* previous task link */
    uint32_t esp[3];   /* ESP0..ESP2 (SP0..SP2) */
    uint16_t ss[3];    /* SS0..SS2 */
    uint32_t cr3;      /* 32-bit: CR3 */
    uint32_t eip;      /* saved EIP */
    uint32_t eflags;   /* saved EFLAGS */
    uint32_t gpr[8];   /* saved EAX..EDI, DBG_EAX order */
    uint16_t sreg[6];  /* saved ES..GS, DBG_ES order */
    uint16_t ldt;      /* LDT selector */
    bool trap;         /* 32-bit: the T (debug trap) bit */
    uint16_t iomap;    /* 32-bit: I/O map base */
};
/* 0, or -1 when TR holds no usable TSS or it is unreadable. */
int dbg_tss(struct dbg *d, struct dbg_tss *out);

/* A range of linear addresses with the same rights (like QEMU's `info
 * mem`): the present pages in order, neighbours with equal rights merged. */
struct dbg_mem_range {
    uint64_t lin;      /* first linear address */
    uint64_t len;      /* bytes */
    bool user;         /* U/S: user pages (else supervisor only) */
    bool write;        /* R/W: writable (else read-only) */
};
/* Fill out[0..max) with the ranges of the current page tables; returns how
 * many there are (may exceed max: then only max were written). Without
 * paging there are none: returns 0. */
size_t dbg_mem_ranges(struct dbg *d, struct dbg_mem_range *out, size_t max);

/* --- symbols (symbols.c: ELF symbols and DWARF lines, libelf/libdw) --- */

/* Load the symbol table and the line table of an ELF file (a guest
 * kernel), replacing any loaded before. Returns 0, or -1 with a reason in
 * err (not ELF, unreadable, no symbols). A file without DWARF loads its
 * symbols only. */
int dbg_load_symbols(struct dbg *d, const char *path, char *err, size_t errlen);
/* How many symbols (functions and objects) are loaded. */
size_t dbg_symbol_count(const struct dbg *d);
/* A symbol's address by name: 0, or -1 when there is none. */
int dbg_symbol_addr(struct dbg *d, const char *name, uint64_t *addr);
/* addr as "name" or "name+0x12" (the function or object covering it, else
 * the nearest function below it in the same section); returns 0, or -1
 * (and buf "") when no symbol covers it. */
int dbg_symbolize(struct dbg *d, uint64_t addr, char *buf, size_t len);
/* The source line of addr: 0 with file (its name as the compiler recorded
 * it) and *line, or -1. */
int dbg_addr_line(struct dbg *d, uint64_t addr, char *file, size_t filelen, int *line);
/* The first address of file:line (file matches the recorded name or its
 * last path components): 0, or -1. */
int dbg_line_addr(struct dbg *d, const char *file, int line, uint64_t *addr);
/* Names starting with prefix, sorted: fills out[0..max) with pointers
 * valid until the next dbg_load_symbols; returns how many match. */
size_t dbg_symbol_complete(struct dbg *d, const char *prefix, const char **out, size_t max);
/* What a front end does with `--symbols FILE` and `--kernel FILE`: load
 * symbols_path when it is not NULL (-1 with the reason in err when that
 * fails), else the kernel's own tables when kernel_path is an ELF file
 * with symbols (quietly nothing for a bzImage or a flat binary). 0 or -1. */
int dbg_auto_symbols(struct dbg *d, const char *symbols_path, const char *kernel_path, char *err,
                     size_t errlen);

/* --- snapshots and reverse execution (reverse.c; the format is ../snapshot.h) --- */

/* A snapshot (emu_save()/emu_load()) as a host file, for any front end,
 * with or without a debugger (savevm.c): 0, or -1 with a reason in err
 * ("No such file or directory", "cannot write: No space left on device", or
 * emu_load()'s reasons); the caller names the file. */
int emu_save_file(struct emu *m, const char *path, char *err, size_t errlen);
int emu_load_file(struct emu *m, const char *path, char *err, size_t errlen);

/* Save the whole machine (CPU, RAM, devices, timers) to the file path.
 * Returns 0, or -1 with a one-line reason in err ("x.snap: cannot write: ...") */
int dbg_savevm(struct dbg *d, const char *path, char *err, size_t errlen);
/* Restore the machine from a file dbg_savevm() (or `lab86 run --savevm-at`)
 * wrote. The machine must be built as the saved one was (RAM size, board,
 * CPU clock, firmware, drives); else -1 with a one-line reason in err and the
 * machine unchanged. Breakpoints stay; any run goal and the reverse history
 * are dropped (they belong to the other timeline). */
int dbg_loadvm(struct dbg *d, const char *path, char *err, size_t errlen);

/* Reverse history: while it is on, the run calls take an in-memory snapshot
 * every every_cycles cycles of virtual time (0: the default, 10 million) and
 * record host input (emu_serial_receive(), emu_type_char()) with its cycle,
 * keeping at most max_snapshots (0: the default, 16; the oldest dropped).
 * Off frees it all. Returns 0, or -1 when memory runs out. */
int dbg_history(struct dbg *d, bool on, uint64_t every_cycles, int max_snapshots);
/* Is the reverse history on? */
bool dbg_history_on(const struct dbg *d);
/* Go back n instruction boundaries, as dbg_stepi() counts them (an
 * instruction retired, or an interrupt or exception delivered), by
 * re-executing from the nearest snapshot before: the machine is then exactly
 * as it was there. Returns DBG_STOP_STEP, or DBG_STOP_HISTORY_START when the
 * history does not reach back that far (the machine is then at its oldest
 * state), also when the history is off or empty. */
enum dbg_stop dbg_rstepi(struct dbg *d, int n);
/* Run backwards to the previous breakpoint hit (the machine stops before
 * that instruction, as a forward stop would) or watchpoint hit (after the
 * accessing instruction). Returns DBG_STOP_BREAKPOINT or
 * DBG_STOP_WATCHPOINT (dbg_last_stop() tells which), DBG_STOP_HISTORY_START
 * when there is none in the history, or DBG_STOP_BUDGET when max_cycles of
 * virtual time were searched back without a hit (call again to go on). */
enum dbg_stop dbg_rcontinue(struct dbg *d, uint64_t max_cycles);

#endif
