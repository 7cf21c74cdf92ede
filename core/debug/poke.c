/*
 * poke.c - the debugger's writes: registers and memory changed by hand,
 * for the command line's `set` and gdb's G/P/M/X packets.
 *
 * Everything else in core/debug only looks; this file changes the machine,
 * always at an instruction boundary (a front end calls it only while the
 * machine is stopped). The rules, as debug.h states them:
 *
 *   - A register is written as a debugger would, not as an instruction
 *     would: no privilege check, no fault. Names are the expression
 *     language's (expr.c): eax.., ax.., al.., ah.., eip, eflags, es..gs,
 *     cr0, cr2, cr3, cr4. A segment register is set only in real or v86
 *     mode, where its base follows from the selector; in protected mode the
 *     hidden cache would have to come from a descriptor, so it is refused
 *     (load it from the guest's code instead).
 *   - Memory is written where it is RAM, as dbg_read_*() reads: ROM is not
 *     changed (real ROM cannot be) and device registers are not touched (a
 *     write could start a disk transfer). Linear addresses go through the
 *     current page tables without setting accessed or dirty bits. The
 *     writing stops at the first byte that is not RAM.
 *   - A store into RAM that holds decoded code tells the bus's watcher, as a
 *     guest store does, so the threaded core drops its stale blocks.
 */
#include "debug/dbg_impl.h"

#include <stdio.h>
#include <string.h>

#include "bus.h"
#include "mmu/mmu.h"

/* One byte into RAM at phys; false where it is not RAM. */
static bool poke_phys(struct bus *b, uint64_t phys, uint8_t byte)
{
    uint8_t *p = bus_ram_ptr(b, phys, 1);
    if (!p)
        return false;
    *p = byte;
    bus_watch_check(b, phys, 1);
    return true;
}

size_t dbg_write_physical(struct dbg *d, uint64_t phys, const uint8_t *buf, size_t len)
{
    size_t k = 0;
    while (k < len && poke_phys(d->c->bus, phys + k, buf[k]))
        k++;
    return k;
}

size_t dbg_write_linear(struct dbg *d, uint64_t lin, const uint8_t *buf, size_t len)
{
    uint64_t page = ~0ull, base = 0;
    bool mapped = false;
    for (size_t k = 0; k < len; k++) {
        uint32_t a = (uint32_t)(lin + k); /* 32-bit linear addresses wrap */
        if ((a >> 12) != page) {          /* one walk a page */
            page = a >> 12;
            mapped = mmu_peek_translate(d->c, a & ~0xfffu, &base);
        }
        if (!mapped || !poke_phys(d->c->bus, base + (a & 0xfffu), buf[k]))
            return k;
    }
    return len;
}

/* The registers dbg_set_reg() knows, by name. */
enum poke_kind { PK_GPR, PK_HIGH8, PK_EIP, PK_EFLAGS, PK_SEG, PK_CR };

static const struct poke_reg {
    const char *name;    /* as the expression language spells it */
    enum poke_kind kind; /* how it is written */
    int n;               /* register, segment or CR number */
    int size;            /* PK_GPR: bytes written (the others keep theirs) */
} poke_regs[] = {
    {"eax", PK_GPR, R_EAX, 4},  {"ecx", PK_GPR, R_ECX, 4},   {"edx", PK_GPR, R_EDX, 4},
    {"ebx", PK_GPR, R_EBX, 4},  {"esp", PK_GPR, R_ESP, 4},   {"ebp", PK_GPR, R_EBP, 4},
    {"esi", PK_GPR, R_ESI, 4},  {"edi", PK_GPR, R_EDI, 4},   {"ax", PK_GPR, R_EAX, 2},
    {"cx", PK_GPR, R_ECX, 2},   {"dx", PK_GPR, R_EDX, 2},    {"bx", PK_GPR, R_EBX, 2},
    {"sp", PK_GPR, R_ESP, 2},   {"bp", PK_GPR, R_EBP, 2},    {"si", PK_GPR, R_ESI, 2},
    {"di", PK_GPR, R_EDI, 2},   {"al", PK_GPR, R_EAX, 1},    {"cl", PK_GPR, R_ECX, 1},
    {"dl", PK_GPR, R_EDX, 1},   {"bl", PK_GPR, R_EBX, 1},    {"ah", PK_HIGH8, R_EAX, 1},
    {"ch", PK_HIGH8, R_ECX, 1}, {"dh", PK_HIGH8, R_EDX, 1},  {"bh", PK_HIGH8, R_EBX, 1},
    {"eip", PK_EIP, 0, 4},      {"eflags", PK_EFLAGS, 0, 4}, {"es", PK_SEG, SEG_ES, 2},
    {"cs", PK_SEG, SEG_CS, 2},  {"ss", PK_SEG, SEG_SS, 2},   {"ds", PK_SEG, SEG_DS, 2},
    {"fs", PK_SEG, SEG_FS, 2},  {"gs", PK_SEG, SEG_GS, 2},   {"cr0", PK_CR, 0, 4},
    {"cr2", PK_CR, 2, 4},       {"cr3", PK_CR, 3, 4},        {"cr4", PK_CR, 4, 4},
};

/* A segment register in real or v86 mode: base = selector * 16. */
static int poke_seg(struct cpu *c, int sreg, uint64_t v, char *err, size_t errlen)
{
    if (v > 0xffff) {
        snprintf(err, errlen, "a selector is 16 bits (0x%llx)", (unsigned long long)v);
        return -1;
    }
    if (c->seg[sreg].sel == (uint16_t)v)
        return 0; /* unchanged: keep the cache exactly as the guest loaded it */
    if (cpu_protected(c) && !cpu_v86(c)) {
        snprintf(err, errlen, "a segment register is set by hand only in real or v86 mode");
        return -1;
    }
    cpu_load_real_seg(c, sreg, (uint16_t)v);
    return 0;
}

/* A control register. The TLB is flushed whatever changed: a debugger
 * write is rare, and a stale translation would be a silent lie. */
static void poke_cr(struct cpu *c, int n, uint64_t v)
{
    switch (n) {
    case 0: c->cr0 = (uint32_t)v | CR0_ET; break; /* ET is hardwired to 1 (P6) */
    case 2: c->cr2 = (uint32_t)v; break;
    case 3: c->cr3 = (uint32_t)v; break;
    default: c->cr4 = (uint32_t)v; break;
    }
    cpu_update_mode(c);
    mmu_flush(c, true);
}

/* Write register r. */
static int poke(struct cpu *c, const struct poke_reg *r, uint64_t v, char *err, size_t errlen)
{
    switch (r->kind) {
    case PK_GPR: reg_set(c, r->n, r->size, (uint32_t)v); return 0;
    case PK_HIGH8: reg_set(c, r->n + 4, 1, (uint32_t)v); return 0; /* reg_set: 4..7 = AH..BH */
    case PK_EIP: c->eip = (uint32_t)v & cpu_ip_mask(c); return 0;
    case PK_EFLAGS: cpu_set_eflags(c, (uint32_t)v, 0xffffffffu); return 0;
    case PK_SEG: return poke_seg(c, r->n, v, err, errlen);
    case PK_CR: poke_cr(c, r->n, v); return 0;
    }
    return -1;
}

int dbg_set_reg(struct dbg *d, const char *name, uint64_t value, char *err, size_t errlen)
{
    for (size_t k = 0; k < sizeof poke_regs / sizeof poke_regs[0]; k++)
        if (strcmp(poke_regs[k].name, name) == 0)
            return poke(d->c, &poke_regs[k], value, err, errlen);
    snprintf(err, errlen, "no register named '%s'", name);
    return -1;
}
