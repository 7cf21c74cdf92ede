/*
 * debugreg.c - the debug registers' breakpoints and the #DB traps (SDM
 * vol. 3, chapter 17: 17.2 "Debug registers", 17.3 "Debug exceptions").
 *
 * DR0-DR3 hold four linear addresses. DR7 says, for each, whether it is
 * enabled (local L<n> or global G<n>: with no hardware task switches in
 * sight the two act the same), what it watches (R/W<n>: 00 instruction
 * execution, 01 data writes, 11 data reads and writes, 10 I/O) and, for
 * data, how many bytes (LEN<n>: 00 one, 01 two, 11 four, 10 eight; the
 * range is aligned to its length). DR6 reports what happened: B<n> for the
 * breakpoints that matched, BS for a single step, BT for a task switch into
 * a task with the T bit, BD for a debug-register access while DR7.GD is set
 * (that one is MOV DRn's, in ops_system.c).
 *
 * Two kinds of #DB come from here:
 *
 *   faults  an instruction breakpoint fires before its instruction runs, so
 *           the handler sees the instruction's own address. To go on, the
 *           handler returns with RF set in the EFLAGS image: RF suppresses
 *           instruction breakpoints for one instruction (exec_switch.c
 *           clears it as each instruction starts).
 *   traps   data breakpoints, single step and the T bit fire after the
 *           instruction (or the task switch) completes. Their DR6 bits
 *           collect in c->dr6_pending and cpu_debug_trap() delivers them
 *           together as one #DB at the instruction boundary. Delivering any
 *           interrupt or exception discards them (interrupt.c), as hardware
 *           does: the handler runs with TF clear.
 *
 * Not emulated: I/O breakpoints (R/W = 10, which needs CR4.DE; treated as
 * disabled), the GE/LE exact-match bits (every match is exact here), and
 * DR6.B<n> reports for breakpoints that matched but are not enabled.
 */
#include "exec.h"

#include "interrupt.h"

/* DR7.R/W<n> values. */
enum { DR7_RW_EXEC = 0, DR7_RW_WRITE = 1, DR7_RW_IO = 2, DR7_RW_RDWR = 3 };

static bool dr_enabled(const struct cpu *c, int n)
{
    return (c->dr[7] >> (2 * n)) & 3;
}

static unsigned dr_rw(const struct cpu *c, int n)
{
    return (c->dr[7] >> (16 + 4 * n)) & 3;
}

/* Bytes a data breakpoint covers, from LEN<n>. */
static uint32_t dr_len(const struct cpu *c, int n)
{
    static const uint32_t bytes[4] = {1, 2, 8, 4};
    return bytes[(c->dr[7] >> (18 + 4 * n)) & 3];
}

void dr_check_data(struct cpu *c, uint64_t lin, int size, bool write)
{
    uint32_t first = (uint32_t)lin, last = first + (uint32_t)size - 1;

    for (int n = 0; n < 4; n++) {
        unsigned rw = dr_rw(c, n);
        if (!dr_enabled(c, n) || rw == DR7_RW_EXEC || rw == DR7_RW_IO)
            continue;
        if (rw == DR7_RW_WRITE && !write)
            continue;
        uint32_t len = dr_len(c, n);
        uint32_t bp = (uint32_t)c->dr[n] & ~(len - 1), bp_last = bp + len - 1;
        /* Overlap of [first, last] and [bp, bp_last]; an access that wraps
         * at 4 GiB is two ranges, checked as such. */
        bool hit = first <= last ? first <= bp_last && bp <= last : bp <= last || bp_last >= first;
        if (hit) {
            c->dr6_pending |= DR6_B0 << n;
            c->poke = true; /* the threaded core delivers it at the boundary */
        }
    }
}

int dr_check_exec(struct cpu *c)
{
    uint32_t hits = 0;

    if ((c->eflags & FL_RF) || !(c->dr[7] & DR7_ENABLE_MASK))
        return 0;
    /* The breakpoint address is the linear address of the instruction's
     * first byte, prefixes included. */
    uint32_t lin = (uint32_t)(c->seg[SEG_CS].base + c->eip);
    for (int n = 0; n < 4; n++)
        if (dr_enabled(c, n) && dr_rw(c, n) == DR7_RW_EXEC && (uint32_t)c->dr[n] == lin)
            hits |= DR6_B0 << n;
    if (!hits)
        return 0;
    c->dr[6] |= hits;
    return cpu_fault(c, EXC_DB, 0);
}

void cpu_debug_trap(struct cpu *c)
{
    c->dr[6] |= c->dr6_pending;
    if (cpu_interrupt(c, EXC_DB, INT_EXCEPTION, false, 0))
        cpu_exception(c);
}
