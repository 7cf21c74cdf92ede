/*
 * break.c - the debugger's breakpoint and watchpoint tables, and the
 * matching the hooks in debug.c ask for.
 *
 * Execution breakpoints are matched at an instruction boundary against
 * CS:EIP in three ways: its linear address (CS.base + EIP), the physical
 * address that translates to (found without side effects, only when a
 * physical breakpoint exists), or the selector and offset themselves (a
 * seg:off breakpoint follows the segment wherever its base is). These are
 * software breakpoints kept outside the guest: nothing is written into its
 * memory, so a checksum of its own code, or code in ROM, sees no INT3.
 *
 * Watchpoints are matched on every data access the CPU makes through the
 * segmented path (mmu_read/mmu_write: operands, the stack, strings), by
 * overlap of the access with the watched range; a physical watchpoint
 * translates the access's first byte. Descriptor-table and page-table
 * reads by the CPU itself, and DMA, are not data accesses and do not match.
 *
 * Ids are shared by both tables and never reused, so a stale id is an error
 * rather than another breakpoint.
 */
#include "debug/dbg_impl.h"

#include <stdio.h>

#include "mmu/mmu.h"

/* A free slot of the breakpoint table, filled with a new id; NULL if full. */
static struct dbg_bp *new_bp(struct dbg *d, enum bp_kind kind, uint64_t addr, bool temporary)
{
    for (int k = 0; k < DBG_MAX_BREAK; k++) {
        struct dbg_bp *b = &d->bp[k];
        if (b->id == 0) {
            *b = (struct dbg_bp){.id = d->next_id++, .kind = kind, .addr = addr,
                                 .temporary = temporary};
            return b;
        }
    }
    return NULL;
}

int dbg_break_linear(struct dbg *d, uint64_t lin, bool temporary)
{
    struct dbg_bp *b = new_bp(d, BP_LINEAR, (uint32_t)lin, temporary);
    return b ? b->id : -1;
}

int dbg_break_physical(struct dbg *d, uint64_t phys, bool temporary)
{
    struct dbg_bp *b = new_bp(d, BP_PHYSICAL, phys, temporary);
    return b ? b->id : -1;
}

int dbg_break_segoff(struct dbg *d, uint16_t sel, uint32_t off, bool temporary)
{
    struct dbg_bp *b = new_bp(d, BP_SEGOFF, off, temporary);
    if (!b)
        return -1;
    b->sel = sel;
    return b->id;
}

int dbg_break_goal(struct dbg *d, uint16_t sel, uint32_t off, uint32_t min_sp)
{
    struct dbg_bp *b = new_bp(d, BP_SEGOFF, off, true);
    if (!b)
        return -1;
    b->sel = sel;
    b->min_sp = min_sp;
    return b->id;
}

static struct dbg_bp *find_bp(struct dbg *d, int id)
{
    for (int k = 0; id > 0 && k < DBG_MAX_BREAK; k++)
        if (d->bp[k].id == id)
            return &d->bp[k];
    return NULL;
}

static struct dbg_wp *find_wp(struct dbg *d, int id)
{
    for (int k = 0; id > 0 && k < DBG_MAX_WATCH; k++)
        if (d->wp[k].id == id)
            return &d->wp[k];
    return NULL;
}

int dbg_break_condition(struct dbg *d, int id, const char *cond, char *err, size_t errlen)
{
    struct dbg_bp *b = find_bp(d, id);
    struct dbg_expr *e = NULL;
    if (!b) {
        snprintf(err, errlen, "no breakpoint %d", id);
        return -1;
    }
    if (cond && *cond && !(e = dbg_expr_parse(cond, err, errlen)))
        return -1;
    dbg_expr_free(b->cond);
    b->cond = e;
    return 0;
}

int64_t dbg_hits(const struct dbg *d, int id)
{
    struct dbg_bp *b = find_bp((struct dbg *)d, id);
    struct dbg_wp *w = find_wp((struct dbg *)d, id);
    return b ? (int64_t)b->hits : w ? (int64_t)w->hits : dbg_stops_hits(d, id);
}

/* The bytes a change watchpoint watches, as the debugger reads memory
 * (never faulting; unreadable bytes read as 0). */
static uint64_t wp_value(struct dbg *d, const struct dbg_wp *w)
{
    uint8_t b[DBG_WATCH_CHANGE_MAX] = {0};
    if (w->physical)
        dbg_read_physical(d, w->addr, b, (size_t)w->len, NULL);
    else
        dbg_read_linear(d, w->addr, b, (size_t)w->len, NULL);
    uint64_t v = 0;
    for (int k = (int)w->len - 1; k >= 0; k--)
        v = v << 8 | b[k];
    return v;
}

static int new_wp(struct dbg *d, bool physical, uint64_t addr, uint64_t len, int kind)
{
    if (len == 0 || (kind & DBG_WATCH_ACCESS) == 0)
        return -1;
    if ((kind & DBG_WATCH_CHANGE) && ((kind & DBG_WATCH_ACCESS) != DBG_WATCH_WRITE ||
                                      len > DBG_WATCH_CHANGE_MAX))
        return -1;
    for (int k = 0; k < DBG_MAX_WATCH; k++) {
        if (d->wp[k].id == 0) {
            d->wp[k] = (struct dbg_wp){d->next_id++, physical, addr, len, kind & 7, 0, 0};
            if (kind & DBG_WATCH_CHANGE)
                d->wp[k].value = wp_value(d, &d->wp[k]);
            return d->wp[k].id;
        }
    }
    return -1;
}

bool dbg_check_changes(struct dbg *d)
{
    d->change_pending = false;
    for (int k = 0; k < DBG_MAX_WATCH; k++) {
        struct dbg_wp *w = &d->wp[k];
        if (w->id == 0 || !(w->kind & DBG_WATCH_CHANGE))
            continue;
        uint64_t now = wp_value(d, w);
        if (now == w->value)
            continue;
        w->hits++;
        d->stop.id = w->id;
        d->stop.addr = w->addr;
        d->stop.size = (int)w->len;
        d->stop.write = true;
        d->stop.changed = true;
        d->stop.old_value = w->value;
        d->stop.new_value = now;
        w->value = now;
        return true;
    }
    return false;
}

int dbg_watch_linear(struct dbg *d, uint64_t lin, uint64_t len, int kind)
{
    return new_wp(d, false, lin, len, kind);
}

int dbg_watch_physical(struct dbg *d, uint64_t phys, uint64_t len, int kind)
{
    return new_wp(d, true, phys, len, kind);
}

int dbg_delete(struct dbg *d, int id)
{
    struct dbg_bp *b = find_bp(d, id);
    struct dbg_wp *w = find_wp(d, id);
    if (b) {
        dbg_expr_free(b->cond);
        *b = (struct dbg_bp){0};
    } else if (w) {
        *w = (struct dbg_wp){0};
    } else {
        return dbg_stops_delete(d, id); /* an I/O or serial stop (stops.c) */
    }
    return 0;
}

void dbg_free_tables(struct dbg *d)
{
    for (int k = 0; k < DBG_MAX_BREAK; k++)
        if (d->bp[k].id)
            dbg_delete(d, d->bp[k].id);
}

/* Mode and CR3 stops are found at boundaries (debug.c), so they count
 * here; vector stops are decided in the trap hook (stops.c). */
bool dbg_tables_active(const struct dbg *d)
{
    bool any = d->mode_owners || d->cr3_owners;
    for (int k = 0; k < DBG_MAX_BREAK; k++)
        any |= d->bp[k].id != 0;
    for (int k = 0; k < DBG_MAX_WATCH; k++)
        any |= d->wp[k].id != 0;
    return any;
}

/* Is the CPU at b's address? phys is CS:EIP translated, or ~0 if it is not. */
static bool at_bp(const struct cpu *c, const struct dbg_bp *b, uint64_t lin, uint64_t phys)
{
    switch (b->kind) {
    case BP_LINEAR: return b->addr == lin;
    case BP_PHYSICAL: return b->addr == phys;
    case BP_SEGOFF: return c->seg[SEG_CS].sel == b->sel && (uint32_t)c->eip == b->addr;
    }
    return false;
}

/* A breakpoint matches; does its condition (and next's stack test) hold? */
static bool taken(struct dbg *d, const struct dbg_bp *b)
{
    uint64_t v;
    if (b->min_sp && cpu_sp(d->c) < b->min_sp)
        return false;
    return !b->cond || dbg_expr_eval(d, b->cond, &v) != 0 || v != 0;
}

/* CS:EIP as a physical address, when any breakpoint is physical. */
static uint64_t eip_phys(struct dbg *d, uint64_t lin)
{
    uint64_t phys = ~0ull;
    for (int k = 0; k < DBG_MAX_BREAK; k++)
        if (d->bp[k].id && d->bp[k].kind == BP_PHYSICAL)
            return mmu_peek_translate(d->c, lin, &phys) ? phys : ~0ull;
    return phys;
}

bool dbg_check_breakpoints(struct dbg *d)
{
    struct cpu *c = d->c;
    uint64_t lin = (uint32_t)(c->seg[SEG_CS].base + (c->eip & cpu_ip_mask(c)));
    uint64_t phys = eip_phys(d, lin);
    for (int k = 0; k < DBG_MAX_BREAK; k++) {
        struct dbg_bp *b = &d->bp[k];
        if (b->id == 0 || !at_bp(c, b, lin, phys) || !taken(d, b))
            continue;
        b->hits++;
        d->stop.id = b->id;
        if (b->temporary)
            dbg_delete(d, b->id);
        return true;
    }
    return false;
}

/* Does [a, a+n) overlap [b, b+m)? */
static bool overlap(uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
    return a < b + m && b < a + n;
}

bool dbg_check_watch(struct dbg *d, uint64_t lin, int size, bool write)
{
    int kind = write ? DBG_WATCH_WRITE : DBG_WATCH_READ;
    for (int k = 0; k < DBG_MAX_WATCH; k++) {
        struct dbg_wp *w = &d->wp[k];
        uint64_t addr = lin;
        if (w->id == 0 || !(w->kind & kind))
            continue;
        if (w->physical && !mmu_peek_translate(d->c, lin, &addr))
            continue;
        if (!overlap(addr, (uint64_t)size, w->addr, w->len))
            continue;
        if (w->kind & DBG_WATCH_CHANGE) { /* the store is not done yet: judge after it */
            d->change_pending = true;
            continue;
        }
        w->hits++;
        d->stop.id = w->id;
        d->stop.addr = lin;
        d->stop.size = size;
        d->stop.write = write;
        d->stop.changed = false;
        return true;
    }
    return false;
}
