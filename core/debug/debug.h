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
    int vector;           /* DBG_STOP_VECTOR: the vector */
    uint32_t exit_code;   /* DBG_STOP_EXIT: the value written to the exit device */
    int old_mode;         /* DBG_STOP_MODE_SWITCH: enum dbg_mode | DBG_MODE_PAGING */
    int new_mode;         /* the same, after */
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
/* Run on toward the goal a DBG_STOP_BUDGET interrupted. */
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
    int levels;         /* entries read: 0, 1 (PDE: 4 MiB page or not present), 2 */
    uint64_t addr[2];   /* physical addresses of the PDE and the PTE */
    uint32_t entry[2];  /* their values */
    uint32_t page_size; /* 4096 or 4 MiB */
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

#endif
